#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_faults_kernel.py BUILD_DIR: vigild as the kernel's audit daemon
under faults (issue 8, Faults). Needs root and kernel audit (77 if not);
kernel_guard takes /tmp/vigil-kernel.lock and restores no rules,
enabled 0, pid 0 whatever happens.

- kill -9 under load, then a new vigild (no --force): it registers even
  though the kernel still names the dead pid, and continues. What was
  lost is measured and printed: events the workers made vs. events
  written, serial holes, the kernel's lost counter.
- Slow output (a fifo read slowly) with rcvbuf at its minimum (65536):
  netlink overruns (ENOBUFS) are counted and logged, vigild survives and
  stops cleanly; loss measured the same way.
- Hostile datagrams from a user-space socket (short, bad lengths,
  unknown types, one longer than a receive slot): the audit daemon's
  sockets are connected to the kernel, which refuses them all; vigild
  keeps working. A --multicast reader cannot be connected: there they
  are counted foreign or truncated and never written.
The workload: worker processes calling getppid() in a loop, audited by
a rule keyed vgflood on ppid = this test.
"""
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from kernel_guard import netlink_ports  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("bracket")
WORKER = r"""
import os, sys, time
end = time.time() + float(sys.argv[1])
n = 0
g = os.getppid
while time.time() < end:
    for _ in range(200):
        g()
    n += 200
