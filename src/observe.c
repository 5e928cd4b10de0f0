/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * observe.c: ties the control socket, the state report, the report timer
 * and the metrics endpoint to the running daemon (observe.h). Owns their
 * lifetimes and the answers to control requests; the counters stay where
 * they are kept. Runs only on the loop's thread, never on the record path.
 */
#include <errno.h>
#include <inttypes.h>
#include <event2/event.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/control.h"
#include "vigil/json.h"
#include "vigil/log.h"
#include "vigil/metrics.h"
#include "vigil/observe.h"
#include "vigil/state.h"
#include "vigil/topk.h"

struct vg_observe {
	struct event_base	*base;
	struct vg_pipeline	*pl;
	struct vg_input		*in;
	struct vg_control	*ctl;
	struct vg_metrics	*metrics;
	struct vg_top		*top;		/* tallied by the pipeline */
	struct event		*tick;
	char			*state_file;	/* NULL: none */
	uint64_t		 start_mono_ms, start_wall_ms;
	vg_observe_act		 act;
	void			*arg;
	uint64_t		 state_failed;	/* state file write errors */
};

/* A snapshot, on the heap: it is a few KiB. */
static struct vg_state *
snapshot(struct vg_observe *ob)
{
	struct vg_state *st = malloc(sizeof(*st));

	if (st != NULL)
		vg_state_collect(st, ob->pl, ob->in, ob->start_mono_ms,
		    ob->start_wall_ms);
	return st;
}

/*
 * The top tallies: cumulative counts since start per dimension, each with
 * its space-saving error; vigilctl top turns two of them into rates.
 */
static void
top_render(const struct vg_state *st, const struct vg_top *top, int json,
    struct vg_buf *out)
{
	struct vg_topk_item it[VG_TOPK_K];
	char lab[256];
	int d, i, n;

	if (json)
		vg_buf_printf(out, "{\"uptime_ms\":%" PRIu64 ",\"events\":%"
		    PRIu64 ",\"kernel\":{\"ok\":%s,\"lost\":%" PRIu32
		    ",\"backlog\":%" PRIu32 "},\"k\":%d", st->uptime_ms,
		    top->events, st->k.ok ? "true" : "false", st->k.lost,
		    st->k.backlog, VG_TOPK_K);
	else
		vg_buf_printf(out, "uptime_ms %" PRIu64 "\nevents %" PRIu64
		    "\nkernel_lost %" PRIu32 "\nkernel_backlog %" PRIu32 "\n",
		    st->uptime_ms, top->events, st->k.lost, st->k.backlog);
	for (d = 0; d < VG_TOP_NDIM; d++) {
		const struct vg_topk *t = &top->dim[d];

		n = vg_topk_sorted(t, it, VG_TOPK_K);
		if (json)
			vg_buf_printf(out, ",\"%s\":{\"total\":%" PRIu64
			    ",\"items\":[", vg_top_dim_name(d), t->total);
		for (i = 0; i < n; i++) {
			vg_top_label(d, &it[i], lab, sizeof(lab));
			if (json) {
				vg_buf_adds(out, i ? ",{\"value\":" :
				    "{\"value\":");
				vg_json_string(lab, strlen(lab), out);
				vg_buf_printf(out, ",\"count\":%" PRIu64
				    ",\"err\":%" PRIu64 "}", it[i].count,
				    it[i].err);
			} else {
				vg_buf_printf(out, "%s %" PRIu64 " %" PRIu64
				    " ", vg_top_dim_name(d), it[i].count,
				    it[i].err);
				vg_buf_adds(out, lab);
				vg_buf_addc(out, '\n');
			}
		}
		if (json)
			vg_buf_adds(out, "]}");
	}
	if (json)
		vg_buf_adds(out, "}\n");
}

static int
answer(void *arg, const struct vg_control_req *req, struct vg_buf *out,
    int *after)
{
	struct vg_observe *ob = arg;
	struct vg_state *st;

	switch (req->cmd) {
	case VG_CTL_STATE:
		if ((st = snapshot(ob)) == NULL)
			goto oom;
		if (req->json)
			vg_state_json(st, out);
		else
			vg_state_text(st, out);
		free(st);
		return 0;
	case VG_CTL_METRICS:
		if ((st = snapshot(ob)) == NULL)
			goto oom;
		vg_metrics_render(st, ob->top, out);
		free(st);
		return 0;
	case VG_CTL_TOP:
		if ((st = snapshot(ob)) == NULL)
			goto oom;
		if (ob->top == NULL) {
			free(st);
			vg_buf_adds(out, "top: no tallies (out of memory at "
			    "start)");
			return -1;
		}
		top_render(st, ob->top, req->json, out);
		free(st);
		return 0;
	case VG_CTL_VERSION:
		vg_buf_printf(out, "vigild %s pid %d\n", VIGIL_VERSION,
		    (int)getpid());
		return 0;
	case VG_CTL_RELOAD:
	case VG_CTL_ROTATE:
	case VG_CTL_RESUME:
	case VG_CTL_STOP:
		*after = 1;	/* acted on once the "ok" is out */
		return 0;
	}
	vg_buf_adds(out, "unknown request");
	return -1;
oom:
	vg_buf_adds(out, "out of memory");
	return -1;
}

