#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_rotate.py BUILD_DIR: the json and raw outputs' own rotation
(docs/outputs.md): rotate=SIZE splits the log into files that together
hold every line, in order; compress=gzip|zstd compresses the rotated
ones (by a child process); keep=N keeps N; bad options are refused at
start; an outside move plus SIGUSR1 (logrotate's way) still reopens the
path, and rotation goes on after it; a file someone removed is replaced
by a new one at the path, without a signal. Offline (a replay, and a
--no-kernel listener fed by a test client); no root needed for most."""
import glob
import gzip
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rmw  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.environ.get("VG_CORPUS", os.path.join(SRC, "tests/data/corpus"))
LOG = os.path.join(CORPUS, "logs/selinux/sepolgen-httpd.log")


def read_any(path):
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as f:
            return f.read()
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-dcq", path], check=True,
                              capture_output=True).stdout
    with open(path, "rb") as f:
        return f.read()


def rotated(path):
    return sorted(glob.glob(path + ".*"))


def all_lines(path):
    data = b"".join(read_any(p) for p in rotated(path))
    return data + read_any(path)


def test_size(vigild, d):
    ref = subprocess.run([vigild, "--replay", LOG, "-o", "json:-"],
                         capture_output=True, check=True).stdout
    refraw = subprocess.run([vigild, "--replay", LOG, "-o", "raw:-"],
                            capture_output=True, check=True).stdout
    j = os.path.join(d, "e.json")
    r = os.path.join(d, "r.log")
    p = subprocess.run(
        [vigild, "--replay", LOG, "-o",
         f"json:{j}?rotate=300k&keep=100&compress=gzip", "-o",
         f"raw:{r}?rotate=300k&keep=100&compress=zstd"],
        capture_output=True, text=True)
    check("replay with rotation exits 0", p.returncode == 0, p.stderr)
    ok = wait_for(lambda: rotated(j) and all(x.endswith(".gz")
                                             for x in rotated(j)) and
                  all(x.endswith(".zst") for x in rotated(r)), 10)
    check("rotated files compressed (gzip, zstd)", ok,
          str(rotated(j) + rotated(r)))
    check("json: split into several files", len(rotated(j)) >= 2,
          str(rotated(j)))
    check("json: every line, in order", all_lines(j) == ref,
          f"{len(all_lines(j))} vs {len(ref)}")
    check("raw: every line, in order", all_lines(r) == refraw,
          f"{len(all_lines(r))} vs {len(refraw)}")
    big = [x for x in rotated(j)
           if len(read_any(x)) > 300 * 1024 + 256 * 1024]
    check("json: no file much past rotate=", not big, str(big))


def test_keep(vigild, d):
    j = os.path.join(d, "k.json")
    subprocess.run([vigild, "--replay", LOG, "-o",
                    f"json:{j}?rotate=64k&keep=2"], check=True,
                   capture_output=True)
    check("keep=2: two rotated files kept", len(rotated(j)) == 2,
          str(rotated(j)))


def test_bad(vigild, d):
    for opts, want in (("rotate=1", "rotate=1"),
                       ("rotate=1m&compress=xz", "compress=xz"),
                       ("keep=3", "keep="),
                       ("rotate_every=weekly", "rotate_every"),
                       ("rotate=1m&keep=0", "keep=0")):
        p = subprocess.run([vigild, "--replay", LOG, "-o",
                            f"json:{d}/bad.json?{opts}"],
                           capture_output=True, text=True)
        check(f"bad {opts} refused", p.returncode != 0 and want in p.stderr,
              p.stderr[-300:])
    p = subprocess.run([vigild, "--replay", LOG, "-o", "json:-?rotate=1m"],
                       capture_output=True, text=True)
    check("rotate on stdout refused", p.returncode != 0 and
          "stdout" in p.stderr, p.stderr[-300:])


def user_lines(first, n):
    """n single-record events (complete as they arrive), serial first..."""
    return b"".join(
        b"type=USER_ACCT msg=audit(1700000000.%03d:%d): pid=1 uid=0 "
        b"auid=4294967295 ses=4294967295 msg='op=PAM:accounting "
        b"acct=\"root\" exe=\"/usr/bin/su\" hostname=? addr=? "
        b"terminal=? res=success'\n" % (i % 1000, i)
        for i in range(first, first + n))


def test_removed(vigild, d):
    """A replay fed in two parts; between them the files are removed
    (rm, no signal): what is written after goes to new files at the
    paths, not on into the removed ones. A replay writes a file when
    256 KiB are buffered (and at the end): each part is bigger."""
    j = os.path.join(d, "rm.json")
    r = os.path.join(d, "rm.log")
    n = 2000
    p = subprocess.Popen([vigild, "--replay", "-", "-o",
                          f"json:{j}?rotate=1g", "-o", f"raw:{r}?rotate=1g"],
                         stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(user_lines(1, n))
    p.stdin.flush()

    def lines_written():
        """Lines in each file, once they stop growing (10 s at most)."""
        before, end = None, time.time() + 10
        while True:
            now = tuple(read_any(x).count(b"\n") for x in (j, r))
            if (now == before and all(now)) or time.time() > end:
                return now
            before = now
            time.sleep(0.3)
    old = lines_written()
    os.unlink(j)
    os.unlink(r)
    time.sleep(1.2)         # checked once a second at most
    p.stdin.write(user_lines(n + 1, n))
    p.stdin.close()
    err = p.stderr.read().decode(errors="replace")
    p.wait(timeout=30)
    serials = [e.get("serial") for e in rmw.events(j)]
    check(f"removed: json: the events after the rm are in a new file at "
          f"the path ({old[0]} before)",
          serials == list(range(old[0] + 1, 2 * n + 1)),
          f"{serials[:3]}..{serials[-3:]}")
    raw = read_any(r).splitlines() if os.path.exists(r) else []
    check(f"removed: raw: likewise ({old[1]} before)",
          len(raw) == 2 * n - old[1] and
          b":%d): " % (old[1] + 1) in raw[0], raw[:1])
    check("removed: logged, replay exits 0",
          "removed; writing to a new file" in err and p.returncode == 0,
          err[-300:])


def test_reopen(vigild, d):
    """Live (a listener, no kernel): an outside move and SIGUSR1 reopen
    the path; rotate= goes on counting the new file."""
    port = rmw.free_port()
    j = os.path.join(d, "live.json")
    p = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}",
                           f"{j}?rotate=64k&keep=50")
    c = rmw.Client(port)
    serial = 1

    def send(n):
        nonlocal serial
        for _ in range(n):
            for line in rmw.event_lines("h", serial, extra="x" * 200):
                c.send(line)
            serial += 1
    send(10)
    wait_for(lambda: os.path.exists(j) and os.path.getsize(j) > 0)
    os.rename(j, j + "-moved")
    p.send_signal(signal.SIGUSR1)
    time.sleep(0.5)
    send(10)
    ok = wait_for(lambda: os.path.exists(j) and len(rmw.events(j)) == 10)
    check("SIGUSR1 after an outside move: new file at the path", ok)
    check("moved file kept the first events",
          len(rmw.events(j + "-moved")) == 10)
    send(400)
    ok = wait_for(lambda: len(rotated(j)) >= 2, 10)
    c.close()
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=10)
    total = sum(len(read_any(x).splitlines()) for x in rotated(j)
                if not x.endswith("-moved")) + len(rmw.events(j))
    check("rotation goes on after the reopen, nothing lost",
          ok and total == 410, f"{rotated(j)} {total}")


def main():
    vigild = vtest.vigild_path()
    if not os.path.exists(LOG):
        vtest.skip(f"{LOG} missing")
    with tempfile.TemporaryDirectory(prefix="vg_rotate_") as d:
        test_size(vigild, d)
        test_keep(vigild, d)
        test_bad(vigild, d)
        test_removed(vigild, d)
        test_reopen(vigild, d)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
