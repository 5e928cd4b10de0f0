/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * topk.c: space-saving top-K tallies (topk.h) and the per-event tally of
 * rule key, executable, syscall and uid for "vigilctl top". On the event
 * path: one pass over a few tokens of the SYSCALL record, no allocation;
 * a miss costs a scan of VG_TOPK_K counters for the smallest. Decoding
 * (hex, syscall names) is left to vg_top_label, off the event path.
 */
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
}

/* Keys are hashed and compared as zero-padded 8-byte words: a key is
 * copied once into a padded buffer, then nothing works byte by byte. */
#define KWORDS	(VG_TOPK_KEYLEN / 8)

static uint32_t
hash(const uint64_t *w, size_t nw, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len;
	size_t i;

	for (i = 0; i < nw; i++) {
		h = (h ^ w[i]) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return (uint32_t)(h ^ (h >> 29));
}

static int
same(const char *a, const uint64_t *w, size_t nw)
{
	uint64_t x;
	size_t i;

	for (i = 0; i < nw; i++) {
		memcpy(&x, a + 8 * i, 8);
		if (x != w[i])
			return 0;
	}
	return 1;
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

void
vg_topk_add(struct vg_topk *t, const char *key, size_t len)
{
	uint64_t w[KWORDS] = { 0 };
	uint64_t min;
	uint32_t h;
	size_t nw;
	int i, b;

	if (len > VG_TOPK_KEYLEN)
		len = VG_TOPK_KEYLEN;
	memcpy(w, key, len);
	nw = (len + 7) / 8;
	h = hash(w, nw, len);
	b = (int)(h & (VG_TOPK_BUCKETS - 1));
	t->total++;
	for (i = t->bucket[b]; i != -1; i = t->it[i].next)
		if (t->it[i].hash == h && t->it[i].len == len &&
		    same(t->it[i].key, w, nw)) {
			t->it[i].count++;
			return;
		}
	if (t->n < VG_TOPK_K) {
		i = t->n++;
		min = 0;
	} else {
		/* the smallest counter gives its place and its count */
		int j;

		i = 0;
		for (j = 1; j < VG_TOPK_K; j++)
			if (t->it[j].count < t->it[i].count)
				i = j;
		min = t->it[i].count;
		unlink_item(t, i);
	}
	t->it[i].count = min + 1;
	t->it[i].err = min;
	t->it[i].hash = h;
	t->it[i].len = (uint8_t)len;
	memcpy(t->it[i].key, w, sizeof(w));	/* zero-padded */
	t->it[i].next = t->bucket[b];
	t->bucket[b] = (int8_t)i;
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

/* The value of the token at p (up to a space or end). */
static size_t
token_len(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));

	return (size_t)((sp != NULL ? sp : end) - p);
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

/* The token after "NAME=" among the first max tokens of [b, end). */
static const char *
find_token(const char *b, const char *end, const char *name, size_t nlen,
    int max, size_t *len)
{
	const char *p = b, *sp;
	int i;

	for (i = 0; i < max && p < end; i++) {
		if ((size_t)(end - p) > nlen && memcmp(p, name, nlen) == 0) {
			*len = token_len(p + nlen, end);
			return p + nlen;
		}
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			break;
		p = sp + 1;
	}
	return NULL;
}

void
vg_top_event(struct vg_top *top, const struct vg_event *ev)
{
	const char *b, *end, *p, *key = none, *exe = none, *uid = none;
	size_t klen = sizeof(none) - 1, elen = klen, ulen = klen, i, n;
	char sc[40];
	size_t sclen = klen;
	int tok;

	top->events++;
	memcpy(sc, none, sclen);
	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_SYSCALL)
			break;
	if (i == ev->nrecs) {
		/* no syscall: a user message names uid and exe; others
		 * (AVC, CONFIG_CHANGE...) are tallied as (none), unscanned */
		if (ev->nrecs > 0 && user_type(ev->recs[0].type)) {
			b = ev->recs[0].body.p;
			end = b + ev->recs[0].body.len;
			if ((p = find_token(b, end, "uid=", 4, 4, &n)) != NULL) {
				uid = p;
				ulen = n;
			}
			/* "... exe=\"/x\" hostname=? addr=? terminal=?
			 * res=success'": near the end, as in a syscall */
			p = end;
			for (tok = 0; tok < 8 && p > b; tok++) {
				const char *s = memrchr(b, ' ',
				    (size_t)(p - b));

				s = s != NULL ? s + 1 : b;
				if (AT(s, p, "exe=")) {
					exe = s + 4;
					elen = (size_t)(p - exe);
					break;
				}
				p = s > b ? s - 1 : b;
			}
		}
		goto add;
	}
	b = ev->recs[i].body.p;
	end = b + ev->recs[i].body.len;
	if (AT(b, end, "arch=")) {
		/* "arch=c000003e syscall=59 ...": kept as "c000003e/59" */
		p = b + 5;
		n = token_len(p, end);
		if (n < 16 && p + n + 9 < end && AT(p + n, end, " syscall=")) {
			memcpy(sc, p, n);
			sc[n] = '/';
			sclen = n + 1;
			p += n + 9;
			n = token_len(p, end);
			if (n > sizeof(sc) - sclen)
				n = sizeof(sc) - sclen;
			memcpy(sc + sclen, p, n);
			sclen += n;
		}
	}
	/* the kernel writes uid= as the 13th token (after auid=) */
	if ((p = find_token(b, end, "uid=", 4, 16, &n)) != NULL) {
		uid = p;
		ulen = n;
	}
	/* "... exe=\"/bin/x\" subj=... key=\"k\"": the last tokens;
	 * values with a space in them are hex, never split */
	p = end;
	for (tok = 0; tok < 6 && p > b; tok++) {
		const char *s = memrchr(b, ' ', (size_t)(p - b));

		s = s != NULL ? s + 1 : b;
		if (AT(s, p, "key=")) {
			key = s + 4;
			klen = (size_t)(p - key);
		} else if (AT(s, p, "exe=")) {
			exe = s + 4;
			elen = (size_t)(p - exe);
			break;
		}
		p = s > b ? s - 1 : b;
	}
add:
	vg_topk_add(&top->dim[VG_TOP_KEY], key, klen);
	vg_topk_add(&top->dim[VG_TOP_EXE], exe, elen);
	vg_topk_add(&top->dim[VG_TOP_SYSCALL], sc, sclen);
	vg_topk_add(&top->dim[VG_TOP_UID], uid, ulen);
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
	const char *slash, *name;
	char tmp[VG_TOPK_KEYLEN + 1];
	unsigned long arch;
	long nr;
	char *e;

	if (d == VG_TOP_SYSCALL && (slash = memchr(it->key, '/', it->len)) !=
	    NULL) {
		memcpy(tmp, it->key, it->len);
		tmp[it->len] = '\0';
		tmp[slash - it->key] = '\0';
		arch = strtoul(tmp, &e, 16);
		nr = strtol(tmp + (slash - it->key) + 1, NULL, 10);
		name = *e == '\0' ? vg_syscall_name(vg_arch_from_audit(
		    (uint32_t)arch), (int)nr) : NULL;
		if (name != NULL) {
			value(name, strlen(name), out, size);
			return;
		}
	}
	value(it->key, it->len, out, size);
}
