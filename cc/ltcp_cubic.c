// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_cubic: CUBIC congestion control (RFC 9438) with HyStart++ slow
 * start (RFC 9406), as a tcp_congestion_ops module.
 *
 * Written from the RFC text. Integer arithmetic only; the fixed-point
 * formats are:
 *
 *   time stamps   microseconds (tp->tcp_mstamp, tcp_clock_us())
 *   t, K          "ticks" of 2^-10 s (CUBIC_TICK_SHIFT); K is signed
 *   W_cubic, target
 *                 segments in Q10 (CUBIC_WND_SHIFT): 1024 == one segment
 *   W_max, W_est, cwnd_prior
 *                 whole segments, like snd_cwnd
 *   beta_cubic    per 1024 (module parameter "beta", 717 ~= 0.7)
 *   alpha_cubic   per 1024, derived from beta
 *   C             exactly 2/5, applied as a rational number
 *
 * Equation 1 then reads, with d = t - K in ticks:
 *
 *   C * (d / 2^10)^3 segments == 2 * d^3 / (5 * 2^30) segments
 *                             == (d^3 / 5) >> 19   in Q10 segments
 *
 * and Equation 2, K = cbrt((W_max - cwnd_epoch) / C) seconds, becomes
 *
 *   K ticks == cbrt((W_max - cwnd_epoch) * 5 * 2^29).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <net/tcp.h>

#include "cc_param.h"

#define CUBIC_SCALE		1024U	/* scale of beta and alpha_cubic */
#define CUBIC_SCALE_SHIFT	10
#define CUBIC_TICK_SHIFT	10	/* 1024 ticks per second */
#define CUBIC_WND_SHIFT		10	/* W_cubic in 1/1024 segment */
/*
 * Bounds that keep d^3 within 64 bits: |t - K| is capped at 2^21 ticks
 * (2048 s, so d^3 <= 2^63) and t at 2^23 ticks. By then W_cubic has grown
 * by more than 3 * 10^9 segments, far past any usable cwnd, so the caps
 * never change a result that matters.
 */
#define CUBIC_D_MAX		BIT_ULL(21)
#define CUBIC_T_MAX_US		(8192ULL * USEC_PER_SEC)

/* RFC 9406 section 4.3: L for a sender that does not pace */
#define HS_L_UNPACED		8U
#define HS_RTT_INF		U32_MAX

enum {
	HS_SS,		/* standard slow start, HyStart++ watching RTT */
	HS_CSS,		/* Conservative Slow Start */
	HS_DONE,	/* HyStart++ off, or the initial slow start is over */
};

/* Module parameters; checked by ltcp_cc_param_set() on every write. */
static unsigned int cubic_beta = 717;
static bool cubic_fast_convergence = true;
static bool cubic_reno_friendly = true;
static bool cubic_hystart = true;
static unsigned int hs_min_rtt_thresh_us = 4000;
static unsigned int hs_max_rtt_thresh_us = 16000;
static unsigned int hs_min_rtt_divisor = 8;
static unsigned int hs_n_rtt_sample = 8;
static unsigned int hs_css_growth_divisor = 4;
static unsigned int hs_css_rounds = 5;

static struct ltcp_cc_uint_param cubic_beta_range = {
	.val = &cubic_beta, .min = 1, .max = CUBIC_SCALE - 1,
};
module_param_cb(beta, &ltcp_cc_uint_ops, &cubic_beta_range, 0644);
MODULE_PARM_DESC(beta, "multiplicative decrease beta_cubic per 1024, 1..1023 (default 717 ~= 0.7)");

static struct ltcp_cc_uint_param hs_min_rtt_thresh_us_range = {
	.val = &hs_min_rtt_thresh_us, .min = 1, .max = USEC_PER_SEC,
};
module_param_cb(min_rtt_thresh_us, &ltcp_cc_uint_ops, &hs_min_rtt_thresh_us_range, 0644);
MODULE_PARM_DESC(min_rtt_thresh_us, "HyStart++ MIN_RTT_THRESH in us, 1..1000000 (default 4000)");

