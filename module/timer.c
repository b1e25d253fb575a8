// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp timers: the retransmission timer (RFC 6298) with the SYN and data
 * retry limits, the zero-window probe (RFC 9293 3.8.6.1) and the loss
 * probe (RFC 8985 section 7, tlp.c) and the RACK reordering timer
 * (section 6.3, rack.c) multiplexed on it, the delayed
 * ACK timer, and the FIN-WAIT-2 timer of orphaned sockets. They are the
 * inet_connection_sock timers; a timer that finds the socket owned by the
 * user leaves its work to release_sock (ltcp_release_cb).
 */
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/* The bounds of the RTO: net.ltcp.rto_min_us and rto_max_ms. */
static u32 ltcp_rto_min_us(const struct sock *sk)
{
	return max_t(u32, READ_ONCE(ltcp_net(sock_net(sk))->rto_min_us), 1);
}

static u32 ltcp_rto_max(const struct sock *sk)
{
	return msecs_to_jiffies(READ_ONCE(ltcp_net(sock_net(sk))->rto_max_ms));
}

/*
 * RTO = SRTT + max(G, 4 * RTTVAR), 2.5: at most net.ltcp.rto_max_ms
 * (120 s). 2.4's minimum, net.ltcp.rto_min_us (Linux's 200 ms by default,
 * not RFC 6298's 1 s), bounds the variance term rather than the sum, as
 * Linux's minimum does: on a steady path RTTVAR decays towards 0, and a
 * minimum of the sum would leave next to no margin above an SRTT near it
 * (selftests/peer_rto). In jiffies, before any backoff.
 */
static unsigned long ltcp_rto_base(struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 rto_us;

	rto_us = (tp->srtt_us >> 3) +
		 max3(tp->mdev_us, jiffies_to_usecs(1), ltcp_rto_min_us(sk));
	return min(usecs_to_jiffies(rto_us), ltcp_rto_max(sk));
}

/**
 * ltcp_rtt_sample() - fold one RTT measurement into SRTT, RTTVAR and RTO
 * @sk: the socket
 * @rtt_us: the sample, in microseconds
 *
 * RFC 6298 section 2, with srtt_us kept times 8 and mdev_us times 4 as in
 * struct tcp_sock (congestion-control modules read srtt_us).
 */
void ltcp_rtt_sample(struct sock *sk, long rtt_us)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (rtt_us <= 0)
		rtt_us = 1;
	if (!tp->srtt_us) {
		/* 2.2: SRTT = R, RTTVAR = R/2 */
		tp->srtt_us = rtt_us << 3;
		tp->mdev_us = (rtt_us >> 1) << 2;
	} else {
		long srtt = tp->srtt_us >> 3;
		long err = rtt_us - srtt;

		/* 2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R'|,
		 *      SRTT = 7/8 SRTT + 1/8 R'
		 */
		tp->mdev_us = tp->mdev_us - (tp->mdev_us >> 2) + abs(err);
		tp->srtt_us = tp->srtt_us - (tp->srtt_us >> 3) + rtt_us;
	}
	tp->rttvar_us = tp->mdev_us;
	tp->mdev_max_us = max(tp->mdev_max_us, tp->mdev_us);
	/* The minimum congestion control reads (tcp_min_rtt()), renewed
	 * after Linux's default window of 300 s. One sample is kept where
	 * win_minmax keeps three (its running-min is not exported).
	 */
	if (rtt_us <= tp->rtt_min.s[0].v ||
	    tcp_jiffies32 - tp->rtt_min.s[0].t > 300 * HZ)
		minmax_reset(&tp->rtt_min, tcp_jiffies32, rtt_us);
	icsk->icsk_rto = ltcp_rto_base(sk);
}

/**
 * ltcp_rearm_rto() - restart the retransmission timer (RFC 6298 5.3)
 * @sk: the socket
 */
void ltcp_rearm_rto(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, icsk->icsk_rto,
				  LTCP_RTO_MAX);
}

/*
 * The retransmissions an established connection makes before giving up:
 * net.ltcp.retries2 (RFC 9293 3.8.3's R2); for an orphan, which no
 * application waits on, net.ipv4.tcp_orphan_retries, where 0 means 8
 * while the RTO is below its maximum and 0 once it reached it, or when
 * an ICMP error was seen (Linux's reading of that sysctl): a peer that
 * vanished must not hold the socket, and ltcp.ko, for a quarter of an
 * hour.
 */
