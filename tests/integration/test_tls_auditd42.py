#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_tls_auditd42.py BUILD_DIR: vigild and the real auditd 4.2.1 over
auditd's TLS transport (tls_auth = psk; docs/fleet.md "TLS"). The 4.2.1
binaries are Debian sid's, unpacked by scripts/get-auditd42.sh into a
cache (VIGIL_AUDITD42_CACHE, default ~/.cache/vigil/auditd42) and run
through sid's ld.so; nothing is installed.
  - audisp-remote 4.2.1 (transport = tls, tls_psk_file,
    tls_psk_identity) fed records on stdin -> vigild --no-kernel
    --listen tls://127.0.0.1:PORT?psk=...&psk_identity=...: every event
    arrives, in order, with its node= (or the identity when it has
    none); a wrong key and an unknown identity are refused and counted
    (tls_failed), a PSK client naming another node is kicked; with
    allowed_clients= (a key per identity) it gets in with its own key
    and a disabled identity does not.
  - vigild remote+tls://...?psk=...&psk_identity=... -> auditd 4.2.1 as
    an aggregator (local_events = no: it neither takes the audit pid
    nor sets the enabled flag: its pid is checked) with transport = tls: its log
    has the records with node=, and its own DAEMON_ACCEPT says auth=psk;
    a wrong key is refused there.
  - the same auditd.conf (transport = tls, tls_psk_file, ...) run by
    vigild in drop-in mode, audisp-remote 4.2.1 sending: vigild's auditd
    log has the records with node=.
