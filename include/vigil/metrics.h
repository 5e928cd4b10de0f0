/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics.h: the Prometheus endpoint (docs/operating.md, "Metrics"): the
 * text exposition of a state snapshot, served by libevent's evhttp on the
 * daemon's loop at "http://ADDR:PORT/PATH" (ADDR a literal address) or
 * "unix:/PATH" (any HTTP path), and the same text for "vigilctl metrics".
 */
#ifndef VIGIL_METRICS_H
#define VIGIL_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/buf.h"
#include "vigil/state.h"

#define VG_METRICS_MAXHEADERS	8192	/* request headers, bytes */
#define VG_METRICS_TIMEOUT_S	5	/* a connection idle this long */

struct event_base;
struct vg_input;
struct vg_pipeline;
struct vg_metrics;
struct vg_top;

/* Where a metrics spec listens (parsed, not opened). */
struct vg_metrics_addr {
	int		 unix_path;	/* 1: path is a socket path */
	char		 path[108];	/* socket path, or the HTTP path */
	char		 host[64];	/* literal address */
	unsigned	 port;
	int		 loopback;	/* host is 127.0.0.0/8 or ::1 */
};

/*
 * Parses spec: "http://HOST:PORT[/PATH]" with HOST a literal IPv4
 * address, "[IPv6]" or "localhost" (127.0.0.1), PATH default /metrics;
 * or "unix:/PATH". Names are refused: what they resolve to is not what
 * the admin wrote. 0, or -1 with a reason in err.
 */
int	vg_metrics_parse(const char *spec, struct vg_metrics_addr *,
	    char *err, size_t errlen);
/* The exposition of st (and of the top tallies, if top is not NULL). */
void	vg_metrics_render(const struct vg_state *st, const struct vg_top *top,
	    struct vg_buf *out);
/* Starts serving; NULL (logged) on failure. */
struct vg_metrics *vg_metrics_open(struct event_base *, const char *spec,
	    struct vg_pipeline *, struct vg_input *, const struct vg_top *,
	    uint64_t start_mono_ms, uint64_t start_wall_ms);
void	vg_metrics_close(struct vg_metrics *);

#endif
