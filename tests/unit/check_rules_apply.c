/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_rules_apply.c: vg_rk_apply against a model of the kernel's audit
 * control (netlink.h vg_nl_open_model): a load that fails part-way puts
 * back the saved rules and every status field its control lines changed
 * (-b -f -r --backlog_wait_time -e), and sends nothing it need not. No
 * kernel.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/netlink.h"
#include "vigil/rules.h"
#include "rules/rules_priv.h"

#define MODEL_MAX	32

/* The kernel state the rule loader can see and change. */
struct model {
	struct audit_status	 st;
	struct audit_rule_data	*rule[MODEL_MAX];
	size_t			 len[MODEL_MAX];
	size_t			 n;
	unsigned		 sets;		/* AUDIT_SET requests */
	int			 locked_try;	/* enabled or failure 2 asked */
};

/* The kernel refuses a watch whose parent is missing: "/nonexistent-..." */
static int
refused_path(const struct audit_rule_data *d)
{
	return d->field_count > 0 && d->fields[0] == AUDIT_WATCH &&
	    d->buflen >= 12 && memcmp(d->buf, "/nonexistent", 12) == 0;
}

static int
find(const struct model *m, const struct audit_rule_data *d, size_t len)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (vg_rules_same(m->rule[i], m->len[i], d, len))
			return (int)i;
	return -1;
}

static int
model_set(struct model *m, const struct audit_status *s)
{
	m->sets++;
	if ((s->mask & AUDIT_STATUS_ENABLED && s->enabled == 2) ||
	    (s->mask & AUDIT_STATUS_FAILURE && s->failure == 2))
		m->locked_try = 1;
	if (m->st.enabled == 2) {
		errno = EPERM;
		return -1;
	}
	if (s->mask & AUDIT_STATUS_ENABLED)
		m->st.enabled = s->enabled;
	if (s->mask & AUDIT_STATUS_FAILURE)
		m->st.failure = s->failure;
	if (s->mask & AUDIT_STATUS_RATE_LIMIT)
		m->st.rate_limit = s->rate_limit;
	if (s->mask & AUDIT_STATUS_BACKLOG_LIMIT)
		m->st.backlog_limit = s->backlog_limit;
	if (s->mask & AUDIT_STATUS_BACKLOG_WAIT_TIME)
		m->st.backlog_wait_time = s->backlog_wait_time;
	return 0;
}

static int
model_add(struct model *m, const struct audit_rule_data *d, size_t len)
{
	if (m->st.enabled == 2) {
		errno = EPERM;
		return -1;
	}
	if (refused_path(d)) {
		errno = ENOENT;
		return -1;
	}
	if (find(m, d, len) >= 0) {
		errno = EEXIST;
		return -1;
	}
	ck_assert_uint_lt(m->n, MODEL_MAX);
	m->rule[m->n] = malloc(len);
	ck_assert_ptr_nonnull(m->rule[m->n]);
	memcpy(m->rule[m->n], d, len);
	m->len[m->n++] = len;
	return 0;
}

static int
model_del(struct model *m, const struct audit_rule_data *d, size_t len)
{
	int i = find(m, d, len);

	if (i < 0) {
		errno = ENOENT;
		return -1;
	}
	free(m->rule[i]);
	memmove(m->rule + i, m->rule + i + 1, (m->n - i - 1) *
	    sizeof(m->rule[0]));
	memmove(m->len + i, m->len + i + 1, (m->n - i - 1) *
	    sizeof(m->len[0]));
	m->n--;
	return 0;
}

