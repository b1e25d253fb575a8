// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp input: segment validation, options, and the event processing of
 * RFC 9293 section 3.10.7 (SEGMENT ARRIVES) for every state of a full
 * socket: the acceptability test, RST and SYN handling with RFC 5961's
 * rules, ACK processing with the congestion-control hooks, NewReno fast
 * retransmit (RFC 5681, RFC 6582), the receive queue and out-of-order
 * data, and FIN.
 */
#include <linux/skbuff.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/*
 * Are the options well formed? Each option but EOL and NOP has a length
 * byte of at least 2 that stays inside the header (RFC 9293 3.1: a TCP
 * must be prepared for an illegal option length, such as zero).
 */
static bool ltcp_options_wellformed(const struct tcphdr *th)
{
	const u8 *p = (const u8 *)(th + 1);
	int left = th->doff * 4 - sizeof(*th);

	while (left > 0) {
		if (*p == LTCP_OPT_EOL)
			return true;
		if (*p == LTCP_OPT_NOP) {
			p++;
			left--;
			continue;
		}
		if (left < 2 || p[1] < 2 || p[1] > left)
			return false;
		left -= p[1];
		p += p[1];
	}
	return true;
}

/**
 * ltcp_segment_valid() - check a received segment before anything reads it
 * @skb: the segment, skb->data at the TCP header
 *
 * The header length against the segment, flag combinations that no TCP
 * sends, the checksum unless the NIC vouched for it, and the length of
 * every option. A segment that fails is counted as the kernel's TCP counts
 * it (TcpInErrs, and TcpInCsumErrors for the checksum), to be dropped.
 * Fills LTCP_SKB_CB() on success.
 *
 * Return: true if the segment may be processed.
 */
bool ltcp_segment_valid(struct sk_buff *skb)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	const struct tcphdr *th = (const struct tcphdr *)skb->data;
	struct net *net = dev_net(skb->dev);
	unsigned int hdrlen = th->doff * 4;

	/* pskb_may_pull() fails when the segment is shorter than hdrlen. */
	if (hdrlen < sizeof(struct tcphdr) || !pskb_may_pull(skb, hdrlen))
		goto bad;
	th = (const struct tcphdr *)skb->data;
	/* SYN with FIN or RST is never sent by a conforming TCP. */
	if (th->syn && (th->fin || th->rst))
		goto bad;
	if (ltcp_skb_v6(skb) ?
	    skb_checksum_init(skb, IPPROTO_TCP, ip6_compute_pseudo) :
	    skb_checksum_init(skb, IPPROTO_TCP, inet_compute_pseudo))
		goto csum_bad;
	if (skb_checksum_complete(skb))
		goto csum_bad;
	if (!ltcp_options_wellformed(th))
		goto bad;

	cb->seq = ntohl(th->seq);
	cb->end_seq = cb->seq + th->syn + th->fin + skb->len - hdrlen;
	cb->ack_seq = ntohl(th->ack_seq);
	cb->window = ntohs(th->window);
	cb->flags = ((const u8 *)th)[13];
	cb->retrans = 0;
	return true;

csum_bad:
	__TCP_INC_STATS(net, TCP_MIB_CSUMERRORS);
bad:
	__TCP_INC_STATS(net, TCP_MIB_INERRS);
	return false;
}

/**
 * ltcp_parse_options() - read the options of a segment
 * @th: its header, whose options were pulled in with it
 * @opt: filled in
 *
 * Every option's length is checked against what is left of the header
 * before its contents are read; a malformed option ends parsing (received
 * segments with one were dropped by ltcp_segment_valid() already).
 */
void ltcp_parse_options(const struct tcphdr *th, struct ltcp_options *opt)
{
	const u8 *p = (const u8 *)(th + 1);
	int left = th->doff * 4 - sizeof(*th);

	memset(opt, 0, sizeof(*opt));
	while (left > 0) {
		u8 kind = *p, len;

		if (kind == LTCP_OPT_EOL)
			return;
		if (kind == LTCP_OPT_NOP) {
			p++;
			left--;
			continue;
		}
		if (left < 2)
			return;
		len = p[1];
		if (len < 2 || len > left)
			return;
		switch (kind) {
		case LTCP_OPT_MSS:
			if (len == LTCP_OPTLEN_MSS && th->syn)
				opt->mss = get_unaligned_be16(p + 2);
			break;
		case LTCP_OPT_WSCALE:
			if (len == LTCP_OPTLEN_WSCALE && th->syn) {
				opt->wscale_ok = 1;
				/* RFC 7323 2.3: larger than 14 means 14. */
				opt->wscale = min_t(u8, p[2], LTCP_MAX_WSCALE);
			}
			break;
		case LTCP_OPT_SACK_PERM:
			if (len == LTCP_OPTLEN_SACK_PERM && th->syn)
				opt->sack_perm = 1;
			break;
		case LTCP_OPT_SACK:
			/* RFC 2018 section 3; a bad length is ignored. */
			if (!th->syn && ltcp_sack_option_ok(len)) {
				opt->num_sacks = (len - 2) / 8;
				opt->sack = p + 2;
			}
			break;
		case LTCP_OPT_TS:
			if (len == LTCP_OPTLEN_TS) {
				opt->saw_ts = 1;
				opt->tsval = get_unaligned_be32(p + 2);
				opt->tsecr = get_unaligned_be32(p + 6);
			}
			break;
		}
		p += len;
		left -= len;
	}
}

/* The connection failed or was reset: tell the user, then close. */
static void ltcp_reset(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		sk->sk_err = ECONNREFUSED;
		break;
	case TCP_CLOSE_WAIT:
		sk->sk_err = EPIPE;
		break;
	default:
		sk->sk_err = ECONNRESET;
	}
	sk_error_report(sk);
	ltcp_done(sk);
}

/*
 * A challenge ACK (RFC 5961 3.2, 4.2 and 5.2): our current state, nothing
 * else. RFC 5961 7: at most one per socket in net.ipv4.tcp_invalid_ratelimit
 * (500 ms by default), counted as the kernel's TCP counts them.
 */
static void ltcp_send_challenge_ack(struct sock *sk)
{
	struct net *net = sock_net(sk);

	/* Rate limited whatever the segment carries (a SYN, a RST). */
	if (ltcp_ack_rate_limited(net, LINUX_MIB_TCPACKSKIPPEDCHALLENGE,
				  &tcp_sk(sk)->last_oow_ack_time))
		return;
	NET_INC_STATS(net, LINUX_MIB_TCPCHALLENGEACK);
	ltcp_send_ack(sk);
}

/* RFC 5961 5.2: SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT. */
static bool ltcp_ack_acceptable(const struct tcp_sock *tp, u32 ack)
{
	return !ltcp_after(ack, tp->snd_nxt) &&
	       !ltcp_before(ack, tp->snd_una - tp->max_window);
}

/*
 * RFC 9293 3.10.7.4, first: is the segment acceptable? With timestamps,
 * PAWS (RFC 7323 5.3) first rejects an old duplicate.
 */
