/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * interp.c: the words auditctl -l -i prints instead of numbers (auditctl
 * 3.0.9 with libauparse's interpretation): the machine name of -F arch and
 * the syscall arguments a0..a3 of a rule with one syscall and an arch.
 * Only the arguments listed in argtab are interpreted; every other one is
 * printed the way auparse prints an unknown one ("0x" and lowercase hex).
 * Never allocates; writes into the caller's buffer. The tables are in
 * interp_names.c and interp_net.c.
 */
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vigil/tables.h"
#include "rules/interp_priv.h"

/* What an argument holds (the kinds auditctl 3.0.9 names in a rule). */
enum kind {
	K_HEX = 0, K_UID, K_GID, K_CLOCK, K_PTRACE, K_FAMILY, K_SOCKETCALL,
	K_OPEN, K_MODE, K_SIGNAL, K_DIRFD, K_ACCESS, K_BPF, K_CLONE, K_EPOLL,
	K_EXIT, K_FCNTL, K_FCNTL_ARG, K_IOCTL, K_MKNOD, K_MMAP, K_MOUNT, K_MSG,
	K_OPEN_MODE, K_PERSONALITY, K_PRCTL, K_PRCTL_ARG, K_PROT, K_PROT_SEM,
	K_PROTO, K_RLIMIT, K_SCHED, K_SEEK, K_SHM, K_SOCKLEVEL, K_SOCKOPT,
	K_SOCKTYPE, K_UMOUNT,
};

static const struct {
	const char	*sc;
	unsigned	 arg;
	enum kind	 kind;
} argtab[] = {
	{ "setuid", 0, K_UID }, { "setreuid", 0, K_UID },
	{ "setresuid", 0, K_UID }, { "setfsuid", 0, K_UID },
	{ "setreuid", 1, K_UID }, { "setresuid", 1, K_UID },
	{ "setresuid", 2, K_UID },
	{ "setgid", 0, K_GID }, { "setregid", 0, K_GID },
	{ "setresgid", 0, K_GID }, { "setfsgid", 0, K_GID },
	{ "setregid", 1, K_GID }, { "setresgid", 1, K_GID },
	{ "setresgid", 2, K_GID },
	{ "chown", 1, K_UID }, { "chown32", 1, K_UID },	/* not fchown, lchown */
	{ "clock_settime", 0, K_CLOCK },
	{ "ptrace", 0, K_PTRACE },
	{ "socket", 0, K_FAMILY }, { "socket", 1, K_SOCKTYPE },
	{ "socket", 2, K_PROTO },
	{ "socketcall", 0, K_SOCKETCALL },
	{ "open", 1, K_OPEN }, { "openat", 2, K_OPEN }, { "mq_open", 1, K_OPEN },
	{ "open_by_handle_at", 2, K_OPEN },
	{ "open", 2, K_OPEN_MODE }, { "mq_open", 2, K_OPEN_MODE },
	{ "chmod", 1, K_MODE }, { "fchmod", 1, K_MODE }, { "creat", 1, K_MODE },
	{ "mkdir", 1, K_MODE }, { "fchmodat", 2, K_MODE },
	{ "mkdirat", 2, K_MODE }, { "mknodat", 2, K_MODE },
	{ "mknod", 1, K_MKNOD },
	{ "kill", 1, K_SIGNAL }, { "tkill", 1, K_SIGNAL },
	{ "tgkill", 2, K_SIGNAL }, { "rt_sigaction", 0, K_SIGNAL },
	{ "renameat", 0, K_DIRFD }, { "readlinkat", 0, K_DIRFD },
	{ "mkdirat", 0, K_DIRFD }, { "mknodat", 0, K_DIRFD },
	{ "fchownat", 0, K_DIRFD }, { "futimesat", 0, K_DIRFD },
	{ "fchmodat", 0, K_DIRFD }, { "faccessat", 0, K_DIRFD },
	{ "faccessat2", 0, K_DIRFD },
	{ "unlinkat", 0, K_DIRFD }, { "utimensat", 0, K_DIRFD },
	{ "linkat", 0, K_DIRFD }, { "newfstatat", 0, K_DIRFD },
	{ "openat", 0, K_DIRFD }, { "openat2", 0, K_DIRFD },
	{ "name_to_handle_at", 0, K_DIRFD }, { "readlinkat", 2, K_DIRFD },
	{ "linkat", 2, K_DIRFD }, { "renameat", 2, K_DIRFD },
	{ "renameat2", 0, K_DIRFD }, { "renameat2", 2, K_DIRFD },
	{ "access", 1, K_ACCESS }, { "faccessat", 2, K_ACCESS },
	{ "faccessat2", 2, K_ACCESS },
	{ "bpf", 0, K_BPF },
	/* auparse reads clone's flags in a2 on every arch */
	{ "clone", 2, K_CLONE }, { "unshare", 0, K_CLONE },
	{ "setns", 1, K_CLONE },
	{ "epoll_ctl", 1, K_EPOLL },
	{ "exit", 0, K_EXIT }, { "exit_group", 0, K_EXIT },
	{ "fcntl", 1, K_FCNTL }, { "fcntl64", 1, K_FCNTL },
	{ "fcntl", 2, K_FCNTL_ARG }, { "fcntl64", 2, K_FCNTL_ARG },
	{ "ioctl", 1, K_IOCTL },
	{ "mmap", 2, K_PROT_SEM }, { "mprotect", 2, K_PROT },
	{ "mmap", 3, K_MMAP },
	{ "mount", 3, K_MOUNT }, { "umount2", 1, K_UMOUNT },
	{ "sendto", 3, K_MSG }, { "recvfrom", 3, K_MSG },
	{ "sendmsg", 2, K_MSG }, { "recvmsg", 2, K_MSG },
	{ "sendmmsg", 3, K_MSG }, { "recvmmsg", 3, K_MSG },
	{ "personality", 0, K_PERSONALITY },
	{ "prctl", 0, K_PRCTL }, { "prctl", 1, K_PRCTL_ARG },
	{ "getrlimit", 0, K_RLIMIT }, { "setrlimit", 0, K_RLIMIT },
	{ "sched_setscheduler", 1, K_SCHED },
	{ "lseek", 2, K_SEEK },
	{ "shmget", 2, K_SHM },
	{ "getsockopt", 1, K_SOCKLEVEL }, { "setsockopt", 1, K_SOCKLEVEL },
	{ "getsockopt", 2, K_SOCKOPT }, { "setsockopt", 2, K_SOCKOPT },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * auditctl -l -i's name for an arch: libaudit 3.0.9's machine name
 * ("armeb" for arm), and vigil's for riscv64, which 3.0.9 lacks (auditctl
 * refuses the rule; vigil takes it). NULL for an unknown arch.
 */
const char *
vg_rules_interp_machine(uint32_t elf)
{
	enum vg_arch a = vg_arch_from_audit(elf);
	const char *name = vg_arch_auditd_name(a);

	return name != NULL ? name : vg_arch_name(a);
}

static int __attribute__((format(printf, 3, 4)))
out(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
hex(char *buf, size_t len, uint32_t v)
{
	return out(buf, len, "0x%x", v);
}

/* A name from t, or the unknown form ("unknown-what(0x..)"). */
static int
named(char *buf, size_t len, const struct vg_itab *t, uint32_t v,
    const char *what)
{
	const char *name = vg_itab_name(t, v);

	if (name)
		return out(buf, len, "%s", name);
	return out(buf, len, "unknown-%s(0x%x)", what, v);
}

/*
 * Appends the names of t's bits set in v to buf (at *off), joined with
 * '|' (also to what buf already holds). Returns -1 if buf is full.
 */
static int
bits(char *buf, size_t len, size_t *off, const struct vg_itab *t,
    uint32_t v)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (!(v & t->v[i].v))
			continue;
		if (out(buf + *off, len - *off, "%s%s", *off ? "|" : "",
		    t->v[i].name) < 0)
			return -1;
		*off += strlen(buf + *off);
	}
	return 0;
}

