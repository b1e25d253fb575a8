// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp socket calls: what struct proto and struct proto_ops point at for
 * init, destroy, listen, close, shutdown, sendmsg, recvmsg, poll, ioctl,
 * with Linux's semantics and errno for each (RFC 9293 3.10: the user calls
 * OPEN, SEND, RECEIVE, CLOSE, ABORT).
 */
#include <linux/module.h>
#include <asm/ioctls.h>
#include <linux/poll.h>
#include <linux/sockios.h>
#include <net/inet_common.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/*
 * A peer whose window never held two full segments (a small SO_RCVBUF
 * against loopback's 64 KiB MSS) would never let a whole one go, and
 * segments are cut when written: cut them at half the largest window it
 * offered, the share RFC 1122 4.2.3.4 lets a sender send (Fs = 1/2), as
 * Linux sizes them.
 */
static u32 ltcp_bound_to_half_window(const struct tcp_sock *tp, u32 mss)
{
	u32 half = tp->max_window;

	if (half > TCP_MSS_DEFAULT)
		half >>= 1;
	if (half && half < mss)
		return max_t(u32, half, TCP_MIN_MSS);
	return mss;
}

/**
 * ltcp_sync_mss() - derive the MSS from a path MTU (RFC 9293 3.7.1)
 * @sk: the socket
 * @pmtu: the path MTU
 *
 * Generic IP code calls this (icsk_sync_mss) when the IP header length
 * changes. The result leaves room for the options every segment carries
 * (timestamps) and respects the peer's MSS and TCP_MAXSEG.
 *
 * Return: the MSS.
 */
unsigned int ltcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int mss;

	mss = (int)pmtu - icsk->icsk_ext_hdr_len - sizeof(struct tcphdr) -
	      (ltcp_sk_v6(sk) ? sizeof(struct ipv6hdr) : sizeof(struct iphdr));
	if (tp->rx_opt.mss_clamp && mss > tp->rx_opt.mss_clamp)
		mss = tp->rx_opt.mss_clamp;
	if (tp->rx_opt.user_mss && mss > tp->rx_opt.user_mss)
		mss = tp->rx_opt.user_mss;
	if (tp->tcp_header_len > sizeof(struct tcphdr))
		mss -= tp->tcp_header_len - sizeof(struct tcphdr);
	if (mss < (int)LTCP_MIN_MSS)
		mss = LTCP_MIN_MSS;
	icsk->icsk_pmtu_cookie = pmtu;
	tp->mss_cache = ltcp_bound_to_half_window(tp, mss);
	return tp->mss_cache;
}

/**
 * ltcp_stream_notsent_ok() - proto.stream_memory_free: the part of "room
 *	to write" beyond the send buffer, TCP_NOTSENT_LOWAT
 * @sk: the socket
 * @wake: 1 when deciding whether to wake a writer (half the mark)
 *
 * The generic sk_stream_wait_memory() asks this through the proto, so a
 * blocking writer waits for the unsent data to drain below the mark, as
 * on Linux.
 *
 * Return: true if the data not yet sent is below the mark.
 */
bool ltcp_stream_notsent_ok(const struct sock *sk, int wake)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 notsent = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt);

	return ((u64)notsent << wake) < ltcp_notsent_lowat(sk);
}

/**
 * ltcp_write_space() - wake writers when the send buffer has room
 * @sk: the socket
 */
void ltcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !ltcp_stream_is_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/**
 * ltcp_rcvbuf_max() - the largest receive buffer the socket may grow to
 *	(net.ltcp.rmem[2], or what SO_RCVBUF fixed), at most TCP_WINDOW_CLAMP:
 *	what the window scale must be able to express
 * @sk: the socket
 *
 * Return: a size in bytes.
 */
int ltcp_rcvbuf_max(const struct sock *sk)
{
	int max = READ_ONCE(sk->sk_rcvbuf);
	u32 clamp = tcp_sk(sk)->window_clamp;

	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK))
		max = max(max, READ_ONCE(ltcp_net(sock_net(sk))->rmem[2]));
	/* No window beyond TCP_WINDOW_CLAMP: a smaller scale will do, as
	 * Linux chooses it.
	 */
	if (clamp)
		max = min_t(u32, max, clamp);
	return max;
}

/**
 * ltcp_init_sock() - proto.init: a new ltcp socket
 * @sk: the socket
 *
 * Return: 0.
 */
