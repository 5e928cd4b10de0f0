/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.c: document tree -> one JSON line (RFC 8259), and the string
 * escaper the streaming writer (json.h) calls for text that is not plain.
 * Strings are escaped with a 256-entry class table; safe bytes are copied
 * eight at a time as they are checked. Bytes that are not valid UTF-8
 * become \udcXX (surrogateescape, docs/events.md). Never allocates
 * except by growing the output buffer.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vigil/json.h"

/* Byte classes. */
#define C_OK	0	/* copied as is */
#define C_ESC	1	/* short escape: \" \\ \b \f \n \r \t */
#define C_CTL	2	/* other control: \u00XX */
#define C_U2	3	/* lead of a 2-byte UTF-8 sequence */
#define C_U3	4	/* lead of a 3-byte sequence */
#define C_U4	5	/* lead of a 4-byte sequence */
#define C_BAD	6	/* never valid in UTF-8 (continuation, C0, C1, F5+) */

static const unsigned char cls[256] = {
	/* 0x00-0x1f: controls */
	2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 1, 1, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	/* 0x20-0x7f: '"' and '\\' short-escaped, DEL as \u007f */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	/* 0x80-0xbf: continuation bytes, invalid as a start */
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
	/* 0xc0-0xc1 overlong; 0xc2-0xdf two bytes */
	6, 6, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,
	/* 0xe0-0xef three bytes */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	/* 0xf0-0xf4 four bytes; 0xf5-0xff never valid */
	5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6,
};

static const char hexd[] = "0123456789abcdef";

/*
 * Length of the valid UTF-8 sequence starting at p (lead class c), or 0 if
 * the bytes there do not form one (overlong, surrogate, > U+10FFFF,
 * truncated). Follows RFC 3629's well-formed byte sequence table.
 */
static size_t
utf8_len(const unsigned char *p, size_t left, unsigned c)
{
	unsigned char lo = 0x80, hi = 0xbf;

	switch (c) {
	case C_U2:
		return left >= 2 && p[1] >= 0x80 && p[1] <= 0xbf ? 2 : 0;
	case C_U3:
		if (left < 3)
			return 0;
		if (p[0] == 0xe0)
			lo = 0xa0;		/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;		/* UTF-16 surrogates */
		if (p[1] < lo || p[1] > hi || p[2] < 0x80 || p[2] > 0xbf)
			return 0;
		return 3;
	case C_U4:
		if (left < 4)
			return 0;
		if (p[0] == 0xf0)
			lo = 0x90;		/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;		/* > U+10FFFF */
		if (p[1] < lo || p[1] > hi || p[2] < 0x80 || p[2] > 0xbf ||
		    p[3] < 0x80 || p[3] > 0xbf)
			return 0;
		return 4;
	default:
		return 0;
	}
}

/* Non-zero if any byte of w may need more than a copy: below 0x20,
 * '"', '\\', 0x7f or any byte >= 0x80 (SWAR zero-byte tests). */
static inline uint64_t
needs_look(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull;
	const uint64_t high = 0x8080808080808080ull;
	uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
	uint64_t del = w ^ (ones * 0x7f);

	return ((w - ones * 0x20) | (q - ones) | (bs - ones) |
	    (del - ones) | w) & high;
}

