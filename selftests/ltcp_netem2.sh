#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ltcp_netem.sh's matrix under 5% loss, then 25% reordering.
LTCP_INTEROP_PART=netem LTCP_INTEROP_NETEM=3,4 \
	exec "$(dirname "$0")/ltcp_interop.sh"
