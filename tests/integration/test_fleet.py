#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_fleet.py BUILD_DIR: two vigild on this machine, as a fleet
(docs/fleet.md). The first is the live audit daemon (unicast, through
kernel_guard) and sends; the second is an aggregator (--no-kernel
--listen tcp://127.0.0.1:PORT). A known workload (execs of /bin/true
with a marker argument) must arrive at the second with the first's node
name, none lost, in order:
  - sent by Debian's real audisp-remote, run from plugins.d by the first
    as auditd runs it (its fixed /etc/audit/audisp-remote.conf replaced
    by the test's in a private mount namespace);
  - sent by the native remote:// output;
  - the same with the receiver restarted in the middle (the sender's
    resend covers the gap);
  - remote+tls:// to a tls:// listener, certificates made here with
    openssl: verified at both ends, a client whose certificate names
    another node is refused.
Needs root, kernel audit, /sbin/audisp-remote, openssl, unshare (77
otherwise); kernel_guard restores the kernel."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernel_guard  # noqa: E402
import rmw  # noqa: E402
import vtest  # noqa: E402
from vtest import wait_for  # noqa: E402

check = vtest.Checks("live")
N = 40
KEY = "vgfleet"


def write(path, text, mode=0o600):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def rules(d):
    path = os.path.join(d, "fleet.rules")
    write(path, f"-a always,exit -F arch=b64 -S execve -F path=/bin/true "
          f"-F key={KEY}\n")
    return path


def workload(tag, lo, hi):
    for i in range(lo, hi):
        subprocess.run(["/bin/true", f"{tag}-{i}"], check=True)


def marks(path, node, tag):
    """The workload's marker numbers in the receiver's output, in order
    of arrival, from node only."""
    got = []
    for e in rmw.events(path):
        if e.get("node") != node or KEY not in (e.get("keys") or []):
            continue
        argv = (e.get("execve") or {}).get("argv") or []
        if len(argv) > 1 and isinstance(argv[1], str) and \
                argv[1].startswith(tag + "-"):
            got.append(int(argv[1].split("-")[-1]))
    return got


def verdict(name, got, want):
    check(f"{name}: all {len(want)} events with the sender's node",
          sorted(set(got)) == want, f"missing {sorted(set(want) - set(got))}"
          f" extra {sorted(set(got) - set(want))}")
    check(f"{name}: in order", got == sorted(got), str(got))
    check(f"{name}: none twice", len(got) == len(set(got)),
          f"{len(got)} for {len(set(got))}")


def start_sender(g, vigild, argv):
    p, up = g.spawn_daemon(argv, timeout=10, step=0.1,
                           stderr=subprocess.PIPE, text=True)
    check("sender is the audit daemon", up)
    return p


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return err or ""


def test_audisp_remote(g, vigild, d):
    port = rmw.free_port()
    out = os.path.join(d, "ar.json")
    recv = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}", out)
    w = os.path.join(d, "ar")
    os.makedirs(os.path.join(w, "plugins.d"))
    os.chmod(w, 0o700)
    rconf = os.path.join(w, "audisp-remote.conf")
    write(rconf, f"remote_server = 127.0.0.1\nport = {port}\n"
          "transport = tcp\nmode = immediate\nqueue_depth = 10240\n"
          "format = managed\nnetwork_retry_time = 1\n"
          "max_tries_per_record = 60\nmax_time_per_record = 60\n"
          "heartbeat_timeout = 0\nnetwork_failure_action = syslog\n"
          "remote_ending_action = reconnect\n", 0o640)
    write(os.path.join(w, "plugins.d", "au-remote.conf"),
          "active = yes\ndirection = out\npath = /sbin/audisp-remote\n"
          "type = always\nformat = string\n", 0o640)
    conf = os.path.join(w, "auditd.conf")
    write(conf, f"log_file = {w}/audit.log\nlog_format = RAW\n"
          f"flush = none\nname_format = user\nname = sender-ar\n"
          f"plugin_dir = {w}/plugins.d\nspace_left = 2\n"
          f"admin_space_left = 1\n", 0o640)
    # audisp-remote reads /etc/audit/audisp-remote.conf only: the
    # test's is bound over it for the sender and its children alone
    sh = (f"mount --bind {rconf} /etc/audit/audisp-remote.conf && "
          f"exec {vigild} -f --auditd-conf {conf} --rules {rules(d)} "
          f"-o json:{w}/local.json")
    snd = start_sender(g, vigild, ["unshare", "-m", "--propagation",
                                   "private", "sh", "-c", sh])
    time.sleep(1)
    workload("ar", 0, N)
    got = wait_for(lambda: len(set(marks(out, "sender-ar", "ar"))) >= N
                   and marks(out, "sender-ar", "ar"), timeout=20)
    verdict("audisp-remote", got or marks(out, "sender-ar", "ar"),
            list(range(N)))
    err = stop(snd)
    rerr = stop(recv)
    if not got:
        print(err[-1500:], rerr[-1500:])


