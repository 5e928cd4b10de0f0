/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opt.h: the configuration engine's option tables. One row describes one
 * key (name, type, bounds, default, extra check, help): vigild.conf keys,
 * the command line's settings, every output's ?KEY=VALUE options,
 * auditd.conf's keys and plugins.d's are parsed and checked by the same
 * code, so `vigild --check` and a start agree by construction
 * (fluent-bit's config_map is the model).
 */
#ifndef VIGIL_OPT_H
#define VIGIL_OPT_H

#include <stddef.h>
#include <stdint.h>

enum vg_opt_type {
	VG_OPT_STR,	/* any text (check may narrow it) */
	VG_OPT_LIST,	/* repeatable text (vigild.conf lists) */
	VG_OPT_BOOL,	/* yes/no/true/false/on/off/1/0 */
	VG_OPT_UINT,	/* decimal min..max */
	VG_OPT_U64,	/* decimal min..max, stored as a uint64_t */
	VG_OPT_SIZE,	/* min..max, k/m/g suffixes allowed */
	VG_OPT_OCTAL,	/* file permissions, min..max */
	VG_OPT_ENUM,	/* one of choices */
	VG_OPT_SET,	/* parsed and stored by the row's set hook */
	VG_OPT_IGNORED,	/* known, not stored: a warning says why (warn) */
};

/*
 * VG_OPT_AUDITD: auditd.conf(5)'s dialect. The name and the choices are
 * case-insensitive, the value is one word (unless VG_OPT_WORDS), messages
 * read `KEY: "VAL" is not ...` and an unknown name is an "unknown
 * keyword". A table is of one dialect: its first row says which.
 */
#define VG_OPT_AUDITD	0x01
#define VG_OPT_WORDS	0x02	/* the value may be several words */
#define VG_OPT_AUX	0x04	/* the char * at aux_off is the row's too */
/*
 * VG_OPT_PLUGINS (with VG_OPT_AUDITD): a plugins.d file's dialect,
 * auditd.conf's but worded as vigil always told plugins.d mistakes: a
 * wrong value reads `KEY: unknown value "VAL" (expected ...)`, more than
 * one word `KEY takes one value, not N`.
 */
#define VG_OPT_PLUGINS	0x08

struct vg_opt {
	const char		*name;	/* "rdkafka.*": any key with the prefix */
	enum vg_opt_type	 type;
	const char		*def;	/* default as text, or NULL */
	uint64_t		 min, max;
	const char *const	*choices;	/* VG_OPT_ENUM, NULL-ended */
	const int		*values;	/* ENUM: stored for choices[i]
						 * (NULL: the index i) */
	/* what a wrong value gets told: "expected <expect>"; NULL: said
	 * from type and bounds */
	const char		*expect;
	/*
	 * After the type's own check: 0, or -1 and in msg what follows the
	 * row's prefix ("KEY=VAL: ", auditd.conf "KEY: "): "expected ..."
	 * or a whole message. Must not change anything outside.
	 */
	int			(*check)(const char *val, char *msg, size_t len);
	/*
	 * VG_OPT_SET: checks val and stores it at base + off (and, with
	 * VG_OPT_AUX, a strdup'd char * or NULL at base + aux_off); on
	 * error changes nothing. 0, 1 (stored, a warning in msg) or -1;
	 * msg as check's.
	 */
	int			(*set)(const struct vg_opt *, void *base,
				    const char *val, char *msg, size_t len);
	/* where vg_opt_store puts the value (tables of a struct); own:
	 * the table's owner stores it (vg_opt_store/_free leave it) */
	size_t			 off, cnt_off, aux_off;
	int			 own;
	unsigned		 flags;		/* VG_OPT_* above */
	/* accepted, but a warning says "KEY = VAL: accepted but <warn>"
	 * (VG_OPT_IGNORED: "KEY: <warn>; ignored") */
	const char		*warn;
	const char		*help;
};

/* A table ends with a row whose name is NULL. Finds name, or NULL. */
const struct vg_opt	*vg_opt_find(const struct vg_opt *tab, const char *name);
/*
 * Checks val against row o: 0 with its number in *num (BOOL: 0/1, ENUM:
 * the choice's value; may be NULL), or -1 with "KEY=VAL: expected ..." in
 * msg. Not for VG_OPT_SET rows (only their store checks).
 */
int	vg_opt_check(const struct vg_opt *o, const char *val, uint64_t *num,
	    char *msg, size_t len);
/*
 * Checks val and stores it at base + o->off: STR a strdup'd char *
 * (the old one freed), LIST appended to the char *[max] array counted by
 * the int at cnt_off, BOOL an int, UINT an unsigned, U64/SIZE/OCTAL a
 * uint64_t, ENUM an int, SET what its hook stores. 0; 1 if accepted
 * with a warning (in msg: VG_OPT_IGNORED, warn, a set hook's); or -1
 * with msg, nothing changed.
 */
int	vg_opt_store(const struct vg_opt *o, void *base, const char *val,
	    char *msg, size_t len);
/*
 * Finds name in tab and stores val by its row (vg_opt_store, the
 * message naming the key as given where the row is a pattern). An
 * unknown name: -1, "unknown key "NAME"" (auditd.conf: keyword).
 */
int	vg_opt_set(const struct vg_opt *tab, void *base, const char *name,
	    const char *val, char *msg, size_t len);
/*
 * For set hooks of rows with choices: the value of the choice spelled
 * s[0..len) (values[i], or i), or -1; and what a wrong one is told ("one
 * of a, b, c", as vg_opt_check says it).
 */
int	vg_opt_choice(const struct vg_opt *o, const char *s, size_t len);
void	vg_opt_expected(const struct vg_opt *o, char *buf, size_t len);
/*
 * What a wrong val of row o is told after the row's prefix, in its
 * dialect: "expected ...", auditd.conf `"VAL" is not ...`, plugins.d
 * `unknown value "VAL" (expected ...)`; o->expect or vg_opt_expected's.
 */
void	vg_opt_bad(const struct vg_opt *o, const char *val, char *msg,
	    size_t len);
/* Stores every row's default. */
void	vg_opt_defaults(const struct vg_opt *tab, void *base);
/* Frees what vg_opt_store allocated (STR, LIST, AUX) and zeroes those. */
void	vg_opt_free(const struct vg_opt *tab, void *base);
/*
 * base (a struct of size bytes) into dst, every STR and AUX string
 * duplicated. 0, or -1 (ENOMEM: dst freed; EINVAL: a LIST row, not
 * copied).
 */
int	vg_opt_copy(const struct vg_opt *tab, void *dst, const void *base,
	    size_t size);

/* yes/no/true/false/on/off/1/0 (any case) into *out: 0, or -1. */
int	vg_parse_bool(const char *s, int *out);

#endif
