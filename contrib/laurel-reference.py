#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""contrib/laurel-reference.py [LAUREL [CONFIG]]: run the real laurel on
its own sample logs (tests/data/corpus/logs/laurel/*.txt) and record what
it writes in tests/data/laurel/NAME.jsonl, the reference that
tests/integration/test_laurel_fields.py compares vigil's context with.

laurel runs as its README installs it (the config it ships, etc/laurel/
config.toml), with only its log directory moved and no `user` (it would
drop to _laurel): each sample on its own, from a blank state, in a
private pid namespace (unshare --pid --mount-proc) so that the processes
of the machine generating the reference do not leak into its process
table. Lines starting with '#' and blank lines are left out, as laurel's
own tests feed them. Needs root (unshare) and laurel: `apt-get install
libacl1-dev && cargo install laurel --version 0.8.2`; by default the
binary on PATH, /usr/local/sbin or ~/.cargo/bin and the config from
cargo's registry (bench/vbench.py find_laurel)."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..")
LOGS = os.path.join(SRC, "tests", "data", "corpus", "logs", "laurel")
OUT = os.path.join(SRC, "tests", "data", "laurel")
sys.path.insert(0, os.path.join(SRC, "bench"))


def laurel_version(exe):
    p = subprocess.run([exe, "--version"], capture_output=True, text=True)
    return (p.stdout + p.stderr).strip().splitlines()[0]


def run_one(exe, shipped, log, tmp):
    d = os.path.join(tmp, "out")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with open(shipped) as f:
        text = f.read()
    text = re.sub(r'(?m)^directory = .*$', 'directory = "%s"' % d, text)
    text = re.sub(r'(?m)^user = .*$', '', text)
    conf = os.path.join(tmp, "config.toml")
    with open(conf, "w") as f:
        f.write(text)
    with open(log, errors="surrogateescape") as f:
        feed = "".join(line for line in f
                       if line.strip() and not line.startswith("#"))
    subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", exe,
                    "--config", conf], input=feed.encode(
                        errors="surrogateescape"),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    with open(os.path.join(d, "audit.log"), "rb") as f:
        return f.read()


def main(argv):
    if argv:
        exe, shipped = argv[0], argv[1] if len(argv) > 1 else None
    else:
        from vbench import find_laurel
        found = find_laurel()
        if found is None:
            print("no laurel: apt-get install libacl1-dev && cargo install "
                  "laurel --version 0.8.2", file=sys.stderr)
            return 1
        exe, shipped = found
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for log in sorted(glob.glob(os.path.join(LOGS, "*.txt"))):
            name = os.path.basename(log)[:-4]
            with open(os.path.join(OUT, name + ".jsonl"), "wb") as f:
                f.write(run_one(exe, shipped, log, tmp))
    with open(os.path.join(OUT, "VERSION"), "w") as f:
        f.write(laurel_version(exe) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
