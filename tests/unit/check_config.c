/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_config.c: vigild.conf loader: values, defaults, file:line errors;
 * the option engine's two dialects (vigild.conf, auditd.conf). */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/config.h"
#include "vigil/opt.h"
#include "vigil/output.h"

static char *
write_tmp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vg_conf_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(test_defaults)
{
	struct vg_config c;

	vg_config_defaults(&c);
	ck_assert_uint_eq(c.end_of_event_timeout, 2);
	ck_assert_uint_eq(c.batch_delay_ms, 2);
	ck_assert_uint_eq(c.rcvbuf, 64u << 20);
	ck_assert_int_eq(c.enable, 1);
	ck_assert_int_eq(c.multicast, 0);
	ck_assert_int_eq(c.noutputs, 0);
	vg_config_free(&c);
}
END_TEST

START_TEST(test_values)
{
	struct vg_config c;
	struct vg_err err;
	char *p = write_tmp("# comment\n\noutput = json:/tmp/a.json\n"
	    "  output=json:-   # trailing comment\n"
	    "end_of_event_timeout = 5\nmulticast = yes\n");

	vg_config_defaults(&c);
	ck_assert_int_eq(vg_config_load(&c, p, &err), 0);
	ck_assert_int_eq(c.noutputs, 2);
	ck_assert_str_eq(c.outputs[0]->spec, "json:/tmp/a.json");
	ck_assert_str_eq(c.outputs[1]->spec, "json:-");
	ck_assert_uint_eq(c.end_of_event_timeout, 5);
	ck_assert_int_eq(c.multicast, 1);
	vg_config_free(&c);
	unlink(p);
}
END_TEST

START_TEST(test_errors_name_line)
{
	struct vg_config c;
	struct vg_err err;
	char *p = write_tmp("output = json:-\nbogus = 1\n"
	    "end_of_event_timeout = abc\nno equals sign\n"
	    "multicast = maybe\nend_of_event_timeout = 99999\n");

	vg_config_defaults(&c);
	/* every bad line is counted, the last one is in err */
	ck_assert_int_eq(vg_config_load(&c, p, &err), 5);
	ck_assert_uint_eq(err.line, 6);
	ck_assert_str_eq(err.file, p);
	ck_assert_ptr_nonnull(strstr(err.msg, "end_of_event_timeout"));
	ck_assert_ptr_nonnull(strstr(err.msg, "99999"));
	/* the good line still applied */
	ck_assert_int_eq(c.noutputs, 1);
	vg_config_free(&c);
	unlink(p);
}
END_TEST

