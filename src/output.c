/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.c: the output registry (one line per output kind), the spec
 * parser ("NAME[:ARG][?KEY=VALUE&...]", docs/outputs.md) and the generic
 * open/write/close around each output's ops.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/log.h"
#include "vigil/filter_lua.h"
#include "vigil/output.h"
#include "vigil/prefilter.h"
#include "vigil/ratelimit.h"

extern const struct vg_output_ops vg_output_json;
extern const struct vg_output_ops vg_output_raw;
extern const struct vg_output_ops vg_output_auditd;
extern const struct vg_output_ops vg_output_enriched;
extern const struct vg_output_ops vg_output_unix;
extern const struct vg_output_ops vg_output_syslog;
extern const struct vg_output_ops vg_output_syslog_udp;
extern const struct vg_output_ops vg_output_syslog_tcp;
extern const struct vg_output_ops vg_output_plugins;	/* auditd/plugin_supervisor.c */
extern const struct vg_output_ops vg_output_remote;	/* remote.c */
extern const struct vg_output_ops vg_output_remote_tls;
#ifdef VG_HAVE_RDKAFKA
extern const struct vg_output_ops vg_output_kafka;
#endif

static const struct vg_output_ops *const registry[] = {
	&vg_output_json,
	&vg_output_raw,
	&vg_output_auditd,
	&vg_output_enriched,
	&vg_output_unix,
	&vg_output_syslog,
	&vg_output_syslog_udp,
	&vg_output_syslog_tcp,
	&vg_output_plugins,
	&vg_output_remote,
	&vg_output_remote_tls,
#ifdef VG_HAVE_RDKAFKA
	&vg_output_kafka,
#endif
};

#define NREG	(sizeof(registry) / sizeof(registry[0]))

static enum vg_run_mode run_mode;	/* set once, before any open */

void
vg_output_set_run_mode(enum vg_run_mode m)
{
	run_mode = m;
}

enum vg_run_mode
vg_output_run_mode(void)
{
	return run_mode;
}

const struct vg_output_ops *
vg_output_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < NREG; i++)
		if (strlen(registry[i]->name) == len &&
		    memcmp(registry[i]->name, name, len) == 0)
			return registry[i];
	return NULL;
}

/* ---- options: the generic ones, then each kind's tables ---- */

static int
check_drop(const char *val, char *msg, size_t len)
{
	struct vg_prefilter_line l;
	char m[200], *rules, *r, *save = NULL;
	int rc = 0;

	if ((rules = strdup(val)) == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	for (r = strtok_r(rules, ";", &save); r != NULL && rc == 0;
	    r = strtok_r(NULL, ";", &save))
		if (vg_prefilter_parse(r, &l, m, sizeof(m)) == -1) {
			snprintf(msg, len, "drop \"%s\": %s", r, m);
			rc = -1;
		}
	free(rules);
	return rc;
}

/* Every output: its own filters (docs/outputs.md). lua= is compiled
 * when the output opens (unprivileged); --check compiles it too. */
static const char *const yes_no[] = { "yes", "no", NULL };

static const struct vg_opt generic_opts[] = {
	{ .name = "drop", .type = VG_OPT_STR, .check = check_drop,
	  .help = "C prefilter rules for this output, ';' between rules" },
	{ .name = "lua", .type = VG_OPT_STR,
	  .help = "Lua filter file for this output" },
	{ .name = "context", .type = VG_OPT_ENUM, .choices = yes_no,
	  .def = "yes", .help = "no: events without \"host\" and "
	  "\"context\"" },
	{ .name = NULL },
};

static const struct vg_opt *
find_opt(const struct vg_output_ops *ops, const char *key)
{
	const struct vg_opt *o;
	size_t i;

	if ((o = vg_opt_find(generic_opts, key)) != NULL)
		return o;
	for (i = 0; ops->opts != NULL && ops->opts[i] != NULL; i++)
		if ((o = vg_opt_find(ops->opts[i], key)) != NULL)
			return o;
	return NULL;
}

const char *
vg_output_opt(const struct vg_output *o, const char *key)
{
	const struct vg_output_conf *c = o->conf;
	size_t i;

	for (i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].key, key) == 0)
			return c->opts[i].val;
	return NULL;
}