static struct ltcp_cc_uint_param hs_max_rtt_thresh_us_range = {
	.val = &hs_max_rtt_thresh_us, .min = 1, .max = USEC_PER_SEC,
};
module_param_cb(max_rtt_thresh_us, &ltcp_cc_uint_ops, &hs_max_rtt_thresh_us_range, 0644);
MODULE_PARM_DESC(max_rtt_thresh_us, "HyStart++ MAX_RTT_THRESH in us, 1..1000000 (default 16000)");

static struct ltcp_cc_uint_param hs_min_rtt_divisor_range = {
	.val = &hs_min_rtt_divisor, .min = 1, .max = 1024,
};
module_param_cb(min_rtt_divisor, &ltcp_cc_uint_ops, &hs_min_rtt_divisor_range, 0644);
MODULE_PARM_DESC(min_rtt_divisor, "HyStart++ MIN_RTT_DIVISOR, 1..1024 (default 8)");

static struct ltcp_cc_uint_param hs_n_rtt_sample_range = {
	.val = &hs_n_rtt_sample, .min = 1, .max = 1024,
};
module_param_cb(n_rtt_sample, &ltcp_cc_uint_ops, &hs_n_rtt_sample_range, 0644);
MODULE_PARM_DESC(n_rtt_sample, "HyStart++ N_RTT_SAMPLE, 1..1024 (default 8)");

static struct ltcp_cc_uint_param hs_css_growth_divisor_range = {
	.val = &hs_css_growth_divisor, .min = 2, .max = 1024,
};
module_param_cb(css_growth_divisor, &ltcp_cc_uint_ops, &hs_css_growth_divisor_range, 0644);
MODULE_PARM_DESC(css_growth_divisor, "HyStart++ CSS_GROWTH_DIVISOR, 2..1024 (default 4)");

static struct ltcp_cc_uint_param hs_css_rounds_range = {
	.val = &hs_css_rounds, .min = 1, .max = 255,
};
module_param_cb(css_rounds, &ltcp_cc_uint_ops, &hs_css_rounds_range, 0644);
MODULE_PARM_DESC(css_rounds, "HyStart++ CSS_ROUNDS, 1..255 (default 5)");

module_param_named(fast_convergence, cubic_fast_convergence, bool, 0644);
MODULE_PARM_DESC(fast_convergence, "RFC 9438 fast convergence (default on)");
module_param_named(reno_friendly, cubic_reno_friendly, bool, 0644);
MODULE_PARM_DESC(reno_friendly, "RFC 9438 Reno-friendly region (default on)");
module_param_named(hystart, cubic_hystart, bool, 0644);
MODULE_PARM_DESC(hystart, "HyStart++ (RFC 9406) for the initial slow start (default on)");

/* Per-socket state, in icsk_ca_priv. */
struct ltcp_cubic {
	u64 t_epoch;		/* us; start of this CA stage, 0: none */
	u64 t_last;		/* us; time accounted into t so far */
	u64 undo_t_epoch;
	u64 est_acc;		/* W_est growth not yet whole, per 1024 */
	u32 w_max;		/* segments; 0: undefined */
	u32 undo_w_max;
	s32 k;			/* ticks */
	s32 undo_k;
	u32 w_est;		/* segments */
	u32 undo_w_est;
	u32 cwnd_prior;		/* segments */
	u32 undo_cwnd_prior;
	/* HyStart++ (RFC 9406 section 4.2), RTTs in us */
	u32 window_end;
	u32 last_round_min_rtt;
	u32 cur_round_min_rtt;
	u32 css_baseline_min_rtt;
	u32 css_acc;		/* acked segments not yet applied in CSS */
	u16 rtt_samples;
	u8 css_rounds_done;
	u8 hs_state;
	u8 undo_hs_state;	/* before the last reduction */
};

/*
 * Integer cube root, floor(cbrt(x)) for any u64, computed bit by bit from
 * the top (three bits of x per bit of the root).
 */
