#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A diagnostic, not a test: the sender's congestion window over time, for
# the kernel's TCP and for ltcp with the same congestion control, over veth
# with netem on the data direction (as scripts/guest/recovery-diag.sh and
# make bench-recovery's links: 20 ms, RPS on one CPU). Each run prints
# "### stack=S run=N" and selftests/ltcp_cwnd_trace's samples; the stacks
# alternate, so that a slow moment of the machine hits both. The receiver
# runs the sender's stack, or TRACE_RECEIVER's (kernel or ltcp) for all.
# scripts/cwnd-trace-report summarizes the log.
#
#   scripts/vm --timeout 900 --log /tmp/ct.log -- env TRACE_CC=cubic \
#	TRACE_IMP="loss 1%" TRACE_T=20 TRACE_RUNS=3 \
#	bash /ltcp/scripts/guest/cwnd-trace.sh
. /ltcp/selftests/ltcp_lib.sh
ltcp_require_module ltcp
CC=${TRACE_CC:-cubic}; IMP=${TRACE_IMP:-loss 1%}; T=${TRACE_T:-20}
ltcp_veth_pair da db || exit 1
tc -n da qdisc add dev veth0 root netem delay 20ms $IMP limit 100000
ip -n da link set dev veth0 gso_max_segs 1
for ns in da db; do
	ip netns exec $ns sh -c 'echo 1 > /sys/class/net/veth0/queues/rx-0/rps_cpus'
done
[ -n "$TRACE_SETUP" ] && eval "$TRACE_SETUP"
port=5400
for run in $(seq 1 "${TRACE_RUNS:-3}"); do
	for stack in ${TRACE_STACKS:-kernel ltcp}; do
		proto=6
		[ "$stack" = ltcp ] && proto=253
		rproto=$proto
		[ -n "$TRACE_RECEIVER" ] && rproto=6
		[ "$TRACE_RECEIVER" = ltcp ] && rproto=253
		port=$((port + 1))
		ip netns exec db /ltcp/selftests/ltcp_xfer -l $port -P $rproto \
			</dev/null >/dev/null 2>&1 &
		ltcp_wait_port db $port
		echo "### stack=$stack run=$run cc=$CC imp=$IMP"
		ip netns exec da /ltcp/selftests/ltcp_cwnd_trace \
			-c 198.18.0.2 $port -P $proto -C "$CC" -t "$T"
		wait
	done
done
