/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_lua.h: Lua 5.3 filters (docs/lua.md). One sandboxed lua_State per
 * filter; the file defines filter(event) and returns pass, drop or a
 * replacement table. Memory and instructions per call and the size of a
 * returned event are bounded; a failing call lets the event pass and is
 * counted in vg_filter.errors.
 */
#ifndef VIGIL_FILTER_LUA_H
#define VIGIL_FILTER_LUA_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/config.h"
#include "vigil/filter.h"

#define VG_LUA_MEM_DEFAULT	(32u * 1024 * 1024)	/* bytes per state */
#define VG_LUA_INSTR_DEFAULT	1000000ul		/* VM instructions per call */
#define VG_LUA_EVENT_DEFAULT	(8u * 1024 * 1024)	/* as max_event_bytes */
/* pattern matching steps per call, by default, per instruction allowed */
#define VG_LUA_STEPS_PER_INSTR	10

struct vg_lua_opts {
	size_t		 mem_limit;	/* 0 = VG_LUA_MEM_DEFAULT */
	unsigned long	 instr_limit;	/* 0 = VG_LUA_INSTR_DEFAULT */
	/* steps of string.find, match, gmatch and gsub per call (all their
	 * calls together); 0 = VG_LUA_STEPS_PER_INSTR * instr_limit */
	uint64_t	 pattern_steps;
	/* JSON bytes (before escaping) of a returned event; a larger result
	 * is an error. 0 = VG_LUA_EVENT_DEFAULT. */
	size_t		 max_event_bytes;
	const char	*name;		/* for logs and stats; NULL = path */
	int		 quiet;		/* do not log failed calls: the caller
					 * reports vg_filter_lua_error() */
};

/*
 * Loads the filter file at path (text chunks only) and runs its top level.
 * opts may be NULL (defaults). Returns the filter (close with
 * f->ops->close(f)), or NULL with errno set and, if err is not NULL,
 * err->file/line/msg filled (line 0 when the error has no line, e.g. the
 * file cannot be read or defines no filter function).
 */
struct vg_filter	*vg_filter_lua_open(const char *path,
			    const struct vg_lua_opts *opts, struct vg_err *err);

/*
 * Reloads the file of a Lua filter into a fresh state. Atomic: on any load
 * error the running version is kept and -1 is returned with err filled
 * (err may be NULL). Counters are kept; Lua globals are not. The
 * ops->reload of a Lua filter calls this and logs the error.
 */
int			 vg_filter_lua_reload(struct vg_filter *,
			    struct vg_err *err);

/*
 * The error of the filter's last failed call (the one that last raised
 * f->errors) as "FILE:LINE: message", e.g. for "vigilctl lua test";
 * borrowed until the next call. Errors outside any line of the file (a
 * bad return value, the memory limit) name the line where filter() is
 * defined. "" if no call has failed or f is not a Lua filter.
 */
const char		*vg_filter_lua_error(const struct vg_filter *);

/* Bytes currently allocated by the filter's Lua state. */
size_t			 vg_filter_lua_mem(const struct vg_filter *);

/*
 * Runs a chain of filters (linked by ->next) on one event in order, as the
 * pipeline does, updating ->passed/->dropped of each. Stops at the first
 * drop and returns VG_DROP; *doc may be replaced by any filter. Meant for
 * per-output chains; works with any struct vg_filter.
 */
enum vg_verdict		 vg_filter_chain_run(struct vg_filter *head,
			    struct vg_event *ev, struct vg_node **doc);

#endif
