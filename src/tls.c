/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls.c: OpenSSL contexts for the listener and the remote output
 * (tls.h). Owns the SSL_CTX and its reload; never does I/O itself (the
 * callers drive SSL_* on their own sockets). Certificates: TLS 1.2 at
 * least; the peer is verified unless verify=no was asked for. Pre-shared
 * keys: TLS 1.3 only, as audit-userspace 4.2 sets it up (autls/,
 * src/auditd-listen.c, audisp/plugins/remote/audisp-remote.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "vigil/tls.h"
#include "vigil/tls_psk.h"

struct vg_tls {
	pthread_mutex_t	 mu;
	SSL_CTX		*ctx;		/* current; SSL objects hold refs */
	int		 server;
	int		 verify;
	int		 psk_mode;	/* psk= or allowed_clients= given */
	char		*cert, *key, *ca, *name;
	char		*psk, *psk_identity, *allowed;
};

/*
 * The keys of one PSK context, read when it was made; owned by that
 * SSL_CTX (ex data, freed with it), so a connection keeps the keys it
 * started with across a reload.
 */
struct psk_state {
	int			 has_key, has_acl;
	struct vg_psk_key	 key;		/* psk= */
	char			 identity[VG_PSK_ID_MAX + 1];	/* or "" */
	struct vg_psk_acl	 acl;		/* allowed_clients= */
};

/* Server: what the PSK callback decided for one connection (ex data). */
struct psk_peer {
	char	identity[VG_PSK_ID_MAX + 1];	/* accepted, or "" */
	char	why[320];			/* refused, or "" */
};

/*
 * auditd's "compatible" profile (autls/autls-profile.c, its default):
 * SHA-256 suites first, as RFC 8446 4.2.11 makes SHA-256 the binder hash
 * of an external PSK; X25519MLKEM768 where OpenSSL has it (3.5), else
 * X25519, which auditd falls back to as well.
 */
#define PSK_CIPHERS	"TLS_AES_128_GCM_SHA256:" \
			"TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384"
#define PSK_GROUPS	"X25519MLKEM768:X25519"
#define PSK_GROUPS_OLD	"X25519"

static pthread_once_t ex_once = PTHREAD_ONCE_INIT;
static int ctx_ex = -1, ssl_ex = -1;

static void
free_state(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	struct psk_state *st = ptr;

	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	if (st == NULL)
		return;
	vg_psk_acl_free(&st->acl);
	OPENSSL_cleanse(st, sizeof(*st));
	free(st);
}

static void
free_peer(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	(void)parent, (void)ad, (void)idx, (void)argl, (void)argp;
	free(ptr);
}

static void
ex_init(void)
{
	ctx_ex = SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, free_state);
	ssl_ex = SSL_get_ex_new_index(0, NULL, NULL, NULL, free_peer);
}

const char *
vg_tls_error(char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0)
		snprintf(buf, len, "unknown TLS error");
	else
		ERR_error_string_n(last, buf, len);
	return buf;
}

/*
 * A TLS 1.3 suite whose handshake hash is md (SHA-256 when NULL): the
 * PSK's session must name one, and both ends must agree on the hash or
 * the binder does not verify (autls_find_tls13_cipher). Else the first
 * TLS 1.3 suite; NULL if none.
 */
static const SSL_CIPHER *
tls13_cipher(SSL *s, const EVP_MD *md)
{
	STACK_OF(SSL_CIPHER) *cs = SSL_get_ciphers(s);
	const SSL_CIPHER *c, *first = NULL;
	const char *v;
	int i;

	if (md == NULL)
		md = EVP_sha256();
	for (i = 0; cs != NULL && i < sk_SSL_CIPHER_num(cs); i++) {
		c = sk_SSL_CIPHER_value(cs, i);
		if ((v = SSL_CIPHER_get_version(c)) == NULL ||
		    strcmp(v, "TLSv1.3") != 0)
			continue;
		if (first == NULL)
			first = c;
		if (EVP_MD_get_type(SSL_CIPHER_get_handshake_digest(c)) ==
		    EVP_MD_get_type(md))
			return c;
	}
	return first;
}