int ltcp_init_sock(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct net *net = sock_net(sk);
	struct tcp_sock *tp = tcp_sk(sk);

	tp->out_of_order_queue = RB_ROOT;
	ltcp_init_xmit_timers(sk);
	icsk->icsk_rto = LTCP_TIMEOUT_INIT;
	icsk->icsk_sync_mss = ltcp_sync_mss;
	tp->mdev_us = jiffies_to_usecs(LTCP_TIMEOUT_INIT);
	minmax_reset(&tp->rtt_min, tcp_jiffies32, ~0U);
	tcp_snd_cwnd_set(tp, LTCP_INIT_CWND);
	tp->snd_ssthresh = TCP_INFINITE_SSTHRESH;
	tp->snd_cwnd_clamp = ~0U;
	tp->rate_app_limited = 1;	/* no rate sample yet (TCP_INFO) */
	tp->reordering = READ_ONCE(ltcp_net(net)->reordering);
	ltcp_rack_init(sk);
	ltcp_sk(sk)->rcv_ratio = LTCP_RCV_RATIO_INIT;
	tp->rx_opt.mss_clamp = LTCP_MSS_DEFAULT;
	tp->mss_cache = LTCP_MSS_DEFAULT;
	tp->tsoffset = 0;
	sk->sk_state = TCP_CLOSE;
	sk->sk_write_space = ltcp_write_space;
	sock_set_flag(sk, SOCK_USE_WRITE_QUEUE);
	/* net.ltcp.wmem[1] and rmem[1], as Linux's tcp_wmem and tcp_rmem. */
	WRITE_ONCE(sk->sk_sndbuf, READ_ONCE(ltcp_net(net)->wmem[1]));
	WRITE_ONCE(sk->sk_rcvbuf, READ_ONCE(ltcp_net(net)->rmem[1]));
	ltcp_cong_init_sock(sk);
	/* Counted where memory pressure shares the pool out (children
	 * are counted by sk_clone_lock()).
	 */
	sk_sockets_allocated_inc(sk);
	return 0;
}

static void ltcp_purge_write_queue(struct sock *sk)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue))) {
		sk_wmem_queued_add(sk, -skb->truesize);
		sk_mem_uncharge(sk, skb->truesize);
		__kfree_skb(skb);
	}
	ltcp_sk(sk)->send_head = NULL;
	sk_mem_reclaim(sk);
}

