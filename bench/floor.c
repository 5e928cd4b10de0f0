/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * floor.c: the smallest useful audit daemon, the floor vigild is measured
 * against in bench/ab.sh (mode "floor"): becomes the audit pid, 64 MiB
 * receive buffer, recvmmsg() batches of 64, writes 3 bytes per event
 * (EOE or single-record message) and nothing else. With -d MS it sleeps MS
 * milliseconds after every short batch so that messages coalesce. With -w
 * (mode "floor-write") it writes every record instead, as auditd's RAW
 * line "type=T msg=PAYLOAD" (T a number, SYSCALL by name; no EOE lines):
 * the least a daemon that keeps what it receives on disk must pay, about
 * the bytes vigild and auditd write, with no parsing; with the same 8 MiB
 * page-cache drop-behind as vigild's file outputs (dropbehind.h). Sets
 * enabled 1; on SIGTERM/SIGINT sets pid 0 and enabled 0 (the benchmark's
 * idle state). Events are approximate: an EOE, or a message outside the
 * 1300-1399 kernel event range. Not part of vigild; built by vbench.py.
 */
#define _GNU_SOURCE	/* recvmmsg */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH	64
#define MSGMAX	(8970 + NLMSG_HDRLEN + 64)	/* kernel MAX_AUDIT_MESSAGE_LENGTH */
#define KEVENT_FIRST	1300	/* kernel syscall-event records, to EOE */
#define KEVENT_LAST	1399

static volatile sig_atomic_t stop;
static char bufs[BATCH][MSGMAX];
static char out[256 * 1024];	/* vigild's file output flushes at 256 KiB */
static size_t outlen;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* AUDIT_SET; waits for the kernel's ack. 0 or -1 + errno. */
static int
audit_set(int fd, unsigned mask, unsigned enabled, unsigned pid)
{
	struct {
		struct nlmsghdr		h;
		struct audit_status	s;
	} req;
	char reply[MSGMAX];
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;
	struct nlmsgerr *e;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t n;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = AUDIT_SET;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.h.nlmsg_seq = 1;
	req.s.mask = mask;
	req.s.enabled = enabled;
	req.s.pid = pid;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel,
	    sizeof(kernel)) == -1)
		return -1;
	for (;;) {
		if (poll(&pfd, 1, 2000) <= 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		n = recv(fd, reply, sizeof(reply), MSG_DONTWAIT);
		if (n == -1 && errno == EAGAIN)
			continue;
		if (n < (ssize_t)NLMSG_HDRLEN)
			return -1;
		h = (struct nlmsghdr *)reply;
		if (h->nlmsg_type != NLMSG_ERROR)
			continue;	/* an audit record: not ours */
		if ((size_t)n < NLMSG_HDRLEN + sizeof(*e))
			return -1;
		e = NLMSG_DATA(h);
		if (e->error == 0)
			return 0;
		errno = -e->error;
		return -1;
	}
}

#define WINDOW	(8 << 20)
static off_t written, started, lag, dropped;
static int raw;

/* Drop-behind as vigild's (src/outputs/dropbehind.c), for -w. */
static void
drop_behind(int ofd)
{
	if (written - started < WINDOW)
		return;
	if (lag > dropped) {
		sync_file_range(ofd, dropped, lag - dropped,
		    SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
		    SYNC_FILE_RANGE_WAIT_AFTER);
		posix_fadvise(ofd, dropped, lag - dropped,
		    POSIX_FADV_DONTNEED);
		dropped = lag;
	}
	lag = started;
	sync_file_range(ofd, started, written - started,
	    SYNC_FILE_RANGE_WRITE);
	started = written;
}

static void
flush_out(int ofd)
{
	if (outlen > 0 && write(ofd, out, outlen) == -1)
		perror("floor: write");
	written += (off_t)outlen;
	outlen = 0;
	if (raw)
		drop_behind(ofd);
}

