/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.c: the control socket (control.h, docs/operating.md): the
 * listening socket, its clients on the libevent loop, SO_PEERCRED checks,
 * the request line parser and vigilctl's client side. Never blocks the
 * loop: clients are non-blocking bufferevents, bounded in number
 * (VG_CONTROL_MAXCONN), request size (VG_CONTROL_MAXREQ) and time
 * (VG_CONTROL_DEADLINE_MS). Knows nothing of what a reply says.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/control.h"
#include "vigil/log.h"

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS	59
#endif
#define MAX_PEER_GROUPS	256

struct client {
	struct vg_control	*ctl;
	struct bufferevent	*bev;		/* NULL: free slot */
	struct event		*deadline;
	struct vg_control_req	 req;
	int			 after;		/* call done() when written */
	int			 answered;
};

struct vg_control {
	struct event_base		*base;
	struct evconnlistener		*lis;
	char				*path;
	int				 group_set;
	gid_t				 gid;
	struct vg_control_handler	 h;
	struct client			 c[VG_CONTROL_MAXCONN];
	unsigned long			 refused;
};

static const struct {
	const char		*word;
	enum vg_control_cmd	 cmd;
	int			 json;		/* takes "json" */
} cmds[] = {
	{ "state",	VG_CTL_STATE,	1 },
	{ "metrics",	VG_CTL_METRICS,	0 },
	{ "top",	VG_CTL_TOP,	1 },
	{ "version",	VG_CTL_VERSION,	0 },
	{ "reload",	VG_CTL_RELOAD,	0 },
	{ "rotate",	VG_CTL_ROTATE,	0 },
	{ "resume",	VG_CTL_RESUME,	0 },
	{ "stop",	VG_CTL_STOP,	0 },
};

int
vg_control_cmd_privileged(enum vg_control_cmd c)
{
	return c >= VG_CTL_RELOAD;
}

int
vg_control_parse(const char *line, size_t len, struct vg_control_req *req,
    char *err, size_t errlen)
{
	const char *sp;
	size_t i, wlen;

	memset(req, 0, sizeof(*req));
	if (len > 0 && line[len - 1] == '\r')
		len--;			/* a telnet/nc -C client */
	for (i = 0; i < len; i++)
		if (line[i] != ' ' && (line[i] < 'a' || line[i] > 'z')) {
			snprintf(err, errlen, "bad character in request");
			return -1;
		}
	sp = memchr(line, ' ', len);
	wlen = sp != NULL ? (size_t)(sp - line) : len;
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strlen(cmds[i].word) == wlen &&
		    memcmp(cmds[i].word, line, wlen) == 0)
			break;
	if (i == sizeof(cmds) / sizeof(cmds[0])) {
		snprintf(err, errlen, "unknown request (expected state, "
		    "metrics, top, version, reload, rotate, resume or stop)");
		return -1;
	}
	req->cmd = cmds[i].cmd;
	if (sp == NULL)
		return 0;
	if (cmds[i].json && (size_t)(line + len - sp - 1) == 4 &&
	    memcmp(sp + 1, "json", 4) == 0) {
		req->json = 1;
		return 0;
	}
	snprintf(err, errlen, "unexpected option for %s", cmds[i].word);
	return -1;
}

/* ---- the daemon's side ---- */

static void
client_free(struct client *cl)
{
	struct vg_control *ctl = cl->ctl;
	int after = cl->after;
	struct vg_control_req req = cl->req;

	if (cl->deadline != NULL)
		event_free(cl->deadline);
	if (cl->bev != NULL)
		bufferevent_free(cl->bev);
	memset(cl, 0, sizeof(*cl));
	/* the reply is out (or the client gone): now act, e.g. stop */
	if (after && ctl->h.done != NULL)
		ctl->h.done(ctl->h.arg, &req);
}

static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	client_free(arg);
}

