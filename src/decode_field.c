/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode_field.c: one field value -> its member(s) in the event document
 * (docs/events.md): numbers, booleans, decoded text, arch and syscall
 * names, errno names, sockaddr objects, rule keys. Called by the layout
 * driver (layout.c); writes through the lay_*() helpers, so every sink
 * gets the same members. Never logs.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "decode_field.h"
#include "decode_sockaddr.h"
#include "vigil/num.h"
#include "vigil/tables.h"

#define AUDIT_ARCH_LE	0x40000000u	/* __AUDIT_ARCH_LE */

static int
parse_hex32(struct vg_str s, uint32_t *v)
{
	size_t i;

	if (s.len == 0 || s.len > 8)
		return -1;
	*v = 0;
	for (i = 0; i < s.len; i++) {
		unsigned char c = (unsigned char)s.p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

struct vg_str
vg_decode_text(struct vg_arena *a, const struct vg_field *f, int *oom)
{
	char *out;
	long n;

	/* one pass: decode, and fall back to the text if it was not hex
	 * (the arena bytes are then wasted; bounded by the record) */
	if (f->kind != VG_V_BARE || f->val.len == 0 || (f->val.len & 1))
		return f->val;
	if ((out = vg_arena_alloc(a, f->val.len / 2 + 1)) == NULL) {
		*oom = 1;
		return f->val;
	}
	if ((n = vg_hex_decode(f->val, out)) < 0)
		return f->val;
	out[n] = '\0';
	return vg_str_make(out, (size_t)n);
}

unsigned char *
vg_hex_bytes(struct vg_layout *L, struct vg_str v, size_t *len)
{
	char *out;
	long n;

	if (v.len == 0 || (v.len & 1))
		return NULL;
	if ((out = vg_arena_alloc(L->a, v.len / 2 + 1)) == NULL) {
		L->oom = 1;
		return NULL;
	}
	if ((n = vg_hex_decode(v, out)) < 0)
		return NULL;
	*len = (size_t)n;
	return (unsigned char *)out;
}

/* key= value: the kernel joins several keys with 0x01. */
static void
rule_keys(struct vg_layout *L, struct vg_str v)
{
	const char *p = v.p, *end = v.p + v.len, *q;

	while (p < end) {
		if ((q = memchr(p, '\x01', (size_t)(end - p))) == NULL)
			q = end;
		if (q > p)
			vg_lay_rule_key(L, vg_str_make(p, (size_t)(q - p)));
		p = q + 1;
	}
}

static struct vg_str
cstr(const char *s)
{
	return vg_str_make(s, strlen(s));
}

void
vg_frec_set_arch(struct vg_layout *L, struct vg_frec *r, uint32_t aa)
{
	r->arch = vg_arch_from_audit(aa);
	if (r->is_syscall) {
		L->arch = r->arch;
		L->endian = aa & AUDIT_ARCH_LE ? VG_END_LITTLE : VG_END_BIG;
	}
}

const char *
vg_frec_syscall_name(const struct vg_layout *L, const struct vg_frec *r,
    int nr)
{
	return vg_syscall_name((enum vg_arch)(r->arch != VG_ARCH_UNKNOWN ?
	    r->arch : L->arch), nr);
}

static void
arch_value(struct vg_layout *L, struct vg_frec *r, struct vg_str key,
    struct vg_str v)
{
	const char *name;
	uint32_t aa;

	if (parse_hex32(v, &aa) == -1) {
		lay_str(L, key, v);
		return;
	}
	/* hex digits and table names: nothing to escape */
	vg_frec_set_arch(L, r, aa);
	name = vg_arch_name((enum vg_arch)r->arch);
	lay_plain(L, key, name != NULL ? cstr(name) : v);
	lay_plain(L, VG_STR_LIT("arch_id"), v);
}

static void
syscall_value(struct vg_layout *L, struct vg_frec *r, struct vg_str key,
    struct vg_str v)
{
	const char *name;
	int64_t i;

	if (vg_num_i64(v, &i) == -1 || i < 0 || i > INT32_MAX) {
		lay_str(L, key, v);
		return;
	}
	name = vg_frec_syscall_name(L, r, (int)i);
	if (r->is_syscall) {
		if (name != NULL)
			lay_plain(L, VG_STR_LIT("name"), cstr(name));
		lay_i64(L, VG_STR_LIT("nr"), i);
		return;
	}
	lay_i64(L, key, i);
	if (name != NULL)
		lay_plain(L, VG_STR_LIT("syscall_name"), cstr(name));
}

void
vg_field_value(struct vg_layout *L, struct vg_frec *r, struct vg_str key,
    int kind, const struct vg_field *f)
{
	struct vg_str v = f->val;
	const unsigned char *raw;
	const char *name;
	int64_t i;
	size_t len;

	if (f->kind == VG_V_NULL) {
		lay_null(L, key);
		return;
	}
	switch (kind) {
	case VG_FK_INT:
	case VG_FK_UID:
	case VG_FK_GID:
	case VG_FK_SES:
	case VG_FK_SIGNAL:
		lay_num(L, key, v);
		return;
	case VG_FK_ENCODED:
	case VG_FK_PROCTITLE:
		lay_str(L, key, vg_decode_text(L->a, f, &L->oom));
		return;
	case VG_FK_KEY:
		v = vg_decode_text(L->a, f, &L->oom);
		rule_keys(L, v);
		lay_str(L, key, v);
		return;
	case VG_FK_ARCH:
		arch_value(L, r, key, v);
		return;
	case VG_FK_SYSCALL:
		syscall_value(L, r, key, v);
		return;
	case VG_FK_EXIT:
		if (vg_num_i64(v, &i) == -1) {
			lay_num(L, key, v);
			return;
		}
		lay_i64(L, key, i);
		if (i < 0 && i >= -4095 && (name = vg_errno_name((int)-i)) !=
		    NULL)
			lay_plain(L, VG_STR_LIT("errno"), cstr(name));
		return;
	case VG_FK_SUCCESS:
		if (vg_str_eq(v, "yes"))
			lay_bool(L, key, 1);
		else if (vg_str_eq(v, "no"))
			lay_bool(L, key, 0);
		else
			lay_str(L, key, v);
		return;
	case VG_FK_SOCKADDR:
		if (f->kind == VG_V_BARE &&
		    (raw = vg_hex_bytes(L, v, &len)) != NULL) {
			lay_open(L, key, VG_N_OBJ);
			vg_decode_sockaddr(L, raw, len);
			lay_close(L);
			return;
		}
		lay_str(L, key, v);
		return;
	default:
		/* text, modes, masks, hex numbers: as written */
		if (f->flags & VG_FF_PLAIN)
			lay_plain(L, key, v);
		else
			lay_str(L, key, v);
		return;
	}
}

void
vg_proctitle_args(struct vg_layout *L, const struct vg_field *f)
{
	struct vg_str v;
	const char *p, *end, *q;

	if (f->kind == VG_V_NULL || f->kind == VG_V_UNSET)
		return;
	v = vg_decode_text(L->a, f, &L->oom);
	p = v.p;
	end = v.p + v.len;
	/* NUL-separated; a trailing NUL ends the last argument */
	while (p < end) {
		if ((q = memchr(p, '\0', (size_t)(end - p))) == NULL)
			q = end;
		lay_str(L, VG_STR_NULL, vg_str_make(p, (size_t)(q - p)));
		p = q + 1;
	}
}

/* Two decimal digits of v (< 100) at p. */
static void
put2(char *p, unsigned v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/*
 * Civil-from-days, no locale, no libc tz. Events come in runs of the same
 * second: the first 20 characters are cached per second (decoding runs on
 * the main thread only).
 */
void
vg_fmt_time(char out[24], uint64_t sec, uint32_t msec)
{
	static uint64_t cached_sec = UINT64_MAX;
	static char cached[20];
	int64_t days, y, era, doe, yoe, doy, mp;
	unsigned sod, m, d;

	if (sec != cached_sec) {
		days = (int64_t)(sec / 86400) + 719468;
		sod = (unsigned)(sec % 86400);
		era = days / 146097;
		doe = days - era * 146097;
		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
		y = yoe + era * 400;
		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		mp = (5 * doy + 2) / 153;
		d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
		m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
		y += m <= 2;
		if (y > 9999)
			y = 9999;	/* RFC 3339 has four year digits */
		put2(cached, (unsigned)(y / 100));
		put2(cached + 2, (unsigned)(y % 100));
		cached[4] = '-';
		put2(cached + 5, m);
		cached[7] = '-';
		put2(cached + 8, d);
		cached[10] = 'T';
		put2(cached + 11, sod / 3600);
		cached[13] = ':';
		put2(cached + 14, sod / 60 % 60);
		cached[16] = ':';
		put2(cached + 17, sod % 60);
		cached[19] = '.';
		cached_sec = sec;
	}
	if (msec > 999)
		msec = 999;
	memcpy(out, cached, 20);
	out[20] = (char)('0' + msec / 100);
	put2(out + 21, msec % 100);
	out[23] = 'Z';
}
