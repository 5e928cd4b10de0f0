#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/ab.sh: Apache bench against nginx on 127.0.0.1 under kernel audit,
# auditd vs vigild (issue 9). Needs root; changes kernel audit state under
# /tmp/vigil-kernel.lock and restores it. --quick: smoke run (< 2 min).
# All options: bench/ab.sh --help. Results: bench/results/, bench/report.py.
exec python3 "$(dirname "$0")/vbench.py" ab "$@"
