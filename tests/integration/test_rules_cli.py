#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_rules_cli.py BUILD: vigilctl's command line without the kernel.

Bad input exits 1 with "file:line: msg" naming the token; -c goes on and
still exits 1; -i goes on and exits 0; -t works on one command line too;
-e 2 / -f 2 are refused under VIGIL_TEST_NO_LOCK=1 (set by ctest).
"""
import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILCTL = os.path.join(BUILD, "vigilctl")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("fails")


def run(*argv):
    env = dict(os.environ, VIGIL_TEST_NO_LOCK="1")
    return subprocess.run([VIGILCTL] + list(argv), capture_output=True,
                          text=True, timeout=30, env=env)


def rules_file(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".rules", delete=False)
    f.write(text)
    f.close()
    return f.name


def main():
    if not os.access(VIGILCTL, os.X_OK):
        return 77
    good = "-a always,exit -F arch=b64 -S openat -k k1\n"
    p = rules_file(good + "-a always,exit -F bogus=1\n" + good.replace(
        "k1", "k2"))
    r = run("-t", "-R", p)
    check(f"bad file: exit {r.returncode}", r.returncode == 1)
    check(f"bad file: no file:line+token: {r.stderr!r}",
          f"{p}:2:" in r.stderr and "bogus" in r.stderr)
    # auditctl stops at the first bad line: only rule 1 is listed
    check(f"bad file -t listing: {r.stdout!r}",
          r.stdout.count("\n") == 1 and "k1" in r.stdout)
    for flag, rc in (("-c", 1), ("-i", 0)):
        q = rules_file(flag + "\n" + open(p).read())
        r = run("-t", "-R", q)
        check(f"{flag}: exit {r.returncode}", r.returncode == rc)
        check(f"{flag}: did not go on: {r.stdout!r}",
              "k1" in r.stdout and "k2" in r.stdout)
        check(f"{flag}: {r.stderr!r}", f"{q}:3:" in r.stderr)
        os.unlink(q)
        r = run("-t", flag, "-R", p)
        check(f"{flag} on the command line: exit "
              f"{r.returncode}", r.returncode == rc)
    os.unlink(p)
    # one command line under -t
    r = run("-t", "-w", "/etc/passwd", "-p", "wa", "-k", "id")
    check(f"-t -w: {r.returncode} {r.stdout!r}",
          r.returncode == 0 and r.stdout == "-w /etc/passwd -p wa -k id\n")
    r = run("-t", "-a", "always,exit", "-F", "arch=b64", "-S", "nosuch")
    check(f"-t bad syscall: {r.returncode} {r.stderr!r}",
          r.returncode == 1 and "nosuch" in r.stderr)
    for argv in (("-e", "2"), ("-f", "2")):
        r = run(*argv)
        check(f"{argv} not refused: {r.returncode} {r.stderr!r}",
              r.returncode == 1 and "VIGIL_TEST_NO_LOCK" in r.stderr)
    q = rules_file("-e 2\n")
    r = run("-R", q)
    check(f"-e 2 in a file not refused: {r.stderr!r}",
          r.returncode == 1 and f"{q}:1:" in r.stderr)
    os.unlink(q)
    r = run("-x")
    check(f"-x: {r.stderr!r}", r.returncode == 1 and "-x" in r.stderr)
    r = run("-t", "-R", "/nonexistent/file.rules")
    check(f"missing file: {r.stderr!r}",
          r.returncode == 1 and "/nonexistent/file.rules" in r.stderr)
    print(f"{check.failed} failures")
    return 1 if check.failures else 0


if __name__ == "__main__":
    sys.exit(main())
