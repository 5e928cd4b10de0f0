/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_lua_conv.c: the event document as Lua tables and back. Tables are
 * filled lazily (a container costs one empty table until a filter touches
 * it) and what a filter did not touch goes back as the original subtree,
 * uncopied. Never keeps a node pointer past the call it was made for.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "filter_lua_priv.h"
#include "vigil/json.h"

/* Addresses used as unique registry keys. */
static const char	lazy_arr_mt_key; /* registry: metatable of lazy arrays */
static const char	array_mt_key;	/* registry: marks a table as array */
static const char	null_tag;	/* vigil.null is &null_tag */

#define CONV(L)	((struct vg_lconv *)lua_touserdata((L), lua_upvalueindex(1)))

void
vg_lconv_push_null(lua_State *L)
{
	lua_pushlightuserdata(L, (void *)&null_tag);
}

static int
is_null(lua_State *L, int idx)
{
	return lua_touserdata(L, idx) == (void *)&null_tag &&
	    lua_islightuserdata(L, idx);
}

/* A new generation: every map entry of the one before is empty. */
static void
next_gen(struct vg_lconv *c)
{
	if (++c->gen == 0) {
		if (c->map != NULL)
			memset(c->map, 0, c->cmap * sizeof(*c->map));
		c->gen = 1;
	}
}

void
vg_lconv_begin(struct vg_lconv *c, struct vg_arena *a)
{
	next_gen(c);
	c->active = 1;
	c->nlazy = 0;
	c->nmat = 0;
	c->nfill = 0;
	c->nwrite = 0;
	c->view = NULL;
	c->arena = a;
	c->out_used = 0;
	c->out_over = 0;
}

void
vg_lconv_end(struct vg_lconv *c)
{
	next_gen(c);		/* every lazy table of the call is now dead */
	c->active = 0;
	c->nlazy = 0;
	c->nmat = 0;
	c->view = NULL;
	c->arena = NULL;
}

void
vg_lconv_free(struct vg_lconv *c)
{
	free(c->lazy);
	free(c->map);
	free(c->mat);
	memset(c, 0, sizeof(*c));
}

/* Grows an array of elem-sized items to hold one more; Lua error on ENOMEM
 * (this memory is the daemon's, bounded by the document's size). */
static void *
grow(lua_State *L, void *p, size_t *cap, size_t n, size_t elem)
{
	size_t ncap;

	if (n < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > SIZE_MAX / elem || (p = realloc(p, ncap * elem)) == NULL) {
		luaL_error(L, "not enough memory");
		return NULL;
	}
	*cap = ncap;
	return p;
}

/*
 * The address map: open addressing, at most half full with this call's
 * entries (an entry stays when its table is filled: its t is NULL then).
 * A lookup costs a multiply and a compare or two, where a hidden key in
 * the table cost a hash part per table and a lookup in it per access.
 */
