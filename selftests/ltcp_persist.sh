#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Zero-window probing (RFC 9293 3.8.6.1, the persist timer) by an ltcp
# sender, against the kernel's TCP receiver that does not read for 10 s.
# With net.ltcp.retries2=3, unanswered probes would end the connection
# after the fourth; probes the peer answers must keep it up for as long as
# the window stays shut. Seen on the wire: the window closes, probes go
# out at growing intervals (backoff), each is answered; when the receiver
# reads, the transfer completes byte-exact (SHA-256 at both ends).
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

cap=
cleanup() {
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	ip netns del ltcp-pe-a 2>/dev/null
	ip netns del ltcp-pe-b 2>/dev/null
}
trap cleanup EXIT
ltcp_veth_pair ltcp-pe-a ltcp-pe-b || exit $KSFT_FAIL
A="ip netns exec ltcp-pe-a"
B="ip netns exec ltcp-pe-b"
$A sysctl -qw net.ltcp.retries2=3

dd if=/dev/urandom of=/tmp/pe.in bs=1M count=2 2>/dev/null
$B ./ltcp_xfer -l 7700 -w 10 </dev/null >/tmp/pe.out 2>/dev/null &
srv=$!
ltcp_wait_port ltcp-pe-b 7700 || ltcp_fail "server did not start"
$A tcpdump -i veth0 -nn -tt --immediate-mode -U -w /tmp/pe.pcap 2>/dev/null &
cap=$!
sleep 1
$A ./ltcp_xfer -c 198.18.0.2 7700 -P 253 </tmp/pe.in >/dev/null 2>/tmp/pe.err
rc=$?
wait $srv
sleep 0.3
kill $cap
wait $cap 2>/dev/null
cap=

ltcp_check "the transfer survived 10 s of zero window (exit $rc: $(cat /tmp/pe.err))" \
	test $rc -eq 0 -a "$(stat -c %s /tmp/pe.out)" -eq 2097152
ltcp_check "... and arrived intact" \
	test "$(sha256sum </tmp/pe.in)" = "$(sha256sum </tmp/pe.out)"
# ltcp's probes: the longest run of segments without data from A between
# two of its data segments (the pause while the window is shut; A sends
# no other bare segments then, B having nothing to send).
tcpdump -r /tmp/pe.pcap -nn -tt 'src host 198.18.0.1 and tcp[tcpflags] & tcp-syn == 0' \
	2>/dev/null | awk '
	/ length 0$/ { run[++n] = $1; next }
	{ if (n > best) { best = n; for (i = 1; i <= n; i++) keep[i] = run[i] }
	  n = 0 }
	END { for (i = 1; i <= best; i++) print keep[i] }' >/tmp/pe.probes
n=$(wc -l </tmp/pe.probes)
ltcp_check "probes sent while the window was shut ($n; more than retries2=3)" \
	test "$n" -ge 5
gaps=$(awk 'NR > 1 { printf "%d ", ($1 - p) * 1000 } { p = $1 }' /tmp/pe.probes)
echo "probe gaps (ms): $gaps"
grew=$(echo "$gaps" | awk '{ for (i = 2; i <= NF; i++) if ($i > $(i - 1)) g++; print g + 0 }')
ltcp_check "... at growing intervals (backoff; $grew increases)" test "$grew" -ge 2
# Each probe answered: an ACK from B within 50 ms of it.
answered=$(tcpdump -r /tmp/pe.pcap -nn -tt 'src host 198.18.0.2' 2>/dev/null |
	awk 'NR == FNR { p[NR] = $1; np = NR; next }
	     { for (i = 1; i <= np; i++) if ($1 >= p[i] && $1 - p[i] < 0.05) a[i] = 1 }
	     END { for (i in a) c++; print c + 0 }' /tmp/pe.probes -)
# (The last one may meet the window opening instead.)
ltcp_check "... answered by the peer ($answered of $n)" \
	test "$answered" -ge $((n - 1)) -a "$answered" -ge 4
ltcp_exit
