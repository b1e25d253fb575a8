#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make cc-eval, inside the test VM: each congestion control and its ltcp_
# counterpart (cubic/ltcp_cubic, bbr/ltcp_bbr, dctcp/ltcp_dctcp) through
# a shaped bottleneck, alternating (X, ltcp_X, X, ltcp_X...) CCEVAL_RUNS
# times, on each TCP stack asked for. This script only runs the
# experiments and keeps every run's raw output; scripts/cc-eval-report
# (on the host) makes the tables and plots from it.
#
# Topology: three namespaces, sender -> router -> receiver.
#
#   cce-s 198.18.0.1 --veth-- 198.18.0.2 cce-r 198.18.1.1 --veth-- 198.18.1.2 cce-d
#
# The bottleneck is on the router's egress towards the receiver: htb at
# CCEVAL_RATE with one leaf qdisc whose queue is the buffer being studied
# (pfifo sized in packets from the BDP, netem for random loss, RED for
# ECN marking). It sits in the router, not on the sender's own device,
# because TCP Small Queues would otherwise keep the sender's qdisc queue
# at about 1 ms of data whatever its limit; the router's IP input orphans
# the skb, so the queue there fills as a real router's would. The delay
# (netem, CCEVAL_RTT_MS) is on the router's egress towards the sender,
# i.e. on the ACK path, so that the data path has exactly one queue.
# GSO/TSO are off on the sender's device so that the queue holds
# MTU-sized packets (ltcp has no GSO; the kernel's TCP would otherwise
# hand the router 64 KB aggregates and a packet limit would mean little).
#
# "kernel" means both iperf3 ends are the kernel's TCP, "ltcp" both ends
# ltcp sockets (iperf3 under ltcpize); "ltcp-tx" the sender (the iperf3
# client) on ltcp and the receiver on the kernel's TCP, "ltcp-rx" the
# other way round: they tell whether a difference between the two stacks
# comes from the sending or the receiving side. The algorithm is the
# sender's and receiver's namespace default (net.ipv4.tcp_congestion_control,
# and net.ltcp.congestion_control for ltcp sockets), not iperf3 -C: iperf3 sets
# TCP_CONGESTION after connect(), when DCTCP can no longer ask for ECN
# and falls back to dctcp-reno. The receiver runs it too, for DCTCP's
# receiver-side ECE.
#
# Environment (all optional):
#   CCEVAL_OUT        results directory (default /out): raw/ with every
#                     run's iperf3 JSON (client .cN.json, server .sN.json),
#                     bottleneck qdisc statistics (.tc), flow start times
#                     (.starts), the sender's and receiver's namespace
#                     counters that moved (.mib: Tcp and TcpExt), and
#                     index.tsv, meta.tsv
#   CCEVAL_RUNS       runs per algorithm and case (default 3)
#   CCEVAL_SECONDS    length of a one-flow run (default 10)
#   CCEVAL_FAIR_SECONDS  scenario 5's measured window after the last flow
#                     starts (default 20); flows start CCEVAL_STAGGER (5) s
#                     apart
#   CCEVAL_SCENARIOS  scenarios to run (default "1 2 3 4 5 6")
#   CCEVAL_STACKS     stacks (default "kernel ltcp"; also ltcp-tx, ltcp-rx)
#   CCEVAL_PAIRS      in-tree algorithms of scenarios 1-5 (default
#                     "cubic bbr"); scenario 6 is always dctcp
#   CCEVAL_RATE_MBIT, CCEVAL_RTT_MS  the path (50, 40)
#   CCEVAL_HTB_BURST  the shaper's bucket in bytes (default 10 ms of the rate)
#   CCEVAL_MODPARAMS  module parameters to set after loading, words of the
#                     form module.parameter=value (e.g.
#                     "ltcp_bbr.packet_conservation=0"), recorded in meta.tsv
#   CCEVAL_GIT, CCEVAL_ACCEL  recorded in meta.tsv (scripts/cc-eval sets them)
set -eu
. /ltcp/selftests/ltcp_lib.sh

