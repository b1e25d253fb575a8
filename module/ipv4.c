// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp over IPv4: receive demux, ICMP errors, the transmit path, connect()
 * and initial sequence numbers.
 *
 * Demux (Documentation/design.rst): ltcp interposes on the IPPROTO_TCP slot
 * of inet_protos. Every TCP segment is looked up in the hash tables ltcp
 * shares with the kernel's TCP (ltcp_hashinfo()), unless early demux found
 * its socket already; a segment whose socket is ltcp's is handled here, every other
 * one goes to the saved original handler, with the kernel's socket
 * attached when the lookup found one (ltcp_pass_sk()).
 */
#include <linux/module.h>
#include <linux/siphash.h>
#include <net/icmp.h>
#include <net/inet_common.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/protocol.h>
#include <net/route.h>
#include <net/tcp.h>

#include "ltcp.h"

static const struct net_protocol *ltcp_v4_orig;
static siphash_key_t ltcp_isn_key __read_mostly;

/*
 * RFC 6528 section 3: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), M a 4 microsecond timer, F a keyed hash.
 */
u32 ltcp_v4_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 hash;

	net_get_random_once(&ltcp_isn_key, sizeof(ltcp_isn_key));
	hash = siphash_3u32((__force u32)saddr, (__force u32)daddr,
			    (__force u32)sport << 16 | (__force u32)dport,
			    &ltcp_isn_key);
	return hash + (u32)(ktime_get_real_ns() >> 12);
}

/* RFC 7323 section 5.4: a per-connection offset for the timestamp clock. */
u32 ltcp_v4_ts_offset(__be32 saddr, __be32 daddr)
{
	net_get_random_once(&ltcp_isn_key, sizeof(ltcp_isn_key));
	return siphash_2u32((__force u32)saddr, (__force u32)daddr,
			    &ltcp_isn_key);
}

/*
 * Hand a segment to IP: build the IPv4 header here, since the generic
 * __ip_queue_xmit() writes sk->sk_protocol (IPPROTO_LTCP) into it.
 * @skb has its TCP header pushed and a route attached.
 */
static int ltcp_v4_output(struct net *net, struct sock *sk,
			  struct sk_buff *skb, __be32 saddr, __be32 daddr,
			  u8 tos, int ttl, bool df)
{
	struct dst_entry *dst = skb_dst(skb);
	struct iphdr *iph;

	skb_push(skb, sizeof(struct iphdr));
	skb_reset_network_header(skb);
	iph = ip_hdr(skb);
	*((__be16 *)iph) = htons((4 << 12) | (5 << 8) | tos);
	iph->frag_off = df ? htons(IP_DF) : 0;
	iph->ttl = ttl > 0 ? ttl : ip4_dst_hoplimit(dst);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = saddr;
	iph->daddr = daddr;
	iph->tot_len = 0;	/* __ip_local_out() sets it */
	ip_select_ident_segs(net, skb, sk, 1);
	memset(IPCB(skb), 0, sizeof(struct inet_skb_parm));
	skb->protocol = htons(ETH_P_IP);
	return ip_local_out(net, sk, skb);
}

