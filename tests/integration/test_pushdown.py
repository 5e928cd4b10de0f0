#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_pushdown.py BUILD_DIR: pushdown = yes on the live kernel. The drop
lines the kernel can take (syscall.exe=, syscall.uid=, user message
types) become vigild's own rules ahead of the loaded
ones (auditctl -l order; vigilctl -l marks them), the kernel never sends
the dropped events (the prefilter drops none, while the same run without
pushdown drops them), other events still come out, the refused line is
named with its reason under -v, SIGHUP re-adds them once after a rules
file with -D, and after SIGTERM or a crash no rule is left. Needs root
and kernel audit (exit 77 otherwise); kernel_guard holds the kernel lock
and restores the kernel whatever happens."""
import json
import os
import re
import shutil
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

check = vtest.Checks("live")
RUNS = 5
SYNC = shutil.which("sync") or "/bin/sync"  # syscall.name=sync
OTHER_UID = 65534       # the other program runs as nobody: syscall.uid=


def events(path):
    out = []
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    except (FileNotFoundError, ValueError):
        pass
    return out


def exe_events(path, exe):
    return [e for e in events(path)
            if (e.get("syscall") or {}).get("exe") == exe]


def user_msgs(path, text):
    """USER records carrying text (auditctl -m's own execve event, which
    names it too, has a syscall)."""
    return [e for e in events(path)
            if "syscall" not in e and text in json.dumps(e)]


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


def prefilter_dropped(p, errpath):
    """SIGCONT dump: the prefilter's dropped counter (None if unseen)."""
    before = len(read(errpath))
    p.send_signal(signal.SIGCONT)

    def seen():
        m = re.findall(r"filter prefilter passed=\d+ dropped=(\d+)",
                       read(errpath)[before:])
        return int(m[-1]) if m else None
    return wait_for(seen)


def setup(tmp):
    """The noisy and the quiet program (copies of true: one hard link
    each) and the rules file: every execve of this test's children."""
    true = shutil.which("true")
    noisy, quiet = os.path.join(tmp, "noisy"), os.path.join(tmp, "quiet")
    other = os.path.join(tmp, "other")
    shutil.copy(true, noisy)
    shutil.copy(true, quiet)
    shutil.copy(true, other)
    os.chmod(tmp, 0o755)        # nobody runs other from here
    os.chmod(other, 0o755)
    rpath = os.path.join(tmp, "audit.rules")
    with open(rpath, "w") as f:
        f.write(f"-D\n-a always,exit -F arch=b64 -S execve "
                f"-F ppid={os.getpid()} -k vgpd\n"
                f"-a always,exit -F arch=b64 -S sync "
                f"-F ppid={os.getpid()} -k vgpd\n")
    return noisy, quiet, other, rpath


def write_conf(tmp, name, out, rpath, noisy, pushdown):
    conf = os.path.join(tmp, name)
    with open(conf, "w") as f:
        f.write(f"output = json:{out}\nrules = {rpath}\n"
                f"drop = syscall.exe={noisy}\n"
                f"drop = syscall.uid={OTHER_UID}\n"
                "drop = type=USER\n"
                "drop = key=vg-never-seen\n"
                "drop = syscall.name=sync\n"
                f"pushdown = {'yes' if pushdown else 'no'}\n")
    return conf


def as_other():
    os.setgroups([])
    os.setgid(OTHER_UID)
    os.setuid(OTHER_UID)


def workload(noisy, quiet, other, marker):
    for _ in range(RUNS):
        subprocess.run([noisy], check=True)
        subprocess.run([other], check=True, preexec_fn=as_other)
        subprocess.run([quiet], check=True)
        subprocess.run([SYNC], check=True)
    kernel_guard.auditctl("-m", marker)


def sync_events(path):
    return [e for e in events(path)
            if (e.get("syscall") or {}).get("name") == "sync"]


def uid_events(path):
    return [e for e in events(path)
            if (e.get("syscall") or {}).get("uid") == OTHER_UID]


def exit_rules(text):
    return [ln for ln in text.splitlines() if ",exit" in ln]


