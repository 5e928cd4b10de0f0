/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_listen.c: the listen spec the network keys of auditd.conf make
 * (vg_listen_spec_auditd): tcp_listen_port and its companions carried
 * over, nothing without a port, and the transports vigild cannot honour
 * refused with a message.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/listen.h"

START_TEST(spec_from_auditd)
{
	struct vg_auditd_conf c;
	char spec[256], msg[256];

	vg_auditd_conf_defaults(&c);
	c.use_libwrap = 0;
	ck_assert_int_eq(vg_listen_spec_auditd(&c, spec, sizeof(spec), msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tcp_listen_port", "60", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tcp_max_per_addr", "3", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tcp_client_ports",
	    "1-1023", msg, sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tcp_client_max_idle", "30",
	    msg, sizeof(msg)), 0);
	ck_assert_int_eq(vg_listen_spec_auditd(&c, spec, sizeof(spec), msg,
	    sizeof(msg)), 1);
	ck_assert_str_eq(spec, "tcp://[::]:60?queue=5&max_per_addr=3&idle=30"
	    "&client_ports=1-1023");
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(transport_refused)
{
	struct vg_auditd_conf c;
	char spec[256], msg[256];

	vg_auditd_conf_defaults(&c);
	c.use_libwrap = 0;
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tcp_listen_port", "60", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "transport", "krb5", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_listen_spec_auditd(&c, spec, sizeof(spec), msg,
	    sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "krb5"));
	vg_auditd_conf_free(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("listen");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, spec_from_auditd);
	tcase_add_test(tc, transport_refused);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
