/*
 * decode.h: event -> document (docs/events.md is the contract): header
 * members, syscall/execve/proctitle/paths/sockaddr/cwd objects, every other
 * record under its lower-case type name. Never fails on bad record text:
 * what cannot be decoded is kept as text and marked.
 */
#ifndef VIGIL_DECODE_H
#define VIGIL_DECODE_H

#include "vigil/event.h"
#include "vigil/node.h"

/*
 * Fields of one record made into members; the rest are dropped, counted
 * and the event marked (docs/events.md). Above what the kernel can write
 * in one record (8970 bytes, 2 bytes a field at least), so only forged or
 * replayed text reaches it: it bounds the document a line can make.
 */
#define VG_DECODE_MAX_FIELDS	8192

/* What decoding one event found. */
struct vg_decode_counts {
	unsigned long	parse_errors;	/* malformed tokens or records */
	unsigned long	fields_dropped;	/* past VG_DECODE_MAX_FIELDS */
};

/* Builds the document in the event's arena. NULL only on arena exhaustion
 * (errno ENOMEM). The counts (may be NULL) are added to. */
struct vg_node	*vg_decode_event_counts(struct vg_event *,
		    struct vg_decode_counts *);
/* The same, only parse errors counted (parse_errors may be NULL). */
struct vg_node	*vg_decode_event(struct vg_event *, unsigned long *parse_errors);

#endif
