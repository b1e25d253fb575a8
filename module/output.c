// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp output: building segments (header and options), the send loop with
 * the congestion and receive windows and Nagle's rule, retransmissions,
 * ACKs, SYN, SYN-ACK, FIN and RST.
 *
 * The write queue (sk_write_queue) holds every segment from snd_una on:
 * sent and unacknowledged ones first, then, from ltcp_sock.send_head, the
 * ones not sent yet. Segments are sent as clones so the original stays for
 * retransmission.
 */
#include <linux/skbuff.h>
#include <net/inet_common.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/**
 * struct ltcp_out_options - the options of one outgoing segment
 * @mss: MSS option value (SYN only), 0 for none
 * @wscale: window scale shift (SYN only), valid with @ws
 * @ws: send a window scale option
 * @sack_perm: send SACK-permitted (SYN only)
 * @ts: send timestamps
 * @tsval: timestamp value
 * @tsecr: timestamp echo reply
 * @nsack: number of SACK blocks in @sack (RFC 2018, RFC 2883)
 * @sack: the SACK blocks, a D-SACK first
 */
struct ltcp_out_options {
	u16 mss;
	u8 wscale;
	u8 ws:1,
	   sack_perm:1,
	   ts:1;
	u8 nsack;
	u32 tsval;
	u32 tsecr;
	struct tcp_sack_block sack[TCP_NUM_SACKS];
};

static unsigned int ltcp_options_size(const struct ltcp_out_options *o)
{
	return (o->mss ? 4 : 0) + (o->ts ? 12 : (o->sack_perm ? 4 : 0)) +
	       (o->ws ? 4 : 0) + (o->nsack ? 4 + 8 * o->nsack : 0);
}

/* The layout Linux uses, so the options align: MSS, SACK-permitted and
 * timestamps together, NOP and window scale.
 */
static void ltcp_write_options(__be32 *p, const struct ltcp_out_options *o)
{
	if (o->mss)
		*p++ = htonl(LTCP_OPT_MSS << 24 | LTCP_OPTLEN_MSS << 16 |
			     o->mss);
	if (o->ts) {
		if (o->sack_perm)
			*p++ = htonl(LTCP_OPT_SACK_PERM << 24 |
				     LTCP_OPTLEN_SACK_PERM << 16 |
				     LTCP_OPT_TS << 8 | LTCP_OPTLEN_TS);
		else
			*p++ = htonl(LTCP_OPT_NOP << 24 | LTCP_OPT_NOP << 16 |
				     LTCP_OPT_TS << 8 | LTCP_OPTLEN_TS);
		*p++ = htonl(o->tsval);
		*p++ = htonl(o->tsecr);
	} else if (o->sack_perm) {
		*p++ = htonl(LTCP_OPT_NOP << 24 | LTCP_OPT_NOP << 16 |
			     LTCP_OPT_SACK_PERM << 8 | LTCP_OPTLEN_SACK_PERM);
	}
	if (o->ws)
		*p++ = htonl(LTCP_OPT_NOP << 24 | LTCP_OPT_WSCALE << 16 |
			     LTCP_OPTLEN_WSCALE << 8 | o->wscale);
	if (o->nsack) {
		int i;

		/* RFC 2018 section 3, after NOP, NOP as Linux aligns it. */
		*p++ = htonl(LTCP_OPT_NOP << 24 | LTCP_OPT_NOP << 16 |
			     LTCP_OPT_SACK << 8 | (2 + 8 * o->nsack));
		for (i = 0; i < o->nsack; i++) {
			*p++ = htonl(o->sack[i].start_seq);
			*p++ = htonl(o->sack[i].end_seq);
		}
	}
}

/*
 * SACK blocks for a segment of @sk carrying @payload bytes (RFC 2018
 * section 4: every ACK while out-of-order data is held; RFC 2883 section
 * 4: a pending D-SACK). As many as the 40 bytes of options leave room for,
 * and on a data segment only as many as keep it within the MSS the
 * segment was sized for (mss_cache counts the options every segment
 * carries, not SACK's): the segment never outgrows the path MTU, and a
 * full-sized one carries none.
 */
static void ltcp_sack_options(struct sock *sk, struct ltcp_out_options *o,
			      unsigned int payload)
{
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int base = ltcp_options_size(o);
	int max = ltcp_sack_max_blocks(base);

	if (!tp->rx_opt.num_sacks && !tp->rx_opt.dsack)
		return;
	if (payload) {
		unsigned int room = tp->mss_cache + tp->tcp_header_len -
				    sizeof(struct tcphdr);

		if (room < payload + base + 4 + 8)
			return;
		max = min_t(int, max, (room - payload - base - 4) / 8);
	}
	o->nsack = ltcp_sack_fill(sk, o->sack, max);
}

/**
 * ltcp_rcv_space() - how much more data the receive buffer may take
 * @sk: the socket
 *
 * The payload the free receive buffer holds at the payload/truesize
 * ratio segments have shown (rcvbuf.c; half before any arrived, as
 * Linux's tcp_adv_win_scale=1). While the TCP memory pool is under pressure
 * (net.ipv4.tcp_mem[1] passed) at most four segments: the pool might
 * not hold a full buffer for every socket, and data that arrives beyond
 * it is dropped.
 *
 * Return: bytes, never negative.
 */
int ltcp_rcv_space(const struct sock *sk)
{
	int space = ltcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf) -
					atomic_read(&sk->sk_rmem_alloc));

	if (sk_under_memory_pressure(sk))
		space = min_t(int, space, 4 * tcp_sk(sk)->advmss);
	/* TCP_WINDOW_CLAMP bounds the window (tcp(7)). */
	if (tcp_sk(sk)->window_clamp)
		space = min_t(u32, space, tcp_sk(sk)->window_clamp);
	return max(space, 0);
}

/**
 * ltcp_select_window() - the window to advertise, scaled down
 * @sk: the socket
 *
 * What ltcp_rcv_space() allows, never moving the right edge left (RFC
 * 9293 3.8.6.2.2), in units of our window scale.
 *
 * Return: the value for the window field.
 */
u16 ltcp_select_window(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u8 ws = tp->rx_opt.rcv_wscale;
	int space;
	u32 cur, win;

	space = ltcp_rcv_space(sk);
	cur = tp->rcv_wnd;
	if (ltcp_after(tp->rcv_nxt, tp->rcv_wup))
		cur -= min(cur, tp->rcv_nxt - tp->rcv_wup);
	win = max_t(u32, space, cur);
	win = min_t(u32, win, 65535U << ws);
	/* Round up to what the scale can express, so the edge never
	 * moves left.
	 */
	win = ALIGN(win, 1U << ws);
	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return win >> ws;
}