static void ltcp_purge_queues(struct sock *sk)
{
	struct tcp_sock *tp = tcp_sk(sk);
	struct rb_node *node;

	ltcp_purge_write_queue(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	while ((node = rb_first(&tp->out_of_order_queue))) {
		rb_erase(node, &tp->out_of_order_queue);
		kfree_skb(rb_to_skb(node));
	}
	ltcp_sack_reset(sk);
	tp->packets_out = 0;
	tp->lost_out = 0;
	tp->retrans_out = 0;
	tp->sacked_out = 0;
	ltcp_sk(sk)->sacked_any = 0;
	sk_mem_reclaim(sk);
}

/**
 * ltcp_destroy_sock() - proto.destroy: release what the socket holds
 * @sk: the socket
 */
void ltcp_destroy_sock(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	inet_csk_clear_xmit_timers(sk);
	inet_csk_delete_keepalive_timer(sk);
	ltcp_purge_queues(sk);
	ltcp_cong_drop(sk);
	if (icsk->icsk_bind_hash)
		inet_put_port(sk);
	sk_sockets_allocated_dec(sk);
}

/**
 * ltcp_set_state() - change state; leaving the hash on TCP_CLOSE
 * @sk: the socket
 * @state: the new state
 */
void ltcp_set_state(struct sock *sk, int state)
{
	struct net *net = sock_net(sk);
	int old = sk->sk_state;

	/* The RFC 4022 counters of state changes. tcpCurrEstab counts
	 * ESTABLISHED connections only, as Linux's does (the RFC adds
	 * CLOSE-WAIT).
	 */
	if (state == TCP_ESTABLISHED && old != TCP_ESTABLISHED)
		TCP_INC_STATS(net, TCP_MIB_CURRESTAB);
	else if (old == TCP_ESTABLISHED && state != TCP_ESTABLISHED)
		TCP_DEC_STATS(net, TCP_MIB_CURRESTAB);
	if (state == TCP_SYN_SENT && old == TCP_CLOSE)
		TCP_INC_STATS(net, TCP_MIB_ACTIVEOPENS);
	if (state == TCP_CLOSE) {
		if (old == TCP_ESTABLISHED || old == TCP_CLOSE_WAIT)
			TCP_INC_STATS(net, TCP_MIB_ESTABRESETS);
		else if (old == TCP_SYN_SENT || old == TCP_SYN_RECV)
			TCP_INC_STATS(net, TCP_MIB_ATTEMPTFAILS);
		sk->sk_prot->unhash(sk);
		if (inet_csk(sk)->icsk_bind_hash &&
		    !(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			inet_put_port(sk);
	}
	inet_sk_set_state(sk, state);
}

/**
 * ltcp_done() - the connection is over: to CLOSED, and free it if nobody
 *	holds the socket any more
 * @sk: the socket
 */
void ltcp_done(struct sock *sk)
{
	ltcp_set_state(sk, TCP_CLOSE);
	inet_csk_clear_xmit_timers(sk);
	inet_csk_delete_keepalive_timer(sk);
	ltcp_pacing_cancel(sk);
	ltcp_sack_comp_cancel(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		inet_csk_destroy_sock(sk);
}

/**
 * ltcp_abort() - proto.diag_destroy: SOCK_DESTROY (``ss -K``) on a socket
 * @sk: what the diag lookup found, referenced by the caller: a full
 *	socket, a request (TCP_NEW_SYN_RECV) or a TIME-WAIT socket
 * @err: the error the application sees (ECONNABORTED)
 *
 * RFC 9293 3.10.5, ABORT: calls still pending fail, a peer that may still
 * be waiting gets a RST, the TCB goes. A request is dropped from its
 * listener's queue, a TIME-WAIT socket leaves the hash, a listener stops
 * listening. Orphans are left to their own timers, as Linux leaves them.
 *
 * Return: 0.
 */
int ltcp_abort(struct sock *sk, int err)
{
	int state = inet_sk_state_load(sk);
	struct inet_timewait_sock *tw;
	struct request_sock *req;

	if (state == TCP_NEW_SYN_RECV) {
		req = inet_reqsk(sk);
		local_bh_disable();
		inet_csk_reqsk_queue_drop(req->rsk_listener, req);
		local_bh_enable();
		return 0;
	}
	if (state == TCP_TIME_WAIT) {
		/* A reference of our own for the put below; the timer's
		 * and the hash's go with the socket.
		 */
		tw = inet_twsk(sk);
		refcount_inc(&tw->tw_refcnt);
		local_bh_disable();
		inet_twsk_deschedule_put(tw);
		local_bh_enable();
		return 0;
	}

	lock_sock(sk);
	if (sk->sk_state == TCP_LISTEN) {
		ltcp_set_state(sk, TCP_CLOSE);
		inet_csk_listen_stop(sk);
	}
	if (!sock_flag(sk, SOCK_DEAD) && sk->sk_state != TCP_CLOSE) {
		WRITE_ONCE(sk->sk_err, err);
		sk_error_report(sk);
		if ((1 << sk->sk_state) & (TCPF_SYN_RECV | TCPF_ESTABLISHED |
					   TCPF_CLOSE_WAIT | TCPF_FIN_WAIT1 |
					   TCPF_FIN_WAIT2))
			ltcp_send_active_reset(sk, sk->sk_allocation);
		/* The data received stays readable before the error. */
		ltcp_done(sk);
	}
	release_sock(sk);
	return 0;
}

/**
 * ltcp_set_keepalive() - proto.keepalive: SO_KEEPALIVE was set or cleared
 * @sk: the socket
 * @on: the new value
 */
void ltcp_set_keepalive(struct sock *sk, int on)
{
	if (on) {
		/* sock_setsockopt() sets SOCK_KEEPOPEN after this call. */
		sock_set_flag(sk, SOCK_KEEPOPEN);
		ltcp_keepalive_arm(sk);
	} else {
		inet_csk_delete_keepalive_timer(sk);
	}
}

/**
 * ltcp_release_cb() - proto.release_cb: run the timers that fired while
 *	the user held the socket
 * @sk: the socket, still owned
 */
void ltcp_release_cb(struct sock *sk)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);

	if (test_and_clear_bit(LTCP_DEFER_WRITE_TIMER, &lsk->deferred))
		ltcp_write_timer_handler(sk);
	if (test_and_clear_bit(LTCP_DEFER_DELACK_TIMER, &lsk->deferred))
		ltcp_delack_timer_handler(sk);
	if (test_and_clear_bit(LTCP_DEFER_PACE, &lsk->deferred))
		ltcp_push_pending(sk);
	if (test_and_clear_bit(LTCP_DEFER_COMP_SACK, &lsk->deferred))
		ltcp_sack_comp_fire(sk);
	if (test_and_clear_bit(LTCP_DEFER_MTU_REDUCED, &lsk->deferred)) {
		if (ltcp_sk_v6(sk))
			ltcp_v6_mtu_reduced(sk);
		else
			ltcp_v4_mtu_reduced(sk);
	}
}

/*
 * RFC 9293 3.10.4 (CLOSE): the state to enter, and whether a FIN goes
 * out. ESTABLISHED and SYN-RECEIVED go to FIN-WAIT-1, CLOSE-WAIT to
 * LAST-ACK; the others send nothing.
 */
static bool ltcp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_SYN_RECV:
		ltcp_set_state(sk, TCP_FIN_WAIT1);
		return true;
	case TCP_CLOSE_WAIT:
		ltcp_set_state(sk, TCP_LAST_ACK);
		return true;
	case TCP_SYN_SENT:
		ltcp_set_state(sk, TCP_CLOSE);
		return false;
	}
	return false;
}

/**
 * ltcp_shutdown() - proto.shutdown: SHUT_WR sends our FIN after the data
 * @sk: the socket, owned by the caller
 * @how: SEND_SHUTDOWN and/or RCV_SHUTDOWN
 */
void ltcp_shutdown(struct sock *sk, int how)
{
	if (!(how & SEND_SHUTDOWN))
		return;
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_SYN_SENT |
				   TCPF_SYN_RECV | TCPF_CLOSE_WAIT)) {
		if (ltcp_close_state(sk))
			ltcp_send_fin(sk);
	}
}

