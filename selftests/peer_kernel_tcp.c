// SPDX-License-Identifier: GPL-2.0
/*
 * peer_kernel_tcp: the scripted peer (peer/) against the kernel's own TCP.
 *
 * Each test runs in a network namespace of its own with a TUN: the sockets
 * under test use 198.51.100.1 (2001:db8:1::1), the script plays
 * 198.51.100.2 (2001:db8:1::2) segment by segment. This proves the tool,
 * and the expectations record what Linux 6.1's TCP puts on the wire, the
 * reference for ltcp.
 *
 * LTCP_PEER_PROTO selects the protocol of the sockets under test: unset,
 * "tcp" or 0 for the kernel's TCP, "ltcp" or 253 for ltcp (skipped when
 * the protocol is not there). PEER_VERBOSE=0 silences the segment trace,
 * 2 adds the packets skipped.
 *
 * It needs root and makes namespaces and TUN devices: run it in the test
 * VM. Kselftest's 6.1 harness has no test filter, every test runs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "peer.h"
#include "peer_env.h"

#define LOCAL_PORT	PEER_ENV_LOCAL_PORT
#define PEER_PORT	PEER_ENV_PEER_PORT
#define TS_LEN		12	/* the timestamp option with its two NOPs */

/*
 * The receive window Linux 6.1 offers in its SYN and SYN-ACK:
 * tcp_full_space() of the default tcp_rmem[1] (131072) with
 * tcp_adv_win_scale 1 is 65536, rounded down to a multiple of the MSS it
 * will receive (less the timestamp option when both sides use it).
 */
static unsigned int first_window(unsigned int mss)
{
	return 65536 / mss * mss;
}

static long tcp_mib(const char *name)
{
	return peer_env_mib("/proc/net/snmp", "Tcp:", name);
}

FIXTURE(tcp) {
	struct peer_env e;
};

FIXTURE_VARIANT(tcp) {
	int family;
	unsigned int mss;	/* what a 1500-byte MTU gives */
};

FIXTURE_VARIANT_ADD(tcp, ipv4) {
	.family = AF_INET,
	.mss = 1460,
};

FIXTURE_VARIANT_ADD(tcp, ipv6) {
	.family = AF_INET6,
	.mss = 1440,
};

FIXTURE_SETUP(tcp)
{
	peer_env_setup(_metadata, &self->e, variant->family);
	/* No Tail Loss Probe (peer_tlp tests it): with short segments in
	 * flight and a millisecond SRTT its timeout is about 10 ms, and a
	 * peer that took that long to answer on a busy machine got a probe
	 * where the test expects the next segment or nothing (active_open,
	 * urgent_send in CI).
	 */
	if (self->e.ready)
		ASSERT_EQ(0, peer_env_stack_sysctl(&self->e, "early_retrans", 0));
}

FIXTURE_TEARDOWN(tcp)
{
	peer_env_teardown(&self->e);
}

/* Listen, let the peer open a connection, accept it. */
static void establish(struct __test_metadata *_metadata, struct peer_env *e,
		      int family)
{
	peer_env_listen(_metadata, e, family);
	ASSERT_EQ(0, peer_connect(&e->c));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
}

/* Read exactly the peer's bytes [rel_seq, rel_seq + len), then nothing. */
static void expect_read(struct __test_metadata *_metadata, int fd,
			u32 rel_seq, size_t len)
{
	char buf[4096], want[4096];
	size_t got = 0;
	ssize_t n;

	ASSERT_GE(sizeof(buf), len);
	while (got < len) {
		n = recv(fd, buf + got, len - got, 0);
		ASSERT_LT(0, n) TH_LOG("recv: %s", n ? strerror(errno) : "EOF");
		got += n;
	}
	peer_pattern(want, rel_seq, len);
	ASSERT_EQ(0, memcmp(buf, want, len)) TH_LOG("the bytes differ");
	ASSERT_EQ(-1, recv(fd, buf, 1, MSG_DONTWAIT));
	ASSERT_EQ(EAGAIN, errno);
}

