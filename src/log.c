/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.c: vigil's own diagnostics: stderr in the foreground, syslog when
 * daemonized. Every other file calls these; none prints on its own. Every
 * message is escaped as a whole before it is written (vg_log_escape):
 * messages quote record text, file lines, Lua errors and config values,
 * and none of that may move a terminal's cursor or start a log line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "vigil/log.h"

static int	 log_fg = 1;
static int	 log_verbose;
static const char *log_ident = "vigild";

void
vg_log_init(const char *ident, int foreground, int verbose)
{
	log_ident = ident;
	log_fg = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/*
 * Length of the well-formed UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) that is not a C1 control
 * (U+0080..U+009F, which terminals obey too), or 0.
 */
static size_t
utf8_ok(const unsigned char *p, size_t left)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (n > left)
		return 0;
	if (p[0] == 0xc2)
		lo = 0xa0;		/* C1 controls */
	else if (p[0] == 0xe0)
		lo = 0xa0;		/* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;		/* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;		/* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;		/* above U+10FFFF */
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

size_t
vg_log_escape(char *out, size_t size, const char *in, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)in, *end = p + len;
	size_t o = 0, n;
	char e[4];
	int el;

	if (size == 0)
		return 0;
	while (p < end) {
		el = 0;
		if (*p >= 0x20 && *p < 0x7f) {
			n = 1;
		} else if (*p >= 0x80 && (n = utf8_ok(p, (size_t)(end - p))) >
		    0) {
			/* a whole character or nothing */
		} else {
			n = 1;
			e[0] = '\\';
			switch (*p) {
			case '\t': e[1] = 't'; el = 2; break;
			case '\n': e[1] = 'n'; el = 2; break;
			case '\r': e[1] = 'r'; el = 2; break;
			default:
				e[1] = 'x';
				e[2] = hex[*p >> 4];
				e[3] = hex[*p & 15];
				el = 4;
				break;
			}
		}
		if (o + (el ? (size_t)el : n) >= size)
			break;
		if (el) {
			memcpy(out + o, e, (size_t)el);
			o += (size_t)el;
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	out[o] = '\0';
	return o;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t w;

	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

/* One message, escaped whole; to stderr if tostderr, else syslog. */
static void __attribute__((format(printf, 3, 0)))
vlog(int pri, int tostderr, const char *fmt, va_list ap, const char *err)
{
	char raw[1024], msg[4 * sizeof(raw)];
	int n;

	if ((n = vsnprintf(raw, sizeof(raw), fmt, ap)) < 0)
		n = 0;
	vg_log_escape(msg, sizeof(msg), raw,
	    (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1);
	if (tostderr) {
		if (err != NULL)
			fprintf(stderr, "%s: %s: %s\n", log_ident, msg, err);
		else
			fprintf(stderr, "%s: %s\n", log_ident, msg);
	} else if (err != NULL)
		syslog(pri, "%s: %s", msg, err);
	else
		syslog(pri, "%s", msg);
}

void
vg_log_stderr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, 1, fmt, ap, NULL);
	va_end(ap);
}

void
vg_log_dump(int fd, const char *fmt, ...)
{
	char raw[2048], msg[4 * sizeof(raw) + 1];
	va_list ap;
	size_t len;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len = vg_log_escape(msg, sizeof(msg) - 1, raw,
	    (size_t)n < sizeof(raw) ? (size_t)n : sizeof(raw) - 1);
	msg[len++] = '\n';
	(void)write_all(fd, msg, len);
}

void
vg_log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, log_fg, fmt, ap, err);
	va_end(ap);
}

void
vg_log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, log_fg, fmt, ap, NULL);
	va_end(ap);
}

void
vg_log_notice(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_NOTICE, log_fg, fmt, ap, NULL);
	va_end(ap);
}

void
vg_log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, log_fg, fmt, ap, NULL);
	va_end(ap);
}

void
vg_log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, log_fg, fmt, ap, NULL);
	va_end(ap);
}

void
vg_fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, log_fg, fmt, ap, err);
	va_end(ap);
	exit(1);
}

void
vg_fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, log_fg, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