static size_t
map_hash(const void *p)
{
	return (size_t)(((uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull) >>
	    32);
}

/* The slot of lazy table p of this call, or SIZE_MAX. */
static size_t
map_find(const struct vg_lconv *c, const void *p)
{
	const struct vg_lconv_map *e;
	size_t mask = c->cmap - 1, i;

	if (c->cmap == 0)
		return SIZE_MAX;
	for (i = map_hash(p) & mask; (e = &c->map[i])->gen == c->gen;
	    i = (i + 1) & mask)
		if (e->slot < c->nlazy && c->lazy[e->slot].t == p)
			return e->slot;
	return SIZE_MAX;
}

/* The free entry for p, or the entry of a table of this call that was at
 * p (collected: its slot is dead now, only one table lives at p). */
static struct vg_lconv_map *
map_entry(struct vg_lconv *c, const void *p)
{
	struct vg_lconv_map *e;
	size_t mask = c->cmap - 1, i;

	for (i = map_hash(p) & mask; (e = &c->map[i])->gen == c->gen;
	    i = (i + 1) & mask)
		if (e->slot < c->nlazy && c->lazy[e->slot].t == p) {
			c->lazy[e->slot].t = NULL;
			break;
		}
	return e;
}

static void
map_put(lua_State *L, struct vg_lconv *c, const void *p, size_t slot)
{
	struct vg_lconv_map *m = NULL, *e;	/* luaL_error does not return */
	size_t ncap, s;

	if ((slot + 1) * 2 > c->cmap) {
		ncap = c->cmap ? c->cmap * 2 : 64;
		if (ncap > SIZE_MAX / sizeof(*m) ||
		    (m = calloc(ncap, sizeof(*m))) == NULL)
			luaL_error(L, "not enough memory");
		free(c->map);
		c->map = m;
		c->cmap = ncap;
		for (s = 0; s < c->nlazy; s++)
			if (c->lazy[s].t != NULL) {
				e = map_entry(c, c->lazy[s].t);
				e->gen = c->gen;
				e->slot = (uint32_t)s;
			}
	}
	e = map_entry(c, p);
	e->gen = c->gen;
	e->slot = (uint32_t)slot;
}

/* A new slot for container n (NULL: the event of the view) and the table
 * at p (NULL: a table that is not lazy, kept only as a member). */
static size_t
slot_new(lua_State *L, struct vg_lconv *c, const struct vg_node *n,
    const void *p)
{
	struct vg_lconv_lazy *z;
	size_t slot = c->nlazy;

	c->lazy = grow(L, c->lazy, &c->clazy, c->nlazy, sizeof(*c->lazy));
	if (c->nlazy >= UINT32_MAX - 1)
		luaL_error(L, "event too large");
	if (p != NULL)
		map_put(L, c, p, slot);
	z = &c->lazy[slot];
	z->n = n;
	z->t = p;
	z->kids = z->sib = z->tix = 0;
	z->wk = NULL;
	z->nwk = z->cwk = 0;
	c->nlazy++;
	return slot;
}

/* Makes the table on top lazy for n with the metatable on top of it
 * (popped). */
static void
lazy_new(lua_State *L, struct vg_lconv *c, const struct vg_node *n)
{
	lua_setmetatable(L, -2);
	slot_new(L, c, n, lua_topointer(L, -1));
}

/*
 * Pushes an empty lazy table for container n; the lazy metatable is at
 * index mt. Arrays are sized for their elements (they are filled whole on
 * first use); objects are read member by member until something needs the
 * whole table, so they start empty.
 */
static void
push_lazy(lua_State *L, struct vg_lconv *c, const struct vg_node *n, int mt)
{
	int len = n->v.c.n > INT32_MAX - 1 ? INT32_MAX - 1 : (int)n->v.c.n;

	if (n->v.c.n == 0) {
		lua_createtable(L, 0, 0);
		if (n->type == VG_N_ARR) {
			lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
			lua_setmetatable(L, -2);
		}
		return;
	}
	if (n->type == VG_N_ARR) {
		lua_createtable(L, len, 0);
		lua_rawgetp(L, LUA_REGISTRYINDEX, &lazy_arr_mt_key);
	} else {
		lua_createtable(L, 0, 0);
		lua_pushvalue(L, mt);
	}
	lazy_new(L, c, n);
}

static void
push_value(lua_State *L, struct vg_lconv *c, const struct vg_node *n, int mt)
{
	switch (n->type) {
	case VG_N_BOOL:
		lua_pushboolean(L, n->v.b);
		break;
	case VG_N_INT:
		lua_pushinteger(L, (lua_Integer)n->v.i);
		break;
	case VG_N_UINT:
		/* above INT64_MAX a Lua integer would wrap negative */
		if (n->v.u <= INT64_MAX)
			lua_pushinteger(L, (lua_Integer)n->v.u);
		else
			lua_pushnumber(L, (lua_Number)n->v.u);
		break;
	case VG_N_DOUBLE:
		lua_pushnumber(L, n->v.d);
		break;
	case VG_N_STR:
		lua_pushlstring(L, n->v.s.p != NULL ? n->v.s.p : "",
		    n->v.s.len);
		break;
	case VG_N_OBJ:
	case VG_N_ARR:
		push_lazy(L, c, n, mt);
		break;
	default:
		vg_lconv_push_null(L);
		break;
	}
}

/*
 * A stub: the lazy table of a root member of the view that is one record
 * object (vg_view_is_record), not laid out. Its members are read one by
 * one (vg_view_field); anything else lays it out (lazy_node). It is an
 * object node with the member's name and no children, its count STUB.
 */
#define STUB	SIZE_MAX

static int
is_stub(const struct vg_node *n)
{
	return n != NULL && n->type == VG_N_OBJ && n->v.c.n == STUB;
}

static void
push_stub(lua_State *L, struct vg_lconv *c, struct vg_str member, int mt)
{
	struct vg_arena *a = &c->view->ev->arena;
	struct vg_node *n;
	char *p;

	if ((n = vg_node_new(a, VG_N_OBJ)) == NULL ||
	    (p = vg_arena_strndup(a, member.p, member.len)) == NULL)
		luaL_error(L, "not enough memory");
	n->key = vg_str_make(p, member.len);
	n->v.c.n = STUB;
	push_lazy(L, c, n, mt);
}

/* Whether the value at t has a lazy metatable: is lazy, or was lazy in
 * a call that has ended (a filled table has another metatable). */
static int
has_lazy_mt(lua_State *L, const struct vg_lconv *c, int t)
{
	const void *mt;

	if (!lua_getmetatable(L, t))
		return 0;
	mt = lua_topointer(L, -1);
	lua_pop(L, 1);
	return mt == c->mt_obj || mt == c->mt_arr;
}

/* The slot of the table at t, which has a lazy metatable; raises a Lua
 * error if it is from a call that has ended. */
static size_t
live_slot(lua_State *L, struct vg_lconv *c, int t)
{
	size_t slot = SIZE_MAX;	/* luaL_error does not return */

	if (!c->active || (slot = map_find(c, lua_topointer(L, t))) ==
	    SIZE_MAX)
		luaL_error(L, "event data used after its filter call returned");
	return slot;
}

/*
 * The lazy[] slot of value t (absolute index): 1 and *slot if t is lazy
 * and alive, 0 if t is not lazy; raises a Lua error if t is lazy but from
 * a call that has ended.
 */
static int
lazy_slot(lua_State *L, struct vg_lconv *c, int t, size_t *slot)
{
	if (!has_lazy_mt(L, c, t))
		return 0;
	*slot = live_slot(L, c, t);
	return 1;
}

/*
 * The slot of a lazy table and so the node it stands for: 1 and *slotp
 * if t (absolute index) is lazy and alive, 0 if t is not lazy; raises a
 * Lua error if t is lazy but from a call that has ended. The event of a
 * view becomes the whole tree here (built once).
 */
static int
lazy_node(lua_State *L, struct vg_lconv *c, int t, size_t *slotp)
{
	const struct vg_node *n;
	size_t slot;

	if (!lazy_slot(L, c, t, &slot))
		return 0;
	if (c->lazy[slot].n == NULL &&
	    (c->view == NULL || (c->lazy[slot].n = vg_view_tree(c->view)) ==
	    NULL))
		luaL_error(L, "not enough memory");
	/* a record object read member by member so far: laid out now */
	if (is_stub(c->lazy[slot].n)) {
		if (vg_view_member(c->view, c->lazy[slot].n->key, &n) != 1 ||
		    n->type != VG_N_OBJ)
			luaL_error(L, "not enough memory");
		c->lazy[slot].n = n;
	}
	*slotp = slot;
	return 1;
}

/* Pushes the member table named k that slot handed out and returns 1;
 * 0 if it handed out none by that name. */
static int
kid_push(lua_State *L, struct vg_lconv *c, size_t slot, const char *k,
    size_t klen)
{
	const struct vg_lconv_lazy *z;
	uint32_t i;

	for (i = c->lazy[slot].kids; i != 0; i = z->sib) {
		z = &c->lazy[i - 1];
		if (z->n->key.len == klen && (klen == 0 ||
		    memcmp(z->n->key.p, k, klen) == 0)) {
			lua_rawgeti(L, LUA_REGISTRYINDEX, c->tabs_ref);
			lua_rawgeti(L, -1, z->tix);
			lua_remove(L, -2);
			return 1;
		}
	}
	return 0;
}

/* Keeps the table on top, made for member n of parent (slot), in the
 * call's tabs and the parent's kids, and returns it (1 value). */
static int
kid_keep(lua_State *L, struct vg_lconv *c, size_t parent,
    const struct vg_node *n)
{
	const void *p = lua_topointer(L, -1);
	size_t kid = c->nlazy - 1;

	if (c->nlazy == 0 || c->lazy[kid].t != p || c->lazy[kid].n != n)
		kid = slot_new(L, c, n, NULL);	/* an empty container */
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->tabs_ref);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, (lua_Integer)c->ntabs + 1);
	lua_pop(L, 1);
	c->lazy[kid].tix = ++c->ntabs;
	c->lazy[kid].sib = c->lazy[parent].kids;
	c->lazy[parent].kids = (uint32_t)kid + 1;
	return 1;
}

