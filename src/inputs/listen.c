/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listen.c: the network input (listen.h). Accepts audisp-remote clients
 * (and vigild's remote output) over TCP or TLS on the libevent loop,
 * frames their bytes (remote_proto.c), parses each record, holds every
 * client to one node name and feeds the pipeline; a message is
 * acknowledged once the pipeline has handed it to the outputs. Bounded:
 * connections per address and in all, bytes buffered per connection in
 * and out, idle time, handshake time. A client that breaks the protocol
 * or claims a node name not its own is disconnected and counted; it
 * never blocks the loop or another client. Never touches the kernel.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <event2/event.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/buf.h"
#include "vigil/clock.h"
#include "vigil/listen.h"
#include "vigil/log.h"
#include "vigil/parse_num.h"
#include "vigil/pipeline.h"
#include "vigil/ratelimit.h"
#include "vigil/record.h"
#include "vigil/remote_proto.h"
#include "vigil/tls.h"

#define DEF_BUFFER	(64 * 1024)
#define MIN_BUFFER	(VG_RMW_HDR + VG_RMW_MAX_MSG + 1)
#define OUT_MAX		(64 * 1024)	/* acks a client does not read */
#define READ_BUDGET	(256 * 1024)	/* bytes per client per wakeup */
#define HANDSHAKE_MS	10000
#define TICK_MS		1000
#define MAX_TRUST	16
#define MAX_PINS	4096
#define PINS_PER_ADDR	8	/* names one address may claim */
#define MAX_NAMES	8
#define LOG_EVERY_MS	10000
#define NODE_MAX	255

enum cmode { M_UNKNOWN = 0, M_MANAGED, M_ASCII };

struct cidr {
	int		 family;	/* AF_INET6 (v4 as mapped) */
	unsigned char	 addr[16];
	int		 bits;
};

struct lsock;

struct conn {
	struct lsock		*ls;
	struct conn		*next, *prev;
	int			 fd;
	SSL			*ssl;
	int			 handshaking;
	struct event		*rev, *wev;
	unsigned char		 peer[16];	/* v6 or v4-mapped */
	char			 addr[INET6_ADDRSTRLEN];
	unsigned		 port;
	int			 trusted;
	enum cmode		 mode;
	unsigned char		*in;
	size_t			 inlen;
	struct vg_buf		 out;		/* acks not yet written */
	struct vg_buf		 acks;		/* sequence numbers (uint32_t)
						 * of the messages to answer
						 * once the outputs are flushed */
	char			 node[NODE_MAX + 1];	/* bound name */
	char			 names[MAX_NAMES][256];	/* TLS identity */
	int			 nnames;
	uint64_t		 start_ms, last_ms;
	uint64_t		 msgs, recs;
	int			 dead;
};

struct lsock {
	struct vg_listen	*l;
	struct lsock		*next;
	char			*spec;
	int			 fd;
	struct event		*ev;
	struct vg_tls		*tls;
	unsigned		 max_per_addr, max_clients, idle_s, queue;
	unsigned		 port_lo, port_hi;
	size_t			 buffer;
	struct cidr		 trust[MAX_TRUST];
	int			 ntrust;
	unsigned		 nconn;
	int			 paused;	/* out of descriptors: on_tick
						 * arms the accept again */
	/* counters */
	uint64_t		 accepted, refused, msgs, recs, bad_recs;
	uint64_t		 heartbeats, kicked_bad, kicked_forged;
	uint64_t		 kicked_idle, kicked_slow, tls_failed;
};

struct pin {
	char		 name[NODE_MAX + 1];
	unsigned char	 peer[16];
};

struct vg_listen {
	struct event_base	*base;
	struct vg_pipeline	*pl;
	struct lsock		*socks;
	struct conn		*conns;
	struct event		*tick, *expire;
	uint64_t		 armed;
	struct pin		*pins;
	size_t			 npins;
	char			 self[NODE_MAX + 1];	/* local events' */
	uint64_t		 logged_ms;
};

static int
log_due(struct vg_listen *l)
{
	return vg_rl_due(&l->logged_ms, vg_clock_mono_ms(), LOG_EVERY_MS);
}

/* ---- spec parsing ---- */

static int
parse_uint(const char *s, unsigned long min, unsigned long max,
    unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* addr (v4 or v6 text) as 16 bytes, v4 mapped into v6. */
static int
addr16(const char *s, unsigned char out[16])
{
	struct in_addr a4;

	if (inet_pton(AF_INET6, s, out) == 1)
		return 0;
	if (inet_pton(AF_INET, s, &a4) != 1)
		return -1;
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	memcpy(out + 12, &a4, 4);
	return 0;
}

static int
parse_cidr(const char *s, struct cidr *c)
{
	char a[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned bits;
	int v4;

	if (n == 0 || n >= sizeof(a))
		return -1;
	memcpy(a, s, n);
	a[n] = '\0';
	v4 = strchr(a, ':') == NULL;
	if (addr16(a, c->addr) == -1)
		return -1;
	if (slash == NULL)
		bits = 128;
	else if (parse_uint(slash + 1, 0, v4 ? 32 : 128, &bits) == -1)
		return -1;
	else if (v4)
		bits += 96;
	c->bits = (int)bits;
	return 0;
}

static int
cidr_match(const struct cidr *c, const unsigned char a[16])
{
	int full = c->bits / 8, rest = c->bits % 8;
	unsigned char mask;

	if (memcmp(c->addr, a, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (a[full] & mask);
}

/* "HOST:PORT" or "[V6]:PORT" into host and port (caller's buffers). */
static int
split_hostport(const char *s, size_t n, char *host, size_t hlen, char *port,
    size_t plen)
{
	const char *colon, *end = s + n, *h = s;
	size_t hl;

	if (n > 0 && *s == '[') {
		const char *rb = memchr(s, ']', n);

		if (rb == NULL || rb + 1 >= end || rb[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		colon = NULL;
		for (const char *p = s; p < end; p++)
			if (*p == ':')
				colon = p;
		if (colon == NULL)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl >= hlen || (size_t)(end - colon - 1) >= plen ||
	    end - colon - 1 == 0)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	memcpy(port, colon + 1, (size_t)(end - colon - 1));
	port[end - colon - 1] = '\0';
	return 0;
}

/* tls:// options with a text value (docs/fleet.md) */
static const char *const tls_str[] = { "cert", "key", "ca", "psk",
    "psk_identity", "allowed_clients" };
#define NTLS_STR	(sizeof(tls_str) / sizeof(tls_str[0]))

struct lopts {
	char			 host[256], port[8];
	int			 tls;
	struct vg_tls_opts	 t;
	char			*str[NTLS_STR];	/* tls_str[i]'s value */
};

static int
set_opt(struct lsock *s, struct lopts *o, const char *k, const char *v,
    char *msg, size_t msglen)
{
	uint64_t sz;
	char *list, *tok, *save;

	if (strcmp(k, "max_per_addr") == 0)
		return parse_uint(v, 1, 1024, &s->max_per_addr);
	if (strcmp(k, "max_clients") == 0)
		return parse_uint(v, 1, 65536, &s->max_clients);
	if (strcmp(k, "idle") == 0)
		return parse_uint(v, 0, 86400 * 365, &s->idle_s);
	if (strcmp(k, "queue") == 0)
		return parse_uint(v, 1, 65535, &s->queue);
	if (strcmp(k, "client_ports") == 0) {
		char lo[8];
		const char *dash = strchr(v, '-');
		size_t n = dash ? (size_t)(dash - v) : strlen(v);

		if (n == 0 || n >= sizeof(lo))
			return -1;
		memcpy(lo, v, n);
		lo[n] = '\0';
		if (parse_uint(lo, 1, 65535, &s->port_lo) == -1)
			return -1;
		s->port_hi = s->port_lo;
		if (dash != NULL &&
		    parse_uint(dash + 1, s->port_lo, 65535, &s->port_hi) == -1)
			return -1;
		return 0;
	}
	if (strcmp(k, "buffer") == 0) {
		if (vg_parse_size(v, &sz) == -1 || sz < MIN_BUFFER ||
		    sz > 16 * 1024 * 1024)
			return -1;
		s->buffer = (size_t)sz;
		return 0;
	}
	if (strcmp(k, "trust") == 0) {
		if ((list = strdup(v)) == NULL)
			return -1;
		for (tok = strtok_r(list, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (s->ntrust == MAX_TRUST ||
			    parse_cidr(tok, &s->trust[s->ntrust]) == -1) {
				free(list);
				return -1;
			}
			s->ntrust++;
		}
		free(list);
		return 0;
	}
	for (size_t i = 0; o->tls && i < NTLS_STR; i++)
		if (strcmp(k, tls_str[i]) == 0) {
			free(o->str[i]);
			return (o->str[i] = strdup(v)) == NULL ? -1 : 0;
		}
	if (o->tls && strcmp(k, "verify") == 0) {
		if (strcmp(v, "yes") == 0)
			o->t.verify = 1;
		else if (strcmp(v, "no") == 0)
			o->t.verify = 0;
		else
			return -1;
		return 0;
	}
	snprintf(msg, msglen, "unknown option \"%s\"", k);
	return -2;
}

static int
parse_spec(struct lsock *s, struct lopts *o, const char *spec, char *msg,
    size_t msglen)
{
	const char *p, *q;
	char *opts, *tok, *save, *eq;
	int r;

	if (strncmp(spec, "tcp://", 6) == 0)
		p = spec + 6;
	else if (strncmp(spec, "tls://", 6) == 0) {
		p = spec + 6;
		o->tls = 1;
	} else {
		snprintf(msg, msglen, "expected tcp://ADDR:PORT or "
		    "tls://ADDR:PORT");
		return -1;
	}
	o->t.verify = 1;
	q = strchr(p, '?');
	if (split_hostport(p, q ? (size_t)(q - p) : strlen(p), o->host,
	    sizeof(o->host), o->port, sizeof(o->port)) == -1 ||
	    parse_uint(o->port, 1, 65535, &(unsigned){ 0 }) == -1) {
		snprintf(msg, msglen, "expected ADDR:PORT with PORT 1..65535");
		return -1;
	}
	if (q == NULL)
		return 0;
	if ((opts = strdup(q + 1)) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	for (tok = strtok_r(opts, "&", &save); tok != NULL;
	    tok = strtok_r(NULL, "&", &save)) {
		if ((eq = strchr(tok, '=')) == NULL) {
			snprintf(msg, msglen, "option \"%s\": expected KEY="
			    "VALUE", tok);
			free(opts);
			return -1;
		}
		*eq = '\0';
		if ((r = set_opt(s, o, tok, eq + 1, msg, msglen)) != 0) {
			if (r == -1)
				snprintf(msg, msglen, "%s=%s: bad value", tok,
				    eq + 1);
			free(opts);
			return -1;
		}
	}
	free(opts);
	return 0;
}

/* ---- connections ---- */

static void conn_free(struct conn *);
static void on_read(evutil_socket_t, short, void *);
static void on_write(evutil_socket_t, short, void *);

static void
kick(struct conn *c, uint64_t *counter, const char *why)
{
	struct vg_listen *l = c->ls->l;

	if (counter != NULL)
		(*counter)++;
	if (why != NULL && log_due(l))
		vg_log_warnx("listen %s: client %s port %u: %s: disconnected",
		    c->ls->spec, c->addr, c->port, why);
	c->dead = 1;
}

/* Writes what c->out holds. -1: the client is gone. */
static int
flush_out(struct conn *c)
{
	ssize_t n;
	int r, e;

	while (c->out.len > 0) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			r = SSL_write(c->ssl, c->out.data, (int)c->out.len);
			if (r <= 0) {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ)
					break;
				return -1;
			}
			n = r;
		} else {
			n = send(c->fd, c->out.data, c->out.len,
			    MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1 && (errno == EAGAIN ||
			    errno == EWOULDBLOCK))
				break;
			if (n <= 0)
				return -1;
		}
		memmove(c->out.data, c->out.data + n, c->out.len - (size_t)n);
		c->out.len -= (size_t)n;
	}
	if (c->out.len > 0)
		event_add(c->wev, NULL);
	else
		event_del(c->wev);
	return 0;
}

static void
queue_reply(struct vg_buf *b, uint32_t type, uint32_t seq)
{
	unsigned char h[VG_RMW_HDR];

	vg_rmw_pack(h, type, 0, seq);
	vg_buf_add(b, h, sizeof(h));
}

/*
 * The messages read in this wakeup are answered once the outputs have
 * been flushed: ACK, or DISKERROR if an output lost events meanwhile
 * (failed writes, a suspended or full log), as auditd answers while its
 * logging is suspended, so that the sender's disk_error_action runs
 * instead of its records being taken for delivered.
 */
static void
settle_acks(struct conn *c, int lost)
{
	uint32_t seq;
	size_t off;

	for (off = 0; off + sizeof(seq) <= c->acks.len; off += sizeof(seq)) {
		memcpy(&seq, c->acks.data + off, sizeof(seq));
		queue_reply(&c->out, lost ? VG_RMW_DISKERROR : VG_RMW_ACK,
		    seq);
	}
	vg_buf_reset(&c->acks);
}

static int
is_trusted(const struct lsock *s, const unsigned char a[16])
{
	int i;

	for (i = 0; i < s->ntrust; i++)
		if (cidr_match(&s->trust[i], a))
			return 1;
	return 0;
}

/* n as an address (the name a record without node= gets) in peer form,
 * as peer_of() gives it: 1, or 0 if n is no address. */
static int
name_addr(struct vg_str n, unsigned char a[16])
{
	char buf[INET6_ADDRSTRLEN];

	if (n.len == 0 || n.len >= sizeof(buf))
		return 0;
	memcpy(buf, n.p, n.len);
	buf[n.len] = '\0';
	if (inet_pton(AF_INET, buf, a + 12) == 1) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
		return 1;
	}
	return inet_pton(AF_INET6, buf, a) == 1;
}

/* A new pin of n for c's address: not an address's name but its own, and
 * no more than PINS_PER_ADDR names per address (one address filled the
 * whole table by reconnecting, and every later node was refused). */
static int
pin_ok(const struct vg_listen *l, const struct conn *c, struct vg_str n)
{
	unsigned char a[16];
	size_t i, mine = 0;

	if (l->npins == MAX_PINS ||
	    (name_addr(n, a) && memcmp(a, c->peer, 16) != 0))
		return 0;
	for (i = 0; i < l->npins; i++)
		if (memcmp(l->pins[i].peer, c->peer, 16) == 0 &&
		    ++mine >= PINS_PER_ADDR)
			return 0;
	return 1;
}

/*
 * May c speak for node n? Trusted clients: any name. A TLS client: the
 * names of its certificate, or its PSK identity. Otherwise the first
 * name a connection uses is its own for the rest of it, and a name
 * belongs to the first address that used it for as long as vigild runs
 * (docs/fleet.md).
 */
static int
node_ok(struct conn *c, struct vg_str n)
{
	struct vg_listen *l = c->ls->l;
	struct pin *p;
	size_t i;
	int k;

	if (n.len > NODE_MAX)
		return 0;
	if (c->trusted)
		return 1;
	if (l->self[0] != '\0' && strlen(l->self) == n.len &&
	    strncasecmp(l->self, n.p, n.len) == 0)
		return 0;
	if (c->node[0] != '\0')
		return strlen(c->node) == n.len &&
		    memcmp(c->node, n.p, n.len) == 0;
	if (c->ssl != NULL) {
		for (k = 0; k < c->nnames; k++)
			if (strlen(c->names[k]) == n.len &&
			    strncasecmp(c->names[k], n.p, n.len) == 0)
				break;
		if (k == c->nnames)
			return 0;
	} else {
		for (i = 0; i < l->npins; i++) {
			p = &l->pins[i];
			if (strlen(p->name) == n.len &&
			    memcmp(p->name, n.p, n.len) == 0)
				break;
		}
		if (i < l->npins && memcmp(l->pins[i].peer, c->peer, 16) != 0)
			return 0;
		if (i == l->npins) {
			if (!pin_ok(l, c, n))
				return 0;
			p = &l->pins[l->npins++];
			memcpy(p->name, n.p, n.len);
			p->name[n.len] = '\0';
			memcpy(p->peer, c->peer, 16);
		}
	}
	memcpy(c->node, n.p, n.len);
	c->node[n.len] = '\0';
	return 1;
}

/* One record line. -1: the client is to go (forged node). */
static int
handle_line(struct conn *c, const char *p, size_t len, uint64_t now)
{
	struct lsock *s = c->ls;
	struct vg_record rec;
	const char *dflt;

	while (len > 0 && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	if (vg_parse_line(p, len, &rec) == -1) {
		s->bad_recs++;
		vg_pipeline_bad_line(s->l->pl, p, len);
		return 0;
	}
	if (rec.node.len == 0) {
		/* grouped apart from local events and other clients */
		dflt = c->nnames > 0 && !c->trusted ? c->names[0] : c->addr;
		if (c->node[0] != '\0')
			dflt = c->node;
		rec.node = vg_str_make(dflt, strlen(dflt));
	}
	if (!node_ok(c, rec.node)) {
		kick(c, &s->kicked_forged, "node name not its own");
		return -1;
	}
	rec.remote = 1;
	c->recs++;
	s->recs++;
	vg_pipeline_record(s->l->pl, &rec, now);
	return 0;
}

/* One message's text: its record lines. */
static int
handle_text(struct conn *c, const char *p, size_t len, uint64_t now)
{
	const char *nl;

	while (len > 0) {
		nl = memchr(p, '\n', len);
		size_t n = nl ? (size_t)(nl - p) : len;

		if (handle_line(c, p, n, now) == -1)
			return -1;
		if (nl == NULL)
			break;
		len -= n + 1;
		p = nl + 1;
	}
	return 0;
}

/* Frames what c->in holds. -1: the client is to go. */
static int
consume(struct conn *c, uint64_t now)
{
	struct lsock *s = c->ls;
	struct vg_rmw_frame f;
	size_t off = 0;
	int r = 0;

	while (off < c->inlen && !c->dead) {
		if (vg_rmw_next(c->in + off, c->inlen - off, s->buffer, &f) ==
		    VG_RMW_NEED)
			break;
		if (f.kind == VG_RMW_BAD) {
			kick(c, &s->kicked_bad, f.why);
			r = -1;
			break;
		}
		if (c->mode == M_UNKNOWN)
			c->mode = f.kind == VG_RMW_FRAME ? M_MANAGED : M_ASCII;
		if ((c->mode == M_MANAGED) != (f.kind == VG_RMW_FRAME)) {
			kick(c, &s->kicked_bad, "managed and ascii mixed");
			r = -1;
			break;
		}
		off += f.used;
		c->msgs++;
		s->msgs++;
		if (f.kind == VG_RMW_LINE) {
			if (handle_text(c, f.text, f.len, now) == -1) {
				r = -1;
				break;
			}
			continue;
		}
		if (f.hdr.type == VG_RMW_HEARTBEAT) {
			s->heartbeats++;
			queue_reply(&c->out, VG_RMW_ACK, f.hdr.seq);
			continue;
		}
		if (f.hdr.type != VG_RMW_MESSAGE) {
			kick(c, &s->kicked_bad, "unexpected message type");
			r = -1;
			break;
		}
		if (handle_text(c, f.text, f.len, now) == -1) {
			r = -1;
			break;
		}
		vg_buf_add(&c->acks, &f.hdr.seq, sizeof(f.hdr.seq));
	}
	if (off > 0) {
		memmove(c->in, c->in + off, c->inlen - off);
		c->inlen -= off;
	}
	return r;
}

static void
arm_expire(struct vg_listen *l, uint64_t now)
{
	uint64_t d = vg_pipeline_deadline(l->pl), ms;
	struct timeval tv;

	if (d == l->armed)
		return;
	l->armed = d;
	if (d == UINT64_MAX) {
		evtimer_del(l->expire);
		return;
	}
	ms = d > now ? d - now : 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(l->expire, &tv);
}

static void
on_expire(evutil_socket_t fd, short what, void *arg)
{
	struct vg_listen *l = arg;
	uint64_t now = vg_clock_wall_ms();

	(void)fd;
	(void)what;
	l->armed = UINT64_MAX;
	vg_pipeline_expire(l->pl, now);
	vg_pipeline_flush_outputs(l->pl);
	arm_expire(l, now);
}

/* TLS: drives the handshake. 1 done, 0 in progress, -1 failed. */
static int
handshake(struct conn *c)
{
	char err[256];
	int r, e;

	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		c->handshaking = 0;
		c->nnames = vg_tls_peer_names(c->ssl, c->names, MAX_NAMES);
		vg_log_info("listen %s: client %s port %u: %s %s%s%s",
		    c->ls->spec, c->addr, c->port, SSL_get_version(c->ssl),
		    SSL_get_cipher(c->ssl), c->nnames == 0 ? "" :
		    vg_tls_is_psk(c->ls->tls) ? ", PSK identity " :
		    ", certificate for ", c->nnames ? c->names[0] : "");
		return 1;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		return 0;
	if (e == SSL_ERROR_WANT_WRITE) {
		event_add(c->wev, NULL);
		return 0;
	}
	if (BIO_number_read(SSL_get_rbio(c->ssl)) == 0) {
		/* closed before saying anything (a port probe): no TLS
		 * failure, and no use of the rate-limited warnings */
		vg_log_debug("listen %s: client %s port %u: closed before a "
		    "TLS handshake", c->ls->spec, c->addr, c->port);
		ERR_clear_error();
		c->dead = 1;
		return -1;
	}
	c->ls->tls_failed++;
	if (log_due(c->ls->l))
		vg_log_warnx("listen %s: client %s port %u: TLS handshake: "
		    "%s", c->ls->spec, c->addr, c->port,
		    vg_tls_psk_refused(c->ssl) != NULL ?
		    vg_tls_psk_refused(c->ssl) : vg_tls_error(err,
		    sizeof(err)));
	ERR_clear_error();
	c->dead = 1;
	return -1;
}

/* Reads into c->in. >0 bytes, 0 nothing now, -1 closed or failed. */
static ssize_t
conn_read(struct conn *c, int *more)
{
	size_t room = c->ls->buffer - c->inlen;
	ssize_t n;
	int r, e;

	*more = 0;
	if (c->ssl != NULL) {
		ERR_clear_error();
		r = SSL_read(c->ssl, c->in + c->inlen, (int)room);
		if (r > 0) {
			*more = SSL_pending(c->ssl) > 0;
			return r;
		}
		e = SSL_get_error(c->ssl, r);
		if (e == SSL_ERROR_WANT_READ)
			return 0;
		if (e == SSL_ERROR_WANT_WRITE) {
			event_add(c->wev, NULL);
			return 0;
		}
		return -1;
	}
	for (;;) {
		n = recv(c->fd, c->in + c->inlen, room, MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return n > 0 ? n : -1;
	}
}

static void
service(struct conn *c)
{
	struct vg_listen *l = c->ls->l;
	uint64_t now = vg_clock_wall_ms();
	uint64_t losses = vg_pipeline_losses(l->pl);
	size_t budget = 0;
	ssize_t n;
	int more = 0, closed = 0;

	if (c->handshaking && handshake(c) != 1)
		goto out;
	c->last_ms = vg_clock_mono_ms();
	while (!c->dead && budget < READ_BUDGET) {
		if (c->inlen == c->ls->buffer) {	/* cannot happen */
			kick(c, &c->ls->kicked_bad, "buffer full");
			break;
		}
		if ((n = conn_read(c, &more)) <= 0) {
			closed = n == -1;
			break;
		}
		c->inlen += (size_t)n;
		budget += (size_t)n;
		if (consume(c, now) == -1)
			break;
	}
	/* acknowledged only once the outputs have what was read */
	vg_pipeline_flush_outputs(l->pl);
	settle_acks(c, vg_pipeline_losses(l->pl) != losses);
	arm_expire(l, now);
	if (!c->dead && c->out.len > OUT_MAX)
		kick(c, &c->ls->kicked_slow, "does not read its acks");
	if (!c->dead && flush_out(c) == -1)
		c->dead = 1;
	if (closed && !c->dead) {
		if (c->inlen > 0 && log_due(l))
			vg_log_warnx("listen %s: client %s port %u closed "
			    "with %zu bytes of a message unread",
			    c->ls->spec, c->addr, c->port, c->inlen);
		c->dead = 1;
	}
	if (!c->dead && (more || budget >= READ_BUDGET))
		event_active(c->rev, EV_READ, 0);	/* the others first */
out:
	if (c->dead)
		conn_free(c);
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	service(arg);
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	(void)fd;
	(void)what;
	if (c->handshaking || c->ssl != NULL) {
		service(c);	/* TLS may need a write to read */
		return;
	}
	if (flush_out(c) == -1)
		conn_free(c);
}

static void
conn_free(struct conn *c)
{
	struct vg_listen *l = c->ls->l;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		l->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->ls->nconn--;
	if (c->rev != NULL)
		event_free(c->rev);
	if (c->wev != NULL)
		event_free(c->wev);
	if (c->ssl != NULL)
		SSL_free(c->ssl);
	close(c->fd);
	free(c->in);
	vg_buf_free(&c->out);
	vg_buf_free(&c->acks);
	free(c);
}

static unsigned
count_addr(const struct vg_listen *l, const unsigned char a[16])
{
	const struct conn *c;
	unsigned n = 0;

	for (c = l->conns; c != NULL; c = c->next)
		if (memcmp(c->peer, a, 16) == 0)
			n++;
	return n;
}

static void
peer_of(const struct sockaddr_storage *ss, unsigned char a[16],
    char *text, size_t tlen, unsigned *port)
{
	const struct sockaddr_in *s4 = (const void *)ss;
	const struct sockaddr_in6 *s6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		memset(a, 0, 10);
		a[10] = a[11] = 0xff;
		memcpy(a + 12, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	} else {
		memcpy(a, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
	}
	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)a))
		inet_ntop(AF_INET, a + 12, text, (socklen_t)tlen);
	else
		inet_ntop(AF_INET6, a, text, (socklen_t)tlen);
}

static void
refuse(struct lsock *s, int fd, const char *addr, unsigned port,
    const char *why)
{
	s->refused++;
	if (log_due(s->l))
		vg_log_warnx("listen %s: client %s port %u refused: %s",
		    s->spec, addr, port, why);
	close(fd);
}

/*
 * Out of descriptors (or memory): the waiting connection stays in the
 * listen queue and the socket stays readable, so an armed accept event
 * would fire again at once and spin the loop that also reads the
 * kernel's records. Accepting waits for the next tick instead.
 */
static void
pause_accept(struct lsock *s)
{
	int e = errno;

	if (s->paused)
		return;
	(void)event_del(s->ev);
	s->paused = 1;
	s->refused++;
	if (log_due(s->l))
		vg_log_warnx("listen %s: cannot accept (%s): accepting again "
		    "in a second (max_clients %u; raise the descriptor "
		    "limit, LimitNOFILE=)", s->spec, strerror(e),
		    s->max_clients);
}

static void
on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct lsock *s = arg;
	struct vg_listen *l = s->l;
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned char a[16];
	char addr[INET6_ADDRSTRLEN];
	unsigned port;
	struct conn *c;
	int fd, one = 1, i;

	(void)what;
	for (i = 0; i < 64; i++) {
		sl = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				pause_accept(s);
			return;
		}
		peer_of(&ss, a, addr, sizeof(addr), &port);
		if (s->port_lo && (port < s->port_lo || port > s->port_hi)) {
			refuse(s, fd, addr, port, "source port outside "
			    "client_ports");
			continue;
		}
		if (s->nconn >= s->max_clients) {
			refuse(s, fd, addr, port, "max_clients reached");
			continue;
		}
		if (count_addr(l, a) >= s->max_per_addr) {
			refuse(s, fd, addr, port, "max_per_addr reached");
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->in = malloc(s->buffer)) == NULL) {
			free(c);
			refuse(s, fd, addr, port, "out of memory");
			continue;
		}
		c->ls = s;
		c->fd = fd;
		memcpy(c->peer, a, 16);
		memcpy(c->addr, addr, sizeof(addr));
		c->port = port;
		c->trusted = is_trusted(s, a);
		vg_buf_init(&c->out);
		vg_buf_init(&c->acks);
		c->start_ms = c->last_ms = vg_clock_mono_ms();
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one,
		    sizeof(one));
		c->next = l->conns;
		if (l->conns != NULL)
			l->conns->prev = c;
		l->conns = c;
		s->nconn++;
		s->accepted++;
		c->rev = event_new(l->base, fd, EV_READ | EV_PERSIST, on_read,
		    c);
		c->wev = event_new(l->base, fd, EV_WRITE | EV_PERSIST,
		    on_write, c);
		if (s->tls != NULL) {
			c->ssl = vg_tls_ssl(s->tls, fd);
			c->handshaking = 1;
		}
		if (c->rev == NULL || c->wev == NULL ||
		    (s->tls != NULL && c->ssl == NULL) ||
		    event_add(c->rev, NULL) == -1) {
			vg_log_warnx("listen %s: client %s: out of memory",
			    s->spec, addr);
			conn_free(c);
			continue;
		}
		vg_log_info("listen %s: client %s port %u connected%s",
		    s->spec, addr, port, c->trusted ? " (trusted)" : "");
	}
}

/* Every second: idle clients and slow handshakes go; a paused accept
 * is armed again. */
static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct vg_listen *l = arg;
	struct conn *c, *next;
	struct lsock *s;
	uint64_t now = vg_clock_mono_ms();

	(void)fd;
	(void)what;
	for (s = l->socks; s != NULL; s = s->next)
		if (s->paused && event_add(s->ev, NULL) == 0)
			s->paused = 0;
	for (c = l->conns; c != NULL; c = next) {
		next = c->next;
		if (c->handshaking && now - c->start_ms >= HANDSHAKE_MS) {
			kick(c, &c->ls->tls_failed, "TLS handshake timeout");
			conn_free(c);
		} else if (c->ls->idle_s && now - c->last_ms >=
		    (uint64_t)c->ls->idle_s * 1000) {
			kick(c, &c->ls->kicked_idle, "idle");
			conn_free(c);
		}
	}
}

