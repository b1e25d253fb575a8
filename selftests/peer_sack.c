// SPDX-License-Identifier: GPL-2.0
/*
 * peer_sack: SACK as a receiver, on the wire (RFC 2018, RFC 2883).
 *
 * The scripted peer (peer/) opens connections to the stack under test and
 * sends segments out of order and twice; each test checks the SACK blocks
 * of the ACKs that come back: sackOK in the SYN-ACK only when the SYN had
 * it, the block of the latest segment first then the ones reported before,
 * blocks merging and going as holes fill, as many as fit beside the other
 * options, D-SACK blocks for duplicates below RCV.NXT and of data held out
 * of order (and the counters of both, and of out-of-order segments), and
 * the sack and dsack sysctls turning them off.
 *
 * LTCP_PEER_PROTO as in peer_kernel_tcp: unset for the kernel's TCP (the
 * reference: the same expectations, its knobs net.ipv4.tcp_sack and
 * tcp_dsack), "ltcp" for ltcp (net.ltcp.sack and dsack). Where Linux 6.1
 * reports other blocks than RFC 2018/2883 ask for, the test says so and
 * holds ltcp to the RFC (Documentation/design.rst, "SACK (receiver)").
 *
 * Needs root, a network namespace per test and TUN: run it in the test VM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "peer.h"
#include "peer_env.h"

#define LOCAL_PORT	PEER_ENV_LOCAL_PORT
#define TCPOPT_SACK	5	/* RFC 2018; linux/tcp.h, for tcp_info, lacks it */
#define PEER_PORT	PEER_ENV_PEER_PORT

/* An ACK of @ack with timestamps and the SACK blocks @blocks ("S:E ..."). */
#define ACK_SACK	". 1:1(0) ack %u <nop,nop,TS val * ecr *,nop,nop,sack %s>"
/* An ACK of @ack with timestamps and no SACK option. */
#define ACK_PLAIN	". 1:1(0) ack %u <nop,nop,TS val * ecr *>"
/* An ACK of @ack with SACK blocks, no timestamps. */
#define ACK_NOTS	". 1:1(0) ack %u <nop,nop,sack %s>"

/* SYN and SYN-ACK options: Linux's layouts with and without sackOK. */
#define SYN_TS		"<mss %u,sackOK,TS val 100 ecr 0,nop,wscale 7>"
#define SYNACK_TS	"<mss %u,sackOK,TS val * ecr 100,nop,wscale 7>"
#define SYN_NOSACK	"<mss %u,nop,nop,TS val 100 ecr 0,nop,wscale 7>"
#define SYNACK_NOSACK	"<mss %u,nop,nop,TS val * ecr 100,nop,wscale 7>"

/* Set the knob @name (sack, dsack) of the stack under test, this netns. */
static int set_knob(int proto, const char *name, int val)
{
	char path[128], buf[16];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), proto ? "/proc/sys/net/ltcp/%s" :
		 "/proc/sys/net/ipv4/tcp_%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	snprintf(buf, sizeof(buf), "%d\n", val);
	ret = fputs(buf, f) < 0 ? -1 : 0;
	if (fclose(f))
		ret = -1;
	return ret;
}

FIXTURE(sack) {
	struct peer_env e;
};

FIXTURE_VARIANT(sack) {
	int family;
	unsigned int mss;
};

FIXTURE_VARIANT_ADD(sack, ipv4) {
	.family = AF_INET,
	.mss = 1460,
};

FIXTURE_VARIANT_ADD(sack, ipv6) {
	.family = AF_INET6,
	.mss = 1440,
};

FIXTURE_SETUP(sack)
{
	peer_env_setup(_metadata, &self->e, variant->family);
}

FIXTURE_TEARDOWN(sack)
{
	peer_env_teardown(&self->e);
}

/* Listen, let the peer open a connection (sackOK, TS), accept it. */
static void establish(struct __test_metadata *_metadata, struct peer_env *e,
		      int family)
{
	peer_env_listen(_metadata, e, family);
	ASSERT_EQ(0, peer_connect(&e->c));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
}