/**
 * ltcp_current_mss() - the payload of a full-sized segment now
 * @sk: the socket, owned or bh-locked
 *
 * The route's path MTU may have moved since the MSS was derived from it:
 * lowered by a message another connection to the same place received,
 * or one this socket only let the route learn (IP_PMTUDISC_DONT, _OMIT),
 * or raised when the learned value aged out (RFC 1191 6.3, RFC 8201
 * 5.3). Later segments follow it, as Linux's do.
 *
 * Return: bytes of data per segment.
 */
unsigned int ltcp_current_mss(struct sock *sk)
{
	const struct dst_entry *dst = __sk_dst_get(sk);

	if (dst && dst_mtu(dst) != inet_csk(sk)->icsk_pmtu_cookie)
		ltcp_sync_mss(sk, dst_mtu(dst));
	/* ltcp_sync_mss() keeps it, bounded by the peer's window. */
	return tcp_sk(sk)->mss_cache;
}

/*
 * ltcp_transmit_skb(); @retrans: the segment is a retransmission, not
 * counted in TcpOutSegs (RFC 4022: "excluding those containing only
 * retransmitted octets", as Linux counts it).
 */
static int __ltcp_transmit_skb(struct sock *sk, struct sk_buff *skb,
			       bool clone, bool retrans)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct ltcp_out_options o = {};
	bool syn = cb->flags & LTCP_SYN;
	/* Before ltcp_select_window() moves rcv_wup up to rcv_nxt. */
	bool acks_new_data = tp->rcv_nxt != tp->rcv_wup;
	unsigned int hlen;
	struct tcphdr *th;
	int err;
	u16 urg;
	u8 flags;

	if (clone) {
		struct sk_buff *orig = skb;

		/* A previous clone may still be in a queue below us with
		 * its header in the shared headroom: copy then.
		 */
		if (unlikely(skb_cloned(skb)))
			skb = pskb_copy(skb, gfp_any());
		else
			skb = skb_clone(skb, gfp_any());
		if (!skb)
			return -ENOBUFS;
		LTCP_SKB_CB(orig)->tx_us =
			(u32)div_u64(ltcp_pacing_departure(sk, skb),
				     NSEC_PER_USEC);
	}

	if (tp->rx_opt.tstamp_ok) {
		o.ts = 1;
		o.tsval = ltcp_ts_now() + ltcp_sk(sk)->ts_offset;
		o.tsecr = tp->rx_opt.ts_recent;
	}
	if (syn) {
		o.mss = tp->advmss;
		o.sack_perm = tp->rx_opt.sack_ok;
		if (tp->rx_opt.wscale_ok) {
			o.ws = 1;
			o.wscale = tp->rx_opt.rcv_wscale;
		}
	} else if (tp->rx_opt.sack_ok && sk->sk_state != TCP_SYN_SENT) {
		ltcp_sack_options(sk, &o, skb->len);
	}
	hlen = sizeof(struct tcphdr) + ltcp_options_size(&o);
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	skb_set_owner_w(skb, sk);

	flags = cb->flags | ltcp_ecn_xmit(sk, cb, skb->len);
	if (sk->sk_state != TCP_SYN_SENT)
		flags |= LTCP_ACK;
	urg = ltcp_urg_xmit_ptr(sk, cb->seq);
	if (urg)
		flags |= LTCP_URG;
	memset(th, 0, sizeof(*th));
	th->source = inet->inet_sport;
	th->dest = inet->inet_dport;
	th->seq = htonl(cb->seq);
	th->ack_seq = htonl(tp->rcv_nxt);
	th->doff = hlen >> 2;
	((u8 *)th)[13] = flags;
	th->urg_ptr = htons(urg);
	if (syn) {
		/* RFC 7323 2.2: the window of a SYN is never scaled. Linux
		 * offers whole segments: rounded down to the MSS.
		 */
		u32 win = min(tp->rcv_wnd, 65535U);

		if (win > tp->advmss)
			win = rounddown(win, tp->advmss);
		th->window = htons(win);
		tp->rcv_wnd = win;
		tp->rcv_wup = tp->rcv_nxt;
	} else {
		th->window = htons(ltcp_select_window(sk));
	}
	ltcp_write_options((__be32 *)(th + 1), &o);

	if (flags & LTCP_ACK) {
		inet_csk_clear_xmit_timer(sk, ICSK_TIME_DACK);
		ltcp_sack_comp_sent(sk);
		if (inet_csk(sk)->icsk_ack.quick && acks_new_data)
			inet_csk(sk)->icsk_ack.quick--;
	}
	tp->segs_out++;
	/* RFC 4022's tcpOutSegs and tcpOutRsts. */
	if (!retrans)
		TCP_INC_STATS(sock_net(sk), TCP_MIB_OUTSEGS);
	if (flags & LTCP_RST)
		TCP_INC_STATS(sock_net(sk), TCP_MIB_OUTRSTS);
	if (skb->len > hlen) {
		tp->data_segs_out++;
		tp->bytes_sent += skb->len - hlen;
	}
	err = ltcp_sk_v6(sk) ? ltcp_v6_xmit(sk, skb) : ltcp_v4_xmit(sk, skb);
	/* A positive value is the local queue's verdict: NET_XMIT_CN
	 * (queued, the queue is congested) counts as sent, as on Linux;
	 * NET_XMIT_DROP means the segment never left.
	 */
	return net_xmit_eval(err);
}

/**
 * ltcp_transmit_skb() - put one segment of @sk on the wire
 * @sk: the socket, owned by the caller
 * @skb: the segment (payload only; LTCP_SKB_CB filled)
 * @clone: keep @skb (it stays queued for retransmission) and send a copy
 *
 * Builds the TCP header and options for the current state and hands the
 * segment to IP. Every segment but the first SYN carries an ACK of
 * rcv_nxt, so this also clears a pending delayed ACK.
 *
 * Return: 0 (also when the local queue signals congestion, NET_XMIT_CN),
 * NET_XMIT_DROP when the local queue dropped the segment, or a negative
 * errno.
 */
int ltcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	return __ltcp_transmit_skb(sk, skb, clone, false);
}

