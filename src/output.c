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

const char *
vg_output_opt(struct vg_output *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->nopts; i++)
		if (strcmp(o->opts[i].key, key) == 0) {
			o->opts[i].used = 1;
			return o->opts[i].val;
		}
	return NULL;
}

static void
free_opts(struct vg_output *o)
{
	size_t i;

	for (i = 0; i < o->nopts; i++)
		free(o->opts[i].key);	/* val shares the block */
	free(o->opts);
	o->opts = NULL;
	o->nopts = 0;
}

/* "K=V&K=V" (s NUL-terminated) into o->opts. -1 EINVAL on an empty key,
 * a key given twice. */
static int
parse_opts(struct vg_output *o, const char *s)
{
	const char *p = s, *amp, *eq;
	size_t n = 1, klen, vlen, i;
	char *kv;

	for (; *p; p++)
		n += *p == '&';
	if ((o->opts = calloc(n, sizeof(*o->opts))) == NULL)
		return -1;
	for (p = s; *p != '\0'; p = *amp ? amp + 1 : amp) {
		if ((amp = strchr(p, '&')) == NULL)
			amp = p + strlen(p);
		if (amp == p)
			continue;	/* "a=1&&b=2" */
		eq = memchr(p, '=', (size_t)(amp - p));
		klen = (size_t)((eq ? eq : amp) - p);
		vlen = eq ? (size_t)(amp - eq - 1) : 0;
		if (klen == 0) {
			vg_log_warnx("output \"%s\": option without a name",
			    o->spec);
			goto bad;
		}
		if ((kv = malloc(klen + vlen + 2)) == NULL)
			return -1;
		memcpy(kv, p, klen);
		kv[klen] = '\0';
		if (eq)
			memcpy(kv + klen + 1, eq + 1, vlen);
		kv[klen + 1 + vlen] = '\0';
		for (i = 0; i < o->nopts; i++)
			if (strcmp(o->opts[i].key, kv) == 0) {
				vg_log_warnx("output \"%s\": option %s given "
				    "twice", o->spec, kv);
				free(kv);
				goto bad;
			}
		o->opts[o->nopts].key = kv;
		o->opts[o->nopts].val = kv + klen + 1;
		o->nopts++;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

static void
unknown_name(const char *spec, size_t len)
{
	char names[256];
	size_t i, off = 0;
	int n;

	names[0] = '\0';
	for (i = 0; i < NREG; i++) {
		n = snprintf(names + off, sizeof(names) - off, "%s%s",
		    i ? ", " : "", registry[i]->name);
		if (n < 0 || (size_t)n >= sizeof(names) - off)
			break;
		off += (size_t)n;
	}
	vg_log_warnx("unknown output \"%.*s\" in \"%s\" (expected "
	    "NAME[:ARG][?OPTIONS], NAME one of %s)", (int)len, spec, spec,
	    names);
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
 * filters and only for this output.
 */
static int
output_filters(struct vg_output *o)
{
	const char *drop = vg_output_opt(o, "drop");
	const char *lua = vg_output_opt(o, "lua");
	struct vg_filter *pf, *lf;
	struct vg_err err;
	char msg[256], *rules, *r, *save = NULL;

	if (drop != NULL && *drop != '\0') {
		if ((pf = vg_prefilter_new()) == NULL ||
		    (rules = strdup(drop)) == NULL)
			return -1;
		o->filters = pf;
		for (r = strtok_r(rules, ";", &save); r != NULL;
		    r = strtok_r(NULL, ";", &save)) {
			if (vg_prefilter_add(pf, r, msg, sizeof(msg)) == -1) {
				vg_log_warnx("output \"%s\": drop \"%s\": %s",
				    o->spec, r, msg);
				free(rules);
				errno = EINVAL;
				return -1;
			}
		}
		free(rules);
	}
	if (lua != NULL) {
		memset(&err, 0, sizeof(err));
		if ((lf = vg_filter_lua_open(lua, NULL, &err)) == NULL) {
			vg_log_warnx("output \"%s\": %s:%u: %s", o->spec,
			    err.file[0] ? err.file : lua, err.line, err.msg);
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

/* The generic option "context=yes|no" (docs/events.md, Context). */
static int
output_context(struct vg_output *o)
{
	const char *v = vg_output_opt(o, "context");

	if (v == NULL || strcmp(v, "yes") == 0)
		return 0;
	if (strcmp(v, "no") == 0) {
		o->no_context = 1;
		return 0;
	}
	vg_log_warnx("output \"%s\": context=%s: expected yes or no",
	    o->spec, v);
	errno = EINVAL;
	return -1;
}

int
vg_output_parse(const char *spec, struct vg_output *o, char **argp)
{
	const struct vg_output_ops *ops;
	size_t nlen = strcspn(spec, ":?");
	const char *q;
	char *arg = NULL;
	int saved;

	memset(o, 0, sizeof(*o));
	*argp = NULL;
	if ((ops = vg_output_lookup(spec, nlen)) == NULL) {
		unknown_name(spec, nlen);
		errno = EINVAL;
		return -1;
	}
	o->ops = ops;
	if ((o->spec = strdup(spec)) == NULL)
		return -1;
	/* ARG runs to the first '?': options follow it */
	q = strchr(spec + nlen, '?');
	if (spec[nlen] == ':')
		arg = strndup(spec + nlen + 1, q ? (size_t)(q - spec - nlen - 1) :
		    strlen(spec + nlen + 1));
	else
		arg = strdup("");
	if (arg == NULL || (q != NULL && parse_opts(o, q + 1) == -1)) {
		saved = errno;
		free(arg);
		vg_output_unparse(o);
		errno = saved;
		return -1;
	}
	*argp = arg;
	return 0;
}

void
vg_output_unparse(struct vg_output *o)
{
	free_opts(o);
	free(o->spec);
	o->spec = NULL;
}

struct vg_output *
vg_output_open(const char *spec)
{
	struct vg_output *o;
	char *arg = NULL;
	size_t i;
	int saved;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	if (vg_output_parse(spec, o, &arg) == -1) {
		saved = errno;
		free(o);
		errno = saved;
		return NULL;
	}
	if (output_filters(o) == -1 || output_context(o) == -1 ||
	    o->ops->open(o, arg) == -1)
		goto fail;
	for (i = 0; i < o->nopts; i++)
		if (!o->opts[i].used) {
			vg_log_warnx("output \"%s\": unknown option \"%s\"",
			    spec, o->opts[i].key);
			o->ops->close(o);
			errno = EINVAL;
			goto fail;
		}
	free(arg);
	return o;
fail:
	saved = errno;
	free(arg);
	free_filters(o);
	free_opts(o);
	free(o->spec);
	free(o);
	errno = saved;
	return NULL;
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
	int rc = o->ops->record(o, rec);

	if (rc == -1) {
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
	free_opts(o);
	free(o->spec);
	free(o);
	return lost;
}
