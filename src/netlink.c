/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.c: the NETLINK_AUDIT socket through libmnl: open/bind, receive
 * buffer sizing, synchronous requests matched to their ack by sequence
 * number, and length validation of every received message. Never parses
 * record text and never keeps kernel state of its own.
 */
#include <errno.h>
#include <inttypes.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/netlink.h"

#define REQ_TIMEOUT_MS	2000	/* vg_nl_request's wait for the answer */
_Static_assert(VG_NL_REQ_MAX >= sizeof(struct nlmsghdr) +
    sizeof(struct audit_rule_data) + 4096, "VG_NL_REQ_MAX holds a rule");
_Static_assert(VG_NL_REQ_MAX >= VG_NL_SLOT, "a record fits the buffer");

struct vg_nl {
	struct mnl_socket	*sock;
	uint32_t		 seq;
	vg_nl_stray_fn		*stray;
	void			*stray_arg;
	unsigned char		*buf;	/* VG_NL_REQ_MAX, request and answers;
					 * allocated by the first request */
	vg_nl_model_fn		*model;	/* answers instead of the kernel */
	void			*model_arg;
};

struct vg_nl *
vg_nl_open(unsigned group)
{
	struct vg_nl *nl;
	int e;

	if ((nl = calloc(1, sizeof(*nl))) == NULL)
		return NULL;
	nl->sock = mnl_socket_open2(NETLINK_AUDIT, SOCK_NONBLOCK |
	    SOCK_CLOEXEC);
	if (nl->sock == NULL)
		goto fail;
	if (mnl_socket_bind(nl->sock, group ? 1U << (group - 1) : 0,
	    MNL_SOCKET_AUTOPID) == -1)
		goto fail;
	nl->seq = (uint32_t)time(NULL);
	return nl;
fail:
	e = errno;
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl);
	errno = e;
	return NULL;
}

struct vg_nl *
vg_nl_open_model(vg_nl_model_fn *fn, void *arg)
{
	struct vg_nl *nl;

	if ((nl = calloc(1, sizeof(*nl))) == NULL)
		return NULL;
	nl->model = fn;
	nl->model_arg = arg;
	return nl;
}

void
vg_nl_close(struct vg_nl *nl)
{
	if (nl == NULL)
		return;
	if (nl->sock != NULL)
		mnl_socket_close(nl->sock);
	free(nl->buf);
	free(nl);
}

int
vg_nl_fd(const struct vg_nl *nl)
{
	return mnl_socket_get_fd((struct mnl_socket *)nl->sock);
}

uint32_t
vg_nl_portid(const struct vg_nl *nl)
{
	return mnl_socket_get_portid((struct mnl_socket *)nl->sock);
}

long
vg_nl_set_rcvbuf(struct vg_nl *nl, size_t bytes)
{
	int fd = vg_nl_fd(nl), v;
	socklen_t sl = sizeof(v);

	v = bytes > (size_t)(0x7fffffff) ? 0x7fffffff : (int)bytes;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) == -1 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) == -1)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &sl) == -1)
		return -1;
	return v;
}

int
vg_nl_connect_kernel(struct vg_nl *nl)
{
	struct sockaddr_nl sa;

	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	return connect(vg_nl_fd(nl), (struct sockaddr *)&sa, sizeof(sa));
}

int
vg_nl_drain(struct vg_nl *nl)
{
	char buf[64];

	for (;;) {
		if (recv(vg_nl_fd(nl), buf, sizeof(buf), MSG_TRUNC |
		    MSG_DONTWAIT) >= 0)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		if (errno != EINTR && errno != ENOBUFS)
			return -1;
	}
}

void
vg_nl_set_stray(struct vg_nl *nl, vg_nl_stray_fn *fn, void *arg)
{
	nl->stray = fn;
	nl->stray_arg = arg;
}

size_t
vg_nl_build(void *buf, size_t cap, uint16_t type, uint16_t flags,
    uint32_t seq, const void *payload, size_t len)
{
	struct nlmsghdr *nlh;

	if (len > cap || MNL_ALIGN(len) + MNL_NLMSG_HDRLEN > cap)
		return 0;
	memset(buf, 0, MNL_NLMSG_HDRLEN + MNL_ALIGN(len));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	if (len)
		memcpy(mnl_nlmsg_put_extra_header(nlh, MNL_ALIGN(len)),
		    payload, len);
	nlh->nlmsg_len = (uint32_t)(MNL_NLMSG_HDRLEN + len);
	return nlh->nlmsg_len;
}

void
vg_nl_iter_init(struct vg_nl_iter *it, const void *buf, size_t n,
    uint32_t pid)
{
	it->p = buf;
	it->left = n;
	it->pid = pid;
	it->first = 1;
}

/* Payload length of the message at the start of the datagram, if the
 * datagram is exactly this one message (either length convention). */
