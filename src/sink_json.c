/*
 * sink_json.c: the JSON sink: what the layout driver (layout.c) writes,
 * as one JSON line, written as it comes, with no document tree in
 * between. It knows JSON, not the layout: separators, quoting, numbers.
 * The records come before the header in the driver's walk, so they are
 * written to a buffer of their own and the line is put together at the
 * end. It keeps the memo of text the driver pastes (json_memo.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_memo.h"
#include "vigil/json.h"
#include "vigil/sink_json.h"

#define MAXDEPTH	8	/* the layout nests 4 deep at most */

struct vg_jsink {
	struct vg_sink	 s;		/* first: the ops get a vg_jsink */
	struct vg_layout *lo;
	struct vg_buf	 body;		/* records, written before the header */
	struct vg_buf	*b;		/* where members go */
	struct vg_buf	*out;
	int		 depth;		/* of the current container; 0 root */
	uint8_t		 more[MAXDEPTH];	/* a member written there */
	uint8_t		 arr[MAXDEPTH];		/* container is an array */
	int		 mark_ok;	/* mark() followed a member */
};

/* 1 for bytes a name may hold to be written between quotes as it is:
 * printable ASCII but '"' and '\\'. */
static const uint8_t plain_byte[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

/*
 * The separator and "key": of a new member of the current container,
 * with room for extra more bytes; 0, or -1 if out of memory.
 */
static int
member(struct vg_jsink *j, struct vg_str key, size_t extra)
{
	struct vg_buf *b = j->b;
	unsigned ok = 1;
	size_t k;
	char *o;

	if (vg_buf_reserve(b, key.len + extra + 8) == -1)
		return -1;
	o = b->data + b->len;
	if (j->more[j->depth])
		*o++ = ',';
	j->more[j->depth] = 1;
	if (j->arr[j->depth]) {
		b->len = (size_t)(o - b->data);
		return 0;
	}
	/* copied and checked in one pass: a name nearly always needs no
	 * escaping (and is short) */
	*o++ = '"';
	for (k = 0; k < key.len; k++) {
		unsigned char c = (unsigned char)key.p[k];

		o[k] = (char)c;
		ok &= plain_byte[c];
	}
	if (ok) {
		o += key.len;
		*o++ = '"';
		*o++ = ':';
		b->len = (size_t)(o - b->data);
		return 0;
	}
	b->len = (size_t)(o - 1 - b->data);
	vg_json_string(key.p, key.len, b);
	vg_buf_addc(b, ':');
	return vg_buf_reserve(b, extra);
}

static void
j_begin(struct vg_sink *s, const struct vg_event *ev)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	(void)ev;
	vg_buf_reset(&j->body);
	j->b = &j->body;
	j->depth = 0;
	j->more[0] = 1;		/* every record member follows the header */
	j->arr[0] = 0;
}

static void
j_front(struct vg_sink *s, int on)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (on) {
		j->b = j->out;
		vg_buf_addc(j->b, '{');
		j->more[0] = 0;
	} else
		j->b = &j->body;
}

static void
j_end(struct vg_sink *s)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	vg_buf_add(j->out, j->body.data, j->body.len);
	vg_buf_add(j->out, "}\n", 2);
	if (j->out->oom || j->body.oom)
		j->s.oom = 1;
}

static void
j_str(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (member(j, key, 0) == 0)
		vg_json_string(v.p, v.len, j->b);
}

static void
j_u64(struct vg_sink *s, struct vg_str key, uint64_t v)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (member(j, key, 0) == 0)
		vg_buf_add_u64(j->b, v);
}

static void
j_i64(struct vg_sink *s, struct vg_str key, int64_t v)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (member(j, key, 0) == 0)
		vg_buf_add_i64(j->b, v);
}

/* Decimal text that reads back as itself: no sign or '-', no leading
 * zero, few enough digits to fit (u64: 19, i64: 18 after '-'). */
