#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_vigilctl_extra.py BUILD: the auditctl options vigilctl added
later, against the real kernel and the real auditctl 3.0.9:

- -s -i and -l -i: byte for byte what auditctl -s -i / -l -i print
  (every corpus rule file loaded by auditctl -c -R, plus rules that hit
  each interpreted argument kind);
- -q and -t: a tree watch on a directory, a tmpfs mounted outside it;
  writes in the tmpfs are audited only after -q and no more after -t,
  with vigilctl and with auditctl (events read as the audit pid);
- --signal: a dummy process registered as audit pid gets TERM HUP USR1
  USR2 CONT (and the aliases); no daemon gives exit 2;
- -m: the USER record (1005) the kernel writes for vigilctl -m is
  auditctl -m's (text=... exe= hostname= addr= terminal= res=), also on
  a pty; refused characters, extra arguments and the size limit; nothing
  logged while audit is disabled.
Everything runs under /tmp/vigil-kernel.lock (kernel_guard) and puts the
kernel back: no rules, enabled 0, audit pid 0; the tmpfs is unmounted.
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILCTL = os.path.abspath(os.path.join(BUILD, "vigilctl"))
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "corpus")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard as kg  # noqa: E402
import vtest  # noqa: E402

check = vtest.Checks("live", width=2000)
CONTROL = re.compile(r"^\s*(-e|-f|-b|-r|-D|--backlog_wait_time|"
                     r"--loginuid-immutable|--reset|-R|-i|-c)\b")


def run(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True,
                          timeout=60)


def vctl(*argv):
    return run(VIGILCTL, *argv)


def actl(*argv):
    return run("auditctl", *argv)


# ---- -s -i ----

def stable(cmd_a, cmd_v):
    """auditctl and vigilctl output taken while the counters stand
    still (auditctl before and after vigilctl the same)."""
    for _ in range(20):
        a1 = cmd_a().stdout
        v = cmd_v().stdout
        if cmd_a().stdout == a1:
            return a1, v
        time.sleep(0.05)
    return None, None


def status_checks():
    for enabled in ("0", "1"):
        actl("-e", enabled)
        a, v = stable(lambda: actl("-s", "-i"), lambda: vctl("-s", "-i"))
        if a is None:
            print("note: counters kept moving; -s -i not compared")
            continue
        check(f"-s -i (enabled {enabled}) == auditctl", a == v,
              f"\n--- auditctl\n{a}--- vigilctl\n{v}")
        check(f"-s -i words (enabled {enabled})",
              ("enabled disable\n" if enabled == "0" else
               "enabled enabled\n") in v and "failure " in v and
              not re.search(r"^failure \d", v, re.M), v)
        a, v = stable(lambda: actl("-s", "-i"), lambda: vctl("-i", "-s"))
        if a is not None:
            check(f"-i -s (enabled {enabled}) == auditctl -s -i", a == v)
    actl("-e", "0")
    a, v = stable(lambda: actl("-s"), lambda: vctl("-s"))
    if a is not None:
        check("-s without -i still numeric", a == v and "enabled 0\n" in v)


# ---- -l -i ----

