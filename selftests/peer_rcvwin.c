// SPDX-License-Identifier: GPL-2.0
/*
 * peer_rcvwin: the receive window against the receive buffer's memory.
 *
 * The window promises payload; the buffer (SO_RCVBUF) counts memory, each
 * segment's skb truesize, which for a small segment is many times its
 * payload. A receiver must take every byte it offered a window for (RFC
 * 9293 3.8.6: a receiver should not shrink the window, and data inside
 * it that is dropped costs the sender a retransmission; data it reported
 * with SACK and then dropped costs an RTO, RFC 2018 section 8). The
 * scripted peer fills the whole window the stack offered, with 100-byte
 * segments in order and out of order and with full segments, while the
 * application reads nothing, and checks that each byte is acknowledged (or
 * SACKed) and then read back exactly.
 *
 * Run against the kernel's TCP (the reference: it copies small segments
 * into compact buffers, "collapsing") and against ltcp with
 * LTCP_PEER_PROTO=ltcp (peer_ltcp.sh).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "peer.h"
#include "peer_env.h"

#define RCVBUF		16384	/* SO_RCVBUF; the kernel doubles it */
#define SMALL		100	/* payload of a small segment */
#define ACKREAD_RCVBUF	32768	/* SO_RCVBUF of the ackread tests */

FIXTURE(rcvwin) {
	struct peer_env e;
	u32 edge;	/* right edge of the window offered, relative */
};

FIXTURE_VARIANT(rcvwin) {
	int family;
};

FIXTURE_VARIANT_ADD(rcvwin, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(rcvwin, ipv6) {
	.family = AF_INET6,
};

/* The right edge the last segment read offers. */
static u32 offered_edge(const struct peer_conn *c)
{
	return c->last_seg.ack + (c->last_seg.win << c->local_syn.wscale);
}

/*
 * A listener (with SO_RCVBUF @rcvbuf unless 0), the peer's handshake, and
 * 100 bytes of data so that the ACK carries a scaled window. Return: the
 * right edge offered (the harness's ASSERTs end the test, not just this
 * function).
 */
static u32 rcvwin_open(struct __test_metadata *_metadata, struct peer_env *e,
		       int family, int rcvbuf)
{
	struct peer_conn *c = &e->c;
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;
	u32 edge;

	len = peer_sockaddr(&e->p, family, true, PEER_ENV_LOCAL_PORT, &ss);
	e->lfd = socket(family, SOCK_STREAM, e->proto);
	ASSERT_LE(0, e->lfd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(0, setsockopt(e->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)));
	if (rcvbuf)
		ASSERT_EQ(0, setsockopt(e->lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
					sizeof(rcvbuf)));
	ASSERT_EQ(0, bind(e->lfd, (struct sockaddr *)&ss, len));
	ASSERT_EQ(0, listen(e->lfd, 8));
	ASSERT_EQ(0, peer_connect(c));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
	ASSERT_LE(0, c->local_syn.wscale);
	ASSERT_EQ(0, peer_send(c, "P. 1:%u(%u) ack 1 <nop,nop,TS>", 1 + SMALL,
			       SMALL));
	ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack %u", 1 + SMALL));
	edge = offered_edge(c);
	TH_LOG("window offered: %u bytes (SO_RCVBUF %d)", edge - 1 - SMALL,
	       rcvbuf);
	return edge;
}

FIXTURE_SETUP(rcvwin)
{
	peer_env_setup(_metadata, &self->e, variant->family);
	if (!self->e.ready)
		return;
	self->edge = rcvwin_open(_metadata, &self->e, variant->family, RCVBUF);
	ASSERT_LT(1U + SMALL + 20 * SMALL, self->edge);
}

FIXTURE_TEARDOWN(rcvwin)
{
	peer_env_teardown(&self->e);
}

/*
 * Read what the stack sends until it is quiet for @quiet_ms: the highest
 * ACK, the highest SACK block end above it (0 if none), and the right edge
 * of the last window. Return: segments read.
 */
static int drain_acks(struct peer_conn *c, unsigned int quiet_ms, u32 *ack,
		      u32 *sack_end, u32 *edge)
{
	int n = 0, i, j;

	*sack_end = 0;
	while (peer_recv(c, quiet_ms) == 1) {
		const struct peer_seg *s = &c->last_seg;

		n++;
		if (!(s->flags & PEER_ACK))
			continue;
		if ((s32)(s->ack - *ack) > 0)
			*ack = s->ack;
		*edge = offered_edge(c);
		for (i = 0; i < s->nopt; i++) {
			if (s->opt[i].kind != TCPOPT_SACK)
				continue;
			for (j = 1; j < s->opt[i].n; j += 2)
				if ((s32)(s->opt[i].v[j] - *sack_end) > 0)
					*sack_end = s->opt[i].v[j];
		}
	}
	return n;
}

/* Read @len bytes from @fd and compare them with the peer's from @rel_seq. */
static void expect_read(struct __test_metadata *_metadata, int fd,
			u32 rel_seq, size_t len)
{
	char *buf = malloc(len), *want = malloc(len);
	size_t got = 0;
	ssize_t n;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, want);
	while (got < len) {
		n = recv(fd, buf + got, len - got, 0);
		ASSERT_LT(0, n) TH_LOG("recv after %zu of %zu: %s", got, len,
				       n ? strerror(errno) : "EOF");
		got += n;
	}
	peer_pattern(want, rel_seq, len);
	EXPECT_EQ(0, memcmp(buf, want, len)) TH_LOG("the bytes differ");
	free(buf);
	free(want);
}

