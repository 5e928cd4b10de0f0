/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote.c (output): "remote://HOST:PORT", "remote+tls://HOST:PORT": what
 * audisp-remote does, as an output with the queue, overflow and spool of
 * the others (qout.h): each record of an event goes as one message of
 * audisp-remote's protocol (remote_proto.h) to an auditd or vigild
 * listener, and the event is sent once every record of it has been
 * acknowledged. The worker thread owns the connection: it sends a window
 * of events, reads the acks, and after a failure, a timeout or the
 * server's ENDING reconnects with backoff and sends again what was not
 * acknowledged, in order (an event the server took but could not ack
 * may come twice; none is lost). docs/fleet.md, docs/outputs.md.
 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/opt.h"
#include "vigil/parse_num.h"
#include "vigil/qout.h"
#include "vigil/ratelimit.h"
#include "vigil/remote_proto.h"
#include "vigil/tls.h"

#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	30000
#define CONNECT_MS	5000
#define DEF_WINDOW	64
#define DEF_ACK_S	10
#define SLICE_MS	250	/* poll slice: a stop is seen this soon */

struct rout {
	struct vg_qout		 qo;
	char			*host, *port;
	char			 node[256];	/* "" = none added */
	struct vg_tls		*tls;
	int			 fd;
	SSL			*ssl;
	int			 backoff;
	int			 down_logged;
	unsigned		 window, ack_s, heartbeat_s;
	uint32_t		 seq;
	struct vg_buf		 out;		/* a window's messages */
	uint64_t		 truncated, endings, reconnects;
	uint64_t		 logged_ms;	/* rate limit of failures */
};

/* ---- connection ---- */

static void
disconnect(struct rout *r)
{
	if (r->ssl != NULL) {
		(void)SSL_shutdown(r->ssl);
		SSL_free(r->ssl);
		r->ssl = NULL;
	}
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
}

/* Waits for ev on the socket, up to ms; -1 ECANCELED when stopped,
 * ETIMEDOUT at the deadline. */
