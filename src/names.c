/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * names.c: the member names of one object, filed as the members are
 * written (struct vg_names in names.h, whose inline fast path files a
 * name nothing can have yet): "is this name taken" and "the name for a
 * new member" (NAME_2, NAME_3, ... for a taken one) in O(1) each,
 * whatever names a forged record repeats. Knows nothing of the layout;
 * arena memory only; never logs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "names.h"

/*
 * The big table's hash is keyed with a random seed per process: record
 * text chooses the names, and a fixed hash would let it choose names that
 * all land in one slot (every lookup a walk of the whole cluster). The
 * small list needs no key: at most VG_NAMES_SMALL names, so even if all
 * collide a lookup is bounded. Layout runs on one thread at a time per
 * state; the seed is set once, before any table is big.
 */
static uint64_t	seed[2];
static int	seeded;

static void
seed_init(void)
{
	struct timespec ts;

	if (getrandom(seed, sizeof(seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(seed)) {
		/* early boot without entropy yet: weaker, still not fixed */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
		    (uint64_t)ts.tv_sec ^ (uint64_t)getpid() << 32;
		seed[1] = (uint64_t)(uintptr_t)&ts * 0xff51afd7ed558ccdull ^
		    seed[0] >> 17;
	}
	seed[0] |= 1;
	seeded = 1;
}

/* 64x64 -> 128 bit multiply, halves folded: every input bit reaches
 * every output bit, through the (unknown) seed. */
static inline uint64_t
mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint32_t
keyed_hash(struct vg_str k)
{
	const char *p = k.p;
	size_t n = k.len;
	uint64_t h = seed[0] ^ n, w;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&w, p, 8);
		h = mum(w ^ seed[1], h ^ 0x9e3779b97f4a7c15ull);
	}
	if (n > 0) {
		w = 0;
		memcpy(&w, p, n);
		h = mum(w ^ seed[1], h ^ 0x9e3779b97f4a7c15ull);
	}
	return (uint32_t)(mum(h, seed[0]) >> 32);
}

static inline int
same(const struct vg_nent *e, struct vg_str k)
{
	return e->len == k.len && (k.len == 0 || memcmp(e->p, k.p, k.len) ==
	    0);
}

/* The big table's slot of k (keyed hash h), or the empty slot where it
 * would go. */
static struct vg_nent *
probe(const struct vg_names *t, struct vg_str k, uint32_t h)
{
	struct vg_nent *s;
	uint32_t i;

	for (i = h & t->mask;; i = (i + 1) & t->mask) {
		s = &t->big[i];
		if (s->p == NULL || (s->hash == h && same(s, k)))
			return s;
	}
}

/* The entry of name k (cheap hash h), or NULL. */
static struct vg_nent *
find(const struct vg_names *t, struct vg_str k, uint32_t h)
{
	struct vg_nent *s;
	uint32_t i;

	if (t->big != NULL) {
		s = probe(t, k, keyed_hash(k));
		return s->p != NULL ? s : NULL;
	}
	if (!(t->bloom[VG_NAMES_WORD(h)] & VG_NAMES_BIT(h)))
		return NULL;
	for (i = 0; i < t->n; i++)
		if (t->ent[i].hash == h && same(&t->ent[i], k))
			return (struct vg_nent *)&t->ent[i];
	return NULL;
}

int
vg_names_has_h(const struct vg_names *t, struct vg_str k, uint32_t h)
{
	return find(t, k, h) != NULL;
}

/* Room in the big table for one more name at most half full: 0, or -1
 * (arena exhausted). The first time, the small list moves there. */
static int
grow(struct vg_names *t, struct vg_arena *a)
{
	struct vg_nent *old = t->big, *s, *o;
	size_t size, oldn, i;

	if (old != NULL && (size_t)t->n + 1 <= ((size_t)t->mask + 1) / 2)
		return 0;
	if (!seeded)
		seed_init();
	oldn = old != NULL ? (size_t)t->mask + 1 : t->n;
	size = old != NULL ? oldn * 2 : 4 * VG_NAMES_SMALL;
	if (size > UINT32_MAX / 2 ||
	    (s = vg_arena_calloc(a, size * sizeof(*s))) == NULL)
		return -1;
	t->big = s;
	t->mask = (uint32_t)size - 1;
	for (i = 0; i < oldn; i++) {
		o = old != NULL ? &old[i] : &t->ent[i];
		if (o->p == NULL)
			continue;
		if (old == NULL)
			o->hash = keyed_hash(vg_str_make(o->p, o->len));
		*probe(t, vg_str_make(o->p, o->len), o->hash) = *o;
	}
	return 0;
}

/* Files k, not there (cheap hash h); -1 if the arena is exhausted. */
static int
add(struct vg_names *t, struct vg_arena *a, struct vg_str k, uint32_t h)
{
	struct vg_nent *s;

	if (t->big == NULL && t->n < VG_NAMES_SMALL) {
		t->bloom[VG_NAMES_WORD(h)] |= VG_NAMES_BIT(h);
		s = &t->ent[t->n];
		/* an empty name from a NULL slice must not look empty */
		s->p = k.p != NULL ? k.p : "";
	} else {
		if (grow(t, a) == -1)
			return -1;
		h = keyed_hash(k);
		s = probe(t, k, h);
		s->p = k.p != NULL ? k.p : "";
	}
	s->len = (uint32_t)k.len;
	s->hash = h;
	s->next = 2;
	t->n++;
	return 0;
}

int
vg_names_file(struct vg_names *t, struct vg_arena *a, struct vg_str k,
    struct vg_str *name)
{
	struct vg_nent *base;
	struct vg_str c;
	uint32_t sfx, h = vg_name_hash(k.p, k.len);
	char *buf;
	int len;

	*name = k;
	if (k.len > UINT32_MAX / 2)
		return -1;
	if ((base = find(t, k, h)) == NULL)
		return add(t, a, k, h);
	/*
	 * Taken: the first NAME_N from the base's counter on that no member
	 * has (every N below it was taken when tried, and names are never
	 * given back). One buffer for every try; the winner keeps it.
	 */
	if ((buf = vg_arena_alloc(a, k.len + 16)) == NULL)
		return -1;
	if (k.len > 0)
		memcpy(buf, k.p, k.len);
	for (sfx = base->next;; sfx++) {
		len = snprintf(buf + k.len, 16, "_%u", (unsigned)sfx);
		if (len < 0 || len >= 16)
			return -1;
		c = vg_str_make(buf, k.len + (size_t)len);
		if (!vg_names_has(t, c))
			break;
	}
	base->next = sfx + 1;		/* before add() may move entries */
	if (add(t, a, c, vg_name_hash(c.p, c.len)) == -1)
		return -1;
	*name = c;
	return 1;
}
