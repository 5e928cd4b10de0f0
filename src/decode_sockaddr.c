/*
 * decode_sockaddr.c: struct sockaddr bytes (from saddr=) -> document
 * object: inet, inet6, unix (path or abstract name), netlink; other
 * families keep their number and the raw bytes as hex. Reads only within
 * the given length; allocates from the arena only.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "decode_priv.h"

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

static struct vg_node *
add_raw(struct vg_arena *a, struct vg_node *obj, const unsigned char *raw,
    size_t len)
{
	static const char hx[] = "0123456789ABCDEF";
	char *h;
	size_t i;

	if ((h = vg_arena_alloc(a, len * 2 + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		h[2 * i] = hx[raw[i] >> 4];
		h[2 * i + 1] = hx[raw[i] & 15];
	}
	h[2 * len] = '\0';
	return vg_node_add_str(a, obj, VG_STR_LIT("raw"),
	    vg_str_make(h, len * 2));
}

static struct vg_node *
add_ntop(struct vg_arena *a, struct vg_node *obj, int af,
    const unsigned char *addr)
{
	char tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(af, addr, tmp, sizeof(tmp)) == NULL)
		return add_raw(a, obj, addr, af == AF_INET ? 4 : 16);
	return vg_node_add_str(a, obj, VG_STR_LIT("addr"),
	    vg_node_strdup(a, tmp, strlen(tmp)));
}

#define CK(x)	do { if ((x) == NULL) bad = 1; } while (0)

int
vg_decode_sockaddr(struct vg_arena *a, struct vg_node *o,
    const unsigned char *raw, size_t len, int endian, unsigned long *errors)
{
	const unsigned char *path, *nul;
	size_t plen;
	unsigned fam;
	int big;
	char *at;
	int bad = 0;

	if (len < 2) {
		if (errors != NULL)
			(*errors)++;
		return add_raw(a, o, raw, len) == NULL ? -1 : 0;
	}
	/*
	 * sa_family is in host order. Without the writer's arch, guess:
	 * every family number is below 256, so the zero byte tells.
	 */
	if (endian == VG_END_UNKNOWN)
		big = raw[1] != 0 && raw[0] == 0;
	else
		big = endian == VG_END_BIG;
	fam = rd16(raw, big);
	switch (fam) {
	case FAM_INET:
		if (len < 8)
			goto short_;
		CK(vg_node_add_str(a, o, VG_STR_LIT("family"),
		    VG_STR_LIT("inet")));
		CK(add_ntop(a, o, AF_INET, raw + 4));
		CK(vg_node_add_uint(a, o, VG_STR_LIT("port"),
		    rd16(raw + 2, 1)));
		break;
	case FAM_INET6:
		if (len < 24)
			goto short_;
		CK(vg_node_add_str(a, o, VG_STR_LIT("family"),
		    VG_STR_LIT("inet6")));
		CK(add_ntop(a, o, AF_INET6, raw + 8));
		CK(vg_node_add_uint(a, o, VG_STR_LIT("port"),
		    rd16(raw + 2, 1)));
		if (rd32(raw + 4, 1) != 0)
			CK(vg_node_add_uint(a, o, VG_STR_LIT("flowinfo"),
			    rd32(raw + 4, 1)));
		if (len >= 28 && rd32(raw + 24, big) != 0)
			CK(vg_node_add_uint(a, o, VG_STR_LIT("scope_id"),
			    rd32(raw + 24, big)));
		break;
	case FAM_UNIX:
		CK(vg_node_add_str(a, o, VG_STR_LIT("family"),
		    VG_STR_LIT("unix")));
		path = raw + 2;
		plen = len - 2;
		if (plen > 0 && path[0] == '\0') {
			/* abstract: every byte of the name counts, NULs too */
			if ((at = vg_arena_alloc(a, plen + 1)) == NULL)
				return -1;
			at[0] = '@';
			memcpy(at + 1, path + 1, plen - 1);
			at[plen] = '\0';
			CK(vg_node_add_str(a, o, VG_STR_LIT("path"),
			    vg_str_make(at, plen)));
			CK(vg_node_add_bool(a, o, VG_STR_LIT("abstract"), 1));
			break;
		}
		if ((nul = memchr(path, '\0', plen)) != NULL)
			plen = (size_t)(nul - path);
		/* raw is arena memory that lives as long as the tree */
		CK(vg_node_add_str(a, o, VG_STR_LIT("path"),
		    vg_str_make((const char *)path, plen)));
		break;
	case FAM_NETLINK:
		if (len < 12)
			goto short_;
		CK(vg_node_add_str(a, o, VG_STR_LIT("family"),
		    VG_STR_LIT("netlink")));
		CK(vg_node_add_uint(a, o, VG_STR_LIT("pid"),
		    rd32(raw + 4, big)));
		CK(vg_node_add_uint(a, o, VG_STR_LIT("groups"),
		    rd32(raw + 8, big)));
		break;
	default:
		CK(vg_node_add_uint(a, o, VG_STR_LIT("family"), fam));
		CK(add_raw(a, o, raw, len));
		break;
	}
	return bad ? -1 : 0;
short_:
	if (errors != NULL)
		(*errors)++;
	CK(vg_node_add_uint(a, o, VG_STR_LIT("family"), fam));
	CK(vg_node_add_bool(a, o, VG_STR_LIT("truncated"), 1));
	CK(add_raw(a, o, raw, len));
	return bad ? -1 : 0;
}
