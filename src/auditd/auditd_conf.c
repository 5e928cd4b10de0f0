/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auditd_conf.c: auditd.conf(5): its keys as rows of the configuration
 * engine (opt.h: type, bounds or words, default, implemented or not) and
 * its syntax for the one file reader (conf_read.h); a bad line is
 * reported as file:line and reading goes on, so one run lists every
 * mistake. Also the checks on exec action programs and the node name.
 * Never touches the log or the kernel.
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
#include "vigil/conf_read.h"
#include "vigil/log.h"
#include "vigil/opt.h"

#define LINE_MAX_AUDITD	160	/* auditd skips longer lines */
#define F(m)	offsetof(struct vg_auditd_conf, m)
#define ADC	VG_OPT_AUDITD

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

/* "exec /path" or a plain word (set hook of the *_action rows). */
static int
set_action(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t msglen)
{
	char *b = base, why[256], *exe = NULL;
	const char *sp = val + strcspn(val, " \t"), *arg;
	int w;

	if ((w = vg_opt_choice(o, val, (size_t)(sp - val))) == -1) {
		vg_opt_bad(o, val, msg, msglen);
		return -1;
	}
	arg = sp + strspn(sp, " \t");
	if (w == VG_ADC_EXEC) {
		if (*arg != '/' || arg[strcspn(arg, " \t")] != '\0') {
			snprintf(msg, msglen, "\"%s\": exec needs one absolute "
			    "path to a program (no arguments)", val);
			return -1;
		}
		if (vg_adc_exec_check(arg, NULL, 0, why, sizeof(why)) == -1) {
			snprintf(msg, msglen, "%s", why);
			return -1;
		}
		if ((exe = strdup(arg)) == NULL) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
	} else if (*arg != '\0') {
		snprintf(msg, msglen, "\"%s\": unexpected text after \"%.*s\"",
		    val, (int)(sp - val), val);
		return -1;
	}
	if (exe != NULL) {
		free(*(char **)(b + o->aux_off));
		*(char **)(b + o->aux_off) = exe;
	}
	*(enum vg_adc_action *)(b + o->off) = (enum vg_adc_action)w;
	return 0;
}

/* MiB, or N% (1..99) */
static int
set_space(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t msglen)
{
	struct vg_adc_space *sp = (void *)((char *)base + o->off);
	char num[32];
	size_t len = strlen(val);
	unsigned long v;

	if (len > 0 && len < sizeof(num) && val[len - 1] == '%') {
		memcpy(num, val, len - 1);
		num[len - 1] = '\0';
		if (parse_ulong(num, 1, 99, &v) == -1) {
			snprintf(msg, msglen, "\"%s\": a percentage must be "
			    "1%%..99%%", val);
			return -1;
		}
		sp->value = v;
		sp->percent = 1;
		return 0;
	}
	if (parse_ulong(val, 0, ULONG_MAX / 2, &v) == -1) {
		snprintf(msg, msglen, "\"%s\" is not a size in MiB or a "
		    "percentage", val);
		return -1;
	}
	sp->value = v;
	sp->percent = 0;
	return 0;
}

/* a group name or gid */
static int
set_group(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t msglen)
{
	gid_t *dst = (void *)((char *)base + o->off);
	struct group *gr;
	unsigned long v;

	if (parse_ulong(val, 0, (gid_t)-2, &v) == 0) {
		*dst = (gid_t)v;
		return 0;
	}
	errno = 0;
	if ((gr = getgrnam(val)) == NULL) {
		snprintf(msg, msglen, "group \"%s\" does not exist", val);
		return -1;
	}
	*dst = gr->gr_gid;
	return 0;
}

/* raw | enriched; nolog (deprecated) is write_logs = no */
static int
set_format(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t msglen)
{
	struct vg_auditd_conf *c = base;
	int v;

	if (strcasecmp(val, "nolog") == 0) {
		c->write_logs = 0;
		snprintf(msg, msglen, "NOLOG is deprecated, use write_logs = "
		    "no (logs are not written)");
		return 1;
	}
	if ((v = vg_opt_choice(o, val, strlen(val))) == -1) {
		vg_opt_bad(o, val, msg, msglen);
		return -1;
	}
	c->log_format = (enum vg_adc_format)v;
	return 0;
}

static int
check_path(const char *val, char *msg, size_t msglen)
{
	if (*val == '/')
		return 0;
	snprintf(msg, msglen, "\"%s\" is not an absolute path", val);
	return -1;
}

