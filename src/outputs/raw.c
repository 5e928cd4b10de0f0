/*
 * raw.c (output): auditd's RAW log format, one line per record (no EOE
 * line, as in auditd's log), so ausearch/aureport read the file:
 *	[node=N ]type=NAME msg=audit(SEC.MSC:SERIAL): BODY
 * Like auditd, each record is written as it arrives, in arrival order
 * (the record op); with a filter on its events, event by event.
 * A control byte inside a body (never produced by the kernel, which
 * hex-encodes untrusted strings, but possible in forged user messages) is
 * written as \xHH so a record can never split or forge a log line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/outfile.h"
#include "vigil/output.h"
#include "vigil/rawfmt.h"
#include "vigil/rectype.h"
#include "vigil/tables.h"

static const char hexd[] = "0123456789abcdef";

/* Non-zero if any byte of x is below 0x20 or is 0x7f (SWAR: bytes with
 * the high bit set are excluded by the ~x terms). */
static inline uint64_t
has_ctl(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t high = 0x8080808080808080ull;
	uint64_t del = x ^ (ones * 0x7f);

	return (((x - ones * 0x20) & ~x) | ((del - ones) & ~del)) & high;
}

void
vg_raw_body(struct vg_buf *b, struct vg_str s)
{
	size_t i = 0, run = 0;
	unsigned char c;
	uint64_t w;

	while (i < s.len) {
		/* bodies are mostly clean: skip eight bytes at a time */
		if (i + 8 <= s.len) {
			memcpy(&w, s.p + i, 8);
			if (!has_ctl(w)) {
				i += 8;
				continue;
			}
		}
		c = (unsigned char)s.p[i];
		if (c >= 0x20 && c != 0x7f) {
			i++;
			continue;
		}
		vg_buf_add(b, s.p + run, i - run);
		vg_buf_add(b, "\\x", 2);
		vg_buf_addc(b, hexd[c >> 4]);
		vg_buf_addc(b, hexd[c & 15]);
		run = ++i;
	}
	vg_buf_add(b, s.p + run, s.len - run);
}

static void
header(struct vg_buf *b, struct vg_str node, uint64_t sec, uint32_t msec,
    uint32_t serial, uint32_t type, struct vg_str type_name)
{
	char ts[48];
	const char *name;
	int n;

	if (node.len) {
		vg_buf_add(b, "node=", 5);
		vg_raw_body(b, node);
		vg_buf_addc(b, ' ');
	}
	vg_buf_add(b, "type=", 5);
	if (type_name.len)
		vg_buf_add(b, type_name.p, type_name.len);
	else if ((name = vg_type_name(type)) != NULL)
		vg_buf_adds(b, name);
	else
		vg_buf_printf(b, "UNKNOWN[%u]", type);
	/* " msg=audit(SEC.MSC:SERIAL): " by hand: once per record */
	memcpy(ts, " msg=audit(", 11);
	n = 11;
	n += vg_u64_digits(ts + n, sec);
	ts[n++] = '.';
	ts[n++] = (char)('0' + msec / 100 % 10);
	ts[n++] = (char)('0' + msec / 10 % 10);
	ts[n++] = (char)('0' + msec % 10);
	ts[n++] = ':';
	n += vg_u64_digits(ts + n, serial);
	memcpy(ts + n, "): ", 3);
	n += 3;
	vg_buf_add(b, ts, (size_t)n);
}

void
vg_raw_header(struct vg_buf *b, const struct vg_event *ev, uint32_t type,
    struct vg_str type_name)
{
	header(b, ev->node, ev->sec, ev->msec, ev->serial, type, type_name);
}

void
vg_raw_record(struct vg_buf *b, const struct vg_record *r, int flags)
{
	header(b, r->node, r->sec, r->msec, r->serial, r->type, r->type_name);
	vg_raw_body(b, r->body);
	if ((flags & VG_RAW_ENRICHED) && r->enriched.len) {
		vg_buf_addc(b, '\x1d');
		vg_raw_body(b, r->enriched);
	}
	vg_buf_addc(b, '\n');
}

void
vg_raw_event(struct vg_buf *b, const struct vg_event *ev, int flags)
{
	size_t i;

	for (i = 0; i < ev->nrecs; i++) {
		const struct vg_erec *r = &ev->recs[i];

		vg_raw_header(b, ev, r->type, r->type_name);
		vg_raw_body(b, r->body);
		if ((flags & VG_RAW_ENRICHED) && r->enriched.len) {
			vg_buf_addc(b, '\x1d');
			vg_raw_body(b, r->enriched);
		}
		vg_buf_addc(b, '\n');
	}
	if ((ev->flags & VG_EV_EOE) && !(flags & VG_RAW_NO_EOE)) {
		vg_raw_header(b, ev, VG_T_EOE, VG_STR_NULL);
		vg_buf_addc(b, '\n');
	}
}

static int
raw_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct vg_outfile *of = o->priv;

	(void)doc;
	/* auditd's log has no EOE lines: ausearch groups without them */
	vg_raw_event(&of->buf, ev, VG_RAW_NO_EOE);
	return vg_outfile_maybe_write(of);
}

static int
raw_record(struct vg_output *o, const struct vg_record *r)
{
	struct vg_outfile *of = o->priv;

	if (r->type == VG_T_EOE)	/* not in auditd's log */
		return 1;
	vg_raw_record(&of->buf, r, 0);
	return vg_outfile_maybe_write(of);
}

const struct vg_output_ops vg_output_raw = {
	.name = "raw",
	.wants = VG_WANT_RECORDS,
	.open = vg_outfile_op_open,
	.opts = vg_outfile_opts,
	.write = raw_write,
	.record = raw_record,
	.flush = vg_outfile_op_flush,
	.reopen = vg_outfile_op_reopen,
	.close = vg_outfile_op_close,
	.retries = 1,
};
