#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_faults_flood.py BUILD_DIR: replay floods at full speed (issue 8,
Faults). No kernel state is touched.

- 400k complete events pushed through a fifo: every event out, no gap,
  peak RSS (VmHWM) small. The rate is printed, never asserted: speed is
  measured in bench/, not in tests.
- Events that never complete (no EOE, one timestamp): memory is bounded
  by max_pending_events, not by the input: VmHWM for 200k events equals
  VmHWM for 50k within a small margin, early emits are flagged evicted.
- One event of 100k records with max_event_bytes at its minimum: memory
  bounded by it, the event still written (raw), vigild survives.
- 32 big events open at once (no EOE), 2.6 MB each: memory bounded by
  max_pending_bytes (issue 14, defect 7), the oldest written early and
  counted in evicted_mem.
- A queued output nobody reads (unix, hold=1, small queue) under the
  flood: the reader is not stalled (drop_oldest), the loss is counted in
  dropped, memory bounded by the queue settings, the replay exits 3.
Numbers are printed (docs/faults.md keeps a copy). Exit 77 if no vigild.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
GEN = os.path.join(HERE, "flood_gen.py")
sys.path.insert(0, HERE)
import vtest  # noqa: E402

check = vtest.Checks("bracket")


def gen(path, mode, n, pad=0, records=1000):
    subprocess.run([sys.executable, GEN, "--mode", mode, "--events",
                    str(n), "--pad", str(pad), "--records", str(records),
                    "-o", path], check=True)


def counters(err):
    """Pipeline and output counters from the -v report."""
    c = {}
    for line in err.splitlines():
        m = re.match(r"(?:\S+: )?records=(\d+) events=(\d+)", line)
        if m:
            for k, v in re.findall(r"(\w+)=(\d+)", line):
                c[k] = int(v)
        m = re.match(r"(?:\S+: )?output (\S+) (sent=.*)", line)
        if m:
            c["out:" + m.group(1)] = {k: int(v) for k, v in
                                      re.findall(r"(\w+)=(\d+)",
                                                 m.group(2))}
    return c


