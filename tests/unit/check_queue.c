/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_queue.c: bounded output queue: order, the four overflow policies,
 * counters, retry, spool order and restart, stop, the wakeup fd. */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/queue.h"

static char dir[64];
static char spath[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vg_queue_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(spath, sizeof(spath), "%s/spool", dir);
}

static void
teardown(void)
{
	unlink(spath);
	rmdir(dir);
}

static struct vg_queue *
mkq(size_t events, size_t bytes, enum vg_overflow ovf, uint64_t spool_max)
{
	struct vg_queue_opts o;
	struct vg_queue *q;

	memset(&o, 0, sizeof(o));
	o.name = "test";
	o.max_events = events;
	o.max_bytes = bytes;
	o.overflow = ovf;
	o.spool_path = ovf == VG_OVF_SPOOL ? spath : NULL;
	o.spool_max = spool_max;
	q = vg_queue_new(&o);
	ck_assert_ptr_nonnull(q);
	return q;
}

static int
push(struct vg_queue *q, int i)
{
	char m[32];
	int n = snprintf(m, sizeof(m), "m%d", i);

	return vg_queue_push(q, m, (size_t)n);
}

/* Takes one message and checks it is m<i>; done as how. */
static void
take_is(struct vg_queue *q, int i, enum vg_qdone how)
{
	struct vg_qmsg *m = NULL;
	char want[32];
	int n = snprintf(want, sizeof(want), "m%d", i);

	ck_assert_int_eq(vg_queue_take(q, &m, 0), 1);
	ck_assert_msg(m->len == (size_t)n && memcmp(m->data, want,
	    (size_t)n) == 0, "got \"%.*s\", want \"%s\"", (int)m->len,
	    m->data, want);
	vg_queue_done(q, m, how);
}

static void
take_none(struct vg_queue *q)
{
	struct vg_qmsg *m = NULL;

	ck_assert_int_eq(vg_queue_take(q, &m, 0), 0);
}

START_TEST(test_fifo_counters)
{
	struct vg_queue *q = mkq(100, 1 << 20, VG_OVF_DROP_NEWEST, 0);
	struct vg_queue_stats st;
	int i;

	for (i = 0; i < 5; i++)
		ck_assert_int_eq(push(q, i), 0);
	vg_queue_stats(q, &st);
	ck_assert_uint_eq(st.queued, 5);
	take_is(q, 0, VG_Q_SENT);
	take_is(q, 1, VG_Q_FAILED);
	take_is(q, 2, VG_Q_RETRY);	/* back at the front */
	take_is(q, 2, VG_Q_SENT);
	take_is(q, 3, VG_Q_DROPPED);
	vg_queue_stats(q, &st);
	ck_assert_uint_eq(st.sent, 2);
	ck_assert_uint_eq(st.failed, 1);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(st.queued, 1);
	take_is(q, 4, VG_Q_SENT);
	take_none(q);
	ck_assert_int_eq(vg_queue_drain(q, 10), 0);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.sent, 3);
	ck_assert_uint_eq(st.queued, 0);
}
END_TEST

START_TEST(test_drop_newest)
{
	struct vg_queue *q = mkq(3, 1 << 20, VG_OVF_DROP_NEWEST, 0);
	struct vg_queue_stats st;
	int i;

	for (i = 0; i < 3; i++)
		ck_assert_int_eq(push(q, i), 0);
	errno = 0;
	ck_assert_int_eq(push(q, 3), -1);
	ck_assert_int_eq(errno, ENOBUFS);
	ck_assert_int_eq(push(q, 4), -1);
	for (i = 0; i < 3; i++)
		take_is(q, i, VG_Q_SENT);
	take_none(q);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.dropped, 2);
	ck_assert_uint_eq(st.sent, 3);
}
END_TEST

START_TEST(test_drop_oldest)
{
	struct vg_queue *q = mkq(3, 1 << 20, VG_OVF_DROP_OLDEST, 0);
	struct vg_queue_stats st;
	int i;

	for (i = 0; i < 5; i++)
		ck_assert_int_eq(push(q, i), 0);
	for (i = 2; i < 5; i++)
		take_is(q, i, VG_Q_SENT);
	take_none(q);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.dropped, 2);
}
END_TEST

