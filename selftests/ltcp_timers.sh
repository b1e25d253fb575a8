#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ltcp's timers against a real peer (the kernel's TCP) over veth, observed
# on the wire (tcpdump) and through errno and elapsed time:
# - SYN retries: TCP_SYNCNT=2 to a blackhole (netem loss 100%) sends the SYN
#   3 times and connect() fails with ETIMEDOUT after 1 + 2 + 4 s (RFC 6298
#   backoff from a 1 s initial RTO);
# - keep-alive (RFC 1122 4.2.3.6): an idle connection with TCP_KEEPIDLE=1,
#   TCP_KEEPINTVL=1 sends a probe about every second, stays up while the
#   peer answers, and after TCP_KEEPCNT=2 unanswered probes recv() fails
#   with ETIMEDOUT;
# - TIME-WAIT of 60 s (2 MSL as Linux) on the side that closed first;
# - an orphan (closed with its data unacknowledged) of a passive open whose
#   peer vanished gives up after net.ipv4.tcp_orphan_retries as the
#   kernel's TCP does: as many retransmissions, as soon.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp

server=
dump=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	[ -n "$dump" ] && kill "$dump" 2>/dev/null
	ip netns del ltcp-tm-a 2>/dev/null
	ip netns del ltcp-tm-b 2>/dev/null
}
trap cleanup EXIT
ltcp_veth_pair ltcp-tm-a ltcp-tm-b || exit $KSFT_FAIL
A="ip netns exec ltcp-tm-a"
B="ip netns exec ltcp-tm-b"

# tcpdump runs with --immediate-mode -U: with TPACKET_V3's block buffering,
# packets of a block still open when tcpdump is stopped are lost.

# blackhole NS on|off: drop every IPv4 packet arriving in NS (tcpdump on
# the sending side still sees them go)
blackhole() {
	if [ "$2" = on ]; then
		ip -n "$1" link set veth0 up
		tc -n "$1" qdisc add dev veth0 ingress
		# IPv4 only: ARP still answers, so the sender's packets
		# leave it.
		tc -n "$1" filter add dev veth0 ingress protocol ip matchall \
			action drop
	else
		tc -n "$1" qdisc del dev veth0 ingress
	fi
}

# 1. SYN retries against a blackhole.
blackhole ltcp-tm-b on
$A tcpdump -i veth0 -nn --immediate-mode -U -w /tmp/tm-syn.pcap 2>/dev/null &
dump=$!
sleep 1
out=$($A ./ltcp_idle 198.18.0.2 7300 -s 2)
sleep 0.5
kill $dump; wait $dump 2>/dev/null; dump=
read -r what err ms <<<"$(grep '^connect' <<<"$out")"
syns=$(tcpdump -r /tmp/tm-syn.pcap -nn \
	'dst port 7300 and tcp[tcpflags] & tcp-syn != 0' 2>/dev/null | wc -l)
ltcp_check "TCP_SYNCNT=2: connect fails with ETIMEDOUT (got errno $err)" test "$err" = 110
ltcp_check "... after 1+2+4 s (${ms} ms)" test "$ms" -ge 6500 -a "$ms" -le 9000
ltcp_check "... with 3 SYNs on the wire (saw $syns)" test "$syns" -eq 3
blackhole ltcp-tm-b off

# 2. Keep-alive. The server holds the connection open and sends nothing.
$B bash -c 'sleep 60 | ./ltcp_xfer -l 7301 -P 6' >/dev/null 2>&1 &
server=$!
ltcp_wait_port ltcp-tm-b 7301
$A ./ltcp_idle 198.18.0.2 7301 -k 1,1,2 >/tmp/tm-ka.out &
client=$!
sleep 0.5
# From after the handshake on: what the client sends while idle.
$A tcpdump -i veth0 -nn --immediate-mode -U -w /tmp/tm-ka.pcap 2>/dev/null &
dump=$!
sleep 4
probes=$(tcpdump -r /tmp/tm-ka.pcap -nn \
	'dst port 7301 and tcp[tcpflags] == tcp-ack' 2>/dev/null | grep -c 'length 0')
ltcp_check "keep-alive probes while idle, about one a second (saw $probes in 4 s)" \
	test "$probes" -ge 2 -a "$probes" -le 5
ltcp_check_not "... and the connection stays up while the peer answers" \
	grep -q '^recv' /tmp/tm-ka.out
# Now the peer is gone: nothing reaches it.
blackhole ltcp-tm-b on
wait $client
read -r what err ms <<<"$(grep '^recv' /tmp/tm-ka.out)"
ltcp_check "unanswered probes end it: recv() ETIMEDOUT (got errno $err)" test "$err" = 110
kill $dump; wait $dump 2>/dev/null; dump=
blackhole ltcp-tm-b off
kill $server 2>/dev/null; wait $server 2>/dev/null; server=

