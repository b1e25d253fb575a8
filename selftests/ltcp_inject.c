// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_inject: malformed TCP segments, aimed at a live connection or a
 * listener, from an AF_PACKET socket (whole Ethernet frames, so that the IP
 * lengths can lie too). Used by ltcp_hostile.sh from the peer's namespace.
 *
 * usage: ltcp_inject conn IFNAME SRC DST DSTMAC PORT ROUNDS GAP_MS
 *        ltcp_inject listen IFNAME SRC DST DSTMAC PORT
 *
 * conn: learns the live connection between SRC (the peer) and DST (the
 * stack under test) that has PORT at either end from the segments seen on
 * IFNAME (its ports, the last ACK and next sequence number of each side),
 * then sends ROUNDS rounds of every malformed kind, GAP_MS apart, each time
 * at the sequence numbers just seen. Every segment that could change the
 * stream if it were accepted carries garbage at the peer's next sequence
 * number, so a check that is missing shows as a corrupted transfer.
 * listen: sends each malformed kind once, as SYNs and odd flags, to a
 * listener on DST:PORT, from ports 20000 and up; the last, a bare ACK from
 * port 20008, is the only one that must be answered (with a RST).
 *
 * Prints how many segments of each kind were sent. Exit 0, or 1 when the
 * connection was never seen.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/types.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __s32 s32;

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10
#define F_URG	0x20

#define GARBAGE_LEN	200

/* What a malformed segment is made of. */
struct seg {
	u8 flags;
	u32 seq;
	u32 ack;
	int doff;		/* 0: from the options */
	const u8 *opt;
	int optlen;
	int datalen;		/* garbage bytes */
	bool csum_bad;
	int iplen_delta;	/* added to the IP length field */
};

/* The connection as seen on the wire; "a" is the stack under test. */
struct conn {
	int fd;
	int ifindex;
	int family;
	u8 mac_dst[ETH_ALEN];
	u8 mac_src[ETH_ALEN];
	u8 src[16];	/* the peer */
	u8 dst[16];	/* the stack under test */
	u16 port;		/* the port given, at either end */
	u16 sport;		/* the peer's port, network order */
	u16 dport;		/* the stack's port */
	bool have_a, have_b;
	u32 a_ack;		/* last ACK from the stack */
	u32 a_nxt;		/* highest sequence number it sent, + 1 */
	u32 b_ack;		/* last ACK from the peer */
	u32 b_nxt;		/* the peer's next sequence number */
	u16 b_win;
	char last[96];		/* the last segment seen, for a report */
};

static unsigned long sent[64];
static const char *names[64];

static void die(const char *what)
{
	fprintf(stderr, "ltcp_inject: %s: %s\n", what, strerror(errno));
	exit(1);
}

static bool seq_after(u32 a, u32 b)
{
	return (s32)(a - b) > 0;
}

static u32 sum16(const void *p, size_t len, u32 sum)
{
	const u8 *b = p;

	while (len > 1) {
		sum += (u32)b[0] << 8 | b[1];
		b += 2;
		len -= 2;
	}
	if (len)
		sum += (u32)b[0] << 8;
	return sum;
}

