/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pipeline.c: records in, events out. Owns the grouper, the filter chain
 * and the outputs. Record outputs (auditd's log, raw) get each record as
 * it arrives, before grouping, unless a filter must see their events
 * whole. The document tree is built once per event and only if a
 * filter or an output needs it; outputs never see an event twice.
 * Filters read the event through a view (view.c: the members they read,
 * laid out alone). When the outputs only want the JSON line and no
 * filter changed the event, the layout goes to the JSON sink
 * (sink_json.c) instead of the tree sink: the line is written straight
 * from the records.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/context.h"
#include "vigil/decode.h"
#include "vigil/filter_lua.h"
#include "vigil/log.h"
#include "vigil/pipeline.h"
#include "vigil/sink_json.h"
#include "vigil/view.h"
#include "vigil/topk.h"
#include "vigil/ratelimit.h"
#include "vigil/rectype.h"

#define SELF_KEYS	8	/* vigild's own syscall events being dropped
				 * from record outputs at once */

/* The key of one of vigild's own syscall events (multicast). */
struct self_key {
	uint64_t	sec;
	uint32_t	msec;
	uint32_t	serial;
	int		used;
};

struct vg_pipeline {
	struct vg_group		*group;
	struct vg_output	*outputs;	/* in the order added */
	struct vg_filter	*filters;	/* chain, in order */
	int			 need_doc;	/* some output wants the doc */
	int			 need_tree;	/* ... more than its JSON line */
	struct vg_jsink		*jd;		/* NULL: always the tree */
	struct vg_layout	*lookup;	/* filters' views of events */
	struct vg_buf		 line;		/* the direct JSON line */
	struct vg_ctx		*ctx;		/* process context, or NULL */
	struct vg_buf		 line_nc;	/* the line without context */
	struct vg_buf		 patch_val;	/* a patched member's JSON */
	struct vg_counters	 c;
	uint64_t		 bad_logged;	/* bad lines reported so far */
	char			 self_pat[24];	/* " pid=N " of vigild, or "" */
	size_t			 self_len;
	struct self_key		 self_keys[SELF_KEYS];
	unsigned		 self_next;
	int			 nrecord;	/* outputs in record mode */
	struct vg_top		*top;		/* vigilctl top; may be NULL */
	struct vg_top		*own_top;	/* VIGIL_TOP=1 */
};

static void	on_event(struct vg_event *, void *);

struct vg_pipeline *
vg_pipeline_new(const struct vg_group_opts *gopts)
{
	struct vg_pipeline *pl;

	if ((pl = calloc(1, sizeof(*pl))) == NULL)
		return NULL;
	if ((pl->group = vg_group_new(gopts, on_event, pl)) == NULL) {
		free(pl);
		return NULL;
	}
	vg_buf_init(&pl->line);
	vg_buf_init(&pl->line_nc);
	vg_buf_init(&pl->patch_val);
	if ((pl->lookup = vg_layout_new()) == NULL) {
		vg_group_free(pl->group);
		free(pl);
		return NULL;
	}
	/* VIGIL_TOP=1: tally for top in a replay too (cost A/B tests; a
	 * live vigild's observe.c sets its own) */
	if (vg_top_wanted(0))
		pl->top = pl->own_top = vg_top_new();
	/* VIGIL_JSON_TREE=1: every event through the tree (A/B tests) */
	if (getenv("VIGIL_JSON_TREE") == NULL &&
	    (pl->jd = vg_jsink_new()) == NULL) {
		vg_layout_free(pl->lookup);
		vg_group_free(pl->group);
		free(pl);
		return NULL;
	}
	return pl;
}

uint64_t
vg_pipeline_close_outputs(struct vg_pipeline *pl)
{
	struct vg_output *o, *onext;
	uint64_t lost = 0;

	for (o = pl->outputs; o != NULL; o = onext) {
		onext = o->next;
		lost += vg_output_close(o);
	}
	pl->outputs = NULL;
	return lost;
}

void
vg_pipeline_free(struct vg_pipeline *pl)
{
	struct vg_filter *f, *fnext;

	if (pl == NULL)
		return;
	vg_group_free(pl->group);
	vg_top_free(pl->own_top);
	vg_jsink_free(pl->jd);
	vg_layout_free(pl->lookup);
	vg_buf_free(&pl->line);
	vg_buf_free(&pl->line_nc);
	vg_buf_free(&pl->patch_val);
	(void)vg_pipeline_close_outputs(pl);
	for (f = pl->filters; f != NULL; f = fnext) {
		fnext = f->next;
		if (f->ops->close != NULL)
			f->ops->close(f);
	}
	free(pl);
}

/* Which outputs take records: those that can, unless a filter works on
 * their events (a filter cannot drop an event already written record by
 * record). Then they get events, in event order. */
static void
set_modes(struct vg_pipeline *pl)
{
	struct vg_output *o;

	pl->nrecord = 0;
	for (o = pl->outputs; o != NULL; o = o->next) {
		o->by_record = (o->wants & VG_WANT_RECORDS) &&
		    o->filters == NULL &&
		    pl->filters == NULL;
		pl->nrecord += o->by_record;
	}
}

void
vg_pipeline_add_output(struct vg_pipeline *pl, struct vg_output *o)
{
	struct vg_output **pp;

	for (pp = &pl->outputs; *pp != NULL; pp = &(*pp)->next)
		;
	o->next = NULL;
	*pp = o;
	if ((o->wants & VG_WANT_DOC) || o->filters != NULL)
		pl->need_doc = 1;
	if ((o->wants & VG_WANT_TREE) || o->filters != NULL)
		pl->need_tree = 1;
	set_modes(pl);
}

void
vg_pipeline_set_context(struct vg_pipeline *pl, struct vg_ctx *ctx)
{
	pl->ctx = ctx;
}

/*
 * For an output with context=no: the event's line without "host" and
 * "context" (they are the last members: cut out), or a copy of the
 * root without them (the tree, after filters). Once per event.
 */
static void
strip_context(struct vg_pipeline *pl, struct vg_event *ev,
    struct vg_node **doc, struct vg_str *line)
{
	const struct vg_node *r = *doc, *n;
	struct vg_node *copy, *m;

	if (ev->json.len > 0 && ev->ctx_to > ev->ctx_from) {
		if (line->p == NULL) {
			vg_buf_reset(&pl->line_nc);
			vg_buf_add(&pl->line_nc, ev->json.p, ev->ctx_from);
			vg_buf_add(&pl->line_nc, ev->json.p + ev->ctx_to,
			    ev->json.len - ev->ctx_to);
			if (!pl->line_nc.oom)
				*line = vg_str_make(pl->line_nc.data,
				    pl->line_nc.len);
		}
		return;
	}
	if (r == NULL || r->type != VG_N_OBJ ||
	    (copy = vg_node_new(&ev->arena, VG_N_OBJ)) == NULL)
		return;
	for (n = r->v.c.head; n != NULL; n = n->next) {
		if (vg_str_eq(n->key, "host") || vg_str_eq(n->key, "context"))
			continue;
		if ((m = vg_arena_alloc(&ev->arena, sizeof(*m))) == NULL)
			return;
		*m = *n;
		m->next = NULL;
		vg_node_append(copy, m);
	}
	*doc = copy;
}

void
vg_pipeline_add_filter(struct vg_pipeline *pl, struct vg_filter *f)
{
	struct vg_filter **pp;

	for (pp = &pl->filters; *pp != NULL; pp = &(*pp)->next)
		;
	f->next = NULL;
	*pp = f;
	set_modes(pl);
}

struct vg_output *
vg_pipeline_take_outputs(struct vg_pipeline *pl)
{
	struct vg_output *o = pl->outputs;

	pl->outputs = NULL;
	pl->need_doc = pl->need_tree = 0;
	set_modes(pl);
	return o;
}

struct vg_filter *
vg_pipeline_take_filters(struct vg_pipeline *pl)
{
	struct vg_filter *f = pl->filters;

	pl->filters = NULL;
	set_modes(pl);
	return f;
}

struct vg_filter *
vg_pipeline_filters(struct vg_pipeline *pl)
{
	return pl->filters;
}

void
vg_pipeline_set_top(struct vg_pipeline *pl, struct vg_top *top)
{
	pl->top = top;
}

struct vg_output *
vg_pipeline_outputs(struct vg_pipeline *pl)
{
	return pl->outputs;
}

void
vg_pipeline_pending(const struct vg_pipeline *pl, size_t *events,
    size_t *bytes)
{
	*events = vg_group_pending(pl->group);
	*bytes = vg_group_pending_bytes(pl->group);
}

/* Group stats are the grouper's; mirrored into the counters only when
 * someone reads them (vg_pipeline_counters), not per record. */
static void
sync_counters(struct vg_pipeline *pl)
{
	const struct vg_group_stats *gs = vg_group_stats(pl->group);

	pl->c.gaps = gs->gaps;
	pl->c.timeouts = gs->timeouts;
	pl->c.late = gs->late;
	pl->c.oversize = gs->oversize;
	pl->c.evicted = gs->evicted;
	pl->c.evicted_mem = gs->evicted_mem;
}

void
vg_pipeline_drop_self(struct vg_pipeline *pl, pid_t pid)
{
	int n = snprintf(pl->self_pat, sizeof(pl->self_pat), " pid=%d ",
	    (int)pid);

	pl->self_len = n > 0 && (size_t)n < sizeof(pl->self_pat) ?
	    (size_t)n : 0;
}

/* The event's SYSCALL record was made by vigild itself. */
static int
is_self(const struct vg_pipeline *pl, const struct vg_event *ev)
{
	size_t i;

	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_SYSCALL)
			return memmem(ev->recs[i].body.p, ev->recs[i].body.len,
			    pl->self_pat, pl->self_len) != NULL;
	return 0;
}

