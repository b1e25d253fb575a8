// SPDX-License-Identifier: GPL-2.0
/*
 * peer_hostile: the exact replies to hostile segments, from the scripted
 * peer (peer/) on a TUN, against the kernel's TCP (the reference) and
 * ltcp: challenge ACKs for an in-window RST and SYN (RFC 5961 3.2, 4.2)
 * and their rate limit (RFC 5961 7), an ACK too old (RFC 5961 5.2) or of
 * unsent data, malformed option lengths, the duplicate ACKs for segments
 * outside the window and their rate limit, and what TIME-WAIT answers
 * (RSTs, bare ACKs, a retransmitted FIN). Each
 * checks the counters of the namespace too, and that the connection goes
 * on with the right bytes.
 *
 * Where ltcp and Linux 6.1 differ by design, the test says so and checks
 * each: an ACK of unsent data gets an ACK from ltcp (RFC 9293 3.10.7.4,
 * RFC 5961 5.2), none from Linux; a segment with a malformed option length
 * is dropped and counted by ltcp (RFC 9293 3.1 MUST-7), its data taken by
 * Linux.
 *
 * Needs root, namespaces and TUN: run it in the test VM. ltcp variants
 * skip when ltcp.ko is not there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "peer.h"
#include "peer_env.h"

#define LOCAL_PORT	PEER_ENV_LOCAL_PORT
#define PEER_PORT	PEER_ENV_PEER_PORT
#define RATELIMIT_MS	600	/* beyond net.ipv4.tcp_invalid_ratelimit */

static long tcp_mib(const char *name)
{
	return peer_env_mib("/proc/net/snmp", "Tcp:", name);
}

FIXTURE(hostile) {
	struct peer p;
	struct peer_conn c;
	int lfd;
	int fd;
	bool ready;
};

FIXTURE_VARIANT(hostile) {
	int family;
	int proto;
};

FIXTURE_VARIANT_ADD(hostile, ipv4_tcp) {
	.family = AF_INET,
	.proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(hostile, ipv4_ltcp) {
	.family = AF_INET,
	.proto = IPPROTO_LTCP,
};

FIXTURE_VARIANT_ADD(hostile, ipv6_tcp) {
	.family = AF_INET6,
	.proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(hostile, ipv6_ltcp) {
	.family = AF_INET6,
	.proto = IPPROTO_LTCP,
};

/* A fresh namespace with a TUN, a listener, a connection accepted. */
FIXTURE_SETUP(hostile)
{
	struct timeval tv = { .tv_sec = 3 };
	const char *v = getenv("PEER_VERBOSE");
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, ret;

	self->lfd = -1;
	self->fd = -1;
	ASSERT_TRUE(peer_env_have_tun() || !getenv("LTCP_VM"))
		TH_LOG("no /dev/net/tun in the test VM");
	if (!peer_env_have_tun())
		SKIP(return, "no /dev/net/tun");
	if (peer_netns_new())
		SKIP(return, "no network namespace: %s", strerror(errno));
	ASSERT_EQ(0, peer_open(&self->p, NULL))
		TH_LOG("peer_open: %s", strerror(errno));
	if (variant->family == AF_INET6 && !self->p.has_ipv6)
		SKIP(return, "no IPv6");
	self->p.verbose = v ? atoi(v) : 1;
	self->lfd = socket(variant->family, SOCK_STREAM, variant->proto);
	if (self->lfd < 0 && variant->proto == IPPROTO_LTCP)
		SKIP(return, "no ltcp: %s", strerror(errno));
	ASSERT_LE(0, self->lfd) TH_LOG("socket: %s", strerror(errno));
	len = peer_sockaddr(&self->p, variant->family, true, LOCAL_PORT, &ss);
	ASSERT_EQ(0, setsockopt(self->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)));
	ASSERT_EQ(0, bind(self->lfd, (struct sockaddr *)&ss, len));
	ASSERT_EQ(0, listen(self->lfd, 8));

	peer_conn_init(&self->c, &self->p, variant->family, LOCAL_PORT,
		       PEER_PORT);
	/* Rarely a first IPv6 SYN on a new TUN goes unanswered, with the
	 * kernel's TCP as with ltcp: send it again.
	 */
	ret = peer_connect(&self->c);
	if (ret)
		ret = peer_connect(&self->c);
	ASSERT_EQ(0, ret);
	self->fd = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, self->fd) TH_LOG("accept: %s", strerror(errno));
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	self->ready = true;
}

/*
 * Abort the connection: a FIN the peer never answers would leave an orphan
 * retransmitting it for minutes, holding ltcp.ko (ltcp_unload.sh).
 */
FIXTURE_TEARDOWN(hostile)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (self->fd >= 0) {
		setsockopt(self->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(self->fd);
	}
	if (self->lfd >= 0)
		close(self->lfd);
	peer_close(&self->p);
}

