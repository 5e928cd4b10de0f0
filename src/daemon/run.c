/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run.c: vigild running: the pipeline and its input (live: the libevent
 * loop and the kernel socket; a replay: the files), the outputs and
 * filters, the loop, and the orderly close. Signals are in signals.c.
 */
#include <event2/event.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/context.h"
#include "vigil/exitcode.h"
#include "vigil/log.h"
#include "vigil/luatest.h"
#include "vigil/privsep.h"
#include "vigil/sdnotify.h"
#include "vigil/setup.h"

#include "daemon.h"

/* The network listeners (docs/fleet.md), bound while privileged (a port
 * below 1024): listen lines, then auditd.conf's tcp_listen_port. */
static int
open_listen(struct vg_daemon *d)
{
	const struct vg_config *c = &d->conf;
	char spec[4 * PATH_MAX], msg[512], node[256];
	int i, adc;

	if ((adc = vg_daemon_auditd_listen(c, spec, sizeof(spec), node,
	    sizeof(node))) == -1)
		return -2;
	if (c->nlistens == 0 && adc == 0)
		return 0;
	if ((d->listen = vg_listen_new(d->base, d->pl)) == NULL) {
		vg_log_warnx("listen: out of memory");
		return -1;
	}
	/* the name of local events is not a client's to use */
	vg_listen_reserve(d->listen, node);
	for (i = 0; i < c->nlistens; i++)
		if (vg_listen_add(d->listen, c->listens[i], msg,
		    sizeof(msg)) == -1) {
			vg_log_stderr("listen %s: %s", c->listens[i], msg);
			return -1;
		}
	if (adc == 1 && vg_listen_add(d->listen, spec, msg, sizeof(msg)) ==
	    -1) {
		vg_log_stderr("%s: tcp_listen_port: %s", c->auditd_conf, msg);
		return -1;
	}
	return 0;
}

int
vg_daemon_open_input(struct vg_daemon *d)
{
	struct vg_group_opts go;
	const struct vg_config *c = &d->conf;
	int rc;

	memset(&go, 0, sizeof(go));
	go.timeout_ms = (uint64_t)c->end_of_event_timeout * 1000;
	go.max_pending = c->max_pending_events;
	go.max_event_bytes = c->max_event_bytes;
	go.max_pending_bytes = c->max_pending_bytes;
	go.count_jumps = d->live;	/* live: a jump is lost events */
	if ((d->pl = vg_pipeline_new(&go)) == NULL)
		vg_fatal("pipeline");
	/* the process context: its state file is read while privileged */
	if ((d->ctx = vg_ctx_from_config(c, d->live)) == NULL && c->context)
		vg_fatalx("context: cannot start (see above)");
	vg_pipeline_set_context(d->pl, d->ctx);
	/* a replay has no kernel to protect: outputs block, not drop */
	vg_output_set_run_mode(d->live ? VG_RUN_LIVE : VG_RUN_REPLAY);
	if (!d->live) {
		if ((d->replay_fds = vg_replay_open(d->replay,
		    d->nreplay)) == NULL)
			vg_fatal("replay");
		return 0;
	}
	d->io.rcvbuf = c->rcvbuf;
	d->io.batch_delay_ms = c->batch_delay_ms;
	d->io.no_enable = !c->enable;
	signal(SIGPIPE, SIG_IGN);
	if ((d->base = event_base_new()) == NULL)
		vg_fatalx("event_base_new failed");
	vg_daemon_signals(d);
	if ((rc = open_listen(d)) != 0)
		return rc;
	if (!c->kernel)		/* an aggregator: the kernel is not ours */
		;
	else if (c->multicast) {
		vg_pipeline_drop_self(d->pl, getpid());
		d->in = vg_input_multicast(d->base, d->pl, &d->io);
	} else
		d->in = vg_input_unicast(d->base, d->pl, &d->io);
	if (d->in == NULL && c->kernel)
		return -1;
	/* still privileged: the control socket is chowned */
	{
		struct vg_observe_opts oo = { c->control, c->control_group,
		    c->state_file, c->report_interval, c->metrics };

		d->obs = vg_observe_start(d->base, d->pl, d->in, &oo,
		    vg_daemon_act, d);
	}
	return 0;
}

