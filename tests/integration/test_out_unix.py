#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_out_unix.py: the unix:PATH output. Several clients get every event
as the file output writes it; a client that never reads is disconnected
and stalls neither the other client nor the file output; events without
clients are counted; hold=1 keeps them for the first client; bad specs are
refused at start naming the output. At exit the clients get what they were
given, up to drain_ms, and what they did not get is not counted sent; with
overflow=block or hold=1 a slow client paces the worker (backpressure)
instead of being disconnected, and a stuck one is disconnected after
client_timeout. In a replay overflow=block is the default, and a replay
whose output lost events exits 3, naming the output and the count. With
client_policy=skip a client that stops reading misses events, counted,
and gets the later ones when it reads again."""
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import out_common as c  # noqa: E402


def connect(path):
    c.wait_for(lambda: os.path.exists(path), 10, "socket " + path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def read_lines(s, n, timeout=20):
    buf = b""
    s.settimeout(timeout)
    end = time.time() + timeout
    while buf.count(b"\n") < n and time.time() < end:
        chunk = s.recv(1 << 16)
        if not chunk:
            break
        buf += chunk
    return buf.decode().splitlines()


READER = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = open(sys.argv[2], "wb")
f.flush()
n, seen = int(sys.argv[3]), 0
s.settimeout(60)
while seen < n:
    b = s.recv(1 << 20)
    if not b:
        break
    seen += b.count(b"\\n")
    f.write(b)
f.close()
"""


# A client that reads slowly but steadily: SLEEP seconds after each read
# of at most CHUNK bytes. Writes the complete lines it got to OUT and
# their count to OUT.n at EOF.
SLOW_READER = """
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
chunk, pause = int(sys.argv[3]), float(sys.argv[4])
open(sys.argv[2] + ".up", "w").close()
s.settimeout(120)
parts = []
while True:
    b = s.recv(chunk)
    if not b:
        break
    parts.append(b)
    time.sleep(pause)
data = b"".join(parts)
n = data.count(b"\\n")
with open(sys.argv[2], "wb") as f:
    f.write(data[:data.rfind(b"\\n") + 1])
with open(sys.argv[2] + ".n", "w") as f:
    f.write(str(n))
"""


def slow_reader(sp, out, chunk=1 << 16, pause=0.002):
    c.wait_for(lambda: os.path.exists(sp), 10, "socket " + sp)
    rd = subprocess.Popen([sys.executable, "-c", SLOW_READER, sp, out,
                           str(chunk), str(pause)])
    c.wait_for(lambda: os.path.exists(out + ".up"), 10, "slow reader")
    return rd


def reader_result(rd, out, timeout=120):
    try:
        rd.wait(timeout)
    except subprocess.TimeoutExpired:
        rd.kill()
        c.fail("slow reader did not see EOF")
    with open(out + ".n") as f:
        return int(f.read())


def file_lines(path):
    with open(path) as f:
        return f.read().splitlines()


def test_clients(d):
    sp, fj = d + "/a.sock", d + "/a.json"
    v = c.Vigild(["unix:" + sp, "json:" + fj])
    a, b = connect(sp), connect(sp)
    time.sleep(0.3)     # accepted before the first event
    v.feed(c.synth_events(1, 1000))
    la, lb = read_lines(a, 1000), read_lines(b, 1000)
    rc, err = v.finish()
    if rc != 0:
        c.fail("vigild exit %d: %s" % (rc, err))
    want = file_lines(fj)
    if len(want) != 1000:
        c.fail("file output has %d lines" % len(want))
    if la != want or lb != want:
        c.fail("clients got %d and %d lines, differing from the file" %
               (len(la), len(lb)))
    k = c.final_counters(err, "unix:" + sp)
    if k["sent"] != 1000 or k["dropped"] or k["failed"]:
        c.fail("counters %r" % k)
    print("ok clients: 2 clients x 1000 events, same as the file output")


