#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_plugin_latency.py: a record reaches the auditd plugins as it
arrives, never held for grouping (issue 20), offline: vigild --replay -
--auditd-conf with a plugins.d, fed one record at a time on stdin that
stays open. For an `auditctl -m` style USER record and for an AVC (which
may be followed by a SYSCALL of the same event, so grouping would hold it
for the end-of-event timeout, 2 s, or in a replay until the input ends),
the time from writing the line to seeing it in the plugin's output is
measured over TRIES records each and printed. (The auditd log is written
per receive batch live, at the end in a replay: its latency is
test_dropin_latency.py's, live.) Fails only far off: any record later than
500 ms, or not seen in 5 s. $1 = build dir; exit 77 without vigild."""
import os
import subprocess
import sys
import tempfile
import time

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILD = os.path.join(BUILD, "vigild")
TRIES = 20
LIMIT = 0.5
WAIT = 5.0
# SIGTERM at the end must not cut what cat has read but not yet written
PLUGIN = "#!/bin/sh\ntrap '' TERM\nexec cat >> %s\n"

KINDS = {
    "USER": "type=USER msg=audit(%d.%03d:%d): pid=4242 uid=0 auid=0 "
            "ses=1 msg='text=%s exe=\"/usr/sbin/auditctl\" hostname=? "
            "addr=? terminal=pts/0 res=success'",
    "AVC": "type=AVC msg=audit(%d.%03d:%d): avc:  denied  { read } for  "
           "pid=4242 comm=\"cat\" name=\"%s\" dev=\"vda1\" ino=42 "
           "scontext=system_u:system_r:httpd_t:s0 "
           "tcontext=system_u:object_r:shadow_t:s0 tclass=file "
           "permissive=0",
}


def wait_for(path, needle, since):
    """Seconds from since until needle is in path, or None."""
    while time.monotonic() - since < WAIT:
        try:
            with open(path, "rb") as f:
                if needle in f.read():
                    return time.monotonic() - since
        except FileNotFoundError:
            pass
        time.sleep(0.002)
    return None


def main():
    if not os.access(VIGILD, os.X_OK):
        print("skip: %s not built" % VIGILD)
        return 77
    failed = 0
    with tempfile.TemporaryDirectory(prefix="vg_plat_") as d:
        os.chmod(d, 0o755)
        pdir = os.path.join(d, "plugins.d")
        os.makedirs(pdir)
        out = os.path.join(d, "plugin.out")
        prog = os.path.join(d, "plug.sh")
        with open(prog, "w") as f:
            f.write(PLUGIN % out)
        os.chmod(prog, 0o750)
        with open(os.path.join(pdir, "cat.conf"), "w") as f:
            f.write("active = yes\ndirection = out\npath = %s\n"
                    "type = always\nformat = string\n" % prog)
        log = os.path.join(d, "audit.log")
        conf = os.path.join(d, "auditd.conf")
        with open(conf, "w") as f:
            f.write("log_file = %s\nlog_format = RAW\nflush = none\n"
                    "name_format = none\nplugin_dir = %s\n" % (log, pdir))
        env = dict(os.environ, VIGIL_TEST_NO_LOCK="1")
        p = subprocess.Popen([VIGILD, "--replay", "-", "--auditd-conf",
                              conf], stdin=subprocess.PIPE,
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, env=env)
        try:
            # the plugin runs once DAEMON_START reached it
            if wait_for(out, b"type=DAEMON_START", time.monotonic()) \
                    is None:
                print("FAIL: the plugin never got DAEMON_START")
                return 1
            serial = 100
            sec = int(time.time())
            for kind, fmt in KINDS.items():
                lat = {"plugin": []}
                for i in range(TRIES):
                    marker = "vg-marker-%s-%d" % (kind, i)
                    serial += 1
                    line = fmt % (sec, i, serial, marker) + "\n"
                    t0 = time.monotonic()
                    p.stdin.write(line.encode())
                    p.stdin.flush()
                    lat["plugin"].append(wait_for(out, marker.encode(),
                                                  t0))
                for where, v in lat.items():
                    seen = sorted(x for x in v if x is not None)
                    lost = len(v) - len(seen)
                    worst = seen[-1] if seen else None
                    ok = lost == 0 and worst is not None and worst <= LIMIT
                    failed += not ok
                    print("%s %s -> %s: %d records, median %.1f ms, max "
                          "%s ms, %d not seen in %.0f s (limit %d ms)" % (
                              "PASS" if ok else "FAIL", kind, where,
                              len(v), 1000 * seen[len(seen) // 2]
                              if seen else -1,
                              "%.1f" % (1000 * worst) if seen else "-",
                              lost, WAIT, LIMIT * 1000))
        finally:
            p.stdin.close()
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
