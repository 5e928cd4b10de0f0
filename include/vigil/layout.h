/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * layout.h: the event layout, written once (src/layout.c): which records
 * become which members of the event document, in which order, under
 * which names, with which decodings and marks (docs/events.md). The
 * layout driver walks an event and calls a sink; the sinks make what
 * they make of it: JSON text (src/sink_json.c), the document tree for
 * Lua and tests (src/sink_tree.c). Equal output by construction.
 */
#ifndef VIGIL_LAYOUT_H
#define VIGIL_LAYOUT_H

#include <stdint.h>

#include "vigil/event.h"
#include "vigil/node.h"
#include "vigil/str.h"

/*
 * Fields of one record made into members; the rest are dropped, counted
 * and the event marked (docs/events.md). Above what the kernel can write
 * in one record (8970 bytes, 2 bytes a field at least), so only forged or
 * replayed text reaches it: it bounds the document a line can make.
 */
#define VG_DECODE_MAX_FIELDS	8192

/* What laying out one event found. */
struct vg_decode_counts {
	unsigned long	parse_errors;	/* malformed tokens or records */
	unsigned long	fields_dropped;	/* past VG_DECODE_MAX_FIELDS */
};

/*
 * What the driver calls, in document order (expat's handlers, libyaml's
 * emitter). begin() opens the root object, end() closes it. Members go to
 * the current container: open() starts a nested object or array as a
 * member of it, close() ends it. Keys of array elements are VG_STR_NULL.
 * Keys and string values are borrowed for the event (arena, record text
 * or static). The members between front(1) and front(0) go before every
 * member of the root written so far: the header, which is known only
 * once the records are done (rule keys, parse errors); the driver writes
 * it last, always with a first member, and writes nothing after it.
 * Ops never fail: on arena or buffer exhaustion the sink sets ->oom and
 * the caller throws the result away.
 */
struct vg_sink;

struct vg_sink_ops {
	void	(*begin)(struct vg_sink *, const struct vg_event *);
	void	(*front)(struct vg_sink *, int on);
	void	(*end)(struct vg_sink *);
	void	(*str)(struct vg_sink *, struct vg_str key, struct vg_str);
	/* a string of printable ASCII without '"' or '\\' (no escaping) */
	void	(*plain)(struct vg_sink *, struct vg_str key, struct vg_str);
	void	(*u64)(struct vg_sink *, struct vg_str key, uint64_t);
	void	(*i64)(struct vg_sink *, struct vg_str key, int64_t);
	/* decimal text: a number if it is one (u64, then i64: see
	 * vg_num_parse in vigil/num.h), else the text as a string */
	void	(*num)(struct vg_sink *, struct vg_str key, struct vg_str);
	void	(*boolean)(struct vg_sink *, struct vg_str key, int);
	void	(*null)(struct vg_sink *, struct vg_str key);
	void	(*open)(struct vg_sink *, struct vg_str key, enum vg_ntype);
	void	(*close)(struct vg_sink *);
	/*
	 * Optional (NULL in a sink without text): what was written since
	 * mark(), and writing it again elsewhere. The driver keeps the text
	 * of record parts that depend on their record text alone in ->memo
	 * and pastes it when the same text comes again. since() gives
	 * VG_STR_NULL when the text cannot be pasted (it did not follow a
	 * member of its container).
	 */
	size_t		(*mark)(struct vg_sink *);
	struct vg_str	(*since)(struct vg_sink *, size_t mark);
	void		(*paste)(struct vg_sink *, struct vg_str);
};

struct vg_memo;
struct vg_jw;

struct vg_sink {
	const struct vg_sink_ops *ops;
	/* The JSON writer (vigil/json.h) the ops write with, or NULL: the
	 * driver then calls it inline, with no indirect call per member. */
	struct vg_jw	*jw;
	struct vg_memo	*memo;		/* NULL: no pasting */
	unsigned long	 memo_hits;	/* record parts pasted */
	unsigned long	 head_hits;	/* SYSCALL starts read in one pass */
	/* where the context members went (jw sinks: offsets in jw->b),
	 * both 0 if none were written */
	size_t		 ctx_from, ctx_to;
	int		 oom;
};

