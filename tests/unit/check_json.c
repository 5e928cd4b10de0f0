/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_json.c: the JSON writer. Escaping of every byte, invalid UTF-8 as
 * \udcXX with a lossless round trip (decoded here by an independent
 * surrogateescape decoder; output validated by iconv and json-c).
 */
#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <iconv.h>
#include <json-c/json.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/buf.h"
#include "vigil/json.h"

/* ---- test helpers ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long
u4(const char *p)
{
	long v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		if ((h = hexval((unsigned char)p[i])) < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static size_t
put_utf8(unsigned char *o, long cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | cp >> 6);
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | cp >> 12);
		o[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | cp >> 18);
	o[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * Decodes one JSON string literal (s..s+n, quotes included) the way
 * Python's json.loads() + encode('utf-8', 'surrogateescape') would.
 * Returns the byte count, or -1 if the literal is malformed.
 */
static long
se_decode(const char *s, size_t n, unsigned char *out)
{
	size_t i = 1;
	long o = 0, cp, lo;

	if (n < 2 || s[0] != '"' || s[n - 1] != '"')
		return -1;
	while (i < n - 1) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			out[o++] = c;
			i++;
			continue;
		}
		if (i + 1 >= n - 1)
			return -1;
		switch (s[i + 1]) {
		case '"': out[o++] = '"'; i += 2; continue;
		case '\\': out[o++] = '\\'; i += 2; continue;
		case '/': out[o++] = '/'; i += 2; continue;
		case 'b': out[o++] = '\b'; i += 2; continue;
		case 'f': out[o++] = '\f'; i += 2; continue;
		case 'n': out[o++] = '\n'; i += 2; continue;
		case 'r': out[o++] = '\r'; i += 2; continue;
		case 't': out[o++] = '\t'; i += 2; continue;
		case 'u': break;
		default: return -1;
		}
		if (i + 6 > n - 1 || (cp = u4(s + i + 2)) < 0)
			return -1;
		i += 6;
		if (cp >= 0xd800 && cp <= 0xdbff && i + 6 <= n - 1 &&
		    s[i] == '\\' && s[i + 1] == 'u' &&
		    (lo = u4(s + i + 2)) >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			i += 6;
		} else if (cp >= 0xdc80 && cp <= 0xdcff) {
			out[o++] = (unsigned char)(cp - 0xdc00);
			continue;
		} else if (cp >= 0xd800 && cp <= 0xdfff)
			return -1;	/* we never write other surrogates */
		o += (long)put_utf8(out + o, cp);
	}
	return o;
}

/* 1 if buf is strictly valid UTF-8 (glibc's decoder, not ours). */
static int
valid_utf8(const char *buf, size_t n)
{
	static iconv_t cd = (iconv_t)-1;
	char *in = (char *)buf, *outp;
	size_t inl = n, outl;
	char *out;
	int ok;

	if (cd == (iconv_t)-1 &&
	    (cd = iconv_open("UTF-32LE", "UTF-8")) == (iconv_t)-1)
		ck_abort_msg("iconv_open");
	iconv(cd, NULL, NULL, NULL, NULL);
	outl = n * 4 + 4;
	if ((out = outp = malloc(outl)) == NULL)
		ck_abort_msg("malloc");
	ok = iconv(cd, &in, &inl, &outp, &outl) != (size_t)-1 && inl == 0;
	free(out);
	return ok;
}

/*
 * Writes s, checks the output's form, decodes it and compares. Plain ifs:
 * check's ck_assert costs a write(2) each, and this runs millions of times.
 */
static void
roundtrip(const void *s, size_t n)
{
	struct vg_buf b;
	unsigned char *dec;
	long m;
	size_t i;

	vg_buf_init(&b);
	vg_json_string(s, n, &b);
	if (b.oom)
		ck_abort_msg("oom");
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || b.data[i] == 0x7f)
			ck_abort_msg("raw control byte %#x in output",
			    (unsigned char)b.data[i]);
	if (!valid_utf8(b.data, b.len))
		ck_abort_msg("output not UTF-8: %.*s", (int)b.len, b.data);
	if ((dec = malloc(n + 1)) == NULL)
		ck_abort_msg("malloc");
	m = se_decode(b.data, b.len, dec);
	if (m != (long)n || (n > 0 && memcmp(dec, s, n) != 0))
		ck_abort_msg("round trip failed for %.*s", (int)b.len, b.data);
	free(dec);
	vg_buf_free(&b);
}

