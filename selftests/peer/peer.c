// SPDX-License-Identifier: GPL-2.0
/*
 * peer: a scripted TCP peer behind a TUN device. See peer.h for the segment
 * syntax and the conventions.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "peer.h"

#define LINE_MAX_LEN	1024

/* Extras only a sent segment can carry. */
#define HAVE_SEND_ONLY	(PEER_HAVE_CSUM | PEER_HAVE_CSUM_BAD | \
			 PEER_HAVE_IPCSUM_BAD | PEER_HAVE_DOFF | \
			 PEER_HAVE_RES | PEER_HAVE_TRUNC)

static void __printf(1, 2) perr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("peer: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* Append to a NUL-terminated buffer, truncating silently. */
static void __printf(3, 4) cat(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

static void now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

double peer_ms(const struct timespec *from, const struct timespec *to)
{
	return (to->tv_sec - from->tv_sec) * 1e3 +
	       (to->tv_nsec - from->tv_nsec) / 1e6;
}

double peer_rx_delay_ms(const struct peer_conn *c)
{
	return peer_ms(&c->last_tx, &c->last.t);
}

static void put16(u8 *b, u16 v)
{
	b[0] = v >> 8;
	b[1] = v;
}

static void put32(u8 *b, u32 v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

static u16 get16(const u8 *b)
{
	return b[0] << 8 | b[1];
}

static u32 get32(const u8 *b)
{
	return (u32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

/* RFC 1071 sum of big-endian 16-bit words. */
static u64 csum_add(u64 sum, const u8 *b, size_t len)
{
	while (len > 1) {
		sum += get16(b);
		b += 2;
		len -= 2;
	}
	if (len)
		sum += b[0] << 8;
	return sum;
}

static u16 csum_fold(u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/* The TCP checksum over the pseudo-header of RFC 793 or RFC 8200 8.1. */
static u16 tcp_csum(int family, const u8 *src, const u8 *dst,
		    const u8 *seg, size_t len)
{
	int alen = family == AF_INET ? 4 : 16;
	u64 sum = 0;

	sum = csum_add(sum, src, alen);
	sum = csum_add(sum, dst, alen);
	sum += IPPROTO_TCP + (len & 0xffff) + (len >> 16);
	return csum_fold(csum_add(sum, seg, len));
}

void peer_pattern(void *buf, u32 rel_seq, size_t len)
{
	u8 *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (u8)((u32)(rel_seq + i) * 2654435761u >> 24);
}

const u8 *peer_data(const struct peer_pkt *pkt)
{
	return pkt->buf + pkt->data_off;
}

/* Setup: namespace, TUN, addresses. */

static int ifflags_up(const char *ifname)
{
	struct ifreq ifr;
	int fd, ret = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

static int set_mtu(const char *ifname, int mtu)
{
	struct ifreq ifr;
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
	ifr.ifr_mtu = mtu;
	ret = ioctl(fd, SIOCSIFMTU, &ifr);
	close(fd);
	return ret;
}

/**
 * peer_netns_new() - move the calling process to a new network namespace
 *
 * The TUN, the addresses, the sockets and the per-namespace TCP sysctls and
 * counters of a test then vanish with it. Brings lo up.
 *
 * Return: 0, or -1 with errno set.
 */
int peer_netns_new(void)
{
	if (unshare(CLONE_NEWNET))
		return -1;
	return ifflags_up("lo");
}

static int write_sysctl(const char *fmt, const char *ifname, const char *val)
{
	char path[256];
	int fd, ret = 0;

	snprintf(path, sizeof(path), fmt, ifname);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (write(fd, val, strlen(val)) < 0)
		ret = -1;
	close(fd);
	return ret;
}

static void rta_add(char *msg, int type, const void *data, int len)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)msg;
	struct rtattr *rta;

	rta = (struct rtattr *)(msg + NLMSG_ALIGN(nh->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* RTM_NEWADDR: "ip addr add ADDR/PLEN dev IF nodad". */
/* Is there a local route (RTF_LOCAL) to @want, 32 hex digits? */
static bool ipv6_local_route(const char *want)
{
	char dst[33], rest[256];
	unsigned int plen, flags;
	bool found = false;
	FILE *f;

	f = fopen("/proc/net/ipv6_route", "r");
	if (!f)
		return true;
	/* dst plen src splen nexthop metric refcnt use flags dev */
	while (fscanf(f, "%32s %x %*s %*s %*s %*s %*s %*s %x %255s", dst,
		      &plen, &flags, rest) == 4) {
		if (plen == 128 && (flags & 0x80000000u) && !strcmp(dst, want))
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * Wait (up to 2 s) until the IPv6 address @addr on @ifindex has left the
 * tentative state and its local route is in. Even with nodad, addrconf
 * finishes the address from a work queue, and installs the local route
 * after it clears the tentative flag: a SYN sent a few milliseconds after
 * peer_open() was dropped (seen as "no SYN-ACK" in an IPv6 test, now and
 * then, first with no wait, then, rarer, with a wait for the flag only).
 */
static void wait_ipv6_ready(int ifindex, const struct in6_addr *addr)
{
	char want[33], hex[33], name[IFNAMSIZ + 1];
	unsigned int idx, plen, scope, flags;
	int i, tries;
	FILE *f;

	for (i = 0; i < 16; i++)
		sprintf(want + 2 * i, "%02x", addr->s6_addr[i]);
	for (tries = 0; tries < 2000; tries++) {
		bool tentative = true;

		f = fopen("/proc/net/if_inet6", "r");
		if (!f)
			return;
		while (fscanf(f, "%32s %x %x %x %x %16s", hex, &idx, &plen,
			      &scope, &flags, name) == 6) {
			if (idx == (unsigned int)ifindex && !strcmp(hex, want))
				tentative = flags & IFA_F_TENTATIVE;
		}
		fclose(f);
		if (!tentative && ipv6_local_route(want))
			return;
		usleep(1000);
	}
}

static int rtnl_addr_add(int ifindex, int family, const void *addr, int plen)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	union {
		struct {
			struct nlmsghdr nh;
			struct ifaddrmsg ifa;
		};
		char buf[256];
	} req;
	int alen = family == AF_INET ? 4 : 16;
	u32 flags = IFA_F_NODAD;
	struct nlmsghdr *nh;
	char ack[1024];
	int fd, ret = -1;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifa));
	req.nh.nlmsg_type = RTM_NEWADDR;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE |
			     NLM_F_EXCL;
	req.ifa.ifa_family = family;
	req.ifa.ifa_prefixlen = plen;
	req.ifa.ifa_index = ifindex;
	req.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	rta_add(req.buf, IFA_LOCAL, addr, alen);
	rta_add(req.buf, IFA_ADDRESS, addr, alen);
	if (family == AF_INET6)
		rta_add(req.buf, IFA_FLAGS, &flags, sizeof(flags));

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0)
		goto out;
	n = recv(fd, ack, sizeof(ack), 0);
	nh = (struct nlmsghdr *)ack;
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) ||
	    nh->nlmsg_type != NLMSG_ERROR)
		goto out;
	errno = -((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	ret = errno ? -1 : 0;
out:
	close(fd);
	return ret;
}

/**
 * peer_open() - create the TUN and give both of its ends their addresses
 * @p: the peer to set up
 * @cfg: the addresses, or NULL for the defaults of peer.h
 *
 * The TUN is IFF_TUN | IFF_NO_PI, up, with the stack's addresses on it and
 * a route to the peer's through it. IPv6 on it makes no link-local address,
 * no DAD and no router solicitation (other packets the kernel sends there
 * are skipped by the reader anyway).
 *
 * Return: 0, or -1 with errno set (ENOENT: no /dev/net/tun).
 */
int peer_open(struct peer *p, const struct peer_cfg *cfg)
{
	static const struct peer_cfg defaults = {
		.ifname = PEER_IFNAME,
		.local4 = PEER_LOCAL4, .remote4 = PEER_REMOTE4, .plen4 = 24,
		.local6 = PEER_LOCAL6, .remote6 = PEER_REMOTE6, .plen6 = 64,
		.mtu = 1500,
	};
	struct peer_cfg d = cfg ? *cfg : defaults;
	const char *v = getenv("PEER_VERBOSE");
	struct ifreq ifr;
	struct stat st;
	int err;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	p->verbose = v ? atoi(v) : 0;
	now(&p->t0);
	d.ifname = d.ifname ?: defaults.ifname;
	d.local4 = d.local4 ?: defaults.local4;
	d.remote4 = d.remote4 ?: defaults.remote4;
	d.plen4 = d.plen4 ?: defaults.plen4;
	d.local6 = d.local6 ?: defaults.local6;
	d.remote6 = d.remote6 ?: defaults.remote6;
	d.plen6 = d.plen6 ?: defaults.plen6;
	d.mtu = d.mtu ?: defaults.mtu;
	p->mtu = d.mtu;
	if (inet_pton(AF_INET, d.local4, &p->local4) != 1 ||
	    inet_pton(AF_INET, d.remote4, &p->remote4) != 1 ||
	    inet_pton(AF_INET6, d.local6, &p->local6) != 1 ||
	    inet_pton(AF_INET6, d.remote6, &p->remote6) != 1) {
		errno = EINVAL;
		return -1;
	}

	p->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (p->fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", d.ifname);
	if (ioctl(p->fd, TUNSETIFF, &ifr))
		goto fail;
	memcpy(p->ifname, ifr.ifr_name, IFNAMSIZ);
	p->ifindex = if_nametoindex(p->ifname);
	if (!p->ifindex)
		goto fail;

	/* Before the link goes up: no link-local address, no DAD, no RS. */
	p->has_ipv6 = !stat("/proc/sys/net/ipv6", &st);
	if (p->has_ipv6) {
		write_sysctl("/proc/sys/net/ipv6/conf/%s/addr_gen_mode",
			     p->ifname, "1");
		write_sysctl("/proc/sys/net/ipv6/conf/%s/accept_dad",
			     p->ifname, "0");
		write_sysctl("/proc/sys/net/ipv6/conf/%s/accept_ra",
			     p->ifname, "0");
		write_sysctl("/proc/sys/net/ipv6/conf/%s/router_solicitations",
			     p->ifname, "0");
	}
	if (set_mtu(p->ifname, p->mtu) || ifflags_up(p->ifname))
		goto fail;
	if (rtnl_addr_add(p->ifindex, AF_INET, &p->local4, d.plen4))
		goto fail;
	if (p->has_ipv6 &&
	    rtnl_addr_add(p->ifindex, AF_INET6, &p->local6, d.plen6))
		p->has_ipv6 = false;
	if (p->has_ipv6)
		wait_ipv6_ready(p->ifindex, &p->local6);
	return 0;
fail:
	err = errno;
	close(p->fd);
	p->fd = -1;
	errno = err;
	return -1;
}

void peer_close(struct peer *p)
{
	int i;

	for (i = 0; i < p->nbacklog; i++)
		free(p->backlog[i]);
	p->nbacklog = 0;
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

/**
 * peer_sockaddr() - a socket address on either side of the TUN
 * @p: the peer
 * @family: AF_INET or AF_INET6
 * @local: the stack's address (else the peer's)
 * @port: the port, host order
 * @ss: filled in
 *
 * Return: the length of the address in @ss.
 */
socklen_t peer_sockaddr(const struct peer *p, int family, bool local,
			u16 port, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		a6->sin6_addr = local ? p->local6 : p->remote6;
		return sizeof(*a6);
	}
	a4->sin_family = AF_INET;
	a4->sin_port = htons(port);
	a4->sin_addr = local ? p->local4 : p->remote4;
	return sizeof(*a4);
}

/* Addresses of a connection, network order. */
static const u8 *local_addr(const struct peer_conn *c)
{
	if (c->family == AF_INET6)
		return c->p->local6.s6_addr;
	return (const u8 *)&c->p->local4;
}

static const u8 *peer_addr(const struct peer_conn *c)
{
	if (c->family == AF_INET6)
		return c->p->remote6.s6_addr;
	return (const u8 *)&c->p->remote4;
}

static u32 random32(void)
{
	u32 v = 0;

	if (getrandom(&v, sizeof(v), 0) != sizeof(v))
		v = (u32)rand();
	return v;
}

/**
 * peer_conn_init() - a connection between the peer and the stack
 * @c: the connection
 * @p: the TUN it goes through
 * @family: AF_INET or AF_INET6
 * @local_port: the stack's port; 0 to learn it from the stack's first
 *	segment (active open by the stack)
 * @peer_port: the peer's port
 *
 * The peer's ISN and TS clock start at random values; set c->peer_isn or
 * c->ts_base before the first send to choose them.
 */
void peer_conn_init(struct peer_conn *c, struct peer *p, int family,
		    u16 local_port, u16 peer_port)
{
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->family = family;
	c->local_port = local_port;
	c->peer_port = peer_port;
	c->peer_isn = random32();
	c->ts_base = random32();
	c->local_syn.wscale = -1;
	c->peer_syn.wscale = -1;
	c->timeout_ms = PEER_TIMEOUT_MS;
	now(&c->ts_t0);
	c->last_tx = c->ts_t0;
}

/* Segment lines: parse and format. */

static const struct {
	char c;
	u8 bit;
} flag_chars[] = {
	{ 'F', PEER_FIN }, { 'S', PEER_SYN }, { 'R', PEER_RST },
	{ 'P', PEER_PSH }, { '.', PEER_ACK }, { 'U', PEER_URG },
	{ 'E', PEER_ECE }, { 'W', PEER_CWR },
};

static void skip_ws(const char **s)
{
	while (isspace((unsigned char)**s))
		(*s)++;
}

/* A decimal or 0x number, possibly negative (wraps); "*" if @wild. */
static int parse_num(const char **s, u32 *v, bool *wild)
{
	const char *p = *s;
	long long n;
	char *end;
	int base = 10;

	skip_ws(&p);
	if (*p == '*') {
		if (!wild)
			return -1;
		*wild = true;
		*v = 0;
		*s = p + 1;
		return 0;
	}
	if (wild)
		*wild = false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	errno = 0;
	n = strtoll(p, &end, base);
	if (end == p || errno)
		return -1;
	*v = (u32)n;
	*s = end;
	return 0;
}

/* A field's number: "*" sets its bit in s->wild (expectations only). */
static int parse_field(const char **s, struct peer_seg *seg, u32 bit,
		       bool expect, u32 *v)
{
	bool wild = false;

	if (parse_num(s, v, expect ? &wild : NULL))
		return -1;
	seg->have |= bit;
	if (wild)
		seg->wild |= bit;
	return 0;
}

static int parse_word(const char **s, char *w, size_t size)
{
	size_t n = 0;

	skip_ws(s);
	while (isalpha((unsigned char)**s) || **s == '_') {
		if (n + 1 >= size)
			return -1;
		w[n++] = *(*s)++;
	}
	w[n] = 0;
	return n ? 0 : -1;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = tolower((unsigned char)ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* One option of a <...> list; @s ends at the next ',' or the end. */
static int parse_opt(const char *s, bool expect, struct peer_opt *o)
{
	bool wild;
	char w[16];
	int i;

	memset(o, 0, sizeof(*o));
	if (parse_word(&s, w, sizeof(w)))
		return -1;
	if (!strcmp(w, "nop")) {
		o->kind = TCPOPT_NOP;
	} else if (!strcmp(w, "eol")) {
		o->kind = TCPOPT_EOL;
	} else if (!strcasecmp(w, "sackOK")) {
		o->kind = TCPOPT_SACK_PERMITTED;
	} else if (!strcmp(w, "mss") || !strcmp(w, "wscale")) {
		o->kind = w[0] == 'm' ? TCPOPT_MAXSEG : TCPOPT_WINDOW;
		o->n = 1;
		if (parse_num(&s, &o->v[0], expect ? &wild : NULL))
			return -1;
		if (expect && wild)
			o->wild = 1;
	} else if (!strcasecmp(w, "TS")) {
		o->kind = TCPOPT_TIMESTAMP;
		o->n = 2;
		skip_ws(&s);
		if (!*s) {
			o->autots = true;
			return 0;
		}
		for (i = 0; i < 2; i++) {
			if (parse_word(&s, w, sizeof(w)) ||
			    strcmp(w, i ? "ecr" : "val"))
				return -1;
			if (parse_num(&s, &o->v[i], expect ? &wild : NULL))
				return -1;
			if (expect && wild)
				o->wild |= 1u << i;
		}
	} else if (!strcmp(w, "sack")) {
		o->kind = TCPOPT_SACK;
		skip_ws(&s);
		if (expect && *s == '*') {
			o->wild = PEER_WILD_ALL;
			s++;
		}
		for (skip_ws(&s); !o->wild && *s; skip_ws(&s)) {
			if (o->n == 2 * PEER_SACK_MAX)
				return -1;
			if (parse_num(&s, &o->v[o->n], expect ? &wild : NULL))
				return -1;
			if (expect && wild)
				o->wild |= 1u << o->n;
			o->n++;
			if (*s++ != ':')
				return -1;
			if (parse_num(&s, &o->v[o->n], expect ? &wild : NULL))
				return -1;
			if (expect && wild)
				o->wild |= 1u << o->n;
			o->n++;
		}
		if (!o->n && !o->wild)
			return -1;
	} else if (!strcmp(w, "raw")) {
		o->kind = PEER_OPT_RAW;
		for (; *s; s++) {
			if (isspace((unsigned char)*s))
				continue;
			if (hexval(s[0]) < 0 || hexval(s[1]) < 0 ||
			    o->len == (int)sizeof(o->raw))
				return -1;
			o->raw[o->len++] = hexval(s[0]) << 4 | hexval(s[1]);
			s++;
		}
		return o->len ? 0 : -1;
	} else {
		return -1;
	}
	skip_ws(&s);
	return *s ? -1 : 0;
}

static int parse_opts(const char **s, bool expect, struct peer_seg *seg)
{
	const char *end = strchr(*s, '>');
	char list[LINE_MAX_LEN], *item, *next;

	if (!end || (size_t)(end - *s) >= sizeof(list))
		return -1;
	memcpy(list, *s + 1, end - *s - 1);
	list[end - *s - 1] = 0;
	*s = end + 1;
	seg->have |= PEER_HAVE_OPTS;
	seg->nopt = 0;
	item = list;
	while (*item == ' ')
		item++;
	if (!*item)
		return 0;
	for (; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = 0;
		if (seg->nopt == PEER_OPT_MAX)
			return -1;
		if (parse_opt(item, expect, &seg->opt[seg->nopt++]))
			return -1;
	}
	return 0;
}

/* START:END(LEN), each possibly "*" in an expectation. */
static int parse_range(const char **s, bool expect, struct peer_seg *seg)
{
	if (parse_field(s, seg, PEER_HAVE_SEQ, expect, &seg->seq) ||
	    *(*s)++ != ':' ||
	    parse_field(s, seg, PEER_HAVE_END, expect, &seg->end) ||
	    *(*s)++ != '(' ||
	    parse_field(s, seg, PEER_HAVE_LEN, expect, &seg->len) ||
	    *(*s)++ != ')')
		return -1;
	return 0;
}

static int parse_extra(const char **s, const char *w, bool expect,
		       struct peer_seg *seg)
{
	static const struct {
		const char *name;
		u32 bit;
	} extras[] = {
		{ "ack", PEER_HAVE_ACK }, { "win", PEER_HAVE_WIN },
		{ "urg", PEER_HAVE_URG }, { "doff", PEER_HAVE_DOFF },
		{ "res", PEER_HAVE_RES }, { "trunc", PEER_HAVE_TRUNC },
		{ "ttl", PEER_HAVE_TTL }, { "tos", PEER_HAVE_TOS },
		{ "csum", PEER_HAVE_CSUM },
	};
	char bad[8];
	size_t i;
	u32 v;

	if (!strcmp(w, "csum") || !strcmp(w, "ipcsum")) {
		const char *p = *s;

		if (!parse_word(&p, bad, sizeof(bad)) && !strcmp(bad, "bad")) {
			seg->have |= w[0] == 'c' ? PEER_HAVE_CSUM_BAD :
						   PEER_HAVE_IPCSUM_BAD;
			*s = p;
			return 0;
		}
		if (w[0] == 'i')
			return -1;
	}
	for (i = 0; i < ARRAY_SIZE(extras); i++) {
		if (strcmp(w, extras[i].name))
			continue;
		if (parse_field(s, seg, extras[i].bit, expect, &v))
			return -1;
		switch (extras[i].bit) {
		case PEER_HAVE_ACK:
			seg->ack = v;
			break;
		case PEER_HAVE_WIN:
			seg->win = v;
			break;
		case PEER_HAVE_URG:
			seg->urg = v;
			break;
		case PEER_HAVE_DOFF:
			seg->doff = v;
			break;
		case PEER_HAVE_RES:
			seg->res = v;
			break;
		case PEER_HAVE_TRUNC:
			seg->trunc = v;
			break;
		case PEER_HAVE_TTL:
			seg->ttl = v;
			break;
		case PEER_HAVE_TOS:
			seg->tos = v;
			break;
		case PEER_HAVE_CSUM:
			seg->csum = v;
			break;
		}
		return 0;
	}
	return -1;
}

/**
 * peer_parse() - parse a segment line (see peer.h)
 * @c: the connection (unused today; relative numbers stay relative)
 * @line: the line
 * @expect: an expectation ("*" allowed, no send-only extras)
 * @s: the result
 *
 * Return: 0, or -1 with the reason on stderr.
 */
int peer_parse(struct peer_conn *c, const char *line, bool expect,
	       struct peer_seg *s)
{
	const char *p = line, *tok;
	bool any = false;
	char w[16];
	size_t i;
	u8 bit;

	memset(s, 0, sizeof(*s));
	skip_ws(&p);
	for (tok = p; *p && !isspace((unsigned char)*p); p++) {
		if (expect && *p == (any ? ']' : '[')) {
			any = !any;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(flag_chars); i++)
			if (*p == flag_chars[i].c)
				break;
		if (i < ARRAY_SIZE(flag_chars))
			bit = flag_chars[i].bit;
		else if (*p == 'A')
			bit = PEER_ACK;
		else if (*p == '-' && !any)
			continue;
		else
			goto bad;
		if (any)
			s->flags_any |= bit;
		else
			s->flags |= bit;
	}
	if (p == tok || any)
		goto bad;
	for (;;) {
		skip_ws(&p);
		tok = p;
		if (!*p)
			break;
		if (*p == '<') {
			if (parse_opts(&p, expect, s))
				goto bad;
		} else if (isdigit((unsigned char)*p) || *p == '*' ||
			   *p == '-') {
			if (parse_range(&p, expect, s))
				goto bad;
		} else if (parse_word(&p, w, sizeof(w)) ||
			   parse_extra(&p, w, expect, s)) {
			goto bad;
		}
	}
	if (expect && (s->have & HAVE_SEND_ONLY)) {
		perr("\"%s\": csum, ipcsum, doff, res and trunc are for sending",
		     line);
		return -1;
	}
	if (!expect) {
		if (!(s->have & PEER_HAVE_SEQ)) {
			perr("\"%s\": no START:END(LEN)", line);
			return -1;
		}
		if (s->end - s->seq != s->len) {
			perr("\"%s\": END - START is not LEN", line);
			return -1;
		}
		if ((s->flags & PEER_ACK) && !(s->have & PEER_HAVE_ACK)) {
			perr("\"%s\": ACK flag without ack N", line);
			return -1;
		}
	}
	return 0;
bad:
	perr("cannot parse \"%s\" at \"%s\"", line, tok);
	return -1;
}

static void fmt_num(char *buf, size_t size, const struct peer_seg *s,
		    u32 bit, u32 v)
{
	if (s->wild & bit)
		cat(buf, size, "*");
	else
		cat(buf, size, "%u", v);
}

static void fmt_optval(char *buf, size_t size, const struct peer_opt *o,
		       int i)
{
	if (o->wild & (1u << i))
		cat(buf, size, "*");
	else
		cat(buf, size, "%u", o->v[i]);
}

static void fmt_opt(char *buf, size_t size, const struct peer_opt *o)
{
	int i;

	switch (o->kind) {
	case TCPOPT_NOP:
		cat(buf, size, "nop");
		break;
	case TCPOPT_EOL:
		cat(buf, size, "eol");
		break;
	case TCPOPT_SACK_PERMITTED:
		cat(buf, size, "sackOK");
		break;
	case TCPOPT_MAXSEG:
	case TCPOPT_WINDOW:
		cat(buf, size, o->kind == TCPOPT_MAXSEG ? "mss " : "wscale ");
		fmt_optval(buf, size, o, 0);
		break;
	case TCPOPT_TIMESTAMP:
		cat(buf, size, "TS");
		if (o->autots)
			break;
		cat(buf, size, " val ");
		fmt_optval(buf, size, o, 0);
		cat(buf, size, " ecr ");
		fmt_optval(buf, size, o, 1);
		break;
	case TCPOPT_SACK:
		cat(buf, size, "sack");
		if (o->wild == PEER_WILD_ALL)
			cat(buf, size, " *");
		for (i = 0; o->wild != PEER_WILD_ALL && i < o->n; i += 2) {
			cat(buf, size, " ");
			fmt_optval(buf, size, o, i);
			cat(buf, size, ":");
			fmt_optval(buf, size, o, i + 1);
		}
		break;
	default:
		cat(buf, size, "raw ");
		for (i = 0; i < o->len; i++)
			cat(buf, size, "%02x", o->raw[i]);
		break;
	}
}

/* A segment as a line that peer_parse() reads back. */
static void fmt_seg(char *buf, size_t size, const struct peer_seg *s)
{
	size_t i;
	int j;

	buf[0] = 0;
	if (s->flags_any) {
		cat(buf, size, "[");
		for (i = 0; i < ARRAY_SIZE(flag_chars); i++)
			if (s->flags_any & flag_chars[i].bit)
				cat(buf, size, "%c", flag_chars[i].c);
		cat(buf, size, "]");
	}
	for (i = 0; i < ARRAY_SIZE(flag_chars); i++)
		if (s->flags & flag_chars[i].bit)
			cat(buf, size, "%c", flag_chars[i].c);
	if (!s->flags && !s->flags_any)
		cat(buf, size, "-");
	if (s->have & PEER_HAVE_SEQ) {
		cat(buf, size, " ");
		fmt_num(buf, size, s, PEER_HAVE_SEQ, s->seq);
		cat(buf, size, ":");
		fmt_num(buf, size, s, PEER_HAVE_END, s->end);
		cat(buf, size, "(");
		fmt_num(buf, size, s, PEER_HAVE_LEN, s->len);
		cat(buf, size, ")");
	}
	if (s->have & PEER_HAVE_ACK) {
		cat(buf, size, " ack ");
		fmt_num(buf, size, s, PEER_HAVE_ACK, s->ack);
	}
	if (s->have & PEER_HAVE_WIN) {
		cat(buf, size, " win ");
		fmt_num(buf, size, s, PEER_HAVE_WIN, s->win);
	}
	if (s->have & PEER_HAVE_URG) {
		cat(buf, size, " urg ");
		fmt_num(buf, size, s, PEER_HAVE_URG, s->urg);
	}
	if (s->have & PEER_HAVE_OPTS) {
		cat(buf, size, " <");
		for (j = 0; j < s->nopt; j++) {
			if (j)
				cat(buf, size, ",");
			fmt_opt(buf, size, &s->opt[j]);
		}
		cat(buf, size, ">");
	}
	if (s->have & PEER_HAVE_TOS)
		cat(buf, size, " tos 0x%x", s->tos);
	if (s->have & PEER_HAVE_CSUM)
		cat(buf, size, " csum 0x%04x", s->csum);
	if (s->have & PEER_HAVE_CSUM_BAD)
		cat(buf, size, " csum bad");
	if (s->have & PEER_HAVE_IPCSUM_BAD)
		cat(buf, size, " ipcsum bad");
	if (s->have & PEER_HAVE_DOFF)
		cat(buf, size, " doff %u", s->doff);
	if (s->have & PEER_HAVE_RES)
		cat(buf, size, " res %u", s->res);
	if (s->have & PEER_HAVE_TRUNC)
		cat(buf, size, " trunc %u", s->trunc);
}

static void trace(struct peer_conn *c, bool tx, const struct peer_seg *s)
{
	struct timespec t;
	char line[LINE_MAX_LEN];

	if (!c->p->verbose)
		return;
	now(&t);
	fmt_seg(line, sizeof(line), s);
	if (tx)
		fprintf(stderr, "peer %8.3f %5u > %-5u %s\n",
			peer_ms(&c->p->t0, &t) / 1e3, c->peer_port,
			c->local_port, line);
	else
		fprintf(stderr, "peer %8.3f %5u < %-5u %s  (+%.1f ms)\n",
			peer_ms(&c->p->t0, &c->last.t) / 1e3, c->peer_port,
			c->local_port, line, peer_rx_delay_ms(c));
}

/* Sending. */

/* The peer's TS clock: milliseconds, never the same value twice. */
static u32 peer_tsval(struct peer_conn *c)
{
	struct timespec t;
	u32 v;

	now(&t);
	v = c->ts_base + (u32)peer_ms(&c->ts_t0, &t);
	if (c->ts_sent && (s32)(v - c->ts_last) <= 0)
		v = c->ts_last + 1;
	return v;
}

static int build_opts(const struct peer_conn *c, const struct peer_seg *s,
		      u8 *b)
{
	const struct peer_opt *o;
	int len = 0, i, j, need;

	for (i = 0; i < s->nopt; i++) {
		o = &s->opt[i];
		need = o->kind == PEER_OPT_RAW ? o->len :
		       o->kind == TCPOPT_NOP || o->kind == TCPOPT_EOL ? 1 :
		       o->kind == TCPOPT_SACK ? 2 + 4 * o->n :
		       o->kind == TCPOPT_TIMESTAMP ? 10 :
		       o->kind == TCPOPT_MAXSEG ? 4 :
		       o->kind == TCPOPT_WINDOW ? 3 : 2;
		if (len + need > 40)
			return -1;
		switch (o->kind) {
		case PEER_OPT_RAW:
			memcpy(b + len, o->raw, o->len);
			break;
		case TCPOPT_NOP:
		case TCPOPT_EOL:
			b[len] = o->kind;
			break;
		case TCPOPT_MAXSEG:
			b[len] = o->kind;
			b[len + 1] = need;
			put16(b + len + 2, o->v[0]);
			break;
		case TCPOPT_WINDOW:
			b[len] = o->kind;
			b[len + 1] = need;
			b[len + 2] = o->v[0];
			break;
		case TCPOPT_TIMESTAMP:
			b[len] = o->kind;
			b[len + 1] = need;
			put32(b + len + 2, o->v[0]);
			put32(b + len + 6, o->v[1]);
			break;
		case TCPOPT_SACK:
			b[len] = o->kind;
			b[len + 1] = need;
			for (j = 0; j < o->n; j++)
				put32(b + len + 2 + 4 * j,
				      c->local_isn + o->v[j]);
			break;
		default:
			b[len] = o->kind;
			b[len + 1] = need;
			break;
		}
		len += need;
	}
	while (len % 4)
		b[len++] = TCPOPT_EOL;
	return len;
}

static u32 default_win(const struct peer_conn *c, const struct peer_seg *s)
{
	if (s->flags & PEER_SYN)
		return 65535;
	if (c->peer_syn.wscale > 0 && c->local_syn.wscale >= 0)
		return 65535 >> c->peer_syn.wscale;
	return 65535;
}

/* The packet of @s from the peer to the stack; returns its length. */
static int build(struct peer_conn *c, const struct peer_seg *s,
		 const void *data, u8 *pkt, size_t size)
{
	size_t hl = c->family == AF_INET ? 20 : 40, thl, total;
	u8 opt[40], *th, *ip = pkt;
	u32 data_seq;
	int optlen;
	u16 sum;

	optlen = build_opts(c, s, opt);
	if (optlen < 0) {
		perr("options longer than 40 bytes");
		return -1;
	}
	thl = 20 + optlen;
	total = hl + thl + s->len;
	if (total > size || total > 65535) {
		perr("segment of %zu bytes too large", total);
		return -1;
	}
	memset(pkt, 0, hl + thl);
	th = pkt + hl;
	put16(th, c->peer_port);
	put16(th + 2, c->local_port);
	put32(th + 4, c->peer_isn + s->seq);
	if (s->have & PEER_HAVE_ACK)
		put32(th + 8, c->local_isn + s->ack);
	th[12] = (s->have & PEER_HAVE_DOFF ? s->doff : thl / 4) << 4 |
		 (s->res & 0xf);
	th[13] = s->flags;
	put16(th + 14, s->have & PEER_HAVE_WIN ? s->win : default_win(c, s));
	put16(th + 18, s->urg);
	memcpy(th + 20, opt, optlen);
	data_seq = s->seq + !!(s->flags & PEER_SYN);
	if (data)
		memcpy(th + thl, data, s->len);
	else
		peer_pattern(th + thl, data_seq, s->len);
	sum = tcp_csum(c->family, peer_addr(c), local_addr(c), th,
		       thl + s->len);
	if (s->have & PEER_HAVE_CSUM)
		sum = s->csum;
	else if (s->have & PEER_HAVE_CSUM_BAD)
		sum ^= 1;	/* never the other form of the same sum */
	put16(th + 16, sum);

	if (c->family == AF_INET) {
		ip[0] = 0x45;
		ip[1] = s->tos;
		put16(ip + 2, total);
		put16(ip + 4, c->p->ip_id++);
		put16(ip + 6, 0x4000);	/* DF */
		ip[8] = s->have & PEER_HAVE_TTL ? s->ttl : 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, peer_addr(c), 4);
		memcpy(ip + 16, local_addr(c), 4);
		sum = csum_fold(csum_add(0, ip, 20));
		if (s->have & PEER_HAVE_IPCSUM_BAD)
			sum ^= 1;
		put16(ip + 10, sum);
	} else {
		put32(ip, 6u << 28 | (u32)s->tos << 20);
		put16(ip + 4, thl + s->len);
		ip[6] = IPPROTO_TCP;
		ip[7] = s->have & PEER_HAVE_TTL ? s->ttl : 64;
		memcpy(ip + 8, peer_addr(c), 16);
		memcpy(ip + 24, local_addr(c), 16);
	}
	if ((s->have & PEER_HAVE_TRUNC) && s->trunc < total)
		total = s->trunc;
	return total;
}

int peer_write(struct peer *p, const void *pkt, size_t len)
{
	ssize_t n = write(p->fd, pkt, len);

	if (n != (ssize_t)len) {
		perr("write to %s: %s", p->ifname,
		     n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

/*
 * An ICMP or ICMPv6 error (RFC 792, RFC 4443) about @pkt, a packet the
 * stack sent, as a router on the peer's side of the TUN would send it:
 * from the peer's address, quoting the IP header and the first 28 bytes
 * past it. @word is the header's second word (an MTU, or 0); @seq_delta
 * is added to the quoted TCP sequence number (0: the packet as it was;
 * else a forged quote, RFC 5927 4.1).
 */
static int send_icmp(struct peer_conn *c, const struct peer_pkt *pkt,
		     u8 type, u8 code, u32 word, u32 seq_delta,
		     const char *what)
{
	size_t hl = c->family == AF_INET ? 20 : 40, qlen, total;
	u8 buf[20 + 8 + 60 + 28], *ip = buf, *icmp = buf + hl, *q;
	struct timespec t;
	u64 sum = 0;

	qlen = (c->family == AF_INET ? (pkt->buf[0] & 0xf) * 4 : 40) + 28;
	if (qlen > pkt->len)
		qlen = pkt->len;
	total = hl + 8 + qlen;
	if (total > sizeof(buf) || qlen < hl + 8)
		return -1;
	memset(buf, 0, hl + 8);
	q = icmp + 8;
	memcpy(q, pkt->buf, qlen);
	if (seq_delta) {
		u8 *qth = q + (c->family == AF_INET ?
			       (pkt->buf[0] & 0xf) * 4 : 40);

		put32(qth + 4, get32(qth + 4) + seq_delta);
	}
	icmp[0] = type;
	icmp[1] = code;
	put32(icmp + 4, word);
	if (c->family == AF_INET) {
		put16(icmp + 2, csum_fold(csum_add(0, icmp, 8 + qlen)));
		ip[0] = 0x45;
		put16(ip + 2, total);
		put16(ip + 4, c->p->ip_id++);
		ip[8] = 64;
		ip[9] = IPPROTO_ICMP;
		memcpy(ip + 12, peer_addr(c), 4);
		memcpy(ip + 16, local_addr(c), 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	} else {
		sum = csum_add(sum, peer_addr(c), 16);
		sum = csum_add(sum, local_addr(c), 16);
		sum += IPPROTO_ICMPV6 + 8 + qlen;
		put16(icmp + 2, csum_fold(csum_add(sum, icmp, 8 + qlen)));
		put32(ip, 6u << 28);
		put16(ip + 4, 8 + qlen);
		ip[6] = IPPROTO_ICMPV6;
		ip[7] = 64;
		memcpy(ip + 8, peer_addr(c), 16);
		memcpy(ip + 24, local_addr(c), 16);
	}
	now(&t);
	c->last_tx = t;		/* peer_rx_delay_ms() counts from it */
	if (c->p->verbose) {
		fprintf(stderr, "peer %8.3f %5u > %-5u icmp %s%s\n",
			peer_ms(&c->p->t0, &t) / 1e3, c->peer_port,
			c->local_port, what,
			seq_delta ? " (forged quote)" : "");
	}
	return peer_write(c->p, buf, total);
}

/**
 * peer_send_too_big() - "fragmentation needed" (RFC 1191's next-hop MTU)
 *			 or ICMPv6 "packet too big" (RFC 4443 3.2) about @pkt
 * @c: the connection
 * @pkt: a packet the stack sent (c->last)
 * @mtu: the next-hop MTU
 * @seq_delta: added to the quoted sequence number (0: none)
 *
 * Return: 0, or -1.
 */
int peer_send_too_big(struct peer_conn *c, const struct peer_pkt *pkt,
		      u32 mtu, u32 seq_delta)
{
	char what[32];

	snprintf(what, sizeof(what), "too big mtu %u", mtu);
	if (c->family == AF_INET)	/* mtu in the low 16 bits */
		return send_icmp(c, pkt, 3, 4, mtu & 0xffff, seq_delta, what);
	return send_icmp(c, pkt, 2, 0, mtu, seq_delta, what);
}

/**
 * peer_send_unreachable() - "host unreachable" (ICMP type 3 code 1) or
 *			     ICMPv6 "no route to destination" (type 1 code
 *			     0) about @pkt: soft errors (RFC 1122 4.2.3.9),
 *			     and RFC 6069's signal of a broken path
 * @c: the connection
 * @pkt: a packet the stack sent (c->last)
 *
 * Return: 0, or -1.
 */
int peer_send_unreachable(struct peer_conn *c, const struct peer_pkt *pkt)
{
	if (c->family == AF_INET)
		return send_icmp(c, pkt, 3, 1, 0, 0, "host unreachable");
	return send_icmp(c, pkt, 1, 0, 0, 0, "no route");
}

static void learn_synopts(struct peer_synopts *so, const struct peer_seg *s)
{
	int i;

	memset(so, 0, sizeof(*so));
	so->seen = true;
	so->wscale = -1;
	for (i = 0; i < s->nopt; i++) {
		switch (s->opt[i].kind) {
		case TCPOPT_MAXSEG:
			so->mss = s->opt[i].v[0];
			break;
		case TCPOPT_WINDOW:
			so->wscale = s->opt[i].v[0];
			break;
		case TCPOPT_SACK_PERMITTED:
			so->sack = true;
			break;
		case TCPOPT_TIMESTAMP:
			so->ts = true;
			break;
		}
	}
}

/**
 * peer_send_seg() - send a parsed segment
 * @c: the connection
 * @s: the segment; numbers relative to the ISNs
 * @data: its payload (s->len bytes), or NULL for peer_pattern()
 *
 * Return: 0, or -1.
 */
int peer_send_seg(struct peer_conn *c, const struct peer_seg *s,
		  const void *data)
{
	static u8 pkt[PEER_PKT_MAX];
	struct peer_seg seg = *s;
	struct peer_opt *o;
	int i, len;

	for (i = 0; i < seg.nopt; i++) {
		o = &seg.opt[i];
		if (o->kind != TCPOPT_TIMESTAMP)
			continue;
		if (o->autots) {
			o->v[0] = peer_tsval(c);
			o->v[1] = c->ts_recent_ok ? c->ts_recent : 0;
			o->autots = false;
		}
		if (!c->ts_sent)
			c->ts_first = o->v[0];
		c->ts_sent = true;
		c->ts_last = o->v[0];
	}
	len = build(c, &seg, data, pkt, sizeof(pkt));
	if (len < 0)
		return -1;
	if (seg.flags & PEER_SYN)
		learn_synopts(&c->peer_syn, &seg);
	now(&c->last_tx);
	trace(c, true, &seg);
	return peer_write(c->p, pkt, len);
}

static int vsend(struct peer_conn *c, const void *data, size_t len,
		 const char *fmt, va_list ap)
{
	char line[LINE_MAX_LEN];
	struct peer_seg *s;
	int ret = -1;

	vsnprintf(line, sizeof(line), fmt, ap);
	s = malloc(sizeof(*s));
	if (!s)
		return -1;
	if (peer_parse(c, line, false, s))
		goto out;
	if (data && s->len != len) {
		perr("\"%s\": %zu bytes of data given", line, len);
		goto out;
	}
	ret = peer_send_seg(c, s, data);
out:
	free(s);
	return ret;
}

/**
 * peer_send() - send a segment written as a line (see peer.h)
 * @c: the connection
 * @fmt: printf format of the line
 *
 * The payload is peer_pattern() at the segment's sequence numbers.
 *
 * Return: 0, or -1.
 */
int peer_send(struct peer_conn *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsend(c, NULL, 0, fmt, ap);
	va_end(ap);
	return ret;
}

/**
 * peer_send_data() - send a segment with the given payload
 * @c: the connection
 * @data: the payload
 * @len: its length, which must be the line's LEN
 * @fmt: printf format of the line
 *
 * Return: 0, or -1.
 */
int peer_send_data(struct peer_conn *c, const void *data, size_t len,
		   const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vsend(c, data, len, fmt, ap);
	va_end(ap);
	return ret;
}

/* Receiving. */

/* Parse the IP and TCP headers of pkt->buf; -1 if not TCP. */
static int pkt_parse(struct peer_pkt *pkt)
{
	const u8 *b = pkt->buf, *th;
	size_t hl, len, tcplen, thl;

	if (pkt->len < 20)
		return -1;
	switch (b[0] >> 4) {
	case 4:
		hl = (b[0] & 0xf) * 4;
		len = get16(b + 2);
		if (hl < 20 || len < hl || len > pkt->len ||
		    b[9] != IPPROTO_TCP || (get16(b + 6) & 0x3fff))
			return -1;
		pkt->family = AF_INET;
		pkt->tos = b[1];
		pkt->ttl = b[8];
		memcpy(pkt->src, b + 12, 4);
		memcpy(pkt->dst, b + 16, 4);
		break;
	case 6:
		hl = 40;
		if (pkt->len < hl || b[6] != IPPROTO_TCP)
			return -1;
		len = hl + get16(b + 4);
		if (len > pkt->len)
			return -1;
		pkt->family = AF_INET6;
		pkt->tos = get32(b) >> 20;
		pkt->ttl = b[7];
		memcpy(pkt->src, b + 8, 16);
		memcpy(pkt->dst, b + 24, 16);
		break;
	default:
		return -1;
	}
	tcplen = len - hl;
	if (tcplen < 20)
		return -1;
	th = b + hl;
	thl = (th[12] >> 4) * 4;
	if (thl < 20 || thl > tcplen) {
		perr("malformed TCP header from the stack (doff %zu)", thl / 4);
		return -1;
	}
	pkt->len = len;
	pkt->sport = get16(th);
	pkt->dport = get16(th + 2);
	pkt->seq = get32(th + 4);
	pkt->ack = get32(th + 8);
	pkt->doff = th[12] >> 4;
	pkt->res = th[12] & 0xf;
	pkt->flags = th[13];
	pkt->win = get16(th + 14);
	pkt->csum = get16(th + 16);
	pkt->urg = get16(th + 18);
	pkt->opt_off = hl + 20;
	pkt->opt_len = thl - 20;
	pkt->data_off = hl + thl;
	pkt->data_len = tcplen - thl;
	pkt->csum_ok = !tcp_csum(pkt->family, pkt->src, pkt->dst, th, tcplen);
	return 0;
}

static bool pkt_matches(const struct peer_conn *c, const struct peer_pkt *pkt)
{
	int alen = c->family == AF_INET ? 4 : 16;

	return pkt->family == c->family && pkt->dport == c->peer_port &&
	       (!c->local_port || pkt->sport == c->local_port) &&
	       !memcmp(pkt->src, local_addr(c), alen) &&
	       !memcmp(pkt->dst, peer_addr(c), alen);
}

static void pkt_copy(struct peer_pkt *to, const struct peer_pkt *from)
{
	memcpy(to, from, offsetof(struct peer_pkt, buf) + from->len);
}

/* Keep a segment of another connection for a later peer_recv(). */
static void backlog_add(struct peer *p, const struct peer_pkt *pkt)
{
	struct peer_pkt *copy;

	if (p->nbacklog == PEER_BACKLOG) {
		perr("backlog full: dropping a segment %u > %u",
		     p->backlog[0]->sport, p->backlog[0]->dport);
		free(p->backlog[0]);
		memmove(p->backlog, p->backlog + 1,
			--p->nbacklog * sizeof(p->backlog[0]));
	}
	copy = malloc(offsetof(struct peer_pkt, buf) + pkt->len);
	if (!copy)
		return;
	pkt_copy(copy, pkt);
	p->backlog[p->nbacklog++] = copy;
}

static bool backlog_take(struct peer_conn *c, struct peer_pkt *pkt)
{
	struct peer *p = c->p;
	int i;

	for (i = 0; i < p->nbacklog; i++) {
		if (!pkt_matches(c, p->backlog[i]))
			continue;
		pkt_copy(pkt, p->backlog[i]);
		free(p->backlog[i]);
		memmove(p->backlog + i, p->backlog + i + 1,
			(p->nbacklog - i - 1) * sizeof(p->backlog[0]));
		p->nbacklog--;
		return true;
	}
	return false;
}

static void parse_wire_opts(const struct peer_conn *c, const u8 *b,
			    size_t len, struct peer_seg *s)
{
	struct peer_opt *o;
	size_t i = 0, olen;
	int j;

	while (i < len && s->nopt < PEER_OPT_MAX) {
		o = &s->opt[s->nopt++];
		memset(o, 0, sizeof(*o));
		o->kind = b[i];
		if (b[i] == TCPOPT_NOP || b[i] == TCPOPT_EOL) {
			i++;
			if (o->kind == TCPOPT_EOL)
				break;	/* the rest is padding */
			continue;
		}
		olen = i + 1 < len ? b[i + 1] : 0;
		if (olen < 2 || i + olen > len)
			goto raw;
		if (o->kind == TCPOPT_MAXSEG && olen == 4) {
			o->n = 1;
			o->v[0] = get16(b + i + 2);
		} else if (o->kind == TCPOPT_WINDOW && olen == 3) {
			o->n = 1;
			o->v[0] = b[i + 2];
		} else if (o->kind == TCPOPT_SACK_PERMITTED && olen == 2) {
			o->n = 0;
		} else if (o->kind == TCPOPT_TIMESTAMP && olen == 10) {
			o->n = 2;
			o->v[0] = get32(b + i + 2);
			o->v[1] = get32(b + i + 6);
		} else if (o->kind == TCPOPT_SACK && olen >= 10 &&
			   (olen - 2) % 8 == 0 && olen <= 2 + 8 * PEER_SACK_MAX) {
			o->n = (olen - 2) / 4;
			for (j = 0; j < o->n; j++)
				o->v[j] = get32(b + i + 2 + 4 * j) - c->peer_isn;
		} else {
			olen = olen > sizeof(o->raw) ? sizeof(o->raw) : olen;
			o->kind = PEER_OPT_RAW;
			o->len = olen;
			memcpy(o->raw, b + i, olen);
		}
		i += olen;
		continue;
raw:
		/* Malformed: the rest of the option space as it is. */
		o->kind = PEER_OPT_RAW;
		o->len = len - i;
		memcpy(o->raw, b + i, o->len);
		break;
	}
}

/* A received segment, relative to the connection's ISNs. */
static void pkt_to_seg(struct peer_conn *c, const struct peer_pkt *pkt,
		       struct peer_seg *s)
{
	memset(s, 0, sizeof(*s));
	if ((pkt->flags & PEER_SYN) && !c->local_isn_known) {
		c->local_isn = pkt->seq;
		c->local_isn_known = true;
	}
	s->flags = pkt->flags;
	s->have = PEER_HAVE_SEQ | PEER_HAVE_END | PEER_HAVE_LEN |
		  PEER_HAVE_WIN | PEER_HAVE_OPTS;
	s->seq = pkt->seq - c->local_isn;
	s->len = pkt->data_len;
	s->end = s->seq + s->len;
	if ((pkt->flags & PEER_ACK) || pkt->ack) {
		s->have |= PEER_HAVE_ACK;
		s->ack = pkt->ack - c->peer_isn;
	}
	s->win = pkt->win;
	if ((pkt->flags & PEER_URG) || pkt->urg) {
		s->have |= PEER_HAVE_URG;
		s->urg = pkt->urg;
	}
	if (pkt->res) {
		s->have |= PEER_HAVE_RES;
		s->res = pkt->res;
	}
	if (pkt->tos) {
		s->have |= PEER_HAVE_TOS;
		s->tos = pkt->tos;
	}
	s->ttl = pkt->ttl;
	if (!pkt->csum_ok) {
		s->have |= PEER_HAVE_CSUM_BAD;
		s->csum = pkt->csum;
	}
	parse_wire_opts(c, pkt->buf + pkt->opt_off, pkt->opt_len, s);
}

/**
 * peer_recv() - wait for the next segment the stack sends on a connection
 * @c: the connection
 * @timeout_ms: how long to wait
 *
 * Packets that are not TCP are skipped; segments of other connections are
 * kept for them. The segment is left in c->last (as read) and c->last_seg
 * (relative to the ISNs); the stack's ISN is learned from its SYN, its port
 * from its first segment when c->local_port is 0.
 *
 * Return: 1 with a segment, 0 on timeout, -1 on error.
 */
int peer_recv(struct peer_conn *c, unsigned int timeout_ms)
{
	struct peer_pkt *pkt = &c->last;
	struct pollfd pfd = { .fd = c->p->fd, .events = POLLIN };
	struct timespec start, t;
	const struct peer_opt *o;
	double left;
	ssize_t n;
	int i;

	now(&start);
	if (backlog_take(c, pkt))
		goto got;
	for (;;) {
		now(&t);
		left = timeout_ms - peer_ms(&start, &t);
		if (left < 0)
			left = 0;
		n = poll(&pfd, 1, (int)(left + 0.999));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perr("poll: %s", strerror(errno));
			return -1;
		}
		if (!n)
			return 0;
		n = read(c->p->fd, pkt->buf, sizeof(pkt->buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			perr("read from %s: %s", c->p->ifname, strerror(errno));
			return -1;
		}
		now(&pkt->t);
		pkt->len = n;
		if (pkt_parse(pkt)) {
			c->p->ignored++;
			if (c->p->verbose > 1)
				fprintf(stderr, "peer: skipped a packet of %zu bytes, not TCP\n",
					pkt->len);
			continue;
		}
		if (pkt_matches(c, pkt))
			break;
		if (c->p->verbose > 1)
			fprintf(stderr, "peer: kept a segment %u > %u for another connection\n",
				pkt->sport, pkt->dport);
		backlog_add(c->p, pkt);
	}
got:
	if (!c->local_port)
		c->local_port = pkt->sport;
	pkt_to_seg(c, pkt, &c->last_seg);
	if (pkt->flags & PEER_SYN)
		learn_synopts(&c->local_syn, &c->last_seg);
	c->ts_prev = c->ts_recent;
	c->ts_prev_ok = c->ts_recent_ok;
	for (i = 0; i < c->last_seg.nopt; i++) {
		o = &c->last_seg.opt[i];
		if (o->kind == TCPOPT_TIMESTAMP) {
			c->ts_recent = o->v[0];
			c->ts_recent_ok = true;
		}
	}
	trace(c, false, &c->last_seg);
	return 1;
}

/* Comparing. */

static void diff_field(char *buf, size_t size, int *bad, const char *name,
		       const struct peer_seg *e, const struct peer_seg *a,
		       u32 bit, u32 ev, u32 av)
{
	if (!(e->have & bit) || (e->wild & bit))
		return;
	if (!(a->have & bit))
		cat(buf, size, "\n  %s: expected %u, got none", name, ev);
	else if (ev != av)
		cat(buf, size, "\n  %s: expected %u, got %u", name, ev, av);
	else
		return;
	(*bad)++;
}

static bool in_range(u32 v, u32 lo, u32 hi)
{
	return (s32)(v - lo) >= 0 && (s32)(hi - v) >= 0;
}

static void diff_opt(struct peer_conn *c, char *buf, size_t size, int *bad,
		     int idx, const struct peer_opt *e, const struct peer_opt *a)
{
	char ebuf[256] = "", abuf[256] = "";
	int i;

	fmt_opt(ebuf, sizeof(ebuf), e);
	fmt_opt(abuf, sizeof(abuf), a);
	if (e->kind != a->kind)
		goto bad;
	if (e->kind == PEER_OPT_RAW) {
		if (e->len != a->len || memcmp(e->raw, a->raw, e->len))
			goto bad;
		return;
	}
	if (e->kind == TCPOPT_TIMESTAMP && e->autots) {
		if (c->ts_prev_ok && (s32)(a->v[0] - c->ts_prev) < 0) {
			cat(buf, size, "\n  option %d (TS): val %u went back from %u",
			    idx + 1, a->v[0], c->ts_prev);
			(*bad)++;
		}
		if (c->ts_sent ? !in_range(a->v[1], c->ts_first, c->ts_last) :
				 a->v[1] != 0) {
			cat(buf, size,
			    "\n  option %d (TS): ecr %u is no TSval the peer sent (%u..%u)",
			    idx + 1, a->v[1], c->ts_sent ? c->ts_first : 0,
			    c->ts_sent ? c->ts_last : 0);
			(*bad)++;
		}
		return;
	}
	if (e->wild == PEER_WILD_ALL)
		return;
	if (e->n != a->n)
		goto bad;
	for (i = 0; i < e->n; i++)
		if (!(e->wild & (1u << i)) && e->v[i] != a->v[i])
			goto bad;
	return;
bad:
	cat(buf, size, "\n  option %d: expected %s, got %s", idx + 1, ebuf, abuf);
	(*bad)++;
}

static int seg_diff(struct peer_conn *c, const struct peer_seg *e,
		    const struct peer_seg *a, char *buf, size_t size)
{
	char ef[32], af[16];
	int bad = 0, i;
	size_t j;

	buf[0] = 0;
	if ((e->flags ^ a->flags) & ~e->flags_any) {
		ef[0] = 0;
		af[0] = 0;
		for (j = 0; j < ARRAY_SIZE(flag_chars); j++) {
			if (e->flags_any & flag_chars[j].bit)
				cat(ef, sizeof(ef), "[%c]", flag_chars[j].c);
			else if (e->flags & flag_chars[j].bit)
				cat(ef, sizeof(ef), "%c", flag_chars[j].c);
			if (a->flags & flag_chars[j].bit)
				cat(af, sizeof(af), "%c", flag_chars[j].c);
		}
		cat(buf, size, "\n  flags: expected \"%s\", got \"%s\"",
		    ef[0] ? ef : "-", af[0] ? af : "-");
		bad++;
	}
	diff_field(buf, size, &bad, "seq", e, a, PEER_HAVE_SEQ, e->seq, a->seq);
	diff_field(buf, size, &bad, "end", e, a, PEER_HAVE_END, e->end, a->end);
	diff_field(buf, size, &bad, "payload length", e, a, PEER_HAVE_LEN,
		   e->len, a->len);
	diff_field(buf, size, &bad, "ack", e, a, PEER_HAVE_ACK, e->ack, a->ack);
	diff_field(buf, size, &bad, "win", e, a, PEER_HAVE_WIN, e->win, a->win);
	diff_field(buf, size, &bad, "urg", e, a, PEER_HAVE_URG, e->urg, a->urg);
	if ((e->have & PEER_HAVE_TOS) && e->tos != a->tos) {
		cat(buf, size, "\n  tos: expected 0x%x, got 0x%x", e->tos, a->tos);
		bad++;
	}
	if ((e->have & PEER_HAVE_TTL) && e->ttl != a->ttl) {
		cat(buf, size, "\n  ttl: expected %u, got %u", e->ttl, a->ttl);
		bad++;
	}
	if (a->have & PEER_HAVE_CSUM_BAD) {
		cat(buf, size, "\n  checksum: wrong (0x%04x)", a->csum);
		bad++;
	}
	if (!(e->have & PEER_HAVE_OPTS))
		return bad;
	if (e->nopt != a->nopt) {
		cat(buf, size, "\n  options: expected %d, got %d", e->nopt, a->nopt);
		bad++;
	}
	for (i = 0; i < e->nopt && i < a->nopt; i++)
		diff_opt(c, buf, size, &bad, i, &e->opt[i], &a->opt[i]);
	return bad;
}

/* Check c->last_seg against an expected line; @recv: read it first. */
static int vcheck(struct peer_conn *c, bool recv, const char *fmt, va_list ap)
{
	char line[LINE_MAX_LEN], got[LINE_MAX_LEN], diff[2048];
	struct peer_seg *e;
	int ret = -1, r;

	vsnprintf(line, sizeof(line), fmt, ap);
	e = malloc(sizeof(*e));
	if (!e)
		return -1;
	if (peer_parse(c, line, true, e))
		goto out;
	r = recv ? peer_recv(c, c->timeout_ms) : 1;
	if (r < 0)
		goto out;
	if (!r) {
		perr("expected: %s\npeer: got nothing in %u ms", line,
		     c->timeout_ms);
		goto out;
	}
	if (seg_diff(c, e, &c->last_seg, diff, sizeof(diff))) {
		fmt_seg(got, sizeof(got), &c->last_seg);
		perr("expected: %s\npeer:      got: %s  (+%.1f ms)%s", line, got,
		     peer_rx_delay_ms(c), diff);
		goto out;
	}
	ret = 0;
out:
	free(e);
	return ret;
}

static int vexpect(struct peer_conn *c, const char *fmt, va_list ap)
{
	return vcheck(c, true, fmt, ap);
}

/**
 * peer_match() - check the last segment received against another line
 * @c: the connection
 * @fmt: printf format of the expected line
 *
 * Return: 0 when it matches, -1 with a diff on stderr otherwise.
 */
int peer_match(struct peer_conn *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vcheck(c, false, fmt, ap);
	va_end(ap);
	return ret;
}

/**
 * peer_expect() - wait for the stack's next segment and check it
 * @c: the connection
 * @fmt: printf format of the expected line (see peer.h)
 *
 * Waits up to c->timeout_ms. The segment is in c->last and c->last_seg
 * either way, its arrival time in c->last.t.
 *
 * Return: 0 when it matches, -1 with a diff on stderr otherwise.
 */
int peer_expect(struct peer_conn *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vexpect(c, fmt, ap);
	va_end(ap);
	return ret;
}

/**
 * peer_expect_none() - check the stack sends nothing on a connection
 * @c: the connection
 * @ms: for how long
 *
 * Return: 0 when nothing came, -1 otherwise.
 */
int peer_expect_none(struct peer_conn *c, unsigned int ms)
{
	char got[LINE_MAX_LEN];
	int r = peer_recv(c, ms);

	if (!r)
		return 0;
	if (r > 0) {
		fmt_seg(got, sizeof(got), &c->last_seg);
		perr("expected nothing for %u ms\npeer: got: %s  (+%.1f ms)", ms,
		     got, peer_rx_delay_ms(c));
	}
	return -1;
}

/* Handshakes for tests that are not about them. */

static unsigned int default_mss(const struct peer_conn *c)
{
	return c->p->mtu - (c->family == AF_INET ? 20 : 40) - 20;
}

/**
 * peer_connect_expect_synack() - the peer opens a connection to the stack
 * @c: the connection
 * @fmt: printf format of the SYN-ACK expected
 *
 * Sends "S 0:0(0) win 65535 <mss M,sackOK,TS,nop,wscale 7>" (M from the
 * MTU), checks the SYN-ACK against @fmt, and sends the ACK (with TS if the
 * SYN-ACK had it).
 *
 * Return: 0, or -1.
 */
int peer_connect_expect_synack(struct peer_conn *c, const char *fmt, ...)
{
	va_list ap;
	int ret;

	if (peer_send(c, "S 0:0(0) win 65535 <mss %u,sackOK,TS,nop,wscale 7>",
		      default_mss(c)))
		return -1;
	va_start(ap, fmt);
	ret = vexpect(c, fmt, ap);
	va_end(ap);
	if (ret)
		return -1;
	if (c->local_syn.ts)
		return peer_send(c, ". 1:1(0) ack 1 <nop,nop,TS>");
	return peer_send(c, ". 1:1(0) ack 1");
}

/**
 * peer_connect() - peer_connect_expect_synack() checking only the SYN-ACK's
 *                  flags, sequence and ACK numbers
 * @c: the connection
 *
 * Return: 0, or -1.
 */
int peer_connect(struct peer_conn *c)
{
	return peer_connect_expect_synack(c, "S. 0:0(0) ack 1");
}

/**
 * peer_accept() - the stack opens a connection to the peer
 * @c: the connection, with c->local_port 0 or the stack's port
 *
 * Expects the stack's SYN, answers with a SYN-ACK announcing the MSS of the
 * MTU and the options the SYN offered (window scale 7), expects the ACK.
 *
 * Return: 0, or -1.
 */
int peer_accept(struct peer_conn *c)
{
	const struct peer_synopts *so = &c->local_syn;
	char opts[128];

	if (peer_expect(c, "S 0:0(0)"))
		return -1;
	snprintf(opts, sizeof(opts), "mss %u%s%s%s", default_mss(c),
		 so->sack && so->ts ? ",sackOK,TS" :
		 so->sack ? ",nop,nop,sackOK" : "",
		 !so->sack && so->ts ? ",nop,nop,TS" : "",
		 so->wscale >= 0 ? ",nop,wscale 7" : "");
	if (peer_send(c, "S. 0:0(0) ack 1 win 65535 <%s>", opts))
		return -1;
	return peer_expect(c, ". 1:1(0) ack 1");
}
