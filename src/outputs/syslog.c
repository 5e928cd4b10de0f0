/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syslog.c (output): one event per syslog message.
 *	syslog[:]			local socket (/dev/log, socket=PATH),
 *					traditional format as syslog(3) sends
 *	syslog+udp://HOST:PORT		RFC 5424 datagrams
 *	syslog+tcp://HOST:PORT		RFC 5424, RFC 6587 octet counting,
 *					reconnect with backoff
 * The worker thread owns the socket; the pipeline thread formats the
 * whole message (event time, not send time) and queues it. A message
 * longer than max_size is truncated with a marker (docs/outputs.md).
 * The worker takes what is queued in batches: one sendmmsg(2) of up to
 * BATCH datagrams, or one sendmsg(2) of the stream frames (TCP), at most
 * rate= messages a second (paced in the worker, never in the pipeline).
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/parse_num.h"
#include "vigil/qout.h"
#include "vigil/ratelimit.h"
#include "vigil/syslogfmt.h"

#define BACKOFF_MIN_MS	100
#define BACKOFF_MAX_MS	30000
#define CONNECT_MS	5000
#define DEF_MAX_SIZE	8192
#define BATCH		64	/* messages per send system call */
#define NS		1000000000ull
/* A replay over UDP sent as fast as the log reads: a local rsyslog got
 * 246 of 6000. Paced by default there: a local rsyslog under load (2
 * busy cores) took every one of 20000 at 5000/s and 10000/s and lost 51
 * at 20000/s (tests/integration/test_out_syslog.py). Live, events come
 * at the kernel's pace: no default. */
#define DEF_UDP_REPLAY_RATE	5000

enum sl_kind { SL_LOCAL, SL_UDP, SL_TCP };

struct slout {
	struct vg_qout		 qo;
	enum sl_kind		 kind;
	struct vg_syslog_fmt	 f;
	struct vg_syslog_cache	 cache;		/* pipeline thread's */
	char			 ident[49];
	char			 host_name[256];	/* ours, for HOSTNAME */
	char			*host;		/* remote */
	char			*port;
	char			*sock;		/* local socket path */
	struct vg_buf		 msg;		/* formatted (pipeline) */
	int			 fd;
	int			 backoff;
	int			 down_logged;
	uint64_t		 truncated;
	uint64_t		 rate;		/* messages/s, 0: unpaced */
	uint64_t		 cost;		/* ns per message (NS / rate) */
	uint64_t		 tau;		/* burst allowance, ns */
	uint64_t		 tat;		/* next one due at, ns */
};

static const char *const facilities[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7",
};
static const char *const severities[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};
static const char *const months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
	"Nov", "Dec",
};

int
vg_syslog_facility(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(s, facilities[i]) == 0)
			return (int)i;
	return -1;
}

int
vg_syslog_severity(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(severities) / sizeof(severities[0]); i++)
		if (strcmp(s, severities[i]) == 0)
			return (int)i;
	if (strcmp(s, "warn") == 0)
		return 4;
	if (strcmp(s, "error") == 0)
		return 3;
	return -1;
}

/*
 * The header for second sec into hdr (size 512: ident and host names are
 * bounded). RFC 5424 gets ".000" for the milliseconds; *msec_at says
 * where the digits are. Returns the length.
 */
static size_t
build_hdr(const struct vg_syslog_fmt *f, uint64_t sec, char *hdr,
    size_t size, size_t *msec_at)
{
	struct tm tm;
	time_t t = (time_t)sec;
	int h;

	*msec_at = 0;
	if (f->rfc3164) {
		localtime_r(&t, &tm);
		h = snprintf(hdr, size, "<%d>%s %2d %02d:%02d:%02d "
		    "%s[%d]: ", f->facility * 8 + f->severity,
		    months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, f->ident, f->pid);
	} else {
		gmtime_r(&t, &tm);
		h = snprintf(hdr, size, "<%d>1 %04d-%02d-%02dT%02d:%02d:"
		    "%02d.000Z %s %s %d audit - ", f->facility * 8 +
		    f->severity, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec, f->hostname, f->ident,
		    f->pid);
		/* "<P>1 " then 19 date characters and the '.' */
		if (h > 0 && (size_t)h < size)
			*msec_at = (size_t)(strchr(hdr, '.') - hdr) + 1;
	}
	if (h < 0 || (size_t)h >= size)
		h = (int)size - 1;	/* ident/host are bounded */
	return (size_t)h;
}

