/*
 * vigild.c: startup, command line, privilege split, signals and the
 * libevent loop. Owns no parsing or I/O logic of its own: it wires config,
 * inputs, pipeline, filters and outputs together and tears them down in
 * reverse. Startup order is the privilege story (docs/security.md): the
 * helper is forked, the kernel sockets are set up, then capabilities go,
 * and only then do outputs, Lua and threads start.
 */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/wait.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/log_writer.h"
#include "vigil/context.h"
#include "vigil/caps.h"
#include "vigil/config.h"
#include "vigil/input.h"
#include "vigil/log.h"
#include "vigil/pipeline.h"
#include "vigil/auditd/plugins_conf.h"
#include "vigil/sdnotify.h"
#include "vigil/privsep.h"
#include "vigil/setup.h"

#define EXIT_USAGE	2
#define EXIT_LOST	3	/* a replay's outputs lost events */
#define EXIT_CONFIG	6	/* like auditd */

enum {
	OPT_MULTICAST = 256, OPT_REPLAY, OPT_EOE_TIMEOUT, OPT_FORCE,
	OPT_DISCARD, OPT_BATCH_DELAY, OPT_NO_ENABLE, OPT_VERSION,
	OPT_CHECK, OPT_AUDITD_CONF, OPT_LUA, OPT_RULES,
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
	{ "version",		no_argument,		NULL, OPT_VERSION },
	{ "help",		no_argument,		NULL, 'h' },
	{ NULL, 0, NULL, 0 },
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
"                            syslog+tcp://HOST:PORT kafka://BROKERS/TOPIC,\n"
"                            each with ?KEY=VALUE&... options; a PATH\n"
"                            of - is stdout\n"
"      --multicast           read-only subscriber beside auditd\n"
"      --replay FILE...      read audit logs (- = stdin) and exit\n"
"      --end-of-event-timeout SEC  write events without EOE after SEC\n"
"      --force               take the audit pid from a live daemon\n"
"      --no-enable           do not set the kernel's enabled flag\n"
"      --batch-delay MS      coalescing delay after a short batch (2)\n"
"      --discard             receive and drop (benchmark floor; counts\n"
"                            records, and EOE records as events)\n"
"      --rules FILE|DIR      audit rules (auditctl syntax, rules.d) to load\n"
"      --lua FILE            Lua filter (repeatable, run in order)\n"
"      --check               check the configuration and exit\n"
"      --auditd-conf FILE    drop-in: write the auditd log as FILE says\n"
"  -v, --verbose             more diagnostics (repeat for debug)\n"
"      --version             print the version and exit\n"
"  -h, --help                print this help and exit\n"
"exit status: 0 ok, 1 runtime error, 2 usage, 3 a replay's outputs lost\n"
"events (dropped or failed, logged per output), 6 configuration\n");
}

static int
parse_uint(const char *opt, const char *s, unsigned min, unsigned max,
    unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (*s < '0' || *s > '9' || errno || *end != '\0' || v < min ||
	    v > max) {
		vg_log_stderr("%s: bad value \"%s\" (expected %u..%u)", opt,
		    s, min, max);
		exit(EXIT_USAGE);
	}
	*out = (unsigned)v;
	return 0;
}

static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2,
    SIGCONT };
#define NSIGS	(sizeof(sigs) / sizeof(sigs[0]))

struct run {
	struct event_base	*base;
	struct event		*sev[NSIGS];
	struct vg_pipeline	*pl;
	struct vg_input		*in;
	const struct vg_config	*conf;
	struct vg_sender	 stopper;	/* who sent TERM/INT, if anyone */
	int			 stopped;
};

/* Rules: loaded by the privileged helper when there is one (it may walk
 * directories the daemon cannot for -w), else here. */
static int
load_rules(const char *path)
{
	if (!vg_privsep_active())
		return vg_setup_load_rules(path, getpid());
	if (vg_privsep_rules() == -1) {
		vg_log_warn("%s: rules not loaded by the privileged helper",
		    path);
		return -1;
	}
	return 0;
}

/* ---- daemon(3), but the starting process waits and exits with the
 * daemon's start status, as auditd's: init scripts see failures ---- */

static int ready_fd = -1;

static void
daemonize(void)
{
	unsigned char c;
	ssize_t n;
	pid_t pid;
	int p[2], st;

	if (pipe2(p, O_CLOEXEC) == -1)
		vg_fatal("pipe");
	if ((pid = fork()) == -1)
		vg_fatal("fork");
	if (pid > 0) {
		close(p[1]);
		while ((n = read(p[0], &c, 1)) == -1 && errno == EINTR)
			;
		if (n == 1)
			_exit(c);
		/* closed without a word: it exited, and its status is ours */
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st))
			_exit(WEXITSTATUS(st));
		_exit(1);
	}
	close(p[0]);
	if (setsid() == -1)
		vg_fatal("setsid");
	ready_fd = p[1];
}

