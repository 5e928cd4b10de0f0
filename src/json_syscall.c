/*
 * json_syscall.c: the start of a SYSCALL record as the kernel writes it
 * (arch= syscall= success= exit= a0= a1= a2= a3= items=), read and written
 * in one pass, without the tokenizer, the field table or the sink. Any
 * other shape is left whole to json_direct.c's field loop, which writes
 * the same bytes (check_json_direct and fuzz_decode compare the two).
 */
#include <stdint.h>
#include <string.h>

#include "json_direct_priv.h"
#include "vigil/tables.h"

enum { K_ARCH, K_ARCH_ID, K_NAME, K_NR, K_SUCCESS, K_EXIT, K_ERRNO, K_A0,
	K_A1, K_A2, K_A3, K_ITEMS, NKNOWN };

#define TEXT	24		/* bytes of known[].text copied whole */

/* A member name with its text ready: ,"name": then NULs. */
static struct {
	struct vg_str	 name;
	uint32_t	 hash;		/* vg_jd_name_hash() */
	uint32_t	 tlen;
	char		 text[TEXT + 8];
} known[NKNOWN];
static int		known_ready;

static void
known_init(void)
{
	static const char *const names[NKNOWN] = { "arch", "arch_id", "name",
	    "nr", "success", "exit", "errno", "a0", "a1", "a2", "a3",
	    "items" };
	unsigned i, ok;
	size_t n;

	for (i = 0; i < NKNOWN; i++) {
		n = strlen(names[i]);
		known[i].name = vg_str_make(names[i], n);
		known[i].hash = vg_jd_name_hash(known[i].name, &ok);
		known[i].text[0] = ',';
		known[i].text[1] = '"';
		memcpy(known[i].text + 2, names[i], n);
		known[i].text[n + 2] = '"';
		known[i].text[n + 3] = ':';
		known[i].tlen = (uint32_t)n + 4;
	}
	known_ready = 1;
}

void
vg_jd_head_file(struct vg_jdirect *j)
{
	uint32_t m = j->head_mask;
	int k;

	j->head_mask = 0;
	for (k = 0; k < NKNOWN; k++)
		if ((m & 1u << k) &&
		    vg_jd_tab_put(j, known[k].name, known[k].hash) == -1)
			j->declined = 1;
}

int
vg_jd_head_name(struct vg_str name, uint32_t hash)
{
	int k;

	if (!known_ready)
		known_init();
	for (k = 0; k < NKNOWN; k++)
		if (hash == known[k].hash && name.len == known[k].name.len &&
		    memcmp(name.p, known[k].name.p, name.len) == 0)
			return 1;
	return 0;
}

/* Hex digit values + 1; 0 for other bytes. */
static const uint8_t hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* "key=" and a value of hex digits, then one space or the end: the
 * position after it, or NULL. The value of its last 8 digits in *x, if
 * x is not NULL. */
static inline const char *
hex_field(const char *p, const char *end, const char *key, size_t klen,
    struct vg_str *v, uint32_t *x)
{
	const char *q;
	uint32_t acc = 0;
	unsigned d;

	if ((size_t)(end - p) <= klen || memcmp(p, key, klen) != 0)
		return NULL;
	p += klen;
	if (x == NULL)
		for (q = p; q < end && hexval[(unsigned char)*q] != 0; q++)
			;
	else
		for (q = p; q < end && (d = hexval[(unsigned char)*q]) != 0;
		    q++)
			acc = acc << 4 | (d - 1);
	if (q == p || (q < end && *q != ' '))
		return NULL;
	*v = vg_str_make(p, (size_t)(q - p));
	if (x != NULL)
		*x = acc;
	return q < end ? q + 1 : q;
}

/* "key=" and a decimal that reads back as itself (no '+', no leading
 * zero, no "-0"; a '-' only if neg) and fits an int64, then one space or
 * the end: the position after it, or NULL. The value in *out. */
static inline const char *
dec_field(const char *p, const char *end, const char *key, size_t klen,
    int neg, struct vg_str *v, int64_t *out)
{
	const char *q, *d;
	uint64_t x = 0;		/* wraps harmlessly past 18 digits */

	if ((size_t)(end - p) <= klen || memcmp(p, key, klen) != 0)
		return NULL;
	p += klen;
	d = neg && p < end && *p == '-' ? p + 1 : p;
	for (q = d; q < end && (unsigned)(*q - '0') <= 9; q++)
		x = x * 10 + (uint64_t)(*q - '0');
	if (q == d || q - d > 18 || (*d == '0' && q - d > 1) ||
	    (q < end && *q != ' ') || (d > p && x == 0))
		return NULL;
	*v = vg_str_make(p, (size_t)(q - p));
	*out = d > p ? -(int64_t)x : (int64_t)x;
	return q < end ? q + 1 : q;
}

/* One member: its text (the separator too, unless skip), then the value,
 * in quotes if quote; the value needs no escaping (hex digits, canonical
 * numbers, and the arch, syscall and errno names of the tables). end: the
 * end of the text v is in, or NULL (a table's name). */
