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

static struct vg_str	known[NKNOWN];
static uint32_t		known_hash[NKNOWN];

static void
known_init(void)
{
	static const char *const names[NKNOWN] = { "arch", "arch_id", "name",
	    "nr", "success", "exit", "errno", "a0", "a1", "a2", "a3",
	    "items" };
	unsigned i, ok;

	for (i = 0; i < NKNOWN; i++) {
		known[i] = vg_str_make(names[i], strlen(names[i]));
		known_hash[i] = vg_jd_name_hash(known[i], &ok);
	}
}

/* "key=" and a value up to the next space: the position after that one
 * space (or at the end), or NULL. */
static inline const char *
field(const char *p, const char *end, const char *key, size_t klen,
    struct vg_str *v)
{
	const char *q;

	if ((size_t)(end - p) <= klen || memcmp(p, key, klen) != 0)
		return NULL;
	p += klen;
	for (q = p; q < end && *q != ' '; q++)
		;
	if (q == p)
		return NULL;
	*v = vg_str_make(p, (size_t)(q - p));
	return q < end ? q + 1 : q;
}

/* Only hex digits; the value of the last eight in *out. */
static int
hex_digits(struct vg_str v, uint32_t *out)
{
	uint32_t x = 0;
	unsigned d;
	size_t i;

	for (i = 0; i < v.len; i++) {
		if ((d = (unsigned)(v.p[i] - '0')) > 9) {
			d = (unsigned)((v.p[i] | 0x20) - 'a');
			if (d > 5)
				return 0;
			d += 10;
		}
		x = x << 4 | d;
	}
	*out = x;
	return 1;
}

/* Decimal that reads back as itself (no '+', no leading zero) and fits
 * an int64; a '-' only if neg. The value in *out. */
static int
decimal(struct vg_str v, int neg, int64_t *out)
{
	const char *p = v.p, *end = v.p + v.len;
	int64_t x = 0;

	if (neg && p < end && *p == '-')
		p++;
	if (p == end || end - p > 18 || (*p == '0' && end - p > 1))
		return 0;
	for (; p < end; p++) {
		if ((unsigned)(*p - '0') > 9)
			return 0;
		x = x * 10 + (*p - '0');
	}
	if (v.p[0] == '-' && x == 0)
		return 0;		/* "-0": the field loop writes 0 */
	*out = v.p[0] == '-' ? -x : x;
	return 1;
}

/* "name":TEXT, or "name":"TEXT" (quote) for text that needs no escaping:
 * hex digits, and the arch, syscall and errno names of the tables. */
static void
put(struct vg_jdirect *j, int k, struct vg_str v, int quote)
{
	char *o;

	if (vg_jd_member(j, known[k], known_hash[k], 1, v.len + 2) != 0)
		return;
	o = j->b->data + j->b->len;
	if (quote)
		*o++ = '"';
	memcpy(o, v.p, v.len);
	o += v.len;
	if (quote)
		*o++ = '"';
	j->b->len = (size_t)(o - j->b->data);
}

static void
put_name(struct vg_jdirect *j, int k, const char *s)
{
	put(j, k, vg_str_make(s, strlen(s)), 1);
}

size_t
vg_jd_syscall_head(struct vg_jdirect *j, struct vg_frec *fr,
    struct vg_str body, unsigned *nfields)
{
	static const char akey[4][4] = { "a0=", "a1=", "a2=", "a3=" };
	const char *p = body.p, *end = body.p + body.len, *name;
	struct vg_str arch, nr, success, ex, a[4], items;
	int64_t sys, exv, it;
	uint32_t aa, x;
	unsigned i;

	if (known[0].p == NULL)
		known_init();
	if ((p = field(p, end, "arch=", 5, &arch)) == NULL ||
	    arch.len > 8 || !hex_digits(arch, &aa) ||
	    (p = field(p, end, "syscall=", 8, &nr)) == NULL ||
	    !decimal(nr, 0, &sys) || sys > INT32_MAX ||
	    (p = field(p, end, "success=", 8, &success)) == NULL ||
	    !(vg_str_eq(success, "yes") || vg_str_eq(success, "no")) ||
	    (p = field(p, end, "exit=", 5, &ex)) == NULL ||
	    !decimal(ex, 1, &exv))
		return 0;
	for (i = 0; i < 4; i++)
		if ((p = field(p, end, akey[i], 3, &a[i])) == NULL ||
		    !hex_digits(a[i], &x))
			return 0;
	if ((p = field(p, end, "items=", 6, &items)) == NULL ||
	    !decimal(items, 0, &it))
		return 0;

	/* what arch_value(), syscall_value() and the other field kinds of
	 * decode_field.c write for these */
	vg_frec_set_arch(&j->s, fr, aa);
	if ((name = vg_arch_name((enum vg_arch)fr->arch)) != NULL)
		put_name(j, K_ARCH, name);
	else
		put(j, K_ARCH, arch, 1);
	put(j, K_ARCH_ID, arch, 1);
	if ((name = vg_frec_syscall_name(&j->s, fr, (int)sys)) != NULL)
		put_name(j, K_NAME, name);
	put(j, K_NR, nr, 0);
	put(j, K_SUCCESS, success.len == 3 ? VG_STR_LIT("true") :
	    VG_STR_LIT("false"), 0);
	put(j, K_EXIT, ex, 0);
	if (exv < 0 && exv >= -4095 &&
	    (name = vg_errno_name((int)-exv)) != NULL)
		put_name(j, K_ERRNO, name);
	for (i = 0; i < 4; i++)
		put(j, K_A0 + (int)i, a[i], 1);
	put(j, K_ITEMS, items, 0);
	*nfields = 9;
	j->head_hits++;
	return (size_t)(p - body.p);
}
