/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peer_env: what the scripted-peer tests share. The stack under test
 * (LTCP_PEER_PROTO: unset, "tcp" or 0 for the kernel's TCP, "ltcp" or 253
 * for ltcp), a network namespace of the test's own with the peer's TUN,
 * and the local listener and connection. Include it after
 * kselftest_harness.h: the functions take the harness's _metadata and use
 * its ASSERT and SKIP.
 */
#ifndef _LTCP_PEER_ENV_H
#define _LTCP_PEER_ENV_H

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ltcp.h"
#include "peer.h"

/* struct tcp_info: from <linux/tcp.h> if the test took it (newer
 * fields), else from the C library's header.
 */
#if !defined(_LINUX_TCP_H) && !defined(_NETINET_TCP_H)
#include <netinet/tcp.h>
#endif

#define PEER_ENV_LOCAL_PORT	8080	/* the stack under test */
#define PEER_ENV_PEER_PORT	40000	/* the scripted peer */

/**
 * struct peer_env - what a scripted-peer test works on
 * @p: the peer and its TUN
 * @c: the connection the script plays
 * @proto: the protocol of the local sockets (0: the kernel's TCP)
 * @lfd: the local listener, or -1
 * @fd: the local connected socket, or -1
 * @ready: set up; false when the test was skipped
 */
struct peer_env {
	struct peer p;
	struct peer_conn c;
	int proto;
	int lfd;
	int fd;
	bool ready;
};

/* The protocol LTCP_PEER_PROTO names. */
static inline int peer_env_proto(void)
{
	const char *s = getenv("LTCP_PEER_PROTO");

	if (!s || !*s || !strcmp(s, "tcp"))
		return 0;
	if (!strcmp(s, "ltcp"))
		return IPPROTO_LTCP;
	return atoi(s);
}

/* /dev/net/tun appears when tun is loaded; load it only in the test VM. */
static inline bool peer_env_have_tun(void)
{
	struct stat st;

	if (!stat("/dev/net/tun", &st))
		return true;
	if (getenv("LTCP_VM") && !system("modprobe tun 2>/dev/null"))
		return !stat("/dev/net/tun", &st);
	return false;
}

/*
 * A counter of the test's namespace: @name on the @prefix lines of @path
 * ("/proc/net/netstat" and "TcpExt:" for what nstat shows as TcpExt*,
 * "/proc/net/snmp" and "Tcp:" for Tcp*); -1 if absent.
 */
static inline long peer_env_mib(const char *path, const char *prefix,
				const char *name)
{
	static char names[8192], values[8192];
	char *n, *v, *sn, *sv;
	long ret = -1;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(names, sizeof(names), f)) {
		if (strncmp(names, prefix, strlen(prefix)) ||
		    !fgets(values, sizeof(values), f))
			continue;
		n = strtok_r(names, "\n ", &sn);
		v = strtok_r(values, "\n ", &sv);
		while (n && v) {
			if (!strcmp(n, name)) {
				ret = atol(v);
				break;
			}
			n = strtok_r(NULL, "\n ", &sn);
			v = strtok_r(NULL, "\n ", &sv);
		}
		break;
	}
	fclose(f);
	return ret;
}

/*
 * A fresh namespace with the TUN, the protocol checked, the connection of
 * @family initialised; e->ready tells the test it may go on (a skip
 * leaves it false). In the test VM a missing TUN is a failure.
 */
static inline void peer_env_setup(struct __test_metadata *_metadata,
				  struct peer_env *e, int family)
{
	const char *v = getenv("PEER_VERBOSE");

	e->lfd = -1;
	e->fd = -1;
	e->ready = false;
	e->proto = peer_env_proto();
	ASSERT_TRUE(peer_env_have_tun() || !getenv("LTCP_VM"))
		TH_LOG("no /dev/net/tun in the test VM");
	if (!peer_env_have_tun())
		SKIP(return, "no /dev/net/tun");
	if (peer_netns_new())
		SKIP(return, "no network namespace: %s", strerror(errno));
	ASSERT_EQ(0, peer_open(&e->p, NULL))
		TH_LOG("peer_open: %s", strerror(errno));
	if (family == AF_INET6 && !e->p.has_ipv6)
		SKIP(return, "no IPv6");
	e->p.verbose = v ? atoi(v) : 1;
	if (e->proto) {
		int fd = socket(family, SOCK_STREAM, e->proto);

		if (fd < 0)
			SKIP(return, "no protocol %d: %s", e->proto,
			     strerror(errno));
		close(fd);
	}
	peer_conn_init(&e->c, &e->p, family, PEER_ENV_LOCAL_PORT,
		       PEER_ENV_PEER_PORT);
	e->ready = true;
}

/* A TcpExt counter of this namespace, as nstat shows it; -1 if absent. */
static inline long peer_env_tcpext(const char *name)
{
	return peer_env_mib("/proc/net/netstat", "TcpExt:", name);
}

/*
 * TCP_INFO of @fd, @settle_us after the call (time for the last segment
 * the peer wrote to be processed; 0 where the test times what follows).
 */
static inline void peer_env_info(struct __test_metadata *_metadata, int fd,
				 struct tcp_info *info, unsigned int settle_us)
{
	socklen_t len = sizeof(*info);

	if (settle_us)
		usleep(settle_us);
	memset(info, 0, sizeof(*info));
	ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, &len));
}

static inline int peer_env_write_sysctl(const char *path, int val)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -1;
	ret = fprintf(f, "%d\n", val) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

/*
 * Set the stack under test's knob @name in this namespace:
 * net.ltcp.@name for ltcp, net.ipv4.tcp_@name for the kernel's TCP (the
 * names match: early_retrans, frto, sack, recovery...).
 */
