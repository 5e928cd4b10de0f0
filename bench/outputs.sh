#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/outputs.sh: vigild --replay throughput to each output (file, unix,
# syslog UDP, Kafka) and two at once, as ratios to the file output
# (issue 7). No kernel state is touched. --quick: 50k records, 1 round.
# Options: --help.
exec python3 "$(dirname "$0")/outputs.py" run "$@"
