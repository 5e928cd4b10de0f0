/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kernel.c: the rule compiler's NETLINK_AUDIT control socket: status
 * get/set, feature get/set, rule list/add/delete, and the atomic replace
 * used by vigild. Every request goes through netlink.c's request loop.
 * Prints only where a caller passes a FILE (the auditctl-compatible text
 * of vigilctl). Never receives audit events.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/netlink.h"
#include "vigil/pushdown.h"
#include "vigil/rules.h"
#include "rules/rules_priv.h"


#define RK_TIMEOUT_MS	5000

struct vg_rk {
	struct vg_nl	*nl;
};

struct vg_rk *
vg_rk_adopt(struct vg_nl *nl)
{
	struct vg_rk *k;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	k->nl = nl;
	return k;
}

struct vg_rk *
vg_rk_open(void)
{
	struct vg_nl *nl;
	struct vg_rk *k;
	int saved;

	if ((nl = vg_nl_open(0)) == NULL)
		return NULL;
	if ((k = vg_rk_adopt(nl)) == NULL) {
		saved = errno;
		vg_nl_close(nl);
		errno = saved;
	}
	return k;
}

void
vg_rk_close(struct vg_rk *k)
{
	if (k == NULL)
		return;
	if (k->nl)
		vg_nl_close(k->nl);
	free(k);
}

/*
 * One request through netlink.c's request loop, with the rule compiler's
 * longer wait: rule lists (many messages up to NLMSG_DONE, each to cb) and
 * counter resets (the ack carries the old value, >= 0). Returns the ack
 * value (>= 0) or -1 + errno.
 */
static int
rk_request(struct vg_rk *k, uint16_t type, const void *payload, size_t len,
    uint16_t want, int until_done, vg_nl_reply_fn *cb, void *arg)
{
	struct vg_nl_req rq = {
		.type = type,
		.payload = payload,
		.len = len,
		.want = want,
		.until_done = until_done,
		.timeout_ms = RK_TIMEOUT_MS,
		.cb = cb,
		.arg = arg,
	};

	return vg_nl_transact(k->nl, &rq);
}

/* ---- status and features ---- */

static int
rk_status(struct vg_rk *k, struct audit_status *s)
{
	return vg_nl_get_status(k->nl, s);
}

/* The status field each control command sets (0: none). */
static const uint32_t status_mask[] = {
	[VG_RC_ENABLE] = AUDIT_STATUS_ENABLED,
	[VG_RC_FAILURE] = AUDIT_STATUS_FAILURE,
	[VG_RC_BACKLOG] = AUDIT_STATUS_BACKLOG_LIMIT,
	[VG_RC_RATE] = AUDIT_STATUS_RATE_LIMIT,
	[VG_RC_BACKLOG_WAIT] = AUDIT_STATUS_BACKLOG_WAIT_TIME,
};

static uint32_t
sets_status(enum vg_rcmd c)
{
	return (size_t)c < sizeof(status_mask) / sizeof(status_mask[0]) ?
	    status_mask[c] : 0;
}

/* AUDIT_SET of one field; returns the ack value (reset counters). */
static int
rk_set(struct vg_rk *k, uint32_t mask, uint32_t v)
{
	struct audit_status s;

	memset(&s, 0, sizeof(s));
	s.mask = mask;
	switch (mask) {
	case AUDIT_STATUS_ENABLED: s.enabled = v; break;
	case AUDIT_STATUS_FAILURE: s.failure = v; break;
	case AUDIT_STATUS_RATE_LIMIT: s.rate_limit = v; break;
	case AUDIT_STATUS_BACKLOG_LIMIT: s.backlog_limit = v; break;
	case AUDIT_STATUS_BACKLOG_WAIT_TIME: s.backlog_wait_time = v; break;
	}
	return rk_request(k, AUDIT_SET, &s, sizeof(s), 0, 0, NULL, NULL);
}

/* auditctl -s -i words for enabled and failure. */
static const char *
enabled_word(uint32_t v)
{
	return v == 0 ? "disable" : v == 1 ? "enabled" :
	    v == 2 ? "enabled+immutable" : "unknown";
}

static const char *
failure_word(uint32_t v)
{
	return v == 0 ? "silent" : v == 1 ? "printk" : v == 2 ? "panic" :
	    "unknown";
}

