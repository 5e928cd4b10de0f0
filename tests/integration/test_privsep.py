#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_privsep.py BUILD_DIR: least privilege (docs/security.md).

Replay (root, no kernel): every thread of vigild holds no capability and
has no_new_privs while it reads and runs a Lua filter; with an auditd
output and a plugin there is a privileged helper (comm vigild-priv, a
child of vigild) and the plugin runs with the helper's capabilities, as a
child of vigild.

Live (root, kernel_guard): vigild as the audit daemon with rules, a Lua
filter, an auditd.conf on a small tmpfs (log_group adm, space_left_action
exec), a plugin and a json output. Checks: every thread keeps exactly
CAP_AUDIT_CONTROL (effective, permitted, bounding), nothing inheritable or
ambient, no_new_privs; the helper holds what vigild started with; the
rules (with a watch under a directory only its owner may search, which
uid 0 without CAP_DAC_* cannot load) are in the kernel; the log is group
adm, also after SIGUSR1 rotation; SIGHUP loads changed rules and reopens
the json output; the exec action and the plugin run with every
capability; a multicast vigild beside it keeps nothing and still gets
the events; SIGTERM ends the helper too and restores the kernel.
Exit 77 = skipped."""
import grp
import json
import os
import pwd
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")
CAP_AUDIT_CONTROL = 1 << 30


def status(pid):
    """/proc/PID/status as a dict, or {} if it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return dict(l.rstrip("\n").split(":\t", 1) for l in f
                        if ":\t" in l)
    except OSError:
        return {}


def caps(st, name):
    return int(st.get(name, "-1"), 16)


def threads(pid):
    try:
        return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return []


def task_status(pid, tid):
    return status(f"{pid}/task/{tid}")