# Accepted by auditctl 3.0.9; one per interpreted kind and the edges
# (no arch, two syscalls, -S all, 32-bit, unknown values).
SYNTHETIC = """\
-a always,exit -S ptrace -F a0=0xAB -k i27
-a always,exit -F arch=b64 -S setuid -F a0=0 -k i1
-a always,exit -F arch=b64 -S setuid -F a0=-1 -k i2
-a always,exit -F arch=b64 -S setresuid -F a1=1 -k i3
-a always,exit -F arch=b64 -S setgid -F a0=0 -k i4
-a always,exit -F arch=b64 -S setregid -F a1=4 -k i5
-a always,exit -F arch=b64 -S setfsuid -F a0=54321 -k i6
-a always,exit -F arch=b64 -S chown -F a1=0 -F a2=0 -k i7
-a always,exit -F arch=b64 -S chmod -F a1&04000 -k i8
-a always,exit -F arch=b64 -S fchmodat -F a2=06755 -k i9
-a always,exit -F arch=b64 -S fchmodat -F a2=01777 -k i10
-a always,exit -F arch=b64 -S mkdir -F a1=0700 -k i11
-a always,exit -F arch=b64 -S kill -F a1=9 -k i12
-a always,exit -F arch=b64 -S tgkill -F a2=64 -k i13
-a always,exit -F arch=b64 -S openat -F a0=-100 -k i14
-a always,exit -F arch=b64 -S openat -F a0=3 -k i15
-a always,exit -F arch=b64 -S openat -F a2=0x80000 -k i16
-a always,exit -F arch=b64 -S open -F a1=0 -k i17
-a always,exit -F arch=b64 -S open -F a1=0x400c2 -k i18
-a always,exit -F arch=b64 -S ptrace -F a0=0x4206 -k i19
-a always,exit -F arch=b64 -S ptrace -F a0=99 -k i20
-a always,exit -F arch=b64 -S socket -F a0=16 -k i21
-a always,exit -F arch=b64 -S socket -F a0=99 -k i22
-a always,exit -F arch=b64 -S clock_settime -F a0=11 -k i23
-a always,exit -F arch=b64 -S clock_settime -F a0=40 -k i24
-a always,exit -F arch=b32 -S socketcall -F a0=5 -k i25
-a always,exit -F arch=b32 -S ptrace -F a0=16 -k i26
-a always,exit -F arch=b64 -S clock_settime -F a0=7 -k i34
-a always,exit -F arch=b64 -S clock_settime -F a0=6 -k i35
-a always,exit -F arch=b64 -S chown -F a2=1 -k i36
-a always,exit -F arch=b64 -S ptrace,kill -F a0=0xAB -k i28
-a always,exit -F arch=b64 -S all -F a1=0xAB -k i29
-a always,exit -F arch=b64 -S unlinkat -F a0=-100 -F a2=0x200 -k i30
-a always,exit -F arch=b64 -S read -F a0=0xFF -k i31
-w /etc/passwd -p wa -k i32
-a always,exit -F arch=b64 -S openat -F exit=-EACCES -F auid>=1000 -k i33
"""


def sanitize(path, tmpdir):
    """Only the rule lines: the kernel keeps its settings."""
    with open(path, errors="surrogateescape") as f:
        lines = f.read().split("\n")
    keep = [ln if ln.lstrip().startswith(("-a", "-A", "-w")) and
            not CONTROL.match(ln) else "" for ln in lines]
    name = os.path.join(tmpdir, path.replace("/", "_"))
    with open(name, "w", errors="surrogateescape") as f:
        f.write("-c\n" + "\n".join(keep) + "\n")
    return name


def list_checks(tmpdir):
    files = []
    for d, _, fs in os.walk(os.path.join(CORPUS, "rules")):
        files += [os.path.join(d, f) for f in fs]
    syn = os.path.join(tmpdir, "synthetic.rules")
    with open(syn, "w") as f:
        f.write("-c\n" + SYNTHETIC)
    files = sorted(files) + [syn]
    compared = bad = 0
    for path in files:
        copy = sanitize(path, tmpdir) if path != syn else syn
        actl("-D")
        actl("-R", copy)
        a = actl("-l", "-i").stdout
        v = vctl("-l", "-i").stdout
        v2 = vctl("-i", "-l").stdout
        compared += a.count("\n")
        if a != v or v2 != v:
            bad += 1
            al, vl = a.splitlines(), v.splitlines()
            diff = [f"  auditctl {x}\n  vigilctl {y}"
                    for x, y in zip(al, vl) if x != y]
            check(f"-l -i {os.path.relpath(path, CORPUS)}", False,
                  f"{len(al)} vs {len(vl)} lines\n" + "\n".join(diff[:8]))
    check(f"-l -i == auditctl -l -i for {len(files)} files "
          f"({compared} rule lines)", bad == 0 and compared > 500)
    # the synthetic set must have loaded whole, or the kinds were not hit
    actl("-D")
    actl("-R", syn)
    n = actl("-l").stdout.count("\n")
    check(f"synthetic rules all loaded by auditctl ({n})",
          n == SYNTHETIC.count("\n"))
    a = actl("-l", "-k", "i1").stdout
    check("-l -k still plain", vctl("-l", "-k", "i1").stdout == a)
    actl("-D")


# ---- -q / -t ----

