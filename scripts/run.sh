#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# run.sh: the first README command. Installs dependencies, builds, and runs
# vigild in the foreground on the demo configuration (conf/demo.conf):
# events as JSON lines to /var/log/vigil/events.json and to stdout. (The
# installed default, conf/vigild.conf, is the auditd drop-in for the unit.)
# Stop it with Ctrl-C: the kernel audit state is restored and the demo
# rules (conf/audit.rules) are removed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
install -d -m 0750 /var/log/vigil	# as tmpfiles.d makes it
# vigild restores pid and enabled itself; the demo rules go with it
trap '"$top/build/vigilctl" -D >/dev/null 2>&1 || true' EXIT
trap 'kill -TERM "$pid" 2>/dev/null' INT TERM
"$top/build/vigild" -f -c "$top/conf/demo.conf" \
    --rules "$top/conf/audit.rules" "$@" &
pid=$!
wait "$pid" || wait "$pid"