Needs root (the key files must be root's, as auditd wants), unshare,
curl and dpkg-deb (77 otherwise, or when the packages cannot be
fetched)."""
import os
import re
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
HERE = os.path.dirname(os.path.abspath(__file__))
GET = os.path.join(HERE, "..", "..", "scripts", "get-auditd42.sh")
ID = "sender42"
N = 20


def write(path, text, mode):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def stop(p, timeout=10):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    return err or ""


def listen_stats(err):
    m = re.findall(r"^listen tls://\S+: (.*)$", err, re.M)
    return dict(kv.split("=", 1) for kv in m[-1].split()) if m else {}


def serials(path, node):
    return [e["serial"] for e in rmw.events(path) if e.get("node") == node]


def replay_to(vigild, port, opts, lines):
    """vigild --replay of lines to remote+tls://127.0.0.1:port?opts."""
    return subprocess.run(
        [vigild, "--replay", "-", "-o",
         f"remote+tls://127.0.0.1:{port}?{opts}&drain_ms=2000"],
        input="".join(x + "\n" for x in lines), capture_output=True,
        text=True, timeout=60)


def audisp_remote(bin_dir, d, name, port, key, ident, lines, timeout=30):
    """Runs sid's audisp-remote with its fixed config path replaced (a
    private mount namespace, as test_fleet.py does for 3.0.9) and lines
    on stdin; it sends them, flushes at EOF and exits."""
    conf = os.path.join(d, f"{name}.conf")
    write(conf, f"""remote_server = 127.0.0.1
port = {port}
transport = tls
tls_auth = psk
tls_psk_file = {key}
tls_psk_identity = {ident}
mode = immediate
queue_depth = 2048
format = managed
network_retry_time = 1
max_tries_per_record = 2
max_time_per_record = 3
heartbeat_timeout = 0
network_failure_action = stop
remote_ending_action = reconnect
startup_failure_action = warn_once_continue
""", 0o600)
    sh = (f"mount --bind {conf} /etc/audit/audisp-remote.conf && "
          f"exec {bin_dir}/audisp-remote")
    try:
        return subprocess.run(
            ["unshare", "-m", "--propagation", "private", "sh", "-c", sh],
            input="".join(x + "\n" for x in lines), capture_output=True,
            text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return e


def test_audisp_remote_to_vigild(vigild, bin_dir, d, key, bad):
    port = rmw.free_port()
    out = os.path.join(d, "from-ar.json")
    p = rmw.start_listener(
        vigild, f"tls://127.0.0.1:{port}?psk={key}&psk_identity={ID}&"
        "max_per_addr=4", out, "-v")
    lines = []
    for s in range(1, N + 1):
        lines += rmw.event_lines(ID, s)
    lines += rmw.event_lines(None, 500)      # no node=: the identity's
    r = audisp_remote(bin_dir, d, "ar-good", port, key, ID, lines)
    got = wait_for(lambda: len(serials(out, ID)) >= N + 1 and
                   serials(out, ID), timeout=10) or serials(out, ID)
    check("audisp-remote 4.2.1 -> vigild PSK: every event, node kept",
          sorted(got) == list(range(1, N + 1)) + [500],
          f"got {got}; audisp-remote rc "
          f"{getattr(r, 'returncode', 'timeout')}: "
          f"{getattr(r, 'stderr', '')}")
    check("audisp-remote 4.2.1 -> vigild PSK: in order, none twice",
          got == sorted(got) and len(got) == len(set(got)), str(got))
    # a PSK client may use only its identity as node name
    fr = replay_to(vigild, port, f"psk={key}&psk_identity={ID}",
                   rmw.event_lines("otherhost", 800))
    p.send_signal(signal.SIGCONT)
    time.sleep(0.5)
    err = stop(p)
    st = listen_stats(err)
    check("no TLS failure counted for good clients (nor the probe)",
          st.get("tls_failed") == "0", str(st))
    check("PSK client naming another node: kicked",
          800 not in serials(out, "otherhost") and
          int(st.get("kicked_forged", 0)) >= 1, f"{st} {fr.stderr[-300:]}")
    check("log names the PSK identity",
          f"PSK identity {ID}" in err and "TLSv1.3" in err, err[-800:])
    # a wrong key; an unknown identity with the right key: one listener
    # each, as its warnings are rate-limited
    for name, k, ident, serial, want in (
            ("a wrong key", bad, ID, 600, "binder does not verify"),
            ("an unknown identity", key, "intruder", 700,
             'unknown PSK identity "intruder"')):
        port = rmw.free_port()
        out = os.path.join(d, f"refused-{serial}.json")
        p = rmw.start_listener(
            vigild, f"tls://127.0.0.1:{port}?psk={key}&psk_identity={ID}",
            out)
        audisp_remote(bin_dir, d, f"ar-{serial}", port, k, ident,
                      rmw.event_lines(ident, serial), timeout=20)
        p.send_signal(signal.SIGCONT)
        time.sleep(0.5)
        err = stop(p)
        st = listen_stats(err)
        check(f"audisp-remote 4.2.1 with {name}: refused, counted",
              rmw.events(out) == [] and want in err and
              int(st.get("tls_failed", 0)) >= 1, f"{st} {err[-600:]}")


def test_allowed_clients(vigild, bin_dir, d, key, bad):
    """allowed_clients= with a key per identity (auditd's
    tls_allowed_clients format): audisp-remote 4.2.1 gets in with its
    own key, a disabled identity does not."""
    acl = os.path.join(d, "allowed_clients")
    write(acl, f"# identity status\n{ID} enabled key={key}\n"
          f"retired disabled key={bad}\n", 0o600)
    port = rmw.free_port()
    out = os.path.join(d, "acl.json")
    p = rmw.start_listener(
        vigild, f"tls://127.0.0.1:{port}?allowed_clients={acl}&"
        "max_per_addr=4", out, "-v")
    audisp_remote(bin_dir, d, "ar-acl", port, key, ID,
                  rmw.event_lines(ID, 1000))
    audisp_remote(bin_dir, d, "ar-retired", port, bad, "retired",
                  rmw.event_lines("retired", 1001), timeout=20)
    wait_for(lambda: serials(out, ID))
    p.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    err = stop(p)
    check("allowed_clients, key per identity: audisp-remote 4.2.1 in",
          serials(out, ID) == [1000], err[-600:])
    check("SIGHUP reads the key files again",
          "pre-shared keys reloaded" in err, err[-600:])
    check("allowed_clients: a disabled identity is refused",
          serials(out, "retired") == [] and
          'disabled PSK identity "retired"' in err, err[-600:])


def audit_pid():
    """The kernel's audit daemon pid (netlink status), None if unknown."""
    try:
        return kernel_guard.status()["pid"]
    except (OSError, TimeoutError):
        return None


def agg_conf(d, name, port, key):
    """An aggregator's auditd.conf with transport = tls, in d/name; the
    same file serves auditd 4.2.1 and vigild's drop-in mode. Returns
    (directory, log file)."""
    agg = os.path.join(d, name)
    os.makedirs(os.path.join(agg, "plugins.d"))
    log = os.path.join(agg, "audit.log")
    write(os.path.join(agg, "auditd.conf"), f"""local_events = no
write_logs = yes
log_file = {log}
log_format = RAW
flush = INCREMENTAL_ASYNC
freq = 1
name_format = NONE
space_left = 2
admin_space_left = 1
plugin_dir = {agg}/plugins.d
tcp_listen_port = {port}
tcp_listen_queue = 5
tcp_max_per_addr = 4
use_libwrap = no
transport = tls
tls_auth = psk
tls_crypto_profile = compatible
tls_psk_file = {key}
tls_psk_identity = {ID}
""", 0o640)
    return agg, log


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def logged_serials(text):
    return [int(x) for x in re.findall(
        rf"^node={ID} type=SYSCALL msg=audit\(1700000000\.123:(\d+)\):",
        text, re.M)]


def test_dropin(vigild, bin_dir, d, key):
    """vigild in drop-in mode on the aggregator's auditd.conf (transport
    = tls, tls_psk_file, tls_psk_identity), audisp-remote 4.2.1 sending:
    vigild's auditd log has the records with node=."""
    port = rmw.free_port()
    agg, log = agg_conf(d, "dropin", port, key)
    p = subprocess.Popen([vigild, "-f", "--no-kernel", "--auditd-conf",
                          os.path.join(agg, "auditd.conf")],
                         stderr=subprocess.PIPE, text=True)
    up = wait_for(lambda: p.poll() is not None or
                  rmw.free_port_busy(port), timeout=30)
    lines = []
    for s in range(1, N + 1):
        lines += rmw.event_lines(ID, s)
    if up and p.poll() is None:
        audisp_remote(bin_dir, d, "ar-dropin", port, key, ID, lines)
        wait_for(lambda: len(logged_serials(read(log))) >= N)
    err = stop(p)
    got = logged_serials(read(log))
    check("drop-in transport = tls: audisp-remote 4.2.1 -> vigild's "
          "auditd log, all in order with node=",
          got == list(range(1, N + 1)), f"{got} {err[-600:]}")


def test_vigild_to_auditd(vigild, bin_dir, d, key, bad):
    port = rmw.free_port()
    agg, log = agg_conf(d, "agg", port, key)
    p = subprocess.Popen(
        ["unshare", "-m", "--propagation", "private", "sh", "-c",
         f"mount -t tmpfs tmpfs /run && exec {bin_dir}/auditd -n -c {agg}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    up = wait_for(lambda: p.poll() is not None or
                  rmw.free_port_busy(port), timeout=30)
    if not (up and p.poll() is None):
        check("auditd 4.2.1 aggregator up (transport = tls)", False,
              stop(p)[-800:])
        return
    check("auditd 4.2.1 aggregator up (transport = tls)", True)
    # local_events = no: auditd neither registers nor sets the flag
    # (src/auditd.c, opt_aggregate_only); the kernel is shared, so only
    # its pid is checked, which no other test can make auditd's
    check("auditd 4.2.1 (local_events = no) does not take the audit pid",
          audit_pid() != p.pid, f"audit pid {audit_pid()} auditd {p.pid}")
    lines = []
    for s in range(1, N + 1):
        lines += rmw.event_lines(None, s)
    r = replay_to(vigild, port, f"psk={key}&psk_identity={ID}&node={ID}",
                  lines)
    rb = replay_to(vigild, port, f"psk={bad}&psk_identity={ID}&node={ID}",
                   rmw.event_lines(None, 900))

    wait_for(lambda: len(logged_serials(read(log))) >= N, timeout=10)
    out = stop(p)
    text = read(log)
    got = logged_serials(text)
    check("vigild remote+tls PSK -> auditd 4.2.1: all records, node kept",
          sorted(set(got)) == list(range(1, N + 1)),
          f"got {got}; vigild: {r.stderr[-500:]} auditd: {out[-500:]}")
    check("vigild remote+tls PSK -> auditd 4.2.1: in order, none twice",
          got == sorted(got) and len(got) == len(set(got)), str(got))
    check("auditd accepted vigild as its PSK identity",
          re.search(rf"type=DAEMON_ACCEPT .*op=tls-accept res=success .*"
                    rf"id={ID} .*auth=psk tls_version=TLSv1.3", text),
          text[-1500:])
    check("auditd refuses vigild with a wrong key",
          900 not in got and re.search(
              r"type=DAEMON_ACCEPT .*res=no .*reason=handshake-error", text)
          and "decrypt error" in rb.stderr, rb.stderr[-500:])


def main():
    vigild = vtest.vigild_path()
    if os.geteuid() != 0:
        vtest.skip("needs root (auditd wants root-owned key files; "
                   "unshare -m)")
    for tool in ("unshare", "curl", "dpkg-deb"):
        if subprocess.run(["which", tool], capture_output=True).returncode:
            vtest.skip(f"needs {tool}")
    cache = os.environ.get("VIGIL_AUDITD42_CACHE",
                           os.path.expanduser("~/.cache/vigil/auditd42"))
    r = subprocess.run(["sh", GET, cache], capture_output=True, text=True,
                       timeout=600)
    if r.returncode == 77:
        vtest.skip("auditd 4.2.1 not available: " + r.stderr.strip())
    if r.returncode != 0:
        print(r.stderr)
        check("scripts/get-auditd42.sh", False, r.stderr[-500:])
        return check.summary()
    bin_dir = r.stdout.strip()
    with tempfile.TemporaryDirectory(prefix="vg_auditd42_") as d:
        os.chmod(d, 0o755)
        key, bad = os.path.join(d, "psk.key"), os.path.join(d, "bad.key")
        write(key, os.urandom(32).hex() + "\n", 0o400)
        write(bad, os.urandom(32).hex() + "\n", 0o400)
        test_audisp_remote_to_vigild(vigild, bin_dir, d, key, bad)
        test_allowed_clients(vigild, bin_dir, d, key, bad)
        test_vigild_to_auditd(vigild, bin_dir, d, key, bad)
        test_dropin(vigild, bin_dir, d, key)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