/* Read exactly the peer's bytes [rel_seq, rel_seq + len). */
static void expect_read(struct __test_metadata *_metadata, int fd,
			u32 rel_seq, size_t len)
{
	char buf[8192], want[8192];
	size_t got = 0;
	ssize_t n;

	ASSERT_GE(sizeof(buf), len);
	while (got < len) {
		n = recv(fd, buf + got, len - got, 0);
		ASSERT_LT(0, n) TH_LOG("recv: %s", n ? strerror(errno) : "EOF");
		got += n;
	}
	peer_pattern(want, rel_seq, len);
	ASSERT_EQ(0, memcmp(buf, want, len)) TH_LOG("the bytes differ");
}

static bool tcpi_sack(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len))
		return false;
	return info.tcpi_options & TCPI_OPT_SACK;
}

/*
 * RFC 2018 section 2: the SYN-ACK carries sackOK when the SYN did and not
 * otherwise, laid out as Linux lays it out (with timestamps: MSS, sackOK,
 * TS, NOP, wscale; without: MSS, NOP, NOP, sackOK, NOP, wscale); TCP_INFO
 * says TCPI_OPT_SACK only when it was agreed. The stack's own SYN offers
 * it.
 */
TEST_F(sack, negotiation)
{
	struct peer_env *e = &self->e;
	unsigned int mss = variant->mss;
	struct peer_conn c2, c3;
	struct sockaddr_storage ss;
	int fd;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);

	ASSERT_EQ(0, peer_send(&e->c, "S 0:0(0) win 65535 " SYN_TS,
			       mss));
	ASSERT_EQ(0, peer_expect(&e->c, "S. 0:0(0) ack 1 " SYNACK_TS,
				 mss));
	ASSERT_EQ(0, peer_send(&e->c, ". 1:1(0) ack 1 <nop,nop,TS>"));
	fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(tcpi_sack(fd));
	peer_env_abort(fd);

	peer_conn_init(&c2, &e->p, variant->family, LOCAL_PORT, PEER_PORT + 1);
	ASSERT_EQ(0, peer_send(&c2, "S 0:0(0) win 65535 <mss %u,nop,nop,sackOK,nop,wscale 7>",
			       mss));
	ASSERT_EQ(0, peer_expect(&c2, "S. 0:0(0) ack 1 <mss %u,nop,nop,sackOK,nop,wscale 7>",
				 mss));
	ASSERT_EQ(0, peer_send(&c2, ". 1:1(0) ack 1"));
	fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, fd);
	EXPECT_TRUE(tcpi_sack(fd));
	peer_env_abort(fd);

	peer_conn_init(&c3, &e->p, variant->family, LOCAL_PORT, PEER_PORT + 2);
	ASSERT_EQ(0, peer_send(&c3, "S 0:0(0) win 65535 " SYN_NOSACK,
			       mss));
	ASSERT_EQ(0, peer_expect(&c3, "S. 0:0(0) ack 1 " SYNACK_NOSACK,
				 mss));
	ASSERT_EQ(0, peer_send(&c3, ". 1:1(0) ack 1 <nop,nop,TS>"));
	fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, fd);
	EXPECT_FALSE(tcpi_sack(fd));
	/* Out-of-order data without SACK: a plain duplicate ACK. */
	ASSERT_EQ(0, peer_send(&c3, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(&c3, ACK_PLAIN, 1));
	peer_env_abort(fd);

	/* Active open: the SYN offers it. */
	peer_conn_init(&c2, &e->p, variant->family, 0, PEER_PORT + 3);
	e->fd = socket(variant->family, SOCK_STREAM | SOCK_NONBLOCK, e->proto);
	ASSERT_LE(0, e->fd);
	ASSERT_EQ(-1, connect(e->fd, (struct sockaddr *)&ss,
			      peer_sockaddr(&e->p, variant->family, false,
					    PEER_PORT + 3, &ss)));
	ASSERT_EQ(0, peer_expect(&c2, "S 0:0(0) <mss %u,sackOK,TS val * ecr 0,nop,wscale 7>",
				 mss));
}

/*
 * One hole (RFC 2018 section 4): a segment after it draws a block; the
 * next one extends it; the fill acknowledges all and the block is gone.
 */
