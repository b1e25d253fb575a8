// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp's per-namespace state: the sysctls (/proc/sys/net/ltcp/) and the
 * control socket that sends IPv6 replies no full socket stands behind.
 *
 * The knobs mirror the documented net.ipv4.tcp_* tunables (names without the
 * tcp_ prefix, the same defaults); each is added together with the code whose
 * behaviour it changes, see Documentation/sysctl.rst.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/inet_common.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "ltcp.h"

/**
 * struct ltcp_net - ltcp's per-namespace state
 * @sysctl_header: the registration of this namespace's net/ltcp table
 * @ctl_sk6: a raw IPv6 socket of protocol TCP: ip6_xmit() needs a socket
 *	(for its namespace and hop limit) even for a RST or a TIME-WAIT ACK
 */
struct ltcp_net {
	struct ctl_table_header *sysctl_header;
	struct sock *ctl_sk6;
};

static unsigned int ltcp_net_id __read_mostly;

/* The template duplicated for every namespace; the sentinel alone still
 * creates the directory, which is the interface users look for.
 */
static struct ctl_table ltcp_sysctl_table[] = {
	{ }
};

static int __net_init ltcp_net_init(struct net *net)
{
	struct ltcp_net *ln = net_generic(net, ltcp_net_id);
	struct ctl_table *table;
	int err;

	table = kmemdup(ltcp_sysctl_table, sizeof(ltcp_sysctl_table),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;

	ln->sysctl_header = register_net_sysctl(net, "net/ltcp", table);
	if (!ln->sysctl_header) {
		kfree(table);
		return -ENOMEM;
	}
	err = inet_ctl_sock_create(&ln->ctl_sk6, PF_INET6, SOCK_RAW,
				   IPPROTO_TCP, net);
	if (err) {
		unregister_net_sysctl_table(ln->sysctl_header);
		kfree(table);
		return err;
	}
	return 0;
}

/**
 * ltcp_ctl_sock6() - the namespace's socket for IPv6 replies
 * @net: the namespace
 *
 * Return: the control socket.
 */
struct sock *ltcp_ctl_sock6(struct net *net)
{
	struct ltcp_net *ln = net_generic(net, ltcp_net_id);

	return ln->ctl_sk6;
}

static void __net_exit ltcp_net_exit(struct net *net)
{
	struct ltcp_net *ln = net_generic(net, ltcp_net_id);
	struct ctl_table *table = ln->sysctl_header->ctl_table_arg;

	inet_ctl_sock_destroy(ln->ctl_sk6);
	unregister_net_sysctl_table(ln->sysctl_header);
	kfree(table);
}

static struct pernet_operations ltcp_net_ops = {
	.init = ltcp_net_init,
	.exit = ltcp_net_exit,
	.id = &ltcp_net_id,
	.size = sizeof(struct ltcp_net),
};

/**
 * ltcp_sysctl_init() - create net/ltcp in every namespace, now and later
 *
 * Return: 0 or a negative errno.
 */
int ltcp_sysctl_init(void)
{
	return register_pernet_subsys(&ltcp_net_ops);
}

/**
 * ltcp_sysctl_exit() - remove net/ltcp from every namespace
 */
void ltcp_sysctl_exit(void)
{
	unregister_pernet_subsys(&ltcp_net_ops);
}
