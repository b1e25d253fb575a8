// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: Proportional Rate Reduction (RFC 6937) for the congestion window
 * during fast recovery.
 *
 * Written from RFC 6937 section 3. The window is counted in segments, as
 * tcp_sock.snd_cwnd is; pipe is tcp_packets_in_flight() (RFC 6675's pipe
 * from the scoreboard with SACK; with the duplicate-ACK estimate of
 * sacked_out without it, RFC 6937 section 3's note on NewReno).
 */

#include <net/tcp.h>

#include "ltcp.h"

/**
 * ltcp_prr_init() - start Proportional Rate Reduction for a recovery
 * @sk: the socket, entering fast recovery, ssthresh already set
 *
 * RFC 6937 section 3, "at the beginning of recovery": prr_delivered and
 * prr_out start at zero, RecoverFS is the FlightSize right before
 * recovery (snd.nxt - snd.una, here in segments: packets_out).
 */
void ltcp_prr_init(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->prr_delivered = 0;
	tp->prr_out = 0;
	ltcp_sk(sk)->prr_recover_fs = max(tp->packets_out, 1U);
}

/**
 * ltcp_prr_ack() - set the window for an ACK received in fast recovery
 * @sk: the socket, in recovery, its scoreboard updated for the ACK
 * @delivered: DeliveredData of the ACK, in segments: newly cumulatively
 *	acknowledged plus newly SACKed (one per duplicate ACK without SACK)
 *
 * RFC 6937 section 3, "on every ACK during recovery": while pipe is above
 * ssthresh, send in proportion to what was delivered,
 * ceil(prr_delivered * ssthresh / RecoverFS) - prr_out; at or below it,
 * the slow start reduction bound (PRR-SSRB) grows pipe back towards
 * ssthresh by at most one segment more than was delivered. cwnd becomes
 * pipe + sndcnt; ltcp_push_pending() then sends what it allows.
 */
void ltcp_prr_ack(struct sock *sk, u32 delivered)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 recover_fs = max(ltcp_sk(sk)->prr_recover_fs, 1U);
	u32 pipe = tcp_packets_in_flight(tp);
	u32 ssthresh = tp->snd_ssthresh;
	s64 sndcnt;

	tp->prr_delivered += delivered;
	if (pipe > ssthresh) {
		/* RFC 6937 section 3: the proportional part. */
		u64 want = (u64)tp->prr_delivered * ssthresh + recover_fs - 1;

		sndcnt = (s64)div_u64(want, recover_fs) - tp->prr_out;
	} else {
		/* RFC 6937 section 3: PRR-SSRB. */
		s64 limit = max_t(s64, (s64)tp->prr_delivered - tp->prr_out,
				  delivered) + 1;

		sndcnt = min_t(s64, (s64)ssthresh - pipe, limit);
	}
	sndcnt = max_t(s64, sndcnt, 0);
	/* RFC 5681 3.2 step 2, RFC 6675 section 5 step 4.2: the first lost
	 * segment is resent on entering recovery whatever the window says.
	 */
	if (!tp->prr_out && !sndcnt)
		sndcnt = 1;
	tcp_snd_cwnd_set(tp, max_t(u32, pipe + (u32)sndcnt, 1U));
	tp->snd_cwnd_stamp = tcp_jiffies32;
}

/**
 * ltcp_prr_sent() - count a segment sent during fast recovery
 * @sk: the socket
 *
 * RFC 6937 section 3: prr_out counts all data sent during recovery,
 * retransmissions and new data.
 */
void ltcp_prr_sent(struct sock *sk)
{
	if (ltcp_sk(sk)->in_recovery)
		tcp_sk(sk)->prr_out++;
}
