/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_netlink.c: netlink message building and validation on crafted
 * buffers (no kernel state is read or changed): self-exclusion rule,
 * request headers, both record length conventions, truncated and bad
 * lengths, acks, foreign senders, and requests refused before sending.
 */
#include <check.h>
#include <errno.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/netlink.h"

/* 4-aligned scratch datagram */
static uint32_t dgram_words[4096];
#define DG	((unsigned char *)dgram_words)

/* Writes a header at off; returns the offset after it. */
static size_t
put_hdr(size_t off, uint32_t len, uint16_t type, uint32_t seq)
{
	struct nlmsghdr h;

	memset(&h, 0, sizeof(h));
	h.nlmsg_len = len;
	h.nlmsg_type = type;
	h.nlmsg_seq = seq;
	memcpy(DG + off, &h, sizeof(h));
	return off + sizeof(h);
}

START_TEST(self_exclude_rule)
{
	struct audit_rule_data r;
	size_t n, i;

	memset(&r, 0xab, sizeof(r));
	n = vg_nl_rule_self_exclude(&r, 4242);
	ck_assert_uint_eq(n, sizeof(r));
	ck_assert_uint_eq(r.flags, AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND);
	ck_assert_uint_eq(r.action, AUDIT_NEVER);
	ck_assert_uint_eq(r.field_count, 1);
	ck_assert_uint_eq(r.fields[0], AUDIT_PID);
	ck_assert_uint_eq(r.values[0], 4242);
	ck_assert_uint_eq(r.fieldflags[0], AUDIT_EQUAL);
	ck_assert_uint_eq(r.buflen, 0);
	for (i = 0; i < AUDIT_BITMASK_SIZE; i++)
		ck_assert_uint_eq(r.mask[i], 0xffffffffU);
	for (i = 1; i < AUDIT_MAX_FIELDS; i++) {
		ck_assert_uint_eq(r.fields[i], 0);
		ck_assert_uint_eq(r.values[i], 0);
		ck_assert_uint_eq(r.fieldflags[i], 0);
	}
}
END_TEST

START_TEST(build_request)
{
	struct nlmsghdr h;
	uint32_t pl = 0x01020304;
	unsigned char small[20];
	size_t n;

	memset(DG, 0xff, 64);
	n = vg_nl_build(DG, 64, AUDIT_SET, NLM_F_REQUEST | NLM_F_ACK, 77,
	    &pl, 3);
	ck_assert_uint_eq(n, NLMSG_HDRLEN + 3);
	memcpy(&h, DG, sizeof(h));
	ck_assert_uint_eq(h.nlmsg_len, NLMSG_HDRLEN + 3);
	ck_assert_uint_eq(h.nlmsg_type, AUDIT_SET);
	ck_assert_uint_eq(h.nlmsg_flags, NLM_F_REQUEST | NLM_F_ACK);
	ck_assert_uint_eq(h.nlmsg_seq, 77);
	ck_assert_uint_eq(h.nlmsg_pid, 0);
	ck_assert_int_eq(memcmp(DG + NLMSG_HDRLEN, &pl, 3), 0);
	ck_assert_uint_eq(DG[NLMSG_HDRLEN + 3], 0);	/* padding zeroed */
	/* does not fit: nothing written past cap */
	ck_assert_uint_eq(vg_nl_build(small, sizeof(small), AUDIT_SET, 0, 1,
	    &pl, sizeof(pl) + 1), 0);
	ck_assert_uint_eq(vg_nl_build(small, sizeof(small), AUDIT_GET, 0, 1,
	    NULL, 0), NLMSG_HDRLEN);
}
END_TEST

static const char REC[] = "audit(1700000000.123:42): arch=c000003e syscall=59";

START_TEST(record_true_length)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	size_t plen = sizeof(REC) - 1, n;

	/* multicast style: nlmsg_len counts the header; datagram padded */
	n = put_hdr(0, (uint32_t)(NLMSG_HDRLEN + plen), AUDIT_SYSCALL, 5);
	memcpy(DG + n, REC, plen);
	n = NLMSG_ALIGN(n + plen);
	vg_nl_iter_init(&it, DG, n, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_RECORD);
	ck_assert_uint_eq(m.type, AUDIT_SYSCALL);
	ck_assert_uint_eq(m.len, plen);
	ck_assert_int_eq(memcmp(m.data, REC, plen), 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);
}
END_TEST

