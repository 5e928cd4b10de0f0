/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kafka.c (output): "kafka://BROKER[,BROKER]/TOPIC" through librdkafka
 * (opened at the first open: kafka_lib.c).
 * One message per event; key NODE:SERIAL (or a document field, key=PATH,
 * or none); acks=all and the idempotent producer by default, so a broker
 * that goes away and comes back gets every message once, in order per
 * partition. "sent" counts delivery reports, not produce calls. At most
 * `inflight` messages are handed to librdkafka; the rest wait in the
 * queue (and its spool), so a dead cluster fills the spool, not memory.
 * What librdkafka still holds at exit is purged back to the queue (and
 * spooled with it): delivered at least once across a restart.
 */
#ifdef VG_HAVE_RDKAFKA
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kafka_lib.h"
#include "vigil/log.h"
#include "vigil/parse_num.h"
#include "vigil/qout.h"
#include "vigil/ratelimit.h"

#define DEF_INFLIGHT	10000
#define META_MS		5000	/* topic check at start */
#define KEY_MAX		1024

struct kout {
	struct vg_qout		 qo;
	rd_kafka_conf_t		*conf;		/* for the worker's handle */
	rd_kafka_t		*rk;
	rd_kafka_topic_t	*rkt;
	char			*topic;
	char			*key_path;	/* NULL: node:serial */
	int			 no_key;
	uint64_t		 inflight;	/* produced, no report yet */
	uint64_t		 max_inflight;
	struct vg_qmsg		**back;		/* to return to the queue */
	size_t			 nback, capback;
	struct vg_buf		 msg;
	uint64_t		 fail_logged;
};

/* Queue message layout: u16 key length, key, value. */
static void
split(const struct vg_qmsg *m, const char **key, size_t *klen,
    const char **val, size_t *vlen)
{
	uint16_t kl;

	memcpy(&kl, m->data, 2);
	*key = m->data + 2;
	*klen = kl;
	*val = m->data + 2 + kl;
	*vlen = m->len - 2 - kl;
}

static int
retriable(rd_kafka_resp_err_t err)
{
	switch (err) {
	case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
	case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
	case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
	case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
	case RD_KAFKA_RESP_ERR__TRANSPORT:
	case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
		return 1;
	default:
		return 0;
	}
}

/* Delivery report, called from rd_kafka_poll() in the worker thread. */
static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *rm, void *opaque)
{
	struct kout *k = opaque;
	struct vg_qmsg *m = rm->_private, **nb;

	(void)rk;
	k->inflight--;
	if (rm->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		vg_queue_done(k->qo.q, m, VG_Q_SENT);
		return;
	}
	if (retriable(rm->err)) {
		if (k->nback == k->capback) {
			size_t cap = k->capback ? k->capback * 2 : 256;

			if ((nb = realloc(k->back, cap * sizeof(*nb))) == NULL) {
				vg_queue_done(k->qo.q, m, VG_Q_RETRY);
				return;
			}
			k->back = nb;
			k->capback = cap;
		}
		k->back[k->nback++] = m;
		return;
	}
	if (vg_rl_count(++k->fail_logged, 1))
		vg_log_warnx("output %s: message not delivered: %s (%" PRIu64
		    " so far)", k->qo.o->spec, vg_rdk.err2str(rm->err),
		    k->fail_logged);
	vg_queue_done(k->qo.q, m, VG_Q_FAILED);
}

static int
by_seq_desc(const void *a, const void *b)
{
	const struct vg_qmsg *x = *(struct vg_qmsg *const *)a;
	const struct vg_qmsg *y = *(struct vg_qmsg *const *)b;

	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

/* Returns undelivered messages to the front of the queue, oldest first. */
static void
give_back(struct kout *k)
{
	size_t i;

	if (k->nback == 0)
		return;
	qsort(k->back, k->nback, sizeof(*k->back), by_seq_desc);
	for (i = 0; i < k->nback; i++)
		vg_queue_done(k->qo.q, k->back[i], VG_Q_RETRY);
	k->nback = 0;
}

static void
on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	struct kout *k = vg_rdk.opaque(rk);

	if (level <= 4)
		vg_log_warnx("output %s: kafka %s: %s", k->qo.o->spec, fac, buf);
	else if (level <= 6)
		vg_log_info("output %s: kafka %s: %s", k->qo.o->spec, fac, buf);
}

