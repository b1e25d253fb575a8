#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU discovery (RFC 1191, RFC 8201) with a sender of each stack: A
# sends to B through a router R whose link towards B has an MTU of 1280,
# while A's and B's own links have 1500, so the handshake agrees on an MSS
# that does not fit the path. R answers the first full-sized segments with
# ICMP "fragmentation needed" (IPv4) or "packet too big" (IPv6); the
# sender must lower its segment size and resend what was lost, also the
# segments already queued at the old size. Checks, for ltcp and for the
# kernel's TCP as the sender (the receiver is the kernel's TCP): the 4 MiB
# arrive SHA-256-exact within 60 s, R sent such ICMP errors, and no packet
# larger than 1280 bytes reached B.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

A=ltcp-pm-a
R=ltcp-pm-r
B=ltcp-pm-b
dir=$(mktemp -d)
cap=
cleanup() {
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
	for ns in $A $R $B; do
		ip netns del $ns 2>/dev/null
	done
}
trap cleanup EXIT

for ns in $A $R $B; do
	ip netns del $ns 2>/dev/null
	ip netns add $ns || exit $KSFT_FAIL
	ip -n $ns link set lo up
done
ip link add veth0 netns $A type veth peer name veth0 netns $R
ip link add veth1 netns $R type veth peer name veth0 netns $B
ip -n $A addr add 198.18.1.1/24 dev veth0
ip -n $R addr add 198.18.1.2/24 dev veth0
ip -n $R addr add 198.18.2.2/24 dev veth1
# One address of B per run: the path MTU a run learns stays with its
# destination.
ip -n $B addr add 198.18.2.1/24 dev veth0
ip -n $B addr add 198.18.2.3/24 dev veth0
ip -n $A addr add 2001:db8:1::1/64 dev veth0 nodad
ip -n $R addr add 2001:db8:1::2/64 dev veth0 nodad
ip -n $R addr add 2001:db8:2::2/64 dev veth1 nodad
ip -n $B addr add 2001:db8:2::1/64 dev veth0 nodad
ip -n $B addr add 2001:db8:2::3/64 dev veth0 nodad
for l in "$A veth0" "$R veth0" "$R veth1" "$B veth0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
# The narrow hop: R's side of the link to B only.
ip -n $R link set veth1 mtu 1280
ip -n $A route add default via 198.18.1.2
ip -n $B route add default via 198.18.2.2
ip -n $A -6 route add default via 2001:db8:1::2
ip -n $B -6 route add default via 2001:db8:2::2
ip netns exec $R sysctl -qw net.ipv4.ip_forward=1
ip netns exec $R sysctl -qw net.ipv6.conf.all.forwarding=1
# Every segment on the wire as the sender built it (no GSO to split it).
ip netns exec $A ethtool -K veth0 tso off gso off >/dev/null 2>&1
head -c $((4 << 20)) /dev/urandom >"$dir/data"
want=$(sha256sum <"$dir/data" | cut -d' ' -f1)

port=7700
# pmtu NAME PROTO ADDR: A sends 4 MiB to ADDR (B), the sender on PROTO
pmtu() {
	local name=$1 proto=$2 addr=$3 fam= got rc n big
	case "$addr" in *:*) fam=-6 ;; esac
	port=$((port + 1))
	ip netns exec $B timeout 70 ./ltcp_xfer -l $port -P 6 $fam \
		</dev/null >"$dir/out" 2>"$dir/srv.err" &
	local srv=$!
	ltcp_wait_port $B $port || ltcp_fail "$name: server did not start"
	ip netns exec $R tcpdump -i veth0 -nn --immediate-mode -U \
		-w "$dir/r.pcap" 'icmp or icmp6' 2>/dev/null &
	cap=$!
	ip netns exec $B tcpdump -i veth0 -nn --immediate-mode -U -s 64 \
		-w "$dir/b.pcap" "tcp port $port" 2>/dev/null &
	local capb=$!
	sleep 1
	ip netns exec $A timeout 60 ./ltcp_xfer -c "$addr" $port -P "$proto" \
		<"$dir/data" >/dev/null 2>"$dir/cli.err"
	rc=$?
	wait $srv
	sleep 0.3
	kill $cap $capb 2>/dev/null
	wait $cap $capb 2>/dev/null
	cap=
	got=$(sha256sum <"$dir/out" | cut -d' ' -f1)
	ltcp_check "$name: 4 MiB through a 1280-byte hop, SHA-256 match (client exit $rc)" \
		test "$rc" -eq 0 -a "$got" = "$want"
	n=$(tcpdump -r "$dir/r.pcap" -nn 2>/dev/null |
		grep -ciE 'need to frag|packet too big')
	ltcp_check "$name: the router sent ICMP errors for the path MTU ($n)" \
		test "$n" -ge 1
	# The largest IP packet B received (IPv4 total length or IPv6
	# payload length plus its 40-byte header).
	if [ -n "$fam" ]; then
		big=$(tcpdump -r "$dir/b.pcap" -nn -v 2>/dev/null |
			sed -n 's/.*payload length: \([0-9]*\).*/\1/p' |
			sort -n | tail -n 1)
		big=$((${big:-0} + 40))
	else
		big=$(tcpdump -r "$dir/b.pcap" -nn -v 2>/dev/null |
			sed -n 's/.*, length \([0-9]*\)).*/\1/p' |
			sort -n | tail -n 1)
	fi
	ltcp_check "$name: nothing larger than the path MTU reached B (largest $big)" \
		test "${big:-0}" -le 1280 -a "${big:-0}" -gt 1000
}

pmtu "ipv4, kernel TCP sender" 6 198.18.2.1
pmtu "ipv4, ltcp sender" 253 198.18.2.3
pmtu "ipv6, kernel TCP sender" 6 2001:db8:2::1
pmtu "ipv6, ltcp sender" 253 2001:db8:2::3
ltcp_exit
