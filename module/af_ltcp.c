// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp socket glue: struct proto, struct proto_ops and the protosw entries
 * that make socket(AF_INET{,6}, SOCK_STREAM, IPPROTO_LTCP) create an ltcp
 * socket. Protocol work lives elsewhere; this file only wires it up.
 *
 * State of the port: sockets can be created, bound (in the port space of the
 * kernel's TCP, see Documentation/design.rst), queried and closed. connect()
 * and listen() fail with EOPNOTSUPP until the core's handshake lands.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <net/inet_common.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <net/transp_v6.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "ltcp.h"

/* The smallest MSS ltcp will use, whatever the path MTU says
 * (RFC 9293 section 3.7.1: 536 is the IPv4 default; IPv6 guarantees more).
 */
#define LTCP_MIN_MSS	88

/*
 * icsk_sync_mss: generic IP code calls it when the IP header grows or
 * shrinks (IP_OPTIONS, IPv6 extension headers), so it must exist on every
 * ltcp socket. It derives the MSS from the path MTU (RFC 9293 3.7.1).
 */
static unsigned int ltcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct tcp_sock *tp = tcp_sk(sk);
	int hdrs = sizeof(struct tcphdr) + icsk->icsk_ext_hdr_len;
	int mss;

	hdrs += sk->sk_family == AF_INET6 ? sizeof(struct ipv6hdr) :
					    sizeof(struct iphdr);
	mss = (int)pmtu - hdrs;
	if (mss < LTCP_MIN_MSS)
		mss = LTCP_MIN_MSS;
	icsk->icsk_pmtu_cookie = pmtu;
	tp->mss_cache = mss;
	return mss;
}

static int ltcp_init_sock(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	icsk->icsk_sync_mss = ltcp_sync_mss;
	/* RFC 9293 3.7.1: without better knowledge assume the minimum. */
	ltcp_sync_mss(sk, sk->sk_family == AF_INET6 ? IPV6_MIN_MTU : 576);
	return 0;
}

static void ltcp_destroy_sock(struct sock *sk)
{
}

static void ltcp6_destroy_sock(struct sock *sk)
{
	ltcp_destroy_sock(sk);
	inet6_destroy_sock(sk);
}

static void ltcp_close(struct sock *sk, long timeout)
{
	lock_sock(sk);
	sk->sk_shutdown = SHUTDOWN_MASK;
	/* Give the port back to the shared port space. */
	if (inet_csk(sk)->icsk_bind_hash)
		inet_put_port(sk);
	release_sock(sk);
	sk_common_release(sk);
}

static int ltcp_connect(struct sock *sk, struct sockaddr *uaddr, int len)
{
	return -EOPNOTSUPP;
}

static int ltcp_stream_connect(struct socket *sock, struct sockaddr *uaddr,
			       int addr_len, int flags)
{
	return -EOPNOTSUPP;
}

static int ltcp_listen(struct socket *sock, int backlog)
{
	return -EOPNOTSUPP;
}

static int ltcp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	/* Linux TCP: sending on a socket that is not connected is EPIPE,
	 * with SIGPIPE unless MSG_NOSIGNAL.
	 */
	return sk_stream_error(sk, msg->msg_flags, -EPIPE);
}

static int ltcp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			int flags, int *addr_len)
{
	return -ENOTCONN;
}

static int ltcp_setsockopt(struct sock *sk, int level, int optname,
			   sockptr_t optval, unsigned int optlen)
{
	if (level != SOL_TCP) {
		if (sk->sk_family == AF_INET6)
			return ipv6_setsockopt(sk, level, optname, optval,
					       optlen);
		return ip_setsockopt(sk, level, optname, optval, optlen);
	}
	return -ENOPROTOOPT;
}

static int ltcp_getsockopt(struct sock *sk, int level, int optname,
			   char __user *optval, int __user *optlen)
{
	if (level != SOL_TCP) {
		if (sk->sk_family == AF_INET6)
			return ipv6_getsockopt(sk, level, optname, optval,
					       optlen);
		return ip_getsockopt(sk, level, optname, optval, optlen);
	}
	return -ENOPROTOOPT;
}

