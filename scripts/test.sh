#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test.sh: the second README command (and .ci/run). Installs dependencies,
# builds, runs every test: check unit tests and integration tests through
# ctest (gcc), the unit tests again built by clang and under ASan+UBSan,
# the fuzz harnesses and the benchmark scripts' smoke runs. Kernel audit state is restored at the end whatever
# happens.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export VIGIL_TEST_NO_LOCK=1

scripts/setup.sh

# The kernel audit state as found (rules, enabled, backlog settings) is put
# back at the end. Nothing is ever stopped by name: a production vigild or
# auditd on this host is left alone, and the live tests skip while a
# process the tests did not start holds the audit pid.
saved_status=$(auditctl -s 2>/dev/null || true)
saved_rules=$(mktemp /tmp/vigil-test-rules.XXXXXX)
auditctl -l >"$saved_rules" 2>/dev/null || true
saved() { printf '%s\n' "$saved_status" | awk -v k="$1" '$1 == k { print $2 }'; }
foreign_pid=$(saved pid)
[ "${foreign_pid:-0}" = 0 ] && foreign_pid=""
if [ -n "$foreign_pid" ] && [ -d "/proc/$foreign_pid" ]; then
	echo "test.sh: audit pid $foreign_pid ($(cat "/proc/$foreign_pid/comm" \
	    2>/dev/null)) is not ours: the live tests skip and leave it alone"
fi
# Processes of ours still alive at the end: a vigild from this tree's build
# directories (identified by executable path, never by name).
stop_ours() {
	local p exe
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in
		"$top"/build*/vigild)
			echo "test.sh: stopping leftover ${p#/proc/} ($exe)"
			kill -TERM "${p#/proc/}" 2>/dev/null || true ;;
		esac
	done
}
restore_kernel() {
	if [ "$(id -u)" = 0 ] && command -v auditctl >/dev/null; then
		# serialized with every other test that touches the kernel
		exec 9>>/tmp/vigil-kernel.lock
		flock -w 600 9 || true
		stop_ours
		sleep 0.5
		if [ -z "$foreign_pid" ]; then
			auditctl -D >/dev/null 2>&1 || true
			grep -qx 'No rules' "$saved_rules" ||
			    auditctl -R "$saved_rules" >/dev/null 2>&1 || true
			case "$(saved enabled)" in
			1) auditctl -e 1 >/dev/null 2>&1 || true ;;
			*) auditctl -e 0 >/dev/null 2>&1 || true ;;
			esac
			[ -n "$(saved backlog_limit)" ] &&
			    auditctl -b "$(saved backlog_limit)" >/dev/null 2>&1
			[ -n "$(saved backlog_wait_time)" ] && auditctl \
			    --backlog_wait_time "$(saved backlog_wait_time)" \
			    >/dev/null 2>&1
			[ -n "$(saved rate_limit)" ] &&
			    auditctl -r "$(saved rate_limit)" >/dev/null 2>&1
		fi
		python3 "$top/tests/integration/kernel_reset.py" 2>/dev/null || true
		auditctl -s 2>/dev/null | grep -E '^(enabled|pid|lost)' | tr '\n' ' '
		echo
	fi
	rm -f "$saved_rules"
	exec 9>&-
}
trap restore_kernel EXIT

scripts/build.sh "$top/build"

status=0
echo "=== ctest: unit and integration tests ==="
# (pipefail: a failing ctest fails the pipe)
(cd build && ctest --output-on-failure --timeout 900) 2>&1 |
    tee build/ctest.log || status=1
# On a root machine with kernel audit and no foreign audit daemon every
# test must run: a skip there hides a test that no longer runs.
if [ "$(id -u)" = 0 ] && [ -z "$foreign_pid" ] &&
    auditctl -s >/dev/null 2>&1 &&
    grep -q '\*\*\*Skipped' build/ctest.log; then
	echo "test.sh: tests skipped on a machine where all must run:"
	grep '\*\*\*Skipped' build/ctest.log
	status=1
fi

echo "=== clang build, warnings as errors, and its unit tests ==="
scripts/build.sh "$top/build-clang" -DCMAKE_C_COMPILER=clang
(cd build-clang && ctest --output-on-failure -L unit) || status=1

echo "=== unit tests under ASan+UBSan ==="
scripts/build.sh "$top/build-asan" -DVG_SANITIZE=ON
# (check's per-test timeouts stretched: ASan runs the hostile-filter
# tests 3-5 times slower; a hang still ends as a failure)
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    CK_TIMEOUT_MULTIPLIER=4 \
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
