/*
 * config.c: vigild.conf loader. One table describes every key (type,
 * default, field offset, help); bad lines are reported as file:line and
 * parsing goes on so one run lists every mistake.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"
#include "vigil/config.h"
#include "vigil/log.h"

enum ctype { C_STR, C_LIST, C_UINT, C_U64, C_BOOL };

struct ckey {
	const char	*name;
	enum ctype	 type;
	size_t		 off;		/* field in struct vg_config */
	size_t		 cnt_off;	/* C_LIST: its counter */
	uint64_t	 min, max;
	const char	*def;
	const char	*help;
};

#define F(m)	offsetof(struct vg_config, m)

static const struct ckey keys[] = {
	{ "output", C_LIST, F(outputs), F(noutputs), 0, 0, NULL,
	  "output NAME:ARG (repeatable): json:PATH, raw:PATH; - = stdout" },
	{ "lua_filter", C_LIST, F(lua_filters), F(nlua_filters), 0, 0, NULL,
	  "Lua filter file (repeatable, run in order)" },
	{ "drop", C_LIST, F(drops), F(ndrops), 0, 0, NULL,
	  "C prefilter, before Lua: key=K | syscall.exe=PATH | type=NAME" },
	{ "rules", C_STR, F(rules), 0, 0, 0, NULL,
	  "audit rules file or rules.d directory loaded at start and on HUP" },
	{ "auditd_conf", C_STR, F(auditd_conf), 0, 0, 0, NULL,
	  "auditd.conf to honour (drop-in mode)" },
	{ "plugin_dir", C_STR, F(plugin_dir), 0, 0, 0, NULL,
	  "auditd plugins.d directory to run (docs/plugins.md)" },
	{ "end_of_event_timeout", C_UINT, F(end_of_event_timeout), 0, 1, 3600,
	  "2", "seconds after which an event without EOE is written" },
	{ "batch_delay_ms", C_UINT, F(batch_delay_ms), 0, 0, 1000, "2",
	  "wait after a short netlink batch so messages coalesce" },
	{ "rcvbuf", C_U64, F(rcvbuf), 0, 65536, (uint64_t)1 << 31, "67108864",
	  "netlink receive buffer bytes (SO_RCVBUFFORCE as root)" },
	{ "max_pending_events", C_U64, F(max_pending_events), 0, 16, 1 << 20,
	  "4096", "events open at once before the oldest is written" },
	{ "max_event_bytes", C_U64, F(max_event_bytes), 0, 65536,
	  (uint64_t)1 << 30, "8388608", "bytes of records kept per event" },
	{ "max_pending_bytes", C_U64, F(max_pending_bytes), 0, 1 << 20,
	  (uint64_t)1 << 40, "67108864",
	  "bytes of records kept by all open events; oldest written early" },
	{ "multicast", C_BOOL, F(multicast), 0, 0, 1, "no",
	  "read-only multicast subscriber instead of the audit daemon" },
	{ "enable", C_BOOL, F(enable), 0, 0, 1, "yes",
	  "set the kernel's enabled flag to 1 at start (restored at exit)" },
	{ "context", C_BOOL, F(context), 0, 0, 1, "yes",
	  "add \"host\" and \"context\" (process ancestry...) to events" },
	{ "context_depth", C_UINT, F(context_depth), 0, 0, 16, "4",
	  "parents written in context.parents" },
	{ "context_max_processes", C_UINT, F(context_max_processes), 0, 16,
	  1 << 22, "16384", "process table entries (least recently used "
	  "go first)" },
	{ "context_proc", C_BOOL, F(context_proc), 0, 0, 1, "yes",
	  "read /proc once for processes the events did not show (live)" },
	{ "context_env", C_STR, F(context_env), 0, 0, 0, NULL,
	  "environment variables to keep per process, e.g. SSH_CONNECTION" },
	{ "context_state", C_STR, F(context_state), 0, 0, 0, NULL,
	  "file the process table is saved to on stop and read on start" },
	{ "label", C_LIST, F(labels), F(nlabels), 0, 0, NULL,
	  "label NAME exe=GLOB | argv=GLOB | key=KEY (repeatable)" },
};

static const struct ckey *
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

