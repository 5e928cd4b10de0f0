/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rules.c: vigild's kernel rules: the configured rules file or rules.d
 * directory (through the privileged helper when there is one), and the
 * drop lines pushed down as kernel rules (pushdown = yes). Called at
 * start (run.c) and on SIGHUP (signals.c).
 */
#include <unistd.h>

#include "vigil/log.h"
#include "vigil/privsep.h"
#include "vigil/setup.h"

#include "daemon.h"

void
vg_daemon_pushdown(struct vg_daemon *d)
{
	const struct vg_config *c = &d->conf;

	if (d->in == NULL || (!c->pushdown && !d->pushed))
		return;
	if (c->multicast) {
		vg_log_warnx("pushdown: not in multicast mode (the audit "
		    "daemon owns the kernel rules)");
		return;
	}
	if (vg_input_pushdown(d->in, c->drops, c->pushdown ? c->ndrops : 0) ==
	    -1) {
		vg_log_warnx("pushdown: kernel rules not added; the drop "
		    "lines work in userspace");
		return;
	}
	d->pushed = c->pushdown;
}

/* Rules: loaded by the privileged helper when there is one (it may walk
 * directories the daemon cannot for -w), else here. */
int
vg_daemon_load_rules(const struct vg_daemon *d)
{
	const char *path = d->conf.rules;

	if (path == NULL)
		return 0;
	if (!d->conf.kernel) {
		vg_log_warnx("rules %s not loaded: kernel = no", path);
		return 0;
	}
	if (d->conf.multicast) {
		vg_log_warnx("rules %s not loaded: in multicast mode the audit "
		    "daemon owns the rules", path);
		return 0;
	}
	if (!vg_privsep_active())
		return vg_setup_load_rules(path, getpid());
	if (vg_privsep_rules() == -1) {
		vg_log_warn("%s: rules not loaded by the privileged helper",
		    path);
		return -1;
	}
	return 0;
}
