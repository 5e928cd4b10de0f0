/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topk.c: space-saving top-K tallies (topk.h) and the per-event tally of
 * rule key, executable, syscall and uid for "vigilctl top". On the event
 * path: one pass over a few tokens of the SYSCALL record, no allocation;
 * a miss costs a scan of VG_TOPK_K counters for the smallest; a SYSCALL
 * record that ends as one of the last few (vg_top_tail) is not searched.
 * Decoding
 * (hex, syscall names) is left to vg_top_label, off the event path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/rectype.h"
#include "vigil/tables.h"
#include "vigil/topk.h"

void
vg_topk_init(struct vg_topk *t)
{
	memset(t, 0, sizeof(*t));
	memset(t->bucket, -1, sizeof(t->bucket));
	t->last = t->last2 = -1;
}

/* Keys are hashed and compared as zero-padded 8-byte words, loaded
 * straight from the key (its last word byte by byte): no copy, no call. */
#define KWORDS	(VG_TOPK_KEYLEN / 8)

/* The n < 8 bytes at p as a word that has them at its start in memory,
 * as memcpy into a zeroed word would: on little-endian hosts with two
 * overlapping loads (n >= 4) or three single bytes, never a loop. */
static inline uint64_t
tail_word(const unsigned char *p, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t lo, hi;

	if (n >= 4) {
		memcpy(&lo, p, 4);
		memcpy(&hi, p + n - 4, 4);
		return (uint64_t)lo | (uint64_t)hi << (8 * (n - 4));
	}
	if (n == 0)
		return 0;
	return (uint64_t)p[0] | (uint64_t)p[n / 2] << (8 * (n / 2)) |
	    (uint64_t)p[n - 1] << (8 * (n - 1));
#else
	uint64_t x = 0;

	memcpy(&x, p, n);
	return x;
#endif
}

static inline uint64_t
load8(const unsigned char *p)
{
	uint64_t x;

	memcpy(&x, p, 8);
	return x;
}

static void
unlink_item(struct vg_topk *t, int i)
{
	int8_t *pp = &t->bucket[t->it[i].hash & (VG_TOPK_BUCKETS - 1)];

	while (*pp != -1 && *pp != i)
		pp = &t->it[(int)*pp].next;
	if (*pp == i)
		*pp = t->it[i].next;
}

/* Whether item j (>= 0) is key (len <= VG_TOPK_KEYLEN): compared, not
 * hashed. */
static inline int
item_is(const struct vg_topk *t, int j, const unsigned char *k, size_t len)
{
	const struct vg_topk_item *e = &t->it[j];
	size_t i;

	if (e->len != len)
		return 0;
	for (i = 0; i + 8 <= len; i += 8)
		if (load8((const unsigned char *)e->key + i) != load8(k + i))
			return 0;
	return i == len || load8((const unsigned char *)e->key + i) ==
	    tail_word(k + i, len - i);
}

/* The rest of an add: the hash table, or the smallest counter. Returns
 * the item counted. */
