/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * metrics.c: the Prometheus text exposition of a state snapshot and the
 * evhttp server for it (metrics.h; the names are a contract listed in
 * docs/operating.md). The server runs on the daemon's loop: a scrape
 * collects one snapshot and answers; nothing here touches the record path.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/metrics.h"
#include "vigil/topk.h"

#define TOP_METRICS	20	/* per-key series exported, at most */

struct vg_metrics {
	struct event_base	*base;
	struct evhttp		*http;
	struct evconnlistener	*lis;
	struct vg_metrics_addr	 a;
	struct vg_pipeline	*pl;
	struct vg_input		*in;
	const struct vg_top	*top;
	uint64_t		 start_mono_ms, start_wall_ms;
};

int
vg_metrics_parse(const char *spec, struct vg_metrics_addr *a, char *err,
    size_t errlen)
{
	const char *p, *hend, *colon, *slash;
	struct in_addr v4;
	struct in6_addr v6;
	unsigned long port;
	char *end;
	size_t n;

	memset(a, 0, sizeof(*a));
	if (strncmp(spec, "unix:", 5) == 0) {
		if (spec[5] != '/' || strlen(spec + 5) >= sizeof(a->path)) {
			snprintf(err, errlen, "unix:PATH: an absolute path "
			    "shorter than %zu bytes", sizeof(a->path));
			return -1;
		}
		a->unix_path = 1;
		a->loopback = 1;
		snprintf(a->path, sizeof(a->path), "%s", spec + 5);
		return 0;
	}
	if (strncmp(spec, "http://", 7) != 0) {
		snprintf(err, errlen, "expected http://ADDR:PORT/PATH or "
		    "unix:/PATH");
		return -1;
	}
	p = spec + 7;
	if (*p == '[') {
		if ((hend = strchr(p, ']')) == NULL)
			goto bad_host;
		n = (size_t)(hend - p - 1);
		colon = hend + 1;
		p++;
	} else {
		colon = strchr(p, ':');
		if (colon == NULL)
			goto bad_port;
		n = (size_t)(colon - p);
	}
	if (*colon != ':')
		goto bad_port;
	if (n == 0 || n >= sizeof(a->host))
		goto bad_host;
	memcpy(a->host, p, n);
	a->host[n] = '\0';
	if (strcmp(a->host, "localhost") == 0)
		snprintf(a->host, sizeof(a->host), "127.0.0.1");
	if (inet_pton(AF_INET, a->host, &v4) == 1)
		a->loopback = (ntohl(v4.s_addr) >> 24) == 127;
	else if (inet_pton(AF_INET6, a->host, &v6) == 1)
		a->loopback = IN6_IS_ADDR_LOOPBACK(&v6);
	else
		goto bad_host;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || errno || port == 0 ||
	    port > 65535 || (*end != '\0' && *end != '/'))
		goto bad_port;
	a->port = (unsigned)port;
	slash = *end == '/' ? end : "/metrics";
	if (strlen(slash) >= sizeof(a->path) || strchr(slash, '?') != NULL) {
		snprintf(err, errlen, "bad path");
		return -1;
	}
	snprintf(a->path, sizeof(a->path), "%s", slash);
	return 0;
bad_host:
	snprintf(err, errlen, "the address must be a literal IPv4 address, "
	    "[IPv6] or localhost (a name may resolve anywhere)");
	return -1;
bad_port:
	snprintf(err, errlen, "expected :PORT (1..65535) after the address");
	return -1;
}

/* ---- exposition ---- */

