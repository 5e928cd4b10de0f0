/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin_supervisor.c (output "plugins"): runs the active plugins of an auditd
 * plugins.d directory as auditd 3.0.9 does: fork/exec with a unix stream
 * socket as stdin, one record per message (EOE included), string or
 * binary format. Each plugin has its own bounded queue (q_depth records,
 * overflow_action) drained by one worker thread that polls every plugin's
 * socket without blocking; a plugin that exits is restarted up to
 * max_restarts times. Every process it started is reaped: a stopped
 * plugin's pid is kept until waitpid() has it. Every record a plugin
 * does not get is counted dropped. Never blocks the pipeline on a slow
 * plugin.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/daemon_rec.h"
#include "vigil/auditd/logline.h"
#include "vigil/auditd/plugin_supervisor.h"
#include "vigil/auditd/run_action.h"
#include "vigil/clock.h"
#include "vigil/log.h"
#include "vigil/output.h"
#include "vigil/privsep.h"
#include "vigil/queue.h"
#include "vigil/rectype.h"

#define POLL_MS		500	/* also how often exits are checked */
#define DRAIN_MS	3000	/* at close: time plugins get to catch up */
#define TERM_WAIT_MS	2000	/* then: time to exit after SIGTERM */
#define KILL_WAIT_MS	1000	/* and after SIGKILL, to be reaped */
#define HDR_LEN		sizeof(struct vg_plugin_hdr)
#define BIN_LEN		(HDR_LEN + VG_PLUGIN_DATA_LEN)

struct plug {
	struct vg_plugin_conf	 c;
	struct vg_queue		*q;
	struct vg_qmsg		*cur;		/* being sent */
	size_t			 off;		/* bytes of cur sent */
	pid_t			 pid;		/* 0: not running */
	int			 fd;		/* our end of its stdin */
	unsigned		 restarts;
	int			 gone;		/* gave up: nothing queued */
	int			 suspended;	/* overflow_action=suspend */
	int			 acted;		/* single/halt done once */
	int			 hangup;	/* poll: its socket hung up */
	uint64_t		 skipped;	/* not queued: gone, suspended */
	struct plug		*next;
};

/* Options: auditd.conf keys that may be set on the spec. */
static const char *const opt_keys[] = {
	"q_depth", "overflow_action", "max_restarts", "log_format",
	"name_format", "name",
};
#define NOPT	(sizeof(opt_keys) / sizeof(opt_keys[0]))

struct pset {
	struct vg_output	*o;
	char			*dir;		/* NULL: adc.plugin_dir */
	char			*conf_path;	/* auditd.conf or NULL */
	char			*opt[NOPT];	/* overrides, or NULL */
	struct vg_auditd_conf	 adc;
	char			 node[256];
	struct vg_plugin_fmt	 fmt;
	struct vg_buf		 line, bin;	/* one record, each format */
	pthread_mutex_t		 mu;		/* list, adc, fmt, flags */
	pthread_t		 thr;
	int			 started;
	int			 efd;		/* wakes the worker */
	int			 req_hup, req_stop;
	struct plug		*list;
	pid_t			*reap;		/* stopped, not reaped yet */
	size_t			 nreap, reap_cap;
	struct vg_queue_stats	 freed;		/* of plugins freed so far */
};

extern const struct vg_output_ops vg_output_plugins;

static const char *
plugin_dir(const struct pset *s)
{
	if (s->dir != NULL && s->dir[0] != '\0')
		return s->dir;
	if (s->adc.plugin_dir != NULL)
		return s->adc.plugin_dir;
	return VG_PLUGIN_DIR_DEFAULT;
}

/* auditd.conf (if any) plus the spec's overrides into c. 0 or -1. */
static int
load_adc(struct pset *s, struct vg_auditd_conf *c)
{
	struct vg_err err;
	char msg[256];
	size_t i;
	int rc;

	vg_auditd_conf_defaults(c);
	if (s->conf_path != NULL) {
		rc = vg_auditd_conf_load(c, s->conf_path, &err);
		if (rc != 0) {
			if (rc == -1)
				vg_log_warnx("plugins: %s: %s", err.file,
				    err.msg);
			vg_auditd_conf_free(c);
			return -1;
		}
	}
	for (i = 0; i < NOPT; i++) {
		if (s->opt[i] == NULL)
			continue;
		if (vg_auditd_conf_set(c, opt_keys[i], s->opt[i], msg,
		    sizeof(msg)) == -1) {
			vg_log_warnx("output %s: %s", s->o->spec, msg);
			vg_auditd_conf_free(c);
			return -1;
		}
	}
	return 0;
}

