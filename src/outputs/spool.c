/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spool.c: bounded append-only spool file for one output's overflow. Owns
 * the file; never grows it past its bound except to keep messages already
 * accepted at shutdown (vg_spool_prepend). Layout, host byte order:
 *	header	"VGSPOOL1" u64 read_off u64 0 u64 0		(32 bytes)
 *	record	u32 len, u32 check (FNV-1a of len and data), data[len]
 * Records before read_off were delivered; a read_off past the end (a
 * crash while the file was cut back) means all were. Appends are not
 * fsync'd (a crash of vigild loses nothing, a power cut may lose the last
 * ones); close fdatasync()s.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/log.h"
#include "vigil/spool.h"

#define HDR		32
#define RECHDR		8
#define MAGIC		"VGSPOOL1"
#define MIN_MAX		4096

struct vg_spool {
	char		*path;
	int		 fd;
	uint64_t	 max;
	uint64_t	 read_off;	/* next unread record */
	uint64_t	 end;		/* file size */
	uint64_t	 count;		/* unread records */
	uint64_t	 lost;		/* records dropped as damaged */
};

static uint32_t
check32(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < 4; i++) {
		h ^= (uint32_t)(len >> (8 * i)) & 0xff;
		h *= 16777619u;
	}
	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

static int
pread_all(int fd, void *p, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)p + done, len - done, (off_t)(off + done));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0) {
			errno = EBADMSG;	/* short file */
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int
pwrite_all(int fd, const void *p, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, (const char *)p + done, len - done,
		    (off_t)(off + done));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static int
write_header(int fd, uint64_t read_off)
{
	unsigned char h[HDR];

	memset(h, 0, sizeof(h));
	memcpy(h, MAGIC, 8);
	memcpy(h + 8, &read_off, 8);
	return pwrite_all(fd, h, sizeof(h), 0);
}

/* Counts the records from read_off on; cuts a torn or damaged tail. */
static int
scan(struct vg_spool *sp)
{
	uint64_t off = sp->read_off;
	uint32_t rh[2];

	sp->count = 0;
	while (off + RECHDR <= sp->end) {
		if (pread_all(sp->fd, rh, sizeof(rh), off) == -1)
			return -1;
		if (off + RECHDR + rh[0] > sp->end)
			break;
		off += RECHDR + rh[0];
		sp->count++;
	}
	if (off != sp->end) {
		vg_log_warnx("spool %s: cutting %llu bytes of a torn record",
		    sp->path, (unsigned long long)(sp->end - off));
		if (ftruncate(sp->fd, (off_t)off) == -1)
			return -1;
		sp->end = off;
	}
	return 0;
}

/*
 * Everything was read: start the file over, so it does not grow. The
 * header on disk already says all was read (vg_spool_read wrote it), so
 * the file is cut first and its header rewritten after: a crash between
 * leaves a read offset past the end, which vg_spool_open takes as "all
 * read". The other order would make the read records unread again, sent
 * twice after a restart.
 */
static int
reset_if_empty(struct vg_spool *sp)
{
	if (sp->read_off != sp->end)
		return 0;
	if (ftruncate(sp->fd, HDR) == -1)
		return -1;
	sp->read_off = sp->end = HDR;
	sp->count = 0;
	return write_header(sp->fd, HDR);
}

struct vg_spool *
vg_spool_open(const char *path, uint64_t max_bytes)
{
	struct vg_spool *sp;
	unsigned char h[HDR];
	struct stat st;
	int saved;

	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return NULL;
	sp->fd = -1;
	sp->max = max_bytes < MIN_MAX ? MIN_MAX : max_bytes;
	if ((sp->path = strdup(path)) == NULL)
		goto fail;
	sp->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (sp->fd == -1 || fstat(sp->fd, &st) == -1)
		goto fail;
	if (st.st_size == 0) {
		if (write_header(sp->fd, HDR) == -1)
			goto fail;
		sp->read_off = sp->end = HDR;
		return sp;
	}
	if ((uint64_t)st.st_size < HDR ||
	    pread_all(sp->fd, h, sizeof(h), 0) == -1 ||
	    memcmp(h, MAGIC, 8) != 0) {
		errno = EINVAL;
		goto fail;
	}
	memcpy(&sp->read_off, h + 8, 8);
	sp->end = (uint64_t)st.st_size;
	if (sp->read_off < HDR) {
		errno = EINVAL;
		goto fail;
	}
	if (sp->read_off > sp->end) {
		/* a crash in reset_if_empty, or a power cut that lost appends
		 * the header says were read: nothing is left unread */
		vg_log_warnx("spool %s: read offset %llu past the end (%llu): "
		    "all read, starting over", sp->path,
		    (unsigned long long)sp->read_off,
		    (unsigned long long)sp->end);
		sp->read_off = sp->end;
		if (reset_if_empty(sp) == -1)
			goto fail;
		return sp;
	}
	if (scan(sp) == -1)
		goto fail;
	return sp;
fail:
	saved = errno;
	if (sp->fd != -1)
		close(sp->fd);
	free(sp->path);
	free(sp);
	errno = saved;
	return NULL;
}

void
vg_spool_close(struct vg_spool *sp)
{
	if (sp == NULL)
		return;
	if (fdatasync(sp->fd) == -1)
		vg_log_warn("spool %s: fdatasync", sp->path);
	close(sp->fd);
	free(sp->path);
	free(sp);
}

/*
 * Writes a new file: header, msgs, then the unread part of the old one;
 * renames it over the old. Cost: one copy of the unread bytes.
 */
static int
rewrite(struct vg_spool *sp, const void *const *msgs, const size_t *lens,
    size_t n)
{
	char tmp[4096], chunk[65536];
	uint64_t off = HDR, from;
	uint32_t rh[2];
	size_t i, len;
	int fd, saved;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", sp->path) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd == -1)
		return -1;
	if (write_header(fd, HDR) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		rh[0] = (uint32_t)lens[i];
		rh[1] = check32(msgs[i], lens[i]);
		if (pwrite_all(fd, rh, sizeof(rh), off) == -1 ||
		    pwrite_all(fd, msgs[i], lens[i], off + RECHDR) == -1)
			goto fail;
		off += RECHDR + lens[i];
	}
	for (from = sp->read_off; from < sp->end; from += len) {
		len = sp->end - from < sizeof(chunk) ? (size_t)(sp->end - from) :
		    sizeof(chunk);
		if (pread_all(sp->fd, chunk, len, from) == -1 ||
		    pwrite_all(fd, chunk, len, off) == -1)
			goto fail;
		off += len;
	}
	if (fdatasync(fd) == -1 || rename(tmp, sp->path) == -1)
		goto fail;
	close(sp->fd);
	sp->fd = fd;
	sp->read_off = HDR;
	sp->end = off;
	sp->count += n;
	return 0;
fail:
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int
vg_spool_append(struct vg_spool *sp, const void *p, size_t len)
{
	uint32_t rh[2];

	if (len > UINT32_MAX - RECHDR) {
		errno = EMSGSIZE;
		return -1;
	}
	if (sp->end + RECHDR + len > sp->max) {
		/* compact only if that makes room: the read part is dead */
		if (sp->end - sp->read_off + HDR + RECHDR + len > sp->max) {
			errno = ENOSPC;
			return -1;
		}
		if (rewrite(sp, NULL, NULL, 0) == -1)
			return -1;
	}
	rh[0] = (uint32_t)len;
	rh[1] = check32(p, len);
	if (pwrite_all(sp->fd, rh, sizeof(rh), sp->end) == -1 ||
	    pwrite_all(sp->fd, p, len, sp->end + RECHDR) == -1) {
		int saved = errno;

		(void)ftruncate(sp->fd, (off_t)sp->end);
		errno = saved;
		return -1;
	}
	sp->end += RECHDR + len;
	sp->count++;
	return 0;
}

int
vg_spool_read(struct vg_spool *sp, struct vg_buf *out)
{
	uint32_t rh[2];

	vg_buf_reset(out);
	if (sp->read_off >= sp->end)
		return 0;
	if (pread_all(sp->fd, rh, sizeof(rh), sp->read_off) == -1)
		goto bad;
	if (sp->read_off + RECHDR + rh[0] > sp->end ||
	    vg_buf_reserve(out, rh[0]) == -1) {
		errno = EBADMSG;
		goto bad;
	}
	if (pread_all(sp->fd, out->data, rh[0], sp->read_off + RECHDR) == -1)
		goto bad;
	if (check32(out->data, rh[0]) != rh[1]) {
		errno = EBADMSG;
		goto bad;
	}
	out->len = rh[0];
	sp->read_off += RECHDR + rh[0];
	sp->count--;
	if (write_header(sp->fd, sp->read_off) == -1 ||
	    reset_if_empty(sp) == -1)
		vg_log_warn("spool %s: header", sp->path);
	return 1;
bad:
	{
		int saved = errno;

		vg_log_warnx("spool %s: damaged record at %llu, dropping %llu "
		    "unread records", sp->path,
		    (unsigned long long)sp->read_off,
		    (unsigned long long)sp->count);
		sp->lost += sp->count;
		sp->read_off = sp->end;
		(void)reset_if_empty(sp);
		vg_buf_reset(out);
		errno = saved;
	}
	return -1;
}

int
vg_spool_prepend(struct vg_spool *sp, const void *const *msgs,
    const size_t *lens, size_t n)
{
	if (n == 0)
		return 0;
	return rewrite(sp, msgs, lens, n);
}

uint64_t
vg_spool_count(const struct vg_spool *sp)
{
	return sp->count;
}

uint64_t
vg_spool_size(const struct vg_spool *sp)
{
	return sp->end;
}

uint64_t
vg_spool_lost(const struct vg_spool *sp)
{
	return sp->lost;
}
