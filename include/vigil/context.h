/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * context.h: who ran it, from where, in which container (src/context/).
 * A bounded process table fed by the event stream (execve, clone/fork,
 * exit) and, for processes the stream did not show, by /proc once; the
 * "host" and "context" members the layout driver writes from it
 * (docs/events.md, Context); labels; names of ids. One per daemon.
 */
#ifndef VIGIL_CONTEXT_H
#define VIGIL_CONTEXT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/event.h"

#define VG_CTX_DEPTH_MAX	16	/* parents written at most */
#define VG_CTX_LABELS_MAX	32	/* label names configured */
#define VG_CTX_ENV_MAX		16	/* variables in the allow-list */

struct vg_ctx_opts {
	int		 proc;		/* read /proc for unseen processes */
	const char	*proc_root;	/* NULL: "/proc" (tests) */
	unsigned	 max_procs;	/* table entries, LRU beyond */
	unsigned	 depth;		/* parents written (default 4) */
	const char	*state_file;	/* NULL: none */
	const char	*host;		/* NULL: gethostname() */
	const char	*env;		/* "NAME NAME ..." allow-list, or NULL */
	const char	*const *labels;	/* "NAME exe=GLOB" ... */
	size_t		 nlabels;
	const char	*passwd;	/* NULL: /etc/passwd (mtime checks) */
	const char	*group;		/* NULL: /etc/group */
};

struct vg_ctx_stats {
	uint64_t	 entries;	/* processes in the table */
	uint64_t	 inserted;
	uint64_t	 evicted;	/* pushed out by the LRU bound */
	uint64_t	 proc_reads;	/* processes read from /proc */
	uint64_t	 reused;	/* pid reuse detected (start time) */
	uint64_t	 rendered;	/* context texts written afresh */
	uint64_t	 cached;	/* ... pasted from an entry's cache */
	uint64_t	 sysrec_reads;	/* SYSCALL texts read field by field
					 * (not from the memo) */
};

struct vg_ctx;
struct vg_proc;

/* Defaults: proc on, 16384 entries, depth 4, no state file. */
void		 vg_ctx_opts_init(struct vg_ctx_opts *);
/*
 * A new context; labels are checked (msg gets "label \"...\": why" for
 * the first bad one; NULL with EINVAL). With a state file, the table is
 * read from it (a missing file is no error; what is wrong with one is
 * logged, "file:line: why", and left out).
 */
struct vg_ctx	*vg_ctx_new(const struct vg_ctx_opts *, char *msg,
		    size_t msglen);
/* Saves the table to the state file (if any); 0 or -1 with errno. */
int		 vg_ctx_save(struct vg_ctx *);
void		 vg_ctx_free(struct vg_ctx *);

/*
 * Updates the table from ev's records (the SYSCALL record of an execve,
 * clone/fork, exit; EXECVE's argv) and marks ev (ev->ctx) for the layout
 * driver, which then writes "host" and "context". Never reads /proc for
 * a process it has an entry for.
 */
void		 vg_ctx_event(struct vg_ctx *, struct vg_event *);

/* The entry of pid (NULL if none; no /proc read); borrowed until the next
 * event. */
const struct vg_proc *vg_ctx_lookup(struct vg_ctx *, pid_t);
const struct vg_ctx_stats *vg_ctx_stats(struct vg_ctx *);
/* Label number of a configured name, or -1. */
int		 vg_ctx_label_id(const struct vg_ctx *, const char *,
		    size_t);

struct vg_config;
/* From vigild.conf; NULL if context = no (or a bad label: logged, and
 * errno EINVAL). live: /proc and the state file are used. Sets the
 * global context. */
struct vg_ctx	*vg_ctx_from_config(const struct vg_config *, int live);
/* The context keys of vigild.conf, and the label names of drop rules
 * (vigild.conf's and the outputs' drop=), checked (vigild --check, and
 * a start before it opens anything): 0, or -1 (logged). */
int		 vg_ctx_check(const struct vg_config *);
/* "context entries=... evicted=..." (SIGCONT, -v). */
void		 vg_ctx_dump(struct vg_ctx *, int fd);
/* Saves the state file (logged on failure) and frees. */
void		 vg_ctx_stop(struct vg_ctx *);

/* The daemon's context (Lua's vigil.process(), the prefilter); NULL if
 * context is off. */
struct vg_ctx	*vg_ctx_global(void);
void		 vg_ctx_set_global(struct vg_ctx *);

#endif
