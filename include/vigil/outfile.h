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

#include <sys/types.h>

#include "vigil/buf.h"
#include "vigil/dropbehind.h"

struct vg_outfile {
	char		*path;		/* NULL for stdout */
	int		 fd;
	mode_t		 mode;		/* for creation, default 0600 */
	size_t		 threshold;	/* write out when buf is this big */
	struct vg_buf	 buf;
	struct vg_dropbehind db;	/* off for stdout */
};

int	vg_outfile_open(struct vg_outfile *, const char *path, mode_t mode);
/* Call after appending to ->buf; writes out if past the threshold. */
int	vg_outfile_maybe_write(struct vg_outfile *);
int	vg_outfile_flush(struct vg_outfile *);
int	vg_outfile_reopen(struct vg_outfile *);
/* Drop-behind window for this file (bytes, 0 = off); default 8 MiB. */
void	vg_outfile_set_drop_behind(struct vg_outfile *, size_t window);
void	vg_outfile_close(struct vg_outfile *);

/* The ops every plain file output shares (json, raw): o->priv is a
 * struct vg_outfile opened on arg; takes the option drop_behind. */
struct vg_output;
int	vg_outfile_op_open(struct vg_output *, const char *arg);
int	vg_outfile_op_flush(struct vg_output *);
int	vg_outfile_op_reopen(struct vg_output *);
void	vg_outfile_op_close(struct vg_output *);

#endif
