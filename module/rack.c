// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: RACK loss detection (RFC 8985 section 6).
 *
 * Written from RFC 8985. Every sent segment carries the time it was last
 * (re)transmitted (ltcp_skb_cb.tx_us, the low 32 bits of the microsecond
 * clock, set when output.c hands it to IP). RACK remembers the most
 * recently sent segment that was delivered, cumulatively or by SACK
 * (RACK.xmit_ts, RACK.end_seq, and RACK.rtt, the RTT its delivery gave);
 * a segment not delivered that was sent more than RACK.rtt + RACK.reo_wnd
 * before that one's delivery is lost (section 6.2 step 5). A segment sent
 * before RACK.segment whose time is not yet up arms the RACK reordering
 * timer (ICSK_TIME_REO_TIMEOUT on the retransmit timer, beside the RTO,
 * the loss probe and the zero-window probe), which runs the detection
 * again when it is (section 6.3).
 *
 * The reordering window (section 6.2 step 4) is min_RTT / 4 times
 * RACK.reo_wnd_mult, at most SRTT; D-SACKs widen it by one step per round
 * trip in which they come, and it falls back to one step after 16
 * recoveries without any. Once widened, a step is at least SRTT / 8
 * (ltcp_rack_reo_wnd()). Before reordering was seen it is zero in fast
 * or RTO recovery and once DupThresh segments are SACKed (unless
 * net.ltcp.recovery has LTCP_RECOVERY_NO_DUPTHRESH): RFC 6675's rule,
 * expressed in time.
 *
 * net.ltcp.recovery (Linux's tcp_recovery bits): LTCP_RECOVERY_RACK on
 * (the default), RACK marks the losses of a SACK connection and RFC
 * 6675's IsLost() is not used; off, sack.c's IsLost() and the duplicate
 * ACK count do. LTCP_RECOVERY_STATIC_REO keeps the window at min_RTT / 4.
 */
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/* RFC 8985 section 6.2 step 4: recoveries a widened window lasts. */
#define LTCP_RACK_PERSIST	16

static int ltcp_rack_mode(const struct sock *sk)
{
	return READ_ONCE(ltcp_net(sock_net(sk))->recovery);
}

/**
 * ltcp_rack_enabled() - does RACK detect this connection's losses?
 * @sk: the socket
 *
 * Return: true when net.ltcp.recovery has LTCP_RECOVERY_RACK and the
 *	connection uses SACK (RFC 8985 section 4 needs SACK).
 */
bool ltcp_rack_enabled(const struct sock *sk)
{
	return (ltcp_rack_mode(sk) & LTCP_RECOVERY_RACK) &&
	       tcp_sk(sk)->rx_opt.sack_ok;
}

/**
 * ltcp_rack_init() - a connection's RACK state at its start
 * @sk: the socket
 *
 * RFC 8985 section 6.1: no segment delivered yet, no reordering seen,
 * the window one step, no D-SACK round.
 */
void ltcp_rack_init(struct sock *sk)
{
	struct ltcp_rack *rack = &ltcp_sk(sk)->rack;

	memset(rack, 0, sizeof(*rack));
	tcp_sk(sk)->reord_seen = 0;
	rack->reo_wnd_mult = 1;
	rack->reo_wnd_persist = LTCP_RACK_PERSIST;
}

/* RFC 8985 section 6.2: RACK_sent_after(t1, seq1, t2, seq2). */
static bool ltcp_rack_sent_after(u32 t1, u32 seq1, u32 t2, u32 seq2)
{
	return (s32)(t1 - t2) > 0 || (t1 == t2 && ltcp_after(seq1, seq2));
}

/**
 * ltcp_rack_ack_start() - an ACK is about to be processed
 * @sk: the socket
 */
void ltcp_rack_ack_start(struct sock *sk)
{
	struct ltcp_rack *rack = &ltcp_sk(sk)->rack;

	rack->ack_any = 0;
	rack->ack_dsack = 0;
	rack->ack_reord_segs = 0;
	rack->recovery_done = 0;
}

/**
 * ltcp_rack_dsack() - the ACK being processed carries a D-SACK
 * @sk: the socket
 */
void ltcp_rack_dsack(struct sock *sk)
{
	ltcp_sk(sk)->rack.ack_dsack = 1;
}

/**
 * ltcp_rack_recovery_done() - fast recovery or RTO recovery ended
 * @sk: the socket
 *
 * Counted by step 4 of the ACK that ended it.
 */
void ltcp_rack_recovery_done(struct sock *sk)
{
	ltcp_sk(sk)->rack.recovery_done = 1;
}

/**
 * ltcp_rack_delivered() - RFC 8985 section 6.2 steps 2 and 3 for one
 *	segment the ACK being processed newly delivered
 * @sk: the socket; tcp_sock.tcp_mstamp is the ACK's arrival time
 * @skb: the segment, cumulatively acknowledged or SACKed for the first
 *	time; called in ascending sequence order within an ACK
 *
 * Step 2: a segment ever retransmitted is ignored when its last
 * transmission is younger than min_RTT (the ACK may be for an earlier
 * one: RACK.rtt would come out far too small). The others make RACK.rtt
 * the RTT of the most recently sent of them (set once the ACK is done,
 * in ltcp_rack_ack()), and RACK.xmit_ts/RACK.end_seq follow the most
 * recently sent segment delivered so far. Step 3: RACK.fack is the
 * highest sequence delivered; a segment never retransmitted delivered
 * below it arrived out of order.
 */
void ltcp_rack_delivered(struct sock *sk, const struct sk_buff *skb)
{
	const struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct ltcp_rack *rack = &ltcp_sk(sk)->rack;
	struct tcp_sock *tp = tcp_sk(sk);
	s32 rtt = (s32)((u32)tp->tcp_mstamp - cb->tx_us);

	/* Step 3. */
	if (!rack->fack_valid || ltcp_after(cb->end_seq, rack->fack)) {
		rack->fack = cb->end_seq;
		rack->fack_valid = 1;
	} else if (ltcp_before(cb->end_seq, rack->fack) && !cb->retrans) {
		u32 mss = tp->mss_cache ? : LTCP_MSS_DEFAULT;

		rack->ack_reord = 1;
		/* Its distance, in segments, for DupThresh. */
		rack->ack_reord_segs = max(rack->ack_reord_segs,
					   DIV_ROUND_UP(rack->fack - cb->end_seq,
							mss));
	}

	/* Step 2. The TSecr check is not made: ltcp's TSval is a
	 * millisecond clock that the segment's transmission time does not
	 * record; the min_RTT check stands in for it (the RFC's heuristic
	 * without timestamps).
	 */
	if (cb->retrans && rtt < (s32)tcp_min_rtt(tp))
		return;
	if (!rack->ack_any ||
	    ltcp_rack_sent_after(cb->tx_us, cb->end_seq, rack->ack_xmit_us,
				 rack->ack_end_seq)) {
		rack->ack_xmit_us = cb->tx_us;
		rack->ack_end_seq = cb->end_seq;
		rack->ack_any = 1;
	}
	if (!rack->valid ||
	    ltcp_rack_sent_after(cb->tx_us, cb->end_seq, rack->xmit_us,
				 rack->end_seq)) {
		rack->xmit_us = cb->tx_us;
		rack->end_seq = cb->end_seq;
		rack->from_retrans = !!cb->retrans;
		rack->valid = 1;
	}
}

/*
 * RFC 8985 section 6.2 step 4, RACK_update_reo_wnd(): the D-SACK round
 * and the window's multiplier. A D-SACK (RFC 2883) says a retransmission
 * was spurious: the window grows by one step, at most once per round trip
 * (RACK.dsack_round, SND.NXT when it grew), and keeps that size for 16
 * recoveries without D-SACK.
 */
static void ltcp_rack_update_reo_wnd(struct sock *sk)
{
	struct ltcp_rack *rack = &ltcp_sk(sk)->rack;
	struct tcp_sock *tp = tcp_sk(sk);

	if (rack->dsack_round_on &&
	    !ltcp_before(tp->snd_una, rack->dsack_round))
		rack->dsack_round_on = 0;
	if (!rack->dsack_round_on && rack->ack_dsack) {
		rack->dsack_round = tp->snd_nxt;
		rack->dsack_round_on = 1;
		if (rack->reo_wnd_mult < U8_MAX)
			rack->reo_wnd_mult++;
		rack->reo_wnd_persist = LTCP_RACK_PERSIST;
	} else if (rack->recovery_done) {
		if (rack->reo_wnd_persist)
			rack->reo_wnd_persist--;
		if (!rack->reo_wnd_persist)
			rack->reo_wnd_mult = 1;
	}
}

/**
 * ltcp_rack_reo_wnd() - RACK.reo_wnd, in microseconds
 * @sk: the socket
 *
 * RFC 8985 section 6.2 step 4: zero before any reordering was seen when
 * in fast or RTO recovery, or once DupThresh (tcp_sock.reordering)
 * segments are SACKed (not with LTCP_RECOVERY_NO_DUPTHRESH); otherwise
 * reo_wnd_mult * min_RTT / 4 (one step with LTCP_RECOVERY_STATIC_REO),
 * at most SRTT.
 *
 * Return: the window.
 */
u32 ltcp_rack_reo_wnd(const struct sock *sk)
{
	const struct ltcp_rack *rack = &ltcp_sk(sk)->rack;
	const struct tcp_sock *tp = tcp_sk(sk);
	int mode = ltcp_rack_mode(sk);
	u32 min_rtt = tcp_min_rtt(tp), mult;
	u64 wnd;

	if (!rack->reordering_seen) {
		if (ltcp_sk(sk)->in_recovery ||
		    inet_csk(sk)->icsk_ca_state == TCP_CA_Loss)
			return 0;
		if (tp->sacked_out >= tp->reordering &&
		    !(mode & LTCP_RECOVERY_NO_DUPTHRESH))
			return 0;
	}
	if (min_rtt == ~0U)
		min_rtt = tp->srtt_us >> 3;
	mult = (mode & LTCP_RECOVERY_STATIC_REO) ? 1 : rack->reo_wnd_mult;
	/* D-SACKs showed the window too small. Its steps are min_RTT / 4,
	 * but a path whose reordered packets skip a queue or a delay (a
	 * bonded link, netem's reorder) gives min_RTT samples far below
	 * the round trip the late ones take: at 0.05 ms against 20 ms, the
	 * multiplier (at most one step per round trip) never catches up
	 * and every reordered packet costs a flight of spurious resends.
	 * Once widened, the steps are at least SRTT / 8.
	 */
	if (mult > 1)
		min_rtt = max(min_rtt, tp->srtt_us >> 4);
	wnd = (u64)(min_rtt >> 2) * mult;
	return (u32)min_t(u64, wnd, tp->srtt_us >> 3);
}

/*
 * A segment RACK found lost. A retransmission lost again leaves
 * retrans_out and counts as one more lost transmission (tcp_sock.lost,
 * TcpExtTCPLostRetransmit); it is then sent again (output.c sends lost
 * segments not retransmitted since).
 */
static void ltcp_rack_mark_lost(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);

	if (cb->state & LTCP_SKB_RETRANS) {
		cb->state &= ~LTCP_SKB_RETRANS;
		if (tp->retrans_out)
			tp->retrans_out--;
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPLOSTRETRANSMIT);
		if (cb->state & LTCP_SKB_LOST) {
			tp->lost++;
			return;
		}
	}
	ltcp_mark_lost(sk, skb);
}

