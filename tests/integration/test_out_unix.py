#!/usr/bin/env python3
"""test_out_unix.py: the unix:PATH output. Several clients get every event
as the file output writes it; a client that never reads is disconnected
and stalls neither the other client nor the file output; events without
clients are counted; hold=1 keeps them for the first client; bad specs are
refused at start naming the output."""
import os
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
    spec = "unix:%s?client_buffer=1m" % sp
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
    if rc != 0 or k["dropped"] != 20 or k["sent"]:
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


def test_bad_specs(d):
    cases = [
        ("unix:", "expected unix:PATH"),
        ("unix:%s/e.sock?bogus=1" % d, "unknown option \"bogus\""),
        ("unix:%s/e.sock?overflow=sometimes" % d, "overflow=sometimes"),
        ("unix:%s/e.sock?overflow=spool" % d, "needs spool=PATH"),
        ("unix:%s/e.sock?queue=0" % d, "queue=0"),
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
        test_bad_specs(d)
    print("4 passed, 0 failed")


if __name__ == "__main__":
    main()
