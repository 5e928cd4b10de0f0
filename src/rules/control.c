/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.c: the auditctl commands that are not rules: -t (trim tree
 * watches), -q (make mounts equivalent), --signal (to the audit daemon)
 * and -m (a user message). The one place they are checked and run, for
 * the command line and rule-file lines alike (vg_rk_exec calls in here).
 * Never prints: messages go to the caller's struct vg_err.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/netlink.h>

#include "vigil/netlink.h"
#include "vigil/rules.h"
#include "rules/rules_priv.h"

/*
 * libaudit's message size limit (MAX_AUDIT_MESSAGE_LENGTH): netlink
 * header plus the NUL-terminated text, aligned, must fit. auditctl -m
 * fails beyond it; the kernel cuts msg='' at 8560 characters anyway.
 */
#define UMSG_MAX	8970
#define EQUIV_MAX	4096	/* each path of -q, as PATH_MAX */

static int __attribute__((format(printf, 2, 3)))
say(struct vg_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- checks made while compiling (parse.c) ---- */

/*
 * -q mount-point,subtree: one comma, a subtree after it; an empty
 * mount-point is the kernel's to refuse (EINVAL), as with auditctl.
 */
int
vg_ctl_equiv_ok(const char *arg)
{
	const char *comma = strchr(arg, ',');

	return comma != NULL && comma[1] != '\0' &&
	    strchr(comma + 1, ',') == NULL &&
	    (size_t)(comma - arg) < EQUIV_MAX &&
	    strlen(comma + 1) < EQUIV_MAX;
}

/*
 * --signal names as auditctl 3.0.9 takes them (case-insensitive), with
 * the service verbs later versions added. 0 if unknown.
 */
int
vg_ctl_signal_number(const char *name)
{
	static const struct {
		const char	*name, *alias;
		int		 sig;
	} sigs[] = {
		{ "TERM", "stop", SIGTERM }, { "HUP", "reload", SIGHUP },
		{ "USR1", "rotate", SIGUSR1 }, { "USR2", "resume", SIGUSR2 },
		{ "CONT", "state", SIGCONT },
	};
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcasecmp(name, sigs[i].name) == 0 ||
		    strcasecmp(name, sigs[i].alias) == 0)
			return sigs[i].sig;
	return 0;
}

/* -m text: auditctl refuses bytes below 0x20 and above 0x7f (it compares
 * a signed char < 32). */
int
vg_ctl_usermsg_ok(const char *text)
{
	const unsigned char *s;

	for (s = (const unsigned char *)text; *s; s++)
		if (*s < 0x20 || *s > 0x7f)
			return 0;
	return 1;
}

/* ---- running them ---- */

/* -t: AUDIT_TRIM, no payload. */
static int
trim(struct vg_nl *nl, struct vg_err *err)
{
	if (vg_nl_request(nl, AUDIT_TRIM, NULL, 0, 0, NULL, 0) < 0)
		return say(err, "Error sending trim subtrees command (%s)",
		    strerror(errno));
	return 0;
}

/*
 * -q: AUDIT_MAKE_EQUIV with two u32 lengths and the two paths
 * unterminated. The kernel tags every mount under subtree for each tree
 * watch that mount-point lies in.
 */
static int
equiv(struct vg_nl *nl, const char *arg, struct vg_err *err)
{
	const char *comma = strchr(arg, ',');
	unsigned char msg[8 + 2 * EQUIV_MAX];
	uint32_t sz[2];

	if (comma == NULL || !vg_ctl_equiv_ok(arg))
		return say(err, "Error parsing equivalent parts");
	sz[0] = (uint32_t)(comma - arg);
	sz[1] = (uint32_t)strlen(comma + 1);
	memcpy(msg, sz, sizeof(sz));
	memcpy(msg + 8, arg, sz[0]);
	memcpy(msg + 8 + sz[0], comma + 1, sz[1]);
	if (vg_nl_request(nl, AUDIT_MAKE_EQUIV, msg, 8 + sz[0] + sz[1], 0,
	    NULL, 0) < 0)
		return say(err, "Error sending make_equivalent command (%s)",
		    strerror(errno));
	return 0;
}

/*
 * --signal: the audit daemon is whoever the kernel lists as audit pid.
 * None is not an error for auditctl: it says so and goes on (1 here).
 */
