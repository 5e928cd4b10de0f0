/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lua_pattern.c: a Lua 5.3 pattern matcher (reference manual 6.4.1),
 * written for vigil from the manual, with a step budget so that a
 * backtracking pattern cannot stall the daemon. Never allocates and
 * never longjmps: errors travel back as m->err. Recursion is bounded by
 * VG_LPAT_MAXDEPTH, at the same choice points as Lua's own matcher, so
 * that "pattern too complex" comes where Lua says it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "lua_pattern.h"

typedef const unsigned char *cptr;

static cptr	match(struct vg_lpat *, cptr s, cptr p);

static int
fail(struct vg_lpat *m, enum vg_lpat_err err)
{
	if (m->err == VG_LPAT_OK)
		m->err = err;
	return -1;
}

/* Takes one step; -1 (and EBUDGET) when none is left. */
static inline int
step(struct vg_lpat *m)
{
	if (m->steps == 0)
		return fail(m, VG_LPAT_EBUDGET);
	m->steps--;
	return 0;
}

/* Does byte c belong to class %l (l a letter of the class, or any other
 * byte, which then stands for itself)? Upper case: the complement. The
 * classes are those of the C library's <ctype.h>, as in Lua. */
static int
class_has(int c, int l)
{
#define CLASS(lo, up, test)						\
	case lo: return (test) != 0;					\
	case up: return (test) == 0;
	switch (l) {
	CLASS('a', 'A', isalpha(c))
	CLASS('c', 'C', iscntrl(c))
	CLASS('d', 'D', isdigit(c))
	CLASS('g', 'G', isgraph(c))
	CLASS('l', 'L', islower(c))
	CLASS('p', 'P', ispunct(c))
	CLASS('s', 'S', isspace(c))
	CLASS('u', 'U', isupper(c))
	CLASS('w', 'W', isalnum(c))
	CLASS('x', 'X', isxdigit(c))
	CLASS('z', 'Z', c == 0)		/* still accepted by Lua 5.3 */
	default: return l == c;
	}
#undef CLASS
}

/*
 * Does c belong to the set that opens at p ('[') and closes at close
 * (its ']')? Inside: an optional leading '^' (complement), %x escapes
 * and classes, x-y ranges (the ends taken as raw bytes), single bytes.
 */
static int
set_has(int c, cptr p, cptr close)
{
	int yes = 1;

	p++;
	if (*p == '^') {
		yes = 0;
		p++;
	}
	for (; p < close; p++) {
		if (*p == '%') {
			p++;
			if (class_has(c, *p))
				return yes;
		} else if (p + 2 < close && p[1] == '-') {
			if (p[0] <= c && c <= p[2])
				return yes;
			p += 2;
		} else if (*p == c)
			return yes;
	}
	return !yes;
}

/* The end (one past) of the single-byte class at p < p_end: '%x', a
 * '[set]' or one byte; NULL on a malformed pattern. */
static cptr
class_end(struct vg_lpat *m, cptr p)
{
	switch (*p++) {
	case '%':
		if (p == m->p_end) {
			fail(m, VG_LPAT_EPERCENT);
			return NULL;
		}
		return p + 1;
	case '[':
		if (p < m->p_end && *p == '^')
			p++;
		/* the first byte is a member even if it is ']' */
		do {
			if (p == m->p_end) {
				fail(m, VG_LPAT_EBRACKET);
				return NULL;
			}
			if (*p++ == '%' && p < m->p_end)
				p++;
		} while (p == m->p_end || *p != ']');
		return p + 1;
	default:
		return p;
	}
}

/* Does the byte at s match the class [p, ep)? Never past the subject. */
static inline int
one(const struct vg_lpat *m, cptr s, cptr p, cptr ep)
{
	if (s >= m->s_end)
		return 0;
	switch (*p) {
	case '.':
		return 1;
	case '%':
		return class_has(*s, p[1]);
	case '[':
		return set_has(*s, p, ep - 1);
	default:
		return *p == *s;
	}
}

