// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_sockapi: the socket calls of a connected ltcp socket behave as on
 * Linux TCP: errno, byte counts, poll events, against both peers (an ltcp
 * socket and the kernel's TCP) over IPv4 loopback.
 */
#define _GNU_SOURCE	/* POLLRDHUP */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "ltcp_diag.h"

FIXTURE(conn) {
	int listener;	/* the peer's listening socket */
	int client;	/* ltcp, connected */
	int server;	/* the accepted peer */
	struct sockaddr_in addr;
};

/* The ltcp end connects; the variant says what it connects to. */
FIXTURE_VARIANT(conn) {
	int peer_proto;
};

FIXTURE_VARIANT_ADD(conn, to_kernel_tcp) {
	.peer_proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(conn, to_ltcp) {
	.peer_proto = IPPROTO_LTCP,
};

static int ltcp_listener(int proto, struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0)
		return -1;
	memset(addr, 0, sizeof(*addr));
	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) ||
	    listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)addr, &len)) {
		close(fd);
		return -1;
	}
	return fd;
}

FIXTURE_SETUP(conn)
{
	signal(SIGPIPE, SIG_IGN);
	self->listener = ltcp_listener(variant->peer_proto, &self->addr);
	ASSERT_LE(0, self->listener);
	self->client = socket(AF_INET, SOCK_STREAM, IPPROTO_LTCP);
	ASSERT_LE(0, self->client);
	ASSERT_EQ(0, connect(self->client, (struct sockaddr *)&self->addr,
			     sizeof(self->addr)));
	self->server = accept(self->listener, NULL, NULL);
	ASSERT_LE(0, self->server);
}

FIXTURE_TEARDOWN(conn)
{
	close(self->client);
	close(self->server);
	close(self->listener);
}

static int wait_event(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
}

TEST_F(conn, names)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	ASSERT_EQ(0, getpeername(self->client, (struct sockaddr *)&a, &len));
	EXPECT_EQ(self->addr.sin_port, a.sin_port);
	EXPECT_EQ(self->addr.sin_addr.s_addr, a.sin_addr.s_addr);
	len = sizeof(a);
	ASSERT_EQ(0, getsockname(self->client, (struct sockaddr *)&a, &len));
	EXPECT_NE(0, a.sin_port);
	/* connect() again on a connected socket */
	EXPECT_EQ(-1, connect(self->client, (struct sockaddr *)&self->addr,
			      sizeof(self->addr)));
	EXPECT_EQ(EISCONN, errno);
}