uint64_t
vg_output_opt_num(const struct vg_output *o, const char *key)
{
	const struct vg_opt *row = find_opt(o->ops, key);
	const char *v = vg_output_opt(o, key);
	char msg[256];
	uint64_t n = 0;

	if (row == NULL)
		return 0;
	if (v == NULL)
		v = row->def;
	if (v == NULL || vg_opt_check(row, v, &n, msg, sizeof(msg)) == -1)
		return 0;
	return n;
}

void
vg_output_conf_free(struct vg_output_conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nopts; i++)
		free(c->opts[i].key);	/* val shares the block */
	free(c->opts);
	free(c->spec);
	free(c->arg);
	free(c);
}

static void
kind_names(char *names, size_t size)
{
	size_t i, off = 0;
	int n;

	names[0] = '\0';
	for (i = 0; i < NREG; i++) {
		n = snprintf(names + off, size - off, "%s%s",
		    i ? ", " : "", registry[i]->name);
		if (n < 0 || (size_t)n >= size - off)
			break;
		off += (size_t)n;
	}
}

/* One "K=V" (klen, vlen bytes) checked and added to c. */
static int
add_opt(struct vg_output_conf *c, const char *k, size_t klen, const char *v,
    size_t vlen, char *msg, size_t len)
{
	const struct vg_opt *row;
	char m[300], *kv;
	size_t i;

	if (klen == 0) {
		snprintf(msg, len, "output \"%s\": option without a name",
		    c->spec);
		return -1;
	}
	if ((kv = malloc(klen + vlen + 2)) == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	memcpy(kv, k, klen);
	kv[klen] = '\0';
	memcpy(kv + klen + 1, v, vlen);
	kv[klen + 1 + vlen] = '\0';
	for (i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].key, kv) == 0) {
			snprintf(msg, len, "output \"%s\": option %s given "
			    "twice", c->spec, kv);
			goto bad;
		}
	if ((row = find_opt(c->ops, kv)) == NULL) {
		snprintf(msg, len, "output \"%s\": unknown option \"%s\"",
		    c->spec, kv);
		goto bad;
	}
	if (vg_opt_check(row, kv + klen + 1, NULL, m, sizeof(m)) == -1) {
		snprintf(msg, len, "output \"%s\": %s", c->spec, m);
		goto bad;
	}
	c->opts[c->nopts].key = kv;
	c->opts[c->nopts].val = kv + klen + 1;
	c->nopts++;
	return 0;
bad:
	free(kv);
	return -1;
}

/* "K=V&K=V" (s NUL-terminated) into c->opts, each checked. */
static int
parse_opts(struct vg_output_conf *c, const char *s, char *msg, size_t len)
{
	const char *p = s, *amp, *eq;
	size_t n = 1;

	for (; *p; p++)
		n += *p == '&';
	if ((c->opts = calloc(n, sizeof(*c->opts))) == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	for (p = s; *p != '\0'; p = *amp ? amp + 1 : amp) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		if (amp == p)
			continue;	/* "a=1&&b=2" */
		eq = memchr(p, '=', (size_t)(amp - p));
		if (add_opt(c, p, (size_t)((eq ? eq : amp) - p), eq ? eq + 1 :
		    amp, eq ? (size_t)(amp - eq - 1) : 0, msg, len) == -1)
			return -1;
	}
	return 0;
}

int
vg_output_conf_parse(const char *spec, struct vg_output_conf **out,
    char *msg, size_t len)
{
	struct vg_output_conf *c;
	size_t nlen = strcspn(spec, ":?");
	const char *q;
	char names[256];

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		goto oom;
	if ((c->ops = vg_output_lookup(spec, nlen)) == NULL) {
		kind_names(names, sizeof(names));
		snprintf(msg, len, "unknown output \"%.*s\" in \"%s\" "
		    "(expected NAME[:ARG][?OPTIONS], NAME one of %s)",
		    (int)nlen, spec, spec, names);
		goto fail;
	}
	if ((c->spec = strdup(spec)) == NULL)
		goto oom;
	/* ARG runs to the first '?': options follow it */
	q = strchr(spec + nlen, '?');
	if (spec[nlen] == ':')
		c->arg = strndup(spec + nlen + 1, q ? (size_t)(q - spec -
		    nlen - 1) : strlen(spec + nlen + 1));
	else
		c->arg = strdup("");
	if (c->arg == NULL)
		goto oom;
	if (q != NULL && parse_opts(c, q + 1, msg, len) == -1)
		goto fail;
	if (c->ops->check != NULL && c->ops->check(c, msg, len) == -1)
		goto fail;
	*out = c;
	return 0;
oom:
	snprintf(msg, len, "out of memory");
fail:
	vg_output_conf_free(c);
	errno = EINVAL;
	return -1;
}

