/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_event.c: the process table fed by the event stream. The SYSCALL
 * record of an event says who acted (pid, ppid, ids, exe, comm) and, for
 * execve, clone/fork and exit, how the table changes; EXECVE records give
 * argv; labels (labels.c) are given on exec and by an event's key, and
 * inherited by children. Reads /proc only for a pid it has no entry for,
 * or to check a start time when an entry and the record disagree.
 */
#include <stdlib.h>
#include <string.h>

#include "ctx_priv.h"
#include "vigil/record.h"
#include "vigil/rectype.h"

#define CLONE_THREAD	0x00010000u

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
			t = ctx_text(&f, tmp, sizeof(tmp));
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

/* The program a record shows for p when no execve of it was seen (the
 * table's first sight of it, or a program changed unseen): its exe=
 * labels come with it, as an execve's do. The caller notes the change. */
static void
record_exe(struct vg_ctx *c, struct vg_proc *p, const struct ctx_sysrec *s)
{
	(void)ctx_setstr(&p->exe, s->exe.p, s->exe.len, CTX_EXE_MAX);
	ctx_labels_exec(c, p);
}

/* Whether the record agrees with entry p: the same parent and, unless
 * it is an execve, the same program (the usual case, inline). */
static inline int
agrees(const struct vg_proc *p, const struct ctx_sysrec *s, int kind)
{
	return (s->ppid < 0 || p->ppid == s->ppid) && (kind == SC_EXECVE ||
	    kind == SC_EXECVEAT || s->exe.p == NULL || p->exe == NULL ||
	    (strlen(p->exe) == s->exe.len && memcmp(p->exe, s->exe.p,
	    s->exe.len) == 0));
}

/* Whether p is still the process that the record of pid shows, when
 * they disagree (agrees()); if it is not, the pid was reused (counted). */
static int
same_process(struct vg_ctx *c, struct vg_proc *p, const struct ctx_sysrec *s,
    int kind)
{
	uint64_t start;

	/* a doubt: reparented (the parent died), an exec not seen, or
	 * another process now has the pid. The start time decides. */
	if ((start = ctx_proc_start(c, p->pid)) != 0 && p->start != 0 &&
	    !ctx_same_start(p, start)) {
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
		free(p->argv);
		p->argv = NULL;
		p->argv_len = 0;
		p->argc = 0;
		record_exe(c, p, s);
		ctx_set_script(p);
	}
	ctx_changed(c, p);
	return 1;
}

/* A new entry for child cpid of pa, made by the fork event of serial at
 * start (ms): it inherits pa's program, labels, container, environment.
 * pa is made the most recent first, so that the insertion does not push
 * it out; if a table too small to keep both did, nothing is inherited. */
static struct vg_proc *
child_new(struct vg_ctx *c, int32_t cpid, struct vg_proc *pa, uint64_t start,
    uint64_t serial)
{
	struct vg_proc *ch;
	int32_t ppid = pa->pid;
	uint64_t pstart = pa->start;

	ctx_touch(c, pa);
	if ((ch = ctx_insert(c, cpid)) == NULL)
		return NULL;
	if ((pa = ctx_find(c, ppid)) != NULL)
		(void)ctx_inherit(ch, pa);
	ch->flags = P_STREAM | P_FORKED;
	ch->ppid = ppid;
	ch->pstart = pstart;
	ch->start = start;
	ch->spawned_by = serial;
	return ch;
}

/* Notes a clone3 child of p (struct ctx_pending): no /proc read, and a
 * thread never becomes an entry. */
static void
pending_put(struct vg_ctx *c, int32_t cpid, const struct vg_event *ev,
    const struct vg_proc *p)
{
	struct ctx_pending *q = &c->pend[c->pend_next++ % CTX_PENDING];

	q->pid = cpid;
	q->ppid = p->pid;
	q->pstart = p->start;
	q->start = ev_ms(ev);
	q->serial = ev->serial;
}

/*
 * The entry of a clone3 child at its own first event (s), made from the
 * newest clone3 of its parent that gave its pid, if the parent's entry
 * is still the process that made it and the event is not older than the
 * clone3 (a pid freed and given again since is not that child); else
 * NULL. Every clone3 noted for the pid is taken.
 */
