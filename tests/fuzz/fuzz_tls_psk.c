/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_tls_psk.c: libFuzzer harness for the readers of auditd 4.2's
 * pre-shared key files (src/tls_psk.c). The first byte picks the key
 * line (vg_psk_parse) or the allowed-clients table (vg_psk_acl_parse);
 * the rest is the file's text, in an exact-size heap copy. A key taken
 * must be 32..255 bytes and decode the line; a table taken must hold
 * valid, unique, findable identities, its counts agreeing. key=/PATH
 * lines make the parser open PATH read-only (non-regular files are
 * refused before any read).
 */
#include "fuzz_common.h"

#include "vigil/tls_psk.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void
key(const char *p, size_t n)
{
	struct vg_psk_key k;
	char msg[256];
	size_t i;

	if (vg_psk_parse(p, n, &k, msg, sizeof(msg)) == -1) {
		FZ_ASSERT(k.len == 0 && msg[0] != '\0');
		return;
	}
	FZ_ASSERT(k.len >= VG_PSK_MIN && k.len <= VG_PSK_MAX);
	/* pairs of hex digits, colons between them skipped (OpenSSL's
	 * OPENSSL_hexstr2buf, as auditd) */
	for (i = 0; i < k.len; i++) {
		while (*p == ':')
			p++;
		FZ_ASSERT(k.b[i] == (unsigned)(hex(p[0]) << 4 | hex(p[1])));
		p += 2;
	}
}

static void
acl(const char *p, size_t n)
{
	struct vg_psk_acl a;
	char msg[512];
	int i, en = 0, keys = 0;

	if (vg_psk_acl_parse("fuzz", p, n, &a, msg, sizeof(msg)) == -1) {
		FZ_ASSERT(a.n == 0 && a.c == NULL &&
		    strncmp(msg, "fuzz", 4) == 0);
		return;
	}
	for (i = 0; i < a.n; i++) {
		FZ_ASSERT(vg_psk_identity_ok(a.c[i].identity,
		    strlen(a.c[i].identity)));
		FZ_ASSERT(vg_psk_acl_find(&a, a.c[i].identity,
		    strlen(a.c[i].identity)) == &a.c[i]);
		en += a.c[i].enabled;
		keys += a.c[i].has_key;
	}
	FZ_ASSERT(en == a.enabled);
	FZ_ASSERT(a.per_identity ? keys == a.n : keys == 0);
	vg_psk_acl_free(&a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *p;

	if (size < 1)
		return 0;
	if ((p = malloc(size - 1 + 1)) == NULL)
		return 0;
	memcpy(p, data + 1, size - 1);
	if (data[0] & 1)
		acl(p, size - 1);
	else
		key(p, size - 1);
	free(p);
	return 0;
}
