// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: undoing a window reduction that a spurious retransmission caused.
 *
 * A retransmission timeout or a fast retransmit that was not needed (the
 * segment was only delayed, or reordered) halves the window for nothing.
 * The Eifel detection algorithm (RFC 3522) tells with timestamps: the
 * first ACK that acknowledges the retransmitted data echoes (TSecr) the
 * TSval of the segment that reached the receiver. If that is older than
 * the first retransmission's, the original got there and the
 * retransmission was spurious. The response restores what the episode
 * took (RFC 4015 section 4 restores ssthresh and the window in its own
 * way; ltcp does as the kernel's congestion-control contract expects:
 * cwnd from the module's undo_cwnd(), which reads tcp_sock.prior_cwnd,
 * ssthresh back up to its value before the episode), and segments still
 * marked lost are not sent again.
 *
 * Without timestamps, D-SACKs tell (RFC 3708): once every segment the
 * episode retransmitted has been reported duplicate, none was lost, and
 * the episode is undone the same way (TcpExtTCPDSACKUndo). They also
 * tell when the timestamps could not: TSval ticks are coarse, so the ACK
 * that ends the episode often echoes a segment sent in the tick of the
 * retransmission. A D-SACK comes back after the ACK of what it
 * duplicates: when a reordered original fills the hole, the episode's
 * last ACK arrives before the retransmission's D-SACK. So D-SACKs are
 * still heard after the episode, until the next one begins.
 *
 * F-RTO (RFC 5682, frto.c) detects a spurious timeout without
 * timestamps and undoes it here. Not done: partial undo.
 */

#include <net/tcp.h>

#include "ltcp.h"

/**
 * ltcp_undo_start() - a loss episode begins (RTO or fast recovery): keep
 *	what an undo restores
 * @sk: the socket, before the window is reduced
 *
 * A timeout inside a fast recovery belongs to the same episode: the state
 * from before the recovery stays.
 */
void ltcp_undo_start(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (lsk->undo_armed)
		return;
	lsk->undo_armed = 1;
	lsk->undo_dsack_wait = 0;
	lsk->undo_ts_ok = 0;
	lsk->undo_rtx = 0;
	tp->undo_marker = tp->snd_una;
	tp->undo_retrans = 0;
	lsk->undo_cwnd = tcp_snd_cwnd(tp);
	lsk->undo_ssthresh = tp->snd_ssthresh;
}

/**
 * ltcp_undo_retransmitted() - a segment was sent again
 * @sk: the socket
 * @ts: it carried a timestamp
 * @tsval: then its TSval (or an earlier one)
 *
 * RFC 3522 section 3.2 (1): RetransmitTS is the first retransmission's.
 * Each retransmission waits for its D-SACK (RFC 3708).
 */
void ltcp_undo_retransmitted(struct sock *sk, bool ts, u32 tsval)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);

	if (!lsk->undo_armed)
		return;
	tcp_sk(sk)->undo_retrans++;
	if (ts && !lsk->undo_rtx) {
		lsk->undo_tsval = tsval;
		lsk->undo_ts_ok = 1;
	}
	lsk->undo_rtx = 1;
}

/**
 * ltcp_undo_dsack() - an ACK carries a D-SACK of [@start, @end)
 * @sk: the socket
 * @start: first sequence number reported duplicate
 * @end: one past the last
 *
 * Only a block inside what the episode could have retransmitted counts
 * (from SND.UNA at its start to SND.NXT, or once it is over to its
 * recovery point): a forged or old one, or one of data sent since, says
 * nothing about it. Each segment it covers is one retransmission less to
 * hear about.
 */
void ltcp_undo_dsack(struct sock *sk, u32 start, u32 end)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 limit = lsk->undo_armed ? tp->snd_nxt : lsk->recover;
	u32 segs;

	if (!lsk->undo_rtx || !(lsk->undo_armed || lsk->undo_dsack_wait) ||
	    !ltcp_before(start, end) || ltcp_before(start, tp->undo_marker) ||
	    ltcp_after(end, limit))
		return;
	segs = DIV_ROUND_UP(end - start, max_t(u32, tp->mss_cache, 1));
	tp->undo_retrans = max_t(int, tp->undo_retrans - segs, 0);
}