/* first (if not NULL), then the flag names; the raw value if neither. */
static int
flags_after(char *buf, size_t len, const char *first,
    const struct vg_itab *t, uint32_t v)
{
	size_t off = 0;

	buf[0] = '\0';
	if (first) {
		if (out(buf, len, "%s", first) < 0)
			return -1;
		off = strlen(buf);
	}
	if (bits(buf, len, &off, t, v) < 0)
		return -1;
	return off ? 0 : hex(buf, len, v);
}

static int
flags(char *buf, size_t len, const struct vg_itab *t, uint32_t v)
{
	return flags_after(buf, len, NULL, t, v);
}

/* auparse's aulookup_uid/gid: -1 is unset, 0 root, then the databases. */
static int
id_name(char *buf, size_t len, uint32_t v, int group)
{
	const char *name = NULL;

	if (v == UINT32_MAX)
		return out(buf, len, "unset");
	if (v == 0)
		return out(buf, len, "root");
	if (group) {
		struct group *g = getgrgid((gid_t)v);

		name = g ? g->gr_name : NULL;
	} else {
		struct passwd *p = getpwuid((uid_t)v);

		name = p ? p->pw_name : NULL;
	}
	if (name)
		return out(buf, len, "%s", name);
	return out(buf, len, "unknown(%d)", (int32_t)v);
}


