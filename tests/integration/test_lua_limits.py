#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_lua_limits.py: a hostile Lua filter cannot make vigild allocate or
write more than max_event_bytes per returned event (issue 14).

`vigild --replay LOG --lua F -o json:OUT` where F returns each event with
2000 references to one 1 MiB string (1 MiB of Lua memory; 2 GB of JSON
per event before the fix, 4.1 GB RSS, 15.7 GB written for five events).
Checks that the run completes, the events come out unchanged, the errors
are counted, vigild's peak RSS stays small and the output file is small;
then that max_event_bytes from the config file sets the bound. vigild
runs with RLIMIT_AS 1 GiB and RLIMIT_FSIZE 256 MiB, so that a regression
fails instead of taking the machine's memory or disk. No kernel needed.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

VIGILD = vtest.vigild_path()
check = vtest.Checks("colon")

BOMB = """
function filter(e)
  local s = string.rep('x', 1 << 20)
  local t = {}
  for i = 1, 2000 do t[i] = s end
  e.big = t
  return e
end
"""

PAD = """
function filter(e)
  e.pad = string.rep('y', tonumber(e.syscall.exit))
  return e
end
"""


def exec_event(serial, exit_=0):
    hdr = "msg=audit(1700000000.%03d:%d):" % (serial % 1000, serial)
    return "\n".join([
        "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=%d "
        "a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=%d auid=1000 uid=0 "
        "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) "
        "ses=1 comm=\"id\" exe=\"/usr/bin/id\" key=\"exec\""
        % (hdr, exit_, 100 + serial),
        "type=EXECVE %s argc=1 a0=\"id\"" % hdr,
        "type=EOE %s" % hdr, ""])


def limits():
    # a regression must fail here, not eat the machine's memory or disk
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_FSIZE, (256 << 20, 256 << 20))


def replay(d, log, lua=None, conf_text=""):
    """Runs vigild -v --replay; returns (events, output bytes, stderr,
    peak RSS in KiB of this child)."""
    conf = os.path.join(d, "vigild.conf")
    with open(conf, "w") as f:
        f.write(conf_text)
    out = os.path.join(d, "out.json")
    if os.path.exists(out):
        os.unlink(out)
    cmd = [VIGILD, "-v", "-c", conf, "--replay", log, "-o", "json:" + out]
    if lua is not None:
        path = os.path.join(d, "f.lua")
        with open(path, "w") as f:
            f.write(lua)
        cmd += ["--lua", path]
    errpath = os.path.join(d, "stderr")
    with open(errpath, "wb") as ef:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=ef,
                             preexec_fn=limits)
    # reaped with wait4 for this child's own peak RSS
    deadline = time.time() + 120
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            break
        if time.time() > deadline:
            p.kill()
            os.wait4(p.pid, 0)
            raise SystemExit("FAIL: %s: no end in 120 s" % " ".join(cmd))
        time.sleep(0.05)
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    with open(errpath, "rb") as ef:
        err = ef.read().decode(errors="replace")
    if p.returncode != 0:
        raise SystemExit("FAIL: %s: exit %d: %s" % (" ".join(cmd),
                                                    p.returncode, err))
    size = os.path.getsize(out)
    with open(out, encoding="utf-8", errors="surrogateescape") as f:
        evs = [json.loads(line) for line in f if line.strip()]
    return evs, size, err, rss


def filter_errors(err):
    for line in err.splitlines():
        if line.startswith("filter ") and " errors=" in line:
            return int(line.rsplit("errors=", 1)[1])
    return None


def main():
    with tempfile.TemporaryDirectory() as d:
        log = os.path.join(d, "a.log")
        with open(log, "w") as f:
            f.write("".join(exec_event(i) for i in range(1, 6)))
        base, base_size, _, _ = replay(d, log)
        check("5 events without a filter", len(base) == 5, str(len(base)))

        evs, size, err, rss = replay(d, log, BOMB)
        check("bomb: every event written", len(evs) == 5, str(len(evs)))
        check("bomb: events unchanged", evs == base,
              json.dumps(evs)[:300])
        check("bomb: output small", size == base_size,
              "%d bytes, %d without filter" % (size, base_size))
        check("bomb: 5 errors counted", filter_errors(err) == 5,
              str(filter_errors(err)))
        check("bomb: error logged", "returned event larger than 8388608 "
              "bytes" in err, err[-500:])
        # Lua's 32 MiB, 8 MiB counted before it stops, and the rest
        print("bomb: peak RSS %d KiB" % rss)
        check("bomb: peak RSS under 128 MiB", 0 < rss < 128 * 1024,
              "%d KiB" % rss)

        # the bound is max_event_bytes from the config file
        with open(log, "w") as f:
            f.write(exec_event(1, 60000) + exec_event(2, 70000) +
                    exec_event(3, 1000))
        evs, _, err, _ = replay(d, log, PAD, "max_event_bytes = 65536\n")
        pads = [len(e.get("pad", "")) for e in evs]
        check("max_event_bytes: 60000 and 1000 added, 70000 refused",
              pads == [60000, 0, 1000], str(pads))
        check("max_event_bytes: 1 error", filter_errors(err) == 1,
              str(filter_errors(err)))
        check("max_event_bytes: logged", "larger than 65536 bytes" in err,
              err[-500:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
