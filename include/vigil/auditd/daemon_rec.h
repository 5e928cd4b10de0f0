/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon_rec.h: vigild's own DAEMON_* records (src/auditd/daemon_rec.c):
 * their stamp (time and serial), who asked, and their text as auditd
 * 3.0.9 words it.
 */
#ifndef VIGIL_AUDITD_DAEMON_REC_H
#define VIGIL_AUDITD_DAEMON_REC_H

#include <stdint.h>
#include <sys/types.h>

#include "vigil/buf.h"
#include "vigil/rectype.h"

struct vg_pipeline;

/* Who asked (from AUDIT_SIGNAL_INFO, or /proc for a known pid). */
struct vg_sender {
	uint32_t	auid;	/* 4294967295 = unset */
	uint32_t	uid;
	uint32_t	ses;
	int32_t		pid;	/* -1 if unknown */
	char		subj[256];	/* LSM label; "" without an LSM */
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
 * The LSM label in path (/proc/PID/attr/current) as records give it
 * (subj=): its first word, into buf; "" when there is none (no LSM: the
 * read fails) or it is not one word of printable text.
 */
void	vg_sender_subj(const char *path, char *buf, size_t len);
/*
 * Body text of a DAEMON_* record as auditd 3.0.9 writes it, appended to b
 * (no header, no newline): subj= before res= when the sender has a label.
 * format: "raw" or "enriched"; reason: for ABORT only (may be NULL).
 */
void	vg_daemon_body(struct vg_buf *b, enum vg_daemon_rec,
	    const struct vg_sender *, const char *format, const char *reason);

/*
 * The log format DAEMON_START names ("format=raw|enriched"): auditd has
 * one, its auditd.conf's log_format; vigild takes that of the auditd.conf
 * its auditd log or plugins read last (at open and on SIGHUP). Raw until
 * set.
 */
void	vg_daemon_set_format(int enriched);
/*
 * Makes one DAEMON_* record (stamp now, body as above; sender NULL:
 * vigild itself; reason: for DAEMON_ABORT) and hands it to every output
 * that takes such records (vg_pipeline_daemon). Main thread only.
 */
void	vg_daemon_emit(struct vg_pipeline *, enum vg_daemon_rec,
	    const struct vg_sender *, const char *reason);

#endif