def run_one(g, vigild, tmp, noisy, quiet, other, rpath, pushdown):
    tag = "pd" if pushdown else "us"
    out = os.path.join(tmp, f"{tag}.json")
    errpath = os.path.join(tmp, f"{tag}.err")
    conf = write_conf(tmp, f"{tag}.conf", out, rpath, noisy, pushdown)
    with open(errpath, "w") as err:
        p, ok = g.spawn_daemon([vigild, "-f", "-v", "-c", conf],
                               stderr=err)
    check(f"{tag}: vigild is the audit daemon", ok, read(errpath))
    if not ok:
        return None
    # rules are loaded after the pid is taken: wait for ours
    wait_for(lambda: "key=vgpd" in rules())
    if pushdown:
        wait_for(lambda: f"exe={noisy}" in rules())
    marker = f"vg-pushdown-{tag}-{os.getpid()}"
    workload(noisy, quiet, other, marker)
    got = wait_for(lambda: len(exe_events(out, quiet)) >= RUNS or None)
    check(f"{tag}: the quiet program's events come out", got,
          f"{len(exe_events(out, quiet))} of {RUNS}")
    time.sleep(0.5)  # what the kernel sent after them is in too
    check(f"{tag}: no event of the dropped program",
          not exe_events(out, noisy))
    check(f"{tag}: no event of the dropped uid",
          not exe_events(out, other) and not uid_events(out))
    check(f"{tag}: no dropped user message", not user_msgs(out, marker))
    check(f"{tag}: no event of the dropped syscall", not sync_events(out))
    return p, out, errpath, marker


def test_userspace(g, vigild, tmp, noisy, quiet, other, rpath):
    r = run_one(g, vigild, tmp, noisy, quiet, other, rpath, False)
    if r is None:
        return
    p, _, errpath, _ = r
    check("userspace: no kernel rule for the drop lines",
          f"exe={noisy}" not in rules() and "msgtype" not in rules()
          and f"uid={OTHER_UID}" not in rules() and "never,exit -F arch"
          not in rules(), rules())
    n = prefilter_dropped(p, errpath)
    check("userspace: the prefilter dropped them",
          n is not None and n >= 3 * RUNS + 1, f"dropped={n}")
    g.stop(p)


