// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp SACK, the receiver's side: the SACK option's blocks (RFC 2018
 * section 4) and D-SACK (RFC 2883 section 4).
 *
 * The blocks live in tcp_sock.selective_acks[] (rx_opt.num_sacks of them),
 * most recently reported first; the pending D-SACK in
 * tcp_sock.duplicate_sack[0] with rx_opt.dsack. Each block is a
 * contiguous range of the out-of-order queue, never at or below RCV.NXT.
 * The sender's side (the scoreboard) is not built yet: blocks received are
 * checked for their length and ignored, which RFC 2018 section 3 permits
 * to a sender.
 */
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <net/sock.h>

#include "ltcp.h"

/* RFC 2018 section 3: kind 5, length 8 * n + 2. */
#define LTCP_SACK_BLOCK_LEN	8
#define LTCP_SACK_BASE_LEN	2

static bool ltcp_sack_touch(u32 s1, u32 e1, u32 s2, u32 e2)
{
	/* [s1, e1) and [s2, e2) overlap or are adjacent. */
	return !ltcp_after(s1, e2) && !ltcp_after(s2, e1);
}

/* Put [@start, @end) first, dropping the blocks it now contains. */
static void ltcp_sack_put_first(struct tcp_sock *tp, u32 start, u32 end)
{
	struct tcp_sack_block *sp = tp->selective_acks;
	int i, n = 0;

	for (i = 0; i < tp->rx_opt.num_sacks; i++) {
		if (ltcp_sack_touch(start, end, sp[i].start_seq,
				    sp[i].end_seq))
			continue;	/* a part of the new range */
		sp[n++] = sp[i];
	}
	/* RFC 2018 section 4: the oldest block goes when there is no room. */
	if (n > TCP_NUM_SACKS - 1)
		n = TCP_NUM_SACKS - 1;
	memmove(&sp[1], &sp[0], n * sizeof(*sp));
	sp[0].start_seq = start;
	sp[0].end_seq = end;
	tp->rx_opt.num_sacks = n + 1;
}

/**
 * ltcp_sack_ofo() - an out-of-order segment is held: report its block first
 * @sk: the socket
 * @skb: the segment, in the out-of-order queue (or the one that holds the
 *	data of a duplicate)
 *
 * RFC 2018 section 4: "The first SACK block ... MUST specify the
 * contiguous block of data containing the segment which triggered this
 * ACK"; the other blocks are the most recently reported ones that are not
 * part of it. The contiguous range is found in the out-of-order queue,
 * whose segments never nest (input.c keeps them so): walking to either
 * side while segments touch finds its edges.
 */
void ltcp_sack_ofo(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 start = LTCP_SKB_CB(skb)->seq;
	u32 end = LTCP_SKB_CB(skb)->end_seq;
	struct rb_node *node;

	if (!tp->rx_opt.sack_ok)
		return;
	for (node = rb_prev(&skb->rbnode); node; node = rb_prev(node)) {
		const struct ltcp_skb_cb *cb = LTCP_SKB_CB(rb_to_skb(node));

		if (ltcp_before(cb->end_seq, start))
			break;
		if (ltcp_before(cb->seq, start))
			start = cb->seq;
	}
	for (node = rb_next(&skb->rbnode); node; node = rb_next(node)) {
		const struct ltcp_skb_cb *cb = LTCP_SKB_CB(rb_to_skb(node));

		if (ltcp_after(cb->seq, end))
			break;
		if (ltcp_after(cb->end_seq, end))
			end = cb->end_seq;
	}
	ltcp_sack_put_first(tp, start, end);
}

/**
 * ltcp_sack_dsack() - a duplicate arrived: report it in the next ACK
 * @sk: the socket
 * @start: first duplicate sequence number
 * @end: one past the last
 *
 * RFC 2883 section 4: the first block of the next SACK option reports the
 * duplicate; a block reported once is not repeated. A second duplicate
 * before that ACK goes out replaces the first unless the two touch, then
 * the D-SACK covers both. Nothing when SACK was not negotiated or
 * net.ltcp.dsack is 0.
 */
void ltcp_sack_dsack(struct sock *sk, u32 start, u32 end)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_sack_block *d = &tp->duplicate_sack[0];

	if (!tp->rx_opt.sack_ok || !ltcp_before(start, end) ||
	    !READ_ONCE(ltcp_net(sock_net(sk))->dsack))
		return;
	if (tp->rx_opt.dsack &&
	    ltcp_sack_touch(start, end, d->start_seq, d->end_seq)) {
		if (ltcp_before(d->start_seq, start))
			start = d->start_seq;
		if (ltcp_after(d->end_seq, end))
			end = d->end_seq;
	}
	d->start_seq = start;
	d->end_seq = end;
	tp->rx_opt.dsack = 1;
}

