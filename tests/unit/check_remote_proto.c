/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_remote_proto.c: audisp-remote's header (byte order and layout as
 * audit-userspace's lib/private.h defines them) and the framing of a
 * stream into managed messages and ascii lines (remote_proto.h).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/remote_proto.h"

/* The bytes audisp-remote puts on the wire for a message of 5 bytes,
 * sequence 0x01020304: everything least significant byte first. */
START_TEST(pack_layout)
{
	static const unsigned char want[VG_RMW_HDR] = {
		0xfe, 0x00, 0x00, 0xff,		/* magic */
		0x00, 0x00,			/* versions */
		0x00, 0x00, 0x00, 0x40,		/* type ACK */
		0x05, 0x00,			/* length */
		0x04, 0x03, 0x02, 0x01,		/* sequence */
	};
	unsigned char h[VG_RMW_HDR];
	struct vg_rmw_hdr u;

	vg_rmw_pack(h, VG_RMW_ACK, 5, 0x01020304);
	ck_assert_mem_eq(h, want, sizeof(want));
	ck_assert_int_eq(vg_rmw_unpack(h, &u), 0);
	ck_assert_uint_eq(u.type, VG_RMW_ACK);
	ck_assert_uint_eq(u.len, 5);
	ck_assert_uint_eq(u.seq, 0x01020304);
	ck_assert_uint_eq(u.hver, 0);
	h[3] = 0xfe;
	ck_assert_int_eq(vg_rmw_unpack(h, &u), -1);
}
END_TEST

static size_t
frame(unsigned char *out, uint32_t type, uint32_t seq, const char *text)
{
	size_t n = strlen(text);

	vg_rmw_pack(out, type, (uint16_t)n, seq);
	memcpy(out + VG_RMW_HDR, text, n);
	return VG_RMW_HDR + n;
}

/* A managed message is found whole or not at all, byte by byte. */
START_TEST(managed_partial)
{
	unsigned char b[256];
	struct vg_rmw_frame f;
	size_t n = frame(b, VG_RMW_MESSAGE, 7, "type=EOE msg=audit(1.2:3): \n");
	size_t i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(vg_rmw_next(b, i, 1024, &f), VG_RMW_NEED);
	ck_assert_int_eq(vg_rmw_next(b, n, 1024, &f), VG_RMW_FRAME);
	ck_assert_uint_eq(f.used, n);
	ck_assert_uint_eq(f.hdr.seq, 7);
	ck_assert_uint_eq(f.len, n - VG_RMW_HDR);
	ck_assert_mem_eq(f.text, "type=EOE", 8);
}
END_TEST

/* Two messages back to back; a heartbeat has no text. */
START_TEST(managed_two)
{
	unsigned char b[256];
	struct vg_rmw_frame f;
	size_t n;

	n = frame(b, VG_RMW_HEARTBEAT, 1, "");
	n += frame(b + n, VG_RMW_MESSAGE, 2, "x");
	ck_assert_int_eq(vg_rmw_next(b, n, 1024, &f), VG_RMW_FRAME);
	ck_assert_uint_eq(f.hdr.type, VG_RMW_HEARTBEAT);
	ck_assert_uint_eq(f.len, 0);
	ck_assert_int_eq(vg_rmw_next(b + f.used, n - f.used, 1024, &f),
	    VG_RMW_FRAME);
	ck_assert_uint_eq(f.hdr.seq, 2);
	ck_assert_uint_eq(f.len, 1);
}
END_TEST

/* A length past 8970 or another header version cannot be framed. */
START_TEST(managed_bad)
{
	unsigned char b[VG_RMW_HDR];
	struct vg_rmw_frame f;

	vg_rmw_pack(b, VG_RMW_MESSAGE, VG_RMW_MAX_MSG + 1, 1);
	ck_assert_int_eq(vg_rmw_next(b, sizeof(b), 1 << 20, &f), VG_RMW_BAD);
	ck_assert_ptr_nonnull(f.why);
	vg_rmw_pack(b, VG_RMW_MESSAGE, 1, 1);
	b[4] = 1;
	ck_assert_int_eq(vg_rmw_next(b, sizeof(b), 1 << 20, &f), VG_RMW_BAD);
}
END_TEST

/* Not the magic: ascii lines, bounded. A magic prefix waits. */
START_TEST(ascii_lines)
{
	const char *s = "type=EOE msg=audit(1.2:3): \nnext";
	unsigned char big[100];
	struct vg_rmw_frame f;

	ck_assert_int_eq(vg_rmw_next((const unsigned char *)s, strlen(s), 64,
	    &f), VG_RMW_LINE);
	ck_assert_uint_eq(f.len, 27);
	ck_assert_uint_eq(f.used, 28);
	ck_assert_int_eq(vg_rmw_next((const unsigned char *)s + 28, 4, 64,
	    &f), VG_RMW_NEED);
	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(vg_rmw_next(big, sizeof(big), 64, &f), VG_RMW_BAD);
	ck_assert_int_eq(vg_rmw_next(big, 63, 64, &f), VG_RMW_NEED);
	big[0] = 0xfe;
	big[1] = 0x00;
	ck_assert_int_eq(vg_rmw_next(big, 2, 64, &f), VG_RMW_NEED);
	ck_assert_int_eq(vg_rmw_next(big, 0, 64, &f), VG_RMW_NEED);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("remote_proto");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, pack_layout);
	tcase_add_test(tc, managed_partial);
	tcase_add_test(tc, managed_two);
	tcase_add_test(tc, managed_bad);
	tcase_add_test(tc, ascii_lines);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
