/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_spool.c: on-disk spool: order, restart, bound, compaction,
 * prepend, torn and damaged records, a crash while it was emptied. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/spool.h"

static char dir[64];
static char path[128];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vg_spool_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s", dir);
}

static void
teardown(void)
{
	char tmp[160];

	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
}

static void
put(struct vg_spool *sp, int i)
{
	char m[32];
	int n = snprintf(m, sizeof(m), "msg-%d", i);

	ck_assert_int_eq(vg_spool_append(sp, m, (size_t)n), 0);
}

static void
expect(struct vg_spool *sp, struct vg_buf *b, int i)
{
	char m[32];
	int n = snprintf(m, sizeof(m), "msg-%d", i);

	ck_assert_int_eq(vg_spool_read(sp, b), 1);
	ck_assert_uint_eq(b->len, (size_t)n);
	ck_assert(memcmp(b->data, m, (size_t)n) == 0);
}

START_TEST(test_order_and_restart)
{
	struct vg_spool *sp = vg_spool_open(path, 1 << 20);
	struct vg_buf b;
	int i;

	vg_buf_init(&b);
	ck_assert_ptr_nonnull(sp);
	for (i = 0; i < 10; i++)
		put(sp, i);
	ck_assert_uint_eq(vg_spool_count(sp), 10);
	for (i = 0; i < 4; i++)
		expect(sp, &b, i);
	vg_spool_close(sp);
	/* what was read is not read again after a restart */
	sp = vg_spool_open(path, 1 << 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(vg_spool_count(sp), 6);
	put(sp, 10);
	for (i = 4; i <= 10; i++)
		expect(sp, &b, i);
	ck_assert_int_eq(vg_spool_read(sp, &b), 0);
	/* fully read: the file starts over */
	ck_assert_uint_eq(vg_spool_size(sp), 32);
	vg_spool_close(sp);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_bound_and_compaction)
{
	struct vg_spool *sp = vg_spool_open(path, 4096);
	struct vg_buf b;
	char big[1000];
	int i;

	vg_buf_init(&b);
	memset(big, 'x', sizeof(big));
	/* 32 header + 4 * (8 + 1000) = 4064: a fifth does not fit */
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(vg_spool_append(sp, big, sizeof(big)), 0);
	errno = 0;
	ck_assert_int_eq(vg_spool_append(sp, big, sizeof(big)), -1);
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_uint_eq(vg_spool_count(sp), 4);
	ck_assert_uint_le(vg_spool_size(sp), 4096);
	/* reading one makes room: the append compacts the file */
	ck_assert_int_eq(vg_spool_read(sp, &b), 1);
	ck_assert_int_eq(vg_spool_append(sp, "tail", 4), 0);
	ck_assert_uint_le(vg_spool_size(sp), 4096);
	ck_assert_uint_eq(vg_spool_count(sp), 4);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(vg_spool_read(sp, &b), 1);
		ck_assert_uint_eq(b.len, sizeof(big));
	}
	ck_assert_int_eq(vg_spool_read(sp, &b), 1);
	ck_assert_uint_eq(b.len, 4);
	ck_assert(memcmp(b.data, "tail", 4) == 0);
	vg_spool_close(sp);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_prepend)
{
	struct vg_spool *sp = vg_spool_open(path, 1 << 20);
	const void *msgs[2] = { "msg-0", "msg-1" };
	size_t lens[2] = { 5, 5 };
	struct vg_buf b;
	int i;

	vg_buf_init(&b);
	put(sp, 9);	/* read and gone */
	put(sp, 2);
	put(sp, 3);
	ck_assert_int_eq(vg_spool_read(sp, &b), 1);
	ck_assert_int_eq(vg_spool_prepend(sp, msgs, lens, 2), 0);
	vg_spool_close(sp);
	sp = vg_spool_open(path, 1 << 20);
	ck_assert_uint_eq(vg_spool_count(sp), 4);
	for (i = 0; i < 4; i++)
		expect(sp, &b, i);
	vg_spool_close(sp);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_torn_tail)
{
	struct vg_spool *sp = vg_spool_open(path, 1 << 20);
	struct vg_buf b;
	struct stat st;

	vg_buf_init(&b);
	put(sp, 0);
	put(sp, 1);
	vg_spool_close(sp);
	/* a crash in the middle of the second append */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(truncate(path, st.st_size - 2), 0);
	sp = vg_spool_open(path, 1 << 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(vg_spool_count(sp), 1);
	expect(sp, &b, 0);
	put(sp, 2);
	expect(sp, &b, 2);
	vg_spool_close(sp);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_damaged)
{
	struct vg_spool *sp = vg_spool_open(path, 1 << 20);
	struct vg_buf b;
	int fd;

	vg_buf_init(&b);
	put(sp, 0);
	put(sp, 1);
	put(sp, 2);
	vg_spool_close(sp);
	/* flip a data byte of the second record: 32 + 8 + 5 + 8 */
	fd = open(path, O_RDWR);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, "X", 1, 32 + 13 + 8), 1);
	close(fd);
	sp = vg_spool_open(path, 1 << 20);
	expect(sp, &b, 0);
	errno = 0;
	ck_assert_int_eq(vg_spool_read(sp, &b), -1);
	ck_assert_int_eq(errno, EBADMSG);
	ck_assert_uint_eq(vg_spool_lost(sp), 2);
	ck_assert_uint_eq(vg_spool_count(sp), 0);
	/* usable again */
	put(sp, 5);
	expect(sp, &b, 5);
	vg_spool_close(sp);
	vg_buf_free(&b);
}
END_TEST