/* The SYN the peer sends, and the options the kernel answers it with. */
#define SYN_OPTS	"<mss %u,sackOK,TS val 100 ecr 0,nop,wscale 7>"
#define SYNACK_OPTS	"<mss %u,sackOK,TS val * ecr 100,nop,wscale 7>"

/*
 * (1) Passive open: the SYN-ACK answers each option of the SYN, and the
 * handshake gives the first RTT sample; the ACK of the first data is
 * immediate (quick ACK mode); with TCP_QUICKACK off the next one waits for
 * the delayed-ACK timer (TcpExtDelayedACKs counts it); the application
 * reads the bytes.
 */
TEST_F(tcp, passive_open)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int mss = variant->mss;
	socklen_t tilen = sizeof(struct tcp_info);
	struct tcp_info ti;
	int zero = 0, ms;
	long delacks;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 " SYN_OPTS, mss));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 win %u " SYNACK_OPTS " ttl 64",
				 first_window(mss - TS_LEN), mss));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1 win 512 <nop,nop,TS val 110 ecr %u>",
			       c->ts_recent));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
	/* RFC 6298 2.2: the SYN-ACK and its ACK are the first RTT sample,
	 * so the RTO is no longer the initial 1 s.
	 */
	ASSERT_EQ(0, getsockopt(e->fd, IPPROTO_TCP, TCP_INFO, &ti, &tilen));
	TH_LOG("after the handshake: rtt %u us, rto %u us", ti.tcpi_rtt,
	       ti.tcpi_rto);
	EXPECT_LT(0U, ti.tcpi_rtt);
	EXPECT_GT(1000000U, ti.tcpi_rto);

	delacks = peer_env_tcpext("DelayedACKs");
	ASSERT_LE(0, delacks);
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 win 512 <nop,nop,TS val 120 ecr %u>",
			       c->ts_recent));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1001 <nop,nop,TS val * ecr 120>"));
	ms = peer_rx_delay_ms(c);
	TH_LOG("ACK of the first data after %d ms", ms);
	EXPECT_EQ(delacks, peer_env_tcpext("DelayedACKs"));
	EXPECT_GT(200, ms);

	ASSERT_EQ(0, setsockopt(e->fd, IPPROTO_TCP, TCP_QUICKACK, &zero,
				sizeof(zero)));
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 win 512 <nop,nop,TS val 130 ecr %u>",
			       c->ts_recent));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 2001 <nop,nop,TS val * ecr 130>"));
	ms = peer_rx_delay_ms(c);
	TH_LOG("delayed ACK after %d ms (TCP_DELACK_MIN is 40 ms)", ms);
	EXPECT_EQ(delacks + 1, peer_env_tcpext("DelayedACKs"));
	EXPECT_LE(30, ms);
	EXPECT_GE(250, ms);

	expect_read(_metadata, e->fd, 1, 2000);
}

/*
 * (2) Active open: the kernel's SYN carries the same options; the peer
 * announces MSS 1000, so with timestamps each segment carries 988 bytes.
 * PSH is on the last segment of the write, and may be on earlier ones:
 * Linux sets it at the end of each skb it sends, and where the skbs end
 * depends on TSO autosizing (the pacing rate, from the handshake's RTT).
 * Then Nagle's rule in Minshall's form: a short write goes at once while
 * no earlier short segment is unacknowledged, else it waits for the ACK.
 */
