/*
 * decode.c: one event -> document tree (contract: docs/events.md). Builds
 * everything in the event's arena; never fails on bad record text (kept
 * raw and marked, counted); never logs. Record order in the document is
 * fixed: syscall, execve, proctitle, cwd, paths, sockaddr, then the other
 * records in arrival order.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "decode_priv.h"
#include "vigil/decode.h"
#include "vigil/tables.h"

/*
 * The tree sink: members are added under cur, the current container;
 * open() descends into the new container (one level is all decoding
 * needs: sockaddr objects), close() comes back.
 */
struct dctx {
	struct vg_sink	 s;		/* first: the sink ops get a dctx */
	struct vg_event	*ev;
	struct vg_arena	*a;
	struct vg_node	*root;
	struct vg_node	*keys;
	struct vg_node	*cur;		/* where the sink adds members */
	struct vg_node	*up[4];		/* containers open()ed above cur */
	int		 depth;
};

/* Per-record state while its fields are added. */
struct rctx {
	struct vg_frec	 f;
	struct vg_node	*obj;
	struct vg_node	*enriched;	/* created on first enriched field */
	struct vg_node	*words;		/* bare words, created on first */
};

#define CK(c, x)	do { if ((x) == NULL) (c)->s.oom = 1; } while (0)

/* ---- the tree sink ---- */

static void
t_str(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	struct dctx *c = (struct dctx *)s;

	CK(c, vg_node_add_str(c->a, c->cur, key, v));
}

static void
t_u64(struct vg_sink *s, struct vg_str key, uint64_t v)
{
	struct dctx *c = (struct dctx *)s;

	CK(c, vg_node_add_uint(c->a, c->cur, key, v));
}

static void
t_i64(struct vg_sink *s, struct vg_str key, int64_t v)
{
	struct dctx *c = (struct dctx *)s;

	CK(c, vg_node_add_int(c->a, c->cur, key, v));
}

static void
t_num(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	uint64_t u;
	int64_t i;

	switch (vg_num_parse(v, &u, &i)) {
	case 1:
		t_u64(s, key, u);
		break;
	case 2:
		t_i64(s, key, i);
		break;
	default:
		t_str(s, key, v);
		break;
	}
}

static void
t_bool(struct vg_sink *s, struct vg_str key, int v)
{
	struct dctx *c = (struct dctx *)s;

	CK(c, vg_node_add_bool(c->a, c->cur, key, v));
}

static void
t_null(struct vg_sink *s, struct vg_str key)
{
	struct dctx *c = (struct dctx *)s;

	CK(c, vg_node_add(c->a, c->cur, key, VG_N_NULL));
}

static void
t_open(struct vg_sink *s, struct vg_str key, enum vg_ntype t)
{
	struct dctx *c = (struct dctx *)s;
	struct vg_node *n;

	if (c->depth >= (int)(sizeof(c->up) / sizeof(c->up[0])) ||
	    (n = vg_node_add(c->a, c->cur, key, t)) == NULL) {
		c->s.oom = 1;
		return;
	}
	c->up[c->depth++] = c->cur;
	c->cur = n;
}

static void
t_close(struct vg_sink *s)
{
	struct dctx *c = (struct dctx *)s;

	if (c->depth > 0)
		c->cur = c->up[--c->depth];
}

/* Adds one rule key to the event's keys (deduplicated, usually 0-2). */
static void
t_rule_key(struct vg_sink *s, struct vg_str k)
{
	struct dctx *c = (struct dctx *)s;
	struct vg_node *n;

	for (n = c->keys->v.c.head; n != NULL; n = n->next)
		if (n->v.s.len == k.len && memcmp(n->v.s.p, k.p, k.len) == 0)
			return;
	CK(c, vg_node_add_str(c->a, c->keys, VG_STR_NULL, k));
}

static const struct vg_sink_ops tree_ops = {
	.str = t_str,
	.u64 = t_u64,
	.i64 = t_i64,
	.num = t_num,
	.boolean = t_bool,
	.null = t_null,
	.open = t_open,
	.close = t_close,
	.rule_key = t_rule_key,
};

/* The sink adds to obj from now on. */
static void
sink_at(struct dctx *c, struct vg_node *obj)
{
	c->cur = obj;
	c->depth = 0;
}