void
vg_json_string(const char *s, size_t len, struct vg_buf *b)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + len;
	char *o;
	size_t n;
	unsigned c;

	/* worst case: every byte becomes a 6-byte escape */
	if (len > (SIZE_MAX - 3) / 6 || vg_buf_reserve(b, len * 6 + 2) == -1)
		return;
	o = b->data + b->len;
	*o++ = '"';
	while (p < end) {
		/* plain ASCII eight bytes at a time, copied as it is read
		 * (the reserve above has room for any overrun); the byte
		 * loop and the class table decide everything else */
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (needs_look(w))
				break;
			memcpy(o, &w, 8);
			o += 8;
			p += 8;
		}
		while (p < end && cls[*p] == C_OK)
			*o++ = (char)*p++;
		if (p == end)
			break;
		c = cls[*p];
		switch (c) {
		case C_ESC:
			*o++ = '\\';
			switch (*p) {
			case '\b': *o++ = 'b'; break;
			case '\f': *o++ = 'f'; break;
			case '\n': *o++ = 'n'; break;
			case '\r': *o++ = 'r'; break;
			case '\t': *o++ = 't'; break;
			default: *o++ = (char)*p; break;	/* " and \ */
			}
			p++;
			break;
		case C_CTL:
			memcpy(o, "\\u00", 4);
			o[4] = hexd[*p >> 4];
			o[5] = hexd[*p & 15];
			o += 6;
			p++;
			break;
		default:
			if ((n = utf8_len(p, (size_t)(end - p), c)) != 0) {
				memcpy(o, p, n);
				o += n;
				p += n;
				break;
			}
			/* one byte that is not UTF-8: lone low surrogate */
			memcpy(o, "\\udc", 4);
			o[4] = hexd[*p >> 4];
			o[5] = hexd[*p & 15];
			o += 6;
			p++;
			break;
		}
	}
	*o++ = '"';
	b->len = (size_t)(o - b->data);
}

