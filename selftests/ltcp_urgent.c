// SPDX-License-Identifier: GPL-2.0
/*
 * ltcp_urgent: urgent data as tcp(7) ("Out-of-band data"), socket(7)
 * (SO_OOBINLINE) and RFC 6093 describe Linux's: send(MSG_OOB) makes the
 * last byte of the write urgent; the receiver reads it with recv(MSG_OOB)
 * and read() skips it (unless SO_OOBINLINE); a read stops at the mark,
 * where SIOCATMARK says 1; POLLPRI is set while the byte waits, SIGURG goes
 * to the F_SETOWN owner; a newer urgent byte replaces one not read; and
 * the errno of every recv(MSG_OOB) that has nothing to give.
 *
 * Every test runs in a network namespace of its own, over loopback, for
 * four pairs: the kernel's TCP at both ends (the reference: the same
 * assertions hold on Linux), an ltcp sender with a kernel TCP receiver
 * (ltcp's URG flag and pointer), a kernel TCP sender with an ltcp receiver
 * (ltcp's reading of them), and ltcp at both ends. The client sends, the
 * accepted socket receives.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ltcp.h"

FIXTURE(urg) {
	int listener;
	int snd;	/* the client: sends */
	int rcv;	/* the accepted socket: receives */
	struct sockaddr_in addr;
};

FIXTURE_VARIANT(urg) {
	int snd_proto;
	int rcv_proto;
};

FIXTURE_VARIANT_ADD(urg, kernel_tcp) {
	.snd_proto = IPPROTO_TCP,
	.rcv_proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(urg, ltcp_to_kernel_tcp) {
	.snd_proto = IPPROTO_LTCP,
	.rcv_proto = IPPROTO_TCP,
};

FIXTURE_VARIANT_ADD(urg, kernel_tcp_to_ltcp) {
	.snd_proto = IPPROTO_TCP,
	.rcv_proto = IPPROTO_LTCP,
};

FIXTURE_VARIANT_ADD(urg, ltcp_to_ltcp) {
	.snd_proto = IPPROTO_LTCP,
	.rcv_proto = IPPROTO_LTCP,
};

FIXTURE_SETUP(urg)
{
	socklen_t len = sizeof(self->addr);

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("/usr/sbin/ip link set lo up"));
	self->listener = socket(AF_INET, SOCK_STREAM, variant->rcv_proto);
	ASSERT_LE(0, self->listener);
	memset(&self->addr, 0, sizeof(self->addr));
	self->addr.sin_family = AF_INET;
	self->addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(self->listener, (struct sockaddr *)&self->addr,
			  sizeof(self->addr)));
	ASSERT_EQ(0, getsockname(self->listener,
				 (struct sockaddr *)&self->addr, &len));
	ASSERT_EQ(0, listen(self->listener, 4));
	self->snd = socket(AF_INET, SOCK_STREAM, variant->snd_proto);
	ASSERT_LE(0, self->snd);
	ASSERT_EQ(0, connect(self->snd, (struct sockaddr *)&self->addr,
			     sizeof(self->addr)));
	self->rcv = accept(self->listener, NULL, NULL);
	ASSERT_LE(0, self->rcv);
}

/* SO_LINGER 0: no orphan left behind holding ltcp.ko. */
FIXTURE_TEARDOWN(urg)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(self->snd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt(self->rcv, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(self->snd);
	close(self->rcv);
	close(self->listener);
}

/* poll() @fd for @events, at most @ms; returns revents (0: none). */
static int wait_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) != 1)
		return 0;
	return p.revents;
}

/* SIOCATMARK: 1 at the mark, 0 before it, -errno on failure. */
static int atmark(int fd)
{
	int v = -1;

	if (ioctl(fd, SIOCATMARK, &v))
		return -errno;
	return v;
}

/* recv(MSG_OOB | @flags): the byte, or -errno; checks MSG_OOB in
 * msg_flags.
 */