static int
single_record(size_t left, uint32_t nlen, size_t *plen)
{
	size_t hl = MNL_NLMSG_HDRLEN;

	if (nlen >= hl && (nlen == left || MNL_ALIGN(nlen) == left)) {
		*plen = nlen - hl;	/* nlmsg_len counts the header */
		return 1;
	}
	if (nlen <= left - hl && (nlen + hl == left ||
	    MNL_ALIGN(nlen + hl) == left)) {
		*plen = nlen;		/* kernel quirk: payload length only */
		return 1;
	}
	return 0;
}

enum vg_nl_kind
vg_nl_next(struct vg_nl_iter *it, struct vg_nl_msg *m)
{
	struct nlmsghdr h;
	size_t plen, adv;
	int32_t err;
	int first = it->first;

	memset(m, 0, sizeof(*m));
	if (it->left == 0)
		return VG_NL_END;
	it->first = 0;
	if (it->left < MNL_NLMSG_HDRLEN) {
		it->left = 0;
		return VG_NL_BAD;
	}
	memcpy(&h, it->p, sizeof(h));
	m->type = h.nlmsg_type;
	m->seq = h.nlmsg_seq;
	if (it->pid != 0) {		/* not from the kernel: skip it all */
		it->left = 0;
		return VG_NL_FOREIGN;
	}
	if (first && VG_NL_IS_RECORD(h.nlmsg_type) &&
	    single_record(it->left, h.nlmsg_len, &plen))
		adv = it->left;
	else if (h.nlmsg_len < MNL_NLMSG_HDRLEN || h.nlmsg_len > it->left) {
		it->left = 0;
		return VG_NL_BAD;
	} else {
		plen = h.nlmsg_len - MNL_NLMSG_HDRLEN;
		adv = MNL_ALIGN(h.nlmsg_len);
		if (adv > it->left)
			adv = it->left;
	}
	m->data = (const char *)it->p + MNL_NLMSG_HDRLEN;
	m->len = plen;
	it->p += adv;
	it->left -= adv;

	switch (h.nlmsg_type) {
	case NLMSG_NOOP:
	case NLMSG_DONE:
	case NLMSG_OVERRUN:
		return VG_NL_NOOP;
	case NLMSG_ERROR:
		if (plen < sizeof(err)) {
			it->left = 0;
			return VG_NL_BAD;
		}
		memcpy(&err, m->data, sizeof(err));
		m->error = err;
		return VG_NL_ACK;
	}
	if (VG_NL_IS_RECORD(h.nlmsg_type)) {
		while (m->len > 0 && m->data[m->len - 1] == '\0')
			m->len--;
		return VG_NL_RECORD;
	}
	if (h.nlmsg_type >= AUDIT_GET && h.nlmsg_type < AUDIT_FIRST_USER_MSG)
		return VG_NL_CONTROL;
	return VG_NL_UNKNOWN;
}

/*
 * Reads answers to seq until it is acked and the wanted replies came. The
 * kernel sends AUDIT_GET replies and rule lists from a kernel thread, so
 * the ack may come first. Datagrams without a message of seq go to the
 * stray callback.
 */
static int
wait_answer(struct vg_nl *nl, const struct vg_nl_req *rq, uint32_t seq)
{
	struct sockaddr_nl sa;
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	struct pollfd pfd;
	socklen_t sl;
	uint64_t end = vg_clock_mono_ms() + (uint64_t)rq->timeout_ms, now;
	ssize_t n;
	enum vg_nl_kind k;
	int acked = 0, got = rq->want == 0, ackval = 0, mine;

	pfd.fd = vg_nl_fd(nl);
	pfd.events = POLLIN;
	while (!acked || !got) {
		sl = sizeof(sa);
		n = recvfrom(pfd.fd, nl->buf, VG_NL_REQ_MAX, MSG_TRUNC,
		    (struct sockaddr *)&sa, &sl);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN) {
			if ((now = vg_clock_mono_ms()) >= end) {
				errno = ETIMEDOUT;
				return -1;
			}
			(void)poll(&pfd, 1, (int)(end - now));
			continue;
		}
		if (n == -1 && errno == ENOBUFS)
			continue;	/* records lost, not our answer */
		if (n == -1)
			return -1;
		if ((size_t)n > VG_NL_REQ_MAX)
			n = VG_NL_REQ_MAX;	/* truncated: validated below */
		mine = 0;
		vg_nl_iter_init(&it, nl->buf, (size_t)n, sa.nl_pid);
		while ((k = vg_nl_next(&it, &m)) != VG_NL_END) {
			if (sa.nl_pid != 0 || m.seq != seq)
				continue;
			if (k == VG_NL_BAD) {
				errno = EPROTO;
				return -1;
			}
			if (k == VG_NL_ACK) {
				if (m.error < 0) {
					errno = -m.error;
					return -1;
				}
				ackval = m.error;
				mine = acked = 1;
			} else if (rq->until_done && m.type == NLMSG_DONE) {
				mine = got = 1;
			} else if (rq->want != 0 && m.type == rq->want) {
				if (rq->cb != NULL && rq->cb(&m, rq->arg) < 0)
					return -1;
				mine = 1;
				if (!rq->until_done)
					got = 1;
			}
		}
		if (!mine && nl->stray != NULL)
			nl->stray(nl->stray_arg, nl->buf, (size_t)n, sa.nl_pid);
	}
	return ackval;
}

