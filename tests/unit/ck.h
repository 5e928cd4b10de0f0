/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ck.h: what check programs share: a scratch directory per test (a
 * checked fixture) and the run of a suite as the exit status.
 * Header-only: each check program is one file.
 */
#ifndef VIGIL_TEST_CK_H
#define VIGIL_TEST_CK_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

/* ck_dir: a fresh directory under /tmp for each test, removed after. */
static char ck_dir[64];

static inline void
ck_dir_setup(void)
{
	snprintf(ck_dir, sizeof(ck_dir), "/tmp/vg_ck_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(ck_dir));
}

static inline void
ck_dir_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", ck_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Runs every test of s; EXIT_SUCCESS if none failed. */
static inline int
ck_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
