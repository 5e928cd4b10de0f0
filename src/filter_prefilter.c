/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_prefilter.c: the C fast path before Lua: drop events by rule key,
 * syscall.exe, syscall.name, a SYSCALL id (auid, uid, euid, gid), record
 * type or
 * process label (context.labels) with hash
 * probes over the decoded document (or the members it reads, laid out
 * alone: vigil/view.h). Allocates only from the event's arena (a view's
 * lookups) while running; never changes the document.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/context.h"
#include "vigil/prefilter.h"
#include "vigil/tables.h"
#include "vigil/view.h"

struct sentry {
	uint64_t	 h;
	char		*p;	/* NULL = empty slot */
	size_t		 len;
};

/* Open-addressing set of byte strings, load factor <= 1/2. */
struct sset {
	struct sentry	*e;
	size_t		 cap, n;	/* cap is 0 or a power of two */
};

/* Sorted, distinct numbers: record types, ids. */
struct u32set {
	uint32_t	*v;
	size_t		 n, cap;
};

/* The ids of the SYSCALL record a line can name (syscall.auid= ...). */
static const struct {
	enum vg_prefilter_field	 field;
	struct vg_str		 name;	/* the member */
} ids[] = {
	{ VG_PF_AUID, VG_STR_LIT("auid") }, { VG_PF_UID, VG_STR_LIT("uid") },
	{ VG_PF_EUID, VG_STR_LIT("euid") }, { VG_PF_GID, VG_STR_LIT("gid") },
};
#define NIDS	(sizeof(ids) / sizeof(ids[0]))

struct prefilter {
	struct vg_filter	 f;	/* first: f.priv points back here */
	struct sset		 keys, exes, labels, scnames;
	struct u32set		 types;
	struct u32set		 id[NIDS];	/* as ids[] */
	size_t			 nids;		/* in all of id[] */
};

static const struct vg_filter_ops prefilter_ops;

static uint64_t
hash(const char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;	/* FNV-1a */
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int
sset_has(const struct sset *s, const char *p, size_t len)
{
	uint64_t h;
	size_t i;

	if (s->n == 0)
		return 0;
	h = hash(p, len);
	for (i = h & (s->cap - 1); s->e[i].p != NULL;
	    i = (i + 1) & (s->cap - 1))
		if (s->e[i].h == h && s->e[i].len == len &&
		    memcmp(s->e[i].p, p, len) == 0)
			return 1;
	return 0;
}

static void
sset_put(struct sentry *e, size_t cap, struct sentry x)
{
	size_t i;

	for (i = x.h & (cap - 1); e[i].p != NULL; i = (i + 1) & (cap - 1))
		;
	e[i] = x;
}

/* Adds a copy of p; 0, or -1 on ENOMEM. */
static int
sset_add(struct sset *s, const char *p, size_t len)
{
	struct sentry x, *ne;
	size_t ncap, i;

	if (sset_has(s, p, len))
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		ncap = s->cap ? s->cap * 2 : 16;
		if ((ne = calloc(ncap, sizeof(*ne))) == NULL)
			return -1;
		for (i = 0; i < s->cap; i++)
			if (s->e[i].p != NULL)
				sset_put(ne, ncap, s->e[i]);
		free(s->e);
		s->e = ne;
		s->cap = ncap;
	}
	/* +1: a NUL so the copy is printable; len is what counts */
	if ((x.p = malloc(len + 1)) == NULL)
		return -1;
	memcpy(x.p, p, len);
	x.p[len] = '\0';
	x.len = len;
	x.h = hash(p, len);
	sset_put(s->e, s->cap, x);
	s->n++;
	return 0;
}

static void
sset_free(struct sset *s)
{
	size_t i;

	for (i = 0; i < s->cap; i++)
		free(s->e[i].p);
	free(s->e);
	memset(s, 0, sizeof(*s));
}