/* Old member tables left in tabs: overwritten by the next calls' (each
 * index is this call's once written), cleared only past this many. */
#define TABS_STALE	16

/* Lets the member tables of the call before go (they were kept in tabs
 * for its lookups); at the start of a call, before any lazy table. A
 * call that made few leaves them to be overwritten: no two Lua calls
 * per call to clear them; at most TABS_STALE stay alive a little longer
 * (no filter can reach them: they are only in the registry). */
static void
tabs_clear(lua_State *L, struct vg_lconv *c)
{
	uint32_t n;

	if (c->nlazy != 0)
		return;
	n = c->ntabs > c->tabs_stale ? c->ntabs : c->tabs_stale;
	c->ntabs = 0;
	if (n <= TABS_STALE) {
		c->tabs_stale = n;
		return;
	}
	c->tabs_stale = 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->tabs_ref);
	for (; n > 0; n--) {
		lua_pushnil(L);
		lua_rawseti(L, -2, n);
	}
	lua_pop(L, 1);
}

/* Whether member k of slot's object was written while it stayed lazy. */
static int
written(const struct vg_lconv *c, size_t slot, const char *k, size_t klen)
{
	const struct vg_lconv_lazy *z = &c->lazy[slot];
	uint32_t i;

	for (i = 0; i < z->nwk; i++)
		if (z->wk[i].len == klen && (klen == 0 ||
		    memcmp(z->wk[i].p, k, klen) == 0))
			return 1;
	return 0;
}

/*
 * Whether a write of a member of slot's table leaves it lazy: an object
 * of the event below its root (a record object, read alone or laid out),
 * so that one member written does not fill (and convert back) all the
 * others. The event of a view, arrays: filled, as before.
 */
static int
lazy_writable(const struct vg_lconv *c, size_t slot)
{
	const struct vg_node *n = c->lazy[slot].n;

	return n != NULL && n->type == VG_N_OBJ;
}

/* Notes member k of slot's object as written (once). */
static void
note_write(lua_State *L, struct vg_lconv *c, size_t slot, const char *k,
    size_t klen)
{
	struct vg_lconv_lazy *z = &c->lazy[slot];
	struct vg_str *nw;
	char *p;

	c->nwrite++;
	if (written(c, slot, k, klen))
		return;
	if (z->nwk == z->cwk) {
		z->cwk = z->cwk ? z->cwk * 2 : 4;
		if ((nw = vg_arena_alloc(c->arena, z->cwk * sizeof(*nw))) ==
		    NULL)
			luaL_error(L, "event arena exhausted");
		if (z->nwk > 0)
			memcpy(nw, z->wk, z->nwk * sizeof(*nw));
		z->wk = nw;
	}
	if ((p = vg_arena_strndup(c->arena, k, klen)) == NULL)
		luaL_error(L, "event arena exhausted");
	z->wk[z->nwk++] = vg_str_make(p, klen);
}

/*
 * Fills lazy table t (absolute index) with all its members, once. Object
 * members already handed out as tables (the cache) are reused, so a table
 * a filter holds stays the event's member.
 */
static void
materialize(lua_State *L, struct vg_lconv *c, int t)
{
	const struct vg_node *n, *ch;
	lua_Integer i = 1;
	size_t slot;
	int mt;

	if (!lazy_node(L, c, t, &slot))
		return;
	n = c->lazy[slot].n;
	c->nfill++;
	luaL_checkstack(L, 8, "event too deep");
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->mt_ref);
	mt = lua_gettop(L);
	for (ch = n->v.c.head; ch != NULL; ch = ch->next) {
		if (n->type == VG_N_ARR) {
			push_value(L, c, ch, mt);
			lua_rawseti(L, t, i++);
			continue;
		}
		if (ch->key.p == NULL)
			continue;	/* member without a name: not reachable */
		/* written while lazy: in the table already, or removed */
		if (c->lazy[slot].nwk > 0 &&
		    written(c, slot, ch->key.p, ch->key.len))
			continue;
		lua_pushlstring(L, ch->key.p, ch->key.len);
		if ((ch->type != VG_N_OBJ && ch->type != VG_N_ARR) ||
		    !kid_push(L, c, slot, ch->key.p, ch->key.len))
			push_value(L, c, ch, mt);
		lua_rawset(L, t);
	}
	lua_settop(L, mt - 1);
	if (n->type == VG_N_ARR) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
	} else {
		lua_pushnil(L);
		c->mat = grow(L, c->mat, &c->cmat, c->nmat, sizeof(*c->mat));
		c->mat[c->nmat].t = lua_topointer(L, t);
		c->mat[c->nmat].n = n;
		c->nmat++;
	}
	c->lazy[slot].t = NULL;		/* a plain table from now on */
	lua_setmetatable(L, t);
}

static const struct vg_node *
child_named(const struct vg_node *obj, const char *p, size_t len)
{
	const struct vg_node *ch;

	for (ch = obj->v.c.head; ch != NULL; ch = ch->next)
		if (ch->key.len == len && (len == 0 ||
		    memcmp(ch->key.p, p, len) == 0))
			return ch;
	return NULL;
}

void
vg_lconv_push(lua_State *L, struct vg_lconv *c, const struct vg_node *doc)
{
	int mt;

	luaL_checkstack(L, 4, "no stack");
	tabs_clear(L, c);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->mt_ref);
	mt = lua_gettop(L);
	push_value(L, c, doc, mt);
	lua_remove(L, mt);
}

void
vg_lconv_push_view(lua_State *L, struct vg_lconv *c, struct vg_view *v)
{
	luaL_checkstack(L, 4, "no stack");
	tabs_clear(L, c);
	c->view = v;
	lua_createtable(L, 0, 0);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->mt_ref);
	lazy_new(L, c, NULL);
}

