/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spool.h: bounded append-only on-disk spool of messages for one output
 * (src/outputs/spool.c). Used by the queue (queue.h) when its overflow
 * policy is "spool": messages that do not fit in memory are appended here
 * and read back in order when the sink returns. What was not read survives
 * a restart; a torn last record (crash mid-append) is cut off on open.
 * Not thread-safe: the queue calls it under its own lock.
 */
#ifndef VIGIL_SPOOL_H
#define VIGIL_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/buf.h"

struct vg_spool;

/*
 * Opens (creating, mode 0600) or recovers the spool file at path. The file
 * never grows past max_bytes (header and record framing included; at least
 * 4096). Returns NULL with errno: EINVAL bad header (not a spool file, left
 * untouched), or the errno of open/read.
 */
struct vg_spool	*vg_spool_open(const char *path, uint64_t max_bytes);
/* fdatasync()s and closes. NULL is ignored. */
void		 vg_spool_close(struct vg_spool *);

/*
 * Appends one message. 0, or -1 with errno ENOSPC (the spool would pass
 * max_bytes even after compaction; nothing written), EMSGSIZE (len past
 * 4 GiB) or an I/O errno (the file is cut back to its previous end).
 */
int		 vg_spool_append(struct vg_spool *, const void *, size_t);
/*
 * Reads the oldest unread message into out (replacing its contents) and
 * marks it read (the read offset is stored in the file header, so it is
 * not read again after a restart). 1 read, 0 spool empty, -1 error
 * (errno EBADMSG: a damaged record; the rest of the spool is dropped and
 * counted in vg_spool_lost()).
 */
int		 vg_spool_read(struct vg_spool *, struct vg_buf *out);
/*
 * Puts msgs[0..n) before everything unread, in that order (shutdown: the
 * messages still in memory are older than the spooled ones). Rewrites the
 * file through a temporary and rename(2). May pass max_bytes: persisting
 * what was accepted wins over the bound. 0 or -1 with errno.
 */
int		 vg_spool_prepend(struct vg_spool *, const void *const *msgs,
		    const size_t *lens, size_t n);
uint64_t	 vg_spool_count(const struct vg_spool *);	/* unread */
uint64_t	 vg_spool_size(const struct vg_spool *);	/* file bytes */
uint64_t	 vg_spool_lost(const struct vg_spool *);	/* damaged recs */

#endif
