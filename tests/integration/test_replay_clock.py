#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_replay_clock.py BUILD_DIR: the record clock of `vigild --replay`
(docs/grouping.md, Clock). Offline: crafted logs, no kernel.

- Files older than the one before (`--replay audit.log audit.log.1`, the
  order a shell gives audit.log*): the events of the older file come out
  as when it is replayed alone (complete by the timer, not incomplete at
  the end of input); the events of the newer one still open when the
  clock steps back are timed out then, not held to the end.
- Within a file the clock does not go back: the records of a syscall that
  blocked carry its entry time, seconds before the records around them;
  the event whose records they come between stays whole, and an AVC
  waiting for the timer is not cut.
- A configuration change is complete quick_ms (100) after it when no
  syscall record came, whatever else is open: an older open event (whose
  deadline is later) does not change how it is grouped.
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("colon")
VIGILD = None


def avc_log(sec, first, n):
    """n AVC events (no syscall record: the timer completes them), one a
    second from sec, serials first.., with a SYSCALL + EOE event between
    each (complete at its EOE)."""
    out = []
    for i in range(n):
        t = "%d.000:%d" % (sec + i, first + 2 * i)
        out.append('type=AVC msg=audit(%s): apparmor="DENIED" '
                   'operation="open" profile="p" name="/x" pid=1 '
                   'comm="c"\n' % t)
        t = "%d.500:%d" % (sec + i, first + 2 * i + 1)
        out.append('type=SYSCALL msg=audit(%s): arch=c000003e syscall=2 '
                   'success=yes exit=3 pid=2 comm="d"\n' % t)
        out.append("type=EOE msg=audit(%s):\n" % t)
    return "".join(out)


def replay(files):
    """serial -> [events of that serial] (JSON, without context)."""
    p = subprocess.run([VIGILD, "--replay"] + files + ["-o", "json:-"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    check("replay %s: exit 0" % " ".join(map(os.path.basename, files)),
          p.returncode == 0, p.stderr.decode(errors="replace")[-500:])
    out = {}
    for line in p.stdout.decode().splitlines():
        ev = json.loads(line)
        ev.pop("context", None)
        out.setdefault(ev["serial"], []).append(ev)
    return out


def closed(evs):
    return [e.get("vigil", {}).get("closed_by") for e in evs]


def test_older_file(d):
    new, old = d + "/audit.log", d + "/audit.log.1"
    with open(new, "w") as f:
        f.write(avc_log(1700003600, 200, 10))
    with open(old, "w") as f:
        f.write(avc_log(1700000000, 100, 10))
    both, alone_new, alone_old = replay([new, old]), replay([new]), \
        replay([old])
    got = {s: e for s, e in both.items() if s < 200}
    check("older file after a newer one: its events as alone",
          got == alone_old, "closed_by %r, alone %r" % (
              {s: closed(e) for s, e in got.items()},
              {s: closed(e) for s, e in alone_old.items()}))
    timed = [s for s, e in both.items() if s >= 200 and
             closed(e) != closed(alone_new[s])]
    check("newer file: only its events open at the step differ",
          all(closed(both[s]) == ["timeout"] and
              closed(alone_new[s]) == ["flush"] for s in timed) and
          timed != [], "differ: %r" % {s: (closed(both[s]),
                                          closed(alone_new[s]))
                                      for s in timed})


# serial 52: a wait4 that blocked 3 s, logged between the records of 51
BLOCKED = """\
type=SYSCALL msg=audit(1700000010.000:49): arch=c000003e syscall=2 \
success=yes exit=3 pid=3 comm="e"
type=EOE msg=audit(1700000010.000:49):
type=AVC msg=audit(1700000010.100:50): apparmor="DENIED" operation="open" \
profile="p" name="/x" pid=1 comm="c"
type=SYSCALL msg=audit(1700000010.200:51): arch=c000003e syscall=2 \
success=yes exit=3 pid=2 comm="d"
type=SYSCALL msg=audit(1700000007.000:52): arch=c000003e syscall=61 \
success=yes exit=9 pid=4 comm="sh"
type=EOE msg=audit(1700000007.000:52):
type=PATH msg=audit(1700000010.200:51): item=0 name="/y"
type=EOE msg=audit(1700000010.200:51):
type=SYSCALL msg=audit(1700000013.000:53): arch=c000003e syscall=2 \
success=yes exit=3 pid=3 comm="e"
type=EOE msg=audit(1700000013.000:53):
"""


def test_blocked_syscall(d):
    log = d + "/blocked.log"
    with open(log, "w") as f:
        f.write(BLOCKED)
    evs = replay([log])
    check("blocked syscall: one event a serial, none incomplete",
          sorted(evs) == [49, 50, 51, 52, 53] and
          all(len(e) == 1 and "vigil" not in e[0] for e in evs.values()),
          repr({s: [e.get("vigil") for e in v] for s, v in evs.items()}))
    check("blocked syscall: the event around it keeps its PATH",
          "paths" in evs.get(51, [{}])[0], repr(evs.get(51)))


# serial 2: a CONFIG_CHANGE, then a record 900 ms later, then its
# SYSCALL; serial 1 is an unrelated event still open meanwhile
QUICK = """\
type=SYSCALL msg=audit(1700000000.000:1): arch=c000003e syscall=2 \
success=yes exit=3 pid=10 comm="a"
type=CONFIG_CHANGE msg=audit(1700000000.100:2): auid=0 ses=1 op=add_rule \
key="k" list=4 res=1
type=SYSCALL msg=audit(1700000001.000:3): arch=c000003e syscall=2 \
success=yes exit=3 pid=11 comm="b"
type=SYSCALL msg=audit(1700000000.100:2): arch=c000003e syscall=44 \
success=yes exit=3 pid=12 comm="auditctl"
type=EOE msg=audit(1700000000.100:2):
type=EOE msg=audit(1700000001.000:3):
"""


def test_quick_deadline(d):
    with_1, without_1 = d + "/quick1.log", d + "/quick2.log"
    with open(with_1, "w") as f:
        f.write(QUICK)
    with open(without_1, "w") as f:
        f.write("".join(ln for ln in QUICK.splitlines(True)
                        if ":1):" not in ln))
    a, b = replay([with_1]), replay([without_1])
    check("config change: grouped the same with another event open",
          a.get(2) == b.get(2) and a.get(3) == b.get(3),
          "with serial 1: %r; without: %r" % (a.get(2), b.get(2)))
    cc = [e for e in b.get(2, []) if "config_change" in e]
    check("config change: complete on its own after quick_ms",
          len(cc) == 1 and "vigil" not in cc[0] and "syscall" not in cc[0],
          repr(b.get(2)))


def main():
    global VIGILD
    VIGILD = vtest.vigild_path()
    with tempfile.TemporaryDirectory(prefix="vg_clock_") as d:
        test_older_file(d)
        test_blocked_syscall(d)
        test_quick_deadline(d)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
