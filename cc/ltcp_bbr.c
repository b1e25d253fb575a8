// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_bbr: BBR congestion control (BBRv3) as specified by
 * draft-ietf-ccwg-bbr-06, a tcp_congestion_ops module driven by the
 * cong_control() hook and Linux's rate samples. Written from the draft and
 * the BBR papers; "section" in comments is a section of the draft.
 *
 * Integer arithmetic only. Volumes are packets of tp->mss_cache (section 2
 * allows packets), in 24-bit fields up to BBR_VOL_MAX; bw is packets per us
 * in Q24; gains are per 1024; min_rtt is in us; wall-clock stamps are
 * jiffies, the ACK aggregation interval us. "Infinity" is BBR_VOL_INF,
 * BBR_BW_INF or BBR_RTT_INF. The signals Linux 6.1 lacks and what stands in
 * for them are listed in Documentation/cc.rst.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/inet_diag.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/sysfs.h>
#include <linux/time.h>
#include <net/tcp.h>

#include "cc_param.h"

#define BW_SHIFT		24	/* bw: packets per us, Q24 */
#define BBR_UNIT_SHIFT		10
#define BBR_UNIT		BIT(BBR_UNIT_SHIFT)	/* gain 1.0 */
#define BDP_FRAC		12	/* fraction bits kept in bw * min_rtt */
#define BDP_Q_MAX		BIT_ULL(50)	/* 2^38 packets: no overflow */
#define BBR_BW_INF		U32_MAX
#define BBR_BW_MAX		(U32_MAX - 1)
#define BBR_RTT_INF		U32_MAX
#define BBR_VOL_INF		(BIT(24) - 1)
#define BBR_VOL_MAX		(BBR_VOL_INF - 1)

/* Sections 2.5, 2.6 and 5.6.1: gains, per 1024 */
#define BBR_STARTUP_PACING_GAIN	2836	/* 2.77 ~= 4 * ln(2) */
#define BBR_DRAIN_PACING_GAIN	512	/* 0.5 */
#define BBR_DOWN_PACING_GAIN	922	/* 0.90 */
#define BBR_UP_PACING_GAIN	1280	/* 1.25 */
#define BBR_DEFAULT_CWND_GAIN	2048	/* 2 */
#define BBR_UP_CWND_GAIN	2304	/* 2.25 */
#define BBR_PROBE_RTT_CWND_GAIN	512	/* 0.5 */

#define BBR_MIN_PIPE_CWND	4U	/* 2.8 BBR.MinPipeCwnd, packets */
#define BBR_FULL_BW_ROUNDS	3	/* 5.3.1.2 */
#define BBR_LOSS_EVENTS_MAX	7	/* loss_events saturates here */
#define BBR_DRAIN_ROUNDS	3	/* 5.3.2 */
#define BBR_PROBE_WAIT_BASE_MS	2000	/* 5.3.3.8.2: T_bbr is 2..3 s */
#define BBR_PROBE_WAIT_STEP_MS	4	/* random part: 0..250 steps */
#define BBR_PROBE_WAIT_STEPS	250
#define BBR_RENO_ROUNDS_MAX	63	/* 5.3.3.8.3 */
#define BBR_PROBE_UP_ROUNDS_MAX	30	/* 5.3.3.9 */
#define BBR_EXTRA_ACKED_SLOT	5	/* 2 slots: ExtraAckedFilterLen 10 */
#define BBR_SEND_QUANTUM_MAX	65536U	/* 5.6.3: 64 KBytes */
#define BBR_OFFLOAD_QUANTA	3	/* 5.5.8.1 */
/* round starts in recovery after which a full round has surely passed */
#define BBR_RECOVERY_ROUNDS	2

enum bbr_state {			/* section 5.1.1 */
	BBR_STARTUP, BBR_DRAIN, BBR_PROBE_BW_DOWN, BBR_PROBE_BW_CRUISE,
	BBR_PROBE_BW_REFILL, BBR_PROBE_BW_UP, BBR_PROBE_RTT, BBR_NR_STATES,
};

enum bbr_ack_phase {			/* section 2.14 */
	BBR_ACKS_INIT, BBR_ACKS_REFILLING, BBR_ACKS_PROBE_STARTING,
	BBR_ACKS_PROBE_FEEDBACK, BBR_ACKS_PROBE_STOPPING,
};

enum bbr_undo_state {			/* section 2.15 */
	BBR_UNDO_NONE, BBR_UNDO_STARTUP, BBR_UNDO_PROBE_BW_UP,
};

/*
 * Section 5.6.1, "Pacing Gain" and "Cwnd Gain" columns, in state order:
 * Startup, Drain, ProbeBW_DOWN, _CRUISE, _REFILL, _UP, ProbeRTT.
 */
static const u16 bbr_pacing_gain_tbl[BBR_NR_STATES] = {
	BBR_STARTUP_PACING_GAIN, BBR_DRAIN_PACING_GAIN, BBR_DOWN_PACING_GAIN,
	BBR_UNIT, BBR_UNIT, BBR_UP_PACING_GAIN, BBR_UNIT,
};

static const u16 bbr_cwnd_gain_tbl[BBR_NR_STATES] = {
	BBR_DEFAULT_CWND_GAIN, BBR_DEFAULT_CWND_GAIN, BBR_DEFAULT_CWND_GAIN,
	BBR_DEFAULT_CWND_GAIN, BBR_DEFAULT_CWND_GAIN, BBR_UP_CWND_GAIN,
	BBR_PROBE_RTT_CWND_GAIN,
};