static void
expect(const char *in, size_t n, const char *want)
{
	struct vg_buf b;

	vg_buf_init(&b);
	vg_json_string(in, n, &b);
	ck_assert_uint_eq(b.len, strlen(want));
	ck_assert_msg(memcmp(b.data, want, b.len) == 0, "got %.*s want %s",
	    (int)b.len, b.data, want);
	vg_buf_free(&b);
	roundtrip(in, n);
}

/* ---- tests ---- */

/* Numbers as printf writes them: every length, each power of ten and
 * its neighbours, the ends of the range. */
START_TEST(decimal_numbers)
{
	struct vg_buf b;
	char want[32];
	uint64_t p, v;
	int64_t iv;
	int d, k;

	vg_buf_init(&b);
	for (p = 1, d = 0; d < 20; d++, p *= 10)
		for (k = -1; k <= 1; k++) {
			v = p + (uint64_t)(int64_t)k;
			vg_buf_reset(&b);
			vg_buf_addc(&b, 'x');
			vg_buf_add_u64(&b, v);
			snprintf(want, sizeof(want), "x%" PRIu64, v);
			ck_assert_uint_eq(b.len, strlen(want));
			ck_assert_mem_eq(b.data, want, b.len);
			iv = -(int64_t)(v >> 1);
			vg_buf_reset(&b);
			vg_buf_add_i64(&b, iv);
			snprintf(want, sizeof(want), "%" PRId64, iv);
			ck_assert_uint_eq(b.len, strlen(want));
			ck_assert_mem_eq(b.data, want, b.len);
		}
	vg_buf_reset(&b);
	vg_buf_add_u64(&b, UINT64_MAX);
	ck_assert_uint_eq(b.len, 20);
	ck_assert_mem_eq(b.data, "18446744073709551615", 20);
	vg_buf_reset(&b);
	vg_buf_add_i64(&b, INT64_MIN);
	ck_assert_mem_eq(b.data, "-9223372036854775808", 20);
	vg_buf_free(&b);
}
END_TEST

/* vg_u64_digits(v) is what printf writes */
static void
check_u64(uint64_t v)
{
	char a[24], b[24];
	size_t n = vg_u64_digits(a, v);

	snprintf(b, sizeof(b), "%" PRIu64, v);
	ck_assert_uint_eq(n, strlen(b));
	ck_assert_msg(memcmp(a, b, n) == 0, "%s", b);
}

/* every power of ten and its neighbours, a spread up to UINT64_MAX */
START_TEST(u64_digits)
{
	uint64_t p = 1, x = 88172645463325252ULL;
	int i;

	for (i = 0; i < 20; i++) {
		check_u64(p - 1);
		check_u64(p);
		check_u64(p + 1);
		if (i < 19)
			p *= 10;
	}
	for (i = 0; i < 2000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		check_u64(x >> (x % 64));
	}
	check_u64(UINT64_MAX);
}
END_TEST

/* vg_u64_digits_memo gives what printf writes, counting up by one across
 * every carry (9 -> 10, 999 -> 1000, ...), repeating, and jumping */
static void
check_memo(struct vg_u64_memo *m, uint64_t v)
{
	char a[24], b[24];
	size_t n = vg_u64_digits_memo(m, a, v);

	snprintf(b, sizeof(b), "%" PRIu64, v);
	ck_assert_uint_eq(n, strlen(b));
	ck_assert_msg(memcmp(a, b, n) == 0, "%s", b);
}

START_TEST(u64_digits_memo)
{
	struct vg_u64_memo m;
	uint64_t p = 1, v;
	int i;

	memset(&m, 0, sizeof(m));
	for (v = 0; v < 2100; v++)
		check_memo(&m, v);
	check_memo(&m, 2099);
	check_memo(&m, 2099);
	check_memo(&m, 5);
	for (i = 0; i < 20; i++) {
		check_memo(&m, p - 2);
		check_memo(&m, p - 1);
		check_memo(&m, p);
		check_memo(&m, p + 1);
		if (i < 19)
			p *= 10;
	}
	check_memo(&m, UINT64_MAX - 1);
	check_memo(&m, UINT64_MAX);
	check_memo(&m, 0);
	check_memo(&m, 1);
}
END_TEST

/* the streaming writer's string member writes what vg_json_string does:
 * every byte value at each place of strings of 1..9 bytes (the short
 * path and the long) */
