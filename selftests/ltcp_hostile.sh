#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile input: while a transfer runs both ways between ltcp and a peer
# (the kernel's TCP, or ltcp) over veth, ltcp_inject sends malformed
# segments from the peer's namespace at the ltcp end of the live connection
# (bad checksum, doff < 5 or beyond the segment, option lengths 0, 1 and
# overrunning, SYN+FIN, SYN+RST, RSTs in and out of the window, an in-window
# SYN, ACKs of unsent and of too old data, IP lengths that lie), over IPv4
# and IPv6. Those that could change the stream carry garbage at the peer's
# next sequence number. Checks: the transfer completes byte-exact (SHA-256
# at both ends) and is not reset (both ends exit 0), the counters of the
# ltcp namespace moved (TcpInErrs, TcpInCsumErrors, TcpExtTCPSYNChallenge,
# challenge ACKs sent or rate-limited), challenge ACKs appear on the wire
# for the in-window RST and SYN and the bad ACKs and nothing for the RST
# out of the window. And a listener sent SYN+FIN, SYN+RST, bad checksums,
# bad options and odd flags answers none of them but a bare ACK (with a
# RST), and still accepts a connection.
#
# LTCP_HOSTILE_MB sets the size of each direction (default 4 MiB),
# LTCP_HOSTILE_ROUNDS the rounds of every kind (default 20).
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

A=ltcp-ho-a	# ltcp, the target
B=ltcp-ho-b	# the peer and the injector
mb=${LTCP_HOSTILE_MB:-4}
rounds=${LTCP_HOSTILE_ROUNDS:-20}
dir=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$dir"
	ip netns del $A 2>/dev/null
	ip netns del $B 2>/dev/null
}
trap cleanup EXIT

ltcp_veth_pair $A $B || exit $KSFT_FAIL
mac_a=$(ip -n $A -br link show veth0 | awk '{print $3}')
head -c $((mb << 20)) /dev/urandom >"$dir/up"
head -c $((mb << 20)) /dev/urandom >"$dir/down"
up=$(sha256sum <"$dir/up" | cut -d' ' -f1)
down=$(sha256sum <"$dir/down" | cut -d' ' -f1)
half=$(((mb << 20) / 2))
port=7300

# counters NS: the absolute values of the counters checked, NAME VALUE
counters() {
	ip netns exec "$1" nstat -asz TcpInErrs TcpInCsumErrors \
		TcpExtTCPSYNChallenge TcpExtTCPChallengeACK \
		TcpExtTCPACKSkippedChallenge | awk '/^[A-Z]/ {print $1, $2}'
}

# delta NAME: how much NAME moved between $dir/before and $dir/after
delta() {
	local b a
	b=$(awk -v n="$1" '$1 == n {print $2}' "$dir/before")
	a=$(awk -v n="$1" '$1 == n {print $2}' "$dir/after")
	echo $((${a:-0} - ${b:-0}))
}

# feed FILE: FILE's first half, then the rest once $dir/gate exists, so
# that the connection lives until the injector is done
feed() {
	head -c $half "$1"
	while [ ! -e "$dir/gate" ]; do
		sleep 0.1
	done
	tail -c +$((half + 1)) "$1"
}

