/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_sysrec.c: what the context takes from a SYSCALL record (arch,
 * syscall, success, exit, a0, pid, ppid, ids, comm, exe, key), through a
 * memo of the texts read before, so that a process's repeated records are
 * not tokenized again; and the value helpers ctx_event.c shares (numbers,
 * text values, id field names).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_priv.h"
#include "syscall_head.h"
#include "vigil/num.h"
#include "vigil/record.h"
#include "vigil/tables.h"
#include "vigil/texthash.h"


int
ctx_num(struct vg_str v, int64_t *out)
{
	uint64_t u;
	int64_t i;

	switch (vg_num_parse(v, &u, &i)) {
	case 1:
		if (u > INT64_MAX)
			return -1;
		*out = (int64_t)u;
		return 0;
	case 2:
		*out = i;
		return 0;
	default:
		return -1;
	}
}

static uint64_t
hexnum(struct vg_str v)
{
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < v.len && i < 16; i++) {
		char ch = v.p[i];

		x <<= 4;
		if (ch >= '0' && ch <= '9')
			x |= (uint64_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			x |= (uint64_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			x |= (uint64_t)(ch - 'A' + 10);
		else
			return 0;
	}
	return x;
}

/* A text value: quoted as is, bare hex decoded into buf (as much of it as
 * fits: a long argument's chunks are hex of kilobytes). */
struct vg_str
ctx_text(const struct vg_field *f, char *buf, size_t cap)
{
	struct vg_str h = f->val;
	long n;

	if (f->kind == VG_V_BARE && vg_is_hex(f->val)) {
		if (h.len / 2 >= cap)
			h.len = (cap - 1) * 2;
		if ((n = vg_hex_decode(h, buf)) >= 0)
			return vg_str_make(buf, (size_t)n);
	}
	if (f->kind == VG_V_QUOTED || f->kind == VG_V_BARE)
		return f->val;
	return VG_STR_NULL;
}

/* The index in vg_ctx_id_names of an id field name, or -1: called for
 * every field of a SYSCALL record, so by length and letters. */
int
ctx_id_index(struct vg_str k)
{
	const char *p = k.p;

	switch (k.len) {
	case 3:
		if (p[1] == 'i' && p[2] == 'd')
			return p[0] == 'u' ? 0 : p[0] == 'g' ? 5 : -1;
		return -1;
	case 4:
		if (p[2] != 'i' || p[3] != 'd')
			return -1;
		if (p[1] == 'u')
			return p[0] == 'a' ? 1 : p[0] == 'e' ? 2 :
			    p[0] == 's' ? 3 : -1;
		if (p[1] == 'g')
			return p[0] == 'e' ? 6 : p[0] == 's' ? 7 : -1;
		return -1;
	case 5:
		if (p[0] != 'f' || p[1] != 's' || p[3] != 'i' || p[4] != 'd')
			return -1;
		return p[2] == 'u' ? 4 : p[2] == 'g' ? 8 : -1;
	default:
		return -1;
	}
}

/* Reads the fields of a SYSCALL record's text (or of its tail) into s
 * and the ids into c->cur; *heads (if not NULL) counts the fields of the
 * head (arch, syscall, success, exit, a0) it met. */
static void
read_sysrec(struct vg_ctx *c, struct vg_str body, struct ctx_sysrec *s,
    unsigned *heads)
{
	struct vg_fields it;
	struct vg_field f;
	int64_t v;
	unsigned n = 0;
	int i;

	memset(s, 0, offsetof(struct ctx_sysrec, combuf));
	s->success = -1;
	s->pid = s->ppid = -1;
	s->nr = -1;
	vg_fields_begin(&it, body, VG_STR_NULL);
	while (vg_fields_next(&it, &f) == 1) {
		if (f.flags & VG_FF_NESTED)
			continue;
		switch (f.key.len) {
		case 2:
			if (f.key.p[0] == 'a' && f.key.p[1] == '0') {
				s->a0 = hexnum(f.val);
				n++;
			}
			break;
		case 3:
			if (vg_str_eq(f.key, "pid") && ctx_num(f.val, &v) == 0 &&
			    v > 0 && v <= INT32_MAX)
				s->pid = (int32_t)v;
			else if (vg_str_eq(f.key, "exe"))
				s->exe = ctx_text(&f, s->exebuf,
				    sizeof(s->exebuf));
			else if (vg_str_eq(f.key, "key"))
				s->key = ctx_text(&f, s->keybuf,
				    sizeof(s->keybuf));
			break;
		case 4:
			if (vg_str_eq(f.key, "arch")) {
				s->arch = vg_arch_from_audit(
				    (uint32_t)hexnum(f.val));
				n++;
			} else if (vg_str_eq(f.key, "ppid") &&
			    ctx_num(f.val, &v) == 0 && v >= 0 && v <= INT32_MAX)
				s->ppid = (int32_t)v;
			else if (vg_str_eq(f.key, "exit")) {
				if (ctx_num(f.val, &v) == 0)
					s->exit = v;
				n++;
			} else if (vg_str_eq(f.key, "comm"))
				s->comm = ctx_text(&f, s->combuf,
				    sizeof(s->combuf));
			break;
		case 7:
			if (vg_str_eq(f.key, "syscall")) {
				if (ctx_num(f.val, &v) == 0)
					s->nr = (long)v;
				n++;
			} else if (vg_str_eq(f.key, "success")) {
				s->success = vg_str_eq(f.val, "yes");
				n++;
			}
			break;
		}
		if (f.key.len <= 5 && (i = ctx_id_index(f.key)) >= 0 &&
		    ctx_num(f.val, &v) == 0 && v >= 0 && v <= UINT32_MAX) {
			c->cur.ids[i] = (uint32_t)v;
			c->cur.idmask |= (uint16_t)(1u << i);
		}
	}
	if (heads != NULL)
		*heads = n;
}

/*
 * The head of a kernel SYSCALL record (syscall_head.h: arch= .. items=)
 * changes from call to call (return values, pointers); the tail from
 * "ppid=" (ids, comm, exe, key) stays with the process. A head of the
 * kernel's shape is read in place, as the tokenizer reads it; anything
 * else is not a head, and the record is read whole.
 */
struct syshead {
	int		 arch;
	long		 nr;
	int		 success;
	int64_t		 exit;
	uint64_t	 a0;
};

/* Reads the head of body into h as read_sysrec() would; returns the
 * tail, or a NULL string if body does not start with a head and a tail
 * from "ppid=". */
static struct vg_str
read_head(struct vg_str body, struct syshead *h)
{
	struct vg_field f[VG_SYSHEAD_N];
	int64_t x;
	size_t n;

	if ((n = vg_syshead_scan(body, f)) == 0 || body.len - n < 5 ||
	    memcmp(body.p + n, "ppid=", 5) != 0)
		return VG_STR_NULL;
	h->arch = vg_arch_from_audit((uint32_t)hexnum(f[VG_SH_ARCH].val));
	h->nr = ctx_num(f[VG_SH_SYSCALL].val, &x) == 0 ? (long)x : -1;
	h->success = vg_str_eq(f[VG_SH_SUCCESS].val, "yes");
	h->exit = ctx_num(f[VG_SH_EXIT].val, &x) == 0 ? x : 0;
	h->a0 = hexnum(f[VG_SH_A0].val);
	return vg_str_make(body.p + n, body.len - n);
}

static void
head_apply(struct ctx_sysrec *s, const struct syshead *h)
{
	s->arch = h->arch;
	s->nr = h->nr;
	s->success = h->success;
	s->exit = h->exit;
	s->a0 = h->a0;
}

/*
 * The SYSCALL records read before. A process repeats its SYSCALL records
 * (the same call with the same arguments, ids and names), and the tail
 * of them (ids, names, key) while the head changes (return values,
 * pointers): what read_sysrec() gave for a text, a function of the text
 * alone, is kept from the text's second sighting and given again for the
 * same text, compared whole. The whole text is looked up first; if it is
 * not kept, its tail (the head read in place). A tail that names a field
 * of the head again (no kernel writes one) is read with its head, whole,
 * and not kept. Costs a hash of the text (its first 128 and last 32
 * bytes) per event, a compare on a hit; a miss of the whole text costs
 * the head's read and the tail's hash; a hit saves the tokenizer's walk
 * over the record's 25 or so fields. Memory: the slots (430 KiB) and at
 * most SM_SLOTS texts of SM_MAX_TEXT bytes.
 */
#define SM_SLOTS	2048		/* in sets of two (LRU) */
#define SM_SEEN		4096		/* hashes of texts seen once, in
					 * pairs */
#define SM_MAX_TEXT	2048
#define SM_NSTR		3		/* comm, exe, key */

struct sm_slot {
	uint64_t	 hash;
	char		*mem;		/* the text, then the decoded
					 * strings; NULL: empty */
	size_t		 tlen;
	uint64_t	 used;		/* last get or put, for LRU */
	unsigned char	 head[offsetof(struct ctx_sysrec, combuf)];
	uint8_t		 tail;		/* the text is a tail */
	uint8_t		 in_text[SM_NSTR];	/* string in the text, or
						 * after it in mem */
	size_t		 off[SM_NSTR];
	uint32_t	 ids[CTX_NIDS];
	uint16_t	 idmask;
};

struct ctx_sysmemo {
	uint64_t	 clock;
	struct sm_slot	 s[SM_SLOTS];
	uint64_t	 seen[SM_SEEN];
};

void
ctx_sysmemo_free(struct vg_ctx *c)
{
	size_t i;

	if (c->sysmemo == NULL)
		return;
	for (i = 0; i < SM_SLOTS; i++)
		free(c->sysmemo->s[i].mem);
	free(c->sysmemo);
	c->sysmemo = NULL;
}

/* Keeps what read_sysrec() gave for the text (hash h) from its second
 * sighting on, in its set's slot that is empty or used longer ago. */
static void
sm_put(struct vg_ctx *c, uint64_t h, int tail, struct vg_str text,
    struct ctx_sysrec *s, struct vg_str *const str[SM_NSTR])
{
	struct ctx_sysmemo *m = c->sysmemo;
	struct sm_slot *sl = &m->s[h % (SM_SLOTS / 2) * 2];
	size_t need = text.len, i;
	char *mem, *q;

	if (!vg_text_seen(m->seen, SM_SEEN / 2, h))
		return;
	if (sl->mem != NULL && (sl[1].mem == NULL || sl[1].used < sl->used))
		sl++;
	for (i = 0; i < SM_NSTR; i++)
		if (str[i]->p != NULL && (str[i]->p < text.p ||
		    str[i]->p >= text.p + text.len))
			need += str[i]->len;
	if ((mem = malloc(need > 0 ? need : 1)) == NULL)
		return;
	free(sl->mem);
	sl->mem = mem;
	sl->hash = h;
	sl->tail = (uint8_t)tail;
	sl->tlen = text.len;
	sl->used = ++m->clock;
	memcpy(mem, text.p, text.len);
	q = mem + text.len;
	for (i = 0; i < SM_NSTR; i++) {
		sl->in_text[i] = str[i]->p >= text.p &&
		    str[i]->p < text.p + text.len;
		if (str[i]->p == NULL)
			sl->off[i] = 0;
		else if (sl->in_text[i])
			sl->off[i] = (size_t)(str[i]->p - text.p);
		else {
			if (str[i]->len > 0)
				memcpy(q, str[i]->p, str[i]->len);
			sl->off[i] = (size_t)(q - mem);
			q += str[i]->len;
		}
	}
	memcpy(sl->head, s, sizeof(sl->head));
	memcpy(sl->ids, c->cur.ids, sizeof(sl->ids));
	sl->idmask = c->cur.idmask;
}

/* The slot that keeps text (a tail or not) under hash h, or NULL. */
static struct sm_slot *
sm_get(struct ctx_sysmemo *m, uint64_t h, int tail, struct vg_str text)
{
	struct sm_slot *sl = &m->s[h % (SM_SLOTS / 2) * 2];

	if (sl->hash != h)
		sl++;
	if (sl->mem == NULL || sl->hash != h || sl->tail != tail ||
	    sl->tlen != text.len || memcmp(sl->mem, text.p, text.len) != 0)
		return NULL;
	sl->used = ++m->clock;
	return sl;
}

/* What slot sl keeps for text, into s and c->cur. */
static void
sm_give(struct vg_ctx *c, const struct sm_slot *sl, struct vg_str text,
    struct ctx_sysrec *s, struct vg_str *const str[SM_NSTR])
{
	size_t i;

	memcpy(s, sl->head, sizeof(sl->head));
	for (i = 0; i < SM_NSTR; i++)
		if (str[i]->p != NULL)
			str[i]->p = (sl->in_text[i] ? text.p : sl->mem) +
			    sl->off[i];
	memcpy(c->cur.ids, sl->ids, sizeof(sl->ids));
	c->cur.idmask = sl->idmask;
}

/* The record whole: from the tokenizer, kept if seen before (hash h). */
static void
read_whole(struct vg_ctx *c, const struct vg_erec *r, uint64_t h,
    struct ctx_sysrec *s, struct vg_str *const str[SM_NSTR])
{
	c->st.sysrec_reads++;
	c->cur.idmask = 0;
	memset(c->cur.ids, 0, sizeof(c->cur.ids));
	read_sysrec(c, r->body, s, NULL);
	sm_put(c, h, 0, r->body, s, str);
}

void
ctx_read_sysrec_whole(struct vg_ctx *c, const struct vg_erec *r,
    struct ctx_sysrec *s)
{
	read_sysrec(c, r->body, s, NULL);
}

void
ctx_read_sysrec(struct vg_ctx *c, const struct vg_erec *r,
    struct ctx_sysrec *s)
{
	struct vg_str *const str[SM_NSTR] = { &s->comm, &s->exe, &s->key };
	struct ctx_sysmemo *m = c->sysmemo;
	struct syshead hd;
	struct vg_str tail;
	struct sm_slot *sl;
	uint64_t h, ht;
	unsigned heads;

	if (r->body.len > SM_MAX_TEXT || (m == NULL &&
	    (m = c->sysmemo = calloc(1, sizeof(*m))) == NULL)) {
		c->st.sysrec_reads++;
		read_sysrec(c, r->body, s, NULL);
		return;
	}
	h = vg_text_hash(0, r->body.p, r->body.len);
	if ((sl = sm_get(m, h, 0, r->body)) != NULL) {
		sm_give(c, sl, r->body, s, str);
		return;
	}
	if ((tail = read_head(r->body, &hd)).p == NULL) {
		read_whole(c, r, h, s, str);
		return;
	}
	ht = vg_text_hash(1, tail.p, tail.len);
	if ((sl = sm_get(m, ht, 1, tail)) != NULL)
		sm_give(c, sl, tail, s, str);
	else {
		c->st.sysrec_reads++;
		read_sysrec(c, tail, s, &heads);
		if (heads != 0) {
			read_whole(c, r, h, s, str);
			return;
		}
		sm_put(c, ht, 1, tail, s, str);
	}
	head_apply(s, &hd);
	/* the whole text too, when it comes again */
	sm_put(c, h, 0, r->body, s, str);
}