/* N or N-M, 1..65535 */
static int
check_ports(const char *val, char *msg, size_t msglen)
{
	char lo[16];
	const char *dash = strchr(val, '-');
	unsigned long a, b;
	size_t n = dash ? (size_t)(dash - val) : strlen(val);

	if (n > 0 && n < sizeof(lo)) {
		memcpy(lo, val, n);
		lo[n] = '\0';
		if (parse_ulong(lo, 1, 65535, &a) == 0 && (dash == NULL ||
		    (parse_ulong(dash + 1, 1, 65535, &b) == 0 && b >= a)))
			return 0;
	}
	snprintf(msg, msglen, "\"%s\" is not a port or a port range N-M in "
	    "1..65535", val);
	return -1;
}

static const char *const c_flush[] = {
	"none", "incremental", "incremental_async", "data", "sync", NULL,
};
static const char *const c_node[] = {
	"none", "hostname", "fqd", "numeric", "user", NULL,
};
static const char *const c_format[] = { "raw", "enriched", NULL };
const char *const vg_adc_transports[] = { "tcp", "krb5", "tls", NULL };
/* by enum vg_adc_tls_profile */
static const char *const c_tls_profile[] = { "compatible", "system", "pqc",
    NULL };
static const char *const c_tls_auth[] = { "psk", NULL };

/* each *_action key's words, and their enum vg_adc_action */
static const char *const c_size[] = {
	"ignore", "syslog", "suspend", "rotate", "keep_logs", "exec", NULL,
};
static const int v_size[] = {
	VG_ADC_IGNORE, VG_ADC_SYSLOG, VG_ADC_SUSPEND, VG_ADC_ROTATE,
	VG_ADC_KEEP_LOGS, VG_ADC_EXEC,
};
static const char *const c_space[] = {
	"ignore", "syslog", "rotate", "email", "exec", "suspend", "single",
	"halt", NULL,
};
static const int v_space[] = {
	VG_ADC_IGNORE, VG_ADC_SYSLOG, VG_ADC_ROTATE, VG_ADC_EMAIL,
	VG_ADC_EXEC, VG_ADC_SUSPEND, VG_ADC_SINGLE, VG_ADC_HALT,
};
static const char *const c_full[] = {
	"ignore", "syslog", "rotate", "exec", "suspend", "single", "halt",
	NULL,
};
static const int v_full[] = {
	VG_ADC_IGNORE, VG_ADC_SYSLOG, VG_ADC_ROTATE, VG_ADC_EXEC,
	VG_ADC_SUSPEND, VG_ADC_SINGLE, VG_ADC_HALT,
};
static const char *const c_error[] = {
	"ignore", "syslog", "exec", "suspend", "single", "halt", NULL,
};
static const int v_error[] = {
	VG_ADC_IGNORE, VG_ADC_SYSLOG, VG_ADC_EXEC, VG_ADC_SUSPEND,
	VG_ADC_SINGLE, VG_ADC_HALT,
};
static const char *const c_overflow[] = {
	"ignore", "syslog", "suspend", "single", "halt", NULL,
};
static const int v_overflow[] = {
	VG_ADC_IGNORE, VG_ADC_SYSLOG, VG_ADC_SUSPEND, VG_ADC_SINGLE,
	VG_ADC_HALT,
};

/* An action key: its words, and where "exec /path" puts the path. */
#define ACTION(n, c, v, m, exe, d)					\
	{ .name = n, .type = VG_OPT_SET, .set = set_action, .def = d,	\
	  .choices = c, .values = v, .off = F(m), .aux_off = F(exe),	\
	  .flags = ADC | VG_OPT_WORDS | VG_OPT_AUX }
#define NOKRB5	"Kerberos is not implemented"

/*
 * Every auditd.conf(5) key, in the engine's rows (opt.h): the type and
 * bounds check it, .def is auditd's default, .warn says what is accepted
 * but not implemented (a warning), VG_OPT_IGNORED what is known and
 * ignored (a warning). What a key does is its field's reader's
 * (log_writer.c, plugin_supervisor.c, listen.c).
 */
