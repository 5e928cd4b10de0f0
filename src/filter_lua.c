/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_lua.c: Lua 5.3 filters. One sandboxed lua_State per filter with a
 * memory cap (allocator), an instruction budget per call (count hook), a
 * step budget for pattern matching (filter_lua_str.c), a size cap on
 * returned events and no finalizers (no __gc can be set).
 * Every Lua step runs under lua_pcall, so a filter can fail a call but
 * never the daemon: the event then passes and the error is counted and
 * logged at a limited rate. Tree <-> table conversion: filter_lua_conv.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <grp.h>
#include <pwd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "filter_lua_priv.h"
#include "lua_pool.h"
#include "vigil/clock.h"
#include "vigil/filter_lua.h"
#include "vigil/layout.h"
#include "vigil/log.h"
#include "vigil/view.h"

void	vg_ctx_lua_setup(lua_State *);	/* context/ctx_lua.c */

#define ERR_BURST	10	/* error messages per window and filter */
#define LOG_BURST	100	/* vigil.log() messages per window */
#define RL_WINDOW	60	/* seconds */

struct ratelim {
	time_t		 start;
	unsigned	 n;
	uint64_t	 suppressed;
};

struct lfilter;

/* One loaded version of the file. */
struct lstate {
	lua_State	*L;
	size_t		 mem, limit;	/* bytes allocated / allowed */
	int		 fn_ref;	/* registry ref of filter() */
	int		 fn_line;	/* where filter() is defined */
	int		 hook_fired;	/* instruction budget used up */
	int		 mem_refused;	/* allocator said no this call */
	struct vg_lstr_budget steps;	/* of string.find & co. */
	struct vg_lconv	 conv;
	struct vg_layout *lo;		/* lookups without a caller's view */
	struct vg_lpool	 pool;		/* the state's small blocks */
	struct lfilter	*lf;
	char		 hostname[256];
};

struct lfilter {
	struct vg_filter	 f;	/* first: f.priv points back here */
	char			*path;
	size_t			 mem_limit;
	size_t			 event_limit;	/* JSON bytes of a result */
	int			 instr_limit;
	uint64_t		 pattern_steps;	/* per call */
	int			 quiet;		/* vg_lua_opts.quiet */
	struct lstate		*st;
	struct ratelim		 err_rl, log_rl;
	char			 last_err[512];	/* vg_filter_lua_error */
};

/* What one protected call gets and gives. */
struct call {
	struct lstate		*st;
	const struct vg_node	*doc;		/* NULL: read through view */
	struct vg_view		*view;
	struct vg_node		*newdoc;
	enum vg_verdict		 verdict;
};

static const struct vg_filter_ops lua_ops;

/* --- limits --------------------------------------------------------- */

/* Allocator: counts bytes and refuses growth past the limit (Lua then
 * collects garbage and, if that is not enough, raises a memory error). */
static void *
lalloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct lstate *st = ud;
	size_t old = ptr != NULL ? osize : 0;
	void *p;

	if (nsize == 0) {
		st->mem -= old;
		return vg_lpool_realloc(&st->pool, ptr, old, 0);
	}
	if (nsize > old && (nsize - old > st->limit ||
	    st->mem + (nsize - old) > st->limit)) {
		st->mem_refused = 1;
		return NULL;
	}
	if ((p = vg_lpool_realloc(&st->pool, ptr, old, nsize)) == NULL)
		return NULL;
	st->mem = st->mem - old + nsize;
	return p;
}

static void
count_hook(lua_State *L, lua_Debug *ar)
{
	struct lstate *st;

	lua_getallocf(L, (void **)&st);
	st->hook_fired = 1;
	/* fire on every instruction from now on: a pcall in the filter
	 * may catch this error once but cannot run on after it */
	lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		luaL_error(L, "%s:%d: instruction limit exceeded",
		    ar->short_src, ar->currentline);
	luaL_error(L, "instruction limit exceeded");
}

static void
arm(struct lstate *st)
{
	st->hook_fired = 0;
	st->mem_refused = 0;
	vg_lstr_arm(&st->steps);
	lua_sethook(st->L, count_hook, LUA_MASKCOUNT, st->lf->instr_limit);
}