int
vg_daemon_open_outputs(struct vg_daemon *d)
{
	struct vg_output *o;
	int i;

	for (i = 0; i < d->conf.noutputs; i++) {
		if ((o = vg_output_open_conf(d->conf.outputs[i])) == NULL) {
			vg_log_stderr("cannot open output \"%s\"",
			    d->conf.outputs[i]->spec);
			return -1;
		}
		vg_pipeline_add_output(d->pl, o);
	}
	if (vg_setup_filters(d->pl, &d->conf) == -1)
		return -1;
	if (d->explain && (d->ex = vg_explain_start(d->pl, d->conf.drops,
	    d->conf.drop_at, d->conf.ndrops, stderr)) == NULL) {
		vg_log_warn("explain");
		return -1;
	}
	/* to the auditd log and plugins, as auditd's */
	vg_daemon_emit(d->pl, VG_DAEMON_START, NULL, NULL);
	return 0;
}

static int
live_run(struct vg_daemon *d, int ok)
{
	size_t i;
	int rc = VG_EXIT_OK;

	if (ok) {
		(void)vg_daemon_load_rules(d);
		vg_daemon_pushdown(d);
		/* systemd Type=notify: the audit pid is held, rules are in */
		(void)vg_sdnotify("READY=1");
		vg_daemon_ready();
		if (event_base_dispatch(d->base) == -1) {
			vg_log_warnx("event loop failed");
			rc = VG_EXIT_RUNTIME;
		}
	}
	(void)vg_sdnotify("STOPPING=1");
	vg_observe_stop(d->obs);
	d->obs = NULL;
	/* restore the kernel first: nothing below may stop that */
	if (d->in != NULL)
		vg_input_close(d->in);
	d->in = NULL;
	/* clients' last messages written and acknowledged, then ENDING */
	vg_listen_close(d->listen);
	d->listen = NULL;
	vg_pipeline_flush(d->pl);
	for (i = 0; i < VG_DAEMON_NSIGS; i++)
		if (d->sev[i] != NULL)
			event_free(d->sev[i]);
	event_base_free(d->base);
	d->base = NULL;
	return rc;
}

int
vg_daemon_run(struct vg_daemon *d, int ok)
{
	if (d->live)
		return live_run(d, ok);
	if (!ok)
		return VG_EXIT_OK;
	if (vg_replay_fds(d->pl, d->replay_fds, d->replay, d->nreplay) == -1)
		return VG_EXIT_RUNTIME;
	if (d->ex != NULL)
		vg_lt_summary(stderr, vg_luatest_stats(d->ex), 0);
	return VG_EXIT_OK;
}

int
vg_daemon_close(struct vg_daemon *d, int rc)
{
	if (rc != VG_EXIT_CONFIG) {
		if (d->verbose)
			vg_pipeline_dump(d->pl, STDERR_FILENO);
		/* DAEMON_END names who sent TERM, else vigild itself */
		vg_daemon_outputs_signal(d, VG_OUTPUT_STOP, VG_DAEMON_END,
		    d->stopped ? &d->stopper : NULL, NULL);
		/* drained and closed here: what each output lost is
		 * logged; a replay that lost any says so in its status */
		if (vg_pipeline_close_outputs(d->pl) > 0 && !d->live &&
		    rc == VG_EXIT_OK)
			rc = VG_EXIT_LOST;
	}
	vg_pipeline_free(d->pl);
	d->pl = NULL;
	vg_ctx_stop(d->ctx);		/* saved to context_state */
	d->ctx = NULL;
	vg_privsep_stop();
	if (!d->live)
		vg_replay_close(d->replay_fds, d->nreplay);
	d->replay_fds = NULL;
	return rc;
}
