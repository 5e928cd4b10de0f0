/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.c (output): events as JSON lines (docs/events.md) to a file or
 * stdout ("json:-"). The document comes from the pipeline; with
 * format=ecs it is written as Elastic Common Schema (ecs.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/dropbehind.h"
#include "vigil/ecs.h"
#include "vigil/json.h"
#include "vigil/log.h"
#include "vigil/opt.h"
#include "vigil/outfile.h"
#include "vigil/output.h"
#include "vigil/rotate.h"

static const char *const formats[] = { "json", "ecs", NULL };

static const struct vg_opt format_opts[] = {
	{ .name = "format", .type = VG_OPT_ENUM, .choices = formats,
	  .def = "json", .help = "json: vigil's events; ecs: Elastic Common "
	  "Schema (docs/outputs.md)" },
	{ .name = NULL },
};

/* the file's options (outfile.c), and format= */
static const struct vg_opt *const json_opts[] = {
	format_opts, vg_outfile_file_opts, vg_dropbehind_opts,
	vg_rotate_opt_tab, NULL
};

/* format=ecs: the outfile's ops get their outfile back through this. */
struct ecs_out {
	struct vg_outfile	*of;
	struct vg_buf		 tmp;
};

static int
json_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct vg_outfile *of = o->priv;

	vg_json_event(ev, doc, &of->buf);
	return vg_outfile_maybe_write(of);
}

static int
json_open(struct vg_output *o, const char *arg)
{
	const char *fmt = vg_output_opt(o, "format");

	if (fmt == NULL || strcmp(fmt, "json") == 0)
		return vg_outfile_op_open(o, arg);
	vg_log_warnx("output \"%s\": format=%s: expected json or ecs", o->spec,
	    fmt);
	errno = EINVAL;
	return -1;
}

/* ---- format=ecs ---- */

static const struct vg_output_ops ecs_ops;

static int
ecs_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct ecs_out *e = o->priv;

	(void)ev;
	vg_ecs_write(doc, &e->of->buf, &e->tmp);
	return vg_outfile_maybe_write(e->of);
}

/* The outfile ops, on the outfile kept in e. */
static int
with_of(struct vg_output *o, int (*op)(struct vg_output *))
{
	struct ecs_out *e = o->priv;
	int rc;

	o->priv = e->of;
	rc = op(o);
	o->priv = e;
	return rc;
}

static int
ecs_flush(struct vg_output *o)
{
	return with_of(o, vg_outfile_op_flush);
}

static int
ecs_reopen(struct vg_output *o)
{
	return with_of(o, vg_outfile_op_reopen);
}

static void
ecs_close(struct vg_output *o)
{
	struct ecs_out *e = o->priv;

	o->priv = e->of;
	vg_outfile_op_close(o);
	vg_buf_free(&e->tmp);
	free(e);
}

static int
any_open(struct vg_output *o, const char *arg)
{
	const char *fmt = vg_output_opt(o, "format");
	struct ecs_out *e;

	if (fmt == NULL || strcmp(fmt, "ecs") != 0)
		return json_open(o, arg);
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return -1;
	if (vg_outfile_op_open(o, arg) == -1) {
		free(e);
		return -1;
	}
	e->of = o->priv;
	vg_buf_init(&e->tmp);
	o->priv = e;
	o->ops = &ecs_ops;	/* this output writes ECS from the tree */
	o->wants |= VG_WANT_TREE;
	return 0;
}

static const struct vg_output_ops ecs_ops = {
	.name = "json",
	.wants = VG_WANT_DOC | VG_WANT_TREE,
	.open = any_open,
	.opts = json_opts,
	.write = ecs_write,
	.flush = ecs_flush,
	.reopen = ecs_reopen,
	.close = ecs_close,
	.retries = 1,
};

const struct vg_output_ops vg_output_json = {
	.name = "json",
	.wants = VG_WANT_DOC,
	.open = any_open,
	.opts = json_opts,
	.write = json_write,
	.flush = vg_outfile_op_flush,
	.reopen = vg_outfile_op_reopen,
	.close = vg_outfile_op_close,
	.retries = 1,
};
