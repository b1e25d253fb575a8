#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Congestion controls on ltcp: an ltcp socket runs its namespace's default
# (net.ltcp.congestion_control) or the one TCP_CONGESTION names, with
# the kernel's rules for names (unknown: an error; modules autoload), and
# holds a module while it uses it. Checked with iperf3 under ltcpize
# against the kernel's TCP: the algorithm iperf3 reads back with
# TCP_CONGESTION, the bytes moved, and rmmod of the module in use.
. "$(dirname "$0")/ltcp_lib.sh"
ltcp_require_module ltcp

server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	ip netns del ltcp-cl-a 2>/dev/null
	ip netns del ltcp-cl-b 2>/dev/null
	sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed"
}
allowed=$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)
trap cleanup EXIT
ltcp_veth_pair ltcp-cl-a ltcp-cl-b || exit $KSFT_FAIL
A="ip netns exec ltcp-cl-a"
B="ip netns exec ltcp-cl-b"

# json_field FILE NAME: a string field of iperf3's JSON
json_field() {
	sed -n "s/.*\"$2\":[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$1" | head -n 1
}
# sender_report CC FILE: a client's -R report (--get-server-output)
# whose sending server ran CC (or its fallback without ECN, CC-reno) and
# showed a congestion window (the server's text: "... Retr  Cwnd")
sender_report() {
	grep -qE 'bits/sec +[0-9]+ +[1-9][0-9.]* [KMG]?Bytes' "$2" &&
		grep -qE "\"sender_tcp_congestion\":[[:space:]]*\"$1(-reno)?\"" "$2"
}
bytes_of() {
	grep -A4 '"sum_received"' "$1" | sed -n 's/.*"bytes":[[:space:]]*\([0-9]*\).*/\1/p' |
		head -n 1
}

$B iperf3 -s -p 5201 >/dev/null 2>&1 &
server=$!
ltcp_wait_port ltcp-cl-b 5201 || ltcp_fail "iperf3 server did not start"

ccs="reno cubic bbr dctcp"
for m in ltcp_cubic ltcp_dctcp ltcp_bbr; do
	[ -e "/lib/modules/$(uname -r)/extra/$m.ko" ] && ccs="$ccs $m"
done
for cc in $ccs; do
	# The namespace default. Only a registered algorithm can be allowed
	# to other namespaces: load it first.
	modprobe "$cc" 2>/dev/null || modprobe "tcp_$cc" 2>/dev/null
	sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed $cc"
	$A sysctl -qw net.ltcp.congestion_control="$cc"
	$A ltcpize run iperf3 -c 198.18.0.2 -p 5201 -t 2 -J >/tmp/cl.json
	ltcp_check "$cc as the namespace default: iperf3 ran" test $? -eq 0
	ltcp_check "... the ltcp socket runs $cc" \
		test "$(json_field /tmp/cl.json sender_tcp_congestion)" = "$cc"
	ltcp_check "... data moved ($(bytes_of /tmp/cl.json) bytes)" \
		test "$(bytes_of /tmp/cl.json)" -gt 1000000
	ltcp_check "... iperf3 shows ltcp's Cwnd" \
		grep -qE '"snd_cwnd":[[:space:]]*[1-9]' /tmp/cl.json
	# An ltcpize'd server with the algorithm from its namespace's sysctl,
	# against a plain client, both directions.
	$B sysctl -qw net.ltcp.congestion_control="$cc"
	$B ltcpize run iperf3 -s -p 5202 >/dev/null 2>&1 &
	lserver=$!
	ltcp_wait_port ltcp-cl-b 5202 ||
		ltcp_fail "ltcpize'd iperf3 server did not start"
	$A iperf3 -c 198.18.0.2 -p 5202 -t 2 -J >/tmp/sv.json
	ltcp_check "... ltcpize'd iperf3 -s receives ($(bytes_of /tmp/sv.json) bytes)" \
		test "$(bytes_of /tmp/sv.json)" -gt 1000000
	$A iperf3 -c 198.18.0.2 -p 5202 -t 2 -R -J --get-server-output \
		>/tmp/sv.json
	ltcp_check "... and sends (-R, $(bytes_of /tmp/sv.json) bytes)" \
		test "$(bytes_of /tmp/sv.json)" -gt 1000000
	# (A plain client does not ask for ECN: DCTCP runs as dctcp-reno,
	# as on Linux.)
	ltcp_check "... with $cc and a Cwnd in the server's report" \
		sender_report "$cc" /tmp/sv.json
	kill "$lserver" 2>/dev/null
	wait "$lserver" 2>/dev/null
	$B sysctl -qw net.ltcp.congestion_control=cubic
	# Per socket, with TCP_CONGESTION, from another default.
	$A sysctl -qw net.ltcp.congestion_control=reno
	# iperf3 sets TCP_CONGESTION once connected: an algorithm that needs
	# ECN then finds none negotiated and falls back (dctcp -> dctcp-reno)
	# on the kernel's TCP; ltcp must do the same.
	$A iperf3 -c 198.18.0.2 -p 5201 -t 1 -C "$cc" -J >/tmp/kl.json
	want=$(json_field /tmp/kl.json sender_tcp_congestion)
	$A ltcpize run iperf3 -c 198.18.0.2 -p 5201 -t 2 -C "$cc" -J >/tmp/cl.json
	ltcp_check "$cc by TCP_CONGESTION: iperf3 ran" test $? -eq 0
	ltcp_check "... the ltcp socket runs $want, as the kernel's TCP does" \
		test -n "$want" -a \
		"$(json_field /tmp/cl.json sender_tcp_congestion)" = "$want"
done

# A module in use by an ltcp socket cannot go; it can once the socket is
# gone.
if [[ " $ccs " == *" ltcp_cubic "* ]]; then
	$A ltcpize run iperf3 -c 198.18.0.2 -p 5201 -t 3 -C ltcp_cubic >/dev/null &
	client=$!
	sleep 1.5
	ltcp_check_not "rmmod ltcp_cubic refused while an ltcp socket runs it" \
		rmmod ltcp_cubic 2>/dev/null
	wait $client
	ltcp_check "rmmod ltcp_cubic once the sockets are gone" \
		ltcp_rmmod_wait ltcp_cubic 70
fi

# An unknown name is refused; the socket keeps its algorithm.
$A ltcpize run iperf3 -c 198.18.0.2 -p 5201 -t 1 -C no_such_cc >/dev/null 2>&1
ltcp_check "an unknown algorithm is refused (iperf3 fails)" test $? -ne 0
$A sysctl -qw net.ltcp.congestion_control=cubic
ltcp_exit
