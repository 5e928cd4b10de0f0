/*
 * log_writer.c (outputs auditd:, enriched:): the auditd-compatible log:
 * RAW or ENRICHED lines as auditd 3.0.9 writes them, rotation by size
 * (num_logs, keep_logs), flush modes, file modes with log_group,
 * space_left/admin_space_left/disk_full/disk_error actions, suspend and resume. Like auditd, every record is
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
#include "vigil/auditd/log_writer.h"
#include "vigil/dropbehind.h"
#include "vigil/auditd/enrich.h"
#include "vigil/log.h"
#include "vigil/outfile.h"
#include "vigil/output.h"
#include "vigil/auditd/plugins_conf.h"
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
	struct alog		*next;		/* all open auditd outputs */
};

static struct alog *all;

static void	do_action(struct alog *, enum vg_priv_key, const char *what);
static void	rotate(struct alog *, unsigned num_logs);
static int	write_out(struct alog *);
static void	daemon_record(struct alog *, enum vg_daemon_rec,
		    const struct vg_sender *, const char *reason,
		    const struct vg_daemon_stamp *);

static const char hexl[] = "0123456789abcdef";

/* Record text: '\n' becomes ' ' as auditd does; any other control byte
 * becomes \xHH (auditd writes it raw). */
static void
add_body(struct vg_buf *b, struct vg_str s)
{
	size_t i, run = 0;

	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		vg_buf_add(b, s.p + run, i - run);
		if (c == '\n')
			vg_buf_addc(b, ' ');
		else {
			vg_buf_add(b, "\\x", 2);
			vg_buf_addc(b, hexl[c >> 4]);
			vg_buf_addc(b, hexl[c & 15]);
		}
		run = i + 1;
	}
	vg_buf_add(b, s.p + run, s.len - run);
}

