/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dropbehind.h: keep an append-only log file from filling the page cache.
 * Every `window` bytes the file outputs start write-back of what they
 * appended (sync_file_range WRITE, no wait) and give up the cached pages
 * of the window written back two windows earlier (wait for that write-back,
 * then POSIX_FADV_DONTNEED), so the log holds at most about three windows
 * of page cache and the kernel reuses the same warm pages for it. Only
 * whole, clean pages are dropped: nothing written is lost or reordered.
 * Regular files only; a no-op elsewhere or with window 0.
 */
#ifndef VIGIL_DROPBEHIND_H
#define VIGIL_DROPBEHIND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/opt.h"

#define VG_DROPBEHIND_DEFAULT	(8u * 1024 * 1024)

struct vg_dropbehind {
	off_t		window;		/* bytes asked for; 0: off */
	off_t		end;		/* file size as far as we know */
	off_t		started;	/* write-back started below this */
	off_t		lag;		/* `started` one window ago */
	off_t		dropped;	/* pages given up below this */
	uint64_t	drops;		/* windows given up (counter) */
	int		on;		/* window and fd a regular file */
};

/* Call after opening fd. window 0 turns it off. */
void	vg_dropbehind_init(struct vg_dropbehind *, int fd, size_t window);
/* Call after reopening: the same window on the new fd. */
void	vg_dropbehind_reopen(struct vg_dropbehind *, int fd);
/* Call after n bytes were appended to fd. */
void	vg_dropbehind_wrote(struct vg_dropbehind *, int fd, size_t n);
/* "drop_behind" option value (size, k/m/g suffixes, 0 = off) or -1. */
int	vg_dropbehind_parse(const char *, size_t *window);
/* The output's drop_behind option (checked by the table below) into
 * *window (VG_DROPBEHIND_DEFAULT when absent). Returns 0. */
struct vg_output;
int	vg_dropbehind_opt(struct vg_output *, size_t *window);
/* The option row of every file output (opt.h). */
extern const struct vg_opt vg_dropbehind_opts[];

#endif
