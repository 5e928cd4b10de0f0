/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lua_pattern.h: a matcher for Lua 5.3 patterns (reference manual 6.4.1)
 * that counts its steps and stops when a budget is used up. Knows nothing
 * of Lua states: filter_lua_str.c builds string.find and friends on it.
 */
#ifndef VIGIL_LUA_PATTERN_H
#define VIGIL_LUA_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define VG_LPAT_MAXCAP		32	/* captures, as Lua's LUA_MAXCAPTURES */
#define VG_LPAT_MAXDEPTH	200	/* nested choice points, as Lua's */
#define VG_LPAT_CAP_OPEN	(-1)	/* capture length: not closed yet */
#define VG_LPAT_CAP_POS		(-2)	/* capture length: a () position */

enum vg_lpat_err {
	VG_LPAT_OK = 0,
	VG_LPAT_EPERCENT,	/* malformed pattern (ends with '%') */
	VG_LPAT_EBRACKET,	/* malformed pattern (missing ']') */
	VG_LPAT_EBALANCE,	/* ... (missing arguments to '%b') */
	VG_LPAT_EFRONTIER,	/* missing '[' after '%f' in pattern */
	VG_LPAT_ECAPINDEX,	/* invalid capture index %N (err_index) */
	VG_LPAT_ECAPCLOSE,	/* invalid pattern capture */
	VG_LPAT_ETOOMANY,	/* too many captures */
	VG_LPAT_EUNFINISHED,	/* unfinished capture (when read) */
	VG_LPAT_EDEPTH,		/* pattern too complex */
	VG_LPAT_EBUDGET,	/* the step budget is used up */
};

struct vg_lpat_cap {
	size_t		 pos;	/* offset of the capture in the subject */
	ptrdiff_t	 len;	/* bytes, or VG_LPAT_CAP_OPEN, _CAP_POS */
};

/*
 * One subject and pattern. Both are borrowed for the life of the struct
 * and need not end in NUL. The pattern is given without the '^' that
 * anchors find, match and gsub (gmatch treats '^' as a plain byte).
 */
struct vg_lpat {
	const unsigned char	*s, *s_end;
	const unsigned char	*p, *p_end;
	uint64_t		 steps;		/* left; every step takes 1 */
	int			 ncap;		/* captures of the last match */
	int			 depth;
	enum vg_lpat_err	 err;
	int			 err_index;	/* the N of ECAPINDEX */
	/* the class every match starts with, if any (vg_lpat_skip) */
	const unsigned char	*first_p, *first_ep;
	int			 first;		/* ... if it is one byte */
	struct vg_lpat_cap	 cap[VG_LPAT_MAXCAP];
};

/* Sets up m for subject s and pattern p with a budget of steps. */
void		 vg_lpat_init(struct vg_lpat *m, const char *s, size_t slen,
		    const char *p, size_t plen, uint64_t steps);

/*
 * Matches the pattern at offset at (<= slen) of the subject, and only
 * there. Returns 1 and sets *end (the offset just past the match) and
 * m->ncap, m->cap[]; 0 if the pattern does not match there; -1 on an
 * error (m->err: a malformed pattern, met lazily as Lua meets it, too
 * deep a recursion, or no steps left). A step is one pattern item tried
 * at one place, or one subject byte looked at by a repetition, %b or a
 * back-reference; m->steps drops by one for each.
 */
int		 vg_lpat_exec(struct vg_lpat *m, size_t at, size_t *end);

/*
 * For an unanchored search from *at: moves *at to the first offset where
 * a match may start (past the bytes the class of the pattern's first item
 * rules out when that item must occur: a match there would fail on it,
 * no error possible), or returns 0 if there is none up to the end of the
 * subject. Returns 1 otherwise, -1 if the budget is used up (one step per
 * byte passed over, or per 16 if the class is one literal byte).
 */
int		 vg_lpat_skip(struct vg_lpat *m, size_t *at);

/*
 * Writes Lua's message for err (index: the N of an invalid capture
 * index, from m->err_index or the caller's own check) into buf. The
 * message for VG_LPAT_EBUDGET is vigil's own.
 */
void		 vg_lpat_strerror(enum vg_lpat_err err, int index, char *buf,
		    size_t len);

/* 1 if p holds none of the bytes that are special in a pattern (so that
 * a plain search finds what the matcher would). */
int		 vg_lpat_is_plain(const char *p, size_t plen);

#endif
