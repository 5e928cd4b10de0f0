/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse_num.h: numbers in option values (src/parse_num.c), shared by the
 * outputs' option tables.
 */
#ifndef VIGIL_PARSE_NUM_H
#define VIGIL_PARSE_NUM_H

#include <stdint.h>

/*
 * vg_parse_size: a size "123", "64k", "16m", "1g" (k/m/g or K/M/G: 2^10,
 * 2^20, 2^30) into *out. Decimal digits first, nothing after the suffix.
 * Returns 0, or -1 (*out untouched) for anything else or past UINT64_MAX.
 */
int	vg_parse_size(const char *s, uint64_t *out);

#endif
