/*
 * log.h: vigil's own diagnostics. stderr while in the foreground, syslog
 * once daemonized. log_warn appends strerror(errno).
 */
#ifndef VIGIL_LOG_H
#define VIGIL_LOG_H

void	vg_log_init(const char *ident, int foreground, int verbose);
void	vg_log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vg_log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vg_log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vg_log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	vg_fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	vg_fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