/* Decimal digits of v at the end of a 24-byte buf; returns the start. */
static char *
utoa(uint64_t v, char *end)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	return end;
}

int
vg_syslog_format(struct vg_buf *out, const struct vg_syslog_fmt *f,
    uint64_t sec, unsigned msec, const char *msg, size_t len)
{
	struct vg_syslog_cache own, *c = f->cache ? f->cache : &own;
	char pfx[24], *p;
	size_t h, keep, mlen = sizeof(VG_SYSLOG_TRUNC) - 1;
	int trunc = 0;

	if (len > 0 && msg[len - 1] == '\n')
		len--;
	if (c == &own || !c->valid || c->sec != sec || c->pid != f->pid) {
		c->len = build_hdr(f, sec, c->hdr, sizeof(c->hdr),
		    &c->msec_at);
		c->sec = sec;
		c->pid = f->pid;
		c->valid = 1;
	}
	h = c->len;
	if (c->msec_at) {
		msec %= 1000;
		c->hdr[c->msec_at] = (char)('0' + msec / 100);
		c->hdr[c->msec_at + 1] = (char)('0' + msec / 10 % 10);
		c->hdr[c->msec_at + 2] = (char)('0' + msec % 10);
	}
	keep = len;
	if (h + len > f->max_size) {
		trunc = 1;
		keep = f->max_size > h + mlen ? f->max_size - h - mlen : 0;
		/* do not cut a UTF-8 sequence: back up to its lead byte */
		while (keep > 0 && ((unsigned char)msg[keep] & 0xc0) == 0x80)
			keep--;
	}
	if (f->octet) {
		pfx[sizeof(pfx) - 1] = ' ';
		p = utoa(h + keep + (trunc ? mlen : 0), pfx + sizeof(pfx) - 1);
		vg_buf_add(out, p, (size_t)(pfx + sizeof(pfx) - p));
	}
	vg_buf_add(out, c->hdr, h);
	vg_buf_add(out, msg, keep);
	if (trunc)
		vg_buf_add(out, VG_SYSLOG_TRUNC, mlen);
	if (out->oom) {
		errno = ENOMEM;
		return -1;
	}
	return trunc;
}

static void
sl_close_fd(struct slout *s)
{
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
}

static int
wait_fd(struct slout *s, int fd, short ev, int ms)
{
	struct pollfd p[2];
	int r;

	p[0].fd = fd;
	p[0].events = ev;
	p[1].fd = vg_queue_fd(s->qo.q);
	p[1].events = POLLIN;
	for (;;) {
		r = poll(p, 2, ms);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			return -1;
		if (vg_qout_stopped(&s->qo)) {
			errno = ECANCELED;
			return -1;
		}
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (p[0].revents)
			return 0;
		/* a push woke us: drain and go on waiting */
		if (p[1].revents & POLLIN) {
			uint64_t junk;

			(void)read(p[1].fd, &junk, sizeof(junk));
		}
	}
}

static int
connect_net(struct slout *s)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, err = 0, e;
	socklen_t elen = sizeof(err);

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = s->kind == SL_TCP ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(s->host, s->port, &hints, &res)) != 0) {
		errno = e == EAI_SYSTEM ? errno : EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS && wait_fd(s, fd, POLLOUT,
		    CONNECT_MS) == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR,
		    &err, &elen) == 0 && err == 0)
			break;
		if (err)
			errno = err;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	e = errno;
	freeaddrinfo(res);
	errno = e;
	return fd;
}

