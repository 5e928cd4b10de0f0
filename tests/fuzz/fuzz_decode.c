/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_decode.c: libFuzzer harness for the layout and its sinks
 * (src/layout.c, src/decode_*.c, src/sink_*.c, src/json.c): a record
 * stream is grouped, every event laid out to the tree sink and written as
 * JSON; the line must parse (json-c), hold no raw control byte and end in
 * exactly one newline. The JSON sink (with its memo, which carries over
 * between inputs) must give the same line, byte for byte, and the same
 * counts. Also writes the whole input as one JSON string and checks that
 * the surrogateescape reading of it gives the input bytes back (the
 * lossless promise of json.h).
 */
#include "fuzz_common.h"

#include "vigil/decode.h"
#include "vigil/json.h"
#include "vigil/sink_json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct vg_buf	 out, dout;
static struct vg_jsink	*jd;	/* one for the run: its memo carries over */

static void
on_event(struct vg_event *ev, void *arg)
{
	struct vg_node *doc;
	struct vg_decode_counts tc = { 0, 0 }, dc = { 0, 0 };
	int r;

	(void)arg;
	vg_buf_reset(&dout);
	r = vg_jsink_event(jd, ev, &dout, &dc);
	FZ_ASSERT(r == 0 || dout.len == 0);
	doc = vg_decode_event_counts(ev, &tc);
	if (doc == NULL)
		return;		/* arena limit: allowed, counted upstream */
	vg_buf_reset(&out);
	vg_json_write(doc, &out);
	fz_check_json_line(&out);
	if (r == 0) {
		FZ_ASSERT(dout.len == out.len);
		FZ_ASSERT(memcmp(dout.data, out.data, out.len) == 0);
		FZ_ASSERT(dc.parse_errors == tc.parse_errors);
		FZ_ASSERT(dc.fields_dropped == tc.fields_dropped);
	}
}

static void
string_roundtrip(const uint8_t *data, size_t size)
{
	char *back;
	long n;

	vg_buf_reset(&out);
	vg_json_string((const char *)data, size, &out);
	FZ_ASSERT(!out.oom && out.len >= 2);
	FZ_ASSERT(out.data[0] == '"' && out.data[out.len - 1] == '"');
	back = malloc(out.len);
	FZ_ASSERT(back != NULL);
	n = fz_json_unescape(out.data + 1, out.len - 2, back);
	FZ_ASSERT(n == (long)size);
	FZ_ASSERT(size == 0 || memcmp(back, data, size) == 0);
	free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet();
	if (out.data == NULL) {
		vg_buf_init(&out);
		vg_buf_init(&dout);
		jd = vg_jsink_new();
		FZ_ASSERT(jd != NULL);
	}
	fz_feed_events(data, size, on_event, NULL);
	string_roundtrip(data, size);
	return 0;
}
