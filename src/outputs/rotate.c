/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rotate.c: size and time rotation of the json and raw file outputs
 * (rotate.h). In the event path it only renames the file and removes
 * what keep= lets go; compression is a child process (posix_spawn of
 * zstd or gzip, never waited for: reaped at the next rotation or at
 * close). Never opens the log itself: outfile.c does, with its checks.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "vigil/log.h"
#include "vigil/opt.h"
#include "vigil/output.h"
#include "vigil/parse_num.h"
#include "vigil/ratelimit.h"
#include "vigil/rotate.h"

#define DEF_KEEP	10
#define STAMP_LEN	19		/* YYYYMMDD-HHMMSS-NNN */

extern char **environ;

static const char *const zstd_argv[] = { "zstd", "-q", "--rm", "-T1",
    NULL };
static const char *const gzip_argv[] = { "gzip", "-q", NULL };
static const char *const comp_path[] = { NULL, "/usr/bin/zstd",
    "/bin/gzip" };
static const char *const comp_ext[] = { "", ".zst", ".gz" };

static const char *const every_names[] = { "hourly", "daily", NULL };
static const char *const comp_names[] = { "zstd", "gzip", NULL };

/* compress=: its program must be there */
static int
check_comp(const char *v, char *msg, size_t len)
{
	const char *path = strcmp(v, "zstd") == 0 ? comp_path[VG_ROT_ZSTD] :
	    comp_path[VG_ROT_GZIP];

	if (access(path, X_OK) == 0)
		return 0;
	snprintf(msg, len, "%s: %s", path, strerror(errno));
	return -1;
}

const struct vg_opt vg_rotate_opt_tab[] = {
	{ .name = "rotate", .type = VG_OPT_SIZE, .min = 4096,
	  .max = (uint64_t)1 << 50, .expect = "a size of 4k or more (k, m, g)",
	  .help = "rotate when the file reaches this size" },
	{ .name = "rotate_every", .type = VG_OPT_ENUM, .choices = every_names,
	  .help = "rotate every hour or day (local time)" },
	{ .name = "keep", .type = VG_OPT_UINT, .min = 1, .max = 10000,
	  .help = "rotated files kept (default 10)" },
	{ .name = "compress", .type = VG_OPT_ENUM, .choices = comp_names,
	  .check = check_comp,
	  .help = "compress rotated files with zstd or gzip" },
	{ .name = NULL },
};

