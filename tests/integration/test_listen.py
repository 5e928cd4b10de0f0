#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_listen.py BUILD_DIR: vigild --no-kernel --listen tcp://... as an
aggregator of audisp-remote clients (docs/fleet.md), with a client that
speaks the protocol byte by byte: acknowledgements carry the message's
sequence, heartbeats are answered, events keep the sender's node (or get
the peer address), ascii clients work; a client that breaks the framing,
claims a second node name, floods a line, idles past idle=, or comes
once too often from one address is disconnected and counted while a
well-behaved client goes on; SIGTERM sends ENDING. Needs no kernel."""
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rmw  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=10)
    except Exception:
        p.kill()
        _, err = p.communicate()
    return err


def by_serial(evs):
    return {(e.get("node"), e["serial"]): e for e in evs}


def test_protocol(vigild, d):
    port = rmw.free_port()
    out = os.path.join(d, "proto.json")
    p = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}?max_per_addr=2",
                           out)
    c = rmw.Client(port)
    acks = []
    for serial in (10, 11, 12):
        for line in rmw.event_lines("hostA", serial):
            acks.append(c.send(line + "\n"))
    check("every message acked with its sequence",
          all(a and a["type"] == rmw.ACK for a in acks) and
          [a["seq"] for a in acks] == list(range(1, 7)), str(acks))
    hb = c.send(b"", typ=rmw.HEARTBEAT)
    check("heartbeat acked", hb and hb["type"] == rmw.ACK and
          hb["seq"] == 7, str(hb))
    # no node=: the peer's address is its node
    for line in rmw.event_lines(None, 20):
        pass
    c2 = rmw.Client(port)
    for line in rmw.event_lines(None, 20):
        c2.send(line)
    evs = wait_for(lambda: len(rmw.events(out)) >= 4 and rmw.events(out))
    got = by_serial(evs or [])
    check("events keep the sender's node, in order",
          [e["serial"] for e in evs if e.get("node") == "hostA"] ==
          [10, 11, 12], str(evs))
    check("no node= gets the peer address", ("127.0.0.1", 20) in got,
          str(list(got)))
    # a sender's execve for a pid that is a process here (this test):
    # no context (another machine's processes), and this machine's table
    # untouched by it (a forged exe would label a local process)
    stamp = "audit(1700000000.123:30)"
    for line in (f"node=hostA type=SYSCALL msg={stamp}: arch=c000003e "
                 f"syscall=59 success=yes exit=0 pid={os.getpid()} "
                 f"comm=\"backupd\" exe=\"/usr/bin/backupd\"",
                 f"node=hostA type=EOE msg={stamp}: "):
        c.send(line + "\n")
    evs = wait_for(lambda: any(e["serial"] == 30 for e in rmw.events(out))
                   and rmw.events(out))
    check("remote events carry no context and no host",
          evs and all("context" not in e and "host" not in e
                      for e in evs), str(evs)[-400:])
    c.close()
    c2.close()
    err = stop(p)
    check("clean exit", p.returncode == 0, err[-500:])


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])     # utime + stime


def test_fd_limit(vigild, d):
    """Out of descriptors, accepting waits a second instead of spinning
    (the refused connection stays in the listen queue, the socket stays
    readable: the loop that reads the kernel spun at 100% CPU)."""
    port = rmw.free_port()
    out = os.path.join(d, "fd.json")

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (40, 40))

    p = subprocess.Popen([vigild, "-f", "--no-kernel", "--listen",
                          f"tcp://127.0.0.1:{port}", "-o", f"json:{out}"],
                         stderr=subprocess.PIPE, text=True,
                         preexec_fn=limit)
    held = []
    time.sleep(1)
    for i in range(60):
        s = socket.socket()
        s.bind((f"127.2.0.{i + 1}", 0))
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            s.close()
            break
        held.append(s)
    time.sleep(0.5)
    t0 = cpu_ticks(p.pid)
    time.sleep(2)
    used = (cpu_ticks(p.pid) - t0) / os.sysconf("SC_CLK_TCK")
    check(f"out of descriptors: no spin ({used:.2f} s CPU in 2 s)",
          used < 0.5)
    for s in held:
        s.close()
    def client():
        try:
            return rmw.Client(port)
        except OSError:
            return None
    c = wait_for(client, timeout=5)
    ok = False
    if c is not None:
        acks = [c.send(line + "\n") for line in rmw.event_lines("hostF", 7)]
        ok = all(a and a["type"] == rmw.ACK for a in acks)
        c.close()
    check("descriptors back: a client is served again", ok)
    err = stop(p)
    check("out of descriptors: said once, clean exit",
          p.returncode == 0 and "cannot accept" in err, err[-300:])


def test_output_failure_replies(vigild, d):
    """Messages read while an output fails are answered DISKERROR, not
    ACK (as auditd answers while its logging is suspended): the file
    size limit stops the json output part way."""
    port = rmw.free_port()
    out = os.path.join(d, "full.json")

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))

    p = subprocess.Popen([vigild, "-f", "--no-kernel", "--listen",
                          f"tcp://127.0.0.1:{port}", "-o", f"json:{out}"],
                         stderr=subprocess.PIPE, text=True,
                         preexec_fn=limit)
    time.sleep(1)
    c = rmw.Client(port)
    types = []
    for serial in range(1, 201):
        for line in rmw.event_lines("hostD", serial):
            r = c.send(line + "\n")
            types.append(r and r["type"])
    c.close()
    stop(p)
    ack = types.count(rmw.ACK)
    err = types.count(rmw.DISKERROR)
    check(f"output failing: DISKERROR replies ({ack} ACK, {err} DISKERROR)",
          ack > 0 and err > 0 and ack + err == len(types) and
          os.path.getsize(out) <= 20000)


def test_pins(vigild, d):
    """One address may claim 8 node names, and a name that is an address
    only by that address: one client filled the 4096 names by
    reconnecting (every later node refused), or took another host's."""
    port = rmw.free_port()
    out = os.path.join(d, "pins.json")
    p = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}?max_per_addr=4",
                           out)
    acked = 0
    for i in range(10):
        c = rmw.Client(port)
        r = c.send(rmw.event_lines(f"pin{i}", 1)[0])
        acked += bool(r and r["type"] == rmw.ACK)
        c.close()
    check(f"8 names from one address ({acked} acked of 10)", acked == 8)
    def from_addr(src):
        s = socket.socket()
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        return rmw.Client(port, sock=s)
    c = from_addr("127.0.0.3")
    r = c.send(rmw.event_lines("127.0.0.9", 1)[0])
    check("another address as a name: disconnected",
          r is None and c.closed(), str(r))
    c.close()
    c = from_addr("127.0.0.3")
    r = c.send(rmw.event_lines("127.0.0.3", 2)[0])
    check("its own address as a name: acked", r and r["type"] == rmw.ACK,
          str(r))
    c.close()
    err = stop(p)
    check("pins: clean exit", p.returncode == 0, err[-300:])


