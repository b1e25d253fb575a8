#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs last: every ltcp module unloads once the tests are done, nothing is
# left holding them (the VM harness checks the kernel log after this).
. "$(dirname "$0")/ltcp_lib.sh"

# TIME-WAIT sockets hold ltcp.ko for their 2 MSL (60 s), as every ltcp
# socket does, and orphans of earlier tests may still retransmit (up to
# net.ipv4.tcp_orphan_retries, minutes with backoff): wait up to 300 s.
for m in $(awk '$1 ~ /^ltcp_/ { print $1 }' /proc/modules) ltcp; do
	ltcp_module_loaded "$m" || continue
	if ltcp_rmmod_wait "$m" 300; then
		ltcp_ok "rmmod $m"
	else
		ltcp_fail "rmmod $m: $(grep "^$m " /proc/modules)"
		# What still holds it: TCP sockets of every namespace.
		for ns in "" $(ip netns list | cut -d' ' -f1); do
			echo "sockets in namespace ${ns:-init}:"
			${ns:+ip netns exec "$ns"} ss -tanoe | sed 's/^/  /'
		done
	fi
done
left=$(awk '$1 ~ /^ltcp/ { print $1 }' /proc/modules)
ltcp_check "no ltcp module left loaded" test -z "$left"
ltcp_exit