/* Segments marked lost are not: the retransmissions stop. */
static void ltcp_undo_unmark_lost(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

		if (skb == lsk->send_head)
			break;
		if (cb->state & LTCP_SKB_LOST) {
			cb->state &= ~LTCP_SKB_LOST;
			tp->lost_out--;
		}
	}
}

static void ltcp_undo(struct sock *sk, int mib)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);

	/* As Linux counts them (TCPSpuriousRTOs is F-RTO's). */
	NET_INC_STATS(net, mib ? mib :
		      inet_csk(sk)->icsk_ca_state == TCP_CA_Loss ?
		      LINUX_MIB_TCPLOSSUNDO : LINUX_MIB_TCPFULLUNDO);
	tp->prior_cwnd = lsk->undo_cwnd;
	tcp_snd_cwnd_set(tp, ca && ca->undo_cwnd ? ca->undo_cwnd(sk) :
			 max(tcp_snd_cwnd(tp), lsk->undo_cwnd));
	tp->snd_ssthresh = max(tp->snd_ssthresh, lsk->undo_ssthresh);
	tp->snd_cwnd_cnt = 0;
	ltcp_undo_unmark_lost(sk);
	lsk->in_recovery = 0;
	lsk->dupacks = 0;
	/* The episode no longer counts: a loss found from here on may start
	 * a recovery (RFC 6582 4.1's recovery point guards against
	 * reducing twice for one window, and nothing stays reduced).
	 */
	lsk->recover = tp->snd_una;
	ltcp_ca_set_state(sk, TCP_CA_Open);
}

/**
 * ltcp_undo_ack() - an ACK acknowledged new data during an episode
 * @sk: the socket
 * @ack: its acknowledgment number, now SND.UNA
 * @opt: its options
 *
 * RFC 3522 section 3.2 decides at the first acceptable ACK after the
 * retransmission. With several holes resent, that ACK speaks for the
 * first one only; so any ACK that echoes a retransmission's TSval (or a
 * later one: the data it acknowledges arrived as a retransmission) says
 * the episode was real, and the undo waits for the ACK that reaches the
 * recovery point: if it still echoes a TSval older than RetransmitTS,
 * every retransmission was spurious.
 *
 * Return: true if the episode was undone (the state is Open again).
 */
bool ltcp_undo_ack(struct sock *sk, u32 ack, const struct ltcp_options *opt)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	bool ts = lsk->undo_ts_ok && opt->saw_ts && opt->tsecr;

	if (!lsk->undo_armed)
		return false;
	if (ts && !ltcp_before(opt->tsecr, lsk->undo_tsval)) {
		/* Eifel is out; D-SACKs may still tell. */
		lsk->undo_ts_ok = 0;
		return false;
	}
	if (ltcp_before(ack, lsk->recover))
		return false;
	lsk->undo_armed = 0;
	if (!ts) {
		lsk->undo_dsack_wait = lsk->undo_rtx && tcp_sk(sk)->undo_retrans;
		return false;
	}
	ltcp_undo(sk, 0);
	return true;
}

/**
 * ltcp_undo_spurious_rto() - F-RTO found the timeout spurious (RFC 5682
 *	section 3.1 step 3.b): undo it
 * @sk: the socket, in TCP_CA_Loss
 *
 * Counted as Linux counts it: TcpExtTCPSpuriousRTOs and TCPLossUndo.
 */
void ltcp_undo_spurious_rto(struct sock *sk)
{
	if (!ltcp_sk(sk)->undo_armed)
		return;
	ltcp_sk(sk)->undo_armed = 0;
	NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPSPURIOUSRTOS);
	ltcp_undo(sk, 0);
}

/**
 * ltcp_undo_dsack_check() - after the SACK blocks of an ACK: has every
 *	retransmission of the episode been reported duplicate?
 * @sk: the socket
 *
 * Return: true if the episode was undone.
 */
bool ltcp_undo_dsack_check(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);

	if (!(lsk->undo_armed || lsk->undo_dsack_wait) || !lsk->undo_rtx ||
	    tcp_sk(sk)->undo_retrans)
		return false;
	lsk->undo_armed = 0;
	lsk->undo_dsack_wait = 0;
	ltcp_undo(sk, LINUX_MIB_TCPDSACKUNDO);
	return true;
}