/* Module parameters; checked by ltcp_cc_param_set() on every write. */
/* unsigned int bbr_<var> = def, settable within [lo, hi] */
#define LTCP_BBR_PARAM(var, def, lo, hi)				\
	static unsigned int bbr_##var = (def);				\
	static struct ltcp_cc_uint_param bbr_##var##_range = {		\
		.val = &bbr_##var, .min = (lo), .max = (hi),		\
	};								\
	module_param_cb(var, &ltcp_cc_uint_ops, &bbr_##var##_range, 0644)

LTCP_BBR_PARAM(loss_thresh, 2, 1, 99);
MODULE_PARM_DESC(loss_thresh, "BBR.LossThresh, per cent, 1..99 (default 2)");
LTCP_BBR_PARAM(beta, 717, 1, 1023);
MODULE_PARM_DESC(beta, "BBR.Beta per 1024, 1..1023 (default 717 ~= 0.7)");
LTCP_BBR_PARAM(headroom, 15, 0, 99);
MODULE_PARM_DESC(headroom, "BBR.Headroom, per cent, 0..99 (default 15)");
LTCP_BBR_PARAM(pacing_margin, 1, 0, 99);
MODULE_PARM_DESC(pacing_margin, "BBR.PacingMarginPercent, 0..99 (default 1)");
LTCP_BBR_PARAM(ecn_thresh, 50, 1, 100);
MODULE_PARM_DESC(ecn_thresh, "CE share of a round that is too high, per cent, 1..100 (default 50)");
LTCP_BBR_PARAM(probe_rtt_interval_ms, 5000, 10, 600000);
MODULE_PARM_DESC(probe_rtt_interval_ms, "BBR.ProbeRTTInterval in ms, 10..600000 (default 5000)");
LTCP_BBR_PARAM(probe_rtt_duration_ms, 200, 1, 10000);
MODULE_PARM_DESC(probe_rtt_duration_ms, "BBR.ProbeRTTDuration in ms, 1..10000 (default 200)");
LTCP_BBR_PARAM(min_rtt_filter_ms, 10000, 10, 600000);
MODULE_PARM_DESC(min_rtt_filter_ms, "BBR.MinRTTFilterLen in ms, 10..600000 (default 10000)");
LTCP_BBR_PARAM(startup_loss_cnt, 6, 1, BBR_LOSS_EVENTS_MAX);
MODULE_PARM_DESC(startup_loss_cnt, "BBRStartupFullLossCnt, loss events per round, 1..7 (def. 6)");

static bool bbr_ecn = true;
static bool bbr_packet_conservation = true;
static bool bbr_conservation_high_loss = true;
module_param_named(ecn, bbr_ecn, bool, 0644);
MODULE_PARM_DESC(ecn, "treat CE marks as congestion (section 3.7; default on)");
module_param_named(packet_conservation, bbr_packet_conservation, bool, 0644);
MODULE_PARM_DESC(packet_conservation, "packet conservation in recovery's first round (default on)");
module_param_named(conservation_high_loss, bbr_conservation_high_loss, bool, 0644);
MODULE_PARM_DESC(conservation_high_loss,
		 "conserve only past loss_thresh (in Startup also startup_loss_cnt; default on)");

/*
 * Per-socket state, in icsk_ca_priv (104 bytes on 6.1); names follow the
 * draft's BBR.* variables. BBR.bw, BBR.bdp, BBR.max_inflight, the gains and
 * BBR.offload_budget are computed where used; the per-ACK booleans are in
 * struct bbr_ack.
 */
struct ltcp_bbr {
	u32 max_bw[2];		/* 5.5.3 filter: one slot per ProbeBW cycle */
	u32 bw_shortterm, bw_latest, full_bw, undo_bw_shortterm;
	u32 min_rtt_us, probe_rtt_min_us;	/* ..._min_us: _min_delay */
	u32 min_rtt_stamp, probe_rtt_min_stamp;	/* jiffies */
	union {
		u32 cycle_stamp;	   /* jiffies, ProbeBW states */
		u32 probe_rtt_done_stamp; /* jiffies, ProbeRTT; 0: unset */
	};
	u32 next_round_delivered, loss_round_delivered;
	u32 loss_round_lost;	/* tp->lost at the loss round's start */
	u32 round_delivered_ce;	/* tp->delivered_ce at the round's start */
	u32 extra_acked_stamp;	/* us: BBR.extra_acked_interval_start */
	u32 prior_cwnd;
	u32 inflight_longterm:24, state:3, undo_state:2, cycle_count:1,
	    idle_restart:1, full_bw_reached:1;
	u32 inflight_shortterm:24, ack_phase:3, full_bw_count:2,
	    full_bw_now:1, probe_rtt_round_done:1, prev_probe_too_high:1;
	u32 inflight_latest:24, prev_probe_precautionary:1,
	    is_bw_probe_sample:1, is_loss_in_round:1, ce_in_round:1,
	    packet_conservation:1, recovery_start:1, recovery_rounds:2;
	/* rounds_since_probe_up also counts the rounds spent in Drain */
	u32 undo_inflight_longterm:24, rounds_since_probe_up:6,
	    extra_acked_idx:1;
	u32 undo_inflight_shortterm:24, bw_probe_up_rounds:5,
	    extra_acked_rounds:3;
	/* probe_wait_steps: BBR.bw_probe_wait - 2 s, in 4 ms */
	u32 bw_probe_up_acked:24, probe_wait_steps:8;
	u32 probe_up_acked_per_inc:24, init_cwnd:8;	/* at most 255 */
	/* loss_events: ACKs with new losses in this loss round */
	u32 extra_acked_delivered:24, loss_events:3, conserving:1;
	u16 extra_acked[2];		/* 5.5.9 filter, two slots of rounds */
};

/* One ACK as cong_control() sees it (section 5.2.3). */
struct bbr_ack {
	const struct rate_sample *rs;
	u32 rate;		/* RS.delivery_rate, 0: no valid sample */
	u32 inflight;		/* C.inflight after the ACK */
	u8 round_start;		/* BBR.round_start */
	u8 loss_round_start;	/* BBR.loss_round_start */
	u8 ecn_high;		/* the round just ended had too much CE */
	u8 probe_rtt_expired;	/* BBR.probe_rtt_expired */
};

static u32 bbr_vol(u64 v)
{
	return min_t(u64, v, BBR_VOL_MAX);
}

static u32 bbr_max_bw(const struct ltcp_bbr *b)
{
	return max(b->max_bw[0], b->max_bw[1]);
}

/* Section 5.5.10.3 BoundBWForModel(): BBR.bw = min(max_bw, bw_shortterm) */
static u32 bbr_bw(const struct ltcp_bbr *b)
{
	return min(bbr_max_bw(b), b->bw_shortterm);
}

static bool bbr_in_probe_bw(const struct ltcp_bbr *b)
{
	return b->state >= BBR_PROBE_BW_DOWN && b->state <= BBR_PROBE_BW_UP;
}

static bool bbr_in_loss_recovery(const struct sock *sk)
{
	return inet_csk(sk)->icsk_ca_state >= TCP_CA_Recovery;
}

/* Section 4.1.1.2.4: delivery_rate = RS.delivered / RS.interval, in Q24 */
static u32 bbr_rate_sample(s32 delivered, long interval_us)
{
	if (delivered <= 0 || interval_us <= 0)
		return 0;
	return min_t(u64, div64_u64((u64)delivered << BW_SHIFT, interval_us),
		     BBR_BW_MAX);
}

/* Section 5.6.4.2 BDPMultiple(), packets rounded up; no RTT: InitialCwnd */
static u32 bbr_bdp_gain(u32 bw, u32 min_rtt_us, u32 gain, u32 init_cwnd)
{
	u64 bdp_q;

	if (min_rtt_us == BBR_RTT_INF)
		return init_cwnd;
	bdp_q = min(mul_u32_u32(bw, min_rtt_us) >> (BW_SHIFT - BDP_FRAC),
		    BDP_Q_MAX);
	return bbr_vol((bdp_q * gain + BIT_ULL(BDP_FRAC + BBR_UNIT_SHIFT) - 1) >>
		       (BDP_FRAC + BBR_UNIT_SHIFT));
}

static u32 bbr_bdp_multiple(const struct ltcp_bbr *b, u32 bw, u32 gain)
{
	return bbr_bdp_gain(bw, b->min_rtt_us, gain, b->init_cwnd);
}

/* Section 5.6.2: gain * bw * (100 - PacingMarginPercent) / 100, bytes/s */
static u64 bbr_rate_bytes(u32 bw, u32 mss, u32 gain, u32 margin)
{
	u64 rate = (u64)bw * mss;		/* Q24, < 2^48 */

	rate >>= BW_SHIFT - 16;			/* Q16, < 2^40 */
	rate = (rate * USEC_PER_SEC) >> 16;	/* bytes/s, < 2^44 */
	rate = (rate * gain) >> BBR_UNIT_SHIFT;	/* gain < 2^12 */
	return div_u64(rate * (100 - margin), 100);
}

/*
 * Section 5.6.4.2 QuantizationBudget(), with the offload budget of 5.5.8.1
 * from the send quantum of 5.6.3: pacing_rate * 1 ms, within
 * [2 * SMSS, 64 KBytes].
 */
static u32 bbr_quantization_budget(const struct sock *sk, u32 inflight_cap)
{
	const struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 mss = max(tcp_sk(sk)->mss_cache, 1U);
	u64 quantum = div_u64(READ_ONCE(sk->sk_pacing_rate), MSEC_PER_SEC);
	u32 budget;

	quantum = max_t(u64, min_t(u64, quantum, BBR_SEND_QUANTUM_MAX),
			2 * mss);
	budget = DIV_ROUND_UP((u32)quantum * BBR_OFFLOAD_QUANTA, mss);
	inflight_cap = max3(inflight_cap, budget, BBR_MIN_PIPE_CWND);
	if (b->state == BBR_PROBE_BW_UP)
		inflight_cap += 2;
	return inflight_cap;
}

/* Section 5.6.4.2 Inflight(bw, gain) */
static u32 bbr_inflight(const struct sock *sk, u32 bw, u32 gain)
{
	const struct ltcp_bbr *b = inet_csk_ca(sk);

	return bbr_quantization_budget(sk, bbr_bdp_multiple(b, bw, gain));
}

/* Section 5.3.3.8.3 TargetInflight(): min(BBR.bdp, C.cwnd) */
static u32 bbr_target_inflight(const struct sock *sk)
{
	const struct ltcp_bbr *b = inet_csk_ca(sk);

	return min(bbr_bdp_multiple(b, bbr_bw(b), BBR_UNIT),
		   tcp_snd_cwnd(tcp_sk(sk)));
}

/* Section 5.3.3.9 InflightWithHeadroom() */
static u32 bbr_headroom_inflight(u32 inflight_longterm, u32 headroom_pct)
{
	u32 headroom;

	if (inflight_longterm == BBR_VOL_INF)
		return BBR_VOL_INF;
	headroom = max(1U, inflight_longterm * headroom_pct / 100);
	if (headroom >= inflight_longterm)
		return BBR_MIN_PIPE_CWND;
	return max(inflight_longterm - headroom, BBR_MIN_PIPE_CWND);
}

/* x * BBR.Beta (section 2.8) */
static u32 bbr_beta_of(u32 x)
{
	return ((u64)x * READ_ONCE(bbr_beta)) >> BBR_UNIT_SHIFT;
}

/* Section 5.5.10.2 IsInflightTooHigh(): RS.lost > RS.tx_in_flight * T */
static bool bbr_loss_too_high(u32 lost, u32 tx_in_flight, u32 thresh_pct)
{
	return (u64)lost * 100 > (u64)tx_in_flight * thresh_pct;
}

/* RS.lost: losses in this loss round; RS.tx_in_flight: inflight at ACK */
static bool bbr_is_inflight_too_high(const struct sock *sk,
				     const struct bbr_ack *a)
{
	const struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 lost = tcp_sk(sk)->lost - b->loss_round_lost;

	if (a->ecn_high || (lost && !tcp_is_sack(tcp_sk(sk))))
		return true;
	return bbr_loss_too_high(lost, a->rs->prior_in_flight,
				 READ_ONCE(bbr_loss_thresh));
}

/*
 * Section 5.5.10.2 InflightAtLoss(): where in "packet" P (the packets this
 * ACK marked lost) the loss rate crossed T:
 * inflight_prev + (T * inflight_prev - lost_prev) / (1 - T).
 */
static u32 bbr_inflight_at_loss(u32 tx_in_flight, u32 lost, u32 size,
				u32 thresh_pct)
{
	u32 inflight_prev = tx_in_flight > size ? tx_in_flight - size : 0;
	u32 lost_prev = lost > size ? lost - size : 0;
	s64 num = (s64)thresh_pct * inflight_prev - (s64)lost_prev * 100;

	if (num <= 0)
		return inflight_prev;
	return bbr_vol(inflight_prev + min_t(u64, div_u64(num, 100 - thresh_pct),
					     size));
}

/* Section 5.6.2 SetPacingRateWithGain(), bounded by SO_MAX_PACING_RATE */
static void bbr_set_pacing_rate_with_gain(struct sock *sk, u32 gain)
{
	const struct ltcp_bbr *b = inet_csk_ca(sk);
	u64 rate = bbr_rate_bytes(bbr_bw(b), tcp_sk(sk)->mss_cache, gain,
				  READ_ONCE(bbr_pacing_margin));

	rate = min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate));
	if (b->full_bw_reached || rate > READ_ONCE(sk->sk_pacing_rate))
		WRITE_ONCE(sk->sk_pacing_rate, rate);
}

