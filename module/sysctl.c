// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp sysctls: /proc/sys/net/ltcp/, one instance per network namespace.
 *
 * The knobs mirror the documented net.ipv4.tcp_* tunables (names without the
 * tcp_ prefix, the same defaults); each is added together with the code whose
 * behaviour it changes, see Documentation/sysctl.rst.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "ltcp.h"

/**
 * struct ltcp_net - ltcp's per-namespace state
 * @sysctl_header: the registration of this namespace's net/ltcp table
 */
struct ltcp_net {
	struct ctl_table_header *sysctl_header;
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

	table = kmemdup(ltcp_sysctl_table, sizeof(ltcp_sysctl_table),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;

	ln->sysctl_header = register_net_sysctl(net, "net/ltcp", table);
	if (!ln->sysctl_header) {
		kfree(table);
		return -ENOMEM;
	}
	return 0;
}

static void __net_exit ltcp_net_exit(struct net *net)
{
	struct ltcp_net *ln = net_generic(net, ltcp_net_id);
	struct ctl_table *table = ln->sysctl_header->ctl_table_arg;

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