static int
print_status(struct vg_rk *k, FILE *out, int with_features, int interp)
{
	struct audit_status s;
	struct audit_features f;
	uint32_t bit = AUDIT_FEATURE_TO_MASK(AUDIT_FEATURE_LOGINUID_IMMUTABLE);

	if (rk_status(k, &s) < 0)
		return -1;
	if (interp)
		fprintf(out, "enabled %s\nfailure %s\n",
		    enabled_word(s.enabled), failure_word(s.failure));
	else
		fprintf(out, "enabled %u\nfailure %u\n", s.enabled, s.failure);
	fprintf(out, "pid %u\nrate_limit %u\n"
	    "backlog_limit %u\nlost %u\nbacklog %u\nbacklog_wait_time %u\n"
	    "backlog_wait_time_actual %u\n", s.pid,
	    s.rate_limit, s.backlog_limit, s.lost, s.backlog,
	    s.backlog_wait_time, s.backlog_wait_time_actual);
	if (!with_features)
		return 0;
	if (vg_nl_request(k->nl, AUDIT_GET_FEATURE, NULL, 0,
	    AUDIT_GET_FEATURE, &f, sizeof(f)) < 0)
		return errno == EINVAL ? 0 : -1;
	fprintf(out, "loginuid_immutable %u %s\n", (f.features & bit) ? 1 : 0,
	    (f.lock & bit) ? "locked" : "unlocked");
	return 0;
}

int
vg_rk_print_status(struct vg_rk *k, FILE *out, int with_features)
{
	return print_status(k, out, with_features, 0);
}

/* ---- rules ---- */

struct listacc {
	struct vg_rule	*v;
	size_t		 n, cap;
	int		 err;
};

static int
list_cb(const struct vg_nl_msg *m, void *arg)
{
	struct listacc *a = arg;
	size_t len = m->len;
	const struct audit_rule_data *d = (const void *)m->data;
	struct vg_rule *r;

	if (len < sizeof(*d) || d->buflen > len - sizeof(*d))
		return 0;	/* malformed: skip, never read past it */
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		struct vg_rule *v = realloc(a->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		a->v = v;
		a->cap = cap;
	}
	r = &a->v[a->n];
	memset(r, 0, sizeof(*r));
	r->cmd = VG_RC_ADD;
	r->datalen = sizeof(*d) + d->buflen;
	if ((r->data = malloc(r->datalen)) == NULL)
		return -1;
	memcpy(r->data, d, r->datalen);
	a->n++;
	return 0;
}

int
vg_rk_list(struct vg_rk *k, struct vg_rule **out, size_t *n)
{
	struct listacc a = { NULL, 0, 0, 0 };

	*out = NULL;
	*n = 0;
	if (rk_request(k, AUDIT_LIST_RULES, NULL, 0, AUDIT_LIST_RULES, 1,
	    list_cb, &a) < 0) {
		int saved = errno;

		vg_rk_free_list(a.v, a.n);
		errno = saved;
		return -1;
	}
	*out = a.v;
	*n = a.n;
	return 0;
}

void
vg_rk_free_list(struct vg_rule *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vg_rule_free(&v[i]);
	free(v);
}

static int
print_list(struct vg_rk *k, FILE *out, const char *key, int interp)
{
	struct audit_status st;
	struct vg_rule *v;
	size_t n, i, j, nown = 0;
	int printed = 0;
	char line[16384], plain[16384], **own = NULL;

	if (vg_rk_list(k, &v, &n) < 0)
		return -1;
	/* vigild's own rules (pushdown.h state file of the audit pid) */
	if (rk_status(k, &st) == 0 &&
	    vg_pushdown_owned_load(st.pid, &own, &nown) == -1)
		nown = 0;
	for (i = 0; i < n; i++) {
		if (key && *key && !vg_rules_key_match(v[i].data, v[i].datalen,
		    key))
			continue;
		if ((interp ? vg_rules_format_interp : vg_rules_format)(
		    v[i].data, v[i].datalen, line, sizeof(line)) <= 0)
			continue;
		if (nown > 0 && vg_rules_format(v[i].data, v[i].datalen,
		    plain, sizeof(plain)) > 0)
			for (j = 0; j < nown; j++)
				if (strcmp(own[j], plain) == 0) {
					fprintf(out, "# vigild (pid %" PRIu32
					    "): own rule, removed when it "
					    "stops\n", st.pid);
					break;
				}
		fputs(line, out);
		printed++;
	}
	if (!printed)
		fputs("No rules\n", out);
	vg_pushdown_owned_free(own, nown);
	vg_rk_free_list(v, n);
	return 0;
}

int
vg_rk_print_list(struct vg_rk *k, FILE *out, const char *key)
{
	return print_list(k, out, key, 0);
}

static int
rk_rule(struct vg_rk *k, uint16_t type, const struct audit_rule_data *d,
    size_t len)
{
	return rk_request(k, type, d, len, 0, 0, NULL, NULL) < 0 ? -1 : 0;
}

