/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log_writer.h: the auditd-compatible log writer (src/auditd/log_writer.c).
 * Outputs:
 *	auditd:CONF	log_file, format, rotation, flush and space actions
 *			from an auditd.conf (the drop-in log)
 *	enriched:PATH	ENRICHED lines to PATH ("-" = stdout), no rotation
 * Signals reach each auditd output through its ops (rotate, resume,
 * reload, stop, dump: vg_pipeline_signal), which act; the DAEMON_*
 * record that tells of it is vigild's (vg_daemon_emit), made once and
 * handed to this output's record op and to the plugins afterwards.
 */
#ifndef VIGIL_AUDITD_LOG_WRITER_H
#define VIGIL_AUDITD_LOG_WRITER_H

#include <stdint.h>
#include <sys/types.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/daemon_rec.h"
#include "vigil/privsep.h"

/* auditd's single/halt actions: /sbin/init LEVEL ("1" or "0"); only
 * logged when VIGIL_TEST_NO_LOCK is set (tests share the machine). */
void	vg_change_runlevel(const char *level);
/* auditd's exec action: exe with no arguments and an empty environment,
 * not waited for (reap: collect finished ones with waitpid; else the
 * caller ignores SIGCHLD). The program is checked first
 * (vg_adc_exec_check; refused: logged, -1 EPERM). 0 or -1. */
int	vg_auditlog_run_exe(const char *exe, int reap);
/*
 * For the privileged helper (src/privsep_helper.c), which reads what it
 * acts on itself. vg_auditlog_action_of: the action and program (*exe: caller
 * frees, NULL if none) the auditd.conf of an "auditd" spec names for key,
 * read now. vg_auditlog_file_of: the log file (*path: caller frees) and
 * log_group ((gid_t)-1 for 0: left as it is) of an "auditd" spec. 0, or
 * -1 with errno (EINVAL: another kind of output, a bad file).
 */
int	vg_auditlog_action_of(const char *spec, enum vg_priv_key key,
	    enum vg_adc_action *a, char **exe);
int	vg_auditlog_file_of(const char *spec, char **path, gid_t *group);
#endif