def test_slow_client(d):
    sp, fj = d + "/b.sock", d + "/b.json"
    # free mode (live's default; a replay's is block, paced)
    spec = "unix:%s?client_buffer=1m&overflow=drop_oldest" % sp
    v = c.Vigild([spec, "json:" + fj])
    stuck = connect(sp)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    n = 10000
    t0 = time.time()
    # the reader is its own process: a client that keeps up
    out = d + "/b.reader"
    rd = subprocess.Popen([sys.executable, "-c", READER, sp, out, str(n)])
    c.wait_for(lambda: os.path.exists(out), 10, "reader")
    time.sleep(0.3)
    # at a pace (about 10 MB/s), not one burst: a reader that keeps up
    # must not be mistaken for a slow one on a busy machine
    for first in range(1, n + 1, 250):
        v.feed(c.synth_events(first, 250, pad=300))
        time.sleep(0.02)
    try:
        rd.wait(60)
    except subprocess.TimeoutExpired:
        rd.kill()
    got = file_lines(out)
    rc, err = v.finish()
    took = time.time() - t0
    if rc != 0:
        c.fail("vigild exit %d: %s" % (rc, err))
    if len(got) != n or got != file_lines(fj):
        c.fail("reader got %d of %d events: %s" % (len(got), n, err[-1500:]))
    if "1 slow clients disconnected" not in err:
        c.fail("the stuck client was not disconnected: %s" % err[-2000:])
    # the stuck client got a prefix, then EOF
    stuck.settimeout(5)
    data = b""
    while True:
        chunk = stuck.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    if data.count(b"\n") >= n:
        c.fail("the stuck client got everything?")
    k = c.final_counters(err, spec)
    if k["sent"] != n:
        c.fail("counters %r" % k)
    print("ok slow client: disconnected after %d events, reader and file "
          "got all %d in %.1fs" % (data.count(b"\n"), n, took))


def test_no_client_and_hold(d):
    sp = d + "/c.sock"
    spec = "unix:%s?drain_ms=300" % sp
    v = c.Vigild([spec])
    v.feed(c.synth_events(1, 20))
    rc, err = v.finish()
    k = c.final_counters(err, spec)
    if rc != 3 or k["dropped"] != 20 or k["sent"]:
        c.fail("no client: rc %d counters %r" % (rc, k))
    sp = d + "/d.sock"
    spec = "unix:%s?hold=1&queue=5&overflow=drop_newest" % sp
    v = c.Vigild([spec])
    c.wait_for(lambda: os.path.exists(sp), 10, "socket")
    v.feed(c.synth_events(1, 20))
    time.sleep(1.0)
    s = connect(sp)
    got = read_lines(s, 5, timeout=10)
    rc, err = v.finish()
    k = c.final_counters(err, spec)
    if c.serials_of_json(got) != [1, 2, 3, 4, 5]:
        c.fail("hold: first client got %r" % c.serials_of_json(got))
    if k["dropped"] != 15 or k["sent"] != 5:
        c.fail("hold: counters %r" % k)
    print("ok no client: 20 counted dropped; hold=1 kept the first 5")


def test_exit_drain(d):
    """A big replay to a client that reads slowly but steadily: at exit the
    worker keeps writing until the client has everything (within drain_ms),
    so it gets every event and sent is what it got."""
    sp = d + "/f.sock"
    spec = "unix:%s?client_buffer=256m&overflow=block&drain_ms=120000" % sp
    n = 200000
    v = c.Vigild([spec])
    rd = slow_reader(sp, d + "/f.out")
    t0 = time.time()
    for first in range(1, n + 1, 50000):
        v.feed(c.synth_events(first, 50000))
    rc, err = v.finish(timeout=180)
    got = reader_result(rd, d + "/f.out")
    if rc != 0:
        c.fail("vigild exit %d: %s" % (rc, err[-2000:]))
    k = c.final_counters(err, spec)
    if got != n or k["sent"] != got or k["dropped"] or k["failed"]:
        c.fail("exit drain: client got %d of %d, counters %r: %s" %
               (got, n, k, err[-1500:]))
    print("ok exit drain: slow client got all %d events in %.1fs, sent=%d" %
          (n, time.time() - t0, k["sent"]))


