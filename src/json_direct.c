/*
 * json_direct.c: event -> JSON line as the fields are read, with no
 * document tree in between. The member values come from the same code as
 * the tree's (decode_field.c, through a sink that writes text); only the
 * record layout of decode.c is done again here, for the shapes kernel
 * syscall events have. Anything else is declined before or while writing
 * (docs in vigil/json_direct.h); check_json_direct compares the two paths
 * on every corpus event.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_direct_priv.h"
#include "vigil/json.h"
#include "vigil/json_direct.h"
#include "vigil/tables.h"

/* ---- member names ---- */

/* 1 for bytes a name may hold to be written between quotes as it is:
 * printable ASCII but '"' and '\\'. */
static const uint8_t plain_byte[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

/* FNV-1a of a name, and in *ok whether it needs no escaping. */
uint32_t
vg_jd_name_hash(struct vg_str key, unsigned *ok)
{
	uint32_t h = 2166136261u;
	size_t k;

	*ok = 1;
	for (k = 0; k < key.len; k++) {
		unsigned char c = (unsigned char)key.p[k];

		*ok &= plain_byte[c];
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/* Files a name in the record object's table; 0, or -1 if it is there
 * already. */
int
vg_jd_tab_put(struct vg_jdirect *j, struct vg_str key, uint32_t h)
{
	struct name *n;
	uint32_t i;

	for (i = h & (TABSZ - 1);; i = (i + 1) & (TABSZ - 1)) {
		n = &j->tab[i];
		if (n->gen != j->gen) {
			n->p = key.p;
			n->len = (uint32_t)key.len;
			n->gen = j->gen;
			return 0;
		}
		if (n->len == key.len && memcmp(n->p, key.p, key.len) == 0)
			return -1;
	}
}

/* Notes a member name of the record object; declines the event for a
 * name it has already, or for too many. */
static inline void
note_name(struct vg_jdirect *j, struct vg_str key, uint32_t h)
{
	if (j->head_mask != 0)
		vg_jd_head_file(j);
	if (++j->nnames > MAXNAMES)
		j->declined = 1;
	if (j->rec.on && j->nnames - j->rec.nnames0 <= MAXNAMES) {
		struct vg_memo_name *m =
		    &j->rec.names[j->nnames - j->rec.nnames0 - 1];

		m->hash = h;
		m->len = (uint32_t)key.len;
		m->p = key.p;
	}
	if (vg_jd_tab_put(j, key, h) == -1)
		j->declined = 1;
}

/*
 * The separator and "key": of a new member of the current container,
 * with room for extra more bytes; 0, or -1 if out of memory. h and ok are
 * vg_jd_name_hash()'s. In a record object the name must not be there
 * already: the tree renames a repeated one (NAME_2), rare enough to be
 * left to it.
 */
int
vg_jd_member(struct vg_jdirect *j, struct vg_str key, uint32_t h,
    unsigned ok, size_t extra)
{
	struct vg_buf *b = j->b;
	char *o;

	if (vg_buf_reserve(b, key.len + extra + 8) == -1)
		return -1;
	o = b->data + b->len;
	if (j->more[j->depth])
		*o++ = ',';
	j->more[j->depth] = 1;
	if (j->arr[j->depth]) {
		b->len = (size_t)(o - b->data);
		return 0;
	}
	if (j->depth == j->check)
		note_name(j, key, h);
	if (ok) {
		*o++ = '"';
		if (key.len > 0)
			memcpy(o, key.p, key.len);
		o += key.len;
		*o++ = '"';
		*o++ = ':';
		b->len = (size_t)(o - b->data);
		return 0;
	}
	b->len = (size_t)(o - b->data);
	vg_json_string(key.p, key.len, b);
	vg_buf_addc(b, ':');
	return vg_buf_reserve(b, extra);
}

static int
member(struct vg_jdirect *j, struct vg_str key, size_t extra)
{
	unsigned ok = 1;
	uint32_t h = 0;

	if (!j->arr[j->depth])
		h = vg_jd_name_hash(key, &ok);
	return vg_jd_member(j, key, h, ok, extra);
}

/* ---- the JSON sink ---- */

static void
j_str(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;

	if (member(j, key, 0) == 0)
		vg_json_string(v.p, v.len, j->b);
}

static void
j_u64(struct vg_sink *s, struct vg_str key, uint64_t v)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;

	if (member(j, key, 0) == 0)
		vg_buf_add_u64(j->b, v);
}

static void
j_i64(struct vg_sink *s, struct vg_str key, int64_t v)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;

	if (member(j, key, 0) == 0)
		vg_buf_add_i64(j->b, v);
}

/* Decimal text that reads back as itself: no sign or '-', no leading
 * zero, few enough digits to fit (u64: 19, i64: 18 after '-'). */
static int
canonical(struct vg_str v)
{
	const char *p = v.p, *end = v.p + v.len;
	size_t max = 19;

	if (p < end && *p == '-') {
		p++;
		max = 18;
		if (p < end && *p == '0')
			return 0;
	}
	if (p == end || (size_t)(end - p) > max ||
	    (*p == '0' && end - p > 1))
		return 0;
	for (; p < end; p++)
		if ((unsigned)(*p - '0') > 9)
			return 0;
	return 1;
}

static void
j_num(struct vg_sink *s, struct vg_str key, struct vg_str v)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;
	int path_item = j->in_path && j->depth == j->check &&
	    vg_str_eq(key, "item");
	uint64_t u;
	int64_t i;

	if (canonical(v)) {
		if (member(j, key, v.len) == 0) {
			memcpy(j->b->data + j->b->len, v.p, v.len);
			j->b->len += v.len;
		}
		if (path_item && v.p[0] != '-' && vg_num_parse(v, &u, &i) == 1)
			j->item = u;
		return;
	}
	switch (vg_num_parse(v, &u, &i)) {
	case 1:
		if (path_item)
			j->item = u;
		j_u64(s, key, u);
		break;
	case 2:
		j_i64(s, key, i);
		break;
	default:
		j_str(s, key, v);
		break;
	}
}