def test_ascii(vigild, d):
    port = rmw.free_port()
    out = os.path.join(d, "ascii.json")
    p = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}", out)
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(("\n".join(rmw.event_lines("hostB", 30)) + "\n").encode())
    evs = wait_for(lambda: rmw.events(out))
    check("ascii format records", evs and evs[0].get("node") == "hostB" and
          evs[0]["serial"] == 30, str(evs))
    s.close()
    stop(p)


def test_hostile(vigild, d):
    port = rmw.free_port()
    out = os.path.join(d, "hostile.json")
    p = rmw.start_listener(
        vigild, f"tcp://[::]:{port}?max_per_addr=3", out, "-v")
    good = rmw.Client(port)
    good.send(rmw.event_lines("good", 1)[0])
    # bad magic after a managed start: framing broken
    bad = rmw.Client(port)
    bad.send(rmw.event_lines("bad1", 1)[0])
    bad.send_raw(rmw.header(0, 5, 9, hver=7) + b"hello")
    check("unknown header version: disconnected", bad.closed())
    bad.close()
    # a second node name on one connection
    forger = rmw.Client(port)
    r1 = forger.send(rmw.event_lines("mallory", 1)[0])
    r2 = forger.send(rmw.event_lines("good", 2)[0])
    check("second node name: not acked, disconnected",
          r1 and r1["type"] == rmw.ACK and r2 is None and forger.closed(),
          f"{r1} {r2}")
    forger.close()
    # another address's name: "good" is pinned to 127.0.0.1 and so is
    # mallory; a v6 loopback client claiming "good" is someone else
    try:
        s6 = socket.create_connection(("::1", port), timeout=2)
        six = None
    except OSError:
        s6 = None
    if s6 is not None:
        six = rmw.Client(port, sock=s6)
        r = six.send(rmw.event_lines("good", 3)[0])
        check("node name of another address: disconnected",
              r is None and six.closed(), str(r))
        six.close()
    # a line that never ends
    flood = socket.create_connection(("127.0.0.1", port))
    try:
        flood.sendall(b"type=SYSCALL " + b"a" * 200000)
    except OSError:
        pass
    fc = rmw.Client(port, sock=flood)
    check("endless line: disconnected", fc.closed())
    fc.close()
    # the well-behaved one is still served
    r = good.send(rmw.event_lines("good", 1)[1])
    check("others unaffected", r and r["type"] == rmw.ACK, str(r))
    # max_per_addr=3: good + 3 more; the 4th from 127.0.0.1 is refused
    extra = [rmw.Client(port) for _ in range(2)]
    over = rmw.Client(port)
    check("max_per_addr: connection refused", over.closed())
    for x in extra + [over]:
        x.close()
    # the events of "good" made it, the forger's second one did not
    evs = wait_for(lambda: [e for e in rmw.events(out)
                            if e.get("node") == "good"])
    check("good client's event written", evs and evs[0]["serial"] == 1,
          str(evs))
    check("forged record not written",
          not any(e.get("node") == "good" and e["serial"] in (2, 3)
                  for e in rmw.events(out)))
    p.send_signal(signal.SIGCONT)
    time.sleep(0.3)
    # SIGTERM: the managed client gets ENDING
    good.s.settimeout(5)
    p.send_signal(signal.SIGTERM)
    r = good.recv_reply()
    check("ENDING on shutdown", r and r["type"] == rmw.ENDING, str(r))
    good.close()
    err = stop(p)
    check("counters in the SIGCONT dump",
          "kicked_bad=2" in err and "kicked_forged=" in err and
          "refused=1" in err, err[-1500:])


