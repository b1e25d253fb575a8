// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_sockopt: IPPROTO_TCP options beyond the basic ones, each checked for
 * the value getsockopt() reports, the errno of a bad value, and what the
 * option does on the connection: TCP_USER_TIMEOUT (a blackhole and a
 * zero window), TCP_NOTSENT_LOWAT (poll and non-blocking send),
 * TCP_LINGER2 (an orphan's time in FIN-WAIT-2), TCP_INQ (the TCP_CM_INQ
 * control message) and TCP_CC_INFO (the algorithm's get_info); TCP_INFO's
 * clocks and its counters after a disconnect; and what bulk data queued
 * for sending costs in buffer memory.
 *
 * Every test runs in a network namespace of its own, over loopback, for
 * three pairs: the kernel's TCP at both ends (the reference: the same
 * assertions hold on Linux), an ltcp client with a kernel TCP server, and
 * ltcp at both ends. The option under test is set on the client.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <linux/inet_diag.h>
#include <linux/net_tstamp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <linux/time_types.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"
#include "ltcp_diag.h"
#include "ltcp_tstamp.h"

FIXTURE(opt) {
	int listener;
	int client;	/* the socket under test */
	int server;
	struct sockaddr_in addr;
};

FIXTURE_VARIANT(opt) {
	int client_proto;
	int server_proto;
};

FIXTURE_VARIANT_ADD(opt, kernel_tcp) {
	.client_proto = IPPROTO_TCP,
	.server_proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(opt, ltcp_to_kernel_tcp) {
	.client_proto = IPPROTO_LTCP,
	.server_proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(opt, ltcp_to_ltcp) {
	.client_proto = IPPROTO_LTCP,
	.server_proto = IPPROTO_LTCP,
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int set_int(int fd, int name, int val)
{
	return setsockopt(fd, IPPROTO_TCP, name, &val, sizeof(val));
}

static int get_int(int fd, int name)
{
	socklen_t len = sizeof(int);
	int val = -12345;

	if (getsockopt(fd, IPPROTO_TCP, name, &val, &len) || len != sizeof(int))
		return -12345;
	return val;
}

/* Wait for @events on @fd for at most @ms; returns revents (0: none). */
static int wait_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return p.revents;
}

/* Fill the peer's receive window and our send buffer (non-blocking). */
static long fill(int fd)
{
	static char buf[16384];
	long total = 0;
	int idle = 0;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (idle < 20) {
		ssize_t n = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);

		if (n > 0) {
			total += n;
			idle = 0;
		} else {
			idle++;
			usleep(20000);
		}
	}
	return total;
}

/*
 * /proc/net/tcp's line for local port @lport, and remote port @rport unless
 * it is 0 (a listener shares the local port of the connections it
 * accepted), in TCP state @st unless it is -1 (hex there: 05 is
 * FIN-WAIT-2): its state, rx_queue and inode, when found.
 */
static bool proc_net_tcp_line(unsigned short lport, unsigned short rport,
			      int st, unsigned int *state, unsigned int *rxq,
			      unsigned long *inode)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/net/tcp", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned int l, r;

		found = sscanf(line,
			       " %*d: %*x:%x %*x:%x %x %*x:%x %*x:%*x %*x %*u %*d %lu",
			       &l, &r, state, rxq, inode) == 5 &&
			l == lport && (!rport || r == rport) &&
			(st < 0 || (int)*state == st);
	}
	fclose(f);
	return found;
}

/* Is there a socket with local port @port in TCP state @st? */
static bool in_proc_net_tcp(unsigned short port, int st)
{
	unsigned int state, rxq;
	unsigned long inode;

	return proc_net_tcp_line(port, 0, st, &state, &rxq, &inode);
}

FIXTURE_SETUP(opt)
{
	socklen_t len = sizeof(self->addr);

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("/usr/sbin/ip link set lo up"));
	self->listener = socket(AF_INET, SOCK_STREAM, variant->server_proto);
	ASSERT_LE(0, self->listener);
	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sin_family = AF_INET;
	self->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(self->listener, (struct sockaddr *)&self->addr,
			  sizeof(self->addr)));
	ASSERT_EQ(0, getsockname(self->listener,
				 (struct sockaddr *)&self->addr, &len));
	self->client = socket(AF_INET, SOCK_STREAM, variant->client_proto);
	ASSERT_LE(0, self->client);
	self->server = -1;
}

/* SO_LINGER 0: no orphan left retransmitting into a netem blackhole (and
 * holding ltcp.ko) after the test.
 */
FIXTURE_TEARDOWN(opt)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(self->client, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(self->client);
	if (self->server >= 0) {
		setsockopt(self->server, SOL_SOCKET, SO_LINGER, &lg,
			   sizeof(lg));
		close(self->server);
	}
	close(self->listener);
}

/* Listen (with @rcvbuf for the accepted socket when non-zero), connect,
 * accept.
 */
static int establish(struct _test_data_opt *self, int rcvbuf)
{
	if (rcvbuf &&
	    setsockopt(self->listener, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		       sizeof(rcvbuf)))
		return -1;
	if (listen(self->listener, 4) ||
	    connect(self->client, (struct sockaddr *)&self->addr,
		    sizeof(self->addr)))
		return -1;
	self->server = accept(self->listener, NULL, NULL);
	return self->server < 0 ? -1 : 0;
}