/* The special mode bits as "suid,sgid,sticky," (each with its comma). */
static const char *
mode_special(uint32_t v, char *s, size_t len)
{
	snprintf(s, len, "%s%s%s", (v & 04000) ? "suid," : "",
	    (v & 02000) ? "sgid," : "", (v & 01000) ? "sticky," : "");
	return s;
}

/* auparse's print_mode_short: special bits by name, then 0ooo. */
static int
mode_short(char *buf, size_t len, uint32_t v)
{
	char sp[32];

	return out(buf, len, "%s0%03o", mode_special(v, sp, sizeof(sp)),
	    v & 0777);
}

/* mknod's mode: the file type by name (else its octal digits), then as
 * above without the leading 0: "file,644", "000,suid,755". */
static int
mode_full(char *buf, size_t len, uint32_t v)
{
	static const struct {
		uint32_t	 type;
		const char	*name;
	} types[] = {
		{ 0100000, "file" }, { 0020000, "character" },
		{ 0060000, "block" }, { 0010000, "fifo" },
		{ 0140000, "socket" }, { 0120000, "link" },
		{ 0040000, "dir" },
	};
	char t[8], sp[32];
	const char *name = NULL;
	size_t i;

	for (i = 0; i < NELEM(types); i++)
		if ((v & 0170000) == types[i].type)
			name = types[i].name;
	if (name == NULL) {
		snprintf(t, sizeof(t), "%03o", (v & 0170000) >> 12);
		name = t;
	}
	return out(buf, len, "%s,%s%03o", name, mode_special(v, sp,
	    sizeof(sp)), v & 0777);
}

static int
signal_name(char *buf, size_t len, uint32_t v)
{
	return named(buf, len, &vg_itab_signal, v, "signal");
}

/* Clone flags, then the exit signal of the low byte (1..31 only). */
static int
clone_flags(char *buf, size_t len, uint32_t v)
{
	const char *sig = vg_itab_name(&vg_itab_signal, v & 0xff);
	size_t off = 0;

	buf[0] = '\0';
	if (bits(buf, len, &off, &vg_itab_clone, v) < 0)
		return -1;
	if ((v & 0xff) != 0 && sig) {
		if (out(buf + off, len - off, "%s%s", off ? "|" : "", sig) < 0)
			return -1;
		off += strlen(buf + off);
	}
	return off ? 0 : hex(buf, len, v);
}