def test_idle(vigild, d):
    port = rmw.free_port()
    p = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}?idle=1",
                           os.path.join(d, "idle.json"), "-v")
    idle = rmw.Client(port)
    t0 = time.time()
    gone = idle.closed(timeout=5)
    check("idle client disconnected after idle=", gone and
          time.time() - t0 >= 0.9, f"{time.time() - t0:.1f}s")
    idle.close()
    p.send_signal(signal.SIGCONT)
    time.sleep(0.3)
    err = stop(p)
    check("idle counted", "kicked_idle=1" in err, err[-500:])


def test_bad_specs(vigild, d):
    for spec, want in (("tcp://127.0.0.1", "PORT"),
                       ("udp://127.0.0.1:1", "tcp://"),
                       ("tcp://127.0.0.1:1?bogus=1", "unknown option"),
                       ("tcp://127.0.0.1:1?trust=300.1.1.1", "trust="),
                       ("tls://127.0.0.1:1", "cert="),
                       ("tls://127.0.0.1:1?cert=/x.pem&key=/x.key",
                        "needs ca=")):
        p = rmw.start_listener(vigild, spec, os.path.join(d, "x.json"))
        try:
            _, err = p.communicate(timeout=5)
        except Exception:
            err = stop(p)
        check(f"bad spec {spec} refused", p.returncode != 0 and want in err,
              err[-300:])


def write(path, text, mode=0o640):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def test_dropin(vigild, d, distribute):
    """auditd.conf's tcp_listen_port: the auditd log keeps the sender's
    node (name_format names local events only, and no client may take
    that name); plugins get network events only with distribute_network
    = yes."""
    if os.geteuid() != 0:
        print("skip drop-in part: plugins need root")
        return
    port = rmw.free_port()
    w = os.path.join(d, f"dropin{distribute}")
    os.makedirs(os.path.join(w, "plugins.d"))
    os.chmod(w, 0o700)
    log = os.path.join(w, "audit.log")
    plugout = os.path.join(w, "plugin.out")
    write(os.path.join(w, "plug"), f"#!/bin/sh\nexec cat > {plugout}\n",
          0o750)
    write(os.path.join(w, "plugins.d", "p.conf"),
          f"active = yes\ndirection = out\npath = {w}/plug\n"
          f"type = always\nformat = string\n")
    conf = os.path.join(w, "auditd.conf")
    write(conf, f"log_file = {log}\nlog_format = RAW\nflush = none\n"
          f"name_format = user\nname = aggr\n"
          f"plugin_dir = {w}/plugins.d\nspace_left = 2\n"
          f"admin_space_left = 1\ntcp_listen_port = {port}\n"
          f"use_libwrap = no\ntcp_max_per_addr = 2\n"
          f"distribute_network = {distribute}\n")
    p = subprocess.Popen([vigild, "-f", "--no-kernel", "--auditd-conf",
                          conf, "-o", f"json:{w}/out.json"],
                         stderr=subprocess.PIPE, text=True)
    c = None
    if wait_for(lambda: p.poll() is not None or
                rmw.free_port_busy(port)):
        try:
            c = rmw.Client(port)
        except OSError:
            c = None
    check(f"drop-in tcp_listen_port listens (distribute={distribute})",
          c is not None)
    if c is not None:
        for line in rmw.event_lines("hostX", 77):
            c.send(line)
        c.close()
        # the name local events have is not a client's
        c = rmw.Client(port)
        r = c.send(rmw.event_lines("AGGR", 78)[0])
        check(f"a client naming itself as the aggregator: disconnected "
              f"(distribute={distribute})", r is None and c.closed(),
              str(r))
        c.close()
    logged = wait_for(lambda: b"node=hostX type=SYSCALL" in
                      open(log, "rb").read() if os.path.exists(log) else 0)
    check(f"auditd log keeps the sender's node (distribute={distribute})",
          logged and b"node=aggr type=SYSCALL" not in open(log, "rb").read()
          and b"AGGR" not in open(log, "rb").read())
    time.sleep(0.5)
    err = stop(p)
    got = open(plugout, "rb").read() if os.path.exists(plugout) else b""
    if distribute == "yes":
        check("distribute_network = yes: plugins get network events",
              b"node=hostX type=SYSCALL" in got, repr(got[:300]))
    else:
        check("distribute_network = no: plugins do not",
              b"hostX" not in got and p.returncode == 0,
              repr(got[:300]) + err[-300:])


