/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * receive.c: the live receive core, shared by the unicast input (the audit
 * daemon, daemon.c) and the multicast one (multicast.c): the socket's
 * receive buffer, batches of datagrams with recvmmsg, each datagram's
 * messages checked and handed to the pipeline, the coalescing delay, the
 * grouping deadline timer, the netlink-level counters and the SIGCONT
 * dump line. Never sends a request and never changes kernel state; the
 * kernel state a unicast input changed is daemon.c's, which attaches its
 * stop and status hooks (vg_live_attach): receive.c does not call into
 * daemon.c.
 *
 * Batching: after a batch shorter than BATCH the reader sleeps
 * batch_delay_ms so that records coalesce into the next batch. Under load
 * batches are full and there is no delay; when quiet, a record waits at
 * most batch_delay_ms (2 ms by default) longer before it is read.
 * That latency buys far fewer wakeups per record, which dominated the cost.
 *
 * Records are lent to the grouper (vg_record.lent) from the receive slots:
 * before the next recvmmsg overwrites them, read_batch has the events still
 * pending copy theirs (vg_pipeline_own); an event that ends within its
 * batch, most of them under load, is never copied.
 */
#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/audit.h>

#include "vigil/clock.h"
#include "vigil/input.h"
#include "vigil/live.h"
#include "vigil/log.h"
#include "vigil/netlink.h"
#include "vigil/pipeline.h"
#include "vigil/ratelimit.h"
#include "vigil/record.h"
#include "vigil/rectype.h"

#define BATCH		64		/* datagrams per recvmmsg */
/* Receive slots are VG_NL_SLOT (a power of two) long; starting them a
 * cache line apart more keeps the first lines of the 64 slots, where the
 * records are, out of the same cache sets. */
#define SLOT_STRIDE	(VG_NL_SLOT + 64)
#define MAX_BATCHES	16		/* per wakeup, then let timers run */
#define NAPS_MS		32		/* coalescing sleep per wakeup, at most */
#define DRAIN_MS	2000		/* reading what is left, at stop */
#define RCVBUF_DEFAULT	(64UL * 1024 * 1024)
#define LOG_EVERY_MS	10000		/* rate limit of loss warnings */

struct vg_input {
	struct event_base	*base;
	struct vg_pipeline	*pl;
	struct vg_counters	*c;
	const char		*name;
	struct vg_nl		*nl;		/* data socket */
	/* the owner of what was changed in the kernel (unicast: daemon.c;
	 * multicast: none): put back first at close, asked for the status */
	vg_live_stop_fn		*stop;
	vg_live_status_fn	*status;
	void			*owner;
	struct event		*rd, *expire;
	struct mmsghdr		*msgs;
	struct iovec		*iov;
	struct sockaddr_nl	*addr;
	unsigned char		*bufs;		/* BATCH * SLOT_STRIDE, once */
	unsigned		 batch_delay_ms;
	int			 discard;
	int			 kernel_only;	/* connected: all from the kernel */
	struct vg_stamp_memo	 stamp;		/* header of the last record */
	uint64_t		 armed;		/* deadline the timer is set to */

	/* netlink-level counters (records etc. are in the pipeline's) */
	uint64_t		 datagrams, batches, truncated, bad, unknown;
	uint64_t		 acks, nacks, control, replace;
	uint64_t		 enobufs_logged_ms, foreign_logged_ms;
	uint64_t		 misc_logged_ms;
};

/* Rate limit: true at most once per LOG_EVERY_MS for this slot. */
static int
log_due(uint64_t *last)
{
	return vg_rl_due(last, vg_clock_mono_ms(), LOG_EVERY_MS);
}

static void
arm_deadline(struct vg_input *in, uint64_t now)
{
	uint64_t d = vg_pipeline_deadline(in->pl), ms;
	struct timeval tv;

	if (d == in->armed)
		return;
	in->armed = d;
	if (d == UINT64_MAX) {
		evtimer_del(in->expire);
		return;
	}
	ms = d > now ? d - now : 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(in->expire, &tv);
}

static void
on_expire(evutil_socket_t fd, short what, void *arg)
{
	struct vg_input *in = arg;
	uint64_t now = vg_clock_wall_ms();

	(void)fd;
	(void)what;
	in->armed = UINT64_MAX;
	vg_pipeline_expire(in->pl, now);
	vg_pipeline_flush_outputs(in->pl);
	arm_deadline(in, now);
}

