#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, inside the test VM: every workload on the kernel's TCP and on
# ltcp, alternating (kernel, ltcp, kernel, ltcp...) BENCH_RUNS times, then a
# table of the medians and the ltcp/kernel ratio, as text and JSON. "ltcp"
# means both ends of the connection are ltcp sockets (iperf3 under
# ltcpize, our tools with -P 253); "kernel" both ends the kernel's TCP.
#
# Environment (all optional):
#   BENCH_OUT      where results go (default /out, scripts/vm --out):
#                  latest.txt, latest.json, raw/ (every run's own output)
#   BENCH_RUNS     runs per workload and stack (default 5)
#   BENCH_SECONDS  length of each iperf3, RR and CRR run (default 4)
#   BENCH_LOSS_SECONDS  length of a lossy-path run (default 10)
#   BENCH_CONNS    idle connections of the scale row (default 10000)
#   BENCH_ONLY     workloads to run, e.g. "rr crr" (default all)
#   BENCH_GIT, BENCH_ACCEL  recorded in the results (scripts/bench sets them)
. /ltcp/selftests/ltcp_lib.sh

out=${BENCH_OUT:-/out}
runs=${BENCH_RUNS:-5}
secs=${BENCH_SECONDS:-4}
loss_secs=${BENCH_LOSS_SECONDS:-10}
nconns=${BENCH_CONNS:-10000}
workloads=${BENCH_ONLY:-bulk_lo bulk_veth par8_veth rr crr conns loss_veth}
tools=/ltcp/selftests
raw=$out/raw
rec=$raw/records.tsv
fails=$raw/fails.tsv
started=$(date +%s)

die() {
	echo "bench: FAIL: $*"
	exit 1
}

mkdir -p "$raw" || die "cannot write to $out"
rm -f "$raw"/*
: >"$rec"
: >"$fails"

modprobe ltcp || die "modprobe ltcp"
ltcp_version=$(dmesg | sed -n 's/.*ltcp: version \([^ ]*\).*/\1/p' | tail -n 1)

# Two namespaces over veth (MTU 1500) and two more over veth with netem on
# the data direction (client to server): 20 ms delay, 1% loss, a queue long
# enough not to drop by itself.
ltcp_veth_pair bench-a bench-b || die "namespaces"
ltcp_veth_pair bench-la bench-lb || die "namespaces"
tc -n bench-la qdisc add dev veth0 root netem delay 20ms loss 1% limit 100000 ||
	die "netem"
# The scale row opens 10,000 connections from one address while the CRR
# runs' TIME-WAIT sockets may still hold ports: 55,000 ephemeral ports, all
# above the fixed ports the servers listen on (5201-7999), so that no
# client's port ever takes a server's.
sysctl -qw net.ipv4.ip_local_port_range="10000 65000"

cleanup() {
	ip netns del bench-a 2>/dev/null
	ip netns del bench-b 2>/dev/null
	ip netns del bench-la 2>/dev/null
	ip netns del bench-lb 2>/dev/null
}
trap cleanup EXIT

# on PROTO: the command prefix that puts an unmodified program on that
# stack (ltcp: ltcpize run), for $(on PROTO) CMD
on() {
	[ "$1" = ltcp ] && echo "ltcpize run"
}

pnum() {
	[ "$1" = ltcp ] && echo 253 || echo 6
}

# netns NS CMD...: run CMD in network namespace NS ("-": the initial one)
netns() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then
		"$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

server=
stop_server() {
	[ -n "$server" ] || return 0
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
}

