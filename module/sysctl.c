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
static int ltcp_u8_max = 255;
static int ltcp_buf_min = 4096;
static int ltcp_delack_seg_max = LTCP_DELACK_SEG_MAX;
static int ltcp_rto_max_min = 1000;
static int ltcp_rto_max_max = LTCP_RTO_MAX_MS;
static int ltcp_early_retrans_max = 4;
static int ltcp_recovery_max = LTCP_RECOVERY_MASK;
static int ltcp_reordering_max = LTCP_REORDERING_LIMIT;

static struct ltcp_net *ltcp_net_of(struct ctl_table *table, size_t offset)
{
	return (struct ltcp_net *)((char *)table->data - offset);
}

/* net.ltcp.congestion_control: a name, resolved on write (cong.c). */
static int ltcp_proc_congestion_control(struct ctl_table *table, int write,
					void *buffer, size_t *lenp,
					loff_t *ppos)
{
	struct ltcp_net *ln = ltcp_net_of(table, offsetof(struct ltcp_net,
							  ca_default));
	char name[TCP_CA_NAME_MAX];
	struct ctl_table tbl = {
		.data = name,
		.maxlen = sizeof(name),
	};
	int err;

	ltcp_cong_get_default(ln->net, name);
	err = proc_dostring(&tbl, write, buffer, lenp, ppos);
	if (write && !err)
		err = ltcp_cong_set_default(ln->net, name);
	return err;
}