const uint8_t vg_json_plain[256] = {
	[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

#define MAX_DEPTH	64	/* deeper (filter-built) trees are cut to null */

static void
write_node(const struct vg_node *n, struct vg_buf *b, int depth)
{
	const struct vg_node *c;
	char tmp[32];
	int len;

	switch (n->type) {
	case VG_N_BOOL:
		if (n->v.b)
			vg_buf_add(b, "true", 4);
		else
			vg_buf_add(b, "false", 5);
		return;
	case VG_N_INT:
		vg_buf_add_i64(b, n->v.i);
		return;
	case VG_N_UINT:
		vg_buf_add_u64(b, n->v.u);
		return;
	case VG_N_DOUBLE:
		/* JSON has no NaN or infinity */
		if (!isfinite(n->v.d))
			break;
		len = snprintf(tmp, sizeof(tmp), "%.17g", n->v.d);
		if (len > 0 && (size_t)len < sizeof(tmp))
			vg_buf_add(b, tmp, (size_t)len);
		else
			vg_buf_add(b, "null", 4);
		return;
	case VG_N_STR:
		vg_json_string(n->v.s.p, n->v.s.len, b);
		return;
	case VG_N_OBJ:
		if (depth >= MAX_DEPTH)
			break;
		vg_buf_addc(b, '{');
		for (c = n->v.c.head; c != NULL; c = c->next) {
			vg_json_string(c->key.p, c->key.len, b);
			vg_buf_addc(b, ':');
			write_node(c, b, depth + 1);
			if (c->next != NULL)
				vg_buf_addc(b, ',');
		}
		vg_buf_addc(b, '}');
		return;
	case VG_N_ARR:
		if (depth >= MAX_DEPTH)
			break;
		vg_buf_addc(b, '[');
		for (c = n->v.c.head; c != NULL; c = c->next) {
			write_node(c, b, depth + 1);
			if (c->next != NULL)
				vg_buf_addc(b, ',');
		}
		vg_buf_addc(b, ']');
		return;
	default:
		break;
	}
	vg_buf_add(b, "null", 4);
}

void
vg_json_node(const struct vg_node *n, struct vg_buf *b)
{
	write_node(n, b, 0);
}

/* One past the closing quote of the string whose opening quote is at
 * p[i] (valid JSON): the next quote that an even run of backslashes
 * precedes, found with memchr (most strings have no escape). */
static inline size_t
string_end(const char *p, size_t len, size_t i)
{
	const char *q, *end = p + len;
	size_t bs;

	for (q = p + i + 1; q < end; q++) {
		if ((q = memchr(q, '"', (size_t)(end - q))) == NULL)
			return len;
		for (bs = 0; q - bs > p + i + 1 && q[-1 - (ptrdiff_t)bs] ==
		    '\\'; bs++)
			;
		if (bs % 2 == 0)
			return (size_t)(q - p) + 1;
	}
	return len;
}

/* The end of the value at p[i] (valid JSON): one past its last byte. */
static inline size_t
value_end(const char *p, size_t len, size_t i)
{
	int depth = 0;
	char c;

	if (i < len && p[i] == '"')
		return string_end(p, len, i);
	if (i < len && p[i] != '{' && p[i] != '[') {
		/* a number, true, false or null: up to the next , } ] */
		while (i < len && p[i] != ',' && p[i] != '}' && p[i] != ']')
			i++;
		return i;
	}
	while (i < len) {
		c = p[i];
		if (c == '"') {
			i = string_end(p, len, i);
		} else if (c == '{' || c == '[') {
			depth++;
			i++;
			continue;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return i;	/* a number's end */
			depth--;
			i++;
		} else if (c == ',' && depth == 0) {
			return i;
		} else {
			i++;
			continue;
		}
		if (depth == 0)
			return i;	/* a string or a container closed */
	}
	return len;
}

/* The name of the member at *i of the object at p (as member_next()
 * reads it) and where its value starts: 1 and *i there, 0 at the closing
 * brace (*i on it), -1 if the text is not as the writers write it. */
static inline int
member_head(const char *p, size_t len, size_t *i, struct vg_json_member *m)
{
	size_t k = *i;

	if (k == 0) {
		if (len < 2 || p[0] != '{')
			return -1;
		k = 1;
		if (p[k] == '}') {
			*i = k;
			return 0;
		}
	} else if (k < len && p[k] == ',')
		k++;
	else if (k < len && p[k] == '}')
		return 0;
	else
		return -1;
	if (k >= len || p[k] != '"')
		return -1;
	m->from = k;
	m->esc = 0;
	/* names are short: a byte loop, escapes skipped */
	for (k++; k < len && p[k] != '"'; k++)
		if (p[k] == '\\') {
			m->esc = 1;
			k++;
		}
	if (k >= len)
		return -1;
	m->name = vg_str_make(p + m->from + 1, k - m->from - 1);
	if (++k >= len || p[k] != ':')
		return -1;
	m->vfrom = k + 1;
	*i = m->vfrom;
	return 1;
}

int
vg_json_member_next(const char *p, size_t len, size_t *i,
    struct vg_json_member *m)
{
	int r;

	if ((r = member_head(p, len, i, m)) != 1)
		return r;
	m->vto = value_end(p, len, m->vfrom);
	if (m->vto >= len || m->vto == m->vfrom)
		return -1;
	*i = m->vto;
	return 1;
}

int
vg_json_member_start(const char *p, size_t len, struct vg_str key,
    size_t *from)
{
	struct vg_json_member m;
	size_t i = 0;

	while (member_head(p, len, &i, &m) == 1) {
		if (!m.esc && m.name.len == key.len &&
		    memcmp(m.name.p, key.p, key.len) == 0) {
			*from = m.vfrom;
			return 1;
		}
		if ((i = value_end(p, len, m.vfrom)) >= len || i == m.vfrom)
			return 0;
	}
	return 0;
}

int
vg_json_member_span(const char *p, size_t len, struct vg_str key,
    size_t *from, size_t *to)
{
	size_t t;

	if (!vg_json_member_start(p, len, key, from) ||
	    (t = value_end(p, len, *from)) >= len || t == *from)
		return 0;
	*to = t;
	return 1;
}

void
vg_json_event(const struct vg_event *ev, const struct vg_node *doc,
    struct vg_buf *b)
{
	if (ev != NULL && ev->json.len > 0)
		vg_buf_add(b, ev->json.p, ev->json.len);
	else
		vg_json_write(doc, b);
}

void
vg_json_write(const struct vg_node *doc, struct vg_buf *b)
{
	if (doc == NULL)
		vg_buf_add(b, "null", 4);
	else
		write_node(doc, b, 0);
	vg_buf_addc(b, '\n');
}
