# SPDX-License-Identifier: GPL-2.0-or-later
"""out_common.py: helpers for the output tests (test_out_*.py): synthetic
audit logs, a vigild reading stdin that the test feeds, counters parsed
from its -v report."""
import os
import re
import subprocess
import sys
import time


def skip(msg):
    print("SKIP: " + msg)
    sys.exit(77)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def vigild_path():
    if len(sys.argv) < 2:
        skip("usage: %s BUILD_DIR" % sys.argv[0])
    p = os.path.join(sys.argv[1], "vigild")
    if not os.access(p, os.X_OK):
        skip("no vigild in " + sys.argv[1])
    return p


def synth_events(first, n, sec=1700000000, pad=0):
    """n events (SYSCALL + EOE), serials first..first+n-1, as log text.
    pad adds that many bytes to a field (large events)."""
    out = []
    for s in range(first, first + n):
        ts = "%d.%03d:%d" % (sec + s // 1000, s % 1000, s)
        extra = (" key=\"%s\"" % ("k" * pad)) if pad else ""
        out.append("type=SYSCALL msg=audit(%s): arch=c000003e syscall=59 "
                   "success=yes exit=0 a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 "
                   "pid=%d auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
                   "egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"ls\" "
                   "exe=\"/bin/ls\"%s\n" % (ts, 100 + s % 30000, extra))
        out.append("type=EOE msg=audit(%s): \n" % ts)
    return "".join(out)


class Vigild:
    """vigild --replay - with outputs; the test writes records to stdin."""

    def __init__(self, outputs, extra=()):
        args = [vigild_path(), "-v", "--replay", "-"]
        for o in outputs:
            args += ["-o", o]
        args += list(extra)
        self.args = args
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)

    def feed(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def finish(self, timeout=60):
        """Closes stdin, waits; returns (rc, stderr text)."""
        try:
            _, err = self.p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            _, err = self.p.communicate()
            fail("vigild did not exit within %ds: %s" %
                 (timeout, err.decode(errors="replace")[-2000:]))
        self.err = err.decode(errors="replace")
        return self.p.returncode, self.err

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def final_counters(err, spec):
    """The counters of the 'output SPEC: final ...' line."""
    for line in err.splitlines():
        i = line.find("output %s: final " % spec)
        if i >= 0:
            return dict((k, int(v)) for k, v in
                        re.findall(r"(\w+)=(\d+)", line[i:]))
    fail("no final counters for %s in:\n%s" % (spec, err[-3000:]))


def wait_for(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.05)
    fail("timed out waiting for " + what)


def serials_of_json(lines):
    out = []
    for ln in lines:
        m = re.search(r'"serial":(\d+)', ln)
        if m:
            out.append(int(m.group(1)))
    return out
