#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_dropin_differential.py: auditd 3.0.9 (the audit daemon, RAW then
ENRICHED) and vigild (--multicast, same auditd.conf format) record the same
workload; the kernel records' lines must be identical and in the same
order, and ausearch -i and aureport --summary must print the same for both
logs.

Root only; takes /tmp/vigil-kernel.lock; always restores the kernel: no
rules, enabled 0, audit pid 0 (auditd is stopped). Exit 77 = skipped.
Usage: test_dropin_differential.py BUILD_DIR"""
import collections
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILD = os.path.join(BUILD, "vigild")
SERIAL = re.compile(rb"msg=audit\(\d+\.\d+:(\d+)\)")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("plain")


def conf(path, log, fmt, plugins):
    with open(path, "w") as f:
        f.write(f"log_file = {log}\nlog_format = {fmt}\nflush = none\n"
                f"num_logs = 2\nmax_log_file = 0\n"
                f"max_log_file_action = ignore\nname_format = none\n"
                f"plugin_dir = {plugins}\nq_depth = 2000\n"
                f"space_left = 2\nadmin_space_left = 1\n")
    os.chmod(path, 0o640)


def has(path, needle):
    try:
        with open(path, "rb") as f:
            return needle in f.read()
    except OSError:
        return False


def auditctl(*args):
    return subprocess.run(["auditctl", *args], capture_output=True)


def workload(wdir):
    for addr, fam in ((("127.0.0.1", 1), socket.AF_INET),
                      (("::1", 1), socket.AF_INET6),
                      ("/nonexistent-vigil-sock", socket.AF_UNIX)):
        s = socket.socket(fam, socket.SOCK_STREAM)
        try:
            s.connect(addr)
        except OSError:
            pass
        s.close()
    with open(os.path.join(wdir, "f"), "w") as f:
        f.write("x")
    subprocess.run(["cat", os.path.join(wdir, "f")], capture_output=True)
    subprocess.run(["cat", os.path.join(wdir, "nonexistent")],
                   capture_output=True)
    subprocess.run(["su", "nobody", "-s", "/bin/sh", "-c", "id"],
                   capture_output=True)


def records(path):
    """Kernel record lines (vigild's and auditd's own DAEMON_* left out)."""
    with open(path, "rb") as f:
        return [l for l in f.read().split(b"\n")
                if l and not l.startswith(b"type=DAEMON_")]


def run_one(d, fmt):
    ad_dir = os.path.join(d, "ad-" + fmt)
    vg_dir = os.path.join(d, "vg-" + fmt)
    plugins = os.path.join(d, "plugins.d")
    wdir = os.path.join(d, "w")
    for p in (ad_dir, vg_dir, plugins, wdir):
        os.makedirs(p, exist_ok=True)
    ad_log = os.path.join(ad_dir, "audit.log")
    vg_log = os.path.join(vg_dir, "audit.log")
    conf(os.path.join(ad_dir, "auditd.conf"), ad_log, fmt, plugins)
    conf(os.path.join(vg_dir, "auditd.conf"), vg_log, fmt, plugins)
    ad = vg = None
    try:
        ad = subprocess.Popen(["auditd", "-n", "-c", ad_dir],
                              stderr=subprocess.DEVNULL)
        if not wait_for(lambda: has(ad_log, b"type=DAEMON_START"), timeout=10):
            check(f"{fmt}: auditd started", False)
            return
        vg = subprocess.Popen([VIGILD, "-f", "--multicast", "--no-enable",
                               "--auditd-conf",
                               os.path.join(vg_dir, "auditd.conf"),
                               "-o", "json:/dev/null"],
                              stderr=subprocess.DEVNULL)
        if not wait_for(lambda: has(vg_log, b"type=DAEMON_START"), timeout=10):
            check(f"{fmt}: vigild started", False)
            return
        time.sleep(0.3)
        # vigild --multicast drops and counts its own events (it is not
        # the audit daemon, so they would feed a loop): keep it out of
        # the rules, or auditd logs e.g. its nscd connect for names
        auditctl("-a", "always,exit", "-F", "arch=b64", "-S", "connect",
                 "-F", "success=0", "-F", f"pid!={vg.pid}", "-k", "vgdiff")
        auditctl("-a", "always,exit", "-F", "arch=b64", "-S", "openat",
                 "-F", f"dir={wdir}", "-F", f"pid!={vg.pid}", "-k",
                 "vgdiff")
        workload(wdir)
        time.sleep(0.5)
        auditctl("-D")
        time.sleep(1.0)
    finally:
        auditctl("-D")
        if vg is not None and vg.poll() is None:
            vg.send_signal(signal.SIGTERM)
            vg.wait(timeout=10)
        if ad is not None and ad.poll() is None:
            ad.send_signal(signal.SIGTERM)
            ad.wait(timeout=10)
        auditctl("-e", "0")

    ad_recs, vg_recs = records(ad_log), records(vg_log)
    # the window both saw: from the first rule added to the rules removed
    def serials(recs, what):
        return [int(SERIAL.search(l).group(1)) for l in recs
                if what in l and SERIAL.search(l)]
    adds = serials(ad_recs, b"op=add_rule")
    dels = serials(ad_recs, b"op=remove_rule")
    if not adds or not dels:
        check(f"{fmt}: rule changes logged by auditd", False)
        return
    lo, hi = min(adds), max(dels)

    def window(recs):
        out = []
        for l in recs:
            m = SERIAL.search(l)
            if m and lo <= int(m.group(1)) <= hi:
                out.append(l)
        return out
    a, v = window(ad_recs), window(vg_recs)
    # the one deliberate difference: a raw newline in a socket path
    # (auditd splits that line; vigil writes \x0a): not in this workload
    check(f"{fmt}: workload logged ({len(a)} records)", len(a) > 20)
    ca, cv = collections.Counter(a), collections.Counter(v)
    check(f"{fmt}: kernel record lines identical", ca == cv)
    # both write each record as it arrives, and the kernel sends the
    # multicast copy of each record just before the unicast one
    check(f"{fmt}: in the same order", a == v,
          next((f"line {i}: auditd {x[:100]!r} vigild {y[:100]!r}"
                for i, (x, y) in enumerate(zip(a, v)) if x != y), ""))
    if ca != cv:
        for l in list((ca - cv).elements())[:3]:
            print("  auditd only:", l[:300])
        for l in list((cv - ca).elements())[:3]:
            print("  vigild only:", l[:300])
    fa = os.path.join(d, f"ad-{fmt}.win")
    fv = os.path.join(d, f"vg-{fmt}.win")
    with open(fa, "wb") as f:
        f.write(b"\n".join(a) + b"\n")
    with open(fv, "wb") as f:
        f.write(b"\n".join(v) + b"\n")
    for tool in (["ausearch", "-i", "-if"], ["aureport", "--summary",
                                              "-if"]):
        oa = subprocess.run(tool + [fa], capture_output=True).stdout
        ov = subprocess.run(tool + [fv], capture_output=True).stdout
        check(f"{fmt}: {' '.join(tool[:2])} output identical",
              oa == ov and len(oa) > 0)


def main():
    if os.geteuid() != 0 or not shutil.which("auditd") or \
            not shutil.which("auditctl") or not os.path.exists(VIGILD):
        print("skip: needs root, auditd, auditctl and vigild")
        return 77
    # the guard skips under a foreign audit daemon and puts back the
    # rules and enabled flag it found
    with kernel_guard.KernelGuard():
        with tempfile.TemporaryDirectory(prefix="vg_diff_") as d:
            for fmt in ("RAW", "ENRICHED"):
                run_one(d, fmt)
    if check.failures:
        print(f"{check.failed} failures")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