/* Writes a header whose read offset is off, as spool.c lays it out. */
static void
put_header(uint64_t off)
{
	unsigned char h[32];
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_ge(fd, 0);
	memset(h, 0, sizeof(h));
	memcpy(h, "VGSPOOL1", 8);
	memcpy(h + 8, &off, 8);
	ck_assert_int_eq(pwrite(fd, h, sizeof(h), 0), 32);
	close(fd);
}

START_TEST(test_emptied_crash)
{
	struct vg_spool *sp = vg_spool_open(path, 1 << 20);
	struct vg_buf b;
	struct stat st;
	int i;

	vg_buf_init(&b);
	for (i = 0; i < 3; i++)
		put(sp, i);
	for (i = 0; i < 3; i++)
		expect(sp, &b, i);
	vg_spool_close(sp);
	/* a crash between the cut and the header: cut, the old header */
	put_header(29000);
	ck_assert_int_eq(truncate(path, 32), 0);
	sp = vg_spool_open(path, 1 << 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(vg_spool_count(sp), 0);
	ck_assert_int_eq(vg_spool_read(sp, &b), 0);
	put(sp, 3);
	vg_spool_close(sp);
	/* the header was made right: the next open finds the new record */
	sp = vg_spool_open(path, 1 << 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(vg_spool_count(sp), 1);
	expect(sp, &b, 3);
	vg_spool_close(sp);
	/* records left whose header says read past them: all read, cut */
	sp = vg_spool_open(path, 1 << 20);
	put(sp, 4);
	vg_spool_close(sp);
	put_header(4096);
	sp = vg_spool_open(path, 1 << 20);
	ck_assert_ptr_nonnull(sp);
	ck_assert_uint_eq(vg_spool_count(sp), 0);
	ck_assert_uint_eq(vg_spool_size(sp), 32);
	vg_spool_close(sp);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 32);
	vg_buf_free(&b);
}
END_TEST

START_TEST(test_not_a_spool)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0600);

	ck_assert_int_eq(write(fd, "hello, this is no spool file at all!",
	    36), 36);
	close(fd);
	errno = 0;
	ck_assert_ptr_null(vg_spool_open(path, 1 << 20));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("spool");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_order_and_restart);
	tcase_add_test(tc, test_bound_and_compaction);
	tcase_add_test(tc, test_prepend);
	tcase_add_test(tc, test_torn_tail);
	tcase_add_test(tc, test_damaged);
	tcase_add_test(tc, test_emptied_crash);
	tcase_add_test(tc, test_not_a_spool);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
