/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_lua_filter.c: libFuzzer harness for the Lua sandbox (src/filter_lua.c)
 * with the filter itself as input: the text is loaded as a filter file
 * (small memory and instruction limits so runs stay fast) and called on
 * three fixed events (execve with hostile argv, a USER_CMD, a socket
 * connect). Filters are root's configuration, but a bad one must cost an
 * error count, never the daemon. Oracle: the load either fails with a
 * message or gives a filter; every call returns in bounded time with a
 * document (or a drop), whose JSON is one well-formed line; a failed call
 * leaves the event as it was; the state stays under its memory limit; a
 * reload of the same text behaves the same. A second state of the same
 * text gets each event as the pipeline gives it, through the lazy view
 * (vigil/view.h, members laid out as read): the same oracle, an event
 * left unchanged being the event as it was, and one whose record members
 * were patched (the view's patch) having the line of its patched tree.
 */
#include <stdlib.h>

#include "fuzz_common.h"

#include "vigil/decode.h"
#include "vigil/filter_lua.h"
#include "vigil/json.h"
#include "vigil/view.h"

#define MEM_LIMIT	(4u * 1024 * 1024)
#define INSTR_LIMIT	20000ul
/* Results up to 8 MiB (the default) are written, escaped up to 6 times
 * over: 2,000 references to a 2 KiB string took seconds an input. The
 * refused path is the same at any limit. */
#define EVENT_LIMIT	(256u * 1024)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char events_src[] =
    "type=SYSCALL msg=audit(1700000000.100:11): arch=c000003e syscall=59 "
    "success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=1 "
    "pid=4242 auid=1000 uid=1000 gid=1000 euid=0 suid=0 fsuid=0 egid=0 "
    "sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"sudo\" exe=\"/usr/bin/sudo\" "
    "key=\"exec\"\n"
    "type=EXECVE msg=audit(1700000000.100:11): argc=3 a0=\"sudo\" "
    "a1=2D2D a2=6E65770A6C696E651B5B306D\n"
    "type=CWD msg=audit(1700000000.100:11): cwd=\"/home/a b\"\n"
    "type=PATH msg=audit(1700000000.100:11): item=0 name=\"/usr/bin/sudo\" "
    "inode=1 dev=08:01 mode=0104755 ouid=0 ogid=0 rdev=00:00 "
    "nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0\n"
    "type=PROCTITLE msg=audit(1700000000.100:11): "
    "proctitle=7375646F002D2D\n"
    "type=EOE msg=audit(1700000000.100:11): \n"
    "type=USER_CMD msg=audit(1700000000.200:12): pid=4242 uid=1000 "
    "auid=1000 ses=3 msg='cwd=\"/\" cmd=6C73 a=1 a=2 a=3 terminal=pts/0 "
    "res=success'\n"
    "type=SYSCALL msg=audit(1700000000.300:13): arch=c000003e syscall=42 "
    "success=no exit=-2 a0=3 a1=7ffd a2=6e a3=0 items=0 ppid=1 pid=77 "
    "auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
    "fsgid=0 tty=(none) ses=4294967295 comm=\"nc\" exe=\"/bin/nc\" "
    "key=(null)\n"
    "type=SOCKADDR msg=audit(1700000000.300:13): "
    "saddr=01002F746D702F730A1D00\n"
    "type=EOE msg=audit(1700000000.300:13): \n";

static struct vg_buf before, after, patched;

struct run {
	struct vg_filter	*f;
	struct vg_filter	*fv;		/* through the view */
	struct vg_layout	*L;
};

static void
through_view(struct run *r, struct vg_event *ev)
{
	struct vg_node *doc = NULL;
	struct vg_view view;
	uint64_t errs = r->fv->errors;
	enum vg_verdict v;

	vg_view_init(&view, r->L, ev);
	view.patch_ok = 1;
	ev->view = &view;
	v = r->fv->ops->run(r->fv, ev, &doc);
	ev->view = NULL;
	FZ_ASSERT(vg_filter_lua_mem(r->fv) <= MEM_LIMIT);
	if (v == VG_DROP)
		return;
	if (doc == NULL && view.npatch > 0) {
		/* record members patched: the event's line with their
		 * values replaced is the line of the patched tree */
		size_t cf = 0, ct = 0;
		struct vg_node *t;

		FZ_ASSERT(r->fv->errors == errs);
		vg_buf_reset(&patched);
		vg_buf_add(&patched, before.data, before.len);
		FZ_ASSERT(vg_view_patch_line(&view, &patched, 0, &cf,
		    &ct, &after) == 0);
		fz_check_json_line(&patched);
		FZ_ASSERT((t = vg_view_patched_tree(&view)) != NULL);
		vg_buf_reset(&after);
		vg_json_write(t, &after);
		FZ_ASSERT(after.len == patched.len &&
		    memcmp(after.data, patched.data, patched.len) == 0);
		return;
	}
	if (doc == NULL) {	/* unchanged */
		if (view.tree != NULL) {
			vg_buf_reset(&after);
			vg_json_write(view.tree, &after);
			FZ_ASSERT(after.len == before.len &&
			    memcmp(after.data, before.data, before.len) == 0);
		}
		return;
	}
	FZ_ASSERT(r->fv->errors == errs);
	vg_buf_reset(&after);
	vg_json_write(doc, &after);
	fz_check_json_line(&after);
}

static void
on_event(struct vg_event *ev, void *arg)
{
	struct run *r = arg;
	struct vg_node *doc;
	unsigned long perr = 0;
	uint64_t errs = r->f->errors;
	enum vg_verdict v;

	if ((doc = vg_decode_event(ev, &perr)) == NULL)
		return;
	vg_buf_reset(&before);
	vg_json_write(doc, &before);
	v = r->f->ops->run(r->f, ev, &doc);
	FZ_ASSERT(vg_filter_lua_mem(r->f) <= MEM_LIMIT);
	if (v != VG_DROP) {
		FZ_ASSERT(doc != NULL);
		vg_buf_reset(&after);
		vg_json_write(doc, &after);
		fz_check_json_line(&after);
		if (r->f->errors != errs)	/* failed: as it was */
			FZ_ASSERT(after.len == before.len &&
			    memcmp(after.data, before.data, before.len) == 0);
	}
	if (r->fv != NULL)
		through_view(r, ev);
}

static void
run_events(struct vg_filter *f, struct vg_filter *fv, struct vg_layout *L)
{
	struct run r = { f, fv, L };
	struct fz_feed feed;

	memset(&feed, 0, sizeof(feed));
	feed.g = vg_group_new(NULL, on_event, &r);
	FZ_ASSERT(feed.g != NULL);
	fz_lines((const uint8_t *)events_src, sizeof(events_src) - 1,
	    fz_feed_line, &feed);
	vg_group_flush(feed.g);
	vg_group_free(feed.g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_lua_opts o = { .mem_limit = MEM_LIMIT,
	    .instr_limit = INSTR_LIMIT, .max_event_bytes = EVENT_LIMIT,
	    .name = "fuzz" };
	static struct vg_layout *L;
	struct vg_filter *f, *fv;
	struct vg_err err;
	char path[64];
	int fd;

	fz_quiet();
	if ((fd = fz_memfile(data, size, path, sizeof(path))) == -1)
		return 0;
	memset(&err, 0, sizeof(err));
	f = vg_filter_lua_open(path, &o, &err);
	if (f == NULL) {
		FZ_ASSERT(err.msg[0] != '\0');
		close(fd);
		return 0;
	}
	fv = vg_filter_lua_open(path, &o, &err);
	FZ_ASSERT(L != NULL || (L = vg_layout_new()) != NULL);
	run_events(f, fv, L);
	/* the same text again, through a reload: the same contract */
	memset(&err, 0, sizeof(err));
	if (vg_filter_lua_reload(f, &err) == 0)
		run_events(f, NULL, L);
	else
		FZ_ASSERT(err.msg[0] != '\0');
	f->ops->close(f);
	if (fv != NULL)
		fv->ops->close(fv);
	close(fd);
	return 0;
}