TEST_F(conn, echo_and_peek)
{
	char buf[64];

	ASSERT_EQ(5, send(self->client, "hello", 5, 0));
	ASSERT_EQ(5, recv(self->server, buf, 5, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	ASSERT_EQ(6, send(self->server, "world!", 6, 0));
	/* MSG_PEEK leaves the data; the next read gets it again. */
	ASSERT_EQ(6, recv(self->client, buf, 6, MSG_PEEK | MSG_WAITALL));
	ASSERT_EQ(6, recv(self->client, buf + 10, 6, 0));
	EXPECT_EQ(0, memcmp(buf, buf + 10, 6));
	EXPECT_EQ(0, memcmp(buf, "world!", 6));
	/* Nothing left: MSG_DONTWAIT is EAGAIN. */
	EXPECT_EQ(-1, recv(self->client, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

TEST_F(conn, waitall_across_segments)
{
	static char big[200000], got[200000];
	size_t i;

	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 3);
	ASSERT_EQ((ssize_t)sizeof(big), send(self->server, big, sizeof(big), 0));
	ASSERT_EQ((ssize_t)sizeof(got),
		  recv(self->client, got, sizeof(got), MSG_WAITALL));
	EXPECT_EQ(0, memcmp(big, got, sizeof(big)));
	ASSERT_EQ((ssize_t)sizeof(big), send(self->client, big, sizeof(big), 0));
	ASSERT_EQ((ssize_t)sizeof(got),
		  recv(self->server, got, sizeof(got), MSG_WAITALL));
	EXPECT_EQ(0, memcmp(big, got, sizeof(big)));
}

TEST_F(conn, inq_outq)
{
	int n = -1;

	ASSERT_EQ(3, send(self->server, "abc", 3, 0));
	ASSERT_LT(0, wait_event(self->client, POLLIN, 2000) & POLLIN);
	ASSERT_EQ(0, ioctl(self->client, SIOCINQ, &n));
	EXPECT_EQ(3, n);
	ASSERT_EQ(0, ioctl(self->client, SIOCOUTQ, &n));
	EXPECT_EQ(0, n);
}

/* shutdown(SHUT_WR): the peer reads EOF, and can still send to us. */
TEST_F(conn, half_close)
{
	char buf[16];

	ASSERT_EQ(0, shutdown(self->client, SHUT_WR));
	EXPECT_EQ(0, recv(self->server, buf, sizeof(buf), 0));
	ASSERT_EQ(4, send(self->server, "back", 4, 0));
	ASSERT_EQ(4, recv(self->client, buf, 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "back", 4));
	/* Writing after SHUT_WR is EPIPE. */
	EXPECT_EQ(-1, send(self->client, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	/* And the other way: the peer closes, we see EOF and POLLRDHUP. */
	close(self->server);
	self->server = -1;
	EXPECT_NE(0, wait_event(self->client, POLLRDHUP, 2000) & POLLRDHUP);
	EXPECT_EQ(0, recv(self->client, buf, sizeof(buf), 0));
}

/* SO_LINGER with a zero time aborts: the peer sees ECONNRESET. */
TEST_F(conn, linger_zero_resets)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char buf[8];

	ASSERT_EQ(0, setsockopt(self->client, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	close(self->client);
	self->client = -1;
	EXPECT_EQ(-1, recv(self->server, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
}

/* Closing with unread data sends a RST (RFC 2525 2.17, Linux). */
TEST_F(conn, close_with_unread_data_resets)
{
	char buf[8];

	ASSERT_EQ(4, send(self->server, "data", 4, 0));
	ASSERT_LT(0, wait_event(self->client, POLLIN, 2000) & POLLIN);
	close(self->client);
	self->client = -1;
	EXPECT_EQ(-1, recv(self->server, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
}

/* After the peer reset, send is EPIPE (once the error is read) and SO_ERROR
 * reports ECONNRESET first.
 */
TEST_F(conn, epipe_after_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	socklen_t len = sizeof(int);
	int err = 0, i, rc = 0;

	ASSERT_EQ(0, setsockopt(self->server, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	close(self->server);
	self->server = -1;
	EXPECT_NE(0, wait_event(self->client, POLLERR | POLLHUP, 2000) &
		  (POLLERR | POLLHUP));
	ASSERT_EQ(0, getsockopt(self->client, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(ECONNRESET, err);
	for (i = 0; i < 3; i++)
		rc = send(self->client, "x", 1, MSG_NOSIGNAL);
	EXPECT_EQ(-1, rc);
	EXPECT_EQ(EPIPE, errno);
}

/*
 * connect() with AF_UNSPEC disconnects (a RST to the peer, as Linux
 * sends from ESTABLISHED with data in flight), and the socket can be used
 * again: here it listens and accepts a new connection that carries data.
 */
TEST_F(conn, disconnect_then_listen)
{
	static char buf[65536];
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	int again, fd;
	ssize_t n, got = 0;

	ASSERT_EQ((ssize_t)sizeof(buf),
		  send(self->client, buf, sizeof(buf), 0));
	ASSERT_EQ(0, connect(self->client, &unspec, sizeof(unspec)));
	EXPECT_NE(0, wait_event(self->server, POLLERR | POLLHUP, 2000) &
		  (POLLERR | POLLHUP));
	ASSERT_EQ(0, listen(self->client, 4));
	ASSERT_EQ(0, getsockname(self->client, (struct sockaddr *)&me, &len));
	EXPECT_NE(0, me.sin_port);
	me.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_LTCP);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&me, sizeof(me)));
	again = accept(self->client, NULL, NULL);
	ASSERT_LE(0, again);
	ASSERT_EQ((ssize_t)sizeof(buf), send(again, buf, sizeof(buf), 0));
	while (got < (ssize_t)sizeof(buf) &&
	       (n = recv(fd, buf, sizeof(buf), 0)) > 0)
		got += n;
	EXPECT_EQ((ssize_t)sizeof(buf), got);
	close(again);
	close(fd);
}

/*
 * SOCK_DESTROY for the socket @fd (``ss -K``): the inet_diag request names
 * it by its addresses, for IPPROTO_TCP (ltcp shares TCP's hash). Return:
 * 0, or the negative errno netlink answered.
 */
static int sock_destroy(int fd)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nlh = {
			.nlmsg_len = sizeof(msg),
			.nlmsg_type = SOCK_DESTROY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
		},
		.req = {
			.sdiag_family = AF_INET,
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = ~0U,
		},
	};
	struct {
		struct nlmsghdr nlh;
		struct nlmsgerr err;
	} ack;
	int nl, ret;

	ret = ltcp_diag_sockid(fd, &msg.req.id);
	if (ret)
		return ret;
	nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -errno;
	ret = send(nl, &msg, sizeof(msg), 0) == sizeof(msg) &&
	      recv(nl, &ack, sizeof(ack), 0) >= (ssize_t)sizeof(ack) &&
	      ack.nlh.nlmsg_type == NLMSG_ERROR ? ack.err.error : -EIO;
	close(nl);
	return ret;
}

/*
 * SOCK_DESTROY (``ss -K``) on @client, which has 4 bytes from @server to
 * read: it reads them, then ECONNABORTED; @server gets a RST (ECONNRESET).
 */
static void check_destroy(struct __test_metadata *_metadata, int client,
			  int server)
{
	char buf[8];

	ASSERT_EQ(4, send(server, "data", 4, 0));
	ASSERT_LT(0, wait_event(client, POLLIN, 2000) & POLLIN);
	ASSERT_EQ(0, sock_destroy(client));
	EXPECT_EQ(POLLERR | POLLHUP | POLLIN,
		  wait_event(client, POLLIN, 0) & (POLLERR | POLLHUP | POLLIN));
	EXPECT_EQ(4, recv(client, buf, sizeof(buf), 0));
	EXPECT_EQ(-1, recv(client, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNABORTED, errno);
	EXPECT_EQ(-1, recv(server, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNRESET, errno);
}

/* SOCK_DESTROY on ltcp's end (without proto.diag_destroy: EOPNOTSUPP). */
TEST_F(conn, sock_destroy)
{
	check_destroy(_metadata, self->client, self->server);
}

/* The same on the kernel's TCP at both ends: the reference. */
TEST(sock_destroy_kernel_tcp)
{
	struct sockaddr_in addr;
	int lfd, client, server;

	lfd = ltcp_listener(IPPROTO_TCP, &addr);
	ASSERT_LE(0, lfd);
	client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_LE(0, client);
	ASSERT_EQ(0, connect(client, (struct sockaddr *)&addr, sizeof(addr)));
	server = accept(lfd, NULL, NULL);
	ASSERT_LE(0, server);
	check_destroy(_metadata, client, server);
	close(client);
	close(server);
	close(lfd);
}

TEST_F(conn, nodelay_and_info)
{
	struct tcp_info info;
	socklen_t len = sizeof(int);
	int one = 1, val = 0;

	ASSERT_EQ(0, setsockopt(self->client, SOL_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	ASSERT_EQ(0, getsockopt(self->client, SOL_TCP, TCP_NODELAY, &val, &len));
	EXPECT_EQ(1, val);
	len = sizeof(info);
	ASSERT_EQ(0, getsockopt(self->client, SOL_TCP, TCP_INFO, &info, &len));
	EXPECT_EQ(TCP_ESTABLISHED, info.tcpi_state);
	EXPECT_LT(0U, info.tcpi_snd_cwnd);
	EXPECT_LT(0U, info.tcpi_snd_mss);
	EXPECT_NE(0, info.tcpi_options & TCPI_OPT_TIMESTAMPS);
	/* An option ltcp does not know: ENOPROTOOPT, as Linux for unknown. */
	EXPECT_EQ(-1, setsockopt(self->client, SOL_TCP, 9999, &one,
				 sizeof(one)));
	EXPECT_EQ(ENOPROTOOPT, errno);
}

TEST(nonblocking_connect)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(int);
	int l, c, s, err = -1;

	l = ltcp_listener(IPPROTO_TCP, &addr);
	ASSERT_LE(0, l);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_LTCP);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_NE(0, wait_event(c, POLLOUT, 2000) & POLLOUT);
	ASSERT_EQ(0, getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err);
	s = accept(l, NULL, NULL);
	EXPECT_LE(0, s);
	close(s);
	close(c);
	close(l);
}

TEST(nonblocking_connect_refused)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(int);
	int l, c, err = 0;

	/* A port that was just free: nothing listens there. */
	l = ltcp_listener(IPPROTO_TCP, &addr);
	ASSERT_LE(0, l);
	close(l);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_LTCP);
	ASSERT_LE(0, c);
	connect(c, (struct sockaddr *)&addr, sizeof(addr));
	EXPECT_NE(0, wait_event(c, POLLOUT, 2000) & (POLLERR | POLLHUP));
	ASSERT_EQ(0, getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(ECONNREFUSED, err);
	close(c);
}

TEST(accept_nonblocking_and_backlog)
{
	struct sockaddr_in addr;
	int l, flags;

	l = ltcp_listener(IPPROTO_LTCP, &addr);
	ASSERT_LE(0, l);
	flags = fcntl(l, F_GETFL);
	ASSERT_EQ(0, fcntl(l, F_SETFL, flags | O_NONBLOCK));
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	/* listen() again changes the backlog, as on Linux. */
	EXPECT_EQ(0, listen(l, 4));
	close(l);
}

/* accept4() flags on the accepted socket, as on Linux. */
TEST(accept4_flags)
{
	struct sockaddr_in addr;
	int l, c, a, fl;
	char b;

	l = ltcp_listener(IPPROTO_LTCP, &addr);
	ASSERT_LE(0, l);
	c = socket(AF_INET, SOCK_STREAM, IPPROTO_LTCP);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&addr, sizeof(addr)));
	a = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	ASSERT_LE(0, a);
	fl = fcntl(a, F_GETFL);
	EXPECT_TRUE(fl & O_NONBLOCK);
	EXPECT_TRUE(fcntl(a, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(-1, recv(a, &b, 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, accept4(l, NULL, NULL, 0x4000000));	/* bad flag */
	EXPECT_EQ(EINVAL, errno);
	close(a);
	close(c);
	close(l);
}

/*
 * A listener of @proto with backlog 1 and nobody accepting: how many of
 * three non-blocking connects complete within 300 ms (Linux queues
 * backlog + 1 and drops the SYNs beyond).
 */
static int backlog_completed(int proto)
{
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);
	int l, c[3], i, done = 0;

	l = socket(AF_INET, SOCK_STREAM, proto);
	if (l < 0)
		return -1;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&addr, sizeof(addr)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&addr, &len))
		return -1;
	for (i = 0; i < 3; i++) {
		c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, proto);
		connect(c[i], (struct sockaddr *)&addr, sizeof(addr));
		usleep(20000);
	}
	usleep(300000);
	for (i = 0; i < 3; i++) {
		int err = -1;
		socklen_t elen = sizeof(err);

		if ((wait_event(c[i], POLLOUT, 0) & POLLOUT) &&
		    !getsockopt(c[i], SOL_SOCKET, SO_ERROR, &err, &elen) &&
		    !err)
			done++;
		close(c[i]);
	}
	close(l);
	return done;
}

TEST(backlog_full_drops_syns)
{
	int kernel = backlog_completed(IPPROTO_TCP);
	int ltcp = backlog_completed(IPPROTO_LTCP);

	TH_LOG("backlog 1: %d of 3 connected on the kernel's TCP, %d on ltcp",
	       kernel, ltcp);
	EXPECT_EQ(2, kernel);
	EXPECT_EQ(kernel, ltcp);
}

/*
 * SO_REUSEPORT and SO_REUSEADDR binding rules (socket(7)), compared with
 * the kernel's TCP: returns a bit mask of which steps succeeded.
 */
static int reuse_outcome(int proto)
{
	struct sockaddr_in addr;
	int a, b, c, d, one = 1, mask = 0;
	socklen_t len = sizeof(addr);

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a = socket(AF_INET, SOCK_STREAM, proto);
	b = socket(AF_INET, SOCK_STREAM, proto);
	c = socket(AF_INET, SOCK_STREAM, proto);
	d = socket(AF_INET, SOCK_STREAM, proto);
	if (a < 0 || b < 0 || c < 0 || d < 0)
		return -1;
	setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	setsockopt(b, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (!bind(a, (struct sockaddr *)&addr, sizeof(addr)) &&
	    !getsockname(a, (struct sockaddr *)&addr, &len) && !listen(a, 4))
		mask |= 1;
	/* Both with SO_REUSEPORT, same user: both may listen. */
	if (!bind(b, (struct sockaddr *)&addr, sizeof(addr)) && !listen(b, 4))
		mask |= 2;
	/* Without it: the port is taken. */
	if (!bind(c, (struct sockaddr *)&addr, sizeof(addr)))
		mask |= 4;
	/* SO_REUSEADDR alone does not share a listening port. */
	setsockopt(d, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (!bind(d, (struct sockaddr *)&addr, sizeof(addr)))
		mask |= 8;
	close(a);
	close(b);
	close(c);
	close(d);
	return mask;
}

TEST(reuseport_and_reuseaddr)
{
	int kernel = reuse_outcome(IPPROTO_TCP);
	int ltcp = reuse_outcome(IPPROTO_LTCP);

	TH_LOG("bind/listen outcome mask: kernel %#x, ltcp %#x", kernel, ltcp);
	EXPECT_EQ(3, kernel);
	EXPECT_EQ(kernel, ltcp);
}

/*
 * A kernel TCP listener and an ltcp listener in one SO_REUSEPORT group
 * (one port space: both may bind and listen, as two kernel sockets may).
 * Each SYN goes to the socket the group picks by the 4-tuple's hash, and
 * both stacks look it up the same way (__inet_lookup), so each connection
 * must be served whole by the one that took it: 64 connections, clients
 * of both protocols in turn, each sends its number and gets it back from
 * whichever listener accepted it; both listeners get some.
 */
TEST(reuseport_mixed_group)
{
	int lfd[2], protos[2] = { IPPROTO_TCP, IPPROTO_LTCP };
	int accepted[2] = { 0, 0 }, one = 1, i, j;
	struct sockaddr_in addr;
	socklen_t len = sizeof(addr);

	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (j = 0; j < 2; j++) {
		lfd[j] = socket(AF_INET, SOCK_STREAM, protos[j]);
		ASSERT_LE(0, lfd[j]);
		ASSERT_EQ(0, setsockopt(lfd[j], SOL_SOCKET, SO_REUSEPORT,
					&one, sizeof(one)));
		ASSERT_EQ(0, bind(lfd[j], (struct sockaddr *)&addr,
				  sizeof(addr))) TH_LOG("bind %d: %s",
							protos[j], strerror(errno));
		ASSERT_EQ(0, listen(lfd[j], 64));
		if (!j)
			ASSERT_EQ(0, getsockname(lfd[0], (struct sockaddr *)&addr,
						 &len));
	}
	for (i = 0; i < 64; i++) {
		struct pollfd pfd[2] = {
			{ .fd = lfd[0], .events = POLLIN },
			{ .fd = lfd[1], .events = POLLIN },
		};
		int c = socket(AF_INET, SOCK_STREAM, protos[i % 2]), a, got;

		ASSERT_LE(0, c);
		ASSERT_EQ(0, connect(c, (struct sockaddr *)&addr, sizeof(addr)))
			TH_LOG("connection %d: %s", i, strerror(errno));
		ASSERT_EQ((ssize_t)sizeof(i), write(c, &i, sizeof(i)));
		ASSERT_EQ(1, poll(pfd, 2, 2000)) TH_LOG("connection %d", i);
		j = pfd[0].revents ? 0 : 1;
		a = accept(lfd[j], NULL, NULL);
		ASSERT_LE(0, a);
		accepted[j]++;
		got = -1;
		ASSERT_EQ((ssize_t)sizeof(got), read(a, &got, sizeof(got)));
		EXPECT_EQ(i, got);
		ASSERT_EQ((ssize_t)sizeof(got), write(a, &got, sizeof(got)));
		got = -1;
		ASSERT_EQ((ssize_t)sizeof(got), read(c, &got, sizeof(got)));
		EXPECT_EQ(i, got);
		close(a);
		close(c);
	}
	TH_LOG("accepted: %d by the kernel's TCP listener, %d by ltcp's",
	       accepted[0], accepted[1]);
	EXPECT_LT(0, accepted[0]);
	EXPECT_LT(0, accepted[1]);
	close(lfd[0]);
	close(lfd[1]);
}

TEST_HARNESS_MAIN
