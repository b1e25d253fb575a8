// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_sockhold: hold one ltcp socket open until killed, so that a test can
 * look at the module and the port space while an ltcp socket exists.
 *
 * usage: ltcp_sockhold [4|6]
 * Binds the socket to the loopback address on an ephemeral port, prints the
 * port on stdout, then sleeps.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ltcp.h"

int main(int argc, char **argv)
{
	int family = argc > 1 && !strcmp(argv[1], "6") ? AF_INET6 : AF_INET;
	struct sockaddr_storage ss = { .ss_family = family };
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	socklen_t len;
	int fd;

	fd = socket(family, SOCK_STREAM, IPPROTO_LTCP);
	if (fd < 0) {
		fprintf(stderr, "ltcp_sockhold: socket: %s\n", strerror(errno));
		return 1;
	}
	if (family == AF_INET6) {
		a6->sin6_addr = in6addr_loopback;
		len = sizeof(*a6);
	} else {
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a4);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		fprintf(stderr, "ltcp_sockhold: bind: %s\n", strerror(errno));
		return 1;
	}
	printf("%u\n", ntohs(family == AF_INET6 ? a6->sin6_port :
			     a4->sin_port));
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}