TEST_F(tcp, active_open)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int mss = variant->mss, seg = 1000 - TS_LEN, off;
	struct pollfd pfd = { .events = POLLOUT };
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int);
	char buf[3000];
	int err = -1;

	if (!e->ready)
		return;
	peer_conn_init(c, &e->p, variant->family, 0, PEER_PORT);
	e->fd = socket(variant->family, SOCK_STREAM | SOCK_NONBLOCK, e->proto);
	ASSERT_LE(0, e->fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(-1, connect(e->fd, (struct sockaddr *)&ss,
			      peer_sockaddr(&e->p, variant->family, false,
					    PEER_PORT, &ss)));
	ASSERT_EQ(EINPROGRESS, errno);

	ASSERT_EQ(0, peer_expect(c, "S 0:0(0) win %u <mss %u,sackOK,TS val * ecr 0,nop,wscale 7>",
				 first_window(mss), mss));
	ASSERT_EQ(0, peer_send(c, "S. 0:0(0) ack 1 win 65535 <mss 1000,sackOK,TS,nop,wscale 7>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	pfd.fd = e->fd;
	ASSERT_EQ(1, poll(&pfd, 1, 2000));
	ASSERT_EQ(0, getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(0, err);

	peer_pattern(buf, 1, sizeof(buf));
	ASSERT_EQ(3000, write(e->fd, buf, sizeof(buf)));
	for (off = 0; off + seg < sizeof(buf); off += seg) {
		ASSERT_EQ(0, peer_expect(c, "[P]. %u:%u(%u) ack 1 <nop,nop,TS val * ecr %u>",
					 1 + off, 1 + off + seg, seg, c->ts_last));
		ASSERT_EQ(0, memcmp(peer_data(&c->last), buf + off, seg));
	}
	ASSERT_EQ(0, peer_expect(c, "P. %u:3001(%u) ack 1 <nop,nop,TS val * ecr %u>",
				 1 + off, 3000 - off, c->ts_last));
	ASSERT_EQ(0, memcmp(peer_data(&c->last), buf + off, 3000 - off));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 3001 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect_none(c, 200));

	/* Nagle in Minshall's form: the short tail above left at once
	 * behind the full segments; a short write goes while no short
	 * segment is unacknowledged, the next one waits for its ACK.
	 */
	ASSERT_EQ(100, write(e->fd, buf, 100));
	ASSERT_EQ(0, peer_expect(c, "P. 3001:3101(100) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_EQ(100, write(e->fd, buf, 100));
	/* (Not longer: at 200 ms the RTO, or Linux's tail loss probe,
	 * would send something.)
	 */
	ASSERT_EQ(0, peer_expect_none(c, 150));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 3101 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, "P. 3101:3201(100) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 3201 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect_none(c, 200));
}

/*
 * (3) Out-of-order data: bytes 1001-2000 before 1-1000 get a duplicate ACK
 * with a SACK block (its TS echo stays the last in-order segment's,
 * RFC 7323 4.3); the fill gets a cumulative ACK without SACK.
 */
TEST_F(tcp, out_of_order_sack)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	u32 in_order_ts;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);
	in_order_ts = c->ts_last;

	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1 <nop,nop,TS val * ecr %u,%s>",
				 in_order_ts, "nop,nop,sack 1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 2001 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	expect_read(_metadata, e->fd, 1, 2000);
}

/*
 * (4) RST: one in the window but not at rcv_nxt gets a challenge ACK
 * (RFC 5961 3.2); one at rcv_nxt resets the connection.
 */
TEST_F(tcp, rst_in_window)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	char b;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);

	ASSERT_EQ(0, peer_send(c, "R. 101:101(0) ack 1"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_EQ(0, peer_send(c, "R. 1:1(0) ack 1"));
	ASSERT_EQ(0, peer_expect_none(c, 200));
	ASSERT_EQ(-1, recv(e->fd, &b, 1, 0));
	ASSERT_EQ(ECONNRESET, errno);
}

/*
 * (5) Hostile input: a segment with a bad checksum and one with a data
 * offset below 5 are dropped without a reply and counted; the connection
 * goes on.
 */
TEST_F(tcp, bad_checksum_ignored)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long csum_errors, in_errs;
	char b;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);
	csum_errors = tcp_mib("InCsumErrors");
	in_errs = tcp_mib("InErrs");
	ASSERT_LE(0, csum_errors);

	ASSERT_EQ(0, peer_send(c, "P. 1:101(100) ack 1 <nop,nop,TS> csum bad"));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	EXPECT_EQ(csum_errors + 1, tcp_mib("InCsumErrors"));
	EXPECT_EQ(in_errs + 1, tcp_mib("InErrs"));

	ASSERT_EQ(0, peer_send(c, "P. 1:101(100) ack 1 doff 4"));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	EXPECT_EQ(in_errs + 2, tcp_mib("InErrs"));
	ASSERT_EQ(-1, recv(e->fd, &b, 1, MSG_DONTWAIT));
	ASSERT_EQ(EAGAIN, errno);

	ASSERT_EQ(0, peer_send(c, "P. 1:101(100) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 101 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	expect_read(_metadata, e->fd, 1, 100);
}

/*
 * (6) An unacknowledged SYN-ACK is sent again after the initial RTO, 1 s
 * (RFC 6298 2.1), then after 2 s more: the same segment, a newer TSval.
 */
TEST_F(tcp, synack_retransmit)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int mss = variant->mss;
	struct timespec t0, t1;
	int d1, d2;
	u32 ts0;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 " SYN_OPTS, mss));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 " SYNACK_OPTS, mss));
	t0 = c->last.t;
	ts0 = c->ts_recent;
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 " SYNACK_OPTS, mss));
	t1 = c->last.t;
	EXPECT_LT(0, (s32)(c->ts_recent - ts0));
	c->timeout_ms = 5000;
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 " SYNACK_OPTS, mss));
	d1 = peer_ms(&t0, &t1);
	d2 = peer_ms(&t1, &c->last.t);
	TH_LOG("SYN-ACK retransmitted after %d ms, then %d ms", d1, d2);
	EXPECT_LE(950, d1);
	EXPECT_GE(1500, d1);
	EXPECT_LE(1950, d2);
	EXPECT_GE(2800, d2);
}

