/*
 * outfile.c: buffered append-only file sink for the file outputs. Owns the
 * descriptor and the pending bytes; never drops bytes silently: a failed
 * write keeps them for the next flush (bounded) and returns -1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/log.h"
#include "vigil/outfile.h"
#include "vigil/output.h"

#define THRESHOLD	(256 * 1024)
#define MAX_PENDING	(64 * 1024 * 1024)	/* give up keeping bytes past this */

int
vg_outfile_open(struct vg_outfile *of, const char *path, mode_t mode)
{
	memset(of, 0, sizeof(*of));
	vg_buf_init(&of->buf);
	of->threshold = THRESHOLD;
	of->mode = mode ? mode : 0600;
	if (path == NULL || strcmp(path, "-") == 0) {
		of->fd = STDOUT_FILENO;
		return 0;
	}
	if ((of->path = strdup(path)) == NULL)
		return -1;
	of->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    of->mode);
	if (of->fd == -1) {
		vg_log_warn("open %s", path);
		free(of->path);
		of->path = NULL;
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

int
vg_outfile_flush(struct vg_outfile *of)
{
	size_t off = 0;
	ssize_t n;

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
				vg_buf_reset(&of->buf);
			errno = saved;
			return -1;
		}
		off += (size_t)n;
	}
	vg_dropbehind_wrote(&of->db, of->fd, off);
	vg_buf_reset(&of->buf);
	return 0;
}

int
vg_outfile_maybe_write(struct vg_outfile *of)
{
	if (of->buf.oom) {
		vg_buf_reset(&of->buf);
		errno = ENOMEM;
		return -1;
	}
	if (of->buf.len >= of->threshold)
		return vg_outfile_flush(of);
	return 0;
}

int
vg_outfile_reopen(struct vg_outfile *of)
{
	int fd;

	if (of->path == NULL)
		return 0;
	(void)vg_outfile_flush(of);
	fd = open(of->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    of->mode);
	if (fd == -1)
		return -1;
	close(of->fd);
	of->fd = fd;
	vg_dropbehind_reopen(&of->db, fd);
	return 0;
}

void
vg_outfile_close(struct vg_outfile *of)
{
	if (vg_outfile_flush(of) == -1)
		vg_log_warn("write %s", of->path ? of->path : "stdout");
	if (of->path != NULL) {
		close(of->fd);
		free(of->path);
	}
	vg_buf_free(&of->buf);
	of->path = NULL;
	of->fd = -1;
}

int
vg_outfile_op_open(struct vg_output *o, const char *arg)
{
	struct vg_outfile *of;
	size_t window;

	if (vg_dropbehind_opt(o, &window) == -1)
		return -1;
	if ((of = calloc(1, sizeof(*of))) == NULL)
		return -1;
	if (vg_outfile_open(of, arg, 0600) == -1) {
		free(of);
		return -1;
	}
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
	vg_outfile_close(o->priv);
	free(o->priv);
	o->priv = NULL;
}
