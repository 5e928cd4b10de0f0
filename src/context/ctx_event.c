/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_event.c: the process table fed by the event stream. The SYSCALL
 * record of an event says who acted (pid, ppid, ids, exe, comm) and, for
 * execve, clone/fork and exit, how the table changes; EXECVE records give
 * argv; labels (labels.c) are given on exec and by an event's key, and
 * inherited by children. Reads /proc only for a pid it has no entry for,
 * or to check a start time when an entry and the record disagree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx_priv.h"
#include "vigil/num.h"
#include "vigil/record.h"
#include "vigil/rectype.h"
#include "vigil/tables.h"
#include "vigil/texthash.h"

#define CLONE_THREAD	0x00010000u

/* ---- the SYSCALL record ---- */

struct sysrec {
	int		 arch;		/* enum vg_arch */
	long		 nr;
	int		 success;	/* 1 yes, 0 no, -1 not given */
	int64_t		 exit;
	uint64_t	 a0;
	int32_t		 pid, ppid;	/* -1 not given */
	struct vg_str	 comm, exe, key;
	char		 combuf[CTX_COMM_MAX * 2 + 2];
	char		 exebuf[CTX_EXE_MAX + 1];
	char		 keybuf[256];
};

static int
num(struct vg_str v, int64_t *out)
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
static struct vg_str
text(const struct vg_field *f, char *buf, size_t cap)
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
static int
id_index(struct vg_str k)
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

static void
read_sysrec(struct vg_ctx *c, const struct vg_erec *r, struct sysrec *s)
{
	struct vg_fields it;
	struct vg_field f;
	int64_t v;
	int i;

	memset(s, 0, offsetof(struct sysrec, combuf));
	s->success = -1;
	s->pid = s->ppid = -1;
	s->nr = -1;
	vg_fields_begin(&it, r->body, VG_STR_NULL);
	while (vg_fields_next(&it, &f) == 1) {
		if (f.flags & VG_FF_NESTED)
			continue;
		switch (f.key.len) {
		case 2:
			if (f.key.p[0] == 'a' && f.key.p[1] == '0')
				s->a0 = hexnum(f.val);
			break;
		case 3:
			if (vg_str_eq(f.key, "pid") && num(f.val, &v) == 0 &&
			    v > 0 && v <= INT32_MAX)
				s->pid = (int32_t)v;
			else if (vg_str_eq(f.key, "exe"))
				s->exe = text(&f, s->exebuf,
				    sizeof(s->exebuf));
			else if (vg_str_eq(f.key, "key"))
				s->key = text(&f, s->keybuf,
				    sizeof(s->keybuf));
			break;
		case 4:
			if (vg_str_eq(f.key, "arch"))
				s->arch = vg_arch_from_audit(
				    (uint32_t)hexnum(f.val));
			else if (vg_str_eq(f.key, "ppid") &&
			    num(f.val, &v) == 0 && v >= 0 && v <= INT32_MAX)
				s->ppid = (int32_t)v;
			else if (vg_str_eq(f.key, "exit") &&
			    num(f.val, &v) == 0)
				s->exit = v;
			else if (vg_str_eq(f.key, "comm"))
				s->comm = text(&f, s->combuf,
				    sizeof(s->combuf));
			break;
		case 7:
			if (vg_str_eq(f.key, "syscall") && num(f.val, &v) == 0)
				s->nr = (long)v;
			else if (vg_str_eq(f.key, "success"))
				s->success = vg_str_eq(f.val, "yes");
			break;
		}
		if (f.key.len <= 5 && (i = id_index(f.key)) >= 0 &&
		    num(f.val, &v) == 0 && v >= 0 && v <= UINT32_MAX) {
			c->cur.ids[i] = (uint32_t)v;
			c->cur.idmask |= (uint16_t)(1u << i);
		}
	}
}

/*
 * The SYSCALL records read before. A process repeats its SYSCALL records
 * (the same call with the same arguments, ids and names): what
 * read_sysrec() gave for a text, a function of the text alone, is kept
 * from the text's second sighting and given again for the same text,
 * compared whole. Costs a hash of the text (its first 128 and last 32
 * bytes) per event, a compare on a hit; a hit saves the tokenizer's walk
 * over the record's 25 or so fields. Memory: the slots (430 KiB)
 * and at most SM_SLOTS texts of SM_MAX_TEXT bytes.
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
	unsigned char	 head[offsetof(struct sysrec, combuf)];
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

/* Keeps what read_sysrec() gave for the text in its set (sl: the set's
 * first slot), in the slot empty or used longer ago. */