TEST_F(sack, one_hole)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 2001:3001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:3001"));
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 3001));
	expect_read(_metadata, e->fd, 1, 3000);
}

/*
 * Two holes: the block of the latest segment first, then the other; a
 * segment that extends the older block brings it first; one that fills
 * the hole between them merges them; a partial fill removes the blocks
 * below RCV.NXT.
 */
TEST_F(sack, two_holes)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 3001:4001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "3001:4001 1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 2001:2501(500) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:2501 3001:4001"));
	ASSERT_EQ(0, peer_send(c, "P. 2501:3001(500) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:4001"));
	ASSERT_EQ(0, peer_send(c, "P. 5001:6001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "5001:6001 1001:4001"));
	/* The first hole fills: only the block above the second remains. */
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 4001, "5001:6001"));
	ASSERT_EQ(0, peer_send(c, "P. 4001:5001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 6001));
	expect_read(_metadata, e->fd, 1, 6000);
}

/*
 * More blocks than fit: five separate ranges held; beside timestamps three
 * blocks fit, the most recent ones (RFC 2018 section 4), and a range that
 * had dropped out comes back first when it grows.
 */
TEST_F(sack, many_blocks_ts)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "P. 201:301(100) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "201:301"));
	ASSERT_EQ(0, peer_send(c, "P. 401:501(100) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "401:501 201:301"));
	ASSERT_EQ(0, peer_send(c, "P. 601:701(100) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "601:701 401:501 201:301"));
	ASSERT_EQ(0, peer_send(c, "P. 801:901(100) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "801:901 601:701 401:501"));
	ASSERT_EQ(0, peer_send(c, "P. 1001:1101(100) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:1101 801:901 601:701"));
	ASSERT_EQ(0, peer_send(c, "P. 301:351(50) ack 1 <nop,nop,TS>"));
	if (e->proto) {
		/* RFC 2018 section 4: the first block is the whole
		 * contiguous range holding the segment.
		 */
		ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1,
					 "201:351 1001:1101 801:901"));
	} else {
		/* Linux 6.1 keeps four blocks and had dropped 201:301:
		 * its first block leaves out data it holds.
		 */
		ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1,
					 "301:351 1001:1101 801:901"));
	}
}

/* The same without timestamps: four blocks fit. */
TEST_F(sack, many_blocks_no_ts)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int mss = variant->mss;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 <mss %u,nop,nop,sackOK,nop,wscale 7>",
			       mss));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 <mss %u,nop,nop,sackOK,nop,wscale 7>",
				 mss));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1"));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
	ASSERT_EQ(0, peer_send(c, "P. 201:301(100) ack 1"));
	ASSERT_EQ(0, peer_expect(c, ACK_NOTS, 1, "201:301"));
	ASSERT_EQ(0, peer_send(c, "P. 401:501(100) ack 1"));
	ASSERT_EQ(0, peer_send(c, "P. 601:701(100) ack 1"));
	ASSERT_EQ(0, peer_send(c, "P. 801:901(100) ack 1"));
	ASSERT_EQ(0, peer_expect(c, ACK_NOTS, 1, "401:501 201:301"));
	ASSERT_EQ(0, peer_expect(c, ACK_NOTS, 1, "601:701 401:501 201:301"));
	ASSERT_EQ(0, peer_expect(c, ACK_NOTS, 1, "801:901 601:701 401:501 201:301"));
	ASSERT_EQ(0, peer_send(c, "P. 1001:1101(100) ack 1"));
	ASSERT_EQ(0, peer_expect(c, ACK_NOTS, 1, "1001:1101 801:901 601:701 401:501"));
	ASSERT_EQ(0, peer_send(c, "P. 1:201(200) ack 1"));
	ASSERT_EQ(0, peer_expect(c, ACK_NOTS, 301, "1001:1101 801:901 601:701 401:501"));
}

/* tcpi_rcv_ooopack: the segments that arrived out of order. */
static long tcpi_ooopack(int fd)
{
	struct tcp_info info;
	socklen_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) ||
	    len < offsetof(struct tcp_info, tcpi_rcv_ooopack) + 4)
		return -1;
	return info.tcpi_rcv_ooopack;
}