static int
connect_local(struct slout *s)
{
	struct sockaddr_un sun;
	int fd, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, s->sock, strlen(s->sock));	/* checked */
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Connects, with backoff between tries. -1 only when stopped. */
static int
sl_connect(struct slout *s)
{
	while (s->fd == -1) {
		s->fd = s->kind == SL_LOCAL ? connect_local(s) :
		    connect_net(s);
		if (s->fd != -1)
			break;
		if (errno == ECANCELED)
			return -1;
		if (!s->down_logged) {
			vg_log_warn("output %s: cannot connect, retrying in "
			    "the background", s->qo.o->spec);
			s->down_logged = 1;
		}
		if (vg_qout_sleep(&s->qo, s->backoff) == -1)
			return -1;
		s->backoff = s->backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS :
		    s->backoff * 2;
	}
	if (s->down_logged)
		vg_log_info("output %s: connected", s->qo.o->spec);
	s->down_logged = 0;
	s->backoff = BACKOFF_MIN_MS;
	return 0;
}

/* TCP: has the peer closed (or reset) since the last send? */
static int
peer_closed(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	char c;
	ssize_t n;

	if (poll(&p, 1, 0) != 1)
		return 0;
	n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
	return n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR);
}

/* Waits until the socket takes more. -1 (ECANCELED) when stopped. */
static int
wait_writable(struct slout *s)
{
	if (wait_fd(s, s->fd, POLLOUT, 60000) == -1 && errno == ECANCELED)
		return -1;
	return 0;
}

/*
 * The connection failed (errno): v[0..n) go back to the queue in order
 * and are sent again after a reconnect. Returns -1 if stopped, else 0.
 */
static int
send_failed(struct slout *s, struct vg_qmsg **v, size_t n)
{
	int stopped = errno == ECANCELED;

	if (!stopped)
		vg_log_warn("output %s: send", s->qo.o->spec);
	vg_queue_done_n(s->qo.q, v, n, VG_Q_RETRY);
	sl_close_fd(s);
	return stopped ? -1 : 0;
}

/*
 * Datagrams (UDP, local): v[0..n) with sendmmsg, as many per call as the
 * socket takes. A message too large for a datagram is counted failed.
 * Returns -1 if stopped, else 0 (on a bad socket, what is left is given
 * back and the socket closed).
 */
static int
send_dgrams(struct slout *s, struct vg_qmsg **v, size_t n)
{
	struct mmsghdr mh[BATCH];
	struct iovec iov[BATCH];
	size_t i = 0, k, cnt;
	int r, tries = 0;

	while (i < n) {
		cnt = n - i < BATCH ? n - i : BATCH;
		memset(mh, 0, cnt * sizeof(mh[0]));
		for (k = 0; k < cnt; k++) {
			iov[k].iov_base = v[i + k]->data;
			iov[k].iov_len = v[i + k]->len;
			mh[k].msg_hdr.msg_iov = &iov[k];
			mh[k].msg_hdr.msg_iovlen = 1;
		}
		r = sendmmsg(s->fd, mh, (unsigned)cnt, MSG_NOSIGNAL);
		if (r > 0) {
			vg_queue_done_n(s->qo.q, v + i, (size_t)r, VG_Q_SENT);
			i += (size_t)r;
			tries = 0;
			continue;
		}
		/* the error is about v[i] */
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS)) {
			if (wait_writable(s) == -1)
				return send_failed(s, v + i, n - i);
			continue;
		}
		if (r == -1 && errno == EMSGSIZE) {
			vg_log_warnx("output %s: message of %zu bytes too "
			    "large for the socket", s->qo.o->spec, v[i]->len);
			vg_queue_done(s->qo.q, v[i], VG_Q_FAILED);
			i++;
			continue;
		}
		/* UDP: the refusal of an earlier datagram; this one may go */
		if (r == -1 && errno == ECONNREFUSED && s->kind == SL_UDP &&
		    tries++ == 0)
			continue;
		if (r == 0)
			errno = EIO;
		return send_failed(s, v + i, n - i);
	}
	return 0;
}

/*
 * TCP: the frames of v[0..n) with one sendmsg per socket buffer's worth.
 * A frame is sent once all its bytes were taken by the kernel; after a
 * failure the frames not wholly written are given back (sent again
 * whole on the next connection; the peer discards the torn one).
 */
