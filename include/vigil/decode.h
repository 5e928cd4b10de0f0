/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode.h: event -> document tree (src/sink_tree.c): the layout driver
 * (vigil/layout.h, docs/events.md) with the tree sink, for Lua filters,
 * outputs that need the tree, and tests. Never fails on bad record text:
 * what cannot be decoded is kept as text and marked.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include "vigil/event.h"
#include "vigil/layout.h"
#include "vigil/node.h"

/* Builds the document in the event's arena. NULL only on arena exhaustion
 * (errno ENOMEM). The counts (may be NULL) are added to. Main thread
 * only: one driver state for the process. */
struct vg_node	*vg_decode_event_counts(struct vg_event *,
		    struct vg_decode_counts *);
/* The same, only parse errors counted (parse_errors may be NULL). */
struct vg_node	*vg_decode_event(struct vg_event *, unsigned long *parse_errors);
/* The same with a driver state of the caller's (any thread, one at a
 * time per state). */
struct vg_node	*vg_decode_event_with(struct vg_layout *, struct vg_event *,
		    struct vg_decode_counts *);

/* The root object with only the part of the document that holds member
 * name (vg_layout_member), with a driver state of the caller's. NULL
 * only on arena exhaustion (errno ENOMEM). */
struct vg_node	*vg_decode_part(struct vg_layout *, struct vg_event *,
		    struct vg_str name);

/* Member name of the record object that is root member `member`, alone
 * (vg_layout_field; rec and known as there): 1 and *root (the root
 * object, with that member if the record has it), 2 if known has it, 0
 * if it cannot be looked up alone, -1 (errno ENOMEM). */
int		 vg_decode_field(struct vg_layout *, struct vg_event *,
		    struct vg_str member, const struct vg_layout_rec *rec,
		    struct vg_str name, struct vg_field_known *known,
		    struct vg_node **root);

#endif