static void
sm_put(struct vg_ctx *c, struct sm_slot *sl, uint64_t h, struct vg_str text,
    struct sysrec *s, struct vg_str *const str[SM_NSTR])
{
	size_t need = text.len, i;
	char *mem, *q;

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
	sl->tlen = text.len;
	sl->used = ++c->sysmemo->clock;
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

/* read_sysrec() through the memo. */
static void
read_sysrec_memo(struct vg_ctx *c, const struct vg_erec *r, struct sysrec *s)
{
	struct vg_str *const str[SM_NSTR] = { &s->comm, &s->exe, &s->key };
	struct ctx_sysmemo *m = c->sysmemo;
	struct sm_slot *sl;
	uint64_t h;
	size_t i;

	if (m == NULL && r->body.len <= SM_MAX_TEXT &&
	    (m = c->sysmemo = calloc(1, sizeof(*m))) == NULL) {
		read_sysrec(c, r, s);
		return;
	}
	if (r->body.len > SM_MAX_TEXT) {
		read_sysrec(c, r, s);
		return;
	}
	h = vg_text_hash(0, r->body.p, r->body.len);
	sl = &m->s[h % (SM_SLOTS / 2) * 2];
	if (sl->hash != h)
		sl++;
	if (sl->mem != NULL && sl->hash == h && sl->tlen == r->body.len &&
	    memcmp(sl->mem, r->body.p, r->body.len) == 0) {
		sl->used = ++m->clock;
		memcpy(s, sl->head, sizeof(sl->head));
		for (i = 0; i < SM_NSTR; i++)
			if (str[i]->p != NULL)
				str[i]->p = (sl->in_text[i] ? r->body.p :
				    sl->mem) + sl->off[i];
		memcpy(c->cur.ids, sl->ids, sizeof(sl->ids));
		c->cur.idmask = sl->idmask;
		return;
	}
	read_sysrec(c, r, s);
	if (vg_text_seen(m->seen, SM_SEEN / 2, h))
		sm_put(c, &m->s[h % (SM_SLOTS / 2) * 2], h, r->body, s, str);
}

/* argv of the EXECVE records of ev, NUL-separated, bounded. */
static void
exec_argv(const struct vg_event *ev, struct vg_proc *p)
{
	char out[CTX_ARGV_MAX], tmp[CTX_ARGV_MAX];
	struct vg_fields it;
	struct vg_field f;
	struct vg_str t;
	size_t i, o = 0, l;
	int have = 0, cut = 0;
	const char *br;

	for (i = 0; i < ev->nrecs; i++) {
		if (ev->recs[i].type != VG_T_EXECVE)
			continue;
		have = 1;
		vg_fields_begin(&it, ev->recs[i].body, VG_STR_NULL);
		while (vg_fields_next(&it, &f) == 1) {
			if (f.key.len < 2 || f.key.p[0] != 'a' ||
			    f.key.p[1] < '0' || f.key.p[1] > '9' ||
			    memchr(f.key.p, '_', f.key.len) != NULL)
				continue;
			br = memchr(f.key.p, '[', f.key.len);
			/* a chunk of a long argument continues it */
			if (br != NULL && !(br[1] == '0' && br[2] == ']') &&
			    o > 0)
				o--;
			t = text(&f, tmp, sizeof(tmp));
			l = t.len;
			if (o + l + 1 > sizeof(out)) {
				cut = 1;
				l = o + 1 < sizeof(out) ? sizeof(out) - o - 1 :
				    0;
			}
			if (l > 0)
				memcpy(out + o, t.p, l);
			o += l;
			if (o < sizeof(out))
				out[o++] = '\0';
		}
	}
	if (!have)
		return;
	vg_ctx_set_argv(p, out, o);
	if (cut)
		p->argv_cut = 1;
}

static uint64_t
ev_ms(const struct vg_event *ev)
{
	return ev->sec * 1000 + ev->msec;
}

/* Whether p is still the process that the record of pid shows; if it
 * is not, the pid was reused (counted). */
static int
same_process(struct vg_ctx *c, struct vg_proc *p, const struct sysrec *s,
    int kind)
{
	uint64_t start;

	if ((s->ppid < 0 || p->ppid == s->ppid) && (kind == SC_EXECVE ||
	    kind == SC_EXECVEAT || s->exe.p == NULL || p->exe == NULL ||
	    (strlen(p->exe) == s->exe.len && memcmp(p->exe, s->exe.p,
	    s->exe.len) == 0)))
		return 1;
	/* a doubt: reparented (the parent died), an exec not seen, or
	 * another process now has the pid. The start time decides. */
	if ((start = ctx_proc_start(c, p->pid)) != 0 && p->start != 0 &&
	    start != p->start) {
		c->st.reused++;
		return 0;
	}
	if (start == 0 && !(p->flags & P_STREAM) && (p->flags & P_EXITED)) {
		c->st.reused++;
		return 0;
	}
	/* the same process: reparented, or it ran another program */
	if (s->ppid >= 0 && p->ppid != s->ppid) {
		p->ppid = s->ppid;
		p->pstart = 0;
	}
	if (s->exe.p != NULL && kind != SC_EXECVE && kind != SC_EXECVEAT &&
	    (p->exe == NULL || strlen(p->exe) != s->exe.len ||
	    memcmp(p->exe, s->exe.p, s->exe.len) != 0)) {
		(void)ctx_setstr(&p->exe, s->exe.p, s->exe.len, CTX_EXE_MAX);
		free(p->argv);
		p->argv = NULL;
		p->argv_len = 0;
		p->argc = 0;
		ctx_set_script(p);
	}
	ctx_changed(c, p);
	return 1;
}

/* The entry of the acting process, made from the record (and its parent)
 * if /proc has none. */
static struct vg_proc *
acting(struct vg_ctx *c, const struct vg_event *ev, const struct sysrec *s,
    int kind)
{
	struct vg_proc *p, *pa;
	int fresh;

	if ((p = ctx_find(c, s->pid)) != NULL && !same_process(c, p, s, kind))
		p = NULL;
	if (p != NULL && kind != SC_EXECVE && kind != SC_EXECVEAT)
		p->flags &= ~P_FORKED;	/* seen running it: its own now */
	fresh = p == NULL;
	if (p == NULL && (p = ctx_proc_read(c, s->pid)) == NULL) {
		if ((p = ctx_insert(c, s->pid)) == NULL)
			return NULL;
		p->flags = P_STREAM;
		p->ppid = s->ppid >= 0 ? s->ppid : 0;
		if ((pa = ctx_find(c, p->ppid)) != NULL) {
			p->labels = pa->labels;
			if (pa->cg != NULL &&
			    (p->cg = malloc(sizeof(*p->cg))) != NULL)
				*p->cg = *pa->cg;
		}
		(void)ev;
	}
	/* first seen at its execve: what ran before is not known (/proc
	 * and the record show the new program) */
	if (fresh && (kind == SC_EXECVE || kind == SC_EXECVEAT))
		p->flags |= P_FORKED;
	if (p->exe == NULL && s->exe.p != NULL) {
		(void)ctx_setstr(&p->exe, s->exe.p, s->exe.len, CTX_EXE_MAX);
		ctx_changed(c, p);
	}
	if (p->comm == NULL && s->comm.p != NULL) {
		(void)ctx_setstr(&p->comm, s->comm.p, s->comm.len,
		    CTX_COMM_MAX);
		ctx_changed(c, p);
	}
	return p;
}

/* Before an execve replaces the program: a program the pid ran of its own
 * (its execve seen, its own records, or /proc) becomes its "previous"; a
 * child that only inherited its parent's program has none (its parent
 * says). */
static void
keep_previous(struct vg_proc *p)
{
	free(p->prev_exe);
	free(p->prev_comm);
	p->prev_exe = p->prev_comm = NULL;
	p->prev_spawned_by = 0;
	if ((p->flags & P_FORKED) || p->exe == NULL)
		return;
	p->prev_exe = p->exe;
	p->exe = NULL;
	if (p->comm != NULL)
		p->prev_comm = strdup(p->comm);
	p->prev_spawned_by = p->spawned_by;
}

static void
on_exec(struct vg_ctx *c, const struct vg_event *ev, const struct sysrec *s,
    struct vg_proc *p)
{
	keep_previous(p);
	if (s->exe.p != NULL)
		(void)ctx_setstr(&p->exe, s->exe.p, s->exe.len, CTX_EXE_MAX);
	if (s->comm.p != NULL)
		(void)ctx_setstr(&p->comm, s->comm.p, s->comm.len,
		    CTX_COMM_MAX);
	exec_argv(ev, p);
	p->flags |= P_EXEC;
	p->flags &= ~(P_EXITED | P_FORKED);
	p->spawned_by = ev->serial;
	if (p->start == 0)
		p->start = ev_ms(ev);
	/* a runtime moves a child into its container between fork and
	 * exec: the cgroup, and the environment of the new program, are
	 * read again (once per exec) */
	ctx_proc_cgroup(c, p);
	if (c->nenv > 0 && c->o.proc) {
		free(p->env);
		p->env = NULL;
		p->env_len = 0;
		ctx_proc_env(c, p);
	}
	ctx_set_script(p);
	ctx_labels_exec(c, p);
	ctx_changed(c, p);
}

static void
on_fork(struct vg_ctx *c, const struct vg_event *ev, const struct sysrec *s,
    struct vg_proc *p)
{
	struct vg_proc *ch;
	int32_t cpid = (int32_t)s->exit;

