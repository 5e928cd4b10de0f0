/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_listen.c: the listen spec the network keys of auditd.conf make
 * (vg_listen_spec_auditd): tcp_listen_port and its companions carried
 * over, nothing without a port, transport = tls with auditd 4.2's
 * tls_* keys, and what vigild cannot honour refused with a message.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
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

static void
set(struct vg_auditd_conf *c, const char *k, const char *v)
{
	char msg[256];

	ck_assert_msg(vg_auditd_conf_set(c, k, v, msg, sizeof(msg)) == 0,
	    "%s = %s: %s", k, v, msg);
}

static const char *
tls_spec(struct vg_auditd_conf *c, char *spec, size_t len, int want)
{
	static char msg[256];

	ck_assert_int_eq(vg_listen_spec_auditd(c, spec, len, msg,
	    sizeof(msg)), want);
	return want == -1 ? msg : spec;
}

START_TEST(transport_tls)
{
	struct vg_auditd_conf c;
	char spec[512];

	vg_auditd_conf_defaults(&c);
	c.use_libwrap = 0;
	set(&c, "tcp_listen_port", "60");
	set(&c, "transport", "tls");
	ck_assert_str_eq(tls_spec(&c, spec, sizeof(spec), -1),
	    "transport = tls needs tls_psk_file or tls_allowed_clients");
	set(&c, "tls_auth", "psk");
	set(&c, "tls_psk_file", "/etc/audit/tls/audit.psk");
	set(&c, "tls_psk_identity", "collector-1");
	ck_assert_str_eq(tls_spec(&c, spec, sizeof(spec), 1),
	    "tls://[::]:60?queue=5&max_per_addr=1&idle=0"
	    "&psk=/etc/audit/tls/audit.psk&psk_identity=collector-1");
	set(&c, "tls_allowed_clients", "/etc/audit/tls/allowed");
	ck_assert_ptr_nonnull(strstr(tls_spec(&c, spec, sizeof(spec), 1),
	    "&psk_identity=collector-1&allowed_clients=/etc/audit/tls/"
	    "allowed"));
	/* no room: refused, not cut */
	ck_assert_str_eq(tls_spec(&c, spec, 80, -1), "listen spec too long");
	set(&c, "tls_psk_identity", "a&b");
	ck_assert_ptr_nonnull(strstr(tls_spec(&c, spec, sizeof(spec), -1),
	    "tls_psk_identity: \"a&b\""));
	set(&c, "tls_psk_identity", "ab");
	set(&c, "tls_crypto_profile", "pqc");
	ck_assert_ptr_nonnull(strstr(tls_spec(&c, spec, sizeof(spec), -1),
	    "tls_crypto_profile = pqc: "));
	set(&c, "tls_crypto_profile", "system");
	set(&c, "tls_require_pqc", "yes");
	ck_assert_ptr_nonnull(strstr(tls_spec(&c, spec, sizeof(spec), -1),
	    "tls_require_pqc = yes: "));
	vg_auditd_conf_free(&c);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tls_auth", "cert", spec,
	    sizeof(spec)), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("listen");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, spec_from_auditd);
	tcase_add_test(tc, transport_refused);
	tcase_add_test(tc, transport_tls);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