/* Section 5.6.4.4 SaveCwnd() */
static void bbr_save_cwnd(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 cwnd = tcp_snd_cwnd(tcp_sk(sk));

	if (!bbr_in_loss_recovery(sk) && b->state != BBR_PROBE_RTT)
		b->prior_cwnd = cwnd;
	else
		b->prior_cwnd = max(b->prior_cwnd, cwnd);
}

/* Section 5.6.4.4 RestoreCwnd() */
static void bbr_restore_cwnd(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);

	tcp_snd_cwnd_set(tp, max(tcp_snd_cwnd(tp), b->prior_cwnd));
}

/* Section 5.5.11.1 SaveStateUponLoss() (SaveCwnd() if save_cwnd) */
static void bbr_save_state_upon_loss(struct sock *sk, bool save_cwnd)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	if (save_cwnd)
		bbr_save_cwnd(sk);
	b->undo_state = BBR_UNDO_NONE;
	b->undo_bw_shortterm = b->bw_shortterm;
	b->undo_inflight_shortterm = b->inflight_shortterm;
	b->undo_inflight_longterm = b->inflight_longterm;
}

/* Section 5.5.1 StartRound(); the round's CE count starts here too */
static void bbr_start_round(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);

	b->next_round_delivered = tp->delivered;
	b->round_delivered_ce = tp->delivered_ce;
}

/* Section 5.3.1.2 ResetFullBW() */
static void bbr_reset_full_bw(struct ltcp_bbr *b)
{
	b->full_bw = 0;
	b->full_bw_count = 0;
	b->full_bw_now = 0;
}

/* Section 5.5.10.3 ResetShortTermModel() */
static void bbr_reset_short_term_model(struct ltcp_bbr *b)
{
	b->bw_shortterm = BBR_BW_INF;
	b->inflight_shortterm = BBR_VOL_INF;
}

/*
 * Section 5.5.10.3 ResetCongestionSignals(); the loss round's RS.lost
 * estimate and the CE flag are congestion signals too.
 */
static void bbr_reset_congestion_signals(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	b->is_loss_in_round = 0;
	b->ce_in_round = 0;
	b->bw_latest = 0;
	b->inflight_latest = 0;
	b->loss_round_lost = tcp_sk(sk)->lost;
	b->loss_events = 0;
}

/* Section 5.3.3.9 StartProbeBW_DOWN(), with 5.3.3.8.3 PickProbeWait() */
static void bbr_start_probe_bw_down(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	bbr_reset_congestion_signals(sk);
	b->probe_up_acked_per_inc = BBR_VOL_INF;
	b->rounds_since_probe_up = get_random_u32_below(2);
	b->probe_wait_steps = get_random_u32_below(BBR_PROBE_WAIT_STEPS + 1);
	b->cycle_stamp = tcp_jiffies32;
	b->ack_phase = BBR_ACKS_PROBE_STOPPING;
	bbr_start_round(sk);
	b->state = BBR_PROBE_BW_DOWN;
}

/* Section 5.3.3.9 StartProbeBW_REFILL() */
static void bbr_start_probe_bw_refill(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	bbr_reset_short_term_model(b);
	b->bw_probe_up_rounds = 0;
	b->bw_probe_up_acked = 0;
	b->prev_probe_precautionary = 0;
	b->ack_phase = BBR_ACKS_REFILLING;
	bbr_start_round(sk);
	b->state = BBR_PROBE_BW_REFILL;
}

