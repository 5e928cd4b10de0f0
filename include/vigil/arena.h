/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arena.h: per-event bump allocator. Memory is handed out from chunks and
 * released all at once by vg_arena_reset(); chunks are kept for reuse so a
 * steady stream of events allocates nothing from malloc.
 */
#ifndef VIGIL_ARENA_H
#define VIGIL_ARENA_H

#include <stddef.h>

struct vg_arena_chunk;

struct vg_arena {
	struct vg_arena_chunk	*head;	/* chunk being filled */
	struct vg_arena_chunk	*spare;	/* reset chunks kept for reuse */
	size_t			 used;	/* bytes handed out since reset */
	size_t			 limit;	/* 0 = no limit; else max bytes */
	char			*cur;	/* free space in head: cur..lim */
	char			*lim;
};

void	 vg_arena_init(struct vg_arena *, size_t limit);
/* Returns 8-byte aligned memory, or NULL with errno ENOMEM (limit or malloc).
 * The fast path (room in the current chunk) is inline: decode allocates
 * a node per field. */
void	*vg_arena_alloc_slow(struct vg_arena *, size_t);

static inline void *
vg_arena_alloc(struct vg_arena *a, size_t n)
{
	size_t need = (n + 7) & ~(size_t)7;
	char *p = a->cur;

	if (__builtin_expect(need >= n && (size_t)(a->lim - p) >= need &&
	    (a->limit == 0 || a->used + need <= a->limit), 1)) {
		a->cur = p + need;
		a->used += need;
		return p;
	}
	return vg_arena_alloc_slow(a, n);
}
void	*vg_arena_calloc(struct vg_arena *, size_t);
/* Copies len bytes and appends a NUL; returns the copy or NULL. */
char	*vg_arena_strndup(struct vg_arena *, const char *, size_t);
void	 vg_arena_reset(struct vg_arena *);
void	 vg_arena_free(struct vg_arena *);

#endif
