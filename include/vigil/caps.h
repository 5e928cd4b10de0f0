/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.h: the daemon's own privileges (src/caps.c): what it keeps once
 * its sockets are set up, and a way to read them back. docs/security.md
 * says which capability each mode keeps and why.
 */
#ifndef VIGIL_CAPS_H
#define VIGIL_CAPS_H

#include <stddef.h>
#include <stdint.h>

/* One bit per capability number (CAP_AUDIT_CONTROL is bit 30). */
#define VG_CAP(n)	((uint64_t)1 << (n))

/*
 * Keeps the capabilities of keep that the process has and gives up every
 * other one: bounding set (when CAP_SETPCAP allows it), permitted,
 * effective, inheritable, ambient; locks SECBIT_NOROOT (a program run by
 * this process gains no capability from uid 0) and sets no_new_privs.
 * Capabilities belong to threads: call it before any thread exists. On
 * return the permitted set is checked to be keep & what was held.
 * Returns 0, or -1 with errno (the process must not go on then).
 */
int	vg_caps_drop(uint64_t keep);
/* The calling thread's effective, permitted and bounding sets. 0 / -1. */
int	vg_caps_get(uint64_t *eff, uint64_t *prm, uint64_t *bnd);
/* "cap_audit_control,cap_audit_read" or "none" into buf. */
void	vg_caps_names(uint64_t set, char *buf, size_t len);

#endif
