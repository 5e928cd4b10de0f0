/*
 * json.h: document -> one line of JSON (RFC 8259), appended to a buffer
 * with a trailing '\n'. Control characters are \u-escaped; bytes that are
 * not valid UTF-8 are written as \udcXX (lone low surrogates, the
 * "surrogateescape" convention): lossless, see docs/events.md.
 */
#ifndef VIGIL_JSON_H
#define VIGIL_JSON_H

#include "vigil/buf.h"
#include "vigil/event.h"
#include "vigil/node.h"

void	vg_json_write(const struct vg_node *, struct vg_buf *);
/* The event's line: ev->json if the pipeline wrote it directly, else the
 * document written by vg_json_write(). */
void	vg_json_event(const struct vg_event *, const struct vg_node *,
	    struct vg_buf *);
/* One string value, quotes included. */
void	vg_json_string(const char *, size_t, struct vg_buf *);

#endif
