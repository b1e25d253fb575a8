#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netem part of ltcp_interop.sh (its own test, for the time limit):
# 20 ms delay, 1% and 5% loss, 25% reordering, 5% duplication and 0.5%
# corruption on the veth link, ltcp against ltcp and the kernel's TCP both
# ways, IPv4 and IPv6, SHA-256 at both ends.
LTCP_INTEROP_PART=netem exec "$(dirname "$0")/ltcp_interop.sh"
