/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * luatest.c: runs a filter chain offline and tells what it did to each
 * event, and which filter decided: one Lua filter for "vigilctl lua test",
 * vigild's whole chain (drop lines, Lua filters) for "vigild --replay
 * --explain". Events come as vigild --replay makes them (replay input,
 * grouper, decoder: a pipeline); a wrapper filter in that pipeline runs
 * the chain, times it and compares the event's JSON before and after.
 * Never touches the kernel; prints only the summary and the explain lines
 * it is asked for.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vigil/filter_lua.h"
#include "vigil/input.h"
#include "vigil/json.h"
#include "vigil/luatest.h"
#include "vigil/pipeline.h"
#include "vigil/prefilter.h"
#include "vigil/view.h"

/* One drop line alone, to tell which line of the prefilter dropped. */
struct dropline {
	struct vg_filter	*pf;
	char			*rule, *at;	/* borrowed from the config */
};

struct vg_luatest {
	struct vg_filter	 wrap;		/* in pl; runs lua */
	struct vg_filter	*lua;		/* the chain under test */
	struct vg_pipeline	*pl;		/* own, or vigild's (explain) */
	vg_lt_cb		*cb;
	void			*arg;
	struct vg_lt_stats	 st;
	struct vg_buf		 before, after, mid;
	/* vigild --replay --explain */
	FILE			*out;
	struct dropline		*lines;
	int			 nlines;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Whether doc's JSON differs from the event's before the chain. */
static int
differs(struct vg_luatest *t, const struct vg_node *doc)
{
	vg_buf_reset(&t->mid);
	vg_json_write(doc, &t->mid);
	return t->mid.len != t->before.len || memcmp(t->mid.data,
	    t->before.data, t->before.len) != 0;
}

/* The drop line of the prefilter that drops ev: the first that does
 * alone (the event's view, or its tree, is still there). */
static const struct dropline *
which_line(struct vg_luatest *t, struct vg_event *ev)
{
	struct vg_node *doc = NULL;
	int i;

	for (i = 0; i < t->nlines; i++)
		if (t->lines[i].pf->ops->run(t->lines[i].pf, ev, &doc) ==
		    VG_DROP)
			return &t->lines[i];
	return NULL;
}

/* The explain line of one event (docs/lua.md, vigild.8). */
static void
explain(struct vg_luatest *t, struct vg_event *ev, enum vg_lt_verdict v,
    const struct vg_filter *by, const char *err)
{
	static const char *const what[] = {
		[VG_LT_PASS] = "passed", [VG_LT_DROP] = "dropped",
		[VG_LT_MODIFY] = "modified", [VG_LT_ERROR] = "error",
	};
	const struct dropline *l;

	fprintf(t->out, "serial %" PRIu32 " (audit(%" PRIu64 ".%03" PRIu32
	    ":%" PRIu32 ")): %s", ev->serial, ev->sec, ev->msec, ev->serial,
	    what[v]);
	if (by == NULL)
		;
	else if (strcmp(by->ops->name, "prefilter") != 0)
		fprintf(t->out, " by lua %s", by->name);
	else if ((l = which_line(t, ev)) != NULL)
		fprintf(t->out, " by drop %s: %s", l->at, l->rule);
	else
		fprintf(t->out, " by the prefilter");
	if (v == VG_LT_ERROR)
		fprintf(t->out, ": %s (passed unchanged)", err);
	fputc('\n', t->out);
}

/*
 * One event: its JSON, the chain (timed), the JSON it left. An event is
 * modified when its JSON changed, whatever the filters returned (a
 * filter that returns the event untouched has passed it); by is the
 * filter that dropped it, failed on it (the first) or changed it (the
 * first after which its JSON differs).
 */
static enum vg_verdict
wrap_run(struct vg_filter *w, struct vg_event *ev, struct vg_node **doc)
{
	struct vg_luatest *t = w->priv;
	const struct vg_filter *by = NULL, *eby = NULL, *mby = NULL;
	struct vg_filter *f;
	struct vg_node *d0;
	enum vg_lt_verdict v;
	enum vg_verdict fv = VG_PASS;
	uint64_t errors, t0;
	const char *err = NULL;

	vg_buf_reset(&t->before);
	vg_buf_reset(&t->after);
	/* the verdict compares documents: no filter leaves its changes as
	 * a patch of the JSON line (vigil/view.h) */
	if (ev->view != NULL)
		ev->view->patch_ok = 0;
	/* the pipeline hands filters a lazy view (no tree): the JSON before
	 * comes from the view's whole document; the filters still get the
	 * view, as in vigild */
	vg_json_write(*doc != NULL ? *doc : ev->view != NULL ?
	    vg_view_tree(ev->view) : NULL, &t->before);
	t0 = now_ns();
	/* vg_filter_chain_run, watching each filter */
	for (f = t->lua; f != NULL; f = f->next) {
		errors = f->errors;
		d0 = *doc;
		if (f->ops->run(f, ev, doc) == VG_DROP) {
			f->dropped++;
			fv = VG_DROP;
			by = f;
			break;
		}
		f->passed++;
		if (f->errors != errors && eby == NULL) {
			eby = f;
			err = vg_filter_lua_error(f);
		}
		if (*doc != d0 && *doc != NULL && mby == NULL &&
		    differs(t, *doc))
			mby = f;
	}
	t->st.ns += now_ns() - t0;
	t->st.events++;
	if (fv == VG_DROP) {
		v = VG_LT_DROP;
		t->st.dropped++;
	} else {
		if (*doc != NULL)	/* else passed as it came */
			vg_json_write(*doc, &t->after);
		else
			vg_buf_add(&t->after, t->before.data, t->before.len);
		if (eby != NULL) {
			v = VG_LT_ERROR;
			by = eby;
			t->st.errors++;
			t->st.passed++;
		} else if (t->after.len != t->before.len ||
		    memcmp(t->after.data, t->before.data,
		    t->before.len) != 0) {
			v = VG_LT_MODIFY;
			by = mby;
			t->st.modified++;
		} else {
			v = VG_LT_PASS;
			t->st.passed++;
		}
	}
	if (t->cb != NULL)
		t->cb(t->arg, ev, v, &t->before, &t->after, err);
	if (t->out != NULL)
		explain(t, ev, v, by, err);
	return fv;
}

/* Closes the chain and the drop lines, frees t (not its pipeline). */
static void
release(struct vg_luatest *t)
{
	struct vg_filter *f, *next;
	int i;

	for (f = t->lua; f != NULL; f = next) {
		next = f->next;
		f->ops->close(f);
	}
	for (i = 0; i < t->nlines; i++)
		t->lines[i].pf->ops->close(t->lines[i].pf);
	free(t->lines);
	vg_buf_free(&t->before);
	vg_buf_free(&t->after);
	vg_buf_free(&t->mid);
	free(t);
}

/* The chain under test is not the wrapper's: vg_luatest_free closes it;
 * vigild's pipeline closes an explain wrapper, and so all of it. */
static void
wrap_close(struct vg_filter *f)
{
	struct vg_luatest *t = f->priv;

	if (t->out != NULL)
		release(t);
}

static const struct vg_filter_ops wrap_ops = {
	.name = "luatest",
	.run = wrap_run,
	.close = wrap_close,
};

static struct vg_luatest *
wrapper(vg_lt_cb *cb, void *arg)
{
	struct vg_luatest *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	vg_buf_init(&t->before);
	vg_buf_init(&t->after);
	vg_buf_init(&t->mid);
	t->cb = cb;
	t->arg = arg;
	t->wrap.ops = &wrap_ops;
	t->wrap.priv = t;
	t->wrap.name = (char *)"luatest";
	return t;
}

struct vg_luatest *
vg_luatest_new(const char *path, vg_lt_cb *cb, void *arg, char *msg,
    size_t size)
{
	struct vg_lua_opts o = { .quiet = 1 };
	struct vg_luatest *t;
	struct vg_err err;

	if ((t = wrapper(cb, arg)) == NULL) {
		snprintf(msg, size, "%s", strerror(errno));
		return NULL;
	}
	if ((t->lua = vg_filter_lua_open(path, &o, &err)) == NULL) {
		snprintf(msg, size, "%s:%u: %s", err.file, err.line, err.msg);
		vg_luatest_free(t);
		return NULL;
	}
	if ((t->pl = vg_pipeline_new(NULL)) == NULL) {
		snprintf(msg, size, "pipeline: %s", strerror(errno));
		vg_luatest_free(t);
		return NULL;
	}
	vg_pipeline_add_filter(t->pl, &t->wrap);
	return t;
}

void
vg_luatest_free(struct vg_luatest *t)
{
	if (t == NULL)
		return;
	vg_pipeline_free(t->pl);	/* closes the wrapper only */
	release(t);
}

struct vg_luatest *
vg_explain_start(struct vg_pipeline *pl, char *const drops[],
    char *const at[], int ndrops, FILE *out)
{
	struct vg_luatest *t;
	struct vg_filter *pf;
	char msg[256];
	int i;

	if ((t = wrapper(NULL, NULL)) == NULL)
		return NULL;
	if (ndrops > 0 && (t->lines = calloc((size_t)ndrops,
	    sizeof(*t->lines))) == NULL) {
		release(t);
		return NULL;
	}
	for (i = 0; i < ndrops; i++) {
		if ((pf = vg_prefilter_new()) == NULL) {
			release(t);
			return NULL;
		}
		/* a bad line is not in the prefilter either (logged) */
		if (vg_prefilter_add(pf, drops[i], msg, sizeof(msg)) == -1) {
			pf->ops->close(pf);
			continue;
		}
		t->lines[t->nlines].pf = pf;
		t->lines[t->nlines].rule = drops[i];
		t->lines[t->nlines].at = at[i] != NULL ? at[i] :
		    (char *)"command line";
		t->nlines++;
	}
	t->out = out;
	t->pl = pl;
	t->wrap.name = (char *)"explain";
	t->lua = vg_pipeline_take_filters(pl);
	vg_pipeline_add_filter(pl, &t->wrap);
	return t;
}

static uint64_t
per_event(const struct vg_lt_stats *s)
{
	return s->events ? (s->ns + s->events / 2) / s->events : 0;
}

void
vg_lt_summary(FILE *f, const struct vg_lt_stats *s, int json)
{
	if (json)
		fprintf(f, "{\"events\": %" PRIu64 ", \"passed\": %" PRIu64
		    ", \"dropped\": %" PRIu64 ", \"modified\": %" PRIu64
		    ", \"errors\": %" PRIu64 ", \"ns_per_event\": %" PRIu64
		    "}\n", s->events, s->passed, s->dropped, s->modified,
		    s->errors, per_event(s));
	else
		fprintf(f, "events    %" PRIu64 "\npassed    %" PRIu64
		    "\ndropped   %" PRIu64 "\nmodified  %" PRIu64
		    "\nerrors    %" PRIu64 "\nns/event  %" PRIu64 "\n",
		    s->events, s->passed, s->dropped, s->modified,
		    s->errors, per_event(s));
	fflush(f);
}

int
vg_luatest_logs(struct vg_luatest *t, char *const files[], int nfiles)
{
	return vg_replay_files(t->pl, files, nfiles);
}

/* Through a memory file, so the text is read as a log file is. */
int
vg_luatest_text(struct vg_luatest *t, const char *text, size_t len,
    uint64_t *nevents)
{
	uint64_t events = t->st.events;
	char *name = (char *)"case";
	size_t off = 0;
	ssize_t n;
	int fd, rc;

	if ((fd = memfd_create("vigil-case", MFD_CLOEXEC)) == -1)
		return -1;
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			rc = errno;
			close(fd);
			errno = rc;
			return -1;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) == -1) {
		rc = errno;
		close(fd);
		errno = rc;
		return -1;
	}
	rc = vg_replay_fds(t->pl, &fd, &name, 1);	/* closes fd */
	if (fd != -1)
		close(fd);
	*nevents = t->st.events - events;
	return rc;
}

void
vg_luatest_doc(struct vg_luatest *t, struct vg_event *ev,
    struct vg_node *doc)
{
	enum vg_verdict v;

	v = wrap_run(&t->wrap, ev, &doc);
	(void)v;
}

const struct vg_lt_stats *
vg_luatest_stats(const struct vg_luatest *t)
{
	return &t->st;
}

const char *
vg_lt_verdict_name(enum vg_lt_verdict v)
{
	switch (v) {
	case VG_LT_PASS:
		return "pass";
	case VG_LT_DROP:
		return "drop";
	case VG_LT_MODIFY:
		return "modify";
	case VG_LT_ERROR:
		return "error";
	}
	return "?";
}