static inline int peer_env_stack_sysctl(const struct peer_env *e,
					const char *name, int val)
{
	char path[128];

	snprintf(path, sizeof(path), e->proto ? "/proc/sys/net/ltcp/%s" :
		 "/proc/sys/net/ipv4/tcp_%s", name);
	return peer_env_write_sysctl(path, val);
}

/*
 * The loss recovery of the stack under test reduced to RFC 6675 alone: for
 * the kernel's TCP no RACK, TLP, F-RTO; for ltcp net.ltcp.early_retrans=0,
 * net.ltcp.recovery=0 and net.ltcp.frto=0 (no TLP, no RACK, no F-RTO).
 * The reference for the recovery tests written before RACK-TLP.
 */
static inline void peer_env_rfc6675(struct __test_metadata *_metadata,
				    struct peer_env *e)
{
	if (e->proto) {
		ASSERT_EQ(0, peer_env_write_sysctl("/proc/sys/net/ltcp/early_retrans",
						   0));
		ASSERT_EQ(0, peer_env_write_sysctl("/proc/sys/net/ltcp/recovery",
						   0));
		ASSERT_EQ(0, peer_env_write_sysctl("/proc/sys/net/ltcp/frto",
						   0));
		return;
	}
	ASSERT_EQ(0, peer_env_write_sysctl("/proc/sys/net/ipv4/tcp_recovery",
					   0));
	ASSERT_EQ(0, peer_env_write_sysctl("/proc/sys/net/ipv4/tcp_early_retrans",
					   0));
	ASSERT_EQ(0, peer_env_write_sysctl("/proc/sys/net/ipv4/tcp_frto", 0));
}

/* peer_env_setup(), then peer_env_rfc6675(). */
static inline void peer_env_setup_rfc6675(struct __test_metadata *_metadata,
					  struct peer_env *e, int family)
{
	peer_env_setup(_metadata, e, family);
	if (e->ready)
		peer_env_rfc6675(_metadata, e);
}

/*
 * Close with SO_LINGER 0: a RST, no orphan. The peer is gone with its
 * TUN, so an orphan would retransmit its FIN into nothing for
 * tcp_orphan_retries' 100 s and, on ltcp, hold ltcp.ko that long
 * (ltcp_unload.sh runs last). Every socket a test accepts or connects
 * ends this way.
 */
static inline void peer_env_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

static inline void peer_env_teardown(struct peer_env *e)
{
	peer_env_abort(e->fd);
	if (e->lfd >= 0)
		close(e->lfd);
	peer_close(&e->p);
}

/* A local listener of @family on the test's address and port. */
static inline void peer_env_listen(struct __test_metadata *_metadata,
				   struct peer_env *e, int family)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1;

	len = peer_sockaddr(&e->p, family, true, PEER_ENV_LOCAL_PORT, &ss);
	e->lfd = socket(family, SOCK_STREAM, e->proto);
	ASSERT_LE(0, e->lfd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(0, setsockopt(e->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)));
	ASSERT_EQ(0, bind(e->lfd, (struct sockaddr *)&ss, len))
		TH_LOG("bind: %s", strerror(errno));
	ASSERT_EQ(0, listen(e->lfd, 8)) TH_LOG("listen: %s", strerror(errno));
}

/* Accept within 3 s; the socket reads with a 3 s timeout. */
static inline int peer_env_accept(struct __test_metadata *_metadata,
				  struct peer_env *e)
{
	struct pollfd pfd = { .fd = e->lfd, .events = POLLIN };
	struct timeval tv = { .tv_sec = 3 };
	int fd;

	EXPECT_EQ(1, poll(&pfd, 1, 3000)) TH_LOG("no connection to accept");
	fd = accept(e->lfd, NULL, NULL);
	EXPECT_LE(0, fd) TH_LOG("accept: %s", strerror(errno));
	if (fd >= 0)
		EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
					sizeof(tv)));
	return fd;
}

/* The SYN options of a scripted peer offering SACK and window scaling,
 * and the SYN-ACK options it expects back from either stack.
 */
#define PEER_ENV_SYN_SACK	"nop,nop,sackOK,nop,wscale 7"
#define PEER_ENV_SYNACK_SACK	"nop,nop,sackOK,nop,wscale *"
#define PEER_ENV_HS_ACK		". 1:1(0) ack 1 win 1000"

/*
 * A passive open the scripted peer drives, as most peer tests start: a
 * local listener of @family, the peer's SYN (MSS @mss, then @syn_opts,
 * "" for none), the SYN-ACK with @synack_opts, after @delay_ms (the
 * handshake's RTT sample) the ACK @ack; accepted into e->fd with
 * TCP_NODELAY.
 */
static inline void peer_env_passive_open(struct __test_metadata *_metadata,
					 struct peer_env *e, int family,
					 unsigned int mss,
					 const char *syn_opts,
					 const char *synack_opts,
					 unsigned int delay_ms,
					 const char *ack)
{
	int one = 1;

	peer_env_listen(_metadata, e, family);
	ASSERT_EQ(0, peer_send(&e->c, "S 0:0(0) win 65535 <mss %u%s%s>", mss,
			       *syn_opts ? "," : "", syn_opts));
	ASSERT_EQ(0, peer_expect(&e->c, "S. 0:0(0) ack 1 <mss *%s%s>",
				 *synack_opts ? "," : "", synack_opts));
	if (delay_ms)
		usleep(delay_ms * 1000);
	ASSERT_EQ(0, peer_send(&e->c, "%s", ack));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
	ASSERT_EQ(0, setsockopt(e->fd, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)));
}

#endif /* _LTCP_PEER_ENV_H */
