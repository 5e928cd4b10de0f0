#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_replay_progress.py: `vigild --replay` shows its progress on
stderr when stderr is a terminal (a pty here), with --progress also when
it is not, never with --no-progress; the final line's counters are the
replay's (issue 18, docs/operating.md "Replay progress"). Offline.
$1 = build dir; exit 77 if vigild is not built."""
import os
import pty
import re
import select
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks("colon")
TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DONE = re.compile(r"replay: done: ([\d.]+) MB in [\d.]+ s, (\d+) records "
                  r"\(\d+/s\), (\d+) events, (\d+) parse errors, (\d+) "
                  r"dropped by filters")
TICK = re.compile(r"replay: [\d.]+ MB / ([\d.]+) MB \(\d+%\), \d+ records/s, "
                  r"\d+ events")


def with_pty(argv):
    """Runs argv with stderr on a pty; returns (rc, what it wrote)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        r, _, _ = select.select([master], [], [], 60)
        if not r:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:     # EIO: the child closed the pty
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(timeout=60), out.decode(errors="replace")


def main():
    vigild = vtest.vigild_path()
    with tempfile.TemporaryDirectory(prefix="vg-progress-") as tmp:
        log = os.path.join(tmp, "a.log")
        subprocess.run([sys.executable, os.path.join(TOP, "bench",
                        "gen-log.py"), "--records", "200000", "-o", log],
                       check=True, stdout=subprocess.DEVNULL)
        js = os.path.join(tmp, "o.json")
        base = [vigild, "--replay", log, "-o", "json:" + js]
        with open(js, "w"):
            pass

        rc, err = with_pty(base)
        events = sum(1 for _ in open(js))
        m = DONE.search(err)
        check("terminal: exit 0", rc == 0, err[-300:])
        check("terminal: final line", m is not None, repr(err[-400:]))
        check("terminal: its events are those written",
              m is not None and int(m.group(3)) == events,
              f"{m and m.group(3)} != {events}")
        size = os.path.getsize(log) / 1e6
        check("terminal: bytes read are the file's",
              m is not None and abs(float(m.group(1)) - size) < 0.1,
              f"{m and m.group(1)} vs {size:.1f}")
        t = TICK.search(err)
        check("terminal: a progress line with the total",
              t is not None and abs(float(t.group(1)) - size) < 0.1,
              repr(err[:300]))
        check("terminal: redrawn in place", "\r" in err and "\x1b[K" in err,
              repr(err[:200]))

        rc, err = with_pty(base + ["--no-progress"])
        check("--no-progress on a terminal: nothing",
              rc == 0 and "replay:" not in err, repr(err[-300:]))

        p = subprocess.run(base, capture_output=True, text=True)
        check("not a terminal: nothing by default",
              p.returncode == 0 and "replay:" not in p.stderr,
              p.stderr[-300:])

        p = subprocess.run(base + ["--progress"], capture_output=True,
                           text=True)
        m = DONE.search(p.stderr)
        check("--progress to a pipe: lines, no terminal codes",
              p.returncode == 0 and m is not None and
              "\r" not in p.stderr and "\x1b" not in p.stderr,
              repr(p.stderr[-300:]))
        check("--progress: records counted",
              m is not None and int(m.group(2)) > 200000, repr(m))

        p = subprocess.run([vigild, "--replay", "-", "--progress", "-o",
                            "json:" + js], stdin=open(log, "rb"),
                           capture_output=True, text=True)
        check("stdin: no total, final line",
              p.returncode == 0 and DONE.search(p.stderr) is not None and
              TICK.search(p.stderr) is None, repr(p.stderr[-300:]))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
