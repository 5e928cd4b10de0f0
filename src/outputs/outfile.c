/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outfile.c: buffered append-only file sink for the file outputs. Owns the
 * descriptor and the pending bytes; never drops bytes silently: a failed
 * write keeps them for the next flush (bounded) and returns -1. Opens
 * every log file (auditd's too) so that a link or a file planted by
 * someone else is refused, and sets the mode it was asked for.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vigil/log.h"
#include "vigil/outfile.h"
#include "vigil/output.h"
#include "vigil/privsep.h"
#include "vigil/ratelimit.h"
#include "vigil/rotate.h"

#define THRESHOLD	(256 * 1024)
#define MAX_PENDING	(64 * 1024 * 1024)	/* give up keeping bytes past this */

int
vg_logfile_group(const char *path, int fd, gid_t group)
{
	/* without CAP_CHOWN (docs/security.md) a group vigild is not in is
	 * set by the privileged helper, after it checked this is a
	 * configured file (or the auditd log's directory) */
	if (fchown(fd, (uid_t)-1, group) == 0)
		return 0;
	if (errno != EPERM || !vg_privsep_active())
		return -1;
	return vg_privsep_chown(path, fd);
}

int
vg_logfile_open(const char *path, int flags, mode_t mode, gid_t group,
    char *msg, size_t msglen)
{
	struct stat st;
	int fd, e;

	fd = open(path, flags | O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, mode);
	if (fd == -1) {
		e = errno;
		if (e == ELOOP)
			snprintf(msg, msglen, "%s: a symbolic link: refused "
			    "(it could send the events anywhere)", path);
		else if (e == EACCES && lstat(path, &st) == 0 &&
		    st.st_uid != geteuid()) {
			/* without CAP_DAC_OVERRIDE (docs/security.md) an
			 * other user's file fails here, not below */
			snprintf(msg, msglen, "%s: owned by uid %u, not by "
			    "vigild (uid %u): refused", path,
			    (unsigned)st.st_uid, (unsigned)geteuid());
			e = EPERM;
		} else
			snprintf(msg, msglen, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		e = errno;
		snprintf(msg, msglen, "%s: %s", path, strerror(e));
		goto fail;
	}
	/* /dev/null: only root makes device nodes; left as it is */
	if (S_ISCHR(st.st_mode))
		return fd;
	e = EINVAL;
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		snprintf(msg, msglen, "%s: not a regular file, a FIFO or a "
		    "character device: refused", path);
		goto fail;
	}
	e = EPERM;
	if (st.st_uid != geteuid()) {
		snprintf(msg, msglen, "%s: owned by uid %u, not by vigild "
		    "(uid %u): refused", path, (unsigned)st.st_uid,
		    (unsigned)geteuid());
		goto fail;
	}
	if (S_ISFIFO(st.st_mode))	/* its reader chose its mode */
		return fd;
	e = EMLINK;
	if (st.st_nlink > 1) {
		snprintf(msg, msglen, "%s: has %lu hard links: refused (one "
		    "may be a file that must not get events)", path,
		    (unsigned long)st.st_nlink);
		goto fail;
	}
	/* an existing file gets the mode too: 0644 left from before
	 * would keep the events readable by everybody */
	if ((group != (gid_t)-1 && vg_logfile_group(path, fd, group) == -1) ||
	    fchmod(fd, mode) == -1) {
		e = errno;
		snprintf(msg, msglen, "%s: cannot set mode %04o%s: %s", path,
		    (unsigned)mode, group != (gid_t)-1 ? " and group" : "",
		    strerror(e));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	errno = e;
	return -1;
}

int
vg_outfile_open(struct vg_outfile *of, const char *path, mode_t mode,
    gid_t group)
{
	char msg[512];

	memset(of, 0, sizeof(*of));
	vg_buf_init(&of->buf);
	of->threshold = THRESHOLD;
	of->mode = mode ? mode : 0600;
	of->group = group;
	if (path == NULL || strcmp(path, "-") == 0) {
		of->fd = STDOUT_FILENO;
		return 0;
	}
	if ((of->path = strdup(path)) == NULL)
		return -1;
	of->fd = vg_logfile_open(path, 0, of->mode, of->group, msg,
	    sizeof(msg));
	if (of->fd == -1) {
		int e = errno;

		vg_log_warnx("%s", msg);
		free(of->path);
		of->path = NULL;
		errno = e;
		return -1;
	}
	vg_outfile_set_drop_behind(of, VG_DROPBEHIND_DEFAULT);
	return 0;
}

void
vg_outfile_set_drop_behind(struct vg_outfile *of, size_t window)
{
	vg_dropbehind_init(&of->db, of->fd, of->path != NULL ? window : 0);
}

/* The held bytes are given up: their events are lost, and counted. */
static void
discard(struct vg_outfile *of)
{
	vg_buf_reset(&of->buf);
	of->lost += of->pending;
	of->lost_sent += of->pending_ok;
	of->pending = of->pending_ok = 0;
}

/* Opens the path again, with the same checks as at start, and writes
 * on there. 0, or -1 with msg set: the file open before is kept. */
static int
open_again(struct vg_outfile *of, char *msg, size_t len)
{
	int fd;

	fd = vg_logfile_open(of->path, 0, of->mode, of->group, msg, len);
	if (fd == -1)
		return -1;
	close(of->fd);
	of->fd = fd;
	vg_dropbehind_reopen(&of->db, fd);
	if (of->rot != NULL)	/* a new file, or logrotate moved it */
		vg_rotate_start(of->rot, fd, time(NULL));
	return 0;
}

/*
 * Has someone removed the file (no link left)? Then the events would go
 * where nobody can read them, and fill the disk, until SIGHUP. One
 * fstat(2) a second at most, when bytes are due: not per event.
 */
static int
removed(struct vg_outfile *of, time_t now)
{
	struct stat st;

	if (now == of->link_checked)
		return 0;
	of->link_checked = now;
	return fstat(of->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_nlink == 0;
}

/*
 * rotate= / rotate_every=: the file is renamed away (rotate.c) and the
 * path opened again. A file removed by someone is not renamed: a new
 * one is opened at the path (as auditd does). If the new file cannot be
 * opened, writing goes on to the one open before (logged).
 */
static void
rotate_check(struct vg_outfile *of, time_t now)
{
	char msg[512];
	int gone = removed(of, now);

	if (!gone && (!vg_rotate_due(of->rot, of->buf.len, now) ||
	    vg_rotate_do(of->rot, of->path, now) == -1))
		return;
	if (open_again(of, msg, sizeof(msg)) == 0) {
		if (gone)
			vg_log_warnx("%s: removed; writing to a new file "
			    "there", of->path);
		return;
	}
	if (vg_rl_count(of->rot->failed + 1, 1))
		vg_log_warnx("%s (writing on to the file open before)", msg);
	of->rot->failed++;
}

int
vg_outfile_flush(struct vg_outfile *of)
{
	size_t off = 0;
	ssize_t n;

	if (of->rot != NULL && of->buf.len > 0)
		rotate_check(of, time(NULL));
	while (off < of->buf.len) {
		n = write(of->fd, of->buf.data + off, of->buf.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = errno;

			vg_dropbehind_wrote(&of->db, of->fd, off);
			/* keep what was not written, unless it grows past
			 * the bound: then it is lost and the caller counts */
			memmove(of->buf.data, of->buf.data + off,
			    of->buf.len - off);
			of->buf.len -= off;
			if (of->buf.len > MAX_PENDING)
				discard(of);
			errno = saved;
			return -1;
		}
		off += (size_t)n;
	}
	vg_dropbehind_wrote(&of->db, of->fd, off);
	if (of->rot != NULL)
		of->rot->size += off;
	vg_buf_reset(&of->buf);
	of->pending = of->pending_ok = 0;
	return 0;
}

int
vg_outfile_maybe_write(struct vg_outfile *of)
{
	of->pending++;		/* one event was appended */
	if (of->buf.oom) {
		discard(of);
		errno = ENOMEM;
		return -1;
	}
	if (of->buf.len >= of->threshold)
		return vg_outfile_flush(of);
	of->pending_ok++;	/* counted sent: taken, to be written */
	return 0;
}

int
vg_outfile_reopen(struct vg_outfile *of)
{
	char msg[512];

	if (of->path == NULL)
		return 0;
	(void)vg_outfile_flush(of);
	if (open_again(of, msg, sizeof(msg)) == -1) {
		int e = errno;

		vg_log_warnx("%s (writing on to the file open before)", msg);
		errno = e;
		return -1;
	}
	return 0;
}

void
vg_outfile_close(struct vg_outfile *of)
{
	if (vg_outfile_flush(of) == -1) {
		vg_log_warn("write %s", of->path ? of->path : "stdout");
		discard(of);
	}
	if (of->path != NULL) {
		close(of->fd);
		free(of->path);
	}
	if (of->rot != NULL) {
		vg_rotate_reap(of->rot);
		free(of->rot);
		of->rot = NULL;
	}
	vg_buf_free(&of->buf);
	of->path = NULL;
	of->fd = -1;
}

/* group=NAME|GID: the gid, or -1 if there is no such group. */
static int
group_of(const char *v, gid_t *gid)
{
	struct group *gr;
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (*v >= '0' && *v <= '9' && !errno && *end == '\0' &&
	    n < (gid_t)-1)
		*gid = (gid_t)n;
	else if ((gr = getgrnam(v)) != NULL)
		*gid = gr->gr_gid;
	else
		return -1;
	return 0;
}

static int
check_group(const char *v, char *msg, size_t len)
{
	gid_t g;

	if (group_of(v, &g) == 0)
		return 0;
	snprintf(msg, len, "no such group");
	return -1;
}

/* the events are the owner's: no group or other write, owner writes */
static int
check_mode(const char *v, char *msg, size_t len)
{
	unsigned long n = strtoul(v, NULL, 8);	/* octal, checked */

	if (!(n & 022) && (n & 0200))
		return 0;
	snprintf(msg, len, "expected octal permissions writable by the "
	    "owner only, e.g. 0600 or 0640");
	return -1;
}

const struct vg_opt vg_outfile_file_opts[] = {
	{ .name = "mode", .type = VG_OPT_OCTAL, .def = "0600", .max = 0777,
	  .expect = "octal permissions writable by the owner only, e.g. "
	  "0600 or 0640", .check = check_mode,
	  .help = "file permissions (octal)" },
	{ .name = "group", .type = VG_OPT_STR, .check = check_group,
	  .help = "group of the file (name or gid)" },
	{ .name = NULL },
};

const struct vg_opt *const vg_outfile_opts[] = {
	vg_outfile_file_opts, vg_dropbehind_opts, vg_rotate_opt_tab, NULL
};

/* The options mode= and group= (checked by the table). */
static void
file_opts_of(const struct vg_output *o, mode_t *mode, gid_t *group)
{
	const char *v;

	*mode = (mode_t)vg_output_opt_num(o, "mode");
	*group = (gid_t)-1;
	if ((v = vg_output_opt(o, "group")) != NULL &&
	    group_of(v, group) == -1)
		*group = (gid_t)-1;
}

extern const struct vg_output_ops vg_output_json;

int
vg_outfile_file_of(const char *spec, char **path, gid_t *group)
{
	struct vg_output o;
	mode_t mode;
	char *arg;
	int rc = -1;

	*path = NULL;
	if (vg_output_parse(spec, &o, &arg) == -1)
		return -1;
	/* json's open takes format= and then opens the file here */
	if ((o.ops->open != vg_outfile_op_open &&
	    o.ops != &vg_output_json) || arg[0] == '\0' ||
	    strcmp(arg, "-") == 0)
		errno = EINVAL;
	else {
		file_opts_of(&o, &mode, group);
		*path = arg;
		arg = NULL;
		rc = 0;
	}
	free(arg);
	vg_output_unparse(&o);
	return rc;
}

int
vg_outfile_op_open(struct vg_output *o, const char *arg)
{
	struct vg_outfile *of;
	struct vg_rotate *rot;
	size_t window;
	mode_t mode;
	gid_t group;

	(void)vg_dropbehind_opt(o, &window);
	file_opts_of(o, &mode, &group);
	if (vg_rotate_opts(o, &rot) == -1)
		return -1;
	if (rot != NULL && (arg[0] == '\0' || strcmp(arg, "-") == 0)) {
		vg_log_warnx("output \"%s\": rotate= needs a file, not "
		    "stdout", o->spec);
		free(rot);
		errno = EINVAL;
		return -1;
	}
	if ((of = calloc(1, sizeof(*of))) == NULL) {
		free(rot);
		return -1;
	}
	if (vg_outfile_open(of, arg, mode, group) == -1) {
		free(rot);
		free(of);
		return -1;
	}
	if ((of->rot = rot) != NULL)
		vg_rotate_start(rot, of->fd, time(NULL));
	if (window != VG_DROPBEHIND_DEFAULT)	/* open set the default */
		vg_outfile_set_drop_behind(of, window);
	o->priv = of;
	return 0;
}

int
vg_outfile_op_flush(struct vg_output *o)
{
	return vg_outfile_flush(o->priv);
}

int
vg_outfile_op_reopen(struct vg_output *o)
{
	return vg_outfile_reopen(o->priv);
}

void
vg_outfile_op_close(struct vg_output *o)
{
	struct vg_outfile *of = o->priv;

	vg_outfile_close(of);
	/* a failed write was retried (failed counts attempts); what was
	 * given up at last is the loss, not sent */
	o->stats.dropped += of->lost;
	o->stats.sent -= of->lost_sent;
	free(o->priv);
	o->priv = NULL;
}