static void
j_bool(struct vg_sink *s, struct vg_str key, int v)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;

	if (member(j, key, 5) == 0)
		vg_buf_add(j->b, v ? "true" : "false", v ? 4 : 5);
}

static void
j_null(struct vg_sink *s, struct vg_str key)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;

	if (member(j, key, 4) == 0)
		vg_buf_add(j->b, "null", 4);
}

static void
j_open(struct vg_sink *s, struct vg_str key, enum vg_ntype t)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;

	if (j->depth + 1 >= MAXDEPTH) {
		j->declined = 1;
		return;
	}
	if (member(j, key, 1) == -1)
		return;
	vg_buf_addc(j->b, t == VG_N_ARR ? '[' : '{');
	j->depth++;
	j->more[j->depth] = 0;
	j->arr[j->depth] = t == VG_N_ARR;
}

static void
j_close(struct vg_sink *s)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;

	if (j->depth == 0)
		return;
	vg_buf_addc(j->b, j->arr[j->depth] ? ']' : '}');
	j->depth--;
}

static void
j_rule_key(struct vg_sink *s, struct vg_str k)
{
	struct vg_jdirect *j = (struct vg_jdirect *)s;
	unsigned i;

	if (j->rec.on) {
		if (j->rec.nkeys == VG_MEMO_KEYS)
			j->rec.bad = 1;
		else
			j->rec.keys[j->rec.nkeys++] = k;
	}
	for (i = 0; i < j->nrkeys; i++)
		if (j->rkeys[i].len == k.len &&
		    memcmp(j->rkeys[i].p, k.p, k.len) == 0)
			return;
	if (j->nrkeys == MAXRKEYS) {
		j->declined = 1;
		return;
	}
	j->rkeys[j->nrkeys++] = k;
}

static const struct vg_sink_ops json_ops = {
	.str = j_str,
	.u64 = j_u64,
	.i64 = j_i64,
	.num = j_num,
	.boolean = j_bool,
	.null = j_null,
	.open = j_open,
	.close = j_close,
	.rule_key = j_rule_key,
};

struct vg_jdirect *
vg_jdirect_new(void)
{
	struct vg_jdirect *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->s.ops = &json_ops;
	vg_buf_init(&j->body);
	if ((j->memo = vg_memo_new()) == NULL) {
		free(j);
		return NULL;
	}
	return j;
}

unsigned long
vg_jdirect_memo_hits(const struct vg_jdirect *j)
{
	return j->memo_hits;
}

unsigned long
vg_jdirect_head_hits(const struct vg_jdirect *j)
{
	return j->head_hits;
}

void
vg_jdirect_free(struct vg_jdirect *j)
{
	if (j == NULL)
		return;
	vg_buf_free(&j->body);
	vg_memo_free(j->memo);
	free(j);
}

/* ---- the memo ---- */

#define TAG_TAIL	0x40000000u	/* a SYSCALL record from ppid= on */

