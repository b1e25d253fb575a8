// SPDX-License-Identifier: GPL-2.0
/*
 * peer_mib: the Tcp counters of /proc/net/snmp (RFC 4022's tcp group, what
 * `nstat` and `netstat -s` show) against the segments on the wire.
 *
 * Each test runs in a namespace of its own, so its counters count only
 * the connection the scripted peer plays: every segment the peer sends is
 * one TcpInSegs, every segment it reads one TcpOutSegs.
 *
 * passive	the peer connects, sends data, reads three segments
 *		without acknowledging them until one comes again, then
 *		the application closes with SO_LINGER 0: TcpPassiveOpens 1,
 *		TcpCurrEstab 1 then 0, TcpInSegs and TcpOutSegs the
 *		segments each way (TcpOutSegs without the retransmission,
 *		RFC 4022), TcpRetransSegs 1 and tcpi_total_retrans,
 *		TcpOutRsts 1, TcpEstabResets 1
 * active	the stack connects, the peer accepts and then resets:
 *		TcpActiveOpens 1, TcpEstabResets 1, TcpCurrEstab back to 0
 * attempt_fails	a connect refused by a RST, and a handshake the peer
 *		resets in SYN-RECEIVED: TcpAttemptFails 2
 *
 * LTCP_PEER_PROTO as in peer_kernel_tcp: unset for the kernel's TCP (the
 * reference), "ltcp" for ltcp (peer_ltcp.sh).
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
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "peer.h"
#include "peer_env.h"

#define PEER_PORT	PEER_ENV_PEER_PORT

/* The counters the tests read, by their /proc/net/snmp names. */
static const char * const mib_names[] = {
	"ActiveOpens", "PassiveOpens", "AttemptFails", "EstabResets",
	"CurrEstab", "InSegs", "OutSegs", "RetransSegs", "OutRsts",
};

enum { ACTIVE, PASSIVE, FAILS, RESETS, CURR, IN, OUT, RETRANS, RSTS, NMIB };

struct mib {
	long v[NMIB];
};

static void mib_read(struct __test_metadata *_metadata, struct mib *m)
{
	int i;

	for (i = 0; i < NMIB; i++) {
		m->v[i] = peer_env_mib("/proc/net/snmp", "Tcp:", mib_names[i]);
		ASSERT_LE(0, m->v[i]) TH_LOG("no Tcp %s", mib_names[i]);
	}
}

/* What changed since @base, CurrEstab as it is (a gauge). */
static void mib_delta(struct __test_metadata *_metadata,
		      const struct mib *base, struct mib *d)
{
	int i;

	mib_read(_metadata, d);
	for (i = 0; i < NMIB; i++)
		if (i != CURR)
			d->v[i] -= base->v[i];
	TH_LOG("ActiveOpens %ld PassiveOpens %ld AttemptFails %ld EstabResets %ld",
	       d->v[ACTIVE], d->v[PASSIVE], d->v[FAILS], d->v[RESETS]);
	TH_LOG("CurrEstab %ld InSegs %ld OutSegs %ld RetransSegs %ld OutRsts %ld",
	       d->v[CURR], d->v[IN], d->v[OUT], d->v[RETRANS], d->v[RSTS]);
}

/* Read what the stack sends until it is quiet for @ms; the count. */
static int drain(struct peer_conn *c, unsigned int ms)
{
	int n = 0;

	while (peer_recv(c, ms) == 1)
		n++;
	return n;
}

FIXTURE(mib) {
	struct peer_env e;
	struct mib base;
};

FIXTURE_VARIANT(mib) {
	int family;
};