/**
 * ltcp_close() - proto.close: the application let go of the socket
 * @sk: the socket
 * @timeout: SO_LINGER time to wait for the data to go
 *
 * Unread data or SO_LINGER with a zero time abort with a RST (RFC 9293
 * 3.10.4, RFC 2525 2.17), as Linux does; otherwise the FIN follows the
 * data and the socket lives on as an orphan until the close completes.
 */
void ltcp_close(struct sock *sk, long timeout)
{
	struct tcp_sock *tp = tcp_sk(sk);
	bool unread = false;
	int state;

	lock_sock(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	if (sk->sk_state == TCP_LISTEN) {
		ltcp_set_state(sk, TCP_CLOSE);
		inet_csk_listen_stop(sk);
		goto adjudge;
	}
	/* Data the application never read; a received FIN is not data. */
	unread = tp->rcv_nxt - tp->copied_seq >
		 (sock_flag(sk, SOCK_DONE) ? 1U : 0U);
	__skb_queue_purge(&sk->sk_receive_queue);
	sk_mem_reclaim(sk);

	if (sk->sk_state == TCP_CLOSE)
		goto adjudge;
	if (unread || (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime)) {
		ltcp_set_state(sk, TCP_CLOSE);
		ltcp_send_active_reset(sk, sk->sk_allocation);
	} else if (ltcp_close_state(sk)) {
		ltcp_send_fin(sk);
	}
	sk_stream_wait_close(sk, timeout);

adjudge:
	state = sk->sk_state;
	sock_hold(sk);
	sock_orphan(sk);
	release_sock(sk);

	local_bh_disable();
	bh_lock_sock(sk);
	this_cpu_inc(*sk->sk_prot->orphan_count);
	/* The backlog may have closed it meanwhile. */
	if (state != TCP_CLOSE && sk->sk_state == TCP_CLOSE)
		goto out;
	if (sk->sk_state == TCP_FIN_WAIT2)
		ltcp_fin_wait2_arm(sk);
	if (sk->sk_state == TCP_CLOSE)
		inet_csk_destroy_sock(sk);
out:
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

/*
 * The next connection's statistics start afresh, as after Linux's
 * disconnect: TCP_INFO (ss -i) would otherwise add the two connections'
 * counts up. The rate sampler's marks go with tcp_sock.delivered.
 */
static void ltcp_reset_counters(struct tcp_sock *tp)
{
	tp->segs_in = 0;
	tp->segs_out = 0;
	tp->data_segs_in = 0;
	tp->data_segs_out = 0;
	tp->bytes_sent = 0;
	tp->bytes_acked = 0;
	tp->bytes_received = 0;
	tp->total_retrans = 0;
	tp->delivered = 0;
	tp->delivered_ce = 0;
	tp->dsack_dups = 0;
	tp->reord_seen = 0;
	tp->rcv_ooopack = 0;
	tp->app_limited = 0;
	tp->rate_delivered = 0;
	tp->rate_interval_us = 0;
	/* No rate sample yet: TCP_INFO reports it app-limited, as Linux's */
	tp->rate_app_limited = 1;
}

/**
 * ltcp_disconnect() - proto.disconnect: back to CLOSED, reusable
 *	(connect(AF_UNSPEC), and for children of a closing listener)
 * @sk: the socket, owned by the caller
 * @flags: unused
 *
 * Return: 0.
 */
int ltcp_disconnect(struct sock *sk, int flags)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int old_state = sk->sk_state;

	if (old_state != TCP_CLOSE)
		ltcp_set_state(sk, TCP_CLOSE);
	if (old_state == TCP_LISTEN) {
		inet_csk_listen_stop(sk);
	} else if ((1 << old_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
				       TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
				       TCPF_CLOSING | TCPF_LAST_ACK |
				       TCPF_SYN_RECV)) {
		ltcp_send_active_reset(sk, gfp_any());
		sk->sk_err = ECONNRESET;
	} else if (old_state == TCP_SYN_SENT) {
		sk->sk_err = ECONNRESET;
	}
	inet_csk_clear_xmit_timers(sk);
	ltcp_pacing_cancel(sk);
	ltcp_sack_comp_cancel(sk);
	ltcp_purge_queues(sk);
	/* A socket that sent from sk_frag (no task page: a kernel socket
	 * with GFP_NOFS, say) may listen next; its children are copies
	 * that would share the page without a reference of their own.
	 */
	if (sk->sk_frag.page) {
		put_page(sk->sk_frag.page);
		sk->sk_frag.page = NULL;
		sk->sk_frag.offset = 0;
	}
	tp->last_oow_ack_time = 0;
	inet->inet_dport = 0;
	sk->sk_shutdown = 0;
	sock_reset_flag(sk, SOCK_DONE);
	tp->srtt_us = 0;
	tp->write_seq = 0;
	tp->snd_cwnd_cnt = 0;
	ltcp_sk(sk)->fin_queued = 0;
	ltcp_sk(sk)->in_recovery = 0;
	ltcp_sk(sk)->undo_armed = 0;
	ltcp_sk(sk)->undo_dsack_wait = 0;
	ltcp_rack_init(sk);
	ltcp_reset_counters(tp);
	ltcp_tx_stamp_reset(sk);
	ltcp_cong_reset(sk);
	ltcp_sk(sk)->urg_mode = 0;
	WRITE_ONCE(tp->urg_data, 0);
	icsk->icsk_backoff = 0;
	icsk->icsk_retransmits = 0;
	icsk->icsk_rto = LTCP_TIMEOUT_INIT;
	icsk->icsk_ack.rcv_mss = LTCP_MSS_DEFAULT;
	__sk_dst_reset(sk);
	sk_error_report(sk);
	return 0;
}

/**
 * ltcp_listen() - proto_ops.listen
 * @sock: the socket
 * @backlog: the accept queue length (capped by net.core.somaxconn)
 *
 * Return: 0 or -EINVAL (not a fresh stream socket), or what binding an
 *	ephemeral port returns.
 */
int ltcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED || sock->type != SOCK_STREAM)
		goto out;
	if (!((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN)))
		goto out;
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	/* The kernel's request timer gives up after the listener's
	 * icsk_syn_retries SYN-ACK retransmissions (or, when 0, after
	 * net.ipv4.tcp_synack_retries): make it never the first, so that
	 * ltcp's limit, TCP_SYNCNT or net.ltcp.synack_retries, is the one
	 * that counts (ltcp_rtx_synack()).
	 */
	inet_csk(sk)->icsk_syn_retries = ltcp_sk(sk)->syn_retries ? : U8_MAX;
	if (sk->sk_state != TCP_LISTEN) {
		err = inet_csk_listen_start(sk);
		if (err)
			goto out;
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* A segment of at most one MSS for new data, or the unsent tail if it
 * still has room: in its linear buffer, or for one more page fragment.
 */
static struct sk_buff *ltcp_tail_for_data(struct sock *sk, int mss)
{
	struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);

	/* A tail that holds an earlier write's timestamp request ends
	 * there: the request belongs to that write's last byte.
	 */
	if (skb && ltcp_sk(sk)->send_head &&
	    !(LTCP_SKB_CB(skb)->flags & (LTCP_SYN | LTCP_FIN)) &&
	    !ltcp_tx_stamp_pending(skb) &&
	    skb->len < mss && (skb_tailroom(skb) > 0 ||
			       skb_shinfo(skb)->nr_frags < MAX_SKB_FRAGS))
		return skb;
	return NULL;
}

