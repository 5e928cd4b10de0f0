/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check.c: what a start would refuse, checked without opening anything
 * (vigild --check, and a start before its outputs open, so that both
 * give the same file:line message): auditd.conf of every auditd and
 * plugins output, Lua files compiled, and for --check the plugins.d
 * files and the rules, which a start logs but runs without.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/context.h"
#include "vigil/exitcode.h"
#include "vigil/filter_lua.h"
#include "vigil/listen.h"
#include "vigil/log.h"
#include "vigil/output.h"
#include "vigil/auditd/plugins_conf.h"
#include "vigil/setup.h"

#include "daemon.h"

static const char *
opt_of(const struct vg_output_conf *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].key, key) == 0)
			return c->opts[i].val;
	return NULL;
}

/* The auditd.conf files one validation read: auditd and plugins
 * outputs share one; it is read (and its errors told) once. */
struct seen {
	const char	*path[2 * VG_CONF_MAXLIST];
	char		*plugin_dir[2 * VG_CONF_MAXLIST];
	int		 bad[2 * VG_CONF_MAXLIST];	/* its errors said */
	size_t		 n;
};

/* Whether path was read and found bad (its errors are said once). */
static int
seen_bad(const struct seen *seen, const char *path)
{
	size_t i;

	for (i = 0; i < seen->n; i++)
		if (strcmp(seen->path[i], path) == 0)
			return seen->bad[i];
	return 0;
}

/* path read as the auditd output reads it. Errors (0 for a file read
 * before); *plugin_dir: its plugin_dir (borrowed from seen) or NULL. */
static int
check_adc(const char *path, struct seen *seen, const char **plugin_dir)
{
	struct vg_auditd_conf adc;
	struct vg_err err;
	size_t i;
	int rc;

	*plugin_dir = NULL;
	for (i = 0; i < seen->n; i++)
		if (strcmp(seen->path[i], path) == 0) {
			*plugin_dir = seen->plugin_dir[i];
			return 0;
		}
	vg_auditd_conf_defaults(&adc);
	if ((rc = vg_auditd_conf_load(&adc, path, &err)) == -1)
		vg_log_warnx("%s: %s", path, err.msg);
	if (seen->n < sizeof(seen->path) / sizeof(seen->path[0])) {
		seen->path[seen->n] = path;
		seen->bad[seen->n] = rc != 0;
		seen->plugin_dir[seen->n] = adc.plugin_dir != NULL ?
		    strdup(adc.plugin_dir) : NULL;
		*plugin_dir = seen->plugin_dir[seen->n++];
	}
	vg_auditd_conf_free(&adc);
	return rc != 0 ? 1 : 0;
}

/* plugins.d of a plugins output: every file as the supervisor reads it */
static int
check_plugin_dir(const struct vg_output_conf *c, struct seen *seen)
{
	struct vg_plugin_conf *v = NULL;
	const char *conf = opt_of(c, "conf"), *dir = c->arg, *pd = NULL;
	size_t n = 0;
	int bad = 0, rc;

	if (conf != NULL)
		bad += check_adc(conf, seen, &pd);
	if (*dir == '\0')
		dir = pd != NULL ? pd : VG_PLUGIN_DIR_DEFAULT;
	if ((rc = vg_plugin_dir_load(dir, &v, &n)) < 0) {
		vg_log_warn("plugins: %s", dir);
		return bad + 1;
	}
	vg_plugin_dir_free(v, n);
	return bad + rc;
}

static int
check_lua(const char *path)
{
	struct vg_filter *f;
	struct vg_err err;

	memset(&err, 0, sizeof(err));
	if ((f = vg_filter_lua_open(path, NULL, &err)) != NULL) {
		f->ops->close(f);
		return 0;
	}
	/* as vg_setup_filters() says it at start */
	if (err.line)
		vg_log_warnx("%s:%u: %s", err.file, err.line, err.msg);
	else
		vg_log_warnx("%s: %s", path, err.msg[0] ? err.msg :
		    "cannot load");
	return 1;
}

int
vg_daemon_auditd_listen(const struct vg_config *c, char *spec, size_t len,
    char *node, size_t nodelen)
{
	struct vg_auditd_conf adc;
	struct vg_err err;
	char msg[512];
	int rc;

	if (node != NULL && nodelen > 0)
		node[0] = '\0';
	if (c->auditd_conf == NULL)
		return 0;
	vg_auditd_conf_defaults(&adc);
	if ((rc = vg_auditd_conf_load(&adc, c->auditd_conf, &err)) == 0) {
		if (node != NULL)
			(void)vg_auditd_conf_node_name(&adc, node, nodelen);
		rc = vg_listen_spec_auditd(&adc, spec, len, msg, sizeof(msg));
		if (rc == -1)
			vg_log_stderr("%s: %s", c->auditd_conf, msg);
	} else
		rc = 0;		/* its errors are the auditd output's */
	vg_auditd_conf_free(&adc);
	return rc;
}

int
vg_daemon_validate(const struct vg_config *c, int strict)
{
	const struct vg_output_conf *o;
	struct vg_filter *f;
	struct seen seen;
	const char *pd;
	char msg[512], spec[4 * PATH_MAX];
	size_t k;
	int i, bad = 0;

	memset(&seen, 0, sizeof(seen));
	for (i = 0; i < c->noutputs; i++) {
		o = c->outputs[i];
		if (strcmp(o->ops->name, "auditd") == 0)
			bad += check_adc(*o->arg ? o->arg :
			    VG_AUDITD_CONF_DEFAULT, &seen, &pd);
		else if (strict && strcmp(o->ops->name, "plugins") == 0)
			bad += check_plugin_dir(o, &seen);
		if (opt_of(o, "lua") == NULL)
			continue;
		if ((f = vg_output_lua_open(o, msg, sizeof(msg))) == NULL) {
			vg_log_warnx("%s", msg);
			bad++;
		} else
			f->ops->close(f);
	}
	for (i = 0; i < c->nlua_filters; i++)
		bad += check_lua(c->lua_filters[i]);
	/* context keys, label lines, drop rules' label= */
	if (vg_ctx_check(c) == -1)
		bad++;
	/* auditd.conf's tcp_listen_port: what vigild cannot be refused
	 * (a file found bad above has said its errors) */
	if ((c->auditd_conf == NULL || !seen_bad(&seen, c->auditd_conf)) &&
	    vg_daemon_auditd_listen(c, spec, sizeof(spec), NULL, 0) == -1)
		bad++;
	if (strict && c->rules != NULL && vg_setup_check_rules(c->rules) != 0)
		bad++;
	for (k = 0; k < seen.n; k++)
		free(seen.plugin_dir[k]);
	return bad;
}

int
vg_daemon_check(const struct vg_daemon *d)
{
	if (vg_daemon_validate(&d->conf, 1) != 0)
		return VG_EXIT_CONFIG;
	if (d->conf.auditd_conf != NULL)
		printf("%s: ok\n", d->conf.auditd_conf);
	if (d->conf.rules != NULL)
		printf("%s: ok\n", d->conf.rules);
	printf("%s: ok\n", d->conf_path ? d->conf_path : "(defaults)");
	return VG_EXIT_OK;
}