int
vg_lconv_untouched(lua_State *L, struct vg_lconv *c, int idx)
{
	size_t slot;

	idx = lua_absindex(L, idx);
	return c->nfill == 0 && c->nwrite == 0 &&
	    lua_type(L, idx) == LUA_TTABLE &&
	    lazy_slot(L, c, idx, &slot) && c->lazy[slot].n == NULL;
}

/* The value kept for field memo entry id: the slot it would be in. */
static size_t
val_slot(uint64_t id)
{
	return (size_t)((id * 0x9e3779b97f4a7c15ull) >> 56) % VG_LCONV_VALS;
}

/* vg_field_known: whether a value is kept for entry id. */
static int
val_have(void *arg, uint64_t id)
{
	const struct vg_lconv *c = arg;

	return id != 0 && c->vals_id[val_slot(id)] == id;
}

/* Pushes the value kept for entry id (val_have said yes). */
static void
val_push(lua_State *L, const struct vg_lconv *c, uint64_t id)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->vals_ref);
	lua_rawgeti(L, -1, (lua_Integer)val_slot(id) + 1);
	lua_remove(L, -2);
}

/* Keeps the value on top (pushed for node n) for entry id: scalars, and
 * strings up to VG_LCONV_VAL_MAX bytes (the kept values take the
 * filter's memory). The table was made with every slot: no allocation. */
static void
val_keep(lua_State *L, struct vg_lconv *c, uint64_t id,
    const struct vg_node *n)
{
	size_t s = val_slot(id);

	if (id == 0 || (n->type == VG_N_STR && n->v.s.len > VG_LCONV_VAL_MAX))
		return;
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->vals_ref);
	lua_pushvalue(L, -2);
	lua_rawseti(L, -2, (lua_Integer)s + 1);
	lua_pop(L, 1);
	c->vals_id[s] = id;
}

/*
 * Metamethods of lazy tables. Reading a member of an object looks it up in
 * the node (O(members), no table filled): scalars are pushed each time,
 * tables are made once and kept (kid_keep), so a member table keeps its
 * identity. Anything else (arrays, writes, pairs, #) fills the table and
 * acts on the plain table. The member tables of the event of a view are
 * found by name: the event's node changes when the whole tree is built.
 */
static int
mm_index(lua_State *L)
{
	struct vg_lconv *c = CONV(L);
	const struct vg_node *n, *ch = NULL;
	struct vg_field_known known = { val_have, c, 0 };
	struct vg_str key;
	const char *k;
	size_t klen, slot;
	int r = 0;

	lua_settop(L, 2);
	slot = live_slot(L, c, 1);	/* only lazy tables have __index */
	n = c->lazy[slot].n;
	if (lua_type(L, 2) != LUA_TSTRING || (n != NULL &&
	    n->type != VG_N_OBJ)) {
		materialize(L, c, 1);
		lua_rawget(L, 1);
		return 1;
	}
	k = lua_tolstring(L, 2, &klen);
	key = vg_str_make(k, klen);
	/* written while lazy and not in the table: removed */
	if (c->lazy[slot].nwk > 0 && written(c, slot, k, klen)) {
		lua_pushnil(L);
		return 1;
	}
	if (n == NULL) {
		/* the event of a view: a table made already, a record
		 * object as a stub, or the member laid out alone */
		if (kid_push(L, c, slot, k, klen))
			return 1;
		if (vg_view_is_record(c->view, key)) {
			lua_getmetatable(L, 1);	/* the lazy metatable */
			push_stub(L, c, key, lua_gettop(L));
			return kid_keep(L, c, slot, c->lazy[c->nlazy - 1].n);
		}
		r = vg_view_member(c->view, key, &ch);
	} else if (is_stub(n)) {
		r = vg_view_field_known(c->view, n->key, key, &ch, &known);
		if (r == 2) {
			val_push(L, c, known.id);
			return 1;
		}
	} else
		ch = child_named(n, k, klen);
	if (r == -1)
		luaL_error(L, "not enough memory");
	if (ch == NULL) {
		lua_pushnil(L);
		return 1;
	}
	if (ch->type != VG_N_OBJ && ch->type != VG_N_ARR) {
		push_value(L, c, ch, 0);
		val_keep(L, c, known.id, ch);
		return 1;
	}
	if (n != NULL && kid_push(L, c, slot, k, klen))
		return 1;
	lua_getmetatable(L, 1);		/* the lazy metatable */
	push_value(L, c, ch, lua_gettop(L));
	return kid_keep(L, c, slot, ch);
}

static int
mm_newindex(lua_State *L)
{
	struct vg_lconv *c = CONV(L);
	const char *k;
	size_t slot, klen;

	lua_settop(L, 3);
	/* a member of an object below the root: kept in the table, the
	 * object stays lazy (its other members are not filled) */
	if (lua_type(L, 2) == LUA_TSTRING) {
		slot = live_slot(L, c, 1);
		if (lazy_writable(c, slot)) {
			k = lua_tolstring(L, 2, &klen);
			note_write(L, c, slot, k, klen);
			if (!lua_isnil(L, 3))
				lua_rawset(L, 1);
			return 0;
		}
	}
	materialize(L, c, 1);
	lua_settop(L, 3);
	lua_rawset(L, 1);
	return 0;
}

static int
mm_len(lua_State *L)
{
	materialize(L, CONV(L), 1);
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, 1));
	return 1;
}

static int
raw_next(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 2);
	if (lua_next(L, 1))
		return 2;
	lua_pushnil(L);
	return 1;
}