class Events:
    """This process as audit pid: reads the unicast event stream."""

    def __init__(self):
        self.nl = kg.Netlink()
        self.nl.set(kg.AUDIT_STATUS_ENABLED | kg.AUDIT_STATUS_PID,
                    enabled=1, pid=os.getpid())
        self.nl.s.settimeout(0.2)

    def drain(self, secs=0.6):
        out = []
        end = time.time() + secs
        while time.time() < end:
            try:
                out.append(self.nl.s.recv(65536))
            except (TimeoutError, OSError):
                pass
        return b"".join(out).decode("utf-8", "replace")

    def close(self):
        self.nl.close()


def touch_audited(ev, path, key):
    ev.drain(0.1)
    p = subprocess.Popen(["touch", path])
    p.wait()
    text = ev.drain()
    return bool(re.search(rf" pid={p.pid} .*key=\"{key}\"", text))


def equiv_checks(tmpdir):
    w = os.path.join(tmpdir, "watched")
    m = os.path.join(tmpdir, "mnt")
    os.mkdir(w)
    os.mkdir(m)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m",
                       "vigil-vq", m]).returncode:
        print("note: cannot mount a tmpfs; -q/-t not checked")
        return
    ev = None
    try:
        key = "vqtree"
        r = vctl("-a", "always,exit", "-F", "arch=b64", "-S", "openat",
                 "-F", f"dir={w}", "-k", key)
        check("tree watch added", r.returncode == 0, r.stderr)
        ev = Events()
        check("write under the watched dir is audited",
              touch_audited(ev, os.path.join(w, "a"), key))
        check("write in the unrelated tmpfs is not audited",
              not touch_audited(ev, os.path.join(m, "a"), key))
        for tool in ("vigilctl", "auditctl"):
            ctl = vctl if tool == "vigilctl" else actl
            r = ctl("-q", f"{w},{m}")
            check(f"{tool} -q exit 0", r.returncode == 0, r.stderr)
            check(f"{tool} -q: tmpfs write now audited",
                  touch_audited(ev, os.path.join(m, f"q-{tool}"), key))
            r = ctl("-t")
            check(f"{tool} -t exit 0", r.returncode == 0, r.stderr)
            check(f"{tool} -t: tmpfs write no longer audited",
                  not touch_audited(ev, os.path.join(m, f"t-{tool}"),
                                    key))
        # kernel refusals read the same as auditctl's
        for arg in (f"/nonexistent-vq,{m}", f"{w},/nonexistent-vq"):
            a, v = actl("-q", arg), vctl("-q", arg)
            check(f"-q {arg}: same message as auditctl",
                  v.returncode == 1 and a.returncode != 0 and
                  v.stderr.strip() == a.stderr.strip(),
                  f"auditctl {a.returncode} {a.stderr!r} vigilctl "
                  f"{v.returncode} {v.stderr!r}")
    finally:
        if ev:
            ev.close()
        actl("-D")
        subprocess.run(["umount", m])
    check("tmpfs unmounted", not os.path.ismount(m))


# ---- --signal ----

DUMMY = r"""
import os, signal, socket, struct, sys, time
got = []
def h(n, f):
    os.write(1, b"%d\n" % n)
    if n == signal.SIGTERM:
        os._exit(0)
for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2,
          signal.SIGCONT):
    signal.signal(s, h)
nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
nl.bind((0, 0))
body = struct.pack("=8I", 4, 0, 0, os.getpid(), 0, 0, 0, 0)
nl.sendto(struct.pack("=IHHII", 16 + len(body), 1001, 5, 1, 0) + body,
          (0, 0))
d = nl.recv(8192)
err = struct.unpack_from("=i", d, 16)[0]
os.write(1, b"ready %d\n" % err)
while True:
    time.sleep(1)
"""


