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

/* Builds the document in the event's arena. NULL only on arena exhaustion
 * (errno ENOMEM). parse_errors (may be NULL) is incremented per malformed
 * token or record found. */
struct vg_node	*vg_decode_event(struct vg_event *, unsigned long *parse_errors);

#endif
