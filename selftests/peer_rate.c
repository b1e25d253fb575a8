// SPDX-License-Identifier: GPL-2.0
/*
 * peer_rate: the delivery rate sample (draft-cheng-iccrg-delivery-rate-
 * estimation), as TCP_INFO's tcpi_delivery_rate reports it, on the wire.
 *
 * newest_segment_defines_sample
 *		An ACK that delivers several segments measures the rate
 *		from the one sent last (the draft's "is P the newest
 *		packet?"): its send interval and the delivery state it
 *		was sent in. The peer makes that choice visible: it
 *		acknowledges A1 of two early segments, then the
 *		application writes B1..B5 at 20 ms steps (all sent in the
 *		same delivery state, after that ACK), and one ACK delivers
 *		A2 and the B's. The send interval runs from A1 (the send
 *		flight's start) to B5, the ACK interval from the first
 *		ACK to the second; the longer, the send interval, is the
 *		sample's (section 3.3). Taking B1 instead would give
 *		the ACK interval, a rate 1.7 times too high: ltcp did
 *		that (it took the first of the segments sent in one
 *		delivery state), and BBR's bandwidth filter keeps the
 *		highest samples.
 *
 * LTCP_PEER_PROTO as in peer_kernel_tcp. Needs root, a network namespace
 * per test and TUN: run it in the test VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "peer.h"
#include "peer_env.h"

#define MSS		1000
#define NB		5	/* segments B1..B5 */
#define STEP_MS		20	/* between the application's writes */
#define ACK1_MS		100	/* A1's ACK, after A1 was sent */

#define SEG		"[P]. %u:%u(1000) ack 1"

FIXTURE(rate) {
	struct peer_env e;
};

FIXTURE_VARIANT(rate) {
	int family;
};

FIXTURE_VARIANT_ADD(rate, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(rate, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(rate)
{
	peer_env_setup(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(rate)
{
	peer_env_teardown(&self->e);
}

/* The application writes segment @i (from 1) alone; the peer sees it. */
static int write_seg(struct peer_env *e, int i, struct timespec *seen)
{
	char buf[MSS];

	memset(buf, 'r', sizeof(buf));
	if (send(e->fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
		return -1;
	if (peer_expect(&e->c, SEG, 1 + (i - 1) * MSS, 1 + i * MSS))
		return -1;
	*seen = e->c.last.t;
	return 0;
}

TEST_F(rate, newest_segment_defines_sample)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct timespec a1, a2, b1, bn, ack1, ack2;
	double snd_ms, ack_ms, wrong_ms, got_ms;
	struct tcp_info info;
	int i;
	u64 want;

	if (!e->ready)
		return;
	/* No loss probe while A2 waits for its ACK (RFC 8985 7). */
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
	peer_env_passive_open(_metadata, e, variant->family, MSS, "", "", 0,
			      ". 1:1(0) ack 1 win 65535");

	/* A1 starts the send flight; A2 stays in flight. */
	ASSERT_EQ(0, write_seg(e, 1, &a1));
	usleep(STEP_MS * 1000 / 2);
	ASSERT_EQ(0, write_seg(e, 2, &a2));
	usleep((ACK1_MS - STEP_MS / 2) * 1000);
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 65535", 1 + MSS));
	ack1 = c->last_tx;
	for (i = 1; i <= NB; i++) {
		usleep(STEP_MS * 1000);
		ASSERT_EQ(0, write_seg(e, 2 + i, i == 1 ? &b1 : &bn));
	}
	usleep(STEP_MS * 1000 / 2);
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 65535",
			       1 + (2 + NB) * MSS));
	ack2 = c->last_tx;
	peer_env_info(_metadata, e->fd, &info, 20000);
	ASSERT_EQ(0U, info.tcpi_unacked);

	/* What the peer saw: the stack sends within a millisecond. */
	snd_ms = peer_ms(&a1, &bn);
	ack_ms = peer_ms(&ack1, &ack2);
	wrong_ms = peer_ms(&a1, &b1) > ack_ms ? peer_ms(&a1, &b1) : ack_ms;
	ASSERT_LT(ack_ms + 10, snd_ms) TH_LOG("the peer's timing went wrong");
	ASSERT_LT(wrong_ms, snd_ms * 0.8) TH_LOG("no contrast");
	/* A2 and B1..B5 delivered over the send interval, in bytes/s. */
	ASSERT_LT(0ULL, (unsigned long long)info.tcpi_delivery_rate);
	got_ms = (double)(NB + 1) * info.tcpi_snd_mss * 1000.0 /
		 info.tcpi_delivery_rate;
	want = (u64)((NB + 1) * info.tcpi_snd_mss * 1000.0 / snd_ms);
	TH_LOG("delivery_rate %llu B/s (%.1f ms), want %llu (%.1f ms: A1..B%d)",
	       (unsigned long long)info.tcpi_delivery_rate, got_ms,
	       (unsigned long long)want, snd_ms, NB);
	TH_LOG("ACKs %.1f ms apart; from B1 the sample would be %.1f ms",
	       ack_ms, wrong_ms);
	/* 10%: the peer's clock is not the stack's (TCG) */
	EXPECT_LT(snd_ms * 0.9, got_ms);
	EXPECT_GT(snd_ms * 1.1, got_ms);
}

TEST_HARNESS_MAIN
