#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_dropin_sender.py: as the audit daemon, vigild names the sender of
a signal in its DAEMON_* records the way auditd does (AUDIT_SIGNAL_INFO):
SIGUSR1 -> DAEMON_ROTATE and SIGTERM -> DAEMON_END carry the pid of the
process that sent the signal. Root + kernel audit (skip 77 otherwise);
kernel restored by kernel_guard. $1 = build dir."""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402

check = vtest.Checks("colon")


def kill_from_child(pid, sig):
    """Sends sig from a fresh process; returns that process's pid."""
    p = subprocess.Popen(["kill", "-" + sig, str(pid)])
    p.wait()
    return p.pid


def main():
    vigild = vtest.vigild_path("build")
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-sender-") as tmp:
        conf = os.path.join(tmp, "auditd.conf")
        log = os.path.join(tmp, "audit.log")
        with open(conf, "w") as f:
            f.write(f"log_file = {log}\nlog_format = RAW\nnum_logs = 3\n"
                    "max_log_file = 8\nmax_log_file_action = ROTATE\n"
                    "space_left = 2\nadmin_space_left = 1\n"
                    f"plugin_dir = {tmp}/plugins.d\n")
        os.mkdir(os.path.join(tmp, "plugins.d"))
        p, _ = g.spawn_daemon([vigild, "-f", "--auditd-conf", conf, "-o",
                               "json:/dev/null"], timeout=10, step=0.1,
                              stderr=subprocess.DEVNULL)
        check("vigild is the audit daemon",
              kernel_guard.status()["pid"] == p.pid)
        rot = kill_from_child(p.pid, "USR1")
        time.sleep(1)
        term = kill_from_child(p.pid, "TERM")
        p.wait(10)
        text = ""
        for name in sorted(os.listdir(tmp)):
            if name.startswith("audit.log"):
                with open(os.path.join(tmp, name)) as f:
                    text += f.read()
        m = re.search(r"type=DAEMON_ROTATE .* pid=(\d+)", text)
        check("DAEMON_ROTATE names the USR1 sender",
              m is not None and int(m.group(1)) == rot,
              f"want {rot}: {m.group(0) if m else text[-300:]}")
        m = re.search(r"type=DAEMON_END .* pid=(\d+)", text)
        check("DAEMON_END names the TERM sender",
              m is not None and int(m.group(1)) == term,
              f"want {term}: {m.group(0) if m else text[-300:]}")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
