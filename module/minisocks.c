// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp's small sockets: request sockets (a connection in SYN-RECEIVED, before
 * a full socket exists) and TIME-WAIT sockets (a closed connection that still
 * answers its peer for 2 MSL), both kept in tcp_hashinfo's established hash
 * through the generic inet_connection_sock and inet_timewait_sock helpers.
 */
#include <linux/module.h>
#include <net/inet_common.h>
#include <net/inet_connection_sock.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/ip.h>
#include <net/request_sock.h>
#include <net/tcp.h>

#include "ltcp.h"

/**
 * struct ltcp_timewait_sock - what TIME-WAIT needs of a closed connection
 * @tw: the generic TIME-WAIT socket
 * @rcv_nxt: the next sequence number expected from the peer
 * @snd_nxt: our next sequence number
 * @rcv_wnd: the window last advertised, already scaled down
 * @ts_recent: the peer's last timestamp value
 * @ts_recent_stamp: when it came, in seconds (ktime_get_seconds())
 * @ts_offset: our timestamp clock offset
 * @tstamp_ok: the connection used timestamps
 * @last_oow_ack_time: when an ACK last answered a bare segment outside
 *	the window, in jiffies (0: never; RFC 5961 section 7)
 */
struct ltcp_timewait_sock {
	struct inet_timewait_sock tw;
	u32 rcv_nxt;
	u32 snd_nxt;
	u16 rcv_wnd;
	u32 ts_recent;
	time64_t ts_recent_stamp;
	u32 ts_offset;
	u32 last_oow_ack_time;
	u8 tstamp_ok:1;
};

static struct ltcp_timewait_sock *ltcp_twsk(const struct inet_timewait_sock *tw)
{
	return (struct ltcp_timewait_sock *)tw;
}

static int ltcp_send_synack(const struct sock *sk, struct request_sock *req)
{
	ltcp_rsk(req)->synack_us = tcp_clock_us();
	TCP_INC_STATS(sock_net(sk), TCP_MIB_OUTSEGS);
	if (req->rsk_ops->family == AF_INET6)
		return ltcp_v6_send_synack(sk, NULL, req);
	return ltcp_v4_send_synack(sk, NULL, req);
}

/*
 * The generic request timer retransmits the SYN-ACK through this, with
 * req->num_timeout the timeouts before this one. After the listener's
 * TCP_SYNCNT or net.ltcp.synack_retries retransmissions it fails, and the
 * timer drops the request (ltcp_listen() keeps the timer's own limit out
 * of the way).
 */
static int ltcp_rtx_synack(const struct sock *sk, struct request_sock *req)
{
	int max = ltcp_sk(sk)->syn_retries ? :
		  READ_ONCE(ltcp_net(sock_net(sk))->synack_retries);

	if (req->num_timeout >= max)
		return -ETIMEDOUT;
	req->num_retrans++;
	TCP_INC_STATS(sock_net(sk), TCP_MIB_RETRANSSEGS);
	return ltcp_send_synack(sk, req);
}

static void ltcp_syn_ack_timeout(const struct request_sock *req)
{
}

static void ltcp_reqsk_destructor(struct request_sock *req)
{
	kfree(rcu_dereference_protected(inet_rsk(req)->ireq_opt, 1));
}

/* Requests that came over IPv4 (also to an IPv6 listener: the child is
 * v4-mapped) and over IPv6; one slab each, as each proto makes its own.
 */
struct request_sock_ops ltcp_request_sock_ops __read_mostly = {
	.family		= PF_INET,
	.obj_size	= sizeof(struct ltcp_request_sock),
	.rtx_syn_ack	= ltcp_rtx_synack,
	.destructor	= ltcp_reqsk_destructor,
	.syn_ack_timeout = ltcp_syn_ack_timeout,
};

struct request_sock_ops ltcp6_request_sock_ops __read_mostly = {
	.family		= PF_INET6,
	.obj_size	= sizeof(struct ltcp_request_sock),
	.rtx_syn_ack	= ltcp_rtx_synack,
	.destructor	= ltcp_reqsk_destructor,
	.syn_ack_timeout = ltcp_syn_ack_timeout,
};

