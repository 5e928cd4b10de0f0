#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_observe.py BUILD_DIR: issue 18's control socket, state report and
top tallies against a live vigild (kernel_guard). The socket is 0600
root, or 0660 with control_group, whose members may read but not act; a
bad, oversized or idle client never blocks events or other clients;
vigilctl state (text and JSON), top --once --json (the key of a known
workload counted exactly), metrics; the state file on SIGCONT and every
report_interval; --signal reload and stop through the socket. Needs root
and kernel audit (exit 77 otherwise)."""
import grp
import json
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")
KEY = "obs18"
N = 25


def call(path, line, timeout=5):
    """Raw protocol: sends line, returns the whole reply."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    try:
        s.sendall(line)
    except BrokenPipeError:
        pass            # refused at once (busy): the answer is there
    out = b""
    while True:
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            break
        if not d:
            break
        out += d
    s.close()
    return out


def as_user(uid, gid):
    def f():
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
    return f


def workload():
    """N execve of /bin/true by a shell whose pid the rule names (the
    vigilctl runs of the test must not count): the shell waits for a
    line on stdin until the rule is in."""
    sh = subprocess.Popen(["/bin/sh", "-c", "read x; i=0; while [ $i -lt "
                           f"{N} ]; do /bin/true; i=$((i+1)); done"],
                          stdin=subprocess.PIPE)
    kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64", "-S",
                          "execve", "-F", f"ppid={sh.pid}", "-k", KEY)
    sh.communicate(b"go\n", timeout=30)


def kv(text):
    d = {}
    for line in text.splitlines():
        k, _, v = line.partition(" = ")
        d[k] = v
    return d