int
vg_output_conf_make(const struct vg_output_ops *ops, const char *arg,
    const char *const *kv, struct vg_output_conf **out, char *msg,
    size_t len)
{
	struct vg_buf b;
	char sep = '?';
	int rc;

	vg_buf_init(&b);
	vg_buf_adds(&b, ops->name);
	if (arg != NULL) {
		vg_buf_addc(&b, ':');
		vg_buf_adds(&b, arg);
	}
	for (; kv != NULL && kv[0] != NULL; kv += 2) {
		if (kv[1] == NULL)
			continue;
		vg_buf_addc(&b, sep);
		vg_buf_adds(&b, kv[0]);
		vg_buf_addc(&b, '=');
		vg_buf_adds(&b, kv[1]);
		sep = '&';
	}
	vg_buf_addc(&b, '\0');
	if (b.oom) {
		vg_buf_free(&b);
		snprintf(msg, len, "out of memory");
		return -1;
	}
	rc = vg_output_conf_parse(b.data, out, msg, len);
	vg_buf_free(&b);
	return rc;
}

/* A copy of a checked conf (not checked again: no DNS, no getgrnam). */
static struct vg_output_conf *
conf_dup(const struct vg_output_conf *c)
{
	struct vg_output_conf *d;
	size_t i, klen, vlen;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->ops = c->ops;
	if ((d->spec = strdup(c->spec)) == NULL ||
	    (d->arg = strdup(c->arg)) == NULL ||
	    (d->opts = calloc(c->nopts + 1, sizeof(*d->opts))) == NULL)
		goto fail;
	for (i = 0; i < c->nopts; i++) {
		klen = strlen(c->opts[i].key);
		vlen = strlen(c->opts[i].val);
		/* key and value in one block, as parse_opts makes them */
		if ((d->opts[i].key = malloc(klen + vlen + 2)) == NULL)
			goto fail;
		memcpy(d->opts[i].key, c->opts[i].key, klen + 1);
		d->opts[i].val = d->opts[i].key + klen + 1;
		memcpy(d->opts[i].val, c->opts[i].val, vlen + 1);
		d->nopts++;
	}
	return d;
fail:
	vg_output_conf_free(d);
	return NULL;
}

static void
free_filters(struct vg_output *o)
{
	struct vg_filter *f, *next;

	for (f = o->filters; f != NULL; f = next) {
		next = f->next;
		f->ops->close(f);
	}
	o->filters = NULL;
}

/*
 * Per-output filters from the generic options "drop=RULE" (C prefilter,
 * rules separated by ';') and "lua=FILE": they run after the pipeline's
 * filters and only for this output. Both were checked with the conf;
 * lua= is compiled here.
 */
static int
output_filters(struct vg_output *o)
{
	const char *drop = vg_output_opt(o, "drop");
	const char *lua = vg_output_opt(o, "lua");
	struct vg_filter *pf, *lf;
	char msg[512], *rules, *r, *save = NULL;

	if (drop != NULL && *drop != '\0') {
		if ((pf = vg_prefilter_new()) == NULL ||
		    (rules = strdup(drop)) == NULL)
			return -1;
		o->filters = pf;
		for (r = strtok_r(rules, ";", &save); r != NULL;
		    r = strtok_r(NULL, ";", &save))
			(void)vg_prefilter_add(pf, r, msg, sizeof(msg));
		free(rules);
	}
	if (lua != NULL) {
		if ((lf = vg_output_lua_open(o->conf, msg, sizeof(msg))) ==
		    NULL) {
			vg_log_warnx("%s", msg);
			errno = EINVAL;
			return -1;
		}
		if (o->filters != NULL)
			o->filters->next = lf;
		else
			o->filters = lf;
	}
	return 0;
}

