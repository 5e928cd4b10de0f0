/*
 * json.c (output): events as JSON lines (docs/events.md) to a file or
 * stdout ("json:-"). The document comes from the pipeline.
 */
#include <stdlib.h>

#include "vigil/json.h"
#include "vigil/outfile.h"
#include "vigil/output.h"

static int
json_open(struct vg_output *o, const char *arg)
{
	struct vg_outfile *of;

	if ((of = calloc(1, sizeof(*of))) == NULL)
		return -1;
	if (vg_outfile_open(of, arg, 0600) == -1) {
		free(of);
		return -1;
	}
	o->priv = of;
	return 0;
}

static int
json_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct vg_outfile *of = o->priv;

	(void)ev;
	vg_json_write(doc, &of->buf);
	return vg_outfile_maybe_write(of);
}

static int
json_flush(struct vg_output *o)
{
	return vg_outfile_flush(o->priv);
}

static int
json_reopen(struct vg_output *o)
{
	return vg_outfile_reopen(o->priv);
}

static void
json_close(struct vg_output *o)
{
	vg_outfile_close(o->priv);
	free(o->priv);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_json = {
	.name = "json",
	.needs_doc = 1,
	.open = json_open,
	.write = json_write,
	.flush = json_flush,
	.reopen = json_reopen,
	.close = json_close,
};
