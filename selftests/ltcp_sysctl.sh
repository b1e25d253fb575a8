#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net.ltcp knobs: each exists per namespace with Linux's default, refuses
# values outside Linux's range, and changes what ltcp does, observed on the
# wire (tcpdump) or through errno and time, against the kernel's TCP:
# syn_retries, retries2, keepalive_time/intvl/probes, fin_timeout,
# timestamps, window_scaling.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del ltcp-sy-a 2>/dev/null
	ip netns del ltcp-sy-b 2>/dev/null
}
trap cleanup EXIT
ltcp_veth_pair ltcp-sy-a ltcp-sy-b || exit $KSFT_FAIL
A="ip netns exec ltcp-sy-a"
B="ip netns exec ltcp-sy-b"

# 1. Names, defaults, namespaces, ranges.
for kv in syn_retries=6 retries2=15 keepalive_time=7200 keepalive_intvl=75 \
	keepalive_probes=9 fin_timeout=60 timestamps=1 window_scaling=1; do
	k=${kv%%=*}
	ltcp_check "net.ltcp.$k defaults to ${kv#*=}" \
		test "$($A cat /proc/sys/net/ltcp/$k)" = "${kv#*=}"
done
$A sysctl -qw net.ltcp.syn_retries=3
ltcp_check "a namespace's value is its own" \
	test "$(cat /proc/sys/net/ltcp/syn_retries)" = 6
ltcp_check_not "syn_retries=0 is refused" $A sysctl -qw net.ltcp.syn_retries=0 2>/dev/null
ltcp_check_not "timestamps=2 is refused" $A sysctl -qw net.ltcp.timestamps=2 2>/dev/null

blackhole() {
	if [ "$1" = on ]; then
		tc -n ltcp-sy-b qdisc add dev veth0 ingress
		tc -n ltcp-sy-b filter add dev veth0 ingress protocol ip matchall \
			action drop
	else
		tc -n ltcp-sy-b qdisc del dev veth0 ingress
	fi
}
# capture FILE: tcpdump in A, into FILE, until stop_capture
capture() {
	$A tcpdump -i veth0 -nn -tt --immediate-mode -U -w "$1" 2>/dev/null &
	cap=$!
	sleep 1
}
stop_capture() {
	sleep 0.3
	kill $cap
	wait $cap 2>/dev/null
}

# 2. syn_retries=1: two SYNs, then ETIMEDOUT after 1 + 2 s.
$A sysctl -qw net.ltcp.syn_retries=1
blackhole on
capture /tmp/sy-syn.pcap
read -r _ err ms <<<"$($A ./ltcp_idle 198.18.0.2 7400 | grep '^connect')"
stop_capture
blackhole off
syns=$(tcpdump -r /tmp/sy-syn.pcap -nn 'dst port 7400 and tcp[tcpflags] & tcp-syn != 0' 2>/dev/null | wc -l)
ltcp_check "syn_retries=1: ETIMEDOUT (errno $err) after ${ms} ms" \
	test "$err" = 110 -a "$ms" -ge 2500 -a "$ms" -le 4500
ltcp_check "... with 2 SYNs on the wire (saw $syns)" test "$syns" -eq 2
$A sysctl -qw net.ltcp.syn_retries=6

# 3. timestamps=0 and window_scaling=0: the SYN offers neither, and the
#    connection works without them.
$B bash -c 'sleep 30 | ./ltcp_xfer -l 7401 -P 6' >/dev/null 2>&1 &
pids+=($!)
ltcp_wait_port ltcp-sy-b 7401
$A sysctl -qw net.ltcp.timestamps=0 net.ltcp.window_scaling=0
capture /tmp/sy-opt.pcap
head -c 300000 /dev/urandom | $A timeout 20 ./ltcp_xfer -c 198.18.0.2 7401 -P 253 \
	>/dev/null 2>/tmp/sy-opt.err &
xfer=$!
sleep 2
stop_capture
kill $xfer 2>/dev/null
syn=$(tcpdump -r /tmp/sy-opt.pcap -nn 'dst port 7401 and tcp[tcpflags] == tcp-syn' 2>/dev/null)
ltcp_check "timestamps=0: the SYN has no TS option" \
	bash -c "grep -q 'Flags \[S\]' <<<\"$syn\" && ! grep -q 'TS val' <<<\"$syn\""