static int recv_oob(int fd, int flags)
{
	unsigned char c = 0;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n = recvmsg(fd, &msg, MSG_OOB | flags);

	if (n < 0)
		return -errno;
	if (n != 1 || !(msg.msg_flags & MSG_OOB))
		return -1000 - (int)n;
	return c;
}

/* Non-blocking read of what is there: its length (-errno), into @buf. */
static int read_now(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size, MSG_DONTWAIT);

	if (n >= 0)
		buf[n] = 0;
	return n < 0 ? -errno : (int)n;
}

/* The urgent byte arrives: POLLPRI. Then the stream stops at the mark,
 * recv(MSG_OOB) gives the byte once, and read() goes on after it.
 */
TEST_F(urg, oob_byte)
{
	char buf[64];

	ASSERT_EQ(4, send(self->snd, "abcd", 4, MSG_OOB));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	EXPECT_EQ(0, atmark(self->rcv));
	EXPECT_EQ(3, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("abc", buf);
	EXPECT_EQ(1, atmark(self->rcv));
	EXPECT_EQ('d', recv_oob(self->rcv, 0));
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, 0));
	EXPECT_EQ(0, wait_for(self->rcv, POLLPRI, 0) & POLLPRI);
	EXPECT_EQ(1, atmark(self->rcv));
	/* The byte is not in the stream. */
	EXPECT_EQ(-EAGAIN, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_EQ(0, atmark(self->rcv));
	ASSERT_EQ(2, send(self->snd, "ef", 2, 0));
	ASSERT_NE(0, wait_for(self->rcv, POLLIN, 2000) & POLLIN);
	EXPECT_EQ(2, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("ef", buf);
	EXPECT_EQ(0, atmark(self->rcv));
}

/* SO_OOBINLINE: the byte stays in the stream; the read still stops at the
 * mark; recv(MSG_OOB) is EINVAL; POLLPRI while the byte is unread.
 */
TEST_F(urg, oobinline)
{
	int one = 1;
	char buf[64];

	ASSERT_EQ(0, setsockopt(self->rcv, SOL_SOCKET, SO_OOBINLINE, &one,
				sizeof(one)));
	ASSERT_EQ(4, send(self->snd, "abcd", 4, MSG_OOB));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, 0));
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, MSG_PEEK));
	EXPECT_EQ(0, atmark(self->rcv));
	EXPECT_EQ(3, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("abc", buf);
	EXPECT_EQ(1, atmark(self->rcv));
	EXPECT_NE(0, wait_for(self->rcv, POLLPRI, 0) & POLLPRI);
	EXPECT_EQ(1, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("d", buf);
	EXPECT_EQ(0, atmark(self->rcv));
	EXPECT_EQ(0, wait_for(self->rcv, POLLPRI, 0) & POLLPRI);
}

/* A write of one urgent byte: POLLPRI (EPOLLPRI) without POLLIN (read()
 * would find nothing) nor POLLRDBAND, as on Linux; POLLPRI gone once it
 * is read; then ordinary data.
 */
TEST_F(urg, poll_pri)
{
	struct epoll_event ee = { .events = EPOLLPRI };
	int ep = epoll_create1(0);
	char buf[64];
	int ev;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->rcv, &ee));
	ASSERT_EQ(1, send(self->snd, "x", 1, MSG_OOB));
	/* A waiter in epoll_wait() is woken by the byte's arrival. */
	ASSERT_EQ(1, epoll_wait(ep, &ee, 1, 2000));
	EXPECT_EQ((uint32_t)EPOLLPRI, ee.events);
	close(ep);
	ev = wait_for(self->rcv, POLLIN | POLLPRI | POLLRDBAND | POLLRDNORM,
		      2000);
	TH_LOG("revents 0x%x", ev);
	EXPECT_EQ(POLLPRI, ev);
	EXPECT_EQ(1, atmark(self->rcv));
	EXPECT_EQ('x', recv_oob(self->rcv, 0));
	EXPECT_EQ(0, wait_for(self->rcv, POLLIN | POLLPRI | POLLRDBAND, 0));
	ASSERT_EQ(1, send(self->snd, "y", 1, 0));
	ev = wait_for(self->rcv, POLLIN | POLLPRI, 2000);
	EXPECT_EQ(POLLIN, ev);
	EXPECT_EQ(1, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("y", buf);
}

