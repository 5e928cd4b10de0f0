/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.c: record parser. Splits one text log line or netlink payload into
 * header (type, node, time, serial) and body, and tokenises a body into
 * key=value slices. Finite-state machines over bytes: never allocates, never
 * logs, never reads past the given length (input is not NUL-terminated and
 * may contain NUL bytes).
 *
 * Text lines accepted by vg_parse_line (anything else is EINVAL):
 *	[node=NODE ]type=TYPE msg=audit(SEC.MSEC:SERIAL):[ BODY][\x1dENRICHED]
 *	... audit: type=TYPE audit(SEC.MSEC:SERIAL):[ BODY]	(syslog/dmesg)
 * TYPE is a name ("SYSCALL"; an unknown name gives type 0 but the record is
 * kept), a number ("1400"), or "UNKNOWN[1329]" (number from the brackets);
 * numbers above 65535 are rejected. "msg=" is optional in both forms.
 * SEC is 1-20 digits, MSEC 1-3 digits (taken as a number of milliseconds,
 * as auparse does: ".5" is 5 ms), SERIAL 1-10 digits up to 2^32-1. The time
 * stamp must be complete: "audit(1337845201)" and "audit()" are rejected,
 * since a record without a serial cannot be grouped. The stamp ends with
 * "):" or, as old auditd wrote DAEMON_END ("audit(...) auditd normal halt"),
 * ") ". An empty body (EOE) is fine. One space after "):" is dropped; further spaces stay in the
 * body so the raw line can be rebuilt. Trailing CR/LF are stripped. Two
 * records on one line (selinux/audit2allow-test.log) give the first record,
 * with the second one's text as its body's tail.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "vigil/record.h"
#include "vigil/tables.h"

#define TYPE_MAX	65535U

/* Character classes for the header and the field tokenizer. */
#define C_SP	0x01	/* separates tokens */
#define C_EQ	0x02	/* ends a key */
#define C_QT	0x04	/* a quote: never part of a key */
#define C_TN	0x08	/* record type name character [A-Za-z0-9_] */
#define C_DG	0x10	/* decimal digit */
#define C_NM	0x20	/* field name [A-Za-z0-9_-], EXECVE's
			 * brackets (a1[0]) */

#define KEY_STOP	(C_SP | C_EQ | C_QT)

static const uint8_t cls[256] = {
	[' '] = C_SP,
	['='] = C_EQ,
	['"'] = C_QT, ['\''] = C_QT,
	['_'] = C_TN | C_NM,
	['-'] = C_NM, ['['] = C_NM, [']'] = C_NM,
	['0' ... '9'] = C_TN | C_DG | C_NM,
	['A' ... 'Z'] = C_TN | C_NM,
	['a' ... 'z'] = C_TN | C_NM,
};

/* Hex digit values plus one; 0 = not a hex digit. */
static const uint8_t hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
};

#define CLS(c)	(cls[(uint8_t)(c)])

/* Consumes the literal s (n bytes) at *pp if it is there. Inline: with
 * a constant literal the compare is a load or two, not a memcmp call. */
static inline int
lit(const char **pp, const char *end, const char *s, size_t n)
{
	if ((size_t)(end - *pp) < n || memcmp(*pp, s, n) != 0)
		return 0;
	*pp += n;
	return 1;
}

/* Whether the n bytes at a and b are equal: word loads (the last word
 * overlapping), no memcmp call, for the short texts the memo compares. */