out=${CCEVAL_OUT:-/out}
runs=${CCEVAL_RUNS:-3}
secs=${CCEVAL_SECONDS:-10}
fair_secs=${CCEVAL_FAIR_SECONDS:-20}
stagger=${CCEVAL_STAGGER:-5}
scenarios=${CCEVAL_SCENARIOS:-1 2 3 4 5 6}
stacks=${CCEVAL_STACKS:-kernel ltcp}
pairs=${CCEVAL_PAIRS:-cubic bbr}
rate=${CCEVAL_RATE_MBIT:-50}
rtt=${CCEVAL_RTT_MS:-40}
# htb's bucket holds 10 ms of the rate (62,500 bytes at 50 Mbit/s), not
# tc's default of about one timer tick: under TCG its timer fires late,
# and with the default bucket the tokens of the late part are lost (kernel
# bbr got 17 Mbit/s of 50 that way, 47 with this bucket). It is what the
# shaper may send at once after a late timer; the queue is still its own.
htb_burst=${CCEVAL_HTB_BURST:-$((rate * 1250))}
raw=$out/raw
index=$raw/index.tsv
started=$(date +%s)

# One BDP in full-size frames as htb counts them (1514 bytes with the
# Ethernet header): 50 Mbit/s * 40 ms = 250,000 bytes = 165 packets.
bdp_pkts=$((rate * 1000000 * rtt / 8000 / 1514))

die() {
	echo "cc-eval: FAIL: $*"
	exit 1
}

for stack in $stacks; do
	case "$stack" in
	kernel | ltcp | ltcp-tx | ltcp-rx) ;;
	*) die "unknown stack $stack (kernel, ltcp, ltcp-tx, ltcp-rx)" ;;
	esac
done
mkdir -p "$raw" || die "cannot write to $out"
rm -f "$raw"/*
: >"$index"

modprobe ltcp || die "modprobe ltcp"
for m in tcp_bbr tcp_dctcp ltcp_cubic ltcp_bbr ltcp_dctcp; do
	modprobe "$m" || die "modprobe $m"
done
for p in ${CCEVAL_MODPARAMS:-}; do
	param=/sys/module/${p%%.*}/parameters/${p#*.}
	param=${param%%=*}
	[ -w "$param" ] || die "no writable module parameter ${p%%=*}"
	echo "${p#*=}" >"$param" || die "cannot set $p"
done
# A namespace other than the initial one may only make an algorithm its
# default once the initial namespace allows it (put back on exit: the
# selftests share the boot).
allowed=$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)
sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed bbr dctcp ltcp_cubic ltcp_bbr ltcp_dctcp" ||
	die "tcp_allowed_congestion_control"
trap cleanup EXIT
ltcp_version=$(dmesg | sed -n 's/.*ltcp: version \([^ ]*\).*/\1/p' | tail -n 1)

cleanup() {
	local ns
	for ns in cce-s cce-r cce-d; do
		ip netns del "$ns" 2>/dev/null || true
	done
	sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed" || true
}

ltcp_veth_pair cce-s cce-r || die "namespaces"
ip netns add cce-d || die "namespaces"
ip link add veth1 netns cce-r type veth peer name veth0 netns cce-d || die "veth"
ip -n cce-r addr add 198.18.1.1/24 dev veth1
ip -n cce-d addr add 198.18.1.2/24 dev veth0
ip -n cce-d link set lo up
ip -n cce-r link set veth1 up
ip -n cce-d link set veth0 up
ip -n cce-s route add default via 198.18.0.2
ip -n cce-d route add default via 198.18.1.1
ip netns exec cce-r sysctl -qw net.ipv4.ip_forward=1
ip netns exec cce-s ethtool -K veth0 tso off gso off >/dev/null || die "ethtool"
ip netns exec cce-r ethtool -K veth0 gro off >/dev/null 2>&1 || true
# The ACK path: the whole round-trip delay, a queue that never drops.
tc -n cce-r qdisc add dev veth0 root netem delay "${rtt}ms" limit 100000 || die "netem"
ip netns exec cce-s ping -c 1 -W 2 198.18.1.2 >/dev/null 2>&1 ||
	die "no route from sender to receiver"