ltcp_check "window_scaling=0: the SYN has no wscale option" \
	bash -c "grep -q 'Flags \[S\]' <<<\"$syn\" && ! grep -q wscale <<<\"$syn\""
data=$(tcpdump -r /tmp/sy-opt.pcap -nn 'dst port 7401 and greater 200' 2>/dev/null | wc -l)
ltcp_check "... and data flows without them ($data data segments)" test "$data" -gt 10
$A sysctl -qw net.ltcp.timestamps=1 net.ltcp.window_scaling=1

# 4. keepalive_time/intvl/probes: SO_KEEPALIVE alone follows them.
$A sysctl -qw net.ltcp.keepalive_time=1 net.ltcp.keepalive_intvl=1 \
	net.ltcp.keepalive_probes=1
$B bash -c 'sleep 30 | ./ltcp_xfer -l 7404 -P 6' >/dev/null 2>&1 &
pids+=($!)
ltcp_wait_port ltcp-sy-b 7404
$A ./ltcp_idle 198.18.0.2 7404 -k 0,0,0 >/tmp/sy-ka.out &
client=$!
sleep 2.5
ltcp_check_not "keep-alive with an answering peer keeps the connection" \
	grep -q '^recv' /tmp/sy-ka.out
blackhole on
start=$(date +%s)
wait $client
blackhole off
read -r _ err ms <<<"$(grep '^recv' /tmp/sy-ka.out)"
ltcp_check "keepalive_probes=1 unanswered: ETIMEDOUT (errno $err)" test "$err" = 110
ltcp_check "... within 4 s of the blackhole ($(($(date +%s) - start)) s)" \
	test $(($(date +%s) - start)) -le 4
$A sysctl -qw net.ltcp.keepalive_time=7200 net.ltcp.keepalive_intvl=75 \
	net.ltcp.keepalive_probes=9

# 5. retries2=3: data to a peer that went away ends in ETIMEDOUT after
#    3 retransmissions (RTO 200 ms min, doubling), not 15.
$A sysctl -qw net.ltcp.retries2=3
$B bash -c 'sleep 30 | ./ltcp_xfer -l 7402 -P 6' >/dev/null 2>&1 &
pids+=($!)
ltcp_wait_port ltcp-sy-b 7402
(sleep 1; blackhole on) &
start=$(date +%s)
$A timeout 60 ./ltcp_xfer -c 198.18.0.2 7402 -P 253 </dev/zero >/dev/null 2>/tmp/sy-r2.err
rc=$?
took=$(($(date +%s) - start))
blackhole off
# The first call to see the error gets ETIMEDOUT; a send after it EPIPE
# (SIGPIPE), as on Linux: either ends the program.
ltcp_check "retries2=3: the transfer fails (exit $rc: $(cat /tmp/sy-r2.err))" \
	test $rc -ne 0 -a $rc -ne 124
ltcp_check "... within 10 s ($took s; the default of 15 would take minutes)" \
	test $took -le 10
$A sysctl -qw net.ltcp.retries2=15

# 6. fin_timeout=2: an orphan in FIN-WAIT-2 (its FIN acknowledged, the
#    peer silent) gives up with a RST after 2 s.
$A sysctl -qw net.ltcp.fin_timeout=2
$B bash -c 'sleep 30 | ./ltcp_xfer -l 7403 -P 6' >/dev/null 2>&1 &
pids+=($!)
ltcp_wait_port ltcp-sy-b 7403
capture /tmp/sy-fin.pcap
$A ./ltcp_idle 198.18.0.2 7403 -x 1 >/dev/null
sleep 3.5
stop_capture
fin=$(tcpdump -r /tmp/sy-fin.pcap -nn -tt 'dst port 7403 and tcp[tcpflags] & tcp-fin != 0' 2>/dev/null | head -n 1 | cut -d' ' -f1)
rst=$(tcpdump -r /tmp/sy-fin.pcap -nn -tt 'dst port 7403 and tcp[tcpflags] & tcp-rst != 0' 2>/dev/null | head -n 1 | cut -d' ' -f1)
gap=$(awk -v a="$fin" -v b="$rst" 'BEGIN { if (a == "" || b == "") print -1; else printf "%d", (b - a) * 1000 }')
ltcp_check "fin_timeout=2: RST ${gap} ms after the FIN" test "$gap" -ge 1800 -a "$gap" -le 3000
$A sysctl -qw net.ltcp.fin_timeout=60
ltcp_exit
