/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_topk.c: the top tallies (topk.h): what an event is tallied as in
 * each dimension (labels as vigilctl top shows them) and the
 * space-saving guarantees of docs/operating.md against exact counts.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/topk.h"
#include "tev.h"

/* The label of the only item of dimension d, and its count. */
static uint64_t
only(const struct vg_top *top, enum vg_top_dim d, char *lab, size_t size)
{
	struct vg_topk_item it[VG_TOPK_K];
	int n = vg_topk_sorted(&top->dim[d], it, VG_TOPK_K);

	ck_assert_int_eq(n, 1);
	vg_top_label(d, &it[0], lab, size);
	return it[0].count;
}

/* Tallies the event made of lines (NULL-terminated) n times; checks
 * each dimension's label. */
static void
check_event(const char *const *lines, int n, const char *key,
    const char *exe, const char *sc, const char *uid)
{
	const char *want[VG_TOP_NDIM] = { key, exe, sc, uid };
	struct vg_top *top = vg_top_new();
	struct tev t;
	char lab[256];
	int d, i;

	ck_assert_ptr_nonnull(top);
	tev_init(&t);
	for (i = 0; lines[i] != NULL; i++)
		tev_add(&t, lines[i]);
	for (i = 0; i < n; i++)
		vg_top_event(top, &t.ev);
	ck_assert_uint_eq(top->events, (uint64_t)n);
	for (d = 0; d < VG_TOP_NDIM; d++) {
		ck_assert_uint_eq(only(top, d, lab, sizeof(lab)),
		    (uint64_t)n);
		ck_assert_msg(strcmp(lab, want[d]) == 0, "%s: '%s', not '%s'",
		    vg_top_dim_name(d), lab, want[d]);
		ck_assert_uint_eq(top->dim[d].total, (uint64_t)n);
	}
	tev_free(&t);
	vg_top_free(top);
}

#define SYSCALL_HEAD "type=SYSCALL msg=audit(1700000000.123:42): " \
	"arch=c000003e syscall=59 success=yes exit=0 a0=55d0c6b8a0 " \
	"a1=55d0c6b8c8 a2=55d0c6b8e0 a3=7ffd1b6c2b20 items=2 ppid=1000 " \
	"pid=1001 auid=1000 uid=1000 gid=1000 euid=0 suid=0 fsuid=0 " \
	"egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"true\" " \
	"exe=\"/usr/bin/true\" "

/* VIGIL_TOP: a live daemon tallies unless it is 0, a replay only if it
 * is set to something else. */
START_TEST(wanted)
{
	unsetenv("VIGIL_TOP");
	ck_assert_int_eq(vg_top_wanted(1), 1);
	ck_assert_int_eq(vg_top_wanted(0), 0);
	setenv("VIGIL_TOP", "0", 1);
	ck_assert_int_eq(vg_top_wanted(1), 0);
	ck_assert_int_eq(vg_top_wanted(0), 0);
	setenv("VIGIL_TOP", "1", 1);
	ck_assert_int_eq(vg_top_wanted(1), 1);
	ck_assert_int_eq(vg_top_wanted(0), 1);
	unsetenv("VIGIL_TOP");
}
END_TEST

START_TEST(syscall_event)
{
	const char *ev[] = { SYSCALL_HEAD "subj=unconfined key=\"k1\"",
		"type=EXECVE msg=audit(1700000000.123:42): argc=1 a0=\"true\"",
		"type=PROCTITLE msg=audit(1700000000.123:42): proctitle=74727565",
		NULL };

	check_event(ev, 3, "k1", "/usr/bin/true", "execve", "1000");
}
END_TEST

/* no key, no subj; hex exe; several keys (0x01 between them); an
 * unknown syscall number as arch/nr; an unset uid */
START_TEST(syscall_variants)
{
	const char *nokey[] = { SYSCALL_HEAD "key=(null)", NULL };
	const char *hexexe[] = { "type=SYSCALL msg=audit(1.2:3): "
	    "arch=c000003e syscall=2 success=no exit=-2 a0=1 a1=2 a2=3 a3=4 "
	    "items=1 ppid=1 pid=2 auid=4294967295 uid=4294967295 gid=0 "
	    "euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 "
	    "comm=\"a b\" exe=2F746D702F6120622F63 key=6B31016B32", NULL };
	const char *unknown[] = { "type=SYSCALL msg=audit(1.2:3): "
	    "arch=deadbeef syscall=9999 success=yes exit=0 a0=1 a1=2 a2=3 "
	    "a3=4 items=0 ppid=1 pid=2 auid=0 uid=7 gid=0 euid=0 suid=0 "
	    "fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"x\" "
	    "exe=\"/x\" key=\"k\"", NULL };
	const char *noarch[] = { "type=SYSCALL msg=audit(1.2:3): "
	    "syscall=2 pid=2 uid=5 exe=\"/x\"", NULL };

	check_event(nokey, 1, "(none)", "/usr/bin/true", "execve", "1000");
	check_event(hexexe, 2, "k1,k2", "/tmp/a b/c", "open", "4294967295");
	check_event(unknown, 1, "k", "/x", "deadbeef/9999", "7");
	check_event(noarch, 1, "(none)", "/x", "(none)", "5");
}
END_TEST

