// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp pacing: spreading a flight's segments over time at sk_pacing_rate
 * instead of sending them in one burst.
 *
 * Who sets the rate: a congestion control with cong_control (BBR) sets
 * sk_pacing_rate itself; for the others ltcp derives it from the window as
 * Linux documents for net.ipv4.tcp_pacing_ss_ratio and
 * tcp_pacing_ca_ratio (cwnd * mss / srtt, times 200% in slow start and
 * 120% after), capped by SO_MAX_PACING_RATE.
 *
 * Who paces: the fq qdisc, when there is one, paces every socket that
 * hands it packets by sk_pacing_rate (and marks the socket SK_PACING_FQ).
 * When a socket asks for pacing (SK_PACING_NEEDED: BBR, or
 * SO_MAX_PACING_RATE) and no fq does it, ltcp paces internally: each
 * segment pushes the earliest departure of the next (tcp_wstamp_ns) by
 * its length at the rate, and an hrtimer (tcp_sock.pacing_timer) resumes
 * sending when that time comes.
 */
#include <linux/hrtimer.h>
#include <net/tcp.h>

#include "ltcp.h"

/*
 * How far from its scheduled departure a segment may leave: about 1 ms of
 * data at the pacing rate (1 s >> sk_pacing_shift), the burst Linux's TSO
 * autosizing sends per pacing slot. It lets several segments go per timer
 * at high rates, and absorbs timer latency: departures are accounted from
 * the schedule, so the average rate holds as long as the timer is late by
 * less than this.
 */
static u64 ltcp_pacing_slack_ns(const struct sock *sk)
{
	return NSEC_PER_SEC >> READ_ONCE(sk->sk_pacing_shift);
}

/*
 * Who paces the socket. The fq qdisc publishes SK_PACING_FQ with a release
 * store from the transmit path, a congestion control SK_PACING_NEEDED with
 * cmpxchg: read with the matching acquire.
 */
static u32 ltcp_pacing_status(const struct sock *sk)
{
	/* Pairs with the release in fq's classify and the CC's cmpxchg. */
	return smp_load_acquire(&sk->sk_pacing_status);
}

static bool ltcp_pacing_on(const struct sock *sk)
{
	unsigned long rate = READ_ONCE(sk->sk_pacing_rate);

	return ltcp_pacing_status(sk) != SK_PACING_NONE &&
	       rate && rate != ~0UL;
}

static bool ltcp_pacing_internal(const struct sock *sk)
{
	return ltcp_pacing_status(sk) == SK_PACING_NEEDED;
}

static enum hrtimer_restart ltcp_pacing_timer(struct hrtimer *timer)
{
	struct tcp_sock *tp = container_of(timer, struct tcp_sock,
					   pacing_timer);
	struct sock *sk = (struct sock *)tp;

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk)) {
		ltcp_push_pending(sk);
	} else {
		/* release_sock() sends for us. */
		set_bit(LTCP_DEFER_PACE, &ltcp_sk(sk)->deferred);
	}
	bh_unlock_sock(sk);
	sock_put(sk);
	return HRTIMER_NORESTART;
}

/**
 * ltcp_pacing_init() - set up a socket's pacing timer
 * @sk: the socket (new, or a just-cloned child)
 */
void ltcp_pacing_init(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	hrtimer_init(&tp->pacing_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_ABS_PINNED_SOFT);
	tp->pacing_timer.function = ltcp_pacing_timer;
	tp->tcp_wstamp_ns = 0;
}

/**
 * ltcp_pacing_cancel() - stop the pacing timer
 * @sk: the socket, going to CLOSED
 */
void ltcp_pacing_cancel(struct sock *sk)
{
	if (hrtimer_try_to_cancel(&tcp_sk(sk)->pacing_timer) == 1)
		__sock_put(sk);
}

/**
 * ltcp_pacing_wait() - must the next segment wait for its departure time?
 * @sk: the socket, owned or bh-locked
 *
 * Return: true if it must; then the pacing timer is set for that time.
 */
bool ltcp_pacing_wait(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u64 now;

	if (!ltcp_pacing_internal(sk) || !ltcp_pacing_on(sk))
		return false;
	if (hrtimer_is_queued(&tp->pacing_timer))
		return true;
	now = tcp_clock_ns();
	tp->tcp_clock_cache = now;
	if (tp->tcp_wstamp_ns <= now + ltcp_pacing_slack_ns(sk))
		return false;
	sock_hold(sk);
	hrtimer_start(&tp->pacing_timer, ns_to_ktime(tp->tcp_wstamp_ns),
		      HRTIMER_MODE_ABS_PINNED_SOFT);
	return true;
}

