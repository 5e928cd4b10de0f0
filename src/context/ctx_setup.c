/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_setup.c: the process context from vigild.conf (context, context_*,
 * label lines): made at start, saved to its state file at stop. The table
 * lives as long as the daemon: a reload (SIGHUP) keeps it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_priv.h"
#include "vigil/config.h"
#include "vigil/log.h"
#include "vigil/output.h"
#include "vigil/prefilter.h"

struct vg_ctx *
vg_ctx_from_config(const struct vg_config *c, int live)
{
	struct vg_ctx_opts o;
	struct vg_ctx *ctx;
	char msg[256];

	if (!c->context)
		return NULL;
	vg_ctx_opts_init(&o);
	/* a replay's processes are not this host's: no /proc */
	o.proc = live && c->context_proc;
	o.depth = c->context_depth;
	o.max_procs = c->context_max_processes;
	o.env = c->context_env;
	o.state_file = live ? c->context_state : NULL;
	o.labels = (const char *const *)c->labels;
	o.nlabels = (size_t)c->nlabels;
	msg[0] = '\0';
	if ((ctx = vg_ctx_new(&o, msg, sizeof(msg))) == NULL) {
		vg_log_warnx("context: %s", msg[0] ? msg : strerror(errno));
		return NULL;
	}
	vg_ctx_set_global(ctx);
	return ctx;
}

/* One drop rule's label=, if it has one: a label a "label" line names.
 * 0, or 1 (logged). */
static int
check_label(const struct vg_ctx *ctx, const char *where, const char *rule)
{
	struct vg_prefilter_line l;
	char msg[256];

	if (vg_prefilter_parse(rule, &l, msg, sizeof(msg)) == -1 ||
	    l.field != VG_PF_LABEL)
		return 0;	/* the rest is the option table's */
	if (ctx == NULL)
		vg_log_warnx("%s: drop %s: label= needs context = yes", where,
		    rule);
	else if (vg_ctx_label_id(ctx, l.val, l.len) < 0)
		vg_log_warnx("%s: drop %s: no \"label\" line names this "
		    "label", where, rule);
	else
		return 0;
	return 1;
}

/* The drop lines and the outputs' drop= with label=. Errors. */
static int
check_labels(const struct vg_config *c, const struct vg_ctx *ctx)
{
	const struct vg_output_conf *oc;
	char *rules, *r, *save;
	size_t k;
	int i, bad = 0;

	for (i = 0; i < c->ndrops; i++)
		bad += check_label(ctx, "vigild.conf", c->drops[i]);
	for (i = 0; i < c->noutputs; i++) {
		oc = c->outputs[i];
		for (k = 0; k < oc->nopts; k++) {
			if (strcmp(oc->opts[k].key, "drop") != 0 ||
			    (rules = strdup(oc->opts[k].val)) == NULL)
				continue;
			save = NULL;
			for (r = strtok_r(rules, ";", &save); r != NULL;
			    r = strtok_r(NULL, ";", &save))
				bad += check_label(ctx, oc->spec, r);
			free(rules);
		}
	}
	return bad;
}

int
vg_ctx_check(const struct vg_config *c)
{
	struct vg_ctx_opts o;
	struct vg_ctx *ctx;
	char msg[256];
	int bad;

	if (!c->context)
		return check_labels(c, NULL) ? -1 : 0;
	vg_ctx_opts_init(&o);
	o.proc = 0;
	o.env = c->context_env;
	o.labels = (const char *const *)c->labels;
	o.nlabels = (size_t)c->nlabels;
	msg[0] = '\0';
	if ((ctx = vg_ctx_new(&o, msg, sizeof(msg))) == NULL) {
		vg_log_warnx("context: %s", msg[0] ? msg : strerror(errno));
		return -1;
	}
	bad = check_labels(c, ctx);
	vg_ctx_free(ctx);
	return bad ? -1 : 0;
}

void
vg_ctx_dump(struct vg_ctx *ctx, int fd)
{
	const struct vg_ctx_stats *st = &ctx->st;

	vg_log_dump(fd, "context entries=%" PRIu64 " max=%u inserted=%" PRIu64
	    " evicted=%" PRIu64 " proc_reads=%" PRIu64 " reused=%" PRIu64
	    " rendered=%" PRIu64 " cached=%" PRIu64, st->entries,
	    ctx->o.max_procs, st->inserted, st->evicted, st->proc_reads,
	    st->reused, st->rendered, st->cached);
}

void
vg_ctx_stop(struct vg_ctx *ctx)
{
	if (ctx == NULL)
		return;
	if (vg_ctx_save(ctx) == -1)
		vg_log_warn("context: cannot save the process table to %s",
		    ctx->state_file);
	vg_ctx_free(ctx);
}

void
vg_ctx_free(struct vg_ctx *c)
{
	if (c == NULL)
		return;
	ctx_sysmemo_free(c);
	ctx_table_free(c);
}
