/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vigilctl_lua.c: the "vigilctl lua" commands (vigilctl.8): "lua test"
 * runs a filter on audit logs and prints what it did (a summary, --diff,
 * or the --json contract), or runs its test cases (luatest_cases.c).
 * Offline only: never touches the kernel.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/log.h"
#include "vigil/luatest.h"

struct report {
	int		 json;		/* --json: stdout is the one object */
	int		 diff;		/* --diff */
};

static void
usage(FILE *f)
{
	fputs("usage: vigilctl lua test [--json | --diff] FILTER.lua LOG...\n"
	    "       vigilctl lua test FILTER.lua --cases CASES.jsonl\n"
	    "  LOG        audit log, RAW or ENRICHED (\"-\": stdin)\n"
	    "  --json     print one JSON object: events, passed, dropped,\n"
	    "             modified, errors, ns_per_event\n"
	    "  --diff     print each modified event before (-) and after "
	    "(+)\n"
	    "  --cases F  run the test cases of F (JSON Lines, docs/lua.md);"
	    "\n"
	    "             exit 1 at the first that fails\n", f);
}

/* Each event: errors (always, to stderr with --json) and --diff. */
static void
on_event(void *arg, const struct vg_event *ev, enum vg_lt_verdict v,
    const struct vg_buf *before, const struct vg_buf *after, const char *err)
{
	const struct report *r = arg;

	if (v == VG_LT_ERROR)
		fprintf(r->json ? stderr : stdout, "error: serial %" PRIu32
		    " (audit(%" PRIu64 ".%03" PRIu32 ":%" PRIu32 ")): %s\n",
		    ev->serial, ev->sec, ev->msec, ev->serial, err);
	if (v == VG_LT_MODIFY && r->diff)
		printf("modified: serial %" PRIu32 " (audit(%" PRIu64 ".%03"
		    PRIu32 ":%" PRIu32 "))\n- %.*s+ %.*s", ev->serial, ev->sec,
		    ev->msec, ev->serial, (int)before->len, before->data,
		    (int)after->len, after->data);
}

static int
run_logs(const char *filter, char *const logs[], int nlogs,
    const struct report *r)
{
	struct vg_luatest *t;
	char msg[1024];
	int rc;

	if ((t = vg_luatest_new(filter, on_event, (void *)r, msg,
	    sizeof(msg))) == NULL) {
		fprintf(stderr, "%s\n", msg);
		return 1;
	}
	rc = vg_luatest_logs(t, logs, nlogs) == -1 ? 1 : 0;
	vg_lt_summary(stdout, vg_luatest_stats(t), r->json);
	vg_luatest_free(t);
	return rc;
}

/* lua test [--json|--diff] FILTER LOG... | lua test FILTER --cases F */
static int
lua_test(int argc, char *argv[])
{
	struct report r = { 0, 0 };
	const char *cases = NULL, *filter = NULL;
	char **logs;
	int i, nlogs = 0, rc, opts = 1;

	if ((logs = calloc((size_t)argc + 1, sizeof(*logs))) == NULL)
		return 1;
	for (i = 1; i < argc; i++) {
		if (opts && strcmp(argv[i], "--json") == 0)
			r.json = 1;
		else if (opts && strcmp(argv[i], "--diff") == 0)
			r.diff = 1;
		else if (opts && strcmp(argv[i], "--cases") == 0 &&
		    i + 1 < argc)
			cases = argv[++i];
		else if (opts && (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)) {
			usage(stdout);
			free(logs);
			return 0;
		} else if (opts && strcmp(argv[i], "--") == 0)
			opts = 0;
		else if (opts && argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "vigilctl lua test: unknown option "
			    "%s\n", argv[i]);
			goto bad;
		} else if (filter == NULL)
			filter = argv[i];
		else
			logs[nlogs++] = argv[i];
	}
	if (filter == NULL || (cases == NULL) == (nlogs == 0)) {
		fprintf(stderr, "vigilctl lua test: give a filter and either "
		    "logs or --cases\n");
		goto bad;
	}
	if (cases != NULL && (r.json || r.diff)) {
		fprintf(stderr, "vigilctl lua test: --json and --diff are "
		    "for logs, not --cases\n");
		goto bad;
	}
	if (r.json && r.diff) {
		fprintf(stderr, "vigilctl lua test: --json prints only the "
		    "JSON object; --diff cannot go with it\n");
		goto bad;
	}
	if (cases != NULL)
		rc = vg_luatest_cases(filter, cases, stdout);
	else
		rc = run_logs(filter, logs, nlogs, &r);
	free(logs);
	return rc;
bad:
	usage(stderr);
	free(logs);
	return 2;
}

int
vg_luatest_main(int argc, char *argv[])
{
	/* the filter's vigil.log() and print() go to stderr */
	vg_log_init("vigilctl", 1, 1);
	if (argc >= 2 && strcmp(argv[1], "test") == 0)
		return lua_test(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return 2;
}