static int
mm_pairs(lua_State *L)
{
	materialize(L, CONV(L), 1);
	lua_pushcfunction(L, raw_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/*
 * Wrapper of a base function that bypasses metamethods (next, rawget,
 * rawset, rawlen, setmetatable): fill a lazy first argument, then call the
 * original (upvalue 2) with the same arguments.
 */
static int
wrap_raw(lua_State *L)
{
	int n = lua_gettop(L);

	if (lua_type(L, 1) == LUA_TTABLE)
		materialize(L, CONV(L), 1);
	lua_pushvalue(L, lua_upvalueindex(2));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/* setmetatable: as wrap_raw, and refuse finalizers: Lua runs a __gc at
 * collection time with debug hooks off (lgc.c GCTM), so no instruction
 * budget would bound it. Lua 5.3 marks an object for finalization only if
 * its metatable has __gc when it is set, so checking here (and keeping
 * vigil's own metatables locked) means no finalizer ever runs. */
static int
wrap_setmetatable(lua_State *L)
{
	lua_settop(L, 2);
	lua_pushliteral(L, "__gc");
	if (lua_type(L, 2) == LUA_TTABLE && lua_rawget(L, 2) != LUA_TNIL)
		return luaL_error(L, "__gc metamethods are not allowed");
	lua_settop(L, 2);
	return wrap_raw(L);
}

/* vigil.array(t): mark t as a JSON array (so an empty t stays []). */
static int
l_array(lua_State *L)
{
	if (lua_isnoneornil(L, 1))
		lua_newtable(L);
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	materialize(L, CONV(L), 1);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
	lua_setmetatable(L, 1);
	return 1;
}

static void
wrap_global(lua_State *L, struct vg_lconv *c, const char *name,
    lua_CFunction fn)
{
	lua_pushlightuserdata(L, c);
	lua_getglobal(L, name);
	lua_pushcclosure(L, fn, 2);
	lua_setglobal(L, name);
}

void
vg_lconv_setup(lua_State *L, struct vg_lconv *c)
{
	static const struct luaL_Reg mms[] = {
		{ "__index", mm_index },
		{ "__newindex", mm_newindex },
		{ "__len", mm_len },
		{ "__pairs", mm_pairs },
		{ NULL, NULL },
	};
	int vigil = lua_gettop(L), i;

	/*
	 * Every metatable vigil makes is locked with __metatable: getmetatable
	 * gives false (lazy objects) or "vigil.array" (arrays, lazy or not),
	 * never the table, and setmetatable refuses to replace it.
	 */
	lua_createtable(L, 0, 5);
	lua_pushlightuserdata(L, c);
	luaL_setfuncs(L, mms, 1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	c->mt_obj = lua_topointer(L, -1);
	c->mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);

	lua_createtable(L, 0, 5);
	lua_pushlightuserdata(L, c);
	luaL_setfuncs(L, mms, 1);
	lua_pushliteral(L, "vigil.array");
	lua_setfield(L, -2, "__metatable");
	c->mt_arr = lua_topointer(L, -1);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &lazy_arr_mt_key);

	lua_createtable(L, 8, 0);
	c->tabs_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, VG_LCONV_VALS, 0);
	for (i = 1; i <= VG_LCONV_VALS; i++) {
		lua_pushboolean(L, 0);
		lua_rawseti(L, -2, i);
	}
	c->vals_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	memset(c->vals_id, 0, sizeof(c->vals_id));

	/* shared by every array of the state: a __gc added here would make
	 * every array a finalized object */
	lua_createtable(L, 0, 2);
	lua_pushliteral(L, "vigil.array");
	lua_setfield(L, -2, "__name");
	lua_pushliteral(L, "vigil.array");
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &array_mt_key);

	vg_lconv_push_null(L);
	lua_setfield(L, vigil, "null");
	lua_pushlightuserdata(L, c);
	lua_pushcclosure(L, l_array, 1);
	lua_setfield(L, vigil, "array");

	wrap_global(L, c, "next", wrap_raw);
	wrap_global(L, c, "rawget", wrap_raw);
	wrap_global(L, c, "rawset", wrap_raw);
	wrap_global(L, c, "rawlen", wrap_raw);
	wrap_global(L, c, "setmetatable", wrap_setmetatable);
}

/* --- Lua -> tree ------------------------------------------------------ */

/*
 * The size of a result. Lua's memory cap does not bound it: one string
 * referenced n times costs Lua one copy and the event n, and a subtree of
 * the event shared n times costs Lua nothing. So every value is counted as
 * the JSON it becomes (strings and keys before escaping) at each place it
 * appears, before anything is built for it, and the conversion stops as
 * soon as the total is over out_limit. So the JSON written and the string
 * bytes copied for a result stay within the limit; besides those, a result
 * costs one node per member it holds, and each member costs Lua a slot.
 */
static void
need(lua_State *L, struct vg_lconv *c, size_t n)
{
	if (n > c->out_limit - c->out_used) {
		c->out_over = 1;
		luaL_error(L, "returned event larger than %I bytes",
		    (lua_Integer)c->out_limit);
	}
}

static void
charge(lua_State *L, struct vg_lconv *c, size_t n)
{
	need(L, c, n);
	c->out_used += n;
}

/* The least a member costs: "":0 and a ',' in an object, 0 and a ','
 * in an array. Checked for all members at once before the keys of a
 * large table are gathered and sorted. */
#define MEMBER_MIN_OBJ	5
#define MEMBER_MIN_ARR	2

/* One member: its key and ':' in an object, and ',' or the closing
 * bracket (an empty container pays its closing bracket itself). */
static void
charge_member(lua_State *L, struct vg_lconv *c, struct vg_str key,
    int in_obj)
{
	charge(L, c, in_obj ? key.len + 4 : 1);
}

static size_t
u64_digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10000) {
		v /= 10000;
		n += 4;
	}
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

static size_t
i64_digits(int64_t v)
{
	return v < 0 ? 1 + u64_digits(-(uint64_t)v) : u64_digits((uint64_t)v);
}

static size_t
double_len(double d)
{
	char tmp[32];
	int len;

	if (!isfinite(d))
		return 4;	/* json.c writes null */
	len = snprintf(tmp, sizeof(tmp), "%.17g", d);
	return len > 0 && (size_t)len < sizeof(tmp) ? (size_t)len : 4;
}

/* JSON length of a scalar node. */
static size_t
scalar_len(const struct vg_node *n)
{
	switch (n->type) {
	case VG_N_BOOL:
		return n->v.b ? 4 : 5;
	case VG_N_INT:
		return i64_digits(n->v.i);
	case VG_N_UINT:
		return u64_digits(n->v.u);
	case VG_N_DOUBLE:
		return double_len(n->v.d);
	case VG_N_STR:
		return n->v.s.len + 2;
	default:
		return 4;
	}
}

