/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecs.c: an event document (the tree, context included) as an Elastic
 * Common Schema document, for json outputs with format=ecs. The mapping
 * is the table in docs/outputs.md (ECS); a member the event does not
 * have is left out. Reads the tree only; writes one line to a buffer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "vigil/ecs.h"
#include "vigil/json.h"

#define S(lit)	VG_STR_LIT(lit)

static const struct vg_node *
get(const struct vg_node *o, const char *key)
{
	if (o == NULL || o->type != VG_N_OBJ)
		return NULL;
	return vg_node_get(o, key);
}

/* The first element of an array, or the node itself. */
static const struct vg_node *
first(const struct vg_node *n)
{
	if (n != NULL && n->type == VG_N_ARR)
		return n->v.c.head;
	return n;
}

static int
has(const struct vg_node *n)
{
	return n != NULL && n->type != VG_N_NULL &&
	    !(n->type == VG_N_STR && n->v.s.len == 0);
}

/* A scalar as it is (string, number, boolean). */
static void
put(struct vg_jw *w, struct vg_str key, const struct vg_node *n)
{
	if (!has(n))
		return;
	switch (n->type) {
	case VG_N_STR:
		vg_jw_str(w, key, n->v.s);
		break;
	case VG_N_UINT:
		vg_jw_u64(w, key, n->v.u);
		break;
	case VG_N_INT:
		vg_jw_i64(w, key, n->v.i);
		break;
	case VG_N_BOOL:
		vg_jw_bool(w, key, n->v.b);
		break;
	default:
		break;
	}
}

/* A number as a keyword (ECS ids are strings). */
static void
put_kw(struct vg_jw *w, struct vg_str key, const struct vg_node *n)
{
	char buf[24];
	int len;

	if (!has(n))
		return;
	if (n->type == VG_N_UINT)
		len = snprintf(buf, sizeof(buf), "%" PRIu64, n->v.u);
	else if (n->type == VG_N_INT)
		len = snprintf(buf, sizeof(buf), "%" PRId64, n->v.i);
	else {
		put(w, key, n);
		return;
	}
	if (len > 0 && (size_t)len < sizeof(buf))
		vg_jw_str(w, key, vg_str_make(buf, (size_t)len));
}

static void
put_strarr(struct vg_jw *w, struct vg_str key, const struct vg_node *a)
{
	const struct vg_node *x;

	if (a == NULL || a->type != VG_N_ARR || a->v.c.n == 0)
		return;
	vg_jw_open(w, key, 1);
	for (x = a->v.c.head; x != NULL; x = x->next)
		if (x->type == VG_N_STR)
			vg_jw_str(w, VG_STR_NULL, x->v.s);
	vg_jw_close(w);
}

/* process.command_line: the arguments joined by spaces. */
static void
put_cmdline(struct vg_jw *w, const struct vg_node *a, struct vg_buf *tmp)
{
	const struct vg_node *x;

	if (a == NULL || a->type != VG_N_ARR || a->v.c.n == 0)
		return;
	vg_buf_reset(tmp);
	for (x = a->v.c.head; x != NULL; x = x->next) {
		if (x->type != VG_N_STR)
			continue;
		if (tmp->len > 0)
			vg_buf_addc(tmp, ' ');
		vg_buf_add(tmp, x->v.s.p, x->v.s.len);
	}
	if (!tmp->oom)
		vg_jw_str(w, S("command_line"), vg_str_make(tmp->data,
		    tmp->len));
}

static int
streq(const struct vg_node *n, const char *s)
{
	return n != NULL && n->type == VG_N_STR && vg_str_eq(n->v.s, s);
}

/* The syscalls whose address is the other end's. */
static int
outbound(const struct vg_node *name)
{
	static const char *const out[] = { "connect", "sendto", "sendmsg",
	    "sendmmsg", NULL };
	size_t i;

	for (i = 0; out[i] != NULL; i++)
		if (streq(name, out[i]))
			return 1;
	return 0;
}

static const char *
category(const struct vg_node *doc, const struct vg_node *name)
{
	if (get(doc, "execve") != NULL || streq(name, "execve") ||
	    streq(name, "execveat"))
		return "process";
	if (get(doc, "sockaddr") != NULL)
		return "network";
	if (get(doc, "paths") != NULL)
		return "file";
	return NULL;
}

/* A user or group: {"id": "0", "name": "root"}. */
static void
ident(struct vg_jw *w, struct vg_str key, const struct vg_node *id,
    const struct vg_node *name)
{
	if (!has(id) && !has(name))
		return;
	if (key.p != NULL)
		vg_jw_open(w, key, 0);
	put_kw(w, S("id"), id);
	put(w, S("name"), name);
	if (key.p != NULL)
		vg_jw_close(w);
}

