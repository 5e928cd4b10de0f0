/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_lua_str.c: string.find, string.match, string.gmatch and
 * string.gsub of the filter sandbox, with Lua 5.3's semantics (arguments,
 * results, errors) on top of lua_pattern.c, so that all their matching is
 * charged to the filter call's step budget (docs/lua.md). Lua code they
 * call back (gsub with a function or a table with __index) runs under the
 * instruction hook as usual. Never keeps a pointer into a Lua string past
 * the call that got it: gmatch keeps offsets in its upvalues.
 */
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "filter_lua_priv.h"
#include "lua_pattern.h"

/* Bulk work (a plain search, a back-reference, a replacement string) is
 * charged one step per this many bytes. */
#define BYTES_PER_STEP	16

#define BUDGET(L) \
	((struct vg_lstr_budget *)lua_touserdata((L), lua_upvalueindex(1)))

/* One call: the budget, the subject and the matcher. */
struct lstr {
	lua_State		*L;
	struct vg_lstr_budget	*b;
	const char		*s;
	size_t			 slen;
	struct vg_lpat		 m;
};

void
vg_lstr_arm(struct vg_lstr_budget *b)
{
	b->left = b->limit;
	b->exhausted = 0;
}

static int
raise_err(struct lstr *c, enum vg_lpat_err err, int index)
{
	char msg[128];

	c->b->left = c->m.steps;
	if (err == VG_LPAT_EBUDGET) {
		c->b->left = 0;
		c->b->exhausted = 1;
	}
	vg_lpat_strerror(err, index, msg, sizeof(msg));
	if (err == VG_LPAT_EBUDGET)
		return luaL_error(c->L, "%s (%I steps per filter call)", msg,
		    (lua_Integer)(c->b->limit > (uint64_t)LUA_MAXINTEGER ?
		    LUA_MAXINTEGER : c->b->limit));
	return luaL_error(c->L, "%s", msg);
}

void
vg_lstr_charge(lua_State *L, struct vg_lstr_budget *b, uint64_t n,
    const char *what)
{
	if (b->left >= n) {
		b->left -= n;
		return;
	}
	b->left = 0;
	b->exhausted = 1;
	luaL_error(L, "%s: too much work for vigil's step budget (%I steps "
	    "per filter call)", what, (lua_Integer)(b->limit >
	    (uint64_t)LUA_MAXINTEGER ? LUA_MAXINTEGER : b->limit));
}

/* Charges n steps of bulk work; raises if they are not there. */
static void
charge(struct lstr *c, size_t n)
{
	if (c->m.steps < n) {
		c->m.steps = 0;
		raise_err(c, VG_LPAT_EBUDGET, 0);
	}
	c->m.steps -= n;
	c->b->left = c->m.steps;
}

static void
begin(struct lstr *c, lua_State *L, const char *s, size_t slen,
    const char *p, size_t plen)
{
	c->L = L;
	c->b = BUDGET(L);
	c->s = s;
	c->slen = slen;
	vg_lpat_init(&c->m, s, slen, p, plen, c->b->left);
}

/* Matches at offset at: 1 (end set), 0, or raises the matcher's error. */
static int
exec_at(struct lstr *c, size_t at, size_t *end)
{
	int r = vg_lpat_exec(&c->m, at, end);

	if (r == -1)
		raise_err(c, c->m.err, c->m.err_index);
	c->b->left = c->m.steps;
	return r;
}

/* Unanchored: moves *at to where a match may start; 0 if nowhere. */
static int
skip_to(struct lstr *c, size_t *at)
{
	int r = vg_lpat_skip(&c->m, at);

	if (r == -1)
		raise_err(c, c->m.err, 0);
	c->b->left = c->m.steps;
	return r;
}

/* Pushes capture i of the last match [start, end); the whole match for
 * i == 0 when the pattern has no captures. */
static void
push_capture(struct lstr *c, int i, size_t start, size_t end)
{
	const struct vg_lpat_cap *cap;

	if (i >= c->m.ncap) {
		if (i != 0)
			raise_err(c, VG_LPAT_ECAPINDEX, i + 1);
		lua_pushlstring(c->L, c->s + start, end - start);
		return;
	}
	cap = &c->m.cap[i];
	if (cap->len == VG_LPAT_CAP_OPEN)
		raise_err(c, VG_LPAT_EUNFINISHED, 0);
	if (cap->len == VG_LPAT_CAP_POS)
		lua_pushinteger(c->L, (lua_Integer)cap->pos + 1);
	else
		lua_pushlstring(c->L, c->s + cap->pos, (size_t)cap->len);
}

