/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sdnotify.h: systemd's service notification protocol (sd_notify(3)),
 * spoken directly: one datagram to $NOTIFY_SOCKET. vigild tells systemd
 * READY=1 once it holds the audit pid and its rules are loaded, so that
 * a Type=notify unit ordered Before=sysinit.target means auditing is on.
 */
#ifndef VIGIL_SDNOTIFY_H
#define VIGIL_SDNOTIFY_H

/*
 * Sends state ("READY=1", "STOPPING=1", "STATUS=...", lines joined by
 * '\n') to the socket named by $NOTIFY_SOCKET: a path, or an abstract
 * name written with a leading '@'. Never blocks; never logs.
 * Returns 1 if sent, 0 if $NOTIFY_SOCKET is unset or empty (not under
 * systemd), -1 with errno: EINVAL (relative, too long or empty name),
 * EAFNOSUPPORT (a vsock: address), or what socket(2)/sendto(2) gave.
 */
int	vg_sdnotify(const char *state);

/* "RELOADING=1" with MONOTONIC_USEC= (systemd >= 253 wants both); call
 * vg_sdnotify("READY=1") when the reload is done. Returns as above. */
int	vg_sdnotify_reloading(void);

#endif
