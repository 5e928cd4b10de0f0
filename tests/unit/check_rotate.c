/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_rotate.c: the file outputs' own rotation (rotate.h): when a
 * rotation is due (size, hour and day boundaries, never for an empty
 * file), the names it gives (time stamp, then a counter that keeps name
 * order within one second), keep= removing the oldest, and a file
 * removed by someone: nothing to rename, not an error.
 */
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/rotate.h"

START_TEST(due_size_and_time)
{
	struct vg_rotate r;
	time_t now = 1700000000;	/* 2023-11-14 22:13:20 UTC */
	struct tm tm;

	memset(&r, 0, sizeof(r));
	r.max_size = 1000;
	r.size = 0;
	ck_assert(!vg_rotate_due(&r, 5000, now));	/* empty: never */
	r.size = 900;
	ck_assert(!vg_rotate_due(&r, 100, now));
	ck_assert(vg_rotate_due(&r, 101, now));
	/* hourly: due from the next full hour on, local time */
	r.max_size = 0;
	r.every = VG_ROT_HOURLY;
	{
		int fd = open("/dev/null", O_WRONLY);

		vg_rotate_start(&r, fd, now);
		close(fd);
	}
	r.size = 1;
	localtime_r(&r.period_end, &tm);
	ck_assert_int_eq(tm.tm_min, 0);
	ck_assert_int_eq(tm.tm_sec, 0);
	ck_assert(r.period_end > now && r.period_end <= now + 3600);
	ck_assert(!vg_rotate_due(&r, 1, r.period_end - 1));
	ck_assert(vg_rotate_due(&r, 1, r.period_end));
	r.every = VG_ROT_DAILY;
	{
		int fd = open("/dev/null", O_WRONLY);

		vg_rotate_start(&r, fd, now);
		close(fd);
	}
	r.size = 1;
	localtime_r(&r.period_end, &tm);
	ck_assert_int_eq(tm.tm_hour, 0);
	ck_assert(r.period_end > now && r.period_end <= now + 25 * 3600);
}
END_TEST

static int
count(const char *dir, const char *prefix, char *oldest, size_t len)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	oldest[0] = '\0';
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, prefix, strlen(prefix)) == 0) {
			n++;
			if (oldest[0] == '\0' || strcmp(de->d_name, oldest) < 0)
				snprintf(oldest, len, "%s", de->d_name);
		}
	closedir(d);
	return n;
}

START_TEST(rename_and_keep)
{
	char dir[] = "/tmp/vg_rot_XXXXXX", path[256], oldest[256], first[256];
	struct vg_rotate r;
	time_t now = time(NULL);
	int i, fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.json", dir);
	memset(&r, 0, sizeof(r));
	r.keep = 3;
	for (i = 0; i < 6; i++) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "x\n", 2), 2);
		close(fd);
		ck_assert_int_eq(vg_rotate_do(&r, path, now), 0);
		ck_assert_int_ne(access(path, F_OK), 0);	/* renamed */
		if (i == 0)
			ck_assert_int_eq(count(dir, "e.json.", first,
			    sizeof(first)), 1);
	}
	/* six rotations in one second: -000..-005, the last three kept */
	ck_assert_int_eq(count(dir, "e.json.", oldest, sizeof(oldest)), 3);
	ck_assert_uint_eq(strlen(oldest), strlen("e.json.YYYYMMDD-HHMMSS-NNN"));
	ck_assert_str_eq(oldest + strlen(oldest) - 4, "-003");
	ck_assert_str_eq(first + strlen(first) - 4, "-000");
	ck_assert_uint_eq(r.rotations, 6);
	/* a file that is not ours is never removed */
	snprintf(path, sizeof(path), "%s/e.json.notes", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	snprintf(path, sizeof(path), "%s/e.json", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	close(fd);
	ck_assert_int_eq(vg_rotate_do(&r, path, now), 0);
	ck_assert_int_eq(count(dir, "e.json.n", oldest, sizeof(oldest)), 1);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)!system(cmd);
	}
}
END_TEST

/* The file is gone (rm): the caller is to open a new one, as after a
 * rotation; nothing is renamed, nothing created, no failure counted. */
START_TEST(removed_file)
{
	char dir[] = "/tmp/vg_rot_XXXXXX", path[256], name[256];
	struct vg_rotate r;
	time_t now = time(NULL);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/e.json", dir);
	memset(&r, 0, sizeof(r));
	r.keep = 3;
	r.size = 5000;
	r.every = VG_ROT_HOURLY;
	ck_assert_int_eq(vg_rotate_do(&r, path, now), 0);
	ck_assert_uint_eq(r.failed, 0);
	ck_assert_uint_eq(r.rotations, 0);
	ck_assert_uint_eq(r.size, 0);
	ck_assert(r.period_end > now);
	ck_assert_int_eq(count(dir, "e.json", name, sizeof(name)), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rotate");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, due_size_and_time);
	tcase_add_test(tc, rename_and_keep);
	tcase_add_test(tc, removed_file);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
