/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * event.h: an audit event (all records sharing node, time and serial) as
 * handed out by the grouper (src/group.c). Every pointer in it lives in the
 * event's arena (or the input's buffer, for records lent) and is valid
 * only during the event callback.
 */
#ifndef VIGIL_EVENT_H
#define VIGIL_EVENT_H

#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/str.h"

struct vg_ctx;

struct vg_erec {
	uint32_t	 type;
	struct vg_str	 type_name;	/* as written in text input, else empty */
	struct vg_str	 body;		/* arena copy, NUL-terminated; the
					 * input's own text, not terminated,
					 * if it was lent (vg_record.lent) */
	struct vg_str	 enriched;	/* the same; empty if none */
};

struct vg_view;

#define VG_EV_EOE	0x01	/* completed by an EOE record */
#define VG_EV_SINGLE	0x02	/* single-record type, complete at once */
#define VG_EV_TIMEOUT	0x04	/* flushed by the end-of-event timer */
#define VG_EV_FLUSHED	0x08	/* flushed at end of input / shutdown */
#define VG_EV_LATE	0x10	/* records for an event already emitted */
#define VG_EV_EVICTED	0x20	/* flushed early: too many pending events */
#define VG_EV_ALONE	0x40	/* no syscall record within the timeout and
				 * none of its records written at syscall
				 * exit: logged outside a syscall, complete */
#define VG_EV_REMOTE	0x80	/* its records came from the network
				 * (listen.c), not from this kernel */
/* Flags of an event no record of which can still be missing. */
#define VG_EV_COMPLETE	(VG_EV_EOE | VG_EV_SINGLE | VG_EV_ALONE)

struct vg_event {
	struct vg_str	 node;		/* empty if none */
	uint64_t	 sec;
	uint32_t	 msec;
	uint32_t	 serial;
	uint32_t	 flags;		/* VG_EV_* */
	struct vg_erec	*recs;		/* in arrival order */
	size_t		 nrecs;
	struct vg_arena	 arena;		/* owns everything above; reset on emit */
	/* The document as one JSON line ('\n' included) when the pipeline
	 * wrote it with the JSON sink (sink_json.h); empty otherwise. */
	struct vg_str	 json;
	/* While the pipeline's filters run: the document, read lazily
	 * (vigil/view.h); NULL otherwise. */
	struct vg_view	*view;
	/* The JSON sink's line: bytes [ctx_from, ctx_to) are ',"host":...,
	 * "context":{...}' (both 0 if none): an output with context=no
	 * writes the line without them. */
	size_t		 ctx_from, ctx_to;
	/* The process context (context.h) the layout writes "host" and
	 * "context" from, set by vg_ctx_event(); NULL: none. */
	struct vg_ctx	*ctx;
};

#endif
