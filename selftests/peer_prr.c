// SPDX-License-Identifier: GPL-2.0
/*
 * peer_prr: Proportional Rate Reduction (RFC 6937) on the wire.
 *
 * The stack under test accepts a connection from the scripted peer (MSS
 * 1000, sackOK, no timestamps, a 128000-byte window) and has 60 segments
 * to send. The handshake and the first flight (IW10, acknowledged one
 * segment at a time) take half a second each, so that the RTO is well
 * above the length of the test;
 * slow start takes cwnd to 20 and 20 more segments go. The first of them
 * is lost; the peer SACKs the next three in one ACK, then the others
 * one ACK at a time, and counts the segments the stack sends after each:
 *
 * sack_proportional	on the first SACK the stack enters recovery with
 *			ssthresh from its congestion control (cubic: 14 of
 *			20), resends the hole, and then sends, after each
 *			ACK, exactly what RFC 6937 section 3 allows for the
 *			tcpi_snd_ssthresh and RecoverFS (the flight, 20):
 *			about ssthresh/RecoverFS of a segment per segment
 *			delivered while pipe is above ssthresh (3 at entry,
 *			then 0,1,1,0,1,1,... for cubic), then one per segment
 *			delivered (PRR-SSRB holding pipe at ssthresh); never more than two at
 *			once. Setting cwnd to ssthresh at once sends nothing
 *			for the first ACKs after the resend. TCP_INFO's
 *			tcpi_snd_cwnd is pipe + sndcnt at each step, and
 *			ssthresh when the recovery ends (ltcp; the kernel
 *			may have grown it by one on that ACK).
 *
 * newreno_dupacks	the same without SACK: one segment delivered per
 *			duplicate ACK, tcpi_snd_cwnd = pipe + sndcnt after
 *			each (nothing new to send, so pipe is known)
 *
 * LTCP_PEER_PROTO as in peer_kernel_tcp: unset for the kernel's TCP (the
 * reference, which implements PRR; net.ipv4.tcp_recovery=0,
 * tcp_early_retrans=0 and tcp_frto=0 in the test's namespace so that it
 * runs RFC 6675's recovery without RACK, TLP or F-RTO, as ltcp does),
 * "ltcp" for ltcp.
 *
 * Needs root, a network namespace per test and TUN: run it in the test VM.
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
#define NSEG		60	/* written: enough for new data in recovery */
#define IW		10
#define QUIET_MS	20	/* what the stack sends for an ACK comes sooner */
#define RTT_MS		500	/* the first flight's RTT: the RTO above it */

#define SEG		"[P]. %u:%u(1000) ack 1"
#define ACK		". 1:1(0) ack %u win 1000"
#define ACK_SACK	". 1:1(0) ack %u win 1000 <nop,nop,sack %u:%u>"

static u32 seg_start(int i)
{
	return 1 + (i - 1) * MSS;
}

FIXTURE(prr) {
	struct peer_env e;
};

FIXTURE_VARIANT(prr) {
	int family;
};