static inline int
same_bytes(const char *a, const char *b, size_t n)
{
	uint64_t x, y;
	uint32_t u, v;
	size_t i;

	if (n >= 8) {
		for (i = 0; i + 8 < n; i += 8) {
			memcpy(&x, a + i, 8);
			memcpy(&y, b + i, 8);
			if (x != y)
				return 0;
		}
		memcpy(&x, a + n - 8, 8);
		memcpy(&y, b + n - 8, 8);
		return x == y;
	}
	if (n >= 4) {
		memcpy(&u, a, 4);
		memcpy(&v, b, 4);
		if (u != v)
			return 0;
		memcpy(&u, a + n - 4, 4);
		memcpy(&v, b + n - 4, 4);
		return u == v;
	}
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

/* The index of the first space in the 16 bytes at p, or 16. */
static inline size_t
space16(const char *p)
{
	const uint64_t ones = 0x0101010101010101ull, sp = 0x2020202020202020ull;
	uint64_t w, t;
	size_t i;

	for (i = 0; i < 16; i += 8) {
		memcpy(&w, p + i, 8);
		w ^= sp;
		if ((t = (w - ones) & ~w & (ones << 7)) != 0)
			return i + (size_t)__builtin_ctzll(t) / 8;
	}
	return 16;
}

/* How many of the eight bytes of w (first byte lowest) lead with a
 * decimal digit: bytes 0x30..0x39 have high nibble 3, and stay below
 * 0x40 when 6 is added (a carry only reaches bytes after a non-digit). */
static unsigned
lead_digits(uint64_t w)
{
	const uint64_t hi = 0xf0f0f0f0f0f0f0f0ull, z = 0x3030303030303030ull;
	uint64_t nd = ((w & hi) ^ z) | (((w + 0x0606060606060606ull) & hi) ^ z);

	return nd == 0 ? 8 : (unsigned)__builtin_ctzll(nd) / 8;
}

/* The value of the first k (1..8) digit bytes of w. */
static uint64_t
eight(uint64_t w, unsigned k)
{
	uint64_t d = (w - 0x3030303030303030ull) << (8 * (8 - k));

	/* the k digits are now the high bytes, low bytes zero: leading
	 * zeros; pairs, then quads, then the eight (simdjson's method) */
	d = d * 10 + (d >> 8);
	return (((d & 0x000000ff000000ffull) * (100 + (1000000ull << 32))) +
	    (((d >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32)))) >>
	    32;
}

static const uint64_t pow10_8[9] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
};

/* Consumes 1..maxdig decimal digits whose value is <= max. */
static int
num(const char **pp, const char *end, size_t maxdig, uint64_t max,
    uint64_t *out)
{
	const char *p = *pp;
	uint64_t v = 0, d, w;
	size_t n = 0;
	unsigned k;

	/* three calls per record: eight digits at a time while eight
	 * bytes are left (16 digits always fit), then one at a time; no
	 * overflow check until the 20th digit (19 always fit in 64 bits) */
	while (end - p >= 8 && n < 16) {
		memcpy(&w, p, 8);
		if ((k = lead_digits(w)) == 0)
			break;
		v = v * pow10_8[k] + eight(w, k);
		p += k;
		n += k;
		if (k < 8)
			break;
	}
	while (p < end && n < 19 && (CLS(*p) & C_DG)) {
		v = v * 10 + (uint64_t)(*p - '0');
		p++;
		n++;
	}
	if (p < end && (CLS(*p) & C_DG)) {
		d = (uint64_t)(*p - '0');
		if (++n > maxdig || __builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, d, &v))
			return -1;
		p++;
		if (p < end && (CLS(*p) & C_DG))
			return -1;
	}
	if (n == 0 || n > maxdig || v > max)
		return -1;
	*pp = p;
	*out = v;
	return 0;
}

/*
 * TYPE, then at least one space. Sets type and type_name.
 */
static int
parse_type(const char **pp, const char *end, struct vg_record *rec,
    struct vg_line_memo *lm)
{
	const char *s = *pp, *p = s;
	uint64_t v;
	size_t n;
	unsigned i;
	int t;

