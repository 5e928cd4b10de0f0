/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_tables.c: record types, field kinds, arches, syscalls, errno names.
 * Round trips over every entry, known values, unknown lookups, and cross
 * checks against the uapi headers, the Linux Audit message dictionary, the
 * corpus logs, the committed ausyscall dumps (data/syscalls/) and (when
 * installed) auditd's own libaudit.so.1; rectype.h against the type table.
 */
#include <check.h>
#include <dirent.h>
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <linux/audit.h>

#include "ck.h"
#include "vigil/rectype.h"
#include "vigil/tables.h"

#define S(x)	(x), strlen(x)

/* ---- record types ------------------------------------------------------ */

START_TEST(test_type_known)
{
	ck_assert_int_eq(vg_type_by_name(S("SYSCALL")), 1300);
	ck_assert_int_eq(vg_type_by_name(S("EXECVE")), 1309);
	ck_assert_int_eq(vg_type_by_name(S("EOE")), 1320);
	ck_assert_int_eq(vg_type_by_name(S("PROCTITLE")), 1327);
	ck_assert_int_eq(vg_type_by_name(S("BPF")), 1334);
	ck_assert_int_eq(vg_type_by_name(S("URINGOP")), 1336);
	ck_assert_int_eq(vg_type_by_name(S("USER_AVC")), 1107);
	ck_assert_int_eq(vg_type_by_name(S("USER_CMD")), 1123);
	ck_assert_int_eq(vg_type_by_name(S("AVC")), 1400);
	ck_assert_int_eq(vg_type_by_name(S("APPARMOR_DENIED")), 1503);
	ck_assert_int_eq(vg_type_by_name(S("ANOM_ABEND")), 1701);
	ck_assert_int_eq(vg_type_by_name(S("INTEGRITY_RULE")), 1805);
	ck_assert_int_eq(vg_type_by_name(S("KERNEL")), 2000);
	ck_assert_int_eq(vg_type_by_name(S("ANOM_LOGIN_FAILURES")), 2100);
	ck_assert_int_eq(vg_type_by_name(S("RESP_ORIGIN_UNBLOCK_TIMED")), 2215);
	ck_assert_int_eq(vg_type_by_name(S("USER_ROLE_CHANGE")), 2300);
	ck_assert_int_eq(vg_type_by_name(S("SOFTWARE_UPDATE")), 1138);
	ck_assert_int_eq(vg_type_by_name(S("VIRT_MIGRATE_OUT")), 2507);
	/* AA is the uapi macro name; auditd prints APPARMOR */
	ck_assert_int_eq(vg_type_by_name(S("AA")), 1500);
	ck_assert_str_eq(vg_type_name(1500), "APPARMOR");
	ck_assert_str_eq(vg_type_name(1300), "SYSCALL");
	ck_assert_str_eq(vg_type_name(1005), "USER");
	ck_assert_str_eq(vg_type_name(1329), "REPLACE");
	/* length, not NUL, ends the key */
	ck_assert_int_eq(vg_type_by_name("SYSCALLxyz", 7), 1300);
	ck_assert_int_eq(vg_type_by_name("PATH=", 4), 1302);
}
END_TEST

START_TEST(test_type_unknown)
{
	ck_assert_int_eq(vg_type_by_name(S("FOO")), -1);
	ck_assert_int_eq(vg_type_by_name(S("SYSCAL")), -1);
	ck_assert_int_eq(vg_type_by_name(S("SYSCALLX")), -1);
	ck_assert_int_eq(vg_type_by_name(S("syscall")), -1);
	ck_assert_int_eq(vg_type_by_name(S("UNKNOWN[1329]")), -1);
	ck_assert_int_eq(vg_type_by_name(S("FIRST_USER_MSG")), -1);
	ck_assert_int_eq(vg_type_by_name("", 0), -1);
	ck_assert_int_eq(vg_type_by_name(NULL, 3), -1);
	ck_assert_ptr_null(vg_type_name(0));
	ck_assert_ptr_null(vg_type_name(999));
	ck_assert_ptr_null(vg_type_name(1308));	/* hole */
	ck_assert_ptr_null(vg_type_name(1999));
	ck_assert_ptr_null(vg_type_name(3000));
	ck_assert_ptr_null(vg_type_name(UINT32_MAX));
	ck_assert_ptr_null(vg_type_name((uint32_t)INT32_MAX + 1));
}
END_TEST

START_TEST(test_type_roundtrip)
{
	uint32_t n;
	int count = 0;

	for (n = 0; n < 70000; n++) {
		const char *name = vg_type_name(n);

		if (name == NULL)
			continue;
		count++;
		ck_assert_msg(vg_type_by_name(name, strlen(name)) == (int)n,
		    "%u %s", n, name);
	}
	/* auditd 3.0.9 knows 195, uapi adds control and new kernel types */
	ck_assert_int_ge(count, 220);
}
END_TEST

