/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_lua.c: vigil.process(pid) for Lua filters: the process table's
 * entry of pid as a fresh table (pid, ppid, exe, comm, argv, start,
 * spawned_by, labels, container, unit, slice, env, script), or nil if the
 * table has none or context is off. Reads the table only: never /proc.
 */
#include <lauxlib.h>
#include <lua.h>
#include <string.h>

#include "ctx_priv.h"
#include "decode_field.h"

void	vg_ctx_lua_setup(lua_State *);

static void
setstr(lua_State *L, const char *key, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	lua_pushstring(L, v);
	lua_setfield(L, -2, key);
}

static int
l_process(lua_State *L)
{
	lua_Integer pid = luaL_checkinteger(L, 1);
	struct vg_ctx *c = vg_ctx_global();
	const struct vg_proc *p;
	const char *a, *end, *v;
	char tm[24];
	size_t i, l;
	int n;

	if (c == NULL || pid <= 0 || pid > INT32_MAX ||
	    (p = ctx_find(c, (int32_t)pid)) == NULL) {
		lua_pushnil(L);
		return 1;
	}
	luaL_checkstack(L, 8, "vigil.process");
	lua_createtable(L, 0, 12);
	lua_pushinteger(L, p->pid);
	lua_setfield(L, -2, "pid");
	if (p->ppid > 0) {
		lua_pushinteger(L, p->ppid);
		lua_setfield(L, -2, "ppid");
	}
	setstr(L, "exe", p->exe);
	setstr(L, "comm", p->comm);
	if (p->argv != NULL) {
		lua_createtable(L, p->argc, 0);
		a = p->argv;
		end = p->argv + p->argv_len;
		for (i = 0; i < p->argc && a < end; i++) {
			l = strnlen(a, (size_t)(end - a));
			lua_pushlstring(L, a, l);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
			a += l + 1;
		}
		lua_setfield(L, -2, "argv");
	}
	if (p->start != 0) {
		vg_fmt_time(tm, p->start / 1000, (uint32_t)(p->start % 1000));
		lua_pushlstring(L, tm, sizeof(tm));
		lua_setfield(L, -2, "start");
	}
	if (p->spawned_by != 0) {
		lua_pushinteger(L, p->spawned_by);
		lua_setfield(L, -2, "spawned_by");
	}
	if (p->labels != 0) {
		lua_createtable(L, 4, 0);
		for (i = 0, n = 0; i < c->nlabels; i++)
			if ((p->labels & (1u << i)) &&
			    vg_ctx_label_id(c, c->labels[i].name,
			    strlen(c->labels[i].name)) == (int)i) {
				lua_pushstring(L, c->labels[i].name);
				lua_rawseti(L, -2, ++n);
			}
		lua_setfield(L, -2, "labels");
	}
	if (p->cg != NULL) {
		if (p->cg->id[0] != '\0' || p->cg->pod[0] != '\0') {
			lua_createtable(L, 0, 3);
			setstr(L, "id", p->cg->id);
			setstr(L, "runtime", vg_ctx_runtime_name(p->cg->runtime));
			setstr(L, "pod", p->cg->pod);
			lua_setfield(L, -2, "container");
		}
		setstr(L, "unit", p->cg->unit);
		setstr(L, "slice", p->cg->slice);
	}
	if (p->env != NULL) {
		lua_createtable(L, 0, 4);
		for (a = p->env, end = p->env + p->env_len; a < end;
		    a = v + strlen(v) + 1) {
			v = a + strlen(a) + 1;
			if (v >= end)
				break;
			lua_pushstring(L, v);
			lua_setfield(L, -2, a);
		}
		lua_setfield(L, -2, "env");
	}
	setstr(L, "script", p->script);
	return 1;
}

/* Adds process() to the table on top of the stack (vigil). */
void
vg_ctx_lua_setup(lua_State *L)
{
	int vigil = lua_gettop(L);

	lua_pushcfunction(L, l_process);
	lua_setfield(L, vigil, "process");
}