/* access modes: F_OK when the low 4 bits are clear. */
static int
access_mode(char *buf, size_t len, uint32_t v)
{
	static const struct vg_iname ok[] = {
		{ 1, "X_OK" }, { 2, "W_OK" }, { 4, "R_OK" },
	};
	static VG_ITAB(okt, ok);

	if ((v & 0xf) == 0)
		return out(buf, len, "F_OK");
	return flags(buf, len, &okt, v);
}

/* mmap/mprotect protection: PROT_NONE when no rwx bit is set. */
static int
prot(char *buf, size_t len, uint32_t v, int sem)
{
	static const struct vg_iname p[] = {
		{ 1, "PROT_READ" }, { 2, "PROT_WRITE" }, { 4, "PROT_EXEC" },
		{ 8, "PROT_SEM" },
	};
	const struct vg_itab t = { p, sem ? 4 : 3 };

	if ((v & 7) == 0)
		return out(buf, len, "PROT_NONE");
	return flags(buf, len, &t, v);
}

/* shmget: IPC_CREAT|...| then the mode as 0ooo. */
static int
shm_flags(char *buf, size_t len, uint32_t v)
{
	static const struct vg_iname f[] = {
		{ 01000, "IPC_CREAT" }, { 02000, "IPC_EXCL" },
		{ 04000, "SHM_HUGETLB" }, { 010000, "SHM_NORESERVE" },
	};
	static VG_ITAB(ft, f);
	size_t off = 0;

	buf[0] = '\0';
	if (bits(buf, len, &off, &ft, v) < 0)
		return -1;
	return out(buf + off, len - off, "%s0%03o", off ? "|" : "", v & 0777);
}

/* personality: the PER_MASK byte by name, with ADDR_NO_RANDOMIZE as
 * auparse writes it ("|~ADDR_NO_RANDOMIZE"). */
static int
personality(char *buf, size_t len, uint32_t v)
{
	const char *name = vg_itab_name(&vg_itab_personality, v & 0xff);

	if (name == NULL)
		return out(buf, len, "unknown-personality(0x%x)", v);
	return out(buf, len, "%s%s", name, (v & 0x0040000) ?
	    "|~ADDR_NO_RANDOMIZE" : "");
}

static int
sched_policy(char *buf, size_t len, uint32_t v)
{
	const char *name = vg_itab_name(&vg_itab_sched, v & 0xf);

	if (name == NULL)
		return out(buf, len, "unknown-scheduler-policy(0x%x)", v);
	return out(buf, len, "%s%s", name, (v & 0x40000000) ?
	    "|SCHED_RESET_ON_FORK" : "");
}

/* A protocol name from the protocols database (/etc/protocols). */
static const char *
proto_name(uint32_t v, struct protoent *pe, char *pbuf, size_t plen)
{
	struct protoent *res = NULL;

	if (v > INT32_MAX || getprotobynumber_r((int)v, pe, pbuf, plen,
	    &res) != 0)
		return NULL;
	return res ? res->p_name : NULL;
}

/* setsockopt level: SOL_SOCKET, a protocol's name, or SOL_*. */
static int
sock_level(char *buf, size_t len, uint32_t v)
{
	struct protoent pe;
	char pbuf[1024];
	const char *name = v == 1 ? NULL : proto_name(v, &pe, pbuf,
	    sizeof(pbuf));

	if (name == NULL)
		name = vg_itab_name(&vg_itab_sollevel, v);
	if (name == NULL)
		return out(buf, len, "unknown-sockopt-level(0x%x)", v);
	return out(buf, len, "%s", name);
}

/* setsockopt option name, read by the level in an a1 before it (IP if
 * none); other levels print raw. */