/* 0 produced, 1 librdkafka is full (try later), -1 never deliverable. */
static int
produce(struct kout *k, struct vg_qmsg *m)
{
	const char *key, *val;
	size_t klen, vlen;
	rd_kafka_resp_err_t err;

	split(m, &key, &klen, &val, &vlen);
	/* no copy: the message lives until its delivery report */
	err = vg_rdk.producev(k->rk, RD_KAFKA_V_RKT(k->rkt),
	    RD_KAFKA_V_KEY(klen ? key : NULL, klen),
	    RD_KAFKA_V_VALUE((void *)val, vlen), RD_KAFKA_V_OPAQUE(m),
	    RD_KAFKA_V_END);
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		return 0;
	if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
		return 1;
	vg_log_warnx("output %s: produce: %s", k->qo.o->spec,
	    vg_rdk.err2str(err));
	return -1;
}

/*
 * The producer handle is made in the worker thread: librdkafka's threads
 * would not survive the fork of daemon(3) after open.
 */
static int
make_handle(struct kout *k)
{
	char err[512];

	if ((k->rk = vg_rdk.new(RD_KAFKA_PRODUCER, k->conf, err,
	    sizeof(err))) == NULL) {
		vg_log_warnx("output %s: %s", k->qo.o->spec, err);
		return -1;
	}
	k->conf = NULL;		/* owned by rk */
	if ((k->rkt = vg_rdk.topic_new(k->rk, k->topic, NULL)) == NULL) {
		vg_log_warnx("output %s: topic %s: %s", k->qo.o->spec,
		    k->topic, vg_rdk.err2str(vg_rdk.last_error()));
		return -1;
	}
	return 0;
}

static void *
worker(void *arg)
{
	struct kout *k = arg;
	struct vg_qmsg *m;
	int r;

	if (make_handle(k) == -1)
		return NULL;	/* events stay queued (and spooled at exit) */
	for (;;) {
		vg_rdk.poll(k->rk, k->inflight >= k->max_inflight ? 100 : 0);
		give_back(k);
		if (vg_qout_stopped(&k->qo))
			break;
		if (k->inflight >= k->max_inflight)
			continue;
		r = vg_queue_take(k->qo.q, &m, k->inflight ? 5 : 100);
		if (r == -1)
			break;
		if (r == 0)
			continue;
		switch (produce(k, m)) {
		case 0:
			k->inflight++;
			break;
		case 1:
			vg_queue_done(k->qo.q, m, VG_Q_RETRY);
			vg_rdk.poll(k->rk, 100);
			break;
		default:
			vg_queue_done(k->qo.q, m, VG_Q_FAILED);
		}
	}
	/* what librdkafka holds goes back to the queue (and the spool) */
	vg_rdk.purge(k->rk, RD_KAFKA_PURGE_F_QUEUE |
	    RD_KAFKA_PURGE_F_INFLIGHT);
	for (r = 0; k->inflight > 0 && r < 100; r++)
		vg_rdk.poll(k->rk, 50);
	give_back(k);
	if (k->inflight)
		vg_log_warnx("output %s: %" PRIu64 " messages without a "
		    "delivery report at exit", k->qo.o->spec, k->inflight);
	return NULL;
}

