#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ECN (RFC 3168) on ltcp, against the kernel's TCP, observed on the wire.
# A 20 Mbit/s bottleneck on A's side of the veth marks CE on ECN-capable
# packets that queue more than 2 ms (htb + fq_codel ce_threshold). Checked
# from a capture at B, after the bottleneck:
# - net.ltcp.ecn=1 on an ltcp client: an ECN-setup SYN (ECE+CWR), the
#   kernel's ECN-setup SYN-ACK (ECE alone), data sent ECT, CE marks
#   arriving, the receiver's ECE, and ltcp's CWR in answer;
# - net.ltcp.ecn=2 (default) and 0 on the client: a SYN without ECE/CWR and
#   no ECT data;
# - ltcp as the server (receiver) of a kernel client that asks for ECN:
#   ecn=2 answers ECE, and echoes the CE marks (ECE on its ACKs, the
#   kernel's CWR follows); ecn=0 answers without ECE;
# - DCTCP (needs ECN) on ltcp asks for ECN even with net.ltcp.ecn=0, and
#   as a receiver under CE marks with the kernel's dctcp (its delayed-ACK
#   CE state machine runs on an ltcp socket).
. "$(dirname "$0")/ltcp_lib.sh"
ltcp_require_module ltcp

server=
cap=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	[ -n "$cap" ] && kill "$cap" 2>/dev/null
	sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed"
	ip netns del ltcp-ec-a 2>/dev/null
	ip netns del ltcp-ec-b 2>/dev/null
}
allowed=$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)
trap cleanup EXIT
ltcp_veth_pair ltcp-ec-a ltcp-ec-b || exit $KSFT_FAIL
A="ip netns exec ltcp-ec-a"
B="ip netns exec ltcp-ec-b"
# dctcp as a namespace default: registered, and allowed to namespaces.
modprobe tcp_dctcp 2>/dev/null
sysctl -qw net.ipv4.tcp_allowed_congestion_control="$allowed dctcp"

$A tc qdisc add dev veth0 root handle 1: htb default 1 &&
$A tc class add dev veth0 parent 1: classid 1:1 htb rate 20mbit &&
$A tc qdisc add dev veth0 parent 1:1 fq_codel ce_threshold 2ms ||
	ltcp_fail "bottleneck setup"

capture() {
	$B tcpdump -i veth0 -nn --immediate-mode -U -w /tmp/ec.pcap \
		2>/dev/null &
	cap=$!
	sleep 1
}
stop_capture() {
	sleep 0.3
	kill $cap
	wait $cap 2>/dev/null
	cap=
}
# count FILTER: packets in the capture matching FILTER
count() {
	tcpdump -r /tmp/ec.pcap -nn "$1" 2>/dev/null | wc -l
}
SYN='tcp[tcpflags] & (tcp-syn|tcp-ack) == tcp-syn'
SYNACK='tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)'
ECE_CWR='tcp[13] & 0xc0 == 0xc0'
ECE_ONLY='tcp[13] & 0xc0 == 0x40'
NO_ECN_FLAGS='tcp[13] & 0xc0 == 0'
# data from host .1 (A) or .2 (B); ECN field of the IP header
DATA_A='src host 198.18.0.1 and tcp[tcpflags] & tcp-syn == 0 and len > 200'
DATA_B='src host 198.18.0.2 and tcp[tcpflags] & tcp-syn == 0 and len > 200'
ACK_A='src host 198.18.0.1 and len < 100'
ACK_B='src host 198.18.0.2 and len < 100'
CE='ip[1] & 3 == 3'
ECT='ip[1] & 3 != 0'

start_server() {	# start_server WRAPPER...
	$B "$@" iperf3 -s -p 5201 >/dev/null 2>&1 &
	server=$!
	ltcp_wait_port ltcp-ec-b 5201 || ltcp_fail "iperf3 server did not start"
}
stop_server() {
	kill "$server" 2>/dev/null
	wait "$server" 2>/dev/null
	server=
}

