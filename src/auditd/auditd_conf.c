/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auditd_conf.c: auditd.conf(5) reader. One table holds every key (kind,
 * field, range or allowed words, implemented or not); a bad line is
 * reported as file:line and reading goes on, so one run lists every
 * mistake. Never touches the log or the kernel.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/log.h"
#include "vigil/opt.h"

#define LINE_MAX_AUDITD	160	/* auditd skips longer lines */

enum kkind {
	K_BOOL,		/* yes/no */
	K_STR,		/* any text */
	K_PATH,		/* absolute path */
	K_UINT,		/* decimal in min..max (unsigned) */
	K_ULONG,	/* decimal in min..max (unsigned long) */
	K_WORD,		/* one of words[] -> enum */
	K_ACTION,	/* one of words[]; "exec /path" sets exe_off */
	K_SPACE,	/* MiB, or N% (1..99) */
	K_GROUP,	/* group name or gid */
	K_FORMAT,	/* raw | enriched | nolog (deprecated) */
	K_PORTS,	/* N or N-M, 1..65535 */
	K_IGNORED,	/* known but obsolete or from a newer auditd */
};

struct word {
	const char	*name;
	int		 value;
};

#define KF_NOTIMPL	0x01	/* parsed, not implemented: warn when set */

struct akey {
	const char		*name;
	enum kkind		 kind;
	size_t			 off;
	size_t			 exe_off;	/* K_ACTION: char * for exec */
	unsigned long		 min, max;
	const struct word	*words;
	unsigned		 flags;
	const char		*why;		/* K_IGNORED / KF_NOTIMPL */
};

#define F(m)	offsetof(struct vg_auditd_conf, m)

static const struct word w_flush[] = {
	{ "none", VG_ADC_FLUSH_NONE },
	{ "incremental", VG_ADC_FLUSH_INCREMENTAL },
	{ "incremental_async", VG_ADC_FLUSH_INCREMENTAL_ASYNC },
	{ "data", VG_ADC_FLUSH_DATA },
	{ "sync", VG_ADC_FLUSH_SYNC },
	{ NULL, 0 },
};

static const struct word w_node[] = {
	{ "none", VG_ADC_NODE_NONE },
	{ "hostname", VG_ADC_NODE_HOSTNAME },
	{ "fqd", VG_ADC_NODE_FQD },
	{ "numeric", VG_ADC_NODE_NUMERIC },
	{ "user", VG_ADC_NODE_USER },
	{ NULL, 0 },
};

static const struct word w_size[] = {
	{ "ignore", VG_ADC_IGNORE },
	{ "syslog", VG_ADC_SYSLOG },
	{ "suspend", VG_ADC_SUSPEND },
	{ "rotate", VG_ADC_ROTATE },
	{ "keep_logs", VG_ADC_KEEP_LOGS },
	{ "exec", VG_ADC_EXEC },
	{ NULL, 0 },
};

static const struct word w_space[] = {
	{ "ignore", VG_ADC_IGNORE },
	{ "syslog", VG_ADC_SYSLOG },
	{ "rotate", VG_ADC_ROTATE },
	{ "email", VG_ADC_EMAIL },
	{ "exec", VG_ADC_EXEC },
	{ "suspend", VG_ADC_SUSPEND },
	{ "single", VG_ADC_SINGLE },
	{ "halt", VG_ADC_HALT },
	{ NULL, 0 },
};

static const struct word w_full[] = {
	{ "ignore", VG_ADC_IGNORE },
	{ "syslog", VG_ADC_SYSLOG },
	{ "rotate", VG_ADC_ROTATE },
	{ "exec", VG_ADC_EXEC },
	{ "suspend", VG_ADC_SUSPEND },
	{ "single", VG_ADC_SINGLE },
	{ "halt", VG_ADC_HALT },
	{ NULL, 0 },
};

static const struct word w_error[] = {
	{ "ignore", VG_ADC_IGNORE },
	{ "syslog", VG_ADC_SYSLOG },
	{ "exec", VG_ADC_EXEC },
	{ "suspend", VG_ADC_SUSPEND },
	{ "single", VG_ADC_SINGLE },
	{ "halt", VG_ADC_HALT },
	{ NULL, 0 },
};

