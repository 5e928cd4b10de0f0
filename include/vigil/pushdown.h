/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pushdown.h: prefilter drop lines compiled into kernel rules (vigild.conf
 * "pushdown = yes", docs/lua.md "Pushdown into the kernel"). A line is
 * pushed down only when the kernel rule drops a subset of what the line
 * drops in userspace; the line itself always stays in the prefilter.
 * Also the state file through which vigilctl -l marks vigild's own rules.
 */
#ifndef VIGIL_PUSHDOWN_H
#define VIGIL_PUSHDOWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/rules.h"

/* Checks that need the file system (exe lines): see vg_pushdown_compile. */
#define VG_PD_CHECK_FS	0x01

/*
 * Compiles one drop line (prefilter syntax). Returns 1 with *r holding the
 * kernel rule (cmd VG_RC_PREPEND; free with vg_rule_free), 0 when the line
 * stays in userspace only (the reason in why), or -1 when the line does
 * not parse (the message in why). With VG_PD_CHECK_FS an exe line is also
 * refused when its directory is reached through a symbolic link or the
 * file has other hard links (the kernel matches the file, vigil the path).
 */
int	vg_pushdown_compile(const char *drop, unsigned flags,
	    struct vg_rule *r, char *why, size_t whylen);

/* Is a record of type t always an event of its own (a user message),
 * so that the kernel's exclude list drops exactly that event? */
int	vg_pushdown_type_alone(uint32_t t);

/*
 * State file of vigild's own kernel rules: VIGIL_RUNDIR (default
 * /run/vigil) + "/kernel-rules". vg_pushdown_state_write replaces it with
 * a "# vigild pid N" line and the given auditctl -l lines (each ending in
 * a newline); vg_pushdown_state_remove deletes it. 0 or -1 + errno.
 */
int	vg_pushdown_state_path(char *buf, size_t len);
int	vg_pushdown_state_write(pid_t pid, char *const lines[], size_t n);
int	vg_pushdown_state_remove(void);

/*
 * vigilctl -l: the -l lines vigild pid audit_pid listed as its own, if
 * the state file is that process's. *out: malloc'ed array of malloc'ed
 * lines (free with vg_pushdown_owned_free); 0 lines when there is no such
 * file. Returns 0, or -1 + errno (ENOMEM).
 */
int	vg_pushdown_owned_load(uint32_t audit_pid, char ***out, size_t *n);
void	vg_pushdown_owned_free(char **, size_t n);

#endif