/*
 * RFC 2883 section 4: a segment entirely below RCV.NXT is reported in a
 * D-SACK block, alone, at once; so is a part of one. Each D-SACK of old
 * data counts in TcpExtTCPDSACKOldSent.
 */
TEST_F(sack, dsack_below_rcv_nxt)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long old = peer_env_tcpext("TCPDSACKOldSent");
	long ofo = peer_env_tcpext("TCPDSACKOfoSent");

	if (!e->ready)
		return;
	ASSERT_LE(0, old);
	ASSERT_LE(0, ofo);
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 1001));
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1001, "1:1001"));
	ASSERT_EQ(0, peer_send(c, "P. 501:1001(500) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1001, "501:1001"));
	/* Reported once: the next ACK has no block. */
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 2001));
	expect_read(_metadata, e->fd, 1, 2000);
	EXPECT_EQ(old + 2, peer_env_tcpext("TCPDSACKOldSent"));
	EXPECT_EQ(ofo, peer_env_tcpext("TCPDSACKOfoSent"));
	EXPECT_EQ(0, tcpi_ooopack(e->fd));
}

/*
 * RFC 2883 section 4: a duplicate of data held out of order is reported
 * in a D-SACK block, followed by the block that holds it. Linux's
 * counters: every segment that arrives above RCV.NXT in TcpExtTCPOFOQueue
 * and tcpi_rcv_ooopack (four here, the duplicates too), each D-SACK of
 * data held out of order in TcpExtTCPDSACKOfoSent.
 */
TEST_F(sack, dsack_out_of_order)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	long old = peer_env_tcpext("TCPDSACKOldSent");
	long ofo = peer_env_tcpext("TCPDSACKOfoSent");
	long queued = peer_env_tcpext("TCPOFOQueue");

	if (!e->ready)
		return;
	ASSERT_LE(0, queued);
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:2001 1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 3001:4001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "3001:4001 1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 1501:2001(500) ack 1 <nop,nop,TS>"));
	/* The D-SACK, then the block that holds the duplicate. */
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1501:2001 1001:2001 3001:4001"));
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 2001, "3001:4001"));
	ASSERT_EQ(0, peer_send(c, "P. 2001:3001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 4001));
	expect_read(_metadata, e->fd, 1, 4000);
	EXPECT_EQ(queued + 4, peer_env_tcpext("TCPOFOQueue"));
	EXPECT_EQ(4, tcpi_ooopack(e->fd));
	EXPECT_EQ(ofo + 2, peer_env_tcpext("TCPDSACKOfoSent"));
	EXPECT_EQ(old, peer_env_tcpext("TCPDSACKOldSent"));
}

/* sack=0: no sackOK in either direction, no blocks. */
TEST_F(sack, sysctl_sack_off)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	unsigned int mss = variant->mss;
	struct sockaddr_storage ss;
	struct peer_conn c2;
	int fd;

	if (!e->ready)
		return;
	ASSERT_EQ(0, set_knob(e->proto, "sack", 0));
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 " SYN_TS,
			       mss));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 " SYNACK_NOSACK,
				 mss));
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1 <nop,nop,TS>"));
	fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, fd);
	EXPECT_FALSE(tcpi_sack(fd));
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 1));
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 1));
	peer_env_abort(fd);

	peer_conn_init(&c2, &e->p, variant->family, 0, PEER_PORT + 3);
	e->fd = socket(variant->family, SOCK_STREAM | SOCK_NONBLOCK, e->proto);
	ASSERT_LE(0, e->fd);
	ASSERT_EQ(-1, connect(e->fd, (struct sockaddr *)&ss,
			      peer_sockaddr(&e->p, variant->family, false,
					    PEER_PORT + 3, &ss)));
	ASSERT_EQ(0, peer_expect(&c2, "S 0:0(0) <mss %u,nop,nop,TS val * ecr 0,nop,wscale 7>",
				 mss));
}