/* The record format follows log_format and name_format (lock held). */
static void
set_fmt(struct pset *s)
{
	s->fmt.enriched = s->adc.log_format == VG_ADC_ENRICHED;
	vg_daemon_set_format(s->fmt.enriched);
	s->node[0] = '\0';
	if (s->adc.name_format != VG_ADC_NODE_NONE)
		(void)vg_auditd_conf_node_name(&s->adc, s->node,
		    sizeof(s->node));
	s->fmt.node = s->node;
	if (s->fmt.enriched && s->fmt.enrich == NULL &&
	    (s->fmt.enrich = vg_enrich_new(NULL)) == NULL)
		vg_log_warn("plugins: enrichment off");
}

/* ---- processes ---- */

void
vg_plugins_exec(const struct vg_plugin_conf *c, int sock)
{
	char *envp[1] = { NULL };
	sigset_t none;
	int sig;

	/* only async-signal-safe calls between fork and exec */
	if (dup2(sock, STDIN_FILENO) == -1)
		_exit(127);
	(void)close_range(3, ~0U, 0);
	/* what the parent ignores stays ignored across exec */
	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(c->path, c->argv, envp);
	_exit(127);
}

/* The plugin's process, ours: forked here, or by the privileged helper
 * (as our child too) when there is one: then it runs with the helper's
 * capabilities, as auditd runs its plugins. */
static int
start(struct pset *s, struct plug *p)
{
	int sv[2];
	pid_t pid;

	if (vg_privsep_active()) {
		if (vg_privsep_plugin(s->o->spec, p->c.name, &sv[0], &pid) ==
		    -1) {
			vg_log_warn("plugin %s: not started by the privileged "
			    "helper", p->c.name);
			return -1;
		}
	} else {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) ==
		    -1) {
			vg_log_warn("plugin %s: socketpair", p->c.name);
			return -1;
		}
		if ((pid = fork()) == -1) {
			vg_log_warn("plugin %s: fork", p->c.name);
			close(sv[0]);
			close(sv[1]);
			return -1;
		}
		if (pid == 0)
			vg_plugins_exec(&p->c, sv[1]);
		close(sv[1]);
	}
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK) == -1)
		vg_log_warn("plugin %s: O_NONBLOCK", p->c.name);
	/* peer gone: EPIPE from send(), never a signal (MSG_NOSIGNAL) */
	p->fd = sv[0];
	p->pid = pid;
	p->off = 0;
	p->hangup = 0;		/* a hangup seen before was the old one's */
	vg_log_info("plugin %s: started %s (pid %d)", p->c.name, p->c.path,
	    (int)pid);
	return 0;
}

/* Reaps what has exited of the stopped plugins (each worker turn). */
static void
reap_poll(struct pset *s)
{
	size_t i = 0;

	while (i < s->nreap) {
		/* exited, or not ours (ECHILD): nothing left to wait for */
		if (waitpid(s->reap[i], NULL, WNOHANG) != 0)
			s->reap[i] = s->reap[--s->nreap];
		else
			i++;
	}
}

/* Polls the stopped plugins for up to ms. The number still running. */
static size_t
reap_wait(struct pset *s, int ms)
{
	uint64_t end = vg_clock_mono_ms() + (uint64_t)ms;

	for (;;) {
		reap_poll(s);
		if (s->nreap == 0 || vg_clock_mono_ms() >= end)
			return s->nreap;
		usleep(20000);
	}
}

/*
 * A stopped plugin's pid, kept until it is reaped: a plugin takes its
 * time to act on SIGTERM or EOF, and a pid forgotten before waitpid()
 * has it stays a zombie. Lock held (or the worker gone).
 */
static void
reap_later(struct pset *s, pid_t pid)
{
	pid_t *np;
	size_t cap;

	if (waitpid(pid, NULL, WNOHANG) != 0)
		return;
	if (s->nreap == s->reap_cap) {
		cap = s->reap_cap ? s->reap_cap * 2 : 8;
		if ((np = reallocarray(s->reap, cap, sizeof(*np))) == NULL) {
			/* no room to remember it: it is not left behind */
			vg_log_warn("plugins: pid %d killed", (int)pid);
			kill(pid, SIGKILL);
			(void)waitpid(pid, NULL, 0);
			return;
		}
		s->reap = np;
		s->reap_cap = cap;
	}
	s->reap[s->nreap++] = pid;
}

/* Shutdown: TERM_WAIT_MS for the stopped plugins to exit, then SIGKILL
 * for the others; vigild leaves neither zombies nor strays. */
