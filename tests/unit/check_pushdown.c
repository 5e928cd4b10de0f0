/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_pushdown.c: drop lines -> kernel rules (pushdown = yes): what is
 * pushed down and as which rule, what stays in userspace and why, the
 * file-system checks of exe lines, and the state file vigilctl -l reads.
 */
#include <check.h>
#include <limits.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/pushdown.h"

#ifndef AUDIT_FILTER_MASK
#define AUDIT_FILTER_MASK	0x07
#endif

/* The auditctl -l text of what line compiles to ("" if not pushed). */
static int
compile(const char *line, unsigned flags, char *text, size_t len,
    char *why, size_t wlen)
{
	struct vg_rule r;
	int rc;

	text[0] = '\0';
	rc = vg_pushdown_compile(line, flags, &r, why, wlen);
	if (rc == 1) {
		ck_assert_ptr_nonnull(r.data);
		ck_assert_int_eq(r.cmd, VG_RC_PREPEND);
		ck_assert_uint_ne(r.data->flags & AUDIT_FILTER_PREPEND, 0);
		ck_assert_int_gt(vg_rules_format(r.data, r.datalen, text, len),
		    0);
		vg_rule_free(&r);
	} else
		ck_assert_ptr_null(r.data);
	return rc;
}

static void
pushed(const char *line, const char *want)
{
	char text[8192], why[512];

	ck_assert_msg(compile(line, 0, text, sizeof(text), why,
	    sizeof(why)) == 1, "%s: not pushed: %s", line, why);
	ck_assert_str_eq(text, want);
}

static void
refused(const char *line, unsigned flags, const char *because)
{
	char text[8192], why[512];

	ck_assert_msg(compile(line, flags, text, sizeof(text), why,
	    sizeof(why)) == 0, "%s: pushed as %s", line, text);
	ck_assert_msg(strstr(why, because) != NULL, "%s: reason \"%s\" "
	    "lacks \"%s\"", line, why, because);
}

START_TEST(exe_lines)
{
	pushed("drop syscall.exe=/usr/bin/noisy",
	    "-a never,exit -S all -F exe=/usr/bin/noisy\n");
	pushed("syscall.exe=/usr/bin/noisy",
	    "-a never,exit -S all -F exe=/usr/bin/noisy\n");
	pushed("drop syscall.exe=\"/opt/a b/agent\"",
	    "-a never,exit -S all -F exe=/opt/a b/agent\n");
	pushed("drop syscall.exe=/x", "-a never,exit -S all -F exe=/x\n");
}
END_TEST

START_TEST(exe_rule_bytes)
{
	struct vg_rule r;
	char why[256];
	unsigned i;

	ck_assert_int_eq(vg_pushdown_compile("drop syscall.exe=/bin/true", 0,
	    &r, why, sizeof(why)), 1);
	ck_assert_uint_eq(r.data->flags & AUDIT_FILTER_MASK,
	    AUDIT_FILTER_EXIT);
	ck_assert_uint_eq(r.data->action, AUDIT_NEVER);
	ck_assert_uint_eq(r.data->field_count, 1);
	ck_assert_uint_eq(r.data->fields[0], AUDIT_EXE);
	ck_assert_uint_eq(r.data->fieldflags[0], AUDIT_EQUAL);
	ck_assert_uint_eq(r.data->values[0], strlen("/bin/true"));
	ck_assert_int_eq(memcmp(r.data->buf, "/bin/true", 9), 0);
	/* every syscall: the whole event of that program */
	for (i = 0; i < AUDIT_BITMASK_SIZE - 1; i++)
		ck_assert_uint_eq(r.data->mask[i], 0xffffffffu);
	vg_rule_free(&r);
}
END_TEST

START_TEST(id_lines)
{
	pushed("drop syscall.auid=4294967295",
	    "-a never,exit -S all -F auid=-1\n");
	pushed("drop syscall.auid=1000", "-a never,exit -S all -F auid=1000\n");
	pushed("drop syscall.uid=33", "-a never,exit -S all -F uid=33\n");
	pushed("drop syscall.euid=0", "-a never,exit -S all -F euid=0\n");
	pushed("syscall.gid=\"65534\"",
	    "-a never,exit -S all -F gid=65534\n");
}
END_TEST

