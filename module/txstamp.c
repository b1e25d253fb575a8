// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: transmit timestamps (SO_TIMESTAMPING's SOF_TIMESTAMPING_TX_SCHED,
 * TX_SOFTWARE and TX_ACK), as Documentation/networking/timestamping.rst
 * describes them for a stream socket: a write's request goes on the
 * segment that holds its last byte, and the reports come on the error
 * queue when that segment enters the qdisc (SCHED), leaves through the
 * driver (SND: the driver's skb_tx_timestamp()) and when the peer has
 * acknowledged it (ACK). The first two are generic code's, the third is
 * ltcp's (ltcp_tx_stamp_acked()).
 *
 * With SOF_TIMESTAMPING_OPT_ID a report carries a key: for a stream, the
 * offset of that last byte from where the byte count started when the
 * option was switched on. Generic code leaves the key as the protocol set
 * it for a socket it does not know as TCP, so ltcp stores the offset
 * itself, counting from SND.UNA at the first write that found the option
 * on (Linux counts from SND.UNA at setsockopt(): the same unless data was
 * acknowledged in between).
 */
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "ltcp.h"

/**
 * ltcp_tx_stamp_write() - what a write asked for, on its last segment
 * @sk: the socket, owned by the caller
 * @tsflags: the socket's flags, or those of the write's SO_TIMESTAMPING
 *	control message
 *
 * Called at the end of every write that queued data.
 */
void ltcp_tx_stamp_write(struct sock *sk, u32 tsflags)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
	struct ltcp_sock *lsk = ltcp_sk(sk);

	/* Generic code zeroes sk_tskey whenever OPT_ID is switched on for
	 * a socket it does not know as TCP: that tells a re-enabled option
	 * (Linux re-bases then) from one that stayed on.
	 */
	if (!(READ_ONCE(sk->sk_tsflags) & SOF_TIMESTAMPING_OPT_ID)) {
		lsk->tskey_on = 0;
	} else if (!lsk->tskey_on || !atomic_read(&sk->sk_tskey)) {
		lsk->tskey_base = tcp_sk(sk)->snd_una;
		lsk->tskey_on = 1;
		atomic_set(&sk->sk_tskey, 1);
	}
	if (!skb || !(tsflags & SOF_TIMESTAMPING_TX_RECORD_MASK))
		return;
	sock_tx_timestamp(sk, tsflags, &skb_shinfo(skb)->tx_flags);
	if (tsflags & SOF_TIMESTAMPING_TX_ACK)
		LTCP_SKB_CB(skb)->tstamp_ack = 1;
	skb_shinfo(skb)->tskey = LTCP_SKB_CB(skb)->end_seq - 1 -
				 lsk->tskey_base;
}

/**
 * ltcp_tx_stamp_acked() - the ACK report of a segment now acknowledged
 * @sk: the socket
 * @skb: the segment, acknowledged in full
 */
void ltcp_tx_stamp_acked(struct sock *sk, struct sk_buff *skb)
{
	if (!LTCP_SKB_CB(skb)->tstamp_ack)
		return;
	LTCP_SKB_CB(skb)->tstamp_ack = 0;
	__skb_tstamp_tx(skb, NULL, NULL, sk, SCM_TSTAMP_ACK);
}

/**
 * ltcp_tx_stamp_split() - a segment was cut in two: the requests follow
 *	the last byte, which is in the second part
 * @skb: the first part
 * @nskb: the second part, its control block copied from @skb's
 */
void ltcp_tx_stamp_split(struct sk_buff *skb, struct sk_buff *nskb)
{
	struct skb_shared_info *shinfo = skb_shinfo(skb);
	u8 flags = shinfo->tx_flags & SKBTX_ANY_TSTAMP;

	if (!flags && !LTCP_SKB_CB(skb)->tstamp_ack)
		return;
	LTCP_SKB_CB(skb)->tstamp_ack = 0;
	shinfo->tx_flags &= ~flags;
	skb_shinfo(nskb)->tx_flags |= flags;
	skb_shinfo(nskb)->tskey = shinfo->tskey;
}

/**
 * ltcp_tx_stamp_reset() - a new connection counts its keys afresh
 * @sk: the socket (a child, or one disconnected)
 */
void ltcp_tx_stamp_reset(struct sock *sk)
{
	ltcp_sk(sk)->tskey_on = 0;
	ltcp_sk(sk)->tskey_base = 0;
}
