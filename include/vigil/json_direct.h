/*
 * json_direct.h: an event straight to its JSON line, without building the
 * document tree (src/json_direct.c). Gives the same bytes as
 * vg_decode_event() + vg_json_write(), for the events it takes: kernel
 * syscall events (SYSCALL, EXECVE, PROCTITLE, CWD, PATH, SOCKADDR) and
 * other single records. It declines the rest (repeated record types,
 * enriched input, nested msg='...' fields, bare words, malformed text,
 * duplicate member names), and the caller then uses the tree.
 */
#ifndef VIGIL_JSON_DIRECT_H
#define VIGIL_JSON_DIRECT_H

#include "vigil/buf.h"
#include "vigil/event.h"

struct vg_jdirect;

struct vg_jdirect	*vg_jdirect_new(void);
void			 vg_jdirect_free(struct vg_jdirect *);
/* Record texts whose JSON was copied from an earlier event (the memo). */
unsigned long		 vg_jdirect_memo_hits(const struct vg_jdirect *);
/* SYSCALL records whose start took the one-pass reader (json_syscall.c). */
unsigned long		 vg_jdirect_head_hits(const struct vg_jdirect *);

/*
 * Appends the event's JSON line ('\n' included) to out and adds the parse
 * errors its document reports to *errors: 0. Declined: 1, out unchanged.
 * Arena or buffer exhausted: -1 (errno ENOMEM), out unchanged. Uses the
 * event's arena for decoded text.
 */
int	vg_json_direct(struct vg_jdirect *, struct vg_event *, struct vg_buf *out,
	    unsigned long *errors);

#endif