/* Nothing to read: what was sent so far was not taken as data. */
static bool nothing_to_read(int fd)
{
	char b;

	return recv(fd, &b, 1, MSG_DONTWAIT) == -1 && errno == EAGAIN;
}

/* The connection still works: the peer's bytes [rel, rel + 100) arrive. */
static bool goes_on(struct peer_conn *c, int fd, u32 rel)
{
	char buf[100], want[100];
	size_t got = 0;
	ssize_t n;

	if (peer_send(c, "P. %u:%u(100) ack 1 <nop,nop,TS>", rel, rel + 100) ||
	    peer_expect(c, ". 1:1(0) ack %u", rel + 100))
		return false;
	while (got < sizeof(buf)) {
		n = recv(fd, buf + got, sizeof(buf) - got, 0);
		if (n <= 0)
			return false;
		got += n;
	}
	peer_pattern(want, rel, sizeof(want));
	return !memcmp(buf, want, sizeof(buf));
}

/*
 * RFC 5961 3.2 and 4.2: an in-window RST that is not at RCV.NXT and an
 * in-window SYN each get a challenge ACK, at most one per socket in
 * tcp_invalid_ratelimit (RFC 5961 7: the second RST right after the first
 * gets none); counted as TcpExtTCPChallengeACK, TcpExtTCPACKSkippedChallenge,
 * TcpExtTCPSYNChallenge and TcpInErrs.
 */