	/* a name the memo has, followed by a space: its type at once (the
	 * memo only has names of type-name characters) */
	if (lm != NULL && end - s >= 16 && (n = space16(s)) > 0 && n < 16) {
		i = (unsigned)(n + (unsigned char)s[0]) % VG_LINE_TYPES;
		if (n == lm->types[i].len &&
		    same_bytes(s, lm->types[i].name, n)) {
			rec->type = lm->types[i].type;
			p = s + n;
			goto named;
		}
	}
	while (p < end && (CLS(*p) & C_TN))
		p++;
	if (p == s)
		return -1;
	if (p < end && *p == '[') {
		if (p - s != 7 || memcmp(s, "UNKNOWN", 7) != 0)
			return -1;
		p++;
		if (num(&p, end, 5, TYPE_MAX, &v) == -1 || p >= end ||
		    *p != ']')
			return -1;
		p++;
		rec->type = (uint32_t)v;
	} else if (CLS(*s) & C_DG) {
		const char *q = s;

		if (num(&q, p, 5, TYPE_MAX, &v) == -1 || q != p)
			return -1;
		rec->type = (uint32_t)v;
	} else if (lm != NULL) {
		/* a name seen before: its type without the table */
		n = (size_t)(p - s);
		i = (unsigned)(n + (unsigned char)s[0]) % VG_LINE_TYPES;
		if (n == lm->types[i].len &&
		    same_bytes(s, lm->types[i].name, n))
			rec->type = lm->types[i].type;
		else {
			t = vg_type_by_name(s, n);
			rec->type = t < 0 ? 0 : (uint32_t)t;
			if (n < sizeof(lm->types[i].name)) {
				memcpy(lm->types[i].name, s, n);
				lm->types[i].len = (uint8_t)n;
				lm->types[i].type = rec->type;
			}
		}
	} else {
		t = vg_type_by_name(s, (size_t)(p - s));
		rec->type = t < 0 ? 0 : (uint32_t)t;
	}
named:
	if (p >= end || *p != ' ')
		return -1;
	rec->type_name = vg_str_make(s, (size_t)(p - s));
	while (p < end && *p == ' ')
		p++;
	*pp = p;
	return 0;
}

/*
 * "SERIAL):" and an optional space (the end of a stamp); the rest is the
 * body.
 */
static int
parse_serial(const char *p, const char *end, struct vg_record *rec)
{
	uint64_t v, w;
	unsigned k;

	/* up to eight digits and ')' from the next eight bytes and the one
	 * after (the first hundred million events: a busy host's serials
	 * have eight digits within weeks), else the general way */
	k = 0;
	if (end - p >= 8) {
		memcpy(&w, p, 8);
		k = lead_digits(w);
	}
	if (k >= 1 && (k < 8 || end - p > 8) && p[k] == ')') {
		v = eight(w, k);
		p += k + 1;
	} else if (num(&p, end, 10, UINT32_MAX, &v) == -1 ||
	    !lit(&p, end, ")", 1))
		return -1;
	/* "): body"; 2006-era auditd wrote "audit(...) body" for DAEMON_* */
	if (p >= end || (*p != ':' && *p != ' '))
		return -1;
	if (*p == ':')
		p++;
	rec->serial = (uint32_t)v;
	if (p < end && *p == ' ')
		p++;
	rec->body = vg_str_make(p, (size_t)(end - p));
	return 0;
}

/*
 * "audit(SEC.MSEC:SERIAL):" and an optional space; the rest is the body.
 * *tl: the length of "audit(SEC.MSEC:", the serial's offset.
 */
static int
parse_stamp(const char *p, const char *end, struct vg_record *rec,
    size_t *tl)
{
	const char *s = p;
	uint64_t v, w;

	if (!lit(&p, end, "audit(", 6))
		return -1;
	/* what the kernel writes from 2001 to 2286: ten digits, '.', three
	 * digits, ':'; read at fixed places, the rest the general way */
	if (end - p >= 16 && (memcpy(&w, p, 8), lead_digits(w) == 8) &&
	    (CLS(p[8]) & C_DG) && (CLS(p[9]) & C_DG) && p[10] == '.' &&
	    (CLS(p[11]) & C_DG) && (CLS(p[12]) & C_DG) &&
	    (CLS(p[13]) & C_DG) && p[14] == ':') {
		rec->sec = eight(w, 8) * 100 + (uint64_t)(p[8] - '0') * 10 +
		    (uint64_t)(p[9] - '0');
		rec->msec = (uint32_t)((p[11] - '0') * 100 + (p[12] - '0') * 10 +
		    (p[13] - '0'));
		p += 14;
	} else {
		if (num(&p, end, 20, UINT64_MAX, &rec->sec) == -1 ||
		    !lit(&p, end, ".", 1) ||
		    num(&p, end, 3, 999, &v) == -1)
			return -1;
		rec->msec = (uint32_t)v;
	}
	if (!lit(&p, end, ":", 1))
		return -1;
	*tl = (size_t)(p - s);
	return parse_serial(p, end, rec);
}