static void
handle_record(struct vg_input *in, const struct vg_nl_msg *m, uint64_t now,
    int lend)
{
	struct vg_record rec;
	uint32_t pid;

	if (m->type == AUDIT_REPLACE) {
		/* the kernel asks whether we are alive: receiving it is the
		 * answer; another process wants the audit pid */
		in->replace++;
		pid = 0;
		if (m->len >= sizeof(pid))
			memcpy(&pid, m->data, sizeof(pid));
		if (log_due(&in->misc_logged_ms))
			vg_log_warnx("%s: pid %" PRIu32 " tried to become the "
			    "audit daemon; kept", in->name, pid);
		return;
	}
	if (in->discard) {
		/* the benchmark floor: records, and EOE records as the
		 * events the kernel closed (what bench/floor.c counts) */
		in->c->records++;
		if (m->type == VG_T_EOE)
			in->c->events++;
		return;
	}
	if (vg_parse_netlink_memo(m->type, m->data, m->len, &rec,
	    &in->stamp) == -1) {
		vg_pipeline_bad_line(in->pl, m->data, m->len);
		return;
	}
	rec.lent = lend;
	vg_pipeline_record(in->pl, &rec, now);
}

/* One datagram of n bytes from pid. Every message is length-checked by
 * vg_nl_next before its payload is looked at. lend: its records are lent
 * to the grouper (buf stays until read_batch's vg_pipeline_own). */
static void
handle_datagram(struct vg_input *in, const void *buf, size_t n, uint32_t pid,
    uint64_t now, int lend)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	enum vg_nl_kind k;

	in->datagrams++;
	vg_nl_iter_init(&it, buf, n, pid);
	while ((k = vg_nl_next(&it, &m)) != VG_NL_END) {
		switch (k) {
		case VG_NL_RECORD:
			handle_record(in, &m, now, lend);
			break;
		case VG_NL_ACK:
			if (m.error == 0) {
				in->acks++;
				break;
			}
			in->nacks++;
			if (log_due(&in->misc_logged_ms))
				vg_log_warnx("%s: kernel error for request "
				    "%" PRIu32 ": %s", in->name, m.seq,
				    strerror(-m.error));
			break;
		case VG_NL_CONTROL:
			in->control++;
			break;
		case VG_NL_NOOP:
			break;
		case VG_NL_FOREIGN:
			in->c->foreign++;
			if (log_due(&in->foreign_logged_ms))
				vg_log_warnx("%s: ignored message from "
				    "user-space port %" PRIu32 " (%" PRIu64
				    " so far)", in->name, pid, in->c->foreign);
			break;
		case VG_NL_UNKNOWN:
			in->unknown++;
			break;
		case VG_NL_BAD:
		case VG_NL_END:
			in->bad++;
			if (log_due(&in->misc_logged_ms))
				vg_log_warnx("%s: malformed netlink message "
				    "(%" PRIu64 " so far)", in->name, in->bad);
			break;
		}
	}
}

/* Stray messages while waiting for an ack on the data socket. */
static void
on_stray(void *arg, const void *buf, size_t len, uint32_t pid)
{
	struct vg_input *in = arg;

	handle_datagram(in, buf, len, pid, vg_clock_wall_ms(), 0);
	/* no batch flush follows here: record outputs write now */
	if (!in->discard)
		vg_pipeline_flush_outputs(in->pl);
}

static void
count_enobufs(struct vg_input *in)
{
	in->c->enobufs++;
	if (log_due(&in->enobufs_logged_ms))
		vg_log_warnx("%s: netlink receive buffer overrun, records "
		    "lost (%" PRIu64 " overruns so far)", in->name,
		    in->c->enobufs);
}