/* ---- value helpers ---- */

static struct vg_str
key_suffixed(struct dctx *c, struct vg_str key, const char *sfx, size_t sl)
{
	char *k;

	if ((k = vg_arena_alloc(c->a, key.len + sl + 1)) == NULL) {
		c->s.oom = 1;
		return key;
	}
	memcpy(k, key.p, key.len);
	memcpy(k + key.len, sfx, sl);
	k[key.len + sl] = '\0';
	return vg_str_make(k, key.len + sl);
}

static struct vg_str
key_prefixed(struct dctx *c, const char *pfx, struct vg_str key)
{
	size_t pl = strlen(pfx);
	char *k;

	if ((k = vg_arena_alloc(c->a, pl + key.len + 1)) == NULL) {
		c->s.oom = 1;
		return key;
	}
	memcpy(k, pfx, pl);
	memcpy(k + pl, key.p, key.len);
	k[pl + key.len] = '\0';
	return vg_str_make(k, pl + key.len);
}

/* Member of obj named key (a slice, not NUL-terminated), or NULL. */
static struct vg_node *
get_member(const struct vg_node *obj, struct vg_str key)
{
	struct vg_node *n;

	for (n = obj->v.c.head; n != NULL; n = n->next)
		if (n->key.len == key.len &&
		    memcmp(n->key.p, key.p, key.len) == 0)
			return n;
	return NULL;
}

/* ---- fields ---- */

static void
add_field(struct dctx *c, struct rctx *r, const struct vg_field *f)
{
	struct vg_node *obj = r->obj;
	struct vg_str key = f->key;
	int kind;

	if (f->flags & VG_FF_ENRICHED) {
		/* interpreted by auditd: kept as written, braces too */
		if (r->enriched == NULL)
			CK(c, r->enriched = vg_node_add(c->a, obj,
			    VG_STR_LIT("enriched"), VG_N_OBJ));
		CK(c, vg_node_add_str(c->a, r->enriched, key, f->val));
		return;
	}
	if (f->kind == VG_V_NONE) {
		if (r->words == NULL)
			CK(c, r->words = vg_node_add(c->a, obj,
			    VG_STR_LIT("words"), VG_N_ARR));
		CK(c, vg_node_add_str(c->a, r->words, VG_STR_NULL, key));
		return;
	}
	kind = vg_field_kind(key.p, key.len);
	/* a record field must not take the name of a member vigil adds to
	 * every record object (docs/events.md): it is kept as field_NAME */
	if (vg_str_eq(key, "enriched") || vg_str_eq(key, "words") ||
	    vg_str_eq(key, "vigil_raw") || vg_str_eq(key, "vigil_raw_enriched"))
		key = key_prefixed(c, "field_", key);
	/* a field of msg='...' must not shadow the record's own */
	if ((f->flags & VG_FF_NESTED) && get_member(obj, key) != NULL)
		key = key_prefixed(c, "msg_", key);
	sink_at(c, obj);
	vg_field_value(&c->s, &r->f, key, kind, f);
}

/*
 * Adds every field of rec to obj. A field for which take() returns 0 was
 * consumed by the caller's special handling. A record the tokenizer
 * stumbled on keeps its text in vigil_raw.
 */
/* Cheap hash of a member name (length and end bytes): collisions only
 * cost a probe and a memcmp. */
static uint32_t
key_hash(struct vg_str k)
{
	if (k.len == 0)
		return 0;
	return ((uint32_t)k.len * 2654435761u) ^
	    ((uint32_t)(unsigned char)k.p[0] * 40503u) ^
	    ((uint32_t)(unsigned char)k.p[k.len - 1] * 2246822519u) ^
	    ((uint32_t)(unsigned char)k.p[k.len / 2] * 3266489917u);
}

/*
 * Makes the member names of obj unique: a name seen before in the same
 * object (a field repeated in a forged record, a nested msg field used
 * twice) becomes NAME_2, NAME_3, ... in arrival order. JSON readers keep
 * only one of duplicate members, so a record could otherwise hide a value.
 * One open-addressing table per object, sized from the arena.
 */