/* A resumable-looking session carrying the external key. */
static SSL_SESSION *
psk_session(SSL *s, const EVP_MD *md, const struct vg_psk_key *k)
{
	const SSL_CIPHER *c;
	SSL_SESSION *ss;

	if ((c = tls13_cipher(s, md)) == NULL || (ss = SSL_SESSION_new()) ==
	    NULL)
		return NULL;
	if (SSL_SESSION_set1_master_key(ss, k->b, k->len) != 1 ||
	    SSL_SESSION_set_cipher(ss, c) != 1 ||
	    SSL_SESSION_set_protocol_version(ss, TLS1_3_VERSION) != 1) {
		SSL_SESSION_free(ss);
		return NULL;
	}
	return ss;
}

static struct psk_state *
state_of(SSL *s)
{
	return SSL_CTX_get_ex_data(SSL_get_SSL_CTX(s), ctx_ex);
}

/* Client: offer our identity and key. */
static int
psk_use(SSL *s, const EVP_MD *md, const unsigned char **id, size_t *idlen,
    SSL_SESSION **sess)
{
	struct psk_state *st = state_of(s);

	*sess = NULL;
	if (st == NULL || !st->has_key)
		return 0;
	if ((*sess = psk_session(s, md, &st->key)) == NULL)
		return 0;
	*id = (const unsigned char *)st->identity;
	*idlen = strlen(st->identity);
	return 1;
}

/* Printable copy of a peer's identity for messages. */
static void
show_id(const unsigned char *id, size_t len, char *buf, size_t buflen)
{
	size_t i, n = len < buflen - 1 ? len : buflen - 1;

	for (i = 0; i < n; i++)
		buf[i] = id[i] >= 0x20 && id[i] < 0x7f ? (char)id[i] : '.';
	buf[n] = '\0';
}

/*
 * Server: the key for a client's identity, as auditd decides it: the
 * allowed_clients= table when there is one (an enabled entry; its own
 * key=, else psk=), otherwise exactly psk_identity=. Returning 0 ends
 * the handshake; the reason stays in the connection's psk_peer.
 */
static int
psk_find(SSL *s, const unsigned char *id, size_t idlen, SSL_SESSION **sess)
{
	struct psk_state *st = state_of(s);
	const struct vg_psk_client *c = NULL;
	const struct vg_psk_key *k = NULL;
	struct psk_peer *p;
	char shown[68];

	*sess = NULL;
	if ((p = SSL_get_ex_data(s, ssl_ex)) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return 0;
		if (SSL_set_ex_data(s, ssl_ex, p) != 1) {
			free(p);
			return 0;
		}
	}
	p->identity[0] = '\0';
	show_id(id, idlen, shown, sizeof(shown));
	if (st == NULL)
		return 0;
	if (!vg_psk_identity_ok((const char *)id, idlen)) {
		snprintf(p->why, sizeof(p->why), "invalid PSK identity "
		    "\"%s\"", shown);
		return 0;
	}
	if (st->has_acl) {
		c = vg_psk_acl_find(&st->acl, (const char *)id, idlen);
		if (c == NULL || !c->enabled) {
			snprintf(p->why, sizeof(p->why), "%s PSK identity "
			    "\"%s\"", c == NULL ? "unknown" : "disabled",
			    shown);
			return 0;
		}
		k = c->has_key ? &c->key : &st->key;
	} else if (strlen(st->identity) == idlen &&
	    CRYPTO_memcmp(st->identity, id, idlen) == 0)
		k = &st->key;
	else {
		snprintf(p->why, sizeof(p->why), "unknown PSK identity \"%s\"",
		    shown);
		return 0;
	}
	if ((*sess = psk_session(s, NULL, k)) == NULL) {
		snprintf(p->why, sizeof(p->why), "no TLS 1.3 cipher suite");
		return 0;
	}
	memcpy(p->identity, id, idlen);
	p->identity[idlen] = '\0';
	p->why[0] = '\0';
	return 1;
}