def test_drain_limit(d):
    """A client that stops reading: vigild still exits after drain_ms;
    what the client did not get whole is not sent, but dropped and
    logged, and sent is exactly the lines it can read afterwards."""
    sp = d + "/g.sock"
    spec = "unix:%s?client_buffer=64m&drain_ms=500" % sp
    n = 20000
    v = c.Vigild([spec])
    stuck = connect(sp)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    time.sleep(0.3)
    t0 = time.time()
    v.feed(c.synth_events(1, n, pad=300))
    rc, err = v.finish(timeout=60)
    took = time.time() - t0
    stuck.settimeout(5)
    data = b""
    while True:
        chunk = stuck.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    lines = data.count(b"\n")
    k = c.final_counters(err, spec)
    if rc != 3 or took > 20:
        c.fail("drain limit: rc %d after %.1fs" % (rc, took))
    if k["sent"] != lines or k["sent"] + k["dropped"] != n or \
            k["sent"] >= n:
        c.fail("drain limit: client has %d whole lines, counters %r" %
               (lines, k))
    if "not delivered at exit" not in err:
        c.fail("drain limit: not logged: %s" % err[-1500:])
    print("ok drain limit: exit in %.1fs, %d sent = lines the client has, "
          "%d dropped" % (took, k["sent"], k["dropped"]))


def test_block_paces(d):
    """overflow=block with the default client_buffer: a slow reader paces
    the worker and gets every event; a client that never reads is
    disconnected after client_timeout and stalls nobody for good."""
    sp = d + "/h.sock"
    spec = "unix:%s?overflow=block&client_timeout=1500" % sp
    n = 30000
    v = c.Vigild([spec])
    stuck = connect(sp)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    rd = slow_reader(sp, d + "/h.out", chunk=1 << 15, pause=0.001)
    time.sleep(0.3)
    t0 = time.time()
    for first in range(1, n + 1, 10000):
        v.feed(c.synth_events(first, 10000, pad=300))
    rc, err = v.finish(timeout=120)
    got = reader_result(rd, d + "/h.out")
    k = c.final_counters(err, spec)
    if rc != 0 or got != n or k["sent"] != n or k["dropped"]:
        c.fail("block: reader got %d of %d, counters %r: %s" %
               (got, n, k, err[-1500:]))
    if err.count("does not read: disconnected") != 1:
        c.fail("block: the stuck client was not disconnected once: %s" %
               err[-1500:])
    if c.serials_of_json(file_lines(d + "/h.out")) != list(range(1, n + 1)):
        c.fail("block: reader got events out of order")
    stuck.close()
    print("ok block: slow reader got all %d events (%.1fs, %d MB) with a "
          "1m client buffer; stuck client disconnected" %
          (n, time.time() - t0, os.path.getsize(d + "/h.out") >> 20))


def test_hold_paced(d):
    """hold=1 with more than client_buffer held: the first client gets all
    of it at its own pace, not disconnected."""
    sp = d + "/i.sock"
    spec = ("unix:%s?hold=1&queue=100000&queue_bytes=64m&drain_ms=60000" %
            sp)
    n = 20000
    v = c.Vigild([spec])
    c.wait_for(lambda: os.path.exists(sp), 10, "socket")
    v.feed(c.synth_events(1, n, pad=300))     # ~13 MB, nobody connected
    time.sleep(1.5)
    rd = slow_reader(sp, d + "/i.out", chunk=1 << 15, pause=0.001)
    rc, err = v.finish(timeout=120)
    got = reader_result(rd, d + "/i.out")
    k = c.final_counters(err, spec)
    if rc != 0 or got != n or k["sent"] != n or k["dropped"]:
        c.fail("hold: client got %d of %d, counters %r: %s" %
               (got, n, k, err[-1500:]))
    if "disconnected" in err:
        c.fail("hold: the first client was disconnected")
    print("ok hold: first client got all %d held events (%.0f MB) at its "
          "pace" % (n, os.path.getsize(d + "/i.out") / 1e6))


