/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privsep.h: vigild's privileged helper (src/privsep_helper.c; the
 * daemon's side: src/privsep_client.c; the datagrams:
 * src/privsep_wire.c). vigild forks it at start, before it gives up its
 * own capabilities (caps.h); the helper keeps what auditd has and does a
 * few named things for the daemon: start a plugin, run an auditd.conf
 * action, give a log file its group, load the audit rules.
 * docs/security.md has the design and its cost.
 */
#ifndef VIGIL_PRIVSEP_H
#define VIGIL_PRIVSEP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum vg_priv_type {
	VG_PRIV_PLUGIN = 1,	/* spec, name: start plugin name */
	VG_PRIV_ACTION,		/* spec, key: run the action key names */
	VG_PRIV_CHOWN,		/* a log's path + its descriptor: group */
	VG_PRIV_RULES,		/* nothing: load the rules again */
};

/* The auditd.conf keys whose action the helper may carry out. */
enum vg_priv_key {
	VG_PRIV_SPACE_LEFT = 0,
	VG_PRIV_ADMIN_SPACE_LEFT,
	VG_PRIV_DISK_FULL,
	VG_PRIV_DISK_ERROR,
	VG_PRIV_MAX_LOG_FILE,
	VG_PRIV_OVERFLOW,	/* plugins: overflow_action */
	VG_PRIV_NKEYS
};

#define VG_PRIV_SPEC_MAX	4096	/* an output spec, as configured */
#define VG_PRIV_NAME_MAX	255	/* a plugins.d file name */

/* On the wire (SOCK_SEQPACKET, one request a datagram): this header in
 * host order, then speclen bytes of spec, then namelen bytes of name. */
struct vg_priv_hdr {
	uint32_t	type;		/* enum vg_priv_type */
	uint32_t	key;		/* enum vg_priv_key, ACTION only */
	uint32_t	speclen;
	uint32_t	namelen;
};

/* The answer: rc 0 or -1 with err (errno); pid for PLUGIN, whose socket
 * comes with it as SCM_RIGHTS. */
struct vg_priv_rep {
	int32_t		rc;
	int32_t		err;
	int32_t		pid;
	int32_t		pad;
};

/* A request as the helper checked it: NUL-terminated copies. */
struct vg_priv_req {
	enum vg_priv_type	type;
	enum vg_priv_key	key;
	char			spec[VG_PRIV_SPEC_MAX + 1];
	char			name[VG_PRIV_NAME_MAX + 1];
};

/*
 * Checks one received datagram (len bytes of buf) and copies it into req:
 * a known type; key below VG_PRIV_NKEYS for ACTION, else 0; spec 1 to
 * VG_PRIV_SPEC_MAX bytes for PLUGIN, ACTION and CHOWN, none for RULES;
 * name 1 to VG_PRIV_NAME_MAX bytes for PLUGIN only; no NUL byte inside;
 * the lengths adding up to len exactly. Returns 0, or -1 (EINVAL).
 */
int	vg_privsep_parse(const void *buf, size_t len, struct vg_priv_req *);

/*
 * Forks the helper. It may act for the outputs of specs (the strings are
 * the configuration's, read in the helper's copy of memory: the caller
 * must not change them before the fork) and load rules (NULL: never;
 * its self-exclusion rule names the caller's pid). Call before any thread
 * exists and before caps are dropped. The helper exits when the daemon
 * closes its end (exit or vg_privsep_stop). 0, or -1 with errno.
 */
int	vg_privsep_start(char *const *specs, int nspecs, const char *rules);
/* 1 if the helper was started and has not failed, else 0. */
int	vg_privsep_active(void);
pid_t	vg_privsep_pid(void);
/*
 * Requests, from any thread (one at a time, each waits for its answer).
 * Return 0, or -1 with errno (the helper's, or EPIPE if it is gone).
 * vg_privsep_plugin: *fd our end of the plugin's stdin (O_CLOEXEC),
 * *pid the plugin, a child of this process.
 */
int	vg_privsep_plugin(const char *spec, const char *name, int *fd,
	    pid_t *pid);
int	vg_privsep_action(const char *spec, enum vg_priv_key);
/* path: a log file as configured (auditd.conf's log_file, a json: or
 * raw: PATH); the helper gives fd that output's group if fd is the file
 * the configuration names. */
int	vg_privsep_chown(const char *path, int fd);
int	vg_privsep_rules(void);
/* Closes the daemon's end: the helper exits. */
void	vg_privsep_stop(void);

#endif
