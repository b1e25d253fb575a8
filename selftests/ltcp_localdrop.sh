#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A segment dropped by the sender's own qdisc layer is sent again. A tc
# filter with a drop action on A's egress makes the device queue return
# NET_XMIT_DROP to IP's caller: the segment never left, and with nothing
# else in flight no retransmission timer runs for it. The sender must try
# again on a timer of its own (Linux arms its zero-window probe timer for
# it). Checks, for ltcp and for the kernel's TCP as the sender (the
# receiver is the kernel's TCP), over IPv4 and IPv6: with the filter on,
# a 1000-byte write on an idle connection is dropped (the filter counts
# it), and once the filter is gone the bytes arrive, SHA-256-exact,
# within 5 s.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

dir=$(mktemp -d)
recv=
cleanup() {
	rm -f "$dir/go"
	[ -n "$recv" ] && kill "$recv" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
	ip netns del ltcp-ld-a 2>/dev/null
	ip netns del ltcp-ld-b 2>/dev/null
}
trap cleanup EXIT
ltcp_veth_pair ltcp-ld-a ltcp-ld-b || exit $KSFT_FAIL
A="ip netns exec ltcp-ld-a"
B="ip netns exec ltcp-ld-b"
# The qdisc stays; only the filter comes and goes.
tc -n ltcp-ld-a qdisc add dev veth0 clsact
head -c 1000 /dev/urandom >"$dir/data"
want=$(sha256sum <"$dir/data" | cut -d' ' -f1)

# run PROTO FAMILY PORT: prints "dropped_packets bytes_received sha256"
run() {
	local proto=$1 fam=$2 port=$3 addr=198.18.0.2 six= match=ip i n t0 t1

	if [ "$fam" = 6 ]; then
		addr=2001:db8::2
		six=-6
		match=ipv6
	fi
	: >"$dir/out"
	$B ./ltcp_xfer -l "$port" -P 6 $six >"$dir/out" 2>/dev/null &
	recv=$!
	ltcp_wait_port ltcp-ld-b "$port"
	rm -f "$dir/go"
	# The data waits for the filter; the connection stays open after
	# it (no FIN) until the end.
	(while [ ! -e "$dir/go" ]; do sleep 0.05; done
	 cat "$dir/data"
	 while [ -e "$dir/go" ]; do sleep 0.05; done) |
		$A ./ltcp_xfer -c "$addr" "$port" -P "$proto" >/dev/null 2>&1 &
	sleep 1
	tc -n ltcp-ld-a filter add dev veth0 egress pref 1 protocol "$match" \
		matchall action drop
	touch "$dir/go"
	sleep 0.5
	n=$(tc -s -n ltcp-ld-a filter show dev veth0 egress |
		sed -n 's/.*Sent [0-9]* bytes \([0-9]*\) pkt.*/\1/p' | head -n 1)
	tc -n ltcp-ld-a filter del dev veth0 egress pref 1
	t0=$(ltcp_now_ms)
	for i in $(seq 1 50); do
		[ "$(stat -c %s "$dir/out")" -ge 1000 ] && break
		sleep 0.1
	done
	t1=$(ltcp_now_ms)
	# What arrived while the connection was still open: the FIN that
	# ends it below would carry unsent data along.
	cp "$dir/out" "$dir/got"
	rm -f "$dir/go"
	wait
	recv=
	echo "${n:-0} $(stat -c %s "$dir/got") $(sha256sum <"$dir/got" | cut -d' ' -f1) $((t1 - t0))"
}

port=7600
for fam in 4 6; do
	for proto in 6 253; do
		name=$([ $proto = 6 ] && echo "kernel TCP" || echo ltcp)
		read -r drops got sum ms <<<"$(run $proto $fam $port)"
		port=$((port + 1))
		echo "# IPv$fam $name: the filter dropped $drops packets, $got bytes arrived (${ms} ms after the filter went)"
		ltcp_check "IPv$fam $name: the filter dropped the write ($drops packets)" \
			test "$drops" -ge 1
		ltcp_check "IPv$fam $name: the 1000 bytes arrive after the filter is gone ($got bytes, SHA-256 $([ "$sum" = "$want" ] && echo equal || echo differs))" \
			test "$got" = 1000 -a "$sum" = "$want"
	done
done
ltcp_exit
