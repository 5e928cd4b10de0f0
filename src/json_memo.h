/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_memo.h: remembered sink text for record text seen before
 * (json_memo.c), kept by a sink that can paste (sink_json.c) and filled
 * and used by the layout driver (layout.c). Events of one process repeat
 * most of their text (the PROCTITLE record, the SYSCALL record from ppid=
 * on, a connect()'s SOCKADDR): their JSON is the same every time, so it
 * is written once and copied after. Not a module interface.
 */
#ifndef VIGIL_JSON_MEMO_H
#define VIGIL_JSON_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/str.h"

#define VG_MEMO_KEYS	4	/* rule keys an entry can carry */

/* What a piece of record text gave when it was written the long way. */
struct vg_memo_ent {
	const char	*json;		/* the members, with their separators */
	size_t		 jlen;
	const struct vg_str *names;	/* members it adds (a record's
					 * last members; else none) */
	const uint32_t	*hashes;	/* their vg_name_hash()es */
	unsigned	 nnames;
	uint64_t	 bloom[4];	/* their vg_names filter bits */
	unsigned long	 errors;	/* parse errors it counts */
	unsigned	 tok_errors;	/* tokens skipped in the text */
	int		 sets_arch;	/* a SYSCALL record: it gives the */
	int		 arch, endian;	/* event's arch and byte order */
	unsigned	 nfields;	/* fields the text has */
	struct vg_str	 keys[VG_MEMO_KEYS];	/* rule keys it adds */
	unsigned	 nkeys;
	size_t		 hole_at;	/* json[hole_at, +hole_len): the */
	size_t		 hole_len;	/* digits of a port the text's key
					 * leaves out (layout.c); 0: none */
};

struct vg_memo;

struct vg_memo	*vg_memo_new(void);
void		 vg_memo_free(struct vg_memo *);
/* The entry for text under tag, or NULL; *hash is for vg_memo_put(), and
 * on NULL *keep says whether vg_memo_put() would be worth it (the text
 * was seen before). The entry is valid until the next vg_memo_put(); the
 * bytes it points to (json, keys, names) until the next
 * vg_memo_event(). */
const struct vg_memo_ent *vg_memo_get(struct vg_memo *, uint32_t tag,
		    const char *text, size_t len, uint64_t *hash, int *keep);
/* Keeps a copy of e for text (replacing what was in its slot; the bytes
 * of what it replaces are freed at the next vg_memo_event()); silently
 * does nothing for text or JSON too long, or without memory. */
void		 vg_memo_put(struct vg_memo *, uint32_t tag, uint64_t hash,
		    const char *text, size_t len, const struct vg_memo_ent *);

/* A new event: frees what vg_memo_put() replaced during the last one. */
void		 vg_memo_event(struct vg_memo *);

#endif