/*
 * Send [from, to) in segments of @seg bytes, quietly. Return: 0 or -1.
 */
static int send_range(struct peer_conn *c, u32 from, u32 to, u32 seg)
{
	int verbose = c->p->verbose, ret = 0;

	c->p->verbose = 0;
	while (from < to && !ret) {
		u32 n = to - from < seg ? to - from : seg;

		ret = peer_send(c, ". %u:%u(%u) ack 1 <nop,nop,TS>", from,
				from + n, n);
		from += n;
	}
	c->p->verbose = verbose;
	return ret;
}

/*
 * (1) The whole window in 100-byte segments, in order: every byte is
 * acknowledged, none dropped, though their skbs take several times the
 * buffer; the application then reads them all.
 */
TEST_F(rcvwin, small_segments_in_order)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	u32 from = 1 + SMALL, ack = 0, sack_end, edge = self->edge;
	long collapsed = peer_env_tcpext("TCPRcvCollapsed");

	if (!e->ready)
		return;
	ASSERT_EQ(0, send_range(c, from, self->edge, SMALL));
	drain_acks(c, 500, &ack, &sack_end, &edge);
	TH_LOG("sent up to %u: acknowledged up to %u; TCPRcvCollapsed +%ld",
	       self->edge, ack, peer_env_tcpext("TCPRcvCollapsed") - collapsed);
	EXPECT_EQ(self->edge, ack);
	expect_read(_metadata, e->fd, 1, self->edge - 1);
}

/*
 * (2) The same with the first 100 bytes missing: all the rest is
 * reported with SACK, and once the hole is filled all is acknowledged.
 * Nothing reported is dropped (no reneging).
 */
TEST_F(rcvwin, small_segments_out_of_order)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	u32 from = 1 + SMALL, ack = 0, sack_end, edge = self->edge;
	long pruned = peer_env_tcpext("OfoPruned");

	if (!e->ready)
		return;
	ASSERT_EQ(0, send_range(c, from + SMALL, self->edge, SMALL));
	drain_acks(c, 500, &ack, &sack_end, &edge);
	TH_LOG("sent [%u, %u): ACK %u, SACKed up to %u", from + SMALL,
	       self->edge, ack, sack_end);
	EXPECT_EQ(from, ack);
	EXPECT_EQ(self->edge, sack_end);
	ASSERT_EQ(0, send_range(c, from, from + SMALL, SMALL));
	drain_acks(c, 500, &ack, &sack_end, &edge);
	EXPECT_EQ(self->edge, ack);
	EXPECT_EQ(pruned, peer_env_tcpext("OfoPruned"));
	expect_read(_metadata, e->fd, 1, self->edge - 1);
}

/*
 * (3) Full segments while the application sleeps: the peer sends up to
 * each right edge offered until the window closes. Every byte sent is
 * acknowledged (the edge never moves left, RFC 9293 3.8.6.2.2), and the
 * application reads them all.
 */