/* Running: stdio to /dev/null, and the starting process exits 0. */
static void
daemon_ready(void)
{
	unsigned char ok = 0;
	int nul;

	if (ready_fd == -1)
		return;
	if (chdir("/") == -1)
		vg_log_warn("chdir /");
	if ((nul = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		(void)dup2(nul, STDIN_FILENO);
		(void)dup2(nul, STDOUT_FILENO);
		(void)dup2(nul, STDERR_FILENO);
		close(nul);
	}
	(void)!write(ready_fd, &ok, 1);
	close(ready_fd);
	ready_fd = -1;
}

/* ---- privileges ---- */

static int
spec_is(const char *spec, const char *name)
{
	size_t n = strlen(name);

	return strncmp(spec, name, n) == 0 &&
	    (spec[n] == '\0' || spec[n] == ':' || spec[n] == '?');
}

/* The helper exists when something needs more than the daemon keeps:
 * plugins and auditd.conf actions (run as auditd runs them: root with
 * every capability), the group of a log file (log_group, group=), and
 * rules (watches on any path). */
static int
needs_helper(const struct vg_config *c, int live)
{
	int i;

	if (live && !c->multicast && c->rules != NULL)
		return 1;
	for (i = 0; i < c->noutputs; i++)
		if (spec_is(c->outputs[i], "auditd") ||
		    spec_is(c->outputs[i], "plugins") ||
		    ((spec_is(c->outputs[i], "json") ||
		    spec_is(c->outputs[i], "raw")) &&
		    strstr(c->outputs[i], "group=") != NULL))
			return 1;
	return 0;
}

/*
 * After the kernel sockets: unicast keeps CAP_AUDIT_CONTROL (AUDIT_SET,
 * AUDIT_GET and AUDIT_SIGNAL_INFO on signals, the kernel restored at
 * exit); multicast joined its group and replay reads files: they keep
 * nothing. Failing to drop is fatal: never run on silently privileged.
 */
static void
drop_privileges(const struct vg_config *c, int live)
{
	uint64_t keep = live && !c->multicast ? VG_CAP(CAP_AUDIT_CONTROL) : 0;

	/* context_env reads /proc/PID/environ: a ptrace access check
	 * (docs/security.md); kept only when asked for, as laurel does */
	if (live && c->context && c->context_proc && c->context_env != NULL)
		keep |= VG_CAP(CAP_SYS_PTRACE);
	uint64_t eff, prm, bnd;
	char names[128];

	if (vg_caps_drop(keep) == -1)
		vg_fatal("cannot drop capabilities");
	if (vg_caps_get(&eff, &prm, &bnd) == 0) {
		vg_caps_names(prm, names, sizeof(names));
		vg_log_info("privileges: capabilities kept: %s; no_new_privs; "
		    "privileged helper: %s", names, vg_privsep_active() ?
		    "running" : "none");
	}
}


static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct run *r = arg;
	struct vg_sender sender;

	(void)what;
	/* DAEMON_* records name who sent the signal (AUDIT_SIGNAL_INFO);
	 * SIGCONT writes none, so it asks the kernel nothing */
	if (sig != SIGCONT)
		vg_setup_signal_sender(r->in != NULL && !r->conf->multicast,
		    &sender);
	switch (sig) {
	case SIGTERM:
	case SIGINT:
		vg_log_info("signal %d: stopping", (int)sig);
		r->stopper = sender;
		r->stopped = 1;
		event_base_loopbreak(r->base);
		break;
	case SIGHUP:
		vg_log_info("signal %d: reopening outputs", (int)sig);
		(void)vg_sdnotify_reloading();
		vg_pipeline_flush_outputs(r->pl);
		vg_pipeline_reopen_outputs(r->pl);
		/* drop-in (auditd/log_writer.h): re-read auditd.conf, old kept on error */
		(void)vg_auditlog_reload_all(&sender);
		vg_plugins_reload_all();	/* plugins.d, SIGHUP to plugins */
		vg_setup_reload_filters(r->pl);
		if (r->conf->rules != NULL && !r->conf->multicast)
			(void)load_rules(r->conf->rules);
		(void)vg_sdnotify("READY=1");
		break;
	case SIGUSR1:
		vg_log_info("signal %d: rotating logs", (int)sig);
		vg_pipeline_flush_outputs(r->pl);
		vg_pipeline_reopen_outputs(r->pl);
		vg_auditlog_rotate_all(&sender);
		break;
	case SIGUSR2:
		vg_log_info("signal %d: resuming logging", (int)sig);
		vg_auditlog_resume_all(&sender);
		vg_plugins_resume_all();
		break;
	case SIGCONT:
		vg_pipeline_dump(r->pl, STDERR_FILENO);
		vg_auditlog_dump_all(STDERR_FILENO);
		vg_plugins_dump_all(STDERR_FILENO);
		if (r->in != NULL)
			vg_input_dump(r->in, STDERR_FILENO);
		break;
	}
}

