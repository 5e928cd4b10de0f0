# SPDX-License-Identifier: GPL-2.0-or-later
"""replaybench.py: the driver shared by the `vigild --replay` benchmarks
(bench/filters.py, bench/outputs.py).

A benchmark names its modes and says how one run of a mode goes; this
module does the rest: the command line (`run` with --vigild, --records,
--format, --rounds, --modes, --quick, --out, --commit; `report`), the
generated log, the session id, rounds that run every mode once in an
order shuffled per round, the wait while `ab` runs, the timed replay
(CPU from wait4(), max RSS from /usr/bin/time, vigild -v counters), the
JSON lines of the results and the README.md section of the report.

It imports nothing of bench/vbench.py, so vbench.py can import its
helpers (run_timed, gen_log, git_head, proc_cpu) instead of keeping its
own.
"""
import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
RESULTS = os.path.join(HERE, "results")
README = os.path.join(HERE, "README.md")
CLK = os.sysconf("SC_CLK_TCK")
# run_timed() fields copied into a result as they are
TIMED = ("wall_s", "user_s", "sys_s", "cpu_s", "maxrss_kb", "rc")


def logger(prefix):
    """A log function writing "PREFIX: msg" lines to stderr."""
    def log(msg):
        print(prefix + ": " + msg, file=sys.stderr, flush=True)
    return log


# --- processes --------------------------------------------------------------

def run_timed(cmd, stdout=subprocess.DEVNULL):
    """CPU from wait4(); max RSS from /usr/bin/time's wait4 on the real
    process: ru_maxrss of a child forked from this Python includes the
    17 MB of Python it was forked from (kept across execve)."""
    os.makedirs(WORK, exist_ok=True)
    rssfile = os.path.join(WORK, "maxrss.%d.txt" % os.getpid())
    if shutil.which("time") or os.path.exists("/usr/bin/time"):
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rssfile] + cmd
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    maxrss = None
    try:
        with open(rssfile) as f:
            maxrss = int(f.read().split()[-1])
        os.unlink(rssfile)
    except (OSError, ValueError, IndexError):
        pass
    return {"wall_s": round(time.time() - t0, 3),
            "user_s": round(ru.ru_utime, 3), "sys_s": round(ru.ru_stime, 3),
            "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
            "maxrss_kb": maxrss, "rc": p.returncode, "stderr": err}


def proc_cpu(pid):
    """(utime, stime) of a whole process (all threads), seconds; None if
    it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
    except OSError:
        return None
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[11]) / CLK, int(fields[12]) / CLK)


def proc_counts(pid):
    """(minor faults, voluntary, involuntary context switches) of a
    process, or None if it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read()
        with open("/proc/%d/status" % pid) as f:
            status = dict(ln.split(":", 1) for ln in f if ":" in ln)
    except OSError:
        return None
    fields = st[st.rindex(")") + 2:].split()
    return (int(fields[7]), int(status["voluntary_ctxt_switches"]),
            int(status["nonvoluntary_ctxt_switches"]))


def wait_no_ab(log, poll=1.0):
    """Blocks while a process named exactly `ab` exists (pgrep -x ab):
    bench/ab.sh must not be disturbed, and would disturb us. Returns the
    seconds waited."""
    t0 = time.time()
    said = False
    while subprocess.run(["pgrep", "-x", "ab"], stdout=subprocess.DEVNULL
                         ).returncode == 0:
        if not said:
            log("ab is running: waiting")
            said = True
        time.sleep(poll)
    return round(time.time() - t0, 1)


def loadavg1():
    """The 1-minute load average."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def git_head():
    r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       text=True)
    return r.stdout.strip() or None


# --- the log ----------------------------------------------------------------

def gen_log(records, fmt):
    """bench/work/replay-RECORDS-FMT.log from bench/gen-log.py (kept until
    gen-log.py changes) and its {"records", "events", "bytes"}."""
    os.makedirs(WORK, exist_ok=True)
    path = os.path.join(WORK, "replay-%d-%s.log" % (records, fmt))
    meta_path = path + ".meta"
    gen = os.path.join(HERE, "gen-log.py")
    if os.path.exists(meta_path) and os.path.getmtime(meta_path) >= \
            os.path.getmtime(gen):
        with open(meta_path) as f:
            return path, json.load(f)
    r = subprocess.run([sys.executable, gen, "--records", str(records),
                        "--format", fmt, "-o", path], check=True,
                       stderr=subprocess.PIPE, text=True)
    m = re.search(r"(\d+) records, (\d+) events", r.stderr)
    info = {"records": int(m.group(1)), "events": int(m.group(2)),
            "bytes": os.path.getsize(path)}
    with open(meta_path, "w") as f:
        json.dump(info, f)
    return path, info


# --- one timed replay -------------------------------------------------------

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


def timed_replay(cmd, events):
    """Runs a vigild -v command under run_timed(): the result fields
    (TIMED, counters, events_per_cpu_s) and vigild's stderr."""
    t = run_timed(cmd)
    res = {k: t[k] for k in TIMED}
    res["counters"] = counters(t["stderr"])
    res["events_per_cpu_s"] = round(events / max(t["cpu_s"], 1e-3))
    return res, t["stderr"]


# --- a session --------------------------------------------------------------

