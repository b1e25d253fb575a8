// SPDX-License-Identifier: GPL-2.0
/*
 * peer_sack_sender: SACK as a sender, on the wire (RFC 2018, RFC 6675).
 *
 * The stack under test accepts a connection from the scripted peer (MSS
 * 1000, sackOK, no timestamps, a 128000-byte window) and writes ten
 * segments, 1:1001 to 9001:10001. The peer drops some of them, SACKs the
 * others and checks which segments come again and when:
 *
 * single_loss		one hole: resent once, only after the SACKs show
 *			DupThresh (3) segments above it (IsLost), never before
 * two_holes		two holes: both resent before any cumulative ACK
 *			for the first, as each becomes IsLost (NewReno would
 *			resend the second a round trip later); TCP_INFO's
 *			tcpi_sacked, tcpi_lost, tcpi_retrans at that point
 * rto_keeps_sacks	a timeout with a hole: after it, only unSACKed
 *			segments are resent (RFC 6675 section 5.1)
 * invalid_blocks	blocks beyond SND.NXT, below SND.UNA, reversed and
 *			a D-SACK change nothing; a valid block then counts
 *			exactly (tcpi_sacked)
 *
 * LTCP_PEER_PROTO as in peer_kernel_tcp: unset for the kernel's TCP (the
 * reference, with net.ipv4.tcp_recovery=0, tcp_early_retrans=0 and
 * tcp_frto=0 in the test's namespace so that it runs RFC 6675's
 * duplicate-ACK-threshold recovery without RACK, TLP or F-RTO, as ltcp
 * does), "ltcp" for ltcp.
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

#define LOCAL_PORT	PEER_ENV_LOCAL_PORT
#define MSS		1000
#define NSEG		10
#define QUIET_MS	30	/* long enough to see a wrong resend */

/* Segment @i (1-based) of the stack's data, as expected on the wire. */
#define SEG		"[P]. %u:%u(1000) ack 1"
/* The peer's ACKs: the window stays 1000 << 7 so that they are duplicates. */
#define ACK		". 1:1(0) ack %u win 1000"
#define ACK_SACK	". 1:1(0) ack %u win 1000 <nop,nop,sack %s>"

static u32 seg_start(int i)
{
	return 1 + (i - 1) * MSS;
}

FIXTURE(snd) {
	struct peer_env e;
};

FIXTURE_VARIANT(snd) {
	int family;
};

FIXTURE_VARIANT_ADD(snd, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(snd, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(snd)
{
	peer_env_setup_rfc6675(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(snd)
{
	peer_env_teardown(&self->e);
}

/*
 * Listen, let the peer open a connection (MSS 1000, sackOK, no
 * timestamps), accept it, write NSEG segments and read them all.
 */
static void send_flight(struct __test_metadata *_metadata, struct peer_env *e,
			int family)
{
	char buf[NSEG * MSS];
	int i;

	peer_env_passive_open(_metadata, e, family, MSS, PEER_ENV_SYN_SACK,
			      PEER_ENV_SYNACK_SACK, 0, PEER_ENV_HS_ACK);
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(e->fd, buf, sizeof(buf), 0));
	for (i = 1; i <= NSEG; i++)
		ASSERT_EQ(0, peer_expect(&e->c, SEG, seg_start(i),
					 seg_start(i) + MSS));
}

/*
 * Segment 3 (2001:3001) is lost. RFC 6675 section 5: two duplicate ACKs
 * SACKing 4 and 4-5 leave it alone (IsLost needs DupThresh = 3 SACKed
 * segments above it); the third, SACKing 4-6, resends it at once, and
 * nothing else goes: the SACKed segments are not resent.
 */
TEST_F(snd, single_loss)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, ACK, 2001));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "3001:4001"));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "3001:5001"));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS))
		TH_LOG("resent before DupThresh segments were SACKed");
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(2U, info.tcpi_sacked);
	EXPECT_EQ(0U, info.tcpi_lost);
	EXPECT_EQ(0U, info.tcpi_total_retrans);
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "3001:6001"));
	ASSERT_EQ(0, peer_expect(c, SEG, 2001, 3001));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS))
		TH_LOG("more than the hole was resent");
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(3U, info.tcpi_sacked);
	EXPECT_EQ(1U, info.tcpi_lost);
	EXPECT_EQ(1U, info.tcpi_retrans);
	EXPECT_EQ(1U, info.tcpi_total_retrans);
	EXPECT_EQ(TCP_CA_Recovery, (int)info.tcpi_ca_state);
	ASSERT_EQ(0, peer_send(c, ACK, 10001));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(0U, info.tcpi_sacked);
	EXPECT_EQ(0U, info.tcpi_lost);
	EXPECT_EQ(0U, info.tcpi_retrans);
	EXPECT_EQ(0U, info.tcpi_unacked);
	EXPECT_EQ(TCP_CA_Open, (int)info.tcpi_ca_state);
	EXPECT_EQ(1U, info.tcpi_total_retrans);
}

/*
 * Segments 3 (2001:3001) and 6 (5001:6001) are lost. The first is resent
 * when 4 segments above it are SACKed, the second as soon as 3 above it
 * are, in the same round trip: no cumulative ACK came in between
 * (NewReno would wait for the partial ACK of the first resend).
 */
