// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: F-RTO, detecting a spurious retransmission timeout without
 * timestamps (RFC 5682, the SACK-enhanced algorithm of section 3, which
 * works on connections without SACK too: there the cumulative ACK is all
 * it reads).
 *
 * A timeout that fired only because the path's delay jumped (a handover,
 * a burst of queueing) makes a conventional sender resend the whole
 * window, go-back-N, as ACKs for the originals arrive. F-RTO resends the
 * first segment only; when the first ACK after it advances the window
 * without reaching the recovery point, it sends up to two segments of
 * new data instead of resending more; if the next ACK then acknowledges
 * data that was never retransmitted, the originals got through and the
 * timeout was spurious: the episode is undone (undo.c), TcpExtTCPSpuriousRTOs.
 * A duplicate ACK, or one that reports the new data only, says the
 * originals were lost: conventional RTO recovery goes on.
 *
 * net.ltcp.frto (Linux's tcp_frto, ip-sysctl.rst): 0 off, any other
 * value on (the default 2, as Linux's).
 *
 * Differences from the kernel's choices (Documentation/design.rst): the
 * kernel also undoes in step 2, as soon as an ACK covers never
 * retransmitted data; RFC 5682 waits for step 3, and so does ltcp, which
 * keeps a loss of the first segment followed by a cumulative ACK of the
 * segments after it from being called spurious on a connection without
 * SACK.
 */

#include <net/tcp.h>

#include "ltcp.h"

/**
 * ltcp_frto_start() - step 1: a retransmission timeout fired
 * @sk: the socket, before its window is reduced
 * @prior_state: the congestion state before the timeout
 *
 * Step 1 applies F-RTO when no loss recovery is under way. A timeout
 * that recurs before any ACK, while F-RTO waits in step 2, resent the
 * first segment only and nothing else: what step 3 reads (never
 * retransmitted data) stays as true as before, so F-RTO goes on.
 */
void ltcp_frto_start(struct sock *sk, u8 prior_state)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	bool recurring = prior_state == TCP_CA_Loss && lsk->frto_step == 2 &&
			 inet_csk(sk)->icsk_retransmits;

	lsk->frto_step = 0;
	if (!READ_ONCE(ltcp_net(sock_net(sk))->frto))
		return;
	if (prior_state < TCP_CA_Recovery || recurring)
		lsk->frto_step = 2;
}

/**
 * ltcp_frto_delivered() - a segment was acknowledged or SACKed for the
 *	first time, by the ACK being processed
 * @sk: the socket
 * @skb: the segment
 */
void ltcp_frto_delivered(struct sock *sk, const struct sk_buff *skb)
{
	const struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct ltcp_sock *lsk = ltcp_sk(sk);

	if (!lsk->frto_step)
		return;
	if (!ltcp_before(cb->seq, lsk->recover))
		lsk->frto_new_acked = 1;
	else if (!cb->retrans)
		lsk->frto_orig_acked = 1;
}

/* Step 2.b: up to two segments never sent before, whatever the window. */
static bool ltcp_frto_send_new(struct sock *sk)
{
	if (!ltcp_send_probe_new(sk))
		return false;
	ltcp_send_probe_new(sk);
	return true;
}

/**
 * ltcp_frto_ack() - steps 2 and 3 for an ACK, once the scoreboard and the
 *	window took it
 * @sk: the socket
 * @advanced: it acknowledged new data (SND.UNA moved)
 * @dup: it was a duplicate ACK
 */
void ltcp_frto_ack(struct sock *sk, bool advanced, bool dup)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	bool orig = lsk->frto_orig_acked, new = lsk->frto_new_acked;

	lsk->frto_orig_acked = 0;
	lsk->frto_new_acked = 0;
	if (!lsk->frto_step)
		return;
	/* 2.a: the ACK reached the recovery point (RTO recovery is over),
	 * or something else (an undo) ended the episode.
	 */
	if (inet_csk(sk)->icsk_ca_state != TCP_CA_Loss) {
		lsk->frto_step = 0;
		return;
	}
	if (lsk->frto_step == 3) {
		if (orig) {
			/* 3.b: an original transmission got through. */
			lsk->frto_step = 0;
			ltcp_undo_spurious_rto(sk);
		} else if (dup || advanced || new) {
			/* 3.a: the originals were lost. */
			lsk->frto_step = 0;
		}
		/* Otherwise (a window update): still waiting. */
		return;
	}
	/* Step 2: duplicate ACKs before the retransmission's ACK only update
	 * the scoreboard.
	 */
	if (!advanced)
		return;
	/* 2.b, or conventional recovery when no new data can go (no data,
	 * or the peer's window is full).
	 */
	lsk->frto_step = ltcp_frto_send_new(sk) ? 3 : 0;
}
