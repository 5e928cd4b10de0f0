/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names.h: sets of names (names.c): the member names of one object and
 * the rule keys of an event. Knows nothing of the layout that files
 * them; arena memory only.
 */
#ifndef VIGIL_NAMES_H
#define VIGIL_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/str.h"

/*
 * The member names of one object, filed as they are written:
 * "is this name taken" and "the name to give a new member" (NAME_2,
 * NAME_3, ... for a taken one). Up to VG_NAMES_SMALL names are a list
 * with a 256-bit filter of their cheap hashes in front: a new name whose
 * bit is clear is filed with no lookup at all, which is what nearly every
 * member of nearly every record takes. More names go to an arena table
 * with a keyed hash: O(1) each, whatever names a forged record repeats.
 */
#define VG_NAMES_SMALL	64

struct vg_nent {
	const char	*p;		/* NULL: empty (big table) */
	uint32_t	 len;
	uint32_t	 hash;		/* small: vg_name_hash(); big: keyed */
	uint32_t	 next;		/* NAME_<next> is the next to try */
};

struct vg_names {
	uint64_t	 bloom[4];	/* small: bit (hash & 255) per name */
	uint32_t	 n;		/* names filed */
	uint32_t	 mask;		/* of big */
	struct vg_nent	*big;		/* NULL while small */
	struct vg_nent	 ent[VG_NAMES_SMALL];	/* small: in order */
};

/* The cheap hash: the first and last four bytes and the length (three
 * bytes of a shorter name), mixed; colliding names cost a compare. */
static inline uint32_t
vg_name_hash(const char *p, size_t len)
{
	uint32_t x, a, b;

	if (len >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + len - 4, 4);
		x = a * 0x9e3779b1u ^ b * 0x85ebca77u;
	} else if (len > 0)
		x = ((uint32_t)(unsigned char)p[0] |
		    (uint32_t)(unsigned char)p[len / 2] << 8 |
		    (uint32_t)(unsigned char)p[len - 1] << 16) * 0x9e3779b1u;
	else
		return 0;
	x ^= (uint32_t)len * 0xc2b2ae3du;
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return x ^ x >> 12;
}

#define VG_NAMES_BIT(h)	(1ull << ((h) & 63))
#define VG_NAMES_WORD(h) (((h) >> 6) & 3)

static inline void
vg_names_reset(struct vg_names *t)
{
	t->n = 0;
	t->big = NULL;
	t->bloom[0] = t->bloom[1] = t->bloom[2] = t->bloom[3] = 0;
}

/* Whether name k (h: its vg_name_hash) is taken. */
int		vg_names_has_h(const struct vg_names *, struct vg_str k,
		    uint32_t h);
static inline int
vg_names_has(const struct vg_names *t, struct vg_str k)
{
	uint32_t h = vg_name_hash(k.p, k.len);

	if (t->big == NULL &&
	    !(t->bloom[VG_NAMES_WORD(h)] & VG_NAMES_BIT(h)))
		return 0;
	return vg_names_has_h(t, k, h);
}
/* Files a name: *name is the name itself (0), or NAME_N in arena memory
 * if it was taken (1); -1 if the arena is exhausted (*name: the name). */
int		vg_names_file(struct vg_names *, struct vg_arena *,
		    struct vg_str, struct vg_str *name);

/* Whether a small set has a name of full hash h (the filter said
 * maybe; equal hashes of different names are rare). */
static inline int
vg_names_hash_in(const struct vg_names *t, uint32_t h)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (t->ent[i].hash == h)
			return 1;
	return 0;
}

#endif
