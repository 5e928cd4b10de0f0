/*
 * decode_priv.h: helpers shared by the decoder files (decode.c,
 * decode_execve.c, decode_sockaddr.c); not a module interface. Everything
 * allocates from the event arena only.
 */
#ifndef VIGIL_DECODE_PRIV_H
#define VIGIL_DECODE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/node.h"
#include "vigil/record.h"
#include "vigil/rectype.h"

#define AUDIT_ARCH_LE	0x40000000u	/* __AUDIT_ARCH_LE */

/* Byte order of binary structures in records (sockaddr). */
#define VG_END_UNKNOWN	0
#define VG_END_LITTLE	1
#define VG_END_BIG	2

/*
 * Where decoded members go: the document tree (decode.c) or JSON text
 * written as the fields are read (json_direct.c). Members are added to
 * the sink's current container; open() starts a nested object or array
 * as a member of it, close() ends it. Keys of array elements are
 * VG_STR_NULL. Ops never fail: on arena or buffer exhaustion they set
 * ->oom and the result is thrown away by the caller.
 */
struct vg_sink;

struct vg_sink_ops {
	void	(*str)(struct vg_sink *, struct vg_str key, struct vg_str);
	void	(*u64)(struct vg_sink *, struct vg_str key, uint64_t);
	void	(*i64)(struct vg_sink *, struct vg_str key, int64_t);
	/* decimal text: a number if it is one (u64, then i64), else the
	 * text as a string */
	void	(*num)(struct vg_sink *, struct vg_str key, struct vg_str);
	void	(*boolean)(struct vg_sink *, struct vg_str key, int);
	void	(*null)(struct vg_sink *, struct vg_str key);
	void	(*open)(struct vg_sink *, struct vg_str key, enum vg_ntype);
	void	(*close)(struct vg_sink *);
	/* one audit rule key (from key=), for the event's "keys" */
	void	(*rule_key)(struct vg_sink *, struct vg_str);
};

struct vg_sink {
	const struct vg_sink_ops *ops;
	struct vg_arena	*a;		/* the event's: decoded text lives here */
	unsigned long	 errors;	/* malformed values found */
	int		 oom;
	int		 arch;		/* enum vg_arch of the SYSCALL record */
	int		 endian;	/* VG_END_* of that arch */
};

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
void		vg_field_value(struct vg_sink *, struct vg_frec *,
		    struct vg_str key, int kind, const struct vg_field *);

/* arch= (the AUDIT_ARCH_* value) of the record; of the event too if it
 * is the SYSCALL record (the arch and byte order later fields use). */
void		vg_frec_set_arch(struct vg_sink *, struct vg_frec *,
		    uint32_t audit_arch);
/* The name of syscall nr for this record's arch, else the event's. */
const char	*vg_frec_syscall_name(const struct vg_sink *,
		    const struct vg_frec *, int nr);

/* Decimal text as a number: 1 (u64 in *u), 2 (i64 in *i), 0 not one. */
int		vg_num_parse(struct vg_str, uint64_t *u, int64_t *i);

/* Hex bytes of s into arena memory; NULL if not hex (or ->oom set). */
unsigned char	*vg_hex_bytes(struct vg_sink *, struct vg_str s, size_t *len);

/* The arguments of a proctitle= field (NUL-separated, hex-decoded) as
 * string elements of the sink's current container (an array). */
void		vg_proctitle_args(struct vg_sink *, const struct vg_field *);

/* "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (24 bytes, no NUL). */
void		vg_fmt_time(char out[24], uint64_t sec, uint32_t msec);

/*
 * Decodes a struct sockaddr (raw bytes, as hex-decoded from saddr=) into
 * members of the sink's current object (family, addr, port, path, ...),
 * in the byte order of the sink's endian (VG_END_UNKNOWN: guessed from
 * the family bytes). raw must be arena memory (members may point into
 * it). A struct too short for its family is counted in ->errors and kept
 * as raw hex.
 */
void		vg_decode_sockaddr(struct vg_sink *, const unsigned char *raw,
		    size_t len);

/* The "execve" object of an event (every EXECVE record, argv put
 * together) as the tree has it, for the direct writer: arch and endian
 * are read from out, parse errors, rule keys and arena exhaustion go to
 * it. NULL if out of memory. */
struct vg_event;
struct vg_node	*vg_decode_execve(struct vg_event *, struct vg_sink *out);

/* Text value of a field: hex-decoded into the arena when it is written
 * bare and is hex (encoded audit string), else the slice as is. Sets *oom
 * on arena exhaustion. */
struct vg_str	vg_decode_text(struct vg_arena *, const struct vg_field *,
		    int *oom);

/* EXECVE assembly across several records (decode_execve.c). */
struct vg_execve;
struct vg_execve *vg_execve_new(struct vg_arena *, struct vg_node *obj);
/* Takes one field of an EXECVE record; 0, or -1 if it is not an argument
 * field (argc, aN, aN_len, aN[i]) and the caller should keep it as a
 * generic member. Sets *oom on arena exhaustion. */
int		vg_execve_field(struct vg_execve *, const struct vg_field *,
		    int *oom);
/* Adds argc, argv and (if arguments were lost) missing to the object.
 * Returns 0 or -1 (ENOMEM). */
int		vg_execve_finish(struct vg_execve *);

#endif
