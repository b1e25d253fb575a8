// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: compacting the receive queues when the receive buffer runs out.
 *
 * The buffer counts memory (skb truesize); the window promises payload, at
 * the payload/truesize ratio segments have shown so far (rcvbuf.c). A peer
 * that changes to small segments, or a driver that hands up segments in
 * larger buffers, fills sk_rcvbuf before the window it was offered is
 * used. Dropping in-order data then stalls the peer until it
 * retransmits, and dropping out-of-order data it was told we hold (SACK)
 * is reneging (RFC 2018 section 8), which costs it a retransmission
 * timeout. Before either, the payload of wasteful segments is copied into
 * compact one-page buffers: the same data in less memory.
 *
 * Segments already compact (three quarters or more of their memory is
 * payload) are left alone, so that a queue full of them is never copied
 * again; runs of contiguous wasteful ones are copied together, a few small
 * segments per page. A segment carrying FIN, and in the out-of-order queue
 * one that overlaps a neighbour, stays as it is: the out-of-order queue
 * must not get nested segments (ltcp_sack_ofo() relies on it).
 */

#include <net/tcp.h>

#include "ltcp.h"

/* One page: collapse allocates in softirq, and order-0 rarely fails. */
#define LTCP_COLLAPSE_CHUNK	SKB_WITH_OVERHEAD(PAGE_SIZE)

/* The truesize of a linear skb alloc_skb() makes for @len bytes. */
static u32 ltcp_linear_truesize(u32 len)
{
	return kmalloc_size_roundup(SKB_HEAD_ALIGN(len)) +
	       SKB_DATA_ALIGN(sizeof(struct sk_buff));
}

/* The memory @len bytes of payload take once collapsed. */
static u32 ltcp_collapsed_truesize(u32 len)
{
	u32 tail = len % LTCP_COLLAPSE_CHUNK;

	return len / LTCP_COLLAPSE_CHUNK *
	       ltcp_linear_truesize(LTCP_COLLAPSE_CHUNK) +
	       (tail ? ltcp_linear_truesize(tail) : 0);
}

static bool ltcp_skb_compact(const struct sk_buff *skb)
{
	return (u64)skb->len * 4 >= (u64)skb->truesize * 3;
}

/* Where a queue's next segment is; NULL after the last. */
typedef struct sk_buff *(*ltcp_next_skb_t)(struct sock *sk,
					   struct sk_buff *skb);

static struct sk_buff *ltcp_rq_next(struct sock *sk, struct sk_buff *skb)
{
	if (skb_queue_is_last(&sk->sk_receive_queue, skb))
		return NULL;
	return skb->next;
}

static struct sk_buff *ltcp_ofo_next(struct sock *sk, struct sk_buff *skb)
{
	return skb_rb_next(skb);
}

/* May @skb be copied, and be part of a run with its neighbours? */
static bool ltcp_collapsible(struct sock *sk, struct sk_buff *skb, bool ofo)
{
	const struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct sk_buff *other;

	if (!skb->len || (cb->flags & LTCP_FIN) || ltcp_skb_compact(skb))
		return false;
	if (!ofo)
		return true;
	other = skb_rb_prev(skb);
	if (other && ltcp_after(LTCP_SKB_CB(other)->end_seq, cb->seq))
		return false;
	other = skb_rb_next(skb);
	return !other || !ltcp_before(LTCP_SKB_CB(other)->seq, cb->end_seq);
}

/*
 * Copy the @len bytes of payload of the run that starts with @first into
 * compact skbs on @out, sequence numbers set. Return: false when out of
 * memory (@out then holds what was built).
 */
static bool ltcp_collapse_copy(struct sock *sk, struct sk_buff *first, u32 len,
			       ltcp_next_skb_t next, struct sk_buff_head *out)
{
	u32 seq = LTCP_SKB_CB(first)->seq;
	struct sk_buff *src = first;
	u32 off = 0;

	while (len) {
		u32 size = min_t(u32, len, LTCP_COLLAPSE_CHUNK);
		struct sk_buff *nskb = alloc_skb(size, GFP_ATOMIC);
		struct ltcp_skb_cb *ncb;
		u32 filled = 0;

		if (!nskb)
			return false;
		ncb = LTCP_SKB_CB(nskb);
		memcpy(ncb, LTCP_SKB_CB(src), sizeof(*ncb));
		ncb->seq = seq;
		ncb->end_seq = seq + size;
		nskb->tstamp = src->tstamp;
		*skb_hwtstamps(nskb) = *skb_hwtstamps(src);
		while (filled < size) {
			u32 take = min(size - filled, src->len - off);

			/* Cannot fail: the source holds these bytes. */
			WARN_ON_ONCE(skb_copy_bits(src, off,
						   skb_put(nskb, take), take));
			filled += take;
			off += take;
			if (off == src->len) {
				src = next(sk, src);
				off = 0;
			}
		}
		__skb_queue_tail(out, nskb);
		seq += size;
		len -= size;
	}
	return true;
}

