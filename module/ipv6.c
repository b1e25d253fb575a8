// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp over IPv6: receive demux, ICMPv6 errors, the transmit path,
 * connect(), children of IPv6 listeners (native and v4-mapped) and initial
 * sequence numbers. The same design as ipv4.c: ltcp interposes on the
 * IPPROTO_TCP slot of inet6_protos and passes every segment that is not
 * ltcp's to the saved original handler.
 */
#include <linux/module.h>
#include <linux/siphash.h>
#include <net/addrconf.h>
#include <net/inet6_connection_sock.h>
#include <net/inet6_hashtables.h>
#include <net/inet_common.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/protocol.h>
#include <net/tcp.h>
#include <net/transp_v6.h>

#include "ltcp.h"

static const struct inet6_protocol *ltcp_v6_orig;
static siphash_key_t ltcp_v6_key __read_mostly;

/* 128 bits into the 64 a SipHash word takes: bytes, not host order. */
static u64 ltcp_v6_addr_fold(const struct in6_addr *a)
{
	u64 hi, lo;

	memcpy(&hi, &a->s6_addr[0], sizeof(hi));
	memcpy(&lo, &a->s6_addr[8], sizeof(lo));
	return hi ^ (lo << 1 | lo >> 63);
}

/**
 * ltcp_v6_isn() - RFC 6528 initial sequence number for an IPv6 4-tuple
 * @saddr: our address
 * @daddr: the peer's
 * @sport: our port
 * @dport: the peer's
 *
 * Return: a keyed hash of the 4-tuple plus a 4 microsecond clock.
 */
u32 ltcp_v6_isn(const struct in6_addr *saddr, const struct in6_addr *daddr,
		__be16 sport, __be16 dport)
{
	u64 hash;

	net_get_random_once(&ltcp_v6_key, sizeof(ltcp_v6_key));
	hash = siphash_3u64(ltcp_v6_addr_fold(saddr), ltcp_v6_addr_fold(daddr),
			    (u64)(__force u16)sport << 16 | (__force u16)dport,
			    &ltcp_v6_key);
	return (u32)hash + (u32)(ktime_get_real_ns() >> 12);
}

/**
 * ltcp_v6_ts_offset() - the timestamp clock offset of a connection
 *	(RFC 7323 5.4)
 * @saddr: our address
 * @daddr: the peer's
 *
 * Return: the offset.
 */
u32 ltcp_v6_ts_offset(const struct in6_addr *saddr,
		      const struct in6_addr *daddr)
{
	net_get_random_once(&ltcp_v6_key, sizeof(ltcp_v6_key));
	return (u32)siphash_2u64(ltcp_v6_addr_fold(saddr),
				 ltcp_v6_addr_fold(daddr), &ltcp_v6_key);
}

static void ltcp_v6_set_csum(struct sk_buff *skb, const struct in6_addr *saddr,
			     const struct in6_addr *daddr)
{
	struct tcphdr *th = tcp_hdr(skb);

	th->check = ~csum_ipv6_magic(saddr, daddr, skb->len, IPPROTO_TCP, 0);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_transport_header(skb) - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
}

/* The flow of a connected socket, for routing its segments. */
static void ltcp_v6_flow(const struct sock *sk, struct flowi6 *fl6)
{
	const struct ipv6_pinfo *np = inet6_sk(sk);
	const struct inet_sock *inet = inet_sk(sk);

	memset(fl6, 0, sizeof(*fl6));
	fl6->flowi6_proto = IPPROTO_TCP;
	fl6->daddr = sk->sk_v6_daddr;
	fl6->saddr = np->saddr;
	fl6->flowlabel = np->flow_label;
	fl6->flowi6_oif = sk->sk_bound_dev_if;
	fl6->flowi6_mark = sk->sk_mark;
	fl6->fl6_sport = inet->inet_sport;
	fl6->fl6_dport = inet->inet_dport;
	fl6->flowi6_uid = sk->sk_uid;
}

