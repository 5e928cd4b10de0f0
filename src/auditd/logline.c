/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logline.c: the auditd log line, once (vigil/auditd/logline.h):
 *	[node=N ]type=NAME msg=audit(SEC.MSC:SERIAL): BODY[\x1dENRICHED]
 * with the variants auditd 3.0.9 has (its log writer cuts long lines and
 * trims a trailing space; its dispatcher turns newlines into spaces and
 * has a proto 0 form) chosen by flags, so the log writer, raw:, the
 * queued outputs and the plugins cannot drift apart. It is on the hot
 * path of raw: (one call per record): the header is put together by
 * hand and clean text is skipped eight bytes at a time. Never allocates
 * except by growing the buffer; never logs.
 */
#include <string.h>

#include "vigil/auditd/logline.h"
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
vg_logline_text(struct vg_buf *b, struct vg_str s, int nl_space)
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
		if (c == '\n' && nl_space)
			vg_buf_addc(b, ' ');
		else {
			vg_buf_add(b, "\\x", 2);
			vg_buf_addc(b, hexd[c >> 4]);
			vg_buf_addc(b, hexd[c & 15]);
		}
		run = ++i;
	}
	vg_buf_add(b, s.p + run, s.len - run);
}

/* "[node=N ]type=NAME" */
static void
prefix(struct vg_buf *b, struct vg_str node, const struct vg_logrec *rec,
    int nl_space)
{
	const char *name;

	if (node.len) {
		vg_buf_add(b, "node=", 5);
		vg_logline_text(b, node, nl_space);
		vg_buf_addc(b, ' ');
	}
	vg_buf_add(b, "type=", 5);
	/* a parsed type name holds no control byte (parse.c) */
	if (rec->type_name.len)
		vg_buf_add(b, rec->type_name.p, rec->type_name.len);
	else if ((name = vg_type_name(rec->type)) != NULL)
		vg_buf_adds(b, name);
	else
		vg_buf_printf(b, "UNKNOWN[%u]", rec->type);
}

/* "[ msg=]audit(SEC.MSC:SERIAL): " by hand: once per record. Returns
 * the length of the " msg=" written (where the data begins). */
static size_t
stamp(struct vg_buf *b, const struct vg_logrec *rec, int msg)
{
	char ts[72];
	uint32_t msec = rec->msec;
	int n = 0;

	if (msg) {
		memcpy(ts, " msg=", 5);
		n = 5;
	}
	memcpy(ts + n, "audit(", 6);
	n += 6;
	n += vg_u64_digits(ts + n, rec->sec);
	ts[n++] = '.';
	ts[n++] = (char)('0' + msec / 100 % 10);
	ts[n++] = (char)('0' + msec / 10 % 10);
	ts[n++] = (char)('0' + msec % 10);
	ts[n++] = ':';
	n += vg_u64_digits(ts + n, rec->serial);
	memcpy(ts + n, "): ", 3);
	n += 3;
	vg_buf_add(b, ts, (size_t)n);
	return msg ? 5 : 0;
}

void
vg_logline(struct vg_buf *b, const struct vg_logline *fmt,
    const struct vg_logrec *rec)
{
	unsigned fl = fmt->flags;
	int nls = (fl & VG_LL_NL_SPACE) != 0, cut = 0;
	struct vg_str node = fmt->node.len && !(rec->remote &&
	    rec->node.len) ? fmt->node : rec->node;
	struct vg_str body = rec->body;
	size_t start = b->len, from, max, used;

	if (!(fl & VG_LL_DATA_ONLY))
		prefix(b, node, rec, nls);
	from = b->len;
	from += stamp(b, rec, !(fl & VG_LL_DATA_ONLY));
	if (fl & (VG_LL_CUT_LINE | VG_LL_CUT_DATA)) {
		if (fl & VG_LL_CUT_LINE) {
			max = node.len ? VG_AUDITLOG_LINE_MAX_NODE :
			    VG_AUDITLOG_LINE_MAX;
			used = b->len - start;
		} else {
			max = VG_PLUGIN_DATA_LEN;
			used = b->len - from;
		}
		if (used + body.len > max) {
			body.len = used < max ? max - used : 0;
			cut = 1;
		}
	}
	vg_logline_text(b, body, nls);
	if ((fl & VG_LL_TRIM) && !cut && b->len > start && !b->oom &&
	    b->data[b->len - 1] == ' ')
		b->len--;
	if (fl & VG_LL_ENRICH) {
		if (rec->enriched.len && ((fl & VG_LL_KEPT_FIRST) ||
		    fmt->enrich == NULL)) {
			vg_buf_addc(b, VG_ENRICH_SEP);
			vg_logline_text(b, rec->enriched, nls);
		} else if (fmt->enrich != NULL && !b->oom)
			vg_enrich_record(fmt->enrich, b, rec->type,
			    (fl & VG_LL_ENRICH_WHOLE) ? rec->body : body,
			    b->len - start);
	}
	if (fl & VG_LL_NEWLINE)
		vg_buf_addc(b, '\n');
}

