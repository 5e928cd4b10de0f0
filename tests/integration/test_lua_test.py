#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_lua_test.py: `vigilctl lua test` (docs/lua.md, vigilctl.8).

- Log mode agrees with the daemon: on corpus logs and logs written here,
  events = what `vigild --replay` emits, dropped = events the filter
  removes from vigild's output, modified = events whose JSON it changes;
  --json prints exactly the contract object; errors carry FILE:LINE and
  the serial; --diff shows before and after.
- Every lua/ example has lua/NAME.cases.jsonl and its cases pass; a
  deliberately wrong copy of each (verdict flipped, expected value
  changed) fails with exit 1 naming FILE:LINE.
- The tutorial in docs/lua.md: every `$ vigilctl ...` command shown runs
  and prints what the page shows (ns values aside).
Takes the build dir as argv[1]; exits 77 if vigilctl is not built.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
SRC = os.environ.get("VG_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(SRC, "tests", "data",
                                                  "corpus")
VIGILCTL = os.path.join(BUILD, "vigilctl")
VIGILD = os.path.join(BUILD, "vigild")
LUA = os.path.join(SRC, "lua")
KEYS = ["events", "passed", "dropped", "modified", "errors", "ns_per_event"]

check = vtest.Checks("colon")


def run(args, **kw):
    return subprocess.run([VIGILCTL] + args, capture_output=True,
                          timeout=300, **kw)


