#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_sdnotify.py BUILD_DIR: vigild tells systemd (Type=notify) READY=1
only once it holds the kernel's audit pid and its rules are loaded, so
that the unit's Before=sysinit.target means auditing is on. The test
plays systemd: a datagram socket named by NOTIFY_SOCKET. vigild is
frozen (SIGSTOP) the moment READY=1 arrives and the kernel is asked then:
a READY sent before the 300 rules were in would be caught half way.
SIGHUP gives RELOADING=1 (with MONOTONIC_USEC) then READY=1; SIGTERM gives
STOPPING=1. Root + kernel audit (77 otherwise); kernel_guard restores
the kernel."""
import os
import signal
import socket
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from kernel_guard import rules  # noqa: E402

check = vtest.Checks("live")
NRULES = 300


def recv(s, timeout=10):
    s.settimeout(timeout)
    try:
        return s.recv(4096).decode()
    except socket.timeout:
        return None


def main():
    vigild = vtest.vigild_path()
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-notify-") as tmp:
        rf = os.path.join(tmp, "many.rules")
        with open(rf, "w") as f:
            f.write("-D\n")
            for i in range(NRULES):
                f.write(f"-w {tmp}/watched{i} -p wa -k vg_notify\n")
        sock = os.path.join(tmp, "notify")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(sock)
        env = dict(os.environ, NOTIFY_SOCKET=sock)
        err = open(os.path.join(tmp, "stderr"), "w+")
        p = g.spawn([vigild, "-f", "-o", "json:/dev/null", "--rules", rf],
                    env=env, stderr=err)
        msg = recv(s)
        if msg is not None:
            os.kill(p.pid, signal.SIGSTOP)
        check("READY=1 sent", msg == "READY=1", repr(msg))
        st = kernel_guard.status()
        n = rules().count("-k vg_notify")
        check("at READY=1 vigild holds the audit pid", st["pid"] == p.pid,
              f"pid={st['pid']} vigild={p.pid}")
        check(f"at READY=1 all {NRULES} rules are loaded", n == NRULES,
              f"{n} loaded")
        os.kill(p.pid, signal.SIGCONT)
        p.send_signal(signal.SIGHUP)
        m1, m2 = recv(s), recv(s)
        check("SIGHUP: RELOADING=1 with MONOTONIC_USEC",
              m1 is not None and m1.startswith("RELOADING=1\n"
                                               "MONOTONIC_USEC="), repr(m1))
        check("SIGHUP: READY=1 after the reload", m2 == "READY=1", repr(m2))
        p.send_signal(signal.SIGTERM)
        m3 = recv(s)
        check("SIGTERM: STOPPING=1", m3 == "STOPPING=1", repr(m3))
        try:
            p.wait(10)
        except Exception:
            p.kill()
        check("exit 0", p.returncode == 0, str(p.returncode))
        check("nothing more sent", recv(s, 0.5) is None)
        s.close()
        if check.failed:
            err.seek(0)
            print(err.read()[-2000:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