static int
u32_has(const struct u32set *s, uint32_t t)
{
	size_t lo = 0, hi = s->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s->v[mid] == t)
			return 1;
		if (s->v[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Adds t; 1 if added, 0 if there already, -1 on ENOMEM. */
static int
u32_add(struct u32set *s, uint32_t t)
{
	uint32_t *nt;
	size_t i, ncap;

	if (u32_has(s, t))
		return 0;
	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 8;
		if ((nt = realloc(s->v, ncap * sizeof(*nt))) == NULL)
			return -1;
		s->v = nt;
		s->cap = ncap;
	}
	for (i = s->n; i > 0 && s->v[i - 1] > t; i--)
		s->v[i] = s->v[i - 1];
	s->v[i] = t;
	s->n++;
	return 1;
}

static int
keyeq(struct vg_str k, const char *lit, size_t n)
{
	return k.len == n && memcmp(k.p, lit, n) == 0;
}

/* A rule key of the keys array (a member of the document) to drop. */
static int
keys_hit(const struct prefilter *pf, const struct vg_node *keys)
{
	const struct vg_node *x;

	if (keys == NULL || keys->type != VG_N_ARR)
		return 0;
	for (x = keys->v.c.head; x != NULL; x = x->next)
		if (x->type == VG_N_STR &&
		    sset_has(&pf->keys, x->v.s.p, x->v.s.len))
			return 1;
	return 0;
}

/* Whether an array of context.labels has a label to drop. */
static int
label_dropped(const struct prefilter *pf, const struct vg_node *arr)
{
	const struct vg_node *x;

	if (arr->type != VG_N_ARR)
		return 0;
	for (x = arr->v.c.head; x != NULL; x = x->next)
		if (x->type == VG_N_STR &&
		    sset_has(&pf->labels, x->v.s.p, x->v.s.len))
			return 1;
	return 0;
}

/* The first member of the syscall object named name: from the document
 * d if there is one, else read alone through the view; NULL if none. */
static const struct vg_node *
syscall_member(const struct vg_node *d, struct vg_event *ev, struct vg_str
    name)
{
	const struct vg_node *x, *m;

	if (d == NULL)
		return ev->view != NULL && vg_view_field(ev->view,
		    VG_STR_LIT("syscall"), name, &m) == 1 ? m : NULL;
	if (d->type != VG_N_OBJ)
		return NULL;
	for (x = d->v.c.head; x != NULL; x = x->next)
		if (keyeq(x->key, "syscall", 7))
			break;
	if (x == NULL || x->type != VG_N_OBJ)
		return NULL;
	for (m = x->v.c.head; m != NULL; m = m->next)
		if (m->key.len == name.len && memcmp(m->key.p, name.p,
		    name.len) == 0)
			return m;
	return NULL;
}

/* The syscall object's exe and ids (their first members) to drop. */
static int
syscall_hit(const struct prefilter *pf, const struct vg_node *d,
    struct vg_event *ev)
{
	const struct vg_node *m;
	size_t i;

	if (pf->exes.n != 0 && (m = syscall_member(d, ev,
	    VG_STR_LIT("exe"))) != NULL && m->type == VG_N_STR &&
	    sset_has(&pf->exes, m->v.s.p, m->v.s.len))
		return 1;
	if (pf->scnames.n != 0 && (m = syscall_member(d, ev,
	    VG_STR_LIT("name"))) != NULL && m->type == VG_N_STR &&
	    sset_has(&pf->scnames, m->v.s.p, m->v.s.len))
		return 1;
	for (i = 0; pf->nids != 0 && i < NIDS; i++)
		if (pf->id[i].n != 0 && (m = syscall_member(d, ev,
		    ids[i].name)) != NULL && ((m->type == VG_N_UINT &&
		    m->v.u <= UINT32_MAX && u32_has(&pf->id[i],
		    (uint32_t)m->v.u)) || (m->type == VG_N_INT && m->v.i >= 0 &&
		    m->v.i <= UINT32_MAX && u32_has(&pf->id[i],
		    (uint32_t)m->v.i))))
			return 1;
	return 0;
}

/* The context object's labels to drop. */
static int
labels_hit(const struct prefilter *pf, const struct vg_node *ctx)
{
	const struct vg_node *x;

	if (ctx == NULL || ctx->type != VG_N_OBJ)
		return 0;
	for (x = ctx->v.c.head; x != NULL; x = x->next)
		if (keyeq(x->key, "labels", 6))
			return label_dropped(pf, x);
	return 0;
}

/* *doc NULL: the members are read through ev->view (each laid out
 * alone), or the event passes. */
static enum vg_verdict
pre_run(struct vg_filter *f, struct vg_event *ev, struct vg_node **doc)
{
	const struct prefilter *pf = f->priv;
	const struct vg_node *d = *doc, *ch, *m;
	size_t i;

	if (pf->types.n != 0)
		for (i = 0; i < ev->nrecs; i++)
			if (u32_has(&pf->types, ev->recs[i].type))
				return VG_DROP;
	if ((pf->exes.n != 0 || pf->scnames.n != 0 || pf->nids != 0) &&
	    syscall_hit(pf, d, ev))
		return VG_DROP;
	if (pf->keys.n == 0 && pf->labels.n == 0)
		return VG_PASS;
	if (d == NULL) {
		if (ev->view == NULL)
			return VG_PASS;
		if (pf->keys.n != 0 && vg_view_member(ev->view,
		    VG_STR_LIT("keys"), &m) == 1 && keys_hit(pf, m))
			return VG_DROP;
		if (pf->labels.n != 0 && vg_view_member(ev->view,
		    VG_STR_LIT("context"), &m) == 1 && labels_hit(pf, m))
			return VG_DROP;
		return VG_PASS;
	}
	if (d->type != VG_N_OBJ)
		return VG_PASS;
	for (ch = d->v.c.head; ch != NULL; ch = ch->next) {
		if (pf->keys.n != 0 && keyeq(ch->key, "keys", 4) &&
		    keys_hit(pf, ch))
			return VG_DROP;
		if (pf->labels.n != 0 && keyeq(ch->key, "context", 7) &&
		    labels_hit(pf, ch))
			return VG_DROP;
	}
	return VG_PASS;
}

static void
pre_close(struct vg_filter *f)
{
	struct prefilter *pf;
	size_t i;

	if (f == NULL)
		return;
	pf = f->priv;
	sset_free(&pf->keys);
	sset_free(&pf->exes);
	sset_free(&pf->labels);
	sset_free(&pf->scnames);
	free(pf->types.v);
	for (i = 0; i < NIDS; i++)
		free(pf->id[i].v);
	free(pf->f.name);
	free(pf);
}

struct vg_filter *
vg_prefilter_new(void)
{
	struct prefilter *pf;

	if ((pf = calloc(1, sizeof(*pf))) == NULL)
		return NULL;
	pf->f.ops = &prefilter_ops;
	pf->f.priv = pf;
	if ((pf->f.name = strdup("prefilter")) == NULL) {
		free(pf);
		return NULL;
	}
	return &pf->f;
}

size_t
vg_prefilter_count(const struct vg_filter *f)
{
	const struct prefilter *pf = f->priv;

	return pf->keys.n + pf->exes.n + pf->labels.n + pf->scnames.n +
	    pf->types.n + pf->nids;
}

static int
fail(char *msg, size_t msglen, const char *what, const char *rule)
{
	if (msglen > 0)
		snprintf(msg, msglen, "%s: \"%.100s\"", what, rule);
	errno = EINVAL;
	return -1;
}

/* "NAME" or a decimal number; upper-cased for the type table. */
static int
parse_type(const char *v, size_t len, uint32_t *out)
{
	char name[64];
	unsigned long n;
	char *end;
	size_t i;
	int t;

	if (len == 0 || len >= sizeof(name))
		return -1;
	if (v[0] >= '0' && v[0] <= '9') {
		memcpy(name, v, len);
		name[len] = '\0';
		errno = 0;
		n = strtoul(name, &end, 10);
		if (errno != 0 || *end != '\0' || n > UINT32_MAX)
			return -1;
		*out = (uint32_t)n;
		return 0;
	}
	for (i = 0; i < len; i++)
		name[i] = (char)toupper((unsigned char)v[i]);
	if ((t = vg_type_by_name(name, len)) < 0)
		return -1;
	*out = (uint32_t)t;
	return 0;
}

/* Whether some architecture's table names a syscall so (the name vigil
 * writes as syscall.name). */
static int
known_syscall(const char *v, size_t len)
{
	enum vg_arch a;

	for (a = VG_ARCH_X86_64; a <= VG_ARCH_S390; a++)
		if (vg_syscall_number(a, v, len) >= 0)
			return 1;
	return 0;
}

/* A decimal id as the SYSCALL record writes it (4294967295: unset). */
static int
parse_id(const char *v, size_t len, uint32_t *out)
{
	uint64_t n = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	if (n > UINT32_MAX)
		return -1;
	*out = (uint32_t)n;
	return 0;
}

int
vg_prefilter_parse(const char *rule, struct vg_prefilter_line *out,
    char *msg, size_t msglen)
{
	const char *p = rule, *eq, *v, *end;
	size_t flen, vlen, i;

	memset(out, 0, sizeof(*out));
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "drop", 4) == 0 && (p[4] == ' ' || p[4] == '\t')) {
		p += 4;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\n' || end[-1] == '\r'))
		end--;
	if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
		return fail(msg, msglen, "expected FIELD=VALUE", rule);
	flen = (size_t)(eq - p);
	v = eq + 1;
	vlen = (size_t)(end - v);
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		v++;
		vlen -= 2;
	} else if (vlen > 0 && v[0] == '"') {
		return fail(msg, msglen, "unterminated quote", rule);
	}
	if (vlen == 0)
		return fail(msg, msglen, "empty value", rule);
	out->val = v;
	out->len = vlen;
	if (flen == 3 && memcmp(p, "key", 3) == 0)
		out->field = VG_PF_KEY;
	else if (flen == 11 && memcmp(p, "syscall.exe", 11) == 0)
		out->field = VG_PF_EXE;
	else if (flen == 12 && memcmp(p, "syscall.name", 12) == 0) {
		if (!known_syscall(v, vlen))
			return fail(msg, msglen, "no architecture has a "
			    "syscall of this name", rule);
		out->field = VG_PF_SYSCALL;
	}
	else if (flen == 4 && memcmp(p, "type", 4) == 0) {
		if (parse_type(v, vlen, &out->type) == -1)
			return fail(msg, msglen, "unknown record type", rule);
		out->field = VG_PF_TYPE;
	} else if (flen == 5 && memcmp(p, "label", 5) == 0)
		out->field = VG_PF_LABEL;	/* its name: vg_prefilter_add */
	else if (flen > 8 && memcmp(p, "syscall.", 8) == 0) {
		for (i = 0; i < NIDS; i++)
			if (flen - 8 == ids[i].name.len && memcmp(p + 8,
			    ids[i].name.p, flen - 8) == 0)
				break;
		if (i == NIDS)
			return fail(msg, msglen, "unknown field (want key, "
			    "syscall.exe, syscall.name, syscall.auid, "
			    "syscall.uid, syscall.euid, syscall.gid, type or "
			    "label)", rule);
		if (parse_id(v, vlen, &out->id) == -1)
			return fail(msg, msglen, "expected a decimal id "
			    "(0-4294967295)", rule);
		out->field = ids[i].field;
	} else
		return fail(msg, msglen, "unknown field (want key, "
		    "syscall.exe, syscall.name, syscall.auid, syscall.uid, "
		    "syscall.euid, syscall.gid, type or label)", rule);
	return 0;
}

