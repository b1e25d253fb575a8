// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp SACK, both sides.
 *
 * The receiver's side: the SACK option's blocks (RFC 2018 section 4) and
 * D-SACK (RFC 2883 section 4). The blocks live in tcp_sock.selective_acks[]
 * (rx_opt.num_sacks of them), most recently reported first; the pending
 * D-SACK in tcp_sock.duplicate_sack[0] with rx_opt.dsack. Each block is a
 * contiguous range of the out-of-order queue, never at or below RCV.NXT.
 *
 * The sender's side: the scoreboard on the retransmission queue (RFC 2018
 * section 5, RFC 6675 section 4). Each sent segment on sk_write_queue
 * carries LTCP_SKB_SACKED once a valid block covered it whole, beside
 * LTCP_SKB_LOST and LTCP_SKB_RETRANS, and tcp_sock.sacked_out, lost_out and
 * retrans_out count those bits exactly. RFC 6675's IsLost() marks the
 * holes lost (ltcp_sack_mark_lost()); output.c resends lost segments
 * first, within the window that tcp_packets_in_flight() (RFC 6675's pipe)
 * leaves.
 */
#include <asm/unaligned.h>
#include <linux/rbtree.h>
#include <linux/skbuff.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/* RFC 2018 section 3: kind 5, length 8 * n + 2. */
#define LTCP_SACK_BLOCK_LEN	8
#define LTCP_SACK_BASE_LEN	2

static bool ltcp_sack_touch(u32 s1, u32 e1, u32 s2, u32 e2)
{
	/* [s1, e1) and [s2, e2) overlap or are adjacent. */
	return !ltcp_after(s1, e2) && !ltcp_after(s2, e1);
}

/*
 * Put [@start, @end) first, dropping the blocks it now contains. A range
 * that is not the first block grown again is one more block for the next
 * ACK to report (ltcp_sock.sack_fresh).
 */
static void ltcp_sack_put_first(struct sock *sk, u32 start, u32 end)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct tcp_sack_block *sp = tp->selective_acks;
	int i, n = 0;

	if (!lsk->sack_fresh || !tp->rx_opt.num_sacks ||
	    !ltcp_sack_touch(start, end, sp[0].start_seq, sp[0].end_seq))
		lsk->sack_fresh = min_t(u32, lsk->sack_fresh + 1, U8_MAX);

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

/* The last out-of-order segment that starts before @seq, or NULL. */
static struct sk_buff *ltcp_ofo_before(struct tcp_sock *tp, u32 seq)
{
	struct rb_node *node = tp->out_of_order_queue.rb_node;
	struct sk_buff *found = NULL;

	while (node) {
		struct sk_buff *skb = rb_to_skb(node);

		if (ltcp_before(LTCP_SKB_CB(skb)->seq, seq)) {
			found = skb;
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}
	return found;
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
 * part of it. The blocks already kept are contiguous held data, so the
 * ones the segment touches give most of the range at once; only held data
 * that no kept block covers (a block dropped for room) is found segment by
 * segment, with a lookup in the queue, whose segments never nest (input.c
 * keeps them so). Walking the queue from the segment instead costs the
 * length of the run for every segment that extends it: a receiver behind
 * a hole spent so long there that its SACKs came late and the sender
 * resent data that had arrived.
 */
void ltcp_sack_ofo(struct sock *sk, struct sk_buff *skb)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u32 start = LTCP_SKB_CB(skb)->seq;
	u32 end = LTCP_SKB_CB(skb)->end_seq;
	struct sk_buff *near;
	int i;

	if (!tp->rx_opt.sack_ok)
		return;
	/* Kept blocks never touch each other: one pass finds them all. */
	for (i = 0; i < tp->rx_opt.num_sacks; i++) {
		const struct tcp_sack_block *sp = &tp->selective_acks[i];

		if (!ltcp_sack_touch(start, end, sp->start_seq, sp->end_seq))
			continue;
		if (ltcp_before(sp->start_seq, start))
			start = sp->start_seq;
		if (ltcp_after(sp->end_seq, end))
			end = sp->end_seq;
	}
	while ((near = ltcp_ofo_before(tp, start)) &&
	       !ltcp_before(LTCP_SKB_CB(near)->end_seq, start))
		start = LTCP_SKB_CB(near)->seq;
	while ((near = ltcp_ofo_before(tp, end + 1)) &&
	       ltcp_after(LTCP_SKB_CB(near)->end_seq, end))
		end = LTCP_SKB_CB(near)->end_seq;
	ltcp_sack_put_first(sk, start, end);
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
 * net.ltcp.dsack is 0. Each block that goes out counts once, under
 * Linux's names, as a D-SACK of old data (below RCV.NXT) or of data held
 * out of order, by the first duplicate that made it.
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
	} else if (!tp->rx_opt.dsack) {
		NET_INC_STATS(sock_net(sk), ltcp_before(start, tp->rcv_nxt) ?
			      LINUX_MIB_TCPDSACKOLDSENT :
			      LINUX_MIB_TCPDSACKOFOSENT);
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
	ltcp_sk(sk)->sack_fresh = 0;
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
	/* The fresh blocks are the first ones: all reported now? */
	if (i >= ltcp_sk(sk)->sack_fresh || i == tp->rx_opt.num_sacks)
		ltcp_sk(sk)->sack_fresh = 0;
	return n;
}

/**
 * ltcp_sack_fresh_full() - do the blocks no ACK reported yet fill an option?
 * @sk: the socket
 *
 * Return: true when one more would push one out unreported (3 blocks fit
 *	beside timestamps, 4 without: RFC 2018 section 3).
 */
bool ltcp_sack_fresh_full(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	return ltcp_sk(sk)->sack_fresh >=
	       ltcp_sack_max_blocks(tp->rx_opt.tstamp_ok ?
				    TCPOLEN_TSTAMP_ALIGNED : 0);
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

/*
 * The sender's scoreboard.
 */

/* A block read from the wire, in host order. */
struct ltcp_sack_blk {
	u32 start;
	u32 end;
};

/*
 * RFC 2018 section 5: a segment wholly covered by a block was received.
 * It leaves lost_out and retrans_out (it is no longer missing, nor in
 * flight as a retransmission), enters sacked_out for good, and counts as
 * delivered now, once: a later cumulative ACK does not count it again.
 */
static void ltcp_sack_mark(struct sock *sk, struct sk_buff *skb,
			   struct rate_sample *rs)
{
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	if (cb->state & LTCP_SKB_LOST)
		tp->lost_out--;
	if (cb->state & LTCP_SKB_RETRANS)
		tp->retrans_out--;
	/* RFC 8985 section 6.2 steps 2 and 3, before the state is lost. */
	ltcp_rack_delivered(sk, skb);
	ltcp_frto_delivered(sk, skb);
	cb->state = LTCP_SKB_SACKED;
	tp->sacked_out++;
	tp->delivered++;
	ltcp_rate_skb_delivered(sk, skb, rs);
	if (!lsk->sacked_any || ltcp_after(cb->end_seq, lsk->high_sacked)) {
		lsk->high_sacked = cb->end_seq;
		lsk->sacked_any = 1;
	}
}

/*
 * Read and check the blocks of @opt. RFC 2883 section 4: the first block
 * is a D-SACK when it lies below the cumulative ACK or inside the second
 * block; it is counted (tcpi_dsack_dups, TcpExtTCPDSACKRecv) and widens
 * RACK's reordering window (rack.c). Every other block must lie inside
 * SND.UNA..SND.NXT and not be empty or reversed (RFC 2018 section 3 and
 * RFC 5961's spirit: a block for data never sent says nothing true);
 * others are dropped and counted (TcpExtTCPSACKDiscard). Returns the
 * number of blocks kept in @blk, sorted by start.
 */
static int ltcp_sack_read(struct sock *sk, const struct ltcp_options *opt,
			  struct ltcp_sack_blk *blk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	int i, j, n = 0;

	for (i = 0; i < opt->num_sacks && i < TCP_NUM_SACKS; i++) {
		const u8 *p = opt->sack + i * LTCP_SACK_BLOCK_LEN;
		u32 start = get_unaligned_be32(p);
		u32 end = get_unaligned_be32(p + 4);

		if (i == 0) {
			bool dsack = ltcp_before(start, tp->snd_una);

			if (!dsack && opt->num_sacks > 1) {
				u32 s2 = get_unaligned_be32(p + 8);
				u32 e2 = get_unaligned_be32(p + 12);

				dsack = !ltcp_before(start, s2) &&
					!ltcp_after(end, e2) &&
					ltcp_before(start, end);
			}
			if (dsack) {
				tp->dsack_dups++;
				NET_INC_STATS(net, LINUX_MIB_TCPDSACKRECV);
				/* RFC 8985 section 6.2 step 4 widens
				 * RACK's reordering window.
				 */
				ltcp_rack_dsack(sk);
				/* RFC 3708: was a retransmission spurious? */
				ltcp_undo_dsack(sk, start, end);
				continue;
			}
		}
		if (!ltcp_before(start, end) ||
		    ltcp_before(start, tp->snd_una) ||
		    ltcp_after(end, tp->snd_nxt)) {
			NET_INC_STATS(net, LINUX_MIB_TCPSACKDISCARD);
			continue;
		}
		/* Insertion sort: at most four. */
		for (j = n; j > 0 && ltcp_before(start, blk[j - 1].start); j--)
			blk[j] = blk[j - 1];
		blk[j].start = start;
		blk[j].end = end;
		n++;
	}
	return n;
}

/**
 * ltcp_sack_tag() - mark the segments the SACK blocks of an ACK cover
 * @sk: the socket, SACK negotiated
 * @opt: the ACK's options, @opt->num_sacks > 0
 * @rs: the rate sample of this ACK: each newly SACKed segment feeds it as
 *	an acknowledged one would (draft-cheng-iccrg-delivery-rate-estimation)
 *
 * Called after the cumulative ACK was applied (snd_una is the ACK's). One
 * walk of the sent part of the write queue, up to the highest block; a
 * segment is SACKed only when a block covers it whole (RFC 2018 section 5:
 * ltcp never splits a sent segment).
 *
 * Return: the number of segments newly SACKed.
 */
u32 ltcp_sack_tag(struct sock *sk, const struct ltcp_options *opt,
		  struct rate_sample *rs)
{
	struct ltcp_sack_blk blk[TCP_NUM_SACKS];
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct sk_buff *skb;
	u32 newly = 0;
	int n, b = 0;

	n = ltcp_sack_read(sk, opt, blk);
	if (!n)
		return 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

		if (skb == lsk->send_head)
			break;
		/* Blocks that end at or before this segment are done. */
		while (b < n && !ltcp_after(blk[b].end, cb->seq))
			b++;
		if (b == n)
			break;
		if (cb->state & LTCP_SKB_SACKED)
			continue;
		if (!ltcp_before(cb->seq, blk[b].start) &&
		    !ltcp_after(cb->end_seq, blk[b].end)) {
			ltcp_sack_mark(sk, skb, rs);
			newly++;
		}
	}
	return newly;
}

/**
 * ltcp_sack_mark_lost() - mark lost what RFC 6675's IsLost() says is lost
 * @sk: the socket, SACK negotiated
 *
 * RFC 6675 section 4, IsLost(SeqNum): a segment is lost when DupThresh
 * (tcp_sock.reordering, 3) SACKed segments lie above it, or more than
 * (DupThresh - 1) * SMSS bytes SACKed. Every unSACKed segment for which it
 * holds is counted lost (LTCP_SKB_LOST, lost_out), not only the first, so
 * that output.c resends all the holes in sequence order within the window
 * (NextSeg() rule 1). A segment retransmitted already is not marked again
 * (rule 1.a: beyond HighRxt); only an RTO resends it. The walk goes down
 * from the highest SACKed segment and stops at the first segment counted
 * lost below the threshold: everything below it was marked with it.
 *
 * Return: true when the first unacknowledged segment is lost
 *	(IsLost(HighACK + 1), RFC 6675 section 5 step 2).
 */
bool ltcp_sack_mark_lost(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	u32 mss = tp->mss_cache ? : LTCP_MSS_DEFAULT;
	u32 thresh = max_t(u32, tp->reordering, 1);
	u32 segs = 0, bytes = 0;
	struct sk_buff *skb, *head;

	head = skb_peek(&sk->sk_write_queue);
	if (!tp->sacked_out || !lsk->sacked_any || !head ||
	    head == lsk->send_head)
		return false;
	skb = lsk->send_head ? lsk->send_head->prev :
			       skb_peek_tail(&sk->sk_write_queue);
	for (; skb != (struct sk_buff *)&sk->sk_write_queue; skb = skb->prev) {
		struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);

		if (ltcp_after(cb->end_seq, lsk->high_sacked))
			continue;
		if (cb->state & LTCP_SKB_SACKED) {
			segs++;
			bytes += cb->end_seq - cb->seq;
			continue;
		}
		if (segs < thresh && bytes <= (thresh - 1) * mss)
			continue;
		if (cb->state & LTCP_SKB_LOST)
			break;
		if (!(cb->state & LTCP_SKB_RETRANS))
			ltcp_mark_lost(sk, skb);
	}
	return LTCP_SKB_CB(head)->state & LTCP_SKB_LOST;
}