/*
 * Syslog/dmesg form: finds "audit: type=" at the start of a word and
 * leaves *pp after "type=". One pass; memchr jumps between candidates.
 */
static int
find_syslog(const char **pp, const char *start, const char *end)
{
	const char *q = start, *r;

	while (q < end && (q = memchr(q, 'a', (size_t)(end - q))) != NULL) {
		r = q;
		if ((q == start || q[-1] == ' ') &&
		    lit(&r, end, "audit: type=", 12)) {
			*pp = r;
			return 0;
		}
		q++;
	}
	return -1;
}

/* Member by member: a memset of the whole struct is a "rep stos" of 14
 * words, twice the stores (once a line, it shows). A member added to
 * struct vg_record must be reset here too: */
_Static_assert(sizeof(void *) != 8 || sizeof(struct vg_record) == 112,
    "struct vg_record changed: reset its new member in rec_reset()");

static void
rec_reset(struct vg_record *rec, const char *p, size_t len)
{
	rec->type = 0;
	rec->type_name = VG_STR_NULL;
	rec->node = VG_STR_NULL;
	rec->sec = 0;
	rec->msec = 0;
	rec->serial = 0;
	rec->body = VG_STR_NULL;
	rec->enriched = VG_STR_NULL;
	rec->line = vg_str_make(p, len);
	rec->remote = 0;
	rec->lent = 0;
}

static int
einval(void)
{
	errno = EINVAL;
	return -1;
}

/*
 * vg_parse_line: see record.h and the grammar at the top of this file.
 * The slices in rec point into line. Returns 0, or -1 with errno EINVAL
 * (rec->line is set, without its CR/LF, so the caller can report it).
 */
int
vg_parse_line(const char *line, size_t len, struct vg_record *rec)
{
	return vg_parse_line_memo(line, len, rec, NULL);
}

/* The stamp at p, with the memo: the same bytes parse the same way. The
 * memo keeps only stamps that end with their space, so nothing after
 * them could have been taken too. A stamp with the memo's time (the next
 * event of the same millisecond) has only its serial read. */
static int
stamp_memo(const char *p, const char *end, struct vg_record *rec,
    struct vg_stamp_memo *sm)
{
	size_t hl, tl;

	if (sm == NULL)
		return parse_stamp(p, end, rec, &tl);
	if (sm->len > 0 && (size_t)(end - p) >= sm->len &&
	    same_bytes(p, sm->text, sm->len)) {
		rec->sec = sm->sec;
		rec->msec = sm->msec;
		rec->serial = sm->serial;
		rec->body = vg_str_make(p + sm->len, (size_t)(end - p) -
		    sm->len);
		return 0;
	}
	if (sm->len > 0 && (size_t)(end - p) > sm->tlen &&
	    same_bytes(p, sm->text, sm->tlen)) {
		if (parse_serial(p + sm->tlen, end, rec) == -1)
			return -1;
		rec->sec = sm->sec;
		rec->msec = sm->msec;
		tl = sm->tlen;
	} else if (parse_stamp(p, end, rec, &tl) == -1)
		return -1;
	hl = (size_t)(rec->body.p - p);
	sm->len = 0;
	if (hl <= sizeof(sm->text) && p[hl - 1] == ' ') {
		memcpy(sm->text, p, hl);
		sm->len = hl;
		sm->tlen = tl;
		sm->sec = rec->sec;
		sm->msec = rec->msec;
		sm->serial = rec->serial;
	}
	return 0;
}

int
vg_parse_line_memo(const char *line, size_t len, struct vg_record *rec,
    struct vg_line_memo *lm)
{
	const char *p, *end, *s, *sep;

