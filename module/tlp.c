// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: Tail Loss Probe (RFC 8985 section 7).
 *
 * When the last segments of a flight are lost, no ACK comes back to tell
 * the sender, and only the retransmission timeout would repair them. A
 * loss probe timer (PTO), shorter than the RTO, sends one segment (new
 * data, or the last segment again) to draw an ACK whose SACK information
 * lets loss detection start fast recovery instead.
 *
 * The PTO is the inet_connection_sock retransmit timer with
 * ICSK_TIME_LOSS_PROBE in icsk_pending, next to ICSK_TIME_RETRANS and
 * ICSK_TIME_PROBE0 (timer.c). The probe state is tcp_sock's: tlp_high_seq
 * is RFC 8985's TLP.end_seq (0: none outstanding), tlp_retrans its
 * TLP.is_retrans.
 *
 * net.ltcp.early_retrans switches it, with Linux's values for
 * tcp_early_retrans (ip-sysctl.rst): 3 or 4 on (3 the default), 0 off;
 * Linux's former early-retransmit modes 1 and 2 mean off here too.
 */
#include <net/inet_connection_sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/* RFC 8985 section 7.2: WCDelAckT, the worst-case delayed-ACK timer. */
#define LTCP_TLP_WCDELACK_US	200000
/*
 * A timer of one jiffy may fire at once (it expires at the next tick):
 * the PTO is at least two, so that it never runs shorter than one whole
 * tick. Not in the RFC; a consequence of a jiffies timer.
 */
#define LTCP_TLP_MIN		2

static bool ltcp_tlp_enabled(const struct sock *sk)
{
	int mode = READ_ONCE(ltcp_net(sock_net(sk))->early_retrans);

	return mode == 3 || mode == 4;
}

/*
 * RFC 8985 section 7.2: a probe may be scheduled when the connection has
 * data in flight, uses SACK, and is neither in fast recovery nor in RTO
 * recovery. At most one probe is outstanding (section 7.3): while one is,
 * the RTO runs instead.
 */
static bool ltcp_tlp_may_probe(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return ltcp_tlp_enabled(sk) && tp->rx_opt.sack_ok &&
	       tp->packets_out && !tp->tlp_high_seq &&
	       !ltcp_sk(sk)->in_recovery &&
	       inet_csk(sk)->icsk_ca_state != TCP_CA_Loss &&
	       ((1 << sk->sk_state) & ~(TCPF_SYN_SENT | TCPF_SYN_RECV |
					TCPF_LISTEN | TCPF_CLOSE));
}

/*
 * The time left (jiffies) before the RTO would fire: a full RTO when it
 * restarts now (RFC 6298 5.3, a cumulative ACK), otherwise the RTO counted
 * from the transmission of the oldest outstanding segment (RFC 6298 5.1:
 * the timer started then keeps running as new data goes).
 */
static long ltcp_tlp_rto_left(struct sock *sk, bool restart)
{
	struct sk_buff *head = skb_peek(&sk->sk_write_queue);
	u32 rto = inet_csk(sk)->icsk_rto;
	s32 age_us;

	if (restart || !head || head == ltcp_sk(sk)->send_head)
		return rto;
	age_us = (u32)tcp_clock_us() - LTCP_SKB_CB(head)->tx_us;
	return (long)rto - (long)usecs_to_jiffies(max(age_us, 0));
}

/**
 * ltcp_tlp_arm() - schedule a loss probe (RFC 8985 section 7.2)
 * @sk: the socket, owned by the caller
 * @restart: the RTO would restart now (the ACK of new data); false after
 *	sending new data, when it runs from the oldest outstanding segment
 *
 * PTO = 2 * SRTT, plus WCDelAckT when a single segment is in flight (its
 * ACK may be delayed), 1 s before any RTT sample; never later than the RTO
 * would fire.
 *
 * Return: true if the PTO was armed; false if no probe may go now, and
 *	the caller arms the RTO as before.
 */
bool ltcp_tlp_arm(struct sock *sk, bool restart)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned long pto;
	long rto_left;

	if (!ltcp_tlp_may_probe(sk))
		return false;
	if (tp->srtt_us) {
		u32 pto_us = tp->srtt_us >> 2;	/* srtt_us is 8 * SRTT */

		if (tp->packets_out == 1)
			pto_us += LTCP_TLP_WCDELACK_US;
		pto = usecs_to_jiffies(pto_us);
	} else {
		pto = LTCP_TIMEOUT_INIT;
	}
	pto = max_t(unsigned long, pto, LTCP_TLP_MIN);
	rto_left = ltcp_tlp_rto_left(sk, restart);
	pto = min_t(unsigned long, pto, max(rto_left, 1L));
	inet_csk_reset_xmit_timer(sk, ICSK_TIME_LOSS_PROBE, pto, LTCP_RTO_MAX);
	return true;
}