int
vg_config_set(struct vg_config *c, const char *name, const char *val,
    char *msg, size_t msglen)
{
	const struct ckey *k = find_key(name);
	char *base = (char *)c, *dup;
	uint64_t v;
	int *cnt;

	if (k == NULL) {
		snprintf(msg, msglen, "unknown key \"%s\"", name);
		return -1;
	}
	switch (k->type) {
	case C_STR:
		if ((dup = strdup(val)) == NULL)
			goto oom;
		free(*(char **)(base + k->off));
		*(char **)(base + k->off) = dup;
		return 0;
	case C_LIST:
		cnt = (int *)(base + k->cnt_off);
		if (*cnt >= VG_CONF_MAXLIST) {
			snprintf(msg, msglen, "too many \"%s\" lines (max %d)",
			    name, VG_CONF_MAXLIST);
			return -1;
		}
		if ((dup = strdup(val)) == NULL)
			goto oom;
		((char **)(base + k->off))[(*cnt)++] = dup;
		return 0;
	case C_BOOL:
		if (strcmp(val, "yes") == 0 || strcmp(val, "true") == 0 ||
		    strcmp(val, "1") == 0)
			*(int *)(base + k->off) = 1;
		else if (strcmp(val, "no") == 0 || strcmp(val, "false") == 0 ||
		    strcmp(val, "0") == 0)
			*(int *)(base + k->off) = 0;
		else {
			snprintf(msg, msglen, "%s: \"%s\" is not yes or no",
			    name, val);
			return -1;
		}
		return 0;
	case C_UINT:
	case C_U64:
		if (parse_u64(val, &v) == -1 || v < k->min || v > k->max) {
			snprintf(msg, msglen, "%s: \"%s\" is not a number in "
			    "%" PRIu64 "..%" PRIu64, name, val, k->min, k->max);
			return -1;
		}
		if (k->type == C_UINT)
			*(unsigned *)(base + k->off) = (unsigned)v;
		else
			*(uint64_t *)(base + k->off) = v;
		return 0;
	}
	return 0;
oom:
	snprintf(msg, msglen, "out of memory");
	return -1;
}

void
vg_config_defaults(struct vg_config *c)
{
	char msg[256];
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].def != NULL)
			(void)vg_config_set(c, keys[i].name, keys[i].def, msg,
			    sizeof(msg));
}

/* Trims in place; returns start. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
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
	int		open;
	unsigned	line;		/* where it opened */
	struct vg_buf	spec, opts;
};

/* 1: line consumed by block handling; 0: not a block line; -1: error. */
static int
block_line(struct block *b, struct vg_config *c, char *p, unsigned lineno,
    struct vg_err *err)
{
	char *eq, *key, *val, *q;

	if (!b->open) {
		if (strncmp(p, "output", 6) != 0)
			return 0;
		q = trim(p + 6);
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
		return vg_config_set(c, "output", b->spec.data, err->msg,
		    sizeof(err->msg)) == 0 ? 1 : -1;
	}
	if ((eq = strchr(p, '=')) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "in output block: "
		    "expected \"key = value\" or \"}\", got \"%.64s\"", p);
		return -1;
	}
	*eq = '\0';
	key = trim(p);
	val = trim(eq + 1);
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

int
vg_config_load(struct vg_config *c, const char *path, struct vg_err *err)
{
	struct block blk = { 0, 0, { NULL, 0, 0, 0 }, { NULL, 0, 0, 0 } };
	FILE *f;
	char *line = NULL, *p, *eq, *key, *val;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int errors = 0;

	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = 0;
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((size_t)n != strlen(line)) {
			snprintf(err->msg, sizeof(err->msg), "NUL byte in line");
			goto bad;
		}
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		p = trim(line);
		if (*p == '\0')
			continue;
		switch (block_line(&blk, c, p, lineno, err)) {
		case 1:
			continue;
		case -1:
			goto bad;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err->msg, sizeof(err->msg),
			    "expected \"key = value\", got \"%.64s\"", p);
			goto bad;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (*val == '\0') {
			snprintf(err->msg, sizeof(err->msg),
			    "%s: missing value", key);
			goto bad;
		}
		if (vg_config_set(c, key, val, err->msg, sizeof(err->msg)) == 0)
			continue;
bad:
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = lineno;
		vg_log_warnx("%s:%u: %s", path, lineno, err->msg);
		errors++;
	}
	if (blk.open) {
		snprintf(err->msg, sizeof(err->msg), "output block opened "
		    "here is not closed");
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = blk.line;
		vg_log_warnx("%s:%u: %s", path, blk.line, err->msg);
		errors++;
	}
	vg_buf_free(&blk.spec);
	vg_buf_free(&blk.opts);
	free(line);
	fclose(f);
	return errors;
}

void
vg_config_free(struct vg_config *c)
{
	int i;

	for (i = 0; i < c->noutputs; i++)
		free(c->outputs[i]);
	for (i = 0; i < c->nlua_filters; i++)
		free(c->lua_filters[i]);
	for (i = 0; i < c->ndrops; i++)
		free(c->drops[i]);
	for (i = 0; i < c->nlabels; i++)
		free(c->labels[i]);
	free(c->context_env);
	free(c->context_state);
	free(c->rules);
	free(c->auditd_conf);
	free(c->plugin_dir);
	memset(c, 0, sizeof(*c));
}
