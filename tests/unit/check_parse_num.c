/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_parse_num.c: option value numbers (parse_num.c): sizes with and
 * without k/m/g, and every way a size is refused.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "ck.h"
#include "vigil/parse_num.h"

START_TEST(size_ok)
{
	uint64_t v;

	ck_assert_int_eq(vg_parse_size("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(vg_parse_size("123", &v), 0);
	ck_assert_uint_eq(v, 123);
	ck_assert_int_eq(vg_parse_size("64k", &v), 0);
	ck_assert_uint_eq(v, 64 * 1024);
	ck_assert_int_eq(vg_parse_size("16M", &v), 0);
	ck_assert_uint_eq(v, 16ull << 20);
	ck_assert_int_eq(vg_parse_size("1g", &v), 0);
	ck_assert_uint_eq(v, 1ull << 30);
	ck_assert_int_eq(vg_parse_size("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(vg_parse_size("17179869183G", &v), 0);
	ck_assert_uint_eq(v, 17179869183ull << 30);
}
END_TEST

START_TEST(size_refused)
{
	static const char *bad[] = { "", "k", "-1", "+1", " 1", "1 ", "1kb",
	    "1t", "0x10", "1.5m", "18446744073709551616",
	    "17179869184g", "18014398509481984k" };
	uint64_t v = 42;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(vg_parse_size(bad[i], &v) == -1, "%s", bad[i]);
		ck_assert_uint_eq(v, 42);	/* untouched */
	}
	ck_assert_int_eq(vg_parse_size(NULL, &v), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("parse_num");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, size_ok);
	tcase_add_test(tc, size_refused);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
