/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sink_tree.c: the tree sink: what the layout driver (layout.c) writes,
 * as the document tree (vigil/node.h) in the event's arena, for Lua
 * filters, outputs that want the tree and tests. It only appends nodes;
 * the layout (names, order, decodings) is the driver's. Never logs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/decode.h"
#include "vigil/num.h"

#define MAXDEPTH	8	/* the layout nests 4 deep at most */

struct tsink {
	struct vg_sink	 s;		/* first: the ops get a tsink */
	struct vg_arena	*a;
	struct vg_node	*root;
	struct vg_node	*cur;		/* where members are added */
	struct vg_node	*up[MAXDEPTH];	/* containers open above cur */
	int		 depth;
	struct vg_node	*rhead, *rtail;	/* the root's members before front */
	size_t		 rn;
};

static struct vg_node *
add(struct tsink *t, struct vg_str key, enum vg_ntype type)
{
	struct vg_node *n = vg_node_add(t->a, t->cur, key, type);

	if (n == NULL)
		t->s.oom = 1;
	return n;
}

static void
t_begin(struct vg_sink *s, const struct vg_event *ev)
{
	struct tsink *t = (struct tsink *)s;

	(void)ev;
	t->depth = 0;
	if ((t->root = t->cur = vg_node_new(t->a, VG_N_OBJ)) == NULL)
		t->s.oom = 1;
}

/* The header's members go before the records: the root's members so far
 * are set aside, and appended again after the header. */
static void
t_front(struct vg_sink *s, int on)
{
	struct tsink *t = (struct tsink *)s;
	struct vg_node *r = t->root;

	if (r == NULL)
		return;
	if (on) {
		t->rhead = r->v.c.head;
		t->rtail = r->v.c.tail;
		t->rn = r->v.c.n;
		memset(&r->v, 0, sizeof(r->v));
		return;
	}
	if (t->rhead == NULL)
		return;
	if (r->v.c.tail != NULL)
		r->v.c.tail->next = t->rhead;
	else
		r->v.c.head = t->rhead;
	r->v.c.tail = t->rtail;
	r->v.c.n += t->rn;
	t->rhead = t->rtail = NULL;
}

static void
t_end(struct vg_sink *s)
{
	(void)s;
}

static void
t_str(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	struct vg_node *n = add((struct tsink *)s, key, VG_N_STR);

	if (n != NULL)
		n->v.s = v;
}

static void
t_u64(struct vg_sink *s, struct vg_str key, uint64_t v)
{
	struct vg_node *n = add((struct tsink *)s, key, VG_N_UINT);

	if (n != NULL)
		n->v.u = v;
}

static void
t_i64(struct vg_sink *s, struct vg_str key, int64_t v)
{
	struct vg_node *n = add((struct tsink *)s, key, VG_N_INT);

	if (n != NULL)
		n->v.i = v;
}

static void
t_num(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	uint64_t u;
	int64_t i;

	switch (vg_num_parse(v, &u, &i)) {
	case 1:
		t_u64(s, key, u);
		break;
	case 2:
		t_i64(s, key, i);
		break;
	default:
		t_str(s, key, v);
		break;
	}
}

static void
t_bool(struct vg_sink *s, struct vg_str key, int v)
{
	struct vg_node *n = add((struct tsink *)s, key, VG_N_BOOL);

	if (n != NULL)
		n->v.b = v != 0;
}

static void
t_null(struct vg_sink *s, struct vg_str key)
{
	(void)add((struct tsink *)s, key, VG_N_NULL);
}

static void
t_open(struct vg_sink *s, struct vg_str key, enum vg_ntype type)
{
	struct tsink *t = (struct tsink *)s;
	struct vg_node *n;

	if (t->depth >= MAXDEPTH) {
		t->s.oom = 1;
		return;
	}
	n = add(t, key, type);
	t->up[t->depth++] = t->cur;
	t->cur = n;
}

static void
t_close(struct vg_sink *s)
{
	struct tsink *t = (struct tsink *)s;

	if (t->depth > 0)
		t->cur = t->up[--t->depth];
}

static const struct vg_sink_ops tree_ops = {
	.begin = t_begin,
	.front = t_front,
	.end = t_end,
	.str = t_str,
	.plain = t_str,
	.u64 = t_u64,
	.i64 = t_i64,
	.num = t_num,
	.boolean = t_bool,
	.null = t_null,
	.open = t_open,
	.close = t_close,
};

struct vg_node *
vg_decode_event_with(struct vg_layout *L, struct vg_event *ev,
    struct vg_decode_counts *counts)
{
	struct tsink t;

	memset(&t, 0, sizeof(t));
	t.s.ops = &tree_ops;
	t.a = &ev->arena;
	if (vg_layout_event(L, ev, &t.s, counts) == -1)
		return NULL;
	return t.root;
}

struct vg_node *
vg_decode_part(struct vg_layout *L, struct vg_event *ev, struct vg_str name)
{
	struct tsink t;

	memset(&t, 0, sizeof(t));
	t.s.ops = &tree_ops;
	t.a = &ev->arena;
	if (vg_layout_member(L, ev, &t.s, name) == -1)
		return NULL;
	return t.root;
}

int
vg_decode_field(struct vg_layout *L, struct vg_event *ev, struct vg_str member,
    const struct vg_layout_rec *rec, struct vg_str name,
    struct vg_field_known *known, struct vg_node **root)
{
	struct tsink t;
	int r;

	memset(&t, 0, sizeof(t));
	t.s.ops = &tree_ops;
	t.a = &ev->arena;
	*root = NULL;
	if ((r = vg_layout_field(L, ev, &t.s, member, rec, name, known)) == 1)
		*root = t.root;
	return r;
}

struct vg_node *
vg_decode_event_counts(struct vg_event *ev, struct vg_decode_counts *counts)
{
	static struct vg_layout *L;

	/* one for the process, kept: its tables are reused per event */
	if (L == NULL && (L = vg_layout_new()) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	return vg_decode_event_with(L, ev, counts);
}

struct vg_node *
vg_decode_event(struct vg_event *ev, unsigned long *parse_errors)
{
	struct vg_decode_counts n = { 0, 0 };
	struct vg_node *doc = vg_decode_event_counts(ev, &n);

	if (parse_errors != NULL)
		*parse_errors += n.parse_errors;
	return doc;
}
