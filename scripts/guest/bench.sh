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
#   BENCH_ONLY     workloads to run, e.g. "rr crr" (default all but the
#                  recovery ones)
#   BENCH_RECOVERY_SECONDS  length of a recovery run (default 20)
#   BENCH_GIT, BENCH_ACCEL  recorded in the results (scripts/bench sets them)
#
# The recovery workloads (make bench-recovery, issue 7's figures):
# rec_IMPAIR_CC for IMPAIR in loss1 (1% loss), loss5 (5%), reord (25%
# reordering) and CC in cubic and bbr: one iperf3 stream over veth with
# netem delay 20ms and the impairment on the data direction, the named
# congestion control on both stacks (TCP_CONGESTION: iperf3 -C).
. /ltcp/selftests/ltcp_lib.sh

out=${BENCH_OUT:-/out}
runs=${BENCH_RUNS:-5}
secs=${BENCH_SECONDS:-4}
loss_secs=${BENCH_LOSS_SECONDS:-10}
rec_secs=${BENCH_RECOVERY_SECONDS:-20}
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
# On the lossy links the kernel's TCP sends one segment per packet, as
# ltcp does (no GSO yet): netem drops and reorders whole packets, and a
# GSO packet of several segments meets fewer loss events per byte (in
# slow start the kernel's packets grew to 15 segments, and one lucky
# start gave it twice ltcp's goodput for the whole run). gso_max_segs 1
# on the sender's device caps every packet at one segment.
ip -n bench-la link set dev veth0 gso_max_segs 1 || die "gso_max_segs"
# Every packet of a lossy link is processed on one CPU (RPS to CPU 0 on
# both veth ends). Without it, packets that netem releases from one CPU
# and then the other enter two per-CPU backlogs and are delivered out of
# order now and then: in slow start, at the highest rates, a stack that
# met such a burst saw D-SACKs and reordering (tcp_info reordering 6 to
# 94), widened its RACK window for the rest of the run and merged later
# losses into fewer recoveries (up to 20% more goodput at 1% loss, for
# either stack, at random). The recovery rows are about loss, and the
# reordering rows get theirs from netem.
rps_one_cpu() {
	ip netns exec "$1" sh -c \
		'echo 1 > /sys/class/net/veth0/queues/rx-0/rps_cpus' ||
		die "rps_cpus in $1"
}
rps_one_cpu bench-la
rps_one_cpu bench-lb
# The recovery workloads' links, one pair per impairment, made when one of
# its workloads is asked for, the same way.
declare -A rec_netem=([loss1]="loss 1%" [loss5]="loss 5%"
		      [reord]="reorder 25% 50%")
for imp in loss1 loss5 reord; do
	case " $workloads " in *" rec_${imp}_"*) ;; *) continue ;; esac
	ltcp_veth_pair "bench-$imp-a" "bench-$imp-b" || die "namespaces"
	# shellcheck disable=SC2086
	tc -n "bench-$imp-a" qdisc add dev veth0 root netem delay 20ms \
		${rec_netem[$imp]} limit 100000 || die "netem ${rec_netem[$imp]}"
	ip -n "bench-$imp-a" link set dev veth0 gso_max_segs 1 ||
		die "gso_max_segs"
	rps_one_cpu "bench-$imp-a"
	rps_one_cpu "bench-$imp-b"
done
# The tail-drop workloads (rec_tail_CC): short flows whose last two
# segments are lost. ltcp_crr's server in bench-tail-a answers each
# 1-byte request with tail_segs full segments in one write, marked "TAIL"
# at the start of the last two (-m); an nftables rule where they arrive,
# in bench-tail-b, drops the first transmission of each marked segment (a
# set remembers the sequence numbers it dropped, so the retransmissions
# pass). A drop on the sender's own output would not do: the stack sees
# the error and sends the segment again as if it had never left. The
# rule reads the payload after a 32-byte TCP header (timestamps on).
# netem delays the answers 20 ms, as on the other recovery links.
tail_segs=10
tail_mss=1448
if [[ " $workloads " == *" rec_tail_"* ]]; then
	command -v nft >/dev/null || die "nft missing (scripts/deps installs nftables)"
	ltcp_veth_pair bench-tail-a bench-tail-b || die "namespaces"
	tc -n bench-tail-a qdisc add dev veth0 root netem delay 20ms \
		limit 100000 || die "netem"
	ip -n bench-tail-a link set dev veth0 gso_max_segs 1 ||
		die "gso_max_segs"
	ip netns exec bench-tail-b nft -f - <<'EOF' || die "nft"
table inet tail {
	set dropped {
		typeof tcp sequence
		flags dynamic,timeout
		timeout 120s
	}
	chain in {
		type filter hook input priority 0; policy accept;
		tcp sport 7300-7399 tcp doff 8 @th,256,32 0x5441494c tcp sequence != @dropped add @dropped { tcp sequence } counter drop
	}
}
EOF
fi
modprobe tcp_bbr 2>/dev/null
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
	for imp in loss1 loss5 reord tail; do
		ip netns del "bench-$imp-a" 2>/dev/null
		ip netns del "bench-$imp-b" 2>/dev/null
	done
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

