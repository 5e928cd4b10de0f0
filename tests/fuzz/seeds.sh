#!/bin/bash
# seeds.sh OUTDIR: builds the libFuzzer seed corpora, one directory per
# harness under OUTDIR (a build dir, never the repo), from the test
# corpus (logs, rules, conf) and tests/data/parse. Files are named by their
# SHA-1 so re-running is idempotent. The corpus itself is only read.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${VG_CORPUS:-$top/tests/data/corpus}
out=${1:?usage: seeds.sh OUTDIR}
[ -d "$corpus/logs" ] || { echo "seeds.sh: no corpus at $corpus" >&2; exit 1; }
mkdir -p "$out"

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
                       ('fuzz_decode', 30, 800), ('fuzz_lua', 30, 400)):
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
