/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * setup.h: vigild's start-up and reload steps that sit between the config
 * and the modules: filters (C prefilter, Lua), kernel rules, the sender of
 * a signal. Kept out of vigild.c so main() stays a sequence of steps.
 */
#ifndef VIGIL_SETUP_H
#define VIGIL_SETUP_H

#include <sys/types.h>

#include "vigil/auditd/daemon_rec.h"
#include "vigil/config.h"
#include "vigil/pipeline.h"

/* Adds the prefilter (config "drop" lines) and the Lua filters to the
 * pipeline, in that order. Errors logged as file:line; returns -1. */
int	vg_setup_filters(struct vg_pipeline *, const struct vg_config *);
/* SIGHUP: reloads every Lua filter; a broken file keeps the old one. */
void	vg_setup_reload_filters(struct vg_pipeline *);
/* Compiles only (--check). Returns the number of errors, -1 unreadable. */
int	vg_setup_check_rules(const char *path);
/* Compiles and loads path atomically (old set kept on any error), then
 * puts the daemon's self-exclusion rule back in front for pid exclude
 * (0: none). Returns 0 or -1 (logged with file:line). */
int	vg_setup_load_rules(const char *path, pid_t exclude);
/* Who sent the last signal to the audit daemon (AUDIT_SIGNAL_INFO) when
 * vigild is the daemon; unset identity otherwise. */
void	vg_setup_signal_sender(int unicast, struct vg_sender *);

#endif
