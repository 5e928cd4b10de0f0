#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_systemd_unit.py BUILD_DIR: vigild.service (the unit CMake
generated in BUILD_DIR, unchanged but for a drop-in that points
ExecStart at the vigild under test with --no-kernel) under a real
systemd: /lib/systemd/systemd boots as PID 1 of private pid, mount, uts,
ipc and cgroup namespaces (container=vigil-test, a tmpfs /run, its own
cgroups below a fresh one of the host's, / and /proc/sys read-only,
unit path limited to the test's units). Then `systemctl start` returns once vigild
sent READY=1 (Type=notify) and the unit is active, `systemctl reload`
(ExecReload: SIGHUP) is taken with RELOADING=1/READY=1 and leaves the
same main pid active, `systemctl stop` ends it cleanly (inactive,
Result=success, exit 0), and a configuration error (exit 6) fails the
start and is not restarted (RestartPreventExitStatus), all under the
unit's hardening (ProtectSystem, SystemCallFilter,
CapabilityBoundingSet...).

The audit daemon part cannot run there: the kernel refuses audit netlink
requests (even AUDIT_GET) from outside the initial pid namespace with
EPERM (checked), hence --no-kernel; test_sdnotify.py covers READY=1 with the kernel. Root,
systemd, unshare, nsenter and a cgroup layout known here (cgroup2 at
/sys/fs/cgroup or hybrid with name=systemd); 77 otherwise. Nothing of
the host is changed but two cgroups, removed at the end."""
import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

check = vtest.Checks()
SYSTEMD = "/lib/systemd/systemd"
CG = "/sys/fs/cgroup"

# Runs as PID 1 of the new namespaces, then execs systemd. $1: the
# test's directory (units/, vigild.conf, console.log); $2: the cgroup
# layout ("unified" or "hybrid").
INNER = r"""
set -e
D=$1
mount --make-rprivate /
mount -t tmpfs -o mode=755 tmpfs /run
mkdir -p /run/units /run/vigil-test
cp -r "$D"/units/. /run/units/
cp "$D"/vigild.conf /run/vigil-test/
mount --bind /proc/sys /proc/sys
mount -o remount,bind,ro /proc/sys
# systemd logs to the console: a file here, never the host's console
mount --bind "$D"/console.log /dev/console
mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
if [ "$2" = hybrid ]; then
	mkdir /sys/fs/cgroup/unified /sys/fs/cgroup/systemd
	mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
	mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
else
	umount /sys/fs/cgroup
	mount -t cgroup2 cgroup2 /sys/fs/cgroup
fi
# the host's files stay as they are: this namespace's / is read-only
mount -o remount,bind,ro /
export container=vigil-test SYSTEMD_UNIT_PATH=/run/units
exec %s --system --unit=vigil-test.target --log-target=console \
    --log-level=info --show-status=no
""" % SYSTEMD

# Moves itself into the new cgroups (so the cgroup namespace's root is
# one of its own), then unshares. $@: the cgroup directories, then --,
# then the inner script's arguments.
OUTER = r"""
while [ "$1" != -- ]; do echo $$ > "$1/cgroup.procs" || exit 1; shift; done
shift
exec unshare --pid --fork --mount --uts --ipc --cgroup --mount-proc \
    sh "$@"