TEST_F(rcvwin, full_segments_until_zero_window)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	u32 sent = 1 + SMALL, ack = 0, sack_end, edge = self->edge;
	u32 mss = c->local_syn.mss - 12;
	int rounds;

	if (!e->ready)
		return;
	for (rounds = 0; rounds < 100 && (s32)(edge - sent) > 0; rounds++) {
		u32 edge_before = edge;

		ASSERT_EQ(0, send_range(c, sent, edge, mss));
		sent = edge;
		drain_acks(c, 300, &ack, &sack_end, &edge);
		ASSERT_EQ(sent, ack) TH_LOG("round %d", rounds);
		ASSERT_LE(0, (s32)(edge - edge_before))
			TH_LOG("the right edge moved left, %u -> %u",
			       edge_before, edge);
	}
	TH_LOG("window closed after %d rounds: %u bytes taken in a buffer of %d",
	       rounds, sent - 1, 2 * RCVBUF);
	EXPECT_EQ(sent, edge);
	expect_read(_metadata, e->fd, 1, sent - 1);
}

/*
 * Autotuning: with the receive buffer as the application left it, the
 * window grows when the sender fills it with data held behind a hole (a
 * sender repairing a loss is held by the window, not by its congestion
 * window, while the application waits for the hole and reads nothing),
 * and not when in-order data the application has not read fills it.
 * ltcp doubles the window offered; Linux 6.1 grows the buffer only with
 * what the application reads (its figures are logged, not checked).
 */
FIXTURE(rcvgrow) {
	struct peer_env e;
	u32 edge;	/* right edge of the window offered, relative */
};

FIXTURE_VARIANT(rcvgrow) {
	int family;
};

FIXTURE_VARIANT_ADD(rcvgrow, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(rcvgrow, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(rcvgrow)
{
	peer_env_setup(_metadata, &self->e, variant->family);
	if (!self->e.ready)
		return;
	self->edge = rcvwin_open(_metadata, &self->e, variant->family, 0);
}

FIXTURE_TEARDOWN(rcvgrow)
{
	peer_env_teardown(&self->e);
}

/*
 * (4) The application read what came; full segments then fill the window
 * behind a one-segment hole, up to each right edge offered (the edge
 * also moves as the stack learns what a segment costs in memory). The
 * window offered from the hole grows to half as large again (ltcp
 * doubles it); the peer then fills the hole and the new window, all of
 * it is acknowledged (the memory is there) and read back.
 */
TEST_F(rcvgrow, ooo_fills_window)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	u32 hole = 1 + SMALL, ack = 0, sack_end, edge = self->edge, sent;
	u32 mss = c->local_syn.mss - 12, span = self->edge - hole;
	socklen_t len;
	char buf[SMALL];
	int rounds, rcvbuf;

	if (!e->ready)
		return;
	ASSERT_EQ(SMALL, recv(e->fd, buf, sizeof(buf), 0));
	sent = hole + mss;
	for (rounds = 0; rounds < 8 && (s32)(edge - sent) > 0 &&
	     edge - hole < span + span / 2; rounds++) {
		ASSERT_EQ(0, send_range(c, sent, edge, mss));
		sent = edge;
		drain_acks(c, 300, &ack, &sack_end, &edge);
		EXPECT_EQ(hole, ack);
		EXPECT_EQ(sent, sack_end);
	}
	len = sizeof(rcvbuf);
	ASSERT_EQ(0, getsockopt(e->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len));
	TH_LOG("window from the hole: %u bytes before, %u after %d rounds; SO_RCVBUF %d",
	       span, edge - hole, rounds, rcvbuf);
	if (e->proto)
		EXPECT_LE(span + span / 2, edge - hole);

	ASSERT_EQ(0, send_range(c, hole, hole + mss, mss));
	ASSERT_EQ(0, send_range(c, sent, edge, mss));
	sent = edge;
	drain_acks(c, 300, &ack, &sack_end, &edge);
	EXPECT_EQ(sent, ack) TH_LOG("acknowledged %u of the %u sent",
				    ack - hole, sent - hole);
	expect_read(_metadata, e->fd, hole, ack - hole);
}

/*
 * (5) The application reads nothing: in-order data fills half the
 * window, out-of-order data behind a hole the rest. The application is
 * what limits the sender here; the window does not grow.
 */
TEST_F(rcvgrow, slow_reader)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	u32 from = 1 + SMALL, ack = 0, sack_end, edge = self->edge, hole;
	u32 mss = c->local_syn.mss - 12, before;

	if (!e->ready)
		return;
	hole = from + (self->edge - from) / 2 / mss * mss;
	ASSERT_EQ(0, send_range(c, from, hole, mss));
	drain_acks(c, 300, &ack, &sack_end, &edge);
	ASSERT_EQ(hole, ack);
	before = edge;
	ASSERT_EQ(0, send_range(c, hole + mss, before, mss));
	drain_acks(c, 300, &ack, &sack_end, &edge);
	EXPECT_EQ(before, sack_end);
	TH_LOG("window from the hole: %u bytes before, %u after it filled",
	       before - hole, edge - hole);
	if (e->proto)
		EXPECT_GT(before - hole + (before - hole) / 2, edge - hole);

	ASSERT_EQ(0, send_range(c, hole, hole + mss, mss));
	drain_acks(c, 300, &ack, &sack_end, &edge);
	EXPECT_EQ(before, ack);
	expect_read(_metadata, e->fd, 1, ack - 1);
}