static void
on_written(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	char junk[1024];
	int i;

	if (evbuffer_get_length(bufferevent_get_output(bev)) != 0)
		return;
	/* what the client sent past its request, read and dropped (a
	 * little, never blocking): closing on unread bytes would reset
	 * the connection before the client read the reply */
	for (i = 0; i < 16; i++)
		if (recv(bufferevent_getfd(bev), junk, sizeof(junk),
		    MSG_DONTWAIT) <= 0)
			break;
	client_free(cl);
}

static void
reply(struct client *cl, int ok, const struct vg_buf *body)
{
	struct evbuffer *out = bufferevent_get_output(cl->bev);

	cl->answered = 1;
	bufferevent_disable(cl->bev, EV_READ);
	if (ok)
		evbuffer_add(out, "ok\n", 3);
	else
		evbuffer_add(out, "error: ", 7);
	if (body->oom)
		evbuffer_add_printf(out, "out of memory\n");
	else
		evbuffer_add(out, body->data, body->len);
	if (!ok && (body->len == 0 || body->data[body->len - 1] != '\n'))
		evbuffer_add(out, "\n", 1);
	bufferevent_setcb(cl->bev, NULL, on_written, NULL, cl);
	bufferevent_enable(cl->bev, EV_WRITE);
}

static void
reply_text(struct client *cl, int ok, const char *text)
{
	struct vg_buf b;

	vg_buf_init(&b);
	vg_buf_adds(&b, text);
	reply(cl, ok, &b);
	vg_buf_free(&b);
}

static void
handle(struct client *cl, const char *line, size_t len)
{
	struct vg_control *ctl = cl->ctl;
	struct vg_control_req req;
	struct vg_buf b;
	char err[128];
	int rc, after = 0;

	if (vg_control_parse(line, len, &req, err, sizeof(err)) == -1) {
		reply_text(cl, 0, err);
		return;
	}
	req.pid = cl->req.pid;
	req.uid = cl->req.uid;
	req.gid = cl->req.gid;
	if (vg_control_cmd_privileged(req.cmd) && req.uid != 0) {
		reply_text(cl, 0, "permission denied (root only)");
		return;
	}
	cl->req = req;
	vg_buf_init(&b);
	rc = ctl->h.answer(ctl->h.arg, &req, &b, &after);
	cl->after = after;
	reply(cl, rc == 0, &b);
	vg_buf_free(&b);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct evbuffer_ptr nl;
	char line[VG_CONTROL_MAXREQ];
	size_t n;

	if (cl->answered)
		return;
	nl = evbuffer_search_eol(in, NULL, &n, EVBUFFER_EOL_LF);
	if (nl.pos == -1) {
		if (evbuffer_get_length(in) >= VG_CONTROL_MAXREQ)
			reply_text(cl, 0, "request too long");
		return;
	}
	if ((size_t)nl.pos >= VG_CONTROL_MAXREQ) {
		reply_text(cl, 0, "request too long");
		return;
	}
	n = (size_t)nl.pos;
	evbuffer_remove(in, line, n);
	handle(cl, line, n);
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
	struct client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char line[VG_CONTROL_MAXREQ];
	size_t n;

	/* EOF after a request without its '\n': take what came */
	if ((what & BEV_EVENT_EOF) && !cl->answered &&
	    (n = evbuffer_get_length(in)) > 0 && n < VG_CONTROL_MAXREQ) {
		evbuffer_remove(in, line, n);
		handle(cl, line, n);
		return;
	}
	client_free(cl);
}

/* root, the group as primary or supplementary group of the peer */
static int
peer_allowed(struct vg_control *ctl, int fd, const struct ucred *uc)
{
	gid_t groups[MAX_PEER_GROUPS];
	socklen_t len = sizeof(groups);
	size_t i;

	if (uc->uid == 0)
		return 1;
	if (!ctl->group_set)
		return 0;
	if (uc->gid == ctl->gid)
		return 1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == -1)
		return 0;
	for (i = 0; i < len / sizeof(gid_t); i++)
		if (groups[i] == ctl->gid)
			return 1;
	return 0;
}

