/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_rules_control.c: -t, -q, -m and --signal as rule-file lines (and
 * command lines): what they compile to, what auditctl 3.0.9 refuses with
 * which words, and the rest of the line they leave unread. No kernel.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/rules.h"

/* Compiles one line; returns vg_rules_parse_line's value. */
static int
line(const char *text, struct vg_rule *r, struct vg_err *err)
{
	memset(err, 0, sizeof(*err));
	return vg_rules_parse_line(text, r, err);
}

START_TEST(test_compiled)
{
	static const struct {
		const char	*text;
		enum vg_rcmd	 cmd;
		const char	*arg;
		uint32_t	 value;
	} ok[] = {
		{ "-t", VG_RC_TRIM, NULL, 0 },
		/* auditctl reads nothing after -t, -q and -m */
		{ "-t -k x", VG_RC_TRIM, NULL, 0 },
		{ "-t extra", VG_RC_TRIM, NULL, 0 },
		{ "-t -q /a,/b", VG_RC_TRIM, NULL, 0 },
		/* a rule before them on the line is dropped */
		{ "-w /etc/passwd -p wa -t", VG_RC_TRIM, NULL, 0 },
		{ "-a always,exit -F arch=b64 -S openat -t", VG_RC_TRIM, NULL,
		    0 },
		{ "-q /home,/mnt/home", VG_RC_MAKE_EQUIV, "/home,/mnt/home",
		    0 },
		{ "-q/a,/b", VG_RC_MAKE_EQUIV, "/a,/b", 0 },
		{ "-q /a,/b extra -k x", VG_RC_MAKE_EQUIV, "/a,/b", 0 },
		/* an empty mount-point is the kernel's to refuse */
		{ "-q ,/b", VG_RC_MAKE_EQUIV, ",/b", 0 },
		{ "-q=/a,/b", VG_RC_MAKE_EQUIV, "=/a,/b", 0 },
		{ "-m hello", VG_RC_USER_MSG, "hello", 0 },
		{ "-mglued", VG_RC_USER_MSG, "glued", 0 },
		{ "-m q'uo\"te~\x7f", VG_RC_USER_MSG, "q'uo\"te~\x7f", 0 },
		{ "-m a\\ b", VG_RC_USER_MSG, "a b", 0 },
		{ "--signal HUP", VG_RC_SIGNAL, NULL, SIGHUP },
		{ "--signal=term", VG_RC_SIGNAL, NULL, SIGTERM },
		{ "--signal Usr1", VG_RC_SIGNAL, NULL, SIGUSR1 },
		{ "--signal USR2", VG_RC_SIGNAL, NULL, SIGUSR2 },
		{ "--signal CONT", VG_RC_SIGNAL, NULL, SIGCONT },
		{ "--signal reload", VG_RC_SIGNAL, NULL, SIGHUP },
		{ "-w /etc/hosts -p wa --signal HUP", VG_RC_SIGNAL, NULL,
		    SIGHUP },
	};
	struct vg_rule r;
	struct vg_err err;
	size_t i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(line(ok[i].text, &r, &err) == 1, "%s: %s",
		    ok[i].text, err.msg);
		ck_assert_int_eq(r.cmd, ok[i].cmd);
		ck_assert_ptr_null(r.data);	/* no rule goes with them */
		if (ok[i].arg)
			ck_assert_str_eq(r.arg, ok[i].arg);
		else
			ck_assert_ptr_null(r.arg);
		if (ok[i].cmd == VG_RC_SIGNAL)
			ck_assert_uint_eq(r.value, ok[i].value);
		vg_rule_free(&r);
		ck_assert_ptr_null(r.arg);
	}
}
END_TEST