/* x* or x+ (s past the one x of '+'): the longest run first. */
static cptr
longest(struct vg_lpat *m, cptr s, cptr p, cptr ep)
{
	size_t n = 0;
	cptr r;

	while (one(m, s + n, p, ep)) {
		if (step(m))
			return NULL;
		n++;
	}
	for (;;) {
		if ((r = match(m, s + n, ep + 1)) != NULL || m->err)
			return r;
		if (n-- == 0)
			return NULL;
	}
}

/* x-: the shortest run first. */
static cptr
shortest(struct vg_lpat *m, cptr s, cptr p, cptr ep)
{
	cptr r;

	for (;;) {
		if ((r = match(m, s, ep + 1)) != NULL || m->err)
			return r;
		if (!one(m, s, p, ep))
			return NULL;
		if (step(m))
			return NULL;
		s++;
	}
}

/* (: opens a capture at s (a position capture if pos) and matches the
 * rest from p; the capture is taken back if that fails. */
static cptr
open_capture(struct vg_lpat *m, cptr s, cptr p, int pos)
{
	cptr r;

	if (m->ncap >= VG_LPAT_MAXCAP) {
		fail(m, VG_LPAT_ETOOMANY);
		return NULL;
	}
	m->cap[m->ncap].pos = (size_t)(s - m->s);
	m->cap[m->ncap].len = pos ? VG_LPAT_CAP_POS : VG_LPAT_CAP_OPEN;
	m->ncap++;
	if ((r = match(m, s, p)) == NULL)
		m->ncap--;
	return r;
}

/* ): closes the innermost open capture at s; reopened if the rest fails. */
static cptr
close_capture(struct vg_lpat *m, cptr s, cptr p)
{
	int i;
	cptr r;

	for (i = m->ncap - 1; i >= 0; i--)
		if (m->cap[i].len == VG_LPAT_CAP_OPEN)
			break;
	if (i < 0) {
		fail(m, VG_LPAT_ECAPCLOSE);
		return NULL;
	}
	m->cap[i].len = (ptrdiff_t)(s - m->s) - (ptrdiff_t)m->cap[i].pos;
	if ((r = match(m, s, p)) == NULL)
		m->cap[i].len = VG_LPAT_CAP_OPEN;
	return r;
}

/* %bxy at s (p at x): the end of the balanced run, or NULL. */
static cptr
balanced(struct vg_lpat *m, cptr s, cptr p)
{
	int open = p[0], close = p[1];
	size_t depth = 1;

	if (s >= m->s_end || *s != open)
		return NULL;
	while (++s < m->s_end) {
		if (step(m))
			return NULL;
		/* close first: %bxx pairs each x with the next one */
		if (*s == close) {
			if (--depth == 0)
				return s + 1;
		} else if (*s == open)
			depth++;
	}
	return NULL;
}

/* %N at s: the text of capture N again, or NULL. */
static cptr
backref(struct vg_lpat *m, cptr s, int digit)
{
	int i = digit - '1';
	size_t len;

	if (i < 0 || i >= m->ncap || m->cap[i].len == VG_LPAT_CAP_OPEN) {
		m->err_index = i + 1;
		fail(m, VG_LPAT_ECAPINDEX);
		return NULL;
	}
	if (m->cap[i].len == VG_LPAT_CAP_POS)
		return NULL;	/* a position is no text: never matches */
	len = (size_t)m->cap[i].len;
	if (m->steps < len / 16) {
		fail(m, VG_LPAT_EBUDGET);
		return NULL;
	}
	m->steps -= len / 16;
	if ((size_t)(m->s_end - s) < len ||
	    memcmp(m->s + m->cap[i].pos, s, len) != 0)
		return NULL;
	return s + len;
}

/*
 * Matches pattern [p, p_end) at s: the end of the match, or NULL (no
 * match, or an error in m->err). Items that need no choice loop here;
 * a choice (?, *, +, -, captures) recurses, and only that counts toward
 * VG_LPAT_MAXDEPTH.
 */