/* Every AUDIT_* message type in the local linux/audit.h is known. */
START_TEST(test_type_uapi)
{
	FILE *f = fopen("/usr/include/linux/audit.h", "r");
	char line[512], name[128];
	int nr, checked = 0;

	if (f == NULL)
		return;		/* no kernel headers: nothing to compare */
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "#define AUDIT_%127[A-Z0-9_] %d", name, &nr) != 2)
			continue;
		if (nr < 1000 || nr > 2999 || strncmp(name, "FIRST_", 6) == 0 ||
		    strncmp(name, "LAST_", 5) == 0)
			continue;
		ck_assert_msg(vg_type_by_name(S(name)) == nr, "%s %d", name, nr);
		checked++;
	}
	fclose(f);
	ck_assert_int_ge(checked, 90);
}
END_TEST

/*
 * Every number in include/vigil/rectype.h is the type table's number for
 * its name (VG_T_EOE 1320 = "EOE"), and the user ranges are uapi's (the
 * daemon range 1200-1299 is libaudit's).
 */
START_TEST(test_type_rectype_h)
{
	FILE *f = fopen(VG_SRCDIR "/include/vigil/rectype.h", "r");
	char line[512], name[128];
	int nr, checked = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "#define VG_T_%127[A-Z0-9_] %d", name,
		    &nr) != 2)
			continue;
		if (strncmp(name, "FIRST_", 6) == 0 ||
		    strncmp(name, "LAST_", 5) == 0)
			continue;
		ck_assert_msg(vg_type_by_name(S(name)) == nr, "%s %d", name, nr);
		checked++;
	}
	fclose(f);
	ck_assert_int_ge(checked, 38);
	ck_assert_int_eq(VG_T_FIRST_USER_MSG, AUDIT_FIRST_USER_MSG);
	ck_assert_int_eq(VG_T_LAST_USER_MSG, AUDIT_LAST_USER_MSG);
	ck_assert_int_eq(VG_T_FIRST_USER_MSG2, AUDIT_FIRST_USER_MSG2);
	ck_assert_int_eq(VG_T_LAST_USER_MSG2, AUDIT_LAST_USER_MSG2);
}
END_TEST

/*
 * Every type in the Linux Audit message dictionary is known, with the same
 * number. Of these, auditd 3.0.9 does not name: GET SET LIST ADD DEL
 * WATCH_INS WATCH_REM WATCH_LIST SIGNAL_INFO ADD_RULE DEL_RULE LIST_RULES
 * TRIM MAKE_EQUIV TTY_GET TTY_SET SET_FEATURE GET_FEATURE (netlink control
 * messages that never reach a log), DAEMON_RECONFIG, FS_WATCH, REPLACE,
 * DM_CTRL, DM_EVENT (it prints UNKNOWN[n]), and AA, which it spells
 * APPARMOR. Conversely 3.0.9 knows ANOM_LOGIN_ROOT, ANOM_ORIGIN_FAILURES,
 * ANOM_SESSION and RESP_ORIGIN_UNBLOCK_TIMED, which the dictionary lacks.
 */
START_TEST(test_type_dictionary)
{
	FILE *f = fopen(VG_CORPUS
	    "/reference/audit-documentation/message-dictionary.csv", "r");
	char line[1024], name[128];
	int nr, checked = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "AUDIT_%127[A-Z0-9_],%d,", name, &nr) != 2)
			continue;
		ck_assert_msg(vg_type_by_name(S(name)) == nr, "%s %d", name, nr);
		checked++;
	}
	fclose(f);
	ck_assert_int_eq(checked, 214);
}
END_TEST

/*
 * Record types named in the corpus logs. A record starts a line, maybe
 * after "node=X ". Numeric types (type=1400 in kernel syslog lines) and
 * UNKNOWN[n] are what auditd writes for numbers it does not know; the
 * plaso file's types (EMPTYDATE, NOMSG, ...) are deliberately bogus.
 */
static int corpus_checked;

static void
check_log(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[65536];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p = line, *e;

		if (strncmp(p, "node=", 5) == 0) {
			p = strchr(p, ' ');
			if (p == NULL)
				continue;
			p++;
		}
		if (strncmp(p, "type=", 5) != 0)
			continue;
		p += 5;
		for (e = p; (*e >= 'A' && *e <= 'Z') || (*e >= '0' &&
		    *e <= '9') || *e == '_'; e++)
			;
		if (e == p || (*p >= '0' && *p <= '9'))
			continue;
		if (*e == '[' && e - p == 7 && memcmp(p, "UNKNOWN", 7) == 0)
			continue;
		ck_assert_msg(vg_type_by_name(p, (size_t)(e - p)) >= 0,
		    "%s: unknown type %.*s", path, (int)(e - p), p);
		corpus_checked++;
	}
	fclose(f);
}

static void
walk(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096];
	struct stat st;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		ck_assert_int_lt(snprintf(path, sizeof(path), "%s/%s", dir,
		    de->d_name), (int)sizeof(path));
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			walk(path);
		else if (S_ISREG(st.st_mode) && strstr(path,
		    "/plaso/selinux.log") == NULL)
			check_log(path);
	}
	closedir(d);
}