static int
signal_daemon(struct vg_nl *nl, int sig, struct vg_err *err)
{
	struct audit_status st;

	if (vg_nl_get_status(nl, &st) < 0)
		return say(err, "Error getting status (%s)", strerror(errno));
	if (st.pid == 0) {
		say(err, "Auditd is not running");
		return 1;
	}
	if (kill((pid_t)st.pid, sig) < 0)
		return say(err, "Failed sending signal to auditd (%s)",
		    strerror(errno));
	return 0;
}

/* exe= as libaudit writes it: quoted, or hex when a byte needs it. */
static void
umsg_exe(char *out, size_t cap)
{
	static const char hex[] = "0123456789ABCDEF";
	char path[4096];
	ssize_t n, i;
	size_t o = 0;

	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n < 0) {
		snprintf(out, cap, "\"?\"");
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];

		if (c == '"' || c < 0x21 || c >= 0x7f)
			break;
	}
	if (i == n) {
		snprintf(out, cap, "\"%.*s\"", (int)n, path);
		return;
	}
	for (i = 0; i < n && o + 2 < cap; i++) {
		out[o++] = hex[(unsigned char)path[i] >> 4];
		out[o++] = hex[(unsigned char)path[i] & 0x0f];
	}
	out[o] = '\0';
}

/*
 * terminal= and hostname= as libaudit deduces them: the tty of fd 0, 1
 * or 2 without "/dev/" ("?" if none, or if it is not a character device,
 * or a linked one outside /dev); the local host name only for a pts/tty.
 */
static void
umsg_tty(char *tty, size_t tcap, char *host, size_t hcap)
{
	char name[64];
	struct stat sb;
	int fd;

	snprintf(tty, tcap, "?");
	snprintf(host, hcap, "?");
	for (fd = 0; fd < 3; fd++)
		if (ttyname_r(fd, name, sizeof(name)) == 0 && name[0])
			break;
	if (fd == 3 || lstat(name, &sb) < 0 || !S_ISCHR(sb.st_mode) ||
	    (sb.st_nlink > 1 && strncmp(name, "/dev/", 5) != 0))
		return;
	snprintf(tty, tcap, "%s", strncmp(name, "/dev/", 5) == 0 ?
	    name + 5 : name);
	if (strncmp(tty, "pts", 3) == 0 || strncmp(tty, "tty", 3) == 0 ||
	    strncmp(tty, "/dev/tty", 8) == 0) {
		if (gethostname(host, hcap) < 0)
			snprintf(host, hcap, "?");
		host[hcap - 1] = '\0';
	}
}

/*
 * -m: one AUDIT_USER message as libaudit's audit_log_user_message()
 * writes it; the kernel adds pid, uid, auid, ses and subj. A disabled
 * audit system drops it (ECONNREFUSED) and that is no error.
 */
static int
usermsg(struct vg_nl *nl, const char *text, struct vg_err *err)
{
	char msg[UMSG_MAX], exe[2 * 4096 + 1], tty[64], host[64];
	size_t len;
	int w;

	if (!vg_ctl_usermsg_ok(text))
		return say(err, "Illegal character in audit event");
	umsg_exe(exe, sizeof(exe));
	umsg_tty(tty, sizeof(tty), host, sizeof(host));
	w = snprintf(msg, sizeof(msg), "text=%s exe=%s hostname=%s addr=? "
	    "terminal=%s res=success", text, exe, host, tty);
	len = w < 0 ? sizeof(msg) : (size_t)w + 1;	/* with the NUL */
	if (NLMSG_SPACE(len) > UMSG_MAX)
		return say(err, "user message too long (%zu bytes with its "
		    "fields, at most %d)", len - 1, UMSG_MAX - NLMSG_HDRLEN -
		    3);
	if (vg_nl_request(nl, AUDIT_USER, msg, len, 0, NULL, 0) < 0 &&
	    errno != ECONNREFUSED)
		return say(err, "Error sending user message (%s)",
		    strerror(errno));
	return 0;
}

int
vg_ctl_exec(struct vg_nl *nl, const struct vg_rule *r, struct vg_err *err)
{
	switch (r->cmd) {
	case VG_RC_TRIM:
		return trim(nl, err);
	case VG_RC_MAKE_EQUIV:
		return equiv(nl, r->arg ? r->arg : "", err);
	case VG_RC_SIGNAL:
		return signal_daemon(nl, (int)r->value, err);
	case VG_RC_USER_MSG:
		return usermsg(nl, r->arg ? r->arg : "", err);
	default:
		errno = EINVAL;
		return say(err, "not a control command");
	}
}