/* Reads one batch. Returns the number of datagrams, -1 on EAGAIN. */
static int
read_batch(struct vg_input *in)
{
	uint64_t now;
	size_t len;
	int n, i;

	if (!in->kernel_only)
		for (i = 0; i < BATCH; i++)
			in->msgs[i].msg_hdr.msg_namelen = sizeof(in->addr[i]);
	for (;;) {
		n = recvmmsg(vg_nl_fd(in->nl), in->msgs, BATCH, MSG_DONTWAIT,
		    NULL);
		if (n >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == ENOBUFS) {		/* lost, never fatal */
			count_enobufs(in);
			continue;
		}
		if (errno != EAGAIN && log_due(&in->misc_logged_ms))
			vg_log_warn("%s: recvmmsg", in->name);
		return -1;
	}
	in->batches++;
	now = vg_clock_wall_ms();
	for (i = 0; i < n; i++) {
		len = in->msgs[i].msg_len;
		if (in->msgs[i].msg_hdr.msg_flags & MSG_TRUNC ||
		    len > VG_NL_SLOT) {
			in->truncated++;
			if (log_due(&in->misc_logged_ms))
				vg_log_warnx("%s: datagram longer than %d "
				    "bytes skipped", in->name, VG_NL_SLOT);
			continue;
		}
		handle_datagram(in, in->bufs + (size_t)i * SLOT_STRIDE, len,
		    in->kernel_only ? 0 : in->addr[i].nl_pid, now, 1);
	}
	if (n > 0) {
		/* the next recvmmsg reuses the slots: what is still pending
		 * copies its records now, the rest never copied them */
		vg_pipeline_own(in->pl);
		arm_deadline(in, now);
	}
	return n;
}

/*
 * Reads until a batch comes back short, writes what it got, then sleeps
 * batch_delay_ms in place so that records coalesce, and reads again; back
 * to the event loop when a read after the sleep finds nothing, after
 * MAX_BATCHES full batches, or after NAPS_MS of sleeps (one at least), so
 * that timers, signals and the outputs' own events wait little. Sleeping
 * here rather than switching the read event off and on again saves two
 * epoll_ctl calls per wakeup.
 */
static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	struct vg_input *in = arg;
	struct timespec delay, nap;
	unsigned naps = 0, max_naps;
	int i, n, got;

	(void)fd;
	(void)what;
	delay.tv_sec = in->batch_delay_ms / 1000;
	delay.tv_nsec = (long)(in->batch_delay_ms % 1000) * 1000000L;
	max_naps = in->batch_delay_ms >= NAPS_MS ? 1 :
	    NAPS_MS / (in->batch_delay_ms ? in->batch_delay_ms : 1);
	for (;;) {
		got = 0;
		for (i = 0; i < MAX_BATCHES; i++) {
			if ((n = read_batch(in)) > 0)
				got = 1;
			if (n < BATCH)
				break;
		}
		/* one write per wakeup, not per event */
		if (got && !in->discard)
			vg_pipeline_flush_outputs(in->pl);
		if (!got || n == BATCH || in->batch_delay_ms == 0 ||
		    ++naps > max_naps)
			return;
		nap = delay;
		while (nanosleep(&nap, &nap) == -1 && errno == EINTR)
			;
	}
}

struct vg_input *
vg_live_new(struct event_base *base, struct vg_pipeline *pl,
    const struct vg_input_opts *opts, struct vg_nl *nl, const char *name)
{
	struct vg_input *in;
	size_t want = opts->rcvbuf ? opts->rcvbuf : RCVBUF_DEFAULT;
	long got;
	int i;

	if ((in = calloc(1, sizeof(*in))) == NULL) {
		vg_nl_close(nl);
		return NULL;
	}
	in->base = base;
	in->pl = pl;
	in->c = vg_pipeline_counters(pl);
	in->name = name;
	in->nl = nl;
	in->discard = opts->discard;
	in->batch_delay_ms = opts->batch_delay_ms;
	in->armed = UINT64_MAX;
	if ((got = vg_nl_set_rcvbuf(nl, want)) == -1)
		vg_log_warn("%s: receive buffer", name);
	else if ((size_t)got < want)
		vg_log_warnx("%s: receive buffer %ld bytes, asked for %zu "
		    "(not root?)", name, got, want);
	else
		vg_log_info("%s: receive buffer %ld bytes", name, got);
	in->msgs = calloc(BATCH, sizeof(*in->msgs));
	in->iov = calloc(BATCH, sizeof(*in->iov));
	in->addr = calloc(BATCH, sizeof(*in->addr));
	in->bufs = malloc((size_t)BATCH * SLOT_STRIDE);
	if (in->msgs == NULL || in->iov == NULL || in->addr == NULL ||
	    in->bufs == NULL)
		goto fail;
	for (i = 0; i < BATCH; i++) {
		in->iov[i].iov_base = in->bufs + (size_t)i * SLOT_STRIDE;
		in->iov[i].iov_len = VG_NL_SLOT;
		in->msgs[i].msg_hdr.msg_iov = &in->iov[i];
		in->msgs[i].msg_hdr.msg_iovlen = 1;
		in->msgs[i].msg_hdr.msg_name = &in->addr[i];
	}
	in->rd = event_new(base, vg_nl_fd(nl), EV_READ | EV_PERSIST, on_read,
	    in);
	in->expire = evtimer_new(base, on_expire, in);
	if (in->rd == NULL || in->expire == NULL ||
	    event_add(in->rd, NULL) == -1)
		goto fail;
	vg_nl_set_stray(nl, on_stray, in);
	return in;
fail:
	vg_log_warnx("%s: out of memory", name);
	vg_input_close(in);
	return NULL;
}