static const struct vg_opt keys[] = {
	{ .name = "local_events", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(local_events), .flags = ADC },
	{ .name = "write_logs", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(write_logs), .flags = ADC },
	{ .name = "log_file", .type = VG_OPT_STR,
	  .def = "/var/log/audit/audit.log", .check = check_path,
	  .off = F(log_file), .flags = ADC },
	{ .name = "log_format", .type = VG_OPT_SET, .set = set_format,
	  .def = "raw", .choices = c_format, .off = F(log_format),
	  .flags = ADC },
	{ .name = "log_group", .type = VG_OPT_SET, .set = set_group,
	  .off = F(log_group), .flags = ADC },
	{ .name = "flush", .type = VG_OPT_ENUM, .def = "none",
	  .choices = c_flush, .off = F(flush), .flags = ADC },
	{ .name = "freq", .type = VG_OPT_UINT, .max = INT_MAX,
	  .off = F(freq), .flags = ADC },
	{ .name = "num_logs", .type = VG_OPT_UINT, .max = 999,
	  .off = F(num_logs), .flags = ADC },
	{ .name = "name_format", .type = VG_OPT_ENUM, .def = "none",
	  .choices = c_node, .off = F(name_format), .flags = ADC },
	{ .name = "name", .type = VG_OPT_STR, .off = F(name), .flags = ADC },
	{ .name = "max_log_file", .type = VG_OPT_U64, .max = ULONG_MAX / 2,
	  .off = F(max_log_file), .flags = ADC },
	ACTION("max_log_file_action", c_size, v_size, max_log_file_action,
	    max_log_file_exe, NULL),
	{ .name = "space_left", .type = VG_OPT_SET, .set = set_space,
	  .off = F(space_left), .flags = ADC },
	ACTION("space_left_action", c_space, v_space, space_left_action,
	    space_left_exe, NULL),
	{ .name = "admin_space_left", .type = VG_OPT_SET, .set = set_space,
	  .off = F(admin_space_left), .flags = ADC },
	ACTION("admin_space_left_action", c_space, v_space,
	    admin_space_left_action, admin_space_left_exe, NULL),
	ACTION("disk_full_action", c_full, v_full, disk_full_action,
	    disk_full_exe, NULL),
	ACTION("disk_error_action", c_error, v_error, disk_error_action,
	    disk_error_exe, "syslog"),
	{ .name = "priority_boost", .type = VG_OPT_UINT, .def = "4",
	  .max = INT_MAX, .off = F(priority_boost), .flags = ADC },
	{ .name = "q_depth", .type = VG_OPT_UINT, .def = "2000",
	  .max = 99999, .off = F(q_depth), .flags = ADC },
	{ .name = "overflow_action", .type = VG_OPT_SET, .set = set_action,
	  .def = "syslog", .choices = c_overflow, .values = v_overflow,
	  .off = F(overflow_action), .flags = ADC | VG_OPT_WORDS },
	{ .name = "max_restarts", .type = VG_OPT_UINT, .def = "10",
	  .max = INT_MAX, .off = F(max_restarts), .flags = ADC },
	{ .name = "plugin_dir", .type = VG_OPT_STR,
	  .def = "/etc/audit/plugins.d", .check = check_path,
	  .off = F(plugin_dir), .flags = ADC },
	{ .name = "end_of_event_timeout", .type = VG_OPT_UINT, .def = "2",
	  .max = INT_MAX, .off = F(end_of_event_timeout), .flags = ADC },
	/* accepted, not implemented */
	{ .name = "action_mail_acct", .type = VG_OPT_STR, .def = "root",
	  .off = F(action_mail_acct), .flags = ADC,
	  .warn = "e-mail actions are not implemented (logged instead)" },
	{ .name = "verify_email", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(verify_email), .flags = ADC,
	  .warn = "e-mail actions are not implemented" },
	/* the network listener (src/inputs/listen.c, docs/fleet.md) */
	{ .name = "tcp_listen_port", .type = VG_OPT_UINT, .min = 1,
	  .max = 65535, .off = F(tcp_listen_port), .flags = ADC },
	{ .name = "tcp_listen_queue", .type = VG_OPT_UINT, .def = "5",
	  .min = 1, .max = 65535, .off = F(tcp_listen_queue), .flags = ADC },
	{ .name = "tcp_max_per_addr", .type = VG_OPT_UINT, .def = "1",
	  .min = 1, .max = 1024, .off = F(tcp_max_per_addr), .flags = ADC },
	{ .name = "use_libwrap", .type = VG_OPT_BOOL, .def = "yes",
	  .off = F(use_libwrap), .flags = ADC },
	{ .name = "tcp_client_ports", .type = VG_OPT_STR,
	  .check = check_ports, .off = F(tcp_client_ports), .flags = ADC },
	{ .name = "tcp_client_max_idle", .type = VG_OPT_UINT,
	  .max = 86400 * 365, .off = F(tcp_client_max_idle), .flags = ADC },
	/* krb5 and tls are refused by the listener (listen.h) */
	{ .name = "transport", .type = VG_OPT_ENUM, .def = "tcp",
	  .choices = vg_adc_transports, .off = F(transport), .flags = ADC },
	{ .name = "enable_krb5", .type = VG_OPT_BOOL, .off = F(enable_krb5),
	  .flags = ADC, .warn = NOKRB5 },
	{ .name = "krb5_principal", .type = VG_OPT_STR, .def = "auditd",
	  .off = F(krb5_principal), .flags = ADC, .warn = NOKRB5 },
	{ .name = "krb5_key_file", .type = VG_OPT_STR, .check = check_path,
	  .off = F(krb5_key_file), .flags = ADC, .warn = NOKRB5 },
	{ .name = "distribute_network", .type = VG_OPT_BOOL,
	  .off = F(distribute_network), .flags = ADC },
	/* obsolete (auditd 2.x) or newer than 3.0.9 */
	{ .name = "dispatcher", .type = VG_OPT_IGNORED, .flags = ADC,
	  .warn = "obsolete since auditd 3.0 (plugins.d replaces it)" },
	{ .name = "disp_qos", .type = VG_OPT_IGNORED, .flags = ADC,
	  .warn = "obsolete since auditd 3.0" },
	{ .name = "report_interval", .type = VG_OPT_IGNORED, .flags = ADC,
	  .warn = "auditd 4.x key, not implemented" },
	/* auditd 4.2's TLS (tls_auth = psk): the listener's (listen.h) */
	{ .name = "tls_auth", .type = VG_OPT_ENUM, .def = "psk",
	  .choices = c_tls_auth, .off = F(tls_auth), .flags = ADC },
	{ .name = "tls_crypto_profile", .type = VG_OPT_ENUM,
	  .def = "compatible", .choices = c_tls_profile,
	  .off = F(tls_crypto_profile), .flags = ADC },
	{ .name = "tls_require_pqc", .type = VG_OPT_BOOL,
	  .off = F(tls_require_pqc), .flags = ADC },
	{ .name = "tls_psk_file", .type = VG_OPT_STR, .check = check_path,
	  .off = F(tls_psk_file), .flags = ADC },
	{ .name = "tls_psk_identity", .type = VG_OPT_STR,
	  .off = F(tls_psk_identity), .flags = ADC },
	{ .name = "tls_allowed_clients", .type = VG_OPT_STR,
	  .check = check_path, .off = F(tls_allowed_clients), .flags = ADC },
	{ .name = "tls_cipher_suites", .type = VG_OPT_IGNORED, .flags = ADC,
	  .warn = "vigild offers the compatible profile's suites" },
	{ .name = "tls_key_exchange", .type = VG_OPT_IGNORED, .flags = ADC,
	  .warn = "vigild offers the compatible profile's groups" },
	{ .name = "tls_*", .type = VG_OPT_IGNORED, .flags = ADC,
	  .warn = "auditd 4.x TLS key, not implemented" },
	{ .name = NULL },
};