/* Section 5.3.3.9 RaiseInflightLongtermSlope() */
static void bbr_raise_inflight_longterm_slope(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 growth_this_round = 1U << b->bw_probe_up_rounds;

	b->bw_probe_up_rounds = min(b->bw_probe_up_rounds + 1,
				    BBR_PROBE_UP_ROUNDS_MAX);
	b->probe_up_acked_per_inc =
		bbr_vol(max(tcp_snd_cwnd(tcp_sk(sk)) / growth_this_round, 1U));
}

/*
 * Sections 5.2.4, 5.5.10.2 HandleLostPacket(), NoteLoss() and
 * HandleInflightTooHigh(), once per ACK for all it marked lost; likewise
 * for a round that ended with more than ecn_thresh of it CE-marked.
 */
static void bbr_handle_lost(struct sock *sk, const struct bbr_ack *a)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	const struct rate_sample *rs = a->rs;
	u32 tx, lost, target;

	if (rs->losses > 0) {
		if (!b->is_loss_in_round) {	/* first loss in this round? */
			b->loss_round_delivered = tp->delivered;
			b->loss_round_lost = tp->lost - rs->losses;
			b->loss_events = 0;
			bbr_save_state_upon_loss(sk, true);
		}
		b->is_loss_in_round = 1;
		if (b->loss_events < BBR_LOSS_EVENTS_MAX)
			b->loss_events++;
	}
	if (!b->is_bw_probe_sample || (rs->losses <= 0 && !a->ecn_high))
		return;	/* not a packet sent while probing bandwidth */
	if (!bbr_is_inflight_too_high(sk, a))
		return;
	tx = rs->prior_in_flight;
	if (rs->losses > 0) {
		lost = tp->lost - b->loss_round_lost;
		tx = bbr_inflight_at_loss(tx, lost, rs->losses,
					  READ_ONCE(bbr_loss_thresh));
	}
	target = bbr_beta_of(bbr_target_inflight(sk));
	b->prev_probe_too_high = 1;
	b->is_bw_probe_sample = 0;	/* only react once per bw probe */
	if (!rs->is_app_limited)
		b->inflight_longterm = bbr_vol(max(tx, target));
	if (b->state == BBR_PROBE_BW_UP) {
		b->undo_state = BBR_UNDO_PROBE_BW_UP;
		bbr_start_probe_bw_down(sk);
	}
}

/*
 * ECN (section 3.7: CE marks MUST be treated as congestion; the draft gives
 * no algorithm). When a round ends, any CE-marked delivery in it makes it a
 * congested round, and a CE-marked share above ecn_thresh counts as
 * "inflight too high".
 */
static bool bbr_ecn_round_end(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 ce = tp->delivered_ce - b->round_delivered_ce;
	u32 delivered = tp->delivered - b->next_round_delivered;

	if (!READ_ONCE(bbr_ecn) || !ce)
		return false;
	b->ce_in_round = 1;
	return (u64)ce * 100 > (u64)delivered * READ_ONCE(bbr_ecn_thresh);
}

/* Section 5.5.10.3 UpdateLatestDeliverySignals() */
static void bbr_update_latest_delivery_signals(struct sock *sk,
					       struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	const struct rate_sample *rs = a->rs;

	b->bw_latest = max(b->bw_latest, a->rate);
	if (rs->delivered <= 0)
		return;
	b->inflight_latest = bbr_vol(max_t(u32, b->inflight_latest,
					   rs->delivered));
	if (!before(rs->prior_delivered, b->loss_round_delivered)) {
		b->loss_round_delivered = tcp_sk(sk)->delivered;
		a->loss_round_start = 1;
	}
}

/* Section 5.5.10.3 AdvanceLatestDeliverySignals() */
static void bbr_advance_latest_delivery_signals(struct sock *sk,
						const struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	if (!a->loss_round_start)
		return;
	b->bw_latest = a->rate;
	b->inflight_latest = bbr_vol(max(a->rs->delivered, 0));
	/* a new loss round: restart its RS.lost estimate */
	b->loss_round_lost = tcp_sk(sk)->lost;
	b->loss_events = 0;
}

/* Section 5.5.5 UpdateMaxBw(), with 5.5.1 UpdateRound() */
static void bbr_update_max_bw(struct sock *sk, struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	const struct rate_sample *rs = a->rs;
	u32 *slot = &b->max_bw[b->cycle_count];

	if (rs->delivered > 0 &&
	    !before(rs->prior_delivered, b->next_round_delivered)) {
		bbr_start_round(sk);
		if (b->rounds_since_probe_up < BBR_RENO_ROUNDS_MAX)
			b->rounds_since_probe_up++;
		a->round_start = 1;
		/* packet conservation: the first round of recovery */
		if (bbr_in_loss_recovery(sk) &&
		    b->recovery_rounds < BBR_RECOVERY_ROUNDS &&
		    ++b->recovery_rounds == BBR_RECOVERY_ROUNDS)
			b->packet_conservation = 0;
	}
	if (a->rate && (a->rate >= bbr_max_bw(b) || !rs->is_app_limited))
		*slot = max(*slot, a->rate);
}

/*
 * Section 5.5.10.3 UpdateCongestionSignals(), AdaptLowerBoundsFrom-
 * Congestion(), InitLowerBounds(), LossLowerBounds(); CE counts as loss.
 */
static void bbr_update_congestion_signals(struct sock *sk, struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	bbr_update_max_bw(sk, a);
	if (!a->loss_round_start)
		return;		/* wait until end of round trip */
	if (b->state != BBR_STARTUP && b->state != BBR_PROBE_BW_REFILL &&
	    b->state != BBR_PROBE_BW_UP &&	/* !IsProbingBW() */
	    (b->is_loss_in_round || b->ce_in_round)) {
		if (b->bw_shortterm == BBR_BW_INF)
			b->bw_shortterm = bbr_max_bw(b);
		if (b->inflight_shortterm == BBR_VOL_INF)
			b->inflight_shortterm =
				bbr_vol(tcp_snd_cwnd(tcp_sk(sk)));
		b->bw_shortterm = max(b->bw_latest,
				      bbr_beta_of(b->bw_shortterm));
		b->inflight_shortterm = max_t(u32, b->inflight_latest,
					      bbr_beta_of(b->inflight_shortterm));
	}
	b->is_loss_in_round = 0;
	b->ce_in_round = 0;
}

/*
 * Section 5.5.9 UpdateACKAggregation(). The windowed max filter keeps two
 * slots that each cover 5 rounds (1 round in Startup), so it spans
 * 5..10 rounds (1..2 in Startup).
 */
static void bbr_update_ack_aggregation(struct sock *sk,
				       const struct bbr_ack *a)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 now = (u32)tp->tcp_mstamp;
	u32 slot_rounds = b->full_bw_reached ? BBR_EXTRA_ACKED_SLOT : 1;
	u16 *slot;
	u64 expected, extra;

	if (a->round_start && ++b->extra_acked_rounds >= slot_rounds) {
		b->extra_acked_rounds = 0;
		b->extra_acked_idx ^= 1;
		b->extra_acked[b->extra_acked_idx] = 0;
	}
	slot = &b->extra_acked[b->extra_acked_idx];
	expected = mul_u32_u32(bbr_bw(b), now - b->extra_acked_stamp) >>
		   BW_SHIFT;
	if (b->extra_acked_delivered <= expected) {
		/* ACK rate below the expected rate: restart the interval */
		b->extra_acked_delivered = 0;
		b->extra_acked_stamp = now;
		expected = 0;
	}
	b->extra_acked_delivered = bbr_vol((u64)b->extra_acked_delivered +
					   a->rs->acked_sacked);
	extra = b->extra_acked_delivered - expected;
	extra = min3(extra, (u64)tcp_snd_cwnd(tp), (u64)U16_MAX);
	*slot = max_t(u16, *slot, extra);
}