/* syscall.name: the machine's own arch (x86_64 here: b64) */
START_TEST(syscall_lines)
{
	if (vg_rules_machine() != VG_ARCH_X86_64)
		return;
	pushed("drop syscall.name=connect",
	    "-a never,exit -F arch=b64 -S connect\n");
	pushed("syscall.name=\"openat\"",
	    "-a never,exit -F arch=b64 -S openat\n");
}
END_TEST

START_TEST(type_lines)
{
	pushed("drop type=USER_AVC", "-a always,exclude -F msgtype=USER_AVC\n");
	pushed("drop type=cred_refr",
	    "-a always,exclude -F msgtype=CRED_REFR\n");
	pushed("drop type=1105", "-a always,exclude -F msgtype=USER_START\n");
	pushed("drop type=USER", "-a always,exclude -F msgtype=USER\n");
	pushed("drop type=2100",
	    "-a always,exclude -F msgtype=ANOM_LOGIN_FAILURES\n");
}
END_TEST

START_TEST(type_alone)
{
	ck_assert(vg_pushdown_type_alone(1005));
	ck_assert(!vg_pushdown_type_alone(1006));	/* LOGIN: in a syscall */
	ck_assert(!vg_pushdown_type_alone(1099));
	ck_assert(vg_pushdown_type_alone(1100));
	ck_assert(vg_pushdown_type_alone(1199));
	ck_assert(!vg_pushdown_type_alone(1200));	/* DAEMON_*: not kernel */
	ck_assert(!vg_pushdown_type_alone(1300));
	ck_assert(!vg_pushdown_type_alone(2099));
	ck_assert(vg_pushdown_type_alone(2100));
	ck_assert(vg_pushdown_type_alone(2999));
	ck_assert(!vg_pushdown_type_alone(3000));
}
END_TEST

START_TEST(refusals)
{
	refused("drop key=noise", 0, "key");
	refused("drop type=SYSCALL", 0, "multi-record");
	refused("drop type=PATH", 0, "multi-record");
	refused("drop type=PROCTITLE", 0, "multi-record");
	refused("drop type=AVC", 0, "multi-record");
	refused("drop type=CONFIG_CHANGE", 0, "multi-record");
	refused("drop type=LOGIN", 0, "multi-record");
	refused("drop type=DAEMON_START", 0, "multi-record");
	refused("drop syscall.exe=ls", 0, "absolute");
	refused("drop syscall.exe=./ls", 0, "absolute");
	refused("drop syscall.exe=/usr//bin/ls", 0, "empty component");
	refused("drop syscall.exe=/usr/bin/./ls", 0, ". or ..");
	refused("drop syscall.exe=/usr/bin/../bin/ls", 0, ". or ..");
	refused("drop syscall.exe=/usr/bin/..", 0, ". or ..");
	refused("drop syscall.exe=/usr/bin/", 0, "slash");
	refused("drop syscall.exe=/", 0, "component");
}
END_TEST

START_TEST(malformed)
{
	struct vg_rule r;
	char why[256];

	ck_assert_int_eq(vg_pushdown_compile("drop nothing", 0, &r, why,
	    sizeof(why)), -1);
	ck_assert_ptr_null(r.data);
	ck_assert_ptr_nonnull(strstr(why, "FIELD=VALUE"));
	ck_assert_int_eq(vg_pushdown_compile("drop uid=0", 0, &r, why,
	    sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "unknown field"));
	ck_assert_int_eq(vg_pushdown_compile("drop type=NOSUCH", 0, &r, why,
	    sizeof(why)), -1);
	ck_assert_int_eq(vg_pushdown_compile("drop syscall.exe=\"/x", 0, &r,
	    why, sizeof(why)), -1);
}
END_TEST

static char dir[PATH_MAX];

static void
mkfile(const char *name)
{
	char p[PATH_MAX + 64];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fclose(f);
}

static void
line_for(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "drop syscall.exe=%s/%s", dir, name);
}

