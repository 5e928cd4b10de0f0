#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_faults_disk.py BUILD_DIR: file outputs on a full disk and in a
read-only directory (issue 8, Faults). Needs root for tmpfs (77 if not).

- json:PATH and raw:PATH on a full tmpfs: vigild keeps running, write
  failures are counted (failed) and logged; when space returns the held
  bytes are written: every event is in both files, every line whole.
- auditd:CONF with disk_full_action=syslog: events written while full
  are counted dropped and logged; after space returns logging continues
  and every line of the log is a whole record (no torn line); the replay
  exits 3 (events lost), while the json/raw one above, which lost none
  (held and written later), exits 0.
- A read-only log directory: vigild refuses to start with the path in
  the message (exit status, not a crash).
test_dropin_log.py covers the auditd writer's space_left/admin_space_left
and suspend; this file does not repeat them.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "flood_gen.py")
sys.path.insert(0, HERE)
import vtest  # noqa: E402

check = vtest.Checks("bracket")


def gen(mode, n, first):
    return subprocess.run([sys.executable, GEN, "--mode", mode, "--events",
                           str(n), "--first", str(first)], check=True,
                          capture_output=True).stdout


def fill(mnt):
    """Fills the file system; returns the filler path."""
    path = os.path.join(mnt, "filler")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for blk in (65536, 512, 1):
            try:
                while os.write(fd, b"\0" * blk) > 0:
                    pass
            except OSError:
                pass
    finally:
        os.close(fd)
    return path


