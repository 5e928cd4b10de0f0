#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# seeds.sh OUTDIR: builds the libFuzzer seed corpora, one directory per
# harness under OUTDIR (a build dir, never the repo). From the repository:
# tests/fuzz/seeds/HARNESS/ (kept whole), the review's hostile inputs
# generated below, lua/ and conf/; then from the test corpus (logs, rules,
# conf; $VG_CORPUS, else tests/data/corpus) and tests/data/parse. Files
# are named by their SHA-1 so re-running is idempotent. Inputs are only
# read.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${VG_CORPUS:-$top/tests/data/corpus}
out=${1:?usage: seeds.sh OUTDIR}
mkdir -p "$out"

python3 - "$top" "$out" <<'PY'
import hashlib, os, struct, sys

top, out = sys.argv[1:3]

def put(target, data):
    """Kept whole: max_len follows the largest seed (run.sh)."""
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), 'wb') as f:
        f.write(data)

RECORDS = ('fuzz_record', 'fuzz_group', 'fuzz_decode', 'fuzz_lua',
           'fuzz_context')

def records(data):
    for t in RECORDS:
        put(t, (b'\x03' if t == 'fuzz_group' else b'') + data)

# tests/fuzz/seeds/HARNESS/*: inputs worth keeping, as files
sd = os.path.join(top, 'tests/fuzz/seeds')
for h in sorted(os.listdir(sd)):
    for n in sorted(os.listdir(os.path.join(sd, h))):
        with open(os.path.join(sd, h, n), 'rb') as f:
            put(h, f.read())

# The review's inputs (issue 14). A USER_CMD with 2852 empty a= fields;
# a 64 KiB line of repeated fields; control bytes in record text, in
# field names and in a user message.
hdr = b'type=USER_CMD msg=audit(1700000000.001:%d): pid=4242 uid=1000 '
hdr += b'auid=1000 ses=3 subj=unconfined msg=\''
records(hdr % 1 + b'cwd="/" cmd=6C73 ' + b'a= ' * 2852 +
        b'terminal=pts/0 res=success\'\n')
records(hdr % 2 + b'cwd="/" cmd=6C73 ' + b'a=1 ' * 2852 +
        b'terminal=pts/0 res=success\'\n')
