/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * buf.c: growable output buffer. Allocation failure is sticky (->oom) so
 * writers check once; the buffer never overflows.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/buf.h"

void
vg_buf_init(struct vg_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
vg_buf_free(struct vg_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void
vg_buf_reset(struct vg_buf *b)
{
	b->len = 0;
	b->oom = 0;
}

int
vg_buf_grow(struct vg_buf *b, size_t extra)
{
	size_t cap;
	char *p;

	if (b->oom)
		return -1;
	if (b->cap - b->len > extra)
		return 0;
	cap = b->cap ? b->cap : 4096;
	while (cap - b->len <= extra) {
		if (cap > SIZE_MAX / 2)
			goto oom;
		cap *= 2;
	}
	if ((p = realloc(b->data, cap)) == NULL)
		goto oom;
	b->data = p;
	b->cap = cap;
	return 0;
oom:
	b->oom = 1;
	return -1;
}

void
vg_buf_adds(struct vg_buf *b, const char *s)
{
	vg_buf_add(b, s, strlen(s));
}

size_t
vg_u64_digits(char *o, uint64_t v)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "62636465666768697071727374757677787980818283848586878889909192"
	    "93949596979899";
	uint64_t t = v;
	size_t n = 1;

	if (v < 10000)		/* the length by compares when short */
		n = 1 + (v >= 10) + (v >= 100) + (v >= 1000);
	else if (v < 100000000)
		n = 5 + (v >= 100000) + (v >= 1000000) + (v >= 10000000);
	else {
		while (t >= 10000) {
			t /= 10000;
			n += 4;
		}
		n += (t >= 10) + (t >= 100) + (t >= 1000);
	}
	o += n;
	/* backwards, two digits per division */
	while (v >= 100) {
		o -= 2;
		memcpy(o, pairs + (v % 100) * 2, 2);
		v /= 100;
	}
	if (v >= 10)
		memcpy(o - 2, pairs + v * 2, 2);
	else
		o[-1] = (char)('0' + v);
	return n;
}

size_t
vg_u64_digits_memo(struct vg_u64_memo *m, char *o, uint64_t v)
{
	size_t i;

	if (m->len > 0 && v == m->v + 1 && m->v != UINT64_MAX) {
		/* trailing nines become zeros; all nines: one digit more
		 * (20 nines are above UINT64_MAX: room for it) */
		for (i = m->len; i > 0 && m->d[i - 1] == '9'; i--)
			m->d[i - 1] = '0';
		if (i > 0)
			m->d[i - 1]++;
		else {
			memmove(m->d + 1, m->d, m->len);
			m->d[0] = '1';
			m->len++;
		}
		m->v = v;
	} else if (m->len == 0 || v != m->v) {
		m->len = (uint8_t)vg_u64_digits(m->d, v);
		m->v = v;
	}
	memcpy(o, m->d, sizeof(m->d));	/* the caller has room for 20 */
	return m->len;
}

void
vg_buf_add_u64(struct vg_buf *b, uint64_t v)
{
	if (vg_buf_reserve(b, 20) == -1)
		return;
	b->len += vg_u64_digits(b->data + b->len, v);
}

void
vg_buf_add_i64(struct vg_buf *b, int64_t v)
{
	if (v < 0) {
		vg_buf_addc(b, '-');
		vg_buf_add_u64(b, (uint64_t)0 - (uint64_t)v);
	} else
		vg_buf_add_u64(b, (uint64_t)v);
}

void
vg_buf_printf(struct vg_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || vg_buf_reserve(b, (size_t)n + 1) == -1)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
