/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_group.c: libFuzzer harness for the grouper (src/group.c) fed a
 * record stream (one text record per line, replay clock). The first input
 * byte picks small limits (max_pending, max_event_bytes, max_pending_bytes,
 * timeout) so that eviction, oversize and timeout paths are reached. Checks the events
 * handed out and the counters against what was fed.
 */
#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct seen {
	uint64_t	events;
	uint64_t	recs;
};

static void
on_event(struct vg_event *ev, void *arg)
{
	struct seen *s = arg;
	size_t i;

	s->events++;
	s->recs += ev->nrecs;
	FZ_ASSERT(ev->nrecs > 0);
	FZ_ASSERT(ev->flags != 0);
	for (i = 0; i < ev->nrecs; i++) {
		/* arena copies are NUL-terminated: reading the terminator
		 * lets ASan check the whole copy was allocated */
		FZ_ASSERT(ev->recs[i].body.p != NULL);
		FZ_ASSERT(ev->recs[i].body.p[ev->recs[i].body.len] == '\0');
		FZ_ASSERT(ev->recs[i].enriched.p[
		    ev->recs[i].enriched.len] == '\0');
		FZ_ASSERT(ev->recs[i].type != 1320);
	}
	FZ_ASSERT(ev->node.p[ev->node.len] == '\0');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_group_opts o;
	struct fz_feed f;
	struct seen s;
	const struct vg_group_stats *st;

	fz_quiet();
	if (size < 1)
		return 0;
	memset(&o, 0, sizeof(o));
	memset(&s, 0, sizeof(s));
	o.timeout_ms = (data[0] & 3) ? (uint64_t)(data[0] & 3) * 500 : 2000;
	o.max_pending = (data[0] & 4) ? 2 + (data[0] >> 5) : 0;
	o.max_event_bytes = (data[0] & 8) ? 512 : 0;
	o.max_pending_bytes = (data[0] & 16) ? 4096 : 0;
	f.clock = 0;
	f.eoe = 0;
	f.g = vg_group_new(&o, on_event, &s);
	FZ_ASSERT(f.g != NULL);
	fz_lines(data + 1, size - 1, fz_feed_line, &f);
	if (o.max_pending)
		FZ_ASSERT(vg_group_pending(f.g) <= o.max_pending);
	if (o.max_pending_bytes)
		FZ_ASSERT(vg_group_pending_bytes(f.g) <= o.max_pending_bytes);
	vg_group_flush(f.g);
	FZ_ASSERT(vg_group_pending(f.g) == 0);
	FZ_ASSERT(vg_group_pending_bytes(f.g) == 0);
	FZ_ASSERT(vg_group_deadline(f.g) == UINT64_MAX);
	st = vg_group_stats(f.g);
	FZ_ASSERT(st->events == s.events);
	/* every accepted record comes out in exactly one event (EOE
	 * records close events and are counted, not kept) */
	FZ_ASSERT(st->records == s.recs + f.eoe);
	vg_group_free(f.g);
	return 0;
}
