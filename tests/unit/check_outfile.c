/* check_outfile.c: the buffered file sink and its page-cache drop-behind:
 * every byte written in order, old windows given up (mincore), a file
 * truncated under it, pipes left alone, the option's values. */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "vigil/dropbehind.h"
#include "vigil/outfile.h"

#define TMPFS_MAGIC	0x01021994
#define LINE		100
#define WINDOW		(64 * 1024)

static char dir[64];
static char path[128];

/* In the build directory: /tmp may be a tmpfs, whose pages are the data. */
static void
setup(void)
{
	snprintf(dir, sizeof(dir), "vg_outfile_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

/* Line i: "%08d" then filler, LINE bytes with the newline. */
static void
put_line(struct vg_outfile *of, int i)
{
	char l[LINE];

	memset(l, 'a' + i % 26, sizeof(l));
	snprintf(l, sizeof(l), "%08d", i);
	l[8] = ' ';
	l[LINE - 1] = '\n';
	vg_buf_add(&of->buf, l, sizeof(l));
	ck_assert_int_eq(vg_outfile_maybe_write(of), 0);
}

static void
check_lines(int from, int to, off_t at)
{
	FILE *f = fopen(path, "r");
	char l[LINE + 1], want[16];
	int i;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseeko(f, at, SEEK_SET), 0);
	for (i = from; i < to; i++) {
		ck_assert_ptr_nonnull(fgets(l, sizeof(l), f));
		ck_assert_uint_eq(strlen(l), LINE);
		snprintf(want, sizeof(want), "%08d ", i);
		ck_assert(memcmp(l, want, 9) == 0);
	}
	ck_assert_ptr_null(fgets(l, sizeof(l), f));
	fclose(f);
}

/* Pages of [from, to) of the file that are in the page cache. */
static size_t
resident(off_t from, off_t to)
{
	long pg = sysconf(_SC_PAGESIZE);
	int fd = open(path, O_RDONLY);
	struct stat st;
	unsigned char *vec;
	void *m;
	size_t n, i, got = 0;

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(fstat(fd, &st), 0);
	n = ((size_t)st.st_size + (size_t)pg - 1) / (size_t)pg;
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	ck_assert(m != MAP_FAILED);
	ck_assert_ptr_nonnull(vec = calloc(n, 1));
	ck_assert_int_eq(mincore(m, (size_t)st.st_size, vec), 0);
	for (i = (size_t)from / (size_t)pg; i < n &&
	    (off_t)(i * (size_t)pg) < to; i++)
		got += vec[i] & 1;
	free(vec);
	munmap(m, (size_t)st.st_size);
	close(fd);
	return got;
}

static int
on_tmpfs(void)
{
	struct statfs sf;

	ck_assert_int_eq(statfs(dir, &sf), 0);
	if (sf.f_type == TMPFS_MAGIC)
		fprintf(stderr, "check_outfile: %s is a tmpfs: page-cache "
		    "residency not checked\n", dir);
	return sf.f_type == TMPFS_MAGIC;
}

START_TEST(test_drop_behind_gives_up_old_pages)
{
	struct vg_outfile of;
	const int lines = 40000;	/* 4 MB */
	long pg = sysconf(_SC_PAGESIZE);
	/* writes are 256 KiB (the buffer's threshold): a boundary each */
	off_t size = (off_t)lines * LINE, old = size - 4 * 256 * 1024;
	size_t pages_old = (size_t)old / (size_t)pg, left;
	int i;

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600), 0);
	ck_assert_int_eq(of.db.window, VG_DROPBEHIND_DEFAULT);
	vg_outfile_set_drop_behind(&of, WINDOW);
	for (i = 0; i < lines; i++)
		put_line(&of, i);
	ck_assert_int_eq(vg_outfile_flush(&of), 0);
	ck_assert_uint_ge(of.db.drops, 10);
	ck_assert_int_ge(of.db.dropped, old - 256 * 1024);
	vg_outfile_close(&of);
	check_lines(0, lines, 0);	/* read back: loads pages again */
	if (on_tmpfs())
		return;
	/* evict what check_lines loaded, then write again with drop-behind */
	unlink(path);
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600), 0);
	vg_outfile_set_drop_behind(&of, WINDOW);
	for (i = 0; i < lines; i++)
		put_line(&of, i);
	ck_assert_int_eq(vg_outfile_flush(&of), 0);
	vg_outfile_close(&of);
	left = resident(0, old);
	ck_assert_msg(left <= pages_old / 20, "%zu of %zu old pages cached",
	    left, pages_old);
}
END_TEST

