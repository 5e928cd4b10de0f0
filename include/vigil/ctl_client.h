/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_client.h: vigilctl's side of the control socket (src/ctl_client.c):
 * "vigilctl state|metrics|top" and "--signal" through the socket.
 */
#ifndef VIGIL_CTL_CLIENT_H
#define VIGIL_CTL_CLIENT_H

/*
 * Runs argv if it is one of vigilctl's daemon requests: sets *handled and
 * returns the exit status. Leaves *handled 0 for auditctl syntax, and for
 * --signal when no audit daemon answers on the control socket (then the
 * caller signals the audit pid, as auditctl does).
 */
int	vg_ctlc_run(int argc, char *argv[], int *handled);

#endif
