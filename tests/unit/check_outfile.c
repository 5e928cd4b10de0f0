/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_outfile.c: the buffered file sink and its page-cache drop-behind:
 * every byte written in order, old windows given up (mincore), a file
 * truncated under it, pipes left alone, the option's values; how a log is
 * opened: links and files of others refused, mode and group set. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/dropbehind.h"
#include "vigil/outfile.h"
#include "vigil/output.h"

#define TMPFS_MAGIC	0x01021994
#define LINE		100
#define WINDOW		(64 * 1024)

static char dir[64];
static char path[128];
static char other[128];	/* a second file in dir */
static char victim[PATH_MAX];	/* a third one, absolute (link targets) */

/* In the build directory: /tmp may be a tmpfs, whose pages are the data. */
static void
setup(void)
{
	snprintf(dir, sizeof(dir), "vg_outfile_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out", dir);
	snprintf(other, sizeof(other), "%s/other", dir);
	ck_assert_ptr_nonnull(getcwd(victim, sizeof(victim) - 80));
	snprintf(victim + strlen(victim), 80, "/%s/victim", dir);
}

static void
teardown(void)
{
	unlink(path);
	unlink(other);
	unlink(victim);
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

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
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
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
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

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
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

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
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

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
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

static mode_t
mode_of(const char *p)
{
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	return st.st_mode & 07777;
}

static void
write_file(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(p, mode), 0);
}

static size_t
size_of(const char *p)
{
	struct stat st;

	ck_assert_int_eq(stat(p, &st), 0);
	return (size_t)st.st_size;
}

/*
 * Issue 14: a link planted where the log goes (a sticky directory)
 * made vigild append events to a root-owned file. The last component is
 * never followed; the file the link names is untouched.
 */
START_TEST(test_symlink_refused)
{
	struct vg_outfile of;

	write_file(victim, "precious\n", 0644);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_uint_eq(size_of(victim), 9);
	ck_assert_uint_eq(mode_of(victim), 0644);
	/* a dangling link is not followed to create its target either */
	unlink(victim);
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), -1);
	ck_assert_int_eq(access(victim, F_OK), -1);
}
END_TEST

/* Issue 14: an existing 0644 log stayed world-readable. */
START_TEST(test_existing_mode_forced)
{
	struct vg_outfile of;

	write_file(path, "old line\n", 0644);
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
	ck_assert_uint_eq(mode_of(path), 0600);
	vg_buf_add(&of.buf, "new line\n", 9);
	/* rotated by someone else, recreated 0644: reopen sets it again */
	ck_assert_int_eq(rename(path, other), 0);
	write_file(path, "", 0644);
	ck_assert_int_eq(vg_outfile_reopen(&of), 0);
	ck_assert_uint_eq(mode_of(path), 0600);
	vg_outfile_close(&of);
	ck_assert_uint_eq(size_of(other), 18);	/* appended, then moved */
}
END_TEST

/* A file someone else made there (sticky directory), or a hard link to
 * a file that must not get events, is refused. */
START_TEST(test_foreign_file_refused)
{
	struct vg_outfile of;

	if (geteuid() != 0) {
		fprintf(stderr, "check_outfile: not root: foreign owner not "
		    "checked\n");
		return;
	}
	write_file(path, "", 0644);
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EPERM);
	ck_assert_uint_eq(mode_of(path), 0644);
	unlink(path);
	write_file(other, "", 0600);
	ck_assert_int_eq(link(other, path), 0);
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EMLINK);
}
END_TEST

/* A reopen onto a planted link keeps writing to the file it had. */
START_TEST(test_reopen_refuses_link)
{
	struct vg_outfile of;

	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
	ck_assert_int_eq(rename(path, other), 0);
	write_file(victim, "", 0644);
	ck_assert_int_eq(symlink(victim, path), 0);
	ck_assert_int_eq(vg_outfile_reopen(&of), -1);
	vg_buf_add(&of.buf, "x\n", 2);
	vg_outfile_close(&of);
	ck_assert_uint_eq(size_of(other), 2);
	ck_assert_uint_eq(size_of(victim), 0);
}
END_TEST