static uint32_t
memo_tag(const struct vg_jdirect *j, uint32_t type, uint32_t tail)
{
	/* the endian decides sockaddr bytes */
	return type | (uint32_t)j->s.endian << 24 | tail;
}

/* Whether a name of e is in the record object already. */
static int
clash(const struct vg_jdirect *j, const struct vg_memo_ent *e)
{
	const struct name *n;
	unsigned k, i;

	if (j->nnames + e->nnames > MAXNAMES)
		return 1;
	/* the SYSCALL start's names are not filed yet (json_syscall.c) */
	if (j->head_mask != 0 && e->head_name)
		return 1;
	for (k = 0; k < e->nnames; k++)
		for (i = e->names[k].hash & (TABSZ - 1);;
		    i = (i + 1) & (TABSZ - 1)) {
			n = &j->tab[i];
			if (n->gen != j->gen)
				break;
			if (n->len == e->names[k].len &&
			    memcmp(n->p, e->names[k].p, n->len) == 0)
				return 1;
		}
	return 0;
}

/*
 * For text seen before, copies its members and returns 0, unless (names)
 * one of its names may be one the record has already. Else starts
 * recording what the text gives and returns 1.
 */
static int
memo_begin(struct vg_jdirect *j, uint32_t tag, const char *text, size_t len,
    int names)
{
	const struct vg_memo_ent *e;
	struct vg_str k;
	uint64_t hash;
	unsigned i;

	e = vg_memo_get(j->memo, tag, text, len, &hash);
	if (e != NULL && (!names || !clash(j, e))) {
		vg_buf_add(j->b, e->json, e->jlen);
		j->memo_hits++;
		j->nnames += e->nnames;
		j->s.errors += e->errors;
		for (i = 0; i < e->nkeys; i++) {
			/* the slot may be reused before the header is out */
			k = vg_node_strdup(j->s.a, e->keys[i].p, e->keys[i].len);
			if (k.p == NULL)
				j->s.oom = 1;
			else
				j_rule_key(&j->s, k);
		}
		return 0;
	}
	memset(&j->rec, 0, sizeof(j->rec));
	j->rec.on = 1;
	j->rec.tag = tag;
	j->rec.hash = hash;
	j->rec.text = text;
	j->rec.len = len;
	j->rec.start = j->b->len;
	j->rec.nnames0 = j->nnames;
	j->rec.errors0 = j->s.errors;
	return 1;
}

/* Keeps what the recorded text gave, if it gave it by itself alone. */
static void
memo_end(struct vg_jdirect *j)
{
	struct vg_memo_ent e;
	unsigned i;

	j->rec.on = 0;
	if (j->rec.bad || j->declined || j->s.oom || j->b->oom)
		return;
	e.json = j->b->data + j->rec.start;
	e.jlen = j->b->len - j->rec.start;
	e.nnames = j->nnames - j->rec.nnames0;
	e.names = j->rec.names;
	e.head_name = 0;
	for (i = 0; i < e.nnames; i++)
		if (vg_jd_head_name(vg_str_make(e.names[i].p, e.names[i].len),
		    e.names[i].hash))
			e.head_name = 1;
	e.errors = j->s.errors - j->rec.errors0;
	memcpy(e.keys, j->rec.keys, sizeof(e.keys));
	e.nkeys = j->rec.nkeys;
	vg_memo_put(j->memo, j->rec.tag, j->rec.hash, j->rec.text,
	    j->rec.len, &e);
}

/* ---- records ---- */

/* A field the tree would not give a plain member for. */
static int
special(const struct vg_field *f)
{
	if (f->flags & (VG_FF_ENRICHED | VG_FF_NESTED | VG_FF_ODDKEY) ||
	    f->kind == VG_V_NONE)
		return 1;
	return vg_str_eq(f->key, "enriched") || vg_str_eq(f->key, "words") ||
	    vg_str_eq(f->key, "vigil_raw") ||
	    vg_str_eq(f->key, "vigil_raw_enriched");
}

/* A new record object: its member names are checked from here. */
static void
begin_record(struct vg_jdirect *j, struct vg_str name)
{
	j_open(&j->s, name, VG_N_OBJ);
	j->check = j->depth;
	j->nnames = 0;
	j->head_mask = 0;
	if (++j->gen == 0) {
		memset(j->tab, 0, sizeof(j->tab));
		j->gen = 1;
	}
}

/* What the tree does with a record the tokenizer stumbled on (keeps its
 * text in vigil_raw): declined. */
