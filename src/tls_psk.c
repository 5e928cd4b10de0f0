/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls_psk.c: reads auditd 4.2's pre-shared key files (tls_psk.h):
 * tls_psk_file and tls_allowed_clients, with the rules audit-userspace's
 * autls/autls-psk.c and autls-acl.c apply. Never logs; key bytes are
 * wiped from every buffer they passed through.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "vigil/tls_psk.h"

#define LINE_MAX_CHARS	510	/* auditd reads lines into 512 bytes */
#define ACL_FILE_MAX	(1024 * 1024)

int
vg_psk_identity_ok(const char *id, size_t len)
{
	size_t i;

	if (len == 0 || len > VG_PSK_ID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7e)
			return 0;
	return 1;
}

int
vg_psk_parse(const char *text, size_t len, struct vg_psk_key *k, char *msg,
    size_t msglen)
{
	const char *nl = memchr(text, '\n', len);
	size_t n = nl != NULL ? (size_t)(nl - text) : len;
	char line[LINE_MAX_CHARS + 1];
	unsigned char *b;
	long blen = 0;

	k->len = 0;
	while (n > 0 && text[n - 1] == '\r')
		n--;
	if (n > LINE_MAX_CHARS) {
		snprintf(msg, msglen, "key line too long (at most %d hex "
		    "digits)", LINE_MAX_CHARS);
		return -1;
	}
	if (n == 0 || n % 2 != 0) {
		snprintf(msg, msglen, "%s", n == 0 ? "empty key" :
		    "odd number of hex digits");
		return -1;
	}
	/* the decoder auditd uses, so both accept the same files */
	memcpy(line, text, n);
	line[n] = '\0';
	b = OPENSSL_hexstr2buf(line, &blen);
	OPENSSL_cleanse(line, sizeof(line));
	if (b == NULL || blen < VG_PSK_MIN || blen > VG_PSK_MAX) {
		if (b == NULL)
			snprintf(msg, msglen, "not hex digits");
		else {
			snprintf(msg, msglen, "key too short (%ld bytes, at "
			    "least %d)", blen, VG_PSK_MIN);
			OPENSSL_clear_free(b, (size_t)blen);
		}
		ERR_clear_error();
		return -1;
	}
	memcpy(k->b, b, (size_t)blen);
	k->len = (size_t)blen;
	OPENSSL_clear_free(b, (size_t)blen);
	return 0;
}

/*
 * Opens a secret file as auditd does: no symbolic link, no FIFO that
 * could block (O_NONBLOCK until fstat says it is a regular file), owned
 * by root or us, and bad_mode bits clear. Reads at most max bytes into
 * *buf (caller wipes and frees). -1 with "path: why" in msg.
 */
static int
read_secret(const char *path, mode_t bad_mode, size_t max, char **buf,
    size_t *len, char *msg, size_t msglen)
{
	struct stat st;
	ssize_t r;
	char *b;
	int fd;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, msglen, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(msg, msglen, "%s: owned by uid %u, not root or us",
		    path, (unsigned)st.st_uid);
		goto fail;
	}
	if ((st.st_mode & bad_mode) != 0) {
		snprintf(msg, msglen, "%s: mode %04o: %s", path,
		    (unsigned)(st.st_mode & 07777), bad_mode == 077 ?
		    "group or others have access (chmod 0400)" :
		    "group or others may write it");
		goto fail;
	}
	if ((b = malloc(max + 1)) == NULL) {
		snprintf(msg, msglen, "%s: out of memory", path);
		goto fail;
	}
	while (*len < max) {
		r = read(fd, b + *len, max - *len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(msg, msglen, "%s: %s", path, strerror(errno));
			OPENSSL_cleanse(b, max);
			free(b);
			goto fail;
		}
		if (r == 0)
			break;
		*len += (size_t)r;
	}
	b[*len] = '\0';
	*buf = b;
	close(fd);
	return 0;
