/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ratelimit.h: the two rate limits of vigil's own log lines about losses
 * and failures, so a flood of them never floods the log and none is
 * silent (the counters are kept by the caller and always complete).
 *   vg_rl_count: by count, "the first few, then every 1000th".
 *   vg_rl_due:   by time, "at most once per interval per slot".
 */
#ifndef VIGIL_RATELIMIT_H
#define VIGIL_RATELIMIT_H

#include <stdint.h>

#define VG_RL_EVERY	1000	/* vg_rl_count: then every this many */

/*
 * vg_rl_count: whether occurrence n (1-based: the counter after it was
 * bumped) is logged: the first `first` of them, then every VG_RL_EVERY-th
 * (1000, 2000, ...). With first = 1: 1, 1000, 2000, ...
 */
static inline int
vg_rl_count(uint64_t n, uint64_t first)
{
	return n <= first || n % VG_RL_EVERY == 0;
}

/*
 * vg_rl_due: whether a line may be logged now (now_ms: vg_clock_mono_ms())
 * given the slot *last (0: never logged): true the first time and when
 * every_ms have passed since the last true, which then moves *last to
 * now_ms.
 */
static inline int
vg_rl_due(uint64_t *last, uint64_t now_ms, uint64_t every_ms)
{
	if (*last != 0 && now_ms - *last < every_ms)
		return 0;
	*last = now_ms;
	return 1;
}

#endif
