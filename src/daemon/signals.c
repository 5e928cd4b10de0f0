/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * signals.c: what vigild does on each signal (docs/vigild.8), and the
 * SIGHUP re-read of vigild.conf: the new configuration is built and
 * checked whole, new outputs and filters opened, and only then swapped
 * in; on any error the running one stays. Unchanged outputs (same spec)
 * keep their queues, connections and counters.
 */
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/log.h"
#include "vigil/privsep.h"
#include "vigil/sdnotify.h"
#include "vigil/setup.h"

#include "daemon.h"

static const int sigs[VG_DAEMON_NSIGS] = { SIGTERM, SIGINT, SIGHUP,
    SIGUSR1, SIGUSR2, SIGCONT };

/* The outputs that need the helper (auditd, plugins, group=): it
 * learned their specs at start. */
static int
helper_outputs_same(const struct vg_config *a, const struct vg_config *b)
{
	struct vg_config one;
	int i, j = 0;

	memset(&one, 0, sizeof(one));
	for (i = 0; i < a->noutputs; i++) {
		one.noutputs = 1;
		one.outputs[0] = a->outputs[i];
		if (!vg_daemon_needs_helper(&one, 0))
			continue;
		for (; j < b->noutputs; j++) {
			one.outputs[0] = b->outputs[j];
			if (vg_daemon_needs_helper(&one, 0))
				break;
		}
		if (j == b->noutputs || strcmp(a->outputs[i]->spec,
		    b->outputs[j]->spec) != 0)
			return 0;
		j++;
	}
	for (; j < b->noutputs; j++) {
		one.noutputs = 1;
		one.outputs[0] = b->outputs[j];
		if (vg_daemon_needs_helper(&one, 0))
			return 0;
	}
	return 1;
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* What a running daemon cannot take over from a new vigild.conf: NULL,
 * or the first such change. */
static const char *
needs_restart(const struct vg_config *a, const struct vg_config *b,
    int helper)
{
	int i;

	if (a->multicast != b->multicast)
		return "multicast";
	if (a->rcvbuf != b->rcvbuf)
		return "rcvbuf";
	if (a->batch_delay_ms != b->batch_delay_ms)
		return "batch_delay_ms";
	if (a->enable != b->enable)
		return "enable";
	if (a->kernel != b->kernel)
		return "kernel";
	/* the process table lives as long as the daemon */
	if (a->context != b->context || a->context_depth != b->context_depth ||
	    a->context_max_processes != b->context_max_processes ||
	    a->context_proc != b->context_proc ||
	    !same_str(a->context_env, b->context_env) ||
	    !same_str(a->context_state, b->context_state))
		return "context or context_*";
	if (a->nlabels != b->nlabels)
		return "label";
	for (i = 0; i < a->nlabels; i++)
		if (strcmp(a->labels[i], b->labels[i]) != 0)
			return "label";
	if (a->nlistens != b->nlistens)
		return "listen";
	for (i = 0; i < a->nlistens; i++)
		if (strcmp(a->listens[i], b->listens[i]) != 0)
			return "listen";
	if (!same_str(a->control, b->control) ||
	    !same_str(a->control_group, b->control_group))
		return "control or control_group";
	if (!same_str(a->state_file, b->state_file) ||
	    a->report_interval != b->report_interval)
		return "state_file or report_interval";
	if (!same_str(a->metrics, b->metrics))
		return "metrics";
	if (a->end_of_event_timeout != b->end_of_event_timeout ||
	    a->max_pending_events != b->max_pending_events ||
	    a->max_event_bytes != b->max_event_bytes ||
	    a->max_pending_bytes != b->max_pending_bytes)
		return "end_of_event_timeout or max_*";
	/* the helper learned its outputs and rules at start */
	if (helper && ((a->rules == NULL) != (b->rules == NULL) ||
	    (a->rules != NULL && strcmp(a->rules, b->rules) != 0)))
		return "rules";
	if (vg_daemon_needs_helper(b, 1) && !helper)
		return "an output that needs the privileged helper";
	if (helper && !helper_outputs_same(a, b))
		return "an output the privileged helper serves";
	return NULL;
}

static struct vg_output *
take(struct vg_output **list, const char *spec)
{
	struct vg_output **pp, *o;

	for (pp = list; (o = *pp) != NULL; pp = &o->next)
		if (strcmp(o->spec, spec) == 0) {
			*pp = o->next;
			o->next = NULL;
			return o;
		}
	return NULL;
}

static void
close_filters(struct vg_filter *f)
{
	struct vg_filter *next;

	for (; f != NULL; f = next) {
		next = f->next;
		if (f->ops->close != NULL)
			f->ops->close(f);
	}
}

static void
add_filters(struct vg_pipeline *pl, struct vg_filter *f)
{
	struct vg_filter *next;

	for (; f != NULL; f = next) {
		next = f->next;
		vg_pipeline_add_filter(pl, f);
	}
}

/*
 * The new outputs into the pipeline, in order: the running one of the
 * same spec, else opened now; *gone: the running ones left out. -1 if
 * one cannot open: the new ones closed, the running set put back.
 */
static int
swap_outputs(struct vg_daemon *d, const struct vg_config *nc,
    struct vg_output **gone)
{
	struct vg_output *old = vg_pipeline_take_outputs(d->pl);
	struct vg_output *o[VG_CONF_MAXLIST];
	int fresh[VG_CONF_MAXLIST], i, n;

	for (n = 0; n < nc->noutputs; n++) {
		fresh[n] = (o[n] = take(&old, nc->outputs[n]->spec)) == NULL;
		if (fresh[n] && (o[n] = vg_output_open_conf(nc->outputs[n])) ==
		    NULL) {
			vg_log_warnx("cannot open output \"%s\"",
			    nc->outputs[n]->spec);
			break;
		}
	}
	if (n < nc->noutputs) {
		for (i = 0; i < n; i++) {
			if (fresh[i]) {
				(void)vg_output_close(o[i]);
				continue;
			}
			o[i]->next = old;
			old = o[i];
		}
		for (i = 0; i < d->conf.noutputs; i++)
			if ((o[0] = take(&old, d->conf.outputs[i]->spec)) !=
			    NULL)
				vg_pipeline_add_output(d->pl, o[0]);
		return -1;
	}
	for (i = 0; i < n; i++)
		vg_pipeline_add_output(d->pl, o[i]);
	*gone = old;
	return 0;
}

void
vg_daemon_reload(struct vg_daemon *d, const struct vg_sender *who)
{
	struct vg_config nc;
	struct vg_filter *oldf, *newf;
	struct vg_output *gone, *next;
	struct vg_err err;
	const char *why;
	int bad;

	(void)who;
	bad = vg_config_build(&nc, d->conf_path, &d->cli, &err) == -1 ||
	    vg_daemon_validate(&nc, 0) != 0;
	if (!bad && (why = needs_restart(&d->conf, &nc,
	    vg_privsep_active())) != NULL) {
		vg_log_warnx("%s: %s changed: takes a restart",
		    d->conf_path ? d->conf_path : "command line", why);
		bad = 1;
	}
	if (bad) {
		vg_log_warnx("%s: not reloaded; the running configuration "
		    "stays", d->conf_path ? d->conf_path : "configuration");
		vg_config_free(&nc);
		return;
	}
	/* filters: the new chain, or the old one back */
	oldf = vg_pipeline_take_filters(d->pl);
	if (vg_setup_filters(d->pl, &nc) == -1) {
		close_filters(vg_pipeline_take_filters(d->pl));
		add_filters(d->pl, oldf);
		vg_log_warnx("filters: not reloaded; the running "
		    "configuration stays");
		vg_config_free(&nc);
		return;
	}
	newf = vg_pipeline_take_filters(d->pl);
	if (swap_outputs(d, &nc, &gone) == -1) {
		close_filters(newf);
		add_filters(d->pl, oldf);
		vg_log_warnx("outputs: not reloaded; the running "
		    "configuration stays");
		vg_config_free(&nc);
		return;
	}
	add_filters(d->pl, newf);
	close_filters(oldf);
	for (; gone != NULL; gone = next) {
		next = gone->next;
		(void)vg_output_close(gone);
	}
	vg_config_free(&d->conf);
	d->conf = nc;
	vg_log_info("%s: reloaded", d->conf_path ? d->conf_path :
	    "configuration");
}

/*
 * The outputs act on a signal (their ops), then vigild makes the one
 * DAEMON_* record that tells of it, for the outputs that take such
 * records (the auditd log, plugins). A failed reload of any output's
 * own configuration writes none, as auditd logs none.
 */
void
vg_daemon_outputs_signal(struct vg_daemon *d, enum vg_output_op op,
    unsigned type, const struct vg_sender *who, const char *reason)
{
	struct vg_output_signal s;

	memset(&s, 0, sizeof(s));
	s.type = type;
	s.who = who;
	s.reason = reason;
	vg_pipeline_signal(d->pl, op, &s);
	if (op == VG_OUTPUT_RELOAD && s.failed > 0)
		return;
	vg_daemon_emit(d->pl, (enum vg_daemon_rec)type, who, reason);
}

void
vg_daemon_act(void *arg, int sig, const struct vg_sender *who)
{
	struct vg_daemon *d = arg;
	struct vg_sender sender = *who;

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		vg_log_info("signal %d: stopping", (int)sig);
		d->stopper = sender;
		d->stopped = 1;
		event_base_loopbreak(d->base);
		break;
	case SIGHUP:
		vg_log_info("signal %d: reloading", (int)sig);
		(void)vg_sdnotify_reloading();
		vg_pipeline_flush_outputs(d->pl);
		vg_pipeline_reopen_outputs(d->pl);
		/* vigild.conf first: the outputs below are the new ones */
		vg_daemon_reload(d, &sender);
		vg_listen_reload(d->listen);	/* TLS certificates */
		/* the outputs' own files: auditd.conf (old kept on
		 * error), plugins.d; DAEMON_CONFIG */
		vg_daemon_outputs_signal(d, VG_OUTPUT_RELOAD, VG_DAEMON_CONFIG,
		    &sender, NULL);
		vg_setup_reload_filters(d->pl);
		if (d->conf.rules != NULL && !d->conf.multicast)
			(void)vg_daemon_load_rules(d);
		vg_daemon_pushdown(d);
		(void)vg_sdnotify("READY=1");
		break;
	case SIGUSR1:
		vg_log_info("signal %d: rotating logs", (int)sig);
		vg_pipeline_flush_outputs(d->pl);
		vg_pipeline_reopen_outputs(d->pl);
		vg_daemon_outputs_signal(d, VG_OUTPUT_ROTATE, VG_DAEMON_ROTATE,
		    &sender, NULL);
		break;
	case SIGUSR2:
		vg_log_info("signal %d: resuming logging", (int)sig);
		vg_daemon_outputs_signal(d, VG_OUTPUT_RESUME, VG_DAEMON_RESUME,
		    &sender, NULL);
		break;
	case SIGCONT:
		vg_observe_report(d->obs);	/* state file, log line */
		vg_pipeline_dump(d->pl, STDERR_FILENO);
		vg_pipeline_dump_outputs(d->pl, STDERR_FILENO);
		if (d->in != NULL)
			vg_input_dump(d->in, STDERR_FILENO);
		vg_listen_dump(d->listen, STDERR_FILENO);
		break;
	}
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct vg_daemon *d = arg;
	struct vg_sender sender;

	(void)what;
	memset(&sender, 0, sizeof(sender));
	/* DAEMON_* records name who sent the signal (AUDIT_SIGNAL_INFO);
	 * SIGCONT writes none, so it asks the kernel nothing */
	if (sig != SIGCONT)
		vg_setup_signal_sender(d->in != NULL && !d->conf.multicast,
		    &sender);
	vg_daemon_act(d, (int)sig, &sender);
}

void
vg_daemon_signals(struct vg_daemon *d)
{
	size_t i;

	for (i = 0; i < VG_DAEMON_NSIGS; i++) {
		d->sev[i] = evsignal_new(d->base, sigs[i], on_signal, d);
		if (d->sev[i] == NULL || evsignal_add(d->sev[i], NULL) == -1)
			vg_fatalx("cannot watch signal %d", sigs[i]);
	}
}
