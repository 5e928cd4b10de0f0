/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * interp_priv.h: the name tables behind auditctl -l -i (interp_names.c)
 * and how interp.c reads them. Names are the kernel's (uapi headers);
 * which values auditctl 3.0.9 names, and its few odd spellings, were
 * measured against auditctl -l -i (tests/integration/
 * test_vigilctl_interp.py).
 */
#ifndef VIGIL_RULES_INTERP_PRIV_H
#define VIGIL_RULES_INTERP_PRIV_H

#include <stddef.h>
#include <stdint.h>

struct vg_iname {
	uint32_t	 v;
	const char	*name;
};

/* A value table, or a flag table (one bit an entry, in print order). */
struct vg_itab {
	const struct vg_iname	*v;
	size_t			 n;
};

extern const struct vg_itab vg_itab_bpf;	/* bpf cmd */
extern const struct vg_itab vg_itab_clock;	/* clock ids */
extern const struct vg_itab vg_itab_family;	/* address families */
extern const struct vg_itab vg_itab_open;	/* O_* flags */
extern const struct vg_itab vg_itab_ptrace;	/* PTRACE_* requests */
extern const struct vg_itab vg_itab_signal;	/* signals 0..31 */
extern const struct vg_itab vg_itab_socketcall;	/* socketcall calls */
extern const struct vg_itab vg_itab_cap;	/* capabilities (0..40) */
extern const struct vg_itab vg_itab_clone;	/* CLONE_* flags */
extern const struct vg_itab vg_itab_fcntl;	/* F_* commands */
extern const struct vg_itab vg_itab_ioctl;	/* ioctl requests */
extern const struct vg_itab vg_itab_mmap;	/* MAP_* flags */
extern const struct vg_itab vg_itab_mount;	/* MS_* flags */
extern const struct vg_itab vg_itab_msg;	/* MSG_* flags */
extern const struct vg_itab vg_itab_personality; /* PER_* */
extern const struct vg_itab vg_itab_prctl;	/* PR_* options */
extern const struct vg_itab vg_itab_rlimit;	/* RLIMIT_* */
extern const struct vg_itab vg_itab_sched;	/* SCHED_* policies */
extern const struct vg_itab vg_itab_socktype;	/* SOCK_* */
extern const struct vg_itab vg_itab_sollevel;	/* SOL_* above 255 */
extern const struct vg_itab vg_itab_so;		/* SOL_SOCKET options */
extern const struct vg_itab vg_itab_ip;		/* SOL_IP options */
extern const struct vg_itab vg_itab_ip6;	/* SOL_IPV6 options */
extern const struct vg_itab vg_itab_tcp;	/* SOL_TCP options */
extern const struct vg_itab vg_itab_udp;	/* SOL_UDP options */
extern const struct vg_itab vg_itab_packet;	/* SOL_PACKET options */
extern const struct vg_itab vg_itab_umount;	/* umount2 flags */

/* Defines table name over a static vg_iname array. */
#define VG_ITAB(name, arr) \
	const struct vg_itab name = { arr, sizeof(arr) / sizeof(arr[0]) }

/* The name of v in t, NULL if none. */
const char	*vg_itab_name(const struct vg_itab *t, uint32_t v);

/*
 * The arguments a0..a3 listed before the one being printed, in one rule
 * (the last value of each): some are read by the kind of another
 * (setsockopt's option name by the level in a1, ...).
 */
struct vg_iargs {
	uint32_t	 v[4];
	unsigned	 seen;		/* bit n: an an field came before */
};

/* interp.c, for print.c */
const char	*vg_rules_interp_machine(uint32_t elf);
int		 vg_rules_interp_arg(uint32_t elf, int sc, unsigned argn,
		    uint32_t v, const struct vg_iargs *prev, char *buf,
		    size_t len);

#endif