static int ltcp_data_retries(struct sock *sk)
{
	bool alive = inet_csk(sk)->icsk_rto < ltcp_rto_max(sk);
	int orphan;

	if (!sock_flag(sk, SOCK_DEAD))
		return READ_ONCE(ltcp_net(sock_net(sk))->retries2);
	orphan = READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_orphan_retries);
	if (sk->sk_err_soft && !alive)
		return 0;
	return orphan ? : (alive ? 8 : 0);
}

/*
 * A retries count is a time, as Linux documents tcp_retries1/2
 * (ip-sysctl.rst): N stands for the time a connection would take to make
 * N retransmissions and wait out the (N+1)th RTO, starting from an RTO of
 * 200 ms and doubling up to net.ltcp.rto_max_ms (retries2 = 15: 924.6 s).
 * A connection with a larger RTO (a long path, no RTT sample yet) gives
 * up after fewer retransmissions, at the first timeout past that time.
 */
static u32 ltcp_retries_time(const struct sock *sk, int retries)
{
	u32 rto_max = jiffies_to_msecs(ltcp_rto_max(sk));
	u32 rto = LTCP_RTO_MIN_US / USEC_PER_MSEC;
	u64 ms = 0;
	int i;

	for (i = 0; i <= retries; i++) {
		ms += rto;
		rto = min(rto * 2, rto_max);
	}
	return msecs_to_jiffies(min_t(u64, ms, U32_MAX / 2));
}

/*
 * Whether the timeouts since the first one of this episode are past
 * @retries. Never before the first retransmission. The time counts from
 * that first timeout's retransmission (retries_start), not from the
 * original send nor from a loss probe, as Linux 6.1 counts it from its
 * retrans_stamp when the timer made the first retransmission: a
 * connection makes the retransmissions, and dies at the time, the
 * kernel's TCP does with the same sysctl (with tcp_orphan_retries=2:
 * three retransmissions after the probe, gone 3.2 s after the write
 * rather than 1.6 s, selftests/ltcp_timers.sh). Where Linux differs:
 * its stamp also starts at a fast retransmission and lasts across partial
 * ACKs until the recovery ends; a timeout after a failed fast recovery
 * gives up as much as a few RTOs later on ltcp.
 */
static bool ltcp_retries_timed_out(struct sock *sk, int retries)
{
	if (!inet_csk(sk)->icsk_retransmits)
		return false;
	return (s32)(tcp_jiffies32 - ltcp_sk(sk)->retries_start -
		     ltcp_retries_time(sk, retries)) >= 0;
}

/*
 * TCP_USER_TIMEOUT (RFC 5482's user timeout, with Linux's tcp(7) meaning):
 * data left unacknowledged, or unsent behind a zero window, for longer
 * than this many milliseconds since @start (jiffies) ends the connection
 * with ETIMEDOUT, whatever retries2 says. 0: not set.
 */
static bool ltcp_user_timed_out(const struct sock *sk, u32 start)
{
	u32 ut = READ_ONCE(inet_csk(sk)->icsk_user_timeout);

	return ut && (s32)(tcp_jiffies32 - start - msecs_to_jiffies(ut)) >= 0;
}

/* The next timer no later than the user timeout counted from @start. */
static unsigned long ltcp_clamp_to_user_timeout(const struct sock *sk,
						unsigned long when, u32 start)
{
	u32 ut = READ_ONCE(inet_csk(sk)->icsk_user_timeout);
	s32 left;

	if (!ut)
		return when;
	left = start + msecs_to_jiffies(ut) - tcp_jiffies32;
	return min_t(unsigned long, when, max(left, 1));
}

/* When the head of the unacknowledged data was sent (jiffies). */
static u32 ltcp_head_sent(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	s32 age_us;

	if (!skb)
		return tcp_jiffies32;
	/* An EDT departure time (fq) may lie slightly ahead. */
	age_us = (u32)tcp_clock_us() - LTCP_SKB_CB(skb)->tx_us;
	return tcp_jiffies32 - usecs_to_jiffies(max(age_us, 0));
}