line = hdr % 3 + b'k=v ' * (65536 // 4) + b'res=success\'\n'
records(line)
records(b'type=SYSCALL msg=audit(1700000000.002:4): arch=c000003e '
        b'syscall=59 success=yes exit=0 ' + b'a0=0 ' * (65536 // 5) +
        b'comm="x" exe="/x" key=(null)\n'
        b'type=EOE msg=audit(1700000000.002:4): \n')
ctl = bytes(range(1, 32)) + b'\x7f'
records(hdr % 5 + b'cmd=6C73 note="' + ctl + b'" x' + ctl +
        b'=1 res=success\'\n')
records(b'type=SYSCALL msg=audit(1700000000.003:6): arch=c000003e '
        b'syscall=2 success=yes exit=3 items=1 comm="a\x1b[0m\x01" '
        b'exe="/tmp/\x1d\x0d" key=(null)\n'
        b'type=PATH msg=audit(1700000000.003:6): item=0 name="\x0b\x0c'
        b'\x1dAUID=\"root\"" nametype=NORMAL\n'
        b'type=EOE msg=audit(1700000000.003:6): \n')
records(b'type=USER_LOGIN msg=audit(1700000000.004:7): pid=1 uid=0 '
        b'msg=\'op=login acct="\x00\x1b" exe="/bin/login" '
        b'hostname=\r\n res=failed\'\n')
put('fuzz_auditd_conf', b'space_left_action = exec /tmp/x\n')
put('fuzz_auditd_conf', b'space_left_action = exec /tmp/x\n'
    b'admin_space_left_action = exec\n'
    b'disk_full_action = exec /tmp/x /tmp/y\n')

# privileged helper requests: each type, and the edges
def req(t, key, spec, name):
    return struct.pack('=4I', t, key, len(spec), len(name)) + spec + name
for d in (req(1, 0, b'plugins:/etc/audit/plugins.d', b'syslog.conf'),
          req(1, 0, b'plugins:?conf=/etc/audit/auditd.conf', b'../x.conf'),
          req(2, 0, b'auditd:/etc/audit/auditd.conf', b''),
          req(2, 5, b'plugins:', b''), req(3, 0, b'enriched:/x', b''),
          req(4, 0, b'', b''), req(2, 6, b'auditd', b''),
          req(1, 0, b'a' * 4096, b'b' * 255),
          struct.pack('=4I', 1, 0, 0xffffffff, 1) + b'x'):
    put('fuzz_privsep', d)

# Lua filters: the examples and every filter of tests
for d, _, names in sorted(os.walk(os.path.join(top, 'lua'))):
    for n in sorted(names):
        if n.endswith('.lua'):  # filters, the tutorial's steps
            with open(os.path.join(d, n), 'rb') as f:
                put('fuzz_lua_filter', f.read())
with open(os.path.join(top, 'conf/vigild.conf'), 'rb') as f:
    put('fuzz_config', f.read())
PY

if [ ! -d "$corpus/logs" ]; then
	echo "seeds.sh: no corpus at $corpus: repository seeds only" >&2
	exec python3 - "$out" <<'PY'
import os, sys
out = sys.argv[1]
for t in sorted(os.listdir(out)):
    print('%-18s %5d seeds' % (t, len(os.listdir(os.path.join(out, t)))))
PY
fi

python3 - "$corpus" "$top" "$out" <<'PY'
import hashlib, os, sys

corpus, top, out = sys.argv[1:4]

def files(d, exts=None):
    for root, _, names in os.walk(d):
        for n in sorted(names):
            if exts is None or n.endswith(exts) or '.' not in n:
                yield os.path.join(root, n)

def put(target, data, cap):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    if len(os.listdir(d)) >= cap:
        return
    data = data[:16384]
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

def chunks(path, n):
    with open(path, 'rb') as f:
        lines = f.read().split(b'\n')
    for i in range(0, len(lines), n):
        c = b'\n'.join(lines[i:i + n]).strip(b'\n')
        if c:
            yield c + b'\n'

logs = sorted(files(os.path.join(corpus, 'logs')))
logs += sorted(files(os.path.join(top, 'tests/data/parse')))
# Spread the cap over all files: a few chunks from each log first.
for target, n, cap in (('fuzz_record', 4, 3000), ('fuzz_group', 30, 800),
                       ('fuzz_decode', 30, 800), ('fuzz_lua', 30, 400),
                       ('fuzz_context', 30, 400)):
    per = max(1, cap // len(logs))
    for p in logs:
        for i, c in enumerate(chunks(p, n)):
            if i >= per:
                break
            if target == 'fuzz_group':
                c = bytes([i & 0xff]) + c  # first byte: grouper limits
            put(target, c, cap)

for p in files(os.path.join(corpus, 'rules')):
    for c in chunks(p, 20):
        put('fuzz_rules', c, 2000)

confs = [p for p in files(os.path.join(corpus, 'conf'))]
for p in confs:
    with open(p, 'rb') as f:
        data = f.read()
    if os.path.basename(p) == 'auditd.conf':
        put('fuzz_auditd_conf', data, 100)
    elif 'plugin' in p:
        put('fuzz_plugins', data, 100)
    put('fuzz_config', data, 100)
with open(os.path.join(top, 'conf/vigild.conf'), 'rb') as f:
    put('fuzz_config', f.read(), 100)
for p in confs:
    if os.path.basename(p) == 'auditd.conf':
        with open(p, 'rb') as f:
            for c in f.read().split(b'\n'):
                if c and not c.startswith(b'#'):
                    put('fuzz_auditd_conf', c + b'\n', 200)
# fuzz_lua_pattern: flags, pattern length, pattern, replacement length,
# replacement, subject (a piece of a record, as filters see them)
pats = [b'([^/]*)$', b'^(%-*)([%w_%-]+)=', b'^([Aa]uthorization:%s*%a+%s+)',
        b'^(%a[%w+.-]*://[^/:@]+:)[^/@]+(@.*)$', b'^%-%-?([%w_%-]+)$',
        b'[=:]', b'%f[%w]%w+', b'%b()', b'(%w+)=(%w+)', b'(["\'])(.-)%1',
        b'^%s*(.-)%s*$', b'()', b'%d+', b'[^%s]+', b'.-', b'a*', b'[]]',
        b'%', b'[a', b'(', b')', b'%1', b'%z', b'x?y+z-']
repls = [b'x', b'%0', b'%1', b'%2%1', b'%%', b'%', b'']
lines = []
for path in logs[:20]:
    with open(path, 'rb') as f:
        lines += [l[:160] for l in f.read().split(b'\n')[:5] if l]
for i, pat in enumerate(pats):
    for j, line in enumerate(lines[:20]):
        r = repls[(i + j) % len(repls)]
        put('fuzz_lua_pattern', bytes([(i * 7 + j) & 0xff, len(pat)]) +
            pat + bytes([len(r)]) + r + line, 600)
for t in sorted(os.listdir(out)):
    print('%-18s %5d seeds' % (t, len(os.listdir(os.path.join(out, t)))))
PY
