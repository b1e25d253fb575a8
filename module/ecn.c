// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp Explicit Congestion Notification, RFC 3168.
 *
 * Negotiation (6.1.1): an ECN-setup SYN carries ECE and CWR, an ECN-setup
 * SYN-ACK carries ECE alone. ltcp asks for ECN when net.ltcp.ecn is 1 or
 * when the congestion control needs it (TCP_CONG_NEEDS_ECN: DCTCP), and
 * accepts a request when net.ltcp.ecn is 1 or 2 (Linux's values: 2, the
 * default, accepts without asking) or when the listener's algorithm needs
 * ECN.
 *
 * The state lives in tcp_sock.ecn_flags with the kernel's bits, because
 * congestion controls read and write it (DCTCP makes TCP_ECN_DEMAND_CWR
 * follow the CE state of what it receives, RFC 8257 3.2):
 * TCP_ECN_OK (negotiated), TCP_ECN_QUEUE_CWR (our next new data segment
 * carries CWR), TCP_ECN_DEMAND_CWR (our ACKs carry ECE until the peer's
 * CWR), TCP_ECN_SEEN (an ECT or CE segment arrived).
 */
#include <net/inet_ecn.h>
#include <net/tcp.h>

#include "ltcp.h"

static bool ltcp_ca_needs_ecn(const struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;

	return ca && (ca->flags & TCP_CONG_NEEDS_ECN);
}

static void ltcp_ca_event(struct sock *sk, enum tcp_ca_event ev)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;

	if (ca && ca->cwnd_event)
		ca->cwnd_event(sk, ev);
}

/**
 * ltcp_ecn_syn() - flags for our SYN of an active open (6.1.1)
 * @sk: the socket, in SYN-SENT
 *
 * Return: LTCP_ECE | LTCP_CWR to ask for ECN, or 0.
 */
u8 ltcp_ecn_syn(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	/* Not ECN-capable itself (6.1.1), nor anything until the
	 * handshake says so.
	 */
	INET_ECN_dontxmit(sk);
	tp->ecn_flags = 0;
	if (READ_ONCE(ltcp_net(sock_net(sk))->ecn) == 1 ||
	    ltcp_ca_needs_ecn(sk)) {
		/* Asked: kept if the SYN-ACK agrees. */
		tp->ecn_flags = TCP_ECN_OK;
		return LTCP_ECE | LTCP_CWR;
	}
	return 0;
}

/**
 * ltcp_ecn_synack_rcvd() - the SYN-ACK answered our SYN
 * @sk: the socket
 * @th: the SYN-ACK's header
 *
 * ECN stays on if we asked and the answer is an ECN-setup SYN-ACK (ECE
 * without CWR: a SYN-ACK with both is a peer echoing flags it does not
 * understand, 6.1.1).
 */
void ltcp_ecn_synack_rcvd(struct sock *sk, const struct tcphdr *th)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!th->ece || th->cwr)
		tp->ecn_flags = 0;
}

/**
 * ltcp_ecn_req() - will we do ECN with the peer of this SYN?
 * @listener: the listening socket
 * @th: the SYN's header
 *
 * Return: true to answer with an ECN-setup SYN-ACK.
 */
bool ltcp_ecn_req(const struct sock *listener, const struct tcphdr *th)
{
	if (!th->ece || !th->cwr)
		return false;
	return READ_ONCE(ltcp_net(sock_net(listener))->ecn) ||
	       ltcp_ca_needs_ecn(listener);
}

/*
 * DCTCP's CE state is about to change (it keeps TCP_ECN_DEMAND_CWR equal
 * to it): a delayed ACK still owed for the segments before goes now, with
 * the echo they earned (RFC 8257 3.2). Sending it here also keeps the
 * kernel's dctcp from sending it itself through the kernel's TCP output.
 */
static void ltcp_ecn_flush_ack(struct sock *sk)
{
	if (inet_csk(sk)->icsk_ack.pending & ICSK_ACK_TIMER)
		ltcp_send_ack(sk);
}

/**
 * ltcp_ecn_rcv() - the ECN codepoint of an arriving data segment
 *	(RFC 3168 6.1.3, RFC 8257 3.2)
 * @sk: the socket, ECN negotiated or not
 * @skb: the segment, in sequence order or not
 * @ack_now: set when the segment must be acknowledged at once
 */
