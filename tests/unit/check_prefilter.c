/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_prefilter.c: the C drop rules before Lua: rule syntax, matching by
 * key, syscall.exe and record type, and what must pass.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/prefilter.h"

static struct vg_event	 ev;
static struct vg_erec	 recs[3];

static struct vg_str
S(const char *s)
{
	return vg_str_make(s, strlen(s));
}

static void
setup(void)
{
	memset(&ev, 0, sizeof(ev));
	vg_arena_init(&ev.arena, 0);
	memset(recs, 0, sizeof(recs));
	recs[0].type = 1300;	/* SYSCALL */
	recs[1].type = 1302;	/* PATH */
	ev.recs = recs;
	ev.nrecs = 2;
}

static void
teardown(void)
{
	vg_arena_free(&ev.arena);
}

/* {"keys":[k1,k2], "syscall":{"pid":1,"exe":exe}} (NULL = absent) */
static struct vg_node *
doc(const char *k1, const char *k2, const char *exe)
{
	struct vg_arena *a = &ev.arena;
	struct vg_node *d = vg_node_new(a, VG_N_OBJ), *n;

	vg_node_add_int(a, d, S("serial"), 7);
	n = vg_node_add(a, d, S("keys"), VG_N_ARR);
	if (k1 != NULL)
		vg_node_add_str(a, n, VG_STR_NULL, S(k1));
	if (k2 != NULL)
		vg_node_add_str(a, n, VG_STR_NULL, S(k2));
	n = vg_node_add(a, d, S("syscall"), VG_N_OBJ);
	vg_node_add_int(a, n, S("pid"), 1);
	if (exe != NULL)
		vg_node_add_str(a, n, S("exe"), S(exe));
	return d;
}

static enum vg_verdict
run(struct vg_filter *f, struct vg_node *d)
{
	struct vg_node *before = d;
	enum vg_verdict v = f->ops->run(f, &ev, &d);

	ck_assert_ptr_eq(d, before);	/* never replaces the document */
	return v;
}

static struct vg_filter *
with(const char *const rules[])
{
	struct vg_filter *f = vg_prefilter_new();
	char msg[256];
	int i;

	ck_assert_ptr_nonnull(f);
	for (i = 0; rules[i] != NULL; i++)
		if (vg_prefilter_add(f, rules[i], msg, sizeof(msg)) != 0)
			ck_abort_msg("%s: %s", rules[i], msg);
	return f;
}

START_TEST(syntax)
{
	static const char *const good[] = { "drop key=exec",
	    "  drop   key=\"with space\"  ", "key=nodrop-word",
	    "drop syscall.exe=/usr/sbin/cron\n", "drop type=CRED_REFR",
	    "drop type=user_start", "drop type=1105", "drop key=exec" };
	static const char *const bad[] = { "drop key", "drop key=",
	    "drop key=\"open", "drop comm=cron", "drop exe=/bin/x",
	    "drop type=NO_SUCH_TYPE", "drop type=99999999999", "", "drop",
	    "drop type=12x" };
	struct vg_filter *f = vg_prefilter_new();
	char msg[256];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(vg_prefilter_add(f, good[i], msg,
		    sizeof(msg)) == 0, "%s: %s", good[i], msg);
	/* key=exec twice; user_start is 1105 */
	ck_assert_uint_eq(vg_prefilter_count(f), 6);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		msg[0] = '\0';
		ck_assert_msg(vg_prefilter_add(f, bad[i], msg,
		    sizeof(msg)) == -1, "accepted: %s", bad[i]);
		ck_assert_msg(msg[0] != '\0', "no message: %s", bad[i]);
	}
	ck_assert_int_eq(vg_prefilter_add(f, "drop key", NULL, 0), -1);
	ck_assert_uint_eq(vg_prefilter_count(f), 6);
	ck_assert_str_eq(f->ops->name, "prefilter");
	f->ops->close(f);
}
END_TEST

START_TEST(by_key)
{
	static const char *const rules[] = { "drop key=noise",
	    "drop key=\"two words\"", NULL };
	struct vg_filter *f = with(rules);

	ck_assert_int_eq(run(f, doc("noise", NULL, "/bin/ls")), VG_DROP);
	ck_assert_int_eq(run(f, doc("exec", "noise", "/bin/ls")), VG_DROP);
	ck_assert_int_eq(run(f, doc("two words", NULL, NULL)), VG_DROP);
	ck_assert_int_eq(run(f, doc("exec", NULL, "/bin/ls")), VG_PASS);
	ck_assert_int_eq(run(f, doc("nois", "noisee", NULL)), VG_PASS);
	ck_assert_int_eq(run(f, doc(NULL, NULL, "noise")), VG_PASS);
	f->ops->close(f);
}
END_TEST