/* Section 5.3.1.2 CheckFullBWReached() */
static void bbr_check_full_bw_reached(struct sock *sk,
				      const struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	if (b->full_bw_now || !a->round_start || a->rs->is_app_limited ||
	    !a->rate)
		return;
	/* RS.delivery_rate >= BBR.full_bw * 1.25: still growing */
	if ((u64)a->rate * 4 >= (u64)b->full_bw * 5) {
		bbr_reset_full_bw(b);
		b->full_bw = a->rate;
		return;
	}
	b->full_bw_count++;	/* another round w/o much growth */
	b->full_bw_now = b->full_bw_count >= BBR_FULL_BW_ROUNDS;
	if (b->full_bw_now)
		b->full_bw_reached = 1;
}

/*
 * Section 5.3.1.1 CheckStartupDone() with 5.3.1.3 CheckStartupHighLoss(),
 * plus the ECN exit: a round with more than ecn_thresh of its deliveries
 * CE-marked ends Startup too. 5.3.2 EnterDrain().
 */
static void bbr_check_startup_done(struct sock *sk, const struct bbr_ack *a)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	bool exit = a->ecn_high;

	if (b->state != BBR_STARTUP)
		return;
	if (!b->full_bw_reached && !exit && bbr_in_loss_recovery(sk)) {
		if (!tcp_is_sack(tp))
			exit = a->rs->losses > 0;
		else
			exit = b->recovery_rounds >= BBR_RECOVERY_ROUNDS &&
			       b->loss_events >= READ_ONCE(bbr_startup_loss_cnt) &&
			       bbr_is_inflight_too_high(sk, a);
	}
	if (!b->full_bw_reached && exit) {
		b->undo_state = BBR_UNDO_STARTUP;
		b->full_bw_reached = 1;
		b->inflight_longterm =
			bbr_vol(max_t(u32, b->inflight_latest,
				      bbr_bdp_multiple(b, bbr_bw(b),
						       BBR_UNIT)));
	}
	if (!b->full_bw_reached)
		return;
	b->state = BBR_DRAIN;
	b->rounds_since_probe_up = 0;	/* BBR.drain_start_round */
	/* Linux shows ssthresh and uses it for slow start: the BDP */
	tp->snd_ssthresh = bbr_inflight(sk, bbr_bw(b), BBR_UNIT);
}

/* Section 5.3.3.9 ProbeInflightLongtermUpward() */
static void bbr_probe_inflight_longterm_upward(struct sock *sk,
					       const struct bbr_ack *a)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 acked, delta;

	if (!tp->is_cwnd_limited || tcp_snd_cwnd(tp) < b->inflight_longterm)
		return;	/* not fully using inflight_longterm: don't grow it */
	acked = bbr_vol((u64)b->bw_probe_up_acked + a->rs->acked_sacked);
	if (acked >= b->probe_up_acked_per_inc) {
		delta = acked / b->probe_up_acked_per_inc;
		acked -= delta * b->probe_up_acked_per_inc;
		b->inflight_longterm = bbr_vol((u64)b->inflight_longterm +
					       delta);
	}
	b->bw_probe_up_acked = acked;
	if (a->round_start)
		bbr_raise_inflight_longterm_slope(sk);
}

/* Section 5.3.3.9 AdaptLongTermModel(), 5.5.6 AdvanceMaxBwFilter() */
static bool bbr_adapt_long_term_model(struct sock *sk,
				      const struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 tx_in_flight = a->rs->prior_in_flight;

	if (b->ack_phase == BBR_ACKS_PROBE_STARTING && a->round_start)
		/* starting to get bw probing samples */
		b->ack_phase = BBR_ACKS_PROBE_FEEDBACK;
	if (b->ack_phase == BBR_ACKS_PROBE_STOPPING && a->round_start) {
		/* end of samples from bw probing phase */
		b->is_bw_probe_sample = 0;
		b->ack_phase = BBR_ACKS_INIT;
		if (bbr_in_probe_bw(b) && !a->rs->is_app_limited) {
			b->cycle_count ^= 1;
			b->max_bw[b->cycle_count] = 0;
		}
		/* Precautionary Bandwidth Probing: Acceleration */
		if (bbr_in_probe_bw(b) && b->prev_probe_precautionary &&
		    !b->prev_probe_too_high) {
			bbr_start_probe_bw_refill(sk);
			return true;
		}
	}
	if (bbr_is_inflight_too_high(sk, a))
		return false;
	/* Loss rate is safe. Adjust upper bounds upward. */
	if (b->inflight_longterm == BBR_VOL_INF)
		return false;	/* no upper bounds to raise */
	if (tx_in_flight > b->inflight_longterm)
		b->inflight_longterm = bbr_vol(tx_in_flight);
	if (b->state == BBR_PROBE_BW_UP)
		bbr_probe_inflight_longterm_upward(sk, a);
	return false;
}

/* Section 5.3.3.8.3 IsTimeToProbeBW() and IsRenoCoexistenceProbeTime() */
static bool bbr_is_time_to_probe_bw(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 wait_ms = BBR_PROBE_WAIT_BASE_MS +
		      b->probe_wait_steps * BBR_PROBE_WAIT_STEP_MS;
	u32 rounds = min_t(u32, bbr_target_inflight(sk), BBR_RENO_ROUNDS_MAX);

	if (time_after32(tcp_jiffies32,
			 b->cycle_stamp + (u32)msecs_to_jiffies(wait_ms)) ||
	    b->rounds_since_probe_up >= rounds) {
		bbr_start_probe_bw_refill(sk);
		return true;
	}
	return false;
}

/* Section 5.3.3.9 UpdateProbeBWCyclePhase() */
static void bbr_update_probe_bw_cycle_phase(struct sock *sk,
					    const struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	if (!b->full_bw_reached)
		return;	/* only handling steady-state behavior here */
	if (bbr_adapt_long_term_model(sk, a))
		return;	/* already decided state transition */

	switch (b->state) {
	case BBR_PROBE_BW_DOWN:
		if (bbr_is_time_to_probe_bw(sk))
			return;
		/* IsTimeToCruise(): headroom left, inflight <= BDP */
		if (a->inflight <= bbr_headroom_inflight(b->inflight_longterm,
							 READ_ONCE(bbr_headroom)) &&
		    a->inflight <= bbr_inflight(sk, bbr_max_bw(b), BBR_UNIT))
			b->state = BBR_PROBE_BW_CRUISE;
		break;
	case BBR_PROBE_BW_CRUISE:
		bbr_is_time_to_probe_bw(sk);
		break;
	case BBR_PROBE_BW_REFILL:
		/* After one round of REFILL, StartProbeBW_UP() */
		if (!a->round_start)
			break;
		b->is_bw_probe_sample = 1;
		b->ack_phase = BBR_ACKS_PROBE_STARTING;
		bbr_start_round(sk);
		bbr_reset_full_bw(b);
		b->full_bw = a->rate;
		b->state = BBR_PROBE_BW_UP;
		bbr_raise_inflight_longterm_slope(sk);
		break;
	case BBR_PROBE_BW_UP:
		/* IsTimeToGoDown(); Precautionary Probing: Deceleration */
		if (b->prev_probe_too_high &&
		    a->inflight >= b->inflight_longterm) {
			b->prev_probe_precautionary = 1;
		} else if (tcp_sk(sk)->is_cwnd_limited &&
			   tcp_snd_cwnd(tcp_sk(sk)) >= b->inflight_longterm) {
			bbr_reset_full_bw(b);	/* bw limited by longterm */
			b->full_bw = a->rate;
			break;
		} else if (!b->full_bw_now) {
			break;	/* not yet fully used the path's bw */
		}
		b->prev_probe_too_high = 0;	/* no high loss (yet) */
		bbr_start_probe_bw_down(sk);
		break;
	default:
		break;	/* only handling ProbeBW states here */
	}
}

