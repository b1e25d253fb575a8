// SPDX-License-Identifier: GPL-2.0
/*
 * peer_frto: F-RTO (RFC 5682 section 3.1), detecting a spurious
 * retransmission timeout without timestamps, on the wire.
 *
 * The stack under test accepts a connection from the scripted peer (MSS
 * 1000, no timestamps, so that Eifel cannot tell; with or without sackOK)
 * and has twenty segments to send; the first ten go (the initial window),
 * the peer holds its ACKs until the timeout resends segment 1 (loss
 * probes off, so the timeout comes first), then acknowledges segment 1:
 * the first ACK after the retransmission, below the recovery point (step
 * 2.b). F-RTO sends new data now, segments 11 and 12, not segment 2.
 *
 * spurious	the next ACK acknowledges segment 2, never retransmitted:
 *		its original arrived, the timeout was spurious (step 3.b):
 *		TcpExtTCPSpuriousRTOs and TCPLossUndo count it, ssthresh is
 *		back to what it was before (infinite), the state is Open,
 *		only one segment was ever retransmitted.
 * genuine	the next ACK is a duplicate (with SACK: it reports the new
 *		data alone): the originals were lost (step 3.a): segment 2
 *		goes again, ssthresh stays reduced, no undo.
 * off		net.ltcp.frto=0 (net.ipv4.tcp_frto=0 for the kernel): the
 *		ACK of segment 1 brings the retransmission of segment 2,
 *		conventional RTO recovery.
 *
 * Each runs with and without SACK, over IPv4 and IPv6. LTCP_PEER_PROTO as
 * in peer_kernel_tcp; the kernel's TCP is the reference. Needs root, a
 * network namespace per test and TUN: run it in the test VM.
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
#define NSEG		20	/* written */
#define IW		10	/* sent before the timeout */
#define SSTHRESH_INF	0x7fffffffU	/* TCP_INFINITE_SSTHRESH */
#define HS_DELAY_MS	100	/* the handshake's RTT sample */

#define SEG		"[P]. %u:%u(1000) ack 1"

static u32 seg_start(int i)
{
	return 1 + (i - 1) * MSS;
}

FIXTURE(frto) {
	struct peer_env e;
};

FIXTURE_VARIANT(frto) {
	int family;
	bool sack;
};

FIXTURE_VARIANT_ADD(frto, ipv4_sack) {
	.family = AF_INET,
	.sack = true,
};

FIXTURE_VARIANT_ADD(frto, ipv4_nosack) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(frto, ipv6_sack) {
	.family = AF_INET6,
	.sack = true,
};

FIXTURE_VARIANT_ADD(frto, ipv6_nosack) {
	.family = AF_INET6,
};

FIXTURE_SETUP(frto)
{
	peer_env_setup(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(frto)
{
	peer_env_teardown(&self->e);
}

/*
 * The connection, the initial window of IW segments sent, the timeout's
 * retransmission of segment 1 seen, in TCP_CA_Loss.
 */
static void timeout(struct __test_metadata *_metadata, struct peer_env *e,
		    int family, bool sack)
{
	char buf[NSEG * MSS];
	int sndbuf = 1 << 20, i;
	struct tcp_info info;

	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
	peer_env_passive_open(_metadata, e, family, MSS,
			      sack ? PEER_ENV_SYN_SACK : "nop,wscale 7",
			      sack ? PEER_ENV_SYNACK_SACK : "nop,wscale *",
			      HS_DELAY_MS, PEER_ENV_HS_ACK);
	/* Room for all of it at once (the send buffer starts at two windows
	 * of the initial cwnd, and the send below must not block).
	 */
	ASSERT_EQ(0, setsockopt(e->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				sizeof(sndbuf)));
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(e->fd, buf, sizeof(buf), 0));
	for (i = 1; i <= IW; i++)
		ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(i),
					 seg_start(i + 1)));
	ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(1), seg_start(2)));
	TH_LOG("segment 1 resent after %.0f ms", peer_rx_delay_ms(&e->c));
	peer_env_info(_metadata, e->fd, &info, 20000);
	ASSERT_EQ(TCP_CA_Loss, info.tcpi_ca_state);
	ASSERT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	/* The first ACK after the retransmission: segment 1 (step 2). */
	ASSERT_EQ(0, peer_send(&e->c, ". 1:1(0) ack %u win 1000",
			       seg_start(2)));
}

/* Step 2.b: new data, segments 11 and 12, instead of segment 2. */
static void expect_new_data(struct __test_metadata *_metadata,
			    struct peer_env *e)
{
	ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(IW + 1),
				 seg_start(IW + 2)));
	ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(IW + 2),
				 seg_start(IW + 3)));
}

TEST_F(frto, spurious)
{
	struct peer_env *e = &self->e;
	long spurious = peer_env_tcpext("TCPSpuriousRTOs");
	long undos = peer_env_tcpext("TCPLossUndo");
	struct tcp_info info;

	if (!e->ready)
		return;
	timeout(_metadata, e, variant->family, variant->sack);
	expect_new_data(_metadata, e);
	/* Segment 2's original arrived (step 3.b). */
	ASSERT_EQ(0, peer_send(&e->c, ". 1:1(0) ack %u win 1000",
			       seg_start(3)));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the ACK: cwnd %u, ssthresh %u, state %u, retrans %u",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state,
	       info.tcpi_total_retrans);
	EXPECT_EQ(TCP_CA_Open, info.tcpi_ca_state);
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(1U, info.tcpi_total_retrans);
	EXPECT_EQ(spurious + 1, peer_env_tcpext("TCPSpuriousRTOs"));
	EXPECT_EQ(undos + 1, peer_env_tcpext("TCPLossUndo"));
}

TEST_F(frto, genuine)
{
	struct peer_env *e = &self->e;
	long spurious = peer_env_tcpext("TCPSpuriousRTOs");
	struct tcp_info info;

	if (!e->ready)
		return;
	timeout(_metadata, e, variant->family, variant->sack);
	expect_new_data(_metadata, e);
	/* Only the new data arrived (step 3.a). */
	if (variant->sack) {
		ASSERT_EQ(0, peer_send(&e->c, ". 1:1(0) ack %u win 1000 <nop,nop,sack %u:%u>",
				       seg_start(2), seg_start(IW + 1),
				       seg_start(IW + 3)));
	} else {
		ASSERT_EQ(0, peer_send(&e->c, ". 1:1(0) ack %u win 1000",
				       seg_start(2)));
	}
	ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(2), seg_start(3)));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the ACK: cwnd %u, ssthresh %u, state %u",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state);
	EXPECT_EQ(TCP_CA_Loss, info.tcpi_ca_state);
	EXPECT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(spurious, peer_env_tcpext("TCPSpuriousRTOs"));
}

TEST_F(frto, off)
{
	struct peer_env *e = &self->e;
	long spurious = peer_env_tcpext("TCPSpuriousRTOs");

	if (!e->ready)
		return;
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "frto", 0));
	timeout(_metadata, e, variant->family, variant->sack);
	ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(2), seg_start(3)));
	/* What would have told F-RTO the timeout was spurious. */
	ASSERT_EQ(0, peer_send(&e->c, ". 1:1(0) ack %u win 1000",
			       seg_start(3)));
	usleep(20000);
	EXPECT_EQ(spurious, peer_env_tcpext("TCPSpuriousRTOs"));
}

TEST_HARNESS_MAIN
