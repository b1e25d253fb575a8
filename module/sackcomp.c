// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp SACK compression: fewer ACKs from a receiver behind a hole.
 *
 * RFC 5681 section 4.2 asks for an immediate ACK of every out-of-order
 * segment, so that the sender sees its duplicate ACKs, and with SACK each
 * new block, at once. Behind a hole at a high rate that is an ACK per
 * segment for a whole round trip, and the sender matches each one against
 * its scoreboard. In the test VM an ltcp receiver at about 100 Mbit/s with
 * 1% loss sent 0.97 ACKs per segment where the kernel's TCP sent 0.09; the
 * two ends fell so far behind (the receiver's SACKs were 20 ms late at the
 * 90th percentile) that the sender resent data which had arrived.
 *
 * Linux's answer, whose knobs ltcp mirrors (ip-sysctl.rst:
 * tcp_comp_sack_delay_ns, tcp_comp_sack_slack_ns, tcp_comp_sack_nr): the
 * first DupThresh ACKs for one RCV.NXT go out at once, since the sender's
 * fast retransmit waits for three (RFC 5681 section 3.2); later ones wait
 * up to 5% of SRTT, at most net.ltcp.comp_sack_delay_ns, or until
 * net.ltcp.comp_sack_nr were held back. The ACK that goes then carries the
 * SACK blocks of what arrived meanwhile, the most recent first; any
 * segment that carries an ACK ends the wait. A D-SACK and an ACK that
 * moves RCV.NXT (a hole filled) are never held. comp_sack_nr 0 turns it
 * off; without SACK nothing is held, the duplicate ACKs being all the
 * sender has.
 *
 * State: tcp_sock.compressed_ack counts the ACKs held back,
 * compressed_ack_rcv_nxt and dup_ack_counter the ACKs sent at once for
 * that RCV.NXT, and compressed_ack_timer (an hrtimer holding a socket
 * reference while queued) sends the held one.
 */
#include <linux/hrtimer.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/* RFC 5681 section 3.2: the duplicate ACKs fast retransmit waits for. */
#define LTCP_COMP_SACK_AT_ONCE	3

/* ACKs that were held back and will never be sent, as Linux counts them. */
static void ltcp_sack_comp_count(struct sock *sk, u32 saved)
{
	if (saved)
		NET_ADD_STATS(sock_net(sk), LINUX_MIB_TCPACKCOMPRESSED, saved);
}

/**
 * ltcp_sack_comp_fire() - the wait is over: send the held ACK
 * @sk: the socket, owned or bh-locked
 */
void ltcp_sack_comp_fire(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 held = tp->compressed_ack;

	if (!held || (1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	/* Of the held ACKs this one goes: the others are saved. */
	tp->compressed_ack = 0;
	ltcp_sack_comp_count(sk, held - 1);
	ltcp_send_ack(sk);
}

static enum hrtimer_restart ltcp_sack_comp_timer(struct hrtimer *timer)
{
	struct tcp_sock *tp = container_of(timer, struct tcp_sock,
					   compressed_ack_timer);
	struct sock *sk = (struct sock *)tp;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		ltcp_sack_comp_fire(sk);
	else
		set_bit(LTCP_DEFER_COMP_SACK, &ltcp_sk(sk)->deferred);
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

/**
 * ltcp_sack_comp_init() - set up a socket's SACK compression timer
 * @sk: the socket (new, or a just-cloned child)
 */
void ltcp_sack_comp_init(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	hrtimer_init(&tp->compressed_ack_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_SOFT);
	tp->compressed_ack_timer.function = ltcp_sack_comp_timer;
	tp->compressed_ack = 0;
}

/**
 * ltcp_sack_comp_cancel() - forget the held ACKs and stop the timer
 * @sk: the socket
 */
void ltcp_sack_comp_cancel(struct sock *sk)
{
	tcp_sk(sk)->compressed_ack = 0;
	if (hrtimer_try_to_cancel(&tcp_sk(sk)->compressed_ack_timer) == 1)
		__sock_put(sk);
}

/**
 * ltcp_sack_comp_sent() - a segment carrying an ACK is going out
 * @sk: the socket, owned or bh-locked
 *
 * It acknowledges what the held ACKs would have: they are all saved.
 */
void ltcp_sack_comp_sent(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (likely(!tp->compressed_ack))
		return;
	ltcp_sack_comp_count(sk, tp->compressed_ack);
	ltcp_sack_comp_cancel(sk);
}

/**
 * ltcp_sack_comp_hold() - may the ACK of an out-of-order segment wait?
 * @sk: the socket, owned or bh-locked, after the segment was queued
 *
 * Return: true if it is held (the timer, or the next segment out, sends
 *	it); false if it must go now.
 */
bool ltcp_sack_comp_hold(struct sock *sk)
{
	struct ltcp_net *ln = ltcp_net(sock_net(sk));
	u32 nr = READ_ONCE(ln->comp_sack_nr);
	struct tcp_sock *tp = tcp_sk(sk);
	u64 delay_ns;

	if (!nr || !tp->rx_opt.sack_ok || tp->rx_opt.dsack || !tp->srtt_us)
		return false;
	/* Held longer, a block would drop out of the option unreported
	 * (RFC 2018 section 4 wants each change reported): the sender would
	 * take data that arrived for lost.
	 */
	if (ltcp_sack_fresh_full(sk))
		return false;
	if (tp->compressed_ack_rcv_nxt != tp->rcv_nxt) {
		tp->compressed_ack_rcv_nxt = tp->rcv_nxt;
		tp->dup_ack_counter = 0;
	}
	if (tp->dup_ack_counter < LTCP_COMP_SACK_AT_ONCE) {
		tp->dup_ack_counter++;
		return false;
	}
	if (tp->compressed_ack >= nr)
		return false;	/* this one goes and ends the wait */
	tp->compressed_ack++;
	if (hrtimer_is_queued(&tp->compressed_ack_timer))
		return true;
	/* 5% of SRTT (srtt_us holds eight times it), at most the knob. */
	delay_ns = min_t(u64, READ_ONCE(ln->comp_sack_delay_ns),
			 (u64)(tp->srtt_us >> 3) * NSEC_PER_USEC / 20);
	sock_hold(sk);
	hrtimer_start_range_ns(&tp->compressed_ack_timer, ns_to_ktime(delay_ns),
			       READ_ONCE(ln->comp_sack_slack_ns),
			       HRTIMER_MODE_REL_PINNED_SOFT);
	return true;
}