static void
dedupe_members(struct dctx *c, struct vg_node *obj)
{
	struct vg_node *stack[128], **tab = stack, *n, *m;
	size_t size = 16, i, mask;
	unsigned suffix;
	char num[16];
	int len;

	if (obj == NULL || obj->type != VG_N_OBJ || obj->v.c.n < 2)
		return;
	while (size < obj->v.c.n * 2)
		size *= 2;
	if (size > sizeof(stack) / sizeof(stack[0])) {
		if ((tab = vg_arena_alloc(c->a, size * sizeof(*tab))) ==
		    NULL) {
			c->s.oom = 1;
			return;
		}
	}
	memset(tab, 0, size * sizeof(*tab));
	mask = size - 1;
	for (n = obj->v.c.head; n != NULL; n = n->next) {
		struct vg_str base = n->key;

		for (suffix = 2;; suffix++) {
			i = key_hash(n->key) & mask;
			while ((m = tab[i]) != NULL) {
				if (m->key.len == n->key.len &&
				    memcmp(m->key.p, n->key.p, n->key.len) == 0)
					break;
				i = (i + 1) & mask;
			}
			if (m == NULL) {
				tab[i] = n;
				break;
			}
			/* taken: try the next NAME_N */
			len = snprintf(num, sizeof(num), "_%u", suffix);
			n->key = key_suffixed(c, base, num, (size_t)len);
			if (c->s.oom)
				return;
		}
	}
}

static void
add_fields(struct dctx *c, struct rctx *r, const struct vg_erec *rec,
    int (*take)(void *, const struct vg_field *, int *), void *arg)
{
	struct vg_fields it;
	struct vg_field f;
	unsigned n = 0;

	vg_fields_begin(&it, rec->body, rec->enriched);
	while (vg_fields_next(&it, &f) == 1) {
		n++;
		/* "(seqno=2)": free text, a word; enriched text is auditd's */
		if ((f.flags & (VG_FF_ODDKEY | VG_FF_ENRICHED)) ==
		    VG_FF_ODDKEY)
			vg_field_word(&f);
		if (take != NULL && take(arg, &f, &c->s.oom) == 0)
			continue;
		add_field(c, r, &f);
	}
	dedupe_members(c, r->obj);
	dedupe_members(c, r->enriched);
	if (it.errors == 0 && (n > 0 || rec->body.len == 0))
		return;
	c->s.errors += it.errors ? it.errors : 1;
	CK(c, vg_node_add_str(c->a, r->obj, VG_STR_LIT("vigil_raw"),
	    rec->body));
	if (rec->enriched.len > 0)
		CK(c, vg_node_add_str(c->a, r->obj,
		    VG_STR_LIT("vigil_raw_enriched"), rec->enriched));
}

/* ---- placing record members in the document ---- */

/*
 * Adds node under name at the root; if a member of that name is there
 * already (a record type seen twice), the member becomes an array of all
 * of them in arrival order. name must outlive the tree.
 */
static void
place(struct dctx *c, const char *name, struct vg_node *n)
{
	struct vg_node *old, *first;

	if (n == NULL)
		return;
	if ((old = vg_node_get(c->root, name)) == NULL) {
		n->key = vg_str_make(name, strlen(name));
		vg_node_append(c->root, n);
		return;
	}
	n->key = VG_STR_NULL;
	if (old->type != VG_N_ARR) {
		/* record members are objects or strings, never arrays: an
		 * array here is always the "repeated" form */
		if ((first = vg_node_new(c->a, VG_N_NULL)) == NULL) {
			c->s.oom = 1;
			return;
		}
		*first = *old;
		first->key = VG_STR_NULL;
		first->next = NULL;
		old->type = VG_N_ARR;
		memset(&old->v, 0, sizeof(old->v));
		vg_node_append(old, first);
	}
	vg_node_append(old, n);
}

static const char *
member_name(struct dctx *c, const struct vg_erec *rec, int *unknown)
{
	const char *tn = vg_type_name(rec->type);
	char *s, tmp[32];
	size_t i, len;
	int n;

	*unknown = 0;
	if (tn == NULL) {
		*unknown = 1;
		n = snprintf(tmp, sizeof(tmp), "unknown_%u",
		    (unsigned)rec->type);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return "unknown";
		tn = tmp;
	}
	len = strlen(tn);
	if ((s = vg_arena_alloc(c->a, len + 1)) == NULL) {
		c->s.oom = 1;
		return "unknown";
	}
	for (i = 0; i < len; i++)
		s[i] = tn[i] >= 'A' && tn[i] <= 'Z' ? (char)(tn[i] + 32) :
		    tn[i];
	s[len] = '\0';
	return s;
}