/**
 * ltcp_v6_xmit() - send one segment of a connected IPv6 socket
 * @sk: the socket, owned by the caller
 * @skb: the segment, TCP header filled but for the checksum
 *
 * ip6_xmit() takes the next header from the flow (IPPROTO_TCP), not from
 * sk->sk_protocol.
 *
 * Return: 0 or a negative errno (the skb is consumed either way).
 */
int ltcp_v6_xmit(struct sock *sk, struct sk_buff *skb)
{
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct dst_entry *dst;
	struct flowi6 fl6;
	int err;

	ltcp_v6_flow(sk, &fl6);
	dst = __sk_dst_check(sk, np->dst_cookie);
	if (!dst) {
		dst = ip6_dst_lookup_flow(sock_net(sk), sk, &fl6, NULL);
		if (IS_ERR(dst)) {
			kfree_skb(skb);
			sk->sk_err_soft = EHOSTUNREACH;
			return PTR_ERR(dst);
		}
		np->dst_cookie = rt6_get_cookie((struct rt6_info *)dst);
		sk_setup_caps(sk, dst);
	}
	/* RCU around the reference-less route, as in ltcp_v4_xmit(). */
	rcu_read_lock();
	skb_dst_set_noref(skb, dst);
	ltcp_v6_set_csum(skb, &np->saddr, &sk->sk_v6_daddr);
	err = ip6_xmit(sk, skb, &fl6, sk->sk_mark, rcu_dereference(np->opt),
		       np->tclass, sk->sk_priority);
	rcu_read_unlock();
	return err;
}

/**
 * ltcp_v6_send_reply() - send a reply with no full socket (RST, a
 *	TIME-WAIT ACK) back to where @rx came from
 * @net: the namespace
 * @rx: the segment answered
 * @skb: the reply, TCP header built
 */
void ltcp_v6_send_reply(struct net *net, struct sk_buff *rx,
			struct sk_buff *skb)
{
	const struct ipv6hdr *rxh = ipv6_hdr(rx);
	struct dst_entry *dst;
	struct flowi6 fl6;

	memset(&fl6, 0, sizeof(fl6));
	fl6.flowi6_proto = IPPROTO_TCP;
	fl6.daddr = rxh->saddr;
	fl6.saddr = rxh->daddr;
	fl6.fl6_sport = tcp_hdr(skb)->source;
	fl6.fl6_dport = tcp_hdr(skb)->dest;
	if (rt6_need_strict(&fl6.daddr))
		fl6.flowi6_oif = inet6_iif(rx);
	fl6.flowi6_mark = rx->mark;
	dst = ip6_dst_lookup_flow(net, NULL, &fl6, NULL);
	if (IS_ERR(dst)) {
		kfree_skb(skb);
		return;
	}
	skb_dst_set(skb, dst);
	ltcp_v6_set_csum(skb, &fl6.saddr, &fl6.daddr);
	memset(IP6CB(skb), 0, sizeof(struct inet6_skb_parm));
	ip6_xmit(ltcp_ctl_sock6(net), skb, &fl6, fl6.flowi6_mark, NULL, 0, 0);
}

/**
 * ltcp_v6_send_synack() - send a SYN-ACK for an IPv6 request socket
 * @sk: the listener
 * @dst: a route, or NULL to look one up
 * @req: the request socket
 *
 * Return: 0 or a negative errno.
 */
int ltcp_v6_send_synack(const struct sock *sk, struct dst_entry *dst,
			struct request_sock *req)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct sk_buff *skb;
	struct flowi6 fl6;
	int err;

	memset(&fl6, 0, sizeof(fl6));
	if (!dst) {
		dst = inet6_csk_route_req(sk, &fl6, req, IPPROTO_TCP);
		if (!dst)
			return -EHOSTUNREACH;
	} else {
		fl6.daddr = ireq->ir_v6_rmt_addr;
		fl6.saddr = ireq->ir_v6_loc_addr;
		fl6.flowi6_proto = IPPROTO_TCP;
	}
	skb = ltcp_make_synack(sk, req, dst);
	if (!skb) {
		dst_release(dst);
		return -ENOMEM;
	}
	skb_dst_set(skb, dst);
	ltcp_v6_set_csum(skb, &ireq->ir_v6_loc_addr, &ireq->ir_v6_rmt_addr);
	fl6.daddr = ireq->ir_v6_rmt_addr;
	fl6.flowi6_proto = IPPROTO_TCP;
	rcu_read_lock();
	err = ip6_xmit(sk, skb, &fl6, ireq->ir_mark, rcu_dereference(np->opt),
		       np->tclass, sk->sk_priority);
	rcu_read_unlock();
	return net_xmit_eval(err);
}

