#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# gen-syscalls.sh: refreshes data/syscalls/*.tsv (syscall number -> name for
# the arches whose numbering is not in the build host's uapi headers: arm,
# ppc, s390, s390x) from auditd's `ausyscall ARCH --dump`. The .tsv files are
# committed; scripts/gen-tables.py turns them into gperf/sc_*.gperf, so
# neither the build nor the tests need ausyscall. Run by hand after an auditd
# upgrade, then run scripts/gen-tables.py and review the diff.
#
#     scripts/gen-syscalls.sh [OUTDIR]    (default: data/syscalls)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../data/syscalls}
command -v ausyscall >/dev/null 2>&1 || {
	echo "gen-syscalls: ausyscall not found (Debian: apt-get install auditd)" >&2
	exit 1
}
ver=$(dpkg-query -W -f '${Version}' auditd 2>/dev/null || echo unknown)
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# dump ARCH TABLE: the table auditd uses for ARCH, with a check that
# ausyscall did not fall back to the x86_64 table for a name it lacks.
dump() {
	ausyscall "$1" --dump >"$tmp/$1" 2>&1 || {
		echo "gen-syscalls: ausyscall $1 --dump failed" >&2
		exit 1
	}
	head=$(sed -n 1p "$tmp/$1")
	if [ "$head" != "Using $2 syscall table:" ]; then
		echo "gen-syscalls: ausyscall $1: got '$head'" >&2
		exit 1
	fi
	sed 1d "$tmp/$1" >"$tmp/$1.body"
	if awk -F '\t' 'NF != 2 || $1 !~ /^[0-9]+$/ ||
	    $2 !~ /^[A-Za-z0-9_]+$/ { bad = 1 } END { exit !bad }' \
	    "$tmp/$1.body"; then
		echo "gen-syscalls: ausyscall $1: unexpected line" >&2
		exit 1
	fi
}

# write ARCH USED_FOR: header + "nr<TAB>name" lines sorted by number.
write() {
	{
		printf '# syscall number -> name for %s: ausyscall %s --dump\n' \
		    "$2" "$1"
		printf '# of auditd %s; made by scripts/gen-syscalls.sh.\n' "$ver"
		sort -n "$tmp/$1.body"
	} >"$out/$1.tsv"
	echo "gen-syscalls: $out/$1.tsv: $(wc -l <"$tmp/$1.body") syscalls"
}

# auditd 3.0.9 names its arm table armeb, and uses one ppc table for ppc,
# ppc64 and ppc64le.
dump arm armeb
dump ppc ppc
dump ppc64 ppc64
dump ppc64le ppc64le
dump s390 s390
dump s390x s390x
for a in ppc64 ppc64le; do
	cmp -s "$tmp/ppc.body" "$tmp/$a.body" || {
		echo "gen-syscalls: $a table differs from ppc; split sc_ppc" >&2
		exit 1
	}
done

write arm "arm (little-endian EABI)"
write ppc "ppc, ppc64 and ppc64le"
write s390 "s390 (31-bit)"
write s390x s390x
