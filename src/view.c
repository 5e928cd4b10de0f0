/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.c: an event's document read lazily (vigil/view.h): the members of
 * the root laid out part by part as filters ask for them, kept by name,
 * and the whole tree only when asked for. It owns no memory: nodes are in
 * the event's arena, the view on its caller's stack. Never logs.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/decode.h"
#include "vigil/json.h"
#include "vigil/view.h"

void
vg_view_init(struct vg_view *v, struct vg_layout *L, struct vg_event *ev)
{
	memset(v, 0, sizeof(*v));
	v->L = L;
	v->ev = ev;
}

static int
same(struct vg_str a, struct vg_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static const struct vg_node *
child(const struct vg_node *obj, struct vg_str name)
{
	const struct vg_node *ch;

	for (ch = obj->v.c.head; ch != NULL; ch = ch->next)
		if (ch->key.p != NULL && same(ch->key, name))
			return ch;
	return NULL;
}

/* The member kept (laid out) by that name: 1 and *np, else 0. */
static int
kept(const struct vg_view *v, struct vg_str name, const struct vg_node **np)
{
	unsigned i;

	for (i = 0; i < v->n; i++)
		if (same(v->kept[i].name, name)) {
			*np = v->kept[i].node;
			return 1;
		}
	return 0;
}

/* Parts made of records, the event's and the header have a bit: once
 * laid out, a name of theirs that is not kept is not in the document. */
static unsigned
part_bit(int part)
{
	if (part == VG_PART_EVENT)
		return 1;
	if (part == VG_PART_HEADER)
		return 2;
	if (part == VG_PART_CONTEXT)
		return 1u << 31;
	return part >= 0 && part < 29 ? 1u << (part + 2) : 0;
}

int
vg_view_member(struct vg_view *v, struct vg_str name,
    const struct vg_node **np)
{
	const struct vg_node *root, *ch;
	unsigned i, bit, all = 1;
	int part;

	*np = NULL;
	if (kept(v, name, np))
		return 1;
	if (v->tree != NULL) {
		*np = child(v->tree, name);
		return *np != NULL;
	}
	part = vg_layout_part(name);
	bit = part_bit(part);
	if (bit != 0 && (v->parts & bit))
		return 0;
	v->lookups++;
	if ((root = vg_decode_part(v->L, v->ev, name)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* keep every member of the part: "cwd" brings "cwd_record", the
	 * header all five (those of the event's part again: kept once) */
	for (ch = root->v.c.head; ch != NULL; ch = ch->next) {
		for (i = 0; i < v->n && !same(v->kept[i].name, ch->key); i++)
			;
		if (i < v->n)
			continue;
		if (v->n == VG_VIEW_KEEP) {
			all = 0;
			break;
		}
		v->kept[v->n].name = ch->key;
		v->kept[v->n].node = ch;
		v->n++;
	}
	if (all)
		v->parts |= bit | (part == VG_PART_HEADER ? part_bit(
		    VG_PART_EVENT) : 0);
	*np = child(root, name);
	return *np != NULL;
}

int
vg_view_is_record(struct vg_view *v, struct vg_str member)
{
	const struct vg_node *n;

	v->rec_nlen = 0;
	if (v->tree != NULL || kept(v, member, &n) ||
	    !vg_layout_is_record(v->ev, member, &v->rec))
		return 0;
	if (member.len > 0 && member.len <= sizeof(v->rec_name)) {
		memcpy(v->rec_name, member.p, member.len);
		v->rec_nlen = member.len;
	}
	return 1;
}

/* The record vg_view_is_record() found for member, or NULL. */
static const struct vg_layout_rec *
rec_of(const struct vg_view *v, struct vg_str member)
{
	if (v->rec_nlen == 0 || v->rec_nlen != member.len ||
	    memcmp(v->rec_name, member.p, member.len) != 0)
		return NULL;
	return &v->rec;
}

int
vg_view_field(struct vg_view *v, struct vg_str member, struct vg_str name,
    const struct vg_node **np)
{
	return vg_view_field_known(v, member, name, np, NULL);
}

int
vg_view_field_known(struct vg_view *v, struct vg_str member,
    struct vg_str name, const struct vg_node **np,
    struct vg_field_known *known)
{
	const struct vg_node *obj;
	struct vg_node *root;
	int r;

	*np = NULL;
	if (known != NULL)
		known->id = 0;
	if (v->tree == NULL && !kept(v, member, &obj) &&
	    v->fields < VG_VIEW_FIELDS) {
		r = vg_decode_field(v->L, v->ev, member, rec_of(v, member),
		    name, known, &root);
		if (r == -1)
			return -1;
		if (r == 2) {
			v->fields++;
			return 2;
		}
		if (r == 1) {
			v->fields++;
			*np = child(root, name);
			return *np != NULL;
		}
	}
	if ((r = vg_view_member(v, member, &obj)) != 1)
		return r;
	if (obj->type != VG_N_OBJ)
		return 0;
	*np = child(obj, name);
	return *np != NULL;
}

struct vg_node *
vg_view_tree(struct vg_view *v)
{
	if (v->tree == NULL)
		v->tree = vg_decode_event_with(v->L, v->ev, &v->counts);
	return v->tree;
}

void
vg_view_count(struct vg_view *v, struct vg_decode_counts *counts)
{
	if (v->tree == NULL)
		(void)vg_layout_count(v->L, v->ev, &v->counts);
	counts->parse_errors += v->counts.parse_errors;
	counts->fields_dropped += v->counts.fields_dropped;
}

/*
 * The document of an event is its record text, rearranged: every member
 * comes from a field (at least one byte of text, and its separator) or
 * from a record (its object, its type's member, "type", "type_name"), and
 * the header from the event. What a field can add beyond its own bytes is
 * bounded: a name made unique ("_8192", "field_", "msg_"), quotes, colon
 * and comma, a decoded name (arch, syscall, errno: under 40 bytes) with
 * its key, a "words" or "enriched" group, a sockaddr's members (at least
 * 4 hex digits give family and the members of one address: under 200
 * bytes, from a field of at least 10 bytes); a rule key is written twice
 * (in its record and in "keys"). 64 bytes per byte of text, 512 per
 * record and 4096 for the header are far above any of these.
 */
size_t
vg_view_json_bound(const struct vg_view *v)
{
	const struct vg_event *ev = v->ev;
	size_t i, text = ev->node.len;

	for (i = 0; i < ev->nrecs; i++)
		text += ev->recs[i].body.len + ev->recs[i].enriched.len +
		    ev->recs[i].type_name.len;
	if (text > (SIZE_MAX - 4096) / 128 || ev->nrecs > SIZE_MAX / 1024)
		return SIZE_MAX;
	return 64 * text + 512 * ev->nrecs + 4096;
}

int
vg_view_patchable(struct vg_str name)
{
	int part = vg_layout_part(name);

	return name.len > 0 && (part >= 0 || part == VG_PART_OTHER);
}

/* The set of pt for a member named name, or NULL. */
static const struct vg_view_set *
set_of(const struct vg_view_patch *pt, struct vg_str name)
{
	size_t i;

	for (i = 0; i < pt->nset; i++)
		if (same(pt->set[i].key, name))
			return &pt->set[i];
	return NULL;
}

/* One member "key":value, after a ',' if more. */
static void
add_member(struct vg_buf *b, struct vg_str key, const struct vg_node *value,
    int *more)
{
	if (*more)
		vg_buf_addc(b, ',');
	vg_buf_addc(b, '"');
	vg_buf_add(b, key.p, key.len);
	vg_buf_add(b, "\":", 2);
	vg_json_node(value, b);
	*more = 1;
}

/* Members as they are, obj[0..len), after a ',' if more. */
static void
add_run(struct vg_buf *b, const char *obj, size_t len, int *more)
{
	if (*more)
		vg_buf_addc(b, ',');
	vg_buf_add(b, obj, len);
	*more = 1;
}

/*
 * The object at the start of obj[0..len) with pt's set applied, into
 * val: members as they are, written ones replaced or left out, then the
 * new ones (set[] order). A set key the object does not have is new.
 * The object's length in obj, or 0 if it is not as the writers write it.
 */
static size_t
set_object(const struct vg_view_patch *pt, const char *obj, size_t len,
    struct vg_buf *val)
{
	struct vg_json_member m;
	const struct vg_view_set *st;
	size_t i = 0, k, run = SIZE_MAX, run_to = 0;
	int r, more = 0;

	/* val is empty: the flags (found) first, the object after */
	if (vg_buf_reserve(val, pt->nset) == -1)
		return 0;
	memset(val->data, 0, pt->nset);
	val->len += pt->nset;
	vg_buf_addc(val, '{');
	/* members as they are go in runs: obj[run..run_to) has their
	 * commas between them already */
	while ((r = vg_json_member_next(obj, len, &i, &m)) == 1) {
		st = m.esc ? NULL : set_of(pt, m.name);
		if (st == NULL) {
			if (run == SIZE_MAX)
				run = m.from;
			run_to = m.vto;
			continue;
		}
		if (run != SIZE_MAX) {
			add_run(val, obj + run, run_to - run, &more);
			run = SIZE_MAX;
		}
		val->data[st - pt->set] = 1;
		if (st->value != NULL)
			add_member(val, st->key, st->value, &more);
	}
	if (r == -1)
		return 0;
	if (run != SIZE_MAX)
		add_run(val, obj + run, run_to - run, &more);
	for (k = 0; k < pt->nset; k++)
		if (!val->data[k] && pt->set[k].value != NULL)
			add_member(val, pt->set[k].key, pt->set[k].value, &more);
	vg_buf_addc(val, '}');
	return val->oom ? 0 : i + 1;	/* i: at the closing brace */
}

int
vg_view_patch_line(const struct vg_view *v, struct vg_buf *line,
    size_t start, size_t *ctx_from, size_t *ctx_to, struct vg_buf *val)
{
	size_t i, from, to, tail, skip, n;
	ptrdiff_t delta;

	if (line->len <= start || line->data[line->len - 1] != '\n')
		return -1;
	for (i = 0; i < v->npatch; i++) {
		vg_buf_reset(val);
		skip = 0;
		if (v->patch[i].value != NULL) {
			if (!vg_json_member_span(line->data + start,
			    line->len - start - 1, v->patch[i].name, &from,
			    &to))
				return -1;
			vg_json_node(v->patch[i].value, val);
		} else {
			/* the object read once: its members set, its end
			 * found on the way */
			if (!vg_json_member_start(line->data + start,
			    line->len - start - 1, v->patch[i].name, &from) ||
			    (n = set_object(&v->patch[i], line->data + start +
			    from, line->len - start - 1 - from, val)) == 0)
				return -1;
			to = from + n;
			skip = v->patch[i].nset;	/* the flags */
		}
		if (val->oom || (val->len - skip > to - from &&
		    vg_buf_reserve(line, val->len - skip - (to - from)) ==
		    -1))
			return -1;
		tail = line->len - start - to;
		memmove(line->data + start + from + val->len - skip,
		    line->data + start + to, tail);
		memcpy(line->data + start + from, val->data + skip,
		    val->len - skip);
		delta = (ptrdiff_t)(val->len - skip) - (ptrdiff_t)(to - from);
		line->len = (size_t)((ptrdiff_t)line->len + delta);
		/* the records come before the context: its bytes move */
		if (*ctx_to > *ctx_from && to <= *ctx_from) {
			*ctx_from = (size_t)((ptrdiff_t)*ctx_from + delta);
			*ctx_to = (size_t)((ptrdiff_t)*ctx_to + delta);
		}
	}
	return 0;
}

/* A copy of node n (children shared) named key, or NULL. */
static struct vg_node *
node_copy(struct vg_view *v, const struct vg_node *n, struct vg_str key)
{
	struct vg_node *c;

	if ((c = vg_node_new(&v->ev->arena, VG_N_NULL)) == NULL)
		return NULL;
	*c = *n;
	c->next = NULL;
	c->key = key;
	return c;
}

/* Object obj with pt's set applied (struct vg_view_patch), or NULL. */
static struct vg_node *
set_tree(struct vg_view *v, const struct vg_view_patch *pt,
    const struct vg_node *obj)
{
	const struct vg_view_set *st;
	const struct vg_node *ch;
	struct vg_node *o, *n;
	size_t k;
	char *found;

	if (obj->type != VG_N_OBJ ||
	    (o = vg_node_new(&v->ev->arena, VG_N_OBJ)) == NULL ||
	    (found = vg_arena_alloc(&v->ev->arena, pt->nset + 1)) == NULL)
		return NULL;
	memset(found, 0, pt->nset + 1);
	o->key = obj->key;
	for (ch = obj->v.c.head; ch != NULL; ch = ch->next) {
		st = ch->key.p != NULL ? set_of(pt, ch->key) : NULL;
		if (st != NULL) {
			found[st - pt->set] = 1;
			if (st->value == NULL)
				continue;
		}
		if ((n = node_copy(v, st != NULL ? st->value : ch, ch->key)) ==
		    NULL)
			return NULL;
		vg_node_append(o, n);
	}
	for (k = 0; k < pt->nset; k++) {
		if (found[k] || pt->set[k].value == NULL)
			continue;
		if ((n = node_copy(v, pt->set[k].value, pt->set[k].key)) ==
		    NULL)
			return NULL;
		vg_node_append(o, n);
	}
	return o;
}

struct vg_node *
vg_view_patched_tree(struct vg_view *v)
{
	struct vg_node *tree, *root, *n;
	const struct vg_node *ch;
	size_t i;

	if ((tree = vg_view_tree(v)) == NULL)
		return NULL;
	if (v->npatch == 0)
		return tree;
	if ((root = vg_node_new(&v->ev->arena, VG_N_OBJ)) == NULL)
		return NULL;
	root->key = tree->key;
	for (ch = tree->v.c.head; ch != NULL; ch = ch->next) {
		n = NULL;
		for (i = 0; i < v->npatch; i++)
			if (ch->key.p != NULL && same(ch->key, v->patch[i].name))
				break;
		if (i == v->npatch)
			n = node_copy(v, ch, ch->key);
		else if (v->patch[i].value != NULL)
			n = node_copy(v, v->patch[i].value, ch->key);
		else
			n = set_tree(v, &v->patch[i], ch);
		if (n == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		vg_node_append(root, n);
	}
	return root;
}
