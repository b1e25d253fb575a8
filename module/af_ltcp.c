// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp socket glue: struct proto, struct proto_ops and the protosw entries
 * that make socket(AF_INET{,6}, SOCK_STREAM, IPPROTO_LTCP) create an ltcp
 * socket. Protocol work lives elsewhere; this file only wires it up.
 *
 * The IPv4 and IPv6 halves (ipv4.c, ipv6.c) share everything above the
 * network layer.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <net/inet_common.h>
#include <net/inet_hashtables.h>
#include <net/inet6_hashtables.h>
#include <net/ip.h>
#include <net/protocol.h>
#include <net/sock.h>
#include <net/transp_v6.h>
#include <net/ipv6.h>
#include <net/tcp.h>

#include "ltcp.h"

static struct proto ltcpv6_prot;
static DEFINE_PER_CPU(unsigned int, ltcp_orphan_count);

static void ltcp6_destroy_sock(struct sock *sk)
{
	ltcp_destroy_sock(sk);
	inet6_destroy_sock(sk);
}

/**
 * ltcp_sk_is_ours() - does a socket found in tcp_hashinfo belong to ltcp?
 * @sk: a full, request or TIME-WAIT socket (all carry sk_prot)
 *
 * Return: true for ltcp's sockets, false for the kernel TCP's.
 */
bool ltcp_sk_is_ours(const struct sock *sk)
{
	return sk->sk_prot == &ltcp_prot || sk->sk_prot == &ltcpv6_prot;
}

struct proto ltcp_prot = {
	.name		= "LTCP",
	.owner		= THIS_MODULE,
	.close		= ltcp_close,
	.connect	= ltcp_v4_connect,
	.disconnect	= ltcp_disconnect,
	.accept		= inet_csk_accept,
	.ioctl		= ltcp_ioctl,
	.init		= ltcp_init_sock,
	.destroy	= ltcp_destroy_sock,
	.diag_destroy	= ltcp_abort,
	.shutdown	= ltcp_shutdown,
	.setsockopt	= ltcp_setsockopt,
	.getsockopt	= ltcp_getsockopt,
	.sendmsg	= ltcp_sendmsg,
	.recvmsg	= ltcp_recvmsg,
	.backlog_rcv	= ltcp_backlog_rcv,
	.release_cb	= ltcp_release_cb,
	.keepalive	= ltcp_set_keepalive,
	.stream_memory_free	= ltcp_stream_notsent_ok,
	.orphan_count	= &ltcp_orphan_count,
	/* One memory pool with the kernel's TCP, as MPTCP shares it: the
	 * operator's net.ipv4.tcp_mem bounds all TCP on the machine, and
	 * /proc/net/sockstat's TCP "mem" counts ltcp's buffers too.
	 */
	.memory_allocated	= &tcp_memory_allocated,
	.per_cpu_fw_alloc	= &tcp_memory_per_cpu_fw_alloc,
	.memory_pressure	= &tcp_memory_pressure,
	.enter_memory_pressure	= tcp_enter_memory_pressure,
	.leave_memory_pressure	= tcp_leave_memory_pressure,
	.sockets_allocated	= &tcp_sockets_allocated,
	.sysctl_mem		= sysctl_tcp_mem,
	.sysctl_wmem_offset	= offsetof(struct net, ipv4.sysctl_tcp_wmem),
	.sysctl_rmem_offset	= offsetof(struct net, ipv4.sysctl_tcp_rmem),
	.rsk_prot	= &ltcp_request_sock_ops,
	.twsk_prot	= &ltcp_timewait_sock_ops,
	.hash		= inet_hash,
	.unhash		= inet_unhash,
	.get_port	= inet_csk_get_port,
	.obj_size	= sizeof(struct ltcp_sock),
	.slab_flags	= SLAB_TYPESAFE_BY_RCU,
	/* NULL: the namespace's, as tcp_prot (ltcp_hashinfo()). */
	.h.hashinfo	= NULL,
	.no_autobind	= true,
};