START_TEST(by_exe)
{
	static const char *const rules[] = { "drop syscall.exe=/usr/sbin/cron",
	    NULL };
	struct vg_filter *f = with(rules);
	struct vg_node *d, *n;

	ck_assert_int_eq(run(f, doc("exec", NULL, "/usr/sbin/cron")), VG_DROP);
	ck_assert_int_eq(run(f, doc("exec", NULL, "/usr/sbin/crond")),
	    VG_PASS);
	ck_assert_int_eq(run(f, doc("/usr/sbin/cron", NULL, NULL)), VG_PASS);
	/* exe outside syscall does not count */
	d = doc(NULL, NULL, NULL);
	n = vg_node_add(&ev.arena, d, S("other"), VG_N_OBJ);
	vg_node_add_str(&ev.arena, n, S("exe"), S("/usr/sbin/cron"));
	ck_assert_int_eq(run(f, d), VG_PASS);
	f->ops->close(f);
}
END_TEST

/* syscall.auid=N etc.: the first member of that name of syscall, a
 * number equal to N */
START_TEST(by_id)
{
	static const char *const rules[] = { "drop syscall.auid=4294967295",
	    "drop syscall.uid=33", "drop syscall.euid=0",
	    "drop syscall.gid=\"7\"", NULL };
	static const char *const bad[] = { "drop syscall.auid=-1",
	    "drop syscall.uid=4294967296", "drop syscall.gid=x",
	    "drop syscall.suid=0", "drop syscall.uid=" };
	struct vg_filter *f = with(rules);
	struct vg_node *d, *sc;
	char msg[256];
	size_t i;

	ck_assert_uint_eq(vg_prefilter_count(f), 4);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(vg_prefilter_add(f, bad[i], msg,
		    sizeof(msg)) == -1, "accepted: %s", bad[i]);
	d = doc("exec", NULL, "/bin/ls");
	sc = d->v.c.tail;
	vg_node_add_uint(&ev.arena, sc, S("auid"), 1000);
	vg_node_add_uint(&ev.arena, sc, S("uid"), 34);
	vg_node_add_uint(&ev.arena, sc, S("euid"), 1);
	vg_node_add_uint(&ev.arena, sc, S("gid"), 8);
	ck_assert_int_eq(run(f, d), VG_PASS);
	vg_node_add_uint(&ev.arena, sc, S("uid"), 33);	/* uid_2 in real
							 * documents */
	ck_assert_int_eq(run(f, d), VG_PASS);
	d = doc("exec", NULL, "/bin/ls");
	sc = d->v.c.tail;
	vg_node_add_uint(&ev.arena, sc, S("auid"), 4294967295u);
	ck_assert_int_eq(run(f, d), VG_DROP);
	d = doc("exec", NULL, "/bin/ls");
	sc = d->v.c.tail;
	vg_node_add_int(&ev.arena, sc, S("euid"), 0);
	ck_assert_int_eq(run(f, d), VG_DROP);
	d = doc("exec", NULL, "/bin/ls");
	vg_node_add_str(&ev.arena, d->v.c.tail, S("gid"), S("7"));
	ck_assert_int_eq(run(f, d), VG_PASS);	/* text, not a number */
	d = doc("exec", NULL, "/bin/ls");
	vg_node_add_uint(&ev.arena, d->v.c.tail, S("gid"), 7);
	ck_assert_int_eq(run(f, d), VG_DROP);
	/* an id outside syscall does not count */
	d = doc(NULL, NULL, NULL);
	sc = vg_node_add(&ev.arena, d, S("other"), VG_N_OBJ);
	vg_node_add_uint(&ev.arena, sc, S("uid"), 33);
	ck_assert_int_eq(run(f, d), VG_PASS);
	f->ops->close(f);
}
END_TEST

