#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh SECONDS [HARNESS...]: builds the libFuzzer harnesses (clang,
# ASan+UBSan, -DVG_FUZZ=ON) in build-fuzz (or $VG_FUZZ_BUILD), builds the
# seed corpora there (seeds.sh) and runs each harness (all fuzz_*.c, or the
# ones named) for SECONDS, one process each, one after the other.
# run.sh --long [HARNESS...]: the scheduled campaign, one hour split evenly
# over the harnesses (contrib/vigil-fuzz.timer; docs/fuzzing.md).
# run.sh --total SECONDS [HARNESS...]: SECONDS split the same way.
# New inputs are kept in BUILD/fuzz-work/NAME between runs; crashes go to
# BUILD/fuzz-crashes/; --long and --total append one line per harness to
# BUILD/fuzz-history.log. Exit 0 if no harness found a crash, leak or
# timeout; 1 otherwise; 75 if another run.sh holds the build dir; 77 if
# clang is missing.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
usage="usage: run.sh SECONDS | --long | --total SECONDS [HARNESS...]"
total=
case "${1:-}" in
--long)
	total=3600
	shift
	;;
--total)
	total=${2:?$usage}
	shift 2
	;;
'' | -*)
	echo "$usage" >&2
	exit 2
	;;
*)
	secs=$1
	shift
	;;
esac
build=${VG_FUZZ_BUILD:-$top/build-fuzz}

if ! command -v clang >/dev/null; then
	echo "run.sh: clang not found, fuzzing skipped" >&2
	exit 77
fi
if [ $# -eq 0 ]; then
	for f in "$top"/tests/fuzz/fuzz_*.c; do
		set -- "$@" "$(basename "$f" .c)"
	done
fi
if [ -n "$total" ]; then
	secs=$((total / $#))
	[ "$secs" -ge 10 ] || secs=10
fi
mkdir -p "$build"
# one campaign per build dir: a timer firing during a long run waits out
exec 9>"$build/fuzz.lock"
if ! flock -n 9; then
	echo "run.sh: $build is in use by another run" >&2
	exit 75
fi
CC=clang cmake -B "$build" -S "$top" -DVG_FUZZ=ON -DVG_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build "$build" -j2 --target "$@" >/dev/null || {
	echo "run.sh: build failed" >&2
	exit 1
}
"$top/tests/fuzz/seeds.sh" "$build/fuzz-seeds" >/dev/null || exit 1
mkdir -p "$build/fuzz-crashes"
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)

status=0
for t in "$@"; do
	mkdir -p "$build/fuzz-work/$t" "$build/fuzz-seeds/$t"
	log="$build/fuzz-work/$t.log"
	# inputs up to 16 KiB, or the largest seed (the 64 KiB lines)
	maxlen=$(find "$build/fuzz-seeds/$t" -type f -printf '%s\n' |
	    sort -n | tail -1)
	[ "${maxlen:-0}" -gt 16384 ] || maxlen=16384
	# -close_fd_mask=3: vigil's own diagnostics are expected noise; the
	# sanitizer and libFuzzer reports still reach the log
	"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len="$maxlen" -close_fd_mask=3 -print_final_stats=1 \
	    -artifact_prefix="$build/fuzz-crashes/$t-" \
	    "$build/fuzz-work/$t" "$build/fuzz-seeds/$t" >"$log" 2>&1
	rc=$?
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	if [ $rc -ne 0 ]; then
		status=1
		result="FAIL exit $rc"
		echo "FAIL $t (exit $rc), see $log:"
		grep -E 'ERROR|SUMMARY|assertion|Test unit written' "$log" |
		    head -5 | sed 's/^/  /'
	else
		result=ok
		echo "ok   $t ${done_line#*DONE}"
	fi
	if [ -n "$total" ]; then
		printf '%s %s %s %ss execs=%s %s %s\n' \
		    "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$commit" "$t" "$secs" \
		    "${execs:-?}" "$(echo "${done_line#*DONE}" | tr -s ' ')" \
		    "$result" >>"$build/fuzz-history.log"
	fi
done
exit $status
