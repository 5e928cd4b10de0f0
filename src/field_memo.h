/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * field_memo.h: where one field of a record text was found, for texts
 * seen before (field_memo.c), kept by the layout driver for its lookup
 * of one member (vg_layout_field, layout.c). A process repeats its
 * SYSCALL records byte for byte, so a filter reading syscall.exe of
 * every event scans the same text to the same place again and again:
 * the place is remembered (offsets into the text, not pointers) and the
 * field is decoded from the event's own text each time. Not a module
 * interface.
 */
#ifndef VIGIL_FIELD_MEMO_H
#define VIGIL_FIELD_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/record.h"
#include "vigil/str.h"

#define VG_FMEMO_NAME	32	/* longest field name kept */

struct vg_fmemo;

/* An empty memo (calloc'd, 240 KiB: 2048 slots of 88 bytes, their
 * texts apart: at most 2048 of 2048 bytes), or NULL (ENOMEM). */
struct vg_fmemo	*vg_fmemo_new(void);
void		 vg_fmemo_free(struct vg_fmemo *);

/* The hash of (text, tag, name) that vg_fmemo_get() and _put() take. */
uint64_t	 vg_fmemo_hash(struct vg_str text, unsigned tag,
		    struct vg_str name);

/*
 * What the lookup of field name in text under tag (the caller's kind of
 * record) gave when it was put, if an entry has exactly this text, tag
 * and name (compared whole; the hash only picks the slot): 1 and *f
 * (pointing into text) and *dkind (the decoder's kind the caller put), 0
 * if the field was not there. -1 if there is no such entry; then *keep
 * says whether the caller should put what it finds (the text was seen
 * before: a text seen once must not push out one that repeats).
 */
int		 vg_fmemo_get(struct vg_fmemo *, uint64_t hash,
		    struct vg_str text, unsigned tag, struct vg_str name,
		    struct vg_field *f, int *dkind, int *keep);

/*
 * The identity of the entry the last vg_fmemo_get() found, 0 if it found
 * none: the same for every hit on one entry, and no other entry of any
 * memo of the process ever has it (a caller may keep what it derived
 * from the entry's answer under it).
 */
uint64_t	 vg_fmemo_hit_id(const struct vg_fmemo *);

/*
 * Remembers the lookup: found 1 with f (which must point into text) and
 * dkind, or found 0. Texts over 2048 bytes, names over VG_FMEMO_NAME and
 * fields outside text are not kept; neither is anything without memory.
 */
void		 vg_fmemo_put(struct vg_fmemo *, uint64_t hash,
		    struct vg_str text, unsigned tag, struct vg_str name,
		    int found, const struct vg_field *f, int dkind);

#endif
