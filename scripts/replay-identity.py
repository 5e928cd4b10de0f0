#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""replay-identity.py BASE_BUILD NEW_BUILD [LOG...]: replays every log of
tests/data/corpus/logs (or the LOGs given) with both builds' vigild to the
auditd formats (raw:, enriched:, auditd: RAW and ENRICHED, syslog+tcp
format=raw and format=enriched, plugins: string and binary) and compares the
outputs byte for byte. DAEMON_* lines (time, serial and pid of the run)
are left out. Plugins get records as they arrive (auditd's dispatcher),
so their order may differ between builds that group differently: their
lines are compared in order and, if that differs, as sorted lists. Prints
one line per difference and a summary; exit 1 if any output differs.
For refactors that must not change a byte (issue 16)."""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(TOP, "tests", "data", "corpus", "logs")
# SIGTERM at close must not cut what cat has read but not yet written
PLUGIN = "#!/bin/sh\ntrap '' TERM\nexec cat >> %s\n"


class TcpSink:
    """Collects every byte sent to a listening TCP socket."""

    def __init__(self):
        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        self.s.listen(4)
        self.port = self.s.getsockname()[1]
        self.data = bytearray()
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while True:
            try:
                c, _ = self.s.accept()
            except OSError:
                return
            while True:
                b = c.recv(65536)
                if not b:
                    break
                self.data += b
            c.close()

    def messages(self):
        """Octet-counted RFC 5424 frames, header (7 words) cut off."""
        out, d, i = [], bytes(self.data), 0
        while i < len(d):
            sp = d.index(b" ", i)
            n = int(d[i:sp])
            frame = d[sp + 1:sp + 1 + n]
            i = sp + 1 + n
            out.append(frame.split(b" ", 7)[-1])
        return out

    def close(self):
        """Waits until every connection ended (vigild has exited: they
        are at their end) and what they sent is in data."""
        try:
            # wakes the accept() that a close() would leave blocked
            self.s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.t.join(timeout=60)
        self.s.close()


def strip_daemon(data):
    return b"".join(l for l in data.splitlines(True)
                    if b"type=DAEMON_" not in l)


def strip_binary(data):
    """Binary plugin frames (16-byte header + 8970 bytes) as lines of
    'type size data', DAEMON_* (1200..1299) left out."""
    out, step = [], 16 + 8970
    for i in range(0, len(data) - step + 1, step):
        ver, hlen, typ, size = struct.unpack("=IIII", data[i:i + 16])
        if 1200 <= typ < 1300:
            continue
        out.append(b"%d %d %d %d " % (ver, hlen, typ, size) +
                   data[i + 16:i + 16 + size] + b"\n")
    if len(data) % step:
        out.append(b"TRAILING %d\n" % (len(data) % step))
    return b"".join(out)


def run(vigild, log, d):
    outs = {}
    os.makedirs(d)
    plugs = []		# (plugins.d, auditd.conf format, plugin outputs)
    for fmt, pfmts in (("RAW", ("string",)), ("ENRICHED", ("string",
                                                           "binary"))):
        pdir = os.path.join(d, "plugins.d-" + fmt)
        os.makedirs(pdir)
        for pf in pfmts:
            out = os.path.join(d, "plugin-%s-%s" % (fmt, pf))
            script = os.path.join(d, "plug-%s-%s.sh" % (fmt, pf))
            with open(script, "w") as f:
                f.write(PLUGIN % out)
            os.chmod(script, 0o750)
            with open(os.path.join(pdir, pf + ".conf"), "w") as f:
                f.write("active = yes\ndirection = out\npath = %s\n"
                        "type = always\nformat = %s\n" % (script, pf))
            plugs.append(out)
        plugs_dir = pdir
        specs_p = "plugins:%s?conf=%s" % (plugs_dir, os.path.join(
            d, "auditd-%s.conf" % fmt))
        plugs.append(specs_p)
    specs = ["raw:" + os.path.join(d, "raw"),
             "enriched:" + os.path.join(d, "enriched")]
    for fmt in ("RAW", "ENRICHED"):
        conf = os.path.join(d, "auditd-%s.conf" % fmt)
        with open(conf, "w") as f:
            f.write("log_file = %s\nlog_format = %s\nflush = none\n"
                    "max_log_file_action = ignore\nname_format = none\n"
                    "q_depth = 99999\n"
                    % (os.path.join(d, "auditd-" + fmt), fmt))
        specs.append("auditd:" + conf)
    specs += [p for p in plugs if p.startswith("plugins:")]
    sinks = {}
    for fmt in ("raw", "enriched"):
        sinks[fmt] = TcpSink()
        specs.append("syslog+tcp://127.0.0.1:%d?format=%s" %
                     (sinks[fmt].port, fmt))
    cmd = [vigild, "--replay", log]
    for s in specs:
        cmd += ["-o", s]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    outs["rc"] = str(p.returncode).encode()
    for name in ("raw", "enriched", "auditd-RAW", "auditd-ENRICHED"):
        with open(os.path.join(d, name), "rb") as f:
            outs[name] = strip_daemon(f.read())
    for out in plugs:
        if out.startswith("plugins:"):
            continue
        name = os.path.basename(out)
        try:
            with open(out, "rb") as f:
                outs[name] = f.read()
        except FileNotFoundError:
            outs[name] = b""
        if name.endswith("string"):
            outs[name] = strip_daemon(outs[name])
        else:
            outs[name] = strip_binary(outs[name])
    for fmt, s in sinks.items():
        s.close()
        outs["syslog-" + fmt] = b"".join(s.messages())
    return outs


def main():
    base, new = sys.argv[1], sys.argv[2]
    logs = sys.argv[3:]
    if not logs:
        for root, _, files in os.walk(CORPUS):
            logs += [os.path.join(root, n) for n in files]
        logs.sort()
    bad = reordered = 0
    with tempfile.TemporaryDirectory(prefix="vg_ident_") as tmp:
        for i, log in enumerate(logs):
            a = run(os.path.join(base, "vigild"), log,
                    os.path.join(tmp, "a%d" % i))
            b = run(os.path.join(new, "vigild"), log,
                    os.path.join(tmp, "b%d" % i))
            rel = os.path.relpath(log, CORPUS)
            for k in a:
                if a[k] == b[k]:
                    continue
                if k.startswith("plugin") and sorted(a[k].splitlines()) == \
                        sorted(b[k].splitlines()):
                    reordered += 1
                    print("REORDERED %s: %s (same lines)" % (rel, k))
                    continue
                bad += 1
                print("DIFF %s: %s (%d vs %d bytes)" % (rel, k, len(a[k]),
                                                       len(b[k])))
    print("%d logs, %d outputs each: %d differ, %d plugin outputs only "
          "reordered" % (len(logs), len(a) - 1, bad, reordered))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