static struct sk_buff *__ltcp_alloc_skb(struct sock *sk, int size, gfp_t gfp,
					bool force)
{
	struct sk_buff *skb;

	skb = alloc_skb_fclone(MAX_TCP_HEADER + size, gfp);
	if (!skb)
		return NULL;
	/* A SYN or FIN goes out whatever the pool says: charged anyway,
	 * forward_alloc goes below zero and the next sk_wmem_schedule()
	 * takes the debt from the pool.
	 */
	if (!sk_wmem_schedule(sk, skb->truesize) && !force) {
		__kfree_skb(skb);
		return NULL;
	}
	skb_reserve(skb, MAX_TCP_HEADER);
	/* The device or ip_output fills the checksum in (set again at
	 * transmission): no software sum while the data is copied in.
	 */
	skb->ip_summed = CHECKSUM_PARTIAL;
	sk_wmem_queued_add(sk, skb->truesize);
	sk_mem_charge(sk, skb->truesize);
	memset(LTCP_SKB_CB(skb), 0, sizeof(struct ltcp_skb_cb));
	return skb;
}

/**
 * ltcp_alloc_skb() - a new segment for the write queue, charged to @sk
 * @sk: the socket
 * @size: room for this much payload
 * @gfp: allocation context
 *
 * Return: the skb, with headroom for all headers and a cleared control
 *	block, or NULL (no memory, or the TCP memory pool is over its
 *	limit: net.ipv4.tcp_mem).
 */
struct sk_buff *ltcp_alloc_skb(struct sock *sk, int size, gfp_t gfp)
{
	return __ltcp_alloc_skb(sk, size, gfp, false);
}

/**
 * ltcp_queue_skb() - queue @skb, not sent yet, at the tail of the write queue
 * @sk: the socket
 * @skb: the segment
 */
void ltcp_queue_skb(struct sock *sk, struct sk_buff *skb)
{
	__skb_queue_tail(&sk->sk_write_queue, skb);
	if (!ltcp_sk(sk)->send_head)
		ltcp_sk(sk)->send_head = skb;
}

/**
 * ltcp_mark_lost() - count a sent segment as lost (lost_out)
 * @sk: the socket
 * @skb: a segment between snd_una and snd_nxt
 */
void ltcp_mark_lost(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);

	/* RFC 6675 section 5.1: a SACKed segment was received; it is never
	 * counted lost, not even after a timeout.
	 */
	if (cb->state & LTCP_SKB_SACKED)
		return;
	if (!(cb->state & LTCP_SKB_LOST)) {
		cb->state |= LTCP_SKB_LOST;
		tp->lost_out++;
		tp->lost++;
	}
	/* Without SACK, sacked_out counts duplicate ACKs, not segments: the
	 * one just counted lost may be among them. Keep
	 * sacked_out + lost_out <= packets_out so that
	 * tcp_packets_in_flight() never goes below zero. With SACK the
	 * counts are exact and disjoint already.
	 */
	if (!tp->rx_opt.sack_ok &&
	    tp->sacked_out + tp->lost_out > tp->packets_out)
		tp->sacked_out = tp->packets_out - min(tp->lost_out,
						       tp->packets_out);
}

/**
 * ltcp_skb_acked() - take an acknowledged segment out of the counters
 * @sk: the socket
 * @skb: the segment, about to be freed
 */
void ltcp_skb_acked(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->packets_out)
		tp->packets_out--;
	if ((cb->state & LTCP_SKB_LOST) && tp->lost_out)
		tp->lost_out--;
	if ((cb->state & LTCP_SKB_RETRANS) && tp->retrans_out)
		tp->retrans_out--;
	if ((cb->state & LTCP_SKB_SACKED) && tp->sacked_out)
		tp->sacked_out--;
	cb->state = 0;
}

/*
 * Cut @skb, a segment of the write queue, after @len bytes of payload: the
 * rest goes into a new segment queued right after it, with the same state
 * (sent or not, lost, retransmitted) and the FIN and PSH of the end. For a
 * segment larger than the MSS allows now: the path MTU dropped (RFC 1191,
 * RFC 8201), or the peer's window got smaller than a segment. Linear data
 * past @len is copied into the new segment, page fragments move to it
 * (skb_split()) with their share of the memory charge. A clone of @skb
 * may still be below us, sharing its fragment list: @skb gets a private
 * head first. The new segment is charged even over the memory limit, as
 * a FIN is: its data is accepted already.
 *
 * Return: 0, or -ENOMEM (nothing changed).
 */
static int ltcp_fragment(struct sock *sk, struct sk_buff *skb,
			 unsigned int len)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb), *ncb;
	struct tcp_sock *tp = tcp_sk(sk);
	unsigned int linear, paged;
	struct sk_buff *nskb;

	/* A SACKed segment is delivered: it is never sent again. */
	if (!len || len >= skb->len ||
	    (cb->flags & LTCP_SYN) || (cb->state & LTCP_SKB_SACKED))
		return 0;
	if (skb_cloned(skb)) {
		/* The charge stays what it was: the new head is as big. */
		unsigned int truesize = skb->truesize;

		if (pskb_expand_head(skb, 0, 0, gfp_any()))
			return -ENOMEM;
		skb->truesize = truesize;
	}
	linear = skb_headlen(skb) > len ? skb_headlen(skb) - len : 0;
	nskb = __ltcp_alloc_skb(sk, linear, gfp_any(), true);
	if (!nskb)
		return -ENOMEM;
	paged = skb->data_len;
	skb_split(skb, nskb, len);
	paged -= skb->data_len;
	skb->truesize -= paged;
	nskb->truesize += paged;
	ncb = LTCP_SKB_CB(nskb);
	*ncb = *cb;
	ncb->seq = cb->seq + len;
	cb->end_seq = ncb->seq;
	cb->flags &= ~(LTCP_FIN | LTCP_PSH);
	ltcp_tx_stamp_split(skb, nskb);
	__skb_queue_after(&sk->sk_write_queue, skb, nskb);
	if (ltcp_before(cb->seq, tp->snd_nxt)) {
		/* Sent: one more segment in flight, counted as @skb is. */
		tp->packets_out++;
		if (ncb->state & LTCP_SKB_LOST)
			tp->lost_out++;
		if (ncb->state & LTCP_SKB_RETRANS)
			tp->retrans_out++;
	}
	return 0;
}

