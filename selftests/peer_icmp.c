// SPDX-License-Identifier: GPL-2.0
/*
 * peer_icmp: ICMP and ICMPv6 errors about a connection, against a
 * scripted peer that also plays the router (peer_send_too_big(),
 * peer_send_unreachable()). The stack under test is the kernel's TCP by
 * default, ltcp with LTCP_PEER_PROTO=253.
 *
 * Path MTU discovery: the stack listens, the peer opens without
 * timestamps, the stack writes one 1400-byte segment:
 *
 * - too_big_cut: an ICMP "fragmentation needed" (RFC 1191) or ICMPv6
 *   "packet too big" (RFC 8201) quoting it, with an MTU of 1000 (IPv4)
 *   or 1280 (IPv6), makes the stack resend the data cut to the new MSS
 *   at once (RFC 1191 6.5: without waiting for a timeout). The write
 *   asked for an OPT_ID acknowledgment timestamp (timestamping.rst):
 *   the report follows the write's last byte into the second part, so
 *   the ACK of the first part gives none and the ACK of all gives one,
 *   key 1399.
 * - too_big_forged: the same message quoting a sequence number the
 *   stack never sent is ignored (RFC 5927 4.1): nothing is resent and
 *   the next write goes out at the full size; TcpExtOutOfWindowIcmps
 *   counts it, as on Linux.
 * - too_big_below_minimum: an MTU below the minimum: IPv4 300, which the
 *   route raises to net.ipv4.route.min_pmtu (552: MSS 512); IPv6 1000,
 *   below IPv6's 1280 (RFC 8200 5), which Linux's TCP ignores whole
 *   (RFC 8201 4 forbids going below 1280; a forged message must not cut
 *   the segments to 1220 either).
 * - too_big_shared_route: the message about one connection lowers the
 *   MSS of another connection to the same address: its next write
 *   arrives cut to the MTU the route learned. (Linux sends it at the old
 *   size, which its own IP layer drops, and resends it cut after an RTO;
 *   ltcp cuts it before sending. ltcp before 2026-12-07 did as Linux over
 *   IPv4 but never cut it over IPv6.)
 * - too_big_pmtudisc_omit: a socket with IP_MTU_DISCOVER or
 *   IPV6_MTU_DISCOVER set to *_PMTUDISC_OMIT does not act on the message
 *   (ip(7), ipv6(7)): nothing resent. For IPv4 the route still learns
 *   the MTU and the next write follows it, as Linux's segments follow the
 *   route's path MTU; IPv6 ignores the message whole (full size).
 *
 * Other errors, as Linux's TCP takes them (host unreachable for IPv4:
 * EHOSTUNREACH; no route for IPv6: ENETUNREACH; soft errors in RFC 1122
 * 4.2.3.9):
 *
 * - unreachable_syn_sent: about the SYN of a connect(): the connection
 *   fails at once with that error (Linux aborts a connection not yet
 *   synchronized on any error, not only the hard ones).
 * - unreachable_established: about data in flight: nothing happens at
 *   once, the data is retransmitted, and when TCP_USER_TIMEOUT ends the
 *   connection SO_ERROR gives that error rather than ETIMEDOUT.
 * - unreachable_forgotten: the same, but an ACK arrives after the
 *   error: something worked, the error is forgotten, and the timeout
 *   that ends the connection later reports ETIMEDOUT.
 * - unreachable_recverr: with IP_RECVERR or IPV6_RECVERR on (ip(7)), the
 *   error is reported at once (POLLERR, SO_ERROR) and the connection
 *   goes on: the data is acknowledged and more data goes out.
 * - unreachable_rto_backoff: the peer answers each retransmission by
 *   timeout with an unreachable: each undoes one backoff step (RFC 6069,
 *   TCP-LD), so the retransmissions stay one RTO apart, where they would
 *   double.
 * - unreachable_syn_ack: about a listener's SYN-ACK: a hard error for a
 *   handshake in Linux's reading (IPv4's host unreachable) drops the
 *   request, so the peer's ACK then draws a RST and nothing is accepted;
 *   a soft one (ICMPv6's no route: only the hard ICMPv6 errors count
 *   there) leaves it, and the handshake completes.
 * - too_big_below_minimum (IPv4) also checks the soft error a socket
 *   sending with DF (IP_PMTUDISC_DO) keeps when the route would not go
 *   as low as the message said: EMSGSIZE when a timeout ends it.
 */
