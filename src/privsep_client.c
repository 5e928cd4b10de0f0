/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privsep_client.c: the daemon's side of the privileged helper
 * (privsep_helper.c forks it): the socket, one request at a time from any
 * thread, and what happens when the helper is gone. What the unprivileged
 * daemon and its outputs call; never reads their configuration, never
 * forks.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "vigil/log.h"
#include "vigil/privsep.h"
#include "privsep_priv.h"

#define STOP_WAIT_MS	1000

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static int		 sock = -1;
static pid_t		 helper;

void
vg_privsep_attach(int s, pid_t pid)
{
	sock = s;
	helper = pid;
}

int
vg_privsep_active(void)
{
	int on;

	pthread_mutex_lock(&mu);
	on = sock != -1;
	pthread_mutex_unlock(&mu);
	return on;
}

pid_t
vg_privsep_pid(void)
{
	return helper;
}

/* The helper is gone (lock held): never asked again. */
static void
lost(void)
{
	vg_log_warnx("privsep: the privileged helper (pid %d) is gone: "
	    "plugins, exec actions and rule reloads fail from now on",
	    (int)helper);
	close(sock);
	sock = -1;
	(void)waitpid(helper, NULL, WNOHANG);
}

/* One request and its answer. sendfd: passed along (CHOWN); *recvfd:
 * the descriptor that came back, if any. */
static int
request(const struct vg_priv_hdr *h, const char *spec, const char *name,
    int sendfd, int *recvfd, pid_t *pid)
{
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(4 * sizeof(int))];
	} cm;
	struct vg_priv_rep rep;
	struct iovec iov[3];
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1, err;

	pthread_mutex_lock(&mu);
	if (sock == -1) {
		pthread_mutex_unlock(&mu);
		errno = EPIPE;
		return -1;
	}
	iov[0] = (struct iovec){ (void *)h, sizeof(*h) };
	iov[1] = (struct iovec){ (void *)spec, h->speclen };
	iov[2] = (struct iovec){ (void *)name, h->namelen };
	memset(&m, 0, sizeof(m));
	m.msg_iov = iov;
	m.msg_iovlen = 3;
	if (sendfd >= 0) {
		memset(&cm, 0, sizeof(cm));
		m.msg_control = cm.b;
		m.msg_controllen = CMSG_SPACE(sizeof(int));
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &sendfd, sizeof(int));
	}
	while ((n = sendmsg(sock, &m, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	if (n == -1)
		goto gone;
	memset(&m, 0, sizeof(m));
	iov[0] = (struct iovec){ &rep, sizeof(rep) };
	m.msg_iov = iov;
	m.msg_iovlen = 1;
	m.msg_control = cm.b;
	m.msg_controllen = sizeof(cm.b);
	while ((n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC)) == -1 &&
	    errno == EINTR)
		;
	if (n <= 0)
		goto gone;
	vg_privsep_take_fds(&m, &fd);
	pthread_mutex_unlock(&mu);
	if (n != (ssize_t)sizeof(rep) || (m.msg_flags & MSG_TRUNC)) {
		if (fd >= 0)
			close(fd);
		errno = EPROTO;
		return -1;
	}
	if (rep.rc != 0) {
		if (fd >= 0)
			close(fd);
		errno = rep.err > 0 ? rep.err : EIO;
		return -1;
	}
	if (recvfd != NULL)
		*recvfd = fd;
	else if (fd >= 0)
		close(fd);
	if (pid != NULL)
		*pid = (pid_t)rep.pid;
	return 0;
gone:
	err = errno;
	lost();
	pthread_mutex_unlock(&mu);
	errno = err == 0 || n == 0 ? EPIPE : err;
	return -1;
}

static int
spec_hdr(struct vg_priv_hdr *h, enum vg_priv_type type, const char *spec,
    const char *name)
{
	size_t sl = strlen(spec), nl = name ? strlen(name) : 0;

	if (sl == 0 || sl > VG_PRIV_SPEC_MAX || nl > VG_PRIV_NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memset(h, 0, sizeof(*h));
	h->type = type;
	h->speclen = (uint32_t)sl;
	h->namelen = (uint32_t)nl;
	return 0;
}

int
vg_privsep_plugin(const char *spec, const char *name, int *fd, pid_t *pid)
{
	struct vg_priv_hdr h;

	*fd = -1;
	if (spec_hdr(&h, VG_PRIV_PLUGIN, spec, name) == -1)
		return -1;
	if (request(&h, spec, name, -1, fd, pid) == -1)
		return -1;
	if (*fd < 0 || *pid <= 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
vg_privsep_action(const char *spec, enum vg_priv_key key)
{
	struct vg_priv_hdr h;

	if (spec_hdr(&h, VG_PRIV_ACTION, spec, NULL) == -1)
		return -1;
	h.key = (uint32_t)key;
	return request(&h, spec, "", -1, NULL, NULL);
}

int
vg_privsep_chown(const char *spec, int fd)
{
	struct vg_priv_hdr h;

	if (spec_hdr(&h, VG_PRIV_CHOWN, spec, NULL) == -1)
		return -1;
	return request(&h, spec, "", fd, NULL, NULL);
}

int
vg_privsep_rules(void)
{
	struct vg_priv_hdr h;

	memset(&h, 0, sizeof(h));
	h.type = VG_PRIV_RULES;
	return request(&h, "", "", -1, NULL, NULL);
}

void
vg_privsep_stop(void)
{
	struct timespec ts = { 0, 10 * 1000000L };
	int waited;

	pthread_mutex_lock(&mu);
	if (sock != -1) {
		close(sock);
		sock = -1;
		for (waited = 0; waited < STOP_WAIT_MS; waited += 10) {
			if (waitpid(helper, NULL, WNOHANG) != 0)
				break;
			nanosleep(&ts, NULL);
		}
	}
	pthread_mutex_unlock(&mu);
}
