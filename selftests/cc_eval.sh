#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make cc-eval's guest side, in small: one 3 s run of cubic and ltcp_cubic
# through scenario 1's bottleneck on the kernel's TCP. Fails when a run
# fails, when a file the host's report reads is missing, or when the
# bottleneck does not hold the rate (above 55 Mbit/s: the shaper is not
# in the path) or passes next to nothing (below 5 Mbit/s). Then one run of
# ltcp_cubic on each mixed stack (ltcp-tx: the sender on ltcp, the
# receiver on the kernel's TCP; ltcp-rx the other way round), which must
# put ltcp sockets in the sender's or the receiver's namespace only. About
# 40 s.
. "$(dirname "$0")/ltcp_lib.sh"
ltcp_require_module ltcp
ltcp_require_module ltcp_cubic

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
CCEVAL_OUT=$dir CCEVAL_SCENARIOS=1 CCEVAL_RUNS=1 CCEVAL_SECONDS=3 CCEVAL_PAIRS=cubic \
	CCEVAL_STACKS=kernel bash "$LTCP_TESTS_DIR/../scripts/guest/cc-eval.sh"
ltcp_check "cc-eval.sh ran" test $? -eq 0
ltcp_check "two runs recorded, both ok" \
	test "$(grep -c '	ok$' "$dir/raw/index.tsv" 2>/dev/null)" = 2
for cc in cubic ltcp_cubic; do
	f=$dir/raw/1.kernel.$cc.1
	ltcp_check "$cc: client and server JSON, tc statistics, start times" \
		test -s "$f.c1.json" -a -s "$f.s1.json" -a -s "$f.tc" -a -s "$f.starts"
	ltcp_check "$cc: per-interval cwnd and RTT in the client's JSON" \
		grep -qE '"rtt":[[:space:]]*[1-9]' "$f.c1.json"
	# the receiver's rate, in Mbit/s
	mbit=$(grep -A8 '"sum_received"' "$f.c1.json" 2>/dev/null |
		sed -n 's/.*"bits_per_second":[[:space:]]*\([0-9.e+]*\).*/\1/p' |
		awk 'NR == 1 { printf "%d", $1 / 1e6 }')
	ltcp_check "$cc: the bottleneck holds the rate (${mbit:-no} Mbit/s, 5..55)" \
		test "${mbit:-0}" -ge 5 -a "${mbit:-999}" -le 55
	ltcp_check "$cc: the bottleneck's leaf queue (pfifo) passed packets" \
		grep -qE 'Sent [1-9][0-9]* bytes' "$f.tc"
done

# ltcp_in NS: the ltcp sockets NS holds now (/proc/net/protocols counts
# them per namespace: LTCP, and LTCPv6 for iperf3's dual-stack server),
# empty if NS does not exist yet
ltcp_in() {
	ip netns exec "$1" awk '$1 ~ /^LTCP(v6)?$/ { n += $3 } END { print n + 0 }' \
		/proc/net/protocols 2>/dev/null
}

# mixed STACK: one run on STACK while the LTCP sockets of the sender's
# (cce-s) and receiver's (cce-d) namespaces are sampled; prints the most
# seen in each, "S D" (index.tsv says whether the runs went well)
mixed() {
	local pid s d max_s=0 max_d=0

	CCEVAL_OUT=$dir/$1 CCEVAL_SCENARIOS=1 CCEVAL_RUNS=1 CCEVAL_SECONDS=3 \
		CCEVAL_PAIRS=cubic CCEVAL_STACKS=$1 \
		bash "$LTCP_TESTS_DIR/../scripts/guest/cc-eval.sh" >"$dir/$1.log" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		s=$(ltcp_in cce-s) d=$(ltcp_in cce-d)
		[ "${s:-0}" -gt "$max_s" ] && max_s=$s
		[ "${d:-0}" -gt "$max_d" ] && max_d=$d
		sleep 0.2
	done
	wait "$pid"
	echo "$max_s $max_d"
}
for stack in ltcp-tx ltcp-rx; do
	read -r seen_s seen_d < <(mixed $stack)
	ltcp_check "$stack: two runs recorded, both ok" \
		test "$(grep -c '	ok$' "$dir/$stack/raw/index.tsv" 2>/dev/null)" = 2
	if [ $stack = ltcp-tx ]; then
		ltcp_check "$stack: ltcp sockets on the sender's side only ($seen_s, $seen_d)" \
			test "${seen_s:-0}" -ge 1 -a "${seen_d:-1}" -eq 0
	else
		ltcp_check "$stack: ltcp sockets on the receiver's side only ($seen_s, $seen_d)" \
			test "${seen_s:-1}" -eq 0 -a "${seen_d:-0}" -ge 1
	fi
done
ltcp_exit