static int
sock_option(char *buf, size_t len, uint32_t v, const struct vg_iargs *p)
{
	static const struct {
		uint32_t		 level;
		const struct vg_itab	*t;
		const char		*what;
	} levels[] = {
		{ 0, &vg_itab_ip, "ipopt-name" },
		{ 1, &vg_itab_so, "sockopt-name" },
		{ 6, &vg_itab_tcp, "tcpopt-name" },
		{ 17, &vg_itab_udp, "udpopt-name" },
		{ 41, &vg_itab_ip6, "ip6opt-name" },
		{ 263, &vg_itab_packet, "pktopt-name" },
	};
	uint32_t level = (p->seen & 2) ? p->v[1] : 0;
	size_t i;

	for (i = 0; i < NELEM(levels); i++)
		if (levels[i].level == level)
			return named(buf, len, levels[i].t, v,
			    levels[i].what);
	return hex(buf, len, v);
}

/* prctl's second argument, read by the option in an a0 before it. */
static int
prctl_arg(char *buf, size_t len, uint32_t v, const struct vg_iargs *p)
{
	if (!(p->seen & 1))
		return hex(buf, len, v);
	switch (p->v[0]) {
	case 1:				/* PR_SET_PDEATHSIG */
		return signal_name(buf, len, v);
	case 23:			/* PR_CAPBSET_READ */
	case 24:			/* PR_CAPBSET_DROP */
		return named(buf, len, &vg_itab_cap, v, "capability");
	}
	return hex(buf, len, v);
}

/* fcntl's third argument, read by the command in an a1 before it. */
static int
fcntl_arg(char *buf, size_t len, uint32_t v, const struct vg_iargs *p)
{
	if ((p->seen & 2) && p->v[1] == 2 && v == 1)	/* F_SETFD */
		return out(buf, len, "FD_CLOEXEC");
	if ((p->seen & 2) && p->v[1] == 8)		/* F_SETOWN */
		return id_name(buf, len, v, 0);
	return hex(buf, len, v);
}

static enum kind
kind_of(uint32_t elf, int sc, unsigned argn)
{
	enum vg_arch a = vg_arch_from_audit(elf);
	const char *name = a != VG_ARCH_UNKNOWN ? vg_syscall_name(a, sc) :
	    NULL;
	size_t i;

	for (i = 0; name && i < NELEM(argtab); i++)
		if (argtab[i].arg == argn && strcmp(argtab[i].sc, name) == 0)
			return argtab[i].kind;
	return K_HEX;
}

/*
 * Writes what auditctl -l -i prints for argument argn (0..3) of a rule
 * whose only syscall is sc on arch elf; prev holds the arguments listed
 * before it in the rule. Returns 0, or -1 if buf is too small.
 */
