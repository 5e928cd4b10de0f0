/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_lua_conv.c: the bookkeeping of filter_lua_conv.c between calls:
 * the member tables a call hands out are kept in the registry's tabs list
 * for that call's lookups only, and let go by the calls after it (cleared
 * when many, overwritten when few), so an event's tables never pile up.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "ck.h"
#include "filter_lua_priv.h"
#include "vigil/arena.h"
#include "vigil/node.h"

#define NOBJ	20	/* more than the few left to be overwritten (16) */

static lua_State	*L;
static struct vg_lconv	 conv;
static struct vg_arena	 arena;
static struct vg_node	*doc;

/* An event of NOBJ object members o1..oN, each {"i": N}. */
static struct vg_node *
many_objects(struct vg_arena *a)
{
	struct vg_node *d, *o;
	char k[16];
	int i;

	d = vg_node_new(a, VG_N_OBJ);
	for (i = 1; i <= NOBJ; i++) {
		snprintf(k, sizeof(k), "o%d", i);
		/* node keys are borrowed: the arena keeps the text */
		o = vg_node_add(a, d, vg_str_make(vg_arena_strndup(a, k,
		    strlen(k)), strlen(k)), VG_N_OBJ);
		vg_node_add_int(a, o, vg_str_make("i", 1), i);
	}
	return d;
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(L = luaL_newstate());
	luaL_openlibs(L);
	lua_newtable(L);		/* the vigil table setup fills */
	vg_lconv_setup(L, &conv);
	lua_setglobal(L, "vigil");
	/* W holds what take() got, weakly: the collector says what is
	 * still referenced once vigil let it go */
	ck_assert_int_eq(luaL_dostring(L,
	    "W = setmetatable({}, {__mode = 'v'})\n"
	    "function take(e, from, to)\n"
	    "  for i = from, to do\n"
	    "    local t = e['o' .. i]\n"
	    "    assert(t.i == i and e['o' .. i] == t)\n"
	    "    W[i] = t\n"
	    "  end\n"
	    "end\n"), LUA_OK);
	vg_arena_init(&arena, 0);
	doc = many_objects(&arena);
}

static void
teardown(void)
{
	vg_lconv_free(&conv);
	lua_close(L);
	vg_arena_free(&arena);
}

/* One filter call: take(event, from, to), as filter_lua.c makes it. */
static void
call(int from, int to)
{
	vg_lconv_begin(&conv, &arena);
	lua_getglobal(L, "take");
	vg_lconv_push(L, &conv, doc);
	lua_pushinteger(L, from);
	lua_pushinteger(L, to);
	if (lua_pcall(L, 3, 0, 0) != LUA_OK)
		ck_abort_msg("take: %s", lua_tostring(L, -1));
	vg_lconv_end(&conv);
	lua_settop(L, 0);
}

/* Tables in tabs now. */
static int
in_tabs(void)
{
	int i, n = 0;

	lua_rawgeti(L, LUA_REGISTRYINDEX, conv.tabs_ref);
	for (i = 1; i <= 4 * NOBJ; i++) {
		if (lua_rawgeti(L, -1, i) != LUA_TNIL)
			n++;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return n;
}

/* Tables of W still alive after a full collection (empty stack). */
static int
alive(int from, int to)
{
	int i, n = 0;

	lua_gc(L, LUA_GCCOLLECT, 0);
	lua_gc(L, LUA_GCCOLLECT, 0);
	lua_getglobal(L, "W");
	for (i = from; i <= to; i++) {
		if (lua_rawgeti(L, -1, i) != LUA_TNIL)
			n++;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	return n;
}

START_TEST(many_are_cleared_at_the_next_call)
{
	call(1, NOBJ);
	ck_assert_int_eq(in_tabs(), NOBJ);
	ck_assert_int_eq(alive(1, NOBJ), NOBJ);
	call(1, 0);			/* takes none */
	ck_assert_int_eq(in_tabs(), 0);
	ck_assert_int_eq(alive(1, NOBJ), 0);
}
END_TEST

START_TEST(few_are_overwritten)
{
	call(1, 3);
	call(1, 0);
	/* left for the next calls to overwrite: unreachable from Lua */
	ck_assert_int_eq(in_tabs(), 3);
	call(4, 5);
	ck_assert_int_eq(in_tabs(), 3);
	ck_assert_int_eq(alive(1, 2), 0);	/* overwritten */
	ck_assert_int_eq(alive(3, 3), 1);	/* still in tabs */
	call(6, 8);
	ck_assert_int_eq(alive(1, 5), 0);
	/* leftovers never add up past the bound: a large call after
	 * small ones clears them all */
	call(1, NOBJ);
	call(1, 0);
	ck_assert_int_eq(in_tabs(), 0);
	ck_assert_int_eq(alive(1, NOBJ), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("lua_conv");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, many_are_cleared_at_the_next_call);
	tcase_add_test(tc, few_are_overwritten);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(suite());
}
