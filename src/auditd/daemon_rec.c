/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon_rec.c: vigild's own DAEMON_* records: their stamp, who asked,
 * and their text, worded as auditd 3.0.9 words them so ausearch -m
 * DAEMON_START etc. and aureport treat them alike. A record is made once
 * and handed to the pipeline (vg_daemon_emit), which gives it to the
 * outputs that take such records (the auditd log, the plugins) through
 * their ordinary ops, as auditd logs and dispatches one event. Never
 * writes anything itself.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/time.h>
#include <sys/utsname.h>

#include "vigil/auditd/daemon_rec.h"
#include "vigil/pipeline.h"

#define UNSET	4294967295u

static int enriched_format;	/* vg_daemon_set_format */

/* First unsigned number in /proc/<pid>/<file> after key (NULL: start). */
static int
proc_num(pid_t pid, const char *file, const char *key, uint32_t *out)
{
	char path[64], buf[2048], *p, *end;
	unsigned long v;
	ssize_t n;
	int fd;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = buf;
	if (key != NULL) {
		if ((p = strstr(buf, key)) == NULL)
			return -1;
		p += strlen(key);
		p += strspn(p, " \t");
	}
	v = strtoul(p, &end, 10);
	if (end == p)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/*
 * Called from the main thread only (outputs opening, signal handlers,
 * shutdown), so the sequence needs no lock.
 */
void
vg_daemon_stamp(enum vg_daemon_rec type, struct vg_daemon_stamp *st)
{
	static struct vg_daemon_stamp start;
	static uint32_t next;
	static int seeded, started;
	struct timeval tv;

	if (type == VG_DAEMON_START && started) {
		*st = start;
		return;
	}
	if (!seeded) {
		srand((unsigned)time(NULL) ^ (unsigned)getpid());
		next = (uint32_t)(rand() % 10000);
		seeded = 1;
	}
	gettimeofday(&tv, NULL);
	st->sec = (uint64_t)tv.tv_sec;
	st->msec = (uint32_t)(tv.tv_usec / 1000);
	st->serial = next++;
	if (type == VG_DAEMON_START) {
		start = *st;
		started = 1;
	}
}

void
vg_sender_subj(const char *path, char *buf, size_t len)
{
	char text[512];
	ssize_t n;
	size_t i;
	int fd;

	if (len == 0)
		return;
	buf[0] = '\0';
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	/* AppArmor: "unconfined\n", "/usr/sbin/x (enforce)\n"; SELinux:
	 * "system_u:system_r:auditd_t:s0\0" */
	for (i = 0; i < (size_t)n && text[i] > ' ' && text[i] < 0x7f; i++)
		;
	if (i == 0 || i >= len || (i < (size_t)n && text[i] != ' ' &&
	    text[i] != '\n' && text[i] != '\0'))
		return;
	memcpy(buf, text, i);
	buf[i] = '\0';
}

void
vg_sender_from_pid(pid_t pid, struct vg_sender *s)
{
	char path[64];

	s->auid = s->ses = UNSET;
	s->uid = 0;
	s->pid = pid > 0 ? (int32_t)pid : -1;
	s->subj[0] = '\0';
	if (pid <= 0)
		return;
	(void)proc_num(pid, "loginuid", NULL, &s->auid);
	(void)proc_num(pid, "sessionid", NULL, &s->ses);
	(void)proc_num(pid, "status", "\nUid:", &s->uid);
	snprintf(path, sizeof(path), "/proc/%d/attr/current", (int)pid);
	vg_sender_subj(path, s->subj, sizeof(s->subj));
}

void
vg_sender_self(struct vg_sender *s)
{
	s->auid = s->ses = UNSET;
	s->uid = (uint32_t)getuid();
	s->pid = (int32_t)getpid();
	(void)proc_num(0, "loginuid", NULL, &s->auid);
	(void)proc_num(0, "sessionid", NULL, &s->ses);
	vg_sender_subj("/proc/self/attr/current", s->subj, sizeof(s->subj));
}

/* " subj=LABEL" when s has a label (auditd: only with an LSM). */
static void
subj(struct vg_buf *b, const struct vg_sender *s)
{
	if (s->subj[0] != '\0')
		vg_buf_printf(b, " subj=%s", s->subj);
}

void
vg_daemon_body(struct vg_buf *b, enum vg_daemon_rec type,
    const struct vg_sender *s, const char *format, const char *reason)
{
	struct utsname u;

	switch (type) {
	case VG_DAEMON_START:
		if (uname(&u) == -1)
			snprintf(u.release, sizeof(u.release), "?");
		vg_buf_printf(b, "op=start ver=%s format=%s kernel=%s "
		    "auid=%u pid=%d uid=%u ses=%u", VIGIL_VERSION,
		    format, u.release, s->auid, (int)s->pid, s->uid, s->ses);
		break;
	case VG_DAEMON_END:
		vg_buf_printf(b, "op=terminate auid=%u uid=%u ses=%u pid=%d",
		    s->auid, s->uid, s->ses, (int)s->pid);
		break;
	case VG_DAEMON_ABORT:
		vg_buf_printf(b, "op=abort reason=\"%s\" auid=%u uid=%u ses=%u "
		    "pid=%d", reason ? reason : "?", s->auid, s->uid, s->ses,
		    (int)s->pid);
		break;
	case VG_DAEMON_CONFIG:
		vg_buf_printf(b, "op=reconfigure state=changed auid=%u uid=%u "
		    "ses=%u pid=%d", s->auid, s->uid, s->ses, (int)s->pid);
		break;
	case VG_DAEMON_ROTATE:
		vg_buf_printf(b, "op=rotate-logs auid=%u uid=%u ses=%u pid=%d",
		    s->auid, s->uid, s->ses, (int)s->pid);
		break;
	case VG_DAEMON_RESUME:
		vg_buf_printf(b, "op=resume-logging auid=%u uid=%u ses=%u "
		    "pid=%d", s->auid, s->uid, s->ses, (int)s->pid);
		break;
	default:
		return;
	}
	subj(b, s);
	vg_buf_printf(b, " res=%s", type == VG_DAEMON_ABORT ? "failed" :
	    "success");
}

void
vg_daemon_set_format(int enriched)
{
	enriched_format = enriched != 0;
}

void
vg_daemon_emit(struct vg_pipeline *pl, enum vg_daemon_rec type,
    const struct vg_sender *s, const char *reason)
{
	struct vg_daemon_stamp st;
	struct vg_sender self;
	struct vg_record rec;
	struct vg_buf body;

	if (s == NULL) {
		vg_sender_self(&self);
		s = &self;
	}
	vg_daemon_stamp(type, &st);
	vg_buf_init(&body);
	vg_daemon_body(&body, type, s, enriched_format ? "enriched" : "raw",
	    reason);
	if (!body.oom) {
		memset(&rec, 0, sizeof(rec));
		rec.type = (uint32_t)type;
		rec.sec = st.sec;
		rec.msec = st.msec;
		rec.serial = st.serial;
		rec.body = vg_str_make(body.data, body.len);
		rec.line = rec.body;
		vg_pipeline_daemon(pl, &rec);
	}
	vg_buf_free(&body);
}
