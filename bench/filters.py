#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""filters.py: what Lua filters and the C prefilter cost vigild (issue 6).

`vigild --replay LOG -o json:/dev/null` over the generated log of
bench/gen-log.py, in these modes (each round runs every mode once, in an
order shuffled per round; CPU = user+sys from wait4()):

  none        no filter: the reference
  prefilter   3 `drop` lines in a vigild.conf (key=, syscall.exe=, type=)
              that match nothing, so the output is the same as `none`
  lua-return0 a Lua filter whose `filter` only returns 0
  lua-exe     bench/filter.lua: reads event.syscall.exe, passes everything
  lua-redact  lua/redact.lua (walks execve.argv and proctitle.argv)
  lua-dropexe lua/drop_exe.lua (exe table lookup + 2 glob matches)

Then each mode runs once under callgrind on a 50k-record log
(--no-callgrind skips it): instruction counts are deterministic, so costs
of a few percent show above the noise of a shared machine.

Every run is checked with `vigild -v` counters: the output must have sent
every event and each filter must have passed every event; a run that
fails the check is recorded with ok=false and kept out of the table.

Touches no kernel state. Before every timed run it waits while a process
named `ab` runs (bench/ab.sh must not be disturbed, and would disturb us).

usage: filters.py run [--records N] [--rounds R] [--modes a,b] [--quick]
       filters.py report          rewrite the filters section of README.md