static void
process(struct vg_jw *w, const struct vg_node *doc, struct vg_buf *tmp)
{
	const struct vg_node *sc = first(get(doc, "syscall"));
	const struct vg_node *ctx = get(doc, "context");
	const struct vg_node *cp = get(ctx, "process");
	const struct vg_node *par = first(get(ctx, "parents"));
	const struct vg_node *argv = get(get(doc, "execve"), "argv");
	const struct vg_node *pid = get(sc, "pid");

	if (argv == NULL)
		argv = get(cp, "argv");
	if (!has(pid))
		pid = get(cp, "pid");
	if (!has(pid))
		return;
	vg_jw_open(w, S("process"), 0);
	put(w, S("pid"), pid);
	put(w, S("executable"), has(get(sc, "exe")) ? get(sc, "exe") :
	    get(cp, "exe"));
	put(w, S("name"), has(get(sc, "comm")) ? get(sc, "comm") :
	    get(cp, "comm"));
	put_strarr(w, S("args"), argv);
	if (argv != NULL && argv->type == VG_N_ARR)
		vg_jw_u64(w, S("args_count"), argv->v.c.n);
	put_cmdline(w, argv, tmp);
	put(w, S("working_directory"), first(get(doc, "cwd")));
	put(w, S("start"), get(cp, "start"));
	if (has(get(sc, "ppid")) || par != NULL) {
		vg_jw_open(w, S("parent"), 0);
		put(w, S("pid"), has(get(sc, "ppid")) ? get(sc, "ppid") :
		    get(par, "pid"));
		put(w, S("executable"), get(par, "exe"));
		put(w, S("name"), get(par, "comm"));
		put_strarr(w, S("args"), get(par, "argv"));
		put(w, S("start"), get(par, "start"));
		vg_jw_close(w);
	}
	vg_jw_close(w);
}

static void
users(struct vg_jw *w, const struct vg_node *doc)
{
	const struct vg_node *sc = first(get(doc, "syscall"));
	const struct vg_node *names = get(get(doc, "context"), "names");
	const struct vg_node *rec = sc;
	const struct vg_node *auid;

	if (rec == NULL) {
		/* a record of a user-space program: its uid and auid */
		for (rec = doc->v.c.head; rec != NULL; rec = rec->next)
			if (first(rec) != NULL && first(rec)->type == VG_N_OBJ &&
			    has(get(first(rec), "uid")))
				break;
		rec = first(rec);
	}
	if (rec == NULL)
		return;
	if (has(get(rec, "uid")) || has(get(rec, "euid")) ||
	    has(get(rec, "auid"))) {
		vg_jw_open(w, S("user"), 0);
		ident(w, VG_STR_NULL, get(rec, "uid"), get(names, "uid"));
		ident(w, S("effective"), get(rec, "euid"), get(names, "euid"));
		auid = get(rec, "auid");
		if (!(auid != NULL && auid->type == VG_N_UINT &&
		    auid->v.u == 4294967295u))
			ident(w, S("audit"), auid, get(names, "auid"));
		vg_jw_close(w);
	}
	if (has(get(rec, "gid")))
		ident(w, S("group"), get(rec, "gid"), get(names, "gid"));
}

/* file.*: the first PATH that is not the parent directory. */
static void
file(struct vg_jw *w, const struct vg_node *doc)
{
	const struct vg_node *p = get(doc, "paths"), *x, *f = NULL;

	if (p == NULL || p->type != VG_N_ARR)
		return;
	for (x = p->v.c.head; x != NULL; x = x->next)
		if (x->type == VG_N_OBJ && has(get(x, "name"))) {
			if (f == NULL)
				f = x;
			if (!streq(get(x, "nametype"), "PARENT")) {
				f = x;
				break;
			}
		}
	if (f == NULL)
		return;
	vg_jw_open(w, S("file"), 0);
	put(w, S("path"), get(f, "name"));
	put_kw(w, S("inode"), get(f, "inode"));
	put(w, S("mode"), get(f, "mode"));
	put_kw(w, S("uid"), get(f, "ouid"));
	put_kw(w, S("gid"), get(f, "ogid"));
	put(w, S("device"), get(f, "dev"));
	vg_jw_close(w);
}

