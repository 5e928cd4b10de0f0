/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * state_report.c: the daemon's state report (docs/operating.md). Collects
 * one snapshot (struct vg_state) from the counters others keep and
 * renders it as text, JSON or a one-line summary. Owns no counter; never
 * runs on the record path (state, SIGCONT, report_interval, scrapes).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/audit.h>

#include "vigil/clock.h"
#include "vigil/input.h"
#include "vigil/json.h"
#include "vigil/log.h"
#include "vigil/state.h"

uint64_t
vg_state_rss(void)
{
	char buf[128];
	unsigned long long size, rss;
	ssize_t n;
	int fd;

	if ((fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &size, &rss) != 2)
		return 0;
	return (uint64_t)rss * (uint64_t)sysconf(_SC_PAGESIZE);
}

static void
collect_kernel(struct vg_state *st, struct vg_input *in)
{
	struct audit_status ks;
	int held = 0;

	if (in == NULL || vg_input_kernel(in, &ks, &held) == -1)
		return;
	st->k.ok = 1;
	st->audit_pid_held = held;
	st->k.enabled = ks.enabled;
	st->k.failure = ks.failure;
	st->k.pid = ks.pid;
	st->k.rate_limit = ks.rate_limit;
	st->k.backlog_limit = ks.backlog_limit;
	st->k.lost = ks.lost;
	st->k.backlog = ks.backlog;
	st->k.backlog_wait_time = ks.backlog_wait_time;
	/* 0 from kernels before 5.10, which do not send it */
	st->k.backlog_wait_time_actual = ks.backlog_wait_time_actual;
}

void
vg_state_collect(struct vg_state *st, struct vg_pipeline *pl,
    struct vg_input *in, uint64_t start_mono_ms, uint64_t start_wall_ms)
{
	struct vg_output *o;
	struct vg_filter *f;

	memset(st, 0, sizeof(*st));
	st->version = VIGIL_VERSION;
	st->mode = in != NULL ? vg_input_name(in) : "replay";
	st->pid = (int32_t)getpid();
	st->start_wall_ms = start_wall_ms;
	st->uptime_ms = vg_clock_mono_ms() - start_mono_ms;
	collect_kernel(st, in);
	st->c = *vg_pipeline_counters(pl);
	vg_pipeline_pending(pl, &st->pending, &st->pending_bytes);
	st->rss_bytes = vg_state_rss();
	for (o = vg_pipeline_outputs(pl); o != NULL && st->nout <
	    VG_STATE_MAX; o = o->next) {
		struct vg_state_output *so = &st->out[st->nout++];

		so->spec = o->spec;
		so->kind = o->ops->name;
		so->s = o->stats;
		so->up = o->ops->up != NULL ? o->ops->up(o) : 1;
	}
	for (f = vg_pipeline_filters(pl); f != NULL && st->nfilt <
	    VG_STATE_MAX; f = f->next) {
		struct vg_state_filter *sf = &st->filt[st->nfilt++];

		sf->name = f->name != NULL ? f->name : f->ops->name;
		sf->kind = f->ops->name;
		sf->passed = f->passed;
		sf->dropped = f->dropped;
		sf->errors = f->errors;
		sf->ns = f->ns;
	}
}

/* Totals over the filters of one kind. */
struct ftot {
	uint64_t	calls, drops, errors, ns;
};

static struct ftot
filter_totals(const struct vg_state *st, const char *kind)
{
	struct ftot t = { 0, 0, 0, 0 };
	int i;

	for (i = 0; i < st->nfilt; i++) {
		if (strcmp(st->filt[i].kind, kind) != 0)
			continue;
		t.calls += st->filt[i].passed + st->filt[i].dropped;
		t.drops += st->filt[i].dropped;
		t.errors += st->filt[i].errors;
		t.ns += st->filt[i].ns;
	}
	return t;
}

/* The counters of struct vg_counters, named once for every rendering. */
#define COUNTERS(X)							\
	X(records) X(events) X(parse_errors) X(enobufs) X(gaps)	\
	X(timeouts) X(late) X(foreign) X(dropped) X(oversize)		\
	X(evicted) X(evicted_mem) X(self) X(json_direct) X(fields_dropped)

/* A text value: what a terminal would act on written as text. */
static void
add_escaped(struct vg_buf *b, const char *s)
{
	size_t len = strlen(s);
	char *e;

	if ((e = malloc(4 * len + 1)) == NULL) {
		b->oom = 1;
		return;
	}
	vg_log_escape(e, 4 * len + 1, s, len);
	vg_buf_adds(b, e);
	free(e);
}

static void
seconds(struct vg_buf *b, uint64_t ns)
{
	vg_buf_printf(b, "%" PRIu64 ".%09" PRIu64, ns / 1000000000,
	    ns % 1000000000);
}

