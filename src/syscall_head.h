/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscall_head.h: the start of a SYSCALL record as the kernel writes it,
 * "arch=H syscall=N success=W exit=N a0=H a1=H a2=H a3=H items=N ", plain
 * values one space apart, read without the tokenizer: the same fields, as
 * vg_fields_next() would give them. What follows (from "ppid=") is the
 * tokenizer's. The layout writes the head's fields from it (layout.c);
 * the context reads its own from it and keeps what the rest gave by the
 * rest's text (context/ctx_sysrec.c). Header-only: both are hot paths.
 */
#ifndef VIGIL_SYSCALL_HEAD_H
#define VIGIL_SYSCALL_HEAD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode_field.h"	/* VG_FF_PLAIN */
#include "vigil/record.h"
#include "vigil/tables.h"

#define VG_SYSHEAD_N	9	/* fields of the head */

/* Field i of the head (enum order), with the value code's kind. */
enum { VG_SH_ARCH, VG_SH_SYSCALL, VG_SH_SUCCESS, VG_SH_EXIT, VG_SH_A0,
	VG_SH_A1, VG_SH_A2, VG_SH_A3, VG_SH_ITEMS };

static const struct {
	char	 key[8];
	uint8_t	 len;
	uint8_t	 kind;		/* VG_FK_* */
} vg_syshead[VG_SYSHEAD_N] = {
	{ "arch", 4, VG_FK_ARCH }, { "syscall", 7, VG_FK_SYSCALL },
	{ "success", 7, VG_FK_SUCCESS }, { "exit", 4, VG_FK_EXIT },
	{ "a0", 2, VG_FK_HEX }, { "a1", 2, VG_FK_HEX },
	{ "a2", 2, VG_FK_HEX }, { "a3", 2, VG_FK_HEX },
	{ "items", 5, VG_FK_INT },
};

/* Bytes a value of the head may have to be taken in one pass: what the
 * tokenizer reads as a bare value, whatever its position. */
static const uint8_t vg_syshead_byte[256] = {
	['-'] = 1, ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
};

/* The head fields of body into f[]: the bytes read (its trailing space
 * too), or 0 for another shape. */
static inline __attribute__((always_inline)) size_t
vg_syshead_scan(struct vg_str body, struct vg_field f[VG_SYSHEAD_N])
{
	const char *p = body.p, *end = body.p + body.len, *v;
	unsigned i;

	for (i = 0; i < VG_SYSHEAD_N; i++) {
		if ((size_t)(end - p) <= vg_syshead[i].len ||
		    memcmp(p, vg_syshead[i].key, vg_syshead[i].len) != 0 ||
		    p[vg_syshead[i].len] != '=')
			return 0;
		v = p += vg_syshead[i].len + 1;
		while (p < end && vg_syshead_byte[(unsigned char)*p])
			p++;
		if (p == v || (p < end && *p != ' '))
			return 0;
		f[i].key = vg_str_make(v - vg_syshead[i].len - 1,
		    vg_syshead[i].len);
		f[i].val = vg_str_make(v, (size_t)(p - v));
		f[i].kind = VG_V_BARE;
		f[i].flags = VG_FF_PLAIN;
		if (p < end)
			p++;
	}
	return (size_t)(p - body.p);
}

#endif
