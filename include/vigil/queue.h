/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * queue.h: the bounded queue between the pipeline (one producer thread)
 * and one output's worker thread (one consumer), src/outputs/queue.c.
 * Messages are serialized bytes (the event is recycled after the
 * pipeline callback). Bounded in messages and bytes; when full the
 * overflow policy decides:
 *	block		the producer waits (backpressure to the reader)
 *	drop_oldest	the oldest queued message is dropped
 *	drop_newest	the new message is dropped
 *	spool		the message goes to the on-disk spool (spool.h); once
 *			anything is spooled, new messages follow it there
 *			until it is read back, so order is kept.
 * Every loss is counted (dropped) and logged, rate-limited.
 */
#ifndef VIGIL_QUEUE_H
#define VIGIL_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/buf.h"

enum vg_overflow {
	VG_OVF_BLOCK,
	VG_OVF_DROP_OLDEST,
	VG_OVF_DROP_NEWEST,
	VG_OVF_SPOOL,
};

struct vg_queue_opts {
	const char		*name;		/* for log lines */
	size_t			 max_events;	/* > 0 */
	size_t			 max_bytes;	/* > 0 */
	enum vg_overflow	 overflow;
	const char		*spool_path;	/* needed for VG_OVF_SPOOL */
	uint64_t		 spool_max;	/* spool file bound, bytes */
};

/* Counters (cumulative except queued). */
struct vg_queue_stats {
	uint64_t	sent;		/* acknowledged by the sink */
	uint64_t	failed;		/* given up on: the sink refused them */
	uint64_t	dropped;	/* lost to overflow, spool full, damage */
	uint64_t	spooled;	/* written to the spool */
	uint64_t	queued;		/* now: memory + spool + taken */
};

/* A message taken by the consumer: owned by it until vg_queue_done(). */
struct vg_qmsg {
	struct vg_qmsg	*next;
	uint64_t	 seq;		/* order of taking (for re-sorting) */
	size_t		 len;
	size_t		 cap;		/* the queue's: bytes allocated */
	char		 data[];
};

enum vg_qdone {
	VG_Q_SENT,	/* delivered: freed, counted sent */
	VG_Q_FAILED,	/* will never be delivered: freed, counted failed */
	VG_Q_DROPPED,	/* nobody to deliver to: freed, counted dropped */
	VG_Q_RETRY,	/* back to the front of the queue, delivered next */
};

struct vg_queue;

/* Opens the spool too (if the policy is spool; what it holds from a
 * previous run is delivered first). NULL with errno, logged. */
struct vg_queue	*vg_queue_new(const struct vg_queue_opts *);
/*
 * Producer: copies one message in. 0 queued or spooled, -1 with errno
 * ENOBUFS when it was dropped (counted) or EPIPE after vg_queue_stop().
 */
int		 vg_queue_push(struct vg_queue *, const void *, size_t);
/*
 * Consumer: takes the oldest message. timeout_ms 0 = do not wait, -1 =
 * forever. 1 got one (*m set), 0 none yet, -1 stopped (vg_queue_stop).
 */
int		 vg_queue_take(struct vg_queue *, struct vg_qmsg **m,
		    int timeout_ms);
void		 vg_queue_done(struct vg_queue *, struct vg_qmsg *,
		    enum vg_qdone);
/*
 * Consumer, batched: takes up to max messages, oldest first, into v[]
 * with one lock. Returns how many (>= 1), 0 none within timeout_ms (as
 * vg_queue_take), -1 stopped.
 */
int		 vg_queue_take_n(struct vg_queue *, struct vg_qmsg **v,
		    size_t max, int timeout_ms);
/* vg_queue_done() of v[0..n) in one lock; VG_Q_RETRY keeps their order
 * (v[0] is delivered first). */
void		 vg_queue_done_n(struct vg_queue *, struct vg_qmsg **v,
		    size_t n, enum vg_qdone);
/*
 * An eventfd the consumer may poll(2) with its sockets: readable when a
 * message was pushed while the consumer found the queue empty (once per
 * such wait, not per message). Consumers that use it call
 * vg_queue_take(..., 0) after it fires (it is drained by vg_queue_take).
 */
int		 vg_queue_fd(const struct vg_queue *);
/* Waits up to timeout_ms for everything to be delivered. 0 or -1. */
int		 vg_queue_drain(struct vg_queue *, int timeout_ms);
/* Makes take() return -1 and push() fail, wakes everyone. */
void		 vg_queue_stop(struct vg_queue *);
int		 vg_queue_stopped(struct vg_queue *);
/*
 * Frees the queue. Messages not delivered (the consumer must have
 * returned what it took, VG_Q_RETRY) go to the front of the spool if
 * there is one, else are counted dropped. Both are logged. The final
 * counters are stored in *final if not NULL.
 */
void		 vg_queue_free(struct vg_queue *, struct vg_queue_stats *final);
void		 vg_queue_stats(struct vg_queue *, struct vg_queue_stats *);
/* Policy name <-> enum; -1 for an unknown name. */
int		 vg_overflow_parse(const char *, enum vg_overflow *);
const char	*vg_overflow_name(enum vg_overflow);

#endif
