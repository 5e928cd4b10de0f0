/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * record.h: one audit record and the record/field parser (src/parse.c).
 * Parsing never allocates: every slice points into the caller's line or
 * netlink payload and is valid only as long as that memory is.
 */
#ifndef VIGIL_RECORD_H
#define VIGIL_RECORD_H

#include <stdint.h>

#include "vigil/str.h"

#define VG_ENRICH_SEP	'\x1d'	/* auditd ENRICHED separator */
#define VG_MAX_RECORD	(64 * 1024)	/* longest line/payload accepted */

/* One record. Header parsed; body left as text for vg_fields_*(). */
struct vg_record {
	uint32_t	 type;		/* record type number (0 = unknown) */
	struct vg_str	 type_name;	/* name as written in text input,
					 * e.g. "UNKNOWN[1329]"; empty for netlink */
	struct vg_str	 node;		/* node= value; empty if none */
	uint64_t	 sec;		/* audit(sec.msec:serial) */
	uint32_t	 msec;
	uint32_t	 serial;
	struct vg_str	 body;		/* after "): ", up to the 0x1D if any;
					 * trailing newline/CR stripped */
	struct vg_str	 enriched;	/* after 0x1D; empty if none */
	struct vg_str	 line;		/* whole input line / payload */
	int		 remote;	/* from the network (listen.c) */
	int		 lent;		/* its text stays where it is until
					 * the caller's vg_group_own() (or
					 * vg_pipeline_own()): the grouper
					 * keeps the slices, copies nothing
					 * until then; 0: copied at once */
};

/*
 * Parses one text log line (auditd RAW or ENRICHED, with or without
 * "node=" prefix; also the syslog form "... audit: type=N audit(...)").
 * Returns 0, or -1 with errno EINVAL if the line is not a record (rec->line
 * is still set so the caller can report it).
 */
int	vg_parse_line(const char *line, size_t len, struct vg_record *rec);

/*
 * Parses the payload of a netlink audit message of the given type:
 * "audit(sec.msec:serial): body". Returns 0 or -1 (EINVAL).
 */
int	vg_parse_netlink(uint16_t type, const char *payload, size_t len,
	    struct vg_record *rec);

/*
 * The header of the last record parsed with it, for vg_parse_netlink_memo:
 * the kernel sends the records of an event one after the other, all with
 * the same "audit(sec.msec:serial): ", which is then compared instead of
 * parsed. Zero it before first use.
 */
struct vg_stamp_memo {
	char		 text[40];
	size_t		 len;		/* 0: empty */
	size_t		 tlen;		/* of "audit(SEC.MSEC:" in text */
	uint64_t	 sec;
	uint32_t	 msec, serial;
};

/* vg_parse_netlink, the same result, with the header memo. */
int	vg_parse_netlink_memo(uint16_t type, const char *payload, size_t len,
	    struct vg_record *rec, struct vg_stamp_memo *);

/*
 * What vg_parse_line_memo remembers between lines: the last stamp (the
 * records of an event follow each other with the same one) and the type
 * of a few type names. Zero it before first use.
 */
#define VG_LINE_TYPES	8

struct vg_line_memo {
	struct vg_stamp_memo	 stamp;
	/* set by a caller that searched the line already, for one
	 * parse: its first 0x1D (NULL: none), not searched for again */
	int			 sep_known;
	const char		*sep;
	struct {
		char		 name[24];
		uint8_t		 len;	/* 0: empty */
		uint32_t	 type;
	}			 types[VG_LINE_TYPES];
};

/* vg_parse_line, the same result, with the memo (NULL: none). */
int	vg_parse_line_memo(const char *line, size_t len, struct vg_record *rec,
	    struct vg_line_memo *);

/* How a value was written. */
enum vg_vkind {
	VG_V_BARE = 0,		/* key=value */
	VG_V_QUOTED,		/* key="value" (quotes stripped) */
	VG_V_SQUOTED,		/* key='value' not a nested msg (stripped) */
	VG_V_NULL,		/* key=(null) */
	VG_V_UNSET,		/* key=? */
	VG_V_NONE,		/* bare word without '=' (value empty) */
	VG_V_BRACED,		/* key={ ... } (enriched SADDR), braces kept */
};

#define VG_FF_NESTED	0x01	/* came from inside msg='...' */
#define VG_FF_ENRICHED	0x02	/* came from after the 0x1D separator */
#define VG_FF_ODDKEY	0x04	/* key=value whose key is no field name
				 * ([A-Za-z0-9_-], EXECVE's a1[0]), as
				 * "(seqno" of "(seqno=2)": free text */

struct vg_field {
	struct vg_str	key;
	struct vg_str	val;
	uint8_t		kind;	/* enum vg_vkind */
	uint8_t		flags;	/* VG_FF_* */
};

/*
 * Field tokenizer: a finite-state machine over a record body (and then its
 * enriched part). Usage:
 *	struct vg_fields it; struct vg_field f;
 *	vg_fields_begin(&it, rec->body, rec->enriched);
 *	while (vg_fields_next(&it, &f) == 1) ...
 * The msg='...' of user records is descended into: its fields come out
 * flagged VG_FF_NESTED (the outer "msg" itself is not returned unless its
 * content has no key=value form, then it comes out as a VG_V_SQUOTED field).
 * Returns 1 for a field, 0 at the end; malformed text never stops it: the
 * tokenizer resynchronises at the next space and counts it in ->errors.
 */
struct vg_fields {
	const char	*p, *end;	/* current position in current part */
	struct vg_str	 enriched;	/* part still to do, if any */
	const char	*nest_end;	/* end of msg='...' content, or NULL */
	uint8_t		 flags;		/* flags for fields of current part */
	unsigned	 errors;	/* malformed tokens skipped */
};

void	vg_fields_begin(struct vg_fields *, struct vg_str body,
	    struct vg_str enriched);
int	vg_fields_next(struct vg_fields *, struct vg_field *);

/*
 * The first field of body whose key is key, among its first max fields,
 * as vg_fields_next() gives it, found without classifying the others:
 * 1 and *f, 0 if there is none, -1 if body has a shape this quick scan
 * does not follow (single quotes, braces, "(null)", "?", a key with other
 * characters, a bad quote, more than max fields before it): then ask
 * vg_fields_next(). Reads body only (no enriched part).
 */
int	vg_fields_find(struct vg_str body, struct vg_str key, unsigned max,
	    struct vg_field *f);
/*
 * Makes f the bare word (VG_V_NONE, key = the whole token as written,
 * quotes included) that a VG_FF_ODDKEY field is: "(seqno=2)". Decoders
 * use it so free text never becomes a member name.
 */
void	vg_field_word(struct vg_field *);

/*
 * Hex decoding of audit "encoded" values (e.g. proctitle=2F62696E...).
 * vg_is_hex: non-empty, even length, only [0-9A-F] (either case).
 * vg_hex_decode writes len/2 bytes to out (caller sizes it) and returns
 * the count, or -1 if not hex.
 */
int	vg_is_hex(struct vg_str);
long	vg_hex_decode(struct vg_str, char *out);

#endif
