/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf_read.h: the one reader of "key = value" files (vigild.conf,
 * auditd.conf, plugins.d files). Each file's syntax differs in a few
 * rules, said by a struct vg_conf_syntax; each value goes to the file's
 * option table (opt.h) through the syntax's set hook. Every bad line is
 * logged as file:line: message and reading goes on (OpenBSD parse.y).
 */
#ifndef VIGIL_CONF_READ_H
#define VIGIL_CONF_READ_H

#include <stddef.h>
#include <stdio.h>

#include "vigil/err.h"

struct vg_conf_syntax {
	const char	*file;		/* "vigild.conf": said of a directory */
	const char	*key;		/* "key" or "keyword" in messages */
	int		 comment_anywhere;	/* else '#' only starts a line */
	int		 one_word_key;	/* blanks in a key: "bad keyword" */
	int		 eq_word;	/* '=' a word of its own: "KEY = VALUE"
					 * (plugins.d) */
	size_t		 max_line;	/* longer: skipped, warned; 0 none */
	/*
	 * A line the file's own (vigild.conf's output blocks), NULL: none.
	 * 1 consumed, 0 not, -1 error in err->msg.
	 */
	int		(*line)(void *ctx, char *p, unsigned lineno,
			    struct vg_err *err);
	/*
	 * key = value: 0, 1 (stored with a warning in msg), -1 (msg), or
	 * -2: as -1, and the rest of the file is not read (not this kind
	 * of file at all: a plugin's own config in plugins.d).
	 */
	int		(*set)(void *ctx, const char *key, const char *val,
			    char *msg, size_t len);
};

/*
 * Reads path with syntax sx, calling its hooks with ctx. Errors are
 * logged as "path:line: msg" (the last one also in *err), warnings as
 * "path:line: warning: msg" and counted in *warnings. Returns the number
 * of errors, or -1 if path cannot be read (err says why, not logged).
 */
int	vg_conf_read(const char *path, const struct vg_conf_syntax *sx,
	    void *ctx, struct vg_err *err, unsigned *warnings);
/*
 * The same for a file the caller opened and checked (plugins.d: opened
 * without following links, its owner checked on the descriptor); path
 * names it in messages. f stays open. Returns the number of errors.
 */
int	vg_conf_read_file(FILE *f, const char *path,
	    const struct vg_conf_syntax *sx, void *ctx, struct vg_err *err,
	    unsigned *warnings);

/* Blanks cut from both ends of s, in place; returns the start. */
char	*vg_conf_trim(char *s);

#endif
