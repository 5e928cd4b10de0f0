/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * group.h: joins records into events by (node, time, serial); completes
 * them at EOE, at once for single-record types, or after a timeout (then
 * complete if nothing in them is written at syscall exit).
 */
#ifndef VIGIL_GROUP_H
#define VIGIL_GROUP_H

#include <stdint.h>

#include "vigil/event.h"
#include "vigil/record.h"

struct vg_group;

/* Called once per complete event; ev is recycled when it returns. */
typedef void	vg_event_cb(struct vg_event *ev, void *arg);

struct vg_group_opts {
	uint64_t	timeout_ms;	/* end-of-event timeout, default 2000 */
	uint64_t	quick_ms;	/* a configuration-change event with no
					 * syscall record yet is complete after
					 * this (default 100, at most
					 * timeout_ms): docs/grouping.md */
	size_t		max_pending;	/* events open at once; oldest flushed
					 * beyond it (default 4096) */
	size_t		max_event_bytes; /* arena limit per event (default
					  * 8 MiB); records beyond are counted
					  * and dropped */
	size_t		max_pending_bytes; /* arena bytes of all pending
					    * events (default 64 MiB); the
					    * oldest are flushed to stay
					    * within; caps max_event_bytes */
	int		count_jumps;	/* live input: count forward serial
					 * jumps beyond the gap window (up to
					 * 2^24) as missing serials too */
};

struct vg_group_stats {
	uint64_t	records;	/* records accepted */
	uint64_t	events;		/* events emitted */
	uint64_t	timeouts;	/* events flushed by timeout, incomplete */
	uint64_t	alone;		/* closed by the timer, complete: no
					 * syscall context (VG_EV_ALONE) */
	uint64_t	quick;		/* of which closed by quick_ms */
	uint64_t	evicted;	/* flushed because max_pending */
	uint64_t	evicted_mem;	/* flushed because max_pending_bytes */
	uint64_t	late;		/* records after their event was out */
	uint64_t	gaps;		/* serials missing (possible loss) */
	uint64_t	oversize;	/* records dropped: event too big */
};

/* opts may be NULL for defaults. Returns NULL with errno on failure. */
struct vg_group	*vg_group_new(const struct vg_group_opts *, vg_event_cb *,
		    void *arg);
void		 vg_group_free(struct vg_group *);

/*
 * Adds one record (copied; rec may be reused after the call; a record
 * rec->lent is kept as its slices until vg_group_own()). now_ms is
 * the clock used for timeouts: wall clock for live input, the records' own
 * time for replay. May emit events through the callback. Returns 0; 1 if
 * the record opened an event of a quick type, which vg_group_deadline()
 * may now give earlier (a caller that keeps the deadline asks again); or
 * -1 with errno (ENOMEM) if the record could not be kept (counted).
 */
int		 vg_group_add(struct vg_group *, const struct vg_record *,
		    uint64_t now_ms);
/*
 * Copies the text of the lent records of the pending events into their
 * arenas: call it before the memory of records added with ->lent set
 * changes. Costs a copy of each lent record still pending, once.
 */
void		 vg_group_own(struct vg_group *);
/* Emits every event whose first record is older than now_ms - timeout. */
void		 vg_group_expire(struct vg_group *, uint64_t now_ms);
/* Emits all pending events (end of input, shutdown). */
void		 vg_group_flush(struct vg_group *);
/* Earliest time at which vg_group_expire() would emit something;
 * UINT64_MAX if nothing is pending. */
uint64_t	 vg_group_deadline(const struct vg_group *);
/* The end-of-event timeout in use (timeout_ms, defaulted), ms. */
uint64_t	 vg_group_timeout(const struct vg_group *);
size_t		 vg_group_pending(const struct vg_group *);
/* Arena bytes held by the pending events (<= max_pending_bytes). */
size_t		 vg_group_pending_bytes(const struct vg_group *);
const struct vg_group_stats *vg_group_stats(const struct vg_group *);

#endif
