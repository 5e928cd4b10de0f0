/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * setup.c: start-up and reload steps between the config and the modules
 * (filters, kernel rules, signal sender). Logs its own errors; never exits.
 */
#include <errno.h>
#include <stdint.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/filter_lua.h"
#include "vigil/log.h"
#include "vigil/netlink.h"
#include "vigil/prefilter.h"
#include "vigil/rules.h"
#include "vigil/setup.h"

int
vg_setup_filters(struct vg_pipeline *pl, const struct vg_config *c)
{
	struct vg_filter *f;
	struct vg_lua_opts lo;
	struct vg_err err;
	char msg[256];
	int i, bad = 0;

	if (c->ndrops > 0) {
		if ((f = vg_prefilter_new()) == NULL) {
			vg_log_warn("prefilter");
			return -1;
		}
		for (i = 0; i < c->ndrops; i++) {
			if (vg_prefilter_add(f, c->drops[i], msg,
			    sizeof(msg)) == -1) {
				vg_log_warnx("drop \"%s\": %s", c->drops[i], msg);
				bad++;
			}
		}
		vg_pipeline_add_filter(pl, f);
	}
	/* a returned event is bounded like a kernel one */
	memset(&lo, 0, sizeof(lo));
	lo.max_event_bytes = c->max_event_bytes > SIZE_MAX ? SIZE_MAX :
	    (size_t)c->max_event_bytes;
	for (i = 0; i < c->nlua_filters; i++) {
		memset(&err, 0, sizeof(err));
		f = vg_filter_lua_open(c->lua_filters[i], &lo, &err);
		if (f == NULL) {
			if (err.line)
				vg_log_warnx("%s:%u: %s", err.file, err.line,
				    err.msg);
			else
				vg_log_warnx("%s: %s", c->lua_filters[i],
				    err.msg[0] ? err.msg : "cannot load");
			bad++;
			continue;
		}
		vg_pipeline_add_filter(pl, f);
	}
	return bad ? -1 : 0;
}

void
vg_setup_reload_filters(struct vg_pipeline *pl)
{
	struct vg_filter *f;

	for (f = vg_pipeline_filters(pl); f != NULL; f = f->next)
		if (f->ops->reload != NULL)
			(void)f->ops->reload(f);
}

int
vg_setup_check_rules(const char *path)
{
	struct vg_ruleset *rs = NULL;
	struct vg_err err;
	int bad;

	memset(&err, 0, sizeof(err));
	bad = vg_rules_load_path(path, &rs, &err);
	if (bad < 0)
		vg_log_warnx("%s: %s", err.file[0] ? err.file : path, err.msg);
	if (rs != NULL) {
		vg_ruleset_free(rs);
		free(rs);
	}
	return bad;
}

/* Puts "-a never,exit -F pid=<daemon>" first again (a rules file that
 * starts with -D removed it); EEXIST means it is still there. */
static void
self_exclude(pid_t pid)
{
	struct audit_rule_data *r;
	struct vg_nl *nl;
	size_t len;

	if ((r = calloc(1, sizeof(*r) + 64)) == NULL)
		return;
	len = vg_nl_rule_self_exclude(r, pid);
	if ((nl = vg_nl_open(0)) != NULL) {
		if (vg_nl_rule(nl, AUDIT_ADD_RULE, r, len) == -1 &&
		    errno != EEXIST)
			vg_log_warn("self-exclusion rule");
		vg_nl_close(nl);
	}
	free(r);
}

int
vg_setup_load_rules(const char *path, pid_t exclude)
{
	struct vg_ruleset *rs = NULL;
	struct vg_err err;
	int bad, rc = -1;

	memset(&err, 0, sizeof(err));
	bad = vg_rules_load_path(path, &rs, &err);
	if (bad < 0)
		vg_log_warnx("%s: %s", err.file[0] ? err.file : path, err.msg);
	else if (bad > 0 && err.line == 0)	/* an unreadable rules.d file */
		vg_log_warnx("%s: %s; kernel rules left unchanged", err.file,
		    err.msg);
	else if (bad > 0)
		vg_log_warnx("%s:%u: %s; kernel rules left unchanged",
		    err.file, err.line, err.msg);
	else if (vg_rules_apply(rs, &err) < 0) {
		/* err.msg says whether the old rules were put back */
		if (err.file[0])
			vg_log_warnx("%s:%u: %s", err.file, err.line, err.msg);
		else
			vg_log_warnx("%s: %s", path, err.msg);
	} else {
		vg_log_info("%s: %zu rules loaded", path, rs->n);
		rc = 0;
	}
	if (exclude > 0)
		self_exclude(exclude);
	if (rs != NULL) {
		vg_ruleset_free(rs);
		free(rs);
	}
	return rc;
}

void
vg_setup_signal_sender(int unicast, struct vg_sender *s)
{
	struct vg_nl_sig_info si;
	struct vg_nl *nl;

	vg_sender_from_pid(-1, s);
	if (!unicast || (nl = vg_nl_open(0)) == NULL)
		return;
	memset(&si, 0, sizeof(si));
	if (vg_nl_signal_info(nl, &si) == 0 && si.pid != 0) {
		vg_sender_from_pid((pid_t)si.pid, s);
		s->uid = si.uid;
	}
	vg_nl_close(nl);
}
