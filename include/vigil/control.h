/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * control.h: vigild's control socket (docs/operating.md, "Control
 * protocol"). A local stream socket; a client sends one request line, the
 * daemon answers "ok" or "error: TEXT" on the first line, then the body,
 * and closes. Who may connect is checked with SO_PEERCRED: root, or a
 * member of the configured group for the requests that change nothing.
 */
#ifndef VIGIL_CONTROL_H
#define VIGIL_CONTROL_H

#include <stddef.h>
#include <sys/types.h>

#include "vigil/buf.h"

#define VG_CONTROL_PATH		"/run/vigild/control"
#define VG_CONTROL_MAXREQ	256	/* request line, '\n' included */
#define VG_CONTROL_MAXCONN	8	/* clients at once */
#define VG_CONTROL_DEADLINE_MS	5000	/* a client's whole exchange */

enum vg_control_cmd {
	VG_CTL_STATE,		/* read-only ... */
	VG_CTL_METRICS,
	VG_CTL_TOP,
	VG_CTL_VERSION,
	VG_CTL_RELOAD,		/* root only from here */
	VG_CTL_ROTATE,
	VG_CTL_RESUME,
	VG_CTL_STOP,
};

struct vg_control_req {
	enum vg_control_cmd	 cmd;
	int			 json;		/* "json" option given */
	/* the peer, from SO_PEERCRED */
	pid_t			 pid;
	uid_t			 uid;
	gid_t			 gid;
};

/*
 * Parses one request line (len bytes, without the '\n'): "COMMAND
 * [json]", lowercase words separated by one space. Returns 0, or -1 with
 * a reason in err.
 */
int	vg_control_parse(const char *line, size_t len,
	    struct vg_control_req *req, char *err, size_t errlen);
/* The command changes the daemon's state (root only). */
int	vg_control_cmd_privileged(enum vg_control_cmd);

/*
 * The daemon's side: fills out with the reply body for req and returns
 * 0, or -1 with an error text in out. For a request that acts (stop,
 * reload...), it sets *after: then done() is called with the request
 * once the reply has been written (or the client went away).
 */
struct vg_control_handler {
	int	(*answer)(void *arg, const struct vg_control_req *,
		    struct vg_buf *out, int *after);
	void	(*done)(void *arg, const struct vg_control_req *);
	void	*arg;
};

struct event_base;
struct vg_control;

/*
 * Creates the socket at path (its directory too, 0755, if missing; a
 * stale socket there is replaced, anything else is an error), mode 0600
 * owned by root, or 0660 with group gid if group_set. Registers it on
 * base. Must run while vigild may still chown. NULL with errno (logged).
 */
struct vg_control *vg_control_open(struct event_base *, const char *path,
	    int group_set, gid_t gid, const struct vg_control_handler *);
/* Closes every client, the socket, and removes it. NULL: no-op. */
void	vg_control_close(struct vg_control *);

/*
 * Client side (vigilctl): sends line to the socket at path, reads the
 * reply into out (body only) within timeout_ms. Returns 0 on "ok", 1 on
 * "error: ..." (the text in out), -1 with errno if the exchange failed.
 */
int	vg_control_call(const char *path, const char *line,
	    struct vg_buf *out, int timeout_ms);

#endif
