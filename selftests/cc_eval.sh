#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make cc-eval's guest side, in small: one 3 s run of cubic and ltcp_cubic
# through scenario 1's bottleneck on the kernel's TCP. Fails when a run
# fails, when a file the host's report reads is missing, or when the
# bottleneck does not hold the rate (above 55 Mbit/s: the shaper is not
# in the path) or passes next to nothing (below 5 Mbit/s). About 20 s.
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
ltcp_exit