static int
add_slow(struct vg_topk *t, const unsigned char *k, size_t len)
{
	uint64_t w[KWORDS], h, x, min;
	uint32_t hv;
	size_t nw = (len + 7) / 8, i;
	int j, b;

	h = 0x9e3779b97f4a7c15ULL ^ len;
	for (i = 0; i < nw; i++) {
		x = 8 * i + 8 <= len ? load8(k + 8 * i) :
		    tail_word(k + 8 * i, len - 8 * i);
		w[i] = x;
		h = (h ^ x) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	hv = (uint32_t)(h ^ (h >> 29));
	b = (int)(hv & (VG_TOPK_BUCKETS - 1));
	for (j = t->bucket[b]; j != -1; j = t->it[j].next) {
		struct vg_topk_item *e = &t->it[j];

		if (e->hash != hv || e->len != len)
			continue;
		for (i = 0; i < nw; i++) {
			memcpy(&x, e->key + 8 * i, 8);
			if (x != w[i])
				break;
		}
		if (i == nw) {
			e->count++;
			return j;
		}
	}
	if (t->n < VG_TOPK_K) {
		j = t->n++;
		min = 0;
	} else {
		/* the smallest counter gives its place and its count */
		int m;

		j = 0;
		for (m = 1; m < VG_TOPK_K; m++)
			if (t->it[m].count < t->it[j].count)
				j = m;
		min = t->it[j].count;
		unlink_item(t, j);
		t->gen[j]++;
	}
	t->it[j].count = min + 1;
	t->it[j].err = min;
	t->it[j].hash = hv;
	t->it[j].len = (uint8_t)len;
	memset(t->it[j].key, 0, sizeof(t->it[j].key));
	memcpy(t->it[j].key, w, nw * 8);	/* zero-padded */
	t->it[j].next = t->bucket[b];
	t->bucket[b] = (int8_t)j;
	return j;
}

/* Counts key: the item hint (a guess, -1 none), the last two counted,
 * else the table. Returns the item counted. */
static inline int
topk_add(struct vg_topk *t, const char *key, size_t len, int hint)
{
	const unsigned char *k = (const unsigned char *)key;
	int j;

	if (len > VG_TOPK_KEYLEN)
		len = VG_TOPK_KEYLEN;
	t->total++;
	if (hint >= 0 && item_is(t, hint, k, len))
		j = hint;
	else if (t->last >= 0 && item_is(t, t->last, k, len))
		j = t->last;
	else if (t->last2 >= 0 && item_is(t, t->last2, k, len))
		j = t->last2;
	else
		return t->last2 = t->last, t->last = (int8_t)add_slow(t, k,
		    len);
	t->it[j].count++;
	if (j != t->last) {
		t->last2 = t->last;
		t->last = (int8_t)j;
	}
	return j;
}

void
vg_topk_add(struct vg_topk *t, const char *key, size_t len)
{
	(void)topk_add(t, key, len, -1);
}

static int
by_count(const void *a, const void *b)
{
	const struct vg_topk_item *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return memcmp(x->key, y->key, x->len);
}

int
vg_topk_sorted(const struct vg_topk *t, struct vg_topk_item *out, int max)
{
	int n = t->n < max ? t->n : max;

	memcpy(out, t->it, (size_t)t->n * sizeof(*out));
	qsort(out, (size_t)t->n, sizeof(*out), by_count);
	return n;
}

int
vg_top_wanted(int live)
{
	const char *v = getenv("VIGIL_TOP");

	if (v == NULL)
		return live;
	return strcmp(v, "0") != 0;
}

struct vg_top *
vg_top_new(void)
{
	struct vg_top *top = calloc(1, sizeof(*top));
	int d;

	if (top == NULL)
		return NULL;
	for (d = 0; d < VG_TOP_NDIM; d++)
		vg_topk_init(&top->dim[d]);
	return top;
}

void
vg_top_free(struct vg_top *top)
{
	free(top);
}

/* "NAME=" at p? */
#define AT(p, end, lit)	((size_t)((end) - (p)) >= sizeof(lit) - 1 && \
	    memcmp((p), (lit), sizeof(lit) - 1) == 0)

static const char none[] = "(none)";

/* Whether a record type is a user-space message (AUDIT_USER_* and the
 * like: 1100..1199, 2100..2999), which carries uid= and exe=. */
static int
user_type(uint32_t t)
{
	return (t >= 1100 && t <= 1199) || (t >= 2100 && t <= 2999);
}

/* The value after " uid=" in [p, end) starting before lim, up to a
 * space: found by its 'u' (memchr), of which a SYSCALL record has
 * three or four before it (success, auid), not by walking every token. */
static inline struct vg_str
find_uid(const char *b, const char *p, const char *lim, const char *end)
{
	const char *v;

	while (p < lim && (p = memchr(p, 'u', (size_t)(lim - p))) != NULL) {
		if ((p == b || p[-1] == ' ') && AT(p, end, "uid=")) {
			for (v = p + 4; v < end && *v != ' '; v++)
				;
			return vg_str_make(p + 4, (size_t)(v - p - 4));
		}
		p++;
	}
	return vg_str_make(none, sizeof(none) - 1);
}

/* The exe= value in [b, end), the last one: found from the end by its
 * 'x' (memrchr), which few values have, not token by token; unchanged
 * if absent. Values with a space in them are hex, never split. */
static inline void
find_exe(const char *b, const char *end, struct vg_str *exe)
{
	const char *p = end, *v;

	while (p - b > 2 && (p = memrchr(b + 1, 'x', (size_t)(p - b - 1))) !=
	    NULL) {
		if (p[-1] == 'e' && (p - 1 == b || p[-2] == ' ') &&
		    AT(p + 1, end, "e=")) {
			v = memchr(p + 3, ' ', (size_t)(end - p - 3));
			v = v != NULL ? v : end;
			*exe = vg_str_make(p + 3, (size_t)(v - p - 3));
			return;
		}
	}
}

