/*
 * json.c (output): events as JSON lines (docs/events.md) to a file or
 * stdout ("json:-"). The document comes from the pipeline.
 */
#include <stdlib.h>

#include "vigil/json.h"
#include "vigil/outfile.h"
#include "vigil/output.h"

static int
json_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct vg_outfile *of = o->priv;

	vg_json_event(ev, doc, &of->buf);
	return vg_outfile_maybe_write(of);
}

const struct vg_output_ops vg_output_json = {
	.name = "json",
	.wants = VG_WANT_DOC,
	.open = vg_outfile_op_open,
	.opts = vg_outfile_opts,
	.write = json_write,
	.flush = vg_outfile_op_flush,
	.reopen = vg_outfile_op_reopen,
	.close = vg_outfile_op_close,
	.retries = 1,
};
