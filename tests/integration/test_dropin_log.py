#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_dropin_log.py: the auditd-compatible log writer (auditd:CONF output).

Replay: RAW and ENRICHED lines equal the input's kernel records (EOE left
out as auditd 3.0.9 does), size rotation with num_logs, keep_logs, file
modes with log_group, at start the modes (and group) of the log directory
and of the rotated logs a run before left, as auditd sets them, every corpus auditd.conf accepted by --check, a bad
one exits 6 with file:line, exec action programs only root can change
(checked at --check, start and before each run). Live (root, multicast read-only, no kernel
state changed): SIGUSR1 rotates, SIGHUP with a broken auditd.conf keeps the
old one, SIGUSR2 resumes after a suspend. Disk full on a small tmpfs: the
space actions fire and every event before the suspend is in the log.
Usage: test_dropin_log.py BUILD_DIR"""
import collections
import glob
import grp
import os
import resource
import signal
import stat
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILD = os.path.join(BUILD, "vigild")
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "corpus")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("plain")


def write_conf(d, fname="auditd.conf", **kw):
    keys = {"log_file": os.path.join(d, "audit.log"), "log_format": "RAW",
            "flush": "none", "num_logs": "3", "max_log_file": "1",
            "max_log_file_action": "rotate",
            "plugin_dir": os.path.join(d, "plugins.d")}
    keys.update(kw)
    p = os.path.join(d, fname)
    with open(p, "w") as f:
        for k, v in keys.items():
            f.write(f"{k} = {v}\n")
    return p


def replay(conf, *files, check_rc=True):
    r = subprocess.run([VIGILD, "--replay", *files, "--auditd-conf", conf,
                        "-o", "json:/dev/null"], capture_output=True,
                       text=True, timeout=300)
    if check_rc and r.returncode != 0:
        print(r.stderr)
    return r


def kernel_lines(path):
    """Lines of a log that are records, minus DAEMON_* (vigild's own)."""
    out = []
    with open(path, "rb") as f:
        for line in f:
            if b"type=DAEMON_" in line[:40]:
                continue
            out.append(line.rstrip(b"\n"))
    return out


def corpus_lines(path, strip_enriched=True):
    out = []
    with open(path, "rb") as f:
        for line in f:
            line = line.rstrip(b"\r\n")
            if not line.startswith(b"type=") or b"type=EOE " in line:
                continue
            if line.startswith(b"type=DAEMON_"):
                continue    # compared logs leave vigild's own out
            if strip_enriched:
                line = line.split(b"\x1d")[0]
            out.append(line)
    return out


def test_formats(d):
    # RAW: every kernel record line comes back byte for byte
    src = os.path.join(CORPUS, "logs/laurel/shell-proc-trace.txt")
    conf = write_conf(d, log_format="RAW", max_log_file="0",
                      max_log_file_action="ignore")
    check("replay RAW runs", replay(conf, src).returncode == 0)
    got = collections.Counter(kernel_lines(os.path.join(d, "audit.log")))
    want = collections.Counter(corpus_lines(src))
    check(f"RAW lines equal the input ({sum(want.values())} "
          f"records, EOE left out)", got == want)
    with open(os.path.join(d, "audit.log"), "rb") as f:
        first = f.readline()
    check("DAEMON_START first, format=raw",
          first.startswith(b"type=DAEMON_START msg=audit(") and
          b" format=raw " in first)
    os.unlink(os.path.join(d, "audit.log"))
    # ENRICHED: the raw part is the input, 0x1D part present on SYSCALL
    conf = write_conf(d, log_format="ENRICHED", max_log_file="0",
                      max_log_file_action="ignore", name_format="user",
                      name="box1")
    check("replay ENRICHED runs", replay(conf, src).returncode == 0)
    lines = kernel_lines(os.path.join(d, "audit.log"))
    check("name_format=user puts node=box1 first",
          all(l.startswith(b"node=box1 type=") for l in lines))
    raw = collections.Counter(l.split(b"\x1d")[0][len(b"node=box1 "):]
                              for l in lines)
    check("ENRICHED raw parts equal the input", raw == want)
    sc = [l for l in lines if b"type=SYSCALL " in l]
    check("SYSCALL lines carry ARCH= SYSCALL=",
          sc and all(b"\x1dARCH=x86_64 SYSCALL=" in l for l in sc))
    check("one line per record", all(l.count(b"\n") == 0 for l in lines))
    os.unlink(os.path.join(d, "audit.log"))


def big_inputs():
    return [os.path.join(CORPUS, "logs/selinux/sepolgen-audit.log"),
            os.path.join(CORPUS, "logs/selinux/sepolgen-httpd.log")]


def test_rotation(d):
    conf = write_conf(d, num_logs="3", max_log_file="1")
    check("replay 4 MB", replay(conf, *big_inputs()).returncode == 0)
    logs = sorted(glob.glob(os.path.join(d, "audit.log*")))
    names = [os.path.basename(p) for p in logs]
    check(f"num_logs=3 keeps 3 files ({names})",
          names == ["audit.log", "audit.log.1", "audit.log.2"])
    for p in logs:
        check(f"{os.path.basename(p)} near max_log_file",
              os.path.getsize(p) < 1024 * 1024 + 65536)
    check("current log 0600",
          stat.S_IMODE(os.stat(logs[0]).st_mode) == 0o600)
    check("rotated log 0400",
          stat.S_IMODE(os.stat(logs[1]).st_mode) == 0o400)
    for p in logs:
        os.unlink(p)
    # excess logs from a bigger num_logs go at start (from .num_logs up
    # to the first gap, as auditd)
    for n in (2, 3, 5):
        open(os.path.join(d, f"audit.log.{n}"), "w").close()
    conf = write_conf(d, num_logs="2", max_log_file="0", log_group="0")
    replay(conf, os.path.join(CORPUS, "logs/laurel/record-connect.txt"))
    check("logs beyond num_logs removed up to the first gap",
          not os.path.exists(os.path.join(d, "audit.log.2")) and
          not os.path.exists(os.path.join(d, "audit.log.3")) and
          os.path.exists(os.path.join(d, "audit.log.5")))
    for p in glob.glob(os.path.join(d, "audit.log*")):
        os.unlink(p)
    # keep_logs: nothing deleted, numbers grow past num_logs
    conf = write_conf(d, num_logs="2", max_log_file="1",
                      max_log_file_action="keep_logs")
    replay(conf, *big_inputs())
    n = len(glob.glob(os.path.join(d, "audit.log*")))
    check(f"keep_logs keeps every log ({n} files)", n >= 4)
    # all records are still there across the files
    total = sum(len(kernel_lines(p))
                for p in glob.glob(os.path.join(d, "audit.log*")))
    want = sum(len(corpus_lines(p)) for p in big_inputs())
    check(f"no record lost over rotations ({total}/{want})", total == want)
    for p in glob.glob(os.path.join(d, "audit.log*")):
        os.unlink(p)
    # log_group: 0640 / 0440
    conf = write_conf(d, num_logs="2", max_log_file="1", log_group="adm")
    replay(conf, big_inputs()[0])
    cur = os.stat(os.path.join(d, "audit.log"))
    check("log_group: current 0640", stat.S_IMODE(cur.st_mode) == 0o640)
    check("log_group: rotated 0440",
          stat.S_IMODE(os.stat(os.path.join(d, "audit.log.1")).st_mode)
          == 0o440)
    for p in glob.glob(os.path.join(d, "audit.log*")):
        os.unlink(p)


def test_check(d):
    for p in sorted(glob.glob(os.path.join(CORPUS, "conf/*/auditd.conf"))):
        r = subprocess.run([VIGILD, "--check", "--auditd-conf", p],
                           capture_output=True, text=True)
        check(f"--check accepts {p}", r.returncode == 0)
        check(f"unimplemented keys warned ({p})", "warning" in r.stderr)
    bad = write_conf(d, "bad.conf", num_logs="1000")
    r = subprocess.run([VIGILD, "--check", "--auditd-conf", bad],
                       capture_output=True, text=True)
    check("bad auditd.conf: exit 6 with file:line",
          r.returncode == 6 and f"{bad}:4: num_logs" in r.stderr)
    check("its error said once",
          r.stderr.count(f"{bad}:4: num_logs") == 1, r.stderr)


def make_prog(path, marker, uid=0, mode=0o755):
    with open(path, "w") as f:
        f.write(f"#!/bin/sh\necho ran >> {marker}\n")
    os.chown(path, uid, 0)
    os.chmod(path, mode)


def test_exec_program(d):
    """Issue 14: an exec action ran any program as root (a 0777 script
    owned by nobody). --check and start refuse it with file:line; a
    program changed after start is checked again and not run."""
    if os.geteuid() != 0:
        print("skip: exec program owners need root (chown)")
        return
    prog = os.path.join(d, "space.sh")
    marker = os.path.join(d, "space.ran")
    log = os.path.join(d, "exec-audit.log")
    conf = write_conf(d, "exec.conf", log_file=log, max_log_file="1",
                      max_log_file_action=f"exec {prog}")
    make_prog(prog, marker, uid=65534, mode=0o777)
    r = subprocess.run([VIGILD, "--check", "--auditd-conf", conf],
                       capture_output=True, text=True)
    want = (f"{conf}:6: max_log_file_action: exec program {prog}: owned "
            f"by uid 65534, must be root")
    check("--check: nobody's 0777 exec program refused, exit 6",
          r.returncode == 6 and want in r.stderr, r.stderr)
    r = replay(conf, os.path.join(CORPUS, "logs/laurel/shell-proc-trace.txt"),
               check_rc=False)
    check("start: refused too (exit 6), nothing run",
          r.returncode == 6 and want in r.stderr
          and not os.path.exists(marker), r.stderr)
    os.chmod(d, 0o777)
    r = subprocess.run([VIGILD, "--check", "--auditd-conf", conf],
                       capture_output=True, text=True)
    check("--check: a directory others may write is refused",
          r.returncode == 6 and f"directory {d} is writable by group or "
          f"others (mode 0777)" in r.stderr, r.stderr)
    os.chmod(d, 0o700)

    src = os.path.join(CORPUS, "logs/laurel/shell-proc-trace.txt")
    with open(src, "rb") as f:
        data = f.read()
    big = b"".join(open(x, "rb").read() for x in big_inputs())
    for changed in (False, True):
        make_prog(prog, marker)
        r = subprocess.run([VIGILD, "--check", "--auditd-conf", conf],
                           capture_output=True, text=True)
        check("--check: root's 0755 program accepted", r.returncode == 0,
              r.stderr)
        # 2 kB short of max_log_file: the replayed events cross it, not
        # DAEMON_START, so the action runs after the program was changed
        with open(log, "wb") as f:
            f.write(b"x" * (1024 * 1024 - 2048))
        p = subprocess.Popen([VIGILD, "--replay", "-", "--auditd-conf",
                              conf, "-o", "json:/dev/null"],
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        # auditd.conf is read and checked: DAEMON_START is in the log
        wait_for(lambda: grep(log, b"DAEMON_START"), timeout=10)
        if changed:     # given away after the start-up check
            os.chown(prog, 65534, 0)
            os.chmod(prog, 0o777)
        # unchanged: 4 MB more, written in many batches after the one
        # that crosses max_log_file
        _, err = p.communicate(data if changed else data + big, timeout=60)
        err = err.decode(errors="replace")
        if not changed:
            check("good program run by the action",
                  p.returncode in (0, 3) and wait_for(
                      lambda: os.path.exists(marker), timeout=10), err)
            with open(marker) as f:
                runs = f.read().count("ran")
            check(f"run once, not per write ({runs} runs)", runs == 1)
            # as auditd: the log closed for the program, logging
            # suspended until SIGUSR2 (the records after it are lost)
            size = os.path.getsize(log)
            check(f"logging suspended after it ({size} bytes)",
                  size < 1024 * 1024 + 256 * 1024 and "suspended" in err
                  and p.returncode == 3)
            os.unlink(marker)
        else:
            time.sleep(0.5)
            # checked by whoever runs it (the privileged helper reads
            # auditd.conf again: docs/security.md), the reason logged
            check("program changed after start: checked again, not run",
                  p.returncode == 0 and not os.path.exists(marker) and
                  "not running" in err and
                  f"exec program {prog}: owned by uid 65534, must be "
                  f"root" in err, err)
    os.unlink(prog)
    for x in glob.glob(log + "*"):
        os.unlink(x)


def test_torn_write(d):
    """A write that fails part way (here the file size limit, as a full
    disk would) takes back the cut line: the log holds whole records
    only, and the records not written are counted lost (exit 3)."""
    log = os.path.join(d, "torn-audit.log")
    conf = write_conf(d, "torn.conf", log_file=log, max_log_file="0",
                      max_log_file_action="ignore",
                      disk_error_action="syslog")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

    src = os.path.join(CORPUS, "logs/laurel/shell-proc-trace.txt")
    r = subprocess.run([VIGILD, "--replay", src, "--auditd-conf", conf,
                        "-o", "json:/dev/null"], capture_output=True,
                       text=True, timeout=60, preexec_fn=limit)
    with open(log, "rb") as f:
        data = f.read()
    want = set(corpus_lines(src))
    lines = data.split(b"\n")
    check("size limit hit: lost records said (exit 3)",
          r.returncode == 3 and 0 < len(data) <= 4000, r.stderr)
    check("the log ends with a whole line", data.endswith(b"\n"),
          data[-200:])
    check("every line is a whole record",
          all(l.startswith(b"type=DAEMON_") or l in want
              for l in lines[:-1]), data[-400:])
    os.unlink(log)


def test_log_owner(d):
    """The auditd log is never opened through a link, nor when another
    user made it (a sticky log directory); an existing 0644 log is made
    0600 as auditd does."""
    log = os.path.join(d, "owned-audit.log")
    conf = write_conf(d, "owned.conf", log_file=log, max_log_file="0")
    src = os.path.join(CORPUS, "logs/laurel/shell-proc-trace.txt")
    victim = os.path.join(d, "victim")
    with open(victim, "w") as f:
        f.write("precious\n")
    os.symlink(victim, log)
    r = replay(conf, src, check_rc=False)
    check("auditd log: a symbolic link is refused (exit 6)",
          r.returncode == 6 and "a symbolic link: refused" in r.stderr
          and os.path.getsize(victim) == 9, r.stderr)
    os.unlink(log)
    with open(log, "w") as f:
        f.write("")
    os.chmod(log, 0o644)
    if os.geteuid() == 0:
        os.chown(log, 65534, 65534)
        r = replay(conf, src, check_rc=False)
        check("auditd log: a file of another user is refused (exit 6)",
              r.returncode == 6 and f"{log}: owned by uid 65534, not by "
              f"vigild (uid 0): refused" in r.stderr, r.stderr)
        os.chown(log, 0, 0)
    r = replay(conf, src)
    check("auditd log: an existing 0644 log becomes 0600",
          r.returncode == 0 and
          stat.S_IMODE(os.stat(log).st_mode) == 0o600)
    for x in (log, victim):
        os.unlink(x)


def mode_of(path):
    st = os.stat(path)
    return stat.S_IMODE(st.st_mode), st.st_gid


def test_permissions(d):
    """At start, as auditd's fix_disk_permissions: the log directory
    0700 (0750 and group log_group), log.1 .. log.(num_logs-1) 0400
    (0440) up to the first missing one, the log 0600 (0640): on what a
    run before, or someone, left readable (0755, 0644)."""
    try:
        adm = grp.getgrnam("adm").gr_gid
    except KeyError:
        adm = 4
    src = os.path.join(CORPUS, "logs/laurel/record-connect.txt")
    for group in ("adm", "0"):
        logs = os.path.join(d, "perm-" + group)
        os.mkdir(logs)
        os.chmod(logs, 0o755)
        log = os.path.join(logs, "audit.log")
        for sfx in ("", ".1", ".2", ".4"):     # .3 missing
            with open(log + sfx, "w") as f:
                f.write("x\n")
            os.chmod(log + sfx, 0o644)
        conf = write_conf(d, f"perm-{group}.conf", log_file=log,
                          num_logs="5", max_log_file="0", log_group=group)
        r = replay(conf, src)
        g = group == "adm"
        check(f"log_group={group}: replay exits 0", r.returncode == 0)
        want = (0o750, adm) if g else (0o700, 0)
        check(f"log_group={group}: log directory {want[0]:o}, gid "
              f"{want[1]}", mode_of(logs) == want,
              f"{mode_of(logs)} {r.stderr[-300:]}")
        check(f"log_group={group}: the log {0o640 if g else 0o600:o}",
              mode_of(log)[0] == (0o640 if g else 0o600))
        rot = [mode_of(log + sfx)[0] for sfx in (".1", ".2", ".4")]
        want = 0o440 if g else 0o400
        check(f"log_group={group}: log.1, log.2 {want:o}, log.4 after "
              f"the gap left 644 ({[oct(m) for m in rot]})",
              rot == [want, want, 0o644])
        for sfx in ("", ".1", ".2", ".4"):
            os.unlink(log + sfx)
        os.rmdir(logs)


def grep(path, needle):
    try:
        with open(path, "rb") as f:
            return needle in f.read()
    except OSError:
        return False


def test_signals(d):
    if os.geteuid() != 0:
        print("skip: signals need root (multicast)")
        return
    log = os.path.join(d, "audit.log")
    conf = write_conf(d, max_log_file="0", max_log_file_action="rotate",
                      num_logs="4", log_format="RAW")
    p = subprocess.Popen([VIGILD, "-f", "--multicast", "--no-enable",
                          "--auditd-conf", conf, "-o", "json:/dev/null"],
                         stderr=subprocess.PIPE, text=True)
    try:
        check("live: DAEMON_START written",
              wait_for(lambda: grep(log, b"type=DAEMON_START")))
        p.send_signal(signal.SIGUSR1)
        check("SIGUSR1: rotated, DAEMON_ROTATE in the new log",
              wait_for(lambda: grep(log, b"type=DAEMON_ROTATE") and
                       grep(log + ".1", b"type=DAEMON_START")))
        # broken config: HUP keeps the old one (still RAW, same file)
        with open(conf, "a") as f:
            f.write("flush = sideways\n")
        p.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        check("SIGHUP with a broken config: still running", p.poll() is None)
        check("broken config not applied",
              not grep(log, b"type=DAEMON_CONFIG"))
        # good config: ENRICHED now, DAEMON_CONFIG written enriched
        write_conf(d, max_log_file="0", max_log_file_action="rotate",
                   num_logs="4", log_format="ENRICHED",
                   admin_space_left_action="suspend")
        p.send_signal(signal.SIGHUP)
        check("SIGHUP with a good config: DAEMON_CONFIG",
              wait_for(lambda: grep(log, b"type=DAEMON_CONFIG")))
        p.send_signal(signal.SIGUSR2)
        check("SIGUSR2: DAEMON_RESUME",
              wait_for(lambda: grep(log, b"type=DAEMON_RESUME")))
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=10)
        check("SIGTERM: clean exit", p.returncode == 0)
        check("DAEMON_END at stop", grep(log, b"type=DAEMON_END"))
        with open(log, "rb") as f:
            last = f.read().splitlines()[-1]
        check("DAEMON_END enriched after reload", b"\x1dAUID=" in last)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    for f in glob.glob(log + "*"):
        os.unlink(f)


def test_disk_full(d):
    if os.geteuid() != 0:
        print("skip: tmpfs needs root")
        return
    mnt = os.path.join(d, "small")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs",
                       mnt]).returncode != 0:
        print("skip: cannot mount tmpfs")
        return
    try:
        conf = write_conf(d, "full.conf",
                          log_file=os.path.join(mnt, "audit.log"),
                          max_log_file="0", max_log_file_action="ignore",
                          space_left="2", space_left_action="syslog",
                          admin_space_left="1",
                          admin_space_left_action="syslog",
                          disk_full_action="suspend")
        r = replay(conf, *big_inputs(), check_rc=False)
        err = r.stderr
        check("space_left action fired", "space_left" in err)
        check("admin_space_left action fired", "admin_space_left" in err)
        check("disk_full action fired (suspend)",
              "no space left" in err and "suspending" in err)
        got = kernel_lines(os.path.join(mnt, "audit.log"))
        want = []
        for p in big_inputs():
            want += corpus_lines(p)
        # every line written is whole, and they are a prefix of the input
        # in event order: nothing lost before the suspend
        check(f"log filled ({len(got)} lines)", len(got) > 1000)
        wset = collections.Counter(want)
        check("every written line is a whole input record",
              all(wset[l] > 0 for l in got[:-1]))
    finally:
        subprocess.run(["umount", mnt])


def main():
    if not os.path.exists(VIGILD):
        print("no vigild in", BUILD)
        return 77
    with tempfile.TemporaryDirectory(prefix="vg_dropin_") as d:
        os.mkdir(os.path.join(d, "plugins.d"))
        test_check(d)
        test_exec_program(d)
        test_torn_write(d)
        test_log_owner(d)
        test_permissions(d)
        test_formats(d)
        test_rotation(d)
        test_signals(d)
        test_disk_full(d)
    if check.failures:
        print(f"{check.failed} failures")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