static bool ltcp_sequence_ok(struct sock *sk, struct sk_buff *skb,
			     const struct ltcp_options *opt)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 len = cb->end_seq - cb->seq;
	u32 wnd;

	/* RCV.WND is what is left of the window last advertised: its right
	 * edge (RCV.WUP + the window) never moves left, RCV.NXT moves toward
	 * it as data arrives.
	 */
	wnd = tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt;
	if ((s32)wnd < 0)
		wnd = 0;

	if (opt->saw_ts && tp->rx_opt.tstamp_ok && !tcp_hdr(skb)->rst &&
	    (s32)(opt->tsval - tp->rx_opt.ts_recent) < 0 &&
	    ktime_get_seconds() < tp->rx_opt.ts_recent_stamp + 24 * 24 * 3600)
		return false;

	if (!len) {
		if (!wnd)
			return cb->seq == tp->rcv_nxt;
		return !ltcp_before(cb->seq, tp->rcv_nxt) &&
		       ltcp_before(cb->seq, tp->rcv_nxt + wnd);
	}
	if (!wnd)
		return false;
	return (!ltcp_before(cb->seq, tp->rcv_nxt) &&
		ltcp_before(cb->seq, tp->rcv_nxt + wnd)) ||
	       (!ltcp_before(cb->end_seq - 1, tp->rcv_nxt) &&
		ltcp_before(cb->end_seq - 1, tp->rcv_nxt + wnd));
}

/*
 * RFC 2883 section 4: data entirely below RCV.NXT is a duplicate; the ACK
 * that answers it (sent at once) reports it in a D-SACK block.
 */
static void ltcp_old_duplicate(struct sock *sk, const struct sk_buff *skb)
{
	const struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	u32 len = skb->len - tcp_hdr(skb)->doff * 4;

	if (len && !ltcp_after(cb->seq + len, tcp_sk(sk)->rcv_nxt))
		ltcp_sack_dsack(sk, cb->seq, cb->seq + len);
}

/* Remember the timestamp to echo (RFC 7323 4.3). */
static void ltcp_store_ts_recent(struct tcp_sock *tp, struct sk_buff *skb,
				 const struct ltcp_options *opt)
{
	if (opt->saw_ts && tp->rx_opt.tstamp_ok &&
	    !ltcp_after(LTCP_SKB_CB(skb)->seq, tp->rcv_wup)) {
		tp->rx_opt.ts_recent = opt->tsval;
		tp->rx_opt.ts_recent_stamp = ktime_get_seconds();
	}
}

/**
 * ltcp_ca_set_state() - the congestion state changes (TCP_CA_*)
 * @sk: the socket
 * @state: the new state, told to the congestion control first
 */
void ltcp_ca_set_state(struct sock *sk, u8 state)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_ops && icsk->icsk_ca_ops->set_state)
		icsk->icsk_ca_ops->set_state(sk, state);
	icsk->icsk_ca_state = state;
}

/* Does the congestion control set cwnd itself (cong_control, BBR)? Then
 * ltcp leaves the window alone in recovery, as the kernel's contract has it.
 */
static bool ltcp_ca_owns_cwnd(const struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;

	return ca && ca->cong_control;
}

/*
 * RFC 5681 3.2 and RFC 6582 3.2 step 2: enter fast recovery. @mark_head:
 * the duplicate ACK count or IsLost() got us here, and the first
 * unacknowledged segment is the one to resend (RACK marked what it found
 * lost itself, RFC 8985 section 6.2 step 5).
 */
static void ltcp_enter_recovery(struct sock *sk, bool mark_head)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	ltcp_undo_start(sk);
	tp->prior_ssthresh = tp->snd_ssthresh;
	tp->prior_cwnd = tcp_snd_cwnd(tp);
	tp->snd_ssthresh = ca && ca->ssthresh ? ca->ssthresh(sk) :
			   max(tcp_snd_cwnd(tp) >> 1, 2U);
	/* The window follows PRR from here (RFC 6937 section 3), set by
	 * ltcp_prr_ack() for this ACK and every later one of the recovery;
	 * the duplicate ACKs that got us here are counted in sacked_out, so
	 * pipe (tcp_packets_in_flight()) needs no "+3" inflation. The head
	 * counts lost before the window is computed: the fast retransmit
	 * is part of what PRR sends.
	 */
	ltcp_prr_init(sk);
	skb = skb_peek(&sk->sk_write_queue);
	if (mark_head && skb && skb != lsk->send_head)
		ltcp_mark_lost(sk, skb);
	lsk->recover = tp->snd_nxt;
	lsk->in_recovery = 1;
	ltcp_ca_set_state(sk, TCP_CA_Recovery);
}

static void ltcp_exit_recovery(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	ltcp_sk(sk)->in_recovery = 0;
	if (!ltcp_ca_owns_cwnd(sk))
		tcp_snd_cwnd_set(tp, max(tp->snd_ssthresh, 2U));
	ltcp_ca_set_state(sk, TCP_CA_Open);
	ltcp_rack_recovery_done(sk);
}

/*
 * May fast recovery start now? Not while it or RTO recovery runs, not
 * with nothing in flight, and not before SND.UNA reached the recovery
 * point of the last episode (RFC 6582 4.1, RFC 6675 5.1).
 */
static bool ltcp_may_enter_recovery(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	return !lsk->in_recovery &&
	       inet_csk(sk)->icsk_ca_state != TCP_CA_Loss &&
	       tp->packets_out && ltcp_after(tp->snd_una, lsk->recover - 1);
}

/*
 * The fast retransmit on entering recovery (RFC 5681 3.2 step 2, RFC 6675
 * section 5 step 4.2): the first unacknowledged segment, whatever the
 * window says, when it is lost; otherwise (RACK found later segments
 * lost) ltcp_push_pending() sends them within the window PRR set.
 */
static void ltcp_recovery_retransmit(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (skb && skb != ltcp_sk(sk)->send_head &&
	    (LTCP_SKB_CB(skb)->state & LTCP_SKB_LOST))
		ltcp_retransmit_head(sk);
}

/**
 * ltcp_start_recovery() - the RACK timer found a loss
 * @sk: the socket, owned or bh-locked and not owned
 *
 * RFC 8985 section 6.3: fast recovery starts as it would on an ACK that
 * found the loss (TcpExtTCPSackRecovery, ssthresh, PRR with nothing
 * delivered yet, the fast retransmit), if it may.
 */
void ltcp_start_recovery(struct sock *sk)
{
	if (!ltcp_may_enter_recovery(sk))
		return;
	NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPSACKRECOVERY);
	ltcp_enter_recovery(sk, false);
	if (!ltcp_ca_owns_cwnd(sk))
		ltcp_prr_ack(sk, 0);
	ltcp_recovery_retransmit(sk);
}

/*
 * A duplicate ACK without SACK says one segment beyond the hole left the
 * network: count it delivered and out of flight (sacked_out), which is
 * what RFC 5681 3.2's window inflation expresses, in the form congestion
 * controls and the rate sample read. Never more than is outstanding.
 */
static void ltcp_dupack_delivered(struct tcp_sock *tp)
{
	if (tp->sacked_out + tp->lost_out < tp->packets_out) {
		tp->sacked_out++;
		tp->delivered++;
	}
}

/*
 * A cumulative ACK of @acked segments, @sacked of them SACKed before.
 * With SACK those were delivered when SACKed (ltcp_skb_acked() took them
 * out of sacked_out). Without, all but the first of them may be the ones
 * duplicate ACKs already counted; those leave sacked_out and are not
 * delivered twice.
 */
static void ltcp_cumack_delivered(struct tcp_sock *tp, u32 acked, u32 sacked)
{
	u32 counted;

	if (tp->rx_opt.sack_ok) {
		tp->delivered += acked - sacked;
		return;
	}
	counted = min(tp->sacked_out, acked - 1);

	tp->sacked_out -= counted;
	tp->delivered += acked - counted;
	if (!tp->packets_out)
		tp->sacked_out = 0;
}

/*
 * Free what @ack acknowledges from the head of the write queue. Returns
 * the number of segments acknowledged and, through @rtt_us, an RTT sample
 * from the newest acknowledged segment that was sent once (Karn). Each
 * freed segment feeds the rate sample @rs.
 */
