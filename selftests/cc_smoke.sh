#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The ltcp_ congestion-control modules on the kernel's TCP: each one
# autoloads from the sysctl, is listed as available, carries an iperf3 run
# between two namespaces (checked on the algorithm the kernel reports for
# the live connection and on the bytes moved), cannot be unloaded while a
# socket uses it, and is gone from the list after rmmod.
. "$(dirname "$0")/ltcp_lib.sh"

server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	ip netns del ltcp-cc-a 2>/dev/null
	ip netns del ltcp-cc-b 2>/dev/null
}
trap cleanup EXIT

ccs=$(cd /lib/modules/"$(uname -r)"/extra && ls ltcp_*.ko 2>/dev/null | sed 's/\.ko$//' |
	grep -v '^ltcp_test_')
if [ -z "$ccs" ]; then
	echo "SKIP: no ltcp_ congestion-control module built"
	exit $KSFT_SKIP
fi

ltcp_veth_pair ltcp-cc-a ltcp-cc-b || exit $KSFT_FAIL
A="ip netns exec ltcp-cc-a"
B="ip netns exec ltcp-cc-b"
# DCTCP needs ECN negotiated; the others do not mind it.
$A sysctl -qw net.ipv4.tcp_ecn=1
$B sysctl -qw net.ipv4.tcp_ecn=1
$B iperf3 -s -p 5201 >/dev/null 2>&1 &
server=$!
ltcp_wait_port ltcp-cc-b 5201 || ltcp_fail "iperf3 server did not start"

allowed=$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)
default=$(cat /proc/sys/net/ipv4/tcp_congestion_control)
for cc in $ccs; do
	rmmod "$cc" 2>/dev/null
	# The user's path: the sysctl of the initial namespace autoloads the
	# module through its tcp_<name> alias.
	ltcp_check "$cc: sysctl selects it (autoload)" \
		sysctl -qw net.ipv4.tcp_congestion_control="$cc"
	ltcp_check "$cc: module loaded" ltcp_module_loaded "$cc"
	ltcp_check "$cc: listed as available" \
		grep -qw "$cc" /proc/sys/net/ipv4/tcp_available_congestion_control
	# Other namespaces may pick what the initial one allows.
	sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed $cc"
	ltcp_check "$cc: selected in a namespace" \
		$A sysctl -qw net.ipv4.tcp_congestion_control="$cc"

	$A iperf3 -c 198.18.0.2 -p 5201 -t 3 -J >/tmp/cc.json 2>&1 &
	client=$!
	sleep 1.5
	# The live connection's algorithm, as the kernel reports it.
	ltcp_check "$cc: the connection runs it" \
		bash -c "$A ss -tin dst 198.18.0.2 | grep -qw $cc"
	ltcp_check_not "$cc: rmmod refused while in use" rmmod "$cc" 2>/dev/null
	wait $client
	rc=$?
	bytes=$(grep -A4 '"sum_received"' /tmp/cc.json | sed -n 's/.*"bytes":[[:space:]]*\([0-9]*\).*/\1/p' | head -n 1)
	ltcp_check "$cc: iperf3 ran (exit $rc)" test $rc -eq 0
	ltcp_check "$cc: data moved (${bytes:-0} bytes)" test "${bytes:-0}" -gt 1000000

	# Per socket, TCP_CONGESTION: iperf3 -C.
	$A sysctl -qw net.ipv4.tcp_congestion_control=reno
	ltcp_check "$cc: TCP_CONGESTION selects it" \
		$A iperf3 -c 198.18.0.2 -p 5201 -n 1M -C "$cc"

	sysctl -qw net.ipv4.tcp_congestion_control="$default"
	sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed"
	# Closing connections release the module as they finish.
	ltcp_check "$cc: rmmod once unused" ltcp_rmmod_wait "$cc"
	ltcp_check_not "$cc: gone from the available list" \
		grep -qw "$cc" /proc/sys/net/ipv4/tcp_available_congestion_control
done
ltcp_exit
