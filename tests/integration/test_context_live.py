#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_context_live.py BUILD_DIR: the process context (docs/events.md,
Context) with real processes under the kernel's audit. A known tree,
this test -> bash -> sh -> python3 prog.py, is audited (execve, clone,
connect): the connect event's ancestry must be exactly that one (pids,
programs, argv, script, spawned_by, labels, env). Containers without a
container runtime: real cgroup v2 directories named as docker,
containerd, cri-o, podman and Kubernetes name theirs, a process moved in
before its exec, its container id and runtime checked (the cgroups are
removed). Memory stays bounded under 20000 short processes (the table
size, its evictions, vigild's RSS). Needs root, kernel audit and
auditctl (exit 77 otherwise); kernel_guard restores the kernel."""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")
FORKS = 20000
MAXPROCS = 2000

PROG = """import os, socket, sys
with open(sys.argv[1], "w") as f:
    f.write("%d %d\\n" % (os.getpid(), os.getppid()))
s = socket.socket()
try:
    s.connect(("127.0.0.1", 9))
except OSError:
    pass
"""


def events(path):
    out = []
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.strip():
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass    # a line being written
    except FileNotFoundError:
        pass
    return out


def find(path, pid, name):
    for e in events(path):
        s = e.get("syscall", {})
        if s.get("pid") == pid and s.get("name") == name:
            return e
    return None


def cgroup2_root():
    with open("/proc/self/mounts") as f:
        for line in f:
            p = line.split()
            if len(p) > 2 and p[2] == "cgroup2":
                return p[1]
    return None


def test_tree(tmp, out):
    prog = os.path.join(tmp, "vgctx_prog.py")
    with open(prog, "w") as f:
        f.write(PROG)
    pidf = os.path.join(tmp, "pids")
    env = dict(os.environ, VGCTX_MARK="mark-%d" % os.getpid())
    b = subprocess.Popen(["bash", "-c",
                          f"sh -c 'python3 {prog} {pidf}; true'; true"],
                         env=env)
    b.wait()
    with open(pidf) as f:
        ppid_, spid = (int(x) for x in f.read().split())
    p, s = ppid_, spid
    ev = wait_for(lambda: find(out, p, "connect"), 10)
    check("connect event of the program", ev is not None)
    if ev is None:
        return
    c = ev.get("context", {})
    proc = c.get("process", {})
    py = os.path.realpath(sys.executable)
    check("process: pid", proc.get("pid") == p, repr(proc))
    check("process: exe", proc.get("exe") == os.path.realpath(
        shutil.which("python3", path=env["PATH"])), proc.get("exe"))
    check("process: argv", proc.get("argv") == ["python3", prog, pidf],
          repr(proc.get("argv")))
    check("process: script", c.get("script") == prog, c.get("script"))
    exe_ev = find(out, p, "execve")
    check("process: spawned_by its execve", exe_ev is not None and
          proc.get("spawned_by") == exe_ev["serial"], repr(proc))
    par = c.get("parents", [])
    want = [(s, os.path.realpath("/bin/sh")), (b.pid, os.path.realpath(
        "/usr/bin/bash")), (os.getpid(), py), (os.getppid(), None)]
    got = [(x.get("pid"), x.get("exe")) for x in par]
    check("parents: depth 4", len(par) == 4, repr(got))
    for i, (pid, exe) in enumerate(want):
        if i >= len(par):
            break
        check(f"parents[{i}]: pid {pid}", par[i].get("pid") == pid,
              repr(got))
        if exe is not None:
            check(f"parents[{i}]: exe {exe}", par[i].get("exe") == exe,
                  repr(par[i]))
    sh_ev = find(out, s, "execve")
    check("sh: spawned_by its execve", sh_ev is not None and len(par) > 0
          and par[0].get("spawned_by") == sh_ev["serial"],
          repr(par[:1]))
    check("sh: argv", len(par) > 0 and par[0].get("argv") ==
          ["sh", "-c", f"python3 {prog} {pidf}; true"], repr(par[:1]))
    check("label of bash inherited", c.get("labels") == ["vgshell"],
          repr(c.get("labels")))
    check("env allow-list", c.get("env") == {"VGCTX_MARK": env[
        "VGCTX_MARK"]}, repr(c.get("env")))
    check("names: uid root", c.get("names", {}).get("uid") == "root",
          repr(c.get("names")))
    check("host", ev.get("host") == socket.gethostname(), ev.get("host"))
    # the test's own connect: it was never exec'd under audit, so it
    # comes from /proc, once
    sk = socket.socket()
    try:
        sk.connect(("127.0.0.1", 9))
    except OSError:
        pass
    sk.close()
    me = wait_for(lambda: find(out, os.getpid(), "connect"), 10)
    check("a process from /proc: argv", me is not None and
          me["context"]["process"].get("argv", [None])[0] ==
          open("/proc/self/cmdline", "rb").read().split(b"\0")[0]
          .decode(), repr(me and me["context"]["process"]))


ID = "%064x"
POD = "1a2b3c4d-5e6f-7a8b-9c0d-%012x"


def test_containers(tmp, out):
    root = cgroup2_root()
    if root is None:
        print("SKIP containers: no cgroup v2 mounted")
        return
    base = os.path.join(root, "vgctx-test.slice")
    n = os.getpid()
    cases = [
        (f"docker-{ID % (n + 1)}.scope", "docker", ID % (n + 1), None),
        (f"cri-containerd-{ID % (n + 2)}.scope", "containerd",
         ID % (n + 2), None),
        (f"crio-{ID % (n + 3)}.scope", "cri-o", ID % (n + 3), None),
        (f"libpod-{ID % (n + 4)}.scope", "podman", ID % (n + 4), None),
        ("kubepods-besteffort-pod%s.slice/cri-containerd-%s.scope" % (
            (POD % n).replace("-", "_"), ID % (n + 5)), "containerd",
         ID % (n + 5), POD % n),
        ("kubepods/besteffort/pod%s/%s" % (POD % (n + 1), ID % (n + 6)),
         "kubernetes", ID % (n + 6), POD % (n + 1)),
        ("docker/%s" % (ID % (n + 7)), "docker", ID % (n + 7), None),
    ]
    made = []
    try:
        for rel, rt, cid, pod in cases:
            d = os.path.join(base, rel)
            os.makedirs(d)
            made.append(d)
            pidf = os.path.join(tmp, "cg-pid")

            def enter(d=d):
                with open(os.path.join(d, "cgroup.procs"), "w") as f:
                    f.write("0")
            # moved in between fork and exec, as a runtime does
            subprocess.run(["python3", "-c", PROG, pidf],
                           preexec_fn=enter, check=True)
            with open(pidf) as f:
                pid = int(f.read().split()[0])
            ev = wait_for(lambda: find(out, pid, "connect"), 10)
            cont = (ev or {}).get("context", {}).get("container", {})
            check(f"container {rt}: id", cont.get("id") == cid,
                  f"{rel}: {cont!r}")
            check(f"container {rt}: runtime", cont.get("runtime") == rt,
                  f"{rel}: {cont!r}")
            if pod is not None:
                check(f"container {rt}: pod uid", cont.get("pod") == pod,
                      f"{rel}: {cont!r}")
    except OSError as e:
        check("cgroup directories", False, str(e))
    finally:
        # leaves first; their processes have exited
        for d in sorted(set(made + [os.path.dirname(x) for x in made]),
                        key=len, reverse=True):
            while d.startswith(base) and os.path.isdir(d):
                try:
                    os.rmdir(d)
                except OSError:
                    break
                d = os.path.dirname(d)
        if os.path.isdir(base):
            try:
                os.rmdir(base)
            except OSError as e:
                print(f"cleanup {base}: {e}")
    check("cgroups removed", not os.path.exists(base))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def dump(d, errf):
    """SIGCONT: the counters on stderr; the last context line's."""
    with open(errf, "rb") as f:
        before = len(f.read())
    os.kill(d.pid, signal.SIGCONT)

    def line():
        with open(errf, "rb") as f:
            text = f.read()[before:].decode(errors="replace")
        for ln in text.splitlines():
            if "context entries=" in ln:
                return dict(kv.split("=", 1) for kv in
                            ln[ln.index("context ") + 8:].split())
        return None
    return wait_for(line, 5)


def test_fork_bomb(d, errf, out):
    r0 = rss_kb(d.pid)
    t0 = time.time()
    for _ in range(FORKS):
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
    t = time.time() - t0
    # the events of the last children are in
    last = pid
    wait_for(lambda: any(e.get("context", {}).get("process", {})
                         .get("pid") == os.getpid() and
                         e.get("syscall", {}).get("exit") == last
                         for e in events(out)[-200:]), 30, 0.5)
    st = dump(d, errf) or {}
    r1 = rss_kb(d.pid)
    print(f"fork bomb: {FORKS} processes in {t:.1f} s; context {st}; "
          f"vigild RSS {r0} -> {r1} KB")
    check("fork bomb: table bounded", int(st.get("entries", 1 << 30)) <=
          MAXPROCS, repr(st))
    check("fork bomb: evictions counted", int(st.get("evicted", 0)) >=
          FORKS - MAXPROCS, repr(st))
    # 20000 entries would be several MB of strings alone; bounded, the
    # table costs what MAXPROCS entries cost, whatever the number of forks
    check("fork bomb: RSS growth < 16 MB", r1 - r0 < 16 * 1024,
          f"{r0} -> {r1} KB")


def main():
    vigild = vtest.vigild_path()
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ev.json")
        errf = os.path.join(tmp, "err")
        conf = os.path.join(tmp, "vigild.conf")
        with open(conf, "w") as f:
            f.write(f"context_max_processes = {MAXPROCS}\n"
                    "context_env = VGCTX_MARK\n"
                    "label = vgshell exe=/usr/bin/bash\n"
                    f"context_state = {tmp}/proctab\n")
        for rule in (["-S", "execve,clone,fork,vfork", "-k", "vgctx-proc"],
                     ["-S", "connect", "-F", "a0!=-1", "-k", "vgctx-net"]):
            kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64",
                                  *rule)
        with open(errf, "wb") as ef:
            d, up = g.spawn_daemon([vigild, "-f", "-c", conf, "-o",
                                    f"json:{out}"], stderr=ef)
        check("vigild up", up)
        if up:
            test_tree(tmp, out)
            test_containers(tmp, out)
            test_fork_bomb(d, errf, out)
            g.stop(d)
            with open(errf, "rb") as f:
                err = f.read().decode(errors="replace")
            check("vigild exits cleanly", d.returncode == 0, err[-400:])
            try:
                with open(os.path.join(tmp, "proctab")) as f:
                    st = f.read().splitlines()
            except OSError:
                st = []
            check("process table saved at stop",
                  st[:2] == ["vigil-proctab 2", "labels 0=vgshell"] and
                  100 < len(st) <= MAXPROCS + 2, f"{len(st)} lines")
            # read at the next start: the entries of processes still
            # running are there at once; the fork bomb's, gone, are not
            alive = sum(os.path.exists(f"/proc/{l.split()[0]}")
                        for l in st[2:])
            with open(errf, "ab") as ef:
                d, up = g.spawn_daemon([vigild, "-f", "-v", "-c", conf,
                                        "-o", f"json:{out}"], stderr=ef)
            st2 = dump(d, errf) if up else None
            check("process table read at start", st2 is not None and
                  int(st2.get("inserted", 0)) >= len(st) - 2 and
                  alive // 2 <= int(st2.get("entries", 0)) < len(st) - 2,
                  f"{alive} alive of {len(st) - 2}: {st2!r}")
            g.stop(d)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
