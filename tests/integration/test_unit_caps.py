#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_unit_caps.py BUILD_DIR: vigild works with no capability but
those of vigild.service's CapabilityBoundingSet (read from the unit CMake
generated in BUILD_DIR), started through setpriv(1) with that bounding
set: it becomes the audit daemon, loads a watch whose path runs through
a directory only its owner (nobody) may search (CAP_DAC_READ_SEARCH),
runs a rules-file "-m" line (CAP_AUDIT_WRITE), gives the audit log
auditd.conf's log_group (CAP_CHOWN), gets its netlink receive buffer
(CAP_NET_ADMIN) and, with --multicast, reads events (CAP_AUDIT_READ).
Negative controls show the test can fail: without DAC_READ_SEARCH the
watch is not loaded, without NET_ADMIN the receive buffer is smaller,
without AUDIT_WRITE no -m record, without AUDIT_READ multicast gets
nothing, without CHOWN the log (with its log_group) is refused.
Root + kernel audit + setpriv (77 otherwise); kernel_guard restores the
kernel."""
import grp
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
from kernel_guard import auditctl, rules  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")


def unit_caps(build):
    path = os.path.join(build, "vigild.service")
    if not os.path.exists(path):
        vtest.skip(f"{path} not generated")
    caps = []
    with open(path) as f:
        for line in f:
            m = re.match(r"CapabilityBoundingSet=(.*)", line.strip())
            if m:
                caps += m.group(1).split()
    return caps


def setpriv(caps):
    names = ",".join("+" + c.lower().removeprefix("cap_") for c in caps)
    return ["setpriv", "--bounding-set", "-all" + ("," + names if names
                                                   else ""),
            "--inh-caps", "-all", "--"]


def log_group():
    for g in ("adm", "nogroup"):
        try:
            return g, grp.getgrnam(g).gr_gid
        except KeyError:
            pass
    vtest.skip("no group adm or nogroup")


def stop(g, p):
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(15)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def daemon_run(g, vigild, caps, tmp, tag):
    """vigild as the audit daemon with only caps; returns what it did."""
    d = os.path.join(tmp, tag)
    os.makedirs(d)
    gname, gid = log_group()
    adc = os.path.join(d, "auditd.conf")
    with open(adc, "w") as f:
        f.write(f"log_file = {d}/audit.log\nlog_format = RAW\n"
                f"log_group = {gname}\nflush = none\nnum_logs = 2\n"
                "max_log_file = 0\nmax_log_file_action = ignore\n"
                f"plugin_dir = {d}/plugins.d\n")
    os.makedirs(os.path.join(d, "plugins.d"))
    secret = os.path.join(tmp, "home", "sub", "secret")
    rf = os.path.join(d, "caps.rules")
    with open(rf, "w") as f:
        f.write(f"-D\n-w {secret} -p wa -k vgcaps_{tag}\n-m vgcaps_{tag}\n")
    err = open(os.path.join(d, "stderr"), "w+")
    p = g.spawn(setpriv(caps) + [vigild, "-f", "-o", "json:/dev/null",
                                 "--auditd-conf", adc, "--rules", rf],
                stderr=err)
    up = wait_for(lambda: kernel_guard.status()["pid"] == p.pid or
                  p.poll() is not None, timeout=10)
    res = {"daemon": bool(up) and p.poll() is None}
    # the watch is in once vigild is up; the -m record reaches the log
    time.sleep(0.5)
    res["watch"] = f"-k vgcaps_{tag}" in rules()
    log = os.path.join(d, "audit.log")
    user = re.compile(rf"^type=USER .*text=vgcaps_{tag} ", re.M)
    res["user_msg"] = bool(wait_for(
        lambda: os.path.exists(log) and user.search(open(log).read()),
        timeout=5))
    res["group"] = os.path.exists(log) and os.stat(log).st_gid == gid
    stop(g, p)
    res["exit0"] = p.returncode == 0
    err.seek(0)
    res["stderr"] = err.read()
    res["rcvbuf"] = "asked for" not in res["stderr"]
    return res


def multicast_run(g, vigild, caps, tmp):
    out = os.path.join(tmp, "mc.json")
    target = os.path.join(tmp, "mc-target")
    open(target, "w").close()
    auditctl("-w", target, "-p", "wa", "-k", "vgcaps_mc")
    p = g.spawn(setpriv(caps) + [vigild, "-f", "--multicast", "--no-enable",
                                 "-o", f"json:{out}"],
                stderr=subprocess.PIPE)
    time.sleep(1)
    alive = p.poll() is None
    enabled = kernel_guard.status()["enabled"]
    if enabled != 1:
        auditctl("-e", "1")
    got = wait_for(lambda: (os.chmod(target, 0o644), os.path.exists(out)
                            and "vgcaps_mc" in open(out).read())[1],
                   timeout=10, step=0.5)
    stop(g, p)
    auditctl("-W", target, "-p", "wa", "-k", "vgcaps_mc", check=False)
    return alive and bool(got)


def main():
    vigild = vtest.vigild_path()
    caps = unit_caps(os.path.dirname(vigild))
    if shutil.which("setpriv") is None:
        vtest.skip("needs setpriv (util-linux)")
    check("unit has a CapabilityBoundingSet", len(caps) >= 3, str(caps))
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-caps-") as tmp:
        # tmp/home is searchable by nobody only, as a user's home is
        home = os.path.join(tmp, "home")
        os.makedirs(os.path.join(home, "sub"))
        open(os.path.join(home, "sub", "secret"), "w").close()
        for p in (home, os.path.join(home, "sub")):
            os.chown(p, 65534, 65534)
            os.chmod(p, 0o700)

        r = daemon_run(g, vigild, caps, tmp, "unit")
        check("unit caps: vigild is the audit daemon", r["daemon"],
              r["stderr"][-500:])
        check("unit caps: watch under a 0700 directory of nobody loaded",
              r["watch"], r["stderr"][-500:])
        check("unit caps: rules-file -m record in the audit log",
              r["user_msg"], r["stderr"][-500:])
        check("unit caps: audit log has log_group", r["group"])
        check("unit caps: netlink receive buffer as asked", r["rcvbuf"],
              r["stderr"][-300:])
        check("unit caps: SIGTERM exit 0", r["exit0"])
        check("unit caps: --multicast reads events",
              multicast_run(g, vigild, caps, tmp))

        less = [c for c in caps if c != "CAP_DAC_READ_SEARCH"]
        r = daemon_run(g, vigild, less, tmp, "nodac")
        check("control: without CAP_DAC_READ_SEARCH the watch fails",
              r["daemon"] and not r["watch"], str(r["watch"]))
        less = [c for c in caps if c not in ("CAP_NET_ADMIN",
                                             "CAP_AUDIT_WRITE")]
        r = daemon_run(g, vigild, less, tmp, "nonet")
        check("control: without CAP_NET_ADMIN the buffer is smaller",
              r["daemon"] and not r["rcvbuf"])
        check("control: without CAP_AUDIT_WRITE no -m record",
              r["daemon"] and not r["user_msg"])
        less = [c for c in caps if c != "CAP_AUDIT_READ"]
        check("control: without CAP_AUDIT_READ --multicast reads nothing",
              not multicast_run(g, vigild, less, tmp))
        less = [c for c in caps if c != "CAP_CHOWN"]
        r = daemon_run(g, vigild, less, tmp, "nochown")
        # the log's group is part of its configuration: a log that
        # cannot get it is refused, with a message naming it
        check("control: without CAP_CHOWN the log is refused",
              not r["daemon"] and "cannot set mode" in r["stderr"],
              f"daemon={r['daemon']} {r['stderr'][-300:]}")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
