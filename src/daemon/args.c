/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * args.c: vigild's command line. Run flags (foreground, check, replay
 * files, --force...) go into struct vg_daemon; settings (-o, --rules,
 * --lua, --batch-delay...) are keys of the configuration table (conf.c),
 * checked as vigild.conf lines are and kept to apply over the file.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/exitcode.h"
#include "vigil/log.h"
#include "vigil/progress.h"

#include "daemon.h"

enum {
	OPT_MULTICAST = 256, OPT_REPLAY, OPT_EOE_TIMEOUT, OPT_FORCE,
	OPT_DISCARD, OPT_BATCH_DELAY, OPT_NO_ENABLE, OPT_VERSION,
	OPT_CHECK, OPT_AUDITD_CONF, OPT_LUA, OPT_RULES, OPT_PUSHDOWN,
	OPT_LISTEN, OPT_NO_KERNEL, OPT_PROGRESS, OPT_NO_PROGRESS, OPT_EXPLAIN,
};

static const struct option longopts[] = {
	{ "foreground",		no_argument,		NULL, 'f' },
	{ "config",		required_argument,	NULL, 'c' },
	{ "output",		required_argument,	NULL, 'o' },
	{ "verbose",		no_argument,		NULL, 'v' },
	{ "multicast",		no_argument,		NULL, OPT_MULTICAST },
	{ "replay",		required_argument,	NULL, OPT_REPLAY },
	{ "end-of-event-timeout", required_argument,	NULL, OPT_EOE_TIMEOUT },
	{ "force",		no_argument,		NULL, OPT_FORCE },
	{ "discard",		no_argument,		NULL, OPT_DISCARD },
	{ "batch-delay",	required_argument,	NULL, OPT_BATCH_DELAY },
	{ "no-enable",		no_argument,		NULL, OPT_NO_ENABLE },
	{ "check",		no_argument,		NULL, OPT_CHECK },
	{ "auditd-conf",	required_argument,	NULL, OPT_AUDITD_CONF },
	{ "lua",		required_argument,	NULL, OPT_LUA },
	{ "rules",		required_argument,	NULL, OPT_RULES },
	{ "pushdown",		no_argument,		NULL, OPT_PUSHDOWN },
	{ "listen",		required_argument,	NULL, OPT_LISTEN },
	{ "no-kernel",		no_argument,		NULL, OPT_NO_KERNEL },
	{ "progress",		no_argument,		NULL, OPT_PROGRESS },
	{ "no-progress",	no_argument,		NULL, OPT_NO_PROGRESS },
	{ "explain",		no_argument,		NULL, OPT_EXPLAIN },
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The options that are configuration keys: one row each. val: the value
 * of a flag, NULL for an option with an argument. */
static const struct {
	int		 ch;
	const char	*opt, *key, *val;
} settings[] = {
	{ 'o',			"-o",			"output",	NULL },
	{ OPT_LUA,		"--lua",		"lua_filter",	NULL },
	{ OPT_RULES,		"--rules",		"rules",	NULL },
	{ OPT_AUDITD_CONF,	"--auditd-conf",	"auditd_conf",	NULL },
	{ OPT_EOE_TIMEOUT,	"--end-of-event-timeout",
	  "end_of_event_timeout", NULL },
	{ OPT_BATCH_DELAY,	"--batch-delay",	"batch_delay_ms", NULL },
	{ OPT_MULTICAST,	"--multicast",		"multicast",	"yes" },
	{ OPT_NO_ENABLE,	"--no-enable",		"enable",	"no" },
	{ OPT_PUSHDOWN,		"--pushdown",		"pushdown",	"yes" },
	{ OPT_LISTEN,		"--listen",		"listen",	NULL },
	{ OPT_NO_KERNEL,	"--no-kernel",		"kernel",	"no" },
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: vigild [-f] [-c FILE] [--multicast | --replay FILE...]\n"
"              [-o SPEC]... [--end-of-event-timeout SEC]\n"
"  -f, --foreground          stay in the foreground, log to stderr\n"
"  -c, --config FILE         vigild.conf (default " VG_CONF_DEFAULT
" if present)\n"
"  -o, --output SPEC         output (repeatable; replaces config outputs):\n"
"                            json:PATH raw:PATH enriched:PATH auditd:CONF\n"
"                            unix:PATH syslog syslog+udp://HOST:PORT\n"
"                            syslog+tcp://HOST:PORT kafka://BROKERS/TOPIC\n"
"                            remote://HOST:PORT remote+tls://HOST:PORT,\n"
"                            each with ?KEY=VALUE&... options; a PATH\n"
"                            of - is stdout\n"
"      --multicast           read-only subscriber beside auditd\n"
"      --replay FILE...      read audit logs (- = stdin) and exit\n"
"      --progress, --no-progress  a replay's progress on stderr (default:\n"
"                            if stderr is a terminal)\n"
"      --explain             with --replay: each event's verdict and the\n"
"                            drop line or Lua filter that decided it, then\n"
"                            counts, on stderr (no progress)\n"
"      --end-of-event-timeout SEC  write events without EOE after SEC\n"
"      --force               take the audit pid from a live daemon\n"
"      --no-enable           do not set the kernel's enabled flag\n"
"      --batch-delay MS      coalescing delay after a short batch (2)\n"
"      --discard             receive and drop (benchmark floor; counts\n"
"                            records, and EOE records as events)\n"
"      --rules FILE|DIR      audit rules (auditctl syntax, rules.d) to load\n"
"      --lua FILE            Lua filter (repeatable, run in order)\n"
"      --pushdown            also add the drop lines the kernel can take\n"
"                            as kernel rules (pushdown = yes)\n"
"      --listen SPEC         receive audisp-remote clients (repeatable):\n"
"                            tcp://ADDR:PORT tls://ADDR:PORT?cert=&key=\n"
"                            (or ?psk=&psk_identity=, auditd 4.2)\n"
"      --no-kernel           leave the kernel alone: only listen\n"
"      --check               check the configuration and exit\n"
"      --auditd-conf FILE    drop-in: write the auditd log as FILE says\n"
"  -v, --verbose             more diagnostics (repeat for debug)\n"
"      --version             print the version and exit\n"
"  -h, --help                print this help and exit\n"
VG_EXIT_HELP);
}