START_TEST(record_kernel_quirk_length)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	size_t plen = sizeof(REC) - 1, n;

	/* unicast style: nlmsg_len is the payload length only, unpadded */
	n = put_hdr(0, (uint32_t)plen, AUDIT_EXECVE, 0);
	memcpy(DG + n, REC, plen);
	vg_nl_iter_init(&it, DG, n + plen, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_RECORD);
	ck_assert_uint_eq(m.len, plen);
	ck_assert_int_eq(memcmp(m.data, REC, plen), 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);

	/* same, padded to 4 */
	vg_nl_iter_init(&it, DG, NLMSG_ALIGN(n + plen), 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_RECORD);
	ck_assert_uint_eq(m.len, plen);

	/* a short payload (less than a header) with the quirk */
	n = put_hdr(0, 3, AUDIT_EOE, 0);
	memcpy(DG + n, "abc", 3);
	vg_nl_iter_init(&it, DG, n + 3, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_RECORD);
	ck_assert_uint_eq(m.len, 3);
}
END_TEST

START_TEST(record_trailing_nuls)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	size_t n;

	n = put_hdr(0, NLMSG_HDRLEN + 8, AUDIT_USER, 0);
	memcpy(DG + n, "msg=x\0\0\0", 8);
	vg_nl_iter_init(&it, DG, n + 8, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_RECORD);
	ck_assert_uint_eq(m.len, 5);
}
END_TEST

START_TEST(truncated_header)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	size_t i;

	put_hdr(0, 40, AUDIT_SYSCALL, 0);
	for (i = 1; i < NLMSG_HDRLEN; i++) {
		vg_nl_iter_init(&it, DG, i, 0);
		ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_BAD);
		ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);
	}
	vg_nl_iter_init(&it, DG, 0, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);
}
END_TEST

START_TEST(bad_lengths)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	size_t n;

	/* a record whose length fits neither convention (cut datagram) */
	n = put_hdr(0, 500, AUDIT_SYSCALL, 0);
	memset(DG + n, 'a', 100);
	vg_nl_iter_init(&it, DG, n + 100, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_BAD);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);

	/* a control message claiming less than its own header */
	put_hdr(0, 8, AUDIT_GET, 0);
	vg_nl_iter_init(&it, DG, 64, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_BAD);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);

	/* zero length would loop forever if accepted */
	put_hdr(0, 0, NLMSG_NOOP, 0);
	vg_nl_iter_init(&it, DG, 32, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_BAD);

	/* a good first message, then a second that overruns the datagram */
	n = put_hdr(0, NLMSG_HDRLEN, NLMSG_NOOP, 0);
	n = put_hdr(n, 4000, AUDIT_GET, 0);
	vg_nl_iter_init(&it, DG, n + 8, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_NOOP);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_BAD);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);

	/* an error message without room for the error code */
	put_hdr(0, NLMSG_HDRLEN + 2, NLMSG_ERROR, 9);
	vg_nl_iter_init(&it, DG, NLMSG_HDRLEN + 4, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_BAD);
}
END_TEST

START_TEST(foreign_sender)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	size_t plen = sizeof(REC) - 1, n;

	/* a perfectly formed record, but from a user-space port */
	n = put_hdr(0, (uint32_t)(NLMSG_HDRLEN + plen), AUDIT_SYSCALL, 0);
	memcpy(DG + n, REC, plen);
	vg_nl_iter_init(&it, DG, NLMSG_ALIGN(n + plen), 31337);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_FOREIGN);
	ck_assert_uint_eq(m.type, AUDIT_SYSCALL);
	ck_assert_ptr_null(m.data);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);
}
END_TEST

START_TEST(ack_and_control)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	struct audit_status st;
	int32_t err = -EPERM;
	size_t n;

	memset(&st, 0, sizeof(st));
	st.pid = 1234;
	n = put_hdr(0, (uint32_t)(NLMSG_HDRLEN + sizeof(st)), AUDIT_GET, 7);
	memcpy(DG + n, &st, sizeof(st));
	n = NLMSG_ALIGN(n + sizeof(st));
	n = put_hdr(n, NLMSG_HDRLEN + 4 + NLMSG_HDRLEN, NLMSG_ERROR, 8);
	memcpy(DG + n, &err, 4);
	memset(DG + n + 4, 0, NLMSG_HDRLEN);
	n += 4 + NLMSG_HDRLEN;
	vg_nl_iter_init(&it, DG, n, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_CONTROL);
	ck_assert_uint_eq(m.type, AUDIT_GET);
	ck_assert_uint_eq(m.seq, 7);
	ck_assert_uint_eq(m.len, sizeof(st));
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_ACK);
	ck_assert_uint_eq(m.seq, 8);
	ck_assert_int_eq(m.error, -EPERM);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);
}
END_TEST