/*
 * The buffer autotunes (no SO_RCVBUF): ltcp acknowledges every second
 * full segment at once (RFC 5681 4.2) however far the reader lags, since
 * the window grows with the flow and the ACKs are the sender's clock.
 * Two segments were just sent from @from, unread; four more pairs
 * follow, nothing read: each pair is acknowledged before the next is
 * sent, not by the delayed-ACK timer (TcpExtDelayedACKs does not move;
 * the wait is long enough for the timer, so that a slow moment of the
 * machine is not taken for it), and the right edge never moves left. The
 * kernel's TCP (logged) holds them here for the read, as with a buffer
 * set: its window has reached the free space. In a bulk transfer, where
 * its buffer grows under the window, it acknowledges at once more often
 * (Documentation/design.rst, "Delayed ACKs"). The module at 47b3737,
 * which held them as Linux does here, left all 5 pairs to the timer.
 */
static void ackread_autotuned(struct __test_metadata *_metadata,
			      struct peer_env *e, u32 from, u32 before)
{
	struct peer_conn *c = &e->c;
	u32 mss = c->local_syn.mss - 12, start = from;
	long delacks = peer_env_tcpext("DelayedACKs");
	int pair, acked = 0;

	for (pair = 0; pair < 5; pair++) {
		if (pair)
			ASSERT_EQ(0, send_range(c, from, from + 2 * mss, mss));
		from += 2 * mss;
		if (peer_recv(c, 300) != 1)
			break;
		if (c->last_seg.ack != from)
			break;
		EXPECT_LE(before, offered_edge(c));
		before = offered_edge(c);
		acked++;
	}
	TH_LOG("%d of 5 pairs of unread segments acknowledged, %ld by the delayed-ACK timer",
	       acked, peer_env_tcpext("DelayedACKs") - delacks);
	if (e->proto) {
		EXPECT_EQ(5, acked);
		EXPECT_EQ(delacks, peer_env_tcpext("DelayedACKs"));
	}
	/* The rest of the ten segments, if the loop stopped early. */
	while (++pair < 5)
		ASSERT_EQ(0, send_range(c, start + 2 * pair * mss,
					start + 2 * (pair + 1) * mss, mss));
	expect_read(_metadata, e->fd, start, 10 * mss);
}

/*
 * When the application lags behind a buffer set by SO_RCVBUF, the ACK
 * follows its read (autotuned: ackread_autotuned()). RFC 1122 4.2.3.2
 * asks for an ACK at least every second full-sized segment; Linux sends
 * it at once only if the window it offers reaches as far as the last one
 * plus what it acknowledges (the free space allows it), else the read
 * sends it, the delayed-ACK timer bounding the wait. Past the quick ACKs
 * of a new connection, the peer sends two full segments that the
 * application does not read yet. Either the ACK comes at once with the
 * right edge moved by both segments (the kernel's TCP with IPv4 here: its
 * window, a multiple of the MSS, leaves that much of the free space
 * unoffered), or it comes when the application reads them, not from the
 * delayed-ACK timer (TcpExtDelayedACKs does not move), with the right
 * edge moved on by what was read (ltcp, which offers all the free space,
 * and the kernel with IPv6). Then ltcp's own bound, which Linux does not
 * have (logged for it): a reader that takes nothing is acknowledged at
 * once when a quarter of the window is unacknowledged.
 */
FIXTURE(ackread) {
	struct peer_env e;
	u32 edge;	/* right edge of the window offered, relative */
};

FIXTURE_VARIANT(ackread) {
	int family;
	int rcvbuf;	/* SO_RCVBUF, 0: the buffer autotunes */
};

