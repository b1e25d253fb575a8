#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Simultaneous open and close (RFC 9293 3.5, figures 8 and 13): two sockets
# bound to known ports connect to each other at the same moment over a veth
# link with 300 ms each way, so both SYNs cross (the two programs start
# within that time even on a loaded emulated machine, where 50 ms was not
# always enough: a SYN then met a closed port and a RST); the connection that forms
# carries data both ways byte-exact and both ends close at once. For an
# ltcp socket against ltcp and against the kernel's TCP; the capture must
# show both SYNs sent before any SYN-ACK.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

cleanup() {
	ip netns del ltcp-so-a 2>/dev/null
	ip netns del ltcp-so-b 2>/dev/null
}
trap cleanup EXIT
ltcp_veth_pair ltcp-so-a ltcp-so-b || exit $KSFT_FAIL
A="ip netns exec ltcp-so-a"
B="ip netns exec ltcp-so-b"
$A tc qdisc replace dev veth0 root netem delay 300ms
$B tc qdisc replace dev veth0 root netem delay 300ms
head -c 200000 /dev/urandom >/tmp/so.a
head -c 300000 /dev/urandom >/tmp/so.b

port=7500
for peer in 253 6; do
	port=$((port + 2))
	$A tcpdump -i veth0 -nn --immediate-mode -U -w /tmp/so.pcap 2>/dev/null &
	cap=$!
	sleep 1
	$A timeout 30 ./ltcp_xfer -c 198.18.0.2 $((port + 1)) -b $port -P 253 \
		</tmp/so.a >/tmp/so.a.got 2>/tmp/so.a.err &
	a=$!
	$B timeout 30 ./ltcp_xfer -c 198.18.0.1 $port -b $((port + 1)) -P $peer \
		</tmp/so.b >/tmp/so.b.got 2>/tmp/so.b.err
	brc=$?
	wait $a
	arc=$?
	sleep 0.5
	kill $cap
	wait $cap 2>/dev/null
	ltcp_check "ltcp <-> $peer: both ends finish (exit $arc and $brc)" \
		test $arc -eq 0 -a $brc -eq 0
	ltcp_check "... A received B's bytes" cmp -s /tmp/so.b /tmp/so.a.got
	ltcp_check "... B received A's bytes" cmp -s /tmp/so.a /tmp/so.b.got
	# The first two handshake segments on the wire are both bare SYNs.
	first=$(tcpdump -r /tmp/so.pcap -nn 'tcp[tcpflags] & tcp-syn != 0' 2>/dev/null |
		head -n 2 | grep -c 'Flags \[S\],')
	ltcp_check "... the SYNs crossed: a simultaneous open ($first bare SYNs first)" \
		test "$first" -eq 2
	cat /tmp/so.a.err /tmp/so.b.err | grep -v '^ltcp_xfer: sent'
	# Let the closing handshakes finish (a 600 ms round trip) before the
	# namespaces go: an orphan whose peer vanished with its namespace
	# would retransmit its FIN for minutes and hold ltcp.ko.
	for _ in $(seq 20); do
		[ -z "$($A ss -tanH state fin-wait-1 state closing state last-ack)$($B ss -tanH state fin-wait-1 state closing state last-ack)" ] &&
			break
		sleep 0.5
	done
done
ltcp_exit
