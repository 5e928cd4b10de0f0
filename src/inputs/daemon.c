/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon.c: what makes vigild the kernel's audit daemon (the unicast
 * input): the control socket, the self-exclusion rule, the audit pid
 * (taken from a live holder with --force), enabled=1, the kernel status
 * for dumps, and putting every change back on close, at exit(3), or from
 * a fatal signal; and the kernel rules of pushdown = yes (pushdown.h),
 * added ahead of the loaded rules and removed like the self-exclusion
 * rule. The records themselves are read by receive.c; the only
 * request sent from its socket is AUDIT_SET pid, which must come from the
 * socket the kernel is to send to.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/netlink.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vigil/input.h"
#include "vigil/live.h"
#include "vigil/log.h"
#include "vigil/netlink.h"
#include "vigil/pushdown.h"
#include "vigil/rules.h"

#define TAKEOVER_MS	5000		/* --force: wait for the old holder */
#define VG_PD_MAX	64		/* pushdown rules at most */

/* What one unicast input changed in the kernel, to be put back. */
struct vg_live_daemon {
	const char		*name;
	struct vg_nl		*data;		/* the input's socket, borrowed */
	struct vg_nl		*ctl;		/* requests */
	int			 is_daemon;	/* we hold the audit pid */
	int			 rule_added;
	int			 enabled_changed;
	uint32_t		 prev_enabled;
	struct vg_rule		*pd;		/* pushdown rules we added */
	size_t			 npd;
	struct vg_live_daemon	*next;		/* open ones */
	struct audit_rule_data	 rule;		/* last: flexible buf[] */
};

static struct vg_live_daemon *live_daemons;	/* atexit, crash restore */

/* Crash restore: one prebuilt datagram (enabled, rules, pid) sent from a
 * signal handler without waiting for acks; grown by crash_arm only. */
static unsigned char	*crash_msg;
static size_t		 crash_len, crash_cap;
static volatile sig_atomic_t crash_fd = -1;
static struct sigaction	 crash_old[32];
static const int	 crash_sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
			    SIGABRT };

/* Best-effort restore from a fatal signal: async-signal-safe only. */
static void
on_crash(int sig)
{
	struct sockaddr_nl sa;
	int fd = crash_fd;

	if (fd >= 0 && crash_len > 0) {
		memset(&sa, 0, sizeof(sa));
		sa.nl_family = AF_NETLINK;
		(void)sendto(fd, crash_msg, crash_len, 0,
		    (struct sockaddr *)&sa, sizeof(sa));
		crash_fd = -1;
	}
	if (sig > 0 && sig < 32)
		sigaction(sig, &crash_old[sig], NULL);
	raise(sig);
}

/* Prebuilds the crash datagram from what d has changed. */
static void
crash_arm(struct vg_live_daemon *d)
{
	struct audit_status st;
	struct audit_rule_data r;
	struct sigaction sa;
	unsigned char *nm;
	size_t n = 0, cap, i;

	crash_fd = -1;
	cap = 3 * NLMSG_ALIGN(NLMSG_HDRLEN + sizeof(r));
	for (i = 0; i < d->npd; i++)
		cap += NLMSG_ALIGN(NLMSG_HDRLEN + d->pd[i].datalen);
	if (cap > crash_cap) {
		if ((nm = realloc(crash_msg, cap)) == NULL) {
			vg_log_warn("%s: crash restore buffer", d->name);
			crash_len = 0;
			return;
		}
		crash_msg = nm;
		crash_cap = cap;
	}
	if (d->enabled_changed) {
		memset(&st, 0, sizeof(st));
		st.mask = AUDIT_STATUS_ENABLED;
		st.enabled = d->prev_enabled;
		n += vg_nl_build(crash_msg + n, cap - n, AUDIT_SET,
		    NLM_F_REQUEST, 1, &st, sizeof(st));
		n = NLMSG_ALIGN(n);
	}
	for (i = 0; i < d->npd; i++) {
		n += vg_nl_build(crash_msg + n, cap - n, AUDIT_DEL_RULE,
		    NLM_F_REQUEST, 4, d->pd[i].data, d->pd[i].datalen);
		n = NLMSG_ALIGN(n);
	}
	if (d->rule_added) {
		r = d->rule;
		r.flags &= ~AUDIT_FILTER_PREPEND;
		n += vg_nl_build(crash_msg + n, cap - n, AUDIT_DEL_RULE,
		    NLM_F_REQUEST, 2, &r, sizeof(r));
		n = NLMSG_ALIGN(n);
	}
	if (d->is_daemon) {
		memset(&st, 0, sizeof(st));
		st.mask = AUDIT_STATUS_PID;
		n += vg_nl_build(crash_msg + n, cap - n, AUDIT_SET,
		    NLM_F_REQUEST, 3, &st, sizeof(st));
	}
	crash_len = n;
	if (n == 0 || d->ctl == NULL)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	for (i = 0; i < sizeof(crash_sigs) / sizeof(crash_sigs[0]); i++)
		sigaction(crash_sigs[i], &sa, &crash_old[crash_sigs[i]]);
	crash_fd = vg_nl_fd(d->ctl);
}

