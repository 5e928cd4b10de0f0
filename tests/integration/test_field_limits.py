#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_field_limits.py BUILD_DIR: records with thousands of fields, the
same name repeated, through `vigild --replay`.

Names repeated in a record become NAME_2, NAME_3, ... (docs/events.md);
the k-th copy used to try every suffix before its own, allocating a key
each time: a 64 KB line of `a=` took ten minutes and 3.7 GB. Each run
here must finish within 20 s (it takes milliseconds; the bound only
tells "linear" from "quadratic", it is no benchmark) and within 256 MB.
A record has at most 8192 fields made into members: the rest are
dropped, counted (fields_dropped= in the -v dump) and marked in the
event (vigil.fields_dropped); the raw output keeps the whole record.

The same for the records of one event (max_event_bytes raised): tens of
thousands of record types each looked for among the members before
them (6 s an event), PATH records in reverse item order sorted by
insertion (20 s for 300 000).
"""
import json
import os
import resource
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

MAX_FIELDS = 8192
MAX_RECORD = 64 * 1024
check = vtest.Checks("colon")


def header(serial):
    return f"type=USER_CMD msg=audit(1700000000.000:{serial}): "


def a_line(serial, size):
    """A user message of repeated a= as long as size bytes allow; the
    line and its number of a= fields."""
    pre = header(serial) + "pid=1 uid=0 auid=1000 ses=1 msg='"
    n = (size - len(pre) - 2) // 3
    return pre + " ".join(["a="] * n) + "'", n


def suffix_line(serial, taken, dups):
    """a, a_2 ... a_<taken> as fields, then dups more a=: each copy
    must skip every suffix the fields hold."""
    names = ["a"] + [f"a_{i}" for i in range(2, taken + 1)]
    return header(serial) + " ".join(f"{n}=1" for n in names +
                                     ["a"] * dups)


def run(vigild, tmp, tag, lines, conf=None):
    """Replays lines with -o json: -o raw: -v; (json lines, raw text,
    stderr, max RSS in KB), or None after 20 s."""
    log = os.path.join(tmp, tag + ".log")
    out = os.path.join(tmp, tag + ".json")
    raw = os.path.join(tmp, tag + ".raw")
    with open(log, "w") as f:
        f.write("\n".join(lines) + "\n")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    try:
        p = subprocess.run([vigild] + (["-c", conf] if conf else []) +
                           ["--replay", log, "-o", "json:" + out,
                            "-o", "raw:" + raw, "-v"],
                           capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    check(f"{tag}: exit 0", p.returncode == 0, p.stderr[-500:])
    with open(out) as f:
        evs = [json.loads(x) for x in f]
    with open(raw) as f:
        rawtext = f.read()
    # max RSS of the children so far: this run's, unless an earlier
    # one was bigger (then the earlier check already failed)
    return evs, rawtext, p.stderr.decode(errors="replace"), max(rss, before)


def counter(stderr, name):
    for tok in stderr.split():
        if tok.startswith(name + "="):
            return int(tok.split("=", 1)[1])
    return None


def main():
    vigild = vtest.vigild_path()
    with tempfile.TemporaryDirectory() as tmp:
        # 1. the 8.6 KB message: all kept, names in order
        line, n = a_line(1, 8633)
        r = run(vigild, tmp, "a8k", [line])
        check("8.6 KB line of a=: done within 20 s", r is not None)
        if r is not None:
            evs, rawtext, err, rss = r
            u = evs[0]["user_cmd"] if evs else {}
            want = ["pid", "uid", "auid", "ses", "a", "msg_a"] + \
                [f"msg_a_{i}" for i in range(2, n)]
            check("8.6 KB: members a, msg_a, msg_a_2 ... in order",
                  list(u) == want, f"{list(u)[:8]} ... {len(u)}")
            check("8.6 KB: no mark, nothing dropped",
                  "vigil" not in evs[0] and
                  counter(err, "fields_dropped") == 0, err[-300:])
            check("8.6 KB: max RSS < 256 MB", rss < 256 * 1024, f"{rss} KB")

        # 2. a 64 KB line (the longest record): capped, counted, marked
        line, n = a_line(2, MAX_RECORD - 16)
        r = run(vigild, tmp, "a64k", [line])
        check("64 KB line of a=: done within 20 s", r is not None)
        if r is not None:
            evs, rawtext, err, rss = r
            dropped = 4 + n - MAX_FIELDS
            u = evs[0]["user_cmd"] if evs else {}
            check("64 KB: the first 8192 fields kept",
                  len(u) == MAX_FIELDS and
                  list(u)[-1] == f"msg_a_{MAX_FIELDS - 5}",
                  f"{len(u)} members, last {list(u)[-1:]}")
            check("64 KB: event marked vigil.fields_dropped",
                  evs and evs[0].get("vigil") ==
                  {"fields_dropped": dropped}, str(evs[0].get("vigil")))
            check("64 KB: counted in fields_dropped=",
                  counter(err, "fields_dropped") == dropped,
                  err[-300:])
            check("64 KB: raw output keeps the whole record",
                  rawtext.rstrip("\n").endswith(line[-200:]) and
                  len(rawtext) > len(line), f"{len(rawtext)} bytes")
            check("64 KB: max RSS < 256 MB", rss < 256 * 1024, f"{rss} KB")

        # 3. names that take the suffixes first: each copy of a skips
        # all of them
        taken, dups = 2000, 6000
        line = suffix_line(3, taken, dups)
        r = run(vigild, tmp, "suffix", [line])
        check("a_2 .. a_2000 then 6000 a=: done within 20 s",
              r is not None)
        if r is not None:
            evs, rawtext, err, rss = r
            u = list(evs[0]["user_cmd"]) if evs else []
            want = ["a"] + [f"a_{i}" for i in range(2, taken + dups + 1)]
            check("suffixes: copies are a_2001 .. a_8000, in order",
                  u == want, f"{u[:3]} ... {u[-3:]}")

        # 4. events of 62 000 record types each (type numbers stop at
        # 65535): one member each, found in O(1)
        conf = os.path.join(tmp, "big.conf")
        with open(conf, "w") as f:
            # an event may hold this much only if all open events may
            f.write("max_event_bytes = 268435456\n"
                    "max_pending_bytes = 268435456\n")
        ntypes, nev = 62000, 6
        lines = []
        for e in range(nev):
            hdr = f" msg=audit(1700000000.000:{100 + e}): a=1"
            lines += [f"type=UNKNOWN[{3000 + i}]{hdr}"
                      for i in range(ntypes)]
            lines.append(f"type=EOE msg=audit(1700000000.000:{100 + e}): ")
        r = run(vigild, tmp, "types", lines, conf)
        check(f"{nev} events of {ntypes} record types: done within 20 s",
              r is not None)
        if r is not None:
            # the record members, without vigil's "host" and "context"
            evs = [{k: v for k, v in ev.items()
                    if k not in ("host", "context")} for ev in r[0]]
            ok = len(evs) == nev and all(
                len(ev) == 3 + ntypes and
                list(ev)[3] == "unknown_3000" and
                list(ev)[-1] == f"unknown_{3000 + ntypes - 1}"
                for ev in evs)
            check("record types: one member each, in order", ok,
                  f"{len(evs)} events")

        # 5. 300 000 PATH records in reverse item order, two of each
        # item: sorted, stable
        npath = 150000
        hdr = "type=PATH msg=audit(1700000000.000:200): "
        lines = [f"{hdr}item={npath - 1 - i // 2} name=\"/{i}\""
                 for i in range(2 * npath)]
        lines.append("type=EOE msg=audit(1700000000.000:200): ")
        r = run(vigild, tmp, "paths", lines, conf)
        check(f"{len(lines) - 1} PATH records in reverse: done within 20 s",
              r is not None)
        if r is not None:
            evs = r[0]
            paths = evs[0].get("paths", []) if evs else []
            items = [p.get("item") for p in paths]
            names = [p.get("name") for p in paths]
            check("paths: sorted by item",
                  items == sorted(items) and len(items) == len(lines) - 1,
                  f"{len(items)} paths, first {items[:4]}")
            check("paths: equal items keep their order",
                  all(int(names[k][1:]) < int(names[k + 1][1:])
                      for k in range(0, len(names) - 1, 2)),
                  str(names[:4]))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