/*
 * Linear room to allocate for the next segment's payload. A write of at
 * least one MSS (bulk data) asks for none (it uses what the allocation of
 * the headers rounds up to, then page fragments, whose memory charge is
 * the bytes they hold), where a linear buffer of one Ethernet MSS takes a
 * 4 KiB kmalloc object (with the headroom and shared info), three times
 * the payload, charged to the send buffer and, over veth or loopback,
 * which hand the same skb over, to the receiver's. A shorter write is
 * copied into a linear buffer of what is left, up to one MSS, but never
 * less than fills a 4 KiB object (room for later small writes to join it
 * while it waits for Nagle or the window): one allocation for a request.
 */
static int ltcp_alloc_size(struct msghdr *msg, int mss)
{
	int small = SKB_WITH_OVERHEAD(4096) - MAX_TCP_HEADER;
	size_t left = msg_data_left(msg);

	if (left >= mss)
		return 0;
	if (mss <= small)
		return mss;
	return max_t(int, left, small);
}

/*
 * Copy up to @max bytes of @msg into a page fragment of @skb, from the
 * socket's page_frag (a page shared by consecutive segments), charged to
 * @sk. Returns the bytes copied (0 when @skb has no fragment slot left),
 * -ENOMEM when no page or no memory is to be had (wait for memory),
 * -EFAULT for a bad user buffer.
 */
static int ltcp_copy_to_frag(struct sock *sk, struct sk_buff *skb,
			     struct msghdr *msg, int max)
{
	struct page_frag *pfrag = sk_page_frag(sk);
	int i = skb_shinfo(skb)->nr_frags;
	bool merge;
	int copy, err;

	if (!sk_page_frag_refill(sk, pfrag))
		return -ENOMEM;
	merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
	if (!merge && i >= MAX_SKB_FRAGS)
		return 0;	/* full: the next round starts a segment */
	copy = min_t(int, max, pfrag->size - pfrag->offset);
	if (!sk_wmem_schedule(sk, copy))
		return -ENOMEM;
	err = skb_copy_to_page_nocache(sk, &msg->msg_iter, skb, pfrag->page,
				       pfrag->offset, copy);
	if (err)
		return err;
	if (merge) {
		skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
	} else {
		skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset, copy);
		get_page(pfrag->page);
	}
	pfrag->offset += copy;
	return copy;
}

/*
 * A segment queued for data that none could be copied into (no memory, a
 * bad buffer) leaves the queue: an empty segment would go out as a bare
 * ACK with a sequence number of data.
 */