#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "ltcp_tstamp.h"
#include "peer.h"
#include "peer_env.h"

#define WRITE		1400	/* bytes of the one write */
#define FORGED_DELTA	100000	/* a quoted seq far past SND.NXT */
#define HS_DELAY_MS	50	/* the handshake's RTT sample: RTO 250+ ms */

FIXTURE(icmp) {
	struct peer_env e;
	char buf[WRITE];
};

FIXTURE_VARIANT(icmp) {
	int family;
	unsigned int mss;	/* the peer's SYN: its link's MSS */
	unsigned int mtu;	/* the router's next-hop MTU */
	unsigned int new_mss;	/* what the stack cuts to */
	unsigned int tiny_mtu;	/* below the minimum */
	unsigned int tiny_mss;	/* what the stack cuts to then (0: none) */
	int unreach_err;	/* what peer_send_unreachable() means */
	bool unreach_drops_req;	/* ... and whether it ends a handshake */
};

FIXTURE_VARIANT_ADD(icmp, ipv4) {
	.family = AF_INET,
	.mss = 1460,
	.mtu = 1000,
	.new_mss = 960,
	.tiny_mtu = 300,
	.tiny_mss = 512,
	.unreach_err = EHOSTUNREACH,
	.unreach_drops_req = true,
};

FIXTURE_VARIANT_ADD(icmp, ipv6) {
	.family = AF_INET6,
	.mss = 1440,
	.mtu = 1280,
	.new_mss = 1220,
	.tiny_mtu = 1000,
	.tiny_mss = 0,
	.unreach_err = ENETUNREACH,
};

FIXTURE_SETUP(icmp)
{
	peer_env_setup(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(icmp)
{
	peer_env_teardown(&self->e);
}

/* A non-blocking socket of the stack connecting to the peer. */
static int connect_to_peer(struct __test_metadata *_metadata,
			   struct peer_env *e, int family)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, e->proto);
	EXPECT_LE(0, fd) TH_LOG("socket: %s", strerror(errno));
	if (fd < 0)
		return fd;
	len = peer_sockaddr(&e->p, family, false, PEER_ENV_PEER_PORT, &ss);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&ss, len));
	EXPECT_EQ(EINPROGRESS, errno);
	return fd;
}

/* Whether @fd became writable (connected) within @ms: 0 if so. */
static int wait_writable(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & POLLOUT) ? 0 : -1;
}

/* SO_ERROR of @fd once poll() says POLLERR (within @ms), or -1. */
static int error_within(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = 0 };
	socklen_t len = sizeof(int);
	int err = -1;

	if (poll(&pfd, 1, ms) != 1 || !(pfd.revents & POLLERR))
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -1;
	return err;
}

/*
 * The connection, and the 1400-byte write in flight as one segment;
 * @tsflags for SO_TIMESTAMPING and @pmtudisc for IP_MTU_DISCOVER (IPv4)
 * first, unless 0.
 */
static void open_and_write(struct __test_metadata *_metadata,
			   struct peer_env *e, int family, unsigned int mss,
			   int tsflags, int pmtudisc)
{
	static char buf[WRITE];

	peer_env_passive_open(_metadata, e, family, mss, PEER_ENV_SYN_SACK,
			      PEER_ENV_SYNACK_SACK, HS_DELAY_MS,
			      PEER_ENV_HS_ACK);
	if (tsflags)
		ASSERT_EQ(0, setsockopt(e->fd, SOL_SOCKET, SO_TIMESTAMPING,
					&tsflags, sizeof(tsflags)));
	if (pmtudisc)
		ASSERT_EQ(0, setsockopt(e->fd, IPPROTO_IP, IP_MTU_DISCOVER,
					&pmtudisc, sizeof(pmtudisc)));
	memset(buf, 'm', sizeof(buf));
	ASSERT_EQ(WRITE, send(e->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, peer_expect(&e->c, "P. 1:%u(%u) ack 1", 1 + WRITE, WRITE));
}

TEST_F(icmp, too_big_cut)
{
	int tsflags = SOF_TIMESTAMPING_TX_ACK | SOF_TIMESTAMPING_SOFTWARE |
		      SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int cut = 1 + variant->new_mss;
	static char buf[WRITE];

	if (!e->ready)
		return;
	open_and_write(_metadata, e, variant->family, variant->mss, tsflags,
		       0);
	ASSERT_EQ(0, peer_send_too_big(c, &c->last, variant->mtu, 0));
	/* Resent at once, cut to the MSS of the new MTU. */
	ASSERT_EQ(0, peer_expect(c, "[P]. 1:%u(%u) ack 1", cut,
				 variant->new_mss));
	EXPECT_GT(150.0, peer_rx_delay_ms(c));
	ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1", cut, 1 + WRITE,
				 1 + WRITE - cut));
	/* The first part acknowledged: not the write's last byte. */
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", cut));
	EXPECT_EQ(-1, ltcp_tx_ack_key(e->fd, 200));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", 1 + WRITE));
	EXPECT_EQ(WRITE - 1, ltcp_tx_ack_key(e->fd, 2000));
	/* The next write goes at the new size too. */
	ASSERT_EQ(WRITE, send(e->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, peer_expect(c, "[P]. %u:%u(%u) ack 1", 1 + WRITE,
				 cut + WRITE, variant->new_mss));
	ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1", cut + WRITE,
				 1 + 2 * WRITE, 1 + WRITE - cut));
}