/* The uid, exe and key of a record body whose end [p, end) is a kept
 * tail after a space: the values where the search would find them (the
 * kernel writes nothing like " uid=" between syscall= and uid=, and the
 * last exe= and key= are in the tail). */
static struct vg_top_tail *
tail_hit(struct vg_top *top, const char *p, const char *end,
    struct vg_str *uid, struct vg_str *exe, struct vg_str *key)
{
	struct vg_top_tail *e;
	const char *t;
	unsigned i, x;

	for (i = 0; i < VG_TOP_TAILS; i++) {
		x = (top->tail_last + i) % VG_TOP_TAILS;
		e = &top->tail[x];
		if (e->len == 0 || (size_t)(end - p) <= e->len)
			continue;
		t = end - e->len;
		/* "uid=" and a space before it, then the rest */
		if (t[-1] != ' ' || t[0] != 'u' || t[3] != '=' ||
		    memcmp(t, e->text, e->len) != 0)
			continue;
		*uid = vg_str_make(t + 4, e->uid_len);
		*exe = vg_str_make(t + e->exe_off, e->exe_len);
		*key = vg_str_make(t + e->key_off, e->key_len);
		top->tail_last = x;
		return e;
	}
	return NULL;
}

/* Keeps the tail of a body from "uid=" (at uid.p - 4) to end when the
 * exe and key found are in it. */
static struct vg_top_tail *
tail_keep(struct vg_top *top, const char *p, const char *end,
    struct vg_str uid, struct vg_str exe, struct vg_str key)
{
	struct vg_top_tail *e;
	const char *t;

	if (uid.p == none || exe.p == none || key.p == none)
		return NULL;
	t = uid.p - 4;
	if (t <= p || (size_t)(end - t) > VG_TOP_TAILLEN || exe.p < t ||
	    key.p < t || t[-1] != ' ')
		return NULL;
	top->tail_last = top->tail_next++ % VG_TOP_TAILS;
	e = &top->tail[top->tail_last];
	e->len = (uint16_t)(end - t);
	memcpy(e->text, t, e->len);
	e->uid_len = (uint16_t)uid.len;
	e->exe_off = (uint16_t)(exe.p - t);
	e->exe_len = (uint16_t)exe.len;
	e->key_off = (uint16_t)(key.p - t);
	e->key_len = (uint16_t)key.len;
	memset(e->item, -1, sizeof(e->item));
	return e;
}

void
vg_top_event(struct vg_top *top, const struct vg_event *ev)
{
	struct vg_str key = vg_str_make(none, sizeof(none) - 1), exe = key;
	struct vg_str sc = key, uid = key;
	struct vg_str v[VG_TOP_NDIM];
	struct vg_top_tail *te = NULL;
	struct vg_topk *t;
	const char *b, *end, *p, *q, *q0;
	size_t i;
	int d, j, hit = 0;

	top->events++;
	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_SYSCALL)
			break;
	if (i == ev->nrecs) {
		/* no syscall: a user message names uid and exe; others
		 * (AVC, CONFIG_CHANGE...) are tallied as (none), unscanned */
		if (ev->nrecs > 0 && user_type(ev->recs[0].type)) {
			b = ev->recs[0].body.p;
			end = b + ev->recs[0].body.len;
			/* "pid=N uid=N auid=N ...": near the start */
			uid = find_uid(b, b, end - b > 48 ? b + 48 : end, end);
			/* "... exe=\"/x\" hostname=? addr=? terminal=?
			 * res=success'": near the end, as in a syscall */
			find_exe(b, end, &exe);
		}
		goto add;
	}
	b = ev->recs[i].body.p;
	end = b + ev->recs[i].body.len;
	p = b;
	/* "arch=c000003e syscall=59 ...": "c000003e syscall=59" is kept,
	 * as written (vg_top_label names it) */
	if (AT(p, end, "arch=")) {
		/* the kernel's 8 hex digits and a short number: walked
		 * inline; else searched */
		q = end - p > 13 && p[13] == ' ' ? p + 13 :
		    memchr(p + 5, ' ', (size_t)(end - p - 5));
		if (q != NULL && AT(q, end, " syscall=")) {
			for (p = q + 9; p < end && *p != ' '; p++)
				;
			sc = vg_str_make(b + 5, (size_t)(p - b - 5));
		}
	}
	if ((te = tail_hit(top, p, end, &uid, &exe, &key)) != NULL) {
		hit = 1;
		goto add;
	}
	q0 = end;
	/* uid= is the kernel's 13th token, after auid= */
	uid = find_uid(b, p, end, end);
	/* "... exe=\"/bin/x\" subj=... key=\"k\"": key= last */
	if ((q = memrchr(p, ' ', (size_t)(end - p))) != NULL &&
	    AT(q, end, " key=")) {
		key = vg_str_make(q + 5, (size_t)(end - q - 5));
		end = q;
	}
	find_exe(p, end, &exe);
	te = tail_keep(top, p, q0, uid, exe, key);
