/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peer: a scripted TCP peer behind a TUN device.
 *
 * The stack under test (the kernel's TCP, or ltcp) talks to an address on a
 * TUN interface (IFF_TUN | IFF_NO_PI); the test program holds the other end
 * of the TUN and plays the remote host, segment by segment, the way
 * packetdrill does: it writes exact segments (any flags, sequence numbers,
 * window, options, payload, and deliberately broken checksums or headers),
 * and reads what the stack sends back, checks it field by field against an
 * expectation, with a timeout, and reports a diff on mismatch.
 *
 * Naming: "local" is the stack under test (default 198.51.100.1 and
 * 2001:db8:1::1 on the TUN), "peer" the scripted host (198.51.100.2 and
 * 2001:db8:1::2, behind the TUN).
 *
 * A segment is written as a line in packetdrill's syntax, printf-style:
 *
 *	FLAGS [START:END(LEN)] [ack N] [win N] [urg N] [<OPTIONS>] [EXTRAS]
 *
 * FLAGS	letters of F S R P . U E W ("." is ACK; "A" is accepted for
 *		it too), or "-" for none. Compared exactly in expectations,
 *		except letters in brackets, which may be set or not: "[P].".
 * START:END(LEN) the sequence numbers, relative to the sender's ISN (0 is
 *		the SYN), and the payload length. "ack N" is relative to the
 *		receiver's ISN.
 * win N	the raw 16-bit window field, unscaled.
 * OPTIONS	comma separated, in wire order: nop, eol, mss N, wscale N,
 *		sackOK, TS val N ecr N, sack S:E [S:E ...] (relative to the
 *		receiver's ISN), raw HEX (bytes as they go on the wire, for
 *		unknown or malformed options; expected, it matches only what
 *		the reader could not parse as one of the others). "<>" means
 *		no options.
 *		"TS" alone: when sent, val is the peer's clock and ecr echoes the
 *		last TSval the stack sent; when expected, val must not go back
 *		and ecr must be a TSval the peer sent (0 before it sent one).
 * EXTRAS	(sent segments) csum bad | csum N, ipcsum bad (IPv4),
 *		doff N, res N (the 4 reserved bits), trunc N (write only N
 *		bytes of the packet), ttl N (hop limit for IPv6), tos N
 *		(traffic class). ttl and tos can be expected too.
 *
 * In an expectation any number may be "*", and anything left out is not
 * checked: ". ack 1001" checks only the flags and the ACK number.
 *
 *	peer_send(&c, "S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,"
 *			  "nop,wscale 7>");
 *	peer_expect(&c, "S. 0:0(0) ack 1 win 65160 <mss 1460,sackOK,"
 *			    "TS val * ecr 100,nop,wscale 7>");
 *	peer_send(&c, ". 1:1(0) ack 1 win 502 <nop,nop,TS>");
 *	peer_send(&c, "P. 1:1001(1000) ack 1 <nop,nop,TS>");
 *	peer_expect(&c, ". 1:1(0) ack 1001 <nop,nop,TS>");
 *	delay = peer_rx_delay_ms(&c);
 *
 * One struct peer_conn per connection: the stack's ISN is learned from its
 * first SYN or SYN-ACK, its port from its first segment when the stack
 * opens. Reading skips packets that are not TCP (IPv6 MLD...) and keeps
 * segments of other connections for them. c->last holds the last segment
 * read (c->last.t its arrival time), c->last_seg the same relative to the
 * ISNs; peer_match() checks it against further lines.
 *
 * Payload the peer sends without explicit data follows peer_pattern(): the
 * byte at relative sequence number s is the same in every retransmission or
 * reordering, so the application can check what it reads.
 *
 * Each function returns 0 on success and -1 on failure (with the reason on
 * stderr), so that tests can ASSERT_EQ(0, peer_...(...)).
 */
#ifndef _LTCP_PEER_H
#define _LTCP_PEER_H

#include <linux/types.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <time.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s32 s32;

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* The kernel's __printf(); the indirection keeps checkpatch from asking for it. */
#define __peer_attr(x) __attribute__(x)
#ifndef __printf
#define __printf(a, b) __peer_attr((format(printf, a, b)))
#endif

