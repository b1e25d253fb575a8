#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Delayed and quick ACKs of an ltcp receiver, on the wire. A kernel TCP
# client sends one byte every 100 ms; the ACK delays of the ltcp server
# (time from each data segment to the ACK that covers it) are read from a
# capture:
# - with a server that does not read yet: a new connection acknowledges
#   its first segments at once (quick ACKs, so that a sender's slow start
#   is not held back); after that a lone segment waits for the delayed-ACK
#   timer, at least 25 ms (Linux's 40 ms) and never more than 250 ms
#   (RFC 1122 4.2.3.2: under 500 ms; Linux: 200 ms);
# - a server that reads each byte sends the held ACK as it reads (as
#   Linux does); TCP_QUICKACK 0 holds the next ACK for a reply (so the
#   first one waits for the timer), and as on Linux the mode ends when
#   no reply came before the timer;
# - request/response (ltcp at both ends): once the exchange is seen to
#   be interactive, each ACK rides on the reply: about 2 packets per
#   transaction, not 4;
# - connect, request/response, close (ltcp at both ends): the server's FIN
#   carries the ACK of the client's FIN, 10 packets per connection;
# - 1-byte requests over loopback (64 KiB MSS) do not shrink the window
#   the server advertises by a 64 KiB buffer each;
# - the every-second-segment rule: a bulk transfer that the application
#   reads as it comes (a 20 Mbit/s link) is ACKed at least once per two
#   full segments (RFC 5681 4.2). When the reader lags, the ACK follows
#   its read only with a buffer set by SO_RCVBUF, as on Linux; autotuned,
#   every second segment is acknowledged at once (peer_rcvwin's ackread
#   tests).
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

cap=
cleanup() {
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	ip netns del ltcp-da-a 2>/dev/null
	ip netns del ltcp-da-b 2>/dev/null
}
trap cleanup EXIT
ltcp_veth_pair ltcp-da-a ltcp-da-b || exit $KSFT_FAIL
A="ip netns exec ltcp-da-a"
B="ip netns exec ltcp-da-b"

capture() {
	$B tcpdump -i veth0 -nn -tt --immediate-mode -U -w /tmp/da.pcap \
		2>/dev/null &
	cap=$!
	sleep 1
}
stop_capture() {
	sleep 0.3
	kill $cap
	wait $cap 2>/dev/null
	cap=
}
# ack_delays PORT: for each data segment from the client, the ms until the
# server's next pure ACK, one per line
ack_delays() {
	tcpdump -r /tmp/da.pcap -nn -tt 2>/dev/null | awk -v port="$1" '
		$3 ~ "^198\\.18\\.0\\.1\\." && $5 == "198.18.0.2." port ":" &&
		/ length [1-9]/ { t = $1; pending = 1; next }
		$3 == "198.18.0.2." port && / length 0/ && pending {
			printf "%d\n", ($1 - t) * 1000; pending = 0 }'
}

# trickle PORT [SERVER OPTIONS]: 30 one-byte writes, 100 ms apart
trickle() {
	local port=$1

	shift
	sleep 7 | $B ./ltcp_xfer -l "$port" -P 253 "$@" >/dev/null 2>&1 &
	srv=$!
	ltcp_wait_port ltcp-da-b "$port" || ltcp_fail "server did not start"
	capture
	for i in $(seq 30); do printf x; sleep 0.1; done |
		$A ./ltcp_xfer -c 198.18.0.2 "$port" >/dev/null 2>&1
	wait $srv
	stop_capture
}

trickle 7600 -w 6
mapfile -t d < <(ack_delays 7600)
echo "ACK delays (ms): ${d[*]}"
ltcp_check "the segments were acknowledged one by one (${#d[@]} ACKs)" \
	test "${#d[@]}" -ge 25
quick=0
for x in "${d[@]:0:8}"; do [ "$x" -le 15 ] && quick=$((quick + 1)); done
ltcp_check "the first 8 ACKs go at once ($quick of 8 within 15 ms)" \
	test "$quick" -eq 8
late_ok=0
late_long=0
for x in "${d[@]:20}"; do
	[ "$x" -ge 25 ] && [ "$x" -le 250 ] && late_ok=$((late_ok + 1))
	[ "$x" -gt 250 ] && late_long=$((late_long + 1))
done
ltcp_check "later lone segments wait 25..250 ms ($late_ok of $((${#d[@]} - 20)))" \
	test "$late_ok" -ge 6
ltcp_check "... none longer ($late_long over 250 ms)" test "$late_long" -eq 0

trickle 7601 -q 0
mapfile -t d < <(ack_delays 7601)
echo "ACK delays with TCP_QUICKACK 0 (ms): ${d[*]}"
# (The first byte may arrive before the server has set the option.)
first2=$(( ${d[0]:-0} > ${d[1]:-0} ? ${d[0]:-0} : ${d[1]:-0} ))
ltcp_check "TCP_QUICKACK 0: the next ACK waits for the timer (${d[0]}, ${d[1]} ms)" \
	test "$first2" -ge 25 -a "$first2" -le 250

