#!/bin/bash
# test.sh: the second README command (and .ci/run). Installs dependencies,
# builds, runs every test: check unit tests and integration tests through
# ctest, the unit tests again under ASan+UBSan, and the benchmark scripts'
# smoke runs. Kernel audit state is restored at the end whatever happens.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export VIGIL_TEST_NO_LOCK=1

# shared kernel settings as found, put back at the end
saved_status=$(auditctl -s 2>/dev/null || true)
saved() { printf '%s\n' "$saved_status" | awk -v k="$1" '$1 == k { print $2 }'; }
restore_kernel() {
	if [ "$(id -u)" = 0 ] && command -v auditctl >/dev/null; then
		pkill -TERM -x vigild 2>/dev/null || true
		sleep 0.5
		auditctl -D >/dev/null 2>&1 || true
		auditctl -e 0 >/dev/null 2>&1 || true
		[ -n "$(saved backlog_limit)" ] &&
		    auditctl -b "$(saved backlog_limit)" >/dev/null 2>&1
		[ -n "$(saved backlog_wait_time)" ] && auditctl \
		    --backlog_wait_time "$(saved backlog_wait_time)" >/dev/null 2>&1
		[ -n "$(saved rate_limit)" ] &&
		    auditctl -r "$(saved rate_limit)" >/dev/null 2>&1
		python3 "$top/tests/integration/kernel_reset.py" 2>/dev/null || true
		auditctl -s 2>/dev/null | grep -E '^(enabled|pid|lost)' | tr '\n' ' '
		echo
	fi
}
trap restore_kernel EXIT

scripts/setup.sh
scripts/build.sh "$top/build"

status=0
echo "=== ctest: unit and integration tests ==="
(cd build && ctest --output-on-failure --timeout 900) || status=1

echo "=== unit tests under ASan+UBSan ==="
scripts/build.sh "$top/build-asan" -DVG_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --output-on-failure -L unit) || status=1

echo "=== libFuzzer: 15 s per harness (tests/fuzz/run.sh) ==="
rc=0
tests/fuzz/run.sh 15 || rc=$?
case $rc in
0) echo "fuzz: no crash, leak or timeout" ;;
77) echo "fuzz: skipped (no clang)" ;;
*) echo "fuzz: FAILED (see build-fuzz/fuzz-crashes)"; status=1 ;;
esac

for t in bench/smoke.sh; do
	if [ -x "$t" ]; then
		echo "=== $t ==="
		"$t" "$top/build" || status=1
	fi
done
exit $status