static inline char *
put(char *o, int k, struct vg_str v, int quote, int skip, const char *end)
{
	memcpy(o, known[k].text + skip, TEXT);
	o += known[k].tlen - (unsigned)skip;
	*o = '"';
	o += quote;
	/* a short value with 16 readable bytes from it: one fixed-size
	 * copy instead of a memcpy call (the buffer has the room) */
	if (v.len <= 16 && end != NULL && end - v.p >= 16)
		memcpy(o, v.p, 16);
	else
		memcpy(o, v.p, v.len);
	o += v.len;
	*o = '"';
	return o + quote;
}

static struct vg_str
cstr(const char *s)
{
	return vg_str_make(s, strlen(s));
}

size_t
vg_jd_syscall_head(struct vg_jdirect *j, struct vg_frec *fr,
    struct vg_str body, unsigned *nfields)
{
	static const char akey[4][4] = { "a0=", "a1=", "a2=", "a3=" };
	const char *p = body.p, *end = body.p + body.len, *name;
	struct vg_str arch, nr, success, ex, a[4], items, v[3];
	int64_t sys, exv, it;
	uint32_t aa, mask;
	char *o;
	size_t need;
	unsigned i;

	if (!known_ready)
		known_init();
	if ((p = hex_field(p, end, "arch=", 5, &arch, &aa)) == NULL ||
	    arch.len > 8 ||
	    (p = dec_field(p, end, "syscall=", 8, 0, &nr, &sys)) == NULL ||
	    sys > INT32_MAX)
		return 0;
	if ((size_t)(end - p) >= 12 && memcmp(p, "success=yes ", 12) == 0) {
		success = VG_STR_LIT("true");
		p += 12;
	} else if ((size_t)(end - p) >= 11 &&
	    memcmp(p, "success=no ", 11) == 0) {
		success = VG_STR_LIT("false");
		p += 11;
	} else
		return 0;
	if ((p = dec_field(p, end, "exit=", 5, 1, &ex, &exv)) == NULL)
		return 0;
	for (i = 0; i < 4; i++)
		if ((p = hex_field(p, end, akey[i], 3, &a[i], NULL)) == NULL)
			return 0;
	if ((p = dec_field(p, end, "items=", 6, 0, &items, &it)) == NULL)
		return 0;

	/* what arch_value(), syscall_value() and the other field kinds of
	 * decode_field.c write for these */
	vg_frec_set_arch(&j->s, fr, aa);
	v[0] = (name = vg_arch_name((enum vg_arch)fr->arch)) != NULL ?
	    cstr(name) : arch;
	v[1] = (name = vg_frec_syscall_name(&j->s, fr, (int)sys)) != NULL ?
	    cstr(name) : VG_STR_NULL;
	v[2] = exv < 0 && exv >= -4095 &&
	    (name = vg_errno_name((int)-exv)) != NULL ? cstr(name) :
	    VG_STR_NULL;
	need = NKNOWN * (TEXT + 2) + 16 + v[0].len + arch.len + v[1].len +
	    nr.len + ex.len + v[2].len + a[0].len + a[1].len + a[2].len +
	    a[3].len + items.len;
	if (vg_buf_reserve(j->b, need) == -1)
		return 0;	/* the field loop meets the same end */
	o = j->b->data + j->b->len;
	/* no separator if it is the object's first member */
	o = put(o, K_ARCH, v[0], 1, !j->more[j->depth],
	    v[0].p == arch.p ? end : NULL);
	o = put(o, K_ARCH_ID, arch, 1, 0, end);
	mask = 1u << K_ARCH | 1u << K_ARCH_ID | 1u << K_NR | 1u << K_SUCCESS |
	    1u << K_EXIT | 1u << K_A0 | 1u << K_A1 | 1u << K_A2 | 1u << K_A3 |
	    1u << K_ITEMS;
	if (v[1].p != NULL) {
		o = put(o, K_NAME, v[1], 1, 0, NULL);
		mask |= 1u << K_NAME;
	}
	o = put(o, K_NR, nr, 0, 0, end);
	o = put(o, K_SUCCESS, success, 0, 0, NULL);
	o = put(o, K_EXIT, ex, 0, 0, end);
	if (v[2].p != NULL) {
		o = put(o, K_ERRNO, v[2], 1, 0, NULL);
		mask |= 1u << K_ERRNO;
	}
	for (i = 0; i < 4; i++)
		o = put(o, K_A0 + (int)i, a[i], 1, 0, end);
	o = put(o, K_ITEMS, items, 0, 0, end);
	j->more[j->depth] = 1;
	j->b->len = (size_t)(o - j->b->data);
	/* counted now, filed in the name table only if another name of the
	 * record could repeat one of them (vg_jd_head_file) */
	j->nnames += (unsigned)__builtin_popcount(mask);
	if (j->nnames > MAXNAMES)
		j->declined = 1;
	j->head_mask = mask;
	*nfields = 9;
	j->head_hits++;
	return (size_t)(p - body.p);
}
