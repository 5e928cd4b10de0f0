/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * load.c: rule files and rules.d directories -> struct vg_ruleset, in the
 * order auditctl -R / augenrules would load them, plus the offline model
 * of the kernel's rule lists behind vigilctl -t. Never talks to the kernel.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/log.h"
#include "vigil/rules.h"
#include "rules/rules_priv.h"

void
vg_ruleset_init(struct vg_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
vg_ruleset_free(struct vg_ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		vg_rule_free(&rs->v[i]);
	for (i = 0; i < rs->nfiles; i++)
		free(rs->files[i]);
	free(rs->v);
	free(rs->files);
	memset(rs, 0, sizeof(*rs));
}

int
vg_ruleset_push(struct vg_ruleset *rs, struct vg_rule *r)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? rs->cap * 2 : 64;
		struct vg_rule *v = realloc(rs->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = *r;
	memset(r, 0, sizeof(*r));
	return 0;
}

static const char *
keep_name(struct vg_ruleset *rs, const char *path)
{
	char **f, *s;

	if (rs->nfiles && strcmp(rs->files[rs->nfiles - 1], path) == 0)
		return rs->files[rs->nfiles - 1];
	if ((s = strdup(path)) == NULL)
		return NULL;
	f = realloc(rs->files, (rs->nfiles + 1) * sizeof(*f));
	if (f == NULL) {
		free(s);
		return NULL;
	}
	rs->files = f;
	rs->files[rs->nfiles++] = s;
	return s;
}

static void
set_err(struct vg_err *err, const char *file, unsigned line, const char *msg)
{
	if (err == NULL)
		return;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	if (msg != err->msg)
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

/*
 * Opens a rules file: a regular file, read without blocking on a FIFO
 * named like one. NULL with errno and *why (the words for it).
 */
static FILE *
open_rules(const char *path, const char **why)
{
	struct stat st;
	FILE *f;
	int fd, e;

	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
		e = errno;
		if (e == ENOENT && lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
			*why = "dangling symbolic link";
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		if (e == EINVAL)
			*why = "not a regular file";
		goto fail;
	}
	if ((f = fdopen(fd, "r")) != NULL)
		return f;
	e = errno;
fail:
	if (fd >= 0)
		close(fd);
	if (*why == NULL)
		*why = strerror(e);
	errno = e;
	return NULL;
}

int
vg_rules_load_file(struct vg_ruleset *rs, const char *path,
    vg_rules_report_fn report, void *arg, struct vg_err *err)
{
	struct vg_err e;
	struct vg_rule r;
	const char *name, *why;
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	int bad = 0, rc;
	FILE *f;

	if ((f = open_rules(path, &why)) == NULL) {
		int saved = errno;

		snprintf(e.msg, sizeof(e.msg), "cannot read rules file: %s",
		    why);
		set_err(err, path, 0, e.msg);
		errno = saved;
		return -1;
	}
	if ((name = keep_name(rs, path)) == NULL) {
		fclose(f);
		set_err(err, path, 0, "out of memory");
		errno = ENOMEM;
		return -1;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		memset(&e, 0, sizeof(e));
		rc = vg_rules_parse_line(line, &r, &e);
		if (rc == 0)
			continue;
		if (rc < 0) {
			set_err(&e, name, lineno, e.msg);
			if (report)
				report(&e, arg);
			set_err(err, name, lineno, e.msg);
			memset(&r, 0, sizeof(r));
			r.bad = 1;
			bad++;
			rs->errors++;
		}
		if (r.cmd == VG_RC_CONTINUE)
			rs->cont = 1;
		else if (r.cmd == VG_RC_IGNORE)
			rs->ignore = 1;
		r.file = name;
		r.line = lineno;
		if (vg_ruleset_push(rs, &r) < 0) {
			vg_rule_free(&r);
			free(line);
			fclose(f);
			set_err(err, name, lineno, "out of memory");
			errno = ENOMEM;
			return -1;
		}
	}
	free(line);
	fclose(f);
	return bad;
}

/* ---- rules.d, augenrules style ---- */

static int
vercmp(const void *a, const void *b)
{
	return strverscmp(*(char *const *)a, *(char *const *)b);
}

static void
log_report(const struct vg_err *e, void *arg)
{
	(void)arg;
	if (e->line)
		vg_log_warnx("%s:%u: %s", e->file, e->line, e->msg);
	else
		vg_log_warnx("%s: %s", e->file, e->msg);
}

/*
 * Which of augenrules' moved lines r is: 0..3 for -D, -b,
 * --backlog_wait_time, -f (moved first), 4 for -e (moved last), -1 for a
 * line left in place. Only a -D alone moves (augenrules matches
 * ^\s*-D\s*$); -D -k KEY stays where it is.
 */
static int
moved(const struct vg_rule *r)
{
	switch (r->cmd) {
	case VG_RC_DELETE_ALL:
		return r->key[0] == '\0' ? 0 : -1;
	case VG_RC_BACKLOG:
		return 1;
	case VG_RC_BACKLOG_WAIT:
		return 2;
	case VG_RC_FAILURE:
		return 3;
	case VG_RC_ENABLE:
		return 4;
	default:
		return -1;
	}
}

/* The last -D, -b, --backlog_wait_time, -f first, the last -e at the end. */
static int
augen_order(struct vg_ruleset *rs)
{
	struct vg_rule *v;
	size_t i, n = 0;
	long last[5] = { -1, -1, -1, -1, -1 };
	int j;

	for (i = 0; i < rs->n; i++)
		if ((j = moved(&rs->v[i])) >= 0)
			last[j] = (long)i;
	if ((v = calloc(rs->n ? rs->n : 1, sizeof(*v))) == NULL)
		return -1;
	for (j = 0; j < 4; j++)
		if (last[j] >= 0)
			v[n++] = rs->v[last[j]];
	for (i = 0; i < rs->n; i++) {
		if (moved(&rs->v[i]) >= 0) {
			/* dropped duplicates of control lines: nothing owned */
			if (rs->v[i].data)
				vg_rule_free(&rs->v[i]);
			continue;
		}
		v[n++] = rs->v[i];
	}
	if (last[4] >= 0)
		v[n++] = rs->v[last[4]];
	free(rs->v);
	rs->v = v;
	rs->n = n;
	rs->cap = rs->n ? rs->n : 1;
	return 0;
}

int
vg_rules_load_path(const char *path, struct vg_ruleset **out,
    struct vg_err *err)
{
	struct vg_ruleset *rs;
	struct stat st;
	char **names = NULL;
	size_t nn = 0, i;
	int bad = 0, rc;
	DIR *d;
	struct dirent *de;

	*out = NULL;
	if (stat(path, &st) < 0) {
		int saved = errno;

		snprintf(err->msg, sizeof(err->msg), "cannot read rules: %s",
		    strerror(saved));
		set_err(err, path, 0, err->msg);
		errno = saved;
		return -1;
	}
	if ((rs = calloc(1, sizeof(*rs))) == NULL)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		rc = vg_rules_load_file(rs, path, log_report, NULL, err);
		if (rc < 0) {
			vg_ruleset_free(rs);
			free(rs);
			return -1;
		}
		*out = rs;
		return rc;
	}
	if ((d = opendir(path)) == NULL) {
		set_err(err, path, 0, strerror(errno));
		free(rs);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char **nv;

		/*
		 * augenrules takes `ls -1v | grep '\.rules$'`: no dot-files
		 * (.30-off.rules, an editor's .#50-x.rules lock link). Any
		 * other *.rules must be a readable file: one that is not (a
		 * dangling link, a directory) fails the load with its path,
		 * where augenrules would load the set without it.
		 */
		if (de->d_name[0] == '.' || len < 7 ||
		    strcmp(de->d_name + len - 6, ".rules") != 0)
			continue;
		if ((nv = realloc(names, (nn + 1) * sizeof(*nv))) == NULL ||
		    (nv[nn] = strdup(de->d_name)) == NULL) {
			names = nv ? nv : names;
			goto nomem;
		}
		names = nv;
		nn++;
	}
	closedir(d);
	d = NULL;
	if (nn)
		qsort(names, nn, sizeof(*names), vercmp);
	for (i = 0; i < nn; i++) {
		char full[PATH_MAX];
		struct vg_err e;

		if ((size_t)snprintf(full, sizeof(full), "%s/%s", path,
		    names[i]) >= sizeof(full))
			continue;
		memset(&e, 0, sizeof(e));
		rc = vg_rules_load_file(rs, full, log_report, NULL, &e);
		if (rc < 0) {	/* the set is incomplete: never applied */
			log_report(&e, NULL);
			rs->errors++;
			rc = 1;
		}
		if (rc > 0)
			*err = e;
		bad += rc;
	}
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	if (augen_order(rs) < 0)
		goto nomem;
	*out = rs;
	return bad;
nomem:
	if (d)
		closedir(d);
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	vg_ruleset_free(rs);
	free(rs);
	set_err(err, path, 0, "out of memory");
	errno = ENOMEM;
	return -1;
}

/* ---- offline model of the kernel lists (vigilctl -t) ---- */

#define NLISTS	(AUDIT_FILTER_URING_EXIT + 1)

struct slist {
	const struct vg_rule	**v;
	size_t			  n, cap;
};

static int
sl_insert(struct slist *l, const struct vg_rule *r, int front)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		const struct vg_rule **v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	if (front) {
		memmove(l->v + 1, l->v, l->n * sizeof(*l->v));
		l->v[0] = r;
	} else
		l->v[l->n] = r;
	l->n++;
	return 0;
}