static void
head(struct vg_buf *b, const char *name, const char *type, const char *help)
{
	vg_buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

static void
one(struct vg_buf *b, const char *name, const char *type, const char *help,
    uint64_t v)
{
	head(b, name, type, help);
	vg_buf_printf(b, "%s %" PRIu64 "\n", name, v);
}

/* A label value: printable (vg_log_escape), then \\ \" \n escaped. */
static void
label(struct vg_buf *b, const char *s)
{
	size_t len = strlen(s), i;
	char *e;

	if ((e = malloc(4 * len + 1)) == NULL) {
		b->oom = 1;
		return;
	}
	len = vg_log_escape(e, 4 * len + 1, s, len);
	for (i = 0; i < len; i++) {
		if (e[i] == '\\' || e[i] == '"')
			vg_buf_addc(b, '\\');
		vg_buf_addc(b, e[i]);
	}
	free(e);
}

static void
seconds(struct vg_buf *b, uint64_t ns)
{
	vg_buf_printf(b, "%" PRIu64 ".%09" PRIu64 "\n", ns / 1000000000,
	    ns % 1000000000);
}

/* The counters of struct vg_counters: metric, field, help. */
#define PCOUNTERS(X)							\
	X("vigil_records_total", records, "Audit records received.")	\
	X("vigil_events_total", events, "Events emitted by the grouper.") \
	X("vigil_parse_errors_total", parse_errors,			\
	    "Lines or records that could not be parsed.")		\
	X("vigil_netlink_enobufs_total", enobufs,			\
	    "Netlink receive buffer overruns (records lost).")		\
	X("vigil_serial_gaps_total", gaps,				\
	    "Missing event serials (events lost before vigild).")	\
	X("vigil_group_timeouts_total", timeouts,			\
	    "Events written at end_of_event_timeout without EOE.")	\
	X("vigil_late_records_total", late,				\
	    "Records that came after their event was written.")	\
	X("vigil_foreign_messages_total", foreign,			\
	    "Netlink messages not from the kernel, ignored.")		\
	X("vigil_filter_dropped_events_total", dropped,		\
	    "Events dropped by the filters (prefilter, Lua).")		\
	X("vigil_oversize_records_total", oversize,			\
	    "Records dropped: their event passed max_event_bytes.")	\
	X("vigil_evicted_events_total", evicted,			\
	    "Events written early: max_pending_events.")		\
	X("vigil_evicted_mem_events_total", evicted_mem,		\
	    "Events written early: max_pending_bytes.")			\
	X("vigil_self_events_total", self,				\
	    "vigild's own events dropped (multicast).")			\
	X("vigil_fields_dropped_total", fields_dropped,		\
	    "Fields past the per-record limit, dropped.")

#define OUTPUT_STATS(X)							\
	X("vigil_output_sent_total", sent, "counter",			\
	    "Events (records for record outputs) written.")		\
	X("vigil_output_failed_total", failed, "counter",		\
	    "Write errors.")						\
	X("vigil_output_dropped_total", dropped, "counter",		\
	    "Events not written: queue full, spool full, no client.")	\
	X("vigil_output_filtered_total", filtered, "counter",		\
	    "Events dropped by the output's own filters.")		\
	X("vigil_output_spooled_total", spooled, "counter",		\
	    "Events written to the output's disk spool.")		\
	X("vigil_output_queued", queued, "gauge",			\
	    "Events queued now (memory, spool and in flight).")

static void
out_labels(struct vg_buf *b, const struct vg_state_output *o)
{
	vg_buf_adds(b, "{output=\"");
	label(b, o->spec);
	vg_buf_printf(b, "\",kind=\"%s\"} ", o->kind);
}

static void
filt_labels(struct vg_buf *b, const struct vg_state_filter *f)
{
	vg_buf_adds(b, "{filter=\"");
	label(b, f->name);
	vg_buf_printf(b, "\",kind=\"%s\"} ", f->kind);
}

void
vg_metrics_render(const struct vg_state *st, const struct vg_top *top,
    struct vg_buf *b)
{
	int i;

	head(b, "vigil_build_info", "gauge", "Version of vigild.");
	vg_buf_printf(b, "vigil_build_info{version=\"%s\",mode=\"%s\"} 1\n",
	    st->version, st->mode);
	head(b, "vigil_start_time_seconds", "gauge",
	    "When vigild started, seconds since the epoch.");
	vg_buf_printf(b, "vigil_start_time_seconds %" PRIu64 ".%03" PRIu64
	    "\n", st->start_wall_ms / 1000, st->start_wall_ms % 1000);
	one(b, "vigil_uptime_seconds", "gauge", "Seconds since vigild "
	    "started.", st->uptime_ms / 1000);
	one(b, "vigil_audit_pid_held", "gauge", "1 if vigild is the kernel's "
	    "audit daemon.", (uint64_t)st->audit_pid_held);
	one(b, "vigil_kernel_status_up", "gauge", "1 if the kernel answered "
	    "AUDIT_GET.", (uint64_t)st->k.ok);
	if (st->k.ok) {
		one(b, "vigil_kernel_enabled", "gauge", "The kernel's audit "
		    "enabled flag (0, 1, 2 locked).", st->k.enabled);
		one(b, "vigil_kernel_lost_total", "counter", "Records the "
		    "kernel lost (its lost counter; auditctl --reset-lost "
		    "resets it).", st->k.lost);
		one(b, "vigil_kernel_backlog", "gauge", "Records waiting in "
		    "the kernel's queue.", st->k.backlog);
		one(b, "vigil_kernel_backlog_limit", "gauge", "The kernel's "
		    "backlog limit.", st->k.backlog_limit);
		one(b, "vigil_kernel_backlog_wait_time_actual_total", "counter",
		    "Time processes waited on a full backlog, as the kernel "
		    "counts it (0 before Linux 5.10).",
		    st->k.backlog_wait_time_actual);
	}
#define X(name, field, help)	one(b, name, "counter", help, st->c.field);
	PCOUNTERS(X)
#undef X
	one(b, "vigil_pending_events", "gauge", "Events open in the grouper.",
	    st->pending);
	one(b, "vigil_pending_bytes", "gauge", "Bytes of records held by open "
	    "events.", st->pending_bytes);
	one(b, "vigil_resident_memory_bytes", "gauge", "Resident set size of "
	    "vigild.", st->rss_bytes);
	head(b, "vigil_output_up", "gauge", "1 if the output's sink is "
	    "reachable (unix: a client connected).");
	for (i = 0; i < st->nout; i++) {
		vg_buf_adds(b, "vigil_output_up");
		out_labels(b, &st->out[i]);
		vg_buf_printf(b, "%d\n", st->out[i].up);
	}
#define X(name, field, type, help)					\
	head(b, name, type, help);					\
	for (i = 0; i < st->nout; i++) {				\
		vg_buf_adds(b, name);					\
		out_labels(b, &st->out[i]);				\
		vg_buf_printf(b, "%" PRIu64 "\n", st->out[i].s.field);	\
	}
	OUTPUT_STATS(X)
#undef X
	head(b, "vigil_filter_passed_total", "counter", "Events a filter "
	    "passed.");
	for (i = 0; i < st->nfilt; i++) {
		vg_buf_adds(b, "vigil_filter_passed_total");
		filt_labels(b, &st->filt[i]);
		vg_buf_printf(b, "%" PRIu64 "\n", st->filt[i].passed);
	}
	head(b, "vigil_filter_dropped_total", "counter", "Events a filter "
	    "dropped.");
	for (i = 0; i < st->nfilt; i++) {
		vg_buf_adds(b, "vigil_filter_dropped_total");
		filt_labels(b, &st->filt[i]);
		vg_buf_printf(b, "%" PRIu64 "\n", st->filt[i].dropped);
	}
	head(b, "vigil_filter_errors_total", "counter", "Filter errors "
	    "(the event passed).");
	for (i = 0; i < st->nfilt; i++) {
		vg_buf_adds(b, "vigil_filter_errors_total");
		filt_labels(b, &st->filt[i]);
		vg_buf_printf(b, "%" PRIu64 "\n", st->filt[i].errors);
	}
	head(b, "vigil_filter_seconds_total", "counter", "Time spent in the "
	    "filter (Lua filters; 0 for the prefilter).");
	for (i = 0; i < st->nfilt; i++) {
		vg_buf_adds(b, "vigil_filter_seconds_total");
		filt_labels(b, &st->filt[i]);
		seconds(b, st->filt[i].ns);
	}
	if (top != NULL) {
		struct vg_topk_item it[VG_TOPK_K];
		char lab[256];
		int n;

		head(b, "vigil_key_events_total", "counter", "Events per rule "
		    "key, the most frequent (space-saving estimate, over by at "
		    "most events/64).");
		n = vg_topk_sorted(&top->dim[VG_TOP_KEY], it, TOP_METRICS);
		for (i = 0; i < n; i++) {
			vg_top_label(VG_TOP_KEY, &it[i], lab, sizeof(lab));
			vg_buf_adds(b, "vigil_key_events_total{key=\"");
			label(b, lab);
			vg_buf_printf(b, "\"} %" PRIu64 "\n", it[i].count);
		}
	}
}

/* ---- the server ---- */

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct vg_metrics *m = arg;
	const char *uri = evhttp_request_get_uri(req);
	struct evbuffer *eb;
	struct vg_state *st;
	struct vg_buf b;
	size_t plen = strlen(m->a.path);

	if (!m->a.unix_path && (strncmp(uri, m->a.path, plen) != 0 ||
	    (uri[plen] != '\0' && uri[plen] != '?'))) {
		evhttp_send_error(req, HTTP_NOTFOUND, NULL);
		return;
	}
	if ((st = malloc(sizeof(*st))) == NULL ||
	    (eb = evbuffer_new()) == NULL) {
		free(st);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	vg_state_collect(st, m->pl, m->in, m->start_mono_ms,
	    m->start_wall_ms);
	vg_buf_init(&b);
	vg_metrics_render(st, m->top, &b);
	free(st);
	if (b.oom) {
		vg_buf_free(&b);
		evbuffer_free(eb);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evbuffer_add(eb, b.data, b.len);
	vg_buf_free(&b);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	evhttp_send_reply(req, HTTP_OK, "OK", eb);
	evbuffer_free(eb);
}

/* A listener made here (unix sockets, SO_REUSEADDR), served by evhttp. */
static int
bind_listener(struct vg_metrics *m, int fd)
{
	struct evhttp_bound_socket *bs;

	m->lis = evconnlistener_new(m->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (m->lis == NULL) {
		close(fd);
		return -1;
	}
	if ((bs = evhttp_bind_listener(m->http, m->lis)) == NULL) {
		evconnlistener_free(m->lis);
		m->lis = NULL;
		return -1;
	}
	(void)bs;
	return 0;
}

static int
listen_fd(const struct vg_metrics_addr *a)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	mode_t old;
	int fd, one = 1, rc;

	memset(&ss, 0, sizeof(ss));
	if (a->unix_path) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
		struct stat st;

		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, a->path, strlen(a->path));
		sl = sizeof(*sun);
		if (lstat(a->path, &st) == 0) {
			if (!S_ISSOCK(st.st_mode)) {
				errno = EEXIST;
				return -1;
			}
			(void)unlink(a->path);
		}
	} else if (strchr(a->host, ':') == NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)a->port);
		(void)inet_pton(AF_INET, a->host, &sin->sin_addr);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)a->port);
		(void)inet_pton(AF_INET6, a->host, &sin6->sin6_addr);
		sl = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1)
		return -1;
	if (!a->unix_path)
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
	old = umask(0177);		/* a unix socket: 0600 */
	rc = bind(fd, (struct sockaddr *)&ss, sl);
	umask(old);
	if (rc == -1 || listen(fd, 16) == -1) {
		int saved = errno;

		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

struct vg_metrics *
vg_metrics_open(struct event_base *base, const char *spec,
    struct vg_pipeline *pl, struct vg_input *in, const struct vg_top *top,
    uint64_t start_mono_ms, uint64_t start_wall_ms)
{
	struct vg_metrics *m;
	char err[160];
	int fd;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if (vg_metrics_parse(spec, &m->a, err, sizeof(err)) == -1) {
		vg_log_warnx("metrics %s: %s; no metrics endpoint", spec, err);
		free(m);
		return NULL;
	}
	m->base = base;
	m->pl = pl;
	m->in = in;
	m->top = top;
	m->start_mono_ms = start_mono_ms;
	m->start_wall_ms = start_wall_ms;
	if ((m->http = evhttp_new(base)) == NULL)
		goto fail;
	evhttp_set_timeout(m->http, VG_METRICS_TIMEOUT_S);
	evhttp_set_max_headers_size(m->http, VG_METRICS_MAXHEADERS);
	evhttp_set_max_body_size(m->http, 0);
	evhttp_set_allowed_methods(m->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(m->http, on_request, m);
	if ((fd = listen_fd(&m->a)) == -1 || bind_listener(m, fd) == -1)
		goto fail;
	if (!m->a.loopback)
		vg_log_warnx("metrics %s: listening on a non-loopback "
		    "address, as written", spec);
	vg_log_info("metrics endpoint %s", spec);
	return m;
fail:
	vg_log_warn("metrics %s", spec);
	vg_metrics_close(m);
	return NULL;
}

void
vg_metrics_close(struct vg_metrics *m)
{
	if (m == NULL)
		return;
	if (m->http != NULL)
		evhttp_free(m->http);	/* frees its bound listeners */
	if (m->a.unix_path && m->lis != NULL)
		(void)unlink(m->a.path);
	free(m);
}