void
vg_state_text(const struct vg_state *st, struct vg_buf *b)
{
	struct ftot lua = filter_totals(st, "lua");
	struct ftot pre = filter_totals(st, "prefilter");
	int i;

	vg_buf_printf(b, "version = %s\npid = %" PRId32 "\nmode = %s\n"
	    "start_time = %" PRIu64 ".%03" PRIu64 "\nuptime_seconds = %"
	    PRIu64 "\naudit_pid_held = %s\n", st->version, st->pid,
	    st->mode, st->start_wall_ms / 1000, st->start_wall_ms % 1000,
	    st->uptime_ms / 1000, st->audit_pid_held ? "yes" : "no");
	if (st->k.ok)
		vg_buf_printf(b, "kernel.enabled = %" PRIu32 "\n"
		    "kernel.failure = %" PRIu32 "\nkernel.pid = %" PRIu32 "\n"
		    "kernel.rate_limit = %" PRIu32 "\n"
		    "kernel.backlog_limit = %" PRIu32 "\n"
		    "kernel.lost = %" PRIu32 "\nkernel.backlog = %" PRIu32 "\n"
		    "kernel.backlog_wait_time = %" PRIu32 "\n"
		    "kernel.backlog_wait_time_actual = %" PRIu32 "\n",
		    st->k.enabled, st->k.failure, st->k.pid, st->k.rate_limit,
		    st->k.backlog_limit, st->k.lost, st->k.backlog,
		    st->k.backlog_wait_time, st->k.backlog_wait_time_actual);
	else
		vg_buf_adds(b, "kernel = unavailable\n");
#define X(n)	vg_buf_printf(b, "%s = %" PRIu64 "\n", #n, st->c.n);
	COUNTERS(X)
#undef X
	vg_buf_printf(b, "pending_events = %zu\npending_bytes = %zu\n"
	    "lua.calls = %" PRIu64 "\nlua.drops = %" PRIu64 "\n"
	    "lua.errors = %" PRIu64 "\nlua.seconds = ", st->pending,
	    st->pending_bytes, lua.calls, lua.drops, lua.errors);
	seconds(b, lua.ns);
	vg_buf_printf(b, "\nprefilter.drops = %" PRIu64 "\n"
	    "rss_bytes = %" PRIu64 "\noutputs = %d\n", pre.drops,
	    st->rss_bytes, st->nout);
	for (i = 0; i < st->nout; i++) {
		const struct vg_state_output *o = &st->out[i];

		vg_buf_printf(b, "output.%d.spec = ", i);
		add_escaped(b, o->spec);
		vg_buf_printf(b, "\noutput.%d.kind = %s\noutput.%d.up = %s\n"
		    "output.%d.sent = %" PRIu64 "\noutput.%d.failed = %" PRIu64
		    "\noutput.%d.dropped = %" PRIu64 "\noutput.%d.queued = %"
		    PRIu64 "\noutput.%d.spooled = %" PRIu64 "\n"
		    "output.%d.filtered = %" PRIu64 "\n", i, o->kind, i,
		    o->up ? "yes" : "no", i, o->s.sent, i, o->s.failed, i,
		    o->s.dropped, i, o->s.queued, i, o->s.spooled, i,
		    o->s.filtered);
	}
	vg_buf_printf(b, "filters = %d\n", st->nfilt);
	for (i = 0; i < st->nfilt; i++) {
		const struct vg_state_filter *f = &st->filt[i];

		vg_buf_printf(b, "filter.%d.name = ", i);
		add_escaped(b, f->name);
		vg_buf_printf(b, "\nfilter.%d.kind = %s\nfilter.%d.passed = %"
		    PRIu64 "\nfilter.%d.dropped = %" PRIu64 "\n"
		    "filter.%d.errors = %" PRIu64 "\nfilter.%d.seconds = ", i,
		    f->kind, i, f->passed, i, f->dropped, i, f->errors, i);
		seconds(b, f->ns);
		vg_buf_addc(b, '\n');
	}
}

static void
jstr(struct vg_buf *b, const char *key, const char *val)
{
	vg_buf_printf(b, "\"%s\":", key);
	vg_json_string(val, strlen(val), b);
}