static int
parent_exists(const char *s, size_t len)
{
	char p[PATH_MAX];
	struct stat st;

	if (len == 0 || len >= sizeof(p))
		return 0;
	memcpy(p, s, len);
	p[len] = '\0';
	return stat(dirname(p), &st) == 0;
}

/* What this kernel refuses that the compiler lets through (errno text). */
static const char *
kernel_refuses(const struct audit_rule_data *d)
{
	size_t boff = 0;
	uint32_t i;
	int paths = 0;

	for (i = 0; i < d->field_count; i++) {
		uint32_t f = d->fields[i], v = d->values[i];
		const char *s = d->buf + boff;

		if ((f >= AUDIT_SUBJ_USER && f <= AUDIT_OBJ_LEV_HIGH &&
		    f != AUDIT_PPID) || f == AUDIT_WATCH || f == AUDIT_DIR ||
		    f == AUDIT_FILTERKEY || f == AUDIT_EXE) {
			if (v > d->buflen - boff)
				return "Invalid argument";
			boff += v;
		}
		switch (f) {
		case AUDIT_UID: case AUDIT_EUID: case AUDIT_SUID:
		case AUDIT_FSUID: case AUDIT_OBJ_UID: case AUDIT_GID:
		case AUDIT_EGID: case AUDIT_SGID: case AUDIT_FSGID:
		case AUDIT_OBJ_GID:
			if (v == 4294967295U)	/* not a valid kuid/kgid */
				return "Invalid argument";
			break;
		case AUDIT_WATCH:
			if (paths++ || d->fieldflags[i] != AUDIT_EQUAL ||
			    v == 0 || s[v - 1] == '/')
				return "Invalid argument";
			if (!parent_exists(s, v))
				return "No such file or directory";
			break;
		case AUDIT_DIR:
			if (paths++ || d->fieldflags[i] != AUDIT_EQUAL)
				return "Invalid argument";
			{
				char p[PATH_MAX];
				struct stat st;

				if (v >= sizeof(p))
					return "Invalid argument";
				memcpy(p, s, v);
				p[v] = '\0';
				if (stat(p, &st) < 0)
					return "No such file or directory";
			}
			break;
		case AUDIT_EXE:
			if (!parent_exists(s, v))
				return "No such file or directory";
			break;
		}
	}
	return NULL;
}

