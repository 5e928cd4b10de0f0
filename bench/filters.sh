#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/filters.sh: vigild --replay throughput with no filter, the C
# prefilter and Lua filters, as ratios to no filter (issue 6). No kernel
# state is touched. --quick: 50k records, 1 round. Options: --help.
exec python3 "$(dirname "$0")/filters.py" run "$@"
