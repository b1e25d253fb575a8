// SPDX-License-Identifier: GPL-2.0
/*
 * peer_tlp: Tail Loss Probes on the wire (RFC 8985 section 7).
 *
 * The stack under test accepts a connection from the scripted peer (MSS
 * 1000, sackOK, no timestamps, a 128000-byte window) and writes a flight
 * of segments; the last ones are "lost" (the peer never ACKs them) and the
 * peer checks what comes next and when. The peer ACKs the SYN-ACK
 * HS_DELAY_MS late: that first RTT sample makes SRTT large enough that the
 * PTO (2 * SRTT), the RTO (SRTT + 4 * RTTVAR, at least 200 ms) and the
 * peer's own reading time stand apart on a loaded machine (with a 1 ms
 * SRTT the PTO armed when the flight leaves fired before the peer had read
 * it).
 *
 * tail_retrans		segments 9 and 10 lost, no new data: after about
 *			2 * SRTT, well before the RTO, segment 10 comes
 *			again (the probe); TcpExtTCPLossProbes moves,
 *			TcpExtTCPTimeouts does not. An ACK beyond the probe
 *			without a D-SACK then says the probe repaired a loss
 *			(section 7.4): TcpExtTCPLossProbeRecovery and a
 *			reduced ssthresh.
 * tail_dsack		the same, but the ACK of the probe carries a D-SACK
 *			of it (the original had arrived, its ACK was lost):
 *			no reduction, TcpExtTCPLossProbeRecovery stays 0.
 * tail_one		only segment 10 lost: one segment in flight, so the
 *			PTO adds the worst-case delayed ACK (200 ms) and is
 *			capped by the RTO: the probe comes about when the RTO
 *			would, and is still a probe, not a timeout.
 * new_data_probe	data waits behind a full congestion window when the
 *			flight's tail is lost: the probe is that new segment,
 *			sent whatever cwnd says.
 * no_tlp		early_retrans=0 (net.ipv4.tcp_early_retrans or
 *			net.ltcp.early_retrans): no probe, the RTO resends
 *			segment 9 (TcpExtTCPTimeouts).
 *
 * The counters are read from /proc/net/netstat of the test's namespace,
 * where nstat reads them.
 *
 * LTCP_PEER_PROTO as in peer_kernel_tcp: unset for the kernel's TCP (the
 * reference, with its default RACK-TLP: tcp_early_retrans=3,
 * tcp_recovery=1), "ltcp" for ltcp (early_retrans=3 by default).
 *
 * Needs root, a network namespace per test and TUN: run it in the test VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
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

#define MSS		1000
#define NSEG		10
#define SSTHRESH_INF	0x7fffffffU	/* TCP_INFINITE_SSTHRESH */
#define HS_DELAY_MS	100	/* the handshake's RTT sample */

#define SEG		"[P]. %u:%u(1000) ack 1"
#define ACK		". 1:1(0) ack %u win 1000"
#define ACK_SACK	". 1:1(0) ack %u win 1000 <nop,nop,sack %s>"

static u32 seg_start(int i)
{
	return 1 + (i - 1) * MSS;
}

FIXTURE(tlp) {
	struct peer_env e;
};

FIXTURE_VARIANT(tlp) {
	int family;
};

FIXTURE_VARIANT_ADD(tlp, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(tlp, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(tlp)
{
	peer_env_setup(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(tlp)
{
	peer_env_teardown(&self->e);
}

/*
 * Listen, let the peer open a connection (MSS 1000, sackOK, no
 * timestamps), accept it, write @nseg segments and read the first
 * @nexpect of them.
 */
static void send_flight(struct __test_metadata *_metadata, struct peer_env *e,
			int family, int nseg, int nexpect)
{
	char buf[16 * MSS];
	int i;

	peer_env_passive_open(_metadata, e, family, MSS, PEER_ENV_SYN_SACK,
			      PEER_ENV_SYNACK_SACK, HS_DELAY_MS,
			      PEER_ENV_HS_ACK);
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)(nseg * MSS), send(e->fd, buf, nseg * MSS, 0));
	for (i = 1; i <= nexpect; i++)
		ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(i),
					 seg_start(i) + MSS));
}

/*
 * The probe came when a PTO (RFC 8985 section 7.2) would fire, not when
 * the RTO would. With more than one segment in flight PTO = 2 * SRTT: no
 * earlier than that less a timer tick (4 ms at HZ=250) and some slack, and
 * clearly before the RTO. With one (@one), PTO = 2 * SRTT + 200 ms, capped
 * by the RTO: no earlier than the smaller of the two, less the slack. The
 * counters tell the probe from a timeout whatever the machine's load.
 */
static void check_probe_time(struct __test_metadata *_metadata,
			     struct peer_env *e, double delay, bool one)
{
	struct tcp_info info;
	double srtt, rto, pto;

	peer_env_info(_metadata, e->fd, &info, 20000);
	srtt = info.tcpi_rtt / 1000.0;
	rto = info.tcpi_rto / 1000.0;
	pto = one ? 2 * srtt + 200 : 2 * srtt;
	if (pto > rto)
		pto = rto;
	TH_LOG("probe after %.1f ms: SRTT %.1f ms, PTO %.1f ms, RTO %.0f ms",
	       delay, srtt, pto, rto);
	EXPECT_LE(pto - 10, delay) TH_LOG("probe before the PTO");
	if (!one)
		EXPECT_GT(rto - 20, delay) TH_LOG("probe not before the RTO");
	EXPECT_EQ(1, peer_env_tcpext("TCPLossProbes"));
	EXPECT_EQ(0, peer_env_tcpext("TCPTimeouts"));
}