static bool ltcp_tw_loopback(const struct inet_timewait_sock *tw)
{
	if (tw->tw_family == AF_INET6 &&
	    !ipv6_addr_v4mapped(&tw->tw_v6_daddr))
		return ipv6_addr_loopback(&tw->tw_v6_daddr) ||
		       ipv6_addr_loopback(&tw->tw_v6_rcv_saddr);
	return ipv4_is_loopback(tw->tw_daddr) ||
	       ipv4_is_loopback(tw->tw_rcv_saddr);
}

/*
 * connect() met a TIME-WAIT socket of the 4-tuple it wants: may it take
 * the 4-tuple over? net.ltcp.tw_reuse, as Linux's tcp_tw_reuse: never (0),
 * always (1) or on loopback (2), and only when the old connection used
 * timestamps and the peer's last one came in an earlier second (a
 * timestamp clock ticks at least once a second, RFC 7323 5.4: whatever
 * the peer sends now is newer). Old duplicates are then told from the new
 * connection by their timestamps (PAWS, RFC 7323 5; ours grow per address
 * pair, so the new SYN's is larger, as RFC 6191 asks of a SYN to a
 * TIME-WAIT), and the new sequence numbers start beyond the old
 * connection's last window. The caller (with the
 * hash bucket locked) unhashes and releases @sktw; it needs a reference.
 *
 * Return: 1 to reuse the 4-tuple, 0 to look for another port.
 */
static int ltcp_twsk_unique(struct sock *sk, struct sock *sktw, void *twp)
{
	int reuse = READ_ONCE(ltcp_net(sock_net(sk))->tw_reuse_mode);
	struct inet_timewait_sock *tw = inet_twsk(sktw);
	struct ltcp_timewait_sock *ltw = ltcp_twsk(tw);
	struct tcp_sock *tp = tcp_sk(sk);

	if (!reuse || (reuse == 2 && !ltcp_tw_loopback(tw)))
		return 0;
	if (!ltw->tstamp_ok || ktime_get_seconds() <= ltw->ts_recent_stamp)
		return 0;
	/* The old window may still hold segments: start past it. */
	tp->write_seq = ltw->snd_nxt + 65535 + 2;
	if (!tp->write_seq)
		tp->write_seq = 1;
	tp->rx_opt.ts_recent = ltw->ts_recent;
	tp->rx_opt.ts_recent_stamp = ltw->ts_recent_stamp;
	sock_hold(sktw);
	return 1;
}

struct timewait_sock_ops ltcp_timewait_sock_ops = {
	.twsk_obj_size	= sizeof(struct ltcp_timewait_sock),
	.twsk_unique	= ltcp_twsk_unique,
};

struct timewait_sock_ops ltcp6_timewait_sock_ops = {
	.twsk_obj_size	= sizeof(struct ltcp_timewait_sock),
	.twsk_unique	= ltcp_twsk_unique,
};

/**
 * ltcp_conn_request() - a SYN reached a listener: RFC 9293 3.10.7.2
 * @sk: the listener, bh-locked
 * @skb: the SYN (validated; seq in LTCP_SKB_CB)
 *
 * Makes a request socket, hashes it, sends the SYN-ACK. Without SYN
 * cookies a full queue drops the SYN and lets the peer retry.
 *
 * Return: 0.
 */