One JSON object per run goes to bench/results/filters-SESSION.jsonl
(bench/work/filters-quick.jsonl with --quick).
"""
import os
import re
import statistics
import subprocess
import sys

import replaybench as rb

HERE = rb.HERE
REPO = rb.REPO
MODES = ["none", "prefilter", "lua-return0", "lua-exe", "lua-redact",
         "lua-dropexe"]
PREFILTER_RULES = ["key=bench-nomatch", "syscall.exe=/usr/sbin/bench-nomatch",
                   "type=CRED_REFR"]
RETURN0 = "-- trivial filter of bench/filters.py\n" \
          "function filter(event)\n\treturn 0\nend\n"
log = rb.logger("filters")


# --- run --------------------------------------------------------------------

def mode_args(mode, rundir):
    """Extra vigild arguments of a mode and the filter counter names
    (prefilter, or the Lua file's path) that must have passed every
    event."""
    if mode == "none":
        return [], []
    if mode == "prefilter":
        conf = os.path.join(rundir, "prefilter.conf")
        with open(conf, "w") as f:
            f.write("# bench/filters.py: drop rules that match nothing\n")
            for r in PREFILTER_RULES:
                f.write("drop = %s\n" % r)
        return ["-c", conf], ["prefilter"]
    if mode == "lua-return0":
        path = os.path.join(rundir, "return0.lua")
        with open(path, "w") as f:
            f.write(RETURN0)
        return ["--lua", path], [path]
    files = {"lua-exe": os.path.join(HERE, "filter.lua"),
             "lua-redact": os.path.join(REPO, "lua", "redact.lua"),
             "lua-dropexe": os.path.join(REPO, "lua", "drop_exe.lua")}
    path = files[mode]
    return ["--lua", path], [path]


def check(res, info, filters):
    """Problems with a run: the output must have sent every event, every
    filter passed every event."""
    c = res["counters"]
    bad = []
    if res["rc"] != 0:
        bad.append("exit %s" % res["rc"])
    out = c.get("output json:/dev/null", {})
    if out.get("sent") != info["events"]:
        bad.append("output sent %s of %d" % (out.get("sent"),
                                             info["events"]))
    for name in filters:
        f = c.get("filter " + name)
        if f is None:
            bad.append("no counters for filter %s" % name)
        elif f.get("passed") != info["events"] or f.get("errors"):
            bad.append("filter %s %s" % (name, f))
    return bad


def cmd_run(cfg):
    ses = rb.Session(cfg, "filters", MODES, log)
    failures = 0
    ses.announce()
    with open(ses.outpath, "a") as out:
        for rnd, mode in ses.rounds():
            extra, filters = mode_args(mode, ses.rundir)
            cmd = [cfg.vigild, "--replay", ses.path, "-v", "-o",
                   "json:/dev/null"] + extra
            res = ses.result(rnd, mode)
            res["ab_wait_s"] = rb.wait_no_ab(log)
            res["loadavg"] = rb.loadavg1()
            res["cmd"] = cmd
            t, _ = rb.timed_replay(cmd, ses.info["events"])
            res.update(t)
            bad = check(res, ses.info, filters)
            failures += bool(bad)
            ses.record(out, res, bad)
            log("[round %d] %-12s cpu %.3f s wall %.3f s %s" % (
                rnd, mode, res["cpu_s"], res["wall_s"],
                "ok" if not bad else "FAILED: " + "; ".join(bad)))
        if cfg.callgrind:
            failures += run_callgrind(cfg, ses, out)
    if not cfg.quick:
        print(report_text())
    return 1 if failures else 0


def run_callgrind(cfg, ses, out):
    """Each mode once under callgrind on a small log: instruction counts
    do not depend on the machine's load. Returns the number of failures."""
    path, info = rb.gen_log(cfg.callgrind_records, cfg.format)
    failures = 0
    for mode in ses.modes:
        extra, filters = mode_args(mode, ses.rundir)
        cg = os.path.join(ses.rundir, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg,
               cfg.vigild, "--replay", path, "-v", "-o",
               "json:/dev/null"] + extra
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        m = re.search(r"Collected : (\d+)", r.stderr)
        res = {"schema": 1, "kind": "filters-instr", "session": ses.id,
               "mode": mode, "format": cfg.format,
               "records": info["records"], "events": info["events"],
               "cmd": cmd, "rc": r.returncode,
               "counters": rb.counters(r.stderr),
               "instructions": int(m.group(1)) if m else None}
        bad = check(res, info, filters)
        if res["instructions"] is None:
            bad.append("no instruction count")
        failures += bool(bad)
        ses.record(out, res, bad)
        log("[callgrind] %-12s %s instructions %s" % (
            mode, res["instructions"], "ok" if not bad else
            "FAILED: " + "; ".join(bad)))
        if os.path.exists(cg):
            os.unlink(cg)
    return failures


# --- report -----------------------------------------------------------------

TARGETS = {"prefilter": 3.0, "lua-return0": 25.0}
DESCR = {
    "none": "no filter",
    "prefilter": "C prefilter, 3 `drop` rules matching nothing",
    "lua-return0": "Lua `return 0`",
    "lua-exe": "Lua bench/filter.lua (reads `syscall.exe`)",
    "lua-redact": "Lua lua/redact.lua",
    "lua-dropexe": "Lua lua/drop_exe.lua",
}


def report_text():
    session, allruns = rb.newest_session("filters")
    if session is None:
        return "No filters results yet."
    runs = [r for r in allruns if r.get("ok") and r["kind"] == "filters"]
    instr = [r for r in allruns if r.get("ok") and
             r["kind"] == "filters-instr"]
    if not runs:
        return "Session `%s`: no successful runs." % session
    r0 = runs[0]
    by = rb.by_mode(runs)
    if "none" not in by:
        return "Session `%s`: no `none` runs to compare with." % session
    base = statistics.median(r["cpu_s"] for r in by["none"])
    # paired ratios: a mode's CPU over the same round's `none`
    none_by_round = {r["round"]: r["cpu_s"] for r in by["none"]}
    loads = [r["loadavg"] for r in runs]
    lines = [
        "Session `%s`: host `%s`, commit `%s`, %s log of %d records / %d "
        "events (bench/gen-log.py), `-o json:/dev/null`, %d runs; 1-min "
        "load average before a run %.2f–%.2f." % (
            session, r0["host"], r0["commit"], r0["format"].upper(),
            r0["records"], r0["events"], len(runs), min(loads), max(loads)),
        "",
        "| mode | runs | CPU s (spread) | wall s | events/s (CPU) | "
        "throughput × none | cost | paired cost (range) | target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        if mode not in by:
            continue
        rs = by[mode]
        cpu = statistics.median(r["cpu_s"] for r in rs)
        wall = statistics.median(r["wall_s"] for r in rs)
        ratio = base / cpu
        paired = [1 - none_by_round[r["round"]] / r["cpu_s"]
                  for r in rs if r["round"] in none_by_round]
        if mode == "none":
            pc = "–"
        else:
            pc = "%.1f%% (%.0f…%.0f%%)" % (
                statistics.median(paired) * 100, min(paired) * 100,
                max(paired) * 100)
        cost = (1 - ratio) * 100
        tgt = ""
        if mode in TARGETS:
            tgt = "< %g%%: %s" % (TARGETS[mode], "met" if cost < TARGETS[mode]
                                  else "**not met**")
        lines.append("| %s | %d | %.3f (±%.0f%%) | %.3f | %s | %.3f× | %s | "
                     "%s | %s |" % (
                         DESCR[mode], len(rs), cpu, rb.spread(
                             [r["cpu_s"] for r in rs]), wall,
                         "{:,}".format(round(r0["events"] / cpu)), ratio,
                         "–" if mode == "none" else "%.1f%%" % cost, pc, tgt))
    lines += [
        "",
        "*cost* = 1 − throughput(mode) / throughput(no filter), from median "
        "CPU seconds (user+sys, wait4). *paired cost*: 1 − CPU of the no-filter "
        "run of the same round / CPU of the mode, median and range over the "
        "rounds.",
    ]
    if instr:
        lines += [
            "",
            "Instructions (callgrind, deterministic, so small costs show "
            "above the noise): `vigild --replay` of the %d-record log, same "
            "modes:" % instr[0]["records"],
            "",
            "| mode | instructions | per event | × none |",
            "|---|---|---|---|",
        ]
        ibase = {r["mode"]: r["instructions"] for r in instr}.get("none")
        for r in sorted(instr, key=lambda r: MODES.index(r["mode"])):
            lines.append("| %s | %s | %s | %s |" % (
                DESCR[r["mode"]], "{:,}".format(r["instructions"]),
                "{:,}".format(round(r["instructions"] / r["events"])),
                "%.3f×" % (r["instructions"] / ibase) if ibase else "–"))
    return "\n".join(lines) + "\n"


def callgrind_options(r):
    r.add_argument("--no-callgrind", dest="callgrind", action="store_false",
                   help="skip the instruction counts (callgrind)")
    r.add_argument("--callgrind-records", type=int, default=50000)


def main():
    return rb.main("filters", __doc__, MODES, 7, cmd_run, report_text,
                   add_options=callgrind_options, quick={"callgrind": False})


if __name__ == "__main__":
    sys.exit(main())