# bottleneck LEAF...: htb at the path's rate, LEAF the qdisc holding its
# queue. Made again for every run, so its counters are the run's own.
bottleneck() {
	tc -n cce-r qdisc del dev veth1 root 2>/dev/null
	tc -n cce-r qdisc add dev veth1 root handle 1: htb default 1 &&
		tc -n cce-r class add dev veth1 parent 1: classid 1:1 htb \
			rate "${rate}mbit" ceil "${rate}mbit" \
			burst "$htb_burst" cburst "$htb_burst" &&
		tc -n cce-r qdisc add dev veth1 parent 1:1 handle 10: "$@"
}

# Scenario cases: id, what it is, the leaf qdisc, flows, seconds between
# flow starts, ECN. pfifo limits are in packets; RED marks every ECT
# packet once its average queue passes 20 packets (30000 bytes) and never
# drops for want of space (limit 8 BDP). burst 20, the least tc accepts
# for that threshold, makes the average weight 1/2 (tc picks the weight
# from burst: a larger burst averages over more packets), i.e. about the
# instantaneous queue, as DCTCP expects of its marking switch.
declare -A what leaf nflows gap ecn
case_def() {
	what[$1]=$2 leaf[$1]=$3 nflows[$1]=$4 gap[$1]=$5 ecn[$1]=$6
}
pct() { awk -v f="$1" -v b="$bdp_pkts" 'BEGIN { n = int(f * b + 0.5); print n < 2 ? 2 : n }'; }
red="red limit $((8 * bdp_pkts * 1514)) min 30000 max 30001 avpkt 1514 burst 20 \
probability 1.0 bandwidth ${rate}mbit ecn"
case_def 1 "1 BDP buffer ($(pct 1) packets), 1 flow" "pfifo limit $(pct 1)" 1 0 0
case_def 2 "0.2 BDP buffer ($(pct 0.2) packets), 1 flow" "pfifo limit $(pct 0.2)" 1 0 0
case_def 3 "8 BDP buffer ($(pct 8) packets), 1 flow" "pfifo limit $(pct 8)" 1 0 0
case_def 4a "1% random loss, no queue drops" "netem loss 1% limit 100000" 1 0 0
case_def 4b "0.01% random loss, no queue drops" "netem loss 0.01% limit 100000" 1 0 0
case_def 5 "1 BDP buffer, 4 flows started ${stagger} s apart" "pfifo limit $(pct 1)" 4 "$stagger" 0
case_def 6a "RED marking at 20 packets, ECN, 1 flow" "$red" 1 0 1
case_def 6b "RED marking at 20 packets, ECN, 4 flows" "$red" 4 0 1

# use STACK CC ECN: make CC (and ECN on or the default) what new sockets
# of STACK get in the sender's and receiver's namespaces (both TCPs'
# settings when the stack mixes them)
use() {
	local ns e
	e=$([ "$3" = 1 ] && echo 1 || echo 2)
	for ns in cce-s cce-d; do
		if [ "$1" != kernel ]; then
			ip netns exec $ns sysctl -qw net.ltcp.congestion_control="$2" \
				net.ltcp.ecn="$e" || return 1
		fi
		if [ "$1" != ltcp ]; then
			ip netns exec $ns sysctl -qw net.ipv4.tcp_congestion_control="$2" \
				net.ipv4.tcp_ecn="$e" || return 1
		fi
	done
}

# on STACK END: the command prefix that puts iperf3's END (tx: the client,
# which sends; rx: the server) on that stack's TCP
on() {
	case "$1.$2" in
	ltcp.* | ltcp-tx.tx | ltcp-rx.rx) echo "ltcpize run" ;;
	esac
}