TEST_F(opt, user_timeout_values)
{
	EXPECT_EQ(0, get_int(self->client, TCP_USER_TIMEOUT));
	EXPECT_EQ(0, set_int(self->client, TCP_USER_TIMEOUT, 1500));
	EXPECT_EQ(1500, get_int(self->client, TCP_USER_TIMEOUT));
	EXPECT_EQ(-1, set_int(self->client, TCP_USER_TIMEOUT, -1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1500, get_int(self->client, TCP_USER_TIMEOUT));
	EXPECT_EQ(0, set_int(self->client, TCP_USER_TIMEOUT, 0));
	EXPECT_EQ(0, get_int(self->client, TCP_USER_TIMEOUT));
}

/* Unacknowledged data: ETIMEDOUT about the user timeout after the send,
 * not after retries2's quarter of an hour.
 */
TEST_F(opt, user_timeout_blackhole)
{
	char data[100] = "";
	int err = 0;
	socklen_t len = sizeof(err);
	double t0, took;

	ASSERT_EQ(0, establish(self, 0));
	ASSERT_EQ(0, set_int(self->client, TCP_USER_TIMEOUT, 1000));
	ASSERT_EQ(0, system("/usr/sbin/tc qdisc add dev lo root netem loss 100%"));
	t0 = now_s();
	ASSERT_EQ(100, send(self->client, data, sizeof(data), 0));
	EXPECT_NE(0, wait_for(self->client, POLLERR, 15000) & POLLERR);
	took = now_s() - t0;
	ASSERT_EQ(0, getsockopt(self->client, SOL_SOCKET, SO_ERROR, &err,
				&len));
	EXPECT_EQ(ETIMEDOUT, err);
	TH_LOG("ETIMEDOUT after %.2f s (user timeout 1 s)", took);
	EXPECT_GE(took, 0.9);
	EXPECT_LE(took, 5.0);
}

/* Data held back by a zero window: the peer answers every probe, yet the
 * connection ends after the user timeout (tcp(7)).
 */
TEST_F(opt, user_timeout_zero_window)
{
	int err = 0;
	socklen_t len = sizeof(err);
	double t0, took;

	ASSERT_EQ(0, establish(self, 2048));
	ASSERT_EQ(0, set_int(self->client, TCP_USER_TIMEOUT, 1500));
	t0 = now_s();
	ASSERT_LT(0, fill(self->client));
	EXPECT_NE(0, wait_for(self->client, POLLERR, 20000) & POLLERR);
	took = now_s() - t0;
	ASSERT_EQ(0, getsockopt(self->client, SOL_SOCKET, SO_ERROR, &err,
				&len));
	EXPECT_EQ(ETIMEDOUT, err);
	TH_LOG("ETIMEDOUT %.2f s after the window filled (user timeout 1.5 s)",
	       took);
	EXPECT_GE(took, 1.4);
	EXPECT_LE(took, 8.0);
}

/* A writer is held while the unsent data is over the mark, in poll() and
 * in a non-blocking send(), and let go as the peer reads.
 */
TEST_F(opt, notsent_lowat)
{
	static char buf[65536];
	int sndbuf = 1 << 20;
	ssize_t n, extra;
	double t0;

	EXPECT_EQ(0, get_int(self->client, TCP_NOTSENT_LOWAT));
	ASSERT_EQ(0, setsockopt(self->client, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				sizeof(sndbuf)));
	ASSERT_EQ(0, establish(self, 4096));
	ASSERT_EQ(0, set_int(self->client, TCP_NOTSENT_LOWAT, 16384));
	EXPECT_EQ(16384, get_int(self->client, TCP_NOTSENT_LOWAT));
	EXPECT_NE(0, wait_for(self->client, POLLOUT, 1000) & POLLOUT);

	/* 64 KiB into a 4 KiB window: the mark is passed, the rest stays
	 * unsent, and the writer is held although the send buffer has room
	 * for megabytes more (how far past the mark one write may go is
	 * the stack's business: Linux takes the whole 64 KiB segment).
	 */
	fcntl(self->client, F_SETFL, O_NONBLOCK);
	n = send(self->client, buf, sizeof(buf), 0);
	EXPECT_LE(16384, n);
	usleep(300000);
	EXPECT_EQ(0, wait_for(self->client, POLLOUT, 300) & POLLOUT);
	extra = 0;
	while ((n = send(self->client, buf, sizeof(buf), 0)) > 0)
		extra += n;
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_GT(16384, extra);

	/* Without the mark (net.ipv4.tcp_notsent_lowat: no limit) the
	 * buffer has room.
	 */
	ASSERT_EQ(0, set_int(self->client, TCP_NOTSENT_LOWAT, 0));
	EXPECT_NE(0, wait_for(self->client, POLLOUT, 1000) & POLLOUT);
	EXPECT_EQ(1, send(self->client, buf, 1, 0));

	/* With the mark again, the reader drains it: POLLOUT comes back. */
	ASSERT_EQ(0, set_int(self->client, TCP_NOTSENT_LOWAT, 16384));
	EXPECT_EQ(0, wait_for(self->client, POLLOUT, 200) & POLLOUT);
	t0 = now_s();
	for (n = 0; n < 200 && !(wait_for(self->client, POLLOUT, 0) & POLLOUT);
	     n++) {
		while (recv(self->server, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		usleep(50000);
	}
	t0 = now_s() - t0;
	TH_LOG("POLLOUT %.2f s after the reader started", t0);
	EXPECT_NE(0, wait_for(self->client, POLLOUT, 1000) & POLLOUT);
	/* The reader's window updates, not the writer's zero-window
	 * probes, let the data go (0.05 s on Linux).
	 */
	EXPECT_GT(0.5, t0);
}

TEST_F(opt, linger2)
{
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	unsigned short port;

	/* Default: net.ltcp.fin_timeout or net.ipv4.tcp_fin_timeout, 60. */
	EXPECT_EQ(60, get_int(self->client, TCP_LINGER2));
	EXPECT_EQ(0, set_int(self->client, TCP_LINGER2, 5));
	EXPECT_EQ(5, get_int(self->client, TCP_LINGER2));
	EXPECT_EQ(0, set_int(self->client, TCP_LINGER2, -1));
	EXPECT_EQ(-1, get_int(self->client, TCP_LINGER2));
	EXPECT_EQ(0, set_int(self->client, TCP_LINGER2, 1000));
	EXPECT_EQ(120, get_int(self->client, TCP_LINGER2));

	/* An orphan in FIN-WAIT-2 (the peer never closes) is gone after
	 * its 1 s, where the default would keep it 60 s.
	 */
	ASSERT_EQ(0, set_int(self->client, TCP_LINGER2, 1));
	ASSERT_EQ(0, establish(self, 0));
	ASSERT_EQ(0, getsockname(self->client, (struct sockaddr *)&me, &len));
	port = ntohs(me.sin_port);
	close(self->client);
	self->client = socket(AF_INET, SOCK_STREAM, 0);
	usleep(300000);
	EXPECT_TRUE(in_proc_net_tcp(port, 0x05));
	sleep(3);
	EXPECT_FALSE(in_proc_net_tcp(port, 0x05));
}

TEST_F(opt, inq)
{
	char buf[4096], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = 1000 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int inq = -1, avail = 0, i;

	EXPECT_EQ(0, get_int(self->client, TCP_INQ));
	EXPECT_EQ(-1, set_int(self->client, TCP_INQ, 2));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, set_int(self->client, TCP_INQ, 1));
	EXPECT_EQ(1, get_int(self->client, TCP_INQ));
	ASSERT_EQ(0, establish(self, 0));
	memset(buf, 'q', sizeof(buf));
	ASSERT_EQ(3000, send(self->server, buf, 3000, 0));
	for (i = 0; i < 100 && avail < 3000; i++) {
		usleep(10000);
		ioctl(self->client, SIOCINQ, &avail);
	}
	ASSERT_EQ(3000, avail);
	ASSERT_EQ(1000, recvmsg(self->client, &msg, 0));
	cm = CMSG_FIRSTHDR(&msg);
	ASSERT_NE(NULL, cm);
	EXPECT_EQ(IPPROTO_TCP, cm->cmsg_level);
	EXPECT_EQ(TCP_CM_INQ, cm->cmsg_type);
	memcpy(&inq, CMSG_DATA(cm), sizeof(inq));
	EXPECT_EQ(2000, inq);
}

/* TCP_INFO of @fd once its tcpi_bytes_acked reached @want (within 2 s). */
static void info_acked(struct __test_metadata *_metadata, int fd,
		       struct tcp_info *ti, unsigned long long want)
{
	socklen_t len;
	int i;

	for (i = 0; i < 200; i++) {
		len = sizeof(*ti);
		ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len));
		if (ti->tcpi_bytes_acked >= want)
			return;
		usleep(10000);
	}
}

