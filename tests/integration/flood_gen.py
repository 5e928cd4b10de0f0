#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""flood_gen.py: synthetic audit log (auditd RAW lines) for the fault and
flood tests, written as fast as Python can to stdout or a file.

Modes:
  eoe     SYSCALL + PATH + PROCTITLE + EOE per event, serials counting up
          from --first; what a busy kernel writes.
  noeoe   the same without EOE, every record with the same timestamp, so
          no event ever completes or times out: each stays pending until
          max_pending_events evicts it (worst case for grouping memory).
  big     one event (one serial) of --events PATH records plus a SYSCALL,
          then an EOE: exercises max_event_bytes.
  bigopen --events events of a SYSCALL and --records PATH records each,
          no EOE, all open at once: exercises max_pending_bytes.

--pad N adds N bytes to each PATH name (bigger records). Output depends
only on the arguments. Usage:
  flood_gen.py [--mode eoe|noeoe|big|bigopen] [--events N] [--first S]
               [--pad N] [--records N] [-o FILE]
"""
import argparse
import sys

SYSCALL = ("type=SYSCALL msg=audit(%d.%03d:%d): arch=c000003e syscall=257 "
           "success=yes exit=3 a0=ffffff9c a1=7ffd1234 a2=0 a3=0 items=1 "
           "ppid=4242 pid=%d auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 "
           "egid=0 sgid=0 fsgid=0 tty=pts0 ses=7 comm=\"flood\" "
           "exe=\"/usr/bin/flood\" subj=unconfined key=\"vgflood\"\n")
PATH = ("type=PATH msg=audit(%d.%03d:%d): item=%d name=\"/var/lib/flood/%s"
        "%d\" inode=%d dev=fd:01 mode=0100644 ouid=0 ogid=0 rdev=00:00 "
        "nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 "
        "cap_frootid=0\n")
PROCTITLE = ("type=PROCTITLE msg=audit(%d.%03d:%d): "
             "proctitle=2F7573722F62696E2F666C6F6F64002D2D666173740066696C65\n")
EOE = "type=EOE msg=audit(%d.%03d:%d): \n"

BASE_SEC = 1700000000


def events(mode, n, first, pad, nrec=1000):
    """Yields chunks of text (about 1 MiB each)."""
    out = []
    size = 0
    if mode == "bigopen":
        t = (BASE_SEC, 0)
        for k in range(n):
            s = first + k
            out = [SYSCALL % (t + (s, 4242))]
            for i in range(nrec):
                out.append(PATH % (t + (s, i, pad, i, 1000 + i)))
            yield "".join(out)
        return
    if mode == "big":
        t = (BASE_SEC, 0)
        out.append(SYSCALL % (t + (first, 4242)))
        for i in range(n):
            out.append(PATH % (t + (first, i, pad, i, 1000 + i)))
        out.append(EOE % (t + (first,)))
        yield "".join(out)
        return
    for k in range(n):
        s = first + k
        if mode == "noeoe":
            t = (BASE_SEC, 0)
        else:   # about 200k events per second of record time
            t = (BASE_SEC + k // 200000, (k // 200) % 1000)
        a = t + (s,)
        chunk = (SYSCALL % (a + (10000 + k % 30000,)) +
                 PATH % (a + (0, pad, k, 1000 + k)) + PROCTITLE % a)
        if mode == "eoe":
            chunk += EOE % a
        out.append(chunk)
        size += len(chunk)
        if size >= 1 << 20:
            yield "".join(out)
            out = []
            size = 0
    if out:
        yield "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mode", choices=("eoe", "noeoe", "big", "bigopen"),
                    default="eoe")
    ap.add_argument("--events", type=int, default=200000)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--pad", type=int, default=0,
                    help="extra bytes in each PATH name")
    ap.add_argument("--records", type=int, default=1000,
                    help="PATH records per event (bigopen)")
    ap.add_argument("-o", "--output", default="-")
    a = ap.parse_args()
    pad = "p" * a.pad
    f = sys.stdout if a.output == "-" else open(a.output, "w")
    try:
        for chunk in events(a.mode, a.events, a.first, pad, a.records):
            f.write(chunk)
    except BrokenPipeError:
        return 1
    finally:
        if f is not sys.stdout:
            f.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
