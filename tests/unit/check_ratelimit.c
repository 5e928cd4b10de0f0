/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_ratelimit.c: the log rate limits (ratelimit.h) and the clocks
 * (clock.h): which occurrences are logged by count, the time window per
 * slot, and that the clocks move forward in the units they claim.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "ck.h"
#include "vigil/clock.h"
#include "vigil/ratelimit.h"

/* "the first, then every 1000th" (output write failures) */
START_TEST(count_first_then_every)
{
	uint64_t n, logged = 0;

	for (n = 1; n <= 5000; n++)
		if (vg_rl_count(n, 1)) {
			ck_assert_msg(n == 1 || n % 1000 == 0, "%lu",
			    (unsigned long)n);
			logged++;
		}
	ck_assert_uint_eq(logged, 6);	/* 1 1000 2000 3000 4000 5000 */
	ck_assert(vg_rl_count(1, 1));
	ck_assert(!vg_rl_count(2, 1));
	ck_assert(!vg_rl_count(999, 1));
	ck_assert(vg_rl_count(1000, 1));
	ck_assert(!vg_rl_count(1001, 1));
}
END_TEST

/* "the first 10, then every 1000th"; first 0: only every 1000th */
START_TEST(count_first_few)
{
	uint64_t n, logged = 0;

	for (n = 1; n <= 3000; n++)
		logged += vg_rl_count(n, 10) != 0;
	ck_assert_uint_eq(logged, 10 + 3);
	ck_assert(vg_rl_count(10, 10));
	ck_assert(!vg_rl_count(11, 10));
	ck_assert(!vg_rl_count(1, 0));
	ck_assert(vg_rl_count(2000, 0));
	ck_assert(vg_rl_count(UINT64_MAX - UINT64_MAX % 1000, 1));
}
END_TEST

/* At most once per window and slot; the first call always logs. */
START_TEST(due_window)
{
	uint64_t a = 0, b = 0;

	ck_assert(vg_rl_due(&a, 5, 10000));	/* never logged: due */
	ck_assert_uint_eq(a, 5);
	ck_assert(!vg_rl_due(&a, 6, 10000));
	ck_assert(!vg_rl_due(&a, 10004, 10000));
	ck_assert_uint_eq(a, 5);		/* a refusal keeps the slot */
	ck_assert(vg_rl_due(&b, 6, 10000));	/* slots are independent */
	ck_assert(vg_rl_due(&a, 10005, 10000));
	ck_assert_uint_eq(a, 10005);
	ck_assert(!vg_rl_due(&a, 20004, 10000));
	ck_assert(vg_rl_due(&a, 20005, 10000));
}
END_TEST

START_TEST(clocks)
{
	struct timespec d = { 0, 20 * 1000 * 1000 };	/* 20 ms */
	uint64_t m0 = vg_clock_mono_ms(), n0 = vg_clock_mono_ns();
	uint64_t w = vg_clock_wall_ms(), m1, n1;

	ck_assert(nanosleep(&d, NULL) == 0);
	m1 = vg_clock_mono_ms();
	n1 = vg_clock_mono_ns();
	ck_assert_uint_ge(m1 - m0, 19);
	ck_assert_uint_lt(m1 - m0, 5000);
	ck_assert_uint_ge(n1 - n0, 19 * 1000 * 1000);
	ck_assert_uint_lt(n1 / 1000000 - m1, 2);	/* the same clock */
	/* wall ms: within a second of time(2), and after 2020 */
	ck_assert_uint_lt((uint64_t)llabs((long long)(w / 1000) -
	    (long long)time(NULL)), 2);
	ck_assert_uint_gt(w, 1577836800000ULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ratelimit");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, count_first_then_every);
	tcase_add_test(tc, count_first_few);
	tcase_add_test(tc, due_window);
	tcase_add_test(tc, clocks);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
