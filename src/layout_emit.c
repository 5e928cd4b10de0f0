/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layout_emit.c: the slow paths of the member primitives (layout_emit.h):
 * the name of a member whose name may be taken, and the event's rule
 * keys, deduplicated; both note what the part being remembered for the
 * memo gave. Arena memory only; never logs, never calls up.
 */
#include <stdint.h>
#include <string.h>

#include "layout_emit.h"

struct vg_str
vg_lay_name(struct vg_layout *L, struct vg_str k, uint32_t h)
{
	struct vg_str n;
	int r;

	(void)h;		/* vg_names_file hashes again: the slow path */
	if ((r = vg_names_file(L->names, L->a, k, &n)) == -1)
		L->oom = 1;
	if (L->rec[VG_LAY_TAIL].on) {
		/* a rename depends on the names before the part */
		if (r != 0 || L->rec_nnames == VG_LAY_REC_NAMES)
			L->rec[VG_LAY_TAIL].bad = 1;
		else
			L->rec_names[L->rec_nnames++] = n;
	}
	return n;
}

void
vg_lay_rule_key(struct vg_layout *L, struct vg_str k)
{
	struct vg_lay_rec *rc;
	struct vg_str *nk, n;
	size_t cap, i;

	for (rc = L->rec; rc < L->rec + VG_LAY_LEVELS; rc++) {
		if (!rc->on)
			continue;
		if (rc->nkeys == sizeof(rc->keys) / sizeof(rc->keys[0]))
			rc->bad = 1;
		else
			rc->keys[rc->nkeys++] = k;
	}
	/* usually 0-2 keys an event; a forged record can give thousands:
	 * filed in the name set from the VG_LAY_FEW_KEYS-th on */
	if (L->nkeys <= VG_LAY_FEW_KEYS) {
		for (i = 0; i < L->nkeys; i++)
			if (L->keys[i].len == k.len && (k.len == 0 ||
			    memcmp(L->keys[i].p, k.p, k.len) == 0))
				return;
	} else if (vg_names_has(&L->knames, k))
		return;
	if (L->nkeys == L->capkeys) {
		cap = L->capkeys * 2;
		if ((nk = vg_arena_alloc(L->a, cap * sizeof(*nk))) == NULL) {
			L->oom = 1;
			return;
		}
		if (L->nkeys > 0)
			memcpy(nk, L->keys, L->nkeys * sizeof(*nk));
		L->keys = nk;
		L->capkeys = cap;
	}
	L->keys[L->nkeys++] = k;
	if (L->nkeys < VG_LAY_FEW_KEYS)
		return;
	for (i = L->nkeys == VG_LAY_FEW_KEYS ? 0 : L->nkeys - 1; i < L->nkeys;
	    i++)
		if (vg_names_file(&L->knames, L->a, L->keys[i], &n) == -1)
			L->oom = 1;
}