int ltcp_conn_request(struct sock *sk, struct sk_buff *skb)
{
	const struct tcphdr *th = tcp_hdr(skb);
	bool v6 = ltcp_skb_v6(skb);
	struct inet_request_sock *ireq;
	struct ltcp_request_sock *lreq;
	struct request_sock *req;
	struct ltcp_options opt;
	int max_backlog;

	if (inet_csk_reqsk_queue_is_full(sk) || sk_acceptq_is_full(sk))
		return 0;
	/* net.ltcp.max_syn_backlog, by Linux's rule for a listener without
	 * SYN cookies: the last quarter stays free (Linux keeps it for peers
	 * proven alive; ltcp keeps no such record).
	 */
	max_backlog = READ_ONCE(ltcp_net(sock_net(sk))->max_syn_backlog);
	if (max_backlog - inet_csk_reqsk_queue_len(sk) < (max_backlog >> 2))
		return 0;

	req = inet_reqsk_alloc(v6 ? &ltcp6_request_sock_ops :
				    &ltcp_request_sock_ops, sk, true);
	if (!req)
		return 0;
	ireq = inet_rsk(req);
	lreq = ltcp_rsk(req);

	ltcp_parse_options(th, &opt);
	ireq->ir_num = ntohs(th->dest);
	ireq->ir_rmt_port = th->source;
	ireq->ir_iif = inet_request_bound_dev_if(sk, skb);
	ireq->ir_mark = inet_request_mark(sk, skb);
	RCU_INIT_POINTER(ireq->ireq_opt, NULL);
	if (v6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ireq->ir_v6_rmt_addr = ip6h->saddr;
		ireq->ir_v6_loc_addr = ip6h->daddr;
		/* A link-local peer is reached on the interface it came
		 * in on.
		 */
		if (!sk->sk_bound_dev_if &&
		    ipv6_addr_type(&ireq->ir_v6_rmt_addr) & IPV6_ADDR_LINKLOCAL)
			ireq->ir_iif = inet6_iif(skb);
		lreq->snt_isn = ltcp_v6_isn(&ip6h->daddr, &ip6h->saddr,
					    th->dest, th->source);
		lreq->ts_offset = ltcp_v6_ts_offset(&ip6h->daddr,
						    &ip6h->saddr);
	} else {
		const struct iphdr *iph = ip_hdr(skb);

		sk_rcv_saddr_set(req_to_sk(req), iph->daddr);
		sk_daddr_set(req_to_sk(req), iph->saddr);
		lreq->snt_isn = ltcp_v4_isn(iph->daddr, iph->saddr, th->dest,
					    th->source);
		lreq->ts_offset = ltcp_v4_ts_offset(iph->daddr, iph->saddr);
	}

	lreq->rcv_isn = LTCP_SKB_CB(skb)->seq;
	lreq->mss = opt.mss;
	/* RFC 7323 2.2 and 3.2: an option is used only when both sides
	 * offered it, and we offer what net.ltcp allows.
	 */
	ireq->tstamp_ok = opt.saw_ts &&
			  READ_ONCE(ltcp_net(sock_net(sk))->timestamps);
	ireq->sack_ok = opt.sack_perm &&
			READ_ONCE(ltcp_net(sock_net(sk))->sack);
	ireq->ecn_ok = ltcp_ecn_req(sk, th);
	ireq->wscale_ok = opt.wscale_ok &&
			  READ_ONCE(ltcp_net(sock_net(sk))->window_scaling);
	if (ireq->wscale_ok) {
		ireq->snd_wscale = min_t(u8, opt.wscale, LTCP_MAX_WSCALE);
		ireq->rcv_wscale = ltcp_wscale_for(ltcp_rcvbuf_max(sk));
	}
	lreq->ts_recent = opt.saw_ts ? opt.tsval : 0;

	if (!inet_csk_reqsk_queue_hash_add(sk, req, LTCP_TIMEOUT_INIT)) {
		reqsk_free(req);
		return 0;
	}
	ltcp_send_synack(sk, req);
	reqsk_put(req);
	return 0;
}

static struct sock *ltcp_child_finish(struct sock *sk, struct sock *newsk,
				      struct sk_buff *skb,
				      struct request_sock *req,
				      struct dst_entry *dst);

/* An IPv6 child: its addresses and route from the request. */
static struct sock *ltcp_create_child6(struct sock *sk, struct sk_buff *skb,
				       struct request_sock *req)
{
	struct dst_entry *dst;
	struct sock *newsk;

	newsk = inet_csk_clone_lock(sk, req, GFP_ATOMIC);
	if (!newsk)
		return NULL;
	dst = ltcp_v6_child_init(sk, newsk, req, skb);
	if (!dst) {
		/* Nothing hashed yet: undo the clone as its caller would. */
		inet_csk_prepare_forced_close(newsk);
		inet_csk(newsk)->icsk_ca_ops = NULL;
		ltcp_sk(newsk)->ca_holder = NULL;
		ltcp_done(newsk);
		return NULL;
	}
	return ltcp_child_finish(sk, newsk, skb, req, dst);
}

