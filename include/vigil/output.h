/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output.h: the output interface. One .c per output under src/outputs/,
 * each exporting one const struct vg_output_ops, listed in src/output.c.
 * Configured as "NAME:ARG" (e.g. "json:/var/log/vigil.json", "json:-"),
 * "NAME" alone, or either with options "?KEY=VALUE&KEY=VALUE" at the end
 * (docs/outputs.md): "syslog+tcp://127.0.0.1:514?facility=local3".
 */
#ifndef VIGIL_OUTPUT_H
#define VIGIL_OUTPUT_H

#include <stdint.h>

#include "vigil/event.h"
#include "vigil/filter.h"
#include "vigil/opt.h"
#include "vigil/node.h"
#include "vigil/record.h"

struct vg_output;
struct vg_output_conf;
struct vg_sender;

/*
 * What a signal asks of every output (vg_pipeline_signal): rotate
 * (SIGUSR1), resume after a suspend (SIGUSR2), reload its own files
 * (SIGHUP), stop (before close). The ops only act: the DAEMON_* record
 * that tells of it is made once afterwards (vg_daemon_emit) and reaches
 * the outputs that take such records through their record op, as auditd
 * hands one event to its log and its plugins. failed counts the reloads
 * that failed (no DAEMON_CONFIG then).
 */
struct vg_output_signal {
	unsigned			 type;	/* enum vg_daemon_rec */
	const struct vg_sender		*who;	/* NULL: vigild itself */
	const char			*reason; /* DAEMON_ABORT, or NULL */
	int				 failed;
};

struct vg_output_stats {
	uint64_t	sent;		/* events written */
	uint64_t	failed;		/* write errors */
	uint64_t	dropped;	/* events not written (queue full...) */
	uint64_t	queued;		/* currently queued */
	uint64_t	spooled;
	uint64_t	filtered;	/* dropped by this output's filters */
};

/*
 * What an output consumes (ops->wants; o->wants, which open() may add
 * to): the decoded document (its JSON line), the document's members
 * (a tree, not just the line), the records as they arrive (->record).
 */
enum vg_want {
	VG_WANT_DOC = 1 << 0,
	VG_WANT_TREE = 1 << 1,
	VG_WANT_RECORDS = 1 << 2,
};

struct vg_output_ops {
	const char	*name;		/* "json", "raw", ... */
	unsigned	 wants;		/* enum vg_want */
	/* arg: text after "NAME:". Returns 0 or -1 with errno (and logs). */
	int		(*open)(struct vg_output *, const char *arg);
	/*
	 * Option tables (opt.h) this kind accepts beside the generic ones
	 * (drop=, lua=), NULL-ended: the engine parses and checks every
	 * ?KEY=VALUE against them when the configuration is read, so
	 * `vigild --check` and a start give the same file:line message.
	 */
	const struct vg_opt *const *opts;
	/* ARG and the options together, without side effects (the check
	 * a table cannot say: "unix:" without a path, spool= without
	 * overflow=spool). 0, or -1 with the message in msg. May be NULL. */
	int		(*check)(const struct vg_output_conf *, char *msg,
			    size_t len);
	/* doc is NULL unless VG_WANT_DOC. Returns 0 or -1 (counted
	 * failed). */
	int		(*write)(struct vg_output *, const struct vg_event *,
			    const struct vg_node *doc);
	/*
	 * Record outputs (auditd's log, raw lines: VG_WANT_RECORDS) write
	 * each record as it
	 * arrives, before grouping, in arrival order, as auditd does: then
	 * write() is never called and ->stats count records. NULL: events
	 * only. The pipeline uses it unless a filter must see this output's
	 * events whole (its own drop=/lua=, or a pipeline filter): then
	 * write() gets events as for any output (docs/outputs.md). Returns
	 * 0 (counted sent), 1 (not written on purpose, e.g. EOE) or -1
	 * (counted failed). rec is borrowed for the call.
	 */
	int		(*record)(struct vg_output *, const struct vg_record *);
	int		(*flush)(struct vg_output *);	/* may be NULL */
	int		(*reopen)(struct vg_output *);	/* may be NULL */
	/* Whether the sink is reachable now (a client connected, a TCP
	 * connection up): 1 or 0. Called on the loop's thread (state
	 * report, metrics). NULL: the output has no such notion, up. */
	int		(*up)(struct vg_output *);
	void		(*close)(struct vg_output *);
	/* Signals (struct vg_output_signal); NULL: nothing to do. reload
	 * keeps the running settings on error and counts it in ->failed.
	 * stop: the last call before close (DAEMON_END). dump: state for
	 * SIGCONT, one vg_log_dump line or more. */
	void		(*rotate)(struct vg_output *, struct vg_output_signal *);
	void		(*resume)(struct vg_output *, struct vg_output_signal *);
	void		(*reload)(struct vg_output *, struct vg_output_signal *);
	void		(*stop)(struct vg_output *, struct vg_output_signal *);
	void		(*dump)(struct vg_output *, int fd);
	/* write(), record() and flush() keep ->stats themselves (queued
	 * outputs, plugins: "sent" is known only when the sink has it) */
	int		 self_counts;
	/* a failed write is kept and tried again (file outputs): "failed"
	 * counts attempts, events given up are counted "dropped" */
	int		 retries;
	/* takes vigild's own DAEMON_* records (vg_pipeline_daemon), as
	 * auditd logs and dispatches its own: the auditd log, plugins */
	int		 wants_daemon;
};

