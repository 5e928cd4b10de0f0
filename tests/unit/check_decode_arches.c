/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_decode_arches.c: syscall names in decoded events for every arch
 * vigil has a table for (docs/events.md "name", "syscall_name"), from the
 * arch= of the SYSCALL record or of the record itself (SECCOMP).
 * Expected names are auditd 3.0.9's (ausyscall ARCH NUMBER).
 */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/decode.h"
#include "vigil/json.h"
#include "vigil/record.h"
#include "tev.h"

/* Decodes one log line as a whole event; returns the parsed JSON. */
static json_object *
decode_line(const char *line)
{
	struct tev *t = malloc(sizeof(*t));
	json_object *j;
	unsigned long err = 0;

	ck_assert_ptr_nonnull(t);
	tev_init(t);
	tev_add(t, line);
	j = tev_json(t, &err);
	ck_assert_uint_eq(err, 0);
	tev_free(t);
	free(t);
	return j;
}

/* String member obj.key, NULL if absent or not a string. */
static const char *
member(json_object *j, const char *obj, const char *key)
{
	json_object *o, *m;

	if (!json_object_object_get_ex(j, obj, &o) ||
	    !json_object_object_get_ex(o, key, &m) ||
	    !json_object_is_type(m, json_type_string))
		return NULL;
	return json_object_get_string(m);
}

static const struct {
	const char	*arch_id;
	int		 nr;
	const char	*arch;		/* "arch" in the document */
	const char	*name;		/* "name"; NULL: must be absent */
} cases[] = {
	{ "c00000b7", 56, "aarch64", "openat" },
	{ "c00000b7", 221, "aarch64", "execve" },
	{ "40000028", 322, "arm", "openat" },
	{ "40000028", 11, "arm", "execve" },
	{ "80000015", 286, "ppc64", "openat" },
	{ "c0000015", 286, "ppc64le", "openat" },
	{ "c0000015", 11, "ppc64le", "execve" },
	{ "c0000015", 179, "ppc64le", "pread" },
	{ "14", 286, "ppc", "openat" },
	{ "80000016", 288, "s390x", "openat" },
	{ "80000016", 199, "s390x", "getuid" },
	{ "16", 199, "s390", "getuid32" },
	{ "c00000f3", 56, "riscv64", "openat" },
	{ "c00000f3", 259, "riscv64", "riscv_flush_icache" },
	/* holes and arches without a table: no name, never a wrong one */
	{ "80000016", 0, "s390x", NULL },
	{ "40000028", 9999, "arm", NULL },
	{ "28", 5, "28", NULL },		/* ARMEB: unknown arch */
	{ "c0000102", 56, "c0000102", NULL },	/* loongarch64 */
};

START_TEST(syscall_record)
{
	char line[512];
	json_object *j;
	const char *got;
	int n;

	n = snprintf(line, sizeof(line), "type=SYSCALL "
	    "msg=audit(1700000000.000:%d): arch=%s syscall=%d success=yes "
	    "exit=3 a0=ffffff9c a1=1 a2=0 a3=0 items=0 ppid=1 pid=2 auid=0 "
	    "uid=0 comm=\"x\" exe=\"/x\" key=(null)", _i + 1,
	    cases[_i].arch_id, cases[_i].nr);
	ck_assert(n > 0 && (size_t)n < sizeof(line));
	j = decode_line(line);
	got = member(j, "syscall", "arch");
	ck_assert_msg(got != NULL && strcmp(got, cases[_i].arch) == 0,
	    "%s: arch %s", line, got ? got : "NULL");
	ck_assert_str_eq(member(j, "syscall", "arch_id"), cases[_i].arch_id);
	got = member(j, "syscall", "name");
	if (cases[_i].name == NULL)
		ck_assert_msg(got == NULL, "%s: name %s", line, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, cases[_i].name) == 0,
		    "%s: name %s, want %s", line, got ? got : "NULL",
		    cases[_i].name);
	json_object_put(j);
}
END_TEST

/* SECCOMP carries its own arch=: syscall stays a number + syscall_name. */
START_TEST(seccomp_record)
{
	json_object *j, *m, *o;

	j = decode_line("type=SECCOMP msg=audit(1700000000.000:99): auid=0 "
	    "uid=0 gid=0 ses=1 pid=7 comm=\"x\" exe=\"/x\" sig=0 "
	    "arch=c00000b7 syscall=56 compat=0 ip=0xffff0000 code=0x7ffc0000");
	ck_assert_str_eq(member(j, "seccomp", "arch"), "aarch64");
	ck_assert_str_eq(member(j, "seccomp", "syscall_name"), "openat");
	ck_assert(json_object_object_get_ex(j, "seccomp", &o));
	ck_assert(json_object_object_get_ex(o, "syscall", &m));
	ck_assert_int_eq(json_object_get_int(m), 56);
	json_object_put(j);

	j = decode_line("type=SECCOMP msg=audit(1700000000.000:100): auid=0 "
	    "uid=0 gid=0 ses=1 pid=7 comm=\"x\" exe=\"/x\" sig=0 "
	    "arch=80000016 syscall=288 compat=0 ip=0x3ff code=0x7ffc0000");
	ck_assert_str_eq(member(j, "seccomp", "arch"), "s390x");
	ck_assert_str_eq(member(j, "seccomp", "syscall_name"), "openat");
	json_object_put(j);
}
END_TEST

static Suite *
arches_suite(void)
{
	Suite *s = suite_create("decode_arches");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, syscall_record, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, seccomp_record);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(arches_suite());
}
