/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vigilctl.c: auditctl-compatible control tool. Same command line, same
 * -s/-l text (and -s -i / -l -i); -t/--check with a rule or -R compiles
 * without touching the kernel, -t alone trims tree watches as auditctl's.
 * Rule files are compiled completely before the first rule is sent.
 * -q, --signal, -m and a lone -t run through the rule compiler like every
 * other command (src/rules/control.c), in rule files too. "vigilctl
 * lua ..." is vigil's own (src/vigilctl_lua.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/ctl_client.h"
#include "vigil/luatest.h"
#include "vigil/rules.h"

static void
usage(FILE *f)
{
	fputs("usage: vigilctl [options]  (auditctl(8) syntax)\n"
	    "  -a|-A <list,action>      append|prepend a rule\n"
	    "  -d <list,action>         delete a rule\n"
	    "  -D [-k key]              delete all rules (with key)\n"
	    "  -w|-W <path>             add|remove a watch; -p rwxa, -k key\n"
	    "  -S <syscall[,..]|all>    syscalls; -F f=v, -C f=f fields\n"
	    "  -l [-k key] [-i]         list rules (-i: interpreted)\n"
	    "  -s [-i]                  status (-i: interpreted)\n"
	    "  -e 0|1|2  -f 0|1|2  -b N  -r N  --backlog_wait_time N\n"
	    "  --reset-lost  --reset_backlog_wait_time_actual\n"
	    "  --loginuid-immutable\n"
	    "  -R <file>                load a rule file (-c continue, "
	    "-i ignore errors)\n"
	    "  -t, --check              with -R or a rule: compile only and "
	    "print what\n"
	    "                           -l would print\n"
	    "  -t                       alone: trim tree watches after an "
	    "umount\n"
	    "  -q <mount-point,subtree> make subtree part of mount-point's "
	    "tree watches\n"
	    "  --signal <sig>           signal the audit daemon: TERM HUP "
	    "USR1 USR2 CONT\n"
	    "                           (or stop reload rotate resume state)\n"
	    "                           through vigild's control socket "
	    "when it answers\n"
	    "  state [--json]           the running vigild's state "
	    "(docs/operating.md)\n"
	    "  metrics                  its Prometheus metrics\n"
	    "  top [--once] [--json]    events/s per key, exe, syscall, "
	    "uid\n"
	    "  --control PATH           control socket (default "
	    "/run/vigild/control)\n"
	    "  -m <text>                send a user message (AUDIT_USER) "
	    "to the audit log\n"
	    "  lua test FILTER LOG...   run a Lua filter on audit logs "
	    "offline\n"
	    "                           (vigilctl lua --help)\n"
	    "  -v                       version\n"
	    "  -h, --help               this help\n", f);
}

/* auditctl's words; a rule file's line as file:line: in front. */
static void
report(const struct vg_err *e, void *arg)
{
	(void)arg;
	if (e->file[0])
		fprintf(stderr, "%s:%u: %s\n", e->file, e->line, e->msg);
	else
		fprintf(stderr, "%s\n", e->msg);
}

/* -R FILE [-t] [-c] [-i] */
static int
run_file(const char *path, int check, int cont, int ignore)
{
	struct vg_ruleset rs;
	struct vg_rk *k = NULL;
	struct vg_err err;
	size_t i;
	int bad, failed = 0;

	vg_ruleset_init(&rs);
	memset(&err, 0, sizeof(err));
	bad = vg_rules_load_file(&rs, path, report, NULL, &err);
	if (bad < 0) {
		report(&err, NULL);
		vg_ruleset_free(&rs);
		return 1;
	}
	rs.cont |= cont;
	rs.ignore |= ignore;
	if (check) {
		failed = vg_rules_simulate(&rs, stdout, report, NULL);
		failed += bad;
		goto out;
	}
	if (bad && !rs.cont && !rs.ignore) {
		fprintf(stderr, "vigilctl: %d error(s) in %s, nothing "
		    "loaded\n", bad, path);
		failed = bad;
		goto out;
	}
	if ((k = vg_rk_open()) == NULL) {
		fprintf(stderr, "vigilctl: cannot open audit netlink socket: "
		    "%s\n", strerror(errno));
		vg_ruleset_free(&rs);
		return 1;
	}
	failed = bad;
	for (i = 0; i < rs.n; i++) {
		const struct vg_rule *r = &rs.v[i];
		int rc;

		if (r->bad)
			continue;
		memset(&err, 0, sizeof(err));
		fflush(stdout);		/* -l output and messages in order */
		if ((rc = vg_rk_exec(k, r, stdout, &err)) == 0)
			continue;
		snprintf(err.file, sizeof(err.file), "%s", path);
		err.line = r->line;
		report(&err, NULL);
		if (rc > 0)	/* a notice (no audit daemon): go on */
			continue;
		failed++;
		if (!rs.cont && !rs.ignore)
			break;
	}
out:
	fflush(stdout);
	vg_rk_close(k);
	ignore = rs.ignore && !rs.cont;
	vg_ruleset_free(&rs);
	return failed && !ignore ? 1 : 0;
}