def main():
    vigild = vtest.vigild_path()
    vigilctl = os.path.join(os.path.dirname(vigild), "vigilctl")
    try:
        nogroup = grp.getgrnam("nogroup").gr_gid
        nobody = pwd.getpwnam("nobody").pw_uid
    except KeyError:
        vtest.skip("no nobody/nogroup")
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-obs-") as tmp:
        os.chmod(tmp, 0o755)
        ctl = os.path.join(tmp, "run", "control")
        state = os.path.join(tmp, "vigild.state")
        out = os.path.join(tmp, "out.json")
        conf = os.path.join(tmp, "vigild.conf")
        with open(conf, "w") as f:
            f.write(f"control = {ctl}\ncontrol_group = nogroup\n"
                    f"state_file = {state}\nreport_interval = 1\n"
                    f"output = json:{out}\n")
        env = dict(os.environ, VIGIL_CONTROL=ctl)
        p, ok = g.spawn_daemon([vigild, "-f", "-c", conf],
                               stderr=subprocess.PIPE)
        check("vigild starts", ok)
        if not ok:
            print(p.stderr.read().decode(errors="replace"))
            return check.summary()
        st = os.stat(ctl)
        check("socket 0660 root:nogroup with control_group",
              stat.S_ISSOCK(st.st_mode) and
              stat.S_IMODE(st.st_mode) == 0o660 and st.st_uid == 0 and
              st.st_gid == nogroup, oct(st.st_mode))

        # a client that says nothing must not hold anything up
        idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        idle.connect(ctl)
        t0 = time.time()
        workload()
        r = subprocess.run([vigilctl, "state"], env=env,
                           capture_output=True, text=True, timeout=10)
        check("state answers while a client idles",
              r.returncode == 0 and time.time() - t0 < 4, r.stderr)
        s = kv(r.stdout)
        for k in ("version", "uptime_seconds", "audit_pid_held",
                  "kernel.enabled", "kernel.lost", "kernel.backlog",
                  "kernel.backlog_wait_time_actual", "records", "events",
                  "gaps", "timeouts", "late", "lua.calls", "lua.errors",
                  "prefilter.drops", "rss_bytes", "output.0.up",
                  "output.0.sent", "output.0.dropped", "output.0.queued",
                  "output.0.spooled"):
            check(f"state has {k}", k in s, r.stdout[:300])
        check("state: audit pid held", s.get("audit_pid_held") == "yes")
        idle.close()

        def top_key():
            r = subprocess.run([vigilctl, "top", "--once", "--json"],
                               env=env, capture_output=True, text=True,
                               timeout=10)
            if r.returncode:
                return None
            j = json.loads(r.stdout)
            for it in j["key"]:
                if it["value"] == KEY:
                    return it
            return None
        it = wait_for(lambda: (lambda x: x if x and x["count"] >= N
                               else None)(top_key()), 5, 0.2)
        check("top counts the workload's key exactly",
              it is not None and it["count"] == N and it["max_error"] == 0,
              str(it))
        r = subprocess.run([vigilctl, "state", "--json"], env=env,
                           capture_output=True, text=True, timeout=10)
        try:
            j = json.loads(r.stdout)
            ok = j["kernel"]["pid"] == p.pid and \
                j["outputs"][0]["spec"] == f"json:{out}" and \
                j["counters"]["events"] >= N
        except (ValueError, KeyError, TypeError):
            ok = False
        check("state --json parses and names the output", ok,
              r.stdout[:300])
        r = subprocess.run([vigilctl, "metrics"], env=env,
                           capture_output=True, text=True, timeout=10)
        check("metrics over the socket", "# TYPE vigil_events_total "
              "counter" in r.stdout and
              f'vigil_key_events_total{{key="{KEY}"}} {N}' in r.stdout,
              r.stdout[-400:])

        # protocol abuse
        check("unknown request refused",
              call(ctl, b"frobnicate\n").startswith(b"error: unknown"))
        check("option on a command that takes none refused",
              call(ctl, b"stop json\n").startswith(b"error: "))
        check("binary request refused",
              call(ctl, b"st\x00ate\n").startswith(b"error: bad"))
        check("oversized request refused",
              call(ctl, b"a" * 300).startswith(b"error: request too long"))
        conns = []
        for _ in range(8):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            c.connect(ctl)
            conns.append(c)
        time.sleep(0.2)
        check("a ninth client at once is told busy",
              call(ctl, b"version\n").startswith(b"error: busy"))
        for c in conns:
            c.close()
        ok = wait_for(lambda: call(ctl, b"version\n").startswith(b"ok\n"),
                      3, 0.1)
        check("clients served again once they leave", ok)

        # the group may read, not act; others may not connect at all
        r = subprocess.run([vigilctl, "state"], env=env,
                           capture_output=True, text=True, timeout=10,
                           preexec_fn=as_user(nobody, nogroup))
        check("control_group member reads state", r.returncode == 0 and
              "events = " in r.stdout, r.stderr)
        r = subprocess.run(["/usr/bin/python3", "-c",
                            "import socket,sys; s=socket.socket(1);"
                            f"s.connect({ctl!r}); s.sendall(b'stop\\n');"
                            "sys.stdout.write(s.recv(100).decode())"],
                           capture_output=True, text=True, timeout=10,
                           preexec_fn=as_user(nobody, nogroup))
        check("control_group member may not stop",
              r.stdout.startswith("error: permission denied"), r.stdout)
        check("daemon still running after a refused stop", p.poll() is None)
        # a member holding every slot does not lock root out
        holder = subprocess.Popen(
            ["/usr/bin/python3", "-c",
             "import socket,sys,time\n"
             "s=[socket.socket(1) for _ in range(8)]\n"
             f"[x.connect({ctl!r}) for x in s]\n"
             "print('held', flush=True); time.sleep(4)"],
            stdout=subprocess.PIPE, text=True,
            preexec_fn=as_user(nobody, nogroup))
        held = holder.stdout.readline().strip() == "held"
        got = call(ctl, b"version\n")
        holder.kill()
        holder.wait()
        check("root served while a member holds every slot",
              held and got.startswith(b"ok\n"), repr(got[:60]))
        r = subprocess.run([vigilctl, "state"], env=env,
                           capture_output=True, text=True, timeout=10,
                           preexec_fn=as_user(nobody, 12345))
        check("a user outside the group cannot connect",
              r.returncode != 0, r.stdout)

        # state file: every report_interval, and on SIGCONT
        m1 = kv(open(state).read()).get("uptime_seconds") \
            if os.path.exists(state) else None
        time.sleep(2.2)
        m2 = kv(open(state).read()).get("uptime_seconds") \
            if os.path.exists(state) else None
        check("state file rewritten every report_interval",
              m1 is not None and m2 is not None and int(m2) > int(m1),
              f"{m1} {m2}")
        check("state file 0640",
              stat.S_IMODE(os.stat(state).st_mode) == 0o640)
        os.unlink(state)
        os.kill(p.pid, signal.SIGCONT)
        check("SIGCONT writes the state file",
              wait_for(lambda: os.path.exists(state), 3))

        r = subprocess.run([vigilctl, "--signal", "reload"], env=env,
                           capture_output=True, text=True, timeout=10)
        check("--signal reload through the socket", r.returncode == 0 and
              p.poll() is None, r.stderr)
        r = subprocess.run([vigilctl, "--signal", "stop"], env=env,
                           capture_output=True, text=True, timeout=10)
        check("--signal stop through the socket", r.returncode == 0,
              r.stderr)
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            pass
        err = p.stderr.read().decode(errors="replace")
        check("vigild stopped", p.poll() is not None)
        check("stop was logged with the peer",
              "control: stop requested by pid" in err, err[-500:])
        check("reload was logged", "control: reload requested" in err)
        check("summary line logged", "state: up " in err)
        check("socket removed at exit", not os.path.exists(ctl))
        check("kernel audit pid released",
              kernel_guard.status()["pid"] == 0)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
