/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sock_diag identity of a connected IPv4 socket, for the selftests
 * that ask sock_diag about one (ltcp_sockapi: SOCK_DESTROY; ltcp_sockopt:
 * the diag view).
 */
#ifndef _LTCP_SELFTEST_DIAG_H
#define _LTCP_SELFTEST_DIAG_H

#include <errno.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Fill @id with @fd's addresses and ports: 0, or a negative errno. */
static inline int ltcp_diag_sockid(int fd, struct inet_diag_sockid *id)
{
	struct sockaddr_in self, peer;
	socklen_t len = sizeof(self);

	if (getsockname(fd, (struct sockaddr *)&self, &len))
		return -errno;
	len = sizeof(peer);
	if (getpeername(fd, (struct sockaddr *)&peer, &len))
		return -errno;
	id->idiag_sport = self.sin_port;
	id->idiag_dport = peer.sin_port;
	id->idiag_src[0] = self.sin_addr.s_addr;
	id->idiag_dst[0] = peer.sin_addr.s_addr;
	id->idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	id->idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	return 0;
}

#endif /* _LTCP_SELFTEST_DIAG_H */
