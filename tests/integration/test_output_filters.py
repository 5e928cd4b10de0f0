#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_output_filters.py: filters attached to one output only
(`?drop=RULE;RULE&lua=FILE`) act on that output and leave the others and
the shared document alone; the global --lua chain runs before them. A
record member the chain changes is patched into the direct JSON line,
equal to the line from the tree (with and without context).
$1 = build dir. Prints 'N passed, N failed'."""
import json
import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILD = os.path.join(BUILD, "vigild")
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "corpus")
LOG = os.path.join(CORPUS, "logs", "laurel", "proc-trace-dpkg-l.txt")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("colon")


def lines(path):
    with open(path) as f:
        return [json.loads(x) for x in f]


def replay(tmp, *outs, extra=()):
    args = [VIGILD, "--replay", LOG]
    for o in outs:
        args += ["-o", o]
    args += list(extra)
    return subprocess.run(args, capture_output=True, text=True, timeout=60)


def main():
    if not os.access(VIGILD, os.X_OK) or not os.path.exists(LOG):
        print("skip: needs build/vigild and the corpus")
        return 77
    with tempfile.TemporaryDirectory(prefix="vg_ofilt_") as tmp:
        lua = os.path.join(tmp, "tag.lua")
        with open(lua, "w") as f:
            f.write("function filter(e)\n"
                    "  local t = {}\n"
                    "  for k, v in pairs(e) do t[k] = v end\n"
                    "  t.tagged = 'yes'\n"
                    "  return t\nend\n")
        a, b, c = (os.path.join(tmp, n) for n in ("a.json", "b.json",
                                                  "c.json"))
        exes = None
        p = replay(tmp, "json:" + a,
                   "json:%s?drop=syscall.exe=/usr/bin/dpkg" % b,
                   "json:%s?lua=%s" % (c, lua))
        check("vigild exit 0 (%s)" % p.stderr.strip(), p.returncode == 0)
        ea, eb, ec = lines(a), lines(b), lines(c)
        exes = [e.get("syscall", {}).get("exe") for e in ea]
        ndpkg = exes.count("/usr/bin/dpkg")
        check("plain output has all %d events, "
              "%d of /usr/bin/dpkg" % (len(ea), ndpkg),
              len(ea) > 0 and ndpkg > 0)
        check("drop= output lacks exactly the dpkg events",
              len(eb) == len(ea) - ndpkg and not any(
                  e.get("syscall", {}).get("exe") == "/usr/bin/dpkg"
                  for e in eb))
        check("lua= output has every event, rewritten",
              len(ec) == len(ea) and all(e.get("tagged") == "yes"
                                          for e in ec))
        check("other outputs do not see the rewrite",
              not any("tagged" in e for e in ea + eb))
        check("rewritten events keep order and serials",
              [e["serial"] for e in ec] == [e["serial"] for e in ea])
        # a record member changed by the --lua chain: the direct line
        # with it patched, as the tree gives it (an output's own filter
        # makes the tree), with context and without
        w = os.path.join(tmp, "w.lua")
        with open(w, "w") as f:
            f.write("function filter(e)\n"
                    "  local s = e.syscall\n"
                    "  if s then s.exe = 'x'; s.note = {n = 1} end\n"
                    "  return e\nend\n")
        passlua = os.path.join(tmp, "pass.lua")
        with open(passlua, "w") as f:
            f.write("function filter(e) return 0 end\n")
        pa, pb, ta, tb = (os.path.join(tmp, n) for n in (
            "pa.json", "pb.json", "ta.json", "tb.json"))
        p1 = replay(tmp, "json:" + pa, "json:%s?context=no" % pb,
                    extra=("--lua", w))
        p2 = replay(tmp, "json:%s?lua=%s" % (ta, passlua),
                    "json:%s?context=no" % tb, extra=("--lua", w))
        check("patch runs exit 0", p1.returncode == 0 and
              p2.returncode == 0, p1.stderr[-300:] + p2.stderr[-300:])
        raw = [open(x, "rb").read() for x in (pa, pb, ta, tb)]
        check("patched line == the tree's line (%d bytes)" % len(raw[0]),
              len(raw[0]) > 0 and raw[0] == raw[2])
        check("patched line without context == the tree's",
              len(raw[1]) > 0 and raw[1] == raw[3])
        ep, eq = lines(pa), lines(pb)
        nx = sum(e.get("syscall", {}).get("exe") == "x" for e in ep)
        check("the change is in the line (%d events)" % nx, nx > 0 and
              nx == sum(e.get("syscall", {}).get("note") == {"n": 1}
                        for e in eq))
        check("context=no strips only host and context",
              [{k: v for k, v in e.items() if k not in ("host",
                                                        "context")}
               for e in ep] == eq)
        p = replay(tmp, "json:%s?drop=bogus" % os.path.join(tmp, "x"))
        check("a bad drop rule stops vigild, naming it (exit %d)"
              % p.returncode, p.returncode == 6 and "bogus" in p.stderr)
        p = replay(tmp, "json:%s?lua=/nonexistent.lua" %
                   os.path.join(tmp, "y"))
        check("a missing Lua file stops vigild, naming it",
              p.returncode == 6 and "nonexistent" in p.stderr)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
