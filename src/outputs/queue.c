/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * queue.c: bounded message queue between the pipeline thread and one
 * output worker, with the overflow policies of queue.h and the spool.
 * One mutex guards everything, spool I/O included (the spool is only
 * touched when memory is full or the sink is behind, so the pipeline
 * thread rarely waits on disk). A message is one block (header and
 * bytes); freed blocks up to 64 KiB are kept in per-size-class free lists
 * (bounded, CACHE_BYTES) so that a steady stream does no malloc. The
 * consumer is woken once per wait (it takes everything there is then),
 * not once per message.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/queue.h"
#include "vigil/ratelimit.h"
#include "vigil/spool.h"

#define LOG_EVERY_S	10	/* loss log lines at most this often */
#define CLASS_SHIFT	7	/* smallest block: 128 bytes of data */
#define CLASSES		10	/* 128 B .. 64 KiB blocks are recycled */
#define CACHE_BYTES	(2u << 20)	/* free blocks kept, at most */

struct vg_queue {
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv_items;	/* consumer waits */
	pthread_cond_t		 cv_space;	/* producer waits (block) */
	pthread_cond_t		 cv_idle;	/* drain waits */
	struct vg_qmsg		*head, *tail;
	size_t			 n, bytes;
	uint64_t		 taken;		/* out with the consumer */
	uint64_t		 seq;
	struct vg_spool		*sp;
	struct vg_buf		 rd;		/* spool read buffer */
	struct vg_queue_opts	 o;
	char			*name;
	struct vg_queue_stats	 st;
	int			 efd;
	int			 want_wake;	/* consumer polls the efd */
	int			 efd_set;	/* efd written, not read */
	int			 cwait;		/* consumer in cv_items */
	int			 stopped;
	struct vg_qmsg		*cache[CLASSES];	/* free blocks */
	size_t			 cache_bytes;
	uint64_t		 log_at;	/* last loss log line, mono ms */
	uint64_t		 log_dropped;	/* dropped at that time */
	uint64_t		 lost_seen;	/* spool damage counted */
};

static const char *const ovf_names[] = {
	[VG_OVF_BLOCK] = "block",
	[VG_OVF_DROP_OLDEST] = "drop_oldest",
	[VG_OVF_DROP_NEWEST] = "drop_newest",
	[VG_OVF_SPOOL] = "spool",
};

int
vg_overflow_parse(const char *s, enum vg_overflow *out)
{
	size_t i;

	for (i = 0; i < sizeof(ovf_names) / sizeof(ovf_names[0]); i++)
		if (strcmp(s, ovf_names[i]) == 0) {
			*out = (enum vg_overflow)i;
			return 0;
		}
	return -1;
}

const char *
vg_overflow_name(enum vg_overflow o)
{
	return (unsigned)o < sizeof(ovf_names) / sizeof(ovf_names[0]) ?
	    ovf_names[o] : "?";
}

