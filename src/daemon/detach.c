/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * detach.c: daemon(3), but the starting process waits and exits with the
 * daemon's start status, as auditd's: init scripts see failures.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>

#include "vigil/log.h"

#include "daemon.h"

static int ready_fd = -1;

void
vg_daemon_detach(void)
{
	unsigned char c;
	ssize_t n;
	pid_t pid;
	int p[2], st;

	if (pipe2(p, O_CLOEXEC) == -1)
		vg_fatal("pipe");
	if ((pid = fork()) == -1)
		vg_fatal("fork");
	if (pid > 0) {
		close(p[1]);
		while ((n = read(p[0], &c, 1)) == -1 && errno == EINTR)
			;
		if (n == 1)
			_exit(c);
		/* closed without a word: it exited, and its status is ours */
		if (waitpid(pid, &st, 0) == pid && WIFEXITED(st))
			_exit(WEXITSTATUS(st));
		_exit(1);
	}
	close(p[0]);
	if (setsid() == -1)
		vg_fatal("setsid");
	ready_fd = p[1];
}

/* Running: stdio to /dev/null, and the starting process exits 0. */
void
vg_daemon_ready(void)
{
	unsigned char ok = 0;
	int nul;

	if (ready_fd == -1)
		return;
	if (chdir("/") == -1)
		vg_log_warn("chdir /");
	if ((nul = open("/dev/null", O_RDWR | O_CLOEXEC)) != -1) {
		(void)dup2(nul, STDIN_FILENO);
		(void)dup2(nul, STDOUT_FILENO);
		(void)dup2(nul, STDERR_FILENO);
		close(nul);
	}
	(void)!write(ready_fd, &ok, 1);
	close(ready_fd);
	ready_fd = -1;
}
