/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h: JSON text (RFC 8259): a document tree -> one line, appended to
 * a buffer with a trailing '\n'; one string; and the streaming writer
 * (vg_jw_*) the JSON sink writes with, inline because the layout driver
 * calls it for every member. Control characters are \u-escaped; bytes
 * that are not valid UTF-8 are written as \udcXX (lone low surrogates,
 * the "surrogateescape" convention): lossless, see docs/events.md.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include "vigil/buf.h"
#include "vigil/event.h"
#include "vigil/node.h"
#include "vigil/num.h"

void	vg_json_write(const struct vg_node *, struct vg_buf *);
/* The event's line: ev->json if the pipeline wrote it directly, else the
 * document written by vg_json_write(). */
void	vg_json_event(const struct vg_event *, const struct vg_node *,
	    struct vg_buf *);
/* One string value, quotes included. */
void	vg_json_string(const char *, size_t, struct vg_buf *);
/* A node's value as JSON (no newline), as vg_json_write writes it. */
void	vg_json_node(const struct vg_node *, struct vg_buf *);
/*
 * Where the value of member key of the object at p is: 1 and its bytes
 * [*from, *to) (offsets from p), 0 if the object has no member key (or
 * only one whose name has an escape). For the writers' own JSON: one
 * object, no white space.
 */
int	vg_json_member_span(const char *p, size_t len, struct vg_str key,
	    size_t *from, size_t *to);
/* The same, where the value starts only (*from): its end not sought. */
int	vg_json_member_start(const char *p, size_t len, struct vg_str key,
	    size_t *from);

/* A member of an object the writers wrote: its name's bytes between the
 * quotes (esc: it has an escape), where it starts (its opening quote)
 * and its value's bytes [vfrom, vto). */
struct vg_json_member {
	struct vg_str	 name;
	int		 esc;
	size_t		 from, vfrom, vto;
};
/*
 * The members of the object at p one by one: *i 0 to start (kept
 * between calls). 1 and *m, 0 after the last (*i at the closing brace),
 * -1 if p is not an object as the writers write it (then nothing is to
 * be trusted of it).
 */
int	vg_json_member_next(const char *p, size_t len, size_t *i,
	    struct vg_json_member *m);

/*
 * The streaming writer: members and elements of nested containers, each
 * after its separator. Start with depth 0 and more[0] saying whether the
 * outermost container has a member already; the caller writes its own
 * braces around depth 0. Exhaustion: the buffer's ->oom, or ->oom here
 * for nesting deeper than VG_JW_DEPTH.
 */
#define VG_JW_DEPTH	8

struct vg_jw {
	struct vg_buf	*b;
	int		 depth;		/* of the current container */
	int		 oom;
	uint8_t		 more[VG_JW_DEPTH];	/* a member written there */
	uint8_t		 arr[VG_JW_DEPTH];	/* the container is an array */
};

/* 1 for the bytes of plain text: printable ASCII but '"' and '\\'. */
extern const uint8_t vg_json_plain[256];

/* The slow paths are here too, out of line in each unit that uses them:
 * json.c, which the inline paths call, never calls back into the writer
 * (no include loop between the writer and the string escaper). */
#define VG_JW_SLOW	static __attribute__((noinline, cold, unused))

/* A name needing an escape (slow path of vg_jw_member). */
VG_JW_SLOW int
vg_jw_key_slow(struct vg_jw *w, struct vg_str key, size_t extra)
{
	vg_json_string(key.p, key.len, w->b);
	vg_buf_addc(w->b, ':');
	return vg_buf_reserve(w->b, extra);
}

/*
 * The separator and "key": of a new member of the current container (no
 * key in an array), with room for extra more bytes; 0, or -1 if out of
 * memory. Names are short and nearly never need an escape: copied and
 * checked in one pass; a name the caller knows to be plain text (plain
 * set, a constant: the header's) is copied without the check.
 */
static inline __attribute__((always_inline)) int
jw_member(struct vg_jw *w, struct vg_str key, size_t extra, int plain)
{
	struct vg_buf *b = w->b;
	unsigned ok = 1;
	size_t k;
	char *o;

	if (vg_buf_reserve(b, key.len + extra + 8) == -1)
		return -1;
	o = b->data + b->len;
	*o = ',';
	o += w->more[w->depth];
	w->more[w->depth] = 1;
	if (w->arr[w->depth]) {
		b->len = (size_t)(o - b->data);
		return 0;
	}
	*o++ = '"';
	if (plain)
		memcpy(o, key.p, key.len);
	else
		for (k = 0; k < key.len; k++) {
			unsigned char c = (unsigned char)key.p[k];

			o[k] = (char)c;
			ok &= vg_json_plain[c];
		}
	if (__builtin_expect(!ok, 0)) {
		b->len = (size_t)(o - 1 - b->data);
		return vg_jw_key_slow(w, key, extra);
	}
	o += key.len;
	o[0] = '"';
	o[1] = ':';
	b->len = (size_t)(o + 2 - b->data);
	return 0;
}

static inline __attribute__((always_inline)) int
vg_jw_member(struct vg_jw *w, struct vg_str key, size_t extra)
{
	return jw_member(w, key, extra, 0);
}

/* A member whose name is known to be plain text (vg_json_plain bytes);
 * jw_open() takes the same plain flag. */