	if (line == NULL)
		len = 0;
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	rec_reset(rec, line, len);
	if (len == 0 || len > VG_MAX_RECORD)
		return einval();
	p = line;
	end = line + len;
	if (lit(&p, end, "node=", 5)) {
		s = p;
		while (p < end && *p != ' ')
			p++;
		rec->node = vg_str_make(s, (size_t)(p - s));
		while (p < end && *p == ' ')
			p++;
		if (!lit(&p, end, "type=", 5))
			return einval();
	} else if (!lit(&p, end, "type=", 5) &&
	    find_syslog(&p, line, end) == -1)
		return einval();
	if (parse_type(&p, end, rec, lm) == -1)
		return einval();
	lit(&p, end, "msg=", 4);
	if (stamp_memo(p, end, rec, lm != NULL ? &lm->stamp : NULL) == -1)
		return einval();
	if (rec->body.len == 0)
		return 0;
	/* the caller's search, if it found none or one in the body */
	if (lm != NULL && lm->sep_known &&
	    (lm->sep == NULL || lm->sep >= rec->body.p))
		sep = lm->sep != NULL && lm->sep < end ? lm->sep : NULL;
	else
		sep = memchr(rec->body.p, VG_ENRICH_SEP, rec->body.len);
	if (sep != NULL) {
		rec->enriched = vg_str_make(sep + 1,
		    (size_t)(end - sep - 1));
		rec->body.len = (size_t)(sep - rec->body.p);
	}
	return 0;
}

/*
 * vg_parse_netlink: payload "audit(SEC.MSEC:SERIAL): body" of a netlink
 * message; trailing NULs and CR/LF are stripped. The type comes from the
 * message header, so type_name stays empty. No 0x1D split: that separator
 * belongs to auditd's log format, not to the kernel's.
 */
int
vg_parse_netlink(uint16_t type, const char *payload, size_t len,
    struct vg_record *rec)
{
	return vg_parse_netlink_memo(type, payload, len, rec, NULL);
}

int
vg_parse_netlink_memo(uint16_t type, const char *payload, size_t len,
    struct vg_record *rec, struct vg_stamp_memo *sm)
{
	if (payload == NULL)
		len = 0;
	while (len > 0 && (payload[len - 1] == '\0' ||
	    payload[len - 1] == '\n' || payload[len - 1] == '\r'))
		len--;
	rec_reset(rec, payload, len);
	rec->type = type;
	if (len == 0 || len > VG_MAX_RECORD)
		return einval();
	if (stamp_memo(payload, payload + len, rec, sm) == -1)
		return einval();
	return 0;
}

/* ---- field tokenizer ---------------------------------------------- */

void
vg_fields_begin(struct vg_fields *it, struct vg_str body,
    struct vg_str enriched)
{
	if (body.p == NULL)
		body = VG_STR_LIT("");
	if (enriched.p == NULL)
		enriched = VG_STR_LIT("");
	it->p = body.p;
	it->end = body.p + body.len;
	it->enriched = enriched;
	it->nest_end = NULL;
	it->flags = 0;
	it->errors = 0;
}

/* End of the token that starts at p: the next space, or lim. */
static const char *
tok_end(const char *p, const char *lim)
{
	const char *q;

	if (p >= lim)
		return lim;
	q = memchr(p, ' ', (size_t)(lim - p));
	return q != NULL ? q : lim;
}

/* True if p (before lim) is at a token boundary. */
static int
at_bound(const char *p, const char *lim)
{
	return p >= lim || *p == ' ';
}

/*
 * The closing quote c of a value whose content starts at p: the first c
 * followed by a space or lim. NULL if there is none.
 */
static const char *
close_quote(const char *p, const char *lim, char c)
{
	const char *q;

	while (p < lim && (q = memchr(p, c, (size_t)(lim - p))) != NULL) {
		if (at_bound(q + 1, lim))
			return q;
		p = q + 1;
	}
	return NULL;
}

/*
 * Whether msg='...' content [p, lim) holds at least one key=value: an '='
 * with a non-space character before it in the same word.
 */
static int
has_kv(const char *p, const char *lim)
{
	const char *s = p, *q;

	while (s < lim && (q = memchr(s, '=', (size_t)(lim - s))) != NULL) {
		if (q > p && q[-1] != ' ')
			return 1;
		s = q + 1;
	}
	return 0;
}

static void
set_field(struct vg_field *f, const char *k, size_t klen, const char *v,
    size_t vlen, enum vg_vkind kind, uint8_t flags)
{
	f->key = vg_str_make(k, klen);
	f->val = vg_str_make(v, vlen);
	f->kind = (uint8_t)kind;
	f->flags = flags;
}