def test_native(g, vigild, d, restart):
    name = "native-restart" if restart else "native"
    port = rmw.free_port()
    out = os.path.join(d, name + ".json")
    recv = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}", out)
    snd = start_sender(g, vigild, [
        vigild, "-f", "--rules", rules(d), "-o",
        f"remote://127.0.0.1:{port}?node=sender-{name}&ack_timeout=5",
        "-o", f"json:{d}/{name}-local.json"])
    time.sleep(1)
    workload(name, 0, N // 2)
    if restart:
        wait_for(lambda: len(marks(out, f"sender-{name}", name)) >= 5)
        stop(recv)
        workload(name, N // 2, N)
        time.sleep(1)
        recv = rmw.start_listener(vigild, f"tcp://127.0.0.1:{port}", out)
    else:
        workload(name, N // 2, N)
    got = wait_for(lambda: len(set(marks(out, f"sender-{name}", name)))
                   >= N and marks(out, f"sender-{name}", name),
                   timeout=30)
    verdict(name, got or marks(out, f"sender-{name}", name),
            list(range(N)))
    err = stop(snd)
    stop(recv)
    if not got:
        print(err[-1500:])


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True,
                   capture_output=True)


def make_certs(d):
    """A CA, a server certificate for 127.0.0.1, client certificates
    for sender-tls and for mallory."""
    c = os.path.join(d, "pki")
    os.makedirs(c)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=vigil test CA", "-keyout", f"{c}/ca.key",
            "-out", f"{c}/ca.pem")
    for name, san in (("server", "IP:127.0.0.1,DNS:localhost"),
                      ("sender-tls", "DNS:sender-tls"),
                      ("mallory", "DNS:mallory")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj",
                f"/CN={name}", "-keyout", f"{c}/{name}.key", "-out",
                f"{c}/{name}.csr")
        write(f"{c}/{name}.ext", f"subjectAltName={san}\n")
        openssl("x509", "-req", "-in", f"{c}/{name}.csr", "-CA",
                f"{c}/ca.pem", "-CAkey", f"{c}/ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", f"{c}/{name}.ext", "-out",
                f"{c}/{name}.pem")
    return c


def test_tls(g, vigild, d):
    c = make_certs(d)
    port = rmw.free_port()
    out = os.path.join(d, "tls.json")
    spec = (f"tls://127.0.0.1:{port}?cert={c}/server.pem&key={c}/"
            f"server.key&ca={c}/ca.pem&max_per_addr=4")
    recv = rmw.start_listener(vigild, spec, out, "-v")
    cli = f"ca={c}/ca.pem&cert={c}/sender-tls.pem&key={c}/sender-tls.key"
    snd = start_sender(g, vigild, [
        vigild, "-f", "--rules", rules(d), "-o",
        f"remote+tls://127.0.0.1:{port}?node=sender-tls&{cli}"])
    time.sleep(1)
    workload("tls", 0, N)
    got = wait_for(lambda: len(set(marks(out, "sender-tls", "tls"))) >= N
                   and marks(out, "sender-tls", "tls"), timeout=30)
    verdict("tls", got or marks(out, "sender-tls", "tls"), list(range(N)))
    stop(snd)
    # mallory's certificate claiming sender-tls: refused; no
    # certificate: no handshake
    forged = subprocess.run(
        [vigild, "--replay", "-", "-o",
         f"remote+tls://127.0.0.1:{port}?node=sender-tls&ca={c}/ca.pem&"
         f"cert={c}/mallory.pem&key={c}/mallory.key&drain_ms=2000"],
        input="\n".join(rmw.event_lines(None, 999, extra="forged")) + "\n",
        capture_output=True, text=True, timeout=30)
    nocert = subprocess.run(
        [vigild, "--replay", "-", "-o",
         f"remote+tls://127.0.0.1:{port}?node=sender-tls&ca={c}/ca.pem&"
         f"drain_ms=2000"],
        input="\n".join(rmw.event_lines(None, 998)) + "\n",
        capture_output=True, text=True, timeout=30)
    # a sender that does not know the CA does not talk to the server
    noca = subprocess.run(
        [vigild, "--replay", "-", "-o",
         f"remote+tls://127.0.0.1:{port}?node=x&drain_ms=2000"],
        input="\n".join(rmw.event_lines(None, 997)) + "\n",
        capture_output=True, text=True, timeout=30)
    recv.send_signal(signal.SIGCONT)
    time.sleep(0.5)
    rerr = stop(recv)
    serials = {e["serial"] for e in rmw.events(out)}
    check("tls: a certificate for another node is refused",
          999 not in serials and "kicked_forged=0" not in rerr and
          "kicked_forged=" in rerr,
          forged.stderr[-300:] + rerr[-600:])
    check("tls: no client certificate, no connection",
          998 not in serials and "tls_failed=" in rerr and
          "tls_failed=0" not in rerr, nocert.stderr[-300:])
    check("tls: the sender verifies the server",
          997 not in serials and noca.returncode != 0 and
          "certificate verify failed" in noca.stderr, noca.stderr[-300:])


def main():
    vigild = vtest.vigild_path()
    for tool in ("openssl", "unshare"):
        if shutil.which(tool) is None:
            vtest.skip(f"needs {tool}")
    with kernel_guard.KernelGuard() as g, \
            tempfile.TemporaryDirectory(prefix="vg_fleet_") as d:
        os.chmod(d, 0o700)
        test_native(g, vigild, d, restart=False)
        test_native(g, vigild, d, restart=True)
        test_tls(g, vigild, d)
        if os.access("/sbin/audisp-remote", os.X_OK):
            test_audisp_remote(g, vigild, d)
        else:
            print("skip audisp-remote part: package audispd-plugins")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
