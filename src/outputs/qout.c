/*
 * qout.c: what the queued outputs (unix, syslog, kafka) share: their
 * common options, serializing an event in the pipeline thread (the event
 * is recycled after the callback), the worker thread and its shutdown.
 * Never touches a sink itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil/auditd/logline.h"
#include "vigil/clock.h"
#include "vigil/json.h"
#include "vigil/log.h"
#include "vigil/parse_num.h"
#include "vigil/qout.h"

#define DEF_EVENTS	10000
#define DEF_BYTES	(16u * 1024 * 1024)
#define DEF_SPOOL	(256ull * 1024 * 1024)
#define DEF_DRAIN_MS	5000

static int
size_opt(struct vg_output *o, const char *key, uint64_t min, uint64_t max,
    uint64_t *v)
{
	const char *s = vg_output_opt(o, key);

	if (s == NULL)
		return 0;
	if (vg_parse_size(s, v) == -1 || *v < min || *v > max) {
		vg_log_warnx("output \"%s\": %s=%s: expected a number %" PRIu64
		    "..%" PRIu64 " (k, m, g suffixes allowed)", o->spec, key, s,
		    min, max);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

int
vg_qout_open(struct vg_qout *qo, struct vg_output *o)
{
	struct vg_queue_opts qopts;
	uint64_t events = DEF_EVENTS, bytes = DEF_BYTES, smax = DEF_SPOOL;
	uint64_t drain = DEF_DRAIN_MS;
	const char *s;

	memset(qo, 0, sizeof(*qo));
	qo->o = o;
	vg_buf_init(&qo->buf);
	memset(&qopts, 0, sizeof(qopts));
	/* live, blocking would stall the kernel's reader; a replay has
	 * nothing to protect, and a drop there is a silent hole */
	qopts.overflow = vg_output_run_mode() == VG_RUN_REPLAY ?
	    VG_OVF_BLOCK : VG_OVF_DROP_OLDEST;
	if ((s = vg_output_opt(o, "format")) != NULL) {
		if (strcmp(s, "json") == 0)
			qo->fmt = VG_QFMT_JSON;
		else if (strcmp(s, "raw") == 0)
			qo->fmt = VG_QFMT_RAW;
		else if (strcmp(s, "enriched") == 0)
			qo->fmt = VG_QFMT_ENRICHED;
		else {
			vg_log_warnx("output \"%s\": format=%s: expected json, "
			    "raw or enriched", o->spec, s);
			goto bad;
		}
	}
	if ((s = vg_output_opt(o, "overflow")) != NULL &&
	    vg_overflow_parse(s, &qopts.overflow) == -1) {
		vg_log_warnx("output \"%s\": overflow=%s: expected block, "
		    "drop_oldest, drop_newest or spool", o->spec, s);
		goto bad;
	}
	if (size_opt(o, "queue", 1, 10000000, &events) == -1 ||
	    size_opt(o, "queue_bytes", 4096, 1ull << 40, &bytes) == -1 ||
	    size_opt(o, "spool_max", 4096, 1ull << 50, &smax) == -1 ||
	    size_opt(o, "drain_ms", 0, 3600000, &drain) == -1)
		return -1;
	qopts.spool_path = vg_output_opt(o, "spool");
	if (qopts.overflow == VG_OVF_SPOOL && (qopts.spool_path == NULL ||
	    *qopts.spool_path == '\0')) {
		vg_log_warnx("output \"%s\": overflow=spool needs spool=PATH",
		    o->spec);
		goto bad;
	}
	if (qopts.overflow != VG_OVF_SPOOL && qopts.spool_path != NULL) {
		vg_log_warnx("output \"%s\": spool=PATH needs overflow=spool",
		    o->spec);
		goto bad;
	}
	qopts.name = o->spec;
	qo->overflow = qopts.overflow;
	qopts.max_events = (size_t)events;
	qopts.max_bytes = (size_t)bytes;
	qopts.spool_max = smax;
	qo->drain_ms = (int)drain;
	if (qo->fmt == VG_QFMT_ENRICHED &&
	    (qo->enrich = vg_enrich_new(NULL)) == NULL)
		return -1;
	if ((qo->q = vg_queue_new(&qopts)) == NULL) {
		vg_enrich_free(qo->enrich);
		qo->enrich = NULL;
		return -1;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* RAW lines, with the ENRICHED part when asked (as auditd writes them:
 * the input's own part if it had one, else resolved here), and EOE. */
static void
format_raw(struct vg_qout *qo, const struct vg_event *ev)
{
	struct vg_logline ll = { VG_LL_NEWLINE, VG_STR_NULL, NULL };

	if (qo->fmt == VG_QFMT_ENRICHED) {
		ll.flags |= VG_LL_ENRICH | VG_LL_KEPT_FIRST;
		ll.enrich = qo->enrich;
	}
	vg_logline_event(&qo->buf, &ll, ev, 1);
}

int
vg_qout_format(struct vg_qout *qo, const struct vg_event *ev,
    const struct vg_node *doc)
{
	vg_buf_reset(&qo->buf);
	if (qo->fmt == VG_QFMT_JSON) {
		if (doc == NULL && ev->json.len == 0) {
			qo->fmt_failed++;
			errno = EINVAL;
			return -1;
		}
		vg_json_event(ev, doc, &qo->buf);
	} else
		format_raw(qo, ev);
	if (qo->buf.oom) {
		qo->fmt_failed++;
		vg_buf_reset(&qo->buf);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int
vg_qout_push(struct vg_qout *qo, const void *p, size_t len)
{
	(void)vg_qout_run(qo);
	return vg_queue_push(qo->q, p, len);
}

void
vg_qout_start(struct vg_qout *qo, void *(*fn)(void *), void *arg)
{
	qo->fn = fn;
	qo->arg = arg;
}

int
vg_qout_run(struct vg_qout *qo)
{
	int e;

	if (qo->started)
		return 0;
	if (qo->fn == NULL)
		return -1;
	if ((e = pthread_create(&qo->thr, NULL, qo->fn, qo->arg)) != 0) {
		errno = e;
		vg_log_warn("output \"%s\": worker thread", qo->o->spec);
		qo->fn = NULL;	/* once: events stay queued or spooled */
		return -1;
	}
	qo->started = 1;
	return 0;
}

void
vg_qout_sync(struct vg_qout *qo)
{
	struct vg_queue_stats st;

	(void)vg_qout_run(qo);
	vg_queue_stats(qo->q, &st);
	qo->o->stats.sent = st.sent;
	qo->o->stats.failed = st.failed + qo->fmt_failed;
	qo->o->stats.dropped = st.dropped;
	qo->o->stats.queued = st.queued;
	qo->o->stats.spooled = st.spooled;
}

static uint64_t
done_count(struct vg_queue *q)
{
	struct vg_queue_stats st;

	vg_queue_stats(q, &st);
	return st.sent + st.failed + st.dropped;
}

/*
 * Waits drain_ms for the sink to take what is queued. In a replay it
 * waits on as long as the sink made progress in the last drain_ms: the
 * whole queue (10000 events) may take longer than that at a paced rate,
 * and there is no kernel waiting.
 */
static void
drain(struct vg_qout *qo)
{
	uint64_t before = done_count(qo->q), now;

	while (vg_queue_drain(qo->q, qo->drain_ms) == -1) {
		now = done_count(qo->q);
		if (vg_output_run_mode() != VG_RUN_REPLAY || now == before ||
		    qo->drain_ms == 0) {
			vg_log_warnx("output \"%s\": sink did not take "
			    "everything within %d ms", qo->o->spec,
			    qo->drain_ms);
			return;
		}
		before = now;
	}
}

void
vg_qout_close(struct vg_qout *qo)
{
	struct vg_queue_stats st;
	struct vg_output *o = qo->o;

	if (qo->q == NULL)
		return;
	if (qo->started)
		drain(qo);
	vg_queue_stop(qo->q);
	if (qo->started)
		pthread_join(qo->thr, NULL);
	qo->started = 0;
	vg_queue_free(qo->q, &st);
	qo->q = NULL;
	o->stats.sent = st.sent;
	st.failed += qo->fmt_failed;
	o->stats.failed = st.failed;
	o->stats.dropped = st.dropped;
	o->stats.queued = st.queued;
	o->stats.spooled = st.spooled;
	vg_log_info("output %s: final sent=%" PRIu64 " failed=%" PRIu64
	    " dropped=%" PRIu64 " queued=%" PRIu64 " spooled=%" PRIu64, o->spec,
	    st.sent, st.failed, st.dropped, st.queued, st.spooled);
	vg_enrich_free(qo->enrich);
	qo->enrich = NULL;
	vg_buf_free(&qo->buf);
}

int
vg_qout_stopped(struct vg_qout *qo)
{
	return vg_queue_stopped(qo->q);
}

int
vg_qout_sleep(struct vg_qout *qo, int ms)
{
	uint64_t end = vg_clock_mono_ms() + (uint64_t)ms, t;
	struct pollfd pfd;

	pfd.fd = vg_queue_fd(qo->q);
	pfd.events = POLLIN;
	/* the eventfd also fires on new messages: sleep on until the end */
	while (!vg_queue_stopped(qo->q) && (t = vg_clock_mono_ms()) < end) {
		if (poll(&pfd, 1, (int)(end - t)) == 1 &&
		    vg_queue_stopped(qo->q))
			break;
		if (pfd.revents & POLLIN) {
			/* a push: drain it (callers take() after sleeping) */
			uint64_t junk;

			if (read(pfd.fd, &junk, sizeof(junk)) == -1 &&
			    errno != EAGAIN)
				break;
		}
	}
	return vg_queue_stopped(qo->q) ? -1 : 0;
}