/*
 * connect(AF_UNSPEC) ends the connection and, as on Linux, its counters:
 * once disconnected, TCP_INFO counts nothing of it (bytes, segments,
 * retransmissions, deliveries), so that a next connection from the same
 * socket starts its own. Before, the connecting side's bytes_acked counts
 * its SYN as Linux's does.
 */
TEST_F(opt, info_after_disconnect)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	static char buf[65536];
	struct tcp_info ti;
	socklen_t len;
	ssize_t n, got = 0;

	ASSERT_EQ(0, establish(self, 0));
	ASSERT_EQ((ssize_t)sizeof(buf), send(self->client, buf, sizeof(buf), 0));
	ASSERT_EQ(1000, send(self->server, buf, 1000, 0));
	while (got < (ssize_t)sizeof(buf) &&
	       (n = recv(self->server, buf, sizeof(buf), 0)) > 0)
		got += n;
	ASSERT_EQ((ssize_t)sizeof(buf), got);
	ASSERT_EQ(1000, recv(self->client, buf, 1000, MSG_WAITALL));
	info_acked(_metadata, self->client, &ti, sizeof(buf) + 1);
	/* RFC 4898's sum of SND.UNA's moves: the SYN's one too (Linux). */
	ASSERT_EQ(sizeof(buf) + 1, ti.tcpi_bytes_acked);
	EXPECT_EQ(1000U, ti.tcpi_bytes_received);
	EXPECT_LT(0U, ti.tcpi_segs_out);
	EXPECT_LT(0U, ti.tcpi_data_segs_in);
	EXPECT_LT(0U, ti.tcpi_delivered);

	ASSERT_EQ(0, connect(self->client, &unspec, sizeof(unspec)));
	len = sizeof(ti);
	ASSERT_EQ(0, getsockopt(self->client, IPPROTO_TCP, TCP_INFO, &ti, &len));
	EXPECT_EQ(7, ti.tcpi_state);	/* TCP_CLOSE */
	EXPECT_EQ(0U, ti.tcpi_bytes_acked);
	EXPECT_EQ(0U, ti.tcpi_bytes_received);
	EXPECT_EQ(0U, ti.tcpi_bytes_sent);
	EXPECT_EQ(0U, ti.tcpi_segs_out);
	EXPECT_EQ(0U, ti.tcpi_segs_in);
	EXPECT_EQ(0U, ti.tcpi_data_segs_out);
	EXPECT_EQ(0U, ti.tcpi_data_segs_in);
	EXPECT_EQ(0U, ti.tcpi_total_retrans);
	EXPECT_EQ(0U, ti.tcpi_delivered);
	EXPECT_EQ(0U, ti.tcpi_dsack_dups);
	EXPECT_EQ(0U, ti.tcpi_rcv_ooopack);
	EXPECT_EQ(1, (int)ti.tcpi_delivery_rate_app_limited);
}

