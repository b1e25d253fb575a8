// SPDX-License-Identifier: GPL-2.0
/*
 * peer_undo: undoing the window reduction of a spurious retransmission
 * (Eifel detection, RFC 3522), on the wire.
 *
 * The stack under test accepts a connection from the scripted peer (MSS
 * 1000, sackOK, timestamps: 988 bytes of data per segment) and writes ten
 * segments; the peer holds its ACKs until something is retransmitted,
 * then acknowledges everything with a TSecr that tells which transmission
 * arrived:
 *
 * spurious_rto		the RTO resends segment 1; the ACK echoes the
 *			original flight's TSval: the timeout was spurious,
 *			ssthresh is back to what it was before (infinite),
 *			cwnd back to 10, the state Open, TcpExtTCPLossUndo
 *			counts it; nothing more is resent.
 * genuine_rto		the whole flight was lost: the ACK of the
 *			retransmission covers it alone and echoes its
 *			TSval: ssthresh stays reduced, segment 2 goes
 *			again, no undo is counted.
 * spurious_fast_retransmit	three SACKs start a fast recovery (RFC 6675
 *			alone: no RACK, TLP or F-RTO on either stack); the
 *			ACK of everything echoes the original's TSval:
 *			TcpExtTCPFullUndo, ssthresh and cwnd restored.
 * dsack_undo		the same without timestamps: the retransmission is
 *			acknowledged (a partial ACK), then the original
 *			arrives and the peer reports it with a D-SACK
 *			(RFC 3708): TcpExtTCPDSACKUndo, ssthresh restored,
 *			the state Open.
 * dsack_after_recovery	the same, but the peer acknowledges everything
 *			first (the original filled the hole: the recovery
 *			is over, nothing undone yet) and only then reports
 *			the retransmission duplicate, as the D-SACK of a
 *			reordered segment comes back after the ACK of the
 *			original: RFC 3708 still applies (TCPDSACKUndo,
 *			ssthresh restored). A D-SACK above the recovery
 *			point (new data the network duplicated) first
 *			changes nothing. The kernel's TCP does not undo
 *			once the recovery is over (logged); ltcp before
 *			this test stopped listening for D-SACKs there.
 * hystart_after_undo	ltcp_cubic: after a spurious RTO is undone the
 *			connection is back in its initial slow start
 *			(ssthresh infinite), where HyStart++ applies (RFC
 *			9406 section 4.3). The peer then acknowledges each
 *			round of data later than the one before, as a queue
 *			building up would: HyStart++ must see the RTT rise,
 *			go through Conservative Slow Start and leave slow
 *			start without a loss (ssthresh finite, nothing
 *			resent). ltcp_cubic used to switch HyStart++ off for
 *			good at the RTO, undone or not.
 *
 * The loss probe is off (early_retrans 0) in the timeout cases so that
 * the RTO is the first retransmission. Both stacks also run F-RTO
 * (selftests/peer_frto) here, which stays out of the way: the ACK of the
 * flight reaches the recovery point, or there is no new data to send.
 *
 * LTCP_PEER_PROTO as in peer_kernel_tcp. Needs root, a network namespace
 * per test and TUN: run it in the test VM.
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
#define SEGLEN		988	/* MSS less the timestamp option */
#define NSEG		10
#define SSTHRESH_INF	0x7fffffffU	/* TCP_INFINITE_SSTHRESH */
#define HS_DELAY_MS	100	/* the handshake's RTT sample */

#define SEG		"[P]. %u:%u(988) ack 1 <nop,nop,TS val * ecr *>"
#define SEG_NO_TS	"[P]. %u:%u(1000) ack 1"

static u32 seg_start(int i)
{
	return 1 + (i - 1) * SEGLEN;
}

FIXTURE(undo) {
	struct peer_env e;
	u32 ts_orig;	/* TSval of the original flight's last segment */
};

FIXTURE_VARIANT(undo) {
	int family;
};

