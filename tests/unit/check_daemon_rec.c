/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_daemon_rec.c: the text of vigild's DAEMON_* records
 * (auditd/daemon_rec.h) as auditd 3.0.9 words it: subj= before res= on
 * a host with an LSM, none without; the label read from attr/current
 * (AppArmor and SELinux forms, none, garbage).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/auditd/daemon_rec.h"

static struct vg_sender
sender(const char *subj)
{
	struct vg_sender s;

	memset(&s, 0, sizeof(s));
	s.auid = 4294967295u;
	s.uid = 0;
	s.ses = 4294967295u;
	s.pid = 1234;
	snprintf(s.subj, sizeof(s.subj), "%s", subj);
	return s;
}

static char *
body(enum vg_daemon_rec type, const char *subj, const char *reason)
{
	struct vg_sender s = sender(subj);
	struct vg_buf b;
	char *r;

	vg_buf_init(&b);
	vg_daemon_body(&b, type, &s, "raw", reason);
	ck_assert(!b.oom);
	r = strndup(b.data, b.len);
	vg_buf_free(&b);
	return r;
}

/* no LSM: as auditd writes them on this kind of host */
START_TEST(no_label)
{
	char *t = body(VG_DAEMON_END, "", NULL);

	ck_assert_str_eq(t, "op=terminate auid=4294967295 uid=0 "
	    "ses=4294967295 pid=1234 res=success");
	free(t);
	t = body(VG_DAEMON_ABORT, "", "disk full");
	ck_assert_str_eq(t, "op=abort reason=\"disk full\" auid=4294967295 "
	    "uid=0 ses=4294967295 pid=1234 res=failed");
	free(t);
	t = body(VG_DAEMON_START, "", NULL);
	ck_assert_ptr_nonnull(strstr(t, " ses=4294967295 res=success"));
	ck_assert_ptr_null(strstr(t, "subj="));
	free(t);
}
END_TEST

/* with a label: subj= last before res=, in every type */
START_TEST(label)
{
	static const enum vg_daemon_rec types[] = {
		VG_DAEMON_START, VG_DAEMON_END, VG_DAEMON_ABORT,
		VG_DAEMON_CONFIG, VG_DAEMON_ROTATE, VG_DAEMON_RESUME,
	};
	size_t i;
	char *t;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		t = body(types[i], "system_u:system_r:auditd_t:s0", "x");
		ck_assert_msg(strstr(t, " pid=1234") != NULL, "%s", t);
		ck_assert_msg(strstr(t, " subj=system_u:system_r:auditd_t:s0 "
		    "res=") != NULL, "%s", t);
		ck_assert_uint_eq(strlen(strstr(t, " res=")),
		    types[i] == VG_DAEMON_ABORT ? strlen(" res=failed") :
		    strlen(" res=success"));
		free(t);
	}
}
END_TEST

static void
subj_of(const char *content, size_t len, char *out, size_t outlen)
{
	char path[] = "/tmp/check_daemon_rec.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
	vg_sender_subj(path, out, outlen);
	unlink(path);
}

START_TEST(read_label)
{
	/* attr/current as AppArmor and SELinux give it; empty, a blank
	 * first, control bytes: none */
	static const struct {
		const char	*text;
		size_t		 len;
		const char	*want;
	} cases[] = {
		{ "unconfined\n", 11, "unconfined" },
		{ "/usr/sbin/vigild (enforce)\n", 27, "/usr/sbin/vigild" },
		{ "system_u:system_r:auditd_t:s0\0", 30,
		    "system_u:system_r:auditd_t:s0" },
		{ "", 0, "" },
		{ " x\n", 3, "" },
		{ "a\033b\n", 4, "" },
	};
	char s[256], small[8];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		subj_of(cases[i].text, cases[i].len, s, sizeof(s));
		ck_assert_str_eq(s, cases[i].want);
	}
	/* too long for the buffer: none */
	subj_of("unconfined\n", 11, small, sizeof(small));
	ck_assert_str_eq(small, "");
	/* no such file (no LSM: the kernel says EINVAL) */
	strcpy(s, "stale");
	vg_sender_subj("/nonexistent/attr/current", s, sizeof(s));
	ck_assert_str_eq(s, "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("daemon_rec");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, no_label);
	tcase_add_test(tc, label);
	tcase_add_test(tc, read_label);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
