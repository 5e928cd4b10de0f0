#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-log.py: writes a large, deterministic audit log for the replay benchmark.

The events follow what a Linux 6.x kernel and auditd 3.x write on a busy
host: execve (SYSCALL+EXECVE+CWD+PATH*2+PROCTITLE+EOE), openat
(SYSCALL+CWD+PATH+PROCTITLE+EOE), connect to inet and unix sockets
(SYSCALL+SOCKADDR+PROCTITLE+EOE) and single-record PAM user messages.
Some argv entries and paths need hex encoding (spaces, quotes, non-ASCII),
as in real logs. --format enriched appends auditd's 0x1d-separated
interpretations. Output is the same for the same arguments (fixed seed).

usage: gen-log.py [--records N] [--format raw|enriched] [--node NAME] -o FILE
"""
import argparse
import random
import sys

# uids that exist on a stock Debian host: the auparse walker resolves them
# (a missing uid would cost it an NSS lookup per field and skew the baseline)
USERS = [(0, "root"), (1, "daemon"), (33, "www-data"), (34, "backup"),
         (65534, "nobody")]
PROGS = [
    ("/usr/bin/ls", ["ls", "-la", "/var/log"]),
    ("/usr/bin/grep", ["grep", "-r", "needle in a haystack", "/etc"]),
    ("/usr/bin/python3.11", ["python3", "-c", "print('hi')"]),
    ("/usr/bin/curl", ["curl", "-s", "-o", "/dev/null",
                       "https://example.org/api?q=1&r=2"]),
    ("/usr/bin/ssh", ["ssh", "-p", "2222", "deploy@10.0.0.7",
                      "systemctl restart app"]),
    ("/usr/bin/tar", ["tar", "czf", "/backup/home-2024.tgz", "/home"]),
    ("/usr/bin/git", ["git", "commit", "-m", "fix: \"quoted\" message"]),
    ("/usr/bin/sh", ["sh", "-c", "echo $HOME | tee /tmp/h.txt"]),
    ("/usr/bin/vim", ["vim", "/etc/nginx/sites-enabled/défaut.conf"]),
    ("/usr/sbin/nginx", ["nginx", "-g", "daemon off;"]),
]
FILES = ["/etc/passwd", "/etc/shadow", "/var/log/syslog", "/etc/ssl/private/key.pem",
         "/home/alice/My Documents/report.pdf", "/tmp/tmp.X1b2C3",
         "/etc/sudoers.d/90-cloud", "/var/lib/dpkg/status"]
CWDS = ["/", "/root", "/home/alice", "/home/bob/src/project", "/var/www/html",
        "/tmp/dir with space"]
INET = [("127.0.0.1", 80), ("10.0.0.7", 2222), ("93.184.216.34", 443),
        ("192.168.1.10", 5432), ("8.8.8.8", 53)]
UNIX = ["/run/systemd/journal/socket", "/var/run/nscd/socket",
        "/run/dbus/system_bus_socket"]
PAM = [("USER_ACCT", "op=PAM:accounting grantors=pam_permit"),
       ("CRED_ACQ", "op=PAM:setcred grantors=pam_permit,pam_env"),
       ("USER_START", "op=PAM:session_open grantors=pam_limits,pam_unix"),
       ("USER_END", "op=PAM:session_close grantors=pam_limits,pam_unix"),
       ("CRED_DISP", "op=PAM:setcred grantors=pam_permit")]
SYSNO = {"execve": 59, "openat": 257, "connect": 42}


def needs_hex(s):
    return any(c in s for c in ' "\'') or any(ord(c) < 0x21 or ord(c) > 0x7e
                                              for c in s)


def enc(s):
    """auditd's untrusted-string encoding: "quoted" or bare hex."""
    if needs_hex(s):
        return s.encode().hex().upper()
    return '"' + s + '"'


