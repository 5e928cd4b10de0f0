/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse_num.c: numbers in option values that are not plain integers
 * (sizes with a k/m/g suffix). Strict: the whole text or nothing, no sign,
 * no overflow. Never allocates, never logs.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "vigil/parse_num.h"

int
vg_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	}
	if (*end != '\0' || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}
