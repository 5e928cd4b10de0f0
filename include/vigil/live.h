/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * live.h: the two halves of the live netlink input (src/inputs/), behind
 * input.h's vg_input_unicast/vg_input_multicast/vg_input_close/
 * vg_input_dump. receive.c: the receive core both inputs share (batches,
 * datagrams into the pipeline, counters). daemon.c: what the unicast input
 * changes in the kernel to be its audit daemon, and puts back.
 */
#ifndef VIGIL_LIVE_H
#define VIGIL_LIVE_H

#include <stddef.h>

struct event_base;
struct vg_input;
struct vg_input_opts;
struct vg_live_daemon;
struct vg_nl;
struct vg_pipeline;

/* ---- receive.c ---- */

/*
 * Takes the socket nl (owned from then on, also on failure), sets its
 * receive buffer (opts->rcvbuf), allocates the batch buffers once and
 * registers the read event on base; records go to pl. name ("unicast")
 * prefixes log lines. Returns NULL (logged) on failure.
 */
struct vg_input	*vg_live_new(struct event_base *, struct vg_pipeline *,
		    const struct vg_input_opts *, struct vg_nl *nl,
		    const char *name);
/* nl is connected to the kernel: read without sender addresses. */
void		 vg_live_kernel_only(struct vg_input *);
/* The input's socket (borrowed). */
struct vg_nl	*vg_live_socket(const struct vg_input *);
typedef void	 vg_live_stop_fn(void *owner);
typedef void	 vg_live_status_fn(void *owner, char *buf, size_t len);
/* The owner of the kernel state the input changed: vg_input_close calls
 * stop(owner) first (puts the kernel back), the dump line status(owner);
 * without an owner the status comes through a socket opened for it. */
void		 vg_live_attach(struct vg_input *, vg_live_stop_fn *stop,
		    vg_live_status_fn *status, void *owner);
/* The owner attached with this stop hook, else NULL (so the owner's
 * module finds its own state without receive.c knowing it). */
void		*vg_live_owner(const struct vg_input *, vg_live_stop_fn *stop);

/* ---- daemon.c ---- */

/*
 * Makes this process the audit daemon with data (the input's socket, the
 * one the kernel is to send to; borrowed): self-exclusion rule, audit pid
 * (opts->force: SIGTERM a live holder and wait), enabled=1 unless
 * opts->no_enable. Registers the restore at exit(3) and on fatal signals.
 * Returns NULL (logged; whatever it changed put back) on failure.
 */
struct vg_live_daemon *vg_live_daemon_start(struct vg_nl *data,
		    const struct vg_input_opts *, const char *name);
/* Puts back what d changed (enabled, rule, pid) and frees it. NULL: no-op. */
void		 vg_live_daemon_stop(struct vg_live_daemon *d);
/*
 * pushdown = yes: removes the pushdown rules d added before, compiles the
 * drop lines (pushdown.h) and prepends those the kernel can take, so they
 * are evaluated before every loaded rule. Each line is logged (info) as a
 * kernel rule or as staying in userspace, with the reason. The rules are
 * removed by vg_live_daemon_stop, at exit(3) and on fatal signals, and
 * named in the state file vigilctl -l reads. 0, or -1 (logged).
 */
int		 vg_live_daemon_pushdown(struct vg_live_daemon *d,
		    char *const drops[], int ndrops);
/* The kernel's audit status as a dump line's text (d NULL: through a
 * socket opened for the call), or "unavailable (reason)". */
void		 vg_live_kernel_status(struct vg_live_daemon *d, char *buf,
		    size_t len);

#endif
