#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_rules_corpus.py BUILD: every corpus rule file through vigilctl.

Offline (always): `vigilctl -t -R FILE` for every file under corpus/rules:
no crash, every diagnostic is "FILE:LINE: msg", comment-only files list
"No rules" and exit 0.

Live (root + auditctl, serialized by /tmp/vigil-kernel.lock, kernel restored
to no rules / enabled 0 in a finally): each file is copied with its control
lines (-e -f -b -r --backlog_wait_time --loginuid-immutable --reset-lost)
blanked so the shared kernel keeps its settings, then
  1. auditctl -R copy; auditctl -l  ==  vigilctl -t -R copy
     (auditctl stops at the first bad line; -t models that);
     lines naming syscalls that auditctl 3.0.9's tables lack but this
     kernel has (fchmodat2, setxattrat, file_setattr, ...: `ausyscall`
     says unknown) are blanked too: vigil's tables are newer and accept
     them on purpose (docs/rules.md); the offline pass covers them;
  2. with -c prepended: auditctl and vigilctl -t agree, the lines each
     rejects are the same; then vigilctl -R loads it and both
     `auditctl -l` and `vigilctl -l` print what auditctl loaded itself.
  3. vigilctl -s == auditctl -s (retried while the counters move).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "corpus")
VIGILCTL = os.path.join(BUILD, "vigilctl")
COMMENT_ONLY = {"20-dont-audit.rules", "31-privileged.rules",
                "40-local.rules", "99-finalize.rules"}
CONTROL = re.compile(r"^\s*(-e|-f|-b|-r|--backlog_wait_time|"
                     r"--loginuid-immutable|--reset-lost)\b")

failures = []
_known = {}


def auditctl_knows(arch, name):
    """Does auditctl 3.0.9 (ausyscall, same tables) know this syscall?"""
    if name == "all" or name.isdigit() or not shutil.which("ausyscall"):
        return True
    if (arch, name) not in _known:
        r = subprocess.run(["ausyscall", arch, name], capture_output=True)
        _known[(arch, name)] = r.returncode == 0
    return _known[(arch, name)]


def newer_syscall(line):
    words = line.split()
    arch = "i386" if "arch=b32" in line else "x86_64"
    for i, w in enumerate(words[:-1]):
        if w == "-S":
            for name in words[i + 1].split(","):
                if not auditctl_knows(arch, name):
                    return True
    return False


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def run(*argv, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True,
                          timeout=60, **kw)


def corpus_files():
    root = os.path.join(CORPUS, "rules")
    out = []
    for d, _, fs in os.walk(root):
        for f in fs:
            out.append(os.path.join(d, f))
    return sorted(out)


def offline(files):
    for path in files:
        r = run(VIGILCTL, "-t", "-R", path)
        if r.returncode not in (0, 1):
            fail(f"{path}: vigilctl -t exit {r.returncode}")
            continue
        for line in r.stderr.splitlines():
            if not re.match(re.escape(path) + r":\d+: .+", line):
                fail(f"{path}: diagnostic without file:line: {line!r}")
        if r.returncode == 1 and not r.stderr:
            fail(f"{path}: exit 1 without a diagnostic")
        base = os.path.basename(path)
        if base in COMMENT_ONLY and os.path.dirname(path).endswith(
                "audit-userspace"):
            if r.stdout != "No rules\n" or r.returncode != 0:
                fail(f"{path}: comment-only file gave {r.stdout!r}")


def sanitize(path, tmpdir, cont):
    with open(path, errors="surrogateescape") as f:
        lines = f.read().split("\n")
    lines = ["# control line removed by the test" if CONTROL.match(ln)
             else "# syscall unknown to auditctl 3.0.9" if
             newer_syscall(ln) else ln for ln in lines]
    if cont:
        lines.insert(0, "-c")
    name = os.path.join(tmpdir, ("c-" if cont else "") +
                        path.replace("/", "_"))
    with open(name, "w", errors="surrogateescape") as f:
        f.write("\n".join(lines))
    return name


def auditctl_lines(err):
    return sorted(int(m) for m in
                  re.findall(r"There was an error in line (\d+)", err))


def vigil_lines(err, path):
    return sorted(set(int(m) for m in
                      re.findall(re.escape(path) + r":(\d+):", err)))


def live(files, tmpdir):
    for path in files:
        for cont in (False, True):
            copy = sanitize(path, tmpdir, cont)
            run("auditctl", "-D")
            a = run("auditctl", "-R", copy)
            al = run("auditctl", "-l").stdout
            t = run(VIGILCTL, "-t", "-R", copy)
            if t.stdout != al:
                fail(f"{path} (cont={cont}): vigilctl -t differs from "
                     f"auditctl -l\n--- auditctl\n{al}--- vigilctl\n"
                     f"{t.stdout}--- vigilctl stderr\n{t.stderr}"
                     f"--- auditctl stderr\n{a.stderr}")
                continue
            if not cont:
                continue
            # auditctl -R sends some messages to syslog only: every line
            # it names must be named by vigil too (the equal listings
            # above show that vigil rejects nothing else).
            if not set(auditctl_lines(a.stderr)) <= set(
                    vigil_lines(t.stderr, copy)):
                fail(f"{path}: rejected lines differ: auditctl "
                     f"{auditctl_lines(a.stderr)} vigil "
                     f"{vigil_lines(t.stderr, copy)}\n{a.stderr}"
                     f"{t.stderr}")
            run("auditctl", "-D")
            v = run(VIGILCTL, "-R", copy)
            if v.returncode not in (0, 1):
                fail(f"{path}: vigilctl -R exit {v.returncode}")
            al2 = run("auditctl", "-l").stdout
            vl = run(VIGILCTL, "-l").stdout
            if al2 != al or vl != al:
                fail(f"{path}: after vigilctl -R: auditctl -l / vigilctl"
                     f" -l differ from auditctl's own load\n--- want\n"
                     f"{al}--- auditctl -l\n{al2}--- vigilctl -l\n{vl}"
                     f"--- vigilctl -R stderr\n{v.stderr}")
    run("auditctl", "-D")
    for _ in range(10):
        a1 = run("auditctl", "-s").stdout
        v = run(VIGILCTL, "-s").stdout
        a2 = run("auditctl", "-s").stdout
        if a1 == a2:
            if v != a1:
                fail(f"vigilctl -s differs:\n{v}--- auditctl -s\n{a1}")
            break
    else:
        print("note: audit counters kept moving; -s not compared")


def main():
    if not os.access(VIGILCTL, os.X_OK):
        print("no vigilctl in", BUILD)
        return 77
    files = corpus_files()
    if not files:
        print("no corpus rules")
        return 77
    offline(files)
    if os.geteuid() == 0 and shutil.which("auditctl"):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import kernel_guard
        # skips under a foreign audit daemon; puts back what it found
        with kernel_guard.KernelGuard():
            tmpdir = tempfile.mkdtemp(prefix="vigil-rules-")
            try:
                live(files, tmpdir)
            finally:
                shutil.rmtree(tmpdir, ignore_errors=True)
    else:
        print("not root or no auditctl: live comparison skipped")
    print(f"{len(files)} files, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
