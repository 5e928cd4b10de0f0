#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# build.sh [DIR [cmake args...]]: configure and build vigil (default ./build).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/build}
[ $# -gt 0 ] && shift
cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
