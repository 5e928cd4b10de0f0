/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_record.c: libFuzzer harness for the record parser (src/parse.c):
 * vg_parse_line on each input line, vg_parse_netlink on the whole input
 * (type from its first two bytes), the field tokenizer over every parsed
 * record and vg_hex_decode on every hex-looking value. Checks that every
 * slice handed out lies inside the input and that hex decoding agrees with
 * vg_is_hex.
 */
#include "fuzz_common.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
inside(struct vg_str s, const char *base, size_t len)
{
	if (s.len == 0)
		return;
	FZ_ASSERT(s.p >= base && s.p + s.len <= base + len);
}

static void
check_record(const struct vg_record *rec, const char *p, size_t len)
{
	struct vg_fields it;
	struct vg_field f;
	char *out;
	long n;
	unsigned guard = 0;

	inside(rec->type_name, p, len);
	inside(rec->node, p, len);
	inside(rec->body, p, len);
	inside(rec->enriched, p, len);
	vg_fields_begin(&it, rec->body, rec->enriched);
	while (vg_fields_next(&it, &f) == 1) {
		FZ_ASSERT(++guard <= len + 1);	/* always makes progress */
		inside(f.key, p, len);
		inside(f.val, p, len);
		FZ_ASSERT(f.kind <= VG_V_BRACED);
		out = malloc(f.val.len / 2 + 1);
		FZ_ASSERT(out != NULL);
		n = vg_hex_decode(f.val, out);
		if (vg_is_hex(f.val))
			FZ_ASSERT(n == (long)(f.val.len / 2));
		else
			FZ_ASSERT(n == -1);
		free(out);
	}
}

static void
one_line(const char *p, size_t len, void *arg)
{
	struct vg_record rec;

	(void)arg;
	if (vg_parse_line(p, len, &rec) == 0)
		check_record(&rec, p, len);
}

/* With the header memo, every line as a payload after the one before
 * it: the same result as without. */
static void
memo_same(uint16_t type, const char *p, size_t n)
{
	static struct vg_stamp_memo sm;
	struct vg_record a, b;
	int ra, rb;

	ra = vg_parse_netlink(type, p, n, &a);
	rb = vg_parse_netlink_memo(type, p, n, &b, &sm);
	FZ_ASSERT(ra == rb);
	if (ra == 0)
		FZ_ASSERT(a.sec == b.sec && a.msec == b.msec &&
		    a.serial == b.serial && a.body.p == b.body.p &&
		    a.body.len == b.body.len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_record rec;
	uint16_t type;
	char *copy;

	fz_lines(data, size, one_line, NULL);
	if (size < 2)
		return 0;
	type = (uint16_t)(data[0] | data[1] << 8);
	copy = malloc(size - 2 ? size - 2 : 1);
	FZ_ASSERT(copy != NULL);
	memcpy(copy, data + 2, size - 2);
	if (vg_parse_netlink(type, copy, size - 2, &rec) == 0) {
		FZ_ASSERT(rec.type == type);
		check_record(&rec, copy, size - 2);
	}
	memo_same(type, copy, size - 2);
	free(copy);
	return 0;
}