static int
send_stream(struct slout *s, struct vg_qmsg **v, size_t n)
{
	struct iovec iov[BATCH];
	struct msghdr mh;
	size_t i = 0, off = 0, k, cnt, w, done;
	ssize_t r;

	if (peer_closed(s->fd)) {
		errno = ECONNRESET;
		return send_failed(s, v, n);
	}
	while (i < n) {
		cnt = n - i < BATCH ? n - i : BATCH;
		for (k = 0; k < cnt; k++) {
			iov[k].iov_base = v[i + k]->data + (k ? 0 : off);
			iov[k].iov_len = v[i + k]->len - (k ? 0 : off);
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = cnt;
		r = sendmsg(s->fd, &mh, MSG_NOSIGNAL);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == ENOBUFS)) {
			if (wait_writable(s) == -1)
				return send_failed(s, v + i, n - i);
			continue;
		}
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return send_failed(s, v + i, n - i);
		}
		/* whole frames written: sent; off into the next one */
		w = (size_t)r;
		done = 0;
		while (w > 0 && w >= v[i + done]->len - off) {
			w -= v[i + done]->len - off;
			off = 0;
			done++;
		}
		off += w;
		if (done > 0)
			vg_queue_done_n(s->qo.q, v + i, done, VG_Q_SENT);
		i += done;
	}
	return 0;
}

/*
 * rate=: how many messages may go now (at most BATCH), as a generic cell
 * rate algorithm: each message moves tat on by cost, and messages may
 * run ahead of the clock by tau (a burst of rate/100, at most BATCH,
 * which a receiver's socket buffer takes). Sleeps in the worker until one
 * may go; the pipeline only sees the queue fill. -1 when stopped.
 */
static int
pace(struct slout *s, size_t *max)
{
	uint64_t now = vg_clock_mono_ns(), n;

	if (s->tat < now)
		s->tat = now;
	while (s->tat > now + s->tau) {
		if (vg_qout_sleep(&s->qo, (int)((s->tat - s->tau - now +
		    999999) / 1000000)) == -1)
			return -1;
		now = vg_clock_mono_ns();
	}
	n = (now + s->tau - s->tat) / s->cost + 1;
	*max = n < BATCH ? (size_t)n : BATCH;
	return 0;
}

static void *
worker(void *arg)
{
	struct slout *s = arg;
	struct vg_qmsg *v[BATCH];
	size_t max;
	int r;

	for (;;) {
		if (sl_connect(s) == -1)
			break;
		max = BATCH;
		if (s->rate && pace(s, &max) == -1)
			break;
		if ((r = vg_queue_take_n(s->qo.q, v, max, 1000)) == -1)
			break;
		if (r == 0)
			continue;
		if (s->rate)
			s->tat += (uint64_t)r * s->cost;
		if (s->kind == SL_TCP)
			r = send_stream(s, v, (size_t)r);
		else
			r = send_dgrams(s, v, (size_t)r);
		if (r == -1)
			break;
	}
	sl_close_fd(s);
	return NULL;
}

/* RFC 5424 names: printable US-ASCII, no space. */
static void
copy_name(char *dst, size_t size, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i] != '\0'; i++)
		dst[i] = (src[i] > 32 && src[i] < 127) ? src[i] : '_';
	dst[i] = '\0';
	if (i == 0 && size > 1) {
		dst[0] = '-';
		dst[1] = '\0';
	}
}

static int
check_facility(const char *v, char *msg, size_t len)
{
	if (vg_syslog_facility(v) != -1)
		return 0;
	snprintf(msg, len, "expected kern, user, daemon, auth, authpriv, "
	    "local0..local7, ...");
	return -1;
}

static int
check_severity(const char *v, char *msg, size_t len)
{
	if (vg_syslog_severity(v) != -1)
		return 0;
	snprintf(msg, len, "expected emerg, alert, crit, err, warning, "
	    "notice, info or debug");
	return -1;
}

static int
check_socket(const char *v, char *msg, size_t len)
{
	if (strlen(v) < sizeof(((struct sockaddr_un *)0)->sun_path))
		return 0;
	snprintf(msg, len, "socket path too long");
	return -1;
}