static cptr
match_items(struct vg_lpat *m, cptr s, cptr p)
{
	cptr ep, r;
	int q;

	for (;;) {
		if (step(m))
			return NULL;
		if (p == m->p_end)
			return s;
		switch (*p) {
		case '(':
			if (p + 1 < m->p_end && p[1] == ')')
				return open_capture(m, s, p + 2, 1);
			return open_capture(m, s, p + 1, 0);
		case ')':
			return close_capture(m, s, p + 1);
		case '$':
			if (p + 1 == m->p_end)
				return s == m->s_end ? s : NULL;
			break;
		case '%':
			if (p + 1 == m->p_end)
				break;	/* class_end reports it */
			switch (p[1]) {
			case 'b':
				if (p + 3 >= m->p_end) {
					fail(m, VG_LPAT_EBALANCE);
					return NULL;
				}
				if ((s = balanced(m, s, p + 2)) == NULL)
					return NULL;
				p += 4;
				continue;
			case 'f': {
				int prev, cur;

				p += 2;
				if (p == m->p_end || *p != '[') {
					fail(m, VG_LPAT_EFRONTIER);
					return NULL;
				}
				if ((ep = class_end(m, p)) == NULL)
					return NULL;
				prev = s == m->s ? 0 : s[-1];
				cur = s < m->s_end ? *s : 0;
				if (set_has(prev, p, ep - 1) ||
				    !set_has(cur, p, ep - 1))
					return NULL;
				p = ep;
				continue;
			}
			case '0': case '1': case '2': case '3': case '4':
			case '5': case '6': case '7': case '8': case '9':
				if ((s = backref(m, s, p[1])) == NULL)
					return NULL;
				p += 2;
				continue;
			default:
				break;
			}
			break;
		default:
			break;
		}
		/* one class, maybe with a repetition after it */
		if ((ep = class_end(m, p)) == NULL)
			return NULL;
		q = ep < m->p_end ? *ep : 0;
		if (!one(m, s, p, ep)) {
			if (q != '*' && q != '?' && q != '-')
				return NULL;
			p = ep + 1;	/* zero times */
			continue;
		}
		switch (q) {
		case '?':
			if ((r = match(m, s + 1, ep + 1)) != NULL || m->err)
				return r;
			p = ep + 1;
			continue;
		case '+':
			return longest(m, s + 1, p, ep);
		case '*':
			return longest(m, s, p, ep);
		case '-':
			return shortest(m, s, p, ep);
		default:
			s++;
			p = ep;
			continue;
		}
	}
}

static cptr
match(struct vg_lpat *m, cptr s, cptr p)
{
	cptr r;

	if (m->depth >= VG_LPAT_MAXDEPTH) {
		fail(m, VG_LPAT_EDEPTH);
		return NULL;
	}
	m->depth++;
	r = match_items(m, s, p);
	m->depth--;
	return r;
}

/*
 * If every match must start with one byte of a class (the pattern's first
 * item is a class that cannot occur zero times), notes that class in
 * m->first_p/first_ep, and in m->first the byte if the class is one
 * literal byte. Where the class does not match, a match fails on its
 * first item, with no error possible, so vg_lpat_skip() may pass over
 * such places. A malformed first class is left for the match to report.
 */
static void
first_class(struct vg_lpat *m)
{
	cptr p = m->p, ep;
	int q;

	m->first = -1;
	m->first_p = m->first_ep = NULL;
	if (p == m->p_end)
		return;
	switch (*p) {
	case '(': case ')':
		return;
	case '$':
		if (p + 1 == m->p_end)
			return;
		break;
	case '%':
		if (p + 1 < m->p_end && (p[1] == 'b' || p[1] == 'f' ||
		    (p[1] >= '0' && p[1] <= '9')))
			return;
		break;
	default:
		break;
	}
	if ((ep = class_end(m, p)) == NULL) {
		m->err = VG_LPAT_OK;
		return;
	}
	q = ep < m->p_end ? *ep : 0;
	if (q == '*' || q == '?' || q == '-')
		return;
	m->first_p = p;
	m->first_ep = ep;
	if (ep == p + 1 && *p != '.')
		m->first = *p;
}

