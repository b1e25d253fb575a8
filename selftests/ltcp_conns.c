// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_conns: open many idle connections at once and measure what they
 * cost. One process listens, then connects and accepts N connections one
 * after the other (both ends in this process, the same protocol), keeps
 * them all established and idle, and reports the time the N openings took
 * and the memory they hold: the growth of Slab and the drop of MemFree in
 * /proc/meminfo, one second after the last one opened, per connection (a
 * connection is both its sockets, and their files), and the slab caches
 * that grew most (from /proc/slabinfo). Then it closes them all with
 * SO_LINGER 0 (a RST, no TIME-WAIT left behind). Prints:
 *	conns 10000 of 10000 open_s 2.310 rate 4329 slab_kb 3.92 memfree_kb 4.31
 *	slab TCP 23450000 2.29
 *	...
 * and, when a connection fails, a line "fail connection N: CALL: ERRNO"
 * (the numbers above then cover the connections that did open) and exit 1.
 *
 * usage: ltcp_conns [-n N] [-P PROTO] [-p PORT]   (default 10000, 6, 7000)
 * IPv4 over 127.0.0.1; RLIMIT_NOFILE is raised to fit (needs root for more
 * than the hard limit).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CACHES 1024
#define TOP_CACHES 5

struct cache {
	char name[64];
	long long bytes;
};

struct snapshot {
	long long memfree_kb, slab_kb;
	struct cache caches[MAX_CACHES];
	int ncaches;
};

static struct snapshot before, after;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void snap(struct snapshot *s)
{
	char line[512], name[64];
	long long active, num, size, v;
	FILE *f;

	s->memfree_kb = -1;
	s->slab_kb = -1;
	s->ncaches = 0;
	f = fopen("/proc/meminfo", "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "MemFree: %lld", &v) == 1)
				s->memfree_kb = v;
			else if (sscanf(line, "Slab: %lld", &v) == 1)
				s->slab_kb = v;
		}
		fclose(f);
	}
	f = fopen("/proc/slabinfo", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && s->ncaches < MAX_CACHES) {
		if (sscanf(line, "%63s %lld %lld %lld", name, &active, &num,
			   &size) != 4)
			continue;
		strcpy(s->caches[s->ncaches].name, name);
		s->caches[s->ncaches].bytes = num * size;
		s->ncaches++;
	}
	fclose(f);
}

static long long cache_bytes(const struct snapshot *s, const char *name)
{
	int i;

	for (i = 0; i < s->ncaches; i++)
		if (!strcmp(s->caches[i].name, name))
			return s->caches[i].bytes;
	return 0;
}

/* The caches that grew most from before to after, largest first. */
static void print_top_caches(int conns)
{
	long long grew[MAX_CACHES];
	int i, j, best;

	for (i = 0; i < after.ncaches; i++)
		grew[i] = after.caches[i].bytes -
			  cache_bytes(&before, after.caches[i].name);
	for (j = 0; j < TOP_CACHES; j++) {
		best = -1;
		for (i = 0; i < after.ncaches; i++)
			if (grew[i] > 0 && (best < 0 || grew[i] > grew[best]))
				best = i;
		if (best < 0)
			break;
		printf("slab %s %lld %.2f\n", after.caches[best].name,
		       grew[best], grew[best] / 1024.0 / conns);
		grew[best] = 0;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	int i, n = 10000, proto = IPPROTO_TCP, port = 7000;
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };
	const char *failed = NULL;
	int lfd, one = 1, err = 0, opened = 0;
	struct rlimit rl;
	double start, took;
	int *cfd, *sfd;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-n"))
			n = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-P"))
			proto = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "-p"))
			port = atoi(argv[i + 1]);
	}
	if (n <= 0) {
		fprintf(stderr, "usage: ltcp_conns [-n N] [-P PROTO] [-p PORT]\n");
		return 2;
	}
	rl.rlim_cur = 2 * (rlim_t)n + 64;
	rl.rlim_max = rl.rlim_cur;
	if (setrlimit(RLIMIT_NOFILE, &rl)) {
		perror("ltcp_conns: setrlimit RLIMIT_NOFILE");
		return 1;
	}
	cfd = calloc(n, sizeof(*cfd));
	sfd = calloc(n, sizeof(*sfd));
	if (!cfd || !sfd)
		return 1;
	a4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a4.sin_port = htons(port);
	lfd = socket(AF_INET, SOCK_STREAM, proto);
	if (lfd < 0) {
		perror("ltcp_conns: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&a4, sizeof(a4)) || listen(lfd, 4096)) {
		perror("ltcp_conns: bind/listen");
		return 1;
	}

	snap(&before);
	start = now_s();
	for (i = 0; i < n; i++) {
		cfd[i] = socket(AF_INET, SOCK_STREAM, proto);
		if (cfd[i] < 0) {
			failed = "socket";
			break;
		}
		if (connect(cfd[i], (struct sockaddr *)&a4, sizeof(a4))) {
			failed = "connect";
			close(cfd[i]);
			break;
		}
		sfd[i] = accept(lfd, NULL, NULL);
		if (sfd[i] < 0) {
			failed = "accept";
			close(cfd[i]);
			break;
		}
		opened++;
	}
	err = errno;
	took = now_s() - start;
	sleep(1);
	snap(&after);

	printf("conns %d of %d open_s %.3f rate %.0f", opened, n, took,
	       opened / took);
	if (opened && before.slab_kb >= 0 && after.slab_kb >= 0)
		printf(" slab_kb %.2f memfree_kb %.2f",
		       (double)(after.slab_kb - before.slab_kb) / opened,
		       (double)(before.memfree_kb - after.memfree_kb) / opened);
	printf("\n");
	if (opened)
		print_top_caches(opened);
	if (failed)
		printf("fail connection %d: %s: %s\n", opened + 1, failed,
		       strerror(err));
	fflush(stdout);

	for (i = 0; i < opened; i++) {
		setsockopt(cfd[i], SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
		close(cfd[i]);
		close(sfd[i]);
	}
	close(lfd);
	return failed ? 1 : 0;
}