/**
 * ltcp_mtu_reduced() - the path MTU dropped: resend at the new size
 * @sk: the socket, owned by the caller or bh-locked and not owned
 * @mtu: the new path MTU
 *
 * RFC 1191 section 6.5 and RFC 8201 section 5.4: the segments sent larger
 * than the new MSS were dropped on the way and are lost; they go again,
 * cut to the new size when they are retransmitted. Not a congestion
 * signal: the congestion window stays as it is.
 */
void ltcp_mtu_reduced(struct sock *sk, u32 mtu)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;
	unsigned int mss;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE | TCPF_SYN_SENT))
		return;
	mss = ltcp_sync_mss(sk, mtu);
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

		if (skb == lsk->send_head)
			break;
		/* A SACKed one got through (RFC 6675 5.1). */
		if (skb->len <= mss || (cb->state & LTCP_SKB_SACKED))
			continue;
		if (cb->state & LTCP_SKB_RETRANS) {
			cb->state &= ~LTCP_SKB_RETRANS;
			tp->retrans_out--;
		}
		ltcp_mark_lost(sk, skb);
	}
	ltcp_push_pending(sk);
}

static int ltcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 tsval;
	int err;

	if (skb->len > ltcp_current_mss(sk) &&
	    ltcp_fragment(sk, skb, ltcp_current_mss(sk)))
		return -ENOMEM;
	/* Taken before the segment's own: never later than its TSval. */
	tsval = ltcp_ts_now() + ltcp_sk(sk)->ts_offset;
	ltcp_rate_skb_sent(sk, skb);
	err = __ltcp_transmit_skb(sk, skb, true, true);
	if (err)
		return err;
	ltcp_undo_retransmitted(sk, tp->rx_opt.tstamp_ok, tsval);
	ltcp_pacing_sent(sk, skb->len);
	cb->retrans++;
	tp->total_retrans++;
	TCP_INC_STATS(sock_net(sk), TCP_MIB_RETRANSSEGS);
	ltcp_prr_sent(sk);
	/* Data was sent: no idle restart of the window after it (RFC 5681
	 * 4.1 counts from the last segment sent, resent ones included).
	 */
	tp->lsndtime = tcp_jiffies32;
	tp->retrans_stamp = tcp_time_stamp(tp);
	if (!(cb->state & LTCP_SKB_RETRANS)) {
		cb->state |= LTCP_SKB_RETRANS;
		tp->retrans_out++;
	}
	return 0;
}

/* The first segment counted lost and not retransmitted since. */
static struct sk_buff *ltcp_next_lost(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct sk_buff *skb;

	if (!tcp_sk(sk)->lost_out ||
	    tcp_sk(sk)->lost_out <= tcp_sk(sk)->retrans_out)
		return NULL;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		if (skb == lsk->send_head)
			break;
		if ((LTCP_SKB_CB(skb)->state &
		     (LTCP_SKB_LOST | LTCP_SKB_RETRANS)) == LTCP_SKB_LOST)
			return skb;
	}
	return NULL;
}

/*
 * Nagle's rule (RFC 896, RFC 9293 3.7.4) in Minshall's form
 * (draft-minshall-nagle, as Linux has it): hold a short segment while an
 * earlier short segment is unacknowledged (tp->snd_sml, the end of the
 * last one sent), unless TCP_NODELAY; TCP_CORK holds it regardless. The
 * classic rule held the short tail of every write behind the write's full
 * segments, and a receiver that acknowledges every second segment delays
 * the ACK of a lone full one: 40 ms more for a 2000-byte message.
 */
static bool ltcp_nagle_holds(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);

	/* Urgent data goes at once, as Linux sends it (RFC 9293 3.8.5:
	 * the receiver should learn of it as soon as possible).
	 */
	if (skb->len >= ltcp_current_mss(sk) || ltcp_sk(sk)->urg_mode ||
	    (LTCP_SKB_CB(skb)->flags & LTCP_FIN) ||
	    !skb_queue_is_last(&sk->sk_write_queue, skb))
		return false;
	if (tp->nonagle & TCP_NAGLE_CORK)
		return true;
	if (tp->nonagle & (TCP_NAGLE_OFF | TCP_NAGLE_PUSH))
		return false;
	return tp->packets_out && ltcp_after(tp->snd_sml, tp->snd_una) &&
	       !ltcp_after(tp->snd_sml, tp->snd_nxt);
}

/*
 * Data leaves with nothing in flight: tell the congestion control
 * (CA_EVENT_TX_START), and after an idle period longer than the RTO
 * restart from at most the initial window (RFC 5681 4.1) with ssthresh
 * keeping the memory of the old window (RFC 2861 3: at least 3/4 of it),
 * which Linux does unless net.ipv4.tcp_slow_start_after_idle is 0. A
 * congestion control with cong_control (BBR) handles idle restarts itself.
 */
static void ltcp_ca_tx_start(struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct tcp_sock *tp = tcp_sk(sk);

	if (tp->lsndtime &&
	    (s32)(tcp_jiffies32 - tp->lsndtime) > inet_csk(sk)->icsk_rto &&
	    READ_ONCE(sock_net(sk)->ipv4.sysctl_tcp_slow_start_after_idle) &&
	    !(ca && ca->cong_control)) {
		if (ca && ca->cwnd_event)
			ca->cwnd_event(sk, CA_EVENT_CWND_RESTART);
		tp->snd_ssthresh = max(tp->snd_ssthresh,
				       tcp_snd_cwnd(tp) * 3 / 4);
		tcp_snd_cwnd_set(tp, min(tcp_snd_cwnd(tp), LTCP_INIT_CWND));
		tp->snd_cwnd_stamp = tcp_jiffies32;
	}
	if (ca && ca->cwnd_event)
		ca->cwnd_event(sk, CA_EVENT_TX_START);
}

/*
 * Send @skb, the first unsent segment (send_head), and move send_head and
 * snd_nxt past it. Return: 0, or the error of the transmission (nothing
 * moved).
 */
static int ltcp_send_new_skb(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int err;

	if (!tp->packets_out)
		ltcp_ca_tx_start(sk);
	/* Data that answers the peer's within the delayed-ACK time:
	 * an interactive exchange, whose ACKs ride on the replies
	 * ("pingpong": held, not sent on read nor in quick mode).
	 */
	if ((u32)(tcp_jiffies32 - lsk->data_rcvtime) < LTCP_DELACK_MIN &&
	    lsk->data_rcvtime)
		inet_csk_enter_pingpong_mode(sk);
	ltcp_rate_skb_sent(sk, skb);
	err = ltcp_transmit_skb(sk, skb, true);
	if (err)
		return err;
	ltcp_pacing_sent(sk, skb->len);
	lsk->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ?
			 NULL : skb->next;
	tp->snd_nxt = LTCP_SKB_CB(skb)->end_seq;
	if (skb->len < ltcp_current_mss(sk))
		tp->snd_sml = tp->snd_nxt;
	tp->packets_out++;
	ltcp_prr_sent(sk);
	tp->lsndtime = tcp_jiffies32;
	/* The window is open: a zero-window episode (and its
	 * TCP_USER_TIMEOUT clock) is over.
	 */
	inet_csk(sk)->icsk_probes_tstamp = 0;
	return 0;
}

