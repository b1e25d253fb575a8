/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * ltcp user API.
 *
 * ltcp is a TCP implementation of its own, loaded as a module. Applications
 * select it at socket() time with its protocol number:
 *
 *	fd = socket(AF_INET, SOCK_STREAM, IPPROTO_LTCP);
 *
 * On the wire it is ordinary TCP (IP protocol 6): IPPROTO_LTCP never appears
 * in a packet, it only names the implementation, as IPPROTO_MPTCP does.
 */
#ifndef _UAPI_LTCP_H
#define _UAPI_LTCP_H

/*
 * 253 is one of the two IP protocol numbers RFC 3692 reserves for
 * experimentation and testing, so it cannot collide with a protocol the
 * kernel already implements under that number.
 */
#define IPPROTO_LTCP	253

/* The sysctl directory, per network namespace: /proc/sys/net/ltcp/. */
#define LTCP_SYSCTL_DIR	"/proc/sys/net/ltcp"

#endif /* _UAPI_LTCP_H */