/* Put the collapsed skbs of @out in the out-of-order queue, by sequence. */
static void ltcp_ofo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct rb_node **p = &tcp_sk(sk)->out_of_order_queue.rb_node;
	struct rb_node *parent = NULL;

	while (*p) {
		parent = *p;
		if (ltcp_before(LTCP_SKB_CB(skb)->seq,
				LTCP_SKB_CB(rb_to_skb(parent))->seq))
			p = &parent->rb_left;
		else
			p = &parent->rb_right;
	}
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &tcp_sk(sk)->out_of_order_queue);
}

/* Unlink and free the @n segments from @first. */
static void ltcp_collapse_free(struct sock *sk, struct sk_buff *first, int n,
			       bool ofo)
{
	struct sk_buff *skb = first;

	while (n--) {
		struct sk_buff *old = skb;

		skb = ofo ? ltcp_ofo_next(sk, skb) : ltcp_rq_next(sk, skb);
		if (ofo)
			rb_erase(&old->rbnode, &tcp_sk(sk)->out_of_order_queue);
		else
			__skb_unlink(old, &sk->sk_receive_queue);
		__kfree_skb(old);
	}
}

/*
 * Replace the @n segments from @first (@len bytes) by compact copies,
 * charged to @sk once the old ones have given their memory back.
 * Return: the segments freed, 0 when nothing changed.
 */
static int ltcp_collapse_run(struct sock *sk, struct sk_buff *first, int n,
			     u32 len, bool ofo)
{
	struct sk_buff *skb, *head;
	struct sk_buff_head out;
	int nnew;

	__skb_queue_head_init(&out);
	if (!ltcp_collapse_copy(sk, first, len,
				ofo ? ltcp_ofo_next : ltcp_rq_next, &out)) {
		__skb_queue_purge(&out);
		return 0;
	}
	if (ofo) {
		ltcp_collapse_free(sk, first, n, ofo);
		while ((skb = __skb_dequeue(&out))) {
			ltcp_ofo_insert(sk, skb);
			skb_set_owner_r(skb, sk);
		}
		return n;
	}
	/* In the receive queue the new ones go where the old ones were. */
	nnew = skb_queue_len(&out);
	head = skb_peek(&out);
	while ((skb = __skb_dequeue(&out)))
		__skb_queue_before(&sk->sk_receive_queue, first, skb);
	ltcp_collapse_free(sk, first, n, ofo);
	for (skb = head; nnew--; skb = skb->next)
		skb_set_owner_r(skb, sk);
	return n;
}

/* Collapse each worthwhile run of one queue. Return: segments freed. */
static int ltcp_collapse_queue(struct sock *sk, struct sk_buff *skb, bool ofo)
{
	ltcp_next_skb_t next = ofo ? ltcp_ofo_next : ltcp_rq_next;
	int freed = 0;

	while (skb) {
		struct sk_buff *first = skb;
		u32 len, truesize, end;
		int n;

		if (!ltcp_collapsible(sk, skb, ofo)) {
			skb = next(sk, skb);
			continue;
		}
		len = skb->len;
		truesize = skb->truesize;
		end = LTCP_SKB_CB(skb)->seq + skb->len;
		n = 1;
		for (skb = next(sk, skb); skb; skb = next(sk, skb)) {
			if (LTCP_SKB_CB(skb)->seq != end ||
			    !ltcp_collapsible(sk, skb, ofo))
				break;
			len += skb->len;
			truesize += skb->truesize;
			end += skb->len;
			n++;
		}
		/* @skb, the first after the run, is not touched below. */
		if (ltcp_collapsed_truesize(len) < truesize - truesize / 8)
			freed += ltcp_collapse_run(sk, first, n, len, ofo);
	}
	return freed;
}

/**
 * ltcp_collapse() - copy wasteful segments of the receive and
 *	out-of-order queues into compact ones
 * @sk: the socket, owned by the caller
 *
 * Return: true if any memory was given back.
 */
bool ltcp_collapse(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int before = atomic_read(&sk->sk_rmem_alloc);
	int freed;

	NET_INC_STATS(sock_net(sk), LINUX_MIB_PRUNECALLED);
	freed = ltcp_collapse_queue(sk, skb_peek(&sk->sk_receive_queue), false);
	freed += ltcp_collapse_queue(sk, skb_rb_first(&tp->out_of_order_queue),
				     true);
	if (!freed)
		return false;
	NET_ADD_STATS(sock_net(sk), LINUX_MIB_TCPRCVCOLLAPSED, freed);
	sk_mem_reclaim(sk);
	return atomic_read(&sk->sk_rmem_alloc) < before;
}