/*
 * Segments 9 and 10 are lost; the peer ACKs 1-8 at once. No new data: the
 * probe is segment 10 again. Its ACK (10001, no D-SACK: segment 9 came
 * late after all) is ambiguous (section 7.4.2: the original might have
 * arrived late too); the ACK of the next data goes beyond TLP.end_seq:
 * the probe repaired a loss, ssthresh drops.
 */
TEST_F(tlp, tail_retrans)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;
	char b[MSS];

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family, NSEG, NSEG);
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(NSEG - 1)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(NSEG), seg_start(NSEG) + MSS));
	check_probe_time(_metadata, e, peer_rx_delay_ms(c), false);
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(1U, info.tcpi_total_retrans);
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(NSEG) + MSS));
	EXPECT_EQ(0, peer_env_tcpext("TCPLossProbeRecovery"));
	memset(b, 'y', sizeof(b));
	ASSERT_EQ((ssize_t)MSS, send(e->fd, b, MSS, 0));
	ASSERT_EQ(0, peer_expect(c, SEG, 10001, 11001));
	ASSERT_EQ(0, peer_send(c, ACK, 11001));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(1, peer_env_tcpext("TCPLossProbeRecovery"));
	EXPECT_GT(SSTHRESH_INF, info.tcpi_snd_ssthresh)
		TH_LOG("no cwnd reduction for the loss the probe repaired");
	EXPECT_GE(info.tcpi_snd_ssthresh, info.tcpi_snd_cwnd);
	EXPECT_EQ(TCP_CA_Open, (int)info.tcpi_ca_state);
	TH_LOG("after the repair: cwnd %u ssthresh %u", info.tcpi_snd_cwnd,
	       info.tcpi_snd_ssthresh);
	EXPECT_EQ(0, peer_env_tcpext("TCPTimeouts"));
}

/*
 * Only segment 10 is lost: one segment in flight after the ACK of 1-9.
 * Section 7.2: PTO = 2 * SRTT + WCDelAckT (200 ms), and never later than
 * the RTO, which is then the earlier: the probe comes at about the RTO,
 * as a probe (TcpExtTCPLossProbes, no timeout, no window collapse).
 */
TEST_F(tlp, tail_one)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family, NSEG, NSEG);
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(NSEG)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(NSEG), seg_start(NSEG) + MSS));
	check_probe_time(_metadata, e, peer_rx_delay_ms(c), true);
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(NSEG) + MSS));
}

/*
 * As tail_retrans, but the ACK of the probe D-SACKs it (RFC 2883): segment
 * 10 had arrived and only its ACK was lost. No loss: the window stays.
 */
TEST_F(tlp, tail_dsack)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;
	char b[MSS];

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family, NSEG, NSEG);
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(NSEG - 1)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(NSEG), seg_start(NSEG) + MSS));
	check_probe_time(_metadata, e, peer_rx_delay_ms(c), false);
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 10001, "9001:10001"));
	memset(b, 'y', sizeof(b));
	ASSERT_EQ((ssize_t)MSS, send(e->fd, b, MSS, 0));
	ASSERT_EQ(0, peer_expect(c, SEG, 10001, 11001));
	ASSERT_EQ(0, peer_send(c, ACK, 11001));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(1, peer_env_tcpext("TCPDSACKRecv"));
	EXPECT_EQ(0, peer_env_tcpext("TCPLossProbeRecovery"));
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(0, peer_env_tcpext("TCPTimeouts"));
}

/*
 * 13 segments written, 10 sent (the initial window). The ACK of segment 1
 * grows cwnd to 11 (slow start): segments 11 and 12 go, 13 waits for the
 * window. Everything after is lost: the probe is segment 13, new data
 * (section 7.3), though cwnd is full. Its ACK clears the probe without a
 * reduction (a probe of new data says nothing of loss).
 */
TEST_F(tlp, new_data_probe)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family, 13, NSEG);
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(2)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(11), seg_start(12)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(12), seg_start(13)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(13), seg_start(14)));
	check_probe_time(_metadata, e, peer_rx_delay_ms(c), false);
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(0U, info.tcpi_total_retrans) TH_LOG("the probe was a resend");
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(14)));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(0, peer_env_tcpext("TCPLossProbeRecovery"));
	EXPECT_EQ(SSTHRESH_INF, info.tcpi_snd_ssthresh);
	EXPECT_EQ(0U, info.tcpi_unacked);
}

/* The probe's knob off: the tail waits for the RTO. */
TEST_F(tlp, no_tlp)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	const char *knob = e->proto ? "/proc/sys/net/ltcp/early_retrans" :
			   "/proc/sys/net/ipv4/tcp_early_retrans";
	struct tcp_info info;
	double delay;

	if (!e->ready)
		return;
	ASSERT_EQ(0, peer_env_write_sysctl(knob, 0));
	send_flight(_metadata, e, variant->family, NSEG, NSEG);
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(NSEG - 1)));
	ASSERT_EQ(0, peer_expect(c, SEG, seg_start(NSEG - 1), seg_start(NSEG)));
	delay = peer_rx_delay_ms(c);
	peer_env_info(_metadata, e->fd, &info, 20000);
	TH_LOG("resent after %.1f ms (RTO now %.0f ms)", delay,
	       info.tcpi_rto / 1000.0);
	/* RTO_min is 200 ms on both stacks; a timer tick of slack. */
	EXPECT_LE(190, delay) TH_LOG("resent before the RTO");
	EXPECT_EQ(0, peer_env_tcpext("TCPLossProbes"));
	EXPECT_EQ(1, peer_env_tcpext("TCPTimeouts"));
	ASSERT_EQ(0, peer_send(c, ACK, seg_start(NSEG) + MSS));
}

TEST_HARNESS_MAIN
