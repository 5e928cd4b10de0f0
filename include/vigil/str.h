/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * str.h: borrowed byte slices. A vg_str never owns its bytes; who owns them
 * is said where the slice is produced (receive buffer, arena, static table).
 */
#ifndef VIGIL_STR_H
#define VIGIL_STR_H

#include <stddef.h>
#include <string.h>

struct vg_str {
	const char	*p;
	size_t		 len;
};

#define VG_STR_LIT(s)	((struct vg_str){ (s), sizeof(s) - 1 })
#define VG_STR_NULL	((struct vg_str){ NULL, 0 })

static inline struct vg_str
vg_str_make(const char *p, size_t len)
{
	struct vg_str s = { p, len };
	return s;
}

static inline int
vg_str_eq(struct vg_str a, const char *lit)
{
	size_t n = strlen(lit);
	return a.len == n && (n == 0 || memcmp(a.p, lit, n) == 0);
}

#endif