struct vg_filter *
vg_output_lua_open(const struct vg_output_conf *c, char *msg, size_t len)
{
	const char *lua = NULL;
	struct vg_filter *lf;
	struct vg_err err;
	size_t i;

	for (i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].key, "lua") == 0)
			lua = c->opts[i].val;
	if (lua == NULL) {
		snprintf(msg, len, "output \"%s\": no lua=", c->spec);
		return NULL;
	}
	memset(&err, 0, sizeof(err));
	if ((lf = vg_filter_lua_open(lua, NULL, &err)) == NULL)
		snprintf(msg, len, "output \"%s\": %s:%u: %s", c->spec,
		    err.file[0] ? err.file : lua, err.line, err.msg);
	return lf;
}

/* The generic option context=yes|no (docs/events.md, Context), checked
 * by its row. */
static void
output_context(struct vg_output *o)
{
	const char *v = vg_output_opt(o, "context");

	o->no_context = v != NULL && strcmp(v, "no") == 0;
}

int
vg_output_parse(const char *spec, struct vg_output *o, char **argp)
{
	char msg[512];

	memset(o, 0, sizeof(*o));
	*argp = NULL;
	if (vg_output_conf_parse(spec, &o->conf, msg, sizeof(msg)) == -1) {
		vg_log_warnx("%s", msg);
		errno = EINVAL;
		return -1;
	}
	o->ops = o->conf->ops;
	o->spec = o->conf->spec;
	if ((*argp = strdup(o->conf->arg)) == NULL) {
		vg_output_unparse(o);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void
vg_output_unparse(struct vg_output *o)
{
	vg_output_conf_free(o->conf);
	o->conf = NULL;
	o->spec = NULL;
}

struct vg_output *
vg_output_open_conf(const struct vg_output_conf *c)
{
	struct vg_output *o;
	int saved;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if ((o->conf = conf_dup(c)) == NULL) {
		free(o);
		errno = ENOMEM;
		return NULL;
	}
	o->ops = o->conf->ops;
	o->spec = o->conf->spec;
	o->wants = o->ops->wants;
	output_context(o);
	if (output_filters(o) == -1 || o->ops->open(o, o->conf->arg) == -1)
		goto fail;
	return o;
fail:
	saved = errno;
	free_filters(o);
	vg_output_conf_free(o->conf);
	free(o);
	errno = saved;
	return NULL;
}

struct vg_output *
vg_output_open(const char *spec)
{
	struct vg_output_conf *c;
	struct vg_output *o;
	char msg[512];

	if (vg_output_conf_parse(spec, &c, msg, sizeof(msg)) == -1) {
		vg_log_warnx("%s", msg);
		errno = EINVAL;
		return NULL;
	}
	o = vg_output_open_conf(c);
	vg_output_conf_free(c);
	return o;
}

int
vg_output_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	if (o->ops->self_counts)
		return o->ops->write(o, ev, doc);
	if (o->ops->write(o, ev, doc) == -1) {
		/* the first, then every 1000th: never silent */
		if (vg_rl_count(++o->stats.failed, 1))
			vg_log_warn("output %s: write failed (%llu failures "
			    "so far)", o->spec,
			    (unsigned long long)o->stats.failed);
		return -1;
	}
	o->stats.sent++;
	return 0;
}

int
vg_output_record(struct vg_output *o, const struct vg_record *rec)
{
	int rc;

	if (o->ops->self_counts)
		return o->ops->record(o, rec);
	if ((rc = o->ops->record(o, rec)) == -1) {
		if (vg_rl_count(++o->stats.failed, 1))
			vg_log_warn("output %s: write failed (%llu failures "
			    "so far)", o->spec,
			    (unsigned long long)o->stats.failed);
		return -1;
	}
	if (rc == 0)
		o->stats.sent++;
	return 0;
}

uint64_t
vg_output_close(struct vg_output *o)
{
	uint64_t lost;

	if (o == NULL)
		return 0;
	o->ops->close(o);
	/* the loss log lines are rate-limited: the total, always */
	lost = o->stats.dropped + (o->ops->retries ? 0 : o->stats.failed);
	if (lost)
		vg_log_warnx("output %s: at exit: %" PRIu64 " events "
		    "dropped, %" PRIu64 " failed (%" PRIu64 " sent)", o->spec,
		    o->stats.dropped, o->stats.failed, o->stats.sent);
	free_filters(o);
	vg_output_conf_free(o->conf);
	free(o);
	return lost;
}