class Gen:
    def __init__(self, fmt, node):
        self.rnd = random.Random(9)
        self.enriched = fmt == "enriched"
        self.node = node
        self.ms = 1700000000000
        self.serial = 1000
        self.records = 0
        self.events = 0

    def rec(self, out, rtype, body, extra=None):
        pre = "node=%s " % self.node if self.node else ""
        line = "%stype=%s msg=audit(%d.%03d:%d): %s" % (
            pre, rtype, self.ms // 1000, self.ms % 1000, self.serial, body)
        if self.enriched and extra:
            line += "\x1d" + extra
        out.append(line)
        self.records += 1

    def ids_extra(self, names):
        return " ".join('%s="%s"' % (k, v) for k, v in names)

    def syscall(self, out, name, items, user, pid, comm, exe, key, exit_=0):
        uid, uname = user
        a = [self.rnd.getrandbits(44) | 0x550000000000 for _ in range(3)]
        body = ("arch=c000003e syscall=%d success=yes exit=%d a0=%x a1=%x "
                "a2=%x a3=%x items=%d ppid=%d pid=%d auid=%d uid=%d gid=%d "
                "euid=%d suid=%d fsuid=%d egid=%d sgid=%d fsgid=%d "
                "tty=pts0 ses=%d comm=%s exe=%s subj=unconfined key=%s" % (
                    SYSNO[name], exit_, a[0], a[1], a[2], 8, items,
                    pid - 3, pid, uid, uid, uid, uid, uid, uid, uid, uid, uid,
                    3 + uid % 7, enc(comm), enc(exe),
                    '"%s"' % key if key else "(null)"))
        extra = "ARCH=x86_64 SYSCALL=%s " % name + self.ids_extra(
            [(k, uname) for k in ("AUID", "UID", "GID", "EUID", "SUID",
                                  "FSUID", "EGID", "SGID", "FSGID")])
        self.rec(out, "SYSCALL", body, extra)

    def path(self, out, item, name, user):
        body = ("item=%d name=%s inode=%d dev=fd:01 mode=0100755 ouid=%d "
                "ogid=%d rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 "
                "cap_fe=0 cap_fver=0 cap_frootid=0" % (
                    item, enc(name), self.rnd.randrange(1 << 20, 1 << 24),
                    user[0], user[0]))
        self.rec(out, "PATH", body, 'OUID="%s" OGID="%s"' % (user[1],
                                                             user[1]))

    def proctitle(self, out, argv):
        raw = "\0".join(argv).encode()[:128]
        self.rec(out, "PROCTITLE", "proctitle=" + raw.hex().upper())

    def ev_execve(self, out, user, pid):
        exe, argv = self.rnd.choice(PROGS)
        self.syscall(out, "execve", 2, user, pid, argv[0], exe, "exec")
        args = " ".join("a%d=%s" % (i, enc(a)) for i, a in enumerate(argv))
        self.rec(out, "EXECVE", "argc=%d %s" % (len(argv), args))
        self.rec(out, "CWD", "cwd=" + enc(self.rnd.choice(CWDS)))
        self.path(out, 0, exe, (0, "root"))
        self.path(out, 1, "/lib64/ld-linux-x86-64.so.2", (0, "root"))
        self.proctitle(out, argv)
        self.rec(out, "EOE", "")

    def ev_openat(self, out, user, pid):
        exe, argv = self.rnd.choice(PROGS)
        self.syscall(out, "openat", 1, user, pid, argv[0], exe, "files",
                     exit_=3)
        self.rec(out, "CWD", "cwd=" + enc(self.rnd.choice(CWDS)))
        self.path(out, 0, self.rnd.choice(FILES), user)
        self.proctitle(out, argv)
        self.rec(out, "EOE", "")

    def ev_connect(self, out, user, pid):
        exe, argv = self.rnd.choice(PROGS)
        self.syscall(out, "connect", 0, user, pid, argv[0], exe, "net")
        if self.rnd.random() < 0.7:
            ip, port = self.rnd.choice(INET)
            hexaddr = "".join("%02X" % int(o) for o in ip.split("."))
            saddr = "0200%04X%s0000000000000000" % (port, hexaddr)
            extra = "SADDR={ saddr_fam=inet laddr=%s lport=%d }" % (ip, port)
        else:
            path = self.rnd.choice(UNIX)
            saddr = "0100" + path.encode().hex().upper() + "00"
            extra = "SADDR={ saddr_fam=local path=%s }" % path
        self.rec(out, "SOCKADDR", "saddr=" + saddr, extra)
        self.proctitle(out, argv)
        self.rec(out, "EOE", "")

    def ev_user(self, out, user, pid):
        rtype, op = self.rnd.choice(PAM)
        body = ("pid=%d uid=0 auid=%d ses=%d subj=unconfined msg='%s "
                "acct=\"%s\" exe=\"/usr/bin/sudo\" hostname=? addr=? "
                "terminal=/dev/pts/0 res=success'" % (
                    pid, user[0], 3 + user[0] % 7, op, user[1]))
        self.rec(out, rtype, body, 'UID="root" AUID="%s"' % user[1])

    def event(self, out):
        r = self.rnd.random()
        user = self.rnd.choice(USERS)
        pid = self.rnd.randrange(300, 4000000)
        if r < 0.30:
            self.ev_execve(out, user, pid)
        elif r < 0.60:
            self.ev_openat(out, user, pid)
        elif r < 0.90:
            self.ev_connect(out, user, pid)
        else:
            self.ev_user(out, user, pid)
        self.events += 1
        self.serial += 1
        self.ms += self.rnd.randrange(0, 3)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, default=1200000)
    ap.add_argument("--format", choices=("raw", "enriched"), default="raw")
    ap.add_argument("--node", default="")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    g = Gen(a.format, a.node)
    with open(a.output, "w", encoding="utf-8", newline="\n") as f:
        while g.records < a.records:
            out = []
            for _ in range(1000):
                g.event(out)
            f.write("\n".join(out))
            f.write("\n")
    print("%s: %d records, %d events" % (a.output, g.records, g.events),
          file=sys.stderr)


if __name__ == "__main__":
    main()