/* The driver's state between events (name tables, rule keys): one per
 * caller, used from one thread. */
struct vg_layout;

struct vg_layout	*vg_layout_new(void);
void			 vg_layout_free(struct vg_layout *);

/*
 * Lays out one event into the sink: begin() ... end(). Decoded text is
 * allocated from the event's arena. 0, or -1 with errno ENOMEM when the
 * arena or the sink ran out (the sink's output is then garbage). The
 * counts (may be NULL) are added to.
 */
int	vg_layout_event(struct vg_layout *, struct vg_event *,
	    struct vg_sink *, struct vg_decode_counts *);

/* The walk of vg_layout_event() with its output thrown away: what it
 * counts, added to counts. 0, or -1 with errno ENOMEM. */
int	vg_layout_count(struct vg_layout *, struct vg_event *,
	    struct vg_decode_counts *counts);

/*
 * The lookup: the part of the document that holds the root member name,
 * laid out alone into the sink: begin(), its members, end() (none if the
 * event has no such member). A part is the event's own members (serial,
 * time, node: no record is walked), the header (those, keys, vigil),
 * the member(s) one kind of record makes (syscall, execve,
 * proctitle, cwd and cwd_record, paths, sockaddr) or the records of one
 * other type. Its members are those of vg_layout_event(), byte for byte:
 * what they depend on (the SYSCALL records' arch, every record's rule
 * keys and marks) is walked without output first. For readers of a
 * member or two (Lua filters): no tree of the rest. 0, or -1 with errno
 * ENOMEM. Nothing is counted.
 */
int	vg_layout_member(struct vg_layout *, struct vg_event *,
	    struct vg_sink *, struct vg_str name);

/* A record object of one event found by vg_layout_is_record(). */
struct vg_layout_rec {
	size_t	at;		/* index in the event's records */
	int	syscall;	/* read as the SYSCALL record */
};

/*
 * What a caller of vg_layout_field() keeps from lookups before: the member
 * a lookup gives is a function of the record's text, kind and the name
 * (which the field memo keeps), so a value derived from it can be kept
 * under the memo entry that answered. vg_layout_field() sets id to that
 * entry (0: the memo did not answer); if have(arg, id) says the caller
 * holds the member for it, nothing is laid out and it returns 2.
 */
struct vg_field_known {
	int		(*have)(void *arg, uint64_t id);
	void		*arg;
	uint64_t	 id;
};

/*
 * Whether root member `member` is one record object (the SYSCALL record,
 * or the one record of another known type): what vg_layout_field() can
 * read a member of. If so and rec is not NULL, *rec says which.
 */
int	vg_layout_is_record(const struct vg_event *, struct vg_str member,
	    struct vg_layout_rec *rec);

/*
 * Member name of the record object that is root member `member`, alone:
 * begin(), that member if the object has it (with what its field adds
 * beside it, such as "errno"), end(). The record is read up to the field
 * and no other field is decoded. 1 if done, 0 if the lookup cannot be made
 * this way (member is not one record object, or name is one that the
 * record object's other fields or the object itself could give: lay the
 * member out whole), -1 (errno ENOMEM). Equal to the member of
 * vg_layout_member(). Nothing is counted. rec, if not NULL, is what
 * vg_layout_is_record() gave for member and this event (saves finding
 * the record again). known, if not NULL: see struct vg_field_known.
 */
int	vg_layout_field(struct vg_layout *, struct vg_event *,
	    struct vg_sink *, struct vg_str member,
	    const struct vg_layout_rec *rec, struct vg_str name,
	    struct vg_field_known *known);

/* Which part holds the root member name: VG_PART_EVENT (serial, time,
 * node), VG_PART_HEADER (keys, vigil, and the event's again),
 * VG_PART_CONTEXT (host, context), VG_PART_OTHER
 * (a record type's name, or no member), or the index of a part made of
 * records (0 ...). Members of one part are laid out together. */
#define VG_PART_HEADER	(-1)
#define VG_PART_OTHER	(-2)
#define VG_PART_EVENT	(-3)
#define VG_PART_CONTEXT	(-4)	/* host, context (context.h) */
int	vg_layout_part(struct vg_str name);

#endif
