/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin_supervisor.h: the "plugins" output (src/auditd/plugin_supervisor.c)
 * runs the active plugins of a plugins.d directory as auditd 3.0.9 does
 * (docs/plugins.md):
 *	plugins:DIR?conf=AUDITD_CONF&q_depth=N&overflow_action=A&...
 */
#ifndef VIGIL_AUDITD_PLUGIN_SUPERVISOR_H
#define VIGIL_AUDITD_PLUGIN_SUPERVISOR_H

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/plugins_conf.h"

/*
 * The output answers signals through its ops (vg_pipeline_signal): SIGHUP
 * re-reads auditd.conf and plugins.d (new plugins start, removed ones
 * get SIGTERM, unchanged ones get SIGHUP, a changed binary is restarted,
 * given-up plugins get another chance); SIGUSR2 resumes dispatch
 * suspended by overflow_action=suspend (before the DAEMON_RESUME record
 * that follows it, as auditd); SIGCONT dumps state. vigild's own
 * DAEMON_* records come as any record (the record op, wants_daemon).
 */

/*
 * For the privileged helper (src/privsep_helper.c), which starts plugins
 * for the daemon from what it reads itself. vg_plugins_lookup: plugin file name
 * of the "plugins" output spec, read from disk now as the output reads it
 * (its plugin_dir: the spec's, else auditd.conf's, else the default).
 * 0 with *c filled (an active plugin with a path; caller frees), or -1
 * (EINVAL: not a plugins spec, a bad name, an inactive or broken plugin;
 * logged). vg_plugins_overflow_of: the output's overflow_action (its
 * auditd.conf, then the spec's own option). vg_plugins_exec: the plugin
 * process after fork: sock becomes stdin, every other descriptor is
 * closed, signals back to default, exec with an empty environment;
 * never returns.
 */
int	vg_plugins_lookup(const char *spec, const char *name,
	    struct vg_plugin_conf *c);
int	vg_plugins_overflow_of(const char *spec, enum vg_adc_action *a);
void	vg_plugins_exec(const struct vg_plugin_conf *c, int sock)
	    __attribute__((noreturn));

#endif
