/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls_psk.h: the pre-shared key files of auditd 4.2's TLS transport
 * (src/tls_psk.c; docs/fleet.md "TLS"): tls_psk_file (one line of hex,
 * at least 32 bytes) and tls_allowed_clients (identity, enabled or
 * disabled, optional key=/path per identity). Read the same way as
 * auditd reads them, so one file serves both daemons.
 */
#ifndef VIGIL_TLS_PSK_H
#define VIGIL_TLS_PSK_H

#include <stddef.h>

#define VG_PSK_MIN	32	/* bytes; auditd refuses shorter keys */
#define VG_PSK_MAX	255	/* a 512-byte line holds 510 hex digits */
#define VG_PSK_ID_MAX	255	/* identity bytes, printable, no space */

struct vg_psk_key {
	size_t		len;
	unsigned char	b[VG_PSK_MAX];
};

struct vg_psk_client {
	char			 identity[VG_PSK_ID_MAX + 1];
	int			 enabled;
	int			 has_key;	/* key=/path given */
	struct vg_psk_key	 key;
};

/* An allowed-clients table (tls_allowed_clients). */
struct vg_psk_acl {
	struct vg_psk_client	*c;
	int			 n, enabled;
	int			 per_identity;	/* every entry has key= */
};

/* 1 if id[0..len) is a valid identity: 1..255 bytes 0x21..0x7e. */
int	vg_psk_identity_ok(const char *id, size_t len);

/*
 * The key in text[0..len): its first line, hex digits (CR/LF stripped),
 * an even count, VG_PSK_MIN..VG_PSK_MAX bytes. 0, or -1 with why in msg.
 */
int	vg_psk_parse(const char *text, size_t len, struct vg_psk_key *k,
	    char *msg, size_t msglen);
/*
 * Reads a key file: a regular file (a symbolic link is refused), owned
 * by root or by us, no access for group or others (auditd asks for 0400
 * root), then vg_psk_parse. 0, or -1 with "path: why" in msg.
 */
int	vg_psk_load(const char *path, struct vg_psk_key *k, char *msg,
	    size_t msglen);

/*
 * Parses an allowed-clients table from text; path names it in messages
 * ("path:line: why"). key=/PATH files are read with vg_psk_load. Either
 * every entry has key= or none does; identities and key files (and
 * keys) are unique. 0, or -1 with why in msg.
 */
int	vg_psk_acl_parse(const char *path, const char *text, size_t len,
	    struct vg_psk_acl *a, char *msg, size_t msglen);
/* Reads the file (checked as vg_psk_load does, but group or others may
 * read it) and parses it. 0/-1 with msg. */
int	vg_psk_acl_load(const char *path, struct vg_psk_acl *a, char *msg,
	    size_t msglen);
/* The entry for an identity, or NULL. */
const struct vg_psk_client *vg_psk_acl_find(const struct vg_psk_acl *,
	    const char *id, size_t len);
/* Wipes the keys and frees the entries; a is left empty. */
void	vg_psk_acl_free(struct vg_psk_acl *a);
/* Wipes a key (OPENSSL_cleanse). */
void	vg_psk_wipe(struct vg_psk_key *k);

#endif
