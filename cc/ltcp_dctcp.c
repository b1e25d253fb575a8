// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_dctcp: Data Center TCP (RFC 8257) as a tcp_congestion_ops module.
 *
 * Written from the RFC text. Integer arithmetic only:
 *
 *   DCTCP.Alpha   Q20 fixed point in a u32: 1 << 20 == 1.0. With
 *                 g = 1/2^dctcp_shift_g the EWMA step is a shift; 20
 *                 fractional bits let Alpha fall to 2^-20 before it
 *                 reaches 0 (the decay rounds up, so it does reach 0).
 *   parameters    dctcp_alpha_on_init is in 1/1024 (1024 == 1.0), as the
 *                 kernel's own DCTCP exposes it; it is shifted to Q20.
 *   byte counts   u32, modulo-2^32 sequence differences (see
 *                 ltcp_dctcp_in_ack_event()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "cc_param.h"

#define DCTCP_ALPHA_SHIFT	20
#define DCTCP_PARAM_SHIFT	10	/* dctcp_alpha_on_init: 1024 == 1.0 */
#define DCTCP_SHIFT_G_MAX	16

static unsigned int ltcp_dctcp_shift_g = 4;
static unsigned int ltcp_dctcp_alpha_init = 1U << DCTCP_PARAM_SHIFT;

static struct ltcp_cc_uint_param ltcp_dctcp_shift_g_range = {
	.val = &ltcp_dctcp_shift_g,
	.max = DCTCP_SHIFT_G_MAX,
};
module_param_cb(dctcp_shift_g, &ltcp_cc_uint_ops,
		&ltcp_dctcp_shift_g_range, 0644);
MODULE_PARM_DESC(dctcp_shift_g,
		 "estimation gain g = 1/2^dctcp_shift_g, 0..16 (default 4: g = 1/16)");

static struct ltcp_cc_uint_param ltcp_dctcp_alpha_init_range = {
	.val = &ltcp_dctcp_alpha_init,
	.max = 1U << DCTCP_PARAM_SHIFT,
};
module_param_cb(dctcp_alpha_on_init, &ltcp_cc_uint_ops,
		&ltcp_dctcp_alpha_init_range, 0644);
MODULE_PARM_DESC(dctcp_alpha_on_init,
		 "initial DCTCP.Alpha in 1/1024, 0..1024 (default 1024 = 1.0)");

/* Per-socket state, in icsk_ca_priv. */
struct ltcp_dctcp {
	u32 alpha;		/* DCTCP.Alpha, Q20 */
	u32 window_end;		/* DCTCP.WindowEnd */
	u32 prior_snd_una;	/* SND.UNA before the ACK being processed */
	u32 bytes_acked;	/* DCTCP.BytesAcked */
	u32 bytes_marked;	/* DCTCP.BytesMarked */
	u32 reduction_cwnd;	/* cwnd when the last reduction began */
	u8 ce;			/* DCTCP.CE, receiver side */
};

/*
 * RFC 8257 section 3.3 steps 5 and 6:
 *   M = BytesMarked / BytesAcked
 *   Alpha = Alpha * (1 - g) + g * M,   g = 1 / 2^shift
 * in Q20; marked <= acked, so the result stays within [0, 1.0].
 */
static u32 ltcp_dctcp_alpha_next(u32 alpha, u32 marked, u32 acked,
				 unsigned int shift)
{
	u32 m = 0;

	if (acked)
		m = div_u64((u64)marked << DCTCP_ALPHA_SHIFT, acked);
	/* Alpha * (1 - g), rounding the decrement up so that Alpha decays to 0 */
	alpha -= (alpha + (1U << shift) - 1) >> shift;
	return alpha + (m >> shift);
}

/* RFC 8257 section 3.3: cwnd * (1 - Alpha / 2), kept at 2 segments or more */
static u32 ltcp_dctcp_reduce(u32 cwnd, u32 alpha)
{
	u32 cut = ((u64)cwnd * alpha) >> (DCTCP_ALPHA_SHIFT + 1);

	return max(cwnd - cut, 2U);
}

static void ltcp_dctcp_init(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_dctcp *ca = inet_csk_ca(sk);
	u32 a0 = min(READ_ONCE(ltcp_dctcp_alpha_init), 1U << DCTCP_PARAM_SHIFT);

	BUILD_BUG_ON(sizeof(struct ltcp_dctcp) > ICSK_CA_PRIV_SIZE);

	memset(ca, 0, sizeof(*ca));
	ca->alpha = a0 << (DCTCP_ALPHA_SHIFT - DCTCP_PARAM_SHIFT);
	ca->window_end = tp->snd_nxt;
	ca->prior_snd_una = tp->snd_una;
}

/*
 * RFC 8257 section 3.3, once per ACK. BytesAcked counts SEG.ACK - SND.UNA
 * only (SACKed data is not counted). The window ends when the ACK passes
 * WindowEnd, so one window's bytes are at most the data outstanding at its
 * start plus one more flight; with TCP's 2^30-byte window limit that stays
 * below 2^32.
 */
static void ltcp_dctcp_in_ack_event(struct sock *sk, u32 flags)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_dctcp *ca = inet_csk_ca(sk);
	u32 acked;

	if (!(tp->ecn_flags & TCP_ECN_OK))
		return;

	/* Steps 1 to 3 */
	acked = tp->snd_una - ca->prior_snd_una;
	ca->prior_snd_una = tp->snd_una;
	ca->bytes_acked += acked;
	if (flags & CA_ACK_ECE)
		ca->bytes_marked += acked;

	/* Step 4: not past WindowEnd yet */
	if (!after(tp->snd_una, ca->window_end))
		return;

	/* Steps 5 to 8 */
	ca->alpha = ltcp_dctcp_alpha_next(ca->alpha, ca->bytes_marked,
					  ca->bytes_acked,
					  READ_ONCE(ltcp_dctcp_shift_g));
	ca->window_end = tp->snd_nxt;
	ca->bytes_acked = 0;
	ca->bytes_marked = 0;
}

