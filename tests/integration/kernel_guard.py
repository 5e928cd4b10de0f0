# SPDX-License-Identifier: GPL-2.0-or-later
"""kernel_guard.py: shared helper for tests that use the real kernel audit
subsystem. Checks preconditions (root, NETLINK_AUDIT, audit pid free,
configuration not locked), takes /tmp/vigil-kernel.lock unless the caller
already holds it (VIGIL_KERNEL_LOCK_HELD=1), saves the kernel status and
restores it on exit whatever happens: processes started through the guard
stopped, the rules and enabled flag found put back, audit pid 0.
auditctl -e 2 / -f 2 are refused: they lock the configuration until reboot or may panic the box.
"""
import fcntl
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

from vtest import skip, wait_for

LOCK = "/tmp/vigil-kernel.lock"
AUDIT_GET, AUDIT_SET = 1000, 1001
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 1, 4
AUDIT_STATUS_ENABLED, AUDIT_STATUS_PID = 1, 4
STATUS_FIELDS = ("mask", "enabled", "failure", "pid", "rate_limit",
                 "backlog_limit", "lost", "backlog")


class Netlink:
    """A tiny NETLINK_AUDIT client: status and AUDIT_SET only."""

    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
        self.s.bind((0, 0))
        self.s.settimeout(3)
        self.seq = int(time.time()) & 0xffff

    def close(self):
        self.s.close()

    def _request(self, typ, payload=b""):
        self.seq += 1
        hdr = struct.pack("=IHHII", 16 + len(payload), typ,
                          NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
        self.s.sendto(hdr + payload, (0, 0))
        return self.seq

    def status(self):
        seq = self._request(AUDIT_GET)
        end = time.time() + 3
        while time.time() < end:
            d = self.s.recv(65536)
            off = 0
            while off + 16 <= len(d):
                ln, typ, _, sq, _ = struct.unpack_from("=IHHII", d, off)
                if typ == AUDIT_GET and sq == seq and len(d) >= off + 48:
                    return dict(zip(STATUS_FIELDS,
                                    struct.unpack_from("=8I", d, off + 16)))
                if ln < 16:
                    break
                off += (ln + 3) & ~3
        raise TimeoutError("no AUDIT_GET answer")

    def set(self, mask, enabled=0, pid=0):
        body = struct.pack("=8I", mask, enabled, 0, pid, 0, 0, 0, 0)
        seq = self._request(AUDIT_SET, body)
        end = time.time() + 3
        while time.time() < end:
            d = self.s.recv(65536)
            ln, typ, _, sq, _ = struct.unpack_from("=IHHII", d)
            if typ == NLMSG_ERROR and sq == seq:
                err = struct.unpack_from("=i", d, 16)[0]
                if err:
                    raise OSError(-err, os.strerror(-err))
                return
        raise TimeoutError("no AUDIT_SET ack")


def status():
    nl = Netlink()
    try:
        return nl.status()
    finally:
        nl.close()


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


def auditctl(*args, check=True):
    """Runs auditctl, refusing anything that would lock the kernel."""
    a = list(args)
    for i, x in enumerate(a[:-1]):
        if x in ("-e", "-f") and a[i + 1] == "2":
            raise ValueError(f"refusing auditctl {x} 2")
    return subprocess.run(["auditctl"] + a, check=check,
                          capture_output=True, text=True)


def rules():
    """The kernel's rules as auditctl -l prints them."""
    return auditctl("-l", check=False).stdout


def netlink_ports(pid):
    """Port ids of the NETLINK_AUDIT sockets of process pid."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            t = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if t.startswith("socket:["):
            inodes.add(t[8:-1])
    ports = []
    with open("/proc/net/netlink") as f:
        next(f)
        for line in f:
            c = line.split()
            if c[1] == "9" and c[-1] in inodes:
                ports.append(int(c[2]))
    return ports


class KernelGuard:
    """with KernelGuard() as g: ... ; g.spawn() processes are stopped at
    exit, then the kernel is put back as found: its rules and enabled
    flag (no rules, enabled 0 on a test machine), pid 0."""

    def __init__(self):
        self.procs = []
        self.lockf = None
        self.saved = None

    def preconditions(self):
        if os.geteuid() != 0:
            skip("needs root")
        try:
            st = status()
        except (OSError, TimeoutError) as e:
            skip(f"no kernel audit ({e})")
        if subprocess.run(["which", "auditctl"],
                          capture_output=True).returncode:
            skip("needs auditctl")
        if st["enabled"] == 2 or st["failure"] == 2:
            skip(f"kernel audit is locked or panics on failure "
                 f"(enabled={st['enabled']} failure={st['failure']}); "
                 f"refusing to touch it")
        if st["pid"] and comm(st["pid"]) is not None:
            skip(f"audit pid held by {st['pid']} ({comm(st['pid'])})")
        return st

    def __enter__(self):
        if os.environ.get("VIGIL_KERNEL_LOCK_HELD") != "1":
            self.lockf = open(LOCK, "a")
            end = time.time() + 600
            while True:
                try:
                    fcntl.flock(self.lockf, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.time() > end:
                        skip(f"{LOCK} busy for 10 minutes")
                    time.sleep(0.5)
        self.saved = self.preconditions()
        # shared settings a test may change (a rules file with -b, -r,
        # --backlog_wait_time): put back as found
        m = re.search(r"^backlog_wait_time (\d+)$",
                      auditctl("-s", check=False).stdout, re.M)
        self.saved_bwt = m.group(1) if m else None
        # the rules found, put back at exit (a host's own rules survive)
        self.saved_rules = rules()
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(1))
        return self

    def spawn(self, argv, **kw):
        p = subprocess.Popen(argv, **kw)
        self.procs.append(p)
        return p

    def spawn_daemon(self, argv, timeout=5.0, step=0.05, **kw):
        """Spawns argv (a vigild that registers as the audit daemon) and
        waits until the kernel names it or it exits. Returns (p, up): up
        is true when p is alive and holds the audit pid."""
        p = self.spawn(argv, **kw)
        ok = wait_for(lambda: status()["pid"] == p.pid
                      or p.poll() is not None, timeout, step)
        return p, bool(ok) and p.poll() is None

    def stop(self, p, timeout=5):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        return p.returncode

    def restore(self):
        for p in self.procs:
            try:
                self.stop(p)
            except OSError:
                pass
        auditctl("-D", check=False)
        if getattr(self, "saved", None):
            auditctl("-b", str(self.saved["backlog_limit"]), check=False)
            auditctl("-r", str(self.saved["rate_limit"]), check=False)
        if getattr(self, "saved_bwt", None) is not None:
            auditctl("--backlog_wait_time", self.saved_bwt, check=False)
        found = getattr(self, "saved_rules", "")
        if found.strip() and found.strip() != "No rules":
            with tempfile.NamedTemporaryFile("w", suffix=".rules") as f:
                f.write(found)
                f.flush()
                r = auditctl("-R", f.name, check=False)
                if r.returncode:
                    print(f"kernel_guard: restore rules: {r.stderr}")
        # enabled as found (0 or 1; a locked 2 was refused on entry)
        was = 1 if self.saved and self.saved["enabled"] == 1 else 0
        nl = Netlink()
        try:
            nl.set(AUDIT_STATUS_ENABLED, enabled=was)
            st = nl.status()
            if st["pid"]:
                # only the holder may clear it while it lives; a dead
                # holder is detected by the kernel on this request
                nl.set(AUDIT_STATUS_PID, pid=0)
        except (OSError, TimeoutError) as e:
            print(f"kernel_guard: restore: {e}")
        finally:
            nl.close()
        st = status()
        print(f"kernel_guard: restored enabled={st['enabled']} "
              f"pid={st['pid']} rules="
              f"{auditctl('-l', check=False).stdout.strip()!r}")

    def __exit__(self, *exc):
        try:
            self.restore()
        finally:
            if self.lockf is not None:
                self.lockf.close()
        return False