static void
on_accept(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	static const char busy[] = "error: busy, try again\n";
	static const char denied[] = "error: permission denied\n";
	struct vg_control *ctl = arg;
	struct client *cl = NULL;
	struct ucred uc;
	socklen_t len = sizeof(uc);
	struct timeval tv = { VG_CONTROL_DEADLINE_MS / 1000,
	    (VG_CONTROL_DEADLINE_MS % 1000) * 1000 };
	size_t i;

	(void)lis;
	(void)sa;
	(void)salen;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == -1 ||
	    !peer_allowed(ctl, fd, &uc)) {
		(void)!send(fd, denied, sizeof(denied) - 1,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		evutil_closesocket(fd);
		return;
	}
	for (i = 0; i < VG_CONTROL_MAXCONN && cl == NULL; i++)
		if (ctl->c[i].bev == NULL)
			cl = &ctl->c[i];
	/* root is never locked out by group members holding every slot:
	 * one of theirs goes (they may only read; they can ask again) */
	for (i = 0; i < VG_CONTROL_MAXCONN && cl == NULL && uc.uid == 0; i++)
		if (ctl->c[i].req.uid != 0) {
			client_free(&ctl->c[i]);
			cl = &ctl->c[i];
		}
	if (cl == NULL) {
		if (ctl->refused++ % 1000 == 0)
			vg_log_warnx("control: %d clients at once; "
			    "connection refused (%lu so far)",
			    VG_CONTROL_MAXCONN, ctl->refused);
		(void)!send(fd, busy, sizeof(busy) - 1,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		evutil_closesocket(fd);
		return;
	}
	memset(cl, 0, sizeof(*cl));
	cl->ctl = ctl;
	cl->req.pid = uc.pid;
	cl->req.uid = uc.uid;
	cl->req.gid = uc.gid;
	cl->bev = bufferevent_socket_new(ctl->base, fd,
	    BEV_OPT_CLOSE_ON_FREE);
	cl->deadline = evtimer_new(ctl->base, on_deadline, cl);
	if (cl->bev == NULL || cl->deadline == NULL) {
		if (cl->bev == NULL)
			evutil_closesocket(fd);
		client_free(cl);
		return;
	}
	evtimer_add(cl->deadline, &tv);
	/* stop reading past one request: the rest is never buffered */
	bufferevent_setwatermark(cl->bev, EV_READ, 0, VG_CONTROL_MAXREQ);
	bufferevent_setcb(cl->bev, on_read, NULL, on_event, cl);
	bufferevent_enable(cl->bev, EV_READ);
}

/* path's directory, made 0755 if missing (only the last component). */
static int
make_dir(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *slash = strrchr(path, '/');
	struct stat st;
	size_t n;

	if (slash == NULL || slash == path)
		return 0;
	n = (size_t)(slash - path);
	memcpy(dir, path, n);
	dir[n] = '\0';
	if (lstat(dir, &st) == 0) {
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		return 0;
	}
	if (errno != ENOENT)
		return -1;
	return mkdir(dir, 0755);
}

static int
listen_unix(const char *path, int group_set, gid_t gid)
{
	struct sockaddr_un sun;
	struct stat st;
	mode_t old;
	int fd, rc, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	if (make_dir(path) == -1)
		return -1;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			errno = EEXIST;
			return -1;
		}
		(void)unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	/* never a moment with looser permissions than asked: the mode
	 * comes with the bind; the group is set without following a link
	 * (a link swapped in for the socket, in a directory others may
	 * write, would give its target the group) */
	old = umask(group_set ? 0117 : 0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc == 0 && group_set)
		rc = lchown(path, 0, gid);
	if (rc == 0)
		rc = listen(fd, 16);
	if (rc == -1) {
		saved = errno;
		close(fd);
		(void)unlink(path);
		errno = saved;
		return -1;
	}
	return fd;
}

