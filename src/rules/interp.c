/*
 * interp.c: the words auditctl -l -i prints instead of numbers (auditctl
 * 3.0.9 with libauparse's interpretation): the machine name of -F arch and
 * the syscall arguments a0..a3 of a rule with one syscall and an arch.
 * Only the argument kinds listed in argtab are interpreted; every other
 * argument is printed the way auparse prints an unknown one ("0x" and
 * lowercase hex). Never allocates; writes into the caller's buffer.
 */
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vigil/tables.h"

enum vg_arch	vg_rules_elf_arch(uint32_t elf);
const char	*vg_rules_interp_machine(uint32_t elf);
int		vg_rules_interp_arg(uint32_t elf, int sc, unsigned argn,
		    uint32_t v, char *buf, size_t len);

/* What an argument holds (a subset of auparse's print_aN cases). */
enum kind {
	K_HEX = 0, K_UID, K_GID, K_CLOCK, K_PTRACE, K_FAMILY, K_SOCKETCALL,
	K_OPEN, K_MODE, K_SIGNAL, K_DIRFD,
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
	{ "chown", 1, K_UID }, { "fchown", 1, K_UID }, { "lchown", 1, K_UID },
	{ "clock_settime", 0, K_CLOCK },
	{ "ptrace", 0, K_PTRACE },
	{ "socket", 0, K_FAMILY },
	{ "socketcall", 0, K_SOCKETCALL },
	{ "open", 1, K_OPEN }, { "openat", 2, K_OPEN }, { "mq_open", 1, K_OPEN },
	{ "chmod", 1, K_MODE }, { "fchmod", 1, K_MODE }, { "creat", 1, K_MODE },
	{ "mkdir", 1, K_MODE }, { "fchmodat", 2, K_MODE },
	{ "mkdirat", 2, K_MODE }, { "mknodat", 2, K_MODE },
	{ "kill", 1, K_SIGNAL }, { "tkill", 1, K_SIGNAL },
	{ "tgkill", 2, K_SIGNAL }, { "rt_sigaction", 0, K_SIGNAL },
	{ "renameat", 0, K_DIRFD }, { "readlinkat", 0, K_DIRFD },
	{ "mkdirat", 0, K_DIRFD }, { "mknodat", 0, K_DIRFD },
	{ "fchownat", 0, K_DIRFD }, { "futimesat", 0, K_DIRFD },
	{ "fchmodat", 0, K_DIRFD }, { "faccessat", 0, K_DIRFD },
	{ "unlinkat", 0, K_DIRFD }, { "utimensat", 0, K_DIRFD },
	{ "linkat", 0, K_DIRFD }, { "newfstatat", 0, K_DIRFD },
	{ "openat", 0, K_DIRFD }, { "readlinkat", 2, K_DIRFD },
	{ "linkat", 2, K_DIRFD },
};

static const char *const clocks[] = {
	"CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
	"CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW",
	"CLOCK_REALTIME_COARSE", "CLOCK_MONOTONIC_COARSE",	/* 3.0.9 ends */
};

static const struct {
	uint32_t	 v;
	const char	*name;
} ptraces[] = {
	{ 0, "PTRACE_TRACEME" }, { 1, "PTRACE_PEEKTEXT" },
	{ 2, "PTRACE_PEEKDATA" }, { 3, "PTRACE_PEEKUSER" },
	{ 4, "PTRACE_POKETEXT" }, { 5, "PTRACE_POKEDATA" },
	{ 6, "PTRACE_POKEUSER" }, { 7, "PTRACE_CONT" }, { 8, "PTRACE_KILL" },
	{ 9, "PTRACE_SINGLESTEP" }, { 12, "PTRACE_GETREGS" },
	{ 13, "PTRACE_SETREGS" }, { 14, "PTRACE_GETFPREGS" },
	{ 15, "PTRACE_SETFPREGS" }, { 16, "PTRACE_ATTACH" },
	{ 17, "PTRACE_DETACH" }, { 18, "PTRACE_GETFPXREGS" },
	{ 19, "PTRACE_SETFPXREGS" }, { 24, "PTRACE_SYSCALL" },
	{ 0x4200, "PTRACE_SETOPTIONS" }, { 0x4201, "PTRACE_GETEVENTMSG" },
	{ 0x4202, "PTRACE_GETSIGINFO" }, { 0x4203, "PTRACE_SETSIGINFO" },
	{ 0x4204, "PTRACE_GETREGSET" }, { 0x4205, "PTRACE_SETREGSET" },
	{ 0x4206, "PTRACE_SEIZE" }, { 0x4207, "PTRACE_INTERRUPT" },
	{ 0x4208, "PTRACE_LISTEN" }, { 0x4209, "PTRACE_PEEKSIGINFO" },
	{ 0x420a, "PTRACE_GETSIGMASK" }, { 0x420b, "PTRACE_SETSIGMASK" },
	{ 0x420c, "PTRACE_SECCOMP_GET_FILTER" },
};

