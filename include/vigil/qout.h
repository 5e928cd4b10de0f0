/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qout.h: the part shared by the queued outputs (unix, syslog, kafka;
 * src/outputs/queue.c): options for format and queue, serializing an
 * event at write() time, the worker thread, counters and shutdown.
 * Options (docs/outputs.md): format=json|raw|enriched, queue=EVENTS,
 * queue_bytes=SIZE, overflow=block|drop_oldest|drop_newest|spool,
 * spool=PATH, spool_max=SIZE, drain_ms=MS.
 */
#ifndef VIGIL_QOUT_H
#define VIGIL_QOUT_H

#include <pthread.h>

#include "vigil/buf.h"
#include "vigil/auditd/enrich.h"
#include "vigil/output.h"
#include "vigil/queue.h"

enum vg_qfmt {
	VG_QFMT_JSON,		/* one JSON line (docs/events.md) */
	VG_QFMT_RAW,		/* auditd RAW lines (auditd/logline.h) */
	VG_QFMT_ENRICHED,	/* RAW lines with the ENRICHED part */
};

struct vg_qout {
	struct vg_output	*o;
	struct vg_queue		*q;
	enum vg_qfmt		 fmt;
	enum vg_overflow	 overflow;	/* in force: given or default */
	struct vg_enrich	*enrich;	/* VG_QFMT_ENRICHED */
	struct vg_buf		 buf;		/* serialized event */
	int			 drain_ms;	/* at close: wait for the sink */
	pthread_t		 thr;
	void			*(*fn)(void *);	/* worker, set by start */
	void			*arg;
	int			 started;	/* thread running */
	uint64_t		 fmt_failed;	/* events that could not be
						 * serialized: counted failed */
};

/*
 * Reads the common options of o (defaults: json, 10000 events, 16 MiB,
 * drop_oldest (block in a replay), spool_max 256 MiB, drain_ms 5000) and
 * makes the queue.
 * 0, or -1 with errno (bad option values are logged naming the output).
 */
int	vg_qout_open(struct vg_qout *, struct vg_output *);
/* The options every queued output takes (opt.h), and the check of the
 * ones that go together (spool= and overflow=spool): ops->check. */
extern const struct vg_opt vg_qout_opts[];
int	vg_qout_check(const struct vg_output_conf *, char *msg, size_t len);
/* Serializes ev into qo->buf (replacing it). 0, or -1 (counted failed:
 * no document for json, out of memory). The last '\n' is kept. */
int	vg_qout_format(struct vg_qout *, const struct vg_event *,
	    const struct vg_node *doc);
/* Pushes qo->buf[0..len) (the caller may have framed it). 0 or -1. */
int	vg_qout_push(struct vg_qout *, const void *, size_t);
/*
 * Names the worker (fn gets arg). The thread itself is started by
 * vg_qout_run() on the first write or flush: threads do not survive the
 * fork of daemon(3), which vigild does after opening its outputs.
 */
void	vg_qout_start(struct vg_qout *, void *(*fn)(void *), void *arg);
/* Starts the worker if it is not running. 0 or -1 (logged once). */
int	vg_qout_run(struct vg_qout *);
/* Copies the queue counters into o->stats (pipeline thread). */
void	vg_qout_sync(struct vg_qout *);
/*
 * Waits drain_ms for the sink, stops and joins the worker (which must
 * return what it holds with VG_Q_RETRY), frees the queue (spooling what
 * is left if it can), stores and logs the final counters.
 */
void	vg_qout_close(struct vg_qout *);
/*
 * For workers: sleeps up to ms (backoff), waking early on stop. Returns
 * -1 if the queue was stopped, else 0.
 */
int	vg_qout_sleep(struct vg_qout *, int ms);
int	vg_qout_stopped(struct vg_qout *);
/*
 * A network output's "//HOST:PORT" or "//[V6]:PORT" (PORT 1..65535) into
 * *host and *port (strdup'd; the caller frees them, also after an
 * error). 0, or -1.
 */
int	vg_qout_hostport(const char *arg, char **host, char **port);

#endif
