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
#include "vigil/node.h"
#include "vigil/record.h"

struct vg_output;

struct vg_output_stats {
	uint64_t	sent;		/* events written */
	uint64_t	failed;		/* write errors */
	uint64_t	dropped;	/* events not written (queue full...) */
	uint64_t	queued;		/* currently queued */
	uint64_t	spooled;
	uint64_t	filtered;	/* dropped by this output's filters */
};

struct vg_output_ops {
	const char	*name;		/* "json", "raw", ... */
	int		 needs_doc;	/* write() wants the decoded document */
	/* arg: text after "NAME:". Returns 0 or -1 with errno (and logs). */
	int		(*open)(struct vg_output *, const char *arg);
	/* doc is NULL unless needs_doc. Returns 0 or -1 (counted failed). */
	int		(*write)(struct vg_output *, const struct vg_event *,
			    const struct vg_node *doc);
	/*
	 * Record outputs (auditd's log, raw lines) write each record as it
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
	void		(*close)(struct vg_output *);
	/* write() and flush() keep ->stats themselves (queued outputs:
	 * "sent" is known only when the sink acknowledges) */
	int		 self_counts;
	/* a failed write is kept and tried again (file outputs): "failed"
	 * counts attempts, events given up are counted "dropped" */
	int		 retries;
};

/* One "KEY=VALUE" option of an output spec. */
struct vg_output_opt {
	char		*key;
	char		*val;		/* "" if written as "KEY" */
	int		 used;		/* looked up by the output */
};

struct vg_output {
	const struct vg_output_ops	*ops;
	void				*priv;		/* owned by ops */
	char				*spec;		/* "NAME:ARG" as given */
	struct vg_output_stats		 stats;
	struct vg_output		*next;
	struct vg_filter		*filters;	/* this output only:
							 * ?drop=RULE&lua=FILE */
	struct vg_output_opt		*opts;		/* from "?K=V&..." */
	size_t				 nopts;
	int				 needs_tree;	/* set by open(): reads
							 * document members, not
							 * just its JSON line */
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
 * The value of option key of o (marking it used), or NULL if not given.
 * Options no open() looked up are an error ("unknown option").
 */
const char		*vg_output_opt(struct vg_output *, const char *key);
/*
 * Splits spec into o (ops, spec, options) and *arg (caller frees) without
 * opening anything: for the privileged helper (privsep.c), which reads an
 * output's configuration files itself. vg_output_unparse frees o's parts.
 * Returns 0, or -1 with errno (EINVAL: unknown output or bad options).
 */
int			 vg_output_parse(const char *spec,
			    struct vg_output *o, char **arg);
void			 vg_output_unparse(struct vg_output *o);
/* Parses "NAME:ARG", opens it. NULL with errno/logged message on failure. */
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
