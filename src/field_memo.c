/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * field_memo.c: a four-way set-associative table (LRU) of (record text,
 * kind, field name) -> where the field is in the text (field_memo.h).
 * A slot holds a copy of the text; lookups compare text, kind and name
 * whole, so a hit is exact. An entry is kept the second time its text
 * is seen. Memory: the slots and seen hashes (240 KiB, allocated on the
 * first lookup) and at most SLOTS texts of MAX_TEXT bytes. Never logs.
 */
#include <stdlib.h>
#include <string.h>

#include "field_memo.h"
#include "vigil/texthash.h"

#define WAYS		4
#define SLOTS		2048	/* in sets of WAYS */
#define SEEN		8192	/* hashes of texts seen once, in pairs */
#define MAX_TEXT	2048

struct slot {
	uint64_t	 hash;
	char		*text;		/* NULL: empty */
	uint32_t	 tlen;
	uint16_t	 tag;
	uint8_t		 nlen;
	uint8_t		 found;
	char		 name[VG_FMEMO_NAME];
	uint32_t	 koff, klen, voff, vlen;	/* in text */
	uint8_t		 vkind, flags;
	int		 dkind;
	uint64_t	 used;		/* last get or put, for LRU */
	uint64_t	 id;		/* vg_fmemo_hit_id */
};

struct vg_fmemo {
	uint64_t	 clock;
	uint64_t	 hit_id;
	struct slot	 s[SLOTS];
	uint64_t	 seen[SEEN];
};

/* Entry identities, one sequence for every memo of the process. */
static uint64_t next_id;

struct vg_fmemo *
vg_fmemo_new(void)
{
	return calloc(1, sizeof(struct vg_fmemo));
}

void
vg_fmemo_free(struct vg_fmemo *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < SLOTS; i++)
		free(m->s[i].text);
	free(m);
}

uint64_t
vg_fmemo_hash(struct vg_str text, unsigned tag, struct vg_str name)
{
	uint64_t w = 0;

	/* names are short: their first 8 bytes and length pick apart the
	 * entries of one text; the compare does the rest */
	if (name.len > 0)
		memcpy(&w, name.p, name.len < 8 ? name.len : 8);
	return vg_text_mix(vg_text_hash(tag, text.p, text.len) ^ name.len,
	    w);
}

static int
same(const struct slot *s, uint64_t hash, struct vg_str text, unsigned tag,
    struct vg_str name)
{
	return s->text != NULL && s->hash == hash && s->tlen == text.len &&
	    s->tag == tag && s->nlen == name.len && (name.len == 0 ||
	    memcmp(s->name, name.p, name.len) == 0) && (text.len == 0 ||
	    memcmp(s->text, text.p, text.len) == 0);
}

/* The first slot of hash's set. */
static struct slot *
set_of(struct vg_fmemo *m, uint64_t hash)
{
	return &m->s[hash % (SLOTS / WAYS) * WAYS];
}

int
vg_fmemo_get(struct vg_fmemo *m, uint64_t hash, struct vg_str text,
    unsigned tag, struct vg_str name, struct vg_field *f, int *dkind,
    int *keep)
{
	struct slot *s = set_of(m, hash);
	unsigned i;

	m->hit_id = 0;
	for (i = 0; i < WAYS; i++, s++) {
		if (!same(s, hash, text, tag, name))
			continue;
		s->used = ++m->clock;
		m->hit_id = s->id;
		if (!s->found)
			return 0;
		f->key = vg_str_make(text.p + s->koff, s->klen);
		f->val = vg_str_make(text.p + s->voff, s->vlen);
		f->kind = s->vkind;
		f->flags = s->flags;
		*dkind = s->dkind;
		return 1;
	}
	*keep = vg_text_seen(m->seen, SEEN / 2, hash);
	return -1;
}

uint64_t
vg_fmemo_hit_id(const struct vg_fmemo *m)
{
	return m->hit_id;
}

/* Whether s lies in text (an empty s at its end too). */
static int
inside(struct vg_str s, struct vg_str text)
{
	return s.p >= text.p && s.len <= text.len &&
	    (size_t)(s.p - text.p) <= text.len - s.len;
}

void
vg_fmemo_put(struct vg_fmemo *m, uint64_t hash, struct vg_str text,
    unsigned tag, struct vg_str name, int found, const struct vg_field *f,
    int dkind)
{
	struct slot *set = set_of(m, hash), *s = set;
	char *t;
	unsigned i;

	if (text.len > MAX_TEXT || name.len > VG_FMEMO_NAME ||
	    tag > UINT16_MAX || (found && (!inside(f->key, text) ||
	    !inside(f->val, text))))
		return;
	/* an empty slot, else the one used longest ago */
	for (i = 1; i < WAYS && s->text != NULL; i++)
		if (set[i].text == NULL || set[i].used < s->used)
			s = &set[i];
	if ((t = malloc(text.len > 0 ? text.len : 1)) == NULL)
		return;
	free(s->text);
	memset(s, 0, sizeof(*s));
	if (text.len > 0)
		memcpy(t, text.p, text.len);
	s->text = t;
	s->hash = hash;
	s->tlen = (uint32_t)text.len;
	s->tag = (uint16_t)tag;
	s->nlen = (uint8_t)name.len;
	if (name.len > 0)
		memcpy(s->name, name.p, name.len);
	s->used = ++m->clock;
	s->id = __atomic_add_fetch(&next_id, 1, __ATOMIC_RELAXED);
	s->found = found != 0;
	s->dkind = dkind;
	if (!found)
		return;
	s->koff = (uint32_t)(f->key.p - text.p);
	s->klen = (uint32_t)f->key.len;
	s->voff = (uint32_t)(f->val.p - text.p);
	s->vlen = (uint32_t)f->val.len;
	s->vkind = f->kind;
	s->flags = f->flags;
}
