#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_metrics_prometheus.py BUILD_DIR: vigild's metrics endpoint
(issue 18) scraped by a real Prometheus (Debian's package) on 127.0.0.1
every second. Through Prometheus's HTTP API: vigil_events_total grows by
exactly the events a known workload made, vigil_key_events_total counts
its key, vigil_output_up of a unix output drops to 0 when its only reader
is killed. promtool checks a scrape and contrib/prometheus/*.rules.yml.
A non-loopback name is refused. Needs root, kernel audit, prometheus
(exit 77 otherwise)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")
KEY = "prom18"
N = 40
SRC = os.environ.get("VG_SRCDIR") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def get(url, timeout=3):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode()


def query(prom, q):
    """The value of an instant query with one series, else None."""
    try:
        j = json.loads(get(f"http://127.0.0.1:{prom}/api/v1/query?" +
                           urllib.parse.urlencode({"query": q})))
    except (OSError, ValueError):
        return None
    res = j.get("data", {}).get("result", [])
    return float(res[0]["value"][1]) if len(res) == 1 else None


def workload():
    sh = subprocess.Popen(["/bin/sh", "-c", "read x; i=0; while [ $i -lt "
                           f"{N} ]; do /bin/true; i=$((i+1)); done"],
                          stdin=subprocess.PIPE)
    kernel_guard.auditctl("-a", "always,exit", "-F", "arch=b64", "-S",
                          "execve", "-F", f"ppid={sh.pid}", "-k", KEY)
    return sh


def main():
    vigild = vtest.vigild_path()
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        vtest.skip("prometheus/promtool not installed (scripts/setup.sh)")
    r = subprocess.run([vigild, "--check", "-c", "/dev/stdin"],
                       input="metrics = http://example.org:9/metrics\n",
                       capture_output=True, text=True)
    check("a host name in metrics is refused by --check",
          r.returncode != 0 and "literal" in r.stderr, r.stderr)
    rules = os.path.join(SRC, "contrib", "prometheus",
                         "vigil.rules.yml")
    r = subprocess.run(["promtool", "check", "rules", rules],
                       capture_output=True, text=True)
    check("promtool check rules contrib/prometheus/vigil.rules.yml",
          r.returncode == 0, r.stdout + r.stderr)
    mport, pport = free_port(), free_port()
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg-prom-") as tmp:
        usock = os.path.join(tmp, "out.sock")
        conf = os.path.join(tmp, "vigild.conf")
        with open(conf, "w") as f:
            f.write(f"control = none\nstate_file = none\n"
                    f"metrics = http://127.0.0.1:{mport}/metrics\n"
                    f"output = json:{tmp}/out.json\n"
                    f"output = unix:{usock}\n")
        p, ok = g.spawn_daemon([vigild, "-f", "-c", conf],
                               stderr=subprocess.PIPE)
        check("vigild starts with a metrics endpoint", ok)
        if not ok:
            print(p.stderr.read().decode(errors="replace"))
            return check.summary()
        reader = g.spawn(["/usr/bin/python3", "-c",
                          "import socket,sys\n"
                          "s=socket.socket(socket.AF_UNIX)\n"
                          f"s.connect({usock!r})\n"
                          "while s.recv(65536): pass\n"])
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 1s\n"
                    "  evaluation_interval: 1s\n"
                    "scrape_configs:\n  - job_name: vigil\n"
                    "    static_configs:\n"
                    f"      - targets: ['127.0.0.1:{mport}']\n")
        prom = g.spawn(["prometheus",
                        f"--config.file={tmp}/prometheus.yml",
                        f"--storage.tsdb.path={tmp}/tsdb",
                        f"--web.listen-address=127.0.0.1:{pport}",
                        "--log.level=warn"],
                       stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        up = wait_for(lambda: query(pport, 'up{job="vigil"}') == 1, 30,
                      0.5)
        check("prometheus scrapes vigild", up)
        sh = workload()
        time.sleep(2.5)     # the rule's CONFIG_CHANGE is in, scraped
        before = wait_for(lambda: query(pport, "vigil_events_total"), 5)
        sh.communicate(b"go\n", timeout=30)
        after = wait_for(lambda: (lambda v: v if v is not None and
                                  before is not None and
                                  v >= before + N else None)(
            query(pport, "vigil_events_total")), 15, 0.5)
        time.sleep(2.5)     # nothing more may come
        after = query(pport, "vigil_events_total")
        check("vigil_events_total grew by exactly the workload's events",
              before is not None and after is not None and
              after - before == N, f"{before} -> {after}")
        text = wait_for(lambda: (lambda t: t if 'kind="unix"} 1' in t
                                 else None)(get(f"http://127.0.0.1:{mport}"
                                                "/metrics")), 5)
        check("unix output up while its reader is connected",
              bool(text) and wait_for(lambda: query(
                  pport, 'vigil_output_up{kind="unix"}') == 1, 5, 0.5))
        with open(os.path.join(tmp, "scrape.prom"), "w") as f:
            f.write(text or "")
        r = subprocess.run(["promtool", "check", "metrics"],
                           input=text or "", capture_output=True,
                           text=True)
        check("promtool check metrics: no problems",
              bool(text) and r.returncode == 0 and not r.stdout.strip() and
              not r.stderr.strip(), r.stdout + r.stderr)
        try:
            get(f"http://127.0.0.1:{mport}/other")
            nf = False
        except urllib.error.HTTPError as e:
            nf = e.code == 404
        check("other paths: 404", nf)

        k = query(pport, f'vigil_key_events_total{{key="{KEY}"}}')
        check("vigil_key_events_total counts the key", k == N, str(k))
        kernel_guard.auditctl("-D")

        reader.kill()
        reader.wait()
        down = wait_for(lambda: query(
            pport, 'vigil_output_up{kind="unix"}') == 0, 10, 0.5)
        check("killed reader: vigil_output_up{kind=\"unix\"} is 0", down,
              str(query(pport, 'vigil_output_up{kind="unix"}')))
        g.stop(prom)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
