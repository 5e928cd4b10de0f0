/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privsep_helper.c: vigild's privileged helper. vigild forks it before it
 * drops its own capabilities (caps.c); the helper keeps what auditd has
 * and answers four named requests over a SOCK_SEQPACKET pair, one at a
 * time. It takes no path, program or rule from the daemon: a request
 * names an output it knew at fork time (and a plugins.d file name), and
 * the helper reads those files itself, as syslogd's privsep parent does.
 * The daemon's side is privsep_client.c. Never parses an audit record;
 * never runs Lua; never creates a thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "vigil/auditd/log_writer.h"
#include "vigil/auditd/run_action.h"
#include "vigil/log.h"
#include "vigil/outfile.h"
#include "vigil/auditd/plugin_supervisor.h"
#include "vigil/privsep.h"
#include "vigil/setup.h"
#include "privsep_priv.h"

#define HELPER_FD	3	/* the helper's end once the rest is closed */

/* What the helper learned at fork time, then frozen. */
static char *const	*h_specs;
static int		 h_nspecs;
static const char	*h_rules_path;
static pid_t		 h_daemon;

static int
known_spec(const char *spec)
{
	int i;

	for (i = 0; i < h_nspecs; i++)
		if (strcmp(h_specs[i], spec) == 0)
			return 1;
	return 0;
}

/* clone3 (any architecture), else the old clone's x86/arm argument
 * order; CLONE_PARENT takes the exit signal from us (SIGCHLD). */
struct clone3_args {
	uint64_t	flags, pidfd, child_tid, parent_tid, exit_signal,
			stack, stack_size, tls;
};

static pid_t
clone_parent(void)
{
	struct clone3_args a;
	long pid;

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_PARENT;
#ifdef SYS_clone3
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid != -1 || errno != ENOSYS)
		return (pid_t)pid;
#endif
	pid = syscall(SYS_clone, (unsigned long)CLONE_PARENT, NULL, NULL, NULL,
	    0UL);
	return (pid_t)pid;
}

/*
 * A plugin for the daemon, with our capabilities. CLONE_PARENT makes it
 * the daemon's child: the daemon waits for it and sees it exit as when it
 * forks the plugin itself (auditd/plugin_supervisor.c).
 */
static int
h_plugin(const struct vg_priv_req *r, int *fd, pid_t *pid)
{
	struct vg_plugin_conf c;
	int sv[2], saved;
	pid_t p;

	if (vg_plugins_lookup(r->spec, r->name, &c) == -1)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1) {
		saved = errno;
		vg_plugin_conf_free(&c);
		errno = saved;
		return -1;
	}
	if ((p = clone_parent()) == 0)
		vg_plugins_exec(&c, sv[1]);	/* never returns */
	saved = errno;
	close(sv[1]);
	vg_plugin_conf_free(&c);
	if (p == -1) {
		close(sv[0]);
		errno = saved;
		return -1;
	}
	vg_log_debug("privsep: plugin %s: pid %d", r->name, (int)p);
	*fd = sv[0];
	*pid = p;
	return 0;
}

static int
h_action(const struct vg_priv_req *r)
{
	enum vg_adc_action a;
	char *exe = NULL;
	int rc = 0;

	if (r->key == VG_PRIV_OVERFLOW) {
		if (vg_plugins_overflow_of(r->spec, &a) == -1)
			return -1;
	} else if (vg_auditlog_action_of(r->spec, r->key, &a, &exe) == -1)
		return -1;
	switch (a) {
	case VG_ADC_EXEC:
		if (exe == NULL) {
			errno = EINVAL;
			rc = -1;
			break;
		}
		rc = vg_auditlog_run_exe(exe, 0);	/* SIGCHLD ignored */
		break;
	case VG_ADC_SINGLE:
		vg_change_runlevel("1");
		break;
	case VG_ADC_HALT:
		vg_change_runlevel("0");
		break;
	default:	/* nothing privileged: the daemon does it itself */
		errno = EINVAL;
		rc = -1;
		break;
	}
	free(exe);
	return rc;
}

/* The file a configured output writes and the group it gets, as the
 * output reads its configuration. 0, or -1 (no such file or no group). */