/*
 * Runs the pipeline's filters on the event, read through a view (members
 * laid out as they are read). VG_DROP, or VG_PASS with *doc the document
 * a filter replaced the event with, or NULL: unchanged.
 */
static enum vg_verdict
run_filters(struct vg_pipeline *pl, struct vg_event *ev, struct vg_view *v,
    struct vg_node **doc)
{
	struct vg_filter *f;

	*doc = NULL;
	ev->view = v;
	for (f = pl->filters; f != NULL; f = f->next) {
		/* the last filter may leave its changes of record members as
		 * a patch of the JSON line when every output takes the line */
		v->patch_ok = f->next == NULL && pl->jd != NULL &&
		    !pl->need_tree;
		if (f->ops->run(f, ev, doc) == VG_DROP) {
			f->dropped++;
			pl->c.dropped++;
			ev->view = NULL;
			return VG_DROP;
		}
		f->passed++;
	}
	ev->view = NULL;
	/* a filter that built the whole tree and kept it changed nothing */
	if (*doc == v->tree)
		*doc = NULL;
	return VG_PASS;
}

/* The line of an event whose record members a filter patched: 0, or 1
 * if the patch could not be applied (then the tree: never expected). */
static int
patch_line(struct vg_pipeline *pl, struct vg_event *ev, struct vg_view *v)
{
	size_t start = (size_t)(ev->json.p - pl->line.data);

	if (vg_view_patch_line(v, &pl->line, start, &ev->ctx_from,
	    &ev->ctx_to, &pl->patch_val) == -1) {
		ev->json = VG_STR_NULL;
		ev->ctx_from = ev->ctx_to = 0;
		return 1;
	}
	ev->json = vg_str_make(pl->line.data + start, pl->line.len - start);
	return 0;
}

