/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_log.c: vigild's own diagnostics (src/log.c): vg_log_escape byte
 * by byte, and that what the log functions write (stderr, a dump fd) is
 * escaped whole: no byte below 0x20 but the line's '\n', no 0x7f, no C1
 * control, nothing that is not UTF-8.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/log.h"

/* Escapes in (len bytes) and compares with want. */
static void
esc_eq(const char *in, size_t len, const char *want)
{
	char out[256];
	size_t n = vg_log_escape(out, sizeof(out), in, len);

	ck_assert_uint_eq(n, strlen(out));
	ck_assert_msg(strcmp(out, want) == 0, "got \"%s\" want \"%s\"", out,
	    want);
}
#define ESC(lit, want)	esc_eq((lit), sizeof(lit) - 1, (want))

START_TEST(escape_bytes)
{
	ESC("plain text: a=b \"q\" 'x' {}", "plain text: a=b \"q\" 'x' {}");
	ESC("back\\slash \\x1b", "back\\slash \\x1b");
	ESC("\t\n\r", "\\t\\n\\r");
	ESC("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	ESC("nul\0end", "nul\\x00end");
	ESC("\x01\x07\x08\x0b\x0c\x1d\x1f\x7f", "\\x01\\x07\\x08\\x0b\\x0c"
	    "\\x1d\\x1f\\x7f");
	/* UTF-8 is kept: e acute, snowman, emoji, U+00A0, U+10FFFF */
	ESC("\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 \xc2\xa0 \xf4\x8f\xbf\xbf",
	    "\xc3\xa9 \xe2\x98\x83 \xf0\x9f\x98\x80 \xc2\xa0 "
	    "\xf4\x8f\xbf\xbf");
	/* C1 controls (CSI, NEL) in UTF-8 and as single bytes */
	ESC("\xc2\x9b" "2J \xc2\x85", "\\xc2\\x9b2J \\xc2\\x85");
	ESC("\x9b" "2J \x85", "\\x9b2J \\x85");
	/* not well-formed: stray continuation, overlong, surrogate, above
	 * U+10FFFF, F5+, cut short at the end */
	ESC("\x80 \xc0\xaf \xe0\x80\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xff",
	    "\\x80 \\xc0\\xaf \\xe0\\x80\\xaf \\xed\\xa0\\x80 "
	    "\\xf4\\x90\\x80\\x80 \\xff");
	ESC("end\xe2\x98", "end\\xe2\\x98");
	ESC("", "");
}
END_TEST

START_TEST(escape_bounds)
{
	char out[8];

	/* cut before what does not fit, never in an escape or a
	 * character; always terminated */
	ck_assert_uint_eq(vg_log_escape(out, sizeof(out), "abcdefghij", 10),
	    7);
	ck_assert_str_eq(out, "abcdefg");
	ck_assert_uint_eq(vg_log_escape(out, sizeof(out), "abcd\x1b", 5), 4);
	ck_assert_str_eq(out, "abcd");
	ck_assert_uint_eq(vg_log_escape(out, sizeof(out), "abcde\xe2\x98\x83",
	    8), 5);
	ck_assert_str_eq(out, "abcde");
	ck_assert_uint_eq(vg_log_escape(out, 1, "abc", 3), 0);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(vg_log_escape(out, 0, "abc", 3), 0);
}
END_TEST

/* Runs fn with fd 2 (or the given fd) going to a temporary file; returns
 * what was written (malloc'ed). */
static char *
capture(void (*fn)(int), size_t *len)
{
	char path[] = "/tmp/vg_log_XXXXXX", *buf;
	int fd = mkstemp(path), saved = dup(2);
	long n;
	FILE *f;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	fflush(stderr);
	ck_assert_int_eq(dup2(fd, 2), 2);
	fn(fd);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	ck_assert_ptr_nonnull(f = fopen(path, "rb"));
	unlink(path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	ck_assert_ptr_nonnull(buf = malloc((size_t)n + 1));
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Lines of text: '\n' only at their ends, no other control byte. */
static unsigned
clean_lines(const char *p, size_t len)
{
	unsigned lines = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\n') {
			lines++;
			continue;
		}
		ck_assert_msg(c >= 0x20 && c != 0x7f && c < 0x80,
		    "raw byte 0x%02x at %zu in: %s", c, i, p);
	}
	return lines;
}

static const char hostile[] = "forged\nvigild: fake line\r\x1b[2J\x9b\xc2\x85";

static void
log_all(int fd)
{
	vg_log_warnx("line: %s", hostile);
	vg_log_info("info: %.*s", 12, hostile);	/* not verbose: nothing */
	errno = ENOENT;
	vg_log_warn("file %s", hostile);
	vg_log_stderr("-o: %s", hostile);
	vg_log_dump(fd, "output json:%s sent=%d", hostile, 1);
}

START_TEST(messages_escaped_whole)
{
	size_t len;
	char *out;

	vg_log_init("vigild", 1, 0);
	out = capture(log_all, &len);
	ck_assert_uint_eq(clean_lines(out, len), 4);
	ck_assert_ptr_nonnull(strstr(out, "vigild: line: forged\\nvigild: "
	    "fake line\\r\\x1b[2J\\x9b\\xc2\\x85\n"));
	ck_assert_ptr_nonnull(strstr(out, "vigild: file forged\\n"));
	ck_assert_ptr_nonnull(strstr(out, "\\xc2\\x85: No such file"));
	ck_assert_ptr_nonnull(strstr(out, "vigild: -o: forged\\n"));
	ck_assert_ptr_nonnull(strstr(out, "output json:forged\\nvigild: fake "
	    "line\\r\\x1b[2J\\x9b\\xc2\\x85 sent=1\n"));
	free(out);
}
END_TEST

static void
stderr_daemon(int fd)
{
	(void)fd;
	vg_log_stderr("bad value \"%s\"", "1\x1b[0m");
}

/* Daemonized, warnings go to syslog; vg_log_stderr still to stderr. */
START_TEST(stderr_when_daemonized)
{
	size_t len;
	char *out;

	vg_log_init("vigild", 0, 0);
	out = capture(stderr_daemon, &len);
	ck_assert_str_eq(out, "vigild: bad value \"1\\x1b[0m\"\n");
	free(out);
	vg_log_init("vigild", 1, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, escape_bytes);
	tcase_add_test(tc, escape_bounds);
	tcase_add_test(tc, messages_escaped_whole);
	tcase_add_test(tc, stderr_when_daemonized);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
