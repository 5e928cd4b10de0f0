#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# pgo-train.sh VIGILD DATADIR SRCDIR: the training run of the profile-guided
# build (contrib/pgo.cmake). VIGILD is built with -fprofile-generate=DATADIR;
# it replays, with the outputs and filters an admin uses, the ab capture of
# the benchmarks (bench/data/ab60k.log.xz: socket syscalls of a web server,
# the hot path) and every corpus log of the tests (execve, paths, users,
# AVC, malformed lines: the breadth) and, with python3, a generated mix.
# No kernel, no root, no network; everything goes to /dev/null, and a
# replay reads no vigild.conf but the one given with -c (not the build
# host's). DATADIR is emptied first, so the profile is this build's alone.
set -eu
vigild=$1
data=$2
src=$3
rm -rf "$data"
mkdir -p "$data"
log=$data/ab60k.log
xz -dc "$src/bench/data/ab60k.log.xz" >"$log"
run() { "$vigild" --replay "$@"; }
# the hot path, as the benchmarks and a default install run it
run "$log" -o json:/dev/null
run "$log" -c "$src/bench/replay-noctx.conf" -o json:/dev/null
run "$log" -o raw:/dev/null
run "$log" -o enriched:/dev/null
run "$log" --lua "$src/bench/filter.lua" -o json:/dev/null
run "$log" --lua "$src/bench/filter-write1.lua" -o json:/dev/null
run "$log" --lua "$src/bench/filter-drop90.lua" -o json:/dev/null
# a generated mix (bench/gen-log.py: execve, file and network events of
# many processes, with argv, paths and users): the context's cold paths
if command -v python3 >/dev/null; then
	python3 "$src/bench/gen-log.py" --records 30000 -o "$data/gen.log" \
	    >/dev/null
	run "$data/gen.log" -o json:/dev/null
	run "$data/gen.log" -c "$src/bench/replay-noctx.conf" -o json:/dev/null
	run "$data/gen.log" -o raw:/dev/null
	rm -f "$data/gen.log"
fi
# breadth: corpus logs may hold lines vigild refuses (it says so, exit 1)
for f in "$src"/tests/data/corpus/logs/*.log; do
	run "$f" -o json:/dev/null >/dev/null 2>&1 || true
done
rm -f "$log"
