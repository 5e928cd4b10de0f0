#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""make-capture.py: the fixed replay of bench/prof.py from an ab capture.

bench/ab.sh --rounds 1 --rules socket --modes vigild-raw -n 20000 leaves
the kernel's records as vigild's raw: output wrote them in
bench/work/run/vigild.raw. That output has no EOE lines (as auditd's log);
the kernel sends one after the last record of every syscall event, so one
is put back there, as a live daemon would see the stream. The first
--lines lines (records and EOEs), cut at an event's end, go to OUT.

usage: make-capture.py RAW OUT [--lines 60000]
"""
import argparse
import re
import sys

STAMP = re.compile(rb"msg=audit\((\d+\.\d+):(\d+)\)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("raw")
    ap.add_argument("out")
    ap.add_argument("--lines", type=int, default=60000)
    a = ap.parse_args()
    events = []          # [stamp, serial, [lines], has_syscall]
    by_serial = {}
    with open(a.raw, "rb") as f:
        for line in f:
            m = STAMP.search(line)
            if m is None:
                continue
            key = m.group(2)
            ev = by_serial.get(key)
            if ev is None:
                ev = [m.group(1), key, [], False]
                by_serial[key] = ev
                events.append(ev)
            ev[2].append(line)
            if line.startswith(b"type=SYSCALL "):
                ev[3] = True
    n = 0
    with open(a.out, "wb") as o:
        for stamp, serial, lines, syscall in events:
            k = len(lines) + (1 if syscall else 0)
            if n + k > a.lines:
                break
            o.writelines(lines)
            if syscall:
                o.write(b"type=EOE msg=audit(%s:%s): \n" % (stamp, serial))
            n += k
    print("%s: %d lines" % (a.out, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
