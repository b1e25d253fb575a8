// SPDX-License-Identifier: GPL-2.0
/*
 * ltcpize_probe: create one socket of each kind a program commonly makes
 * and print the protocol the kernel says each one has (SO_PROTOCOL), one
 * line per socket: "<name> <protocol or -errno>". ltcpize.sh runs it with
 * and without ltcpize and compares.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct probe {
	const char *name;
	int domain;
	int type;
	int protocol;
};

static const struct probe probes[] = {
	{ "inet_stream_0", AF_INET, SOCK_STREAM, 0 },
	{ "inet_stream_tcp", AF_INET, SOCK_STREAM, IPPROTO_TCP },
	{ "inet_stream_cloexec", AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0 },
	{ "inet_stream_nonblock", AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0 },
	{ "inet6_stream_0", AF_INET6, SOCK_STREAM, 0 },
	{ "inet6_stream_tcp", AF_INET6, SOCK_STREAM, IPPROTO_TCP },
	{ "inet_stream_mptcp", AF_INET, SOCK_STREAM, IPPROTO_MPTCP },
	{ "inet_dgram_0", AF_INET, SOCK_DGRAM, 0 },
	{ "inet6_dgram_udp", AF_INET6, SOCK_DGRAM, IPPROTO_UDP },
	{ "unix_stream_0", AF_UNIX, SOCK_STREAM, 0 },
};

int main(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(probes); i++) {
		const struct probe *p = &probes[i];
		socklen_t len = sizeof(int);
		int fd, proto = 0;

		fd = socket(p->domain, p->type, p->protocol);
		if (fd < 0) {
			printf("%s %d\n", p->name, -errno);
			continue;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len))
			proto = -errno;
		printf("%s %d\n", p->name, proto);
		close(fd);
	}
	return 0;
}
