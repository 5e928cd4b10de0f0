#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_lua_examples.py: every lua/ example through the daemon.

Runs `vigild --replay LOG --lua lua/X.lua -o json:-` on corpus logs and on
small logs written here, and checks the events that come out against what
the example promises (docs/lua.md). Exits 77 (skip) while vigild has no
--lua option. VG_LUA_VIGILD may name another binary with the same options
(a development driver).
"""
import json
import os
import subprocess
import sys
import tempfile

BUILD = sys.argv[1] if len(sys.argv) > 1 else "build"
SRC = os.environ.get("VG_SRCDIR", os.path.join(os.path.dirname(__file__),
                                               "..", ".."))
CORPUS = os.environ.get("VG_CORPUS") or os.path.join(SRC, "tests", "data",
                                                  "corpus")
VIGILD = os.environ.get("VG_LUA_VIGILD", os.path.join(BUILD, "vigild"))
LUA = os.path.join(SRC, "lua")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("fails")


def replay(logs, lua=None):
    cmd = [VIGILD, "--replay"] + list(logs) + ["-o", "json:-"]
    if lua is not None:
        cmd += ["--lua", os.path.join(LUA, lua)]
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    if p.returncode != 0:
        raise SystemExit("FAIL: %s: exit %d: %s" % (
            " ".join(cmd), p.returncode, p.stderr.decode(errors="replace")))
    return [json.loads(l) for l in p.stdout.decode("utf-8",
            "surrogateescape").splitlines() if l.strip()]


def hexs(s):
    return s.encode().hex().upper()


def exec_event(serial, sec, exe, argv, key="exec", uid=0):
    """SYSCALL + EXECVE + PROCTITLE + EOE of one execve."""
    hdr = "msg=audit(%d.000:%d):" % (sec, serial)
    args = " ".join('a%d=%s' % (i, hexs(a)) for i, a in enumerate(argv))
    return "\n".join([
        "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 "
        "a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=%d auid=4294967295 uid=%d "
        "gid=0 euid=%d suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) "
        "ses=4294967295 comm=\"x\" exe=\"%s\" key=\"%s\""
        % (hdr, 100 + serial, uid, uid, exe, key),
        "type=EXECVE %s argc=%d %s" % (hdr, len(argv), args),
        "type=PROCTITLE %s proctitle=%s" % (hdr, hexs("\0".join(argv))),
        "type=EOE %s" % hdr, ""])


def write_log(d, name, events):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write("".join(events))
    return path


def exe_of(ev):
    return (ev.get("syscall") or {}).get("exe")


def main():
    if not os.access(VIGILD, os.X_OK):
        print("skip: no", VIGILD)
        return 77
    h = subprocess.run([VIGILD, "--help"], capture_output=True)
    if b"--lua" not in h.stdout + h.stderr and \
            "VG_LUA_VIGILD" not in os.environ:
        print("skip: vigild has no --lua yet")
        return 77
    laurel = os.path.join(CORPUS, "logs", "laurel")
    corpus = [os.path.join(laurel, f) for f in (
        "proc-trace-dpkg-l.txt", "record-execve.txt",
        "record-execve-long.txt", "shell-proc-trace.txt",
        "record-syscall-key.txt")]
    base = replay(corpus)
    check("corpus gives events", len(base) > 10)

    with tempfile.TemporaryDirectory() as d:
        # drop_exe: cron and a monitoring agent go, the rest stays
        log = write_log(d, "drop.log", [
            exec_event(1, 1700000000, "/usr/sbin/cron", ["cron", "-f"]),
            exec_event(2, 1700000000, "/usr/bin/id", ["id"]),
            exec_event(3, 1700000000, "/opt/monitoring/agent", ["agent"]),
            exec_event(4, 1700000000, "/usr/bin/ssh", ["ssh", "h"])])
        out = replay([log], "drop_exe.lua")
        check("drop_exe keeps 2 and 4: %r" % [e["serial"] for e in out],
              [e["serial"] for e in out] == [2, 4])
        out = replay(corpus, "drop_exe.lua")
        check("drop_exe drops nothing in corpus", len(out) == len(base))

        # redact: secrets gone from execve and proctitle, others intact
        log = write_log(d, "redact.log", [
            exec_event(1, 1700000000, "/usr/bin/mysql",
                       ["mysql", "-uroot", "-phunter2", "--password=s3cr3t",
                        "db"]),
            exec_event(2, 1700000000, "/usr/bin/curl",
                       ["curl", "-H", "Authorization: Bearer tok3n",
                        "https://u:pw9@example.com/"]),
            exec_event(3, 1700000000, "/usr/bin/ls", ["ls", "-l"])])
        out = replay([log], "redact.lua")
        text = json.dumps(out)
        for secret in ("hunter2", "s3cr3t", "tok3n", "pw9"):
            check("redact: %s still present" % secret, secret not in text)
        check("redact mysql argv: %r" % out[0]["execve"]["argv"],
              out[0]["execve"]["argv"] ==
              ["mysql", "-uroot", "-p[REDACTED]", "--password=[REDACTED]",
               "db"])
        check("redact proctitle",
              out[0]["proctitle"]["argv"] == out[0]["execve"]["argv"])
        check("redact leaves ls", out[2]["execve"]["argv"] == ["ls", "-l"])
        out = replay(corpus, "redact.lua")
        check("redact changes nothing in corpus", out == base)

        # severity: from keys
        log = write_log(d, "sev.log", [
            exec_event(1, 1700000000, "/usr/bin/id", ["id"], key="identity"),
            exec_event(2, 1700000000, "/usr/bin/id", ["id"], key="other")])
        out = replay([log], "severity.lua")
        check("severity identity: %r" % out[0],
              out[0].get("severity") == "high" and
              out[0].get("tags") == ["account", "T1136"])
        check("severity: unknown key untouched",
              "severity" not in out[1] and "tags" not in out[1])

        # rate_limit: 5 per exe per minute
        evs = [exec_event(i, 1700000000 + i, "/usr/bin/id", ["id"])
               for i in range(1, 13)]
        evs += [exec_event(100, 1700000100, "/usr/bin/id", ["id"])]
        out = replay([write_log(d, "rate.log", evs)], "rate_limit.lua")
        check("rate_limit: %r" % [e["serial"] for e in out],
              [e["serial"] for e in out] == [1, 2, 3, 4, 5, 100])
        out = replay(corpus, "rate_limit.lua")
        per = {}
        for e in out:
            if exe_of(e):
                k = (exe_of(e), e["time"][:16])
                per[k] = per.get(k, 0) + 1
        check("rate_limit on corpus", per and max(per.values()) <= 5)
        check("rate_limit never adds", len(out) <= len(base))

        # uid_names: names next to ids
        out = replay([write_log(d, "uid.log", [
            exec_event(1, 1700000000, "/usr/bin/id", ["id"], uid=0)])],
            "uid_names.lua")
        sc = out[0]["syscall"]
        check("uid_names: %r" % sc,
              sc.get("uid_name") == "root" and sc.get("euid_name") == "root"
              and sc.get("auid_name") == "unset")
        out = replay(corpus, "uid_names.lua")
        check("uid_names keeps every event", len(out) == len(base))
    if check.failures:
        print("%d failure(s)" % check.failed)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
