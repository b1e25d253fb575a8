// SPDX-License-Identifier: GPL-2.0
/*
 * libltcpize: an LD_PRELOAD library that makes an unmodified program's TCP
 * sockets ltcp sockets, in the spirit of mptcpize.
 *
 * socket(AF_INET or AF_INET6, SOCK_STREAM, 0 or IPPROTO_TCP) becomes
 * socket(..., IPPROTO_LTCP); every other socket is left alone. There is no
 * silent fallback to the kernel's TCP: if ltcp is not loaded, socket() fails
 * with the kernel's errno (EPROTONOSUPPORT), as a run under ltcpize must not
 * measure the wrong TCP.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "../../include/uapi/ltcp.h"

/* The socket() type argument carries flags above the type itself. */
#define LTCPIZE_TYPE_MASK	0xf

typedef int (*socket_fn)(int domain, int type, int protocol);

static socket_fn real_socket;

/* Resolve libc's socket() once, before the program's threads start. */
__attribute__((constructor)) static void ltcpize_init(void)
{
	real_socket = (socket_fn)dlsym(RTLD_NEXT, "socket");
}

int socket(int domain, int type, int protocol)
{
	if (!real_socket) {
		/* The C library's own socket() could not be found. */
		errno = ELIBACC;
		return -1;
	}
	if ((domain == AF_INET || domain == AF_INET6) &&
	    (type & LTCPIZE_TYPE_MASK) == SOCK_STREAM &&
	    (protocol == 0 || protocol == IPPROTO_TCP))
		protocol = IPPROTO_LTCP;
	return real_socket(domain, type, protocol);
}