/* events without SYSCALL: a user message names uid and exe, others are
 * (none) in every dimension */
START_TEST(other_events)
{
	const char *user[] = { "type=USER_LOGIN msg=audit(1.2:3): pid=77 "
	    "uid=0 auid=1000 ses=4 msg='op=login id=1000 "
	    "exe=\"/usr/sbin/sshd\" hostname=? addr=10.0.0.1 terminal=ssh "
	    "res=success'", NULL };
	const char *avc[] = { "type=AVC msg=audit(1.2:3): avc:  denied  "
	    "{ read } for  pid=1 comm=\"x\" uid=3 exe=\"/y\"", NULL };

	check_event(user, 1, "(none)", "/usr/sbin/sshd", "(none)", "0");
	check_event(avc, 1, "(none)", "(none)", "(none)", "(none)");
}
END_TEST

/* keys are tallied by their first VG_TOPK_KEYLEN bytes */
START_TEST(long_keys)
{
	struct vg_topk t;
	struct vg_topk_item it[VG_TOPK_K];
	char a[80], b[80];

	memset(a, 'x', sizeof(a));
	memcpy(b, a, sizeof(b));
	b[VG_TOPK_KEYLEN] = 'y';
	vg_topk_init(&t);
	vg_topk_add(&t, a, sizeof(a));
	vg_topk_add(&t, b, sizeof(b));
	vg_topk_add(&t, a, VG_TOPK_KEYLEN - 1);
	ck_assert_int_eq(vg_topk_sorted(&t, it, VG_TOPK_K), 2);
	ck_assert_uint_eq(it[0].count, 2);
	ck_assert_uint_eq(it[0].len, VG_TOPK_KEYLEN);
	ck_assert_uint_eq(it[1].count, 1);
	ck_assert_uint_eq(it[1].len, VG_TOPK_KEYLEN - 1);
}
END_TEST

#define NDIST	400

/* Item j's key: its number, then dots up to 1 + j % 40 bytes. */
static int
keyof(char *key, int j)
{
	int n = snprintf(key, 64, "%d", j);

	while (n < 1 + j % 40)
		key[n++] = '.';
	return n;
}

#define NADD	200000

/* A skewed stream of NDIST items (every length 1..40): against exact
 * counts, each count is over by at most its err <= N / K, and every item
 * seen more than N / K times is in the table. */
START_TEST(space_saving_bounds)
{
	static uint64_t truth[NDIST];
	struct vg_topk t;
	struct vg_topk_item it[VG_TOPK_K];
	char key[64];
	uint32_t x = 12345;
	double u;
	int i, j, n, found[NDIST];

	memset(truth, 0, sizeof(truth));
	vg_topk_init(&t);
	for (i = 0; i < NADD; i++) {
		x = x * 1103515245u + 12345u;
		/* u^3, u uniform in [0, 1): small items far more often */
		u = (double)(x >> 8) / (1u << 24);
		j = (int)(u * u * u * NDIST);
		n = keyof(key, j);
		truth[j]++;
		vg_topk_add(&t, key, (size_t)n);
	}
	ck_assert_uint_eq(t.total, NADD);
	n = vg_topk_sorted(&t, it, VG_TOPK_K);
	ck_assert_int_eq(n, VG_TOPK_K);
	memset(found, 0, sizeof(found));
	for (i = 0; i < n; i++) {
		char lab[64];

		memcpy(lab, it[i].key, it[i].len);
		lab[it[i].len] = '\0';
		j = (int)strtol(lab, NULL, 10);
		ck_assert(j >= 0 && j < NDIST);
		ck_assert_int_eq(keyof(key, j), it[i].len);
		ck_assert(memcmp(key, it[i].key, it[i].len) == 0);
		found[j] = 1;
		ck_assert_uint_ge(it[i].count, truth[j]);
		ck_assert_uint_le(it[i].count - it[i].err, truth[j]);
		ck_assert_uint_le(it[i].err, NADD / VG_TOPK_K);
		if (i > 0)
			ck_assert_uint_ge(it[i - 1].count, it[i].count);
	}
	for (j = 0; j < NDIST; j++)
		if (truth[j] > NADD / VG_TOPK_K)
			ck_assert_msg(found[j], "item %d (%lu) missing", j,
			    (unsigned long)truth[j]);
}
END_TEST

/* fewer distinct items than counters: exact */
START_TEST(exact_when_few)
{
	struct vg_topk t;
	struct vg_topk_item it[VG_TOPK_K];
	char key[16];
	int i, n;

	vg_topk_init(&t);
	for (i = 0; i < 6300; i++) {
		n = snprintf(key, sizeof(key), "k%d", i % 63);
		vg_topk_add(&t, key, (size_t)n);
	}
	ck_assert_int_eq(vg_topk_sorted(&t, it, VG_TOPK_K), 63);
	for (i = 0; i < 63; i++) {
		ck_assert_uint_eq(it[i].count, 100);
		ck_assert_uint_eq(it[i].err, 0);
	}
}
END_TEST

