#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_live_multicast.py BUILD_DIR: vigild --multicast changes no kernel
state, and beside a unicast vigild (the audit daemon) it sees the same
events with the same content. Needs root and kernel audit (exit 77
otherwise); kernel_guard restores the kernel whatever happens."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")
NRUNS = 20


def marked(path):
    """serial -> event for the test's execve events."""
    out = {}
    for e in vtest.json_events(path):
        argv = (e.get("execve") or {}).get("argv") or []
        if "vgmc" in e.get("keys", []) and len(argv) > 1 and \
                argv[1].startswith("vg-mc-"):
            out[e["serial"]] = e
    return out


def rules():
    return kernel_guard.rules().strip()


def main():
    vigild = vtest.vigild_path()
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-mc-") as tmp:
        before = kernel_guard.status()
        rules_before = rules()
        mout = os.path.join(tmp, "multi.json")
        uout = os.path.join(tmp, "uni.json")
        m = g.spawn([vigild, "-f", "--multicast", "-o", f"json:{mout}"],
                    stderr=subprocess.PIPE)
        time.sleep(0.5)
        if m.poll() is not None:
            err = m.stderr.read().decode(errors="replace")
            if "CAP_AUDIT_READ" in err or "Protocol not supported" in err:
                vtest.skip(f"no audit multicast here: {err.strip()}")
        check("multicast starts", m.poll() is None)
        st = kernel_guard.status()
        check("multicast leaves the kernel alone",
              st["enabled"] == before["enabled"] and
              st["pid"] == before["pid"] and rules() == rules_before,
              f"{st} {rules()!r}")

        u, up = g.spawn_daemon([vigild, "-f", "-o", f"json:{uout}"],
                               stderr=subprocess.PIPE)
        check("unicast daemon up beside it", up)
        kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64", "-S",
                              "execve", "-F", f"ppid={os.getpid()}",
                              "-k", "vgmc")
        for i in range(NRUNS):
            subprocess.run(["/bin/true", f"vg-mc-{i}", "x y", "\x1d\n"],
                           check=True)
        uni = wait_for(lambda: len(marked(uout)) >= NRUNS and marked(uout))
        multi = wait_for(lambda: len(marked(mout)) >= NRUNS and
                         marked(mout))
        uni, multi = marked(uout), marked(mout)
        check("unicast saw every run", len(uni) == NRUNS, f"{len(uni)}")
        check("multicast saw every run", len(multi) == NRUNS,
              f"{len(multi)}")
        check("same serials", set(uni) == set(multi),
              f"{sorted(set(uni) ^ set(multi))[:5]}")
        # the records' content is the kernel's, the same for both; the
        # process context is each daemon's own table (one saw a fork the
        # other read from /proc): only its process is compared
        def records(ev):
            return {k: v for k, v in ev.items() if k != "context"}

        def proc(ev):
            p = ev.get("context", {}).get("process", {})
            return (p.get("pid"), p.get("exe"), p.get("argv"))

        diff = [s for s in uni if s in multi and
                records(uni[s]) != records(multi[s])]
        check("same context process", all(
            proc(uni[s]) == proc(multi[s]) and proc(uni[s])[0]
            for s in uni if s in multi), "")
        check("same event content", not diff,
              f"serial {diff[:1]}: {uni[diff[0]] if diff else ''} != "
              f"{multi[diff[0]] if diff else ''}")

        rc = g.stop(m)
        check("multicast exits 0 on SIGTERM", rc == 0, f"rc={rc}")
        st = kernel_guard.status()
        check("multicast exit leaves the daemon in place",
              st["pid"] == u.pid and st["enabled"] == 1, repr(st))
        rc = g.stop(u)
        check("unicast exits 0 on SIGTERM", rc == 0, f"rc={rc}")
        st = kernel_guard.status()
        check("unicast restored pid and enabled",
              st["pid"] == 0 and st["enabled"] == before["enabled"],
              repr(st))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
