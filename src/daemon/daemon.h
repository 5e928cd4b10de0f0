/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.h: the steps of vigild's main() (src/vigild.c), one file each
 * under src/daemon/: the command line (args.c), checking a configuration
 * (check.c), detaching (detach.c), privileges (privs.c), the kernel rules
 * (rules.c), the live or replay run (run.c) and the signals (signals.c).
 * Private to vigild. Calls go down that list's dependencies only: run.c
 * and signals.c use rules.c and check.c, run.c installs signals.c's
 * handlers; none of them calls back.
 */
#ifndef VIGIL_DAEMON_H
#define VIGIL_DAEMON_H

#include "vigil/auditd/log_writer.h"
#include "vigil/config.h"
#include "vigil/input.h"
#include "vigil/listen.h"
#include "vigil/observe.h"
#include "vigil/pipeline.h"

struct vg_luatest;

#define VG_DAEMON_NSIGS	6	/* TERM INT HUP USR1 USR2 CONT */

struct event_base;
struct event;

struct vg_daemon {
	/* from the command line */
	const char		*conf_path;	/* NULL: none */
	char			**replay;	/* files, nreplay of them */
	int			 nreplay;
	int			 fg, verbose, check;
	int			 explain;	/* --replay --explain */
	struct vg_input_opts	 io;		/* --force, --discard */
	struct vg_config_cli	 cli;		/* settings over the file */
	/* the running configuration (replaced whole on SIGHUP) */
	struct vg_config	 conf;
	struct vg_pipeline	*pl;
	/* running */
	int			 live;		/* not a replay */
	struct event_base	*base;		/* live */
	struct event		*sev[VG_DAEMON_NSIGS];
	struct vg_input		*in;		/* live */
	struct vg_observe	*obs;		/* live: control, metrics */
	struct vg_listen	*listen;	/* live: network clients */
	struct vg_ctx		*ctx;		/* process context, or NULL */
	int			*replay_fds;	/* replay */
	struct vg_sender	 stopper;	/* who sent TERM/INT */
	int			 stopped;
	int			 pushed;	/* pushdown rules added */
	struct vg_luatest	*ex;		/* --explain: the pipeline's */
};

/*
 * Parses argv into d. Returns -1 to go on, else the exit status (0 after
 * --help or --version, VG_EXIT_USAGE after a message).
 */
int	vg_daemon_args(struct vg_daemon *d, int argc, char *argv[]);
void	vg_daemon_args_free(struct vg_daemon *d);

/*
 * What a start would refuse, without opening anything: auditd.conf, Lua
 * files (compiled); with strict (--check) also plugins.d and the rules,
 * which a start logs but runs without. Every error logged as file:line.
 * Returns the number of errors.
 */
int	vg_daemon_validate(const struct vg_config *c, int strict);
/* --check: vg_daemon_validate(strict), "PATH: ok" lines. Exit status. */
int	vg_daemon_check(const struct vg_daemon *d);

/* daemon(3), but the starting process exits with the daemon's start
 * status (as auditd): vg_daemon_ready() says it is running. */
void	vg_daemon_detach(void);
void	vg_daemon_ready(void);

/* The privileged helper, if this configuration needs one. */
int	vg_daemon_needs_helper(const struct vg_config *c, int live);
/* Drops every capability the input does not need; fatal on failure. */
void	vg_daemon_drop_privileges(const struct vg_config *c, int live);

/* The pipeline, and the input: live, the loop, the signals, the network
 * listeners and the kernel socket (unless kernel = no); a replay, its
 * files. 0; -1 if the input failed, -2 if auditd.conf asks for a listener
 * vigild cannot be (logged). */
int	vg_daemon_open_input(struct vg_daemon *d);
/* The listener auditd.conf's tcp_listen_port asks for (drop-in; check.c):
 * 1 and spec written, 0 if none, -1 (logged as file: message). node (may
 * be NULL) gets the name local events have (name_format), "" for none. */
int	vg_daemon_auditd_listen(const struct vg_config *c, char *spec,
	    size_t len, char *node, size_t nodelen);
/* The pipeline's outputs and filters from d->conf. -1 (logged). */
int	vg_daemon_open_outputs(struct vg_daemon *d);
/* Live: the rules, then the loop until TERM/INT; a replay: the files.
 * ok: 0 if all opened, else the input is only closed. Exit status. */
int	vg_daemon_run(struct vg_daemon *d, int ok);
/* Closes the pipeline, the outputs (what they lost turns a replay's 0
 * into VG_EXIT_LOST) and the helper. Returns the exit status. */
int	vg_daemon_close(struct vg_daemon *d, int rc);
/* The signals vigild answers (signals.c), on d->base. */
void	vg_daemon_signals(struct vg_daemon *d);
/* What signal sig does (signals.c); also asked for through the control
 * socket, then sender is the peer. arg: the struct vg_daemon. */
void	vg_daemon_act(void *arg, int sig, const struct vg_sender *sender);
/* The configured rules into the kernel (rules.c; unicast; multicast: a
 * warning). */
int	vg_daemon_load_rules(const struct vg_daemon *d);
/* pushdown = yes: the drop lines the kernel can take, as kernel rules
 * ahead of the rules just loaded (so after every load); pushdown = no
 * after a reload: the ones added before are removed. */
void	vg_daemon_pushdown(struct vg_daemon *d);
/* A signal's op to every output that has it (vg_pipeline_signal), then
 * the one DAEMON_* record of type (vg_daemon_emit). who NULL: vigild
 * itself. */
void	vg_daemon_outputs_signal(struct vg_daemon *d, enum vg_output_op op,
	    unsigned type, const struct vg_sender *who, const char *reason);
/* SIGHUP (signals.c): vigild.conf read again, whole; kept on error. */
void	vg_daemon_reload(struct vg_daemon *d, const struct vg_sender *who);

#endif
