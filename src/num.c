/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * num.c: decimal text as a number (vigil/num.h). No locale, no errno, no
 * strtoull: a record's text decides nothing but the digits.
 */
#include <stdint.h>

#include "vigil/num.h"

int
vg_num_u64(struct vg_str s, uint64_t *v)
{
	size_t i;

	if (s.len == 0 || s.len > 20)
		return -1;
	*v = 0;
	for (i = 0; i < s.len; i++) {
		unsigned d = (unsigned char)s.p[i] - '0';

		if (d > 9 || *v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
	}
	return 0;
}

int
vg_num_i64(struct vg_str s, int64_t *v)
{
	uint64_t u;

	if (s.len > 1 && s.p[0] == '-') {
		if (vg_num_u64(vg_str_make(s.p + 1, s.len - 1), &u) == -1 ||
		    u > (uint64_t)INT64_MAX + 1)
			return -1;
		*v = u == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)u;
		return 0;
	}
	if (vg_num_u64(s, &u) == -1 || u > INT64_MAX)
		return -1;
	*v = (int64_t)u;
	return 0;
}

int
vg_num_parse(struct vg_str s, uint64_t *u, int64_t *i)
{
	if (vg_num_u64(s, u) == 0)
		return 1;
	if (vg_num_i64(s, i) == 0)
		return 2;
	return 0;
}