void ltcp_ecn_rcv(struct sock *sk, const struct sk_buff *skb, bool *ack_now)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 ecn;

	if (!(tp->ecn_flags & TCP_ECN_OK))
		return;
	if (ltcp_skb_v6(skb))
		ecn = ipv6_get_dsfield(ipv6_hdr(skb)) & INET_ECN_MASK;
	else
		ecn = ip_hdr(skb)->tos & INET_ECN_MASK;

	/* 6.1.3: a CWR on a new segment ends the ECE echo. Not with an
	 * algorithm that needs ECN: DCTCP's echo follows the CE marks
	 * alone (RFC 8257 3.2), and it keeps TCP_ECN_DEMAND_CWR equal to
	 * its CE state, which ltcp_ecn_flush_ack() relies on.
	 */
	if (tcp_hdr(skb)->cwr && !ltcp_ca_needs_ecn(sk))
		tp->ecn_flags &= ~TCP_ECN_DEMAND_CWR;

	switch (ecn) {
	case INET_ECN_NOT_ECT:
		return;
	case INET_ECN_CE:
		if (ltcp_ca_needs_ecn(sk)) {
			if (!(tp->ecn_flags & TCP_ECN_DEMAND_CWR))
				ltcp_ecn_flush_ack(sk);
			ltcp_ca_event(sk, CA_EVENT_ECN_IS_CE);
		}
		if (!(tp->ecn_flags & TCP_ECN_DEMAND_CWR)) {
			/* Echo ECE from this ACK on, and send it now. */
			tp->ecn_flags |= TCP_ECN_DEMAND_CWR;
			*ack_now = true;
		}
		break;
	default:	/* ECT(0) or ECT(1) */
		if (ltcp_ca_needs_ecn(sk)) {
			if (tp->ecn_flags & TCP_ECN_DEMAND_CWR)
				ltcp_ecn_flush_ack(sk);
			ltcp_ca_event(sk, CA_EVENT_ECN_NO_CE);
		}
		break;
	}
	tp->ecn_flags |= TCP_ECN_SEEN;
	if (inet_csk(sk)->icsk_ack.pending & ICSK_ACK_NOW)
		*ack_now = true;
}

/**
 * ltcp_ecn_xmit() - ECN marks of an outgoing segment
 * @sk: the socket
 * @cb: the segment's control block (sequence numbers, flags)
 * @len: its payload length
 *
 * New data is sent ECN-capable (ECT(0)), retransmissions and pure ACKs not
 * (6.1.5, 6.1.4) unless the congestion control needs ECN on every segment
 * (DCTCP, as Linux does). The first new data segment after a window
 * reduction carries CWR; every segment carries ECE while the peer's CE
 * mark waits for its CWR.
 *
 * Return: LTCP_CWR and/or LTCP_ECE to add to the header's flags.
 */
u8 ltcp_ecn_xmit(struct sock *sk, const struct ltcp_skb_cb *cb,
		 unsigned int len)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 flags = 0;

	if (!(tp->ecn_flags & TCP_ECN_OK) || (cb->flags & LTCP_SYN))
		return 0;
	if (len && !ltcp_before(cb->seq, tp->snd_nxt)) {
		INET_ECN_xmit(sk);
		if (tp->ecn_flags & TCP_ECN_QUEUE_CWR) {
			tp->ecn_flags &= ~TCP_ECN_QUEUE_CWR;
			flags |= LTCP_CWR;
		}
	} else if (!ltcp_ca_needs_ecn(sk)) {
		INET_ECN_dontxmit(sk);
	}
	if (tp->ecn_flags & TCP_ECN_DEMAND_CWR)
		flags |= LTCP_ECE;
	return flags;
}

/**
 * ltcp_ecn_init() - the connection is established
 * @sk: the socket
 *
 * With a congestion control that needs ECN every segment is ECT,
 * including the pure ACKs; otherwise only new data (ltcp_ecn_xmit()).
 */
void ltcp_ecn_init(struct sock *sk)
{
	if (!(tcp_sk(sk)->ecn_flags & TCP_ECN_OK))
		INET_ECN_dontxmit(sk);
	else if (ltcp_ca_needs_ecn(sk))
		INET_ECN_xmit(sk);
}

/**
 * ltcp_ecn_ece() - an ACK with ECE arrived (RFC 3168 6.1.2)
 * @sk: the socket, ECN negotiated
 *
 * React as to a loss, at most once per window of data: ssthresh from the
 * congestion control, cwnd down to it (unless the algorithm sets cwnd
 * itself), CWR on the next new segment, and the TCP_CA_CWR state until
 * everything sent before the reduction is acknowledged.
 *
 * Return: true if the window was reduced.
 */
bool ltcp_ecn_ece(struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (icsk->icsk_ca_state != TCP_CA_Open)
		return false;
	tp->prior_ssthresh = tp->snd_ssthresh;
	tp->prior_cwnd = tcp_snd_cwnd(tp);
	tp->snd_ssthresh = ca && ca->ssthresh ? ca->ssthresh(sk) :
			   max(tcp_snd_cwnd(tp) >> 1, 2U);
	if (!(ca && ca->cong_control))
		tcp_snd_cwnd_set(tp, max(tp->snd_ssthresh, 2U));
	tp->snd_cwnd_stamp = tcp_jiffies32;
	tp->ecn_flags |= TCP_ECN_QUEUE_CWR;
	tp->high_seq = tp->snd_nxt;
	if (ca && ca->set_state)
		ca->set_state(sk, TCP_CA_CWR);
	icsk->icsk_ca_state = TCP_CA_CWR;
	return true;
}

/**
 * ltcp_ecn_cwr_done() - the reduced window's data is all acknowledged
 * @sk: the socket, in TCP_CA_CWR
 */
void ltcp_ecn_cwr_done(struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;

	if (ca && ca->set_state)
		ca->set_state(sk, TCP_CA_Open);
	inet_csk(sk)->icsk_ca_state = TCP_CA_Open;
	ltcp_ca_event(sk, CA_EVENT_COMPLETE_CWR);
}
