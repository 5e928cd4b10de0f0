#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/replay.sh: vigild --replay throughput on a generated log of >= 1M
# records beside ausearch --raw and a libauparse walker (issue 3). No kernel
# state is touched. --quick: 50k records, 1 round. Options: --help.
exec python3 "$(dirname "$0")/vbench.py" replay "$@"
