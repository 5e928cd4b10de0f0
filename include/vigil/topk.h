/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topk.h: bounded tallies of what is audited, for "vigilctl top" and the
 * per-key metrics (docs/operating.md, "vigilctl top"). Each dimension
 * (rule key, executable, syscall, uid) is a space-saving summary
 * (Metwally et al., 2005) of VG_TOPK_K counters: an item not counted
 * replaces the smallest counter and inherits its count as its error.
 * Guarantees, with N events tallied: every count over-estimates the true
 * one by at most its err <= N / K, and every item seen more than N / K
 * times is in the table. Memory is fixed; nothing is allocated per event.
 */
#ifndef VIGIL_TOPK_H
#define VIGIL_TOPK_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/event.h"

#define VG_TOPK_K	64		/* counters per dimension */
#define VG_TOPK_KEYLEN	48		/* bytes of an item kept */
#define VG_TOPK_BUCKETS	128		/* hash buckets (power of two) */

struct vg_topk_item {
	uint64_t	count;		/* >= the true count */
	uint64_t	err;		/* count - err <= true count */
	uint32_t	hash;
	uint8_t		len;
	int8_t		next;		/* bucket chain, -1 ends */
	char		key[VG_TOPK_KEYLEN];	/* zero-padded */
};

struct vg_topk {
	struct vg_topk_item	it[VG_TOPK_K];
	int8_t			bucket[VG_TOPK_BUCKETS];	/* -1 empty */
	int8_t			last;		/* item of the last add, -1 */
	int8_t			last2;		/* and of the one before */
	uint32_t		gen[VG_TOPK_K];	/* times an item was replaced */
	int			n;
	uint64_t		total;		/* items tallied */
};

void	vg_topk_init(struct vg_topk *);
/* Counts one occurrence of key (cut at VG_TOPK_KEYLEN bytes). */
void	vg_topk_add(struct vg_topk *, const char *key, size_t len);
/* Copies the items sorted by count, largest first; returns how many. */
int	vg_topk_sorted(const struct vg_topk *, struct vg_topk_item *out,
	    int max);

enum vg_top_dim { VG_TOP_KEY, VG_TOP_EXE, VG_TOP_SYSCALL, VG_TOP_UID,
	VG_TOP_NDIM };

/* The end of a SYSCALL record from "uid=" on (uid, gid..., comm, exe,
 * key: the same for every event of one process and rule), with where the
 * three values are in it: an event whose record ends the same way takes
 * them from there, without a search. */
#define VG_TOP_TAILS	4
#define VG_TOP_TAILLEN	256
struct vg_top_tail {
	uint16_t	len;		/* 0: empty */
	uint16_t	uid_len, exe_off, exe_len, key_off, key_len;
	int8_t		item[VG_TOP_NDIM];	/* counted last: tried first */
	uint32_t	gen[VG_TOP_NDIM];	/* its topk gen[] then */
	char		text[VG_TOP_TAILLEN];
};

/* The four tallies of the events a pipeline emitted. */
struct vg_top {
	struct vg_topk		dim[VG_TOP_NDIM];
	uint64_t		events;
	struct vg_top_tail	tail[VG_TOP_TAILS];
	unsigned		tail_next;	/* replaced next */
	unsigned		tail_last;	/* hit last: tried first */
};

/* Whether to keep the tallies: a live vigild does unless VIGIL_TOP=0, a
 * replay only with VIGIL_TOP set to something else (cost A/B tests). */
int		 vg_top_wanted(int live);
struct vg_top	*vg_top_new(void);
void		 vg_top_free(struct vg_top *);
/* Tallies one event: key=, exe=, uid= and arch/syscall of its SYSCALL
 * record (else of its first record; "(none)" where absent). */
void		 vg_top_event(struct vg_top *, const struct vg_event *);
const char	*vg_top_dim_name(enum vg_top_dim);
/* An item as shown: hex keys and paths decoded, "arch/nr" as the
 * syscall's name. Writes at most size bytes (NUL included). */
void		 vg_top_label(enum vg_top_dim, const struct vg_topk_item *,
		    char *out, size_t size);

#endif