START_TEST(test_type_corpus)
{
	corpus_checked = 0;
	walk(VG_CORPUS "/logs");
	ck_assert_int_gt(corpus_checked, 30000);
}
END_TEST

/* ---- fields ------------------------------------------------------------ */

START_TEST(test_fields)
{
	static const struct {
		const char	*key;
		enum vg_fkind	 kind;
	} cases[] = {
		{ "name", VG_FK_ENCODED }, { "path", VG_FK_ENCODED },
		{ "comm", VG_FK_ENCODED }, { "exe", VG_FK_ENCODED },
		{ "cmd", VG_FK_ENCODED }, { "acct", VG_FK_ENCODED },
		{ "cwd", VG_FK_ENCODED }, { "data", VG_FK_ENCODED },
		{ "new-disk", VG_FK_ENCODED }, { "old-disk", VG_FK_ENCODED },
		{ "proctitle", VG_FK_PROCTITLE }, { "key", VG_FK_KEY },
		{ "a0", VG_FK_HEX }, { "a3", VG_FK_HEX },
		{ "uid", VG_FK_UID }, { "auid", VG_FK_UID },
		{ "euid", VG_FK_UID }, { "suid", VG_FK_UID },
		{ "fsuid", VG_FK_UID }, { "ouid", VG_FK_UID },
		{ "obj_uid", VG_FK_UID }, { "iuid", VG_FK_UID },
		{ "ogid", VG_FK_GID }, { "igid", VG_FK_GID },
		{ "gid", VG_FK_GID }, { "ses", VG_FK_SES },
		{ "arch", VG_FK_ARCH }, { "syscall", VG_FK_SYSCALL },
		{ "exit", VG_FK_EXIT }, { "success", VG_FK_SUCCESS },
		{ "mode", VG_FK_MODE }, { "saddr", VG_FK_SOCKADDR },
		{ "perm", VG_FK_PERM }, { "res", VG_FK_RESULT },
		{ "result", VG_FK_RESULT }, { "sig", VG_FK_SIGNAL },
		{ "cap_fp", VG_FK_CAP }, { "pid", VG_FK_INT },
		{ "items", VG_FK_INT }, { "msg", VG_FK_STR },
		{ "subj", VG_FK_STR }, { "nametype", VG_FK_STR },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(vg_field_kind(S(cases[i].key)) == cases[i].kind,
		    "%s", cases[i].key);
	ck_assert_int_eq(vg_field_kind(S("nosuchfield")), VG_FK_STR);
	ck_assert_int_eq(vg_field_kind(S("nam")), VG_FK_STR);
	ck_assert_int_eq(vg_field_kind(S("NAME")), VG_FK_STR);
	ck_assert_int_eq(vg_field_kind("auid=0", 4), VG_FK_UID);
	ck_assert_int_eq(vg_field_kind("", 0), VG_FK_STR);
	ck_assert_int_eq(vg_field_kind(NULL, 0), VG_FK_STR);
}
END_TEST

/* Every field the dictionary calls "encoded" is decoded as hex. */
START_TEST(test_fields_dictionary)
{
	FILE *f = fopen(VG_CORPUS
	    "/reference/audit-documentation/field-dictionary.csv", "r");
	char line[1024], name[128], fmt[128];
	int checked = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		enum vg_fkind k;

		if (sscanf(line, "%127[a-z0-9_-],%127[a-z -]", name, fmt) != 2)
			continue;
		k = vg_field_kind(S(name));
		if (strcmp(fmt, "encoded") == 0) {
			ck_assert_msg(k == VG_FK_ENCODED || k == VG_FK_KEY ||
			    k == VG_FK_PROCTITLE || k == VG_FK_SOCKADDR,
			    "%s is encoded", name);
			checked++;
		} else if (strcmp(fmt, "numeric octal") == 0) {
			ck_assert_msg(k == VG_FK_MODE || k == VG_FK_OCTAL,
			    "%s is octal", name);
			checked++;
		}
	}
	fclose(f);
	ck_assert_int_ge(checked, 30);
}
END_TEST

/* ---- arches ------------------------------------------------------------ */

