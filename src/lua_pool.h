/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lua_pool.h: small blocks for a Lua state's allocator (filter_lua.c).
 * A filter call makes a few short-lived objects (the event's table, the
 * record tables it reads, strings), which malloc and free one by one
 * cost more than the filter's own instructions. Blocks of up to
 * VG_LPOOL_MAX bytes come from free lists per 16-byte class, carved from
 * 64 KiB slabs, and go back to their list; slabs are freed with the pool.
 * The pool is not thread-safe (one per Lua state). Built with
 * AddressSanitizer, every block is malloc'd (the pool is off) so that
 * use-after-free in the Lua heap stays visible.
 */
#ifndef VIGIL_LUA_POOL_H
#define VIGIL_LUA_POOL_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define VG_LPOOL_MAX		256	/* bytes: larger blocks are malloc'd */
#define VG_LPOOL_CLASSES	(VG_LPOOL_MAX / 16)

struct vg_lpool_slab;

struct vg_lpool {
	void			*free[VG_LPOOL_CLASSES];
	struct vg_lpool_slab	*slabs;
	char			*cur;		/* unused part of the newest slab */
	size_t			 left;
	size_t			 slab_bytes;	/* held in slabs, for tests */
};

#if defined(__SANITIZE_ADDRESS__)
#define VG_LPOOL_ON	0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VG_LPOOL_ON	0
#endif
#endif
#ifndef VG_LPOOL_ON
#define VG_LPOOL_ON	1
#endif

/* Whether blocks of n bytes come from the pool (n > 0). */
static inline int
vg_lpool_small(size_t n)
{
	return VG_LPOOL_ON && n <= VG_LPOOL_MAX;
}

/* The class of a block of n (1..VG_LPOOL_MAX) bytes. */
static inline size_t
vg_lpool_class(size_t n)
{
	return (n + 15) / 16 - 1;
}

/* A block of n bytes from a new slab (the lists of its class empty). */
void	*vg_lpool_carve(struct vg_lpool *, size_t n);

/* A block of n (1..VG_LPOOL_MAX) bytes, or NULL (no memory). */
static inline void *
vg_lpool_get(struct vg_lpool *p, size_t n)
{
	void **head = &p->free[vg_lpool_class(n)];
	void *b;

	if ((b = *head) == NULL)
		return vg_lpool_carve(p, n);
	memcpy(head, b, sizeof(void *));
	return b;
}

/* Gives back p, a block got for n bytes (or for a size of its class). */
static inline void
vg_lpool_put(struct vg_lpool *p, void *b, size_t n)
{
	void **head = &p->free[vg_lpool_class(n)];

	memcpy(b, head, sizeof(void *));
	*head = b;
}

/* Frees every slab: every block of the pool is invalid afterwards. */
void	vg_lpool_release(struct vg_lpool *);

/* The rare cases of vg_lpool_realloc: a large new block, a resize. */
void	*vg_lpool_resize(struct vg_lpool *, void *ptr, size_t osize,
	    size_t nsize);

/*
 * The lua_Alloc contract on a pool: block ptr of osize bytes (ptr NULL:
 * a new one, osize 0) to nsize bytes (0: freed, returns NULL). NULL when
 * no memory, never when shrinking a block (Lua relies on that). Freeing
 * and new small blocks, nearly every call, are inline.
 */
static inline void *
vg_lpool_realloc(struct vg_lpool *p, void *ptr, size_t osize, size_t nsize)
{
	if (nsize == 0) {
		if (ptr != NULL && vg_lpool_small(osize))
			vg_lpool_put(p, ptr, osize);
		else
			free(ptr);	/* NULL: an empty part of a table */
		return NULL;
	}
	if (ptr == NULL && vg_lpool_small(nsize))
		return vg_lpool_get(p, nsize);
	return vg_lpool_resize(p, ptr, osize, nsize);
}

#endif
