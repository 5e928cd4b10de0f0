/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outfile.h: buffered append-only file sink shared by the file outputs
 * (json, raw, enriched). "-" is stdout. Data is written when the buffer
 * passes its threshold and on vg_outfile_flush() (after every receive
 * batch and at exit), never partially: a short write is retried. A file
 * (not stdout) keeps at most about three drop-behind windows in the page
 * cache (dropbehind.h; option drop_behind=SIZE, 0 = off).
 */
#ifndef VIGIL_OUTFILE_H
#define VIGIL_OUTFILE_H

#include <stdint.h>
#include <sys/types.h>

#include "vigil/buf.h"
#include "vigil/dropbehind.h"

struct vg_rotate;

struct vg_outfile {
	char		*path;		/* NULL for stdout */
	int		 fd;
	mode_t		 mode;		/* set at each open, default 0600 */
	gid_t		 group;		/* set at each open; -1: left */
	size_t		 threshold;	/* write out when buf is this big */
	struct vg_buf	 buf;
	struct vg_dropbehind db;	/* off for stdout */
	uint64_t	 pending;	/* events in buf not yet written */
	uint64_t	 pending_ok;	/* ... of which maybe_write said 0 */
	uint64_t	 lost;		/* events given up: held bytes past
					 * the bound, no memory, or not
					 * writable at close */
	uint64_t	 lost_sent;	/* ... of which maybe_write said 0 */
	struct vg_rotate *rot;		/* own rotation (rotate.h), or NULL */
	time_t		 link_checked;	/* rot: when st_nlink was looked at */
};

/*
 * Opens path (NULL or "-": stdout) with vg_logfile_open(); mode 0 is
 * 0600, group (gid_t)-1 leaves the group. 0, or -1 with errno (logged).
 */
int	vg_outfile_open(struct vg_outfile *, const char *path, mode_t mode,
	    gid_t group);
/* Call after appending one event to ->buf; writes out if past the
 * threshold. -1: not written yet (kept for the next flush, up to a bound;
 * what is given up is counted in ->lost). */
int	vg_outfile_maybe_write(struct vg_outfile *);
int	vg_outfile_flush(struct vg_outfile *);
/* Opens the path again (rotation by another tool). On failure (logged)
 * the file open before is kept. */
int	vg_outfile_reopen(struct vg_outfile *);
/* Drop-behind window for this file (bytes, 0 = off); default 8 MiB. */
void	vg_outfile_set_drop_behind(struct vg_outfile *, size_t window);
void	vg_outfile_close(struct vg_outfile *);

/*
 * Opens a log file for appending, as every file output does (json, raw,
 * enriched, auditd): never through a symbolic link (O_NOFOLLOW); a
 * regular file must be owned by vigild's effective uid and have one link,
 * and gets mode and group (if not (gid_t)-1), new or not; a FIFO must be
 * vigild's and is left as it is, as is a character device (/dev/null);
 * anything else is refused. flags: more open(2) flags (O_DSYNC). Returns
 * the descriptor, or -1 with errno and why in msg ("PATH: owned by uid
 * 1000, not by vigild (uid 0): refused").
 */
/* For the privileged helper (privsep_helper.c): the file (*path, caller
 * frees) and group ((gid_t)-1: left) of a json: or raw: spec. 0, or -1
 * (EINVAL: another output, stdout, bad options). */
int	vg_outfile_file_of(const char *spec, char **path, gid_t *group);
int	vg_logfile_open(const char *path, int flags, mode_t mode, gid_t group,
	    char *msg, size_t msglen);
/* fchown(fd, -1, group) of the log (or the auditd log's directory) at
 * path; without CAP_CHOWN, by the privileged helper if there is one.
 * 0, or -1 with errno. */
int	vg_logfile_group(const char *path, int fd, gid_t group);

/* The ops every plain file output shares (json, raw): o->priv is a
 * struct vg_outfile opened on arg; takes the options drop_behind, mode
 * (octal, default 0600, no group or other write) and group (name or
 * gid, default: left as the file has it), and the rotation options of
 * rotate.h (rotate, rotate_every, keep, compress). */
struct vg_output;
struct vg_opt;
extern const struct vg_opt *const vg_outfile_opts[];
/* mode= and group= alone (the json output adds format=) */
extern const struct vg_opt vg_outfile_file_opts[];
int	vg_outfile_op_open(struct vg_output *, const char *arg);
int	vg_outfile_op_flush(struct vg_output *);
int	vg_outfile_op_reopen(struct vg_output *);
void	vg_outfile_op_close(struct vg_output *);

#endif
