/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pipeline.h: records in, events out. Inputs call vg_pipeline_record();
 * the pipeline groups, decodes (once, only if someone needs the document),
 * runs the filter chain and writes every output.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stdint.h>
#include <sys/types.h>

#include "vigil/filter.h"
#include "vigil/group.h"
#include "vigil/output.h"
#include "vigil/record.h"

struct vg_counters {
	uint64_t	records;	/* records received */
	uint64_t	events;		/* events emitted */
	uint64_t	parse_errors;	/* lines/tokens not understood */
	uint64_t	enobufs;	/* netlink receive overruns */
	uint64_t	gaps;		/* missing serials */
	uint64_t	timeouts;	/* events flushed by timeout */
	uint64_t	late;		/* records after their event */
	uint64_t	foreign;	/* netlink messages not from the kernel */
	uint64_t	dropped;	/* events dropped by filters */
	uint64_t	oversize;	/* records dropped: event too big */
	uint64_t	evicted;	/* events written early: max_pending */
	uint64_t	evicted_mem;	/* ... max_pending_bytes */
	uint64_t	self;		/* vigild's own events, dropped */
	uint64_t	json_direct;	/* events written without a tree */
	uint64_t	fields_dropped;	/* past VG_DECODE_MAX_FIELDS a record */
};

struct vg_pipeline;
struct vg_ctx;

struct vg_pipeline	*vg_pipeline_new(const struct vg_group_opts *);
/* Closes the outputs (draining them); returns the events they lost
 * (dropped + failed, each output's logged). Before vg_pipeline_free. */
uint64_t		 vg_pipeline_close_outputs(struct vg_pipeline *);
void			 vg_pipeline_free(struct vg_pipeline *);
void			 vg_pipeline_add_output(struct vg_pipeline *,
			    struct vg_output *);
void			 vg_pipeline_add_filter(struct vg_pipeline *,
			    struct vg_filter *);
/* One record (copied). now_ms as for vg_group_add(). */
/*
 * One of vigild's own records (DAEMON_*, made by src/auditd/daemon_rec.c)
 * to every output whose ops take them (wants_daemon), through the same
 * ops as the kernel's: record() in record mode, else write() with an
 * event of its own (no EOE). Not grouped, not filtered (filters are for
 * audit events), not counted; written at once (the output's flush).
 */
void			 vg_pipeline_daemon(struct vg_pipeline *,
			    const struct vg_record *);
/* One record in; 1 if it opened a quick event, whose deadline
 * (vg_pipeline_deadline) can be earlier than the one before, else 0. */
int			 vg_pipeline_record(struct vg_pipeline *,
			    const struct vg_record *, uint64_t now_ms);
/* Events the outputs failed to write or dropped, in all, so far: a
 * change tells a receiver that what it read may not have been written. */
uint64_t		 vg_pipeline_losses(const struct vg_pipeline *);
/* A line that could not be parsed as a record: counted, logged limited. */
void			 vg_pipeline_bad_line(struct vg_pipeline *,
			    const char *, size_t);
void			 vg_pipeline_expire(struct vg_pipeline *, uint64_t now_ms);
/* The records given ->lent are to be copied now (vg_group_own). */
void			 vg_pipeline_own(struct vg_pipeline *);
uint64_t		 vg_pipeline_deadline(const struct vg_pipeline *);
uint64_t		 vg_pipeline_timeout(const struct vg_pipeline *);
void			 vg_pipeline_flush(struct vg_pipeline *);	/* all */
void			 vg_pipeline_flush_outputs(struct vg_pipeline *);
/* Reopens file outputs (rotation by an outside tool, SIGHUP). */
void			 vg_pipeline_reopen_outputs(struct vg_pipeline *);
struct vg_filter	*vg_pipeline_filters(struct vg_pipeline *);
/* SIGHUP: the outputs (linked by ->next) or the filter chain, taken out
 * of the pipeline (now without any) for the caller to keep or close;
 * given back with vg_pipeline_add_output/_filter one by one. Between
 * events only. */
struct vg_output	*vg_pipeline_take_outputs(struct vg_pipeline *);
struct vg_filter	*vg_pipeline_take_filters(struct vg_pipeline *);
/* Tallies every event emitted into top (topk.h; NULL: stop). Borrowed. */
struct vg_top;
void			 vg_pipeline_set_top(struct vg_pipeline *,
			    struct vg_top *);
/* The outputs, in order (borrowed; for the state report). */
struct vg_output	*vg_pipeline_outputs(struct vg_pipeline *);
/* Events open in the grouper, and the bytes of records they hold. */
void			 vg_pipeline_pending(const struct vg_pipeline *,
			    size_t *events, size_t *bytes);
/* Multicast: drop events whose SYSCALL record has pid=pid (vigild is not
 * the audit daemon there, so the kernel audits its reads; writing those
 * events would feed the loop). Counted in ->self. */
void			 vg_pipeline_drop_self(struct vg_pipeline *, pid_t);
/* The process context (context.h) events get "host" and "context" from;
 * NULL: none. Borrowed: the caller frees it after the pipeline. */
void			 vg_pipeline_set_context(struct vg_pipeline *,
			    struct vg_ctx *);
struct vg_counters	*vg_pipeline_counters(struct vg_pipeline *);
/* A signal to every output that has the op: record outputs (the logs)
 * first, then the others, each in order. */
enum vg_output_op {
	VG_OUTPUT_ROTATE, VG_OUTPUT_RESUME, VG_OUTPUT_RELOAD, VG_OUTPUT_STOP,
};
void			 vg_pipeline_signal(struct vg_pipeline *,
			    enum vg_output_op, struct vg_output_signal *);
/* Every output's own state (ops->dump), for SIGCONT. */
void			 vg_pipeline_dump_outputs(struct vg_pipeline *, int fd);
void			 vg_pipeline_dump(struct vg_pipeline *, int fd);

#endif