/**
 * ltcp_push_pending() - send what the windows allow
 * @sk: the socket, owned by the caller
 *
 * Lost segments go first (RFC 6675 and RFC 5681's order), then new data
 * from send_head, within the congestion window (in segments, against
 * tcp_packets_in_flight()) and the peer's receive window.
 */
void ltcp_push_pending(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	bool sent = false, sent_new = false, failed = false;
	struct sk_buff *skb;

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT))
		return;
	/* F-RTO sent its new data and waits for the ACK that tells whether
	 * the timeout was spurious (RFC 5682 section 3.1 step 3).
	 */
	if (lsk->frto_step == 3)
		return;

	while (tcp_packets_in_flight(tp) < tcp_snd_cwnd(tp)) {
		if (ltcp_pacing_wait(sk))
			break;
		skb = ltcp_next_lost(sk);
		if (skb) {
			if (ltcp_retransmit_skb(sk, skb))
				break;
			sent = true;
			continue;
		}
		skb = lsk->send_head;
		if (!skb)
			break;
		/* Cut when written at an MSS that has since shrunk (a lower
		 * path MTU, a smaller peer window).
		 */
		if (skb->len > ltcp_current_mss(sk) &&
		    ltcp_fragment(sk, skb, ltcp_current_mss(sk)))
			break;
		if (ltcp_after(LTCP_SKB_CB(skb)->end_seq,
			       tp->snd_una + tp->snd_wnd)) {
			/* RFC 9293 3.8.6.1: zero window: probe it. */
			if (!tp->packets_out &&
			    !inet_csk(sk)->icsk_pending)
				inet_csk_reset_xmit_timer(sk, ICSK_TIME_PROBE0,
							  inet_csk(sk)->icsk_rto,
							  LTCP_RTO_MAX);
			break;
		}
		if (ltcp_nagle_holds(sk, skb))
			break;
		if (ltcp_send_new_skb(sk, skb)) {
			failed = true;
			break;
		}
		sent = true;
		sent_new = true;
	}
	/* New data that could not be sent (a local drop, NET_XMIT_DROP, or
	 * no memory for the clone) with nothing in flight has no timer to
	 * try it again: the zero-window probe timer does (timer.c), as on
	 * Linux.
	 */
	if (failed && !tp->packets_out && !inet_csk(sk)->icsk_pending)
		inet_csk_reset_xmit_timer(sk, ICSK_TIME_PROBE0,
					  inet_csk(sk)->icsk_rto, LTCP_RTO_MAX);
	if (!lsk->send_head)
		ltcp_rate_check_app_limited(sk);
	tp->is_cwnd_limited = tcp_packets_in_flight(tp) >= tcp_snd_cwnd(tp);
	if (tp->packets_out > tp->max_packets_out)
		tp->max_packets_out = tp->packets_out;
	/* RFC 8985 section 7.2: new data sent outside recovery (re)starts
	 * the loss probe timer; otherwise the RTO runs (RFC 6298 5.1: started
	 * when it is not running). A RACK timer pending (section 6.3) stays:
	 * its handler arms them.
	 */
	if (inet_csk(sk)->icsk_pending == ICSK_TIME_REO_TIMEOUT)
		return;
	if (sent_new && ltcp_tlp_arm(sk, false))
		return;
	if (sent && inet_csk(sk)->icsk_pending != ICSK_TIME_RETRANS)
		ltcp_rearm_rto(sk);
}

/**
 * ltcp_send_probe_new() - send the first unsent segment whatever the
 *	congestion window says, if the peer's window takes it
 * @sk: the socket, owned by the caller
 *
 * RFC 8985 section 7.3: a loss probe of new data (at most one MSS).
 *
 * Return: true if it was sent.
 */
bool ltcp_send_probe_new(struct sock *sk)
{
	struct sk_buff *skb = ltcp_sk(sk)->send_head;
	struct tcp_sock *tp = tcp_sk(sk);

	if (!skb)
		return false;
	if (skb->len > ltcp_current_mss(sk) &&
	    ltcp_fragment(sk, skb, ltcp_current_mss(sk)))
		return false;
	if (ltcp_after(LTCP_SKB_CB(skb)->end_seq, tp->snd_una + tp->snd_wnd))
		return false;
	if (ltcp_send_new_skb(sk, skb))
		return false;
	if (!ltcp_sk(sk)->send_head)
		ltcp_rate_check_app_limited(sk);
	if (tp->packets_out > tp->max_packets_out)
		tp->max_packets_out = tp->packets_out;
	return true;
}

/**
 * ltcp_retransmit_last() - send the last segment sent again
 * @sk: the socket, owned by the caller
 *
 * RFC 8985 section 7.3: a loss probe without new data to send. A SACKed
 * segment is not resent (RFC 6675 5.1: it was received). A last segment
 * larger than the current MSS goes as its first MSS, as every
 * retransmission of it does.
 *
 * Return: true if it was sent.
 */
bool ltcp_retransmit_last(struct sock *sk)
{
	struct sk_buff *skb = ltcp_sk(sk)->send_head;

	skb = skb ? skb->prev : skb_peek_tail(&sk->sk_write_queue);
	if (!skb || skb == (struct sk_buff *)&sk->sk_write_queue ||
	    !tcp_sk(sk)->packets_out ||
	    (LTCP_SKB_CB(skb)->state & LTCP_SKB_SACKED))
		return false;
	return !ltcp_retransmit_skb(sk, skb);
}

/**
 * ltcp_retransmit_head() - count the first unacknowledged segment lost and
 *	send it again
 * @sk: the socket, owned by the caller
 *
 * In SYN-SENT and SYN-RECEIVED the head is our SYN, resent as is (with an
 * ACK in SYN-RECEIVED: a simultaneous open).
 */
