// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_sockinfo: what a new socket gets from its namespace, for the sysctl
 * tests. Prints "NAME VALUE" lines:
 *	cc cubic		TCP_CONGESTION of the new socket
 *	rcvbuf 131072		SO_RCVBUF, SO_SNDBUF of the new socket
 *	sndbuf 16384
 * and with -c, after connect():
 *	connect 0		its errno
 *	conn_rcvbuf N		SO_RCVBUF, SO_SNDBUF once connected
 *	conn_sndbuf N
 *	queued N		with -f: bytes a non-blocking send() took
 *				before EAGAIN
 * and with -l -a, once a connection is accepted:
 *	child_cc reno		TCP_CONGESTION of the accepted socket
 *
 * usage: ltcp_sockinfo [-P PROTO] [-6] [-B LPORT] [-c ADDR PORT] [-f] [-w MS]
 *        ltcp_sockinfo [-P PROTO] [-6] -l PORT [-b BACKLOG] [-a] [-w MS]
 *   -P  socket() protocol (default 253, ltcp)
 *   -B  connect from LPORT (bound with SO_REUSEADDR)
 *   -l  listen on PORT with BACKLOG (default 128); accept one connection
 *       with -a, none without
 *   -w  stay MS milliseconds before closing
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int get_int(int fd, int level, int name)
{
	socklen_t len = sizeof(int);
	int val = -1;

	getsockopt(fd, level, name, &val, &len);
	return val;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	int proto = 253, family = AF_INET, fill = 0, lport = 0, backlog = 128;
	int do_accept = 0, bport = 0;
	struct sockaddr_storage ss = { 0 };
	const char *addr = NULL, *port = NULL;
	long wait_ms = 0, queued = 0;
	char name[32] = "";
	socklen_t len = sizeof(name);
	static char buf[1000];
	int i, fd;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-P") && i + 1 < argc) {
			proto = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-6")) {
			family = AF_INET6;
		} else if (!strcmp(argv[i], "-c") && i + 2 < argc) {
			addr = argv[++i];
			port = argv[++i];
		} else if (!strcmp(argv[i], "-l") && i + 1 < argc) {
			lport = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
			backlog = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-B") && i + 1 < argc) {
			bport = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-a")) {
			do_accept = 1;
		} else if (!strcmp(argv[i], "-f")) {
			fill = 1;
		} else if (!strcmp(argv[i], "-w") && i + 1 < argc) {
			wait_ms = atol(argv[++i]);
		} else {
			fprintf(stderr,
				"usage: ltcp_sockinfo [-P P] [-6] [-B LPORT] [-c ADDR PORT] [-f]\n"
				"       ltcp_sockinfo [-P P] [-6] -l PORT [-b N] [-a] [-w MS]\n");
			return 2;
		}
	}
	fd = socket(family, SOCK_STREAM, proto);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, name, &len) < 0)
		snprintf(name, sizeof(name), "-%d", errno);
	printf("cc %s\n", name);
	printf("rcvbuf %d\n", get_int(fd, SOL_SOCKET, SO_RCVBUF));
	printf("sndbuf %d\n", get_int(fd, SOL_SOCKET, SO_SNDBUF));
	fflush(stdout);

	if (lport) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		int one = 1;

		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (family == AF_INET6) {
			a6->sin6_family = AF_INET6;
			a6->sin6_port = htons(lport);
		} else {
			a4->sin_family = AF_INET;
			a4->sin_port = htons(lport);
		}
		if (bind(fd, (struct sockaddr *)&ss, sizeof(ss)) < 0 ||
		    listen(fd, backlog) < 0) {
			perror("listen");
			return 1;
		}
		printf("listen 0\n");
		fflush(stdout);
		if (do_accept) {
			int child = accept(fd, NULL, NULL);

			len = sizeof(name);
			if (child < 0 ||
			    getsockopt(child, IPPROTO_TCP, TCP_CONGESTION,
				       name, &len) < 0)
				snprintf(name, sizeof(name), "-%d", errno);
			printf("child_cc %s\n", name);
			fflush(stdout);
		}
	} else if (addr) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
		struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
		int err = 0;

		if (family == AF_INET6) {
			a6->sin6_family = AF_INET6;
			a6->sin6_port = htons(atoi(port));
			inet_pton(AF_INET6, addr, &a6->sin6_addr);
			len = sizeof(*a6);
		} else {
			a4->sin_family = AF_INET;
			a4->sin_port = htons(atoi(port));
			inet_pton(AF_INET, addr, &a4->sin_addr);
			len = sizeof(*a4);
		}
		if (bport) {
			struct sockaddr_storage bs = { .ss_family = family };
			int one = 1;

			/* sin_port and sin6_port share their place. */
			((struct sockaddr_in *)&bs)->sin_port = htons(bport);
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
			if (bind(fd, (struct sockaddr *)&bs, len) < 0) {
				perror("bind");
				return 1;
			}
		}
		if (connect(fd, (struct sockaddr *)&ss, len) < 0)
			err = errno;
		printf("connect %d\n", err);
		printf("conn_rcvbuf %d\n", get_int(fd, SOL_SOCKET, SO_RCVBUF));
		printf("conn_sndbuf %d\n", get_int(fd, SOL_SOCKET, SO_SNDBUF));
		fflush(stdout);
		if (!err && fill) {
			ssize_t n;

			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
			/* Let the first window go out, then fill the rest. */
			for (i = 0; i < 2; i++) {
				while ((n = send(fd, buf, sizeof(buf),
						 MSG_NOSIGNAL)) > 0)
					queued += n;
				sleep_ms(300);
			}
			printf("queued %ld\n", queued);
			printf("conn_sndbuf %d\n",
			       get_int(fd, SOL_SOCKET, SO_SNDBUF));
			fflush(stdout);
		}
	}
	if (wait_ms)
		sleep_ms(wait_ms);
	close(fd);
	return 0;
}
