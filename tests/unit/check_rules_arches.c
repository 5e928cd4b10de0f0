/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_rules_arches.c: -F arch= and -S names on the arches other than
 * x86: arch values as libaudit gives them (audit_machine_to_elf), syscall
 * numbers from the same tables the decoder uses, b32/b64 per host, and
 * the auditctl -l listing back. Rules are compiled only, never loaded.
 */
#include <check.h>
#include <linux/audit.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/rules.h"

/* Value of the AUDIT_ARCH field of a compiled rule, 0 if none. */
static uint32_t
rule_arch(const struct audit_rule_data *d)
{
	uint32_t i;

	for (i = 0; i < d->field_count && i < AUDIT_MAX_FIELDS; i++)
		if (d->fields[i] == AUDIT_ARCH)
			return d->values[i];
	return 0;
}

static int
has_bit(const struct audit_rule_data *d, int nr)
{
	return (d->mask[AUDIT_WORD(nr)] & AUDIT_BIT(nr)) != 0;
}

/* Number of syscall bits set in the rule (the class bits excluded). */
static int
nbits(const struct audit_rule_data *d)
{
	int i, n = 0;

	for (i = 0; i < (AUDIT_BITMASK_SIZE - 1) * 32; i++)
		n += has_bit(d, i);
	return n;
}

static const struct {
	enum vg_arch	 host;
	const char	*line;
	uint32_t	 elf;
	int		 nr[2];		/* -1: unused */
	const char	*listed;	/* auditctl -l */
} ok[] = {
	{ VG_ARCH_X86_64, "-a always,exit -F arch=aarch64 -S openat",
	    0xc00000b7, { 56, -1 },
	    "-a always,exit -F arch=b64 -S openat\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=ppc64le -S openat -k f",
	    0xc0000015, { 286, -1 },
	    "-a always,exit -F arch=b64 -S openat -F key=f\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=ppc64 -S pread64",
	    0x80000015, { 179, -1 },
	    "-a always,exit -F arch=b64 -S pread\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=s390x -S openat,execve",
	    0x80000016, { 288, 11 },
	    "-a always,exit -F arch=b64 -S execve,openat\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=s390 -S getuid32",
	    0x16, { 199, -1 },
	    "-a always,exit -F arch=b32 -S getuid32\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=ppc -S socketcall",
	    0x14, { 102, -1 },
	    "-a always,exit -F arch=b32 -S socketcall\n" },
	/* auditctl's "armeb" is AUDIT_ARCH_ARM (40000028), not ARMEB (28) */
	{ VG_ARCH_X86_64, "-a always,exit -F arch=armeb -S openat",
	    0x40000028, { 322, -1 },
	    "-a always,exit -F arch=b32 -S openat\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=armv7l -S 322",
	    0x40000028, { 322, -1 },
	    "-a always,exit -F arch=b32 -S openat\n" },
	/* libaudit's other arm spellings (auditctl 3.0.9 takes them) */
	{ VG_ARCH_X86_64, "-a always,exit -F arch=armv6l -S openat",
	    0x40000028, { 322, -1 },
	    "-a always,exit -F arch=b32 -S openat\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=armv5tejl -S openat",
	    0x40000028, { 322, -1 },
	    "-a always,exit -F arch=b32 -S openat\n" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=riscv64 -S openat",
	    0xc00000f3, { 56, -1 },
	    "-a always,exit -F arch=b64 -S openat\n" },
	/* b32/b64 and no arch at all follow the host */
	{ VG_ARCH_PPC64LE, "-a always,exit -F arch=b64 -S openat",
	    0xc0000015, { 286, -1 },
	    "-a always,exit -F arch=b64 -S openat\n" },
	{ VG_ARCH_PPC64, "-a always,exit -F arch=b32 -S openat",
	    0x14, { 286, -1 },
	    "-a always,exit -F arch=b32 -S openat\n" },
	{ VG_ARCH_S390X, "-a always,exit -F arch=b32 -S getuid32",
	    0x16, { 199, -1 },
	    "-a always,exit -F arch=b32 -S getuid32\n" },
	{ VG_ARCH_S390X, "-a always,exit -F arch=b64 -S getuid",
	    0x80000016, { 199, -1 },
	    "-a always,exit -F arch=b64 -S getuid\n" },
	{ VG_ARCH_AARCH64, "-a always,exit -F arch=b32 -S openat",
	    0x40000028, { 322, -1 },
	    "-a always,exit -F arch=b32 -S openat\n" },
	/* no arch field (as auditctl), the host's numbers */
	{ VG_ARCH_S390X, "-a always,exit -S openat",
	    0, { 288, -1 },
	    "-a always,exit -S openat\n" },
};