/* TCP header flag bits, as on the wire. */
#define PEER_FIN	0x01
#define PEER_SYN	0x02
#define PEER_RST	0x04
#define PEER_PSH	0x08
#define PEER_ACK	0x10
#define PEER_URG	0x20
#define PEER_ECE	0x40
#define PEER_CWR	0x80

#define PEER_PKT_MAX	65536	/* largest packet read from the TUN */
#define PEER_OPT_MAX	40	/* options in one segment */
#define PEER_SACK_MAX	4	/* SACK blocks in one option */
#define PEER_BACKLOG	64	/* segments of other connections kept */

/* Defaults of struct peer_cfg. */
#define PEER_IFNAME	"peer0"
#define PEER_LOCAL4	"198.51.100.1"
#define PEER_REMOTE4	"198.51.100.2"
#define PEER_LOCAL6	"2001:db8:1::1"
#define PEER_REMOTE6	"2001:db8:1::2"
#define PEER_TIMEOUT_MS	3000	/* default wait of peer_expect() */

/**
 * struct peer_cfg - how peer_open() sets up the TUN; NULL fields default
 * @ifname: interface name (PEER_IFNAME)
 * @local4: the stack's IPv4 address on the TUN (PEER_LOCAL4)
 * @remote4: the peer's IPv4 address, behind the TUN (PEER_REMOTE4)
 * @plen4: IPv4 prefix length (24)
 * @local6: the stack's IPv6 address (PEER_LOCAL6)
 * @remote6: the peer's IPv6 address (PEER_REMOTE6)
 * @plen6: IPv6 prefix length (64)
 * @mtu: MTU of the TUN (1500)
 */
struct peer_cfg {
	const char *ifname;
	const char *local4;
	const char *remote4;
	int plen4;
	const char *local6;
	const char *remote6;
	int plen6;
	int mtu;
};

/**
 * struct peer_pkt - one packet read from the TUN, parsed
 * @t: CLOCK_MONOTONIC time it was read
 * @family: AF_INET or AF_INET6
 * @src: source address (4 or 16 bytes, network order)
 * @dst: destination address
 * @tos: IPv4 TOS or IPv6 traffic class
 * @ttl: IPv4 TTL or IPv6 hop limit
 * @sport: TCP source port
 * @dport: TCP destination port
 * @seq: sequence number, absolute
 * @ack: acknowledgment number, absolute
 * @doff: data offset, in 32-bit words
 * @res: the 4 reserved bits
 * @flags: PEER_* flag bits
 * @win: window field, raw
 * @csum: checksum field
 * @urg: urgent pointer
 * @csum_ok: the TCP checksum verifies
 * @opt_off: offset of the TCP options in @buf
 * @opt_len: their length
 * @data_off: offset of the payload in @buf
 * @data_len: its length
 * @len: length of the packet
 * @buf: the packet, from the IP header
 */
struct peer_pkt {
	struct timespec t;
	int family;
	u8 src[16];
	u8 dst[16];
	u8 tos;
	u8 ttl;
	u16 sport;
	u16 dport;
	u32 seq;
	u32 ack;
	u8 doff;
	u8 res;
	u8 flags;
	u16 win;
	u16 csum;
	u16 urg;
	bool csum_ok;
	size_t opt_off;
	size_t opt_len;
	size_t data_off;
	size_t data_len;
	size_t len;
	u8 buf[PEER_PKT_MAX];
};

/* peer_opt.kind for bytes written or read as they are. */
#define PEER_OPT_RAW	(-1)

/* peer_opt.wild: which values are "*" in an expectation. */
#define PEER_WILD_ALL	0xffffffffu

/**
 * struct peer_opt - one TCP option
 * @kind: TCPOPT_* kind, or PEER_OPT_RAW
 * @n: number of values in @v (SACK: twice the number of blocks)
 * @v: MSS; window scale; TS val and ecr; SACK block starts and ends,
 *     relative to the receiver's ISN
 * @wild: bit i set when v[i] is "*"; PEER_WILD_ALL for any value
 * @autots: "TS" without values (see the header comment)
 * @len: raw: number of bytes in @raw
 * @raw: raw: the bytes
 */
