// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp: receive-buffer autotuning ("dynamic right-sizing").
 *
 * A receiver that advertises a fixed window caps a connection at window /
 * RTT; one that advertises its largest buffer from the start commits
 * memory (and a window the peer can see on the wire) that a slow or
 * nearby peer never needs. As Fisk and Feng's dynamic right-sizing
 * ("Dynamic Right-Sizing in TCP", 2001) and Linux's tcp_moderate_rcvbuf
 * do, the buffer starts at net.ltcp.rmem[1] and grows, up to rmem[2],
 * with what the application actually takes per round trip: a sender
 * limited by our window delivers one window per RTT, and may double it
 * in the next (slow start), so the buffer must hold twice that.
 *
 * The window offers a share of the free buffer: the buffer (sk_rcvbuf,
 * sk_rmem_alloc) counts memory, skb truesize, while the window counts
 * payload. Linux 6.1 offers half (tcp_adv_win_scale 1), which is too
 * little for a loopback segment of 64 KiB in 65 KiB of memory and too
 * much for a veth segment of 1448 bytes in 2.9 KiB: the data the peer
 * sends inside the window then does not fit, and out-of-order data it
 * was told we hold (SACK) has to go (RFC 2018 section 8, reneging, an
 * RTO for the sender). So the share is measured: @rcv_ratio follows the
 * payload/truesize of arriving segments, down at once, up slowly.
 * Segments that still overrun (a peer changing to small segments) are
 * copied into compact buffers first (collapse.c).
 *
 * The receiver's RTT comes from timestamps (RFC 7323 section 4: the
 * TSecr of new data echoes the TSval of the ACK that released it) or,
 * without them, from the time one advertised window takes to arrive, an
 * upper bound that is exact for a window-limited sender.
 */

#include <net/tcp.h>

#include "ltcp.h"

/* The ratio never promises more than 15/16 of the memory as payload,
 * nor less than a quarter: collapse.c brings wasteful segments to that.
 */
#define LTCP_RCV_RATIO_MAX	240
#define LTCP_RCV_RATIO_MIN	64

/**
 * ltcp_win_from_space() - the payload @space bytes of buffer memory hold
 * @sk: the socket
 * @space: bytes of sk_rcvbuf
 *
 * Return: bytes of window.
 */
int ltcp_win_from_space(const struct sock *sk, int space)
{
	return ((s64)space * ltcp_sk(sk)->rcv_ratio) >> 8;
}

/**
 * ltcp_space_from_win() - the buffer memory a window of @win bytes needs
 * @sk: the socket
 * @win: bytes of payload
 *
 * Return: bytes of sk_rcvbuf, at most INT_MAX.
 */
int ltcp_space_from_win(const struct sock *sk, int win)
{
	return min_t(s64, ((s64)win << 8) / ltcp_sk(sk)->rcv_ratio, INT_MAX);
}

/**
 * ltcp_rcv_ratio_sample() - a segment of data arrived: what its payload
 *	costs in memory
 * @sk: the socket
 * @skb: the segment, header pulled, not yet charged to @sk
 *
 * Only segments of at least half our MSS count: the ratio is for a bulk
 * transfer's full segments (veth's 1448 bytes in 2.9 KiB). Smaller ones
 * (a chatty peer, or a small window cutting the peer's segments) would
 * shrink the window, and with it the window updates that receiver-side
 * silly window avoidance lets go, to nothing (a writer held by
 * TCP_NOTSENT_LOWAT then waited for zero-window probes);
 * collapse.c compacts them when they pile up.
 */
