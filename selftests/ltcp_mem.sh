#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Memory accounting: ltcp's buffers come from the kernel's TCP memory pool,
# so net.ipv4.tcp_mem bounds what receivers that do not read can make the
# kernel hold. Twelve connections over veth into ltcp receivers that wait
# 20 s before reading (each could buffer megabytes: net.ltcp.rmem[2]), six
# from kernel TCP senders and six from ltcp senders (send buffers of at
# most 128 KiB, so that the receivers' share of the pool is what counts),
# with tcp_mem's hard limit at 8 MiB. While they stall, the bytes the six kernel senders
# got acknowledged (ss: bytes_acked, the kernel's count, not ltcp's) must
# stay near that limit; without accounting each receiver takes a full
# window. Then every transfer completes byte-exact (SHA-256) and the pool
# drains: an ltcp charge without its uncharge would leave it held.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

N=12
PORT=7800
HARD=2048			# pages: tcp_mem[2], 8 MiB
old_mem=$(sysctl -n net.ipv4.tcp_mem)
cleanup() {
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	ip netns del ltcp-mem-a 2>/dev/null
	ip netns del ltcp-mem-b 2>/dev/null
	sysctl -qw net.ipv4.tcp_mem="$old_mem"
}
trap cleanup EXIT

# sockstat's TCP FIELD: "mem" (pages of the pool, kernel TCP and ltcp
# together) or "alloc" (sockets counted in it)
sockstat() {
	awk -v f="$1" '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == f) print $(i + 1) }' \
		/proc/net/sockstat
}

ltcp_veth_pair ltcp-mem-a ltcp-mem-b || exit $KSFT_FAIL
A="ip netns exec ltcp-mem-a"
B="ip netns exec ltcp-mem-b"
$A sysctl -qw net.ipv4.tcp_wmem="4096 16384 131072"
$A sysctl -qw net.ltcp.wmem="4096 16384 131072"
sysctl -qw net.ipv4.tcp_mem="$((HARD / 2)) $((HARD * 3 / 4)) $HARD"

base=$(sockstat mem)
base_alloc=$(sockstat alloc)
dd if=/dev/urandom of=/tmp/mem.in bs=1M count=8 2>/dev/null
want=$(sha256sum </tmp/mem.in | cut -d' ' -f1)
for i in $(seq 0 $((N - 1))); do
	$B ./ltcp_xfer -l $((PORT + i)) -P 253 -w 20 </dev/null \
		>/tmp/mem.out.$i 2>/dev/null &
done
for i in $(seq 0 $((N - 1))); do
	ltcp_wait_port ltcp-mem-b $((PORT + i)) || ltcp_fail "receiver $i did not start"
done
senders=
for i in $(seq 0 $((N - 1))); do
	proto=6
	[ $i -ge $((N / 2)) ] && proto=253
	$A ./ltcp_xfer -c 198.18.0.2 $((PORT + i)) -P $proto </tmp/mem.in \
		>/dev/null 2>/dev/null &
	senders+=" $!"
done

sleep 10
# The kernel senders' connections only (dport filter; CLOSE-WAIT by now,
# the receivers half-closed at once): bytes the ltcp receivers
# acknowledged and hold unread.
acked=$($A ss -Htin \
	"( dport >= :$PORT and dport < :$((PORT + N / 2)) )" |
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^bytes_acked:/) {
		sub(/bytes_acked:/, "", $i); s += $i } } END { print s + 0 }')
peak=$(sockstat mem)
echo "# stalled: kernel senders' bytes acknowledged $acked," \
	"pool $peak pages (limit $HARD, before $base)"
# The limit, plus what each socket may take beyond it (a segment while
# under tcp_rmem[0], forward allocation below a page) and what each CPU
# holds back uncounted (net.core.mem_pcpu_rsv, 1 MiB each): 12 MiB.
# Without accounting the six receivers hold a window each, ~6 x 3 MiB.
ltcp_check "kernel senders made progress ($acked bytes)" [ "$acked" -gt 0 ]
ltcp_check "ltcp receivers held $acked bytes with tcp_mem[2] = $HARD pages" \
	[ "$acked" -le $((12 << 20)) ]

fails=0
for pid in $senders; do
	wait "$pid" || fails=$((fails + 1))
done
wait
ltcp_check "all $N senders finished" [ $fails -eq 0 ]
bad=0
for i in $(seq 0 $((N - 1))); do
	got=$(sha256sum </tmp/mem.out.$i | cut -d' ' -f1)
	[ "$got" = "$want" ] || { bad=$((bad + 1)); echo "# receiver $i: sha256 mismatch"; }
done
ltcp_check "$N transfers of 8 MiB byte-exact under memory pressure" [ $bad -eq 0 ]

# Closed sockets give their memory back and leave the count (TIME-WAIT
# holds neither); the orphans finish their FIN exchange first. Each CPU
# may keep up to net.core.mem_pcpu_rsv pages counted as in use.
slack=$(($(nproc) * $(sysctl -n net.core.mem_pcpu_rsv 2>/dev/null || echo 256)))
for i in $(seq 1 50); do
	left=$(sockstat mem)
	left_alloc=$(sockstat alloc)
	[ "$left" -le $((base + slack)) ] && [ "$left_alloc" -le "$base_alloc" ] && break
	sleep 0.2
done
echo "# after close: pool $left pages, $left_alloc sockets (before $base, $base_alloc)"
ltcp_check "pool drained after close ($left pages)" [ "$left" -le $((base + slack)) ]
ltcp_check "sockets left the count ($left_alloc)" [ "$left_alloc" -le "$base_alloc" ]
rm -f /tmp/mem.in /tmp/mem.out.*
ltcp_exit
