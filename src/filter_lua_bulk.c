/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_lua_bulk.c: the library functions of the filter sandbox that
 * loop in C over a count the filter chooses: string.rep (bytes made),
 * table.move, table.insert and table.remove (elements moved; the count
 * comes from the arguments or from a __len metamethod, not from memory
 * the filter holds). Each charges its work to the call's step budget
 * (filter_lua_str.c, docs/lua.md) and then calls Lua's own function,
 * kept as an upvalue; the memory limit alone bounds none of them (an
 * empty string repeated, nils moved: no allocation at all).
 */
#include <stdint.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "filter_lua_priv.h"

/* Bytes of string.rep output per step, as for other bulk work. */
#define BYTES_PER_STEP	16
/* Steps per element moved: a move is a get and a set through the API,
 * some ten times the cost of a pattern step. */
#define STEPS_PER_ELEM	8

#define BUDGET(L) \
	((struct vg_lstr_budget *)lua_touserdata((L), lua_upvalueindex(1)))

/* Charges n units of c steps each, saturating. */
static void
charge_n(lua_State *L, uint64_t n, uint64_t c, const char *what)
{
	vg_lstr_charge(L, BUDGET(L), n > UINT64_MAX / c ? UINT64_MAX : n * c,
	    what);
}

/* Calls Lua's own function (upvalue 2) with this call's arguments. */
static int
original(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* Elements from a to b (inclusive), 0 if none. */
static uint64_t
span(lua_Integer a, lua_Integer b)
{
	return b < a ? 0 : (uint64_t)((lua_Unsigned)b - (lua_Unsigned)a) + 1;
}

static int
l_rep(lua_State *L)
{
	size_t l, lsep = 0;
	lua_Integer n;

	(void)luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	(void)luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	charge_n(L, (uint64_t)n, 1 + (l + lsep) / BYTES_PER_STEP, "string.rep");
	return original(L);
}

/* table.move(a1, f, e, t [, a2]) */
static int
l_move(lua_State *L)
{
	charge_n(L, span(luaL_checkinteger(L, 2), luaL_checkinteger(L, 3)),
	    STEPS_PER_ELEM, "table.move");
	return original(L);
}

/* table.insert(t, [pos,] v): with pos, the elements from pos up move. */
static int
l_insert(lua_State *L)
{
	if (lua_gettop(L) == 3)
		charge_n(L, span(luaL_checkinteger(L, 2), luaL_len(L, 1)),
		    STEPS_PER_ELEM, "table.insert");
	return original(L);
}

/* table.remove(t [, pos]): the elements above pos move down. */
static int
l_remove(lua_State *L)
{
	if (lua_gettop(L) >= 2)
		charge_n(L, span(luaL_checkinteger(L, 2), luaL_len(L, 1)),
		    STEPS_PER_ELEM, "table.remove");
	return original(L);
}

/* Replaces name in the table at the top of the stack with fn. */
static void
wrap(lua_State *L, struct vg_lstr_budget *b, const char *name,
    lua_CFunction fn)
{
	lua_pushlightuserdata(L, b);
	lua_getfield(L, -2, name);
	lua_pushcclosure(L, fn, 2);
	lua_setfield(L, -2, name);
}

void
vg_lbulk_setup(lua_State *L, struct vg_lstr_budget *b)
{
	lua_getglobal(L, LUA_STRLIBNAME);
	wrap(L, b, "rep", l_rep);
	lua_pop(L, 1);
	lua_getglobal(L, LUA_TABLIBNAME);
	wrap(L, b, "move", l_move);
	wrap(L, b, "insert", l_insert);
	wrap(L, b, "remove", l_remove);
	lua_pop(L, 1);
}
