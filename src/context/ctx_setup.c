/*
 * ctx_setup.c: the process context from vigild.conf (context, context_*,
 * label lines): made at start, saved to its state file at stop. The table
 * lives as long as the daemon: a reload (SIGHUP) keeps it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "ctx_priv.h"
#include "vigil/config.h"
#include "vigil/log.h"

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

int
vg_ctx_check(const struct vg_config *c)
{
	struct vg_ctx_opts o;
	struct vg_ctx *ctx;
	char msg[256];

	if (!c->context)
		return 0;
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
	vg_ctx_free(ctx);
	return 0;
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
