// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_crr: connection-rate benchmark. The client connects, sends one
 * byte, reads the server's answer (one byte, or -r BYTES) and closes, one
 * connection after the other, for a given time; the server accepts,
 * answers, waits for the client's FIN and closes. The client closes
 * first, so TIME-WAIT is on the client side, as with netperf's TCP_CRR.
 * Prints:
 *	crr connections 4210 seconds 3.000 rate 1403
 *
 * usage: ltcp_crr -l PORT [-P PROTO] [-r BYTES] [-m MSS] [-C CC]
 *						serve until killed
 *        ltcp_crr -c ADDR PORT [-P PROTO] [-r BYTES] [-C CC] [-t SECONDS]
 * PROTO is the socket() protocol: 6 for the kernel's TCP (default), 253
 * for ltcp. BYTES is the size of the answer (both ends must agree), CC a
 * congestion control set with TCP_CONGESTION on every socket. With -m the
 * server's answer carries "TAIL" at the start of its last two MSS-sized
 * pieces, for a filter to drop the last two segments of the flight by
 * (scripts/guest/bench.sh, the tail-drop workloads). IPv4 only.
 * A failing connection ends the client with the call that failed and its
 * errno, after the count so far.
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
	fprintf(stderr, "ltcp_crr: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The answer's size, its tail marks and the congestion control, from -r,
 * -m and -C.
 */
static size_t answer_len = 1, mark_mss;
static const char *cc_name;

static void set_cc(int fd)
{
	if (cc_name && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc_name,
				  strlen(cc_name)))
		die("TCP_CONGESTION");
}

static int serve(int port, int proto)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int fd, conn, one = 1;
	char c, *answer;

	answer = calloc(1, answer_len);
	if (!answer)
		die("calloc");
	if (mark_mss && answer_len >= 2 * mark_mss) {
		memcpy(answer + answer_len - 2 * mark_mss, "TAIL", 4);
		memcpy(answer + answer_len - mark_mss, "TAIL", 4);
	}
	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0)
		die("socket");
	set_cc(fd);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a4.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) || listen(fd, 128))
		die("bind/listen");
	for (;;) {
		conn = accept(fd, NULL, NULL);
		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept");
		}
		setsockopt(conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		set_cc(conn);
		/* Errors here are the client's problem: it reports them. One
		 * write: the answer leaves as one flight.
		 */
		if (read(conn, &c, 1) == 1 &&
		    write(conn, answer, answer_len) == (ssize_t)answer_len)
			while (read(conn, &c, 1) > 0)
				;
		close(conn);
	}
	return 0;
}

/* One connection; returns the name of the call that failed, or NULL. */
static const char *one_conn(const struct sockaddr_in *a4, int proto)
{
	const char *failed = NULL;
	int fd, err, one = 1;
	size_t got = 0;
	char c = 'x', buf[4096];
	ssize_t n = 1;

	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0)
		return "socket";
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (cc_name && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc_name,
				  strlen(cc_name))) {
		err = errno;
		close(fd);
		errno = err;
		return "TCP_CONGESTION";
	}
	if (connect(fd, (const struct sockaddr *)a4, sizeof(*a4))) {
		failed = "connect";
	} else if (write(fd, &c, 1) != 1) {
		failed = "write";
	} else {
		while (got < answer_len && n > 0) {
			n = read(fd, buf, sizeof(buf) < answer_len - got ?
					  sizeof(buf) : answer_len - got);
			if (n > 0)
				got += n;
		}
		if (n == 0)
			errno = ECONNRESET;
		if (got != answer_len)
			failed = "read";
	}
	err = errno;
	if (close(fd) && !failed)
		failed = "close";
	else
		errno = err;
	return failed;
}

static int client(const char *addr, int port, int proto, double secs)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	unsigned long count = 0;
	const char *failed;
	double start, now;

	if (inet_pton(AF_INET, addr, &a4.sin_addr) != 1) {
		fprintf(stderr, "ltcp_crr: bad address %s\n", addr);
		return 2;
	}
	a4.sin_port = htons(port);
	start = now_s();
	do {
		failed = one_conn(&a4, proto);
		now = now_s();
		if (failed) {
			fprintf(stderr, "ltcp_crr: connection %lu: %s: %s\n",
				count + 1, failed, strerror(errno));
			break;
		}
		count++;
	} while (now - start < secs);
	printf("crr connections %lu seconds %.3f rate %.0f\n", count,
	       now - start, count / (now - start));
	return failed ? 1 : 0;
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
		else if (!strcmp(argv[i], "-r") && i + 1 < argc)
			answer_len = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "-C") && i + 1 < argc)
			cc_name = argv[++i];
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			mark_mss = strtoul(argv[++i], NULL, 0);
	}
	if (!answer_len) {
		fprintf(stderr, "ltcp_crr: -r needs at least one byte\n");
		return 2;
	}
	if (argc >= 3 && !strcmp(argv[1], "-l"))
		return serve(atoi(argv[2]), proto);
	if (argc >= 4 && !strcmp(argv[1], "-c"))
		return client(argv[2], atoi(argv[3]), proto, secs);
	fprintf(stderr, "usage: ltcp_crr -l PORT | -c ADDR PORT [-P PROTO] [-r BYTES] [-m MSS]\n"
		"                [-C CC] [-t SECONDS]\n");
	return 2;
}