def replay(logs, lua=None):
    cmd = [VIGILD, "--replay"] + logs + ["-o", "json:-"]
    if lua:
        cmd += ["--lua", lua]
    p = subprocess.run(cmd, capture_output=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return [l for l in p.stdout.split(b"\n") if l]


def stats(filt, logs):
    p = run(["lua", "test", "--json", filt] + logs)
    out = p.stdout.decode()
    try:
        obj = json.loads(out)
    except ValueError:
        obj = None
    check("--json on %s: exit 0, one object" % os.path.basename(filt),
          p.returncode == 0 and obj is not None and out.count("\n") == 1,
          "%d %r %r" % (p.returncode, out, p.stderr[-300:]))
    check("--json keys are the contract", obj is not None and
          list(obj) == KEYS and all(isinstance(obj[k], int) for k in KEYS),
          repr(obj))
    return obj or dict.fromkeys(KEYS, -1)


def hexs(s):
    return s.encode().hex().upper()


def exec_event(serial, sec, exe, argv, key="exec"):
    hdr = "msg=audit(%d.000:%d):" % (sec, serial)
    args = " ".join("a%d=%s" % (i, hexs(a)) for i, a in enumerate(argv))
    return "\n".join([
        "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=1 "
        "a1=2 a2=3 a3=4 items=1 ppid=1 pid=%d auid=1000 uid=0 gid=0 euid=0 "
        "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"x\" "
        "exe=\"%s\" key=\"%s\"" % (hdr, 100 + serial, exe, key),
        "type=EXECVE %s argc=%d %s" % (hdr, len(argv), args),
        "type=PROCTITLE %s proctitle=%s" % (hdr, hexs("\0".join(argv))),
        "type=EOE %s" % hdr, ""])


def against_daemon(d):
    """Counts agree with what vigild does with the same filter."""
    laurel = os.path.join(CORPUS, "logs", "laurel")
    spade = os.path.join(CORPUS, "logs", "spade", "sessions")
    corpus = [os.path.join(laurel, "shell-proc-trace.txt"),
              os.path.join(laurel, "record-execve.txt"),
              os.path.join(spade, "audit_wget_unit.log")]
    mine = os.path.join(d, "mine.log")
    with open(mine, "w") as f:
        f.write(exec_event(1, 1700000000, "/usr/sbin/cron", ["cron"]))
        f.write(exec_event(2, 1700000000, "/usr/bin/mysql",
                           ["mysql", "-phunter2"], key="identity"))
        f.write(exec_event(3, 1700000001, "/usr/bin/ls", ["ls"]))
        for i in range(4, 12):
            f.write(exec_event(i, 1700000002, "/usr/bin/id", ["id"]))
    logs = corpus + [mine]
    base = replay(logs)
    for name in ("drop_exe", "rate_limit", "redact", "severity"):
        lua = os.path.join(LUA, name + ".lua")
        s = stats(lua, logs)
        out = replay(logs, lua)
        check("%s: events = vigild's events" % name,
              s["events"] == len(base), "%r vs %d" % (s, len(base)))
        check("%s: dropped = events vigild's filter removed" % name,
              s["dropped"] == len(base) - len(out),
              "%r vs %d" % (s, len(base) - len(out)))
        if s["dropped"] == 0:
            changed = sum(1 for a, b in zip(base, out) if a != b)
            check("%s: modified = events vigild changed" % name,
                  s["modified"] == changed, "%r vs %d" % (s, changed))
        check("%s: events = passed + dropped + modified" % name,
              s["events"] == s["passed"] + s["dropped"] + s["modified"])
        check("%s: no errors" % name, s["errors"] == 0)
    s = stats(os.path.join(LUA, "drop_exe.lua"), [mine])
    check("drop_exe on my log drops cron", s["dropped"] == 1, repr(s))
    s = stats(os.path.join(LUA, "rate_limit.lua"), [mine])
    check("rate_limit drops 3 of 8 id", s["dropped"] == 3, repr(s))
    s = stats(os.path.join(LUA, "redact.lua"), [mine])
    check("redact modifies 1", s["modified"] == 1 and s["passed"] == 10,
          repr(s))
    return mine


def errors_and_diff(d, mine):
    bug = os.path.join(d, "bug.lua")
    with open(bug, "w") as f:
        f.write("local n = 0\n"
                "function filter(event)\n"
                "\tn = n + 1\n"
                "\tif n == 2 then return event.nothing.here end\n"
                "\tif n == 3 then return 7 end\n"
                "\tif n == 4 then event.tag = 'x' return event end\n"
                "\tif n == 5 then return event end\n"
                "\treturn 0\n"
                "end\n")
    p = run(["lua", "test", bug, mine])
    out = p.stdout.decode()
    check("errors: exit 0", p.returncode == 0, p.stderr.decode())
    check("error 1 has file:line and serial",
          re.search(r"^error: serial 2 .*bug\.lua:4: attempt to index "
                    r"a nil value", out, re.M) is not None, out)
    check("a bad return names the line of filter()",
          re.search(r"^error: serial 3 .*bug\.lua:2: filter\(\) returned 7",
                    out, re.M) is not None, out)
    check("summary", re.search(r"^events +11\npassed +10\ndropped +0\n"
                               r"modified +1\nerrors +2\nns/event +\d+\n\Z",
                               out, re.M) is not None, out)
    check("errors are not logged twice", b"bug.lua" not in p.stderr,
          p.stderr.decode())
    p = run(["lua", "test", "--json", bug, mine])
    s = json.loads(p.stdout)
    check("--json: errors on stderr, not stdout",
          s["errors"] == 2 and s["modified"] == 1 and s["passed"] == 10 and
          p.stderr.count(b"error: serial") == 2, repr(p))
    p = run(["lua", "test", "--diff", bug, mine])
    lines = p.stdout.decode().splitlines()
    i = next((k for k, l in enumerate(lines)
              if l.startswith("modified: serial 4 ")), None)
    ok = i is not None and lines[i + 1].startswith("- ") and \
        lines[i + 2].startswith("+ ")
    if ok:
        a, b = json.loads(lines[i + 1][2:]), json.loads(lines[i + 2][2:])
        ok = "tag" not in a and b.pop("tag") == "x" and a == b
    check("--diff shows serial 4 before and after", ok,
          p.stdout.decode()[:2000])
    check("--diff: the unchanged returned event is no diff",
          "modified: serial 5" not in p.stdout.decode())
    # load error: file:line, exit 1
    bad = os.path.join(d, "syntax.lua")
    with open(bad, "w") as f:
        f.write("function filter(e)\n\treturn e +\nend\n")
    p = run(["lua", "test", bad, mine])
    check("syntax error: exit 1 and file:line",
          p.returncode == 1 and b"syntax.lua:3:" in p.stderr, repr(p))
    for args in (["lua"], ["lua", "test"], ["lua", "test", bug],
                 ["lua", "test", "--json", "--diff", bug, mine],
                 ["lua", "test", "--bogus", bug, mine],
                 ["lua", "test", bug, mine, "--cases", mine]):
        p = run(args)
        check("usage error exit 2: %s" % " ".join(args[1:]),
              p.returncode == 2, repr(p))
    p = run(["lua", "test", bug, os.path.join(d, "missing.log")])
    check("missing log: exit 1", p.returncode == 1, repr(p))


def wrong_copies(path):
    """Each case line made wrong in one way, as (line number, text)."""
    with open(path) as f:
        lines = f.read().splitlines()
    flip = {"pass": "drop", "drop": "pass", "modify": "pass",
            "error": "pass"}
    for n, l in enumerate(lines, 1):
        if not l.strip() or l.lstrip().startswith("#"):
            continue
        c = json.loads(l)
        if "verdict" in c:
            w = dict(c, verdict=flip[c["verdict"]])
            if w["verdict"] == "drop":
                w.pop("expect", None)
                w.pop("absent", None)
            yield n, "verdict", lines[:n - 1] + [json.dumps(w)] + lines[n:]
        if c.get("expect"):
            w = json.loads(l)
            k = sorted(w["expect"])[0]
            w["expect"][k] = {"no such": ["value"]}
            yield n, "expect", lines[:n - 1] + [json.dumps(w)] + lines[n:]


def cases(d):
    examples = sorted(f[:-4] for f in os.listdir(LUA)
                      if f.endswith(".lua") and f != "vigil.d.lua")
    check("lua/ has examples", len(examples) >= 5, repr(examples))
    for name in examples:
        lua = os.path.join(LUA, name + ".lua")
        cf = os.path.join(LUA, name + ".cases.jsonl")
        check("%s ships %s.cases.jsonl" % (name, name), os.path.exists(cf))
        if not os.path.exists(cf):
            continue
        p = run(["lua", "test", lua, "--cases", cf])
        check("%s: cases pass" % name, p.returncode == 0 and
              b"cases passed" in p.stdout, repr(p))
        nwrong = 0
        for n, how, text in wrong_copies(cf):
            w = os.path.join(d, "%s.%d.%s.jsonl" % (name, n, how))
            with open(w, "w") as f:
                f.write("\n".join(text) + "\n")
            p = run(["lua", "test", lua, "--cases", w])
            err = p.stderr.decode()
            nwrong += 1
            check("%s: wrong %s at line %d fails" % (name, how, n),
                  p.returncode == 1 and err.startswith("%s:%d: case " %
                                                       (w, n)), repr(p))
        check("%s: wrong copies tried" % name, nwrong >= 3, str(nwrong))


def tutorial_commands():
    """`$ vigilctl ...` blocks in docs/lua.md's tutorial, with output."""
    with open(os.path.join(SRC, "docs", "lua.md")) as f:
        text = f.read()
    blocks = re.findall(r"```(?:console)?\n(\$ vigilctl [^\n]*\n.*?)```",
                        text, re.S)
    for b in blocks:
        lines = b.split("\n")
        yield lines[0][2:], [l for l in lines[1:] if l != ""]


def tutorial():
    n = 0
    for cmd, want in tutorial_commands():
        n += 1
        argv = shlex.split(cmd)
        p = subprocess.run([VIGILCTL] + argv[1:], cwd=SRC, timeout=120,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        got = [l for l in p.stdout.decode().splitlines() if l != ""]
        norm = [re.sub(r"(ns/event +|\"ns_per_event\": )\d+", r"\1N", l)
                for l in got]
        wantn = [re.sub(r"(ns/event +|\"ns_per_event\": )\d+", r"\1N", l)
                 for l in want]
        check("tutorial: %s" % cmd, norm == wantn,
              "\n  got:  %r\n  want: %r" % (norm, wantn))
    check("tutorial has commands", n >= 4, str(n))


def main():
    if not os.access(VIGILCTL, os.X_OK) or not os.access(VIGILD, os.X_OK):
        vtest.skip("vigilctl or vigild not built")
    with tempfile.TemporaryDirectory() as d:
        mine = against_daemon(d)
        errors_and_diff(d, mine)
        cases(d)
    tutorial()
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
