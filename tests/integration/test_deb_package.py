#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""test_deb_package.py BUILD_DIR: the Debian package built from this tree
installs and purges cleanly. Configures a fresh build with
-DCMAKE_INSTALL_PREFIX=/usr in a temporary directory, builds it, makes
the .deb with `cpack -G DEB`, installs it with `dpkg -i` on this machine
and checks what an admin gets: the FHS paths (/usr/sbin, /etc/vigil, not
/usr/etc), dependencies declared, /etc files as conffiles, the unit with
the installed paths (Type=notify, systemd-analyze verify, its exposure
score), man pages, docs, Lua examples, /var/log/vigil 0750 from
tmpfiles.d, a logrotate file logrotate accepts, and the installed vigild
(--version, --check on the installed configuration, which writes no
json:- copy to the journal). Then `dpkg --purge vigil`, also on failure.
The service is never started (it would take the audit pid).

Skips (77) unless root with dpkg, cpack and dpkg-shlibdeps, and when a
package named vigil is installed or an /etc/vigil of someone else's
exists: an admin's install is never touched. While the package is
installed the test holds /tmp/vigil-kernel.lock, so no live test runs a
vigild that would read the installed /etc/vigil/vigild.conf."""
import fcntl
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vtest  # noqa: E402

SRC = os.environ.get("VG_SRCDIR", os.path.join(os.path.dirname(
    os.path.abspath(__file__)), "..", ".."))
LOCK = "/tmp/vigil-kernel.lock"
LOGDIR = "/var/log/vigil"
MAX_EXPOSURE = 4.0      # systemd-analyze security; auditd.service: 8.9
check = vtest.Checks("colon")


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def pkg_status():
    r = run(["dpkg-query", "-W", "-f=${Status}", "vigil"])
    return r.stdout.strip() if r.returncode == 0 else ""


def preconditions():
    if os.geteuid() != 0:
        vtest.skip("needs root (dpkg -i)")
    for t in ("dpkg", "dpkg-deb", "dpkg-shlibdeps", "cpack", "cmake"):
        if shutil.which(t) is None:
            vtest.skip(f"needs {t} (scripts/setup.sh: dpkg-dev, cmake)")
    st = pkg_status()
    if st and "not-installed" not in st:
        vtest.skip(f"a vigil package is on this machine ({st}); "
                   "not touching it")
    if os.path.exists("/etc/vigil"):
        vtest.skip("/etc/vigil exists and belongs to no package; "
                   "not touching it")


def build_deb(tmp):
    b = os.path.join(tmp, "build")
    r = run(["cmake", "-S", SRC, "-B", b, "-DCMAKE_INSTALL_PREFIX=/usr",
             "-DCMAKE_BUILD_TYPE=RelWithDebInfo", "-DVG_UNIT_TESTS=OFF"])
    if r.returncode == 0:
        r = run(["cmake", "--build", b, "-j2"])
    if r.returncode == 0:
        r = run(["cpack", "-G", "DEB"], cwd=b)
    debs = [os.path.join(b, f) for f in os.listdir(b) if f.endswith(".deb")] \
        if os.path.isdir(b) else []
    check("cpack -G DEB makes one .deb", r.returncode == 0 and
          len(debs) == 1, (r.stdout + r.stderr)[-1500:])
    return b, debs[0] if len(debs) == 1 else None


def take_lock():
    if os.environ.get("VIGIL_KERNEL_LOCK_HELD") == "1":
        return None
    f = open(LOCK, "a")
    end = time.time() + 600
    while True:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return f
        except BlockingIOError:
            if time.time() > end:
                vtest.skip(f"{LOCK} busy for 10 minutes")
            time.sleep(0.5)


def control(deb):
    r = run(["dpkg-deb", "-f", deb, "Package", "Depends", "Recommends"])
    return r.stdout


def unit_path():
    r = run(["dpkg", "-L", "vigil"])
    for p in r.stdout.split():
        if p.endswith("/vigild.service"):
            return p
    return None


def installed_checks(build):
    files = run(["dpkg", "-L", "vigil"]).stdout.split()
    check("dpkg -i: vigil installed", pkg_status() == "install ok installed",
          pkg_status())
    for p in ("/usr/sbin/vigild", "/usr/sbin/vigilctl",
              "/etc/vigil/vigild.conf", "/etc/logrotate.d/vigil",
              "/usr/share/man/man8/vigild.8", "/usr/share/man/man8/vigilctl.8",
              "/usr/share/man/man5/vigild.conf.5",
              "/usr/share/doc/vigil/copyright",
              "/usr/share/doc/vigil/install.md",
              "/usr/share/doc/vigil/switching.md",
              "/usr/share/vigil/lua/redact.lua",
              "/usr/lib/tmpfiles.d/vigil.conf"):
        check(f"installed {p}", p in files and os.path.exists(p))
    check("nothing under /usr/etc or /usr/var",
          not [p for p in files if p.startswith(("/usr/etc", "/usr/var"))])
    conff = run(["dpkg-query", "-W", "-f=${Conffiles}", "vigil"]).stdout
    for p in ("/etc/vigil/vigild.conf", "/etc/logrotate.d/vigil"):
        check(f"{p} is a conffile", re.search(r"^ " + re.escape(p) + " ",
                                              conff, re.M), conff)
    check("every file under /etc is a conffile",
          all(p in conff for p in files if p.startswith("/etc/") and
              os.path.isfile(p)), conff)

    v = run(["/usr/sbin/vigild", "--version"])
    check("installed vigild --version", v.returncode == 0 and
          v.stdout.startswith("vigild "), v.stdout + v.stderr)
    h = run(["/usr/sbin/vigild", "--help"])
    check("installed vigild reads /etc/vigil/vigild.conf by default",
          "default /etc/vigil/vigild.conf" in h.stdout, h.stdout[:300])
    c = run(["/usr/sbin/vigilctl", "-v"])
    check("installed vigilctl -v", c.returncode == 0, c.stdout + c.stderr)

    conf = open("/etc/vigil/vigild.conf").read()
    outs = re.findall(r"^\s*output\s*=\s*(\S+)", conf, re.M)
    check("installed config writes no json:- (the journal)",
          outs and not any(o.split("?")[0].endswith(":-") for o in outs),
          str(outs))
    if os.path.exists("/etc/audit/auditd.conf"):
        k = run(["/usr/sbin/vigild", "--check"])
        check("installed vigild --check on the installed config: 0",
              k.returncode == 0 and "/etc/vigil/vigild.conf: ok" in k.stdout,
              f"rc={k.returncode} {k.stdout} {k.stderr[-800:]}")
    else:
        print("note: no /etc/audit/auditd.conf (auditd not installed): "
              "--check of the drop-in configuration not run")
    for o in outs:
        m = re.match(r"(json|raw|enriched):(/[^?]+)", o)
        if m:
            d = os.path.dirname(m.group(2))
            check(f"log directory {d} exists", os.path.isdir(d))

    # /var/log/vigil: made by the postinst through tmpfiles.d
    if shutil.which("systemd-tmpfiles"):
        t = run(["systemd-tmpfiles", "--create",
                 "/usr/lib/tmpfiles.d/vigil.conf"])
        check("systemd-tmpfiles --create vigil.conf", t.returncode == 0,
              t.stderr)
    st = os.stat(LOGDIR) if os.path.isdir(LOGDIR) else None
    check(f"{LOGDIR} is a directory 0750 root",
          st is not None and stat.S_IMODE(st.st_mode) == 0o750 and
          st.st_uid == 0, oct(st.st_mode) if st else "missing")

    if shutil.which("logrotate"):
        r = run(["logrotate", "-d", "/etc/logrotate.d/vigil"])
        check("logrotate -d accepts /etc/logrotate.d/vigil",
              r.returncode == 0 and "error" not in r.stderr.lower(),
              r.stderr[-500:])

    unit = unit_path()
    check("unit installed", unit is not None and os.path.exists(unit))
    if unit:
        text = open(unit).read()
        check("unit: ExecStart runs the installed vigild on the installed "
              "config", re.search(r"^ExecStart=/usr/sbin/vigild -f -c "
                                  r"/etc/vigil/vigild.conf$", text, re.M),
              text)
        check("unit: Type=notify", "\nType=notify\n" in text)
        check("unit: no @VAR@ left", not re.search(r"@[A-Z_]+@", text))
        if shutil.which("systemd-analyze"):
            r = run(["systemd-analyze", "verify", unit])
            check("systemd-analyze verify", r.returncode == 0,
                  r.stdout + r.stderr)
            r = run(["systemd-analyze", "security", "--offline=yes", unit])
            m = re.search(r"Overall exposure level for \S+: ([\d.]+)",
                          r.stdout + r.stderr)
            score = float(m.group(1)) if m else None
            print(f"systemd-analyze security --offline: {score}")
            check(f"unit exposure <= {MAX_EXPOSURE}", score is not None and
                  score <= MAX_EXPOSURE, (r.stdout + r.stderr)[-500:])


def main():
    vtest.vigild_path()     # skips when the tree is not built
    preconditions()
    with tempfile.TemporaryDirectory(prefix="vg-deb-") as tmp:
        build, deb = build_deb(tmp)
        if deb is None:
            return check.summary()
        ctl = control(deb)
        check("Depends names the shared libraries",
              all(x in ctl for x in ("libc6", "libmnl0", "libevent",
                                     "liblua5.3")), ctl)
        check("Recommends auditd", re.search(r"Recommends:.*auditd", ctl),
              ctl)
        lock = take_lock()
        preconditions()         # again: nothing changed while building
        had_logdir = os.path.isdir(LOGDIR)
        logmode = stat.S_IMODE(os.stat(LOGDIR).st_mode) if had_logdir \
            else None
        try:
            r = run(["dpkg", "-i", deb],
                    env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
            check("dpkg -i", r.returncode == 0, (r.stdout + r.stderr)[-800:])
            if r.returncode == 0:
                installed_checks(build)
        finally:
            r = run(["dpkg", "--purge", "vigil"])
            check("dpkg --purge vigil", r.returncode == 0 and
                  "not-installed" in (pkg_status() or "not-installed"),
                  (r.stdout + r.stderr)[-500:])
            check("purge removed /etc/vigil and the binaries",
                  not os.path.exists("/etc/vigil") and
                  not os.path.exists("/usr/sbin/vigild"))
            if had_logdir:
                os.makedirs(LOGDIR, exist_ok=True)
                os.chmod(LOGDIR, logmode)
            elif os.path.isdir(LOGDIR):
                check(f"purge removed the empty {LOGDIR}", False)
            if lock is not None:
                lock.close()
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
