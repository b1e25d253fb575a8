#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel_net.sh: the kernel's own net selftests (tools/testing/selftests/net
# of linux-source-6.1, built by scripts/knet into /ltcp/knet) that exercise
# SOCK_STREAM sockets, each run twice: on the kernel's TCP, then on ltcp
# under ltcpize. Documentation/conformance.rst keeps the table and the
# reason for each ltcp failure.
#
# usage: kernel_net.sh               the tests that pass on ltcp (make check):
#                                    fails if one fails on ltcp, or on the
#                                    kernel's TCP (a test environment problem)
#        kernel_net.sh --all [TEST...]  every test (or those named); prints
#                                    the table: test, kernel, ltcp, reason
. "$(dirname "$0")/ltcp_lib.sh"
KNET=${KNET:-/ltcp/knet}
LOGS=/tmp/knet
if [ ! -x "$KNET/socket" ]; then
	echo "SKIP: $KNET not built (scripts/knet build)"
	exit $KSFT_SKIP
fi
ltcp_require_module ltcp
cd "$KNET" || exit $KSFT_FAIL
export PATH=$KNET:$PATH
mkdir -p $LOGS

# The tests that pass on ltcp: make check runs these.
CHECK="socket tcp_inq so_netns_cookie sk_connect_zero_addr reuseaddr_conflict
reuseaddr_ports_exhausted reuseport_addr_any reuseport_dualstack
reuseport_bpf_cpu stress_reuseport_listen bind_bhash_v4 bind_bhash_v6
udpgso_bench_tcp tcp_mmap fin_ack_lat rxtimestamp_tcp txtimestamp_tcp
txtimestamp_tcp_cmsg txtimestamp_tcp_nodata"
# Every test, in the order of the table.
ALL="socket tcp_inq tcp_mmap tcp_mmap_zerocopy tcp_fastopen_backup_key
msg_zerocopy_tcp io_uring_zerocopy_tx_tcp
reuseaddr_conflict reuseaddr_ports_exhausted reuseport_addr_any
reuseport_dualstack reuseport_bpf reuseport_bpf_cpu stress_reuseport_listen
sk_bind_sendto_listen sk_connect_zero_addr so_netns_cookie bind_bhash_v4
bind_bhash_v6 fin_ack_lat txtimestamp_tcp txtimestamp_tcp_cmsg
txtimestamp_tcp_nodata rxtimestamp_tcp udpgso_bench_tcp udpgso_bench_tcp_zerocopy tls
fcnal_ipv4_tcp fcnal_ipv6_tcp"

# tcp_mmap [-z]: a server and a client on loopback (the test sends 32 GiB
# and has no verdict of its own). Without -z it passes when the client
# still sends after 15 s (neither end failed). With -z (the server's mmap()
# and TCP_ZEROCOPY_RECEIVE, the client's MSG_ZEROCOPY) the client may also
# stop early with success (it never reads its completions, so send() ends
# with ENOBUFS); it fails when either end says it fell back to copies (the
# test's own "mmap: ..." and "(-z option disabled)").
run_tcp_mmap() {
	local srv rc err=/tmp/knet/tcp_mmap.err
	./tcp_mmap -4 -s "$@" 2>$err &
	srv=$!
	sleep 1
	timeout 15 ./tcp_mmap -4 -H 127.0.0.1 "$@" 2>>$err
	rc=$?
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	grep -v MAP_HUGETLB $err
	if [ "${1:-}" = -z ]; then
		if grep -qE '^mmap:|-z option disabled' $err; then
			echo "FAIL: zerocopy fell back to copies"
			return 1
		fi
		[ $rc -eq 0 ] && rc=124
	fi
	if [ $rc -ne 124 ]; then
		echo "FAIL: the client ended after less than 15 s, exit $rc"
		return 1
	fi
	echo "ok: no fallback, 15 s of transfer or ENOBUFS"
}

# bind_bhash -6 binds on eth0's address: give the namespace an eth0.
run_bind_bhash_v6() {
	ip link add eth0 type veth peer name eth0p &&
		ip link set eth0 up && ip link set eth0p up &&
		./bind_bhash.sh -6
}

# Debian's 6.1.y fcnal-test.sh calls helpers of later trees' lib.sh and
# net_helper.sh without sourcing them: wait_local_port_listen (net_helper.sh
# is in the tree) and slowwait (given here).
. ./net_helper.sh
slowwait() {
	local _
	for _ in $(seq $(($1 * 10))); do
		"${@:2}" >/dev/null && return 0
		sleep 0.1
	done
	return 1
}

export -f run_tcp_mmap run_bind_bhash_v6 wait_local_port_listen slowwait

