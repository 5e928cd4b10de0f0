/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf.c: vigild's configuration: the key table, the vigild.conf syntax
 * (key = value lines read by read.c, output blocks), the command line
 * over it and what auditd.conf adds. Bad lines are reported as file:line
 * and parsing goes on so one run lists every mistake. Opens nothing but
 * the file.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/conf_read.h"
#include "vigil/config.h"
#include "vigil/log.h"
#include "vigil/metrics.h"
#include "vigil/opt.h"
#include "vigil/output.h"
#include "vigil/prefilter.h"

static int
check_metrics(const char *val, char *msg, size_t len)
{
	struct vg_metrics_addr a;

	return vg_metrics_parse(val, &a, msg, len);
}

static int
check_drop(const char *val, char *msg, size_t len)
{
	struct vg_prefilter_line l;

	return vg_prefilter_parse(val, &l, msg, len);
}

#define F(m)	offsetof(struct vg_config, m)

/*
 * Every vigild.conf key. "output" is stored by vg_output_conf_parse (its
 * options have their own tables, output.h); the rest by vg_opt_store.
 * A new key is one row here, one field in struct vg_config and a line in
 * docs/vigild.conf.md and vigild.conf(5).
 */
static const struct vg_opt keys[] = {
	{ .name = "output", .type = VG_OPT_LIST, .max = VG_CONF_MAXLIST,
	  .own = 1,
	  .help = "output NAME:ARG (repeatable): json:PATH, raw:PATH; - = "
	  "stdout" },
	{ .name = "lua_filter", .type = VG_OPT_LIST, .max = VG_CONF_MAXLIST,
	  .off = F(lua_filters), .cnt_off = F(nlua_filters),
	  .help = "Lua filter file (repeatable, run in order)" },
	{ .name = "drop", .type = VG_OPT_LIST, .max = VG_CONF_MAXLIST,
	  .off = F(drops), .cnt_off = F(ndrops), .check = check_drop,
	  .help = "C prefilter, before Lua: key=K | syscall.exe=PATH | "
	  "type=NAME" },
	{ .name = "listen", .type = VG_OPT_LIST, .max = VG_CONF_MAXLIST,
	  .off = F(listens), .cnt_off = F(nlistens),
	  .help = "receive audisp-remote clients: tcp://ADDR:PORT, "
	  "tls://ADDR:PORT (repeatable; docs/fleet.md)" },
	{ .name = "rules", .type = VG_OPT_STR, .off = F(rules),
	  .help = "audit rules file or rules.d directory loaded at start "
	  "and on HUP" },
	{ .name = "auditd_conf", .type = VG_OPT_STR, .off = F(auditd_conf),
	  .help = "auditd.conf to honour (drop-in mode)" },
	{ .name = "plugin_dir", .type = VG_OPT_STR, .off = F(plugin_dir),
	  .help = "auditd plugins.d directory to run (docs/plugins.md)" },
	{ .name = "end_of_event_timeout", .type = VG_OPT_UINT, .def = "2",
	  .min = 1, .max = 3600, .off = F(end_of_event_timeout),
	  .help = "seconds after which an event without EOE is written" },
	{ .name = "batch_delay_ms", .type = VG_OPT_UINT, .def = "2",
	  .min = 0, .max = 1000, .off = F(batch_delay_ms),
	  .help = "wait after a short netlink batch so messages coalesce" },
	{ .name = "rcvbuf", .type = VG_OPT_SIZE, .def = "67108864",
	  .min = 65536, .max = (uint64_t)1 << 31, .off = F(rcvbuf),
	  .help = "netlink receive buffer bytes (SO_RCVBUFFORCE as root)" },
	{ .name = "max_pending_events", .type = VG_OPT_SIZE, .def = "4096",
	  .min = 16, .max = 1 << 20, .off = F(max_pending_events),
	  .help = "events open at once before the oldest is written" },
	{ .name = "max_event_bytes", .type = VG_OPT_SIZE, .def = "8388608",
	  .min = 65536, .max = (uint64_t)1 << 30, .off = F(max_event_bytes),
	  .help = "bytes of records kept per event" },
	{ .name = "max_pending_bytes", .type = VG_OPT_SIZE, .def = "67108864",
	  .min = 1 << 20, .max = (uint64_t)1 << 40,
	  .off = F(max_pending_bytes),
	  .help = "bytes of records kept by all open events; oldest written "
	  "early" },
	{ .name = "multicast", .type = VG_OPT_BOOL, .def = "no",
	  .off = F(multicast),
	  .help = "read-only multicast subscriber instead of the audit "
	  "daemon" },
	{ .name = "enable", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(enable),
	  .help = "set the kernel's enabled flag to 1 at start (restored at "
	  "exit)" },
	{ .name = "context", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(context),
	  .help = "add \"host\" and \"context\" (process ancestry...) to "
	  "events" },
	{ .name = "context_depth", .type = VG_OPT_UINT, .def = "4",
	  .min = 0, .max = 16, .off = F(context_depth),
	  .help = "parents written in context.parents" },
	{ .name = "context_max_processes", .type = VG_OPT_UINT,
	  .def = "16384", .min = 16, .max = 1 << 22,
	  .off = F(context_max_processes),
	  .help = "process table entries (least recently used go first)" },
	{ .name = "context_proc", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(context_proc),
	  .help = "read /proc once for processes the events did not show "
	  "(live)" },
	{ .name = "context_env", .type = VG_OPT_STR, .off = F(context_env),
	  .help = "environment variables to keep per process, e.g. "
	  "SSH_CONNECTION" },
	{ .name = "context_state", .type = VG_OPT_STR, .off = F(context_state),
	  .help = "file the process table is saved to on stop and read on "
	  "start" },
	{ .name = "label", .type = VG_OPT_LIST, .max = VG_CONF_MAXLIST,
	  .off = F(labels), .cnt_off = F(nlabels),
	  .help = "label NAME exe=GLOB | argv=GLOB | key=KEY (repeatable)" },
	{ .name = "kernel", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(kernel),
	  .help = "read the kernel's records; no: only listen (an "
	  "aggregator)" },
	{ .name = "pushdown", .type = VG_OPT_BOOL, .def = "no",
	  .off = F(pushdown),
	  .help = "also add the drop lines the kernel can express as kernel "
	  "rules" },
	{ .name = "control", .type = VG_OPT_STR, .off = F(control),
	  .help = "control socket path (default /run/vigild/control; none: "
	  "off)" },
	{ .name = "control_group", .type = VG_OPT_STR, .off = F(control_group),
	  .help = "group allowed the read-only control requests (socket "
	  "0660)" },
	{ .name = "state_file", .type = VG_OPT_STR, .off = F(state_file),
	  .help = "state report file (default /run/vigild.state; none: off)" },
	{ .name = "report_interval", .type = VG_OPT_UINT, .def = "0",
	  .min = 0, .max = 86400, .off = F(report_interval),
	  .help = "seconds between state reports to state_file and the log; "
	  "0 off" },
	{ .name = "metrics", .type = VG_OPT_STR, .off = F(metrics),
	  .check = check_metrics, .expect = "http://127.0.0.1:PORT/metrics "
	  "or unix:PATH",
	  .help = "Prometheus endpoint: http://127.0.0.1:PORT/metrics or "
	  "unix:PATH" },
	{ .name = NULL },
};