TEST_F(icmp, too_big_forged)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	static char buf[WRITE];
	long before, after;

	if (!e->ready)
		return;
	/* No loss probe: nothing but an accepted message may resend. */
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
	open_and_write(_metadata, e, variant->family, variant->mss, 0, 0);
	before = peer_env_tcpext("OutOfWindowIcmps");
	ASSERT_EQ(0, peer_send_too_big(c, &c->last, variant->mtu,
				       FORGED_DELTA));
	EXPECT_EQ(0, peer_expect_none(c, 100));
	after = peer_env_tcpext("OutOfWindowIcmps");
	TH_LOG("TcpExtOutOfWindowIcmps %ld -> %ld", before, after);
	EXPECT_EQ(before + 1, after);
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", 1 + WRITE));
	/* Still the full size: the route kept its MTU. */
	memset(buf, 'n', sizeof(buf));
	ASSERT_EQ(WRITE, send(e->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1", 1 + WRITE,
				 1 + 2 * WRITE, WRITE));
}

/*
 * After a message the connection did not act on: nothing resent for
 * 100 ms (loss probes off, the RTO 250 ms or more), and once all is
 * acknowledged the next write goes out in segments of @mss (0: the
 * full write).
 */
static void not_resent(struct __test_metadata *_metadata,
		       struct peer_env *e, unsigned int mss)
{
	unsigned int first = mss ? mss : WRITE;
	struct peer_conn *c = &e->c;
	static char buf[WRITE];

	EXPECT_EQ(0, peer_expect_none(c, 100));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", 1 + WRITE));
	memset(buf, 'i', sizeof(buf));
	ASSERT_EQ(WRITE, send(e->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, peer_expect(c, "[P]. %u:%u(%u) ack 1", 1 + WRITE,
				 1 + WRITE + first, first));
	if (first == WRITE)
		return;
	ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1", 1 + WRITE + first,
				 1 + 2 * WRITE, WRITE - first));
}

TEST_F(icmp, too_big_below_minimum)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int cut = 1 + variant->tiny_mss;
	int ut = 500;

	if (!e->ready)
		return;
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
	open_and_write(_metadata, e, variant->family, variant->mss, 0,
		       variant->tiny_mss ? IP_PMTUDISC_DO : 0);
	ASSERT_EQ(0, peer_send_too_big(c, &c->last, variant->tiny_mtu, 0));
	if (!variant->tiny_mss) {
		not_resent(_metadata, e, 0);
		return;
	}
	ASSERT_EQ(0, peer_expect(c, "[P]. 1:%u(%u) ack 1", cut,
				 variant->tiny_mss));
	ASSERT_EQ(0, peer_expect(c, "[P]. %u:%u(%u) ack 1", cut,
				 cut + variant->tiny_mss, variant->tiny_mss));
	ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1",
				 cut + variant->tiny_mss, 1 + WRITE,
				 1 + WRITE - cut - variant->tiny_mss));
	/* Unanswered: the user timeout reports what the message said. */
	ASSERT_EQ(0, setsockopt(e->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut,
				sizeof(ut)));
	EXPECT_EQ(EMSGSIZE, error_within(e->fd, 5000));
}