fail:
	if (fd != -1)
		close(fd);
	*len = 0;
	return -1;
}

static void
free_secret(char *buf, size_t len)
{
	if (buf == NULL)
		return;
	OPENSSL_cleanse(buf, len);
	free(buf);
}

int
vg_psk_load(const char *path, struct vg_psk_key *k, char *msg, size_t msglen)
{
	char *buf, why[128];
	size_t len;
	int rc;

	if (read_secret(path, 077, LINE_MAX_CHARS + 2, &buf, &len, msg,
	    msglen) == -1)
		return -1;
	if ((rc = vg_psk_parse(buf, len, k, why, sizeof(why))) == -1)
		snprintf(msg, msglen, "%s: %s", path, why);
	free_secret(buf, len);
	return rc;
}

void
vg_psk_wipe(struct vg_psk_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

void
vg_psk_acl_free(struct vg_psk_acl *a)
{
	if (a->c != NULL) {
		OPENSSL_cleanse(a->c, (size_t)a->n * sizeof(*a->c));
		free(a->c);
	}
	memset(a, 0, sizeof(*a));
}

const struct vg_psk_client *
vg_psk_acl_find(const struct vg_psk_acl *a, const char *id, size_t len)
{
	int i;

	for (i = 0; i < a->n; i++)
		if (strlen(a->c[i].identity) == len &&
		    CRYPTO_memcmp(a->c[i].identity, id, len) == 0)
			return &a->c[i];
	return NULL;
}

/* Is c's identity, key file or key already in a? A message if so. */
static int
acl_dup(const struct vg_psk_acl *a, const struct vg_psk_client *c,
    const char *keyfile, char **keyfiles, char *msg, size_t msglen)
{
	int i;

	for (i = 0; i < a->n; i++) {
		if (strcmp(a->c[i].identity, c->identity) == 0) {
			snprintf(msg, msglen, "duplicate identity \"%s\"",
			    c->identity);
			return 1;
		}
		if (keyfile != NULL && keyfiles[i] != NULL &&
		    strcmp(keyfiles[i], keyfile) == 0) {
			snprintf(msg, msglen, "duplicate key file %s", keyfile);
			return 1;
		}
		if (c->has_key && a->c[i].has_key &&
		    a->c[i].key.len == c->key.len &&
		    CRYPTO_memcmp(a->c[i].key.b, c->key.b, c->key.len) == 0) {
			/* (identities shortened: the message is bounded) */
			snprintf(msg, msglen, "identities \"%.100s\" and "
			    "\"%.100s\" have the same key", a->c[i].identity,
			    c->identity);
			return 1;
		}
	}
	return 0;
}

/* One line's entry into c; 0 blank or comment, 1 entry, -1 error. */
static int
acl_line(char *line, struct vg_psk_client *c, char **keyfile, char *msg,
    size_t msglen)
{
	char *id, *status, *extra, *save;

	*keyfile = NULL;
	if (line[0] == '#' || (id = strtok_r(line, " \t", &save)) == NULL)
		return 0;
	if ((status = strtok_r(NULL, " \t", &save)) == NULL) {
		snprintf(msg, msglen, "missing status (enabled or disabled)");
		return -1;
	}
	if (!vg_psk_identity_ok(id, strlen(id))) {
		snprintf(msg, msglen, "invalid identity (1 to %d printable "
		    "characters, no spaces)", VG_PSK_ID_MAX);
		return -1;
	}
	memcpy(c->identity, id, strlen(id) + 1);
	if (strcasecmp(status, "enabled") == 0)
		c->enabled = 1;
	else if (strcasecmp(status, "disabled") == 0)
		c->enabled = 0;
	else {
		snprintf(msg, msglen, "status \"%s\": enabled or disabled",
		    status);
		return -1;
	}
	/* key= counts only before a '/', else it is a free-form note */
	extra = strtok_r(NULL, " \t", &save);
	if (extra == NULL || strncmp(extra, "key=/", 5) != 0)
		return 1;
	if (strtok_r(NULL, " \t", &save) != NULL) {
		snprintf(msg, msglen, "unexpected word after key=");
		return -1;
	}
	*keyfile = extra + 4;
	if (vg_psk_load(*keyfile, &c->key, msg, msglen) == -1)
		return -1;
	c->has_key = 1;
	return 1;
}

int
vg_psk_acl_parse(const char *path, const char *text, size_t len,
    struct vg_psk_acl *a, char *msg, size_t msglen)
{
	char line[LINE_MAX_CHARS + 1], why[400], **keyfiles = NULL, **kf;
	struct vg_psk_client *c, *nc;
	const char *p = text, *end = text + len, *nl;
	int lineno = 0, nkeys = 0, cap = 0, r;
	size_t n;

	memset(a, 0, sizeof(*a));
	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > LINE_MAX_CHARS) {
			snprintf(why, sizeof(why), "line too long (at most %d "
			    "characters)", LINE_MAX_CHARS);
			goto fail;
		}
		memcpy(line, p, n);
		line[n] = '\0';
		if (a->n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nc = calloc((size_t)cap, sizeof(*nc))) == NULL ||
			    (kf = calloc((size_t)cap, sizeof(*kf))) == NULL) {
				free(nc);
				snprintf(why, sizeof(why), "out of memory");
				goto fail;
			}
			if (a->n > 0) {
				memcpy(nc, a->c, (size_t)a->n * sizeof(*nc));
				memcpy(kf, keyfiles, (size_t)a->n *
				    sizeof(*kf));
				OPENSSL_cleanse(a->c, (size_t)a->n *
				    sizeof(*nc));
			}
			free(a->c);
			free(keyfiles);
			a->c = nc;
			keyfiles = kf;
		}
		c = &a->c[a->n];
		memset(c, 0, sizeof(*c));
		r = acl_line(line, c, &keyfiles[a->n], why, sizeof(why));
		if (r == 1 && acl_dup(a, c, keyfiles[a->n], keyfiles, why,
		    sizeof(why)))
			r = -1;
		if (r == -1) {
			vg_psk_wipe(&c->key);
			goto fail;
		}
		if (r == 0)
			continue;
		if (keyfiles[a->n] != NULL &&
		    (keyfiles[a->n] = strdup(keyfiles[a->n])) == NULL) {
			snprintf(why, sizeof(why), "out of memory");
			goto fail;
		}
		nkeys += c->has_key;
		a->enabled += c->enabled;
		a->n++;
	}
	OPENSSL_cleanse(line, sizeof(line));
	for (r = 0; r < a->n; r++)
		free(keyfiles[r]);
	free(keyfiles);
	if (nkeys > 0 && nkeys != a->n) {
		snprintf(msg, msglen, "%s: %d of %d entries have key=: all "
		    "or none", path, nkeys, a->n);
		vg_psk_acl_free(a);
		return -1;
	}
	a->per_identity = nkeys > 0;
	return 0;
fail:
	snprintf(msg, msglen, "%s:%d: %s", path, lineno, why);
	OPENSSL_cleanse(line, sizeof(line));
	for (r = 0; r < a->n; r++)
		free(keyfiles[r]);
	free(keyfiles);
	vg_psk_acl_free(a);
	return -1;
}

int
vg_psk_acl_load(const char *path, struct vg_psk_acl *a, char *msg,
    size_t msglen)
{
	char *buf;
	size_t len;
	int rc;

	memset(a, 0, sizeof(*a));
	if (read_secret(path, 022, ACL_FILE_MAX, &buf, &len, msg, msglen) ==
	    -1)
		return -1;
	rc = vg_psk_acl_parse(path, buf, len, a, msg, msglen);
	free_secret(buf, len);
	return rc;
}