static void
reap_all(struct pset *s)
{
	size_t i;

	if (reap_wait(s, TERM_WAIT_MS) == 0)
		return;
	for (i = 0; i < s->nreap; i++) {
		vg_log_warnx("plugins: pid %d still running %d ms after "
		    "SIGTERM: SIGKILL", (int)s->reap[i], TERM_WAIT_MS);
		kill(s->reap[i], SIGKILL);
	}
	if (reap_wait(s, KILL_WAIT_MS) > 0)
		vg_log_warnx("plugins: %zu killed plugins not reaped",
		    s->nreap);
	s->nreap = 0;
}

/* Signals the plugin, closes our end (EOF); reaped now or later. */
static void
stop_proc(struct pset *s, struct plug *p, int sig)
{
	/* the signal first: it is pending before the plugin sees EOF */
	if (p->pid > 0 && sig)
		kill(p->pid, sig);
	if (p->fd != -1) {
		close(p->fd);
		p->fd = -1;
	}
	if (p->pid > 0)
		reap_later(s, p->pid);
	p->pid = 0;
	p->off = 0;
}

/* Returns what p holds to the queue / drops everything (gone). */
static void
drop_all(struct plug *p)
{
	struct vg_qmsg *m;

	if (p->cur != NULL) {
		vg_queue_done(p->q, p->cur, VG_Q_DROPPED);
		p->cur = NULL;
	}
	while (vg_queue_take(p->q, &m, 0) == 1)
		vg_queue_done(p->q, m, VG_Q_DROPPED);
}

/* The plugin exited or closed its stdin (lock held). */
static void
died(struct pset *s, struct plug *p, const char *how)
{
	stop_proc(s, p, SIGTERM); /* in case it only closed its stdin */
	p->restarts++;
	if (p->restarts > s->adc.max_restarts) {
		vg_log_warnx("plugin %s: %s; it has exceeded max_restarts "
		    "(%u): not started again until SIGHUP", p->c.name, how,
		    s->adc.max_restarts);
		p->gone = 1;
		drop_all(p);
		return;
	}
	vg_log_warnx("plugin %s: %s; restarting (%u of max_restarts %u)",
	    p->c.name, how, p->restarts, s->adc.max_restarts);
	if (start(s, p) == -1) {
		p->gone = 1;
		drop_all(p);
	}
}

static struct plug *
new_plug(struct pset *s, struct vg_plugin_conf *c)
{
	struct vg_queue_opts qo;
	struct plug *p;
	char name[300];

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	snprintf(name, sizeof(name), "plugin %s", c->name);
	memset(&qo, 0, sizeof(qo));
	qo.name = name;
	qo.max_events = s->adc.q_depth ? s->adc.q_depth : 1;
	/* records are small; the byte bound only guards memory */
	qo.max_bytes = qo.max_events * 16384 + BIN_LEN;
	qo.overflow = VG_OVF_DROP_NEWEST;
	if ((p->q = vg_queue_new(&qo)) == NULL) {
		vg_log_warn("plugin %s: queue", c->name);
		free(p);
		return NULL;
	}
	p->c = *c;		/* takes the strings */
	if (p->c.path != NULL)
		p->c.argv[0] = p->c.path;
	memset(c, 0, sizeof(*c));
	p->fd = -1;
	return p;
}

/* st += a; queued is a level, the others totals. */
static void
add_stats(struct vg_queue_stats *st, const struct vg_queue_stats *a)
{
	st->sent += a->sent;
	st->failed += a->failed;
	st->dropped += a->dropped;
	st->spooled += a->spooled;
	st->queued += a->queued;
}

/* p's counts: its queue's, and the records it was skipped for (lock
 * held). */
static void
plug_stats(struct plug *p, struct vg_queue_stats *st)
{
	vg_queue_stats(p->q, st);
	st->dropped += p->skipped;
}

/*
 * The output's counts are its plugins' added up: a record counts once
 * for each plugin it is for, sent when it is in that plugin's socket,
 * dropped when that plugin does not get it. So a replay that lost
 * records for a plugin exits VG_EXIT_LOST. Lock held; the pipeline's
 * thread (o->stats is read there).
 */
static void
sync_stats(struct pset *s)
{
	struct vg_queue_stats sum = s->freed, st;
	struct plug *p;

	for (p = s->list; p != NULL; p = p->next) {
		plug_stats(p, &st);
		add_stats(&sum, &st);
	}
	s->o->stats.sent = sum.sent;
	s->o->stats.dropped = sum.dropped;
	s->o->stats.queued = sum.queued;
}