int
vg_prefilter_add(struct vg_filter *f, const char *rule, char *msg,
    size_t msglen)
{
	struct prefilter *pf = f->priv;
	struct vg_prefilter_line l;
	size_t i;
	int rc;

	if (vg_prefilter_parse(rule, &l, msg, msglen) == -1)
		return -1;
	switch (l.field) {
	case VG_PF_KEY:
		rc = sset_add(&pf->keys, l.val, l.len);
		break;
	case VG_PF_EXE:
		rc = sset_add(&pf->exes, l.val, l.len);
		break;
	case VG_PF_SYSCALL:
		rc = sset_add(&pf->scnames, l.val, l.len);
		break;
	case VG_PF_LABEL:
		/* a label no "label" line names would never match */
		if (vg_ctx_global() == NULL)
			return fail(msg, msglen, "label= needs context = yes",
			    rule);
		if (vg_ctx_label_id(vg_ctx_global(), l.val, l.len) < 0)
			return fail(msg, msglen, "no \"label\" line names "
			    "this label", rule);
		rc = sset_add(&pf->labels, l.val, l.len);
		break;
	case VG_PF_TYPE:
		rc = u32_add(&pf->types, l.type) == -1 ? -1 : 0;
		break;
	default:
		for (i = 0; i < NIDS && ids[i].field != l.field; i++)
			;
		if (i == NIDS)
			return fail(msg, msglen, "unknown field", rule);
		if ((rc = u32_add(&pf->id[i], l.id)) == 1) {
			pf->nids++;
			rc = 0;
		}
		break;
	}
	if (rc == -1) {
		if (msglen > 0)
			snprintf(msg, msglen, "out of memory");
		errno = ENOMEM;
	}
	return rc;
}

static const struct vg_filter_ops prefilter_ops = {
	.name = "prefilter",
	.run = pre_run,
	.reload = NULL,
	.close = pre_close,
};