/*
 * JSON length of an existing subtree (shared, not copied) as json.c writes
 * it, before escaping; or, as soon as it is known to be over room, some
 * value over room. Every node walked adds a byte or more to the count, so
 * the walks of one call visit at most out_limit nodes. Recursion is as
 * deep as the event.
 */
static size_t
tree_len(const struct vg_node *n, size_t room)
{
	const struct vg_node *ch;
	size_t len;
	int obj = n->type == VG_N_OBJ;

	if (!obj && n->type != VG_N_ARR)
		return scalar_len(n);
	len = n->v.c.head == NULL ? 2 : 1;
	for (ch = n->v.c.head; ch != NULL; ch = ch->next) {
		len += obj ? ch->key.len + 4 : 1;
		if (len > room)
			return len;
		if (ch->type == VG_N_OBJ || ch->type == VG_N_ARR)
			len += tree_len(ch, room - len);
		else
			len += scalar_len(ch);
		if (len > room)
			return len;
	}
	return len;
}

struct okey {
	const char	*p;
	size_t		 len;
	int		 isint;
	lua_Integer	 i;
};

static int
okey_cmp(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = n ? memcmp(x->p, y->p, n) : 0;

	if (r != 0)
		return r;
	return x->len < y->len ? -1 : x->len > y->len;
}

static struct vg_node *conv(lua_State *, struct vg_lconv *, int,
		    struct vg_str, const struct vg_node *, int);

static void *
aalloc(lua_State *L, struct vg_lconv *c, size_t n)
{
	void *p = vg_arena_alloc(c->arena, n);

	if (p == NULL)
		luaL_error(L, "event arena exhausted");
	return p;
}

static struct vg_node *
new_node(lua_State *L, struct vg_lconv *c, enum vg_ntype t, struct vg_str key)
{
	struct vg_node *n = vg_node_new(c->arena, t);

	if (n == NULL)
		luaL_error(L, "event arena exhausted");
	n->key = key;
	return n;
}

/* The key as a NUL-terminated string for an error message (left on the
 * Lua stack; the error that follows discards it). */
static const char *
key_for_error(lua_State *L, struct vg_str key)
{
	if (key.p == NULL)
		return "(top)";
	lua_pushlstring(L, key.p, key.len);
	return lua_tostring(L, -1);
}

/* Converts value at top of stack (popping it) and appends it to parent. */
static void
conv_append(lua_State *L, struct vg_lconv *c, struct vg_node *parent,
    struct vg_str key, const struct vg_node *orig, int depth)
{
	struct vg_node *ch = conv(L, c, lua_gettop(L), key, orig, depth);

	lua_pop(L, 1);
	vg_node_append(parent, ch);
}

/* Object members: those of orig (the object t was filled from) first, in
 * their order and with their key slices; then the others sorted by key. */
static void
conv_object(lua_State *L, struct vg_lconv *c, int t, struct vg_node *obj,
    const struct vg_node *orig, int depth)
{
	const struct vg_node *ch;
	struct okey *ks;
	size_t total = 0, done = 0, nk = 0, i;
	char num[32];
	int len;

	if (orig != NULL) {
		for (ch = orig->v.c.head; ch != NULL; ch = ch->next) {
			lua_pushlstring(L, ch->key.p != NULL ? ch->key.p : "",
			    ch->key.len);
			if (lua_rawget(L, t) == LUA_TNIL) {
				lua_pop(L, 1);
				continue;
			}
			charge_member(L, c, ch->key, 1);
			conv_append(L, c, obj, ch->key, ch, depth);
			done++;
		}
	}
	lua_pushnil(L);
	while (lua_next(L, t)) {
		total++;
		lua_pop(L, 1);
	}
	if (total == done)
		return;
	need(L, c, (total - done) * MEMBER_MIN_OBJ);
	ks = aalloc(L, c, total * sizeof(*ks));
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING) {
			ks[nk].p = lua_tolstring(L, -1, &ks[nk].len);
			ks[nk].isint = 0;
			if (orig != NULL &&
			    child_named(orig, ks[nk].p, ks[nk].len) != NULL)
				continue;
		} else if (lua_isinteger(L, -1)) {
			/* {[5] = x} or a sparse array: key "5" */
			ks[nk].i = lua_tointeger(L, -1);
			ks[nk].isint = 1;
			len = snprintf(num, sizeof(num), "%" PRId64,
			    (int64_t)ks[nk].i);
			if (len < 0 || (size_t)len >= sizeof(num))
				luaL_error(L, "bad key");
			ks[nk].p = vg_arena_strndup(c->arena, num, (size_t)len);
			if (ks[nk].p == NULL)
				luaL_error(L, "event arena exhausted");
			ks[nk].len = (size_t)len;
			if (orig != NULL &&
			    child_named(orig, ks[nk].p, ks[nk].len) != NULL)
				luaL_error(L, "member '%s' is set twice "
				    "(string and integer key)", ks[nk].p);
		} else {
			luaL_error(L, "a %s key in member '%s' (keys must be "
			    "strings)", luaL_typename(L, -1),
			    key_for_error(L, obj->key));
		}
		nk++;
	}
	qsort(ks, nk, sizeof(*ks), okey_cmp);
	for (i = 1; i < nk; i++)
		if (okey_cmp(&ks[i - 1], &ks[i]) == 0)
			luaL_error(L, "member '%s' is set twice (string and "
			    "integer key)", ks[i].p);
	for (i = 0; i < nk; i++) {
		struct vg_str k;

		charge_member(L, c, vg_str_make(ks[i].p, ks[i].len), 1);
		if (ks[i].isint) {
			k = vg_str_make(ks[i].p, ks[i].len);
			lua_pushinteger(L, ks[i].i);
		} else {
			/* the key string lives in Lua: copy it */
			k = vg_node_strdup(c->arena, ks[i].p, ks[i].len);
			if (k.p == NULL)
				luaL_error(L, "event arena exhausted");
			lua_pushlstring(L, ks[i].p, ks[i].len);
		}
		lua_rawget(L, t);
		conv_append(L, c, obj, k, NULL, depth);
	}
}

/* A new node standing for orig (children shared, never modified). */
static struct vg_node *
share(lua_State *L, struct vg_lconv *c, const struct vg_node *orig,
    struct vg_str key)
{
	struct vg_node *n;

