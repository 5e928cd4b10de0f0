#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_output_filters.py: filters attached to one output only
(`?drop=RULE;RULE&lua=FILE`) act on that output and leave the others and
the shared document alone; the global --lua chain runs before them.
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