"""

# AUDIT_GET (read-only) on audit netlink: prints the errno of the
# kernel's answer, 0 for a status reply.
PROBE = r"""
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
s.sendto(struct.pack("=LHHLL", 16, 1000, 5, 1, 0), (0, 0))
d = s.recv(8192)
typ = struct.unpack("=H", d[4:6])[0]
print(-struct.unpack("=i", d[16:20])[0] if typ == 2 else 0)
"""

TARGET = """[Unit]
Description=vigil test: nothing but what the test starts
DefaultDependencies=no
"""


def run(argv, timeout=30):
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout)


def layout():
    """'unified' (cgroup2 at /sys/fs/cgroup), 'hybrid' (name=systemd v1
    and cgroup2 at unified/), or None."""
    if os.path.exists(os.path.join(CG, "cgroup.controllers")):
        return "unified"
    if os.path.isdir(os.path.join(CG, "systemd")) and \
            os.path.exists(os.path.join(CG, "unified", "cgroup.procs")):
        return "hybrid"
    return None


def own_cgroup(hier):
    """Our cgroup path in hierarchy hier ('' = cgroup2, else a v1 name)."""
    with open("/proc/self/cgroup") as f:
        for line in f:
            _, ctl, path = line.rstrip("\n").split(":", 2)
            if (hier == "" and ctl == "") or ctl == "name=" + hier:
                return path
    return None


def make_cgroups(kind, name):
    """Fresh cgroups below ours, one per hierarchy systemd needs."""
    mounts = [("", CG)] if kind == "unified" else \
        [("systemd", CG + "/systemd"), ("", CG + "/unified")]
    dirs = []
    for hier, top in mounts:
        path = os.path.join(top, own_cgroup(hier).lstrip("/"), name)
        os.mkdir(path)
        dirs.append(path)
    return dirs


def remove_cgroups(dirs):
    for top in dirs:
        for root, _, _ in os.walk(top, topdown=False):
            try:
                os.rmdir(root)
            except OSError:
                pass


class Box:
    """systemd as PID 1 of private namespaces; stops it at exit."""

    def __init__(self, d, kind):
        self.d = d
        self.cgroups = make_cgroups(kind, "vigil-sd-%d" % os.getpid())
        with open(os.path.join(d, "inner.sh"), "w") as f:
            f.write(INNER)
        open(os.path.join(d, "console.log"), "w").close()
        self.log = open(os.path.join(d, "boot.log"), "w")
        self.proc = subprocess.Popen(
            ["sh", "-c", OUTER, "outer"] + self.cgroups +
            ["--", os.path.join(d, "inner.sh"), d, kind],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.pid = vtest.wait_for(self.init_pid, 5)

    def init_pid(self):
        """The host pid of the namespace's PID 1 (unshare's child)."""
        try:
            with open("/proc/%d/task/%d/children"
                      % (self.proc.pid, self.proc.pid)) as f:
                kids = f.read().split()
        except OSError:
            return None
        for k in kids:
            try:
                with open("/proc/%s/comm" % k) as f:
                    if f.read().strip() == "systemd":
                        return int(k)
            except OSError:
                pass
        return None

    def ctl(self, *args, timeout=30):
        return run(["nsenter", "-t", str(self.pid), "-m", "-p",
                    "systemctl"] + list(args), timeout)

    def inside(self, *argv):
        return run(["nsenter", "-t", str(self.pid), "-m", "-p"] +
                   list(argv))

    def diag(self, n=1500):
        """What went wrong: the namespace setup's output, the unit's
        status and vigild's stderr."""
        with open(os.path.join(self.d, "boot.log"), errors="replace") as f:
            text = f.read()
        if self.pid:
            text += self.ctl("status", "--no-pager", "vigild.service").stdout
            text += self.inside("cat", "/run/vigil-test/vigild.log").stdout
        return text[-n:]

    def show(self, unit, *props):
        r = self.ctl("show", unit, "-p", ",".join(props))
        return dict(ln.split("=", 1) for ln in r.stdout.splitlines()
                    if "=" in ln)

    def running(self):
        r = self.ctl("is-system-running", timeout=5)
        return r.stdout.strip() in ("running", "degraded")

    def close(self):
        if self.pid:
            try:
                # immediate power-off: in a container, PID 1 exits
                os.kill(self.pid, signal.SIGRTMIN + 14)
            except ProcessLookupError:
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            if self.pid:
                os.kill(self.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()
        remove_cgroups(self.cgroups)


def units(d, build, vigild):
    """The target, the generated vigild.service unchanged, and a drop-in
    for the vigild under test (--no-kernel, stderr to a file)."""
    os.makedirs(os.path.join(d, "units", "vigild.service.d"))
    shutil.copy(os.path.join(build, "vigild.service"),
                os.path.join(d, "units"))
    with open(os.path.join(d, "units", "vigil-test.target"), "w") as f:
        f.write(TARGET)
    with open(os.path.join(d, "units", "vigild.service.d", "test.conf"),
              "w") as f:
        f.write("[Service]\nExecStart=\nExecStart=%s -f -v --no-kernel "
                "-c /run/vigil-test/vigild.conf\n"
                "StandardError=append:/run/vigil-test/vigild.log\n"
                "TimeoutStartSec=15\nTimeoutStopSec=15\n"
                % vigild)
    with open(os.path.join(d, "vigild.conf"), "w") as f:
        f.write("output = json:/run/vigil-test/out.json\n"
                "control = /run/vigil-test/control\n"
                "state_file = /run/vigil-test/state\n")


def main():
    vigild = os.path.abspath(vtest.vigild_path())
    build = os.path.dirname(vigild)
    if os.geteuid() != 0:
        vtest.skip("not root")
    for tool in (SYSTEMD, shutil.which("unshare"), shutil.which("nsenter")):
        if not tool or not os.access(tool, os.X_OK):
            vtest.skip("systemd, unshare or nsenter missing")
    if not os.path.exists(os.path.join(build, "vigild.service")):
        vtest.skip("no vigild.service in the build directory")
    kind = layout()
    if kind is None:
        vtest.skip("cgroup layout unknown (neither cgroup2 nor hybrid)")
    d = tempfile.mkdtemp(prefix="vg-sd-")
    os.chmod(d, 0o755)
    units(d, build, vigild)
    try:
        box = Box(d, kind)
    except OSError as e:
        shutil.rmtree(d)
        vtest.skip("cannot make cgroups for systemd: %s" % e)
    try:
        t0 = time.time()
        if not box.pid or not vtest.wait_for(box.running, 10, 0.2):
            vtest.skip("systemd does not boot in a namespace here: %s"
                       % box.diag())
        check("systemd boots as PID 1 of the namespaces (%.1f s)"
              % (time.time() - t0), True)

        r = box.ctl("start", "vigild.service")
        st = box.show("vigild.service", "ActiveState", "SubState",
                      "MainPID", "Type", "NotifyAccess")
        check("systemctl start vigild: returns 0 once READY=1, active",
              r.returncode == 0 and st.get("ActiveState") == "active" and
              st.get("SubState") == "running" and
              st.get("Type") == "notify", "%r %r %s" % (r.stderr, st,
                                                        box.diag()))
        pid = st.get("MainPID", "0")
        comm = box.inside("cat", "/proc/%s/comm" % pid).stdout.strip()
        check("the main pid is vigild", comm == "vigild", comm)

        r = box.ctl("reload", "vigild.service")
        st2 = box.show("vigild.service", "ActiveState", "SubState",
                       "MainPID")
        log = box.inside("cat", "/run/vigil-test/vigild.log").stdout
        check("systemctl reload: SIGHUP taken, same main pid, active",
              r.returncode == 0 and st2.get("MainPID") == pid and
              st2.get("ActiveState") == "active" and
              "vigild.conf: reloaded" in log, "%r %r %r" %
              (r.stderr, st2, log[-600:]))

        r = box.ctl("stop", "vigild.service")
        st3 = box.show("vigild.service", "ActiveState", "Result",
                       "ExecMainStatus", "ExecMainCode")
        check("systemctl stop: inactive, Result=success, exit 0",
              r.returncode == 0 and st3.get("ActiveState") == "inactive"
              and st3.get("Result") == "success" and
              st3.get("ExecMainStatus") == "0", "%r %r" % (r.stderr, st3))
        gone = box.inside("sh", "-c", "kill -0 %s" % pid).returncode != 0
        check("vigild is gone after stop", gone)

        # the unit's Restart=on-failure spares exit 6 (a bad config)
        box.inside("sh", "-c", "echo 'bogus = 1' >> "
                   "/run/vigil-test/vigild.conf")
        r = box.ctl("start", "vigild.service")
        time.sleep(0.5)     # RestartSec is 100 ms: a restart would show
        st4 = box.show("vigild.service", "ActiveState", "ExecMainStatus",
                       "NRestarts")
        check("a configuration error: start fails, exit 6, no restart",
              r.returncode != 0 and st4.get("ActiveState") == "failed"
              and st4.get("ExecMainStatus") == "6" and
              st4.get("NRestarts") == "0", "%r %r" % (r.stderr, st4))

        # why --no-kernel: audit netlink is refused in the namespace
        r = box.inside(sys.executable, "-c", PROBE)
        check("audit netlink refuses the namespace (EPERM)",
              r.stdout.strip() == str(errno.EPERM), r.stdout + r.stderr)
    finally:
        box.close()
        shutil.rmtree(d, ignore_errors=True)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