/*
 * RFC 8985 section 6.2 step 5, RACK_detect_loss(): every segment not
 * delivered, sent before RACK.segment, is lost once RACK.rtt +
 * RACK.reo_wnd have passed since it was sent; the time left for the
 * others is the RACK timer's. A segment counted lost and not resent yet
 * is out of the race (the RFC's INFINITE_TS).
 *
 * Returns the number of segments newly marked lost; *@timeout_us is the
 * longest time left (0: none).
 */
static u32 ltcp_rack_detect_loss(struct sock *sk, u32 *timeout_us)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct ltcp_rack *rack = &lsk->rack;
	struct tcp_sock *tp = tcp_sk(sk);
	u32 now = (u32)tp->tcp_mstamp;
	u32 reo_wnd, lost = 0;
	struct sk_buff *skb;

	*timeout_us = 0;
	if (!rack->valid || !tp->packets_out)
		return 0;
	/* Without SACKed segments, retransmissions in flight or a
	 * retransmission as RACK.segment, everything outstanding went out
	 * in sequence order after RACK.segment: nothing to look at.
	 */
	if (!tp->sacked_out && !tp->retrans_out && !rack->from_retrans)
		return 0;
	reo_wnd = ltcp_rack_reo_wnd(sk);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
		s32 left;

		if (skb == lsk->send_head)
			break;
		if (cb->state & LTCP_SKB_SACKED)
			continue;
		if ((cb->state & (LTCP_SKB_LOST | LTCP_SKB_RETRANS)) ==
		    LTCP_SKB_LOST)
			continue;
		if (!ltcp_rack_sent_after(rack->xmit_us, rack->end_seq,
					  cb->tx_us, cb->end_seq))
			continue;
		left = (s32)(cb->tx_us + rack->rtt_us + reo_wnd - now);
		if (left <= 0) {
			ltcp_rack_mark_lost(sk, skb);
			lost++;
		} else if ((u32)left > *timeout_us) {
			*timeout_us = left;
		}
	}
	return lost;
}