/* Section 5.3.4.3 UpdateMinRTT() */
static void bbr_update_min_rtt(struct sock *sk, struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	long rtt_us = a->rs->rtt_us;
	u32 now = tcp_jiffies32;
	u32 interval = msecs_to_jiffies(READ_ONCE(bbr_probe_rtt_interval_ms));
	u32 filter_len = msecs_to_jiffies(READ_ONCE(bbr_min_rtt_filter_ms));

	a->probe_rtt_expired = time_after32(now, b->probe_rtt_min_stamp +
					    interval);
	if (rtt_us > 0 &&	/* RS.rtt >= 0; 0 is no sample */
	    (rtt_us < b->probe_rtt_min_us || a->probe_rtt_expired)) {
		b->probe_rtt_min_us = min_t(long, rtt_us, BBR_RTT_INF - 1);
		b->probe_rtt_min_stamp = now;
	}
	if (b->probe_rtt_min_us < b->min_rtt_us ||
	    time_after32(now, b->min_rtt_stamp + filter_len)) {
		b->min_rtt_us = b->probe_rtt_min_us;
		b->min_rtt_stamp = b->probe_rtt_min_stamp;
	}
}

/* Section 5.3.4.3 CheckProbeRTTDone() with 5.3.4.4 ExitProbeRTT() */
static void bbr_check_probe_rtt_done(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	if (!b->probe_rtt_done_stamp ||
	    !time_after32(tcp_jiffies32, b->probe_rtt_done_stamp))
		return;
	b->probe_rtt_min_stamp = tcp_jiffies32;	/* schedule next ProbeRTT */
	bbr_restore_cwnd(sk);
	bbr_reset_short_term_model(b);
	if (b->full_bw_reached) {
		bbr_start_probe_bw_down(sk);
		b->state = BBR_PROBE_BW_CRUISE;
	} else {
		b->state = BBR_STARTUP;		/* EnterStartup() */
	}
}

/* Section 5.6.4.5 ProbeRTTCwnd() */
static u32 bbr_probe_rtt_cwnd(const struct ltcp_bbr *b)
{
	return max(bbr_bdp_multiple(b, bbr_bw(b), BBR_PROBE_RTT_CWND_GAIN),
		   BBR_MIN_PIPE_CWND);
}

/* Section 5.3.4.3 CheckProbeRTT(), EnterProbeRTT() and HandleProbeRTT() */
static void bbr_check_probe_rtt(struct sock *sk, const struct bbr_ack *a)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 duration;

	if (b->state != BBR_PROBE_RTT && a->probe_rtt_expired &&
	    !b->idle_restart) {
		b->state = BBR_PROBE_RTT;
		bbr_save_cwnd(sk);
		b->probe_rtt_done_stamp = 0;
		b->ack_phase = BBR_ACKS_PROBE_STOPPING;
		bbr_start_round(sk);
	}
	if (b->state == BBR_PROBE_RTT) {
		/* Ignore low rate samples: MarkConnectionAppLimited() */
		tp->app_limited = (tp->delivered + a->inflight) ? : 1;
		if (!b->probe_rtt_done_stamp &&
		    a->inflight <= bbr_probe_rtt_cwnd(b)) {
			/* Wait for at least ProbeRTTDuration to elapse: */
			duration = READ_ONCE(bbr_probe_rtt_duration_ms);
			b->probe_rtt_done_stamp =
				(tcp_jiffies32 + msecs_to_jiffies(duration)) ? : 1;
			/* Wait for at least one round to elapse: */
			b->probe_rtt_round_done = 0;
			bbr_start_round(sk);
		} else if (b->probe_rtt_done_stamp) {
			if (a->round_start)
				b->probe_rtt_round_done = 1;
			if (b->probe_rtt_round_done)
				bbr_check_probe_rtt_done(sk);
		}
	}
	if (a->rs->delivered > 0)
		b->idle_restart = 0;
}

/*
 * Whether packet conservation starts with this ACK of fast recovery: at
 * recovery's first ACK, or with conservation_high_loss at the first ACK of
 * recovery's first round whose loss round has lost more than loss_thresh
 * (IsInflightTooHigh(), 5.5.10.2), in Startup only with its loss criterion
 * (5.3.1.3) of startup_loss_cnt loss events as well. The draft tolerates a
 * loss rate up to BBRLossThresh as noise (5.5.10.2); a cut to inflight for
 * each random loss would hold cwnd down round after round (scenario 4a in
 * Documentation/cc.rst), and in Startup's small windows one loss is
 * already above 2%.
 */
static bool bbr_conservation_starts(struct sock *sk, const struct bbr_ack *a)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);

	if (b->conserving || !b->packet_conservation)
		return false;
	if (!READ_ONCE(bbr_conservation_high_loss))
		return b->recovery_start;
	/* Startup's loss criterion (5.3.1.3): small windows, few events */
	if (b->state == BBR_STARTUP &&
	    b->loss_events < READ_ONCE(bbr_startup_loss_cnt))
		return false;
	return bbr_is_inflight_too_high(sk, a);
}

/*
 * Section 5.6.4.6 SetCwnd() with 5.6.4.2 UpdateMaxInflight(), 5.6.4.5
 * BoundCwndForProbeRTT() and 5.6.4.7 BoundCwndForModel(). In fast
 * recovery, when packet_conservation is set (the BBR paper and the draft
 * versions before BBRv2) and conservation starts (above): cwnd starts at
 * inflight + newly delivered, does not fall below that during recovery's
 * first round, and loses what is newly marked lost until recovery ends.
 */
static void bbr_set_cwnd(struct sock *sk, const struct bbr_ack *a)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	const struct rate_sample *rs = a->rs;
	u32 acked = rs->acked_sacked;
	u32 cwnd = tcp_snd_cwnd(tp);
	u32 gain = bbr_cwnd_gain_tbl[b->state];
	u32 max_inflight, cap = BBR_VOL_INF;
	bool conserve = false;

	max_inflight = bbr_bdp_multiple(b, bbr_bw(b), gain) +
		       max(b->extra_acked[0], b->extra_acked[1]);
	max_inflight = bbr_quantization_budget(sk, max_inflight);

	if (READ_ONCE(bbr_packet_conservation) &&
	    inet_csk(sk)->icsk_ca_state == TCP_CA_Recovery) {
		if (bbr_conservation_starts(sk, a)) {
			b->conserving = 1;
			cwnd = a->inflight + max(acked, 1U);
		} else if (b->conserving && rs->losses > 0) {
			cwnd = cwnd > rs->losses ? cwnd - rs->losses : 1;
		}
		if (b->conserving && b->packet_conservation) {
			cwnd = max(cwnd, a->inflight + acked);
			conserve = true;
		}
	}
	b->recovery_start = 0;

	if (!conserve) {
		if (b->full_bw_reached)
			cwnd = min(cwnd + acked, max_inflight);
		else if (cwnd < max_inflight || tp->delivered < b->init_cwnd)
			cwnd = cwnd + acked;
	}
	cwnd = bbr_vol(max(cwnd, BBR_MIN_PIPE_CWND));
	if (b->state == BBR_PROBE_RTT)
		cwnd = min(cwnd, bbr_probe_rtt_cwnd(b));

	/* BoundCwndForModel() */
	if (bbr_in_probe_bw(b) && b->state != BBR_PROBE_BW_CRUISE)
		cap = b->inflight_longterm;
	else if (b->state == BBR_PROBE_RTT || b->state == BBR_PROBE_BW_CRUISE)
		cap = bbr_headroom_inflight(b->inflight_longterm,
					    READ_ONCE(bbr_headroom));
	cap = max_t(u32, min_t(u32, cap, b->inflight_shortterm),
		    BBR_MIN_PIPE_CWND);
	cwnd = min3(cwnd, cap, tp->snd_cwnd_clamp);
	tcp_snd_cwnd_set(tp, max(cwnd, 1U));
}

