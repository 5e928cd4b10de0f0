/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls.c: OpenSSL contexts for the listener and the remote output
 * (tls.h). Owns the SSL_CTX and its reload; never does I/O itself (the
 * callers drive SSL_* on their own sockets). TLS 1.2 at least; the peer
 * is verified unless verify=no was asked for.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "vigil/tls.h"

struct vg_tls {
	pthread_mutex_t	 mu;
	SSL_CTX		*ctx;		/* current; SSL objects hold refs */
	int		 server;
	int		 verify;
	char		*cert, *key, *ca, *name;
};

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

static SSL_CTX *
make_ctx(const struct vg_tls *t, char *msg, size_t msglen)
{
	char err[256];
	SSL_CTX *c;

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

	if (is_server && (o->cert == NULL || o->key == NULL)) {
		snprintf(msg, msglen, "a TLS listener needs cert= and key=");
		return NULL;
	}
	if ((o->cert == NULL) != (o->key == NULL)) {
		snprintf(msg, msglen, "cert= and key= go together");
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
	if (t->name != NULL) {
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