/* ---- records ---- */

static struct vg_node *
new_obj(struct dctx *c)
{
	struct vg_node *o = vg_node_new(c->a, VG_N_OBJ);

	if (o == NULL)
		c->s.oom = 1;
	return o;
}

static void
dec_generic(struct dctx *c, const struct vg_erec *rec)
{
	struct rctx r = { 0 };
	const char *name;
	int unknown;

	if ((r.obj = new_obj(c)) == NULL)
		return;
	name = member_name(c, rec, &unknown);
	if (unknown) {
		CK(c, vg_node_add_uint(c->a, r.obj, VG_STR_LIT("type"),
		    rec->type));
		if (rec->type_name.len > 0)
			CK(c, vg_node_add_str(c->a, r.obj,
			    VG_STR_LIT("type_name"), rec->type_name));
	}
	add_fields(c, &r, rec, NULL, NULL);
	place(c, name, r.obj);
}

static void
dec_syscall(struct dctx *c, const struct vg_erec *rec)
{
	struct rctx r = { 0 };

	if ((r.obj = new_obj(c)) == NULL)
		return;
	r.f.is_syscall = 1;
	add_fields(c, &r, rec, NULL, NULL);
	place(c, "syscall", r.obj);
}

static int
take_execve(void *arg, const struct vg_field *f, int *oom)
{
	return vg_execve_field(arg, f, oom);
}

static void
dec_execve(struct dctx *c)
{
	struct vg_execve *x;
	struct rctx r = { 0 };
	struct vg_node *rest, *tail;
	size_t i, nrest;

	if ((r.obj = new_obj(c)) == NULL ||
	    (x = vg_execve_new(c->a, r.obj)) == NULL) {
		c->s.oom = 1;
		return;
	}
	for (i = 0; i < c->ev->nrecs; i++)
		if (c->ev->recs[i].type == VG_T_EXECVE)
			add_fields(c, &r, &c->ev->recs[i], take_execve, x);
	/* argc and argv go first: detach what the fields added, append it
	 * again after them */
	rest = r.obj->v.c.head;
	tail = r.obj->v.c.tail;
	nrest = r.obj->v.c.n;
	memset(&r.obj->v, 0, sizeof(r.obj->v));
	if (vg_execve_finish(x) == -1)
		c->s.oom = 1;
	if (rest != NULL) {
		if (r.obj->v.c.tail != NULL)
			r.obj->v.c.tail->next = rest;
		else
			r.obj->v.c.head = rest;
		r.obj->v.c.tail = tail;
		r.obj->v.c.n += nrest;
	}
	place(c, "execve", r.obj);
}

struct vg_node *
vg_decode_execve(struct vg_event *ev, struct vg_sink *out)
{
	struct dctx c;
	struct vg_node *k;

	memset(&c, 0, sizeof(c));
	c.s.ops = &tree_ops;
	c.s.a = &ev->arena;
	c.s.arch = out->arch;
	c.s.endian = out->endian;
	c.ev = ev;
	c.a = &ev->arena;
	if ((c.root = vg_node_new(c.a, VG_N_OBJ)) == NULL ||
	    (c.keys = vg_node_new(c.a, VG_N_ARR)) == NULL) {
		out->oom = 1;
		return NULL;
	}
	dec_execve(&c);
	out->errors += c.s.errors;
	if (c.s.oom) {
		out->oom = 1;
		return NULL;
	}
	for (k = c.keys->v.c.head; k != NULL; k = k->next)
		out->ops->rule_key(out, k->v.s);
	return c.root->v.c.head;
}

struct ptctx {
	struct dctx	*c;
	struct vg_node	*argv;
};

static int
take_proctitle(void *arg, const struct vg_field *f, int *oom)
{
	struct ptctx *pt = arg;

	(void)oom;
	if (!vg_str_eq(f->key, "proctitle") || (f->flags & VG_FF_ENRICHED))
		return -1;
	sink_at(pt->c, pt->argv);
	vg_proctitle_args(&pt->c->s, f);
	return 0;
}

