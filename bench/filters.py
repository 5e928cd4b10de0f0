#!/usr/bin/env python3
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
import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
RESULTS = os.path.join(HERE, "results")
README = os.path.join(HERE, "README.md")
sys.path.insert(0, HERE)
import vbench  # noqa: E402  (gen_log, run_timed, git_head)

MODES = ["none", "prefilter", "lua-return0", "lua-exe", "lua-redact",
         "lua-dropexe"]
PREFILTER_RULES = ["key=bench-nomatch", "syscall.exe=/usr/sbin/bench-nomatch",
                   "type=CRED_REFR"]
RETURN0 = "-- trivial filter of bench/filters.py\n" \
          "function filter(event)\n\treturn 0\nend\n"


def log(msg):
    print("filters: " + msg, file=sys.stderr, flush=True)


# --- shared with outputs.py -------------------------------------------------

def wait_no_ab(poll=1.0):
    """Blocks while a process named exactly `ab` exists (pgrep -x ab);
    returns the seconds waited."""
    t0 = time.time()
    said = False
    while subprocess.run(["pgrep", "-x", "ab"], stdout=subprocess.DEVNULL
                         ).returncode == 0:
        if not said:
            log("ab is running: waiting")
            said = True
        time.sleep(poll)
    return round(time.time() - t0, 1)


def loadavg():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def counters(stderr):
    """Parses vigild -v's exit counters: {"output SPEC": {...},
    "final SPEC": {...} (queued outputs, after the drain),
    "filter NAME": {...}, "pipeline": {...}}."""
    res = {}
    for line in stderr.splitlines():
        m = re.match(r"(output|filter) (\S+) ((?:\w+=\d+ ?)+)$", line)
        f = re.match(r"vigild: output (\S+): final ((?:\w+=\d+ ?)+)$", line)
        if f:
            # queued outputs: after the drain at exit, so it supersedes
            # the "output SPEC" dump printed before the drain
            res["final " + f.group(1)] = {
                k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", f.group(2))}
        elif m:
            res["%s %s" % (m.group(1), m.group(2))] = {
                k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(3))}
        elif line.startswith("records="):
            res["pipeline"] = {k: int(v) for k, v in
                               re.findall(r"(\w+)=(\d+)", line)}
    return res


def meta(cfg):
    st = os.stat(cfg.vigild)
    return {"host": os.uname().nodename, "kernel": os.uname().release,
            "commit": cfg.commit or vbench.git_head(), "vigild": cfg.vigild,
            "vigild_mtime": int(st.st_mtime)}


def session_path(cfg, kind, session):
    if cfg.out:
        return cfg.out
    if cfg.quick:
        os.makedirs(WORK, exist_ok=True)
        return os.path.join(WORK, "%s-quick.jsonl" % kind)
    os.makedirs(RESULTS, exist_ok=True)
    return os.path.join(RESULTS, "%s-%s.jsonl" % (kind, session))


def load_results(kind):
    """All full-run results of kind, grouped by session (newest last)."""
    sessions = {}
    if not os.path.isdir(RESULTS):
        return sessions
    for name in sorted(os.listdir(RESULTS)):
        if not (name.startswith(kind + "-") and name.endswith(".jsonl")):
            continue
        with open(os.path.join(RESULTS, name)) as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    sessions.setdefault(r["session"], []).append(r)
    return sessions


def spread(vals):
    """(max-min)/2 relative to the median, in %."""
    med = statistics.median(vals)
    return 0 if med == 0 else (max(vals) - min(vals)) / 2 / med * 100


