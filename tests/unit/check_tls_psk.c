/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_tls_psk.c: auditd 4.2's PSK files as tls_psk.c reads them (the
 * rules of audit-userspace's autls-psk.c and autls-acl.c), and PSK
 * handshakes between two vg_tls contexts over a socketpair: the identity
 * a server learns, a wrong key, an unknown or disabled identity.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/ssl.h>

#include "ck.h"
#include "vigil/tls.h"
#include "vigil/tls_psk.h"

#define HEX32	"00112233445566778899aabbccddeeff" \
		"00112233445566778899AABBCCDDEEFF"
#define HEX32B	"ffeeddccbbaa99887766554433221100" \
		"ffeeddccbbaa99887766554433221100"

static char msg[512];

/* dir/name with text and mode; returns the path (static, 4 in turn). */
static const char *
file(const char *name, const char *text, mode_t mode)
{
	static char paths[4][128];
	static int next;
	char *p = paths[next++ % 4];
	FILE *f;

	snprintf(p, 128, "%s/%s", ck_dir, name);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(p, mode), 0);
	return p;
}

START_TEST(identity_rules)
{
	char big[300];

	ck_assert_int_eq(vg_psk_identity_ok("host-1234", 9), 1);
	ck_assert_int_eq(vg_psk_identity_ok("!~", 2), 1);
	ck_assert_int_eq(vg_psk_identity_ok("", 0), 0);
	ck_assert_int_eq(vg_psk_identity_ok("a b", 3), 0);
	ck_assert_int_eq(vg_psk_identity_ok("a\x7f", 2), 0);
	ck_assert_int_eq(vg_psk_identity_ok("a\xc3\xa9", 3), 0);
	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(vg_psk_identity_ok(big, 255), 1);
	ck_assert_int_eq(vg_psk_identity_ok(big, 256), 0);
}
END_TEST