def test_replay_lost_status(d):
    """Issue 14: a replay that lost events exited 0. A client that never
    reads, overflow=drop_newest given and a small queue: the replay exits
    3 and says how many events this output lost, whatever the loss log's
    rate limit showed."""
    sp = d + "/j.sock"
    spec = ("unix:%s?overflow=drop_newest&queue=10&client_buffer=64k&"
            "drain_ms=300" % sp)
    n = 2000
    v = c.Vigild([spec])
    stuck = connect(sp)
    stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    time.sleep(0.3)
    v.feed(c.synth_events(1, n, pad=300))
    rc, err = v.finish(timeout=60)
    stuck.close()
    k = c.final_counters(err, spec)
    lost = k["dropped"] + k["failed"]
    if rc != 3 or lost == 0:
        c.fail("lost events: rc %d (want 3), counters %r: %s" %
               (rc, k, err[-1500:]))
    want = "output %s: at exit: %d events dropped, %d failed (%d sent)" % (
        spec, k["dropped"], k["failed"], k["sent"])
    if want not in err:
        c.fail("total not logged at exit (%r): %s" % (want, err[-1500:]))
    print("ok lost status: %d of %d events dropped, exit 3, total logged" %
          (lost, n))


def test_replay_blocks(d):
    """Issue 14: a replay to a network output lost events to the default
    overflow=drop_oldest. With no overflow given a replay blocks: a slow
    client behind a 10-event queue and a 64k buffer gets every event."""
    sp = d + "/k.sock"
    spec = "unix:%s?queue=10&client_buffer=64k" % sp
    n = 5000
    v = c.Vigild([spec])
    rd = slow_reader(sp, d + "/k.out", chunk=1 << 13, pause=0.002)
    time.sleep(0.3)
    v.feed(c.synth_events(1, n, pad=300))
    rc, err = v.finish(timeout=120)
    got = reader_result(rd, d + "/k.out")
    k = c.final_counters(err, spec)
    if rc != 0 or got != n or k["sent"] != n or k["dropped"]:
        c.fail("replay default: client got %d of %d, rc %d, counters %r: %s"
               % (got, n, rc, k, err[-1500:]))
    if c.serials_of_json(file_lines(d + "/k.out")) != list(range(1, n + 1)):
        c.fail("replay default: events out of order")
    print("ok replay blocks by default: slow client got all %d events" % n)


def drain_quiet(s, quiet=0.5, timeout=20):
    """What socket s has to read until it stays quiet for QUIET seconds."""
    s.setblocking(False)
    buf, last, end = b"", time.time(), time.time() + timeout
    while time.time() - last < quiet and time.time() < end:
        try:
            b = s.recv(1 << 20)
        except BlockingIOError:
            time.sleep(0.01)
            continue
        if not b:
            break
        buf, last = buf + b, time.time()
    return buf