START_TEST(test_byte_bound)
{
	/* 4096 bytes: 1000-byte messages, four fit */
	struct vg_queue *q = mkq(1000, 4096, VG_OVF_DROP_NEWEST, 0);
	struct vg_queue_stats st;
	char big[1000];
	int i;

	memset(big, 'b', sizeof(big));
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(vg_queue_push(q, big, sizeof(big)), 0);
	ck_assert_int_eq(vg_queue_push(q, big, sizeof(big)), -1);
	vg_queue_stats(q, &st);
	ck_assert_uint_eq(st.dropped, 1);
	ck_assert_uint_eq(st.queued, 4);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.dropped, 5);	/* 4 left at close */
}
END_TEST

struct pusher {
	struct vg_queue	*q;
	int		 done;
	int		 rc;
};

static void *
push_thread(void *arg)
{
	struct pusher *p = arg;

	p->rc = push(p->q, 99);
	__atomic_store_n(&p->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

START_TEST(test_block)
{
	struct vg_queue *q = mkq(2, 1 << 20, VG_OVF_BLOCK, 0);
	struct timespec ts = { 0, 100 * 1000000L };
	struct pusher p = { q, 0, -2 };
	struct vg_queue_stats st;
	pthread_t t;

	ck_assert_int_eq(push(q, 0), 0);
	ck_assert_int_eq(push(q, 1), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, push_thread, &p), 0);
	nanosleep(&ts, NULL);
	ck_assert_int_eq(__atomic_load_n(&p.done, __ATOMIC_SEQ_CST), 0);
	take_is(q, 0, VG_Q_SENT);	/* makes room: the pusher goes on */
	pthread_join(t, NULL);
	ck_assert_int_eq(p.rc, 0);
	take_is(q, 1, VG_Q_SENT);
	take_is(q, 99, VG_Q_SENT);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(st.sent, 3);
}
END_TEST

START_TEST(test_block_released_by_stop)
{
	struct vg_queue *q = mkq(1, 1 << 20, VG_OVF_BLOCK, 0);
	struct timespec ts = { 0, 50 * 1000000L };
	struct pusher p = { q, 0, -2 };
	struct vg_queue_stats st;
	pthread_t t;

	ck_assert_int_eq(push(q, 0), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, push_thread, &p), 0);
	nanosleep(&ts, NULL);
	vg_queue_stop(q);
	pthread_join(t, NULL);
	ck_assert_int_eq(p.rc, -1);
	ck_assert_int_eq(vg_queue_take(q, &(struct vg_qmsg *){ NULL }, 0), -1);
	errno = 0;
	ck_assert_int_eq(push(q, 1), -1);
	ck_assert_int_eq(errno, EPIPE);
	vg_queue_free(q, &st);
}
END_TEST

START_TEST(test_spool_order)
{
	struct vg_queue *q = mkq(2, 1 << 20, VG_OVF_SPOOL, 1 << 20);
	struct vg_queue_stats st;
	int i;

	for (i = 0; i < 10; i++)
		ck_assert_int_eq(push(q, i), 0);
	vg_queue_stats(q, &st);
	ck_assert_uint_eq(st.spooled, 8);
	ck_assert_uint_eq(st.queued, 10);
	take_is(q, 0, VG_Q_SENT);
	/* memory has room now, but the spool is not empty: 10 follows 9 */
	ck_assert_int_eq(push(q, 10), 0);
	vg_queue_stats(q, &st);
	ck_assert_uint_eq(st.spooled, 9);
	for (i = 1; i <= 10; i++)
		take_is(q, i, VG_Q_SENT);
	take_none(q);
	/* spool empty again: back to memory */
	ck_assert_int_eq(push(q, 11), 0);
	vg_queue_stats(q, &st);
	ck_assert_uint_eq(st.spooled, 9);
	take_is(q, 11, VG_Q_SENT);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.sent, 12);
	ck_assert_uint_eq(st.dropped, 0);
}
END_TEST

