/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctx_priv.h: the process table's state (src/context/), shared by its
 * files: proctab.c (table, LRU, /proc, state file), cgroup.c (container
 * and unit from a cgroup path), ctx_event.c (the event stream), labels.c
 * (label rules and matching), syscalls.c (the syscalls that change the
 * table), ctx_names.c (uid/gid names), ctx_layout.c (the members written).
 * Not a module interface.
 */
#ifndef VIGIL_CTX_PRIV_H
#define VIGIL_CTX_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vigil/context.h"
#include "vigil/str.h"

/*
 * Start times come from event times (the audit clock at syscall entry)
 * and from /proc (boot time + ticks): a child is younger than its parent
 * only by more than this, and a child's own events may precede its
 * fork's by this much (ms).
 */
#define CTX_START_SLACK	1000

/* Bounds of what an entry keeps (bytes). */
#define CTX_EXE_MAX	1024
#define CTX_COMM_MAX	16
#define CTX_ARGV_MAX	512	/* all arguments, NUL-separated */
#define CTX_ARGC_MAX	32
#define CTX_ENV_MAX	1024	/* NAME\0value\0 pairs */
#define CTX_CID_MAX	128
#define CTX_UNIT_MAX	256

/* Container runtimes (cgroup.c). */
enum ctx_runtime { RT_NONE = 0, RT_DOCKER, RT_CONTAINERD, RT_CRIO,
	RT_PODMAN, RT_LXC, RT_KUBEPODS };

struct ctx_cgroup {
	uint8_t		 runtime;		/* enum ctx_runtime */
	char		 id[CTX_CID_MAX];	/* "" none */
	char		 pod[64];		/* kubepods pod uid, "" none */
	char		 unit[CTX_UNIT_MAX];	/* systemd unit, "" none */
	char		 slice[CTX_UNIT_MAX];	/* systemd slice, "" none */
};

#define P_PROC		0x01	/* read from /proc */
#define P_EXITED	0x02	/* exit seen: kept for its children */
#define P_EXEC		0x04	/* an execve of it was seen */
#define P_STREAM	0x08	/* made from the event stream only */
#define P_FORKED	0x10	/* runs the program its fork inherited */

/* One process. Strings are NUL-terminated heap copies or NULL (unknown). */
struct vg_proc {
	int32_t		 pid, ppid;
	uint64_t	 start;		/* ms since the epoch, 0 unknown */
	uint64_t	 pstart;	/* the parent's, 0 unknown */
	uint32_t	 spawned_by;	/* serial of its execve (or fork) */
	uint32_t	 labels;	/* bit per configured label */
	uint32_t	 flags;		/* P_* */
	char		*exe;
	char		*comm;
	char		*argv;		/* argc strings, NUL-separated */
	uint16_t	 argv_len;
	uint8_t		 argc;
	uint8_t		 argv_cut;	/* arguments were left out */
	char		*script;
	/* the program the pid ran before its last execve, if that one was
	 * its own (laurel's SPAWNED_BY of a re-exec) */
	char		*prev_exe, *prev_comm;
	uint32_t	 prev_spawned_by;
	char		*env;		/* NAME\0value\0 ... */
	uint16_t	 env_len;
	struct ctx_cgroup *cg;		/* NULL: not known */
	/* table links */
	struct vg_proc	*hnext;
	struct vg_proc	*lprev, *lnext;	/* LRU: head most recent */
	/* the context text last written for it (ctx_layout.c) */
	char		*ctext;
	size_t		 clen, ccap;
	uint64_t	 ver;		/* table generation of its last change */
	uint64_t	 cver;		/* newest ver of the chain it shows */
	uint64_t	 chash;		/* the chain's entries (hash) */
	uint64_t	 ckey;		/* ids it names (hash) */
	uint64_t	 cgen;		/* the table's gen when checked */
};

struct ctx_label {
	char		 name[64];
	uint8_t		 what;		/* L_EXE, L_ARGV, L_KEY */
	char		*pat;		/* glob (fnmatch) or key */
};

#define L_EXE	1
#define L_ARGV	2
#define L_KEY	3

/* Names of uids and gids (ctx_names.c). */
#define NAME_SLOTS	256
struct ctx_name {
	uint32_t	 id;
	uint8_t		 state;		/* 0 empty, 1 name, 2 none */
	char		 name[48];
};

/* The groups of a user (laurel's UID_GROUPS): its primary group first,
 * then the others NSS gives, names NUL-separated; looked up at the first
 * event that asks, like its name. */