/* MSG_PEEK leaves the byte; a zero-length buffer gets MSG_TRUNC. */
TEST_F(urg, oob_peek)
{
	struct msghdr msg = {};
	char buf[64];

	ASSERT_EQ(2, send(self->snd, "ab", 2, MSG_OOB));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	EXPECT_EQ('b', recv_oob(self->rcv, MSG_PEEK));
	EXPECT_EQ('b', recv_oob(self->rcv, MSG_PEEK | MSG_DONTWAIT));
	EXPECT_EQ(0, recvmsg(self->rcv, &msg, MSG_OOB | MSG_PEEK));
	EXPECT_EQ(MSG_OOB | MSG_TRUNC, msg.msg_flags & (MSG_OOB | MSG_TRUNC));
	EXPECT_NE(0, wait_for(self->rcv, POLLPRI, 0) & POLLPRI);
	EXPECT_EQ('b', recv_oob(self->rcv, 0));
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, MSG_PEEK));
	EXPECT_EQ(1, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("a", buf);
}

/* recv(MSG_OOB) with nothing to give, whatever the socket. */
TEST_F(urg, errors)
{
	int fresh = socket(AF_INET, SOCK_STREAM, variant->rcv_proto);
	char buf[64];

	ASSERT_LE(0, fresh);
	EXPECT_EQ(-EINVAL, recv_oob(fresh, 0));
	EXPECT_EQ(0, atmark(fresh));
	EXPECT_EQ(-1, send(fresh, "a", 1, MSG_OOB | MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	close(fresh);
	EXPECT_EQ(-ENOTCONN, recv_oob(self->listener, 0));
	EXPECT_EQ(0, atmark(self->listener));

	/* Connected, no urgent data; blocking or not. */
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, 0));
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, MSG_DONTWAIT));
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, MSG_PEEK));
	ASSERT_EQ(1, send(self->snd, "a", 1, 0));
	ASSERT_NE(0, wait_for(self->rcv, POLLIN, 2000) & POLLIN);
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, 0));
	EXPECT_EQ(0, atmark(self->rcv));
	EXPECT_EQ(1, read_now(self->rcv, buf, sizeof(buf) - 1));

	/* A read that steps over the unread urgent byte loses it. */
	ASSERT_EQ(2, send(self->snd, "bc", 2, MSG_OOB));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	EXPECT_EQ(1, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("b", buf);
	EXPECT_EQ(1, atmark(self->rcv));
	EXPECT_EQ(-EAGAIN, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_EQ(0, atmark(self->rcv));
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, 0));

	/* The sender's FIN: a byte read, then the end. */
	ASSERT_EQ(2, send(self->snd, "de", 2, MSG_OOB));
	ASSERT_EQ(0, shutdown(self->snd, SHUT_WR));
	ASSERT_NE(0, wait_for(self->rcv, POLLRDHUP, 2000) & POLLRDHUP);
	EXPECT_EQ('e', recv_oob(self->rcv, 0));
	EXPECT_EQ(1, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("d", buf);
	EXPECT_EQ(0, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_EQ(-EINVAL, recv_oob(self->rcv, 0));
}

/* SIGURG to the owner (F_SETOWN) when the urgent pointer arrives, not for
 * ordinary data.
 */
TEST_F(urg, sigurg)
{
	struct timespec ts = { .tv_nsec = 300 * 1000 * 1000 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGURG);
	ASSERT_EQ(0, sigprocmask(SIG_BLOCK, &set, NULL));
	ASSERT_EQ(0, fcntl(self->rcv, F_SETOWN, getpid()));
	ASSERT_EQ(1, send(self->snd, "a", 1, 0));
	EXPECT_EQ(-1, sigtimedwait(&set, NULL, &ts));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(1, send(self->snd, "b", 1, MSG_OOB));
	ts.tv_sec = 2;
	EXPECT_EQ(SIGURG, sigtimedwait(&set, NULL, &ts));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	EXPECT_EQ('b', recv_oob(self->rcv, 0));
}

/* Wait until recv(MSG_OOB | MSG_PEEK) sees @c (the newer byte came). */
static int wait_oob(int fd, int c)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (recv_oob(fd, MSG_PEEK) == c)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* A newer urgent byte replaces one not read: the old one becomes
 * ordinary data when the reader has not come to it yet.
 */
TEST_F(urg, newer_replaces)
{
	char buf[64];

	ASSERT_EQ(2, send(self->snd, "ax", 2, MSG_OOB));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	ASSERT_EQ(2, send(self->snd, "by", 2, MSG_OOB));
	ASSERT_EQ(0, wait_oob(self->rcv, 'y'));
	EXPECT_EQ(3, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("axb", buf);
	EXPECT_EQ(1, atmark(self->rcv));
	EXPECT_EQ('y', recv_oob(self->rcv, 0));
}

/* ... and is lost when the reader stands at it (it would have skipped
 * it).
 */
TEST_F(urg, newer_replaces_at_mark)
{
	char buf[64];

	ASSERT_EQ(1, send(self->snd, "x", 1, MSG_OOB));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	EXPECT_EQ(1, atmark(self->rcv));
	ASSERT_EQ(1, send(self->snd, "y", 1, MSG_OOB));
	ASSERT_EQ(0, wait_oob(self->rcv, 'y'));
	EXPECT_EQ(1, atmark(self->rcv));
	EXPECT_EQ('y', recv_oob(self->rcv, 0));
	EXPECT_EQ(-EAGAIN, read_now(self->rcv, buf, sizeof(buf) - 1));
	ASSERT_EQ(1, send(self->snd, "z", 1, 0));
	ASSERT_NE(0, wait_for(self->rcv, POLLIN, 2000) & POLLIN);
	EXPECT_EQ(1, read_now(self->rcv, buf, sizeof(buf) - 1));
	EXPECT_STREQ("z", buf);
}

#define BIG	(300 * 1000)

static char big[BIG];

static void *send_big(void *arg)
{
	long fd = (long)arg;

	return (void *)(long)send(fd, big, BIG, MSG_OOB);
}

/* One write of many segments with MSG_OOB: its last byte alone is urgent
 * (the segments before it carry a pointer too far for 16 bits), the rest
 * arrives in order.
 */
TEST_F(urg, long_write)
{
	static char got[BIG];
	pthread_t th;
	long total = 0, i;
	void *ret;

	for (i = 0; i < BIG; i++)
		big[i] = 'A' + (i * 7) % 53;
	ASSERT_EQ(0, pthread_create(&th, NULL, send_big, (void *)(long)self->snd));
	while (total < BIG) {
		int n;

		if (atmark(self->rcv) == 1)
			break;
		if (!wait_for(self->rcv, POLLIN | POLLPRI, 5000))
			break;
		if (atmark(self->rcv) == 1)
			break;
		n = recv(self->rcv, got + total, BIG - total, MSG_DONTWAIT);
		if (n > 0)
			total += n;
		else if (n == 0 || errno != EAGAIN)
			break;
	}
	pthread_join(th, &ret);
	EXPECT_EQ(BIG, (long)ret);
	EXPECT_EQ(BIG - 1, total);
	EXPECT_EQ(0, memcmp(big, got, total));
	ASSERT_NE(0, wait_for(self->rcv, POLLPRI, 2000) & POLLPRI);
	EXPECT_EQ((unsigned char)big[BIG - 1], recv_oob(self->rcv, 0));
}

TEST_HARNESS_MAIN
