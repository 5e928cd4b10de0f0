/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arena.c: per-event bump allocator. Chunks are reused after a reset, so
 * in steady state an event costs no malloc. Never frees one allocation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/arena.h"

#define CHUNK_MIN	(16 * 1024)

struct vg_arena_chunk {
	struct vg_arena_chunk	*next;
	size_t			 size;	/* bytes in data[] */
	size_t			 off;	/* bytes used */
	max_align_t		 data[];
};

void
vg_arena_init(struct vg_arena *a, size_t limit)
{
	memset(a, 0, sizeof(*a));
	a->limit = limit;
}

static struct vg_arena_chunk *
chunk_get(struct vg_arena *a, size_t need)
{
	struct vg_arena_chunk *c, **pp;
	size_t size;

	for (pp = &a->spare; (c = *pp) != NULL; pp = &c->next) {
		if (c->size >= need) {
			*pp = c->next;
			c->off = 0;
			return c;
		}
	}
	size = need < CHUNK_MIN ? CHUNK_MIN : need;
	c = malloc(sizeof(*c) + size);
	if (c == NULL)
		return NULL;
	c->size = size;
	c->off = 0;
	return c;
}

void *
vg_arena_alloc_slow(struct vg_arena *a, size_t n)
{
	struct vg_arena_chunk *c = a->head;
	size_t need = (n + 7) & ~(size_t)7;
	void *p;

	if (need < n || (a->limit && a->used + need > a->limit)) {
		errno = ENOMEM;
		return NULL;
	}
	if (c != NULL)		/* the inline path moved cur, not c->off */
		c->off = (size_t)(a->cur - (char *)c->data);
	if (c == NULL || c->size - c->off < need) {
		if ((c = chunk_get(a, need)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		c->next = a->head;
		a->head = c;
	}
	p = (char *)c->data + c->off;
	c->off += need;
	a->used += need;
	a->cur = (char *)c->data + c->off;
	a->lim = (char *)c->data + c->size;
	return p;
}

void *
vg_arena_calloc(struct vg_arena *a, size_t n)
{
	void *p = vg_arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

char *
vg_arena_strndup(struct vg_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX || (p = vg_arena_alloc(a, n + 1)) == NULL)
		return NULL;
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
vg_arena_reset(struct vg_arena *a)
{
	struct vg_arena_chunk *c, *next;
	int kept = 0;

	/* one small chunk, the usual event: it stays in place for the next
	 * (what the loops below would keep too, but for a full spare list) */
	if ((c = a->head) != NULL && c->next == NULL &&
	    c->size <= 4 * CHUNK_MIN) {
		c->off = 0;
		a->used = 0;
		a->cur = (char *)c->data;
		a->lim = (char *)c->data + c->size;
		return;
	}
	/* keep a few chunks for the next event, free the rest */
	for (c = a->spare; c != NULL; c = c->next)
		kept++;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (kept < 4 && c->size <= 4 * CHUNK_MIN) {
			c->next = a->spare;
			a->spare = c;
			kept++;
		} else
			free(c);
	}
	a->head = NULL;
	a->used = 0;
	a->cur = a->lim = NULL;
	/* the next event's first allocation takes the inline path */
	if ((c = a->spare) != NULL) {
		a->spare = c->next;
		c->next = NULL;
		c->off = 0;
		a->head = c;
		a->cur = (char *)c->data;
		a->lim = (char *)c->data + c->size;
	}
}

void
vg_arena_free(struct vg_arena *a)
{
	struct vg_arena_chunk *c, *next;

	vg_arena_reset(a);
	free(a->head);
	a->head = NULL;
	a->cur = a->lim = NULL;
	for (c = a->spare; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->spare = NULL;
}