static u32 ltcp_clean_rtx_queue(struct sock *sk, u32 ack, long *rtt_us,
				struct rate_sample *rs)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 now_us = (u32)tp->tcp_mstamp;
	struct sk_buff *skb;
	u32 acked = 0, sacked = 0;

	*rtt_us = -1;
	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != lsk->send_head) {
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

		if (ltcp_after(cb->end_seq, ack))
			break;
		/* Karn; and a SACKed segment's ACK comes late by design. */
		if (cb->state & LTCP_SKB_SACKED) {
			sacked++;
		} else {
			if (!cb->retrans)
				*rtt_us = (s32)(now_us - cb->tx_us);
			/* RFC 8985 section 6.2 steps 2 and 3. */
			ltcp_rack_delivered(sk, skb);
			ltcp_frto_delivered(sk, skb);
		}
		acked++;
		ltcp_rate_skb_delivered(sk, skb, rs);
		ltcp_tx_stamp_acked(sk, skb);
		ltcp_skb_acked(sk, skb);
		__skb_unlink(skb, &sk->sk_write_queue);
		sk_wmem_queued_add(sk, -skb->truesize);
		sk_mem_uncharge(sk, skb->truesize);
		__kfree_skb(skb);
	}
	if (acked)
		ltcp_cumack_delivered(tp, acked, sacked);
	if (lsk->sacked_any && !ltcp_before(ack, lsk->high_sacked))
		lsk->sacked_any = 0;
	return acked;
}

/* RFC 9293 3.10.7.4 (SND.WL1/SND.WL2): take the window from this ACK?
 * Returns true if the window changed.
 */
static bool ltcp_update_window(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 wnd = (u32)cb->window << tp->rx_opt.snd_wscale;
	bool changed = false;

	if (ltcp_before(tp->snd_wl1, cb->seq) ||
	    (tp->snd_wl1 == cb->seq && !ltcp_before(cb->ack_seq, tp->snd_una))) {
		changed = tp->snd_wnd != wnd;
		tp->snd_wnd = wnd;
		tp->snd_wl1 = cb->seq;
		if (wnd > tp->max_window) {
			tp->max_window = wnd;
			/* Segments may grow to the new half window. */
			if (inet_csk(sk)->icsk_pmtu_cookie)
				ltcp_sync_mss(sk,
					      inet_csk(sk)->icsk_pmtu_cookie);
		}
	}
	return changed;
}

/*
 * RFC 6675 after a partial ACK: the holes IsLost() found go out from
 * ltcp_push_pending(). A hole at SND.UNA below the highest SACKed sequence
 * with fewer than DupThresh SACKed segments above it (the tail of the
 * flight) would wait for the RTO; NextSeg() rule 3 lets it be resent
 * (criteria 1.a and 1.b, not 1.c), once, as NewReno's partial ACK would.
 */
static void ltcp_sack_partial_ack(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct ltcp_sock *lsk = ltcp_sk(sk);

	if (!skb || skb == lsk->send_head || !lsk->sacked_any ||
	    (LTCP_SKB_CB(skb)->state &
	     (LTCP_SKB_SACKED | LTCP_SKB_LOST | LTCP_SKB_RETRANS)) ||
	    !ltcp_before(LTCP_SKB_CB(skb)->seq, lsk->high_sacked))
		return;
	ltcp_mark_lost(sk, skb);
}

/*
 * The window after an ACK, for congestion controls without cong_control:
 * NewReno during recovery (RFC 6582 3.2), the CC's cong_avoid otherwise.
 */
static void ltcp_ack_cwnd(struct sock *sk, u32 ack, u32 acked)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct ltcp_sock *lsk = ltcp_sk(sk);

	if (lsk->in_recovery) {
		if (!ltcp_before(ack, lsk->recover))
			/* RFC 6582 3.2 step 3: full acknowledgment. */
			ltcp_exit_recovery(sk);
		else if (!tcp_sk(sk)->rx_opt.sack_ok)
			/* Step 4, partial: the next hole goes now; the
			 * window deflation is in tcp_packets_in_flight().
			 */
			ltcp_retransmit_head(sk);
		else if (!ltcp_rack_enabled(sk))
			/* (RACK finds the holes by time instead.) */
			ltcp_sack_partial_ack(sk);
		return;
	}
	if (inet_csk(sk)->icsk_ca_state == TCP_CA_Loss &&
	    !ltcp_before(ack, lsk->recover)) {
		ltcp_ca_set_state(sk, TCP_CA_Open);
		ltcp_rack_recovery_done(sk);
	}
	/* In TCP_CA_Loss the window grows as in slow start (RFC 5681 3.1:
	 * after a timeout, slow start up to ssthresh), through cong_avoid
	 * below; it used to stay at one segment until the recovery point.
	 */
	if (inet_csk(sk)->icsk_ca_state == TCP_CA_CWR) {
		/* RFC 3168 6.1.2: no growth for the window that was
		 * reduced.
		 */
		if (!ltcp_before(ack, tcp_sk(sk)->high_seq))
			ltcp_ecn_cwr_done(sk);
		return;
	}
	if (!acked || ltcp_ca_owns_cwnd(sk))
		return;
	/* The algorithm checks itself that the window was in use
	 * (tcp_is_cwnd_limited(), RFC 7661), from is_cwnd_limited and
	 * max_packets_out that ltcp_push_pending() keeps.
	 */
	if (ca && ca->cong_avoid)
		ca->cong_avoid(sk, ack, acked);
}

/*
 * The ACK field of a segment in a synchronized state. Returns false if
 * processing must stop (the ACK acknowledged something never sent).
 */
