/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * observe.h: what an admin sees of a running vigild (docs/operating.md):
 * the control socket (control.c) and its answers, the state file written
 * on SIGCONT and every report_interval seconds with a one-line summary to
 * the log, the metrics endpoint (metrics.c) and the top tallies (topk.c).
 * vigild.c starts it on the loop and asks it for a report on SIGCONT.
 */
#ifndef VIGIL_OBSERVE_H
#define VIGIL_OBSERVE_H

#include <sys/types.h>

#include "vigil/auditd/log_writer.h"

#define VG_STATE_FILE	"/run/vigild.state"

struct event_base;
struct vg_input;
struct vg_pipeline;
struct vg_observe;

struct vg_observe_opts {
	const char	*control;	/* socket path; "none": no socket */
	const char	*control_group;	/* group name, or NULL: root only */
	const char	*state_file;	/* "none": none */
	unsigned	 report_interval;	/* seconds; 0 off */
	const char	*metrics;	/* URL or NULL */
};

/*
 * A request to act (stop, reload, rotate, resume) from the control socket:
 * sig is the signal that does the same (SIGTERM, SIGHUP, SIGUSR1,
 * SIGUSR2), sender the peer (for DAEMON_* records).
 */
typedef void	(*vg_observe_act)(void *arg, int sig,
		    const struct vg_sender *sender);

/*
 * Starts the control socket and the metrics endpoint (each failure is
 * logged and leaves that part off: auditing goes on) and the report
 * timer. Run before privileges are dropped (the socket is chowned).
 * in may be NULL. Returns NULL only when out of memory.
 */
struct vg_observe *vg_observe_start(struct event_base *,
		    struct vg_pipeline *, struct vg_input *,
		    const struct vg_observe_opts *, vg_observe_act, void *arg);
/* SIGCONT: writes the state file and logs the summary line. */
void		 vg_observe_report(struct vg_observe *);
/* Stops everything and removes the socket. NULL: no-op. */
void		 vg_observe_stop(struct vg_observe *);

#endif