void
vg_live_kernel_only(struct vg_input *in)
{
	int i;

	in->kernel_only = 1;
	for (i = 0; i < BATCH; i++) {
		in->msgs[i].msg_hdr.msg_name = NULL;
		in->msgs[i].msg_hdr.msg_namelen = 0;
	}
}

struct vg_nl *
vg_live_socket(const struct vg_input *in)
{
	return in->nl;
}

void
vg_live_attach(struct vg_input *in, vg_live_stop_fn *stop,
    vg_live_status_fn *status, void *owner)
{
	in->stop = stop;
	in->status = status;
	in->owner = owner;
}

void *
vg_live_owner(const struct vg_input *in, vg_live_stop_fn *stop)
{
	return in != NULL && in->stop == stop ? in->owner : NULL;
}

/*
 * At stop, once the kernel sends no more: what it sent before is still in
 * the socket's receive buffer (up to its size, 64 MiB), and the kernel does
 * not send it again. Read until the buffer is empty (a multicast socket,
 * still fed, until DRAIN_MS have passed) so that it is written, not lost
 * uncounted.
 */
static void
drain(struct vg_input *in)
{
	uint64_t until = vg_clock_mono_ms() + DRAIN_MS;
	int got = 0;

	while (read_batch(in) > 0) {
		got = 1;
		if (vg_clock_mono_ms() > until)
			break;
	}
	if (got && !in->discard)
		vg_pipeline_flush_outputs(in->pl);
}

void
vg_input_close(struct vg_input *in)
{
	if (in == NULL)
		return;
	/* the kernel state first: pid, rule and enabled put back */
	if (in->stop != NULL)
		in->stop(in->owner);
	drain(in);
	if (in->rd != NULL)
		event_free(in->rd);
	if (in->expire != NULL)
		event_free(in->expire);
	free(in->msgs);
	free(in->iov);
	free(in->addr);
	free(in->bufs);
	vg_nl_close(in->nl);
	free(in);
}

void
vg_input_dump(struct vg_input *in, int fd)
{
	char ks[160];

	if (in->status != NULL)
		in->status(in->owner, ks, sizeof(ks));
	else
		vg_nl_status_line(NULL, ks, sizeof(ks));
	dprintf(fd, "input %s: datagrams=%" PRIu64 " batches=%" PRIu64
	    " records=%" PRIu64 " enobufs=%" PRIu64 " foreign=%" PRIu64
	    " truncated=%" PRIu64 " bad=%" PRIu64 " unknown=%" PRIu64
	    " control=%" PRIu64 " acks=%" PRIu64 " nacks=%" PRIu64
	    " replace=%" PRIu64 " kernel: %s\n", in->name, in->datagrams,
	    in->batches, in->c->records, in->c->enobufs, in->c->foreign,
	    in->truncated, in->bad, in->unknown, in->control, in->acks,
	    in->nacks, in->replace, ks);
}

int
vg_input_kernel(struct vg_input *in, struct audit_status *st, int *held)
{
	/* a socket of its own: answers on the data socket would mix with
	 * the records, and the daemon's is daemon.c's */
	struct vg_nl *nl = vg_nl_open(0);
	int rc = -1, saved;

	memset(st, 0, sizeof(*st));
	if (nl != NULL)
		rc = vg_nl_get_status(nl, st);
	saved = errno;
	vg_nl_close(nl);
	errno = saved;
	*held = rc == 0 && in->owner != NULL &&
	    st->pid == (uint32_t)getpid();
	return rc;
}

const char *
vg_input_name(const struct vg_input *in)
{
	return in->name;
}