static u32 ltcp_cubic_cbrt(u64 x)
{
	u64 y = 0;
	int s;

	for (s = 63; s >= 0; s -= 3) {
		u64 b;

		y <<= 1;
		b = 3 * y * (y + 1) + 1;
		if ((x >> s) >= b) {
			x -= b << s;
			y++;
		}
	}
	return y;
}

/* RFC 9438 section 4.2, Equation 2: K in ticks, negative if W_max < cwnd. */
static s32 ltcp_cubic_k(u32 w_max, u32 cwnd_epoch)
{
	/* (W_max - cwnd_epoch) / C * 2^30 == diff * 5 * 2^29 < 2^64 for u32 */
	if (w_max >= cwnd_epoch)
		return ltcp_cubic_cbrt(((u64)(w_max - cwnd_epoch) * 5) << 29);
	return -(s32)ltcp_cubic_cbrt(((u64)(cwnd_epoch - w_max) * 5) << 29);
}

/* RFC 9438 section 4.2, Equation 1: W_cubic(t) in Q10 segments, t in ticks. */
static u64 ltcp_cubic_w(s32 k, u32 w_max, s64 t)
{
	s64 d = t - k;
	u64 ad = min_t(u64, d < 0 ? -d : d, CUBIC_D_MAX);
	u64 off = div_u64(ad * ad * ad, 5) >> 19;
	u64 w = (u64)w_max << CUBIC_WND_SHIFT;

	if (d >= 0)
		return w + off;
	return w > off ? w - off : 0;
}

/* microseconds to ticks of 2^-10 s, after capping */
static u64 ltcp_cubic_ticks(u64 us)
{
	return div_u64(min(us, CUBIC_T_MAX_US) << CUBIC_TICK_SHIFT,
		       USEC_PER_SEC);
}

static void ltcp_cubic_hs_reset(struct ltcp_cubic *ca, const struct tcp_sock *tp)
{
	ca->window_end = tp->snd_nxt;
	ca->last_round_min_rtt = HS_RTT_INF;
	ca->cur_round_min_rtt = HS_RTT_INF;
	ca->css_baseline_min_rtt = HS_RTT_INF;
	ca->rtt_samples = 0;
	ca->css_rounds_done = 0;
	ca->css_acc = 0;
}

static void ltcp_cubic_init(struct sock *sk)
{
	struct ltcp_cubic *ca = inet_csk_ca(sk);

	BUILD_BUG_ON(sizeof(struct ltcp_cubic) > ICSK_CA_PRIV_SIZE);

	memset(ca, 0, sizeof(*ca));
	ltcp_cubic_hs_reset(ca, tcp_sk(sk));
	ca->hs_state = READ_ONCE(cubic_hystart) ? HS_SS : HS_DONE;
	ca->undo_hs_state = ca->hs_state;
}

/*
 * Start a congestion avoidance stage (RFC 9438 section 4.2). When W_max is
 * undefined, after a timeout (section 4.8) or after HyStart++ left slow
 * start without a loss (section 4.10), W_max is this stage's starting cwnd
 * and K is 0. W_est starts at cwnd_epoch (sections 4.3 and 4.8).
 */
static void ltcp_cubic_epoch_start(struct ltcp_cubic *ca, u32 cwnd, u64 now)
{
	ca->t_epoch = now ? now : 1;
	ca->t_last = now;
	ca->w_est = cwnd;
	ca->est_acc = 0;
	if (!ca->w_max) {
		ca->w_max = cwnd;
		ca->k = 0;
	} else {
		ca->k = ltcp_cubic_k(ca->w_max, cwnd);
	}
}

/*
 * RFC 9438 section 4.3, Equation 4: W_est += alpha_cubic * acked / cwnd,
 * with alpha_cubic = 3 * (1 - beta) / (1 + beta) until W_est reaches
 * cwnd_prior, then 1. est_acc holds alpha * acked (per 1024) that has not
 * yet made a whole segment of W_est.
 */