START_TEST(exe_file_checks)
{
	char tmpl[] = "/tmp/check_pushdown.XXXXXX", p[PATH_MAX + 64],
	    q[PATH_MAX + 64], line[PATH_MAX + 64], text[8192], why[512];

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_ptr_nonnull(realpath(tmpl, dir));	/* /tmp may be a link */
	mkfile("plain");
	mkfile("linked");
	snprintf(p, sizeof(p), "%s/linked", dir);
	snprintf(q, sizeof(q), "%s/alias", dir);
	ck_assert_int_eq(link(p, q), 0);
	snprintf(p, sizeof(p), "%s/sub", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	mkfile("sub/prog");
	snprintf(q, sizeof(q), "%s/via", dir);
	ck_assert_int_eq(symlink("sub", q), 0);
	snprintf(q, sizeof(q), "%s/short", dir);
	ck_assert_int_eq(symlink("plain", q), 0);

	line_for(line, sizeof(line), "plain");
	ck_assert_int_eq(compile(line, VG_PD_CHECK_FS, text, sizeof(text),
	    why, sizeof(why)), 1);
	line_for(line, sizeof(line), "sub/prog");
	ck_assert_int_eq(compile(line, VG_PD_CHECK_FS, text, sizeof(text),
	    why, sizeof(why)), 1);
	/* not there yet: the kernel follows the name into its directory */
	line_for(line, sizeof(line), "later");
	ck_assert_int_eq(compile(line, VG_PD_CHECK_FS, text, sizeof(text),
	    why, sizeof(why)), 1);
	line_for(line, sizeof(line), "linked");
	refused(line, VG_PD_CHECK_FS, "hard links");
	ck_assert_int_eq(compile(line, 0, text, sizeof(text), why,
	    sizeof(why)), 1);	/* the flag is what checks */
	line_for(line, sizeof(line), "via/prog");
	refused(line, VG_PD_CHECK_FS, "symbolic link");
	line_for(line, sizeof(line), "short");
	refused(line, VG_PD_CHECK_FS, "symbolic link");
	line_for(line, sizeof(line), "sub");
	refused(line, VG_PD_CHECK_FS, "regular file");
	line_for(line, sizeof(line), "nodir/prog");
	refused(line, VG_PD_CHECK_FS, "cannot be resolved");

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

START_TEST(state_file)
{
	char tmpl[] = "/tmp/check_pushdown.XXXXXX", run[PATH_MAX + 16],
	    path[PATH_MAX], cmd[PATH_MAX + 16];
	char *lines[] = {
		(char *)"-a never,exit -S all -F exe=/usr/bin/noisy\n",
		(char *)"-a never,exit -S all -F pid=1234\n",
	};
	char **own;
	size_t n;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	snprintf(run, sizeof(run), "%s/run", tmpl);	/* made on write */
	ck_assert_int_eq(setenv("VIGIL_RUNDIR", run, 1), 0);
	ck_assert_int_eq(vg_pushdown_state_path(path, sizeof(path)), 0);
	ck_assert_ptr_nonnull(strstr(path, "/run/kernel-rules"));
	ck_assert_int_eq(vg_pushdown_owned_load(1234, &own, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(vg_pushdown_state_write(1234, lines, 2), 0);
	ck_assert_int_eq(vg_pushdown_owned_load(1234, &own, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(own[0], lines[0]);
	ck_assert_str_eq(own[1], lines[1]);
	vg_pushdown_owned_free(own, n);
	/* another audit pid: a file left by a dead vigild marks nothing */
	ck_assert_int_eq(vg_pushdown_owned_load(4321, &own, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(vg_pushdown_owned_load(0, &own, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(vg_pushdown_state_remove(), 0);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(vg_pushdown_state_remove(), 0);	/* idempotent */
	ck_assert_int_eq(vg_pushdown_owned_load(1234, &own, &n), 0);
	ck_assert_uint_eq(n, 0);
	unsetenv("VIGIL_RUNDIR");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pushdown");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, exe_lines);
	tcase_add_test(tc, exe_rule_bytes);
	tcase_add_test(tc, syscall_lines);
	tcase_add_test(tc, type_lines);
	tcase_add_test(tc, id_lines);
	tcase_add_test(tc, type_alone);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, exe_file_checks);
	tcase_add_test(tc, state_file);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
