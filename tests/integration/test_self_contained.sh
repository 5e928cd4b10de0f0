#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# test_self_contained.sh: a clone must pass alone. No file of the project
# may read the team's shared folder beside the clone (a user's clone does
# not have it), and no script may stop a process by name (that would stop
# a production daemon on the host running the tests).
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
fail=0
# the patterns are built so that this file does not match itself
up=".."; pat="$up/shared"
hits=$(grep -rIlF --exclude-dir=.git --exclude-dir='build*' \
    --exclude-dir=corpus -e "$pat" .)
if [ -n "$hits" ]; then
	echo "FAIL: files refer to $pat:"; echo "$hits"; fail=1
else
	echo "ok: nothing refers to $pat"
fi
k1="pki"; k2="llall"
hits=$(grep -rInwE --exclude-dir=data "(${k1}ll|ki${k2})" scripts tests bench \
    .ci)
if [ -n "$hits" ]; then
	echo "FAIL: processes stopped by name:"; echo "$hits"; fail=1
else
	echo "ok: no process is stopped by name"
fi
# the corpus the tests read is in the tree, intact
if (cd tests/data/corpus && sha256sum --quiet -c SHA256SUMS); then
	echo "ok: tests/data/corpus matches its SHA256SUMS"
else
	echo "FAIL: tests/data/corpus differs from SHA256SUMS"; fail=1
fi
[ -s tests/data/corpus/SOURCES.md ] || { echo "FAIL: no SOURCES.md"; fail=1; }
exit $fail