/*
 * The accepting side's TCP_INFO counts as Linux's: its SYN-ACK is not in
 * tcpi_bytes_acked (Linux's child starts with SND.UNA past it, where the
 * connecting side counts its SYN), but is a delivered segment. ltcp before
 * 2026-12-07: 1001 bytes acknowledged, 1 delivered. Before any rate
 * sample both ends report the delivery rate app-limited (ltcp said not).
 */
TEST_F(opt, info_passive_side)
{
	char buf[1000] = "";
	struct tcp_info ti;

	ASSERT_EQ(0, establish(self, 0));
	/* No rate sample yet: app-limited, on Linux. */
	info_acked(_metadata, self->server, &ti, 0);
	EXPECT_EQ(1, (int)ti.tcpi_delivery_rate_app_limited);
	info_acked(_metadata, self->client, &ti, 0);
	EXPECT_EQ(1, (int)ti.tcpi_delivery_rate_app_limited);
	ASSERT_EQ((ssize_t)sizeof(buf), send(self->server, buf, sizeof(buf), 0));
	ASSERT_EQ((ssize_t)sizeof(buf), recv(self->client, buf, sizeof(buf),
					     MSG_WAITALL));
	ASSERT_EQ((ssize_t)sizeof(buf), send(self->client, buf, sizeof(buf), 0));
	ASSERT_EQ((ssize_t)sizeof(buf), recv(self->server, buf, sizeof(buf),
					     MSG_WAITALL));
	info_acked(_metadata, self->server, &ti, sizeof(buf));
	TH_LOG("accepted: bytes_acked %llu, delivered %u, segs_out %u, data_segs_out %u",
	       (unsigned long long)ti.tcpi_bytes_acked, ti.tcpi_delivered,
	       ti.tcpi_segs_out, ti.tcpi_data_segs_out);
	EXPECT_EQ(sizeof(buf), ti.tcpi_bytes_acked);
	EXPECT_EQ(2U, ti.tcpi_delivered);	/* the SYN-ACK and the data */
	info_acked(_metadata, self->client, &ti, sizeof(buf) + 1);
	TH_LOG("connected: bytes_acked %llu, delivered %u, segs_out %u, data_segs_out %u",
	       (unsigned long long)ti.tcpi_bytes_acked, ti.tcpi_delivered,
	       ti.tcpi_segs_out, ti.tcpi_data_segs_out);
	EXPECT_EQ(sizeof(buf) + 1, ti.tcpi_bytes_acked);
	EXPECT_EQ(2U, ti.tcpi_delivered);	/* the SYN and the data */
}

/*
 * Receive timestamps in the 64-bit layouts (SO_TIMESTAMP_NEW,
 * SO_TIMESTAMPNS_NEW, SO_TIMESTAMPING_NEW with software reports): one
 * control message for a read that takes two segments, with a time
 * between the first write and the read's return. The kernel's
 * rxtimestamp_tcp (kernel_net.sh) covers the older layouts.
 */
TEST_F(opt, rx_timestamps)
{
	static const int opts[] = {
		SO_TIMESTAMP_NEW, SO_TIMESTAMPNS_NEW, SO_TIMESTAMPING_NEW,
	};
	char ctl[512], buf[200];
	struct timespec before, after;
	int one = 1, i;

	ASSERT_EQ(0, establish(self, 0));
	ASSERT_EQ(0, setsockopt(self->client, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	/* Receive timestamping is switched on system-wide by a deferred
	 * work item: the client's option keeps it on throughout, and the
	 * wait lets the work run before the first segment.
	 */
	ASSERT_EQ(0, setsockopt(self->client, SOL_SOCKET, SO_TIMESTAMP_NEW,
				&one, sizeof(one)));
	usleep(200000);
	for (i = 0; i < 3; i++) {
		int val = opts[i] == SO_TIMESTAMPING_NEW ?
			  SOF_TIMESTAMPING_SOFTWARE |
			  SOF_TIMESTAMPING_RX_SOFTWARE : 1;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl, .msg_controllen = sizeof(ctl),
		};
		long long ns = -1, lo, hi;
		struct cmsghdr *cm;
		int n = 0;

		ASSERT_EQ(0, setsockopt(self->server, SOL_SOCKET, opts[i], &val,
					sizeof(val)));
		clock_gettime(CLOCK_REALTIME, &before);
		ASSERT_EQ(100, send(self->client, buf, 100, 0));
		usleep(20000);
		ASSERT_EQ(100, send(self->client, buf, 100, 0));
		ASSERT_EQ(200, recvmsg(self->server, &msg, MSG_WAITALL));
		clock_gettime(CLOCK_REALTIME, &after);
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			if (cm->cmsg_level != SOL_SOCKET)
				continue;
			n++;
			EXPECT_EQ(opts[i], cm->cmsg_type);
			if (cm->cmsg_type == SO_TIMESTAMP_NEW) {
				struct __kernel_sock_timeval tv;

				memcpy(&tv, CMSG_DATA(cm), sizeof(tv));
				ns = tv.tv_sec * 1000000000LL + tv.tv_usec * 1000;
			} else {
				/* SCM_TIMESTAMPING_NEW: the software slot first */
				struct __kernel_timespec ts;

				memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
				ns = ts.tv_sec * 1000000000LL + ts.tv_nsec;
			}
		}
		lo = before.tv_sec * 1000000000LL + before.tv_nsec - 1000;
		hi = after.tv_sec * 1000000000LL + after.tv_nsec;
		TH_LOG("option %d: %d message(s), %.3f ms after the first write",
		       opts[i], n, (ns - lo) / 1e6);
		EXPECT_EQ(1, n);
		EXPECT_LE(lo, ns);
		EXPECT_GE(hi, ns);
		val = 0;
		ASSERT_EQ(0, setsockopt(self->server, SOL_SOCKET, opts[i], &val,
					sizeof(val)));
	}
}

