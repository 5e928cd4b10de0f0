#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""outputs.py: what each vigild output costs (issue 7).

`vigild --replay LOG -v -o SPEC [-o SPEC]` over the generated log of
bench/gen-log.py, JSON format everywhere, in these modes (each round runs
every mode once, in an order shuffled per round; vigild CPU = user+sys of
all its threads from wait4()):

  devnull     json:/dev/null (serialization without a file: the floor)
  file        json:FILE in bench/work (the reference of the ratios)
  unix        unix:SOCK?hold=1&overflow=block&client_buffer=256m, one
              client reading all
  syslog-udp  syslog+udp://127.0.0.1:PORT?overflow=block, a UDP sink
  kafka       kafka://127.0.0.1:PORT/TOPIC?overflow=block, a real Apache
              Kafka broker (tests/integration/kafka_broker.py, KRaft, jars
              cached in ~/.cache/vigil); skipped if it cannot start
  file+unix, file+syslog-udp, file+kafka: two outputs at once

Queued outputs use overflow=block (and unix hold=1) so that no event is
dropped: replay then runs at the speed of the slowest sink, and vigild's
CPU still counts only its own work. The sinks are separate processes
(this file's `sink-unix` / `sink-udp` commands) that report what they got
and their own CPU. Every run is checked: every output's `sent` counter
(vigild -v) equals the events of the log, the file has one line per
event, the unix client got every line; UDP datagrams the sink missed are
recorded (UDP has no flow control), not a failure.

Touches no kernel state. Before every timed run it waits while a process
named `ab` runs (bench/ab.sh must not be disturbed, and would disturb us).

usage: outputs.py run [--records N] [--rounds R] [--modes a,b] [--quick]
       outputs.py report         rewrite the outputs section of README.md
One JSON object per run goes to bench/results/outputs-SESSION.jsonl
(bench/work/outputs-quick.jsonl with --quick).
"""
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

import replaybench as rb

sys.path.insert(0, os.path.join(rb.REPO, "tests", "integration"))
WORK = rb.WORK
SINGLE = ["devnull", "file", "unix", "syslog-udp", "kafka"]
DOUBLE = ["file+unix", "file+syslog-udp", "file+kafka"]
MODES = SINGLE + DOUBLE
TOPIC = "vigil-bench"
log = rb.logger("outputs")


def free_port(kind=socket.SOCK_STREAM):
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def self_cpu():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return round(ru.ru_utime + ru.ru_stime, 3)


# --- sinks (run as separate processes) -------------------------------------

def sink_unix(path, timeout=30):
    """Connects to vigild's unix output, reads until EOF, prints a JSON
    summary (lines, bytes, own CPU)."""
    end = time.time() + timeout
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    while True:
        try:
            s.connect(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.time() > end:
                print(json.dumps({"error": "no socket at " + path}))
                return 1
            time.sleep(0.005)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    buf = bytearray(1 << 20)
    mv = memoryview(buf)
    lines = nbytes = 0
    while True:
        n = s.recv_into(mv)
        if n == 0:
            break
        nbytes += n
        lines += buf.count(b"\n", 0, n)
    print(json.dumps({"lines": lines, "bytes": nbytes,
                      "cpu_s": self_cpu()}), flush=True)
    return 0


def sink_udp(port, ready):
    """Counts datagrams on 127.0.0.1:PORT until SIGTERM; prints a JSON
    summary. Writes READY once bound."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 << 20)
    s.bind(("127.0.0.1", port))
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    open(ready, "w").close()
    buf = bytearray(65536)
    n = nbytes = 0
    s.settimeout(0.1)
    while True:
        try:
            k = s.recv_into(buf)
        except socket.timeout:
            if stop:
                break
            continue
        except InterruptedError:
            continue
        n += 1
        nbytes += k
    print(json.dumps({"datagrams": n, "bytes": nbytes, "cpu_s": self_cpu()}),
          flush=True)
    return 0


# --- kafka broker -----------------------------------------------------------

def start_kafka(d):
    """A real broker with small log segments and a short retention check,
    so that millions of benchmark messages do not fill the disk. Returns
    (broker, port) or (None, reason)."""
    try:
        import kafka_broker
    except ImportError as e:
        return None, "kafka_broker.py: %s" % e

    class BenchBroker(kafka_broker.Broker):
        def _write_config(self):
            cfg = super()._write_config()
            with open(cfg, "a") as f:
                f.write("log.segment.bytes=67108864\n"
                        "log.retention.bytes=134217728\n"
                        "log.retention.check.interval.ms=10000\n")
            return cfg

    if kafka_broker.fetch() is None:
        return None, "kafka jars cannot be fetched"
    # fresh storage: a topic left by an earlier session would make
    # create_topic fail, and old messages only take disk space
    shutil.rmtree(d, ignore_errors=True)
    port = free_port()
    b = BenchBroker(d, port, free_port())
    try:
        b.start()
        b.create_topic(TOPIC)
    except RuntimeError as e:
        b.stop()
        return None, " ".join(str(e).split())[-300:]
    return b, port


# --- one run ----------------------------------------------------------------

class Run:
    def __init__(self, cfg, mode, rundir):
        self.cfg = cfg
        self.mode = mode
        self.rundir = rundir
        self.specs = []
        self.sinks = {}
        self.file = None

    def setup(self):
        for part in self.mode.split("+"):
            getattr(self, "setup_" + part.replace("-", "_"))()

    def setup_devnull(self):
        self.specs.append("json:/dev/null")

    def setup_file(self):
        self.file = os.path.join(self.rundir, "out.json")
        if os.path.exists(self.file):
            os.unlink(self.file)
        self.specs.append("json:" + self.file)

    def setup_unix(self):
        sock = os.path.join(self.rundir, "vigil.sock")
        if os.path.exists(sock):
            os.unlink(sock)
        # client_buffer: the worker takes events from the queue whether or
        # not the client keeps up (overflow=block never applies once a
        # client is connected), so with the default 1m a client that starts
        # reading a few ms late is disconnected; see the README notes
        self.specs.append("unix:%s?hold=1&overflow=block&client_buffer=256m"
                          % sock)
        self.sinks["unix"] = subprocess.Popen(
            [sys.executable, __file__, "sink-unix", sock],
            stdout=subprocess.PIPE)

    def setup_syslog_udp(self):
        port = free_port(socket.SOCK_DGRAM)
        ready = os.path.join(self.rundir, "udp.ready")
        if os.path.exists(ready):
            os.unlink(ready)
        self.sinks["udp"] = subprocess.Popen(
            [sys.executable, __file__, "sink-udp", str(port), ready],
            stdout=subprocess.PIPE)
        end = time.time() + 10
        while not os.path.exists(ready):
            if time.time() > end or self.sinks["udp"].poll() is not None:
                raise RuntimeError("UDP sink did not start")
            time.sleep(0.01)
        self.specs.append("syslog+udp://127.0.0.1:%d?overflow=block" % port)

    def setup_kafka(self):
        if self.cfg.kafka_port is None:
            raise SkipMode("no Kafka broker: %s" % self.cfg.kafka_why)
        self.specs.append("kafka://127.0.0.1:%d/%s?overflow=block" % (
            self.cfg.kafka_port, TOPIC))

    def sink_results(self):
        res = {}
        p = self.sinks.get("udp")
        if p is not None:
            time.sleep(0.3)  # let the last datagrams arrive
            p.send_signal(signal.SIGTERM)
        for name, p in self.sinks.items():
            try:
                out, _ = p.communicate(timeout=60)
                res[name] = json.loads(out.decode() or "{}")
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                res[name] = {"error": "sink did not finish"}
        return res

    def cleanup(self):
        for p in self.sinks.values():
            if p.poll() is None:
                p.kill()
                p.wait()
        if self.file and os.path.exists(self.file):
            os.unlink(self.file)


class SkipMode(Exception):
    pass


def file_lines(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                return n
            n += b.count(b"\n")


def check(run, res, info):
    bad = []
    if res["rc"] != 0:
        bad.append("exit %s" % res["rc"])
    for spec in run.specs:
        c = res["counters"].get("final " + spec) or \
            res["counters"].get("output " + spec)
        if c is None:
            bad.append("no counters for %s" % spec)
        elif c.get("sent") != info["events"] or c.get("dropped") or \
                c.get("failed"):
            bad.append("%s: %s" % (spec, c))
    if run.file:
        n = res.get("file_lines")
        if n != info["events"]:
            bad.append("file has %s lines" % n)
    u = res["sinks"].get("unix")
    if u is not None and u.get("lines") != info["events"]:
        bad.append("unix client got %s" % u)
    return bad


def one_run(cfg, ses, rnd, mode, out):
    """Runs mode once and records its result in out; returns the result
    and its problems."""
    run = Run(cfg, mode, ses.rundir)
    info = ses.info
    res = ses.result(rnd, mode)
    try:
        waited = rb.wait_no_ab(log)
        run.setup()
        cmd = [cfg.vigild, "--replay", ses.path, "-v"]
        for s in run.specs:
            cmd += ["-o", s]
        res.update({"cmd": cmd, "specs": run.specs, "ab_wait_s": waited,
                    "loadavg": rb.loadavg1()})
        k0 = broker_cpu(cfg) if "kafka" in mode else None
        t, stderr = rb.timed_replay(cmd, info["events"])
        if k0 is not None:
            k1 = broker_cpu(cfg)
            res["broker_cpu_s"] = round(k1 - k0, 3) if k1 is not None \
                else None
        res.update(t)
        res["sinks"] = run.sink_results()
        if run.file:
            res["file_lines"] = file_lines(run.file)
            res["file_bytes"] = os.path.getsize(run.file)
        u = res["sinks"].get("udp")
        if u and "datagrams" in u:
            res["udp_received"] = round(u["datagrams"] / info["events"], 4)
        res["cpu_per_100k_events"] = round(
            t["cpu_s"] / info["events"] * 1e5, 4)
        bad = check(run, res, info)
        if bad and stderr:
            res["stderr_tail"] = stderr[-2000:]
    except SkipMode as e:
        res["skipped"] = str(e)
        bad = []
    finally:
        run.cleanup()
    ses.record(out, res, bad)
    return res, bad


def broker_cpu(cfg):
    """CPU seconds of the Kafka broker so far; None without one."""
    c = rb.proc_cpu(cfg.kafka_pid) if cfg.kafka_pid else None
    return sum(c) if c is not None else None


def cmd_run(cfg):
    ses = rb.Session(cfg, "outputs", MODES, log)
    broker = None
    cfg.kafka_port = cfg.kafka_pid = None
    cfg.kafka_why = "not requested"
    failures = 0
    try:
        if any("kafka" in m for m in ses.modes):
            log("starting a Kafka broker (tests/integration/kafka_broker.py)")
            broker, port = start_kafka(os.path.join(WORK, "outputs-kafka"))
            if broker is None:
                cfg.kafka_why = port
                log("no Kafka: %s; kafka modes are skipped" % port)
            else:
                cfg.kafka_port, cfg.kafka_pid = port, broker.proc.pid
                ses.meta["kafka"] = "Apache Kafka %s, KRaft, 127.0.0.1:%d" % (
                    os.environ.get("VG_KAFKA_VERSION", "4.1.1"), port)
        ses.announce()
        with open(ses.outpath, "a") as out:
            for rnd, mode in ses.rounds():
                res, bad = one_run(cfg, ses, rnd, mode, out)
                if "skipped" in res:
                    log("[round %d] %-16s skipped: %s" % (
                        rnd, mode, res["skipped"]))
                    continue
                failures += bool(bad)
                log("[round %d] %-16s cpu %.3f s wall %.3f s%s %s" % (
                    rnd, mode, res["cpu_s"], res["wall_s"],
                    " udp %.1f%%" % (res["udp_received"] * 100)
                    if "udp_received" in res else "",
                    "ok" if not bad else "FAILED: " + "; ".join(bad)))
    finally:
        if broker is not None:
            broker.stop()
    if not cfg.quick:
        print(report_text())
    return 1 if failures else 0


# --- report -----------------------------------------------------------------

DESCR = {
    "devnull": "json:/dev/null",
    "file": "json:FILE",
    "unix": "unix (1 reading client)",
    "syslog-udp": "syslog+udp (local UDP sink)",
    "kafka": "kafka (local broker, acks=all)",
    "file+unix": "json:FILE + unix",
    "file+syslog-udp": "json:FILE + syslog+udp",
    "file+kafka": "json:FILE + kafka",
}


def report_text():
    session, allruns = rb.newest_session("outputs")
    if session is None:
        return "No outputs results yet."
    runs = [r for r in allruns if r.get("ok")]
    if not runs:
        return "Session `%s`: no successful runs." % session
    r0 = runs[0]
    by = rb.by_mode(runs)
    base = statistics.median(r["cpu_s"] for r in by["file"]) \
        if "file" in by else None
    basew = statistics.median(r["wall_s"] for r in by["file"]) \
        if "file" in by else None
    loads = [r["loadavg"] for r in runs]
    lines = [
        "Session `%s`: host `%s`, commit `%s`, %s log of %d records / %d "
        "events (bench/gen-log.py), JSON format, %d runs%s; 1-min load "
        "average before a run %.2f–%.2f." % (
            session, r0["host"], r0["commit"], r0["format"].upper(),
            r0["records"], r0["events"], len(runs),
            ("; " + r0["kafka"]) if r0.get("kafka") else "",
            min(loads), max(loads)),
        "",
        "| output(s) | runs | vigild CPU s (spread) | wall s | events/s "
        "(CPU) | throughput × file (CPU) | × file (wall) | CPU s / 100k "
        "events | sink CPU s | delivered |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        if mode not in by:
            skipped = [r for r in allruns if r["mode"] == mode
                       and "skipped" in r]
            if skipped:
                lines.append("| %s | 0 | skipped: %s | | | | | | | |" % (
                    DESCR[mode], skipped[0]["skipped"].replace("|", "/")))
            continue
        rs = by[mode]
        cpu = statistics.median(r["cpu_s"] for r in rs)
        wall = statistics.median(r["wall_s"] for r in rs)
        sink = []
        for r in rs:
            s = sum(v.get("cpu_s", 0) for v in r.get("sinks", {}).values())
            s += r.get("broker_cpu_s") or 0
            sink.append(s)
        if "udp_received" in rs[0]:
            deliv = "UDP %.1f%% (min %.1f%%)" % (
                statistics.median(r["udp_received"] for r in rs) * 100,
                min(r["udp_received"] for r in rs) * 100)
        else:
            deliv = "100%"
        lines.append(
            "| %s | %d | %.3f (±%.0f%%) | %.3f | %s | %s | %s | %.3f | %s | "
            "%s |" % (
                DESCR[mode], len(rs), cpu,
                rb.spread([r["cpu_s"] for r in rs]), wall,
                "{:,}".format(round(r0["events"] / cpu)),
                "%.2f×" % (base / cpu) if base else "–",
                "%.2f×" % (basew / wall) if basew else "–",
                cpu / r0["events"] * 1e5,
                "%.2f" % statistics.median(sink) if any(sink) else "–",
                deliv))
    failed = [r for r in allruns if not r.get("ok") and "skipped" not in r]
    lines += [
        "",
        "*× file*: median throughput of the mode over that of `json:FILE` "
        "(CPU: vigild user+sys of all threads from wait4; wall: replay "
        "start to exit, including the drain of queued outputs). *sink CPU*: "
        "the reading client, the UDP sink or the Kafka broker during the "
        "run. Queued outputs ran with `overflow=block`, so no event was "
        "dropped; *delivered* for UDP is what the sink received.",
    ]
    if failed:
        lines.append("%d runs failed their checks and are left out "
                     "(see the JSON lines)." % len(failed))
    return "\n".join(lines) + "\n"


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "sink-unix":
        return sink_unix(sys.argv[2])
    if len(sys.argv) >= 4 and sys.argv[1] == "sink-udp":
        return sink_udp(int(sys.argv[2]), sys.argv[3])
    return rb.main("outputs", __doc__, MODES, 5, cmd_run, report_text)


if __name__ == "__main__":
    sys.exit(main())
