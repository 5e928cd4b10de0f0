#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_vigilctl_interp.py BUILD: vigilctl -l -i against auditctl 3.0.9's
-l -i for the syscall arguments a0..a3, on the real kernel:

- kinds: every argument auditctl names (personality, prctl options and
  their second argument, rlimits, socket types, protocols and option
  levels/names, clone/mount/mmap/send flags, fcntl, ioctl, ...) with
  values around each table's edges, the flag bits one by one, and the
  arguments read by another one of the rule (setsockopt's level in a1,
  prctl's option in a0, fcntl's command in a1, open's O_CREAT);
- the rest: every x86_64 syscall with a0..a3 = 7, and the i386-only
  names, which must print as auditctl prints them (mostly raw hex).
auditctl loads each set (-c), then both tools list it; every line must
be the same. Runs under /tmp/vigil-kernel.lock; the rules are deleted.
"""
import os
import shutil
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
VIGILCTL = os.path.abspath(os.path.join(BUILD, "vigilctl"))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard as kg  # noqa: E402
import vtest  # noqa: E402

check = vtest.Checks("live", width=3000)

# values around the edges every kind has: small numbers, bytes, flag
# bits, masks, modes, -1 and AT_FDCWD
VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 30, 31, 32, 64,
          0x80, 0xff, 0x100, 0x111, 0x400, 0x401, 0x800, 0x1000, 0x40000,
          0x80000, 0x40000000, 0x80000000, 0o644, 0o104755, 0o20600, -1,
          -100]
BITS = [1 << i for i in range(32)]

# (syscall, argument, extra values) per kind auditctl interprets
KINDS = [
    ("personality", 0, [0x10, 0xc, 0x40006, 0x40001, 0x8000008]),
    ("prctl", 0, list(range(11, 60))),
    ("setrlimit", 0, [11, 12, 13, 14]), ("getrlimit", 0, []),
    ("socket", 0, [44, 45, 46]), ("socket", 1, [0x80801, 0x11, 0x101]),
    ("socket", 2, list(range(0, 300, 3)) + [41, 58, 132, 136, 262]),
    ("setsockopt", 1, list(range(250, 290)) + [41, 58, 132, 136]),
    ("getsockopt", 1, []), ("setsockopt", 2, list(range(18, 70))),
    ("getsockopt", 2, []),
    ("clone", 2, BITS + [0x1e, 0x20000011]), ("unshare", 0, BITS),
    ("setns", 1, [0x40000000]),
    ("mount", 3, BITS), ("umount2", 1, BITS),
    ("mmap", 2, [9, 0x1000000]), ("mprotect", 2, [0x3000007]),
    ("mmap", 3, BITS + [0x22, 0xc, 0x104]),
    ("sendto", 3, BITS), ("recvfrom", 3, []), ("sendmsg", 2, []),
    ("recvmsg", 2, []), ("sendmmsg", 3, []), ("recvmmsg", 3, []),
    ("fcntl", 1, list(range(11, 20)) + list(range(1024, 1040))),
    ("ioctl", 1, [0x5401, 0x5402, 0x5403, 0x5404, 0x5409, 0x540b, 0x540e,
                  0x540f, 0x5410, 0x5413, 0x5414, 0x541b, 0x5421, 0x5422,
                  0x5423, 0x8901, 0x8903, 0x8910, 0x8927, 0x8933, 0x89a2,
                  0x4b3a, 0x4b3b, 0x5309, 0x530f, 0x5311, 0x5316,
                  0x40045431, 0x80045430, 0x80086601]),
    ("bpf", 0, list(range(11, 30))), ("epoll_ctl", 1, []),
    ("exit", 0, []), ("exit_group", 0, []),
    ("access", 1, [0x18, 0x9c]), ("faccessat", 2, []),
    ("faccessat2", 2, []), ("faccessat2", 0, []),
    ("lseek", 2, [0x101, 0x10]), ("sched_setscheduler", 1,
                                   [0x40000001, 0x40000004, 0x40000010]),
    ("shmget", 2, [0o3777, 0o13644]), ("mknod", 1,
                                       [0o100644, 0o60600, 0o10600,
                                        0o140777, 0o120777, 0o40755,
                                        0o170000, 0o110000]),
    ("mknodat", 2, []), ("chmod", 1, []), ("open", 1, []),
    ("openat", 2, []), ("open_by_handle_at", 2, []), ("mq_open", 1, []),
    ("kill", 1, [33, 65]), ("tgkill", 2, []), ("rt_sigaction", 0, []),
    ("ptrace", 0, list(range(18, 40)) + list(range(0x4200, 0x4212))), ("clock_settime", 0, []),
    ("setuid", 0, []), ("setresgid", 2, []), ("chown", 1, []),
    ("openat", 0, []), ("openat2", 0, []), ("renameat", 2, []),
    ("renameat2", 0, []), ("renameat2", 2, []),
    ("name_to_handle_at", 0, []),
]

# rules whose arguments read another one of the rule
DEPENDENT = [
    *[f"-S setsockopt -F a1={lv} -F a2={n}" for lv in (0, 1, 6, 17, 41,
                                                          263, 255, 270)
      for n in (0, 1, 2, 3, 20, 37, 38, 64, 66, 67, 68, 80, 100)],
    "-S setsockopt -F a2=2 -F a1=1", "-S setsockopt -F a1=6 -F a1=1 "
    "-F a2=2", "-S setsockopt -F a1!=1 -F a2=3",
    "-S getsockopt -F a1=41 -F a2=26", "-S setsockopt -F a1&1 -F a2=2",
    *[f"-S prctl -F a0={o} -F a1={v}" for o in (0, 1, 2, 4, 22, 23, 24, 47)
      for v in (0, 1, 9, 30, 37, 40, 41, -1)],
    "-S prctl -F a1=9 -F a0=1",
    *[f"-S fcntl -F a1={c} -F a2={v}" for c in (0, 1, 2, 4, 8, 10, 1024,
                                                1026, 1033)
      for v in (0, 1, 3, 9, 0x800, -1)],
    "-S fcntl -F a2=1 -F a1=2",
    *[f"-S open -F a1={f} -F a2={m}" for f in (0, 0x40, 0x41, 0x410000,
                                               0x80)
      for m in (0, 0o644, 0o4755)],
    "-S open -F a2=0644 -F a1=0x40", "-S open -F a1&0x40 -F a2=0600",
    "-S mq_open -F a1=0x40 -F a2=0644", "-S openat -F a2=0x40 -F a3=0644",
    "-S creat -F a2=0644", "-S socket -F a0=16 -F a2=9",
    "-S mmap -F a0=0 -F a1=4096 -F a2=3 -F a3=0x22",
]

# names the i386 table has and x86_64's has not
I386 = [("socketcall", 0, [11, 20, 21]), ("fcntl64", 1, [1030]),
        ("chown32", 1, []), ("setuid32", 0, []), ("ipc", 0, []),
        ("_llseek", 3, []), ("ugetrlimit", 0, []), ("mmap2", 2, [])]


def rules_kinds():
    out = []
    for sc, arg, extra in KINDS:
        for v in dict.fromkeys(VALUES + extra):
            out.append(f"-a always,exit -F arch=b64 -S {sc} -F a{arg}={v}")
    for sc, arg, extra in I386:
        for v in dict.fromkeys(VALUES + extra):
            out.append(f"-a always,exit -F arch=b32 -S {sc} -F a{arg}={v}")
    out += ["-a always,exit -F arch=b64 " + d for d in DEPENDENT]
    out.append("-a always,exit -F arch=b32 -S fcntl64 -F a1=2 -F a2=1")
    return out


def rules_all():
    names = subprocess.run(["ausyscall", "x86_64", "--dump"],
                           capture_output=True, text=True).stdout
    out = []
    for ln in names.splitlines()[1:]:
        sc = ln.split()[1]
        out += [f"-a always,exit -F arch=b64 -S {sc} -F a{a}=7"
                for a in range(4)]
    return out


def compare(tmpdir, name, rules):
    path = os.path.join(tmpdir, name + ".rules")
    keyed = [f"{r} -k {name}{i}" for i, r in enumerate(rules)]
    with open(path, "w") as f:
        f.write("-c\n" + "\n".join(keyed) + "\n")
    subprocess.run(["auditctl", "-D"], capture_output=True)
    subprocess.run(["auditctl", "-R", path], capture_output=True)
    a = subprocess.run(["auditctl", "-l", "-i"], capture_output=True,
                       text=True).stdout.splitlines()
    v = subprocess.run([VIGILCTL, "-l", "-i"], capture_output=True,
                       text=True).stdout.splitlines()
    subprocess.run(["auditctl", "-D"], capture_output=True)
    diff = [f"\n  auditctl {x}\n  vigilctl {y}" for x, y in zip(a, v)
            if x != y]
    check(f"{name}: {len(a)} of {len(rules)} rules loaded by auditctl",
          len(a) > 0.9 * len(rules), "")
    check(f"{name}: -l -i == auditctl -l -i ({len(a)} lines)",
          a == v, f"{len(a)} vs {len(v)} lines, {len(diff)} differ" +
          "".join(diff[:25]))


def main():
    if not os.access(VIGILCTL, os.X_OK) or not shutil.which("auditctl") \
            or not shutil.which("ausyscall"):
        return 77
    with kg.KernelGuard():
        tmpdir = tempfile.mkdtemp(prefix="vigil-vi-", dir="/tmp")
        try:
            compare(tmpdir, "kinds", rules_kinds())
            compare(tmpdir, "all", rules_all())
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
