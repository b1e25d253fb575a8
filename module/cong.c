// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp congestion-control glue: which struct tcp_congestion_ops a socket
 * runs, and switching it by name (TCP_CONGESTION).
 *
 * Linux 6.1 exports no lookup of a congestion control by name. The one
 * public route, as ../shared/kernel-6.1.md describes, is the TCP_CONGESTION
 * option of a kernel TCP socket: it applies the kernel's own rules
 * (net.ipv4.tcp_allowed_congestion_control for callers without
 * CAP_NET_ADMIN, module autoload for those with it) and the socket then
 * holds the algorithm. ltcp makes such a socket in the caller's namespace
 * and context, reads the algorithm from it, and keeps it as long as the
 * ltcp socket uses that algorithm: that keeps modules and BPF struct_ops
 * algorithms alike from going away. It is a name lookup only: no data ever
 * goes through it.
 */
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/workqueue.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ltcp.h"

static void ltcp_cong_release(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	if (icsk->icsk_ca_ops && icsk->icsk_ca_initialized &&
	    icsk->icsk_ca_ops->release)
		icsk->icsk_ca_ops->release(sk);
	icsk->icsk_ca_initialized = 0;
}

/*
 * Holder sockets to release. An ltcp socket may be destroyed in softirq
 * context, and releasing a socket may sleep: a work item does it.
 */
static LLIST_HEAD(ltcp_cong_holders);

/**
 * struct ltcp_ca_holder - the kernel TCP socket that holds a congestion
 *	control for an ltcp socket
 * @sock: that socket
 * @node: on ltcp_cong_holders while waiting to be released
 */
struct ltcp_ca_holder {
	struct socket *sock;
	struct llist_node node;
};

static void ltcp_cong_holders_release(struct work_struct *work)
{
	struct llist_node *node = llist_del_all(&ltcp_cong_holders);
	struct ltcp_ca_holder *h, *next;

	llist_for_each_entry_safe(h, next, node, node) {
		sock_release(h->sock);
		kfree(h);
	}
}

static DECLARE_WORK(ltcp_cong_holders_work, ltcp_cong_holders_release);

/* Release a holder from process context, whatever ours is now. */
static void ltcp_cong_put_holder(struct ltcp_ca_holder *h)
{
	llist_add(&h->node, &ltcp_cong_holders);
	schedule_work(&ltcp_cong_holders_work);
}

/**
 * ltcp_cong_drop() - let go of the socket's congestion control
 * @sk: the socket (any context)
 */
void ltcp_cong_drop(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct ltcp_sock *lsk = ltcp_sk(sk);

	ltcp_cong_release(sk);
	if (lsk->ca_holder) {
		ltcp_cong_put_holder(lsk->ca_holder);
		lsk->ca_holder = NULL;
	} else if (icsk->icsk_ca_ops) {
		module_put(icsk->icsk_ca_ops->owner);
	}
	icsk->icsk_ca_ops = NULL;
}

/**
 * ltcp_cong_exit() - wait for the holders released in the background
 */
void ltcp_cong_exit(void)
{
	flush_work(&ltcp_cong_holders_work);
}

/**
 * ltcp_cong_set() - TCP_CONGESTION: run the algorithm called @name
 * @sk: the socket, owned by the caller
 * @name: the algorithm's name, NUL-terminated
 *
 * Return: 0, or what the kernel's lookup says: -ENOENT for an unknown name,
 *	-EPERM for one not allowed to this caller.
 */
int ltcp_cong_set(struct sock *sk, char *name)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tcp_congestion_ops *ca;
	struct ltcp_ca_holder *h;
	int err;

	if (icsk->icsk_ca_ops && !strcmp(icsk->icsk_ca_ops->name, name))
		return 0;
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	err = sock_create_kern(sock_net(sk), AF_INET, SOCK_STREAM,
			       IPPROTO_TCP, &h->sock);
	if (err) {
		kfree(h);
		return err;
	}
	err = h->sock->ops->setsockopt(h->sock, SOL_TCP, TCP_CONGESTION,
				       KERNEL_SOCKPTR(name), strlen(name));
	if (err) {
		sock_release(h->sock);
		kfree(h);
		return err;
	}
	ca = inet_csk(h->sock->sk)->icsk_ca_ops;

	ltcp_cong_drop(sk);
	icsk->icsk_ca_ops = ca;
	/* A module is held by a reference of our own; an algorithm without
	 * an owner (built in, or BPF) by keeping the holder.
	 */
	if (ca->owner && try_module_get(ca->owner)) {
		sock_release(h->sock);
		kfree(h);
	} else {
		ltcp_sk(sk)->ca_holder = h;
	}
	/* RFC 5681 state carries over; the new algorithm starts from it. */
	if ((1 << sk->sk_state) & ~(TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT |
				    TCPF_SYN_RECV)) {
		if (ca->init)
			ca->init(sk);
		icsk->icsk_ca_initialized = 1;
	}
	return 0;
}