/* Section 5.2.3 UpdateOnACK(); the rate sample is the kernel's. */
static void ltcp_bbr_cong_control(struct sock *sk, const struct rate_sample *rs)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	struct bbr_ack a = {
		.rs = rs,
		.rate = bbr_rate_sample(rs->delivered, rs->interval_us),
		.inflight = tcp_packets_in_flight(tcp_sk(sk)),
	};

	/* the CE share of the round that this ACK ends */
	if (rs->delivered > 0 &&
	    !before(rs->prior_delivered, b->next_round_delivered))
		a.ecn_high = bbr_ecn_round_end(sk);
	/* Section 5.2.4: the losses this ACK marked */
	bbr_handle_lost(sk, &a);

	/* UpdateModelAndState() */
	bbr_update_latest_delivery_signals(sk, &a);
	bbr_update_congestion_signals(sk, &a);
	bbr_update_ack_aggregation(sk, &a);
	bbr_check_full_bw_reached(sk, &a);
	bbr_check_startup_done(sk, &a);
	if (b->state == BBR_DRAIN &&		/* 5.3.2 CheckDrainDone() */
	    (a.inflight <= bbr_inflight(sk, bbr_bw(b), BBR_UNIT) ||
	     b->rounds_since_probe_up > BBR_DRAIN_ROUNDS))
		bbr_start_probe_bw_down(sk);	/* EnterProbeBW() */
	bbr_update_probe_bw_cycle_phase(sk, &a);
	bbr_update_min_rtt(sk, &a);
	bbr_check_probe_rtt(sk, &a);
	bbr_advance_latest_delivery_signals(sk, &a);
	/* BoundBWForModel(): bbr_bw() is min(max_bw, bw_shortterm) */

	/* UpdateControlParameters(); SetSendQuantum() is in the budget */
	bbr_set_pacing_rate_with_gain(sk, bbr_pacing_gain_tbl[b->state]);
	bbr_set_cwnd(sk, &a);
}

/* Section 5.2.1 OnInit(), with 5.6.2 InitPacingRate() */
static void ltcp_bbr_init(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 srtt_us = tp->srtt_us >> 3;
	u64 rate;

	BUILD_BUG_ON(sizeof(struct ltcp_bbr) > ICSK_CA_PRIV_SIZE);

	memset(b, 0, sizeof(*b));
	b->init_cwnd = min(tcp_snd_cwnd(tp), 255U);
	b->min_rtt_us = srtt_us ? srtt_us : BBR_RTT_INF;
	b->min_rtt_stamp = tcp_jiffies32;
	b->probe_rtt_min_us = b->min_rtt_us;
	b->probe_rtt_min_stamp = b->min_rtt_stamp;
	b->extra_acked_stamp = (u32)tp->tcp_mstamp;
	b->inflight_longterm = BBR_VOL_INF;
	b->probe_up_acked_per_inc = BBR_VOL_INF;
	bbr_reset_congestion_signals(sk);
	bbr_reset_short_term_model(b);
	/* undo_*, ack_phase ACKS_INIT, ResetFullBW(): all zero */
	b->round_delivered_ce = tp->delivered_ce;  /* InitRoundCounting() */
	b->state = BBR_STARTUP;		/* EnterStartup() */

	/* InitialCwnd / (srtt ? srtt : 1 ms) * StartupPacingGain */
	rate = div_u64((u64)b->init_cwnd * tp->mss_cache * USEC_PER_SEC,
		       srtt_us ? srtt_us : USEC_PER_MSEC);
	rate = (rate * BBR_STARTUP_PACING_GAIN) >> BBR_UNIT_SHIFT;
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));

	/* TCP's own pacing, unless a qdisc (fq) already paces this socket */
	cmpxchg(&sk->sk_pacing_status, SK_PACING_NONE, SK_PACING_NEEDED);
}

/*
 * Linux asks for ssthresh on entering fast recovery, CWR and RTO recovery,
 * before it changes cwnd: the moment for SaveCwnd() (section 5.6.4.4).
 */
static u32 ltcp_bbr_ssthresh(struct sock *sk)
{
	bbr_save_cwnd(sk);
	return tcp_sk(sk)->snd_ssthresh;
}

/* Section 5.5.11.2 HandleSpuriousLossDetection() */
static u32 ltcp_bbr_undo_cwnd(struct sock *sk)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	u32 cwnd = max(tcp_snd_cwnd(tcp_sk(sk)), b->prior_cwnd);

	b->is_loss_in_round = 0;
	bbr_reset_full_bw(b);
	b->bw_shortterm = max(b->bw_shortterm, b->undo_bw_shortterm);
	b->inflight_shortterm = max_t(u32, b->inflight_shortterm,
				      b->undo_inflight_shortterm);
	b->inflight_longterm = max_t(u32, b->inflight_longterm,
				     b->undo_inflight_longterm);
	/* If flow was probing bandwidth, return to that state: */
	if (b->undo_state == BBR_UNDO_STARTUP && b->state != BBR_STARTUP) {
		b->full_bw_reached = 0;
		if (b->state != BBR_PROBE_RTT)
			b->state = BBR_STARTUP;		/* EnterStartup() */
	} else if (b->undo_state == BBR_UNDO_PROBE_BW_UP &&
		   b->state != BBR_PROBE_BW_UP && b->state != BBR_PROBE_RTT) {
		bbr_start_probe_bw_refill(sk);
	}
	b->undo_state = BBR_UNDO_NONE;
	return cwnd;	/* RestoreCwnd() */
}

/* Section 5.6.4.4: entering and leaving loss recovery. */
static void ltcp_bbr_set_state(struct sock *sk, u8 new_state)
{
	struct ltcp_bbr *b = inet_csk_ca(sk);
	bool in_recovery = bbr_in_loss_recovery(sk);

	b->recovery_start = 0;
	b->packet_conservation = 0;
	b->conserving = 0;
	if (new_state == TCP_CA_Recovery && !in_recovery) {
		bbr_save_state_upon_loss(sk, true); /* OnEnterFastRecovery() */
		b->recovery_rounds = 0;
		b->recovery_start = 1;
		b->packet_conservation = 1;
	} else if (new_state == TCP_CA_Loss) {
		/* OnEnterRTO(): state saved at CA_EVENT_LOSS, cwnd by TCP */
		b->recovery_rounds = 0;
	} else if (new_state < TCP_CA_Recovery && in_recovery) {
		bbr_restore_cwnd(sk);
	}
}