START_TEST(test_arch)
{
	int a;

	ck_assert_int_eq(vg_arch_from_audit(0xc000003e), VG_ARCH_X86_64);
	ck_assert_int_eq(vg_arch_from_audit(0x40000003), VG_ARCH_I386);
	ck_assert_int_eq(vg_arch_from_audit(0xc00000b7), VG_ARCH_AARCH64);
	ck_assert_int_eq(vg_arch_from_audit(0x40000028), VG_ARCH_ARM);
	ck_assert_int_eq(vg_arch_from_audit(0x80000015), VG_ARCH_PPC64);
	ck_assert_int_eq(vg_arch_from_audit(0xc0000015), VG_ARCH_PPC64LE);
	ck_assert_int_eq(vg_arch_from_audit(0x80000016), VG_ARCH_S390X);
	ck_assert_int_eq(vg_arch_from_audit(0xc00000f3), VG_ARCH_RISCV64);
	ck_assert_int_eq(vg_arch_from_audit(0x00000014), VG_ARCH_PPC);
	ck_assert_int_eq(vg_arch_from_audit(0x00000016), VG_ARCH_S390);
	ck_assert_int_eq(vg_arch_from_audit(0), VG_ARCH_UNKNOWN);
	ck_assert_int_eq(vg_arch_from_audit(0x3e), VG_ARCH_UNKNOWN);
	/* ARMEB (big-endian arm): neither auditd nor vigil has a table */
	ck_assert_int_eq(vg_arch_from_audit(0x00000028), VG_ARCH_UNKNOWN);
	ck_assert_uint_eq(vg_arch_to_audit(VG_ARCH_X86_64), 0xc000003e);
	ck_assert_uint_eq(vg_arch_to_audit(VG_ARCH_UNKNOWN), 0);
	ck_assert_uint_eq(vg_arch_to_audit((enum vg_arch)99), 0);
	ck_assert_ptr_null(vg_arch_name(VG_ARCH_UNKNOWN));
	ck_assert_ptr_null(vg_arch_name((enum vg_arch)-1));
	for (a = VG_ARCH_X86_64; a <= VG_ARCH_S390; a++) {
		const char *n = vg_arch_name((enum vg_arch)a);

		ck_assert_ptr_nonnull(n);
		ck_assert_int_eq(vg_arch_by_name(S(n)), a);
		ck_assert_int_eq(vg_arch_from_audit(
		    vg_arch_to_audit((enum vg_arch)a)), a);
	}
	ck_assert_str_eq(vg_arch_name(VG_ARCH_X86_64), "x86_64");
	ck_assert_int_eq(vg_arch_by_name(S("b64")), VG_ARCH_X86_64);
	ck_assert_int_eq(vg_arch_by_name(S("b32")), VG_ARCH_I386);
	ck_assert_int_eq(vg_arch_by_name(S("i686")), VG_ARCH_I386);
	ck_assert_int_eq(vg_arch_by_name(S("armv7l")), VG_ARCH_ARM);
	ck_assert_int_eq(vg_arch_by_name(S("armeb")), VG_ARCH_ARM);
	ck_assert_int_eq(vg_arch_by_name(S("ppc")), VG_ARCH_PPC);
	ck_assert_int_eq(vg_arch_by_name(S("s390")), VG_ARCH_S390);
	ck_assert_str_eq(vg_arch_name(VG_ARCH_PPC64LE), "ppc64le");
	ck_assert_str_eq(vg_arch_name(VG_ARCH_S390X), "s390x");
	ck_assert_int_eq(vg_arch_by_name(S("b16")), VG_ARCH_UNKNOWN);
	ck_assert_int_eq(vg_arch_by_name(S("x86")), VG_ARCH_UNKNOWN);
	ck_assert_int_eq(vg_arch_by_name(NULL, 0), VG_ARCH_UNKNOWN);
	/* libaudit's machine table spellings */
	ck_assert_int_eq(vg_arch_by_name(S("armv5tejl")), VG_ARCH_ARM);
	ck_assert_int_eq(vg_arch_by_name(S("armv6l")), VG_ARCH_ARM);
	ck_assert_int_eq(vg_arch_by_name(S("X86_64")), VG_ARCH_UNKNOWN);
	/* auditd 3.0.9's names: armeb for arm, none for riscv64 */
	ck_assert_str_eq(vg_arch_auditd_name(VG_ARCH_ARM), "armeb");
	ck_assert_str_eq(vg_arch_auditd_name(VG_ARCH_PPC), "ppc");
	ck_assert_str_eq(vg_arch_auditd_name(VG_ARCH_X86_64), "x86_64");
	ck_assert_ptr_null(vg_arch_auditd_name(VG_ARCH_RISCV64));
	ck_assert_ptr_null(vg_arch_auditd_name(VG_ARCH_UNKNOWN));
	ck_assert_ptr_null(vg_arch_auditd_name((enum vg_arch)99));
	/* b32 of a host */
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_X86_64), VG_ARCH_I386);
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_I386), VG_ARCH_I386);
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_AARCH64), VG_ARCH_ARM);
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_PPC64), VG_ARCH_PPC);
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_S390X), VG_ARCH_S390);
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_PPC64LE), VG_ARCH_UNKNOWN);
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_RISCV64), VG_ARCH_UNKNOWN);
	ck_assert_int_eq(vg_arch_b32(VG_ARCH_UNKNOWN), VG_ARCH_UNKNOWN);
	ck_assert_int_eq(vg_arch_b32((enum vg_arch)99), VG_ARCH_UNKNOWN);
	for (a = VG_ARCH_X86_64; a <= VG_ARCH_S390; a++) {
		enum vg_arch b = vg_arch_b32((enum vg_arch)a);

		ck_assert(b == VG_ARCH_UNKNOWN ||
		    !(vg_arch_to_audit(b) & 0x80000000U));
	}
}
END_TEST

/* ---- syscalls ---------------------------------------------------------- */