int
vg_rotate_opts(struct vg_output *o, struct vg_rotate **out)
{
	const char *size = vg_output_opt(o, "rotate");
	const char *every = vg_output_opt(o, "rotate_every");
	const char *keep = vg_output_opt(o, "keep");
	const char *comp = vg_output_opt(o, "compress");
	struct vg_rotate *r;
	uint64_t v;

	*out = NULL;
	if (size == NULL && every == NULL) {
		if (keep != NULL || comp != NULL) {
			vg_log_warnx("output \"%s\": keep= and compress= need "
			    "rotate=SIZE or rotate_every=", o->spec);
			goto bad;
		}
		return 0;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->keep = DEF_KEEP;
	if (size != NULL && (vg_parse_size(size, &r->max_size) == -1 ||
	    r->max_size < 4096)) {
		vg_log_warnx("output \"%s\": rotate=%s: expected a size of 4k "
		    "or more (k, m, g)", o->spec, size);
		goto bad_free;
	}
	if (every != NULL) {
		if (strcmp(every, "hourly") == 0)
			r->every = VG_ROT_HOURLY;
		else if (strcmp(every, "daily") == 0)
			r->every = VG_ROT_DAILY;
		else {
			vg_log_warnx("output \"%s\": rotate_every=%s: expected "
			    "hourly or daily", o->spec, every);
			goto bad_free;
		}
	}
	if (keep != NULL) {
		if (vg_parse_size(keep, &v) == -1 || v < 1 || v > 10000) {
			vg_log_warnx("output \"%s\": keep=%s: expected "
			    "1..10000", o->spec, keep);
			goto bad_free;
		}
		r->keep = (unsigned)v;
	}
	if (comp != NULL) {
		if (strcmp(comp, "zstd") == 0)
			r->comp = VG_ROT_ZSTD;
		else if (strcmp(comp, "gzip") == 0)
			r->comp = VG_ROT_GZIP;
		else {
			vg_log_warnx("output \"%s\": compress=%s: expected "
			    "zstd or gzip", o->spec, comp);
			goto bad_free;
		}
		if (access(comp_path[r->comp], X_OK) == -1) {
			vg_log_warnx("output \"%s\": compress=%s: %s: %s",
			    o->spec, comp, comp_path[r->comp],
			    strerror(errno));
			goto bad_free;
		}
	}
	*out = r;
	return 0;
bad_free:
	free(r);
bad:
	errno = EINVAL;
	return -1;
}

/* The end of the period now is in (local time, as logrotate's days). */
static time_t
period_end(enum vg_rot_every every, time_t now)
{
	struct tm tm;

	if (every == VG_ROT_NEVER || localtime_r(&now, &tm) == NULL)
		return 0;
	tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	if (every == VG_ROT_HOURLY)
		tm.tm_hour++;
	else {
		tm.tm_hour = 0;
		tm.tm_mday++;
	}
	return mktime(&tm);
}

void
vg_rotate_start(struct vg_rotate *r, int fd, time_t now)
{
	struct stat st;

	r->size = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ?
	    (uint64_t)st.st_size : 0;
	r->period_end = period_end(r->every, now);
}

int
vg_rotate_due(const struct vg_rotate *r, size_t len, time_t now)
{
	if (r->size == 0)		/* nothing to rotate away */
		return 0;
	if (r->max_size && r->size + len > r->max_size)
		return 1;
	return r->period_end && now >= r->period_end;
}

void
vg_rotate_reap(struct vg_rotate *r)
{
	size_t i;

	for (i = 0; i < sizeof(r->kids) / sizeof(r->kids[0]); i++)
		if (r->kids[i] > 0 && waitpid(r->kids[i], NULL, WNOHANG) != 0)
			r->kids[i] = 0;
}

static void
compress_file(struct vg_rotate *r, const char *file)
{
	const char *const *base = r->comp == VG_ROT_ZSTD ? zstd_argv :
	    gzip_argv;
	const char *argv[8];
	posix_spawn_file_actions_t fa;
	size_t i, n = 0;
	pid_t pid;
	int e;

	while (base[n] != NULL && n < 6) {
		argv[n] = base[n];
		n++;
	}
	argv[n++] = file;
	argv[n] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	(void)posix_spawn_file_actions_addopen(&fa, STDIN_FILENO,
	    "/dev/null", O_RDONLY, 0);
	(void)posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO,
	    "/dev/null", O_WRONLY, 0);
	e = posix_spawn(&pid, comp_path[r->comp], &fa, NULL,
	    (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0) {
		vg_log_warnx("%s: cannot start %s: %s (left uncompressed)",
		    file, comp_path[r->comp], strerror(e));
		return;
	}
	vg_rotate_reap(r);
	for (i = 0; i < sizeof(r->kids) / sizeof(r->kids[0]); i++)
		if (r->kids[i] == 0) {
			r->kids[i] = pid;
			return;
		}
	/* more than 8 at once: this one is waited for elsewhere (init) */
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is name "BASE.YYYYMMDD-HHMMSS-NNN[.zst|.gz]"? */
static int
is_rotated(const char *name, const char *base, size_t blen)
{
	const char *p;
	size_t i;

	if (strncmp(name, base, blen) != 0 || name[blen] != '.')
		return 0;
	p = name + blen + 1;
	for (i = 0; i < STAMP_LEN; i++)
		if (i == 8 || i == 15 ? p[i] != '-' :
		    (p[i] < '0' || p[i] > '9'))
			return 0;
	p += STAMP_LEN;
	return *p == '\0' || strcmp(p, ".zst") == 0 || strcmp(p, ".gz") == 0;
}

/* Removes the oldest rotated files of path past keep. */
static void
prune(const struct vg_rotate *r, const char *path)
{
	char dir[4096], file[4096], **names = NULL, **nn;
	const char *slash = strrchr(path, '/'), *base;
	size_t n = 0, cap = 0, i, blen;
	struct dirent *de;
	DIR *d;

	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	} else {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path) ?
		    (int)(slash - path) : 1, path);
		base = slash + 1;
	}
	blen = strlen(base);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!is_rotated(de->d_name, base, blen))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			if ((nn = reallocarray(names, cap, sizeof(*nn))) ==
			    NULL)
				break;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	/* the fixed-width stamp sorts by time; X and X.zst are one file
	 * caught mid-compression: counted once, both removed */
	qsort(names, n, sizeof(*names), cmp_names);
	{
		size_t files = 0, j, klen = blen + 1 + STAMP_LEN;

		for (i = n; i-- > 0;) {
			int same = i + 1 < n && strncmp(names[i], names[i + 1],
			    klen) == 0;

			if (!same)
				files++;
			if (files <= r->keep)
				continue;
			/* one a compressor may still be reading: removed at
			 * a later rotation, once compressed */
			if (r->comp != VG_ROT_NONE &&
			    strlen(names[i]) == klen)
				continue;
			j = (size_t)snprintf(file, sizeof(file), "%s/%s", dir,
			    names[i]);
			if (j < sizeof(file) && unlink(file) == -1 &&
			    errno != ENOENT)
				vg_log_warn("rotate: remove %s", file);
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int
vg_rotate_do(struct vg_rotate *r, const char *path, time_t now)
{
	char to[4096], stamp[16];
	struct stat st;
	struct tm tm;
	int n, k;

	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm) == 0)
		return -1;
	/* -NNN: rotations within one second, still in order by name */
	/* a counter freed by keep= is not taken again within a second:
	 * names stay in rotation order */
	for (k = now == r->last_sec ? r->last_k + 1 : 0; k < 1000; k++) {
		n = snprintf(to, sizeof(to), "%s.%s-%03d", path, stamp, k);
		if (n < 0 || (size_t)n >= sizeof(to) - 8) {
			errno = ENAMETOOLONG;
			goto fail;
		}
		/* neither it nor its compressed form may exist */
		if (lstat(to, &st) == -1 && errno == ENOENT) {
			char cz[4096];

			snprintf(cz, sizeof(cz), "%s%s", to,
			    comp_ext[r->comp]);
			if (r->comp == VG_ROT_NONE ||
			    (lstat(cz, &st) == -1 && errno == ENOENT))
				break;
		}
	}
	if (k == 1000)
		goto fail;
	if (rename(path, to) == -1) {
		if (errno != ENOENT)
			goto fail;
		/* removed under us: nothing to rotate away; the caller
		 * opens a new file at path, as after a rotation */
		vg_log_warnx("rotate %s: removed; writing to a new file "
		    "there", path);
		r->size = 0;
		r->period_end = period_end(r->every, now);
		return 0;
	}
	r->last_sec = now;
	r->last_k = k;
	r->rotations++;
	r->size = 0;
	r->period_end = period_end(r->every, now);
	if (r->comp != VG_ROT_NONE)
		compress_file(r, to);
	prune(r, path);
	return 0;
fail:
	if (vg_rl_count(++r->failed, 1))
		vg_log_warn("rotate %s (writing on to it; %llu failures so "
		    "far)", path, (unsigned long long)r->failed);
	/* the next period, or the next batch past the size, tries again */
	r->period_end = period_end(r->every, now);
	return -1;
}
