#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_out_kafka.py: the kafka:// output against a real Apache Kafka
broker (KRaft, single node on 127.0.0.1, jars from Maven Central, see
kafka_broker.py), consumed with kcat. Checks delivery, order, keys and
delivery-report counters; librdkafka options passed through; a missing
topic and bad specs refused at start; the broker stopped while vigild
sends (events spooled) and restarted: every event exactly once, in order;
events spooled while the broker is down delivered after a vigild restart;
a replay of the whole corpus (twice) with default options delivers every
event (a replay blocks instead of dropping). Only if the broker cannot be obtained does it fall back to librdkafka's
mock cluster, and says so loudly."""
import collections
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import out_common as c  # noqa: E402
import kafka_broker  # noqa: E402


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def consume(port, topic, n, timeout=60, fmt="%k\\t%s\\n"):
    """(key, value) of the first n messages of topic (or fewer); values
    must be one line (fmt %S gives the size instead)."""
    end = time.time() + timeout
    got = []
    while time.time() < end:
        p = subprocess.run(["kcat", "-C", "-b", "127.0.0.1:%d" % port, "-t",
                            topic, "-o", "beginning", "-e", "-q", "-f",
                            fmt], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        got = [tuple(x.split("\t", 1)) for x in
               p.stdout.decode(errors="replace").splitlines()]
        if len(got) >= n:
            return got
        time.sleep(0.5)
    return got


def check_once_in_order(name, got, n):
    keys = [k for k, _ in got]
    want = [str(i) for i in range(1, n + 1)]
    if keys != want:
        missing = sorted(set(want) - set(keys), key=int)
        c.fail("%s: %d messages, %d missing (first %r), %d duplicates" %
               (name, len(keys), len(missing), missing[:10],
                len(keys) - len(set(keys))))


def run(outputs, text):
    v = c.Vigild(outputs)
    v.feed(text)
    rc, err = v.finish(timeout=120)
    if rc != 0:
        c.fail("vigild %r exit %d: %s" % (outputs, rc, err[-2000:]))
    return err


def test_basic(b):
    spec = "kafka://127.0.0.1:%d/vg-basic?rdkafka.linger.ms=5" % b.port
    err = run([spec], c.synth_events(1, 2000))
    k = c.final_counters(err, spec)
    if k["sent"] != 2000 or k["failed"] or k["dropped"] or k["queued"]:
        c.fail("basic counters %r" % k)
    got = consume(b.port, "vg-basic", 2000)
    check_once_in_order("basic", got, 2000)
    if '"serial":1,' not in got[0][1]:
        c.fail("basic: value %r" % got[0][1][:200])
    print("ok basic: 2000 events, key = serial, in order; sent counted "
          "from delivery reports")


def test_key_field(b):
    spec = "kafka://127.0.0.1:%d/vg-key?key=syscall.exe&format=raw" % b.port
    run([spec], c.synth_events(1, 10))
    got = consume(b.port, "vg-key", 10, fmt="%k\\t%S\\n")
    if len(got) != 10 or set(k for k, _ in got) != {"/bin/ls"}:
        c.fail("key field: %r" % got[:3])
    # a message is the event's RAW lines: SYSCALL then EOE
    p = subprocess.run(["kcat", "-C", "-b", "127.0.0.1:%d" % b.port, "-t",
                        "vg-key", "-o", "beginning", "-e", "-q", "-c", "1",
                        "-f", "%s"], stdout=subprocess.PIPE, timeout=60)
    lines = p.stdout.decode().splitlines()
    if len(lines) != 2 or not lines[0].startswith(
            "type=SYSCALL msg=audit(1700000000.001:1): ") or \
            not lines[1].startswith("type=EOE msg=audit(1700000000.001:1)"):
        c.fail("format=raw: %r" % lines)
    print("ok key=syscall.exe, format=raw")


def test_bad(b):
    cases = [
        ("kafka://127.0.0.1:%d/no-such-topic" % b.port,
         "topic no-such-topic does not exist"),
        ("kafka://127.0.0.1:%d/vg-basic?rdkafka.no.such.option=1" % b.port,
         "no.such.option"),
        ("kafka://127.0.0.1:%d/vg-basic?inflight=0" % b.port, "inflight=0"),
        ("kafka://", "expected kafka://"),
        ("kafka://127.0.0.1:9092", "expected kafka://"),
        ("kafka://127.0.0.1:99999/t", "PORT 1..65535"),
        ("kafka://no-such-host.invalid:9092/t", "no-such-host.invalid"),
    ]
    for spec, msg in cases:
        p = subprocess.run([c.vigild_path(), "--replay", "/dev/null", "-o",
                            spec], stderr=subprocess.PIPE, timeout=60)
        e = p.stderr.decode(errors="replace")
        if p.returncode == 0 or msg not in e:
            c.fail("spec %r: rc %d %r" % (spec, p.returncode, e[-1000:]))
    print("ok bad input: %d specs refused at start" % len(cases))


def test_broker_restart(b, d):
    spool = os.path.join(d, "fault.spool")
    spec = ("kafka://127.0.0.1:%d/vg-fault?queue=50&overflow=spool&"
            "spool=%s&inflight=20&drain_ms=30000" % (b.port, spool))
    v = c.Vigild([spec])
    v.feed(c.synth_events(1, 300))
    if len(consume(b.port, "vg-fault", 300)) < 300:
        v.kill()
        c.fail("fault: first 300 not delivered")
    b.stop()
    v.feed(c.synth_events(301, 500))     # broker down: spooled
    time.sleep(3)
    b.start()
    v.feed(c.synth_events(801, 200))
    got = consume(b.port, "vg-fault", 1000, timeout=120)
    rc, err = v.finish(timeout=120)
    k = c.final_counters(err, spec)
    check_once_in_order("broker restart", got, 1000)
    if k["sent"] != 1000 or k["dropped"] or k["spooled"] < 400:
        c.fail("broker restart counters %r" % k)
    print("ok broker restart: broker down for 500 events, %d events went "
          "through the spool; all 1000 arrived exactly once, in order" %
          k["spooled"])


def test_spool_across_restart(b, d):
    spool = os.path.join(d, "down.spool")
    spec = ("kafka://127.0.0.1:%d/vg-down?queue=10&overflow=spool&spool=%s&"
            "inflight=5&drain_ms=1000" % (b.port, spool))
    b.stop()
    err = run([spec], c.synth_events(1, 100))
    k = c.final_counters(err, spec)
    if k["queued"] != 100 or k["dropped"] or k["sent"]:
        c.fail("broker down at start: %r" % k)
    if "retrying in the background" not in err:
        c.fail("unreachable brokers not logged: %s" % err[-1000:])
    b.start()
    err = run([spec], c.synth_events(101, 10))
    k = c.final_counters(err, spec)
    got = consume(b.port, "vg-down", 110)
    check_once_in_order("spool across restart", got, 110)
    if k["sent"] != 110 or k["queued"]:
        c.fail("after restart: %r" % k)
    print("ok spool across restart: 100 events kept while the broker was "
          "down, delivered with 10 more by the next vigild")


def test_replay_corpus(b, d):
    """Issue 14: vigild --replay big.log -o kafka://... delivered 20000 of
    41371 events to a healthy broker, exited 0 and logged "1 events
    dropped" (queue 10000 + inflight 10000, the rest dropped_oldest). Now
    a replay blocks: every event of the corpus, replayed twice (about 46k
    events), is in the topic once per replay, and the JSON file output of
    the same run has the same lines."""
    corpus = os.environ.get("VG_CORPUS") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "data", "corpus")
    logs = sorted(glob.glob(os.path.join(corpus, "logs", "**", "*"),
                            recursive=True))
    logs = [x for x in logs if os.path.isfile(x)]
    if not logs:
        c.fail("no corpus logs under %s" % corpus)
    fj = os.path.join(d, "replay.json")
    spec = "kafka://127.0.0.1:%d/vg-replay" % b.port
    t0 = time.time()
    p = subprocess.run([c.vigild_path(), "-v", "--replay"] + logs + logs +
                       ["-o", spec, "-o", "json:" + fj],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=600)
    took = time.time() - t0
    err = p.stderr.decode(errors="replace")
    with open(fj) as f:
        want = collections.Counter(f.read().splitlines())
    n = sum(want.values())
    k = c.final_counters(err, spec)
    if p.returncode != 0 or k["sent"] != n or k["dropped"] or k["failed"]:
        c.fail("replay corpus: rc %d, %d events, counters %r: %s" %
               (p.returncode, n, k, err[-1500:]))
    got = collections.Counter(v for _, v in consume(b.port, "vg-replay", n,
                                                    timeout=180))
    if got != want:
        c.fail("replay corpus: topic has %d messages, want %d; %d lines "
               "missing" % (sum(got.values()), n,
                            sum((want - got).values())))
    print("ok replay corpus: %d events (%d logs, twice) all in the topic "
          "with defaults, %.1fs" % (n, len(logs), took))


def mock_fallback(why):
    bar = "!" * 72
    print(bar)
    print("!!! FALLBACK: the real Kafka broker could not be obtained (%s)" %
          why)
    print("!!! testing against librdkafka's MOCK cluster instead")
    print(bar)
    spec = ("kafka://127.0.0.1:9/vg-mock?rdkafka.test.mock.num.brokers=1&"
            "drain_ms=20000")
    err = run([spec], c.synth_events(1, 500))
    k = c.final_counters(err, spec)
    if k["sent"] != 500:
        c.fail("mock cluster: %r" % k)
    print("ok mock cluster: 500 delivery reports")
    print("1 passed, 0 failed")


def main():
    c.vigild_path()
    p = subprocess.run([c.vigild_path(), "--replay", "/dev/null", "-o",
                        "kafka://127.0.0.1:9/x"], stderr=subprocess.PIPE)
    if b"unknown output" in p.stderr:
        c.skip("vigild built without librdkafka")
    if shutil.which("kcat") is None:
        c.skip("kcat not installed")
    with tempfile.TemporaryDirectory(prefix="vg_kafka_") as d:
        port = free_port()
        b = kafka_broker.Broker(os.path.join(d, "broker"), port,
                                free_port())
        try:
            b.start(timeout=120)
        except Exception as e:      # noqa: BLE001
            b.stop(kill=True)
            return mock_fallback(str(e)[-300:])
        try:
            for t in ("vg-basic", "vg-key", "vg-fault", "vg-down",
                      "vg-replay"):
                b.create_topic(t)
            test_basic(b)
            test_key_field(b)
            test_bad(b)
            test_broker_restart(b, d)
            test_spool_across_restart(b, d)
            test_replay_corpus(b, d)
        finally:
            b.stop()
    print("6 passed, 0 failed")


if __name__ == "__main__":
    main()