/*
 * Transmit timestamps' OPT_ID keys (timestamping.rst): the offset of a
 * write's last byte, counted from where the data stood when the option
 * was switched on; switched off and on again, even with no write in
 * between, the count starts afresh (ltcp before 2026-12-07: no reports).
 */
TEST_F(opt, tx_timestamp_keys)
{
	int on = SOF_TIMESTAMPING_TX_ACK | SOF_TIMESTAMPING_SOFTWARE |
		 SOF_TIMESTAMPING_OPT_ID | SOF_TIMESTAMPING_OPT_TSONLY;
	int off = 0, one = 1;
	struct tcp_info ti;
	char buf[200] = "";

	ASSERT_EQ(0, establish(self, 0));
	ASSERT_EQ(0, setsockopt(self->client, IPPROTO_TCP, TCP_NODELAY, &one,
				sizeof(one)));
	/* Data before the option, acknowledged: not in the count. */
	ASSERT_EQ(10, send(self->client, buf, 10, 0));
	info_acked(_metadata, self->client, &ti, 11);
	ASSERT_EQ(11U, ti.tcpi_bytes_acked);
	ASSERT_EQ(0, setsockopt(self->client, SOL_SOCKET, SO_TIMESTAMPING,
				&on, sizeof(on)));
	ASSERT_EQ(10, send(self->client, buf, 10, 0));
	EXPECT_EQ(9, ltcp_tx_ack_key(self->client, 2000));
	ASSERT_EQ(10, send(self->client, buf, 10, 0));
	EXPECT_EQ(19, ltcp_tx_ack_key(self->client, 2000));
	ASSERT_EQ(0, setsockopt(self->client, SOL_SOCKET, SO_TIMESTAMPING,
				&off, sizeof(off)));
	ASSERT_EQ(0, setsockopt(self->client, SOL_SOCKET, SO_TIMESTAMPING,
				&on, sizeof(on)));
	ASSERT_EQ(100, send(self->client, buf, 100, 0));
	EXPECT_EQ(99, ltcp_tx_ack_key(self->client, 2000));
	ASSERT_EQ(130, recv(self->server, buf, 130, MSG_WAITALL));
}

/*
 * After connect(AF_UNSPEC) the congestion control starts afresh on the
 * next connection, as on Linux (released, its state cleared, init()
 * again): bbr's bandwidth estimate from a connection that moved a
 * megabyte over loopback is gone on the next one before it sends.
 */
TEST_F(opt, cc_after_disconnect)
{
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	static char buf[65536];
	struct tcp_bbr_info info;
	unsigned long long bw_old, bw_new;
	ssize_t n, got;
	socklen_t len;
	int i, again;

	if (setsockopt(self->client, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3))
		SKIP(return, "no bbr (%s)", strerror(errno));
	ASSERT_EQ(0, establish(self, 0));
	for (i = 0; i < 16; i++) {
		ASSERT_EQ((ssize_t)sizeof(buf),
			  send(self->client, buf, sizeof(buf), 0));
		for (got = 0; got < (ssize_t)sizeof(buf); got += n) {
			n = recv(self->server, buf, sizeof(buf) - got, 0);
			ASSERT_LT(0, n);
		}
	}
	len = sizeof(info);
	ASSERT_EQ(0, getsockopt(self->client, IPPROTO_TCP, TCP_CC_INFO, &info,
				&len));
	bw_old = info.bbr_bw_lo | (unsigned long long)info.bbr_bw_hi << 32;

	ASSERT_EQ(0, connect(self->client, &unspec, sizeof(unspec)));
	ASSERT_EQ(0, connect(self->client, (struct sockaddr *)&self->addr,
			     sizeof(self->addr)));
	again = accept(self->listener, NULL, NULL);
	ASSERT_LE(0, again);
	len = sizeof(info);
	ASSERT_EQ(0, getsockopt(self->client, IPPROTO_TCP, TCP_CC_INFO, &info,
				&len));
	bw_new = info.bbr_bw_lo | (unsigned long long)info.bbr_bw_hi << 32;
	TH_LOG("bbr bandwidth: %llu B/s before the disconnect, %llu after",
	       bw_old, bw_new);
	EXPECT_LT(1000000ULL, bw_old);
	EXPECT_GT(bw_old / 100, bw_new);
	close(again);
}

/* TCP_INFO's clocks: ms since the last data sent and received and the
 * last ACK, as ss -i shows them (lastsnd, lastrcv, lastack).
 */
TEST_F(opt, info_times)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	char c = 'x';

	ASSERT_EQ(0, establish(self, 0));
	ASSERT_EQ(1, send(self->server, &c, 1, 0));
	ASSERT_EQ(1, recv(self->client, &c, 1, 0));
	usleep(300000);
	ASSERT_EQ(1, send(self->client, &c, 1, 0));
	ASSERT_EQ(1, recv(self->server, &c, 1, 0));
	usleep(300000);
	memset(&ti, 0, sizeof(ti));
	ASSERT_EQ(0, getsockopt(self->client, IPPROTO_TCP, TCP_INFO, &ti,
				&len));
	TH_LOG("last data sent %u ms, data received %u ms, ACK %u ms ago",
	       ti.tcpi_last_data_sent, ti.tcpi_last_data_recv,
	       ti.tcpi_last_ack_recv);
	/* Sent 0.3 s ago (its ACK came at once); received 0.6 s ago. */
	EXPECT_LE(250U, ti.tcpi_last_data_sent);
	EXPECT_GT(550U, ti.tcpi_last_data_sent);
	EXPECT_LE(250U, ti.tcpi_last_ack_recv);
	EXPECT_GT(550U, ti.tcpi_last_ack_recv);
	EXPECT_LE(550U, ti.tcpi_last_data_recv);
	EXPECT_GT(2000U, ti.tcpi_last_data_recv);
}

