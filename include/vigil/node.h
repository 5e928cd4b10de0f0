/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * node.h: the event document: a small JSON-shaped tree allocated from an
 * arena. The layout driver's tree sink (sink_tree.c) builds it from an
 * event, json.c writes it, filters (Lua) read and replace it. Strings are
 * byte slices (may hold NUL or invalid UTF-8; the writer applies the
 * documented policy).
 */
#ifndef VIGIL_NODE_H
#define VIGIL_NODE_H

#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/str.h"

enum vg_ntype {
	VG_N_NULL = 0,
	VG_N_BOOL,
	VG_N_INT,	/* int64 */
	VG_N_UINT,	/* uint64 */
	VG_N_DOUBLE,
	VG_N_STR,
	VG_N_OBJ,
	VG_N_ARR,
};

struct vg_node {
	struct vg_node	*next;		/* next sibling */
	struct vg_str	 key;		/* member name when parent is an object */
	uint8_t		 type;		/* enum vg_ntype */
	union {
		int		 b;
		int64_t		 i;
		uint64_t	 u;
		double		 d;
		struct vg_str	 s;
		struct {
			struct vg_node	*head, *tail;
			size_t		 n;
		} c;			/* OBJ and ARR children */
	} v;
};

/* Constructors: return NULL on arena exhaustion (callers may chain; every
 * add function accepts parent == NULL and then does nothing). Keys and
 * string values are borrowed (they must outlive the tree, e.g. arena or
 * static); use vg_node_strdup() to copy. */
struct vg_node	*vg_node_new(struct vg_arena *, enum vg_ntype);
struct vg_node	*vg_node_add(struct vg_arena *, struct vg_node *parent,
		    struct vg_str key, enum vg_ntype);
struct vg_node	*vg_node_add_str(struct vg_arena *, struct vg_node *parent,
		    struct vg_str key, struct vg_str val);
struct vg_node	*vg_node_add_int(struct vg_arena *, struct vg_node *parent,
		    struct vg_str key, int64_t);
struct vg_node	*vg_node_add_uint(struct vg_arena *, struct vg_node *parent,
		    struct vg_str key, uint64_t);
struct vg_node	*vg_node_add_bool(struct vg_arena *, struct vg_node *parent,
		    struct vg_str key, int);
void		 vg_node_append(struct vg_node *parent, struct vg_node *child);
struct vg_str	 vg_node_strdup(struct vg_arena *, const char *, size_t);
/* First member of obj named key, or NULL. O(n). */
struct vg_node	*vg_node_get(const struct vg_node *obj, const char *key);

#endif