START_TEST(key_text)
{
	struct vg_psk_key k;
	char line[600];
	int i;

	ck_assert_int_eq(vg_psk_parse(HEX32 "\n", 65, &k, msg, sizeof(msg)),
	    0);
	ck_assert_uint_eq(k.len, 32);
	ck_assert_uint_eq(k.b[0], 0x00);
	ck_assert_uint_eq(k.b[9], 0x99);
	ck_assert_uint_eq(k.b[31], 0xff);	/* upper case too */
	/* CR LF, and only the first line counts */
	ck_assert_int_eq(vg_psk_parse(HEX32 "\r\nzz\n", 69, &k, msg,
	    sizeof(msg)), 0);
	ck_assert_uint_eq(k.len, 32);
	/* no newline at the end */
	ck_assert_int_eq(vg_psk_parse(HEX32, 64, &k, msg, sizeof(msg)), 0);
	/* 31 bytes: too short; odd; not hex; empty */
	ck_assert_int_eq(vg_psk_parse(HEX32, 62, &k, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "too short"));
	ck_assert_uint_eq(k.len, 0);
	ck_assert_int_eq(vg_psk_parse(HEX32, 63, &k, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "odd"));
	memcpy(line, HEX32, 64);
	line[10] = 'g';
	ck_assert_int_eq(vg_psk_parse(line, 64, &k, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "hex"));
	ck_assert_int_eq(vg_psk_parse("\n", 1, &k, msg, sizeof(msg)), -1);
	ck_assert_int_eq(vg_psk_parse(" " HEX32 " ", 66, &k, msg,
	    sizeof(msg)), -1);
	/* colons between bytes: OpenSSL's decoder takes them, after
	 * auditd's even-length check (so 32 bytes so written are refused,
	 * 33 taken) */
	for (i = 0; i < 33; i++)
		snprintf(line + 3 * i, 4, "%02x:", (unsigned)i);
	ck_assert_int_eq(vg_psk_parse(line, 3 * 32 - 1, &k, msg,
	    sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "odd"));
	ck_assert_int_eq(vg_psk_parse(line, 3 * 33 - 1, &k, msg,
	    sizeof(msg)), 0);
	ck_assert_uint_eq(k.len, 33);
	ck_assert_uint_eq(k.b[32], 32);
	/* 510 hex digits (255 bytes) fit auditd's line; 512 do not */
	memset(line, 'a', sizeof(line));
	ck_assert_int_eq(vg_psk_parse(line, 510, &k, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(k.len, 255);
	ck_assert_int_eq(vg_psk_parse(line, 512, &k, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "too long"));
}
END_TEST

START_TEST(key_file)
{
	struct vg_psk_key k;
	char link[160];

	ck_assert_int_eq(vg_psk_load(file("a.key", HEX32 "\n", 0400), &k,
	    msg, sizeof(msg)), 0);
	ck_assert_uint_eq(k.len, 32);
	ck_assert_int_eq(vg_psk_load(file("b.key", HEX32 "\n", 0600), &k,
	    msg, sizeof(msg)), 0);
	/* readable by others: refused, like auditd */
	ck_assert_int_eq(vg_psk_load(file("c.key", HEX32 "\n", 0440), &k,
	    msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "c.key: mode 0440"));
	ck_assert_int_eq(vg_psk_load(file("d.key", "abcd\n", 0400), &k,
	    msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "d.key: key too short"));
	/* a symbolic link, a FIFO (must not block), a directory, none */
	snprintf(link, sizeof(link), "%s/link.key", ck_dir);
	ck_assert_int_eq(symlink("a.key", link), 0);
	ck_assert_int_eq(vg_psk_load(link, &k, msg, sizeof(msg)), -1);
	snprintf(link, sizeof(link), "%s/fifo.key", ck_dir);
	ck_assert_int_eq(mkfifo(link, 0400), 0);
	ck_assert_int_eq(vg_psk_load(link, &k, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "not a regular file"));
	ck_assert_int_eq(vg_psk_load(ck_dir, &k, msg, sizeof(msg)), -1);
	snprintf(link, sizeof(link), "%s/none.key", ck_dir);
	ck_assert_int_eq(vg_psk_load(link, &k, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, strerror(ENOENT)));
}
END_TEST

static int
acl(const char *text, struct vg_psk_acl *a)
{
	return vg_psk_acl_parse("ACL", text, strlen(text), a, msg,
	    sizeof(msg));
}

START_TEST(acl_shared_key)
{
	struct vg_psk_acl a;
	const struct vg_psk_client *c;

	ck_assert_int_eq(acl("# identity status notes\n\n"
	    "host-1\tenabled  prod web host\r\n"
	    "host-2 DISABLED retired\n"
	    "host-3 disabled key=notes-not-a-path\n", &a), 0);
	ck_assert_int_eq(a.n, 3);
	ck_assert_int_eq(a.enabled, 1);
	ck_assert_int_eq(a.per_identity, 0);
	ck_assert_ptr_nonnull(c = vg_psk_acl_find(&a, "host-1", 6));
	ck_assert_int_eq(c->enabled, 1);
	ck_assert_int_eq(c->has_key, 0);
	ck_assert_ptr_nonnull(c = vg_psk_acl_find(&a, "host-2", 6));
	ck_assert_int_eq(c->enabled, 0);
	ck_assert_ptr_null(vg_psk_acl_find(&a, "host-", 5));
	ck_assert_ptr_null(vg_psk_acl_find(&a, "HOST-1", 6));
	vg_psk_acl_free(&a);
	ck_assert_int_eq(a.n, 0);
	ck_assert_int_eq(acl("", &a), 0);
	ck_assert_int_eq(a.n, 0);
}
END_TEST

START_TEST(acl_errors)
{
	struct vg_psk_acl a;
	char line[600];

	ck_assert_int_eq(acl("host-1\n", &a), -1);
	ck_assert_str_eq(msg, "ACL:1: missing status (enabled or disabled)");
	ck_assert_int_eq(acl("# c\nhost-1 on\n", &a), -1);
	ck_assert_str_eq(msg, "ACL:2: status \"on\": enabled or disabled");
	ck_assert_int_eq(acl("h\xc3\xa9 enabled\n", &a), -1);
	ck_assert_ptr_nonnull(strstr(msg, "ACL:1: invalid identity"));
	ck_assert_int_eq(acl("h1 enabled\nh2 disabled\nh1 disabled\n", &a),
	    -1);
	ck_assert_str_eq(msg, "ACL:3: duplicate identity \"h1\"");
	ck_assert_int_eq(a.n, 0);
	memset(line, 'a', sizeof(line));
	memcpy(line + 520, " enabled\n", 10);
	ck_assert_int_eq(acl(line, &a), -1);
	ck_assert_ptr_nonnull(strstr(msg, "ACL:1: line too long"));
}
END_TEST

START_TEST(acl_per_identity)
{
	struct vg_psk_acl a;
	const struct vg_psk_client *c;
	char text[1024];
	const char *k1 = file("h1.key", HEX32 "\n", 0400);
	const char *k2 = file("h2.key", HEX32B "\n", 0400);
	const char *k3 = file("h3.key", HEX32 "\n", 0400);

	snprintf(text, sizeof(text), "h1 enabled key=%s\nh2 enabled key=%s\n",
	    k1, k2);
	ck_assert_int_eq(acl(text, &a), 0);
	ck_assert_int_eq(a.per_identity, 1);
	ck_assert_int_eq(a.enabled, 2);
	ck_assert_ptr_nonnull(c = vg_psk_acl_find(&a, "h2", 2));
	ck_assert_int_eq(c->has_key, 1);
	ck_assert_uint_eq(c->key.len, 32);
	ck_assert_uint_eq(c->key.b[0], 0xff);
	vg_psk_acl_free(&a);
	/* all or none */
	snprintf(text, sizeof(text), "h1 enabled key=%s\nh2 enabled\n", k1);
	ck_assert_int_eq(acl(text, &a), -1);
	ck_assert_str_eq(msg, "ACL: 1 of 2 entries have key=: all or none");
	/* one file twice, one key twice, a word after the path */
	snprintf(text, sizeof(text), "h1 enabled key=%s\nh2 enabled key=%s\n",
	    k1, k1);
	ck_assert_int_eq(acl(text, &a), -1);
	ck_assert_ptr_nonnull(strstr(msg, "ACL:2: duplicate key file"));
	snprintf(text, sizeof(text), "h1 enabled key=%s\nh3 enabled key=%s\n",
	    k1, k3);
	ck_assert_int_eq(acl(text, &a), -1);
	ck_assert_str_eq(msg, "ACL:2: identities \"h1\" and \"h3\" have the "
	    "same key");
	snprintf(text, sizeof(text), "h1 enabled key=%s note\n", k1);
	ck_assert_int_eq(acl(text, &a), -1);
	ck_assert_str_eq(msg, "ACL:1: unexpected word after key=");
	/* a key file that does not load names both files */
	snprintf(text, sizeof(text), "h1 enabled key=%s/none\n", ck_dir);
	ck_assert_int_eq(acl(text, &a), -1);
	ck_assert_ptr_nonnull(strstr(msg, "ACL:1: "));
	ck_assert_ptr_nonnull(strstr(msg, "/none: "));
}
END_TEST

START_TEST(acl_file_mode)
{
	struct vg_psk_acl a;

	ck_assert_int_eq(vg_psk_acl_load(file("acl", "h1 enabled\n", 0644),
	    &a, msg, sizeof(msg)), 0);
	ck_assert_int_eq(a.n, 1);
	vg_psk_acl_free(&a);
	ck_assert_int_eq(vg_psk_acl_load(file("acl2", "h1 enabled\n", 0664),
	    &a, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "may write it"));
}
END_TEST

/*
 * One handshake between a server and a client context over a socketpair,
 * both non-blocking in one thread. Returns 1 if both ends completed;
 * the server's SSL is left in *srv (caller frees).
 */
static int
handshake(struct vg_tls *st, struct vg_tls *ct, SSL **srv)
{
	int sv[2], i, rs = 0, rc = 0, done = 0;
	SSL *s, *c;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0,
	    sv), 0);
	ck_assert_ptr_nonnull(s = vg_tls_ssl(st, sv[0]));
	ck_assert_ptr_nonnull(c = vg_tls_ssl(ct, sv[1]));
	for (i = 0; i < 100 && !done; i++) {
		if (rc != 1)
			rc = SSL_do_handshake(c);
		if (rs != 1)
			rs = SSL_do_handshake(s);
		if ((rc == 1 && rs == 1) ||
		    (rc <= 0 && SSL_get_error(c, rc) == SSL_ERROR_SSL) ||
		    (rs <= 0 && SSL_get_error(s, rs) == SSL_ERROR_SSL))
			done = 1;
	}
	SSL_free(c);
	close(sv[0]);
	close(sv[1]);
	*srv = s;
	return rc == 1 && rs == 1;
}