# json_flat FILE: iperf3's JSON (cJSON's layout: at most one member per
# line, "[{", "}, {" and "}]" between array elements) as path=value lines,
# e.g. end.streams.0.receiver.bytes=123
json_flat() {
	awk '
	function push(name, arr) {
		key[++depth] = name
		isarr[depth] = arr
		idx[depth] = 0
	}
	# the name of the next element of the array being read, if any
	function elem() {
		return depth > 0 && isarr[depth] ? idx[depth]++ : ""
	}
	function path(name,   i, p) {
		p = ""
		for (i = 1; i <= depth; i++)
			if (key[i] != "")
				p = p key[i] "."
		return p name
	}
	{
		line = $0
		gsub(/^[ \t]+|[ \t,]+$/, "", line)
		named = match(line, /^"[^"]*":/)
		if (named) {
			name = substr(line, 2, RLENGTH - 3)
			line = substr(line, RLENGTH + 1)
			gsub(/^[ \t]+/, "", line)
		}
		structural = line != ""
		for (i = 1; i <= length(line); i++)
			if (!index("{}[], \t", substr(line, i, 1)))
				structural = 0
		if (!structural) {
			gsub(/"/, "", line)
			print path(named ? name : elem()) "=" line
			next
		}
		for (i = 1; i <= length(line); i++) {
			c = substr(line, i, 1)
			if (c == "{" || c == "[") {
				push(named ? name : elem(), c == "[")
				named = 0
			} else if (c == "}" || c == "]") {
				depth--
			}
		}
	}' "$1"
}

# iperf3 NS_CLIENT NS_SERVER ADDR PROTO PORT SECONDS RAW [ARGS...]: one
# iperf3 run (server and client on PROTO); RAW.json is the client's -J
# output. Prints its flattened JSON or "FAIL reason".
iperf3_run() {
	local nsc=$1 nss=$2 addr=$3 proto=$4 port=$5 t=$6 f=$7 rc
	shift 7
	# $(on ...) is split into words on purpose: "ltcpize run" or nothing.
	# shellcheck disable=SC2046
	netns "$nss" $(on "$proto") iperf3 -s -1 -p "$port" >"$f.server" 2>&1 &
	server=$!
	sleep 1
	# shellcheck disable=SC2046
	netns "$nsc" timeout $((t + 30)) $(on "$proto") iperf3 -c "$addr" \
		-p "$port" -t "$t" -J "$@" >"$f.json" 2>"$f.err"
	rc=$?
	stop_server
	if [ $rc -ne 0 ]; then
		local why
		why=$(grep -o '"error":[^,]*' "$f.json" | head -n 1)
		[ $rc -eq 124 ] && why="iperf3 client did not finish in $((t + 30)) s"
		[ -z "$why" ] && why=$(tail -n 1 "$f.err")
		echo "FAIL iperf3 exit $rc: ${why:-no output}"
		return 1
	fi
	json_flat "$f.json"
}

# rate_of FLAT: receiver's rate in the flattened iperf3 JSON, bit/s
rate_of() {
	sed -n 's/^end\.sum_received\.bits_per_second=//p' "$1"
}

retrans_of() {
	sed -n 's/^end\.sum_sent\.retransmits=//p' "$1"
}

# Each workload: wl_NAME PROTO RUN RAW prints "metric value" lines, or
# "FAIL reason" and returns 1.
iperf3_wl() {
	local nsc=$1 nss=$2 addr=$3 proto=$4 run=$5 f=$6 t=$7 scale=$8 unit=$9
	local r
	shift 9
	iperf3_run "$nsc" "$nss" "$addr" "$proto" $((5200 + run)) "$t" "$f" "$@" \
		>"$f.flat" || { cat "$f.flat"; return 1; }
	r=$(rate_of "$f.flat")
	[ -n "$r" ] || { echo "FAIL no end.sum_received in iperf3's JSON"; return 1; }
	awk -v r="$r" -v s="$scale" -v u="$unit" 'BEGIN { printf "%s %.4f\n", u, r / s }'
	echo "retrans $(retrans_of "$f.flat")"
}

wl_bulk_lo() {
	iperf3_wl - - 127.0.0.1 "$1" "$2" "$3" "$secs" 1e9 gbps
}

wl_bulk_veth() {
	iperf3_wl bench-a bench-b 198.18.0.2 "$1" "$2" "$3" "$secs" 1e9 gbps
}

wl_loss_veth() {
	iperf3_wl bench-la bench-lb 198.18.0.2 "$1" "$2" "$3" "$loss_secs" 1e6 mbps
}

wl_par8_veth() {
	local f=$3
	iperf3_wl bench-a bench-b 198.18.0.2 "$1" "$2" "$f" "$secs" 1e9 gbps -P 8 ||
		return 1
	# Jain's fairness index over the bytes each stream's receiver counted
	sed -n 's/^end\.streams\.[0-9]*\.receiver\.bytes=//p' "$f.flat" |
		awk '{ s += $1; q += $1 * $1; n++ }
		     END {
			if (n != 8 || q == 0) { print "FAIL " n " streams reported"; exit 1 }
			printf "jain %.4f\n", s * s / (n * q)
		     }'
}

# server_said RAW: the server's last words, if it said anything
server_said() {
	[ -s "$1.server" ] && echo "; server: $(tail -n 1 "$1.server")"
}

# lo_packets: packets sent over loopback so far (both ends, whatever the
# stack: the device counts them)
lo_packets() {
	cat /sys/class/net/lo/statistics/tx_packets
}

# RR and CRR run client and server on CPU 0: under TCG a wake-up on the
# other vCPU costs milliseconds (113 transactions/s unpinned, 1500 pinned,
# kernel TCP), which would measure QEMU rather than the stack.
wl_rr() {
	local proto=$1 port=$((6000 + $2)) f=$3 rc p0
	taskset -c 0 "$tools/ltcp_rr" -l "$port" -P "$(pnum "$proto")" >"$f.server" 2>&1 &
	server=$!
	sleep 0.5
	p0=$(lo_packets)
	timeout $((secs + 30)) taskset -c 0 "$tools/ltcp_rr" -c 127.0.0.1 "$port" -t "$secs" \
		-P "$(pnum "$proto")" >"$f.out" 2>"$f.err"
	rc=$?
	stop_server
	if [ $rc -ne 0 ]; then
		[ $rc -eq 124 ] && echo "FAIL ltcp_rr client did not finish in $((secs + 30)) s"
		echo "FAIL ltcp_rr exit $rc: $(tail -n 1 "$f.err")$(server_said "$f")"
		return 1
	fi
	awk -v p=$(($(lo_packets) - p0)) '$1 == "rr" {
		print "tps", $7; print "p50_us", $9; print "p99_us", $11
		if ($3 > 0)
			printf "pkts %.3f\n", p / $3
	}' "$f.out"
}