START_TEST(jw_str_bytes)
{
	struct vg_buf a, b;
	struct vg_jw w;
	char s[9];
	size_t len, at;
	int c;

	vg_buf_init(&a);
	vg_buf_init(&b);
	for (len = 1; len <= sizeof(s); len++)
		for (at = 0; at < len; at++)
			for (c = 0; c < 256; c++) {
				memset(s, 'k', sizeof(s));
				s[at] = (char)c;
				vg_buf_reset(&a);
				vg_buf_reset(&b);
				memset(&w, 0, sizeof(w));
				w.b = &a;
				vg_jw_str(&w, VG_STR_LIT("n"),
				    vg_str_make(s, len));
				vg_buf_add(&b, "\"n\":", 4);
				vg_json_string(s, len, &b);
				ck_assert_uint_eq(a.len, b.len);
				ck_assert(memcmp(a.data, b.data, a.len) == 0);
			}
	vg_buf_free(&a);
	vg_buf_free(&b);
}
END_TEST

START_TEST(every_single_byte)
{
	unsigned char c;
	int i;

	for (i = 0; i < 256; i++) {
		c = (unsigned char)i;
		roundtrip(&c, 1);
	}
	expect("\0", 1, "\"\\u0000\"");
	expect("\n", 1, "\"\\n\"");
	expect("\t", 1, "\"\\t\"");
	expect("\r", 1, "\"\\r\"");
	expect("\b", 1, "\"\\b\"");
	expect("\f", 1, "\"\\f\"");
	expect("\x01", 1, "\"\\u0001\"");
	expect("\x1f", 1, "\"\\u001f\"");
	expect("\x7f", 1, "\"\\u007f\"");
	expect("\"", 1, "\"\\\"\"");
	expect("\\", 1, "\"\\\\\"");
	expect("/", 1, "\"/\"");
	expect("\x80", 1, "\"\\udc80\"");
	expect("\xff", 1, "\"\\udcff\"");
	expect("", 0, "\"\"");
}
END_TEST

START_TEST(every_byte_pair)
{
	unsigned char s[2];
	int i;

	for (i = 0; i < 65536; i++) {
		s[0] = (unsigned char)(i >> 8);
		s[1] = (unsigned char)i;
		roundtrip(s, 2);
	}
}
END_TEST