def pki(d, name):
    """CA and server (127.0.0.1) and client (cli) certificates in
    d/name, made with openssl."""
    c = os.path.join(d, name)
    os.makedirs(c)

    def ossl(*a):
        subprocess.run(["openssl"] + list(a), check=True,
                       capture_output=True)
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", f"/CN={name} CA", "-keyout", f"{c}/ca.key", "-out",
         f"{c}/ca.pem")
    for who, san in (("server", "IP:127.0.0.1"), ("cli", "DNS:cli")):
        ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={who}",
             "-keyout", f"{c}/{who}.key", "-out", f"{c}/{who}.csr")
        write(f"{c}/{who}.ext", f"subjectAltName={san}\n")
        ossl("x509", "-req", "-in", f"{c}/{who}.csr", "-CA", f"{c}/ca.pem",
             "-CAkey", f"{c}/ca.key", "-CAcreateserial", "-days", "2",
             "-extfile", f"{c}/{who}.ext", "-out", f"{c}/{who}.pem")
    return c


def send_tls(vigild, port, c, serial):
    """One event by a replaying vigild over remote+tls with pki c."""
    r = subprocess.run(
        [vigild, "--replay", "-", "-o",
         f"remote+tls://127.0.0.1:{port}?node=cli&ca={c}/ca.pem&"
         f"cert={c}/cli.pem&key={c}/cli.key&drain_ms=1500"],
        input="\n".join(rmw.event_lines(None, serial)) + "\n",
        capture_output=True, text=True, timeout=30)
    return r


def test_tls_reload(vigild, d):
    """SIGHUP loads the listener's certificate files again: clients of
    the new CA get in, those of the old one no longer."""
    if subprocess.run(["which", "openssl"], capture_output=True).returncode:
        print("skip TLS reload: no openssl")
        return
    old, new = pki(d, "old"), pki(d, "new")
    live = os.path.join(d, "live")
    os.makedirs(live)
    for f in ("server.pem", "server.key", "ca.pem"):
        shutil.copy(os.path.join(old, f), os.path.join(live, f))
    port = rmw.free_port()
    out = os.path.join(d, "reload.json")
    p = rmw.start_listener(
        vigild, f"tls://127.0.0.1:{port}?cert={live}/server.pem&"
        f"key={live}/server.key&ca={live}/ca.pem&max_per_addr=4", out,
        "-v")
    send_tls(vigild, port, old, 501)
    for f in ("server.pem", "server.key", "ca.pem"):
        shutil.copy(os.path.join(new, f), os.path.join(live, f))
    p.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    send_tls(vigild, port, new, 502)
    send_tls(vigild, port, old, 503)
    time.sleep(0.5)
    err = stop(p)
    serials = {e["serial"] for e in rmw.events(out)}
    check("TLS: old certificates before SIGHUP", 501 in serials,
          err[-500:])
    check("TLS: SIGHUP reloads the certificates", 502 in serials and
          "certificates reloaded" in err, err[-500:])
    check("TLS: the old CA's clients are refused after", 503 not in
          serials, str(serials))


def main():
    vigild = vtest.vigild_path()
    with tempfile.TemporaryDirectory(prefix="vg_listen_") as d:
        test_protocol(vigild, d)
        test_fd_limit(vigild, d)
        test_pins(vigild, d)
        test_output_failure_replies(vigild, d)
        test_ascii(vigild, d)
        test_hostile(vigild, d)
        test_idle(vigild, d)
        test_bad_specs(vigild, d)
        test_tls_reload(vigild, d)
        test_dropin(vigild, d, "no")
        test_dropin(vigild, d, "yes")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