/* Each "HOST[:PORT]" must resolve: a typo is an error at start. */
static int
check_brokers(struct vg_output *o, const char *list)
{
	char host[256], *colon, *end;
	const char *p = list, *comma;
	struct addrinfo hints, *res;
	unsigned long port;
	size_t len;
	int e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	for (; *p; p = *comma ? comma + 1 : comma) {
		comma = p + strcspn(p, ",");
		len = (size_t)(comma - p);
		if (len == 0 || len >= sizeof(host))
			goto bad;
		memcpy(host, p, len);
		host[len] = '\0';
		if ((colon = strrchr(host, ':')) != NULL) {
			errno = 0;
			port = strtoul(colon + 1, &end, 10);
			if (errno || end == colon + 1 || *end != '\0' ||
			    port == 0 || port > 65535)
				goto bad;
			*colon = '\0';
		}
		if ((e = getaddrinfo(host, NULL, &hints, &res)) != 0) {
			vg_log_warnx("output \"%s\": broker %s: %s", o->spec,
			    host, gai_strerror(e));
			errno = EHOSTUNREACH;
			return -1;
		}
		freeaddrinfo(res);
	}
	return 0;
bad:
	vg_log_warnx("output \"%s\": expected kafka://HOST[:PORT][,HOST"
	    "[:PORT]...]/TOPIC with PORT 1..65535", o->spec);
	errno = EINVAL;
	return -1;
}

