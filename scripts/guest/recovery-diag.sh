#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A diagnostic, not a test: one lossy iperf3 run per sender/receiver pair
# (the kernel's TCP or ltcp at either end), over veth with netem on the
# data direction, printing the goodput, the loss-recovery counters of each
# namespace (nstat with a history file per namespace: nstat's default
# history is per user, and two namespaces would overwrite each other's)
# and a few `ss -tni` lines of the data socket. With `scripts/vm --out DIR`
# it also captures at the receiver into DIR/SENDER-RECEIVER.pcap, for
# scripts/pcap-sack. Used to find the per-segment ACKs behind issue 7's
# spurious retransmissions (Documentation/design.rst, SACK compression).
#
#   scripts/vm --timeout 900 --out /tmp/cap -- env DIAG_CC=bbr \
#	DIAG_IMP="loss 1%" DIAG_T=10 DIAG_PAIRS="ltcp:ltcp kernel:kernel" \
#	bash /ltcp/scripts/guest/recovery-diag.sh
. /ltcp/selftests/ltcp_lib.sh
ltcp_require_module ltcp
modprobe tcp_bbr 2>/dev/null
insmod /ltcp/cc/ltcp_bbr.ko 2>/dev/null
CC=${DIAG_CC:-bbr}; IMP=${DIAG_IMP:-loss 1%}; T=${DIAG_T:-10}
ltcp_veth_pair da db || exit 1
tc -n da qdisc add dev veth0 root netem delay 20ms $IMP limit 100000
ip -n da link set dev veth0 gso_max_segs 1
# One CPU for every packet of the link (RPS to CPU 0 at both ends), as in
# scripts/guest/bench.sh: otherwise two per-CPU backlogs reorder bursts
# now and then. DIAG_RPS=0 leaves the default.
if [ "${DIAG_RPS:-1}" = 1 ]; then
	for ns in da db; do
		ip netns exec $ns sh -c 'echo 1 > /sys/class/net/veth0/queues/rx-0/rps_cpus'
	done
fi
# DIAG_SETUP: a command run once the namespaces exist, e.g.
# "ip netns exec db sysctl -qw net.ltcp.comp_sack_nr=0"
[ -n "$DIAG_SETUP" ] && eval "$DIAG_SETUP"
on() { [ "$1" = ltcp ] && echo "ltcpize run"; }
C="TcpExtTCPLossProbes TcpExtTCPLossProbeRecovery TcpExtTCPTimeouts TcpExtTCPSackRecovery TcpExtTCPDSACKRecv TcpExtTCPDSACKOfoRecv TcpExtTCPDSACKUndo TcpExtTCPSACKReorder TcpExtTCPLostRetransmit TcpExtTCPFastRetrans TcpExtTCPSlowStartRetrans TcpExtTCPLossUndo TcpExtTCPSpuriousRTOs TcpExtTCPRetransFail TcpExtTCPSackFailures TcpExtTCPRenoRecovery TcpExtTCPSpuriousRtxHostQueues TcpExtTCPAckCompressed TcpExtTCPHystartTrainDetect TcpExtTCPHystartDelayDetect TcpRetransSegs TcpOutSegs"
RC="TcpExtTCPAckCompressed TcpExtPruneCalled TcpExtOfoPruned TcpExtTCPRcvCollapsed TcpExtTCPDSACKOldSent TcpExtTCPDSACKOfoSent TcpExtTCPOFOQueue TcpExtTCPSACKDiscard TcpExtTCPDSACKIgnoredOld TcpExtTCPDSACKIgnoredNoUndo"
for rep in 1; do
for pair in ${DIAG_PAIRS:-kernel:kernel ltcp:ltcp ltcp:kernel kernel:ltcp}; do
	set -- ${pair%:*} ${pair#*:}
	NSTAT_HISTORY=/tmp/ns.da ip netns exec da nstat -n; NSTAT_HISTORY=/tmp/ns.db ip netns exec db nstat -n
	ip netns exec db $(on $2) iperf3 -s -1 -p 5301 >/dev/null 2>&1 &
	[ -d /out ] && { ip netns exec db tcpdump -i veth0 -nn -s 96 -w /out/$1-$2.pcap >/dev/null 2>&1 & tdp=$!; }
	sleep 1
	( for k in $(seq 1 $((T * 4))); do ip netns exec da ss -tni dst 198.18.0.2:5301 2>/dev/null | awk '/bytes_acked:/ { match($0, /bytes_acked:[0-9]+/); v = substr($0, RSTART + 12, RLENGTH - 12) + 0; if (v > best) { best = v; line = $0 } } END { print line }' | tr -s ' \t' ' '; sleep 0.25; done > /tmp/ss.txt ) &
	ssp=$!
	ip netns exec da $(on $1) iperf3 -c 198.18.0.2 -p 5301 -t $T -C $CC -J > /tmp/d.json 2>/dev/null
	kill $ssp 2>/dev/null
	[ -n "$tdp" ] && { kill $tdp; sleep 1; tdp=; }
	wait
	echo "### sender=$1 receiver=$2 cc=$CC imp=$IMP"
	grep -E '"bits_per_second"|"retransmits"' /tmp/d.json | tail -3 | tr -d ' \n'; echo
	NSTAT_HISTORY=/tmp/ns.da ip netns exec da nstat -s $C | grep -v '^#' | awk '{printf "S:%s=%s ", $1, $2} END {print ""}'
	awk 'NR % 8 == 4' /tmp/ss.txt | head -6
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, ":"); if (kv[1] == "cwnd") { c += kv[2]; nc++ } if (kv[1] == "rtt") { split(kv[2], r, "/"); rt += r[1]; nr++ } } } END { if (nc) printf "avg cwnd %.1f over %d samples, avg rtt %.1f ms\n", c / nc, nc, rt / (nr ? nr : 1) }' /tmp/ss.txt
	NSTAT_HISTORY=/tmp/ns.db ip netns exec db nstat -s $RC | grep -v '^#' | awk '{printf "R:%s=%s ", $1, $2} END {print ""}'
done
done