/* ---- the listener set ---- */

void
vg_listen_reserve(struct vg_listen *l, const char *node)
{
	if (node != NULL && strlen(node) <= NODE_MAX)
		snprintf(l->self, sizeof(l->self), "%s", node);
}

struct vg_listen *
vg_listen_new(struct event_base *base, struct vg_pipeline *pl)
{
	struct vg_listen *l;
	struct timeval tv = { TICK_MS / 1000, 0 };

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->base = base;
	l->pl = pl;
	l->armed = UINT64_MAX;
	l->pins = calloc(MAX_PINS, sizeof(*l->pins));
	l->tick = event_new(base, -1, EV_PERSIST, on_tick, l);
	l->expire = evtimer_new(base, on_expire, l);
	if (l->pins == NULL || l->tick == NULL || l->expire == NULL ||
	    event_add(l->tick, &tv) == -1) {
		vg_listen_close(l);
		return NULL;
	}
	return l;
}

static int
bind_sock(struct lsock *s, const struct lopts *o, char *msg, size_t msglen)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, one = 1, zero = 0, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(o->host[0] ? o->host : NULL, o->port, &hints,
	    &res)) != 0) {
		snprintf(msg, msglen, "%s: %s", o->host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (ai->ai_family == AF_INET6)	/* [::] takes v4 too */
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			    sizeof(zero));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, (int)s->queue) == 0)
			break;
		e = errno;
		close(fd);
		fd = -1;
		errno = e;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		snprintf(msg, msglen, "bind %s port %s: %s", o->host, o->port,
		    strerror(errno));
		return -1;
	}
	s->fd = fd;
	return 0;
}