/*
 * What ss -ti and /proc/net/tcp see of a socket. ltcp's sockets live in
 * the kernel TCP's hash tables, so the kernel's sock_diag handler for TCP
 * (tcp_diag) finds them and reads them with its own tcp_get_info(), and
 * /proc/net/tcp prints them: both read the struct tcp_sock fields ltcp
 * keeps (Documentation/design.rst, "Kernel TCP code that meets ltcp
 * sockets"). Their view must be the socket's own: the state, the queues,
 * the inode, the algorithm and the tcp_info fields ltcp's TCP_INFO fills
 * that do not move while the connection is idle (not tcpi_rcv_ssthresh,
 * which ltcp fills with the window it offers).
 */
#define LTCP_TEST_ESTABLISHED 1U	/* TCP_ESTABLISHED, include/net/tcp_states.h */

struct diag_view {
	struct inet_diag_msg msg;
	struct tcp_info info;
	char cc[16];
};

/* sock_diag's answer for the connected IPv4 socket @fd (an exact GET, as
 * ss does for one socket): 0, or a negative errno.
 */
static int diag_get(int fd, struct diag_view *v)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nlh = {
			.nlmsg_len = sizeof(msg),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST,
		},
		.req = {
			.sdiag_family = AF_INET,
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_ext = 1 << (INET_DIAG_INFO - 1) |
				     1 << (INET_DIAG_CONG - 1),
			.idiag_states = ~0U,
		},
	};
	static char buf[16384];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rtattr *rta;
	ssize_t n;
	int nl, alen, ret;

	memset(v, 0, sizeof(*v));
	ret = ltcp_diag_sockid(fd, &msg.req.id);
	if (ret)
		return ret;
	nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	if (nl < 0)
		return -errno;
	if (send(nl, &msg, sizeof(msg), 0) != sizeof(msg)) {
		close(nl);
		return -EIO;
	}
	n = recv(nl, buf, sizeof(buf), 0);
	close(nl);
	if (n < (ssize_t)sizeof(*nlh) || !NLMSG_OK(nlh, n))
		return -EIO;
	if (nlh->nlmsg_type == NLMSG_ERROR)
		return ((struct nlmsgerr *)NLMSG_DATA(nlh))->error ?: -EIO;
	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(v->msg)))
		return -EIO;
	memcpy(&v->msg, NLMSG_DATA(nlh), sizeof(v->msg));
	rta = (struct rtattr *)((char *)NLMSG_DATA(nlh) + sizeof(v->msg));
	alen = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(v->msg));
	for (; RTA_OK(rta, alen); rta = RTA_NEXT(rta, alen)) {
		size_t plen = RTA_PAYLOAD(rta);

		if (rta->rta_type == INET_DIAG_INFO)
			memcpy(&v->info, RTA_DATA(rta),
			       plen < sizeof(v->info) ? plen : sizeof(v->info));
		else if (rta->rta_type == INET_DIAG_CONG)
			memcpy(v->cc, RTA_DATA(rta),
			       plen < sizeof(v->cc) - 1 ? plen :
			       sizeof(v->cc) - 1);
	}
	return 0;
}

/* One tcp_info field: the socket's own value and the diag view's. */
static void same(struct __test_metadata *_metadata, const char *field,
		 unsigned long long own, unsigned long long diag)
{
	EXPECT_EQ(own, diag) TH_LOG("tcpi_%s", field);
}

/* The diag and /proc views of @fd, an idle connection with @inq bytes
 * unread and nothing unacknowledged, against its own TCP_INFO.
 */
