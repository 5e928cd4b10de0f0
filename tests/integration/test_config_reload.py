#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_config_reload.py BUILD_DIR: SIGHUP re-reads vigild.conf whole.
A broken new file is refused with its file:line in the log and the
running configuration keeps writing; a good one takes effect (a new
output gets the next events) while an unchanged output keeps running;
a change that needs a restart (multicast) is refused, named. Root +
kernel audit (skip 77 otherwise); the kernel is restored by
kernel_guard."""
import json
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from kernel_guard import rules  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("colon")


def keyed(path, key="vgreload"):
    if not os.path.exists(path):
        return []
    out = []
    with open(path) as f:
        for line in f:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if key in e.get("keys", []):
                out.append(e)
    return out


def main():
    vigild = vtest.vigild_path()
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-reload-") as d:
        watched = os.path.join(d, "watched")
        open(watched, "w").close()
        rfile = os.path.join(d, "r.rules")
        with open(rfile, "w") as f:
            f.write("-w %s -p wa -k vgreload\n" % watched)
        out1, out2 = os.path.join(d, "1.json"), os.path.join(d, "2.json")
        conf = os.path.join(d, "vigild.conf")

        def write_conf(text):
            with open(conf + ".new", "w") as f:
                f.write(text)
            os.rename(conf + ".new", conf)

        def poke():
            with open(watched, "a") as f:
                f.write("x\n")

        def log():
            with open(os.path.join(d, "err")) as f:
                return f.read()

        write_conf("output = json:%s\nrules = %s\n" % (out1, rfile))
        err = open(os.path.join(d, "err"), "w")
        p, up = g.spawn_daemon([vigild, "-f", "-v", "-c", conf],
                               stdout=subprocess.DEVNULL, stderr=err)
        up = up and wait_for(lambda: "vgreload" in rules(), timeout=10)
        check("vigild runs with the watch loaded", up, rules())
        if not up:
            return check.summary()
        poke()
        check("an event in the first output",
              wait_for(lambda: len(keyed(out1)) >= 1, timeout=10))

        # a broken file: refused, file:line logged, the old one runs
        write_conf("output = json:%s\noutput = json:%s?bogus=1\n"
                   "rules = %s\n" % (out1, out2, rfile))
        p.send_signal(signal.SIGHUP)
        refused = wait_for(lambda: "not reloaded" in log(), timeout=10)
        check("a bad vigild.conf is refused with file:line",
              refused and f"{conf}:2: " in log() and
              "unknown option \"bogus\"" in log(), log()[-600:])
        n1 = len(keyed(out1))
        poke()
        check("the running configuration keeps writing",
              p.poll() is None and
              wait_for(lambda: len(keyed(out1)) > n1, timeout=10) and
              not os.path.exists(out2))

        # a change that takes a restart: refused, named
        write_conf("output = json:%s\nrules = %s\nmulticast = yes\n"
                   % (out1, rfile))
        p.send_signal(signal.SIGHUP)
        check("multicast = yes needs a restart: refused, named",
              wait_for(lambda: "multicast changed" in log(), timeout=10),
              log()[-600:])

        # a good file: takes effect; the unchanged output runs on
        write_conf("output = json:%s\noutput = json:%s\nrules = %s\n"
                   % (out1, out2, rfile))
        p.send_signal(signal.SIGHUP)
        check("a good vigild.conf is reloaded",
              wait_for(lambda: f"{conf}: reloaded" in log(), timeout=10),
              log()[-600:])
        n1 = len(keyed(out1))
        poke()
        check("the new output gets the next event",
              wait_for(lambda: len(keyed(out2)) >= 1, timeout=10))
        check("the unchanged output too",
              wait_for(lambda: len(keyed(out1)) > n1, timeout=10))
        rc = g.stop(p, timeout=10)
        check("SIGTERM: exit 0", rc == 0, str(rc))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