# mib NS: every counter of NS's /proc/net/snmp and /proc/net/netstat, one
# "Group:Name value" per line. ltcp counts into the same Tcp and TcpExt
# counters as the kernel's TCP, under Linux's names.
mib() {
	ip netns exec "$1" cat /proc/net/snmp /proc/net/netstat |
		awk '$1 == g { for (i = 2; i <= NF; i++) print g n[i], $i; g = ""; next }
		     { g = $1; for (i = 2; i <= NF; i++) n[i] = $i }'
}

# mib_delta BEFORE AFTER TAG: "TAG Group:Name delta" for each counter that
# moved
mib_delta() {
	awk -v tag="$3" 'NR == FNR { a[$1] = $2; next }
		$2 != a[$1] { print tag, $1, $2 - a[$1] }' "$1" "$2"
}

# settle: wait (at most 5 s) until the sender's and receiver's namespaces
# hold no TCP socket but listeners and TIME-WAIT, so that a connection
# still closing (an orphan resending its FIN, say) counts in its own
# run's counters, not in the next one's
settle() {
	local i ns left
	for i in $(seq 1 50); do
		left=0
		for ns in cce-s cce-d; do
			left=$((left + $(ip netns exec $ns ss -tanH state all \
				exclude listening exclude time-wait 2>/dev/null | wc -l)))
		done
		[ "$left" -eq 0 ] && return 0
		sleep 0.1
	done
}

# flows CASE STACK F: one run of CASE; F is the raw file prefix. Flows
# started apart each have their own iperf3 server and client; flows that
# start together are one iperf3 -P. Every flow ends at the same time.
# Prints nothing, or "FAIL reason".
flows() {
	local c=$1 stack=$2 f=$3 n=${nflows[$1]} g=${gap[$1]} i t total
	local -a srv=() cli=()
	local procs=1 rc=0 port
	[ "$g" -gt 0 ] && procs=$n
	total=$secs
	[ "$g" -gt 0 ] && total=$((g * (n - 1) + fair_secs))
	# shellcheck disable=SC2086 # the leaf's words are tc arguments
	bottleneck ${leaf[$c]} || { echo "FAIL tc ${leaf[$c]}"; return 1; }
	mib cce-s >"$f.mib-s0"
	mib cce-d >"$f.mib-d0"
	: >"$f.starts"
	for i in $(seq 1 "$procs"); do
		port=$((5200 + i))
		# shellcheck disable=SC2046
		ip netns exec cce-d $(on "$stack" rx) iperf3 -s -1 -p "$port" -i 0.5 -J \
			>"$f.s$i.json" 2>"$f.s$i.err" &
		srv+=($!)
		ltcp_wait_port cce-d "$port" || { echo "FAIL iperf3 server did not start"; rc=1; }
	done
	if [ $rc -eq 0 ]; then
		local pre par=
		pre=$(on "$stack" tx)
		[ "$procs" -eq 1 ] && [ "$n" -gt 1 ] && par="-P $n"
		# Every client is forked now and sleeps its own offset: forking
		# under full load takes seconds under TCG, which would pile up.
		# Each notes when it really started (/proc/uptime, as bash reads
		# it, without a fork).
		for i in $(seq 1 "$procs"); do
			t=$((total - g * (i - 1)))
			(
				sleep $((g * (i - 1)))
				read -r up _ </proc/uptime
				echo "$i $up" >>"$f.starts"
				# shellcheck disable=SC2086 # $pre and $par are words
				exec ip netns exec cce-s timeout $((t + 30)) $pre iperf3 \
					-c 198.18.1.2 -p $((5200 + i)) -t "$t" -i 0.1 -J $par \
					>"$f.c$i.json" 2>"$f.c$i.err"
			) &
			cli+=($!)
		done
		for i in $(seq 1 "$procs"); do
			wait "${cli[$((i - 1))]}" && continue
			t=$?
			[ $rc -eq 0 ] && echo "FAIL iperf3 client $i exit $t" \
				"$(grep -o '"error":[^,]*' "$f.c$i.json" | head -n 1)"
			rc=1
		done
	fi
	for i in "${srv[@]}"; do
		kill "$i" 2>/dev/null || true
		wait "$i" 2>/dev/null || true
	done
	settle
	tc -s -n cce-r qdisc show dev veth1 >"$f.tc"
	mib cce-s >"$f.mib-s1"
	mib cce-d >"$f.mib-d1"
	# No .mib (the report shows no counters) rather than a false 0
	# when a snapshot came out empty.
	if [ -s "$f.mib-s0" ] && [ -s "$f.mib-s1" ] && [ -s "$f.mib-d0" ] &&
		[ -s "$f.mib-d1" ]; then
		{
			mib_delta "$f.mib-s0" "$f.mib-s1" sender
			mib_delta "$f.mib-d0" "$f.mib-d1" receiver
		} >"$f.mib"
	fi
	rm -f "$f.mib-s0" "$f.mib-s1" "$f.mib-d0" "$f.mib-d1"
	return $rc
}

