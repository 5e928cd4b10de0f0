/*
 * vigilctl.c: auditctl-compatible control tool. Same command line, same
 * -s/-l text (and -s -i / -l -i); -t/--check with a rule or -R compiles
 * without touching the kernel, -t alone trims tree watches as auditctl's.
 * Rule files are compiled completely before the first rule is sent.
 * -m sends one AUDIT_USER message formatted as auditctl's.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/netlink.h>

#include "vigil/netlink.h"
#include "vigil/rules.h"

static void
usage(FILE *f)
{
	fputs("usage: vigilctl [options]  (auditctl(8) syntax)\n"
	    "  -a|-A <list,action>      append|prepend a rule\n"
	    "  -d <list,action>         delete a rule\n"
	    "  -D [-k key]              delete all rules (with key)\n"
	    "  -w|-W <path>             add|remove a watch; -p rwxa, -k key\n"
	    "  -S <syscall[,..]|all>    syscalls; -F f=v, -C f=f fields\n"
	    "  -l [-k key] [-i]         list rules (-i: interpreted)\n"
	    "  -s [-i]                  status (-i: interpreted)\n"
	    "  -e 0|1|2  -f 0|1|2  -b N  -r N  --backlog_wait_time N\n"
	    "  --reset-lost  --reset_backlog_wait_time_actual\n"
	    "  --loginuid-immutable\n"
	    "  -R <file>                load a rule file (-c continue, "
	    "-i ignore errors)\n"
	    "  -t, --check              with -R or a rule: compile only and "
	    "print what\n"
	    "                           -l would print\n"
	    "  -t                       alone: trim tree watches after an "
	    "umount\n"
	    "  -q <mount-point,subtree> make subtree part of mount-point's "
	    "tree watches\n"
	    "  --signal <sig>           signal the audit daemon: TERM HUP "
	    "USR1 USR2 CONT\n"
	    "                           (or stop reload rotate resume state)\n"
	    "  -m <text>                send a user message (AUDIT_USER) "
	    "to the audit log\n"
	    "  -v                       version\n", f);
}

static void
report(const struct vg_err *e, void *arg)
{
	(void)arg;
	if (e->file[0])
		fprintf(stderr, "%s:%u: %s\n", e->file, e->line, e->msg);
	else
		fprintf(stderr, "vigilctl: %s\n", e->msg);
}

/* -R FILE [-t] [-c] [-i] */
static int
run_file(const char *path, int check, int cont, int ignore)
{
	struct vg_ruleset rs;
	struct vg_rk *k = NULL;
	struct vg_err err;
	size_t i;
	int bad, failed = 0;

	vg_ruleset_init(&rs);
	memset(&err, 0, sizeof(err));
	bad = vg_rules_load_file(&rs, path, report, NULL, &err);
	if (bad < 0) {
		report(&err, NULL);
		vg_ruleset_free(&rs);
		return 1;
	}
	rs.cont |= cont;
	rs.ignore |= ignore;
	if (check) {
		failed = vg_rules_simulate(&rs, stdout, report, NULL);
		failed += bad;
		goto out;
	}
	if (bad && !rs.cont && !rs.ignore) {
		fprintf(stderr, "vigilctl: %d error(s) in %s, nothing "
		    "loaded\n", bad, path);
		failed = bad;
		goto out;
	}
	if ((k = vg_rk_open()) == NULL) {
		fprintf(stderr, "vigilctl: cannot open audit netlink socket: "
		    "%s\n", strerror(errno));
		vg_ruleset_free(&rs);
		return 1;
	}
	failed = bad;
	for (i = 0; i < rs.n; i++) {
		const struct vg_rule *r = &rs.v[i];

		if (r->bad)
			continue;
		memset(&err, 0, sizeof(err));
		if (vg_rk_exec(k, r, stdout, &err) == 0)
			continue;
		snprintf(err.file, sizeof(err.file), "%s", path);
		err.line = r->line;
		report(&err, NULL);
		failed++;
		if (!rs.cont && !rs.ignore)
			break;
	}
out:
	fflush(stdout);
	vg_rk_close(k);
	ignore = rs.ignore && !rs.cont;
	vg_ruleset_free(&rs);
	return failed && !ignore ? 1 : 0;
}