/* Pushes every capture (or the whole match if there is none and whole
 * is set); returns how many. */
static int
push_captures(struct lstr *c, size_t start, size_t end, int whole)
{
	int n = c->m.ncap == 0 && whole ? 1 : c->m.ncap, i;

	luaL_checkstack(c->L, n, "too many captures");
	for (i = 0; i < n; i++)
		push_capture(c, i, start, end);
	return n;
}

/* Lua's relative string position: negative counts from the end. */
static lua_Integer
rel_pos(lua_Integer pos, size_t len)
{
	if (pos >= 0)
		return pos;
	if (pos < -(lua_Integer)len)
		return 0;
	return (lua_Integer)len + pos + 1;
}

static int
find_plain(struct lstr *c, size_t at, const char *p, size_t plen)
{
	const char *hit;
	size_t scanned;

	if (plen == 0)
		hit = c->s + at;
	else if (plen > c->slen - at)
		hit = NULL;
	else
		hit = memmem(c->s + at, c->slen - at, p, plen);
	scanned = hit != NULL ? (size_t)(hit - c->s) + plen - at :
	    c->slen - at;
	charge(c, 1 + scanned / BYTES_PER_STEP);
	if (hit == NULL) {
		lua_pushnil(c->L);
		return 1;
	}
	lua_pushinteger(c->L, (lua_Integer)(hit - c->s) + 1);
	lua_pushinteger(c->L, (lua_Integer)(hit - c->s + plen));
	return 2;
}

/* string.find(s, pattern [, init [, plain]]) and string.match(s,
 * pattern [, init]). */
static int
find_or_match(lua_State *L, int find)
{
	size_t slen, plen, at, end;
	const char *s = luaL_checklstring(L, 1, &slen);
	const char *p = luaL_checklstring(L, 2, &plen);
	lua_Integer init = rel_pos(luaL_optinteger(L, 3, 1), slen);
	struct lstr c;
	int anchor;

	if (init < 1)
		init = 1;
	else if (init > (lua_Integer)slen + 1) {
		lua_pushnil(L);
		return 1;
	}
	at = (size_t)init - 1;
	if (find && (lua_toboolean(L, 4) || vg_lpat_is_plain(p, plen))) {
		begin(&c, L, s, slen, "", 0);
		return find_plain(&c, at, p, plen);
	}
	anchor = plen > 0 && *p == '^';
	if (anchor) {
		p++;
		plen--;
	}
	begin(&c, L, s, slen, p, plen);
	for (;; at++) {
		if (!anchor && !skip_to(&c, &at))
			break;
		if (exec_at(&c, at, &end)) {
			if (!find)
				return push_captures(&c, at, end, 1);
			lua_pushinteger(L, (lua_Integer)at + 1);
			lua_pushinteger(L, (lua_Integer)end);
			return 2 + push_captures(&c, at, end, 0);
		}
		if (anchor || at >= slen)
			break;
	}
	lua_pushnil(L);
	return 1;
}

static int
l_find(lua_State *L)
{
	return find_or_match(L, 1);
}

static int
l_match(lua_State *L)
{
	return find_or_match(L, 0);
}

/* The gmatch iterator. Upvalues: budget, subject, pattern, the offset to
 * go on from, the end of the last match (-1: none yet). */
static int
gmatch_next(lua_State *L)
{
	size_t slen, plen, at, end;
	const char *s = lua_tolstring(L, lua_upvalueindex(2), &slen);
	const char *p = lua_tolstring(L, lua_upvalueindex(3), &plen);
	lua_Integer last = lua_tointeger(L, lua_upvalueindex(5));
	struct lstr c;

	begin(&c, L, s, slen, p, plen);
	for (at = (size_t)lua_tointeger(L, lua_upvalueindex(4)); at <= slen;
	    at++) {
		if (!skip_to(&c, &at))
			break;
		/* an empty match where the last one ended is no new match */
		if (exec_at(&c, at, &end) && (lua_Integer)end != last) {
			lua_pushinteger(L, (lua_Integer)end);
			lua_pushvalue(L, -1);
			lua_replace(L, lua_upvalueindex(4));
			lua_replace(L, lua_upvalueindex(5));
			return push_captures(&c, at, end, 1);
		}
	}
	return 0;
}

/* string.gmatch(s, pattern): '^' is no anchor here, as in Lua 5.3. */
static int
l_gmatch(lua_State *L)
{
	luaL_checkstring(L, 1);
	luaL_checkstring(L, 2);
	lua_settop(L, 2);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_pushinteger(L, 0);
	lua_pushinteger(L, -1);
	lua_pushcclosure(L, gmatch_next, 5);
	return 1;
}