/* recv(MSG_OOB | @flags): the byte, or -errno. */
static int recv_oob(int fd, int flags)
{
	unsigned char b;
	ssize_t n = recv(fd, &b, 1, MSG_OOB | flags);

	if (n < 0)
		return -errno;
	return n == 1 ? b : -1000;
}

static int atmark(int fd)
{
	int v = -1;

	return ioctl(fd, SIOCATMARK, &v) ? -errno : v;
}

/*
 * (7) Urgent data from the peer (RFC 9293 3.10.7.4, sixth step; RFC 6093:
 * the pointer is one past the urgent byte, as Linux sends it): read()
 * stops at the mark and skips the byte, recv(MSG_OOB) returns it. A
 * pointer beyond the segment announces a byte not here yet: recv(MSG_OOB)
 * is EAGAIN and POLLPRI unset until a later segment brings it.
 */
TEST_F(tcp, urgent_receive)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	char buf[64], want[64];
	int i;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);

	ASSERT_EQ(0, peer_send(c, "PU. 1:5(4) ack 1 urg 4 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 5 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_NE(0, poll(&(struct pollfd){ .fd = e->fd, .events = POLLPRI },
			  1, 1000));
	EXPECT_EQ(3, recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT));
	peer_pattern(want, 1, 4);
	EXPECT_EQ(0, memcmp(buf, want, 3));
	EXPECT_EQ(1, atmark(e->fd));
	EXPECT_EQ((unsigned char)want[3], recv_oob(e->fd, 0));
	EXPECT_EQ(-1, recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* Urgent byte at relative sequence 12: 5 + 8, less one. */
	ASSERT_EQ(0, peer_send(c, "PU. 5:7(2) ack 1 urg 8 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 7 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	EXPECT_EQ(-EAGAIN, recv_oob(e->fd, MSG_DONTWAIT));
	EXPECT_EQ(0, poll(&(struct pollfd){ .fd = e->fd, .events = POLLPRI },
			  1, 0));
	EXPECT_EQ(2, recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT));
	ASSERT_EQ(0, peer_send(c, "P. 7:15(8) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 15 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_NE(0, poll(&(struct pollfd){ .fd = e->fd, .events = POLLPRI },
			  1, 1000));
	EXPECT_EQ(5, recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT));
	peer_pattern(want, 7, 8);
	EXPECT_EQ(0, memcmp(buf, want, 5));
	EXPECT_EQ(1, atmark(e->fd));
	EXPECT_EQ((unsigned char)want[5], recv_oob(e->fd, 0));
	EXPECT_EQ(2, recv(e->fd, buf, sizeof(buf), MSG_DONTWAIT));
	for (i = 0; i < 2; i++)
		EXPECT_EQ(want[6 + i], buf[i]);
}