static int
run_one(int argc, char *argv[], int check)
{
	struct vg_rule r;
	struct vg_err err;
	struct vg_rk *k;
	int rc;

	memset(&err, 0, sizeof(err));
	if (vg_rules_parse_argv(argc, argv, &r, &err) < 0) {
		report(&err, NULL);
		return 1;
	}
	/* auditctl takes -i only right after -s/-l; either order here */
	if (r.cmd == VG_RC_LIST || r.cmd == VG_RC_STATUS) {
		int j;

		for (j = 1; j < argc; j++)
			if (strcmp(argv[j], "-i") == 0)
				r.interpret = 1;
	}
	switch (r.cmd) {
	case VG_RC_HELP:
		usage(stdout);
		return 0;
	case VG_RC_VERSION:
		printf("vigilctl version %s\n", VIGIL_VERSION);
		return 0;
	case VG_RC_NONE:
	case VG_RC_CONTINUE:
	case VG_RC_IGNORE:
		return 0;
	default:
		break;
	}
	if (check) {
		struct vg_ruleset rs;

		vg_ruleset_init(&rs);
		if (vg_ruleset_push(&rs, &r) < 0) {
			vg_rule_free(&r);
			return 1;
		}
		rc = vg_rules_simulate(&rs, stdout, report, NULL);
		vg_ruleset_free(&rs);
		return rc ? 1 : 0;
	}
	if ((k = vg_rk_open()) == NULL) {
		fprintf(stderr, "vigilctl: cannot open audit netlink socket: "
		    "%s\n", strerror(errno));
		vg_rule_free(&r);
		return 1;
	}
	rc = vg_rk_exec(k, &r, stdout, &err);
	if (rc < 0)
		report(&err, NULL);
	fflush(stdout);
	vg_rk_close(k);
	vg_rule_free(&r);
	return rc < 0 ? 1 : 0;
}

/* NULL with a message; the caller exits ctl_fail() (4 if not root). */
static struct vg_nl *
ctl_open(void)
{
	struct vg_nl *nl;

	if (geteuid() != 0) {
		fprintf(stderr, "You must be root to run this program.\n");
		return NULL;
	}
	if ((nl = vg_nl_open(0)) == NULL)
		fprintf(stderr, "vigilctl: cannot open audit netlink socket: "
		    "%s\n", strerror(errno));
	return nl;
}

static int
ctl_fail(void)
{
	return geteuid() != 0 ? 4 : 1;
}

/* -t alone: AUDIT_TRIM, no payload (libaudit's audit_trim_subtrees). */
static int
run_trim(void)
{
	struct vg_nl *nl;
	int rc = 0;

	if ((nl = ctl_open()) == NULL)
		return ctl_fail();
	if (vg_nl_request(nl, AUDIT_TRIM, NULL, 0, 0, NULL, 0) < 0) {
		fprintf(stderr, "Error sending trim subtrees command (%s)\n",
		    strerror(errno));
		rc = 1;
	}
	vg_nl_close(nl);
	return rc;
}

/*
 * -q mount-point,subtree: AUDIT_MAKE_EQUIV with two u32 lengths and the
 * two paths unterminated. The kernel tags every mount under subtree for
 * each tree watch that mount-point lies in.
 */
