/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clock.h: the clocks vigil reads, in one place: monotonic milliseconds
 * and nanoseconds for timeouts, waits and rate limits; wall milliseconds
 * for what is compared with record time (grouping of live input). One
 * clock_gettime(2) each (vDSO, no system call); never fails on Linux.
 */
#ifndef VIGIL_CLOCK_H
#define VIGIL_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC in ms: never steps back; for deadlines and intervals. */
static inline uint64_t
vg_clock_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* CLOCK_MONOTONIC in ns (the syslog output's rate= pacing). */
static inline uint64_t
vg_clock_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* CLOCK_REALTIME in ms since the epoch, the unit of record time. */
static inline uint64_t
vg_clock_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

#endif