static struct vg_tls *
ctx(const char *psk, const char *id, const char *allowed, int server)
{
	struct vg_tls_opts o = { .psk = psk, .psk_identity = id,
	    .allowed = allowed, .verify = 1, .name = "127.0.0.1" };
	struct vg_tls *t = vg_tls_new(&o, server, msg, sizeof(msg));

	return t;
}

START_TEST(handshake_psk)
{
	const char *k = file("k", HEX32 "\n", 0400);
	const char *bad = file("bad", HEX32B "\n", 0400);
	struct vg_tls *srv, *cli;
	char names[2][256];
	SSL *s;

	ck_assert_ptr_nonnull(srv = ctx(k, "sender42", NULL, 1));
	ck_assert_int_eq(vg_tls_is_psk(srv), 1);
	ck_assert_ptr_nonnull(cli = ctx(k, "sender42", NULL, 0));
	ck_assert_int_eq(handshake(srv, cli, &s), 1);
	ck_assert_str_eq(SSL_get_version(s), "TLSv1.3");
	ck_assert_int_eq(vg_tls_peer_names(s, names, 2), 1);
	ck_assert_str_eq(names[0], "sender42");
	ck_assert_ptr_null(vg_tls_psk_refused(s));
	SSL_free(s);
	vg_tls_free(cli);

	/* another identity: refused before any key is tried */
	ck_assert_ptr_nonnull(cli = ctx(k, "other", NULL, 0));
	ck_assert_int_eq(handshake(srv, cli, &s), 0);
	ck_assert_str_eq(vg_tls_psk_refused(s),
	    "unknown PSK identity \"other\"");
	ck_assert_int_eq(vg_tls_peer_names(s, names, 2), 0);
	SSL_free(s);
	vg_tls_free(cli);

	/* the right identity with another key: the binder fails */
	ck_assert_ptr_nonnull(cli = ctx(bad, "sender42", NULL, 0));
	ck_assert_int_eq(handshake(srv, cli, &s), 0);
	ck_assert_ptr_null(vg_tls_psk_refused(s));
	SSL_free(s);
	vg_tls_free(cli);
	vg_tls_free(srv);
}
END_TEST

