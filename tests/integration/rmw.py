# SPDX-License-Identifier: GPL-2.0-or-later
"""rmw.py: audisp-remote's wire format for the tests (docs/fleet.md): a
16-byte header, least significant byte first (magic 0xff0000fe, header
and message versions, type, length, sequence), then the text. A tiny
client that sends records and reads the acknowledgements, and helpers to
start a listening vigild and pick a free port. Never part of vigild."""
import json
import socket
import struct
import subprocess
import time

MAGIC = 0xff0000fe
MESSAGE, HEARTBEAT, ACK, ENDING = 0, 1, 0x40000000, 0x40000001
DISKLOW, DISKFULL, DISKERROR = 0x50000001, 0x60000001, 0x60000002
HDR = struct.Struct("<IBBIHI")


def header(typ, length, seq, hver=0, magic=MAGIC):
    return HDR.pack(magic, hver, 0, typ, length, seq)


def unpack(b):
    magic, hver, mver, typ, length, seq = HDR.unpack(b)
    return {"magic": magic, "type": typ, "len": length, "seq": seq}


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def free_port_busy(port, host="127.0.0.1"):
    """True when something listens on port (connect works)."""
    try:
        socket.create_connection((host, port), timeout=1).close()
        time.sleep(0.2)     # seen closed before the next connection
        return True
    except OSError:
        return False


class Client:
    """A managed-format client: send(text) -> the reply header."""

    def __init__(self, port, host="127.0.0.1", timeout=5, sock=None):
        self.s = sock or socket.create_connection((host, port),
                                                  timeout=timeout)
        self.s.settimeout(timeout)
        self.seq = 0

    def send_raw(self, b):
        self.s.sendall(b)

    def recv_reply(self):
        b = b""
        while len(b) < 16:
            c = self.s.recv(16 - len(b))
            if not c:
                return None
            b += c
        r = unpack(b)
        if r["len"]:
            self.s.recv(r["len"])
        return r

    def send(self, text, typ=MESSAGE):
        self.seq += 1
        data = text.encode() if isinstance(text, str) else text
        self.send_raw(header(typ, len(data), self.seq) + data)
        return self.recv_reply()

    def closed(self, timeout=3):
        """True when the server closed the connection (EOF or reset)."""
        self.s.settimeout(timeout)
        try:
            while True:
                c = self.s.recv(4096)
                if not c:
                    return True
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False

    def close(self):
        self.s.close()


def event_lines(node, serial, sec=1700000000, extra=""):
    """The records of one execve event from node (SYSCALL, EOE)."""
    n = f"node={node} " if node else ""
    stamp = f"audit({sec}.123:{serial})"
    return [f"{n}type=SYSCALL msg={stamp}: arch=c000003e syscall=59 "
            f"success=yes exit=0 pid={serial} comm=\"t\" key=\"k{extra}\"",
            f"{n}type=EOE msg={stamp}: "]


def events(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                if line.strip():
                    out.append(json.loads(line))
    except FileNotFoundError:
        pass
    return out


def start_listener(vigild, spec, out, *extra, stderr=subprocess.PIPE):
    """vigild --no-kernel --listen spec -o json:out; waits until the port
    answers. Returns the process."""
    p = subprocess.Popen([vigild, "-f", "--no-kernel", "--listen", spec,
                          "-o", f"json:{out}"] + list(extra),
                         stderr=stderr, text=True)
    hostport = spec.split("//", 1)[-1].split("?", 1)[0]
    host, _, port = hostport.rpartition(":")
    if not port.isdigit():
        return p
    host = host.strip("[]")
    if host in ("::", "0.0.0.0", ""):
        host = "127.0.0.1"
    end = time.time() + 5
    while time.time() < end and p.poll() is None:
        try:
            socket.create_connection((host, int(port)),
                                     timeout=1).close()
            # the probe counts against max_per_addr until vigild
            # has seen it close
            time.sleep(0.2)
            break
        except OSError:
            time.sleep(0.05)
    return p
