/*
 * layout_priv.h: the layout driver's state (src/layout.c), shared with the
 * value decoders it calls (decode_field.c, decode_sockaddr.c,
 * decode_execve.c) and the name sets (names.c); not a module interface.
 * Every member goes out through the lay_*() helpers below: a member of a
 * record object gets its unique name there, then the sink gets it.
 * Everything allocates from the event arena only.
 */
#ifndef VIGIL_LAYOUT_PRIV_H
#define VIGIL_LAYOUT_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigil/arena.h"
#include "vigil/event.h"
#include "vigil/json.h"
#include "vigil/layout.h"
#include "vigil/record.h"
#include "vigil/rectype.h"

/* Record types the layout places specially. */

#define AUDIT_ARCH_LE	0x40000000u	/* __AUDIT_ARCH_LE */

/* A field flag of the layout's own (beside record.h's VG_FF_*): the value
 * is known to be plain text (vg_json_plain bytes), e.g. read by the
 * SYSCALL start reader. */
#define VG_FF_PLAIN	0x20

/* Byte order of binary structures in records (sockaddr). */
#define VG_END_UNKNOWN	0
#define VG_END_LITTLE	1
#define VG_END_BIG	2

/*
 * The member names of one object (names.c), filed as they are written:
 * "is this name taken" and "the name to give a new member" (NAME_2,
 * NAME_3, ... for a taken one). Up to VG_NAMES_SMALL names are a list
 * with a 256-bit filter of their cheap hashes in front: a new name whose
 * bit is clear is filed with no lookup at all, which is what nearly every
 * member of nearly every record takes. More names go to an arena table
 * with a keyed hash: O(1) each, whatever names a forged record repeats.
 */
#define VG_NAMES_SMALL	64

struct vg_nent {
	const char	*p;		/* NULL: empty (big table) */
	uint32_t	 len;
	uint32_t	 hash;		/* small: vg_name_hash(); big: keyed */
	uint32_t	 next;		/* NAME_<next> is the next to try */
};

struct vg_names {
	uint64_t	 bloom[4];	/* small: bit (hash & 255) per name */
	uint32_t	 n;		/* names filed */
	uint32_t	 mask;		/* of big */
	struct vg_nent	*big;		/* NULL while small */
	struct vg_nent	 ent[VG_NAMES_SMALL];	/* small: in order */
};

/* The cheap hash: the first and last four bytes and the length (three
 * bytes of a shorter name), mixed; colliding names cost a compare. */
static inline uint32_t
vg_name_hash(const char *p, size_t len)
{
	uint32_t x, a, b;

	if (len >= 4) {
		memcpy(&a, p, 4);
		memcpy(&b, p + len - 4, 4);
		x = a * 0x9e3779b1u ^ b * 0x85ebca77u;
	} else if (len > 0)
		x = ((uint32_t)(unsigned char)p[0] |
		    (uint32_t)(unsigned char)p[len / 2] << 8 |
		    (uint32_t)(unsigned char)p[len - 1] << 16) * 0x9e3779b1u;
	else
		return 0;
	x ^= (uint32_t)len * 0xc2b2ae3du;
	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	return x ^ x >> 12;
}

#define VG_NAMES_BIT(h)	(1ull << ((h) & 63))
#define VG_NAMES_WORD(h) (((h) >> 6) & 3)

/*
 * A record part being remembered for the memo (layout.c): a whole record
 * object and, inside it, the last members of a SYSCALL record can be at
 * the same time. What makes a part depend on more than its text sets bad.
 */
#define VG_LAY_WHOLE		0
#define VG_LAY_TAIL		1
#define VG_LAY_LEVELS		2
#define VG_LAY_REC_NAMES	64	/* member names a tail records */

struct vg_lay_rec {
	int		 on;
	int		 bad;
	unsigned	 nkeys;
	struct vg_str	 keys[4];	/* rule keys it gave */
};

/* The driver: per-event state, and tables kept between events. */
struct vg_layout {
	struct vg_sink	*out;
	const struct vg_sink_ops *op;	/* out->ops */
	struct vg_jw	*jw;		/* out->jw */
	struct vg_event	*ev;
	struct vg_arena	*a;		/* the event's: decoded text lives here */
	unsigned long	 errors;	/* malformed values found */
	unsigned long	 dropped;	/* fields past VG_DECODE_MAX_FIELDS */
	int		 oom;
	int		 arch;		/* enum vg_arch of the SYSCALL record */
	int		 endian;	/* VG_END_* of that arch */
	int		 depth;		/* of the current container; root 0 */
	int		 ndepth;	/* depth whose names are unique, or -1 */
	struct vg_names	*names;		/* ... its names */
	/* what the record parts being remembered (layout.c) gave */
	struct vg_lay_rec rec[VG_LAY_LEVELS];	/* VG_LAY_WHOLE ... */
	int		 arch_free;	/* the whole one is the event's first
					 * SYSCALL: its arch is its own */
	unsigned	 rec_nnames;	/* the tail's member names */
	struct vg_str	 rec_names[VG_LAY_REC_NAMES];
	struct vg_str	*keys;		/* rule keys, in order (arena) */
	size_t		 nkeys, capkeys;
	/* tables kept between events (reset, not freed) */
	struct vg_names	 rnames;	/* of the record object */
	struct vg_names	 enames;	/* of its "enriched" object */
	struct vg_names	 knames;	/* rule keys seen */
};

/* ---- names.c ---- */

static inline void
vg_names_reset(struct vg_names *t)
{
	t->n = 0;
	t->big = NULL;
	t->bloom[0] = t->bloom[1] = t->bloom[2] = t->bloom[3] = 0;
}

/* Whether name k (h: its vg_name_hash) is taken. */
int		vg_names_has_h(const struct vg_names *, struct vg_str k,
		    uint32_t h);