static void ltcp_cubic_update_w_est(struct ltcp_cubic *ca, u32 cwnd, u32 acked)
{
	u32 beta = READ_ONCE(cubic_beta);
	u64 alpha, one, inc;

	if (ca->w_est >= ca->cwnd_prior)
		alpha = CUBIC_SCALE;
	else
		alpha = 3 * (CUBIC_SCALE - beta) * CUBIC_SCALE /
			(CUBIC_SCALE + beta);

	one = (u64)cwnd << CUBIC_SCALE_SHIFT;
	ca->est_acc += alpha * acked;
	if (ca->est_acc < one)
		return;
	inc = div64_u64(ca->est_acc, one);
	ca->est_acc -= inc * one;
	/* INT_MAX: tcp_snd_cwnd_set() refuses anything above */
	ca->w_est = min_t(u64, (u64)ca->w_est + inc, INT_MAX);
}

/* Congestion avoidance: RFC 9438 sections 4.2 to 4.5. */
static void ltcp_cubic_avoid(struct sock *sk, u32 acked, u64 now)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_cubic *ca = inet_csk_ca(sk);
	u32 cwnd = tcp_snd_cwnd(tp);
	u64 t, w_now, w_rtt, cwnd_q, target, cnt;

	if (!ca->t_epoch)
		ltcp_cubic_epoch_start(ca, cwnd, now);

	/* t = t_current - t_epoch (app-limited time already removed) */
	t = now > ca->t_epoch ? now - ca->t_epoch : 0;

	/* Section 4.3: the Reno-friendly region, where W_cubic(t) < W_est */
	ltcp_cubic_update_w_est(ca, cwnd, acked);
	if (READ_ONCE(cubic_reno_friendly)) {
		w_now = ltcp_cubic_w(ca->k, ca->w_max, ltcp_cubic_ticks(t));
		if (w_now < ((u64)ca->w_est << CUBIC_WND_SHIFT)) {
			/* cwnd "SHOULD be set to W_est"; never lowered here */
			if (ca->w_est > cwnd)
				tcp_snd_cwnd_set(tp, min(ca->w_est,
							 tp->snd_cwnd_clamp));
			return;
		}
	}

	/*
	 * Sections 4.2, 4.4, 4.5: target = W_cubic(t + RTT) with the smoothed
	 * RTT, bounded to [cwnd, 1.5 * cwnd]; cwnd grows by
	 * (target - cwnd) / cwnd per acked segment, i.e. by one segment for
	 * every cwnd / (target - cwnd) segments acked.
	 */
	w_rtt = ltcp_cubic_w(ca->k, ca->w_max,
			     ltcp_cubic_ticks(t + (tp->srtt_us >> 3)));
	cwnd_q = (u64)cwnd << CUBIC_WND_SHIFT;
	if (w_rtt <= cwnd_q)
		return;
	target = min(w_rtt, cwnd_q + (cwnd_q >> 1));
	cnt = div64_u64(cwnd_q, target - cwnd_q);
	tcp_cong_avoid_ai(tp, min_t(u64, cnt, U32_MAX), acked);
}

/*
 * Slow start (RFC 9438 section 4.10) with HyStart++ (RFC 9406 section
 * 4.2) while the initial slow start lasts. Returns the acked count left
 * for congestion avoidance.
 */
static u32 ltcp_cubic_slow_start(struct sock *sk, u32 acked)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_cubic *ca = inet_csk_ca(sk);
	u32 div, inc;

	if (ca->hs_state == HS_DONE || !tcp_in_initial_slowstart(tp))
		return tcp_slow_start(tp, acked);

	/* cwnd grows by at most L segments per ACK; L is infinite if paced */
	if (READ_ONCE(sk->sk_pacing_status) == SK_PACING_NONE)
		acked = min(acked, HS_L_UNPACED);

	if (ca->hs_state == HS_SS)
		return tcp_slow_start(tp, acked);

	/* CSS: cwnd += min(N, L) / CSS_GROWTH_DIVISOR, remainder carried */
	div = READ_ONCE(hs_css_growth_divisor);
	ca->css_acc += acked;
	inc = ca->css_acc / div;
	ca->css_acc -= inc * div;
	if (inc)
		tcp_slow_start(tp, inc);
	return 0;
}