static void
end_fields(struct vg_jdirect *j, const struct vg_fields *it, unsigned n,
    const struct vg_erec *rec)
{
	if (it->errors != 0 || (n == 0 && rec->body.len != 0))
		j->declined = 1;
}

/* SYSCALL, PATH, SOCKADDR and other records: every field a member, in
 * order; SOCKADDR's first hex saddr= becomes the members themselves. */
static void
rec_fields(struct vg_jdirect *j, const struct vg_erec *rec, int is_syscall)
{
	struct vg_frec fr = { is_syscall, VG_ARCH_UNKNOWN };
	const char *end = rec->body.p + rec->body.len;
	struct vg_fields it;
	struct vg_field f;
	const unsigned char *raw;
	int saddr_done = rec->type != VG_T_SOCKADDR, kind, tail = 0;
	unsigned n = 0;
	size_t len, head = 0;

	if (is_syscall &&
	    (head = vg_jd_syscall_head(j, &fr, rec->body, &n)) > 0)
		vg_fields_begin(&it, vg_str_make(rec->body.p + head,
		    rec->body.len - head), rec->enriched);
	else
		vg_fields_begin(&it, rec->body, rec->enriched);
	while (!j->declined && vg_fields_next(&it, &f) == 1) {
		n++;
		if (special(&f)) {
			j->declined = 1;
			return;
		}
		/* from ppid= on, a SYSCALL record is the same for every
		 * syscall of a process */
		if (is_syscall && !j->rec.on && j->nnames > 0 &&
		    vg_str_eq(f.key, "ppid")) {
			if (memo_begin(j, memo_tag(j, rec->type, TAG_TAIL),
			    f.key.p, (size_t)(end - f.key.p), 1) == 0)
				break;
			tail = 1;
		}
		if (!saddr_done && f.kind == VG_V_BARE &&
		    vg_str_eq(f.key, "saddr") &&
		    (raw = vg_hex_bytes(&j->s, f.val, &len)) != NULL) {
			saddr_done = 1;
			vg_decode_sockaddr(&j->s, raw, len);
			continue;
		}
		kind = vg_field_kind(f.key.p, f.key.len);
		/* names from the arch= before it: not the text's alone */
		if (kind == VG_FK_ARCH || kind == VG_FK_SYSCALL)
			j->rec.bad = 1;
		vg_field_value(&j->s, &fr, f.key, kind, &f);
	}
	end_fields(j, &it, n, rec);
	if (tail)
		memo_end(j);
}

/* A whole record remembered: its member in the document, separator and
 * all, depends on its text alone (and the endian, in the tag). */
static int
whole_begin(struct vg_jdirect *j, const struct vg_erec *rec)
{
	j->nnames = 0;
	return memo_begin(j, memo_tag(j, rec->type, 0), rec->body.p,
	    rec->body.len, 0);
}

static void
dec_record(struct vg_jdirect *j, const char *name, const struct vg_erec *rec)
{
	int memo = rec->type == VG_T_SOCKADDR;

	if (memo && whole_begin(j, rec) == 0)
		return;
	begin_record(j, vg_str_make(name, strlen(name)));
	rec_fields(j, rec, rec->type == VG_T_SYSCALL);
	j_close(&j->s);
	if (memo)
		memo_end(j);
}

/* {"argv":[...]} when every field is proctitle=. */
static void
dec_proctitle(struct vg_jdirect *j, const struct vg_erec *rec)
{
	struct vg_fields it;
	struct vg_field f;
	unsigned n = 0;

	if (whole_begin(j, rec) == 0)
		return;
	begin_record(j, VG_STR_LIT("proctitle"));
	j_open(&j->s, VG_STR_LIT("argv"), VG_N_ARR);
	vg_fields_begin(&it, rec->body, rec->enriched);
	while (!j->declined && vg_fields_next(&it, &f) == 1) {
		n++;
		if (f.flags != 0 || !vg_str_eq(f.key, "proctitle")) {
			j->declined = 1;
			return;
		}
		vg_proctitle_args(&j->s, &f);
	}
	end_fields(j, &it, n, rec);
	j_close(&j->s);
	j_close(&j->s);
	memo_end(j);
}

