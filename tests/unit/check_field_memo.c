/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_field_memo.c: the memo of where a field is in a record text
 * (field_memo.h): a hit needs the same text, kind and name, whatever the
 * hash says; it gives the place in the caller's text; entries are kept
 * from the second sighting of a text, and only what fits.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "field_memo.h"
#include "vigil/texthash.h"

static const char text_a[] = "arch=c000003e syscall=41 tty=(none) "
    "comm=\"nginx\" exe=\"/usr/sbin/nginx\" key=\"sock\"";
/* the same length, another value where the field is */
static const char text_b[] = "arch=c000003e syscall=41 tty=(none) "
    "comm=\"nginx\" exe=\"/usr/sbin/nginy\" key=\"sock\"";

static struct vg_str
s(const char *p)
{
	return vg_str_make(p, strlen(p));
}

/* The field exe= of text_a, as the layout's lookup finds it. */
static struct vg_field
exe_of(const char *t)
{
	struct vg_field f;
	const char *k = strstr(t, "exe=");

	f.key = vg_str_make(k, 3);
	f.val = vg_str_make(k + 5, strlen("/usr/sbin/nginx"));
	f.kind = VG_V_QUOTED;
	f.flags = 0;
	return f;
}

START_TEST(hit_needs_the_same_text)
{
	struct vg_fmemo *m = vg_fmemo_new();
	struct vg_field f, put = exe_of(text_a), g;
	char copy[sizeof(text_a)];
	uint64_t h = vg_fmemo_hash(s(text_a), 1, s("exe"));
	int dkind = -1, keep = -1;

	ck_assert_ptr_nonnull(m);
	/* first sighting: not kept */
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_a), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	ck_assert_int_eq(keep, 0);
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_a), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	ck_assert_int_eq(keep, 1);
	vg_fmemo_put(m, h, s(text_a), 1, s("exe"), 1, &put, 7);

	/* the same bytes elsewhere: the field in that copy */
	memcpy(copy, text_a, sizeof(copy));
	ck_assert_int_eq(vg_fmemo_get(m, h, s(copy), 1, s("exe"), &f,
	    &dkind, &keep), 1);
	g = exe_of(copy);
	ck_assert_ptr_eq(f.key.p, g.key.p);
	ck_assert_ptr_eq(f.val.p, g.val.p);
	ck_assert_uint_eq(f.val.len, g.val.len);
	ck_assert_int_eq(f.kind, VG_V_QUOTED);
	ck_assert_int_eq(dkind, 7);

	/* a text reused with another value, under the same hash (as if
	 * the hash collided): a miss, never the old place's value */
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_b), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	copy[sizeof(copy) - 2] = 'x';
	ck_assert_int_eq(vg_fmemo_get(m, h, s(copy), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	/* another kind of record or another name: a miss */
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_a), 0, s("exe"), &f,
	    &dkind, &keep), -1);
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_a), 1, s("exf"), &f,
	    &dkind, &keep), -1);
	/* a shorter text with the same start */
	ck_assert_int_eq(vg_fmemo_get(m, h, vg_str_make(text_a,
	    sizeof(text_a) - 2), 1, s("exe"), &f, &dkind, &keep), -1);
	/* and the entry is still there */
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_a), 1, s("exe"), &f,
	    &dkind, &keep), 1);
	vg_fmemo_free(m);
}
END_TEST

START_TEST(absent_and_refused)
{
	struct vg_fmemo *m = vg_fmemo_new();
	struct vg_field f, out;
	char *big;
	uint64_t h = vg_fmemo_hash(s(text_a), 1, s("ses"));
	int dkind = 0, keep = 0;

	ck_assert_ptr_nonnull(m);
	/* a field the text does not have */
	vg_fmemo_put(m, h, s(text_a), 1, s("ses"), 0, NULL, 0);
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_a), 1, s("ses"), &f,
	    &dkind, &keep), 0);

	/* a field outside the text is not kept */
	out = exe_of(text_a);
	h = vg_fmemo_hash(s(text_b), 1, s("exe"));
	vg_fmemo_put(m, h, s(text_b), 1, s("exe"), 1, &out, 1);
	ck_assert_int_eq(vg_fmemo_get(m, h, s(text_b), 1, s("exe"), &f,
	    &dkind, &keep), -1);

	/* nor a text over 2048 bytes */
	ck_assert_ptr_nonnull(big = malloc(4096));
	memset(big, 'a', 4096);
	memcpy(big, "exe=x ", 6);
	f.key = vg_str_make(big, 3);
	f.val = vg_str_make(big + 4, 1);
	f.kind = VG_V_BARE;
	f.flags = 0;
	h = vg_fmemo_hash(vg_str_make(big, 4096), 1, s("exe"));
	vg_fmemo_put(m, h, vg_str_make(big, 4096), 1, s("exe"), 1, &f, 1);
	ck_assert_int_eq(vg_fmemo_get(m, h, vg_str_make(big, 4096), 1,
	    s("exe"), &out, &dkind, &keep), -1);
	free(big);
	vg_fmemo_free(m);
}
END_TEST