static void ltcp_drop_empty_tail(struct sock *sk, struct sk_buff *skb)
{
	struct ltcp_sock *lsk = ltcp_sk(sk);

	if (skb->len || skb != skb_peek_tail(&sk->sk_write_queue))
		return;
	if (lsk->send_head == skb)
		lsk->send_head = NULL;
	__skb_unlink(skb, &sk->sk_write_queue);
	sk_wmem_queued_add(sk, -skb->truesize);
	sk_mem_uncharge(sk, skb->truesize);
	__kfree_skb(skb);
}

/**
 * ltcp_sendmsg() - proto.sendmsg: copy user data into segments of at most
 *	one MSS and send what the windows allow
 * @sk: the socket
 * @msg: the data and flags (MSG_DONTWAIT, MSG_NOSIGNAL, MSG_MORE, MSG_OOB:
 *	the last byte written is urgent)
 * @size: its length
 *
 * Return: bytes queued, or a negative errno (EPIPE after the connection
 *	ended, with SIGPIPE unless MSG_NOSIGNAL; EAGAIN when non-blocking and
 *	full).
 */
int ltcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int flags = msg->msg_flags;
	struct sockcm_cookie sockc;
	size_t copied = 0;
	long timeo;
	int err;

	lock_sock(sk);
	sockcm_init(&sockc, sk);
	timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto out_err;
	}
	/* SOL_SOCKET control messages: SO_TIMESTAMPING for this write. */
	if (msg->msg_controllen && sock_cmsg_send(sk, msg, &sockc)) {
		err = -EINVAL;
		goto out_err;
	}
	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);

	while (msg_data_left(msg)) {
		int mss = ltcp_current_mss(sk);
		struct sk_buff *skb;
		int chunk;

		err = -EPIPE;
		if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
			goto out_err;

		skb = ltcp_tail_for_data(sk, mss);
		if (!skb) {
			if (!ltcp_stream_memory_free(sk))
				goto wait_for_memory;
			skb = ltcp_alloc_skb(sk, ltcp_alloc_size(msg, mss),
					     sk->sk_allocation);
			if (!skb)
				goto wait_for_memory;
			LTCP_SKB_CB(skb)->seq = tp->write_seq;
			LTCP_SKB_CB(skb)->end_seq = tp->write_seq;
			ltcp_queue_skb(sk, skb);
		}
		chunk = min_t(size_t, msg_data_left(msg), mss - skb->len);
		if (skb_tailroom(skb) > 0) {
			chunk = min(chunk, skb_tailroom(skb));
			if (skb_add_data_nocache(sk, skb, &msg->msg_iter,
						 chunk)) {
				ltcp_drop_empty_tail(sk, skb);
				err = -EFAULT;
				goto out_err;
			}
		} else {
			chunk = ltcp_copy_to_frag(sk, skb, msg, chunk);
			if (chunk < 0)
				ltcp_drop_empty_tail(sk, skb);
			if (chunk == -ENOMEM)
				goto wait_for_memory;
			if (chunk < 0) {
				err = chunk;
				goto out_err;
			}
		}
		LTCP_SKB_CB(skb)->end_seq += chunk;
		tp->write_seq += chunk;
		copied += chunk;
		continue;

wait_for_memory:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		if (copied)
			ltcp_push_pending(sk);
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto out_err;
	}
	if (copied && (flags & MSG_OOB))
		ltcp_urg_send(sk);
	if (copied)
		ltcp_tx_stamp_write(sk, sockc.tsflags);
	/* Linux marks the end of each write with PSH. */
	if (copied && !(flags & MSG_MORE)) {
		struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

		if (tail)
			LTCP_SKB_CB(tail)->flags |= LTCP_PSH;
	}
	if (flags & MSG_MORE) {
		/* More is coming: hold a short tail for this call, as a
		 * cork would (it still goes once Nagle allows it).
		 */
		u8 nonagle = tp->nonagle;

		tp->nonagle |= TCP_NAGLE_CORK;
		ltcp_push_pending(sk);
		tp->nonagle = nonagle;
	} else {
		ltcp_push_pending(sk);
	}
	release_sock(sk);
	return copied;

out_err:
	if (copied) {
		if (flags & MSG_OOB)
			ltcp_urg_send(sk);
		ltcp_tx_stamp_write(sk, sockc.tsflags);
		ltcp_push_pending(sk);
		release_sock(sk);
		return copied;
	}
	err = sk_stream_error(sk, flags, err);
	release_sock(sk);
	return err;
}