void ltcp_rcv_ratio_sample(struct sock *sk, const struct sk_buff *skb)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	u32 ratio, cur = lsk->rcv_ratio;

	if (skb->len < tcp_sk(sk)->advmss / 2 || !skb->truesize)
		return;
	/* 15/16 of what the segment shows, in 1/256ths: without that
	 * headroom a reader that stalled with the window full saw the
	 * buffer overrun by a few segments (one of lower ratio, the window
	 * scale's rounding), collapsed its queue in softirq and dropped what
	 * came meanwhile (selftests/ltcp_rcvbuf.sh, the lossless runs).
	 */
	ratio = div_u64((u64)skb->len * 240, skb->truesize);
	ratio = clamp_t(u32, ratio, LTCP_RCV_RATIO_MIN, LTCP_RCV_RATIO_MAX);
	if (ratio < cur)
		cur = ratio;
	else
		cur += DIV_ROUND_UP(ratio - cur, 8);
	lsk->rcv_ratio = cur;
}

/**
 * ltcp_rcvbuf_init() - start measuring: the connection is established
 * @sk: the socket
 */
void ltcp_rcvbuf_init(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);

	tp->rcv_rtt_est.rtt_us = 0;
	tp->rcv_rtt_est.seq = tp->rcv_nxt;
	tp->rcv_rtt_est.time = 0;
	tp->rcvq_space.space = max_t(u32, tp->rcv_wnd, 4 * tp->advmss);
	tp->rcvq_space.seq = tp->copied_seq;
	tp->rcvq_space.time = tcp_clock_us();
	ltcp_sk(sk)->rcvbuf_ooo_edge = tp->rcv_nxt;
}

/*
 * Fold one sample in: the smallest wins at once, larger ones slowly.
 * rcv_rtt_est.rtt_us holds eight times the estimate, as Linux keeps it:
 * the kernel's tcp_get_info() (ss -ti's rcv_rtt) reads it so.
 */
static void ltcp_rcv_rtt_update(struct tcp_sock *tp, u32 sample_us)
{
	u32 est8 = tp->rcv_rtt_est.rtt_us;

	sample_us = clamp(sample_us, 1U, U32_MAX >> 3);
	if (!est8 || sample_us < est8 >> 3)
		est8 = sample_us << 3;
	else
		est8 = est8 - (est8 >> 3) + sample_us;
	tp->rcv_rtt_est.rtt_us = est8;
}

/**
 * ltcp_rcv_rtt_measure() - an RTT sample from a segment of new data
 * @sk: the socket
 * @skb: the segment, its data not yet queued
 * @opt: its options
 */
void ltcp_rcv_rtt_measure(struct sock *sk, const struct sk_buff *skb,
			  const struct ltcp_options *opt)
{
	const struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct tcp_sock *tp = tcp_sk(sk);
	u64 now = tcp_clock_us();

	if (cb->end_seq == cb->seq || !ltcp_after(cb->end_seq, tp->rcv_nxt))
		return;
	if (opt->saw_ts && opt->tsecr) {
		u32 ms = ltcp_ts_now() + ltcp_sk(sk)->ts_offset - opt->tsecr;

		/* A TSecr from the future or minutes old is no sample. */
		if (ms < 60 * MSEC_PER_SEC)
			ltcp_rcv_rtt_update(tp, max_t(u32, ms, 1) *
						USEC_PER_MSEC);
		return;
	}
	if (!tp->rcv_rtt_est.time) {
		tp->rcv_rtt_est.seq = tp->rcv_nxt + tp->rcv_wnd;
		tp->rcv_rtt_est.time = now;
		return;
	}
	if (!ltcp_after(cb->end_seq, tp->rcv_rtt_est.seq))
		return;
	ltcp_rcv_rtt_update(tp, min_t(u64, now - tp->rcv_rtt_est.time,
				      U32_MAX));
	tp->rcv_rtt_est.seq = cb->end_seq + tp->rcv_wnd;
	tp->rcv_rtt_est.time = now;
}

/**
 * ltcp_rcvbuf_may_grow() - whether the receive buffer still follows the flow
 * @sk: the socket
 *
 * Return: true while ltcp may grow sk_rcvbuf: autotuning on
 *	(net.ltcp.moderate_rcvbuf), no SO_RCVBUF, below net.ltcp.rmem[2],
 *	TCP memory not under pressure.
 */