# D-SACKs the sender received (TcpExtTCPDSACKRecv + TCPDSACKOfoRecv in
# namespace NS): each reports a segment that arrived twice, a
# retransmission that was not needed
dsacks_in() {
	ip netns exec "$1" nstat -asz TcpExtTCPDSACKRecv TcpExtTCPDSACKOfoRecv |
		awk '/^TcpExt/ { s += $2 } END { print s + 0 }'
}

# rec_run IMPAIR CC PROTO RUN RAW: a recovery workload's run
rec_run() {
	local imp=$1 cc=$2 proto=$3 run=$4 f=$5 d0 d1 bytes
	d0=$(dsacks_in "bench-$imp-a")
	iperf3_wl "bench-$imp-a" "bench-$imp-b" 198.18.0.2 "$proto" "$run" \
		"$f" "$rec_secs" 1e6 mbps -C "$cc" || return 1
	d1=$(dsacks_in "bench-$imp-a")
	bytes=$(sed -n 's/^end\.sum_received\.bytes=//p' "$f.flat")
	grep -q "^end\.sender_tcp_congestion=$cc\$" "$f.flat" || {
		echo "FAIL congestion control not $cc: $(grep congestion "$f.flat" | tr '\n' ' ')"
		return 1
	}
	awk -v r="$(retrans_of "$f.flat")" -v d=$((d1 - d0)) -v b="$bytes" \
		'BEGIN { if (b > 0) { printf "rtx_mb %.3f\n", r / (b / 1e6)
				      printf "spur_mb %.3f\n", d / (b / 1e6) } }'
}

wl_rec_loss1_cubic() { rec_run loss1 cubic "$@"; }
wl_rec_loss5_cubic() { rec_run loss5 cubic "$@"; }
wl_rec_reord_cubic() { rec_run reord cubic "$@"; }
wl_rec_loss1_bbr() { rec_run loss1 bbr "$@"; }
wl_rec_loss5_bbr() { rec_run loss5 bbr "$@"; }
wl_rec_reord_bbr() { rec_run reord bbr "$@"; }

# tail_drops: segments the tail-drop rule dropped so far
tail_drops() {
	ip netns exec bench-tail-b nft list chain inet tail in |
		sed -n 's/.*counter packets \([0-9]*\).*/\1/p'
}

# retrans_in NS: segments the namespace's stacks retransmitted so far
# (TcpRetransSegs)
retrans_in() {
	ip netns exec "$1" nstat -asz TcpRetransSegs |
		awk '$1 == "TcpRetransSegs" { s += $2 } END { print s + 0 }'
}

# tail_run CC PROTO RUN RAW: connections that each carry one answer of
# tail_segs segments whose last two are dropped once; the answers per
# second, and per answer the segments retransmitted and the drops (2
# when the stack cut the answer where the marks are)
tail_run() {
	local cc=$1 proto=$2 port=$((7300 + $3)) f=$4 rc r0 d0 r1 d1
	local bytes=$((tail_segs * tail_mss))
	ip netns exec bench-tail-a "$tools/ltcp_crr" -l "$port" \
		-P "$(pnum "$proto")" -r "$bytes" -m "$tail_mss" -C "$cc" \
		>"$f.server" 2>&1 &
	server=$!
	sleep 0.5
	r0=$(retrans_in bench-tail-a)
	d0=$(tail_drops)
	timeout $((rec_secs + 30)) ip netns exec bench-tail-b \
		"$tools/ltcp_crr" -c 198.18.0.1 "$port" -t "$rec_secs" \
		-P "$(pnum "$proto")" -r "$bytes" -C "$cc" >"$f.out" 2>"$f.err"
	rc=$?
	stop_server
	r1=$(retrans_in bench-tail-a)
	d1=$(tail_drops)
	if [ $rc -ne 0 ]; then
		[ $rc -eq 124 ] && echo "FAIL ltcp_crr client did not finish in $((rec_secs + 30)) s"
		echo "FAIL ltcp_crr exit $rc: $(tail -n 1 "$f.err")$(server_said "$f")"
		return 1
	fi
	awk -v r=$((r1 - r0)) -v d=$((d1 - d0)) '$1 == "crr" && $3 > 0 {
		printf "tps %.3f\n", $3 / $5
		printf "rtx_tr %.3f\n", r / $3
		printf "drops_tr %.3f\n", d / $3
	}' "$f.out"
}

wl_rec_tail_cubic() { tail_run cubic "$@"; }
wl_rec_tail_bbr() { tail_run bbr "$@"; }

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
	-v loss_secs="$loss_secs" -v rec_secs="$rec_secs" \
	-v nconns="$nconns" -v elapsed="$elapsed" \
	-v json="$out/latest.json" -v only="$workloads" \
	"$rec" "$fails" >"$out/latest.txt" || die "report"
cat "$out/latest.txt"
echo "bench: done in $elapsed s; results in latest.txt, latest.json, raw/"