static inline __attribute__((always_inline)) int
vg_jw_known(struct vg_jw *w, struct vg_str key, size_t extra)
{
	return jw_member(w, key, extra, 1);
}

/* A string value: up to 8 bytes (a rule key, a name, a flag) copied
 * and checked in one pass like a member name, if all plain; longer ones
 * and ones needing an escape by vg_json_string. */
static inline __attribute__((always_inline)) void
vg_jw_str(struct vg_jw *w, struct vg_str key, struct vg_str v)
{
	unsigned ok = 1;
	size_t k;
	char *o;

	if (v.len > 8) {
		if (vg_jw_member(w, key, 0) == 0)
			vg_json_string(v.p, v.len, w->b);
		return;
	}
	if (vg_jw_member(w, key, v.len + 2) == -1)
		return;
	o = w->b->data + w->b->len;
	*o++ = '"';
	for (k = 0; k < v.len; k++) {
		unsigned char c = (unsigned char)v.p[k];

		o[k] = (char)c;
		ok &= vg_json_plain[c];
	}
	if (__builtin_expect(!ok, 0)) {
		vg_json_string(v.p, v.len, w->b);
		return;
	}
	o[v.len] = '"';
	w->b->len += v.len + 2;
}

/* A string value known to need no escape (vg_json_plain bytes only). */
static inline __attribute__((always_inline)) void
vg_jw_plain(struct vg_jw *w, struct vg_str key, struct vg_str v)
{
	char *o;

	if (vg_jw_member(w, key, v.len + 2) == -1)
		return;
	o = w->b->data + w->b->len;
	*o++ = '"';
	if (v.len > 0)
		memcpy(o, v.p, v.len);
	o[v.len] = '"';
	w->b->len += v.len + 2;
}


static inline __attribute__((always_inline)) void
vg_jw_u64(struct vg_jw *w, struct vg_str key, uint64_t v)
{
	if (vg_jw_member(w, key, 20) == 0)
		w->b->len += vg_u64_digits(w->b->data + w->b->len, v);
}

static inline __attribute__((always_inline)) void
vg_jw_i64(struct vg_jw *w, struct vg_str key, int64_t v)
{
	if (vg_jw_member(w, key, 0) == 0)
		vg_buf_add_i64(w->b, v);
}

/*
 * Decimal text: written as it is when it reads back as itself (no '+',
 * no leading zero, no "-0", few enough digits for a u64 or i64), else
 * the number it is (vg_num_parse), else the text as a string.
 */
/* Decimal text that is not written as it is (slow path of vg_jw_num). */
VG_JW_SLOW void
vg_jw_num_slow(struct vg_jw *w, struct vg_str key, struct vg_str v)
{
	uint64_t u;
	int64_t i;

	switch (vg_num_parse(v, &u, &i)) {
	case 1:
		vg_jw_u64(w, key, u);
		break;
	case 2:
		vg_jw_i64(w, key, i);
		break;
	default:
		vg_jw_str(w, key, v);
		break;
	}
}

static inline __attribute__((always_inline)) void
vg_jw_num(struct vg_jw *w, struct vg_str key, struct vg_str v)
{
	const char *p = v.p, *end = v.p + v.len;
	size_t max = 19;
	char *o;

	if (p < end && *p == '-') {
		p++;
		max = 18;
	}
	if (p == end || (size_t)(end - p) > max || (*p == '0' &&
	    (end - p > 1 || p > v.p)))
		goto slow;
	for (; p < end; p++)
		if ((unsigned)(*p - '0') > 9)
			goto slow;
	if (vg_jw_member(w, key, v.len) == -1)
		return;
	o = w->b->data + w->b->len;
	memcpy(o, v.p, v.len);
	w->b->len += v.len;
	return;
slow:
	vg_jw_num_slow(w, key, v);
}

static inline __attribute__((always_inline)) void
vg_jw_bool(struct vg_jw *w, struct vg_str key, int v)
{
	if (vg_jw_member(w, key, 5) == 0) {
		memcpy(w->b->data + w->b->len, v ? "true" : "false", 5);
		w->b->len += v ? 4 : 5;
	}
}

static inline __attribute__((always_inline)) void
vg_jw_null(struct vg_jw *w, struct vg_str key)
{
	if (vg_jw_member(w, key, 4) == 0) {
		memcpy(w->b->data + w->b->len, "null", 4);
		w->b->len += 4;
	}
}

static inline __attribute__((always_inline)) void
jw_open(struct vg_jw *w, struct vg_str key, int array, int plain)
{
	if (w->depth + 1 >= VG_JW_DEPTH) {
		w->oom = 1;
		return;
	}
	if (jw_member(w, key, 1, plain) == -1)
		return;
	w->b->data[w->b->len++] = array ? '[' : '{';
	w->depth++;
	w->more[w->depth] = 0;
	w->arr[w->depth] = (uint8_t)(array != 0);
}

static inline __attribute__((always_inline)) void
vg_jw_open(struct vg_jw *w, struct vg_str key, int array)
{
	jw_open(w, key, array, 0);
}

static inline __attribute__((always_inline)) void
vg_jw_close(struct vg_jw *w)
{
	if (w->depth == 0)
		return;
	vg_buf_addc(w->b, w->arr[w->depth] ? ']' : '}');
	w->depth--;
}

#endif