FIXTURE_VARIANT_ADD(ackread, ipv4) {
	.family = AF_INET,
	.rcvbuf = ACKREAD_RCVBUF,
};

FIXTURE_VARIANT_ADD(ackread, ipv6) {
	.family = AF_INET6,
	.rcvbuf = ACKREAD_RCVBUF,
};

FIXTURE_VARIANT_ADD(ackread, ipv4_autotuned) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(ackread, ipv6_autotuned) {
	.family = AF_INET6,
};

FIXTURE_SETUP(ackread)
{
	peer_env_setup(_metadata, &self->e, variant->family);
	if (!self->e.ready)
		return;
	/* A buffer the window has reached: Linux offers less than the free
	 * space while it grows the window (and then ACKs every second
	 * segment at once, as there is room); with a buffer set the
	 * window starts at its limit.
	 */
	self->edge = rcvwin_open(_metadata, &self->e, variant->family,
				 variant->rcvbuf);
}

FIXTURE_TEARDOWN(ackread)
{
	peer_env_teardown(&self->e);
}

TEST_F(ackread, ack_follows_read)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	u32 mss = c->local_syn.mss - 12, from = 1 + SMALL, ack = 0, sack_end;
	u32 edge = self->edge, before, start, win;
	long delacks;
	int round;

	if (!e->ready)
		return;
	expect_read(_metadata, e->fd, 1, SMALL);
	/* Quick ACKs first: one segment at a time until one is held. */
	for (round = 0; round < 64; round++) {
		bool quick;

		ASSERT_EQ(0, send_range(c, from, from + mss, mss));
		quick = peer_recv(c, 20) == 1;
		if (!quick)
			ASSERT_EQ(1, peer_recv(c, 500));
		from += mss;
		ASSERT_EQ(from, c->last_seg.ack);
		expect_read(_metadata, e->fd, from - mss, mss);
		if (!quick)
			break;
	}
	ASSERT_GT(64, round);
	TH_LOG("%d quick ACKs", round);
	drain_acks(c, 100, &ack, &sack_end, &edge);

	delacks = peer_env_tcpext("DelayedACKs");
	before = offered_edge(c);
	ASSERT_EQ(0, send_range(c, from, from + 2 * mss, mss));
	if (!variant->rcvbuf) {
		ackread_autotuned(_metadata, e, from, before);
		return;
	}
	if (peer_recv(c, 15) == 1) {
		/* At once only with the right edge moved by all of it. */
		TH_LOG("ACK before the read: right edge %u -> %u",
		       before, offered_edge(c));
		EXPECT_EQ(from + 2 * mss, c->last_seg.ack);
		EXPECT_LE(before + 2 * mss, offered_edge(c));
		expect_read(_metadata, e->fd, from, 2 * mss);
		from += 2 * mss;
	} else {
		expect_read(_metadata, e->fd, from, 2 * mss);
		from += 2 * mss;
		ASSERT_EQ(0, peer_expect(c, ". 1:1(0) ack %u", from));
		TH_LOG("ACK with the read: right edge %u -> %u", before,
		       offered_edge(c));
		EXPECT_EQ(delacks, peer_env_tcpext("DelayedACKs"));
		EXPECT_LE(before + mss, offered_edge(c));
	}

	/* Nothing read: ltcp acknowledges a quarter of the window at once. */
	drain_acks(c, 100, &ack, &sack_end, &edge);
	edge = offered_edge(c);
	start = from;
	win = edge - start;
	delacks = peer_env_tcpext("DelayedACKs");
	while (from - start < win / 4) {
		ASSERT_EQ(0, send_range(c, from, from + mss, mss));
		from += mss;
	}
	ack = 0;
	drain_acks(c, 50, &ack, &sack_end, &edge);
	TH_LOG("unread %u of a %u-byte window: acknowledged %u at once, %ld delayed ACKs",
	       from - start, win, ack - start,
	       peer_env_tcpext("DelayedACKs") - delacks);
	if (e->proto) {
		EXPECT_EQ(from, ack);
		EXPECT_EQ(delacks, peer_env_tcpext("DelayedACKs"));
	}
	drain_acks(c, 500, &ack, &sack_end, &edge);
	EXPECT_EQ(from, ack);
	expect_read(_metadata, e->fd, start, from - start);
}

TEST_HARNESS_MAIN
