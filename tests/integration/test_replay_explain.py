#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_replay_explain.py: `vigild --replay --explain` (vigild.8,
docs/lua.md).

A corpus log (spade's audit_rm.log: sshd, rm and bash syscalls, one
CONFIG_CHANGE) through a vigild.conf with two drop lines and a Lua filter
that drops rm's execve, fails on bash's reads and tags bash's other
events:
- the verdict and its reason of known serials, exactly (drop line
  FILE:LINE and text, Lua file, error FILE:LINE: message);
- one line per event, serials as in the JSON output for the kept ones;
- the counts after the lines agree with the lines and with
  `vigilctl lua test` where they must (events; the daemon's drops are the
  drop lines' and the filter's);
- without --explain nothing of it is printed; --explain without --replay
  is a usage error.
Takes the build dir as argv[1]; exits 77 if vigild is not built.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

VIGILD = vtest.vigild_path()
BUILD = os.path.dirname(VIGILD)
SRC = os.environ.get("VG_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(SRC, "tests", "data",
                                                  "corpus")
LOG = os.path.join(CORPUS, "logs", "spade", "sessions", "audit_rm.log")

CONF = """# explain test
drop = type=CONFIG_CHANGE

drop = syscall.exe=/usr/sbin/sshd
"""
LUA = """function filter(e)
  local s = e.syscall
  if s == nil then return 0 end
  if s.exe == "/bin/rm" and s.nr == 59 then return 1 end
  if s.exe == "/bin/bash" then
    if s.nr == 0 then error("boom") end
    e.tag = "bash"
    return e
  end
  return 0
end
"""
LINE = re.compile(r"^serial (\d+) \(audit\(\d+\.\d{3}:(\d+)\)\): (\S+)(.*)$")

check = vtest.Checks("colon")


def main():
    if not os.path.exists(LOG):
        vtest.skip("corpus log missing")
    with tempfile.TemporaryDirectory() as d:
        conf = os.path.join(d, "vigild.conf")
        lua = os.path.join(d, "ex.lua")
        out = os.path.join(d, "out.json")
        with open(conf, "w") as f:
            f.write(CONF)
        with open(lua, "w") as f:
            f.write(LUA)
        p = subprocess.run([VIGILD, "-c", conf, "--replay", LOG, "--lua",
                            lua, "--explain", "-o", "json:" + out],
                           capture_output=True, text=True, timeout=120)
        check("exit 0", p.returncode == 0, p.stderr[-500:])
        lines = {}
        counts = {}
        twice = []
        for l in p.stderr.splitlines():
            m = LINE.match(l)
            if m:
                if m.group(1) in lines or m.group(1) != m.group(2):
                    twice.append(l)
                lines[m.group(1)] = m.group(3) + m.group(4)
                continue
            m = re.match(r"^(events|passed|dropped|modified|errors|"
                         r"ns/event) +(\d+)$", l)
            if m:
                counts[m.group(1)] = int(m.group(2))
        want = {
            "22664": "dropped by drop %s:2: type=CONFIG_CHANGE" % conf,
            "22665": "dropped by drop %s:4: syscall.exe=/usr/sbin/sshd" %
                     conf,
            "22695": "dropped by lua %s" % lua,
            "22696": "passed",
            "22669": "error by lua %s: %s:6: boom (passed unchanged)" %
                     (lua, lua),
            "22671": "modified by lua %s" % lua,
        }
        check("each serial once", not twice, repr(twice[:3]))
        for serial, text in want.items():
            check("serial %s" % serial, lines.get(serial) == text,
                  "got %r want %r" % (lines.get(serial), text))
        with open(out) as f:
            kept = [json.loads(l) for l in f if l.strip()]
        verdicts = [v.split(" ")[0] for v in lines.values()]
        check("one line per event", len(lines) == counts.get("events"),
              "%d lines, %r" % (len(lines), counts))
        for v in ("passed", "dropped", "modified"):
            n = verdicts.count(v) + (verdicts.count("error")
                                     if v == "passed" else 0)
            check("count %s" % v, counts.get(v) == n,
                  "%r vs %d" % (counts.get(v), n))
        check("count errors", counts.get("errors") == verdicts.count("error"))
        kept_serials = sorted(str(e["serial"]) for e in kept)
        not_dropped = sorted(s for s, v in lines.items()
                             if not v.startswith("dropped"))
        check("kept = not dropped", kept_serials == not_dropped,
              "%d vs %d" % (len(kept_serials), len(not_dropped)))
        check("modified ones tagged",
              all(("tag" in e) == lines[str(e["serial"])].startswith(
                  "modified") for e in kept))
        # a record member written: "modified", as a document compare
        # says (the pipeline would patch its line; explain compares)
        wl = os.path.join(d, "w.lua")
        with open(wl, "w") as f:
            f.write("function filter(e)\n  local s = e.syscall\n"
                    "  if s and s.exe == '/bin/rm' then s.comm = 'P'\n"
                    "    return e end\n  return 0\nend\n")
        wo = os.path.join(d, "w.json")
        p = subprocess.run([VIGILD, "--replay", LOG, "--lua", wl,
                            "--explain", "-o", "json:" + wo],
                           capture_output=True, text=True, timeout=120)
        nm = re.search(r"^modified +(\d+)$", p.stderr, re.M)
        with open(wo) as f:
            np_ = sum(1 for l in f if '"comm":"P"' in l)
        check("record member written: modified (%s, %d written)" %
              (nm and nm.group(1), np_), p.returncode == 0 and nm and
              int(nm.group(1)) == np_ and np_ > 0)
        vigilctl = os.path.join(BUILD, "vigilctl")
        if os.access(vigilctl, os.X_OK):
            q = subprocess.run([vigilctl, "lua", "test", "--json", lua, LOG],
                               capture_output=True, text=True, timeout=120)
            lt = json.loads(q.stdout)
            check("events as vigilctl lua test",
                  lt["events"] == counts.get("events"), q.stdout)
        # without --explain: no explain line, no counts
        p = subprocess.run([VIGILD, "-c", conf, "--replay", LOG, "--lua",
                            lua, "-o", "json:" + out],
                           capture_output=True, text=True, timeout=120)
        check("no explain without --explain",
              not any(LINE.match(l) for l in p.stderr.splitlines()) and
              "events " not in p.stderr, p.stderr[-300:])
        p = subprocess.run([VIGILD, "--explain", "-c", conf, "--check"],
                           capture_output=True, text=True, timeout=60)
        check("--explain needs --replay", p.returncode != 0 and
              "--explain" in p.stderr, p.stderr)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
