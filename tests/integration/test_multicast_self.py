#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_multicast_self.py: a multicast vigild is not the audit daemon, so
the kernel audits its own reads when a rule matches them; it must not
write those events (that would feed an endless loop of its own events)
and must count them. Unicast vigild beside it holds the pid.
Root + kernel audit (skip 77 otherwise); kernel restored by kernel_guard.
$1 = build dir. Prints 'N passed, N failed'."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402

check = vtest.Checks("colon")


def main():
    vigild = vtest.vigild_path("build")
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-mself-") as tmp:
        g.spawn_daemon([vigild, "-f", "-o", "json:/dev/null"], timeout=10,
                       step=0.1, stderr=subprocess.DEVNULL)
        out = os.path.join(tmp, "m.json")
        err = open(os.path.join(tmp, "m.err"), "w+")
        # raw: takes records as they arrive (before grouping): its self
        # filter works on records (pipeline.c self_record)
        raw = os.path.join(tmp, "m.raw")
        m = g.spawn([vigild, "-f", "-v", "--multicast", "-o", "json:" + out,
                     "-o", "raw:" + raw], stderr=err)
        time.sleep(1)
        # rules that match the multicast reader's own receives
        kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64", "-S",
                              "recvmsg,recvmmsg,recvfrom", "-F",
                              f"pid={m.pid}", "-k", "vgself")
        subprocess.run(["true"])
        time.sleep(3)
        kernel_guard.auditctl("-D")
        m.send_signal(signal.SIGTERM)
        m.wait(10)
        evs = []
        with open(out) as f:
            for line in f:
                evs.append(json.loads(line))
        own = [e for e in evs if e.get("syscall", {}).get("pid") == m.pid]
        check("no event of the multicast reader itself is written",
              not own, f"{len(own)} own events")
        with open(raw, "rb") as f:
            lines = f.read().split(b"\n")
        pid = f" pid={m.pid} ".encode()
        keys = {l.split(b"): ", 1)[0].split(b"msg=", 1)[-1]
                for l in lines if l.startswith(b"type=SYSCALL") and pid in l}
        ours = [l for l in lines
                if l.split(b"): ", 1)[0].split(b"msg=", 1)[-1] in keys]
        check("raw (by record): no record of the reader's own syscalls",
              not keys and not ours, f"{len(keys)} SYSCALL, {len(ours)} "
              f"records: {ours[:2]!r}")
        vg = [l for l in lines if b'key="vgself"' in l]
        check("raw (by record): the rule's CONFIG_CHANGE is written",
              any(l.startswith(b"type=CONFIG_CHANGE") for l in vg),
              repr(lines[:3]))
        err.seek(0)
        text = err.read()
        self_n = 0
        for tok in text.split():
            if tok.startswith("self="):
                self_n = int(tok[5:])
        check("its own events are counted (self=N > 0)", self_n > 0,
              text[-400:])
        check("and they stay few: the loop is not fed (self < 5000)",
              self_n < 5000, str(self_n))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