static void ltcp_bbr_cwnd_event(struct sock *sk, enum tcp_ca_event ev)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_bbr *b = inet_csk_ca(sk);

	/*
	 * Section 5.6.4.4 OnEnterRTO(): SaveCwnd() was done by
	 * ltcp_bbr_ssthresh(), before TCP set cwnd to inflight + 1.
	 */
	if (ev == CA_EVENT_LOSS)
		bbr_save_state_upon_loss(sk, false);
	/* Sections 5.2.2 and 5.4.1 HandleRestartFromIdle() */
	if (ev != CA_EVENT_TX_START || tcp_packets_in_flight(tp) ||
	    !tp->app_limited)
		return;
	b->idle_restart = 1;
	b->extra_acked_stamp = (u32)tcp_clock_us();
	if (bbr_in_probe_bw(b))
		bbr_set_pacing_rate_with_gain(sk, BBR_UNIT);
	else if (b->state == BBR_PROBE_RTT)
		bbr_check_probe_rtt_done(sk);
}

/* Section 5.6.3: C.send_quantum is at least 2 * C.SMSS. */
static u32 ltcp_bbr_min_tso_segs(struct sock *sk)
{
	return 2;
}

/* cwnd is up to 2.25 BDP plus the aggregation and offload budgets */
static u32 ltcp_bbr_sndbuf_expand(struct sock *sk)
{
	return 3;
}

static size_t ltcp_bbr_get_info(struct sock *sk, u32 ext, int *attr,
				union tcp_cc_info *info)
{
	const struct ltcp_bbr *b = inet_csk_ca(sk);
	u64 bw;

	if (!(ext & (1 << (INET_DIAG_BBRINFO - 1))) &&
	    !(ext & (1 << (INET_DIAG_VEGASINFO - 1))))
		return 0;
	bw = bbr_rate_bytes(bbr_max_bw(b), tcp_sk(sk)->mss_cache, BBR_UNIT, 0);
	memset(&info->bbr, 0, sizeof(info->bbr));
	info->bbr.bbr_bw_lo = (u32)bw;
	info->bbr.bbr_bw_hi = (u32)(bw >> 32);
	info->bbr.bbr_min_rtt = b->min_rtt_us;
	/* gains in 1/256 */
	info->bbr.bbr_pacing_gain = bbr_pacing_gain_tbl[b->state] >> 2;
	info->bbr.bbr_cwnd_gain = bbr_cwnd_gain_tbl[b->state] >> 2;
	*attr = INET_DIAG_BBRINFO;
	return sizeof(info->bbr);
}

static struct tcp_congestion_ops ltcp_bbr_ops __read_mostly = {
	.init		= ltcp_bbr_init,
	.ssthresh	= ltcp_bbr_ssthresh,
	.cong_control	= ltcp_bbr_cong_control,
	.undo_cwnd	= ltcp_bbr_undo_cwnd,
	.set_state	= ltcp_bbr_set_state,
	.cwnd_event	= ltcp_bbr_cwnd_event,
	.min_tso_segs	= ltcp_bbr_min_tso_segs,
	.sndbuf_expand	= ltcp_bbr_sndbuf_expand,
	.get_info	= ltcp_bbr_get_info,
	.owner		= THIS_MODULE,
	.name		= "ltcp_bbr",
};

struct ltcp_bbr_selftest_case {
	const char *what;
	u64 got;
	u64 want;
};

/*
 * Load-time check of the gain tables and the fixed-point arithmetic
 * against values worked out by hand from the draft's decimal constants.
 */
static int __init ltcp_bbr_selftest(void)
{
	/* section 5.6.1 table, gains * 1000 */
	static const u16 pacing_x1000[BBR_NR_STATES] __initconst = {
		2770, 500, 900, 1000, 1000, 1250, 1000,
	};
	static const u16 cwnd_x1000[BBR_NR_STATES] __initconst = {
		2000, 2000, 2000, 2000, 2000, 2250, 500,
	};
	/* 100 packets in 10 ms: 0.01 packet/us, 167772.16 in Q24 */
	const u32 bw = 167772;
	const struct ltcp_bbr_selftest_case v[] = {
		{ "rate_sample", bbr_rate_sample(100, 10000), bw },
		{ "rate_sample(0)", bbr_rate_sample(0, 10000), 0 },
		{ "rate_sample(-1)", bbr_rate_sample(5, -1), 0 },
		/* BDP at 20 ms: 199.9999 packets, rounded up; 2x, 0.5x */
		{ "bdp", bbr_bdp_gain(bw, 20000, BBR_UNIT, 10), 200 },
		{ "bdp*2", bbr_bdp_gain(bw, 20000, 2 * BBR_UNIT, 10), 400 },
		{ "bdp/2", bbr_bdp_gain(bw, 20000, BBR_UNIT / 2, 10), 100 },
		{ "bdp(no rtt)", bbr_bdp_gain(bw, BBR_RTT_INF, BBR_UNIT, 10), 10 },
		/*
		 * 10000 packets/s of 1448 bytes, 1% margin: 14335200 B/s;
		 * 2836/1024 of it without margin: 40102812.5 B/s. The Q24 bw
		 * is 1e-6 low and each step truncates.
		 */
		{ "pacing", bbr_rate_bytes(bw, 1448, BBR_UNIT, 1), 14335180 },
		{ "pacing*2.77", bbr_rate_bytes(bw, 1448, 2836, 0), 40102757 },
		/*
		 * InflightAtLoss, LossThresh 2%: 15 of 500 lost, 10 of them
		 * in P: (5 + x) / (490 + x) reaches 2% at x = 4.9, so 494.
		 * Below the threshold before P: inflight_prev.
		 */
		{ "inflight_at_loss", bbr_inflight_at_loss(500, 15, 10, 2), 494 },
		{ "inflight_at_loss2", bbr_inflight_at_loss(100, 20, 10, 2), 90 },
		{ "loss 3%", bbr_loss_too_high(3, 100, 2), true },
		{ "loss 2%", bbr_loss_too_high(2, 100, 2), false },
		/* Headroom 15%: 100 -> 85; at least 1 packet; MinPipeCwnd */
		{ "headroom", bbr_headroom_inflight(100, 15), 85 },
		{ "headroom(5)", bbr_headroom_inflight(5, 15), 4 },
		{ "headroom(inf)", bbr_headroom_inflight(BBR_VOL_INF, 15),
		  BBR_VOL_INF },
	};
	unsigned int i;

	for (i = 0; i < BBR_NR_STATES; i++) {
		s32 dp = bbr_pacing_gain_tbl[i] * 1000 -
			 pacing_x1000[i] * BBR_UNIT;
		s32 dc = bbr_cwnd_gain_tbl[i] * 1000 - cwnd_x1000[i] * BBR_UNIT;

		/* each within half of 1/1024 of the draft's value */
		if (abs(dp) > 500 || abs(dc) > 500) {
			pr_err("self-test: gain table, state %u failed\n", i);
			return -EINVAL;
		}
	}
	for (i = 0; i < ARRAY_SIZE(v); i++) {
		if (v[i].got != v[i].want) {
			pr_err("self-test: %s failed (%llu, not %llu)\n",
			       v[i].what, v[i].got, v[i].want);
			return -EINVAL;
		}
	}
	pr_debug("self-tests: pass\n");
	return 0;
}

static int __init ltcp_bbr_module_init(void)
{
	int ret;

	ret = ltcp_bbr_selftest();
	if (ret)
		return ret;
	return tcp_register_congestion_control(&ltcp_bbr_ops);
}

static void __exit ltcp_bbr_module_exit(void)
{
	tcp_unregister_congestion_control(&ltcp_bbr_ops);
}

module_init(ltcp_bbr_module_init);
module_exit(ltcp_bbr_module_exit);

MODULE_AUTHOR("ltcp developers");
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ltcp BBR congestion control (draft-ietf-ccwg-bbr-06, BBRv3)");
MODULE_ALIAS("tcp_ltcp_bbr");