# The command line of a test, run in $KNET with bash.
cmd_of() {
	case $1 in
	socket) echo ./run_netsocktests ;;
	tcp_inq) echo "./in_netns.sh ./tcp_inq -4 && ./in_netns.sh ./tcp_inq -6" ;;
	tcp_mmap) echo "./in_netns.sh bash -c run_tcp_mmap" ;;
	tcp_mmap_zerocopy) echo "./in_netns.sh bash -c 'run_tcp_mmap -z'" ;;
	tcp_fastopen_backup_key) echo ./tcp_fastopen_backup_key.sh ;;
	msg_zerocopy_tcp) echo "./msg_zerocopy.sh 4 tcp -t 1 && ./msg_zerocopy.sh 6 tcp -t 1" ;;
	io_uring_zerocopy_tx_tcp) echo "for ip in 4 6; do for m in 1 2 3; do ./io_uring_zerocopy_tx.sh \$ip tcp -m \$m -t 1 -n 1 || exit 1; done; done" ;;
	reuseaddr_conflict) echo "./in_netns.sh ./reuseaddr_conflict" ;;
	reuseaddr_ports_exhausted) echo ./reuseaddr_ports_exhausted.sh ;;
	reuseport_addr_any) echo ./reuseport_addr_any.sh ;;
	reuseport_dualstack) echo "./in_netns.sh ./reuseport_dualstack" ;;
	reuseport_bpf) echo "./in_netns.sh ./reuseport_bpf" ;;
	reuseport_bpf_cpu) echo "./in_netns.sh ./reuseport_bpf_cpu" ;;
	stress_reuseport_listen) echo ./stress_reuseport_listen.sh ;;
	sk_bind_sendto_listen) echo "./in_netns.sh ./sk_bind_sendto_listen" ;;
	sk_connect_zero_addr) echo "./in_netns.sh ./sk_connect_zero_addr" ;;
	so_netns_cookie) echo ./so_netns_cookie ;;
	bind_bhash_v4) echo "./in_netns.sh ./bind_bhash.sh -4" ;;
	bind_bhash_v6) echo "./in_netns.sh bash -c run_bind_bhash_v6" ;;
	fin_ack_lat) echo "./in_netns.sh ./fin_ack_lat.sh" ;;
	txtimestamp_tcp) echo "./in_netns.sh bash -c './txtimestamp -t 100000 -4 -L 127.0.0.1 && ./txtimestamp -t 100000 -6 -L ::1'" ;;
	txtimestamp_tcp_cmsg) echo "./in_netns.sh bash -c './txtimestamp -t 100000 -C -4 -L 127.0.0.1 && ./txtimestamp -t 100000 -C -6 -L ::1'" ;;
	txtimestamp_tcp_nodata) echo "./in_netns.sh bash -c './txtimestamp -t 100000 -n -4 -L 127.0.0.1 && ./txtimestamp -t 100000 -n -6 -L ::1'" ;;
	rxtimestamp_tcp) echo "rc=0; for n in 0 1 2 3 4 5 6 7 8 9; do ./rxtimestamp.sh --tcp --test_num \$n || rc=1; done; exit \$rc" ;;
	udpgso_bench_tcp) echo "for a in '-4 -D 127.0.0.1' '-6 -D ::1'; do ./in_netns.sh ./udpgso_bench.sh __subprocess -l 3 \$a -t || exit 1; done" ;;
	udpgso_bench_tcp_zerocopy) echo "for a in '-4 -D 127.0.0.1' '-6 -D ::1'; do ./in_netns.sh ./udpgso_bench.sh __subprocess -l 3 \$a -t -z || exit 1; done" ;;
	tls) echo "modprobe tls && ./in_netns.sh ./tls" ;;
	fcnal_ipv4_tcp) echo "./fcnal-test.sh -t ipv4_tcp" ;;
	fcnal_ipv6_tcp) echo "./fcnal-test.sh -t ipv6_tcp" ;;
	*) return 1 ;;
	esac
}

# Time limit of one run of a test, in seconds.
limit_of() {
	case $1 in
	fcnal_* | tls) echo 1200 ;;
	stress_reuseport_listen | bind_bhash_* | tcp_fastopen_backup_key) echo 600 ;;
	*) echo 180 ;;
	esac
}

