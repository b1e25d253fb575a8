#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ltcp.ko's lifetime: it loads (also on demand, from socket()), registers
# LTCP and LTCPv6, creates net.ltcp in every network namespace, refuses to
# unload while an ltcp socket exists, and unloads cleanly after.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL

holder=
cleanup() {
	[ -n "$holder" ] && kill "$holder" 2>/dev/null
	ip netns del ltcp-mod-a 2>/dev/null
	ip netns del ltcp-mod-b 2>/dev/null
}
trap cleanup EXIT

# Start from an unloaded module (TIME-WAIT sockets of earlier tests may
# hold it for up to 60 s).
ltcp_rmmod_wait ltcp 70 2>/dev/null
ltcp_check_not "ltcp not loaded at start" ltcp_module_loaded ltcp

# A namespace that exists before the module loads gets net.ltcp too.
ip netns add ltcp-mod-a

# socket(AF_INET, SOCK_STREAM, IPPROTO_LTCP) loads the module by its alias.
./ltcp_sockhold 4 >/tmp/ltcp_hold.port &
holder=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do
	[ -s /tmp/ltcp_hold.port ] && break
	sleep 0.2
done
ltcp_check "socket() autoloads ltcp.ko" ltcp_module_loaded ltcp
ltcp_check "the held socket is bound" grep -q '^[1-9][0-9]*$' /tmp/ltcp_hold.port
ltcp_check "LTCP registered" grep -q '^LTCP ' /proc/net/protocols
ltcp_check "LTCPv6 registered" grep -q '^LTCPv6 ' /proc/net/protocols

ltcp_check "net.ltcp in the initial namespace" test -d /proc/sys/net/ltcp
ltcp_check "net.ltcp in a namespace made before load" \
	ip netns exec ltcp-mod-a test -d /proc/sys/net/ltcp
ip netns add ltcp-mod-b
ltcp_check "net.ltcp in a namespace made after load" \
	ip netns exec ltcp-mod-b test -d /proc/sys/net/ltcp
ltcp_check "a namespace goes away with the module loaded" ip netns del ltcp-mod-b

# The module's refcount is held by the socket.
ltcp_check_not "rmmod refused while an ltcp socket exists" rmmod ltcp 2>/dev/null
ltcp_check "still loaded after the refused rmmod" ltcp_module_loaded ltcp

kill "$holder"
wait "$holder" 2>/dev/null
holder=
# The last reference goes with the socket's final sock_put.
for _ in 1 2 3 4 5 6 7 8 9 10; do
	rmmod ltcp 2>/dev/null && break
	sleep 0.2
done
ltcp_check_not "rmmod succeeds once the socket is closed" ltcp_module_loaded ltcp
ltcp_check_not "net.ltcp gone after unload" test -d /proc/sys/net/ltcp
ltcp_check_not "net.ltcp gone from other namespaces" \
	ip netns exec ltcp-mod-a test -d /proc/sys/net/ltcp
ltcp_check_not "LTCP unregistered" grep -q '^LTCP ' /proc/net/protocols

ltcp_check "modprobe ltcp loads it again" modprobe ltcp
ltcp_check "net.ltcp back in existing namespaces" \
	ip netns exec ltcp-mod-a test -d /proc/sys/net/ltcp
ltcp_exit
