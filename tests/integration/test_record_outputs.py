#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_record_outputs.py: the auditd log (auditd:, enriched:) and raw:
write every record as it arrives, in arrival order, before grouping, as
auditd does (issue 20); JSON still gets grouped events. With a filter on
their events (drop=/lua= of the output, or a pipeline filter) they get
events, so the filter sees whole events. Offline (vigild --replay).
$1 = build dir; exit 77 if vigild is not built."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("colon")

# Two syscall events interleaved, a user message and a config change in
# between; the EOE of serial 11 comes before its PATH (a late record).
LOG = """\
type=SYSCALL msg=audit(1700000000.001:10): arch=c000003e syscall=2 pid=1 uid=0 key="a"
type=SYSCALL msg=audit(1700000000.001:11): arch=c000003e syscall=2 pid=2 uid=0 key="b"
type=PATH msg=audit(1700000000.001:10): item=0 name="/a"
type=USER msg=audit(1700000000.002:12): pid=3 uid=0 auid=0 ses=1 msg='text=marker exe="/usr/sbin/auditctl" res=success'
type=EOE msg=audit(1700000000.001:11): \n\
type=PATH msg=audit(1700000000.001:11): item=0 name="/b"
type=CONFIG_CHANGE msg=audit(1700000000.003:13): auid=0 ses=1 op=add_rule key="k" list=4 res=1
type=EOE msg=audit(1700000000.001:10): \n\
"""
HDR = re.compile(r"^(?:node=\S+ )?type=(\S+) msg=audit\((\d+\.\d+:\d+)\): ")


def lines_of(path, skip_daemon=True):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        out = [l.rstrip("\n").split("\x1d")[0] for l in f]
    return [l for l in out if not (skip_daemon and "type=DAEMON_" in l)]


def run(vigild, tmp, outputs, extra=()):
    log = os.path.join(tmp, "in.log")
    with open(log, "w") as f:
        f.write(LOG)
    argv = [vigild, "--replay", log, "-v"] + list(extra)
    for o in outputs:
        argv += ["-o", o]
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stderr


def stat(err, spec, key):
    m = re.search(r"^output " + re.escape(spec) + r" .*\b" + key + r"=(\d+)",
                  err, re.M)
    return int(m.group(1)) if m else -1


def fresh(tmp, *names):
    for n in names:
        p = os.path.join(tmp, n)
        if os.path.exists(p):
            os.unlink(p)
        yield p


def main():
    vigild = vtest.vigild_path()
    want = [l for l in LOG.splitlines() if not l.startswith("type=EOE")]
    with tempfile.TemporaryDirectory(prefix="vg-recout-") as tmp:
        raw, alog, enr, js = fresh(tmp, "o.raw", "audit.log", "o.enr",
                                   "o.json")
        conf = os.path.join(tmp, "auditd.conf")
        with open(conf, "w") as f:
            f.write(f"log_file = {alog}\nlog_format = RAW\nflush = none\n"
                    "max_log_file_action = ignore\nname_format = none\n")
        rc, err = run(vigild, tmp, ["raw:" + raw, "auditd:" + conf,
                                    "enriched:" + enr, "json:" + js])
        check("replay exits 0", rc == 0, err[-300:])
        check("raw: every record, in arrival order, no EOE",
              lines_of(raw) == want, repr(lines_of(raw)))
        check("auditd log: every record, in arrival order",
              lines_of(alog) == want, repr(lines_of(alog)))
        check("enriched: every record, in arrival order",
              lines_of(enr) == want, repr(lines_of(enr)))
        with open(enr, encoding="utf-8") as f:
            check("enriched: the records are enriched one by one",
                  any("\x1dARCH=x86_64 SYSCALL=open" in l for l in f))
        with open(js) as f:
            nev = sum(1 for _ in f)
        check("json: events still grouped (10, 11, late 11, 12, 13)",
              nev == 5, str(nev))
        check("raw: sent counts the records written",
              stat(err, "raw:" + raw, "sent") == len(want), err[-400:])

        # a filter of the output's own: events, so it drops whole events
        raw2, = fresh(tmp, "f.raw")
        rc, err = run(vigild, tmp, ["raw:" + raw2 + "?drop=key=a",
                                    "raw:" + raw])
        got = lines_of(raw2)
        check("raw?drop=: the filtered event is gone whole",
              not any(":10)" in l for l in got), repr(got))
        # the user message complete at once, 11 at its EOE, then its
        # late PATH, 13 at the end of input
        check("raw?drop=: written event by event (12 before 11)",
              [HDR.match(l).group(2)[-2:] for l in got] ==
              ["12", "11", "11", "13"], repr(got))
        check("raw?drop=: filtered counted", stat(
            err, "raw:" + raw2 + "?drop=key=a", "filtered") == 1, err[-300:])

        # a pipeline filter: every output gets events, filtered
        raw3, = fresh(tmp, "p.raw")
        vconf = os.path.join(tmp, "vigild.conf")
        with open(vconf, "w") as f:
            f.write("drop = type=USER\n")
        rc, err = run(vigild, tmp, ["raw:" + raw3], ["-c", vconf])
        got = lines_of(raw3)
        check("pipeline drop=: raw has no USER record",
              rc == 0 and got and not any("type=USER" in l for l in got),
              repr(got) + err[-200:])
        check("pipeline drop=: raw written event by event",
              len(got) == 5 and got[0].startswith("type=SYSCALL") and
              ":11)" in got[0], repr(got))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
