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

# ltcp_exit: the test's exit status from the checks it made
ltcp_exit() {
	if [ $ltcp_failures -gt 0 ]; then
		echo "$ltcp_failures check(s) failed"
		exit $KSFT_FAIL
	fi
	exit $KSFT_PASS
}