/**
 * ltcp_icmp_unreachable() - an ICMP "net or host unreachable" or ICMPv6
 *	"no route to destination" about the segment at @seq
 * @sk: the socket, bh-locked, synchronized
 * @seq: the quoted sequence number
 *
 * RFC 6069 (TCP-LD) section 4: about the head while the retransmission
 * timer backs off, it says the path is down rather than congested: one
 * backoff step is undone, and the head goes again at once if the shorter
 * timeout has passed since it was last sent (selftests/peer_icmp). Only
 * over the retransmission timer: a loss probe, RACK or zero-window probe
 * timer pending is left alone (Linux re-arms over them).
 */
void ltcp_icmp_unreachable(struct sock *sk, u32 seq)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	s32 left;

	if (sock_owned_by_user(sk) || seq != tcp_sk(sk)->snd_una ||
	    !tcp_sk(sk)->packets_out || !icsk->icsk_retransmits ||
	    !icsk->icsk_backoff || icsk->icsk_pending != ICSK_TIME_RETRANS)
		return;
	icsk->icsk_backoff--;
	/* Without an RTT sample the RTO starts from the initial 1 s. The
	 * shift is bounded: 2^20 jiffies is beyond any rto_max_ms.
	 */
	icsk->icsk_rto = min((tcp_sk(sk)->srtt_us ? ltcp_rto_base(sk) :
			      LTCP_TIMEOUT_INIT) << min_t(u8, icsk->icsk_backoff, 20),
			     ltcp_rto_max(sk));
	left = icsk->icsk_rto - (tcp_jiffies32 - ltcp_head_sent(sk));
	inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, max(left, 0),
				  LTCP_RTO_MAX);
}

/* Give up on the connection (RFC 9293 3.8.3: R2 exceeded). */
static void ltcp_write_err(struct sock *sk)
{
	sk->sk_err = sk->sk_err_soft ? : ETIMEDOUT;
	sk_error_report(sk);
	ltcp_done(sk);
}

static void ltcp_ca_loss(struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	bool reneged;

	ltcp_frto_start(sk, inet_csk(sk)->icsk_ca_state);
	/* RFC 5681 3.1 (4): on the first timeout of a loss episode
	 * ssthresh drops; cwnd becomes one segment.
	 */
	if (inet_csk(sk)->icsk_ca_state != TCP_CA_Loss) {
		ltcp_undo_start(sk);
		tp->prior_ssthresh = tp->snd_ssthresh;
		tp->prior_cwnd = tcp_snd_cwnd(tp);
		tp->snd_ssthresh = ca && ca->ssthresh ? ca->ssthresh(sk) :
				   max(tcp_snd_cwnd(tp) >> 1, 2U);
		if (ca && ca->cwnd_event)
			ca->cwnd_event(sk, CA_EVENT_LOSS);
	}
	tcp_snd_cwnd_set(tp, 1);
	tp->snd_cwnd_cnt = 0;
	lsk->in_recovery = 0;
	lsk->dupacks = 0;
	lsk->recover = tp->snd_nxt;
	if (ca && ca->set_state)
		ca->set_state(sk, TCP_CA_Loss);
	inet_csk(sk)->icsk_ca_state = TCP_CA_Loss;

	/* Everything outstanding is presumed lost and goes again, in order,
	 * as the window reopens (go-back-N from snd_una), except what the
	 * peer SACKed: RFC 6675 section 5.1 (and RFC 2018 Errata 1610) keeps
	 * the scoreboard across a timeout when reneging is ruled out, and
	 * ltcp_mark_lost() never marks a SACKed segment. Reneging (RFC 2018
	 * section 8: the receiver discarded data it SACKed) shows as SACKed
	 * data at SND.UNA, which the cumulative ACK would have covered: then
	 * every SACK is forgotten, as RFC 2018 section 8 asks, or the
	 * connection would wait forever for data nobody resends. Without
	 * SACK, sacked_out only counted duplicate ACKs: forget them.
	 */
	tp->retrans_out = 0;
	/* RFC 8985 section 7: a loss probe still outstanding is superseded
	 * by the timeout's retransmissions.
	 */
	tp->tlp_high_seq = 0;
	skb = skb_peek(&sk->sk_write_queue);
	reneged = skb && skb != lsk->send_head &&
		  (LTCP_SKB_CB(skb)->state & LTCP_SKB_SACKED);
	if (reneged) {
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPSACKRENEGING);
		lsk->sacked_any = 0;
	}
	if (!tp->rx_opt.sack_ok || reneged)
		tp->sacked_out = 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

		if (skb == lsk->send_head)
			break;
		if (reneged)
			cb->state &= ~LTCP_SKB_SACKED;
		if (cb->state & LTCP_SKB_SACKED)
			continue;
		/* A retransmission lost again is one more loss (tp->lost
		 * counts every lost transmission).
		 */
		if (cb->state & LTCP_SKB_RETRANS)
			tp->lost++;
		cb->state &= ~LTCP_SKB_RETRANS;
		ltcp_mark_lost(sk, skb);
	}
}