static void
on_event(struct vg_event *ev, void *arg)
{
	struct vg_pipeline *pl = arg;
	struct vg_node *doc = NULL;
	struct vg_output *o;
	struct vg_decode_counts dc = { 0, 0 };
	struct vg_view view;
	struct vg_node *nc_doc = NULL;
	struct vg_str nc_line = VG_STR_NULL;
	int nc_done = 0;
	int direct = 1;			/* 0 written, 1 not tried, -1 no memory */

	pl->c.events++;
	if (pl->self_len && is_self(pl, ev)) {
		pl->c.self++;
		return;
	}
	if (pl->top != NULL)
		vg_top_event(pl->top, ev);
	ev->json = VG_STR_NULL;
	ev->ctx = NULL;
	ev->ctx_from = ev->ctx_to = 0;
	if (!pl->need_doc && pl->filters == NULL)
		goto outputs;
	/* the process context first: filters and the layout read it. Not
	 * for a remote sender's event: its processes are another machine's,
	 * and its records must not touch this one's table (a forged execve
	 * would label, and with drop label= hide, a local process) */
	if (pl->ctx != NULL && !(ev->flags & VG_EV_REMOTE))
		vg_ctx_event(pl->ctx, ev);
	/* max_event_bytes bounds the records kept; the document is a
	 * bounded multiple of them and must not fail for it */
	ev->arena.limit = 0;
	if (pl->filters != NULL || pl->jd == NULL || pl->need_tree)
		vg_view_init(&view, pl->lookup, ev);
	if (pl->filters != NULL) {
		if (run_filters(pl, ev, &view, &doc) == VG_DROP)
			return;
		/* changed: what the event's own layout counts */
		if (doc != NULL)
			vg_view_count(&view, &dc);
	}
	if (doc == NULL && pl->jd != NULL && !pl->need_tree) {
		/* unchanged, or record members patched: the line straight
		 * from the records */
		vg_buf_reset(&pl->line);
		if ((direct = vg_jsink_line(pl->jd, ev, &pl->line, &ev->json,
		    &dc)) == 0 && pl->filters != NULL && view.npatch > 0)
			direct = patch_line(pl, ev, &view);
		if (direct == 0)
			pl->c.json_direct++;
	}
	if (doc == NULL && direct == 1) {
		doc = pl->filters != NULL ? vg_view_patched_tree(&view) :
		    vg_view_tree(&view);
		vg_view_count(&view, &dc);
	}
	pl->c.parse_errors += dc.parse_errors;
	pl->c.fields_dropped += dc.fields_dropped;
	if (doc == NULL && direct != 0) {
		/* arena exhausted: outputs that need the document cannot
		 * have it; count it as a parse error */
		pl->c.parse_errors++;
	}
outputs:
	for (o = pl->outputs; o != NULL; o = o->next) {
		struct vg_node *odoc = doc;
		struct vg_str full = ev->json;

		if (o->by_record)
			continue;	/* had the records already */
		if (o->no_context && ev->ctx != NULL) {
			if (!nc_done) {
				nc_doc = doc;
				strip_context(pl, ev, &nc_doc, &nc_line);
				nc_done = 1;
			}
			odoc = nc_doc;
			if (nc_line.p != NULL)
				ev->json = nc_line;
		}
		if (((o->wants & VG_WANT_DOC) || o->filters != NULL) &&
		    doc == NULL &&
		    ev->json.len == 0) {
			o->stats.dropped++;
			continue;
		}
		/* this output's own filters see (and may replace) a doc
		 * pointer of their own; the shared tree is not changed */
		if (o->filters != NULL &&
		    vg_filter_chain_run(o->filters, ev, &odoc) == VG_DROP) {
			o->stats.filtered++;
			continue;
		}
		vg_output_write(o, ev, odoc);
		ev->json = full;
	}
}