/* Address families 1..45 as auparse names them. */
static const char *const families[] = {
	NULL, "local", "inet", "ax25", "ipx", "appletalk", "netrom",
	"bridge", "atmpvc", "x25", "inet6", "rose", "decnet", "netbeui",
	"security", "key", "netlink", "packet", "ash", "econet", "atmsvc",
	"rds", "sna", "irda", "pppox", "wanpipe", "llc", "ib", "mpls", "can",
	"tipc", "bluetooth", "iucv", "rxrpc", "isdn", "phonet", "ieee802154",
	"caif", "alg", "nfc", "vsock", "kcm", "qipcrtr", "smc", "xdp",
	"mctp",
};

static const char *const socketcalls[] = {
	NULL, "socket", "bind", "connect", "listen", "accept", "getsockname",
	"getpeername", "socketpair", "send", "recv", "sendto", "recvfrom",
	"shutdown", "setsockopt", "getsockopt", "sendmsg", "recvmsg",
	"accept4", "recvmmsg", "sendmmsg",
};

/* open(2) flags in auparse's order (x86 values). */
static const struct {
	uint32_t	 v;
	const char	*name;
} oflags[] = {
	{ 01, "O_WRONLY" }, { 02, "O_RDWR" }, { 0100, "O_CREAT" },
	{ 0200, "O_EXCL" }, { 0400, "O_NOCTTY" }, { 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" }, { 04000, "O_NONBLOCK" }, { 010000, "O_DSYNC" },
	{ 020000, "O_ASYNC" }, { 040000, "O_DIRECT" },
	{ 0100000, "O_LARGEFILE" }, { 0200000, "O_DIRECTORY" },
	{ 0400000, "O_NOFOLLOW" }, { 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" }, { 04000000, "__O_SYNC" },
	{ 010000000, "O_PATH" }, { 020000000, "__O_TMPFILE" },
};

static const char *const signals[] = {
	"SIG0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
	"SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
	"SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
	"SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
	"SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
	"SIGSYS",
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

const char *
vg_rules_interp_machine(uint32_t elf)
{
	switch (vg_rules_elf_arch(elf)) {
	case VG_ARCH_X86_64:	return "x86_64";
	case VG_ARCH_I386:	return "i386";
	case VG_ARCH_AARCH64:	return "aarch64";
	case VG_ARCH_ARM:	return "armeb";
	case VG_ARCH_PPC64:	return "ppc64";
	case VG_ARCH_PPC64LE:	return "ppc64le";
	case VG_ARCH_S390X:	return "s390x";
	case VG_ARCH_RISCV64:	return "riscv64";
	default:		return NULL;
	}
}

static int
put(char *buf, size_t len, const char *s)
{
	int n = snprintf(buf, len, "%s", s);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
unknown(char *buf, size_t len, const char *what, uint32_t v)
{
	int n = snprintf(buf, len, "unknown-%s(0x%x)", what, v);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* auparse's aulookup_uid/gid: -1 is unset, 0 root, then the databases. */
static int
id_name(char *buf, size_t len, uint32_t v, int group)
{
	const char *name = NULL;
	int n;

	if (v == UINT32_MAX)
		return put(buf, len, "unset");
	if (v == 0)
		return put(buf, len, "root");
	if (group) {
		struct group *g = getgrgid((gid_t)v);

		name = g ? g->gr_name : NULL;
	} else {
		struct passwd *p = getpwuid((uid_t)v);

		name = p ? p->pw_name : NULL;
	}
	if (name)
		return put(buf, len, name);
	n = snprintf(buf, len, "unknown(%d)", (int32_t)v);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
open_flags(char *buf, size_t len, uint32_t v)
{
	size_t i, off = 0;
	int n;

	buf[0] = '\0';
	if ((v & 03) == 0) {
		if (put(buf, len, "O_RDONLY") < 0)
			return -1;
		off = strlen(buf);
	}
	for (i = 0; i < NELEM(oflags); i++) {
		if (!(v & oflags[i].v))
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? "|" : "",
		    oflags[i].name);
		if (n < 0 || (size_t)n >= len - off)
			return -1;
		off += (size_t)n;
	}
	if (off == 0) {
		n = snprintf(buf, len, "0x%x", v);
		return n < 0 || (size_t)n >= len ? -1 : 0;
	}
	return 0;
}

/* auparse's print_mode_short: special bits by name, then 0ooo. */
static int
mode_short(char *buf, size_t len, uint32_t v)
{
	int n;

	n = snprintf(buf, len, "%s%s%s%s%s%s0%03o",
	    (v & 04000) ? "suid" : "",
	    (v & 04000) && (v & 02000) ? "," : "",
	    (v & 02000) ? "sgid" : "",
	    (v & 01000) && (v & 06000) ? "," : "",
	    (v & 01000) ? "sticky" : "",
	    (v & 07000) ? "," : "", v & 0777);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * Writes what auditctl -l -i prints for argument argn (0..3) of a rule
 * whose only syscall is sc on arch elf. Returns 0, or -1 if buf is small.
 */
int
vg_rules_interp_arg(uint32_t elf, int sc, unsigned argn, uint32_t v,
    char *buf, size_t len)
{
	enum vg_arch a = vg_rules_elf_arch(elf);
	const char *name = a != VG_ARCH_UNKNOWN ? vg_syscall_name(a, sc) :
	    NULL;
	enum kind k = K_HEX;
	size_t i;
	int n;

	if (len == 0)
		return -1;
	for (i = 0; name && i < NELEM(argtab); i++)
		if (argtab[i].arg == argn && strcmp(argtab[i].sc, name) == 0) {
			k = argtab[i].kind;
			break;
		}
	switch (k) {
	case K_UID:
	case K_GID:
		return id_name(buf, len, v, k == K_GID);
	case K_CLOCK:
		if (v < NELEM(clocks))
			return put(buf, len, clocks[v]);
		return unknown(buf, len, "clk_id", v);
	case K_PTRACE:
		for (i = 0; i < NELEM(ptraces); i++)
			if (ptraces[i].v == v)
				return put(buf, len, ptraces[i].name);
		return unknown(buf, len, "ptrace", v);
	case K_FAMILY:
		if (v < NELEM(families) && families[v])
			return put(buf, len, families[v]);
		return unknown(buf, len, "family", v);
	case K_SOCKETCALL:
		if (v < NELEM(socketcalls) && socketcalls[v])
			return put(buf, len, socketcalls[v]);
		n = snprintf(buf, len, "unknown-socketcall(%x)", v);
		return n < 0 || (size_t)n >= len ? -1 : 0;
	case K_OPEN:
		return open_flags(buf, len, v);
	case K_MODE:
		return mode_short(buf, len, v);
	case K_SIGNAL:
		if (v < NELEM(signals))
			return put(buf, len, signals[v]);
		return unknown(buf, len, "signal", v);
	case K_DIRFD:
		if ((int32_t)v == -100)
			return put(buf, len, "AT_FDCWD");
		break;
	case K_HEX:
		break;
	}
	n = snprintf(buf, len, "0x%x", v);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