def replace_section(name, text):
    """Rewrites README.md between <!-- results:NAME:begin/end --> only."""
    with open(README) as f:
        doc = f.read()
    begin = "<!-- results:%s:begin -->" % name
    end = "<!-- results:%s:end -->" % name
    i, j = doc.find(begin), doc.find(end)
    if i < 0 or j < i:
        raise SystemExit("README.md has no %s ... %s markers" % (begin, end))
    doc = doc[:i + len(begin)] + "\n" + text.rstrip("\n") + "\n" + doc[j:]
    with open(README, "w") as f:
        f.write(doc)


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
    if not os.access(cfg.vigild, os.X_OK):
        log("no vigild at %s (build it first)" % cfg.vigild)
        return 77
    session = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    rundir = os.path.join(WORK, "filters-run")
    os.makedirs(rundir, exist_ok=True)
    path, info = vbench.gen_log(cfg.records, cfg.format)
    modes = cfg.modes.split(",")
    for m in modes:
        if m not in MODES:
            raise SystemExit("unknown mode %s (%s)" % (m, ",".join(MODES)))
    outpath = session_path(cfg, "filters", session)
    m0 = meta(cfg)
    failures = 0
    log("%s: %d records, %d events; %d rounds x %s -> %s" % (
        path, info["records"], info["events"], cfg.rounds, ",".join(modes),
        outpath))
    with open(outpath, "a") as out:
        for rnd in range(1, cfg.rounds + 1):
            order = modes[:]
            random.shuffle(order)
            for mode in order:
                extra, filters = mode_args(mode, rundir)
                cmd = [cfg.vigild, "--replay", path, "-v", "-o",
                       "json:/dev/null"] + extra
                waited = wait_no_ab()
                load0 = loadavg()
                t = vbench.run_timed(cmd)
                res = {"schema": 1, "kind": "filters", "session": session,
                       "round": rnd, "mode": mode, "format": cfg.format,
                       "records": info["records"], "events": info["events"],
                       "log_bytes": info["bytes"], "cmd": cmd,
                       "ab_wait_s": waited, "loadavg": load0}
                res.update({k: t[k] for k in ("wall_s", "user_s", "sys_s",
                                              "cpu_s", "maxrss_kb", "rc")})
                res["counters"] = counters(t["stderr"])
                res["events_per_cpu_s"] = round(
                    info["events"] / max(t["cpu_s"], 1e-3))
                bad = check(res, info, filters)
                res["ok"] = not bad
                if bad:
                    res["problems"] = bad
                    failures += 1
                res.update(m0)
                out.write(json.dumps(res, sort_keys=True) + "\n")
                out.flush()
                log("[round %d] %-12s cpu %.3f s wall %.3f s %s" % (
                    rnd, mode, t["cpu_s"], t["wall_s"],
                    "ok" if not bad else "FAILED: " + "; ".join(bad)))
        if cfg.callgrind:
            failures += run_callgrind(cfg, modes, rundir, session, m0, out)
    if not cfg.quick:
        print(report_text())
    return 1 if failures else 0


def run_callgrind(cfg, modes, rundir, session, m0, out):
    """Each mode once under callgrind on a small log: instruction counts
    do not depend on the machine's load. Returns the number of failures."""
    path, info = vbench.gen_log(cfg.callgrind_records, cfg.format)
    failures = 0
    for mode in modes:
        extra, filters = mode_args(mode, rundir)
        cg = os.path.join(rundir, "callgrind.out")
        cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + cg,
               cfg.vigild, "--replay", path, "-v", "-o",
               "json:/dev/null"] + extra
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        m = re.search(r"Collected : (\d+)", r.stderr)
        res = {"schema": 1, "kind": "filters-instr", "session": session,
               "mode": mode, "format": cfg.format,
               "records": info["records"], "events": info["events"],
               "cmd": cmd, "rc": r.returncode,
               "counters": counters(r.stderr),
               "instructions": int(m.group(1)) if m else None}
        bad = check(res, info, filters)
        if res["instructions"] is None:
            bad.append("no instruction count")
        res["ok"] = not bad
        if bad:
            res["problems"] = bad
            failures += 1
        res.update(m0)
        out.write(json.dumps(res, sort_keys=True) + "\n")
        out.flush()
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
    sessions = load_results("filters")
    if not sessions:
        return "No filters results yet."
    session = sorted(sessions)[-1]
    runs = [r for r in sessions[session] if r.get("ok") and
            r["kind"] == "filters"]
    instr = [r for r in sessions[session] if r.get("ok") and
             r["kind"] == "filters-instr"]
    if not runs:
        return "Session `%s`: no successful runs." % session
    r0 = runs[0]
    by = {}
    for r in runs:
        by.setdefault(r["mode"], []).append(r)
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
                         DESCR[mode], len(rs), cpu, spread(
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the benchmark")
    r.add_argument("--vigild", default=os.path.join(REPO, "build", "vigild"))
    r.add_argument("--records", type=int, default=1200000)
    r.add_argument("--format", default="raw", choices=("raw", "enriched"))
    r.add_argument("--rounds", type=int, default=7)
    r.add_argument("--modes", default=",".join(MODES))
    r.add_argument("--quick", action="store_true",
                   help="50k records, 1 round, to bench/work/")
    r.add_argument("--no-callgrind", dest="callgrind", action="store_false",
                   help="skip the instruction counts (callgrind)")
    r.add_argument("--callgrind-records", type=int, default=50000)
    r.add_argument("--out", help="results file (default: by session)")
    r.add_argument("--commit", help="commit vigild was built from "
                   "(default: git HEAD of this tree)")
    sub.add_parser("report", help="rewrite the README.md filters section")
    cfg = ap.parse_args()
    if cfg.cmd == "report":
        replace_section("filters", report_text())
        return 0
    if cfg.quick:
        cfg.records, cfg.rounds, cfg.callgrind = 50000, 1, False
    cfg.vigild = os.path.abspath(cfg.vigild)
    return cmd_run(cfg)


if __name__ == "__main__":
    sys.exit(main())
