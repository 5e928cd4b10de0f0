#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_vigilctl_filectl.py BUILD: -q, -t, --signal and -m as lines of a
rules file (vigilctl -R), against auditctl 3.0.9 -R on the real kernel:

- effects: a tree watch and a tmpfs mounted outside it; a file with
  "-q dir,tmpfs" makes tmpfs writes audited, a file with "-t" stops it
  (both tools); a file's --signal reaches a dummy registered as audit
  pid; a file's -m gives the same USER record as auditctl's (but pid,
  exe);
- messages: auditctl -R logs its errors to syslog (captured on a /dev/log
  this test binds when there is none); vigilctl prints the same words as
  FILE:LINE: MSG on stderr, with the same exit status and stdout; no
  audit daemon for --signal is a message and no error for both.
Runs under /tmp/vigil-kernel.lock (kernel_guard) and puts the kernel
back; the tmpfs is unmounted and /dev/log removed if this test made it.
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILCTL = os.path.abspath(os.path.join(BUILD, "vigilctl"))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard as kg  # noqa: E402
import test_vigilctl_extra as vx  # noqa: E402  (Events, DUMMY, norm)
import vtest  # noqa: E402

check = vtest.Checks("live", width=2000)


class Syslog:
    """auditctl -R sends its messages to syslog: a /dev/log of our own
    while the test runs, if the machine has none."""

    def __init__(self):
        self.sock = None
        if os.path.exists("/dev/log"):
            print("note: /dev/log exists; auditctl's messages not read")
            return
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("/dev/log")
        self.sock.settimeout(0.3)

    def read(self):
        """auditctl's messages since the last read (None: not read)."""
        if self.sock is None:
            return None
        out = []
        while True:
            try:
                d = self.sock.recv(65536).decode("utf-8", "replace")
            except (TimeoutError, OSError):
                return out
            m = re.match(r"<\d+>.*? auditctl: (.*)$", d, re.S)
            if m:
                out.append(m.group(1).rstrip("\n"))

    def close(self):
        if self.sock is not None:
            self.sock.close()
            os.unlink("/dev/log")


def load(tool, path, text):
    with open(path, "w") as f:
        f.write(text)
    return subprocess.run([tool, "-R", path], capture_output=True,
                          text=True, timeout=60)


def expected(msgs, path, line):
    """auditctl's syslog lines as vigilctl prints them: FILE:LINE: MSG,
    auditctl's own 'There was an error in line N of FILE' left out."""
    out = ""
    for m in msgs:
        if m.startswith("There was an error in line "):
            continue
        m = re.sub(r"^(Option \S+) on line \d+ (is invalid)$", r"\1 \2", m)
        out += f"{path}:{line}: {m}\n"
    return out


def compare(log, tmpdir, text, line, name=None):
    """Loads text with both tools; same exit, stdout and messages."""
    path = os.path.join(tmpdir, "ctl.rules")
    log.read()
    a = load("auditctl", path, text)
    amsgs = log.read()
    v = load(VIGILCTL, path, text)
    name = name or text.replace("\n", "\\n")
    ok = a.returncode == v.returncode and a.stdout == v.stdout and \
        a.stderr == ""
    # vigilctl's own summary of compile errors ("nothing loaded") aside
    verr = "".join(x for x in v.stderr.splitlines(True)
                   if not x.startswith("vigilctl: "))
    if amsgs is not None:
        ok = ok and verr == expected(amsgs, path, line)
    check(f"file {name!r}: as auditctl -R", ok,
          f"\n  auditctl {a.returncode} {a.stdout!r} {amsgs}"
          f"\n  vigilctl {v.returncode} {v.stdout!r} {v.stderr!r}")
    return v


def message_checks(log, tmpdir, w, m):
    # refused (when compiled, or by the kernel): line 1, nothing after it
    for text in (f"-q {w}", f"-q {w},{m},{m}", f"-q {w},", "-q",
                 f"-S open -q {w},{m}", f"-w /etc/passwd -q {w},{m}",
                 f"-q /nonexistent-vq,{m}", f"-q {w},/nonexistent-vq",
                 f"-q ,{m}", "-m two words", "-m", "-m tab\there",
                 "-m a -k x", "--signal KILL", "--signal", "--signal=",
                 "--signal reload-not"):
        v = compare(log, tmpdir, text + "\n-l\n", 1)
        check(f"{text!r}: exit 1, file:line message",
              v.returncode == 1 and ":1: " in v.stderr, v.stderr)
    # accepted: the lines after them run (the -l listings)
    for text in ("-t", "-t -k x", "-t extra", "-w /etc/passwd -p wa -t",
                 "--signal HUP", "--signal=cont", "-l\n--signal TERM"):
        line = text.count("\n") + 1
        v = compare(log, tmpdir, text + "\n-l\n", line)
        check(f"{text!r}: exit 0, listing after it",
              v.returncode == 0 and v.stdout.endswith("No rules\n"),
              f"{v.returncode} {v.stdout!r} {v.stderr!r}")
    # no daemon: a message with file:line, and no error
    path = os.path.join(tmpdir, "ctl.rules")
    v = load(VIGILCTL, path, "-l\n--signal HUP\n-l\n")
    check("--signal in a file, no daemon: message, exit 0",
          v.returncode == 0 and v.stdout == "No rules\nNo rules\n" and
          v.stderr == f"{path}:2: Auditd is not running\n",
          f"{v.returncode} {v.stdout!r} {v.stderr!r}")


