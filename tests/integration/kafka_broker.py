#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kafka_broker.py: fetch, start and stop a real single-node Apache Kafka
broker (KRaft) for the output tests. The jars come from Maven Central with
`mvn dependency:copy-dependencies` into a cache dir (default
~/.cache/vigil/kafka-VERSION, env VG_KAFKA_CACHE); storage is formatted with
the broker's own tool (kafka.tools.StorageTool); it listens on 127.0.0.1.

  kafka_broker.py fetch                 download the jars (idempotent)
  kafka_broker.py start DIR PORT        format DIR, start, wait until ready;
                                        prints the pid
  kafka_broker.py stop DIR              stop the broker started in DIR

As a module: Broker(dir, port).start() / .stop() / .restart().
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

VERSION = os.environ.get("VG_KAFKA_VERSION", "4.1.1")
CACHE = os.environ.get("VG_KAFKA_CACHE",
                       os.path.expanduser("~/.cache/vigil/kafka-" + VERSION))

POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vigil.test</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>1</version>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>%s</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>%s</version>
    </dependency>
  </dependencies>
</project>
"""


def jar_dir():
    return os.path.join(CACHE, "lib")


def fetch(quiet=True):
    """Returns the jar directory, downloading it first if needed; None if
    the jars cannot be obtained."""
    stamp = os.path.join(CACHE, "ok-tools")
    if os.path.exists(stamp):
        return jar_dir()
    if shutil.which("mvn") is None or shutil.which("java") is None:
        return None
    os.makedirs(CACHE, exist_ok=True)
    with open(os.path.join(CACHE, "pom.xml"), "w") as f:
        f.write(POM % (VERSION, VERSION))
    cmd = ["mvn", "-B", "-f", os.path.join(CACHE, "pom.xml"),
           "dependency:copy-dependencies",
           "-DoutputDirectory=" + jar_dir(), "-DincludeScope=runtime"]
    if quiet:
        cmd.insert(2, "-q")
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        sys.stderr.write(r.stdout.decode(errors="replace")[-3000:])
        return None
    if not any(n.startswith("kafka_2.13-") for n in os.listdir(jar_dir())):
        return None
    open(stamp, "w").close()
    return jar_dir()


def _java(cp, main, args, **kw):
    return ["java", "-Xms128m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true",
            "-cp", cp + "/*", main] + list(args)


class Broker:
    def __init__(self, d, port, ctl_port=None):
        self.dir = d
        self.port = port
        self.ctl_port = ctl_port or port + 1
        self.proc = None
        self.lib = None

    def _write_config(self):
        os.makedirs(self.dir, exist_ok=True)
        cfg = os.path.join(self.dir, "server.properties")
        with open(cfg, "w") as f:
            f.write("""process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:%d
listeners=PLAINTEXT://127.0.0.1:%d,CONTROLLER://127.0.0.1:%d
advertised.listeners=PLAINTEXT://127.0.0.1:%d
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=%s
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
""" % (self.ctl_port, self.port, self.ctl_port, self.port,
                os.path.join(self.dir, "data")))
        return cfg

    def format(self):
        self.lib = fetch()
        if self.lib is None:
            raise RuntimeError("kafka jars not available")
        cfg = self._write_config()
        if os.path.exists(os.path.join(self.dir, "data", "meta.properties")):
            return
        cid = uuid.uuid4().hex[:22]
        r = subprocess.run(_java(self.lib, "kafka.tools.StorageTool",
                                 ["format", "-t", cid, "-c", cfg,
                                  "--standalone"]),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            # older 4.x tools without --standalone
            r = subprocess.run(_java(self.lib, "kafka.tools.StorageTool",
                                     ["format", "-t", cid, "-c", cfg]),
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError("storage format failed: " +
                               r.stdout.decode(errors="replace")[-2000:])

    def start(self, timeout=90):
        if self.lib is None:
            self.format()
        cfg = os.path.join(self.dir, "server.properties")
        log = open(os.path.join(self.dir, "broker.log"), "ab")
        self.proc = subprocess.Popen(_java(self.lib, "kafka.Kafka", [cfg]),
                                     stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        with open(os.path.join(self.dir, "pid"), "w") as f:
            f.write(str(self.proc.pid))
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("broker exited %d, see %s/broker.log" %
                                   (self.proc.returncode, self.dir))
            if self._ready():
                return self.proc.pid
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("broker not ready after %ds" % timeout)

    def _ready(self):
        # a metadata round trip through kcat proves the broker answers
        if shutil.which("kcat"):
            r = subprocess.run(["kcat", "-b", "127.0.0.1:%d" % self.port,
                                "-L", "-m", "2"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            return r.returncode == 0 and b"1 brokers" in r.stdout
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
            return True
        except OSError:
            return False

    def create_topic(self, name, partitions=1):
        """With the broker's own tool (topics are not created on use)."""
        r = subprocess.run(_java(self.lib, "org.apache.kafka.tools.TopicCommand",
                                 ["--bootstrap-server",
                                  "127.0.0.1:%d" % self.port, "--create",
                                  "--topic", name, "--partitions",
                                  str(partitions), "--replication-factor",
                                  "1"]),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise RuntimeError("create topic %s: %s" % (
                name, r.stdout.decode(errors="replace")[-1500:]))

    def stop(self, kill=False):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()


def main(argv):
    if len(argv) >= 2 and argv[1] == "fetch":
        d = fetch(quiet=False)
        print(d or "unavailable")
        return 0 if d else 1
    if len(argv) == 4 and argv[1] == "start":
        b = Broker(argv[2], int(argv[3]))
        print(b.start())
        b.proc = None  # leave it running
        return 0
    if len(argv) == 3 and argv[1] == "stop":
        with open(os.path.join(argv[2], "pid")) as f:
            pid = int(f.read())
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
