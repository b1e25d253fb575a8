#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ltcp_netem.sh's matrix under 5% duplication, then 0.5% corruption (the
# corrupted segments must be dropped by checksum).
LTCP_INTEROP_PART=netem LTCP_INTEROP_NETEM=5,6 \
	exec "$(dirname "$0")/ltcp_interop.sh"