static void
lsock_free(struct lsock *s)
{
	if (s->ev != NULL)
		event_free(s->ev);
	if (s->fd != -1)
		close(s->fd);
	vg_tls_free(s->tls);
	free(s->spec);
	free(s);
}

int
vg_listen_add(struct vg_listen *l, const char *spec, char *msg,
    size_t msglen)
{
	struct lopts o;
	struct lsock *s;
	int rc = -1;

	memset(&o, 0, sizeof(o));
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	s->l = l;
	s->fd = -1;
	s->max_per_addr = 1;
	s->max_clients = 1024;
	s->queue = 5;
	s->buffer = DEF_BUFFER;
	if ((s->spec = strdup(spec)) == NULL) {
		snprintf(msg, msglen, "out of memory");
		goto out;
	}
	/* the spec as logged: no options */
	s->spec[strcspn(s->spec, "?")] = '\0';
	if (parse_spec(s, &o, spec, msg, msglen) == -1)
		goto out;
	if (o.tls) {
		o.t.cert = o.str[0];
		o.t.key = o.str[1];
		o.t.ca = o.str[2];
		o.t.psk = o.str[3];
		o.t.psk_identity = o.str[4];
		o.t.allowed = o.str[5];
		if ((s->tls = vg_tls_new(&o.t, 1, msg, msglen)) == NULL)
			goto out;
	}
	if (bind_sock(s, &o, msg, msglen) == -1)
		goto out;
	s->ev = event_new(l->base, s->fd, EV_READ | EV_PERSIST, on_accept, s);
	if (s->ev == NULL || event_add(s->ev, NULL) == -1) {
		snprintf(msg, msglen, "out of memory");
		goto out;
	}
	s->next = l->socks;
	l->socks = s;
	vg_log_info("listen %s: listening (max_per_addr=%u idle=%u%s)",
	    s->spec, s->max_per_addr, s->idle_s, s->tls ? ", TLS" : "");
	rc = 0;
out:
	for (size_t i = 0; i < NTLS_STR; i++)
		free(o.str[i]);
	if (rc == -1)
		lsock_free(s);
	return rc;
}