#define CTX_GROUPS_MAX	16
struct ctx_ugroups {
	uint32_t	 uid;
	uint8_t		 state;		/* 0 empty, 1 found, 2 none */
	uint8_t		 n;
	uint16_t	 len;
	char		 names[256];
};

struct ctx_names {
	struct ctx_name	 users[NAME_SLOTS], groups[NAME_SLOTS];
	struct ctx_ugroups ugroups[NAME_SLOTS];
	const char	*passwd, *group;
	struct timespec	 pw_mtime, gr_mtime;
	time_t		 checked;	/* last stat of the files */
	uint64_t	 gen;		/* bumped when they change */
};

/* The syscalls that change the table (syscalls.c). */
enum ctx_sc { SC_EXECVE, SC_EXECVEAT, SC_CLONE, SC_CLONE3, SC_FORK,
	SC_VFORK, SC_EXIT, SC_EXIT_GROUP, SC_N };

/* The ids of the acting process an event names. */
#define CTX_NIDS	9
extern const char *const vg_ctx_id_names[CTX_NIDS];	/* uid auid ... */
#define CTX_ID_GROUP(i)	((i) >= 5)	/* gid egid sgid fsgid: groups */

/* What vg_ctx_event found for the event being laid out. */
struct ctx_cur {
	struct vg_proc	*proc;		/* acting process, or NULL */
	uint32_t	 ids[CTX_NIDS];
	uint16_t	 idmask;	/* bit i: ids[i] given */
};

/*
 * A successful clone3 whose child has no entry: its flags (thread or
 * process) are in memory the record does not show. A process's own first
 * event takes it (ctx_event.c); a thread has none (its records give its
 * process's pid), so its slot is only overwritten, oldest first.
 */
#define CTX_PENDING	64
struct ctx_pending {
	int32_t		 pid, ppid;	/* pid 0: free */
	uint64_t	 pstart;	/* the parent's start then */
	uint64_t	 start;		/* ms of the clone3 event */
	uint64_t	 serial;
};

struct vg_ctx {
	struct vg_ctx_opts o;
	char		 proc_root[256];
	char		*state_file;
	char		 host[256];
	size_t		 host_len;
	/* the table: hash of pids, LRU list */
	struct vg_proc	**hash;
	size_t		 hmask;
	struct vg_proc	*lru_head, *lru_tail;
	uint64_t	 gen;		/* bumped on every change */
	struct vg_ctx_stats st;
	/* configuration */
	struct ctx_label labels[VG_CTX_LABELS_MAX];
	size_t		 nlabels;
	int		 key_labels;	/* some label is key= */
	char		 env_names[VG_CTX_ENV_MAX][64];
	size_t		 nenv;
	/* syscall numbers per arch (enum vg_arch), by SC_*: syscalls.c */
	int16_t		 sc[16][SC_N];
	uint64_t	 scmask[16];	/* bit nr % 64 of each of them */
	struct ctx_names names;
	uint64_t	 boot_ms;	/* boot time, ms since the epoch */
	long		 hz;
	struct ctx_cur	 cur;
	struct ctx_sysmemo *sysmemo;	/* SYSCALL texts read (ctx_sysrec.c) */
	/* clone3 children not seen acting yet (ctx_event.c) */
	struct ctx_pending pend[CTX_PENDING];
	unsigned	 pend_next;
};

/* ---- ctx_sysrec.c ---- */
/* What the context takes from a SYSCALL record. */
struct vg_erec;
struct vg_field;
struct ctx_sysrec {
	int		 arch;		/* enum vg_arch */
	long		 nr;
	int		 success;	/* 1 yes, 0 no, -1 not given */
	int64_t		 exit;
	uint64_t	 a0;
	int32_t		 pid, ppid;	/* -1 not given */
	struct vg_str	 comm, exe, key;
	char		 combuf[CTX_COMM_MAX * 2 + 2];
	char		 exebuf[CTX_EXE_MAX + 1];
	char		 keybuf[256];
};

/* Reads the SYSCALL record r into s and its ids into c->cur (the memo
 * first). */
void		 ctx_read_sysrec(struct vg_ctx *, const struct vg_erec *r,
		    struct ctx_sysrec *s);
/* The same, tokenized whole without the memo: what the memo must give
 * (tests/fuzz/fuzz_context.c). */
void		 ctx_read_sysrec_whole(struct vg_ctx *, const struct vg_erec *r,
		    struct ctx_sysrec *s);
