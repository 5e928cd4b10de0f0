/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h: vigil's own diagnostics. stderr while in the foreground, syslog
 * once daemonized. log_warn appends strerror(errno). Messages are escaped
 * whole (vg_log_escape), so arguments may quote untrusted text as it is.
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

#include <stddef.h>

void	vg_log_init(const char *ident, int foreground, int verbose);
/* To stderr whatever the mode: command-line and startup errors for the
 * user who started the program ("ident: msg"). */
void	vg_log_stderr(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	vg_log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vg_log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Always logged (LOG_NOTICE): reports the admin asked for. */
void	vg_log_notice(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	vg_log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vg_log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vg_fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	vg_fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* One line of a state dump (SIGCONT, -v at exit) to fd, escaped like a
 * message; the '\n' is added. */
void	vg_log_dump(int fd, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/*
 * Copies len bytes of in to out (size bytes, always NUL-terminated; cut
 * before a character that does not fit) with what a terminal or a log
 * reader would act on written as text: \t \n \r, other bytes below
 * 0x20 and 0x7f as \xNN, and so each byte of C1 controls (U+0080..U+009F)
 * and of anything not well-formed UTF-8. Other UTF-8 and '\\' are kept.
 * Returns the length written. 4 * len + 1 bytes always suffice.
 */
size_t	vg_log_escape(char *out, size_t size, const char *in, size_t len);

#endif
