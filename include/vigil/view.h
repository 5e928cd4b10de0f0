/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * view.h: an event's document read lazily (src/view.c), for filters. A
 * member of the root is laid out when it is first asked for (the layout
 * driver's lookup, vigil/layout.h, into the tree sink) and kept; the
 * whole document is built only if something needs all of it. A filter
 * that reads a member or two and passes the event leaves no tree behind:
 * the pipeline then writes the event with the JSON sink, as with no
 * filter. Everything lives in the event's arena: a view is valid until
 * the event is emitted.
 */
#ifndef VIGIL_VIEW_H
#define VIGIL_VIEW_H

#include <stddef.h>

#include "vigil/event.h"
#include "vigil/layout.h"
#include "vigil/node.h"

struct vg_buf;

/* Members of the root kept by name (a document has about a dozen). */
#define VG_VIEW_KEEP	24
/* Members of record objects read alone per event (vg_view_field); past
 * these, the record object is laid out whole. */
#define VG_VIEW_FIELDS	8

struct vg_view {
	struct vg_layout	*L;	/* the lookups' driver state, borrowed */
	struct vg_event		*ev;
	struct vg_node		*tree;	/* the whole document, once built */
	struct vg_decode_counts	 counts;	/* what building it counted */
	unsigned		 parts;	/* bit per part laid out whole */
	unsigned long		 lookups;	/* parts laid out (tests) */
	unsigned		 fields;	/* fields read alone */
	/* the record object vg_view_is_record() found last, by name */
	char			 rec_name[32];
	size_t			 rec_nlen;	/* 0: none */
	struct vg_layout_rec	 rec;
	unsigned		 n;
	struct {
		struct vg_str		 name;
		const struct vg_node	*node;
	}			 kept[VG_VIEW_KEEP];
	/*
	 * A filter's changes to members of record objects of an event that
	 * is otherwise as the view reads it (vg_view_patch): the document
	 * is the view's with those root members' values replaced. A filter
	 * may leave them here only when patch_ok (the pipeline: the last
	 * filter, every output takes the JSON line); else it returns the
	 * whole tree.
	 */
	int			 patch_ok;
	struct vg_view_patch	*patch;		/* arena */
	size_t			 npatch;
};

/* One member of a record object written: key (bytes the JSON writer
 * writes as they are), its new value, or NULL: removed. */
struct vg_view_set {
	struct vg_str		 key;
	const struct vg_node	*value;
};

/*
 * A root member's new value, or (value NULL) members of its object
 * written, the others as they are: set[] sorted by key (bytes), each
 * replacing every member of that name in place (or removing it), those
 * the object lacks appended in set[]'s order, as the conversion of the
 * whole object would place them.
 */
struct vg_view_patch {
	struct vg_str		 name;	/* a root member's */
	const struct vg_node	*value;
	const struct vg_view_set *set;
	size_t			 nset;
};

/*
 * Whether root member name may be in a patch: a member made of records
 * (not the header's, nor the context's, which the JSON line places
 * apart).
 */
int		 vg_view_patchable(struct vg_str name);

/*
 * Applies v's patch to the JSON line from start to the end of line (the
 * JSON sink's, one object and '\n'): each patched member's value
 * replaced by its node's JSON, or its object's members set, in place,
 * *ctx_from and *ctx_to moved with the bytes after. val is the caller's
 * scratch buffer (kept between events: no allocation per event). 0, or
 * -1 (a member not found, no memory: the caller builds the tree).
 */
int		 vg_view_patch_line(const struct vg_view *v, struct vg_buf *line,
		    size_t start, size_t *ctx_from, size_t *ctx_to,
		    struct vg_buf *val);

/* The whole document with v's patch applied (members shared with the
 * view's tree), or NULL (errno ENOMEM). */
struct vg_node	*vg_view_patched_tree(struct vg_view *v);

/* A view of ev with driver state L (one the caller keeps for lookups:
 * vg_layout_new()). Lays out nothing yet. */
void		 vg_view_init(struct vg_view *, struct vg_layout *L,
		    struct vg_event *ev);

/*
 * The member name of the root: 1 and *np (arena, valid for the event),
 * 0 if the document has no such member, -1 (errno ENOMEM) if the arena
 * is exhausted. The first call for a member lays out its part of the
 * document (vg_layout_member); later calls and the other members of the
 * part cost a lookup in the view. Equal, member for member, to the
 * member of vg_view_tree().
 */
int		 vg_view_member(struct vg_view *, struct vg_str name,
		    const struct vg_node **np);

/*
 * Whether root member `member` is one record object not laid out yet
 * (vg_layout_is_record): one whose members vg_view_field() reads alone.
 * The view remembers which record it is, for vg_view_field().
 */
int		 vg_view_is_record(struct vg_view *, struct vg_str member);

/*
 * Member name of the object that is root member `member`: 1 and *np
 * (arena, valid for the event), 0 if there is none, -1 (errno ENOMEM).
 * Up to VG_VIEW_FIELDS such reads an event, each reads the record up to
 * the field and decodes that field alone (vg_decode_field), when that
 * gives the member of the whole layout; otherwise, and once the member
 * is laid out, it is a lookup in vg_view_member()'s.
 */
int		 vg_view_field(struct vg_view *, struct vg_str member,
		    struct vg_str name, const struct vg_node **np);
/* The same; when the member is read alone, known as in vg_layout_field():
 * 2 (*np NULL) if the caller holds the member for known->id. */
int		 vg_view_field_known(struct vg_view *, struct vg_str member,
		    struct vg_str name, const struct vg_node **np,
		    struct vg_field_known *known);

/* The whole document, built on first call (vg_decode_event_with), then
 * kept; NULL (errno ENOMEM) if the arena is exhausted. */
struct vg_node	*vg_view_tree(struct vg_view *);

/*
 * Adds what laying out the whole event counts (parse errors, fields
 * dropped) to counts: those of vg_view_tree() if it was built, else of a
 * walk that keeps nothing (vg_layout_count).
 */
void		 vg_view_count(struct vg_view *, struct vg_decode_counts *);

/*
 * A bound on the JSON bytes (before escaping) of the event's document,
 * from its record text alone: no document is laid out. The document is
 * never longer (see view.c), often much shorter.
 */
size_t		 vg_view_json_bound(const struct vg_view *);

#endif