static void
done(void *arg, const struct vg_control_req *req)
{
	struct vg_observe *ob = arg;
	struct vg_sender s;
	int sig;

	switch (req->cmd) {
	case VG_CTL_RELOAD:
		sig = SIGHUP;
		break;
	case VG_CTL_ROTATE:
		sig = SIGUSR1;
		break;
	case VG_CTL_RESUME:
		sig = SIGUSR2;
		break;
	case VG_CTL_STOP:
		sig = SIGTERM;
		break;
	default:
		return;
	}
	vg_sender_from_pid(req->pid, &s);
	s.uid = (uint32_t)req->uid;
	vg_log_notice("control: %s requested by pid %d uid %u",
	    sig == SIGTERM ? "stop" : sig == SIGHUP ? "reload" :
	    sig == SIGUSR1 ? "rotate" : "resume", (int)req->pid,
	    (unsigned)req->uid);
	ob->act(ob->arg, sig, &s);
}

void
vg_observe_report(struct vg_observe *ob)
{
	struct vg_state *st;
	struct vg_buf b;

	if (ob == NULL || (st = snapshot(ob)) == NULL)
		return;
	if (ob->state_file != NULL &&
	    vg_state_write_file(st, ob->state_file) == -1 &&
	    ob->state_failed++ % 100 == 0)
		vg_log_warn("state file %s", ob->state_file);
	vg_buf_init(&b);
	vg_state_summary(st, &b);
	if (!b.oom)
		vg_log_notice("%.*s", (int)b.len, b.data);
	vg_buf_free(&b);
	free(st);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	vg_observe_report(arg);
}

static int
group_id(const char *name, gid_t *gid)
{
	struct group *gr;
	char *end;
	unsigned long v;

	if ((gr = getgrnam(name)) != NULL) {
		*gid = gr->gr_gid;
		return 0;
	}
	errno = 0;
	v = strtoul(name, &end, 10);
	if (*name >= '0' && *name <= '9' && *end == '\0' && errno == 0 &&
	    v < 0xffffffffUL) {
		*gid = (gid_t)v;
		return 0;
	}
	return -1;
}

static void
start_control(struct vg_observe *ob, const struct vg_observe_opts *o)
{
	const struct vg_control_handler h = { answer, done, ob };
	const char *path = o->control != NULL ? o->control : VG_CONTROL_PATH;
	gid_t gid = 0;

	if (strcmp(path, "none") == 0)
		return;
	if (o->control_group != NULL && group_id(o->control_group, &gid) ==
	    -1) {
		vg_log_warnx("control_group %s: no such group; control "
		    "socket for root only", o->control_group);
		ob->ctl = vg_control_open(ob->base, path, 0, 0, &h);
		return;
	}
	ob->ctl = vg_control_open(ob->base, path, o->control_group != NULL,
	    gid, &h);
}

struct vg_observe *
vg_observe_start(struct event_base *base, struct vg_pipeline *pl,
    struct vg_input *in, const struct vg_observe_opts *o,
    vg_observe_act act, void *arg)
{
	struct vg_observe *ob;
	const char *sf = o->state_file != NULL ? o->state_file :
	    VG_STATE_FILE;
	struct timeval tv = { (time_t)o->report_interval, 0 };

	if ((ob = calloc(1, sizeof(*ob))) == NULL)
		return NULL;
	ob->base = base;
	ob->pl = pl;
	ob->in = in;
	ob->act = act;
	ob->arg = arg;
	ob->start_mono_ms = vg_clock_mono_ms();
	ob->start_wall_ms = vg_clock_wall_ms();
	if (strcmp(sf, "none") != 0 &&
	    (ob->state_file = strdup(sf)) == NULL) {
		free(ob);
		return NULL;
	}
	/* without memory for the tallies, top is off, the rest is not;
	 * VIGIL_TOP=0 turns them off (the benchmark's A/B of their cost) */
	if (vg_top_wanted(1) && (ob->top = vg_top_new()) != NULL)
		vg_pipeline_set_top(pl, ob->top);
	start_control(ob, o);
	if (o->metrics != NULL)
		ob->metrics = vg_metrics_open(base, o->metrics, pl, in,
		    ob->top, ob->start_mono_ms, ob->start_wall_ms);
	if (o->report_interval > 0) {
		ob->tick = event_new(base, -1, EV_PERSIST, on_tick, ob);
		if (ob->tick == NULL || event_add(ob->tick, &tv) == -1)
			vg_log_warnx("report_interval: cannot arm the timer");
	}
	return ob;
}

void
vg_observe_stop(struct vg_observe *ob)
{
	if (ob == NULL)
		return;
	if (ob->tick != NULL)
		event_free(ob->tick);
	vg_control_close(ob->ctl);
	vg_metrics_close(ob->metrics);
	vg_pipeline_set_top(ob->pl, NULL);
	vg_top_free(ob->top);
	free(ob->state_file);
	free(ob);
}