TEST_F(snd, two_holes)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, ACK, 2001));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "3001:5001"));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "6001:8001 3001:5001"));
	ASSERT_EQ(0, peer_expect(c, SEG, 2001, 3001));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS))
		TH_LOG("the second hole has only 2 SACKed segments above it");
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "6001:9001 3001:5001"));
	ASSERT_EQ(0, peer_expect(c, SEG, 5001, 6001));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(5U, info.tcpi_sacked);
	EXPECT_EQ(2U, info.tcpi_lost);
	EXPECT_EQ(2U, info.tcpi_retrans);
	EXPECT_EQ(8U, info.tcpi_unacked);
	/* The resends arrive: everything but segment 10. */
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 5001, "6001:9001"));
	ASSERT_EQ(0, peer_send(c, ACK, 9001));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(0U, info.tcpi_sacked);
	EXPECT_EQ(0U, info.tcpi_lost);
	EXPECT_EQ(0U, info.tcpi_retrans);
	EXPECT_EQ(1U, info.tcpi_unacked);
	EXPECT_EQ(2U, info.tcpi_total_retrans);
	ASSERT_EQ(0, peer_send(c, ACK, 10001));
}

/*
 * Segments 3 and 4 (2001:4001) are lost, 5 and 6 SACKed: too few for
 * IsLost, so the retransmission timer fires and resends segment 3. Its
 * ACK opens the window to two: segment 4 and then segment 7 go, not the
 * SACKed 5 (RFC 6675 section 5.1: the SACK information survives the
 * timeout).
 */
TEST_F(snd, rto_keeps_sacks)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, ACK, 2001));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "4001:6001"));
	ASSERT_EQ(0, peer_expect(c, SEG, 2001, 3001));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(TCP_CA_Loss, (int)info.tcpi_ca_state);
	EXPECT_EQ(2U, info.tcpi_sacked);
	EXPECT_EQ(6U, info.tcpi_lost);
	EXPECT_EQ(1U, info.tcpi_retrans);
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 3001, "4001:6001"));
	ASSERT_EQ(0, peer_expect(c, SEG, 3001, 4001));
	ASSERT_EQ(0, peer_expect(c, SEG, 6001, 7001))
		TH_LOG("a SACKed segment was resent after the timeout");
	ASSERT_EQ(0, peer_send(c, ACK, 10001));
}

/*
 * A receiver may discard data it SACKed (RFC 2018 section 8, "reneging"):
 * 4 and 5 are SACKed, then the cumulative ACK stops at 4 and the blocks
 * are gone. SACKed data at SND.UNA shows it: at the timeout the sender
 * forgets the SACKs and resends from SND.UNA, SACKed or not. (Keeping
 * them stalled an ltcp<->ltcp transfer for good: every outstanding
 * segment SACKed, none resent, the receiver waiting for the first.)
 */
TEST_F(snd, reneging)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "3001:5001"));
	ASSERT_EQ(0, peer_send(c, ACK, 3001));
	ASSERT_EQ(0, peer_expect(c, SEG, 3001, 4001))
		TH_LOG("the SACKed segment at SND.UNA was not resent");
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(0U, info.tcpi_sacked);
	ASSERT_EQ(0, peer_send(c, ACK, 4001));
	ASSERT_EQ(0, peer_expect(c, SEG, 4001, 5001));
	ASSERT_EQ(0, peer_send(c, ACK, 10001));
}

/*
 * Blocks that cannot be true change nothing (RFC 2018 section 3, RFC 5961's
 * spirit): beyond SND.NXT (wholly or by one byte), reversed, empty, below
 * SND.UNA as a second block. Each ACK advances SND.UNA so that none is a
 * duplicate ACK. A D-SACK (first block below the cumulative ACK, RFC
 * 2883 section 4) SACKs nothing either. Then valid blocks SACK exactly
 * what they cover, once.
 */
TEST_F(snd, invalid_blocks)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct tcp_info info;

	if (!e->ready)
		return;
	send_flight(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 1001, "11001:12001"));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 2001, "9001:10002"));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 3001, "6001:4001"));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 4001, "5001:5001"));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 5001, "1001:2001"));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 6001, "9001:10001 1:1001"));
	peer_env_info(_metadata, e->fd, &info, 20000);
	/* The last one SACKed 10 (its first block is valid), not 1 below. */
	EXPECT_EQ(1U, info.tcpi_sacked);
	EXPECT_EQ(0U, info.tcpi_lost);
	EXPECT_EQ(0U, info.tcpi_total_retrans);
	EXPECT_EQ(4U, info.tcpi_unacked);
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));
	/* Two duplicate ACKs, one segment SACKed twice: two SACKed. */
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 6001, "7001:8001 9001:10001"));
	ASSERT_EQ(0, peer_send(c, ACK_SACK, 6001, "7001:8001 9001:10001"));
	peer_env_info(_metadata, e->fd, &info, 20000);
	EXPECT_EQ(2U, info.tcpi_sacked);
	EXPECT_EQ(0U, info.tcpi_lost);
	EXPECT_EQ(0U, info.tcpi_total_retrans);
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));
	ASSERT_EQ(0, peer_send(c, ACK, 10001));
}

TEST_HARNESS_MAIN