def effect_checks(tmpdir, w, m):
    key = "vqfile"
    r = subprocess.run([VIGILCTL, "-a", "always,exit", "-F", "arch=b64",
                        "-S", "openat", "-F", f"dir={w}", "-k", key],
                       capture_output=True, text=True)
    check("tree watch added", r.returncode == 0, r.stderr)
    path = os.path.join(tmpdir, "eff.rules")
    ev = vx.Events()
    try:
        check("tmpfs write not audited before -q",
              not vx.touch_audited(ev, os.path.join(m, "a"), key))
        for tool in ("vigilctl", "auditctl"):
            exe = VIGILCTL if tool == "vigilctl" else "auditctl"
            r = load(exe, path, f"# make equivalent\n-q {w},{m}\n")
            check(f"{tool} -R with -q: exit 0, silent",
                  r.returncode == 0 and r.stdout == r.stderr == "",
                  f"{r.returncode} {r.stdout!r} {r.stderr!r}")
            check(f"{tool} -R with -q: tmpfs write audited",
                  vx.touch_audited(ev, os.path.join(m, f"q-{tool}"), key))
            r = load(exe, path, "-t\n")
            check(f"{tool} -R with -t: exit 0, silent",
                  r.returncode == 0 and r.stdout == r.stderr == "",
                  f"{r.returncode} {r.stdout!r} {r.stderr!r}")
            check(f"{tool} -R with -t: tmpfs write no longer audited",
                  not vx.touch_audited(ev, os.path.join(m, f"t-{tool}"),
                                       key))
        # -m lines: the same USER record as auditctl's
        for text in ("-m from_a_file", "-m a\\ b", "-mglued"):
            got = {}
            for tool in ("vigilctl", "auditctl"):
                exe = VIGILCTL if tool == "vigilctl" else "auditctl"
                with open(path, "w") as f:
                    f.write("-l\n" + text + "\n")
                rc, err, recs = vx.send_msg(ev, exe, "-R", path)
                got[tool] = (rc, err, [vx.norm(x) for x in recs])
            v, a = got["vigilctl"], got["auditctl"]
            check(f"file {text!r}: one USER record, as auditctl's",
                  v[0] == 0 and v[1] == "" and len(v[2]) == 1 and
                  v == a, f"\n  auditctl {a}\n  vigilctl {v}")
        ev.nl.set(kg.AUDIT_STATUS_ENABLED, enabled=0)
        rc, err, recs = vx.send_msg(ev, VIGILCTL, "-R", path)
        check("file -m with audit disabled: exit 0, silent, no record",
              rc == 0 and err == "" and recs == [], f"{rc} {err!r}")
    finally:
        ev.close()
        subprocess.run(["auditctl", "-D"], capture_output=True)


def signal_checks(g, tmpdir):
    d = g.spawn([sys.executable, "-c", vx.DUMMY], stdout=subprocess.PIPE)
    line = d.stdout.readline().decode().strip()
    if line != "ready 0" or kg.status()["pid"] != d.pid:
        check(f"dummy registered as audit pid ({line})", False)
        return
    path = os.path.join(tmpdir, "sig.rules")
    for tool, text, num in (("vigilctl", "--signal HUP", 1),
                            ("auditctl", "--signal HUP", 1),
                            ("vigilctl", "--signal=usr2", 12),
                            ("vigilctl", "-l\n--signal CONT", 18)):
        exe = VIGILCTL if tool == "vigilctl" else "auditctl"
        r = load(exe, path, text + "\n-l\n")
        got = d.stdout.readline().decode().strip() if r.returncode == 0 \
            else "none"
        check(f"{tool} -R {text!r}: the daemon gets signal {num}",
              r.returncode == 0 and got == str(num) and
              r.stdout.endswith("No rules\n") and r.stderr == "",
              f"{r.returncode} got {got} {r.stdout!r} {r.stderr!r}")
    r = load(VIGILCTL, path, "--signal TERM\n")
    check("vigilctl -R --signal TERM stops the dummy",
          r.returncode == 0 and d.stdout.readline().decode().strip() ==
          "15" and d.wait(5) == 0, f"{r.returncode} {r.stderr!r}")


def main():
    if not os.access(VIGILCTL, os.X_OK) or not shutil.which("auditctl"):
        return 77
    with kg.KernelGuard() as g:
        tmpdir = tempfile.mkdtemp(prefix="vigil-vf-", dir="/tmp")
        w, m = os.path.join(tmpdir, "watched"), os.path.join(tmpdir, "mnt")
        os.mkdir(w)
        os.mkdir(m)
        log = Syslog()
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m",
                                  "vigil-vf", m]).returncode == 0
        try:
            message_checks(log, tmpdir, w, m)
            if mounted:
                effect_checks(tmpdir, w, m)
            else:
                print("note: cannot mount a tmpfs; -q/-t effects and -m "
                      "not checked")
            signal_checks(g, tmpdir)
        finally:
            log.close()
            if os.path.ismount(m):
                subprocess.run(["umount", m])
            check("tmpfs unmounted", not os.path.ismount(m))
            shutil.rmtree(tmpdir, ignore_errors=True)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