static void ltcp_v4_set_csum(struct sk_buff *skb, __be32 saddr, __be32 daddr)
{
	struct tcphdr *th = tcp_hdr(skb);

	th->check = ~csum_tcpudp_magic(saddr, daddr, skb->len, IPPROTO_TCP, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
}

/**
 * ltcp_v4_xmit() - send one segment of a connected socket
 * @sk: the socket, owned by the caller
 * @skb: the segment, TCP header pushed and filled but for the checksum
 *
 * Return: 0 or a negative errno (the skb is consumed either way).
 */
int ltcp_v4_xmit(struct sock *sk, struct sk_buff *skb)
{
	struct inet_sock *inet = inet_sk(sk);
	struct net *net = sock_net(sk);
	struct rtable *rt;
	bool df;
	int err;

	rt = (struct rtable *)__sk_dst_check(sk, 0);
	if (!rt) {
		struct flowi4 fl4;

		rt = ip_route_output_ports(net, &fl4, sk, inet->inet_daddr,
					   inet->inet_saddr, inet->inet_dport,
					   inet->inet_sport, IPPROTO_TCP,
					   RT_CONN_FLAGS(sk),
					   sk->sk_bound_dev_if);
		if (IS_ERR(rt)) {
			kfree_skb(skb);
			sk->sk_err_soft = EHOSTUNREACH;
			return PTR_ERR(rt);
		}
		sk_setup_caps(sk, &rt->dst);
	}
	/* A reference-less route on the skb: skb_dst_set_noref() wants an
	 * RCU read side for as long as the skb may use it (the socket's
	 * sk_dst_cache reference keeps it too, but only by our owning the
	 * socket), as ip_queue_xmit() holds one around the send.
	 */
	rcu_read_lock();
	skb_dst_set_noref(skb, &rt->dst);
	ltcp_v4_set_csum(skb, inet->inet_saddr, inet->inet_daddr);
	skb->priority = sk->sk_priority;
	skb->mark = sk->sk_mark;
	df = inet->pmtudisc >= IP_PMTUDISC_DO ||
	     (inet->pmtudisc == IP_PMTUDISC_WANT &&
	      !(dst_metric_locked(&rt->dst, RTAX_MTU)));
	err = ltcp_v4_output(net, sk, skb, inet->inet_saddr, inet->inet_daddr,
			     inet->tos, inet->uc_ttl, df);
	rcu_read_unlock();
	return err;
}

/**
 * ltcp_v4_send_reply() - send a reply that has no full socket behind it
 *	(RST, an ACK from TIME-WAIT) back to where @rx came from
 * @net: the namespace
 * @rx: the segment answered
 * @skb: the reply, TCP header built
 */
void ltcp_v4_send_reply(struct net *net, struct sk_buff *rx,
			struct sk_buff *skb)
{
	const struct iphdr *rxh = ip_hdr(rx);
	struct rtable *rt;
	struct flowi4 fl4;

	flowi4_init_output(&fl4, inet_iif(rx), rx->mark, RT_TOS(rxh->tos),
			   RT_SCOPE_UNIVERSE, IPPROTO_TCP,
			   0, rxh->saddr,
			   rxh->daddr, tcp_hdr(skb)->dest, tcp_hdr(skb)->source,
			   sock_net_uid(net, NULL));
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt)) {
		kfree_skb(skb);
		return;
	}
	skb_dst_set(skb, &rt->dst);
	ltcp_v4_set_csum(skb, rxh->daddr, rxh->saddr);
	ltcp_v4_output(net, NULL, skb, rxh->daddr, rxh->saddr, 0, 0, true);
}

/**
 * ltcp_v4_send_synack() - send a SYN-ACK for a request socket
 * @sk: the listener
 * @dst: a route to use, or NULL to look one up
 * @req: the request socket
 *
 * Return: 0 or a negative errno.
 */
int ltcp_v4_send_synack(const struct sock *sk, struct dst_entry *dst,
			struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);
	struct flowi4 fl4;
	struct sk_buff *skb;
	int err;

	if (!dst) {
		dst = inet_csk_route_req(sk, &fl4, req);
		if (!dst)
			return -EHOSTUNREACH;
	}
	skb = ltcp_make_synack(sk, req, dst);
	if (!skb) {
		dst_release(dst);
		return -ENOMEM;
	}
	skb_dst_set(skb, dst);
	ltcp_v4_set_csum(skb, ireq->ir_loc_addr, ireq->ir_rmt_addr);
	skb->mark = ireq->ir_mark;
	/* net_xmit_eval() is a macro that evaluates its argument twice. */
	err = ltcp_v4_output(sock_net(sk), NULL, skb, ireq->ir_loc_addr,
			     ireq->ir_rmt_addr, inet_sk(sk)->tos, 0, true);
	return net_xmit_eval(err);
}

/**
 * ltcp_v4_connect() - the IPv4 half of connect(): route, source address
 *	and port, ISN; then the SYN
 * @sk: the socket, owned by the caller, in TCP_CLOSE
 * @uaddr: the destination
 * @addr_len: its length
 *
 * Return: 0 or a negative errno.
 */