/* The child of a listener: a full socket in SYN-RECEIVED made from @req. */
static struct sock *ltcp_create_child(struct sock *sk, struct sk_buff *skb,
				      struct request_sock *req)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct inet_sock *newinet;
	struct dst_entry *dst;
	struct sock *newsk;

	if (req->rsk_ops->family == AF_INET6)
		return ltcp_create_child6(sk, skb, req);

	dst = inet_csk_route_req(sk, &inet_sk(sk)->cork.fl.u.ip4, req);
	if (!dst)
		return NULL;
	newsk = inet_csk_clone_lock(sk, req, GFP_ATOMIC);
	if (!newsk) {
		dst_release(dst);
		return NULL;
	}
	newinet = inet_sk(newsk);
	newinet->inet_daddr = ireq->ir_rmt_addr;
	newinet->inet_rcv_saddr = ireq->ir_loc_addr;
	newinet->inet_saddr = ireq->ir_loc_addr;
	newinet->inet_opt = NULL;
	newinet->mc_index = inet_iif(skb);
	newinet->mc_ttl = ip_hdr(skb)->ttl;
	newsk->sk_gso_type = SKB_GSO_TCPV4;
	if (sk->sk_family == AF_INET6)
		/* An IPv4 connection to an IPv6 listener: v4-mapped. */
		ltcp_v6_mapped_child(sk, newsk, skb);
	return ltcp_child_finish(sk, newsk, skb, req, dst);
}

