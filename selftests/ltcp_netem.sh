#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netem part of ltcp_interop.sh (its own tests, for the time limit):
# 64 MiB each way at once, ltcp against ltcp and the kernel's TCP both
# ways, IPv4 and IPv6, SHA-256 at both ends, on a veth link with 20 ms
# delay, then 1% loss. ltcp_netem2.sh: 5% loss, 25% reordering;
# ltcp_netem3.sh: 5% duplication, 0.5% corruption.
LTCP_INTEROP_PART=netem LTCP_INTEROP_NETEM=${LTCP_INTEROP_NETEM:-1,2} \
	exec "$(dirname "$0")/ltcp_interop.sh"
