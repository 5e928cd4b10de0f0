/*
 * decode_names.c: the member names of one object of the document, hashed
 * (struct vg_names in decode_priv.h): "is there a member of this name"
 * and "make every name unique" (NAME_2, NAME_3, ...) in time linear in
 * the members, whatever names a forged record repeats. Arena memory only;
 * never logs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "decode_priv.h"

struct vg_nslot {
	struct vg_node	*owner;		/* member that has the name; NULL:
					 * empty slot */
	uint32_t	 hash;
	uint32_t	 seq;		/* owner's place in the object */
	uint32_t	 next;		/* NAME_<next> is the next to try */
};

/*
 * The hash is keyed with a random seed per process: record text chooses
 * the names, and a fixed hash would let it choose names that all land in
 * one slot (every lookup a walk of the whole cluster). Decoding runs on
 * the main thread only.
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
name_hash(struct vg_str k)
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

static struct vg_str
name_of(const struct vg_names *t, const struct vg_node *n)
{
	return t->values ? n->v.s : n->key;
}

/* The slot of name k, or of the empty slot where it would go. */
static struct vg_nslot *
probe(const struct vg_names *t, struct vg_str k, uint32_t h)
{
	struct vg_nslot *s;
	struct vg_str o;
	uint32_t i;

	for (i = h & t->mask;; i = (i + 1) & t->mask) {
		s = &t->slot[i];
		if (s->owner == NULL)
			return s;
		if (s->hash != h)
			continue;
		o = name_of(t, s->owner);
		if (o.len == k.len && (k.len == 0 || memcmp(o.p, k.p, k.len) ==
		    0))
			return s;
	}
}

/* Room for want names at most half full: 0, or -1 (arena exhausted). */
static int
reserve(struct vg_names *t, struct vg_arena *a, size_t want)
{
	struct vg_nslot *old = t->slot, *s;
	size_t size = 16, i, oldsize = t->slot ? (size_t)t->mask + 1 : 0;

	if (!seeded)
		seed_init();
	if (want > UINT32_MAX / 4)
		return -1;
	while (size < want * 2)
		size *= 2;
	if (size <= oldsize)
		return 0;
	if ((t->slot = vg_arena_calloc(a, size * sizeof(*s))) == NULL) {
		t->slot = old;
		return -1;
	}
	t->mask = (uint32_t)size - 1;
	for (i = 0; i < oldsize; i++) {
		if (old[i].owner == NULL)
			continue;
		s = probe(t, name_of(t, old[i].owner), old[i].hash);
		*s = old[i];
	}
	return 0;
}

/* Files the members of obj added since the last call. */
static int
file_new(struct vg_names *t, struct vg_arena *a, const struct vg_node *obj)
{
	struct vg_node *n;
	struct vg_nslot *s;
	struct vg_str k;
	uint32_t h;

	n = t->filed != NULL ? t->filed->next : obj->v.c.head;
	if (n == NULL)
		return 0;
	if (reserve(t, a, (size_t)t->used + obj->v.c.n - t->nfiled) == -1)
		return -1;
	for (; n != NULL; n = n->next) {
		k = name_of(t, n);
		h = name_hash(k);
		s = probe(t, k, h);
		if (s->owner == NULL) {
			s->owner = n;
			s->hash = h;
			s->seq = t->nfiled;
			s->next = 2;
			t->used++;
		}
		t->nfiled++;
		t->filed = n;
	}
	return 0;
}

struct vg_node *
vg_names_get(struct vg_names *t, struct vg_arena *a, const struct vg_node *obj,
    struct vg_str k, int *oom)
{
	if (file_new(t, a, obj) == -1) {
		*oom = 1;
		return NULL;
	}
	if (t->slot == NULL)
		return NULL;
	return probe(t, k, name_hash(k))->owner;
}

/*
 * Renames member m (number seq in the object), whose name is the one of
 * slot base but not its own: base's name with the first _N (N >= 2) no
 * member before m has. A slot that a member after m has filed is m's to
 * take (that member comes out renamed in its turn): the result is what a
 * walk filing each name only when it gets to it would give.
 */