static struct proto ltcp_prot = {
	.name		= "LTCP",
	.owner		= THIS_MODULE,
	.close		= ltcp_close,
	.connect	= ltcp_connect,
	.init		= ltcp_init_sock,
	.destroy	= ltcp_destroy_sock,
	.setsockopt	= ltcp_setsockopt,
	.getsockopt	= ltcp_getsockopt,
	.sendmsg	= ltcp_sendmsg,
	.recvmsg	= ltcp_recvmsg,
	.hash		= inet_hash,
	.unhash		= inet_unhash,
	.get_port	= inet_csk_get_port,
	.obj_size	= sizeof(struct ltcp_sock),
	.slab_flags	= SLAB_TYPESAFE_BY_RCU,
	.h.hashinfo	= &tcp_hashinfo,
	.no_autobind	= true,
};

static struct proto ltcpv6_prot = {
	.name		= "LTCPv6",
	.owner		= THIS_MODULE,
	.close		= ltcp_close,
	.connect	= ltcp_connect,
	.init		= ltcp_init_sock,
	.destroy	= ltcp6_destroy_sock,
	.setsockopt	= ltcp_setsockopt,
	.getsockopt	= ltcp_getsockopt,
	.sendmsg	= ltcp_sendmsg,
	.recvmsg	= ltcp_recvmsg,
	.hash		= inet_hash,
	.unhash		= inet_unhash,
	.get_port	= inet_csk_get_port,
	.obj_size	= sizeof(struct ltcp6_sock),
	.slab_flags	= SLAB_TYPESAFE_BY_RCU,
	.h.hashinfo	= &tcp_hashinfo,
	.no_autobind	= true,
};

static const struct proto_ops ltcp_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= inet_bind,
	.connect	= ltcp_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet_getname,
	.ioctl		= inet_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= ltcp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= inet_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= sock_no_sendpage,
};

static const struct proto_ops ltcp6_stream_ops = {
	.family		= PF_INET6,
	.owner		= THIS_MODULE,
	.release	= inet6_release,
	.bind		= inet6_bind,
	.connect	= ltcp_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= inet6_getname,
	.ioctl		= inet6_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= ltcp_listen,
	.shutdown	= inet_shutdown,
	.setsockopt	= sock_common_setsockopt,
	.getsockopt	= sock_common_getsockopt,
	.sendmsg	= inet_sendmsg,
	.recvmsg	= inet_recvmsg,
	.mmap		= sock_no_mmap,
	.sendpage	= sock_no_sendpage,
};

static struct inet_protosw ltcp_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_LTCP,
	.prot		= &ltcp_prot,
	.ops		= &ltcp_stream_ops,
	.flags		= INET_PROTOSW_ICSK,
};

static struct inet_protosw ltcp6_protosw = {
	.type		= SOCK_STREAM,
	.protocol	= IPPROTO_LTCP,
	.prot		= &ltcpv6_prot,
	.ops		= &ltcp6_stream_ops,
	.flags		= INET_PROTOSW_ICSK,
};

/**
 * ltcp_af_init() - register ltcp's protocols for AF_INET and AF_INET6
 *
 * Return: 0 or a negative errno, with nothing left registered.
 */
int ltcp_af_init(void)
{
	int err;

	err = proto_register(&ltcp_prot, 1);
	if (err)
		goto err_prot;
	err = proto_register(&ltcpv6_prot, 1);
	if (err)
		goto err_prot6;

	inet_register_protosw(&ltcp_protosw);
	err = inet6_register_protosw(&ltcp6_protosw);
	if (err)
		goto err_protosw6;
	return 0;

err_protosw6:
	inet_unregister_protosw(&ltcp_protosw);
	proto_unregister(&ltcpv6_prot);
err_prot6:
	proto_unregister(&ltcp_prot);
err_prot:
	return err;
}

/**
 * ltcp_af_exit() - unregister what ltcp_af_init() registered
 *
 * Module references held by sockets (proto.owner) keep this from running
 * while any ltcp socket exists.
 */
void ltcp_af_exit(void)
{
	inet6_unregister_protosw(&ltcp6_protosw);
	inet_unregister_protosw(&ltcp_protosw);
	proto_unregister(&ltcpv6_prot);
	proto_unregister(&ltcp_prot);
}