/* Deletes the pushdown rules d added (a -D may have removed them: ENOENT
 * is fine) and the state file that marks them. */
static void
pushdown_remove(struct vg_live_daemon *d)
{
	size_t i;

	for (i = 0; i < d->npd; i++) {
		if (d->ctl != NULL && vg_nl_rule(d->ctl, AUDIT_DEL_RULE,
		    d->pd[i].data, d->pd[i].datalen) == -1 && errno != ENOENT)
			vg_log_warn("%s: delete pushdown rule", d->name);
		vg_rule_free(&d->pd[i]);
	}
	if (d->npd > 0 && vg_pushdown_state_remove() == -1)
		vg_log_warn("%s: remove the pushdown state file", d->name);
	free(d->pd);
	d->pd = NULL;
	d->npd = 0;
}

static void
crash_disarm(void)
{
	size_t i;

	if (crash_fd < 0)
		return;
	crash_fd = -1;
	for (i = 0; i < sizeof(crash_sigs) / sizeof(crash_sigs[0]); i++)
		sigaction(crash_sigs[i], &crash_old[crash_sigs[i]], NULL);
}

/* Puts back what d changed in the kernel. Idempotent. */
static void
restore_kernel(struct vg_live_daemon *d)
{
	struct audit_rule_data r;

	if (d->ctl == NULL)
		return;
	if (d->enabled_changed) {
		if (vg_nl_set_enabled(d->ctl, d->prev_enabled) == -1)
			vg_log_warn("%s: restore enabled=%" PRIu32, d->name,
			    d->prev_enabled);
		d->enabled_changed = 0;
	}
	pushdown_remove(d);
	if (d->rule_added) {
		r = d->rule;
		r.flags &= ~AUDIT_FILTER_PREPEND;
		if (vg_nl_rule(d->ctl, AUDIT_DEL_RULE, &r, sizeof(r)) == -1) {
			if (errno == ENOENT)	/* e.g. auditctl -D */
				vg_log_info("%s: self-exclusion rule already "
				    "gone", d->name);
			else
				vg_log_warn("%s: delete self-exclusion rule",
				    d->name);
		}
		d->rule_added = 0;
	}
	if (d->is_daemon) {
		if (vg_nl_set_pid(d->ctl, 0) == -1)
			vg_log_warn("%s: restore audit pid 0", d->name);
		d->is_daemon = 0;
	}
}

static void
restore_at_exit(void)
{
	struct vg_live_daemon *d;

	for (d = live_daemons; d != NULL; d = d->next)
		restore_kernel(d);
	crash_disarm();
}

static void
unlink_daemon(struct vg_live_daemon *d)
{
	struct vg_live_daemon **pp;

	for (pp = &live_daemons; *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
}

void
vg_live_daemon_stop(struct vg_live_daemon *d)
{
	if (d == NULL)
		return;
	crash_disarm();
	restore_kernel(d);
	unlink_daemon(d);
	vg_nl_close(d->ctl);
	free(d);
}

/* Name of a process for messages: /proc/PID/comm, or "?". */
static void
proc_comm(uint32_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(buf, len, "?");
	if (snprintf(path, sizeof(path), "/proc/%" PRIu32 "/comm", pid) >=
	    (int)sizeof(path))
		return;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0) {
		snprintf(buf, len, "?");
		return;
	}
	buf[n] = '\0';
	if (buf[n - 1] == '\n')
		buf[n - 1] = '\0';
}

/* --force: asks the current holder to stop and waits until it let go. */
static int
take_over(struct vg_live_daemon *d, uint32_t holder)
{
	struct audit_status st;
	struct timespec ts = { 0, 50 * 1000000L };
	int waited;

	vg_log_warnx("%s: --force: sending SIGTERM to pid %" PRIu32
	    " which holds the audit pid", d->name, holder);
	if (kill((pid_t)holder, SIGTERM) == -1 && errno != ESRCH)
		return -1;
	for (waited = 0; waited < TAKEOVER_MS; waited += 50) {
		if (vg_nl_get_status(d->ctl, &st) == 0 && st.pid != holder)
			return 0;
		nanosleep(&ts, NULL);
	}
	errno = ETIMEDOUT;
	return -1;
}