int
vg_auditd_conf_set(struct vg_auditd_conf *c, const char *name,
    const char *val, char *msg, size_t msglen)
{
	return vg_opt_set(keys, c, name, val, msg, msglen);
}

void
vg_auditd_conf_defaults(struct vg_auditd_conf *c)
{
	memset(c, 0, sizeof(*c));
	vg_opt_defaults(keys, c);
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

static int
set_line(void *ctx, const char *key, const char *val, char *msg, size_t len)
{
	return vg_auditd_conf_set(ctx, key, val, msg, len);
}

/* auditd.conf's rules: '#' starts a comment line only, a keyword is one
 * word, longer lines are skipped (auditd's buffer) */
static const struct vg_conf_syntax syntax = {
	.file = "auditd.conf",
	.key = "keyword",
	.one_word_key = 1,
	.max_line = LINE_MAX_AUDITD,
	.set = set_line,
};

int
vg_auditd_conf_load(struct vg_auditd_conf *c, const char *path,
    struct vg_err *err)
{
	char msg[sizeof(err->msg)];
	int errors;

	errors = vg_conf_read(path, &syntax, c, err, &c->warnings);
	if (errors == 0 && check_all(c, msg, sizeof(msg)) == -1) {
		vg_err_set(err, path, 0, "%s", msg);
		vg_err_log(err);
		errors++;
	}
	return errors;
}

void
vg_auditd_conf_free(struct vg_auditd_conf *c)
{
	vg_opt_free(keys, c);
	memset(c, 0, sizeof(*c));
}

int
vg_auditd_conf_copy(struct vg_auditd_conf *dst,
    const struct vg_auditd_conf *src)
{
	return vg_opt_copy(keys, dst, src, sizeof(*dst));
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
