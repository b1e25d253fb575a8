// SPDX-License-Identifier: GPL-2.0
/*
 * peer_bbr: ltcp_bbr (draft-ietf-ccwg-bbr-06) on the wire, on the kernel's
 * TCP and on ltcp: the module is the same, so both stacks must send the
 * same segments.
 *
 * The stack under test accepts a connection from the scripted peer (MSS
 * 1000, sackOK, no timestamps, a 128000-byte window), switches to
 * ltcp_bbr and has 60 segments to send; loss recovery is RFC 6675's alone
 * (no RACK, TLP or F-RTO), so that three SACKed segments start it.
 *
 * The first flight (IW10) loses its first segment: the peer SACKs
 * segments 2..4, which starts fast recovery in Startup. What cwnd does
 * then is up to the module's parameters packet_conservation,
 * conservation_high_loss, loss_thresh and startup_loss_cnt
 * (Documentation/cc.rst, "Deviations from the draft"); each test sets
 * them and puts them back:
 *
 * startup_recovery_grows	packet_conservation=N, -06: the draft has no
 *			cwnd rule of its own for fast recovery (5.6.4.4:
 *			the model's response of 5.5.10 only), so Startup's
 *			cwnd grows by what the ACK delivered, 10 + 3 = 13
 *			(5.6.4.6, InitialCwnd not yet delivered): the stack
 *			resends segment 1 and sends six new ones (13 - 6 in
 *			flight - the resend).
 * startup_recovery_conserves	packet_conservation=Y with
 *			conservation_high_loss=N: cwnd = inflight +
 *			delivered = 6 + 3 = 9 at recovery's first ACK, the
 *			resend and two new segments.
 * startup_recovery_one_event_grows	the defaults (conservation_high_loss
 *			=Y): conservation waits for Startup's loss
 *			criterion, startup_loss_cnt (6) loss events above
 *			loss_thresh (2%); one event: cwnd grows as in -06,
 *			to 13. Under random loss, with a recovery nearly
 *			every round, conservation would hold cwnd still
 *			(cc-eval scenario 4a: Documentation/cc.rst).
 * startup_recovery_high_loss_conserves	startup_loss_cnt=1: 1 lost of 10
 *			in flight is above 2%, cwnd 9.
 * startup_recovery_low_loss_grows	startup_loss_cnt=1, loss_thresh=20: 1
 *			lost of 10 is below it, cwnd 13.
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
#define NSEG		60
#define IW		10
#define QUIET_MS	30	/* what the stack sends for an ACK comes sooner */

#define SEG		"[P]. %u:%u(1000) ack 1"

static u32 seg_start(int i)
{
	return 1 + (i - 1) * MSS;
}

FIXTURE(bbr) {
	struct peer_env e;
};

FIXTURE_VARIANT(bbr) {
	int family;
};

FIXTURE_VARIANT_ADD(bbr, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(bbr, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(bbr)
{
	peer_env_setup_rfc6675(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(bbr)
{
	peer_env_teardown(&self->e);
}

/* The module parameters a case sets, in this order */
static const char *const param_names[] = {
	"packet_conservation", "conservation_high_loss", "loss_thresh",
	"startup_loss_cnt",
};

#define NPARAMS	ARRAY_SIZE(param_names)

struct bbr_params {
	char v[NPARAMS][16];
};

static FILE *param_open(int i, const char *mode)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/ltcp_bbr/parameters/%s",
		 param_names[i]);
	return fopen(path, mode);
}

/* The module's parameters into @p; -1 if it is not loaded. */
static int get_params(struct bbr_params *p)
{
	unsigned int i;

	for (i = 0; i < NPARAMS; i++) {
		FILE *f = param_open(i, "r");
		int ok;

		if (!f)
			return -1;
		ok = fscanf(f, "%15s", p->v[i]) == 1;
		fclose(f);
		if (!ok)
			return -1;
	}
	return 0;
}

static int set_params(const struct bbr_params *p)
{
	unsigned int i;

	for (i = 0; i < NPARAMS; i++) {
		FILE *f = param_open(i, "w");
		int err;

		if (!f)
			return -1;
		err = fprintf(f, "%s\n", p->v[i]) < 0;
		if (fclose(f) || err)
			return -1;
	}
	return 0;
}

/*
 * Fast recovery in Startup after IW10 lost its first segment: @resent,
 * @fresh the segments the stack sends for the SACK of 2..4, *@info after.
 */
static void startup_recovery(struct __test_metadata *_metadata,
			     struct peer_env *e, int family, int *resent,
			     int *fresh, struct tcp_info *info)
{
	struct peer_conn *c = &e->c;
	int sndbuf = 1 << 20, i, r;
	static char buf[NSEG * MSS];

	*resent = 0;
	*fresh = 0;
	peer_env_passive_open(_metadata, e, family, MSS, PEER_ENV_SYN_SACK,
			      PEER_ENV_SYNACK_SACK, 0, PEER_ENV_HS_ACK);
	ASSERT_EQ(0, setsockopt(e->fd, IPPROTO_TCP, TCP_CONGESTION,
				"ltcp_bbr", 8));
	ASSERT_EQ(0, setsockopt(e->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				sizeof(sndbuf)));
	memset(buf, 'b', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf),
		  send(e->fd, buf, sizeof(buf), MSG_DONTWAIT));
	for (i = 1; i <= IW; i++)
		ASSERT_EQ(0, peer_expect(c, SEG, seg_start(i),
					 seg_start(i) + MSS));
	ASSERT_EQ(0, peer_expect_none(c, QUIET_MS));

	/* Segment 1 lost: 2..4 SACKed, three duplicate ACKs' worth. */
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1 win 1000 <nop,nop,sack %u:%u>",
			       seg_start(2), seg_start(5)));
	while ((r = peer_recv(c, QUIET_MS)) > 0) {
		if (!c->last_seg.len)
			continue;
		if (c->last_seg.seq == seg_start(1))
			(*resent)++;
		else if (c->last_seg.seq >= seg_start(IW + 1))
			(*fresh)++;
	}
	ASSERT_LE(0, r);
	peer_env_info(_metadata, e->fd, info, 0);
	TH_LOG("after the SACK: resent %d, new %d, cwnd %u, state %u",
	       *resent, *fresh, info->tcpi_snd_cwnd, info->tcpi_ca_state);
}

