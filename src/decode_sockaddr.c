/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode_sockaddr.c: struct sockaddr bytes (from saddr=) -> document
 * object: inet, inet6, unix (path or abstract name), netlink; other
 * families keep their number and the raw bytes as hex. Reads only within
 * the given length; members go out through the lay_*() helpers
 * (layout_emit.h).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "decode_sockaddr.h"

#define FAM_UNIX	1
#define FAM_INET	2
#define FAM_INET6	10
#define FAM_NETLINK	16

static uint16_t
rd16(const unsigned char *p, int big)
{
	if (big)
		return (uint16_t)(p[0] << 8 | p[1]);
	return (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t
rd32(const unsigned char *p, int big)
{
	if (big)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

static void
add_raw(struct vg_layout *L, const unsigned char *raw, size_t len)
{
	static const char hx[] = "0123456789ABCDEF";
	char *h;
	size_t i;

	if ((h = vg_arena_alloc(L->a, len * 2 + 1)) == NULL) {
		L->oom = 1;
		return;
	}
	for (i = 0; i < len; i++) {
		h[2 * i] = hx[raw[i] >> 4];
		h[2 * i + 1] = hx[raw[i] & 15];
	}
	h[2 * len] = '\0';
	lay_plain(L, VG_STR_LIT("raw"), vg_str_make(h, len * 2));
}

/* Dotted quad, as inet_ntop writes it (which costs a vsprintf). */
static size_t
ipv4_text(const unsigned char *a, char *out)
{
	char *o = out;
	unsigned i, b;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			*o++ = '.';
		b = a[i];
		if (b >= 100)
			*o++ = (char)('0' + b / 100);
		if (b >= 10)
			*o++ = (char)('0' + b / 10 % 10);
		*o++ = (char)('0' + b % 10);
	}
	*o = '\0';
	return (size_t)(o - out);
}

static void
add_ntop(struct vg_layout *L, int af, const unsigned char *addr)
{
	char tmp[INET6_ADDRSTRLEN];
	struct vg_str v;
	size_t n;

	if (af == AF_INET)
		n = ipv4_text(addr, tmp);
	else if (inet_ntop(af, addr, tmp, sizeof(tmp)) != NULL)
		n = strlen(tmp);
	else {
		add_raw(L, addr, 16);
		return;
	}
	if ((v = vg_node_strdup(L->a, tmp, n)).p == NULL) {
		L->oom = 1;
		return;
	}
	lay_plain(L, VG_STR_LIT("addr"), v);
}

void
vg_decode_sockaddr(struct vg_layout *L, const unsigned char *raw, size_t len)
{
	const unsigned char *path, *nul;
	size_t plen;
	unsigned fam;
	int big;
	char *at;

	if (len < 2) {
		L->errors++;
		add_raw(L, raw, len);
		return;
	}
	/*
	 * sa_family is in host order. Without the writer's arch, guess:
	 * every family number is below 256, so the zero byte tells.
	 */
	if (L->endian == VG_END_UNKNOWN)
		big = raw[1] != 0 && raw[0] == 0;
	else
		big = L->endian == VG_END_BIG;
	fam = rd16(raw, big);
	switch (fam) {
	case FAM_INET:
		if (len < 8)
			break;
		lay_plain(L, VG_STR_LIT("family"), VG_STR_LIT("inet"));
		add_ntop(L, AF_INET, raw + 4);
		lay_u64(L, VG_STR_LIT("port"), rd16(raw + 2, 1));
		return;
	case FAM_INET6:
		if (len < 24)
			break;
		lay_plain(L, VG_STR_LIT("family"), VG_STR_LIT("inet6"));
		add_ntop(L, AF_INET6, raw + 8);
		lay_u64(L, VG_STR_LIT("port"), rd16(raw + 2, 1));
		if (rd32(raw + 4, 1) != 0)
			lay_u64(L, VG_STR_LIT("flowinfo"), rd32(raw + 4, 1));
		if (len >= 28 && rd32(raw + 24, big) != 0)
			lay_u64(L, VG_STR_LIT("scope_id"), rd32(raw + 24, big));
		return;
	case FAM_UNIX:
		lay_plain(L, VG_STR_LIT("family"), VG_STR_LIT("unix"));
		path = raw + 2;
		plen = len - 2;
		if (plen > 0 && path[0] == '\0') {
			/* abstract: every byte of the name counts, NULs too */
			if ((at = vg_arena_alloc(L->a, plen + 1)) == NULL) {
				L->oom = 1;
				return;
			}
			at[0] = '@';
			memcpy(at + 1, path + 1, plen - 1);
			at[plen] = '\0';
			lay_str(L, VG_STR_LIT("path"), vg_str_make(at, plen));
			lay_bool(L, VG_STR_LIT("abstract"), 1);
			return;
		}
		if ((nul = memchr(path, '\0', plen)) != NULL)
			plen = (size_t)(nul - path);
		/* raw is arena memory that lives as long as the tree */
		lay_str(L, VG_STR_LIT("path"),
		    vg_str_make((const char *)path, plen));
		return;
	case FAM_NETLINK:
		if (len < 12)
			break;
		lay_plain(L, VG_STR_LIT("family"), VG_STR_LIT("netlink"));
		lay_u64(L, VG_STR_LIT("pid"), rd32(raw + 4, big));
		lay_u64(L, VG_STR_LIT("groups"), rd32(raw + 8, big));
		return;
	default:
		lay_u64(L, VG_STR_LIT("family"), fam);
		add_raw(L, raw, len);
		return;
	}
	/* too short for its family */
	L->errors++;
	lay_u64(L, VG_STR_LIT("family"), fam);
	lay_bool(L, VG_STR_LIT("truncated"), 1);
	add_raw(L, raw, len);
}