static int
add_output(struct vg_config *c, const char *spec, char *msg, size_t len)
{
	struct vg_output_conf *oc;

	if (c->noutputs >= VG_CONF_MAXLIST) {
		snprintf(msg, len, "too many \"output\" lines (max %d)",
		    VG_CONF_MAXLIST);
		return -1;
	}
	if (vg_output_conf_parse(spec, &oc, msg, len) == -1)
		return -1;
	c->outputs[c->noutputs++] = oc;
	return 0;
}

int
vg_config_set(struct vg_config *c, const char *name, const char *val,
    char *msg, size_t msglen)
{
	if (strcmp(name, "output") == 0)
		return add_output(c, val, msg, msglen);
	return vg_opt_set(keys, c, name, val, msg, msglen);
}

void
vg_config_defaults(struct vg_config *c)
{
	memset(c, 0, sizeof(*c));
	vg_opt_defaults(keys, c);
}

/*
 * output blocks:
 *	output {
 *		spec = kafka://127.0.0.1:9092/audit
 *		queue = 10000
 *		overflow = spool
 *	}
 * are the same as "output = SPEC?queue=10000&overflow=spool": every key
 * but spec is an output option (docs/outputs.md).
 */
struct block {
	struct vg_config *c;
	const char	*path;		/* the file, for drop_at */
	unsigned	cur;		/* the line being read */
	int		open;
	unsigned	line;		/* where it opened */
	struct vg_buf	spec, opts;
};