/* -D [-k key]: delete what the kernel lists, one by one, like auditctl. */
static int
rk_delete_all(struct vg_rk *k, const char *key)
{
	struct vg_rule *v;
	size_t n, i;
	int rc = 0;

	if (vg_rk_list(k, &v, &n) < 0)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if (key && *key && !vg_rules_key_match(v[i].data, v[i].datalen,
		    key))
			continue;
		rc = rk_rule(k, AUDIT_DEL_RULE, v[i].data, v[i].datalen);
	}
	vg_rk_free_list(v, n);
	return rc;
}

static int
rk_fail(struct vg_err *err, const char *what, int e)
{
	snprintf(err->msg, sizeof(err->msg), "%s (%s)", what,
	    e == EEXIST ? "Rule exists" : strerror(e));
	errno = e;
	return -1;
}

int
vg_rk_exec(struct vg_rk *k, const struct vg_rule *r, FILE *out,
    struct vg_err *err)
{
	struct audit_features f;
	int v;

	switch (r->cmd) {
	case VG_RC_ADD:
	case VG_RC_PREPEND:
		if (rk_rule(k, AUDIT_ADD_RULE, r->data, r->datalen) < 0)
			return rk_fail(err, "Error sending add rule data "
			    "request", errno);
		return 0;
	case VG_RC_DEL:
		if (rk_rule(k, AUDIT_DEL_RULE, r->data, r->datalen) < 0)
			return rk_fail(err, "Error sending delete rule data "
			    "request", errno);
		return 0;
	case VG_RC_DELETE_ALL:
		if (rk_delete_all(k, r->key) < 0)
			return rk_fail(err, "Error deleting rule", errno);
		if (out)
			fputs("No rules\n", out);
		return 0;
	case VG_RC_LIST:
		if (print_list(k, out ? out : stdout, r->key,
		    r->interpret) < 0)
			return rk_fail(err, "Error listing rules", errno);
		return 0;
	case VG_RC_STATUS:
		if (print_status(k, out ? out : stdout, 1, r->interpret) < 0)
			return rk_fail(err, "Error getting status", errno);
		return 0;
	case VG_RC_ENABLE:
	case VG_RC_FAILURE:
		if (r->value == 2 && vg_rules_no_lock())
			return rk_fail(err, r->cmd == VG_RC_ENABLE ? "-e 2 "
			    "refused: VIGIL_TEST_NO_LOCK=1" : "-f 2 refused: "
			    "VIGIL_TEST_NO_LOCK=1", EPERM);
		/* fallthrough */
	case VG_RC_BACKLOG:
	case VG_RC_RATE:
	case VG_RC_BACKLOG_WAIT:
		if (rk_set(k, sets_status(r->cmd), r->value) < 0)
			return rk_fail(err, "Error setting audit status",
			    errno);
		if (out && vg_rk_print_status(k, out, 0) < 0)
			return rk_fail(err, "Error getting status", errno);
		return 0;
	case VG_RC_RESET_LOST:
	case VG_RC_RESET_BWT:
		if ((v = rk_set(k, r->cmd == VG_RC_RESET_LOST ?
		    AUDIT_STATUS_LOST : AUDIT_STATUS_BACKLOG_WAIT_TIME_ACTUAL,
		    0)) < 0)
			return rk_fail(err, "Error resetting counter", errno);
		if (out)
			fprintf(stderr, "%s: %d\n", r->cmd == VG_RC_RESET_LOST ?
			    "lost" : "backlog_wait_time_actual", v);
		return 0;
	case VG_RC_LOGINUID_IMMUTABLE:
		memset(&f, 0, sizeof(f));
		f.vers = AUDIT_FEATURE_VERSION;
		f.mask = f.features = f.lock =
		    AUDIT_FEATURE_TO_MASK(AUDIT_FEATURE_LOGINUID_IMMUTABLE);
		if (vg_nl_request(k->nl, AUDIT_SET_FEATURE, &f, sizeof(f), 0,
		    NULL, 0) < 0)
			return rk_fail(err, "Error setting audit feature",
			    errno);
		return 0;
	case VG_RC_TRIM:
	case VG_RC_MAKE_EQUIV:
	case VG_RC_SIGNAL:
	case VG_RC_USER_MSG:
		return vg_ctl_exec(k->nl, r, err);
	default:
		return 0;
	}
}

/* ---- atomic replace for vigild ---- */

/*
 * What vigild runs of a rule file: what changes the kernel, and -m (the
 * USER record auditctl -R would send). Not --signal: the audit daemon it
 * would signal is vigild itself, and a HUP would load the rules again.
 */
static int
applies(enum vg_rcmd c)
{
	return c == VG_RC_ADD || c == VG_RC_PREPEND || c == VG_RC_DEL ||
	    c == VG_RC_DELETE_ALL || c == VG_RC_ENABLE ||
	    c == VG_RC_FAILURE || c == VG_RC_BACKLOG || c == VG_RC_RATE ||
	    c == VG_RC_BACKLOG_WAIT || c == VG_RC_LOGINUID_IMMUTABLE ||
	    c == VG_RC_TRIM || c == VG_RC_MAKE_EQUIV || c == VG_RC_USER_MSG;
}