int ltcp_v4_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in *usin = (struct sockaddr_in *)uaddr;
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	__be16 orig_sport, orig_dport;
	struct rtable *rt, *nrt;
	struct flowi4 *fl4;
	int err;

	if (addr_len < sizeof(struct sockaddr_in))
		return -EINVAL;
	if (usin->sin_family != AF_INET)
		return -EAFNOSUPPORT;

	orig_sport = inet->inet_sport;
	orig_dport = usin->sin_port;
	fl4 = &inet->cork.fl.u.ip4;
	rt = ip_route_connect(fl4, usin->sin_addr.s_addr, inet->inet_saddr,
			      sk->sk_bound_dev_if, IPPROTO_TCP, orig_sport,
			      orig_dport, sk);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST)) {
		ip_rt_put(rt);
		return -ENETUNREACH;
	}
	if (!inet->inet_saddr) {
		err = inet_bhash2_update_saddr(sk, &fl4->saddr, AF_INET);
		if (err) {
			ip_rt_put(rt);
			return err;
		}
	} else {
		sk_rcv_saddr_set(sk, inet->inet_saddr);
	}
	inet->inet_dport = usin->sin_port;
	sk_daddr_set(sk, usin->sin_addr.s_addr);
	inet_csk(sk)->icsk_ext_hdr_len = 0;

	ltcp_set_state(sk, TCP_SYN_SENT);
	/* Source port and the established hash, with the kernel's rules
	 * for ephemeral ports and TIME-WAIT reuse; then the route again,
	 * now that the ports are known.
	 */
	err = inet_hash_connect(&net->ipv4.tcp_death_row, sk);
	if (err)
		goto failure;
	nrt = ip_route_newports(fl4, rt, orig_sport, orig_dport,
				inet->inet_sport, inet->inet_dport, sk);
	rt = NULL;	/* released or taken over by the call */
	if (IS_ERR(nrt)) {
		err = PTR_ERR(nrt);
		goto failure;
	}
	sk->sk_gso_type = SKB_GSO_TCPV4;
	sk_setup_caps(sk, &nrt->dst);
	sk_set_txhash(sk);

	if (!tp->write_seq)
		tp->write_seq = ltcp_v4_isn(inet->inet_saddr, inet->inet_daddr,
					    inet->inet_sport,
					    usin->sin_port);
	ltcp_sk(sk)->ts_offset = ltcp_v4_ts_offset(inet->inet_saddr,
						   inet->inet_daddr);
	atomic_set(&inet->inet_id, get_random_u16());

	err = ltcp_connect_init(sk);
	if (err)
		goto failure;
	return 0;

failure:
	ltcp_set_state(sk, TCP_CLOSE);
	inet_bhash2_reset_saddr(sk);
	ip_rt_put(rt);
	sk->sk_route_caps = 0;
	inet->inet_dport = 0;
	return err;
}

static int ltcp_v4_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct tcphdr *th;
	const struct iphdr *iph;
	bool refcounted;
	struct sock *sk;

	if (skb->pkt_type != PACKET_HOST ||
	    !pskb_may_pull(skb, sizeof(struct tcphdr)))
		goto pass;
	th = (const struct tcphdr *)skb->data;
	if (th->doff < sizeof(struct tcphdr) / 4)
		goto pass;
	if (skb->sk) {
		sk = ltcp_attached_sk(skb, &refcounted);
		if (!sk)
			goto pass;
		goto ours;
	}
	iph = ip_hdr(skb);
	sk = __inet_lookup(net, ltcp_hashinfo(net), skb, __tcp_hdrlen(th),
			   iph->saddr, th->source, iph->daddr, th->dest,
			   inet_iif(skb), inet_sdif(skb), &refcounted);
	if (!sk)
		goto pass;
	if (!ltcp_sk_is_ours(sk)) {
		ltcp_pass_sk(skb, sk, refcounted);
		goto pass;
	}