/* Same item, count and err in both tables (sorted). */
static void
same_tables(const struct vg_topk *a, const struct vg_topk *b)
{
	struct vg_topk_item x[VG_TOPK_K], y[VG_TOPK_K];
	int n = vg_topk_sorted(a, x, VG_TOPK_K), i;

	ck_assert_int_eq(vg_topk_sorted(b, y, VG_TOPK_K), n);
	ck_assert_uint_eq(a->total, b->total);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(x[i].len, y[i].len);
		ck_assert(memcmp(x[i].key, y[i].key, x[i].len) == 0);
		ck_assert_uint_eq(x[i].count, y[i].count);
		ck_assert_uint_eq(x[i].err, y[i].err);
	}
}

/* Tallies one SYSCALL event of program j (x varies the head) in top and
 * adds its four keys one by one to ref. */
static void
tally_prog(struct vg_top *top, struct vg_topk *ref, int j, uint32_t x,
    int serial)
{
	char line[512], exe[64], key[16], sc[32], uid[16];
	struct tev t;
	int n;

	(void)snprintf(exe, sizeof(exe), "\"/usr/bin/prog%d\"", j);
	(void)snprintf(key, sizeof(key), "\"k%d\"", j % 7);
	(void)snprintf(uid, sizeof(uid), "%d", j % 5 ? 0 : 1000 + j);
	(void)snprintf(sc, sizeof(sc), "c000003e syscall=%u",
	    (x >> 3) % 9 + 40);
	n = snprintf(line, sizeof(line), "type=SYSCALL "
	    "msg=audit(1700000000.123:%d): arch=c000003e "
	    "syscall=%u success=yes exit=%u a0=%x a1=0 a2=0 a3=0 "
	    "items=0 ppid=1 pid=%d auid=%u uid=%s gid=0 euid=0 "
	    "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) "
	    "ses=4294967295 comm=\"prog%d\" exe=%s key=%s",
	    serial, (x >> 3) % 9 + 40, x % 7, x, 100 + j, x % 3,
	    uid, j, exe, key);
	ck_assert(n > 0 && (size_t)n < sizeof(line));
	tev_init(&t);
	tev_add(&t, line);
	vg_top_event(top, &t.ev);
	tev_free(&t);
	vg_topk_add(&ref[VG_TOP_KEY], key, strlen(key));
	vg_topk_add(&ref[VG_TOP_EXE], exe, strlen(exe));
	vg_topk_add(&ref[VG_TOP_SYSCALL], sc, strlen(sc));
	vg_topk_add(&ref[VG_TOP_UID], uid, strlen(uid));
}

/* SYSCALL records of 150 programs (more than VG_TOPK_K) in a skewed,
 * interleaved order with varying heads; then 64 programs counted 3, 6,
 * ... 192 times and two more in turn, each replacing the other's item
 * while both tails are kept: the event tallies (their tails and item
 * hints) count exactly what the same keys added one by one count. */
START_TEST(tails_count_as_searched)
{
	struct vg_top *top = vg_top_new();
	struct vg_topk ref[VG_TOP_NDIM];
	uint32_t x = 777;
	double u;
	int i, j, d, serial = 0;

	ck_assert_ptr_nonnull(top);
	for (d = 0; d < VG_TOP_NDIM; d++)
		vg_topk_init(&ref[d]);
	for (i = 0; i < 40000; i++) {
		x = x * 1103515245u + 12345u;
		u = (double)(x >> 8) / (1u << 24);
		j = (int)(u * u * 150);
		tally_prog(top, ref, j, x, ++serial);
	}
	for (d = 0; d < VG_TOP_NDIM; d++)
		same_tables(&top->dim[d], &ref[d]);
	vg_top_free(top);

	top = vg_top_new();
	ck_assert_ptr_nonnull(top);
	for (d = 0; d < VG_TOP_NDIM; d++)
		vg_topk_init(&ref[d]);
	for (j = 0; j < VG_TOPK_K; j++)
		for (i = 0; i < 3 * (j + 1); i++)
			tally_prog(top, ref, 500 + j, 8, ++serial);
	for (i = 0; i < 100; i++)
		tally_prog(top, ref, 700 + i % 2, 8, ++serial);
	for (d = 0; d < VG_TOP_NDIM; d++)
		same_tables(&top->dim[d], &ref[d]);
	vg_top_free(top);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("topk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, wanted);
	tcase_add_test(tc, syscall_event);
	tcase_add_test(tc, syscall_variants);
	tcase_add_test(tc, other_events);
	tcase_add_test(tc, long_keys);
	tcase_add_test(tc, space_saving_bounds);
	tcase_add_test(tc, exact_when_few);
	tcase_add_test(tc, tails_count_as_searched);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
