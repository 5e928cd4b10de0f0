/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netlink.h: the kernel audit netlink socket (src/netlink.c, libmnl):
 * open/bind, synchronous requests with sequence numbers and acks (status,
 * set, rules, signal info), and validation of received datagrams. The live
 * input built on it is declared in live.h.
 */
#ifndef VIGIL_NETLINK_H
#define VIGIL_NETLINK_H

#include <linux/audit.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/rectype.h"

/* Largest datagram a receive slot holds (kernel records are < 9 KiB). */
#define VG_NL_SLOT	(16 * 1024)
/* Audit message types that carry text records: 1100..2999, plus the two
 * records numbered among the commands (USER, deprecated, and LOGIN). */
#define VG_NL_IS_RECORD(t)	(((t) >= VG_T_FIRST_USER_MSG && \
				  (t) <= VG_T_LAST_USER_MSG2) || \
				 (t) == VG_T_USER || (t) == VG_T_LOGIN)

struct vg_nl;

/*
 * Opens a NETLINK_AUDIT socket, non-blocking and close-on-exec. groups is
 * 0 for a unicast socket, or a multicast group number (AUDIT_NLGRP_READLOG)
 * to subscribe to. Returns NULL and errno on failure (caller frees with
 * vg_nl_close).
 */
struct vg_nl	*vg_nl_open(unsigned group);
void		 vg_nl_close(struct vg_nl *);
int		 vg_nl_fd(const struct vg_nl *);
uint32_t	 vg_nl_portid(const struct vg_nl *);
/* SO_RCVBUFFORCE (needs CAP_NET_ADMIN), else SO_RCVBUF. Returns the size
 * the kernel reports, or -1 and errno. */
long		 vg_nl_set_rcvbuf(struct vg_nl *, size_t bytes);
/* connect() to the kernel (port 0): the kernel then refuses datagrams
 * other processes send to this socket (ECONNREFUSED), so everything read
 * from it is the kernel's and the sender address need not be asked for. */
int		 vg_nl_connect_kernel(struct vg_nl *);
/* Reads and drops whatever is queued on the (non-blocking) socket. */
int		 vg_nl_drain(struct vg_nl *);

/*
 * Called for every message received while a request waits for its ack
 * that is not the answer (audit records can arrive on the daemon socket
 * before the ack of AUDIT_SET pid). buf/len is the whole datagram, pid
 * the sender.
 */
typedef void	 vg_nl_stray_fn(void *arg, const void *buf, size_t len,
		    uint32_t pid);
void		 vg_nl_set_stray(struct vg_nl *, vg_nl_stray_fn *, void *arg);

struct vg_nl_msg;

/* Largest request, and largest answer datagram read (rule lists). */
#define VG_NL_REQ_MAX	(64 * 1024)

/* Gets each wanted answer; returns 0, or -1 (errno set) to fail the
 * request. msg is borrowed until it returns. */
typedef int	 vg_nl_reply_fn(const struct vg_nl_msg *, void *arg);

/* One request for vg_nl_transact. */
struct vg_nl_req {
	uint16_t	 type;		/* AUDIT_GET, AUDIT_ADD_RULE ... */
	const void	*payload;
	size_t		 len;
	uint16_t	 want;		/* answer type wanted; 0: the ack only */
	int		 until_done;	/* every `want` up to NLMSG_DONE */
	int		 timeout_ms;
	vg_nl_reply_fn	*cb;		/* may be NULL */
	void		*arg;
};

/*
 * The one request/ack loop: sends rq (NLM_F_REQUEST|NLM_F_ACK, the next
 * sequence number) and reads until the kernel acked it and, if rq->want,
 * a message of that type came (all of them up to NLMSG_DONE with
 * until_done), each handed to rq->cb; the ack may come before or after
 * them. Other datagrams go to the stray callback. Returns the ack value
 * (>= 0: 0, or the old value when AUDIT_SET resets a counter), or -1 with
 * errno: the kernel's error code from NLMSG_ERROR, ETIMEDOUT (nothing for
 * rq->timeout_ms), EMSGSIZE (payload over VG_NL_REQ_MAX), EPROTO
 * (malformed answer), ENOMEM, or the callback's.
 */
int		 vg_nl_transact(struct vg_nl *, const struct vg_nl_req *rq);

/*
 * A vg_nl without a socket whose requests (vg_nl_transact and everything
 * built on it) are answered by fn instead of the kernel: a model of the
 * kernel for unit tests of the code above this file (check_rules_apply.c).
 * fn returns what vg_nl_transact returns and hands each answer to rq->cb.
 * Only the request functions may be used on it. NULL + errno.
 */