ours:
	ltcp_rcv_sk(sk, skb, refcounted);
	return 0;

pass:
	return ltcp_v4_orig->handler(skb);
}

/*
 * ICMP errors about ltcp's connections (RFC 9293 3.10.7 / RFC 1122
 * 4.2.3.9: hard errors abort a connection in SYN-SENT, soft errors are
 * remembered; RFC 1191 for "fragmentation needed").
 */
/**
 * ltcp_v4_mtu_reduced() - act on a "fragmentation needed" for @sk
 * @sk: the socket, owned by the caller or bh-locked and not owned
 *
 * RFC 1191: the route learns the MTU in tcp_sock.mtu_info (the generic
 * inet_csk code keeps it for the destination), and when it is below the
 * one the MSS was derived from, ltcp resends at the new size.
 */
void ltcp_v4_mtu_reduced(struct sock *sk)
{
	u32 said = READ_ONCE(tcp_sk(sk)->mtu_info), route_mtu;
	bool sized_by_path;
	struct dst_entry *dst;

	if (sk->sk_state == TCP_LISTEN || sk->sk_state == TCP_CLOSE)
		return;
	/* The route learns the MTU whatever the socket says; a socket set
	 * to IP_PMTUDISC_DONT, _INTERFACE or _OMIT (ip(7)) does not size
	 * its segments by it at once.
	 */
	dst = inet_csk_update_pmtu(sk, said);
	if (!dst)
		return;
	route_mtu = dst_mtu(dst);
	sized_by_path = ip_sk_accept_pmtu(sk) &&
			inet_sk(sk)->pmtudisc != IP_PMTUDISC_DONT;
	/* Below the route's minimum the route keeps its own (552): what
	 * goes out with DF may still be too big for the hop that spoke,
	 * the error a timeout then reports (Linux's soft error).
	 */
	if (ip_dont_fragment(sk, dst) && said < route_mtu)
		WRITE_ONCE(sk->sk_err_soft, EMSGSIZE);
	if (sized_by_path && route_mtu < inet_csk(sk)->icsk_pmtu_cookie)
		ltcp_mtu_reduced(sk, route_mtu);
}