void
vg_logline_event(struct vg_buf *b, const struct vg_logline *fmt,
    const struct vg_event *ev, int eoe)
{
	struct vg_logrec l;
	size_t i;

	for (i = 0; i < ev->nrecs; i++) {
		l = vg_logrec_of_event(ev, &ev->recs[i]);
		vg_logline(b, fmt, &l);
	}
	if (eoe && (ev->flags & VG_EV_EOE)) {
		memset(&l, 0, sizeof(l));
		l.node = ev->node;
		l.sec = ev->sec;
		l.msec = ev->msec;
		l.serial = ev->serial;
		l.type = VG_T_EOE;
		l.remote = (ev->flags & VG_EV_REMOTE) != 0;
		vg_logline(b, fmt, &l);
	}
}

/* ---- the plugins' forms (auditd's dispatcher) ---- */

static int
proto_of(const struct vg_plugin_fmt *f, const struct vg_logrec *rec)
{
	return f->enriched || (f->node != NULL && f->node[0] != '\0') ||
	    rec->node.len != 0;
}

/* proto 1: the line auditd would log, node from name_format, cut as the
 * log writer cuts it; ENRICHED: trimmed and enriched as the log's */
static void
plugin_line(struct vg_buf *b, const struct vg_plugin_fmt *f,
    const struct vg_logrec *rec, unsigned nl)
{
	struct vg_logline ll = { VG_LL_NL_SPACE | VG_LL_CUT_LINE | nl,
	    VG_STR_NULL, f->enrich };

	if (f->node != NULL && f->node[0] != '\0')
		ll.node = vg_str_make(f->node, strlen(f->node));
	if (f->enriched)
		ll.flags |= VG_LL_TRIM | VG_LL_ENRICH | VG_LL_ENRICH_WHOLE;
	vg_logline(b, &ll, rec);
}

int
vg_plugin_format_data(struct vg_buf *b, const struct vg_plugin_fmt *f,
    const struct vg_logrec *rec)
{
	/* proto 0: the kernel's text as it came, at most what auditd's
	 * netlink buffer holds */
	static const struct vg_logline p0 = { VG_LL_NL_SPACE |
	    VG_LL_CUT_DATA | VG_LL_DATA_ONLY, { NULL, 0 }, NULL };

	if (proto_of(f, rec)) {
		plugin_line(b, f, rec, 0);
		return 1;
	}
	vg_logline(b, &p0, rec);
	return 0;
}

int
vg_plugin_format_line(struct vg_buf *b, const struct vg_plugin_fmt *f,
    const struct vg_logrec *rec)
{
	/* "type=NAME msg=" + the proto 0 data, cut as that is */
	static const struct vg_logline p0 = { VG_LL_NL_SPACE |
	    VG_LL_CUT_DATA | VG_LL_NEWLINE, { NULL, 0 }, NULL };

	if (proto_of(f, rec)) {
		plugin_line(b, f, rec, VG_LL_NEWLINE);
		return 1;
	}
	vg_logline(b, &p0, rec);
	return 0;
}
