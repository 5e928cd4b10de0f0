/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unix.c (output): "unix:PATH", a local stream socket server. Every client
 * connected gets every event as a line (JSON by default). The worker
 * thread owns the socket and the clients. Taken messages stay in one
 * window shared by the clients (each has a cursor into it; writev, no
 * copy per client) until every client they were given to wrote them
 * whole: only then are they done, sent if any client got them. A client
 * past client_buffer is disconnected or skipped (client_policy), so it
 * never stalls the others; with overflow=block or hold=1 the worker
 * instead takes no more from the queue while a client is behind, unless
 * it made no progress for client_timeout ms (docs/outputs.md). Events
 * while no client is connected are dropped and counted, unless hold=1.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/parse_num.h"
#include "vigil/qout.h"

#define MAX_CLIENTS	64	/* one bit each in went.want */
#define BATCH		256	/* messages per wakeup */
#define PACE_TAKE	16	/* paced: messages per take, then look again */
#define IOV		64	/* messages per write */

/* A message in the window, and the clients that have yet to write it. */
struct went {
	struct vg_qmsg	*m;
	uint64_t	 want;		/* bit i: client slot i */
	int		 got;		/* some client wrote it whole */
};

struct client {
	int		 fd;		/* -1: free slot */
	uint64_t	 cur;		/* window index of the next message */
	size_t		 off;		/* bytes of it written */
	size_t		 pending;	/* bytes given, not yet written */
	uint64_t	 progress_ms;	/* last write, or when it got behind */
};

struct uout {
	struct vg_qout	 qo;
	char		*path;
	int		 lfd;
	int		 hold;		/* keep events while no client */
	int		 skip;		/* slow client: skip, not disconnect */
	int		 pace;		/* overflow=block or hold=1 */
	int		 timeout_ms;	/* paced: a stuck client's grace */
	size_t		 client_buf;
	struct client	 c[MAX_CLIENTS];
	size_t		 nc;		/* slots in use */
	int		 nconn;		/* nc for other threads (atomic) */
	struct went	*win;		/* [wfirst, wlen) live */
	size_t		 wlen, wfirst, wcap;
	uint64_t	 wbase;		/* window index of win[0] */
	uint64_t	 kicked;	/* clients disconnected for slowness */
	uint64_t	 skipped;	/* per-client messages skipped */
	uint64_t	 unsent;	/* per-client messages lost at exit */
	uint64_t	 accepted;
};