static int
canonical(struct vg_str v)
{
	const char *p = v.p, *end = v.p + v.len;
	size_t max = 19;

	if (p < end && *p == '-') {
		p++;
		max = 18;
		if (p < end && *p == '0')
			return 0;
	}
	if (p == end || (size_t)(end - p) > max ||
	    (*p == '0' && end - p > 1))
		return 0;
	for (; p < end; p++)
		if ((unsigned)(*p - '0') > 9)
			return 0;
	return 1;
}

static void
j_num(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	struct vg_jsink *j = (struct vg_jsink *)s;
	uint64_t u;
	int64_t i;

	if (canonical(v)) {
		if (member(j, key, v.len) == 0) {
			memcpy(j->b->data + j->b->len, v.p, v.len);
			j->b->len += v.len;
		}
		return;
	}
	switch (vg_num_parse(v, &u, &i)) {
	case 1:
		j_u64(s, key, u);
		break;
	case 2:
		j_i64(s, key, i);
		break;
	default:
		j_str(s, key, v);
		break;
	}
}

static void
j_bool(struct vg_sink *s, struct vg_str key, int v)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (member(j, key, 5) == 0)
		vg_buf_add(j->b, v ? "true" : "false", v ? 4 : 5);
}

static void
j_null(struct vg_sink *s, struct vg_str key)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (member(j, key, 4) == 0)
		vg_buf_add(j->b, "null", 4);
}

static void
j_open(struct vg_sink *s, struct vg_str key, enum vg_ntype t)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (j->depth + 1 >= MAXDEPTH) {
		j->s.oom = 1;
		return;
	}
	if (member(j, key, 1) == -1)
		return;
	vg_buf_addc(j->b, t == VG_N_ARR ? '[' : '{');
	j->depth++;
	j->more[j->depth] = 0;
	j->arr[j->depth] = t == VG_N_ARR;
}

static void
j_close(struct vg_sink *s)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (j->depth == 0)
		return;
	vg_buf_addc(j->b, j->arr[j->depth] ? ']' : '}');
	j->depth--;
}

/* Pasted text starts with its separator: only text that followed a
 * member of its container can be pasted. */
static size_t
j_mark(struct vg_sink *s)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	j->mark_ok = j->more[j->depth];
	return j->b->len;
}

static struct vg_str
j_since(struct vg_sink *s, size_t mark)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (!j->mark_ok || j->b->oom || mark > j->b->len)
		return VG_STR_NULL;
	return vg_str_make(j->b->data + mark, j->b->len - mark);
}

static void
j_paste(struct vg_sink *s, struct vg_str text)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	vg_buf_add(j->b, text.p, text.len);
	j->more[j->depth] = 1;
}

static const struct vg_sink_ops json_ops = {
	.begin = j_begin,
	.front = j_front,
	.end = j_end,
	.str = j_str,
	.u64 = j_u64,
	.i64 = j_i64,
	.num = j_num,
	.boolean = j_bool,
	.null = j_null,
	.open = j_open,
	.close = j_close,
	.mark = j_mark,
	.since = j_since,
	.paste = j_paste,
};

struct vg_jsink *
vg_jsink_new(void)
{
	struct vg_jsink *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->s.ops = &json_ops;
	vg_buf_init(&j->body);
	if ((j->s.memo = vg_memo_new()) == NULL ||
	    (j->lo = vg_layout_new()) == NULL) {
		vg_memo_free(j->s.memo);
		free(j);
		return NULL;
	}
	return j;
}

void
vg_jsink_free(struct vg_jsink *j)
{
	if (j == NULL)
		return;
	vg_buf_free(&j->body);
	vg_memo_free(j->s.memo);
	vg_layout_free(j->lo);
	free(j);
}

unsigned long
vg_jsink_memo_hits(const struct vg_jsink *j)
{
	return j->s.memo_hits;
}

unsigned long
vg_jsink_head_hits(const struct vg_jsink *j)
{
	return j->s.head_hits;
}

int
vg_jsink_event(struct vg_jsink *j, struct vg_event *ev, struct vg_buf *out,
    struct vg_decode_counts *counts)
{
	size_t start = out->len;

	j->out = out;
	if (vg_layout_event(j->lo, ev, &j->s, counts) == -1) {
		out->len = start;
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