static int
run_equiv(const char *arg)
{
	const char *comma = strchr(arg, ',');
	unsigned char msg[8 + 2 * 4096];
	uint32_t sz[2];
	struct vg_nl *nl;
	int rc = 0;

	if (comma == NULL || comma == arg || comma[1] == '\0' ||
	    strchr(comma + 1, ',') != NULL) {
		fprintf(stderr, "Error parsing equivalent parts\n");
		return 1;
	}
	sz[0] = (uint32_t)(comma - arg);
	sz[1] = (uint32_t)strlen(comma + 1);
	if (sz[0] >= 4096 || sz[1] >= 4096) {
		fprintf(stderr, "Error parsing equivalent parts\n");
		return 1;
	}
	memcpy(msg, sz, sizeof(sz));
	memcpy(msg + 8, arg, sz[0]);
	memcpy(msg + 8 + sz[0], comma + 1, sz[1]);
	if ((nl = ctl_open()) == NULL)
		return ctl_fail();
	if (vg_nl_request(nl, AUDIT_MAKE_EQUIV, msg, 8 + sz[0] + sz[1], 0,
	    NULL, 0) < 0) {
		fprintf(stderr, "Error sending make_equivalent command (%s)\n",
		    strerror(errno));
		rc = 1;
	}
	vg_nl_close(nl);
	return rc;
}

/*
 * --signal SIG: the audit daemon is whoever the kernel lists as audit
 * pid. Names as auditctl 3.x takes them (case-insensitive), with the
 * service-verb aliases later versions added. Exit 2 if no daemon.
 */
static int
run_signal(const char *arg)
{
	static const struct {
		const char	*name, *alias;
		int		 sig;
	} sigs[] = {
		{ "TERM", "stop", SIGTERM }, { "HUP", "reload", SIGHUP },
		{ "USR1", "rotate", SIGUSR1 }, { "USR2", "resume", SIGUSR2 },
		{ "CONT", "state", SIGCONT },
	};
	struct audit_status st;
	struct vg_nl *nl;
	size_t i;
	int sig = 0, rc;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strcasecmp(arg, sigs[i].name) == 0 ||
		    strcasecmp(arg, sigs[i].alias) == 0)
			sig = sigs[i].sig;
	if (sig == 0) {
		fprintf(stderr, "%s is an unsupported signal\n", arg);
		return 1;
	}
	if ((nl = ctl_open()) == NULL)
		return ctl_fail();
	rc = vg_nl_get_status(nl, &st);
	vg_nl_close(nl);
	if (rc < 0) {
		fprintf(stderr, "Error getting status (%s)\n",
		    strerror(errno));
		return 1;
	}
	if (st.pid == 0) {
		fprintf(stderr, "Auditd is not running\n");
		return 2;
	}
	if (kill((pid_t)st.pid, sig) < 0) {
		fprintf(stderr, "Failed sending signal to auditd (%s)\n",
		    strerror(errno));
		return 1;
	}
	return 0;
}

/*
 * libaudit's message size limit (MAX_AUDIT_MESSAGE_LENGTH): netlink
 * header plus the NUL-terminated text, aligned, must fit. auditctl -m
 * fails beyond it; the kernel cuts msg='' at 8560 characters anyway.
 */
#define UMSG_MAX	8970

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
 * -m text: auditctl's user message. Bytes below 0x20 or above 0x7f are
 * refused (auditctl compares a signed char < 32). The text goes out as
 * libaudit's audit_log_user_message() writes it, with the kernel adding
 * pid, uid, auid, ses and subj; a disabled audit system drops it and
 * that is no error.
 */
static int
run_usermsg(const char *text)
{
	char msg[UMSG_MAX], exe[2 * 4096 + 1], tty[64], host[64];
	const unsigned char *s;
	struct vg_nl *nl;
	size_t len;
	int w, rc = 0;

	if (geteuid() != 0) {
		fprintf(stderr, "You must be root to run this program.\n");
		return 4;
	}
	for (s = (const unsigned char *)text; *s; s++)
		if (*s < 0x20 || *s > 0x7f) {
			fprintf(stderr, "Illegal character in audit event\n");
			return 1;
		}
	umsg_exe(exe, sizeof(exe));
	umsg_tty(tty, sizeof(tty), host, sizeof(host));
	w = snprintf(msg, sizeof(msg), "text=%s exe=%s hostname=%s addr=? "
	    "terminal=%s res=success", text, exe, host, tty);
	len = w < 0 ? sizeof(msg) : (size_t)w + 1;	/* with the NUL */
	if (NLMSG_SPACE(len) > UMSG_MAX) {
		fprintf(stderr, "vigilctl: user message too long (%zu bytes "
		    "with its fields, at most %d)\n", len - 1,
		    UMSG_MAX - NLMSG_HDRLEN - 3);
		return 1;
	}
	if ((nl = ctl_open()) == NULL)
		return ctl_fail();
	if (vg_nl_request(nl, AUDIT_USER, msg, len, 0, NULL, 0) < 0) {
		if (errno == ECONNREFUSED)
			fprintf(stderr, "The audit system is disabled\n");
		else {
			fprintf(stderr, "Error sending user message (%s)\n",
			    strerror(errno));
			rc = 1;
		}
	}
	vg_nl_close(nl);
	return rc;
}