int
vg_rules_interp_arg(uint32_t elf, int sc, unsigned argn, uint32_t v,
    const struct vg_iargs *prev, char *buf, size_t len)
{
	static const char *const whence[] = { "SEEK_SET", "SEEK_CUR",
	    "SEEK_END", "SEEK_DATA", "SEEK_HOLE" };
	enum kind k = kind_of(elf, sc, argn);
	const char *name;
	struct protoent pe;
	char pbuf[1024];

	if (len == 0)
		return -1;
	switch (k) {
	case K_UID:
	case K_GID:
		return id_name(buf, len, v, k == K_GID);
	case K_CLOCK:
		return named(buf, len, &vg_itab_clock, v, "clk_id");
	case K_PTRACE:
		return named(buf, len, &vg_itab_ptrace, v, "ptrace");
	case K_FAMILY:
		return named(buf, len, &vg_itab_family, v, "family");
	case K_SOCKETCALL:
		if ((name = vg_itab_name(&vg_itab_socketcall, v)) != NULL)
			return out(buf, len, "%s", name);
		return out(buf, len, "unknown-socketcall(%x)", v);
	case K_OPEN:		/* O_RDONLY when no access bit is set */
		return flags_after(buf, len, (v & 03) ? NULL : "O_RDONLY",
		    &vg_itab_open, v);
	case K_OPEN_MODE:	/* the mode counts only with O_CREAT in a1 */
		if ((prev->seen & 2) && (prev->v[1] & 0100))
			return mode_short(buf, len, v);
		break;
	case K_MODE:
		return mode_short(buf, len, v);
	case K_MKNOD:
		return mode_full(buf, len, v);
	case K_SIGNAL:
		return signal_name(buf, len, v);
	case K_DIRFD:
		if ((int32_t)v == -100)
			return out(buf, len, "AT_FDCWD");
		break;
	case K_ACCESS:
		return access_mode(buf, len, v);
	case K_BPF:
		if ((name = vg_itab_name(&vg_itab_bpf, v)) != NULL)
			return out(buf, len, "%s", name);
		return out(buf, len, "unknown-bpf-cmd(%x)", v);
	case K_CLONE:
		return clone_flags(buf, len, v);
	case K_EPOLL:
		if (v >= 1 && v <= 3)
			return out(buf, len, "EPOLL_CTL_%s", v == 1 ? "ADD" :
			    v == 2 ? "DEL" : "MOD");
		return out(buf, len, "unknown-epoll_ctl-operation(%d)",
		    (int32_t)v);
	case K_EXIT:
		return out(buf, len, "%s", v == 0 ? "EXIT_SUCCESS" : v == 1 ?
		    "EXIT_FAILURE" : "UNKNOWN");
	case K_FCNTL:
		if ((name = vg_itab_name(&vg_itab_fcntl, v)) != NULL)
			return out(buf, len, "%s", name);
		return out(buf, len, "unknown-fcntl-command(%d)", (int32_t)v);
	case K_FCNTL_ARG:
		return fcntl_arg(buf, len, v, prev);
	case K_IOCTL:
		if ((name = vg_itab_name(&vg_itab_ioctl, v)) != NULL)
			return out(buf, len, "%s", name);
		break;
	case K_MMAP:		/* MAP_FILE when no MAP_TYPE bit is set */
		return flags_after(buf, len, (v & 0xf) ? NULL : "MAP_FILE",
		    &vg_itab_mmap, v);
	case K_MOUNT:
		return flags(buf, len, &vg_itab_mount, v);
	case K_UMOUNT:
		return flags(buf, len, &vg_itab_umount, v);
	case K_MSG:
		return flags(buf, len, &vg_itab_msg, v);
	case K_PERSONALITY:
		return personality(buf, len, v);
	case K_PRCTL:
		return named(buf, len, &vg_itab_prctl, v, "prctl-option");
	case K_PRCTL_ARG:
		return prctl_arg(buf, len, v, prev);
	case K_PROT:
	case K_PROT_SEM:
		return prot(buf, len, v, k == K_PROT_SEM);
	case K_PROTO:
		if ((name = proto_name(v, &pe, pbuf, sizeof(pbuf))) != NULL)
			return out(buf, len, "%s", name);
		return out(buf, len, "unknown-proto(%x)", v);
	case K_RLIMIT:
		return named(buf, len, &vg_itab_rlimit, v, "rlimit");
	case K_SCHED:
		return sched_policy(buf, len, v);
	case K_SEEK:		/* by the low byte */
		if ((v & 0xff) < NELEM(whence))
			return out(buf, len, "%s", whence[v & 0xff]);
		return out(buf, len, "unknown-whence(%x)", v);
	case K_SHM:
		return shm_flags(buf, len, v);
	case K_SOCKLEVEL:
		return sock_level(buf, len, v);
	case K_SOCKOPT:
		return sock_option(buf, len, v, prev);
	case K_SOCKTYPE:
		if ((name = vg_itab_name(&vg_itab_socktype, v & 0xff)) !=
		    NULL)
			return out(buf, len, "%s", name);
		return out(buf, len, "unknown-type(%x)", v);
	case K_HEX:
		break;
	}
	return hex(buf, len, v);
}
