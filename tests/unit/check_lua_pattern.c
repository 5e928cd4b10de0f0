/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_lua_pattern.c: vigil's string.find, match, gmatch and gsub
 * (src/filter_lua_str.c, src/lua_pattern.c) against Lua 5.3's own string
 * library: two states, one stock and one with vigil's functions, run the
 * same calls on a table of cases and on a few thousand generated ones and
 * must give the same results and the same errors. Then the step budget:
 * a backtracking pattern fails fast, and the budget is shared by all the
 * pattern calls of one filter call.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "ck.h"
#include "filter_lua_priv.h"
#include "lua_pattern.h"

#define BIG_BUDGET	1000000000ull

/* Runs every function on one case; returns one line per call with the
 * results (type:value) or the error. */
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
    "  for n = 1, 200 do\n"
    "    local r = pack(it())\n"
    "    if r[1] == nil then acc[#acc + 1] = 'end'; break end\n"
    "    acc[#acc + 1] = ser(true, unpack(r, 1, r.n))\n"
    "  end\n"
    "  acc[#acc + 1] = ser(true, it())\n"
    "  return concat(acc, ';')\n"
    "end\n"
    "local function rf(...)\n"
    "  local n, a = select('#', ...), ...\n"
    "  if a == 'b' then return nil end\n"
    "  if a == 'a' then return false end\n"
    "  if a == '[' then return {} end\n"
    "  if a == 3 then return 3.5 end\n"
    "  return '<' .. n .. tostring(a) .. '>'\n"
    "end\n"
    "local rt = setmetatable({ a = 'A', b = false, [1] = 'one',\n"
    "  [2] = 22, ['%'] = true },\n"
    "  { __index = function(t, k) if k == '.' then return 'dot' end end })\n"
    "function run(s, p, init, plain, repl, max)\n"
    "  local o = {}\n"
    "  o[1] = ser(pcall(find, s, p, init, plain))\n"
    "  o[2] = ser(pcall(match, s, p, init))\n"
    "  o[3] = ser(pcall(gm, s, p))\n"
    "  o[4] = ser(pcall(gsub, s, p, repl, max))\n"
    "  o[5] = ser(pcall(gsub, s, p, rf, max))\n"
    "  o[6] = ser(pcall(gsub, s, p, rt, max))\n"
    "  o[7] = ser(pcall(function() return s:find(p, init) end))\n"
    "  o[8] = ser(pcall(function() return s:gsub(p, '%0%0') end))\n"
    "  return concat(o, '\\n')\n"
    "end\n";

static lua_State		*ref, *vg;
static struct vg_lstr_budget	 budget;
static unsigned long		 ncases;

static lua_State *
new_state(int ours)
{
	lua_State *L = luaL_newstate();

	ck_assert_ptr_nonnull(L);
	luaL_openlibs(L);
	if (ours) {
		lua_getglobal(L, "string");
		vg_lstr_setup(L, &budget);
		lua_pop(L, 1);
	}
	if (luaL_dostring(L, harness) != LUA_OK)
		ck_abort_msg("harness: %s", lua_tostring(L, -1));
	return L;
}

static void
setup(void)
{
	budget.limit = BIG_BUDGET;
	ref = new_state(0);
	vg = new_state(1);
}

static void
teardown(void)
{
	lua_close(ref);
	lua_close(vg);
}

/* Printable form of a byte string for failure messages (static). */
static const char *
show(const char *s, size_t len)
{
	static char buf[4][2048];
	static int k;
	char *o = buf[k++ & 3];
	size_t i, n = 0;

	for (i = 0; i < len && n + 8 < sizeof(buf[0]); i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			o[n++] = (char)c;
		else
			n += (size_t)snprintf(o + n, sizeof(buf[0]) - n,
			    "\\x%02x", c);
	}
	o[n] = '\0';
	return o;
}

