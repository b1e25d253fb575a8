// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp's per-namespace state: the sysctls (/proc/sys/net/ltcp/) and the
 * control socket that sends IPv6 replies no full socket stands behind.
 *
 * The knobs mirror the documented net.ipv4.tcp_* tunables: the names without
 * the tcp_ prefix, the same units, ranges and defaults. Each one is read
 * where the behaviour it changes is; Documentation/sysctl.rst lists them.
 */
#include <linux/slab.h>
#include <linux/sysctl.h>
#include <net/inet_common.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/tcp.h>

#include "ltcp.h"

static unsigned int ltcp_net_id __read_mostly;

static int ltcp_one = 1;
static int ltcp_max_syn_retries = MAX_TCP_SYNCNT;
static int ltcp_max_retries = 255;
static int ltcp_max_keepcnt = MAX_TCP_KEEPCNT;

/* The template: each namespace gets a copy whose .data point into its own
 * struct ltcp_net (the offsets below).
 */
static struct ctl_table ltcp_sysctl_table[] = {
	{
		.procname	= "syn_retries",
		.data		= (void *)offsetof(struct ltcp_net, syn_retries),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ltcp_one,
		.extra2		= &ltcp_max_syn_retries,
	},
	{
		.procname	= "retries2",
		.data		= (void *)offsetof(struct ltcp_net, retries2),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ltcp_max_retries,
	},
	{
		.procname	= "keepalive_time",
		.data		= (void *)offsetof(struct ltcp_net, keepalive_time),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_jiffies,
	},
	{
		.procname	= "keepalive_intvl",
		.data		= (void *)offsetof(struct ltcp_net, keepalive_intvl),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_jiffies,
	},
	{
		.procname	= "keepalive_probes",
		.data		= (void *)offsetof(struct ltcp_net, keepalive_probes),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ltcp_max_keepcnt,
	},
	{
		.procname	= "fin_timeout",
		.data		= (void *)offsetof(struct ltcp_net, fin_timeout),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_jiffies,
	},
	{
		.procname	= "timestamps",
		.data		= (void *)offsetof(struct ltcp_net, timestamps),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "window_scaling",
		.data		= (void *)offsetof(struct ltcp_net, window_scaling),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "ecn",
		.data		= (void *)offsetof(struct ltcp_net, ecn),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
	},
	{ }
};

static void ltcp_net_defaults(struct ltcp_net *ln)
{
	/* Linux's defaults (Documentation/networking/ip-sysctl.rst). */
	ln->syn_retries = LTCP_SYN_RETRIES;
	ln->retries2 = LTCP_RETRIES2;
	ln->keepalive_time = 7200 * HZ;
	ln->keepalive_intvl = 75 * HZ;
	ln->keepalive_probes = 9;
	ln->fin_timeout = LTCP_FIN_TIMEOUT;
	ln->timestamps = 1;
	ln->window_scaling = 1;
	ln->ecn = 2;
}

static int __net_init ltcp_net_init(struct net *net)
{
	struct ltcp_net *ln = net_generic(net, ltcp_net_id);
	struct ctl_table *table;
	int i, err;

	ltcp_net_defaults(ln);
	table = kmemdup(ltcp_sysctl_table, sizeof(ltcp_sysctl_table),
			GFP_KERNEL);
	if (!table)
		return -ENOMEM;
	for (i = 0; table[i].procname; i++)
		table[i].data = (char *)ln + (uintptr_t)table[i].data;

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
 * ltcp_net() - ltcp's state in a namespace
 * @net: the namespace
 *
 * Return: its struct ltcp_net.
 */
struct ltcp_net *ltcp_net(const struct net *net)
{
	return net_generic(net, ltcp_net_id);
}

/**
 * ltcp_ctl_sock6() - the namespace's socket for IPv6 replies
 * @net: the namespace
 *
 * Return: the control socket.
 */
struct sock *ltcp_ctl_sock6(struct net *net)
{
	return ltcp_net(net)->ctl_sk6;
}

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
