/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode_execve.c: assembles argv from the EXECVE records of one event:
 * argc=, aN= (quoted or hex), and long arguments split by the kernel into
 * aN_len= plus aN[i]= chunks, possibly across several records. Missing
 * arguments (lost records) become null. Arena memory only; the members
 * go out through the lay_*() helpers (layout_emit.h).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "decode_execve.h"
#include "decode_field.h"

/* Beyond this many argv slots no null placeholders are written for a
 * claimed argc (a corrupt argc must not exhaust the arena). */
#define MAX_PAD		(256 * 1024)
/* Highest argument index accepted (MAX_ARG_STRINGS is larger, but argv
 * that long cannot fit the kernel's ARG_MAX of the stack anyway). */
#define MAX_INDEX	(4 * 1024 * 1024)

struct chunk {
	struct vg_str	 s;
	struct chunk	*next;
};

struct arg {
	struct chunk	*head, *tail;
	size_t		 total;
	int		 present;
};

struct vg_execve {
	struct vg_arena	*a;
	struct arg	*args;
	size_t		 nargs, cap;	/* slots used (max index + 1), size */
	uint64_t	 argc;
	int		 have_argc;
};

struct vg_execve *
vg_execve_new(struct vg_arena *a)
{
	struct vg_execve *x = vg_arena_calloc(a, sizeof(*x));

	if (x != NULL)
		x->a = a;
	return x;
}

/* Decimal digits at p..end into *v; returns the end of the digits or NULL
 * if there are none or the number is too big. */
static const char *
digits(const char *p, const char *end, uint64_t *v)
{
	const char *s = p;

	*v = 0;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return NULL;
		*v = *v * 10 + (uint64_t)(*p - '0');
	}
	return p == s ? NULL : p;
}

static struct arg *
slot(struct vg_execve *x, uint64_t idx)
{
	struct arg *na;
	size_t cap;

	if (idx >= MAX_INDEX)
		return NULL;
	if (idx >= x->cap) {
		cap = x->cap ? x->cap : 16;
		while (cap <= idx)
			cap *= 2;
		if ((na = vg_arena_calloc(x->a, cap * sizeof(*na))) == NULL)
			return NULL;
		if (x->nargs)
			memcpy(na, x->args, x->nargs * sizeof(*na));
		x->args = na;
		x->cap = cap;
	}
	if (idx >= x->nargs)
		x->nargs = (size_t)idx + 1;
	return &x->args[idx];
}

static int
add_chunk(struct vg_execve *x, struct arg *g, struct vg_str s)
{
	struct chunk *c = vg_arena_alloc(x->a, sizeof(*c));

	if (c == NULL)
		return -1;
	c->s = s;
	c->next = NULL;
	if (g->tail != NULL)
		g->tail->next = c;
	else
		g->head = c;
	g->tail = c;
	g->total += s.len;
	g->present = 1;
	return 0;
}

int
vg_execve_field(struct vg_execve *x, const struct vg_field *f, int *oom)
{
	const char *p = f->key.p, *end = f->key.p + f->key.len;
	struct vg_str s;
	struct arg *g;
	uint64_t idx, ci;

	if (f->flags & VG_FF_ENRICHED)
		return -1;
	if (vg_str_eq(f->key, "argc")) {
		if (digits(f->val.p, f->val.p + f->val.len, &x->argc) !=
		    f->val.p + f->val.len)
			return -1;
		x->have_argc = 1;
		return 0;
	}
	if (f->key.len < 2 || p[0] != 'a' ||
	    (p = digits(p + 1, end, &idx)) == NULL)
		return -1;
	if (p == end) {
		/* aN=value: the whole argument */
	} else if (end - p == 4 && memcmp(p, "_len", 4) == 0) {
		/* aN_len=: a hint only; the chunks are what counts */
		return slot(x, idx) == NULL ? -1 : 0;
	} else if (*p == '[' && (p = digits(p + 1, end, &ci)) != NULL &&
	    p + 1 == end && *p == ']') {
		/* aN[i]=chunk, in order */
	} else
		return -1;
	if ((g = slot(x, idx)) == NULL) {
		if (idx >= MAX_INDEX)
			return -1;
		*oom = 1;
		return 0;
	}
	s = vg_decode_text(x->a, f, oom);
	if (f->kind == VG_V_NULL || f->kind == VG_V_UNSET) {
		/* a(null) arg: keep what the record said */
		s = f->val;
	}
	if (add_chunk(x, g, s) == -1)
		*oom = 1;
	return 0;
}

void
vg_execve_finish(struct vg_execve *x, struct vg_layout *L)
{
	struct chunk *c;
	struct arg *g;
	size_t i, n = x->nargs, missing = 0;
	char *buf, *o;
	uint64_t lost;

	/* slots the records never filled (lost records) become null */
	if (x->have_argc && x->argc > n && x->argc <= MAX_PAD)
		n = (size_t)x->argc;
	lay_u64(L, VG_STR_LIT("argc"), x->have_argc ? x->argc : x->nargs);
	lay_open(L, VG_STR_LIT("argv"), VG_N_ARR);
	for (i = 0; i < n && !L->oom; i++) {
		g = i < x->nargs ? &x->args[i] : NULL;
		if (g == NULL || !g->present) {
			missing++;
			lay_null(L, VG_STR_NULL);
			continue;
		}
		if (g->head == g->tail) {
			lay_str(L, VG_STR_NULL, g->head->s);
			continue;
		}
		if ((buf = vg_arena_alloc(x->a, g->total + 1)) == NULL) {
			L->oom = 1;
			break;
		}
		for (o = buf, c = g->head; c != NULL; c = c->next) {
			if (c->s.len)
				memcpy(o, c->s.p, c->s.len);
			o += c->s.len;
		}
		*o = '\0';
		lay_str(L, VG_STR_NULL, vg_str_make(buf, g->total));
	}
	lay_close(L);
	lost = missing;
	if (x->have_argc && x->argc > n)
		lost += x->argc - n;	/* too many to pad: counted only */
	if (lost > 0)
		lay_u64(L, VG_STR_LIT("missing"), lost);
}