# Why a test fails on ltcp, in one line (Documentation/conformance.rst).
reason_of() {
	case $1 in
	tcp_mmap_zerocopy) echo "kernel-TCP-only: mmap()/TCP_ZEROCOPY_RECEIVE (ENODEV); SO_ZEROCOPY: offload" ;;
	tcp_fastopen_backup_key) echo "gap (5): TCP_FASTOPEN refused; kernel-TCP-only: net.ipv4.tcp_fastopen_key, TcpExt counters" ;;
	msg_zerocopy_tcp) echo "gap (offload): SO_ZEROCOPY refused (EOPNOTSUPP), MSG_ZEROCOPY needs paged skbs" ;;
	udpgso_bench_tcp_zerocopy) echo "gap (offload): SO_ZEROCOPY refused (EOPNOTSUPP)" ;;
	io_uring_zerocopy_tx_tcp) echo "gap (offload): IORING_OP_SEND_ZC gets EOPNOTSUPP, no zerocopy send" ;;
	reuseport_bpf) echo "gap (5): TCP_FASTOPEN on the listener refused (the BPF part passes in reuseport_bpf_cpu)" ;;
	sk_bind_sendto_listen) echo "gap (5): sendto(MSG_FASTOPEN) on an unconnected socket: EPIPE, no Fast Open" ;;
	fin_ack_lat) echo "ltcp bug: ACK storm after the handshake (pure ACKs answered by pure ACKs for 100-300 ms)" ;;
	fcnal_ipv4_tcp) echo "gap (5): TCP_MD5SIG (35 cases), VRF scope of a global listener (2)" ;;
	fcnal_ipv6_tcp) echo "gap (5): TCP_MD5SIG (29 cases), a link-local peer's accepted socket not bound to its device (3)" ;;
	tls) echo "kernel-TCP-only: TCP_ULP (kTLS) refused (ENOPROTOOPT)" ;;
	*) echo "" ;;
	esac
}

# run TEST STACK: run TEST on STACK (kernel or ltcp); print pass, fail,
# skip or timeout. The output is in $LOGS/TEST.STACK.
run() {
	local t=$1 stack=$2 cmd rc pre=()
	cmd=$(cmd_of "$t")
	[ "$stack" = ltcp ] && pre=(ltcpize run)
	timeout --kill-after=10 "$(limit_of "$t")" "${pre[@]}" bash -c "$cmd" \
		>"$LOGS/$t.$stack" 2>&1 </dev/null
	rc=$?
	echo "(exit status $rc)" >>"$LOGS/$t.$stack"
	case $rc in
	0) echo pass ;;
	4) echo skip ;;
	124 | 137) echo timeout ;;
	*) echo fail ;;
	esac
}

# The last line of a failed run's output that looks like the cause.
hint_of() {
	grep -aiE 'fail|error|unexpected|not ok|expected|invalid|refused|timed out|unsupported|not supported|\(errno|: [A-Z][a-z]+ [a-z]' \
		"$1" | grep -avE '^ok|PASS' | tail -n 1 | cut -c1-100
}

all=0
if [ "${1:-}" = --all ]; then
	all=1
	shift
fi
if [ $# -gt 0 ]; then
	tests="$*"
elif [ $all -eq 1 ]; then
	tests=$ALL
else
	tests=$CHECK
fi

rows=()
start=$(date +%s)
for t in $tests; do
	if ! cmd_of "$t" >/dev/null; then
		ltcp_fail "$t: no such test"
		continue
	fi
	s0=$(date +%s)
	k=$(run "$t" kernel)
	l=$(run "$t" ltcp)
	why=
	if [ "$l" != pass ]; then
		why=$(reason_of "$t")
		[ -n "$why" ] || why="? $(hint_of "$LOGS/$t.ltcp")"
	fi
	echo "$t: kernel $k, ltcp $l ($(($(date +%s) - s0)) s)"
	for stack in kernel ltcp; do
		if [ "$( [ $stack = kernel ] && echo "$k" || echo "$l")" != pass ]; then
			echo "  --- $t on $stack, last lines:"
			tail -n 15 "$LOGS/$t.$stack" | sed 's/^/  | /'
			# fcnal-test.sh: every failed case and the totals
			if [ "${t#fcnal}" != "$t" ]; then
				grep -a -E '\[FAIL\]|^Tests (passed|failed)' \
					"$LOGS/$t.$stack" | sed 's/^/  | /'
			fi
		fi
	done
	rows+=("$(printf '%-27s %-8s %-8s %s' "$t" "$k" "$l" "$why")")
	if [ $all -eq 0 ]; then
		if [ "$k" != pass ]; then
			ltcp_fail "$t on the kernel's TCP: $k (test environment?)"
		elif [ "$l" != pass ]; then
			ltcp_fail "$t on ltcp: $l"
		else
			ltcp_ok "$t on the kernel's TCP and on ltcp"
		fi
	fi
done

echo
printf '%-27s %-8s %-8s %s\n' test kernel ltcp "reason (ltcp)"
printf '%s\n' "${rows[@]}"
echo "($(($(date +%s) - start)) s)"
# scripts/vm --out DIR: keep every run's output on the host
if [ -d /out ] && grep -qs ' /out ' /proc/mounts; then
	mkdir -p /out/knet && cp $LOGS/* /out/knet/
fi
[ $all -eq 1 ] && exit $KSFT_PASS
ltcp_exit