/* vg_nl_model_fn: answers one request as the kernel would. */
static int
answer(void *arg, const struct vg_nl_req *rq)
{
	struct model *m = arg;
	struct vg_nl_msg msg;
	size_t i;

	memset(&msg, 0, sizeof(msg));
	switch (rq->type) {
	case AUDIT_GET:
		msg.type = AUDIT_GET;
		msg.data = (const char *)&m->st;
		msg.len = sizeof(m->st);
		return rq->cb ? rq->cb(&msg, rq->arg) : 0;
	case AUDIT_SET:
		ck_assert_uint_ge(rq->len, sizeof(struct audit_status));
		return model_set(m, rq->payload);
	case AUDIT_LIST_RULES:
		msg.type = AUDIT_LIST_RULES;
		for (i = 0; i < m->n; i++) {
			msg.data = (const char *)m->rule[i];
			msg.len = m->len[i];
			if (rq->cb(&msg, rq->arg) < 0)
				return -1;
		}
		return 0;
	case AUDIT_ADD_RULE:
		return model_add(m, rq->payload, rq->len);
	case AUDIT_DEL_RULE:
		return model_del(m, rq->payload, rq->len);
	default:
		return 0;
	}
}

/* ck_dir/name; borrowed until the next call. */
static const char *
at(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", ck_dir, name);
	return path;
}

/* Writes ck_dir/name; "d/..." goes into the rules.d directory d. */
static void
put_file(const char *name, const char *text)
{
	FILE *f;

	if (strncmp(name, "d/", 2) == 0)
		(void)mkdir(at("d"), 0700);
	ck_assert_ptr_nonnull(f = fopen(at(name), "w"));
	fputs(text, f);
	fclose(f);
}

/* Compiles ck_dir/name (a file or a rules.d). */
static struct vg_ruleset *
compile(const char *name)
{
	struct vg_ruleset *rs;
	struct vg_err err;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(vg_rules_load_path(at(name), &rs, &err) == 0,
	    "%s:%u: %s", err.file, err.line, err.msg);
	return rs;
}

static void
drop(struct vg_ruleset *rs)
{
	vg_ruleset_free(rs);
	free(rs);
}

/* A model holding "-w /etc/passwd -p wa -k old", as found at start. */
static struct vg_rk *
model_open(struct model *m)
{
	struct vg_ruleset *rs;
	struct vg_rk *k;
	struct vg_err err;

	memset(m, 0, sizeof(*m));
	m->st.enabled = 1;
	m->st.failure = 1;
	m->st.backlog_limit = 320;
	m->st.rate_limit = 0;
	m->st.backlog_wait_time = 60000;
	ck_assert_ptr_nonnull(k = vg_rk_adopt(vg_nl_open_model(answer, m)));
	put_file("old.rules", "-w /etc/passwd -p wa -k old\n");
	rs = compile("old.rules");
	ck_assert_int_eq(vg_rk_apply(k, rs, &err), 0);
	ck_assert_uint_eq(m->n, 1);
	ck_assert_uint_eq(m->sets, 0);
	drop(rs);
	return k;
}

static void
model_close(struct model *m, struct vg_rk *k)
{
	size_t i;

	vg_rk_close(k);
	for (i = 0; i < m->n; i++)
		free(m->rule[i]);
}

static char *
listing(struct model *m)
{
	static char buf[4096];
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < m->n; i++) {
		int n = vg_rules_format(m->rule[i], m->len[i], buf + off,
		    sizeof(buf) - off);

		ck_assert_int_gt(n, 0);
		off += (size_t)n;
	}
	return buf;
}

/* Loads ck_dir/name, which must fail and leave the old rule alone. */
static void
load_fails(struct model *m, struct vg_rk *k, const char *name,
    struct vg_err *err)
{
	struct vg_ruleset *rs = compile(name);

	ck_assert_int_eq(vg_rk_apply(k, rs, err), -1);
	ck_assert_str_eq(listing(m), "-w /etc/passwd -p wa -k old\n");
	ck_assert_int_eq(m->locked_try, 0);
	drop(rs);
}

/*
 * augenrules order sends -b, --backlog_wait_time and -f before the rules;
 * a rule the kernel refuses then fails the load: every one of them goes
 * back to what it was, and so do the rules.
 */
