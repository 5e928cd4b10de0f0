/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode_execve.h: argv across the EXECVE records of an event
 * (decode_execve.c). Writes through layout_emit.h only.
 */
#ifndef VIGIL_DECODE_EXECVE_H
#define VIGIL_DECODE_EXECVE_H

#include "layout_emit.h"
#include "vigil/arena.h"
#include "vigil/record.h"

struct vg_execve;
struct vg_execve *vg_execve_new(struct vg_arena *);
/* Takes one field of an EXECVE record; 0, or -1 if it is not an argument
 * field (argc, aN, aN_len, aN[i]) and the caller should keep it as a
 * generic member. Sets *oom on arena exhaustion. */
int		vg_execve_field(struct vg_execve *, const struct vg_field *,
		    int *oom);
/* Writes argc, argv and (if arguments were lost) missing as members of
 * the current object. */
void		vg_execve_finish(struct vg_execve *, struct vg_layout *);

#endif
