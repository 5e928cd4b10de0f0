/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lua_pool.c: free lists of small blocks for the Lua allocator
 * (lua_pool.h). A block's class is its size rounded up to 16 bytes, which
 * Lua always tells the allocator back (osize), so no header is needed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lua_pool.h"

#define SLAB	(64 * 1024)

struct vg_lpool_slab {
	struct vg_lpool_slab	*next;
	/* blocks follow, 16-byte aligned */
	max_align_t		 align[];
};

void *
vg_lpool_carve(struct vg_lpool *p, size_t n)
{
	size_t sz = (vg_lpool_class(n) + 1) * 16;
	struct vg_lpool_slab *s;
	void *b;

	if (p->left < sz) {
		/* the rest of the slab goes to the lists of its size */
		while (p->left >= 16) {
			size_t k = (p->left < VG_LPOOL_MAX ? p->left :
			    VG_LPOOL_MAX) & ~(size_t)15;

			vg_lpool_put(p, p->cur, k);
			p->cur += k;
			p->left -= k;
		}
		if ((s = malloc(sizeof(*s) + SLAB)) == NULL)
			return NULL;
		s->next = p->slabs;
		p->slabs = s;
		p->slab_bytes += SLAB;
		p->cur = (char *)s->align;
		p->left = SLAB;
	}
	b = p->cur;
	p->cur += sz;
	p->left -= sz;
	return b;
}

void
vg_lpool_release(struct vg_lpool *p)
{
	struct vg_lpool_slab *s, *next;

	for (s = p->slabs; s != NULL; s = next) {
		next = s->next;
		free(s);
	}
	memset(p, 0, sizeof(*p));
}

void *
vg_lpool_resize(struct vg_lpool *p, void *ptr, size_t osize, size_t nsize)
{
	int os = ptr != NULL && vg_lpool_small(osize);
	void *b;

	if (ptr == NULL)
		return malloc(nsize);		/* large: small ones are inline */
	if (os && vg_lpool_small(nsize) &&
	    vg_lpool_class(osize) == vg_lpool_class(nsize))
		return ptr;
	if (!os && !vg_lpool_small(nsize))
		return realloc(ptr, nsize);
	b = vg_lpool_small(nsize) ? vg_lpool_get(p, nsize) : malloc(nsize);
	if (b == NULL) {
		/* never fail a shrink: a malloc'd block too large for its new
		 * size joins the pool as a block of that size (its slab-less
		 * memory is lost with the state, only after a failed malloc) */
		return nsize < osize ? ptr : NULL;
	}
	memcpy(b, ptr, nsize < osize ? nsize : osize);
	if (os)
		vg_lpool_put(p, ptr, osize);
	else
		free(ptr);
	return b;
}