/* Appends the replacement string (argument 3) for the match [start, end):
 * %0 the match, %1-%9 captures, %% a '%'. */
static void
add_string(struct lstr *c, luaL_Buffer *b, size_t start, size_t end)
{
	size_t rlen, i, run;
	const char *r = lua_tolstring(c->L, 3, &rlen);
	const struct vg_lpat_cap *cap;
	int d;

	charge(c, 1 + rlen / BYTES_PER_STEP);
	for (i = 0; i < rlen; i++) {
		for (run = 0; i + run < rlen && r[i + run] != '%'; run++)
			;
		if (run > 0) {
			luaL_addlstring(b, r + i, run);
			i += run - 1;
			continue;
		}
		d = ++i < rlen ? (unsigned char)r[i] : '\0';
		if (d == '%') {
			luaL_addchar(b, '%');
			continue;
		}
		if (d < '0' || d > '9')
			luaL_error(c->L, "invalid use of '%%' in replacement "
			    "string");
		if (d == '0') {
			luaL_addlstring(b, c->s + start, end - start);
			continue;
		}
		d -= '1';
		if (d >= c->m.ncap) {
			/* push_capture() gives the match or the error */
			push_capture(c, d, start, end);
			luaL_addvalue(b);
			continue;
		}
		cap = &c->m.cap[d];
		if (cap->len == VG_LPAT_CAP_OPEN)
			raise_err(c, VG_LPAT_EUNFINISHED, 0);
		if (cap->len == VG_LPAT_CAP_POS) {
			lua_pushinteger(c->L, (lua_Integer)cap->pos + 1);
			luaL_addvalue(b);
		} else
			luaL_addlstring(b, c->s + cap->pos, (size_t)cap->len);
	}
}

/* Appends what a function or table (argument 3, of type tr) gives for
 * the match [start, end): false or nil keeps the match. */
static void
add_call(struct lstr *c, luaL_Buffer *b, int tr, size_t start, size_t end)
{
	lua_State *L = c->L;
	int n;

	/* the Lua code may use the budget too */
	c->b->left = c->m.steps;
	if (tr == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		n = push_captures(c, start, end, 1);
		lua_call(L, n, 1);
	} else {
		push_capture(c, 0, start, end);
		lua_gettable(L, 3);
	}
	c->m.steps = c->b->left;
	if (!lua_toboolean(L, -1)) {
		lua_pop(L, 1);
		lua_pushlstring(L, c->s + start, end - start);
	} else if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)",
		    luaL_typename(L, -1));
	luaL_addvalue(b);
}

/* string.gsub(s, pattern, repl [, n]) */
static int
l_gsub(lua_State *L)
{
	size_t slen, plen, at = 0, from, end, last = SIZE_MAX;
	const char *s = luaL_checklstring(L, 1, &slen);
	const char *p = luaL_checklstring(L, 2, &plen);
	int tr = lua_type(L, 3), anchor;
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)slen + 1), n = 0;
	struct lstr c;
	luaL_Buffer b;

	luaL_argcheck(L, tr == LUA_TNUMBER || tr == LUA_TSTRING ||
	    tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
	    "string/function/table expected");
	luaL_buffinit(L, &b);
	anchor = plen > 0 && *p == '^';
	if (anchor) {
		p++;
		plen--;
	}
	begin(&c, L, s, slen, p, plen);
	while (n < max) {
		if (!anchor) {
			/* copy at once what cannot start a match */
			from = at;
			if (!skip_to(&c, &at)) {
				at = from;
				break;
			}
			luaL_addlstring(&b, s + from, at - from);
		}
		/* an empty match where the last one ended is no new match */
		if (exec_at(&c, at, &end) && end != last) {
			n++;
			if (tr == LUA_TNUMBER || tr == LUA_TSTRING)
				add_string(&c, &b, at, end);
			else
				add_call(&c, &b, tr, at, end);
			at = last = end;
		} else if (at < slen)
			luaL_addchar(&b, s[at++]);
		else
			break;
		if (anchor)
			break;
	}
	luaL_addlstring(&b, s + at, slen - at);
	luaL_pushresult(&b);
	lua_pushinteger(L, n);
	return 2;
}

void
vg_lstr_setup(lua_State *L, struct vg_lstr_budget *b)
{
	static const luaL_Reg fns[] = {
		{ "find", l_find },
		{ "match", l_match },
		{ "gmatch", l_gmatch },
		{ "gsub", l_gsub },
		{ NULL, NULL },
	};

	vg_lstr_arm(b);
	lua_pushlightuserdata(L, b);
	luaL_setfuncs(L, fns, 1);
}