	/* a thread is not a process */
	if (s->exit <= 0 || s->exit > INT32_MAX ||
	    (ctx_syscall_kind(c, s->arch, s->nr) == SC_CLONE &&
	    (s->a0 & CLONE_THREAD)))
		return;
	/* the child's own events may have come first (its execve): an
	 * entry of it that says this parent is kept */
	if ((ch = ctx_find(c, cpid)) != NULL && ch->ppid == s->pid &&
	    (ch->flags & (P_EXEC | P_PROC)) && (ch->start == 0 ||
	    ch->start + CTX_START_SLACK >= ev_ms(ev))) {
		ch->pstart = p->start;
		ch->labels |= p->labels;
		if (ch->spawned_by == 0)
			ch->spawned_by = ev->serial;
		ctx_changed(c, ch);
		return;
	}
	if ((ch = ctx_insert(c, cpid)) == NULL)
		return;
	(void)ctx_inherit(ch, p);
	ch->flags = P_STREAM | P_FORKED;
	ch->ppid = s->pid;
	ch->pstart = p->start;
	ch->start = ev_ms(ev);
	ch->spawned_by = ev->serial;
	/* the parent stays the most recent: its child is newer still */
	ctx_touch(c, p);
	ctx_touch(c, ch);
}

/* pid= of a record without SYSCALL (USER_* records of a process). */
static int32_t
record_pid(struct vg_ctx *c, const struct vg_erec *r)
{
	struct vg_fields it;
	struct vg_field f;
	int64_t v;
	int32_t pid = -1;
	int i;

	vg_fields_begin(&it, r->body, VG_STR_NULL);
	while (vg_fields_next(&it, &f) == 1) {
		if (vg_str_eq(f.key, "pid") && pid < 0 && num(f.val, &v) == 0 &&
		    v > 0 && v <= INT32_MAX)
			pid = (int32_t)v;
		else if ((i = id_index(f.key)) >= 0 && num(f.val, &v) == 0 &&
		    v >= 0 && v <= UINT32_MAX &&
		    !(c->cur.idmask & (1u << i))) {
			c->cur.ids[i] = (uint32_t)v;
			c->cur.idmask |= (uint16_t)(1u << i);
		}
	}
	return pid;
}

/* Makes sure the parents of p up to the depth have entries (/proc once);
 * notes their start in each child for the pid reuse check. */
static void
parents(struct vg_ctx *c, struct vg_proc *p)
{
	struct vg_proc *pa;
	unsigned d;

	for (d = 0; d < c->o.depth && p->ppid > 0; d++, p = pa) {
		if ((pa = ctx_find(c, p->ppid)) == NULL &&
		    (pa = ctx_proc_read(c, p->ppid)) == NULL)
			return;
		if (p->pstart == 0 && pa->start != 0 &&
		    (p->start == 0 ||
		    pa->start <= p->start + CTX_START_SLACK)) {
			p->pstart = pa->start;
			ctx_changed(c, p);
		}
		if (p->pstart != 0 && pa->start != 0 && pa->start != p->pstart)
			return;		/* a stranger has the parent's pid */
		ctx_touch(c, pa);
	}
}

void
vg_ctx_event(struct vg_ctx *c, struct vg_event *ev)
{
	const struct vg_erec *sys = NULL;
	struct sysrec s;
	struct vg_proc *p;
	size_t i;
	uint32_t bits;
	int kind;

	ev->ctx = c;
	memset(&c->cur, 0, sizeof(c->cur));
	if (ev->nrecs == 0)
		return;
	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_SYSCALL) {
			sys = &ev->recs[i];
			break;
		}
	ctx_names_check(&c->names, (time_t)ev->sec);
	if (sys == NULL) {
		int32_t pid = record_pid(c, &ev->recs[0]);

		if (pid <= 0)
			return;
		if ((p = ctx_find(c, pid)) == NULL)
			p = ctx_proc_read(c, pid);
		if (p == NULL)
			return;
		ctx_touch(c, p);
		parents(c, p);
		c->cur.proc = p;
		return;
	}
	read_sysrec_memo(c, sys, &s);
	if (s.pid <= 0)
		return;
	kind = ctx_syscall_kind(c, s.arch, s.nr);
	if ((p = acting(c, ev, &s, kind)) == NULL)
		return;
	ctx_touch(c, p);
	if (s.success == 1) {
		switch (kind) {
		case SC_EXECVE:
		case SC_EXECVEAT:
			on_exec(c, ev, &s, p);
			break;
		case SC_CLONE:
		case SC_CLONE3:
		case SC_FORK:
		case SC_VFORK:
			on_fork(c, ev, &s, p);
			break;
		}
	}
	if (kind == SC_EXIT_GROUP || (kind == SC_EXIT && s.success != 1)) {
		p->flags |= P_EXITED;
	}
	if (c->key_labels && s.key.len > 0 &&
	    (bits = ctx_labels_key(c, s.key) & ~p->labels) != 0) {
		p->labels |= bits;
		ctx_changed(c, p);
	}
	parents(c, p);
	c->cur.proc = ctx_find(c, s.pid);
}