/* One case's arguments; NULL / 0 flags stand for nil. */
struct pcase {
	const char	*s, *p;
	size_t		 slen, plen;
	int		 has_init;
	lua_Integer	 init;
	int		 plain;		/* 0 nil, 1 true, 2 false */
	const char	*repl;		/* NULL: the number 42 */
	int		 has_max;
	lua_Integer	 max;
};

static void
push_case(lua_State *L, const struct pcase *c)
{
	lua_getglobal(L, "run");
	lua_pushlstring(L, c->s, c->slen);
	lua_pushlstring(L, c->p, c->plen);
	if (c->has_init)
		lua_pushinteger(L, c->init);
	else
		lua_pushnil(L);
	if (c->plain)
		lua_pushboolean(L, c->plain == 1);
	else
		lua_pushnil(L);
	if (c->repl != NULL)
		lua_pushstring(L, c->repl);
	else
		lua_pushinteger(L, 42);
	if (c->has_max)
		lua_pushinteger(L, c->max);
	else
		lua_pushnil(L);
}

/* Runs the case on both states and compares. */
static void
run_case(const struct pcase *c)
{
	size_t la, lb;
	const char *a, *b;

	push_case(ref, c);
	push_case(vg, c);
	vg_lstr_arm(&budget);
	if (lua_pcall(ref, 6, 1, 0) != LUA_OK)
		ck_abort_msg("ref: %s", lua_tostring(ref, -1));
	if (lua_pcall(vg, 6, 1, 0) != LUA_OK)
		ck_abort_msg("vigil: %s", lua_tostring(vg, -1));
	a = lua_tolstring(ref, -1, &la);
	b = lua_tolstring(vg, -1, &lb);
	if (la != lb || memcmp(a, b, la) != 0)
		ck_abort_msg("s=\"%s\" p=\"%s\" init=%s%lld plain=%d repl=%s "
		    "max=%s%lld\nlua:   %s\nvigil: %s", show(c->s, c->slen),
		    show(c->p, c->plen), c->has_init ? "" : "nil/",
		    (long long)c->init, c->plain, c->repl ? c->repl : "42",
		    c->has_max ? "" : "nil/", (long long)c->max,
		    show(a, la), show(b, lb));
	ck_assert_msg(!budget.exhausted, "budget ran out on a test case");
	lua_settop(ref, 0);
	lua_settop(vg, 0);
	ncases++;
}

/* The same case with the init, plain, replacement and max variants. */
static void
run_variants(const char *s, size_t slen, const char *p, size_t plen)
{
	static const lua_Integer inits[] = { 1, 2, 0, -1, -3, 5, 100,
	    -100 };
	static const char *const repls[] = { "x", "%0", "%1", "[%1%2]",
	    "%%", "%", "%x", "", "%9", NULL, "a%0b%1c" };
	struct pcase c = { .s = s, .p = p, .slen = slen, .plen = plen };
	size_t i;

	for (i = 0; i < 12; i++) {
		c.has_init = i > 0 && i < 9;
		c.init = c.has_init ? inits[i - 1] : 0;
		c.plain = (int)(i % 3);
		c.repl = repls[i % (sizeof(repls) / sizeof(repls[0]))];
		c.has_max = i % 4 == 3;
		c.max = (lua_Integer)(i / 4) - 1;
		run_case(&c);
	}
}

static void
run_str(const char *s, const char *p)
{
	run_variants(s, strlen(s), p, strlen(p));
}

START_TEST(uses_vigils_functions)
{
	/* the vigil state must really run filter_lua_str.c */
	vg_lstr_arm(&budget);
	ck_assert_int_eq(luaL_dostring(vg, "x = {string.find('abcb', "
	    "'b()', 3)}"), LUA_OK);
	ck_assert_msg(budget.left < budget.limit, "no step charged");
	ck_assert_int_eq(luaL_dostring(vg, "assert(x[1] == 4 and x[3] == 5)"),
	    LUA_OK);
	ck_assert_int_eq(luaL_dostring(vg, "assert(('x'):find('x.') == nil)"),
	    LUA_OK);
}
END_TEST

/* The reference manual's examples, classes, sets, anchors, captures,
 * back-references, %b, %f, and the malformed patterns. */