START_TEST(valid_utf8_kept)
{
	expect("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	expect("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");
	expect("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\"");
	expect("\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"");	/* U+10FFFF */
	expect("\xef\xbf\xbf", 3, "\"\xef\xbf\xbf\"");		/* U+FFFF */
	expect("\xed\x9f\xbf", 3, "\"\xed\x9f\xbf\"");		/* U+D7FF */
}
END_TEST

START_TEST(invalid_utf8_escaped)
{
	/* overlong forms of '/' and NUL */
	expect("\xc0\xaf", 2, "\"\\udcc0\\udcaf\"");
	expect("\xc1\xbf", 2, "\"\\udcc1\\udcbf\"");
	expect("\xe0\x80\xaf", 3, "\"\\udce0\\udc80\\udcaf\"");
	expect("\xf0\x80\x80\xaf", 4, "\"\\udcf0\\udc80\\udc80\\udcaf\"");
	expect("\xc0\x80", 2, "\"\\udcc0\\udc80\"");
	/* UTF-16 surrogates encoded in UTF-8 (CESU) */
	expect("\xed\xa0\x80", 3, "\"\\udced\\udca0\\udc80\"");
	expect("\xed\xbf\xbf", 3, "\"\\udced\\udcbf\\udcbf\"");
	/* truncated sequences, then ASCII */
	expect("\xe2\x82" "A", 3, "\"\\udce2\\udc82A\"");
	expect("\xf0\x9f\x98", 3, "\"\\udcf0\\udc9f\\udc98\"");
	expect("\xc3", 1, "\"\\udcc3\"");
	/* above U+10FFFF, never-valid bytes, lone continuation */
	expect("\xf4\x90\x80\x80", 4, "\"\\udcf4\\udc90\\udc80\\udc80\"");
	expect("\xf5\x80\x80\x80", 4, "\"\\udcf5\\udc80\\udc80\\udc80\"");
	expect("\xfe\xff", 2, "\"\\udcfe\\udcff\"");
	expect("a\x80z", 3, "\"a\\udc80z\"");
	/* a valid char right after an invalid lead is kept */
	expect("\xe2\xc3\xa9", 3, "\"\\udce2\xc3\xa9\"");
}
END_TEST

START_TEST(random_strings)
{
	unsigned char s[96];
	unsigned seed = 12345;
	int i, j, n;

	for (i = 0; i < 20000; i++) {
		n = (int)((seed = seed * 1103515245 + 12345) >> 16) % 96;
		for (j = 0; j < n; j++) {
			seed = seed * 1103515245 + 12345;
			s[j] = (unsigned char)(seed >> 16);
			/* bias towards UTF-8 leads and continuations */
			if ((seed >> 8 & 3) == 0)
				s[j] |= 0x80;
		}
		roundtrip(s, (size_t)n);
	}
}
END_TEST

START_TEST(long_string)
{
	size_t n = 300000, i;
	char *s = malloc(n);

	ck_assert_ptr_nonnull(s);
	for (i = 0; i < n; i++)
		s[i] = (char)(i % 7 == 0 ? '\n' : 'a' + i % 26);
	roundtrip(s, n);
	free(s);
}
END_TEST

START_TEST(document)
{
	struct vg_arena a;
	struct vg_node *root, *o, *arr;
	struct vg_buf b;
	json_object *j, *m;

	vg_arena_init(&a, 0);
	root = vg_node_new(&a, VG_N_OBJ);
	vg_node_add_uint(&a, root, VG_STR_LIT("u"), UINT64_MAX);
	vg_node_add_int(&a, root, VG_STR_LIT("i"), INT64_MIN);
	vg_node_add_bool(&a, root, VG_STR_LIT("t"), 1);
	vg_node_add_bool(&a, root, VG_STR_LIT("f"), 0);
	vg_node_add(&a, root, VG_STR_LIT("n"), VG_N_NULL);
	o = vg_node_add(&a, root, VG_STR_LIT("d"), VG_N_DOUBLE);
	o->v.d = 0.5;
	o = vg_node_add(&a, root, VG_STR_LIT("nan"), VG_N_DOUBLE);
	o->v.d = NAN;
	vg_node_add_str(&a, root, VG_STR_LIT("s\n"),
	    vg_str_make("a\0b\nc", 5));
	arr = vg_node_add(&a, root, VG_STR_LIT("arr"), VG_N_ARR);
	vg_node_add_int(&a, arr, VG_STR_NULL, -1);
	o = vg_node_add(&a, arr, VG_STR_NULL, VG_N_OBJ);
	vg_node_add(&a, arr, VG_STR_NULL, VG_N_ARR);
	vg_node_add(&a, root, VG_STR_LIT("eo"), VG_N_OBJ);

	vg_buf_init(&b);
	vg_json_write(root, &b);
	ck_assert(!b.oom);
	ck_assert(b.len > 0 && b.data[b.len - 1] == '\n');
	ck_assert_ptr_null(memchr(b.data, '\n', b.len - 1));
	vg_buf_addc(&b, '\0');
	ck_assert_str_eq(b.data, "{\"u\":18446744073709551615,"
	    "\"i\":-9223372036854775808,\"t\":true,\"f\":false,\"n\":null,"
	    "\"d\":0.5,\"nan\":null,\"s\\n\":\"a\\u0000b\\nc\","
	    "\"arr\":[-1,{},[]],\"eo\":{}}\n");
	j = json_tokener_parse(b.data);
	ck_assert_ptr_nonnull(j);
	ck_assert(json_object_object_get_ex(j, "s\n", &m));
	ck_assert_int_eq(json_object_get_string_len(m), 5);
	ck_assert(memcmp(json_object_get_string(m), "a\0b\nc", 5) == 0);
	ck_assert(json_object_object_get_ex(j, "i", &m));
	ck_assert(json_object_get_int64(m) == INT64_MIN);
	json_object_put(j);
	vg_buf_free(&b);
	vg_arena_free(&a);
}
END_TEST

/* The member walk of the patch (vg_json_member_next/_start/_span) over
 * the writers' own JSON: strings end at the quote an even run of
 * backslashes precedes, names with an escape never match, nested values
 * are skipped whole; anything else is refused, not misread. */
START_TEST(member_walk)
{
	static const char obj[] =
	    "{\"a\":\"x\\\\\",\"b\\\"c\":1,\"d\":\"q\\\"\\\\\\\"}\","
	    "\"e\":{\"a\":[1,\"]\"],\"f\":{}},\"f\":-1.5e3,\"g\":[],"
	    "\"h\":\"" "0123456789012345678901234567890123456789\\\\\","
	    "\"t\":true}";
	static const struct { const char *name, *value; int esc; } want[] = {
		{ "a", "\"x\\\\\"", 0 },
		{ "b\\\"c", "1", 1 },
		{ "d", "\"q\\\"\\\\\\\"}\"", 0 },
		{ "e", "{\"a\":[1,\"]\"],\"f\":{}}", 0 },
		{ "f", "-1.5e3", 0 },
		{ "g", "[]", 0 },
		{ "h", "\"0123456789012345678901234567890123456789\\\\\"", 0 },
		{ "t", "true", 0 },	/* a literal up to the brace */
	};
	struct vg_json_member m;
	size_t i = 0, n = 0, from, to, len = sizeof(obj) - 1;
	int r;

	while ((r = vg_json_member_next(obj, len, &i, &m)) == 1) {
		ck_assert_uint_lt(n, 8);
		ck_assert_uint_eq(m.name.len, strlen(want[n].name));
		ck_assert(memcmp(m.name.p, want[n].name, m.name.len) == 0);
		ck_assert_int_eq(m.esc, want[n].esc);
		ck_assert_uint_eq(m.vto - m.vfrom, strlen(want[n].value));
		ck_assert(memcmp(obj + m.vfrom, want[n].value,
		    m.vto - m.vfrom) == 0);
		n++;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_uint_eq(i, len - 1);		/* on the closing brace */
	/* the first "f" at depth 1, not the one inside "e" */
	ck_assert_int_eq(vg_json_member_span(obj, len, VG_STR_LIT("f"),
	    &from, &to), 1);
	ck_assert(to - from == 6 && memcmp(obj + from, "-1.5e3", 6) == 0);
	ck_assert_int_eq(vg_json_member_start(obj, len, VG_STR_LIT("e"),
	    &from), 1);
	ck_assert_int_eq(obj[from], '{');
	ck_assert_int_eq(vg_json_member_span(obj, len, VG_STR_LIT("b\\\"c"),
	    &from, &to), 0);
	ck_assert_int_eq(vg_json_member_span(obj, len, VG_STR_LIT("z"),
	    &from, &to), 0);
	/* {} and text that is not the writers' */
	i = 0;
	ck_assert_int_eq(vg_json_member_next("{}", 2, &i, &m), 0);
	ck_assert_uint_eq(i, 1);
	i = 0;
	ck_assert_int_eq(vg_json_member_next("[1]", 3, &i, &m), -1);
	i = 0;
	ck_assert_int_eq(vg_json_member_next("{\"a\" :1}", 8, &i, &m), -1);
	i = 0;
	ck_assert_int_eq(vg_json_member_next("{\"a\":\"x}", 8, &i, &m), -1);
	i = 0;
	ck_assert_int_eq(vg_json_member_next("{\"a\":1", 6, &i, &m), -1);
}
END_TEST

START_TEST(depth_limit_and_null_doc)
{
	struct vg_arena a;
	struct vg_node *root, *n;
	struct vg_buf b;
	struct json_tokener *tok;
	json_object *j;
	int i;

	vg_arena_init(&a, 0);
	root = n = vg_node_new(&a, VG_N_ARR);
	for (i = 0; i < 1000; i++)
		n = vg_node_add(&a, n, VG_STR_NULL, VG_N_ARR);
	vg_buf_init(&b);
	vg_json_write(root, &b);
	vg_buf_addc(&b, '\0');
	/* cut to null, still valid JSON; json-c's default depth is 32 */
	tok = json_tokener_new_ex(200);
	j = json_tokener_parse_ex(tok, b.data, (int)b.len);
	ck_assert_ptr_nonnull(j);
	json_object_put(j);
	json_tokener_free(tok);
	ck_assert_ptr_nonnull(strstr(b.data, "[null]"));
	vg_buf_reset(&b);
	vg_json_write(NULL, &b);
	ck_assert_uint_eq(b.len, 5);
	ck_assert(memcmp(b.data, "null\n", 5) == 0);
	vg_buf_free(&b);
	vg_arena_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, decimal_numbers);
	tcase_add_test(tc, u64_digits);
	tcase_add_test(tc, u64_digits_memo);
	tcase_add_test(tc, jw_str_bytes);
	tcase_add_test(tc, every_single_byte);
	tcase_add_test(tc, every_byte_pair);
	tcase_add_test(tc, valid_utf8_kept);
	tcase_add_test(tc, invalid_utf8_escaped);
	tcase_add_test(tc, random_strings);
	tcase_add_test(tc, long_string);
	tcase_add_test(tc, document);
	tcase_add_test(tc, depth_limit_and_null_doc);
	tcase_add_test(tc, member_walk);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
