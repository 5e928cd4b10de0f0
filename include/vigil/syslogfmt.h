/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syslogfmt.h: one event as one syslog message (src/outputs/syslog.c):
 * RFC 5424 for the network outputs, the traditional (RFC 3164, glibc
 * syslog(3)) form for the local socket. A message longer than max_size
 * is cut at a UTF-8 boundary and ends with VG_SYSLOG_TRUNC.
 */
#ifndef VIGIL_SYSLOGFMT_H
#define VIGIL_SYSLOGFMT_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/buf.h"

#define VG_SYSLOG_TRUNC	"...[truncated]"

/*
 * The header of the last second formatted (the date and names change
 * once a second at most): with it a message costs no snprintf or
 * gmtime. Owned by the caller, zeroed before use, one per thread.
 */
struct vg_syslog_cache {
	uint64_t	 sec;
	int		 pid;
	int		 valid;
	size_t		 msec_at;	/* RFC 5424: where the 3 digits go */
	size_t		 len;
	char		 hdr[512];
};

struct vg_syslog_fmt {
	int		 facility;	/* 0..23 (LOG_USER >> 3 = 1 ...) */
	int		 severity;	/* 0..7 */
	const char	*ident;		/* APP-NAME / tag */
	const char	*hostname;	/* RFC 5424 HOSTNAME, "-" if none */
	int		 pid;
	int		 rfc3164;	/* traditional local format */
	int		 octet;		/* RFC 6587 octet counting prefix */
	size_t		 max_size;	/* whole message, prefix excluded */
	struct vg_syslog_cache *cache;	/* NULL: format every header */
};

/*
 * Appends the message for the event time sec.msec with body msg (one
 * trailing '\n' is left out) to out. Returns 1 if it was truncated, else
 * 0; -1 (ENOMEM) if out ran out of memory.
 */
int	vg_syslog_format(struct vg_buf *out, const struct vg_syslog_fmt *,
	    uint64_t sec, unsigned msec, const char *msg, size_t len);
/* Facility or severity name ("local3", "info") -> number; -1 unknown. */
int	vg_syslog_facility(const char *);
int	vg_syslog_severity(const char *);

#endif