void		 ctx_sysmemo_free(struct vg_ctx *);
/* A decimal (signed or not) as int64: 0, or -1 if it is not one. */
int		 ctx_num(struct vg_str, int64_t *);
/* A text value: quoted as is, bare hex decoded into buf (as much as
 * fits). */
struct vg_str	 ctx_text(const struct vg_field *, char *buf, size_t cap);
/* The index in vg_ctx_id_names of an id field name, or -1. */
int		 ctx_id_index(struct vg_str);

/* ---- proctab.c ---- */
void		 ctx_table_free(struct vg_ctx *);
struct vg_proc	*ctx_find(struct vg_ctx *, int32_t pid);
/* A new entry for pid (an old one of that pid is freed), most recent. */
struct vg_proc	*ctx_insert(struct vg_ctx *, int32_t pid);
void		 ctx_touch(struct vg_ctx *, struct vg_proc *);
/* Replaces *dst with a copy of len bytes (bounded by max); -1 ENOMEM. */
int		 ctx_setstr(char **dst, const char *s, size_t len, size_t max);
/* Reads pid from /proc into a new entry; NULL if not there. */
struct vg_proc	*ctx_proc_read(struct vg_ctx *, int32_t pid);
/* Whether start (from /proc) is the start of p (a reused pid's is not). */
int		 ctx_same_start(const struct vg_proc *, uint64_t start);
/* The start time of pid from /proc (ms since the epoch), 0 if gone. */
uint64_t	 ctx_proc_start(struct vg_ctx *, int32_t pid);
/* Whether pid is a process (1: the leader of its thread group) or a
 * thread of another (0), by its Tgid in /proc; -1 if /proc cannot say
 * (off, or gone). */
/* Reads the cgroup of p from /proc (a container runtime moves a child
 * into the container's cgroup between fork and exec). */
void		 ctx_proc_cgroup(struct vg_ctx *, struct vg_proc *);
/* Reads the env allow-list of pid from /proc into p. */
void		 ctx_proc_env(struct vg_ctx *, struct vg_proc *);
/* The script of an interpreter's argv, into p->script. */
void		 ctx_set_script(struct vg_proc *);
/* Copies what a child inherits (exe, argv, env, cgroup, labels). */
int		 ctx_inherit(struct vg_proc *child, const struct vg_proc *);
/* Something p shows changed (p may be NULL): its version is new. */
void		 ctx_changed(struct vg_ctx *, struct vg_proc *);

void		 vg_ctx_set_argv(struct vg_proc *, const char *, size_t);

/* ---- cgroup.c ---- */
/*
 * The container (runtime, id, pod) and systemd unit and slice of one
 * cgroup path ("/system.slice/docker-<id>.scope", a v2 path or the path
 * of a v1 line). 1 if anything was found.
 */
int		 vg_ctx_cgroup_parse(const char *path, size_t len,
		    struct ctx_cgroup *);
/* From /proc/PID/cgroup text: the v2 (0::) line, else the first
 * name=systemd or other line that says more. */
int		 vg_ctx_cgroup_file(const char *text, size_t len,
		    struct ctx_cgroup *);
const char	*vg_ctx_runtime_name(int);

/* ---- labels.c ---- */
/* Parses c->o.labels into c->labels; -1 with msg filled on an error. */
int		 ctx_labels_init(struct vg_ctx *, char *msg, size_t msglen);
/* Adds to p->labels what its exe and argv match (does not note a
 * change: the caller does). */
void		 ctx_labels_exec(struct vg_ctx *, struct vg_proc *);
/* The label bits of the key= rules that key matches. */
uint32_t	 ctx_labels_key(const struct vg_ctx *, struct vg_str key);

/* ---- syscalls.c ---- */
/* Looks up the numbers of the SC_* syscalls on every arch. */
void		 ctx_syscalls_init(struct vg_ctx *);
/* The SC_* kind of syscall nr on arch (enum vg_arch), or -1. */
int		 ctx_syscall_kind(const struct vg_ctx *, int arch, long nr);

/* ---- ctx_names.c ---- */
void		 ctx_names_init(struct ctx_names *, const char *passwd,
		    const char *group);
/* Refreshes the caches if the files changed (stat at most once a
 * second). */
void		 ctx_names_check(struct ctx_names *, time_t now);
/* The name of a uid (group: gid), or NULL. */
const char	*ctx_name(struct ctx_names *, uint32_t id, int group);
const struct ctx_ugroups *ctx_user_groups(struct ctx_names *, uint32_t uid);

#endif
