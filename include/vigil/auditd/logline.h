/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * logline.h: the auditd log line, written once (src/auditd/logline.c):
 *	[node=N ]type=NAME msg=audit(SEC.MSC:SERIAL): BODY[\x1dENRICHED]
 * and the forms of it auditd 3.0.9's dispatcher gives plugins. Every
 * writer of such text (the auditd log writer, the raw: output, the
 * queued outputs' raw/enriched formats, the plugins) calls vg_logline
 * with the flags that say which of auditd's variants it makes.
 */
#ifndef VIGIL_AUDITD_LOGLINE_H
#define VIGIL_AUDITD_LOGLINE_H

#include <stdint.h>

#include "vigil/auditd/enrich.h"
#include "vigil/buf.h"
#include "vigil/event.h"
#include "vigil/record.h"

/* auditd 3.0.9's format_raw keeps at most this many bytes of a log line,
 * before any enrichment (MAX_AUDIT_MESSAGE_LENGTH 8970 - 32 - NUL; with a
 * node name its 9225-byte buffer - 32 - NUL); the rest of a longer record
 * is cut off. The plugins' copy of a log line is cut the same way. */
#define VG_AUDITLOG_LINE_MAX		8937
#define VG_AUDITLOG_LINE_MAX_NODE	9192
/* auditd's MAX_AUDIT_MESSAGE_LENGTH: the data part of a binary record */
#define VG_PLUGIN_DATA_LEN		8970

/* The parts of one record a line is made of (slices, borrowed). */
struct vg_logrec {
	struct vg_str	 node;		/* empty if none */
	uint64_t	 sec;
	uint32_t	 msec;		/* 0..999 */
	uint32_t	 serial;
	uint32_t	 type;
	struct vg_str	 type_name;	/* as written in text input, or empty */
	struct vg_str	 body;
	struct vg_str	 enriched;	/* the input's own ENRICHED part */
	int		 remote;	/* from the network: its node is kept
					 * over name_format's, as auditd does */
};

#define VG_LL_NL_SPACE	0x001	/* '\n' in text becomes ' ' (auditd's log
				 * and dispatcher); else \x0a like every
				 * other control byte */
#define VG_LL_CUT_LINE	0x002	/* cut the body so the line holds at most
				 * VG_AUDITLOG_LINE_MAX(_NODE) bytes */
#define VG_LL_CUT_DATA	0x004	/* cut the body so "audit(...): BODY"
				 * holds at most VG_PLUGIN_DATA_LEN bytes */
#define VG_LL_TRIM	0x008	/* drop one trailing space (a line that was
				 * not cut), as auditd's log writer does */
#define VG_LL_ENRICH	0x010	/* the ENRICHED part: names resolved with
				 * ->enrich; without one, the input's own */
#define VG_LL_KEPT_FIRST 0x020	/* with VG_LL_ENRICH: the input's own part
				 * if it has one, else resolved */
#define VG_LL_ENRICH_WHOLE 0x040 /* resolve from the whole body, not from
				 * what a cut left (the plugins' copy) */
#define VG_LL_DATA_ONLY	0x080	/* no "[node=N ]type=T msg=": the proto 0
				 * data of a plugin record */
#define VG_LL_NEWLINE	0x100	/* end the line with '\n' */

/* Which variant (flags VG_LL_*), with what. */
struct vg_logline {
	unsigned		 flags;
	struct vg_str		 node;	/* name_format's node name; empty
					 * (or a remote record with one):
					 * the record's own */
	struct vg_enrich	*enrich;	/* VG_LL_ENRICH; may be NULL */
};

/*
 * Appends the line of rec to b as fmt says. Text from the record (node,
 * body, ENRICHED part) never goes out with a raw control byte: each
 * becomes \xHH (a newline a space with VG_LL_NL_SPACE), so a record can
 * never split or forge a line. Never fails; b->oom is sticky.
 */
void	vg_logline(struct vg_buf *b, const struct vg_logline *fmt,
	    const struct vg_logrec *rec);
/*
 * Every line of an event (fmt should end lines: VG_LL_NEWLINE), and an
 * EOE line after them if the event ended with one and eoe is set (the
 * auditd log has none; network outputs and plugins get it).
 */
void	vg_logline_event(struct vg_buf *b, const struct vg_logline *fmt,
	    const struct vg_event *ev, int eoe);
/* Text with control bytes written as \xHH (nl_space: '\n' as ' '). */
void	vg_logline_text(struct vg_buf *b, struct vg_str s, int nl_space);

/* The parts of a record as it arrived / of record r of event ev. */
static inline struct vg_logrec
vg_logrec_of_record(const struct vg_record *r)
{
	struct vg_logrec l = { r->node, r->sec, r->msec, r->serial, r->type,
	    r->type_name, r->body, r->enriched, r->remote };

	return l;
}

static inline struct vg_logrec
vg_logrec_of_event(const struct vg_event *ev, const struct vg_erec *r)
{
	struct vg_logrec l = { ev->node, ev->sec, ev->msec, ev->serial,
	    r->type, r->type_name, r->body, r->enriched,
	    (ev->flags & VG_EV_REMOTE) != 0 };

	return l;
}

/*
 * What auditd 3.0.9's dispatcher gives a plugin for one record: proto 1
 * ("VER2") when the log format is ENRICHED, a node name is configured
 * (name_format) or the event came with one; else proto 0.
 */
struct vg_plugin_fmt {
	int			 enriched;	/* log_format = ENRICHED */
	const char		*node;		/* name_format's node, or NULL */
	struct vg_enrich	*enrich;	/* needed if enriched */
};

/* auditd's struct audit_dispatcher_header (libaudit.h), host order. */
struct vg_plugin_hdr {
	uint32_t	ver;	/* 0: data is "audit(...): body"; 1: whole line */
	uint32_t	hlen;	/* sizeof(struct vg_plugin_hdr) = 16 */
	uint32_t	type;
	uint32_t	size;	/* bytes of data that are the record */
};

/*
 * Appends the data of one record to b as auditd's dispatcher holds it:
 * proto 0 "audit(S.MS:N): body" (at most VG_PLUGIN_DATA_LEN bytes),
 * proto 1 the log line ("[node=N ]type=T msg=audit(...): body
 * [\x1dENRICHED]", cut as the log's, ENRICHED lines without one trailing
 * space, as auditd). A newline in a body becomes a space (as auditd's
 * dispatcher does), other control bytes \xHH. No trailing newline.
 * Returns the proto (0 or 1).
 */
int	vg_plugin_format_data(struct vg_buf *b, const struct vg_plugin_fmt *,
	    const struct vg_logrec *rec);
/*
 * The string-format line of one record: proto 0 prefixes
 * "type=NAME msg=", both end in '\n'. Returns the proto.
 */
int	vg_plugin_format_line(struct vg_buf *b, const struct vg_plugin_fmt *,
	    const struct vg_logrec *rec);

#endif
