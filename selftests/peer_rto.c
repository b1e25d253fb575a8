// SPDX-License-Identifier: GPL-2.0
/*
 * peer_rto: the retransmission timeout's margin above the RTT, on the wire.
 *
 * RFC 6298 computes RTO = SRTT + max(G, 4 * RTTVAR) and rounds it up to a
 * minimum (2.4). On a path whose RTT is steady RTTVAR decays towards 0, so
 * applying a 200 ms minimum to the sum leaves almost no margin above SRTT
 * once SRTT approaches it: a delay of a few milliseconds more then fires a
 * spurious timeout. Linux bounds the variance term instead, which keeps
 * RTO at least SRTT + the minimum (net.ipv4.tcp_rto_min_us, 200 ms by
 * default); so does ltcp (net.ltcp.rto_min_us).
 *
 * steady_rtt	the stack under test accepts a connection from the scripted
 *		peer, which answers the SYN-ACK and ROUNDS one-segment writes
 *		RTT_MS after each was sent: SRTT about RTT_MS, RTTVAR a few
 *		milliseconds. Then the peer withholds the ACK of one more
 *		write: its retransmission comes at least SRTT + 200 ms after
 *		it (not 200 ms), and TCP_INFO's tcpi_rto says the same.
 *		Loss probes are off (early_retrans=0), so the timeout alone
 *		resends.
 *
 * IPv4 and IPv6. LTCP_PEER_PROTO as in peer_kernel_tcp; the kernel's TCP
 * is the reference. Needs root, a network namespace per test and TUN: run
 * it in the test VM.
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

#define MSS		1000
#define WRITE		100	/* bytes per round */
#define ROUNDS		12	/* RTTVAR decays by 3/4 a sample */
#define RTT_MS		150	/* the peer's ACK delay */
#define RTO_MIN_MS	200	/* both stacks' default minimum */
#define SLACK_MS	15	/* timer ticks (4 ms) and rounding */

FIXTURE(rto) {
	struct peer_env e;
};

FIXTURE_VARIANT(rto) {
	int family;
};

FIXTURE_VARIANT_ADD(rto, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(rto, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(rto)
{
	peer_env_setup(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(rto)
{
	peer_env_teardown(&self->e);
}

TEST_F(rto, steady_rtt)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	char buf[WRITE];
	struct timespec sent;
	struct tcp_info info;
	double gap, rtt_ms;
	u32 seq = 1;
	int i;

	if (!e->ready)
		return;
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
	peer_env_passive_open(_metadata, e, variant->family, MSS,
			      PEER_ENV_SYN_SACK, PEER_ENV_SYNACK_SACK, RTT_MS,
			      PEER_ENV_HS_ACK);
	memset(buf, 'r', sizeof(buf));
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ((ssize_t)WRITE, send(e->fd, buf, WRITE, 0));
		ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1", seq,
					 seq + WRITE, WRITE));
		seq += WRITE;
		usleep(RTT_MS * 1000);
		ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", seq));
	}
	peer_env_info(_metadata, e->fd, &info, 20000);
	rtt_ms = info.tcpi_rtt / 1000.0;
	TH_LOG("after %d rounds: srtt %.1f ms, rttvar %.1f ms, rto %.1f ms",
	       ROUNDS, rtt_ms, info.tcpi_rttvar / 1000.0,
	       info.tcpi_rto / 1000.0);
	EXPECT_LE(RTT_MS - SLACK_MS, rtt_ms);
	EXPECT_LE(rtt_ms + RTO_MIN_MS - SLACK_MS, info.tcpi_rto / 1000.0);
	/* The segment whose ACK never comes, and its retransmission. */
	ASSERT_EQ((ssize_t)WRITE, send(e->fd, buf, WRITE, 0));
	ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1", seq, seq + WRITE,
				 WRITE));
	sent = c->last.t;
	ASSERT_EQ(0, peer_expect(c, "P. %u:%u(%u) ack 1", seq, seq + WRITE,
				 WRITE));
	gap = peer_ms(&sent, &c->last.t);
	TH_LOG("retransmitted %.0f ms after the original (srtt %.0f ms)", gap,
	       rtt_ms);
	EXPECT_LE(rtt_ms + RTO_MIN_MS - SLACK_MS, gap);
	EXPECT_GE(rtt_ms + RTO_MIN_MS + 300, gap);
	EXPECT_EQ(1, peer_env_tcpext("TCPTimeouts"));
}

TEST_HARNESS_MAIN
