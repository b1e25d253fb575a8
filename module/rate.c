// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp delivery-rate estimation: the struct rate_sample a congestion
 * control's cong_control() reads (BBR), following
 * draft-cheng-iccrg-delivery-rate-estimation-02.
 *
 * Each segment, when sent, records the connection's delivery state (how
 * much had been delivered, and when; when the current send flight began;
 * whether the application was the limit). When an ACK delivers segments,
 * the most recently sent of them gives the interval over which
 * tcp_sock.delivered grew, measured on both the send side (first_tx to
 * this send) and the ACK side (that segment's delivered time to now); the
 * longer of the two, section 3.3, keeps ACK compression from inflating the
 * rate. Counts are in segments, times in the microsecond clock of
 * tcp_sock.tcp_mstamp, as the kernel's congestion controls expect.
 */
#include <net/tcp.h>

#include "ltcp.h"

/* A 64-bit microsecond time from its low 32 bits, at most 71 minutes
 * before @now.
 */
static u64 ltcp_rate_us(u64 now, u32 low)
{
	return now - (u32)((u32)now - low);
}

/**
 * ltcp_rate_skb_sent() - record the delivery state in a segment being sent
 * @sk: the socket
 * @skb: the segment on the write queue, sent (or resent) now
 *
 * Section 3.2 "Transmitting a data packet": when nothing is in flight a
 * new send flight starts now.
 */
void ltcp_rate_skb_sent(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->packets_out) {
		u64 now = tcp_clock_us();

		tp->first_tx_mstamp = now;
		tp->delivered_mstamp = now;
	}
	cb->tx.first_tx_us = (u32)tp->first_tx_mstamp;
	cb->tx.delivered_us = (u32)tp->delivered_mstamp;
	cb->tx.delivered = tp->delivered;
	cb->tx.delivered_ce = tp->delivered_ce;
	cb->tx.app_limited = tp->app_limited != 0;
	cb->tx.sent = 1;
}

/**
 * ltcp_rate_skb_delivered() - a sent segment was delivered (ACKed)
 * @sk: the socket
 * @skb: the segment
 * @rs: the sample being built for this ACK
 *
 * Section 3.3 "Upon receiving an ACK": the segment sent last among those
 * this ACK delivers defines the sample (UpdateRateSample() and
 * IsNewestPacket()).
 */
void ltcp_rate_skb_delivered(struct sock *sk, struct sk_buff *skb,
			     struct rate_sample *rs)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	u64 sent_us;

	if (!cb->tx.sent)
		return;
	cb->tx.sent = 0;
	sent_us = ltcp_rate_us(tp->tcp_mstamp, cb->tx_us);
	/* Is this the newest segment so far? Sent later than the one the
	 * sample holds (whose send time first_tx_mstamp now is), or at the
	 * same time but further in sequence. Segments sent between two
	 * ACKs share their delivery state: the last sent of them gives
	 * the longest send interval.
	 */
	if (rs->prior_mstamp &&
	    (sent_us < tp->first_tx_mstamp ||
	     (sent_us == tp->first_tx_mstamp &&
	      !ltcp_after(cb->end_seq, rs->last_end_seq))))
		return;
	rs->prior_delivered = cb->tx.delivered;
	rs->prior_delivered_ce = cb->tx.delivered_ce;
	rs->prior_mstamp = ltcp_rate_us(tp->tcp_mstamp, cb->tx.delivered_us);
	rs->is_app_limited = cb->tx.app_limited;
	rs->is_retrans = cb->retrans != 0;
	rs->last_end_seq = cb->end_seq;
	rs->snd_interval_us = (u32)(sent_us -
				    ltcp_rate_us(tp->tcp_mstamp,
						 cb->tx.first_tx_us));
	/* The next send flight's start: this segment's send time. */
	tp->first_tx_mstamp = sent_us;
}

/**
 * ltcp_rate_gen() - finish the rate sample of one ACK
 * @sk: the socket
 * @delivered: segments this ACK newly delivered
 * @lost: segments newly marked lost while processing it
 * @rs: the sample; prior_* filled by ltcp_rate_skb_delivered()
 *
 * An invalid sample has interval_us = -1 (and delivered = -1 when there
 * was nothing to measure from): congestion controls skip those.
 */
void ltcp_rate_gen(struct sock *sk, u32 delivered, u32 lost,
		   struct rate_sample *rs)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 snd_us, ack_us;

	/* Section 3.4: the application-limited period ends once what was
	 * in flight when it began has been delivered.
	 */
	if (tp->app_limited && ltcp_after(tp->delivered, tp->app_limited))
		tp->app_limited = 0;
	if (delivered)
		tp->delivered_mstamp = tp->tcp_mstamp;
	rs->acked_sacked = delivered;
	rs->losses = lost;
	if (!rs->prior_mstamp) {
		rs->delivered = -1;
		rs->interval_us = -1;
		return;
	}
	rs->delivered = tp->delivered - rs->prior_delivered;
	rs->delivered_ce = tp->delivered_ce - rs->prior_delivered_ce;
	snd_us = rs->snd_interval_us;
	ack_us = (u32)(tp->tcp_mstamp - rs->prior_mstamp);
	rs->rcv_interval_us = ack_us;
	rs->interval_us = max(snd_us, ack_us);
	/* Shorter than the minimum RTT can only be a measurement artifact
	 * (section 3.3).
	 */
	if (rs->interval_us < tcp_min_rtt(tp)) {
		rs->interval_us = -1;
		return;
	}
	/* Keep the latest sample for TCP_INFO's delivery_rate unless it is
	 * application-limited and slower than the one kept (section 3.5).
	 */
	if (!rs->is_app_limited || !tp->rate_interval_us ||
	    (u64)rs->delivered * tp->rate_interval_us >=
	    (u64)tp->rate_delivered * rs->interval_us) {
		tp->rate_delivered = rs->delivered;
		tp->rate_interval_us = rs->interval_us;
		tp->rate_app_limited = rs->is_app_limited;
	}
}

/**
 * ltcp_rate_check_app_limited() - the sender ran out of data to send
 * @sk: the socket
 *
 * Section 3.4: with less than a segment unsent, room in the congestion
 * window and no lost segment waiting, the application is the limit until
 * what is in flight now has been delivered.
 */
void ltcp_rate_check_app_limited(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->write_seq - tp->snd_nxt < tp->mss_cache &&
	    tcp_packets_in_flight(tp) < tcp_snd_cwnd(tp) &&
	    tp->lost_out <= tp->retrans_out &&
	    !hrtimer_is_queued(&tp->pacing_timer))
		tp->app_limited = (tp->delivered +
				   tcp_packets_in_flight(tp)) ? : 1;
}