START_TEST(test_missing_file)
{
	struct vg_config c;
	struct vg_err err;

	vg_config_defaults(&c);
	ck_assert_int_eq(vg_config_load(&c, "/nonexistent/vigild.conf",
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
	vg_config_free(&c);
}
END_TEST

START_TEST(test_list_limit)
{
	struct vg_config c;
	char msg[256];
	int i;

	vg_config_defaults(&c);
	for (i = 0; i < VG_CONF_MAXLIST; i++)
		ck_assert_int_eq(vg_config_set(&c, "output", "json:-", msg,
		    sizeof(msg)), 0);
	ck_assert_int_eq(vg_config_set(&c, "output", "json:-", msg,
	    sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "too many"));
	vg_config_free(&c);
}
END_TEST

START_TEST(test_output_block)
{
	struct vg_config c;
	struct vg_err err;
	char *p = write_tmp("output {\n  spec = unix:/run/v.sock\n"
	    "  queue = 100   # events\n  overflow = drop_oldest\n}\n"
	    "output {\n spec = json:/tmp/x?mode=0640\n lua = /f.lua\n}\n"
	    "output {\n spec = json:-\n}\n");

	vg_config_defaults(&c);
	ck_assert_int_eq(vg_config_load(&c, p, &err), 0);
	ck_assert_int_eq(c.noutputs, 3);
	ck_assert_str_eq(c.outputs[0]->spec,
	    "unix:/run/v.sock?queue=100&overflow=drop_oldest");
	ck_assert_str_eq(c.outputs[1]->spec, "json:/tmp/x?mode=0640&lua=/f.lua");
	ck_assert_str_eq(c.outputs[2]->spec, "json:-");
	vg_config_free(&c);
	unlink(p);
}
END_TEST

START_TEST(test_output_block_errors)
{
	struct vg_config c;
	struct vg_err err;
	char *p = write_tmp("output {\n queue = 1\n}\n"	/* no spec */
	    "output {\n spec = json:-\n spec = json:-\n}\n"
	    "output {\n spec = json:-\n a = b&c\n}\n"
	    "output {\n spec = json:-\n");			/* open */

	vg_config_defaults(&c);
	ck_assert_int_eq(vg_config_load(&c, p, &err), 4);
	ck_assert_uint_eq(err.line, 12);	/* the unclosed block */
	ck_assert_ptr_nonnull(strstr(err.msg, "not closed"));
	vg_config_free(&c);
	unlink(p);
}
END_TEST

/* one boolean parser: every spelling, any case; nothing else */
START_TEST(test_bool)
{
	static const char *const yes[] = { "yes", "true", "on", "1", "YES",
	    "True", "ON" };
	static const char *const no[] = { "no", "false", "off", "0", "No",
	    "FALSE", "Off" };
	struct vg_config c;
	char msg[256];
	size_t i;
	int b;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		ck_assert_int_eq(vg_parse_bool(yes[i], &b), 0);
		ck_assert_int_eq(b, 1);
		ck_assert_int_eq(vg_parse_bool(no[i], &b), 0);
		ck_assert_int_eq(b, 0);
	}
	ck_assert_int_eq(vg_parse_bool("maybe", &b), -1);
	ck_assert_int_eq(vg_parse_bool("", &b), -1);
	ck_assert_int_eq(vg_parse_bool("2", &b), -1);
	vg_config_defaults(&c);
	ck_assert_int_eq(vg_config_set(&c, "multicast", "on", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(c.multicast, 1);
	ck_assert_int_eq(vg_config_set(&c, "enable", "off", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(c.enable, 0);
	vg_config_free(&c);
}
END_TEST

/* output options are checked when the line is read, by the tables */
START_TEST(test_output_options_checked)
{
	struct vg_config c;
	struct vg_err err;
	char *p = write_tmp("output = json:-?mode=0640\n"
	    "output = json:-?bogus=1\n"
	    "output = unix:/tmp/x.sock?queue=0\n"
	    "output = unix:/tmp/x.sock?hold=maybe\n"
	    "output = unix:/tmp/x.sock?overflow=spool\n"
	    "output = json:-?mode=0666\n"
	    "output = unix:/tmp/x.sock?hold=on&client_policy=skip\n");

	vg_config_defaults(&c);
	ck_assert_int_eq(vg_config_load(&c, p, &err), 5);
	ck_assert_uint_eq(err.line, 6);
	ck_assert_ptr_nonnull(strstr(err.msg, "mode=0666"));
	ck_assert_int_eq(c.noutputs, 2);
	ck_assert_str_eq(c.outputs[1]->spec,
	    "unix:/tmp/x.sock?hold=on&client_policy=skip");
	ck_assert_str_eq(c.outputs[1]->arg, "/tmp/x.sock");
	ck_assert_uint_eq(c.outputs[1]->nopts, 2);
	vg_config_free(&c);
	unlink(p);
}
END_TEST

/* -c DIR: said, not read as an empty file */
START_TEST(test_directory)
{
	struct vg_config c;
	struct vg_err err;

	vg_config_defaults(&c);
	ck_assert_int_eq(vg_config_load(&c, "/tmp", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "directory"));
	vg_config_free(&c);
}
END_TEST

/* the command line over the file: -o replaces, --lua adds, a scalar
 * replaces; auditd.conf brings its outputs; bad values named */
START_TEST(test_build_cli)
{
	struct vg_config_cli cli;
	struct vg_config c;
	struct vg_err err;
	char *p = write_tmp("output = json:/tmp/a.json\n"
	    "lua_filter = /a.lua\nbatch_delay_ms = 5\n"
	    "auditd_conf = /etc/audit/auditd.conf\n");

	memset(&cli, 0, sizeof(cli));
	ck_assert_int_eq(vg_config_cli_add(&cli, "-o", "output", "json:-",
	    &err), 0);
	ck_assert_int_eq(vg_config_cli_add(&cli, "--lua", "lua_filter",
	    "/b.lua", &err), 0);
	ck_assert_int_eq(vg_config_cli_add(&cli, "--batch-delay",
	    "batch_delay_ms", "7", &err), 0);
	ck_assert_int_eq(vg_config_cli_add(&cli, "--batch-delay",
	    "batch_delay_ms", "70000", &err), -1);
	ck_assert_str_eq(err.file, "command line");
	ck_assert_ptr_nonnull(strstr(err.msg, "--batch-delay 70000"));
	ck_assert_int_eq(vg_config_cli_add(&cli, "-o", "output",
	    "json:-?nope=1", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown option \"nope\""));
	ck_assert_int_eq(vg_config_build(&c, p, &cli, &err), 0);
	ck_assert_int_eq(c.noutputs, 3);
	ck_assert_str_eq(c.outputs[0]->spec, "json:-");
	ck_assert_str_eq(c.outputs[1]->spec, "auditd:/etc/audit/auditd.conf");
	ck_assert_str_eq(c.outputs[2]->spec,
	    "plugins:?conf=/etc/audit/auditd.conf");
	ck_assert_int_eq(c.nlua_filters, 2);
	ck_assert_str_eq(c.lua_filters[1], "/b.lua");
	ck_assert_uint_eq(c.batch_delay_ms, 7);
	vg_config_free(&c);
	unlink(p);
}
END_TEST

/*
 * The engine's two dialects: the same rows, as vigild.conf says them
 * (exact names, "KEY=VAL: expected ...") and as auditd.conf does (any
 * case, one word, "KEY: "VAL" is not ..."); copies own their strings;
 * a table with lists is not copied.
 */
struct two {
	int		 b;
	unsigned	 n;
	int		 e;
	char		*s;
	char		*l[2];
	int		 nl;
};

static const char *const words[] = { "low", "high", NULL };
static const int word_values[] = { 10, 20 };

#define TWO_ROWS(fl)							\
	{ .name = "b", .type = VG_OPT_BOOL, .def = "yes",		\
	  .off = offsetof(struct two, b), .flags = fl },		\
	{ .name = "n", .type = VG_OPT_UINT, .min = 1, .max = 9,		\
	  .def = "3", .off = offsetof(struct two, n), .flags = fl },	\
	{ .name = "e", .type = VG_OPT_ENUM, .choices = words,		\
	  .values = word_values, .def = "high",				\
	  .off = offsetof(struct two, e), .flags = fl },		\
	{ .name = "s", .type = VG_OPT_STR, .def = "x",			\
	  .off = offsetof(struct two, s), .flags = fl }

static const struct vg_opt conf_rows[] = { TWO_ROWS(0), { .name = NULL } };
static const struct vg_opt adc_rows[] = {
	TWO_ROWS(VG_OPT_AUDITD), { .name = NULL },
};
static const struct vg_opt plug_rows[] = {
	TWO_ROWS(VG_OPT_AUDITD | VG_OPT_PLUGINS), { .name = NULL },
};
static const struct vg_opt list_rows[] = {
	{ .name = "l", .type = VG_OPT_LIST, .max = 2,
	  .off = offsetof(struct two, l), .cnt_off = offsetof(struct two, nl) },
	{ .name = NULL },
};

/* Sets name = val by rows: 0, or -1 with the message want. */
static void
dialect_set(const struct vg_opt *rows, struct two *t, const char *name,
    const char *val, const char *want)
{
	char msg[256];

	ck_assert_int_eq(vg_opt_set(rows, t, name, val, msg, sizeof(msg)),
	    want == NULL ? 0 : -1);
	if (want != NULL)
		ck_assert_str_eq(msg, want);
}

START_TEST(test_opt_dialects)
{
	static const struct {
		int		 adc;
		const char	*name, *val, *msg;
	} bad[] = {
		{ 0, "n", "10", "n=10: expected a number 1..9" },
		{ 0, "e", "HIGH", "e=HIGH: expected low or high" },
		{ 0, "B", "no", "unknown key \"B\"" },
		{ 1, "n", "10", "n: \"10\" is not a number in 1..9" },
		{ 1, "e", "mid", "e: \"mid\" is not one of low, high" },
		{ 1, "b", "maybe", "b: \"maybe\" is not yes or no" },
		{ 1, "s", "two words", "s: \"two words\": expected one value" },
		{ 1, "q", "1", "unknown keyword \"q\"" },
		/* plugins.d: auditd.conf's, worded as plugins.d always was */
		{ 2, "N", "0", "n: unknown value \"0\" (expected a number in "
		  "1..9)" },
		{ 2, "e", "mid", "e: unknown value \"mid\" (expected one of "
		  "low, high)" },
		{ 2, "b", "maybe", "b: unknown value \"maybe\" (expected yes "
		  "or no)" },
		{ 2, "s", " a  b\tc", "s takes one value, not 3" },
	};
	const struct vg_opt *rows[] = { conf_rows, adc_rows, plug_rows };
	struct two a, b;
	char msg[256];
	size_t i;

	memset(&a, 0, sizeof(a));
	vg_opt_defaults(conf_rows, &a);
	ck_assert_int_eq(a.b, 1);
	ck_assert_uint_eq(a.n, 3);
	ck_assert_int_eq(a.e, 20);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		dialect_set(rows[bad[i].adc], &a, bad[i].name, bad[i].val,
		    bad[i].msg);
	dialect_set(adc_rows, &a, "B", "No", NULL);
	ck_assert_int_eq(a.b, 0);
	dialect_set(adc_rows, &a, "E", "LOW", NULL);
	ck_assert_int_eq(a.e, 10);
	dialect_set(plug_rows, &a, "E", "High", NULL);
	ck_assert_int_eq(a.e, 20);
	dialect_set(plug_rows, &a, "e", "low", NULL);
	ck_assert_uint_eq(a.n, 3);
	ck_assert_int_eq(vg_opt_copy(conf_rows, &b, &a, sizeof(a)), 0);
	ck_assert_ptr_ne(b.s, a.s);
	vg_opt_free(conf_rows, &a);
	ck_assert_str_eq(b.s, "x");
	ck_assert_int_eq(b.e, 10);
	vg_opt_free(conf_rows, &b);

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(vg_opt_set(list_rows, &a, "l", "v", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_opt_copy(list_rows, &b, &a, sizeof(a)), -1);
	ck_assert_ptr_null(b.l[0]);
	vg_opt_free(list_rows, &a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_errors_name_line);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_list_limit);
	tcase_add_test(tc, test_output_block);
	tcase_add_test(tc, test_output_block_errors);
	tcase_add_test(tc, test_bool);
	tcase_add_test(tc, test_output_options_checked);
	tcase_add_test(tc, test_directory);
	tcase_add_test(tc, test_build_cli);
	tcase_add_test(tc, test_opt_dialects);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