FIXTURE_VARIANT_ADD(prr, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(prr, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(prr)
{
	peer_env_setup_rfc6675(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(prr)
{
	peer_env_teardown(&self->e);
}

/*
 * Data segments the stack sends until it is quiet for QUIET_MS; the end
 * of the highest in @high.
 */
static int count_sent(struct peer_conn *c, u32 *high)
{
	int n = 0, r;

	while ((r = peer_recv(c, QUIET_MS)) > 0) {
		if (!c->last_seg.len)
			continue;
		n++;
		if ((int)(c->last_seg.end - *high) > 0)
			*high = c->last_seg.end;
	}
	return r < 0 ? -1 : n;
}

/*
 * RFC 6937 section 3 for one ACK delivering @delivered segments, with
 * @pipe after the ACK; returns sndcnt and counts it in *@prr_out.
 */
static int prr_sndcnt(int pipe, int ssthresh, int recover_fs,
		      int prr_delivered, int *prr_out, int delivered)
{
	int sndcnt, limit;

	if (pipe > ssthresh) {
		sndcnt = (prr_delivered * ssthresh + recover_fs - 1) /
			 recover_fs - *prr_out;
	} else {
		limit = prr_delivered - *prr_out;
		if (limit < delivered)
			limit = delivered;
		sndcnt = ssthresh - pipe < limit + 1 ? ssthresh - pipe :
						       limit + 1;
	}
	if (sndcnt < 0)
		sndcnt = 0;
	if (!*prr_out && !sndcnt)
		sndcnt = 1;	/* the fast retransmit */
	*prr_out += sndcnt;
	return sndcnt;
}

/*
 * Accept the peer's connection (with or without sackOK), write @nseg
 * segments, acknowledge the first flight (IW10) one segment at a time
 * after RTT_MS and read the 20 segments slow start sends for it. The RTT
 * samples (handshake and first flight, RTT_MS) keep the RTO well above
 * the time the test then takes.
 */
static void grow_to_20(struct __test_metadata *_metadata, struct peer_env *e,
		       int family, bool sack, int nseg, u32 *high)
{
	int sndbuf = 1 << 20, i, n;
	static char buf[NSEG * MSS];
	struct peer_conn *c = &e->c;
	struct tcp_info info;

	peer_env_passive_open(_metadata, e, family, MSS,
			      sack ? PEER_ENV_SYN_SACK : "nop,wscale 7",
			      sack ? PEER_ENV_SYNACK_SACK : "nop,wscale *",
			      RTT_MS, PEER_ENV_HS_ACK);
	ASSERT_EQ(0, setsockopt(e->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				sizeof(sndbuf)));
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)nseg * MSS,
		  send(e->fd, buf, nseg * MSS, MSG_DONTWAIT));
	for (i = 1; i <= IW; i++)
		ASSERT_EQ(0, peer_expect(c, SEG, seg_start(i),
					 seg_start(i) + MSS));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));

	/* Slow start: each ACK of one segment lets two more go. */
	usleep(RTT_MS * 1000);
	for (i = 1; i <= IW; i++)
		ASSERT_EQ(0, peer_send(c, ACK, seg_start(i) + MSS));
	*high = seg_start(IW) + MSS;
	n = count_sent(c, high);
	ASSERT_EQ(2 * IW, n);
	peer_env_info(_metadata, e->fd, &info, 0);
	ASSERT_EQ(2U * IW, info.tcpi_snd_cwnd);
	ASSERT_EQ(2U * IW, info.tcpi_unacked);
}

TEST_F(prr, sack_proportional)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	int k, n, fs, ss, pipe;
	int prr_out = 0, prr_delivered = 0, sacked, sent, want;
	u32 high = 0, hole, sack_end;
	struct tcp_info info;

	if (!e->ready)
		return;
	grow_to_20(_metadata, e, variant->family, true, NSEG, &high);
	fs = 2 * IW;

	/* The first of the 20 is lost; one ACK SACKs the next three: the
	 * hole IsLost (RFC 6675), recovery begins with the whole flight
	 * (20 = cwnd) as RecoverFS, the fast retransmit and what PRR allows
	 * for 3 segments delivered.
	 */
	hole = seg_start(IW + 1);
	ASSERT_EQ(0, peer_send(c, ACK_SACK, hole, hole + MSS, hole + 4 * MSS));
	ASSERT_EQ(0, peer_expect(c, SEG, hole, hole + MSS));
	n = count_sent(c, &high);
	ASSERT_LE(0, n);
	peer_env_info(_metadata, e->fd, &info, 0);
	ASSERT_EQ(TCP_CA_Recovery, (int)info.tcpi_ca_state);
	ss = (int)info.tcpi_snd_ssthresh;
	TH_LOG("RecoverFS %d, ssthresh %d", fs, ss);
	ASSERT_LT(ss, fs);
	sacked = 3;
	prr_delivered = 3;
	/* pipe after the ACK: the flight less SACKed and lost segments. */
	pipe = fs - sacked - 1;
	want = prr_sndcnt(pipe, ss, fs, prr_delivered, &prr_out, 3);
	EXPECT_EQ(want, 1 + n);
	pipe += want;
	EXPECT_EQ((u32)pipe, info.tcpi_snd_cwnd);
	sent = 1 + n;

	/* Each further ACK SACKs one more segment of the flight. */
	for (k = 2; sacked < fs - 1; k++) {
		sacked++;
		prr_delivered++;
		sack_end = hole + (sacked + 1) * MSS;
		ASSERT_EQ(0, peer_send(c, ACK_SACK, hole, hole + MSS,
				       sack_end));
		n = count_sent(c, &high);
		ASSERT_LE(0, n);
		pipe--;
		want = prr_sndcnt(pipe, ss, fs, prr_delivered, &prr_out, 1);
		pipe += want;
		peer_env_info(_metadata, e->fd, &info, 0);
		TH_LOG("ACK %d (sack to %u): sent %d, RFC 6937 %d, cwnd %u",
		       k, sack_end, n, want, info.tcpi_snd_cwnd);
		EXPECT_EQ(want, n);
		EXPECT_GE(2, n)
			TH_LOG("a burst: more than two segments for one ACK");
		EXPECT_EQ(TCP_CA_Recovery, (int)info.tcpi_ca_state);
		EXPECT_EQ((u32)pipe, info.tcpi_snd_cwnd);
		sent += n;
		if (n != want)
			pipe += n - want;	/* follow what was sent */
	}
	TH_LOG("sent in recovery: %d for %d delivered", sent, prr_delivered);
	/* By the end pipe is at ssthresh (RFC 6937's goal). */
	EXPECT_EQ(ss, pipe);

	/* Everything sent is acknowledged: recovery ends, cwnd = ssthresh. */
	ASSERT_EQ(0, peer_send(c, ACK, high));
	n = count_sent(c, &high);
	peer_env_info(_metadata, e->fd, &info, 0);
	EXPECT_EQ(TCP_CA_Open, (int)info.tcpi_ca_state);
	/* RFC 6937 section 3 ends with cwnd = ssthresh; the kernel's TCP
	 * then lets the congestion control grow it on that same ACK.
	 */
	EXPECT_LE((u32)ss, info.tcpi_snd_cwnd);
	EXPECT_GE((u32)ss + 1, info.tcpi_snd_cwnd);
	EXPECT_EQ((u32)ss, info.tcpi_snd_ssthresh);
}

