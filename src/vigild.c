/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vigild.c: the story of the daemon, one step per line; each step lives
 * in src/daemon/ (daemon.h). Startup order is the privilege story
 * (docs/security.md): the helper is forked, the kernel sockets are set
 * up, then capabilities go, and only then do Lua, outputs and threads
 * start. Teardown runs in reverse.
 */
#include "vigil/exitcode.h"
#include "vigil/log.h"
#include "vigil/privsep.h"

#include "daemon/daemon.h"

/* The privileged helper learns the outputs it serves once, at start. */
static int
start_helper(const struct vg_daemon *d)
{
	static char *specs[VG_CONF_MAXLIST];
	int i;

	if (!vg_daemon_needs_helper(&d->conf, d->live))
		return 0;
	for (i = 0; i < d->conf.noutputs; i++)
		specs[i] = d->conf.outputs[i]->spec;
	return vg_privsep_start(specs, d->conf.noutputs, d->live &&
	    !d->conf.multicast && d->conf.kernel ? d->conf.rules : NULL);
}

int
main(int argc, char *argv[])
{
	struct vg_daemon d;
	struct vg_err err;
	int rc, run;

	/* what to do: the command line, vigild.conf under it */
	if ((rc = vg_daemon_args(&d, argc, argv)) != -1)
		return rc;
	vg_log_init("vigild", d.fg || !d.live || d.check, d.verbose);
	if (vg_config_build(&d.conf, d.conf_path, &d.cli, &err) == -1)
		rc = VG_EXIT_CONFIG;
	else if (d.check)	/* what a start would refuse, and stop */
		rc = vg_daemon_check(&d);
	if (rc != -1)
		goto out;

	/* privileged and single-threaded: detach, the helper, the kernel
	 * socket or the replay files */
	rc = VG_EXIT_OK;
	if (d.live && !d.fg)
		vg_daemon_detach();
	if (start_helper(&d) == -1)
		vg_fatal("cannot start the privileged helper");
	if ((run = vg_daemon_open_input(&d)) != 0)
		rc = run == -2 ? VG_EXIT_CONFIG : VG_EXIT_RUNTIME;
	vg_daemon_drop_privileges(&d.conf, d.live);

	/* unprivileged from here: what --check checks (Lua, auditd.conf),
	 * then the outputs, their threads and the filters */
	if (rc == VG_EXIT_OK && (vg_daemon_validate(&d.conf, 0) != 0 ||
	    vg_daemon_open_outputs(&d) == -1))
		rc = VG_EXIT_CONFIG;

	/* live: rules, then the loop until TERM/INT; replay: the files */
	run = vg_daemon_run(&d, rc == VG_EXIT_OK);
	if (rc == VG_EXIT_OK)
		rc = run;

	/* drain and close the outputs, stop the helper */
	rc = vg_daemon_close(&d, rc);
out:
	vg_config_free(&d.conf);
	vg_daemon_args_free(&d);
	return rc;
}