START_TEST(compiles)
{
	struct vg_rule r;
	struct vg_err err;
	char buf[1024];
	int i, want = 0;

	memset(&err, 0, sizeof(err));
	vg_rules_set_machine(ok[_i].host);
	ck_assert_msg(vg_rules_parse_line(ok[_i].line, &r, &err) == 1,
	    "%s: %s", ok[_i].line, err.msg);
	ck_assert_ptr_nonnull(r.data);
	ck_assert_msg(rule_arch(r.data) == ok[_i].elf, "%s: arch %x",
	    ok[_i].line, rule_arch(r.data));
	for (i = 0; i < 2; i++)
		if (ok[_i].nr[i] >= 0) {
			ck_assert_msg(has_bit(r.data, ok[_i].nr[i]),
			    "%s: no bit %d", ok[_i].line, ok[_i].nr[i]);
			want++;
		}
	ck_assert_int_eq(nbits(r.data), want);
	ck_assert_int_gt(vg_rules_format(r.data, r.datalen, buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, ok[_i].listed);
	vg_rule_free(&r);
	vg_rules_set_machine(VG_ARCH_X86_64);
}
END_TEST

static const struct {
	enum vg_arch	 host;
	const char	*line;
} bad[] = {
	/* a name of another arch's table */
	{ VG_ARCH_X86_64, "-a always,exit -F arch=aarch64 -S open" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=s390x -S getuid32" },
	{ VG_ARCH_X86_64, "-a always,exit -F arch=riscv64 -S renameat" },
	/* ARMEB and ppc64le's b32 do not exist for auditctl either */
	{ VG_ARCH_X86_64, "-a always,exit -F arch=0x28 -S 5" },
	{ VG_ARCH_PPC64LE, "-a always,exit -F arch=b32 -S openat" },
	{ VG_ARCH_RISCV64, "-a always,exit -F arch=b32 -S openat" },
};

START_TEST(refused)
{
	struct vg_rule r;
	struct vg_err err;

	memset(&err, 0, sizeof(err));
	vg_rules_set_machine(bad[_i].host);
	ck_assert_msg(vg_rules_parse_line(bad[_i].line, &r, &err) == -1,
	    "%s: compiled", bad[_i].line);
	ck_assert(err.msg[0] != '\0');
	vg_rules_set_machine(VG_ARCH_X86_64);
}
END_TEST

/*
 * -l -i names the arch as auditctl 3.0.9 does (measured live: ppc and s390
 * by name, armeb for every arm spelling); riscv64, which auditctl refuses,
 * by vigil's name.
 */
static const struct {
	const char	*line, *listed;
} named[] = {
	{ "-a always,exit -F arch=ppc -S socketcall -k t1",
	    "-a always,exit -F arch=ppc -S socketcall -F key=t1\n" },
	{ "-a always,exit -F arch=s390 -S getuid32 -k t2",
	    "-a always,exit -F arch=s390 -S getuid32 -F key=t2\n" },
	{ "-a always,exit -F arch=armv6l -S openat -k t5",
	    "-a always,exit -F arch=armeb -S openat -F key=t5\n" },
	{ "-a always,exit -F arch=b32 -S openat",
	    "-a always,exit -F arch=i386 -S openat\n" },
	{ "-a always,exit -F arch=ppc64le -S openat",
	    "-a always,exit -F arch=ppc64le -S openat\n" },
	{ "-a always,exit -F arch=riscv64 -S openat",
	    "-a always,exit -F arch=riscv64 -S openat\n" },
};

START_TEST(interp_named)
{
	struct vg_rule r;
	struct vg_err err;
	char buf[1024];

	memset(&err, 0, sizeof(err));
	vg_rules_set_machine(VG_ARCH_X86_64);
	ck_assert_msg(vg_rules_parse_line(named[_i].line, &r, &err) == 1,
	    "%s: %s", named[_i].line, err.msg);
	ck_assert_int_gt(vg_rules_format_interp(r.data, r.datalen, buf,
	    sizeof(buf)), 0);
	ck_assert_str_eq(buf, named[_i].listed);
	vg_rule_free(&r);
}
END_TEST

static Suite *
arches_suite(void)
{
	Suite *s = suite_create("rules_arches");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, compiles, 0, (int)(sizeof(ok) / sizeof(ok[0])));
	tcase_add_loop_test(tc, refused, 0,
	    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_loop_test(tc, interp_named, 0,
	    (int)(sizeof(named) / sizeof(named[0])));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(arches_suite());
}