/* -q, --signal, -m and a lone -t: commands of their own, never in a file. */
static int
run_control(int argc, char *argv[], int *rc)
{
	const char *a = argv[1];

	if (argc == 2 && strcmp(a, "-t") == 0) {
		*rc = run_trim();
		return 1;
	}
	if (strcmp(a, "-q") == 0 || strncmp(a, "-q", 2) == 0) {
		const char *v = a[2] ? a + 2 : argc > 2 ? argv[2] : NULL;

		if (v == NULL || argc > (a[2] ? 2 : 3)) {
			fprintf(stderr, "vigilctl: -q takes one "
			    "mount-point,subtree and nothing else\n");
			*rc = 1;
		} else
			*rc = run_equiv(v);
		return 1;
	}
	if (strncmp(a, "-m", 2) == 0) {
		if (a[2] == '\0' && argc == 2)
			fprintf(stderr, "Option -m is invalid\n");
		else if (argc > (a[2] ? 2 : 3))
			fprintf(stderr, "The -m option must be only the only "
			    "option and takes 1 parameter\n");
		else {
			*rc = run_usermsg(a[2] ? a + 2 : argv[2]);
			return 1;
		}
		*rc = 1;
		return 1;
	}
	if (strncmp(a, "--signal", 8) == 0 && (a[8] == '\0' || a[8] == '=')) {
		const char *v = a[8] == '=' ? a + 9 : argc > 2 ? argv[2] :
		    NULL;

		if (v == NULL || argc > (a[8] == '=' ? 2 : 3)) {
			fprintf(stderr, "vigilctl: --signal takes one signal "
			    "name and nothing else\n");
			*rc = 1;
		} else
			*rc = run_signal(v);
		return 1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	const char *file = NULL;
	char **rest;
	int i, n = 0, check = 0, cont = 0, ignore = 0, other = 0;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (run_control(argc, argv, &i))
		return i;
	if ((rest = calloc((size_t)argc + 1, sizeof(*rest))) == NULL)
		return 1;
	rest[n++] = argv[0];
	/* vigilctl's own switches; everything else is auditctl syntax. */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-t") == 0 ||
		    strcmp(argv[i], "--check") == 0)
			check = 1;
		else if (strcmp(argv[i], "-R") == 0 && i + 1 < argc)
			file = argv[++i];
		else if (strcmp(argv[i], "--help") == 0)
			rest[n++] = (char *)"-h";
		else {
			if (strcmp(argv[i], "-c") == 0)
				cont = 1;
			else if (strcmp(argv[i], "-i") == 0)
				ignore = 1;
			else
				other = 1;
			rest[n++] = argv[i];
		}
	}
	if (file) {
		free(rest);
		if (other) {
			fprintf(stderr, "vigilctl: -R takes only -t, -c and "
			    "-i besides the file\n");
			return 1;
		}
		return run_file(file, check, cont, ignore);
	}
	if (!check && geteuid() != 0 && !(n == 2 &&
	    (strcmp(rest[1], "-h") == 0 || strcmp(rest[1], "-v") == 0))) {
		fprintf(stderr, "You must be root to run this program.\n");
		free(rest);
		return 4;
	}
	i = run_one(n, rest, check);
	free(rest);
	return i;
}
