/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_layout.c: the "host" and "context" members of an event (docs/
 * events.md, Context), written by the layout driver through its sink, so
 * the JSON line, the tree and Lua see the same members. Reads the table
 * only: never /proc, never a change. The JSON sink gets the context text
 * of an entry pasted when nothing it depends on changed (the table's
 * generation, the names, the ids the event gives).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_priv.h"
#include "decode_field.h"
#include "layout_emit.h"

void	vg_ctx_layout(struct vg_layout *);

/* Text the tree keeps: the event arena's copy (the table may change
 * before a tree is gone); the JSON sink writes it at once. */
static struct vg_str
keep(struct vg_layout *L, const char *s, size_t len)
{
	char *p;

	if (L->jw != NULL)
		return vg_str_make(s, len);
	if ((p = vg_arena_strndup(L->a, s, len)) == NULL) {
		L->oom = 1;
		return VG_STR_NULL;
	}
	return vg_str_make(p, len);
}

static void
cstr_member(struct vg_layout *L, const char *key, const char *v)
{
	if (v != NULL && v[0] != '\0')
		lay_str(L, vg_str_make(key, strlen(key)), keep(L, v,
		    strlen(v)));
}

/* pid, ppid, exe, comm, argv, start, spawned_by of one process. */
static void
proc_members(struct vg_layout *L, const struct vg_proc *p)
{
	const char *a, *end;
	size_t i, l;
	char *tm;

	lay_u64(L, VG_STR_LIT("pid"), (uint64_t)p->pid);
	if (p->ppid > 0)
		lay_u64(L, VG_STR_LIT("ppid"), (uint64_t)p->ppid);
	cstr_member(L, "exe", p->exe);
	cstr_member(L, "comm", p->comm);
	if (p->argv != NULL && p->argc > 0) {
		lay_open(L, VG_STR_LIT("argv"), VG_N_ARR);
		a = p->argv;
		end = p->argv + p->argv_len;
		for (i = 0; i < p->argc && a < end; i++) {
			l = strnlen(a, (size_t)(end - a));
			lay_str(L, VG_STR_NULL, keep(L, a, l));
			a += l + 1;
		}
		lay_close(L);
		if (p->argv_cut)
			lay_bool(L, VG_STR_LIT("argv_truncated"), 1);
	}
	if (p->start != 0) {
		if ((tm = vg_arena_alloc(L->a, 24)) == NULL) {
			L->oom = 1;
			return;
		}
		vg_fmt_time(tm, p->start / 1000, (uint32_t)(p->start % 1000));
		lay_plain(L, VG_STR_LIT("start"), vg_str_make(tm, 24));
	}
	if (p->spawned_by != 0)
		lay_u64(L, VG_STR_LIT("spawned_by"), p->spawned_by);
	if (p->prev_exe != NULL) {
		lay_open(L, VG_STR_LIT("previous"), VG_N_OBJ);
		cstr_member(L, "exe", p->prev_exe);
		cstr_member(L, "comm", p->prev_comm);
		if (p->prev_spawned_by != 0)
			lay_u64(L, VG_STR_LIT("spawned_by"),
			    p->prev_spawned_by);
		lay_close(L);
	}
}

/* The parent of p, if the table's entry of its pid is that process. */
static const struct vg_proc *
parent_of(struct vg_ctx *c, const struct vg_proc *p)
{
	const struct vg_proc *pa;

	if (p->ppid <= 0 || (pa = ctx_find(c, p->ppid)) == NULL || pa == p)
		return NULL;
	if (p->pstart != 0 && pa->start != 0 && pa->start != p->pstart)
		return NULL;		/* pid reused: a stranger */
	if (p->start != 0 && pa->start != 0 && 
	    pa->start > p->start + CTX_START_SLACK)
		return NULL;		/* younger than its child */
	return pa;
}

static int
any_names(struct vg_ctx *c)
{
	unsigned i;

	for (i = 0; i < CTX_NIDS; i++)
		if ((c->cur.idmask & (1u << i)) && ctx_name(&c->names,
		    c->cur.ids[i], CTX_ID_GROUP(i)) != NULL)
			return 1;
	return 0;
}

