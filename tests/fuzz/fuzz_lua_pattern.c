/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_lua_pattern.c: libFuzzer harness for vigil's string.find, match,
 * gmatch and gsub (src/filter_lua_str.c over src/lua_pattern.c), against
 * Lua 5.3's own. Input: a flags byte (init, plain, max), the pattern's
 * length byte, the pattern, the replacement's length byte, the
 * replacement, then the subject. Both states run the same calls; the
 * results and error messages must be identical. vigil's side runs first
 * with a small step budget; when that runs out, the stock side is not run
 * (it has no budget and may backtrack for hours), but the call must have
 * failed with the budget's message.
 */
#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "fuzz_common.h"

#include "filter_lua_priv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define BUDGET	200000

static const char harness[] =
    "local find, match, gmatch, gsub = string.find, string.match,\n"
    "    string.gmatch, string.gsub\n"
    "local concat, pack, unpack = table.concat, table.pack, table.unpack\n"
    "local function ser(ok, ...)\n"
    "  local t = { ok and 'ok' or 'err' }\n"
    "  for i = 1, select('#', ...) do\n"
    "    local v = select(i, ...)\n"
    "    t[#t + 1] = type(v) .. ':' .. tostring(v)\n"
    "  end\n"
    "  return concat(t, '|')\n"
    "end\n"
    "local function gm(s, p)\n"
    "  local acc, it = {}, gmatch(s, p)\n"
    "  for n = 1, 100 do\n"
    "    local r = pack(it())\n"
    "    if r[1] == nil then break end\n"
    "    acc[#acc + 1] = ser(true, unpack(r, 1, r.n))\n"
    "  end\n"
    "  return concat(acc, ';')\n"
    "end\n"
    "local function rf(...)\n"
    "  local n, a = select('#', ...), ...\n"
    "  if a == 'a' then return false end\n"
    "  if a == '[' then return {} end\n"
    "  return n .. tostring(a)\n"
    "end\n"
    "local rt = { a = 'A', b = false, [1] = 'one', [2] = 22 }\n"
    "function run(s, p, init, plain, repl, max)\n"
    "  local o = {}\n"
    "  o[1] = ser(pcall(find, s, p, init, plain))\n"
    "  o[2] = ser(pcall(match, s, p, init))\n"
    "  o[3] = ser(pcall(gm, s, p))\n"
    "  o[4] = ser(pcall(gsub, s, p, repl, max))\n"
    "  o[5] = ser(pcall(gsub, s, p, rf, max))\n"
    "  o[6] = ser(pcall(gsub, s, p, rt, max))\n"
    "  return concat(o, '\\n')\n"
    "end\n";

static lua_State		*ref, *vg;
static struct vg_lstr_budget	 budget = { .limit = BUDGET };

static lua_State *
new_state(int ours)
{
	lua_State *L = luaL_newstate();

	FZ_ASSERT(L != NULL);
	luaL_openlibs(L);
	if (ours) {
		lua_getglobal(L, "string");
		vg_lstr_setup(L, &budget);
		lua_pop(L, 1);
	}
	FZ_ASSERT(luaL_dostring(L, harness) == LUA_OK);
	return L;
}

static void
push_args(lua_State *L, const uint8_t *s, size_t slen, const uint8_t *p,
    size_t plen, const uint8_t *r, size_t rlen, unsigned flags)
{
	static const lua_Integer inits[] = { 1, 2, 0, -1, -3, 5, 100 };

	lua_getglobal(L, "run");
	lua_pushlstring(L, (const char *)s, slen);
	lua_pushlstring(L, (const char *)p, plen);
	if (flags & 8)
		lua_pushinteger(L, inits[flags % 7]);
	else
		lua_pushnil(L);
	if (flags & 16)
		lua_pushboolean(L, flags & 32);
	else
		lua_pushnil(L);
	lua_pushlstring(L, (const char *)r, rlen);
	if (flags & 64)
		lua_pushinteger(L, (lua_Integer)(flags >> 7) + (flags & 3) -
		    1);
	else
		lua_pushnil(L);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p, *r, *s;
	size_t plen, rlen, slen, la, lb;
	const char *a, *b;
	unsigned flags;

	if (ref == NULL) {
		fz_quiet();
		ref = new_state(0);
		vg = new_state(1);
	}
	if (size < 3)
		return 0;
	flags = data[0];
	plen = data[1];
	data += 2;
	size -= 2;
	if (plen > size)
		plen = size;
	p = data;
	data += plen;
	size -= plen;
	rlen = size > 0 ? data[0] % 16 : 0;
	if (size > 0) {
		data++;
		size--;
	}
	if (rlen > size)
		rlen = size;
	r = data;
	s = data + rlen;
	slen = size - rlen;

	vg_lstr_arm(&budget);
	push_args(vg, s, slen, p, plen, r, rlen, flags);
	FZ_ASSERT(lua_pcall(vg, 6, 1, 0) == LUA_OK);
	b = lua_tolstring(vg, -1, &lb);
	if (budget.exhausted) {
		FZ_ASSERT(memmem(b, lb, "step budget", 11) != NULL);
		lua_settop(vg, 0);
		return 0;
	}
	push_args(ref, s, slen, p, plen, r, rlen, flags);
	FZ_ASSERT(lua_pcall(ref, 6, 1, 0) == LUA_OK);
	a = lua_tolstring(ref, -1, &la);
	if (la != lb || memcmp(a, b, la) != 0) {
		fprintf(stderr, "pattern: %.*s\nlua:\n%.*s\nvigil:\n%.*s\n",
		    (int)plen, (const char *)p, (int)la, a, (int)lb, b);
		FZ_ASSERT(0);
	}
	lua_settop(ref, 0);
	lua_settop(vg, 0);
	return 0;
}