static int
add_outputs(struct vg_pipeline *pl, const struct vg_config *c)
{
	struct vg_output *o;
	int i;

	for (i = 0; i < c->noutputs; i++) {
		if ((o = vg_output_open(c->outputs[i])) == NULL) {
			vg_log_stderr("cannot open output \"%s\"", c->outputs[i]);
			return -1;
		}
		vg_pipeline_add_output(pl, o);
	}
	return 0;
}

/* The privileged part of going live: the loop, signals and the kernel
 * socket (audit pid, rcvbuf, multicast group). -1 if the input failed. */
static int
live_open(struct run *r, const struct vg_config *c, struct vg_input_opts *io)
{
	size_t i;

	signal(SIGPIPE, SIG_IGN);
	if ((r->base = event_base_new()) == NULL)
		vg_fatalx("event_base_new failed");
	for (i = 0; i < NSIGS; i++) {
		r->sev[i] = evsignal_new(r->base, sigs[i], on_signal, r);
		if (r->sev[i] == NULL || evsignal_add(r->sev[i], NULL) == -1)
			vg_fatalx("cannot watch signal %d", sigs[i]);
	}
	if (c->multicast) {
		vg_pipeline_drop_self(r->pl, getpid());
		r->in = vg_input_multicast(r->base, r->pl, io);
	} else
		r->in = vg_input_unicast(r->base, r->pl, io);
	return r->in != NULL ? 0 : -1;
}

/* Runs the loop (run: 1) and tears the live part down. */
static int
live_run(struct run *r, const struct vg_config *c, int run)
{
	size_t i;
	int rc = 0;

	if (run && c->rules != NULL) {
		if (c->multicast)
			vg_log_warnx("rules %s not loaded: in multicast mode "
			    "the audit daemon owns the rules", c->rules);
		else
			(void)load_rules(c->rules);
	}
	if (run) {
		/* systemd Type=notify: the audit pid is held, rules are in */
		(void)vg_sdnotify("READY=1");
		daemon_ready();
		if (event_base_dispatch(r->base) == -1) {
			vg_log_warnx("event loop failed");
			rc = 1;
		}
	}
	(void)vg_sdnotify("STOPPING=1");
	/* restore the kernel first: nothing below may stop that */
	if (r->in != NULL)
		vg_input_close(r->in);
	r->in = NULL;
	vg_pipeline_flush(r->pl);
	for (i = 0; i < NSIGS; i++)
		if (r->sev[i] != NULL)
			event_free(r->sev[i]);
	event_base_free(r->base);
	r->base = NULL;
	return rc;
}