static void
roundtrip(enum vg_arch a, int min_entries)
{
	int nr, max = vg_syscall_max(a), count = 0;

	ck_assert_int_gt(max, 0);
	ck_assert_ptr_null(vg_syscall_name(a, -1));
	ck_assert_ptr_null(vg_syscall_name(a, max));
	ck_assert_ptr_nonnull(vg_syscall_name(a, max - 1));
	for (nr = 0; nr < max; nr++) {
		const char *n = vg_syscall_name(a, nr);

		if (n == NULL)
			continue;
		count++;
		ck_assert_msg(vg_syscall_number(a, S(n)) == nr, "%d %s", nr, n);
	}
	ck_assert_int_ge(count, min_entries);
}

START_TEST(test_syscall_roundtrip)
{
	roundtrip(VG_ARCH_X86_64, 370);
	roundtrip(VG_ARCH_I386, 440);
	roundtrip(VG_ARCH_AARCH64, 320);
	roundtrip(VG_ARCH_ARM, 410);
	roundtrip(VG_ARCH_PPC64, 440);
	roundtrip(VG_ARCH_PPC64LE, 440);
	roundtrip(VG_ARCH_PPC, 440);
	roundtrip(VG_ARCH_S390X, 360);
	roundtrip(VG_ARCH_S390, 390);
	roundtrip(VG_ARCH_RISCV64, 320);
}
END_TEST

START_TEST(test_syscall_known)
{
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("execve")), 59);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_I386, S("execve")), 11);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_AARCH64, S("execve")), 221);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("openat")), 257);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_AARCH64, S("openat")), 56);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_I386, S("socketcall")),
	    102);
	ck_assert_str_eq(vg_syscall_name(VG_ARCH_X86_64, 0), "read");
	ck_assert_str_eq(vg_syscall_name(VG_ARCH_X86_64, 59), "execve");
	ck_assert_str_eq(vg_syscall_name(VG_ARCH_I386, 0), "restart_syscall");
	ck_assert_str_eq(vg_syscall_name(VG_ARCH_AARCH64, 221), "execve");
	/* auditd spells these differently from the kernel; both are read */
	ck_assert_str_eq(vg_syscall_name(VG_ARCH_X86_64, 17), "pread");
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("pread64")), 17);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("pread")), 17);
	ck_assert_str_eq(vg_syscall_name(VG_ARCH_AARCH64, 80), "newfstat");
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_AARCH64, S("fstat")), 80);
	/* newer than the build host's headers */
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("fchmodat2")),
	    452);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_I386, S("fchmodat2")), 452);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_AARCH64, S("fchmodat2")),
	    452);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("futex_waitv")),
	    449);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("cachestat")),
	    451);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64,
	    S("map_shadow_stack")), 453);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("statmount")),
	    457);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("listmount")),
	    458);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64,
	    S("lsm_list_modules")), 461);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("mseal")), 462);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("setxattrat")),
	    463);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_AARCH64,
	    S("removexattrat")), 466);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_I386,
	    S("open_tree_attr")), 467);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64,
	    S("file_setattr")), 469);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("uretprobe")),
	    335);
	ck_assert_int_eq(vg_syscall_max(VG_ARCH_X86_64), 471);
}
END_TEST

/*
 * Spot checks per arch, numbers from auditd 3.0.9's `ausyscall ARCH
 * --dump` (and the kernel's syscall.tbl files, which agree).
 */