/* The child's own IPv6 state: not the listener's pinfo, lists or options. */
static struct ipv6_pinfo *ltcp_v6_child_pinfo(const struct sock *sk,
					      struct sock *newsk)
{
	struct ipv6_pinfo *newnp = &((struct ltcp6_sock *)newsk)->inet6;

	inet_sk(newsk)->pinet6 = newnp;
	memcpy(newnp, inet6_sk(sk), sizeof(*newnp));
	newnp->ipv6_mc_list = NULL;
	newnp->ipv6_ac_list = NULL;
	newnp->ipv6_fl_list = NULL;
	newnp->pktoptions = NULL;
	RCU_INIT_POINTER(newnp->opt, NULL);
	newnp->rcv_flowinfo = 0;
	return newnp;
}

/**
 * ltcp_v6_mapped_child() - make the child of an IPv6 listener that came
 *	over IPv4 a v4-mapped IPv6 socket
 * @sk: the listener
 * @newsk: the child, with its IPv4 addresses set
 * @skb: the segment that completed the handshake
 */
void ltcp_v6_mapped_child(const struct sock *sk, struct sock *newsk,
			  struct sk_buff *skb)
{
	struct ipv6_pinfo *newnp = ltcp_v6_child_pinfo(sk, newsk);
	struct inet_sock *newinet = inet_sk(newsk);

	ipv6_addr_set_v4mapped(newinet->inet_daddr, &newsk->sk_v6_daddr);
	ipv6_addr_set_v4mapped(newinet->inet_saddr, &newnp->saddr);
	newsk->sk_v6_rcv_saddr = newnp->saddr;
	newnp->mcast_oif = inet_iif(skb);
	newnp->mcast_hops = ip_hdr(skb)->ttl;
}

/**
 * ltcp_v6_child_init() - addresses and route of an IPv6 listener's child
 * @sk: the listener
 * @newsk: the clone, bh-locked
 * @req: the request socket
 * @skb: the segment that completed the handshake
 *
 * Return: the route, or NULL.
 */
struct dst_entry *ltcp_v6_child_init(const struct sock *sk, struct sock *newsk,
				     struct request_sock *req,
				     struct sk_buff *skb)
{
	struct inet_request_sock *ireq = inet_rsk(req);
	struct inet_sock *newinet = inet_sk(newsk);
	struct ipv6_pinfo *newnp;
	struct dst_entry *dst;
	struct flowi6 fl6;

	/* First, before anything can fail: the child's destroy frees what
	 * its pinfo points at, which must not be the listener's.
	 */
	newnp = ltcp_v6_child_pinfo(sk, newsk);
	newsk->sk_v6_daddr = ireq->ir_v6_rmt_addr;
	newnp->saddr = ireq->ir_v6_loc_addr;
	newsk->sk_v6_rcv_saddr = ireq->ir_v6_loc_addr;
	newsk->sk_bound_dev_if = ireq->ir_iif;
	newinet->inet_daddr = LOOPBACK4_IPV6;
	newinet->inet_saddr = LOOPBACK4_IPV6;
	newinet->inet_rcv_saddr = LOOPBACK4_IPV6;
	newinet->inet_opt = NULL;
	newnp->mcast_oif = inet6_iif(skb);
	newnp->mcast_hops = ipv6_hdr(skb)->hop_limit;
	newsk->sk_gso_type = SKB_GSO_TCPV6;
	inet_csk(newsk)->icsk_ext_hdr_len = 0;