static void ltcp_cubic_cong_avoid(struct sock *sk, u32 ack, u32 acked)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_cubic *ca = inet_csk_ca(sk);
	u64 now = tp->tcp_mstamp;

	/*
	 * RFC 9438 section 5.8: no growth while application-limited, and
	 * (section 4.2) t must not include that time: move t_epoch forward
	 * by the time since the last ACK seen here.
	 */
	if (!tcp_is_cwnd_limited(sk)) {
		if (ca->t_epoch && now > ca->t_last)
			ca->t_epoch += now - ca->t_last;
		ca->t_last = now;
		return;
	}
	ca->t_last = now;

	if (tcp_in_slow_start(tp)) {
		acked = ltcp_cubic_slow_start(sk, acked);
		if (!acked)
			return;
	}
	ltcp_cubic_avoid(sk, acked, now);
}

/* RFC 9438 sections 4.6 and 4.7, also used on timeout (section 4.8). */
static u32 ltcp_cubic_ssthresh(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_cubic *ca = inet_csk_ca(sk);
	u32 cwnd = tcp_snd_cwnd(tp);
	u32 beta = READ_ONCE(cubic_beta);

	/* Section 4.9.2: keep what an undo of this reduction restores */
	ca->undo_w_max = ca->w_max;
	ca->undo_k = ca->k;
	ca->undo_t_epoch = ca->t_epoch;
	ca->undo_w_est = ca->w_est;
	ca->undo_cwnd_prior = ca->cwnd_prior;

	/* Section 4.7: fast convergence lowers W_max further */
	if (READ_ONCE(cubic_fast_convergence) && cwnd < ca->w_max)
		ca->w_max = ((u64)cwnd * (CUBIC_SCALE + beta)) >>
			    (CUBIC_SCALE_SHIFT + 1);
	else
		ca->w_max = cwnd;

	ca->cwnd_prior = cwnd;
	ca->t_epoch = 0;
	ca->undo_hs_state = ca->hs_state;
	ca->hs_state = HS_DONE;		/* RFC 9406 section 4.2: loss or ECE */

	/*
	 * Section 4.6: ssthresh = cwnd * beta_cubic, at least 2. The RFC
	 * uses flight_size; cwnd is allowed when cwnd cannot grow while the
	 * flow is not cwnd-limited, which ltcp_cubic_cong_avoid() ensures.
	 */
	return max_t(u32, ((u64)cwnd * beta) >> CUBIC_SCALE_SHIFT, 2U);
}

/* RFC 9438 section 4.9.2: undo a reduction found to be spurious. */
static u32 ltcp_cubic_undo_cwnd(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_cubic *ca = inet_csk_ca(sk);
	u32 cwnd = tcp_snd_cwnd(tp);
	u32 restore = ca->cwnd_prior;

	/* A spurious loss did not end the initial slow start: HyStart++
	 * goes on where it was once ssthresh is back (RFC 9406 section 4.3).
	 */
	ca->hs_state = ca->undo_hs_state;
	if (cwnd >= restore)
		return cwnd;

	ca->cwnd_prior = ca->undo_cwnd_prior;
	ca->w_max = ca->undo_w_max;
	ca->k = ca->undo_k;
	ca->t_epoch = ca->undo_t_epoch;
	ca->t_last = tp->tcp_mstamp;
	ca->w_est = ca->undo_w_est;
	ca->est_acc = 0;
	return restore;
}

static void ltcp_cubic_set_state(struct sock *sk, u8 new_state)
{
	struct ltcp_cubic *ca = inet_csk_ca(sk);

	/*
	 * RFC 9438 section 4.8: after a timeout the next congestion
	 * avoidance stage uses K = 0 and W_max = its starting cwnd; W_max = 0
	 * marks that. ltcp_cubic_ssthresh() has saved the undo state.
	 */
	if (new_state == TCP_CA_Loss) {
		ca->t_epoch = 0;
		ca->w_max = 0;
	}
}