/*
 * Called by the TCP core at the start of each reduction (ECE, fast
 * retransmit, timeout), at most once per window of data as RFC 3168 asks.
 */
static u32 ltcp_dctcp_ssthresh(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_dctcp *ca = inet_csk_ca(sk);
	u32 cwnd = tcp_snd_cwnd(tp);

	ca->reduction_cwnd = cwnd;
	/* No ECN negotiated: behave as Reno */
	if (!(tp->ecn_flags & TCP_ECN_OK))
		return tcp_reno_ssthresh(sk);
	return ltcp_dctcp_reduce(cwnd, ca->alpha);
}

/*
 * RFC 8257 section 3.5: on loss, change cwnd and ssthresh as conventional
 * TCP would, i.e. halve the window the reduction started from. The core
 * asked ltcp_dctcp_ssthresh() first, which cannot tell loss from ECE, so
 * the Alpha-based value is lowered here; if an ECE reduction was already
 * under way in this window, the total becomes the Reno halving of the
 * window before it, not a second cut.
 */
static void ltcp_dctcp_loss(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_dctcp *ca = inet_csk_ca(sk);
	u32 base = ca->reduction_cwnd ? ca->reduction_cwnd : tcp_snd_cwnd(tp);

	tp->snd_ssthresh = min(tp->snd_ssthresh, max(base >> 1, 2U));
}

static void ltcp_dctcp_set_state(struct sock *sk, u8 new_state)
{
	if (new_state == TCP_CA_Recovery)
		ltcp_dctcp_loss(sk);
}

/*
 * RFC 8257 section 3.2 (receiver): ECE is set on an ACK if and only if
 * DCTCP.CE is true; when a segment's CE codepoint differs from DCTCP.CE,
 * DCTCP.CE follows it and an immediate ACK is sent. The TCP core puts ECE
 * on outgoing segments while TCP_ECN_DEMAND_CWR is set, so that flag is
 * made to track DCTCP.CE, and ICSK_ACK_NOW makes the ACK for this segment
 * leave at once instead of being delayed.
 *
 * Not done: the RFC's optional first ACK, covering only the segments
 * received before the change with the old ECE value. That needs the
 * core's ACK transmit helpers, which ltcp modules do not call; the
 * immediate ACK may therefore cover a delayed segment with the new value.
 */
static void ltcp_dctcp_ce(struct sock *sk, u8 ce)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_dctcp *ca = inet_csk_ca(sk);

	if (ca->ce != ce) {
		ca->ce = ce;
		inet_csk(sk)->icsk_ack.pending |= ICSK_ACK_NOW;
	}
	if (ce)
		tp->ecn_flags |= TCP_ECN_DEMAND_CWR;
	else
		tp->ecn_flags &= (u8)~TCP_ECN_DEMAND_CWR;
}