static const struct word w_overflow[] = {
	{ "ignore", VG_ADC_IGNORE },
	{ "syslog", VG_ADC_SYSLOG },
	{ "suspend", VG_ADC_SUSPEND },
	{ "single", VG_ADC_SINGLE },
	{ "halt", VG_ADC_HALT },
	{ NULL, 0 },
};

static const struct word w_transport[] = {
	{ "tcp", 0 },
	{ "krb5", 1 },
	{ "tls", 2 },		/* auditd 4.x */
	{ NULL, 0 },
};

static const struct akey keys[] = {
	{ "local_events", K_BOOL, F(local_events), 0, 0, 0, NULL, 0, NULL },
	{ "write_logs", K_BOOL, F(write_logs), 0, 0, 0, NULL, 0, NULL },
	{ "log_file", K_PATH, F(log_file), 0, 0, 0, NULL, 0, NULL },
	{ "log_format", K_FORMAT, F(log_format), 0, 0, 0, NULL, 0, NULL },
	{ "log_group", K_GROUP, F(log_group), 0, 0, 0, NULL, 0, NULL },
	{ "flush", K_WORD, F(flush), 0, 0, 0, w_flush, 0, NULL },
	{ "freq", K_UINT, F(freq), 0, 0, INT_MAX, NULL, 0, NULL },
	{ "num_logs", K_UINT, F(num_logs), 0, 0, 999, NULL, 0, NULL },
	{ "name_format", K_WORD, F(name_format), 0, 0, 0, w_node, 0, NULL },
	{ "name", K_STR, F(name), 0, 0, 0, NULL, 0, NULL },
	{ "max_log_file", K_ULONG, F(max_log_file), 0, 0, ULONG_MAX / 2,
	  NULL, 0, NULL },
	{ "max_log_file_action", K_ACTION, F(max_log_file_action),
	  F(max_log_file_exe), 0, 0, w_size, 0, NULL },
	{ "space_left", K_SPACE, F(space_left), 0, 0, 0, NULL, 0, NULL },
	{ "space_left_action", K_ACTION, F(space_left_action),
	  F(space_left_exe), 0, 0, w_space, 0, NULL },
	{ "admin_space_left", K_SPACE, F(admin_space_left), 0, 0, 0, NULL, 0,
	  NULL },
	{ "admin_space_left_action", K_ACTION, F(admin_space_left_action),
	  F(admin_space_left_exe), 0, 0, w_space, 0, NULL },
	{ "disk_full_action", K_ACTION, F(disk_full_action), F(disk_full_exe),
	  0, 0, w_full, 0, NULL },
	{ "disk_error_action", K_ACTION, F(disk_error_action),
	  F(disk_error_exe), 0, 0, w_error, 0, NULL },
	{ "priority_boost", K_UINT, F(priority_boost), 0, 0, INT_MAX, NULL, 0,
	  NULL },
	{ "q_depth", K_UINT, F(q_depth), 0, 0, 99999, NULL, 0, NULL },
	{ "overflow_action", K_ACTION, F(overflow_action), 0, 0, 0,
	  w_overflow, 0, NULL },
	{ "max_restarts", K_UINT, F(max_restarts), 0, 0, INT_MAX, NULL, 0,
	  NULL },
	{ "plugin_dir", K_PATH, F(plugin_dir), 0, 0, 0, NULL, 0, NULL },
	{ "end_of_event_timeout", K_UINT, F(end_of_event_timeout), 0, 0,
	  INT_MAX, NULL, 0, NULL },
	/* accepted, not implemented */
	{ "action_mail_acct", K_STR, F(action_mail_acct), 0, 0, 0, NULL,
	  KF_NOTIMPL, "e-mail actions are not implemented (logged instead)" },
	{ "verify_email", K_BOOL, F(verify_email), 0, 0, 0, NULL, KF_NOTIMPL,
	  "e-mail actions are not implemented" },
	/* the network listener (src/inputs/listen.c, docs/fleet.md) */
	{ "tcp_listen_port", K_UINT, F(tcp_listen_port), 0, 1, 65535, NULL,
	  0, NULL },
	{ "tcp_listen_queue", K_UINT, F(tcp_listen_queue), 0, 1, 65535,
	  NULL, 0, NULL },
	{ "tcp_max_per_addr", K_UINT, F(tcp_max_per_addr), 0, 1, 1024, NULL,
	  0, NULL },
	{ "use_libwrap", K_BOOL, F(use_libwrap), 0, 0, 0, NULL, 0, NULL },
	{ "tcp_client_ports", K_PORTS, F(tcp_client_ports), 0, 0, 0, NULL,
	  0, NULL },
	{ "tcp_client_max_idle", K_UINT, F(tcp_client_max_idle), 0, 0,
	  86400 * 365, NULL, 0, NULL },
	{ "transport", K_WORD, F(transport), 0, 0, 0, w_transport, 0, NULL },
	{ "enable_krb5", K_BOOL, F(enable_krb5), 0, 0, 0, NULL, KF_NOTIMPL,
	  "Kerberos is not implemented" },
	{ "krb5_principal", K_STR, F(krb5_principal), 0, 0, 0, NULL,
	  KF_NOTIMPL, "Kerberos is not implemented" },
	{ "krb5_key_file", K_PATH, F(krb5_key_file), 0, 0, 0, NULL,
	  KF_NOTIMPL, "Kerberos is not implemented" },
	{ "distribute_network", K_BOOL, F(distribute_network), 0, 0, 0, NULL,
	  0, NULL },
	/* obsolete (auditd 2.x) or newer than 3.0.9 */
	{ "dispatcher", K_IGNORED, 0, 0, 0, 0, NULL, 0,
	  "obsolete since auditd 3.0 (plugins.d replaces it)" },
	{ "disp_qos", K_IGNORED, 0, 0, 0, 0, NULL, 0,
	  "obsolete since auditd 3.0" },
	{ "report_interval", K_IGNORED, 0, 0, 0, 0, NULL, 0,
	  "auditd 4.x key, not implemented" },
};