int
vg_nl_transact(struct vg_nl *nl, const struct vg_nl_req *rq)
{
	uint32_t seq = ++nl->seq;
	size_t n;

	if (nl->model != NULL)
		return nl->model(nl->model_arg, rq);
	if (nl->buf == NULL && (nl->buf = malloc(VG_NL_REQ_MAX)) == NULL)
		return -1;
	n = vg_nl_build(nl->buf, VG_NL_REQ_MAX, rq->type, NLM_F_REQUEST |
	    NLM_F_ACK, seq, rq->payload, rq->len);
	if (n == 0) {
		errno = EMSGSIZE;
		return -1;
	}
	if (mnl_socket_sendto(nl->sock, nl->buf, n) == -1)
		return -1;
	return wait_answer(nl, rq, seq);
}

/* vg_nl_request's reply: the first message of the type, zero-filled. */
struct reply_buf {
	void	*p;
	size_t	 len;
};

static int
copy_reply(const struct vg_nl_msg *m, void *arg)
{
	struct reply_buf *r = arg;

	memset(r->p, 0, r->len);
	memcpy(r->p, m->data, m->len < r->len ? m->len : r->len);
	return 0;
}

int
vg_nl_request(struct vg_nl *nl, uint16_t type, const void *payload,
    size_t len, uint16_t reply_type, void *reply, size_t reply_len)
{
	struct reply_buf r = { reply, reply_len };
	struct vg_nl_req rq = {
		.type = type,
		.payload = payload,
		.len = len,
		.want = reply != NULL ? reply_type : 0,
		.timeout_ms = REQ_TIMEOUT_MS,
		.cb = copy_reply,
		.arg = &r,
	};

	return vg_nl_transact(nl, &rq) < 0 ? -1 : 0;
}

int
vg_nl_get_status(struct vg_nl *nl, struct audit_status *st)
{
	return vg_nl_request(nl, AUDIT_GET, NULL, 0, AUDIT_GET, st,
	    sizeof(*st));
}

void
vg_nl_status_line(struct vg_nl *nl, char *buf, size_t len)
{
	struct vg_nl *own = NULL;
	struct audit_status st;

	if (nl == NULL)
		nl = own = vg_nl_open(0);
	if (nl != NULL && vg_nl_get_status(nl, &st) == 0)
		snprintf(buf, len, "enabled=%" PRIu32 " pid=%" PRIu32
		    " lost=%" PRIu32 " backlog=%" PRIu32 " backlog_limit=%"
		    PRIu32, st.enabled, st.pid, st.lost, st.backlog,
		    st.backlog_limit);
	else
		snprintf(buf, len, "unavailable (%s)", strerror(errno));
	vg_nl_close(own);
}

int
vg_nl_set_status(struct vg_nl *nl, const struct audit_status *st)
{
	return vg_nl_request(nl, AUDIT_SET, st, sizeof(*st), 0, NULL, 0);
}

int
vg_nl_set_pid(struct vg_nl *nl, uint32_t pid)
{
	struct audit_status st;

	memset(&st, 0, sizeof(st));
	st.mask = AUDIT_STATUS_PID;
	st.pid = pid;
	return vg_nl_set_status(nl, &st);
}

int
vg_nl_set_enabled(struct vg_nl *nl, uint32_t enabled)
{
	struct audit_status st;

	if (enabled > 1) {	/* 2 locks the configuration until reboot */
		errno = EINVAL;
		return -1;
	}
	memset(&st, 0, sizeof(st));
	st.mask = AUDIT_STATUS_ENABLED;
	st.enabled = enabled;
	return vg_nl_set_status(nl, &st);
}

int
vg_nl_rule(struct vg_nl *nl, uint16_t type, const struct audit_rule_data *r,
    size_t len)
{
	if ((type != AUDIT_ADD_RULE && type != AUDIT_DEL_RULE) ||
	    len < sizeof(*r) || len != sizeof(*r) + r->buflen) {
		errno = EINVAL;
		return -1;
	}
	return vg_nl_request(nl, type, r, len, 0, NULL, 0);
}

int
vg_nl_signal_info(struct vg_nl *nl, struct vg_nl_sig_info *si)
{
	if (vg_nl_request(nl, AUDIT_SIGNAL_INFO, NULL, 0, AUDIT_SIGNAL_INFO,
	    si, sizeof(*si)) == -1)
		return -1;
	si->ctx[sizeof(si->ctx) - 1] = '\0';
	return 0;
}

size_t
vg_nl_rule_self_exclude(struct audit_rule_data *r, pid_t pid)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->flags = AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND;
	r->action = AUDIT_NEVER;
	for (i = 0; i < AUDIT_BITMASK_SIZE; i++)
		r->mask[i] = 0xffffffffU;
	r->field_count = 1;
	r->fields[0] = AUDIT_PID;
	r->fieldflags[0] = AUDIT_EQUAL;
	r->values[0] = (uint32_t)pid;
	r->buflen = 0;
	return sizeof(*r);
}