START_TEST(table_of_cases)
{
	static const char *const cases[][2] = {
		{ "hello world", "o w" }, { "hello world", "o" },
		{ "hello world", "l+" }, { "hello world", "(o)(r)" },
		{ "hello world from Lua", "%a+" },
		{ "from=world, to=Lua", "(%w+)=(%w+)" },
		{ "hello world", "(%w+)" }, { "hello world", "%w+" },
		{ "abc", "%w" }, { "abc", "" }, { "", "" }, { "", "a*" },
		{ "hello world", "^(%w+)" }, { "  trim  ", "^%s*(.-)%s*$" },
		{ "THE (quick) fox", "%((%a+)%)" }, { "x = (a(b)c) y", "%b()" },
		{ "if x then y end", "%f[%w]%w+" },
		{ "THE (quick) fox", "%f[%a]%a+%f[%A]" },
		{ "hello", "()ll()" }, { "hello", "()" }, { "abc", "()()" },
		{ "key = value", "(%w+)%s*=%s*(%w+)" },
		{ "abab", "(ab)%1" }, { "abcabc", "(a)(b)(c)%1%2%3" },
		{ "aaa", "(a*)%1" }, { "say \"hi\" and 'x'", "([\"'])(.-)%1" },
		{ "a.b.c", "%." }, { "a.b.c", "." }, { "a+b", "a%+b" },
		{ "a+b", "[+]" }, { "a-b", "[a-]" }, { "a-b", "[%-]" },
		{ "]", "[]]" }, { "]", "[^]]" }, { "a]", "[^]]" },
		{ "^", "[%^]" }, { "^a", "^^a" }, { "a^", "a^" },
		{ "a$b", "a$b" }, { "ab$", "b$" }, { "ab", "b$" },
		{ "a$", "$" }, { "abc", "^abc$" }, { "abcd", "^abc$" },
		{ "x1y22z333", "%d+" }, { "x1y22z333", "%D+" },
		{ "a\tb\nc", "%s" }, { "a\tb\nc", "%S+" },
		{ "Hello WORLD", "%u+" }, { "Hello WORLD", "%l+" },
		{ "a,b;c!", "%p" }, { "a,b;c!", "%P+" }, { "beef 0x1F", "%x+" },
		{ "abc", "%X+" }, { "a b\x01", "%c" }, { "a b\x01", "%C+" },
		{ "a b", "%g+" }, { "a b", "%G" }, { "abc", "[a-c]+" },
		{ "abc", "[c-a]" }, { "a-z", "[a%-z]+" }, { "b", "[a-%]" },
		{ "%", "[a-%]" }, { "abc_9", "[%w_]+" }, { "abc", "[^%a]" },
		{ "a1", "[%d]" }, { "AAA", "a*" }, { "aaa", "a-" },
		{ "aaa", "a-$" }, { "aaab", "a-b" }, { "aaa", "a?a?a?a?" },
		{ "aaa", "a+?" }, { "ab", "a*?b" }, { "a?", "a%?" },
		{ "abc", "%" }, { "abc", "[a" }, { "abc", "[%" },
		{ "abc", "[^" }, { "abc", "[" }, { "abc", "[]" },
		{ "abc", "%b" }, { "abc", "%ba" }, { "abc", "%f" },
		{ "abc", "%fa" }, { "abc", "%f[a" }, { "abc", "%1" },
		{ "abc", "%0" }, { "abc", "(a)%2" }, { "abc", "(a%1)" },
		{ "abc", "a)" }, { "abc", "(a" }, { "abc", "(a))" },
		{ "abc", "b[" }, { "bbb", "a[" }, { "abc", "c%" },
		{ "abc", "(()" }, { "abc", "(" }, { "abc", ")" },
		{ "abc", "%bac" }, { "((a)(b))", "%b()" }, { "((a)", "%b()" },
		{ "''a''", "%b''" }, { "abc", "%z" }, { "abc", "%Z+" },
		{ "abc", ".-b" }, { "abc", ".-$" }, { "x", "[%a-z]" },
		{ "-", "[%a-z]" }, { "hello.world", "^(.-)%.(.*)$" },
		{ "/usr/bin/ls", "([^/]*)$" }, { "--password=x",
		    "^(%-*)([%w_%-]+)=" },
		{ "Authorization: Bearer x", "^([Aa]uthorization:%s*%a+%s+)" },
		{ "https://u:p@h/x", "^(%a[%w+.-]*://[^/:@]+:)[^/@]+(@.*)$" },
		{ "--token", "^%-%-?([%w_%-]+)$" }, { "a=b", "[=:]" },
		{ "hello world", "%w*" }, { "abc", "b*" }, { "abc", ".*" },
		{ "abc", "x*" }, { "a,b,,c", "([^,]*)" }, { "a b", "%f[%s]" },
		{ "THE END", "%f[%z]" }, { "a\0b", "%z" },
		{ "a.b", "%f[.]" }, { "aa", "(a)(a)%2%1" }, { "abc", "(.)" },
		{ "abc", "[%]]" }, { "a]c", "[%]]" }, { "abc", "[a%" },
		{ "a", "[%a-]" }, { "9", "[^%d]" }, { "x%y", "%%" },
		{ "abc", "(b)()" }, { "abc", "(%1)" }, { "ab", "()a()b()" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_str(cases[i][0], cases[i][1]);
	/* NUL bytes in the subject and the pattern */
	run_variants("a\0b\0", 4, "%z", 2);
	run_variants("a\0b\0", 4, "\0b", 2);
	run_variants("a\0b\0", 4, "[\0]", 3);
	run_variants("a\0b\0", 4, "[^\0]+", 5);
	run_variants("a\0b\0", 4, "a\0*b", 4);
	run_variants("a\0b", 3, "%f[\0]", 5);
	run_variants("x[\0", 3, "x[\0", 3);
	run_variants("x%", 2, "x%\0", 3);
	run_variants("\xff\x80", 2, "[\x80-\xff]+", 6);
}
END_TEST

/* Lua's own recursion and capture limits give the same errors. */
START_TEST(limits_like_lua)
{
	static const int reps[] = { 31, 32, 33 };
	char s[400], p[800];
	size_t i, n;

	memset(s, 'a', 300);
	s[300] = '\0';
	for (n = 195; n <= 201; n++) {
		for (i = 0; i < n; i++)
			memcpy(p + 2 * i, "a?", 2);
		p[2 * n] = '\0';
		run_str(s, p);
		for (i = 0; i < n; i++)
			memcpy(p + 2 * i, "()", 2);
		run_str(s, p);
	}
	for (n = 0; n < sizeof(reps) / sizeof(reps[0]); n++) {
		for (i = 0; i < (size_t)reps[n]; i++)
			p[i] = '(';
		p[reps[n]] = '\0';
		run_str(s, p);
		for (i = 0; i < (size_t)reps[n]; i++)
			memcpy(p + 3 * i, "(a)", 3);
		p[3 * reps[n]] = '\0';
		run_str(s, p);
	}
	for (n = 198; n <= 202; n++) {
		for (i = 0; i < n; i++)
			p[i] = '(';
		p[n] = '\0';
		run_str("", p);
	}
}
END_TEST

/* Argument handling: types, numbers as strings, bad init, bad repl. */
START_TEST(arguments_like_lua)
{
	static const char *const calls[] = {
		"return pcall(string.find)",
		"return pcall(string.find, 'a')",
		"return pcall(string.find, {}, 'a')",
		"return pcall(string.find, 'a', {})",
		"return pcall(string.find, 123, 2)",
		"return pcall(string.find, 123.5, '%.')",
		"return pcall(string.find, 'abc', 'b', 1.5)",
		"return pcall(string.find, 'abc', 'b', '2')",
		"return pcall(string.find, 'abc', 'b', 'x')",
		"return pcall(string.find, 'abc', 'b', math.mininteger)",
		"return pcall(string.find, 'abc', 'b', math.maxinteger)",
		"return pcall(string.find, 'abc', '', 4)",
		"return pcall(string.find, 'abc', '', 5)",
		"return pcall(string.find, 'abc', '.', 1, 1)",
		"return pcall(string.find, 'a.c', '.', 1, 0)",
		"return pcall(string.match, 'abc', '()', 10)",
		"return pcall(string.match)",
		"return pcall(string.gmatch)",
		"return pcall(string.gmatch, 'a')",
		"return pcall(string.gmatch, 12, 2)",
		"return pcall(string.gsub, 'abc', 'b')",
		"return pcall(string.gsub, 'abc', 'b', true)",
		"return pcall(string.gsub, 'abc', 'b', 7)",
		"return pcall(string.gsub, 'abc', 'b', 7.5)",
		"return pcall(string.gsub, 'abc', 'b', 'x', 1.5)",
		"return pcall(string.gsub, 'abc', 'b', 'x', 'y')",
		"return pcall(string.gsub, 'abc', 'b', nil, 'y')",
		"return pcall(string.gsub, 'abc', '', 'x', math.mininteger)",
		"return pcall(string.gsub, 'abc', '', 'x', math.maxinteger)",
		"return pcall(string.gsub, 'abc', '(b)', {b = 1.5})",
		"return pcall(string.gsub, 'abc', '(b)', function() "
		    "return 2^63 end)",
		"return pcall(string.gsub, 'abc', '%w', '%1', 2)",
		"local s = 'x'; return pcall(s.find, s, '(')",
		"return pcall(('abc').gsub, 'abc', 'b', {})",
		"return pcall(function() return ('abc'):find({}) end)",
		"return pcall(function() return ('abc'):gsub('b') end)",
		"local f = string.gmatch('abc', '.'); f(); "
		    "return pcall(f, 'ignored', 1)",
		"local t = {} for k, v in string.gmatch('a=1, b=2', "
		    "'(%w+)=(%w+)') do t[#t + 1] = k .. v end "
		    "return table.concat(t, ',')",
		"local t = {} for w in string.gmatch('one two', '^%a+') "
		    "do t[#t + 1] = w end return #t",
		"local t = {} for w in string.gmatch('^a^b', '^%a') "
		    "do t[#t + 1] = w end return table.concat(t)",
		"return string.gsub('hello world', '(%w+)', '<%1>')",
		"return string.gsub('hello world', '%w+', '%0 %0', 1)",
		"return string.gsub('hello world', '(%w+)%s*(%w+)', '%2 %1')",
		"return string.gsub('abc', '', '-')",
		"return string.gsub('$name is $x', '%$(%w+)', "
		    "{name = 'lua', x = false})",
		"return string.gsub('4+5 = $return 4+5$', '%$(.-)%$', "
		    "function(s) return load(s)() end)",
		"return string.gsub('abc', '%w', '%%')",
		"return string.gsub('abc', '.', {a = 1, b = 2.5})",
		"return pcall(string.gsub, 'abc', '.', setmetatable({}, "
		    "{__index = function() error('idx') end}))",
		"return pcall(string.gsub, 'abc', '.', function() "
		    "error('cb', 0) end)",
		"return pcall(string.gsub, 'abc', '.', function() "
		    "error({}) end)",
		"return string.gsub('abc', '.', function(c) return "
		    "string.gsub(c, '.', '%0%0') end)",
	};
	size_t i, la, lb;
	int na, nb, k;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		luaL_Buffer ba, bb;

		lua_settop(ref, 0);
		lua_settop(vg, 0);
		vg_lstr_arm(&budget);
		ck_assert_int_eq(luaL_loadstring(ref, calls[i]), LUA_OK);
		ck_assert_int_eq(luaL_loadstring(vg, calls[i]), LUA_OK);
		na = lua_pcall(ref, 0, LUA_MULTRET, 0);
		nb = lua_pcall(vg, 0, LUA_MULTRET, 0);
		ck_assert_msg(na == nb, "%s: pcall %d vs %d", calls[i], na,
		    nb);
		na = lua_gettop(ref);
		nb = lua_gettop(vg);
		ck_assert_msg(na == nb, "%s: %d vs %d results", calls[i], na,
		    nb);
		luaL_buffinit(ref, &ba);
		for (k = 1; k <= na; k++) {
			luaL_tolstring(ref, k, NULL);
			if (lua_type(ref, k) == LUA_TTABLE ||
			    lua_type(ref, k) == LUA_TFUNCTION) {
				lua_pop(ref, 1);
				lua_pushstring(ref, luaL_typename(ref, k));
			}
			luaL_addvalue(&ba);
			luaL_addchar(&ba, '|');
		}
		luaL_pushresult(&ba);
		luaL_buffinit(vg, &bb);
		for (k = 1; k <= nb; k++) {
			luaL_tolstring(vg, k, NULL);
			if (lua_type(vg, k) == LUA_TTABLE ||
			    lua_type(vg, k) == LUA_TFUNCTION) {
				lua_pop(vg, 1);
				lua_pushstring(vg, luaL_typename(vg, k));
			}
			luaL_addvalue(&bb);
			luaL_addchar(&bb, '|');
		}
		luaL_pushresult(&bb);
		ck_assert_msg(strcmp(lua_tolstring(ref, -1, &la),
		    lua_tolstring(vg, -1, &lb)) == 0 && la == lb,
		    "%s:\nlua:   %s\nvigil: %s", calls[i],
		    lua_tostring(ref, -1), lua_tostring(vg, -1));
		ncases++;
	}
}
END_TEST

/* Deterministic generator (xorshift), so that a failure repeats. */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static size_t
gen_subject(char *s, size_t cap)
{
	static const char alpha[] = "aaabbb()[]% .1_x-^$";
	size_t n = rnd(16), i;

	if (n > cap)
		n = cap;
	for (i = 0; i < n; i++)
		s[i] = rnd(40) == 0 ? '\0' : alpha[rnd(sizeof(alpha) - 1)];
	return n;
}

/* A random pattern of a few items, sometimes malformed. */
static size_t
gen_pattern(char *p, size_t cap)
{
	static const char *const atoms[] = { "a", "a", "b", "b", "x", ".",
	    "%a", "%d", "%s", "%W", "%z", "%%", "%.", "%(", "%]", "[ab]",
	    "[^a]", "[a-b]", "[%a%d]", "[]]", "[^]a]", "[a-]", "[%]]",
	    "[%-b]", "%b()", "%bab", "%b[]", "%f[a]", "%f[%W]", "%f[^a]",
	    "%1", "%2", "%0", "(", "(", ")", ")", "()", "$", "^", " ",
	    "-", "%u", "%P", "[^%s]", "[_%d]" };
	static const char *const bad[] = { "%", "[a", "[", "%b(", "%b",
	    "%f", "%fa", "[%", "[^", "%f[a" };
	static const char quant[] = "*+-?";
	size_t n = 1 + rnd(6), i, len = 0, q = 0;
	const char *a;

	if (rnd(5) == 0)
		p[len++] = '^';
	for (i = 0; i < n && len + 8 < cap; i++) {
		a = atoms[rnd(sizeof(atoms) / sizeof(atoms[0]))];
		memcpy(p + len, a, strlen(a));
		len += strlen(a);
		/* few repetitions: the stock matcher has no budget */
		if (q < 4 && rnd(3) == 0) {
			p[len++] = quant[rnd(4)];
			q++;
		}
	}
	if (rnd(5) == 0)
		p[len++] = '$';
	if (rnd(12) == 0) {
		a = bad[rnd(sizeof(bad) / sizeof(bad[0]))];
		if (len + strlen(a) < cap) {
			memcpy(p + len, a, strlen(a));
			len += strlen(a);
		}
	}
	return len;
}

START_TEST(random_cases)
{
	static const char *const repls[] = { "x", "%0", "%1", "<%2%1>",
	    "%%", "%", "%a", "", NULL };
	char s[32], p[96];
	struct pcase c;
	int i;

	for (i = 0; i < 4000; i++) {
		memset(&c, 0, sizeof(c));
		c.slen = gen_subject(s, sizeof(s));
		c.plen = gen_pattern(p, sizeof(p));
		c.s = s;
		c.p = p;
		c.has_init = rnd(3) == 0;
		c.init = (lua_Integer)rnd(24) - 12;
		c.plain = (int)rnd(3);
		c.repl = repls[rnd(sizeof(repls) / sizeof(repls[0]))];
		c.has_max = rnd(4) == 0;
		c.max = (lua_Integer)rnd(4) - 1;
		run_case(&c);
	}
}
END_TEST

/* --- the budget ------------------------------------------------------- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *
run_vg(const char *src)
{
	lua_settop(vg, 0);
	if (luaL_dostring(vg, src) == LUA_OK)
		return NULL;
	return lua_tostring(vg, -1);
}

/* The case of the security review: Lua's own matcher does not finish it
 * in 20 s; vigil's stops at the budget. */
START_TEST(backtracking_stops)
{
	static const char *const bombs[] = {
		"string.find(string.rep('a', 40), string.rep('a*', 12) .. 'b')",
		"string.match(string.rep('a', 40), string.rep('a-', 12) .. "
		    "'b')",
		"(string.rep('a', 40)):find(string.rep('a?', 30) .. "
		    "string.rep('a', 30) .. 'b')",
		"for x in string.gmatch(string.rep('a', 40), "
		    "string.rep('(a*)', 12) .. 'b') do end",
		"string.gsub(string.rep('a', 40), string.rep('.-', 12) .. "
		    "'$x', 'y')",
		"string.find(string.rep('(', 5000), string.rep('%b()', 9) .. "
		    "'x')",
	};
	const char *err;
	double t0;
	size_t i;

	budget.limit = 10000000;
	for (i = 0; i < sizeof(bombs) / sizeof(bombs[0]); i++) {
		vg_lstr_arm(&budget);
		t0 = now();
		err = run_vg(bombs[i]);
		ck_assert_msg(err != NULL && strstr(err, "pattern too complex "
		    "for vigil's step budget (10000000 steps per filter call)")
		    != NULL, "%s: %s", bombs[i], err ? err : "no error");
		ck_assert_int_eq(budget.exhausted, 1);
		ck_assert_uint_eq(budget.left, 0);
		/* generous: 10M steps take some ms; Lua's matcher, hours */
		ck_assert_msg(now() - t0 < 10, "%s took %.1f s", bombs[i],
		    now() - t0);
	}
}
END_TEST

/* One budget for all the pattern calls between two arms, plain searches,
 * gmatch iterators and gsub callbacks included. */
START_TEST(budget_shared)
{
	const char *err;
	uint64_t used;

	budget.limit = 100000;
	vg_lstr_arm(&budget);
	ck_assert_ptr_null(run_vg("s = string.rep('ab', 1000); "
	    "assert(s:find('ba', 1, true) == 2)"));
	used = budget.limit - budget.left;
	ck_assert_msg(used >= 1 && used < 10, "plain: %llu",
	    (unsigned long long)used);
	/* plain search: one step per 16 bytes scanned */
	vg_lstr_arm(&budget);
	ck_assert_ptr_null(run_vg("assert(s:find('x', 1, true) == nil)"));
	used = budget.limit - budget.left;
	ck_assert_msg(used == 1 + 2000 / 16, "plain miss: %llu",
	    (unsigned long long)used);
	/* many cheap calls add up */
	vg_lstr_arm(&budget);
	err = run_vg("for i = 1, 100000 do s:find('b$', 1999) end");
	ck_assert_msg(err != NULL && strstr(err, "step budget") != NULL,
	    "%s", err ? err : "no error");
	ck_assert_int_eq(budget.exhausted, 1);
	/* once out, every pattern call fails, even a pcall'ed one's next */
	err = run_vg("pcall(string.rep('a', 30).find, string.rep('a', 30), "
	    "string.rep('a*', 10) .. 'b'); return ('x'):find('x')");
	ck_assert_msg(err != NULL && strstr(err, "step budget") != NULL,
	    "%s", err ? err : "no error");
	/* armed again: all there */
	vg_lstr_arm(&budget);
	ck_assert_ptr_null(run_vg("assert(('x'):find('x') == 1)"));
	ck_assert_int_eq(budget.exhausted, 0);
	/* a gsub callback spends from the same budget */
	vg_lstr_arm(&budget);
	err = run_vg("string.gsub(string.rep('x', 50), '.', function(c) "
	    "return (string.rep(c, 100):gsub('x-y', '')) end)");
	ck_assert_msg(err != NULL && strstr(err, "step budget") != NULL,
	    "%s", err ? err : "no error");
	/* a gmatch iterator too, across its calls */
	vg_lstr_arm(&budget);
	ck_assert_ptr_null(run_vg("it = string.gmatch(string.rep('ab ', "
	    "50000), '%a+')"));
	err = run_vg("for w in it do end");
	ck_assert_msg(err != NULL && strstr(err, "step budget") != NULL,
	    "%s", err ? err : "no error");
	vg_lstr_arm(&budget);
	ck_assert_ptr_null(run_vg("local n = 0 for w in string.gmatch("
	    "string.rep('ab ', 200), '%a+') do n = n + 1 end "
	    "assert(n == 200)"));
}
END_TEST

/* The matcher alone: what an exec leaves, and errors as codes. */
START_TEST(matcher_api)
{
	struct vg_lpat m;
	size_t end = 0;
	char msg[128];

	vg_lpat_init(&m, "key=value", 9, "(%w+)=()", 8, 1000);
	ck_assert_int_eq(vg_lpat_exec(&m, 0, &end), 1);
	ck_assert_uint_eq(end, 4);
	ck_assert_int_eq(m.ncap, 2);
	ck_assert_uint_eq(m.cap[0].pos, 0);
	ck_assert_int_eq(m.cap[0].len, 3);
	ck_assert_uint_eq(m.cap[1].pos, 4);
	ck_assert_int_eq(m.cap[1].len, VG_LPAT_CAP_POS);
	ck_assert_uint_lt(m.steps, 1000);
	ck_assert_int_eq(vg_lpat_exec(&m, 4, &end), 0);
	ck_assert_int_eq(vg_lpat_exec(&m, 10, &end), 0);

	vg_lpat_init(&m, "abc", 3, "(a)%3", 5, 1000);
	ck_assert_int_eq(vg_lpat_exec(&m, 0, &end), -1);
	ck_assert_int_eq(m.err, VG_LPAT_ECAPINDEX);
	vg_lpat_strerror(m.err, m.err_index, msg, sizeof(msg));
	ck_assert_str_eq(msg, "invalid capture index %3");

	vg_lpat_init(&m, "aaaaaaaaaaaaaaaaaaaa", 20, "a*a*a*a*a*b", 11, 5000);
	ck_assert_int_eq(vg_lpat_exec(&m, 0, &end), -1);
	ck_assert_int_eq(m.err, VG_LPAT_EBUDGET);
	ck_assert_uint_eq(m.steps, 0);

	ck_assert_int_eq(vg_lpat_is_plain("a]b)c", 5), 1);
	ck_assert_int_eq(vg_lpat_is_plain("a\0.", 3), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("lua_pattern");
	TCase *tc = tcase_create("differential");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, uses_vigils_functions);
	tcase_add_test(tc, table_of_cases);
	tcase_add_test(tc, limits_like_lua);
	tcase_add_test(tc, arguments_like_lua);
	tcase_add_test(tc, random_cases);
	suite_add_tcase(s, tc);

	tc = tcase_create("budget");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, backtracking_stops);
	tcase_add_test(tc, budget_shared);
	tcase_add_test(tc, matcher_api);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(suite());
}