/*
 * After the application read @copied bytes: if the window we could offer
 * grew by a segment and a quarter of the buffer since we last advertised
 * it, say so now; or by the smaller of the two (RFC 9293 3.8.6.2.2 and
 * RFC 1122 4.2.3.3, receiver-side silly window avoidance) once what is
 * left of the advertised window is under half of it: a small buffer then
 * reopens at once, not at the sender's next zero-window probe, while a
 * bulk transfer's ACKs still carry the window.
 *
 * An ACK that was only delayed goes now when the read emptied the queue
 * and the last segment was a short one (ICSK_ACK_PUSHED: the end of a
 * message, whose sender may hold its next one until this ACK, RFC 896),
 * unless TCP_QUICKACK 0 asked for ACKs held back ("pingpong": the reply
 * will carry it). Full segments of a bulk transfer keep the
 * every-delack_seg-segments rule of input: ACKing each one as a fast
 * reader takes it would double the ACKs. A read that took nothing opened
 * no window: no update then (Linux does the same).
 */
static void ltcp_cleanup_rbuf(struct sock *sk, int copied)
{
	u8 pending = inet_csk(sk)->icsk_ack.pending;
	struct tcp_sock *tp = tcp_sk(sk);
	u32 quarter = READ_ONCE(sk->sk_rcvbuf) / 4;
	int space = ltcp_rcv_space(sk);
	u32 cur = tp->rcv_wnd - min(tp->rcv_wnd, tp->rcv_nxt - tp->rcv_wup);

	if (sk->sk_state == TCP_CLOSE || space <= 0 || copied <= 0)
		return;
	if (((pending & ICSK_ACK_SCHED) && ltcp_delack_segs_pending(sk)) ||
	    (u32)space >= cur + max_t(u32, tp->advmss, quarter) ||
	    ((u32)space >= cur + min_t(u32, tp->advmss, quarter) &&
	     cur < (u32)space / 2) ||
	    ((pending & ICSK_ACK_SCHED) && (pending & ICSK_ACK_PUSHED) &&
	     skb_queue_empty(&sk->sk_receive_queue) &&
	     !inet_csk_in_pingpong_mode(sk)))
		ltcp_send_ack(sk);
}

/* Bytes of data received and not read yet (SIOCINQ, TCP_CM_INQ). */
static int ltcp_inq(const struct sock *sk)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	int answ = tp->rcv_nxt - tp->copied_seq;

	/* The FIN occupies a sequence number but is not data. */
	if (answ && sock_flag(sk, SOCK_DONE))
		answ--;
	return answ;
}

/*
 * Nothing to copy at the moment. 0: wait for more; 1: return what was
 * copied; negative: return this errno (only when nothing was copied).
 */
static int ltcp_recv_blocked(struct sock *sk, int copied, long timeo)
{
	/* With data copied, an error waits for the next call. */
	if (sk->sk_err)
		return copied ? 1 : sock_error(sk);
	if (sock_flag(sk, SOCK_DONE) || (sk->sk_shutdown & RCV_SHUTDOWN))
		return 1;
	if (sk->sk_state == TCP_CLOSE)
		return copied ? 1 : -ENOTCONN;
	if (!timeo)
		return copied ? 1 : -EAGAIN;
	if (signal_pending(current))
		return copied ? 1 : sock_intr_errno(timeo);
	return 0;
}

/*
 * The reader took @skb up to @end (bytes from its start): free it if that
 * is all of it, and forget an urgent byte it has gone past (tcp(7): data
 * before and after the mark; recv(MSG_OOB) finds nothing any more).
 */
static void ltcp_urg_passed(struct sock *sk, struct sk_buff *skb, u32 end,
			    int flags)
{
	struct tcp_sock *tp = tcp_sk(sk);

	if (flags & MSG_PEEK)
		return;
	if (end == skb->len) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		__kfree_skb(skb);
	}
	if (tp->urg_data && ltcp_after(tp->copied_seq, tp->urg_seq))
		WRITE_ONCE(tp->urg_data, 0);
}

/**
 * ltcp_recvmsg() - proto.recvmsg: copy in-order data to the user
 * @sk: the socket
 * @msg: where to
 * @len: at most this much
 * @flags: MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, MSG_TRUNC, MSG_OOB (the
 *	urgent byte, urgent.c)
 * @addr_len: unused
 *
 * Return: bytes copied, 0 at end of stream, or a negative errno.
 */
int ltcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len, int flags,
		 int *addr_len)
{
	struct ltcp_rx_stamp stamp = {};
	struct tcp_sock *tp = tcp_sk(sk);
	u32 peek_seq, *seq;
	int copied = 0;
	int target, stop;
	long timeo;

	if (flags & MSG_ERRQUEUE)
		return inet_recv_error(sk, msg, len, addr_len);

	lock_sock(sk);
	copied = -ENOTCONN;
	if (sk->sk_state == TCP_LISTEN)
		goto out;
	if (flags & MSG_OOB) {
		copied = ltcp_urg_recv(sk, msg, len, flags);
		goto out;
	}
	copied = 0;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	seq = &tp->copied_seq;
	if (flags & MSG_PEEK) {
		peek_seq = tp->copied_seq;
		seq = &peek_seq;
	}

	while (len > 0) {
		struct sk_buff *skb, *last = NULL;
		u32 offset, used;
		bool found = false;

		/* tcp(7): a read stops at the urgent mark, so that
		 * SIOCATMARK can tell the reader it is there.
		 */
		if (copied && tp->urg_data && tp->urg_seq == *seq)
			break;
		skb_queue_walk(&sk->sk_receive_queue, skb) {
			last = skb;
			offset = *seq - LTCP_SKB_CB(skb)->seq;
			if (offset < skb->len) {
				found = true;
				break;
			}
		}
		if (found) {
			used = min_t(size_t, skb->len - offset, len);
			if (tp->urg_data) {
				u32 to_mark = tp->urg_seq - *seq;

				if (!to_mark &&
				    !sock_flag(sk, SOCK_URGINLINE)) {
					/* At the urgent byte, out of band:
					 * step over it.
					 */
					*seq += 1;
					ltcp_urg_passed(sk, skb, offset + 1,
							flags);
					continue;
				}
				if (to_mark && to_mark < used)
					used = to_mark;
			}
			if (!(flags & MSG_TRUNC) &&
			    skb_copy_datagram_msg(skb, offset, msg, used)) {
				if (!copied)
					copied = -EFAULT;
				break;
			}
			ltcp_rx_stamp_note(&stamp, skb);
			*seq += used;
			copied += used;
			len -= used;
			ltcp_urg_passed(sk, skb, offset + used, flags);
			continue;
		}

		if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
			break;
		stop = ltcp_recv_blocked(sk, copied, timeo);
		if (stop) {
			if (stop < 0)
				copied = stop;
			break;
		}
		if (copied >= target) {
			/* Let the backlog in before returning. */
			release_sock(sk);
			lock_sock(sk);
		} else {
			ltcp_cleanup_rbuf(sk, copied);
			sk_wait_data(sk, &timeo, last);
		}
	}
	if (copied > 0 && !(flags & MSG_PEEK))
		ltcp_rcvbuf_adjust(sk);
	ltcp_cleanup_rbuf(sk, copied);
	sk_mem_reclaim(sk);
	if (copied >= 0)
		ltcp_rx_stamp_put(msg, sk, &stamp);
	if (tp->recvmsg_inq && copied >= 0) {
		/* TCP_INQ: what is left to read; after the peer's FIN at
		 * least 1, so that a reader goes on to see the end.
		 */
		int inq = ltcp_inq(sk);

		if (!inq && sock_flag(sk, SOCK_DONE))
			inq = 1;
		put_cmsg(msg, SOL_TCP, TCP_CM_INQ, sizeof(inq), &inq);
	}
out:
	release_sock(sk);
	return copied;
}

/**
 * ltcp_poll() - proto_ops.poll, with Linux TCP's event rules
 * @file: the file
 * @sock: the socket
 * @wait: the poll table
 *
 * Return: the ready events.
 */
__poll_t ltcp_poll(struct file *file, struct socket *sock,
		   struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	struct tcp_sock *tp = tcp_sk(sk);
	__poll_t mask = 0;
	int state;
	u8 shutdown;

	sock_poll_wait(file, sock, wait);
	state = inet_sk_state_load(sk);
	if (state == TCP_LISTEN)
		return inet_csk_listen_poll(sk);

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		u32 copied_seq = READ_ONCE(tp->copied_seq);
		u16 urg_data = READ_ONCE(tp->urg_data);
		u32 avail = READ_ONCE(tp->rcv_nxt) - copied_seq;

		/* An urgent byte read out of band, next in line, is not
		 * something read() would return.
		 */
		if (avail && urg_data && READ_ONCE(tp->urg_seq) == copied_seq &&
		    !sock_flag(sk, SOCK_URGINLINE))
			avail--;
		if (avail && !skb_queue_empty_lockless(&sk->sk_receive_queue))
			mask |= EPOLLIN | EPOLLRDNORM;
		/* The urgent byte is here and not read (tcp(7)). */
		if (urg_data & TCP_URG_VALID)
			mask |= EPOLLPRI;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (ltcp_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* Pairs with the ACK path freeing space and
				 * testing SOCK_NOSPACE: either it sees the
				 * bit, or we see the space below.
				 */
				smp_mb__after_atomic();
				if (ltcp_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* sk_err is written before the state change that woke us. */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

/**
 * ltcp_ioctl() - proto.ioctl: SIOCINQ, SIOCOUTQ, SIOCOUTQNSD, SIOCATMARK
 * @sk: the socket
 * @cmd: the request
 * @arg: user pointer to an int
 *
 * Return: 0, -EINVAL on a listener, or -ENOIOCTLCMD.
 */
int ltcp_ioctl(struct sock *sk, int cmd, unsigned long arg)
{
	struct tcp_sock *tp = tcp_sk(sk);
	int answ;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		answ = ltcp_inq(sk);
		release_sock(sk);
		break;
	case SIOCOUTQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
		break;
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt);
		break;
	case SIOCATMARK:
		/* Is the next byte to read the urgent one (tcp(7))? */
		answ = READ_ONCE(tp->urg_data) &&
		       READ_ONCE(tp->urg_seq) == READ_ONCE(tp->copied_seq);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(answ, (int __user *)arg);
}