class Replay:
    """vigild --replay - fed by the test; stays up until stdin closes."""

    def __init__(self, vigild, outputs, d, conf=None):
        args = [vigild, "-v"]
        if conf:
            args += ["-c", conf]
        for o in outputs:
            args += ["-o", o]
        args += ["--replay", "-"]
        self.errf = open(os.path.join(d, "stderr"), "w+")
        self.p = subprocess.Popen(args, stdin=subprocess.PIPE,
                                  stderr=self.errf, stdout=subprocess.DEVNULL)

    def feed(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def alive(self):
        return self.p.poll() is None

    def finish(self):
        self.p.stdin.close()
        rc = self.p.wait(60)
        self.errf.seek(0)
        err = self.errf.read()
        self.errf.close()
        return rc, err


def serials_json(path):
    got, bad = [], 0
    with open(path, "rb") as f:
        for line in f:
            try:
                got.append(json.loads(line)["serial"])
            except (ValueError, KeyError):
                bad += 1
    return got, bad


def serials_raw(path):
    got, bad = set(), 0
    pat = re.compile(rb"^type=[A-Z_]+ msg=audit\(\d+\.\d{3}:(\d+)\): ")
    with open(path, "rb") as f:
        for line in f:
            m = pat.match(line)
            if m is None:
                bad += 1
            else:
                got.add(int(m.group(1)))
    return got, bad


def out_counter(err, prefix, key):
    for line in err.splitlines():
        if line.startswith("output " + prefix):
            m = re.search(r"\b%s=(\d+)" % key, line)
            if m:
                return int(m.group(1))
    return None


def test_json_raw_full(vigild, d, mnt):
    js, raw = os.path.join(mnt, "ev.json"), os.path.join(mnt, "ev.raw")
    filler = fill(mnt)
    v = Replay(vigild, [f"json:{js}", f"raw:{raw}"], d)
    n1, n2 = 3000, 200
    # more than the flush threshold (256 KiB) per output: writes happen
    # while the disk is full
    v.feed(gen("eoe", n1, 1))
    time.sleep(0.5)
    check("json/raw full: vigild still running", v.alive())
    os.unlink(filler)           # space returns
    v.feed(gen("eoe", n2, n1 + 1))
    rc, err = v.finish()
    check("json/raw full: exit 0", rc == 0, f"rc={rc} {err[-300:]}")
    jf = out_counter(err, "json:", "failed")
    rf = out_counter(err, "raw:", "failed")
    check("json/raw full: write failures counted",
          (jf or 0) > 0 and (rf or 0) > 0, f"json failed={jf} raw={rf}")
    check("json/raw full: write failures logged",
          re.search(r"(json|raw|ev\.json|ev\.raw).*(No space|ENOSPC|"
                    r"space)", err) is not None, err[-600:])
    want = list(range(1, n1 + n2 + 1))
    got, bad = serials_json(js)
    check("json full: every line valid JSON", bad == 0, f"{bad} bad")
    check("json full: every event written once, in order, after recovery",
          got == want, f"{len(got)} of {len(want)}")
    got, bad = serials_raw(raw)
    check("raw full: every line a whole record", bad == 0, f"{bad} bad")
    check("raw full: every event written after recovery",
          got == set(want), f"{len(got)} of {len(want)}")
    os.unlink(js)
    os.unlink(raw)


def test_auditd_full(vigild, d, mnt):
    log = os.path.join(mnt, "audit.log")
    conf = os.path.join(d, "auditd.conf")
    os.makedirs(os.path.join(d, "plugins.d"), exist_ok=True)
    with open(conf, "w") as f:
        f.write(f"log_file = {log}\nlog_format = RAW\nflush = none\n"
                f"max_log_file = 0\nmax_log_file_action = ignore\n"
                f"space_left = 0\nadmin_space_left = 0\n"
                f"disk_full_action = syslog\ndisk_error_action = syslog\n"
                f"plugin_dir = {d}/plugins.d\n")
    filler = fill(mnt)
    v = Replay(vigild, [f"auditd:{conf}", "json:/dev/null"], d)
    n1, n2 = 3000, 200
    v.feed(gen("eoe", n1, 1))
    time.sleep(0.5)
    check("auditd full: vigild still running", v.alive())
    os.unlink(filler)
    v.feed(gen("eoe", n2, n1 + 1))
    rc, err = v.finish()
    # a replay that lost events says so (the json one above lost none)
    check("auditd full: exit 3 (events lost)", rc == 3,
          f"rc={rc} {err[-300:]}")
    check("auditd full: disk full logged", "no space left" in err,
          err[-600:])
    m = re.search(r"(\d+) records not written", err)
    check("auditd full: records not written counted and logged",
          m is not None and int(m.group(1)) > 0, err[-400:])
    got, bad, nlines = set(), [], 0
    pat = re.compile(rb"^type=[A-Z_]+ msg=audit\(\d+\.\d{3}:(\d+)\): ")
    with open(log, "rb") as f:
        lines = f.read().split(b"\n")
    for line in lines[:-1]:
        mm = pat.match(line)
        if mm is None or line.count(b"msg=audit(") != 1:
            bad.append(line[:120])
        elif b"type=DAEMON_" not in line[:20]:
            got.add(int(mm.group(1)))
            nlines += 1
    check("auditd full: every line a whole record (no torn line)",
          not bad and lines[-1] == b"", repr(bad[:3]))
    check("auditd full: events after recovery written",
          set(range(n1 + 1, n1 + n2 + 1)) <= got,
          f"{len(got & set(range(n1 + 1, n1 + n2 + 1)))} of {n2}")
    dropped = int(m.group(1)) if m else -1
    # records are written as they come (3 lines an event, EOE not
    # logged); the DAEMON_START record, written while full, is counted too
    check("auditd full: written + not written = all",
          nlines + dropped in (3 * (n1 + n2), 3 * (n1 + n2) + 1),
          f"{nlines} written, {dropped} not")
    os.unlink(log)


def test_readonly(vigild, d, mnt):
    ro = os.path.join(d, "ro")
    os.mkdir(ro)
    if subprocess.run(["mount", "--bind", "-o", "ro", mnt, ro]).returncode:
        check("read-only bind mount", False)
        return
    try:
        for spec in (f"json:{ro}/x.json", f"raw:{ro}/x.raw"):
            r = subprocess.run([vigild, "--replay", "/dev/null", "-o", spec],
                               capture_output=True, text=True, timeout=30)
            check(f"read-only dir: {spec.split(':')[0]} refused at start "
                  f"naming the path", r.returncode > 0 and
                  ro in r.stderr and "Read-only" in r.stderr,
                  f"rc={r.returncode} {r.stderr[-300:]}")
        conf = os.path.join(d, "ro.conf")
        with open(conf, "w") as f:
            f.write(f"log_file = {ro}/audit.log\nlog_format = RAW\n"
                    f"plugin_dir = {d}/plugins.d\n")
        r = subprocess.run([vigild, "--replay", "/dev/null", "-o",
                            f"auditd:{conf}"], capture_output=True,
                           text=True, timeout=30)
        check("read-only dir: auditd writer refused or error logged, "
              "no crash", r.returncode >= 0 and ro in r.stderr,
              f"rc={r.returncode} {r.stderr[-300:]}")
    finally:
        subprocess.run(["umount", ro])


def main():
    vigild = vtest.vigild_path()
    if os.geteuid() != 0:
        print("SKIP: tmpfs needs root")
        return 77
    with tempfile.TemporaryDirectory(prefix="vg-disk-") as d:
        mnt = os.path.join(d, "small")
        os.mkdir(mnt)
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m",
                           "tmpfs", mnt]).returncode:
            print("SKIP: cannot mount tmpfs")
            return 77
        try:
            test_json_raw_full(vigild, d, mnt)
            test_auditd_full(vigild, d, mnt)
            test_readonly(vigild, d, mnt)
        finally:
            subprocess.run(["umount", "-l", mnt])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
