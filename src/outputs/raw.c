/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * raw.c (output): auditd's RAW log format, one line per record (no EOE
 * line, as in auditd's log), so ausearch/aureport read the file:
 *	[node=N ]type=NAME msg=audit(SEC.MSC:SERIAL): BODY
 * Like auditd, each record is written as it arrives, in arrival order
 * (the record op); with a filter on its events, event by event.
 * A control byte inside a body (never produced by the kernel, which
 * hex-encodes untrusted strings, but possible in forged user messages) is
 * written as \xHH so a record can never split or forge a log line. The
 * line itself is auditd/logline.c's.
 */
#include "vigil/auditd/logline.h"
#include "vigil/outfile.h"
#include "vigil/output.h"
#include "vigil/rectype.h"

/* auditd's log: no EOE lines (ausearch groups without them), text as
 * the kernel gave it with control bytes as \xHH */
static const struct vg_logline raw_fmt = { VG_LL_NEWLINE, { NULL, 0 },
    NULL };

static int
raw_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct vg_outfile *of = o->priv;

	(void)doc;
	vg_logline_event(&of->buf, &raw_fmt, ev, 0);
	return vg_outfile_maybe_write(of);
}

static int
raw_record(struct vg_output *o, const struct vg_record *r)
{
	struct vg_outfile *of = o->priv;
	struct vg_logrec l;

	if (r->type == VG_T_EOE)	/* not in auditd's log */
		return 1;
	l = vg_logrec_of_record(r);
	vg_logline(&of->buf, &raw_fmt, &l);
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