def children(pid):
    """Child pids of pid (from every thread's children list)."""
    out = set()
    for tid in threads(pid):
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.update(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def helper_of(pid):
    for c in children(pid):
        if kernel_guard.comm(c) == "vigild-priv":
            return c
    return None


def check_held(what, pid, eff, bnd):
    """Every thread of pid: CapEff = CapPrm = eff, CapBnd = bnd, no
    inheritable or ambient capability, NoNewPrivs 1."""
    tids = threads(pid)
    check(f"{what}: has threads ({len(tids)})", len(tids) >= 1)
    bad = []
    for t in tids:
        st = task_status(pid, t)
        got = (caps(st, "CapEff"), caps(st, "CapPrm"), caps(st, "CapBnd"),
               caps(st, "CapInh"), caps(st, "CapAmb"),
               st.get("NoNewPrivs"))
        if got != (eff, eff, bnd, 0, 0, "1"):
            bad.append(f"tid {t}: eff={got[0]:x} prm={got[1]:x} "
                       f"bnd={got[2]:x} inh={got[3]:x} amb={got[4]:x} "
                       f"nnp={got[5]}")
    check(f"{what}: every thread holds {eff:#x} (bounding {bnd:#x}), "
          f"no_new_privs", not bad, "; ".join(bad))


def write(path, text, mode=0o640):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


LUA = """function filter(event)
	event.vgpriv = "lua ran"
	return event
end
"""

# A plugin and an exec action (the shell itself, $$): write what they
# hold and their parent, then (plugin) read stdin until vigild closes it.
PROBE = """#!/bin/sh
echo $PPID > {out}.ppid
/bin/cat /proc/$$/status > {out}.tmp
/bin/mv {out}.tmp {out}
{tail}
"""


def ppid_file(path):
    try:
        with open(path + ".ppid") as f:
            return int(f.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def events(path):
    out = []
    try:
        with open(path, "rb") as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    except (OSError, ValueError):
        pass
    return out


def own_caps():
    return caps(status("self"), "CapEff")


# ---- replay ----

def test_replay(vigild, tmp):
    lua = os.path.join(tmp, "tag.lua")
    write(lua, LUA, 0o644)
    out = os.path.join(tmp, "replay.json")
    p = subprocess.Popen([vigild, "--replay", "-", "--lua", lua,
                          "-o", f"json:{out}"], stdin=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        p.stdin.write(b"type=SYSCALL msg=audit(1700000000.000:7): "
                      b"arch=c000003e syscall=59 success=yes exit=0 "
                      b"a0=1 a1=2 a2=3 a3=4 items=0 ppid=1 pid=2 auid=0 "
                      b"uid=0 comm=\"x\" exe=\"/x\" key=(null)\n"
                      b"type=EOE msg=audit(1700000000.000:7): \n")
        p.stdin.flush()
        wait_for(lambda: status(p.pid).get("NoNewPrivs") == "1")
        check_held("replay", p.pid, 0, 0)
        check("replay: no helper without auditd or plugins outputs",
              helper_of(p.pid) is None)
    finally:
        p.stdin.close()
        err = p.stderr.read().decode(errors="replace")
        p.wait(timeout=20)
    check("replay: exit 0", p.returncode == 0, err[-300:])
    ev = events(out)
    check("replay: the Lua filter ran",
          bool(ev) and ev[0].get("vgpriv") == "lua ran", repr(ev))

    # auditd output and a plugin: the helper starts it, with its caps
    d = os.path.join(tmp, "rp")
    pdir = os.path.join(d, "plugins.d")
    os.makedirs(pdir)
    probe = os.path.join(d, "probe.sh")
    pout = os.path.join(d, "plugin.status")
    write(probe, PROBE.format(out=pout, tail="/bin/cat > /dev/null"), 0o750)
    write(os.path.join(pdir, "probe.conf"),
          f"active = yes\ndirection = out\npath = {probe}\n"
          f"type = always\nformat = string\n")
    conf = os.path.join(d, "auditd.conf")
    write(conf, f"log_file = {d}/audit.log\nlog_format = RAW\n"
          f"flush = none\nplugin_dir = {pdir}\nspace_left = 2\n"
          f"admin_space_left = 1\n")
    p = subprocess.Popen([vigild, "--replay", "-", "--auditd-conf", conf,
                          "-o", "json:/dev/null"], stdin=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    try:
        got = wait_for(lambda: status(p.pid) and os.path.exists(pout) and
                       helper_of(p.pid))
        h = helper_of(p.pid)
        check("replay+plugins: helper vigild-priv is vigild's child",
              h is not None, f"children {children(p.pid)}")
        check_held("replay+plugins", p.pid, 0, 0)
        if h:
            hs = status(h)
            check("replay+plugins: the helper keeps vigild's capabilities",
                  caps(hs, "CapEff") == own_caps() and
                  hs.get("NoNewPrivs") == "0",
                  f"{hs.get('CapEff')} {hs.get('NoNewPrivs')}")
        ps = {}
        if got:
            with open(pout) as f:
                ps = dict(l.rstrip("\n").split(":\t", 1) for l in f
                          if ":\t" in l)
        check("replay+plugins: the plugin runs with every capability",
              caps(ps, "CapEff") == own_caps() and
              ps.get("NoNewPrivs") == "0",
              f"{ps.get('CapEff')} {ps.get('NoNewPrivs')}")
        check("replay+plugins: the plugin is vigild's child",
              ppid_file(pout) == p.pid, f"{ppid_file(pout)} != {p.pid}")
    finally:
        p.stdin.close()
        err = p.stderr.read().decode(errors="replace")
        p.wait(timeout=30)
    check("replay+plugins: exit 0", p.returncode == 0, err[-300:])


# ---- live ----

def rules_text(tmp, watch):
    return (f"-a always,exit -F arch=b64 -S execve -F ppid={os.getpid()} "
            f"-k vgpriv\n-w {watch} -p wa -k vgwatch\n")


def test_live(vigild, tmp, g):
    try:
        adm = grp.getgrnam("adm").gr_gid
    except KeyError:
        adm = 4
    nobody = pwd.getpwnam("nobody").pw_uid
    # a directory only nobody may search: uid 0 without CAP_DAC_* cannot
    # resolve a watch below it (measured: EACCES from AUDIT_ADD_RULE)
    private = os.path.join(tmp, "private")
    os.makedirs(os.path.join(private, "sub"))
    os.chown(private, nobody, -1)
    os.chmod(private, 0o700)
    rdir = os.path.join(tmp, "rules.d")
    os.mkdir(rdir, 0o750)
    rfile = os.path.join(rdir, "vg.rules")
    write(rfile, rules_text(tmp, os.path.join(private, "sub", "inner")))
    lua = os.path.join(tmp, "tag.lua")
    write(lua, LUA, 0o644)
    logdir = os.path.join(tmp, "log")
    os.mkdir(logdir)
    if subprocess.run(["mount", "-t", "tmpfs", "-o",
                       "size=4m,mode=0750", "tmpfs", logdir]).returncode:
        vtest.skip("cannot mount a tmpfs")
    p = m = None
    try:
        os.chown(logdir, 0, adm)
        pdir = os.path.join(tmp, "plugins.d")
        os.mkdir(pdir, 0o750)
        probe = os.path.join(tmp, "probe.sh")
        pout = os.path.join(tmp, "plugin.status")
        write(probe, PROBE.format(out=pout, tail="/bin/cat > /dev/null"),
              0o750)
        write(os.path.join(pdir, "probe.conf"),
              f"active = yes\ndirection = out\npath = {probe}\n"
              f"type = always\nformat = string\n")
        act = os.path.join(tmp, "action.sh")
        aout = os.path.join(tmp, "action.status")
        write(act, PROBE.format(out=aout, tail=""), 0o750)
        log = os.path.join(logdir, "audit.log")
        conf = os.path.join(tmp, "auditd.conf")
        # 4 MiB file system, space_left 50 MiB: the action runs at start
        write(conf, f"log_file = {log}\nlog_format = RAW\nlog_group = adm\n"
              f"flush = none\nnum_logs = 3\nmax_log_file = 0\n"
              f"max_log_file_action = ignore\nplugin_dir = {pdir}\n"
              f"space_left = 50\nspace_left_action = exec {act}\n"
              f"admin_space_left = 1\nadmin_space_left_action = syslog\n")
        out = os.path.join(tmp, "live.json")
        env = dict(os.environ, VIGIL_TEST_NO_LOCK="1")
        p, up = g.spawn_daemon([vigild, "-f", "-v", "--rules", rdir,
                                "--lua", lua, "--auditd-conf", conf,
                                "-o", f"json:{out}"], env=env,
                               stderr=subprocess.PIPE)
        check("live: vigild is the audit daemon", up)
        if not up:
            return
        check("live: rules in the kernel (the watch too)",
              wait_for(lambda: "vgwatch" in kernel_guard.rules() and
                       "vgpriv" in kernel_guard.rules()),
              kernel_guard.rules())
        check("live: self-exclusion rule for vigild",
              f"pid={p.pid}" in kernel_guard.rules(), kernel_guard.rules())
        h = wait_for(lambda: helper_of(p.pid))
        check("live: helper vigild-priv is vigild's child", h is not None)
        check_held("live", p.pid, CAP_AUDIT_CONTROL, CAP_AUDIT_CONTROL)
        if h:
            hs = status(h)
            check("live: the helper keeps vigild's capabilities",
                  caps(hs, "CapEff") == own_caps() and
                  caps(hs, "CapBnd") == caps(status("self"), "CapBnd") and
                  hs.get("NoNewPrivs") == "0",
                  f"{hs.get('CapEff')} {hs.get('NoNewPrivs')}")

        # exec action: run by the helper, every capability
        ok = wait_for(lambda: os.path.exists(aout))
        check("live: space_left_action exec ran", bool(ok))
        if ok:
            ast = status_file(aout)
            check("live: the exec action has every capability",
                  caps(ast, "CapEff") == own_caps(), ast.get("CapEff"))
            check("live: the exec action is the helper's child",
                  h is not None and ppid_file(aout) == h,
                  f"{ppid_file(aout)} != {h}")
        # as auditd, the exec action suspended logging until SIGUSR2; the
        # program would make room and resume it: the test does that
        subprocess.run(["mount", "-o", "remount,size=128m", logdir],
                       check=True)
        p.send_signal(signal.SIGUSR2)

        # the audit log: group adm though vigild has no CAP_CHOWN
        check("live: log written (resumed)",
              wait_for(lambda: os.path.exists(log) and
                       b"DAEMON_RESUME" in open(log, "rb").read()))
        st = os.stat(log)
        check("live: log group adm, mode 0640",
              st.st_gid == adm and (st.st_mode & 0o777) == 0o640,
              f"gid {st.st_gid} mode {st.st_mode & 0o777:o}")
        ok = wait_for(lambda: os.path.exists(pout))
        check("live: plugin started", bool(ok))
        if ok:
            ps = status_file(pout)
            check("live: the plugin has every capability",
                  caps(ps, "CapEff") == own_caps() and
                  ps.get("NoNewPrivs") == "0", ps.get("CapEff"))
            check("live: the plugin is vigild's child",
                  ppid_file(pout) == p.pid, f"{ppid_file(pout)}")

        # multicast beside it: keeps nothing, still reads
        mout = os.path.join(tmp, "multi.json")
        m = g.spawn([vigild, "-f", "--multicast", "--lua", lua,
                     "-o", f"json:{mout}"], stderr=subprocess.PIPE)
        wait_for(lambda: status(m.pid).get("NoNewPrivs") == "1" or
                 m.poll() is not None)
        time.sleep(0.3)
        check("multicast: running", m.poll() is None)
        check_held("multicast", m.pid, 0, 0)
        check("multicast: no helper", helper_of(m.pid) is None)

        # Lua runs in the unprivileged daemon: events carry its member
        subprocess.run(["/bin/true", "vg-priv-1"], check=True)

        def tagged(path, marker):
            for e in events(path):
                argv = (e.get("execve") or {}).get("argv") or []
                if "vgpriv" in e.get("keys", []) and marker in argv:
                    return e
            return None
        e = wait_for(lambda: tagged(out, "vg-priv-1"))
        check("live: event written, the Lua filter ran",
              e is not None and e.get("vgpriv") == "lua ran", repr(e)[:200])
        e = wait_for(lambda: tagged(mout, "vg-priv-1"))
        check("multicast: event read, the Lua filter ran",
              e is not None and e.get("vgpriv") == "lua ran", repr(e)[:200])

        # SIGUSR1: rotation, the new log group adm again
        p.send_signal(signal.SIGUSR1)
        ok = wait_for(lambda: os.path.exists(log + ".1") and
                      os.path.exists(log) and
                      b"DAEMON_ROTATE" in open(log, "rb").read())
        check("live: SIGUSR1 rotated the log", bool(ok))
        if ok:
            st = os.stat(log)
            check("live: rotated log group adm, mode 0640",
                  st.st_gid == adm and (st.st_mode & 0o777) == 0o640,
                  f"gid {st.st_gid} mode {st.st_mode & 0o777:o}")

        # SIGHUP: changed rules loaded, json output reopened
        write(rfile, rules_text(tmp, os.path.join(private, "sub",
                                                  "inner")) +
              f"-w {os.path.join(private, 'sub', 'other')} -p wa "
              f"-k vghup\n")
        os.rename(out, out + ".old")
        p.send_signal(signal.SIGHUP)
        check("live: SIGHUP loaded the changed rules",
              wait_for(lambda: "vghup" in kernel_guard.rules()),
              kernel_guard.rules())
        check("live: SIGHUP kept the self-exclusion rule",
              f"pid={p.pid}" in kernel_guard.rules())
        check("live: SIGHUP: DAEMON_CONFIG logged",
              wait_for(lambda: b"DAEMON_CONFIG" in open(log, "rb").read()))
        subprocess.run(["/bin/true", "vg-priv-2"], check=True)
        e = wait_for(lambda: tagged(out, "vg-priv-2"))
        check("live: SIGHUP reopened the json output", e is not None)
        check_held("live after signals", p.pid, CAP_AUDIT_CONTROL,
                   CAP_AUDIT_CONTROL)

        rc = g.stop(m)
        check("multicast: exit 0", rc == 0, f"rc={rc}")
        rc = g.stop(p)
        err = p.stderr.read().decode(errors="replace")
        check("live: exit 0 on SIGTERM", rc == 0, f"rc={rc} {err[-400:]}")
        check("live: the helper is gone with vigild",
              h is None or wait_for(lambda: not status(h), 3))
        st = kernel_guard.status()
        check("live: kernel audit pid restored", st["pid"] == 0, repr(st))
        check("live: no privilege errors logged",
              "privsep" not in err and "cannot set the owner" not in err,
              "\n".join(l for l in err.splitlines()
                        if "privsep" in l or "owner" in l)[:400])
    finally:
        for x in (m, p):
            if x is not None and x.poll() is None:
                x.kill()
                x.wait()
        subprocess.run(["umount", "-l", logdir])


def status_file(path):
    with open(path) as f:
        return dict(l.rstrip("\n").split(":\t", 1) for l in f
                    if ":\t" in l)


def main():
    vigild = os.path.abspath(vtest.vigild_path())
    if os.geteuid() != 0:
        vtest.skip("needs root (capabilities to give up)")
    with tempfile.TemporaryDirectory(prefix="vg-priv-") as tmp:
        os.chmod(tmp, 0o755)
        test_replay(vigild, tmp)
        with kernel_guard.KernelGuard() as g:
            test_live(vigild, tmp, g)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
