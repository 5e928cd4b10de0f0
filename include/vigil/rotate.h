/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rotate.h: the file outputs' own rotation (src/outputs/rotate.c): by
 * size (rotate=SIZE) and by time (rotate_every=hourly|daily), keeping
 * keep=N rotated files, compressed (compress=zstd|gzip) by a child
 * process so the event path only renames and opens. docs/outputs.md.
 */
#ifndef VIGIL_ROTATE_H
#define VIGIL_ROTATE_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vigil/opt.h"

struct vg_output;

enum vg_rot_every { VG_ROT_NEVER = 0, VG_ROT_HOURLY, VG_ROT_DAILY };
enum vg_rot_comp { VG_ROT_NONE = 0, VG_ROT_ZSTD, VG_ROT_GZIP };

struct vg_rotate {
	uint64_t		 max_size;	/* 0: no size limit */
	enum vg_rot_every	 every;
	unsigned		 keep;		/* rotated files kept */
	enum vg_rot_comp	 comp;
	uint64_t		 size;		/* bytes in the current file */
	time_t			 period_end;	/* next time boundary */
	uint64_t		 rotations, failed;
	pid_t			 kids[8];	/* compressors, reaped later */
	time_t			 last_sec;	/* the last rotation's stamp */
	int			 last_k;	/* ... and counter */
};

/*
 * Reads rotate=, rotate_every=, keep=, compress= of o. *out is NULL
 * when none is given (no rotation), else a calloc'd struct (caller
 * frees). 0, or -1 (bad value, logged naming the output).
 */
int	vg_rotate_opts(struct vg_output *o, struct vg_rotate **out);
/* The options' rows (vigil/opt.h): each value checked alone at parse
 * time and by --check; how they combine, at open (vg_rotate_opts). */
extern const struct vg_opt vg_rotate_opt_tab[];
/* The file at fd was (re)opened: its size, and the current period. */
void	vg_rotate_start(struct vg_rotate *, int fd, time_t now);
/* Would appending len bytes now call for a rotation first? */
int	vg_rotate_due(const struct vg_rotate *, size_t len, time_t now);
/*
 * Rotates path: renames it to path.YYYYMMDD-HHMMSS-NNN (the time of the
 * rotation, NNN counting rotations within that second), starts the compressor on that file, and
 * removes the oldest rotated files past keep. The caller opens path
 * again. 0, or -1 (logged; nothing renamed). A path that is gone
 * (someone removed the file) is not an error: nothing is renamed, 0,
 * and the caller opens a new file.
 */
int	vg_rotate_do(struct vg_rotate *, const char *path, time_t now);
/* Reaps compressors that have ended (never waits). */
void	vg_rotate_reap(struct vg_rotate *);

#endif
