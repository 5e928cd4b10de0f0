#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""pair.py: two vigild builds in one ab session, round by round.

    bench/pair.py run A_VIGILD B_VIGILD [--rounds N] [--modes M] [-n N]
    bench/pair.py report FILE

`run` alternates one-round bench/ab.sh calls (the floor and each vigild
mode, socket rules) between build A and build B, A first, N times, and
appends every run to bench/results/pair/SESSION.jsonl (a folder report.py
does not read: each call is a session of its own there). On this host one
mode's CPU spreads over +-15% from run to run, mostly system time, so a
change to user time is seen in the user column first; the ratios need
many rounds. `report` prints, per build, the median of the per-call ratios
(noctx / floor, json / noctx, lua / json) with quartiles and the median
CPU (user / sys) of each mode. Root, kernel state as bench/ab.sh.
"""
import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RATIOS = [("noctx / floor", "vigild-json-noctx", "floor"),
          ("json / noctx", "vigild-json", "vigild-json-noctx"),
          ("lua / json", "vigild-lua", "vigild-json")]


def cmd_run(a):
    outdir = os.path.join(HERE, "results", "pair")
    os.makedirs(outdir, exist_ok=True)
    out = os.path.join(outdir, time.strftime("%Y%m%dT%H%M%S",
                                             time.gmtime()) + ".jsonl")
    for rnd in range(1, a.rounds + 1):
        for v in (a.a, a.b):
            print("pair.py: round %d of %d, %s" % (rnd, a.rounds, v),
                  flush=True)
            r = subprocess.run([sys.executable,
                                os.path.join(HERE, "vbench.py"), "ab",
                                "--rounds", "1", "--rules", "socket",
                                "--bwt0-modes", "", "-n", str(a.n),
                                "--modes", a.modes, "--vigild",
                                os.path.abspath(v), "--out", out])
            if r.returncode != 0:
                return r.returncode
    print("pair.py: %s" % out)
    return report(out)


def quart(xs):
    xs = sorted(xs)
    if len(xs) < 4:
        return "%.2f (n=%d)" % (statistics.median(xs), len(xs))
    q = statistics.quantiles(xs, n=4)
    return "%.2f (%.2f–%.2f, n=%d)" % (statistics.median(xs), q[0], q[2],
                                       len(xs))


def report(path):
    calls = collections.OrderedDict()
    for line in open(path):
        if not line.strip():
            continue
        r = json.loads(line)
        if r.get("status", "ok") == "ok" and "daemon_cpu_s" in r:
            calls.setdefault(r["session"], {})[r["mode"]] = r
    builds = collections.OrderedDict()
    for runs in calls.values():
        v = next((r["vigild"] for r in runs.values() if r.get("vigild")),
                 None)
        if v is not None:
            builds.setdefault(v, []).append(runs)
    if not builds:
        print("pair.py: no vigild runs in %s" % path, file=sys.stderr)
        return 1
    for v, cl in builds.items():
        print("%s: %d calls" % (v, len(cl)))
        for name, num, den in RATIOS:
            xs = [c[num]["daemon_cpu_s"] / c[den]["daemon_cpu_s"]
                  for c in cl if num in c and den in c and
                  c[den]["daemon_cpu_s"]]
            if xs:
                print("  %-14s %s" % (name, quart(xs)))
        modes = sorted({m for c in cl for m in c})
        for m in modes:
            rs = [c[m] for c in cl if m in c]
            print("  %-18s CPU s %.2f (user %.2f / sys %.2f)" % (
                m, statistics.median(r["daemon_cpu_s"] for r in rs),
                statistics.median(r.get("daemon_user_s", 0) for r in rs),
                statistics.median(r.get("daemon_sys_s", 0) for r in rs)))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("a")
    r.add_argument("b")
    r.add_argument("--rounds", type=int, default=6)
    r.add_argument("-n", type=int, default=100000)
    r.add_argument("--modes", default="floor,vigild-json-noctx,vigild-json,"
                   "vigild-lua")
    p = sub.add_parser("report")
    p.add_argument("file")
    a = ap.parse_args()
    return cmd_run(a) if a.cmd == "run" else report(a.file)


if __name__ == "__main__":
    sys.exit(main())
