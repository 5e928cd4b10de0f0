/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sink_json.h: the JSON sink (src/sink_json.c): the layout driver
 * (vigil/layout.h) writing an event's JSON line straight from the
 * records, without a document tree. Gives the same bytes as
 * vg_decode_event() + vg_json_write(), for every event: both are the one
 * layout. Record parts seen before are pasted from its memo.
 */
#ifndef VIGIL_SINK_JSON_H
#define VIGIL_SINK_JSON_H

#include "vigil/buf.h"
#include "vigil/event.h"
#include "vigil/layout.h"

struct vg_jsink;

struct vg_jsink	*vg_jsink_new(void);
void		 vg_jsink_free(struct vg_jsink *);
/* Record parts whose JSON was pasted from an earlier event (the memo). */
unsigned long	 vg_jsink_memo_hits(const struct vg_jsink *);
/* SYSCALL records whose start took the one-pass reader. */
unsigned long	 vg_jsink_head_hits(const struct vg_jsink *);

/*
 * Appends the event's JSON line ('\n' included) to out and adds what the
 * layout counted to counts (may be NULL): 0. Arena or buffer exhausted:
 * -1 (errno ENOMEM), out unchanged. Uses the event's arena for decoded
 * text.
 */
int	vg_jsink_event(struct vg_jsink *, struct vg_event *, struct vg_buf *out,
	    struct vg_decode_counts *counts);
/*
 * The same line, left where it was written: at *line, in out after
 * out's old length and some bytes of no meaning (the room left for the
 * header), up to out's new length. Saves vg_jsink_event()'s move.
 */
int	vg_jsink_line(struct vg_jsink *, struct vg_event *, struct vg_buf *out,
	    struct vg_str *line, struct vg_decode_counts *counts);

#endif
