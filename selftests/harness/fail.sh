#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness test: a selftest that fails.
echo "this test fails on purpose"
exit 1