/*
 * Without SACK (NewReno, RFC 6582) DeliveredData is one segment per
 * duplicate ACK (RFC 6937 section 3). Only the 30 segments of the two
 * flights are written, so nothing new goes before or during the recovery
 * and RecoverFS is the flight (20) for both stacks; the window after each
 * duplicate ACK is pipe + sndcnt with prr_out = 1 (the fast retransmit).
 * Setting cwnd to ssthresh at once leaves it at 14 throughout (17, 17,
 * then 14 with PRR and cubic).
 */
TEST_F(prr, newreno_dupacks)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	int k, n, fs, ss, pipe, want, prr_out = 0, prr_delivered;
	struct tcp_info info;
	u32 high = 0, hole;

	if (!e->ready)
		return;
	grow_to_20(_metadata, e, variant->family, false, 3 * IW, &high);
	fs = 2 * IW;
	hole = seg_start(IW + 1);
	ASSERT_EQ(0, peer_send(c, ACK, hole));
	ASSERT_EQ(0, peer_send(c, ACK, hole));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));
	ASSERT_EQ(0, peer_send(c, ACK, hole));
	ASSERT_EQ(0, peer_expect(c, SEG, hole, hole + MSS));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));
	peer_env_info(_metadata, e->fd, &info, 0);
	ASSERT_EQ(TCP_CA_Recovery, (int)info.tcpi_ca_state);
	ss = (int)info.tcpi_snd_ssthresh;
	TH_LOG("RecoverFS %d, ssthresh %d", fs, ss);
	ASSERT_LT(ss, fs);
	prr_delivered = 1;
	pipe = fs - 3 - 1;
	want = prr_sndcnt(pipe, ss, fs, prr_delivered, &prr_out, 1);
	EXPECT_EQ((u32)(pipe + want), info.tcpi_snd_cwnd);
	prr_out = 1;	/* only the retransmission went */
	pipe++;
	for (k = 4; k < fs; k++) {
		ASSERT_EQ(0, peer_send(c, ACK, hole));
		n = count_sent(c, &high);
		EXPECT_EQ(0, n);
		prr_delivered++;
		pipe--;
		want = prr_sndcnt(pipe, ss, fs, prr_delivered, &prr_out, 1);
		prr_out = 1;
		peer_env_info(_metadata, e->fd, &info, 0);
		TH_LOG("dupack %d: pipe %d, RFC 6937 cwnd %d, cwnd %u",
		       k, pipe, pipe + want, info.tcpi_snd_cwnd);
		EXPECT_EQ(TCP_CA_Recovery, (int)info.tcpi_ca_state);
		EXPECT_EQ((u32)(pipe + want), info.tcpi_snd_cwnd);
	}
	ASSERT_EQ(0, peer_send(c, ACK, high));
	n = count_sent(c, &high);
	peer_env_info(_metadata, e->fd, &info, 0);
	TH_LOG("after the full ACK: ca_state %u, cwnd %u",
	       info.tcpi_ca_state, info.tcpi_snd_cwnd);
	/* RFC 6582 3.2 step 3: a full acknowledgment ends the recovery. The
	 * kernel's TCP holds TCP_CA_Recovery without SACK until something
	 * above the recovery point is acknowledged: checked for ltcp only.
	 */
	if (e->proto) {
		EXPECT_EQ(TCP_CA_Open, (int)info.tcpi_ca_state);
		EXPECT_EQ((u32)ss, info.tcpi_snd_cwnd);
	}
}

TEST_HARNESS_MAIN