static int
run_one(int argc, char *argv[], int check)
{
	struct vg_rule r;
	struct vg_err err;
	struct vg_rk *k;
	int rc;

	memset(&err, 0, sizeof(err));
	if (vg_rules_parse_argv(argc, argv, &r, &err) < 0) {
		report(&err, NULL);
		return 1;
	}
	/* auditctl takes -i only right after -s/-l; either order here */
	if (r.cmd == VG_RC_LIST || r.cmd == VG_RC_STATUS) {
		int j;

		for (j = 1; j < argc; j++)
			if (strcmp(argv[j], "-i") == 0)
				r.interpret = 1;
	}
	switch (r.cmd) {
	case VG_RC_HELP:
		usage(stdout);
		return 0;
	case VG_RC_VERSION:
		printf("vigilctl version %s\n", VIGIL_VERSION);
		return 0;
	case VG_RC_NONE:
	case VG_RC_CONTINUE:
	case VG_RC_IGNORE:
		return 0;
	default:
		break;
	}
	if (check) {
		struct vg_ruleset rs;

		vg_ruleset_init(&rs);
		if (vg_ruleset_push(&rs, &r) < 0) {
			vg_rule_free(&r);
			return 1;
		}
		rc = vg_rules_simulate(&rs, stdout, report, NULL);
		vg_ruleset_free(&rs);
		return rc ? 1 : 0;
	}
	if ((k = vg_rk_open()) == NULL) {
		fprintf(stderr, "vigilctl: cannot open audit netlink socket: "
		    "%s\n", strerror(errno));
		vg_rule_free(&r);
		return 1;
	}
	rc = vg_rk_exec(k, &r, stdout, &err);
	fflush(stdout);
	if (rc != 0)
		report(&err, NULL);
	vg_rk_close(k);
	vg_rule_free(&r);
	return rc < 0 ? 1 : rc > 0 ? 2 : 0;	/* 2: no audit daemon */
}

int
main(int argc, char *argv[])
{
	const char *file = NULL;
	char **rest;
	int i, n = 0, check = 0, cont = 0, ignore = 0, other = 0, handled;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	/* vigil's own: Lua filters offline (vigilctl_lua.c) */
	if (strcmp(argv[1], "lua") == 0)
		return vg_luatest_main(argc - 1, argv + 1);
	/* state, metrics, top, --signal: the control socket, if it is so */
	i = vg_ctlc_run(argc, argv, &handled);
	if (handled)
		return i;
	/* -t alone is auditctl's trim; with anything else, check mode */
	if (argc == 2 && strcmp(argv[1], "-t") == 0) {
		if (geteuid() != 0) {
			fprintf(stderr, "You must be root to run this "
			    "program.\n");
			return 4;
		}
		return run_one(argc, argv, 0);
	}
	if ((rest = calloc((size_t)argc + 1, sizeof(*rest))) == NULL)
		return 1;
	rest[n++] = argv[0];
	/* vigilctl's own switches; everything else is auditctl syntax. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 ||
		    strcmp(argv[i], "--check") == 0)
			check = 1;
		else if (strcmp(argv[i], "-R") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--help") == 0)
			rest[n++] = (char *)"-h";
		else {
			if (strcmp(argv[i], "-c") == 0)
				cont = 1;
			else if (strcmp(argv[i], "-i") == 0)
				ignore = 1;
			else
				other = 1;
			rest[n++] = argv[i];
		}
	}
	if (file) {
		free(rest);
		if (other) {
			fprintf(stderr, "vigilctl: -R takes only -t, -c and "
			    "-i besides the file\n");
			return 1;
		}
		return run_file(file, check, cont, ignore);
	}
	if (!check && geteuid() != 0 && !(n == 2 &&
	    (strcmp(rest[1], "-h") == 0 || strcmp(rest[1], "-v") == 0))) {
		fprintf(stderr, "You must be root to run this program.\n");
		free(rest);
		return 4;
	}
	i = run_one(n, rest, check);
	free(rest);
	return i;
}