START_TEST(test_spool_restart)
{
	struct vg_queue *q = mkq(3, 1 << 20, VG_OVF_SPOOL, 1 << 20);
	struct vg_queue_stats st;
	struct vg_qmsg *m;
	int i;

	for (i = 0; i < 8; i++)
		ck_assert_int_eq(push(q, i), 0);
	take_is(q, 0, VG_Q_SENT);
	/* the sink had 1 but could not deliver it: it gives it back */
	ck_assert_int_eq(vg_queue_take(q, &m, 0), 1);
	vg_queue_done(q, m, VG_Q_RETRY);
	vg_queue_stop(q);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.sent, 1);
	ck_assert_uint_eq(st.dropped, 0);
	ck_assert_uint_eq(st.queued, 7);	/* all on disk */
	/* next start: everything not acknowledged, in order */
	q = mkq(3, 1 << 20, VG_OVF_SPOOL, 1 << 20);
	ck_assert_int_eq(push(q, 8), 0);
	for (i = 1; i <= 8; i++)
		take_is(q, i, VG_Q_SENT);
	take_none(q);
	vg_queue_free(q, &st);
	ck_assert_uint_eq(st.sent, 8);
}
END_TEST

START_TEST(test_spool_full)
{
	/* 4096-byte spool: 32 header, 8 + 1000 per message: 4 fit */
	struct vg_queue *q = mkq(1, 1 << 20, VG_OVF_SPOOL, 4096);
	struct vg_queue_stats st;
	char big[1000];
	int i, ok = 0;

	memset(big, 's', sizeof(big));
	for (i = 0; i < 8; i++)
		ok += vg_queue_push(q, big, sizeof(big)) == 0;
	ck_assert_int_eq(ok, 5);	/* 1 in memory + 4 spooled */
	vg_queue_stats(q, &st);
	ck_assert_uint_eq(st.dropped, 3);
	ck_assert_uint_eq(st.spooled, 4);
	vg_queue_free(q, &st);
	/* at close the one in memory goes before the spooled ones: what
	 * was accepted is kept even past the bound */
	ck_assert_uint_eq(st.dropped, 3);
	ck_assert_uint_eq(st.queued, 5);
}
END_TEST

START_TEST(test_wake_fd)
{
	struct vg_queue *q = mkq(10, 1 << 20, VG_OVF_DROP_NEWEST, 0);
	struct pollfd p = { vg_queue_fd(q), POLLIN, 0 };
	struct vg_queue_stats st;

	take_none(q);			/* consumer found it empty */
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	ck_assert_int_eq(push(q, 1), 0);
	ck_assert_int_eq(poll(&p, 1, 0), 1);
	take_is(q, 1, VG_Q_SENT);	/* drains the fd */
	ck_assert_int_eq(poll(&p, 1, 0), 0);
	vg_queue_free(q, &st);
}
END_TEST

START_TEST(test_policy_names)
{
	enum vg_overflow o;

	ck_assert_int_eq(vg_overflow_parse("spool", &o), 0);
	ck_assert_int_eq(o, VG_OVF_SPOOL);
	ck_assert_int_eq(vg_overflow_parse("drop_oldest", &o), 0);
	ck_assert_int_eq(o, VG_OVF_DROP_OLDEST);
	ck_assert_int_eq(vg_overflow_parse("drop", &o), -1);
	ck_assert_str_eq(vg_overflow_name(VG_OVF_BLOCK), "block");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fifo_counters);
	tcase_add_test(tc, test_drop_newest);
	tcase_add_test(tc, test_drop_oldest);
	tcase_add_test(tc, test_byte_bound);
	tcase_add_test(tc, test_block);
	tcase_add_test(tc, test_block_released_by_stop);
	tcase_add_test(tc, test_spool_order);
	tcase_add_test(tc, test_spool_restart);
	tcase_add_test(tc, test_spool_full);
	tcase_add_test(tc, test_wake_fd);
	tcase_add_test(tc, test_policy_names);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