static void
dec_proctitle(struct dctx *c, const struct vg_erec *rec)
{
	struct rctx r = { 0 };
	struct ptctx pt;

	if ((r.obj = new_obj(c)) == NULL)
		return;
	pt.c = c;
	if ((pt.argv = vg_node_add(c->a, r.obj, VG_STR_LIT("argv"),
	    VG_N_ARR)) == NULL) {
		c->s.oom = 1;
		return;
	}
	add_fields(c, &r, rec, take_proctitle, &pt);
	place(c, "proctitle", r.obj);
}

static void
dec_cwd(struct dctx *c, const struct vg_erec *rec)
{
	struct rctx r = { 0 };
	struct vg_node *m;

	if ((r.obj = new_obj(c)) == NULL)
		return;
	add_fields(c, &r, rec, NULL, NULL);
	m = r.obj->v.c.head;
	if (m != NULL && m->next == NULL && m->type == VG_N_STR &&
	    vg_str_eq(m->key, "cwd")) {
		place(c, "cwd", m);
		return;
	}
	/* anything more than cwd="...": the whole record, as any other */
	if ((m = vg_node_get(r.obj, "cwd")) != NULL && m->type == VG_N_STR)
		CK(c, vg_node_add_str(c->a, c->root, VG_STR_LIT("cwd"),
		    m->v.s));
	place(c, "cwd_record", r.obj);
}

struct pathent {
	uint64_t	 item;
	struct vg_node	*obj;
};

static void
dec_paths(struct dctx *c, size_t npath)
{
	struct pathent *pe, t;
	struct vg_node *arr, *it;
	struct rctx r;
	size_t i, j, n = 0;

	if ((pe = vg_arena_alloc(c->a, npath * sizeof(*pe))) == NULL ||
	    (arr = vg_node_add(c->a, c->root, VG_STR_LIT("paths"), VG_N_ARR))
	    == NULL) {
		c->s.oom = 1;
		return;
	}
	for (i = 0; i < c->ev->nrecs && n < npath; i++) {
		if (c->ev->recs[i].type != VG_T_PATH)
			continue;
		memset(&r, 0, sizeof(r));
		if ((r.obj = new_obj(c)) == NULL)
			return;
		add_fields(c, &r, &c->ev->recs[i], NULL, NULL);
		it = vg_node_get(r.obj, "item");
		pe[n].item = it != NULL && it->type == VG_N_UINT ? it->v.u :
		    UINT64_MAX;
		pe[n].obj = r.obj;
		/* insertion sort, stable: items nearly always in order */
		for (j = n++; j > 0 && pe[j - 1].item > pe[j].item; j--) {
			t = pe[j];
			pe[j] = pe[j - 1];
			pe[j - 1] = t;
		}
	}
	for (i = 0; i < n; i++)
		vg_node_append(arr, pe[i].obj);
}

struct sactx {
	struct dctx	*c;
	struct vg_node	*obj;
	int		 done;
};

/* The decoded saddr becomes the members of the sockaddr object itself;
 * a saddr that is not hex is kept as text by the generic path. */
static int
take_saddr(void *arg, const struct vg_field *f, int *oom)
{
	struct sactx *sc = arg;
	const unsigned char *raw;
	size_t len;

	(void)oom;
	if (sc->done || !vg_str_eq(f->key, "saddr") || f->kind != VG_V_BARE ||
	    (f->flags & VG_FF_ENRICHED) ||
	    (raw = vg_hex_bytes(&sc->c->s, f->val, &len)) == NULL)
		return -1;
	sc->done = 1;
	sink_at(sc->c, sc->obj);
	vg_decode_sockaddr(&sc->c->s, raw, len);
	return 0;
}

static void
dec_sockaddr(struct dctx *c, const struct vg_erec *rec)
{
	struct rctx r = { 0 };
	struct sactx sc;

	if ((r.obj = new_obj(c)) == NULL)
		return;
	sc.c = c;
	sc.obj = r.obj;
	sc.done = 0;
	add_fields(c, &r, rec, take_saddr, &sc);
	place(c, "sockaddr", r.obj);
}

/* ---- header ---- */

static struct vg_str
fmt_time(struct dctx *c, uint64_t sec, uint32_t msec)
{
	char *s;

	if ((s = vg_arena_alloc(c->a, 25)) == NULL) {
		c->s.oom = 1;
		return VG_STR_NULL;
	}
	vg_fmt_time(s, sec, msec);
	s[24] = '\0';
	return vg_str_make(s, 24);
}

