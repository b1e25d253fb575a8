// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_sockopt: IPPROTO_TCP options beyond the basic ones, each checked for
 * the value getsockopt() reports, the errno of a bad value, and what the
 * option does on the connection: TCP_USER_TIMEOUT (a blackhole and a
 * zero window), TCP_NOTSENT_LOWAT (poll and non-blocking send),
 * TCP_LINGER2 (an orphan's time in FIN-WAIT-2), TCP_INQ (the TCP_CM_INQ
 * control message) and TCP_CC_INFO (the algorithm's get_info); and what
 * bulk data queued for sending costs in buffer memory.
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
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"

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

/* Is there a socket with local port @port in TCP state @st (hex, as in
 * /proc/net/tcp: 05 is FIN-WAIT-2)?
 */
static bool in_proc_net_tcp(unsigned short port, int st)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/net/tcp", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned int lport, state;

		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x", &lport, &state) == 2 &&
		    lport == port && (int)state == st)
			found = true;
	}
	fclose(f);
	return found;
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