/*
 * (8) send(MSG_OOB): URG with the pointer one past the last byte of the
 * write (RFC 6093, Linux's convention); urgent data is not held by Nagle;
 * once the urgent byte is acknowledged, segments carry no URG.
 */
TEST_F(tcp, urgent_send)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);

	ASSERT_EQ(4, send(e->fd, "abcd", 4, MSG_OOB));
	ASSERT_EQ(0, peer_expect(c, "PU. 1:5(4) ack 1 urg 4 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_EQ(0, memcmp(peer_data(&c->last), "abcd", 4));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 5 <nop,nop,TS>"));
	ASSERT_EQ(2, send(e->fd, "ef", 2, 0));
	ASSERT_EQ(0, peer_expect(c, "P. 5:7(2) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	/* Nagle would hold "g" behind the unacknowledged short "ef". */
	ASSERT_EQ(1, send(e->fd, "g", 1, MSG_OOB));
	ASSERT_EQ(0, peer_expect(c, "PU. 7:8(1) ack 1 urg 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	EXPECT_GT(150, peer_rx_delay_ms(c));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 8 <nop,nop,TS>"));
	ASSERT_EQ(1, send(e->fd, "h", 1, 0));
	ASSERT_EQ(0, peer_expect(c, "P. 8:9(1) ack 1 <nop,nop,TS val * ecr %u>",
				 c->ts_last));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 9 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect_none(c, 100));
}

/*
 * (9) TCP_DEFER_ACCEPT (tcp(7)): 5 s reads back as 7, the SYN-ACK
 * retransmissions that cover them (1 + 2 + 4 s). The bare ACK that
 * completes the handshake makes nothing to accept and is not answered
 * (TcpExtTCPDeferAcceptDrop); the first data makes the connection.
 */
TEST_F(tcp, defer_accept)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct pollfd pfd = { .events = POLLIN };
	socklen_t len = sizeof(int);
	int secs = 5, got = -1;
	long drops;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, setsockopt(e->lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs,
				sizeof(secs)));
	ASSERT_EQ(0, getsockopt(e->lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &got,
				&len));
	EXPECT_EQ(7, got);
	drops = peer_env_tcpext("TCPDeferAcceptDrop");
	ASSERT_LE(0, drops);

	ASSERT_EQ(0, peer_connect(c));
	ASSERT_EQ(0, peer_expect_none(c, 300));
	pfd.fd = e->lfd;
	EXPECT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("a connection to accept");
	EXPECT_EQ(drops + 1, peer_env_tcpext("TCPDeferAcceptDrop"));

	ASSERT_EQ(0, peer_send(c, "P. 1:11(10) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack 11"));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
	expect_read(_metadata, e->fd, 1, 10);
}

/*
 * (10) TCP_WINDOW_CLAMP (tcp(7)): a value below SOCK_MIN_RCVBUF / 2 reads
 * back raised to it (1152 on this kernel's x86-64 build); 10000 set on
 * the listener bounds the SYN-ACK's window (in whole segments) and picks
 * window scale 0, and later windows stay within it; 0 is refused on a
 * connected socket.
 */
TEST_F(tcp, window_clamp)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int seg = variant->mss - TS_LEN;
	socklen_t len = sizeof(int);
	int clamp = 100, got = -1, zero = 0;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, setsockopt(e->lfd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &clamp,
				sizeof(clamp)));
	ASSERT_EQ(0, getsockopt(e->lfd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &got,
				&len));
	EXPECT_EQ(1152, got);
	clamp = 10000;
	ASSERT_EQ(0, setsockopt(e->lfd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &clamp,
				sizeof(clamp)));
	ASSERT_EQ(0, getsockopt(e->lfd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &got,
				&len));
	EXPECT_EQ(clamp, got);

	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 " SYN_OPTS, variant->mss));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 win %u <mss %u,%s>",
				 10000 / seg * seg, variant->mss,
				 "sackOK,TS val * ecr 100,nop,wscale 0"));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1 <nop,nop,TS>"));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
	ASSERT_EQ(0, peer_send(c, ". 1:%u(%u) ack 1 <nop,nop,TS>", 1 + seg, seg));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack %u", 1 + seg));
	EXPECT_GE(10000U, c->last_seg.win);
	ASSERT_EQ(0, peer_send(c, "P. %u:%u(%u) ack 1 <nop,nop,TS>", 1 + seg,
			       1 + 2 * seg, seg));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack %u", 1 + 2 * seg));
	EXPECT_GE(10000U, c->last_seg.win);
	expect_read(_metadata, e->fd, 1, 2 * seg);

	EXPECT_EQ(-1, setsockopt(e->fd, IPPROTO_TCP, TCP_WINDOW_CLAMP, &zero,
				 sizeof(zero)));
	EXPECT_EQ(EINVAL, errno);
}

