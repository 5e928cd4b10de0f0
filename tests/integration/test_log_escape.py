#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_log_escape.py BUILD_DIR: vigild's own diagnostics never carry a
raw control byte from what it read.

Messages about input quote it: a line that is not an audit record, a
Lua error (runtime, load, print), a config value (an output path in the
-v dump, a bad option value). Each is fed terminal escapes (ESC [31m,
CSI as a C1 byte and in UTF-8), newline-like bytes (CR, VT, FF, NEL) and
a forged "vigild: ..." second line. stderr must then hold only lines
that start with "vigild: " or a dump's known prefixes, with no byte below
0x20 but the line ends, no 0x7f, no C1 control and nothing that is not
UTF-8; the escaped forms (\\x1b[31m, \\r ...) must be there.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("colon")

# what an attacker would like a terminal or a log reader to act on
EVIL = (b"\x1b[31mRED\x1b[0m\rCR\x0bVT\x0cFF\x7fDEL\xc2\x85NEL\x9b2J"
        b"\xff\nvigild: forged line")
DUMP_PREFIXES = (b"records=", b"output ", b"filter ", b"input ",
                 b"plugins ", b"  plugin ", b"auditd log ", b"context ")


def clean(err, what):
    """stderr has only vigild's lines, each free of raw control bytes;
    returns the lines."""
    lines = err.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    bad = []
    for ln in lines:
        if not (ln.startswith(b"vigild: ") or ln.startswith(DUMP_PREFIXES)):
            bad.append(b"foreign line: " + ln[:80])
        for c in ln:
            if c < 0x20 or c == 0x7f:
                bad.append(b"raw byte %02x in: " % c + ln[:80])
                break
        try:
            text = ln.decode("utf-8")
        except UnicodeDecodeError as e:
            bad.append(f"not UTF-8 ({e})".encode() + b": " + ln[:80])
            continue
        if any(0x80 <= ord(ch) <= 0x9f for ch in text):
            bad.append(b"C1 control in: " + ln[:80])
    check(f"{what}: no raw control byte on stderr", not bad and lines,
          repr(bad[:3] or err[:200]))
    return lines


def escaped_in(lines, what):
    joined = b"\n".join(lines)
    want = [b"\\x1b[31mRED\\x1b[0m\\rCR\\x0bVT\\x0cFF\\x7fDEL\\xc2\\x85NEL"
            b"\\x9b2J\\xff"]
    check(f"{what}: shown escaped", all(w in joined for w in want),
          repr(joined[:300]))


def run(vigild, args, tmp, timeout=20):
    p = subprocess.run([vigild] + args, capture_output=True,
                       timeout=timeout, cwd=tmp)
    return p.returncode, p.stderr


def main():
    vigild = os.path.abspath(vtest.vigild_path())
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.json")

        # 1. lines that are not audit records ("skipped line ...")
        log = os.path.join(tmp, "bad.log")
        with open(log, "wb") as f:
            f.write(b"garbage " + EVIL.replace(b"\n", b" ") + b"\n")
            f.write(b"type=SYSCALL msg=audit(" + EVIL.replace(b"\n", b" ") +
                    b"\n")
            f.write(b"type=USER_CMD msg=audit(1.000:1): pid=1 msg='ok'\n")
        rc, err = run(vigild, ["--replay", log, "-o", "json:" + out], tmp)
        check("bad lines: exit 0", rc == 0, err[-300:])
        lines = clean(err, "bad lines")
        check("bad lines: one message each",
              sum(b"skipped line" in ln for ln in lines) == 2,
              repr(lines))
        escaped_in(lines, "bad lines")

        # 2. a Lua filter: print() and a runtime error with the bytes
        lua = os.path.join(tmp, "f.lua")
        lit = "".join(f"\\{c}" for c in EVIL)     # Lua decimal escapes
        with open(lua, "w") as f:
            f.write(f'function filter(e)\n  print("p", "{lit}")\n'
                    f'  error("{lit}", 0)\nend\n')
        rc, err = run(vigild, ["--replay", log, "-o", "json:" + out,
                               "--lua", lua, "-v"], tmp)
        check("lua: exit 0", rc == 0, err[-300:])
        lines = clean(err, "lua runtime error")
        check("lua: the error logged",
              any(b"lua " in ln and b"event passed" in ln for ln in lines),
              repr(lines[-4:]))
        check("lua: print() logged, tab escaped",
              any(b": p\\t\\x1b[31m" in ln for ln in lines),
              repr(lines[-6:]))
        escaped_in(lines, "lua runtime error")

        # 3. a Lua file that does not load: its own bytes in the message
        with open(lua, "wb") as f:
            f.write(b"function filter(e) return " + EVIL + b" end\n")
        rc, err = run(vigild, ["--replay", log, "-o", "json:" + out,
                               "--lua", lua], tmp)
        check("lua load error: refused", rc != 0, err[-300:])
        clean(err, "lua load error")

        # 4. config values: an output path in the -v dump, a bad option
        path = os.path.join(tmp, "o\x1b[31m\r.json")
        rc, err = run(vigild, ["--replay", log, "-o", "json:" + path, "-v"],
                      tmp)
        check("dump: exit 0", rc == 0, err[-300:])
        lines = clean(err, "dump")
        check("dump: the output path escaped",
              any(ln.startswith(b"output json:") and
                  b"o\\x1b[31m\\r.json" in ln for ln in lines),
              repr(lines[-3:]))
        p = subprocess.run([vigild, "--replay", log, "--batch-delay",
                            os.fsdecode(b"1" + EVIL)], capture_output=True,
                           timeout=20)
        check("bad option value: refused", p.returncode != 0,
              p.stderr[-300:])
        escaped_in(clean(p.stderr, "bad option value"), "bad option value")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