/**
 * ltcp_sack_advance() - RCV.NXT moved: drop what it now covers
 * @sk: the socket
 *
 * RFC 2018 section 4: blocks report only data above RCV.NXT; a block at or
 * below it goes, and one it cuts into starts at RCV.NXT.
 */
void ltcp_sack_advance(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_sack_block *sp = tp->selective_acks;
	int i, n = 0;

	for (i = 0; i < tp->rx_opt.num_sacks; i++) {
		if (!ltcp_after(sp[i].end_seq, tp->rcv_nxt))
			continue;
		sp[n] = sp[i];
		if (ltcp_before(sp[n].start_seq, tp->rcv_nxt))
			sp[n].start_seq = tp->rcv_nxt;
		n++;
	}
	tp->rx_opt.num_sacks = n;
}

/**
 * ltcp_sack_renege() - the out-of-order queue was cut back from its top
 * @sk: the socket
 *
 * Memory pressure freed the highest out-of-order segments (RFC 2018
 * section 8 lets a receiver discard data it reported): blocks no longer
 * claim what is gone, so they end at the highest sequence number still
 * held, and all go when nothing is.
 */
void ltcp_sack_renege(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_sack_block *sp = tp->selective_acks;
	struct rb_node *last = rb_last(&tp->out_of_order_queue);
	u32 top;
	int i, n = 0;

	if (!last) {
		tp->rx_opt.num_sacks = 0;
		return;
	}
	top = LTCP_SKB_CB(rb_to_skb(last))->end_seq;
	for (i = 0; i < tp->rx_opt.num_sacks; i++) {
		if (!ltcp_before(sp[i].start_seq, top))
			continue;
		sp[n] = sp[i];
		if (ltcp_after(sp[n].end_seq, top))
			sp[n].end_seq = top;
		n++;
	}
	tp->rx_opt.num_sacks = n;
}

/**
 * ltcp_sack_reset() - forget every block (the queues were purged)
 * @sk: the socket
 */
void ltcp_sack_reset(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->rx_opt.num_sacks = 0;
	tp->rx_opt.dsack = 0;
}

/**
 * ltcp_sack_fill() - the blocks for the SACK option of a segment
 * @sk: the socket
 * @out: filled with up to @max blocks, in wire order
 * @max: how many fit in the option space left
 *
 * The pending D-SACK first (RFC 2883 section 4; it is then cleared: a
 * duplicate is reported once), then the blocks, most recent first (RFC
 * 2018 section 4).
 *
 * Return: the number of blocks written.
 */
int ltcp_sack_fill(struct sock *sk, struct tcp_sack_block *out, int max)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int i, n = 0;

	if (!tp->rx_opt.sack_ok || max <= 0)
		return 0;
	if (tp->rx_opt.dsack) {
		out[n++] = tp->duplicate_sack[0];
		tp->rx_opt.dsack = 0;
	}
	for (i = 0; i < tp->rx_opt.num_sacks && n < max; i++)
		out[n++] = tp->selective_acks[i];
	return n;
}

/**
 * ltcp_sack_max_blocks() - how many SACK blocks fit beside other options
 * @opt_len: bytes of the other options, a multiple of 4
 *
 * RFC 2018 section 3: with NOP, NOP before it the option takes 4 + 8 * n
 * bytes of the 40 (3 blocks beside timestamps, 4 without).
 *
 * Return: the number of blocks, at most TCP_NUM_SACKS.
 */
int ltcp_sack_max_blocks(unsigned int opt_len)
{
	int room = LTCP_OPT_SPACE_MAX - (int)opt_len - 4;

	if (room < LTCP_SACK_BLOCK_LEN)
		return 0;
	return min_t(int, room / LTCP_SACK_BLOCK_LEN, TCP_NUM_SACKS);
}

/**
 * ltcp_sack_option_ok() - is a received SACK option well formed?
 * @len: its length field (already known to end inside the header)
 *
 * RFC 2018 section 3: 2 + 8 * n bytes with n from 1 to 4. The sender's
 * side ignores the blocks for now; one with another length is ignored
 * whatever comes.
 *
 * Return: true for a valid length.
 */
bool ltcp_sack_option_ok(u8 len)
{
	return len >= LTCP_SACK_BASE_LEN + LTCP_SACK_BLOCK_LEN &&
	       len <= LTCP_SACK_BASE_LEN + TCP_NUM_SACKS * LTCP_SACK_BLOCK_LEN &&
	       (len - LTCP_SACK_BASE_LEN) % LTCP_SACK_BLOCK_LEN == 0;
}
