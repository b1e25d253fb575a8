// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_idle: connect an ltcp socket and wait, for timer tests. Prints how
 * connect() ended and, once connected, how a blocking recv() ended, each
 * with the errno number and the milliseconds it took:
 *	connect 0 12
 *	recv 110 5043
 *
 * usage: ltcp_idle ADDR PORT [-k IDLE,INTVL,CNT] [-s SYNCNT] [-P PROTO] [-x 1]
 *   -k  SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT; with
 *       0,0,0 SO_KEEPALIVE alone (the namespace's settings)
 *   -x  close right after connecting instead of waiting
 *   -s  TCP_SYNCNT
 *   -P  socket() protocol (default 253, ltcp)
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

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int set_int(int fd, int level, int name, int val)
{
	return setsockopt(fd, level, name, &val, sizeof(val));
}

int main(int argc, char **argv)
{
	int idle = -1, intvl = 0, cnt = 0, syncnt = 0, proto = 253, quit = 0;
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&a4;
	socklen_t len = sizeof(a4);
	int i, fd, rc, family = AF_INET;
	long start;
	char buf[64];

	if (argc < 3) {
		fprintf(stderr, "usage: ltcp_idle ADDR PORT [-k I,N,C] [-s N] [-P P]\n");
		return 2;
	}
	for (i = 3; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-k"))
			sscanf(argv[i + 1], "%d,%d,%d", &idle, &intvl, &cnt);
		else if (!strcmp(argv[i], "-s"))
			syncnt = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-P"))
			proto = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-x"))
			quit = atoi(argv[i + 1]);
	}
	if (inet_pton(AF_INET6, argv[1], &a6.sin6_addr) == 1) {
		family = AF_INET6;
		a6.sin6_port = htons(atoi(argv[2]));
		sa = (struct sockaddr *)&a6;
		len = sizeof(a6);
	} else if (inet_pton(AF_INET, argv[1], &a4.sin_addr) == 1) {
		a4.sin_port = htons(atoi(argv[2]));
	} else {
		fprintf(stderr, "ltcp_idle: bad address %s\n", argv[1]);
		return 2;
	}
	fd = socket(family, SOCK_STREAM, proto);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (syncnt && set_int(fd, SOL_TCP, TCP_SYNCNT, syncnt)) {
		perror("TCP_SYNCNT");
		return 1;
	}
	if (idle >= 0 && set_int(fd, SOL_SOCKET, SO_KEEPALIVE, 1)) {
		perror("SO_KEEPALIVE");
		return 1;
	}
	if (idle > 0 && (set_int(fd, SOL_TCP, TCP_KEEPIDLE, idle) ||
			 set_int(fd, SOL_TCP, TCP_KEEPINTVL, intvl) ||
			 set_int(fd, SOL_TCP, TCP_KEEPCNT, cnt))) {
		perror("keepalive options");
		return 1;
	}
	start = now_ms();
	rc = connect(fd, sa, len);
	printf("connect %d %ld\n", rc ? errno : 0, now_ms() - start);
	fflush(stdout);
	if (rc)
		return 0;
	if (quit) {
		close(fd);
		return 0;
	}
	start = now_ms();
	rc = recv(fd, buf, sizeof(buf), 0);
	printf("recv %d %ld\n", rc < 0 ? errno : 0, now_ms() - start);
	close(fd);
	return 0;
}
