/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rules.h: auditctl-compatible rule compiler (docs/rules.md). Rule text ->
 * struct audit_rule_data bytes as auditctl would send them; rule files and
 * rules.d directories (augenrules order); the auditctl -l / -s listings;
 * and the kernel side (netlink) that loads a compiled set atomically.
 * No libaudit, no shelling out to auditctl.
 */
#ifndef VIGIL_RULES_H
#define VIGIL_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "vigil/config.h"	/* struct vg_err */
#include "vigil/tables.h"	/* enum vg_arch */

struct audit_rule_data;

/* What one rule line (or one vigilctl command line) asks for. */
enum vg_rcmd {
	VG_RC_NONE = 0,		/* nothing to send (e.g. -v, -h) */
	VG_RC_ADD,		/* -a, -w */
	VG_RC_PREPEND,		/* -A */
	VG_RC_DEL,		/* -d, -W */
	VG_RC_DELETE_ALL,	/* -D [-k key] */
	VG_RC_LIST,		/* -l [-k key] */
	VG_RC_STATUS,		/* -s */
	VG_RC_ENABLE,		/* -e 0|1|2 */
	VG_RC_FAILURE,		/* -f 0|1|2 */
	VG_RC_BACKLOG,		/* -b N */
	VG_RC_RATE,		/* -r N */
	VG_RC_BACKLOG_WAIT,	/* --backlog_wait_time N */
	VG_RC_LOGINUID_IMMUTABLE, /* --loginuid-immutable */
	VG_RC_RESET_LOST,	/* --reset-lost */
	VG_RC_RESET_BWT,	/* --reset_backlog_wait_time_actual */
	VG_RC_TRIM,		/* -t alone: trim tree watches */
	VG_RC_MAKE_EQUIV,	/* -q mount-point,subtree */
	VG_RC_SIGNAL,		/* --signal SIG (value: the signal) */
	VG_RC_USER_MSG,		/* -m text */
	VG_RC_CONTINUE,		/* -c: go on after errors, exit 1 */
	VG_RC_IGNORE,		/* -i: go on after errors, exit 0 */
	VG_RC_VERSION,		/* -v */
	VG_RC_HELP,		/* -h */
};

#define VG_RULE_KEYMAX	256	/* AUDIT_MAX_KEY_LEN */

struct vg_rule {
	enum vg_rcmd		 cmd;
	const char		*file;	/* borrowed: the ruleset's copy; NULL */
	unsigned		 line;
	uint32_t		 value;	/* -e -f -b -r --backlog_wait_time,
					 * --signal's signal number */
	int			 interpret;	/* -l -i, -s -i */
	int			 bad;	/* line did not compile (kept in a
					 * ruleset to mark where auditctl
					 * would have stopped) */
	char			 key[VG_RULE_KEYMAX + 1]; /* -D -k, -l -k */
	struct audit_rule_data	*data;	/* ADD/PREPEND/DEL; owned, malloc */
	size_t			 datalen; /* sizeof(*data) + data->buflen */
	char			*arg;	/* -q's "mount-point,subtree", -m's
					 * text; owned, malloc */
};

/* A compiled rule file or rules.d directory, in load order. */
struct vg_ruleset {
	struct vg_rule	*v;
	size_t		 n, cap;
	char		**files;	/* file names the rules point into */
	size_t		 nfiles;
	unsigned	 errors;	/* lines that failed to compile */
	int		 ignore;	/* saw -i */
	int		 cont;		/* saw -c */
};

/*
 * Host arch used for -S without -F arch and for b32/b64 (default: uname).
 * Tests set it to replay goldens captured elsewhere.
 */
void		 vg_rules_set_machine(enum vg_arch);
enum vg_arch	 vg_rules_machine(void);

/*
 * Compiles one vigilctl/auditctl argument vector (argv[0] is the program
 * name and is skipped). On error fills err->msg (naming the token; file and
 * line are left to the caller) and returns -1; r is then empty.
 * -R is not handled here (see vg_rules_load_file).
 */
int	vg_rules_parse_argv(int argc, char *const argv[], struct vg_rule *r,
	    struct vg_err *err);

/*
 * Compiles one rule-file line the way auditctl -R reads it: split on
 * spaces, "\ " keeps a space, "\\" a backslash, '#' starts a comment line.
 * Returns 1 if the line held a rule or command, 0 if blank/comment, -1 on
 * error (err->msg set).
 */
int	vg_rules_parse_line(const char *line, struct vg_rule *r,
	    struct vg_err *err);

void	vg_rule_free(struct vg_rule *);

/*
 * Loads a rule file into rs (appending). Every line is compiled; each bad
 * line is reported as "file:line: msg" through report (may be NULL) and
 * counted in rs->errors. Returns the number of bad lines, or -1 (errno set,
 * err filled) if the file cannot be read.
 */