/* "cwd":"..." for a record that is just cwd= with a text value. */
static void
dec_cwd(struct vg_jdirect *j, const struct vg_erec *rec)
{
	struct vg_frec fr = { 0, VG_ARCH_UNKNOWN };
	struct vg_fields it;
	struct vg_field f, next;
	int kind;

	vg_fields_begin(&it, rec->body, rec->enriched);
	if (vg_fields_next(&it, &f) != 1 || vg_fields_next(&it, &next) != 0 ||
	    it.errors != 0 || f.flags != 0 || !vg_str_eq(f.key, "cwd") ||
	    f.kind == VG_V_NONE || f.kind == VG_V_NULL) {
		j->declined = 1;
		return;
	}
	kind = vg_field_kind(f.key.p, f.key.len);
	if (kind != VG_FK_ENCODED && kind != VG_FK_STR) {
		j->declined = 1;
		return;
	}
	vg_field_value(&j->s, &fr, f.key, kind, &f);
}

/* "paths":[...] in item order; records out of order are declined (the
 * tree sorts them). */
static void
dec_paths(struct vg_jdirect *j, const struct vg_event *ev)
{
	uint64_t last = 0;
	size_t i;

	j_open(&j->s, VG_STR_LIT("paths"), VG_N_ARR);
	for (i = 0; i < ev->nrecs && !j->declined; i++) {
		if (ev->recs[i].type != VG_T_PATH)
			continue;
		j->in_path = 1;
		j->item = UINT64_MAX;
		begin_record(j, VG_STR_NULL);
		rec_fields(j, &ev->recs[i], 0);
		j_close(&j->s);
		j->in_path = 0;
		if (j->item < last)
			j->declined = 1;
		last = j->item;
	}
	j_close(&j->s);
}

/* The lower-case member name of another record type, or NULL. */
static const char *
generic_name(uint32_t type, char *buf, size_t size)
{
	const char *tn = vg_type_name(type);
	size_t i, len;

	if (tn == NULL || (len = strlen(tn)) >= size)
		return NULL;
	for (i = 0; i < len; i++)
		buf[i] = tn[i] >= 'A' && tn[i] <= 'Z' ? (char)(tn[i] + 32) :
		    tn[i];
	buf[len] = '\0';
	return buf;
}

/*
 * Which records there are; 0 if this writer takes the event. Repeated
 * types become arrays in the tree, EXECVE is assembled across records,
 * enriched input carries auditd's interpretations: all left to the tree.
 */
static int
survey(const struct vg_event *ev, size_t *npath, int *execve)
{
	uint32_t seen[MAXGENERIC];
	unsigned once = 0, ng = 0, k, bit;
	size_t i;

	*npath = 0;
	*execve = 0;
	for (i = 0; i < ev->nrecs; i++) {
		const struct vg_erec *r = &ev->recs[i];

		if (r->enriched.len != 0)
			return -1;
		switch (r->type) {
		case VG_T_EOE:
			continue;
		case VG_T_PATH:
			(*npath)++;
			continue;
		case VG_T_EXECVE:
			*execve = 1;
			continue;
		case VG_T_SYSCALL: bit = 1; break;
		case VG_T_PROCTITLE: bit = 2; break;
		case VG_T_CWD: bit = 4; break;
		case VG_T_SOCKADDR: bit = 8; break;
		default:
			if (vg_type_name(r->type) == NULL)
				return -1;
			for (k = 0; k < ng; k++)
				if (seen[k] == r->type)
					return -1;
			if (ng == MAXGENERIC)
				return -1;
			seen[ng++] = r->type;
			continue;
		}
		if (once & bit)
			return -1;
		once |= bit;
	}
	return 0;
}

/* The execve object is put together by the tree's code (argv across
 * records) and written as the tree would write it. */
static void
dec_execve(struct vg_jdirect *j, struct vg_event *ev)
{
	const struct vg_node *x = vg_decode_execve(ev, &j->s);

	if (x == NULL || member(j, VG_STR_LIT("execve"), 0) == -1)
		return;
	vg_json_write(x, j->b);
	j->b->len--;			/* its '\n' */
}

/* Records in the tree's order: syscall, execve, proctitle, cwd, paths,
 * sockaddr, the others in arrival order. */