	memset(&fl6, 0, sizeof(fl6));
	dst = inet6_csk_route_req(sk, &fl6, req, IPPROTO_TCP);
	if (dst)
		newnp->dst_cookie = rt6_get_cookie((struct rt6_info *)dst);
	return dst;
}

/**
 * ltcp_v6_connect() - the IPv6 half of connect()
 * @sk: the socket, owned by the caller, in TCP_CLOSE
 * @uaddr: the destination
 * @addr_len: its length
 *
 * A v4-mapped destination on a socket that is not IPV6_V6ONLY is
 * connected over IPv4, as Linux does.
 *
 * Return: 0 or a negative errno.
 */
int ltcp_v6_connect(struct sock *sk, struct sockaddr *uaddr, int addr_len)
{
	struct sockaddr_in6 *usin = (struct sockaddr_in6 *)uaddr;
	struct ipv6_pinfo *np = inet6_sk(sk);
	struct inet_sock *inet = inet_sk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	struct net *net = sock_net(sk);
	struct dst_entry *dst;
	struct in6_addr *saddr;
	struct flowi6 fl6;
	int err;

	if (addr_len < SIN6_LEN_RFC2133)
		return -EINVAL;
	if (usin->sin6_family != AF_INET6)
		return -EAFNOSUPPORT;

	if (ipv6_addr_v4mapped(&usin->sin6_addr)) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = usin->sin6_port,
			.sin_addr.s_addr = usin->sin6_addr.s6_addr32[3],
		};

		if (ipv6_only_sock(sk))
			return -ENETUNREACH;
		/* Mapped before the SYN goes: it selects the IPv4 path. */
		ipv6_addr_set_v4mapped(sin.sin_addr.s_addr, &sk->sk_v6_daddr);
		err = ltcp_v4_connect(sk, (struct sockaddr *)&sin, sizeof(sin));
		if (!err) {
			ipv6_addr_set_v4mapped(inet->inet_saddr, &np->saddr);
			ipv6_addr_set_v4mapped(inet->inet_rcv_saddr,
					       &sk->sk_v6_rcv_saddr);
		}
		return err;
	}

	memset(&fl6, 0, sizeof(fl6));
	fl6.daddr = usin->sin6_addr;
	/* Connecting to the unspecified address means the loopback one. */
	if (ipv6_addr_any(&fl6.daddr))
		fl6.daddr = in6addr_loopback;
	if (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_MULTICAST)
		return -ENETUNREACH;
	if (ipv6_addr_type(&fl6.daddr) & IPV6_ADDR_LINKLOCAL) {
		if (addr_len >= sizeof(struct sockaddr_in6) &&
		    usin->sin6_scope_id) {
			if (!sk_dev_equal_l3scope(sk, usin->sin6_scope_id))
				return -EINVAL;
			sk->sk_bound_dev_if = usin->sin6_scope_id;
		}
		if (!sk->sk_bound_dev_if)
			return -EINVAL;
	}

	sk->sk_v6_daddr = fl6.daddr;
	fl6.flowi6_proto = IPPROTO_TCP;
	fl6.saddr = ipv6_addr_any(&sk->sk_v6_rcv_saddr) ? in6addr_any :
		    sk->sk_v6_rcv_saddr;
	fl6.flowi6_oif = sk->sk_bound_dev_if;
	fl6.flowi6_mark = sk->sk_mark;
	fl6.fl6_dport = usin->sin6_port;
	fl6.fl6_sport = inet->inet_sport;
	fl6.flowi6_uid = sk->sk_uid;
	dst = ip6_dst_lookup_flow(net, sk, &fl6, NULL);
	if (IS_ERR(dst)) {
		err = PTR_ERR(dst);
		goto failure;
	}
	if (ipv6_addr_any(&sk->sk_v6_rcv_saddr)) {
		saddr = &fl6.saddr;
		err = inet_bhash2_update_saddr(sk, saddr, AF_INET6);
		if (err) {
			dst_release(dst);
			goto failure;
		}
	}
	np->saddr = fl6.saddr;
	inet->inet_rcv_saddr = LOOPBACK4_IPV6;
	sk->sk_gso_type = SKB_GSO_TCPV6;
	np->dst_cookie = rt6_get_cookie((struct rt6_info *)dst);
	sk_setup_caps(sk, dst);
	inet_csk(sk)->icsk_ext_hdr_len = 0;
	inet->inet_dport = usin->sin6_port;

	ltcp_set_state(sk, TCP_SYN_SENT);
	err = inet6_hash_connect(&net->ipv4.tcp_death_row, sk);
	if (err)
		goto late_failure;
	sk_set_txhash(sk);
	if (!tp->write_seq)
		tp->write_seq = ltcp_v6_isn(&np->saddr, &sk->sk_v6_daddr,
					    inet->inet_sport, inet->inet_dport);
	ltcp_sk(sk)->ts_offset = ltcp_v6_ts_offset(&np->saddr,
						   &sk->sk_v6_daddr);
	err = ltcp_connect_init(sk);
	if (err)
		goto late_failure;
	return 0;

