#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness test: a selftest that skips.
exit 4
