#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peer_ltcp.sh: the scripted-peer suites, written with the kernel's TCP as
# the reference, run on ltcp's sockets (LTCP_PEER_PROTO=ltcp): the segments
# ltcp puts on the wire must be the ones Linux puts there.
# - peer_kernel_tcp: handshakes, data, Nagle, out-of-order data with SACK,
#   RST, bad checksums, SYN-ACK retransmission;
# - peer_sack: SACK and D-SACK blocks as a receiver;
# - peer_sack_sender: SACK loss recovery as a sender, reneging;
# - peer_prr: Proportional Rate Reduction;
# - peer_tlp: Tail Loss Probes (RFC 8985 section 7);
# - peer_rcvwin: the window against the buffer's memory (small segments);
# - peer_undo: undoing a spurious RTO or fast retransmit (RFC 3522);
# - peer_rack: RACK loss detection (RFC 8985 section 6);
# - peer_frto: F-RTO, a spurious timeout without timestamps (RFC 5682);
# - peer_mib: the Tcp counters of /proc/net/snmp against the wire;
# - peer_rate: the delivery rate sample (TCP_INFO delivery_rate);
# - peer_bbr: ltcp_bbr in fast recovery;
# - peer_pacing: internal pacing after the window opens;
# - peer_rto: the RTO's margin above a steady RTT;
# - peer_icmp: path MTU discovery from a router's ICMP, forged ICMP.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp
rc=0
for t in peer_kernel_tcp peer_sack peer_sack_sender peer_prr peer_tlp peer_rcvwin peer_undo \
	 peer_rack peer_frto peer_mib peer_rate peer_bbr peer_pacing peer_rto \
	 peer_icmp; do
	echo "== $t on ltcp"
	LTCP_PEER_PROTO=ltcp ./$t || rc=1
done
exit $rc