/*
 * vg_fields_next: the next field of the body, then of the enriched part.
 * States: skip spaces -> key -> '=' -> one of the value forms; a bare word
 * is a VG_V_NONE field (key = the word; "{ a b }" is one word). A value
 * starting with '=' ("subj==unconfined") is a bare value "=unconfined". A
 * malformed token (quote in a key, empty key, unterminated or badly closed
 * quote/brace) is skipped up to the next space and counted.
 * Returns 1 with *f set, or 0 at the end.
 */
int
vg_fields_next(struct vg_fields *it, struct vg_field *f)
{
	const char *p, *lim, *k, *v, *q;
	size_t klen;
	uint8_t fl;

	for (;;) {
		lim = it->nest_end != NULL ? it->nest_end : it->end;
		p = it->p;
		while (p < lim && *p == ' ')
			p++;
		if (p >= lim) {
			if (it->nest_end != NULL) {
				/* leave msg='...': step over the quote */
				it->p = it->nest_end + 1;
				it->nest_end = NULL;
				it->flags &= (uint8_t)~VG_FF_NESTED;
				continue;
			}
			if (it->enriched.len > 0) {
				it->p = it->enriched.p;
				it->end = it->enriched.p + it->enriched.len;
				it->enriched = VG_STR_LIT("");
				it->flags = VG_FF_ENRICHED;
				continue;
			}
			it->p = lim;
			return 0;
		}

		k = p;
		if (*p == '{') {
			/* "denied { read write } for": one word */
			if ((q = close_quote(p + 1, lim, '}')) != NULL)
				q++;
			else
				q = tok_end(p, lim);
			set_field(f, k, (size_t)(q - k), q, 0, VG_V_NONE,
			    it->flags);
			it->p = q;
			return 1;
		}
		fl = it->flags;
		while (p < lim && (CLS(*p) & C_NM))
			p++;
		if (p < lim && !(CLS(*p) & KEY_STOP)) {
			/* no field name: "(seqno" of "(seqno=2)" is free text,
			 * said in the flags so that a decoder can keep it as a
			 * word (vg_field_word) */
			fl |= VG_FF_ODDKEY;
			while (p < lim && !(CLS(*p) & KEY_STOP))
				p++;
		}
		klen = (size_t)(p - k);
		if (p < lim && (CLS(*p) & C_QT))
			goto bad;		/* stray quote */
		if (p >= lim || *p == ' ') {
			set_field(f, k, klen, p, 0, VG_V_NONE, it->flags);
			it->p = p;
			return 1;
		}
		/* *p == '=' */
		if (klen == 0)
			goto bad;
		v = ++p;
		if (at_bound(v, lim)) {
			set_field(f, k, klen, v, 0, VG_V_BARE, fl);
			it->p = v;
			return 1;
		}
		switch (*v) {
		case '"':
			if ((q = memchr(v + 1, '"', (size_t)(lim - v - 1))) ==
			    NULL || !at_bound(q + 1, lim))
				goto bad;
			set_field(f, k, klen, v + 1, (size_t)(q - v - 1),
			    VG_V_QUOTED, fl);
			it->p = q + 1;
			return 1;
		case '\'':
			if ((q = close_quote(v + 1, lim, '\'')) == NULL)
				goto bad;
			if (it->nest_end == NULL && klen == 3 &&
			    memcmp(k, "msg", 3) == 0 && has_kv(v + 1, q)) {
				it->nest_end = q;
				it->flags |= VG_FF_NESTED;
				it->p = v + 1;
				continue;
			}
			set_field(f, k, klen, v + 1, (size_t)(q - v - 1),
			    VG_V_SQUOTED, fl);
			it->p = q + 1;
			return 1;
		case '{':
			if ((q = close_quote(v + 1, lim, '}')) == NULL)
				goto bad;
			set_field(f, k, klen, v, (size_t)(q + 1 - v),
			    VG_V_BRACED, fl);
			it->p = q + 1;
			return 1;
		/*
		 * '=' falls through to a bare value: AppArmor kernels write
		 * "subj==unconfined" and laurel reads it as subj="=unconfined";
		 * dropping it would lose the label.
		 */
		case '?':
			if (at_bound(v + 1, lim)) {
				set_field(f, k, klen, v, 1, VG_V_UNSET,
				    fl);
				it->p = v + 1;
				return 1;
			}
			break;
		case '(':
			if (lim - v >= 6 && memcmp(v, "(null)", 6) == 0 &&
			    at_bound(v + 6, lim)) {
				set_field(f, k, klen, v, 6, VG_V_NULL,
				    fl);
				it->p = v + 6;
				return 1;
			}
			break;
		}
		q = tok_end(v, lim);
		set_field(f, k, klen, v, (size_t)(q - v), VG_V_BARE,
		    fl);
		it->p = q;
		return 1;
bad:
		it->errors++;
		it->p = tok_end(p, lim);
	}
}