FIXTURE_VARIANT_ADD(undo, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(undo, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(undo)
{
	peer_env_setup(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(undo)
{
	peer_env_teardown(&self->e);
}

/* Loss probes off, on the stack under test. */
static void no_tlp(struct __test_metadata *_metadata, struct peer_env *e)
{
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "early_retrans", 0));
}

/*
 * The connection (its first RTT sample HS_DELAY_MS) and the flight of
 * NSEG segments, all read; *@ts_orig their TSval.
 */
static void send_flight(struct __test_metadata *_metadata, struct peer_env *e,
			int family, u32 *ts_orig)
{
	char buf[NSEG * SEGLEN];
	int i;

	peer_env_passive_open(_metadata, e, family, MSS,
			      "sackOK,TS val 100 ecr 0,nop,wscale 7",
			      "sackOK,TS val * ecr 100,nop,wscale *",
			      HS_DELAY_MS, ". 1:1(0) ack 1 win 1000 <nop,nop,TS>");
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(e->fd, buf, sizeof(buf), 0));
	for (i = 1; i <= NSEG; i++)
		ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(i),
					 seg_start(i) + SEGLEN));
	*ts_orig = e->c.ts_recent;
}

/* The peer's ACK of the whole flight, echoing @tsecr. */
static int ack_all(struct peer_conn *c, u32 tsecr)
{
	return peer_send(c, ". 1:1(0) ack %u win 1000 <nop,nop,TS val %u ecr %u>",
			 seg_start(NSEG + 1), c->ts_last + 10, tsecr);
}

TEST_F(undo, spurious_rto)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long undos = peer_env_tcpext("TCPLossUndo");
	struct tcp_info info;

	if (!e->ready)
		return;
	no_tlp(_metadata, e);
	send_flight(_metadata, e, variant->family, &self->ts_orig);
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(1), seg_start(2)));
	TH_LOG("segment 1 resent after %.0f ms, TSval %u (the flight's %u)",
	       peer_rx_delay_ms(c), c->ts_recent, self->ts_orig);
	ASSERT_LT(0, (int)(c->ts_recent - self->ts_orig));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(TCP_CA_Loss, info.tcpi_ca_state);
	EXPECT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);

	ASSERT_EQ(0, ack_all(c, self->ts_orig));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the ACK: cwnd %u, ssthresh %u, state %u",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state);
	EXPECT_EQ(TCP_CA_Open, info.tcpi_ca_state);
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_LE((u32)NSEG, info.tcpi_snd_cwnd);
	EXPECT_EQ(undos + 1, peer_env_tcpext("TCPLossUndo"));
	/* Nothing else is resent. */
	EXPECT_EQ(0, peer_expect_none(c, 300));
}

TEST_F(undo, genuine_rto)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long undos = peer_env_tcpext("TCPLossUndo");
	struct tcp_info info;

	if (!e->ready)
		return;
	no_tlp(_metadata, e);
	send_flight(_metadata, e, variant->family, &self->ts_orig);
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(1), seg_start(2)));
	/* The retransmission is what arrived: its TSval comes back, and
	 * nothing beyond it.
	 */
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000 <nop,nop,TS val %u ecr %u>",
			       seg_start(2), c->ts_last + 10, c->ts_recent));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(2), seg_start(3)));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the ACK: cwnd %u, ssthresh %u, state %u",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state);
	EXPECT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_GT((u32)NSEG, info.tcpi_snd_cwnd);
	EXPECT_EQ(undos, peer_env_tcpext("TCPLossUndo"));
}

