/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ltcp_tstamp.h: reading transmit timestamp reports (timestamping.rst)
 * from a socket's error queue, for the selftests that check them.
 */
#ifndef _LTCP_TSTAMP_H
#define _LTCP_TSTAMP_H

#include <time.h>	/* before linux/errqueue.h: struct timespec */
#include <linux/errqueue.h>
#include <linux/net_tstamp.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

/*
 * The key (ee_data: with SOF_TIMESTAMPING_OPT_ID the offset of the last
 * byte of the write it is about) of the next acknowledgment report on
 * @fd's error queue within @ms; -1 if none came.
 */
static inline long ltcp_tx_ack_key(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = 0 };
	char ctl[512];
	struct msghdr msg = { .msg_control = ctl };
	struct cmsghdr *cm;

	for (;;) {
		if (poll(&pfd, 1, ms) != 1 || !(pfd.revents & POLLERR))
			return -1;
		msg.msg_controllen = sizeof(ctl);
		if (recvmsg(fd, &msg, MSG_ERRQUEUE) < 0)
			return -1;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
			struct sock_extended_err ee;

			if (!((cm->cmsg_level == SOL_IP &&
			       cm->cmsg_type == IP_RECVERR) ||
			      (cm->cmsg_level == SOL_IPV6 &&
			       cm->cmsg_type == IPV6_RECVERR)))
				continue;
			memcpy(&ee, CMSG_DATA(cm), sizeof(ee));
			if (ee.ee_origin == SO_EE_ORIGIN_TIMESTAMPING &&
			    ee.ee_info == SCM_TSTAMP_ACK)
				return ee.ee_data;
		}
	}
}

#endif /* _LTCP_TSTAMP_H */
