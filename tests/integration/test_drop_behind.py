#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_drop_behind.py: the file outputs' page-cache drop-behind
(docs/outputs.md, `drop_behind=SIZE`) loses and reorders nothing: a
generated 12 MB RAW log replayed to json, raw and enriched outputs with a
64k window and with drop-behind off gives byte-identical files, and the
old part of each file is out of the page cache (mincore) only with the
window on. Bad values stop
vigild with status 6 and name the output. $1 = build dir."""
import ctypes
import mmap
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

VIGILD = vtest.vigild_path()
check = vtest.Checks("colon")
EVENTS = 30000


def write_log(path):
    """EVENTS socket-like events: SYSCALL, SOCKADDR, PROCTITLE, EOE."""
    with open(path, "w") as f:
        for i in range(EVENTS):
            st = "audit(1700000000.%03d:%d): " % (i % 1000, 1000 + i)
            f.write("type=SYSCALL msg=" + st + "arch=c000003e syscall=42 "
                    "success=yes exit=0 a0=3 a1=7ffd6c1f2a30 a2=10 a3=0 "
                    "items=0 ppid=1 pid=%d auid=1000 uid=0 gid=0 euid=0 "
                    "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) "
                    "ses=2 comm=\"curl\" exe=\"/usr/bin/curl\" "
                    "key=\"sock\"\n" % (100 + i % 30000))
            f.write("type=SOCKADDR msg=" + st +
                    "saddr=02000050%08X0000000000000000\n" % (0x7f000001))
            f.write("type=PROCTITLE msg=" + st +
                    "proctitle=6375726C00687474703A2F2F3132372E302E302E31"
                    "2F%04X\n" % (i % 65536))
            f.write("type=EOE msg=" + st + "\n")


def cached_fraction(path, upto):
    """Share of the pages of path[0:upto] in the page cache (mincore on
    a fresh read-only mapping: mapping reads nothing)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int,
                          ctypes.c_int, ctypes.c_int, ctypes.c_long]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t,
                             ctypes.c_void_p]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    size = os.path.getsize(path)
    pg = os.sysconf("SC_PAGE_SIZE")
    n = (size + pg - 1) // pg
    vec = (ctypes.c_ubyte * n)()
    fd = os.open(path, os.O_RDONLY)
    try:
        base = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if base in (None, ctypes.c_void_p(-1).value):
            raise OSError(ctypes.get_errno(), "mmap")
        rc = libc.mincore(base, size, vec)
        libc.munmap(base, size)
        if rc != 0:
            raise OSError(ctypes.get_errno(), "mincore")
    finally:
        os.close(fd)
    last = min(n, upto // pg)
    return sum(vec[i] & 1 for i in range(last)) / max(1, last)


def main():
    with tempfile.TemporaryDirectory(prefix="vg_dropbehind_",
                                     dir=os.path.dirname(VIGILD)) as tmp:
        log = os.path.join(tmp, "in.log")
        write_log(log)
        outs = {}
        for fmt in ("json", "raw", "enriched"):
            for w in ("64k", "0"):
                outs[(fmt, w)] = os.path.join(tmp, "%s-%s" % (fmt, w))
        args = [VIGILD, "--replay", log]
        for (fmt, w), p in outs.items():
            args += ["-o", "%s:%s?drop_behind=%s" % (fmt, p, w)]
        r = subprocess.run(args, capture_output=True, text=True,
                           timeout=300)
        check("replay to six outputs exits 0", r.returncode == 0,
              r.stderr[-300:])
        for fmt in ("json", "raw", "enriched"):
            on, off = outs[(fmt, "64k")], outs[(fmt, "0")]
            with open(on, "rb") as a, open(off, "rb") as b:
                da, db = a.read(), b.read()
            check("%s: %d bytes, same with and without drop-behind"
                  % (fmt, len(da)), da == db and len(da) > 4 << 20,
                  "%d vs %d bytes" % (len(da), len(db)))
            nev = da.count(b"\n") if fmt == "json" else \
                da.count(b"type=SYSCALL ")
            check("%s: every event written" % fmt, nev == EVENTS,
                  "%d events" % nev)
        # residency: rewrite one file of each mode, unread, and look
        for w in ("64k", "0"):
            p = os.path.join(tmp, "res-" + w)
            r = subprocess.run([VIGILD, "--replay", log, "-o",
                                "json:%s?drop_behind=%s" % (p, w)],
                               capture_output=True, text=True, timeout=300)
            size = os.path.getsize(p)
            frac = cached_fraction(p, size - (2 << 20))
            if w == "64k":
                check("drop_behind=64k: old pages out of the page cache",
                      frac < 0.05, "%.0f%% cached" % (frac * 100))
            else:
                check("drop_behind=0: pages stay cached", frac > 0.9,
                      "%.0f%% cached" % (frac * 100))
        for bad in ("3", "2g", "x", ""):
            r = subprocess.run([VIGILD, "--replay", log, "-o",
                                "json:%s/bad?drop_behind=%s" % (tmp, bad)],
                               capture_output=True, text=True, timeout=60)
            check("drop_behind=%s refused, status 6" % bad,
                  r.returncode == 6 and "drop_behind" in r.stderr,
                  "rc %d: %s" % (r.returncode, r.stderr[-200:]))
        r = subprocess.run([VIGILD, "--replay", log, "-o",
                            "auditd:/nonexistent.conf?drop_behind=1k"],
                           capture_output=True, text=True, timeout=60)
        check("auditd output checks drop_behind too",
              r.returncode == 6 and "drop_behind" in r.stderr,
              r.stderr[-200:])
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
