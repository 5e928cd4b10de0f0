#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_top_tmux.py: `vigilctl top` as an admin sees it, in a terminal:
run in a tmux session (send-keys / capture-pane) against a live vigild
(kernel_guard) while a known workload runs under a rule with a known
key; the screen must show that key with a rate, the executable, execve,
and C-c must end top with status 0 (issue 18). Needs root, the kernel's
audit and tmux; the tmux server is this test's own (-L) and is killed by
its socket, never by name. $1 = build dir."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402

check = vtest.Checks("colon")
KEY = "vgtop18"


def tmux(sock, *args):
    return subprocess.run(["tmux", "-L", sock] + list(args),
                          capture_output=True, text=True, timeout=10)


def screen(sock):
    return tmux(sock, "capture-pane", "-p", "-t", "top").stdout


def section(text, dim):
    """The rows under the header line that starts with dim."""
    out, on = [], False
    for line in text.splitlines():
        if line.startswith(dim + " "):
            on = True
            continue
        if on:
            if not line.strip():
                break
            out.append(line)
    return out


def main():
    vigild = vtest.vigild_path()
    vigilctl = os.path.join(os.path.dirname(vigild), "vigilctl")
    if shutil.which("tmux") is None:
        vtest.skip("tmux is not installed (scripts/setup.sh installs it)")
    sock = f"vgtop{os.getpid()}"
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-top-") as tmp:
        ctl = os.path.join(tmp, "control")
        conf = os.path.join(tmp, "vigild.conf")
        with open(conf, "w") as f:
            f.write(f"control = {ctl}\nstate_file = none\n"
                    f"output = json:{os.path.join(tmp, 'out.json')}\n")
        p, ok = g.spawn_daemon([vigild, "-f", "-c", conf],
                               stderr=subprocess.DEVNULL)
        check("vigild starts", ok)
        if not ok:
            return check.summary()
        sh = None
        try:
            # the workload: /bin/true in a loop, its shell named by the rule
            sh = subprocess.Popen(["/bin/sh", "-c", "read x; while :; do "
                                   "/bin/true; sleep 0.01; done"],
                                  stdin=subprocess.PIPE)
            kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64",
                                  "-S", "execve", "-F", f"ppid={sh.pid}",
                                  "-k", KEY)
            sh.stdin.write(b"go\n")
            sh.stdin.flush()
            r = tmux(sock, "new-session", "-d", "-s", "top", "-x", "150",
                     "-y", "60", f"env VIGIL_CONTROL={ctl} {vigilctl} top; "
                     "echo TOPEXIT=$?; sleep 60")
            check("tmux session starts", r.returncode == 0, r.stderr)
            text, rows = "", []
            deadline = time.time() + 15
            while time.time() < deadline:
                time.sleep(1)
                text = screen(sock)
                rows = [l for l in section(text, "key") if KEY in l]
                if rows and float(rows[0].split()[0]) > 0:
                    break
            check("top draws its header", "vigild top  events" in text,
                  text[:400])
            check("the workload's key has a rate in events/s",
                  bool(rows) and float(rows[0].split()[0]) > 0, text)
            check("the executable is listed",
                  any("/usr/bin/true" in l for l in section(text, "exe")),
                  text)
            check("execve is listed",
                  any("execve" in l for l in section(text, "syscall")),
                  text)
            check("the screen is redrawn (ANSI clear), not scrolled",
                  text.count("vigild top  events") == 1, text[:600])
            tmux(sock, "send-keys", "-t", "top", "C-c")
            end = ""
            for _ in range(20):
                time.sleep(0.25)
                end = screen(sock)
                if "TOPEXIT=" in end:
                    break
            check("C-c ends top with status 0", "TOPEXIT=0" in end,
                  end[-300:])
        finally:
            tmux(sock, "kill-server")
            if sh is not None:
                sh.kill()
                sh.wait()
            g.stop(p)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