/*
 * (11) The timestamp clock (RFC 7323 section 5.4 allows 1 ms to 1 s per tick;
 * Linux 6.1's ticks every millisecond): one-byte writes about 1.3 ms apart
 * carry TSvals that differ by single milliseconds, not only by multiples
 * of a coarser tick (jiffies are 4 ms with HZ 250), and over 300 ms the
 * clock keeps the pace of the peer's monotonic clock. A coarse clock makes
 * a retransmission's TSval equal to the original's more often, and Eifel
 * (RFC 3522) cannot tell them apart.
 */
TEST_F(tcp, timestamp_clock)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	int one = 1, i, odd = 0;
	u32 seq = 1, ts0 = 0;
	struct timespec t0;
	double ms, ticks;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, setsockopt(e->fd, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	for (i = 0; i <= 25; i++) {
		if (i == 25)
			usleep(300000);
		else if (i)
			usleep(1300);
		ASSERT_EQ(1, send(e->fd, "x", 1, 0));
		ASSERT_EQ(0, peer_expect(c, "P. %u:%u(1) ack 1 <nop,nop,TS val * ecr *>",
					 seq, seq + 1));
		seq++;
		ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u <nop,nop,TS>", seq));
		if (!i) {
			ts0 = c->ts_recent;
			t0 = c->last.t;
		} else if ((c->ts_recent - ts0) % 4) {
			odd++;
		}
	}
	ms = peer_ms(&t0, &c->last.t);
	ticks = (double)(c->ts_recent - ts0);
	TH_LOG("%d of 24 TSval steps not a multiple of 4 ms; %.0f ticks in %.1f ms",
	       odd, ticks, ms);
	EXPECT_LT(0, odd);
	EXPECT_GE(ms / 20 + 10, ticks > ms ? ticks - ms : ms - ticks);
}

/*
 * The checker is not vacuous: a wrong value in any field of an expectation
 * is caught (the diffs printed here are deliberate), and so is silence.
 */
TEST_F(tcp, mismatches_are_caught)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int mss = variant->mss;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 " SYN_OPTS, mss));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 win %u " SYNACK_OPTS,
				 first_window(mss - TS_LEN), mss));
	ASSERT_EQ(0, peer_match(c, "[PE]S. 0:0(0) ack 1 win * %s",
				"<mss *,sackOK,TS val * ecr *,nop,wscale *>"));
	ASSERT_EQ(0, peer_match(c, "S. *:*(0) ack 1 ttl 64"));

	TH_LOG("deliberate mismatches follow");
	EXPECT_EQ(-1, peer_match(c, "S 0:0(0) ack 1"));
	EXPECT_EQ(-1, peer_match(c, "S.E 0:0(0) ack 1"));
	EXPECT_EQ(-1, peer_match(c, "S. 1:1(0) ack 1"));
	EXPECT_EQ(-1, peer_match(c, "S. 0:1(1) ack 1"));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 2"));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 win %u",
				 first_window(mss - TS_LEN) + 1));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 ttl 63"));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 <>"));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 <mss %u,sackOK,TS val * ecr 100,wscale 7>",
				 mss));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 <mss %u,sackOK,TS val * ecr 100,nop,wscale 7>",
				 mss - 1));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 <mss %u,sackOK,TS val * ecr 101,nop,wscale 7>",
				 mss));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 <mss %u,nop,nop,%s>", mss,
				 "TS val * ecr 100,nop,wscale 7"));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 <mss %u,sackOK,TS val * ecr 100,nop,wscale 8>",
				 mss));
	EXPECT_EQ(-1, peer_match(c, "S. 0:0(0) ack 1 <raw 0204%04x,%s>", mss,
				 "sackOK,TS val * ecr 100,nop,wscale 7"));

	/* Nothing more before the retransmission, due in 1 s. */
	c->timeout_ms = 300;
	EXPECT_EQ(-1, peer_expect(c, "S. 0:0(0) ack 1"));
	TH_LOG("end of the deliberate mismatches");
}

