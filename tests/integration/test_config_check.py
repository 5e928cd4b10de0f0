#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_config_check.py BUILD_DIR: `vigild --check` refuses what a start
refuses, with the same message. A table of broken configurations (bad
keys, numbers, booleans, output options, output blocks, drop lines, Lua
files, auditd.conf) goes through `vigild --check -c CONF` and a real
start (`vigild --replay /dev/null -c CONF`): both must exit 6 and print
the same `file:line: message` line. Also: -c DIR is an error; good
configurations pass both; booleans take every spelling. Offline."""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("colon")


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=60)


def msg_lines(stderr, needle):
    """The lines naming the error, without the program's prefix."""
    return sorted(ln.split(": ", 1)[1] for ln in stderr.splitlines()
                  if needle in ln and ": " in ln)


def main():
    vigild = vtest.vigild_path()
    with tempfile.TemporaryDirectory(prefix="vg-check-") as d:
        out = os.path.join(d, "out.json")
        bad_lua = os.path.join(d, "bad.lua")
        with open(bad_lua, "w") as f:
            f.write("-- a filter\nfunction filter(e)\n  return (\nend\n")
        bad_adc = os.path.join(d, "auditd.conf")
        with open(bad_adc, "w") as f:
            f.write("log_file = %s/audit.log\nnum_logs = many\n" % d)
        # (name, vigild.conf text, what the message must name)
        table = [
            ("unknown key", "bogus = 1\n", ":1: unknown key"),
            ("number out of range", "output = json:%s\n"
             "end_of_event_timeout = 0\n" % out, ":2: end_of_event"),
            ("bad boolean", "multicast = maybe\n", ":1: multicast=maybe"),
            ("unknown output", "output = nosuch:x\n", ":1: unknown output"),
            ("unknown output option", "output = json:%s?bogus=1\n" % out,
             "unknown option \"bogus\""),
            ("bad file mode", "output = json:%s?mode=0666\n" % out,
             "mode=0666"),
            ("bad group", "output = json:%s?group=no-such-group-x\n" % out,
             "no such group"),
            ("bad drop_behind", "output = raw:%s?drop_behind=3\n" % out,
             "drop_behind=3"),
            ("unix without path", "output = unix:\n", "expected unix:PATH"),
            ("spool without overflow=spool",
             "output = unix:%s/s.sock?spool=%s/sp\n" % (d, d),
             "needs overflow=spool"),
            ("bad queue", "output = unix:%s/s.sock?queue=0\n" % d,
             "queue=0"),
            ("bad unix boolean", "output = unix:%s/s.sock?hold=perhaps\n"
             % d, "hold=perhaps"),
            ("bad syslog facility", "output = syslog?facility=nope\n",
             "facility=nope"),
            ("syslog udp without port", "output = syslog+udp://127.0.0.1\n",
             "HOST:PORT"),
            ("output block without spec", "output {\n  queue = 5\n}\n",
             "has no \"spec"),
            ("output block not closed", "output {\n spec = json:-\n",
             "not closed"),
            ("bad drop line", "output = json:%s\ndrop = frobnicate\n" % out,
             ":2: "),
            ("bad per-output drop", "output = json:%s?drop=frobnicate\n"
             % out, "frobnicate"),
            ("Lua syntax error", "output = json:%s\nlua_filter = %s\n"
             % (out, bad_lua), bad_lua + ":"),
            ("missing Lua file", "output = json:%s\nlua_filter = %s/no.lua\n"
             % (out, d), "no.lua"),
            ("per-output Lua error", "output = json:%s?lua=%s\n"
             % (out, bad_lua), bad_lua + ":"),
            ("auditd.conf error", "output = json:%s\nauditd_conf = %s\n"
             % (out, bad_adc), bad_adc + ":2:"),
        ]
        for name, text, needle in table:
            conf = os.path.join(d, "vigild.conf")
            with open(conf, "w") as f:
                f.write(text)
            c = run([vigild, "--check", "-c", conf])
            s = run([vigild, "--replay", "/dev/null", "-c", conf])
            cm, sm = msg_lines(c.stderr, needle), msg_lines(s.stderr, needle)
            check(f"{name}: --check and start exit 6, same message",
                  c.returncode == 6 and s.returncode == 6 and cm and
                  cm == sm, f"check {c.returncode} {c.stderr.strip()!r} "
                  f"start {s.returncode} {s.stderr.strip()!r}")
        # the same spec given with -o: named as the command line's
        p = run([vigild, "--replay", "/dev/null", "-o",
                 "json:%s?mode=0666" % out])
        check("-o: a bad option is \"command line: -o SPEC: ...\" (exit 6)",
              p.returncode == 6 and "command line: -o json:" in p.stderr
              and "mode=0666" in p.stderr, p.stderr)
        p = run([vigild, "--replay", "/dev/null", "--batch-delay", "5000"])
        check("a bad number on the command line is a usage error (2)",
              p.returncode == 2 and "--batch-delay 5000" in p.stderr,
              p.stderr)
        p = run([vigild, "--check", "-c", d])
        check("-c DIR: exit 6, said", p.returncode == 6 and
              "a directory" in p.stderr, p.stderr)
        # good configurations pass both
        good = os.path.join(d, "good.conf")
        with open(good, "w") as f:
            f.write("output = json:%s?mode=0640\nmulticast = off\n"
                    "enable = TRUE\noutput {\n spec = unix:%s/g.sock\n"
                    " hold = on\n queue = 5k\n}\n" % (out, d))
        c = run([vigild, "--check", "-c", good])
        s = run([vigild, "--replay", "/dev/null", "-c", good])
        check("a good config passes --check and a start",
              c.returncode == 0 and s.returncode == 0,
              c.stderr + s.stderr)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