void
vg_lpat_init(struct vg_lpat *m, const char *s, size_t slen, const char *p,
    size_t plen, uint64_t steps)
{
	memset(m, 0, offsetof(struct vg_lpat, cap));
	m->s = (cptr)s;
	m->s_end = m->s + slen;
	m->p = (cptr)p;
	m->p_end = m->p + plen;
	m->steps = steps;
	first_class(m);
}

int
vg_lpat_exec(struct vg_lpat *m, size_t at, size_t *end)
{
	cptr r;

	m->ncap = 0;
	m->depth = 0;
	m->err = VG_LPAT_OK;
	if (at > (size_t)(m->s_end - m->s))
		return 0;
	r = match(m, m->s + at, m->p);
	if (m->err != VG_LPAT_OK)
		return -1;
	if (r == NULL)
		return 0;
	*end = (size_t)(r - m->s);
	return 1;
}

int
vg_lpat_skip(struct vg_lpat *m, size_t *at)
{
	size_t left, n, cost;
	const unsigned char *hit;

	if (m->first_p == NULL || *at >= (size_t)(m->s_end - m->s))
		return *at <= (size_t)(m->s_end - m->s);
	left = (size_t)(m->s_end - m->s) - *at;
	if (m->first >= 0) {
		/* one step for 16 bytes passed over: memchr is fast */
		hit = memchr(m->s + *at, m->first, left);
		n = hit != NULL ? (size_t)(hit - m->s) - *at : left;
		cost = n / 16;
	} else {
		/* one step a byte, as the match tried there would take */
		for (n = 0; n < left && n < m->steps &&
		    !one(m, m->s + *at + n, m->first_p, m->first_ep); n++)
			;
		if (n < left && n == m->steps)
			cost = n + 1;	/* stopped for want of steps */
		else
			cost = n;
	}
	if (m->steps < cost) {
		m->steps = 0;
		m->err = VG_LPAT_EBUDGET;
		return -1;
	}
	m->steps -= cost;
	if (n == left)
		return 0;
	*at += n;
	return 1;
}

void
vg_lpat_strerror(enum vg_lpat_err err, int index, char *buf, size_t len)
{
	const char *msg;

	switch (err) {
	case VG_LPAT_OK: msg = "no error"; break;
	case VG_LPAT_EPERCENT: msg = "malformed pattern (ends with '%')"; break;
	case VG_LPAT_EBRACKET: msg = "malformed pattern (missing ']')"; break;
	case VG_LPAT_EBALANCE:
		msg = "malformed pattern (missing arguments to '%b')";
		break;
	case VG_LPAT_EFRONTIER:
		msg = "missing '[' after '%f' in pattern";
		break;
	case VG_LPAT_ECAPINDEX:
		snprintf(buf, len, "invalid capture index %%%d", index);
		return;
	case VG_LPAT_ECAPCLOSE: msg = "invalid pattern capture"; break;
	case VG_LPAT_ETOOMANY: msg = "too many captures"; break;
	case VG_LPAT_EUNFINISHED: msg = "unfinished capture"; break;
	case VG_LPAT_EDEPTH: msg = "pattern too complex"; break;
	case VG_LPAT_EBUDGET:
		msg = "pattern too complex for vigil's step budget";
		break;
	default: msg = "pattern error"; break;
	}
	snprintf(buf, len, "%s", msg);
}

int
vg_lpat_is_plain(const char *p, size_t plen)
{
	size_t i;

	for (i = 0; i < plen; i++)
		switch (p[i]) {
		case '^': case '$': case '*': case '+': case '?':
		case '.': case '(': case '[': case '%': case '-':
			return 0;
		default:
			break;
		}
	return 1;
}
