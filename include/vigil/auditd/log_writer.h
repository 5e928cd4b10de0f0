/*
 * log_writer.h: the auditd-compatible log writer (src/auditd/log_writer.c)
 * and vigild's own DAEMON_* records (src/auditd/daemon_rec.c). Outputs:
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
#include "vigil/buf.h"
#include "vigil/privsep.h"
#include "vigil/rectype.h"

/* auditd 3.0.9's format_raw keeps at most this many bytes of a log line,
 * before any enrichment (MAX_AUDIT_MESSAGE_LENGTH 8970 - 32 - NUL; with a
 * node name its 9225-byte buffer - 32 - NUL); the rest of a longer record
 * is cut off. The plugins' copy of a log line is cut the same way. */
#define VG_AUDITLOG_LINE_MAX		8937
#define VG_AUDITLOG_LINE_MAX_NODE	9192

/* Who asked (from AUDIT_SIGNAL_INFO, or /proc for a known pid). */
struct vg_sender {
	uint32_t	auid;	/* 4294967295 = unset */
	uint32_t	uid;
	uint32_t	ses;
	int32_t		pid;	/* -1 if unknown */
};

enum vg_daemon_rec {
	VG_DAEMON_START = VG_T_DAEMON_START,
	VG_DAEMON_END = VG_T_DAEMON_END,
	VG_DAEMON_ABORT = VG_T_DAEMON_ABORT,
	VG_DAEMON_CONFIG = VG_T_DAEMON_CONFIG,
	VG_DAEMON_ROTATE = VG_T_DAEMON_ROTATE,
	VG_DAEMON_RESUME = VG_T_DAEMON_RESUME,
};

/* When, and which serial: one DAEMON_* record has one stamp, the same in
 * the log and for the plugins (auditd hands one event to both). */
struct vg_daemon_stamp {
	uint64_t	sec;
	uint32_t	msec;
	uint32_t	serial;
};

/* Now, and the next serial of vigild's DAEMON_* records (one sequence per
 * process from a random start below 10000, as auditd). VG_DAEMON_START:
 * the same stamp on every call (there is one start). */
void	vg_daemon_stamp(enum vg_daemon_rec, struct vg_daemon_stamp *);

/* Sender identity of a process from /proc (auid, uid, ses); pid -1 or a
 * vanished process gives unset values. */
void	vg_sender_from_pid(pid_t, struct vg_sender *);
/* Sender identity of vigild itself. */
void	vg_sender_self(struct vg_sender *);
/*
 * Body text of a DAEMON_* record as auditd 3.0.9 writes it, appended to b
 * (no header, no newline). format: "raw" or "enriched"; reason: for
 * ABORT only (may be NULL).
 */
void	vg_daemon_body(struct vg_buf *b, enum vg_daemon_rec,
	    const struct vg_sender *, const char *format, const char *reason);

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