late_failure:
	ltcp_set_state(sk, TCP_CLOSE);
	inet_bhash2_reset_saddr(sk);
failure:
	inet->inet_dport = 0;
	sk->sk_route_caps = 0;
	return err;
}

static int ltcp_v6_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	const struct ipv6hdr *hdr;
	const struct tcphdr *th;
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
	hdr = ipv6_hdr(skb);
	sk = __inet6_lookup(net, ltcp_hashinfo(net), skb, __tcp_hdrlen(th),
			    &hdr->saddr, th->source, &hdr->daddr,
			    ntohs(th->dest), inet6_iif(skb), inet6_sdif(skb),
			    &refcounted);
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
	return ltcp_v6_orig->handler(skb);
}

/* ICMPv6 errors about ltcp's connections (RFC 4443; RFC 8201 for Packet
 * Too Big).
 */
/**
 * ltcp_v6_mtu_reduced() - act on a "packet too big" for @sk
 * @sk: the socket, owned by the caller or bh-locked and not owned
 *
 * RFC 8201 section 5: the route learns the MTU in tcp_sock.mtu_info, and
 * when it is below the one the MSS was derived from, ltcp resends at the
 * new size.
 */
void ltcp_v6_mtu_reduced(struct sock *sk)
{
	struct dst_entry *dst;

	if ((1 << sk->sk_state) & (TCPF_LISTEN | TCPF_CLOSE))
		return;
	dst = inet6_csk_update_pmtu(sk, READ_ONCE(tcp_sk(sk)->mtu_info));
	if (dst && inet_csk(sk)->icsk_pmtu_cookie > dst_mtu(dst))
		ltcp_mtu_reduced(sk, dst_mtu(dst));
}