/* net.ltcp.available_congestion_control: read only. */
static int ltcp_proc_available_cc(struct ctl_table *table, int write,
				  void *buffer, size_t *lenp, loff_t *ppos)
{
	struct ctl_table tbl = { .maxlen = TCP_CA_BUF_MAX };
	ssize_t n;
	int err;

	tbl.data = kmalloc(TCP_CA_BUF_MAX, GFP_KERNEL);
	if (!tbl.data)
		return -ENOMEM;
	n = ltcp_cong_available(tbl.data, TCP_CA_BUF_MAX);
	err = n < 0 ? n : proc_dostring(&tbl, write, buffer, lenp, ppos);
	kfree(tbl.data);
	return err;
}

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
		.procname	= "retries1",
		.data		= (void *)offsetof(struct ltcp_net, retries1),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ltcp_max_retries,
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
		.procname	= "sack",
		.data		= (void *)offsetof(struct ltcp_net, sack),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "dsack",
		.data		= (void *)offsetof(struct ltcp_net, dsack),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "early_retrans",
		.data		= (void *)offsetof(struct ltcp_net, early_retrans),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ltcp_early_retrans_max,
	},
	{
		.procname	= "frto",
		.data		= (void *)offsetof(struct ltcp_net, frto),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec,
	},
	{
		.procname	= "recovery",
		.data		= (void *)offsetof(struct ltcp_net, recovery),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ltcp_recovery_max,
	},
	{
		.procname	= "reordering",
		.data		= (void *)offsetof(struct ltcp_net, reordering),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ONE,
		.extra2		= &ltcp_reordering_max,
	},
	{
		.procname	= "max_reordering",
		.data		= (void *)offsetof(struct ltcp_net, max_reordering),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ONE,
		.extra2		= &ltcp_reordering_max,
	},
	{
		.procname	= "tw_reuse",
		.data		= (void *)offsetof(struct ltcp_net, tw_reuse_mode),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_TWO,
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
	{
		.procname	= "synack_retries",
		.data		= (void *)offsetof(struct ltcp_net, synack_retries),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ltcp_u8_max,
	},
	{
		.procname	= "max_syn_backlog",
		.data		= (void *)offsetof(struct ltcp_net, max_syn_backlog),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
	},
	{
		.procname	= "delack_seg",
		.data		= (void *)offsetof(struct ltcp_net, delack_seg),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ONE,
		.extra2		= &ltcp_delack_seg_max,
	},
	{
		.procname	= "comp_sack_delay_ns",
		.data		= (void *)offsetof(struct ltcp_net,
					   comp_sack_delay_ns),
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{
		.procname	= "comp_sack_slack_ns",
		.data		= (void *)offsetof(struct ltcp_net,
					   comp_sack_slack_ns),
		.maxlen		= sizeof(unsigned long),
		.mode		= 0644,
		.proc_handler	= proc_doulongvec_minmax,
	},
	{
		.procname	= "comp_sack_nr",
		.data		= (void *)offsetof(struct ltcp_net, comp_sack_nr),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= &ltcp_u8_max,
	},
	{
		.procname	= "rmem",
		.data		= (void *)offsetof(struct ltcp_net, rmem),
		.maxlen		= sizeof(int) * 3,
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ltcp_buf_min,
	},
	{
		.procname	= "moderate_rcvbuf",
		.data		= (void *)offsetof(struct ltcp_net, moderate_rcvbuf),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ZERO,
		.extra2		= SYSCTL_ONE,
	},
	{
		.procname	= "wmem",
		.data		= (void *)offsetof(struct ltcp_net, wmem),
		.maxlen		= sizeof(int) * 3,
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ltcp_buf_min,
	},
	{
		.procname	= "rto_min_us",
		.data		= (void *)offsetof(struct ltcp_net, rto_min_us),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= SYSCTL_ONE,
	},
	{
		.procname	= "rto_max_ms",
		.data		= (void *)offsetof(struct ltcp_net, rto_max_ms),
		.maxlen		= sizeof(int),
		.mode		= 0644,
		.proc_handler	= proc_dointvec_minmax,
		.extra1		= &ltcp_rto_max_min,
		.extra2		= &ltcp_rto_max_max,
	},
	{
		.procname	= "congestion_control",
		.data		= (void *)offsetof(struct ltcp_net, ca_default),
		.maxlen		= TCP_CA_NAME_MAX,
		.mode		= 0644,
		.proc_handler	= ltcp_proc_congestion_control,
	},
	{
		.procname	= "available_congestion_control",
		.maxlen		= TCP_CA_BUF_MAX,
		.mode		= 0444,
		.proc_handler	= ltcp_proc_available_cc,
	},
	{ }
};

static void ltcp_net_defaults(struct net *net, struct ltcp_net *ln)
{
	struct net *from = net_eq(net, &init_net) ? NULL : &init_net;
	int i;

	/* Linux's defaults (Documentation/networking/ip-sysctl.rst). */
	ln->syn_retries = LTCP_SYN_RETRIES;
	ln->retries1 = LTCP_RETRIES1;
	ln->retries2 = LTCP_RETRIES2;
	ln->keepalive_time = 7200 * HZ;
	ln->keepalive_intvl = 75 * HZ;
	ln->keepalive_probes = 9;
	ln->fin_timeout = LTCP_FIN_TIMEOUT;
	ln->timestamps = 1;
	ln->window_scaling = 1;
	ln->sack = 1;
	ln->dsack = 1;
	ln->early_retrans = LTCP_EARLY_RETRANS_TLP;
	ln->frto = 2;
	ln->recovery = LTCP_RECOVERY_RACK;
	ln->reordering = LTCP_REORDERING;
	ln->max_reordering = LTCP_MAX_REORDERING;
	ln->ecn = 2;
	ln->tw_reuse_mode = 2;
	ln->synack_retries = LTCP_SYNACK_RETRIES;
	ln->delack_seg = LTCP_DELACK_SEG;
	/* Linux's tcp_comp_sack_* defaults: 1 ms, 100 us, 44. */
	ln->comp_sack_delay_ns = NSEC_PER_MSEC;
	ln->comp_sack_slack_ns = 100 * NSEC_PER_USEC;
	ln->comp_sack_nr = 44;
	ln->moderate_rcvbuf = 1;
	/* The buffer sizes Linux chose for this machine: the initial
	 * namespace starts with its tcp_rmem and tcp_wmem, every other one
	 * with the initial namespace's net.ltcp values, as Linux's own
	 * namespaces copy the initial one's.
	 */
	for (i = 0; i < 3; i++) {
		ln->rmem[i] = from ? READ_ONCE(ltcp_net(from)->rmem[i]) :
				     READ_ONCE(net->ipv4.sysctl_tcp_rmem[i]);
		ln->wmem[i] = from ? READ_ONCE(ltcp_net(from)->wmem[i]) :
				     READ_ONCE(net->ipv4.sysctl_tcp_wmem[i]);
	}
	/* Linux sizes it by the established hash: 1 per 128 buckets. */
	ln->max_syn_backlog = max_t(int, 128,
				    (ltcp_hashinfo(net)->ehash_mask + 1) / 128);
	/* Linux 6.11's tcp_rto_min_us and 6.15's tcp_rto_max_ms. */
	ln->rto_min_us = LTCP_RTO_MIN_US;
	ln->rto_max_ms = LTCP_RTO_MAX_MS;
}

static int __net_init ltcp_net_init(struct net *net)
{
	struct ltcp_net *ln = net_generic(net, ltcp_net_id);
	struct ctl_table *table;
	int i, err;

	ln->net = net;
	ltcp_net_defaults(net, ln);
	err = ltcp_cong_net_init(net);
	if (err)
		return err;
	err = inet_ctl_sock_create(&ln->ctl_sk6, PF_INET6, SOCK_RAW,
				   IPPROTO_TCP, net);
	if (err)
		goto err_ctl;
	err = -ENOMEM;
	table = kmemdup(ltcp_sysctl_table, sizeof(ltcp_sysctl_table),
			GFP_KERNEL);
	if (!table)
		goto err_table;
	/* Offset 0 is ln->net, no knob: a NULL .data has no storage. */
	for (i = 0; table[i].procname; i++)
		if (table[i].data)
			table[i].data = (char *)ln + (uintptr_t)table[i].data;

	ln->sysctl_header = register_net_sysctl(net, "net/ltcp", table);
	if (!ln->sysctl_header)
		goto err_register;
	return 0;

err_register:
	kfree(table);
err_table:
	inet_ctl_sock_destroy(ln->ctl_sk6);
err_ctl:
	ltcp_cong_net_exit(net);
	return err;
}

static void __net_exit ltcp_net_exit(struct net *net)
{
	struct ltcp_net *ln = net_generic(net, ltcp_net_id);
	struct ctl_table *table = ln->sysctl_header->ctl_table_arg;

	unregister_net_sysctl_table(ln->sysctl_header);
	kfree(table);
	inet_ctl_sock_destroy(ln->ctl_sk6);
	ltcp_cong_net_exit(net);
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