START_TEST(test_syscall_other_arches)
{
	static const struct {
		enum vg_arch	 arch;
		const char	*name;
		int		 nr;
	} t[] = {
		{ VG_ARCH_AARCH64, "openat", 56 },
		{ VG_ARCH_AARCH64, "execve", 221 },
		{ VG_ARCH_AARCH64, "connect", 203 },
		{ VG_ARCH_ARM, "restart_syscall", 0 },
		{ VG_ARCH_ARM, "open", 5 },
		{ VG_ARCH_ARM, "execve", 11 },
		{ VG_ARCH_ARM, "openat", 322 },
		{ VG_ARCH_ARM, "socket", 281 },
		{ VG_ARCH_ARM, "pread64", 180 },
		{ VG_ARCH_ARM, "set_mempolicy_home_node", 450 },
		{ VG_ARCH_PPC64LE, "exit", 1 },
		{ VG_ARCH_PPC64LE, "open", 5 },
		{ VG_ARCH_PPC64LE, "execve", 11 },
		{ VG_ARCH_PPC64LE, "openat", 286 },
		{ VG_ARCH_PPC64LE, "socketcall", 102 },
		{ VG_ARCH_PPC64LE, "socket", 326 },
		{ VG_ARCH_PPC64LE, "mpx", 56 },
		{ VG_ARCH_PPC64LE, "pread", 179 },
		{ VG_ARCH_PPC64, "openat", 286 },
		{ VG_ARCH_PPC64, "clone3", 435 },
		{ VG_ARCH_PPC, "openat", 286 },
		{ VG_ARCH_S390X, "exit", 1 },
		{ VG_ARCH_S390X, "open", 5 },
		{ VG_ARCH_S390X, "execve", 11 },
		{ VG_ARCH_S390X, "openat", 288 },
		{ VG_ARCH_S390X, "socket", 359 },
		{ VG_ARCH_S390X, "getuid", 199 },
		{ VG_ARCH_S390X, "s390_runtime_instr", 342 },
		{ VG_ARCH_S390, "getuid", 24 },
		{ VG_ARCH_S390, "getuid32", 199 },
		{ VG_ARCH_S390, "openat", 288 },
		{ VG_ARCH_RISCV64, "openat", 56 },
		{ VG_ARCH_RISCV64, "fstat", 80 },
		{ VG_ARCH_RISCV64, "pread64", 67 },
		{ VG_ARCH_RISCV64, "riscv_flush_icache", 259 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *n = vg_syscall_name(t[i].arch, t[i].nr);

		ck_assert_msg(n != NULL && strcmp(n, t[i].name) == 0,
		    "arch %d %d: %s, want %s", t[i].arch, t[i].nr,
		    n ? n : "NULL", t[i].name);
		ck_assert_int_eq(vg_syscall_number(t[i].arch, S(t[i].name)),
		    t[i].nr);
	}
	/* the kernel's spelling is read too where auditd says pread */
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_PPC64, S("pread64")), 179);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_S390X, S("pwrite64")), 181);
	ck_assert_str_eq(vg_syscall_name(VG_ARCH_S390X, 181), "pwrite");
	/* newer than auditd 3.0.9: shared numbers from 451 on */
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_ARM, S("fchmodat2")), 452);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_PPC64LE, S("mseal")), 462);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_S390X, S("listns")), 470);
	ck_assert_int_eq(vg_syscall_max(VG_ARCH_S390X), 471);
	/* what each arch does not have */
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_RISCV64, S("renameat")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_RISCV64, S("open")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_S390X, S("getuid32")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_ARM, S("arch_prctl")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_PPC64,
	    S("riscv_flush_icache")), -1);
	ck_assert_ptr_null(vg_syscall_name(VG_ARCH_PPC64, 0));	/* hole */
	ck_assert_ptr_null(vg_syscall_name(VG_ARCH_S390X, 0));
	ck_assert_ptr_null(vg_syscall_name(VG_ARCH_ARM, 471));
}
END_TEST

/*
 * Every line of the committed ausyscall dumps reads back both ways. These
 * are the generator's input, so this checks gen-tables.py dropped nothing.
 */
static int
tsv_check(enum vg_arch a, const char *file)
{
	char path[512], line[256], name[128];
	FILE *f;
	int nr, checked = 0, n;

	n = snprintf(path, sizeof(path), "%s/data/syscalls/%s", VG_SRCDIR,
	    file);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *got;

		if (line[0] == '#')
			continue;
		ck_assert_msg(sscanf(line, "%d\t%127[A-Za-z0-9_]", &nr,
		    name) == 2, "%s: %s", path, line);
		got = vg_syscall_name(a, nr);
		ck_assert_msg(got != NULL && strcmp(got, name) == 0,
		    "%s: %d is %s, vigil says %s", path, nr, name,
		    got ? got : "NULL");
		ck_assert_int_eq(vg_syscall_number(a, S(name)), nr);
		checked++;
	}
	fclose(f);
	return checked;
}

START_TEST(test_syscall_ausyscall_data)
{
	ck_assert_int_eq(tsv_check(VG_ARCH_ARM, "arm.tsv"), 412);
	ck_assert_int_eq(tsv_check(VG_ARCH_PPC64, "ppc.tsv"), 426);
	ck_assert_int_eq(tsv_check(VG_ARCH_PPC64LE, "ppc.tsv"), 426);
	ck_assert_int_eq(tsv_check(VG_ARCH_PPC, "ppc.tsv"), 426);
	ck_assert_int_eq(tsv_check(VG_ARCH_S390, "s390.tsv"), 382);
	ck_assert_int_eq(tsv_check(VG_ARCH_S390X, "s390x.tsv"), 348);
}
END_TEST

START_TEST(test_syscall_unknown)
{
	/* aarch64 has no legacy open/fork/stat */
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_AARCH64, S("open")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_AARCH64, S("fork")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_I386, S("uretprobe")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("socketcall")),
	    -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("nosuch")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, S("EXECVE")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, "execve", 5), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, "", 0), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_X86_64, NULL, 4), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_PPC64, S("nosuch")), -1);
	ck_assert_int_eq(vg_syscall_number(VG_ARCH_UNKNOWN, S("read")), -1);
	ck_assert_int_eq(vg_syscall_number((enum vg_arch)42, S("read")), -1);
	ck_assert_ptr_null(vg_syscall_name(VG_ARCH_X86_64, 400)); /* hole */
	ck_assert_ptr_null(vg_syscall_name(VG_ARCH_X86_64, 100000));
	ck_assert_ptr_null(vg_syscall_name(VG_ARCH_PPC64, 100000));
	ck_assert_ptr_null(vg_syscall_name((enum vg_arch)-3, 1));
	ck_assert_int_eq(vg_syscall_max(VG_ARCH_UNKNOWN), 0);
	ck_assert_int_eq(vg_syscall_max((enum vg_arch)42), 0);
}
END_TEST