/* syscall.name=NAME: the syscall's name as the document writes it */
START_TEST(by_syscall_name)
{
	static const char *const rules[] = { "drop syscall.name=connect",
	    NULL };
	struct vg_filter *f = with(rules);
	struct vg_node *d;
	char msg[256];

	ck_assert_int_eq(vg_prefilter_add(f, "drop syscall.name=no_such_call",
	    msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "no architecture"));
	d = doc("exec", NULL, "/bin/ls");
	vg_node_add_str(&ev.arena, d->v.c.tail, S("name"), S("connect"));
	ck_assert_int_eq(run(f, d), VG_DROP);
	d = doc("exec", NULL, "/bin/ls");
	vg_node_add_str(&ev.arena, d->v.c.tail, S("name"), S("accept4"));
	ck_assert_int_eq(run(f, d), VG_PASS);
	/* a name outside syscall does not count */
	d = doc(NULL, NULL, NULL);
	vg_node_add_str(&ev.arena, vg_node_add(&ev.arena, d, S("other"),
	    VG_N_OBJ), S("name"), S("connect"));
	ck_assert_int_eq(run(f, d), VG_PASS);
	f->ops->close(f);
}
END_TEST

START_TEST(by_type)
{
	static const char *const rules[] = { "drop type=CRED_REFR",
	    "drop type=1400", NULL };
	struct vg_filter *f = with(rules);
	struct vg_node *none = NULL;

	ck_assert_int_eq(run(f, doc("exec", NULL, NULL)), VG_PASS);
	recs[2].type = 1110;	/* CRED_REFR */
	ev.nrecs = 3;
	ck_assert_int_eq(run(f, doc("exec", NULL, NULL)), VG_DROP);
	/* type rules need no document */
	ck_assert_int_eq(f->ops->run(f, &ev, &none), VG_DROP);
	recs[2].type = 1400;
	ck_assert_int_eq(run(f, doc(NULL, NULL, NULL)), VG_DROP);
	recs[2].type = 1401;
	ck_assert_int_eq(run(f, doc(NULL, NULL, NULL)), VG_PASS);
	ck_assert_int_eq(f->ops->run(f, &ev, &none), VG_PASS);
	f->ops->close(f);
}
END_TEST

/* Many rules: the sets grow and every member is still found. */
START_TEST(many_rules)
{
	struct vg_filter *f = vg_prefilter_new();
	char rule[64], val[32];
	int i;

	for (i = 0; i < 2000; i++) {
		snprintf(rule, sizeof(rule), "drop key=k%d", i);
		ck_assert_int_eq(vg_prefilter_add(f, rule, NULL, 0), 0);
		snprintf(rule, sizeof(rule), "drop syscall.exe=/bin/e%d", i);
		ck_assert_int_eq(vg_prefilter_add(f, rule, NULL, 0), 0);
		snprintf(rule, sizeof(rule), "drop type=%d", 5000 + i * 3);
		ck_assert_int_eq(vg_prefilter_add(f, rule, NULL, 0), 0);
	}
	ck_assert_uint_eq(vg_prefilter_count(f), 6000);
	for (i = 0; i < 2000; i += 7) {
		snprintf(val, sizeof(val), "k%d", i);
		ck_assert_int_eq(run(f, doc("x", val, NULL)), VG_DROP);
		snprintf(val, sizeof(val), "/bin/e%d", i);
		ck_assert_int_eq(run(f, doc(NULL, NULL, val)), VG_DROP);
		recs[0].type = 5000 + (uint32_t)i * 3;
		ck_assert_int_eq(run(f, doc(NULL, NULL, NULL)), VG_DROP);
		recs[0].type = 5001 + (uint32_t)i * 3;
		ck_assert_int_eq(run(f, doc(NULL, NULL, NULL)), VG_PASS);
	}
	ck_assert_int_eq(run(f, doc("k2000", NULL, "/bin/e2000")), VG_PASS);
	f->ops->close(f);
}
END_TEST

START_TEST(empty_passes)
{
	struct vg_filter *f = vg_prefilter_new();
	struct vg_node *none = NULL;

	ck_assert_int_eq(run(f, doc("exec", NULL, "/bin/ls")), VG_PASS);
	ck_assert_int_eq(f->ops->run(f, &ev, &none), VG_PASS);
	f->ops->close(f);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("prefilter");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, syntax);
	tcase_add_test(tc, by_key);
	tcase_add_test(tc, by_exe);
	tcase_add_test(tc, by_syscall_name);
	tcase_add_test(tc, by_type);
	tcase_add_test(tc, by_id);
	tcase_add_test(tc, many_rules);
	tcase_add_test(tc, empty_passes);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