/*
 * Multicast, record outputs: a record of vigild's own syscall event. The
 * kernel writes the SYSCALL record first at syscall exit, then the aux
 * records, PROCTITLE and EOE with the same key: a SYSCALL with vigild's
 * pid is dropped and its key remembered, and so are the records after it
 * with that key (until EOE). Records logged during the syscall, before
 * its SYSCALL, cannot be told apart and are written (docs/outputs.md).
 */
static int
self_record(struct vg_pipeline *pl, const struct vg_record *r)
{
	struct self_key *k;
	size_t i;

	if (r->type == VG_T_SYSCALL) {
		if (memmem(r->body.p, r->body.len, pl->self_pat,
		    pl->self_len) == NULL)
			return 0;
		k = &pl->self_keys[pl->self_next++ % SELF_KEYS];
		k->sec = r->sec;
		k->msec = r->msec;
		k->serial = r->serial;
		k->used = 1;
		return 1;
	}
	for (i = 0; i < SELF_KEYS; i++) {
		k = &pl->self_keys[i];
		if (k->used && k->serial == r->serial && k->sec == r->sec &&
		    k->msec == r->msec) {
			if (r->type == VG_T_EOE)
				k->used = 0;
			return 1;
		}
	}
	return 0;
}

/* Out of line: without record outputs (the usual case) the record goes
 * to the grouper with no registers to save (a tail call). */
