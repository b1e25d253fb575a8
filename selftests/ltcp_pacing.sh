#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pacing on ltcp. A socket with SO_MAX_PACING_RATE (iperf3 --fq-rate) must
# not send faster than that rate: paced by ltcp itself when no fq qdisc is
# there (an hrtimer per departure), and by fq from the departure time each
# segment carries when there is one. The same transfer without the cap runs
# several times faster, so the cap is what limits it. The peer is the
# kernel's TCP; the rate is what iperf3's receiver measured.
. "$(dirname "$0")/ltcp_lib.sh"
ltcp_require_module ltcp

server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	ip netns del ltcp-pc-a 2>/dev/null
	ip netns del ltcp-pc-b 2>/dev/null
}
trap cleanup EXIT
ltcp_veth_pair ltcp-pc-a ltcp-pc-b || exit $KSFT_FAIL
A="ip netns exec ltcp-pc-a"
B="ip netns exec ltcp-pc-b"

$B iperf3 -s -p 5201 >/dev/null 2>&1 &
server=$!
ltcp_wait_port ltcp-pc-b 5201 || ltcp_fail "iperf3 server did not start"

# rx_mbps ARGS...: ltcp client for 3 s; the receiver's rate, Mbit/s
rx_mbps() {
	$A ltcpize run iperf3 -c 198.18.0.2 -p 5201 -t 3 -J "$@" >/tmp/pc.json ||
		{ echo 0; return; }
	grep -A8 '"sum_received"' /tmp/pc.json |
		sed -n 's/.*"bits_per_second":[[:space:]]*\([0-9.]*\).*/\1/p' |
		head -n 1 | awk '{ printf "%d\n", $1 / 1000000 }'
}

# pacing_case QDISC CC: 8 Mbit/s cap (--fq-rate takes bits/s). The send
# buffer is set (-w) so that the application keeps the queue full: ltcp's
# one-segment skbs make the default buffer, sized from a congestion window
# that does not grow while pacing is the limit, hold only ~16 KB of data,
# and under emulation iperf3 then cannot always refill it in time.
# Documentation/design.rst ("Not done yet") has it.
pacing_case() {
	local qdisc=$1 cc=$2 capped free

	if [ "$qdisc" = fq ]; then
		$A tc qdisc replace dev veth0 root fq || return
	else
		$A tc qdisc del dev veth0 root 2>/dev/null
	fi
	free=$(rx_mbps -C "$cc")
	capped=$(rx_mbps -C "$cc" --fq-rate 8M -w 200K)
	ltcp_check "$cc, $qdisc: capped at 8 Mbit/s: ${capped} Mbit/s <= 8" \
		test "$capped" -le 8
	ltcp_check "... and it keeps the pace: ${capped} Mbit/s >= 6" \
		test "$capped" -ge 6
	ltcp_check "... uncapped it runs faster: ${free} Mbit/s >= 20" \
		test "$free" -ge 20
}

pacing_case none reno
pacing_case none cubic
pacing_case fq cubic
modprobe tcp_bbr 2>/dev/null
pacing_case none bbr
pacing_case fq bbr
ltcp_exit