TEST_F(undo, spurious_fast_retransmit)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long undos = peer_env_tcpext("TCPFullUndo");
	struct tcp_info info;
	int i;

	if (!e->ready)
		return;
	peer_env_rfc6675(_metadata, e);
	send_flight(_metadata, e, variant->family, &self->ts_orig);
	/* Later than the flight, so that the retransmission's TSval is
	 * clearly newer (1 ms ticks).
	 */
	usleep(20000);
	for (i = 2; i <= 4; i++)
		ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1 win 1000 <%s %u ecr %u,%s %u:%u>",
				       "nop,nop,TS val", c->ts_last + 1,
				       self->ts_orig, "nop,nop,sack",
				       seg_start(2), seg_start(i + 1)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(1), seg_start(2)));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(TCP_CA_Recovery, info.tcpi_ca_state);
	EXPECT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);

	ASSERT_EQ(0, ack_all(c, self->ts_orig));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the ACK: cwnd %u, ssthresh %u, state %u",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state);
	EXPECT_EQ(TCP_CA_Open, info.tcpi_ca_state);
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(undos + 1, peer_env_tcpext("TCPFullUndo"));
}

/*
 * One round: the data segments the stack sends until it is quiet for
 * 30 ms, then, @delay_ms later, one ACK for each. Returns their number.
 */
static int ack_round(struct peer_conn *c, unsigned int delay_ms)
{
	static u32 ends[512];
	int n = 0, r, i;

	while ((r = peer_recv(c, 30)) > 0)
		if (c->last_seg.len && n < (int)ARRAY_SIZE(ends))
			ends[n++] = c->last_seg.end;
	if (r < 0)
		return -1;
	usleep(delay_ms * 1000);
	for (i = 0; i < n; i++)
		if (peer_send(c, ". 1:1(0) ack %u win 1000 <nop,nop,TS>",
			      ends[i]))
			return -1;
	return n;
}

TEST_F(undo, hystart_after_undo)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	static char buf[1500 * SEGLEN];
	int sndbuf = 4 << 20, round, n, total = 0;
	struct tcp_info info;
	u32 retrans;

	if (!e->ready)
		return;
	no_tlp(_metadata, e);
	send_flight(_metadata, e, variant->family, &self->ts_orig);
	if (setsockopt(e->fd, IPPROTO_TCP, TCP_CONGESTION, "ltcp_cubic", 10))
		SKIP(return, "no ltcp_cubic (%s)", strerror(errno));
	ASSERT_EQ(0, setsockopt(e->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
				sizeof(sndbuf)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(1), seg_start(2)));
	ASSERT_EQ(0, ack_all(c, self->ts_orig));
	peer_env_info(_metadata, e->fd, &info, 20000);
	ASSERT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh) TH_LOG("not undone");
	retrans = info.tcpi_total_retrans;

	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(e->fd, buf, sizeof(buf), 0));
	/* Each round 20 ms later than the one before: more than HyStart++'s
	 * largest threshold (16 ms) to enter CSS, and a margin against a
	 * TCG stall inflating CSS's baseline round, which would send CSS
	 * back to slow start (section 4.2). Starting from no delay keeps
	 * the RTT of the sixth round (where CSS ends) well below ltcp's
	 * 200 ms minimum RTO, which the per-ACK RTTVAR of RFC 6298 leaves
	 * little above the last round's RTT.
	 */
	for (round = 0; round < 10; round++) {
		n = ack_round(c, 20 * round);
		ASSERT_LT(0, n) TH_LOG("round %d: nothing sent", round);
		total += n;
		peer_env_info(_metadata, e->fd, &info, 20000);
		TH_LOG("round %d: %d segments, cwnd %u, ssthresh %u", round,
		       n, info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh);
		/* Out of slow start: no more rounds, whose longer delays
		 * would only test the RTO (ltcp's RTO is RFC 6298's,
		 * SRTT + 4 RTTVAR, at least 200 ms: closer to a growing RTT
		 * than Linux's, and a TCG stall can fire it).
		 */
		if (info.tcpi_snd_ssthresh < SSTHRESH_INF)
			break;
	}
	ASSERT_GT((int)ARRAY_SIZE(buf) / SEGLEN, total);
	EXPECT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(retrans, info.tcpi_total_retrans);
	EXPECT_EQ(TCP_CA_Open, info.tcpi_ca_state);
}

/*
 * Without timestamps: the connection, NSEG segments of MSS bytes, three
 * SACKs above segment 1 and its fast retransmission (RFC 6675 alone).
 */