static void
write_records(struct vg_jdirect *j, struct vg_event *ev, size_t npath,
    int execve)
{
	static const uint32_t order[] = {
		VG_T_SYSCALL, VG_T_PROCTITLE, VG_T_CWD
	};
	const struct vg_erec *r;
	char name[64];
	const char *gn;
	size_t i, k;

	for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		if (order[k] == VG_T_PROCTITLE && execve && !j->declined)
			dec_execve(j, ev);
		for (i = 0; i < ev->nrecs && !j->declined; i++) {
			r = &ev->recs[i];
			if (r->type != order[k])
				continue;
			if (r->type == VG_T_SYSCALL)
				dec_record(j, "syscall", r);
			else if (r->type == VG_T_PROCTITLE)
				dec_proctitle(j, r);
			else
				dec_cwd(j, r);
		}
	}
	if (npath > 0 && !j->declined)
		dec_paths(j, ev);
	for (i = 0; i < ev->nrecs && !j->declined; i++)
		if (ev->recs[i].type == VG_T_SOCKADDR)
			dec_record(j, "sockaddr", &ev->recs[i]);
	for (i = 0; i < ev->nrecs && !j->declined; i++) {
		r = &ev->recs[i];
		switch (r->type) {
		case VG_T_SYSCALL: case VG_T_PROCTITLE: case VG_T_CWD:
		case VG_T_PATH: case VG_T_SOCKADDR: case VG_T_EOE:
		case VG_T_EXECVE:
			break;
		default:
			if ((gn = generic_name(r->type, name, sizeof(name))) ==
			    NULL)
				j->declined = 1;
			else
				dec_record(j, gn, r);
			break;
		}
	}
}

/* serial, time, node, keys and the vigil marks, as decode.c orders them. */
static void
write_header(struct vg_jdirect *j, const struct vg_event *ev,
    struct vg_buf *b)
{
	const char *by = NULL;
	char tm[24];
	unsigned i;

	vg_buf_add(b, "{\"serial\":", 10);
	vg_buf_add_u64(b, ev->serial);
	vg_buf_add(b, ",\"time\":\"", 9);
	vg_fmt_time(tm, ev->sec, ev->msec);
	vg_buf_add(b, tm, sizeof(tm));
	vg_buf_addc(b, '"');
	if (ev->node.len > 0) {
		vg_buf_add(b, ",\"node\":", 8);
		vg_json_string(ev->node.p, ev->node.len, b);
	}
	vg_buf_add(b, ",\"keys\":[", 9);
	for (i = 0; i < j->nrkeys; i++) {
		if (i > 0)
			vg_buf_addc(b, ',');
		vg_json_string(j->rkeys[i].p, j->rkeys[i].len, b);
	}
	vg_buf_addc(b, ']');
	if (!(ev->flags & VG_EV_COMPLETE))
		by = ev->flags & VG_EV_EVICTED ? "evicted" :
		    ev->flags & VG_EV_TIMEOUT ? "timeout" : "flush";
	if (by == NULL && !(ev->flags & VG_EV_LATE) && j->s.errors == 0)
		return;
	vg_buf_add(b, ",\"vigil\":{", 10);
	i = 0;
	if (by != NULL) {
		vg_buf_add(b, "\"incomplete\":true,\"closed_by\":\"", 31);
		vg_buf_adds(b, by);
		vg_buf_addc(b, '"');
		i = 1;
	}
	if (ev->flags & VG_EV_LATE) {
		vg_buf_adds(b, i ? ",\"late\":true" : "\"late\":true");
		i = 1;
	}
	if (j->s.errors) {
		vg_buf_adds(b, i ? ",\"parse_errors\":" : "\"parse_errors\":");
		vg_buf_add_u64(b, j->s.errors);
	}
	vg_buf_addc(b, '}');
}

int
vg_json_direct(struct vg_jdirect *j, struct vg_event *ev, struct vg_buf *out,
    unsigned long *errors)
{
	size_t npath, start = out->len;
	int execve;

	if (survey(ev, &npath, &execve) == -1)
		return 1;
	vg_buf_reset(&j->body);
	j->b = &j->body;
	j->s.a = &ev->arena;
	j->s.errors = 0;
	j->s.oom = 0;
	j->s.arch = VG_ARCH_UNKNOWN;
	j->s.endian = VG_END_UNKNOWN;
	j->depth = 0;
	j->more[0] = 1;		/* every record member follows the header */
	j->arr[0] = 0;
	j->check = -1;
	j->nrkeys = 0;
	j->in_path = 0;
	j->declined = 0;
	j->head_mask = 0;
	j->rec.on = 0;
	write_records(j, ev, npath, execve);
	if (j->declined)
		return 1;
	if (j->s.oom || j->body.oom) {
		errno = ENOMEM;
		return -1;
	}
	write_header(j, ev, out);
	vg_buf_add(out, j->body.data, j->body.len);
	vg_buf_add(out, "}\n", 2);
	if (out->oom) {
		out->len = start;
		errno = ENOMEM;
		return -1;
	}
	if (errors != NULL)
		*errors += j->s.errors;
	return 0;
}
