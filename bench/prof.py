#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""prof.py: where vigild's time goes, for bench/README.md.

replay: callgrind over `vigild --replay LOG -o json:/dev/null` (a 50k-record
        generated log by default); prints instruction shares per pipeline
        stage (from inclusive costs of the stage entry points) and the top
        functions by self cost.
perf:   summarizes a perf.data from `bench/ab.sh --perf` (live daemon):
        shares of user/kernel time, top symbols by self and children cost.
live:   callgrind of the live daemon under bench/ab.sh (prof_live.py):
        instructions per record and per event of the live receive path,
        per mode, on real kernel records.

usage: prof.py replay [--vigild PATH] [--records N] [--output json|raw]
                      [--log FILE] [--config FILE] [--env NAME=VALUE]
                      [--lua FILE]
       prof.py perf FILE.data
       prof.py live [--vigild PATH] [-n N] [--modes M1,M2]
"""
import argparse
import lzma
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
sys.path.insert(0, HERE)
import prof_live  # noqa: E402

# stage -> entry points (first found wins); shares are inclusive costs,
# group is what vg_pipeline_record costs minus the emit it triggers
STAGES = [
    ("read input (read(2), line split)", ["replay_fd", "vg_replay_files"]),
    ("parse (record FSM, fields)", ["vg_parse_line_memo", "vg_parse_line"]),
    ("group+emit (incl. decode, output)", ["vg_pipeline_record"]),
    ("layout (layout.c, either sink)", ["vg_layout_event"]),
    ("  JSON sink", ["vg_jsink_event"]),
    ("  tree sink", ["vg_decode_event_with", "vg_decode_event_counts"]),
    ("output (JSON/RAW writer)", ["vg_output_write"]),
    ("write(2)", ["write", "__libc_write", "__GI___libc_write"]),
    ("malloc/free", ["malloc", "free", "calloc", "realloc", "_int_malloc",
                     "_int_free"]),
]


CLONE = re.compile(r"(\.(lto_priv|constprop|isra|part|cold)(\.\d+)?)+$")


def callgrind_functions(outfile, inclusive):
    r = subprocess.run(["callgrind_annotate", "--inclusive=%s" % (
        "yes" if inclusive else "no"), "--threshold=100", outfile],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        check=True)
    total = None
    funcs = {}
    for line in r.stdout.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(?[\d.%\s)]*\s*PROGRAM TOTALS", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"\s*([\d,]+)\s+(?:\([\d.%\s]+\)\s+)?(\S.*?):(\S+?)"
                     r"(?:\s+\[.*\])?\s*$", line)
        if m:
            ir = int(m.group(1).replace(",", ""))
            # gcc's clones (LTO, VG_PGO) under the function's own name:
            # on_read.lto_priv.1, walk.part.0, x.constprop.0.isra.0.
            # Self costs of a function's clones and of its parts in
            # other files (inlined from a header) add up. Inclusive
            # costs do not: a function includes the clones it calls,
            # and callgrind_annotate gives each file part the whole, so
            # the largest stands for the function
            name = CLONE.sub("", m.group(3))
            funcs[name] = (max(ir, funcs.get(name, 0)) if inclusive else
                           funcs.get(name, 0) + ir)
    return total, funcs


def startup_cost(cmd, path, env):
    """Instructions of cmd with path replaced by an empty log: what every
    run spends once (dynamic linking, configuration, Lua state)."""
    empty = os.path.join(WORK, "empty.log")
    out = os.path.join(WORK, "callgrind.empty.out")
    open(empty, "w").close()
    cmd = [empty if c == path else c for c in cmd]
    cmd = ["--callgrind-out-file=" + out if c.startswith(
        "--callgrind-out-file=") else c for c in cmd]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    return callgrind_functions(out, True)[0]


def cmd_replay(a):
    import vbench
    if a.log:
        path = a.log
        opener = lzma.open if path.endswith(".xz") else open
        with opener(path, "rb") as f:
            nrec = sum(1 for _ in f)
        if path.endswith(".xz"):
            os.makedirs(WORK, exist_ok=True)
            plain = os.path.join(WORK, os.path.basename(path)[:-3])
            with lzma.open(path, "rb") as f, open(plain, "wb") as o:
                o.write(f.read())
            path = plain
        info = {"records": nrec}
        a.format = os.path.basename(path)
    else:
        path, info = vbench.gen_log(a.records, a.format)
    out = os.path.join(WORK, "callgrind.replay.out")
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           a.vigild, "--replay", path, "-o", "%s:/dev/null" % a.output]
    if a.config:
        cmd[4:4] = ["-c", a.config]
    for f in a.lua:
        cmd[-2:-2] = ["--lua", f]
    env = dict(os.environ)
    for kv in a.env:
        k, _, v = kv.partition("=")
        env[k] = v
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, env=env)
    total, incl = callgrind_functions(out, True)
    _, self_ = callgrind_functions(out, False)
    start = startup_cost(cmd, path, env)
    print("callgrind: vigild --replay %d records (%s)%s -o %s:/dev/null: "
          "%.1f M instructions, %.0f instructions per record" % (
              info["records"], a.format,
              "".join(" --lua " + f for f in a.lua), a.output,
              total / 1e6, total / info["records"]))
    print("start-up (the same command on an empty log): %.1f M; "
          "%.0f instructions per record without it" % (
              start / 1e6, (total - start) / info["records"]))
    print()
    print("| stage | entry point | share of instructions |")
    print("|---|---|---|")
    for stage, names in STAGES:
        for n in names:
            if n in incl:
                print("| %s | `%s` | %.1f%% |" % (stage, n,
                                                  incl[n] / total * 100))
                break
        else:
            print("| %s | – (inlined or absent) | – |" % stage)
    print()
    print("Top functions by self cost:")
    print()
    print("| function | self share |")
    print("|---|---|")
    for n, ir in sorted(self_.items(), key=lambda kv: -kv[1])[:a.top]:
        print("| `%s` | %.1f%% |" % (n, ir / total * 100))
    print()
    print("(callgrind output: %s; callgrind_annotate it for details)" % out)


def cmd_perf(a):
    def report(*extra):
        r = subprocess.run(["perf", "report", "-i", a.data, "--stdio",
                            "--percent-limit", "1"] + list(extra),
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
        return r.stdout
    print("== by dso (self) ==")
    print("\n".join(l for l in report("--no-children", "--sort", "dso",
                                      "-g", "none").splitlines()
                    if l.strip() and not l.startswith("#")))
    print("== top symbols (self) ==")
    print("\n".join(l for l in report("--no-children", "--sort", "sym",
                                      "-g", "none").splitlines()
                    if l.strip() and not l.startswith("#"))[:40 * 100])
    print("== top symbols (children, inclusive) ==")
    lines = [l for l in report("--children", "--sort", "sym", "-g",
                               "none").splitlines()
             if l.strip() and not l.startswith("#")]
    print("\n".join(lines[:a.top]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("replay")
    r.add_argument("--vigild", default=os.path.join(REPO, "build", "vigild"))
    r.add_argument("--records", type=int, default=50000)
    r.add_argument("--format", default="raw", choices=("raw", "enriched"))
    r.add_argument("--output", default="json", choices=("json", "raw"))
    r.add_argument("--top", type=int, default=20)
    r.add_argument("--log", help="replay this log (.xz too) instead of a "
                   "generated one, e.g. bench/data/ab60k.log.xz")
    r.add_argument("--config", help="vigild.conf for the replay (-c), e.g. "
                   "bench/noctx.conf")
    r.add_argument("--env", action="append", default=[],
                   help="NAME=VALUE for vigild (VIGIL_TOP=1)")
    r.add_argument("--lua", action="append", default=[], metavar="FILE",
                   help="run vigild with --lua FILE (repeatable), e.g. "
                   "bench/filter.lua")
    p = sub.add_parser("perf")
    p.add_argument("data")
    p.add_argument("--top", type=int, default=30)
    prof_live.add_parser(sub, os.path.join(REPO, "build", "vigild"))
    a = ap.parse_args()
    if a.cmd == "live":
        return prof_live.cmd_live(a, callgrind_functions)
    return cmd_replay(a) if a.cmd == "replay" else cmd_perf(a)


if __name__ == "__main__":
    sys.exit(main())