/**
 * ltcp_write_timer_handler() - the retransmission or probe timer fired
 * @sk: the socket, owned (release_cb) or bh-locked and not owned
 */
void ltcp_write_timer_handler(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned long when;
	int event;

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN) ||
	    !icsk->icsk_pending)
		return;
	if (time_after(icsk->icsk_timeout, jiffies)) {
		sk_reset_timer(sk, &icsk->icsk_retransmit_timer,
			       icsk->icsk_timeout);
		return;
	}
	event = icsk->icsk_pending;
	icsk->icsk_pending = 0;

	if (event == ICSK_TIME_LOSS_PROBE) {
		ltcp_tlp_fire(sk);
		return;
	}
	if (event == ICSK_TIME_REO_TIMEOUT) {
		ltcp_rack_timeout(sk);
		return;
	}

	if (event == ICSK_TIME_PROBE0) {
		/* RFC 9293 3.8.6.1: probe a zero window, forever while
		 * the peer answers. The probe is a segment the peer must
		 * answer with its window: an old sequence number
		 * (SND.UNA - 1, as Linux sends), not a pure ACK at
		 * SND.NXT, which draws no reply, so the probes would count
		 * as unanswered and the connection would be given up after
		 * retries2 of them.
		 */
		struct sk_buff *skb = ltcp_sk(sk)->send_head;

		if (!skb || tp->packets_out)
			return;
		/* The user timeout runs from the first probe and, as on
		 * Linux, answered probes do not stop it: the data stays
		 * unsent.
		 */
		if (!icsk->icsk_probes_tstamp)
			icsk->icsk_probes_tstamp = tcp_jiffies32;
		else if (ltcp_user_timed_out(sk, icsk->icsk_probes_tstamp))
			goto give_up;
		if (icsk->icsk_probes_out++ >=
		    READ_ONCE(ltcp_net(sock_net(sk))->retries2))
			goto give_up;
		if (!ltcp_after(LTCP_SKB_CB(skb)->end_seq,
				tp->snd_una + tp->snd_wnd)) {
			/* The window takes it: the timer may have been armed
			 * because sending failed locally (ltcp_push_pending()).
			 * Once something is in flight the retransmission
			 * timer takes over.
			 */
			ltcp_push_pending(sk);
			if (tp->packets_out)
				return;
		}
		/* Still nothing sent (a shut window, data held by TCP_CORK,
		 * a local drop again): the probe, whose answer tells the
		 * peer is there.
		 */
		ltcp_send_keepalive_probe(sk);
		icsk->icsk_backoff = min(icsk->icsk_backoff + 1, 15);
		when = min_t(unsigned long,
			     icsk->icsk_rto << icsk->icsk_backoff,
			     ltcp_rto_max(sk));
		when = ltcp_clamp_to_user_timeout(sk, when,
						  icsk->icsk_probes_tstamp);
		inet_csk_reset_xmit_timer(sk, ICSK_TIME_PROBE0, when,
					  LTCP_RTO_MAX);
		return;
give_up:
		ltcp_write_err(sk);
		return;
	}

	if (!tp->packets_out)
		return;
	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) {
		int max = ltcp_sk(sk)->syn_retries ? :
			  READ_ONCE(ltcp_net(sock_net(sk))->syn_retries);

		if (icsk->icsk_retransmits >= max) {
			ltcp_write_err(sk);
			return;
		}
		ltcp_retransmit_head(sk);
	} else {
		if (!icsk->icsk_retransmits) {
			ltcp_sk(sk)->rto_start = ltcp_head_sent(sk);
			ltcp_sk(sk)->retries_start = tcp_jiffies32;
		}
		/* TCP_USER_TIMEOUT, when set, takes the place of retries2
		 * (tcp(7)).
		 */
		if (READ_ONCE(icsk->icsk_user_timeout) ?
		    ltcp_user_timed_out(sk, ltcp_sk(sk)->rto_start) :
		    ltcp_retries_timed_out(sk, ltcp_data_retries(sk))) {
			ltcp_write_err(sk);
			return;
		}
		/* RFC 1122 4.2.3.5: after R1 retransmissions, negative
		 * advice to IP (dead-gateway detection); the route is
		 * looked up again for every retransmission from here on.
		 */
		if (ltcp_retries_timed_out(sk,
					   READ_ONCE(ltcp_net(sock_net(sk))->retries1))) {
			dst_negative_advice(sk);
			__sk_dst_reset(sk);
		}
		/* TcpExtTCPTimeouts, as nstat shows it for Linux's TCP. */
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPTIMEOUTS);
		ltcp_ca_loss(sk);
		ltcp_push_pending(sk);
	}
	icsk->icsk_retransmits++;
	/* RFC 6298 5.5: back off, up to net.ltcp.rto_max_ms. */
	icsk->icsk_backoff++;
	icsk->icsk_rto = min(icsk->icsk_rto << 1, ltcp_rto_max(sk));
	when = icsk->icsk_rto;
	if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV)
		when = ltcp_clamp_to_user_timeout(sk, when,
						  ltcp_sk(sk)->rto_start);
	inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, when, LTCP_RTO_MAX);
}

