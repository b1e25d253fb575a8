#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ltcp_netem.sh's matrix with SACK off (net.ltcp.sack=0 in both
# namespaces: no connection negotiates it): 1% loss, 5% loss and 25%
# reordering, 16 MiB each way (the sender's NewReno path, RFC 6582,
# recovers one hole per round trip), SHA-256 at both ends; then the
# counters show that no SACK recovery ran and NewReno's did.
LTCP_TEST_SACK=0 LTCP_INTEROP_PART=netem LTCP_INTEROP_NETEM=2,3,4 \
	LTCP_INTEROP_MB=${LTCP_INTEROP_MB:-16} \
	exec "$(dirname "$0")/ltcp_interop.sh"