static bool ltcp_ack(struct sock *sk, struct sk_buff *skb,
		     const struct ltcp_options *opt)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct rate_sample rs = { .rtt_us = -1 };
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 prior_delivered = tp->delivered;
	u32 prior_lost = tp->lost;
	u32 ack = cb->ack_seq;
	u32 prior_una = tp->snd_una;
	u32 ca_flags = CA_ACK_SLOWPATH;
	bool sack = tp->rx_opt.sack_ok;
	bool rack = ltcp_rack_enabled(sk);
	bool head_lost = false, dup3 = false, entered = false, dup = false;
	u32 acked = 0, rack_lost = 0;
	long rtt_us = -1;

	if (ltcp_after(ack, tp->snd_nxt)) {
		/* RFC 9293: ACK of something not yet sent: ACK, drop. */
		ltcp_send_ack(sk);
		return false;
	}
	if (ltcp_before(ack, prior_una)) {
		/* An old duplicate: ignore its ACK field. */
		return true;
	}
	rs.prior_in_flight = tcp_packets_in_flight(tp);
	ltcp_rack_ack_start(sk);
	if (ltcp_update_window(sk, skb))
		ca_flags |= CA_ACK_WIN_UPDATE;
	if ((cb->flags & LTCP_ECE) && (tp->ecn_flags & TCP_ECN_OK))
		ca_flags |= CA_ACK_ECE;

	if (ack == prior_una) {
		/* RFC 5681 2: a duplicate ACK carries no data, no window
		 * change and arrives while data is outstanding.
		 */
		if (tp->packets_out && cb->seq == cb->end_seq &&
		    !(ca_flags & CA_ACK_WIN_UPDATE) &&
		    !(cb->flags & (LTCP_SYN | LTCP_FIN))) {
			dup = true;
			lsk->dupacks++;
			dup3 = lsk->dupacks == 3;
			if (!sack)
				ltcp_dupack_delivered(tp);
		}
	} else {
		/* New data acknowledged. */
		tp->snd_una = ack;
		ltcp_urg_acked(sk);
		tp->bytes_acked += ack - prior_una;
		lsk->dupacks = 0;
		acked = ltcp_clean_rtx_queue(sk, ack, &rtt_us, &rs);
		if (rtt_us >= 0)
			ltcp_rtt_sample(sk, rtt_us);
		icsk->icsk_retransmits = 0;
		icsk->icsk_backoff = 0;

		if (ca && ca->pkts_acked) {
			struct ack_sample sample = {
				.pkts_acked = acked,
				.rtt_us = rtt_us,
				.in_flight = rs.prior_in_flight,
			};

			ca->pkts_acked(sk, &sample);
		}
	}
	/* RFC 6675 section 5: the scoreboard first (Update()), then
	 * IsLost() for every hole.
	 */
	/* With nothing left in flight only a D-SACK can be in the blocks:
	 * it is counted all the same (RFC 2883 section 4).
	 */
	if (sack && opt->num_sacks)
		ltcp_sack_tag(sk, opt, &rs);
	/* Was the episode's retransmission spurious? D-SACKs (RFC 3708),
	 * then timestamps (RFC 3522).
	 */
	if (!ltcp_undo_dsack_check(sk) && ack != prior_una)
		ltcp_undo_ack(sk, ack, opt);
	if (ack != prior_una)
		ltcp_ack_cwnd(sk, ack, acked);
	/* RFC 5682 steps 2 and 3, after RTO recovery took the ACK. */
	ltcp_frto_ack(sk, ack != prior_una, dup);
	/* RFC 8985 section 6.2: RACK, which takes the place of RFC 6675's
	 * IsLost() and duplicate ACK count for a SACK connection; without
	 * it (net.ltcp.recovery 0) those.
	 */
	rack_lost = ltcp_rack_ack(sk);
	if (sack && !rack)
		head_lost = ltcp_sack_mark_lost(sk);
	/* RFC 8985 section 7.4: did a loss probe repair a loss? */
	ltcp_tlp_ack(sk, ack, opt, dup);
	/* Enter recovery on DupThresh duplicate ACKs (RFC 5681 3.2, RFC 6675
	 * section 5 step 3) or, with SACK, once the first unacknowledged
	 * segment IsLost() (step 2), or when RACK found a loss (RFC 8985
	 * section 6.2 step 5); not again before SND.UNA reaches the
	 * recovery point of the last episode (RFC 6582 4.1, RFC 6675 5.1).
	 */
	if (ltcp_may_enter_recovery(sk) &&
	    (rack ? rack_lost : dup3 || head_lost)) {
		NET_INC_STATS(sock_net(sk), sack ? LINUX_MIB_TCPSACKRECOVERY :
						   LINUX_MIB_TCPRENORECOVERY);
		ltcp_enter_recovery(sk, !rack);
		entered = true;
	}
	/* RFC 6937 section 3: the window on every ACK of the recovery,
	 * from DeliveredData (what tp->delivered counted for this ACK:
	 * newly acknowledged and newly SACKed segments, or one per
	 * duplicate ACK without SACK).
	 */
	if (lsk->in_recovery && !ltcp_ca_owns_cwnd(sk))
		ltcp_prr_ack(sk, tp->delivered - prior_delivered);

	if (ca_flags & CA_ACK_ECE) {
		/* RFC 3168 6.1.2; what it acknowledged was CE-marked
		 * (tcp_sock.delivered_ce, DCTCP's alpha).
		 */
		tp->delivered_ce += tp->delivered - prior_delivered;
		ltcp_ecn_ece(sk);
	}
	if (ca && ca->in_ack_event)
		ca->in_ack_event(sk, ca_flags);
	rs.rtt_us = rtt_us;
	ltcp_rate_gen(sk, tp->delivered - prior_delivered,
		      tp->lost - prior_lost, &rs);
	if (ltcp_ca_owns_cwnd(sk))
		ca->cong_control(sk, &rs);
	else
		ltcp_update_pacing_rate(sk);

	if (acked) {
		ltcp_sndbuf_expand(sk);
		/* RFC 6298 5.3, or the loss probe timer in its place
		 * (RFC 8985 section 7.2).
		 */
		if (tp->packets_out && !ltcp_tlp_arm(sk, true))
			ltcp_rearm_rto(sk);
		else if (!tp->packets_out)
			inet_csk_clear_xmit_timer(sk, ICSK_TIME_RETRANS);
	}
	/* The fast retransmit goes once the congestion control has seen
	 * the ACK, as in Linux: cong_control() (BBR) reads the data in
	 * flight before it, and the segment records this ACK's delivery
	 * state for its rate sample.
	 */
	if (entered)
		ltcp_recovery_retransmit(sk);
	ltcp_push_pending(sk);
	/* RFC 8985 section 6.3: the RACK timer for the segments whose time
	 * is not up yet, in place of the RTO or loss probe.
	 */
	ltcp_rack_arm_pending(sk);
	/* After the push: what it sent counts as room for a writer held by
	 * TCP_NOTSENT_LOWAT.
	 */
	if (acked && sk->sk_socket &&
	    test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
		sk->sk_write_space(sk);
	return true;
}

/* Our FIN was sent and everything up to and including it is acknowledged. */
static bool ltcp_fin_acked(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	return ltcp_sk(sk)->fin_queued && tp->snd_una == tp->write_seq &&
	       !ltcp_sk(sk)->send_head;
}

/* Move segments that became in order from the out-of-order queue. */
static bool ltcp_ofo_drain(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct rb_node *node;
	bool fin = false;

	while ((node = rb_first(&tp->out_of_order_queue))) {
		struct sk_buff *skb = rb_to_skb(node);
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

		if (ltcp_after(cb->seq, tp->rcv_nxt))
			break;
		rb_erase(node, &tp->out_of_order_queue);
		/* What came in order already held part of it (RFC 2883). */
		if (ltcp_before(cb->seq, tp->rcv_nxt))
			ltcp_sack_dsack(sk, cb->seq,
					ltcp_before(cb->end_seq, tp->rcv_nxt) ?
					cb->end_seq : tp->rcv_nxt);
		if (!ltcp_after(cb->end_seq, tp->rcv_nxt)) {
			/* Already covered by what came in order. */
			kfree_skb(skb);
			continue;
		}
		if (cb->seq != tp->rcv_nxt) {
			pskb_pull(skb, tp->rcv_nxt - cb->seq);
			cb->seq = tp->rcv_nxt;
		}
		tp->rcv_nxt = cb->end_seq;
		if (cb->flags & LTCP_FIN) {
			fin = true;
			cb->end_seq--;
		}
		if (skb->len)
			__skb_queue_tail(&sk->sk_receive_queue, skb);
		else
			kfree_skb(skb);
		if (fin)
			break;
	}
	return fin;
}

/*
 * Keep an out-of-order segment, ordered by sequence number. Segments in
 * the queue never nest: one that the data held already covers is a
 * duplicate and dropped, and the segments a new one covers are dropped
 * (partial overlaps stay, resolved when they come into order). SACK's
 * blocks (sack.c) rely on it. Duplicate data is reported in a D-SACK
 * block (RFC 2883 section 4), the first that is found.
 */
