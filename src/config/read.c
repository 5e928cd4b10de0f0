/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * read.c: the reader of "key = value" files (conf_read.h): lines,
 * comments, blanks, file:line errors; what a key means is the caller's
 * option table. Opens nothing but the file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "vigil/conf_read.h"
#include "vigil/log.h"

char *
vg_conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One line that is not blank or a comment: 0, 1 warning in msg, -1 error
 * in err->msg (-2: and stop reading, set's). */
static int
one_line(const struct vg_conf_syntax *sx, void *ctx, char *p,
    unsigned lineno, struct vg_err *err, char *msg, size_t len)
{
	char *eq, *key, *val;
	int rc;

	if (sx->line != NULL &&
	    (rc = sx->line(ctx, p, lineno, err)) != 0)
		return rc == 1 ? 0 : -1;
	eq = strchr(p, '=');
	if (eq != NULL && sx->eq_word && (eq == p || !isblank((unsigned char)
	    eq[-1]) || (eq[1] != '\0' && !isblank((unsigned char)eq[1]))))
		eq = NULL;
	if (eq == NULL) {
		snprintf(err->msg, sizeof(err->msg),
		    "expected \"%s = value\"%s, got \"%.64s\"", sx->key,
		    sx->eq_word ? " (spaces around '=')" : "", p);
		return -1;
	}
	*eq = '\0';
	key = vg_conf_trim(p);
	val = vg_conf_trim(eq + 1);
	if (sx->one_word_key &&
	    (*key == '\0' || key[strcspn(key, " \t")] != '\0')) {
		snprintf(err->msg, sizeof(err->msg), "bad %s \"%.64s\"",
		    sx->key, key);
		return -1;
	}
	if (*val == '\0') {
		snprintf(err->msg, sizeof(err->msg), "%s: no value", key);
		return -1;
	}
	/* a warning must not overwrite the last error in err */
	rc = sx->set(ctx, key, val, msg, len);
	if (rc < 0)
		snprintf(err->msg, sizeof(err->msg), "%s", msg);
	return rc;
}

int
vg_conf_read(const char *path, const struct vg_conf_syntax *sx, void *ctx,
    struct vg_err *err, unsigned *warnings)
{
	FILE *f;
	struct stat st;
	int errors;

	if ((f = fopen(path, "re")) == NULL) {
		vg_err_set(err, path, 0, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		vg_err_set(err, path, 0, "a directory, expected the %s file",
		    sx->file);
		fclose(f);
		return -1;
	}
	errors = vg_conf_read_file(f, path, sx, ctx, err, warnings);
	fclose(f);
	return errors;
}

int
vg_conf_read_file(FILE *f, const char *path, const struct vg_conf_syntax *sx,
    void *ctx, struct vg_err *err, unsigned *warnings)
{
	char *line = NULL, *p, msg[sizeof(err->msg)];
	size_t cap = 0;
	ssize_t n;
	unsigned lineno = 0;
	int errors = 0, rc = 0;

	vg_err_set(err, path, 0, "%s", "");
	while (rc != -2 && (n = getline(&line, &cap, f)) != -1) {
		lineno++;
		if ((size_t)n != strlen(line)) {
			snprintf(err->msg, sizeof(err->msg), "NUL byte in line");
			rc = -1;
		} else {
			if (sx->comment_anywhere &&
			    (p = strchr(line, '#')) != NULL)
				*p = '\0';
			p = vg_conf_trim(line);
			if (*p == '\0' || *p == '#')
				continue;
			/* as fgets() into max_line bytes: the newline and
			 * the NUL must fit too */
			if (sx->max_line && (size_t)n >= sx->max_line) {
				vg_log_warnx("%s:%u: line longer than %zu "
				    "characters skipped (as auditd does)", path,
				    lineno, sx->max_line - 2);
				(*warnings)++;
				continue;
			}
			rc = one_line(sx, ctx, p, lineno, err, msg,
			    sizeof(msg));
		}
		if (rc == 1) {
			vg_log_warnx("%s:%u: warning: %s", path, lineno, msg);
			(*warnings)++;
		} else if (rc < 0) {
			snprintf(err->file, sizeof(err->file), "%s", path);
			err->line = lineno;
			vg_err_log(err);
			errors++;
		}
	}
	if (rc != -2 && ferror(f)) {
		vg_err_set(err, path, 0, "read error: %s", strerror(errno));
		vg_err_log(err);
		errors++;
	}
	free(line);
	return errors;
}
