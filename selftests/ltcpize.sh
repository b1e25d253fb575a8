#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ltcpize turns an unmodified program's TCP sockets, and only those, into
# ltcp sockets: checked on the protocol the kernel reports for each socket
# (SO_PROTOCOL), and on iperf3.
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

# iperf3: its client under ltcpize reaches ltcp's connect(). Until the
# core's handshake lands that is EOPNOTSUPP, where the plain client works.
iperf3 -s -p 5301 >/dev/null 2>&1 &
server=$!
sleep 1
ltcp_check "plain iperf3 client runs" iperf3 -c 127.0.0.1 -p 5301 -n 64K
out=$(ltcpize run iperf3 -c 127.0.0.1 -p 5301 -n 64K 2>&1)
rc=$?
ltcp_check "ltcpize'd iperf3 client fails" test $rc -ne 0
ltcp_check "... with ltcp's connect errno (EOPNOTSUPP)" \
	grep -q "Operation not supported" <<<"$out"
ltcp_exit