void ltcp_retransmit_head(struct sock *sk)
{
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);

	if (!skb || skb == ltcp_sk(sk)->send_head)
		return;
	if (LTCP_SKB_CB(skb)->flags & LTCP_SYN) {
		ltcp_retransmit_skb(sk, skb);
		return;
	}
	if (LTCP_SKB_CB(skb)->state & LTCP_SKB_SACKED)
		return;		/* RFC 6675 5.1: never resent */
	ltcp_mark_lost(sk, skb);
	if (!(LTCP_SKB_CB(skb)->state & LTCP_SKB_RETRANS))
		ltcp_retransmit_skb(sk, skb);
}

/* A segment without data or flags but ACK, with sequence number @seq. */
static void ltcp_send_empty(struct sock *sk, u32 seq)
{
	struct sk_buff *skb;

	if (sk->sk_state == TCP_CLOSE)
		return;
	skb = alloc_skb(MAX_TCP_HEADER, gfp_any());
	if (!skb) {
		ltcp_delack_schedule(sk);
		return;
	}
	skb_reserve(skb, MAX_TCP_HEADER);
	memset(LTCP_SKB_CB(skb), 0, sizeof(struct ltcp_skb_cb));
	LTCP_SKB_CB(skb)->seq = seq;
	LTCP_SKB_CB(skb)->end_seq = seq;
	ltcp_transmit_skb(sk, skb, false);
}

/**
 * ltcp_send_ack() - send a pure ACK now
 * @sk: the socket, owned by the caller
 */
void ltcp_send_ack(struct sock *sk)
{
	/* An ACK takes the sequence number of the next new byte. */
	ltcp_send_empty(sk, tcp_sk(sk)->snd_nxt);
}

/**
 * ltcp_send_keepalive_probe() - RFC 1122 4.2.3.6: an old sequence number
 *	(SND.NXT - 1) that the peer acknowledges with its current state
 * @sk: the socket
 */
void ltcp_send_keepalive_probe(struct sock *sk)
{
	ltcp_send_empty(sk, tcp_sk(sk)->snd_una - 1);
}

/**
 * ltcp_delack_schedule() - acknowledge later (RFC 9293 3.8.6.3, RFC 1122
 *	4.2.3.2: at most 500 ms; Linux's 40 ms)
 * @sk: the socket
 */
void ltcp_delack_schedule(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	icsk->icsk_ack.pending |= ICSK_ACK_SCHED;
	if (!(icsk->icsk_ack.pending & ICSK_ACK_TIMER))
		inet_csk_reset_xmit_timer(sk, ICSK_TIME_DACK, LTCP_DELACK_MIN,
					  LTCP_RTO_MAX);
}

/**
 * ltcp_send_active_reset() - abort: send a RST with our next sequence
 *	number (RFC 9293 3.10.4, ABORT)
 * @sk: the socket
 * @gfp: allocation context
 */
void ltcp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	struct sk_buff *skb;

	skb = alloc_skb(MAX_TCP_HEADER, gfp);
	if (!skb)
		return;
	skb_reserve(skb, MAX_TCP_HEADER);
	memset(LTCP_SKB_CB(skb), 0, sizeof(struct ltcp_skb_cb));
	LTCP_SKB_CB(skb)->flags = LTCP_RST;
	LTCP_SKB_CB(skb)->seq = tcp_sk(sk)->snd_nxt;
	LTCP_SKB_CB(skb)->end_seq = LTCP_SKB_CB(skb)->seq;
	ltcp_transmit_skb(sk, skb, false);
}

/**
 * ltcp_send_fin() - queue our FIN after any data and send what can go
 * @sk: the socket, owned by the caller
 */
void ltcp_send_fin(struct sock *sk)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (lsk->fin_queued)
		return;
	if (tail && lsk->send_head) {
		/* The last segment is not sent yet: the FIN rides on it. */
		LTCP_SKB_CB(tail)->flags |= LTCP_FIN;
		LTCP_SKB_CB(tail)->end_seq++;
	} else {
		struct sk_buff *skb;

		skb = __ltcp_alloc_skb(sk, 0, sk->sk_allocation, true);
		if (!skb)
			/* No memory at all: the FIN is lost, the peer
			 * times out.
			 */
			return;
		LTCP_SKB_CB(skb)->flags = LTCP_FIN;
		LTCP_SKB_CB(skb)->seq = tp->write_seq;
		LTCP_SKB_CB(skb)->end_seq = tp->write_seq + 1;
		ltcp_queue_skb(sk, skb);
	}
	tp->write_seq++;
	lsk->fin_queued = 1;
	ltcp_push_pending(sk);
}

/**
 * ltcp_connect_init() - set up a connecting socket and send the SYN
 * @sk: the socket, in SYN-SENT with addresses, ports and ISN set
 *
 * Return: 0 or -ENOBUFS.
 */
