#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peer_ltcp.sh: the scripted-peer suite written against the kernel's TCP
# (peer_kernel_tcp: handshakes, data, out-of-order data with SACK, RST,
# bad checksums, SYN-ACK retransmission, Nagle) run on ltcp's sockets: the
# segments ltcp puts on the wire must be the ones Linux puts there.
. "$(dirname "$0")/ltcp_lib.sh"
cd "$LTCP_TESTS_DIR" || exit $KSFT_FAIL
ltcp_require_module ltcp
LTCP_PEER_PROTO=ltcp exec ./peer_kernel_tcp
