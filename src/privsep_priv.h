/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privsep_priv.h: what the privsep_*.c files share and nobody else sees:
 * the helper (privsep_helper.c) hands the daemon's side (privsep_client.c)
 * its end of the socket; both take descriptors off a message the same way
 * (privsep_wire.c). Not a module interface: the rest of vigild includes
 * vigil/privsep.h.
 */
#ifndef VIGIL_PRIVSEP_PRIV_H
#define VIGIL_PRIVSEP_PRIV_H

#include <sys/types.h>
#include <sys/socket.h>

/* The daemon's end of the helper's socket (sock) and the helper's pid,
 * once it is forked. Before any thread exists (vg_privsep_start). */
void	vg_privsep_attach(int sock, pid_t helper);

/* Every descriptor passed with m: the first kept in *fd (-1 if none),
 * the others closed. */
void	vg_privsep_take_fds(struct msghdr *m, int *fd);

#endif