/* What every child needs, whatever its family; @newsk is bh-locked. */
static struct sock *ltcp_child_finish(struct sock *sk, struct sock *newsk,
				      struct sk_buff *skb,
				      struct request_sock *req,
				      struct dst_entry *dst)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct ltcp_request_sock *lreq = ltcp_rsk(req);
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	struct inet_sock *newinet = inet_sk(newsk);
	struct ltcp_sock *newlsk = ltcp_sk(newsk);
	struct tcp_sock *newtp = tcp_sk(newsk);
	bool found_dup = false;

	atomic_set(&newinet->inet_id, get_random_u16());
	sk_setup_caps(newsk, dst);
	sk_set_txhash(newsk);

	/* Fresh per-connection state: nothing of the listener's carries
	 * over but its settings.
	 */
	ltcp_init_xmit_timers(newsk);
	newlsk->send_head = NULL;
	newlsk->deferred = 0;
	atomic_set(&newlsk->backlog_mem, 0);
	newlsk->dupacks = 0;
	newlsk->in_recovery = 0;
	newlsk->undo_armed = 0;
	newlsk->undo_dsack_wait = 0;
	ltcp_rack_init(newsk);
	newtp->reordering = READ_ONCE(ltcp_net(sock_net(newsk))->reordering);
	newlsk->fin_queued = 0;
	newlsk->data_rcvtime = 0;
	inet_csk_exit_pingpong_mode(newsk);
	newlsk->ts_offset = lreq->ts_offset;
	newtp->out_of_order_queue = RB_ROOT;
	newtp->rcv_nxt = lreq->rcv_isn + 1;
	newtp->copied_seq = newtp->rcv_nxt;
	newtp->rcv_wup = newtp->rcv_nxt;
	/* The ACK that made the child is processed on it next and
	 * acknowledges our SYN: snd_una is still the ISN here.
	 */
	newtp->snd_una = lreq->snt_isn;
	newtp->snd_sml = newtp->snd_una;
	newtp->snd_nxt = lreq->snt_isn + 1;
	newtp->snd_sml = newtp->snd_nxt;
	newtp->snd_up = newtp->snd_nxt;
	newtp->write_seq = newtp->snd_nxt;
	newtp->pushed_seq = newtp->snd_nxt;
	newtp->snd_wl1 = cb->seq - 1;
	newtp->advmss = dst_metric_advmss(dst);
	if (tcp_sk(sk)->rx_opt.user_mss &&
	    tcp_sk(sk)->rx_opt.user_mss < newtp->advmss)
		newtp->advmss = tcp_sk(sk)->rx_opt.user_mss;
	/* The window our SYN-ACK offered (unscaled, ltcp_make_synack()). */
	newtp->rcv_wnd = ltcp_synack_window(sk, req, newtp->advmss);
	inet_csk(newsk)->icsk_ack.rcv_mss = LTCP_MSS_DEFAULT;
	inet_csk(newsk)->icsk_rto = LTCP_TIMEOUT_INIT;
	newtp->rx_opt.tstamp_ok = ireq->tstamp_ok;
	newtp->rx_opt.sack_ok = ireq->sack_ok ? TCP_SACK_SEEN : 0;
	newtp->rx_opt.num_sacks = 0;
	newtp->rx_opt.dsack = 0;
	newtp->rx_opt.wscale_ok = ireq->wscale_ok;
	newtp->rx_opt.snd_wscale = ireq->wscale_ok ? ireq->snd_wscale : 0;
	newtp->rx_opt.rcv_wscale = ireq->wscale_ok ? ireq->rcv_wscale : 0;
	newtp->rx_opt.ts_recent = lreq->ts_recent;
	newtp->rx_opt.ts_recent_stamp = ktime_get_seconds();
	newtp->rx_opt.mss_clamp = lreq->mss ? lreq->mss : LTCP_MSS_DEFAULT;
	newtp->tcp_header_len = sizeof(struct tcphdr) +
				(ireq->tstamp_ok ? 12 : 0);
	newtp->total_retrans = 0;
	newtp->segs_in = 0;
	newtp->segs_out = 0;
	newtp->data_segs_in = 0;
	newtp->data_segs_out = 0;
	newtp->bytes_received = 0;
	newtp->rcv_ooopack = 0;
	newtp->dsack_dups = 0;
	newtp->bytes_acked = 0;
	newtp->packets_out = 0;
	newtp->retrans_out = 0;
	newtp->delivered = 0;
	newtp->delivered_ce = 0;
	newtp->ecn_flags = ireq->ecn_ok ? TCP_ECN_OK : 0;
	newtp->lost = 0;
	newtp->lost_out = 0;
	newtp->sacked_out = 0;
	newtp->app_limited = 0;
	newtp->rate_delivered = 0;
	newtp->rate_interval_us = 0;
	newtp->rate_app_limited = 1;	/* no rate sample yet (TCP_INFO) */
	ltcp_tx_stamp_reset(newsk);
	newtp->srtt_us = 0;
	ltcp_sync_mss(newsk, dst_mtu(dst));
	/* RFC 6298 2.2: the SYN-ACK and the ACK that completes the
	 * handshake are the first RTT measurement, unless the SYN-ACK was
	 * sent again (Karn's rule, 3). Without it the child's RTO stays at
	 * the initial 1 s, and an orphan takes minutes to give up.
	 */
	if (!req->num_retrans)
		ltcp_rtt_sample(newsk,
				(u32)(tcp_clock_us() - lreq->synack_us));

	/* The listener's congestion control, held by a reference of the
	 * child's own (the clone copied the pointer, not a reference),
	 * before anything below can destroy the child.
	 */
	ltcp_cong_inherit(newsk);

	if (__inet_inherit_port(sk, newsk) < 0)
		goto put_and_exit;
	if (!inet_ehash_nolisten(newsk, req_to_sk(req), &found_dup)) {
		/* Another CPU completed this handshake first. The call
		 * destroyed the child; the clone's lock (taken in
		 * inet_csk_clone_lock()) and reference remain.
		 */
		__acquire(&newsk->sk_lock.slock);
		bh_unlock_sock(newsk);
		sock_put(newsk);
		return NULL;
	}
	/* RFC 4022 tcpPassiveOpens, counted as Linux does: when the
	 * handshake's last ACK makes the connection.
	 */
	TCP_INC_STATS(sock_net(sk), TCP_MIB_PASSIVEOPENS);
	return newsk;

put_and_exit:
	newinet->inet_opt = NULL;
	inet_csk_prepare_forced_close(newsk);
	ltcp_done(newsk);
	return NULL;
}

/**
 * ltcp_req_err() - an ICMP or ICMPv6 error about a request socket's
 *	SYN-ACK
 * @sk: the request socket (TCP_NEW_SYN_RECV), its lookup reference ours
 * @seq: the quoted sequence number
 * @abort: the error is one that ends a handshake
 *
 * As Linux: a quote of anything but the SYN-ACK is counted and ignored
 * (RFC 5927 4.1); a hard error drops the request silently (the accept
 * queue has nobody to tell, POSIX wants no network errors from accept();
 * a retransmitted SYN starts afresh) and counts as a listen drop.
 */