START_TEST(test_off_keeps_pages)
{
	struct vg_outfile of;
	const int lines = 10000;
	long pg = sysconf(_SC_PAGESIZE);
	size_t pages = (size_t)lines * LINE / (size_t)pg;
	int i;

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600), 0);
	vg_outfile_set_drop_behind(&of, 0);
	ck_assert_int_eq(of.db.on, 0);
	for (i = 0; i < lines; i++)
		put_line(&of, i);
	vg_outfile_close(&of);
	ck_assert_uint_eq(of.db.drops, 0);
	if (!on_tmpfs())
		ck_assert_uint_ge(resident(0, (off_t)lines * LINE),
		    pages * 9 / 10);
	check_lines(0, lines, 0);
}
END_TEST

/* logrotate's copytruncate: the file shrinks under the writer. */
START_TEST(test_truncated_under_it)
{
	struct vg_outfile of;
	int i;

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600), 0);
	vg_outfile_set_drop_behind(&of, WINDOW);
	for (i = 0; i < 5000; i++)
		put_line(&of, i);
	ck_assert_int_eq(vg_outfile_flush(&of), 0);
	ck_assert_int_eq(truncate(path, 0), 0);
	for (i = 5000; i < 10000; i++)
		put_line(&of, i);
	ck_assert_int_eq(vg_outfile_flush(&of), 0);
	ck_assert_int_le(of.db.started, 5000 * LINE);
	ck_assert_int_le(of.db.dropped, of.db.started);
	vg_outfile_close(&of);
	check_lines(5000, 10000, 0);	/* O_APPEND: written from 0 again */
}
END_TEST

START_TEST(test_reopen_starts_at_the_end)
{
	struct vg_outfile of;
	int i;

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600), 0);
	vg_outfile_set_drop_behind(&of, WINDOW);
	for (i = 0; i < 3000; i++)
		put_line(&of, i);
	ck_assert_int_eq(vg_outfile_reopen(&of), 0);
	ck_assert(of.db.on);
	ck_assert_int_eq(of.db.end, 3000 * LINE);
	ck_assert_int_eq(of.db.dropped, 3000 * LINE);
	for (i = 3000; i < 6000; i++)
		put_line(&of, i);
	vg_outfile_close(&of);
	check_lines(0, 6000, 0);
}
END_TEST

START_TEST(test_not_a_file)
{
	struct vg_dropbehind d = { 0 };
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	vg_dropbehind_init(&d, p[1], WINDOW);
	ck_assert_int_eq(d.on, 0);
	vg_dropbehind_wrote(&d, p[1], 10 * WINDOW);
	ck_assert_uint_eq(d.drops, 0);
	close(p[0]);
	close(p[1]);
}
END_TEST

START_TEST(test_option_values)
{
	size_t w = 1;

	ck_assert_int_eq(vg_dropbehind_parse("0", &w), 0);
	ck_assert_uint_eq(w, 0);
	ck_assert_int_eq(vg_dropbehind_parse("64k", &w), 0);
	ck_assert_uint_eq(w, 65536);
	ck_assert_int_eq(vg_dropbehind_parse("8m", &w), 0);
	ck_assert_uint_eq(w, 8u << 20);
	ck_assert_int_eq(vg_dropbehind_parse("1g", &w), 0);
	ck_assert_int_eq(vg_dropbehind_parse("3", &w), -1);
	ck_assert_int_eq(vg_dropbehind_parse("65535", &w), -1);
	ck_assert_int_eq(vg_dropbehind_parse("2g", &w), -1);
	ck_assert_int_eq(vg_dropbehind_parse("-1", &w), -1);
	ck_assert_int_eq(vg_dropbehind_parse("8x", &w), -1);
	ck_assert_int_eq(vg_dropbehind_parse("", &w), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("outfile");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_drop_behind_gives_up_old_pages);
	tcase_add_test(tc, test_off_keeps_pages);
	tcase_add_test(tc, test_truncated_under_it);
	tcase_add_test(tc, test_reopen_starts_at_the_end);
	tcase_add_test(tc, test_not_a_file);
	tcase_add_test(tc, test_option_values);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