static void
sim_report(vg_rules_report_fn report, void *arg, const struct vg_rule *r,
    const char *what, const char *why)
{
	struct vg_err e;

	memset(&e, 0, sizeof(e));
	set_err(&e, r->file, r->line, "");
	snprintf(e.msg, sizeof(e.msg), "Error sending %s rule data request "
	    "(%s)", what, why);
	if (report)
		report(&e, arg);
}

int
vg_rules_simulate(const struct vg_ruleset *rs, FILE *out,
    vg_rules_report_fn report, void *arg)
{
	struct slist lists[NLISTS];
	char line[16384];
	size_t i, j, k;
	int refused = 0, printed = 0;
	int go_on = rs->cont || rs->ignore;

	memset(lists, 0, sizeof(lists));
	for (i = 0; i < rs->n; i++) {
		const struct vg_rule *r = &rs->v[i];
		const struct audit_rule_data *d = r->data;
		const char *why;
		uint32_t ln;

		if (r->bad) {
			if (!go_on)
				break;
			continue;
		}
		switch (r->cmd) {
		case VG_RC_DELETE_ALL:
			for (j = 0; j < NLISTS; j++) {
				size_t n = 0;

				for (k = 0; k < lists[j].n; k++)
					if (r->key[0] && !vg_rules_key_match(
					    lists[j].v[k]->data,
					    lists[j].v[k]->datalen, r->key))
						lists[j].v[n++] = lists[j].v[k];
				lists[j].n = n;
			}
			break;
		case VG_RC_ADD:
		case VG_RC_PREPEND:
			ln = d->flags & AUDIT_FILTER_MASK;
			why = ln >= NLISTS || ln == AUDIT_FILTER_ENTRY ||
			    ln == AUDIT_FILTER_WATCH ? "Invalid argument" :
			    kernel_refuses(d);
			for (k = 0; why == NULL && k < lists[ln].n; k++)
				if (vg_rules_same(lists[ln].v[k]->data,
				    lists[ln].v[k]->datalen, d, r->datalen))
					why = "Rule exists";
			if (why == NULL && sl_insert(&lists[ln], r,
			    r->cmd == VG_RC_PREPEND) < 0)
				why = "Cannot allocate memory";
			if (why) {
				sim_report(report, arg, r, "add", why);
				refused++;
				if (!go_on)
					goto done;
			}
			break;
		case VG_RC_DEL:
			ln = d->flags & AUDIT_FILTER_MASK;
			why = "No such file or directory";
			for (k = 0; ln < NLISTS && k < lists[ln].n; k++)
				if (vg_rules_same(lists[ln].v[k]->data,
				    lists[ln].v[k]->datalen, d, r->datalen)) {
					memmove(lists[ln].v + k,
					    lists[ln].v + k + 1,
					    (lists[ln].n - k - 1) *
					    sizeof(*lists[ln].v));
					lists[ln].n--;
					why = NULL;
					break;
				}
			if (why) {
				sim_report(report, arg, r, "delete", why);
				refused++;
				if (!go_on)
					goto done;
			}
			break;
		default:
			break;
		}
	}
done:
	/* The kernel lists by filter: user, task, entry, watch, exit, ... */
	for (j = 0; j < NLISTS; j++)
		for (k = 0; k < lists[j].n; k++) {
			const struct vg_rule *r = lists[j].v[k];

			/* format reads the list through AUDIT_FILTER_MASK,
			 * so a -A rule's PREPEND bit does not show */
			if (out && vg_rules_format(r->data, r->datalen, line,
			    sizeof(line)) > 0)
				fputs(line, out);
			printed++;
		}
	if (out && printed == 0)
		fputs("No rules\n", out);
	for (j = 0; j < NLISTS; j++)
		free(lists[j].v);
	return refused;
}