void ltcp_req_err(struct sock *sk, u32 seq, bool abort)
{
	struct request_sock *req = inet_reqsk(sk);
	struct net *net = sock_net(sk);

	if (seq != ltcp_rsk(req)->snt_isn) {
		__NET_INC_STATS(net, LINUX_MIB_OUTOFWINDOWICMPS);
	} else if (abort) {
		inet_csk_reqsk_queue_drop(req->rsk_listener, req);
		atomic_inc(&req->rsk_listener->sk_drops);
		__NET_INC_STATS(net, LINUX_MIB_LISTENDROPS);
	}
	reqsk_put(req);
}

/**
 * ltcp_check_req() - a segment for a connection in SYN-RECEIVED
 * @sk: the listener (a reference held by the caller)
 * @skb: the segment, validated
 * @req: the request socket it matched
 *
 * RFC 9293 3.10.7.4 for SYN-RECEIVED: a retransmitted SYN gets the SYN-ACK
 * again, an in-window RST drops the request, an acceptable ACK makes the
 * full socket and queues it for accept().
 *
 * Return: the new child, bh-locked and referenced, or NULL.
 */
struct sock *ltcp_check_req(struct sock *sk, struct sk_buff *skb,
			    struct request_sock *req)
{
	struct ltcp_request_sock *lreq = ltcp_rsk(req);
	struct ltcp_skb_cb *cb = LTCP_SKB_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct sock *child;

	if (sk->sk_state != TCP_LISTEN) {
		inet_csk_reqsk_queue_drop(sk, req);
		return NULL;
	}
	if (th->rst) {
		/* RFC 5961 3.2: only an exact match resets. */
		if (cb->seq == lreq->rcv_isn + 1 &&
		    inet_csk_reqsk_queue_drop(sk, req))
			/* RFC 4022: SYN-RCVD back to LISTEN. */
			TCP_INC_STATS(sock_net(sk), TCP_MIB_ATTEMPTFAILS);
		return NULL;
	}
	if (th->syn) {
		/* Answered whatever the retransmission limit. */
		if (cb->seq == lreq->rcv_isn) {
			req->num_retrans++;
			TCP_INC_STATS(sock_net(sk), TCP_MIB_RETRANSSEGS);
			ltcp_send_synack(sk, req);
		}
		return NULL;
	}
	if (!th->ack)
		return NULL;
	if (cb->ack_seq != lreq->snt_isn + 1) {
		ltcp_send_reset(sk, skb);
		return NULL;
	}
	if (cb->seq != lreq->rcv_isn + 1)
		return NULL;
	/* TCP_DEFER_ACCEPT: a bare ACK does not make the connection until
	 * the SYN-ACKs of the deferral are spent; the request waits for
	 * data (the generic request timer stops resending the SYN-ACK
	 * while "acked" is set, and resends it at the end).
	 */
	if (cb->end_seq == cb->seq &&
	    req->num_timeout <
	    READ_ONCE(inet_csk(sk)->icsk_accept_queue.rskq_defer_accept)) {
		inet_rsk(req)->acked = 1;
		__NET_INC_STATS(sock_net(sk), LINUX_MIB_TCPDEFERACCEPTDROP);
		return NULL;
	}

	child = ltcp_create_child(sk, skb, req);
	if (!child) {
		inet_csk_reqsk_queue_drop(sk, req);
		return NULL;
	}
	sock_rps_save_rxhash(child, skb);
	return inet_csk_complete_hashdance(sk, child, req, true);
}

/**
 * ltcp_time_wait() - move a closing connection into TIME-WAIT
 * @sk: the socket, which ltcp_done() then releases
 * @state: TCP_TIME_WAIT
 * @timeo: how long to stay, in jiffies
 *
 * RFC 9293 3.10.7.4: TIME-WAIT lasts 2 MSL and acknowledges a retransmitted
 * FIN. A small inet_timewait_sock takes the full socket's place in the hash.
 */