static void check_diag_view(struct __test_metadata *_metadata, int fd,
			    int inq)
{
	struct tcp_info ti;
	struct diag_view dv;
	struct sockaddr_in self, peer;
	socklen_t len = sizeof(self);
	unsigned long inode = 0;
	unsigned int state = 0, rxq = 0;
	char cc[16] = "";
	struct stat st;

	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&self, &len));
	len = sizeof(peer);
	ASSERT_EQ(0, getpeername(fd, (struct sockaddr *)&peer, &len));
	ASSERT_EQ(0, diag_get(fd, &dv));
	memset(&ti, 0, sizeof(ti));
	len = sizeof(ti);
	ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len));
	len = sizeof(cc) - 1;
	ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &len));

	EXPECT_EQ(LTCP_TEST_ESTABLISHED, dv.msg.idiag_state);
	EXPECT_EQ((unsigned int)inq, dv.msg.idiag_rqueue);
	EXPECT_EQ(0U, dv.msg.idiag_wqueue);
	EXPECT_EQ(st.st_ino, dv.msg.idiag_inode);
	EXPECT_EQ((unsigned int)getuid(), dv.msg.idiag_uid);
	EXPECT_STREQ(cc, dv.cc);
	TH_LOG("diag: cwnd %u rtt %u/%u mss %u/%u acked %llu received %llu segs %u/%u",
	       dv.info.tcpi_snd_cwnd, dv.info.tcpi_rtt, dv.info.tcpi_rttvar,
	       dv.info.tcpi_snd_mss, dv.info.tcpi_rcv_mss,
	       (unsigned long long)dv.info.tcpi_bytes_acked,
	       (unsigned long long)dv.info.tcpi_bytes_received,
	       dv.info.tcpi_segs_out, dv.info.tcpi_segs_in);
	same(_metadata, "state", ti.tcpi_state, dv.info.tcpi_state);
	same(_metadata, "ca_state", ti.tcpi_ca_state, dv.info.tcpi_ca_state);
	same(_metadata, "retransmits", ti.tcpi_retransmits, dv.info.tcpi_retransmits);
	same(_metadata, "probes", ti.tcpi_probes, dv.info.tcpi_probes);
	same(_metadata, "backoff", ti.tcpi_backoff, dv.info.tcpi_backoff);
	same(_metadata, "options", ti.tcpi_options, dv.info.tcpi_options);
	same(_metadata, "snd_wscale", ti.tcpi_snd_wscale, dv.info.tcpi_snd_wscale);
	same(_metadata, "rcv_wscale", ti.tcpi_rcv_wscale, dv.info.tcpi_rcv_wscale);
	same(_metadata, "rto", ti.tcpi_rto, dv.info.tcpi_rto);
	same(_metadata, "snd_mss", ti.tcpi_snd_mss, dv.info.tcpi_snd_mss);
	same(_metadata, "rcv_mss", ti.tcpi_rcv_mss, dv.info.tcpi_rcv_mss);
	same(_metadata, "unacked", ti.tcpi_unacked, dv.info.tcpi_unacked);
	same(_metadata, "sacked", ti.tcpi_sacked, dv.info.tcpi_sacked);
	same(_metadata, "lost", ti.tcpi_lost, dv.info.tcpi_lost);
	same(_metadata, "retrans", ti.tcpi_retrans, dv.info.tcpi_retrans);
	same(_metadata, "pmtu", ti.tcpi_pmtu, dv.info.tcpi_pmtu);
	same(_metadata, "rtt", ti.tcpi_rtt, dv.info.tcpi_rtt);
	same(_metadata, "rttvar", ti.tcpi_rttvar, dv.info.tcpi_rttvar);
	same(_metadata, "snd_ssthresh", ti.tcpi_snd_ssthresh, dv.info.tcpi_snd_ssthresh);
	same(_metadata, "snd_cwnd", ti.tcpi_snd_cwnd, dv.info.tcpi_snd_cwnd);
	same(_metadata, "advmss", ti.tcpi_advmss, dv.info.tcpi_advmss);
	same(_metadata, "reordering", ti.tcpi_reordering, dv.info.tcpi_reordering);
	same(_metadata, "rcv_rtt", ti.tcpi_rcv_rtt, dv.info.tcpi_rcv_rtt);
	same(_metadata, "rcv_space", ti.tcpi_rcv_space, dv.info.tcpi_rcv_space);
	same(_metadata, "total_retrans", ti.tcpi_total_retrans, dv.info.tcpi_total_retrans);
	same(_metadata, "pacing_rate", ti.tcpi_pacing_rate, dv.info.tcpi_pacing_rate);
	same(_metadata, "max_pacing_rate", ti.tcpi_max_pacing_rate, dv.info.tcpi_max_pacing_rate);
	same(_metadata, "bytes_acked", ti.tcpi_bytes_acked, dv.info.tcpi_bytes_acked);
	same(_metadata, "bytes_received", ti.tcpi_bytes_received, dv.info.tcpi_bytes_received);
	same(_metadata, "segs_out", ti.tcpi_segs_out, dv.info.tcpi_segs_out);
	same(_metadata, "segs_in", ti.tcpi_segs_in, dv.info.tcpi_segs_in);
	same(_metadata, "notsent_bytes", ti.tcpi_notsent_bytes, dv.info.tcpi_notsent_bytes);
	same(_metadata, "min_rtt", ti.tcpi_min_rtt, dv.info.tcpi_min_rtt);
	same(_metadata, "data_segs_in", ti.tcpi_data_segs_in, dv.info.tcpi_data_segs_in);
	same(_metadata, "data_segs_out", ti.tcpi_data_segs_out, dv.info.tcpi_data_segs_out);
	same(_metadata, "delivery_rate", ti.tcpi_delivery_rate, dv.info.tcpi_delivery_rate);
	same(_metadata, "delivered", ti.tcpi_delivered, dv.info.tcpi_delivered);
	same(_metadata, "delivered_ce", ti.tcpi_delivered_ce, dv.info.tcpi_delivered_ce);
	same(_metadata, "bytes_sent", ti.tcpi_bytes_sent, dv.info.tcpi_bytes_sent);
	same(_metadata, "dsack_dups", ti.tcpi_dsack_dups, dv.info.tcpi_dsack_dups);
	same(_metadata, "reord_seen", ti.tcpi_reord_seen, dv.info.tcpi_reord_seen);
	same(_metadata, "snd_wnd", ti.tcpi_snd_wnd, dv.info.tcpi_snd_wnd);
	/* The RTT was measured, the window is open, the bytes counted. */
	EXPECT_LT(0U, dv.info.tcpi_rtt);
	EXPECT_LT(0U, dv.info.tcpi_snd_cwnd);
	EXPECT_LT(0U, dv.info.tcpi_snd_wnd);
	EXPECT_LE((unsigned long long)inq, dv.info.tcpi_bytes_received);

	ASSERT_TRUE(proc_net_tcp_line(ntohs(self.sin_port),
				      ntohs(peer.sin_port), -1, &state, &rxq,
				      &inode));
	EXPECT_EQ(LTCP_TEST_ESTABLISHED, state);
	EXPECT_EQ((unsigned int)inq, rxq);
	EXPECT_EQ(st.st_ino, inode);
}

static int queued(int fd, int what)
{
	int n = -1;

	return ioctl(fd, what, &n) ? -1 : n;
}

