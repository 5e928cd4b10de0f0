#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""vbench.py: the vigil benchmark driver (bench/ab.sh and bench/replay.sh).

ab:     Apache bench against a private nginx on 127.0.0.1 while the kernel
        audits socket syscalls; compares no audit, rules without a daemon
        (the kernel ceiling), auditd RAW/ENRICHED and vigild modes. Changes
        kernel audit state: takes /tmp/vigil-kernel.lock per run, checks that
        audit is idle first (enabled 0, no rules, pid 0) and restores it in a
        finally block and on SIGINT/SIGTERM/SIGHUP. Never sets enabled=2.
replay: vigild --replay throughput on a generated log beside ausearch and a
        libauparse walker. Touches no kernel state.

One JSON line per run goes to bench/results/<session>.jsonl (full runs) or
bench/work/quick.jsonl (--quick); bench/report.py makes the README table.
"""
import argparse
import fcntl
import glob
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
RESULTS = os.path.join(HERE, "results")
LOCK = "/tmp/vigil-kernel.lock"
sys.path.insert(0, HERE)
from replaybench import (gen_log, git_head, proc_counts,  # noqa: E402
                         proc_cpu, run_timed)
CLK = os.sysconf("SC_CLK_TCK")
SKIP = 77

# mode -> how it runs. "daemon": None, "auditd" or "vigild".
MODES = {
    "off":             {"daemon": None, "rules": False},
    "rules":           {"daemon": None, "rules": True},
    "auditd-raw":      {"daemon": "auditd", "format": "RAW"},
    "auditd-enriched": {"daemon": "auditd", "format": "ENRICHED"},
    # issue 21: the peer people put behind auditd for context, laurel
    # 0.8.x (crates.io) as auditd's plugin with its shipped config; the
    # daemon CPU is auditd's and laurel's (find_laurel says where from)
    "auditd-laurel":   {"daemon": "auditd", "format": "RAW",
                        "plugin": "laurel"},
    "vigild-json":     {"daemon": "vigild", "out": "json"},
    # the same without the process context (context = no): what the
    # "host" and "context" members cost (issue 21)
    "vigild-json-noctx": {"daemon": "vigild", "out": "json",
                          "conf": "context = no\n"},
    # context configured like laurel's shipped config (auditd-laurel): its
    # execve-env variables and its [label-process] rules as label lines
    "vigild-json-laurelcfg": {
        "daemon": "vigild", "out": "json",
        "conf": "context_env = LD_PRELOAD LD_LIBRARY_PATH\n"
                "label = software_mgmt key=software_mgmt\n"
                "label = java exe=/opt/*/bin/java\n"
                "label = java exe=/usr/lib/jvm/*/bin/java\n"
                "label = weblogic argv=*java * -Dweblogic*\n"},
    # context with one parent instead of four (context_depth = 1)
    "vigild-json-ctx1": {"daemon": "vigild", "out": "json",
                         "conf": "context_depth = 1\n"},
    # the same through the document tree (VIGIL_JSON_TREE=1): what the
    # direct JSON writer saves
    "vigild-json-tree": {"daemon": "vigild", "out": "json",
                         "env": {"VIGIL_JSON_TREE": "1"}},
    # issue 18: without the tallies of vigilctl top (VIGIL_TOP=0)
    "vigild-json-notop": {"daemon": "vigild", "out": "json",
                          "env": {"VIGIL_TOP": "0"}},
    "vigild-raw":      {"daemon": "vigild", "out": "raw"},
    "vigild-lua":      {"daemon": "vigild", "out": "json", "lua": True},
    # issue 17: a Lua filter that reads nothing (return 0): the cost of
    # the call itself, the floor under any filter
    "vigild-lua-ret0": {"daemon": "vigild", "out": "json",
                        "lua": "filter-return0.lua"},
    # issue 17: a Lua filter that drops nginx's events by exe
    "vigild-lua-drop": {"daemon": "vigild", "out": "json",
                        "lua": "filter-drop-nginx.lua"},
    # issue 17: a Lua filter that drops 90% of the events by exe
    "vigild-lua-drop90": {"daemon": "vigild", "out": "json",
                          "lua": "filter-drop90-ab.lua"},
    # issue 17: a Lua filter that writes one member of every event's
    # SYSCALL record (syscall.exe = "x") and returns the event
    "vigild-lua-write1": {"daemon": "vigild", "out": "json",
                          "lua": "filter-write1.lua"},
    "vigild-discard":  {"daemon": "vigild", "out": None, "discard": True},
    # issue 17: nginx (the noisy program) dropped by a prefilter line
    # (drop = syscall.exe=NGINX), in userspace or pushed into the kernel
    "vigild-drop-nginx": {"daemon": "vigild", "out": "json",
                          "drop_exe": "nginx"},
    "vigild-pushdown-nginx": {"daemon": "vigild", "out": "json",
                              "drop_exe": "nginx", "pushdown": True},
    # the page-cache drop-behind window of the output (default 8m), to
    # find the window that costs least (not in the defaults)
    "vigild-json-db2m": {"daemon": "vigild", "out": "json",
                         "outopts": "drop_behind=2m"},
    "vigild-json-db32m": {"daemon": "vigild", "out": "json",
                          "outopts": "drop_behind=32m"},
    "vigild-json-db0": {"daemon": "vigild", "out": "json",
                        "outopts": "drop_behind=0"},
    # JSON made and written to /dev/null: vigild's work without the page
    # cache copy of the output (compare with floor; not in the defaults)
    "vigild-json-null": {"daemon": "vigild", "out": "json", "null": True},
    # bench/floor.c: minimal receiver (recvmmsg x64, 3 bytes per event)
    "floor":           {"daemon": "floor", "delay": 2},
    "floor-nodelay":   {"daemon": "floor", "delay": 0},
    # the same writing every record as a RAW line (-w): receive and keep,
    # about the bytes vigild and auditd write, no parsing
    "floor-write":     {"daemon": "floor", "delay": 2, "write": True},
}
DEFAULT_MODES = [m for m in MODES if m not in ("floor-nodelay",
                                              "auditd-laurel",
                                              "vigild-lua-drop",
                                              "vigild-lua-drop90",
                                              "vigild-lua-write1",
                                              "vigild-lua-ret0",
                                              "vigild-json-notop",
                                              "vigild-json-laurelcfg",
                                              "vigild-json-tree",
                                              "vigild-json-null",
                                              "vigild-json-noctx",
                                              "vigild-json-ctx1",
                                              "vigild-json-db2m",
                                              "vigild-json-db32m",
                                              "vigild-json-db0",
                                              "vigild-drop-nginx",
                                              "vigild-pushdown-nginx")]
DAEMON_MODES = [m for m, d in MODES.items() if d["daemon"]]


class Skip(Exception):
    """The run (or the whole benchmark) cannot happen here; not a failure."""


class KernelBusy(Skip):
    """Kernel audit is in use by someone else: stop the whole benchmark."""


class Interrupted(Exception):
    pass


def log(msg):
    print("vbench: " + msg, file=sys.stderr, flush=True)


CATCH = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)


def on_signal(signum, _frame):
    raise Interrupted("signal %d" % signum)


# --- kernel audit state -----------------------------------------------------

NETLINK_AUDIT = 9
AUDIT_GET = 1000
NLMSG_ERROR = 2
STATUS_FIELDS = ("mask", "enabled", "failure", "pid", "rate_limit",
                 "backlog_limit", "lost", "backlog", "feature_bitmap",
                 "backlog_wait_time", "backlog_wait_time_actual")


def audit_status():
    """AUDIT_GET over netlink (2 syscalls; no auditctl process to audit)."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_AUDIT)
    try:
        s.settimeout(5)
        s.sendto(struct.pack("=IHHII", 16, AUDIT_GET, 1, 1, 0), (0, 0))
        while True:
            data = s.recv(65536)
            ln, typ = struct.unpack_from("=IH", data, 0)
            if typ == NLMSG_ERROR:
                err = struct.unpack_from("=i", data, 16)[0]
                if err:
                    raise OSError(-err, "AUDIT_GET")
                continue
            if typ != AUDIT_GET:
                continue
            body = data[16:ln]
            n = min(len(body) // 4, len(STATUS_FIELDS))
            vals = struct.unpack_from("=%dI" % n, body, 0)
            return dict(zip(STATUS_FIELDS, vals))
    finally:
        s.close()


def auditctl(*args, check=True):
    r = subprocess.run(["auditctl"] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("auditctl %s: %s" % (" ".join(args),
                                                 r.stderr.strip()))
    return r.stdout


def kernel_rules():
    out = auditctl("-l").strip()
    return [] if out == "No rules" else out.splitlines()


def pid_alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def idle_problems():
    st = audit_status()
    bad = []
    if st["enabled"] != 0:
        bad.append("enabled=%d" % st["enabled"])
    if st["pid"] != 0:
        bad.append("audit pid=%d%s" % (st["pid"], "" if pid_alive(st["pid"])
                                       else " (dead)"))
    rules = kernel_rules()
    if rules:
        bad.append("%d rules loaded" % len(rules))
    return bad, st


class KernelLock:
    """flock on /tmp/vigil-kernel.lock around one run, so that only one
    audit daemon and one kernel-state user run at a time. A caller that
    already holds the lock (e.g. `flock /tmp/vigil-kernel.lock bench/ab.sh`)
    passes --no-flock or sets VIGIL_BENCH_NO_FLOCK=1 (else: deadlock until
    --lock-timeout)."""

    def __init__(self, timeout, disabled=False):
        self.timeout = timeout
        self.disabled = disabled or \
            os.environ.get("VIGIL_BENCH_NO_FLOCK") == "1"
        self.fd = None

    def __enter__(self):
        if self.disabled:
            return self
        self.fd = os.open(LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        end = time.time() + self.timeout
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.time() > end:
                    os.close(self.fd)
                    self.fd = None
                    raise KernelBusy("kernel lock %s busy for %ds" % (
                        LOCK, self.timeout))
                time.sleep(0.5)

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def wait_idle(timeout):
    """Audit must be idle before we touch it; someone else may be finishing."""
    end = time.time() + timeout
    while True:
        bad, st = idle_problems()
        if not bad:
            return st
        if time.time() > end:
            raise KernelBusy("kernel audit not idle: " + ", ".join(bad))
        time.sleep(1)


def restore_kernel(orig):
    """Back to: no rules, enabled 0, pid 0, original backlog settings."""
    problems = []
    for args in (("-D",), ("-e", "0"), ("-b", str(orig["backlog_limit"])),
                 ("--backlog_wait_time", str(orig["backlog_wait_time"]))):
        try:
            auditctl(*args)
        except Exception as e:   # keep restoring the rest
            problems.append(str(e))
    end = time.time() + 10
    st = audit_status()
    while st["pid"] != 0 and time.time() < end:
        time.sleep(0.2)
        st = audit_status()
    if st["pid"] != 0 and not pid_alive(st["pid"]):
        # a dead daemon's pid clears when kauditd next fails to send to it
        try:
            auditctl("-e", "1")
            auditctl("-m", "vigil bench: clearing a dead audit pid",
                     check=False)
            time.sleep(0.5)
        finally:
            auditctl("-e", "0", check=False)
        st = audit_status()
    bad, _ = idle_problems()
    if bad or problems:
        log("WARNING: kernel audit not fully restored: %s" % ", ".join(
            bad + problems))
        return False
    return True


# --- processes and /proc ----------------------------------------------------

def proc_status_kb(pid, key):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def proc_children(pid):
    kids = []
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, tid)) as f:
                kids += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return kids


def sys_busy():
    """Busy CPU seconds of the whole machine so far (all cpus)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return (sum(v[:8]) - idle) / CLK


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def stop_process(p, sig=signal.SIGTERM, timeout=15):
    if p is None or p.poll() is not None:
        return
    try:
        p.send_signal(sig)
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        log("pid %d ignored signal %d; killing" % (p.pid, sig))
        p.kill()
        p.wait(5)


def stop_pid(pid, sig, timeout=15):
    """Stops a process that is not our child (a daemonized server we
    started, by the pid it wrote): sig, then SIGKILL after timeout."""
    def gone():
        try:
            with open("/proc/%d/stat" % pid) as f:
                return f.read().split(")")[-1].split()[0] == "Z"
        except OSError:
            return True
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    end = time.time() + timeout
    while not gone():
        if time.time() > end:
            log("pid %d ignored signal %d; killing" % (pid, sig))
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            end = time.time() + 5
            if gone():
                break
        time.sleep(0.05)


# --- nginx ------------------------------------------------------------------

NGINX_CONF = """\
# private nginx for vigil's benchmark; started and stopped by vbench.py
worker_processes {workers};
daemon {daemon};
master_process on;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
	access_log off;
	default_type text/html;
	client_body_temp_path {prefix}/tmp/body;
	proxy_temp_path {prefix}/tmp/proxy;
	fastcgi_temp_path {prefix}/tmp/fastcgi;
	uwsgi_temp_path {prefix}/tmp/uwsgi;
	scgi_temp_path {prefix}/tmp/scgi;
	server {{
		listen 127.0.0.1:{port} backlog=4096;
		root {prefix}/html;
	}}
}}
"""
INDEX = ("<!DOCTYPE html><html><head><title>vigil bench</title></head><body>"
         + "<p>" + "x" * 540 + "</p></body></html>\n")


class Nginx:
    """The audited server. tree "daemon": nginx daemonizes as on a server
    (its master's parent is pid 1), so the process context of its events
    (issue 21: up to 4 parents with their argv) is the same however the
    benchmark was started; "child": the master stays vbench.py's child
    (the parents are vbench.py and whatever started it: sessions before
    20261207T0200 ran so)."""

    def __init__(self, port, workers, tree="daemon"):
        self.prefix = os.path.join(WORK, "nginx")
        self.port = port
        self.tree = tree
        self.p = None
        self.pid = None
        for d in ("html", "tmp", "logs"):
            os.makedirs(os.path.join(self.prefix, d), exist_ok=True)
        with open(os.path.join(self.prefix, "html", "index.html"), "w") as f:
            f.write(INDEX)
        self.conf = os.path.join(self.prefix, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(NGINX_CONF.format(prefix=self.prefix, port=port,
                                      workers=workers,
                                      daemon="on" if tree == "daemon"
                                      else "off"))

    def start(self):
        if port_open(self.port):
            raise RuntimeError("127.0.0.1:%d already in use" % self.port)
        pidfile = os.path.join(self.prefix, "nginx.pid")
        if os.path.exists(pidfile):
            os.unlink(pidfile)
        self.p = subprocess.Popen(["nginx", "-p", self.prefix, "-c",
                                   self.conf], start_new_session=True,
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        end = time.time() + 10
        while not port_open(self.port):
            if self.tree == "child" and self.p.poll() is not None:
                raise RuntimeError("nginx exited: " +
                                   self.p.stderr.read().decode()[-500:])
            if time.time() > end:
                raise RuntimeError("nginx did not listen")
            time.sleep(0.05)
        if self.tree == "child":
            self.pid = self.p.pid
            return
        # the starter exits once the master runs; the master's pid file
        if self.p.wait(10) != 0:
            raise RuntimeError("nginx: " +
                               self.p.stderr.read().decode()[-500:])
        self.p = None
        while self.pid is None:
            try:
                with open(pidfile) as f:
                    self.pid = int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                if time.time() > end:
                    raise RuntimeError("nginx wrote no pid file")
                time.sleep(0.05)

    def pids(self):
        return [self.pid] + proc_children(self.pid) if self.pid else []

    def stop(self):
        if self.tree == "child":
            stop_process(self.p, signal.SIGQUIT)
        elif self.pid is not None:
            # not our child: signalled by the pid it wrote, waited for
            # until it is gone (pid 1 reaps it)
            stop_pid(self.pid, signal.SIGQUIT)
        self.p = None
        self.pid = None


def port_open(port):
    s = socket.socket()
    try:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0
    finally:
        s.close()


# --- daemons ----------------------------------------------------------------

AUDITD_CONF = """\
# private auditd config for vigil's benchmark (auditd -n -c {dir})
local_events = yes
write_logs = yes
log_file = {log}
log_group = root
log_format = {fmt}
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 100000
num_logs = 1
priority_boost = 4
name_format = NONE
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = SYSLOG
max_restarts = 10
plugin_dir = {dir}/plugins.d
end_of_event_timeout = 2
"""


def find_laurel():
    """(laurel binary, its shipped config.toml) or None. The binary: PATH,
    /usr/local/sbin, ~/.cargo/bin, $LAUREL; the config: $LAUREL_CONFIG or
    the crate's etc/laurel/config.toml in cargo's registry (`cargo
    install laurel` leaves it there)."""
    exe = os.environ.get("LAUREL") or shutil.which("laurel")
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    for c in ("/usr/local/sbin/laurel", os.path.join(home, "bin", "laurel")):
        if exe is None and os.access(c, os.X_OK):
            exe = c
    conf = os.environ.get("LAUREL_CONFIG")
    if conf is None:
        found = sorted(glob.glob(os.path.join(
            home, "registry", "src", "*", "laurel-0.8.*", "etc", "laurel",
            "config.toml")))
        conf = found[-1] if found else None
    if exe is None or conf is None or not os.path.exists(conf):
        return None
    return exe, conf


def laurel_plugin(d, rundir):
    """plugins.d/laurel.conf and laurel's shipped config with its log
    directory moved into the run directory and run as root: the same
    work as installed, nothing written outside the run. Returns laurel's
    output file."""
    exe, shipped = find_laurel()
    out = os.path.join(rundir, "laurel")
    os.makedirs(out, exist_ok=True)
    conf = os.path.join(d, "laurel.toml")
    with open(shipped) as f:
        text = f.read()
    text = re.sub(r'(?m)^directory = .*$', 'directory = "%s"' % out, text)
    text = re.sub(r'(?m)^user = .*$', '', text)
    with open(conf, "w") as f:
        f.write(text)
    with open(os.path.join(d, "plugins.d", "laurel.conf"), "w") as f:
        f.write("active = yes\ndirection = out\ntype = always\n"
                "format = string\npath = %s\nargs = --config %s\n" %
                (exe, conf))
    return os.path.join(out, "audit.log")


class Daemon:
    """auditd or vigild as the audit daemon for one run."""

    def __init__(self, cfg, mode, rundir):
        self.cfg = cfg
        self.mode = mode
        self.spec = MODES[mode]
        self.rundir = rundir
        self.p = None
        self.out = None          # file the events go to (None: discard)
        self.plugin_out = None   # a plugin's output (auditd-laurel)
        self.errpath = os.path.join(rundir, "daemon.err")

    def command(self):
        s = self.spec
        if s["daemon"] == "auditd":
            d = os.path.join(self.rundir, "auditd")
            os.makedirs(os.path.join(d, "plugins.d"), exist_ok=True)
            self.out = os.path.join(self.rundir, "audit.log")
            conf = os.path.join(d, "auditd.conf")
            with open(conf, "w") as f:
                f.write(AUDITD_CONF.format(dir=d, log=self.out,
                                           fmt=s["format"]))
            os.chmod(conf, 0o640)
            if s.get("plugin") == "laurel":
                self.plugin_out = laurel_plugin(d, self.rundir)
            return ["auditd", "-n", "-c", d]
        if s["daemon"] == "floor":
            self.out = os.path.join(self.rundir, "floor.out")
            return [build_c("floor", []), "-d", str(s["delay"]), "-o",
                    self.out] + (["-w"] if s.get("write") else [])
        cmd = [self.cfg.vigild, "-f"] + self.cfg.vigild_args
        if s.get("conf"):
            conf = os.path.join(self.rundir, "vigild.conf")
            with open(conf, "w") as f:
                f.write(s["conf"])
            cmd += ["-c", conf]
        if s.get("discard"):
            cmd.append("--discard")
        if s.get("lua"):
            cmd += ["--lua", os.path.join(HERE, s["lua"] if isinstance(
                s["lua"], str) else "filter.lua")]
        if s.get("drop_exe"):
            conf = os.path.join(self.rundir, "vigild.conf")
            exe = os.path.realpath(shutil.which(s["drop_exe"]) or
                                   s["drop_exe"])
            with open(conf, "w") as f:
                f.write("drop = syscall.exe=%s\npushdown = %s\n" % (
                    exe, "yes" if s.get("pushdown") else "no"))
            cmd += ["-c", conf]
        if s.get("out") and s.get("null"):
            cmd += ["-o", "%s:/dev/null" % s["out"]]
        elif s.get("out"):
            self.out = os.path.join(self.rundir, "vigild.%s" % s["out"])
            cmd += ["-o", "%s:%s%s" % (s["out"], self.out,
                                         "?" + s["outopts"] if
                                         s.get("outopts") else "")]
        return cmd

    def start(self):
        cmd = self.command()
        self.cmd = cmd
        self.err = open(self.errpath, "w")
        env = dict(os.environ, **self.spec.get("env", {}))
        self.p = subprocess.Popen(cmd, stdout=self.err, stderr=self.err,
                                  stdin=subprocess.DEVNULL, env=env,
                                  start_new_session=True)
        end = time.time() + 15
        while True:
            if self.p.poll() is not None:
                self.err.flush()
                with open(self.errpath, errors="replace") as f:
                    full = f.read().strip()
                msg = full[-600:]
                if self.spec["daemon"] == "vigild" and self.p.returncode == 2:
                    first = full.splitlines()[0] if full else ""
                    raise Skip("vigild rejected %s: %s" % (" ".join(cmd[1:]),
                                                           first))
                raise RuntimeError("%s exited %d: %s" % (
                    cmd[0], self.p.returncode, msg))
            st = audit_status()
            if st["pid"] == self.p.pid and st["enabled"] == 1:
                return
            if time.time() > end:
                raise RuntimeError("%s did not become the audit daemon" %
                                   cmd[0])
            time.sleep(0.05)

    def dump(self):
        """vigild writes its counters to stderr on SIGCONT."""
        if self.p is not None and self.spec["daemon"] == "vigild":
            self.p.send_signal(signal.SIGCONT)
            time.sleep(0.3)

    def stop(self):
        if self.p is None:
            return
        stop_process(self.p, signal.SIGTERM, 20)
        # whatever it left in the session it was started in (a wrapper's
        # child, a plugin): that session is ours alone
        try:
            os.killpg(self.p.pid, signal.SIGTERM)
            time.sleep(0.5)
        except OSError:
            pass
        self.rc = self.p.returncode
        self.p = None
        self.err.close()


# --- measuring --------------------------------------------------------------

RAW_TS = re.compile(rb"audit\((\d+)\.(\d+):(\d+)\)")
JSON_TIME = re.compile(rb'"time"\s*:\s*"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):'
                       rb'(\d\d)(?:\.(\d+))?Z"')


def line_time(line):
    """Event time (epoch seconds) of one output line, or None."""
    m = RAW_TS.search(line)
    if m:
        return int(m.group(1)) + int(m.group(2)) / 1000
    m = JSON_TIME.search(line)
    if m:
        import calendar
        g = [int(x) for x in m.groups()[:6]]
        frac = m.group(7) or b"0"
        return calendar.timegm(g) + int(frac) / 10 ** len(frac)
    return None


class LatencySampler(threading.Thread):
    """Every `period` s: age of the newest complete event line in the output
    (now - its audit timestamp). An upper bound of the syscall-to-written
    delay as seen by a reader tailing the file, +- the 1 ms stamp."""

    def __init__(self, path, period=0.02):
        super().__init__(daemon=True)
        self.path = path
        self.period = period
        self.samples = []
        self.stop_ev = threading.Event()
        self.last = None

    def run(self):
        while not self.stop_ev.wait(self.period):
            try:
                with open(self.path, "rb") as f:
                    size = os.fstat(f.fileno()).st_size
                    if size == self.last:
                        continue
                    self.last = size
                    f.seek(max(0, size - 65536))
                    buf = f.read(65536)
            except OSError:
                continue
            now = time.time()
            end = buf.rfind(b"\n")
            if end <= 0:
                continue
            start = buf.rfind(b"\n", 0, end) + 1
            t = line_time(buf[start:end])
            if t is not None:
                self.samples.append((now - t) * 1000)


def pct(vals, p):
    if not vals:
        return None
    v = sorted(vals)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]


LOAD_COMMS = {b"nginx", b"ab", "nginx", "ab"}
RAW_COMM = re.compile(rb' comm=("[^"]*"|[0-9A-F]+)')


def window_lines(path, off0, off1):
    """Complete lines of path[off0:off1], streamed (outputs reach GBs)."""
    with open(path, "rb") as f:
        f.seek(off0)
        left = off1 - off0
        rest = b""
        first = off0 > 0          # first line began before the window
        while left > 0:
            chunk = f.read(min(left, 1 << 22))
            if not chunk:
                break
            left -= len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            if first:
                lines = lines[1:]
                first = False
            yield from lines


def count_output(path, off0, off1, kind):
    """Records, events and foreign events in path[off0:off1]. RAW/ENRICHED:
    a line other than EOE is a record, an event is a distinct
    audit(time:serial). JSON: a line is an event; records are counted from
    the document (README). Foreign: events whose SYSCALL is not from nginx
    or ab, i.e. other processes on the machine audited by our rules."""
    records = events = foreign = 0
    if kind == "lines":           # floor: one line per event, no records
        return None, sum(1 for _ in window_lines(path, off0, off1)), None
    if kind == "raw":
        seen = set()
        for line in window_lines(path, off0, off1):
            m = RAW_TS.search(line)
            if not m:
                continue
            seen.add(m.group(0))
            head = line[:m.start()]
            # auditd does not log EOE; vigild's raw output does: counted
            # apart so that records compare across daemons
            if b"type=EOE " in head:
                continue
            records += 1
            if b"type=SYSCALL " in head:
                c = RAW_COMM.search(line)
                comm = c.group(1).strip(b'"') if c else b""
                if comm not in LOAD_COMMS:
                    foreign += 1
        return records, len(seen), foreign
    for line in window_lines(path, off0, off1):
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        events += 1
        records += json_records(ev)
        sc = ev.get("syscall")
        if not isinstance(sc, dict) or sc.get("comm") not in LOAD_COMMS:
            foreign += 1
    return records, events, foreign


# members of the event document that are not records (docs/events.md)
JSON_META = {"serial", "time", "node", "keys", "vigil", "host", "context"}


def json_records(ev):
    """Records behind one event document, counted as auditd's log would
    show them: every record member (arrays per element; execve, merged from
    its EXECVE records, as one). EOE is not in the document, and auditd
    does not write it to its log either."""
    n = 0
    for k, v in ev.items():
        if k in JSON_META:
            continue
        n += len(v) if isinstance(v, list) else 1
    return n


def parse_ab(text):
    r = {}
    pats = {"rps": r"Requests per second:\s+([\d.]+)",
            "complete": r"Complete requests:\s+(\d+)",
            "failed": r"Failed requests:\s+(\d+)",
            "time_s": r"Time taken for tests:\s+([\d.]+)",
            "p50_ms": r"^\s+50%\s+(\d+)",
            "p99_ms": r"^\s+99%\s+(\d+)",
            "p100_ms": r"^\s+100%\s+(\d+)"}
    for k, p in pats.items():
        m = re.search(p, text, re.M)
        if m:
            r[k] = float(m.group(1)) if "." in m.group(1) else int(
                m.group(1))
    return r


def run_ab(cfg, port):
    """ab against nginx: (parsed report, ab's CPU seconds). tree "daemon"
    (the default): ab runs under a shell whose parent is pid 1, so the
    context of ab's events (its parents with their argv) is the same
    however the benchmark was started, as nginx's is; "child": ab is
    vbench.py's child (its parents then name vbench.py and whatever
    started it: sessions before 20261207T0520 ran so)."""
    cmd = ["ab", "-q", "-n", str(cfg.n), "-c", str(cfg.c), "-s", "30", "-r",
           "http://127.0.0.1:%d/index.html" % port]
    limit = cfg.n / 50 + 120
    if cfg.ab_tree == "daemon":
        return run_ab_detached(cmd, limit)
    c0 = os.times()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = p.communicate(timeout=limit)
    except BaseException:       # timeout, signal: no ab left behind
        p.kill()
        p.wait()
        raise
    c1 = os.times()
    if p.returncode != 0:
        raise RuntimeError("ab failed: %s" % err.decode()[-400:])
    return parse_ab(out.decode()), round(
        (c1.children_user - c0.children_user) +
        (c1.children_system - c0.children_system), 3)


def run_ab_detached(cmd, limit):
    """cmd under `sh FILE` started by `setsid -f` (the shell's parent
    exits at once: pid 1 adopts it); the script leaves ab's output, its
    status and the shell's `times` (children's CPU) in files, the status
    last."""
    d = os.path.join(WORK, "ab")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    f = {k: os.path.join(d, k) for k in ("run", "out", "err", "rc",
                                         "times", "pid")}
    with open(f["run"], "w") as fh:
        fh.write("echo $$ > %s\n%s > %s 2> %s\nrc=$?\ntimes > %s\n"
                 "echo $rc > %s.tmp && mv %s.tmp %s\n" % (
                     f["pid"], " ".join(cmd), f["out"], f["err"],
                     f["times"], f["rc"], f["rc"], f["rc"]))
    subprocess.run(["setsid", "-f", "sh", f["run"]], check=True,
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    end = time.time() + limit
    try:
        while not os.path.exists(f["rc"]):
            if time.time() > end:
                raise RuntimeError("ab did not finish in %d s" % limit)
            time.sleep(0.05)
    except BaseException:       # timeout, signal: no ab left behind
        try:
            with open(f["pid"]) as fh:
                os.killpg(int(fh.read()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
        raise
    with open(f["rc"]) as fh:
        rc = int(fh.read())
    if rc != 0:
        with open(f["err"]) as fh:
            raise RuntimeError("ab failed: %s" % fh.read()[-400:])
    with open(f["out"]) as fh:
        res = parse_ab(fh.read())
    with open(f["times"]) as fh:
        return res, ab_times(fh.read())


def ab_times(text):
    """CPU seconds of the children from sh's `times` (second line:
    "0m1.230000s 0m0.450000s")."""
    lines = text.strip().splitlines()
    got = re.findall(r"(\d+)m([\d.]+)s", lines[-1] if lines else "")
    return round(sum(int(m) * 60 + float(sec) for m, sec in got), 3)


def cpu_of(pids):
    """(utime, stime) summed over pids (those gone count 0), or None."""
    got = [proc_cpu(p) for p in pids]
    if not any(got):
        return None
    return tuple(sum(c[i] for c in got if c) for i in (0, 1))


def drain(pids, outs, quiet=1.0, timeout=90):
    """After the load: wait until the daemon (and its plugin) has written
    everything, i.e. the outputs' sizes and their CPU time did not change
    for `quiet` seconds."""
    end = time.time() + timeout
    last = None
    since = time.time()
    while time.time() < end:
        size = [os.path.getsize(o) if o and os.path.exists(o) else 0
                for o in outs]
        cur = (size, cpu_of(pids))
        if cur != last:
            last = cur
            since = time.time()
        elif time.time() - since >= quiet:
            return True
        time.sleep(0.1)
    return False


def one_run(cfg, mode, rules, bwt, rnd, session):
    spec = MODES[mode]
    res = {"schema": 1, "kind": "ab", "session": session, "mode": mode,
           "rules": rules, "bwt": bwt, "backlog_limit": cfg.backlog,
           "round": rnd, "n": cfg.n, "c": cfg.c, "quick": cfg.quick,
           "host": socket.gethostname(), "kernel": os.uname().release,
           "commit": git_head(), "nproc": os.cpu_count(),
           "nginx_workers": cfg.workers, "nginx_tree": cfg.nginx_tree,
           "ab_tree": cfg.ab_tree,
           "perf": cfg.perf,
           "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    if spec["daemon"] == "vigild":
        res["vigild"] = cfg.vigild
        res["vigild_mtime"] = int(os.path.getmtime(cfg.vigild))
    rundir = os.path.join(WORK, "run")
    shutil.rmtree(rundir, ignore_errors=True)
    os.makedirs(rundir)
    nginx = Nginx(cfg.port, cfg.workers, cfg.nginx_tree)
    daemon = None
    with KernelLock(cfg.lock_timeout, cfg.no_flock):
        orig = wait_idle(cfg.idle_timeout)
        res["loadavg"] = loadavg()
        try:
            auditctl("-b", str(cfg.backlog))
            auditctl("--backlog_wait_time", str(bwt))
            if spec.get("rules", True):
                auditctl("-R", os.path.join(HERE, "rules", rules + ".rules"))
            if spec["daemon"]:
                daemon = Daemon(cfg, mode, rundir)
                daemon.start()
            elif spec["rules"]:
                auditctl("-e", "1")
            nginx.start()
            time.sleep(0.5)       # startup records out of the window
            measure(cfg, res, daemon, nginx)
        finally:
            # a second Ctrl-C must not cut the restore short
            signal.pthread_sigmask(signal.SIG_BLOCK, CATCH)
            nginx.stop()
            if daemon:
                if daemon.p is not None:
                    res["daemon_maxrss_kb"] = proc_status_kb(daemon.p.pid,
                                                             "VmHWM")
                    daemon.dump()
                daemon.stop()
            ok = restore_kernel(orig)
            signal.pthread_sigmask(signal.SIG_UNBLOCK, CATCH)
        if not ok:
            raise RuntimeError("kernel state not restored")
    if daemon and daemon.out and os.path.exists(daemon.out):
        kind = "json" if spec.get("out") == "json" else "lines" \
            if spec["daemon"] == "floor" and not spec.get("write") \
            else "raw"
        r, e, fe = count_output(daemon.out, res.pop("_off0"),
                                res.pop("_off1"), kind)
        if r is not None:
            res["records"] = r
        res["events"] = e
        if fe is not None:
            res["foreign_events"] = fe
    vigild_counters(daemon, res)
    if res.get("daemon_cpu_s") is not None:
        if res.get("records"):
            res["cpu_per_100k_records"] = round(
                res["daemon_cpu_s"] / res["records"] * 1e5, 4)
        if res.get("events"):
            res["cpu_per_100k_events"] = round(
                res["daemon_cpu_s"] / res["events"] * 1e5, 4)
    res.pop("_off0", None)
    res.pop("_off1", None)
    res["status"] = "ok"
    return res


COUNTER_RE = re.compile(r"\b(records|events)[=:]\s*(\d+)")


def vigild_counters(daemon, res):
    """vigild's own totals, if it prints them on exit (whole run, not just
    the window): kept beside the counts taken from the output."""
    if not daemon or daemon.spec["daemon"] not in ("vigild", "floor"):
        return
    try:
        with open(daemon.errpath, errors="replace") as f:
            text = f.read()
    except OSError:
        return
    found = {}
    for k, v in COUNTER_RE.findall(text):
        found[k] = int(v)           # last value wins (final dump)
    if found:
        res["daemon_counters"] = found
    if "records" not in res and "records" in found:
        res["records"] = found["records"]
        res["records_from"] = "vigild counters (whole run)"
        if (daemon.spec.get("discard") or daemon.spec.get("null")) \
                and found.get("events"):
            # vigild counts EOE records too: one per event of this load
            # (--discard counts exactly the EOEs as events; to /dev/null
            # a stray CONFIG_CHANGE has none: +-1)
            res["records"] = found["records"] - found["events"]
            res["records_from"] = "vigild counters (whole run, no EOE)"
    if "events" not in res and "events" in found:
        res["events"] = found["events"]


def kauditd_pid():
    """The kauditd kernel thread (it sends every record), or None."""
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/comm" % d) as f:
                    if f.read().strip() == "kauditd":
                        return int(d)
            except OSError:
                pass
    return None


def measure(cfg, res, daemon, nginx):
    kpid = kauditd_pid()
    k0 = proc_cpu(kpid) if kpid else None
    dpid = daemon.p.pid if daemon else None
    out = daemon.out if daemon else None
    # a plugin's CPU counts with its daemon's (auditd-laurel)
    pids = [dpid] if dpid else []
    if daemon and daemon.spec.get("plugin"):
        pids += proc_children(dpid)
        res["plugin_pids"] = pids[1:]
        p0 = cpu_of(pids[1:])
    st0 = audit_status()
    c0 = cpu_of(pids) if dpid else None
    f0 = proc_counts(dpid) if dpid else None
    ngx = nginx.pids()
    n0 = sum(sum(proc_cpu(p) or (0, 0)) for p in ngx)
    b0 = sys_busy()
    off0 = os.path.getsize(out) if out and os.path.exists(out) else 0
    sampler = None
    if out:
        sampler = LatencySampler(out)
        sampler.start()
    perf = None
    if cfg.perf and dpid:
        # profiling runs: perf costs the machine CPU, so their numbers are
        # marked and kept out of the tables
        res["perf_data"] = os.path.join(WORK, "perf-%s-%s-bwt%d.data" % (
            res["mode"], res["rules"], res["bwt"]))
        perf = subprocess.Popen(["perf", "record", "-q", "-F", "499", "-g",
                                 "-p", str(dpid), "-o", res["perf_data"]],
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(0.5)
    t0 = time.time()
    ab, ab_cpu = run_ab(cfg, cfg.port)
    t1 = time.time()
    b1 = sys_busy()
    n1 = sum(sum(proc_cpu(p) or (0, 0)) for p in ngx)
    if dpid:
        res["drained"] = drain(pids, [out, daemon.plugin_out])
    t2 = time.time()
    if perf:
        stop_process(perf, signal.SIGINT, 60)
    if sampler:
        sampler.stop_ev.set()
        sampler.join()
    st1 = audit_status()
    res["ab"] = ab
    res["ab_wall_s"] = round(t1 - t0, 3)
    res["drain_s"] = round(t2 - t1, 3)
    res["ab_cpu_s"] = ab_cpu
    res["nginx_cpu_s"] = round(n1 - n0, 3)
    res["sys_busy_s"] = round(b1 - b0, 3)
    res["lost_delta"] = st1["lost"] - st0["lost"]
    k1 = proc_cpu(kpid) if kpid else None
    if k0 and k1:
        res["kauditd_cpu_s"] = round(sum(k1) - sum(k0), 3)
    res["bwta_delta"] = (st1.get("backlog_wait_time_actual", 0) -
                         st0.get("backlog_wait_time_actual", 0))
    if dpid:
        c1 = cpu_of(pids)
        if res.get("plugin_pids") and p0:
            p1 = cpu_of(pids[1:])
            res["plugin_cpu_s"] = round(sum(p1) - sum(p0), 3)
            res["plugin_bytes"] = os.path.getsize(daemon.plugin_out) if \
                os.path.exists(daemon.plugin_out) else 0
        if c0 and c1:
            res["daemon_user_s"] = round(c1[0] - c0[0], 3)
            res["daemon_sys_s"] = round(c1[1] - c0[1], 3)
            res["daemon_cpu_s"] = round(sum(c1) - sum(c0), 3)
        res["daemon_pid"] = dpid
        f1 = proc_counts(dpid)
        if f0 and f1:
            # page faults and wakeups: where sys time comes from besides
            # the records themselves
            res["daemon_minflt"] = f1[0] - f0[0]
            res["daemon_nvcsw"] = f1[1] - f0[1]
            res["daemon_nivcsw"] = f1[2] - f0[2]
    if out:
        off1 = os.path.getsize(out) if os.path.exists(out) else 0
        res["output_bytes"] = off1 - off0
        res["_off0"], res["_off1"] = off0, off1
    if sampler and sampler.samples:
        s = sampler.samples
        res["lat_samples"] = len(s)
        res["lat_p50_ms"] = round(pct(s, 50), 1)
        res["lat_p99_ms"] = round(pct(s, 99), 1)
        res["lat_max_ms"] = round(max(s), 1)
    res["loadavg_after"] = loadavg()


# --- ab command -------------------------------------------------------------

def preflight(cfg, modes):
    if os.geteuid() != 0:
        raise Skip("needs root (kernel audit, nginx)")
    for tool in ("auditctl", "auditd", "nginx", "ab"):
        if shutil.which(tool) is None:
            raise Skip("%s not installed" % tool)
    usable = []
    for m in modes:
        if MODES[m]["daemon"] == "vigild" and not os.access(cfg.vigild,
                                                             os.X_OK):
            log("skipping %s: no vigild at %s" % (m, cfg.vigild))
            continue
        if MODES[m].get("plugin") == "laurel" and find_laurel() is None:
            log("skipping %s: no laurel (apt-get install libacl1-dev; "
                "cargo install laurel --version 0.8.2)" % m)
            continue
        usable.append(m)
    return usable


class LazyFile:
    """Appends to path, created at the first write: an interrupted session
    leaves no empty results file behind."""

    def __init__(self, path):
        self.path = path
        self.f = None

    def write(self, text):
        if self.f is None:
            self.f = open(self.path, "a")
        self.f.write(text)

    def flush(self):
        if self.f is not None:
            self.f.flush()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.f is not None:
            self.f.close()


def result_path(cfg, kind, session):
    if cfg.out:
        return cfg.out
    if cfg.quick:
        return os.path.join(WORK, "quick.jsonl")
    os.makedirs(RESULTS, exist_ok=True)
    return os.path.join(RESULTS, "%s-%s.jsonl" % (kind, session))


def cmd_ab(cfg):
    modes = cfg.modes.split(",")
    for m in modes:
        if m not in MODES:
            raise SystemExit("unknown mode %s (have %s)" % (
                m, ", ".join(MODES)))
    modes = preflight(cfg, modes)
    bwt0 = [m for m in cfg.bwt0_modes.split(",") if m in modes] \
        if cfg.bwt0_modes else []
    session = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    os.makedirs(WORK, exist_ok=True)
    outpath = result_path(cfg, "ab", session)
    plan = []
    for rnd in range(1, cfg.rounds + 1):
        for rules in cfg.rules.split(","):
            ms = list(modes)
            random.Random(rnd).shuffle(ms)  # interleaved, order varies
            plan += [(m, rules, cfg.bwt, rnd) for m in ms]
            if rules == cfg.bwt0_rules:
                plan += [(m, rules, 0, rnd) for m in bwt0]
    log("session %s: %d runs -> %s" % (session, len(plan), outpath))
    failures = 0
    out = LazyFile(outpath)
    with out:
        for i, (m, rules, bwt, rnd) in enumerate(plan, 1):
            log("[%d/%d] round %d %s rules=%s bwt=%d" % (i, len(plan), rnd, m,
                                                        rules, bwt))
            try:
                res = one_run(cfg, m, rules, bwt, rnd, session)
            except KernelBusy:
                raise
            except Skip as e:
                log("  skipped: %s" % e)
                res = {"schema": 1, "kind": "ab", "session": session,
                       "mode": m, "rules": rules, "bwt": bwt, "round": rnd,
                       "quick": cfg.quick, "status": "skipped",
                       "note": str(e)[:300]}
            except (Interrupted, KeyboardInterrupt):
                raise
            except Exception as e:
                failures += 1
                log("  FAILED: %s" % e)
                res = {"schema": 1, "kind": "ab", "session": session,
                       "mode": m, "rules": rules, "bwt": bwt, "round": rnd,
                       "quick": cfg.quick, "status": "failed",
                       "note": str(e)[:300]}
            out.write(json.dumps(res, sort_keys=True) + "\n")
            out.flush()
            if res["status"] == "ok":
                log("  " + summary(res))
    return 1 if failures else 0


def summary(r):
    a = r.get("ab", {})
    parts = ["%.0f req/s" % a.get("rps", 0), "p99 %s ms" % a.get("p99_ms")]
    if "daemon_cpu_s" in r:
        parts.append("daemon %.2f cpu-s" % r["daemon_cpu_s"])
    if r.get("records"):
        parts.append("%d rec %d ev" % (r["records"], r.get("events", 0)))
    if "cpu_per_100k_records" in r:
        parts.append("%.3f s/100k rec" % r["cpu_per_100k_records"])
    parts.append("lost %d bwta %d" % (r["lost_delta"], r["bwta_delta"]))
    if r.get("foreign_events"):
        parts.append("foreign %d ev" % r["foreign_events"])
    if "lat_p99_ms" in r:
        parts.append("lat p99 %s ms" % r["lat_p99_ms"])
    return ", ".join(parts)


# --- replay command ---------------------------------------------------------

def build_c(name, libs):
    """bench/NAME.c -> bench/work/NAME (rebuilt when the source is newer)."""
    exe = os.path.join(WORK, name)
    src = os.path.join(HERE, name + ".c")
    if os.path.exists(exe) and os.path.getmtime(exe) >= os.path.getmtime(src):
        return exe
    os.makedirs(WORK, exist_ok=True)
    subprocess.run(["cc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe,
                    src] + libs, check=True)
    return exe


def build_walker():
    if not os.path.exists("/usr/include/auparse.h"):
        return None
    return build_c("auparse-walk", ["-lauparse"])


def cmd_replay(cfg):
    os.makedirs(WORK, exist_ok=True)
    session = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    outpath = result_path(cfg, "replay", session)
    walker = build_walker()
    have_vigild = os.access(cfg.vigild, os.X_OK)
    if not have_vigild:
        log("no vigild at %s: replay runs only the references" % cfg.vigild)
    failures = 0
    tools = cfg.tools.split(",")
    with LazyFile(outpath) as out:
        for fmt in cfg.formats.split(","):
            path, info = gen_log(cfg.records, fmt)
            cmds = {
                "vigild-json": [cfg.vigild, "--replay", path, "-o",
                                "json:/dev/null"] if have_vigild else None,
                "vigild-raw": [cfg.vigild, "--replay", path, "-o",
                               "raw:/dev/null"] if have_vigild else None,
                "ausearch-raw": ["ausearch", "--raw", "-if", path]
                if shutil.which("ausearch") else None,
                "auparse-walk": [walker, path] if walker else None,
            }
            for rnd in range(1, cfg.rounds + 1):
                order = [t for t in tools if cmds.get(t)]
                random.Random(rnd).shuffle(order)
                for tool in order:
                    r = run_timed(cmds[tool])
                    res = {"schema": 1, "kind": "replay", "session": session,
                           "tool": tool, "format": fmt, "round": rnd,
                           "quick": cfg.quick, "records": info["records"],
                           "events": info["events"],
                           "input_bytes": info["bytes"],
                           "host": socket.gethostname(),
                           "commit": git_head(), "loadavg": loadavg(),
                           "time": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                 time.gmtime())}
                    err = r.pop("stderr")
                    res.update(r)
                    if r["rc"] != 0:
                        failures += 1
                        res["status"] = "failed"
                        res["note"] = err.strip()[-300:]
                        log("%s %s: FAILED rc=%d %s" % (tool, fmt, r["rc"],
                                                        res["note"]))
                    else:
                        res["status"] = "ok"
                        res["records_per_s"] = round(info["records"] /
                                                     max(r["cpu_s"], 1e-3))
                        res["cpu_per_100k_records"] = round(
                            r["cpu_s"] / info["records"] * 1e5, 4)
                        log("%s %s round %d: %.2f cpu-s, %d rec/s, "
                            "%.3f s/100k rec, rss %d MB" % (
                                tool, fmt, rnd, r["cpu_s"],
                                res["records_per_s"],
                                res["cpu_per_100k_records"],
                                r["maxrss_kb"] // 1024))
                    out.write(json.dumps(res, sort_keys=True) + "\n")
                    out.flush()
    return 1 if failures else 0


# --- main -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="vigil benchmarks")
    sub = ap.add_subparsers(dest="cmd", required=True)
    default_vigild = os.path.join(REPO, "build", "vigild")
    a = sub.add_parser("ab", help="Apache bench comparison with auditd")
    a.add_argument("--quick", action="store_true",
                   help="smoke run: n=2000, 1 round, socket rules, no bwt0")
    a.add_argument("--rounds", type=int, default=3)
    a.add_argument("-n", type=int, default=200000, help="ab requests")
    a.add_argument("-c", type=int, default=50, help="ab concurrency")
    a.add_argument("--modes", default=",".join(DEFAULT_MODES),
                   help="any of " + ",".join(MODES))
    a.add_argument("--rules", default="socket,light",
                   help="rule sets from bench/rules/NAME.rules")
    a.add_argument("--bwt", type=int, default=15000,
                   help="kernel backlog_wait_time for the main runs")
    a.add_argument("--bwt0-modes", default="auditd-raw,auditd-enriched,"
                   "vigild-json,vigild-raw,vigild-discard,floor",
                   help="daemon modes also run with backlog_wait_time 0")
    a.add_argument("--bwt0-rules", default="socket")
    a.add_argument("--backlog", type=int, default=8192,
                   help="kernel backlog_limit during runs (auditd's -b)")
    a.add_argument("--port", type=int, default=18080)
    a.add_argument("--workers", type=int, default=1, help="nginx workers")
    a.add_argument("--nginx-tree", choices=("daemon", "child"),
                   default="daemon",
                   help="nginx daemonizes (its master's parent is pid 1, "
                   "as on a server: the default) or stays our child (the "
                   "context then names vbench.py and what started it)")
    a.add_argument("--ab-tree", choices=("daemon", "child"),
                   default="daemon",
                   help="ab runs under a shell whose parent is pid 1 (the "
                   "default: its events' context is the same however the "
                   "benchmark was started) or as our child")
    a.add_argument("--vigild", default=default_vigild)
    a.add_argument("--vigild-arg", action="append", default=[],
                   dest="vigild_args", help="extra vigild argument")
    a.add_argument("--lock-timeout", type=int, default=900)
    a.add_argument("--idle-timeout", type=int, default=60)
    a.add_argument("--perf", action="store_true",
                   help="perf record -g the daemon in the window (profiling "
                   "runs; excluded from the tables)")
    a.add_argument("--no-flock", action="store_true",
                   help="the caller holds /tmp/vigil-kernel.lock already")
    r = sub.add_parser("replay", help="replay throughput vs auparse")
    r.add_argument("--quick", action="store_true",
                   help="smoke run: 50k records, 1 round")
    r.add_argument("--records", type=int, default=1200000)
    r.add_argument("--rounds", type=int, default=3)
    r.add_argument("--formats", default="raw,enriched")
    r.add_argument("--tools", default="vigild-json,vigild-raw,ausearch-raw,"
                   "auparse-walk")
    r.add_argument("--vigild", default=default_vigild)
    for p in (a, r):
        p.add_argument("--out", help="append results here instead of "
                       "bench/results/KIND-SESSION.jsonl")
    cfg = ap.parse_args()
    cfg.vigild = os.path.abspath(cfg.vigild)
    if cfg.quick:
        cfg.rounds = 1
        if cfg.cmd == "ab":
            cfg.n = min(cfg.n, 2000)
            cfg.c = min(cfg.c, 20)
            cfg.rules = "socket"
            cfg.bwt0_modes = ""
        else:
            cfg.records = min(cfg.records, 50000)
    for s in CATCH:
        signal.signal(s, on_signal)
    try:
        rc = cmd_ab(cfg) if cfg.cmd == "ab" else cmd_replay(cfg)
    except Skip as e:
        log("skip: %s" % e)
        return SKIP
    except (Interrupted, KeyboardInterrupt) as e:
        log("interrupted (%s); kernel state was restored" % e)
        return 130
    return rc


if __name__ == "__main__":
    sys.exit(main())
