/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * progress.h: what `vigild --replay` shows of long work on stderr
 * (src/inputs/progress.c): bytes read of the total, records per second,
 * events, the time left; and one line of final counters at the end. On
 * when stderr is a terminal (redrawn in place), or when asked
 * (--progress: a line a second); never with --no-progress.
 */
#ifndef VIGIL_PROGRESS_H
#define VIGIL_PROGRESS_H

#include <stdint.h>

struct vg_pipeline;

enum vg_progress_mode {
	VG_PROGRESS_AUTO = 0,	/* if stderr is a terminal */
	VG_PROGRESS_ON,
	VG_PROGRESS_OFF,
};

struct vg_progress {
	int		 on, tty;
	uint64_t	 total;		/* bytes of the regular files; 0 unknown */
	uint64_t	 done;		/* bytes read */
	uint64_t	 t0, next;	/* ns: start, next redraw */
	struct vg_pipeline *pl;
};

/* Set before the replay: vigild's command line (AUTO unless --progress or
 * --no-progress); OFF by default (vigilctl lua test replays too). */
void	vg_progress_mode(enum vg_progress_mode);
/* Starts for files (their sizes summed where known). */
void	vg_progress_start(struct vg_progress *, struct vg_pipeline *,
	    char *const files[], int nfiles);
/* n more bytes read: redrawn at most every quarter second (a terminal)
 * or every second. */
void	vg_progress_read(struct vg_progress *, uint64_t n);
/* The final counters, one line (the pipeline flushed). */
void	vg_progress_end(struct vg_progress *);

#endif
