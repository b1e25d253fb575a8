#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh: run ltcp's selftests in the order of tests.list, in the test
# VM, with kselftest's TAP output and exit codes (0 pass, 1 fail, 4 skip).
# Each test has the time limit of ./settings (timeout=SEC) and its output is
# indented as kselftest does. Ends with "N passed, N failed, N skipped".
#
# usage: run_tests.sh [TEST...]   (default: every test in tests.list)
# KSFT_TIMEOUT=SEC overrides the time limit of ./settings.
dir=$(cd "$(dirname "$0")" && pwd)
cd "$dir" || exit 1
limit=$(sed -n 's/^timeout=//p' settings 2>/dev/null)
limit=${KSFT_TIMEOUT:-${limit:-300}}

if [ $# -gt 0 ]; then
	tests=("$@")
else
	mapfile -t tests <tests.list
fi

pass=0
fail=0
skip=0
n=0
echo "TAP version 13"
echo "1..${#tests[@]}"
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# selftests: ltcp: $t"
	start=$(date +%s)
	timeout --kill-after=10 "$limit" "./$t" 2>&1 |
		while IFS= read -r line; do printf '# %s\n' "$line"; done
	rc=${PIPESTATUS[0]}
	took=$(($(date +%s) - start))
	case $rc in
	0)
		pass=$((pass + 1))
		echo "ok $n selftests: ltcp: $t # ${took}s"
		;;
	4)
		skip=$((skip + 1))
		echo "ok $n selftests: ltcp: $t # SKIP"
		;;
	124 | 137)
		fail=$((fail + 1))
		echo "not ok $n selftests: ltcp: $t # TIMEOUT ${limit}s"
		;;
	*)
		fail=$((fail + 1))
		echo "not ok $n selftests: ltcp: $t # exit=$rc"
		;;
	esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