/*
 * A setting option: checked and kept. 0, 1 (not a setting), or the exit
 * status: a bad output spec is a configuration error as in vigild.conf,
 * a bad number a usage error.
 */
static int
setting(struct vg_daemon *d, int ch, const char *arg)
{
	struct vg_err err;
	size_t i;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		if (settings[i].ch != ch)
			continue;
		if (vg_config_cli_add(&d->cli, settings[i].opt,
		    settings[i].key, settings[i].val ? settings[i].val : arg,
		    &err) == -1) {
			vg_log_stderr("%s: %s", err.file, err.msg);
			return ch == 'o' ? VG_EXIT_CONFIG : VG_EXIT_USAGE;
		}
		return 0;
	}
	return 1;
}

static int
parse(struct vg_daemon *d, int argc, char *argv[])
{
	enum vg_progress_mode progress = VG_PROGRESS_AUTO;
	int ch, i, rc;

	memset(d, 0, sizeof(*d));
	if ((d->replay = calloc((size_t)argc + 1, sizeof(*d->replay))) == NULL)
		return VG_EXIT_RUNTIME;
	while ((ch = getopt_long(argc, argv, "fc:o:vh", longopts, NULL)) != -1) {
		if ((rc = setting(d, ch, optarg)) == 0)
			continue;
		if (rc != 1)
			return rc;
		switch (ch) {
		case 'f':
			d->fg = 1;
			break;
		case 'c':
			d->conf_path = optarg;
			break;
		case 'v':
			d->verbose++;
			break;
		case OPT_REPLAY:
			d->replay[d->nreplay++] = optarg;
			break;
		case OPT_PROGRESS:
			progress = VG_PROGRESS_ON;
			break;
		case OPT_NO_PROGRESS:
			progress = VG_PROGRESS_OFF;
			break;
		case OPT_EXPLAIN:
			d->explain = 1;
			break;
		case OPT_FORCE:
			d->io.force = 1;
			break;
		case OPT_DISCARD:
			d->io.discard = 1;
			break;
		case OPT_CHECK:
			d->check = 1;
			break;
		case OPT_VERSION:
			printf("vigild %s\n", VIGIL_VERSION);
			return VG_EXIT_OK;
		case 'h':
			usage(stdout);
			return VG_EXIT_OK;
		default:
			usage(stderr);
			return VG_EXIT_USAGE;
		}
	}
	/* "--replay a b c": the files after the first are operands */
	for (i = optind; i < argc; i++) {
		if (d->nreplay == 0) {
			vg_log_stderr("unexpected argument \"%s\"", argv[i]);
			usage(stderr);
			return VG_EXIT_USAGE;
		}
		d->replay[d->nreplay++] = argv[i];
	}
	for (i = 0; d->nreplay && i < d->cli.nset; i++) {
		if (strcmp(d->cli.set[i].key, "multicast") == 0) {
			vg_log_stderr("--multicast and --replay exclude each "
			    "other");
			return VG_EXIT_USAGE;
		}
		if (strcmp(d->cli.set[i].key, "listen") == 0 ||
		    strcmp(d->cli.set[i].key, "kernel") == 0) {
			vg_log_stderr("--listen and --no-kernel are for a live "
			    "vigild, not --replay");
			return VG_EXIT_USAGE;
		}
	}
	d->live = d->nreplay == 0;
	if (d->explain && d->live) {
		vg_log_stderr("--explain is for --replay");
		return VG_EXIT_USAGE;
	}
	/* the explain lines go to stderr: no progress line between them */
	if (d->explain && progress == VG_PROGRESS_AUTO)
		progress = VG_PROGRESS_OFF;
	vg_progress_mode(progress);
	/* no -c: the default file if there is one, live */
	if (d->conf_path == NULL && d->live && access(VG_CONF_DEFAULT, R_OK) == 0)
		d->conf_path = VG_CONF_DEFAULT;
	return -1;
}

int
vg_daemon_args(struct vg_daemon *d, int argc, char *argv[])
{
	int rc = parse(d, argc, argv);

	if (rc != -1)		/* not going on: nothing kept */
		vg_daemon_args_free(d);
	return rc;
}

void
vg_daemon_args_free(struct vg_daemon *d)
{
	free(d->replay);
	d->replay = NULL;
}