static void ltcp_ofo_queue(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct rb_node **p = &tp->out_of_order_queue.rb_node;
	struct rb_node *parent = NULL, *node;
	u32 seq = LTCP_SKB_CB(skb)->seq;
	u32 end = LTCP_SKB_CB(skb)->end_seq;
	struct sk_buff *prev = NULL;

	while (*p) {
		struct sk_buff *cur;

		parent = *p;
		cur = rb_to_skb(parent);
		if (ltcp_before(seq, LTCP_SKB_CB(cur)->seq)) {
			p = &parent->rb_left;
		} else {
			prev = cur;	/* the last one starting at or before */
			p = &parent->rb_right;
		}
	}
	if (prev && !ltcp_after(end, LTCP_SKB_CB(prev)->end_seq)) {
		/* All held already: RFC 2883 section 4, the D-SACK, then
		 * the block holding it.
		 */
		ltcp_sack_dsack(sk, seq, end);
		ltcp_sack_ofo(sk, prev);
		kfree_skb(skb);
		return;
	}
	if (prev && ltcp_after(LTCP_SKB_CB(prev)->end_seq, seq))
		ltcp_sack_dsack(sk, seq, LTCP_SKB_CB(prev)->end_seq);
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &tp->out_of_order_queue);
	if (prev && LTCP_SKB_CB(prev)->seq == seq) {
		/* The new one covers it. */
		rb_erase(&prev->rbnode, &tp->out_of_order_queue);
		kfree_skb(prev);
	}
	while ((node = rb_next(&skb->rbnode))) {
		struct sk_buff *next = rb_to_skb(node);
		struct ltcp_skb_cb *ncb = LTCP_SKB_CB(next);

		if (!ltcp_before(ncb->seq, end))
			break;
		ltcp_sack_dsack(sk, ncb->seq, ltcp_before(ncb->end_seq, end) ?
				ncb->end_seq : end);
		if (ltcp_after(ncb->end_seq, end))
			break;	/* a partial overlap stays */
		rb_erase(node, &tp->out_of_order_queue);
		kfree_skb(next);
	}
	ltcp_sack_ofo(sk, skb);
}

/*
 * Room for @skb in the receive buffer and the TCP memory pool? When there
 * is none, the queued data is first copied into compact buffers
 * (collapse.c). If that is not enough for data that is next in order, the
 * out-of-order queue gives its memory back, newest sequence first: data
 * after a hole is useless until the hole fills, and the peer still holds
 * it (nothing past rcv_nxt was acknowledged; once SACK is sent this is
 * reneging, which RFC 2018 section 8 allows).
 */
static bool ltcp_rmem_room(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool in_order = !ltcp_after(LTCP_SKB_CB(skb)->seq, tp->rcv_nxt);
	bool collapsed = false;

	for (;;) {
		struct rb_node *last;

		if (atomic_read(&sk->sk_rmem_alloc) <= READ_ONCE(sk->sk_rcvbuf) &&
		    sk_rmem_schedule(sk, skb, skb->truesize))
			return true;
		if (!collapsed) {
			collapsed = true;
			if (ltcp_collapse(sk))
				continue;
		}
		last = rb_last(&tp->out_of_order_queue);
		if (!in_order || !last)
			return false;
		rb_erase(last, &tp->out_of_order_queue);
		kfree_skb(rb_to_skb(last));
		ltcp_sack_renege(sk);
		sk_mem_reclaim(sk);
		NET_INC_STATS(sock_net(sk), LINUX_MIB_OFOPRUNED);
	}
}

/*
 * The segment text and FIN (RFC 9293 3.10.7.4, seventh and eighth). The
 * header has been pulled; returns true if a FIN came into order. Sets
 * *@ack_now for an ACK that must go at once, *@ooo for the ACK of data
 * held out of order, which SACK compression (sackcomp.c) may hold back.
 */
static bool ltcp_data_queue(struct sock *sk, struct sk_buff *skb, bool *ack_now,
			    bool *ooo)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	bool fin = false;

	if (!skb->len && !(cb->flags & LTCP_FIN)) {
		kfree_skb(skb);
		return false;
	}
	if (skb->len)
		ltcp_rcv_ratio_sample(sk, skb);
	if (!ltcp_rmem_room(sk, skb)) {
		/* No room: drop, the peer retransmits (RFC 9293 3.8.6);
		 * counted under Linux's names.
		 */
		NET_INC_STATS(sock_net(sk),
			      ltcp_after(cb->seq, tp->rcv_nxt) ?
			      LINUX_MIB_TCPOFODROP : LINUX_MIB_TCPRCVQDROP);
		*ack_now = true;
		kfree_skb(skb);
		return false;
	}
	skb_dst_drop(skb);
	skb_set_owner_r(skb, sk);

	if (ltcp_after(cb->seq, tp->rcv_nxt)) {
		/* A hole before it: keep it, acknowledge at once so the
		 * sender sees duplicate ACKs (RFC 5681 4.2).
		 */
		u32 end_seq = cb->end_seq;

		/* Counted as Linux counts them: every segment that came
		 * above RCV.NXT, duplicates too.
		 */
		tp->rcv_ooopack += max_t(u16, 1, skb_shinfo(skb)->gso_segs);
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPOFOQUEUE);
		ltcp_ofo_queue(sk, skb);	/* may free @skb */
		ltcp_rcvbuf_ooo(sk, end_seq);
		*ooo = true;
		return false;
	}
	if (cb->seq != tp->rcv_nxt) {
		/* Starts before what we have: trim the old part, a
		 * duplicate to report (RFC 2883 section 4) at once.
		 */
		ltcp_sack_dsack(sk, cb->seq,
				cb->seq + min_t(u32, skb->len,
						tp->rcv_nxt - cb->seq));
		*ack_now = true;
		pskb_pull(skb, tp->rcv_nxt - cb->seq);
		cb->seq = tp->rcv_nxt;
	}
	tp->rcv_nxt = cb->end_seq;
	tp->bytes_received += skb->len;
	ltcp_sk(sk)->data_rcvtime = tcp_jiffies32;
	if (cb->flags & LTCP_FIN)
		fin = true;
	if (skb->len)
		__skb_queue_tail(&sk->sk_receive_queue, skb);
	else
		kfree_skb(skb);
	if (!fin && !RB_EMPTY_ROOT(&tp->out_of_order_queue)) {
		fin = ltcp_ofo_drain(sk);
		*ack_now = true;	/* a hole was filled */
	}
	if (tp->rx_opt.num_sacks)
		ltcp_sack_advance(sk);
	return fin;
}