static int ltcp_v4_err(struct sk_buff *icmp_skb, u32 info)
{
	const struct iphdr *iph = (const struct iphdr *)icmp_skb->data;
	const int type = icmp_hdr(icmp_skb)->type;
	const int code = icmp_hdr(icmp_skb)->code;
	struct net *net = dev_net(icmp_skb->dev);
	const struct tcphdr *th;
	struct sock *sk;
	int err;

	if (!pskb_may_pull(icmp_skb, iph->ihl * 4 + 8))
		return ltcp_v4_orig->err_handler(icmp_skb, info);
	iph = (const struct iphdr *)icmp_skb->data;
	th = (const struct tcphdr *)(icmp_skb->data + (iph->ihl << 2));
	sk = __inet_lookup_established(net, ltcp_hashinfo(net), iph->daddr,
				       th->dest, iph->saddr, ntohs(th->source),
				       inet_iif(icmp_skb), 0);
	if (!sk)
		return ltcp_v4_orig->err_handler(icmp_skb, info);
	if (!ltcp_sk_is_ours(sk)) {
		sock_gen_put(sk);
		return ltcp_v4_orig->err_handler(icmp_skb, info);
	}
	if (sk->sk_state == TCP_TIME_WAIT) {
		sock_gen_put(sk);
		return 0;
	}
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		ltcp_req_err(sk, ntohl(th->seq),
			     type == ICMP_PARAMETERPROB ||
			     type == ICMP_TIME_EXCEEDED ||
			     (type == ICMP_DEST_UNREACH &&
			      (code == ICMP_NET_UNREACH ||
			       code == ICMP_HOST_UNREACH)));
		return 0;
	}

	bh_lock_sock(sk);
	/* TcpExtLockDroppedIcmps, as Linux counts it: the error waits in
	 * sk_err_soft (a lowered MTU for release_cb).
	 */
	if (sock_owned_by_user(sk) &&
	    !(type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED))
		__NET_INC_STATS(net, LINUX_MIB_LOCKDROPPEDICMPS);
	if (sk->sk_state == TCP_CLOSE)
		goto out;
	/* RFC 5927 4.1: the quoted segment must be one we sent and is not
	 * yet acknowledged, or a blind attacker could end connections.
	 */
	if (sk->sk_state != TCP_LISTEN &&
	    !ltcp_between(ntohl(th->seq), tcp_sk(sk)->snd_una,
			  tcp_sk(sk)->snd_nxt)) {
		/* TcpExtOutOfWindowIcmps, as nstat shows it for Linux. */
		__NET_INC_STATS(net, LINUX_MIB_OUTOFWINDOWICMPS);
		goto out;
	}
	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
		/* RFC 1191: lower the path MTU and resend at the new size;
		 * after the user's call when it holds the socket (a bulk
		 * writer mostly does: dropping the news would stall it).
		 */
		if (sk->sk_state == TCP_LISTEN)
			goto out;
		WRITE_ONCE(tcp_sk(sk)->mtu_info, info);
		if (!sock_owned_by_user(sk))
			ltcp_v4_mtu_reduced(sk);
		else
			set_bit(LTCP_DEFER_MTU_REDUCED, &ltcp_sk(sk)->deferred);
		goto out;
	}
	/* icmp_err_convert[] is indexed by the code of a destination
	 * unreachable message only: any other code may be anything.
	 */
	switch (type) {
	case ICMP_REDIRECT:
		/* The route the socket caches learns the new gateway. */
		if (!sock_owned_by_user(sk)) {
			struct dst_entry *dst = __sk_dst_check(sk, 0);

			if (dst)
				dst->ops->redirect(dst, sk, icmp_skb);
		}
		goto out;
	case ICMP_DEST_UNREACH:
		if (code > NR_ICMP_UNREACH)
			goto out;
		err = icmp_err_convert[code].errno;
		if ((code == ICMP_NET_UNREACH || code == ICMP_HOST_UNREACH) &&
		    !((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
			ltcp_icmp_unreachable(sk, ntohl(th->seq));
		break;
	case ICMP_PARAMETERPROB:
		err = EPROTO;
		break;
	case ICMP_TIME_EXCEEDED:
		err = EHOSTUNREACH;
		break;
	default:
		goto out;
	}
	ltcp_icmp_error(sk, err, inet_sk(sk)->recverr);
out:
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}

static struct net_protocol ltcp_v4_protocol = {
	.handler	= ltcp_v4_rcv,
	.err_handler	= ltcp_v4_err,
};

/**
 * ltcp_ipv4_init() - take over the IPPROTO_TCP receive slot
 *
 * The original handler stays reachable: segments that are not ltcp's go
 * to it. The slot is swapped only if it still holds what we read, so a
 * concurrent change is detected rather than overwritten.
 *
 * Return: 0 or -EBUSY.
 */
int ltcp_ipv4_init(void)
{
	const struct net_protocol *orig;

	orig = rcu_dereference_protected(inet_protos[IPPROTO_TCP], 1);
	if (!orig)
		return -EBUSY;
	ltcp_v4_orig = orig;
	ltcp_v4_protocol.no_policy = orig->no_policy;
	ltcp_v4_protocol.icmp_strict_tag_validation =
		orig->icmp_strict_tag_validation;
	if (cmpxchg((const struct net_protocol __force **)
		    &inet_protos[IPPROTO_TCP], orig, &ltcp_v4_protocol) != orig)
		return -EBUSY;
	return 0;
}

/**
 * ltcp_ipv4_exit() - give the IPPROTO_TCP slot back, exactly as it was
 */
void ltcp_ipv4_exit(void)
{
	const struct net_protocol *cur;

	cur = cmpxchg((const struct net_protocol __force **)
		      &inet_protos[IPPROTO_TCP], &ltcp_v4_protocol,
		      ltcp_v4_orig);
	WARN_ON_ONCE(cur != &ltcp_v4_protocol);
	/* No CPU may still be inside our handler when the text goes. */
	synchronize_net();
}