FIXTURE_VARIANT_ADD(mib, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(mib, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(mib)
{
	peer_env_setup(_metadata, &self->e, variant->family);
	if (self->e.ready)
		mib_read(_metadata, &self->base);
}

FIXTURE_TEARDOWN(mib)
{
	peer_env_teardown(&self->e);
}

TEST_F(mib, passive)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int sent = 0, got = 0, rtx = 0, i;
	struct tcp_info info;
	u32 high = 0, seq;
	char buf[3000];
	struct mib d;

	if (!e->ready)
		return;
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_connect(c));
	sent += 2;
	got++;
	e->fd = peer_env_accept(_metadata, e);
	ASSERT_LE(0, e->fd);
	mib_delta(_metadata, &self->base, &d);
	EXPECT_EQ(1, d.v[PASSIVE]);
	EXPECT_EQ(0, d.v[ACTIVE]);
	EXPECT_EQ(1, d.v[CURR]);
	EXPECT_EQ(sent, d.v[IN]);
	EXPECT_EQ(got, d.v[OUT]);

	/* Data from the peer, read; its ACK and anything else is counted. */
	ASSERT_EQ(0, peer_send(c, "P. 1:101(100) ack 1 <nop,nop,TS>"));
	sent++;
	ASSERT_EQ(100, recv(e->fd, buf, sizeof(buf), 0));

	/* Three segments the peer leaves unacknowledged until the stack
	 * sends one of them again (a loss probe or the RTO).
	 */
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), send(e->fd, buf, sizeof(buf), 0));
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(1, peer_recv(c, 3000)) TH_LOG("no segment again");
		got++;
		seq = c->last_seg.seq;
		if (c->last_seg.end > seq && (s32)(seq - high) < 0) {
			rtx++;
			break;
		}
		if ((s32)(c->last_seg.end - high) > 0)
			high = c->last_seg.end;
	}
	ASSERT_EQ(0, peer_send(c, ". 101:101(0) ack %u <nop,nop,TS>", high));
	sent++;
	got += drain(c, 300);
	peer_env_info(_metadata, e->fd, &info, 0);
	mib_delta(_metadata, &self->base, &d);
	/* TcpOutSegs leaves retransmissions out (RFC 4022). */
	EXPECT_EQ(sent, d.v[IN]);
	EXPECT_EQ(got - rtx, d.v[OUT]);
	EXPECT_EQ(rtx, d.v[RETRANS]);
	EXPECT_EQ(info.tcpi_total_retrans, d.v[RETRANS]);
	EXPECT_EQ(0, d.v[RSTS]);

	/* SO_LINGER 0: a RST, the connection reset from ESTABLISHED. */
	ASSERT_EQ(0, setsockopt(e->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	ASSERT_EQ(0, close(e->fd));
	e->fd = -1;
	ASSERT_EQ(0, peer_expect(c, "R. %u:%u(0) ack 101", high, high));
	got++;
	got += drain(c, 200);
	mib_delta(_metadata, &self->base, &d);
	EXPECT_EQ(1, d.v[RSTS]);
	EXPECT_EQ(1, d.v[RESETS]);
	EXPECT_EQ(0, d.v[CURR]);
	EXPECT_EQ(0, d.v[FAILS]);
	EXPECT_EQ(got - rtx, d.v[OUT]);
	EXPECT_EQ(sent, d.v[IN]);
}

/* Connect the stack's socket to the peer, nonblocking. */
static void connect_to_peer(struct __test_metadata *_metadata,
			    struct peer_env *e, int family)
{
	struct sockaddr_storage ss;

	peer_conn_init(&e->c, &e->p, family, 0, PEER_PORT);
	e->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, e->proto);
	ASSERT_LE(0, e->fd) TH_LOG("socket: %s", strerror(errno));
	ASSERT_EQ(-1, connect(e->fd, (struct sockaddr *)&ss,
			      peer_sockaddr(&e->p, family, false, PEER_PORT,
					    &ss)));
	ASSERT_EQ(EINPROGRESS, errno);
}

/* The socket's pending error, after waiting up to a second for it. */
static int so_error(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int err = -1;

	poll(&pfd, 1, 1000);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
		return -1;
	return err;
}

TEST_F(mib, active)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct mib d;

	if (!e->ready)
		return;
	connect_to_peer(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_accept(c));
	ASSERT_EQ(0, so_error(e->fd));
	mib_delta(_metadata, &self->base, &d);
	EXPECT_EQ(1, d.v[ACTIVE]);
	EXPECT_EQ(0, d.v[PASSIVE]);
	EXPECT_EQ(1, d.v[CURR]);
	EXPECT_EQ(2, d.v[OUT]);
	EXPECT_EQ(1, d.v[IN]);

	ASSERT_EQ(0, peer_send(c, "R. 1:1(0) ack 1"));
	EXPECT_EQ(ECONNRESET, so_error(e->fd));
	mib_delta(_metadata, &self->base, &d);
	EXPECT_EQ(1, d.v[RESETS]);
	EXPECT_EQ(0, d.v[CURR]);
	EXPECT_EQ(0, d.v[FAILS]);
	EXPECT_EQ(0, d.v[RSTS]);
	EXPECT_EQ(2, d.v[IN]);
}

TEST_F(mib, attempt_fails)
{
	struct peer_env *e = &self->e;
	struct peer_conn *c = &e->c;
	struct mib d;

	if (!e->ready)
		return;
	/* SYN-SENT to CLOSED: the peer refuses the connection. */
	connect_to_peer(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_expect(c, "S 0:0(0)"));
	ASSERT_EQ(0, peer_send(c, "R. 0:0(0) ack 1"));
	EXPECT_EQ(ECONNREFUSED, so_error(e->fd));
	close(e->fd);
	e->fd = -1;
	mib_delta(_metadata, &self->base, &d);
	EXPECT_EQ(1, d.v[ACTIVE]);
	EXPECT_EQ(1, d.v[FAILS]);
	EXPECT_EQ(0, d.v[RESETS]);

	/* SYN-RECEIVED back to LISTEN: the peer resets its handshake. */
	peer_conn_init(c, &e->p, variant->family, PEER_ENV_LOCAL_PORT,
		       PEER_PORT + 1);
	peer_env_listen(_metadata, e, variant->family);
	ASSERT_EQ(0, peer_send(c, "S 0:0(0) win 65535 <mss 1000,sackOK,TS,nop,wscale 7>"));
	ASSERT_EQ(0, peer_expect(c, "S. 0:0(0) ack 1"));
	ASSERT_EQ(0, peer_send(c, "R 1:1(0)"));
	usleep(50000);
	mib_delta(_metadata, &self->base, &d);
	EXPECT_EQ(2, d.v[FAILS]);
	EXPECT_EQ(0, d.v[PASSIVE]);
	EXPECT_EQ(0, d.v[CURR]);
	EXPECT_EQ(0, d.v[RSTS]);
	EXPECT_EQ(2, d.v[OUT]);
	EXPECT_EQ(3, d.v[IN]);
}

TEST_HARNESS_MAIN