static int
spec_file(const char *spec, char **path, gid_t *group)
{
	if (vg_auditlog_file_of(spec, path, group) == -1 &&
	    vg_outfile_file_of(spec, path, group) == -1)
		return -1;
	if (*group == (gid_t)-1) {
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

/* The directory of the log an auditd: output writes with a group: it
 * gets log_group too, as auditd gives it. 0, or -1 (none). */
static int
spec_dir(const char *spec, char **path, gid_t *group)
{
	char *slash;

	if (vg_auditlog_file_of(spec, path, group) == -1)
		return -1;
	if (*group == (gid_t)-1 || (slash = strrchr(*path, '/')) == NULL ||
	    slash == *path) {
		free(*path);
		*path = NULL;
		return -1;
	}
	*slash = '\0';
	return 0;
}

/* The group of a log file the daemon opened (r->spec: its path, as
 * configured), or of the auditd log's directory: fd must be the file (the
 * directory) a configured output names, as it is on disk now, and gets
 * that output's group. */
static int
h_chown(const struct vg_priv_req *r, int fd)
{
	struct stat a, b;
	char *path = NULL;
	gid_t group = (gid_t)-1;
	int i, dir, rc = -1;

	if (fstat(fd, &a) == -1)
		return -1;
	dir = S_ISDIR(a.st_mode);
	for (i = 0; i < h_nspecs; i++) {
		if ((dir ? spec_dir : spec_file)(h_specs[i], &path,
		    &group) == 0 && strcmp(path, r->spec) == 0)
			break;
		free(path);
		path = NULL;
	}
	if (path == NULL) {
		vg_log_warnx("privsep: chown: %s is no configured log with a "
		    "group", r->spec);
		errno = EPERM;
		return -1;
	}
	/* the log's directory may be a link, as when the log is opened;
	 * the log itself never */
	if ((dir ? stat(path, &b) : lstat(path, &b)) == -1)
		goto out;
	if ((dir ? !S_ISDIR(b.st_mode) : !S_ISREG(a.st_mode) ||
	    !S_ISREG(b.st_mode)) || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		vg_log_warnx("privsep: chown: the descriptor is not %s", path);
		errno = EPERM;
		goto out;
	}
	rc = fchown(fd, (uid_t)-1, group);
out:
	free(path);
	return rc;
}

static int
h_rules(void)
{
	if (h_rules_path == NULL) {
		errno = EPERM;
		return -1;
	}
	return vg_setup_load_rules(h_rules_path, h_daemon);
}

static void
h_reply(int s, const struct vg_priv_rep *rep, int fd)
{
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { (void *)rep, sizeof(*rep) };
	struct msghdr m;
	struct cmsghdr *c;

	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&cm, 0, sizeof(cm));
		m.msg_control = cm.b;
		m.msg_controllen = sizeof(cm.b);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	while (sendmsg(s, &m, MSG_NOSIGNAL) == -1 && errno == EINTR)
		;
}

static void __attribute__((noreturn))
h_serve(int s)
{
	static unsigned char buf[sizeof(struct vg_priv_hdr) +
	    VG_PRIV_SPEC_MAX + VG_PRIV_NAME_MAX];
	static struct vg_priv_req r;
	union {
		struct cmsghdr	h;
		char		b[CMSG_SPACE(4 * sizeof(int))];
	} cm;
	struct vg_priv_rep rep;
	struct iovec iov;
	struct msghdr m;
	ssize_t n;
	int fd, pfd;
	pid_t pid;

	for (;;) {
		memset(&m, 0, sizeof(m));
		iov.iov_base = buf;
		iov.iov_len = sizeof(buf);
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = cm.b;
		m.msg_controllen = sizeof(cm.b);
		n = recvmsg(s, &m, MSG_CMSG_CLOEXEC);
		if (n == 0)
			_exit(0);	/* the daemon is gone or stopped us */
		if (n == -1) {
			if (errno == EINTR)
				continue;
			vg_log_warn("privsep: recvmsg");
			_exit(1);
		}
		vg_privsep_take_fds(&m, &fd);
		memset(&rep, 0, sizeof(rep));
		pfd = -1;
		pid = 0;
		if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ||
		    vg_privsep_parse(buf, (size_t)n, &r) == -1 ||
		    (fd >= 0) != (r.type == VG_PRIV_CHOWN)) {
			vg_log_warnx("privsep: malformed request refused");
			rep.rc = -1;
			rep.err = EINVAL;
		} else if ((r.type == VG_PRIV_PLUGIN ||
		    r.type == VG_PRIV_ACTION) && !known_spec(r.spec)) {
			vg_log_warnx("privsep: request for an output not "
			    "configured at start refused");
			rep.rc = -1;
			rep.err = EPERM;
		} else {
			switch (r.type) {
			case VG_PRIV_PLUGIN:
				rep.rc = h_plugin(&r, &pfd, &pid);
				break;
			case VG_PRIV_ACTION:
				rep.rc = h_action(&r);
				break;
			case VG_PRIV_CHOWN:
				rep.rc = h_chown(&r, fd);
				break;
			case VG_PRIV_RULES:
				rep.rc = h_rules();
				break;
			}
			rep.err = rep.rc == -1 ? errno : 0;
			rep.pid = (int32_t)pid;
		}
		if (fd >= 0)
			close(fd);
		h_reply(s, &rep, pfd);
		if (pfd >= 0)
			close(pfd);
	}
}

/* The helper's process: its own name, only its socket and stdio kept,
 * the daemon's signals ignored (it ends when the daemon closes). */
static void __attribute__((noreturn))
h_main(int s)
{
	static const int ign[] = { SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2,
	    SIGPIPE, SIGCHLD };
	sigset_t none;
	size_t i;
	int nul;

	(void)prctl(PR_SET_NAME, "vigild-priv", 0, 0, 0);
	if (s != HELPER_FD) {
		if (dup3(s, HELPER_FD, O_CLOEXEC) == -1)
			_exit(1);
		s = HELPER_FD;
	}
	(void)close_range(HELPER_FD + 1, ~0U, 0);
	if ((nul = open("/dev/null", O_RDONLY | O_CLOEXEC)) != -1) {
		(void)dup2(nul, STDIN_FILENO);
		close(nul);
	}
	for (i = 0; i < sizeof(ign) / sizeof(ign[0]); i++)
		signal(ign[i], SIG_IGN);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	h_serve(s);
}

int
vg_privsep_start(char *const *specs, int nspecs, const char *rules)
{
	pid_t pid, daemon_pid = getpid();
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == -1) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	if (pid == 0) {
		close(sv[0]);
		h_specs = specs;
		h_nspecs = nspecs;
		h_rules_path = rules;
		h_daemon = daemon_pid;
		h_main(sv[1]);
	}
	close(sv[1]);
	vg_privsep_attach(sv[0], pid);
	return 0;
}
