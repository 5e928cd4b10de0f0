/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_lua_pool.c: the Lua allocator's small-block pool (src/lua_pool.c):
 * the lua_Alloc contract (contents kept across a resize, shrinks never
 * fail, frees), blocks reused from their class, no two live blocks
 * overlapping, and a Lua state running on it. Under AddressSanitizer
 * the pool is off (every block malloc'd): the contract tests still run.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "ck.h"
#include "lua_pool.h"

START_TEST(resize_keeps_contents)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 48, 200, 256, 257,
	    1000, 64, 8, 300, 2, 256 };
	struct vg_lpool p;
	unsigned char *b = NULL;
	size_t i, j, old = 0;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], keep = old < n ? old : n;

		b = vg_lpool_realloc(&p, b, old, n);
		ck_assert_ptr_nonnull(b);
		for (j = 0; j < keep; j++)
			ck_assert_uint_eq(b[j], (unsigned char)(j * 7 + 1));
		for (j = 0; j < n; j++)
			b[j] = (unsigned char)(j * 7 + 1);
		old = n;
	}
	ck_assert_ptr_null(vg_lpool_realloc(&p, b, old, 0));
	ck_assert_ptr_null(vg_lpool_realloc(&p, NULL, 0, 0));
	vg_lpool_release(&p);
}
END_TEST

/* Many live blocks of every class: none overlaps another (each holds
 * its own pattern after all are written), and freed ones come back. */
START_TEST(no_overlap_and_reuse)
{
	enum { N = 6000 };
	static unsigned char *blk[N];
	static size_t len[N];
	struct vg_lpool p;
	size_t i, j, slabs;

	memset(&p, 0, sizeof(p));
	for (i = 0; i < N; i++) {
		len[i] = 1 + (i * 37) % VG_LPOOL_MAX;
		blk[i] = vg_lpool_realloc(&p, NULL, 0, len[i]);
		ck_assert_ptr_nonnull(blk[i]);
		ck_assert_uint_eq((uintptr_t)blk[i] % 16, 0);
		memset(blk[i], (int)(i & 0xff), len[i]);
	}
	for (i = 0; i < N; i++)
		for (j = 0; j < len[i]; j++)
			ck_assert_uint_eq(blk[i][j], i & 0xff);
	slabs = p.slab_bytes;
	if (VG_LPOOL_ON)
		ck_assert_uint_gt(slabs, 0);
	/* free all, take the same again: no new slab */
	for (i = 0; i < N; i++)
		(void)vg_lpool_realloc(&p, blk[i], len[i], 0);
	for (i = 0; i < N; i++) {
		blk[i] = vg_lpool_realloc(&p, NULL, 0, len[i]);
		ck_assert_ptr_nonnull(blk[i]);
	}
	ck_assert_uint_eq(p.slab_bytes, slabs);
	for (i = 0; i < N; i++)
		(void)vg_lpool_realloc(&p, blk[i], len[i], 0);
	vg_lpool_release(&p);
	ck_assert_uint_eq(p.slab_bytes, 0);
}
END_TEST

/* The same class is the same block: a resize within 16 bytes does not
 * move it; a block freed is the next one of its class handed out. */
START_TEST(class_reuse)
{
	struct vg_lpool p;
	void *a, *b;

	if (!VG_LPOOL_ON)
		return;
	memset(&p, 0, sizeof(p));
	a = vg_lpool_realloc(&p, NULL, 0, 40);
	ck_assert_ptr_eq(vg_lpool_realloc(&p, a, 40, 48), a);
	ck_assert_ptr_eq(vg_lpool_realloc(&p, a, 48, 33), a);
	(void)vg_lpool_realloc(&p, a, 33, 0);
	b = vg_lpool_realloc(&p, NULL, 0, 45);
	ck_assert_ptr_eq(b, a);
	vg_lpool_release(&p);
}
END_TEST

static void *
pool_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	return vg_lpool_realloc(ud, ptr, ptr != NULL ? osize : 0, nsize);
}

/* A Lua state on the pool: tables, strings and closures made and
 * dropped through several collections give the right answer. */
START_TEST(lua_state_on_pool)
{
	static const char prog[] =
	    "local keep = {}\n"
	    "local sum = 0\n"
	    "for i = 1, 20000 do\n"
	    "  local t = { i, tostring(i), x = i * 2 }\n"
	    "  local f = function() return t.x end\n"
	    "  sum = sum + f() + #t[2]\n"
	    "  if i % 97 == 0 then keep[#keep + 1] = t end\n"
	    "end\n"
	    "collectgarbage()\n"
	    "local k = 0\n"
	    "for _, t in ipairs(keep) do k = k + t[1] end\n"
	    "return sum, k\n";
	struct vg_lpool p;
	lua_State *L;

	memset(&p, 0, sizeof(p));
	L = lua_newstate(pool_alloc, &p);
	ck_assert_ptr_nonnull(L);
	luaL_openlibs(L);
	ck_assert_int_eq(luaL_loadstring(L, prog), LUA_OK);
	ck_assert_int_eq(lua_pcall(L, 0, 2, 0), LUA_OK);
	/* sum of 2i for i <= 20000, plus the digits of 1..20000 */
	ck_assert_int_eq(lua_tointeger(L, -2), 20000LL * 20001 + 88894);
	ck_assert_int_eq(lua_tointeger(L, -1), 97LL * 206 * 207 / 2);
	lua_close(L);
	vg_lpool_release(&p);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("lua_pool");
	TCase *tc = tcase_create("pool");

	tcase_add_test(tc, resize_keeps_contents);
	tcase_add_test(tc, no_overlap_and_reuse);
	tcase_add_test(tc, class_reuse);
	tcase_add_test(tc, lua_state_on_pool);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(suite());
}
