# SPDX-License-Identifier: GPL-2.0-or-later
"""prof_live.py: `prof.py live`, callgrind of the live daemon under ab.

Runs bench/ab.sh (one round, socket rules, -n N, default 5000) with vigild
started under `valgrind --tool=callgrind` (a wrapper script given as
--vigild), so the instructions vigild spends on real kernel records are
counted per mode: what the host's kernel and CPU make of them drops out,
and two commits or two modes compare within a fraction of a percent where
CPU seconds drift by tens of percent between sessions. Under valgrind
vigild is some 50 times slower: the audited workload waits for it
(backlog_wait_time), the records are the same. The figure reported is the
inclusive cost of the live receive path (`on_read`: receive, parse,
group, context, filters, layout, output) per record and per event; the
loader and setup are left out. Needs root and what bench/ab.sh needs;
results go to bench/work/ only (not bench/results/).
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
ENTRY = "on_read"


def wrapper(vigild):
    path = os.path.join(WORK, "vigild-callgrind.sh")
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec valgrind --tool=callgrind "
                "--callgrind-out-file=%s/callgrind.live.%%p.out %s \"$@\"\n"
                % (WORK, vigild))
    os.chmod(path, 0o755)
    return path


def cmd_live(a, callgrind_functions):
    os.makedirs(WORK, exist_ok=True)
    out = os.path.join(WORK, "live-callgrind.jsonl")
    if os.path.exists(out):
        os.unlink(out)
    cmd = [sys.executable, os.path.join(HERE, "vbench.py"), "ab",
           "--rounds", "1", "--rules", "socket", "-n", str(a.n),
           "--modes", a.modes, "--bwt0-modes", "", "--vigild",
           wrapper(os.path.abspath(a.vigild)), "--out", out]
    r = subprocess.run(cmd)
    if r.returncode != 0:
        return r.returncode
    rows = [json.loads(ln) for ln in open(out) if ln.strip()]
    print("| mode | records | events | `%s` instructions | per record "
          "| per event |" % ENTRY)
    print("|---|---|---|---|---|---|")
    for row in rows:
        if row.get("daemon_pid") is None or row.get("status") == "skip":
            continue
        f = os.path.join(WORK, "callgrind.live.%d.out" % row["daemon_pid"])
        if not os.path.exists(f):
            print("prof.py live: no callgrind output for %s (%s)" %
                  (row["mode"], f), file=sys.stderr)
            return 1
        _, funcs = callgrind_functions(f, True)
        ir = funcs.get(ENTRY)
        if ir is None or not row.get("records") or not row.get("events"):
            print("prof.py live: %s: no %s in %s" % (row["mode"], ENTRY, f),
                  file=sys.stderr)
            return 1
        print("| %s | %d | %d | %.1f M | %.0f | %.0f |" % (
            row["mode"], row["records"], row["events"], ir / 1e6,
            ir / row["records"], ir / row["events"]))
    return 0


def add_parser(sub, default_vigild):
    p = sub.add_parser("live", help="callgrind of the live daemon under ab")
    p.add_argument("--vigild", default=default_vigild)
    p.add_argument("-n", type=int, default=5000, help="ab requests")
    p.add_argument("--modes", default="vigild-json-noctx,vigild-json,"
                   "vigild-lua", help="vigild modes of bench/ab.sh")
    return p