static __attribute__((noinline)) void
record_outputs(struct vg_pipeline *pl, const struct vg_record *rec)
{
	struct vg_output *o;

	if (!(pl->self_len && self_record(pl, rec)))
		for (o = pl->outputs; o != NULL; o = o->next)
			if (o->by_record)
				(void)vg_output_record(o, rec);
}

int
vg_pipeline_record(struct vg_pipeline *pl, const struct vg_record *rec,
    uint64_t now_ms)
{
	pl->c.records++;
	/* record outputs first: what they write never waits for grouping */
	if (pl->nrecord)
		record_outputs(pl, rec);
	/* -1 is an oversize record: counted by the grouper (oversize) */
	return vg_group_add(pl->group, rec, now_ms) == 1;
}

void
vg_pipeline_daemon(struct vg_pipeline *pl, const struct vg_record *rec)
{
	struct vg_erec er = { rec->type, rec->type_name, rec->body,
	    rec->enriched };
	struct vg_event ev;
	struct vg_output *o;

	memset(&ev, 0, sizeof(ev));
	ev.node = rec->node;
	ev.sec = rec->sec;
	ev.msec = rec->msec;
	ev.serial = rec->serial;
	ev.flags = VG_EV_SINGLE;
	ev.recs = &er;
	ev.nrecs = 1;
	for (o = pl->outputs; o != NULL; o = o->next) {
		if (!o->ops->wants_daemon)
			continue;
		if (o->by_record)
			(void)o->ops->record(o, rec);
		else
			(void)o->ops->write(o, &ev, NULL);
		if (o->ops->flush != NULL)
			(void)o->ops->flush(o);
	}
}

void
vg_pipeline_bad_line(struct vg_pipeline *pl, const char *line, size_t len)
{
	pl->c.parse_errors++;
	/* rate limit: the first 10 bad lines verbatim, then at every
	 * 1000th parse error (of any kind) */
	if (pl->bad_logged < 10 || vg_rl_count(pl->c.parse_errors, 0)) {
		pl->bad_logged++;
		vg_log_warnx("skipped line that is not an audit record "
		    "(%" PRIu64 " so far): %.*s", pl->c.parse_errors,
		    (int)(len > 120 ? 120 : len), line);
	}
}

void
vg_pipeline_expire(struct vg_pipeline *pl, uint64_t now_ms)
{
	vg_group_expire(pl->group, now_ms);
}

void
vg_pipeline_own(struct vg_pipeline *pl)
{
	vg_group_own(pl->group);
}

uint64_t
vg_pipeline_deadline(const struct vg_pipeline *pl)
{
	return vg_group_deadline(pl->group);
}

uint64_t
vg_pipeline_timeout(const struct vg_pipeline *pl)
{
	return vg_group_timeout(pl->group);
}

void
vg_pipeline_flush(struct vg_pipeline *pl)
{
	vg_group_flush(pl->group);
	vg_pipeline_flush_outputs(pl);
}

void
vg_pipeline_flush_outputs(struct vg_pipeline *pl)
{
	struct vg_output *o;

	for (o = pl->outputs; o != NULL; o = o->next) {
		if (o->ops->flush == NULL || o->ops->flush(o) != -1)
			continue;
		/* e.g. disk full: never silent; the first, then every
		 * 1000th (a file output keeps the bytes for the next try) */
		if (vg_rl_count(++o->stats.failed, 1))
			vg_log_warn("output %s: write failed (%" PRIu64
			    " failures so far)", o->spec, o->stats.failed);
	}
}

