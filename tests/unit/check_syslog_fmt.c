/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_syslog_fmt.c: syslog messages: RFC 5424 and traditional headers,
 * octet counting, truncation with the marker at a UTF-8 boundary, names. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/syslogfmt.h"

static struct vg_syslog_fmt
fmt(void)
{
	struct vg_syslog_fmt f;

	memset(&f, 0, sizeof(f));
	f.facility = 1;
	f.severity = 6;
	f.ident = "vigild";
	f.hostname = "box";
	f.pid = 42;
	f.max_size = 8192;
	return f;
}

static char *
str(struct vg_buf *b)
{
	vg_buf_addc(b, '\0');
	return b->data;
}

START_TEST(test_rfc5424)
{
	struct vg_syslog_fmt f = fmt();
	struct vg_buf b;

	vg_buf_init(&b);
	ck_assert_int_eq(vg_syslog_format(&b, &f, 1700000000, 5,
	    "{\"serial\":1}\n", 13), 0);
	ck_assert_str_eq(str(&b), "<14>1 2023-11-14T22:13:20.005Z box vigild "
	    "42 audit - {\"serial\":1}");
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_octet_counting)
{
	struct vg_syslog_fmt f = fmt();
	struct vg_buf b;
	char want[256];
	const char *msg = "<86>1 2023-11-14T22:13:20.999Z box vigild 42 "
	    "audit - hello";

	f.facility = 10;	/* authpriv */
	f.octet = 1;
	vg_buf_init(&b);
	ck_assert_int_eq(vg_syslog_format(&b, &f, 1700000000, 999, "hello",
	    5), 0);
	snprintf(want, sizeof(want), "%zu %s", strlen(msg), msg);
	ck_assert_str_eq(str(&b), want);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_rfc3164)
{
	struct vg_syslog_fmt f = fmt();
	struct vg_buf b;

	setenv("TZ", "UTC", 1);
	f.rfc3164 = 1;
	f.facility = 16;	/* local0 */
	f.severity = 5;
	vg_buf_init(&b);
	ck_assert_int_eq(vg_syslog_format(&b, &f, 1699000000, 0, "x y\n", 4),
	    0);
	ck_assert_str_eq(str(&b), "<133>Nov  3 08:26:40 vigild[42]: x y");
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_truncate)
{
	struct vg_syslog_fmt f = fmt();
	struct vg_buf b;
	char msg[1000];
	const char *s;
	size_t mlen = strlen(VG_SYSLOG_TRUNC);

	memset(msg, 'a', sizeof(msg));
	f.max_size = 300;
	vg_buf_init(&b);
	ck_assert_int_eq(vg_syslog_format(&b, &f, 1700000000, 0, msg,
	    sizeof(msg)), 1);
	ck_assert_uint_eq(b.len, 300);
	s = str(&b);
	ck_assert(memcmp(s + 300 - mlen, VG_SYSLOG_TRUNC, mlen) == 0);
	ck_assert_int_eq(s[300 - mlen - 1], 'a');
	/* exactly at the bound: not truncated */
	vg_buf_reset(&b);
	ck_assert_int_eq(vg_syslog_format(&b, &f, 1700000000, 0, msg,
	    300 - 53), 0);
	ck_assert_uint_eq(b.len, 300);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_truncate_utf8)
{
	struct vg_syslog_fmt f = fmt();
	struct vg_buf b;
	char msg[600];
	size_t i, hdr = 53, mlen = strlen(VG_SYSLOG_TRUNC), body;

	/* "é" (c3 a9) repeated: a cut must not split one */
	for (i = 0; i + 1 < sizeof(msg); i += 2) {
		msg[i] = (char)0xc3;
		msg[i + 1] = (char)0xa9;
	}
	for (f.max_size = 300; f.max_size < 304; f.max_size++) {
		vg_buf_init(&b);
		ck_assert_int_eq(vg_syslog_format(&b, &f, 1700000000, 0, msg,
		    sizeof(msg)), 1);
		body = b.len - hdr - mlen;
		ck_assert_uint_eq(body % 2, 0);
		ck_assert_uint_le(b.len, f.max_size);
		ck_assert_uint_ge(b.len, f.max_size - 1);
		vg_buf_free(&b);
	}
}
END_TEST

START_TEST(test_octet_truncated_length)
{
	struct vg_syslog_fmt f = fmt();
	struct vg_buf b;
	char msg[1000];
	unsigned long n;
	char *end;

	memset(msg, 'z', sizeof(msg));
	f.octet = 1;
	f.max_size = 400;
	vg_buf_init(&b);
	ck_assert_int_eq(vg_syslog_format(&b, &f, 1, 0, msg, sizeof(msg)), 1);
	n = strtoul(str(&b), &end, 10);
	ck_assert_int_eq(*end, ' ');
	/* the count is the length of what follows the space */
	ck_assert_uint_eq(n, strlen(end + 1));
	ck_assert_uint_eq(n, 400);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_int_eq(vg_syslog_facility("kern"), 0);
	ck_assert_int_eq(vg_syslog_facility("authpriv"), 10);
	ck_assert_int_eq(vg_syslog_facility("local7"), 23);
	ck_assert_int_eq(vg_syslog_facility("local8"), -1);
	ck_assert_int_eq(vg_syslog_severity("emerg"), 0);
	ck_assert_int_eq(vg_syslog_severity("warning"), 4);
	ck_assert_int_eq(vg_syslog_severity("debug"), 7);
	ck_assert_int_eq(vg_syslog_severity("loud"), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("syslog_fmt");
	TCase *tc = tcase_create("syslog_fmt");

	tcase_add_test(tc, test_rfc5424);
	tcase_add_test(tc, test_octet_counting);
	tcase_add_test(tc, test_rfc3164);
	tcase_add_test(tc, test_truncate);
	tcase_add_test(tc, test_truncate_utf8);
	tcase_add_test(tc, test_octet_truncated_length);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
