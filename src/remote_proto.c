/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote_proto.c: audisp-remote's header and the framing of a byte stream
 * into its messages (remote_proto.h). Pure functions over the caller's
 * bytes: no I/O, no allocation, never reads past the length given, so the
 * receive side can be fuzzed alone (tests/fuzz/fuzz_remote_proto.c).
 */
#include <string.h>

#include "vigil/remote_proto.h"

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

void
vg_rmw_pack(unsigned char out[VG_RMW_HDR], uint32_t type, uint16_t len,
    uint32_t seq)
{
	put32(out, VG_RMW_MAGIC);
	out[4] = VG_RMW_VERSION;
	out[5] = 0;
	put32(out + 6, type);
	out[10] = (unsigned char)(len & 0xff);
	out[11] = (unsigned char)(len >> 8);
	put32(out + 12, seq);
}

int
vg_rmw_unpack(const unsigned char *p, struct vg_rmw_hdr *h)
{
	if (get32(p) != VG_RMW_MAGIC)
		return -1;
	h->hver = p[4];
	h->mver = p[5];
	h->type = get32(p + 6);
	h->len = (uint16_t)(p[10] | p[11] << 8);
	h->seq = get32(p + 12);
	return 0;
}

/* Does buf[0..len) (len < 4) start the magic? */
static int
magic_prefix(const unsigned char *buf, size_t len)
{
	unsigned char m[4];

	put32(m, VG_RMW_MAGIC);
	return len > 0 && memcmp(buf, m, len < 4 ? len : 4) == 0;
}

static enum vg_rmw_kind
bad(struct vg_rmw_frame *f, const char *why)
{
	f->kind = VG_RMW_BAD;
	f->why = why;
	return f->kind;
}

enum vg_rmw_kind
vg_rmw_next(const unsigned char *buf, size_t len, size_t max_line,
    struct vg_rmw_frame *f)
{
	const unsigned char *nl;
	size_t look;

	memset(f, 0, sizeof(*f));
	if (len == 0)
		return VG_RMW_NEED;
	if (magic_prefix(buf, len)) {
		if (len < VG_RMW_HDR)
			return VG_RMW_NEED;
		(void)vg_rmw_unpack(buf, &f->hdr);
		if (f->hdr.hver != VG_RMW_VERSION)
			return bad(f, "unknown header version");
		if (f->hdr.len > VG_RMW_MAX_MSG)
			return bad(f, "message longer than 8970 bytes");
		if (len - VG_RMW_HDR < f->hdr.len)
			return VG_RMW_NEED;
		f->kind = VG_RMW_FRAME;
		f->text = (const char *)buf + VG_RMW_HDR;
		f->len = f->hdr.len;
		f->used = VG_RMW_HDR + (size_t)f->hdr.len;
		return f->kind;
	}
	look = len < max_line ? len : max_line;
	if ((nl = memchr(buf, '\n', look)) == NULL)
		return len >= max_line ? bad(f, "line too long") : VG_RMW_NEED;
	f->kind = VG_RMW_LINE;
	f->text = (const char *)buf;
	f->len = (size_t)(nl - buf);
	f->used = f->len + 1;
	return f->kind;
}
