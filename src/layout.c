/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layout.c: the event layout, once (docs/events.md): which record becomes
 * which member, in which order (header; syscall, execve, proctitle, cwd,
 * paths, sockaddr; the other records in arrival order), under which name
 * (repeated types as arrays, NAME_2 for a repeated field, field_ and msg_
 * prefixes), with which decodings (decode_field.c, decode_sockaddr.c,
 * decode_execve.c) and marks. It walks an event and calls a sink
 * (vigil/layout.h); it never builds a tree or text itself, never logs,
 * and never fails on bad record text (kept raw and marked, counted).
 * Record parts that depend on their text alone are pasted from the sink's
 * memo when the same text comes again (json_memo.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_execve.h"
#include "decode_field.h"
#include "decode_sockaddr.h"
#include "field_memo.h"
#include "json_memo.h"
#include "layout_emit.h"
#include "syscall_head.h"
#include "vigil/rectype.h"
#include "vigil/num.h"
#include "vigil/tables.h"

/* What a record object is, for the fields it takes specially. */
enum rkind { R_GENERIC, R_SYSCALL, R_SOCKADDR, R_PROCTITLE, R_EXECVE,
	R_PATH, R_CWD };

/* Item flags beside VG_FF_*: the item is the record's text, kept raw. */
#define IT_RAW		0x40	/* vigil_raw */
#define IT_RAW_ENR	0x80	/* vigil_raw_enriched */

/*
 * One record object being written. Fields go to the sink as they are
 * read, until one the object cannot have in place yet: a bare word (the
 * "words" array stands where the first word was and holds every word),
 * an enriched field (the "enriched" object likewise), or any field of an
 * object whose first members come from all its fields (PROCTITLE's argv,
 * EXECVE's argc and argv). From there on the fields are collected as
 * items and written at the end, each group where its first item was.
 */
struct rctx {
	enum rkind	 kind;
	struct vg_frec	 f;
	struct vg_execve *x;		/* R_EXECVE */
	int		 saddr_done;	/* R_SOCKADDR: saddr= decoded */
	int		 collect;	/* fields go to items */
	struct vg_field	*items;		/* arena */
	size_t		 nitems, capitems;
	const struct vg_erec *raw;	/* keep this record's text raw */
};

/* A part of a record being remembered for the memo. */
struct mpart {
	int		 which;		/* WHOLE or TAIL */
	uint32_t	 tag;
	uint64_t	 hash;
	const char	*text;
	size_t		 len;
	size_t		 mark;
	unsigned long	 errors0;
	unsigned long	 dropped0;
	unsigned	 nfields;	/* pasted: fields and tokenizer errors */
	unsigned	 tok_errors;	/* of the text */
	int		 holed;		/* text is the key with its port left */
	unsigned	 port;		/* out (port_key()): this port's digits
					 * go in the entry's hole */
};

void	vg_ctx_layout(struct vg_layout *);	/* context/ctx_layout.c */

#define TAG_TAIL	0x40000000u	/* a SYSCALL record from ppid= on */
#define TAG_PORT	0x20000000u	/* a SOCKADDR record, port left out */
#define WHOLE		VG_LAY_WHOLE
#define TAIL		VG_LAY_TAIL

/* ---- the driver's state ---- */

struct vg_layout *
vg_layout_new(void)
{
	struct vg_layout *L = calloc(1, sizeof(*L));

	if (L == NULL)
		return NULL;
	return L;
}

void
vg_layout_free(struct vg_layout *L)
{
	if (L != NULL)
		vg_fmemo_free(L->fmemo);
	free(L);
}

/* ---- small helpers ---- */

static struct vg_str
cstr(const char *s)
{
	return vg_str_make(s, strlen(s));
}

static struct vg_str
prefixed(struct vg_layout *L, const char *pfx, struct vg_str key)
{
	size_t pl = strlen(pfx);
	char *k;

	if ((k = vg_arena_alloc(L->a, pl + key.len + 1)) == NULL) {
		L->oom = 1;
		return key;
	}
	memcpy(k, pfx, pl);
	if (key.len > 0)
		memcpy(k + pl, key.p, key.len);
	k[pl + key.len] = '\0';
	return vg_str_make(k, pl + key.len);
}

/* Member names vigil adds to every record object. */
static inline __attribute__((always_inline)) int
reserved(struct vg_str k)
{
	switch (k.len) {
	case 5:
		return memcmp(k.p, "words", 5) == 0;
	case 8:
		return memcmp(k.p, "enriched", 8) == 0;
	case 9:
		return memcmp(k.p, "vigil_raw", 9) == 0;
	case 18:
		return memcmp(k.p, "vigil_raw_enriched", 18) == 0;
	default:
		return 0;
	}
}

/* The members from here on belong to a new record object (the one just
 * opened), with names of its own. */
static void
names_here(struct vg_layout *L)
{
	L->ndepth = L->depth;
	L->names = &L->rnames;
	vg_names_reset(&L->rnames);
	vg_names_reset(&L->enames);
}

static void
record_open(struct vg_layout *L, struct vg_str key)
{
	lay_open(L, key, VG_N_OBJ);
	names_here(L);
}

static void
record_close(struct vg_layout *L)
{
	L->ndepth = -1;
	lay_close(L);
}

/* ---- the memo ---- */

/* Whether the sink keeps text to paste. */
static int
memo_on(const struct vg_layout *L)
{
	return L->out->memo != NULL && L->op->paste != NULL;
}

static uint32_t
memo_tag(const struct vg_layout *L, uint32_t type, uint32_t tail)
{
	/* the byte order decides sockaddr members */
	return type | (uint32_t)L->endian << 24 | tail;
}

/* Whether a name of e is taken in t: the filters first, then the names
 * whose bit both have. */
static int
clash(const struct vg_names *t, const struct vg_memo_ent *e)
{
	unsigned i, w;
	uint32_t h;

	if (t->big == NULL && !((t->bloom[0] & e->bloom[0]) |
	    (t->bloom[1] & e->bloom[1]) | (t->bloom[2] & e->bloom[2]) |
	    (t->bloom[3] & e->bloom[3])))
		return 0;
	for (i = 0; i < e->nnames; i++) {
		h = e->hashes[i];
		w = VG_NAMES_WORD(h);
		if ((t->big != NULL || (t->bloom[w] & VG_NAMES_BIT(h))) &&
		    vg_names_has_h(t, e->names[i], h))
			return 1;
	}
	return 0;
}

/* The entry's JSON with this port's digits in its hole. */
static void
paste_port(struct vg_layout *L, const struct vg_memo_ent *e, unsigned port)
{
	char d[24];
	size_t n = vg_u64_digits(d, port);

	L->op->paste(L->out, vg_str_make(e->json, e->hole_at));
	L->op->paste(L->out, vg_str_make(d, n));
	L->op->paste(L->out, vg_str_make(e->json + e->hole_at + e->hole_len,
	    e->jlen - e->hole_at - e->hole_len));
}

/*
 * A SOCKADDR record that is saddr= alone, of an inet or inet6 address:
 * an accept()'s or a recvfrom()'s peer differs from the last one in its
 * port only. Its text with the
 * port's four hex digits left out (key, cap bytes) is the memo's key; the
 * JSON is the same but for the port's digits, which memo_end() finds at
 * the end (an inet or inet6 address) or the entry is not kept. Returns
 * the key's length (*port the port), 0 for another text.
 */
#define PORT_HEX	(sizeof("saddr=") - 1 + 4)	/* after the family */

/* AF_INET or AF_INET6 in either byte order: the families with a port
 * (other texts are remembered whole). */
static int
inet_family(const char *h)
{
	char f[4];
	size_t i;

	for (i = 0; i < 4; i++)
		f[i] = (char)(h[i] == 'a' ? 'A' : h[i]);
	return memcmp(f, "0200", 4) == 0 || memcmp(f, "0002", 4) == 0 ||
	    memcmp(f, "0A00", 4) == 0 || memcmp(f, "000A", 4) == 0;
}

static size_t
port_key(const struct vg_erec *rec, char *key, size_t cap, unsigned *port)
{
	const char *p = rec->body.p;
	size_t n = rec->body.len, i;
	unsigned v = 0, d;

	if (n < PORT_HEX + 4 || n - 4 > cap || memcmp(p, "saddr=", 6) != 0 ||
	    !inet_family(p + 6) || memchr(p, ' ', n) != NULL)
		return 0;
	for (i = PORT_HEX; i < PORT_HEX + 4; i++) {
		d = (unsigned char)p[i];
		if (d >= '0' && d <= '9')
			d -= '0';
		else if ((d | 0x20) >= 'a' && (d | 0x20) <= 'f')
			d = (d | 0x20) - 'a' + 10;
		else
			return 0;
		v = v << 4 | d;
	}
	memcpy(key, p, PORT_HEX);
	memcpy(key + PORT_HEX, p + PORT_HEX + 4, n - PORT_HEX - 4);
	*port = v;
	return n - 4;
}

/* Whether json ends with the member "port": port and the object's end:
 * where the digits are, for the hole. */
static int
port_hole(struct vg_memo_ent *e, unsigned port)
{
	static const char mem[] = "\"port\":";
	char d[24];
	size_t n = vg_u64_digits(d, port), m = sizeof(mem) - 1;

	if (e->jlen < m + n + 1 || e->json[e->jlen - 1] != '}' ||
	    memcmp(e->json + e->jlen - 1 - n, d, n) != 0 ||
	    memcmp(e->json + e->jlen - 1 - n - m, mem, m) != 0)
		return 0;
	e->hole_at = e->jlen - 1 - n;
	e->hole_len = n;
	return 1;
}

/*
 * For text remembered, pastes its members and applies what else it gave
 * (rule keys, errors) and returns 1, unless one of its member names is
 * taken already (names: the part goes into an object that has members).
 * Else starts remembering what the text gives and returns 0.
 */
static int
memo_begin(struct vg_layout *L, struct mpart *m, int which, uint32_t tag,
    const char *text, size_t len, unsigned nbefore)
{
	const struct vg_memo_ent *e;
	struct vg_lay_rec *rc = &L->rec[which];
	unsigned i;
	int keep = 0;

	m->which = which;
	e = vg_memo_get(L->out->memo, tag, text, len, &m->hash, &keep);
	if (e != NULL && which == TAIL && (nbefore - 1 + e->nfields >
	    VG_DECODE_MAX_FIELDS || clash(L->names, e)))
		e = NULL;
	if (e != NULL) {
		/* a tail's names are not filed: nothing the record object
		 * gets after them (vigil_raw) can take one */
		if (m->holed && e->hole_len > 0)
			paste_port(L, e, m->port);
		else
			L->op->paste(L->out, vg_str_make(e->json, e->jlen));
		L->out->memo_hits++;
		L->errors += e->errors;
		if (e->sets_arch) {
			L->arch = e->arch;
			L->endian = e->endian;
		}
		m->nfields = e->nfields;
		m->tok_errors = e->tok_errors;
		/* the slot may be reused before the header is out, its
		 * bytes are kept until the next event (vg_memo_event) */
		for (i = 0; i < e->nkeys; i++)
			lay_rule_key(L, e->keys[i]);
		return 1;
	}
	if (!keep || rc->on)
		return 0;
	m->tag = tag;
	m->text = text;
	m->len = len;
	m->mark = L->op->mark(L->out);
	m->errors0 = L->errors;
	m->dropped0 = L->dropped;
	rc->on = 1;
	rc->bad = 0;
	rc->nkeys = 0;
	if (which == TAIL)
		L->rec_nnames = 0;
	return 0;
}

/* Keeps what the remembered text gave, if it gave it by itself alone. */
static void
memo_end(struct vg_layout *L, struct mpart *m, unsigned tok_errors,
    unsigned nfields)
{
	struct vg_lay_rec *rc = &L->rec[m->which];
	struct vg_memo_ent e;
	struct vg_str json;
	uint32_t hashes[VG_LAY_REC_NAMES];
	unsigned i;

	if (!rc->on)
		return;
	rc->on = 0;
	if (rc->bad || L->oom || L->out->oom || L->dropped != m->dropped0 ||
	    (json = L->op->since(L->out, m->mark)).p == NULL)
		return;
	memset(&e, 0, sizeof(e));
	e.json = json.p;
	e.jlen = json.len;
	if (m->which == TAIL) {
		e.names = L->rec_names;
		e.nnames = L->rec_nnames;
	}
	e.hashes = hashes;
	for (i = 0; i < e.nnames; i++) {
		hashes[i] = vg_name_hash(e.names[i].p, e.names[i].len);
		e.bloom[VG_NAMES_WORD(hashes[i])] |= VG_NAMES_BIT(hashes[i]);
	}
	e.errors = L->errors - m->errors0;
	e.tok_errors = tok_errors;
	e.nfields = nfields;
	if (m->which == WHOLE && L->arch_free) {
		e.sets_arch = 1;
		e.arch = L->arch;
		e.endian = L->endian;
	}
	for (i = 0; i < rc->nkeys; i++)
		e.keys[i] = rc->keys[i];
	e.nkeys = rc->nkeys;
	if (m->holed && !port_hole(&e, m->port))
		return;
	vg_memo_put(L->out->memo, m->tag, m->hash, m->text, m->len, &e);
}

/* ---- fields ---- */

/* Fields an object takes before anything else: EXECVE arguments into
 * argv, PROCTITLE's proctitle= into the open argv array. 1 if taken. */
static int
pre_take(struct vg_layout *L, struct rctx *R, const struct vg_field *f)
{
	switch (R->kind) {
	case R_EXECVE:
		return vg_execve_field(R->x, f, &L->oom) == 0;
	case R_PROCTITLE:
		if (!vg_str_eq(f->key, "proctitle") ||
		    (f->flags & VG_FF_ENRICHED))
			return 0;
		vg_proctitle_args(L, f);
		return 1;
	default:
		return 0;
	}
}

/* The member(s) of one field that is neither a word nor enriched. */
static void
field(struct vg_layout *L, struct rctx *R, const struct vg_field *f)
{
	struct vg_str key = f->key;
	const unsigned char *raw;
	size_t len;
	int kind;

	/* SOCKADDR: the first hex saddr= becomes the object's members; a
	 * saddr that is not hex is kept as text below */
	if (R->kind == R_SOCKADDR && !R->saddr_done && f->kind == VG_V_BARE &&
	    vg_str_eq(key, "saddr") &&
	    (raw = vg_hex_bytes(L, f->val, &len)) != NULL) {
		R->saddr_done = 1;
		vg_decode_sockaddr(L, raw, len);
		return;
	}
	kind = vg_field_kind(key.p, key.len);
	/* names from the arch= before it: not the text's alone (unless
	 * the text is the whole of the event's first SYSCALL record) */
	if (kind == VG_FK_ARCH || kind == VG_FK_SYSCALL) {
		L->rec[TAIL].bad = 1;
		if (!L->arch_free)
			L->rec[WHOLE].bad = 1;
	}
	/* a record field must not take the name of a member vigil adds to
	 * every record object (docs/events.md): it is kept as field_NAME */
	if (reserved(key))
		key = prefixed(L, "field_", key);
	/* a field of msg='...' must not shadow one the object has */
	if ((f->flags & VG_FF_NESTED) && vg_names_has(L->names, key)) {
		key = prefixed(L, "msg_", key);
		L->rec[TAIL].bad = 1;
	}
	vg_field_value(L, &R->f, key, kind, f);
}

static void
push(struct vg_layout *L, struct rctx *R, const struct vg_field *f)
{
	struct vg_field *n;
	size_t cap;

	if (R->nitems == R->capitems) {
		cap = R->capitems ? R->capitems * 2 : 16;
		if ((n = vg_arena_alloc(L->a, cap * sizeof(*n))) == NULL) {
			L->oom = 1;
			return;
		}
		if (R->nitems > 0)
			memcpy(n, R->items, R->nitems * sizeof(*n));
		R->items = n;
		R->capitems = cap;
	}
	R->items[R->nitems++] = *f;
}

static void
push_raw(struct vg_layout *L, struct rctx *R, struct vg_str text, int flag)
{
	struct vg_field f;

	memset(&f, 0, sizeof(f));
	f.val = text;
	f.flags = (uint8_t)flag;
	push(L, R, &f);
}

static int
is_word(const struct vg_field *f)
{
	return f->kind == VG_V_NONE &&
	    !(f->flags & (VG_FF_ENRICHED | IT_RAW | IT_RAW_ENR));
}

/* Writes the collected items: groups (words, enriched) where their first
 * item is, with all of theirs. */
static void
flush_items(struct vg_layout *L, struct rctx *R)
{
	const struct vg_field *f, *g;
	size_t i, j;
	int words = 0, enr = 0;

	for (i = 0; i < R->nitems && !L->oom; i++) {
		f = &R->items[i];
		if (f->flags & IT_RAW) {
			lay_str(L, VG_STR_LIT("vigil_raw"), f->val);
		} else if (f->flags & IT_RAW_ENR) {
			lay_str(L, VG_STR_LIT("vigil_raw_enriched"), f->val);
		} else if (f->flags & VG_FF_ENRICHED) {
			/* interpreted by auditd: kept as written, braces
			 * too, in an object of unique names of its own */
			if (enr++)
				continue;
			lay_open(L, VG_STR_LIT("enriched"), VG_N_OBJ);
			L->ndepth = L->depth;
			L->names = &L->enames;
			for (j = i; j < R->nitems; j++) {
				g = &R->items[j];
				if ((g->flags & (VG_FF_ENRICHED | IT_RAW |
				    IT_RAW_ENR)) == VG_FF_ENRICHED)
					lay_str(L, g->key, g->val);
			}
			L->names = &L->rnames;
			L->ndepth = L->depth - 1;
			lay_close(L);
		} else if (f->kind == VG_V_NONE) {
			if (words++)
				continue;
			lay_open(L, VG_STR_LIT("words"), VG_N_ARR);
			for (j = i; j < R->nitems; j++)
				if (is_word(&R->items[j]))
					lay_str(L, VG_STR_NULL,
					    R->items[j].key);
			lay_close(L);
		} else
			field(L, R, f);
	}
	R->nitems = 0;
}

/* The record's text, when the tokenizer stumbled on it. */
static void
write_raw(struct vg_layout *L, const struct vg_erec *rec)
{
	lay_str(L, VG_STR_LIT("vigil_raw"), rec->body);
	if (rec->enriched.len > 0)
		lay_str(L, VG_STR_LIT("vigil_raw_enriched"), rec->enriched);
}

/* The start of a SYSCALL record as the kernel writes it (syscall_head.h)
 * goes to the same value code as the tokenizer's fields would. */
#define NHEAD	VG_SYSHEAD_N

static size_t
syscall_head(struct vg_layout *L, struct rctx *R, struct vg_str body)
{
	struct vg_field f[NHEAD];
	unsigned i;
	size_t n;

	if ((n = vg_syshead_scan(body, f)) == 0)
		return 0;
	for (i = 0; i < NHEAD; i++)
		vg_field_value(L, &R->f, f[i].key, vg_syshead[i].kind, &f[i]);
	L->out->head_hits++;
	return n;
}

/*
 * Reads the fields of rec into the object R, up to VG_DECODE_MAX_FIELDS
 * (the others are counted in ->dropped). A record the tokenizer stumbled
 * on (or that has no field at all) keeps its text in vigil_raw: in R->raw
 * for the caller to write after the items, or as items (EXECVE, whose
 * object takes several records).
 */
static void
walk(struct vg_layout *L, struct rctx *R, const struct vg_erec *rec)
{
	struct vg_fields it;
	struct vg_field f;
	struct mpart m = { .holed = 0 };
	unsigned n = 0, n0 = 0, err0 = 0, extra = 0;
	size_t skip = 0;
	int tail = 0;

	if (R->kind == R_SYSCALL && !R->collect &&
	    (skip = syscall_head(L, R, rec->body)) > 0)
		n = NHEAD;
	vg_fields_begin(&it, vg_str_make(rec->body.p + skip,
	    rec->body.len - skip), rec->enriched);
	while (vg_fields_next(&it, &f) == 1) {
		if (++n > VG_DECODE_MAX_FIELDS) {
			L->dropped++;
			continue;
		}
		/* "(seqno=2)": free text, a word; enriched text is auditd's */
		if ((f.flags & (VG_FF_ODDKEY | VG_FF_ENRICHED)) ==
		    VG_FF_ODDKEY)
			vg_field_word(&f);
		if (pre_take(L, R, &f))
			continue;
		if (!R->collect && (f.kind == VG_V_NONE ||
		    (f.flags & VG_FF_ENRICHED))) {
			R->collect = 1;
			L->rec[TAIL].bad = 1;
		}
		if (R->collect) {
			push(L, R, &f);
			continue;
		}
		/* from ppid= on, a SYSCALL record is the same for every
		 * syscall of a process */
		if (R->kind == R_SYSCALL && !L->rec[TAIL].on && !tail &&
		    L->names->n > 0 && rec->enriched.len == 0 &&
		    f.flags == 0 && vg_str_eq(f.key, "ppid") && memo_on(L)) {
			if (memo_begin(L, &m, TAIL, memo_tag(L, rec->type,
			    TAG_TAIL), f.key.p, (size_t)(rec->body.p +
			    rec->body.len - f.key.p), n) == 1) {
				n += m.nfields - 1;
				extra = m.tok_errors;
				break;
			}
			tail = 1;
			n0 = n;
			err0 = it.errors;
		}
		field(L, R, &f);
	}
	if (tail)
		memo_end(L, &m, it.errors - err0, n - n0 + 1);
	it.errors += extra;
	if (it.errors == 0 && (n > 0 || rec->body.len == 0))
		return;
	L->errors += it.errors ? it.errors : 1;
	if (R->kind == R_EXECVE) {
		push_raw(L, R, rec->body, IT_RAW);
		if (rec->enriched.len > 0)
			push_raw(L, R, rec->enriched, IT_RAW_ENR);
	} else
		R->raw = rec;
}

/* Ends the object's fields: collected items, then the raw text. */
static void
finish(struct vg_layout *L, struct rctx *R)
{
	flush_items(L, R);
	if (R->raw != NULL)
		write_raw(L, R->raw);
}

static void
rctx_init(struct rctx *R, enum rkind kind)
{
	memset(R, 0, sizeof(*R));
	R->kind = kind;
	R->f.is_syscall = kind == R_SYSCALL;
	R->f.arch = VG_ARCH_UNKNOWN;
}

/* ---- records ---- */

/* The member name of a record of another type: its type name in lower
 * case, or unknown_N (*unknown set). Arena memory. */
static struct vg_str
type_member(struct vg_layout *L, uint32_t type, int *unknown)
{
	const char *tn = vg_type_name(type);
	char *s, tmp[32];
	size_t i, len;
	int n;

	*unknown = 0;
	if (tn == NULL) {
		*unknown = 1;
		n = snprintf(tmp, sizeof(tmp), "unknown_%u", (unsigned)type);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return VG_STR_LIT("unknown");
		tn = tmp;
	}
	len = strlen(tn);
	if ((s = vg_arena_alloc(L->a, len + 1)) == NULL) {
		L->oom = 1;
		return VG_STR_LIT("unknown");
	}
	for (i = 0; i < len; i++)
		s[i] = tn[i] >= 'A' && tn[i] <= 'Z' ? (char)(tn[i] + 32) :
		    tn[i];
	s[len] = '\0';
	return vg_str_make(s, len);
}

/* A record with no special member: SYSCALL, PATH, SOCKADDR and the other
 * types; key is VG_STR_NULL for an array element. */
static void
plain_record(struct vg_layout *L, struct vg_str key, enum rkind kind,
    const struct vg_erec *rec)
{
	struct rctx R;

	rctx_init(&R, kind);
	record_open(L, key);
	if (kind == R_GENERIC && vg_type_name(rec->type) == NULL) {
		lay_u64(L, VG_STR_LIT("type"), rec->type);
		if (rec->type_name.len > 0)
			lay_str(L, VG_STR_LIT("type_name"), rec->type_name);
	}
	walk(L, &R, rec);
	finish(L, &R);
	record_close(L);
}

/* {"argv":[...], ...}: every proctitle= field's arguments first. */
static void
proctitle_record(struct vg_layout *L, struct vg_str key,
    const struct vg_erec *rec)
{
	struct rctx R;

	rctx_init(&R, R_PROCTITLE);
	R.collect = 1;
	record_open(L, key);
	lay_open(L, VG_STR_LIT("argv"), VG_N_ARR);
	walk(L, &R, rec);
	lay_close(L);
	finish(L, &R);
	record_close(L);
}

/*
 * A record remembered whole when it is a member of the root: its member,
 * separator and all, depends on its text alone (and the byte order, in
 * the tag). A SYSCALL record is the event's first: its arch names are
 * its own, and the arch and byte order it gives the event are kept with
 * it. Processes repeat their syscalls, arguments and all.
 */
static void
memo_record(struct vg_layout *L, struct vg_str key, enum rkind kind,
    const struct vg_erec *rec)
{
	struct mpart m = { .holed = 0 };
	int memo = memo_on(L) && key.p != NULL && rec->enriched.len == 0 &&
	    !L->rec[WHOLE].on;
	const char *text = rec->body.p;
	size_t len = rec->body.len;
	uint32_t tag = memo_tag(L, rec->type, 0);
	char pk[128];

	L->arch_free = kind == R_SYSCALL;
	if (memo && kind == R_SOCKADDR &&
	    (len = port_key(rec, pk, sizeof(pk), &m.port)) > 0) {
		m.holed = 1;
		text = pk;
		tag |= TAG_PORT;
	} else
		len = rec->body.len;
	if (memo && memo_begin(L, &m, WHOLE, tag, text, len, 0) == 1)
		return;
	if (kind == R_PROCTITLE)
		proctitle_record(L, key, rec);
	else
		plain_record(L, key, kind, rec);
	if (memo)
		memo_end(L, &m, 0, 0);
	L->arch_free = 0;
}

/* Every record of one type in ev->recs[from..] (following next[]), as one
 * member: an object, or an array of them if there are several. */
static void
records(struct vg_layout *L, struct vg_str key, enum rkind kind,
    size_t from, const size_t *next, size_t count)
{
	const struct vg_erec *recs = L->ev->recs;
	struct vg_str k = key;
	size_t i;

	if (count > 1) {
		lay_open(L, key, VG_N_ARR);
		k = VG_STR_NULL;
	}
	for (i = from; i != SIZE_MAX && !L->oom; i = next[i]) {
		if (kind == R_PROCTITLE || kind == R_SOCKADDR ||
		    kind == R_SYSCALL)
			memo_record(L, k, kind, &recs[i]);
		else
			plain_record(L, k, kind, &recs[i]);
	}
	if (count > 1)
		lay_close(L);
}

/* "execve": argc, argv (every EXECVE record's arguments put together),
 * missing, then the other fields of the records. */
static void
execve_member(struct vg_layout *L)
{
	struct rctx R;
	size_t i;

	rctx_init(&R, R_EXECVE);
	R.collect = 1;
	if ((R.x = vg_execve_new(L->a)) == NULL) {
		L->oom = 1;
		return;
	}
	for (i = 0; i < L->ev->nrecs; i++)
		if (L->ev->recs[i].type == VG_T_EXECVE)
			walk(L, &R, &L->ev->recs[i]);
	record_open(L, VG_STR_LIT("execve"));
	vg_execve_finish(R.x, L);
	finish(L, &R);
	record_close(L);
}

/*
 * A CWD record that is cwd= alone gives its text (1 and *v); any other
 * gives 0, and *v the text of its first cwd= if that is a string member
 * (*has set).
 */
static int
cwd_only(struct vg_layout *L, const struct vg_erec *rec, struct vg_str *v,
    int *has)
{
	struct vg_fields it;
	struct vg_field f;
	unsigned n = 0;
	int seen = 0;

	/* the first member named cwd is the first cwd= field's (a later
	 * one is cwd_2, a nested one after it msg_cwd) */
	*has = 0;
	vg_fields_begin(&it, rec->body, rec->enriched);
	while (vg_fields_next(&it, &f) == 1) {
		if (++n > VG_DECODE_MAX_FIELDS || seen ||
		    (f.flags & VG_FF_ENRICHED) || f.kind == VG_V_NONE ||
		    !vg_str_eq(f.key, "cwd"))
			continue;
		seen = 1;
		*has = f.kind != VG_V_NULL;
		if (*has)
			*v = vg_decode_text(L->a, &f, &L->oom);
	}
	return n == 1 && it.errors == 0 && *has;
}

/*
 * "cwd": the text of every CWD record (a string, an array if several);
 * "cwd_record": every CWD record that has more than cwd= (an object, an
 * array if several).
 */
static void
cwd_members(struct vg_layout *L, size_t from, const size_t *next,
    size_t count)
{
	struct vg_str *v;
	uint8_t *whole;
	size_t i, k, nv = 0, nwhole = 0, first = SIZE_MAX, prev = 0, *wnext;
	int has;

	v = vg_arena_alloc(L->a, count * sizeof(*v));
	whole = vg_arena_calloc(L->a, count);
	wnext = vg_arena_alloc(L->a, L->ev->nrecs * sizeof(*wnext));
	if (v == NULL || whole == NULL || wnext == NULL) {
		L->oom = 1;
		return;
	}
	for (i = from, k = 0; i != SIZE_MAX; i = next[i], k++) {
		whole[k] = !cwd_only(L, &L->ev->recs[i], &v[nv], &has);
		nv += has;
	}
	if (nv == 1) {
		lay_str(L, VG_STR_LIT("cwd"), v[0]);
	} else if (nv > 1) {
		lay_open(L, VG_STR_LIT("cwd"), VG_N_ARR);
		for (k = 0; k < nv; k++)
			lay_str(L, VG_STR_NULL, v[k]);
		lay_close(L);
	}
	/* the records that are more than cwd=, chained */
	for (i = from, k = 0; i != SIZE_MAX; i = next[i], k++) {
		if (!whole[k])
			continue;
		wnext[i] = SIZE_MAX;
		if (nwhole++ == 0)
			first = i;
		else
			wnext[prev] = i;
		prev = i;
	}
	if (nwhole > 0)
		records(L, VG_STR_LIT("cwd_record"), R_CWD, first, wnext,
		    nwhole);
}

struct pathent {
	uint64_t	 item;
	size_t		 seq;		/* arrival: keeps the sort stable */
	size_t		 rec;
};

static int
pathent_cmp(const void *x, const void *y)
{
	const struct pathent *a = x, *b = y;

	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* The item= of a PATH record as its member will be: the first item
 * field's number (u64), or UINT64_MAX (no number, no field). */
static uint64_t
path_item(const struct vg_erec *rec)
{
	const char *p = rec->body.p, *end = p + rec->body.len;
	struct vg_fields it;
	struct vg_field f;
	uint64_t u;
	int64_t i;
	unsigned n = 0;

	/* the kernel's: item=N first */
	if (rec->body.len > 5 && memcmp(p, "item=", 5) == 0) {
		for (p += 5, u = 0; p < end && *p >= '0' && *p <= '9' &&
		    u < UINT64_MAX / 10 - 1; p++)
			u = u * 10 + (uint64_t)(*p - '0');
		if (p > rec->body.p + 5 && p - rec->body.p < 24 &&
		    (p == end || *p == ' '))
			return u;
	}
	vg_fields_begin(&it, rec->body, rec->enriched);
	while (vg_fields_next(&it, &f) == 1 && ++n <= VG_DECODE_MAX_FIELDS) {
		if ((f.flags & VG_FF_ENRICHED) || f.kind == VG_V_NONE ||
		    !vg_str_eq(f.key, "item"))
			continue;
		if (f.kind != VG_V_NULL && vg_num_parse(f.val, &u, &i) == 1)
			return u;
		return UINT64_MAX;
	}
	return UINT64_MAX;
}

/* "paths": every PATH record, sorted by item. */
static void
paths_member(struct vg_layout *L, size_t npath)
{
	const struct vg_event *ev = L->ev;
	struct pathent *pe;
	size_t i, n = 0;
	int sorted = 1;

	if ((pe = vg_arena_alloc(L->a, npath * sizeof(*pe))) == NULL) {
		L->oom = 1;
		return;
	}
	for (i = 0; i < ev->nrecs && n < npath; i++) {
		if (ev->recs[i].type != VG_T_PATH)
			continue;
		pe[n].item = path_item(&ev->recs[i]);
		pe[n].seq = n;
		pe[n].rec = i;
		if (n > 0 && pe[n - 1].item > pe[n].item)
			sorted = 0;
		n++;
	}
	/* items nearly always come in order; a forged event's thousands in
	 * reverse must not cost n^2 */
	if (!sorted)
		qsort(pe, n, sizeof(*pe), pathent_cmp);
	lay_open(L, VG_STR_LIT("paths"), VG_N_ARR);
	for (i = 0; i < n && !L->oom; i++)
		plain_record(L, VG_STR_NULL, R_PATH, &ev->recs[pe[i].rec]);
	lay_close(L);
}

/* ---- the event ---- */

/* Which records of which type: next[i] is the next record of recs[i]'s
 * type; first[] and count[] per special type; the other types chained
 * too (ofirst: whether recs[i] is the first of its type; set only if
 * nother > 0). */
struct survey {
	size_t		*next;
	uint8_t		*ofirst;
	size_t		 first[6], count[6];
	size_t		 nother;
};

enum { S_SYSCALL, S_EXECVE, S_PROCTITLE, S_CWD, S_PATH, S_SOCKADDR };

static int
special(uint32_t type)
{
	switch (type) {
	case VG_T_SYSCALL: return S_SYSCALL;
	case VG_T_EXECVE: return S_EXECVE;
	case VG_T_PROCTITLE: return S_PROCTITLE;
	case VG_T_CWD: return S_CWD;
	case VG_T_PATH: return S_PATH;
	case VG_T_SOCKADDR: return S_SOCKADDR;
	default: return -1;
	}
}

/* Type -> last record index, open addressing; n a power of two. */
struct tslot {
	uint32_t	 type;
	uint32_t	 used;
	size_t		 last;
};

/* Up to this many records, the survey's arrays are the caller's (stack). */
#define SURVEY_STACK	16

static int
survey(struct vg_layout *L, struct survey *S, size_t *next, uint8_t *ofirst)
{
	const struct vg_event *ev = L->ev;
	size_t last[6], i, size = 16, h;
	struct tslot *tab = NULL, *t;
	int k;

	/* no memset: its "rep stos" costs more than the stores below */
	S->nother = 0;
	if (ev->nrecs <= SURVEY_STACK) {
		S->next = next;
		S->ofirst = ofirst;
	} else if ((S->next = vg_arena_alloc(L->a, ev->nrecs *
	    sizeof(*S->next))) == NULL ||
	    (S->ofirst = vg_arena_calloc(L->a, ev->nrecs)) == NULL)
		return -1;
	for (k = 0; k < 6; k++) {
		S->first[k] = last[k] = SIZE_MAX;
		S->count[k] = 0;
	}
	for (i = 0; i < ev->nrecs; i++) {
		S->next[i] = SIZE_MAX;
		if (ev->recs[i].type == VG_T_EOE)
			continue;
		if ((k = special(ev->recs[i].type)) >= 0) {
			if (S->count[k]++ == 0)
				S->first[k] = i;
			else
				S->next[last[k]] = i;
			last[k] = i;
			continue;
		}
		if (tab == NULL) {
			if (ev->nrecs <= SURVEY_STACK)
				memset(ofirst, 0, ev->nrecs);
			while (size < 2 * ev->nrecs)
				size *= 2;
			if ((tab = vg_arena_calloc(L->a, size * sizeof(*tab)))
			    == NULL)
				return -1;
		}
		for (h = ev->recs[i].type * 2654435761u & (size - 1);;
		    h = (h + 1) & (size - 1)) {
			t = &tab[h];
			if (!t->used || t->type == ev->recs[i].type)
				break;
		}
		if (t->used)
			S->next[t->last] = i;
		else {
			t->used = 1;
			t->type = ev->recs[i].type;
			S->ofirst[i] = 1;
		}
		t->last = i;
		S->nother++;
	}
	return 0;
}

static size_t
chain_len(const size_t *next, size_t i)
{
	size_t n = 0;

	for (; i != SIZE_MAX; i = next[i])
		n++;
	return n;
}

/* ---- the members of the root ---- */

static void
m_syscall(struct vg_layout *L, const struct survey *S)
{
	records(L, VG_STR_LIT("syscall"), R_SYSCALL, S->first[S_SYSCALL],
	    S->next, S->count[S_SYSCALL]);
}

static void
m_execve(struct vg_layout *L, const struct survey *S)
{
	(void)S;
	execve_member(L);
}

static void
m_proctitle(struct vg_layout *L, const struct survey *S)
{
	records(L, VG_STR_LIT("proctitle"), R_PROCTITLE,
	    S->first[S_PROCTITLE], S->next, S->count[S_PROCTITLE]);
}

static void
m_cwd(struct vg_layout *L, const struct survey *S)
{
	cwd_members(L, S->first[S_CWD], S->next, S->count[S_CWD]);
}

static void
m_paths(struct vg_layout *L, const struct survey *S)
{
	paths_member(L, S->count[S_PATH]);
}

static void
m_sockaddr(struct vg_layout *L, const struct survey *S)
{
	records(L, VG_STR_LIT("sockaddr"), R_SOCKADDR, S->first[S_SOCKADDR],
	    S->next, S->count[S_SOCKADDR]);
}

/*
 * The members of the root made of records, in document order, one entry
 * each: the full layout writes them all, the lookup (vg_layout_member)
 * the one entry that has the name asked for. A new member of the root is
 * one entry here (and its name in docs/events.md). from: the S_* records
 * it is made of (nothing is written without them), or -1: write() is
 * always called and decides. An entry writes the members it names (the
 * CWD records give "cwd" and "cwd_record"). The records of other types
 * follow the entries, under their type names (others()); the header
 * (write_header()) goes in front.
 */
static const struct top {
	struct vg_str	 name, name2;
	int		 from;
	void		(*write)(struct vg_layout *, const struct survey *);
} tops[] = {
	/* first: the arch and byte order of the SYSCALL records are the
	 * event's, for the members after it */
	{ VG_STR_LIT("syscall"), VG_STR_NULL, S_SYSCALL, m_syscall },
	{ VG_STR_LIT("execve"), VG_STR_NULL, S_EXECVE, m_execve },
	{ VG_STR_LIT("proctitle"), VG_STR_NULL, S_PROCTITLE, m_proctitle },
	{ VG_STR_LIT("cwd"), VG_STR_LIT("cwd_record"), S_CWD, m_cwd },
	{ VG_STR_LIT("paths"), VG_STR_NULL, S_PATH, m_paths },
	{ VG_STR_LIT("sockaddr"), VG_STR_NULL, S_SOCKADDR, m_sockaddr },
};
#define NTOPS	(sizeof(tops) / sizeof(tops[0]))

/* The members of the header (write_header()): the event's own, then
 * those the records give. */
static const struct vg_str event_names[] = {
	VG_STR_LIT("serial"), VG_STR_LIT("time"), VG_STR_LIT("node"),
};
static const struct vg_str header_names[] = {
	VG_STR_LIT("keys"), VG_STR_LIT("vigil"),
};
/* The process context's (src/context/ctx_layout.c), after the records. */
static const struct vg_str context_names[] = {
	VG_STR_LIT("host"), VG_STR_LIT("context"),
};

static int
str_same(struct vg_str a, struct vg_str b)
{
	return a.len == b.len && a.p != NULL && b.p != NULL &&
	    memcmp(a.p, b.p, a.len) == 0;
}

int
vg_layout_part(struct vg_str name)
{
	size_t i;

	/* the record parts first: what filters read most (no name is in
	 * two tables, so the order is free) */
	for (i = 0; i < NTOPS; i++)
		if (str_same(name, tops[i].name) ||
		    str_same(name, tops[i].name2))
			return (int)i;
	for (i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (str_same(name, event_names[i]))
			return VG_PART_EVENT;
	for (i = 0; i < sizeof(header_names) / sizeof(header_names[0]); i++)
		if (str_same(name, header_names[i]))
			return VG_PART_HEADER;
	for (i = 0; i < sizeof(context_names) / sizeof(context_names[0]); i++)
		if (str_same(name, context_names[i]))
			return VG_PART_CONTEXT;
	return VG_PART_OTHER;
}

/* Whether name is the member name of records of this type (type_member()
 * without the copy). */
static int
type_is(uint32_t type, struct vg_str name)
{
	const char *tn = vg_type_name(type);
	char tmp[32];
	size_t i;
	int n;

	if (tn == NULL) {
		n = snprintf(tmp, sizeof(tmp), "unknown_%u", (unsigned)type);
		if (n < 0 || (size_t)n >= sizeof(tmp))
			return vg_str_eq(name, "unknown");
		return str_same(name, vg_str_make(tmp, (size_t)n));
	}
	if (strlen(tn) != name.len)
		return 0;
	for (i = 0; i < name.len; i++)
		if ((tn[i] >= 'A' && tn[i] <= 'Z' ? tn[i] + 32 : tn[i]) !=
		    name.p[i])
			return 0;
	return 1;
}

/* The records of the other types, each type as one member in order of
 * its first record; only the type whose member name is only (if not
 * VG_STR_NULL). */
static void
others(struct vg_layout *L, const struct survey *S, struct vg_str only)
{
	const struct vg_event *ev = L->ev;
	struct vg_str name;
	size_t i;
	int unknown;

	for (i = 0; S->nother > 0 && i < ev->nrecs && !L->oom; i++) {
		if (!S->ofirst[i] || (only.p != NULL &&
		    !type_is(ev->recs[i].type, only)))
			continue;
		name = type_member(L, ev->recs[i].type, &unknown);
		records(L, name, R_GENERIC, i, S->next,
		    chain_len(S->next, i));
	}
}

static void
write_records(struct vg_layout *L, const struct survey *S)
{
	size_t i;

	for (i = 0; i < NTOPS && !L->oom; i++)
		if (tops[i].from < 0 || S->count[tops[i].from] > 0)
			tops[i].write(L, S);
	if (S->nother > 0)
		others(L, S, VG_STR_NULL);
}

/*
 * The header's own members: names that are plain text and unique at the
 * root (nothing to file), so the JSON writer copies them without its
 * byte check; the time is written in place, the serial from the last
 * one's digits.
 */
static inline __attribute__((always_inline)) void
head_serial(struct vg_layout *L, struct vg_str k, uint64_t v)
{
	struct vg_buf *b;

	if (L->jw == NULL)
		L->op->u64(L->out, k, v);
	else if (vg_jw_known(L->jw, k, 20) == 0) {
		b = L->jw->b;
		b->len += vg_u64_digits_memo(&L->serial, b->data + b->len, v);
	}
}

static inline __attribute__((always_inline)) int
head_time(struct vg_layout *L, struct vg_str k, uint64_t sec, uint32_t msec)
{
	char *o;

	if (L->jw == NULL) {
		if ((o = vg_arena_alloc(L->a, 24)) == NULL)
			return -1;
		vg_fmt_time(o, sec, msec);
		L->op->plain(L->out, k, vg_str_make(o, 24));
	} else if (vg_jw_known(L->jw, k, 26) == 0) {
		o = L->jw->b->data + L->jw->b->len;
		o[0] = '"';
		vg_fmt_time(o + 1, sec, msec);
		o[25] = '"';
		L->jw->b->len += 26;
	}
	return 0;
}

static inline __attribute__((always_inline)) void
head_open(struct vg_layout *L, struct vg_str k, enum vg_ntype t)
{
	if (L->jw == NULL)
		L->op->open(L->out, k, t);
	else
		jw_open(L->jw, k, t == VG_N_ARR, 1);
	L->depth++;
}

/*
 * What closed an event that is not complete (docs/events.md, Marks).
 * NULL for a late event: it went out as its records arrived, closed by
 * nothing; the rest of its serial went out before, so it is incomplete.
 */
static const char *
closed_by(uint32_t flags)
{
	if (flags & VG_EV_EVICTED)
		return "evicted";
	if (flags & VG_EV_TIMEOUT)
		return "timeout";
	if (flags & VG_EV_FLUSHED)
		return "flush";
	return NULL;
}

/* serial, time, node, keys and the vigil marks, in front of the records. */
static void
write_header(struct vg_layout *L, int records)
{
	const struct vg_event *ev = L->ev;
	int incomplete = !(ev->flags & VG_EV_COMPLETE);
	const char *by = incomplete ? closed_by(ev->flags) : NULL;
	size_t i;

	L->op->front(L->out, 1);
	head_serial(L, VG_STR_LIT("serial"), ev->serial);
	if (head_time(L, VG_STR_LIT("time"), ev->sec, ev->msec) == -1) {
		L->oom = 1;
		return;
	}
	if (ev->node.len > 0)
		lay_str(L, VG_STR_LIT("node"), ev->node);
	if (!records) {
		/* the lookup of the event's own members: nothing else */
		L->op->front(L->out, 0);
		return;
	}
	head_open(L, VG_STR_LIT("keys"), VG_N_ARR);
	for (i = 0; i < L->nkeys; i++)
		lay_str(L, VG_STR_NULL, L->keys[i]);
	lay_close(L);
	if (incomplete || (ev->flags & VG_EV_LATE) || L->errors != 0 ||
	    L->dropped != 0) {
		lay_open(L, VG_STR_LIT("vigil"), VG_N_OBJ);
		if (incomplete)
			lay_bool(L, VG_STR_LIT("incomplete"), 1);
		if (by != NULL)
			lay_plain(L, VG_STR_LIT("closed_by"), cstr(by));
		if (ev->flags & VG_EV_LATE)
			lay_bool(L, VG_STR_LIT("late"), 1);
		if (L->errors)
			lay_u64(L, VG_STR_LIT("parse_errors"), L->errors);
		if (L->dropped)
			lay_u64(L, VG_STR_LIT("fields_dropped"), L->dropped);
		lay_close(L);
	}
	L->op->front(L->out, 0);
}

/* Starts an event: the driver's per-event state. */
static void
start(struct vg_layout *L, struct vg_event *ev, struct vg_sink *out)
{
	L->out = out;
	L->op = out->ops;
	L->jw = out->jw;
	L->ev = ev;
	L->a = &ev->arena;
	L->errors = 0;
	L->dropped = 0;
	L->oom = 0;
	L->arch = VG_ARCH_UNKNOWN;
	L->endian = VG_END_UNKNOWN;
	L->depth = 0;
	L->ndepth = -1;
	L->names = &L->rnames;
	L->rec[WHOLE].on = L->rec[TAIL].on = 0;
	L->arch_free = 0;
	L->keys = L->key_room;
	L->nkeys = 0;
	L->capkeys = VG_LAY_FEW_KEYS;
	vg_names_reset(&L->knames);
	out->oom = 0;
}

int
vg_layout_event(struct vg_layout *L, struct vg_event *ev, struct vg_sink *out,
    struct vg_decode_counts *counts)
{
	struct survey S;
	size_t next[SURVEY_STACK];
	uint8_t ofirst[SURVEY_STACK];

	start(L, ev, out);
	L->op->begin(out, ev);
	if (survey(L, &S, next, ofirst) == -1)
		L->oom = 1;
	else
		write_records(L, &S);
	out->ctx_from = out->ctx_to = 0;
	if (ev->ctx != NULL) {
		/* "host" and "context" (src/context/), after the records */
		if (L->jw != NULL)
			out->ctx_from = L->jw->b->len;
		vg_ctx_layout(L);
		if (L->jw != NULL)
			out->ctx_to = L->jw->b->len;
	}
	write_header(L, 1);
	L->op->end(out);
	if (counts != NULL) {
		counts->parse_errors += L->errors;
		counts->fields_dropped += L->dropped;
	}
	if (L->oom || out->oom) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* ---- the lookup: one part of the document ---- */

/* A sink that keeps nothing: the walk a part depends on (the arch of the
 * SYSCALL records, the rule keys and marks of every record) without its
 * output. */
static void
d_begin(struct vg_sink *s, const struct vg_event *ev)
{
	(void)s;
	(void)ev;
}

static void
d_front(struct vg_sink *s, int on)
{
	(void)s;
	(void)on;
}

static void
d_end(struct vg_sink *s)
{
	(void)s;
}

static void
d_str(struct vg_sink *s, struct vg_str k, struct vg_str v)
{
	(void)s;
	(void)k;
	(void)v;
}

static void
d_u64(struct vg_sink *s, struct vg_str k, uint64_t v)
{
	(void)s;
	(void)k;
	(void)v;
}

static void
d_i64(struct vg_sink *s, struct vg_str k, int64_t v)
{
	(void)s;
	(void)k;
	(void)v;
}

static void
d_bool(struct vg_sink *s, struct vg_str k, int v)
{
	(void)s;
	(void)k;
	(void)v;
}

static void
d_null(struct vg_sink *s, struct vg_str k)
{
	(void)s;
	(void)k;
}

static void
d_open(struct vg_sink *s, struct vg_str k, enum vg_ntype t)
{
	(void)s;
	(void)k;
	(void)t;
}

static const struct vg_sink_ops discard_ops = {
	.begin = d_begin,
	.front = d_front,
	.end = d_end,
	.str = d_str,
	.plain = d_str,
	.u64 = d_u64,
	.i64 = d_i64,
	.num = d_str,
	.boolean = d_bool,
	.null = d_null,
	.open = d_open,
	.close = d_end,
};

/* Runs fn over the records with the output thrown away. */
static void
discard(struct vg_layout *L, const struct survey *S,
    void (*fn)(struct vg_layout *, const struct survey *))
{
	struct vg_sink d, *out = L->out;

	memset(&d, 0, sizeof(d));
	d.ops = &discard_ops;
	L->out = &d;
	L->op = &discard_ops;
	L->jw = NULL;
	fn(L, S);
	L->out = out;
	L->op = out->ops;
	L->jw = out->jw;
}

/* Ends a lookup's output: 1, or -1 (errno ENOMEM) if memory ran out. */
static int
lookup_end(struct vg_layout *L, struct vg_sink *out)
{
	L->op->end(out);
	if (L->oom || out->oom) {
		errno = ENOMEM;
		return -1;
	}
	return 1;
}

/*
 * Lays out the part of the document that holds the root member name,
 * alone: begin(), the members of that part, end(). A part is the
 * event's own members (serial, time, node), the header (those, keys and
 * vigil), the process context (host, context), one entry of tops[] (the CWD records' give "cwd"
 * and "cwd_record"), or the records of one other type. What a part
 * depends on is walked first with the output thrown away: the SYSCALL
 * records for the parts after them (the event's arch and byte order),
 * every record for the header (rule keys, marks). So the part is the
 * same as in vg_layout_event(), member for member. Nothing is counted.
 */
int
vg_layout_member(struct vg_layout *L, struct vg_event *ev,
    struct vg_sink *out, struct vg_str name)
{
	struct survey S;
	size_t next[SURVEY_STACK], i;
	uint8_t ofirst[SURVEY_STACK];
	int part = vg_layout_part(name), has = 0;

	start(L, ev, out);
	L->op->begin(out, ev);
	if (part == VG_PART_EVENT) {	/* the event's own: no record read */
		write_header(L, 0);
		goto end;
	}
	if (survey(L, &S, next, ofirst) == -1) {
		L->oom = 1;
		goto end;
	}
	if (part == VG_PART_HEADER) {
		discard(L, &S, write_records);
		write_header(L, 1);
		goto end;
	}
	if (part == VG_PART_CONTEXT) {	/* from the table, not the records */
		if (ev->ctx != NULL)
			vg_ctx_layout(L);
		goto end;
	}
	if (part >= 0)
		has = tops[part].from < 0 || S.count[tops[part].from] > 0;
	else
		for (i = 0; S.nother > 0 && i < ev->nrecs && !has; i++)
			has = S.ofirst[i] && type_is(ev->recs[i].type, name);
	if (!has)
		goto end;
	if ((part < 0 || tops[part].write != m_syscall) &&
	    S.count[S_SYSCALL] > 0)
		discard(L, &S, m_syscall);
	if (part >= 0)
		tops[part].write(L, &S);
	else
		others(L, &S, name);
end:
	return lookup_end(L, out) == -1 ? -1 : 0;
}

/* ---- the lookup of one member of a record object ---- */

/*
 * Whether member name of a record object is, when the object has it, the
 * first field of the record with that key, decoded alone: names a
 * decoder adds beside a field (errno, arch_id, name, nr, syscall_name),
 * the object's own (type, type_name, words, enriched, vigil_raw*), names
 * a rename makes (field_*, msg_*, *_N) are not; nor the fields whose value
 * depends on others (arch, syscall: the arch; saddr: the byte order).
 */
static int
lone_name(struct vg_str n)
{
	static const struct vg_str extra[] = {
		VG_STR_LIT("errno"), VG_STR_LIT("arch_id"), VG_STR_LIT("name"),
		VG_STR_LIT("nr"), VG_STR_LIT("syscall_name"),
		VG_STR_LIT("type"), VG_STR_LIT("type_name"),
	};
	size_t i;
	int kind;

	if (n.len == 0 || reserved(n) || (n.len >= 6 &&
	    memcmp(n.p, "field_", 6) == 0) || (n.len >= 4 &&
	    memcmp(n.p, "msg_", 4) == 0))
		return 0;
	for (i = n.len; i > 0 && n.p[i - 1] >= '0' && n.p[i - 1] <= '9'; i--)
		;
	if (i < n.len && i > 0 && n.p[i - 1] == '_')
		return 0;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		if (str_same(n, extra[i]))
			return 0;
	kind = vg_field_kind(n.p, n.len);
	return kind != VG_FK_ARCH && kind != VG_FK_SYSCALL &&
	    kind != VG_FK_SOCKADDR;
}

/* The record that root member `member` is when that is one record object
 * of the plain kinds (SYSCALL, or one record of a known other type): its
 * index and *kind; SIZE_MAX otherwise. */
static size_t
one_record(const struct vg_event *ev, struct vg_str member, enum rkind *kind)
{
	int part = vg_layout_part(member);
	size_t i, at = SIZE_MAX, n = 0;
	uint32_t t;

	if (part >= 0 && tops[part].write != m_syscall)
		return SIZE_MAX;
	if (part < 0 && part != VG_PART_OTHER)
		return SIZE_MAX;
	for (i = 0; i < ev->nrecs; i++) {
		t = ev->recs[i].type;
		if (part >= 0 ? t != VG_T_SYSCALL : (t == VG_T_EOE ||
		    special(t) >= 0 || vg_type_name(t) == NULL ||
		    !type_is(t, member)))
			continue;
		if (n++ > 0)
			return SIZE_MAX;
		at = i;
	}
	*kind = part >= 0 ? R_SYSCALL : R_GENERIC;
	return at;
}

int
vg_layout_is_record(const struct vg_event *ev, struct vg_str member,
    struct vg_layout_rec *rec)
{
	enum rkind kind;
	size_t at;

	if ((at = one_record(ev, member, &kind)) == SIZE_MAX)
		return 0;
	if (rec != NULL) {
		rec->at = at;
		rec->syscall = kind == R_SYSCALL;
	}
	return 1;
}

/*
 * The first field of rec with key name, as the whole layout reads it: 1,
 * *f and *dkind (the decoder's kind for it), or 0. A function of the
 * record's body, kind and name alone (fields of the enriched part are
 * never taken), which is what lets the memo keep its answer by text.
 */
static int
find_field(const struct vg_erec *rec, enum rkind kind, struct vg_str name,
    struct vg_field *f, int *dkind)
{
	struct vg_fields it;
	struct vg_field hf[NHEAD];
	unsigned n = 0;
	size_t i, skip = 0;

	/* the start of a SYSCALL record as the kernel writes it: the same
	 * fields as the tokenizer's (syscall_head) */
	if (kind == R_SYSCALL && (skip = vg_syshead_scan(rec->body, hf)) > 0) {
		for (i = 0; i < NHEAD && !str_same(hf[i].key, name); i++)
			;
		if (i < NHEAD) {
			*f = hf[i];
			*dkind = vg_syshead[i].kind;
			return 1;
		}
		n = NHEAD;
	}
	*dkind = vg_field_kind(name.p, name.len);
	/* the record's own fields as the kernel writes them: a quick scan */
	switch (vg_fields_find(vg_str_make(rec->body.p + skip,
	    rec->body.len - skip), name, VG_DECODE_MAX_FIELDS - n, f)) {
	case 1:
		return 1;
	case 0:
		return 0;
	}
	vg_fields_begin(&it, vg_str_make(rec->body.p + skip,
	    rec->body.len - skip), rec->enriched);
	while (vg_fields_next(&it, f) == 1 && ++n <= VG_DECODE_MAX_FIELDS) {
		/* words and auditd's enriched text are not members */
		if (f->kind == VG_V_NONE ||
		    (f->flags & (VG_FF_ODDKEY | VG_FF_ENRICHED)) ||
		    !str_same(f->key, name))
			continue;
		return 1;
	}
	return 0;
}

/*
 * The fields of the record are read up to the first with key name; that
 * one alone is decoded, as the whole layout decodes it: nothing before it
 * in the object can take its name (lone_name), so it keeps it. Where the
 * field is in a text seen before comes from the memo (field_memo.h): the
 * processes of a busy host repeat their SYSCALL records byte for byte.
 */
int
vg_layout_field(struct vg_layout *L, struct vg_event *ev, struct vg_sink *out,
    struct vg_str member, const struct vg_layout_rec *rec0, struct vg_str name,
    struct vg_field_known *known)
{
	const struct vg_erec *rec;
	struct vg_field f;
	struct rctx R;
	enum rkind kind;
	uint64_t h = 0;
	size_t i;
	int found, dkind = 0, keep = 0;

	if (known != NULL)
		known->id = 0;
	if (rec0 != NULL && rec0->at < ev->nrecs) {
		i = rec0->at;
		kind = rec0->syscall ? R_SYSCALL : R_GENERIC;
	} else if ((i = one_record(ev, member, &kind)) == SIZE_MAX)
		return 0;
	rec = &ev->recs[i];
	if (L->fmemo == NULL)
		L->fmemo = vg_fmemo_new();	/* without: no memo */
	found = -1;
	if (L->fmemo != NULL) {
		h = vg_fmemo_hash(rec->body, kind, name);
		found = vg_fmemo_get(L->fmemo, h, rec->body, kind, name, &f,
		    &dkind, &keep);
		if (known != NULL && found == 1 &&
		    known->have(known->arg, known->id = vg_fmemo_hit_id(
		    L->fmemo)))
			return 2;
	}
	/* the memo has names that passed lone_name() only */
	if (found == -1) {
		if (!lone_name(name))
			return 0;
		found = find_field(rec, kind, name, &f, &dkind);
		if (keep)
			vg_fmemo_put(L->fmemo, h, rec->body, kind, name, found,
			    &f, dkind);
	}
	start(L, ev, out);
	L->op->begin(out, ev);
	rctx_init(&R, kind);
	if (found == 1)
		vg_field_value(L, &R.f, name, dkind, &f);
	return lookup_end(L, out);
}

int
vg_layout_count(struct vg_layout *L, struct vg_event *ev,
    struct vg_decode_counts *counts)
{
	struct vg_sink d;

	memset(&d, 0, sizeof(d));
	d.ops = &discard_ops;
	return vg_layout_event(L, ev, &d, counts);
}
