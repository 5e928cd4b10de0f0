/*
 * log_writer.h: the auditd-compatible log writer (src/auditd/log_writer.c).
 * Outputs:
 *	auditd:CONF	log_file, format, rotation, flush and space actions
 *			from an auditd.conf (the drop-in log)
 *	enriched:PATH	ENRICHED lines to PATH ("-" = stdout), no rotation
 * Signals reach every open auditd output through the vg_auditlog_*_all()
 * calls (vigild's SIGUSR1/SIGUSR2/SIGHUP handlers).
 */
#ifndef VIGIL_AUDITD_LOG_WRITER_H
#define VIGIL_AUDITD_LOG_WRITER_H

#include <stdint.h>
#include <sys/types.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/daemon_rec.h"
#include "vigil/privsep.h"

/* Every open auditd output: rotate now (SIGUSR1), resume after a suspend
 * (SIGUSR2), reload auditd.conf keeping the old one on error (SIGHUP;
 * returns the number of outputs that failed to reload). */
void	vg_auditlog_rotate_all(const struct vg_sender *);
void	vg_auditlog_resume_all(const struct vg_sender *);
int	vg_auditlog_reload_all(const struct vg_sender *);
/* Writes DAEMON_END (or DAEMON_ABORT if reason != NULL) to every open
 * auditd output; called once before the outputs close. */
void	vg_auditlog_stop_all(const struct vg_sender *, const char *reason);
/* auditd's single/halt actions: /sbin/init LEVEL ("1" or "0"); only
 * logged when VIGIL_TEST_NO_LOCK is set (tests share the machine). */
void	vg_change_runlevel(const char *level);
/* auditd's exec action: exe with no arguments and an empty environment,
 * not waited for (reap: collect finished ones with waitpid; else the
 * caller ignores SIGCHLD). The program is checked first
 * (vg_adc_exec_check; refused: logged, -1 EPERM). 0 or -1. */
int	vg_auditlog_run_exe(const char *exe, int reap);
/*
 * For the privileged helper (src/privsep.c), which reads what it acts on
 * itself. vg_auditlog_action_of: the action and program (*exe: caller
 * frees, NULL if none) the auditd.conf of an "auditd" spec names for key,
 * read now. vg_auditlog_file_of: the log file (*path: caller frees) and
 * log_group ((gid_t)-1 for 0: left as it is) of an "auditd" spec. 0, or
 * -1 with errno (EINVAL: another kind of output, a bad file).
 */
int	vg_auditlog_action_of(const char *spec, enum vg_priv_key key,
	    enum vg_adc_action *a, char **exe);
int	vg_auditlog_file_of(const char *spec, char **path, gid_t *group);
/* State of every auditd output to fd (SIGCONT). */
void	vg_auditlog_dump_all(int fd);

#endif