/* Issue 15: mode= and group= for log shippers running as a group. */
START_TEST(test_mode_group_options)
{
	struct vg_output *o;
	struct group *gr = getgrnam("adm");
	char spec[256];
	struct stat st;

	snprintf(spec, sizeof(spec), "json:%s", path);
	ck_assert_ptr_nonnull(o = vg_output_open(spec));
	vg_output_close(o);
	ck_assert_uint_eq(mode_of(path), 0600);	/* the default */
	if (geteuid() == 0 && gr != NULL) {
		snprintf(spec, sizeof(spec), "raw:%s?mode=0640&group=adm",
		    path);
		ck_assert_ptr_nonnull(o = vg_output_open(spec));
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0640);
		ck_assert_uint_eq(st.st_gid, gr->gr_gid);
		/* reopen keeps them on a new file */
		ck_assert_int_eq(rename(path, other), 0);
		ck_assert_int_eq(o->ops->reopen(o), 0);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, 0640);
		ck_assert_uint_eq(st.st_gid, gr->gr_gid);
		vg_output_close(o);
		unlink(path);
		snprintf(spec, sizeof(spec), "json:%s?group=%u&mode=0640",
		    path, (unsigned)gr->gr_gid);
		ck_assert_ptr_nonnull(o = vg_output_open(spec));
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_uint_eq(st.st_gid, gr->gr_gid);
		vg_output_close(o);
	} else
		fprintf(stderr, "check_outfile: not root or no group adm: "
		    "group= not checked\n");
	/* bad values: an error at start */
	snprintf(spec, sizeof(spec), "json:%s?mode=0666", path);
	ck_assert_ptr_null(vg_output_open(spec));
	snprintf(spec, sizeof(spec), "json:%s?mode=0400", path);
	ck_assert_ptr_null(vg_output_open(spec));
	snprintf(spec, sizeof(spec), "json:%s?mode=640x", path);
	ck_assert_ptr_null(vg_output_open(spec));
	snprintf(spec, sizeof(spec), "json:%s?mode=01640", path);
	ck_assert_ptr_null(vg_output_open(spec));
	snprintf(spec, sizeof(spec), "json:%s?group=no-such-group-vigil",
	    path);
	ck_assert_ptr_null(vg_output_open(spec));
}
END_TEST

/* What the tests and benchmarks write to stays usable: a FIFO (its
 * reader's), /dev/null (mode untouched), stdout. */
START_TEST(test_fifo_devnull_stdout)
{
	struct vg_outfile of;
	char buf[16];
	int rd;

	ck_assert_int_eq(mkfifo(path, 0644), 0);
	ck_assert_int_ge(rd = open(path, O_RDONLY | O_NONBLOCK), 0);
	ck_assert_int_eq(vg_outfile_open(&of, path, 0600, (gid_t)-1), 0);
	ck_assert_uint_eq(mode_of(path), 0644);
	vg_buf_add(&of.buf, "ev\n", 3);
	vg_outfile_close(&of);
	ck_assert_int_eq(read(rd, buf, sizeof(buf)), 3);
	close(rd);
	ck_assert_int_eq(vg_outfile_open(&of, "/dev/null", 0600, (gid_t)-1),
	    0);
	ck_assert_uint_eq(mode_of("/dev/null"), 0666);
	vg_outfile_close(&of);
	ck_assert_int_eq(vg_outfile_open(&of, "-", 0600, (gid_t)-1), 0);
	ck_assert_int_eq(of.fd, STDOUT_FILENO);
	vg_outfile_close(&of);
	/* a directory is not a log */
	ck_assert_int_eq(vg_outfile_open(&of, dir, 0600, (gid_t)-1), -1);
}
END_TEST