/* 1: line consumed by block handling; 0: not a block line; -1: error. */
static int
block_line(void *ctx, char *p, unsigned lineno, struct vg_err *err)
{
	struct block *b = ctx;
	char *eq, *key, *val, *q;

	b->cur = lineno;
	if (!b->open) {
		if (strncmp(p, "output", 6) != 0)
			return 0;
		q = vg_conf_trim(p + 6);
		if (strcmp(q, "{") != 0)
			return 0;
		b->open = 1;
		b->line = lineno;
		vg_buf_reset(&b->spec);
		vg_buf_reset(&b->opts);
		return 1;
	}
	if (strcmp(p, "}") == 0) {
		b->open = 0;
		if (b->spec.len == 0) {
			snprintf(err->msg, sizeof(err->msg), "output block "
			    "(line %u) has no \"spec = NAME:ARG\"", b->line);
			return -1;
		}
		if (b->opts.len) {
			vg_buf_addc(&b->spec, memchr(b->spec.data, '?',
			    b->spec.len) ? '&' : '?');
			vg_buf_add(&b->spec, b->opts.data, b->opts.len);
		}
		vg_buf_addc(&b->spec, '\0');
		if (b->spec.oom) {
			snprintf(err->msg, sizeof(err->msg), "out of memory");
			return -1;
		}
		return vg_config_set(b->c, "output", b->spec.data, err->msg,
		    sizeof(err->msg)) == 0 ? 1 : -1;
	}
	if ((eq = strchr(p, '=')) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "in output block: "
		    "expected \"key = value\" or \"}\", got \"%.64s\"", p);
		return -1;
	}
	*eq = '\0';
	key = vg_conf_trim(p);
	val = vg_conf_trim(eq + 1);
	if (*key == '\0' || *val == '\0' || strpbrk(key, "?&") != NULL ||
	    (strcmp(key, "spec") != 0 && strchr(val, '&') != NULL)) {
		snprintf(err->msg, sizeof(err->msg), "in output block: bad "
		    "option \"%s = %s\"", key, val);
		return -1;
	}
	if (strcmp(key, "spec") == 0) {
		if (b->spec.len) {
			snprintf(err->msg, sizeof(err->msg), "output block has "
			    "two specs");
			return -1;
		}
		vg_buf_adds(&b->spec, val);
		return 1;
	}
	if (b->opts.len)
		vg_buf_addc(&b->opts, '&');
	vg_buf_adds(&b->opts, key);
	vg_buf_addc(&b->opts, '=');
	vg_buf_adds(&b->opts, val);
	return 1;
}

/* Where the drop line just added is, for vigild --replay --explain;
 * without memory it has none (said "command line"). */
static void
drop_at(struct vg_config *c, const char *path, unsigned lineno)
{
	size_t len = strlen(path) + 12;
	char *at;

	if ((at = malloc(len)) == NULL)
		return;
	snprintf(at, len, "%s:%u", path, lineno);
	free(c->drop_at[c->ndrops - 1]);
	c->drop_at[c->ndrops - 1] = at;
}

static int
set_line(void *ctx, const char *key, const char *val, char *msg, size_t len)
{
	struct block *b = ctx;
	int rc = vg_config_set(b->c, key, val, msg, len);

	if (rc != -1 && strcmp(key, "drop") == 0)
		drop_at(b->c, b->path, b->cur);
	return rc;
}

static const struct vg_conf_syntax syntax = {
	.file = "vigild.conf",
	.key = "key",
	.comment_anywhere = 1,
	.line = block_line,
	.set = set_line,
};

int
vg_config_load(struct vg_config *c, const char *path, struct vg_err *err)
{
	struct block blk = { c, path, 0, 0, 0, { NULL, 0, 0, 0 },
	    { NULL, 0, 0, 0 } };
	unsigned warnings = 0;
	int errors;

	if ((errors = vg_conf_read(path, &syntax, &blk, err, &warnings)) == -1)
		vg_err_log(err);
	else if (blk.open) {
		vg_err_set(err, path, blk.line, "output block opened here is "
		    "not closed");
		vg_err_log(err);
		errors++;
	}
	vg_buf_free(&blk.spec);
	vg_buf_free(&blk.opts);
	return errors;
}

void
vg_config_free(struct vg_config *c)
{
	int i;

	for (i = 0; i < c->noutputs; i++)
		vg_output_conf_free(c->outputs[i]);
	for (i = 0; i < c->ndrops; i++)
		free(c->drop_at[i]);
	vg_opt_free(keys, c);
	memset(c, 0, sizeof(*c));
}

