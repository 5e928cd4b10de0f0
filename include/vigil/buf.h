/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buf.h: growable output byte buffer (data is start..len). Appends take
 * explicit lengths. On allocation failure the buffer sets ->oom and further
 * appends are ignored, so writers check once at the end.
 */
#ifndef VIGIL_BUF_H
#define VIGIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct vg_buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	int	 oom;
};

#include <string.h>

/* The decimal digits of v at o (room for 20, no NUL); their count. For
 * writers that place numbers inside text they reserved themselves. Two
 * digits per division, written from the end. */
size_t	vg_u64_digits(char *o, uint64_t v);

/* vg_u64_digits for numbers that mostly count up by one (the events'
 * serials): the last number's digits are kept and the next one's made
 * by adding one to them. Zero it before first use. */
struct vg_u64_memo {
	uint64_t	 v;
	uint8_t		 len;		/* 0: empty */
	char		 d[20];
};

size_t	vg_u64_digits_memo(struct vg_u64_memo *, char *o, uint64_t v);

void	vg_buf_init(struct vg_buf *);
void	vg_buf_free(struct vg_buf *);
void	vg_buf_reset(struct vg_buf *);	/* len = 0, keeps memory */
int	vg_buf_grow(struct vg_buf *, size_t extra);	/* slow path */
void	vg_buf_adds(struct vg_buf *, const char *);	/* NUL-terminated */
void	vg_buf_add_u64(struct vg_buf *, uint64_t);
void	vg_buf_add_i64(struct vg_buf *, int64_t);
/* Makes room for extra more bytes (plus one spare); 0 or -1 (->oom).
 * Inline: the JSON writer calls it per string and per punctuation. */
static inline int
vg_buf_reserve(struct vg_buf *b, size_t extra)
{
	if (__builtin_expect(!b->oom && b->cap - b->len > extra, 1))
		return 0;
	return vg_buf_grow(b, extra);
}

static inline void
vg_buf_add(struct vg_buf *b, const void *p, size_t n)
{
	if (n == 0 || vg_buf_reserve(b, n) == -1)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void
vg_buf_addc(struct vg_buf *b, char c)
{
	if (vg_buf_reserve(b, 1) == -1)
		return;
	b->data[b->len++] = c;
}

void	vg_buf_printf(struct vg_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
