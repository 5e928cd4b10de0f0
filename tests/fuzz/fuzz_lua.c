/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_lua.c: libFuzzer harness for the Lua event conversion
 * (src/filter_lua_conv.c): a record stream is grouped and decoded, and a
 * trivial filter walks the whole event table (every member, every string),
 * adds one member and returns the event. Oracle: the JSON written from the
 * returned document is the original JSON with that member appended (or,
 * if the call failed and was counted, the original unchanged). The filter
 * runs with a small max_event_bytes, so that larger events take the
 * refused-result path; a result let through is within the limit (before
 * JSON escaping, which at most multiplies a byte by 6).
 */
#include <stdlib.h>

#include "fuzz_common.h"

#include "vigil/decode.h"
#include "vigil/filter_lua.h"
#include "vigil/json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char filter_src[] =
    "local function walk(t, d)\n"
    "  if d > 70 then return end\n"
    "  for k, v in pairs(t) do\n"
    "    if type(v) == 'table' then walk(v, d + 1)\n"
    "    elseif type(v) == 'string' then local _ = #v .. k end\n"
    "  end\n"
    "end\n"
    "function filter(event)\n"
    "  walk(event, 0)\n"
    "  event.zz_fuzz = 'x'\n"
    "  return event\n"
    "end\n";

#define EVENT_LIMIT	4096

static struct vg_filter	*flt;
static struct vg_buf	 before, after;

static void
setup(void)
{
	char path[] = "/tmp/fuzz_lua.XXXXXX";
	struct vg_lua_opts o = { .max_event_bytes = EVENT_LIMIT };
	struct vg_err err;
	int fd;

	fz_quiet();
	vg_buf_init(&before);
	vg_buf_init(&after);
	fd = mkstemp(path);
	FZ_ASSERT(fd != -1);
	FZ_ASSERT(write(fd, filter_src, sizeof(filter_src) - 1) ==
	    (ssize_t)(sizeof(filter_src) - 1));
	close(fd);
	flt = vg_filter_lua_open(path, &o, &err);
	if (flt == NULL)
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.msg);
	FZ_ASSERT(flt != NULL);
	unlink(path);
}

/* Does any object in the tree repeat a member name? A Lua table keeps one
 * value per key, so such documents cannot come back unchanged. */
static int
has_dup_keys(const struct vg_node *n)
{
	const struct vg_node *a, *b;

	if (n->type != VG_N_OBJ && n->type != VG_N_ARR)
		return 0;
	for (a = n->v.c.head; a != NULL; a = a->next) {
		if (has_dup_keys(a))
			return 1;
		if (n->type != VG_N_OBJ)
			continue;
		for (b = a->next; b != NULL; b = b->next)
			if (a->key.len == b->key.len && (a->key.len == 0 ||
			    memcmp(a->key.p, b->key.p, a->key.len) == 0))
				return 1;
	}
	return 0;
}

static void
on_event(struct vg_event *ev, void *arg)
{
	struct vg_node *doc;
	unsigned long perr = 0;
	uint64_t errs = flt->errors;
	int dup;
	static const char add[] = ",\"zz_fuzz\":\"x\"}\n";

	(void)arg;
	if ((doc = vg_decode_event(ev, &perr)) == NULL)
		return;
	vg_buf_reset(&before);
	vg_json_write(doc, &before);
	fz_check_json_line(&before);
	dup = has_dup_keys(doc);
	if (flt->ops->run(flt, ev, &doc) == VG_DROP)
		FZ_ASSERT(0);
	FZ_ASSERT(doc != NULL);
	vg_buf_reset(&after);
	vg_json_write(doc, &after);
	fz_check_json_line(&after);
	if (flt->errors != errs) {
		FZ_ASSERT(after.len == before.len &&
		    memcmp(after.data, before.data, before.len) == 0);
		return;
	}
	FZ_ASSERT(after.len - 1 <= 6 * EVENT_LIMIT);
	if (dup)
		return;		/* documented loss: see has_dup_keys() */
	FZ_ASSERT(before.len > 3);
	if (after.len != before.len - 2 + sizeof(add) - 1 ||
	    memcmp(after.data, before.data, before.len - 2) != 0 ||
	    memcmp(after.data + before.len - 2, add, sizeof(add) - 1) != 0) {
		fprintf(stderr, "before: %.*safter:  %.*s", (int)before.len,
		    before.data, (int)after.len, after.data);
		FZ_ASSERT(0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (flt == NULL)
		setup();
	fz_feed_events(data, size, on_event, NULL);
	return 0;
}
