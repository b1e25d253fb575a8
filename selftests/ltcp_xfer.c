// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_xfer: a bidirectional transfer over one TCP connection, for interop
 * tests: standard input goes to the peer, what the peer sends goes to
 * standard output, both at once. After the input ends it half-closes
 * (shutdown SHUT_WR) and keeps reading until the peer does the same.
 *
 * usage: ltcp_xfer -l PORT [-P PROTO] [-6]     accept one connection
 *        ltcp_xfer -c ADDR PORT [-P PROTO] [-b LPORT]
 *                                              connect (from LPORT: two
 *                                              such calls at each other
 *                                              make a simultaneous open)
 * PROTO is the socket() protocol: 6 for the kernel's TCP (default), 253
 * for ltcp. -q VAL sets TCP_QUICKACK to VAL once connected; -w SEC waits
 * that long before reading anything (a receiver that does not read); -r
 * BYTES sets SO_RCVBUF before the connection. The byte counts go to
 * standard error, then the receive buffer SO_RCVBUF reports at the end
 * ("rcvbuf N": autotuning only ever grows it).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int conn_fd;
static unsigned long long bytes_out, bytes_in;

static void die(const char *what)
{
	fprintf(stderr, "ltcp_xfer: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

static void *sender(void *arg)
{
	static char buf[65536];
	ssize_t n;

	while ((n = read(0, buf, sizeof(buf))) > 0) {
		if (write_all(conn_fd, buf, n))
			die("send");
		bytes_out += n;
	}
	if (n < 0)
		die("read stdin");
	if (shutdown(conn_fd, SHUT_WR))
		die("shutdown");
	return NULL;
}

static int parse_addr(const char *host, const char *port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(atoi(port));
		*len = sizeof(*a4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(atoi(port));
		*len = sizeof(*a6);
		return AF_INET6;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	struct sockaddr_storage ss;
	int proto = IPPROTO_TCP;
	int family = AF_INET;
	int lport = 0, quickack = -1, wait_s = 0, rcvbuf = 0;
	pthread_t thread;
	socklen_t len;
	int i, fd, one = 1;
	ssize_t n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-P") && i + 1 < argc)
			proto = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-6"))
			family = AF_INET6;
		else if (!strcmp(argv[i], "-b") && i + 1 < argc)
			lport = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-q") && i + 1 < argc)
			quickack = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-w") && i + 1 < argc)
			wait_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			rcvbuf = atoi(argv[++i]);
	}
	if (argc >= 3 && !strcmp(argv[1], "-l")) {
		fd = socket(family, SOCK_STREAM, proto);
		if (fd < 0)
			die("socket");
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (rcvbuf && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
					 sizeof(rcvbuf)))
			die("SO_RCVBUF");
		memset(&ss, 0, sizeof(ss));
		ss.ss_family = family;
		((struct sockaddr_in *)&ss)->sin_port = htons(atoi(argv[2]));
		if (family == AF_INET6)
			((struct sockaddr_in6 *)&ss)->sin6_port =
				htons(atoi(argv[2]));
		len = family == AF_INET6 ? sizeof(struct sockaddr_in6) :
					   sizeof(struct sockaddr_in);
		if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 8))
			die("bind/listen");
		conn_fd = accept(fd, NULL, NULL);
		if (conn_fd < 0)
			die("accept");
		close(fd);
	} else if (argc >= 4 && !strcmp(argv[1], "-c")) {
		family = parse_addr(argv[2], argv[3], &ss, &len);
		if (family < 0) {
			fprintf(stderr, "ltcp_xfer: bad address %s\n", argv[2]);
			return 2;
		}
		conn_fd = socket(family, SOCK_STREAM, proto);
		if (conn_fd < 0)
			die("socket");
		if (rcvbuf && setsockopt(conn_fd, SOL_SOCKET, SO_RCVBUF,
					 &rcvbuf, sizeof(rcvbuf)))
			die("SO_RCVBUF");
		if (lport) {
			struct sockaddr_storage local = { .ss_family = family };

			/* The port sits at the same offset in both. */
			((struct sockaddr_in *)&local)->sin_port = htons(lport);
			setsockopt(conn_fd, SOL_SOCKET, SO_REUSEADDR, &one,
				   sizeof(one));
			if (bind(conn_fd, (struct sockaddr *)&local, len))
				die("bind");
		}
		if (connect(conn_fd, (struct sockaddr *)&ss, len))
			die("connect");
	} else {
		fprintf(stderr, "usage: ltcp_xfer -l PORT | -c ADDR PORT [-P PROTO] [-6]\n");
		return 2;
	}

	if (quickack >= 0 &&
	    setsockopt(conn_fd, IPPROTO_TCP, TCP_QUICKACK, &quickack,
		       sizeof(quickack)))
		die("TCP_QUICKACK");
	if (pthread_create(&thread, NULL, sender, NULL))
		die("pthread_create");
	if (wait_s)
		sleep(wait_s);
	while ((n = read(conn_fd, buf, sizeof(buf))) > 0) {
		if (write_all(1, buf, n))
			die("write stdout");
		bytes_in += n;
	}
	if (n < 0)
		die("recv");
	pthread_join(thread, NULL);
	len = sizeof(rcvbuf);
	if (getsockopt(conn_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len))
		die("getsockopt SO_RCVBUF");
	close(conn_fd);
	fprintf(stderr, "ltcp_xfer: sent %llu received %llu\n", bytes_out,
		bytes_in);
	fprintf(stderr, "rcvbuf %d\n", rcvbuf);
	return 0;
}