/* "type=T msg=PAYLOAD\n" into out, flushed when full. */
static void
put_record(int ofd, const struct nlmsghdr *h, unsigned got)
{
	size_t len = h->nlmsg_len <= got ? h->nlmsg_len : got;
	const char *p = (const char *)NLMSG_DATA(h);
	char head[32];
	int hl;

	len = len > NLMSG_HDRLEN ? len - NLMSG_HDRLEN : 0;
	while (len > 0 && p[len - 1] == '\0')
		len--;
	if (h->nlmsg_type == AUDIT_SYSCALL)
		hl = snprintf(head, sizeof(head), "type=SYSCALL msg=");
	else
		hl = snprintf(head, sizeof(head), "type=%u msg=",
		    (unsigned)h->nlmsg_type);
	if (outlen + (size_t)hl + len + 1 > sizeof(out))
		flush_out(ofd);
	if ((size_t)hl + len + 1 > sizeof(out))
		return;		/* longer than the buffer: cannot happen */
	memcpy(out + outlen, head, (size_t)hl);
	memcpy(out + outlen + hl, p, len);
	outlen += (size_t)hl + len;
	out[outlen++] = '\n';
}

int
main(int argc, char *argv[])
{
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_nl src[BATCH];
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	struct pollfd pfd;
	struct timespec delay = { 0, 0 };
	unsigned long long records = 0, events = 0, enobufs = 0, eoe = 0;
	const char *opath = "/dev/null";
	int fd, ofd, ch, i, n, rcvbuf = 64 << 20;
	struct nlmsghdr *h;

	while ((ch = getopt(argc, argv, "d:o:w")) != -1) {
		switch (ch) {
		case 'd':
			delay.tv_nsec = strtol(optarg, NULL, 10) * 1000000L;
			break;
		case 'o':
			opath = optarg;
			break;
		case 'w':
			raw = 1;
			break;
		default:
			fprintf(stderr, "usage: floor [-d MS] [-o FILE] [-w]\n");
			return 2;
		}
	}
	if ((ofd = open(opath, O_WRONLY | O_CREAT | O_APPEND, 0600)) == -1) {
		perror(opath);
		return 1;
	}
	written = started = lag = dropped = lseek(ofd, 0, SEEK_END);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd == -1 || bind(fd, (struct sockaddr *)&local,
	    sizeof(local)) == -1) {
		perror("floor: netlink");
		return 1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf)) == -1)
		perror("floor: SO_RCVBUFFORCE");
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (audit_set(fd, AUDIT_STATUS_PID | AUDIT_STATUS_ENABLED, 1,
	    (unsigned)getpid()) == -1) {
		perror("floor: AUDIT_SET pid");
		return 1;
	}
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = MSGMAX;
		memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &src[i];
		msgs[i].msg_hdr.msg_namelen = sizeof(src[i]);
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (!stop) {
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		for (;;) {
			for (i = 0; i < BATCH; i++)
				msgs[i].msg_hdr.msg_namelen = sizeof(src[i]);
			n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
			if (n == -1) {
				if (errno == ENOBUFS) {
					enobufs++;
					continue;
				}
				break;		/* EAGAIN, EINTR */
			}
			for (i = 0; i < n; i++) {
				if (src[i].nl_pid != 0 ||
				    msgs[i].msg_len < NLMSG_HDRLEN)
					continue;
				h = (struct nlmsghdr *)bufs[i];
				if (h->nlmsg_type < AUDIT_FIRST_USER_MSG)
					continue;	/* acks, control */
				if (h->nlmsg_type == AUDIT_EOE) {
					eoe++;
				} else {
					records++;
					if (raw)
						put_record(ofd, h,
						    msgs[i].msg_len);
					/* syscall events end at EOE; other
					 * kernel messages stand alone */
					if (h->nlmsg_type >= KEVENT_FIRST &&
					    h->nlmsg_type <= KEVENT_LAST)
						continue;
				}
				events++;
				if (raw)
					continue;
				if (outlen + 3 > sizeof(out))
					flush_out(ofd);
				memcpy(out + outlen, "ev\n", 3);
				outlen += 3;
			}
			if (n < BATCH)
				break;
		}
		flush_out(ofd);
		if (delay.tv_nsec)
			nanosleep(&delay, NULL);
	}
	flush_out(ofd);
	if (audit_set(fd, AUDIT_STATUS_PID | AUDIT_STATUS_ENABLED, 0, 0) == -1)
		perror("floor: AUDIT_SET restore");
	fprintf(stderr, "floor: records=%llu events=%llu eoe=%llu "
	    "enobufs=%llu\n", records, events, eoe, enobufs);
	return 0;
}