/* Lines that must parse, and malformed ones that must not. */
static const struct {
	bool expect;	/* as an expectation, else as a segment to send */
	int ret;	/* what peer_parse() must return */
	const char *line;
} lines[] = {
	{ false, 0, "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 14>" },
	{ false, 0, "P. 1:11(10) ack 1 <nop,nop,TS,nop,nop,sack 1:2 3:4 5:6>" },
	{ false, 0, "- -5:-5(0) urg 1 <eol,raw 1e04 00ff,raw 01> csum bad ipcsum bad" },
	{ false, 0, "FSRPAUEW 0:0(0) ack 0x10 win 0 doff 15 res 15 trunc 20 ttl 1 tos 3" },
	{ false, 0, "R 1:1(0) csum 0x1234" },
	{ true, 0, "S. *:*(*) ack * win * <mss *,sackOK,TS val * ecr *,nop,wscale *>" },
	{ true, 0, "[P]. 1:989(988) ack 1 <nop,nop,TS,sack *>" },
	{ true, 0, ". ack 1001" },
	{ true, 0, "[FP]" },
	{ false, -1, "" },
	{ false, -1, "X 0:0(0)" },
	{ false, -1, "S" },
	{ false, -1, "S 0:1(0)" },
	{ false, -1, "S 0:0(0 ack 1" },
	{ false, -1, ". 1:1(0)" },
	{ false, -1, "S 0:0(0) win *" },
	{ false, -1, "S 0:0(0) <mss>" },
	{ false, -1, "S 0:0(0) <mss 1" },
	{ false, -1, "S 0:0(0) <foo>" },
	{ false, -1, "S 0:0(0) <raw 0>" },
	{ false, -1, "S 0:0(0) <raw zz>" },
	{ false, -1, "S 0:0(0) <TS val 1>" },
	{ false, -1, "S 0:0(0) <sack 1:2 3:4 5:6 7:8 9:10>" },
	{ false, -1, "S 0:0(0) csum good" },
	{ false, -1, "S 0:0(0) ipcsum 5" },
	{ false, -1, "S 0:0(0) bogus 1" },
	{ false, -1, "[P]. 1:1(0) ack 1" },
	{ true, -1, ". ack 1 csum bad" },
	{ true, -1, ". ack 1 doff 5" },
	{ true, -1, ". ack 1 trunc 5" },
	{ true, -1, "[P." },
	{ true, -1, "P] ack 1" },
};

TEST(line_syntax)
{
	struct peer_conn c = { 0 };
	struct peer_seg s;
	size_t i;

	TH_LOG("deliberate parse errors follow");
	for (i = 0; i < ARRAY_SIZE(lines); i++) {
		EXPECT_EQ(lines[i].ret,
			  peer_parse(&c, lines[i].line, lines[i].expect, &s))
			TH_LOG("line %zu", i);
	}

	ASSERT_EQ(0, peer_parse(&c, "P. 1:11(10) ack 7 win 3 <nop,nop,TS val 5 ecr *,sack 1:2 3:4>",
				true, &s));
	EXPECT_EQ(PEER_PSH | PEER_ACK, s.flags);
	EXPECT_EQ(1U, s.seq);
	EXPECT_EQ(11U, s.end);
	EXPECT_EQ(10U, s.len);
	EXPECT_EQ(7U, s.ack);
	EXPECT_EQ(3U, s.win);
	ASSERT_EQ(4, s.nopt);
	EXPECT_EQ(5U, s.opt[2].v[0]);
	EXPECT_EQ(2U, s.opt[2].wild);
	EXPECT_EQ(4, s.opt[3].n);
	EXPECT_EQ(4U, s.opt[3].v[3]);
}

TEST_HARNESS_MAIN
