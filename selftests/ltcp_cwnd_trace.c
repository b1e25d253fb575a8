// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_cwnd_trace: a diagnostic, not a test. Sends as fast as it can over
 * one connection for a while and samples the sender's TCP_INFO every
 * interval, printing a line whenever the congestion window, ssthresh or
 * the congestion state changed, so that the window's growth between
 * losses and its value around each recovery can be compared between the
 * kernel's TCP and ltcp running the same congestion control
 * (scripts/guest/cwnd-trace.sh).
 *
 * usage: ltcp_cwnd_trace -c ADDR PORT [-P PROTO] [-C CC] [-t SEC] [-i USEC]
 *
 * Output, one sample per line:
 *	t_us cwnd ssthresh ca_state delivered total_retrans rtt_us unacked
 * and a last line "# sent BYTES".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <linux/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct sample {
	unsigned long long t_us;
	unsigned int cwnd, ssthresh, delivered, total_retrans, rtt, unacked;
	unsigned char ca_state;
};

static int fd;
static int done;
static long interval_us = 1000;
static struct sample *samples;
static size_t nsamples, maxsamples;

static unsigned long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void *sampler(void *arg)
{
	unsigned long long t0 = *(unsigned long long *)arg;
	struct sample last = { 0 };
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	while (!__atomic_load_n(&done, __ATOMIC_RELAXED) && nsamples < maxsamples) {
		struct tcp_info ti;
		socklen_t len = sizeof(ti);
		struct sample s;

		if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0) {
			s.t_us = now_us() - t0;
			s.cwnd = ti.tcpi_snd_cwnd;
			s.ssthresh = ti.tcpi_snd_ssthresh;
			s.ca_state = ti.tcpi_ca_state;
			s.delivered = ti.tcpi_delivered;
			s.total_retrans = ti.tcpi_total_retrans;
			s.rtt = ti.tcpi_rtt;
			s.unacked = ti.tcpi_unacked;
			if (!nsamples || s.cwnd != last.cwnd ||
			    s.ssthresh != last.ssthresh ||
			    s.ca_state != last.ca_state)
				samples[nsamples++] = s;
			last = s;
		}
		ts.tv_nsec += interval_us * 1000;
		while (ts.tv_nsec >= 1000000000) {
			ts.tv_nsec -= 1000000000;
			ts.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *cc = NULL;
	int port = 0, proto = IPPROTO_TCP, secs = 10, opt;
	static char buf[65536];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	unsigned long long sent = 0;
	pthread_t thr;
	unsigned long long t0;
	size_t i;

	while ((opt = getopt(argc, argv, "c:P:C:t:i:")) != -1) {
		switch (opt) {
		case 'c':
			addr = optarg;
			break;
		case 'P':
			proto = atoi(optarg);
			break;
		case 'C':
			cc = optarg;
			break;
		case 't':
			secs = atoi(optarg);
			break;
		case 'i':
			interval_us = atol(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (!addr || optind >= argc || interval_us <= 0)
		goto usage;
	port = atoi(argv[optind]);
	sin.sin_port = htons(port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		goto usage;
	fd = socket(AF_INET, SOCK_STREAM, proto);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (cc && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc,
			     strlen(cc))) {
		perror("TCP_CONGESTION");
		return 1;
	}
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("connect");
		return 1;
	}
	maxsamples = (size_t)secs * 1000000 / interval_us + 16;
	samples = calloc(maxsamples, sizeof(*samples));
	if (!samples)
		return 1;
	memset(buf, 'x', sizeof(buf));
	t0 = now_us();
	if (pthread_create(&thr, NULL, sampler, &t0))
		return 1;
	while (now_us() - t0 < (unsigned long long)secs * 1000000) {
		ssize_t n = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("send");
			break;
		}
		sent += n;
	}
	__atomic_store_n(&done, 1, __ATOMIC_RELAXED);
	pthread_join(thr, NULL);
	for (i = 0; i < nsamples; i++) {
		struct sample *s = &samples[i];

		printf("%llu %u %u %u %u %u %u %u\n",
		       s->t_us, s->cwnd, s->ssthresh,
		       s->ca_state, s->delivered, s->total_retrans, s->rtt,
		       s->unacked);
	}
	printf("# sent %llu\n", sent);
	close(fd);
	return 0;
usage:
	fprintf(stderr,
		"usage: %s -c ADDR PORT [-P PROTO] [-C CC] [-t SEC] [-i USEC]\n",
		argv[0]);
	return 2;
}