START_TEST(unknown_type)
{
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	size_t n;

	n = put_hdr(0, NLMSG_HDRLEN + 4, 3500, 0);
	memset(DG + n, 'z', 4);
	n = put_hdr(n + 4, NLMSG_HDRLEN, NLMSG_DONE, 0);
	vg_nl_iter_init(&it, DG, n, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_UNKNOWN);
	ck_assert_uint_eq(m.type, 3500);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_NOOP);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_END);

	/* LOGIN and USER are records although numbered among commands */
	n = put_hdr(0, 4, AUDIT_LOGIN, 0);
	memcpy(DG + n, "pid=", 4);
	vg_nl_iter_init(&it, DG, n + 4, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_RECORD);
	n = put_hdr(0, NLMSG_HDRLEN + 4, AUDIT_GET_FEATURE, 0);
	vg_nl_iter_init(&it, DG, n + 4, 0);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_CONTROL);
}
END_TEST

/* Requests refused before anything is sent: no kernel state involved. */
START_TEST(refused_requests)
{
	struct audit_rule_data r;
	struct vg_nl *nl;

	if ((nl = vg_nl_open(0)) == NULL)
		return;		/* no NETLINK_AUDIT here: nothing to check */
	vg_nl_rule_self_exclude(&r, getpid());
	errno = 0;
	ck_assert_int_eq(vg_nl_rule(nl, AUDIT_GET, &r, sizeof(r)), -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(vg_nl_rule(nl, AUDIT_ADD_RULE, &r, sizeof(r) + 1),
	    -1);
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_int_eq(vg_nl_set_enabled(nl, 2), -1);	/* never lock */
	ck_assert_int_eq(errno, EINVAL);
	/* a payload past the request buffer, through both entry points */
	{
		static char big[VG_NL_REQ_MAX];
		struct vg_nl_req rq = { .type = AUDIT_USER, .payload = big,
		    .len = sizeof(big), .timeout_ms = 10 };

		errno = 0;
		ck_assert_int_eq(vg_nl_transact(nl, &rq), -1);
		ck_assert_int_eq(errno, EMSGSIZE);
		errno = 0;
		ck_assert_int_eq(vg_nl_request(nl, AUDIT_USER, big,
		    sizeof(big), 0, NULL, 0), -1);
		ck_assert_int_eq(errno, EMSGSIZE);
	}
	vg_nl_close(nl);
}
END_TEST

/* A user-space sender reaching our port is seen as foreign by the
 * receive path: the address, not the header, says who sent it. */
START_TEST(foreign_over_socket)
{
	struct sockaddr_nl to, from;
	struct vg_nl_iter it;
	struct vg_nl_msg m;
	struct vg_nl *a, *b;
	unsigned char buf[256];
	socklen_t sl = sizeof(from);
	ssize_t n;
	size_t len;
	int i;

	if ((a = vg_nl_open(0)) == NULL)
		return;
	if ((b = vg_nl_open(0)) == NULL) {
		vg_nl_close(a);
		return;
	}
	len = vg_nl_build(buf, sizeof(buf), AUDIT_SYSCALL, 0, 0, REC,
	    sizeof(REC) - 1);
	memset(&to, 0, sizeof(to));
	to.nl_family = AF_NETLINK;
	to.nl_pid = vg_nl_portid(a);
	ck_assert_int_eq(sendto(vg_nl_fd(b), buf, len, 0,
	    (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
	for (i = 0; i < 100; i++) {
		n = recvfrom(vg_nl_fd(a), buf, sizeof(buf), 0,
		    (struct sockaddr *)&from, &sl);
		if (n >= 0 || errno != EAGAIN)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(n, (ssize_t)len);
	ck_assert_uint_eq(from.nl_pid, vg_nl_portid(b));
	vg_nl_iter_init(&it, buf, (size_t)n, from.nl_pid);
	ck_assert_int_eq(vg_nl_next(&it, &m), VG_NL_FOREIGN);
	vg_nl_close(a);
	vg_nl_close(b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, self_exclude_rule);
	tcase_add_test(tc, build_request);
	tcase_add_test(tc, record_true_length);
	tcase_add_test(tc, record_kernel_quirk_length);
	tcase_add_test(tc, record_trailing_nuls);
	tcase_add_test(tc, truncated_header);
	tcase_add_test(tc, bad_lengths);
	tcase_add_test(tc, foreign_sender);
	tcase_add_test(tc, ack_and_control);
	tcase_add_test(tc, unknown_type);
	tcase_add_test(tc, refused_requests);
	tcase_add_test(tc, foreign_over_socket);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