typedef void	(*vg_rules_report_fn)(const struct vg_err *, void *arg);
int	vg_rules_load_file(struct vg_ruleset *rs, const char *path,
	    vg_rules_report_fn report, void *arg, struct vg_err *err);

/*
 * Loads path: a rule file, or a directory read like augenrules(8): its
 * *.rules files in natural ("ls -v") order, the last -D without -k moved
 * first (-D -k KEY stays in place), then the last -b, --backlog_wait_time
 * and -f, then all rules in order, and the last -e at the end. *out is allocated (free with vg_ruleset_free).
 * Returns the number of bad lines (the last one in err), or -1 if the path
 * cannot be read (err filled). Lines carry their own file:line.
 */
int	vg_rules_load_path(const char *path, struct vg_ruleset **out,
	    struct vg_err *err);

void	vg_ruleset_init(struct vg_ruleset *);
void	vg_ruleset_free(struct vg_ruleset *);
/* Takes ownership of r's data (r is zeroed). -1 + ENOMEM. */
int	vg_ruleset_push(struct vg_ruleset *, struct vg_rule *r);

/*
 * Writes the auditctl -l line for one rule as the kernel lists it (with a
 * trailing newline) into buf. Returns its length, or -1 + ENOSPC/EINVAL.
 */
int	vg_rules_format(const struct audit_rule_data *, size_t len,
	    char *buf, size_t buflen);
/* The same as auditctl -l -i writes it (arch and a0..a3 by name). */
int	vg_rules_format_interp(const struct audit_rule_data *, size_t len,
	    char *buf, size_t buflen);
/* Does the rule carry key (substring match, as auditctl -l -k)? */
int	vg_rules_key_match(const struct audit_rule_data *, size_t len,
	    const char *key);

/*
 * Offline model of the kernel rule lists, used by vigilctl -t: applies the
 * set the way the kernel would (lists in filter order, -A prepends,
 * duplicates are EEXIST, -d of a missing rule is ENOENT) and prints what
 * auditctl -l would print afterwards. Rules the kernel would refuse are
 * reported through report and counted. Returns the number of refused lines.
 */
int	vg_rules_simulate(const struct vg_ruleset *rs, FILE *out,
	    vg_rules_report_fn report, void *arg);

/* ---- kernel side (src/rules/kernel.c) ---- */

struct vg_rk;		/* opaque: one NETLINK_AUDIT control socket */

struct vg_rk	*vg_rk_open(void);		/* NULL + errno */
void		 vg_rk_close(struct vg_rk *);
/* A vg_rk on nl, which vg_rk_close then closes (tests pass a model of
 * the kernel, netlink.h vg_nl_open_model). NULL + errno: nl is still the
 * caller's. */
struct vg_nl;
struct vg_rk	*vg_rk_adopt(struct vg_nl *nl);

/* Fetches the kernel's rules in list order. *out: malloc'ed array of
 * malloc'ed rules (cmd VG_RC_ADD); free with vg_rk_free_list. */
int	vg_rk_list(struct vg_rk *, struct vg_rule **out, size_t *n);
void	vg_rk_free_list(struct vg_rule *, size_t n);

/* Prints the auditctl -s listing (status + loginuid_immutable). */
int	vg_rk_print_status(struct vg_rk *, FILE *out, int with_features);
/* Prints the auditctl -l listing, filtered by key if key && *key. */
int	vg_rk_print_list(struct vg_rk *, FILE *out, const char *key);

/*
 * Executes one compiled command against the kernel, printing to out what
 * auditctl prints for it (out may be NULL). -e 2 and -f 2 are refused with
 * EPERM when VIGIL_TEST_NO_LOCK=1. Returns 0, -1 with err->msg set, or 1
 * when auditctl would print err->msg without failing (--signal with no
 * audit daemon: "Auditd is not running"; vigilctl exits 2 for it on the
 * command line and goes on in a rule file).
 */
int	vg_rk_exec(struct vg_rk *, const struct vg_rule *, FILE *out,
	    struct vg_err *err);

/*
 * Replaces the kernel rule set with rs, atomically for vigild: rs must have
 * compiled without errors and the kernel must not be immutable; the current
 * rules and status are saved, the rules deleted, and rs is executed in order
 * (-D deletes again, control lines -b -f -r --backlog_wait_time -e are
 * applied). If any line fails (and rs has no -c/-i), the kernel is flushed,
 * the saved rules are re-added and each status field a control line set is
 * put back to its saved value (enabled never to 2); err names the failing
 * file:line and its msg ends with "; previous rules and settings restored"
 * (or says the restore failed). Opens its own control socket. Returns 0 or
 * -1.
 */
int	vg_rules_apply(const struct vg_ruleset *rs, struct vg_err *err);
/* The same on an open control socket. */
int	vg_rk_apply(struct vg_rk *, const struct vg_ruleset *rs,
	    struct vg_err *err);

/* Is VIGIL_TEST_NO_LOCK=1 set (refuse -e 2 / -f 2)? */
int	vg_rules_no_lock(void);

#endif
