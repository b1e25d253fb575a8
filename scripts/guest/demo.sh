#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the test VM: load ltcp and a congestion control, select
# it with sysctl (net.ltcp for ltcp, net.ipv4 for the kernel's TCP), and run iperf3 between two network namespaces over veth:
# the client is ltcp (iperf3 under ltcpize), the server the kernel's TCP.
. /ltcp/selftests/ltcp_lib.sh
cc=${LTCP_DEMO_CC:-ltcp_cubic}
secs=${LTCP_DEMO_SECONDS:-5}

die() {
	echo "demo: FAIL: $*"
	exit 1
}

modprobe ltcp || die "modprobe ltcp"
echo "demo: $(dmesg | grep -o 'ltcp: version .*' | tail -n 1)"
sysctl -w net.ltcp.congestion_control="$cc" || die "cannot select $cc"
sysctl -w net.ipv4.tcp_congestion_control="$cc" || die "cannot select $cc"
echo "demo: available: $(cat /proc/sys/net/ltcp/available_congestion_control)"
# Namespaces made now inherit the initial namespace's choice.
ltcp_veth_pair demo-a demo-b || die "namespaces"
ip netns exec demo-b iperf3 -s -1 -p 5201 >/dev/null &
ltcp_wait_port demo-b 5201 || die "iperf3 server did not start"
ip netns exec demo-a ltcpize run iperf3 -c 198.18.0.2 -p 5201 -t "$secs" -i 1 &
client=$!
sleep 2
echo "demo: the connections as ss -ti shows them (ltcp's client side):"
ip netns exec demo-a ss -tin dst 198.18.0.2 | sed 's/^/demo:   /'
wait $client || die "iperf3 client failed"
ip netns del demo-a
ip netns del demo-b
sysctl -qw net.ipv4.tcp_congestion_control=cubic
sysctl -qw net.ltcp.congestion_control=cubic
echo "demo: done"