START_TEST(test_restore_rules_d)
{
	struct model m;
	struct vg_rk *k = model_open(&m);
	struct vg_err err;

	put_file("d/10-base.rules", "-D\n-b 8192\n--backlog_wait_time 100\n"
	    "-r 50\n");
	put_file("d/20-rules.rules", "-w /etc/hosts -p wa -k new\n"
	    "-w /nonexistent-vigil/dir/file -k new\n");
	put_file("d/99-finalize.rules", "-f 0\n-e 0\n");
	load_fails(&m, k, "d", &err);
	ck_assert_str_eq(err.file, at("d/20-rules.rules"));
	ck_assert_uint_eq(err.line, 2);
	ck_assert_str_eq(err.msg, "Error sending add rule data request (No "
	    "such file or directory); previous rules and settings restored");
	ck_assert_uint_eq(m.st.backlog_limit, 320);
	ck_assert_uint_eq(m.st.backlog_wait_time, 60000);
	ck_assert_uint_eq(m.st.rate_limit, 0);
	ck_assert_uint_eq(m.st.failure, 1);
	ck_assert_uint_eq(m.st.enabled, 1);	/* -e comes last: not run */
	model_close(&m, k);
}
END_TEST

/* A plain file: -e 0 and -f 0 before a duplicate rule ("Rule exists"). */
START_TEST(test_restore_enabled)
{
	struct model m;
	struct vg_rk *k = model_open(&m);
	struct vg_err err;

	put_file("audit.rules", "-D\n-e 0\n-f 0\n"
	    "-a always,exit -F arch=b64 -S openat -k new\n"
	    "-a always,exit -F arch=b64 -S openat -k new\n");
	load_fails(&m, k, "audit.rules", &err);
	ck_assert_uint_eq(err.line, 5);
	ck_assert_str_eq(err.msg, "Error sending add rule data request (Rule "
	    "exists); previous rules and settings restored");
	ck_assert_uint_eq(m.st.enabled, 1);
	ck_assert_uint_eq(m.st.failure, 1);
	ck_assert_uint_eq(m.st.backlog_limit, 320);
	/* two control lines, two put back: nothing else was sent */
	ck_assert_uint_eq(m.sets, 4);
	model_close(&m, k);
}
END_TEST

/* A set without control lines sends no AUDIT_SET, failed or not. */
START_TEST(test_no_status_change)
{
	struct model m;
	struct vg_rk *k = model_open(&m);
	struct vg_err err;

	put_file("audit.rules", "-w /etc/hosts -k new\n"
	    "-w /nonexistent-vigil/x -k new\n");
	load_fails(&m, k, "audit.rules", &err);
	ck_assert_uint_eq(m.sets, 0);
	model_close(&m, k);
}
END_TEST

/* A good set stays, settings and all. */
START_TEST(test_success_keeps)
{
	struct model m;
	struct vg_rk *k = model_open(&m);
	struct vg_ruleset *rs;
	struct vg_err err;

	put_file("d/10-base.rules", "-D\n-b 8192\n-f 0\n");
	put_file("d/20-rules.rules", "-w /etc/hosts -p wa -k new\n");
	rs = compile("d");
	ck_assert_int_eq(vg_rk_apply(k, rs, &err), 0);
	ck_assert_str_eq(listing(&m), "-w /etc/hosts -p wa -k new\n");
	ck_assert_uint_eq(m.st.backlog_limit, 8192);
	ck_assert_uint_eq(m.st.failure, 0);
	drop(rs);
	model_close(&m, k);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rules_apply");
	TCase *tc = tcase_create("core");

	setenv("VIGIL_TEST_NO_LOCK", "1", 1);
	vg_rules_set_machine(VG_ARCH_X86_64);
	tcase_add_checked_fixture(tc, ck_dir_setup, ck_dir_teardown);
	tcase_add_test(tc, test_restore_rules_d);
	tcase_add_test(tc, test_restore_enabled);
	tcase_add_test(tc, test_no_status_change);
	tcase_add_test(tc, test_success_keeps);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