/* every syslog kind */
static const struct vg_opt sl_opts[] = {
	{ .name = "facility", .type = VG_OPT_STR, .def = "user",
	  .check = check_facility, .help = "syslog facility" },
	{ .name = "severity", .type = VG_OPT_STR, .def = "info",
	  .check = check_severity, .help = "syslog severity" },
	{ .name = "ident", .type = VG_OPT_STR, .def = "vigild",
	  .help = "APP-NAME / tag" },
	{ .name = "max_size", .type = VG_OPT_SIZE, .def = "8192",
	  .min = 256, .max = 1048576, .expect = "256..1m",
	  .help = "bytes of a message at most (longer: truncated)" },
	{ .name = "rate", .type = VG_OPT_SIZE, .max = 10000000,
	  .expect = "messages per second, 0 (no limit) to 10m",
	  .help = "messages per second at most, 0: no limit" },
	{ .name = NULL },
};

/* local syslog only */
static const struct vg_opt sl_local_opts[] = {
	{ .name = "socket", .type = VG_OPT_STR, .def = "/dev/log",
	  .check = check_socket, .help = "the syslog socket" },
	{ .name = NULL },
};

/* The options, checked by the tables. */
static int
sl_options(struct vg_output *o, struct slout *s)
{
	const char *v;
	uint64_t n;

	s->f.facility = vg_syslog_facility((v = vg_output_opt(o,
	    "facility")) != NULL ? v : "user");	/* as audisp-syslog */
	s->f.severity = vg_syslog_severity((v = vg_output_opt(o,
	    "severity")) != NULL ? v : "info");
	copy_name(s->ident, sizeof(s->ident), (v = vg_output_opt(o,
	    "ident")) != NULL ? v : "vigild");
	s->f.max_size = (size_t)vg_output_opt_num(o, "max_size");
	if (s->kind == SL_UDP && s->f.max_size > 65000)
		s->f.max_size = 65000;
	if (s->kind == SL_UDP && vg_output_run_mode() == VG_RUN_REPLAY)
		s->rate = DEF_UDP_REPLAY_RATE;
	if (vg_output_opt(o, "rate") != NULL)
		s->rate = vg_output_opt_num(o, "rate");
	if (s->rate) {
		s->cost = NS / s->rate;
		n = s->rate / 100;
		s->tau = (n < 1 ? 0 : n > BATCH ? BATCH - 1 : n - 1) * s->cost;
	}
	if (s->kind == SL_LOCAL) {
		v = vg_output_opt(o, "socket");
		if ((s->sock = strdup(v ? v : "/dev/log")) == NULL)
			return -1;
	}
	return 0;
}

static void
sl_free(struct slout *s)
{
	free(s->host);
	free(s->port);
	free(s->sock);
	vg_buf_free(&s->msg);
	free(s);
}

static int
sl_open(struct vg_output *o, const char *arg, enum sl_kind kind)
{
	struct slout *s;
	char hn[256];
	int e;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return -1;
	s->fd = -1;
	s->kind = kind;
	s->backoff = BACKOFF_MIN_MS;
	vg_buf_init(&s->msg);
	/* ARG, options and the host's name were checked (sl_check) */
	if ((kind != SL_LOCAL && vg_qout_hostport(arg, &s->host, &s->port) == -1) ||
	    sl_options(o, s) == -1)
		goto fail;
	if (gethostname(hn, sizeof(hn)) == -1)
		hn[0] = '\0';
	hn[sizeof(hn) - 1] = '\0';
	copy_name(s->host_name, sizeof(s->host_name), hn);
	s->f.ident = s->ident;
	s->f.hostname = s->host_name;
	s->f.rfc3164 = kind == SL_LOCAL;
	s->f.octet = kind == SL_TCP;
	s->f.cache = &s->cache;
	if (vg_qout_open(&s->qo, o) == -1)
		goto fail;
	o->priv = s;
	vg_qout_start(&s->qo, worker, s);
	return 0;
fail:
	e = errno;
	sl_free(s);
	errno = e;
	return -1;
}