/* Every __NR_ name of the local uapi headers resolves to its number. */
static void
header_check(enum vg_arch a, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], name[128];
	int nr, checked = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "#define __NR_%127[a-z0-9_] %d", name, &nr) != 2)
			continue;
		ck_assert_msg(vg_syscall_number(a, S(name)) == nr, "%s: %s %d",
		    path, name, nr);
		checked++;
	}
	fclose(f);
	ck_assert_int_gt(checked, 300);
}

START_TEST(test_syscall_headers)
{
	header_check(VG_ARCH_X86_64,
	    "/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
	header_check(VG_ARCH_I386,
	    "/usr/include/x86_64-linux-gnu/asm/unistd_32.h");
}
END_TEST

/* ---- errno ------------------------------------------------------------- */

START_TEST(test_errno)
{
	int e, count = 0;

	ck_assert_int_eq(vg_errno_number(S("ENOENT")), 2);
	ck_assert_int_eq(vg_errno_number(S("EPERM")), 1);
	ck_assert_int_eq(vg_errno_number(S("EINVAL")), 22);
	ck_assert_int_eq(vg_errno_number(S("EHWPOISON")), 133);
	ck_assert_int_eq(vg_errno_number(S("EWOULDBLOCK")), 11);
	ck_assert_int_eq(vg_errno_number(S("EDEADLOCK")), 35);
	ck_assert_str_eq(vg_errno_name(11), "EAGAIN");
	ck_assert_str_eq(vg_errno_name(35), "EDEADLK");
	ck_assert_str_eq(vg_errno_name(2), "ENOENT");
	ck_assert_int_eq(vg_errno_number(S("ENOPE")), -1);
	ck_assert_int_eq(vg_errno_number(S("enoent")), -1);
	ck_assert_int_eq(vg_errno_number(S("E")), -1);
	ck_assert_int_eq(vg_errno_number(NULL, 1), -1);
	ck_assert_ptr_null(vg_errno_name(0));
	ck_assert_ptr_null(vg_errno_name(-2));
	ck_assert_ptr_null(vg_errno_name(134));
	ck_assert_ptr_null(vg_errno_name(41));	/* hole: EWOULDBLOCK+30 */
	for (e = -10; e < 1000; e++) {
		const char *n = vg_errno_name(e);

		if (n == NULL)
			continue;
		count++;
		ck_assert_int_eq(vg_errno_number(S(n)), e);
	}
	ck_assert_int_eq(count, 131);
}
END_TEST

/* ---- against auditd's libaudit, if installed --------------------------- */

START_TEST(test_libaudit)
{
	const char *(*type_name)(int);
	const char *(*sc_name)(int, int);
	const char *(*err_name)(int);
	int (*name_to_mach)(const char *);
	int (*mach_to_elf)(int);
	int (*elf_to_mach)(unsigned int);
	const char *(*mach_to_name)(int);
	/* every spelling in libaudit 3.0.9's machine table */
	static const char *const spell[] = { "i386", "i486", "i586", "i686",
	    "x86_64", "ppc64", "ppc64le", "ppc", "s390x", "s390", "armeb",
	    "armv5tejl", "armv5tel", "armv6l", "armv7l", "aarch64" };
	int a;
	void *h = dlopen("libaudit.so.1", RTLD_NOW | RTLD_LOCAL);
	/* auditd's machine names; the numbers come from libaudit itself */
	static const struct {
		const char	*name;
		enum vg_arch	 arch;
	} m[] = { { "i386", VG_ARCH_I386 }, { "x86_64", VG_ARCH_X86_64 },
	    { "aarch64", VG_ARCH_AARCH64 }, { "armeb", VG_ARCH_ARM },
	    { "ppc", VG_ARCH_PPC }, { "ppc64", VG_ARCH_PPC64 },
	    { "ppc64le", VG_ARCH_PPC64LE }, { "s390", VG_ARCH_S390 },
	    { "s390x", VG_ARCH_S390X } };
	int n, mach, checked = 0;
	size_t i;

	if (h == NULL)
		return;		/* auditd not installed: nothing to compare */
	*(void **)&type_name = dlsym(h, "audit_msg_type_to_name");
	*(void **)&sc_name = dlsym(h, "audit_syscall_to_name");
	*(void **)&err_name = dlsym(h, "audit_errno_to_name");
	*(void **)&name_to_mach = dlsym(h, "audit_name_to_machine");
	*(void **)&mach_to_elf = dlsym(h, "audit_machine_to_elf");
	*(void **)&elf_to_mach = dlsym(h, "audit_elf_to_machine");
	*(void **)&mach_to_name = dlsym(h, "audit_machine_to_name");
	ck_assert_ptr_nonnull(name_to_mach);
	ck_assert_ptr_nonnull(mach_to_elf);
	ck_assert_ptr_nonnull(elf_to_mach);
	ck_assert_ptr_nonnull(mach_to_name);
	ck_assert_ptr_nonnull(type_name);
	ck_assert_ptr_nonnull(sc_name);
	ck_assert_ptr_nonnull(err_name);
	for (n = 0; n < 20000; n++) {
		const char *want = type_name(n);

		if (want == NULL)
			continue;
		ck_assert_msg(vg_type_name((uint32_t)n) != NULL &&
		    strcmp(vg_type_name((uint32_t)n), want) == 0,
		    "type %d: auditd says %s", n, want);
		checked++;
	}
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		mach = name_to_mach(m[i].name);
		ck_assert_msg(mach >= 0, "libaudit lacks %s", m[i].name);
		ck_assert_uint_eq((uint32_t)mach_to_elf(mach),
		    vg_arch_to_audit(m[i].arch));
		ck_assert_int_eq(vg_arch_by_name(S(m[i].name)), m[i].arch);
		for (n = 0; n < 1024; n++) {
			const char *want = sc_name(n, mach);
			const char *got = vg_syscall_name(m[i].arch, n);

			if (want == NULL)
				continue;
			ck_assert_msg(got != NULL && strcmp(got, want) == 0,
			    "%s syscall %d: auditd %s, vigil %s",
			    m[i].name, n, want, got ? got : "NULL");
			checked++;
		}
	}
	/* auditd's name for every arch value (ENRICHED ARCH=, auditctl -i) */
	for (a = VG_ARCH_X86_64; a <= VG_ARCH_S390; a++) {
		const char *got = vg_arch_auditd_name((enum vg_arch)a);

		mach = elf_to_mach(vg_arch_to_audit((enum vg_arch)a));
		if (mach < 0)
			ck_assert_msg(got == NULL, "arch %d: vigil %s", a, got);
		else
			ck_assert_msg(got != NULL &&
			    strcmp(got, mach_to_name(mach)) == 0,
			    "arch %d: auditd %s, vigil %s", a,
			    mach_to_name(mach), got ? got : "NULL");
		checked++;
	}
	/* and every auditctl arch= spelling names the same arch */
	for (i = 0; i < sizeof(spell) / sizeof(spell[0]); i++) {
		mach = name_to_mach(spell[i]);
		ck_assert_msg(mach >= 0, "libaudit lacks %s", spell[i]);
		a = vg_arch_by_name(S(spell[i]));
		ck_assert_uint_eq(vg_arch_to_audit((enum vg_arch)a),
		    (uint32_t)mach_to_elf(mach));
		checked++;
	}
	for (n = 0; n < 1000; n++) {
		const char *want = err_name(n);

		if (want == NULL)
			continue;
		ck_assert_str_eq(vg_errno_name(n), want);
		checked++;
	}
	ck_assert_int_gt(checked, 3800);
	dlclose(h);
}
END_TEST