static void
free_plug(struct pset *s, struct plug *p)
{
	struct vg_queue_stats st;

	stop_proc(s, p, 0);
	if (p->cur != NULL)
		vg_queue_done(p->q, p->cur, VG_Q_RETRY);
	p->cur = NULL;
	vg_queue_free(p->q, &st);
	st.dropped += p->skipped;
	st.queued = 0;
	add_stats(&s->freed, &st);
	vg_log_info("plugin %s: %" PRIu64 " records sent, %" PRIu64
	    " dropped, %u restarts", p->c.name, st.sent, st.dropped,
	    p->restarts);
	vg_plugin_conf_free(&p->c);
	free(p);
}

/* Shutdown: SIGTERM forwarded, as auditd does, then EOF; every plugin
 * reaped (or killed) and freed. */
static void
stop_all(struct pset *s)
{
	struct plug *p;

	for (p = s->list; p != NULL; p = p->next)
		stop_proc(s, p, SIGTERM);
	reap_all(s);
	while ((p = s->list) != NULL) {
		s->list = p->next;
		free_plug(s, p);
	}
}

/* ---- sending (worker thread) ---- */

/* Sends what it can of p's queue. 0, or -1 if the plugin is gone. */
static int
pump(struct plug *p)
{
	static const char zeros[VG_PLUGIN_DATA_LEN];
	struct iovec iov[2];
	struct msghdr mh;
	size_t total;
	ssize_t n;
	int r;

	for (;;) {
		if (p->cur == NULL) {
			if ((r = vg_queue_take(p->q, &p->cur, 0)) != 1) {
				p->cur = NULL;
				return 0;
			}
			p->off = 0;
		}
		total = p->c.format == VG_PLUGIN_BINARY ? BIN_LEN :
		    p->cur->len;
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = 0;
		if (p->off < p->cur->len) {
			iov[0].iov_base = p->cur->data + p->off;
			iov[0].iov_len = p->cur->len - p->off;
			mh.msg_iovlen = 1;
		}
		if (total > p->cur->len) {	/* binary: zero padding */
			size_t from = p->off > p->cur->len ? p->off :
			    p->cur->len;

			iov[mh.msg_iovlen].iov_base = (void *)(zeros +
			    (from - p->cur->len));
			iov[mh.msg_iovlen].iov_len = total - from;
			mh.msg_iovlen++;
		}
		n = sendmsg(p->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return -1;
		}
		p->off += (size_t)n;
		if (p->off >= total) {
			vg_queue_done(p->q, p->cur, VG_Q_SENT);
			p->cur = NULL;
			p->off = 0;
		}
	}
}

static void	reload(struct pset *);

static void *
worker(void *arg)
{
	struct pset *s = arg;
	struct pollfd *pfd = NULL, *np;
	struct plug **who = NULL, **nw, *p;
	size_t n = 0, cap = 0, i;
	uint64_t v;
	int status;

	for (;;) {
		pthread_mutex_lock(&s->mu);
		if (s->req_stop) {
			pthread_mutex_unlock(&s->mu);
			break;
		}
		/* hangups of the last poll, before reload() frees any */
		for (i = 1; i < n; i += 2)
			if (pfd[i].revents & (POLLHUP | POLLERR))
				who[i]->hangup = 1;
		if (s->req_hup) {
			s->req_hup = 0;
			reload(s);
		}
		reap_poll(s);
		/* every plugin: send, and notice exits (also of plugins that
		 * left a child holding the socket open) */
		for (p = s->list; p != NULL; p = p->next) {
			if (p->pid == 0)
				continue;
			if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
				char how[64];

				p->pid = 0;
				if (WIFEXITED(status))
					snprintf(how, sizeof(how), "exited "
					    "with status %d",
					    WEXITSTATUS(status));
				else
					snprintf(how, sizeof(how), "killed "
					    "by signal %d", WTERMSIG(status));
				/* what it did not read is resent */
				died(s, p, how);
				continue;
			}
			if (p->hangup) {
				p->hangup = 0;
				died(s, p, "closed its input");
				continue;
			}
			if (pump(p) == -1)
				died(s, p, errno == EPIPE || errno ==
				    ECONNRESET ? "closed its input" :
				    strerror(errno));
		}
		n = 1;
		for (p = s->list; p != NULL; p = p->next)
			n += p->fd != -1 ? 2 : 0;
		if (n > cap) {
			np = realloc(pfd, n * sizeof(*pfd));
			nw = realloc(who, n * sizeof(*who));
			if (np != NULL)
				pfd = np;
			if (nw != NULL)
				who = nw;
			if (np == NULL || nw == NULL) {
				pthread_mutex_unlock(&s->mu);
				n = 0;
				vg_log_warn("plugins: worker");
				sleep(1);
				continue;
			}
			cap = n;
		}
		pfd[0] = (struct pollfd){ .fd = s->efd, .events = POLLIN };
		who[0] = NULL;
		n = 1;
		for (p = s->list; p != NULL; p = p->next) {
			if (p->fd == -1)
				continue;
			/* the socket: writable when something waits, hangup
			 * always; the queue: readable when pushed to */
			pfd[n] = (struct pollfd){ .fd = p->fd,
			    .events = p->cur ? POLLOUT : 0 };
			who[n++] = p;
			pfd[n] = (struct pollfd){ .fd = vg_queue_fd(p->q),
			    .events = p->cur ? 0 : POLLIN };
			who[n++] = p;
		}
		pthread_mutex_unlock(&s->mu);

		if (poll(pfd, n, POLL_MS) == -1 && errno != EINTR)
			vg_log_warn("plugins: poll");
		if (pfd[0].revents & POLLIN)
			(void)!read(s->efd, &v, sizeof(v));
	}
	free(pfd);
	free(who);
	return NULL;
}