TEST_F(icmp, too_big_shared_route)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c, c2;
	unsigned int cut = 1 + variant->new_mss;
	int fd2, one = 1;

	if (!e->ready)
		return;
	open_and_write(_metadata, e, variant->family, variant->mss, 0, 0);
	/* A second connection from the peer, idle. */
	peer_conn_init(&c2, &e->p, variant->family, PEER_ENV_LOCAL_PORT,
		       PEER_ENV_PEER_PORT + 1);
	ASSERT_EQ(0, peer_send(&c2, "S 0:0(0) win 65535 <mss %u,%s>",
			       variant->mss, PEER_ENV_SYN_SACK));
	ASSERT_EQ(0, peer_expect(&c2, "S. 0:0(0) ack 1 <mss *,%s>",
				 PEER_ENV_SYNACK_SACK));
	ASSERT_EQ(0, peer_send(&c2, PEER_ENV_HS_ACK));
	fd2 = peer_env_accept(_metadata, e);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, setsockopt(fd2, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	/* The first connection's message. */
	ASSERT_EQ(0, peer_send_too_big(c, &c->last, variant->mtu, 0));
	ASSERT_EQ(0, peer_expect(c, "[P]. 1:%u(%u) ack 1", cut,
				 variant->new_mss));
	/* The second connection's next write follows the route. */
	ASSERT_EQ(WRITE, send(fd2, self->buf, WRITE, 0));
	ASSERT_EQ(0, peer_expect(&c2, "[P]. 1:%u(%u) ack 1", cut,
				 variant->new_mss));
	TH_LOG("the other connection's first segment %.1f ms after its handshake",
	       peer_ms(&c2.last_tx, &c2.last.t));
	ASSERT_EQ(0, peer_send(&c2, ". 1:1(0) ack %u win 1000", cut));
	ASSERT_EQ(0, peer_expect(&c2, "P. %u:%u(%u) ack 1", cut, 1 + WRITE,
				 1 + WRITE - cut));
	close(fd2);
}

TEST_F(icmp, too_big_pmtudisc_omit)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	int omit = variant->family == AF_INET ? IP_PMTUDISC_OMIT :
						 IPV6_PMTUDISC_OMIT;

	if (!e->ready)
		return;
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
	peer_env_passive_open(_metadata, e, variant->family, variant->mss,
			      PEER_ENV_SYN_SACK, PEER_ENV_SYNACK_SACK,
			      HS_DELAY_MS, PEER_ENV_HS_ACK);
	ASSERT_EQ(0, setsockopt(e->fd, variant->family == AF_INET ?
				IPPROTO_IP : IPPROTO_IPV6,
				variant->family == AF_INET ? IP_MTU_DISCOVER :
				IPV6_MTU_DISCOVER, &omit, sizeof(omit)));
	ASSERT_EQ(WRITE, send(e->fd, self->buf, WRITE, 0));
	ASSERT_EQ(0, peer_expect(c, "P. 1:%u(%u) ack 1", 1 + WRITE, WRITE));
	ASSERT_EQ(0, peer_send_too_big(c, &c->last, variant->mtu, 0));
	/* IPv4: the route learns the MTU all the same, and later segments
	 * follow the route; IPv6: the message is ignored whole.
	 */
	not_resent(_metadata, e, variant->family == AF_INET ?
				 variant->new_mss : 0);
}

/* The connection the stack opened, and @len bytes in flight. */
static void connect_and_write(struct __test_metadata *_metadata,
			      struct peer_env *e, int family, size_t len)
{
	struct peer_conn *c = &e->c;
	static char buf[WRITE];

	peer_conn_init(c, &e->p, family, 0, PEER_ENV_PEER_PORT);
	e->fd = connect_to_peer(_metadata, e, family);
	ASSERT_EQ(0, peer_accept(c));
	ASSERT_EQ(0, wait_writable(e->fd, 2000));
	memset(buf, 'u', sizeof(buf));
	ASSERT_EQ((ssize_t)len, send(e->fd, buf, len, 0));
	ASSERT_EQ(0, peer_expect(c, "P. 1:%zu(%zu) ack 1", 1 + len, len));
}

/*
 * 100 bytes in flight on a connection the stack opened, with a user
 * timeout of 1 s, and an unreachable about them.
 */
static void unreachable_in_flight(struct __test_metadata *_metadata,
				  struct peer_env *e, int family)
{
	int ut = 1000;

