/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * luatest.h: "vigilctl lua test" (docs/lua.md, vigilctl.8): a Lua filter
 * run offline on audit logs or on test cases, and "vigild --replay
 * --explain" (vigild's whole filter chain). The events come from the
 * replay input and the grouper through a pipeline; the filter is the
 * daemon's own (filter_lua.h), wrapped to see each verdict.
 */
#ifndef VIGIL_LUATEST_H
#define VIGIL_LUATEST_H

#include <stdint.h>
#include <stdio.h>

#include "vigil/buf.h"
#include "vigil/event.h"
#include "vigil/filter.h"
#include "vigil/node.h"

/* What the filter did with one event. An error is a call that failed:
 * the event passed unchanged, as in vigild. */
enum vg_lt_verdict {
	VG_LT_PASS = 0,		/* kept unchanged */
	VG_LT_DROP,
	VG_LT_MODIFY,		/* kept, its JSON changed */
	VG_LT_ERROR,		/* the call failed; kept unchanged */
};

struct vg_lt_stats {
	uint64_t	events;		/* events the filter was run on */
	uint64_t	passed;		/* kept unchanged (errors included) */
	uint64_t	dropped;
	uint64_t	modified;
	uint64_t	errors;		/* failed calls (also in passed) */
	uint64_t	ns;		/* wall time inside the filter calls */
};

struct vg_luatest;

/* Called after each event; before and after are the event's JSON lines
 * ('\n' included; after is empty for a drop); err is the filter's
 * "FILE:LINE: message" for VG_LT_ERROR, else NULL. All borrowed for the
 * call. */
typedef void	vg_lt_cb(void *arg, const struct vg_event *ev,
		    enum vg_lt_verdict, const struct vg_buf *before,
		    const struct vg_buf *after, const char *err);

/*
 * Loads the filter at path with the daemon's default limits. Returns the
 * test state, or NULL with a "FILE:LINE: message" (or any message) in
 * msg (size bytes).
 */
struct vg_luatest	*vg_luatest_new(const char *path, vg_lt_cb *cb,
			    void *arg, char *msg, size_t size);
void			 vg_luatest_free(struct vg_luatest *);
/* Runs the filter on every event of the files ("-" = stdin), as
 * "vigild --replay" reads them. Returns 0, or -1 if a file could not be
 * read (logged). */
int			 vg_luatest_logs(struct vg_luatest *,
			    char *const files[], int nfiles);
/* Runs the filter on the events of len bytes of audit log text (one
 * case), read as a log file is; *nevents says how many there were.
 * Returns 0 or -1 with errno. */
int			 vg_luatest_text(struct vg_luatest *, const char *,
			    size_t len, uint64_t *nevents);
/* Runs the filter on an event given as a document (built in ev's arena;
 * ev needs no records). */
void			 vg_luatest_doc(struct vg_luatest *, struct vg_event *,
			    struct vg_node *doc);
const struct vg_lt_stats *vg_luatest_stats(const struct vg_luatest *);
/* The counts of s on f: the "events passed ..." lines, or with json the
 * one object of "vigilctl lua test --json" (a contract). */
void			 vg_lt_summary(FILE *f, const struct vg_lt_stats *s,
			    int json);

struct vg_pipeline;
/*
 * vigild --replay --explain: takes pl's filter chain (drop lines, Lua
 * filters) and puts a wrapper in its place that runs it and writes, for
 * every event, one line on out: its serial, what the chain did (passed,
 * dropped, modified, error) and which filter decided: "by drop AT:
 * RULE" (the first of the drop lines drops[i], from at[i], "FILE:LINE" or
 * NULL for the command line, that drops the event alone) or "by lua
 * FILE", and a failed call's "FILE:LINE: message". The pipeline closes
 * the wrapper, which frees all of it; until then vg_luatest_stats() has
 * the counts. NULL on ENOMEM.
 */
struct vg_luatest	*vg_explain_start(struct vg_pipeline *pl,
			    char *const drops[], char *const at[], int ndrops,
			    FILE *out);
/* The name of a verdict: "pass", "drop", "modify", "error". */
const char		*vg_lt_verdict_name(enum vg_lt_verdict);

/*
 * Runs the test cases of the file cases (docs/lua.md) through the filter;
 * stops at the first that fails, with "CASES:LINE: case NAME: why" on
 * stderr. Returns 0 if all passed ("N cases passed" on out), else 1.
 */
int			 vg_luatest_cases(const char *filter,
			    const char *cases, FILE *out);

/* vigilctl lua ARGS...: argv[0] is "lua". Returns the exit status. */
int			 vg_luatest_main(int argc, char *argv[]);

#endif