	charge(L, c, tree_len(orig, c->out_limit - c->out_used));
	n = aalloc(L, c, sizeof(*n));
	*n = *orig;
	n->next = NULL;
	n->key = key;
	return n;
}

/* The names written into lazy object z, sorted as conv_object() sorts
 * new members; those node orig has left out (orig NULL: all). */
static struct okey *
written_sorted(lua_State *L, struct vg_lconv *c, const struct vg_lconv_lazy *z,
    const struct vg_node *orig, size_t *nkp)
{
	struct okey *ks;
	size_t nk = 0, i;

	ks = aalloc(L, c, z->nwk * sizeof(*ks));
	for (i = 0; i < z->nwk; i++) {
		if (orig != NULL &&
		    child_named(orig, z->wk[i].p, z->wk[i].len) != NULL)
			continue;
		ks[nk].p = z->wk[i].p;
		ks[nk].len = z->wk[i].len;
		ks[nk].isint = 0;
		nk++;
	}
	qsort(ks, nk, sizeof(*ks), okey_cmp);
	*nkp = nk;
	return ks;
}

/* The members written into lazy table t (slot) that its node does not
 * have, sorted by name as conv_object() sorts new members: appended. */
static void
conv_new_written(lua_State *L, struct vg_lconv *c, int t, size_t slot,
    const struct vg_node *orig, struct vg_node *n, int depth)
{
	struct okey *ks;
	struct vg_str k;
	size_t nk, i;

	ks = written_sorted(L, c, &c->lazy[slot], orig, &nk);
	for (i = 0; i < nk; i++) {
		lua_pushlstring(L, ks[i].p, ks[i].len);
		if (lua_rawget(L, t) == LUA_TNIL) {
			lua_pop(L, 1);
			continue;		/* written, then removed */
		}
		k = vg_str_make(ks[i].p, ks[i].len);	/* the call's arena */
		charge_member(L, c, k, 1);
		conv_append(L, c, n, k, NULL, depth);
	}
}

/* A lazy object some of whose member tables were handed out (the cache at
 * index cache) or members written (in table t): those are converted, the
 * other members shared; members the node lacks come last, sorted. */
static struct vg_node *
conv_cached(lua_State *L, struct vg_lconv *c, int t, size_t slot,
    const struct vg_node *orig, struct vg_str key, int depth)
{
	const struct vg_node *ch;
	struct vg_node *n;
	int wr = c->lazy[slot].nwk > 0;

	if (depth >= VG_LCONV_MAXDEPTH)
		luaL_error(L, "tables nested too deep");
	luaL_checkstack(L, 4, "tables nested too deep");
	charge(L, c, orig->v.c.head == NULL ? 2 : 1);
	n = new_node(L, c, VG_N_OBJ, key);
	for (ch = orig->v.c.head; ch != NULL; ch = ch->next) {
		if (wr && ch->key.p != NULL &&
		    written(c, slot, ch->key.p, ch->key.len)) {
			lua_pushlstring(L, ch->key.p, ch->key.len);
			if (lua_rawget(L, t) == LUA_TNIL) {
				lua_pop(L, 1);
				continue;	/* removed */
			}
			charge_member(L, c, ch->key, 1);
			conv_append(L, c, n, ch->key, ch, depth + 1);
			continue;
		}
		charge_member(L, c, ch->key, 1);
		if ((ch->type == VG_N_OBJ || ch->type == VG_N_ARR) &&
		    kid_push(L, c, slot, ch->key.p, ch->key.len)) {
			conv_append(L, c, n, ch->key, ch, depth + 1);
			continue;
		}
		vg_node_append(n, share(L, c, ch, ch->key));
	}
	if (wr)
		conv_new_written(L, c, t, slot, orig, n, depth + 1);
	if (n->v.c.n == 0 && orig->v.c.head != NULL)
		charge(L, c, 1);	/* all removed: the closing brace */
	return n;
}

static const struct vg_node *
mat_origin(struct vg_lconv *c, const void *t)
{
	size_t i;

	for (i = c->nmat; i > 0; i--)
		if (c->mat[i - 1].t == t)
			return c->mat[i - 1].n;
	return NULL;
}

static int
has_array_mt(lua_State *L, int t)
{
	int r;

	if (!lua_getmetatable(L, t))
		return 0;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &array_mt_key);
	r = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return r;
}

/* 1 if the keys of t are exactly 1..n (n > 0), or t is empty and marked. */
static int
is_array(lua_State *L, int t, lua_Integer *np)
{
	lua_Integer n = (lua_Integer)lua_rawlen(L, t), k, count = 0;
	int seq = 1;

	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		count++;
		if (!seq)
			continue;
		if (!lua_isinteger(L, -1)) {
			seq = 0;
			continue;
		}
		k = lua_tointeger(L, -1);
		if (k < 1 || k > n)
			seq = 0;
	}
	*np = n;
	if (count == 0)
		return has_array_mt(L, t);
	return seq && count == n;
}

static struct vg_node *
conv_table(lua_State *L, struct vg_lconv *c, int t, struct vg_str key,
    int depth)
{
	const struct vg_node *orig;
	struct vg_node *n;
	lua_Integer len, i;
	size_t slot;

	if (lazy_node(L, c, t, &slot)) {
		orig = c->lazy[slot].n;
		if (orig->type == VG_N_OBJ && (c->lazy[slot].kids != 0 ||
		    c->lazy[slot].nwk > 0))
			return conv_cached(L, c, t, slot, orig, key, depth);
		/* untouched: share the original subtree */
		return share(L, c, orig, key);
	}
	if (depth >= VG_LCONV_MAXDEPTH)
		luaL_error(L, "tables nested deeper than %d (a cycle?) at "
		    "member '%s'", VG_LCONV_MAXDEPTH, key_for_error(L, key));
	luaL_checkstack(L, 8, "tables nested too deep");
	charge(L, c, 1);
	orig = mat_origin(c, lua_topointer(L, t));
	if (orig == NULL && is_array(L, t, &len)) {
		need(L, c, (size_t)len * MEMBER_MIN_ARR);
		n = new_node(L, c, VG_N_ARR, key);
		for (i = 1; i <= len; i++) {
			charge_member(L, c, VG_STR_NULL, 0);
			lua_rawgeti(L, t, i);
			conv_append(L, c, n, VG_STR_NULL, NULL, depth + 1);
		}
	} else {
		n = new_node(L, c, VG_N_OBJ, key);
		conv_object(L, c, t, n, orig, depth + 1);
	}
	if (n->v.c.n == 0)
		charge(L, c, 1);	/* the closing bracket */
	return n;
}