/* Five entries in one set of four: the one used longest ago goes. */
START_TEST(lru_in_a_set)
{
	struct vg_fmemo *m = vg_fmemo_new();
	struct vg_field f;
	const char *t[5] = { "a=0", "a=1", "a=2", "a=3", "a=4" };
	uint64_t h = 42;
	int dkind = 0, keep = 0, i;

	ck_assert_ptr_nonnull(m);
	for (i = 0; i < 5; i++) {
		f.key = vg_str_make(t[i], 1);
		f.val = vg_str_make(t[i] + 2, 1);
		f.kind = VG_V_BARE;
		f.flags = 0;
		vg_fmemo_put(m, h, s(t[i]), 0, s("a"), 1, &f, i);
		if (i == 3)	/* t[0] used after t[1] was put */
			ck_assert_int_eq(vg_fmemo_get(m, h, s(t[0]), 0,
			    s("a"), &f, &dkind, &keep), 1);
	}
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(vg_fmemo_get(m, h, s(t[i]), 0, s("a"), &f,
		    &dkind, &keep), i == 1 ? -1 : 1);
		if (i != 1) {
			ck_assert_int_eq(dkind, i);
			ck_assert_int_eq(f.val.p[0], '0' + i);
		}
	}
	vg_fmemo_free(m);
}
END_TEST

/* Two texts that take turns under one entry of the seen table are both
 * kept from their second sighting. */
/*
 * The one keep rule of the memos (json_memo.c, field_memo.c, the
 * context's SYSCALL memo): from the second sighting on, two texts taking
 * turns in one pair both kept, a third one pushing out the oldest.
 */
START_TEST(seen_rule_in_pairs)
{
	uint64_t seen[8] = { 0 };
	const uint64_t a = 5ull << 32 | 1, b = 5ull << 32 | 2,
	    c = 9ull << 32 | 3;	/* 9 % 4 == 5 % 4: the same pair */

	ck_assert_int_eq(vg_text_seen(seen, 4, a), 0);
	ck_assert_int_eq(vg_text_seen(seen, 4, b), 0);
	ck_assert_int_eq(vg_text_seen(seen, 4, a), 1);
	ck_assert_int_eq(vg_text_seen(seen, 4, b), 1);
	ck_assert_int_eq(vg_text_seen(seen, 4, c), 0);	/* a goes */
	ck_assert_int_eq(vg_text_seen(seen, 4, a), 0);
	ck_assert_int_eq(vg_text_seen(seen, 4, c), 1);
	/* another pair is untouched */
	ck_assert_int_eq(vg_text_seen(seen, 4, 6ull << 32), 0);
	ck_assert_int_eq(vg_text_seen(seen, 4, 6ull << 32), 1);
}
END_TEST

START_TEST(texts_taking_turns_are_kept)
{
	struct vg_fmemo *m = vg_fmemo_new();
	struct vg_field f;
	uint64_t ha = 1ull << 32 | 1, hb = 1ull << 32 | 2;
	int dkind = 0, keep = -1;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(vg_fmemo_get(m, ha, s(text_a), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	ck_assert_int_eq(keep, 0);
	ck_assert_int_eq(vg_fmemo_get(m, hb, s(text_b), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	ck_assert_int_eq(keep, 0);
	ck_assert_int_eq(vg_fmemo_get(m, ha, s(text_a), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	ck_assert_int_eq(keep, 1);
	ck_assert_int_eq(vg_fmemo_get(m, hb, s(text_b), 1, s("exe"), &f,
	    &dkind, &keep), -1);
	ck_assert_int_eq(keep, 1);
	vg_fmemo_free(m);
}
END_TEST

static Suite *
suite(void)
{
	Suite *su = suite_create("field_memo");
	TCase *tc = tcase_create("memo");

	tcase_add_test(tc, hit_needs_the_same_text);
	tcase_add_test(tc, absent_and_refused);
	tcase_add_test(tc, lru_in_a_set);
	tcase_add_test(tc, texts_taking_turns_are_kept);
	tcase_add_test(tc, seen_rule_in_pairs);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	return ck_run(suite());
}