static u16 fold(u32 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 get32(const u8 *p)
{
	return (u32)get16(p) << 16 | get16(p + 2);
}

/* Learn from one captured frame; false if it is not of the connection. */
static bool learn(struct conn *c, const u8 *f, size_t n)
{
	size_t alen = c->family == AF_INET ? 4 : 16;
	const u8 *ip = f + ETH_HLEN, *th, *s, *d;
	u32 iplen, hlen, seq, end;
	u16 type, sp, dp;
	u8 flags;

	if (n < ETH_HLEN + 40)
		return false;
	type = get16(f + 12);
	if (c->family == AF_INET) {
		if (type != ETH_P_IP || ip[9] != IPPROTO_TCP)
			return false;
		hlen = (ip[0] & 15) * 4;
		iplen = get16(ip + 2);
		s = ip + 12;
		d = ip + 16;
	} else {
		if (type != ETH_P_IPV6 || ip[6] != IPPROTO_TCP ||
		    n < ETH_HLEN + 60)
			return false;
		hlen = 40;
		iplen = 40 + get16(ip + 4);
		s = ip + 8;
		d = ip + 24;
	}
	th = ip + hlen;
	if ((size_t)(th - f) + 20 > n)
		return false;
	sp = get16(th);
	dp = get16(th + 2);
	if (sp != c->port && dp != c->port)
		return false;
	flags = th[13];
	if (flags & (F_SYN | F_RST) || !(flags & F_ACK))
		return false;
	seq = get32(th + 4);
	end = seq + iplen - hlen - (th[12] >> 4) * 4 + !!(flags & F_FIN);
	snprintf(c->last, sizeof(c->last),
		 "port %u > %u flags 0x%02x seq %u end %u ack %u win %u",
		 sp, dp, flags, seq, end, get32(th + 8), get16(th + 14));
	if (!memcmp(s, c->dst, alen) && !memcmp(d, c->src, alen)) {
		c->dport = htons(sp);
		c->sport = htons(dp);
		c->a_ack = get32(th + 8);
		if (!c->have_a || seq_after(end, c->a_nxt))
			c->a_nxt = end;
		c->have_a = true;
		/* The capture may have missed the peer's last segments. */
		if (!c->have_b || seq_after(c->a_ack, c->b_nxt))
			c->b_nxt = c->a_ack;
		return true;
	}
	if (!memcmp(s, c->src, alen) && !memcmp(d, c->dst, alen)) {
		c->sport = htons(sp);
		c->dport = htons(dp);
		c->b_ack = get32(th + 8);
		c->b_win = get16(th + 14);
		if (!c->have_b || seq_after(end, c->b_nxt))
			c->b_nxt = end;
		c->have_b = true;
		if (!c->have_a || seq_after(c->b_ack, c->a_nxt))
			c->a_nxt = c->b_ack;
		return true;
	}
	return false;
}

/*
 * Read what was captured; wait up to @ms for the first frame. Returns the
 * number of segments of the connection seen.
 */
static int capture(struct conn *c, int ms)
{
	static u8 f[70000];
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	int seen = 0;
	ssize_t n;

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(c->fd, f, sizeof(f), ms ? 0 : MSG_DONTWAIT);
	while (n > 0) {
		seen += learn(c, f, n);
		n = recv(c->fd, f, sizeof(f), MSG_DONTWAIT);
	}
	return seen;
}

static void xmit(struct conn *c, int kind, const struct seg *sg)
{
	u8 f[ETH_HLEN + 40 + 60 + GARBAGE_LEN];
	int tlen = 20 + sg->optlen + sg->datalen;
	int hlen = c->family == AF_INET ? 20 : 40;
	size_t alen = c->family == AF_INET ? 4 : 16;
	u8 *ip = f + ETH_HLEN, *th = ip + hlen;
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = c->ifindex,
		.sll_halen = ETH_ALEN,
	};
	u32 sum;
	int i;

	memset(f, 0, sizeof(f));
	memcpy(f, c->mac_dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, c->mac_src, ETH_ALEN);
	memcpy(sll.sll_addr, c->mac_dst, ETH_ALEN);
	if (c->family == AF_INET) {
		put16(f + 12, ETH_P_IP);
		ip[0] = 0x45;
		put16(ip + 2, hlen + tlen + sg->iplen_delta);
		put16(ip + 4, rand());
		put16(ip + 6, 0x4000);	/* DF */
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, c->src, 4);
		memcpy(ip + 16, c->dst, 4);
		put16(ip + 10, fold(sum16(ip, 20, 0)));
	} else {
		put16(f + 12, ETH_P_IPV6);
		ip[0] = 0x60;
		put16(ip + 4, tlen + sg->iplen_delta);
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, c->src, 16);
		memcpy(ip + 24, c->dst, 16);
	}
	memcpy(th, &c->sport, 2);
	memcpy(th + 2, &c->dport, 2);
	put32(th + 4, sg->seq);
	put32(th + 8, sg->ack);
	th[12] = (sg->doff ? sg->doff : 5 + sg->optlen / 4) << 4;
	th[13] = sg->flags;
	put16(th + 14, c->b_win ? c->b_win : 1000);
	memcpy(th + 20, sg->opt, sg->optlen);
	for (i = 0; i < sg->datalen; i++)
		th[20 + sg->optlen + i] = 0xa5 ^ (u8)rand();
	/* The checksum of what is in the frame, whatever the lengths say. */
	sum = sum16(ip + (c->family == AF_INET ? 12 : 8), 2 * alen, 0);
	sum += IPPROTO_TCP + tlen;
	sum = sum16(th, tlen, sum);
	put16(th + 16, fold(sum) ^ (sg->csum_bad ? 0x5a5a : 0));
	if (sendto(c->fd, f, ETH_HLEN + hlen + tlen, 0,
		   (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("sendto");
	sent[kind]++;
}

/* Options that are wrong in each way a length can be. */
static const u8 opt_len0[] = { 2, 0, 5, 0xb4 };
static const u8 opt_len1[] = { 1, 1, 3, 1 };
static const u8 opt_overrun[] = { 1, 1, 1, 1, 1, 1, 8, 10 };
static const u8 opt_nolen[] = { 1, 1, 1, 8 };
static const u8 opt_mss[] = { 2, 4, 5, 0xb4 };

enum {
	K_CSUM, K_DOFF4, K_DOFF_BEYOND, K_OPT_LEN0, K_OPT_LEN1,
	K_OPT_OVERRUN, K_OPT_NOLEN, K_SYNFIN, K_SYNRST, K_RST_OOW,
	K_RST_INWIN, K_SYN_INWIN, K_ACK_UNSENT, K_ACK_OLD, K_IPLEN_LONG,
	K_IPLEN_SHORT, K_IPLEN_HDR, K_NR
};

/* One malformed segment of @kind at the sequence numbers just seen. */
static void inject(struct conn *c, int kind)
{
	/* Half the garbage before the peer's next sequence number, half
	 * after it: in the window whether the peer's segments in flight
	 * filled it or not, and the second half is new data.
	 */
	struct seg sg = {
		.flags = F_ACK | F_PSH,
		.seq = c->b_nxt - GARBAGE_LEN / 2,
		.ack = c->b_ack,
		.datalen = GARBAGE_LEN,
	};

	switch (kind) {
	case K_CSUM:
		names[kind] = "bad checksum, garbage in window";
		sg.csum_bad = true;
		break;
	case K_DOFF4:
		names[kind] = "doff 4";
		sg.doff = 4;
		break;
	case K_DOFF_BEYOND:
		names[kind] = "doff 15 beyond a 28-byte segment";
		sg.doff = 15;
		sg.datalen = 8;
		break;
	case K_OPT_LEN0:
		names[kind] = "option length 0";
		sg.opt = opt_len0;
		sg.optlen = sizeof(opt_len0);
		break;
	case K_OPT_LEN1:
		names[kind] = "option length 1";
		sg.opt = opt_len1;
		sg.optlen = sizeof(opt_len1);
		break;
	case K_OPT_OVERRUN:
		names[kind] = "option overrunning the header";
		sg.opt = opt_overrun;
		sg.optlen = sizeof(opt_overrun);
		break;
	case K_OPT_NOLEN:
		names[kind] = "option kind as the last byte, no length";
		sg.opt = opt_nolen;
		sg.optlen = sizeof(opt_nolen);
		break;
	case K_SYNFIN:
		names[kind] = "SYN+FIN in window";
		sg.flags = F_SYN | F_FIN | F_ACK;
		sg.seq = c->b_nxt;
		break;
	case K_SYNRST:
		names[kind] = "SYN+RST at RCV.NXT";
		sg.flags = F_SYN | F_RST | F_ACK;
		sg.seq = c->b_nxt;
		sg.datalen = 0;
		break;
	case K_RST_OOW:
		names[kind] = "RST out of window";
		sg.flags = F_RST | F_ACK;
		sg.seq = c->b_nxt + 0x80000000u;
		sg.datalen = 0;
		break;
	case K_RST_INWIN:
		names[kind] = "RST in window, not exact";
		sg.flags = F_RST | F_ACK;
		sg.seq = c->b_nxt + 1;
		sg.datalen = 0;
		break;
	case K_SYN_INWIN:
		names[kind] = "SYN in window";
		sg.flags = F_SYN;
		sg.seq = c->b_nxt;
		sg.ack = 0;
		sg.opt = opt_mss;
		sg.optlen = sizeof(opt_mss);
		sg.datalen = 0;
		break;
	case K_ACK_UNSENT:
		names[kind] = "ACK of unsent data, garbage in window";
		sg.ack = c->a_nxt + 0x40000000u;
		break;
	case K_ACK_OLD:
		names[kind] = "ACK too old (RFC 5961 5.2), garbage in window";
		sg.ack = c->b_ack - 0x40000000u;
		break;
	case K_IPLEN_LONG:
		names[kind] = "IP length beyond the frame";
		sg.iplen_delta = 100;
		break;
	case K_IPLEN_SHORT:
		names[kind] = "IP length cutting the payload";
		sg.iplen_delta = -10;
		break;
	case K_IPLEN_HDR:
		names[kind] = "IP length cutting the TCP header";
		sg.iplen_delta = -(GARBAGE_LEN + 10);
		break;
	}
	xmit(c, kind, &sg);
}

enum {
	L_SYNFIN, L_SYNRST, L_FIN, L_CSUM, L_DOFF_BEYOND, L_OPT_LEN0,
	L_OPT_OVERRUN, L_XMAS, L_ACK, L_NR
};

/* Odd segments to a listener, from ports of their own. */
static void inject_listener(struct conn *c, int kind)
{
	struct seg sg = {
		.flags = F_SYN,
		.seq = (u32)rand(),
		.opt = opt_mss,
		.optlen = sizeof(opt_mss),
	};

	c->sport = htons(20000 + kind);
	switch (kind) {
	case L_SYNFIN:
		names[kind] = "listener: SYN+FIN";
		sg.flags |= F_FIN;
		break;
	case L_SYNRST:
		names[kind] = "listener: SYN+RST";
		sg.flags |= F_RST;
		break;
	case L_FIN:
		names[kind] = "listener: FIN alone";
		sg.flags = F_FIN;
		break;
	case L_CSUM:
		names[kind] = "listener: SYN with a bad checksum";
		sg.csum_bad = true;
		break;
	case L_DOFF_BEYOND:
		names[kind] = "listener: SYN with doff beyond the segment";
		sg.doff = 15;
		break;
	case L_OPT_LEN0:
		names[kind] = "listener: SYN with option length 0";
		sg.opt = opt_len0;
		break;
	case L_OPT_OVERRUN:
		names[kind] = "listener: SYN with an option overrunning";
		sg.opt = opt_overrun;
		sg.optlen = sizeof(opt_overrun);
		break;
	case L_XMAS:
		names[kind] = "listener: FIN+PSH+URG, no SYN";
		sg.flags = F_FIN | F_PSH | F_URG;
		break;
	case L_ACK:
		/* The one that must be answered, with a RST. */
		names[kind] = "listener: ACK, no SYN";
		sg.flags = F_ACK;
		sg.ack = (u32)rand();
		sg.optlen = 0;
		break;
	}
	xmit(c, kind, &sg);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	       (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Wait for the connection to go quiet (no segment for 600 ms, longer than
 * the default challenge ACK rate limit), send one segment of @kind, and
 * look for the stack's challenge ACK: no payload, SEG.SEQ = its SND.NXT,
 * SEG.ACK = its RCV.NXT (RFC 5961 3.2, 4.2, 5.2). Returns 1 if one came
 * within three seconds (emulation can run a softirq late), 0 if not, -1 if
 * the connection never went quiet.
 */
static int challenge(struct conn *c, int kind)
{
	static u8 f[70000];
	struct timespec t0, t, start, last;
	u32 nxt, ack;
	ssize_t n;

	/* Quiet means 600 ms by the clock since the connection's last
	 * segment: counting empty reads is not enough, as other packets
	 * (ARP, neighbour discovery) end a read early, and a challenge
	 * ACK then followed the previous one within the rate limit.
	 */
	clock_gettime(CLOCK_MONOTONIC, &start);
	last = start;
	while (ms_since(&last) < 600) {
		if (ms_since(&start) > 30000) {
			printf("ltcp_inject: never quiet, last: %s\n", c->last);
			return -1;
		}
		if (capture(c, 100))
			clock_gettime(CLOCK_MONOTONIC, &last);
	}
	nxt = c->a_nxt;
	ack = c->b_nxt;
	inject(c, kind);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	t = t0;
	do {
		struct timeval tv = { 0, 100000 };
		const u8 *th;

		setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		n = recv(c->fd, f, sizeof(f), 0);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (n > 0 && learn(c, f, n) && c->a_nxt == nxt &&
		    c->a_ack == ack) {
			th = f + ETH_HLEN + (c->family == AF_INET ?
					     (f[ETH_HLEN] & 15) * 4 : 40);
			/* From the stack, as a pure ACK. */
			if (!memcmp(th, &c->dport, 2) && get32(th + 4) == nxt &&
			    (th[13] & ~F_PSH) == F_ACK) {
				printf("ltcp_inject: %s: ACK %u win %u after %ld us\n",
				       names[kind], get32(th + 8),
				       get16(th + 14),
				       (long)((t.tv_sec - t0.tv_sec) * 1000000 +
					      (t.tv_nsec - t0.tv_nsec) / 1000));
				return 1;
			}
		}
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < 3000);
	return 0;
}

static int parse_mac(const char *s, u8 *mac)
{
	unsigned int b[ETH_ALEN];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != ETH_ALEN)
		return -1;
	for (i = 0; i < ETH_ALEN; i++)
		mac[i] = b[i];
	return 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	bool listen_mode;
	struct conn c;
	struct ifreq ifr;
	int i, k, rounds = 1, gap = 0, nkinds;

	if (argc < 7 || (strcmp(argv[1], "conn") && strcmp(argv[1], "listen")) ||
	    (!strcmp(argv[1], "conn") && argc < 9)) {
		fprintf(stderr, "usage: ltcp_inject conn IFNAME SRC DST DSTMAC PORT ROUNDS GAP_MS\n"
				"       ltcp_inject listen IFNAME SRC DST DSTMAC PORT\n");
		return 2;
	}
	listen_mode = !strcmp(argv[1], "listen");
	memset(&c, 0, sizeof(c));
	c.family = strchr(argv[3], ':') ? AF_INET6 : AF_INET;
	if (inet_pton(c.family, argv[3], c.src) != 1 ||
	    inet_pton(c.family, argv[4], c.dst) != 1 ||
	    parse_mac(argv[5], c.mac_dst)) {
		fprintf(stderr, "ltcp_inject: bad address\n");
		return 2;
	}
	c.port = atoi(argv[6]);
	if (!listen_mode) {
		rounds = atoi(argv[7]);
		gap = atoi(argv[8]);
	}
	srand(getpid());

	c.ifindex = if_nametoindex(argv[2]);
	if (!c.ifindex)
		die(argv[2]);
	c.fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (c.fd < 0)
		die("socket");
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", argv[2]);
	if (ioctl(c.fd, SIOCGIFHWADDR, &ifr))
		die("SIOCGIFHWADDR");
	memcpy(c.mac_src, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	i = 8 << 20;
	setsockopt(c.fd, SOL_SOCKET, SO_RCVBUFFORCE, &i, sizeof(i));
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = c.ifindex;
	if (bind(c.fd, (struct sockaddr *)&sll, sizeof(sll)))
		die("bind");

	if (listen_mode) {
		c.dport = htons(c.port);
		nkinds = L_NR;
		for (k = 0; k < L_NR; k++)
			inject_listener(&c, k);
	} else {
		nkinds = K_NR;
		for (i = 0; i < 300 && !(c.have_a && c.have_b); i++)
			capture(&c, 100);
		if (!(c.have_a && c.have_b)) {
			fprintf(stderr, "ltcp_inject: no connection with port %u seen\n",
				c.port);
			return 1;
		}
		for (i = 0; i < rounds; i++) {
			for (k = 0; k < K_NR; k++) {
				capture(&c, 0);
				inject(&c, k);
			}
			sleep_ms(gap);
		}
		/* K_RST_OOW must draw nothing (RFC 5961 3.2). */
		for (k = K_RST_OOW; k <= K_ACK_OLD; k++) {
			int r = challenge(&c, k);

			printf("ltcp_inject: reply to %s: %s\n", names[k],
			       r > 0 ? "challenge ACK" : r < 0 ?
			       "not tried, never quiet" : "none");
		}
		printf("ltcp_inject: stack %u, peer %u, last seen: ack %u nxt %u / ack %u nxt %u\n",
		       ntohs(c.dport), ntohs(c.sport), c.a_ack, c.a_nxt,
		       c.b_ack, c.b_nxt);
	}
	for (k = 0; k < nkinds; k++)
		printf("ltcp_inject: %lu x %s\n", sent[k], names[k]);
	return 0;
}
