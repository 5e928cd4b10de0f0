#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_live_unicast.py BUILD_DIR: vigild as the kernel's audit daemon.
Hostile execve arguments and socket addresses must come out of the JSON
output byte for byte; the kernel state must be put back on SIGTERM; a
second instance must be refused (naming the holder) unless --force.
Needs root and kernel audit (exit 77 otherwise); kernel_guard restores
the kernel whatever happens."""
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from kernel_guard import netlink_ports, rules  # noqa: E402
from vtest import as_bytes, wait_for  # noqa: E402

check = vtest.Checks("live")


def events(path):
    return vtest.json_events(path)


def start_vigild(g, vigild, out, *extra):
    return g.spawn_daemon([vigild, "-f", "-o", f"json:{out}"] + list(extra),
                          stderr=subprocess.PIPE)


HOSTILE = [
    b"with space", b'dq"uote', b"sq'uote", b"new\nline", b"tab\there",
    b"gs\x1dsep", b"ctl\x01\x02\x7f\x1b[0m", "h\u00e9llo \u2603 \U0001F600".encode(),
    b"bad\xff\xfeutf8\xc3", b"", b"=", b"a=b c=d", b"audit(1.2:3): x",
    b"\\x41 back\\slash", b"A" * 9000, b"",
]


def hostile_argv():
    argv = [b"/bin/true"] + HOSTILE
    i = 0
    while len(argv) < 300:
        argv.append(b"arg%d" % i)
        i += 1
    argv.append(b"last arg")
    return argv


def find_exec(evs, argv0_marker):
    for e in evs:
        ex = e.get("execve")
        if not ex or "vgtest" not in e.get("keys", []):
            continue
        a = ex.get("argv") or []
        if len(a) > 1 and as_bytes(a[1]) == argv0_marker:
            return e
    return None


def test_execve(g, out):
    argv = hostile_argv()
    subprocess.run(argv, check=True)
    ev = wait_for(lambda: find_exec(events(out), HOSTILE[0]))
    check("execve event written", ev is not None)
    if ev is None:
        return
    got = [as_bytes(x) for x in ev["execve"]["argv"]]
    check("execve argc", ev["execve"].get("argc") == len(argv),
          f"{ev['execve'].get('argc')} != {len(argv)}")
    check("execve argv count", len(got) == len(argv),
          f"{len(got)} != {len(argv)}")
    bad = [i for i, (a, b) in enumerate(zip(argv, got)) if a != b]
    check("execve argv byte for byte", not bad,
          "; ".join(f"[{i}] {argv[i][:40]!r} -> {got[i][:40]!r}"
                    for i in bad[:5]))
    check("execve no missing", "missing" not in ev["execve"])


CONNECT_CHILD = r"""
import socket, sys
s = socket.socket(); s.settimeout(2)
try: s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError: pass
u = socket.socket(socket.AF_UNIX)
try: u.connect(sys.argv[2])
except OSError: pass
"""


def test_sockaddr(g, out, tmp):
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(1)
    port = lst.getsockname()[1]
    upath = os.path.join(tmp, "vg\nsock")
    kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64", "-S",
                          "connect", "-F", f"ppid={os.getpid()}",
                          "-k", "vgconn")
    subprocess.run([sys.executable, "-c", CONNECT_CHILD, str(port), upath],
                   check=True)
    lst.close()

    def find(fam):
        for e in events(out):
            sa = e.get("sockaddr")
            if "vgconn" in e.get("keys", []) and sa and \
                    sa.get("family") == fam:
                return sa
        return None
    sa = wait_for(lambda: find("inet"))
    check("sockaddr inet", sa is not None and sa.get("addr") == "127.0.0.1"
          and sa.get("port") == port, repr(sa))
    sa = wait_for(lambda: find("unix"))
    check("sockaddr unix path with newline",
          sa is not None and as_bytes(sa.get("path")) == upath.encode(),
          repr(sa))


def test_timeout(g, out):
    """A record without EOE (AUDIT_USER, type 1005, from auditctl -m) is
    written by the grouping deadline timer, with no further traffic."""
    text = f"vg-user-msg-{os.getpid()}"
    kernel_guard.auditctl("-m", text)
    t0 = time.time()

    def seen():
        try:
            with open(out, "rb") as f:
                return text.encode() in f.read()
        except FileNotFoundError:
            return False
    ok = wait_for(seen, timeout=4)
    check("user record flushed by end-of-event timeout", ok,
          f"after {time.time() - t0:.1f}s")


def test_foreign(g, p, out):
    """A well-formed record sent by a user-space socket is not taken for
    the kernel's: vigild's sockets are connected to the kernel, which
    refuses it (ECONNREFUSED); it is never written."""
    text = b"audit(1700000000.000:1): vg-forged-record"
    msg = struct.pack("=IHHII", 16 + len(text), 1300, 0, 0, 0) + text
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    s.bind((0, 0))
    ports = netlink_ports(p.pid)
    refused = 0
    for port in ports:
        try:
            s.sendto(msg, (port, 0))
        except ConnectionRefusedError:
            refused += 1
    s.close()
    check("forged record refused by the kernel on every socket",
          len(ports) == 2 and refused == len(ports),
          f"{refused} of {len(ports)} ports")
    time.sleep(0.3)
    with open(out, "rb") as f:
        check("forged record not written", b"vg-forged" not in f.read())


def test_restore(g, p, saved):
    pid = p.pid
    check("self-exclusion rule present while running",
          f"pid={pid}" in rules(), rules())
    st = kernel_guard.status()
    check("enabled while running", st["enabled"] == 1, repr(st))
    rc = g.stop(p)
    st = kernel_guard.status()
    check("exit 0 on SIGTERM", rc == 0, f"rc={rc}")
    check("pid restored on SIGTERM", st["pid"] == 0, repr(st))
    check("enabled restored on SIGTERM", st["enabled"] == saved["enabled"],
          repr(st))
    check("self-exclusion rule removed", f"pid={pid}" not in rules(),
          rules())


DRAIN_N = 3000


def test_stop_drains(g, vigild, tmp):
    """Records the kernel sent before SIGTERM are written: vigild, stopped
    (SIGSTOP) while a child makes DRAIN_N audited calls (9,000 datagrams
    waiting in its socket), gets SIGTERM and SIGCONT. It read one wakeup's
    worth (1,024 datagrams) and threw the rest away before."""
    out = os.path.join(tmp, "drain.json")
    p, ok = start_vigild(g, vigild, out)
    check("drain: vigild starts", ok)
    if not ok:
        return
    kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64", "-S",
                          "uname", "-F", f"ppid={os.getpid()}",
                          "-k", "vgdrain")
    lost0 = kernel_guard.status()["lost"]
    os.kill(p.pid, signal.SIGSTOP)
    subprocess.run([sys.executable, "-c", "import os\n"
                    f"for _ in range({DRAIN_N}): os.uname()"], check=True)
    lost = kernel_guard.status()["lost"] - lost0
    os.kill(p.pid, signal.SIGTERM)
    os.kill(p.pid, signal.SIGCONT)
    rc = g.stop(p, timeout=30)
    kernel_guard.auditctl("-D")
    n = sum(1 for e in events(out) if "vgdrain" in e.get("keys", []))
    check(f"drain: exit 0, every call written ({n} of {DRAIN_N}, kernel "
          f"lost {lost}; the interpreter calls it too)", rc == 0 and
          n + lost >= DRAIN_N and (lost > 0 or n >= DRAIN_N))


def test_second_instance(g, vigild, tmp):
    a, ok = start_vigild(g, vigild, os.path.join(tmp, "a.json"))
    check("first instance up", ok)
    if not ok:
        return
    b = g.spawn([vigild, "-f", "-o", f"json:{tmp}/b.json"],
                stderr=subprocess.PIPE)
    try:
        _, err = b.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        err = b""
    err = err.decode(errors="replace")
    check("second instance refused", b.returncode not in (0, None),
          f"rc={b.returncode}")
    check("refusal names the holder", str(a.pid) in err and "vigild" in err,
          repr(err))
    check("holder untouched", kernel_guard.status()["pid"] == a.pid)
    c, ok = start_vigild(g, vigild, os.path.join(tmp, "c.json"), "--force")
    check("--force takes the audit pid", ok and
          kernel_guard.status()["pid"] == c.pid, repr(kernel_guard.status()))
    check("--force stopped the old holder", wait_for(
        lambda: a.poll() is not None), f"rc={a.poll()}")
    check("old holder exited cleanly", a.returncode == 0,
          f"rc={a.returncode}")
    check("one self-exclusion rule, the new one",
          f"pid={a.pid}" not in rules() and f"pid={c.pid}" in rules(),
          rules())
    g.stop(c)
    st = kernel_guard.status()
    check("state restored after --force", st["pid"] == 0 and
          st["enabled"] == 0 and "pid=" not in rules(), repr(st))


def test_crash(g, vigild, tmp):
    """A fatal signal still puts the kernel back (prebuilt datagram)."""
    p, ok = start_vigild(g, vigild, os.path.join(tmp, "crash.json"))
    check("instance for crash test up", ok)
    if not ok:
        return
    os.kill(p.pid, signal.SIGSEGV)
    p.wait(5)
    # -SIGSEGV, or 1 under ASan, whose handler we chain to
    check("crash is still a crash", p.returncode != 0, f"rc={p.returncode}")
    st = wait_for(lambda: (lambda s: s if s["pid"] == 0 else None)(
        kernel_guard.status()), timeout=2) or kernel_guard.status()
    check("crash restores pid and enabled",
          st["pid"] == 0 and st["enabled"] == 0, repr(st))
    check("crash removes the self-exclusion rule",
          f"pid={p.pid}" not in rules(), rules())


def main():
    vigild = vtest.vigild_path()
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-live-") as tmp:
        saved = g.saved
        out = os.path.join(tmp, "out.json")
        p, ok = start_vigild(g, vigild, out, "--end-of-event-timeout", "1")
        check("vigild becomes the audit daemon", ok,
              p.stderr.read().decode(errors="replace") if not ok else "")
        if ok:
            kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64",
                                  "-S", "execve", "-F",
                                  f"ppid={os.getpid()}", "-k", "vgtest")
            test_execve(g, out)
            test_sockaddr(g, out, tmp)
            test_timeout(g, out)
            test_foreign(g, p, out)
            test_restore(g, p, saved)
            kernel_guard.auditctl("-D")
        test_stop_drains(g, vigild, tmp)
        test_second_instance(g, vigild, tmp)
        test_crash(g, vigild, tmp)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