	connect_and_write(_metadata, e, family, 100);
	ASSERT_EQ(0, setsockopt(e->fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut,
				sizeof(ut)));
	ASSERT_EQ(0, peer_send_unreachable(&e->c, &e->c.last));
}

TEST_F(icmp, unreachable_syn_sent)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	peer_conn_init(c, &e->p, variant->family, 0, PEER_ENV_PEER_PORT);
	e->fd = connect_to_peer(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_expect(c, "S 0:0(0)"));
	ASSERT_EQ(0, peer_send_unreachable(c, &c->last));
	EXPECT_EQ(variant->unreach_err, error_within(e->fd, 500));
}

TEST_F(icmp, unreachable_established)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	unreachable_in_flight(_metadata, e, variant->family);
	/* Not an end: the data goes again. */
	EXPECT_EQ(-1, error_within(e->fd, 100));
	ASSERT_EQ(0, peer_expect(c, "P. 1:101(100) ack 1"));
	EXPECT_EQ(variant->unreach_err, error_within(e->fd, 5000));
}

TEST_F(icmp, unreachable_forgotten)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	unreachable_in_flight(_metadata, e, variant->family);
	usleep(20000);
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 101 win 1000 <nop,nop,TS>"));
	ASSERT_EQ(100, send(e->fd, self->buf, 100, 0));
	ASSERT_EQ(0, peer_expect(c, "P. 101:201(100) ack 1"));
	EXPECT_EQ(ETIMEDOUT, error_within(e->fd, 5000));
}

TEST_F(icmp, unreachable_recverr)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	int one = 1;

	if (!e->ready)
		return;
	connect_and_write(_metadata, e, variant->family, 100);
	ASSERT_EQ(0, setsockopt(e->fd, variant->family == AF_INET ?
				IPPROTO_IP : IPPROTO_IPV6,
				variant->family == AF_INET ? IP_RECVERR :
				IPV6_RECVERR, &one, sizeof(one)));
	ASSERT_EQ(0, peer_send_unreachable(c, &c->last));
	EXPECT_EQ(variant->unreach_err, error_within(e->fd, 500));
	/* The connection lives on. */
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 101 win 1000 <nop,nop,TS>"));
	ASSERT_EQ(100, send(e->fd, self->buf, 100, 0));
	ASSERT_EQ(0, peer_expect(c, "P. 101:201(100) ack 1"));
}

TEST_F(icmp, unreachable_rto_backoff)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct timespec t[4];
	double first, last;
	int i;

	if (!e->ready)
		return;
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
	connect_and_write(_metadata, e, variant->family, 100);
	for (i = 0;; i++) {
		ASSERT_EQ(0, peer_expect(c, "P. 1:101(100) ack 1"));
		t[i] = c->last.t;
		if (i == 3)
			break;
		ASSERT_EQ(0, peer_send_unreachable(c, &c->last));
	}
	first = peer_ms(&t[0], &t[1]);
	last = peer_ms(&t[2], &t[3]);
	TH_LOG("retransmissions %.0f, %.0f, %.0f ms apart", first,
	       peer_ms(&t[1], &t[2]), last);
	/* One RTO apart, not 200, 400, 800 ms or so. */
	EXPECT_GT(1.5 * first, last);
}

TEST_F(icmp, unreachable_syn_ack)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct pollfd pfd = { .events = POLLIN };
	long before, after;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	pfd.fd = e->lfd;
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 <mss 1000,%s>",
			       PEER_ENV_SYN_SACK));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 <mss *,%s>",
				 PEER_ENV_SYNACK_SACK));
	before = peer_env_tcpext("ListenDrops");
	ASSERT_EQ(0, peer_send_unreachable(c, &c->last));
	usleep(20000);
	after = peer_env_tcpext("ListenDrops");
	ASSERT_EQ(0, peer_send(c, PEER_ENV_HS_ACK));
	if (variant->unreach_drops_req) {
		/* No request left: an ACK to a listener is reset. */
		ASSERT_EQ(0, peer_expect(c, "R 1:1(0)"));
		EXPECT_EQ(before + 1, after);
		EXPECT_EQ(0, poll(&pfd, 1, 100));
		return;
	}
	EXPECT_EQ(before, after);
	e->fd = peer_env_accept(_metadata, e);
	EXPECT_LE(0, e->fd);
}

TEST_HARNESS_MAIN