static int
conf_set(struct vg_output *o, rd_kafka_conf_t *conf, const char *name,
    const char *val)
{
	char err[512];

	if (vg_rdk.conf_set(conf, name, val, err, sizeof(err)) !=
	    RD_KAFKA_CONF_OK) {
		vg_log_warnx("output \"%s\": %s=%s: %s", o->spec, name, val,
		    err);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/*
 * The topic must exist; brokers that do not answer yet are retried in
 * the background (logged). -1 only for a topic the cluster says is not
 * there.
 */
static int
check_topic(struct vg_output *o, struct kout *k)
{
	const struct rd_kafka_metadata *md;
	rd_kafka_resp_err_t err;
	int rc = 0;

	err = vg_rdk.metadata(k->rk, 0, k->rkt, &md, META_MS);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		vg_log_warnx("output \"%s\": brokers not reachable (%s), "
		    "retrying in the background", o->spec,
		    vg_rdk.err2str(err));
		return 0;
	}
	if (md->topic_cnt == 1 && md->topics[0].err ==
	    RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
		vg_log_warnx("output \"%s\": topic %s does not exist", o->spec,
		    k->topic);
		errno = ENOENT;
		rc = -1;
	} else if (md->topic_cnt == 1 && md->topics[0].err)
		vg_log_warnx("output \"%s\": topic %s: %s", o->spec, k->topic,
		    vg_rdk.err2str(md->topics[0].err));
	vg_rdk.metadata_destroy(md);
	return rc;
}

static void
kout_free(struct kout *k)
{
	if (k->rkt)
		vg_rdk.topic_destroy(k->rkt);
	if (k->rk)
		vg_rdk.destroy(k->rk);
	if (k->conf)
		vg_rdk.conf_destroy(k->conf);
	free(k->topic);
	free(k->key_path);
	free(k->back);
	vg_buf_free(&k->msg);
	free(k);
}

static int
check_key(const char *v, char *msg, size_t len)
{
	if (*v != '\0')
		return 0;
	snprintf(msg, len, "expected none or a document field (syscall.exe)");
	return -1;
}

static const struct vg_opt kafka_opts[] = {
	{ .name = "key", .type = VG_OPT_STR, .check = check_key,
	  .help = "message key: none or a document field" },
	{ .name = "inflight", .type = VG_OPT_SIZE, .min = 1, .max = 1000000,
	  .expect = "1..1000000", .help = "messages in flight at most" },
	{ .name = "acks", .type = VG_OPT_STR, .help = "librdkafka acks" },
	{ .name = "rdkafka.*", .type = VG_OPT_STR,
	  .help = "any librdkafka property, passed through" },
	{ .name = NULL },
};

/* The form of ARG; the brokers' names are resolved at open. */
static int
kafka_check(const struct vg_output_conf *c, char *msg, size_t len)
{
	const char *arg = c->arg, *slash;

	if (strncmp(arg, "//", 2) != 0 || (slash = strchr(arg + 2, '/')) ==
	    NULL || slash == arg + 2 || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL) {
		snprintf(msg, len, "output \"%s\": expected "
		    "kafka://BROKER[,BROKER]/TOPIC", c->spec);
		return -1;
	}
	return vg_qout_check(c, msg, len);
}

static int
kafka_open(struct vg_output *o, const char *arg)
{
	rd_kafka_conf_t *conf = NULL;
	struct kout *k;
	const char *slash, *v;
	char *brokers = NULL, err[512];
	size_t i;
	int e;

	if (strncmp(arg, "//", 2) != 0 || (slash = strchr(arg + 2, '/')) ==
	    NULL || slash == arg + 2 || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL) {
		vg_log_warnx("output \"%s\": expected kafka://BROKER[,BROKER]"
		    "/TOPIC", o->spec);
		errno = EINVAL;
		return -1;
	}
	if (vg_rdk_load(err, sizeof(err)) == -1) {
		vg_log_warnx("output \"%s\": %s", o->spec, err);
		errno = ENOENT;
		return -1;
	}
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return -1;
	vg_buf_init(&k->msg);
	k->max_inflight = DEF_INFLIGHT;
	if ((brokers = strndup(arg + 2, (size_t)(slash - arg - 2))) == NULL ||
	    (k->topic = strdup(slash + 1)) == NULL)
		goto fail;
	if (check_brokers(o, brokers) == -1)
		goto fail;
	if ((v = vg_output_opt(o, "key")) != NULL) {
		if (strcmp(v, "none") == 0)
			k->no_key = 1;
		else if ((k->key_path = strdup(v)) == NULL)
			goto fail;
		/* the key is read from the document tree */
		if (k->key_path != NULL)
			o->wants |= VG_WANT_TREE;
	}
	if (vg_output_opt(o, "inflight") != NULL)
		k->max_inflight = vg_output_opt_num(o, "inflight");
	conf = vg_rdk.conf_new();
	if (conf_set(o, conf, "bootstrap.servers", brokers) == -1 ||
	    conf_set(o, conf, "acks", "all") == -1 ||
	    conf_set(o, conf, "enable.idempotence", "true") == -1 ||
	    conf_set(o, conf, "message.timeout.ms", "0") == -1 ||
	    conf_set(o, conf, "client.id", "vigild") == -1 ||
	    conf_set(o, conf, "log.connection.close", "false") == -1)
		goto fail;
	/* librdkafka options pass through: rdkafka.NAME=VALUE */
	for (i = 0; i < o->conf->nopts; i++) {
		if (strncmp(o->conf->opts[i].key, "rdkafka.", 8) != 0)
			continue;
		if (conf_set(o, conf, o->conf->opts[i].key + 8,
		    o->conf->opts[i].val) == -1)
			goto fail;
	}
	if ((v = vg_output_opt(o, "acks")) != NULL &&
	    conf_set(o, conf, "acks", v) == -1)
		goto fail;
	vg_rdk.conf_set_dr_msg_cb(conf, on_delivery);
	vg_rdk.conf_set_log_cb(conf, on_log);
	vg_rdk.conf_set_opaque(conf, k);
	k->qo.o = o;	/* for on_log before vg_qout_open */
	if ((k->conf = vg_rdk.conf_dup(conf)) == NULL)
		goto fail;
	/* a probe handle now: options and topic are checked at start */
	if ((k->rk = vg_rdk.new(RD_KAFKA_PRODUCER, conf, err,
	    sizeof(err))) == NULL) {
		vg_log_warnx("output \"%s\": %s", o->spec, err);
		errno = EINVAL;
		goto fail;
	}
	conf = NULL;	/* owned by rk */
	if ((k->rkt = vg_rdk.topic_new(k->rk, k->topic, NULL)) == NULL ||
	    check_topic(o, k) == -1)
		goto fail;
	vg_rdk.topic_destroy(k->rkt);
	vg_rdk.destroy(k->rk);
	k->rkt = NULL;
	k->rk = NULL;
	if (vg_qout_open(&k->qo, o) == -1)
		goto fail;
	o->priv = k;
	vg_qout_start(&k->qo, worker, k);
	free(brokers);
	return 0;
fail:
	e = errno;
	if (conf)
		vg_rdk.conf_destroy(conf);
	free(brokers);
	kout_free(k);
	errno = e;
	return -1;
}

/* The text of a document field at a dotted path, into b. */
static int
field_key(const struct vg_node *doc, const char *path, struct vg_buf *b)
{
	char part[128];
	const char *p = path, *dot;
	size_t len;

	while (doc != NULL && *p) {
		dot = p + strcspn(p, ".");
		len = (size_t)(dot - p);
		if (len >= sizeof(part) || doc->type != VG_N_OBJ)
			return -1;
		memcpy(part, p, len);
		part[len] = '\0';
		doc = vg_node_get(doc, part);
		p = *dot ? dot + 1 : dot;
	}
	if (doc == NULL)
		return -1;
	switch (doc->type) {
	case VG_N_STR:
		vg_buf_add(b, doc->v.s.p, doc->v.s.len > KEY_MAX ? KEY_MAX :
		    doc->v.s.len);
		return 0;
	case VG_N_INT:
		vg_buf_add_i64(b, doc->v.i);
		return 0;
	case VG_N_UINT:
		vg_buf_add_u64(b, doc->v.u);
		return 0;
	case VG_N_BOOL:
		vg_buf_adds(b, doc->v.b ? "true" : "false");
		return 0;
	default:
		return -1;
	}
}

static int
kafka_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct kout *k = o->priv;
	size_t klen, vlen;
	uint16_t kl;

	if (vg_qout_format(&k->qo, ev, doc) == -1)
		return -1;
	vg_buf_reset(&k->msg);
	vg_buf_add(&k->msg, "\0\0", 2);
	if (k->no_key)
		;
	else if (k->key_path != NULL) {
		/* a missing field: no key (the partitioner picks) */
		if (field_key(doc, k->key_path, &k->msg) == -1)
			k->msg.len = 2;
	} else {
		if (ev->node.len) {
			vg_buf_add(&k->msg, ev->node.p, ev->node.len >
			    KEY_MAX ? KEY_MAX : ev->node.len);
			vg_buf_addc(&k->msg, ':');
		}
		vg_buf_add_u64(&k->msg, ev->serial);
	}
	if (k->msg.oom) {
		k->qo.fmt_failed++;
		return -1;
	}
	klen = k->msg.len - 2;
	kl = (uint16_t)klen;
	memcpy(k->msg.data, &kl, 2);
	vlen = k->qo.buf.len;
	if (vlen > 0 && k->qo.buf.data[vlen - 1] == '\n')
		vlen--;
	vg_buf_add(&k->msg, k->qo.buf.data, vlen);
	if (k->msg.oom) {
		k->qo.fmt_failed++;
		return -1;
	}
	return vg_qout_push(&k->qo, k->msg.data, k->msg.len);
}

static int
kafka_flush(struct vg_output *o)
{
	struct kout *k = o->priv;

	vg_qout_sync(&k->qo);
	return 0;
}

static void
kafka_close(struct vg_output *o)
{
	struct kout *k = o->priv;

	if (k == NULL)
		return;
	vg_qout_close(&k->qo);
	kout_free(k);
	o->priv = NULL;
}

const struct vg_output_ops vg_output_kafka = {
	.name = "kafka",
	.wants = VG_WANT_DOC,
	.self_counts = 1,
	.open = kafka_open,
	.opts = (const struct vg_opt *const[]){ kafka_opts, vg_qout_opts,
	    NULL },
	.check = kafka_check,
	.write = kafka_write,
	.flush = kafka_flush,
	.close = kafka_close,
};
#endif /* VG_HAVE_RDKAFKA */