/* Converts the value at idx; orig (may be NULL) is the node it replaces,
 * whose string bytes are reused when equal. */
static struct vg_node *
conv(lua_State *L, struct vg_lconv *c, int idx, struct vg_str key,
    const struct vg_node *orig, int depth)
{
	struct vg_node *n;
	const char *s;
	size_t len;

	switch (lua_type(L, idx)) {
	case LUA_TBOOLEAN:
		charge(L, c, lua_toboolean(L, idx) ? 4 : 5);
		n = new_node(L, c, VG_N_BOOL, key);
		n->v.b = lua_toboolean(L, idx);
		return n;
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			n = new_node(L, c, VG_N_INT, key);
			n->v.i = (int64_t)lua_tointeger(L, idx);
			charge(L, c, i64_digits(n->v.i));
		} else {
			n = new_node(L, c, VG_N_DOUBLE, key);
			n->v.d = (double)lua_tonumber(L, idx);
			charge(L, c, double_len(n->v.d));
		}
		return n;
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		charge(L, c, len + 2);
		n = new_node(L, c, VG_N_STR, key);
		if (orig != NULL && orig->type == VG_N_STR &&
		    orig->v.s.len == len &&
		    (len == 0 || memcmp(orig->v.s.p, s, len) == 0))
			n->v.s = orig->v.s;
		else if ((n->v.s = vg_node_strdup(c->arena, s, len)).p == NULL)
			luaL_error(L, "event arena exhausted");
		return n;
	case LUA_TTABLE:
		return conv_table(L, c, idx, key, depth);
	case LUA_TLIGHTUSERDATA:
		if (is_null(L, idx)) {
			charge(L, c, 4);
			return new_node(L, c, VG_N_NULL, key);
		}
		/* FALLTHROUGH */
	default:
		luaL_error(L, "cannot put a %s value in the event (member "
		    "'%s')", luaL_typename(L, idx), key_for_error(L, key));
		return NULL;
	}
}

/* Whether a lazy object's written members can be its patch's set: the
 * object not filled, no member table handed out (those are converted
 * whole), every written name one the JSON writers write as it is. */
static int
settable(const struct vg_lconv_lazy *z)
{
	uint32_t i;
	size_t k;

	if (z->t == NULL || z->kids != 0 || z->nwk == 0 || z->n == NULL ||
	    z->n->type != VG_N_OBJ)
		return 0;
	for (i = 0; i < z->nwk; i++)
		for (k = 0; k < z->wk[i].len; k++)
			if (!vg_json_plain[(unsigned char)z->wk[i].p[k]])
				return 0;
	return 1;
}

/* The set of written members of lazy table t (z): sorted by name as
 * conv_new_written() sorts, each value converted as conv_cached() would
 * (its member charged, at the depth of a record's member). */
static void
patch_set(lua_State *L, struct vg_lconv *c, int t,
    const struct vg_lconv_lazy *z, struct vg_view_patch *pt)
{
	struct vg_view_set *set;
	struct okey *ks;
	size_t nk, i;

	ks = written_sorted(L, c, z, NULL, &nk);
	set = aalloc(L, c, nk * sizeof(*set));
	for (i = 0; i < nk; i++) {
		set[i].key = vg_str_make(ks[i].p, ks[i].len);
		set[i].value = NULL;
		lua_pushlstring(L, ks[i].p, ks[i].len);
		if (lua_rawget(L, t) == LUA_TNIL) {
			lua_pop(L, 1);
			continue;		/* removed */
		}
		charge_member(L, c, set[i].key, 1);
		set[i].value = conv(L, c, lua_gettop(L), set[i].key, NULL, 2);
		lua_pop(L, 1);
	}
	pt->value = NULL;
	pt->set = set;
	pt->nset = nk;
}

int
vg_lconv_patch(lua_State *L, struct vg_lconv *c, int idx)
{
	struct vg_view *v = c->view;
	struct vg_view_patch *pt;
	const struct vg_lconv_lazy *z;
	size_t slot, n = 0, k = 0;
	uint32_t i;

	idx = lua_absindex(L, idx);
	if (v == NULL || !v->patch_ok || v->tree != NULL ||
	    lua_type(L, idx) != LUA_TTABLE || !lazy_slot(L, c, idx, &slot) ||
	    c->lazy[slot].n != NULL)
		return 0;
	for (i = c->lazy[slot].kids; i != 0; i = z->sib) {
		z = &c->lazy[i - 1];
		if (z->n == NULL || !vg_view_patchable(z->n->key))
			return 0;
		n++;
	}
	if (n == 0)
		return 0;
	pt = aalloc(L, c, n * sizeof(*pt));
	luaL_checkstack(L, 4, "no stack");
	for (i = c->lazy[slot].kids; i != 0; i = z->sib) {
		z = &c->lazy[i - 1];
		/* still lazy, nothing handed out under it nor written:
		 * unchanged */
		if (z->t != NULL && z->kids == 0 && z->nwk == 0)
			continue;
		lua_rawgeti(L, LUA_REGISTRYINDEX, c->tabs_ref);
		lua_rawgeti(L, -1, z->tix);
		lua_remove(L, -2);
		pt[k].name = z->n->key;
		pt[k].set = NULL;
		pt[k].nset = 0;
		/* members written alone: those set in the line's object;
		 * else the object converted whole */
		if (settable(z))
			patch_set(L, c, lua_gettop(L), z, &pt[k]);
		else
			pt[k].value = conv(L, c, lua_gettop(L), z->n->key,
			    NULL, 1);
		lua_pop(L, 1);
		k++;
	}
	if (k == 0)
		return 0;
	v->patch = pt;
	v->npatch = k;
	return 1;
}

struct vg_node *
vg_lconv_to_node(lua_State *L, struct vg_lconv *c, int idx)
{
	idx = lua_absindex(L, idx);
	return conv(L, c, idx, VG_STR_NULL, NULL, 0);
}