static void ltcp_cubic_cwnd_event(struct sock *sk, enum tcp_ca_event ev)
{
	struct ltcp_cubic *ca = inet_csk_ca(sk);
	u64 now;

	/*
	 * RFC 9438 sections 4.2 and 5.8: sending restarts after the flight
	 * drained; the idle time since the last ACK is not part of t, so
	 * shift the epoch by it.
	 */
	if (ev != CA_EVENT_TX_START || !ca->t_epoch)
		return;
	now = tcp_clock_us();
	if (now > ca->t_last) {
		ca->t_epoch += now - ca->t_last;
		ca->t_last = now;
	}
}

/* RFC 9406 section 4.2: a round ends when windowEnd is acknowledged. */
static void ltcp_cubic_hs_round_end(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_cubic *ca = inet_csk_ca(sk);
	u32 cwnd = tcp_snd_cwnd(tp);

	ca->last_round_min_rtt = ca->cur_round_min_rtt;
	ca->cur_round_min_rtt = HS_RTT_INF;
	ca->rtt_samples = 0;
	ca->window_end = tp->snd_nxt;

	/* CSS lasts CSS_ROUNDS rounds, a partial first round included. */
	if (ca->hs_state != HS_CSS ||
	    ++ca->css_rounds_done < READ_ONCE(hs_css_rounds))
		return;

	/*
	 * RFC 9406: enter congestion avoidance with ssthresh = cwnd.
	 * RFC 9438 section 4.10: cwnd_prior = cwnd, W_max undefined.
	 */
	tp->snd_ssthresh = cwnd;
	ca->cwnd_prior = cwnd;
	ca->w_max = 0;
	ca->t_epoch = 0;
	ca->hs_state = HS_DONE;
}

/* RFC 9406 section 4.2: the checks made once N_RTT_SAMPLE RTTs are in. */
static void ltcp_cubic_hs_check(struct ltcp_cubic *ca)
{
	u32 last = ca->last_round_min_rtt;
	u32 cur = ca->cur_round_min_rtt;
	u32 thresh;

	if (ca->rtt_samples < READ_ONCE(hs_n_rtt_sample) || cur == HS_RTT_INF)
		return;

	if (ca->hs_state == HS_CSS) {
		/* The RTT went back down: the exit was spurious. */
		if (cur < ca->css_baseline_min_rtt) {
			ca->css_baseline_min_rtt = HS_RTT_INF;
			ca->css_rounds_done = 0;
			ca->css_acc = 0;
			ca->hs_state = HS_SS;
		}
		return;
	}

	if (last == HS_RTT_INF)
		return;
	/* RttThresh = max(MIN_RTT_THRESH, min(last / DIV, MAX_RTT_THRESH)) */
	thresh = min(last / READ_ONCE(hs_min_rtt_divisor),
		     READ_ONCE(hs_max_rtt_thresh_us));
	thresh = max(thresh, READ_ONCE(hs_min_rtt_thresh_us));
	if ((u64)cur >= (u64)last + thresh) {
		ca->css_baseline_min_rtt = cur;
		ca->css_rounds_done = 0;
		ca->css_acc = 0;
		ca->hs_state = HS_CSS;
	}
}

static void ltcp_cubic_pkts_acked(struct sock *sk,
				  const struct ack_sample *sample)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_cubic *ca = inet_csk_ca(sk);

	/*
	 * RFC 9406 section 4.3: HyStart++ is for the initial slow start,
	 * while ssthresh has its initial, infinite value. A loss or a
	 * timeout ends it, but an undone one (a spurious retransmission,
	 * RFC 3522, 5682, 3708) puts ssthresh back and with it the initial
	 * slow start, HyStart++ included: so its state is only paused here,
	 * not ended.
	 */
	if (ca->hs_state == HS_DONE || !tcp_in_initial_slowstart(tp))
		return;

	if (sample->rtt_us > 0) {
		ca->cur_round_min_rtt = min_t(u32, ca->cur_round_min_rtt,
					      sample->rtt_us);
		if (ca->rtt_samples < U16_MAX)
			ca->rtt_samples++;
		ltcp_cubic_hs_check(ca);
	}

	if (!before(tp->snd_una, ca->window_end))
		ltcp_cubic_hs_round_end(sk);
}

