/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls.h: TLS for the network listener and the remote output (OpenSSL,
 * src/tls.c; docs/fleet.md). A context holds the certificate, key and
 * CA paths it was made from, so SIGHUP can load them again: new
 * connections get the new ones, open ones keep theirs. Verification of
 * the peer is on by default at both ends: the server asks every client
 * for a certificate signed by ca=, the client checks the server's
 * against ca= and the host name it connected to (or name=).
 *
 * With psk= (or, at a server, allowed_clients=) a context speaks auditd
 * 4.2's TLS instead: TLS 1.3 with an external pre-shared key and no
 * certificates (tls_auth = psk); the client sends psk_identity=, the
 * server accepts the one psk_identity= or the enabled identities of
 * allowed_clients= (files as auditd reads them, tls_psk.h). A PSK
 * client's name is its identity (vg_tls_peer_names).
 */
#ifndef VIGIL_TLS_H
#define VIGIL_TLS_H

#include <stddef.h>

struct vg_tls_opts {
	const char	*cert;		/* PEM chain: ours (client: optional) */
	const char	*key;		/* PEM private key for cert */
	const char	*ca;		/* PEM CA file to verify the peer */
	const char	*name;		/* client: the server's expected name */
	int		 verify;	/* 1 (default): verify the peer */
	const char	*psk;		/* auditd's tls_psk_file: PSK mode */
	const char	*psk_identity;	/* client: sent; server: accepted */
	const char	*allowed;	/* server: tls_allowed_clients file */
};

struct vg_tls;
typedef struct ssl_st SSL;

/* A server (is_server 1) or client context. NULL with why in msg. */
struct vg_tls	*vg_tls_new(const struct vg_tls_opts *, int is_server,
		    char *msg, size_t msglen);
/* Loads the files again; on failure (msg) the old context stays. 0/-1.
 * Thread-safe against vg_tls_ssl. */
int		 vg_tls_reload(struct vg_tls *, char *msg, size_t msglen);
/* A connection on fd (non-blocking is fine); NULL if out of memory. */
SSL		*vg_tls_ssl(struct vg_tls *, int fd);
void		 vg_tls_free(struct vg_tls *);
/*
 * The names of the verified peer certificate: its DNS subject alternative
 * names, or the common name when it has none, into names[0..max) (each
 * NUL-terminated, at most len bytes; longer ones are skipped). A PSK
 * peer (server side): its accepted identity. Returns how many; 0 when
 * the peer was not authenticated.
 */
int		 vg_tls_peer_names(SSL *, char (*names)[256], int max);
/* Server: why a PSK handshake was refused before the key was tried
 * (an unknown, disabled or invalid identity), or NULL. Borrowed until
 * SSL_free. */
const char	*vg_tls_psk_refused(SSL *);
/* 1 if the context authenticates with pre-shared keys. */
int		 vg_tls_is_psk(const struct vg_tls *);
/* What a context's files are, for log lines. */
#define VG_TLS_FILES(t) \
	(vg_tls_is_psk(t) ? "pre-shared keys" : "certificates")
/* The last OpenSSL error as text (for log lines); clears the queue. */
const char	*vg_tls_error(char *buf, size_t len);

#endif