uint64_t
vg_pipeline_losses(const struct vg_pipeline *pl)
{
	const struct vg_output *o;
	uint64_t n = 0;

	for (o = pl->outputs; o != NULL; o = o->next)
		n += o->stats.failed + o->stats.dropped;
	return n;
}

void
vg_pipeline_reopen_outputs(struct vg_pipeline *pl)
{
	struct vg_output *o;

	for (o = pl->outputs; o != NULL; o = o->next)
		if (o->ops->reopen != NULL && o->ops->reopen(o) == -1)
			vg_log_warn("reopen %s", o->spec);
}

void
vg_pipeline_signal(struct vg_pipeline *pl, enum vg_output_op op,
    struct vg_output_signal *s)
{
	void (*fn)(struct vg_output *, struct vg_output_signal *);
	struct vg_output *o;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (o = pl->outputs; o != NULL; o = o->next) {
			if (((o->wants & VG_WANT_RECORDS) != 0) != (pass == 0))
				continue;	/* pass 0: the logs */
			fn = op == VG_OUTPUT_ROTATE ? o->ops->rotate :
			    op == VG_OUTPUT_RESUME ? o->ops->resume :
			    op == VG_OUTPUT_RELOAD ? o->ops->reload :
			    o->ops->stop;
			if (fn != NULL)
				fn(o, s);
		}
}

void
vg_pipeline_dump_outputs(struct vg_pipeline *pl, int fd)
{
	struct vg_output *o;

	for (o = pl->outputs; o != NULL; o = o->next)
		if (o->ops->dump != NULL)
			o->ops->dump(o, fd);
}

struct vg_counters *
vg_pipeline_counters(struct vg_pipeline *pl)
{
	sync_counters(pl);
	return &pl->c;
}

void
vg_pipeline_dump(struct vg_pipeline *pl, int fd)
{
	struct vg_counters *c = vg_pipeline_counters(pl);
	struct vg_output *o;
	struct vg_filter *f;

	vg_log_dump(fd, "records=%" PRIu64 " events=%" PRIu64
	    " parse_errors=%" PRIu64 " enobufs=%" PRIu64 " gaps=%" PRIu64
	    " timeouts=%" PRIu64 " late=%" PRIu64 " foreign=%" PRIu64
	    " dropped=%" PRIu64 " oversize=%" PRIu64 " evicted=%" PRIu64
	    " evicted_mem=%" PRIu64 " self=%" PRIu64 " pending=%zu"
	    " pending_bytes=%zu json_direct=%" PRIu64
	    " fields_dropped=%" PRIu64, c->records, c->events,
	    c->parse_errors, c->enobufs, c->gaps, c->timeouts, c->late,
	    c->foreign, c->dropped, c->oversize, c->evicted, c->evicted_mem,
	    c->self, vg_group_pending(pl->group),
	    vg_group_pending_bytes(pl->group), c->json_direct,
	    c->fields_dropped);
	for (o = pl->outputs; o != NULL; o = o->next)
		vg_log_dump(fd, "output %s sent=%" PRIu64 " failed=%" PRIu64
		    " dropped=%" PRIu64 " queued=%" PRIu64 " spooled=%" PRIu64
		    " filtered=%" PRIu64, o->spec, o->stats.sent,
		    o->stats.failed, o->stats.dropped, o->stats.queued,
		    o->stats.spooled, o->stats.filtered);
	if (pl->ctx != NULL)
		vg_ctx_dump(pl->ctx, fd);
	for (f = pl->filters; f != NULL; f = f->next)
		vg_log_dump(fd, "filter %s passed=%" PRIu64 " dropped=%"
		    PRIu64 " errors=%" PRIu64, f->name ? f->name : f->ops->name,
		    f->passed, f->dropped, f->errors);
}