/**
 * ltcp_delack_timer_handler() - send the ACK that was delayed
 * @sk: the socket
 */
void ltcp_delack_timer_handler(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN) ||
	    !(icsk->icsk_ack.pending & ICSK_ACK_TIMER))
		return;
	if (time_after(icsk->icsk_ack.timeout, jiffies)) {
		sk_reset_timer(sk, &icsk->icsk_delack_timer,
			       icsk->icsk_ack.timeout);
		return;
	}
	icsk->icsk_ack.pending &= ~ICSK_ACK_TIMER;
	if (icsk->icsk_ack.pending & ICSK_ACK_SCHED) {
		/* No reply took the ACK along: not (or no longer) an
		 * interactive exchange.
		 */
		inet_csk_exit_pingpong_mode(sk);
		ltcp_send_ack(sk);
		/* TcpExtDelayedACKs, as nstat shows it for the kernel's TCP. */
		NET_INC_STATS(sock_net(sk), LINUX_MIB_DELAYEDACKS);
	}
}

static void ltcp_write_timer(struct timer_list *t)
{
	struct inet_connection_sock *icsk =
		from_timer(icsk, t, icsk_retransmit_timer);
	struct sock *sk = &icsk->icsk_inet.sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		ltcp_write_timer_handler(sk);
	else
		set_bit(LTCP_DEFER_WRITE_TIMER, &ltcp_sk(sk)->deferred);
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void ltcp_delack_timer(struct timer_list *t)
{
	struct inet_connection_sock *icsk =
		from_timer(icsk, t, icsk_delack_timer);
	struct sock *sk = &icsk->icsk_inet.sk;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		ltcp_delack_timer_handler(sk);
	else
		set_bit(LTCP_DEFER_DELACK_TIMER, &ltcp_sk(sk)->deferred);
	bh_unlock_sock(sk);
	sock_put(sk);
}

/* The idle time before the first keep-alive probe, and between probes. */
static u32 ltcp_keepalive_time(const struct tcp_sock *tp)
{
	return tp->keepalive_time ? :
	       READ_ONCE(ltcp_net(sock_net((struct sock *)tp))->keepalive_time);
}

static u32 ltcp_keepalive_intvl(const struct tcp_sock *tp)
{
	return tp->keepalive_intvl ? :
	       READ_ONCE(ltcp_net(sock_net((struct sock *)tp))->keepalive_intvl);
}

static u32 ltcp_keepalive_probes(const struct tcp_sock *tp)
{
	return tp->keepalive_probes ? :
	       READ_ONCE(ltcp_net(sock_net((struct sock *)tp))->keepalive_probes);
}

/**
 * ltcp_fin_wait2_arm() - an orphan waits TCP_LINGER2 or
 *	net.ltcp.fin_timeout in FIN-WAIT-2 for the peer's FIN
 * @sk: the socket
 */
void ltcp_fin_wait2_arm(struct sock *sk)
{
	int linger2 = READ_ONCE(tcp_sk(sk)->linger2);

	/* TCP_LINGER2: its own wait, or none (negative: the timer fires at
	 * once and resets the connection, as Linux does).
	 */
	if (linger2 < 0)
		linger2 = 0;
	else if (!linger2)
		linger2 = READ_ONCE(ltcp_net(sock_net(sk))->fin_timeout);
	inet_csk_reset_keepalive_timer(sk, linger2);
}

/**
 * ltcp_keepalive_arm() - (re)start keep-alive after SO_KEEPALIVE or a new
 *	TCP_KEEPIDLE
 * @sk: the socket
 */
void ltcp_keepalive_arm(struct sock *sk)
{
	if (sock_flag(sk, SOCK_KEEPOPEN) &&
	    ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
		inet_csk_reset_keepalive_timer(sk,
					       ltcp_keepalive_time(tcp_sk(sk)));
}

/*
 * RFC 1122 4.2.3.6 keep-alive: after the connection has been idle (nothing
 * received, nothing outstanding) for keepalive_time, send a segment with
 * SEG.SEQ = SND.NXT-1 and no data, which the peer must acknowledge; after
 * keepalive_probes unanswered probes, keepalive_intvl apart, the
 * connection is dead (ETIMEDOUT).
 */
static void ltcp_keepalive(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 idle, time, user_timeout;

	if (!sock_flag(sk, SOCK_KEEPOPEN) ||
	    !((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT)))
		return;
	time = ltcp_keepalive_time(tp);
	/* Data in flight: the retransmission timer watches the peer. */
	if (tp->packets_out || ltcp_sk(sk)->send_head) {
		inet_csk_reset_keepalive_timer(sk, time);
		return;
	}
	idle = tcp_jiffies32 - icsk->icsk_ack.lrcvtime;
	if (idle < time && !icsk->icsk_probes_out) {
		inet_csk_reset_keepalive_timer(sk, time - idle);
		return;
	}
	/* TCP_USER_TIMEOUT, when set, decides instead of the probe count
	 * (tcp(7)): unanswered probes and that long without a word.
	 */
	user_timeout = READ_ONCE(icsk->icsk_user_timeout);
	if (user_timeout ?
	    icsk->icsk_probes_out && idle >= msecs_to_jiffies(user_timeout) :
	    icsk->icsk_probes_out >= ltcp_keepalive_probes(tp)) {
		ltcp_send_active_reset(sk, GFP_ATOMIC);
		sk->sk_err = ETIMEDOUT;
		sk_error_report(sk);
		ltcp_done(sk);
		return;
	}
	ltcp_send_keepalive_probe(sk);
	icsk->icsk_probes_out++;
	inet_csk_reset_keepalive_timer(sk, ltcp_keepalive_intvl(tp));
}

/*
 * The keep-alive timer (icsk_keepalive_timer; older 6.1 trees call it
 * sk_timer): keep-alive, and for an orphan in FIN-WAIT-2 the end of its
 * wait for the peer's FIN (Linux's tcp_fin_timeout; RFC 9293 leaves it
 * open).
 */
static void ltcp_keepalive_timer(struct timer_list *t)
{
	struct inet_connection_sock *icsk =
		from_timer(icsk, t, icsk_keepalive_timer);
	struct sock *sk = &icsk->icsk_inet.sk;

	bh_lock_sock(sk);
	if (sock_owned_by_user(sk)) {
		inet_csk_reset_keepalive_timer(sk, HZ / 20);
	} else if (sk->sk_state == TCP_FIN_WAIT2 && sock_flag(sk, SOCK_DEAD)) {
		ltcp_send_active_reset(sk, GFP_ATOMIC);
		ltcp_done(sk);
	} else if (sk->sk_state != TCP_CLOSE) {
		ltcp_keepalive(sk);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

/**
 * ltcp_init_xmit_timers() - set up the timers of a socket
 * @sk: the socket
 */
void ltcp_init_xmit_timers(struct sock *sk)
{
	inet_csk_init_xmit_timers(sk, ltcp_write_timer, ltcp_delack_timer,
				  ltcp_keepalive_timer);
	ltcp_pacing_init(sk);
	ltcp_sack_comp_init(sk);
}