/* A file output retries a failed write (failed counts attempts) and
 * counts as dropped only the events it gives up, here at close on
 * /dev/full (ENOSPC): what vg_output_close returns, a replay's exit 3. */
START_TEST(test_lost_counted)
{
	struct vg_outfile of;
	struct vg_output *o;
	struct vg_event ev;
	struct vg_erec rec;
	char line[64];
	int i;

	ck_assert_int_eq(vg_outfile_open(&of, "/dev/full", 0600, (gid_t)-1),
	    0);
	of.threshold = 100;
	for (i = 0; i < 5; i++) {
		snprintf(line, sizeof(line), "event %d padded to forty bytes "
		    "....\n", i);
		vg_buf_adds(&of.buf, line);
		(void)vg_outfile_maybe_write(&of);
	}
	ck_assert_uint_eq(of.lost, 0);		/* held, not given up */
	ck_assert_uint_eq(of.pending, 5);
	vg_outfile_close(&of);
	ck_assert_uint_eq(of.lost, 5);

	ck_assert_ptr_nonnull(o = vg_output_open("raw:/dev/full"));
	memset(&ev, 0, sizeof(ev));
	memset(&rec, 0, sizeof(rec));
	rec.type = 1300;
	rec.body = vg_str_make("arch=c000003e syscall=59", 24);
	ev.recs = &rec;
	ev.nrecs = 1;
	for (i = 0; i < 3; i++)
		(void)vg_output_write(o, &ev, NULL);
	ck_assert_uint_eq(o->stats.sent, 3);	/* taken into the buffer */
	ck_assert_uint_eq(vg_output_close(o), 3);
	/* written in the end: nothing lost */
	ck_assert_ptr_nonnull(o = vg_output_open("raw:/dev/null"));
	(void)vg_output_write(o, &ev, NULL);
	ck_assert_uint_eq(vg_output_close(o), 0);
}
END_TEST

/* A device is written as it is: enriched:/dev/null (the auditd log
 * writer) used to fchmod and fchown it. A null device of our own here. */
START_TEST(test_device_mode_left)
{
	struct vg_output *o;
	char spec[256];
	struct stat st;

	if (geteuid() != 0) {
		fprintf(stderr, "check_outfile: not root: no mknod\n");
		return;
	}
	ck_assert_int_eq(mknod(path, S_IFCHR | 0666, makedev(1, 3)), 0);
	ck_assert_int_eq(chmod(path, 0666), 0);		/* past the umask */
	ck_assert_int_eq(chown(path, 65534, 65534), 0);
	snprintf(spec, sizeof(spec), "enriched:%s", path);
	ck_assert_ptr_nonnull(o = vg_output_open(spec));
	vg_output_close(o);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0666);
	ck_assert_uint_eq(st.st_uid, 65534);
	ck_assert_uint_eq(st.st_gid, 65534);
	snprintf(spec, sizeof(spec), "json:%s?mode=0640&group=0", path);
	ck_assert_ptr_nonnull(o = vg_output_open(spec));
	vg_output_close(o);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0666);
	ck_assert_uint_eq(st.st_gid, 65534);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("outfile");
	TCase *tc = tcase_create("outfile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_drop_behind_gives_up_old_pages);
	tcase_add_test(tc, test_off_keeps_pages);
	tcase_add_test(tc, test_truncated_under_it);
	tcase_add_test(tc, test_reopen_starts_at_the_end);
	tcase_add_test(tc, test_not_a_file);
	tcase_add_test(tc, test_option_values);
	tcase_add_test(tc, test_symlink_refused);
	tcase_add_test(tc, test_existing_mode_forced);
	tcase_add_test(tc, test_foreign_file_refused);
	tcase_add_test(tc, test_reopen_refuses_link);
	tcase_add_test(tc, test_mode_group_options);
	tcase_add_test(tc, test_fifo_devnull_stdout);
	tcase_add_test(tc, test_device_mode_left);
	tcase_add_test(tc, test_lost_counted);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
