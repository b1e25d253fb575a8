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
#include <linux/fs.h>
#include <linux/llist.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
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

/* Serialises the writers of each namespace's default. */
static DEFINE_MUTEX(ltcp_cong_default_lock);

/**
 * struct ltcp_ca_holder - the kernel TCP socket that holds a congestion
 *	control for ltcp
 * @sock: that socket; its TCP_CONGESTION is @ca
 * @ca: the algorithm it holds
 * @ref: users: ltcp sockets running @ca through this holder, and the
 *	namespace whose default (net.ltcp.congestion_control) it is
 * @node: on ltcp_cong_holders while waiting to be released
 * @rcu: freed after a grace period: ltcp_cong_init_sock() looks the
 *	namespace's default up under RCU
 */
struct ltcp_ca_holder {
	struct socket *sock;
	const struct tcp_congestion_ops *ca;
	refcount_t ref;
	struct llist_node node;
	struct rcu_head rcu;
};

static void ltcp_cong_holder_free(struct ltcp_ca_holder *h)
{
	sock_release(h->sock);
	kfree_rcu(h, rcu);
}

static void ltcp_cong_holders_release(struct work_struct *work)
{
	struct llist_node *node = llist_del_all(&ltcp_cong_holders);
	struct ltcp_ca_holder *h, *next;

	llist_for_each_entry_safe(h, next, node, node)
		ltcp_cong_holder_free(h);
}

static DECLARE_WORK(ltcp_cong_holders_work, ltcp_cong_holders_release);

/* Drop a reference; the last one releases the holder from process
 * context, whatever ours is now.
 */
static void ltcp_cong_put_holder(struct ltcp_ca_holder *h)
{
	if (!refcount_dec_and_test(&h->ref))
		return;
	llist_add(&h->node, &ltcp_cong_holders);
	schedule_work(&ltcp_cong_holders_work);
}

/*
 * The algorithm called @name, as the kernel's TCP_CONGESTION finds it for
 * the caller in @net: a new holder with one reference, or an ERR_PTR
 * (-ENOENT for an unknown name, -EPERM for one not allowed to the caller).
 * Process context.
 */
static struct ltcp_ca_holder *ltcp_cong_lookup(struct net *net,
					       const char *name)
{
	struct ltcp_ca_holder *h;
	int err;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return ERR_PTR(-ENOMEM);
	err = sock_create_kern(net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
			       &h->sock);
	if (err) {
		kfree(h);
		return ERR_PTR(err);
	}
	/* The option is only read: the cast drops const for sockptr_t. */
	err = h->sock->ops->setsockopt(h->sock, SOL_TCP, TCP_CONGESTION,
				       KERNEL_SOCKPTR((char *)name),
				       strlen(name));
	if (err) {
		sock_release(h->sock);
		kfree(h);
		return ERR_PTR(err);
	}
	h->ca = inet_csk(h->sock->sk)->icsk_ca_ops;
	refcount_set(&h->ref, 1);
	return h;
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

	if (icsk->icsk_ca_ops && !strcmp(icsk->icsk_ca_ops->name, name))
		return 0;
	h = ltcp_cong_lookup(sock_net(sk), name);
	if (IS_ERR(h))
		return PTR_ERR(h);
	ca = h->ca;

	ltcp_cong_drop(sk);
	icsk->icsk_ca_ops = ca;
	/* A module is held by a reference of our own; an algorithm without
	 * an owner (built in, or BPF) by keeping the holder.
	 */
	if (ca->owner && try_module_get(ca->owner))
		ltcp_cong_put_holder(h);
	else
		ltcp_sk(sk)->ca_holder = h;
	/* RFC 5681 state carries over; the new algorithm starts from it. */
	if ((1 << sk->sk_state) & ~(TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT |
				    TCPF_SYN_RECV)) {
		if (ca->init)
			ca->init(sk);
		icsk->icsk_ca_initialized = 1;
	}
	return 0;
}

/**
 * ltcp_cong_init_sock() - a new socket runs its namespace's default,
 *	net.ltcp.congestion_control
 * @sk: the socket
 */
void ltcp_cong_init_sock(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct ltcp_net *ln = ltcp_net(sock_net(sk));
	struct ltcp_ca_holder *h;

	icsk->icsk_ca_ops = NULL;
	icsk->icsk_ca_initialized = 0;
	ltcp_sk(sk)->ca_holder = NULL;
	rcu_read_lock();
	h = rcu_dereference(ln->ca_default);
	if (h && refcount_inc_not_zero(&h->ref)) {
		icsk->icsk_ca_ops = h->ca;
		ltcp_sk(sk)->ca_holder = h;
	}
	rcu_read_unlock();
}

/**
 * ltcp_cong_reset() - the connection is over (connect(AF_UNSPEC)): the
 *	algorithm keeps nothing of it, and the next connection calls its
 *	init() again, as after Linux's disconnect
 * @sk: the socket, owned by the caller
 *
 * Its state counts in tcp_sock.delivered, which the disconnect sets back
 * to 0: marks kept from the old connection would lie ahead of it.
 */
void ltcp_cong_reset(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);

	ltcp_cong_release(sk);
	memset(icsk->icsk_ca_priv, 0, sizeof(icsk->icsk_ca_priv));
}

/**
 * ltcp_cong_inherit() - the child of a listener takes its own hold on the
 *	algorithm the clone copied from the listener
 * @newsk: the child (the clone copied the pointers, not the references)
 */