static int ltcp_v6_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		       u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *hdr = (const struct ipv6hdr *)skb->data;
	const struct tcphdr *th = (const struct tcphdr *)(skb->data + offset);
	struct net *net = dev_net(skb->dev);
	struct sock *sk;
	int err;

	sk = __inet6_lookup_established(net, ltcp_hashinfo(net), &hdr->daddr,
					th->dest, &hdr->saddr,
					ntohs(th->source), skb->dev->ifindex,
					inet6_sdif(skb));
	if (!sk)
		return ltcp_v6_orig->err_handler(skb, opt, type, code, offset,
						 info);
	if (!ltcp_sk_is_ours(sk)) {
		sock_gen_put(sk);
		return ltcp_v6_orig->err_handler(skb, opt, type, code, offset,
						 info);
	}
	if (sk->sk_state == TCP_TIME_WAIT) {
		sock_gen_put(sk);
		return 0;
	}
	if (sk->sk_state == TCP_NEW_SYN_RECV) {
		/* Only the hard errors end a handshake here (Linux's). */
		ltcp_req_err(sk, ntohl(th->seq),
			     icmpv6_err_convert(type, code, &err));
		return 0;
	}

	bh_lock_sock(sk);
	/* As ltcp_v4_err(). */
	if (sock_owned_by_user(sk) && type != ICMPV6_PKT_TOOBIG)
		__NET_INC_STATS(net, LINUX_MIB_LOCKDROPPEDICMPS);
	if (sk->sk_state == TCP_CLOSE)
		goto out;
	/* RFC 5927 4.1: only about a segment in flight. */
	if (sk->sk_state != TCP_LISTEN &&
	    !ltcp_between(ntohl(th->seq), tcp_sk(sk)->snd_una,
			  tcp_sk(sk)->snd_nxt)) {
		/* TcpExtOutOfWindowIcmps, as nstat shows it for Linux. */
		__NET_INC_STATS(net, LINUX_MIB_OUTOFWINDOWICMPS);
		goto out;
	}
	if (type == ICMPV6_PKT_TOOBIG) {
		/* RFC 8201: as ltcp_v4_err() does for IPv4, unless the
		 * socket ignores the path MTU (IPV6_PMTUDISC_INTERFACE or
		 * _OMIT, ipv6(7)). An MTU below IPv6's minimum of 1280 is
		 * ignored whole (RFC 8201 4 forbids an estimate below it;
		 * the route would not take it either), as Linux's TCP does.
		 */
		if (sk->sk_state == TCP_LISTEN || !ip6_sk_accept_pmtu(sk) ||
		    ntohl(info) < IPV6_MIN_MTU)
			goto out;
		WRITE_ONCE(tcp_sk(sk)->mtu_info, ntohl(info));
		if (!sock_owned_by_user(sk))
			ltcp_v6_mtu_reduced(sk);
		else
			set_bit(LTCP_DEFER_MTU_REDUCED, &ltcp_sk(sk)->deferred);
		goto out;
	}
	if (type == NDISC_REDIRECT) {
		/* The route the socket caches learns the new next hop; not
		 * an error.
		 */
		if (!sock_owned_by_user(sk)) {
			struct dst_entry *dst;

			dst = __sk_dst_check(sk, inet6_sk(sk)->dst_cookie);
			if (dst)
				dst->ops->redirect(dst, sk, skb);
		}
		goto out;
	}
	/* Hard or soft (the return value), ltcp_icmp_error() decides. */
	icmpv6_err_convert(type, code, &err);
	/* RFC 6069 for "no route to destination", as ltcp_v4_err(). */
	if (type == ICMPV6_DEST_UNREACH && code == ICMPV6_NOROUTE &&
	    !((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)))
		ltcp_icmp_unreachable(sk, ntohl(th->seq));
	ltcp_icmp_error(sk, err, inet6_sk(sk)->recverr);
out:
	bh_unlock_sock(sk);
	sock_put(sk);
	return 0;
}

static struct inet6_protocol ltcp_v6_protocol = {
	.handler	= ltcp_v6_rcv,
	.err_handler	= ltcp_v6_err,
};

/**
 * ltcp_ipv6_init() - take over the IPPROTO_TCP slot of inet6_protos
 *
 * Return: 0 or -EBUSY.
 */
int ltcp_ipv6_init(void)
{
	const struct inet6_protocol *orig;

	orig = rcu_dereference_protected(inet6_protos[IPPROTO_TCP], 1);
	if (!orig)
		return -EBUSY;
	ltcp_v6_orig = orig;
	ltcp_v6_protocol.flags = orig->flags;
	if (cmpxchg((const struct inet6_protocol __force **)
		    &inet6_protos[IPPROTO_TCP], orig, &ltcp_v6_protocol) != orig)
		return -EBUSY;
	return 0;
}

/**
 * ltcp_ipv6_exit() - give the slot back, exactly as it was
 */
void ltcp_ipv6_exit(void)
{
	const struct inet6_protocol *cur;

	cur = cmpxchg((const struct inet6_protocol __force **)
		      &inet6_protos[IPPROTO_TCP], &ltcp_v6_protocol,
		      ltcp_v6_orig);
	WARN_ON_ONCE(cur != &ltcp_v6_protocol);
	synchronize_net();
}
