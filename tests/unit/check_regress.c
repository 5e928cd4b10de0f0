/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_regress.c: one test per bug found by the fuzzers (tests/fuzz/,
 * docs/fuzzing.md) or by the hostile-input tests, each with its reproducer
 * inline, so a fix that regresses fails here without a fuzzing run.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/auditd/auditd_conf.h"
#include "vigil/log.h"

static char	 path[64];

/* Writes text to a fresh temporary file; returns its path (static). */
static const char *
write_tmp(const char *text, size_t len)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vg_regress_XXXXXX");
	ck_assert_int_ge(fd = mkstemp(path), 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/*
 * fuzz_auditd_conf, crash-4cb72c12: a warning line after a bad line
 * cleared err->msg, so vg_auditd_conf_load returned 1 error with an empty
 * message (auditd_conf.h: "the last one also in *err").
 */
START_TEST(auditd_conf_warning_keeps_error)
{
	static const char text[] =
	    "loc^l_events = yes\n"
	    "write_logs = yes\n"
	    "verify_email = yes\n"		/* warning: not implemented */
	    "report_interval = 5\n";		/* warning: 4.x key */
	struct vg_auditd_conf c;
	struct vg_err err;
	int rc;

	vg_auditd_conf_defaults(&c);
	rc = vg_auditd_conf_load(&c, write_tmp(text, sizeof(text) - 1), &err);
	unlink(path);
	ck_assert_int_eq(rc, 1);
	ck_assert_uint_eq(err.line, 1);
	ck_assert_ptr_nonnull(strstr(err.msg, "loc^l_events"));
	ck_assert_uint_ge(c.warnings, 2);
	vg_auditd_conf_free(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("regress");
	TCase *tc = tcase_create("fuzz");

	vg_log_init("check_regress", 1, 0);
	tcase_add_test(tc, auditd_conf_warning_keeps_error);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
