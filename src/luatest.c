/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * luatest.c: runs one Lua filter offline and tells what it did to each
 * event. Events come as vigild --replay makes them (replay input, grouper,
 * decoder: a pipeline); the filter is the daemon's, run through
 * vg_filter_chain_run from a wrapper filter in that pipeline, which times
 * the call and compares the event's JSON before and after it. Never
 * touches the kernel; prints nothing (the caller's callback does).
 */
#include <errno.h>
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
#include "vigil/view.h"

struct vg_luatest {
	struct vg_filter	 wrap;		/* in pl; runs lua */
	struct vg_filter	*lua;		/* the filter under test */
	struct vg_pipeline	*pl;
	vg_lt_cb		*cb;
	void			*arg;
	struct vg_lt_stats	 st;
	struct vg_buf		 before, after;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * One event: its JSON, the filter call (timed), the JSON it left. An
 * event is modified when its JSON changed, whatever the filter returned
 * (a filter that returns the event untouched has passed it).
 */
static enum vg_verdict
wrap_run(struct vg_filter *f, struct vg_event *ev, struct vg_node **doc)
{
	struct vg_luatest *t = f->priv;
	struct vg_filter *lua = t->lua;
	enum vg_lt_verdict v;
	enum vg_verdict fv;
	uint64_t errors = lua->errors, t0;
	const char *err = NULL;

	vg_buf_reset(&t->before);
	vg_buf_reset(&t->after);
	/* the pipeline hands filters a lazy view (no tree): the JSON before
	 * comes from the view's whole document; the filter still gets the
	 * view, as in vigild */
	vg_json_write(*doc != NULL ? *doc : ev->view != NULL ?
	    vg_view_tree(ev->view) : NULL, &t->before);
	t0 = now_ns();
	fv = vg_filter_chain_run(lua, ev, doc);
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
		if (lua->errors != errors) {
			v = VG_LT_ERROR;
			err = vg_filter_lua_error(lua);
			t->st.errors++;
			t->st.passed++;
		} else if (t->after.len != t->before.len ||
		    memcmp(t->after.data, t->before.data,
		    t->before.len) != 0) {
			v = VG_LT_MODIFY;
			t->st.modified++;
		} else {
			v = VG_LT_PASS;
			t->st.passed++;
		}
	}
	if (t->cb != NULL)
		t->cb(t->arg, ev, v, &t->before, &t->after, err);
	return fv;
}

/* The filter under test is not the wrapper's: vg_luatest_free closes it. */
static void
wrap_close(struct vg_filter *f)
{
	(void)f;
}

static const struct vg_filter_ops wrap_ops = {
	.name = "luatest",
	.run = wrap_run,
	.close = wrap_close,
};

struct vg_luatest *
vg_luatest_new(const char *path, vg_lt_cb *cb, void *arg, char *msg,
    size_t size)
{
	struct vg_lua_opts o = { .quiet = 1 };
	struct vg_luatest *t;
	struct vg_err err;

	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(msg, size, "%s", strerror(errno));
		return NULL;
	}
	vg_buf_init(&t->before);
	vg_buf_init(&t->after);
	t->cb = cb;
	t->arg = arg;
	t->wrap.ops = &wrap_ops;
	t->wrap.priv = t;
	t->wrap.name = (char *)"luatest";
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
	if (t->lua != NULL)
		t->lua->ops->close(t->lua);
	vg_buf_free(&t->before);
	vg_buf_free(&t->after);
	free(t);
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