/* dsack=0: SACK blocks still, but no D-SACK. */
TEST_F(sack, sysctl_dsack_off)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	ASSERT_EQ(0, set_knob(e->proto, "dsack", 0));
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 1001));
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 1001));
	ASSERT_EQ(0, peer_send(c, "P. 2001:3001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1001, "2001:3001"));
	ASSERT_EQ(0, peer_send(c, "P. 2001:3001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1001, "2001:3001"));
}

/*
 * SACK options a receiver cannot use (RFC 2018 section 3: 2 + 8n bytes)
 * are ignored, as are blocks of data never sent: the segments' data is
 * taken and acknowledged as usual.
 */
TEST_F(sack, bad_sack_options)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;

	if (!e->ready)
		return;
	establish(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "P. 1:101(100) ack 1 <nop,nop,TS,nop,nop,raw 0502>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 101));
	ASSERT_EQ(0, peer_send(c, "P. 101:201(100) ack 1 <nop,nop,TS,raw 050300,nop>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 201));
	ASSERT_EQ(0, peer_send(c, "P. 201:301(100) ack 1 <nop,nop,TS,%s,nop>",
			       "raw 050b0000000100000002ff"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 301));
	ASSERT_EQ(0, peer_send(c, "P. 301:401(100) ack 1 <nop,nop,TS,nop,nop,sack 5000:6000 1:2>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, 401));
	expect_read(_metadata, e->fd, 1, 400);
}

/* SACK compression: the handshake's RTT, and the longest wait allowed. */
#define COMP_RTT_MS	400
#define COMP_DELAY_NS	50000000	/* 50 ms: 5% of SRTT, 20 ms, rules */
#define COMP_SEGS	8
#define COMP_SACK_NR	44	/* comp_sack_nr: the default of both stacks */

/*
 * comp_sack_delay_ns COMP_DELAY_NS (tcp_comp_sack_delay_ns for the
 * kernel), comp_sack_nr @nr, and a connection with an RTT of COMP_RTT_MS:
 * the peer answers the SYN-ACK that late (the stack's first RTT sample).
 */
static void comp_open(struct __test_metadata *_metadata, struct peer_env *e,
		      unsigned int mss, int nr)
{
	struct peer_conn *c = &e->c;

	ASSERT_EQ(0, peer_env_stack_sysctl(e, "comp_sack_delay_ns",
					   COMP_DELAY_NS));
	ASSERT_EQ(0, peer_env_stack_sysctl(e, "comp_sack_nr", nr));
	peer_env_listen(_metadata, e, c->family);
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 " SYN_TS, mss));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1 " SYNACK_TS, mss));
	usleep(COMP_RTT_MS * 1000);
	ASSERT_EQ(0, peer_send(c, ". 1:1(0) ack 1 <nop,nop,TS>"));
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
}

/*
 * comp_open(), then COMP_SEGS segments of 1000 bytes behind a hole at
 * 1:1001, back to back; count the ACKs that come back. The last must SACK
 * them all. Then fill the hole: all is read.
 */
static int comp_burst(struct __test_metadata *_metadata, struct peer_env *e,
		      unsigned int mss, int nr)
{
	struct peer_conn *c = &e->c;
	char blk[32];
	int i, n, acks = 0;

	comp_open(_metadata, e, mss, nr);
	for (i = 1; i <= COMP_SEGS; i++)
		ASSERT_EQ(0, peer_send(c, "P. %u:%u(1000) ack 1 <nop,nop,TS>",
				       i * 1000 + 1, i * 1000 + 1001));
	while ((n = peer_recv(c, 300)) == 1) {
		acks++;
		snprintf(blk, sizeof(blk), "1001:%u", COMP_SEGS * 1000 + 1001);
		if (!peer_match(c, ACK_SACK, 1, blk))
			break;	/* it has them all */
	}
	ASSERT_EQ(1, n) TH_LOG("no ACK holds all %d segments", COMP_SEGS);
	EXPECT_EQ(0, peer_expect_none(c, 300));
	ASSERT_EQ(0, peer_send(c, "P. 1:1001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_PLAIN, COMP_SEGS * 1000 + 1001));
	expect_read(_metadata, e->fd, 1, 4500);
	expect_read(_metadata, e->fd, 4501, COMP_SEGS * 1000 + 1000 - 4500);
	return acks;
}

/*
 * SACK compression (Linux's tcp_comp_sack_*, net.ltcp.comp_sack_*): of
 * the ACKs of eight segments behind a hole, three go at once (the
 * duplicate ACKs fast retransmit needs, RFC 5681 section 3.2), the others
 * wait up to 5% of SRTT and go as one whose blocks hold all eight: four,
 * or five if one went between two of the segments on a slow machine.
 * TcpExtTCPAckCompressed counts the ACKs saved.
 */
TEST_F(sack, compressed)
{
	int acks;

	if (!self->e.ready)
		return;
	acks = comp_burst(_metadata, &self->e, variant->mss, COMP_SACK_NR);
	TH_LOG("%d ACKs for %d segments, TcpExtTCPAckCompressed %ld", acks,
	       COMP_SEGS, peer_env_tcpext("TCPAckCompressed"));
	EXPECT_LE(4, acks);
	EXPECT_GE(5, acks);
	EXPECT_EQ(COMP_SEGS - acks, peer_env_tcpext("TCPAckCompressed"));
}

/* comp_sack_nr 0: an ACK for every out-of-order segment (RFC 5681 4.2). */
TEST_F(sack, compression_off)
{
	int acks;

	if (!self->e.ready)
		return;
	acks = comp_burst(_metadata, &self->e, variant->mss, 0);
	EXPECT_EQ(COMP_SEGS, acks);
	EXPECT_EQ(0, peer_env_tcpext("TCPAckCompressed"));
}

/* Does the last segment received SACK [@start, @end) (relative)? */
static bool last_sacks(const struct peer_conn *c, u32 start, u32 end)
{
	const struct peer_seg *s = &c->last_seg;
	int i, j;

	for (i = 0; i < s->nopt; i++) {
		const struct peer_opt *o = &s->opt[i];

		if (o->kind != TCPOPT_SACK)
			continue;
		for (j = 0; j + 1 < o->n; j += 2)
			if (o->v[j] <= start && end <= o->v[j + 1])
				return true;
	}
	return false;
}

/*
 * SACK compression must not lose a block: behind a hole, after the three
 * ACKs that go at once, four segments each start a range of its own, back
 * to back. Held as one ACK, its three blocks would leave the first range
 * out for good (RFC 2018 section 4 wants every change reported, and the
 * sender would count that data lost): an ACK goes as soon as the ranges
 * no ACK reported fill the option. Every range shows up in some ACK.
 */
TEST_F(sack, compressed_no_block_lost)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	bool seen[4] = { false };
	int i, n, acks = 0;

	if (!e->ready)
		return;
	comp_open(_metadata, e, variant->mss, COMP_SACK_NR);
	/* The three ACKs that go at once. */
	ASSERT_EQ(0, peer_send(c, "P. 1001:2001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 3001:4001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1, "3001:4001 1001:2001"));
	ASSERT_EQ(0, peer_send(c, "P. 5001:6001(1000) ack 1 <nop,nop,TS>"));
	ASSERT_EQ(0, peer_expect(c, ACK_SACK, 1,
				 "5001:6001 3001:4001 1001:2001"));
	/* Four new ranges, 7001:8001 to 13001:14001, back to back. */
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, peer_send(c, "P. %u:%u(1000) ack 1 <nop,nop,TS>",
				       7001 + 2000 * i, 8001 + 2000 * i));
	while ((n = peer_recv(c, 300)) == 1) {
		acks++;
		for (i = 0; i < 4; i++)
			seen[i] |= last_sacks(c, 7001 + 2000 * i,
					      8001 + 2000 * i);
	}
	ASSERT_EQ(0, n);
	TH_LOG("%d ACKs; reported: %d %d %d %d", acks, seen[0], seen[1],
	       seen[2], seen[3]);
	if (e->proto) {
		for (i = 0; i < 4; i++)
			EXPECT_TRUE(seen[i]) TH_LOG("range %d never reported", i);
		EXPECT_GE(3, acks);
	}
	/* Linux 6.1 (the kernel's TCP) is only logged: see design.rst. */
}

TEST_HARNESS_MAIN
