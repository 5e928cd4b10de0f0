/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter_lua_priv.h: between filter_lua.c (states, sandbox, calls) and
 * filter_lua_conv.c (document tree <-> Lua tables). Not a public header.
 */
#ifndef VIGIL_FILTER_LUA_PRIV_H
#define VIGIL_FILTER_LUA_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "vigil/arena.h"
#include "vigil/node.h"
#include "vigil/view.h"

#define VG_LCONV_MAXDEPTH	64	/* nesting accepted back from Lua */

struct vg_lconv_mat {
	const void		*t;	/* lua_topointer() of the table */
	const struct vg_node	*n;	/* object it was filled from */
};

/*
 * A lazy table of this call: the container it stands for and where Lua
 * has it. Member tables handed out by __index are kept in the call's
 * table list (tabs, a registry array) so they keep their identity; the
 * parent finds them by name through its kids list.
 */
struct vg_lconv_lazy {
	const struct vg_node	*n;	/* NULL: the event of the view */
	const void		*t;	/* lua_topointer(); NULL once filled */
	uint32_t		 kids;	/* first member table handed out + 1 */
	uint32_t		 sib;	/* the parent's next one + 1 */
	uint32_t		 tix;	/* its index in tabs, 0: not there */
	/* members written while the object stayed lazy (by name, in the
	 * call's arena): set ones are in the table, removed ones are not
	 * read from the node again */
	struct vg_str		*wk;
	uint32_t		 nwk, cwk;
};

/* An entry of the address map: slot of lazy[] if gen is this call's. */
struct vg_lconv_map {
	uint32_t		 gen;
	uint32_t		 slot;
};

/*
 * Conversion state of one lua_State. Containers of the event reach Lua as
 * empty "lazy" tables with a lazy metatable and no key of their own; a
 * table's slot in lazy[] is found by its address in map, whose entries
 * are only valid for this call's generation. A lazy table kept past its
 * call is in no map entry and so fails on use: it can never reach the
 * (reset) arena. The event itself can come as a view (vigil/view.h): its
 * lazy[] entry has n NULL until the whole tree is needed, and its members
 * are looked up in the view, each laid out alone.
 */
#define VG_LCONV_VALS	256	/* values kept, direct-mapped by entry */
#define VG_LCONV_VAL_MAX 128	/* longest string value kept (bytes) */

struct vg_lconv {
	uint32_t		 gen;
	int			 active;	/* inside a call */
	struct vg_lconv_lazy	*lazy;		/* lazy tables of this call */
	struct vg_view		*view;		/* the event's, or NULL */
	size_t			 nfill;		/* lazy tables filled */
	size_t			 nwrite;	/* members written, not filled */
	size_t			 nlazy, clazy;
	struct vg_lconv_map	*map;		/* table address -> slot */
	size_t			 cmap;		/* a power of two, or 0 */
	int			 tabs_ref;	/* registry: member tables */
	int			 mt_ref;	/* registry: the lazy metatable */
	uint32_t		 ntabs;		/* this call's, in tabs */
	uint32_t		 tabs_stale;	/* tabs of calls before, kept */
	const void		*mt_obj, *mt_arr; /* the lazy metatables */
	struct vg_lconv_mat	*mat;		/* objects filled this call */
	size_t			 nmat, cmat;
	struct vg_arena		*arena;		/* where results are built */
	size_t			 out_limit;	/* JSON bytes of a result */
	size_t			 out_used;	/* counted in this call */
	int			 out_over;	/* this call's was over */
	/* values of record fields read alone, by the field memo entry
	 * that found them (vg_field_known): Lua strings and numbers made
	 * once, not per call; the values in the registry table vals_ref */
	int			 vals_ref;
	uint64_t		 vals_id[VG_LCONV_VALS];
};

/* Registers metatables, vigil.null/vigil.array and the wrappers of next,
 * rawget, rawset, rawlen, setmetatable in L's globals (the vigil table
 * must be at the top of the stack). Call once, protected. */
void		 vg_lconv_setup(lua_State *, struct vg_lconv *);
/* Starts/ends a call: a new generation; results go to arena. */
void		 vg_lconv_begin(struct vg_lconv *, struct vg_arena *);
void		 vg_lconv_end(struct vg_lconv *);
/* Pushes the document as a (lazy) table; may raise a Lua error. */
void		 vg_lconv_push(lua_State *, struct vg_lconv *,
		    const struct vg_node *);
/* Pushes the event of view v as a lazy table whose members are laid out
 * as they are read; may raise a Lua error. */
void		 vg_lconv_push_view(lua_State *, struct vg_lconv *,
		    struct vg_view *v);
/* Whether the value at idx is the event pushed by vg_lconv_push_view and
 * no table of the event has been filled in this call: so none was changed
 * and the event is as it came. */
int		 vg_lconv_untouched(lua_State *, struct vg_lconv *, int idx);
/* Converts the value at idx to a tree in the call's arena; raises a Lua
 * error (with the path of the bad member) if it cannot, or (and sets
 * out_over) as soon as the JSON it stands for is over out_limit bytes. */
struct vg_node	*vg_lconv_to_node(lua_State *, struct vg_lconv *, int idx);
/*
 * The value at idx as a patch of the view's event (vigil/view.h): when
 * it is the event table of the view (never laid out whole nor filled)
 * and every member table it handed out is of records, the ones a filter
 * changed are converted as vg_lconv_to_node() converts them in the
 * event, into the view's patch: 1. 0 if the value is not of that form
 * or nothing in it changed. May raise a Lua error, as the conversion.
 */
int		 vg_lconv_patch(lua_State *, struct vg_lconv *, int idx);
void		 vg_lconv_free(struct vg_lconv *);
/* The vigil.null sentinel. */
void		 vg_lconv_push_null(lua_State *);

/*
 * The pattern step budget of one state (filter_lua_str.c): what
 * string.find, match, gmatch and gsub may spend in one filter call.
 */
struct vg_lstr_budget {
	uint64_t	 limit;		/* steps per call */
	uint64_t	 left;
	int		 exhausted;	/* ran out in this call */
};

/* Replaces find, match, gmatch and gsub in the table at the top of the
 * stack (the string library) with bounded ones charging b, and arms b.
 * b is borrowed for the life of the state. Call once, protected. */
void		 vg_lstr_setup(lua_State *, struct vg_lstr_budget *b);
/* Gives b its whole limit again (at the start of each call). */
void		 vg_lstr_arm(struct vg_lstr_budget *b);
/* Takes n steps of bulk work done by the library function what from b;
 * raises the budget's error (and marks it exhausted) if they are not
 * there. */
void		 vg_lstr_charge(lua_State *, struct vg_lstr_budget *b,
		    uint64_t n, const char *what);

/*
 * string.rep, table.move, table.insert and table.remove of the sandbox
 * (filter_lua_bulk.c): Lua's own, after their work (bytes made, elements
 * moved) is charged to b; string.rep of an empty string is "" at once.
 * The string and table libraries must be in the globals. Call once,
 * protected.
 */
void		 vg_lbulk_setup(lua_State *, struct vg_lstr_budget *b);

#endif