int
vg_config_cli_add(struct vg_config_cli *cli, const char *opt,
    const char *key, const char *val, struct vg_err *err)
{
	struct vg_config scratch;
	char msg[256];
	int rc;

	if (cli->nset >= (int)(sizeof(cli->set) / sizeof(cli->set[0]))) {
		vg_err_set(err, "command line", 0, "%s: too many options", opt);
		return -1;
	}
	/* checked as the file's lines are, on a throwaway config */
	vg_config_defaults(&scratch);
	rc = vg_config_set(&scratch, key, val, msg, sizeof(msg));
	vg_config_free(&scratch);
	if (rc == -1) {
		vg_err_set(err, "command line", 0, "%s %s: %s", opt, val, msg);
		return -1;
	}
	cli->set[cli->nset].key = key;
	cli->set[cli->nset].val = val;
	cli->set[cli->nset].opt = opt;
	cli->nset++;
	return 0;
}

/* The command line over the file: -o replaces the file's outputs,
 * --listen the file's listen lines. */
static int
apply_cli(struct vg_config *c, const struct vg_config_cli *cli,
    struct vg_err *err)
{
	int i, j, outputs = 0, listens = 0, bad = 0;

	for (i = 0; cli != NULL && i < cli->nset; i++) {
		if (strcmp(cli->set[i].key, "output") == 0 && !outputs++) {
			for (j = 0; j < c->noutputs; j++)
				vg_output_conf_free(c->outputs[j]);
			c->noutputs = 0;
		}
		if (strcmp(cli->set[i].key, "listen") == 0 && !listens++) {
			for (j = 0; j < c->nlistens; j++)
				free(c->listens[j]);
			c->nlistens = 0;
		}
		if (vg_config_set(c, cli->set[i].key, cli->set[i].val,
		    err->msg, sizeof(err->msg)) == -1) {
			vg_err_set(err, "command line", 0, "%s %s: %.200s",
			    cli->set[i].opt, cli->set[i].val, err->msg);
			vg_err_log(err);
			bad++;
		}
	}
	return bad ? -1 : 0;
}

/* What auditd.conf brings: its log (drop-in), and plugins.d (plugin_dir
 * from vigild.conf, else from auditd.conf; q_depth, overflow_action...
 * from auditd.conf, docs/plugins.md). */
static int
add_auditd(struct vg_config *c, struct vg_err *err)
{
	extern const struct vg_output_ops vg_output_auditd;
	extern const struct vg_output_ops vg_output_plugins;
	struct vg_output_conf *oc;
	const char *kv[] = { "conf", c->auditd_conf, NULL };

	if (c->auditd_conf != NULL) {
		if (c->noutputs >= VG_CONF_MAXLIST - 1 ||
		    vg_output_conf_make(&vg_output_auditd, c->auditd_conf, NULL,
		    &oc, err->msg, sizeof(err->msg)) == -1)
			goto bad;
		c->outputs[c->noutputs++] = oc;
	}
	if (c->noutputs == 0 && vg_config_set(c, "output", "json:-",
	    err->msg, sizeof(err->msg)) == -1)
		goto bad;
	if (c->auditd_conf != NULL || c->plugin_dir != NULL) {
		if (c->noutputs >= VG_CONF_MAXLIST ||
		    vg_output_conf_make(&vg_output_plugins, c->plugin_dir ?
		    c->plugin_dir : "", kv,
		    &oc, err->msg, sizeof(err->msg)) == -1)
			goto bad;
		c->outputs[c->noutputs++] = oc;
	}
	return 0;
bad:
	if (c->noutputs >= VG_CONF_MAXLIST - 1)
		snprintf(err->msg, sizeof(err->msg), "too many outputs "
		    "(max %d with the auditd.conf ones)", VG_CONF_MAXLIST);
	snprintf(err->file, sizeof(err->file), "%s", c->auditd_conf ?
	    c->auditd_conf : c->plugin_dir);
	err->line = 0;
	vg_err_log(err);
	return -1;
}

int
vg_config_build(struct vg_config *c, const char *path,
    const struct vg_config_cli *cli, struct vg_err *err)
{
	int bad = 0;

	vg_config_defaults(c);
	memset(err, 0, sizeof(*err));
	if (path != NULL && vg_config_load(c, path, err) != 0)
		bad++;
	if (apply_cli(c, cli, err) == -1)
		bad++;
	if (!bad && add_auditd(c, err) == -1)
		bad++;
	return bad ? -1 : 0;
}
