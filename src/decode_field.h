/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode_field.h: one field value -> its member(s) (decode_field.c), for
 * the layout driver; the text and time helpers other writers of members
 * share. Writes through layout_emit.h only.
 */
#ifndef VIGIL_DECODE_FIELD_H
#define VIGIL_DECODE_FIELD_H

#include <stddef.h>
#include <stdint.h>

#include "layout_emit.h"
#include "vigil/record.h"

/* A field flag of the layout's own (beside record.h's VG_FF_*): the value
 * is known to be plain text (vg_json_plain bytes), e.g. read by the
 * SYSCALL start reader. */
#define VG_FF_PLAIN	0x20

/* State of the record whose fields are being added. */
struct vg_frec {
	int		 is_syscall;
	int		 arch;		/* arch= seen earlier in this record */
};

/*
 * The member(s) for one field (docs/events.md): typed by kind, the kind
 * of the field's original name (vg_field_kind); key is the member name to
 * use (the caller may have renamed it). Enriched and bare-word fields are
 * the caller's business.
 */
void		vg_field_value(struct vg_layout *, struct vg_frec *,
		    struct vg_str key, int kind, const struct vg_field *);

/* arch= (the AUDIT_ARCH_* value) of the record; of the event too if it
 * is the SYSCALL record (the arch and byte order later fields use). */
void		vg_frec_set_arch(struct vg_layout *, struct vg_frec *,
		    uint32_t audit_arch);
/* The name of syscall nr for this record's arch, else the event's. */
const char	*vg_frec_syscall_name(const struct vg_layout *,
		    const struct vg_frec *, int nr);

/* Hex bytes of s into arena memory; NULL if not hex (or ->oom set). */
unsigned char	*vg_hex_bytes(struct vg_layout *, struct vg_str s, size_t *len);

/* The arguments of a proctitle= field (NUL-separated, hex-decoded) as
 * string elements of the current container (an array). */
void		vg_proctitle_args(struct vg_layout *, const struct vg_field *);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (24 bytes, no NUL). */
void		vg_fmt_time(char out[24], uint64_t sec, uint32_t msec);

/* Text value of a field: hex-decoded into the arena when it is written
 * bare and is hex (encoded audit string), else the slice as is. Sets *oom
 * on arena exhaustion. */
struct vg_str	vg_decode_text(struct vg_arena *, const struct vg_field *,
		    int *oom);

#endif