/*
 * The error object at the top as text, outside protection: a string as
 * it is, anything else by its type. lua_tostring() would convert a number
 * in place, which allocates, and a memory error here has no handler.
 */
static const char *
err_text(lua_State *L)
{
	if (lua_type(L, -1) == LUA_TSTRING)
		return lua_tostring(L, -1);
	return lua_type(L, -1) == LUA_TNUMBER ? "error object is a number" :
	    "error object is not a string";
}

/* Message handler of every call: a number as error object becomes its
 * text while the call is still protected (a memory error in it is the
 * handler's error, not a panic). */
static int
err_msgh(lua_State *L)
{
	if (lua_type(L, 1) == LUA_TNUMBER)
		(void)lua_tostring(L, 1);
	return 1;
}

static int
panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);

	/* every call is protected; reaching this is a bug in vigil */
	vg_fatalx("lua: unprotected error: %s", msg ? msg : "?");
}

/* Returns 1 if a message may be logged now; *prev is set to the number
 * suppressed in the window that just ended (0 if none). */
static int
ratelim_ok(struct ratelim *r, unsigned burst, uint64_t *prev)
{
	time_t now = time(NULL);

	*prev = 0;
	if (now - r->start >= RL_WINDOW || now < r->start) {
		*prev = r->suppressed;
		r->start = now;
		r->n = 0;
		r->suppressed = 0;
	}
	if (r->n < burst) {
		r->n++;
		return 1;
	}
	r->suppressed++;
	return 0;
}

/* --- helpers offered to filters (the vigil table) --------------------- */

#define LSTATE(L) ((struct lstate *)lua_touserdata((L), lua_upvalueindex(1)))

static void
log_msg(struct lstate *st, const char *msg, size_t len)
{
	struct lfilter *lf = st->lf;
	uint64_t prev;

	if (!ratelim_ok(&lf->log_rl, LOG_BURST, &prev)) {
		return;
	}
	if (prev)
		vg_log_info("lua %s: %" PRIu64 " log messages suppressed",
		    lf->f.name, prev);
	vg_log_info("lua %s: %.*s", lf->f.name,
	    (int)(len > 1024 ? 1024 : len), msg);
}

/* vigil.log(...) and print(...): arguments joined by tabs. */
static int
l_log(lua_State *L)
{
	int n = lua_gettop(L), i;
	luaL_Buffer b;
	size_t len;
	const char *s;

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		s = luaL_tolstring(L, i, &len);
		luaL_addvalue(&b);
		(void)s;
	}
	luaL_pushresult(&b);
	s = lua_tolstring(L, -1, &len);
	log_msg(LSTATE(L), s, len);
	return 0;
}

static int
l_hostname(lua_State *L)
{
	lua_pushstring(L, LSTATE(L)->hostname);
	return 1;
}

/* vigil.user_name(uid), vigil.group_name(gid): the name from the system
 * databases (NSS: may be slow if those are remote; cache in the filter),
 * or nil. */
static int
l_user_name(lua_State *L)
{
	lua_Integer id = luaL_checkinteger(L, 1);
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (id < 0 || id > UINT32_MAX ||
	    getpwuid_r((uid_t)id, &pw, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		lua_pushnil(L);
	else
		lua_pushstring(L, res->pw_name);
	return 1;
}

static int
l_group_name(lua_State *L)
{
	lua_Integer id = luaL_checkinteger(L, 1);
	struct group gr, *res = NULL;
	char buf[4096];

	if (id < 0 || id > UINT32_MAX ||
	    getgrgid_r((gid_t)id, &gr, buf, sizeof(buf), &res) != 0 ||
	    res == NULL)
		lua_pushnil(L);
	else
		lua_pushstring(L, res->gr_name);
	return 1;
}

/* Parses a textual IPv4/IPv6 address into 16 bytes; returns 4, 16 or 0. */
static int
parse_ip(const char *s, size_t len, uint8_t out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, buf, out) == 1)
		return 16;
	return 0;
}