/* RFC 9293 3.10.7.4, eighth: the FIN came into order. */
static void ltcp_fin(struct sock *sk)
{
	sk->sk_shutdown |= RCV_SHUTDOWN;
	sock_set_flag(sk, SOCK_DONE);

	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		ltcp_set_state(sk, TCP_CLOSE_WAIT);
		break;
	case TCP_FIN_WAIT1:
		/* Simultaneous close: our FIN is not acknowledged yet. */
		ltcp_set_state(sk, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		ltcp_send_ack(sk);
		ltcp_time_wait(sk, TCP_TIME_WAIT, LTCP_TIMEWAIT_LEN);
		return;
	}
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/* RFC 9293 3.10.7.3: SYN-SENT. Consumes @skb. */
static void ltcp_rcv_synsent(struct sock *sk, struct sk_buff *skb)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_options opt;
	u32 iss = tp->snd_una;

	if (th->ack && (!ltcp_after(cb->ack_seq, iss) ||
			ltcp_after(cb->ack_seq, tp->snd_nxt))) {
		if (!th->rst)
			ltcp_send_reset(sk, skb);
		goto drop;
	}
	if (th->rst) {
		if (th->ack)
			ltcp_reset(sk);
		goto drop;
	}
	if (!th->syn)
		goto drop;

	ltcp_parse_options(th, &opt);
	tp->rcv_nxt = cb->seq + 1;
	tp->rcv_wup = tp->rcv_nxt;
	tp->copied_seq = tp->rcv_nxt;
	tp->snd_wl1 = cb->seq;
	/* RFC 7323 2.2: a SYN's window is never scaled. */
	tp->snd_wnd = cb->window;
	tp->max_window = tp->snd_wnd;
	tp->rx_opt.mss_clamp = opt.mss ? opt.mss : LTCP_MSS_DEFAULT;
	if (!opt.wscale_ok) {
		tp->rx_opt.wscale_ok = 0;
		tp->rx_opt.snd_wscale = 0;
		tp->rx_opt.rcv_wscale = 0;
	} else {
		tp->rx_opt.snd_wscale = opt.wscale;
	}
	if (!opt.saw_ts) {
		tp->rx_opt.tstamp_ok = 0;
		tp->tcp_header_len = sizeof(struct tcphdr);
	} else {
		tp->rx_opt.ts_recent = opt.tsval;
		tp->rx_opt.ts_recent_stamp = ktime_get_seconds();
	}
	if (!opt.sack_perm)
		tp->rx_opt.sack_ok = 0;
	ltcp_sync_mss(sk, icsk->icsk_pmtu_cookie);

	if (th->ack) {
		struct rate_sample rs = {};
		long rtt_us;

		/* RFC 4898's ThruOctetsAcked sums SND.UNA's moves: the
		 * SYN's too, as Linux counts it (tcpi_bytes_acked).
		 */
		tp->bytes_acked += cb->ack_seq - tp->snd_una;
		tp->snd_una = cb->ack_seq;
		tp->rcv_tstamp = tcp_jiffies32;
		/* An error an ICMP (or a route lookup) left while the SYN
		 * went unanswered is not the connected socket's SO_ERROR.
		 */
		WRITE_ONCE(sk->sk_err_soft, 0);
		ltcp_clean_rtx_queue(sk, cb->ack_seq, &rtt_us, &rs);
		if (rtt_us >= 0)
			ltcp_rtt_sample(sk, rtt_us);
		inet_csk_clear_xmit_timer(sk, ICSK_TIME_RETRANS);
		icsk->icsk_retransmits = 0;
		ltcp_ecn_synack_rcvd(sk, th);
		ltcp_set_state(sk, TCP_ESTABLISHED);
		ltcp_init_transfer(sk);
		ltcp_send_ack(sk);
		icsk->icsk_ack.lrcvtime = tcp_jiffies32;
		ltcp_keepalive_arm(sk);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		ltcp_push_pending(sk);
		goto drop;
	}
	/* RFC 9293 3.10.7.3: a SYN alone is a simultaneous open (without
	 * ECN: RFC 3168 negotiates it by SYN and SYN-ACK only).
	 */
	tp->ecn_flags = 0;
	ltcp_set_state(sk, TCP_SYN_RECV);
	ltcp_retransmit_head(sk);
drop:
	kfree_skb(skb);
}

/*
 * ltcp_delack_seg_due() - whether the every-delack_seg-segments ACK goes now
 * @sk: the socket, with in-order data not acknowledged yet
 *
 * RFC 1122 4.2.3.2 and RFC 5681 4.2 ask for an ACK at least every second
 * full-sized segment. While the receive buffer autotunes
 * (ltcp_rcvbuf_may_grow()), that is the rule: the window will grow with
 * the flow, so the sender is limited by its congestion window, and the
 * ACKs are its clock. Held back behind a lagging reader, they come in
 * steps of many segments (RFC 2525 2.13's stretch ACKs), the sender
 * answers each with a burst at line rate, and a shallow bottleneck queue
 * overflows at a fraction of the window it would hold (cubic through a
 * 0.2 BDP queue: 22-26 Mbit/s of 50 instead of 34-45;
 * Documentation/design.rst, "Delayed ACKs").
 * With a buffer that cannot grow (SO_RCVBUF, autotuning off, at
 * net.ltcp.rmem[2]), hold it while the application lags behind, as Linux
 * does: the data still sits in the receive queue, so an ACK now would
 * offer a window whose right edge has not moved by what it acknowledges
 * (the free space is below the window last offered) and would let a
 * window-limited sender send nothing new. The read that makes room sends
 * it (ltcp_cleanup_rbuf()); the delayed-ACK timer bounds the wait. Not
 * beyond a quarter of the window offered (our choice; Linux has no such
 * bound): the sender keeps
 * its ACK clock and RTT samples when the reader stalls, and its tail loss
 * probe, due two round trips after its last ACK, no reason to fire. Nor
 * once the data leaves less than a segment of that window: the sender
 * can send nothing more, and its loss probe would resend its last
 * segment (RFC 8985 7.3), a spurious retransmission.
 * net.ltcp.delack_seg 1 asks for an ACK per segment: no holding then.
 *
 * Return: true if the ACK is to be sent at once.
 */
static bool ltcp_delack_seg_due(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 unacked = tp->rcv_nxt - tp->rcv_wup;

	if (!ltcp_delack_segs_pending(sk))
		return false;
	return READ_ONCE(ltcp_net(sock_net(sk))->delack_seg) == 1 ||
	       ltcp_rcvbuf_may_grow(sk) ||
	       (u32)ltcp_rcv_space(sk) >= tp->rcv_wnd ||
	       unacked >= tp->rcv_wnd / 4 ||
	       unacked + inet_csk(sk)->icsk_ack.rcv_mss > tp->rcv_wnd;
}

/**
 * ltcp_rcv_state_process() - a segment for a full, non-listening socket
 * @sk: the socket, bh-locked and not owned, or owned by us (backlog)
 * @skb: the segment, validated; consumed
 *
 * Return: 0.
 */