void ltcp_cong_inherit(struct sock *newsk)
{
	struct inet_connection_sock *icsk = inet_csk(newsk);
	struct ltcp_ca_holder *h = ltcp_sk(newsk)->ca_holder;

	icsk->icsk_ca_initialized = 0;
	if (h) {
		/* The listener holds it; it is freed only after a grace
		 * period, and softirq context is a read-side section.
		 */
		if (refcount_inc_not_zero(&h->ref))
			return;
		ltcp_sk(newsk)->ca_holder = NULL;
		icsk->icsk_ca_ops = NULL;
	} else if (icsk->icsk_ca_ops &&
		   !try_module_get(icsk->icsk_ca_ops->owner)) {
		icsk->icsk_ca_ops = NULL;
	}
}

/**
 * ltcp_cong_set_default() - write net.ltcp.congestion_control
 * @net: the namespace
 * @name: the algorithm's name, NUL-terminated
 *
 * The name is resolved with the kernel's rules for the caller (module
 * autoload with CAP_NET_ADMIN); as for net.ipv4.tcp_congestion_control, a
 * namespace other than the initial one may only choose an algorithm of
 * net.ipv4.tcp_allowed_congestion_control.
 *
 * Return: 0, -ENOENT for an unknown name, -EPERM for one not allowed.
 */
int ltcp_cong_set_default(struct net *net, const char *name)
{
	struct ltcp_net *ln = ltcp_net(net);
	struct ltcp_ca_holder *h, *old;

	h = ltcp_cong_lookup(net, name);
	if (IS_ERR(h))
		return PTR_ERR(h);
	if (!net_eq(net, &init_net) &&
	    !(h->ca->flags & TCP_CONG_NON_RESTRICTED)) {
		ltcp_cong_put_holder(h);
		return -EPERM;
	}
	mutex_lock(&ltcp_cong_default_lock);
	old = rcu_replace_pointer(ln->ca_default, h,
				  lockdep_is_held(&ltcp_cong_default_lock));
	mutex_unlock(&ltcp_cong_default_lock);
	if (old)
		ltcp_cong_put_holder(old);
	return 0;
}

/**
 * ltcp_cong_get_default() - read net.ltcp.congestion_control
 * @net: the namespace
 * @buf: TCP_CA_NAME_MAX bytes for the name ("" if there is none)
 */
void ltcp_cong_get_default(struct net *net, char *buf)
{
	struct ltcp_ca_holder *h;

	buf[0] = 0;
	rcu_read_lock();
	h = rcu_dereference(ltcp_net(net)->ca_default);
	if (h)
		strscpy(buf, h->ca->name, TCP_CA_NAME_MAX);
	rcu_read_unlock();
}

/**
 * ltcp_cong_net_init() - the first net.ltcp.congestion_control of a
 *	namespace
 * @net: the new namespace (or one that existed when ltcp loaded)
 *
 * As Linux's own: the initial namespace starts with its
 * net.ipv4.tcp_congestion_control, every other one with the initial
 * namespace's net.ltcp.congestion_control (or Reno, should that name
 * not resolve in this one).
 *
 * Return: 0 or a negative errno.
 */
int ltcp_cong_net_init(struct net *net)
{
	const struct tcp_congestion_ops *ca;
	char name[TCP_CA_NAME_MAX] = "";
	struct ltcp_ca_holder *h;

	if (!net_eq(net, &init_net))
		ltcp_cong_get_default(&init_net, name);
	if (!name[0]) {
		rcu_read_lock();
		ca = rcu_dereference(net->ipv4.tcp_congestion_control);
		if (ca)
			strscpy(name, ca->name, sizeof(name));
		rcu_read_unlock();
	}
	h = ERR_PTR(-ENOENT);
	if (name[0])
		h = ltcp_cong_lookup(net, name);
	/* Reno is always there, and allowed to everyone. */
	if (IS_ERR(h))
		h = ltcp_cong_lookup(net, "reno");
	if (IS_ERR(h))
		return PTR_ERR(h);
	RCU_INIT_POINTER(ltcp_net(net)->ca_default, h);
	return 0;
}

/**
 * ltcp_cong_net_exit() - a namespace goes: release its default
 * @net: the namespace; none of its ltcp sockets is left
 *
 * The holders of its sockets were queued for release when the sockets
 * went (before the namespace could): release them now, while the
 * namespace they were made in still exists, then the default's.
 */
void ltcp_cong_net_exit(struct net *net)
{
	struct ltcp_ca_holder *h;

	flush_work(&ltcp_cong_holders_work);
	h = rcu_replace_pointer(ltcp_net(net)->ca_default, NULL, true);
	if (h && !WARN_ON_ONCE(!refcount_dec_and_test(&h->ref)))
		ltcp_cong_holder_free(h);
}

/**
 * ltcp_cong_available() - the algorithms registered with the kernel, as
 *	net.ipv4.tcp_available_congestion_control lists them
 * @buf: where to put the names, separated by spaces
 * @size: its size
 *
 * Linux 6.1 exports no walk of its list of algorithms; the kernel's own
 * read-only sysctl is read instead (the list is the same in every
 * namespace).
 *
 * Return: the length of the list, or a negative errno (-ENOENT without
 *	/proc/sys in the caller's file system view).
 */
ssize_t ltcp_cong_available(char *buf, size_t size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	f = filp_open("/proc/sys/net/ipv4/tcp_available_congestion_control",
		      O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, size - 1, &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return n;
}