struct peer_opt {
	int kind;
	int n;
	u32 v[2 * PEER_SACK_MAX];
	u32 wild;
	bool autots;
	int len;
	u8 raw[40];
};

/* peer_seg.have: the fields a segment line gives. */
#define PEER_HAVE_SEQ		0x0001
#define PEER_HAVE_END		0x0002
#define PEER_HAVE_LEN		0x0004
#define PEER_HAVE_ACK		0x0008
#define PEER_HAVE_WIN		0x0010
#define PEER_HAVE_URG		0x0020
#define PEER_HAVE_OPTS		0x0040
#define PEER_HAVE_CSUM		0x0080
#define PEER_HAVE_CSUM_BAD	0x0100
#define PEER_HAVE_IPCSUM_BAD	0x0200
#define PEER_HAVE_DOFF		0x0400
#define PEER_HAVE_RES		0x0800
#define PEER_HAVE_TRUNC		0x1000
#define PEER_HAVE_TTL		0x2000
#define PEER_HAVE_TOS		0x4000

/**
 * struct peer_seg - a segment line, parsed (or a received segment, made
 *                   relative to the connection's ISNs)
 * @flags: PEER_* flag bits
 * @flags_any: flag bits an expectation leaves open ("[P]")
 * @have: PEER_HAVE_* bits of the fields given
 * @wild: PEER_HAVE_* bits of the fields given as "*"
 * @seq: START, relative to the sender's ISN
 * @end: END
 * @len: LEN, the payload length
 * @ack: relative to the receiver's ISN
 * @win: raw window field
 * @urg: urgent pointer
 * @nopt: number of options in @opt
 * @opt: the options, in wire order
 * @csum: TCP checksum to write instead of the right one
 * @doff: data offset to write
 * @res: reserved bits to write
 * @trunc: bytes of the packet to write
 * @ttl: IPv4 TTL or IPv6 hop limit
 * @tos: IPv4 TOS or IPv6 traffic class
 */
struct peer_seg {
	u8 flags;
	u8 flags_any;
	u32 have;
	u32 wild;
	u32 seq;
	u32 end;
	u32 len;
	u32 ack;
	u32 win;
	u32 urg;
	int nopt;
	struct peer_opt opt[PEER_OPT_MAX];
	u16 csum;
	u8 doff;
	u8 res;
	u32 trunc;
	u8 ttl;
	u8 tos;
};

/**
 * struct peer - the TUN device and the addresses on both sides of it
 * @fd: the TUN file descriptor
 * @ifindex: its interface index
 * @ifname: its name
 * @mtu: its MTU
 * @has_ipv6: the IPv6 addresses are configured
 * @local4: the stack's IPv4 address
 * @remote4: the peer's IPv4 address
 * @local6: the stack's IPv6 address
 * @remote6: the peer's IPv6 address
 * @verbose: 1: print every segment sent and received; 2: and the packets
 *	     skipped or kept for other connections (env PEER_VERBOSE)
 * @t0: when the TUN was opened, for the trace
 * @ignored: packets read that were not TCP (IPv6 ND, MLD...)
 * @nbacklog: number of packets in @backlog
 * @backlog: TCP segments read that belong to no connection waited on yet
 * @ip_id: next IPv4 identification
 */
struct peer {
	int fd;
	int ifindex;
	char ifname[IFNAMSIZ];
	int mtu;
	bool has_ipv6;
	struct in_addr local4;
	struct in_addr remote4;
	struct in6_addr local6;
	struct in6_addr remote6;
	int verbose;
	struct timespec t0;
	unsigned long ignored;
	int nbacklog;
	struct peer_pkt *backlog[PEER_BACKLOG];
	u16 ip_id;
};

/**
 * struct peer_synopts - the options one side announced in its SYN
 * @seen: the SYN was sent or seen
 * @mss: MSS option (0 if none)
 * @wscale: window scale (-1 if none)
 * @sack: SACK permitted
 * @ts: timestamps
 */