static struct vg_proc *
from_pending(struct vg_ctx *c, const struct vg_event *ev,
    const struct ctx_sysrec *s)
{
	struct ctx_pending *q, *best = NULL, got;
	struct vg_proc *pa;
	size_t i;

	if (s->ppid <= 0)
		return NULL;
	for (i = 0; i < CTX_PENDING; i++) {
		q = &c->pend[i];
		if (q->pid == s->pid && q->ppid == s->ppid &&
		    (best == NULL || q->serial > best->serial))
			best = q;
	}
	if (best == NULL)
		return NULL;
	got = *best;
	/* the pid is this process's now: every clone3 that gave it
	 * before is over */
	for (i = 0; i < CTX_PENDING; i++)
		if (c->pend[i].pid == s->pid)
			c->pend[i].pid = 0;
	if ((pa = ctx_find(c, s->ppid)) == NULL || (got.pstart != 0 &&
	    pa->start != got.pstart) ||
	    ev_ms(ev) + CTX_START_SLACK < got.start)
		return NULL;
	return child_new(c, s->pid, pa, got.start, got.serial);
}

/* The entry of the acting process, made from the record (and its parent)
 * if /proc has none. */
static struct vg_proc *
acting(struct vg_ctx *c, const struct vg_event *ev, const struct ctx_sysrec *s,
    int kind)
{
	struct vg_proc *p, *pa;
	int fresh;

	if ((p = ctx_find(c, s->pid)) != NULL && !agrees(p, s, kind) &&
	    !same_process(c, p, s, kind))
		p = NULL;
	if (p == NULL && (p = from_pending(c, ev, s)) != NULL &&
	    !agrees(p, s, kind) && !same_process(c, p, s, kind))
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
		record_exe(c, p, s);
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
on_exec(struct vg_ctx *c, const struct vg_event *ev, const struct ctx_sysrec *s,
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
on_fork(struct vg_ctx *c, const struct vg_event *ev, const struct ctx_sysrec *s,
    struct vg_proc *p, int kind)
{
	struct vg_proc *ch;
	int32_t cpid = (int32_t)s->exit;

	/* a thread is not a process; nor is a process its own child (a
	 * record that says so is not the kernel's: the new entry would
	 * replace, and free, the parent's) */
	if (s->exit <= 0 || s->exit > INT32_MAX || cpid == s->pid ||
	    (kind == SC_CLONE && (s->a0 & CLONE_THREAD)))
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
	/* clone3's flags are in memory its record does not show (glibc
	 * makes threads with it): the child's entry waits for its own
	 * first event, which a thread never has */
	if (kind == SC_CLONE3) {
		pending_put(c, cpid, ev, p);
		return;
	}
	/* the child the most recent, its parent next (child_new) */
	(void)child_new(c, cpid, p, ev_ms(ev), ev->serial);
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
		if (vg_str_eq(f.key, "pid") && pid < 0 && ctx_num(f.val, &v) == 0 &&
		    v > 0 && v <= INT32_MAX)
			pid = (int32_t)v;
		else if ((i = ctx_id_index(f.key)) >= 0 && ctx_num(f.val, &v) == 0 &&
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
	struct ctx_sysrec s;
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
		/* found again: the parents read may have pushed it out of a
		 * full table (a chain as long as the table) */
		c->cur.proc = ctx_find(c, pid);
		return;
	}
	ctx_read_sysrec(c, sys, &s);
	if (s.pid <= 0)
		return;
	kind = ctx_syscall_kind(c, s.arch, s.nr);
	if ((p = acting(c, ev, &s, kind)) == NULL)
		return;
	ctx_touch(c, p);
	/* before a fork: the child inherits what its own clone's key gives */
	if (c->key_labels && s.key.len > 0 &&
	    (bits = ctx_labels_key(c, s.key) & ~p->labels) != 0) {
		p->labels |= bits;
		ctx_changed(c, p);
	}
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
			on_fork(c, ev, &s, p, kind);
			break;
		}
	}
	if (kind == SC_EXIT_GROUP || (kind == SC_EXIT && s.success != 1)) {
		p->flags |= P_EXITED;
	}
	parents(c, p);
	c->cur.proc = ctx_find(c, s.pid);
}
