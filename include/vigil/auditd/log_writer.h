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
 * returns the number of outputs that failed to reload), make sure the
 * DAEMON_END that follows is written (at the end). The DAEMON_* records
 * that tell of it are vigild's (vg_daemon_emit), after these. */
void	vg_auditlog_rotate_all(void);
void	vg_auditlog_resume_all(void);
int	vg_auditlog_reload_all(void);
void	vg_auditlog_stop_all(void);
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