static void
wake(struct pset *s)
{
	uint64_t one = 1;

	(void)!write(s->efd, &one, sizeof(one));
}

/* ---- HUP: auditd's reconfigure (worker thread, lock held) ---- */

static void
reload(struct pset *s)
{
	struct vg_auditd_conf nc;
	struct vg_plugin_conf *v;
	struct plug **pp, *p;
	size_t n, i;
	int *used;

	vg_log_info("plugins: reconfiguring");
	if (load_adc(s, &nc) == 0) {
		if (nc.q_depth != s->adc.q_depth)
			vg_log_info("plugins: q_depth %u applies to plugins "
			    "started from now on", nc.q_depth);
		vg_auditd_conf_free(&s->adc);
		s->adc = nc;
		set_fmt(s);
	} else
		vg_log_warnx("plugins: auditd.conf not reloaded, old "
		    "settings kept");
	if (s->fmt.enrich != NULL)
		vg_enrich_flush_cache(s->fmt.enrich);
	if (vg_plugin_dir_load(plugin_dir(s), &v, &n) == -1) {
		vg_log_warn("plugins: %s (plugins kept as they are)",
		    plugin_dir(s));
		return;
	}
	if ((used = calloc(n + 1, sizeof(*used))) == NULL) {
		vg_plugin_dir_free(v, n);
		return;
	}
	for (pp = &s->list; (p = *pp) != NULL;) {
		for (i = 0; i < n; i++)
			if (!used[i] && strcmp(v[i].name, p->c.name) == 0)
				break;
		if (i == n) {		/* removed or inactive now */
			vg_log_info("plugin %s: no longer active, stopping",
			    p->c.name);
			*pp = p->next;
			drop_all(p);
			stop_proc(s, p, SIGTERM);
			free_plug(s, p);
			continue;
		}
		used[i] = 1;
		pp = &p->next;
		if (!p->gone && p->pid > 0 && vg_plugin_conf_same(&p->c,
		    &v[i])) {
			kill(p->pid, SIGHUP);
			continue;
		}
		/* changed, or given up before: a fresh start */
		vg_log_info("plugin %s: %s", p->c.name, p->gone ?
		    "starting again" : "changed, restarting");
		stop_proc(s, p, SIGTERM);
		vg_plugin_conf_free(&p->c);
		p->c = v[i];
		p->c.argv[0] = p->c.path;
		memset(&v[i], 0, sizeof(v[i]));
		p->restarts = 0;
		p->gone = 0;
		p->acted = 0;
		if (start(s, p) == -1) {
			p->gone = 1;
			drop_all(p);
		}
	}
	for (i = 0; i < n; i++) {
		if (used[i])
			continue;
		if ((p = new_plug(s, &v[i])) == NULL)
			continue;
		*pp = p;
		pp = &p->next;
		if (start(s, p) == -1)
			p->gone = 1;
	}
	for (p = s->list; p != NULL; p = p->next)
		p->suspended = 0;
	free(used);
	vg_plugin_dir_free(v, n);
}

/* ---- output ops (pipeline thread) ---- */


/* A record could not be queued for p (the queue logged the loss). */
static void
overflow(struct pset *s, struct plug *p)
{
	switch (s->adc.overflow_action) {
	case VG_ADC_SUSPEND:
		vg_log_warnx("plugin %s: queue full (q_depth %u): dispatch "
		    "suspended until SIGUSR2 or SIGHUP", p->c.name,
		    s->adc.q_depth);
		p->suspended = 1;
		break;
	case VG_ADC_SINGLE:
	case VG_ADC_HALT:
		if (!p->acted) {
			p->acted = 1;
			vg_log_warnx("plugins: queue overflow: "
			    "overflow_action %s", vg_adc_action_name(
			    s->adc.overflow_action));
			if (!vg_privsep_active())
				vg_change_runlevel(s->adc.overflow_action ==
				    VG_ADC_HALT ? "0" : "1");
			else if (vg_privsep_action(s->o->spec,
			    VG_PRIV_OVERFLOW) == -1)
				vg_log_warn("plugins: overflow_action %s",
				    vg_adc_action_name(
				    s->adc.overflow_action));
		}
		break;
	default:	/* ignore, syslog: counted and logged by the queue */
		break;
	}
}

