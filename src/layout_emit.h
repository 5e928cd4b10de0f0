/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layout_emit.h: the members' way out of the layout (layout_emit.c): the
 * driver's state (struct vg_layout) and the lay_*() primitives that the
 * driver (layout.c), the value decoders and the context members write
 * through. A member of a record object gets its unique name here, then
 * the sink gets it. Never calls up into the driver or a decoder.
 */
#ifndef VIGIL_LAYOUT_EMIT_H
#define VIGIL_LAYOUT_EMIT_H

#include <stddef.h>
#include <stdint.h>

#include "names.h"
#include "vigil/arena.h"
#include "vigil/event.h"
#include "vigil/json.h"
#include "vigil/layout.h"

struct vg_fmemo;

/* Byte order of binary structures in records (sockaddr). */
#define VG_END_UNKNOWN	0
#define VG_END_LITTLE	1
#define VG_END_BIG	2

/*
 * A record part being remembered for the memo (layout.c): a whole record
 * object and, inside it, the last members of a SYSCALL record can be at
 * the same time. What makes a part depend on more than its text sets bad.
 */
#define VG_LAY_WHOLE		0
#define VG_LAY_TAIL		1
#define VG_LAY_LEVELS		2
#define VG_LAY_REC_NAMES	64	/* member names a tail records */
/* Up to this many rule keys a walk finds one faster than the name set. */
#define VG_LAY_FEW_KEYS		8

struct vg_lay_rec {
	int		 on;
	int		 bad;
	unsigned	 nkeys;
	struct vg_str	 keys[4];	/* rule keys it gave */
};

/* The driver: per-event state, and tables kept between events. */
struct vg_layout {
	struct vg_sink	*out;
	const struct vg_sink_ops *op;	/* out->ops */
	struct vg_jw	*jw;		/* out->jw */
	struct vg_event	*ev;
	struct vg_arena	*a;		/* the event's: decoded text lives here */
	unsigned long	 errors;	/* malformed values found */
	unsigned long	 dropped;	/* fields past VG_DECODE_MAX_FIELDS */
	int		 oom;
	int		 arch;		/* enum vg_arch of the SYSCALL record */
	int		 endian;	/* VG_END_* of that arch */
	int		 depth;		/* of the current container; root 0 */
	int		 ndepth;	/* depth whose names are unique, or -1 */
	struct vg_names	*names;		/* ... its names */
	/* what the record parts being remembered (layout.c) gave */
	struct vg_lay_rec rec[VG_LAY_LEVELS];	/* VG_LAY_WHOLE ... */
	int		 arch_free;	/* the whole one is the event's first
					 * SYSCALL: its arch is its own */
	unsigned	 rec_nnames;	/* the tail's member names */
	struct vg_str	 rec_names[VG_LAY_REC_NAMES];
	struct vg_str	*keys;		/* rule keys, in order: key_room,
					 * or the arena past its size */
	size_t		 nkeys, capkeys;
	struct vg_str	 key_room[VG_LAY_FEW_KEYS];
	struct vg_u64_memo serial;	/* the last event's serial's digits */
	/* tables kept between events (reset, not freed) */
	struct vg_names	 rnames;	/* of the record object */
	struct vg_names	 enames;	/* of its "enriched" object */
	struct vg_names	 knames;	/* rule keys seen */
	struct vg_fmemo	*fmemo;		/* vg_layout_field's, or NULL */
};

/* The name of a new member of the record object (vg_names_file on
 * L->names); a rename makes the part being remembered unusable. h is
 * the name's vg_name_hash. */
struct vg_str	vg_lay_name(struct vg_layout *, struct vg_str, uint32_t h);
/* One rule key for the event's "keys" (deduplicated). */
void		vg_lay_rule_key(struct vg_layout *, struct vg_str);

/* vg_lay_rule_key, the event's first key inline when no record part is
 * being remembered (the usual event: one key, from a pasted record). */
static inline void
lay_rule_key(struct vg_layout *L, struct vg_str k)
{
	if (L->nkeys == 0 && !L->rec[VG_LAY_WHOLE].on &&
	    !L->rec[VG_LAY_TAIL].on) {
		L->keys[0] = k;
		L->nkeys = 1;
	} else
		vg_lay_rule_key(L, k);
}

/* ---- the primitives: what every member goes out through ---- */

static inline __attribute__((always_inline)) struct vg_str
lay_key(struct vg_layout *L, struct vg_str k)
{
	struct vg_names *t = L->names;
	uint32_t h;

	if (L->depth != L->ndepth)
		return k;
	/* a name nothing before it can have: filed, nothing to look up */
	h = vg_name_hash(k.p, k.len);
	if (__builtin_expect(t->big == NULL && t->n < VG_NAMES_SMALL, 1) &&
	    (!(t->bloom[VG_NAMES_WORD(h)] & VG_NAMES_BIT(h)) ||
	    !vg_names_hash_in(t, h))) {
		t->bloom[VG_NAMES_WORD(h)] |= VG_NAMES_BIT(h);
		t->ent[t->n].p = k.p;
		t->ent[t->n].len = (uint32_t)k.len;
		t->ent[t->n].hash = h;
		t->ent[t->n].next = 2;
		t->n++;
		if (__builtin_expect(L->rec[VG_LAY_TAIL].on, 0)) {
			if (L->rec_nnames == VG_LAY_REC_NAMES)
				L->rec[VG_LAY_TAIL].bad = 1;
			else
				L->rec_names[L->rec_nnames++] = k;
		}
		return k;
	}
	return vg_lay_name(L, k, h);
}

/* The sink's JSON writer is called inline; other sinks through ops. */
static inline __attribute__((always_inline)) void
lay_str(struct vg_layout *L, struct vg_str k, struct vg_str v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_str(L->jw, k, v);
	else
		L->op->str(L->out, k, v);
}

/* v: printable ASCII without '"' or '\\' (table names, hex, numbers). */
static inline __attribute__((always_inline)) void
lay_plain(struct vg_layout *L, struct vg_str k, struct vg_str v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_plain(L->jw, k, v);
	else
		L->op->plain(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_u64(struct vg_layout *L, struct vg_str k, uint64_t v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_u64(L->jw, k, v);
	else
		L->op->u64(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_i64(struct vg_layout *L, struct vg_str k, int64_t v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_i64(L->jw, k, v);
	else
		L->op->i64(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_num(struct vg_layout *L, struct vg_str k, struct vg_str v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_num(L->jw, k, v);
	else
		L->op->num(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_bool(struct vg_layout *L, struct vg_str k, int v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_bool(L->jw, k, v);
	else
		L->op->boolean(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_null(struct vg_layout *L, struct vg_str k)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_null(L->jw, k);
	else
		L->op->null(L->out, k);
}

static inline __attribute__((always_inline)) void
lay_open(struct vg_layout *L, struct vg_str k, enum vg_ntype t)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_open(L->jw, k, t == VG_N_ARR);
	else
		L->op->open(L->out, k, t);
	L->depth++;
}

static inline __attribute__((always_inline)) void
lay_close(struct vg_layout *L)
{
	if (L->jw != NULL)
		vg_jw_close(L->jw);
	else
		L->op->close(L->out);
	L->depth--;
}

#endif