static void
add_marks(struct dctx *c)
{
	const struct vg_event *ev = c->ev;
	struct vg_node *v;
	const char *by = NULL;

	if (!(ev->flags & VG_EV_COMPLETE)) {
		if (ev->flags & VG_EV_EVICTED)
			by = "evicted";
		else if (ev->flags & VG_EV_TIMEOUT)
			by = "timeout";
		else
			by = "flush";
	}
	if (by == NULL && !(ev->flags & VG_EV_LATE) && c->s.errors == 0)
		return;
	if ((v = vg_node_new(c->a, VG_N_OBJ)) == NULL) {
		c->s.oom = 1;
		return;
	}
	v->key = VG_STR_LIT("vigil");
	if (by != NULL) {
		CK(c, vg_node_add_bool(c->a, v, VG_STR_LIT("incomplete"), 1));
		CK(c, vg_node_add_str(c->a, v, VG_STR_LIT("closed_by"),
		    vg_str_make(by, strlen(by))));
	}
	if (ev->flags & VG_EV_LATE)
		CK(c, vg_node_add_bool(c->a, v, VG_STR_LIT("late"), 1));
	if (c->s.errors)
		CK(c, vg_node_add_uint(c->a, v, VG_STR_LIT("parse_errors"),
		    c->s.errors));
	/* right after keys, so readers find it without scanning records */
	v->next = c->keys->next;
	c->keys->next = v;
	if (c->root->v.c.tail == c->keys)
		c->root->v.c.tail = v;
	c->root->v.c.n++;
}

struct vg_node *
vg_decode_event(struct vg_event *ev, unsigned long *parse_errors)
{
	struct dctx c;
	const struct vg_erec *rec;
	size_t i, npath = 0;
	int have_execve = 0;

	memset(&c, 0, sizeof(c));
	c.s.ops = &tree_ops;
	c.s.a = &ev->arena;
	c.ev = ev;
	c.a = &ev->arena;
	if ((c.root = vg_node_new(c.a, VG_N_OBJ)) == NULL)
		goto oom;
	CK(&c, vg_node_add_uint(c.a, c.root, VG_STR_LIT("serial"),
	    ev->serial));
	CK(&c, vg_node_add_str(c.a, c.root, VG_STR_LIT("time"),
	    fmt_time(&c, ev->sec, ev->msec)));
	if (ev->node.len > 0)
		CK(&c, vg_node_add_str(c.a, c.root, VG_STR_LIT("node"),
		    ev->node));
	CK(&c, c.keys = vg_node_add(c.a, c.root, VG_STR_LIT("keys"),
	    VG_N_ARR));
	if (c.s.oom)
		goto oom;

	/* fixed member order; SYSCALL first also gives the arch */
	for (i = 0; i < ev->nrecs; i++) {
		rec = &ev->recs[i];
		if (rec->type == VG_T_SYSCALL)
			dec_syscall(&c, rec);
		else if (rec->type == VG_T_EXECVE)
			have_execve = 1;
		else if (rec->type == VG_T_PATH)
			npath++;
	}
	if (have_execve)
		dec_execve(&c);
	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_PROCTITLE)
			dec_proctitle(&c, &ev->recs[i]);
	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_CWD)
			dec_cwd(&c, &ev->recs[i]);
	if (npath > 0)
		dec_paths(&c, npath);
	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_SOCKADDR)
			dec_sockaddr(&c, &ev->recs[i]);
	for (i = 0; i < ev->nrecs && !c.s.oom; i++) {
		rec = &ev->recs[i];
		switch (rec->type) {
		case VG_T_SYSCALL: case VG_T_EXECVE: case VG_T_PROCTITLE:
		case VG_T_CWD: case VG_T_PATH: case VG_T_SOCKADDR:
		case VG_T_EOE:
			break;
		default:
			dec_generic(&c, rec);
			break;
		}
	}
	add_marks(&c);
	if (parse_errors != NULL)
		*parse_errors += c.s.errors;
	if (c.s.oom)
		goto oom;
	return c.root;
oom:
	errno = ENOMEM;
	return NULL;
}