static const struct akey *
find_key(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcasecmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

static int
parse_ulong(const char *s, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static const struct word *
find_word(const struct word *w, const char *s, size_t len)
{
	for (; w->name != NULL; w++)
		if (strlen(w->name) == len && strncasecmp(w->name, s, len) == 0)
			return w;
	return NULL;
}

static void
list_words(const struct word *w, char *out, size_t len)
{
	size_t n = 0;
	int r;

	out[0] = '\0';
	for (; w->name != NULL && n < len; w++) {
		r = snprintf(out + n, len - n, "%s%s", n ? ", " : "",
		    w->name);
		if (r < 0)
			break;
		n += (size_t)r;
	}
}

static int
set_str(char **dst, const char *val, size_t len, char *msg, size_t msglen)
{
	char *dup;

	if ((dup = strndup(val, len)) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = dup;
	return 0;
}

static int
set_bool(int *dst, const char *name, const char *val, char *msg,
    size_t msglen)
{
	/* the one boolean parser: yes/no, true/false, on/off, 1/0 */
	if (vg_parse_bool(val, dst) == -1) {
		snprintf(msg, msglen, "%s: \"%s\" is not yes or no", name, val);
		return -1;
	}
	return 0;
}

/*
 * Exec action programs run as root, so only root may be able to change
 * what a configured path leads to. The path is walked one component at a
 * time, as the kernel would, symbolic links included: every entry on the
 * way (directory, link, the program) must be owned by root, and every
 * directory looked into writable by root only or sticky (as /tmp: there
 * nobody else can replace the root-owned entry, checked in turn).
 */
struct xwalk {
	const char	*path;		/* as configured, for messages */
	char		 cur[PATH_MAX];	/* resolved so far, checked */
	char		 next[PATH_MAX];	/* cur + one component */
	int		 links;		/* followed: at most 40 (ELOOP) */
	char		*msg;
	size_t		 msglen;
};

static int
xfail(struct xwalk *w, const char *what, const char *name, const char *why)
{
	snprintf(w->msg, w->msglen, "exec program %s: %s%s%s", w->path,
	    what, name, why);
	return -1;
}

/* May the entries of directory w->cur be replaced by root only? */
static int
xdir_ok(struct xwalk *w)
{
	struct stat st;
	char why[96];

	if (lstat(w->cur, &st) == -1) {
		snprintf(why, sizeof(why), ": %s", strerror(errno));
		return xfail(w, "", w->cur, why);
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
		snprintf(why, sizeof(why), " is writable by group or others "
		    "(mode %04o), must be writable by root only",
		    (unsigned)(st.st_mode & 07777));
		return xfail(w, "directory ", w->cur, why);
	}
	return 0;
}

static int
xwalk(struct xwalk *w, const char *rest, int last)
{
	char *next = w->next, target[PATH_MAX], why[64];
	const char *p = rest, *kind;
	struct stat st;	/* recursion: one frame per link followed */
	size_t len, at;
	ssize_t n;
	int final;

	for (;;) {
		p += strspn(p, "/");
		if (*p == '\0')
			return 0;
		len = strcspn(p, "/");
		final = last && p[len + strspn(p + len, "/")] == '\0';
		if (len == 1 && p[0] == '.') {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			/* cur is resolved: its parent was checked on the way */
			char *slash = strrchr(w->cur, '/');

			if (slash != NULL)
				slash[slash == w->cur ? 1 : 0] = '\0';
			p += len;
			continue;
		}
		if (xdir_ok(w) == -1)
			return -1;
		at = strlen(w->cur);
		if (at + 1 + len >= sizeof(w->next))
			return xfail(w, "", "", "path too long");
		memcpy(next, w->cur, at);
		if (at > 1)
			next[at++] = '/';
		memcpy(next + at, p, len);
		next[at + len] = '\0';
		p += len;
		if (lstat(next, &st) == -1)
			return xfail(w, "", "", strerror(errno));
		kind = S_ISLNK(st.st_mode) ? "symbolic link " :
		    S_ISDIR(st.st_mode) ? "directory " : NULL;
		if (st.st_uid != 0 && kind != NULL) {
			snprintf(why, sizeof(why), " is owned by uid %u, must "
			    "be root", (unsigned)st.st_uid);
			return xfail(w, kind, next, why);
		}
		if (S_ISLNK(st.st_mode)) {
			if (++w->links > 40)
				return xfail(w, "", "", strerror(ELOOP));
			n = readlink(next, target, sizeof(target) - 1);
			if (n <= 0)
				return xfail(w, "", next, ": cannot read link");
			target[n] = '\0';
			if (target[0] == '/')
				snprintf(w->cur, sizeof(w->cur), "/");
			if (xwalk(w, target, final) == -1)
				return -1;
			continue;
		}
		memcpy(w->cur, next, at + len + 1);
		if (!final && !S_ISDIR(st.st_mode))
			return xfail(w, "", "", strerror(ENOTDIR));
	}
}

int
vg_adc_exec_check(const char *path, char *resolved, size_t rlen, char *msg,
    size_t msglen)
{
	struct xwalk w;
	struct stat st;

	memset(&w, 0, sizeof(w));
	w.path = path ? path : "(none)";
	w.msg = msg;
	w.msglen = msglen;
	if (path == NULL || *path != '/')
		return xfail(&w, "", "", "not an absolute path");
	snprintf(w.cur, sizeof(w.cur), "/");
	if (lstat("/", &st) == -1 || st.st_uid != 0)
		return xfail(&w, "directory ", "/", " is not owned by root");
	if (xwalk(&w, path, 1) == -1)
		return -1;
	if (lstat(w.cur, &st) == -1)
		return xfail(&w, "", "", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return xfail(&w, "", "", "not a regular file");
	if (st.st_uid != 0) {
		snprintf(msg, msglen, "exec program %s: owned by uid %u, must "
		    "be root", w.path, (unsigned)st.st_uid);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(msg, msglen, "exec program %s: writable by group or "
		    "others (mode %04o), must be writable by root only", w.path,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (!(st.st_mode & S_IXUSR)) {
		snprintf(msg, msglen, "exec program %s: not executable by its "
		    "owner (mode %04o)", w.path,
		    (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (resolved != NULL &&
	    (size_t)snprintf(resolved, rlen, "%s", w.cur) >= rlen)
		return xfail(&w, "", "", "path too long");
	return 0;
}

/* "exec /path" or a plain word; returns 0/-1. */
static int
set_action(struct vg_auditd_conf *c, const struct akey *k, const char *val,
    char *msg, size_t msglen)
{
	char *base = (char *)c, words[160], why[256];
	const struct word *w;
	const char *sp = val + strcspn(val, " \t"), *arg;

	w = find_word(k->words, val, (size_t)(sp - val));
	if (w == NULL) {
		list_words(k->words, words, sizeof(words));
		snprintf(msg, msglen, "%s: \"%s\" is not one of %s", k->name,
		    val, words);
		return -1;
	}
	arg = sp + strspn(sp, " \t");
	if (w->value == VG_ADC_EXEC) {
		if (k->exe_off == 0) {
			snprintf(msg, msglen, "%s: exec is not allowed here",
			    k->name);
			return -1;
		}
		if (*arg != '/' || arg[strcspn(arg, " \t")] != '\0') {
			snprintf(msg, msglen, "%s: \"%s\": exec needs one "
			    "absolute path to a program (no arguments)",
			    k->name, val);
			return -1;
		}
		if (vg_adc_exec_check(arg, NULL, 0, why,
		    sizeof(why)) == -1) {
			snprintf(msg, msglen, "%s: %s", k->name, why);
			return -1;
		}
		if (set_str((char **)(base + k->exe_off), arg, strlen(arg),
		    msg, msglen) == -1)
			return -1;
	} else if (*arg != '\0') {
		snprintf(msg, msglen, "%s: \"%s\": unexpected text after "
		    "\"%.*s\"", k->name, val, (int)(sp - val), val);
		return -1;
	}
	*(enum vg_adc_action *)(base + k->off) = (enum vg_adc_action)w->value;
	return 0;
}

static int
set_space(struct vg_adc_space *sp, const char *name, const char *val,
    char *msg, size_t msglen)
{
	char num[32];
	size_t len = strlen(val);
	unsigned long v;

	if (len > 0 && len < sizeof(num) && val[len - 1] == '%') {
		memcpy(num, val, len - 1);
		num[len - 1] = '\0';
		if (parse_ulong(num, 1, 99, &v) == -1) {
			snprintf(msg, msglen, "%s: \"%s\": a percentage must "
			    "be 1%%..99%%", name, val);
			return -1;
		}
		sp->value = v;
		sp->percent = 1;
		return 0;
	}
	if (parse_ulong(val, 0, ULONG_MAX / 2, &v) == -1) {
		snprintf(msg, msglen, "%s: \"%s\" is not a size in MiB or a "
		    "percentage", name, val);
		return -1;
	}
	sp->value = v;
	sp->percent = 0;
	return 0;
}

static int
set_group(gid_t *dst, const char *name, const char *val, char *msg,
    size_t msglen)
{
	struct group *gr;
	unsigned long v;

	if (parse_ulong(val, 0, (gid_t)-2, &v) == 0) {
		*dst = (gid_t)v;
		return 0;
	}
	errno = 0;
	if ((gr = getgrnam(val)) == NULL) {
		snprintf(msg, msglen, "%s: group \"%s\" does not exist", name,
		    val);
		return -1;
	}
	*dst = gr->gr_gid;
	return 0;
}

static int
set_ports(char **dst, const char *name, const char *val, char *msg,
    size_t msglen)
{
	char lo[16];
	const char *dash = strchr(val, '-');
	unsigned long a, b;
	size_t n = dash ? (size_t)(dash - val) : strlen(val);

	if (n == 0 || n >= sizeof(lo))
		goto bad;
	memcpy(lo, val, n);
	lo[n] = '\0';
	if (parse_ulong(lo, 1, 65535, &a) == -1)
		goto bad;
	if (dash != NULL && (parse_ulong(dash + 1, 1, 65535, &b) == -1 ||
	    b < a))
		goto bad;
	return set_str(dst, val, strlen(val), msg, msglen);
bad:
	snprintf(msg, msglen, "%s: \"%s\" is not a port or a port range "
	    "N-M in 1..65535", name, val);
	return -1;
}

int
vg_auditd_conf_set(struct vg_auditd_conf *c, const char *name,
    const char *val, char *msg, size_t msglen)
{
	const struct akey *k = find_key(name);
	char *base = (char *)c, words[160];
	const struct word *w;
	unsigned long v;
	int rc = 0;

	if (k == NULL) {
		if (strncasecmp(name, "tls_", 4) == 0) {
			snprintf(msg, msglen, "%s: auditd 4.x TLS key, not "
			    "implemented; ignored", name);
			return 1;
		}
		snprintf(msg, msglen, "unknown keyword \"%s\"", name);
		return -1;
	}
	/* every kind but an action takes exactly one word */
	if (k->kind != K_ACTION && k->kind != K_IGNORED &&
	    val[strcspn(val, " \t")] != '\0') {
		snprintf(msg, msglen, "%s: \"%s\": expected one value", k->name,
		    val);
		return -1;
	}
	switch (k->kind) {
	case K_BOOL:
		rc = set_bool((int *)(base + k->off), k->name, val, msg,
		    msglen);
		break;
	case K_STR:
		rc = set_str((char **)(base + k->off), val, strlen(val), msg,
		    msglen);
		break;
	case K_PATH:
		if (*val != '/') {
			snprintf(msg, msglen, "%s: \"%s\" is not an absolute "
			    "path", k->name, val);
			return -1;
		}
		rc = set_str((char **)(base + k->off), val, strlen(val), msg,
		    msglen);
		break;
	case K_UINT:
	case K_ULONG:
		if (parse_ulong(val, k->min, k->max, &v) == -1) {
			snprintf(msg, msglen, "%s: \"%s\" is not a number in "
			    "%lu..%lu", k->name, val, k->min, k->max);
			return -1;
		}
		if (k->kind == K_UINT)
			*(unsigned *)(base + k->off) = (unsigned)v;
		else
			*(unsigned long *)(base + k->off) = v;
		break;
	case K_WORD:
		if ((w = find_word(k->words, val, strlen(val))) == NULL) {
			list_words(k->words, words, sizeof(words));
			snprintf(msg, msglen, "%s: \"%s\" is not one of %s",
			    k->name, val, words);
			return -1;
		}
		if (k->off == F(transport))
			rc = set_str(&c->transport, w->name, strlen(w->name),
			    msg, msglen);
		else
			*(int *)(base + k->off) = w->value;
		break;
	case K_ACTION:
		rc = set_action(c, k, val, msg, msglen);
		break;
	case K_SPACE:
		rc = set_space((struct vg_adc_space *)(base + k->off), k->name,
		    val, msg, msglen);
		break;
	case K_GROUP:
		rc = set_group(&c->log_group, k->name, val, msg, msglen);
		break;
	case K_FORMAT:
		if (strcasecmp(val, "raw") == 0)
			c->log_format = VG_ADC_RAW;
		else if (strcasecmp(val, "enriched") == 0)
			c->log_format = VG_ADC_ENRICHED;
		else if (strcasecmp(val, "nolog") == 0) {
			c->write_logs = 0;
			snprintf(msg, msglen, "log_format: NOLOG is deprecated, "
			    "use write_logs = no (logs are not written)");
			return 1;
		} else {
			snprintf(msg, msglen, "log_format: \"%s\" is not one "
			    "of raw, enriched", val);
			return -1;
		}
		break;
	case K_PORTS:
		rc = set_ports((char **)(base + k->off), k->name, val, msg,
		    msglen);
		break;
	case K_IGNORED:
		snprintf(msg, msglen, "%s: %s; ignored", k->name, k->why);
		return 1;
	}
	if (rc == 0 && (k->flags & KF_NOTIMPL)) {
		snprintf(msg, msglen, "%s = %s: accepted but %s", k->name, val,
		    k->why);
		return 1;
	}
	return rc;
}

void
vg_auditd_conf_defaults(struct vg_auditd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->local_events = 1;
	c->write_logs = 1;
	c->log_file = strdup("/var/log/audit/audit.log");
	c->log_format = VG_ADC_RAW;
	c->log_group = 0;
	c->flush = VG_ADC_FLUSH_NONE;
	c->priority_boost = 4;
	c->disk_error_action = VG_ADC_SYSLOG;
	c->q_depth = 2000;
	c->overflow_action = VG_ADC_SYSLOG;
	c->max_restarts = 10;
	c->plugin_dir = strdup("/etc/audit/plugins.d");
	c->end_of_event_timeout = 2;
	c->action_mail_acct = strdup("root");
	c->verify_email = 1;
	c->tcp_listen_queue = 5;
	c->tcp_max_per_addr = 1;
	c->use_libwrap = 1;
	c->transport = strdup("tcp");
	c->krb5_principal = strdup("auditd");
}

/* Trims in place; returns start. */
static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Checks across keys, as auditd does once the file is read. */
static int
check_all(const struct vg_auditd_conf *c, char *msg, size_t msglen)
{
	if (c->space_left.value && c->admin_space_left.value &&
	    c->space_left.percent == c->admin_space_left.percent &&
	    c->space_left.value <= c->admin_space_left.value) {
		snprintf(msg, msglen, "space_left (%lu%s) must be larger than "
		    "admin_space_left (%lu%s)", c->space_left.value,
		    c->space_left.percent ? "%" : "",
		    c->admin_space_left.value,
		    c->admin_space_left.percent ? "%" : "");
		return -1;
	}
	if ((c->flush == VG_ADC_FLUSH_INCREMENTAL ||
	    c->flush == VG_ADC_FLUSH_INCREMENTAL_ASYNC) && c->freq == 0) {
		snprintf(msg, msglen, "flush = incremental needs freq > 0");
		return -1;
	}
	if (c->name_format == VG_ADC_NODE_USER &&
	    (c->name == NULL || c->name[0] == '\0')) {
		snprintf(msg, msglen, "name_format = user needs a name");
		return -1;
	}
	return 0;
}

int
vg_auditd_conf_load(struct vg_auditd_conf *c, const char *path,
    struct vg_err *err)
{
	FILE *f;
	char *line = NULL, *p, *eq, *key, *val;
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int errors = 0, rc;
	char msg[sizeof(err->msg)];

	snprintf(err->file, sizeof(err->file), "%s", path);
	err->line = 0;
	err->msg[0] = '\0';
	if ((f = fopen(path, "re")) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "%s", strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((size_t)n != strlen(line)) {
			snprintf(err->msg, sizeof(err->msg), "NUL byte in line");
			goto bad;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if (n > LINE_MAX_AUDITD) {
			/* auditd skips such a line; say so */
			vg_log_warnx("%s:%u: line longer than %d characters "
			    "skipped (as auditd does)", path, lineno,
			    LINE_MAX_AUDITD);
			c->warnings++;
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			snprintf(err->msg, sizeof(err->msg),
			    "expected \"keyword = value\", got \"%.64s\"", p);
			goto bad;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (*key == '\0' || key[strcspn(key, " \t")] != '\0') {
			snprintf(err->msg, sizeof(err->msg),
			    "bad keyword \"%.64s\"", key);
			goto bad;
		}
		if (*val == '\0') {
			snprintf(err->msg, sizeof(err->msg),
			    "%s: missing value", key);
			goto bad;
		}
		/* a warning must not overwrite the last error in err */
		rc = vg_auditd_conf_set(c, key, val, msg, sizeof(msg));
		if (rc == 0)
			continue;
		if (rc == 1) {
			vg_log_warnx("%s:%u: warning: %s", path, lineno, msg);
			c->warnings++;
			continue;
		}
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
bad:
		err->line = lineno;
		vg_log_warnx("%s:%u: %s", path, lineno, err->msg);
		errors++;
	}
	free(line);
	fclose(f);
	if (errors == 0 && check_all(c, err->msg, sizeof(err->msg)) == -1) {
		err->line = lineno;
		vg_log_warnx("%s: %s", path, err->msg);
		errors++;
	}
	return errors;
}

#define NSTR	14
static const size_t str_fields[NSTR] = {
	F(log_file), F(name), F(max_log_file_exe), F(space_left_exe),
	F(admin_space_left_exe), F(disk_full_exe), F(disk_error_exe),
	F(plugin_dir), F(action_mail_acct), F(tcp_client_ports),
	F(transport), F(krb5_principal), F(krb5_key_file), 0,
};

void
vg_auditd_conf_free(struct vg_auditd_conf *c)
{
	size_t i;

	for (i = 0; i < NSTR && str_fields[i]; i++)
		free(*(char **)((char *)c + str_fields[i]));
	memset(c, 0, sizeof(*c));
}

int
vg_auditd_conf_copy(struct vg_auditd_conf *dst,
    const struct vg_auditd_conf *src)
{
	size_t i;
	char **d;

	memcpy(dst, src, sizeof(*dst));
	for (i = 0; i < NSTR && str_fields[i]; i++)
		*(char **)((char *)dst + str_fields[i]) = NULL;
	for (i = 0; i < NSTR && str_fields[i]; i++) {
		const char *s = *(char *const *)((const char *)src +
		    str_fields[i]);

		if (s == NULL)
			continue;
		d = (char **)((char *)dst + str_fields[i]);
		if ((*d = strdup(s)) == NULL) {
			vg_auditd_conf_free(dst);
			errno = ENOMEM;
			return -1;
		}
	}
	return 0;
}

static int
resolve(const char *host, int canon, char *buf, size_t len)
{
	struct addrinfo hints, *ai;
	const void *addr;
	int rc = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = canon ? AI_CANONNAME : 0;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &ai) != 0)
		return -1;
	if (canon) {
		if (ai->ai_canonname != NULL &&
		    (size_t)snprintf(buf, len, "%s", ai->ai_canonname) < len)
			rc = 0;
	} else {
		if (ai->ai_family == AF_INET)
			addr = &((struct sockaddr_in *)(void *)
			    ai->ai_addr)->sin_addr;
		else
			addr = &((struct sockaddr_in6 *)(void *)
			    ai->ai_addr)->sin6_addr;
		if (inet_ntop(ai->ai_family, addr, buf, (socklen_t)len))
			rc = 0;
	}
	freeaddrinfo(ai);
	return rc;
}

int
vg_auditd_conf_node_name(const struct vg_auditd_conf *c, char *buf,
    size_t len)
{
	char host[256];

	if (len == 0)
		return -1;
	buf[0] = '\0';
	switch (c->name_format) {
	case VG_ADC_NODE_NONE:
		return 0;
	case VG_ADC_NODE_USER:
		if (c->name == NULL ||
		    (size_t)snprintf(buf, len, "%s", c->name) >= len)
			return -1;
		return 0;
	default:
		break;
	}
	if (gethostname(host, sizeof(host)) == -1)
		return -1;
	host[sizeof(host) - 1] = '\0';
	if ((size_t)snprintf(buf, len, "%s", host) >= len)
		return -1;
	if (c->name_format == VG_ADC_NODE_HOSTNAME)
		return 0;
	if (resolve(host, c->name_format == VG_ADC_NODE_FQD, buf, len) == 0)
		return 0;
	vg_log_warnx("cannot resolve host name \"%s\" for name_format; "
	    "using the host name", host);
	snprintf(buf, len, "%s", host);
	return -1;
}

const char *
vg_adc_action_name(enum vg_adc_action a)
{
	static const char *const names[] = {
		"ignore", "syslog", "rotate", "email", "exec", "suspend",
		"single", "halt", "keep_logs",
	};

	if ((unsigned)a < sizeof(names) / sizeof(names[0]))
		return names[a];
	return "?";
}
