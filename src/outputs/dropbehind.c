/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dropbehind.c: page-cache drop-behind for the append-only log files
 * (dropbehind.h). Why: a log is read again rarely and late; left to the
 * kernel, every byte written takes a new page-cache page, which costs the
 * writer the first touch of fresh memory (on a VM whose host takes freed
 * memory back, about 2.5 ms of system time per MiB, 15x the copy itself,
 * bench/README.md) and pushes useful cache out. Starting write-back
 * early and dropping written pages keeps the log in a few MiB of pages
 * that are reused warm.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "vigil/dropbehind.h"
#include "vigil/log.h"
#include "vigil/output.h"
#include "vigil/parse_num.h"

void
vg_dropbehind_init(struct vg_dropbehind *d, int fd, size_t window)
{
	struct stat st;
	uint64_t drops = d->drops;

	*d = (struct vg_dropbehind){ .window = (off_t)window, .drops = drops };
	if (window == 0 || fd < 0 || fstat(fd, &st) == -1 ||
	    !S_ISREG(st.st_mode))
		return;
	d->on = 1;
	d->end = d->started = d->lag = d->dropped = st.st_size;
}

void
vg_dropbehind_reopen(struct vg_dropbehind *d, int fd)
{
	vg_dropbehind_init(d, fd, (size_t)d->window);
}

/* The file is shorter than we think (truncated by someone else, e.g.
 * logrotate copytruncate): start again from its size. */
static int
resync(struct vg_dropbehind *d, int fd)
{
	struct stat st;

	if (fstat(fd, &st) == -1)
		return -1;
	if (st.st_size < d->started)
		d->started = d->lag = d->dropped = st.st_size;
	d->end = st.st_size;
	return 0;
}

void
vg_dropbehind_wrote(struct vg_dropbehind *d, int fd, size_t n)
{
	if (!d->on)
		return;
	d->end += (off_t)n;
	if (d->end - d->started < d->window)
		return;
	if (resync(d, fd) == -1 || d->end - d->started < d->window)
		return;
	if (d->lag > d->dropped) {
		/* written back a window ago: normally done, the wait is a
		 * check; then the clean pages go */
		(void)sync_file_range(fd, d->dropped, d->lag - d->dropped,
		    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		    SYNC_FILE_RANGE_WAIT_AFTER);
		(void)posix_fadvise(fd, d->dropped, d->lag - d->dropped,
		    POSIX_FADV_DONTNEED);
		d->dropped = d->lag;
		d->drops++;
	}
	d->lag = d->started;
	(void)sync_file_range(fd, d->started, d->end - d->started,
	    SYNC_FILE_RANGE_WRITE);
	d->started = d->end;
}

int
vg_dropbehind_parse(const char *s, size_t *window)
{
	uint64_t v;

	if (vg_parse_size(s, &v) == -1 || (v != 0 && v < 65536) ||
	    v > (1ull << 30))
		return -1;
	*window = (size_t)v;
	return 0;
}

static int
check_window(const char *v, char *msg, size_t len)
{
	size_t w;

	if (vg_dropbehind_parse(v, &w) == 0)
		return 0;
	snprintf(msg, len, "expected 0 (off) or a size 64k..1g (k, m, g "
	    "suffixes allowed)");
	return -1;
}

const struct vg_opt vg_dropbehind_opts[] = {
	{ .name = "drop_behind", .type = VG_OPT_STR, .check = check_window,
	  .help = "page cache window dropped behind the writer, 0: off" },
	{ .name = NULL },
};

int
vg_dropbehind_opt(struct vg_output *o, size_t *window)
{
	const char *v = vg_output_opt(o, "drop_behind");

	*window = VG_DROPBEHIND_DEFAULT;
	if (v != NULL)
		(void)vg_dropbehind_parse(v, window);	/* checked */
	return 0;
}