int ltcp_connect_init(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct dst_entry *dst = __sk_dst_get(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct sk_buff *skb;

	/* RFC 7323 options offered as net.ltcp says. */
	tp->rx_opt.tstamp_ok = !!READ_ONCE(ltcp_net(sock_net(sk))->timestamps);
	tp->rx_opt.wscale_ok =
		!!READ_ONCE(ltcp_net(sock_net(sk))->window_scaling);
	tp->tcp_header_len = sizeof(struct tcphdr) +
			     (tp->rx_opt.tstamp_ok ? 12 : 0);
	/* RFC 2018 section 2: SACK-permitted offered as net.ltcp.sack says. */
	tp->rx_opt.sack_ok = READ_ONCE(ltcp_net(sock_net(sk))->sack) ?
			     TCP_SACK_SEEN : 0;
	ltcp_sack_reset(sk);
	tp->rx_opt.snd_wscale = 0;
	tp->rx_opt.rcv_wscale = tp->rx_opt.wscale_ok ?
				ltcp_wscale_for(ltcp_rcvbuf_max(sk)) : 0;
	tp->rx_opt.mss_clamp = tp->rx_opt.user_mss ? : 65535;
	tp->advmss = dst_metric_advmss(dst);
	if (tp->rx_opt.user_mss && tp->rx_opt.user_mss < tp->advmss)
		tp->advmss = tp->rx_opt.user_mss;
	ltcp_sync_mss(sk, dst_mtu(dst));
	tp->rcv_wnd = 0;
	tp->rcv_nxt = 0;
	tp->rcv_wup = 0;
	tp->copied_seq = 0;
	ltcp_select_window(sk);
	tp->snd_una = tp->write_seq;
	tp->snd_sml = tp->snd_una;
	tp->snd_sml = tp->write_seq;
	tp->snd_up = tp->write_seq;
	tp->snd_nxt = tp->write_seq;
	tp->snd_wnd = 0;
	tp->max_window = 0;
	icsk->icsk_rto = LTCP_TIMEOUT_INIT;
	icsk->icsk_retransmits = 0;
	icsk->icsk_ack.rcv_mss = LTCP_MSS_DEFAULT;

	skb = __ltcp_alloc_skb(sk, 0, sk->sk_allocation, true);
	if (!skb)
		return -ENOBUFS;
	LTCP_SKB_CB(skb)->flags = LTCP_SYN | ltcp_ecn_syn(sk);
	LTCP_SKB_CB(skb)->seq = tp->write_seq;
	LTCP_SKB_CB(skb)->end_seq = tp->write_seq + 1;
	tp->write_seq++;
	ltcp_queue_skb(sk, skb);
	ltcp_sk(sk)->send_head = NULL;
	tp->snd_nxt = tp->write_seq;
	tp->packets_out = 1;
	tp->retrans_stamp = tcp_time_stamp(tp);
	ltcp_transmit_skb(sk, skb, true);
	inet_csk_reset_xmit_timer(sk, ICSK_TIME_RETRANS, icsk->icsk_rto,
				  LTCP_RTO_MAX);
	return 0;
}

/**
 * ltcp_synack_window() - the window a SYN-ACK offers (and the child starts
 *	with)
 * @sk: the listener
 * @req: the request socket
 * @mss: the MSS the SYN-ACK announces
 *
 * Return: the share of the receive buffer ltcp_rcv_space() would offer
 *	(half: nothing arrived yet), at most 65535, rounded down to the
 *	payload of a full segment (the MSS less the timestamp option).
 */
u32 ltcp_synack_window(const struct sock *sk, const struct request_sock *req,
		       u16 mss)
{
	u32 seg = mss - (inet_rsk(req)->tstamp_ok ? 12 : 0);
	u32 win = min_t(u32, ltcp_win_from_space(sk, READ_ONCE(sk->sk_rcvbuf)),
			65535U);

	if (tcp_sk(sk)->window_clamp)
		win = min(win, tcp_sk(sk)->window_clamp);

	return win > seg ? rounddown(win, seg) : win;
}

/**
 * ltcp_make_synack() - build the SYN-ACK for a request socket
 * @sk: the listener
 * @req: the request socket
 * @dst: the route back
 *
 * Return: the segment with its TCP header, or NULL.
 */
struct sk_buff *ltcp_make_synack(const struct sock *sk,
				 struct request_sock *req, struct dst_entry *dst)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct ltcp_request_sock *lreq = ltcp_rsk(req);
	struct ltcp_out_options o = {};
	unsigned int hlen;
	struct sk_buff *skb;
	struct tcphdr *th;
	u16 mss;

	skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_TCP_HEADER);

	mss = dst_metric_advmss(dst);
	if (tcp_sk(sk)->rx_opt.user_mss && tcp_sk(sk)->rx_opt.user_mss < mss)
		mss = tcp_sk(sk)->rx_opt.user_mss;
	o.mss = mss;
	o.sack_perm = ireq->sack_ok;
	if (ireq->wscale_ok) {
		o.ws = 1;
		o.wscale = ireq->rcv_wscale;
	}
	if (ireq->tstamp_ok) {
		o.ts = 1;
		o.tsval = ltcp_ts_now() + lreq->ts_offset;
		o.tsecr = lreq->ts_recent;
	}
	hlen = sizeof(*th) + ltcp_options_size(&o);
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = htons(ireq->ir_num);
	th->dest = ireq->ir_rmt_port;
	th->seq = htonl(lreq->snt_isn);
	th->ack_seq = htonl(lreq->rcv_isn + 1);
	th->doff = hlen >> 2;
	th->syn = 1;
	th->ack = 1;
	th->ece = ireq->ecn_ok;	/* RFC 3168 6.1.1 */
	/* RFC 7323 2.2: unscaled in a SYN; whole segments, as Linux does. */
	th->window = htons(ltcp_synack_window(sk, req, mss));
	ltcp_write_options((__be32 *)(th + 1), &o);
	return skb;
}

/**
 * ltcp_sndbuf_expand() - size the send buffer for the congestion window
 * @sk: the socket
 *
 * Twice the window in full segments (or as many windows as the congestion
 * control's sndbuf_expand() asks), so one window can be in flight while
 * the next is written, plus one window more: during a loss recovery the
 * segments SACKed above a hole stay queued until the cumulative ACK
 * (they may be reneged, RFC 2018 section 8), and without that room the
 * writer runs dry and the connection turns application-limited just when
 * the congestion control should see it use its window (with 1% loss the
 * send queue emptied every few seconds). A full segment costs what its
 * skb's linear buffer takes from kmalloc (a power of two) plus the skb;
 * the window counts at least the initial window and the reordering
 * degree. Up to net.ltcp.wmem[2]; never when the application set
 * SO_SNDBUF.
 */
void ltcp_sndbuf_expand(struct sock *sk)
{
	const struct tcp_congestion_ops *ca = inet_csk(sk)->icsk_ca_ops;
	struct tcp_sock *tp = tcp_sk(sk);
	int per_mss, want, windows;
	u32 segs;

	if (sk->sk_userlocks & SOCK_SNDBUF_LOCK)
		return;
	per_mss = SKB_TRUESIZE(kmalloc_size_roundup(MAX_TCP_HEADER +
						    tp->mss_cache));
	/* How many windows: the congestion control may say (BBR: 3). */
	windows = ca && ca->sndbuf_expand ? ca->sndbuf_expand(sk) : 2;
	segs = max3(tcp_snd_cwnd(tp), (u32)LTCP_INIT_CWND, tp->reordering + 1);
	want = (windows + 1) * segs * per_mss;
	want = min(want, READ_ONCE(ltcp_net(sock_net(sk))->wmem[2]));
	if (want > READ_ONCE(sk->sk_sndbuf))
		WRITE_ONCE(sk->sk_sndbuf, want);
}

/**
 * ltcp_init_transfer() - the connection is established: start congestion
 *	control (RFC 5681 3.1, RFC 6928's initial window)
 * @sk: the socket
 */
