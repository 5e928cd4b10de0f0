#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_replay_corpus.py: replays every log under $VG_CORPUS/logs through
`vigild --replay` (JSON and RAW outputs at once) and checks: exit 0, no
crash, every JSON line valid with serial/time/keys, and grouping against
ausearch 3.0.9 (expected/ausearch-3.0.9): per event key (node, time,
serial) the same records, and the number of events vigil's documented rules
(docs/grouping.md) give for those records. Where ausearch groups
differently the reason is counted and printed. laurel's
shell-proc-trace-reordered.txt must give the same events as
shell-proc-trace.txt. $1 = build dir. Exit 77 if vigild is not built.
"""
import calendar
import collections
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILD = os.path.join(BUILD, "vigild")
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "corpus")
AUS = os.path.join(CORPUS, "expected", "ausearch-3.0.9")

# header of a raw record line; DAEMON_* lines of old auditd have no ':'
# after the parenthesis, and malformed inputs may lack msec or serial
HDR = re.compile(r"^(?:node=(\S+) )?type=(\S*) msg=audit\((\d+)"
                 r"(?:\.(\d+))?(?::(\d+))?\):? ?(.*)$")

# Files where vigil's records deliberately differ from ausearch's, with why.
# (Files where ausearch printed nothing are found from SUMMARY.tsv.)
RECORDS_DIFFER = {
    "go-libaudit/auparse/audit-ubuntu16.log":
        "no newline after the last line: ausearch drops that AVC record, "
        "vigil keeps it",
    "plaso/selinux.log":
        "deliberately malformed headers (audit(secs) without ms and serial, "
        "empty type=): ausearch keeps two of them as records, vigil's "
        "parser rejects and counts them (parse_errors)",
}
# Files where records legitimately arrive after their event was emitted
# (vigil emits them flagged late), with why.
LATE_OK = {
    "go-libaudit/auparse/audit-rhel7.log":
        "a catalog of one record per type: the CWD/EXECVE/PATH of serial "
        "479 are spread over lines with later timestamps, more than the "
        "2 s end-of-event timeout of record time apart",
    "go-libaudit/reassembler/out_of_order.log":
        "built to arrive out of order: a PATH of serial 60 comes 7.8 s of "
        "record time after its event (go-libaudit's test has no timeout)",
    "selinux/audit2allow-test.log":
        "the same event (mary.example.com 1166023021.373:910) appears twice "
        "in the file, 20 lines apart: the second copy is late",
    "selinux/sepolgen-httpd.log":
        "the SYSCALL of serial 14482 is written 10 lines after its AVC, "
        "behind records of later time",
}


def load_types():
    """type name -> number, from the Linux Audit message dictionary."""
    t = {}
    path = os.path.join(CORPUS, "reference", "audit-documentation",
                        "message-dictionary.csv")
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            name = row["MACRO NAME"]
            if name.startswith("AUDIT_"):
                name = name[6:]
            try:
                t[name] = int(row["VALUE"])
            except ValueError:
                pass
    return t


TYPES = load_types()


def type_num(name):
    m = re.match(r"UNKNOWN\[(\d+)\]$", name)
    if m:
        return int(m.group(1))
    return TYPES.get(name)


def is_single(name):
    """The same list as src/group.c is_single()."""
    n = type_num(name)
    if n is None:
        return False
    return (n == 1005 or 1007 <= n <= 1299 or 2100 <= n <= 2999 or
            n in (2000, 1324, 1326, 1701))


def split_line(line):
    """(key, type name, record text) of a raw record line, or None."""
    line = line.rstrip("\r\n")
    cut = line.find("\x1d")
    if cut >= 0:
        line = line[:cut]
    m = HDR.match(line)
    if not m:
        return None
    node, tname, sec, msec, serial, body = m.groups()
    key = (node or "", int(sec), int(msec or 0), int(serial or 0))
    return key, tname, tname + " " + body.rstrip()


def ausearch_events(rel):
    """ausearch's events: (list of lists of (key, type, text), number of
    events made only of lines that are not records, e.g. a '#' comment
    that ausearch took for a record and vigil skips)."""
    path = os.path.join(AUS, rel + ".ausearch")
    events, cur, junk, other = [], [], 0, False
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            if line.startswith("----"):
                if cur:
                    events.append(cur)
                elif other:
                    junk += 1
                cur, other = [], False
                continue
            r = split_line(line)
            if r is not None:
                cur.append(r)
            elif not line.startswith("time->") and line.strip():
                other = True
    if cur:
        events.append(cur)
    elif other:
        junk += 1
    return events, junk


def json_key(ev):
    t = ev["time"]
    sec = calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S"))
    msec = int(t[20:23]) if len(t) > 20 and t[19] == "." else 0
    return (ev.get("node", ""), sec, msec, ev["serial"])


def run_vigild(path, tmp):
    jpath = os.path.join(tmp, "out.json")
    rpath = os.path.join(tmp, "out.raw")
    # file outputs append (they are logs): start each replay empty
    for f in (jpath, rpath):
        if os.path.exists(f):
            os.unlink(f)
    p = subprocess.run([VIGILD, "--replay", path, "-o", "json:" + jpath,
                        "-o", "raw:" + rpath], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p, jpath, rpath


def check_file(rel, summary, tmp):
    """Returns (ok, message, (records, events per key, late per key))."""
    path = os.path.join(CORPUS, "logs", rel)
    p, jpath, rpath = run_vigild(path, tmp)
    if p.returncode != 0:
        return False, "exit %d: %s" % (p.returncode,
                                       p.stderr.decode(errors="replace")[-300:]), None
    events, problems = [], []
    with open(jpath, "rb") as f:
        for i, raw in enumerate(f):
            try:
                ev = json.loads(raw)
            except ValueError as e:
                return False, "json line %d invalid: %s" % (i + 1, e), None
            for k in ("serial", "time", "keys"):
                if k not in ev:
                    return False, "json line %d has no %s" % (i + 1, k), None
            events.append(ev)
    vrecs = collections.Counter()
    with open(rpath, encoding="utf-8", errors="surrogateescape") as f:
        raw_lines = [split_line(l) for l in f]
    for r in raw_lines:
        if r is not None and r[1] != "EOE":
            vrecs[(r[0], r[2])] += 1
    vig_by_key = collections.Counter()
    late_by_key = collections.Counter()
    for ev in events:
        k = json_key(ev)
        if ev.get("vigil", {}).get("late"):
            late_by_key[k] += 1
        else:
            vig_by_key[k] += 1

    # what the reordered-trace comparison looks at: records per key and
    # events per key, late ones apart
    groups = (vrecs, vig_by_key, late_by_key)

    if summary is None or summary["ausearch_rc"] != "0":
        return True, "%d events (no ausearch reference)" % len(events), groups
    aus, junk = ausearch_events(rel)
    if len(aus) + junk != int(summary["events"]):
        problems.append("ausearch file has %d events, SUMMARY says %s" %
                        (len(aus) + junk, summary["events"]))
    arecs = collections.Counter()
    aus_by_key = collections.Counter()
    for ev in aus:
        aus_by_key[ev[0][0]] += 1
        for key, tname, text in ev:
            if tname != "EOE":
                arecs[(key, text)] += 1
    if arecs != vrecs and rel not in RECORDS_DIFFER:
        missing = list((arecs - vrecs).elements())[:3]
        extra = list((vrecs - arecs).elements())[:3]
        problems.append("records differ: ausearch-only %d %r, vigil-only %d %r"
                        % (sum((arecs - vrecs).values()), missing,
                           sum((vrecs - arecs).values()), extra))
    # expected vigil events per key from vigil's rules: each single-type
    # record alone, all other records of the key together
    want = collections.Counter()
    per_key = collections.defaultdict(lambda: [0, 0])
    for (key, text), n in vrecs.items():
        tname = text.split(" ", 1)[0]
        per_key[key][0 if is_single(tname) else 1] += n
    for key, (single, multi) in per_key.items():
        want[key] = single + (1 if multi else 0)
    bad = [k for k in set(want) | set(vig_by_key) if want[k] != vig_by_key[k]]
    if bad:
        k = sorted(bad)[0]
        problems.append("%d keys grouped against the rules, e.g. %r: %d "
                        "events, rules say %d" % (len(bad), k, vig_by_key[k],
                                                  want[k]))
    nlate = sum(late_by_key.values())
    if nlate and rel not in LATE_OK:
        problems.append("%d late events, e.g. %r" %
                        (nlate, sorted(late_by_key)[0]))
    # how ausearch differs (informational, by reason)
    reasons = collections.Counter()
    for k in set(aus_by_key) | set(want):
        d = aus_by_key[k] - want[k]
        if d == 0:
            continue
        single, multi = per_key.get(k, (0, 0))
        if d > 0 and multi:
            reasons["ausearch split kernel records of one key"] += d
        elif d < 0 and single > 1:
            reasons["same-key user records kept apart"] += -d
        else:
            reasons["other"] += abs(d)
    if junk:
        reasons["ausearch event of non-record lines (comments)"] += junk
    msg = "%d events (ausearch %d)" % (len(events), len(aus) + junk)
    if reasons:
        msg += "; differs from ausearch: " + ", ".join(
            "%s %d" % r for r in sorted(reasons.items()))
    if problems:
        return False, msg + "; " + "; ".join(problems), groups
    return True, msg, groups


def main():
    if not os.access(VIGILD, os.X_OK):
        print("skip: %s not built" % VIGILD)
        return 77
    summary = {}
    with open(os.path.join(AUS, "SUMMARY.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            summary[row["log"]] = row
    logs = []
    for root, _, files in os.walk(os.path.join(CORPUS, "logs")):
        for name in files:
            logs.append(os.path.relpath(os.path.join(root, name),
                                        os.path.join(CORPUS, "logs")))
    logs.sort()
    passed = failed = 0
    groups = {}
    with tempfile.TemporaryDirectory(prefix="vg_replay_") as tmp:
        for rel in logs:
            try:
                ok, msg, g = check_file(rel, summary.get("logs/" + rel), tmp)
            except subprocess.TimeoutExpired:
                ok, msg, g = False, "timeout (hang?)", None
            groups[rel] = g
            print("%s %s: %s" % ("PASS" if ok else "FAIL", rel, msg))
            if ok:
                passed += 1
            else:
                failed += 1
    a = groups.get("laurel/shell-proc-trace.txt")
    b = groups.get("laurel/shell-proc-trace-reordered.txt")
    if a is None or b is None or a != b or a[2]:
        print("FAIL laurel reordered trace: events differ from the "
              "in-order trace")
        failed += 1
    else:
        print("PASS laurel reordered trace: same %d events" %
              sum(a[1].values()))
        passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