int
main(int argc, char *argv[])
{
	struct vg_config conf, cli;
	struct vg_input_opts io;
	struct vg_group_opts go;
	struct vg_err err;
	struct run r;
	struct vg_ctx *ctx = NULL;
	char msg[256];
	const char *conf_path = NULL, *auditd_conf = NULL;
	char **replay = NULL;
	int *replay_fds = NULL;
	unsigned eoe = 0, delay = 0;
	int ch, nreplay = 0, fg = 0, verbose = 0, check = 0, i, rc, live;
	int multicast = 0, have_delay = 0, no_enable = 0;

	memset(&io, 0, sizeof(io));
	memset(&cli, 0, sizeof(cli));
	if ((replay = calloc((size_t)argc + 1, sizeof(*replay))) == NULL)
		return 1;
	while ((ch = getopt_long(argc, argv, "fc:o:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			fg = 1;
			break;
		case 'c':
			conf_path = optarg;
			break;
		case 'o':
			if (vg_config_set(&cli, "output", optarg, msg,
			    sizeof(msg)) == -1) {
				vg_log_stderr("-o: %s", msg);
				return EXIT_USAGE;
			}
			break;
		case 'v':
			verbose++;
			break;
		case OPT_MULTICAST:
			multicast = 1;
			break;
		case OPT_REPLAY:
			replay[nreplay++] = optarg;
			break;
		case OPT_EOE_TIMEOUT:
			parse_uint("--end-of-event-timeout", optarg, 1, 3600,
			    &eoe);
			break;
		case OPT_FORCE:
			io.force = 1;
			break;
		case OPT_DISCARD:
			io.discard = 1;
			break;
		case OPT_BATCH_DELAY:
			parse_uint("--batch-delay", optarg, 0, 1000, &delay);
			have_delay = 1;
			break;
		case OPT_NO_ENABLE:
			no_enable = 1;
			break;
		case OPT_CHECK:
			check = 1;
			break;
		case OPT_AUDITD_CONF:
			auditd_conf = optarg;
			break;
		case OPT_LUA:
		case OPT_RULES:
			if (vg_config_set(&cli, ch == OPT_LUA ? "lua_filter" :
			    "rules", optarg, msg, sizeof(msg)) == -1) {
				vg_log_stderr("%s", msg);
				return EXIT_USAGE;
			}
			break;
		case OPT_VERSION:
			printf("vigild %s\n", VIGIL_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	/* "--replay a b c": the files after the first are operands */
	for (i = optind; i < argc; i++) {
		if (nreplay == 0) {
			vg_log_stderr("unexpected argument \"%s\"", argv[i]);
			usage(stderr);
			return EXIT_USAGE;
		}
		replay[nreplay++] = argv[i];
	}
	if (multicast && nreplay) {
		vg_log_stderr("--multicast and --replay exclude each other");
		return EXIT_USAGE;
	}
	vg_log_init("vigild", fg || nreplay || check, verbose);

	vg_config_defaults(&conf);
	if (conf_path == NULL && nreplay == 0 &&
	    access(VG_CONF_DEFAULT, R_OK) == 0)
		conf_path = VG_CONF_DEFAULT;
	if (conf_path != NULL) {
		rc = vg_config_load(&conf, conf_path, &err);
		if (rc != 0) {
			if (rc == -1)
				vg_log_stderr("%s: %s", err.file, err.msg);
			return EXIT_CONFIG;
		}
	}
	if (cli.noutputs) {	/* -o replaces the configured outputs */
		for (i = 0; i < conf.noutputs; i++)
			free(conf.outputs[i]);
		memcpy(conf.outputs, cli.outputs, sizeof(cli.outputs));
		conf.noutputs = cli.noutputs;
		cli.noutputs = 0;
	}
	/* --lua adds to the configured filters, --rules replaces */
	for (i = 0; i < cli.nlua_filters; i++) {
		if (vg_config_set(&conf, "lua_filter", cli.lua_filters[i], msg,
		    sizeof(msg)) == -1) {
			vg_log_stderr("--lua: %s", msg);
			return EXIT_USAGE;
		}
	}
	if (cli.rules != NULL) {
		free(conf.rules);
		conf.rules = cli.rules;
		cli.rules = NULL;
	}
	vg_config_free(&cli);
	/* drop-in: the auditd log, as --auditd-conf or auditd_conf says */
	if (auditd_conf == NULL)
		auditd_conf = conf.auditd_conf;
	if (auditd_conf != NULL) {
		char spec[4096];

		snprintf(spec, sizeof(spec), "auditd:%s", auditd_conf);
		if (vg_config_set(&conf, "output", spec, msg, sizeof(msg)) ==
		    -1) {
			vg_log_stderr("--auditd-conf: %s", msg);
			return EXIT_CONFIG;
		}
	}
	if (conf.noutputs == 0)
		(void)vg_config_set(&conf, "output", "json:-", msg, sizeof(msg));
	/* plugins.d (docs/plugins.md): plugin_dir from vigild.conf, else
	 * from auditd.conf; q_depth, overflow_action... from auditd.conf */
	if (auditd_conf != NULL || conf.plugin_dir != NULL) {
		char spec[4096];
		int n;

		n = snprintf(spec, sizeof(spec), "plugins:%s%s%s",
		    conf.plugin_dir ? conf.plugin_dir : "",
		    auditd_conf ? "?conf=" : "", auditd_conf ? auditd_conf : "");
		if (n < 0 || (size_t)n >= sizeof(spec) ||
		    vg_config_set(&conf, "output", spec, msg, sizeof(msg)) ==
		    -1) {
			vg_log_stderr("plugins: %s", msg);
			return EXIT_CONFIG;
		}
	}
	if (eoe)
		conf.end_of_event_timeout = eoe;
	if (have_delay)
		conf.batch_delay_ms = delay;
	if (multicast)
		conf.multicast = 1;
	if (no_enable)
		conf.enable = 0;
	if (check && auditd_conf != NULL) {
		struct vg_auditd_conf adc;

		vg_auditd_conf_defaults(&adc);
		rc = vg_auditd_conf_load(&adc, auditd_conf, &err);
		vg_auditd_conf_free(&adc);
		if (rc != 0) {
			if (rc == -1)
				vg_log_stderr("%s: %s", err.file, err.msg);
			vg_config_free(&conf);
			free(replay);
			return EXIT_CONFIG;
		}
		printf("%s: ok\n", auditd_conf);
	}
	if (check && conf.rules != NULL) {
		if (vg_setup_check_rules(conf.rules) != 0) {
			vg_config_free(&conf);
			free(replay);
			return EXIT_CONFIG;
		}
		printf("%s: ok\n", conf.rules);
	}
	if (check && vg_ctx_check(&conf) == -1) {
		vg_config_free(&conf);
		free(replay);
		return EXIT_CONFIG;
	}
	if (check) {
		printf("%s: ok\n", conf_path ? conf_path : "(defaults)");
		vg_config_free(&conf);
		free(replay);
		return 0;
	}

	memset(&go, 0, sizeof(go));
	go.timeout_ms = (uint64_t)conf.end_of_event_timeout * 1000;
	go.max_pending = conf.max_pending_events;
	go.max_event_bytes = conf.max_event_bytes;
	go.max_pending_bytes = conf.max_pending_bytes;
	go.count_jumps = nreplay == 0;	/* live: a jump is lost events */
	memset(&r, 0, sizeof(r));
	r.conf = &conf;
	rc = 0;
	live = nreplay == 0;
	if (live && !fg)
		daemonize();
	/* privileged, single-threaded part: helper, kernel, replay files */
	if (needs_helper(&conf, live) &&
	    vg_privsep_start(conf.outputs, conf.noutputs, live &&
	    !conf.multicast ? conf.rules : NULL) == -1)
		vg_fatal("cannot start the privileged helper");
	if ((r.pl = vg_pipeline_new(&go)) == NULL)
		vg_fatal("pipeline");
	if ((ctx = vg_ctx_from_config(&conf, live)) == NULL && conf.context)
		vg_fatalx("context: cannot start (see above)");
	vg_pipeline_set_context(r.pl, ctx);
	/* a replay has no kernel to protect: outputs block, not drop */
	vg_output_set_run_mode(nreplay ? VG_RUN_REPLAY : VG_RUN_LIVE);
	if (live) {
		io.rcvbuf = conf.rcvbuf;
		io.batch_delay_ms = conf.batch_delay_ms;
		io.no_enable = !conf.enable;
		rc = live_open(&r, &conf, &io) == -1 ? 1 : 0;
	} else if ((replay_fds = vg_replay_open(replay, nreplay)) == NULL)
		vg_fatal("replay");
	drop_privileges(&conf, live);
	/* unprivileged from here: outputs, their threads, Lua */
	if (rc == 0 && (add_outputs(r.pl, &conf) == -1 ||
	    vg_setup_filters(r.pl, &conf) == -1))
		rc = EXIT_CONFIG;
	if (live) {
		i = live_run(&r, &conf, rc == 0);
		if (rc == 0)
			rc = i;
	} else if (rc == 0)
		rc = vg_replay_fds(r.pl, replay_fds, replay, nreplay) == -1 ?
		    1 : 0;
	if (rc == EXIT_CONFIG) {
		vg_pipeline_free(r.pl);
		vg_ctx_free(ctx);
		vg_privsep_stop();
		vg_replay_close(replay_fds, nreplay);
		vg_config_free(&conf);
		free(replay);
		return EXIT_CONFIG;
	}
	if (verbose)
		vg_pipeline_dump(r.pl, STDERR_FILENO);
	/* DAEMON_END names who sent TERM, else vigild itself */
	vg_auditlog_stop_all(r.stopped ? &r.stopper : NULL, NULL);
	/* drained and closed here: what each output lost is logged; a
	 * replay that lost any says so in its status */
	if (vg_pipeline_close_outputs(r.pl) > 0 && nreplay && rc == 0)
		rc = EXIT_LOST;
	vg_pipeline_free(r.pl);
	vg_ctx_stop(ctx);
	vg_privsep_stop();
	vg_replay_close(replay_fds, nreplay);
	vg_config_free(&conf);
	free(replay);
	return rc;
}