struct peer_synopts {
	bool seen;
	u16 mss;
	int wscale;
	bool sack;
	bool ts;
};

/**
 * struct peer_conn - one connection between the peer and the stack
 * @p: the TUN it goes through
 * @family: AF_INET or AF_INET6
 * @local_port: the stack's port (0: learned from the first segment)
 * @peer_port: the peer's port
 * @peer_isn: the peer's ISN (random unless set before the first send)
 * @local_isn: the stack's ISN, learned from its SYN or SYN-ACK
 * @local_isn_known: @local_isn is learned
 * @local_syn: the options of the stack's SYN or SYN-ACK
 * @peer_syn: the options of the peer's SYN or SYN-ACK
 * @timeout_ms: how long peer_expect() waits (PEER_TIMEOUT_MS)
 * @ts_base: the peer's TS clock at @ts_t0
 * @ts_t0: start of the peer's TS clock
 * @ts_sent: the peer sent a TSval
 * @ts_first: first TSval the peer sent
 * @ts_last: last TSval the peer sent
 * @ts_recent: last TSval the stack sent (what "TS" echoes)
 * @ts_recent_ok: @ts_recent is valid
 * @ts_prev: the TSval the stack sent before @ts_recent
 * @ts_prev_ok: @ts_prev is valid
 * @last_tx: when the peer last sent a segment on this connection
 * @last_seg: the last segment received, relative
 * @last: the last segment received
 */
struct peer_conn {
	struct peer *p;
	int family;
	u16 local_port;
	u16 peer_port;
	u32 peer_isn;
	u32 local_isn;
	bool local_isn_known;
	struct peer_synopts local_syn;
	struct peer_synopts peer_syn;
	unsigned int timeout_ms;
	u32 ts_base;
	struct timespec ts_t0;
	bool ts_sent;
	u32 ts_first;
	u32 ts_last;
	u32 ts_recent;
	bool ts_recent_ok;
	u32 ts_prev;
	bool ts_prev_ok;
	struct timespec last_tx;
	struct peer_seg last_seg;
	struct peer_pkt last;
};

/* Setup. */
int peer_netns_new(void);
int peer_open(struct peer *p, const struct peer_cfg *cfg);
void peer_close(struct peer *p);
socklen_t peer_sockaddr(const struct peer *p, int family, bool local,
			u16 port, struct sockaddr_storage *ss);

/* Connections. */
void peer_conn_init(struct peer_conn *c, struct peer *p, int family,
		    u16 local_port, u16 peer_port);
int peer_send(struct peer_conn *c, const char *fmt, ...) __printf(2, 3);
int peer_send_data(struct peer_conn *c, const void *data, size_t len,
		   const char *fmt, ...) __printf(4, 5);
int peer_send_seg(struct peer_conn *c, const struct peer_seg *s,
		  const void *data);
int peer_expect(struct peer_conn *c, const char *fmt, ...) __printf(2, 3);
int peer_expect_none(struct peer_conn *c, unsigned int ms);
int peer_match(struct peer_conn *c, const char *fmt, ...) __printf(2, 3);
int peer_recv(struct peer_conn *c, unsigned int timeout_ms);
int peer_parse(struct peer_conn *c, const char *line, bool expect,
	       struct peer_seg *s);
int peer_connect_expect_synack(struct peer_conn *c, const char *fmt, ...)
	__printf(2, 3);
int peer_connect(struct peer_conn *c);
int peer_accept(struct peer_conn *c);

/* Raw packets. */
int peer_write(struct peer *p, const void *pkt, size_t len);
int peer_send_too_big(struct peer_conn *c, const struct peer_pkt *pkt,
		      u32 mtu, u32 seq_delta);
int peer_send_unreachable(struct peer_conn *c, const struct peer_pkt *pkt);

/* Payload and time. */
void peer_pattern(void *buf, u32 rel_seq, size_t len);
const u8 *peer_data(const struct peer_pkt *pkt);
double peer_ms(const struct timespec *from, const struct timespec *to);
double peer_rx_delay_ms(const struct peer_conn *c);

#endif /* _LTCP_PEER_H */