TEST_F(hostile, challenge_acks)
{
	struct peer_conn *c = &self->c;
	long chal, skip, synchal, inerrs;

	if (!self->ready)
		return;
	chal = peer_env_tcpext("TCPChallengeACK");
	skip = peer_env_tcpext("TCPACKSkippedChallenge");
	synchal = peer_env_tcpext("TCPSYNChallenge");
	inerrs = tcp_mib("InErrs");

	ASSERT_EQ(0, peer_send(c, "R. 101:101(0) ack 1"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_EQ(0, peer_send(c, "R. 201:201(0) ack 1"));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	EXPECT_EQ(chal + 1, peer_env_tcpext("TCPChallengeACK"));
	EXPECT_EQ(skip + 1, peer_env_tcpext("TCPACKSkippedChallenge"));

	usleep(RATELIMIT_MS * 1000);
	ASSERT_EQ(0, peer_send(c, "S 1:1(0) win 65535 <mss 1000>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	EXPECT_EQ(chal + 2, peer_env_tcpext("TCPChallengeACK"));
	EXPECT_EQ(synchal + 1, peer_env_tcpext("TCPSYNChallenge"));
	EXPECT_EQ(inerrs + 1, tcp_mib("InErrs"));
	EXPECT_TRUE(goes_on(c, self->fd, 1));
}

/*
 * RFC 5961 5.2: data whose ACK field is more than MAX.SND.WND before
 * SND.UNA is dropped, with a challenge ACK (blind data injection).
 */
TEST_F(hostile, ack_too_old)
{
	struct peer_conn *c = &self->c;
	long chal;

	if (!self->ready)
		return;
	chal = peer_env_tcpext("TCPChallengeACK");
	ASSERT_EQ(0, peer_send(c, "P. 1:101(100) ack %u <nop,nop,TS>",
			       1u - 0x40000000u));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1"));
	EXPECT_EQ(chal + 1, peer_env_tcpext("TCPChallengeACK"));
	EXPECT_TRUE(nothing_to_read(self->fd));
	EXPECT_TRUE(goes_on(c, self->fd, 1));
}

/*
 * Data with an ACK of something never sent is dropped. ltcp answers with
 * a (rate-limited) ACK as RFC 9293 3.10.7.4 and RFC 5961 5.2 say; Linux
 * 6.1 drops it silently.
 */
TEST_F(hostile, ack_unsent)
{
	struct peer_conn *c = &self->c;

	if (!self->ready)
		return;
	ASSERT_EQ(0, peer_send(c, "P. 1:101(100) ack 1001 <nop,nop,TS>"));
	ASSERT_EQ(0, variant->proto == IPPROTO_LTCP ?
		     peer_expect(c, ". 1:1(0) ack 1") :
		     peer_expect_none(c, 300));
	EXPECT_TRUE(nothing_to_read(self->fd));
	EXPECT_TRUE(goes_on(c, self->fd, 1));
}

/*
 * Option lengths of 0 and past the header: ltcp drops the segment and
 * counts TcpInErrs (RFC 9293 3.1, MUST-7); Linux stops parsing the options
 * and takes the data.
 */
TEST_F(hostile, bad_option_length)
{
	static const char * const opts[] = {
		"raw 02000000",		/* MSS, length 0 */
		"raw 01010301",		/* window scale, length 1 */
		"nop,nop,raw 080a",	/* timestamps, past the header */
	};
	struct peer_conn *c = &self->c;
	long inerrs = tcp_mib("InErrs");
	u32 rel = 1;
	size_t i;

	if (!self->ready)
		return;
	for (i = 0; i < ARRAY_SIZE(opts); i++) {
		ASSERT_EQ(0, peer_send(c, "P. %u:%u(100) ack 1 <%s>", rel,
				       rel + 100, opts[i]));
		if (variant->proto == IPPROTO_LTCP) {
			ASSERT_EQ(0, peer_expect_none(c, 300));
			EXPECT_EQ(inerrs + (long)i + 1, tcp_mib("InErrs"));
			EXPECT_TRUE(nothing_to_read(self->fd));
		} else {
			char buf[100];

			ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack %u",
						 rel + 100));
			ASSERT_EQ(100, recv(self->fd, buf, sizeof(buf),
					    MSG_WAITALL));
			rel += 100;
		}
	}
	EXPECT_TRUE(goes_on(c, self->fd, rel));
}

/*
 * TIME-WAIT: a RST not at RCV.NXT leaves it (a retransmitted FIN is still
 * acknowledged); one at RCV.NXT ends it (Linux's default, no RFC 1337), and
 * the next FIN meets no socket and gets a RST.
 */
TEST_F(hostile, time_wait_rst)
{
	struct peer_conn *c = &self->c;

	if (!self->ready)
		return;
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, peer_expect(c, "F. 1:1(0) ack 1"));
	ASSERT_EQ(0, peer_send(c, "F. 1:1(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 2:2(0) ack 2"));

	ASSERT_EQ(0, peer_send(c, "R. 50:50(0) ack 2"));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	ASSERT_EQ(0, peer_send(c, "F. 1:1(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 2:2(0) ack 2"));

	ASSERT_EQ(0, peer_send(c, "R. 2:2(0) ack 2"));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	ASSERT_EQ(0, peer_send(c, "F. 1:1(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, "R 2:2(0)"));
}

/*
 * RFC 9293 3.10.7.4 (first check) and RFC 5961 7: a bare ACK outside the
 * window draws a duplicate ACK, at most one per socket in
 * tcp_invalid_ratelimit (TcpExtTCPACKSkippedSeq): two stacks that
 * disagree on the window would otherwise answer each other's ACKs
 * forever. A segment with data outside the window is answered every
 * time (the ACK tells the sender what arrived).
 */
TEST_F(hostile, oow_ack_ratelimit)
{
	struct peer_conn *c = &self->c;
	long skipped;

	if (!self->ready)
		return;
	skipped = peer_env_tcpext("TCPACKSkippedSeq");
	ASSERT_EQ(0, peer_send(c, ". 900001:900001(0) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1"));
	ASSERT_EQ(0, peer_send(c, ". 900001:900001(0) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	EXPECT_EQ(skipped + 1, peer_env_tcpext("TCPACKSkippedSeq"));
	ASSERT_EQ(0, peer_send(c, "P. 900001:900101(100) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1"));
	usleep(RATELIMIT_MS * 1000);
	ASSERT_EQ(0, peer_send(c, ". 900001:900001(0) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1"));
	EXPECT_TRUE(nothing_to_read(self->fd));
	EXPECT_TRUE(goes_on(c, self->fd, 1));
}

/*
 * TIME-WAIT answers what needs an answer and nothing else (RFC 9293
 * 3.10.7.4): a retransmitted FIN is acknowledged, a bare ACK at RCV.NXT
 * is not (an ACK for an ACK: two TIME-WAIT sockets answering each other
 * would never stop), a bare ACK outside the window is, at most once per
 * tcp_invalid_ratelimit (TcpExtTCPACKSkippedTimeWait).
 */
TEST_F(hostile, time_wait_acks)
{
	struct peer_conn *c = &self->c;
	long skipped;

	if (!self->ready)
		return;
	close(self->fd);
	self->fd = -1;
	ASSERT_EQ(0, peer_expect(c, "F. 1:1(0) ack 1"));
	ASSERT_EQ(0, peer_send(c, "F. 1:1(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 2:2(0) ack 2"));

	ASSERT_EQ(0, peer_send(c, ". 2:2(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect_none(c, 300));

	skipped = peer_env_tcpext("TCPACKSkippedTimeWait");
	ASSERT_EQ(0, peer_send(c, ". 900001:900001(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 2:2(0) ack 2"));
	ASSERT_EQ(0, peer_send(c, ". 900001:900001(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	EXPECT_EQ(skipped + 1, peer_env_tcpext("TCPACKSkippedTimeWait"));

	ASSERT_EQ(0, peer_send(c, "F. 1:1(0) ack 2 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 2:2(0) ack 2"));
}

TEST_HARNESS_MAIN
