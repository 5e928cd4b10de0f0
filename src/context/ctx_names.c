/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_names.c: user and group names of ids for the context's "names",
 * and the groups of the acting uid for its "groups" (NSS: getpwuid_r,
 * getgrgid_r, getgrouplist), cached direct-mapped; the caches are
 * dropped when /etc/passwd or /etc/group change (their mtime, looked at
 * once a second at most). Never called per field on the hot path for an
 * id it has seen.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctx_priv.h"

const char *const vg_ctx_id_names[CTX_NIDS] = {
	"uid", "auid", "euid", "suid", "fsuid", "gid", "egid", "sgid",
	"fsgid",
};

static void
mtime(const char *path, struct timespec *ts)
{
	struct stat st;

	if (stat(path, &st) == -1)
		memset(ts, 0, sizeof(*ts));
	else
		*ts = st.st_mtim;
}

void
ctx_names_init(struct ctx_names *n, const char *passwd, const char *group)
{
	memset(n, 0, sizeof(*n));
	n->passwd = passwd != NULL ? passwd : "/etc/passwd";
	n->group = group != NULL ? group : "/etc/group";
	mtime(n->passwd, &n->pw_mtime);
	mtime(n->group, &n->gr_mtime);
}

void
ctx_names_check(struct ctx_names *n, time_t now)
{
	struct timespec pw, gr;

	if (now == n->checked)
		return;
	n->checked = now;
	mtime(n->passwd, &pw);
	mtime(n->group, &gr);
	if (pw.tv_sec != n->pw_mtime.tv_sec ||
	    pw.tv_nsec != n->pw_mtime.tv_nsec) {
		memset(n->users, 0, sizeof(n->users));
		memset(n->ugroups, 0, sizeof(n->ugroups));
		n->pw_mtime = pw;
		n->gen++;
	}
	if (gr.tv_sec != n->gr_mtime.tv_sec ||
	    gr.tv_nsec != n->gr_mtime.tv_nsec) {
		memset(n->groups, 0, sizeof(n->groups));
		memset(n->ugroups, 0, sizeof(n->ugroups));
		n->gr_mtime = gr;
		n->gen++;
	}
}

/*
 * NSS fills a buffer of the caller's and says ERANGE when it is too
 * small: a group's entry holds its members' names, hundreds of KB for a
 * group of thousands. Asked again with twice the buffer, up to
 * NSS_BUF_MAX; once per id (the caches), so the heap is no cost.
 */
#define NSS_BUF_MIN	4096
#define NSS_BUF_MAX	(1024 * 1024)

struct nss_ent {
	union {
		struct passwd	 pw;
		struct group	 gr;
	} u;
	char		*buf;		/* what u points into; caller frees */
};

/* The passwd entry of uid (group: the group entry of gid) into e: 0, or
 * -1 (none, or larger than NSS_BUF_MAX; nothing to free). */
static int
nss_get(uint32_t id, int group, struct nss_ent *e)
{
	struct passwd *pr = NULL;
	struct group *gres = NULL;
	size_t len;
	char *nb;
	int err = ERANGE;

	e->buf = NULL;
	for (len = NSS_BUF_MIN; err == ERANGE && len <= NSS_BUF_MAX;
	    len *= 2) {
		if ((nb = realloc(e->buf, len)) == NULL)
			break;
		e->buf = nb;
		err = group ? getgrgid_r((gid_t)id, &e->u.gr, e->buf, len,
		    &gres) : getpwuid_r((uid_t)id, &e->u.pw, e->buf, len, &pr);
	}
	if (err == 0 && (group ? (void *)gres : (void *)pr) != NULL)
		return 0;
	free(e->buf);
	e->buf = NULL;
	return -1;
}

static int
lookup(uint32_t id, int group, char *out, size_t len)
{
	struct nss_ent e;
	const char *name;
	int r = -1;

	if (nss_get(id, group, &e) == -1)
		return -1;
	name = group ? e.u.gr.gr_name : e.u.pw.pw_name;
	if (name[0] != '\0' && (size_t)snprintf(out, len, "%s", name) < len)
		r = 0;
	free(e.buf);
	return r;
}

const char *
ctx_name(struct ctx_names *n, uint32_t id, int group)
{
	struct ctx_name *e = &(group ? n->groups : n->users)[id %
	    NAME_SLOTS];

	if (id == UINT32_MAX)		/* unset (auid before login) */
		return NULL;
	if (e->state == 0 || e->id != id) {
		e->id = id;
		e->state = lookup(id, group, e->name, sizeof(e->name)) == 0 ?
		    1 : 2;
	}
	return e->state == 1 ? e->name : NULL;
}

/* The user's groups: its passwd entry's gid, then getgrouplist's others
 * (at most CTX_GROUPS_MAX, as many names as fit); those without a name
 * are left out. */
static void
groups_lookup(struct ctx_names *n, struct ctx_ugroups *g)
{
	struct nss_ent e;
	gid_t gids[CTX_GROUPS_MAX];
	int ng = CTX_GROUPS_MAX, i;
	const char *name;
	size_t nl;

	g->n = 0;
	g->len = 0;
	g->state = 2;
	if (nss_get(g->uid, 0, &e) == -1)
		return;
	if (getgrouplist(e.u.pw.pw_name, e.u.pw.pw_gid, gids, &ng) == -1)
		ng = CTX_GROUPS_MAX;	/* more than fit: the first ones */
	for (i = 0; i < ng; i++) {
		if (i > 0 && gids[i] == e.u.pw.pw_gid)
			continue;	/* listed first already */
		if ((name = ctx_name(n, (uint32_t)gids[i], 1)) == NULL)
			continue;
		nl = strlen(name) + 1;
		if (g->len + nl > sizeof(g->names))
			break;
		memcpy(g->names + g->len, name, nl);
		g->len += (uint16_t)nl;
		g->n++;
	}
	free(e.buf);
	if (g->n > 0)
		g->state = 1;
}

const struct ctx_ugroups *
ctx_user_groups(struct ctx_names *n, uint32_t uid)
{
	struct ctx_ugroups *g = &n->ugroups[uid % NAME_SLOTS];

	if (uid == UINT32_MAX)
		return NULL;
	if (g->state == 0 || g->uid != uid) {
		g->uid = uid;
		groups_lookup(n, g);
	}
	return g->state == 1 ? g : NULL;
}
