#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_rotate.py BUILD_DIR: the json and raw outputs' own rotation
(docs/outputs.md): rotate=SIZE splits the log into files that together
hold every line, in order; compress=gzip|zstd compresses the rotated
ones (by a child process); keep=N keeps N; bad options are refused at
start; an outside move plus SIGUSR1 (logrotate's way) still reopens the
path, and rotation goes on after it. Offline (a replay, and a
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
        test_reopen(vigild, d)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