START_TEST(handshake_acl)
{
	char text[512];
	const char *k1 = file("k1", HEX32 "\n", 0400);
	const char *k2 = file("k2", HEX32B "\n", 0400);
	const char *acl1, *acl2;
	struct vg_tls *srv, *cli;
	char names[2][256];
	SSL *s;

	snprintf(text, sizeof(text), "h1 enabled key=%s\nh2 disabled key=%s"
	    "\n", k1, k2);
	acl1 = file("acl", text, 0600);
	ck_assert_ptr_nonnull(srv = ctx(NULL, NULL, acl1, 1));
	ck_assert_ptr_nonnull(cli = ctx(k1, "h1", NULL, 0));
	ck_assert_int_eq(handshake(srv, cli, &s), 1);
	ck_assert_int_eq(vg_tls_peer_names(s, names, 2), 1);
	ck_assert_str_eq(names[0], "h1");
	SSL_free(s);
	vg_tls_free(cli);
	ck_assert_ptr_nonnull(cli = ctx(k2, "h2", NULL, 0));
	ck_assert_int_eq(handshake(srv, cli, &s), 0);
	ck_assert_str_eq(vg_tls_psk_refused(s), "disabled PSK identity "
	    "\"h2\"");
	SSL_free(s);
	vg_tls_free(cli);
	/* h1 with h2's key: per-identity keys are told apart */
	ck_assert_ptr_nonnull(cli = ctx(k2, "h1", NULL, 0));
	ck_assert_int_eq(handshake(srv, cli, &s), 0);
	SSL_free(s);
	vg_tls_free(cli);
	vg_tls_free(srv);

	/* one shared key for two enabled identities: refused (auditd) */
	acl2 = file("acl2", "h1 enabled\nh2 enabled\n", 0600);
	ck_assert_ptr_null(ctx(k1, NULL, acl2, 1));
	ck_assert_ptr_nonnull(strstr(msg, "2 enabled identities share psk="));
	/* no key= and no psk= */
	ck_assert_ptr_null(ctx(NULL, NULL, file("acl3", "h1 enabled\n",
	    0600), 1));
	ck_assert_ptr_nonnull(strstr(msg, "psk= is needed"));
}
END_TEST

