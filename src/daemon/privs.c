/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privs.c: which privileges vigild keeps (docs/security.md): whether the
 * privileged helper is needed, and the capabilities dropped once the
 * kernel sockets are open.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>

#include "vigil/caps.h"
#include "vigil/log.h"
#include "vigil/output.h"
#include "vigil/privsep.h"

#include "daemon.h"

static int
is(const struct vg_output_conf *c, const char *name)
{
	return strcmp(c->ops->name, name) == 0;
}

static int
has_opt(const struct vg_output_conf *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].key, key) == 0)
			return 1;
	return 0;
}

/* The helper exists when something needs more than the daemon keeps:
 * plugins and auditd.conf actions (run as auditd runs them: root with
 * every capability), the group of a log file (log_group, group=), and
 * rules (watches on any path). */
int
vg_daemon_needs_helper(const struct vg_config *c, int live)
{
	const struct vg_output_conf *o;
	int i;

	if (live && !c->multicast && c->kernel && c->rules != NULL)
		return 1;
	for (i = 0; i < c->noutputs; i++) {
		o = c->outputs[i];
		if (is(o, "auditd") || is(o, "plugins") ||
		    ((is(o, "json") || is(o, "raw")) && has_opt(o, "group")))
			return 1;
	}
	return 0;
}

/*
 * After the kernel sockets: unicast keeps CAP_AUDIT_CONTROL (AUDIT_SET,
 * AUDIT_GET and AUDIT_SIGNAL_INFO on signals, the kernel restored at
 * exit); multicast joined its group and replay reads files: they keep
 * nothing. Failing to drop is fatal: never run on silently privileged.
 */
void
vg_daemon_drop_privileges(const struct vg_config *c, int live)
{
	uint64_t keep = live && !c->multicast && c->kernel ?
	    VG_CAP(CAP_AUDIT_CONTROL) : 0;
	uint64_t eff, prm, bnd;
	char names[128];

	/* context_env reads /proc/PID/environ: a ptrace access check
	 * (docs/security.md); kept only when asked for, as laurel does */
	if (live && c->context && c->context_proc && c->context_env != NULL)
		keep |= VG_CAP(CAP_SYS_PTRACE);

	if (vg_caps_drop(keep) == -1)
		vg_fatal("cannot drop capabilities");
	if (vg_caps_get(&eff, &prm, &bnd) == 0) {
		vg_caps_names(prm, names, sizeof(names));
		vg_log_info("privileges: capabilities kept: %s; no_new_privs; "
		    "privileged helper: %s", names, vg_privsep_active() ?
		    "running" : "none");
	}
}
