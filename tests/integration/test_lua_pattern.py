#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_lua_pattern.py: a backtracking Lua pattern on event data cannot
stall vigild (docs/lua.md, "Limits and errors").

`vigild --replay LOG --lua F -o json:OUT` where F runs
exe:find(string.rep('a*', 12) .. 'b') on syscall.exe, and half the events
have an exe of 40 'a's (the subject an attacker shapes). With Lua's own
matcher that call does not end in 20 s per event; with vigil's it stops at
the step budget. Checks that the replay ends well within the timeout, the
attack events come out unchanged and counted as errors, the log names
the step budget, and the other events are still filtered (dropped). No
kernel needed.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

VIGILD = vtest.vigild_path()
check = vtest.Checks("colon")
TIMEOUT = 30

FILTER = """
function filter(e)
  local exe = e.syscall and e.syscall.exe or ''
  if exe:find('^/usr/bin/') then return 1 end
  if exe:find(string.rep('a*', 12) .. 'b') then return 1 end
  return 0
end
"""


def exec_event(serial, exe):
    hdr = "msg=audit(1700000000.%03d:%d):" % (serial % 1000, serial)
    return "\n".join([
        "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 "
        "a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=%d auid=1000 uid=0 "
        "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) "
        "ses=1 comm=\"x\" exe=\"%s\" key=\"exec\""
        % (hdr, 100 + serial, exe),
        "type=EXECVE %s argc=1 a0=\"x\"" % hdr,
        "type=EOE %s" % hdr, ""])


def replay(d, log, lua=None):
    """Runs vigild -v --replay; returns (events, stderr, seconds)."""
    out = os.path.join(d, "out.json")
    if os.path.exists(out):
        os.unlink(out)
    conf = os.path.join(d, "vigild.conf")
    with open(conf, "w"):
        pass
    cmd = [VIGILD, "-v", "-c", conf, "--replay", log, "-o", "json:" + out]
    if lua is not None:
        path = os.path.join(d, "f.lua")
        with open(path, "w") as f:
            f.write(lua)
        cmd += ["--lua", path]
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise SystemExit("FAIL: %s: no end in %d s (vigild stalled)"
                         % (" ".join(cmd), TIMEOUT))
    secs = time.monotonic() - t0
    err = p.stderr.decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit("FAIL: %s: exit %d: %s" % (" ".join(cmd),
                                                    p.returncode, err))
    with open(out, encoding="utf-8", errors="surrogateescape") as f:
        evs = [json.loads(line) for line in f if line.strip()]
    return evs, err, secs


def filter_errors(err):
    for line in err.splitlines():
        if line.startswith("filter ") and " errors=" in line:
            return int(line.rsplit("errors=", 1)[1].split()[0])
    return None


def main():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "a.log")
        attack = "/tmp/" + "a" * 40
        with open(log, "w") as f:
            f.write("".join(exec_event(i, attack if i % 2 else
                                       "/usr/bin/id")
                            for i in range(1, 11)))
        base, _, _ = replay(d, log)
        check("10 events without a filter", len(base) == 10,
              str(len(base)))
        evs, err, secs = replay(d, log, FILTER)
        print("replay with the backtracking filter: %.2f s" % secs)
        want = [e for e in base if e["syscall"]["exe"] == attack]
        check("the 5 attack events passed", len(evs) == 5, str(len(evs)))
        check("attack events unchanged", evs == want,
              json.dumps(evs)[:300])
        check("5 errors counted", filter_errors(err) == 5,
              str(filter_errors(err)) + " " + err[-300:])
        check("step budget logged", "pattern step budget" in err,
              err[-500:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