/* ARG, and that a network output's host resolves: a name that does not
 * is a config error; a host that does not answer is retried later. */
static int
sl_check(const struct vg_output_conf *c, char *msg, size_t len)
{
	enum sl_kind kind = c->ops->name[6] == '\0' ? SL_LOCAL :
	    c->ops->name[7] == 't' ? SL_TCP : SL_UDP;
	struct addrinfo hints, *res;
	struct slout *s;
	int e, rc = -1;

	if (kind == SL_LOCAL) {
		if (*c->arg == '\0')
			return vg_qout_check(c, msg, len);
		snprintf(msg, len, "output \"%s\": local syslog takes no "
		    "argument (socket=PATH sets the socket)", c->spec);
		return -1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	vg_buf_init(&s->msg);
	if (vg_qout_hostport(c->arg, &s->host, &s->port) == -1) {
		snprintf(msg, len, "output \"%s\": expected %s://HOST:PORT "
		    "with PORT 1..65535", c->spec, c->ops->name);
		goto out;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = kind == SL_TCP ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(s->host, s->port, &hints, &res)) != 0) {
		snprintf(msg, len, "output \"%s\": host %s: %s", c->spec,
		    s->host, gai_strerror(e));
		goto out;
	}
	freeaddrinfo(res);
	rc = vg_qout_check(c, msg, len);
out:
	sl_free(s);
	return rc;
}

static int
syslog_open(struct vg_output *o, const char *arg)
{
	return sl_open(o, arg, SL_LOCAL);
}

static int
syslog_udp_open(struct vg_output *o, const char *arg)
{
	return sl_open(o, arg, SL_UDP);
}

static int
syslog_tcp_open(struct vg_output *o, const char *arg)
{
	return sl_open(o, arg, SL_TCP);
}

static int
syslog_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct slout *s = o->priv;
	int r;

	if (s->f.pid == 0)	/* at the first event: after daemon(3) */
		s->f.pid = (int)getpid();
	if (vg_qout_format(&s->qo, ev, doc) == -1)
		return -1;
	vg_buf_reset(&s->msg);
	r = vg_syslog_format(&s->msg, &s->f, ev->sec, ev->msec,
	    s->qo.buf.data, s->qo.buf.len);
	if (r == -1) {
		s->qo.fmt_failed++;
		return -1;
	}
	if (r == 1 && vg_rl_count(++s->truncated, 1))
		vg_log_warnx("output %s: event %u longer than max_size=%zu, "
		    "truncated (%llu so far)", o->spec, ev->serial,
		    s->f.max_size, (unsigned long long)s->truncated);
	return vg_qout_push(&s->qo, s->msg.data, s->msg.len);
}

static int
syslog_flush(struct vg_output *o)
{
	struct slout *s = o->priv;

	vg_qout_sync(&s->qo);
	return 0;
}

static void
syslog_close(struct vg_output *o)
{
	struct slout *s = o->priv;

	if (s == NULL)
		return;
	vg_qout_close(&s->qo);
	sl_close_fd(s);
	sl_free(s);
	o->priv = NULL;
}

static const struct vg_opt *const sl_local_tabs[] = { sl_opts,
    sl_local_opts, vg_qout_opts, NULL };
static const struct vg_opt *const sl_net_tabs[] = { sl_opts, vg_qout_opts,
    NULL };

#define SYSLOG_OPS(n, openf, tabs) {		\
	.name = n,				\
	.wants = VG_WANT_DOC,			\
	.self_counts = 1,			\
	.open = openf,				\
	.opts = tabs,				\
	.check = sl_check,			\
	.write = syslog_write,			\
	.flush = syslog_flush,			\
	.close = syslog_close,			\
}

const struct vg_output_ops vg_output_syslog = SYSLOG_OPS("syslog",
    syslog_open, sl_local_tabs);
const struct vg_output_ops vg_output_syslog_udp = SYSLOG_OPS("syslog+udp",
    syslog_udp_open, sl_net_tabs);
const struct vg_output_ops vg_output_syslog_tcp = SYSLOG_OPS("syslog+tcp",
    syslog_tcp_open, sl_net_tabs);