static void
context_members(struct vg_layout *L, struct vg_ctx *c)
{
	const struct vg_proc *p = c->cur.proc, *pa;
	const struct ctx_ugroups *g;
	const char *e, *end, *v;
	unsigned d, i;
	size_t nl;

	if (p != NULL) {
		lay_open(L, VG_STR_LIT("process"), VG_N_OBJ);
		proc_members(L, p);
		lay_close(L);
		if (c->o.depth > 0 && (pa = parent_of(c, p)) != NULL) {
			lay_open(L, VG_STR_LIT("parents"), VG_N_ARR);
			for (d = 0; d < c->o.depth && pa != NULL; d++) {
				lay_open(L, VG_STR_NULL, VG_N_OBJ);
				proc_members(L, pa);
				lay_close(L);
				pa = parent_of(c, pa);
			}
			lay_close(L);
		}
		if (p->labels != 0) {
			lay_open(L, VG_STR_LIT("labels"), VG_N_ARR);
			for (i = 0; i < c->nlabels; i++)
				if ((p->labels & (1u << i)) &&
				    vg_ctx_label_id(c, c->labels[i].name,
				    strlen(c->labels[i].name)) == (int)i)
					lay_str(L, VG_STR_NULL, keep(L,
					    c->labels[i].name,
					    strlen(c->labels[i].name)));
			lay_close(L);
		}
		if (p->cg != NULL && (p->cg->id[0] != '\0' ||
		    p->cg->pod[0] != '\0')) {
			lay_open(L, VG_STR_LIT("container"), VG_N_OBJ);
			cstr_member(L, "id", p->cg->id);
			cstr_member(L, "runtime",
			    vg_ctx_runtime_name(p->cg->runtime));
			cstr_member(L, "pod", p->cg->pod);
			lay_close(L);
		}
		if (p->cg != NULL) {
			cstr_member(L, "unit", p->cg->unit);
			cstr_member(L, "slice", p->cg->slice);
		}
		if (p->env != NULL && p->env_len > 0) {
			lay_open(L, VG_STR_LIT("env"), VG_N_OBJ);
			for (e = p->env, end = p->env + p->env_len; e < end;
			    e = v + strlen(v) + 1) {
				nl = strlen(e);
				v = e + nl + 1;
				if (v >= end)
					break;
				lay_str(L, keep(L, e, nl), keep(L, v,
				    strlen(v)));
			}
			lay_close(L);
		}
	}
	if (any_names(c)) {
		lay_open(L, VG_STR_LIT("names"), VG_N_OBJ);
		for (i = 0; i < CTX_NIDS; i++)
			if ((c->cur.idmask & (1u << i)) &&
			    (v = ctx_name(&c->names, c->cur.ids[i],
			    CTX_ID_GROUP(i))) != NULL)
				lay_str(L, vg_str_make(vg_ctx_id_names[i],
				    strlen(vg_ctx_id_names[i])), keep(L, v,
				    strlen(v)));
		lay_close(L);
	}
	if ((c->cur.idmask & 1u) &&	/* uid: vg_ctx_id_names[0] */
	    (g = ctx_user_groups(&c->names, c->cur.ids[0])) != NULL) {
		lay_open(L, VG_STR_LIT("groups"), VG_N_ARR);
		for (e = g->names, i = 0; i < g->n; i++, e += nl + 1) {
			nl = strlen(e);
			lay_str(L, VG_STR_NULL, keep(L, e, nl));
		}
		lay_close(L);
	}
	if (p != NULL)
		cstr_member(L, "script", p->script);
}

/* What the context text of the event depends on besides the table. */
static uint64_t
ids_key(const struct vg_ctx *c)
{
	uint64_t h = 0xcbf29ce484222325ull ^ c->cur.idmask ^
	    c->names.gen << 20;
	unsigned i;

	for (i = 0; i < CTX_NIDS; i++) {
		h ^= c->cur.ids[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

/* What the text of p shows of the table: its chain's entries (hashed)
 * and their newest version. A change of any of them, or another entry in
 * the chain, gives another stamp. */
static void
chain_stamp(struct vg_ctx *c, const struct vg_proc *p, uint64_t *hash,
    uint64_t *ver)
{
	uint64_t h = 0x9e3779b97f4a7c15ull, v = p->ver;
	unsigned d;

	for (d = 0; d < c->o.depth && (p = parent_of(c, p)) != NULL; d++) {
		h = (h ^ (uint64_t)(uintptr_t)p) * 0x100000001b3ull;
		if (p->ver > v)
			v = p->ver;
	}
	*hash = h;
	*ver = v;
}

/* The JSON sink: the entry's text if still good, else written and kept. */
static void
context_json(struct vg_layout *L, struct vg_ctx *c)
{
	struct vg_proc *p = c->cur.proc;
	struct vg_jw *w = L->jw;
	struct vg_buf *b = w->b;
	uint64_t key = ids_key(c), hash, ver;
	size_t from;
	char *n;

	/* nothing in the table changed since the text was checked: the
	 * chain is the same (every change of an entry, its insertion and
	 * its removal bump the gen) */
	if (p->ctext != NULL && p->cgen == c->gen && p->ckey == key)
		goto paste;
	chain_stamp(c, p, &hash, &ver);
	if (p->ctext != NULL && p->cver == ver && p->chash == hash &&
	    p->ckey == key) {
		p->cgen = c->gen;
paste:
		if (w->more[w->depth])
			vg_buf_addc(b, ',');
		vg_buf_add(b, p->ctext, p->clen);
		w->more[w->depth] = 1;
		c->st.cached++;
		return;
	}
	from = b->len + (w->more[w->depth] ? 1 : 0);
	lay_open(L, VG_STR_LIT("context"), VG_N_OBJ);
	context_members(L, c);
	lay_close(L);
	c->st.rendered++;
	if (b->oom || L->oom)
		return;
	if (p->ccap < b->len - from) {
		if ((n = realloc(p->ctext, b->len - from)) == NULL)
			return;
		p->ctext = n;
		p->ccap = b->len - from;
	}
	memcpy(p->ctext, b->data + from, b->len - from);
	p->clen = b->len - from;
	p->cver = ver;
	p->chash = hash;
	p->ckey = key;
	p->cgen = c->gen;
}

void
vg_ctx_layout(struct vg_layout *L)
{
	struct vg_ctx *c = L->ev->ctx;

	if (c == NULL)
		return;
	if (c->host_len > 0)
		lay_str(L, VG_STR_LIT("host"), vg_str_make(c->host,
		    c->host_len));
	if (c->cur.proc == NULL && !any_names(c))
		return;
	if (c->cur.proc != NULL && L->jw != NULL) {
		context_json(L, c);
		return;
	}
	lay_open(L, VG_STR_LIT("context"), VG_N_OBJ);
	context_members(L, c);
	lay_close(L);
}
