/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_privsep.c: the privileged helper's request parser (every length
 * and field checked), the helper itself (requests for outputs it was not
 * told about refused, a plugin started as our child, log_group only for
 * the configured file and the auditd log's directory) and the capability
 * drop. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/caps.h"
#include "vigil/privsep.h"

/* A datagram: header + spec + name. */
static size_t
msg(unsigned char *buf, uint32_t type, uint32_t key, const char *spec,
    size_t sl, const char *name, size_t nl)
{
	struct vg_priv_hdr h = { type, key, (uint32_t)sl, (uint32_t)nl };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), spec, sl);
	memcpy(buf + sizeof(h) + sl, name, nl);
	return sizeof(h) + sl + nl;
}

static struct vg_priv_req r;
static unsigned char buf[sizeof(struct vg_priv_hdr) + 2 * VG_PRIV_SPEC_MAX];
static char big[VG_PRIV_SPEC_MAX + 2];	/* 'a's */

START_TEST(test_parse_good)
{
	size_t n;

	n = msg(buf, VG_PRIV_PLUGIN, 0, "plugins:/d", 10, "x.conf", 6);
	ck_assert_int_eq(vg_privsep_parse(buf, n, &r), 0);
	ck_assert_int_eq(r.type, VG_PRIV_PLUGIN);
	ck_assert_str_eq(r.spec, "plugins:/d");
	ck_assert_str_eq(r.name, "x.conf");
	n = msg(buf, VG_PRIV_ACTION, VG_PRIV_OVERFLOW, "auditd", 6, "", 0);
	ck_assert_int_eq(vg_privsep_parse(buf, n, &r), 0);
	ck_assert_int_eq(r.key, VG_PRIV_OVERFLOW);
	ck_assert_str_eq(r.name, "");
	n = msg(buf, VG_PRIV_CHOWN, 0, "auditd:/c", 9, "", 0);
	ck_assert_int_eq(vg_privsep_parse(buf, n, &r), 0);
	n = msg(buf, VG_PRIV_RULES, 0, "", 0, "", 0);
	ck_assert_int_eq(vg_privsep_parse(buf, n, &r), 0);
	ck_assert_str_eq(r.spec, "");
	/* the largest spec and name */
	memset(big, 'a', sizeof(big));
	n = msg(buf, VG_PRIV_PLUGIN, 0, big, VG_PRIV_SPEC_MAX, big,
	    VG_PRIV_NAME_MAX);
	ck_assert_int_eq(vg_privsep_parse(buf, n, &r), 0);
	ck_assert_uint_eq(strlen(r.spec), VG_PRIV_SPEC_MAX);
	ck_assert_uint_eq(strlen(r.name), VG_PRIV_NAME_MAX);
}
END_TEST

static void
bad(size_t n)
{
	errno = 0;
	ck_assert_int_eq(vg_privsep_parse(buf, n, &r), -1);
	ck_assert_int_eq(errno, EINVAL);
}

START_TEST(test_parse_bad)
{
	struct vg_priv_hdr h;
	size_t n;

	bad(0);
	bad(sizeof(struct vg_priv_hdr) - 1);
	bad(msg(buf, 0, 0, "a", 1, "", 0));			/* type */
	bad(msg(buf, 99, 0, "a", 1, "", 0));
	bad(msg(buf, VG_PRIV_ACTION, VG_PRIV_NKEYS, "a", 1, "", 0));
	bad(msg(buf, VG_PRIV_CHOWN, 1, "a", 1, "", 0));	/* key */
	bad(msg(buf, VG_PRIV_PLUGIN, 0, "", 0, "x.conf", 6));	/* spec */
	bad(msg(buf, VG_PRIV_PLUGIN, 0, "a", 1, "", 0));	/* no name */
	bad(msg(buf, VG_PRIV_ACTION, 0, "a", 1, "n", 1));	/* a name */
	bad(msg(buf, VG_PRIV_RULES, 0, "a", 1, "", 0));	/* a spec */
	bad(msg(buf, VG_PRIV_CHOWN, 0, "a\0b", 3, "", 0));	/* NUL */
	bad(msg(buf, VG_PRIV_PLUGIN, 0, "a", 1, "x\0", 2));
	/* lengths that do not add up, either way */
	n = msg(buf, VG_PRIV_CHOWN, 0, "abc", 3, "", 0);
	bad(n - 1);
	bad(n + 1);
	/* lengths beyond the bounds, whatever the datagram holds */
	memset(big, 'a', sizeof(big));
	bad(msg(buf, VG_PRIV_CHOWN, 0, big, VG_PRIV_SPEC_MAX + 1, "", 0));
	bad(msg(buf, VG_PRIV_PLUGIN, 0, "a", 1, big, VG_PRIV_NAME_MAX + 1));
	h = (struct vg_priv_hdr){ VG_PRIV_PLUGIN, 0, 0xffffffffu, 1 };
	memcpy(buf, &h, sizeof(h));
	bad(sizeof(h) + 0);	/* would wrap in 32 bits */
}
END_TEST

