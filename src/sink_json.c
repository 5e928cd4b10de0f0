/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sink_json.c: the JSON sink: what the layout driver (layout.c) writes,
 * as one JSON line, written as it comes, with no document tree in
 * between. It knows JSON, not the layout: its ops are the streaming
 * writer of vigil/json.h, which the driver calls inline. The records come
 * before the header in the driver's walk, so they are written to the
 * output after a gap, the header to a buffer of its own, and the header
 * is put at the end of the gap, right before the records: the line is
 * not copied. It keeps the memo of text the driver pastes (json_memo.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_memo.h"
#include "vigil/json.h"
#include "vigil/sink_json.h"

struct vg_jsink {
	struct vg_sink	 s;		/* first: the ops get a vg_jsink */
	struct vg_jw	 w;
	struct vg_layout *lo;
	struct vg_buf	 head;		/* the header, written after the
					 * records */
	struct vg_buf	*out;
	int		 mark_ok;	/* mark() followed a member */
	size_t		 body_at;	/* where the records go in out */
	size_t		 line_at;	/* where the line starts in out */
};

/* Room left in front of the records for the header: it holds serial,
 * time and a few rule keys; a longer header moves the records. */
#define GAP	256

#define JW(s)	(&((struct vg_jsink *)(s))->w)

static void
j_begin(struct vg_sink *s, const struct vg_event *ev)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	(void)ev;
	vg_memo_event(j->s.memo);
	j->line_at = j->out->len;
	if (vg_buf_reserve(j->out, GAP) == 0)
		j->out->len += GAP;
	j->body_at = j->out->len;
	j->w.b = j->out;
	j->w.depth = 0;
	j->w.oom = 0;
	j->w.more[0] = 1;	/* every record member follows the header */
	j->w.arr[0] = 0;
}

static void
j_front(struct vg_sink *s, int on)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (on) {
		vg_buf_reset(&j->head);
		j->w.b = &j->head;
		vg_buf_addc(j->w.b, '{');
		j->w.more[0] = 0;
	} else
		j->w.b = j->out;
}

static void
j_end(struct vg_sink *s)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	struct vg_buf *o = j->out, *h = &j->head;
	size_t n;

	vg_buf_add(o, "}\n", 2);
	if (o->oom || h->oom || j->w.oom) {
		j->s.oom = 1;
		return;
	}
	if (h->len > j->body_at - j->line_at) {
		/* no room in the gap: the records move */
		n = o->len - j->body_at;
		if (vg_buf_reserve(o, h->len) == -1) {
			j->s.oom = 1;
			return;
		}
		memmove(o->data + j->line_at + h->len, o->data + j->body_at,
		    n);
		o->len = j->line_at + h->len + n;
		if (j->s.ctx_to > j->s.ctx_from) {
			j->s.ctx_from += j->line_at + h->len - j->body_at;
			j->s.ctx_to += j->line_at + h->len - j->body_at;
		}
		j->body_at = j->line_at + h->len;
	}
	j->line_at = j->body_at - h->len;
	memcpy(o->data + j->line_at, h->data, h->len);
}

static void
j_str(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	vg_jw_str(JW(s), key, v);
}

static void
j_plain(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	vg_jw_plain(JW(s), key, v);
}

static void
j_u64(struct vg_sink *s, struct vg_str key, uint64_t v)
{
	vg_jw_u64(JW(s), key, v);
}

static void
j_i64(struct vg_sink *s, struct vg_str key, int64_t v)
{
	vg_jw_i64(JW(s), key, v);
}

static void
j_num(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	vg_jw_num(JW(s), key, v);
}

static void
j_bool(struct vg_sink *s, struct vg_str key, int v)
{
	vg_jw_bool(JW(s), key, v);
}

static void
j_null(struct vg_sink *s, struct vg_str key)
{
	vg_jw_null(JW(s), key);
}

static void
j_open(struct vg_sink *s, struct vg_str key, enum vg_ntype t)
{
	vg_jw_open(JW(s), key, t == VG_N_ARR);
}

static void
j_close(struct vg_sink *s)
{
	vg_jw_close(JW(s));
}

/* Pasted text starts with its separator: only text that followed a
 * member of its container can be pasted. */
static size_t
j_mark(struct vg_sink *s)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	j->mark_ok = j->w.more[j->w.depth];
	return j->w.b->len;
}

static struct vg_str
j_since(struct vg_sink *s, size_t mark)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	if (!j->mark_ok || j->w.b->oom || mark > j->w.b->len)
		return VG_STR_NULL;
	return vg_str_make(j->w.b->data + mark, j->w.b->len - mark);
}

static void
j_paste(struct vg_sink *s, struct vg_str text)
{
	struct vg_jsink *j = (struct vg_jsink *)s;

	vg_buf_add(j->w.b, text.p, text.len);
	j->w.more[j->w.depth] = 1;
}

static const struct vg_sink_ops json_ops = {
	.begin = j_begin,
	.front = j_front,
	.end = j_end,
	.str = j_str,
	.plain = j_plain,
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
	j->s.jw = &j->w;
	vg_buf_init(&j->head);
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
	vg_buf_free(&j->head);
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
vg_jsink_line(struct vg_jsink *j, struct vg_event *ev, struct vg_buf *out,
    struct vg_str *line, struct vg_decode_counts *counts)
{
	size_t start = out->len;

	j->out = out;
	if (vg_layout_event(j->lo, ev, &j->s, counts) == -1) {
		out->len = start;
		errno = ENOMEM;
		return -1;
	}
	*line = vg_str_make(out->data + j->line_at, out->len - j->line_at);
	ev->ctx_from = ev->ctx_to = 0;
	if (j->s.ctx_to > j->s.ctx_from) {
		ev->ctx_from = j->s.ctx_from - j->line_at;
		ev->ctx_to = j->s.ctx_to - j->line_at;
	}
	return 0;
}

int
vg_jsink_event(struct vg_jsink *j, struct vg_event *ev, struct vg_buf *out,
    struct vg_decode_counts *counts)
{
	size_t start = out->len;
	struct vg_str line;

	if (vg_jsink_line(j, ev, out, &line, counts) == -1)
		return -1;
	memmove(out->data + start, line.p, line.len);
	out->len = start + line.len;
	return 0;
}