int ltcp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_options opt;
	bool ack_now = false, ooo = false;
	bool fin;

	tp->tcp_mstamp = tcp_clock_us();
	tp->segs_in++;
	if (cb->end_seq != cb->seq)
		tp->data_segs_in++;

	switch (sk->sk_state) {
	case TCP_CLOSE:
		goto drop;
	case TCP_SYN_SENT:
		ltcp_rcv_synsent(sk, skb);
		return 0;
	}

	ltcp_parse_options(th, &opt);
	/* First: sequence number acceptable? (An unacceptable segment still
	 * shows the peer is alive: keep-alive counts it.)
	 */
	icsk->icsk_ack.lrcvtime = tcp_jiffies32;
	icsk->icsk_probes_out = 0;
	if (!ltcp_sequence_ok(sk, skb, &opt)) {
		/* RFC 5961 4.2: a SYN draws a challenge ACK whatever its
		 * sequence number.
		 */
		if (th->syn)
			goto syn_challenge;
		if (!th->rst) {
			ltcp_old_duplicate(sk, skb);
			if (!ltcp_oow_rate_limited(sock_net(sk), skb,
						   LINUX_MIB_TCPACKSKIPPEDSEQ,
						   &tcp_sk(sk)->last_oow_ack_time))
				ltcp_send_ack(sk);
		}
		goto drop;
	}
	/* Second: RST (RFC 5961 3.2: exact match resets, else challenge). */
	if (th->rst) {
		if (cb->seq == tp->rcv_nxt)
			ltcp_reset(sk);
		else
			ltcp_send_challenge_ack(sk);
		goto drop;
	}
	/* Fourth: SYN in a synchronized state (RFC 5961 4.2). */
	if (th->syn) {
syn_challenge:
		TCP_INC_STATS(sock_net(sk), TCP_MIB_INERRS);
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPSYNCHALLENGE);
		ltcp_send_challenge_ack(sk);
		goto drop;
	}
	/* Fifth: the ACK field. */
	if (!th->ack)
		goto drop;
	/* RFC 5961 5.2: an ACK field outside the window (too old, or for
	 * data never sent) discards the whole segment, text included.
	 * SYN-RECEIVED answers such an ACK with a RST below.
	 */
	if (sk->sk_state != TCP_SYN_RECV &&
	    !ltcp_ack_acceptable(tp, cb->ack_seq)) {
		ltcp_send_challenge_ack(sk);
		goto drop;
	}
	tp->rcv_tstamp = tcp_jiffies32;	/* TCP_INFO's tcpi_last_ack_recv */
	/* The path works: an ICMP error seen before is not what a later
	 * timeout reports (Linux forgets it on any ACK not older than
	 * SND.UNA).
	 */
	if (!ltcp_before(cb->ack_seq, tp->snd_una))
		WRITE_ONCE(sk->sk_err_soft, 0);
	ltcp_store_ts_recent(tp, skb, &opt);

	if (sk->sk_state == TCP_SYN_RECV) {
		if (!ltcp_after(cb->ack_seq, tp->snd_una) ||
		    ltcp_after(cb->ack_seq, tp->snd_nxt)) {
			ltcp_send_reset(sk, skb);
			goto drop;
		}
		if (!tp->packets_out) {
			/* A listener's child: the request socket sent the
			 * SYN-ACK, so nothing here tracks it. It counts as
			 * delivered, but not in tcpi_bytes_acked, as on
			 * Linux, whose child starts with SND.UNA past it (a
			 * simultaneous open's SYN-ACK is in flight and
			 * ltcp_ack() counts it both ways).
			 */
			tp->delivered++;
			tp->snd_una = cb->ack_seq;
		}
		ltcp_set_state(sk, TCP_ESTABLISHED);
		tp->snd_wl1 = cb->seq;
		ltcp_init_transfer(sk);
		ltcp_keepalive_arm(sk);
		sk->sk_state_change(sk);
		sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
	}
	if (!ltcp_ack(sk, skb, &opt))
		goto drop;

	switch (sk->sk_state) {
	case TCP_FIN_WAIT1:
		if (ltcp_fin_acked(sk)) {
			ltcp_set_state(sk, TCP_FIN_WAIT2);
			sk->sk_shutdown |= SEND_SHUTDOWN;
			if (!sock_flag(sk, SOCK_DEAD))
				sk->sk_state_change(sk);
			else
				ltcp_fin_wait2_arm(sk);
		}
		break;
	case TCP_CLOSING:
		if (ltcp_fin_acked(sk)) {
			ltcp_time_wait(sk, TCP_TIME_WAIT, LTCP_TIMEWAIT_LEN);
			goto drop;
		}
		break;
	case TCP_LAST_ACK:
		if (ltcp_fin_acked(sk)) {
			ltcp_done(sk);
			goto drop;
		}
		break;
	}

	/* Seventh and eighth: text and FIN, in the states that take them. */
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
		break;
	default:
		goto drop;
	}
	if (sk->sk_shutdown & RCV_SHUTDOWN && cb->end_seq != cb->seq &&
	    ltcp_after(cb->end_seq - th->fin, tp->rcv_nxt) &&
	    sock_flag(sk, SOCK_DEAD)) {
		/* New data for an orphan that will never read it (a FIN
		 * alone is no data: it takes the orphan to TIME-WAIT).
		 */
		ltcp_send_active_reset(sk, GFP_ATOMIC);
		ltcp_reset(sk);
		goto drop;
	}
	/* Sixth: the URG bit (and an urgent byte this segment brings). */
	ltcp_urg_rcv(sk, skb);
	if (cb->end_seq != cb->seq)
		ltcp_ecn_rcv(sk, skb, &ack_now);
	__skb_pull(skb, th->doff * 4);
	if (icsk->icsk_ack.rcv_mss < skb->len)
		icsk->icsk_ack.rcv_mss = min_t(u32, skb->len, tp->advmss);
	/* A short segment probably ends a message whose sender waits for
	 * our ACK (Nagle, RFC 896): a read that empties the queue sends
	 * the ACK held for it (ltcp_cleanup_rbuf()). Every ACK clears it.
	 */
	if (skb->len && skb->len < icsk->icsk_ack.rcv_mss)
		icsk->icsk_ack.pending |= ICSK_ACK_PUSHED;
	ltcp_rcv_rtt_measure(sk, skb, &opt);
	fin = ltcp_data_queue(sk, skb, &ack_now, &ooo);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
	if (fin) {
		if (sk->sk_state == TCP_FIN_WAIT2) {
			ltcp_fin(sk);
			return 0;
		}
		ltcp_fin(sk);
		/* A FIN that leaves us in CLOSE-WAIT is usually answered by
		 * the application's close: hold its ACK, as a delayed ACK
		 * (RFC 1122 4.2.3.2), for our FIN to carry, as it would a
		 * reply ("pingpong": not in quick-ACK mode nor on the read
		 * that sees the end). The delayed-ACK timer sends it if the
		 * close does not come. A simultaneous close (CLOSING) is
		 * acknowledged at once.
		 */
		if (sk->sk_state == TCP_CLOSE_WAIT)
			inet_csk_enter_pingpong_mode(sk);
		else
			ack_now = true;
	}
	/* RFC 1122 4.2.3.2, RFC 5681 4.2: an ACK at least every
	 * net.ltcp.delack_seg full-sized segments (2 by default) while the
	 * application keeps up (ltcp_delack_seg_due()), every one in
	 * quick-ACK mode; never an ACK for a segment that brought
	 * nothing to acknowledge (a pure ACK, which is not answered).
	 * The ACK of out-of-order data goes at once too (section 4.2)
	 * unless SACK compression holds it.
	 */
	if (ooo && !ack_now && ltcp_sack_comp_hold(sk))
		return 0;
	if (ack_now || ooo ||
	    (ltcp_in_quickack(sk) && tp->rcv_nxt != tp->rcv_wup) ||
	    ltcp_delack_seg_due(sk))
		ltcp_send_ack(sk);
	else if (tp->rcv_nxt != tp->rcv_wup)
		ltcp_delack_schedule(sk);
	return 0;

drop:
	kfree_skb(skb);
	return 0;
}

/* RFC 9293 3.10.7.2: LISTEN. Runs without the listener's lock. */
static int ltcp_listen_rcv(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);

	if (th->rst)
		goto drop;
	if (th->ack) {
		ltcp_send_reset(sk, skb);
		goto drop;
	}
	if (th->syn)
		ltcp_conn_request(sk, skb);
drop:
	kfree_skb(skb);
	return 0;
}

/**
 * ltcp_do_rcv() - process one segment for a full socket
 * @sk: the socket (bh-locked, or owned when called from the backlog)
 * @skb: the segment, validated; consumed
 *
 * Return: 0.
 */
int ltcp_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	if (sk->sk_state == TCP_LISTEN) {
		int ret;

		local_bh_disable();
		ret = ltcp_listen_rcv(sk, skb);
		local_bh_enable();
		return ret;
	}
	return ltcp_rcv_state_process(sk, skb);
}