static int
wait_io(struct rout *r, short ev, uint64_t deadline)
{
	struct pollfd p;
	uint64_t now;
	int n, ms;

	p.fd = r->fd;
	p.events = ev;
	for (;;) {
		if (vg_qout_stopped(&r->qo)) {
			errno = ECANCELED;
			return -1;
		}
		now = vg_clock_mono_ms();
		if (now >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		ms = deadline - now > SLICE_MS ? SLICE_MS :
		    (int)(deadline - now);
		n = poll(&p, 1, ms);
		if (n == -1 && errno != EINTR)
			return -1;
		if (n > 0)
			return 0;
	}
}

/* SSL_ERROR_WANT_*: waits accordingly. 0 to retry, -1 failed. */
static int
ssl_wait(struct rout *r, int ret, uint64_t deadline)
{
	int e = SSL_get_error(r->ssl, ret);

	if (e == SSL_ERROR_WANT_READ)
		return wait_io(r, POLLIN, deadline);
	if (e == SSL_ERROR_WANT_WRITE)
		return wait_io(r, POLLOUT, deadline);
	errno = ECONNRESET;
	return -1;
}

static int
write_all(struct rout *r, const char *p, size_t len, uint64_t deadline)
{
	ssize_t n;
	int k;

	while (len > 0) {
		if (r->ssl != NULL) {
			ERR_clear_error();
			k = SSL_write(r->ssl, p, (int)(len > 1 << 30 ? 1 << 30 :
			    len));
			if (k <= 0) {
				if (ssl_wait(r, k, deadline) == -1)
					return -1;
				continue;
			}
			n = k;
		} else {
			n = send(r->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK)) {
				if (wait_io(r, POLLOUT, deadline) == -1)
					return -1;
				continue;
			}
			if (n <= 0)
				return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_full(struct rout *r, unsigned char *p, size_t len, uint64_t deadline)
{
	ssize_t n;
	int k;

	while (len > 0) {
		if (r->ssl != NULL) {
			ERR_clear_error();
			k = SSL_read(r->ssl, p, (int)len);
			if (k <= 0) {
				if (SSL_get_error(r->ssl, k) ==
				    SSL_ERROR_ZERO_RETURN) {
					errno = ECONNRESET;
					return -1;
				}
				if (ssl_wait(r, k, deadline) == -1)
					return -1;
				continue;
			}
			n = k;
		} else {
			n = recv(r->fd, p, len, MSG_DONTWAIT);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK)) {
				if (wait_io(r, POLLIN, deadline) == -1)
					return -1;
				continue;
			}
			if (n == 0)
				errno = ECONNRESET;
			if (n <= 0)
				return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
connect_tcp(struct rout *r)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, err = 0, e, one = 1;
	socklen_t elen = sizeof(err);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(r->host, r->port, &hints, &res)) != 0) {
		errno = e == EAI_SYSTEM ? errno : EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		r->fd = fd;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = 0;
		if (errno == EINPROGRESS && wait_io(r, POLLOUT,
		    vg_clock_mono_ms() + CONNECT_MS) == 0 &&
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 &&
		    err == 0)
			break;
		e = err ? err : errno;
		close(fd);
		r->fd = fd = -1;
		errno = e;
	}
	e = errno;
	freeaddrinfo(res);
	errno = e;
	if (fd == -1)
		return -1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return 0;
}

static int
connect_once(struct rout *r)
{
	uint64_t deadline;
	char err[256];
	int k;

	if (connect_tcp(r) == -1)
		return -1;
	if (r->tls == NULL)
		return 0;
	if ((r->ssl = vg_tls_ssl(r->tls, r->fd)) == NULL) {
		disconnect(r);
		errno = ENOMEM;
		return -1;
	}
	deadline = vg_clock_mono_ms() + CONNECT_MS;
	for (;;) {
		ERR_clear_error();
		if ((k = SSL_connect(r->ssl)) == 1)
			return 0;
		if (SSL_get_error(r->ssl, k) != SSL_ERROR_WANT_READ &&
		    SSL_get_error(r->ssl, k) != SSL_ERROR_WANT_WRITE) {
			if (!r->down_logged)
				vg_log_warnx("output %s: TLS: %s",
				    r->qo.o->spec, vg_tls_error(err,
				    sizeof(err)));
			break;
		}
		if (ssl_wait(r, k, deadline) == -1)
			break;
	}
	disconnect(r);
	errno = EPROTO;
	return -1;
}

/* Connects, with backoff between tries. -1 only when stopped. */
static int
ensure_connected(struct rout *r)
{
	while (r->fd == -1) {
		if (connect_once(r) == 0)
			break;
		if (errno == ECANCELED || vg_qout_stopped(&r->qo))
			return -1;
		if (!r->down_logged) {
			vg_log_warn("output %s: cannot connect, retrying in "
			    "the background", r->qo.o->spec);
			r->down_logged = 1;
		}
		if (vg_qout_sleep(&r->qo, r->backoff) == -1)
			return -1;
		r->backoff = r->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
		    r->backoff * 2;
	}
	if (r->down_logged)
		vg_log_info("output %s: connected", r->qo.o->spec);
	r->down_logged = 0;
	return 0;
}

/* After a failed window: wait the backoff before connecting again (a
 * server that takes connections but refuses what is sent must not be
 * hammered). The backoff is reset once a window is acknowledged. */
static void
back_off(struct rout *r)
{
	disconnect(r);
	(void)vg_qout_sleep(&r->qo, r->backoff);
	r->backoff = r->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
	    r->backoff * 2;
}

/* ---- the window ---- */

static void
frame(struct rout *r, uint32_t type, const char *text, size_t len)
{
	unsigned char h[VG_RMW_HDR];

	if (len > VG_RMW_MAX_MSG) {
		len = VG_RMW_MAX_MSG;
		if (vg_rl_count(++r->truncated, 1))
			vg_log_warnx("output %s: record longer than %d bytes "
			    "cut (%llu so far)", r->qo.o->spec, VG_RMW_MAX_MSG,
			    (unsigned long long)r->truncated);
	}
	vg_rmw_pack(h, type, (uint16_t)len, ++r->seq);
	vg_buf_add(&r->out, h, sizeof(h));
	vg_buf_add(&r->out, text, len);
}

/* Frames every line of v[i] into r->out; returns the message count. */
static size_t
frame_event(struct rout *r, const struct vg_qmsg *m)
{
	const char *p = m->data, *end = m->data + m->len, *nl;
	size_t n = 0;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		else
			nl++;		/* the '\n' goes too, as from auditd */
		if (nl - p > 1 || *p != '\n') {
			frame(r, VG_RMW_MESSAGE, p, (size_t)(nl - p));
			n++;
		}
		p = nl;
	}
	return n;
}

/*
 * Reads replies until `want` messages starting at sequence first are
 * acknowledged. Returns how many were; sets *ending on the server's
 * ENDING. A reply out of sequence or of another kind ends the window.
 */
