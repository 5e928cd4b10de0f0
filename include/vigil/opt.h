/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opt.h: the configuration engine's option tables. One row describes one
 * key (name, type, bounds, default, extra check, help): vigild.conf keys,
 * the command line's settings and every output's ?KEY=VALUE options are
 * parsed and checked by the same code, so `vigild --check` and a start
 * agree by construction (fluent-bit's config_map is the model).
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
	VG_OPT_SIZE,	/* min..max, k/m/g suffixes allowed */
	VG_OPT_OCTAL,	/* file permissions, min..max */
	VG_OPT_ENUM,	/* one of choices */
};

struct vg_opt {
	const char		*name;	/* "rdkafka.*": any key with the prefix */
	enum vg_opt_type	 type;
	const char		*def;	/* default as text, or NULL */
	uint64_t		 min, max;
	const char *const	*choices;	/* VG_OPT_ENUM, NULL-ended */
	/* what a wrong value gets told: "expected <expect>"; NULL: said
	 * from type and bounds */
	const char		*expect;
	/* after the type's own check: 0, or -1 with "expected ..." text
	 * (or a whole message) in msg. Must not change anything outside. */
	int			(*check)(const char *val, char *msg, size_t len);
	/* where vg_opt_store puts the value (tables of a struct); own:
	 * the table's owner stores it (vg_opt_store/_free leave it) */
	size_t			 off, cnt_off;
	int			 own;
	const char		*help;
};

/* A table ends with a row whose name is NULL. Finds name, or NULL. */
const struct vg_opt	*vg_opt_find(const struct vg_opt *tab, const char *name);
/*
 * Checks val against row o: 0 with its number in *num (BOOL: 0/1, ENUM:
 * the choice's index; may be NULL), or -1 with "KEY=VAL: expected ..." in
 * msg.
 */
int	vg_opt_check(const struct vg_opt *o, const char *val, uint64_t *num,
	    char *msg, size_t len);
/*
 * Checks val and stores it at base + o->off: STR a strdup'd char *
 * (the old one freed), LIST appended to the char *[max] array counted by
 * the int at cnt_off, BOOL an int, UINT an unsigned, SIZE/OCTAL a
 * uint64_t, ENUM an int. 0, or -1 with msg.
 */
int	vg_opt_store(const struct vg_opt *o, void *base, const char *val,
	    char *msg, size_t len);
/* Stores every row's default. */
void	vg_opt_defaults(const struct vg_opt *tab, void *base);
/* Frees what vg_opt_store allocated (STR, LIST) and zeroes those. */
void	vg_opt_free(const struct vg_opt *tab, void *base);

/* yes/no/true/false/on/off/1/0 (any case) into *out: 0, or -1. */
int	vg_parse_bool(const char *s, int *out);

#endif