/* Reads the key files of t into a new state; NULL with why in msg. */
static struct psk_state *
load_state(const struct vg_tls *t, char *msg, size_t msglen)
{
	struct psk_state *st;

	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	if (t->psk != NULL) {
		if (vg_psk_load(t->psk, &st->key, msg, msglen) == -1)
			goto fail;
		st->has_key = 1;
	}
	if (t->psk_identity != NULL)
		memcpy(st->identity, t->psk_identity,
		    strlen(t->psk_identity) + 1);
	if (t->allowed != NULL) {
		if (vg_psk_acl_load(t->allowed, &st->acl, msg, msglen) == -1)
			goto fail;
		st->has_acl = 1;
		/* one shared key cannot tell clients apart (auditd) */
		if (!st->acl.per_identity && st->acl.enabled > 1) {
			snprintf(msg, msglen, "allowed_clients=%s: %d enabled "
			    "identities share psk=; give each its own key= or "
			    "enable one", t->allowed, st->acl.enabled);
			goto fail;
		}
		if (!st->acl.per_identity && !st->has_key) {
			snprintf(msg, msglen, "allowed_clients=%s has no key= "
			    "entries: psk= is needed", t->allowed);
			goto fail;
		}
	}
	return st;
fail:
	free_state(NULL, st, NULL, 0, 0, NULL);
	return NULL;
}

static SSL_CTX *
make_psk_ctx(const struct vg_tls *t, char *msg, size_t msglen)
{
	struct psk_state *st;
	char err[256];
	SSL_CTX *c;

	if ((st = load_state(t, msg, msglen)) == NULL)
		return NULL;
	c = SSL_CTX_new(t->server ? TLS_server_method() : TLS_client_method());
	if (c == NULL || SSL_CTX_set_ex_data(c, ctx_ex, st) != 1) {
		snprintf(msg, msglen, "SSL_CTX_new: %s",
		    vg_tls_error(err, sizeof(err)));
		free_state(NULL, st, NULL, 0, 0, NULL);
		SSL_CTX_free(c);
		return NULL;
	}
	/* from here st is c's and freed with it */
	if (SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_early_data(c, 0) != 1 ||
	    SSL_CTX_set_ciphersuites(c, PSK_CIPHERS) != 1) {
		snprintf(msg, msglen, "TLS 1.3 setup: %s",
		    vg_tls_error(err, sizeof(err)));
		goto fail;
	}
	if (SSL_CTX_set1_groups_list(c, PSK_GROUPS) != 1) {
		ERR_clear_error();	/* OpenSSL < 3.5: no ML-KEM */
		if (SSL_CTX_set1_groups_list(c, PSK_GROUPS_OLD) != 1) {
			snprintf(msg, msglen, "no X25519: %s",
			    vg_tls_error(err, sizeof(err)));
			goto fail;
		}
	}
	SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	if (t->server) {
		(void)SSL_CTX_set_num_tickets(c, 0);
		SSL_CTX_set_psk_find_session_callback(c, psk_find);
	} else
		SSL_CTX_set_psk_use_session_callback(c, psk_use);
	return c;
fail:
	SSL_CTX_free(c);
	return NULL;
}

static SSL_CTX *
make_ctx(const struct vg_tls *t, char *msg, size_t msglen)
{
	char err[256];
	SSL_CTX *c;

	if (t->psk_mode)
		return make_psk_ctx(t, msg, msglen);
	c = SSL_CTX_new(t->server ? TLS_server_method() : TLS_client_method());
	if (c == NULL) {
		snprintf(msg, msglen, "SSL_CTX_new: %s",
		    vg_tls_error(err, sizeof(err)));
		return NULL;
	}
	(void)SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
	SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (t->cert != NULL &&
	    SSL_CTX_use_certificate_chain_file(c, t->cert) != 1) {
		snprintf(msg, msglen, "cert=%s: %s", t->cert,
		    vg_tls_error(err, sizeof(err)));
		goto fail;
	}
	if (t->key != NULL &&
	    SSL_CTX_use_PrivateKey_file(c, t->key, SSL_FILETYPE_PEM) != 1) {
		snprintf(msg, msglen, "key=%s: %s", t->key,
		    vg_tls_error(err, sizeof(err)));
		goto fail;
	}
	if (t->cert != NULL && SSL_CTX_check_private_key(c) != 1) {
		snprintf(msg, msglen, "key=%s does not match cert=%s", t->key,
		    t->cert);
		goto fail;
	}
	if (t->ca != NULL && SSL_CTX_load_verify_locations(c, t->ca, NULL) !=
	    1) {
		snprintf(msg, msglen, "ca=%s: %s", t->ca,
		    vg_tls_error(err, sizeof(err)));
		goto fail;
	}
	if (t->verify && t->ca == NULL &&
	    SSL_CTX_set_default_verify_paths(c) != 1) {
		snprintf(msg, msglen, "no ca= and no system CA store");
		goto fail;
	}
	if (t->verify)
		SSL_CTX_set_verify(c, SSL_VERIFY_PEER | (t->server ?
		    SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0), NULL);
	else
		SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	return c;
fail:
	SSL_CTX_free(c);
	return NULL;
}