bool ltcp_rcvbuf_may_grow(const struct sock *sk)
{
	const struct ltcp_net *ln = ltcp_net(sock_net(sk));

	return READ_ONCE(ln->moderate_rcvbuf) &&
	       !(sk->sk_userlocks & SOCK_RCVBUF_LOCK) &&
	       READ_ONCE(sk->sk_rcvbuf) < READ_ONCE(ln->rmem[2]) &&
	       !sk_under_memory_pressure(sk);
}

/*
 * Grow sk_rcvbuf so that the free buffer offers a window of @rcvwin bytes
 * at the measured ratio, within net.ltcp.rmem[2]; never shrink it. Only
 * while ltcp_rcvbuf_may_grow().
 */
static void ltcp_rcvbuf_grow(struct sock *sk, u64 rcvwin)
{
	const struct ltcp_net *ln = ltcp_net(sock_net(sk));
	int rcvbuf;

	if (!ltcp_rcvbuf_may_grow(sk))
		return;
	rcvbuf = min(ltcp_space_from_win(sk, min_t(u64, rcvwin, INT_MAX)),
		     READ_ONCE(ln->rmem[2]));
	if (rcvbuf > READ_ONCE(sk->sk_rcvbuf))
		WRITE_ONCE(sk->sk_rcvbuf, rcvbuf);
}

/**
 * ltcp_rcvbuf_adjust() - the application read: grow the buffer if it took
 *	more in the last round trip than in any before
 * @sk: the socket, owned by the caller
 */
void ltcp_rcvbuf_adjust(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	u64 now = tcp_clock_us();
	u32 copied;

	if (!tp->rcv_rtt_est.rtt_us ||
	    now - tp->rcvq_space.time < tp->rcv_rtt_est.rtt_us >> 3)
		return;
	copied = tp->copied_seq - tp->rcvq_space.seq;
	if (copied > tp->rcvq_space.space) {
		tp->rcvq_space.space = copied;
		/* Twice this round's data, and a few segments for
		 * reordering.
		 */
		ltcp_rcvbuf_grow(sk, 2ULL * copied + 4 * tp->advmss);
	}
	tp->rcvq_space.seq = tp->copied_seq;
	tp->rcvq_space.time = now;
}

/**
 * ltcp_rcvbuf_ooo() - out-of-order data arrived: grow the buffer if the
 *	sender filled the window while it repairs a loss
 * @sk: the socket, owned by the caller
 * @end_seq: the end of the data, now queued
 *
 * ltcp_rcvbuf_adjust() measures what the application takes, which is
 * what a sender limited by the window delivers. A sender that lost a
 * segment is limited differently: until the retransmission arrives the
 * left edge stays, the data it sent behind the hole fills the window,
 * and the window, not its congestion window, caps what it may send
 * during recovery (RFC 6675's pipe may allow more). The application,
 * waiting for the hole, reads nothing meanwhile, so the reads never show
 * it. When out-of-order data reaches the right edge while the
 * application keeps up (little in-order data waits to be read), the
 * buffer grows so that the window offered from rcv_nxt is twice what it
 * was from copied_seq (enough for the data behind the hole and a round
 * trip of new data at the same rate): growth at the pace of the
 * sender's demand, once per edge it fills, within rmem[2]. A slow reader
 * is not a reason: its data is in order.
 */
void ltcp_rcvbuf_ooo(struct sock *sk, u32 end_seq)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);
	struct tcp_sock *tp = &lsk->tp;
	u32 edge = tp->rcv_wup + tp->rcv_wnd;
	u32 span = edge - tp->copied_seq;
	int held;

	if (!ltcp_after(edge, lsk->rcvbuf_ooo_edge) ||
	    ltcp_before(end_seq + tp->advmss, edge) ||
	    tp->rcv_nxt - tp->copied_seq > span / 4)
		return;
	lsk->rcvbuf_ooo_edge = edge;
	/* The window is what the free buffer holds past what is held. */
	held = ltcp_win_from_space(sk, atomic_read(&sk->sk_rmem_alloc));
	ltcp_rcvbuf_grow(sk, held + 2ULL * span);
}
