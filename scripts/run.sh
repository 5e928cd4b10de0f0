#!/bin/sh
# run.sh: the first README command. Installs dependencies, builds, and runs
# vigild in the foreground on its default configuration (conf/vigild.conf):
# events as JSON lines to /var/log/vigil/events.json and to stdout.
# Stop it with Ctrl-C: the kernel audit state is restored.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/setup.sh"
"$top/scripts/build.sh"
mkdir -p /var/log/vigil
exec "$top/build/vigild" -f -c "$top/conf/vigild.conf" "$@"