/**
 * ltcp_tlp_fire() - the PTO expired: send a loss probe
 * @sk: the socket, owned or bh-locked and not owned
 *
 * RFC 8985 section 7.3: one segment of new data if there is some and the
 * peer's window takes it (the congestion window does not count: the probe
 * is what the timer allows), otherwise the last segment sent again. Then
 * the RTO is armed, not the PTO, whether a probe went or not.
 */
void ltcp_tlp_fire(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool retrans = false, sent;

	if (!ltcp_tlp_may_probe(sk))
		goto rearm;
	sent = ltcp_send_probe_new(sk);
	if (!sent) {
		sent = ltcp_retransmit_last(sk);
		retrans = true;
	}
	if (sent) {
		/* Section 7.3: TLP.end_seq = SND.NXT. It is never 0 while
		 * set: 0 means none here.
		 */
		tp->tlp_high_seq = tp->snd_nxt ? : 1;
		tp->tlp_retrans = retrans;
		/* TcpExtTCPLossProbes, as nstat shows it for Linux's TCP. */
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPLOSSPROBES);
	}
rearm:
	if (tp->packets_out)
		ltcp_rearm_rto(sk);
}

/*
 * RFC 8985 section 7.4.2: a D-SACK (RFC 2883) for the probe's sequence
 * range says the original arrived as well. The first block is a D-SACK
 * when it lies below the cumulative ACK; it matches when it ends at
 * TLP.end_seq.
 */
static bool ltcp_tlp_dsacked(const struct tcp_sock *tp,
			     const struct ltcp_options *opt, u32 ack)
{
	u32 start, end;

	if (!opt->num_sacks)
		return false;
	start = get_unaligned_be32(opt->sack);
	end = get_unaligned_be32(opt->sack + 4);
	return end == tp->tlp_high_seq && ltcp_before(start, end) &&
	       !ltcp_after(end, ack);
}

/*
 * RFC 8985 section 7.4.2: the probe repaired a loss, which congestion
 * control must hear of: a cwnd reduction as on entering and leaving fast
 * recovery at once (EnterRecovery(); ExitRecovery()), ssthresh from the
 * congestion control. One that sets cwnd itself (cong_control) keeps it.
 */
static void ltcp_tlp_reduce(struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct tcp_sock *tp = tcp_sk(sk);

	tp->prior_ssthresh = tp->snd_ssthresh;
	tp->prior_cwnd = tcp_snd_cwnd(tp);
	tp->snd_ssthresh = ca && ca->ssthresh ? ca->ssthresh(sk) :
			   max(tcp_snd_cwnd(tp) >> 1, 2U);
	if (!(ca && ca->cong_control))
		tcp_snd_cwnd_set(tp, max(min(tcp_snd_cwnd(tp),
					     tp->snd_ssthresh), 2U));
	tp->snd_cwnd_stamp = tcp_jiffies32;
	tp->snd_cwnd_cnt = 0;
}

/**
 * ltcp_tlp_ack() - what the ACK that follows a loss probe says
 * @sk: the socket, owned by the caller
 * @ack: the ACK's acknowledgment number (already applied)
 * @opt: its options (SACK blocks, a D-SACK first)
 * @dupack: it was a duplicate ACK (RFC 5681 section 2)
 *
 * RFC 8985 section 7.4.2, once the ACK reaches TLP.end_seq: a probe of new
 * data says nothing about loss; a D-SACK of the probe shows it was not
 * needed; an ACK beyond TLP.end_seq without one shows the probe repaired
 * a loss (TcpExtTCPLossProbeRecovery, and a cwnd reduction); a duplicate
 * ACK without SACK at TLP.end_seq means both arrived. An ACK exactly at
 * TLP.end_seq is ambiguous (the D-SACK may follow) and keeps the probe
 * outstanding.
 */
void ltcp_tlp_ack(struct sock *sk, u32 ack, const struct ltcp_options *opt,
		  bool dupack)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (!tp->tlp_high_seq || ltcp_before(ack, tp->tlp_high_seq))
		return;
	if (!tp->tlp_retrans || ltcp_tlp_dsacked(tp, opt, ack)) {
		tp->tlp_high_seq = 0;
	} else if (ltcp_after(ack, tp->tlp_high_seq)) {
		tp->tlp_high_seq = 0;
		ltcp_tlp_reduce(sk);
		NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPLOSSPROBERECOVERY);
	} else if (dupack && !opt->num_sacks) {
		tp->tlp_high_seq = 0;
	}
}
