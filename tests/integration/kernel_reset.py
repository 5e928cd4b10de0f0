#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""kernel_reset.py: backstop used by scripts/test.sh at exit. Prints the
kernel audit status and, if the audit pid is held by a process that no
longer exists, clears it (AUDIT_SET pid 0). Never touches enabled=2."""
import os
import socket
import struct
import sys

AUDIT_GET, AUDIT_SET = 1000, 1001
NLM_F_REQUEST, NLM_F_ACK = 1, 4
AUDIT_STATUS_PID = 4


def request(s, typ, payload=b"", seq=1):
    hdr = struct.pack("=IHHII", 16 + len(payload), typ,
                      NLM_F_REQUEST | NLM_F_ACK, seq, 0)
    s.sendto(hdr + payload, (0, 0))


def status(s):
    request(s, AUDIT_GET)
    while True:
        d = s.recv(65536)
        typ = struct.unpack("=IH", d[:6])[1]
        if typ == AUDIT_GET:
            return struct.unpack("=IIIIIIII", d[16:48])


def main():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    s.settimeout(3)
    mask, enabled, failure, pid, rate, backlog, lost, bl = status(s)
    print(f"kernel audit: enabled={enabled} failure={failure} pid={pid} "
          f"lost={lost}")
    if pid and not os.path.exists(f"/proc/{pid}"):
        body = struct.pack("=IIIIIIII", AUDIT_STATUS_PID, 0, 0, 0, 0, 0, 0, 0)
        request(s, AUDIT_SET, body, 2)
        print(f"kernel audit: cleared stale pid {pid}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