# 1. ltcp client, kernel server (net.ipv4.tcp_ecn=2 accepts).
start_server
for ecn in 1 2 0; do
	$A sysctl -qw net.ltcp.ecn=$ecn
	capture
	$A ltcpize run iperf3 -c 198.18.0.2 -p 5201 -n 3M -C reno >/dev/null
	ltcp_check "ltcp client, ecn=$ecn: transfer done" test $? -eq 0
	stop_capture
	if [ $ecn = 1 ]; then
		ltcp_check "... SYN with ECE+CWR" \
			test "$(count "$SYN and $ECE_CWR and port 5201")" -ge 1
		ltcp_check "... kernel's SYN-ACK with ECE alone" \
			test "$(count "$SYNACK and $ECE_ONLY")" -ge 1
		ltcp_check "... data sent ECT ($(count "$DATA_A and $ECT"))" \
			test "$(count "$DATA_A and $ECT")" -ge 100
		ltcp_check "... CE marks at the bottleneck ($(count "$DATA_A and $CE"))" \
			test "$(count "$DATA_A and $CE")" -ge 1
		ltcp_check "... the receiver echoes ECE ($(count "$ACK_B and tcp[13] & 0x40 != 0"))" \
			test "$(count "$ACK_B and tcp[13] & 0x40 != 0")" -ge 1
		ltcp_check "... ltcp answers with CWR ($(count "$DATA_A and tcp[13] & 0x80 != 0"))" \
			test "$(count "$DATA_A and tcp[13] & 0x80 != 0")" -ge 1
	else
		ltcp_check "... SYN without ECE/CWR" \
			test "$(count "$SYN and $NO_ECN_FLAGS and dst port 5201")" -ge 1 -a \
			"$(count "$SYN and tcp[13] & 0xc0 != 0 and dst port 5201")" -eq 0
		ltcp_check "... no ECT data ($(count "$DATA_A and $ECT"))" \
			test "$(count "$DATA_A and $ECT")" -eq 0
	fi
done
stop_server

# 2. Kernel client asking for ECN, ltcp server (receiver of the marks).
$A sysctl -qw net.ipv4.tcp_ecn=1
for ecn in 2 0; do
	$B sysctl -qw net.ltcp.ecn=$ecn
	start_server ltcpize run
	capture
	$A iperf3 -c 198.18.0.2 -p 5201 -n 3M -C reno >/dev/null
	ltcp_check "ltcp server, ecn=$ecn: transfer done" test $? -eq 0
	stop_capture
	stop_server
	if [ $ecn = 2 ]; then
		ltcp_check "... ltcp's SYN-ACK with ECE alone" \
			test "$(count "$SYNACK and $ECE_ONLY")" -ge 1
		ltcp_check "... CE marks arrive ($(count "$DATA_A and $CE"))" \
			test "$(count "$DATA_A and $CE")" -ge 1
		ltcp_check "... ltcp echoes ECE ($(count "$ACK_B and tcp[13] & 0x40 != 0"))" \
			test "$(count "$ACK_B and tcp[13] & 0x40 != 0")" -ge 1
		ltcp_check "... the kernel answers with CWR" \
			test "$(count "$DATA_A and tcp[13] & 0x80 != 0")" -ge 1
	else
		ltcp_check "... ltcp's SYN-ACK without ECE" \
			test "$(count "$SYNACK and $NO_ECN_FLAGS")" -ge 1 -a \
			"$(count "$SYNACK and tcp[13] & 0xc0 != 0")" -eq 0
		ltcp_check "... so the kernel sends no ECT data" \
			test "$(count "$DATA_A and $ECT")" -eq 0
	fi
done

# 3. DCTCP: asks for ECN whatever net.ltcp.ecn says; and the kernel's
#    dctcp on an ltcp receiver under CE marks.
$A sysctl -qw net.ltcp.ecn=0
$B sysctl -qw net.ltcp.ecn=0
$A sysctl -qw net.ltcp.congestion_control=dctcp
start_server
capture
$A ltcpize run iperf3 -c 198.18.0.2 -p 5201 -n 2M >/dev/null
ltcp_check "dctcp on an ltcp client: transfer done" test $? -eq 0
stop_capture
stop_server
ltcp_check "... SYN with ECE+CWR despite ecn=0" \
	test "$(count "$SYN and $ECE_CWR and dst port 5201")" -ge 1
ltcp_check "... data sent ECT" test "$(count "$DATA_A and $ECT")" -ge 100

$B sysctl -qw net.ltcp.congestion_control=dctcp
start_server ltcpize run
capture
$A iperf3 -c 198.18.0.2 -p 5201 -n 3M >/dev/null
ltcp_check "kernel dctcp client -> ltcp dctcp server: transfer done" \
	test $? -eq 0
stop_capture
stop_server
ltcp_check "... CE marks arrive ($(count "$DATA_A and $CE"))" \
	test "$(count "$DATA_A and $CE")" -ge 1
ltcp_check "... ltcp's ACKs echo them ($(count "$ACK_B and tcp[13] & 0x40 != 0"))" \
	test "$(count "$ACK_B and tcp[13] & 0x40 != 0")" -ge 1
ltcp_check "... and its ACKs are ECT, as DCTCP's are" \
	test "$(count "$ACK_B and $ECT")" -ge 1
ltcp_exit