void ltcp_init_transfer(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	tcp_snd_cwnd_set(tp, LTCP_INIT_CWND);
	tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
	icsk->icsk_ack.quick = LTCP_QUICKACKS;
	tp->snd_cwnd_clamp = ~0U;
	tp->snd_cwnd_cnt = 0;
	tp->snd_cwnd_stamp = tcp_jiffies32;
	tp->max_packets_out = 0;
	tp->is_cwnd_limited = 0;
	tp->lost_out = 0;
	tp->retrans_out = 0;
	tp->sacked_out = 0;
	tp->reordering = READ_ONCE(ltcp_net(sock_net(sk))->reordering);
	tp->tlp_high_seq = 0;
	/* No recovery point yet: the first loss may start recovery (it was
	 * left at 0, which blocked fast recovery for half the ISNs).
	 */
	ltcp_sk(sk)->recover = tp->snd_una;
	ltcp_sk(sk)->sacked_any = 0;
	icsk->icsk_ca_state = TCP_CA_Open;
	/* Buffers the application did not size itself: the receive buffer
	 * grows with what the application reads per round trip (rcvbuf.c),
	 * the send buffer follows the congestion window.
	 */
	ltcp_rcvbuf_init(sk);
	ltcp_sndbuf_expand(sk);
	if (icsk->icsk_ca_ops && !icsk->icsk_ca_initialized) {
		if (icsk->icsk_ca_ops->init)
			icsk->icsk_ca_ops->init(sk);
		icsk->icsk_ca_initialized = 1;
	}
	ltcp_ecn_init(sk);
}

static struct sk_buff *ltcp_reply_skb(struct sk_buff *rx, int optlen)
{
	const struct tcphdr *rth = tcp_hdr(rx);
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = alloc_skb(MAX_TCP_HEADER, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, MAX_TCP_HEADER);
	th = skb_push(skb, sizeof(*th) + optlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th) + optlen);
	th->source = rth->dest;
	th->dest = rth->source;
	th->doff = (sizeof(*th) + optlen) >> 2;
	return skb;
}

/* Route and send a reply by the family of the segment it answers. */
static void ltcp_send_reply(struct net *net, struct sk_buff *rx,
			    struct sk_buff *skb)
{
	TCP_INC_STATS(net, TCP_MIB_OUTSEGS);
	if (tcp_hdr(skb)->rst)
		TCP_INC_STATS(net, TCP_MIB_OUTRSTS);
	if (ltcp_skb_v6(rx))
		ltcp_v6_send_reply(net, rx, skb);
	else
		ltcp_v4_send_reply(net, rx, skb);
}

/**
 * ltcp_send_reset() - answer @rx with a RST, RFC 9293 section 3.10.7.1
 * @sk: the socket the segment reached, or NULL
 * @rx: the offending segment (never itself a RST)
 */
void ltcp_send_reset(const struct sock *sk, struct sk_buff *rx)
{
	const struct tcphdr *rth = tcp_hdr(rx);
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(rx);
	struct net *net = sk ? sock_net(sk) : dev_net(rx->dev);
	struct sk_buff *skb;
	struct tcphdr *th;

	if (rth->rst)
		return;
	skb = ltcp_reply_skb(rx, 0);
	if (!skb)
		return;
	th = tcp_hdr(skb);
	th->rst = 1;
	/* If the segment had an ACK, the RST takes its sequence number from
	 * it; otherwise the RST has seq 0 and acknowledges the segment.
	 */
	if (rth->ack) {
		th->seq = rth->ack_seq;
	} else {
		th->ack = 1;
		th->ack_seq = htonl(cb->end_seq);
	}
	ltcp_send_reply(net, rx, skb);
}

/**
 * ltcp_ack_rate_limited() - must an answer the rules alone call for wait?
 * @net: the namespace
 * @mib: the TcpExt counter of answers skipped
 * @last: when such an answer last went, in jiffies (0: never); updated
 *	when this one may go
 *
 * RFC 5961 section 7: at most one such ACK per net.ipv4.tcp_invalid_ratelimit
 * (500 ms by default), so that two ends that disagree on the window do not
 * answer each other's ACKs at wire speed.
 *
 * Return: true to skip the answer (counted in @mib).
 */
bool ltcp_ack_rate_limited(struct net *net, int mib, u32 *last)
{
	u32 now = tcp_jiffies32, prev = READ_ONCE(*last);

	if (prev && (s32)(now - prev) >= 0 &&
	    (s32)(now - prev) <
	    READ_ONCE(net->ipv4.sysctl_tcp_invalid_ratelimit)) {
		NET_INC_STATS(net, mib);
		return true;
	}
	WRITE_ONCE(*last, now ? : 1);
	return false;
}

/**
 * ltcp_oow_rate_limited() - may this segment's answer be skipped?
 * @net: the namespace
 * @skb: a segment that draws an ACK by the rules alone (outside the
 *	window, TIME-WAIT)
 * @mib: the TcpExt counter of answers skipped
 * @last: when such an answer last went (ltcp_ack_rate_limited())
 *
 * A segment with data or a FIN is always answered: its sender learns from
 * the ACK what arrived. Others are rate limited (ltcp_ack_rate_limited()).
 *
 * Return: true to skip the answer (counted in @mib).
 */
bool ltcp_oow_rate_limited(struct net *net, const struct sk_buff *skb,
			   int mib, u32 *last)
{
	const struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

	if (cb->end_seq != cb->seq && !tcp_hdr(skb)->syn)
		return false;
	return ltcp_ack_rate_limited(net, mib, last);
}

/**
 * ltcp_send_reply_ack() - an ACK with no full socket (TIME-WAIT)
 * @net: the namespace
 * @rx: the segment being answered
 * @seq: our sequence number
 * @ack: the acknowledgment number
 * @win: the window field, already scaled down
 * @tsval: timestamp value
 * @tsecr: timestamp echo reply
 * @ts: include a timestamps option
 */
void ltcp_send_reply_ack(struct net *net, struct sk_buff *rx, u32 seq,
			 u32 ack, u16 win, u32 tsval, u32 tsecr, bool ts)
{
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = ltcp_reply_skb(rx, ts ? 12 : 0);
	if (!skb)
		return;
	th = tcp_hdr(skb);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->ack = 1;
	th->window = htons(win);
	if (ts) {
		__be32 *p = (__be32 *)(th + 1);

		*p++ = htonl(LTCP_OPT_NOP << 24 | LTCP_OPT_NOP << 16 |
			     LTCP_OPT_TS << 8 | LTCP_OPTLEN_TS);
		*p++ = htonl(tsval);
		*p = htonl(tsecr);
	}
	ltcp_send_reply(net, rx, skb);
}