/* ---- the helper ---- */

static void
put(const char *name, const char *text, mode_t mode)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", ck_dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

START_TEST(test_helper_refuses)
{
	char spec[128], *specs[1];

	snprintf(spec, sizeof(spec), "enriched:%s/log", ck_dir);
	specs[0] = spec;
	ck_assert_int_eq(vg_privsep_start(specs, 1, NULL), 0);
	ck_assert_int_eq(vg_privsep_active(), 1);
	/* an output it was not told about */
	errno = 0;
	ck_assert_int_eq(vg_privsep_action("auditd:/etc/x.conf",
	    VG_PRIV_SPACE_LEFT), -1);
	ck_assert_int_eq(errno, EPERM);
	/* a known one without such an action */
	errno = 0;
	ck_assert_int_eq(vg_privsep_action(spec, VG_PRIV_DISK_FULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* no rules given at start */
	errno = 0;
	ck_assert_int_eq(vg_privsep_rules(), -1);
	ck_assert_int_eq(errno, EPERM);
	/* still serving after refusals; stop ends it */
	ck_assert_int_eq(vg_privsep_active(), 1);
	vg_privsep_stop();
	ck_assert_int_eq(vg_privsep_active(), 0);
	ck_assert_int_eq(kill(vg_privsep_pid(), 0), -1);
	errno = 0;
	ck_assert_int_eq(vg_privsep_rules(), -1);
	ck_assert_int_eq(errno, EPIPE);
}
END_TEST

START_TEST(test_helper_chown)
{
	char spec[256], path[128], other[128], *specs[1];
	struct stat st;
	int fd, fd2;

	if (geteuid() != 0)	/* giving a file another group needs root */
		return;
	snprintf(path, sizeof(path), "%s/log", ck_dir);
	snprintf(spec, sizeof(spec), "json:%s?mode=0640&group=1", path);
	snprintf(other, sizeof(other), "%s/other", ck_dir);
	put("log", "", 0600);
	put("other", "", 0600);
	specs[0] = spec;
	ck_assert_int_eq(vg_privsep_start(specs, 1, NULL), 0);
	/* the configured file gets the output's group */
	ck_assert_int_ge(fd = open(path, O_WRONLY), 0);
	ck_assert_int_eq(vg_privsep_chown(path, fd), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_gid, 1);
	/* another file passed for it: refused, untouched */
	ck_assert_int_ge(fd2 = open(other, O_WRONLY), 0);
	errno = 0;
	ck_assert_int_eq(vg_privsep_chown(path, fd2), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(fstat(fd2, &st), 0);
	ck_assert_int_ne(st.st_gid, 1);
	/* a path no output writes: refused */
	errno = 0;
	ck_assert_int_eq(vg_privsep_chown(other, fd2), -1);
	ck_assert_int_eq(errno, EPERM);
	close(fd);
	close(fd2);
	vg_privsep_stop();
}
END_TEST

START_TEST(test_helper_chown_dir)
{
	char spec[256], logs[128], text[512], *specs[1];
	struct stat st;
	int fd;

	if (geteuid() != 0)	/* giving a file another group needs root */
		return;
	snprintf(logs, sizeof(logs), "%s/logs", ck_dir);
	ck_assert_int_eq(mkdir(logs, 0700), 0);
	snprintf(text, sizeof(text), "log_file = %s/audit.log\n"
	    "log_group = 1\n", logs);
	put("auditd.conf", text, 0640);
	snprintf(spec, sizeof(spec), "auditd:%s/auditd.conf", ck_dir);
	specs[0] = spec;
	ck_assert_int_eq(vg_privsep_start(specs, 1, NULL), 0);
	/* the auditd log's directory gets log_group, as auditd gives it */
	ck_assert_int_ge(fd = open(logs, O_RDONLY | O_DIRECTORY), 0);
	ck_assert_int_eq(vg_privsep_chown(logs, fd), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_eq(st.st_gid, 1);
	close(fd);
	/* its parent passed for it: refused, untouched */
	ck_assert_int_ge(fd = open(ck_dir, O_RDONLY | O_DIRECTORY), 0);
	errno = 0;
	ck_assert_int_eq(vg_privsep_chown(logs, fd), -1);
	ck_assert_int_eq(errno, EPERM);
	errno = 0;
	ck_assert_int_eq(vg_privsep_chown(ck_dir, fd), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_int_eq(fstat(fd, &st), 0);
	ck_assert_int_ne(st.st_gid, 1);
	close(fd);
	vg_privsep_stop();
}
END_TEST

START_TEST(test_helper_plugin)
{
	char spec[128], conf[256], *specs[1];
	int fd, status;
	pid_t pid;

	if (geteuid() != 0)	/* plugins.d files must be root's */
		return;
	snprintf(spec, sizeof(spec), "plugins:%s", ck_dir);
	/* sed -n q: exits 0 once it read our line */
	snprintf(conf, sizeof(conf), "active = yes\ndirection = out\n"
	    "path = /bin/sed\ntype = always\nargs = -n q\n"
	    "format = string\n");
	put("sh.conf", conf, 0640);
	specs[0] = spec;
	ck_assert_int_eq(vg_privsep_start(specs, 1, NULL), 0);
	/* a name that is a path, a missing plugin: refused */
	ck_assert_int_eq(vg_privsep_plugin(spec, "../sh.conf", &fd, &pid), -1);
	ck_assert_int_eq(fd, -1);
	ck_assert_int_eq(vg_privsep_plugin(spec, "no.conf", &fd, &pid), -1);
	ck_assert_int_eq(vg_privsep_plugin(spec, "sh.conf", &fd, &pid), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(write(fd, "x\n", 2), 2);
	/* ours to wait for, though the helper started it */
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	close(fd);
	vg_privsep_stop();
}
END_TEST

/* ---- capabilities ---- */

START_TEST(test_caps_names)
{
	char b[128];

	vg_caps_names(0, b, sizeof(b));
	ck_assert_str_eq(b, "none");
	vg_caps_names(VG_CAP(CAP_AUDIT_CONTROL) | VG_CAP(CAP_AUDIT_READ), b,
	    sizeof(b));
	ck_assert_str_eq(b, "cap_audit_control,cap_audit_read");
	vg_caps_names(VG_CAP(0) | VG_CAP(CAP_AUDIT_CONTROL), b, sizeof(b));
	ck_assert_str_eq(b, "cap_0,cap_audit_control");
	vg_caps_names(VG_CAP(CAP_AUDIT_CONTROL), b, 5);	/* cut */
	ck_assert_uint_lt(strlen(b), 5);
}
END_TEST

/* In a child: what is asked for stays (if held), the rest goes. */
START_TEST(test_caps_drop)
{
	uint64_t eff, prm, bnd, keep = VG_CAP(CAP_AUDIT_CONTROL);
	int status;
	pid_t pid;

	ck_assert_int_eq(vg_caps_get(&eff, &prm, &bnd), 0);
	keep &= prm;
	if ((pid = fork()) == 0) {
		uint64_t e2, p2, b2;

		if (vg_caps_drop(VG_CAP(CAP_AUDIT_CONTROL)) == -1 ||
		    vg_caps_get(&e2, &p2, &b2) == -1)
			_exit(1);
		if (e2 != keep || p2 != keep)
			_exit(2);
		if ((eff & VG_CAP(CAP_SETPCAP)) && b2 != keep)
			_exit(3);
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
			_exit(4);
		/* gone for good: cannot be taken back */
		if (keep == 0 && vg_caps_drop(VG_CAP(CAP_SYS_ADMIN)) == -1)
			_exit(5);
		if (vg_caps_get(&e2, &p2, &b2) == -1 ||
		    (p2 & VG_CAP(CAP_SYS_ADMIN)))
			_exit(6);
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("privsep");
	TCase *tp = tcase_create("parse");
	TCase *th = tcase_create("helper");
	TCase *tc = tcase_create("caps");

	tcase_add_test(tp, test_parse_good);
	tcase_add_test(tp, test_parse_bad);
	tcase_add_checked_fixture(th, ck_dir_setup, ck_dir_teardown);
	tcase_add_test(th, test_helper_refuses);
	tcase_add_test(th, test_helper_chown);
	tcase_add_test(th, test_helper_chown_dir);
	tcase_add_test(th, test_helper_plugin);
	tcase_add_test(tc, test_caps_names);
	tcase_add_test(tc, test_caps_drop);
	suite_add_tcase(s, tp);
	suite_add_tcase(s, th);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