static struct tcp_congestion_ops ltcp_cubic_ops __read_mostly = {
	.init		= ltcp_cubic_init,
	.ssthresh	= ltcp_cubic_ssthresh,
	.cong_avoid	= ltcp_cubic_cong_avoid,
	.set_state	= ltcp_cubic_set_state,
	.undo_cwnd	= ltcp_cubic_undo_cwnd,
	.cwnd_event	= ltcp_cubic_cwnd_event,
	.pkts_acked	= ltcp_cubic_pkts_acked,
	.owner		= THIS_MODULE,
	.name		= "ltcp_cubic",
};

/* Load-time check of the fixed-point helpers against exact values. */
struct ltcp_cubic_cbrt_case {
	u64 x;
	u32 root;
};

struct ltcp_cubic_k_case {
	u32 w_max;
	u32 cwnd;
	s32 k;
};

static int __init ltcp_cubic_selftest(void)
{
	static const struct ltcp_cubic_cbrt_case cbrt_vec[] __initconst = {
		{ 0, 0 }, { 1, 1 }, { 7, 1 }, { 8, 2 }, { 26, 2 }, { 27, 3 },
		{ 999999, 99 }, { 1000000, 100 },
		{ 9223358842721533950ULL, 2097150 },
		{ 9223358842721533951ULL, 2097151 },
		{ U64_MAX, 2642245 },
	};
	/* K ticks = floor(1024 * cbrt((w_max - cwnd) / 0.4)) */
	static const struct ltcp_cubic_k_case k_vec[] __initconst = {
		{ 100, 70, 4318 }, { 1000, 700, 9303 },
		{ 10, 10, 0 }, { 70, 100, -4318 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cbrt_vec); i++) {
		if (ltcp_cubic_cbrt(cbrt_vec[i].x) != cbrt_vec[i].root) {
			pr_err("self-test: cbrt(%llu) failed\n", cbrt_vec[i].x);
			return -EINVAL;
		}
	}
	for (i = 0; i < ARRAY_SIZE(k_vec); i++) {
		s32 k = ltcp_cubic_k(k_vec[i].w_max, k_vec[i].cwnd);
		u64 w_max_q = (u64)k_vec[i].w_max << CUBIC_WND_SHIFT;

		/* W_cubic(K) == W_max; one second later + C = 0.4 segment */
		if (k != k_vec[i].k ||
		    ltcp_cubic_w(k, k_vec[i].w_max, k) != w_max_q ||
		    ltcp_cubic_w(k, k_vec[i].w_max, k + 1024) != w_max_q + 409) {
			pr_err("self-test: K(%u, %u) failed\n",
			       k_vec[i].w_max, k_vec[i].cwnd);
			return -EINVAL;
		}
	}
	pr_debug("self-tests: pass\n");
	return 0;
}

static int __init ltcp_cubic_module_init(void)
{
	int ret;

	ret = ltcp_cubic_selftest();
	if (ret)
		return ret;
	return tcp_register_congestion_control(&ltcp_cubic_ops);
}

static void __exit ltcp_cubic_module_exit(void)
{
	tcp_unregister_congestion_control(&ltcp_cubic_ops);
}

module_init(ltcp_cubic_module_init);
module_exit(ltcp_cubic_module_exit);

MODULE_AUTHOR("ltcp developers");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ltcp CUBIC congestion control (RFC 9438) with HyStart++ (RFC 9406)");
MODULE_ALIAS("tcp_ltcp_cubic");