/* One log line for one record. */
static void
add_line(struct alog *l, struct vg_str node, uint64_t sec, uint32_t msec,
    uint32_t serial, uint32_t type, struct vg_str type_name, struct vg_str body)
{
	struct vg_buf *b = &l->buf;
	size_t start = b->len, max = VG_AUDITLOG_LINE_MAX, room;
	const char *name;
	int cut = 0;

	if (l->node[0] != '\0' || node.len)
		max = VG_AUDITLOG_LINE_MAX_NODE;
	if (l->node[0] != '\0') {
		vg_buf_add(b, "node=", 5);
		vg_buf_adds(b, l->node);
		vg_buf_addc(b, ' ');
	} else if (node.len) {
		vg_buf_add(b, "node=", 5);
		add_body(b, node);
		vg_buf_addc(b, ' ');
	}
	vg_buf_add(b, "type=", 5);
	if (type_name.len)
		add_body(b, type_name);
	else if ((name = vg_type_name(type)) != NULL)
		vg_buf_adds(b, name);
	else
		vg_buf_printf(b, "UNKNOWN[%u]", type);
	vg_buf_printf(b, " msg=audit(%llu.%03u:%u): ", (unsigned long long)sec,
	    msec, serial);
	/* as auditd, a record too long for its line buffer is cut (only
	 * replayed or forged input: the kernel's fit) */
	room = b->len - start < max ? max - (b->len - start) : 0;
	if (body.len > room) {
		body.len = room;
		cut = 1;
	}
	add_body(b, body);
	/* auditd trims one trailing space (not of a cut line) */
	if (!cut && b->len > start && !b->oom && b->data[b->len - 1] == ' ')
		b->len--;
	if (l->conf.log_format == VG_ADC_ENRICHED && !b->oom)
		vg_enrich_record(l->enrich, b, type, body, b->len - start);
	vg_buf_addc(b, '\n');
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

/*
 * The program is checked again right before it runs (it may have changed
 * since auditd.conf was read) and the resolved path that passed is the
 * one run: every directory on it is root's, so nobody else can swap it
 * between the check and execve(2). (fexecve(3) of a checked descriptor
 * would make a script's $0 "/dev/fd/N" and need /proc.)
 */
int
vg_auditlog_run_exe(const char *exe, int reap)
{
	char path[PATH_MAX], why[256];
	pid_t pid;

	if (exe == NULL) {
		vg_log_warnx("exec action without a program");
		errno = EINVAL;
		return -1;
	}
	if (vg_adc_exec_check(exe, path, sizeof(path), why, sizeof(why)) ==
	    -1) {
		vg_log_warnx("not running it: %s", why);
		errno = EPERM;
		return -1;
	}
	if ((pid = fork()) == -1) {
		vg_log_warn("fork for %s", exe);
		return -1;
	}
	if (pid == 0) {
		char *argv[2] = { (char *)exe, NULL };
		char *envp[1] = { NULL };
		sigset_t all_sigs;
		int sig;

		(void)close_range(3, ~0U, 0);
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		sigfillset(&all_sigs);
		sigprocmask(SIG_UNBLOCK, &all_sigs, NULL);
		execve(path, argv, envp);
		_exit(127);
	}
	/* not waited for: reaped at a later action (the helper ignores
	 * SIGCHLD instead); never waitpid(-1): plugins are children too */
	if (reap) {
		static pid_t kids[16];
		size_t i, free_slot = 0;

		for (i = 0; i < 16; i++)
			if (kids[i] > 0 && waitpid(kids[i], NULL, WNOHANG) != 0)
				kids[i] = 0;
		while (free_slot < 16 && kids[free_slot] > 0)
			free_slot++;
		if (free_slot < 16)
			kids[free_slot] = pid;
	}
	return 0;
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

void
vg_change_runlevel(const char *level)
{
	/* never in tests: the machine is shared */
	if (getenv("VIGIL_TEST_NO_LOCK") != NULL) {
		vg_log_warnx("would run /sbin/init %s (test mode: not done)",
		    level);
		return;
	}
	if (fork() == 0) {
		char *argv[3] = { (char *)"/sbin/init", (char *)level, NULL };

		execve("/sbin/init", argv, NULL);
		_exit(127);
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
		if (privileged(l, key, a, exe) == 0)
			vg_log_warnx("audit log %s: %s: running %s",
			    l->conf.log_file, what, exe ? exe : "?");
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
static int
write_out(struct alog *l)
{
	unsigned nrecs = l->nbuf;
	size_t off = 0;
	ssize_t n;
	int rc = 0;

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
			int err = errno;

			if (err == ENOSPC)
				disk_full(l);
			else
				disk_error(l, "write", err);
			errno = err;
			rc = -1;
			break;
		}
		off += (size_t)n;
	}
	l->size += (off_t)off;
	vg_dropbehind_wrote(&l->db, l->fd, off);	/* off for stdout */
	vg_buf_reset(&l->buf);
	if (rc == -1) {
		l->dropped += nrecs;
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

/* One DAEMON_* line; st: the record's time and serial (log_writer.h). */
static void
daemon_record(struct alog *l, enum vg_daemon_rec type,
    const struct vg_sender *s, const char *reason,
    const struct vg_daemon_stamp *st)
{
	struct vg_buf body;
	struct vg_sender self;

	if (s == NULL) {
		vg_sender_self(&self);
		s = &self;
	}
	vg_buf_init(&body);
	vg_daemon_body(&body, type, s, l->conf.log_format == VG_ADC_ENRICHED ?
	    "enriched" : "raw", reason);
	if (!body.oom)
		add_line(l, VG_STR_NULL, st->sec, st->msec, st->serial,
		    (uint32_t)type, VG_STR_NULL,
		    vg_str_make(body.data, body.len));
	vg_buf_free(&body);
	l->nbuf++;
	(void)write_out(l);
}

/* Applies c (already loaded) to l; takes ownership of c. */
static int
apply_conf(struct alog *l, struct vg_auditd_conf *c)
{
	vg_auditd_conf_free(&l->conf);
	l->conf = *c;
	memset(c, 0, sizeof(*c));
	if (vg_auditd_conf_node_name(&l->conf, l->node, sizeof(l->node)) ==
	    -1 && l->conf.name_format == VG_ADC_NODE_USER)
		return -1;
	(void)write_out(l);
	close_log(l);
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
	struct vg_daemon_stamp st;
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
	l->next = all;
	all = l;
	/* the plugins output sends its own with the same stamp */
	vg_daemon_stamp(VG_DAEMON_START, &st);
	daemon_record(l, VG_DAEMON_START, NULL, NULL, &st);
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

		if (r->type == VG_T_EOE) /* auditd 3.0.9 does not log EOE */
			continue;
		add_line(l, ev->node, ev->sec, ev->msec, ev->serial, r->type,
		    r->type_name, r->body);
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

	if (r->type == VG_T_EOE)	/* auditd 3.0.9 does not log EOE */
		return 1;
	if (l->suspended) {
		l->dropped++;
		o->stats.dropped++;
		return 1;
	}
	add_line(l, r->node, r->sec, r->msec, r->serial, r->type,
	    r->type_name, r->body);
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
	struct alog *l = o->priv, **pp;

	if (l == NULL)
		return;
	for (pp = &all; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	if (l->dropped)
		vg_log_warnx("audit log %s: %llu records not written "
		    "(suspended or write errors)", l->conf.log_file ?
		    l->conf.log_file : "-", (unsigned long long)l->dropped);
	free_alog(l);
	o->priv = NULL;
}

/*
 * The signal handlers' records go to every auditd log and, as in auditd
 * (one event, logged and dispatched), to the plugins with the same stamp,
 * also when no log is written.
 */
void
vg_auditlog_rotate_all(const struct vg_sender *s)
{
	struct vg_daemon_stamp st;
	struct alog *l;

	vg_daemon_stamp(VG_DAEMON_ROTATE, &st);
	for (l = all; l != NULL; l = l->next) {
		if (l->conf.max_log_file_action == VG_ADC_KEEP_LOGS)
			rotate(l, (unsigned)-1);
		else
			rotate(l, 0);
		daemon_record(l, VG_DAEMON_ROTATE, s, NULL, &st);
	}
	vg_plugins_daemon_all(VG_DAEMON_ROTATE, s, NULL, &st);
}

void
vg_auditlog_resume_all(const struct vg_sender *s)
{
	struct vg_daemon_stamp st;
	struct alog *l;

	vg_daemon_stamp(VG_DAEMON_RESUME, &st);
	for (l = all; l != NULL; l = l->next) {
		vg_log_info("audit log %s: resuming logging", l->conf.log_file);
		l->suspended = 0;
		l->space_warned = l->admin_warned = l->full = 0;
		l->disk_errs = 0;
		close_log(l);
		if (open_log(l) == -1) {
			l->suspended = 1;
			disk_error(l, "resume", errno);
			continue;
		}
		daemon_record(l, VG_DAEMON_RESUME, s, NULL, &st);
		check_size(l);
	}
	vg_plugins_daemon_all(VG_DAEMON_RESUME, s, NULL, &st);
}

int
vg_auditlog_reload_all(const struct vg_sender *s)
{
	struct vg_auditd_conf c, old;
	struct vg_daemon_stamp st;
	struct vg_err err;
	struct alog *l;
	int failed = 0, rc;

	vg_daemon_stamp(VG_DAEMON_CONFIG, &st);
	for (l = all; l != NULL; l = l->next) {
		vg_auditd_conf_defaults(&c);
		if ((rc = vg_auditd_conf_load(&c, l->conf_path, &err)) != 0) {
			vg_log_warnx("%s: %s; keeping the running "
			    "configuration", l->conf_path, rc == -1 ? err.msg :
			    "errors");
			vg_auditd_conf_free(&c);
			failed++;
			continue;
		}
		if (vg_auditd_conf_copy(&old, &l->conf) == -1) {
			vg_auditd_conf_free(&c);
			failed++;
			continue;
		}
		if (apply_conf(l, &c) == -1) {
			vg_log_warnx("%s: cannot apply; keeping the running "
			    "configuration", l->conf_path);
			(void)apply_conf(l, &old);
			failed++;
			continue;
		}
		vg_auditd_conf_free(&old);
		daemon_record(l, VG_DAEMON_CONFIG, s, NULL, &st);
	}
	/* no log records a failed reload (old one kept): nor do plugins */
	if (failed == 0)
		vg_plugins_daemon_all(VG_DAEMON_CONFIG, s, NULL, &st);
	return failed;
}

void
vg_auditlog_stop_all(const struct vg_sender *s, const char *reason)
{
	enum vg_daemon_rec type = reason ? VG_DAEMON_ABORT : VG_DAEMON_END;
	struct vg_daemon_stamp st;
	struct alog *l;

	vg_daemon_stamp(type, &st);
	for (l = all; l != NULL; l = l->next) {
		l->suspended = 0;	/* the end is always recorded if possible */
		daemon_record(l, type, s, reason, &st);
	}
	vg_plugins_daemon_all(type, s, reason, &st);
}

void
vg_auditlog_dump_all(int fd)
{
	struct alog *l;

	for (l = all; l != NULL; l = l->next)
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

const struct vg_output_ops vg_output_auditd = {
	.name = "auditd",
	.needs_doc = 0,
	.open = auditd_open,
	.write = alog_write,
	.record = alog_record,
	.flush = alog_flush,
	.reopen = alog_reopen,
	.close = alog_close,
};

const struct vg_output_ops vg_output_enriched = {
	.name = "enriched",
	.needs_doc = 0,
	.open = enriched_open,
	.write = alog_write,
	.record = alog_record,
	.flush = alog_flush,
	.reopen = alog_reopen,
	.close = alog_close,
};