def test_pushdown(g, vigild, vigilctl, tmp, noisy, quiet, other, rpath):
    r = run_one(g, vigild, tmp, noisy, quiet, other, rpath, True)
    if r is None:
        return
    p, out, errpath, _ = r
    lst = rules()
    ex = exit_rules(lst)
    want = f"-a never,exit -S all -F exe={noisy}"
    want_uid = f"-a never,exit -S all -F uid={OTHER_UID}"
    want_sc = "-a never,exit -F arch=b64 -S sync"
    check("kernel: the pushdown rules are the first exit rules, in order",
          ex[:3] == [want, want_uid, want_sc], lst)
    check("kernel: then the self-exclusion rule, then the loaded rules",
          len(ex) == 6 and ex[3] == f"-a never,exit -S all -F pid={p.pid}"
          and "key=vgpd" in ex[4] and "key=vgpd" in ex[5], lst)
    check("kernel: user messages excluded ahead",
          [ln for ln in lst.splitlines() if ",exclude" in ln][:1] ==
          ["-a always,exclude -F msgtype=USER"], lst)
    ctl = subprocess.run([vigilctl, "-l"], capture_output=True, text=True)
    mark = f"# vigild (pid {p.pid}): own rule, removed when it stops"
    lines = ctl.stdout.splitlines()
    marked = [lines[i + 1] for i, ln in enumerate(lines[:-1]) if ln == mark]
    check("vigilctl -l marks vigild's rules",
          sorted(marked) == sorted([want, want_uid, want_sc,
                                    f"-a never,exit -S all -F "
                                    f"pid={p.pid}", "-a always,exclude -F "
                                    "msgtype=USER"]), ctl.stdout)
    check("vigilctl -l marks nothing else",
          lines.count(mark) == 5 and not any(
              "vgpd" in lines[i + 1] for i, ln in enumerate(lines[:-1])
              if ln == mark), ctl.stdout)
    n = prefilter_dropped(p, errpath)
    check("the kernel never sent them: the prefilter dropped none",
          n == 0, f"dropped={n}")
    err = read(errpath)
    check("-v: the exe line is a kernel rule",
          f"kernel rule {want}" in err, err[-2000:])
    check("-v: the uid line is a kernel rule",
          f"kernel rule {want_uid}" in err, err[-2000:])
    check("-v: the syscall line is a kernel rule",
          f"kernel rule {want_sc}" in err, err[-2000:])
    check("-v: the key line stays in userspace, with the reason",
          re.search(r'"key=vg-never-seen" stays in userspace: '
                    r"the kernel cannot match an event's key", err)
          is not None, err[-2000:])

    # SIGHUP: the rules file starts with -D; ours come back, once, first
    p.send_signal(signal.SIGHUP)
    time.sleep(1)
    wait_for(lambda: f"exe={noisy}" in rules())
    lst = rules()
    ex = exit_rules(lst)
    check("reload: the pushdown rules are first again, once",
          ex[:3] == [want, want_uid, want_sc] and lst.count(want) == 1 and
          lst.count(want_uid) == 1 and lst.count(want_sc) == 1, lst)
    check("reload: the loaded rules are back", "key=vgpd" in lst, lst)
    marker = f"vg-pushdown-hup-{os.getpid()}"
    before = len(exe_events(out, quiet))
    workload(noisy, quiet, other, marker)
    check("reload: events still come out", wait_for(
        lambda: len(exe_events(out, quiet)) >= before + RUNS or None))
    time.sleep(0.5)
    check("reload: still nothing of the dropped program",
          not exe_events(out, noisy) and not user_msgs(out, marker) and
          not exe_events(out, other) and not sync_events(out),
          repr(exe_events(out, noisy)[:1] + user_msgs(out, marker)[:1]))
    n = prefilter_dropped(p, errpath)
    check("reload: still dropped in the kernel", n == 0, f"dropped={n}")

    state = os.path.join(os.environ["VIGIL_RUNDIR"], "kernel-rules")
    check("state file while running", os.path.exists(state))
    g.stop(p)
    lst = rules()
    check("stop: no pushdown rule left",
          f"exe={noisy}" not in lst and "msgtype=USER" not in lst and
          f"uid={OTHER_UID}" not in lst and want_sc not in lst, lst)
    check("stop: no self-exclusion rule left", "-F pid=" not in lst, lst)
    check("stop: the state file is gone", not os.path.exists(state))


def test_crash(g, vigild, tmp, noisy, rpath):
    out = os.path.join(tmp, "crash.json")
    conf = write_conf(tmp, "crash.conf", out, rpath, noisy, True)
    p, ok = g.spawn_daemon([vigild, "-f", "-c", conf],
                           stderr=subprocess.DEVNULL)
    check("crash: vigild up", ok)
    if not ok:
        return
    check("crash: pushdown rule in", wait_for(
        lambda: f"exe={noisy}" in rules()), rules())
    os.kill(p.pid, signal.SIGSEGV)
    p.wait(5)
    gone = wait_for(lambda: f"exe={noisy}" not in rules() and
                    "msgtype=USER" not in rules(), timeout=2)
    check("crash: the handler removes the pushdown rules", gone, rules())


def main():
    vigild = vtest.vigild_path()
    vigilctl = os.path.join(os.path.dirname(vigild), "vigilctl")
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-pushdown-") as t:
        tmp = os.path.realpath(t)
        os.environ["VIGIL_RUNDIR"] = os.path.join(tmp, "run")
        noisy, quiet, other, rpath = setup(tmp)
        test_userspace(g, vigild, tmp, noisy, quiet, other, rpath)
        test_pushdown(g, vigild, vigilctl, tmp, noisy, quiet, other, rpath)
        test_crash(g, vigild, tmp, noisy, rpath)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
