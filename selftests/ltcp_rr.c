// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_rr: request/response benchmark. One connection, TCP_NODELAY at both
 * ends, the client sends one byte and waits for the server to echo it back,
 * as fast as it can for a given time. Prints the transactions per second
 * and the 50th and 99th percentile of the round-trip time:
 *	rr transactions 51234 seconds 3.000 rate 17078 p50_us 55.1 p99_us 120.3
 *
 * usage: ltcp_rr -l PORT [-P PROTO]             serve one connection
 *        ltcp_rr -c ADDR PORT [-P PROTO] [-t SECONDS]
 * PROTO is the socket() protocol: 6 for the kernel's TCP (default), 253
 * for ltcp. IPv4 only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "ltcp_rr: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

/* Echo every byte until the client closes. */
static int serve(int port, int proto)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd, conn, one = 1;
	char c;
	ssize_t n;

	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a4.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) || listen(fd, 8))
		die("bind/listen");
	conn = accept(fd, NULL, NULL);
	if (conn < 0)
		die("accept");
	close(fd);
	nodelay(conn);
	while ((n = read(conn, &c, 1)) == 1) {
		if (write(conn, &c, 1) != 1)
			die("write");
	}
	if (n < 0)
		die("read");
	close(conn);
	return 0;
}

static int client(const char *addr, int port, int proto, double secs)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	long long start, end, t, *rtt = NULL;
	size_t count = 0, room = 0;
	double elapsed;
	char c = 'x';
	ssize_t n;
	int fd;

	if (inet_pton(AF_INET, addr, &a4.sin_addr) != 1) {
		fprintf(stderr, "ltcp_rr: bad address %s\n", addr);
		return 2;
	}
	a4.sin_port = htons(port);
	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0)
		die("socket");
	if (connect(fd, (struct sockaddr *)&a4, sizeof(a4)))
		die("connect");
	nodelay(fd);
	start = now_ns();
	end = start + (long long)(secs * 1e9);
	do {
		t = now_ns();
		if (write(fd, &c, 1) != 1)
			die("write");
		n = read(fd, &c, 1);
		if (n == 0) {
			fprintf(stderr, "ltcp_rr: the server closed\n");
			exit(1);
		}
		if (n != 1)
			die("read");
		if (count == room) {
			room = room ? room * 2 : 65536;
			rtt = realloc(rtt, room * sizeof(*rtt));
			if (!rtt)
				die("realloc");
		}
		rtt[count++] = now_ns() - t;
	} while (rtt[count - 1] + t < end);
	elapsed = (now_ns() - start) / 1e9;
	close(fd);
	qsort(rtt, count, sizeof(*rtt), cmp_ll);
	printf("rr transactions %zu seconds %.3f rate %.0f p50_us %.1f p99_us %.1f\n",
	       count, elapsed, count / elapsed, rtt[count / 2] / 1e3,
	       rtt[count * 99 / 100] / 1e3);
	free(rtt);
	return 0;
}

int main(int argc, char **argv)
{
	int i, proto = IPPROTO_TCP;
	double secs = 3;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-P") && i + 1 < argc)
			proto = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-t") && i + 1 < argc)
			secs = atof(argv[++i]);
	}
	if (argc >= 3 && !strcmp(argv[1], "-l"))
		return serve(atoi(argv[2]), proto);
	if (argc >= 4 && !strcmp(argv[1], "-c"))
		return client(argv[2], atoi(argv[3]), proto, secs);
	fprintf(stderr, "usage: ltcp_rr -l PORT | -c ADDR PORT [-P PROTO] [-t SECONDS]\n");
	return 2;
}