/* Names the layout writes as plain text, without escaping (lay_plain in
 * decode_field.c: arch, syscall and errno names). */
static void
assert_plain(const char *what, const char *name)
{
	const char *c;

	for (c = name; *c != '\0'; c++)
		ck_assert_msg((*c >= 'a' && *c <= 'z') ||
		    (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    *c == '_', "%s name \"%s\" needs escaping", what, name);
}

START_TEST(test_names_plain)
{
	const char *n;
	int a, nr;

	for (a = VG_ARCH_UNKNOWN + 1; a <= VG_ARCH_S390; a++) {
		ck_assert_ptr_nonnull(n = vg_arch_name((enum vg_arch)a));
		assert_plain("arch", n);
		for (nr = 0; nr < 5000; nr++)
			if ((n = vg_syscall_name((enum vg_arch)a, nr)) != NULL)
				assert_plain("syscall", n);
	}
	for (nr = 1; nr <= 4095; nr++)
		if ((n = vg_errno_name(nr)) != NULL)
			assert_plain("errno", n);
}
END_TEST

static Suite *
tables_suite(void)
{
	Suite *s = suite_create("tables");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_type_known);
	tcase_add_test(tc, test_type_unknown);
	tcase_add_test(tc, test_type_roundtrip);
	tcase_add_test(tc, test_type_uapi);
	tcase_add_test(tc, test_type_rectype_h);
	tcase_add_test(tc, test_type_dictionary);
	tcase_add_test(tc, test_type_corpus);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_fields_dictionary);
	tcase_add_test(tc, test_arch);
	tcase_add_test(tc, test_syscall_roundtrip);
	tcase_add_test(tc, test_syscall_known);
	tcase_add_test(tc, test_syscall_other_arches);
	tcase_add_test(tc, test_syscall_ausyscall_data);
	tcase_add_test(tc, test_syscall_unknown);
	tcase_add_test(tc, test_syscall_headers);
	tcase_add_test(tc, test_errno);
	tcase_add_test(tc, test_libaudit);
	tcase_add_test(tc, test_names_plain);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(tables_suite());
}