int
vg_fields_find(struct vg_str body, struct vg_str key, unsigned max,
    struct vg_field *f)
{
	const char *p = body.p, *lim = body.p + body.len, *k, *v, *q;
	unsigned n = 0;
	enum vg_vkind kind;
	size_t klen;

	for (;;) {
		while (p < lim && *p == ' ')
			p++;
		if (p >= lim)
			return 0;
		k = p;
		while (p < lim && (CLS(*p) & C_NM))
			p++;
		if (p < lim && !(CLS(*p) & KEY_STOP))
			return -1;	/* an odd key, or "{" */
		if (p < lim && (CLS(*p) & C_QT))
			return -1;	/* stray quote */
		klen = (size_t)(p - k);
		if (++n > max)
			return -1;
		if (p >= lim || *p == ' ') {
			if (klen == 0)
				return -1;
			continue;	/* a bare word */
		}
		if (klen == 0)
			return -1;
		v = ++p;
		kind = VG_V_BARE;
		if (at_bound(v, lim)) {
			q = v;
		} else if (*v == '"') {
			if ((q = memchr(v + 1, '"', (size_t)(lim - v - 1))) ==
			    NULL || !at_bound(q + 1, lim))
				return -1;
			kind = VG_V_QUOTED;
			v++;
			p = q + 1;
		} else if (*v == '\'' || *v == '{' || *v == '?' || *v == '(') {
			return -1;
		} else {
			/* values are short: a loop beats a memchr call */
			for (q = v; q < lim && *q != ' '; q++)
				;
		}
		if (kind == VG_V_BARE)
			p = q;
		if (klen == key.len && k[0] == key.p[0] &&
		    memcmp(k, key.p, klen) == 0) {
			set_field(f, k, klen, v, (size_t)(q - v), kind, 0);
			return 1;
		}
	}
}

void
vg_field_word(struct vg_field *f)
{
	const char *end = f->val.p + f->val.len;

	if (f->kind == VG_V_NONE)
		return;
	if (f->kind == VG_V_QUOTED || f->kind == VG_V_SQUOTED)
		end++;				/* the closing quote */
	f->key = vg_str_make(f->key.p, (size_t)(end - f->key.p));
	f->val = vg_str_make(end, 0);
	f->kind = VG_V_NONE;
	f->flags &= (uint8_t)~VG_FF_ODDKEY;
}

/* ---- hex ---------------------------------------------------------- */

int
vg_is_hex(struct vg_str s)
{
	size_t i;

	if (s.len == 0 || (s.len & 1) || s.p == NULL)
		return 0;
	for (i = 0; i < s.len; i++)
		if (hexval[(uint8_t)s.p[i]] == 0)
			return 0;
	return 1;
}

/*
 * vg_hex_decode: writes s.len / 2 bytes to out (caller sizes it). Returns
 * the count, or -1 (EINVAL) if s is not hex; out may then hold a prefix.
 */
long
vg_hex_decode(struct vg_str s, char *out)
{
	size_t i;
	uint8_t hi, lo;

	if (s.len == 0 || (s.len & 1) || s.p == NULL) {
		errno = EINVAL;
		return -1;
	}
	for (i = 0; i < s.len; i += 2) {
		hi = hexval[(uint8_t)s.p[i]];
		lo = hexval[(uint8_t)s.p[i + 1]];
		if (hi == 0 || lo == 0) {
			errno = EINVAL;
			return -1;
		}
		out[i / 2] = (char)((hi - 1) << 4 | (lo - 1));
	}
	return (long)(s.len / 2);
}