def signal_checks(g):
    # names refused before the kernel is asked, like auditctl
    for bad in ("KILL", "bogus", "9"):
        a, v = actl("--signal", bad), vctl("--signal", bad)
        check(f"--signal {bad} refused like auditctl",
              v.returncode == 1 and a.returncode != 0 and
              v.stderr.strip() == a.stderr.strip(),
              f"{a.stderr!r} {v.stderr!r}")
    # nobody registered
    st = kg.status()
    if st["pid"] == 0:
        a, v = actl("--signal", "HUP"), vctl("--signal", "HUP")
        check("--signal without daemon: exit 2, same message",
              v.returncode == 2 and v.stderr.strip() ==
              a.stderr.strip(), f"auditctl {a.returncode} {a.stderr!r}"
              f" vigilctl {v.returncode} {v.stderr!r}")
    d = g.spawn([sys.executable, "-c", DUMMY], stdout=subprocess.PIPE)
    line = d.stdout.readline().decode().strip()
    if line != "ready 0" or kg.status()["pid"] != d.pid:
        check(f"dummy registered as audit pid ({line})", False)
        return
    want = [("HUP", 1), ("USR1", 10), ("usr2", 12), ("Cont", 18),
            ("reload", 1), ("rotate", 10), ("resume", 12), ("state", 18)]
    for name, num in want:
        r = vctl("--signal", name)
        got = d.stdout.readline().decode().strip() if r.returncode == 0 \
            else "none"
        check(f"--signal {name} -> signal {num}",
              r.returncode == 0 and got == str(num),
              f"exit {r.returncode} got {got} {r.stderr!r}")
    # auditctl 3.0.9 takes the same names (case-insensitively)
    r = actl("--signal", "hup")
    got = d.stdout.readline().decode().strip() if r.returncode == 0 \
        else "none"
    check("auditctl --signal hup reaches the dummy too (reference)",
          r.returncode == 0 and got == "1", f"{r.returncode} {r.stderr!r}")
    r = vctl("--signal=TERM")
    got = d.stdout.readline().decode().strip()
    check("--signal=TERM stops the dummy", r.returncode == 0 and
          got == "15" and d.wait(5) == 0, f"{r.returncode} {got}")


# ---- -m ----

AUDIT_USER = 1005
UMSG_MAX = 8970 - 16 - 3       # libaudit: NLMSG_SPACE(text + NUL) <= 8970


def user_records(ev, secs=0.6):
    """The USER records read as audit pid: [(pid, text after ': ')]."""
    out = []
    end = time.time() + secs
    while time.time() < end:
        try:
            d = ev.nl.s.recv(65536)
        except (TimeoutError, OSError):
            continue
        # one record a datagram; its nlmsg_len leaves out the header
        # (a kernel quirk), so the text is the rest of the datagram
        if len(d) < 16 or struct.unpack_from("=H", d, 4)[0] != AUDIT_USER:
            continue
        t = d[16:].rstrip(b"\0").decode("utf-8", "replace")
        m = re.match(r"audit\([\d.:]+\): pid=(\d+) ", t)
        if m:
            out.append((int(m.group(1)), t.split(": ", 1)[1]))
    return out


