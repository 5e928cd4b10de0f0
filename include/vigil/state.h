/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state.h: one snapshot of the daemon's state (docs/operating.md), taken
 * from the counters the pipeline, the input, the filters and the outputs
 * already keep, and its renderings: "key value" text (vigilctl state,
 * /run/vigild.state), JSON (vigilctl state --json), a one-line summary
 * (syslog) and the Prometheus exposition (metrics.c). One walk collects,
 * the renderers only read the snapshot.
 */
#ifndef VIGIL_STATE_H
#define VIGIL_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/buf.h"
#include "vigil/output.h"
#include "vigil/pipeline.h"

#define VG_STATE_MAX	64	/* outputs, and filters, reported */

struct vg_input;

struct vg_state_output {
	const char		*spec;		/* borrowed from the output */
	const char		*kind;		/* ops->name */
	struct vg_output_stats	 s;
	int			 up;		/* 1 connected/usable, 0 down */
};

struct vg_state_filter {
	const char	*name;			/* borrowed */
	const char	*kind;			/* "lua", "prefilter" */
	uint64_t	 passed, dropped, errors, ns;
};

struct vg_state_kernel {
	int		 ok;			/* AUDIT_GET answered */
	uint32_t	 enabled, failure, pid, rate_limit, backlog_limit;
	uint32_t	 lost, backlog, backlog_wait_time;
	uint32_t	 backlog_wait_time_actual;
};

struct vg_state {
	const char		*version;
	const char		*mode;		/* unicast, multicast, replay */
	int32_t			 pid;
	uint64_t		 start_wall_ms;
	uint64_t		 uptime_ms;
	int			 audit_pid_held;
	struct vg_state_kernel	 k;
	struct vg_counters	 c;
	size_t			 pending, pending_bytes;
	uint64_t		 rss_bytes;
	struct vg_state_output	 out[VG_STATE_MAX];
	int			 nout;
	struct vg_state_filter	 filt[VG_STATE_MAX];
	int			 nfilt;
};

/*
 * Fills st from pl and in (NULL: no live input, no kernel status asked).
 * start_mono_ms/start_wall_ms: when the daemon started. Asks the kernel
 * (one AUDIT_GET) when in is not NULL. Pointers in st are borrowed from
 * pl until an output or filter is closed.
 */
void	vg_state_collect(struct vg_state *st, struct vg_pipeline *pl,
	    struct vg_input *in, uint64_t start_mono_ms,
	    uint64_t start_wall_ms);
/* Renderings, appended to b (b->oom on failure). */
void	vg_state_text(const struct vg_state *, struct vg_buf *b);
void	vg_state_json(const struct vg_state *, struct vg_buf *b);
void	vg_state_summary(const struct vg_state *, struct vg_buf *b);
/*
 * Writes the text rendering to path atomically (path.tmp, then rename),
 * mode 0640. 0, or -1 with errno.
 */
int	vg_state_write_file(const struct vg_state *, const char *path);
/* The process's resident set size in bytes (0 if unknown). */
uint64_t vg_state_rss(void);

#endif