/*
 * The RACK timer for @timeout_us from now (RFC 8985 section 6.3), one
 * jiffy more than the time rounded up: a jiffies timer may fire up to a
 * tick early, and a segment whose time is not quite up would only arm it
 * again.
 */
static void ltcp_rack_arm(struct sock *sk, u32 timeout_us)
{
	unsigned long when = usecs_to_jiffies(timeout_us) + 1;

	inet_csk_reset_xmit_timer(sk, ICSK_TIME_REO_TIMEOUT, when,
				  LTCP_RTO_MAX);
}

/**
 * ltcp_rack_ack() - RACK's part of an ACK (RFC 8985 section 6.2)
 * @sk: the socket, owned by the caller, the scoreboard updated for the
 *	ACK (steps 2 and 3 ran for each segment it delivered)
 *
 * Sets RACK.rtt from the most recently sent segment the ACK delivered,
 * counts reordering (tcp_sock.reord_seen, TcpExtTCPSACKReorder; DupThresh,
 * tcp_sock.reordering, grows to what was seen), updates
 * the reordering window (step 4) and, when RACK is enabled, detects the
 * losses (step 5). The RACK timer the detection asks for is armed by
 * ltcp_rack_arm_pending() once the ACK was processed.
 *
 * Return: the number of segments newly marked lost.
 */
