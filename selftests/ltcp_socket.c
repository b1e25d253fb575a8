// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_socket: socket creation and the shared port space.
 *
 * An ltcp socket is socket(AF_INET{,6}, SOCK_STREAM, IPPROTO_LTCP). It shares
 * one port space with the kernel's TCP in each namespace: a port bound by
 * one is EADDRINUSE for the other. I/O on a socket that is not connected
 * fails with the errno Linux gives a TCP socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"

static int ltcp_socket(int family)
{
	return socket(family, SOCK_STREAM, IPPROTO_LTCP);
}

static int sockopt_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	if (getsockopt(fd, level, name, &val, &len))
		return -errno;
	return val;
}

/* Bind fd to a loopback address of its family; port 0 picks one. */
static int bind_loopback(int fd, int family, unsigned short port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };

	if (family == AF_INET6) {
		a6.sin6_addr = in6addr_loopback;
		a6.sin6_port = htons(port);
		return bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	}
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a4.sin_port = htons(port);
	return bind(fd, (struct sockaddr *)&a4, sizeof(a4));
}

static unsigned short bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

FIXTURE(family) {
	int fd;
};

FIXTURE_VARIANT(family) {
	int family;
};

FIXTURE_VARIANT_ADD(family, ipv4) {
	.family = AF_INET,
};

FIXTURE_VARIANT_ADD(family, ipv6) {
	.family = AF_INET6,
};

FIXTURE_SETUP(family)
{
	self->fd = ltcp_socket(variant->family);
	ASSERT_LE(0, self->fd) TH_LOG("socket(IPPROTO_LTCP): %s", strerror(errno));
}

FIXTURE_TEARDOWN(family)
{
	close(self->fd);
}

TEST_F(family, identity)
{
	EXPECT_EQ(IPPROTO_LTCP, sockopt_int(self->fd, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(SOCK_STREAM, sockopt_int(self->fd, SOL_SOCKET, SO_TYPE));
	EXPECT_EQ(variant->family, sockopt_int(self->fd, SOL_SOCKET, SO_DOMAIN));
	EXPECT_EQ(0, sockopt_int(self->fd, SOL_SOCKET, SO_ERROR));
}

TEST_F(family, bind_and_getsockname)
{
	ASSERT_EQ(0, bind_loopback(self->fd, variant->family, 0));
	EXPECT_NE(0, bound_port(self->fd));
	/* A second bind of a bound socket is EINVAL, as for TCP. */
	EXPECT_EQ(-1, bind_loopback(self->fd, variant->family, 0));
	EXPECT_EQ(EINVAL, errno);
}

/* The port space is the kernel TCP's: each blocks the other. */
TEST_F(family, port_shared_with_kernel_tcp)
{
	unsigned short port;
	int tcp;

	ASSERT_EQ(0, bind_loopback(self->fd, variant->family, 0));
	port = bound_port(self->fd);
	ASSERT_NE(0, port);

	tcp = socket(variant->family, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_LE(0, tcp);
	EXPECT_EQ(-1, bind_loopback(tcp, variant->family, port));
	EXPECT_EQ(EADDRINUSE, errno);
	close(tcp);

	/* Closing the ltcp socket gives the port back. */
	close(self->fd);
	self->fd = -1;
	tcp = socket(variant->family, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_LE(0, tcp);
	EXPECT_EQ(0, bind_loopback(tcp, variant->family, port));

	/* And a port held by the kernel's TCP is taken for ltcp. */
	self->fd = ltcp_socket(variant->family);
	ASSERT_LE(0, self->fd);
	EXPECT_EQ(-1, bind_loopback(self->fd, variant->family, port));
	EXPECT_EQ(EADDRINUSE, errno);
	close(tcp);
}

TEST_F(family, unconnected_io)
{
	char buf[8] = "x";

	/* Linux TCP: send on a socket that was never connected is EPIPE. */
	EXPECT_EQ(-1, send(self->fd, buf, 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, shutdown(self->fd, SHUT_WR));
	EXPECT_EQ(ENOTCONN, errno);
}

/*
 * A SYN to a closed port is answered with a RST (by the kernel's TCP, which
 * owns the port space's unbound ports), which connect() reports as
 * ECONNREFUSED; listen() picks a port.
 */
TEST_F(family, connect_refused_and_listen)
{
	struct sockaddr_in6 a6 = {
		.sin6_family = AF_INET6, .sin6_port = htons(9),
		.sin6_addr = IN6ADDR_LOOPBACK_INIT,
	};
	struct sockaddr_in a4 = {
		.sin_family = AF_INET, .sin_port = htons(9),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sockaddr *sa = variant->family == AF_INET6 ?
			      (struct sockaddr *)&a6 : (struct sockaddr *)&a4;
	socklen_t len = variant->family == AF_INET6 ? sizeof(a6) : sizeof(a4);
	int l;

	EXPECT_EQ(-1, connect(self->fd, sa, len));
	EXPECT_EQ(ECONNREFUSED, errno);
	l = ltcp_socket(variant->family);
	ASSERT_LE(0, l);
	EXPECT_EQ(0, listen(l, 8));
	EXPECT_NE(0, bound_port(l));
	close(l);
}

TEST_F(family, ip_level_options)
{
	int tos = 0x10;

	/* Options of the IP level go to the generic IP code. */
	if (variant->family == AF_INET) {
		EXPECT_EQ(0, setsockopt(self->fd, SOL_IP, IP_TOS, &tos,
					sizeof(tos)));
		EXPECT_EQ(0x10, sockopt_int(self->fd, SOL_IP, IP_TOS));
	} else {
		EXPECT_EQ(0, setsockopt(self->fd, SOL_IPV6, IPV6_TCLASS, &tos,
					sizeof(tos)));
		EXPECT_EQ(0x10, sockopt_int(self->fd, SOL_IPV6, IPV6_TCLASS));
	}
}

TEST(only_stream_sockets)
{
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_LTCP);
	EXPECT_EQ(-1, fd) TH_LOG("SOCK_DGRAM socket has protocol %d",
				 sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	fd = socket(AF_INET6, SOCK_DGRAM, IPPROTO_LTCP);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

/* A v6 wildcard bind covers IPv4 too unless IPV6_V6ONLY, as for TCP. */
TEST(dual_stack_port_space)
{
	struct sockaddr_in6 any6 = { .sin6_family = AF_INET6 };
	unsigned short port;
	int l6, tcp4;

	l6 = ltcp_socket(AF_INET6);
	ASSERT_LE(0, l6);
	ASSERT_EQ(0, bind(l6, (struct sockaddr *)&any6, sizeof(any6)));
	port = bound_port(l6);
	ASSERT_NE(0, port);

	tcp4 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
	ASSERT_LE(0, tcp4);
	EXPECT_EQ(-1, bind_loopback(tcp4, AF_INET, port));
	EXPECT_EQ(EADDRINUSE, errno);
	close(tcp4);
	close(l6);
}

TEST_HARNESS_MAIN