static int
uncompiled(const struct vg_ruleset *rs, struct vg_err *err)
{
	if (rs->errors == 0)
		return 0;
	snprintf(err->msg, sizeof(err->msg), "%u rule line(s) did not "
	    "compile; kernel rules left unchanged", rs->errors);
	errno = EINVAL;
	return 1;
}

/*
 * Puts back what a failed vg_rk_apply changed: the saved rules (accepted
 * before, so they fit) and every status field a control line of the set
 * touched (-b -f -r --backlog_wait_time -e), to its value before the load.
 * enabled was 0 or 1 then (a locked kernel is refused up front), so this
 * never locks the configuration; after a -e 2 of the set the kernel
 * refuses it all (EPERM). --loginuid-immutable cannot be undone. Every
 * step is tried; returns 0, or -1 with the errno of the first refusal.
 */
static int
restore(struct vg_rk *k, const struct vg_rule *old, size_t nold,
    const struct audit_status *s, uint32_t touched)
{
	static const enum vg_rcmd order[] = { VG_RC_FAILURE, VG_RC_BACKLOG,
	    VG_RC_BACKLOG_WAIT, VG_RC_RATE, VG_RC_ENABLE };
	const uint32_t was[] = { s->failure, s->backlog_limit,
	    s->backlog_wait_time, s->rate_limit, s->enabled };
	size_t i;
	int e = 0;

	if (rk_delete_all(k, NULL) < 0)
		e = errno;
	for (i = 0; i < nold; i++)
		if (rk_rule(k, AUDIT_ADD_RULE, old[i].data,
		    old[i].datalen) < 0 && e == 0)
			e = errno;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		uint32_t m = sets_status(order[i]);

		if (!(touched & m) || (m == AUDIT_STATUS_ENABLED && was[i] > 1))
			continue;
		if (rk_set(k, m, was[i]) < 0 && e == 0)
			e = errno;
	}
	errno = e;
	return e ? -1 : 0;
}

int
vg_rk_apply(struct vg_rk *k, const struct vg_ruleset *rs, struct vg_err *err)
{
	struct vg_rule *old = NULL;
	struct audit_status s;
	size_t nold = 0, i, n;
	uint32_t touched = 0;
	struct vg_err e;
	int rc = -1;

	memset(err, 0, sizeof(*err));
	if (uncompiled(rs, err))
		return -1;
	if (rk_status(k, &s) < 0 || vg_rk_list(k, &old, &nold) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot read kernel "
		    "audit state: %s", strerror(errno));
		goto out;
	}
	if (s.enabled == 2) {
		snprintf(err->msg, sizeof(err->msg), "The audit system is in "
		    "immutable mode, no rule changes allowed");
		errno = EPERM;
		goto out;
	}
	if (rk_delete_all(k, NULL) < 0) {
		snprintf(err->msg, sizeof(err->msg), "cannot delete kernel "
		    "rules: %s", strerror(errno));
		goto restore;
	}
	for (i = 0; i < rs->n; i++) {
		const struct vg_rule *r = &rs->v[i];

		if (r->bad || !applies(r->cmd))
			continue;
		touched |= sets_status(r->cmd);
		memset(&e, 0, sizeof(e));
		if (vg_rk_exec(k, r, NULL, &e) >= 0)
			continue;
		if (rs->cont || rs->ignore)
			continue;
		snprintf(err->file, sizeof(err->file), "%s",
		    r->file ? r->file : "");
		err->line = r->line;
		snprintf(err->msg, sizeof(err->msg), "%s", e.msg);
		goto restore;
	}
	rc = 0;
	goto out;
restore:
	n = strlen(err->msg);
	if (restore(k, old, nold, &s, touched) == 0)
		snprintf(err->msg + n, sizeof(err->msg) - n, "; previous rules "
		    "and settings restored");
	else
		snprintf(err->msg + n, sizeof(err->msg) - n, "; restoring the "
		    "previous rules and settings failed (%s)",
		    strerror(errno));
out:
	vg_rk_free_list(old, nold);
	return rc;
}

int
vg_rules_apply(const struct vg_ruleset *rs, struct vg_err *err)
{
	struct vg_rk *k;
	int rc;

	memset(err, 0, sizeof(*err));
	if (uncompiled(rs, err))
		return -1;
	if ((k = vg_rk_open()) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "cannot open audit "
		    "netlink socket: %s", strerror(errno));
		return -1;
	}
	rc = vg_rk_apply(k, rs, err);
	vg_rk_close(k);
	return rc;
}
