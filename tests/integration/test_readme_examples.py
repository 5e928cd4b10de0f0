#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_readme_examples.py BUILD_DIR: the README's examples work as
written. Every ```sh block after a `<!-- readme-example -->` mark in
README.md is run line by line (comments skipped) with bash -o pipefail,
from a folder where `build` is BUILD_DIR and `tests` is the checkout's
tests/, so the command text is exactly the README's. Each must exit 0,
write nothing to stderr, and print at least one line, none of which is
`null` (an example that prints nothing or null shows the reader
nothing). Offline; no root needed."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

SRC = os.path.abspath(os.environ.get("VG_SRCDIR", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")))


def examples(text):
    """The command lines of the marked ```sh blocks."""
    out = []
    for m in re.finditer(r"<!-- readme-example -->\s*```sh\n(.*?)```",
                         text, re.S):
        for line in m.group(1).splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    if not os.path.exists(os.path.join(build, "vigild")):
        vtest.skip("no vigild in " + build)
    for tool in ("jq", "ausearch"):
        if subprocess.run(["sh", "-c", "command -v " + tool],
                          capture_output=True).returncode:
            vtest.skip(tool + " is not installed (scripts/setup.sh)")
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        cmds = examples(f.read())
    fail = 0
    if len(cmds) < 3:
        print("FAIL: fewer than 3 marked examples in README.md")
        fail = 1
    with tempfile.TemporaryDirectory() as d:
        os.symlink(build, os.path.join(d, "build"))
        os.symlink(os.path.join(SRC, "tests"), os.path.join(d, "tests"))
        for cmd in cmds:
            # files an example writes to /tmp start afresh each run
            for w in re.findall(r"raw:(/tmp/\S+)", cmd):
                if os.path.exists(w):
                    os.unlink(w)
            p = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=d,
                               capture_output=True, text=True, timeout=120)
            lines = p.stdout.splitlines()
            bad = []
            if p.returncode:
                bad.append("exit %d" % p.returncode)
            if p.stderr.strip():
                bad.append("stderr: " + p.stderr.strip()[:300])
            if not lines:
                bad.append("printed nothing")
            if any(x.strip() == "null" for x in lines):
                bad.append("printed null")
            if bad:
                print("FAIL: %s\n  %s" % (cmd, "; ".join(bad)))
                fail = 1
            else:
                print("ok: %s (%d lines)" % (cmd[:70], len(lines)))
    sys.exit(fail)


if __name__ == "__main__":
    main()