struct vg_control *
vg_control_open(struct event_base *base, const char *path, int group_set,
    gid_t gid, const struct vg_control_handler *h)
{
	struct vg_control *ctl;
	int fd, saved;

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL ||
	    (ctl->path = strdup(path)) == NULL)
		goto fail;
	ctl->base = base;
	ctl->h = *h;
	ctl->group_set = group_set;
	ctl->gid = gid;
	if ((fd = listen_unix(path, group_set, gid)) == -1)
		goto fail;
	ctl->lis = evconnlistener_new(base, on_accept, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (ctl->lis == NULL) {
		saved = errno;
		close(fd);
		(void)unlink(path);
		errno = saved;
		goto fail;
	}
	vg_log_info("control socket %s", path);
	return ctl;
fail:
	saved = errno;
	vg_log_warn("control socket %s", path);
	if (ctl != NULL)
		free(ctl->path);
	free(ctl);
	errno = saved;
	return NULL;
}

void
vg_control_close(struct vg_control *ctl)
{
	size_t i;

	if (ctl == NULL)
		return;
	for (i = 0; i < VG_CONTROL_MAXCONN; i++)
		if (ctl->c[i].bev != NULL) {
			ctl->c[i].after = 0;	/* no acting on the way out */
			client_free(&ctl->c[i]);
		}
	evconnlistener_free(ctl->lis);
	(void)unlink(ctl->path);
	free(ctl->path);
	free(ctl);
}

/* ---- vigilctl's side ---- */

static int
wait_fd(int fd, short ev, uint64_t end)
{
	struct pollfd p = { .fd = fd, .events = ev };
	uint64_t now;
	int rc;

	for (;;) {
		now = vg_clock_mono_ms();
		if (now >= end) {
			errno = ETIMEDOUT;
			return -1;
		}
		rc = poll(&p, 1, (int)(end - now));
		if (rc > 0)
			return 0;
		if (rc == -1 && errno != EINTR)
			return -1;
	}
}

int
vg_control_call(const char *path, const char *line, struct vg_buf *out,
    int timeout_ms)
{
	struct sockaddr_un sun;
	struct vg_buf in;
	uint64_t end = vg_clock_mono_ms() + (uint64_t)timeout_ms;
	size_t len = strlen(line), off = 0, head;
	char chunk[4096], *eol;
	ssize_t n;
	int fd, rc = -1, saved;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path) ||
	    len + 1 > VG_CONTROL_MAXREQ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	vg_buf_init(&in);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    (errno != EINPROGRESS || wait_fd(fd, POLLOUT, end) == -1))
		goto out;
	while (off <= len) {
		n = off < len ? send(fd, line + off, len - off, MSG_NOSIGNAL) :
		    send(fd, "\n", 1, MSG_NOSIGNAL);
		if (n == -1 && errno == EAGAIN) {
			if (wait_fd(fd, POLLOUT, end) == -1)
				goto out;
			continue;
		}
		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	for (;;) {
		n = recv(fd, chunk, sizeof(chunk), 0);
		if (n == -1 && errno == EAGAIN) {
			if (wait_fd(fd, POLLIN, end) == -1)
				goto out;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto out;
		if (n == 0)
			break;
		vg_buf_add(&in, chunk, (size_t)n);
		if (in.oom) {
			errno = ENOMEM;
			goto out;
		}
	}
	if (in.len == 0 || (eol = memchr(in.data, '\n', in.len)) == NULL) {
		errno = EPROTO;
		goto out;
	}
	head = (size_t)(eol - in.data) + 1;
	if (head == 3 && memcmp(in.data, "ok\n", 3) == 0) {
		rc = 0;
		vg_buf_add(out, in.data + head, in.len - head);
	} else if (head > 7 && memcmp(in.data, "error: ", 7) == 0) {
		rc = 1;
		vg_buf_add(out, in.data + 7, in.len - 7);
	} else
		errno = EPROTO;
out:
	saved = errno;
	vg_buf_free(&in);
	close(fd);
	errno = saved;
	return rc;
}
