#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""report.py: bench/results/*.jsonl -> the tables in bench/README.md.

Medians per (rule set, backlog_wait_time, mode) of every ab session,
ratios to the rules-only ceiling (req/s) and to auditd RAW measured in the
same session (CPU); the replay table of the newest replay session, ratio to
the libauparse walker. Writes between the <!-- results:...:begin/end -->
markers of bench/README.md, or to stdout with --stdout.

usage: report.py [--ab-session ID] [--replay-session ID] [--stdout]
"""
import argparse
import glob
import json
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODE_ORDER = ["off", "rules", "auditd-raw", "auditd-enriched", "vigild-json",
              "vigild-json-tree", "vigild-json-null",
              "vigild-raw", "vigild-lua", "vigild-discard", "floor",
              "floor-write", "floor-nodelay"]
TOOL_ORDER = ["vigild-json", "vigild-raw", "ausearch-raw", "auparse-walk"]


def load(paths):
    runs = []
    for p in paths:
        with open(p) as f:
            for line in f:
                line = line.strip()
                if line:
                    runs.append(json.loads(line))
    return runs


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def spread(vals):
    """(max - min) / median, in percent: how noisy the rounds were."""
    vals = [v for v in vals if v is not None]
    if len(vals) < 2:
        return None
    m = statistics.median(vals)
    return (max(vals) - min(vals)) / m * 100 if m else None


def fmt(v, nd=0, suffix=""):
    if v is None:
        return "–"
    if isinstance(v, float) and nd == 0:
        return "{:,.0f}{}".format(v, suffix)
    return "{:,.{nd}f}{}".format(v, suffix, nd=nd)


def ratio(a, b, nd=2):
    if a is None or not b:
        return "–"
    return "{:.{nd}f}×".format(a / b, nd=nd)


def mb(kb):
    return fmt(kb / 1024, 1) if kb else "–"


def kept(events, full):
    if events is None or not full:
        return "–"
    return "{:.1f}%".format(min(events / full, 9.99) * 100)


def ab_sessions(runs, wanted):
    """Every full ab session, newest first (each table is self-contained:
    ratios are to the ceiling and auditd RAW of the same session)."""
    if wanted:
        return wanted.split(",")
    return sorted({r["session"] for r in runs if r.get("kind") == "ab" and
                   not r.get("quick") and not r.get("perf")}, reverse=True)


def newest(runs, kind, session):
    runs = [r for r in runs if r.get("kind") == kind and not r.get("quick")
            and not r.get("perf")]
    if not runs:
        return None, []
    sid = session or max(r["session"] for r in runs)
    return sid, [r for r in runs if r["session"] == sid]


def ab_tables(runs, sid):
    ok = [r for r in runs if r.get("status") == "ok"]
    out = []
    r0 = ok[0] if ok else runs[0]
    loads = [r["loadavg"][0] for r in ok if r.get("loadavg")]
    out.append("Session `%s`: host `%s`, kernel %s, %s CPUs, commit `%s`, "
               "ab -n %s -c %s (no keep-alive), nginx %s worker(s), "
               "backlog_limit %s; %d runs ok, %d skipped, %d failed; "
               "1-min load average before a run %s–%s." % (
                   sid, r0.get("host"), r0.get("kernel"), r0.get("nproc"),
                   r0.get("commit"), r0.get("n"), r0.get("c"),
                   r0.get("nginx_workers"), r0.get("backlog_limit"), len(ok),
                   sum(r.get("status") == "skipped" for r in runs),
                   sum(r.get("status") == "failed" for r in runs),
                   fmt(min(loads), 2) if loads else "?",
                   fmt(max(loads), 2) if loads else "?"))
    fshare = [r["foreign_events"] / r["events"] for r in ok
              if r.get("foreign_events") is not None and r.get("events")]
    if fshare:
        out[-1] += (" Events from other processes than nginx and ab "
                    "(audited by the same rules): median %.2f%%, max %.2f%% "
                    "of a run's events." % (med(fshare) * 100,
                                            max(fshare) * 100))
    out.append("")
    groups = {}
    for r in ok:
        groups.setdefault((r["rules"], r["bwt"]), {}).setdefault(
            r["mode"], []).append(r)
    main_bwt = {}
    for rules, bwt in groups:
        main_bwt[rules] = max(bwt, main_bwt.get(rules, 0))
    for (rules, bwt) in sorted(groups, key=lambda k: (k[0] != "socket",
                                                      k[0], -k[1])):
        g = groups[(rules, bwt)]
        ceil = groups.get((rules, main_bwt[rules]), {}).get("rules", [])
        ceil_rps = med([r["ab"].get("rps") for r in ceil])
        # records the load generates per request (EOE not counted), from
        # the runs that wrote every record; every mode's CPU is divided by
        # the same number, so discard/floor (no records written) and lossy
        # bwt0 runs compare on the same work
        base = groups.get((rules, main_bwt[rules]), {})
        rpr = med([r["records"] / r["n"] for m in ("auditd-raw",
                                                    "vigild-json")
                   for r in base.get(m, []) if r.get("records")])

        def cpu100(r):
            if r.get("daemon_cpu_s") is None or not rpr:
                return None
            return r["daemon_cpu_s"] / (r["n"] * rpr) * 1e5
        ref = g.get("auditd-raw", [])
        ref_cpu = med([cpu100(r) for r in ref])
        # every event the load caused: auditd RAW at the main bwt loses none
        full = med([r.get("events") for r in groups.get(
            (rules, main_bwt[rules]), {}).get("auditd-raw", [])])
        out.append("**Rules `%s`, backlog_wait_time %d**%s; %s records "
                   "per request" % (
                       rules, bwt, " (the kernel drops instead of stalling)"
                       if bwt == 0 else "", fmt(rpr, 2)))
        out.append("")
        out.append("| mode | runs | req/s (spread) | × ceiling | p99 ms | "
                   "daemon CPU s | CPU s/100k rec | CPU × auditd RAW | "
                   "records | events | lost | bwt actual | max RSS MB | "
                   "output MB | write lat p99 ms | events kept |")
        out.append("|" + "---|" * 16)
        for mode in MODE_ORDER + sorted(set(g) - set(MODE_ORDER)):
            rs = g.get(mode)
            if not rs:
                continue
            rps = [r["ab"].get("rps") for r in rs]
            sp = spread(rps)
            c100 = med([cpu100(r) for r in rs])
            rss = med([r.get("daemon_maxrss_kb") for r in rs])
            ob = med([r.get("output_bytes") for r in rs])
            out.append("| %s | %d | %s%s | %s | %s | %s | %s | %s | %s | "
                       "%s | %s | %s | %s | %s | %s | %s |" % (
                           mode, len(rs), fmt(med(rps)),
                           " (±%.0f%%)" % (sp / 2) if sp is not None else "",
                           ratio(med(rps), ceil_rps),
                           fmt(med([r["ab"].get("p99_ms") for r in rs])),
                           fmt(med([r.get("daemon_cpu_s") for r in rs]), 2),
                           fmt(c100, 3), ratio(c100, ref_cpu),
                           fmt(med([r.get("records") for r in rs])),
                           fmt(med([r.get("events") for r in rs])),
                           fmt(med([r.get("lost_delta") for r in rs])),
                           fmt(med([r.get("bwta_delta") for r in rs])),
                           fmt(rss / 1024, 1) if rss else "–",
                           fmt(ob / 1e6, 1) if ob else "–",
                           fmt(med([r.get("lat_p99_ms") for r in rs])),
                           kept(med([r.get("events") for r in rs]), full)))
        out.append("")
    notes = sorted({"%s: %s" % (r["mode"], r.get("note", "").split(": ")[0])
                    for r in runs if r.get("status") != "ok"})
    if notes:
        out.append("Not measured in this session:")
        out.append("")
        out += ["- " + n.replace("\n", " ")[:200] for n in notes]
        out.append("")
    return out


def replay_table(runs, sid):
    ok = [r for r in runs if r.get("status") == "ok"]
    out = []
    if not ok:
        return ["Replay session `%s`: no successful runs." % sid, ""]
    r0 = ok[0]
    loads = [r["loadavg"][0] for r in ok if r.get("loadavg")]
    out.append("Session `%s`: host `%s`, commit `%s`, %s records / %s "
               "events per log (bench/gen-log.py), %d runs; 1-min load "
               "average before a run %s–%s." % (
                   sid, r0.get("host"), r0.get("commit"),
                   fmt(r0.get("records")), fmt(r0.get("events")), len(ok),
                   fmt(min(loads), 2), fmt(max(loads), 2)))
    out.append("")
    out.append("| input | tool | runs | CPU s (spread) | wall s | "
               "records/s (CPU) | CPU s/100k rec | × auparse walk | "
               "max RSS MB |")
    out.append("|" + "---|" * 9)
    groups = {}
    for r in ok:
        groups.setdefault(r["format"], {}).setdefault(r["tool"], []).append(r)
    for fmt_ in sorted(groups, key=lambda f: f != "raw"):
        g = groups[fmt_]
        ref = med([r["cpu_per_100k_records"] for r in g.get("auparse-walk",
                                                             [])])
        for tool in TOOL_ORDER + sorted(set(g) - set(TOOL_ORDER)):
            rs = g.get(tool)
            if not rs:
                continue
            cpu = [r["cpu_s"] for r in rs]
            sp = spread(cpu)
            c100 = med([r["cpu_per_100k_records"] for r in rs])
            out.append("| %s | %s | %d | %s%s | %s | %s | %s | %s | %s |" % (
                fmt_.upper(), tool, len(rs), fmt(med(cpu), 2),
                " (±%.0f%%)" % (sp / 2) if sp is not None else "",
                fmt(med([r["wall_s"] for r in rs]), 2),
                fmt(med([r["records_per_s"] for r in rs])), fmt(c100, 3),
                ratio(c100, ref),
                mb(med([r.get("maxrss_kb") for r in rs]))))
    out.append("")
    return out


def splice(text, name, body):
    begin = "<!-- results:%s:begin -->" % name
    end = "<!-- results:%s:end -->" % name
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        raise SystemExit("README.md lacks the %s markers" % name)
    return text[:i + len(begin)] + "\n" + "\n".join(body) + "\n" + text[j:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ab-session", help="comma-separated; default: all")
    ap.add_argument("--replay-session")
    ap.add_argument("--stdout", action="store_true")
    ap.add_argument("--readme", default=os.path.join(HERE, "README.md"))
    a = ap.parse_args()
    runs = load(sorted(glob.glob(os.path.join(HERE, "results", "*.jsonl"))))
    ab_body = []
    for sid in ab_sessions(runs, a.ab_session):
        _, ab = newest(runs, "ab", sid)
        ab_body += ["### ab session %s" % sid, ""] + ab_tables(ab, sid)
    if not ab_body:
        ab_body = ["No ab results yet."]
    sid, rp = newest(runs, "replay", a.replay_session)
    rp_body = replay_table(rp, sid) if rp else ["No replay results yet."]
    if a.stdout:
        print("\n".join(ab_body + [""] + rp_body))
        return 0
    with open(a.readme) as f:
        text = f.read()
    text = splice(text, "ab", ab_body)
    text = splice(text, "replay", rp_body)
    with open(a.readme, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
