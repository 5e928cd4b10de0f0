/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * enrich.h: the ENRICHED part auditd 3.0.9 appends to a log line (after a
 * 0x1D byte): UID/GID fields as user and group names, SYSCALL and ARCH as
 * names, SADDR as a readable socket address (src/auditd/enrich.c,
 * docs/dropin.md).
 */
#ifndef VIGIL_AUDITD_ENRICH_H
#define VIGIL_AUDITD_ENRICH_H

#include <stdint.h>
#include <sys/types.h>

#include "vigil/buf.h"
#include "vigil/str.h"

struct vg_enrich;

/*
 * Name lookups, replaceable for tests. Each writes the name of the id into
 * buf (NUL-terminated) and returns 0, or returns -1 if the id has no name.
 */
struct vg_enrich_lookup {
	int	(*user)(uid_t, char *buf, size_t len, void *arg);
	int	(*group)(gid_t, char *buf, size_t len, void *arg);
	void	*arg;
};

/* lookup NULL: getpwuid_r/getgrgid_r. Names are cached (see enrich.c). */
struct vg_enrich	*vg_enrich_new(const struct vg_enrich_lookup *);
void			 vg_enrich_free(struct vg_enrich *);
/* Forget cached names (on SIGHUP: accounts may have changed). */
void			 vg_enrich_flush_cache(struct vg_enrich *);

/*
 * Appends the enriched part of one record to b: 0x1D then the fields
 * separated by spaces, or nothing if the record has no field to enrich.
 * body: the record text after "): ". line_len: bytes of the log line
 * written so far (auditd leaves out fields that would not fit its
 * 9225-byte line buffer; so does this). A control byte in a value (a
 * unix socket path) is written as \xHH, never raw.
 */
void	vg_enrich_record(struct vg_enrich *, struct vg_buf *b, uint32_t type,
	    struct vg_str body, size_t line_len);

/*
 * The SADDR text for a hex sockaddr value, as auditd writes it
 * ("{ saddr_fam=inet laddr=127.0.0.1 lport=22 }"), appended to b; control
 * bytes escaped as above. quoted: the value was written in quotes.
 */
void	vg_enrich_sockaddr(struct vg_buf *b, struct vg_str hex, int quoted);

#endif