u32 ltcp_rack_ack(struct sock *sk)
{
	struct ltcp_rack *rack = &ltcp_sk(sk)->rack;
	struct tcp_sock *tp = tcp_sk(sk);
	u32 lost;

	if (rack->ack_any) {
		s32 rtt = (s32)((u32)tp->tcp_mstamp - rack->ack_xmit_us);

		rack->rtt_us = max(rtt, 1);
	}
	if (rack->ack_reord) {
		u32 max = READ_ONCE(ltcp_net(sock_net(sk))->max_reordering);

		rack->ack_reord = 0;
		rack->reordering_seen = 1;
		tp->reord_seen++;
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPSACKREORDER);
		/* DupThresh (RFC 6675, and step 4's DupThresh rule) grows
		 * past the reordering seen: one more than the segments
		 * delivered above the late one, up to
		 * net.ltcp.max_reordering, never down.
		 */
		if (rack->ack_reord_segs + 1 > tp->reordering &&
		    tp->reordering < max)
			tp->reordering = min(rack->ack_reord_segs + 1, max);
	}
	ltcp_rack_update_reo_wnd(sk);
	rack->timeout_us = 0;
	if (!ltcp_rack_enabled(sk))
		return 0;
	lost = ltcp_rack_detect_loss(sk, &rack->timeout_us);
	return lost;
}

/**
 * ltcp_rack_arm_pending() - arm the RACK timer the last detection asked for
 * @sk: the socket
 *
 * RFC 8985 section 6.3: it takes the place of the RTO or loss probe
 * timer, which the RACK timer's handler arms again.
 */
void ltcp_rack_arm_pending(struct sock *sk)
{
	struct ltcp_rack *rack = &ltcp_sk(sk)->rack;

	if (rack->timeout_us && tcp_sk(sk)->packets_out)
		ltcp_rack_arm(sk, rack->timeout_us);
}

/**
 * ltcp_rack_timeout() - the RACK timer fired (RFC 8985 section 6.3)
 * @sk: the socket, owned or bh-locked and not owned
 *
 * RACK_detect_loss_and_arm_timer(): the segments whose time is now up
 * are lost; fast recovery starts if it is not running (ltcp_start_recovery
 * resends), then the RACK timer again for the ones still waiting, or the
 * loss probe or RTO.
 */
void ltcp_rack_timeout(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 timeout_us = 0;

	tp->tcp_mstamp = tcp_clock_us();
	if (ltcp_rack_enabled(sk) && ltcp_rack_detect_loss(sk, &timeout_us))
		ltcp_start_recovery(sk);
	ltcp_push_pending(sk);
	if (!tp->packets_out)
		return;
	if (timeout_us) {
		ltcp_rack_arm(sk, timeout_us);
		return;
	}
	if (inet_csk(sk)->icsk_pending == ICSK_TIME_REO_TIMEOUT ||
	    !inet_csk(sk)->icsk_pending) {
		if (!ltcp_tlp_arm(sk, false))
			ltcp_rearm_rto(sk);
	}
}