typedef int	 vg_nl_model_fn(void *arg, const struct vg_nl_req *rq);
struct vg_nl	*vg_nl_open_model(vg_nl_model_fn *, void *arg);

/*
 * vg_nl_transact for one answer, waiting up to 2 s. If reply is not NULL,
 * a message of type reply_type is copied there (at most reply_len bytes,
 * zero-filled if shorter). Returns 0, or -1 with vg_nl_transact's errno.
 */
int		 vg_nl_request(struct vg_nl *, uint16_t type,
		    const void *payload, size_t len, uint16_t reply_type,
		    void *reply, size_t reply_len);

int		 vg_nl_get_status(struct vg_nl *, struct audit_status *);
/* The kernel's audit status as one line of text ("enabled=1 pid=..."),
 * or "unavailable (reason)"; nl NULL: through a socket opened for the
 * call. */
void		 vg_nl_status_line(struct vg_nl *, char *buf, size_t len);
/* AUDIT_SET of the fields named in mask (AUDIT_STATUS_*). */
int		 vg_nl_set_status(struct vg_nl *, const struct audit_status *);
int		 vg_nl_set_pid(struct vg_nl *, uint32_t pid);
int		 vg_nl_set_enabled(struct vg_nl *, uint32_t enabled);
/* type AUDIT_ADD_RULE or AUDIT_DEL_RULE; len = sizeof + buflen. */
int		 vg_nl_rule(struct vg_nl *, uint16_t type,
		    const struct audit_rule_data *, size_t len);
/* AUDIT_SIGNAL_INFO answer: who last signalled the audit daemon (the
 * kernel's struct is not in the uapi headers). */
struct vg_nl_sig_info {
	uint32_t	uid;
	uint32_t	pid;
	char		ctx[256];	/* security context, NUL-terminated */
};
int		 vg_nl_signal_info(struct vg_nl *, struct vg_nl_sig_info *);

/*
 * Fills r with "-a never,exit -F pid=<pid>" on all syscalls, prepended so
 * it is evaluated first (flags AUDIT_FILTER_EXIT|AUDIT_FILTER_PREPEND;
 * clear AUDIT_FILTER_PREPEND to delete it). Returns the message length.
 */
size_t		 vg_nl_rule_self_exclude(struct audit_rule_data *r, pid_t pid);

/* Builds an nlmsghdr + payload request into buf. Returns the total length,
 * or 0 if it does not fit in cap. */
size_t		 vg_nl_build(void *buf, size_t cap, uint16_t type,
		    uint16_t flags, uint32_t seq, const void *payload,
		    size_t len);

/* What one message of a received datagram is. */
enum vg_nl_kind {
	VG_NL_END = 0,		/* no more messages */
	VG_NL_RECORD,		/* audit text record: type, data, len */
	VG_NL_ACK,		/* NLMSG_ERROR: error (0 = ack), seq */
	VG_NL_CONTROL,		/* reply to a request (AUDIT_GET ...) */
	VG_NL_NOOP,		/* NLMSG_NOOP/DONE, nothing to do */
	VG_NL_UNKNOWN,		/* well-formed, type not understood */
	VG_NL_FOREIGN,		/* sender is not the kernel */
	VG_NL_BAD,		/* short or inconsistent length: the rest of
				 * the datagram is skipped */
};

struct vg_nl_msg {
	uint16_t	 type;
	uint32_t	 seq;
	int		 error;		/* VG_NL_ACK: -errno from the kernel */
	const char	*data;		/* payload, borrowed from the datagram */
	size_t		 len;
};

/*
 * Iterates over the messages of one datagram of n bytes from sender pid
 * (sockaddr_nl.nl_pid). Every header length is checked against the bytes
 * left before use. The kernel's audit records carry nlmsg_len = payload
 * length (header not counted) on the unicast socket and the true length
 * on multicast; both are accepted when they account for the datagram.
 * Trailing NULs of a record payload are dropped.
 *	struct vg_nl_iter it; struct vg_nl_msg m;
 *	vg_nl_iter_init(&it, buf, n, pid);
 *	while ((k = vg_nl_next(&it, &m)) != VG_NL_END) ...
 */
struct vg_nl_iter {
	const unsigned char	*p;
	size_t			 left;
	uint32_t		 pid;
	int			 first;
};

void		 vg_nl_iter_init(struct vg_nl_iter *, const void *buf,
		    size_t n, uint32_t pid);
enum vg_nl_kind	 vg_nl_next(struct vg_nl_iter *, struct vg_nl_msg *);

#endif
