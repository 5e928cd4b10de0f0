/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * node.c: the event document tree, allocated from an arena. Children are
 * kept in a singly linked list with a tail pointer: appends are O(1),
 * member lookup O(n) (documents are small; lookups are rare).
 */
#include <string.h>

#include "vigil/node.h"

struct vg_node *
vg_node_new(struct vg_arena *a, enum vg_ntype t)
{
	struct vg_node *n = vg_arena_alloc(a, sizeof(*n));

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->type = (uint8_t)t;
	return n;
}

void
vg_node_append(struct vg_node *parent, struct vg_node *child)
{
	if (parent == NULL || child == NULL)
		return;
	child->next = NULL;
	if (parent->v.c.tail != NULL)
		parent->v.c.tail->next = child;
	else
		parent->v.c.head = child;
	parent->v.c.tail = child;
	parent->v.c.n++;
}

struct vg_node *
vg_node_add(struct vg_arena *a, struct vg_node *parent, struct vg_str key,
    enum vg_ntype t)
{
	struct vg_node *n;

	if (parent == NULL || (n = vg_node_new(a, t)) == NULL)
		return NULL;
	n->key = key;
	vg_node_append(parent, n);
	return n;
}

struct vg_node *
vg_node_add_str(struct vg_arena *a, struct vg_node *parent, struct vg_str key,
    struct vg_str val)
{
	struct vg_node *n = vg_node_add(a, parent, key, VG_N_STR);

	if (n != NULL)
		n->v.s = val;
	return n;
}

struct vg_node *
vg_node_add_int(struct vg_arena *a, struct vg_node *parent, struct vg_str key,
    int64_t val)
{
	struct vg_node *n = vg_node_add(a, parent, key, VG_N_INT);

	if (n != NULL)
		n->v.i = val;
	return n;
}

struct vg_node *
vg_node_add_uint(struct vg_arena *a, struct vg_node *parent, struct vg_str key,
    uint64_t val)
{
	struct vg_node *n = vg_node_add(a, parent, key, VG_N_UINT);

	if (n != NULL)
		n->v.u = val;
	return n;
}

struct vg_node *
vg_node_add_bool(struct vg_arena *a, struct vg_node *parent, struct vg_str key,
    int val)
{
	struct vg_node *n = vg_node_add(a, parent, key, VG_N_BOOL);

	if (n != NULL)
		n->v.b = val != 0;
	return n;
}

struct vg_str
vg_node_strdup(struct vg_arena *a, const char *s, size_t len)
{
	char *p = vg_arena_strndup(a, s, len);

	return p == NULL ? VG_STR_NULL : vg_str_make(p, len);
}

struct vg_node *
vg_node_get(const struct vg_node *obj, const char *key)
{
	struct vg_node *n;

	if (obj == NULL || obj->type != VG_N_OBJ)
		return NULL;
	for (n = obj->v.c.head; n != NULL; n = n->next)
		if (vg_str_eq(n->key, key))
			return n;
	return NULL;
}
