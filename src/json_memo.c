/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_memo.c: a two-way set-associative table (LRU) of record text ->
 * JSON members (json_memo.h). A slot holds one entry in one allocation:
 * the text, the JSON, the names and the rule key bytes. Lookups hash the
 * text and compare it whole, so a hit is exact. Text is kept the second
 * time it is seen.
 */
#include <stdlib.h>
#include <string.h>

#include "json_memo.h"
#include "vigil/texthash.h"

#define SLOTS		2048	/* in sets of two */
#define SEEN		4096	/* hashes of texts seen once, in pairs */
#define MAX_TEXT	2048
#define MAX_JSON	(4 * MAX_TEXT)

struct slot {
	uint64_t		 hash;
	uint32_t		 tag;
	size_t			 tlen;
	char			*mem;	/* names, text, json, key and name
					 * bytes; NULL: empty */
	const char		*text;
	uint64_t		 used;	/* last get or put, for LRU */
	struct vg_memo_ent	 e;
};

#define LAST		256	/* the last slot hit, by tag and length */

struct vg_memo {
	uint64_t	clock;
	char		**retired;	/* replaced this event, freed at */
	size_t		 nretired, capretired;	/* the next one */
	struct slot	*last[LAST];
	struct slot	s[SLOTS];
	uint64_t	seen[SEEN];
};

struct vg_memo *
vg_memo_new(void)
{
	return calloc(1, sizeof(struct vg_memo));
}

void
vg_memo_free(struct vg_memo *m)
{
	size_t i;

	if (m == NULL)
		return;
	vg_memo_event(m);
	free(m->retired);
	for (i = 0; i < SLOTS; i++)
		free(m->s[i].mem);
	free(m);
}

const struct vg_memo_ent *
vg_memo_get(struct vg_memo *m, uint32_t tag, const char *text, size_t len,
    uint64_t *hash, int *keep)
{
	struct slot *s, **last = &m->last[((tag + (uint32_t)len * 0x10001u) *
	    0x9e3779b1u) >> 24];

	/* the text of the last hit under this tag and length again (a
	 * process's PROCTITLE, its repeated call: the calls of a process
	 * differ in length more often than not): compared, not hashed */
	if ((s = *last) != NULL && s->mem != NULL && s->tag == tag &&
	    s->tlen == len && memcmp(s->text, text, len) == 0) {
		s->used = ++m->clock;
		return &s->e;
	}
	*hash = vg_text_hash(tag, text, len);
	s = &m->s[*hash % (SLOTS / 2) * 2];
	if (s->hash != *hash)
		s++;
	if (s->mem != NULL && s->hash == *hash && s->tag == tag &&
	    s->tlen == len && memcmp(s->text, text, len) == 0) {
		s->used = ++m->clock;
		*last = s;
		return &s->e;
	}
	*keep = vg_text_seen(m->seen, SEEN / 2, *hash);
	return NULL;
}

/* Keeps old for vg_memo_event() to free; -1 without memory. */
static int
retire(struct vg_memo *m, char *old)
{
	char **r;
	size_t cap;

	if (m->nretired == m->capretired) {
		cap = m->capretired ? m->capretired * 2 : 16;
		if ((r = realloc(m->retired, cap * sizeof(*r))) == NULL)
			return -1;
		m->retired = r;
		m->capretired = cap;
	}
	m->retired[m->nretired++] = old;
	return 0;
}

void
vg_memo_event(struct vg_memo *m)
{
	size_t i;

	for (i = 0; i < m->nretired; i++)
		free(m->retired[i]);
	m->nretired = 0;
}

void
vg_memo_put(struct vg_memo *m, uint32_t tag, uint64_t hash, const char *text,
    size_t len, const struct vg_memo_ent *e)
{
	struct slot *s = &m->s[hash % (SLOTS / 2) * 2];
	size_t need, i;
	struct vg_str *nm;
	uint32_t *hs;
	char *mem, *p;

	if (len > MAX_TEXT || e->jlen > MAX_JSON || e->nkeys > VG_MEMO_KEYS)
		return;
	/* the set's other slot if it is empty or was used longer ago */
	if (s->mem != NULL && (s[1].mem == NULL || s[1].used < s->used))
		s++;
	/* the name array first: malloc alignment is the array's; then
	 * the hashes */
	need = e->nnames * (sizeof(*nm) + sizeof(uint32_t)) + len + e->jlen;
	for (i = 0; i < e->nkeys; i++)
		need += e->keys[i].len;
	for (i = 0; i < e->nnames; i++)
		need += e->names[i].len;
	if ((mem = malloc(need > 0 ? need : 1)) == NULL)
		return;
	if (s->mem != NULL && retire(m, s->mem) == -1) {
		free(mem);
		return;
	}
	s->mem = mem;
	s->hash = hash;
	s->used = ++m->clock;
	s->tag = tag;
	s->tlen = len;
	s->e = *e;
	nm = (struct vg_str *)(void *)mem;
	hs = (uint32_t *)(void *)(mem + e->nnames * sizeof(*nm));
	if (e->nnames > 0)
		memcpy(hs, e->hashes, e->nnames * sizeof(*hs));
	s->e.hashes = hs;
	p = (char *)(hs + e->nnames);
	s->text = p;
	memcpy(p, text, len);
	p += len;
	memcpy(p, e->json, e->jlen);
	s->e.json = p;
	p += e->jlen;
	for (i = 0; i < e->nkeys; i++) {
		memcpy(p, e->keys[i].p, e->keys[i].len);
		s->e.keys[i] = (struct vg_str){ p, e->keys[i].len };
		p += e->keys[i].len;
	}
	for (i = 0; i < e->nnames; i++) {
		if (e->names[i].len > 0)
			memcpy(p, e->names[i].p, e->names[i].len);
		nm[i] = (struct vg_str){ p, e->names[i].len };
		p += e->names[i].len;
	}
	s->e.names = nm;
}
