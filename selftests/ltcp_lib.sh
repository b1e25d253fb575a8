#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of ltcp's shell selftests (kselftest conventions: exit 0
# pass, 1 fail, 4 skip).

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

LTCP_TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ltcp_failures=0

# ltcp_ok NAME: report a passing check
ltcp_ok() {
	echo "ok: $*"
}

# ltcp_fail NAME: report a failing check; the script fails at the end
ltcp_fail() {
	echo "FAIL: $*"
	ltcp_failures=$((ltcp_failures + 1))
}

# ltcp_check DESCRIPTION COMMAND...: run COMMAND, pass if it succeeds
ltcp_check() {
	local what=$1
	shift
	if "$@"; then
		ltcp_ok "$what"
	else
		ltcp_fail "$what"
	fi
}

# ltcp_check_not DESCRIPTION COMMAND...: pass if COMMAND fails
ltcp_check_not() {
	local what=$1
	shift
	if "$@"; then
		ltcp_fail "$what"
	else
		ltcp_ok "$what"
	fi
}

# ltcp_require_module NAME: load a module or skip the test
ltcp_require_module() {
	if ! modprobe "$1" 2>/dev/null; then
		echo "SKIP: module $1 not available"
		exit $KSFT_SKIP
	fi
}

ltcp_module_loaded() {
	grep -q "^$1 " /proc/modules
}

# ltcp_rmmod_wait NAME [SECONDS]: unload a module, waiting (10 s by
# default) for the sockets that still hold it to finish closing. Every
# ltcp TIME-WAIT socket holds ltcp.ko for its 60 s.
ltcp_rmmod_wait() {
	local i tries=$((${2:-10} * 5))
	for i in $(seq 1 $tries); do
		rmmod "$1" 2>/dev/null && return 0
		ltcp_module_loaded "$1" || return 0
		sleep 0.2
	done
	rmmod "$1"
}

# ltcp_exit: the test's exit status from the checks it made
ltcp_exit() {
	if [ $ltcp_failures -gt 0 ]; then
		echo "$ltcp_failures check(s) failed"
		exit $KSFT_FAIL
	fi
	exit $KSFT_PASS
}

# ltcp_veth_pair NS_A NS_B: two fresh network namespaces joined by a veth
# link, 198.18.0.1/24 and 2001:db8::1/64 in NS_A, .2 and ::2 in NS_B (the
# benchmarking and documentation ranges: nothing outside the VM).
ltcp_veth_pair() {
	local a=$1 b=$2
	ip netns del "$a" 2>/dev/null
	ip netns del "$b" 2>/dev/null
	ip netns add "$a" || return 1
	ip netns add "$b" || return 1
	ip link add veth0 netns "$a" type veth peer name veth0 netns "$b" || return 1
	ip -n "$a" addr add 198.18.0.1/24 dev veth0
	ip -n "$b" addr add 198.18.0.2/24 dev veth0
	ip -n "$a" addr add 2001:db8::1/64 dev veth0 nodad
	ip -n "$b" addr add 2001:db8::2/64 dev veth0 nodad
	ip -n "$a" link set lo up
	ip -n "$b" link set lo up
	ip -n "$a" link set veth0 up
	ip -n "$b" link set veth0 up
	# LTCP_TEST_SACK=0: net.ltcp.sack off in both namespaces
	# (ltcp_netem_nosack.sh: the netem matrix on the NewReno path)
	if [ -n "${LTCP_TEST_SACK:-}" ]; then
		ip netns exec "$a" sysctl -qw net.ltcp.sack="$LTCP_TEST_SACK" || return 1
		ip netns exec "$b" sysctl -qw net.ltcp.sack="$LTCP_TEST_SACK" || return 1
	fi
}

# ltcp_now_ms: a clock in milliseconds (busybox date has no %N)
ltcp_now_ms() {
	local us=${EPOCHREALTIME/[.,]/}
	echo $((us / 1000))
}

# ltcp_wait_port NS PORT: wait up to 5 s for a TCP listener on PORT in NS
ltcp_wait_port() {
	local i
	for i in $(seq 1 50); do
		ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}
