/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * num.h: decimal text as a number (src/num.c), the one reading the
 * layout, its sinks and the JSON writer share: audit values are text,
 * and "a number if it is one" must mean the same everywhere.
 */
#ifndef VIGIL_NUM_H
#define VIGIL_NUM_H

#include <stdint.h>

#include "vigil/str.h"

/* Digits only, 1 to 20 of them, no overflow: 0 and *v, or -1. */
int	vg_num_u64(struct vg_str, uint64_t *v);
/* An optional '-' then vg_num_u64's digits, in range: 0 and *v, or -1. */
int	vg_num_i64(struct vg_str, int64_t *v);
/* 1 (u64 in *u), 2 (i64 in *i), 0 not a number. */
int	vg_num_parse(struct vg_str, uint64_t *u, int64_t *i);

#endif
