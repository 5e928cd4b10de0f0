/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log_writer.c (outputs auditd:, enriched:): the auditd-compatible log:
 * RAW or ENRICHED lines as auditd 3.0.9 writes them, rotation by size
 * (num_logs, keep_logs), flush modes, file modes with log_group (the
 * log directory's and the rotated logs' set at start and reload, as
 * auditd does), space_left/admin_space_left/disk_full/disk_error actions, suspend and resume. Like auditd, every record is
 * written as it arrives, in arrival order, never held for grouping (the
 * record op; events only when a filter works on this output's events).
 * The records of one receive batch are one write(2) (at the pipeline's
 * flush, or BATCH_BYTES), so a failed write loses no earlier record and
 * is seen at once. Never writes a control byte from a record raw
 * (docs/dropin.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <sys/wait.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/run_action.h"
#include "vigil/auditd/enrich.h"
#include "vigil/auditd/log_writer.h"
#include "vigil/auditd/logline.h"
#include "vigil/dropbehind.h"
#include "vigil/log.h"
#include "vigil/outfile.h"
#include "vigil/output.h"
#include "vigil/privsep.h"
#include "vigil/rectype.h"
#include "vigil/tables.h"

#define MIB		(1024UL * 1024)
#define MAX_SENDER_WARN	5	/* disk_error syslog: at most 5 in a row */
#define BATCH_BYTES	(64 * 1024)	/* written before the flush beyond */

struct alog {
	struct vg_auditd_conf	 conf;
	char			*conf_path;	/* NULL for enriched:PATH */
	int			 to_stdout;
	int			 fd;
	off_t			 size;
	char			 node[256];
	struct vg_enrich	*enrich;
	struct vg_buf		 buf;
	unsigned		 nbuf;		/* records in buf, not written */
	uint64_t		 count;		/* records, for flush freq */
	unsigned long		 space_left_mb, admin_space_left_mb;
	int			 suspended;
	int			 space_warned, admin_warned, full, disk_errs;
	unsigned		 last_log;	/* keep_logs scan start */
	uint64_t		 dropped;	/* records not written */
	struct vg_dropbehind	 db;	/* window: the drop_behind option */
	struct vg_output	*out;
};


static void	do_action(struct alog *, enum vg_priv_key, const char *what);
static void	rotate(struct alog *, unsigned num_logs);
static int	write_out(struct alog *);

/* One log line for one record, as auditd's log writer makes it
 * (auditd/logline.c): a newline in the text becomes a space (any other
 * control byte \xHH, where auditd writes it raw), a line too long for
 * auditd's buffer is cut (only replayed or forged input: the kernel's
 * fit), one trailing space is trimmed, names resolved for ENRICHED. */
static void
add_line(struct alog *l, const struct vg_logrec *rec)
{
	struct vg_logline ll = { VG_LL_NL_SPACE | VG_LL_CUT_LINE |
	    VG_LL_TRIM | VG_LL_NEWLINE, VG_STR_NULL, l->enrich };

	if (l->conf.log_format == VG_ADC_ENRICHED)
		ll.flags |= VG_LL_ENRICH;
	if (l->node[0] != '\0')
		ll.node = vg_str_make(l->node, strlen(l->node));
	vg_logline(&l->buf, &ll, rec);
}

static mode_t
log_mode(const struct alog *l)
{
	return l->conf.log_group ? 0640 : 0600;
}

static int
open_log(struct alog *l)
{
	struct stat st;
	char msg[512];
	int flags = 0;

	if (l->to_stdout) {
		l->fd = STDOUT_FILENO;
		return 0;
	}
	if (!l->conf.write_logs) {
		l->fd = -1;
		return 0;
	}
	if (l->conf.flush == VG_ADC_FLUSH_DATA)
		flags |= O_DSYNC;
	else if (l->conf.flush == VG_ADC_FLUSH_SYNC)
		flags |= O_SYNC;
	/* no link, vigild's own file, mode (and log_group) set even on a
	 * file that was there; with log_group 0 the mode has no group bits */
	l->fd = vg_logfile_open(l->conf.log_file, flags, log_mode(l),
	    l->conf.log_group ? l->conf.log_group : (gid_t)-1, msg,
	    sizeof(msg));
	if (l->fd == -1) {
		int e = errno;

		vg_log_warnx("cannot open log %s", msg);
		errno = e;
		return -1;
	}
	if (fstat(l->fd, &st) == 0)
		l->size = st.st_size;
	vg_dropbehind_reopen(&l->db, l->fd);
	return 0;
}

static void
close_log(struct alog *l)
{
	if (l->fd >= 0 && !l->to_stdout)
		close(l->fd);
	l->fd = -1;
}

/*
 * Gives path the mode (and group, unless (gid_t)-1) if it is a what
 * (S_IFDIR, S_IFREG) of vigild's own, as vg_logfile_open wants its logs.
 * A file is never reached through a link (a directory may be one, as
 * the log's directory is when the log is opened); a sticky directory is
 * shared (/tmp), not a log directory: left as it is. 0, or -1 with
 * errno (ENOENT: not there; EPERM: not vigild's, or not a what).
 */
static int
set_perm(const char *path, mode_t what, mode_t mode, gid_t group)
{
	struct stat st;
	int fd, e, rc = -1;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
	    (what == S_IFDIR ? O_DIRECTORY : O_NOFOLLOW));
	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1)
		goto out;
	errno = EPERM;
	if ((st.st_mode & S_IFMT) != what)
		goto out;
	if (what == S_IFDIR && (st.st_mode & S_ISVTX))
		rc = 0;
	else if (st.st_uid == geteuid() && (group == (gid_t)-1 ||
	    st.st_gid == group || vg_logfile_group(path, fd, group) == 0) &&
	    fchmod(fd, mode) == 0)
		rc = 0;
out:
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

/* Thresholds in MiB; percentages of the log file system's size. */
static void
compute_space(struct alog *l)
{
	struct statfs fs;
	unsigned long total_mb = 0;

	if (l->fd >= 0 && fstatfs(l->fd, &fs) == 0)
		total_mb = (unsigned long)((fs.f_blocks * (uint64_t)fs.f_bsize)
		    / MIB);
	l->space_left_mb = l->conf.space_left.percent ?
	    total_mb * l->conf.space_left.value / 100 :
	    l->conf.space_left.value;
	l->admin_space_left_mb = l->conf.admin_space_left.percent ?
	    total_mb * l->conf.admin_space_left.value / 100 :
	    l->conf.admin_space_left.value;
}

/* The action and program auditd.conf names for key. */
static void
conf_action(const struct vg_auditd_conf *c, enum vg_priv_key key,
    enum vg_adc_action *a, const char **exe)
{
	switch (key) {
	case VG_PRIV_SPACE_LEFT:
		*a = c->space_left_action;
		*exe = c->space_left_exe;
		break;
	case VG_PRIV_ADMIN_SPACE_LEFT:
		*a = c->admin_space_left_action;
		*exe = c->admin_space_left_exe;
		break;
	case VG_PRIV_DISK_FULL:
		*a = c->disk_full_action;
		*exe = c->disk_full_exe;
		break;
	case VG_PRIV_DISK_ERROR:
		*a = c->disk_error_action;
		*exe = c->disk_error_exe;
		break;
	case VG_PRIV_MAX_LOG_FILE:
		*a = c->max_log_file_action;
		*exe = c->max_log_file_exe;
		break;
	default:
		*a = VG_ADC_IGNORE;
		*exe = NULL;
		break;
	}
}

/* The helper runs programs and changes the run level as root with every
 * capability, as auditd does (docs/security.md); without one (tests,
 * tools), this process does. 0, or -1 (not done; the reason logged by
 * whoever refused, errno). */
static int
privileged(struct alog *l, enum vg_priv_key key, enum vg_adc_action a,
    const char *exe)
{
	if (vg_privsep_active())
		return vg_privsep_action(l->out->spec, key);
	if (a == VG_ADC_EXEC)
		return vg_auditlog_run_exe(exe, 1);
	vg_change_runlevel(a == VG_ADC_HALT ? "0" : "1");
	return 0;
}

static void
do_action(struct alog *l, enum vg_priv_key key, const char *what)
{
	enum vg_adc_action a;
	const char *exe;

	conf_action(&l->conf, key, &a, &exe);
	switch (a) {
	case VG_ADC_IGNORE:
		break;
	case VG_ADC_SYSLOG:
	case VG_ADC_EMAIL:	/* no mail: said loudly instead */
		vg_log_warnx("audit log %s: %s", l->conf.log_file, what);
		break;
	case VG_ADC_ROTATE:
		vg_log_warnx("audit log %s: %s: rotating", l->conf.log_file,
		    what);
		rotate(l, 0);
		break;
	case VG_ADC_KEEP_LOGS:
		vg_log_warnx("audit log %s: %s: rotating (keep_logs)",
		    l->conf.log_file, what);
		rotate(l, (unsigned)-1);
		break;
	case VG_ADC_EXEC:
		/* as auditd: the log is closed (the program may move or
		 * compress it) and logging suspended until SIGUSR2 */
		close_log(l);
		l->suspended = 1;
		if (privileged(l, key, a, exe) == 0)
			vg_log_warnx("audit log %s: %s: running %s, logging "
			    "suspended (SIGUSR2 resumes)", l->conf.log_file,
			    what, exe ? exe : "?");
		else
			vg_log_warn("audit log %s: %s: not running %s",
			    l->conf.log_file, what, exe ? exe : "?");
		break;
	case VG_ADC_SUSPEND:
		vg_log_warnx("audit log %s: %s: suspending logging (SIGUSR2 "
		    "resumes)", l->conf.log_file, what);
		l->suspended = 1;
		break;
	case VG_ADC_SINGLE:
		vg_log_warnx("audit log %s: %s: single user mode",
		    l->conf.log_file, what);
		if (privileged(l, key, a, exe) == -1)
			vg_log_warn("audit log %s: %s", l->conf.log_file,
			    vg_adc_action_name(a));
		break;
	case VG_ADC_HALT:
		vg_log_warnx("audit log %s: %s: halting", l->conf.log_file,
		    what);
		if (privileged(l, key, a, exe) == -1)
			vg_log_warn("audit log %s: %s", l->conf.log_file,
			    vg_adc_action_name(a));
		break;
	}
}

static void
disk_error(struct alog *l, const char *op, int err)
{
	char what[160];

	if (l->conf.disk_error_action == VG_ADC_SYSLOG &&
	    l->disk_errs >= MAX_SENDER_WARN)
		return;
	l->disk_errs++;
	snprintf(what, sizeof(what), "%s: error writing an event to disk "
	    "(%s)", op, strerror(err));
	do_action(l, VG_PRIV_DISK_ERROR, what);
}

static void
disk_full(struct alog *l)
{
	if (l->full)
		return;
	l->full = 1;
	do_action(l, VG_PRIV_DISK_FULL,
	    "no space left on the logging partition");
}

/* auditd's space check: full below 5 free blocks, then the two levels;
 * a level re-arms only if its action is syslog (as auditd). */
static void
check_space(struct alog *l)
{
	struct statfs fs;
	uint64_t avail_mb;

	if (l->fd < 0 || l->to_stdout || fstatfs(l->fd, &fs) == -1)
		return;
	if (fs.f_bavail < 5) {
		disk_full(l);
		return;
	}
	avail_mb = fs.f_bavail * (uint64_t)fs.f_bsize / MIB;
	if (l->space_left_mb && avail_mb < l->space_left_mb) {
		if (!l->space_warned) {
			l->space_warned = 1;
			do_action(l, VG_PRIV_SPACE_LEFT,
			    "low on disk space (space_left)");
		}
	} else if (l->space_warned &&
	    l->conf.space_left_action == VG_ADC_SYSLOG)
		l->space_warned = 0;
	if (l->admin_space_left_mb && avail_mb < l->admin_space_left_mb) {
		if (!l->admin_warned) {
			l->admin_warned = 1;
			do_action(l, VG_PRIV_ADMIN_SPACE_LEFT,
			    "very low on disk space (admin_space_left)");
		}
	} else if (l->admin_warned &&
	    l->conf.admin_space_left_action == VG_ADC_SYSLOG)
		l->admin_warned = 0;
}

static void
check_size(struct alog *l)
{
	if (l->to_stdout || l->conf.max_log_file == 0 ||
	    (unsigned long)(l->size / (off_t)MIB) < l->conf.max_log_file)
		return;
	switch (l->conf.max_log_file_action) {
	case VG_ADC_ROTATE:
		if (l->conf.num_logs > 1)
			rotate(l, 0);
		break;
	case VG_ADC_KEEP_LOGS:
		rotate(l, (unsigned)-1);
		break;
	case VG_ADC_IGNORE:
		break;
	default:
		do_action(l, VG_PRIV_MAX_LOG_FILE,
		    "log file reached max_log_file");
		break;
	}
}

static void
name_n(char *buf, size_t len, const char *base, unsigned n)
{
	snprintf(buf, len, "%s.%u", base, n);
}

/*
 * auditd's permissions at start and reload, on what a run before (or
 * someone) left: the log directory 0700, or 0750 and group log_group;
 * log.1 ... log.(num_logs - 1) 0400 or 0440 up to the first one missing.
 * The log itself gets its mode at every open. Unlike auditd, only
 * vigild's own directory is changed (its owner is left as it is), and
 * neither / nor a sticky directory (/tmp) is made private.
 */
static void
fix_permissions(struct alog *l)
{
	char name[4096];
	const char *f = l->conf.log_file, *slash = strrchr(f, '/');
	gid_t g = l->conf.log_group ? l->conf.log_group : (gid_t)-1;
	unsigned i;

	if (slash != NULL && slash > f) {
		snprintf(name, sizeof(name), "%.*s", (int)(slash - f), f);
		/* missing: open_log() says so */
		if (set_perm(name, S_IFDIR, g != (gid_t)-1 ? 0750 : 0700,
		    g) == -1 && errno != ENOENT)
			vg_log_warn("audit log directory %s: cannot set mode "
			    "%s", name, g != (gid_t)-1 ? "0750 and group" :
			    "0700");
	}
	for (i = 1; i < l->conf.num_logs; i++) {
		name_n(name, sizeof(name), f, i);
		if (set_perm(name, S_IFREG, g != (gid_t)-1 ? 0440 : 0400,
		    (gid_t)-1) == 0)
			continue;
		if (errno == ENOENT)
			break;
		vg_log_warn("audit log %s: cannot set mode %s", name,
		    g != (gid_t)-1 ? "0440" : "0400");
	}
}

/* Old logs past num_logs go at start (rotate action only, as auditd). */
static void
remove_excess(struct alog *l)
{
	char name[4096];
	unsigned i;

	if (l->to_stdout || l->conf.max_log_file_action != VG_ADC_ROTATE ||
	    l->conf.num_logs < 2)
		return;
	for (i = l->conf.num_logs;; i++) {
		name_n(name, sizeof(name), l->conf.log_file, i);
		if (unlink(name) == -1)
			break;
		vg_log_info("removed %s: beyond num_logs", name);
	}
}

/*
 * Rotation as auditd: log.N-1 -> log.N ... log -> log.1, reopen.
 * num_logs 0: conf.num_logs; (unsigned)-1: keep_logs (first free number).
 */
static void
rotate(struct alog *l, unsigned num_logs)
{
	char from[4096], to[4096];
	unsigned i;

	if (l->to_stdout || !l->conf.write_logs)
		return;
	(void)write_out(l);	/* what came before goes to the old file */
	if (num_logs == (unsigned)-1) {
		for (i = l->last_log ? l->last_log : 1;; i++) {
			name_n(from, sizeof(from), l->conf.log_file, i);
			if (access(from, F_OK) != 0)
				break;
		}
		l->last_log = i;
		num_logs = i + 1;
	} else if (num_logs == 0) {
		num_logs = l->conf.num_logs;
		if (num_logs < 2) {
			vg_log_info("log rotation disabled (num_logs < 2)");
			return;
		}
	}
	if (l->fd >= 0) {
		(void)fchmod(l->fd, l->conf.log_group ? 0440 : 0400);
		close_log(l);
	}
	for (i = num_logs - 1; i > 1; i--) {
		name_n(from, sizeof(from), l->conf.log_file, i - 1);
		name_n(to, sizeof(to), l->conf.log_file, i);
		if (rename(from, to) == -1 && errno != ENOENT) {
			vg_log_warn("rotate %s -> %s", from, to);
			errno == ENOSPC ? disk_full(l) :
			    disk_error(l, "rotate", errno);
		}
	}
	name_n(to, sizeof(to), l->conf.log_file, 1);
	if (rename(l->conf.log_file, to) == -1 && errno != ENOENT) {
		vg_log_warn("rotate %s -> %s", l->conf.log_file, to);
		disk_error(l, "rotate2", errno);
		(void)chmod(l->conf.log_file, log_mode(l));
	}
	l->size = 0;
	if (open_log(l) == -1) {
		l->suspended = 1;
		disk_error(l, "reopen", errno);
	}
}

/* Writes and clears l->buf (l->nbuf records); returns 0 or -1 (the
 * records lost, counted). */
/*
 * After a write that failed part way: the last whole line written is
 * where the file ends (a cut line taken back, so the next batch does not
 * glue onto it); returns the bytes of buf kept and leaves in *nrecs the
 * records of buf not written.
 */
static size_t
cut_torn(struct alog *l, size_t off, unsigned *nrecs)
{
	struct stat st;
	size_t keep = off, i;
	unsigned lines = 0;

	while (keep > 0 && l->buf.data[keep - 1] != '\n')
		keep--;
	if (keep < off && (l->to_stdout || fstat(l->fd, &st) == -1 ||
	    st.st_size < (off_t)(off - keep) ||
	    ftruncate(l->fd, st.st_size - (off_t)(off - keep)) == -1)) {
		vg_log_warn("audit log %s: a cut line stays at its end",
		    l->to_stdout ? "(stdout)" : l->conf.log_file);
		return off;
	}
	for (i = 0; i < keep; i++)
		if (l->buf.data[i] == '\n')
			lines++;
	*nrecs = lines < *nrecs ? *nrecs - lines : 0;
	return keep;
}

static int
write_out(struct alog *l)
{
	unsigned nrecs = l->nbuf;
	size_t off = 0;
	ssize_t n;
	int rc = 0, err = 0;

	l->nbuf = 0;
	if (l->buf.oom) {
		vg_buf_reset(&l->buf);
		l->buf.oom = 0;
		l->dropped += nrecs;
		errno = ENOMEM;
		return -1;
	}
	if (l->buf.len == 0)
		return 0;
	if (l->suspended || l->fd < 0) {
		vg_buf_reset(&l->buf);
		if (l->suspended)
			l->dropped += nrecs;
		return l->suspended ? -1 : 0;
	}
	while (off < l->buf.len) {
		n = write(l->fd, l->buf.data + off, l->buf.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err = errno;
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	if (rc == -1)
		off = cut_torn(l, off, &nrecs);
	l->size += (off_t)off;
	vg_dropbehind_wrote(&l->db, l->fd, off);	/* off for stdout */
	vg_buf_reset(&l->buf);
	if (rc == -1) {
		/* the batch is accounted for before an action runs: a
		 * rotate writes what is buffered, and nothing is now */
		l->dropped += nrecs;
		if (err == ENOSPC)
			disk_full(l);
		else
			disk_error(l, "write", err);
		errno = err;
		return -1;
	}
	l->disk_errs = 0;
	l->full = 0;
	if (l->to_stdout)
		return 0;
	if ((l->conf.flush == VG_ADC_FLUSH_INCREMENTAL ||
	    l->conf.flush == VG_ADC_FLUSH_INCREMENTAL_ASYNC) && l->conf.freq &&
	    (l->count / l->conf.freq) != ((l->count + nrecs) / l->conf.freq)) {
		if (l->conf.flush == VG_ADC_FLUSH_INCREMENTAL) {
			if (fsync(l->fd) == -1)
				disk_error(l, "fsync", errno);
		} else	/* start write-back, do not wait (auditd uses a
			 * thread for the same effect) */
			(void)sync_file_range(l->fd, 0, 0,
			    SYNC_FILE_RANGE_WRITE);
	}
	l->count += nrecs;
	check_size(l);
	check_space(l);
	return 0;
}

/* Applies c (already loaded) to l; takes ownership of c. */
static int
apply_conf(struct alog *l, struct vg_auditd_conf *c)
{
	vg_auditd_conf_free(&l->conf);
	l->conf = *c;
	memset(c, 0, sizeof(*c));
	vg_daemon_set_format(l->conf.log_format == VG_ADC_ENRICHED);
	if (vg_auditd_conf_node_name(&l->conf, l->node, sizeof(l->node)) ==
	    -1 && l->conf.name_format == VG_ADC_NODE_USER)
		return -1;
	(void)write_out(l);
	close_log(l);
	if (!l->to_stdout && l->conf.write_logs)
		fix_permissions(l);
	if (open_log(l) == -1)
		return -1;
	compute_space(l);
	l->suspended = 0;
	l->space_warned = l->admin_warned = l->full = 0;
	remove_excess(l);
	check_size(l);
	check_space(l);
	return 0;
}

static int
open_common(struct vg_output *o, struct alog *l)
{
	size_t window;

	vg_buf_init(&l->buf);
	l->fd = -1;	/* before any failure: free_alog() closes it */
	l->last_log = 1;
	l->out = o;
	if (vg_dropbehind_opt(o, &window) == -1)
		return -1;
	/* the window only: open_log() starts it on each file it opens */
	vg_dropbehind_init(&l->db, -1, window);
	if ((l->enrich = vg_enrich_new(NULL)) == NULL)
		return -1;
	o->priv = l;
	return 0;
}

static void
free_alog(struct alog *l)
{
	if (l == NULL)
		return;
	(void)write_out(l);
	if (l->fd >= 0 && !l->to_stdout && l->conf.flush != VG_ADC_FLUSH_NONE)
		(void)fsync(l->fd);
	close_log(l);
	vg_enrich_free(l->enrich);
	vg_buf_free(&l->buf);
	vg_auditd_conf_free(&l->conf);
	free(l->conf_path);
	free(l);
}

static int
auditd_open(struct vg_output *o, const char *arg)
{
	struct vg_auditd_conf c;
	struct vg_err err;
	struct alog *l;
	int rc;

	if (arg == NULL || *arg == '\0')
		arg = VG_AUDITD_CONF_DEFAULT;
	vg_auditd_conf_defaults(&c);
	if ((rc = vg_auditd_conf_load(&c, arg, &err)) != 0) {
		if (rc == -1)
			vg_log_warnx("%s: %s", arg, err.msg);
		vg_auditd_conf_free(&c);
		errno = EINVAL;
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->conf_path = strdup(arg)) == NULL || open_common(o, l) == -1) {
		vg_auditd_conf_free(&c);
		free_alog(l);
		return -1;
	}
	vg_auditd_conf_defaults(&l->conf);
	if (apply_conf(l, &c) == -1) {
		free_alog(l);
		o->priv = NULL;
		return -1;
	}
	return 0;
}

static int
enriched_open(struct vg_output *o, const char *arg)
{
	struct alog *l;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -1;
	if (open_common(o, l) == -1) {
		free_alog(l);
		return -1;
	}
	vg_auditd_conf_defaults(&l->conf);
	l->conf.log_format = VG_ADC_ENRICHED;
	l->conf.disk_error_action = VG_ADC_SYSLOG;
	if (strcmp(arg, "-") == 0)
		l->to_stdout = 1;
	else {
		free(l->conf.log_file);
		if ((l->conf.log_file = strdup(arg)) == NULL) {
			free_alog(l);
			return -1;
		}
	}
	if (open_log(l) == -1) {
		free_alog(l);
		o->priv = NULL;
		return -1;
	}
	return 0;
}

static int
alog_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct alog *l = o->priv;
	size_t i;
	unsigned n = 0;

	(void)doc;
	if (l->suspended) {
		l->dropped++;
		o->stats.dropped++;
		return 0;
	}
	for (i = 0; i < ev->nrecs; i++) {
		const struct vg_erec *r = &ev->recs[i];

		struct vg_logrec rec;

		if (r->type == VG_T_EOE) /* auditd 3.0.9 does not log EOE */
			continue;
		rec = vg_logrec_of_event(ev, r);
		add_line(l, &rec);
		n++;
	}
	if (n == 0)
		return 0;
	l->nbuf += n;
	return write_out(l);
}

/* One record as it arrives; written with the others of its receive
 * batch at the flush that ends the batch. */
static int
alog_record(struct vg_output *o, const struct vg_record *r)
{
	struct alog *l = o->priv;
	struct vg_logrec rec;

	if (r->type == VG_T_EOE)	/* auditd 3.0.9 does not log EOE */
		return 1;
	if (l->suspended) {
		l->dropped++;
		o->stats.dropped++;
		return 1;
	}
	rec = vg_logrec_of_record(r);
	add_line(l, &rec);
	l->nbuf++;
	return l->buf.len >= BATCH_BYTES ? write_out(l) : 0;
}

/* Writes what the batch left; syncing follows flush/freq. */
static int
alog_flush(struct vg_output *o)
{
	return write_out(o->priv);
}

/* reopen (outside rotation, e.g. logrotate): same file name again. */
static int
alog_reopen(struct vg_output *o)
{
	struct alog *l = o->priv;

	if (l->to_stdout)
		return 0;
	(void)write_out(l);
	close_log(l);
	return open_log(l);
}

static void
alog_close(struct vg_output *o)
{
	struct alog *l = o->priv;

	if (l == NULL)
		return;
	if (l->dropped)
		vg_log_warnx("audit log %s: %llu records not written "
		    "(suspended or write errors)", l->conf.log_file ?
		    l->conf.log_file : "-", (unsigned long long)l->dropped);
	free_alog(l);
	o->priv = NULL;
}

/*
 * Signals (ops, vg_pipeline_signal). The DAEMON_* record that says so is
 * not written here: vigild makes it once (vg_daemon_emit) after the ops
 * have run, and the pipeline gives it to this output's record op and to
 * the plugins (a rotated log gets it in its new file).
 */
static void
alog_rotate(struct vg_output *o, struct vg_output_signal *sig)
{
	struct alog *l = o->priv;

	(void)sig;
	if (l->conf.max_log_file_action == VG_ADC_KEEP_LOGS)
		rotate(l, (unsigned)-1);
	else
		rotate(l, 0);
}

static void
alog_resume(struct vg_output *o, struct vg_output_signal *sig)
{
	struct alog *l = o->priv;

	(void)sig;
	vg_log_info("audit log %s: resuming logging", l->conf.log_file);
	l->suspended = 0;
	l->space_warned = l->admin_warned = l->full = 0;
	l->disk_errs = 0;
	close_log(l);
	if (open_log(l) == -1) {
		l->suspended = 1;
		disk_error(l, "resume", errno);
		return;
	}
	check_size(l);
}

/* auditd.conf again; the old one kept on error (counted in sig->failed:
 * no DAEMON_CONFIG then, as auditd logs none for a failed reload) */
static void
alog_reload(struct vg_output *o, struct vg_output_signal *sig)
{
	struct alog *l = o->priv;
	struct vg_auditd_conf c, old;
	struct vg_err err;
	int rc;

	vg_auditd_conf_defaults(&c);
	if ((rc = vg_auditd_conf_load(&c, l->conf_path, &err)) != 0) {
		vg_log_warnx("%s: %s; keeping the running configuration",
		    l->conf_path, rc == -1 ? err.msg : "errors");
		vg_auditd_conf_free(&c);
		sig->failed++;
		return;
	}
	if (vg_auditd_conf_copy(&old, &l->conf) == -1) {
		vg_auditd_conf_free(&c);
		sig->failed++;
		return;
	}
	if (apply_conf(l, &c) == -1) {
		vg_log_warnx("%s: cannot apply; keeping the running "
		    "configuration", l->conf_path);
		(void)apply_conf(l, &old);
		sig->failed++;
		return;
	}
	vg_auditd_conf_free(&old);
}

/* the DAEMON_END that follows is always recorded if possible */
static void
alog_stop(struct vg_output *o, struct vg_output_signal *sig)
{
	struct alog *l = o->priv;

	(void)sig;
	l->suspended = 0;
}

static void
alog_dump(struct vg_output *o, int fd)
{
	struct alog *l = o->priv;

	vg_log_dump(fd, "auditd log %s: size=%lld suspended=%d "
	    "space_left_warned=%d admin_warned=%d disk_full=%d "
	    "disk_errors=%d dropped=%llu", l->conf.log_file,
	    (long long)l->size, l->suspended, l->space_warned,
	    l->admin_warned, l->full, l->disk_errs,
	    (unsigned long long)l->dropped);
}

/* ---- for the privileged helper ---- */

extern const struct vg_output_ops vg_output_auditd, vg_output_enriched;

/* spec's ARG and whether it names an auditd: output (else enriched:). */
static int
spec_arg(const char *spec, char **arg, int *is_auditd)
{
	struct vg_output o;

	if (vg_output_parse(spec, &o, arg) == -1)
		return -1;
	*is_auditd = strcmp(o.ops->name, vg_output_auditd.name) == 0;
	if (!*is_auditd && strcmp(o.ops->name, vg_output_enriched.name) != 0) {
		vg_output_unparse(&o);
		free(*arg);
		*arg = NULL;
		errno = EINVAL;
		return -1;
	}
	vg_output_unparse(&o);
	return 0;
}

/* The auditd.conf of an auditd: spec, as auditd_open reads it. */
static int
spec_conf(const char *spec, struct vg_auditd_conf *c)
{
	struct vg_err err;
	char *arg;
	int is_auditd, rc;

	vg_auditd_conf_defaults(c);
	if (spec_arg(spec, &arg, &is_auditd) == -1)
		return -1;
	if (!is_auditd) {
		free(arg);
		errno = EINVAL;
		return -1;
	}
	rc = vg_auditd_conf_load(c, arg[0] ? arg : VG_AUDITD_CONF_DEFAULT,
	    &err);
	if (rc != 0) {
		if (rc == -1)
			vg_log_warnx("%s: %s", arg[0] ? arg :
			    VG_AUDITD_CONF_DEFAULT, err.msg);
		free(arg);
		vg_auditd_conf_free(c);
		errno = EINVAL;
		return -1;
	}
	free(arg);
	return 0;
}

int
vg_auditlog_action_of(const char *spec, enum vg_priv_key key,
    enum vg_adc_action *a, char **exe)
{
	struct vg_auditd_conf c;
	const char *e;

	*exe = NULL;
	if (spec_conf(spec, &c) == -1)
		return -1;
	conf_action(&c, key, a, &e);
	if (e != NULL && (*exe = strdup(e)) == NULL) {
		vg_auditd_conf_free(&c);
		return -1;
	}
	vg_auditd_conf_free(&c);
	return 0;
}

int
vg_auditlog_file_of(const char *spec, char **path, gid_t *group)
{
	struct vg_auditd_conf c;

	*path = NULL;
	*group = (gid_t)-1;
	if (spec_conf(spec, &c) == -1)
		return -1;
	if (!c.write_logs || c.log_file == NULL) {
		vg_auditd_conf_free(&c);
		errno = EINVAL;
		return -1;
	}
	*path = c.log_file;
	c.log_file = NULL;
	if (c.log_group)	/* as open_log: group 0 is left as it is */
		*group = c.log_group;
	vg_auditd_conf_free(&c);
	return 0;
}

static const struct vg_opt *const alog_opts[] = { vg_dropbehind_opts, NULL };

const struct vg_output_ops vg_output_auditd = {
	.name = "auditd",
	.wants = VG_WANT_RECORDS,
	.open = auditd_open,
	.opts = alog_opts,
	.rotate = alog_rotate,
	.resume = alog_resume,
	.reload = alog_reload,
	.stop = alog_stop,
	.dump = alog_dump,
	.write = alog_write,
	.record = alog_record,
	.flush = alog_flush,
	.reopen = alog_reopen,
	.close = alog_close,
	.wants_daemon = 1,
};

const struct vg_output_ops vg_output_enriched = {
	.name = "enriched",
	.wants = VG_WANT_RECORDS,
	.open = enriched_open,
	.opts = alog_opts,
	.write = alog_write,
	.record = alog_record,
	.flush = alog_flush,
	.reopen = alog_reopen,
	.close = alog_close,
};