/*
 * Loads ltcp_bbr as TCP_CONGESTION does for CAP_NET_ADMIN (its
 * tcp_ltcp_bbr alias), if it is not loaded yet.
 */
static void load_bbr(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return;
	setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "ltcp_bbr", 8);
	close(fd);
}

/*
 * The case with the module parameters @set (put back after): recovery, one
 * resend, cwnd @want_cwnd and what it leaves for new segments: in flight
 * were IW - 3 SACKed - 1 lost, then the resend.
 */
static void run_case(struct __test_metadata *_metadata, struct peer_env *e,
		     int family, const struct bbr_params *set, u32 want_cwnd)
{
	struct bbr_params was;
	int resent = -1, fresh = -1;
	struct tcp_info info = {};

	if (get_params(&was)) {
		load_bbr();
		if (get_params(&was))
			SKIP(return, "no ltcp_bbr (%s)", strerror(errno));
	}
	ASSERT_EQ(0, set_params(set));
	startup_recovery(_metadata, e, family, &resent, &fresh, &info);
	ASSERT_EQ(0, set_params(&was));
	EXPECT_EQ(TCP_CA_Recovery, info.tcpi_ca_state);
	EXPECT_EQ(1, resent);
	EXPECT_EQ(want_cwnd, info.tcpi_snd_cwnd);
	EXPECT_EQ((int)want_cwnd - (IW - 4) - 1, fresh);
}

/* -06: cwnd + delivered */
TEST_F(bbr, startup_recovery_grows)
{
	static const struct bbr_params p = { { "N", "Y", "2", "6" } };

	if (self->e.ready)
		run_case(_metadata, &self->e, variant->family, &p, IW + 3);
}

/* conservation for any loss: inflight + delivered */
TEST_F(bbr, startup_recovery_conserves)
{
	static const struct bbr_params p = { { "Y", "N", "2", "6" } };

	if (self->e.ready)
		run_case(_metadata, &self->e, variant->family, &p, IW - 4 + 3);
}

/* the defaults: one loss event, Startup's criterion wants six */
TEST_F(bbr, startup_recovery_one_event_grows)
{
	static const struct bbr_params p = { { "Y", "Y", "2", "6" } };

	if (self->e.ready)
		run_case(_metadata, &self->e, variant->family, &p, IW + 3);
}

/* one event is enough, and 1 lost of 10 is above 2% */
TEST_F(bbr, startup_recovery_high_loss_conserves)
{
	static const struct bbr_params p = { { "Y", "Y", "2", "1" } };

	if (self->e.ready)
		run_case(_metadata, &self->e, variant->family, &p, IW - 4 + 3);
}

/* one event is enough, but 1 lost of 10 is below 20% */
TEST_F(bbr, startup_recovery_low_loss_grows)
{
	static const struct bbr_params p = { { "Y", "Y", "20", "1" } };

	if (self->e.ready)
		run_case(_metadata, &self->e, variant->family, &p, IW + 3);
}

TEST_HARNESS_MAIN