def test_skip_policy(d):
    """client_policy=skip: a client that stops reading misses events,
    counted skipped, while the other gets every one; once it reads again
    it gets the later ones. Its cursor, left on events it skipped, fell
    behind the window when the other client wrote them: the worker read
    before the window and crashed (SEGV) on the next event for it."""
    sp = d + "/l.sock"
    spec = ("unix:%s?client_policy=skip&client_buffer=4k&"
            "overflow=drop_oldest" % sp)
    n1, n2 = 800, 50
    v = c.Vigild([spec])
    x, y = connect(sp), connect(sp)
    got = []

    def read_y():
        y.settimeout(60)
        buf = b""
        while True:
            b = y.recv(1 << 20)
            if not b:
                break
            buf += b
            got[:] = c.serials_of_json(buf.decode().splitlines())

    def upto(k):
        # or vigild died: its stderr says why below
        c.wait_for(lambda: len(got) >= k or v.p.poll() is not None, 20,
                   "the reader")

    t = threading.Thread(target=read_y)
    t.start()
    time.sleep(0.3)     # both accepted before the first event
    # in steps smaller than a socket buffer, so that the reader is never
    # behind; x reads nothing: once its socket is full it is past
    # client_buffer and skipped
    for first in range(1, n1 + 1, 20):
        v.feed(c.synth_events(first, 20, pad=800))
        upto(first + 19)
    xs = drain_quiet(x)         # x catches up with what it was given
    v.feed(c.synth_events(n1 + 1, n2, pad=800))
    upto(n1 + n2)
    xs += drain_quiet(x)
    rc, err = v.finish()
    xs += drain_quiet(x)
    t.join(10)
    xg = c.serials_of_json(xs.decode().splitlines())
    m = re.search(r"(\d+) messages skipped for slow clients, (\d+) not "
                  r"delivered", err)
    if rc != 0 or m is None:
        c.fail("skip: vigild exit %d: %s" % (rc, err[-2000:]))
    skipped, unsent = int(m.group(1)), int(m.group(2))
    if got != list(range(1, n1 + n2 + 1)):
        c.fail("skip: the reader got %d of %d events" % (len(got), n1 + n2))
    if xg != sorted(set(xg)) or not set(xg) <= set(got):
        c.fail("skip: the slow client's events are out of order")
    if skipped == 0 or len(xg) + skipped + unsent != n1 + n2:
        c.fail("skip: slow client got %d, %d skipped, %d unsent, of %d" %
               (len(xg), skipped, unsent, n1 + n2))
    if n1 + n2 not in xg:
        c.fail("skip: the slow client got nothing after it caught up")
    print("ok skip: slow client got %d, %d skipped; the other all %d" %
          (len(xg), skipped, n1 + n2))


def test_bad_specs(d):
    cases = [
        ("unix:", "expected unix:PATH"),
        ("unix:%s/e.sock?bogus=1" % d, "unknown option \"bogus\""),
        ("unix:%s/e.sock?overflow=sometimes" % d, "overflow=sometimes"),
        ("unix:%s/e.sock?overflow=spool" % d, "needs spool=PATH"),
        ("unix:%s/e.sock?queue=0" % d, "queue=0"),
        ("unix:%s/e.sock?client_timeout=0" % d, "client_timeout=0"),
        ("unix:%s/nodir/e.sock" % d, "listen on"),
        ("nosuch:%s/x" % d, "unknown output \"nosuch\""),
    ]
    for spec, msg in cases:
        p = subprocess.run([c.vigild_path(), "--replay", "/dev/null",
                            "-o", spec], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=20)
        err = p.stderr.decode(errors="replace")
        if p.returncode == 0 or msg not in err or spec.split("?")[0] \
                not in err:
            c.fail("spec %r: rc %d, stderr %r" % (spec, p.returncode, err))
    # a regular file where the socket goes is not removed
    reg = d + "/regular"
    open(reg, "w").close()
    p = subprocess.run([c.vigild_path(), "--replay", "/dev/null", "-o",
                        "unix:" + reg], stderr=subprocess.PIPE, timeout=20)
    if p.returncode == 0 or not os.path.isfile(reg):
        c.fail("unix: over a regular file")
    print("ok bad specs: %d refused with a message" % (len(cases) + 1))


def main():
    c.vigild_path()
    with tempfile.TemporaryDirectory(prefix="vg_unix_") as d:
        test_clients(d)
        test_slow_client(d)
        test_no_client_and_hold(d)
        test_exit_drain(d)
        test_drain_limit(d)
        test_block_paces(d)
        test_hold_paced(d)
        test_replay_lost_status(d)
        test_replay_blocks(d)
        test_skip_policy(d)
        test_bad_specs(d)
    print("11 passed, 0 failed")


if __name__ == "__main__":
    main()
