/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err.h: the one error type of configuration and rules: where (file and
 * line, or a place such as "command line") and what. Parsers fill it and
 * keep going (OpenBSD parse.y); callers print it with vg_err_log.
 */
#ifndef VIGIL_ERR_H
#define VIGIL_ERR_H

#include <stddef.h>

struct vg_err {
	char		file[256];	/* a path, or "command line" */
	unsigned	line;		/* 0: the file as a whole */
	char		msg[256];
};

/* Fills err (msg from fmt). */
void	vg_err_set(struct vg_err *, const char *file, unsigned line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Formats err as "file:line: msg" ("file: msg" without a line) into buf. */
void	vg_err_format(const struct vg_err *, char *buf, size_t len);
/* Logs err as vg_err_format() writes it (vg_log_warnx). */
void	vg_err_log(const struct vg_err *);

#endif
