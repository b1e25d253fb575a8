/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ltcp internal header: the socket object and the interfaces between the
 * files of ltcp.ko, grouped by the file that defines them.
 */
#ifndef _LTCP_LTCP_H
#define _LTCP_LTCP_H

#include <linux/tcp.h>
#include <net/inet_connection_sock.h>
#include <net/ipv6.h>
#include <uapi/ltcp.h>

#define LTCP_VERSION	"0.1.0"

/**
 * struct ltcp_sock - an ltcp endpoint
 * @tp: the standard TCP socket fields. It comes first so that tcp_sk(),
 *	inet_csk() and inet_sk() work on an ltcp socket: congestion-control
 *	modules (struct tcp_congestion_ops) and generic inet code read those
 *	fields, and ltcp keeps them current where the kernel's TCP would.
 */
struct ltcp_sock {
	struct tcp_sock tp;
};

/**
 * struct ltcp6_sock - an ltcp endpoint of family AF_INET6
 * @ltcp: the family-independent part
 * @inet6: IPv6 state; it must be last, inet6_sk_generic() finds it at
 *	obj_size - sizeof(struct ipv6_pinfo)
 */
struct ltcp6_sock {
	struct ltcp_sock ltcp;
	struct ipv6_pinfo inet6;
};

static inline struct ltcp_sock *ltcp_sk(const struct sock *sk)
{
	return (struct ltcp_sock *)sk;
}

/* af_ltcp.c */
int ltcp_af_init(void);
void ltcp_af_exit(void);

/* sysctl.c */
int ltcp_sysctl_init(void);
void ltcp_sysctl_exit(void);

#endif /* _LTCP_LTCP_H */
