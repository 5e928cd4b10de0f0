#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-tables.py: writes gperf/*.gperf (record types, field kinds, syscalls per
arch, errno names, arch names) from the Linux uapi headers, the syscall lists
in data/syscalls/ (made by scripts/gen-syscalls.sh from auditd's ausyscall)
plus the lists below. Run by hand when a kernel or auditd release adds names;
the output is committed so that the build never depends on the build
machine's headers or on auditd.

    scripts/gen-tables.py [--include /usr/include] [--data data/syscalls]
                          [--out gperf]

Needs: a C preprocessor (cpp) for the aarch64 and riscv64 tables, which are
the asm-generic numbering as arch/arm64 and arch/riscv configure it.
"""

import argparse
import os
import re
import subprocess
import sys

# ---------------------------------------------------------------------------
# Record types
# ---------------------------------------------------------------------------

# linux/audit.h only covers the kernel ranges; the userspace names (and the
# spelling auditd prints for each number) live in libaudit. This is the list
# auditd 3.0.9 knows (checked with audit_msg_type_to_name() over 0..19999),
# FS_WATCH (1301, dropped from uapi but in the message dictionary),
# plus kernel types newer than the 6.1 uapi headers.
USER_TYPES = """
1005 USER
1006 LOGIN
1100 USER_AUTH
1101 USER_ACCT
1102 USER_MGMT
1103 CRED_ACQ
1104 CRED_DISP
1105 USER_START
1106 USER_END
1107 USER_AVC
1108 USER_CHAUTHTOK
1109 USER_ERR
1110 CRED_REFR
1111 USYS_CONFIG
1112 USER_LOGIN
1113 USER_LOGOUT
1114 ADD_USER
1115 DEL_USER
1116 ADD_GROUP
1117 DEL_GROUP
1118 DAC_CHECK
1119 CHGRP_ID
1120 TEST
1121 TRUSTED_APP
1122 USER_SELINUX_ERR
1123 USER_CMD
1124 USER_TTY
1125 CHUSER_ID
1126 GRP_AUTH
1127 SYSTEM_BOOT
1128 SYSTEM_SHUTDOWN
1129 SYSTEM_RUNLEVEL
1130 SERVICE_START
1131 SERVICE_STOP
1132 GRP_MGMT
1133 GRP_CHAUTHTOK
1134 MAC_CHECK
1135 ACCT_LOCK
1136 ACCT_UNLOCK
1137 USER_DEVICE
1138 SOFTWARE_UPDATE
1200 DAEMON_START
1201 DAEMON_END
1202 DAEMON_ABORT
1203 DAEMON_CONFIG
1204 DAEMON_RECONFIG
1205 DAEMON_ROTATE
1206 DAEMON_RESUME
1207 DAEMON_ACCEPT
1208 DAEMON_CLOSE
1209 DAEMON_ERR
1301 FS_WATCH
1336 URINGOP
1337 OPENAT2
1338 DM_CTRL
1339 DM_EVENT
1420 IPE_ACCESS
1421 IPE_CONFIG_CHANGE
1422 IPE_POLICY_LOAD
1423 LANDLOCK_ACCESS
1424 LANDLOCK_DOMAIN
1425 MAC_TASK_CONTEXTS
1426 MAC_OBJ_CONTEXTS
1500 APPARMOR
1501 APPARMOR_AUDIT
1502 APPARMOR_ALLOWED
1503 APPARMOR_DENIED
1504 APPARMOR_HINT
1505 APPARMOR_STATUS
1506 APPARMOR_ERROR
1507 APPARMOR_KILL
1806 INTEGRITY_EVM_XATTR
1807 INTEGRITY_POLICY_RULE
2100 ANOM_LOGIN_FAILURES
2101 ANOM_LOGIN_TIME
2102 ANOM_LOGIN_SESSIONS
2103 ANOM_LOGIN_ACCT
2104 ANOM_LOGIN_LOCATION
2105 ANOM_MAX_DAC
2106 ANOM_MAX_MAC
2107 ANOM_AMTU_FAIL
2108 ANOM_RBAC_FAIL
2109 ANOM_RBAC_INTEGRITY_FAIL
2110 ANOM_CRYPTO_FAIL
2111 ANOM_ACCESS_FS
2112 ANOM_EXEC
2113 ANOM_MK_EXEC
2114 ANOM_ADD_ACCT
2115 ANOM_DEL_ACCT
2116 ANOM_MOD_ACCT
2117 ANOM_ROOT_TRANS
2118 ANOM_LOGIN_SERVICE
2119 ANOM_LOGIN_ROOT
2120 ANOM_ORIGIN_FAILURES
2121 ANOM_SESSION
2200 RESP_ANOMALY
2201 RESP_ALERT
2202 RESP_KILL_PROC
2203 RESP_TERM_ACCESS
2204 RESP_ACCT_REMOTE
2205 RESP_ACCT_LOCK_TIMED
2206 RESP_ACCT_UNLOCK_TIMED
2207 RESP_ACCT_LOCK
2208 RESP_TERM_LOCK
2209 RESP_SEBOOL
2210 RESP_EXEC
2211 RESP_SINGLE
2212 RESP_HALT
2213 RESP_ORIGIN_BLOCK
2214 RESP_ORIGIN_BLOCK_TIMED
2215 RESP_ORIGIN_UNBLOCK_TIMED
2300 USER_ROLE_CHANGE
2301 ROLE_ASSIGN
2302 ROLE_REMOVE
2303 LABEL_OVERRIDE
2304 LABEL_LEVEL_CHANGE
2305 USER_LABELED_EXPORT
2306 USER_UNLABELED_EXPORT
2307 DEV_ALLOC
2308 DEV_DEALLOC
2309 FS_RELABEL
2310 USER_MAC_POLICY_LOAD
2311 ROLE_MODIFY
2312 USER_MAC_CONFIG_CHANGE
2313 USER_MAC_STATUS
2400 CRYPTO_TEST_USER
2401 CRYPTO_PARAM_CHANGE_USER
2402 CRYPTO_LOGIN
2403 CRYPTO_LOGOUT
2404 CRYPTO_KEY_USER
2405 CRYPTO_FAILURE_USER
2406 CRYPTO_REPLAY_USER
2407 CRYPTO_SESSION
2408 CRYPTO_IKE_SA
2409 CRYPTO_IPSEC_SA
2500 VIRT_CONTROL
2501 VIRT_RESOURCE
2502 VIRT_MACHINE_ID
2503 VIRT_INTEGRITY_CHECK
2504 VIRT_CREATE
2505 VIRT_DESTROY
2506 VIRT_MIGRATE_IN
2507 VIRT_MIGRATE_OUT
"""

# Names accepted on input only (name -> number); the number prints as the
# primary name. AA is the uapi macro name for what auditd prints as APPARMOR.
TYPE_ALIASES = {"AA": 1500}

# uapi macros in the message range that are range markers, not types.
TYPE_SKIP = re.compile(r"^(FIRST|LAST)_")

TYPE_MIN, TYPE_MAX = 1000, 2999

# ---------------------------------------------------------------------------
# Syscalls
# ---------------------------------------------------------------------------

# Syscalls newer than the local uapi headers (numbers from the kernel's
# syscall tables; 451 onwards are shared by all arches but alpha).
NEW_COMMON = """
451 cachestat
452 fchmodat2
453 map_shadow_stack
454 futex_wake
455 futex_wait
456 futex_requeue
457 statmount
458 listmount
459 lsm_get_self_attr
460 lsm_set_self_attr
461 lsm_list_modules
462 mseal
463 setxattrat
464 getxattrat
465 listxattrat
466 removexattrat
467 open_tree_attr
468 file_getattr
469 file_setattr
470 listns
"""
NEW_X86_64_ONLY = """
335 uretprobe
336 uprobe
"""

# Where auditd 3.0.9 (libaudit's syscall tables) spells a number differently
# from the kernel header, auditd's spelling is what ausearch -i and ENRICHED
# logs print, so it becomes the primary name; the kernel's spelling is still
# accepted by vg_syscall_number(). {arch: {nr: auditd_name}}
AUDITD_SPELLING = {
	"x86_64": {17: "pread", 18: "pwrite"},
	"i386": {283: "sys_kexec_load", 423: "sched_rr_get_interval64"},
	"aarch64": {61: "getdents", 67: "pread", 68: "pwrite", 80: "newfstat"},
}

# arch/arm64/include/uapi/asm/unistd.h switches these on before including
# asm-generic/unistd.h.
AARCH64_WANT = ["__ARCH_WANT_RENAMEAT", "__ARCH_WANT_NEW_STAT",
		"__ARCH_WANT_SET_GET_RLIMIT", "__ARCH_WANT_TIME32_SYSCALLS",
		"__ARCH_WANT_SYS_CLONE3", "__ARCH_WANT_MEMFD_SECRET"]

# The same for arch/riscv/include/uapi/asm/unistd.h with __LP64__ (no
# renameat, no time32 calls); auditd 3.0.9 has no riscv64 table, so the
# kernel's names are the only spelling.
RISCV64_WANT = ["__ARCH_WANT_NEW_STAT", "__ARCH_WANT_SET_GET_RLIMIT",
		"__ARCH_WANT_SYS_CLONE3", "__ARCH_WANT_MEMFD_SECRET"]
# riscv's own calls, __NR_arch_specific_syscall (244) + 14 and + 15.
RISCV64_ONLY = """
258 riscv_hwprobe
259 riscv_flush_icache
"""

# Arches whose table is auditd's (data/syscalls/FILE.tsv, from ausyscall):
# {gperf table suffix: file}. The ppc file serves ppc, ppc64 and ppc64le.
AUSYSCALL_TABLES = {"arm": "arm", "ppc": "ppc", "s390": "s390",
		    "s390x": "s390x"}

# Kernel spellings accepted besides auditd's in the ausyscall tables (auditd
# prints pread where the kernel's __NR_ name is pread64): {auditd: kernel}.
KERNEL_SPELLING = {"pread": "pread64", "pwrite": "pwrite64"}

# ---------------------------------------------------------------------------
# Fields: key -> enum vg_fkind, after the Linux Audit field dictionary
# (field-dictionary.csv) with auparse's interpretation where the dictionary
# only says "numeric". Keys not listed are VG_FK_STR.
# ---------------------------------------------------------------------------

FIELDS = {
	"VG_FK_ENCODED": """acct addr apparmor cgroup cmd comm cwd data device
		dir exe file grp invalid_context name new-chardev new-disk new-fs
		new-net new-rng ocomm old-chardev old-disk old-fs old-net old-rng
		path vm watch root_dir sw""",
	"VG_FK_HEX": """a0 a1 a2 a3 code flags ioctlcmd per qbytes cap_fver fver
		oflag""",
	"VG_FK_UID": """auid uid euid suid fsuid ouid obj_uid iuid inode_uid oauid
		sauid old-auid id cap_frootid frootid""",
	"VG_FK_GID": """gid egid sgid fsgid ogid obj_gid igid inode_gid new_gid""",
	"VG_FK_SES": """ses old-ses oses""",
	"VG_FK_ARCH": "arch",
	"VG_FK_SYSCALL": "syscall",
	"VG_FK_EXIT": "exit",
	"VG_FK_SUCCESS": "success",
	"VG_FK_MODE": "mode",
	"VG_FK_SOCKADDR": "saddr",
	"VG_FK_PERM": "perm perm_mask",
	"VG_FK_KEY": "key",
	"VG_FK_PROCTITLE": "proctitle",
	"VG_FK_SIGNAL": "sig sigev_signo",
	"VG_FK_CAP": """cap_fi cap_fp cap_pa cap_pe cap_pi cap_pp cap_pb fi fp pa
		pe pi pp old_pa old_pe old_pi old_pp new_pa new_pe new_pi new_pp""",
	"VG_FK_RESULT": "res result",
	"VG_FK_INT": """argc pid ppid opid spid ipid vm-pid nlnk-pid ino inode
		items item len fd nargs family dport sport lport rport seqno errno
		enforcing old_enforcing audit_backlog_limit audit_backlog_wait_time
		audit_enabled audit_failure major minor list proto changed entries
		prom old_prom new_lock old_lock old_val new-enabled old-enabled
		new-log_passwd old-log_passwd permissive capability cap_fe fe compat
		backlog lost rate_limit tid""",
}

# ---------------------------------------------------------------------------
# Architectures: names auditctl accepts for arch= (b32/b64 are this
# machine's; the build host for vigil is x86_64).
# ---------------------------------------------------------------------------

ARCH_NAMES = {
	"x86_64": "VG_ARCH_X86_64",
	"b64": "VG_ARCH_X86_64",
	"i386": "VG_ARCH_I386",
	"i486": "VG_ARCH_I386",
	"i586": "VG_ARCH_I386",
	"i686": "VG_ARCH_I386",
	"b32": "VG_ARCH_I386",
	"aarch64": "VG_ARCH_AARCH64",
	"arm": "VG_ARCH_ARM",
	"armeb": "VG_ARCH_ARM",	# auditd's name for AUDIT_ARCH_ARM
	"armv5tejl": "VG_ARCH_ARM",
	"armv5tel": "VG_ARCH_ARM",
	"armv6l": "VG_ARCH_ARM",
	"armv7l": "VG_ARCH_ARM",
	"ppc": "VG_ARCH_PPC",
	"ppc64": "VG_ARCH_PPC64",
	"ppc64le": "VG_ARCH_PPC64LE",
	"s390": "VG_ARCH_S390",
	"s390x": "VG_ARCH_S390X",
	"riscv64": "VG_ARCH_RISCV64",
}

GEN_NOTE = "generated by scripts/gen-tables.py; edit the script, not this file"


def die(msg):
	sys.stderr.write("gen-tables: %s\n" % msg)
	sys.exit(1)


def parse_pairs(text):
	out = []
	for line in text.split("\n"):
		line = line.strip()
		if not line:
			continue
		nr, name = line.split()
		out.append((int(nr), name))
	return out


def read(path):
	try:
		with open(path) as f:
			return f.read()
	except OSError as e:
		die("%s: %s" % (path, e.strerror))


def header_defines(path, prefix):
	"""'#define PREFIXname number' lines of one header -> [(name, nr)]."""
	rx = re.compile(r"^#define\s+%s([A-Za-z0-9_]+)\s+([0-9]+)\b" % prefix)
	out = []
	for line in read(path).split("\n"):
		m = rx.match(line)
		if m:
			out.append((m.group(1), int(m.group(2))))
	return out


def types_table(inc):
	byname = {}
	bynr = {}
	for name, nr in header_defines(os.path.join(inc, "linux/audit.h"), "AUDIT_"):
		if nr < TYPE_MIN or nr > TYPE_MAX or TYPE_SKIP.match(name):
			continue
		if name == "AA":
			continue		# printed as APPARMOR, see TYPE_ALIASES
		byname[name] = nr
		bynr.setdefault(nr, name)
	for nr, name in parse_pairs(USER_TYPES):
		if nr in bynr and bynr[nr] != name:
			die("type %d: header says %s, list says %s" % (nr, bynr[nr], name))
		byname[name] = nr
		bynr[nr] = name
	for name, nr in TYPE_ALIASES.items():
		byname[name] = nr
	return byname, bynr


def cpp_defines(src, defines):
	args = ["cpp", "-dM"] + ["-D%s" % d for d in defines]
	r = subprocess.run(args, input=src, capture_output=True, text=True)
	if r.returncode != 0:
		die("cpp: %s" % r.stderr)
	return r.stdout


def generic_syscalls(arch, want):
	"""asm-generic numbering as a 64-bit arch configures it with `want`;
	resolves __NR3264_ aliases."""
	macros = cpp_defines("#include <asm-generic/unistd.h>\n",
	    want + ["__BITS_PER_LONG=64"])
	defs = {}
	for line in macros.split("\n"):
		m = re.match(r"^#define\s+(__NR(?:3264)?_[A-Za-z0-9_]+)\s+(.+)$", line)
		if m:
			defs[m.group(1)] = m.group(2).strip()

	def value(tok, depth=0):
		tok = tok.strip("() ")
		if re.fullmatch(r"[0-9]+", tok):
			return int(tok)
		if tok in defs and depth < 8:
			return value(defs[tok], depth + 1)
		m = re.fullmatch(r"(__NR\w+)\s*\+\s*([0-9]+)", tok)
		if m:
			base = value(m.group(1), depth + 1)
			return None if base is None else base + int(m.group(2))
		return None

	out = []
	for name, v in defs.items():
		if not name.startswith("__NR_") or name == "__NR_syscalls":
			continue
		n = name[len("__NR_"):]
		if n == "arch_specific_syscall":
			continue	# range base, not a syscall
		nr = value(v)
		if nr is None:
			die("%s: cannot resolve %s = %s" % (arch, name, v))
		out.append((n, nr))
	return out


def ausyscall_syscalls(path):
	"""data/syscalls/*.tsv: '#' comments, then 'nr<TAB>name' lines."""
	out = []
	for i, line in enumerate(read(path).split("\n"), 1):
		if not line or line.startswith("#"):
			continue
		m = re.fullmatch(r"([0-9]+)\t([A-Za-z0-9_]+)", line)
		if not m:
			die("%s:%d: expected 'number<TAB>name'" % (path, i))
		out.append((m.group(2), int(m.group(1))))
	if len(out) < 300:
		die("%s: only %d syscalls" % (path, len(out)))
	return out


def syscall_table(arch, pairs, extra_list=""):
	"""pairs [(name, nr)] -> (primary {nr: name}, accepted {name: nr})."""
	primary = {}
	accepted = {}
	for name, nr in pairs:
		if name in accepted and accepted[name] != nr:
			die("%s: %s is both %d and %d" % (arch, name, accepted[name], nr))
		accepted[name] = nr
		if nr in primary and primary[nr] != name:
			die("%s: %d is both %s and %s" % (arch, nr, primary[nr], name))
		primary[nr] = name
	extra = parse_pairs(NEW_COMMON) + parse_pairs(extra_list)
	if arch == "x86_64":
		extra += parse_pairs(NEW_X86_64_ONLY)
	for nr, name in extra:
		if nr in primary and primary[nr] != name:
			die("%s: %d is %s in headers, %s in list" %
			    (arch, nr, primary[nr], name))
		primary[nr] = name
		accepted[name] = nr
	for nr, name in AUDITD_SPELLING.get(arch, {}).items():
		if nr not in primary:
			die("%s: auditd spelling for unknown %d" % (arch, nr))
		primary[nr] = name
		accepted[name] = nr
	return primary, accepted


def errno_table(inc):
	pairs = []
	for f in ("asm-generic/errno-base.h", "asm-generic/errno.h"):
		pairs += header_defines(os.path.join(inc, f), "")
	byname = {n: v for n, v in pairs if n.startswith("E")}
	# aliases defined as another name: EWOULDBLOCK EAGAIN, EDEADLOCK EDEADLK
	rx = re.compile(r"^#define\s+(E[A-Z0-9]+)\s+(E[A-Z0-9]+)\b")
	for f in ("asm-generic/errno-base.h", "asm-generic/errno.h"):
		for line in read(os.path.join(inc, f)).split("\n"):
			m = rx.match(line)
			if m and m.group(2) in byname:
				byname[m.group(1)] = byname[m.group(2)]
	bynr = {}
	for n, v in pairs:
		if n.startswith("E"):
			bynr.setdefault(v, n)
	return byname, bynr


def c_str(s):
	if not re.fullmatch(r"[A-Za-z0-9_.\-]+", s):
		die("unexpected character in %r" % s)
	return '"%s"' % s


def gperf_file(path, what, table, lookup, words, value_fmt, pairs, tail,
    includes=("<stddef.h>", "<stdint.h>", "<string.h>")):
	"""One gperf input: struct vg_kw {name, value}, keywords, C tail."""
	lines = []
	lines.append("%{")
	lines.append("/*")
	lines.append(" * %s.gperf: %s." % (table, what))
	lines.append(" * %s." % GEN_NOTE)
	lines.append(" */")
	for inc in includes:
		lines.append("#include %s" % inc)
	lines.append("%}")
	lines.append("%language=ANSI-C")
	lines.append("%struct-type")
	lines.append("%readonly-tables")
	lines.append("%compare-lengths")
	lines.append("%enum")
	lines.append("%define lookup-function-name " + lookup)
	lines.append("%define hash-function-name " + table + "_hash")
	lines.append("%define word-array-name " + words)
	lines.append("%define length-table-name " + table + "_lengths")
	lines.append("%define constants-prefix " + table.upper() + "_")
	lines.append("%define initializer-suffix ,-1")
	lines.append("struct vg_kw { const char *name; int value; };")
	lines.append("%%")
	for name, v in sorted(pairs, key=lambda p: (p[1], p[0])):
		lines.append("%s, %s" % (name, value_fmt(v)))
	lines.append("%%")
	lines.extend(tail)
	with open(path, "w") as f:
		f.write("\n".join(lines) + "\n")


def dense_names(cname, accessor, base, bynr, comment):
	"""C array indexed by (nr - base) plus a bounds-checked accessor."""
	hi = max(bynr)
	n = hi - base + 1
	out = ["", "/* %s */" % comment,
	    "static const char *const %s[%d] = {" % (cname, n)]
	for nr in sorted(bynr):
		out.append("\t[%d] = %s," % (nr - base, c_str(bynr[nr])))
	out.append("};")
	out.append("")
	out.append("const char *%s(long nr);" % accessor)
	out.append("const char *")
	out.append("%s(long nr)" % accessor)
	out.append("{")
	out.append("\tif (nr < %d || nr > %d)" % (base, hi))
	out.append("\t\treturn NULL;")
	out.append("\treturn %s[nr - %d];" % (cname, base))
	out.append("}")
	return out


def main():
	ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
	ap.add_argument("--include", default="/usr/include")
	here = os.path.dirname(os.path.abspath(__file__))
	ap.add_argument("--data",
	    default=os.path.join(here, "..", "data", "syscalls"))
	ap.add_argument("--out", default=os.path.join(here, "..", "gperf"))
	a = ap.parse_args()
	inc = a.include
	os.makedirs(a.out, exist_ok=True)

	# record types
	byname, bynr = types_table(inc)
	tail = dense_names("type_names", "vg_types_name_at", TYPE_MIN, bynr,
	    "number -> name as auditd prints it; NULL holes are unknown")
	gperf_file(os.path.join(a.out, "types.gperf"),
	    "record type name -> number (linux/audit.h + auditd's userspace types)",
	    "types", "vg_types_lookup", "types_words", str,
	    list(byname.items()), tail)

	# fields
	pairs = []
	seen = set()
	for kind, names in FIELDS.items():
		for n in names.split():
			if n in seen:
				die("field %s listed twice" % n)
			seen.add(n)
			pairs.append((n, kind))
	gperf_file(os.path.join(a.out, "fields.gperf"),
	    "field key -> enum vg_fkind (Linux Audit field dictionary)",
	    "fields", "vg_fields_lookup", "fields_words", str, pairs, [],
	    includes=("<stddef.h>", "<string.h>", '"vigil/tables.h"'))

	# syscalls
	x86 = syscall_table("x86_64", header_defines(
	    os.path.join(inc, "x86_64-linux-gnu/asm/unistd_64.h"), "__NR_"))
	i386 = syscall_table("i386", header_defines(
	    os.path.join(inc, "x86_64-linux-gnu/asm/unistd_32.h"), "__NR_"))
	a64 = syscall_table("aarch64", generic_syscalls("aarch64", AARCH64_WANT))
	rv64 = syscall_table("riscv64", generic_syscalls("riscv64",
	    RISCV64_WANT), RISCV64_ONLY)
	tables = [("x86_64", x86), ("i386", i386), ("aarch64", a64),
	    ("riscv64", rv64)]
	for arch, f in AUSYSCALL_TABLES.items():
		primary, accepted = syscall_table(arch, ausyscall_syscalls(
		    os.path.join(a.data, f + ".tsv")))
		for au, kernel in KERNEL_SPELLING.items():
			if au in accepted and kernel not in accepted:
				accepted[kernel] = accepted[au]
		tables.append((arch, (primary, accepted)))
	for arch, (primary, accepted) in tables:
		t = "sc_" + arch
		tail = dense_names(t + "_names", "vg_%s_name_at" % t, 0, primary,
		    "%s syscall number -> name" % arch)
		tail.append("")
		tail.append("const int vg_%s_max = %d;" % (t, max(primary) + 1))
		gperf_file(os.path.join(a.out, "%s.gperf" % t),
		    "%s syscall name -> number" % arch, t, "vg_%s_lookup" % t,
		    t + "_words", str, list(accepted.items()), tail)

	# errno
	byname, bynr = errno_table(inc)
	tail = dense_names("errno_names", "vg_errnos_name_at", 0, bynr,
	    "errno number -> name; aliases (EWOULDBLOCK, EDEADLOCK) never printed")
	gperf_file(os.path.join(a.out, "errnos.gperf"),
	    "errno name -> number (asm-generic errno.h)", "errnos",
	    "vg_errnos_lookup", "errnos_words", str, list(byname.items()), tail)

	# arch names
	gperf_file(os.path.join(a.out, "archs.gperf"),
	    "arch name (auditctl arch=, b32/b64) -> enum vg_arch", "archs",
	    "vg_archs_lookup", "archs_words", str, list(ARCH_NAMES.items()), [],
	    includes=("<stddef.h>", "<string.h>", '"vigil/tables.h"'))
	return 0


if __name__ == "__main__":
	sys.exit(main())