print(n)
"""
SYSCALL_RE = re.compile(rb"^type=SYSCALL msg=audit\(\d+\.\d+:(\d+)\): "
                        rb"arch=c000003e syscall=110 .*key=\"vgflood\"",
                        re.M)


def start_vigild(g, vigild, out, *extra, conf=None):
    args = [vigild, "-f", "-v", "-o", f"raw:{out}"]
    if conf:
        args += ["-c", conf]
    return g.spawn_daemon(args + list(extra), stderr=subprocess.PIPE)


def stop(g, p):
    rc = g.stop(p, timeout=20)
    return rc, p.stderr.read().decode(errors="replace")


def add_rule():
    kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64", "-S",
                          "getppid", "-F", f"ppid={os.getpid()}",
                          "-k", "vgflood")


def workers(n, secs):
    return [subprocess.Popen([sys.executable, "-c", WORKER, str(secs)],
                             stdout=subprocess.PIPE) for _ in range(n)]


def worker_total(ws):
    return sum(int(w.communicate(timeout=120)[0]) for w in ws)


def serials(*paths):
    s = set()
    for p in paths:
        try:
            with open(p, "rb") as f:
                s.update(int(m) for m in SYSCALL_RE.findall(f.read()))
        except FileNotFoundError:
            pass
    return s


def holes(s):
    if not s:
        return 0
    return (max(s) - min(s) + 1) - len(s)


def test_kill9(g, vigild, tmp):
    a_out, b_out = os.path.join(tmp, "a.raw"), os.path.join(tmp, "b.raw")
    a, ok = start_vigild(g, vigild, a_out)
    check("kill -9: first vigild up", ok)
    if not ok:
        return
    add_rule()
    lost0 = kernel_guard.status()["lost"]
    ws = workers(2, 4.0)
    time.sleep(1.5)
    a.kill()
    a.wait()
    t_kill = time.time()
    st = kernel_guard.status()
    # the kernel names the dead pid until a send fails, or has already
    # let go (the socket closed with the process)
    check("kill -9: kernel pid is the dead one or 0", st["pid"] in
          (a.pid, 0), repr(st))
    time.sleep(1.0)             # no daemon for a second, workers going
    b, ok = start_vigild(g, vigild, b_out)
    gap = time.time() - t_kill
    berr = ""
    if not ok:
        berr = p_err(b)
    check("kill -9: new vigild registers without --force", ok,
          berr[-400:])
    total = worker_total(ws)
    if not ok:
        return
    time.sleep(1.0)
    lost1 = kernel_guard.status()["lost"]
    rc, err = stop(g, b)
    check("kill -9: new vigild stops cleanly", rc == 0, err[-300:])
    got_a, got_b = serials(a_out), serials(b_out)
    got = got_a | got_b
    check("kill -9: events before the kill and after the restart",
          len(got_a) > 0 and len(got_b) > 0,
          f"a={len(got_a)} b={len(got_b)}")
    check("kill -9: nothing written twice", not (got_a & got_b),
          f"{len(got_a & got_b)} in both")
    lost = total - len(got)
    print(f"  kill -9 under load: workers made {total} events, written "
          f"{len(got)} (before kill {len(got_a)}, after restart "
          f"{len(got_b)}), lost {lost} ({100.0 * lost / max(total, 1):.1f}"
          f"%), serial holes {holes(got)}, kernel lost +{lost1 - lost0}, "
          f"no daemon for {gap:.1f} s")
    check("kill -9: loss accounted (written <= made)", 0 <= lost <= total,
          f"{total} made, {len(got)} written")


def p_err(p):
    if p.poll() is None:
        return ""
    return p.stderr.read().decode(errors="replace")


def slow_reader(path, stop_ev, rate):
    """Reads the fifo at about rate bytes/s until stop_ev, then drains."""
    with open(path, "rb") as f:
        while not stop_ev.is_set():
            f.read(min(rate // 20, 4096) or 1)
            time.sleep(0.05)
        while f.read(1 << 16):
            pass


def test_enobufs(g, vigild, tmp):
    fifo = os.path.join(tmp, "slow.fifo")
    os.mkfifo(fifo)
    conf = os.path.join(tmp, "small.conf")
    with open(conf, "w") as f:
        f.write("rcvbuf = 65536\n")
    stop_ev = threading.Event()
    rd = threading.Thread(target=slow_reader, args=(fifo, stop_ev, 80000))
    rd.start()
    out = os.path.join(tmp, "e.raw")
    p, ok = start_vigild(g, vigild, out, "-o", f"raw:{fifo}", conf=conf)
    check("enobufs: vigild up with rcvbuf 65536 and a slow output", ok,
          p_err(p)[-300:])
    if not ok:
        stop_ev.set()
        rd.join()
        return
    add_rule()
    lost0 = kernel_guard.status()["lost"]
    ws = workers(2, 3.0)
    total = worker_total(ws)
    stop_ev.set()
    time.sleep(1.0)
    lost1 = kernel_guard.status()["lost"]
    rc, err = stop(g, p)
    rd.join()
    m = re.search(r"^records=\d+ .*? enobufs=(\d+)", err, re.M)
    enobufs = int(m.group(1)) if m else -1
    got = serials(out)
    lost = total - len(got)
    print(f"  slow output, rcvbuf 65536: workers made {total} events, "
          f"written {len(got)}, lost {lost}, ENOBUFS {enobufs}, serial "
          f"holes {holes(got)}, kernel lost +{lost1 - lost0}")
    check("enobufs: exit 0 on SIGTERM", rc == 0, f"rc={rc} {err[-300:]}")
    check("enobufs: overruns counted", enobufs > 0, err[-500:])
    check("enobufs: overruns logged", "receive buffer overrun" in err,
          err[-500:])
    check("enobufs: events still written", len(got) > 0 and lost >= 0,
          f"{len(got)} of {total}")
    kernel_guard.auditctl("-D")


def hostile():
    """Datagrams no kernel sends: each must be skipped whole."""
    text = b"audit(1700000000.000:7): vg-hostile"

    def hdr(ln, typ, flags=0):
        return struct.pack("=IHHII", ln, typ, flags, 0, 0)
    return [
        b"",                                    # empty
        b"\x01\x02\x03",                        # shorter than a header
        hdr(8, 1300) + text,                    # length below header
        hdr(100000, 1300) + text,               # length past the end
        hdr(0, 1300) + text,                    # zero length
        hdr(16 + len(text), 9999) + text,       # unknown type
        hdr(16 + len(text), 1300) + text + hdr(3, 1300),  # bad 2nd msg
        hdr(16 + len(text), 2, 0) + text,       # fake NLMSG_ERROR
        hdr(16 + 20000, 1300) + b"vg-hostile" * 2000,  # > receive slot
    ]


def send_hostile(pid):
    """Every hostile datagram to every NETLINK_AUDIT socket of pid:
    (ports, sent, refused). The empty one the kernel turns away before
    anything else (ENODATA)."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    s.bind((0, 0))
    ports = netlink_ports(pid)
    sent = refused = 0
    for port in ports:
        for d in hostile():
            try:
                s.sendto(d, (port, 0))
                sent += 1
            except ConnectionRefusedError:
                refused += 1
            except OSError as e:
                print(f"  sendto {len(d)} bytes: {e}")
    s.close()
    return ports, sent, refused