# run_one CASE STACK CC RUN: one run, recorded in index.tsv
run_one() {
	local c=$1 stack=$2 cc=$3 run=$4 f res
	f=$raw/$1.$2.$3.$4
	if ! use "$stack" "$cc" "${ecn[$c]}"; then
		res="FAIL cannot select $cc on $stack"
	else
		res=$(flows "$c" "$stack" "$f" | head -n 1)
	fi
	res=${res#FAIL }
	printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$stack" "$cc" "$run" "${res:-ok}" >>"$index"
	echo "cc-eval: $c $stack $cc run $run: ${res:-ok}"
}

{
	printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	printf 'kernel\t%s\nltcp\t%s\ngit\t%s\naccel\t%s\n' "$(uname -r)" \
		"$ltcp_version" "${CCEVAL_GIT:-unknown}" "${CCEVAL_ACCEL:-unknown}"
	printf 'runs\t%s\nseconds\t%s\nfair_seconds\t%s\nstagger\t%s\n' \
		"$runs" "$secs" "$fair_secs" "$stagger"
	printf 'rate_mbit\t%s\nrtt_ms\t%s\nbdp_packets\t%s\nstacks\t%s\nhtb_burst\t%s\n' \
		"$rate" "$rtt" "$bdp_pkts" "$stacks" "$htb_burst"
	printf 'modparams\t%s\n' "${CCEVAL_MODPARAMS:-}"
	for c in 1 2 3 4a 4b 5 6a 6b; do
		printf 'case\t%s\t%s\t%s\n' "$c" "${what[$c]}" "${leaf[$c]}"
	done
} >"$raw/meta.tsv"

echo "cc-eval: ltcp $ltcp_version, kernel $(uname -r), $runs runs, ${secs} s per run," \
	"stacks: $stacks; path ${rate} Mbit/s, ${rtt} ms, BDP $bdp_pkts packets"
for s in $scenarios; do
	for c in 1 2 3 4a 4b 5 6a 6b; do
		[ "${c%[ab]}" = "$s" ] || continue
		ccs=$pairs
		[ "$s" = 6 ] && ccs=dctcp
		for stack in $stacks; do
			t0=$(date +%s)
			for run in $(seq 1 "$runs"); do
				for cc in $ccs; do
					run_one "$c" "$stack" "$cc" "$run"
					run_one "$c" "$stack" "ltcp_$cc" "$run"
				done
			done
			echo "cc-eval: case $c on $stack took $(($(date +%s) - t0)) s"
		done
	done
done
printf 'elapsed\t%s\n' $(($(date +%s) - started)) >>"$raw/meta.tsv"
echo "cc-eval: done in $(($(date +%s) - started)) s; raw results in $raw"
