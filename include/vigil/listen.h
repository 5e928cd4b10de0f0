/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * listen.h: the network input (src/inputs/listen.c): audisp-remote's
 * protocol (remote_proto.h) over TCP or TLS, as auditd's listener, into
 * the pipeline with the sender's node name. docs/fleet.md.
 *
 *	tcp://ADDR:PORT[?OPTIONS]	tls://ADDR:PORT?cert=&key=&ca=...
 *
 * Options: max_per_addr=N (1), max_clients=N (1024), idle=SEC (0 =
 * never), client_ports=LO-HI, queue=N (listen backlog, 5), buffer=SIZE
 * (per-connection input, 64k), trust=ADDR[/BITS][,...] (clients that may
 * send any node name), cert=, key=, ca=, verify=yes|no (tls).
 */
#ifndef VIGIL_LISTEN_H
#define VIGIL_LISTEN_H

#include <stddef.h>

struct event_base;
struct vg_pipeline;
struct vg_auditd_conf;
struct vg_listen;

/* The listener set (no sockets yet). NULL if out of memory. */
struct vg_listen	*vg_listen_new(struct event_base *, struct vg_pipeline *);
/* Parses spec and binds it now (before privileges go). 0, or -1 with why
 * in msg. */
int			 vg_listen_add(struct vg_listen *, const char *spec,
			    char *msg, size_t msglen);
/*
 * The listen spec auditd.conf asks for (drop-in): tcp_listen_port and
 * its companions, transport = tls with auditd 4.2's tls_* keys. 1 and
 * spec written, 0 if tcp_listen_port is not set, -1 with why in msg for
 * what vigild cannot honour (use_libwrap with rules in hosts.allow/
 * hosts.deny, transport krb5, a post-quantum-only TLS profile).
 */
int			 vg_listen_spec_auditd(const struct vg_auditd_conf *,
			    char *spec, size_t speclen, char *msg,
			    size_t msglen);
/* Node name no client but a trusted one may use: the name local events
 * have (auditd.conf name_format); "" or NULL for none. */
void			 vg_listen_reserve(struct vg_listen *, const char *node);
/* SIGHUP: loads the TLS certificates again (logged). */
void			 vg_listen_reload(struct vg_listen *);
/* SIGCONT: one line per listener with its counters. */
void			 vg_listen_dump(struct vg_listen *, int fd);
/* Tells managed clients the server is ending, closes everything. */
void			 vg_listen_close(struct vg_listen *);

#endif
