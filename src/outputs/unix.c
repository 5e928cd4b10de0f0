/*
 * unix.c (output): "unix:PATH", a local stream socket server. Every client
 * connected gets every event as a line (JSON by default). The worker
 * thread owns the socket and the clients; a client that does not read
 * has its own bounded buffer, then is disconnected or skipped
 * (client_policy), so it never stalls the others or the pipeline.
 * Events while no client is connected are dropped and counted, unless
 * hold=1 (then they wait in the queue, under its policy).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vigil/log.h"
#include "vigil/qout.h"

#define MAX_CLIENTS	64
#define DEF_CLIENT_BUF	(1024 * 1024)
#define BATCH		256	/* messages per wakeup */

struct client {
	int		 fd;
	struct vg_buf	 out;
	size_t		 pos;		/* written part of out */
	uint64_t	 skipped;	/* messages not given (policy skip) */
};

struct uout {
	struct vg_qout	 qo;
	char		*path;
	int		 lfd;
	int		 hold;		/* keep events while no client */
	int		 skip;		/* slow client: skip, not disconnect */
	size_t		 client_buf;
	struct client	 c[MAX_CLIENTS];
	size_t		 nc;
	uint64_t	 kicked;	/* clients disconnected for slowness */
	uint64_t	 skipped;	/* per-client messages skipped */
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

static void
drop_client(struct uout *u, size_t i, const char *why)
{
	struct client *c = &u->c[i];

	if (why != NULL)
		vg_log_info("output %s: client %d %s", u->qo.o->spec, c->fd,
		    why);
	close(c->fd);
	vg_buf_free(&c->out);
	u->c[i] = u->c[--u->nc];
}

static void
accept_clients(struct uout *u)
{
	int fd;

	while ((fd = accept4(u->lfd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) != -1) {
		if (u->nc == MAX_CLIENTS) {
			vg_log_warnx("output %s: more than %d clients, "
			    "refusing one", u->qo.o->spec, MAX_CLIENTS);
			close(fd);
			continue;
		}
		memset(&u->c[u->nc], 0, sizeof(u->c[0]));
		u->c[u->nc].fd = fd;
		vg_buf_init(&u->c[u->nc].out);
		u->nc++;
		u->accepted++;
	}
}

/* Writes what the client can take now. -1: the client is gone. */
static int
flush_client(struct client *c)
{
	ssize_t n;

	while (c->pos < c->out.len) {
		n = send(c->fd, c->out.data + c->pos, c->out.len - c->pos,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return -1;
		c->pos += (size_t)n;
	}
	if (c->pos == c->out.len) {
		vg_buf_reset(&c->out);
		c->pos = 0;
	} else if (c->pos > c->out.len / 2) {
		memmove(c->out.data, c->out.data + c->pos, c->out.len - c->pos);
		c->out.len -= c->pos;
		c->pos = 0;
	}
	return 0;
}

/* Queues one message for every client; slow ones per policy. */
static void
fan_out(struct uout *u, const struct vg_qmsg *m)
{
	size_t i;

	for (i = 0; i < u->nc; i++) {
		struct client *c = &u->c[i];

		/* over the bound: first see what the socket takes now */
		if (c->out.len - c->pos + m->len > u->client_buf &&
		    flush_client(c) == -1) {
			drop_client(u, i, NULL);
			i--;
			continue;
		}
		if (c->out.len - c->pos + m->len > u->client_buf) {
			if (u->skip) {
				c->skipped++;
				u->skipped++;
				continue;
			}
			u->kicked++;
			drop_client(u, i, "does not read: disconnected");
			i--;
			continue;
		}
		vg_buf_add(&c->out, m->data, m->len);
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

static void *
worker(void *arg)
{
	struct uout *u = arg;
	struct pollfd pfd[MAX_CLIENTS + 2];
	struct vg_qmsg *m;
	size_t i, k;
	int r = 0, more = 0;

	for (;;) {
		pfd[0].fd = u->lfd;
		pfd[0].events = POLLIN;
		pfd[1].fd = vg_queue_fd(u->qo.q);
		/* hold=1 with no client: leave the queue alone */
		pfd[1].events = (u->hold && u->nc == 0) ? 0 : POLLIN;
		for (i = 0; i < u->nc; i++) {
			pfd[i + 2].fd = u->c[i].fd;
			pfd[i + 2].events = POLLIN |
			    (u->c[i].out.len > u->c[i].pos ? POLLOUT : 0);
		}
		/* a full batch last time: more may wait, do not sleep */
		if (poll(pfd, u->nc + 2, more ? 0 : 1000) == -1 &&
		    errno != EINTR) {
			vg_log_warn("output %s: poll", u->qo.o->spec);
			break;
		}
		if (vg_qout_stopped(&u->qo))
			break;
		/* client events first: indices match pfd until changed */
		for (i = u->nc; i-- > 0;) {
			short re = pfd[i + 2].revents;

			if ((re & (POLLIN | POLLHUP | POLLERR)) &&
			    client_readable(&u->c[i]) == -1) {
				drop_client(u, i, NULL);
				continue;
			}
			if ((re & POLLOUT) && flush_client(&u->c[i]) == -1)
				drop_client(u, i, NULL);
		}
		if (pfd[0].revents & POLLIN)
			accept_clients(u);
		more = 0;
		if (u->hold && u->nc == 0)
			continue;
		for (k = 0; k < BATCH; k++) {
			if ((r = vg_queue_take(u->qo.q, &m, 0)) != 1)
				break;
			if (u->nc == 0) {
				/* nobody listens: lost, and said so */
				vg_queue_done(u->qo.q, m, VG_Q_DROPPED);
				continue;
			}
			fan_out(u, m);
			vg_queue_done(u->qo.q, m, VG_Q_SENT);
		}
		for (i = u->nc; i-- > 0;)
			if (u->c[i].out.len > u->c[i].pos &&
			    flush_client(&u->c[i]) == -1)
				drop_client(u, i, NULL);
		if (r == -1)
			break;
		more = k == BATCH;
	}
	/* last chance for the clients to get what they were given */
	for (i = u->nc; i-- > 0;) {
		(void)flush_client(&u->c[i]);
		drop_client(u, i, NULL);
	}
	return NULL;
}

static int
unix_open(struct vg_output *o, const char *arg)
{
	struct uout *u;
	const char *s;
	uint64_t v, mode = 0600;
	char *end;

	if (*arg == '\0') {
		vg_log_warnx("output \"%s\": expected unix:PATH", o->spec);
		errno = EINVAL;
		return -1;
	}
	if ((u = calloc(1, sizeof(*u))) == NULL)
		return -1;
	u->lfd = -1;
	u->client_buf = DEF_CLIENT_BUF;
	if ((s = vg_output_opt(o, "mode")) != NULL) {
		errno = 0;
		mode = strtoull(s, &end, 8);
		if (errno || *end != '\0' || end == s || mode > 0777) {
			vg_log_warnx("output \"%s\": mode=%s: expected octal "
			    "permissions", o->spec, s);
			goto bad;
		}
	}
	if ((s = vg_output_opt(o, "client_buffer")) != NULL) {
		if (vg_parse_size(s, &v) == -1 || v < 4096 || v > (1u << 30)) {
			vg_log_warnx("output \"%s\": client_buffer=%s: "
			    "expected 4k..1g", o->spec, s);
			goto bad;
		}
		u->client_buf = (size_t)v;
	}
	if ((s = vg_output_opt(o, "client_policy")) != NULL) {
		if (strcmp(s, "skip") == 0)
			u->skip = 1;
		else if (strcmp(s, "disconnect") != 0) {
			vg_log_warnx("output \"%s\": client_policy=%s: "
			    "expected disconnect or skip", o->spec, s);
			goto bad;
		}
	}
	if ((s = vg_output_opt(o, "hold")) != NULL)
		u->hold = strcmp(s, "1") == 0 || strcmp(s, "yes") == 0;
	if ((u->path = strdup(arg)) == NULL)
		goto fail;
	if (vg_qout_open(&u->qo, o) == -1)
		goto fail;
	if (listen_on(u, (mode_t)mode) == -1) {
		vg_log_warn("output \"%s\": listen on %s", o->spec, u->path);
		goto fail_q;
	}
	o->priv = u;
	vg_qout_start(&u->qo, worker, u);
	return 0;
bad:
	errno = EINVAL;
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
	if (u->kicked || u->skipped)
		vg_log_info("output %s: %" PRIu64 " slow clients disconnected,"
		    " %" PRIu64 " messages skipped for slow clients", o->spec,
		    u->kicked, u->skipped);
	close(u->lfd);
	unlink(u->path);
	free(u->path);
	free(u);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_unix = {
	.name = "unix",
	.needs_doc = 1,
	.self_counts = 1,
	.open = unix_open,
	.write = unix_write,
	.flush = unix_flush,
	.close = unix_close,
};