# hostile NAME ADDR_A ADDR_B LTCP_ROLE(server|client) PEER_PROTO
hostile() {
	local name=$1 addr_a=$2 addr_b=$3 role=$4 pproto=$5
	local fam= srv_ns srv_proto cli_ns cli_proto cli_addr
	local crc src irc got_up got_down d
	case "$addr_a" in *:*) fam=-6 ;; esac
	port=$((port + 1))
	rm -f "$dir/gate"
	if [ "$role" = server ]; then
		srv_ns=$A srv_proto=253 cli_ns=$B cli_proto=$pproto
		cli_addr=$addr_a
	else
		srv_ns=$B srv_proto=$pproto cli_ns=$A cli_proto=253
		cli_addr=$addr_b
	fi
	counters $A >"$dir/before"
	# "up" goes from the peer to the ltcp end, "down" the other way.
	if [ "$role" = server ]; then
		feed "$dir/down" | ip netns exec $srv_ns timeout 120 \
			./ltcp_xfer -l $port -P $srv_proto $fam \
			>"$dir/a.out" 2>"$dir/a.err" &
	else
		feed "$dir/up" | ip netns exec $srv_ns timeout 120 \
			./ltcp_xfer -l $port -P $srv_proto $fam \
			>"$dir/b.out" 2>"$dir/b.err" &
	fi
	local srv=$!
	ltcp_wait_port $srv_ns $port
	if [ "$role" = server ]; then
		feed "$dir/up" | ip netns exec $cli_ns timeout 120 \
			./ltcp_xfer -c "$cli_addr" $port -P $cli_proto \
			>"$dir/b.out" 2>"$dir/b.err" &
	else
		feed "$dir/down" | ip netns exec $cli_ns timeout 120 \
			./ltcp_xfer -c "$cli_addr" $port -P $cli_proto \
			>"$dir/a.out" 2>"$dir/a.err" &
	fi
	local cli=$!
	ip netns exec $B timeout 100 ./ltcp_inject conn veth0 "$addr_b" \
		"$addr_a" "$mac_a" $port "$rounds" 20 >"$dir/inject.out" 2>&1
	irc=$?
	touch "$dir/gate"
	wait $cli
	crc=$?
	wait $srv
	src=$?
	counters $A >"$dir/after"
	sed 's/^/    /' "$dir/inject.out"
	# The ltcp end sends "down" and receives "up" in both roles.
	got_up=$(sha256sum <"$dir/a.out" | cut -d' ' -f1)
	got_down=$(sha256sum <"$dir/b.out" | cut -d' ' -f1)
	if [ $irc -eq 0 ] && [ $crc -eq 0 ] && [ $src -eq 0 ] &&
	   [ "$got_up" = "$up" ] && [ "$got_down" = "$down" ]; then
		ltcp_ok "$name: ${mb} MiB each way under $rounds rounds of injection, SHA-256 match"
	else
		ltcp_fail "$name: injector exit $irc, client exit $crc, server exit $src, peer->ltcp $got_up, ltcp->peer $got_down"
		cat "$dir/a.err" "$dir/b.err"
	fi
	echo "    counters: $(paste -d' ' "$dir/before" "$dir/after" |
		awk '{printf "%s +%d ", $1, $4 - $2}')"
	# Per round: bad checksum and the IP length cutting the payload are
	# checksum errors; those two, doff 4 (the kernel's TCP drops it
	# before any lookup), doff beyond the segment, four bad option
	# lengths, SYN+FIN, SYN+RST and the in-window SYN are TcpInErrs.
	d=$(delta TcpInCsumErrors)
	ltcp_check "$name: TcpInCsumErrors +$d >= $((2 * rounds))" \
		[ "$d" -ge $((2 * rounds)) ]
	d=$(delta TcpInErrs)
	ltcp_check "$name: TcpInErrs +$d >= $((11 * rounds))" \
		[ "$d" -ge $((11 * rounds)) ]
	d=$(delta TcpExtTCPSYNChallenge)
	ltcp_check "$name: TcpExtTCPSYNChallenge +$d >= $rounds" \
		[ "$d" -ge "$rounds" ]
	# The SYN and the ACKs of unsent and of too old data: a challenge ACK
	# each, sent or rate-limited (the in-window RST is in the window only
	# if the peer's segments in flight left room after it).
	d=$(($(delta TcpExtTCPChallengeACK) + $(delta TcpExtTCPACKSkippedChallenge)))
	ltcp_check "$name: challenge ACKs sent or rate-limited +$d >= $((3 * rounds))" \
		[ "$d" -ge $((3 * rounds)) ]
	d=$(grep -v 'out of window' "$dir/inject.out" | grep -c ': challenge ACK$')
	ltcp_check "$name: challenge ACKs on the wire for the in-window RST and SYN and both bad ACKs ($d of 4)" \
		[ "$d" -eq 4 ]
	ltcp_check "$name: nothing on the wire for the RST out of the window" \
		grep -q 'RST out of window: none$' "$dir/inject.out"
}

# listener ADDR_A ADDR_B: odd segments to a listener draw no answer, and
# it still accepts
listener() {
	local addr_a=$1 addr_b=$2 fam= n got d
	case "$addr_a" in *:*) fam=-6 ;; esac
	port=$((port + 1))
	ip netns exec $B tcpdump -i veth0 -nn --immediate-mode -U -s 128 \
		-w "$dir/l.pcap" tcp 2>/dev/null &
	local tcpd=$!
	pids+=($tcpd)
	echo hello >"$dir/hello"
	ip netns exec $A timeout 60 ./ltcp_xfer -l $port -P 253 $fam \
		<"$dir/hello" >"$dir/l.out" 2>"$dir/l.err" &
	local srv=$!
	ltcp_wait_port $A $port
	sleep 1	# tcpdump ready
	counters $A >"$dir/before"
	ip netns exec $B ./ltcp_inject listen veth0 "$addr_b" "$addr_a" \
		"$mac_a" $port | sed 's/^/    /'
	sleep 1
	counters $A >"$dir/after"
	got=$(echo hi | ip netns exec $B timeout 30 ./ltcp_xfer -c "$addr_a" \
		$port 2>/dev/null)
	wait $srv
	n=0
	[ "$got" = hello ] && [ "$(cat "$dir/l.out")" = hi ] && n=1
	ltcp_check "listener $addr_a: still accepts a connection after them" \
		[ $n -eq 1 ]
	sleep 1
	kill $tcpd
	wait $tcpd 2>/dev/null
	tcpdump -r "$dir/l.pcap" -nn "src port $port and dst portrange 20000-20008" \
		2>/dev/null >"$dir/l.txt"
	sed 's/^/    /' "$dir/l.txt"
	n=$(grep -c '\.2000[0-7]: ' "$dir/l.txt")
	ltcp_check "listener $addr_a: no answer on the wire to the odd segments ($n)" \
		[ "$n" -eq 0 ]
	n=$(grep -c '\.20008: Flags \[R\]' "$dir/l.txt")
	ltcp_check "listener $addr_a: a RST to the bare ACK ($n)" [ "$n" -eq 1 ]
	d=$(delta TcpInErrs)
	# SYN+FIN, SYN+RST, bad checksum, doff, two bad option lengths
	ltcp_check "listener $addr_a: TcpInErrs +$d >= 6" [ "$d" -ge 6 ]
}

hostile "ipv4 ltcp server, kernel client" 198.18.0.1 198.18.0.2 server 6
hostile "ipv4 ltcp client, kernel server" 198.18.0.1 198.18.0.2 client 6
hostile "ipv4 ltcp server, ltcp client" 198.18.0.1 198.18.0.2 server 253
hostile "ipv6 ltcp server, kernel client" 2001:db8::1 2001:db8::2 server 6
hostile "ipv6 ltcp client, ltcp server" 2001:db8::1 2001:db8::2 client 253
listener 198.18.0.1 198.18.0.2
listener 2001:db8::1 2001:db8::2
ltcp_exit