START_TEST(test_refused)
{
	/* auditctl 3.0.9's words for each (it adds "on line N" to the
	 * missing-value one; vigilctl puts file:line: in front) */
	static const struct {
		const char	*text, *msg;
	} bad[] = {
		{ "-q /tmp", "Error parsing equivalent parts" },
		{ "-q /a,", "Error parsing equivalent parts" },
		{ "-q /a,/b,/c", "Error parsing equivalent parts" },
		{ "-q", "Option -q is invalid" },
		{ "-S open -q /a,/b",
		    "Syscall auditing requested for make equivalent" },
		{ "-w /etc/passwd -q /a,/b",
		    "Syscall auditing requested for make equivalent" },
		{ "-m", "Option -m is invalid" },
		{ "-m two words", "The -m option must be only the only option "
		    "and takes 1 parameter" },
		{ "-m a -k x", "The -m option must be only the only option "
		    "and takes 1 parameter" },
		{ "-w /etc/passwd -m x", "The -m option must be only the only "
		    "option and takes 1 parameter" },
		{ "-m tab\there", "Illegal character in audit event" },
		{ "-m caf\xc3\xa9", "Illegal character in audit event" },
		{ "--signal", "Option --signal is invalid" },
		{ "--signal KILL", "KILL is an unsupported signal" },
		{ "--signal 9", "9 is an unsupported signal" },
		{ "--signal=", " is an unsupported signal" },
		{ "--signal HUP=3", "HUP=3 is an unsupported signal" },
		/* the signal is named, but words are left on the line */
		{ "--signal HUP extra", "parameter passed without an option "
		    "given: extra" },
		{ "--signal HUP -w /etc/group", "parameter passed without an "
		    "option given: -w" },
		/* one command per line, as vigilctl has it for -e -b ... */
		{ "-e 1 -t", "only one command per line: -t" },
		{ "-l -q /a,/b", "only one command per line: -q" },
	};
	struct vg_rule r;
	struct vg_err err;
	size_t i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(line(bad[i].text, &r, &err) == -1, "%s compiled",
		    bad[i].text);
		ck_assert_str_eq(err.msg, bad[i].msg);
		ck_assert_ptr_null(r.arg);
		ck_assert_ptr_null(r.data);
	}
}
END_TEST

/* The command line goes through the same compiler. */
START_TEST(test_argv)
{
	char *trim[] = { "vigilctl", "-t" };
	char *msg[] = { "vigilctl", "-m", "text", "extra" };
	char *msg2[] = { "vigilctl", "-mtext", "extra" };
	char *sig[] = { "vigilctl", "--signal", "HUP" };
	struct vg_rule r;
	struct vg_err err;

	ck_assert_int_eq(vg_rules_parse_argv(2, trim, &r, &err), 0);
	ck_assert_int_eq(r.cmd, VG_RC_TRIM);
	vg_rule_free(&r);
	ck_assert_int_eq(vg_rules_parse_argv(4, msg, &r, &err), -1);
	ck_assert_str_eq(err.msg, "The -m option must be only the only "
	    "option and takes 1 parameter");
	/* three words: auditctl sends "text" and ignores "extra" */
	ck_assert_int_eq(vg_rules_parse_argv(3, msg2, &r, &err), 0);
	ck_assert_int_eq(r.cmd, VG_RC_USER_MSG);
	ck_assert_str_eq(r.arg, "text");
	vg_rule_free(&r);
	ck_assert_int_eq(vg_rules_parse_argv(3, sig, &r, &err), 0);
	ck_assert_int_eq(r.cmd, VG_RC_SIGNAL);
	ck_assert_uint_eq(r.value, SIGHUP);
	vg_rule_free(&r);
}
END_TEST

/* Check mode: the lines compile and leave the rule list alone. */
START_TEST(test_simulate)
{
	static const char *lines[] = { "-w /etc/passwd -p wa", "-t",
	    "-q /a,/b", "-m hello", "--signal HUP" };
	struct vg_ruleset rs;
	struct vg_rule r;
	struct vg_err err;
	char *buf = NULL;
	size_t i, len = 0;
	FILE *out;

	vg_ruleset_init(&rs);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_int_eq(line(lines[i], &r, &err), 1);
		ck_assert_int_eq(vg_ruleset_push(&rs, &r), 0);
	}
	out = open_memstream(&buf, &len);
	ck_assert_int_eq(vg_rules_simulate(&rs, out, NULL, NULL), 0);
	fclose(out);
	ck_assert_str_eq(buf, "-w /etc/passwd -p wa\n");
	free(buf);
	vg_ruleset_free(&rs);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rules_control");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_compiled);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_argv);
	tcase_add_test(tc, test_simulate);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