# 3. TIME-WAIT lasts 2 MSL, 60 s as on Linux. The side that closes first
#    holds it: its timer, as ss reads it from the timewait socket, starts
#    near 60 s.
(echo data; sleep 1) | $B ./ltcp_xfer -l 7302 -P 6 >/dev/null 2>&1 &
server=$!
ltcp_wait_port ltcp-tm-b 7302
echo data | $A ./ltcp_xfer -c 198.18.0.2 7302 -P 253 >/dev/null 2>&1
wait $server; server=
tw=$($A ss -tanoH state time-wait '( dport = :7302 )')
secs=$(sed -n 's/.*timer:(timewait,\([0-9]*\)sec.*/\1/p' <<<"$tw" | head -n 1)
echo "TIME-WAIT: $tw"
ltcp_check "the ltcp end that closed first is in TIME-WAIT for ~60 s (${secs:-none} s left)" \
	test "${secs:-0}" -ge 50 -a "${secs:-0}" -le 60

# 4. Orphan retries, ltcp and the kernel's TCP as the accepting side A in
#    turn. The peer in B connects, then goes silent (blackhole); then A
#    writes 100 bytes and is killed 0.5 s later: an orphan in FIN-WAIT-1
#    whose data is unacknowledged. With tcp_orphan_retries=2 it
#    retransmits for the time 2 retransmissions take from a 200 ms RTO
#    (1.4 s), counted as Linux 6.1 counts it, from the first retransmission
#    by the retransmission timer (not the loss probe's), then dies: a loss
#    probe, three retransmissions by timeout, gone at the fourth timeout,
#    about 3.2 s after the write. ltcp counted from the first send and died
#    at 1.6-1.8 s (kernel 3.6 s). The kernel's TCP collapses its FIN into
#    the data, which ltcp does not; both send the data as often. The write
#    waits for the blackhole (a flag file): written at a fixed time, it was
#    ACKed before the filter was in place when the host was loaded, and
#    there was nothing to retransmit (seen: "sent 1 times"). orphan_run
#    PROTO PORT prints "transmissions_of_the_data ms_to_death", the time
#    counted from the write.
orphan_run() {
	local t0 now xfer gone=
	$A tcpdump -i veth0 -nn --immediate-mode -U -w /tmp/tm-or$1.pcap \
		"tcp src port $2" 2>/dev/null &
	dump=$!
	sleep 0.5
	rm -f /tmp/tm-go
	# stdin stays open until the kill: no FIN before the orphan is made
	(while [ ! -e /tmp/tm-go ]; do sleep 0.05; done
	 head -c 100 /dev/zero
	 while [ -e /tmp/tm-go ]; do sleep 0.05; done) |
		$A ./ltcp_xfer -l "$2" -P "$1" >/dev/null 2>&1 &
	xfer=$!
	ltcp_wait_port ltcp-tm-a "$2"
	sleep 30 | $B timeout 30 ./ltcp_xfer -c 198.18.0.1 "$2" -P 6 \
		>/dev/null 2>&1 &
	server=$!
	sleep 0.3
	blackhole ltcp-tm-b on
	t0=$(ltcp_now_ms)
	touch /tmp/tm-go
	sleep 0.5
	kill "$xfer" 2>/dev/null
	# before the wait: bash waits for the whole pipeline of $xfer
	rm -f /tmp/tm-go
	wait "$xfer" 2>/dev/null
	sleep 0.5
	for _ in $(seq 1 300); do
		if ! $A ss -tanH "( sport = :$2 )" | grep -qv LISTEN; then
			gone=1
			break
		fi
		sleep 0.1
	done
	now=$(ltcp_now_ms)
	kill $dump; wait $dump 2>/dev/null; dump=
	blackhole ltcp-tm-b off
	kill $server 2>/dev/null; wait $server 2>/dev/null; server=
	echo "$(tcpdump -r /tmp/tm-or$1.pcap -nn 2>/dev/null | grep -c 'length 100') \
${gone:+$((now - t0))}"
}
orig_orphan=$(sysctl -n net.ipv4.tcp_orphan_retries)
$A sysctl -qw net.ipv4.tcp_orphan_retries=2
read -r k_tx k_ms <<<"$(orphan_run 6 7303)"
read -r l_tx l_ms <<<"$(orphan_run 253 7304)"
$A sysctl -qw net.ipv4.tcp_orphan_retries="$orig_orphan"
echo "orphan: kernel TCP sent the data $k_tx times, gone ${k_ms:-never} ms after the write; ltcp $l_tx times, ${l_ms:-never} ms"
ltcp_check "the kernel's orphan gives up (reference)" test -n "$k_ms"
ltcp_check "the ltcp orphan gives up ${l_ms:-never} ms after the write, as the kernel's (${k_ms:-never})" \
	test "${l_ms:-0}" -gt 0 -a "${l_ms:-0}" -ge $((${k_ms:-0} - 800)) \
		-a "${l_ms:-0}" -le $((${k_ms:-0} + 1000))
ltcp_check "... after sending the data as often ($l_tx times, kernel $k_tx)" \
	test "$l_tx" -ge $((k_tx - 1)) -a "$l_tx" -le $((k_tx + 1)) -a "$l_tx" -ge 2
ltcp_exit