static struct proto ltcpv6_prot = {
	.name		= "LTCPv6",
	.owner		= THIS_MODULE,
	.close		= ltcp_close,
	.connect	= ltcp_v6_connect,
	.disconnect	= ltcp_disconnect,
	.accept		= inet_csk_accept,
	.ioctl		= ltcp_ioctl,
	.init		= ltcp_init_sock,
	.destroy	= ltcp6_destroy_sock,
	.diag_destroy	= ltcp_abort,
	.shutdown	= ltcp_shutdown,
	.backlog_rcv	= ltcp_backlog_rcv,
	.release_cb	= ltcp_release_cb,
	.keepalive	= ltcp_set_keepalive,
	.stream_memory_free	= ltcp_stream_notsent_ok,
	.orphan_count	= &ltcp_orphan_count,
	/* The pool ltcp_prot shares with the kernel's TCP. */
	.memory_allocated	= &tcp_memory_allocated,
	.per_cpu_fw_alloc	= &tcp_memory_per_cpu_fw_alloc,
	.memory_pressure	= &tcp_memory_pressure,
	.enter_memory_pressure	= tcp_enter_memory_pressure,
	.leave_memory_pressure	= tcp_leave_memory_pressure,
	.sockets_allocated	= &tcp_sockets_allocated,
	.sysctl_mem		= sysctl_tcp_mem,
	.sysctl_wmem_offset	= offsetof(struct net, ipv4.sysctl_tcp_wmem),
	.sysctl_rmem_offset	= offsetof(struct net, ipv4.sysctl_tcp_rmem),
	.rsk_prot	= &ltcp6_request_sock_ops,
	.twsk_prot	= &ltcp6_timewait_sock_ops,
	.setsockopt	= ltcp_setsockopt,
	.getsockopt	= ltcp_getsockopt,
	.sendmsg	= ltcp_sendmsg,
	.recvmsg	= ltcp_recvmsg,
	.hash		= inet6_hash,
	.unhash		= inet_unhash,
	.get_port	= inet_csk_get_port,
	.obj_size	= sizeof(struct ltcp6_sock),
	.slab_flags	= SLAB_TYPESAFE_BY_RCU,
	/* NULL: the namespace's, as tcp_prot (ltcp_hashinfo()). */
	.h.hashinfo	= NULL,
	.no_autobind	= true,
};

static const struct proto_ops ltcp_stream_ops = {
	.family		= PF_INET,
	.owner		= THIS_MODULE,
	.release	= inet_release,
	.bind		= inet_bind,
	.connect	= inet_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet_getname,
	.poll		= ltcp_poll,
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
	.connect	= inet_stream_connect,
	.socketpair	= sock_no_socketpair,
	.accept		= inet_accept,
	.getname	= inet6_getname,
	.poll		= ltcp_poll,
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

	BUILD_BUG_ON(sizeof(struct ltcp_skb_cb) >
		     sizeof_field(struct sk_buff, cb));
	err = ltcp_ipv4_init();
	if (err)
		goto err_ipv4;
	err = ltcp_ipv6_init();
	if (err)
		goto err_ipv6;
	inet_register_protosw(&ltcp_protosw);
	err = inet6_register_protosw(&ltcp6_protosw);
	if (err)
		goto err_protosw6;
	return 0;

err_protosw6:
	inet_unregister_protosw(&ltcp_protosw);
	ltcp_ipv6_exit();
err_ipv6:
	ltcp_ipv4_exit();
err_ipv4:
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
	/* No ltcp socket is left (each holds the module), so no segment
	 * can be ours any more: give the TCP slot back.
	 */
	ltcp_ipv6_exit();
	ltcp_ipv4_exit();
	ltcp_cong_exit();
	proto_unregister(&ltcpv6_prot);
	proto_unregister(&ltcp_prot);
}
