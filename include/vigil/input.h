/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * input.h: where records come from. Live inputs (netlink unicast and
 * multicast: src/inputs/receive.c, daemon.c, multicast.c; live.h) run on
 * the libevent loop and feed the pipeline; replay (src/inputs/replay.c)
 * reads log files synchronously.
 */
#ifndef VIGIL_INPUT_H
#define VIGIL_INPUT_H

#include <stddef.h>
#include <stdint.h>

struct event_base;
struct vg_pipeline;

struct vg_input_opts {
	int		force;		/* take the audit pid from a live holder */
	int		no_enable;	/* do not set enabled=1 */
	int		discard;	/* receive and drop (benchmark floor) */
	size_t		rcvbuf;		/* SO_RCVBUF(FORCE) bytes; 0 = 64 MiB */
	unsigned	batch_delay_ms;	/* wait after a short batch so messages
					 * coalesce (default 2; 0 = off) */
};

struct vg_input;

/* Unicast: becomes the audit daemon (pid), enables audit unless no_enable,
 * adds the self-exclusion rule. Returns NULL (logged) on failure. */
struct vg_input	*vg_input_unicast(struct event_base *, struct vg_pipeline *,
		    const struct vg_input_opts *);
/* Multicast: read-only AUDIT_NLGRP_READLOG subscriber; changes nothing. */
struct vg_input	*vg_input_multicast(struct event_base *, struct vg_pipeline *,
		    const struct vg_input_opts *);
/* Restores the kernel state the input changed (pid, enabled, own rule). */
void		 vg_input_close(struct vg_input *);
/* Unicast: (re)installs the kernel rules of pushdown = yes from the drop
 * lines (live.h, vg_live_daemon_pushdown). -1 + ENOTSUP otherwise. */
int		 vg_input_pushdown(struct vg_input *, char *const drops[],
		    int ndrops);
/* Writes a state line (counters, kernel status) to fd (SIGCONT dump). */
void		 vg_input_dump(struct vg_input *, int fd);
/* The kernel's audit status as in->daemon sees it (AUDIT_GET, one
 * request; multicast asks through a socket opened for the call). Sets
 * *held if this input holds the audit pid. 0, or -1 with errno. */
struct audit_status;
int		 vg_input_kernel(struct vg_input *, struct audit_status *,
		    int *held);
/* "unicast" or "multicast". */
const char	*vg_input_name(const struct vg_input *);

/* Replay: reads each file ("-" = stdin) line by line into the pipeline,
 * time from the records; flushes at the end. Returns 0, -1 if a file could
 * not be opened (logged; the others are still read). */
int		 vg_replay_files(struct vg_pipeline *, char *const files[],
		    int nfiles);
/* The same in steps, so vigild opens the files before it drops its
 * capabilities: vg_replay_open opens every regular file (fd -1 where it
 * failed, logged; "-" is stdin; a fifo or device is opened when its turn
 * comes, as it may block until written) into an array vg_replay_close
 * closes and frees; NULL with errno if out of memory. vg_replay_fds reads
 * them in order, closing each when done. */
int		*vg_replay_open(char *const files[], int nfiles);
int		 vg_replay_fds(struct vg_pipeline *, int fds[],
		    char *const files[], int nfiles);
void		 vg_replay_close(int *fds, int nfiles);

#endif