void ltcp_time_wait(struct sock *sk, int state, int timeo)
{
	struct inet_timewait_sock *tw;
	struct tcp_sock *tp = tcp_sk(sk);

	tw = inet_twsk_alloc(sk, &sock_net(sk)->ipv4.tcp_death_row, state);
	if (tw) {
		struct ltcp_timewait_sock *ltw = ltcp_twsk(tw);

		ltw->rcv_nxt = tp->rcv_nxt;
		ltw->snd_nxt = tp->snd_nxt;
		ltw->rcv_wnd = ltcp_select_window(sk);
		ltw->ts_recent = tp->rx_opt.ts_recent;
		ltw->ts_recent_stamp = tp->rx_opt.ts_recent_stamp;
		ltw->ts_offset = ltcp_sk(sk)->ts_offset;
		ltw->tstamp_ok = tp->rx_opt.tstamp_ok;
		ltw->last_oow_ack_time = 0;
		if (tw->tw_family == AF_INET6) {
			/* The lookups of IPv6 segments match these. */
			tw->tw_v6_daddr = sk->sk_v6_daddr;
			tw->tw_v6_rcv_saddr = sk->sk_v6_rcv_saddr;
			tw->tw_tclass = inet6_sk(sk)->tclass;
			tw->tw_ipv6only = sk->sk_ipv6only;
		}
		local_bh_disable();
		inet_twsk_schedule(tw, timeo);
		/* After the hash dance the hash and the timer own tw. */
		inet_twsk_hashdance(tw, sk, ltcp_hashinfo(sock_net(sk)));
		local_bh_enable();
	}
	/* Without memory for it, TIME-WAIT is skipped, as Linux does. */
	ltcp_done(sk);
}

/**
 * ltcp_tw_rcv() - a segment for a connection in TIME-WAIT
 * @tw: the TIME-WAIT socket; the caller's reference is consumed
 * @skb: the segment, validated; consumed
 *
 * RFC 9293 3.10.7.4: a RST ends TIME-WAIT (Linux's default, not RFC 1337's
 * choice) if its sequence number is exactly the next expected one (RFC 5961
 * 3.2; any other RST is dropped, as Linux does). A bare ACK at RCV.NXT is
 * acceptable and asks for nothing: no answer (an ACK for an ACK, and two
 * TIME-WAIT sockets would answer each other for 2 MSL). Anything else is
 * acknowledged, a bare segment outside the window at most once per
 * net.ipv4.tcp_invalid_ratelimit (RFC 5961 section 7), and a retransmitted
 * FIN restarts the 2 MSL timer.
 */
void ltcp_tw_rcv(struct inet_timewait_sock *tw, struct sk_buff *skb)
{
	struct ltcp_timewait_sock *ltw = ltcp_twsk(tw);
	const struct tcphdr *th = tcp_hdr(skb);
	struct ltcp_options opt;

	if (th->rst) {
		if (LTCP_SKB_CB(skb)->seq == ltw->rcv_nxt)
			/* Unhashes it, drops the caller's reference too. */
			inet_twsk_deschedule_put(tw);
		else
			inet_twsk_put(tw);
		kfree_skb(skb);
		return;
	}
	ltcp_parse_options(th, &opt);
	if (th->fin && LTCP_SKB_CB(skb)->end_seq == ltw->rcv_nxt)
		inet_twsk_reschedule(tw, LTCP_TIMEWAIT_LEN);
	if (opt.saw_ts && ltw->tstamp_ok) {
		ltw->ts_recent = opt.tsval;
		ltw->ts_recent_stamp = ktime_get_seconds();
	}
	if ((LTCP_SKB_CB(skb)->seq == ltw->rcv_nxt &&
	     LTCP_SKB_CB(skb)->end_seq == ltw->rcv_nxt) ||
	    ltcp_oow_rate_limited(twsk_net(tw), skb,
				  LINUX_MIB_TCPACKSKIPPEDTIMEWAIT,
				  &ltw->last_oow_ack_time)) {
		inet_twsk_put(tw);
		kfree_skb(skb);
		return;
	}
	ltcp_send_reply_ack(twsk_net(tw), skb, ltw->snd_nxt, ltw->rcv_nxt,
			    ltw->rcv_wnd, ltcp_ts_now() + ltw->ts_offset,
			    ltw->ts_recent, ltw->tstamp_ok);
	inet_twsk_put(tw);
	kfree_skb(skb);
}