/* A connection from @client_proto to @server_proto over this namespace's
 * loopback, idle with bytes unread both ways: its diag views at both ends.
 * Both ends close client first, leaving the client's end in TIME-WAIT.
 */
static void diag_pair(struct __test_metadata *_metadata, int client_proto,
		      int server_proto)
{
	struct sockaddr_in addr = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	socklen_t len = sizeof(addr);
	static char buf[5000];
	int lfd, client, server, i;

	lfd = socket(AF_INET, SOCK_STREAM, server_proto);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&addr, sizeof(addr)));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&addr, &len));
	ASSERT_EQ(0, listen(lfd, 4));
	client = socket(AF_INET, SOCK_STREAM, client_proto);
	ASSERT_LE(0, client);
	ASSERT_EQ(0, connect(client, (struct sockaddr *)&addr, sizeof(addr)));
	server = accept(lfd, NULL, NULL);
	ASSERT_LE(0, server);
	memset(buf, 'd', sizeof(buf));
	ASSERT_EQ(3000, send(client, buf, 3000, 0));
	ASSERT_EQ(5000, send(server, buf, 5000, 0));
	/* Everything in and acknowledged both ways, then past the delayed
	 * ACKs' timer: an idle connection.
	 */
	for (i = 0; i < 150; i++) {
		if (queued(client, SIOCINQ) == 5000 &&
		    queued(server, SIOCINQ) == 3000 &&
		    !queued(client, SIOCOUTQ) && !queued(server, SIOCOUTQ))
			break;
		usleep(20000);
	}
	ASSERT_GT(150, i);
	usleep(300000);
	check_diag_view(_metadata, client, 5000);
	check_diag_view(_metadata, server, 3000);
	ASSERT_EQ(5000, recv(client, buf, sizeof(buf), MSG_WAITALL));
	ASSERT_EQ(3000, recv(server, buf, 3000, MSG_WAITALL));
	close(client);
	ASSERT_EQ(0, recv(server, buf, sizeof(buf), 0));
	close(server);
	close(lfd);
}

TEST_F(opt, diag_view)
{
	char entries[32] = "";
	FILE *f;

	diag_pair(_metadata, variant->client_proto, variant->server_proto);

	/* Again in a namespace with an established hash of its own
	 * (net.ipv4.tcp_child_ehash_entries, Linux 6.1): the kernel's TCP
	 * then hashes connections there and looks them up there, diag and
	 * /proc/net/tcp included, and purges TIME-WAIT sockets from it when
	 * the namespace goes (the client's end above lingers there).
	 */
	f = fopen("/proc/sys/net/ipv4/tcp_child_ehash_entries", "w");
	ASSERT_NE(NULL, f);
	fputs("1024", f);
	ASSERT_EQ(0, fclose(f));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("/usr/sbin/ip link set lo up"));
	f = fopen("/proc/sys/net/ipv4/tcp_ehash_entries", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(entries, sizeof(entries), f));
	fclose(f);
	ASSERT_EQ(1024, atoi(entries));	/* its own, not the global one */
	diag_pair(_metadata, variant->client_proto, variant->server_proto);
}

/* What queued bulk data costs the sender's buffer (SO_MEMINFO's
 * wmem_queued, the truesize of the write queue) per byte it holds
 * (SIOCOUTQ), with 1448-byte segments (loopback at MTU 1500). ltcp's
 * one-MSS segments with the payload in a linear buffer (a 4 KiB kmalloc
 * object each) cost 3.0 per byte; with the payload in page fragments
 * 1.7; the kernel's TCP, which queues GSO segments of several MSS, 1.2.
 */
TEST_F(opt, sndbuf_cost)
{
	unsigned int mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);
	int sndbuf = 1 << 20, outq = 0;
	double cost;

	ASSERT_EQ(0, system("/usr/sbin/ip link set lo mtu 1500"));
	ASSERT_EQ(0, setsockopt(self->client, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				sizeof(sndbuf)));
	ASSERT_EQ(0, establish(self, 16384));
	ASSERT_LT(0, fill(self->client));
	ASSERT_EQ(0, ioctl(self->client, SIOCOUTQ, &outq));
	ASSERT_EQ(0, getsockopt(self->client, SOL_SOCKET, SO_MEMINFO, mem,
				&len));
	ASSERT_LT(65536, outq);
	cost = (double)mem[SK_MEMINFO_WMEM_QUEUED] / outq;
	TH_LOG("%d bytes queued in %u bytes of buffer: %.2f per byte", outq,
	       mem[SK_MEMINFO_WMEM_QUEUED], cost);
	EXPECT_GT(2.5, cost);
}

/* The algorithm's own report: bbr's min RTT after an exchange. */
TEST_F(opt, cc_info)
{
	struct tcp_bbr_info info;
	socklen_t len = sizeof(info);
	char c = 'x';

	if (setsockopt(self->client, IPPROTO_TCP, TCP_CONGESTION, "bbr", 3))
		SKIP(return, "no bbr (%s)", strerror(errno));
	ASSERT_EQ(0, establish(self, 0));
	ASSERT_EQ(1, send(self->client, &c, 1, 0));
	ASSERT_EQ(1, recv(self->server, &c, 1, 0));
	ASSERT_EQ(1, send(self->server, &c, 1, 0));
	ASSERT_EQ(1, recv(self->client, &c, 1, 0));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, getsockopt(self->client, IPPROTO_TCP, TCP_CC_INFO, &info,
				&len));
	EXPECT_EQ(sizeof(info), len);
	EXPECT_LT(0U, info.bbr_min_rtt);
	EXPECT_GT(~0U, info.bbr_min_rtt);
	EXPECT_LT(0U, info.bbr_pacing_gain);
}

TEST_HARNESS_MAIN