static void
push_rec(struct pset *s, const struct vg_logrec *r)
{
	struct vg_plugin_hdr h;
	struct plug *p;
	int have_line = 0, have_bin = 0;

	for (p = s->list; p != NULL; p = p->next) {
		struct vg_buf *b;

		if (p->gone || p->suspended) {
			p->skipped++;
			continue;
		}
		if (p->c.format == VG_PLUGIN_BINARY) {
			if (!have_bin) {
				memset(&h, 0, sizeof(h));
				vg_buf_reset(&s->bin);
				vg_buf_add(&s->bin, &h, HDR_LEN);
				h.ver = (uint32_t)vg_plugin_format_data(&s->bin,
				    &s->fmt, r);
				h.hlen = HDR_LEN;
				h.type = r->type;
				/* auditd's buffer holds no more */
				if (s->bin.len > BIN_LEN)
					s->bin.len = BIN_LEN;
				h.size = (uint32_t)(s->bin.len - HDR_LEN);
				if (!s->bin.oom)
					memcpy(s->bin.data, &h, HDR_LEN);
				have_bin = 1;
			}
			b = &s->bin;
		} else {
			if (!have_line) {
				vg_buf_reset(&s->line);
				(void)vg_plugin_format_line(&s->line, &s->fmt,
				    r);
				have_line = 1;
			}
			b = &s->line;
		}
		if (b->oom) {
			p->skipped++;
			continue;
		}
		if (vg_queue_push(p->q, b->data, b->len) == -1 &&
		    errno == ENOBUFS)
			overflow(s, p);
	}
}