add:
	if (te == NULL) {
		/* no tail kept: nothing to hint or note */
		(void)topk_add(&top->dim[VG_TOP_KEY], key.p, key.len, -1);
		(void)topk_add(&top->dim[VG_TOP_EXE], exe.p, exe.len, -1);
		(void)topk_add(&top->dim[VG_TOP_SYSCALL], sc.p, sc.len, -1);
		(void)topk_add(&top->dim[VG_TOP_UID], uid.p, uid.len, -1);
		return;
	}
	v[VG_TOP_KEY] = key;
	v[VG_TOP_EXE] = exe;
	v[VG_TOP_SYSCALL] = sc;
	v[VG_TOP_UID] = uid;
	for (d = 0; d < VG_TOP_NDIM; d++) {
		t = &top->dim[d];
		if (hit && d != VG_TOP_SYSCALL && (j = te->item[d]) >= 0 &&
		    t->gen[j] == te->gen[d]) {
			/* the same text as when item j counted it, and j
			 * not replaced since */
			t->total++;
			t->it[j].count++;
			continue;
		}
		j = topk_add(t, v[d].p, v[d].len, te->item[d]);
		te->item[d] = (int8_t)j;
		te->gen[d] = t->gen[j];
	}
}

const char *
vg_top_dim_name(enum vg_top_dim d)
{
	static const char *const names[] = { "key", "exe", "syscall", "uid" };

	return d < VG_TOP_NDIM ? names[d] : "?";
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* An audit value: "quoted" -> as is, HEX -> bytes (0x01 between keys
 * -> ','), (null) -> (none). */
static void
value(const char *p, size_t len, char *out, size_t size)
{
	size_t i, o = 0;

	if (size == 0)
		return;
	if (len >= 2 && p[0] == '"' && p[len - 1] == '"') {
		p++;
		len -= 2;
	} else if (len == 6 && memcmp(p, "(null)", 6) == 0) {
		p = none;
		len = sizeof(none) - 1;
	} else if (len % 2 == 0 && len > 0) {
		for (i = 0; i < len && hexval(p[i]) >= 0; i++)
			;
		if (i == len) {
			for (i = 0; i + 1 < len && o + 1 < size; i += 2) {
				char c = (char)(hexval(p[i]) * 16 +
				    hexval(p[i + 1]));

				out[o++] = c == '\001' ? ',' : c;
			}
			out[o] = '\0';
			return;
		}
	}
	if (len >= size)
		len = size - 1;
	memcpy(out, p, len);
	out[len] = '\0';
}

void
vg_top_label(enum vg_top_dim d, const struct vg_topk_item *it, char *out,
    size_t size)
{
	char tmp[VG_TOPK_KEYLEN + 1], *e;
	const char *name;
	unsigned long arch;
	long nr;

	if (size == 0)
		return;
	memcpy(tmp, it->key, it->len);
	tmp[it->len] = '\0';
	if (d == VG_TOP_SYSCALL) {
		/* "c000003e syscall=59" */
		arch = strtoul(tmp, &e, 16);
		name = NULL;
		if (e > tmp && strncmp(e, " syscall=", 9) == 0) {
			nr = strtol(e + 9, &e, 10);
			if (*e == '\0' && arch <= UINT32_MAX && nr >= 0 &&
			    nr <= INT32_MAX)
				name = vg_syscall_name(vg_arch_from_audit(
				    (uint32_t)arch), (int)nr);
		}
		if (name != NULL)
			value(name, strlen(name), out, size);
		else if ((e = strchr(tmp, ' ')) != NULL) {
			/* unknown: "arch/nr" */
			*e = '/';
			memmove(e + 1, e + 9, strlen(e + 9) + 1);
			value(tmp, strlen(tmp), out, size);
		} else
			value(tmp, strlen(tmp), out, size);
	} else if (d == VG_TOP_UID) {
		/* a number: never hex-decoded ("1000" is not 0x10 0x00) */
		(void)snprintf(out, size, "%s", tmp);
	} else
		value(it->key, it->len, out, size);
}