/* Does a hosts.allow/hosts.deny file hold a rule (not a comment)? */
static int
has_rules(const char *path)
{
	char line[512];
	FILE *f;
	size_t i;
	int found = 0;

	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		for (i = 0; line[i] == ' ' || line[i] == '\t'; i++)
			;
		found = line[i] != '#' && line[i] != '\n' && line[i] != '\0';
	}
	fclose(f);
	return found;
}

/*
 * transport = tls: auditd 4.2's keys as listener options (tls.c checks
 * which go together, as auditd does). Values may not hold the spec's
 * separators.
 */
static int
tls_spec(const struct vg_auditd_conf *c, char *out, size_t outlen, char *msg,
    size_t msglen)
{
	const char *v[3] = { c->tls_psk_file, c->tls_psk_identity,
	    c->tls_allowed_clients };
	static const char *const k[3] = { "psk", "psk_identity",
	    "allowed_clients" };
	static const char *const key[3] = { "tls_psk_file",
	    "tls_psk_identity", "tls_allowed_clients" };
	size_t off = 0;
	int i, n;

	if (c->tls_crypto_profile == VG_ADC_TLS_PQC || c->tls_require_pqc) {
		snprintf(msg, msglen, "%s: vigild offers no post-quantum-only "
		    "key exchange (the compatible profile: X25519MLKEM768 "
		    "with OpenSSL 3.5, else X25519)", c->tls_require_pqc ?
		    "tls_require_pqc = yes" : "tls_crypto_profile = pqc");
		return -1;
	}
	if (c->tls_psk_file == NULL && c->tls_allowed_clients == NULL) {
		snprintf(msg, msglen, "transport = tls needs tls_psk_file or "
		    "tls_allowed_clients");
		return -1;
	}
	out[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (v[i] == NULL)
			continue;
		if (strpbrk(v[i], "&?") != NULL) {
			snprintf(msg, msglen, "%s: \"%s\": no & or ? here",
			    key[i], v[i]);
			return -1;
		}
		n = snprintf(out + off, outlen - off, "&%s=%s", k[i], v[i]);
		if (n < 0 || (size_t)n >= outlen - off) {
			snprintf(msg, msglen, "listen spec too long");
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

int
vg_listen_spec_auditd(const struct vg_auditd_conf *c, char *spec,
    size_t speclen, char *msg, size_t msglen)
{
	char ports[32] = "", tls[3 * PATH_MAX];
	int n;

	if (c->tcp_listen_port == 0)
		return 0;
	if (c->transport == VG_ADC_KRB5) {
		snprintf(msg, msglen, "transport = krb5 is not supported: use "
		    "tcp or tls (docs/fleet.md)");
		return -1;
	}
	if (c->transport == VG_ADC_TLS && tls_spec(c, tls, sizeof(tls), msg,
	    msglen) == -1)
		return -1;
	if (c->use_libwrap && (has_rules("/etc/hosts.allow") ||
	    has_rules("/etc/hosts.deny"))) {
		snprintf(msg, msglen, "use_libwrap = yes and /etc/hosts.allow "
		    "or /etc/hosts.deny has rules, which vigild does not "
		    "apply: set use_libwrap = no and restrict clients with "
		    "a firewall or tcp_client_ports");
		return -1;
	}
	if (c->tcp_client_ports != NULL)
		snprintf(ports, sizeof(ports), "&client_ports=%s",
		    c->tcp_client_ports);
	n = snprintf(spec, speclen, "%s://[::]:%u?queue=%u&max_per_addr=%u"
	    "&idle=%u%s%s", c->transport == VG_ADC_TLS ? "tls" : "tcp",
	    c->tcp_listen_port, c->tcp_listen_queue, c->tcp_max_per_addr,
	    c->tcp_client_max_idle, ports,
	    c->transport == VG_ADC_TLS ? tls : "");
	if (n < 0 || (size_t)n >= speclen) {
		snprintf(msg, msglen, "listen spec too long");
		return -1;
	}
	return 1;
}

void
vg_listen_reload(struct vg_listen *l)
{
	struct lsock *s;
	char msg[512];

	for (s = l != NULL ? l->socks : NULL; s != NULL; s = s->next) {
		if (s->tls == NULL)
			continue;
		if (vg_tls_reload(s->tls, msg, sizeof(msg)) == -1)
			vg_log_warnx("listen %s: %s not reloaded, old ones "
			    "kept: %s", s->spec, VG_TLS_FILES(s->tls), msg);
		else
			vg_log_info("listen %s: %s reloaded", s->spec,
			    VG_TLS_FILES(s->tls));
	}
}

void
vg_listen_dump(struct vg_listen *l, int fd)
{
	struct lsock *s;

	for (s = l != NULL ? l->socks : NULL; s != NULL; s = s->next)
		dprintf(fd, "listen %s: clients=%u accepted=%" PRIu64
		    " refused=%" PRIu64 " messages=%" PRIu64 " records=%"
		    PRIu64 " bad_records=%" PRIu64 " heartbeats=%" PRIu64
		    " kicked_bad=%" PRIu64 " kicked_forged=%" PRIu64
		    " kicked_idle=%" PRIu64 " kicked_slow=%" PRIu64
		    " tls_failed=%" PRIu64 "\n", s->spec, s->nconn,
		    s->accepted, s->refused, s->msgs, s->recs, s->bad_recs,
		    s->heartbeats, s->kicked_bad, s->kicked_forged,
		    s->kicked_idle, s->kicked_slow, s->tls_failed);
}

void
vg_listen_close(struct vg_listen *l)
{
	struct conn *c, *next;
	struct lsock *s;

	if (l == NULL)
		return;
	/* what the clients sent is read, written and acknowledged before
	 * they are told we end (audisp-remote keeps a message the ENDING
	 * answered, and sends it again after reconnecting) */
	for (c = l->conns; c != NULL; c = next) {
		next = c->next;
		if (!c->handshaking)
			service(c);	/* may free c */
	}
	vg_pipeline_flush_outputs(l->pl);
	while ((c = l->conns) != NULL) {
		if (c->mode == M_MANAGED && !c->handshaking) {
			queue_reply(&c->out, VG_RMW_ENDING, 0);
			(void)flush_out(c);
		}
		conn_free(c);
	}
	while ((s = l->socks) != NULL) {
		l->socks = s->next;
		vg_log_info("listen %s: closed: accepted=%" PRIu64 " refused=%"
		    PRIu64 " records=%" PRIu64 " kicked=%" PRIu64, s->spec,
		    s->accepted, s->refused, s->recs, s->kicked_bad +
		    s->kicked_forged + s->kicked_idle + s->kicked_slow);
		lsock_free(s);
	}
	if (l->tick != NULL)
		event_free(l->tick);
	if (l->expire != NULL)
		event_free(l->expire);
	free(l->pins);
	free(l);
}
