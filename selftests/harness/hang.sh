#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness test: a selftest that never ends, for the runner's time limit.
sleep 1000