void
vg_state_json(const struct vg_state *st, struct vg_buf *b)
{
	struct ftot lua = filter_totals(st, "lua");
	struct ftot pre = filter_totals(st, "prefilter");
	int i;

	vg_buf_addc(b, '{');
	jstr(b, "version", st->version);
	vg_buf_addc(b, ',');
	jstr(b, "mode", st->mode);
	vg_buf_printf(b, ",\"pid\":%" PRId32 ",\"start_time\":%" PRIu64
	    ".%03" PRIu64 ",\"uptime_seconds\":%" PRIu64 ",\"audit_pid_held\""
	    ":%s,\"kernel\":", st->pid, st->start_wall_ms / 1000,
	    st->start_wall_ms % 1000, st->uptime_ms / 1000,
	    st->audit_pid_held ? "true" : "false");
	if (st->k.ok)
		vg_buf_printf(b, "{\"enabled\":%" PRIu32 ",\"failure\":%"
		    PRIu32 ",\"pid\":%" PRIu32 ",\"rate_limit\":%" PRIu32
		    ",\"backlog_limit\":%" PRIu32 ",\"lost\":%" PRIu32
		    ",\"backlog\":%" PRIu32 ",\"backlog_wait_time\":%" PRIu32
		    ",\"backlog_wait_time_actual\":%" PRIu32 "}",
		    st->k.enabled, st->k.failure, st->k.pid, st->k.rate_limit,
		    st->k.backlog_limit, st->k.lost, st->k.backlog,
		    st->k.backlog_wait_time, st->k.backlog_wait_time_actual);
	else
		vg_buf_adds(b, "null");
	vg_buf_adds(b, ",\"counters\":{");
#define X(n)	vg_buf_printf(b, "\"%s\":%" PRIu64 ",", #n, st->c.n);
	COUNTERS(X)
#undef X
	vg_buf_printf(b, "\"pending_events\":%zu,\"pending_bytes\":%zu},"
	    "\"lua\":{\"calls\":%" PRIu64 ",\"drops\":%" PRIu64 ",\"errors\""
	    ":%" PRIu64 ",\"seconds\":", st->pending, st->pending_bytes,
	    lua.calls, lua.drops, lua.errors);
	seconds(b, lua.ns);
	vg_buf_printf(b, "},\"prefilter\":{\"drops\":%" PRIu64 "},"
	    "\"rss_bytes\":%" PRIu64 ",\"outputs\":[", pre.drops,
	    st->rss_bytes);
	for (i = 0; i < st->nout; i++) {
		const struct vg_state_output *o = &st->out[i];

		vg_buf_adds(b, i ? ",{" : "{");
		jstr(b, "spec", o->spec);
		vg_buf_addc(b, ',');
		jstr(b, "kind", o->kind);
		vg_buf_printf(b, ",\"up\":%s,\"sent\":%" PRIu64 ",\"failed\":%"
		    PRIu64 ",\"dropped\":%" PRIu64 ",\"queued\":%" PRIu64
		    ",\"spooled\":%" PRIu64 ",\"filtered\":%" PRIu64 "}",
		    o->up ? "true" : "false", o->s.sent, o->s.failed,
		    o->s.dropped, o->s.queued, o->s.spooled, o->s.filtered);
	}
	vg_buf_adds(b, "],\"filters\":[");
	for (i = 0; i < st->nfilt; i++) {
		const struct vg_state_filter *f = &st->filt[i];

		vg_buf_adds(b, i ? ",{" : "{");
		jstr(b, "name", f->name);
		vg_buf_addc(b, ',');
		jstr(b, "kind", f->kind);
		vg_buf_printf(b, ",\"passed\":%" PRIu64 ",\"dropped\":%" PRIu64
		    ",\"errors\":%" PRIu64 ",\"seconds\":", f->passed,
		    f->dropped, f->errors);
		seconds(b, f->ns);
		vg_buf_addc(b, '}');
	}
	vg_buf_adds(b, "]}\n");
}

void
vg_state_summary(const struct vg_state *st, struct vg_buf *b)
{
	uint64_t dropped = 0, failed = 0;
	int i, up = 0;

	for (i = 0; i < st->nout; i++) {
		up += st->out[i].up;
		dropped += st->out[i].s.dropped;
		failed += st->out[i].s.failed;
	}
	vg_buf_printf(b, "state: up %" PRIu64 "s records=%" PRIu64
	    " events=%" PRIu64 " outputs_up=%d/%d output_dropped=%" PRIu64
	    " output_failed=%" PRIu64 " filter_dropped=%" PRIu64
	    " gaps=%" PRIu64 " enobufs=%" PRIu64, st->uptime_ms / 1000,
	    st->c.records, st->c.events, up, st->nout, dropped, failed,
	    st->c.dropped, st->c.gaps, st->c.enobufs);
	if (st->k.ok)
		vg_buf_printf(b, " kernel_lost=%" PRIu32 " backlog=%" PRIu32,
		    st->k.lost, st->k.backlog);
	vg_buf_printf(b, " rss=%" PRIu64 "KiB", st->rss_bytes / 1024);
}

int
vg_state_write_file(const struct vg_state *st, const char *path)
{
	struct vg_buf b;
	char tmp[4096];
	size_t off = 0;
	ssize_t n;
	int fd, saved, rc = -1;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >=
	    sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	vg_buf_init(&b);
	vg_state_text(st, &b);
	if (b.oom) {
		vg_buf_free(&b);
		errno = ENOMEM;
		return -1;
	}
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0640);
	if (fd == -1)
		goto out;
	while (off < b.len) {
		n = write(fd, b.data + off, b.len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off == b.len) {
		saved = close(fd);
		fd = -1;
		if (saved == 0)
			rc = rename(tmp, path);
	}
	saved = errno;
	if (fd != -1)
		close(fd);
	if (rc == -1)
		(void)unlink(tmp);
	errno = saved;
out:
	vg_buf_free(&b);
	return rc;
}