/* SIGHUP: the key file read again; a file that no longer loads keeps
 * the old key. */
START_TEST(reload_psk)
{
	const char *k = file("k", HEX32 "\n", 0600);
	struct vg_tls *srv, *old, *cli;
	SSL *s;

	ck_assert_ptr_nonnull(srv = ctx(k, "h1", NULL, 1));
	ck_assert_ptr_nonnull(old = ctx(k, "h1", NULL, 0));
	file("k", HEX32B "\n", 0600);
	ck_assert_ptr_nonnull(cli = ctx(k, "h1", NULL, 0));
	ck_assert_int_eq(handshake(srv, cli, &s), 0);
	SSL_free(s);
	ck_assert_int_eq(vg_tls_reload(srv, msg, sizeof(msg)), 0);
	ck_assert_int_eq(handshake(srv, cli, &s), 1);
	SSL_free(s);
	ck_assert_int_eq(handshake(srv, old, &s), 0);
	SSL_free(s);
	file("k", "abcd\n", 0600);
	ck_assert_int_eq(vg_tls_reload(srv, msg, sizeof(msg)), -1);
	ck_assert_ptr_nonnull(strstr(msg, "key too short"));
	ck_assert_int_eq(handshake(srv, cli, &s), 1);
	SSL_free(s);
	vg_tls_free(cli);
	vg_tls_free(old);
	vg_tls_free(srv);
}
END_TEST

START_TEST(options)
{
	struct vg_tls_opts o = { .psk = "/nonexistent", .cert = "c.pem",
	    .key = "k.pem", .verify = 1 };
	const char *k = file("k", HEX32 "\n", 0400);

	ck_assert_ptr_null(vg_tls_new(&o, 1, msg, sizeof(msg)));
	ck_assert_ptr_nonnull(strstr(msg, "do not mix"));
	ck_assert_ptr_null(ctx(k, NULL, NULL, 0));
	ck_assert_str_eq(msg, "psk= needs psk_identity=");
	ck_assert_ptr_null(ctx(k, NULL, NULL, 1));
	ck_assert_str_eq(msg, "psk= needs psk_identity= (or "
	    "allowed_clients=)");
	ck_assert_ptr_null(ctx(k, "a b", NULL, 0));
	ck_assert_ptr_nonnull(strstr(msg, "psk_identity=a b: "));
	ck_assert_ptr_null(ctx(k, "x", "/acl", 0));
	ck_assert_str_eq(msg, "allowed_clients= is for a listener");
	ck_assert_ptr_null(ctx(NULL, "x", NULL, 0));
	ck_assert_str_eq(msg, "psk_identity= goes with psk=");
	ck_assert_ptr_null(ctx(file("k2", HEX32 "\n", 0644), "x", NULL, 0));
	ck_assert_ptr_nonnull(strstr(msg, "mode 0644"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tls_psk");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, ck_dir_setup, ck_dir_teardown);
	tcase_add_test(tc, identity_rules);
	tcase_add_test(tc, key_text);
	tcase_add_test(tc, key_file);
	tcase_add_test(tc, acl_shared_key);
	tcase_add_test(tc, acl_errors);
	tcase_add_test(tc, acl_per_identity);
	tcase_add_test(tc, acl_file_mode);
	tcase_add_test(tc, handshake_psk);
	tcase_add_test(tc, handshake_acl);
	tcase_add_test(tc, reload_psk);
	tcase_add_test(tc, options);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