def vmhwm(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_flood(vigild, d, src, outputs, conf=None, via_fifo=True):
    """vigild --replay SRC GATE: SRC is a fifo fed at full speed by a
    writer thread (or the file itself), GATE a second fifo opened only
    once SRC is consumed, so VmHWM is read while vigild still lives (its
    ru_maxrss would include the forking Python's RSS).
    Returns (rc, stderr, wall s, cpu s, VmHWM kB)."""
    args = [vigild, "-v"]
    if conf is not None:
        cp = os.path.join(d, "flood.conf")
        with open(cp, "w") as f:
            f.write(conf)
        args += ["-c", cp]
    for o in outputs:
        args += ["-o", o]
    fifo, gate = os.path.join(d, "fifo"), os.path.join(d, "gate")
    for x in (fifo, gate):
        if os.path.exists(x):
            os.unlink(x)
        os.mkfifo(x)
    args += ["--replay", fifo if via_fifo else src, gate]
    errf = open(os.path.join(d, "stderr"), "w+")
    t0 = time.time()
    p = subprocess.Popen(args, stderr=errf, stdout=subprocess.DEVNULL)
    hwm = [0]

    def feed():
        if via_fifo:
            with open(fifo, "wb") as w, open(src, "rb") as r:
                while True:
                    b = r.read(1 << 20)
                    if not b:
                        break
                    w.write(b)
        # vigild has read SRC to its end once it waits on GATE
        while p.poll() is None:
            try:
                fd = os.open(gate, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:     # ENXIO: no reader yet
                time.sleep(0.005)
                continue
            hwm[0] = vmhwm(p.pid)
            os.close(fd)
            break
    t = threading.Thread(target=feed)
    t.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.time() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    t.join()
    errf.seek(0)
    err = errf.read()
    errf.close()
    return p.returncode, err, wall, ru.ru_utime + ru.ru_stime, hwm[0]


def test_eoe_flood(vigild, d):
    n = 400000
    src = os.path.join(d, "eoe.log")
    gen(src, "eoe", n)
    rc, err, wall, cpu, hwm = run_flood(vigild, d, src, ["json:/dev/null"])
    os.unlink(src)
    c = counters(err)
    o = c.get("out:json:/dev/null", {})
    print(f"  eoe flood: {n} events, {wall:.2f} s wall, {cpu:.2f} s CPU, "
          f"{n / wall:,.0f} ev/s wall, {n / max(cpu, 1e-3):,.0f} ev/s CPU, "
          f"VmHWM {hwm} kB")
    check("eoe flood: exit 0", rc == 0, err[-300:])
    check("eoe flood: every event out", c.get("events") == n and
          o.get("sent") == n, f"events={c.get('events')} out={o}")
    check("eoe flood: no gap, no parse error", c.get("gaps") == 0 and
          c.get("parse_errors") == 0, repr(c))
    check("eoe flood: VmHWM < 32 MB", 0 < hwm < 32 * 1024, f"{hwm} kB")


def test_pending_bound(vigild, d):
    """noeoe: nothing completes, so what is held is max_pending_events."""
    hw = {}
    for n, maxp in ((50000, 1000), (200000, 1000), (200000, 20000)):
        src = os.path.join(d, f"noeoe{n}.log")
        if not os.path.exists(src):
            gen(src, "noeoe", n)
        rc, err, wall, cpu, hwm = run_flood(
            vigild, d, src, ["raw:/dev/null"],
            conf=f"max_pending_events = {maxp}\n")
        c = counters(err)
        hw[(n, maxp)] = hwm
        print(f"  noeoe flood: {n} events, max_pending_events={maxp}: "
              f"{wall:.2f} s wall, VmHWM {hwm} kB")
        check(f"noeoe {n}/{maxp}: exit 0, every event out", rc == 0 and
              c.get("events") == n, f"rc={rc} events={c.get('events')}")
    for n in (50000, 200000):
        os.unlink(os.path.join(d, f"noeoe{n}.log"))
    a, b, big = hw[(50000, 1000)], hw[(200000, 1000)], hw[(200000, 20000)]
    check("noeoe: VmHWM does not grow with the input (4x events, "
          "+<2 MB)", b - a < 2048, f"{a} -> {b} kB")
    check("noeoe: VmHWM follows max_pending_events (20000 > 1000)",
          big > b + 2048, f"{b} vs {big} kB")
    # early emits are flagged as such
    src = os.path.join(d, "noeoe-small.log")
    gen(src, "noeoe", 3000)
    out = os.path.join(d, "evicted.json")
    rc, err, *_ = run_flood(vigild, d, src, [f"json:{out}"],
                            conf="max_pending_events = 100\n")
    by = {}
    with open(out) as f:
        for line in f:
            e = json.loads(line)
            k = e.get("vigil", {}).get("closed_by")
            by[k] = by.get(k, 0) + 1
    evicted = by.get("evicted", 0)
    check("noeoe: events emitted early are flagged evicted",
          rc == 0 and evicted == 2900, f"{by}")
    os.unlink(out)
    os.unlink(src)


def test_big_event(vigild, d):
    src = os.path.join(d, "big.log")
    gen(src, "big", 100000, pad=100)
    out = os.path.join(d, "big.raw")
    rc, err, wall, cpu, hwm = run_flood(
        vigild, d, src, [f"raw:{out}"], conf="max_event_bytes = 65536\n",
        via_fifo=False)
    size = os.path.getsize(src)
    os.unlink(src)
    c = counters(err)
    with open(out, "rb") as f:
        lines = f.read().splitlines()
    os.unlink(out)
    print(f"  big event: {size} bytes of records in one event, "
          f"max_event_bytes=65536: {len(lines)} lines written, "
          f"VmHWM {hwm} kB")
    check("big event: exit 0, one event", rc == 0 and c.get("events") == 1,
          f"rc={rc} {c}")
    # raw: writes records as they arrive (issue 20): max_event_bytes
    # bounds what grouping keeps for event outputs, not the raw file
    check("big event: raw has every record (record by record), no EOE",
          len(lines) == 100001 and lines[0].startswith(b"type=SYSCALL ")
          and not any(ln.startswith(b"type=EOE ") for ln in lines),
          f"{len(lines)} lines")  # raw files have no EOE, as auditd's
    check("big event: records dropped from the event counted (not silent)",
          c.get("records") == 100002 and c.get("oversize", 0) > 99000,
          repr(c))
    check("big event: VmHWM < 32 MB for a 26 MB event", hwm < 32 * 1024,
          f"{hwm} kB")


def test_big_open_events(vigild, d):
    """Open events bounded in bytes, not only in number: 32 x 2.6 MB
    events, none complete, max_pending_bytes 16 MiB (max_pending_events
    alone would let all 32 stay: 84 MB)."""
    src = os.path.join(d, "bigopen.log")
    gen(src, "bigopen", 32, pad=1000, records=2000)
    size = os.path.getsize(src)
    out = os.path.join(d, "bigopen.json")
    rc, err, wall, cpu, hwm = run_flood(
        vigild, d, src, ["raw:/dev/null", f"json:{out}"],
        conf="max_pending_bytes = 16777216\n", via_fifo=False)
    os.unlink(src)
    c = counters(err)
    by = {}
    if os.path.exists(out):
        with open(out) as f:
            for line in f:
                k = json.loads(line).get("vigil", {}).get("closed_by")
                by[k] = by.get(k, 0) + 1
        os.unlink(out)
    print(f"  big open events: 32 events, {size} bytes, "
          f"max_pending_bytes=16 MiB: VmHWM {hwm} kB, {by}")
    check("big open: exit 0, every event out", rc == 0 and
          c.get("events") == 32, f"rc={rc} {c}")
    check("big open: the oldest written early, counted in evicted_mem",
          c.get("evicted_mem", 0) >= 20 and by.get("evicted") ==
          c.get("evicted_mem") and c.get("evicted") == 0, f"{c} {by}")
    # about 2 x 16 MiB at most for the open events, plus one event being
    # written as JSON and the process itself
    check("big open: VmHWM < 64 MB for 84 MB of open events",
          hwm < 64 * 1024, f"{hwm} kB")


def test_queue_no_reader(vigild, d):
    """A unix output with hold=1 and no client keeps events in its queue:
    the queue bound and drop_oldest apply; the replay is not slowed."""
    n = 200000
    src = os.path.join(d, "q.log")
    gen(src, "eoe", n)
    sock = os.path.join(d, "q.sock")
    spec = (f"unix:{sock}?hold=1&queue=1000&queue_bytes=1m"
            f"&overflow=drop_oldest&drain_ms=100")
    rc, err, wall, cpu, hwm = run_flood(vigild, d, src,
                                        [spec, "json:/dev/null"])
    os.unlink(src)
    c = counters(err)
    o = c.get("out:" + spec, {})
    j = c.get("out:json:/dev/null", {})
    print(f"  queued output, no reader, queue=1000: {wall:.2f} s wall, "
          f"{o}, VmHWM {hwm} kB")
    check("no reader: exit 3 (events lost), other output got everything",
          rc == 3 and j.get("sent") == n, f"rc={rc} {j}")
    # queue-full drops while running, the queue's content at close
    check("no reader: every event dropped and counted",
          o.get("dropped", 0) + o.get("queued", 0) == n and
          o.get("sent") == 0 and
          re.search(r"final sent=0 failed=0 dropped=%d " % n, err)
          is not None, repr(o))
    check("no reader: loss logged", "dropped" in err and
          re.search(r"unix.*(drop|lost)", err) is not None, err[-400:])
    check("no reader: VmHWM < 48 MB", hwm < 48 * 1024, f"{hwm} kB")


def main():
    vigild = vtest.vigild_path()
    with tempfile.TemporaryDirectory(prefix="vg-flood-") as d:
        test_eoe_flood(vigild, d)
        test_pending_bound(vigild, d)
        test_big_event(vigild, d)
        test_big_open_events(vigild, d)
        test_queue_no_reader(vigild, d)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