static int
listen_on(struct uout *u, mode_t mode)
{
	struct sockaddr_un sun;
	struct stat st;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(u->path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, u->path, strlen(u->path));
	/* a stale socket from a previous run: only a socket is removed */
	if (lstat(u->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			errno = EEXIST;
			return -1;
		}
		unlink(u->path);
	}
	u->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->lfd == -1)
		return -1;
	if (bind(u->lfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(u->path, mode) == -1 || listen(u->lfd, 16) == -1) {
		int saved = errno;

		close(u->lfd);
		u->lfd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

static struct went *
went_at(struct uout *u, uint64_t idx)
{
	return &u->win[idx - u->wbase];
}

static uint64_t
wtail(const struct uout *u)
{
	return u->wbase + u->wlen;
}

/* Appends to the window. -1 (ENOMEM) if it cannot grow. */
static int
win_add(struct uout *u, struct vg_qmsg *m, uint64_t want)
{
	struct went *w;
	size_t ncap;

	if (u->wfirst > 0 && u->wfirst >= u->wlen / 2) {
		memmove(u->win, u->win + u->wfirst,
		    (u->wlen - u->wfirst) * sizeof(*u->win));
		u->wlen -= u->wfirst;
		u->wbase += u->wfirst;
		u->wfirst = 0;
	}
	if (u->wlen == u->wcap) {
		ncap = u->wcap ? u->wcap * 2 : 1024;
		if ((w = reallocarray(u->win, ncap, sizeof(*w))) == NULL)
			return -1;
		u->win = w;
		u->wcap = ncap;
	}
	w = &u->win[u->wlen++];
	w->m = m;
	w->want = want;
	w->got = 0;
	return 0;
}

/*
 * Messages no client still wants leave the window from its front: sent
 * if a client got them whole, else dropped; with hold=1 and no client,
 * those stay for win_return().
 */
static void
win_release(struct uout *u)
{
	struct vg_qmsg *v[IOV];
	size_t n = 0;
	struct went *w;

	while (u->wfirst < u->wlen && u->win[u->wfirst].want == 0) {
		w = &u->win[u->wfirst];
		if (!w->got && u->hold && u->nc == 0)
			break;
		u->wfirst++;
		if (!w->got) {
			vg_queue_done(u->qo.q, w->m, VG_Q_DROPPED);
			continue;
		}
		v[n++] = w->m;
		if (n == IOV) {
			vg_queue_done_n(u->qo.q, v, n, VG_Q_SENT);
			n = 0;
		}
	}
	if (n)
		vg_queue_done_n(u->qo.q, v, n, VG_Q_SENT);
	if (u->wfirst == u->wlen) {
		u->wbase += u->wlen;
		u->wlen = u->wfirst = 0;
	}
}

/*
 * Everything in the window goes: got = sent; the rest back to the queue
 * front in order (hold=1: for the next client; at exit: spooled or
 * counted dropped by the queue). Only with no client left.
 */
static void
win_return(struct uout *u)
{
	size_t i;

	for (i = u->wfirst; i < u->wlen; i++)
		if (u->win[i].got)
			vg_queue_done(u->qo.q, u->win[i].m, VG_Q_SENT);
	/* back to front: each retry goes before the previous one */
	for (i = u->wlen; i-- > u->wfirst;)
		if (!u->win[i].got)
			vg_queue_done(u->qo.q, u->win[i].m, VG_Q_RETRY);
	u->wbase += u->wlen;
	u->wlen = u->wfirst = 0;
}

/*
 * A cursor left on messages this client skipped (client_policy=skip) stays
 * behind when the other clients write them and the window's front moves
 * past (win_release, the compaction in win_add): it would index before
 * win[]. It moves to the first message still in the window; what it
 * passes over was not given to this client, so it misses nothing more
 * and its off is 0. Call before a cursor is used.
 */
static void
cursor_in_window(const struct uout *u, struct client *c)
{
	if (c->cur < u->wbase + u->wfirst)
		c->cur = u->wbase + u->wfirst;
}

/* Forgets client i; returns how many messages it did not get whole. */
static uint64_t
forget_client(struct uout *u, size_t i, const char *why)
{
	struct client *c = &u->c[i];
	uint64_t bit = (uint64_t)1 << i, idx, lost = 0;

	cursor_in_window(u, c);
	if (why != NULL)
		vg_log_info("output %s: client %d %s", u->qo.o->spec, c->fd,
		    why);
	for (idx = c->cur; idx < wtail(u); idx++)
		if (went_at(u, idx)->want & bit) {
			went_at(u, idx)->want &= ~bit;
			lost++;
		}
	close(c->fd);
	c->fd = -1;
	u->nc--;
	__atomic_store_n(&u->nconn, (int)u->nc, __ATOMIC_RELAXED);
	return lost;
}

static void
drop_client(struct uout *u, size_t i, const char *why)
{
	(void)forget_client(u, i, why);
	win_release(u);
}

static void
accept_clients(struct uout *u)
{
	size_t i;
	int fd;

	while ((fd = accept4(u->lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		if (u->nc == MAX_CLIENTS) {
			vg_log_warnx("output %s: more than %d clients, "
			    "refusing one", u->qo.o->spec, MAX_CLIENTS);
			close(fd);
			continue;
		}
		for (i = 0; u->c[i].fd != -1; i++)
			;
		memset(&u->c[i], 0, sizeof(u->c[i]));
		u->c[i].fd = fd;
		u->c[i].cur = wtail(u);
		u->c[i].progress_ms = vg_clock_mono_ms();
		u->nc++;
		__atomic_store_n(&u->nconn, (int)u->nc, __ATOMIC_RELAXED);
		u->accepted++;
	}
}

/*
 * Writes what client i can take now, from its cursor, several messages
 * per call. -1: the client is gone.
 */
static int
flush_client(struct uout *u, size_t i)
{
	struct client *c = &u->c[i];
	uint64_t bit = (uint64_t)1 << i, idx;
	struct iovec iov[IOV];
	struct msghdr mh;
	struct went *w;
	size_t k, n, left, off;
	ssize_t r;

	cursor_in_window(u, c);
	while (c->pending > 0) {
		/* skip what this client was not given */
		while (c->cur < wtail(u) && !(went_at(u, c->cur)->want & bit))
			c->cur++;
		for (k = 0, idx = c->cur, off = c->off; k < IOV &&
		    idx < wtail(u); idx++) {
			w = went_at(u, idx);
			if (!(w->want & bit))
				continue;
			iov[k].iov_base = w->m->data + off;
			iov[k].iov_len = w->m->len - off;
			off = 0;
			k++;
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = k;
		r = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (r <= 0)
			return -1;
		n = (size_t)r;
		c->pending -= n;
		c->progress_ms = vg_clock_mono_ms();
		/* move the cursor past what was written whole */
		while (n > 0) {
			w = went_at(u, c->cur);
			if (!(w->want & bit)) {
				c->cur++;
				continue;
			}
			left = w->m->len - c->off;
			if (n < left) {
				c->off += n;
				break;
			}
			n -= left;
			c->off = 0;
			w->want &= ~bit;
			w->got = 1;
			c->cur++;
		}
	}
	win_release(u);
	return 0;
}

static int
stalled(const struct uout *u, const struct client *c, uint64_t now)
{
	return now - c->progress_ms >= (uint64_t)u->timeout_ms;
}

static int
behind(const struct uout *u, const struct client *c)
{
	return c->pending >= u->client_buf;
}

/*
 * May the worker take from the queue? Not with hold=1 and no client;
 * paced: not while a client is behind and not stalled. *wait_ms: when a
 * stall would end that.
 */
static int
can_take(struct uout *u, uint64_t now, int *wait_ms)
{
	uint64_t left, soonest = 1000;
	size_t i;
	int ok = 1;

	if (u->hold && u->nc == 0)
		ok = 0;
	for (i = 0; u->pace && i < MAX_CLIENTS; i++) {
		const struct client *c = &u->c[i];

		if (c->fd == -1 || !behind(u, c) || stalled(u, c, now))
			continue;
		ok = 0;
		left = c->progress_ms + (uint64_t)u->timeout_ms - now;
		if (left < soonest)
			soonest = left;
	}
	if (wait_ms != NULL)
		*wait_ms = (int)soonest + 1;
	return ok;
}

/* One message to every client; slow ones per policy. */
static void
fan_out(struct uout *u, struct vg_qmsg *m, uint64_t now)
{
	uint64_t want = 0;
	size_t i;

	for (i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &u->c[i];

		if (c->fd == -1)
			continue;
		if (c->pending == 0)
			c->progress_ms = now;	/* the clock of a stall */
		/* over the bound: first see what the socket takes now */
		if (c->pending > 0 && c->pending + m->len > u->client_buf &&
		    (!u->pace || stalled(u, c, now))) {
			if (flush_client(u, i) == -1) {
				drop_client(u, i, NULL);
				continue;
			}
			if (c->pending > 0 &&
			    c->pending + m->len > u->client_buf) {
				if (u->skip) {
					u->skipped++;
					continue;
				}
				u->kicked++;
				drop_client(u, i,
				    "does not read: disconnected");
				continue;
			}
		}
		want |= (uint64_t)1 << i;
		c->pending += m->len;
	}
	if (want == 0 && !(u->hold && u->nc == 0)) {
		/* every client left meanwhile (or skips it) */
		vg_queue_done(u->qo.q, m, VG_Q_DROPPED);
		return;
	}
	/* hold=1, the last client left: kept in order for win_return() */
	if (win_add(u, m, want) == -1) {
		vg_log_warn("output %s: client window", u->qo.o->spec);
		for (i = 0; i < MAX_CLIENTS; i++)
			if (want & ((uint64_t)1 << i))
				u->c[i].pending -= m->len;
		vg_queue_done(u->qo.q, m, VG_Q_DROPPED);
	}
}

/* Client input is ignored; EOF or an error closes the client. */
static int
client_readable(struct client *c)
{
	char junk[512];
	ssize_t n;

	for (;;) {
		n = recv(c->fd, junk, sizeof(junk), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
}

/* Takes up to BATCH messages for the clients. 1 if more may wait, 0 no,
 * -1 stopped. */
static int
take_some(struct uout *u)
{
	struct vg_qmsg *v[BATCH];
	uint64_t now;
	size_t k = 0, j;
	int r = 0;

	while (k < BATCH && can_take(u, now = vg_clock_mono_ms(), NULL)) {
		r = vg_queue_take_n(u->qo.q, v, u->pace ? PACE_TAKE :
		    BATCH - k, 0);
		if (r <= 0)
			break;
		k += (size_t)r;
		if (u->nc == 0) {
			/* nobody listens: lost, and said so */
			vg_queue_done_n(u->qo.q, v, (size_t)r, VG_Q_DROPPED);
			continue;
		}
		for (j = 0; j < (size_t)r; j++)
			fan_out(u, v[j], now);
	}
	if (r == -1)
		return -1;
	return k >= BATCH;
}

/*
 * At exit (after the drain): a last write, then what a client did not
 * get is counted and logged; messages no client got go back to the queue
 * (spooled, or counted dropped there).
 */
static void
finish(struct uout *u)
{
	uint64_t lost;
	size_t i;
	int fd;

	for (i = 0; i < MAX_CLIENTS; i++) {
		if ((fd = u->c[i].fd) == -1)
			continue;
		if (flush_client(u, i) == -1) {
			(void)forget_client(u, i, NULL);
			continue;
		}
		if ((lost = forget_client(u, i, NULL)) > 0) {
			vg_log_warnx("output %s: client %d: %" PRIu64 " events "
			    "not delivered at exit (drain_ms=%d)",
			    u->qo.o->spec, fd, lost, u->qo.drain_ms);
			u->unsent += lost;
		}
	}
	win_return(u);
}

static void *
worker(void *arg)
{
	struct uout *u = arg;
	struct pollfd pfd[MAX_CLIENTS + 2];
	size_t slot[MAX_CLIENTS];
	size_t i, np;
	int r, more = 0, tmo, take;

	for (;;) {
		take = can_take(u, vg_clock_mono_ms(), &tmo);
		pfd[0].fd = u->lfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = vg_queue_fd(u->qo.q);
		/* not taking (hold=1 with no client, paced): leave it */
		pfd[1].events = take ? POLLIN : 0;
		for (i = 0, np = 2; i < MAX_CLIENTS; i++) {
			if (u->c[i].fd == -1)
				continue;
			slot[np - 2] = i;
			pfd[np].fd = u->c[i].fd;
			pfd[np].events = POLLIN |
			    (u->c[i].pending ? POLLOUT : 0);
			np++;
		}
		/* a full batch last time: more may wait, do not sleep */
		if (poll(pfd, np, more && take ? 0 : tmo) == -1 &&
		    errno != EINTR) {
			vg_log_warn("output %s: poll", u->qo.o->spec);
			break;
		}
		if (vg_qout_stopped(&u->qo))
			break;
		for (i = 2; i < np; i++) {
			short re = pfd[i].revents;
			size_t s = slot[i - 2];

			if (u->c[s].fd == -1)
				continue;
			if ((re & (POLLIN | POLLHUP | POLLERR)) &&
			    client_readable(&u->c[s]) == -1) {
				drop_client(u, s, NULL);
				continue;
			}
			if ((re & POLLOUT) && flush_client(u, s) == -1)
				drop_client(u, s, NULL);
		}
		if (pfd[0].revents & POLLIN)
			accept_clients(u);
		if ((r = take_some(u)) == -1)
			break;
		more = r;
		for (i = 0; i < MAX_CLIENTS; i++)
			if (u->c[i].fd != -1 && u->c[i].pending &&
			    flush_client(u, i) == -1)
				drop_client(u, i, NULL);
		/* hold=1 and the last client left: its backlog waits in the
		 * queue for the next one */
		if (u->hold && u->nc == 0 && u->wlen > u->wfirst)
			win_return(u);
	}
	finish(u);
	return NULL;
}

static const char *const policies[] = { "disconnect", "skip", NULL };

static const struct vg_opt unix_opts[] = {
	{ .name = "mode", .type = VG_OPT_OCTAL, .def = "0600", .max = 0777,
	  .expect = "octal permissions", .help = "socket permissions" },
	{ .name = "client_buffer", .type = VG_OPT_SIZE, .def = "1m",
	  .min = 4096, .max = 1u << 30, .expect = "4k..1g",
	  .help = "bytes kept per slow client" },
	{ .name = "client_policy", .type = VG_OPT_ENUM, .choices = policies,
	  .help = "a client whose buffer is full: disconnect or skip" },
	{ .name = "client_timeout", .type = VG_OPT_SIZE, .def = "10000",
	  .min = 1, .max = 3600000, .expect = "1..3600000 (ms)",
	  .help = "ms a stalled client is kept" },
	{ .name = "hold", .type = VG_OPT_BOOL, .def = "no",
	  .help = "keep events while no client is connected" },
	{ .name = NULL },
};

static int
unix_check(const struct vg_output_conf *c, char *msg, size_t len)
{
	if (*c->arg == '\0') {
		snprintf(msg, len, "output \"%s\": expected unix:PATH",
		    c->spec);
		return -1;
	}
	return vg_qout_check(c, msg, len);
}

static int
unix_open(struct vg_output *o, const char *arg)
{
	struct uout *u;
	uint64_t mode;
	int v;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return -1;
	u->lfd = -1;
	for (v = 0; v < MAX_CLIENTS; v++)
		u->c[v].fd = -1;
	/* checked by the table */
	mode = vg_output_opt_num(o, "mode");
	u->client_buf = (size_t)vg_output_opt_num(o, "client_buffer");
	u->skip = vg_output_opt_num(o, "client_policy") == 1;
	u->timeout_ms = (int)vg_output_opt_num(o, "client_timeout");
	u->hold = (int)vg_output_opt_num(o, "hold");
	if ((u->path = strdup(arg)) == NULL)
		goto fail;
	if (vg_qout_open(&u->qo, o) == -1)
		goto fail;
	/* block: given, or a replay's default */
	u->pace = u->hold || u->qo.overflow == VG_OVF_BLOCK;
	if (listen_on(u, (mode_t)mode) == -1) {
		vg_log_warn("output \"%s\": listen on %s", o->spec, u->path);
		goto fail_q;
	}
	o->priv = u;
	vg_qout_start(&u->qo, worker, u);
	return 0;
fail:
	{
		int saved = errno;

		free(u->path);
		free(u);
		errno = saved;
	}
	return -1;
fail_q:
	{
		int saved = errno;

		vg_qout_close(&u->qo);
		if (u->lfd != -1) {
			close(u->lfd);
			unlink(u->path);
		}
		free(u->path);
		free(u);
		o->priv = NULL;
		errno = saved;
	}
	return -1;
}

static int
unix_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct uout *u = o->priv;

	if (vg_qout_format(&u->qo, ev, doc) == -1)
		return -1;
	return vg_qout_push(&u->qo, u->qo.buf.data, u->qo.buf.len);
}

static int
unix_flush(struct vg_output *o)
{
	struct uout *u = o->priv;

	vg_qout_sync(&u->qo);
	return 0;
}

static void
unix_close(struct vg_output *o)
{
	struct uout *u = o->priv;

	if (u == NULL)
		return;
	vg_qout_close(&u->qo);
	if (u->kicked || u->skipped || u->unsent)
		vg_log_info("output %s: %" PRIu64 " slow clients disconnected,"
		    " %" PRIu64 " messages skipped for slow clients, %" PRIu64
		    " not delivered to clients at exit", o->spec, u->kicked,
		    u->skipped, u->unsent);
	free(u->win);
	close(u->lfd);
	unlink(u->path);
	free(u->path);
	free(u);
	o->priv = NULL;
}

/* Up while some client is connected: events go nowhere otherwise. */
static int
unix_up(struct vg_output *o)
{
	struct uout *u = o->priv;

	return u != NULL && __atomic_load_n(&u->nconn, __ATOMIC_RELAXED) > 0;
}

const struct vg_output_ops vg_output_unix = {
	.up = unix_up,
	.name = "unix",
	.wants = VG_WANT_DOC,
	.self_counts = 1,
	.open = unix_open,
	.opts = (const struct vg_opt *const[]){ unix_opts, vg_qout_opts,
	    NULL },
	.check = unix_check,
	.write = unix_write,
	.flush = unix_flush,
	.close = unix_close,
};