wl_crr() {
	local proto=$1 port=$((6100 + $2)) f=$3 rc p0
	taskset -c 0 "$tools/ltcp_crr" -l "$port" -P "$(pnum "$proto")" >"$f.server" 2>&1 &
	server=$!
	sleep 0.5
	p0=$(lo_packets)
	timeout $((secs + 30)) taskset -c 0 "$tools/ltcp_crr" -c 127.0.0.1 "$port" -t "$secs" \
		-P "$(pnum "$proto")" >"$f.out" 2>"$f.err"
	rc=$?
	stop_server
	if [ $rc -ne 0 ]; then
		[ $rc -eq 124 ] && echo "FAIL ltcp_crr client did not finish in $((secs + 30)) s"
		echo "FAIL ltcp_crr exit $rc: $(tail -n 1 "$f.err") ($(awk '{ print $3 }' "$f.out") connections made)$(server_said "$f")"
		return 1
	fi
	awk -v p=$(($(lo_packets) - p0)) '$1 == "crr" {
		print "cps", $7
		if ($3 > 0)
			printf "pkts %.3f\n", p / $3
	}' "$f.out"
}

wl_conns() {
	local proto=$1 port=$((7000 + $2)) f=$3 rc
	sync
	echo 3 >/proc/sys/vm/drop_caches
	timeout 120 "$tools/ltcp_conns" -n "$nconns" -p "$port" -P "$(pnum "$proto")" \
		>"$f.out" 2>"$f.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		local why
		why=$(sed -n 's/^fail //p' "$f.out")
		[ $rc -eq 124 ] && why="did not finish in 120 s"
		echo "FAIL ltcp_conns exit $rc: ${why:-$(tail -n 1 "$f.err")}"
		return 1
	fi
	awk '$1 == "conns" { print "open_s", $6; print "slab_kb", $10; print "memfree_kb", $12 }' "$f.out"
	# Let the RSTs and socket frees settle before the next run.
	sleep 1
}

# run_one WORKLOAD PROTO RUN: one run, into the records. Once a run did
# not finish in its time, the later runs of that workload on that stack
# are recorded as failed without running, to keep make bench bounded.
declare -A hung
run_one() {
	local w=$1 proto=$2 run=$3 f=$raw/$1.$2.$3 res rc
	if [ -n "${hung[$w.$proto]:-}" ]; then
		res="FAIL not run: ${hung[$w.$proto]}"
	else
		res=$(wl_"$w" "$proto" "$run" "$f" 2>>"$f.err")
		rc=$?
		if [ $rc -ne 0 ] && ! printf '%s\n' "$res" | grep -q '^FAIL'; then
			res="FAIL exit $rc without a reason (see raw/${f##*/}.*)"
		fi
	fi
	if printf '%s\n' "$res" | grep -q '^FAIL'; then
		res=$(printf '%s\n' "$res" | sed -n 's/^FAIL //p' | head -n 1)
		case "$res" in
		*"did not finish"*) hung[$w.$proto]="run $run did not finish" ;;
		esac
		printf '%s\t%s\t%s\t%s\n' "$w" "$proto" "$run" "${res:-failed}" >>"$fails"
		echo "bench: $w $proto run $run: FAIL: ${res:-failed}"
		return
	fi
	printf '%s\n' "$res" | awk -v w="$w" -v p="$proto" -v r="$run" \
		'NF == 2 && $2 != "" { printf "%s\t%s\t%s\t%s\t%s\n", w, p, r, $1, $2 }' >>"$rec"
	echo "bench: $w $proto run $run: $(printf '%s ' $res)"
}

echo "bench: ltcp $ltcp_version, kernel $(uname -r), $runs runs of each, ${secs} s per run"
for w in $workloads; do
	t0=$(date +%s)
	for run in $(seq 1 "$runs"); do
		run_one "$w" kernel "$run"
		run_one "$w" ltcp "$run"
	done
	echo "bench: $w took $(($(date +%s) - t0)) s"
done

elapsed=$(($(date +%s) - started))
awk -f /ltcp/scripts/guest/bench_report.awk \
	-v date="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v kernel="$(uname -r)" \
	-v ltcp="$ltcp_version" -v git="${BENCH_GIT:-unknown}" \
	-v accel="${BENCH_ACCEL:-unknown}" -v runs="$runs" -v secs="$secs" \
	-v loss_secs="$loss_secs" -v nconns="$nconns" -v elapsed="$elapsed" \
	-v json="$out/latest.json" -v only="$workloads" \
	"$rec" "$fails" >"$out/latest.txt" || die "report"
cat "$out/latest.txt"
echo "bench: done in $elapsed s; results in latest.txt, latest.json, raw/"