static size_t
read_acks(struct rout *r, uint32_t first, size_t want, int *ending)
{
	unsigned char h[VG_RMW_HDR], skip[256];
	struct vg_rmw_hdr u;
	size_t got = 0, n;

	*ending = 0;
	while (got < want) {
		if (read_full(r, h, sizeof(h),
		    vg_clock_mono_ms() + (uint64_t)r->ack_s * 1000) == -1)
			break;
		if (vg_rmw_unpack(h, &u) == -1 || u.len > VG_RMW_MAX_MSG) {
			errno = EPROTO;
			break;
		}
		while (u.len > 0) {	/* a text with the reply: skipped */
			n = u.len < sizeof(skip) ? u.len : sizeof(skip);
			if (read_full(r, skip, n, vg_clock_mono_ms() +
			    (uint64_t)r->ack_s * 1000) == -1)
				return got;
			u.len = (uint16_t)(u.len - n);
		}
		if (u.type == VG_RMW_ENDING) {
			*ending = 1;
			break;
		}
		if (u.type != VG_RMW_ACK || u.seq != first + (uint32_t)got) {
			/* DISK* warnings and errors: the server cannot log;
			 * what it did not ack is sent again later */
			vg_log_warnx("output %s: server replied type %#x to "
			    "message %u", r->qo.o->spec, u.type, u.seq);
			errno = EPROTO;
			break;
		}
		got++;
	}
	return got;
}

/*
 * Sends v[0..n) and waits for the acks. Events whose every record was
 * acknowledged are sent; the rest go back to the queue in order. 0, or
 * -1 when the connection is to be dropped.
 */
static int
send_window(struct rout *r, struct vg_qmsg **v, size_t n)
{
	size_t counts[DEF_WINDOW * 4], i, total = 0, acked, done = 0;
	uint32_t first = r->seq + 1;
	int ending = 0, e;

	vg_buf_reset(&r->out);
	for (i = 0; i < n; i++) {
		counts[i] = frame_event(r, v[i]);
		total += counts[i];
	}
	if (r->out.oom) {
		vg_queue_done_n(r->qo.q, v, n, VG_Q_RETRY);
		errno = ENOMEM;
		return -1;
	}
	acked = 0;
	if (write_all(r, r->out.data, r->out.len, vg_clock_mono_ms() +
	    (uint64_t)r->ack_s * 1000) == 0)
		acked = read_acks(r, first, total, &ending);
	/* whole events acknowledged: sent; the rest again, in order */
	for (i = 0; i < n && acked >= counts[i]; i++) {
		acked -= counts[i];
		done++;
	}
	if (done > 0)
		vg_queue_done_n(r->qo.q, v, done, VG_Q_SENT);
	if (done == n) {
		r->backoff = BACKOFF_MIN_MS;
		return 0;
	}
	e = errno;
	vg_queue_done_n(r->qo.q, v + done, n - done, VG_Q_RETRY);
	r->reconnects++;
	if (ending)
		r->endings++;
	if (e == ECANCELED || !vg_rl_due(&r->logged_ms, vg_clock_mono_ms(),
	    10000))
		return -1;
	if (ending)
		vg_log_warnx("output %s: the server is ending; reconnecting",
		    r->qo.o->spec);
	else
		vg_log_warnx("output %s: connection lost (%s), %zu events to "
		    "send again (%llu reconnects so far)", r->qo.o->spec,
		    strerror(e), n - done, (unsigned long long)r->reconnects);
	return -1;
}

/* Idle: a heartbeat when due; an ENDING or a close is noticed. */
static int
idle_check(struct rout *r, uint64_t *last)
{
	struct pollfd p = { r->fd, POLLIN, 0 };
	int ending;

	if (r->heartbeat_s && vg_clock_mono_ms() - *last >=
	    (uint64_t)r->heartbeat_s * 1000) {
		*last = vg_clock_mono_ms();
		vg_buf_reset(&r->out);
		frame(r, VG_RMW_HEARTBEAT, NULL, 0);
		if (write_all(r, r->out.data, r->out.len, *last +
		    (uint64_t)r->ack_s * 1000) == -1 ||
		    read_acks(r, r->seq, 1, &ending) != 1)
			return -1;
		return 0;
	}
	if ((r->ssl != NULL && SSL_pending(r->ssl) > 0) ||
	    poll(&p, 1, 0) == 1) {
		/* nothing is owed to us: an ENDING, or the server went */
		(void)read_acks(r, 0, 1, &ending);
		if (ending)
			vg_log_warnx("output %s: the server is ending; "
			    "reconnecting", r->qo.o->spec);
		return -1;
	}
	return 0;
}