def session_path(cfg, kind, session):
    if cfg.out:
        return cfg.out
    if cfg.quick:
        os.makedirs(WORK, exist_ok=True)
        return os.path.join(WORK, "%s-quick.jsonl" % kind)
    os.makedirs(RESULTS, exist_ok=True)
    return os.path.join(RESULTS, "%s-%s.jsonl" % (kind, session))


class Session:
    """One `run`: the session id, bench/work/KIND-run, the generated log
    (path, info), the modes asked for, the results file and the fields
    every result carries (host, kernel, commit, vigild)."""

    def __init__(self, cfg, kind, all_modes, log):
        self.cfg = cfg
        self.kind = kind
        self.log = log
        self.modes = cfg.modes.split(",")
        for m in self.modes:
            if m not in all_modes:
                raise SystemExit("unknown mode %s (%s)" % (
                    m, ",".join(all_modes)))
        self.id = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
        self.rundir = os.path.join(WORK, kind + "-run")
        os.makedirs(self.rundir, exist_ok=True)
        self.path, self.info = gen_log(cfg.records, cfg.format)
        self.outpath = session_path(cfg, kind, self.id)
        st = os.stat(cfg.vigild)
        self.meta = {"host": os.uname().nodename,
                     "kernel": os.uname().release,
                     "commit": cfg.commit or git_head(),
                     "vigild": cfg.vigild,
                     "vigild_mtime": int(st.st_mtime)}

    def announce(self):
        self.log("%s: %d records, %d events; %d rounds x %s -> %s" % (
            self.path, self.info["records"], self.info["events"],
            self.cfg.rounds, ",".join(self.modes), self.outpath))

    def rounds(self):
        """(round, mode): every round runs every mode once, in an order
        shuffled per round."""
        for rnd in range(1, self.cfg.rounds + 1):
            order = self.modes[:]
            random.shuffle(order)
            for mode in order:
                yield rnd, mode

    def result(self, rnd, mode):
        """The fields a timed run's result starts with."""
        return {"schema": 1, "kind": self.kind, "session": self.id,
                "round": rnd, "mode": mode, "format": self.cfg.format,
                "records": self.info["records"],
                "events": self.info["events"],
                "log_bytes": self.info["bytes"]}

    def record(self, out, res, bad):
        """Completes a result (ok, the problems in bad, the session's
        fields) and writes it to out as one JSON line."""
        res["ok"] = not bad and "skipped" not in res
        if bad:
            res["problems"] = bad
        res.update(self.meta)
        out.write(json.dumps(res, sort_keys=True) + "\n")
        out.flush()


# --- report -----------------------------------------------------------------

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


def newest_session(kind):
    """(session id, its results) of the newest session of kind, or
    (None, [])."""
    sessions = load_results(kind)
    if not sessions:
        return None, []
    session = sorted(sessions)[-1]
    return session, sessions[session]


def by_mode(runs):
    by = {}
    for r in runs:
        by.setdefault(r["mode"], []).append(r)
    return by


def spread(vals):
    """(max-min)/2 relative to the median, in %."""
    med = statistics.median(vals)
    return 0 if med == 0 else (max(vals) - min(vals)) / 2 / med * 100


def splice(doc, name, text):
    """doc with the text between <!-- results:NAME:begin/end --> replaced
    by text."""
    begin = "<!-- results:%s:begin -->" % name
    end = "<!-- results:%s:end -->" % name
    i, j = doc.find(begin), doc.find(end)
    if i < 0 or j < i:
        raise SystemExit("README.md has no %s ... %s markers" % (begin, end))
    return doc[:i + len(begin)] + "\n" + text.rstrip("\n") + "\n" + doc[j:]


def replace_section(name, text):
    """Rewrites README.md between <!-- results:NAME:begin/end --> only."""
    with open(README) as f:
        doc = f.read()
    doc = splice(doc, name, text)
    with open(README, "w") as f:
        f.write(doc)


# --- command line -----------------------------------------------------------

def main(kind, doc, modes, rounds, cmd_run, report_text, add_options=None,
         quick=None):
    """The command line of a replay benchmark: `run` (cmd_run(cfg); exit
    77 without a vigild) and `report` (rewrites README.md's KIND
    section with report_text()). add_options(parser) adds the run
    options of the benchmark; quick: more settings of --quick."""
    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run the benchmark")
    r.add_argument("--vigild", default=os.path.join(REPO, "build", "vigild"))
    r.add_argument("--records", type=int, default=1200000)
    r.add_argument("--format", default="raw", choices=("raw", "enriched"))
    r.add_argument("--rounds", type=int, default=rounds)
    r.add_argument("--modes", default=",".join(modes))
    r.add_argument("--quick", action="store_true",
                   help="50k records, 1 round, to bench/work/")
    if add_options:
        add_options(r)
    r.add_argument("--out", help="results file (default: by session)")
    r.add_argument("--commit", help="commit vigild was built from "
                   "(default: git HEAD of this tree)")
    sub.add_parser("report", help="rewrite the README.md %s section" % kind)
    cfg = ap.parse_args()
    if cfg.cmd == "report":
        replace_section(kind, report_text())
        return 0
    if cfg.quick:
        cfg.records, cfg.rounds = 50000, 1
        for k, v in (quick or {}).items():
            setattr(cfg, k, v)
    cfg.vigild = os.path.abspath(cfg.vigild)
    if not os.access(cfg.vigild, os.X_OK):
        logger(kind)("no vigild at %s (build it first)" % cfg.vigild)
        return 77
    return cmd_run(cfg)