/* PSK options: checked once at start (the files at every load). */
static int
psk_opts_bad(const struct vg_tls_opts *o, int is_server, char *msg,
    size_t msglen)
{
	const char *id = o->psk_identity;

	if (o->psk == NULL && o->allowed == NULL) {
		if (id == NULL)
			return 0;
		snprintf(msg, msglen, "psk_identity= goes with psk=");
		return 1;
	}
	if (o->cert != NULL || o->key != NULL || o->ca != NULL) {
		snprintf(msg, msglen, "psk= (auditd 4.2's TLS) and cert=, "
		    "key=, ca= do not mix: one or the other");
		return 1;
	}
	if (!is_server && o->allowed != NULL) {
		snprintf(msg, msglen, "allowed_clients= is for a listener");
		return 1;
	}
	if (id != NULL && !vg_psk_identity_ok(id, strlen(id))) {
		snprintf(msg, msglen, "psk_identity=%s: 1 to %d printable "
		    "characters, no spaces", id, VG_PSK_ID_MAX);
		return 1;
	}
	/* no identity to check against: refuse, as auditd does */
	if (id == NULL && (!is_server || o->allowed == NULL)) {
		snprintf(msg, msglen, "psk= needs psk_identity=%s",
		    is_server ? " (or allowed_clients=)" : "");
		return 1;
	}
	return 0;
}

static char *
dup_or_null(const char *s, int *oom)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*oom = 1;
	return d;
}

struct vg_tls *
vg_tls_new(const struct vg_tls_opts *o, int is_server, char *msg,
    size_t msglen)
{
	struct vg_tls *t;
	int oom = 0;

	(void)pthread_once(&ex_once, ex_init);
	if (ctx_ex < 0 || ssl_ex < 0) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	if (psk_opts_bad(o, is_server, msg, msglen))
		return NULL;
	if (o->psk == NULL && o->allowed == NULL && is_server &&
	    (o->cert == NULL || o->key == NULL)) {
		snprintf(msg, msglen, "a TLS listener needs cert= and key=");
		return NULL;
	}
	if ((o->cert == NULL) != (o->key == NULL)) {
		snprintf(msg, msglen, "cert= and key= go together");
		return NULL;
	}
	/* the system store would let in anyone holding a publicly trusted
	 * certificate for client authentication, named as they please */
	if (o->psk == NULL && o->allowed == NULL && is_server && o->verify &&
	    o->ca == NULL) {
		snprintf(msg, msglen, "a TLS listener that verifies its "
		    "clients needs ca= (the CA that signed their certificates)");
		return NULL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&t->mu, NULL);
	t->server = is_server;
	t->verify = o->verify;
	t->cert = dup_or_null(o->cert, &oom);
	t->key = dup_or_null(o->key, &oom);
	t->ca = dup_or_null(o->ca, &oom);
	t->name = dup_or_null(o->name, &oom);
	t->psk = dup_or_null(o->psk, &oom);
	t->psk_identity = dup_or_null(o->psk_identity, &oom);
	t->allowed = dup_or_null(o->allowed, &oom);
	t->psk_mode = o->psk != NULL || o->allowed != NULL;
	if (oom) {
		snprintf(msg, msglen, "out of memory");
		vg_tls_free(t);
		return NULL;
	}
	if ((t->ctx = make_ctx(t, msg, msglen)) == NULL) {
		vg_tls_free(t);
		return NULL;
	}
	return t;
}