static void ltcp_dctcp_cwnd_event(struct sock *sk, enum tcp_ca_event ev)
{
	switch (ev) {
	case CA_EVENT_ECN_IS_CE:
		ltcp_dctcp_ce(sk, 1);
		break;
	case CA_EVENT_ECN_NO_CE:
		ltcp_dctcp_ce(sk, 0);
		break;
	case CA_EVENT_LOSS:
		/* Retransmission timeout: RFC 8257 section 3.5, as above */
		ltcp_dctcp_loss(sk);
		break;
	default:
		break;
	}
}

static struct tcp_congestion_ops ltcp_dctcp_ops __read_mostly = {
	.init		= ltcp_dctcp_init,
	.in_ack_event	= ltcp_dctcp_in_ack_event,
	.cwnd_event	= ltcp_dctcp_cwnd_event,
	.ssthresh	= ltcp_dctcp_ssthresh,
	.cong_avoid	= tcp_reno_cong_avoid,	/* RFC 8257 section 3.4 */
	.set_state	= ltcp_dctcp_set_state,
	.undo_cwnd	= tcp_reno_undo_cwnd,
	.flags		= TCP_CONG_NEEDS_ECN,
	.owner		= THIS_MODULE,
	.name		= "ltcp_dctcp",
};

/* Load-time check of the Alpha arithmetic against precomputed values. */
struct ltcp_dctcp_ewma_case {
	u32 alpha;
	u32 marked;
	u32 acked;
	u32 next;
};

struct ltcp_dctcp_cut_case {
	u32 cwnd;
	u32 alpha;
	u32 next;
};

static int __init ltcp_dctcp_selftest(void)
{
	/* g = 1/16; each row: alpha in, marked, acked, alpha out (Q20) */
	static const struct ltcp_dctcp_ewma_case ewma_vec[] __initconst = {
		{ 1048576, 0, 14600, 983040 },	/* 1.0 decays by 1/16 */
		{ 983040, 0, 14600, 921600 },
		{ 921600, 0, 14600, 864000 },
		{ 864000, 5, 10, 842768 },	/* M = 1/2 */
		{ 0, 1448, 1448, 65536 },	/* M = 1 from 0: g */
		{ 15, 0, 1000, 14 },		/* the decrement rounds up */
		{ 1, 0, 1000, 0 },		/* so Alpha reaches 0 */
		{ 4096, 0, 0, 3840 },		/* nothing acked: M = 0 */
	};
	/* cwnd, alpha (Q20), reduced cwnd */
	static const struct ltcp_dctcp_cut_case cut_vec[] __initconst = {
		{ 100, 1048576, 50 }, { 100, 524288, 75 }, { 100, 0, 100 },
		{ 3, 1048576, 2 }, { 2, 1048576, 2 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ewma_vec); i++) {
		if (ltcp_dctcp_alpha_next(ewma_vec[i].alpha, ewma_vec[i].marked,
					  ewma_vec[i].acked, 4) !=
		    ewma_vec[i].next) {
			pr_err("self-test: alpha step %u failed\n", i);
			return -EINVAL;
		}
	}
	for (i = 0; i < ARRAY_SIZE(cut_vec); i++) {
		if (ltcp_dctcp_reduce(cut_vec[i].cwnd, cut_vec[i].alpha) !=
		    cut_vec[i].next) {
			pr_err("self-test: reduction %u failed\n", i);
			return -EINVAL;
		}
	}
	pr_debug("self-tests: pass\n");
	return 0;
}

static int __init ltcp_dctcp_module_init(void)
{
	int ret;

	ret = ltcp_dctcp_selftest();
	if (ret)
		return ret;
	return tcp_register_congestion_control(&ltcp_dctcp_ops);
}

static void __exit ltcp_dctcp_module_exit(void)
{
	tcp_unregister_congestion_control(&ltcp_dctcp_ops);
}

module_init(ltcp_dctcp_module_init);
module_exit(ltcp_dctcp_module_exit);

MODULE_AUTHOR("ltcp developers");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ltcp DCTCP congestion control (RFC 8257)");
MODULE_ALIAS("tcp_ltcp_dctcp");
