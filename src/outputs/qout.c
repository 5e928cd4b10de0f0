/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * qout.c: what the queued outputs (unix, syslog, kafka) share: their
 * common options, serializing an event in the pipeline thread (the event
 * is recycled after the callback), the worker thread and its shutdown.
 * Never touches a sink itself.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
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


static const char *const formats[] = { "json", "raw", "enriched", NULL };
static const char *const overflows[] = { "block", "drop_oldest",
    "drop_newest", "spool", NULL };

const struct vg_opt vg_qout_opts[] = {
	{ .name = "format", .type = VG_OPT_ENUM, .choices = formats,
	  .help = "what is sent: json, raw or enriched lines" },
	{ .name = "overflow", .type = VG_OPT_ENUM, .choices = overflows,
	  .help = "a full queue: block, drop_oldest, drop_newest or spool" },
	{ .name = "queue", .type = VG_OPT_SIZE, .def = "10000", .min = 1,
	  .max = 10000000, .help = "events queued at most" },
	{ .name = "queue_bytes", .type = VG_OPT_SIZE, .def = "16m",
	  .min = 4096, .max = 1ull << 40, .help = "bytes queued at most" },
	{ .name = "spool_max", .type = VG_OPT_SIZE, .def = "256m",
	  .min = 4096, .max = 1ull << 50, .help = "spool file bytes at most" },
	{ .name = "drain_ms", .type = VG_OPT_SIZE, .def = "5000",
	  .max = 3600000, .help = "ms to drain the queue at exit" },
	{ .name = "spool", .type = VG_OPT_STR,
	  .help = "spool file (overflow=spool)" },
	{ .name = NULL },
};

static const char *
conf_opt(const struct vg_output_conf *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nopts; i++)
		if (strcmp(c->opts[i].key, key) == 0)
			return c->opts[i].val;
	return NULL;
}

int
vg_qout_check(const struct vg_output_conf *c, char *msg, size_t len)
{
	const char *ovf = conf_opt(c, "overflow");
	const char *spool = conf_opt(c, "spool");
	int is_spool = ovf != NULL && strcmp(ovf, "spool") == 0;

	if (is_spool && (spool == NULL || *spool == '\0')) {
		snprintf(msg, len, "output \"%s\": overflow=spool needs "
		    "spool=PATH", c->spec);
		return -1;
	}
	if (!is_spool && spool != NULL) {
		snprintf(msg, len, "output \"%s\": spool=PATH needs "
		    "overflow=spool", c->spec);
		return -1;
	}
	return 0;
}

int
vg_qout_open(struct vg_qout *qo, struct vg_output *o)
{
	struct vg_queue_opts qopts;
	const char *s;

	memset(qo, 0, sizeof(*qo));
	qo->o = o;
	vg_buf_init(&qo->buf);
	memset(&qopts, 0, sizeof(qopts));
	/* live, blocking would stall the kernel's reader; a replay has
	 * nothing to protect, and a drop there is a silent hole */
	qopts.overflow = vg_output_run_mode() == VG_RUN_REPLAY ?
	    VG_OVF_BLOCK : VG_OVF_DROP_OLDEST;
	/* checked by the table (vg_qout_opts, vg_qout_check) */
	if ((s = vg_output_opt(o, "format")) != NULL)
		qo->fmt = strcmp(s, "raw") == 0 ? VG_QFMT_RAW :
		    strcmp(s, "enriched") == 0 ? VG_QFMT_ENRICHED :
		    VG_QFMT_JSON;
	if ((s = vg_output_opt(o, "overflow")) != NULL)
		(void)vg_overflow_parse(s, &qopts.overflow);
	qopts.spool_path = vg_output_opt(o, "spool");
	qopts.name = o->spec;
	qo->overflow = qopts.overflow;
	qopts.max_events = (size_t)vg_output_opt_num(o, "queue");
	qopts.max_bytes = (size_t)vg_output_opt_num(o, "queue_bytes");
	qopts.spool_max = vg_output_opt_num(o, "spool_max");
	qo->drain_ms = (int)vg_output_opt_num(o, "drain_ms");
	if (qo->fmt == VG_QFMT_ENRICHED &&
	    (qo->enrich = vg_enrich_new(NULL)) == NULL)
		return -1;
	if ((qo->q = vg_queue_new(&qopts)) == NULL) {
		vg_enrich_free(qo->enrich);
		qo->enrich = NULL;
		return -1;
	}
	return 0;
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

int
vg_qout_hostport(const char *arg, char **host, char **port)
{
	const char *h, *colon, *end;
	char *ep;
	unsigned long n;

	if (strncmp(arg, "//", 2) != 0)
		return -1;
	h = arg + 2;
	if (*h == '[') {
		if ((end = strchr(h, ']')) == NULL || end[1] != ':')
			return -1;
		*host = strndup(h + 1, (size_t)(end - h - 1));
		colon = end + 1;
	} else {
		if ((colon = strrchr(h, ':')) == NULL)
			return -1;
		*host = strndup(h, (size_t)(colon - h));
	}
	if (*host == NULL || **host == '\0')
		return -1;
	errno = 0;
	n = strtoul(colon + 1, &ep, 10);
	if (errno || ep == colon + 1 || *ep != '\0' || n == 0 || n > 65535)
		return -1;
	return (*port = strdup(colon + 1)) == NULL ? -1 : 0;
}