static void
network(struct vg_jw *w, const struct vg_node *doc, const struct vg_node *name)
{
	const struct vg_node *sa = first(get(doc, "sockaddr"));

	if (sa == NULL || (!has(get(sa, "addr")) && !has(get(sa, "path"))))
		return;
	vg_jw_open(w, outbound(name) ? S("destination") : S("source"), 0);
	if (has(get(sa, "addr"))) {
		put(w, S("ip"), get(sa, "addr"));
		put(w, S("address"), get(sa, "addr"));
	} else
		put(w, S("address"), get(sa, "path"));
	put(w, S("port"), get(sa, "port"));
	vg_jw_close(w);
	if (streq(get(sa, "family"), "inet") ||
	    streq(get(sa, "family"), "inet6")) {
		vg_jw_open(w, S("network"), 0);
		vg_jw_plain(w, S("type"), streq(get(sa, "family"), "inet") ?
		    S("ipv4") : S("ipv6"));
		vg_jw_close(w);
	}
}

void
vg_ecs_write(const struct vg_node *doc, struct vg_buf *b, struct vg_buf *tmp)
{
	const struct vg_node *sc, *name, *ctx, *cont, *x, *succ;
	const struct vg_node *keys, *labels;
	const char *cat;
	struct vg_jw w;

	if (doc == NULL || doc->type != VG_N_OBJ) {
		vg_buf_add(b, "null\n", 5);
		return;
	}
	sc = first(get(doc, "syscall"));
	name = get(sc, "name");
	ctx = get(doc, "context");
	memset(&w, 0, sizeof(w));
	w.b = b;
	vg_buf_addc(b, '{');
	put(&w, S("@timestamp"), get(doc, "time"));
	vg_jw_open(&w, S("event"), 0);
	put_kw(&w, S("id"), get(doc, "serial"));
	vg_jw_plain(&w, S("kind"), S("event"));
	vg_jw_plain(&w, S("module"), S("auditd"));
	if ((cat = category(doc, name)) != NULL) {
		vg_jw_open(&w, S("category"), 1);
		vg_jw_plain(&w, VG_STR_NULL, vg_str_make(cat, strlen(cat)));
		vg_jw_close(&w);
	}
	if (has(name))
		put(&w, S("action"), name);
	else if (doc->v.c.tail != NULL) {
		/* the first record member after the header */
		for (x = doc->v.c.head; x != NULL; x = x->next)
			if (first(x) != NULL && first(x)->type == VG_N_OBJ &&
			    !vg_str_eq(x->key, "vigil") &&
			    !vg_str_eq(x->key, "context")) {
				vg_jw_str(&w, S("action"), x->key);
				break;
			}
	}
	succ = get(sc, "success");
	if (succ != NULL && succ->type == VG_N_BOOL)
		vg_jw_plain(&w, S("outcome"), succ->v.b ? S("success") :
		    S("failure"));
	vg_jw_close(&w);
	if (has(get(doc, "host"))) {
		vg_jw_open(&w, S("host"), 0);
		put(&w, S("name"), get(doc, "host"));
		vg_jw_close(&w);
	}
	process(&w, doc, tmp);
	users(&w, doc);
	file(&w, doc);
	network(&w, doc, name);
	cont = get(ctx, "container");
	if (has(get(cont, "id"))) {
		vg_jw_open(&w, S("container"), 0);
		put(&w, S("id"), get(cont, "id"));
		if (has(get(cont, "runtime"))) {
			vg_jw_open(&w, S("runtime"), 0);
			put(&w, S("name"), get(cont, "runtime"));
			vg_jw_close(&w);
		}
		vg_jw_close(&w);
	}
	if (has(get(ctx, "unit"))) {
		vg_jw_open(&w, S("service"), 0);
		put(&w, S("name"), get(ctx, "unit"));
		vg_jw_close(&w);
	}
	keys = get(doc, "keys");
	labels = get(ctx, "labels");
	if ((keys != NULL && keys->type == VG_N_ARR && keys->v.c.n > 0) ||
	    (labels != NULL && labels->type == VG_N_ARR)) {
		vg_jw_open(&w, S("tags"), 1);
		for (x = keys ? keys->v.c.head : NULL; x != NULL; x = x->next)
			if (x->type == VG_N_STR)
				vg_jw_str(&w, VG_STR_NULL, x->v.s);
		for (x = labels && labels->type == VG_N_ARR ?
		    labels->v.c.head : NULL; x != NULL; x = x->next)
			if (x->type == VG_N_STR)
				vg_jw_str(&w, VG_STR_NULL, x->v.s);
		vg_jw_close(&w);
	}
	vg_buf_add(b, "}\n", 2);
}
