// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: receive timestamps for recvmsg() (SO_TIMESTAMP, SO_TIMESTAMPNS,
 * SO_TIMESTAMPING's RX_SOFTWARE and RAW_HARDWARE reports), as
 * Documentation/networking/timestamping.rst describes them for a stream
 * socket: a read gets one set of control messages, for the last segment
 * it took data from, not one per segment.
 */
#include <linux/net_tstamp.h>
#include <linux/skbuff.h>
#include <linux/socket.h>
#include <linux/time64.h>
#include <net/sock.h>

#include "ltcp.h"

/**
 * ltcp_rx_stamp_note() - remember the timestamps of a segment read from
 * @stamp: the read's record
 * @skb: the segment; the last one read that has a timestamp is what the
 *	read reports
 */
void ltcp_rx_stamp_note(struct ltcp_rx_stamp *stamp, struct sk_buff *skb)
{
	ktime_t hw = skb_hwtstamps(skb)->hwtstamp;

	if (!skb->tstamp && !hw)
		return;
	stamp->sw = skb->tstamp;
	stamp->hw = hw;
	stamp->seen = true;
}

/* SO_TIMESTAMP or SO_TIMESTAMPNS, in the layout the option asked for. */
static void ltcp_put_rx_time(struct msghdr *msg, struct sock *sk, ktime_t t)
{
	bool new = sock_flag(sk, SOCK_TSTAMP_NEW);

	if (sock_flag(sk, SOCK_RCVTSTAMPNS)) {
		struct timespec64 ts = ktime_to_timespec64(t);

		if (new) {
			struct __kernel_timespec kts = {
				.tv_sec = ts.tv_sec, .tv_nsec = ts.tv_nsec,
			};

			put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMPNS_NEW,
				 sizeof(kts), &kts);
		} else {
			struct __kernel_old_timespec ots = {
				.tv_sec = ts.tv_sec, .tv_nsec = ts.tv_nsec,
			};

			put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMPNS_OLD,
				 sizeof(ots), &ots);
		}
	} else if (new) {
		struct timespec64 ts = ktime_to_timespec64(t);
		struct __kernel_sock_timeval tv = {
			.tv_sec = ts.tv_sec,
			.tv_usec = ts.tv_nsec / NSEC_PER_USEC,
		};

		put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMP_NEW, sizeof(tv), &tv);
	} else {
		struct __kernel_old_timeval otv = ns_to_kernel_old_timeval(t);

		put_cmsg(msg, SOL_SOCKET, SO_TIMESTAMP_OLD, sizeof(otv), &otv);
	}
}

/**
 * ltcp_rx_stamp_put() - the read's timestamp control messages
 * @msg: the read's message
 * @sk: the socket
 * @stamp: what ltcp_rx_stamp_note() kept
 *
 * SO_TIMESTAMP(NS) reports the software receive time when the segment has
 * one. SO_TIMESTAMPING reports it in SCM_TIMESTAMPING's first slot when
 * SOF_TIMESTAMPING_SOFTWARE is asked for, and the device's time in its
 * third when SOF_TIMESTAMPING_RAW_HARDWARE is; the message goes only if
 * one of the two is there.
 */
void ltcp_rx_stamp_put(struct msghdr *msg, struct sock *sk,
		       const struct ltcp_rx_stamp *stamp)
{
	u32 tsflags = READ_ONCE(sk->sk_tsflags);
	struct scm_timestamping_internal tss = {};
	bool report = false;

	if (!stamp->seen)
		return;
	if (stamp->sw) {
		if (sock_flag(sk, SOCK_RCVTSTAMP))
			ltcp_put_rx_time(msg, sk, stamp->sw);
		if (tsflags & SOF_TIMESTAMPING_SOFTWARE) {
			tss.ts[0] = ktime_to_timespec64(stamp->sw);
			report = true;
		}
	}
	if (stamp->hw && (tsflags & SOF_TIMESTAMPING_RAW_HARDWARE)) {
		tss.ts[2] = ktime_to_timespec64(stamp->hw);
		report = true;
	}
	if (!report)
		return;
	if (sock_flag(sk, SOCK_TSTAMP_NEW))
		put_cmsg_scm_timestamping64(msg, &tss);
	else
		put_cmsg_scm_timestamping(msg, &tss);
}