struct vg_queue *
vg_queue_new(const struct vg_queue_opts *o)
{
	struct vg_queue *q;

	if (o->max_events == 0 || o->max_bytes == 0 ||
	    (o->overflow == VG_OVF_SPOOL && o->spool_path == NULL)) {
		errno = EINVAL;
		return NULL;
	}
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return NULL;
	q->o = *o;
	q->efd = -1;
	vg_buf_init(&q->rd);
	if ((q->name = strdup(o->name ? o->name : "output")) == NULL)
		goto fail;
	q->o.name = q->name;
	q->o.spool_path = NULL;
	if ((q->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		goto fail;
	if (o->overflow == VG_OVF_SPOOL) {
		if ((q->sp = vg_spool_open(o->spool_path, o->spool_max)) ==
		    NULL) {
			vg_log_warn("output %s: spool %s", q->name,
			    o->spool_path);
			goto fail;
		}
		if (vg_spool_count(q->sp))
			vg_log_info("output %s: %" PRIu64 " events in spool %s "
			    "from a previous run go first", q->name,
			    vg_spool_count(q->sp), o->spool_path);
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv_items, NULL);
	pthread_cond_init(&q->cv_space, NULL);
	pthread_cond_init(&q->cv_idle, NULL);
	return q;
fail:
	{
		int saved = errno;

		if (q->efd != -1)
			close(q->efd);
		free(q->name);
		free(q);
		errno = saved;
	}
	return NULL;
}

/* Size class of a block for len bytes; CLASSES if too large to keep. */
static unsigned
size_class(size_t len)
{
	unsigned c = 0;

	while (c < CLASSES && ((size_t)1 << (c + CLASS_SHIFT)) < len)
		c++;
	return c;
}

/* Lock held. A block for len bytes, from the free lists if possible. */
static struct vg_qmsg *
msg_alloc(struct vg_queue *q, size_t len)
{
	unsigned c = size_class(len);
	struct vg_qmsg *m;
	size_t cap;

	if (c < CLASSES && (m = q->cache[c]) != NULL) {
		q->cache[c] = m->next;
		q->cache_bytes -= m->cap;
	} else {
		cap = c < CLASSES ? (size_t)1 << (c + CLASS_SHIFT) : len;
		if ((m = malloc(sizeof(*m) + cap)) == NULL)
			return NULL;
		m->cap = cap;
	}
	m->next = NULL;
	m->seq = 0;
	m->len = len;
	return m;
}

/* Lock held. Back to its free list, or to malloc past CACHE_BYTES. */
static void
msg_free(struct vg_queue *q, struct vg_qmsg *m)
{
	unsigned c;

	if (m == NULL)
		return;
	c = size_class(m->cap);
	if (c < CLASSES && ((size_t)1 << (c + CLASS_SHIFT)) == m->cap &&
	    q->cache_bytes + m->cap <= CACHE_BYTES) {
		m->next = q->cache[c];
		q->cache[c] = m;
		q->cache_bytes += m->cap;
		return;
	}
	free(m);
}

static uint64_t
spooled_now(const struct vg_queue *q)
{
	return q->sp ? vg_spool_count(q->sp) : 0;
}

/* Called with the lock held after a loss. */
static void
log_loss(struct vg_queue *q, const char *why)
{
	if (!vg_rl_due(&q->log_at, vg_clock_mono_ms(), LOG_EVERY_S * 1000))
		return;
	vg_log_warnx("output %s: %s, %" PRIu64 " events dropped (%" PRIu64
	    " since last report)", q->name, why, q->st.dropped,
	    q->st.dropped - q->log_dropped);
	q->log_dropped = q->st.dropped;
}

static int
full(const struct vg_queue *q, size_t len)
{
	return q->n >= q->o.max_events ||
	    (q->n > 0 && q->bytes + len > q->o.max_bytes);
}

/*
 * Lock held. Only a consumer that found the queue empty is woken, once:
 * until it runs again, later pushes cost no system call.
 */
static void
wake_consumer(struct vg_queue *q)
{
	uint64_t one = 1;

	if (q->want_wake) {
		q->want_wake = 0;
		q->efd_set = 1;
		if (write(q->efd, &one, sizeof(one)) == -1 && errno != EAGAIN)
			vg_log_warn("output %s: eventfd", q->name);
	}
	if (q->cwait) {
		q->cwait = 0;
		pthread_cond_signal(&q->cv_items);
	}
}

static void
link_tail(struct vg_queue *q, struct vg_qmsg *m)
{
	m->next = NULL;
	if (q->tail)
		q->tail->next = m;
	else
		q->head = m;
	q->tail = m;
	q->n++;
	q->bytes += m->len;
}

static struct vg_qmsg *
unlink_head(struct vg_queue *q)
{
	struct vg_qmsg *m = q->head;

	if (m == NULL)
		return NULL;
	if ((q->head = m->next) == NULL)
		q->tail = NULL;
	q->n--;
	q->bytes -= m->len;
	m->next = NULL;
	return m;
}

static int
to_spool(struct vg_queue *q, const void *p, size_t len)
{
	if (vg_spool_append(q->sp, p, len) == 0) {
		q->st.spooled++;
		wake_consumer(q);
		return 0;
	}
	q->st.dropped++;
	log_loss(q, errno == ENOSPC ? "spool full" : "spool write failed");
	errno = ENOBUFS;
	return -1;
}

int
vg_queue_push(struct vg_queue *q, const void *p, size_t len)
{
	struct vg_qmsg *m;
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	if (q->stopped) {
		pthread_mutex_unlock(&q->mu);
		errno = EPIPE;
		return -1;
	}
	if (len > q->o.max_bytes && q->o.overflow != VG_OVF_SPOOL) {
		q->st.dropped++;
		log_loss(q, "event larger than the queue");
		rc = -1;
		goto out;
	}
	/* once something is spooled, the new ones follow it: order */
	if (q->sp && (vg_spool_count(q->sp) > 0 || full(q, len))) {
		rc = to_spool(q, p, len);
		goto out;
	}
	while (full(q, len)) {
		if (q->o.overflow == VG_OVF_BLOCK && !q->stopped) {
			pthread_cond_wait(&q->cv_space, &q->mu);
			continue;
		}
		if (q->o.overflow == VG_OVF_DROP_OLDEST && q->n > 0) {
			msg_free(q, unlink_head(q));
			q->st.dropped++;
			log_loss(q, "queue full, dropping oldest");
			continue;
		}
		q->st.dropped++;
		log_loss(q, "queue full, dropping newest");
		rc = -1;
		goto out;
	}
	if ((m = msg_alloc(q, len)) == NULL) {
		q->st.dropped++;
		log_loss(q, "out of memory");
		rc = -1;
		goto out;
	}
	memcpy(m->data, p, len);
	link_tail(q, m);
	wake_consumer(q);
out:
	pthread_mutex_unlock(&q->mu);
	if (rc == -1)
		errno = ENOBUFS;
	return rc;
}

static int
idle(const struct vg_queue *q)
{
	return q->n == 0 && spooled_now(q) == 0 && q->taken == 0;
}

/* Lock held. The next message from memory, else from the spool. */
static struct vg_qmsg *
next_msg(struct vg_queue *q)
{
	struct vg_qmsg *m;

	if ((m = unlink_head(q)) != NULL) {
		pthread_cond_signal(&q->cv_space);
		return m;
	}
	while (q->sp && vg_spool_count(q->sp) > 0) {
		if (vg_spool_read(q->sp, &q->rd) != 1) {
			uint64_t lost = vg_spool_lost(q->sp);

			q->st.dropped += lost - q->lost_seen;
			q->lost_seen = lost;
			log_loss(q, "spool damaged");
			continue;
		}
		if ((m = msg_alloc(q, q->rd.len)) == NULL) {
			q->st.dropped++;
			log_loss(q, "out of memory reading the spool");
			continue;
		}
		memcpy(m->data, q->rd.data, q->rd.len);
		return m;
	}
	return NULL;
}

static void
deadline(struct timespec *ts, int timeout_ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += timeout_ms / 1000;
	ts->tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

int
vg_queue_take_n(struct vg_queue *q, struct vg_qmsg **v, size_t max,
    int timeout_ms)
{
	struct vg_qmsg *m;
	struct timespec ts;
	uint64_t junk;
	size_t n = 0;

	if (max == 0) {
		errno = EINVAL;
		return -1;
	}
	if (timeout_ms > 0)
		deadline(&ts, timeout_ms);
	pthread_mutex_lock(&q->mu);
	/* read the efd only when it was written: no EAGAIN per take */
	if (q->efd_set) {
		q->efd_set = 0;
		if (read(q->efd, &junk, sizeof(junk)) == -1 && errno != EAGAIN)
			vg_log_warn("output %s: eventfd", q->name);
	}
	for (;;) {
		if (q->stopped) {
			pthread_mutex_unlock(&q->mu);
			return -1;
		}
		while (n < max && (m = next_msg(q)) != NULL) {
			m->seq = q->seq++;
			q->taken++;
			v[n++] = m;
		}
		if (n > 0)
			break;
		if (timeout_ms == 0) {
			q->want_wake = 1;
			pthread_mutex_unlock(&q->mu);
			return 0;
		}
		q->cwait = 1;
		if (timeout_ms < 0)
			pthread_cond_wait(&q->cv_items, &q->mu);
		else if (pthread_cond_timedwait(&q->cv_items, &q->mu, &ts) ==
		    ETIMEDOUT) {
			q->cwait = 0;
			q->want_wake = 1;
			pthread_mutex_unlock(&q->mu);
			return 0;
		}
	}
	pthread_mutex_unlock(&q->mu);
	return (int)n;
}

int
vg_queue_take(struct vg_queue *q, struct vg_qmsg **out, int timeout_ms)
{
	return vg_queue_take_n(q, out, 1, timeout_ms);
}

/* Lock held. */
static void
done_one(struct vg_queue *q, struct vg_qmsg *m, enum vg_qdone how)
{
	q->taken--;
	switch (how) {
	case VG_Q_SENT:
		q->st.sent++;
		msg_free(q, m);
		break;
	case VG_Q_FAILED:
		q->st.failed++;
		msg_free(q, m);
		break;
	case VG_Q_DROPPED:
		q->st.dropped++;
		msg_free(q, m);
		break;
	case VG_Q_RETRY:
		/* to the front, past the bound: it was accepted already */
		m->next = q->head;
		q->head = m;
		if (q->tail == NULL)
			q->tail = m;
		q->n++;
		q->bytes += m->len;
		break;
	}
}

void
vg_queue_done_n(struct vg_queue *q, struct vg_qmsg **v, size_t n,
    enum vg_qdone how)
{
	size_t i;

	pthread_mutex_lock(&q->mu);
	/* back to front: a retried batch keeps its order at the head */
	for (i = n; i-- > 0;)
		done_one(q, v[i], how);
	if (idle(q))
		pthread_cond_broadcast(&q->cv_idle);
	pthread_mutex_unlock(&q->mu);
}

void
vg_queue_done(struct vg_queue *q, struct vg_qmsg *m, enum vg_qdone how)
{
	pthread_mutex_lock(&q->mu);
	done_one(q, m, how);
	if (idle(q))
		pthread_cond_broadcast(&q->cv_idle);
	pthread_mutex_unlock(&q->mu);
}

int
vg_queue_fd(const struct vg_queue *q)
{
	return q->efd;
}

int
vg_queue_drain(struct vg_queue *q, int timeout_ms)
{
	struct timespec ts;
	int rc = 0;

	deadline(&ts, timeout_ms);
	pthread_mutex_lock(&q->mu);
	while (!idle(q) && !q->stopped)
		if (pthread_cond_timedwait(&q->cv_idle, &q->mu, &ts) ==
		    ETIMEDOUT) {
			rc = -1;
			break;
		}
	if (!idle(q))
		rc = -1;
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void
vg_queue_stop(struct vg_queue *q)
{
	uint64_t one = 1;

	pthread_mutex_lock(&q->mu);
	q->stopped = 1;
	pthread_cond_broadcast(&q->cv_items);
	pthread_cond_broadcast(&q->cv_space);
	pthread_cond_broadcast(&q->cv_idle);
	q->efd_set = 1;
	pthread_mutex_unlock(&q->mu);
	(void)write(q->efd, &one, sizeof(one));
}

int
vg_queue_stopped(struct vg_queue *q)
{
	int s;

	pthread_mutex_lock(&q->mu);
	s = q->stopped;
	pthread_mutex_unlock(&q->mu);
	return s;
}

void
vg_queue_stats(struct vg_queue *q, struct vg_queue_stats *st)
{
	pthread_mutex_lock(&q->mu);
	*st = q->st;
	st->queued = q->n + spooled_now(q) + q->taken;
	pthread_mutex_unlock(&q->mu);
}

/* Shutdown: memory messages go before the spooled ones, in one rewrite. */
static void
keep_leftovers(struct vg_queue *q)
{
	const void **msgs;
	size_t *lens, i;
	struct vg_qmsg *m;

	if (q->n == 0)
		return;
	msgs = calloc(q->n, sizeof(*msgs));
	lens = calloc(q->n, sizeof(*lens));
	if (msgs != NULL && lens != NULL) {
		for (i = 0, m = q->head; m != NULL; m = m->next, i++) {
			msgs[i] = m->data;
			lens[i] = m->len;
		}
		if (vg_spool_prepend(q->sp, msgs, lens, q->n) == 0) {
			q->st.spooled += q->n;
			vg_log_info("output %s: %zu undelivered events kept in "
			    "the spool for the next start", q->name, q->n);
			goto done;
		}
	}
	vg_log_warn("output %s: cannot spool %zu undelivered events", q->name,
	    q->n);
	q->st.dropped += q->n;
done:
	free(msgs);
	free(lens);
}

void
vg_queue_free(struct vg_queue *q, struct vg_queue_stats *final)
{
	struct vg_qmsg *m;
	unsigned c;

	if (q == NULL)
		return;
	if (q->taken)
		vg_log_warnx("output %s: %" PRIu64 " events still taken at "
		    "close, counted dropped", q->name, q->taken);
	q->st.dropped += q->taken;
	q->taken = 0;
	if (q->sp != NULL)
		keep_leftovers(q);
	else if (q->n) {
		vg_log_warnx("output %s: %zu events not delivered at close",
		    q->name, q->n);
		q->st.dropped += q->n;
	}
	while ((m = unlink_head(q)) != NULL)
		free(m);
	for (c = 0; c < CLASSES; c++)
		while ((m = q->cache[c]) != NULL) {
			q->cache[c] = m->next;
			free(m);
		}
	if (q->sp && vg_spool_count(q->sp))
		vg_log_info("output %s: %" PRIu64 " events wait in the spool",
		    q->name, vg_spool_count(q->sp));
	if (final != NULL) {
		*final = q->st;
		final->queued = spooled_now(q);
	}
	vg_spool_close(q->sp);
	vg_buf_free(&q->rd);
	close(q->efd);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv_items);
	pthread_cond_destroy(&q->cv_space);
	pthread_cond_destroy(&q->cv_idle);
	free(q->name);
	free(q);
}