static void *
worker(void *arg)
{
	struct rout *r = arg;
	struct vg_qmsg *v[DEF_WINDOW * 4];
	uint64_t last = vg_clock_mono_ms();
	int n;

	for (;;) {
		if (ensure_connected(r) == -1)
			break;
		if ((n = vg_queue_take_n(r->qo.q, v, r->window, 1000)) == -1)
			break;
		if (n == 0) {
			if (idle_check(r, &last) == -1)
				disconnect(r);
			continue;
		}
		last = vg_clock_mono_ms();
		if (send_window(r, v, (size_t)n) == -1)
			back_off(r);
	}
	disconnect(r);
	return NULL;
}

/* ---- options ---- */

static int
uint_opt(struct vg_output *o, const char *key, uint64_t min, uint64_t max,
    unsigned *out)
{
	const char *s = vg_output_opt(o, key);
	uint64_t v;

	if (s == NULL)
		return 0;
	if (vg_parse_size(s, &v) == -1 || v < min || v > max) {
		vg_log_warnx("output \"%s\": %s=%s: expected %llu..%llu",
		    o->spec, key, s, (unsigned long long)min,
		    (unsigned long long)max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int
r_options(struct vg_output *o, struct rout *r, int tls)
{
	struct vg_tls_opts t;
	const char *s;
	char msg[512];

	r->window = DEF_WINDOW;
	r->ack_s = DEF_ACK_S;
	if (uint_opt(o, "window", 1, DEF_WINDOW * 4, &r->window) == -1 ||
	    uint_opt(o, "ack_timeout", 1, 3600, &r->ack_s) == -1 ||
	    uint_opt(o, "heartbeat", 0, 86400, &r->heartbeat_s) == -1)
		return -1;
	if ((s = vg_output_opt(o, "node")) == NULL) {
		if (gethostname(r->node, sizeof(r->node)) == -1)
			r->node[0] = '\0';
		r->node[sizeof(r->node) - 1] = '\0';
	} else if (strcmp(s, "none") != 0) {
		if (strlen(s) >= sizeof(r->node) || strpbrk(s, " \t\n=") !=
		    NULL || *s == '\0') {
			vg_log_warnx("output \"%s\": node=%s: one word, no "
			    "spaces", o->spec, s);
			return -1;
		}
		memcpy(r->node, s, strlen(s) + 1);
	}
	if (!tls)
		return 0;
	memset(&t, 0, sizeof(t));
	t.cert = vg_output_opt(o, "cert");
	t.key = vg_output_opt(o, "key");
	t.ca = vg_output_opt(o, "ca");
	t.name = vg_output_opt(o, "name");
	t.psk = vg_output_opt(o, "psk");
	t.psk_identity = vg_output_opt(o, "psk_identity");
	if (t.name == NULL)
		t.name = r->host;
	t.verify = 1;
	if ((s = vg_output_opt(o, "verify")) != NULL) {
		if (strcmp(s, "no") == 0)
			t.verify = 0;
		else if (strcmp(s, "yes") != 0) {
			vg_log_warnx("output \"%s\": verify=%s: yes or no",
			    o->spec, s);
			return -1;
		}
	}
	if ((r->tls = vg_tls_new(&t, 0, msg, sizeof(msg))) == NULL) {
		vg_log_warnx("output \"%s\": %s", o->spec, msg);
		return -1;
	}
	return 0;
}

static void
r_free(struct rout *r)
{
	free(r->host);
	free(r->port);
	vg_tls_free(r->tls);
	vg_buf_free(&r->out);
	free(r);
}

static int
r_open(struct vg_output *o, const char *arg, int tls)
{
	struct rout *r;
	const char *fmt;
	int e;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->fd = -1;
	r->backoff = BACKOFF_MIN_MS;
	vg_buf_init(&r->out);
	if (vg_qout_hostport(arg, &r->host, &r->port) == -1) {
		vg_log_warnx("output \"%s\": expected %s://HOST:PORT with PORT "
		    "1..65535", o->spec, o->ops->name);
		goto bad;
	}
	if ((fmt = vg_output_opt(o, "format")) != NULL &&
	    strcmp(fmt, "json") == 0) {
		vg_log_warnx("output \"%s\": format=json: the protocol carries "
		    "record lines (raw or enriched)", o->spec);
		goto bad;
	}
	if (r_options(o, r, tls) == -1)
		goto bad;
	if (vg_qout_open(&r->qo, o) == -1)
		goto fail;
	if (fmt == NULL)
		r->qo.fmt = VG_QFMT_RAW;
	o->priv = r;
	vg_qout_start(&r->qo, worker, r);
	return 0;
bad:
	errno = EINVAL;
fail:
	e = errno;
	r_free(r);
	errno = e;
	return -1;
}

static int
remote_open(struct vg_output *o, const char *arg)
{
	return r_open(o, arg, 0);
}

static int
remote_tls_open(struct vg_output *o, const char *arg)
{
	return r_open(o, arg, 1);
}

static int
remote_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct rout *r = o->priv;
	struct vg_event named;

	/* the receiver groups by node: ours, unless the event has one */
	named = *ev;
	if (named.node.len == 0 && r->node[0] != '\0')
		named.node = vg_str_make(r->node, strlen(r->node));
	if (vg_qout_format(&r->qo, &named, doc) == -1)
		return -1;
	return vg_qout_push(&r->qo, r->qo.buf.data, r->qo.buf.len);
}

static int
remote_flush(struct vg_output *o)
{
	vg_qout_sync(&((struct rout *)o->priv)->qo);
	return 0;
}

static int
remote_reopen(struct vg_output *o)
{
	struct rout *r = o->priv;
	char msg[512];

	if (r->tls == NULL)
		return 0;
	if (vg_tls_reload(r->tls, msg, sizeof(msg)) == -1) {
		vg_log_warnx("output %s: %s not reloaded, old ones kept: %s",
		    o->spec, VG_TLS_FILES(r->tls), msg);
		return -1;
	}
	vg_log_info("output %s: %s reloaded", o->spec, VG_TLS_FILES(r->tls));
	return 0;
}

static void
remote_close(struct vg_output *o)
{
	struct rout *r = o->priv;

	if (r == NULL)
		return;
	vg_qout_close(&r->qo);
	disconnect(r);
	if (r->endings || r->reconnects || r->truncated)
		vg_log_info("output %s: reconnects=%llu endings=%llu "
		    "truncated=%llu", o->spec,
		    (unsigned long long)r->reconnects,
		    (unsigned long long)r->endings,
		    (unsigned long long)r->truncated);
	r_free(r);
	o->priv = NULL;
}

static const char *const yes_no[] = { "yes", "no", NULL };

/* Each value checked alone (opt.h); the TLS files are read at open. */
static const struct vg_opt remote_opts[] = {
	{ .name = "window", .type = VG_OPT_UINT, .min = 1,
	  .max = DEF_WINDOW * 4, .help = "messages sent before an ack" },
	{ .name = "ack_timeout", .type = VG_OPT_UINT, .min = 1, .max = 3600,
	  .help = "seconds to wait for an ack before reconnecting" },
	{ .name = "heartbeat", .type = VG_OPT_UINT, .max = 86400,
	  .help = "seconds of quiet before a heartbeat; 0 none" },
	{ .name = "node", .type = VG_OPT_STR,
	  .help = "node name sent with events that have none (default the "
	  "host name; none: no name)" },
	{ .name = NULL },
};

static const struct vg_opt remote_tls_opts[] = {
	{ .name = "cert", .type = VG_OPT_STR, .help = "client certificate" },
	{ .name = "key", .type = VG_OPT_STR, .help = "its private key" },
	{ .name = "ca", .type = VG_OPT_STR,
	  .help = "CA file the server is checked against" },
	{ .name = "name", .type = VG_OPT_STR,
	  .help = "name the server certificate must have (default HOST)" },
	{ .name = "verify", .type = VG_OPT_ENUM, .choices = yes_no,
	  .help = "check the server certificate (default yes)" },
	{ .name = "psk", .type = VG_OPT_STR,
	  .help = "pre-shared key file as auditd's tls_psk_file: TLS 1.3 "
	  "PSK instead of certificates" },
	{ .name = "psk_identity", .type = VG_OPT_STR,
	  .help = "PSK identity sent (auditd's tls_psk_identity)" },
	{ .name = NULL },
};

#define REMOTE_OPS(n, openf, tabs) {		\
	.name = n,				\
	.wants = 0,				\
	.self_counts = 1,			\
	.open = openf,				\
	.opts = tabs,				\
	.write = remote_write,			\
	.flush = remote_flush,			\
	.reopen = remote_reopen,		\
	.close = remote_close,			\
}

const struct vg_output_ops vg_output_remote = REMOTE_OPS("remote",
    remote_open, ((const struct vg_opt *const[]){ remote_opts,
    vg_qout_opts, NULL }));
const struct vg_output_ops vg_output_remote_tls = REMOTE_OPS("remote+tls",
    remote_tls_open, ((const struct vg_opt *const[]){ remote_opts,
    remote_tls_opts, vg_qout_opts, NULL }));