/* Becomes the audit daemon: AUDIT_SET pid from the data socket. */
static int
become_daemon(struct vg_live_daemon *d, int force)
{
	struct audit_status st;
	char comm[64];
	uint32_t self = (uint32_t)getpid();

	for (;;) {
		if (vg_nl_set_pid(d->data, self) == 0)
			return 0;
		if (errno != EEXIST)
			break;
		if (vg_nl_get_status(d->ctl, &st) == -1)
			break;
		if (st.pid == 0 || st.pid == self)
			continue;	/* released meanwhile: try again */
		proc_comm(st.pid, comm, sizeof(comm));
		if (!force) {
			vg_log_warnx("%s: the audit pid is held by pid %"
			    PRIu32 " (%s); stop it or use --force", d->name,
			    st.pid, comm);
			errno = EEXIST;
			return -1;
		}
		if (take_over(d, st.pid) == -1) {
			vg_log_warn("%s: pid %" PRIu32 " (%s) did not release "
			    "the audit pid", d->name, st.pid, comm);
			return -1;
		}
		force = 0;	/* one attempt */
	}
	vg_log_warn("%s: set audit pid", d->name);
	return -1;
}

/*
 * Makes vigild the audit daemon through data, the input's socket (which
 * the kernel then sends the records to): self-exclusion rule, audit pid,
 * enabled. Everything it changed is put back by vg_live_daemon_stop, at
 * exit(3), or from a fatal signal; on failure it is put back at once.
 */
struct vg_live_daemon *
vg_live_daemon_start(struct vg_nl *data, const struct vg_input_opts *opts,
    const char *name)
{
	struct vg_live_daemon *d;
	struct audit_status st;
	int locked;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		vg_log_warn("%s: audit daemon state", name);
		return NULL;
	}
	d->name = name;
	d->data = data;
	d->next = live_daemons;
	live_daemons = d;
	if ((d->ctl = vg_nl_open(0)) == NULL ||
	    vg_nl_connect_kernel(d->ctl) == -1) {
		vg_log_warn("%s: netlink audit socket", name);
		goto fail;
	}
	if (vg_nl_get_status(d->ctl, &st) == -1) {
		vg_log_warn("%s: AUDIT_GET", name);
		goto fail;
	}
	locked = st.enabled == 2;
	if (locked)
		vg_log_warnx("%s: audit configuration is locked "
		    "(enabled=2): cannot add the self-exclusion rule", name);
	{
		static int registered;

		if (!registered && atexit(restore_at_exit) == 0)
			registered = 1;
	}
	/* exclude ourselves first, so nothing we do is audited once on */
	if (!locked) {
		vg_nl_rule_self_exclude(&d->rule, getpid());
		if (vg_nl_rule(d->ctl, AUDIT_ADD_RULE, &d->rule,
		    sizeof(d->rule)) == -1) {
			vg_log_warn("%s: add self-exclusion rule", name);
			goto fail;
		}
		d->rule_added = 1;
	}
	if (become_daemon(d, opts->force) == -1)
		goto fail;
	d->is_daemon = 1;
	/* read enabled only now: a holder we replaced may have reset it */
	if (vg_nl_get_status(d->ctl, &st) == -1) {
		vg_log_warn("%s: AUDIT_GET", name);
		goto fail;
	}
	d->prev_enabled = st.enabled;
	if (!opts->no_enable && st.enabled == 0) {
		if (vg_nl_set_enabled(d->ctl, 1) == -1) {
			vg_log_warn("%s: enable audit", name);
			goto fail;
		}
		d->enabled_changed = 1;
	}
	crash_arm(d);
	vg_log_info("%s: audit daemon pid %d (enabled was %" PRIu32
	    ", backlog_limit %" PRIu32 ", lost %" PRIu32 ")", name,
	    (int)getpid(), st.enabled, st.backlog_limit, st.lost);
	return d;
fail:
	vg_live_daemon_stop(d);
	return NULL;
}

/* Rewrites the state file: the pushdown rules, then the self-exclusion
 * rule, as vigilctl -l prints them. */
static void
pushdown_state(struct vg_live_daemon *d)
{
	char *lines[VG_PD_MAX + 1], buf[8192];
	size_t i, n = 0;

	for (i = 0; i < d->npd && n < VG_PD_MAX; i++)
		if (vg_rules_format(d->pd[i].data, d->pd[i].datalen, buf,
		    sizeof(buf)) > 0 && (lines[n] = strdup(buf)) != NULL)
			n++;
	if (d->rule_added && vg_rules_format(&d->rule, sizeof(d->rule), buf,
	    sizeof(buf)) > 0 && (lines[n] = strdup(buf)) != NULL)
		n++;
	if (vg_pushdown_state_write(getpid(), lines, n) == -1)
		vg_log_warn("%s: pushdown state file (vigilctl -l will not "
		    "mark vigild's rules)", d->name);
	for (i = 0; i < n; i++)
		free(lines[i]);
}

