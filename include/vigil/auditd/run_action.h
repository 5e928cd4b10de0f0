/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run_action.h: auditd.conf actions that start a program
 * (src/auditd/run_action.c).
 */
#ifndef VIGIL_AUDITD_RUN_ACTION_H
#define VIGIL_AUDITD_RUN_ACTION_H

/* auditd's single/halt actions: /sbin/init LEVEL ("1" or "0"); only
 * logged when VIGIL_TEST_NO_LOCK is set (tests share the machine). */
void	vg_change_runlevel(const char *level);
/* auditd's exec action: exe with no arguments and an empty environment,
 * not waited for (reap: collect finished ones with waitpid; else the
 * caller ignores SIGCHLD). The program is checked first
 * (vg_adc_exec_check; refused: logged, -1 EPERM). 0 or -1. */
int	vg_auditlog_run_exe(const char *exe, int reap);

#endif