def send_msg(ev, tool, *argv, stdin=subprocess.DEVNULL):
    """Runs tool -m ...; returns (exit, stderr, [its USER records])."""
    ev.drain(0.1)
    p = subprocess.Popen([tool, *argv], stdin=stdin,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    _, err = p.communicate(timeout=30)
    recs = [t for pid, t in user_records(ev) if pid == p.pid]
    return p.returncode, err, recs


def norm(rec):
    """A USER record without what differs between two senders."""
    rec = re.sub(r"^pid=\d+ ", "pid=N ", rec)
    return re.sub(r" exe=(\"[^\"]*\"|[0-9A-F]+) ", " exe=E ", rec)


def usermsg_checks():
    exe = os.path.realpath(VIGILCTL)
    ev = Events()
    try:
        rc, err, recs = send_msg(ev, VIGILCTL, "-m", "hello vigil")
        want = (f"msg='text=hello vigil exe=\"{exe}\" hostname=? addr=? "
                f"terminal=? res=success'")
        check("-m hello vigil: exit 0, one USER record with its text",
              rc == 0 and err == "" and len(recs) == 1 and
              recs[0].endswith(want) and
              re.match(r"pid=\d+ uid=0 auid=\d+ ses=\d+ ", recs[0]),
              f"exit {rc} {err!r} {recs}\nwant ...{want}")
        arc, aerr, arecs = send_msg(ev, "auditctl", "-m", "hello vigil")
        check("-m record == auditctl -m record (but pid, exe)",
              arc == 0 and len(arecs) == 1 and len(recs) == 1 and
              norm(recs[0]) == norm(arecs[0]),
              f"\nauditctl {arecs}\nvigilctl {recs}")
        for argv in (["-mglued"], ["-m", ""], ["-m", "q'uo\"te \x7f"]):
            rc, err, recs = send_msg(ev, VIGILCTL, *argv)
            arc, aerr, arecs = send_msg(ev, "auditctl", *argv)
            check(f"{argv!r}: same record as auditctl",
                  rc == 0 and arc == 0 and len(recs) == 1 and
                  len(arecs) == 1 and norm(recs[0]) == norm(arecs[0]),
                  f"\nauditctl {arc} {arecs}\nvigilctl {rc} {recs}")
        # on a terminal: terminal=pts/N and the host name, as auditctl
        mfd, sfd = os.openpty()
        try:
            rc, err, recs = send_msg(ev, VIGILCTL, "-m", "on a tty",
                                     stdin=sfd)
            arc, aerr, arecs = send_msg(ev, "auditctl", "-m", "on a tty",
                                        stdin=sfd)
        finally:
            os.close(mfd)
            os.close(sfd)
        check("-m on a pty: terminal= and hostname= as auditctl's",
              rc == 0 and len(recs) == 1 and len(arecs) == 1 and
              norm(recs[0]) == norm(arecs[0]) and
              re.search(r" hostname=\S+ addr=\? terminal=pts/\d+ ",
                        recs[0]) and " hostname=? " not in recs[0],
              f"\nauditctl {arecs}\nvigilctl {recs}")
        # refused before anything is sent, with auditctl's words
        for argv in (["-m", "tab\there"], ["-m", "caf\u00e9"],
                     ["-m", "a", "b"], ["-m"]):
            rc, err, recs = send_msg(ev, VIGILCTL, *argv)
            arc, aerr, arecs = send_msg(ev, "auditctl", *argv)
            check(f"{argv!r} refused like auditctl, nothing logged",
                  rc == 1 and arc != 0 and recs == [] and arecs == [] and
                  err.strip() == aerr.strip() and err.strip() != "",
                  f"auditctl {arc} {aerr!r} {arecs} vigilctl {rc} {err!r} "
                  f"{recs}")
        # libaudit's size limit, counted with the fields it appends
        fixed = len(f"text= exe=\"{exe}\" hostname=? addr=? terminal=? "
                    f"res=success")
        room = UMSG_MAX - fixed
        rc, err, recs = send_msg(ev, VIGILCTL, "-m", "y" * room)
        check(f"-m of {room} bytes (the most that fits): sent, the "
              f"kernel cuts msg at 8560",
              rc == 0 and len(recs) == 1 and
              re.search(r" msg='text=y{8555}'$", recs[0]) is not None,
              f"exit {rc} {err!r} {[r[:80] + '...' + r[-20:] for r in recs]}")
        rc, err, recs = send_msg(ev, VIGILCTL, "-m", "y" * (room + 1))
        check(f"-m of {room + 1} bytes: refused, nothing logged",
              rc == 1 and recs == [] and "too long" in err,
              f"exit {rc} {err!r} {len(recs)} records")
        arc, aerr, arecs = send_msg(ev, "auditctl", "-m", "y" * 9000)
        check("auditctl -m of 9000 bytes fails too (reference)",
              arc != 0 and arecs == [], f"{arc} {aerr!r}")
        # disabled: the kernel drops the message; both exit 0
        ev.nl.set(kg.AUDIT_STATUS_ENABLED, enabled=0)
        rc, err, recs = send_msg(ev, VIGILCTL, "-m", "while disabled")
        arc, aerr, arecs = send_msg(ev, "auditctl", "-m", "while disabled")
        check("-m with audit disabled: exit 0, silent, nothing logged "
              "(as auditctl)",
              rc == 0 and err == "" and recs == [] and arc == 0 and
              aerr == "" and arecs == [],
              f"auditctl {arc} {aerr!r} {arecs} vigilctl {rc} {err!r} "
              f"{recs}")
    finally:
        ev.close()


def main():
    if not os.access(VIGILCTL, os.X_OK):
        return 77
    if not shutil.which("auditctl"):
        return 77
    with kg.KernelGuard() as g:
        tmpdir = tempfile.mkdtemp(prefix="vigil-vq-", dir="/tmp")
        try:
            status_checks()
            list_checks(tmpdir)
            equiv_checks(tmpdir)
            signal_checks(g)
            usermsg_checks()
        finally:
            for p in ("mnt",):
                q = os.path.join(tmpdir, p)
                if os.path.ismount(q):
                    subprocess.run(["umount", q])
            shutil.rmtree(tmpdir, ignore_errors=True)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