static int
prefix_eq(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (whole && memcmp(a, b, whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* vigil.cidr_match(cidr, addr): "10.0.0.0/8", "fe80::/10" or an address.
 * An IPv4-mapped IPv6 address matches IPv4 networks. A bad cidr is an
 * error; an addr that is not an address (nil included) gives false. */
static int
l_cidr_match(lua_State *L)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	size_t clen, alen, iplen;
	const char *cidr = luaL_checklstring(L, 1, &clen), *addr, *slash;
	uint8_t net[16], ip[16];
	unsigned long bits;
	int nfam, afam;
	char *end;

	slash = memchr(cidr, '/', clen);
	iplen = slash != NULL ? (size_t)(slash - cidr) : clen;
	if ((nfam = parse_ip(cidr, iplen, net)) == 0)
		return luaL_argerror(L, 1, "not an address or CIDR");
	bits = (unsigned long)nfam * 8;
	if (slash != NULL) {
		errno = 0;
		if (slash[1] < '0' || slash[1] > '9')
			return luaL_argerror(L, 1, "bad prefix length");
		bits = strtoul(slash + 1, &end, 10);
		if (errno != 0 || end != cidr + clen ||
		    bits > (unsigned long)nfam * 8)
			return luaL_argerror(L, 1, "bad prefix length");
	}
	if (lua_type(L, 2) != LUA_TSTRING) {
		lua_pushboolean(L, 0);
		return 1;
	}
	addr = lua_tolstring(L, 2, &alen);
	afam = parse_ip(addr, alen, ip);
	if (afam == 16 && nfam == 4 && memcmp(ip, mapped, 12) == 0) {
		memmove(ip, ip + 12, 4);
		afam = 4;
	}
	lua_pushboolean(L, afam == nfam && prefix_eq(net, ip, (unsigned)bits));
	return 1;
}

/*
 * One [...] class at p[*pi] (just after the '['). Returns 1 match, 0 no
 * match, -1 if the class is not closed (then '[' is literal). *pi is moved
 * past the ']' unless -1.
 */
static int
glob_class(const char *p, size_t pl, size_t *pi, unsigned char c)
{
	size_t i = *pi;
	int neg = 0, hit = 0, first = 1;
	unsigned char lo, hi;

	if (i < pl && (p[i] == '!' || p[i] == '^')) {
		neg = 1;
		i++;
	}
	for (; i < pl; first = 0) {
		if (p[i] == ']' && !first) {
			*pi = i + 1;
			return hit != neg;
		}
		if (p[i] == '\\' && i + 1 < pl)
			i++;
		lo = hi = (unsigned char)p[i++];
		if (i + 1 < pl && p[i] == '-' && p[i + 1] != ']') {
			i++;
			if (p[i] == '\\' && i + 1 < pl)
				i++;
			hi = (unsigned char)p[i++];
		}
		if (c >= lo && c <= hi)
			hit = 1;
	}
	return -1;
}

/* Shell-style match over byte strings: '*' any run (also '/'), '?' one
 * byte, [a-z] [!x] classes, '\' escapes. Linear backtracking on the last
 * '*' only, so O(len(p) * len(s)) at worst: each byte compared is a step
 * taken from *steps; -1 when they run out. */
static int
glob_match(const char *p, size_t pl, const char *s, size_t sl,
    uint64_t *steps)
{
	size_t pi = 0, si = 0, star = SIZE_MAX, star_si = 0, npi;
	int r;

	while (si < sl) {
		if (*steps == 0)
			return -1;
		(*steps)--;
		if (pi < pl) {
			switch (p[pi]) {
			case '*':
				star = ++pi;
				star_si = si;
				continue;
			case '?':
				pi++;
				si++;
				continue;
			case '[':
				npi = pi + 1;
				r = glob_class(p, pl, &npi,
				    (unsigned char)s[si]);
				if (r == 1) {
					pi = npi;
					si++;
					continue;
				}
				if (r == 0)
					break;
				/* unclosed: literal '[' */
				if (s[si] == '[') {
					pi++;
					si++;
					continue;
				}
				break;
			case '\\':
				if (pi + 1 < pl) {
					if (p[pi + 1] == s[si]) {
						pi += 2;
						si++;
						continue;
					}
					break;
				}
				/* FALLTHROUGH */
			default:
				if (p[pi] == s[si]) {
					pi++;
					si++;
					continue;
				}
				break;
			}
		}
		if (star == SIZE_MAX)
			return 0;
		pi = star;
		si = ++star_si;
	}
	while (pi < pl && p[pi] == '*')
		pi++;
	return pi == pl;
}

/* vigil.glob_match(pattern, str): false if str is not a string. */
static int
l_glob_match(lua_State *L)
{
	struct vg_lstr_budget *b;
	uint64_t left;
	size_t pl, sl;
	int r;
	const char *p = luaL_checklstring(L, 1, &pl), *s;

	if (lua_type(L, 2) != LUA_TSTRING) {
		lua_pushboolean(L, 0);
		return 1;
	}
	s = lua_tolstring(L, 2, &sl);
	b = &LSTATE(L)->steps;
	left = b->left;
	r = glob_match(p, pl, s, sl, &left);
	/* what it took, or all there was and the budget's error */
	vg_lstr_charge(L, b, r == -1 ? UINT64_MAX : b->left - left,
	    "vigil.glob_match");
	lua_pushboolean(L, r);
	return 1;
}

/* load(s [, name [, mode [, env]]]): text chunks given as strings only. */
static int
l_load(lua_State *L)
{
	size_t len;
	const char *s, *name;

	if (lua_type(L, 1) != LUA_TSTRING) {
		lua_pushnil(L);
		lua_pushliteral(L, "load: only text chunks in strings are "
		    "allowed in filters");
		return 2;
	}
	s = lua_tolstring(L, 1, &len);
	name = luaL_optstring(L, 2, "=(load)");
	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	if (!lua_isnone(L, 4)) {
		lua_pushvalue(L, 4);
		if (lua_setupvalue(L, -2, 1) == NULL)
			lua_pop(L, 1);
	}
	return 1;
}

/* --- sandbox and loading ---------------------------------------------- */

static void
open_sandbox(lua_State *L, struct lstate *st)
{
	static const struct luaL_Reg vigil_fns[] = {
		{ "log", l_log },
		{ "hostname", l_hostname },
		{ "cidr_match", l_cidr_match },
		{ "glob_match", l_glob_match },
		{ "user_name", l_user_name },
		{ "group_name", l_group_name },
		{ NULL, NULL },
	};
	static const char *const os_keep[] = { "clock", "date", "difftime",
	    "time", NULL };
	static const char *const base_drop[] = { "dofile", "loadfile", NULL };
	const char *const *k;

	/* no coroutine library: the count hook is per thread (a coroutine
	 * starts a fresh count), so coroutines would multiply the budget */
	luaL_requiref(L, "_G", luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_pop(L, 5);

	for (k = base_drop; *k != NULL; k++) {
		lua_pushnil(L);
		lua_setglobal(L, *k);
	}
	/* find, match, gmatch and gsub: bounded by the step budget, as
	 * Lua's own matcher backtracks in C, out of the count hook's reach;
	 * s:find() reaches the same table through the strings' __index */
	lua_getglobal(L, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	vg_lstr_setup(L, &st->steps);
	lua_pop(L, 1);
	/* rep, move, insert, remove: loops in C whose count the filter
	 * picks, with no memory to bound them */
	vg_lbulk_setup(L, &st->steps);
	lua_pushcfunction(L, l_load);
	lua_setglobal(L, "load");
	/* the strings' metatable (s:upper() goes through it) is shared by
	 * every string of the state: locked like vigil's own metatables */
	lua_pushliteral(L, "");
	if (lua_getmetatable(L, -1)) {
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
		lua_pop(L, 1);
	}
	lua_pop(L, 1);

	/* os: only the clock and calendar functions, in a fresh table */
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);
	lua_createtable(L, 0, 4);
	for (k = os_keep; *k != NULL; k++) {
		lua_getfield(L, -2, *k);
		lua_setfield(L, -2, *k);
	}
	lua_setglobal(L, LUA_OSLIBNAME);
	lua_pop(L, 1);

	lua_createtable(L, 0, 8);
	lua_pushlightuserdata(L, st);
	luaL_setfuncs(L, vigil_fns, 1);
	lua_pushlightuserdata(L, st);
	lua_pushcclosure(L, l_log, 1);
	lua_setglobal(L, "print");
	vg_lconv_setup(L, &st->conv);
	vg_ctx_lua_setup(L);		/* vigil.process(): context/ctx_lua.c */
	lua_setglobal(L, "vigil");
}

/* Protected: sandbox, load and run the file, find filter(). */
static int
pload(lua_State *L)
{
	struct lstate *st = lua_touserdata(L, 1);
	lua_Debug ar;

	open_sandbox(L, st);
	if (luaL_loadfilex(L, st->lf->path, "t") != LUA_OK)
		return lua_error(L);
	arm(st);
	lua_call(L, 0, 0);
	if (lua_getglobal(L, "filter") != LUA_TFUNCTION)
		return luaL_error(L, "%s: no function filter(event) defined",
		    st->lf->path);
	lua_pushvalue(L, -1);
	if (lua_getinfo(L, ">S", &ar) && ar.linedefined > 0)
		st->fn_line = ar.linedefined;
	st->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* Splits "chunk:LINE: text" into err->line and err->msg. */
static void
set_err(struct vg_err *err, const char *path, const char *msg)
{
	const char *p, *q;
	unsigned long line = 0;

	if (err == NULL)
		return;
	snprintf(err->file, sizeof(err->file), "%s", path);
	err->line = 0;
	for (p = strchr(msg, ':'); p != NULL; p = strchr(p + 1, ':')) {
		for (q = p + 1; *q >= '0' && *q <= '9'; q++)
			;
		if (q > p + 1 && *q == ':') {
			errno = 0;
			line = strtoul(p + 1, NULL, 10);
			if (errno == 0 && line <= UINT_MAX) {
				err->line = (unsigned)line;
				msg = q + 1;
				while (*msg == ' ')
					msg++;
			}
			break;
		}
	}
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

static void
lstate_close(struct lstate *st)
{
	if (st == NULL)
		return;
	if (st->L != NULL)
		lua_close(st->L);	/* no finalizers: __gc is refused */
	vg_lpool_release(&st->pool);
	vg_lconv_free(&st->conv);
	vg_layout_free(st->lo);
	free(st);
}

static struct lstate *
lstate_open(struct lfilter *lf, struct vg_err *err)
{
	struct lstate *st;
	const char *msg;

	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->lo = vg_layout_new()) == NULL) {
		free(st);
		set_err(err, lf->path, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	st->lf = lf;
	st->limit = lf->mem_limit;
	st->steps.limit = lf->pattern_steps;
	st->conv.out_limit = lf->event_limit;
	st->fn_ref = LUA_NOREF;
	if (gethostname(st->hostname, sizeof(st->hostname) - 1) == -1)
		st->hostname[0] = '\0';
	if ((st->L = lua_newstate(lalloc, st)) == NULL) {
		set_err(err, lf->path, "cannot create a Lua state (memory "
		    "limit too small?)");
		vg_lpool_release(&st->pool);
		vg_layout_free(st->lo);
		free(st);
		errno = ENOMEM;
		return NULL;
	}
	lua_atpanic(st->L, panic);
	lua_pushcfunction(st->L, err_msgh);
	lua_pushcfunction(st->L, pload);
	lua_pushlightuserdata(st->L, st);
	if (lua_pcall(st->L, 1, 0, 1) != LUA_OK) {
		msg = err_text(st->L);
		set_err(err, lf->path, msg != NULL ? msg : "not enough memory");
		lstate_close(st);
		errno = EINVAL;
		return NULL;
	}
	lua_settop(st->L, 0);
	return st;
}

/* --- running -------------------------------------------------------- */

static int
ppatch(lua_State *L)
{
	lua_pushboolean(L, vg_lconv_patch(L, lua_touserdata(L, 1), 2));
	return 1;
}

/*
 * The result at the top as a patch of view v's event (vg_lconv_patch),
 * charged as if the untouched rest were as large as the line can be
 * (vg_view_json_bound): 1 if it is one. Any error (the limit, memory)
 * leaves no patch and the caller converts the whole result, which gives
 * the same verdict and errors as without this way.
 */
static int
try_patch(lua_State *L, struct lstate *st, struct vg_view *v)
{
	size_t bound;
	int ok = 0;

	if (v == NULL || !v->patch_ok ||
	    (bound = vg_view_json_bound(v)) > st->lf->event_limit)
		return 0;
	st->conv.out_used = bound;
	lua_pushcfunction(L, ppatch);
	lua_pushlightuserdata(L, &st->conv);
	lua_pushvalue(L, -3);
	if (lua_pcall(L, 2, 1, 0) == LUA_OK)
		ok = lua_toboolean(L, -1);
	lua_pop(L, 1);
	if (!ok) {
		st->conv.out_used = 0;
		st->conv.out_over = 0;
		v->patch = NULL;
		v->npatch = 0;
	}
	return ok;
}

/* Protected: event -> table, filter(), result -> verdict/tree. */
static int
prun(lua_State *L)
{
	struct call *c = lua_touserdata(L, 1);
	struct lstate *st = c->st;
	lua_Integer v;

	lua_rawgeti(L, LUA_REGISTRYINDEX, st->fn_ref);
	if (c->doc != NULL)
		vg_lconv_push(L, &st->conv, c->doc);
	else
		vg_lconv_push_view(L, &st->conv, c->view);
	lua_call(L, 1, 1);
	switch (lua_type(L, -1)) {
	case LUA_TNIL:
		c->verdict = VG_PASS;
		return 0;
	case LUA_TBOOLEAN:
		/* true keeps the event, false drops it */
		c->verdict = lua_toboolean(L, -1) ? VG_PASS : VG_DROP;
		return 0;
	case LUA_TNUMBER:
		if (lua_isinteger(L, -1)) {
			v = lua_tointeger(L, -1);
			if (v == 0 || v == 1) {
				c->verdict = v == 1 ? VG_DROP : VG_PASS;
				return 0;
			}
		}
		break;
	case LUA_TTABLE:
		/* the event as it came: passed unchanged (what converting it
		 * would give), unless it may be over max_event_bytes, which
		 * the conversion finds, as before */
		if (c->doc == NULL && vg_lconv_untouched(L, &st->conv, -1) &&
		    vg_view_json_bound(c->view) <= st->lf->event_limit) {
			c->verdict = VG_PASS;
			return 0;
		}
		/* record members changed, nothing else: the JSON line with
		 * their values replaced (vigil/view.h), not the tree */
		if (c->doc == NULL && try_patch(L, st, c->view)) {
			c->verdict = VG_PASS;
			return 0;
		}
		c->newdoc = vg_lconv_to_node(L, &st->conv, -1);
		/* an event is an object: [1, 2] is no event to write */
		if (c->newdoc->type != VG_N_OBJ) {
			c->newdoc = NULL;
			lua_pushliteral(L, "filter() returned an array (want "
			    "an event: a table with string keys)");
			return lua_error(L);
		}
		c->verdict = VG_PASS;
		return 0;
	default:
		break;
	}
	lua_pushfstring(L, "filter() returned %s (want 0, 1, true, false, "
	    "nil or a table)", lua_tostring(L, -1) != NULL ?
	    lua_tostring(L, -1) : luaL_typename(L, -1));
	return lua_error(L);
}

static int
pgc(lua_State *L)
{
	lua_gc(L, LUA_GCCOLLECT, 0);
	return 0;
}

static void
report(struct lfilter *lf, int rc, const char *msg)
{
	struct lstate *st = lf->st;
	uint64_t prev;

	if (lf->quiet || !ratelim_ok(&lf->err_rl, ERR_BURST, &prev))
		return;
	if (prev)
		vg_log_warnx("lua %s: %" PRIu64 " more errors not logged",
		    lf->f.name, prev);
	if (st->conv.out_over)
		vg_log_warnx("lua %s: returned event larger than %zu bytes "
		    "(max_event_bytes), event passed (%" PRIu64 " errors)",
		    lf->f.name, lf->event_limit, lf->f.errors);
	else if (st->hook_fired)
		vg_log_warnx("lua %s: instruction limit (%d) exceeded, event "
		    "passed (%" PRIu64 " errors)", lf->f.name,
		    lf->instr_limit, lf->f.errors);
	else if (st->steps.exhausted)
		vg_log_warnx("lua %s: pattern step budget (%" PRIu64 ") "
		    "exceeded, event passed (%" PRIu64 " errors)", lf->f.name,
		    st->steps.limit, lf->f.errors);
	else if (rc == LUA_ERRMEM || st->mem_refused)
		vg_log_warnx("lua %s: memory limit (%zu bytes) reached, event "
		    "passed (%" PRIu64 " errors)", lf->f.name, st->limit,
		    lf->f.errors);
	else
		vg_log_warnx("lua %s: %s; event passed (%" PRIu64 " errors)",
		    lf->f.name, msg != NULL ? msg : "error", lf->f.errors);
}

/* 1 if msg starts with a "chunk:LINE:" position. */
static int
has_pos(const char *msg)
{
	const char *p, *q;

	if ((p = strchr(msg, ':')) == NULL)
		return 0;
	for (q = p + 1; *q >= '0' && *q <= '9'; q++)
		;
	return q > p + 1 && *q == ':';
}

/* The failed call's error for vg_filter_lua_error(): "FILE:LINE: text";
 * errors outside any line of the file (the returned value, memory) get
 * the line where filter() is defined. */
static void
keep_err(struct lfilter *lf, int rc, const char *msg)
{
	struct lstate *st = lf->st;
	char what[256];

	if (msg == NULL)
		msg = "error";
	if (st->conv.out_over)
		snprintf(what, sizeof(what), "returned event larger than "
		    "%zu bytes (max_event_bytes)", lf->event_limit);
	else if (rc == LUA_ERRMEM || (st->mem_refused && !st->hook_fired &&
	    !st->steps.exhausted))
		snprintf(what, sizeof(what), "memory limit (%zu bytes) "
		    "reached", st->limit);
	else
		what[0] = '\0';
	if (what[0] == '\0' && has_pos(msg))
		snprintf(lf->last_err, sizeof(lf->last_err), "%s", msg);
	else
		snprintf(lf->last_err, sizeof(lf->last_err), "%s:%d: %s",
		    lf->path, st->fn_line, what[0] ? what : msg);
}

/*
 * *doc NULL: the event is read through ev->view (the pipeline's, members
 * laid out as the filter reads them), or a view of this call's; it is
 * passed unchanged unless the filter returns a table that is not the
 * event as it came.
 */
static enum vg_verdict
lua_filter_run(struct vg_filter *f, struct vg_event *ev, struct vg_node **doc)
{
	struct lfilter *lf = f->priv;
	struct lstate *st = lf->st;
	lua_State *L = st->L;
	struct call c = { .st = st, .doc = *doc, .view = ev->view,
	    .verdict = VG_PASS };
	struct vg_view own;
	uint64_t t0 = vg_clock_mono_ns();
	int rc;

	if (c.doc == NULL && c.view == NULL) {
		vg_view_init(&own, st->lo, ev);
		c.view = &own;
	}
	vg_lconv_begin(&st->conv, &ev->arena);
	arm(st);
	lua_pushcfunction(L, err_msgh);
	lua_pushcfunction(L, prun);
	lua_pushlightuserdata(L, &c);
	rc = lua_pcall(L, 1, 0, 1);
	vg_lconv_end(&st->conv);
	f->ns += vg_clock_mono_ns() - t0;	/* ~2 x 20 ns per call */
	if (rc != LUA_OK) {
		f->errors++;
		keep_err(lf, rc, err_text(L));
		report(lf, rc, err_text(L));
		lua_settop(L, 0);
		if (rc == LUA_ERRMEM || st->mem_refused) {
			/* give the memory back now, under protection */
			lua_pushcfunction(L, pgc);
			(void)lua_pcall(L, 0, 0, 0);
		}
		lua_settop(L, 0);
		return VG_PASS;
	}
	lua_settop(L, 0);
	if (c.newdoc != NULL)
		*doc = c.newdoc;
	return c.verdict;
}

/* --- the filter object ------------------------------------------------ */

static void
lfilter_free(struct lfilter *lf)
{
	if (lf == NULL)
		return;
	lstate_close(lf->st);
	free(lf->f.name);
	free(lf->path);
	free(lf);
}

static void
lua_filter_close(struct vg_filter *f)
{
	if (f != NULL)
		lfilter_free(f->priv);
}

int
vg_filter_lua_reload(struct vg_filter *f, struct vg_err *err)
{
	struct lfilter *lf = f->priv;
	struct lstate *st;

	if ((st = lstate_open(lf, err)) == NULL)
		return -1;
	lstate_close(lf->st);
	lf->st = st;
	return 0;
}

static int
lua_filter_reload(struct vg_filter *f)
{
	struct vg_err err;

	memset(&err, 0, sizeof(err));
	if (vg_filter_lua_reload(f, &err) == -1) {
		vg_log_warnx("%s:%u: %s (lua %s: previous version kept)",
		    err.file, err.line, err.msg, f->name);
		return -1;
	}
	vg_log_info("lua %s: reloaded", f->name);
	return 0;
}

const char *
vg_filter_lua_error(const struct vg_filter *f)
{
	const struct lfilter *lf = f->priv;

	return f->ops == &lua_ops ? lf->last_err : "";
}

size_t
vg_filter_lua_mem(const struct vg_filter *f)
{
	const struct lfilter *lf = f->priv;

	return lf->st->mem;
}

struct vg_filter *
vg_filter_lua_open(const char *path, const struct vg_lua_opts *opts,
    struct vg_err *err)
{
	struct lfilter *lf;
	unsigned long instr;
	int saved;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if ((lf = calloc(1, sizeof(*lf))) == NULL)
		goto nomem;
	lf->f.ops = &lua_ops;
	lf->f.priv = lf;
	lf->mem_limit = opts != NULL && opts->mem_limit ? opts->mem_limit :
	    VG_LUA_MEM_DEFAULT;
	lf->event_limit = opts != NULL && opts->max_event_bytes ?
	    opts->max_event_bytes : VG_LUA_EVENT_DEFAULT;
	instr = opts != NULL && opts->instr_limit ? opts->instr_limit :
	    VG_LUA_INSTR_DEFAULT;
	lf->instr_limit = instr > INT_MAX ? INT_MAX : (int)instr;
	lf->quiet = opts != NULL && opts->quiet;
	lf->pattern_steps = opts != NULL && opts->pattern_steps ?
	    opts->pattern_steps :
	    (uint64_t)lf->instr_limit * VG_LUA_STEPS_PER_INSTR;
	if ((lf->path = strdup(path)) == NULL ||
	    (lf->f.name = strdup(opts != NULL && opts->name != NULL ?
	    opts->name : path)) == NULL)
		goto nomem;
	if ((lf->st = lstate_open(lf, err)) == NULL) {
		saved = errno;
		lfilter_free(lf);
		errno = saved;
		return NULL;
	}
	return &lf->f;
nomem:
	lfilter_free(lf);
	set_err(err, path, "out of memory");
	errno = ENOMEM;
	return NULL;
}

enum vg_verdict
vg_filter_chain_run(struct vg_filter *head, struct vg_event *ev,
    struct vg_node **doc)
{
	struct vg_filter *f;

	for (f = head; f != NULL; f = f->next) {
		if (f->ops->run(f, ev, doc) == VG_DROP) {
			f->dropped++;
			return VG_DROP;
		}
		f->passed++;
	}
	return VG_PASS;
}

static const struct vg_filter_ops lua_ops = {
	.name = "lua",
	.run = lua_filter_run,
	.reload = lua_filter_reload,
	.close = lua_filter_close,
};
