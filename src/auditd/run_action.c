/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * run_action.c: the auditd.conf actions that start a program: exec (a
 * program named in auditd.conf), single and halt (/sbin/init 1 or 0).
 * Used by the log writer and the plugin supervisor when there is no
 * privileged helper, and by the helper (privsep_helper.c). Never waits
 * for what it started, except to reap.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/run_action.h"
#include "vigil/log.h"

/*
 * The program is checked again right before it runs (it may have changed
 * since auditd.conf was read) and the resolved path that passed is the
 * one run: every directory on it is root's, so nobody else can swap it
 * between the check and execve(2). (fexecve(3) of a checked descriptor
 * would make a script's $0 "/dev/fd/N" and need /proc.)
 */
int
vg_auditlog_run_exe(const char *exe, int reap)
{
	char path[PATH_MAX], why[256];
	pid_t pid;

	if (exe == NULL) {
		vg_log_warnx("exec action without a program");
		errno = EINVAL;
		return -1;
	}
	if (vg_adc_exec_check(exe, path, sizeof(path), why, sizeof(why)) ==
	    -1) {
		vg_log_warnx("not running it: %s", why);
		errno = EPERM;
		return -1;
	}
	if ((pid = fork()) == -1) {
		vg_log_warn("fork for %s", exe);
		return -1;
	}
	if (pid == 0) {
		char *argv[2] = { (char *)exe, NULL };
		char *envp[1] = { NULL };
		sigset_t all_sigs;
		int sig;

		(void)close_range(3, ~0U, 0);
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		sigfillset(&all_sigs);
		sigprocmask(SIG_UNBLOCK, &all_sigs, NULL);
		execve(path, argv, envp);
		_exit(127);
	}
	/* not waited for: reaped at a later action (the helper ignores
	 * SIGCHLD instead); never waitpid(-1): plugins are children too */
	if (reap) {
		static pid_t kids[16];
		size_t i, free_slot = 0;

		for (i = 0; i < 16; i++)
			if (kids[i] > 0 && waitpid(kids[i], NULL, WNOHANG) != 0)
				kids[i] = 0;
		while (free_slot < 16 && kids[free_slot] > 0)
			free_slot++;
		if (free_slot < 16)
			kids[free_slot] = pid;
	}
	return 0;
}

void
vg_change_runlevel(const char *level)
{
	/* never in tests: the machine is shared */
	if (getenv("VIGIL_TEST_NO_LOCK") != NULL) {
		vg_log_warnx("would run /sbin/init %s (test mode: not done)",
		    level);
		return;
	}
	if (fork() == 0) {
		char *argv[3] = { (char *)"/sbin/init", (char *)level, NULL };

		execve("/sbin/init", argv, NULL);
		_exit(127);
	}
}