/**
 * ltcp_pacing_departure() - when a segment sent now leaves the host
 * @sk: the socket
 * @skb: the copy handed to IP
 *
 * With fq pacing, the segment carries its departure time (skb->tstamp,
 * "earliest departure time") and fq holds it until then; the time is also
 * the segment's send time for RTT and delivery-rate samples, which must not
 * count the wait in the qdisc as network delay.
 *
 * Return: the departure time, in tcp_clock_ns() time.
 */
u64 ltcp_pacing_departure(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u64 now = tcp_clock_ns();

	u64 depart = now;

	tp->tcp_clock_cache = now;
	/* Internal pacing sends at most the slack early: the segment
	 * leaves now.
	 */
	if (ltcp_pacing_status(sk) != SK_PACING_FQ)
		return now;
	/* Every segment to fq carries its time, even "now": fq paces a
	 * segment without one by sk_pacing_rate on its own, a wait the RTT
	 * samples would count as network delay, lowering the rate derived
	 * from them in a spiral.
	 */
	if (ltcp_pacing_on(sk) && tp->tcp_wstamp_ns > now)
		depart = tp->tcp_wstamp_ns;
	skb_set_delivery_time(skb, depart, true);
	return depart;
}

/**
 * ltcp_pacing_sent() - a segment of @bytes left: schedule the next one
 * @sk: the socket
 * @bytes: its length
 */
void ltcp_pacing_sent(struct sock *sk, unsigned int bytes)
{
	unsigned long rate = READ_ONCE(sk->sk_pacing_rate);
	struct tcp_sock *tp = tcp_sk(sk);
	u64 now = tp->tcp_clock_cache;
	u64 slack;

	if (!ltcp_pacing_on(sk)) {
		tp->tcp_wstamp_ns = now;
		return;
	}
	/* Departures owed are not made up for (draft-ietf-ccwg-bbr-06
	 * 5.6.2: next_send_time = max(Now(), next_send_time)): a schedule
	 * that fell behind, whatever held the sender (the peer's window,
	 * cwnd, an application with nothing to send, a late timer),
	 * resumes from at most one slack ago. That slack absorbs the usual
	 * timer latency; with the slack a segment may leave early, a
	 * pause ends in at most about 2 ms of data at once. ltcp made up
	 * 10 ms: every window opening was a burst, and BBR flows sharing
	 * a bottleneck (cc-eval scenario 5) dropped twice as much and
	 * converged worse. Making up nothing loses each late timer's
	 * lateness: under emulation, half the rate.
	 */
	slack = ltcp_pacing_slack_ns(sk);
	if (tp->tcp_wstamp_ns + slack < now)
		tp->tcp_wstamp_ns = now - slack;
	tp->tcp_wstamp_ns += div64_ul((u64)bytes * NSEC_PER_SEC, rate);
}

/**
 * ltcp_update_pacing_rate() - sk_pacing_rate from the window, for
 *	congestion controls that do not set it
 * @sk: the socket
 *
 * Linux's documented rule (ip-sysctl.rst, tcp_pacing_ss_ratio and
 * tcp_pacing_ca_ratio): cwnd * mss / srtt, scaled by the first ratio in slow start
 * (the window may double in the next round trip) and by the second after.
 */
void ltcp_update_pacing_rate(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	u64 rate;

	if (!tp->srtt_us)
		return;
	rate = (u64)tp->mss_cache * USEC_PER_SEC * 8;	/* srtt_us is x8 */
	if (tcp_in_slow_start(tp))
		rate *= READ_ONCE(net->ipv4.sysctl_tcp_pacing_ss_ratio);
	else
		rate *= READ_ONCE(net->ipv4.sysctl_tcp_pacing_ca_ratio);
	rate *= max(tcp_snd_cwnd(tp), tp->packets_out);
	rate = div64_u64(rate, 100ULL * tp->srtt_us);
	WRITE_ONCE(sk->sk_pacing_rate,
		   min_t(u64, rate, READ_ONCE(sk->sk_max_pacing_rate)));
}