static int
plugins_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	struct pset *s = o->priv;
	struct vg_logrec r;
	size_t i;

	(void)doc;
	pthread_mutex_lock(&s->mu);
	/* auditd's distribute_network: network events to plugins only if
	 * asked (default no); then no plugin is due them: not counted */
	if ((ev->flags & VG_EV_REMOTE) && !s->adc.distribute_network) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	if (s->list != NULL) {
		for (i = 0; i < ev->nrecs; i++) {
			r = vg_logrec_of_event(ev, &ev->recs[i]);
			push_rec(s, &r);
		}
		if (ev->flags & VG_EV_EOE) {
			memset(&r, 0, sizeof(r));
			r.node = ev->node;
			r.sec = ev->sec;
			r.msec = ev->msec;
			r.serial = ev->serial;
			r.type = VG_T_EOE;
			r.remote = (ev->flags & VG_EV_REMOTE) != 0;
			push_rec(s, &r);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return 0;
}

/*
 * Record mode (the default): each record as it arrives, EOE included, as
 * auditd's dispatcher hands them on; never held for grouping, so a lone
 * record (auditctl -m, USER_*, DAEMON_*) reaches the plugins at once.
 */
static int
plugins_record(struct vg_output *o, const struct vg_record *rec)
{
	struct pset *s = o->priv;
	struct vg_logrec r = vg_logrec_of_record(rec);

	pthread_mutex_lock(&s->mu);
	/* distribute_network, as in plugins_write */
	if (s->list != NULL && (!rec->remote || s->adc.distribute_network))
		push_rec(s, &r);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static void
free_pset(struct pset *s)
{
	size_t i;

	if (s->efd != -1)
		close(s->efd);
	for (i = 0; i < NOPT; i++)
		free(s->opt[i]);
	free(s->dir);
	free(s->conf_path);
	free(s->reap);
	vg_auditd_conf_free(&s->adc);
	vg_enrich_free(s->fmt.enrich);
	vg_buf_free(&s->line);
	vg_buf_free(&s->bin);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static struct pset *
pset_new(struct vg_output *o)
{
	struct pset *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->o = o;
	s->efd = -1;
	pthread_mutex_init(&s->mu, NULL);
	vg_buf_init(&s->line);
	vg_buf_init(&s->bin);
	vg_auditd_conf_defaults(&s->adc);
	return s;
}

/* The spec's directory, auditd.conf and overrides; auditd.conf read. */
static int
pset_config(struct pset *s, struct vg_output *o, const char *arg)
{
	const char *val;
	size_t i;

	if (arg[0] != '\0' && (s->dir = strdup(arg)) == NULL)
		return -1;
	if ((val = vg_output_opt(o, "conf")) != NULL &&
	    (s->conf_path = strdup(val)) == NULL)
		return -1;
	for (i = 0; i < NOPT; i++)
		if ((val = vg_output_opt(o, opt_keys[i])) != NULL &&
		    (s->opt[i] = strdup(val)) == NULL)
			return -1;
	vg_auditd_conf_free(&s->adc);
	if (load_adc(s, &s->adc) == -1) {
		vg_auditd_conf_defaults(&s->adc);
		errno = EINVAL;
		return -1;
	}
	return 0;
}

static int
plugins_open(struct vg_output *o, const char *arg)
{
	struct vg_plugin_conf *v = NULL;
	struct pset *s;
	struct plug **pp, *p;
	size_t n = 0, i;
	int saved;

	if ((s = pset_new(o)) == NULL)
		return -1;
	if (pset_config(s, o, arg) == -1)
		goto fail;
	set_fmt(s);
	if ((s->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		goto fail;
	if (vg_plugin_dir_load(plugin_dir(s), &v, &n) == -1)
		vg_log_warn("plugins: %s: no plugins", plugin_dir(s));
	pp = &s->list;
	for (i = 0; i < n; i++) {
		if ((p = new_plug(s, &v[i])) == NULL)
			continue;
		*pp = p;
		pp = &p->next;
		if (start(s, p) == -1)
			p->gone = 1;
	}
	vg_plugin_dir_free(v, n);
	vg_log_info("plugins: %s: %zu active plugins, q_depth %u, "
	    "overflow_action %s, max_restarts %u", plugin_dir(s), n,
	    s->adc.q_depth, vg_adc_action_name(s->adc.overflow_action),
	    s->adc.max_restarts);
	if ((errno = pthread_create(&s->thr, NULL, worker, s)) != 0)
		goto fail_list;
	s->started = 1;
	o->priv = s;
	return 0;
fail_list:
	saved = errno;
	stop_all(s);
	errno = saved;
fail:
	saved = errno;
	free_pset(s);
	errno = saved;
	return -1;
}

/* Bytes p's plugin has not read from its socket yet; 0 once it exited
 * (then reaped here). */
static int
unread(struct plug *p)
{
	int n = 0;

	if (p->fd == -1 || p->pid <= 0)
		return 0;
	if (waitpid(p->pid, NULL, WNOHANG) != 0) {
		p->pid = 0;
		return 0;
	}
	if (ioctl(p->fd, SIOCOUTQ, &n) == -1)
		return 0;
	return n;
}

/* Waits for the plugins to read what is queued, then EOF + SIGTERM. */
static void
plugins_close(struct vg_output *o)
{
	struct pset *s = o->priv;
	struct plug *p;
	uint64_t end;
	size_t left;

	if (s == NULL)
		return;
	end = vg_clock_mono_ms() + DRAIN_MS;
	for (p = s->list; p != NULL; p = p->next) {
		uint64_t t = vg_clock_mono_ms();

		if (!p->gone && t < end)
			(void)vg_queue_drain(p->q, (int)(end - t));
	}
	pthread_mutex_lock(&s->mu);
	s->req_stop = 1;
	pthread_mutex_unlock(&s->mu);
	wake(s);
	if (s->started)
		pthread_join(s->thr, NULL);
	/* "sent" is in the socket: let the plugins read it first */
	do {
		left = 0;
		for (p = s->list; p != NULL; p = p->next)
			left += unread(p) > 0;
		if (left)
			usleep(10000);
	} while (left && vg_clock_mono_ms() < end);
	stop_all(s);
	sync_stats(s);		/* what the queues held at the end: dropped */
	free_pset(s);
	o->priv = NULL;
}

/* The pipeline's flush: the output's counts brought up to date. */
static int
plugins_flush(struct vg_output *o)
{
	struct pset *s = o->priv;

	pthread_mutex_lock(&s->mu);
	sync_stats(s);
	pthread_mutex_unlock(&s->mu);
	return 0;
}

/* ---- signals from vigild (main thread) ---- */

/* SIGHUP: the worker reloads (it owns the processes) */
static void
plugins_reload(struct vg_output *o, struct vg_output_signal *sig)
{
	struct pset *s = o->priv;

	(void)sig;
	pthread_mutex_lock(&s->mu);
	s->req_hup = 1;
	pthread_mutex_unlock(&s->mu);
	wake(s);
}

/* auditd resumes dispatch before it sends DAEMON_RESUME (which follows
 * this through the pipeline): at once, not by the worker */
static void
plugins_resume(struct vg_output *o, struct vg_output_signal *sig)
{
	struct pset *s = o->priv;
	struct plug *p;

	(void)sig;
	pthread_mutex_lock(&s->mu);
	for (p = s->list; p != NULL; p = p->next)
		p->suspended = 0;
	pthread_mutex_unlock(&s->mu);
}

static void
plugins_dump(struct vg_output *o, int fd)
{
	struct vg_queue_stats st;
	struct pset *s = o->priv;
	struct plug *p;

	pthread_mutex_lock(&s->mu);
	vg_log_dump(fd, "plugins %s: q_depth %u overflow_action %s "
	    "max_restarts %u", plugin_dir(s), s->adc.q_depth,
	    vg_adc_action_name(s->adc.overflow_action), s->adc.max_restarts);
	for (p = s->list; p != NULL; p = p->next) {
		plug_stats(p, &st);
		vg_log_dump(fd, "  plugin %s: pid %d %s%s restarts %u sent %"
		    PRIu64 " queued %" PRIu64 " dropped %" PRIu64, p->c.name,
		    (int)p->pid, p->gone ? "gone" : "running", p->suspended ?
		    " suspended" : "", p->restarts, st.sent, st.queued,
		    st.dropped);
	}
	pthread_mutex_unlock(&s->mu);
}

/* ---- for the privileged helper ---- */

/* The configuration a "plugins" spec gives, as plugins_open reads it. */
static struct pset *
pset_of(const char *spec)
{
	struct vg_output o;
	struct pset *s = NULL;
	char *arg;
	int saved;

	if (vg_output_parse(spec, &o, &arg) == -1)
		return NULL;
	if (strcmp(o.ops->name, vg_output_plugins.name) != 0) {
		errno = EINVAL;
		goto out;
	}
	if ((s = pset_new(NULL)) == NULL)
		goto out;
	s->o = &o;		/* for messages, while o lives */
	if (pset_config(s, &o, arg) == -1) {
		saved = errno;
		free_pset(s);
		s = NULL;
		errno = saved;
		goto out;
	}
	s->o = NULL;
out:
	saved = errno;
	free(arg);
	vg_output_unparse(&o);
	errno = saved;
	return s;
}

int
vg_plugins_lookup(const char *spec, const char *name,
    struct vg_plugin_conf *c)
{
	struct pset *s;
	char path[4096];
	int n, rc = -1;

	memset(c, 0, sizeof(*c));
	if (!vg_plugin_file_name(name)) {
		errno = EINVAL;
		return -1;
	}
	if ((s = pset_of(spec)) == NULL)
		return -1;
	n = snprintf(path, sizeof(path), "%s/%s", plugin_dir(s), name);
	if (n < 0 || (size_t)n >= sizeof(path))
		errno = ENAMETOOLONG;
	else if (vg_plugin_conf_load(c, path, NULL) == -1)
		errno = EINVAL;
	else if (!c->active || c->path == NULL) {
		vg_plugin_conf_free(c);
		errno = EINVAL;
	} else
		rc = 0;
	free_pset(s);
	return rc;
}

int
vg_plugins_overflow_of(const char *spec, enum vg_adc_action *a)
{
	struct pset *s;

	if ((s = pset_of(spec)) == NULL)
		return -1;
	*a = s->adc.overflow_action;
	free_pset(s);
	return 0;
}

/* conf= and the auditd.conf keys above; their values are checked as
 * auditd.conf checks them, when the set opens (and by --check) */
static const struct vg_opt plugins_opts[] = {
	{ .name = "conf", .type = VG_OPT_STR, .help = "auditd.conf to read" },
	{ .name = "q_depth", .type = VG_OPT_STR },
	{ .name = "overflow_action", .type = VG_OPT_STR },
	{ .name = "max_restarts", .type = VG_OPT_STR },
	{ .name = "log_format", .type = VG_OPT_STR },
	{ .name = "name_format", .type = VG_OPT_STR },
	{ .name = "name", .type = VG_OPT_STR },
	{ .name = NULL },
};

const struct vg_output_ops vg_output_plugins = {
	.name = "plugins",
	.wants = VG_WANT_RECORDS,	/* write(): in event mode */
	.open = plugins_open,
	.opts = (const struct vg_opt *const[]){ plugins_opts, NULL },
	.resume = plugins_resume,
	.reload = plugins_reload,
	.dump = plugins_dump,
	.write = plugins_write,
	.record = plugins_record,
	.flush = plugins_flush,
	.close = plugins_close,
	.self_counts = 1,	/* per plugin: sync_stats() */
	.wants_daemon = 1,
};