/* One "KEY=VALUE" option of an output spec. */
struct vg_output_opt {
	char		*key;
	char		*val;		/* "" if written as "KEY" */
};

/*
 * One configured output, parsed and checked (vg_output_conf_parse): what
 * vigild.conf, -o and the auditd.conf drop-in produce, and what
 * vg_output_open() opens. spec is its name in logs and for the
 * privileged helper.
 */
struct vg_output_conf {
	const struct vg_output_ops	*ops;
	char				*spec;	/* "NAME[:ARG][?K=V&...]" */
	char				*arg;	/* after "NAME:", "" if none */
	struct vg_output_opt		*opts;
	size_t				 nopts;
};

struct vg_output {
	const struct vg_output_ops	*ops;
	void				*priv;		/* owned by ops */
	const char			*spec;		/* conf->spec */
	struct vg_output_stats		 stats;
	struct vg_output		*next;
	struct vg_filter		*filters;	/* this output only:
							 * ?drop=RULE&lua=FILE */
	struct vg_output_conf		*conf;		/* owned copy */
	unsigned			 wants;		/* ops->wants, and what
							 * open() adds */
	int				 by_record;	/* set by the pipeline:
							 * ops->record() in use,
							 * no events */
	int				 no_context;	/* ?context=no: without
							 * "host", "context" */
};

/*
 * How vigild runs, set before the outputs are opened: some defaults
 * follow it. A replay has no kernel to protect from backpressure, so
 * there the queued outputs block instead of dropping (overflow=block
 * unless given) and keep draining at exit while the sink makes progress,
 * and syslog+udp is paced (rate=). Live is the default.
 */
enum vg_run_mode { VG_RUN_LIVE = 0, VG_RUN_REPLAY };
void			 vg_output_set_run_mode(enum vg_run_mode);
enum vg_run_mode	 vg_output_run_mode(void);

/* Finds the ops for a name (length-delimited), or NULL. */
const struct vg_output_ops *vg_output_lookup(const char *, size_t);
/*
 * Parses and checks spec (every option against the tables, ops->check):
 * *out (caller frees with vg_output_conf_free), or -1 with the message
 * ("output \"SPEC\": ...") in msg.
 */
int			 vg_output_conf_parse(const char *spec,
			    struct vg_output_conf **out, char *msg, size_t len);
/* The same from parts: the output ops, ARG and NULL-ended key, value
 * pairs (NULL values skipped). */
int			 vg_output_conf_make(const struct vg_output_ops *,
			    const char *arg, const char *const *kv,
			    struct vg_output_conf **out, char *msg, size_t len);
void			 vg_output_conf_free(struct vg_output_conf *);
/* Compiles the lua= filter of c (for --check and open). NULL with
 * "output \"SPEC\": FILE:LINE: msg" in msg. */
struct vg_filter	*vg_output_lua_open(const struct vg_output_conf *c,
			    char *msg, size_t len);
/* The value of option key of a checked output, or NULL if not given. */
const char		*vg_output_opt(const struct vg_output *, const char *key);
/* The value of a numeric option (UINT, SIZE, OCTAL, BOOL, ENUM index) as
 * its table row parses it, or the row's default, or 0. */
uint64_t		 vg_output_opt_num(const struct vg_output *,
			    const char *key);
/*
 * Splits spec into o (ops, spec, options) and *arg (caller frees) without
 * opening anything: for the privileged helper (privsep_helper.c), which
 * reads an output's configuration files itself. vg_output_unparse frees
 * o's parts. Returns 0, or -1 with errno (EINVAL: unknown output or bad
 * options).
 */
int			 vg_output_parse(const char *spec,
			    struct vg_output *o, char **arg);
void			 vg_output_unparse(struct vg_output *o);
/* Opens a checked output. NULL with errno/logged message on failure. */
struct vg_output	*vg_output_open_conf(const struct vg_output_conf *);
/* vg_output_conf_parse (its error logged), then vg_output_open_conf. */
struct vg_output	*vg_output_open(const char *spec);
int			 vg_output_write(struct vg_output *,
			    const struct vg_event *, const struct vg_node *);
/*
 * Closes o (its final counters known only then) and frees it. Returns the
 * events it lost: dropped, and failed unless ops->retries; logged if any.
 */
/* One record to an output in record mode (o->by_record); counted. */
int			 vg_output_record(struct vg_output *,
			    const struct vg_record *);
uint64_t		 vg_output_close(struct vg_output *);

#endif
