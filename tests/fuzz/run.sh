#!/bin/bash
# run.sh SECONDS [HARNESS...]: builds the libFuzzer harnesses (clang,
# ASan+UBSan, -DVG_FUZZ=ON) in build-fuzz (or $VG_FUZZ_BUILD), builds the
# seed corpora there (seeds.sh) and runs each harness (all fuzz_*.c, or the
# ones named) for SECONDS, one process each. New inputs are kept in
# BUILD/fuzz-work/NAME between runs; crashes go to BUILD/fuzz-crashes/.
# Exit 0 if no harness found a crash, leak or timeout; 1 otherwise; 77 if
# clang is missing.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:?usage: run.sh SECONDS [HARNESS...]}
shift
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
CC=clang cmake -B "$build" -S "$top" -DVG_FUZZ=ON -DVG_SANITIZE=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build "$build" -j2 --target "$@" >/dev/null || {
	echo "run.sh: build failed" >&2
	exit 1
}
"$top/tests/fuzz/seeds.sh" "$build/fuzz-seeds" >/dev/null || exit 1
mkdir -p "$build/fuzz-crashes"

status=0
for t in "$@"; do
	mkdir -p "$build/fuzz-work/$t"
	log="$build/fuzz-work/$t.log"
	# -close_fd_mask=3: vigil's own diagnostics are expected noise; the
	# sanitizer and libFuzzer reports still reach the log
	"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -max_len=16384 -close_fd_mask=3 -print_final_stats=1 \
	    -artifact_prefix="$build/fuzz-crashes/$t-" \
	    "$build/fuzz-work/$t" "$build/fuzz-seeds/$t" >"$log" 2>&1
	rc=$?
	done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
	if [ $rc -ne 0 ]; then
		status=1
		echo "FAIL $t (exit $rc), see $log:"
		grep -E 'ERROR|SUMMARY|assertion|Test unit written' "$log" |
		    head -5 | sed 's/^/  /'
	else
		echo "ok   $t ${done_line#*DONE}"
	fi
done
exit $status