/*
 * Queue @skb for the owner of @sk, busy in a system call, to process at
 * release_sock(); drop it when the socket holds too much already.
 *
 * release_sock() sets sk_backlog.len back to 0 only once the backlog is
 * empty: while segments keep coming, those already processed count twice,
 * in the length and in sk_rmem_alloc, and sk_add_backlog()'s bound, taken
 * alone against rcvbuf + sndbuf, dropped data our window had offered (a
 * lossless bulk transfer over veth lost a segment to it every few
 * seconds, TcpExtTCPBacklogDrop). So the memory bound is taken against
 * what waits unprocessed (ltcp_sock.backlog_mem) beside sk_rmem_alloc, and
 * the length, which bounds the work of one release_sock() against a
 * flood, gets twice as much.
 */
static void ltcp_add_backlog(struct sock *sk, struct sk_buff *skb)
{
	u64 limit = (u64)READ_ONCE(sk->sk_rcvbuf) + READ_ONCE(sk->sk_sndbuf);
	atomic_t *waiting = &ltcp_sk(sk)->backlog_mem;

	skb_dst_force(skb);
	if (atomic_read(waiting) + (u64)atomic_read(&sk->sk_rmem_alloc) > limit ||
	    sk_add_backlog(sk, skb, min_t(u64, 2 * limit, UINT_MAX))) {
		__NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPBACKLOGDROP);
		kfree_skb(skb);
		return;
	}
	atomic_add(skb->truesize, waiting);
}

/**
 * ltcp_backlog_rcv() - proto.backlog_rcv: a segment the owner queued
 * @sk: the socket, owned by the caller
 * @skb: the segment
 *
 * Return: 0.
 */
int ltcp_backlog_rcv(struct sock *sk, struct sk_buff *skb)
{
	atomic_sub(skb->truesize, &ltcp_sk(sk)->backlog_mem);
	return ltcp_do_rcv(sk, skb);
}

/* The final delivery of a segment to a full ltcp socket. */
static int ltcp_deliver(struct sock *sk, struct sk_buff *skb)
{
	int ret = 0;

	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk))
		ret = ltcp_do_rcv(sk, skb);
	else
		ltcp_add_backlog(sk, skb);
	bh_unlock_sock(sk);
	return ret;
}

/*
 * The segment that completed a handshake, for the new child, which
 * ltcp_check_req() returned bh-locked and referenced.
 */
static void ltcp_child_rcv(struct sock *listener, struct sock *child,
			   struct sk_buff *skb)
	__releases(&child->sk_lock.slock)
{
	if (!sock_owned_by_user(child))
		ltcp_do_rcv(child, skb);
	else
		ltcp_add_backlog(child, skb);
	bh_unlock_sock(child);
	sock_put(child);
	/* A connection is ready for accept(). */
	listener->sk_data_ready(listener);
}

/**
 * ltcp_icmp_error() - an ICMP or ICMPv6 error about a connection
 * @sk: the socket, bh-locked
 * @err: the errno it maps to
 * @recverr: the socket asked for errors at once (IP_RECVERR,
 *	     IPV6_RECVERR)
 *
 * As Linux's TCP takes them: a connection not yet synchronized ends on
 * any error (connect() fails with it; RFC 1122 4.2.3.9 would abort only
 * on the hard ones, and keep sending SYNs into an unreachable host for
 * minutes). Later an error is remembered, reported by SO_ERROR when a
 * timeout ends the connection unless an ACK shows the path works again
 * (ltcp_rcv_state_process() forgets it), or, with @recverr, reported
 * at once without ending the connection (ip(7)).
 */
void ltcp_icmp_error(struct sock *sk, int err, bool recverr)
{
	if (sock_owned_by_user(sk)) {
		WRITE_ONCE(sk->sk_err_soft, err);
		return;
	}
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		sk->sk_err = err;
		sk_error_report(sk);
		ltcp_done(sk);
	} else if (recverr) {
		sk->sk_err = err;
		sk_error_report(sk);
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
}

/**
 * ltcp_attached_sk() - take the socket already attached to a segment
 * @skb: a TCP segment, skb->sk set
 * @refcounted: set when the socket returned carries a reference for us
 *
 * Early demux (tcp_v4_early_demux(), tcp_v6_early_demux()), TPROXY and
 * bpf_sk_assign() attach the socket before the protocol handler runs, and
 * the kernel's TCP then takes that one without a lookup of its own
 * (__inet_lookup_skb() and skb_steal_sock()). ltcp does the same, so both
 * stacks agree on the socket and ltcp's own connections skip a lookup.
 *
 * Return: the socket, detached from @skb, when it is ltcp's; NULL when it
 * is the kernel's, left attached for the kernel's handler.
 */
struct sock *ltcp_attached_sk(struct sk_buff *skb, bool *refcounted)
{
	if (!ltcp_sk_is_ours(skb->sk))
		return NULL;
	return skb_steal_sock(skb, refcounted);
}

/**
 * ltcp_pass_sk() - hand the kernel's TCP the socket ltcp's lookup found
 * @skb: the segment, about to go to the kernel's handler
 * @sk: a socket of the kernel's TCP found by ltcp's lookup
 * @refcounted: the lookup took a reference on @sk (it then goes with @skb)
 *
 * Attached as early demux attaches it, @sk is the socket the kernel's
 * handler takes (__inet_lookup_skb()): the segment is looked up once, not
 * twice, and no socket that appears on its 4-tuple between the two
 * lookups can be found by the kernel's TCP. Such a socket could be ltcp's
 * (a listener closed and an ltcp one bound in its place), and the kernel's
 * TCP must never process an ltcp socket (Documentation/design.rst,
 * Receive demux).
 */
void ltcp_pass_sk(struct sk_buff *skb, struct sock *sk, bool refcounted)
{
	/* Listeners come without a reference (SOCK_RCU_FREE); one being
	 * freed is left to the kernel's own lookup.
	 */
	if (!refcounted && !refcount_inc_not_zero(&sk->sk_refcnt))
		return;
	skb->sk = sk;
	skb->destructor = sock_edemux;
}

/**
 * ltcp_rcv_sk() - a segment whose lookup found an ltcp socket
 * @sk: a full, request (TCP_NEW_SYN_RECV) or TIME-WAIT socket of ltcp's
 * @skb: the segment, skb->data at the TCP header; consumed
 * @refcounted: the lookup took a reference on @sk, dropped here
 *
 * Shared by the IPv4 and IPv6 receive handlers.
 */
void ltcp_rcv_sk(struct sock *sk, struct sk_buff *skb, bool refcounted)
{
	/* RFC 4022 tcpInSegs: every segment, those in error included. */
	__TCP_INC_STATS(dev_net(skb->dev), TCP_MIB_INSEGS);
	if (!ltcp_segment_valid(skb)) {
		if (refcounted)
			sock_gen_put(sk);
		kfree_skb(skb);
		return;
	}
	if (sk->sk_state == TCP_TIME_WAIT) {
		ltcp_tw_rcv(inet_twsk(sk), skb);
		return;
	}
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		struct request_sock *req = inet_reqsk(sk);
		struct sock *listener = req->rsk_listener;
		struct sock *child;

		sock_hold(listener);
		child = ltcp_check_req(listener, skb, req);
		/* With a child, our lookup reference on req passed to the
		 * accept queue; otherwise it is ours to drop.
		 */
		if (!child)
			reqsk_put(req);
		if (child) {
			/* Taken inside inet_csk_clone_lock(). */
			__acquire(&child->sk_lock.slock);
			ltcp_child_rcv(listener, child, skb);
		} else {
			kfree_skb(skb);
		}
		sock_put(listener);
		return;
	}
	if (sk->sk_state == TCP_LISTEN)
		/* Listeners take SYNs without their lock: the request
		 * queue has its own.
		 */
		ltcp_do_rcv(sk, skb);
	else
		ltcp_deliver(sk, skb);
	if (refcounted)
		sock_put(sk);
}