int
vg_tls_reload(struct vg_tls *t, char *msg, size_t msglen)
{
	SSL_CTX *c, *old;

	if ((c = make_ctx(t, msg, msglen)) == NULL)
		return -1;
	pthread_mutex_lock(&t->mu);
	old = t->ctx;
	t->ctx = c;
	pthread_mutex_unlock(&t->mu);
	SSL_CTX_free(old);	/* open connections hold their own ref */
	return 0;
}

SSL *
vg_tls_ssl(struct vg_tls *t, int fd)
{
	X509_VERIFY_PARAM *vp;
	SSL *s;

	pthread_mutex_lock(&t->mu);
	s = SSL_new(t->ctx);
	pthread_mutex_unlock(&t->mu);
	if (s == NULL)
		return NULL;
	if (SSL_set_fd(s, fd) != 1)
		goto fail;
	if (t->server) {
		SSL_set_accept_state(s);
		return s;
	}
	SSL_set_connect_state(s);
	if (t->name != NULL && !t->psk_mode) {
		(void)SSL_set_tlsext_host_name(s, t->name);
		if (t->verify) {
			vp = SSL_get0_param(s);
			X509_VERIFY_PARAM_set_hostflags(vp,
			    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
			/* an address is checked against the IP names */
			if (X509_VERIFY_PARAM_set1_ip_asc(vp, t->name) != 1 &&
			    X509_VERIFY_PARAM_set1_host(vp, t->name, 0) != 1)
				goto fail;
		}
	}
	return s;
fail:
	SSL_free(s);
	return NULL;
}

void
vg_tls_free(struct vg_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t->cert);
	free(t->key);
	free(t->ca);
	free(t->name);
	free(t->psk);
	free(t->psk_identity);
	free(t->allowed);
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static int
add_name(char (*names)[256], int n, int max, const unsigned char *s,
    int len)
{
	if (n >= max || len <= 0 || len >= 256 ||
	    memchr(s, '\0', (size_t)len) != NULL)
		return n;
	memcpy(names[n], s, (size_t)len);
	names[n][len] = '\0';
	return n + 1;
}

int
vg_tls_peer_names(SSL *s, char (*names)[256], int max)
{
	GENERAL_NAMES *gens;
	const GENERAL_NAME *g;
	X509_NAME_ENTRY *e;
	ASN1_STRING *as;
	X509 *x;
	int n = 0, i, idx;
	struct psk_peer *p;

	if (ssl_ex >= 0 && (p = SSL_get_ex_data(s, ssl_ex)) != NULL)
		return p->identity[0] != '\0' && max > 0 ?
		    add_name(names, 0, max, (const unsigned char *)p->identity,
		    (int)strlen(p->identity)) : 0;
	if (SSL_get_verify_result(s) != X509_V_OK ||
	    (x = SSL_get1_peer_certificate(s)) == NULL)
		return 0;
	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; gens != NULL && i < sk_GENERAL_NAME_num(gens); i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		n = add_name(names, n, max, ASN1_STRING_get0_data(g->d.dNSName),
		    ASN1_STRING_length(g->d.dNSName));
	}
	GENERAL_NAMES_free(gens);
	if (n == 0) {
		idx = X509_NAME_get_index_by_NID(X509_get_subject_name(x),
		    NID_commonName, -1);
		if (idx >= 0 && (e = X509_NAME_get_entry(
		    X509_get_subject_name(x), idx)) != NULL &&
		    (as = X509_NAME_ENTRY_get_data(e)) != NULL)
			n = add_name(names, n, max, ASN1_STRING_get0_data(as),
			    ASN1_STRING_length(as));
	}
	X509_free(x);
	return n;
}

const char *
vg_tls_psk_refused(SSL *s)
{
	struct psk_peer *p;

	if (ssl_ex < 0 || (p = SSL_get_ex_data(s, ssl_ex)) == NULL ||
	    p->why[0] == '\0')
		return NULL;
	return p->why;
}

int
vg_tls_is_psk(const struct vg_tls *t)
{
	return t->psk_mode;
}