int
vg_live_daemon_pushdown(struct vg_live_daemon *d, char *const drops[],
    int ndrops)
{
	struct vg_rule r[VG_PD_MAX];
	char why[512], text[8192];
	size_t n = 0, i;
	int k, rc;

	crash_disarm();
	pushdown_remove(d);
	if (ndrops > VG_PD_MAX)
		ndrops = VG_PD_MAX;
	for (k = 0; k < ndrops; k++) {
		rc = vg_pushdown_compile(drops[k], VG_PD_CHECK_FS, &r[n], why,
		    sizeof(why));
		if (rc == 1) {
			n++;
			continue;
		}
		if (rc == 0)
			vg_log_info("%s: pushdown: \"%s\" stays in userspace: "
			    "%s", d->name, drops[k], why);
		else
			vg_log_warnx("%s: pushdown: \"%s\": %s", d->name,
			    drops[k], why);
	}
	if ((d->pd = calloc(n > 0 ? n : 1, sizeof(*d->pd))) == NULL) {
		vg_log_warn("%s: pushdown", d->name);
		for (i = 0; i < n; i++)
			vg_rule_free(&r[i]);
		crash_arm(d);
		return -1;
	}
	/* prepended last to first, so the kernel lists them in order */
	for (i = n; i-- > 0;) {
		if (vg_rules_format(r[i].data, r[i].datalen, text,
		    sizeof(text)) <= 0)
			snprintf(text, sizeof(text), "(unprintable)\n");
		text[strcspn(text, "\n")] = '\0';
		r[i].data->flags |= AUDIT_FILTER_PREPEND;
		rc = vg_nl_rule(d->ctl, AUDIT_ADD_RULE, r[i].data,
		    r[i].datalen);
		/* the kernel keeps it without the flag: so must a delete */
		r[i].data->flags &= ~AUDIT_FILTER_PREPEND;
		if (rc == -1) {
			if (errno == EEXIST)	/* not ours: never deleted */
				vg_log_info("%s: pushdown: %s is already in "
				    "the kernel; left to its owner", d->name,
				    text);
			else
				vg_log_warn("%s: pushdown: add %s (the drop "
				    "stays in userspace)", d->name, text);
			vg_rule_free(&r[i]);
			continue;
		}
		vg_log_info("%s: pushdown: kernel rule %s", d->name, text);
		d->pd[d->npd++] = r[i];
	}
	if (d->npd > 0)
		pushdown_state(d);
	crash_arm(d);
	return 0;
}

void
vg_live_kernel_status(struct vg_live_daemon *d, char *buf, size_t len)
{
	vg_nl_status_line(d != NULL ? d->ctl : NULL, buf, len);
}

/* The receive core's hooks into d (it does not know daemon.c). */
static void
hook_stop(void *d)
{
	vg_live_daemon_stop(d);
}

static void
hook_status(void *d, char *buf, size_t len)
{
	vg_live_kernel_status(d, buf, len);
}

struct vg_input *
vg_input_unicast(struct event_base *base, struct vg_pipeline *pl,
    const struct vg_input_opts *opts)
{
	struct vg_input *in;
	struct vg_live_daemon *d;
	struct vg_nl *nl;

	/* connected to the kernel, no other process can send to the data
	 * socket: its records are read without asking for their sender
	 * (cheaper). Whatever came between bind and connect is dropped. */
	if ((nl = vg_nl_open(0)) == NULL || vg_nl_connect_kernel(nl) == -1 ||
	    vg_nl_drain(nl) == -1) {
		vg_log_warn("unicast: netlink audit socket");
		vg_nl_close(nl);
		return NULL;
	}
	if ((in = vg_live_new(base, pl, opts, nl, "unicast")) == NULL)
		return NULL;
	vg_live_kernel_only(in);
	if ((d = vg_live_daemon_start(nl, opts, "unicast")) == NULL) {
		vg_input_close(in);
		return NULL;
	}
	vg_live_attach(in, hook_stop, hook_status, d);
	return in;
}

int
vg_input_pushdown(struct vg_input *in, char *const drops[], int ndrops)
{
	struct vg_live_daemon *d = vg_live_owner(in, hook_stop);

	if (d == NULL) {
		errno = ENOTSUP;
		return -1;
	}
	return vg_live_daemon_pushdown(d, drops, ndrops);
}
