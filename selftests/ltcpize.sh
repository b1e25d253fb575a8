#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ltcpize turns an unmodified program's TCP sockets, and only those, into
# ltcp sockets: checked on the protocol the kernel reports for each socket
# (SO_PROTOCOL), and on iperf3 moving data between ltcp and the kernel's
# TCP.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
}
trap cleanup EXIT

./ltcpize_probe >/tmp/ltcpize.plain
ltcpize run ./ltcpize_probe >/tmp/ltcpize.wrapped

# expect NAME PROTOCOL FILE
expect() {
	local got
	got=$(awk -v n="$1" '$1 == n { print $2 }' "$3")
	if [ "$got" = "$2" ]; then
		ltcp_ok "$1 is $2 in $(basename "$3")"
	else
		ltcp_fail "$1 is '$got', expected $2 in $(basename "$3")"
	fi
}

for s in inet_stream_0 inet_stream_tcp inet_stream_cloexec inet_stream_nonblock \
	inet6_stream_0 inet6_stream_tcp; do
	expect $s 6 /tmp/ltcpize.plain
	expect $s 253 /tmp/ltcpize.wrapped
done
# Everything else is left alone.
for s in inet_stream_mptcp inet_dgram_0 inet6_dgram_udp unix_stream_0; do
	expect $s "$(awk -v n=$s '$1 == n { print $2 }' /tmp/ltcpize.plain)" \
		/tmp/ltcpize.wrapped
done
expect inet_dgram_0 17 /tmp/ltcpize.wrapped

ltcp_check_not "ltcpize without a command is a usage error" ltcpize run 2>/dev/null
LTCPIZE_LIB=/nonexistent ltcpize run true 2>/dev/null
ltcp_check "ltcpize reports a missing library" test $? -eq 1

# iperf3 on ltcp against the kernel's TCP, both ways: an ltcpize'd client
# against a plain server, and a plain client receiving from an ltcpize'd
# server (-R; it listens on IPv6, dual stack, so the IPv4 client reaches a
# v4-mapped ltcp socket). The ltcp sender's TCP_INFO must give iperf3 a
# congestion window.
# bytes_of FILE: bytes the receiver counted, from iperf3's JSON
bytes_of() {
	grep -A4 '"sum_received"' "$1" | sed -n 's/.*"bytes":[[:space:]]*\([0-9]*\).*/\1/p' |
		head -n 1
}
iperf3 -s -1 -p 5301 >/dev/null 2>&1 &
server=$!
sleep 1
ltcpize run iperf3 -c 127.0.0.1 -p 5301 -t 2 -J >/tmp/ltcpize.c.json
ltcp_check "ltcpize'd iperf3 client against a kernel server" test $? -eq 0
ltcp_check "... moved data ($(bytes_of /tmp/ltcpize.c.json) bytes)" \
	test "$(bytes_of /tmp/ltcpize.c.json)" -gt 1000000
ltcp_check "... with a congestion window from ltcp's TCP_INFO" \
	grep -qE '"snd_cwnd":[[:space:]]*[1-9]' /tmp/ltcpize.c.json
wait $server
ltcpize run iperf3 -s -1 -p 5302 >/dev/null 2>&1 &
server=$!
sleep 1
iperf3 -c 127.0.0.1 -p 5302 -t 2 -R -J >/tmp/ltcpize.s.json
ltcp_check "plain client receiving from an ltcpize'd iperf3 server" test $? -eq 0
ltcp_check "... moved data ($(bytes_of /tmp/ltcpize.s.json) bytes)" \
	test "$(bytes_of /tmp/ltcpize.s.json)" -gt 1000000
wait $server
server=
ltcp_exit
