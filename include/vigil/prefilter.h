/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * prefilter.h: pure-C drop rules that run before any Lua filter, so the
 * common noise never reaches the interpreter (docs/lua.md, "Prefilter"):
 *	drop key=VALUE		the event has rule key VALUE (in "keys")
 *	drop syscall.exe=PATH	syscall.exe is exactly PATH
 *	drop syscall.auid=N	syscall.auid is N (likewise uid, euid, gid)
 *	drop syscall.name=NAME	syscall.name (the syscall's name) is NAME
 *	drop type=NAME|NUMBER	the event has a record of that type
 * Values are exact bytes, optionally in double quotes. Lookups are O(1)
 * hash probes (types: binary search), whatever the number of rules.
 */
#ifndef VIGIL_PREFILTER_H
#define VIGIL_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/filter.h"

/* An empty prefilter (passes everything); NULL with errno on ENOMEM.
 * Close with f->ops->close(f). Its ops->name is "prefilter". */
struct vg_filter	*vg_prefilter_new(void);

/*
 * Adds one rule (the "drop " word is optional). Returns 0, or -1 with a
 * message in msg (msglen bytes, may be 0) for a malformed rule or an
 * unknown record type; errno ENOMEM if out of memory.
 */
int			 vg_prefilter_add(struct vg_filter *, const char *rule,
			    char *msg, size_t msglen);

/* One parsed rule: which field, and its value (val/len point into the
 * rule text, without quotes; type: the record type number). */
enum vg_prefilter_field { VG_PF_KEY = 1, VG_PF_EXE, VG_PF_TYPE, VG_PF_LABEL,
	VG_PF_AUID, VG_PF_UID, VG_PF_EUID, VG_PF_GID, VG_PF_SYSCALL };
struct vg_prefilter_line {
	enum vg_prefilter_field	 field;
	const char		*val;	/* borrowed from the rule text */
	size_t			 len;
	uint32_t		 type;	/* VG_PF_TYPE */
	uint32_t		 id;	/* VG_PF_AUID ... VG_PF_GID */
};

/* Parses one rule as vg_prefilter_add does (also for the kernel pushdown,
 * pushdown.h, and the configuration's checks): the syntax, the field and
 * a type's name; a label's name is checked when the rule is added (the
 * labels are the process context's, context.h). 0, or -1 + EINVAL with
 * the message in msg. */
int			 vg_prefilter_parse(const char *rule,
			    struct vg_prefilter_line *, char *msg,
			    size_t msglen);

/* Number of rules added (duplicates count once). */
size_t			 vg_prefilter_count(const struct vg_filter *);

#endif