static int
rename_member(struct vg_names *t, struct vg_arena *a, struct vg_node *m,
    uint32_t seq, struct vg_nslot *base)
{
	struct vg_str k = m->key;
	struct vg_nslot *s;
	char *buf;
	uint32_t sfx, h;
	int len;

	/* one buffer for every try; the winner keeps it */
	if ((buf = vg_arena_alloc(a, k.len + 16)) == NULL)
		return -1;
	if (k.len > 0)
		memcpy(buf, k.p, k.len);
	for (sfx = base->next;; sfx++) {
		len = snprintf(buf + k.len, 16, "_%u", (unsigned)sfx);
		if (len < 0 || len >= 16)
			return -1;
		h = name_hash(vg_str_make(buf, k.len + (size_t)len));
		s = probe(t, vg_str_make(buf, k.len + (size_t)len), h);
		if (s->owner == NULL) {
			s->hash = h;
			s->next = 2;
			t->used++;
			break;
		}
		if (s->seq > seq)
			break;
	}
	base->next = sfx + 1;
	m->key = vg_str_make(buf, k.len + (size_t)len);
	s->owner = m;
	s->seq = seq;
	return 0;
}

/* Cheap hash of a name for the small table below: length and three
 * bytes; colliding names cost a memcmp, and there are few of them. */
static inline uint32_t
small_hash(struct vg_str k)
{
	if (k.len == 0)
		return 0;
	return ((uint32_t)k.len * 2654435761u) ^
	    ((uint32_t)(unsigned char)k.p[0] * 40503u) ^
	    ((uint32_t)(unsigned char)k.p[k.len - 1] * 2246822519u) ^
	    ((uint32_t)(unsigned char)k.p[k.len / 2] * 3266489917u);
}

/*
 * Whether an object of at most SMALL members repeats a name, with a table
 * on the stack: the usual record (tens of members, none repeated) needs
 * nothing more. Even if every name collides it is SMALL^2 / 2 compares.
 */
#define SMALL	64
static int
small_has_repeat(const struct vg_node *obj)
{
	const struct vg_node *tab[2 * SMALL], *n, *m;
	uint32_t i, mask = 2 * SMALL - 1;

	memset(tab, 0, sizeof(tab));
	for (n = obj->v.c.head; n != NULL; n = n->next) {
		for (i = small_hash(n->key) & mask; (m = tab[i]) != NULL;
		    i = (i + 1) & mask)
			if (m->key.len == n->key.len && (n->key.len == 0 ||
			    memcmp(m->key.p, n->key.p, n->key.len) == 0))
				return 1;
		tab[i] = n;
	}
	return 0;
}

int
vg_names_unique(struct vg_names *t, struct vg_arena *a, struct vg_node *obj)
{
	struct vg_node *m;
	struct vg_nslot *s;

	if (t->values) {
		errno = EINVAL;
		return -1;
	}
	/* nothing hashed yet and nothing repeated: nothing to keep either
	 * (a later call checks the whole object again, as cheaply) */
	if (t->slot == NULL && obj->v.c.n <= SMALL && !small_has_repeat(obj))
		return 0;
	m = t->unique != NULL ? t->unique->next : obj->v.c.head;
	if (m == NULL)
		return 0;
	/* every member filed, and room for a new name per member: slots
	 * do not move below */
	if (file_new(t, a, obj) == -1 ||
	    reserve(t, a, (size_t)t->used + obj->v.c.n - t->nunique) == -1)
		return -1;
	for (; m != NULL; m = m->next) {
		s = probe(t, m->key, name_hash(m->key));
		/* filed, so there; a later member never has the slot of a
		 * name m had when it was filed */
		if (s->owner != m && rename_member(t, a, m, t->nunique, s) ==
		    -1)
			return -1;
		t->nunique++;
		t->unique = m;
	}
	return 0;
}
