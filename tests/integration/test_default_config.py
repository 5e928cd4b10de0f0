#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_default_config.py: what scripts/run.sh runs — vigild on
conf/demo.conf with conf/audit.rules — works on the real kernel: the
rules load (and vigild's self-exclusion rule is put back in front), an
identity watch fires, the event reaches both default outputs (stdout and
/var/log/vigil/events.json) as JSON with its key, and SIGTERM restores pid
and enabled. A broken rules file at SIGHUP keeps the loaded set.
Root + kernel audit (skip 77 otherwise); the kernel is restored by
kernel_guard. $1 = build dir. Prints 'N passed, N failed'."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from kernel_guard import rules  # noqa: E402
from vtest import wait_for  # noqa: E402

SRC = os.environ.get("VG_SRCDIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
LOG = "/var/log/vigil/events.json"
check = vtest.Checks("colon")


def identity_events(text):
    out = []
    for line in text.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if "identity" in e.get("keys", []):
            out.append(e)
    return out


def main():
    vigild = vtest.vigild_path("build")
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-default-") as tmp:
        os.makedirs(os.path.dirname(LOG), exist_ok=True)
        start = os.path.getsize(LOG) if os.path.exists(LOG) else 0
        stdout = open(os.path.join(tmp, "stdout"), "w+")
        p = g.spawn([vigild, "-f", "-c", os.path.join(SRC, "conf",
                                                      "demo.conf"),
                     "--rules", os.path.join(SRC, "conf", "audit.rules")],
                    stdout=stdout, stderr=subprocess.PIPE)
        up = wait_for(lambda: kernel_guard.status()["pid"] == p.pid and
                      "identity" in rules(), timeout=10)
        check("vigild is the audit daemon with the default rules", up,
              rules())
        lst = rules().splitlines()
        check("self-exclusion rule first after loading a -D file",
              bool(lst) and lst[0].startswith("-a never,exit") and
              f"pid={p.pid}" in lst[0], lst[0] if lst else "no rules")
        # an attribute change on /etc/passwd that changes nothing
        mode = os.stat("/etc/passwd").st_mode & 0o7777
        subprocess.run(["chmod", "%o" % mode, "/etc/passwd"], check=True)
        got = wait_for(lambda: identity_events(open(LOG).read()[start:])
                       if os.path.exists(LOG) else False, timeout=10)
        check("identity event in /var/log/vigil/events.json", got)
        stdout.flush()
        check("identity event on stdout",
              wait_for(lambda: identity_events(open(stdout.name).read()),
                       timeout=10))
        # the chmod's event (loading the watch is audited too: the
        # privileged helper that loads rules is not the audit daemon,
        # like auditctl -R under auditd; docs/security.md)
        ev = wait_for(lambda: [
            e for e in identity_events(open(stdout.name).read())
            if e.get("syscall", {}).get("comm") == "chmod"], timeout=10)
        check("event names chmod and /etc/passwd",
              bool(ev) and ev[0].get("syscall", {}).get("name") in
              ("chmod", "fchmodat", "fchmodat2") and
              any(x.get("name") == "/etc/passwd"
                  for x in ev[0].get("paths", [])),
              json.dumps(ev[0] if ev else
                         identity_events(open(stdout.name).read()))[:300])
        # SIGHUP with a broken rules file keeps the loaded set
        bad = os.path.join(tmp, "bad.rules")
        with open(bad, "w") as f:
            f.write("-w /etc/hosts -p wa -k ok\n-a always,exit -S nosuch\n")
        before = rules()
        p.send_signal(signal.SIGHUP)
        time.sleep(1)
        check("vigild survives SIGHUP", p.poll() is None)
        check("rules unchanged after SIGHUP (same file)",
              rules() == before, rules())
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
        st = kernel_guard.status()
        check("SIGTERM: exit 0, pid 0, enabled restored",
              p.returncode == 0 and st["pid"] == 0 and
              st["enabled"] == g.saved["enabled"], f"{p.returncode} {st}")
        check("self-exclusion rule removed at exit",
              f"pid={p.pid}" not in rules())
        bad_run = subprocess.run([vigild, "--check", "--rules", bad],
                                 capture_output=True, text=True)
        check("--check names file:line of a bad rule (exit 6)",
              bad_run.returncode == 6 and f"{bad}:2" in bad_run.stderr,
              bad_run.stderr)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