def test_hostile(g, vigild, tmp):
    """The audit daemon's sockets are connected to the kernel: the kernel
    refuses what other processes send them, and vigild goes on."""
    out = os.path.join(tmp, "h.raw")
    p, ok = start_vigild(g, vigild, out)
    check("hostile: vigild up", ok)
    if not ok:
        return
    ports, sent, refused = send_hostile(p.pid)
    print(f"  hostile datagrams to the audit daemon: {len(ports)} ports, "
          f"{sent} delivered, {refused} refused by the kernel")
    check("hostile: every datagram refused by the kernel",
          len(ports) == 2 and sent == 0 and
          refused == len(ports) * (len(hostile()) - 1),
          f"ports {ports} sent {sent} refused {refused}")
    time.sleep(0.3)
    check("hostile: still running", p.poll() is None)
    add_rule()                  # still working: a real event after the junk
    w = workers(1, 0.2)
    worker_total(w)
    ok = wait_for(lambda: len(serials(out)) > 0, timeout=5)
    check("hostile: real events written after the junk", ok)
    rc, err = stop(g, p)
    with open(out, "rb") as f:
        data = f.read()
    check("hostile: nothing of it written", b"vg-hostile" not in data and
          b"UNKNOWN[9999]" not in data)
    check("hostile: exit 0", rc == 0, f"rc={rc}")
    kernel_guard.auditctl("-D")


def test_hostile_multicast(g, vigild, tmp):
    """A multicast reader cannot be connected: what other processes send
    it is counted (foreign, truncated) and never written."""
    out = os.path.join(tmp, "hm.raw")
    p = g.spawn([vigild, "-f", "-v", "--multicast", "-o", f"raw:{out}"],
                stderr=subprocess.PIPE)
    ok = wait_for(lambda: len(netlink_ports(p.pid)) > 0, timeout=5)
    check("hostile multicast: vigild up", ok and p.poll() is None)
    if not ok:
        return
    time.sleep(0.2)
    ports, sent, refused = send_hostile(p.pid)
    time.sleep(0.3)
    check("hostile multicast: still running", p.poll() is None)
    os.kill(p.pid, signal.SIGCONT)      # counters to stderr
    time.sleep(0.3)
    rc, err = stop(g, p)
    with open(out, "rb") as f:
        data = f.read()
    check("hostile multicast: nothing of it written",
          b"vg-hostile" not in data and b"UNKNOWN[9999]" not in data)
    m = re.search(r"input multicast: .*? foreign=(\d+) truncated=(\d+) "
                  r"bad=(\d+) unknown=(\d+)", err)
    c = [int(x) for x in m.groups()] if m else []
    print(f"  hostile datagrams to a multicast reader: {sent} sent to "
          f"{len(ports)} ports; foreign/truncated/bad/unknown = {c}")
    # every datagram but the empty one is counted
    check("hostile multicast: every datagram counted (foreign, truncated)",
          m is not None and sent == len(ports) * (len(hostile()) - 1) and
          c[0] + c[1] + c[2] >= len(hostile()) - 1 and c[1] >= 1,
          err[-500:])
    check("hostile multicast: exit 0", rc == 0, f"rc={rc}")


def main():
    vigild = vtest.vigild_path()
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-kfault-") as tmp:
        test_hostile(g, vigild, tmp)
        test_hostile_multicast(g, vigild, tmp)
        test_kill9(g, vigild, tmp)
        kernel_guard.auditctl("-D")
        test_enobufs(g, vigild, tmp)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