static inline int
vg_names_has(const struct vg_names *t, struct vg_str k)
{
	uint32_t h = vg_name_hash(k.p, k.len);

	if (t->big == NULL &&
	    !(t->bloom[VG_NAMES_WORD(h)] & VG_NAMES_BIT(h)))
		return 0;
	return vg_names_has_h(t, k, h);
}
/* Files a name: *name is the name itself (0), or NAME_N in arena memory
 * if it was taken (1); -1 if the arena is exhausted (*name: the name). */
int		vg_names_file(struct vg_names *, struct vg_arena *,
		    struct vg_str, struct vg_str *name);
/* The name of a new member of the record object (vg_names_file on
 * L->names); a rename makes the part being remembered unusable. h is
 * the name's vg_name_hash. */
struct vg_str	vg_lay_name(struct vg_layout *, struct vg_str, uint32_t h);
/* One rule key for the event's "keys" (deduplicated). */
void		vg_lay_rule_key(struct vg_layout *, struct vg_str);

/* Whether a small set has a name of full hash h (the filter said
 * maybe; equal hashes of different names are rare). */
static inline int
vg_names_hash_in(const struct vg_names *t, uint32_t h)
{
	uint32_t i;

	for (i = 0; i < t->n; i++)
		if (t->ent[i].hash == h)
			return 1;
	return 0;
}

/* ---- member helpers: what every decoder writes through ---- */

static inline __attribute__((always_inline)) struct vg_str
lay_key(struct vg_layout *L, struct vg_str k)
{
	struct vg_names *t = L->names;
	uint32_t h;

	if (L->depth != L->ndepth)
		return k;
	/* a name nothing before it can have: filed, nothing to look up */
	h = vg_name_hash(k.p, k.len);
	if (__builtin_expect(t->big == NULL && t->n < VG_NAMES_SMALL, 1) &&
	    (!(t->bloom[VG_NAMES_WORD(h)] & VG_NAMES_BIT(h)) ||
	    !vg_names_hash_in(t, h))) {
		t->bloom[VG_NAMES_WORD(h)] |= VG_NAMES_BIT(h);
		t->ent[t->n].p = k.p;
		t->ent[t->n].len = (uint32_t)k.len;
		t->ent[t->n].hash = h;
		t->ent[t->n].next = 2;
		t->n++;
		if (__builtin_expect(L->rec[VG_LAY_TAIL].on, 0)) {
			if (L->rec_nnames == VG_LAY_REC_NAMES)
				L->rec[VG_LAY_TAIL].bad = 1;
			else
				L->rec_names[L->rec_nnames++] = k;
		}
		return k;
	}
	return vg_lay_name(L, k, h);
}

/* The sink's JSON writer is called inline; other sinks through ops. */
static inline __attribute__((always_inline)) void
lay_str(struct vg_layout *L, struct vg_str k, struct vg_str v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_str(L->jw, k, v);
	else
		L->op->str(L->out, k, v);
}

/* v: printable ASCII without '"' or '\\' (table names, hex, numbers). */
static inline __attribute__((always_inline)) void
lay_plain(struct vg_layout *L, struct vg_str k, struct vg_str v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_plain(L->jw, k, v);
	else
		L->op->plain(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_u64(struct vg_layout *L, struct vg_str k, uint64_t v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_u64(L->jw, k, v);
	else
		L->op->u64(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_i64(struct vg_layout *L, struct vg_str k, int64_t v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_i64(L->jw, k, v);
	else
		L->op->i64(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_num(struct vg_layout *L, struct vg_str k, struct vg_str v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_num(L->jw, k, v);
	else
		L->op->num(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_bool(struct vg_layout *L, struct vg_str k, int v)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_bool(L->jw, k, v);
	else
		L->op->boolean(L->out, k, v);
}

static inline __attribute__((always_inline)) void
lay_null(struct vg_layout *L, struct vg_str k)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_null(L->jw, k);
	else
		L->op->null(L->out, k);
}

static inline __attribute__((always_inline)) void
lay_open(struct vg_layout *L, struct vg_str k, enum vg_ntype t)
{
	k = lay_key(L, k);
	if (L->jw != NULL)
		vg_jw_open(L->jw, k, t == VG_N_ARR);
	else
		L->op->open(L->out, k, t);
	L->depth++;
}

static inline __attribute__((always_inline)) void
lay_close(struct vg_layout *L)
{
	if (L->jw != NULL)
		vg_jw_close(L->jw);
	else
		L->op->close(L->out);
	L->depth--;
}

/* ---- decode_field.c ---- */

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

/* ---- decode_sockaddr.c ---- */

/*
 * Decodes a struct sockaddr (raw bytes, as hex-decoded from saddr=) into
 * members of the current object (family, addr, port, path, ...), in the
 * byte order of L->endian (VG_END_UNKNOWN: guessed from the family
 * bytes). raw must be arena memory (members may point into it). A struct
 * too short for its family is counted in ->errors and kept as raw hex.
 */
void		vg_decode_sockaddr(struct vg_layout *, const unsigned char *raw,
		    size_t len);

/* ---- decode_execve.c: argv across the EXECVE records of an event ---- */

struct vg_execve;
struct vg_execve *vg_execve_new(struct vg_arena *);
/* Takes one field of an EXECVE record; 0, or -1 if it is not an argument
 * field (argc, aN, aN_len, aN[i]) and the caller should keep it as a
 * generic member. Sets *oom on arena exhaustion. */
int		vg_execve_field(struct vg_execve *, const struct vg_field *,
		    int *oom);
/* Writes argc, argv and (if arguments were lost) missing as members of
 * the current object. */
void		vg_execve_finish(struct vg_execve *, struct vg_layout *);

#endif
