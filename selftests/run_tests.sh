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

# watchdog TEST PID: timeout(1) ends a test at the limit, but a process
# that ignores SIGTERM outside its reach, or one stuck in the kernel, keeps
# the test's output open and the run waits until the VM's own time limit,
# which says nothing of where it stopped. Past the limit plus the grace,
# print every process still in the test's group or holding its output open
# with its state and kernel stack, and every task in D state anywhere, then
# SIGKILL them.
watchdog() {
	local p f state s holds

	sleep $((limit + 30)) &
	s=$!
	trap 'kill $s 2>/dev/null; exit 0' TERM
	wait $s
	echo "# run_tests: $1 still running $((limit + 30)) s after it started"
	: >"$fifo.late"
	for p in /proc/[0-9]*; do
		# state and process group: fields 3 and 5, after "(comm)"
		state=$(sed 's/.*) //' "$p/stat" 2>/dev/null | awk '{ print $1, $3 }')
		holds=
		if [ "${p#/proc/}" != $$ ]; then	# $$ reads the fifo
			for f in "$p"/fd/*; do
				[ "$(readlink "$f" 2>/dev/null)" = "$fifo" ] && holds=1
			done
		fi
		case "$state" in
		"D "* | *" $2") ;;
		*) [ -n "$holds" ] || continue ;;
		esac
		echo "# run_tests: pid ${p#/proc/} state/pgid $state: $(tr '\0' ' ' <"$p/cmdline")"
		sed 's/^/# run_tests:     /' "$p/stack" 2>/dev/null
		[ -n "$holds" ] && kill -KILL "${p#/proc/}" 2>/dev/null
	done
	kill -KILL -- "-$2" 2>/dev/null
}
fifo=$(mktemp -u /tmp/run_tests.XXXXXX)
mkfifo "$fifo" || exit 1
trap 'rm -f "$fifo" "$fifo.late"' EXIT

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
	# Through a fifo rather than a pipe, so that the test's pid (the
	# process group timeout(1) makes) is known to the watchdog.
	timeout --kill-after=10 "$limit" "./$t" >"$fifo" 2>&1 &
	tpid=$!
	watchdog "$t" "$tpid" &
	wpid=$!
	while IFS= read -r line; do printf '# %s\n' "$line"; done <"$fifo"
	wait "$tpid"
	rc=$?
	kill "$wpid" 2>/dev/null
	wait "$wpid" 2>/dev/null
	# Whatever its status: the watchdog had to end it.
	if [ -e "$fifo.late" ]; then
		rm -f "$fifo.late"
		rc=124
	fi
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