trickle 7603
mapfile -t d < <(ack_delays 7603)
echo "ACK delays, reading server (ms): ${d[*]}"
fast=0
for x in "${d[@]}"; do [ "$x" -le 15 ] && fast=$((fast + 1)); done
ltcp_check "a reading server ACKs as it reads ($fast of ${#d[@]} within 15 ms)" \
	test "$fast" -ge $((${#d[@]} - 3)) -a "$fast" -ge 25
ltcp_check "... the first one too, unlike with TCP_QUICKACK 0 (${d[0]} ms)" \
	test "${d[0]:-99}" -le 15

# Request/response over ltcp: packets per transaction.
$B ./ltcp_rr -l 7604 -P 253 >/dev/null 2>&1 &
srv=$!
ltcp_wait_port ltcp-da-b 7604 || ltcp_fail "server did not start"
capture
out=$($A ./ltcp_rr -c 198.18.0.2 7604 -P 253 -t 2)
wait $srv
stop_capture
trans=$(sed -n 's/.*transactions \([0-9]*\).*/\1/p' <<<"$out")
pkts=$(tcpdump -r /tmp/da.pcap -nn 'tcp port 7604' 2>/dev/null | wc -l)
echo "rr: $out; $pkts packets"
ltcp_check "request/response: ACKs ride on replies ($pkts packets for ${trans:-0} transactions)" \
	test "${trans:-0}" -gt 100 -a "$pkts" -le $((trans * 5 / 2 + 40))

# Connect, request/response, close over ltcp: the server's FIN carries the
# ACK of the client's FIN, as on Linux (10 packets per connection, not 11).
$B ./ltcp_crr -l 7605 -P 253 >/dev/null 2>&1 &
srv=$!
ltcp_wait_port ltcp-da-b 7605 || ltcp_fail "server did not start"
capture
out=$($A ./ltcp_crr -c 198.18.0.2 7605 -P 253 -t 2)
stop_capture
kill $srv
wait $srv 2>/dev/null
conns=$(sed -n 's/.*connections \([0-9]*\).*/\1/p' <<<"$out")
pkts=$(tcpdump -r /tmp/da.pcap -nn 'tcp port 7605' 2>/dev/null | wc -l)
echo "crr: $out; $pkts packets"
ltcp_check "connect/request/close: ACK of the FIN on our FIN ($pkts packets for ${conns:-0} connections)" \
	test "${conns:-0}" -gt 20 -a "$pkts" -le $((conns * 10 + 10))

# A 1-byte request over loopback (64 KiB MSS) must not take a 64 KiB
# buffer: the window the server advertises shrinks by little while the
# byte waits to be read.
$A ./ltcp_rr -l 7606 -P 253 >/dev/null 2>&1 &
srv=$!
ltcp_wait_port ltcp-da-a 7606 || ltcp_fail "server did not start"
$A tcpdump -i lo -nn -tt --immediate-mode -U -w /tmp/da.pcap 2>/dev/null &
cap=$!
sleep 1
$A ./ltcp_rr -c 127.0.0.1 7606 -P 253 -t 1 >/dev/null
wait $srv
stop_capture
shrink=$(tcpdump -r /tmp/da.pcap -nn 'tcp src port 7606' 2>/dev/null | awk '
	/Flags \[S\.\]/ { if (match($0, /wscale [0-9]+/))
			ws = substr($0, RSTART + 7, RLENGTH - 7); next }
	match($0, /win [0-9]+/) { w = substr($0, RSTART + 4, RLENGTH - 4) + 0
		if (w > max) max = w; if (!min || w < min) min = w }
	END { d = max - min; for (i = 0; i < ws; i++) d *= 2; print d }')
ltcp_check "loopback 1-byte requests: the window shrinks by ${shrink:-?} bytes (< 16 KiB)" \
	test -n "$shrink" -a "${shrink:-99999999}" -lt 16384

# Bulk: at least one ACK per two full-sized segments (the kernel's sender
# without segmentation offload, so the capture sees each segment), on a
# link slow enough for the reader to keep up.
$A ethtool -K veth0 tso off gso off >/dev/null 2>&1
$A tc qdisc replace dev veth0 root netem rate 20mbit delay 5ms limit 1000
# and a receiver without GRO: ltcp ACKs what arrives, two GRO-merged
# segments count as one arrival (as on Linux).
$B ethtool -K veth0 gro off >/dev/null 2>&1
dd if=/dev/urandom of=/tmp/da.in bs=1M count=4 2>/dev/null
$B ./ltcp_xfer -l 7602 -P 253 </dev/null >/dev/null 2>&1 &
srv=$!
ltcp_wait_port ltcp-da-b 7602 || ltcp_fail "server did not start"
capture
$A ./ltcp_xfer -c 198.18.0.2 7602 </tmp/da.in >/dev/null 2>&1
wait $srv
stop_capture
# Bytes each ACK newly acknowledges: half or more of them cover at most
# two full segments (capture drops or an occasional merged arrival aside),
# and there are at least a third as many ACKs as segments.
tcpdump -r /tmp/da.pcap -nn -S 'src host 198.18.0.2 and less 100' 2>/dev/null |
	sed -n 's/.* ack \([0-9]*\),.*/\1/p' |
	awk 'p && $1 > p { print $1 - p } { p = $1 }' | sort -n >/tmp/da.steps
n=$(wc -l </tmp/da.steps)
median=$(sed -n "$(( (n + 1) / 2 ))p" /tmp/da.steps)
ltcp_check "bulk: $n ACKs, median step ${median:-none} bytes <= 2 segments" \
	test "$n" -gt $((4 * 1048576 / 1448 / 3)) -a "${median:-99999}" -le 2896
ltcp_exit
