#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/smoke.sh BUILD_DIR: the benchmarks' smoke run for scripts/test.sh.
# Proves both scripts work end to end (small n, one round, well under two
# minutes); asserts nothing about timing. Writes bench/work/quick.jsonl.
# Exit 0 also when a part must skip here (not root, no nginx...).
build=${1:-$(dirname "$0")/../build}
here=$(dirname "$0")
status=0
"$here/replay.sh" --quick --vigild "$build/vigild" || status=1
"$here/ab.sh" --quick --vigild "$build/vigild"
rc=$?
case $rc in
0) ;;
77) echo "bench/ab.sh --quick: skipped" ;;
*) status=1 ;;
esac
exit $status
