/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err.c: struct vg_err (err.h), the one error of configuration and rules:
 * filled where the mistake is found, printed as "file:line: msg".
 */
#include <stdarg.h>
#include <stdio.h>

#include "vigil/err.h"
#include "vigil/log.h"

void
vg_err_set(struct vg_err *err, const char *file, unsigned line,
    const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", file);
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

void
vg_err_format(const struct vg_err *err, char *buf, size_t len)
{
	if (err->line)
		snprintf(buf, len, "%s:%u: %s", err->file, err->line,
		    err->msg);
	else
		snprintf(buf, len, "%s: %s", err->file, err->msg);
}

void
vg_err_log(const struct vg_err *err)
{
	char buf[600];

	vg_err_format(err, buf, sizeof(buf));
	vg_log_warnx("%s", buf);
}