static void recovery_no_ts(struct __test_metadata *_metadata,
			   struct peer_env *e, int family)
{
	struct peer_conn *c = &e->c;
	char buf[NSEG * MSS];
	struct tcp_info info;
	int i;

	peer_env_rfc6675(_metadata, e);
	peer_env_passive_open(_metadata, e, family, MSS, PEER_ENV_SYN_SACK,
			      PEER_ENV_SYNACK_SACK, HS_DELAY_MS,
			      PEER_ENV_HS_ACK);
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(e->fd, buf, sizeof(buf), 0));
	for (i = 0; i < NSEG; i++)
		ASSERT_EQ(0, peer_expect(c, SEG_NO_TS, 1 + i * MSS,
					 1 + (i + 1) * MSS));
	for (i = 2; i <= 4; i++)
		ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1 win 1000 <nop,nop,sack %u:%u>",
				       1 + MSS, 1 + i * MSS));
	ASSERT_EQ(0, peer_expect(c, SEG_NO_TS, 1, 1 + MSS));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(TCP_CA_Recovery, info.tcpi_ca_state);
	EXPECT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);
}

TEST_F(undo, dsack_undo)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long undos = peer_env_tcpext("TCPDSACKUndo");
	struct tcp_info info;

	if (!e->ready)
		return;
	recovery_no_ts(_metadata, e, variant->family);

	/* The retransmission arrived: a partial ACK. Then the original,
	 * reported duplicate.
	 */
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", 1 + 4 * MSS));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000 <nop,nop,sack 1:%u>",
			       1 + 4 * MSS, 1 + MSS));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the D-SACK: cwnd %u, ssthresh %u, state %u",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state);
	EXPECT_EQ(TCP_CA_Open, info.tcpi_ca_state);
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(undos + 1, peer_env_tcpext("TCPDSACKUndo"));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", 1 + NSEG * MSS));
}

TEST_F(undo, dsack_after_recovery)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long undos = peer_env_tcpext("TCPDSACKUndo");
	struct tcp_info info;
	char buf[MSS];
	u32 ssthresh;

	if (!e->ready)
		return;
	recovery_no_ts(_metadata, e, variant->family);

	/* The original arrived first: everything is acknowledged and the
	 * recovery is over, reduced.
	 */
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000", 1 + NSEG * MSS));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the ACK: cwnd %u, ssthresh %u, state %u",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state);
	EXPECT_EQ(TCP_CA_Open, info.tcpi_ca_state);
	ASSERT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	ssthresh = info.tcpi_snd_ssthresh;

	/* New data, sent once, arrives twice (the network duplicated it):
	 * its D-SACK is above the episode's recovery point and says
	 * nothing about the episode.
	 */
	memset(buf, 'y', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(e->fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, peer_expect(c, SEG_NO_TS, 1 + NSEG * MSS,
				 1 + (NSEG + 1) * MSS));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000 <nop,nop,sack %u:%u>",
			       1 + (NSEG + 1) * MSS, 1 + NSEG * MSS,
			       1 + (NSEG + 1) * MSS));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(ssthresh, info.tcpi_snd_ssthresh);
	EXPECT_EQ(undos, peer_env_tcpext("TCPDSACKUndo"));

	/* Then the retransmission, reported duplicate. */
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack %u win 1000 <nop,nop,sack 1:%u>",
			       1 + (NSEG + 1) * MSS, 1 + MSS));
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("after the D-SACK: cwnd %u, ssthresh %u, state %u, DSACK undos %ld",
	       info.tcpi_snd_cwnd, info.tcpi_snd_ssthresh, info.tcpi_ca_state,
	       peer_env_tcpext("TCPDSACKUndo") - undos);
	EXPECT_EQ(TCP_CA_Open, info.tcpi_ca_state);
	/* The kernel's TCP stops at the end of the recovery (logged). */
	if (e->proto != IPPROTO_LTCP)
		return;
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(undos + 1, peer_env_tcpext("TCPDSACKUndo"));
}

TEST_HARNESS_MAIN
