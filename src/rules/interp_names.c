/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * interp_names.c: the name tables auditctl -l -i uses for syscall
 * arguments other than sockets' (see interp_priv.h). Names from the kernel's uapi headers;
 * the values named are the ones auditctl 3.0.9 names. Data only.
 */
#include "rules/interp_priv.h"

const char *
vg_itab_name(const struct vg_itab *t, uint32_t v)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].v == v)
			return t->v[i].name;
	return NULL;
}

/* bpf(2) commands (enum bpf_cmd, 3.0.9 names the first 24) */
static const struct vg_iname bpf_names[] = {
	{ 0x0, "BPF_MAP_CREATE" },
	{ 0x1, "BPF_MAP_LOOKUP_ELEM" },
	{ 0x2, "BPF_MAP_UPDATE_ELEM" },
	{ 0x3, "BPF_MAP_DELETE_ELEM" },
	{ 0x4, "BPF_MAP_GET_NEXT_KEY" },
	{ 0x5, "BPF_PROG_LOAD" },
	{ 0x6, "BPF_OBJ_PIN" },
	{ 0x7, "BPF_OBJ_GET" },
	{ 0x8, "BPF_PROG_ATTACH" },
	{ 0x9, "BPF_PROG_DETACH" },
	{ 0xa, "BPF_PROG_TEST_RUN" },
	{ 0xb, "BPF_PROG_GET_NEXT_ID" },
	{ 0xc, "BPF_MAP_GET_NEXT_ID" },
	{ 0xd, "BPF_PROG_GET_FD_BY_ID" },
	{ 0xe, "BPF_MAP_GET_FD_BY_ID" },
	{ 0xf, "BPF_OBJ_GET_INFO_BY_FD" },
	{ 0x10, "BPF_PROG_QUERY" },
	{ 0x11, "BPF_RAW_TRACEPOINT_OPEN" },
	{ 0x12, "BPF_BTF_LOAD" },
	{ 0x13, "BPF_BTF_GET_FD_BY_ID" },
	{ 0x14, "BPF_TASK_FD_QUERY" },
	{ 0x15, "BPF_MAP_LOOKUP_AND_DELETE_ELEM" },
	{ 0x16, "BPF_MAP_FREEZE" },
	{ 0x17, "BPF_BTF_GET_NEXT_ID" },
};
VG_ITAB(vg_itab_bpf, bpf_names);

/* capabilities, CAP_* lowercased without the prefix (prctl
 * PR_CAPBSET_READ/DROP) */
static const struct vg_iname cap_names[] = {
	{ 0x0, "chown" },
	{ 0x1, "dac_override" },
	{ 0x2, "dac_read_search" },
	{ 0x3, "fowner" },
	{ 0x4, "fsetid" },
	{ 0x5, "kill" },
	{ 0x6, "setgid" },
	{ 0x7, "setuid" },
	{ 0x8, "setpcap" },
	{ 0x9, "linux_immutable" },
	{ 0xa, "net_bind_service" },
	{ 0xb, "net_broadcast" },
	{ 0xc, "net_admin" },
	{ 0xd, "net_raw" },
	{ 0xe, "ipc_lock" },
	{ 0xf, "ipc_owner" },
	{ 0x10, "sys_module" },
	{ 0x11, "sys_rawio" },
	{ 0x12, "sys_chroot" },
	{ 0x13, "sys_ptrace" },
	{ 0x14, "sys_pacct" },
	{ 0x15, "sys_admin" },
	{ 0x16, "sys_boot" },
	{ 0x17, "sys_nice" },
	{ 0x18, "sys_resource" },
	{ 0x19, "sys_time" },
	{ 0x1a, "sys_tty_config" },
	{ 0x1b, "mknod" },
	{ 0x1c, "lease" },
	{ 0x1d, "audit_write" },
	{ 0x1e, "audit_control" },
	{ 0x1f, "setfcap" },
	{ 0x20, "mac_override" },
	{ 0x21, "mac_admin" },
	{ 0x22, "syslog" },
	{ 0x23, "wake_alarm" },
	{ 0x24, "block_suspend" },
	{ 0x25, "audit_read" },
	{ 0x26, "perfmon" },
	{ 0x27, "bpf" },
	{ 0x28, "checkpoint_restore" },
};
VG_ITAB(vg_itab_cap, cap_names);

/* clone flags above the exit signal byte (0x1000, CLONE_PIDFD, not
 * named; 0x2000000 under its old name CLONE_STOPPED) */
static const struct vg_iname clone_names[] = {
	{ 0x100, "CLONE_VM" },
	{ 0x200, "CLONE_FS" },
	{ 0x400, "CLONE_FILES" },
	{ 0x800, "CLONE_SIGHAND" },
	{ 0x2000, "CLONE_PTRACE" },
	{ 0x4000, "CLONE_VFORK" },
	{ 0x8000, "CLONE_PARENT" },
	{ 0x10000, "CLONE_THREAD" },
	{ 0x20000, "CLONE_NEWNS" },
	{ 0x40000, "CLONE_SYSVSEM" },
	{ 0x80000, "CLONE_SETTLS" },
	{ 0x100000, "CLONE_PARENT_SETTID" },
	{ 0x200000, "CLONE_CHILD_CLEARTID" },
	{ 0x400000, "CLONE_DETACHED" },
	{ 0x800000, "CLONE_UNTRACED" },
	{ 0x1000000, "CLONE_CHILD_SETTID" },
	{ 0x2000000, "CLONE_STOPPED" },
	{ 0x4000000, "CLONE_NEWUTS" },
	{ 0x8000000, "CLONE_NEWIPC" },
	{ 0x10000000, "CLONE_NEWUSER" },
	{ 0x20000000, "CLONE_NEWPID" },
	{ 0x40000000, "CLONE_NEWNET" },
	{ 0x80000000, "CLONE_IO" },
};
VG_ITAB(vg_itab_clone, clone_names);

/* fcntl(2) commands */
static const struct vg_iname fcntl_names[] = {
	{ 0x0, "F_DUPFD" },
	{ 0x1, "F_GETFD" },
	{ 0x2, "F_SETFD" },
	{ 0x3, "F_GETFL" },
	{ 0x4, "F_SETFL" },
	{ 0x5, "F_GETLK" },
	{ 0x6, "F_SETLK" },
	{ 0x7, "F_SETLKW" },
	{ 0x8, "F_SETOWN" },
	{ 0x9, "F_GETOWN" },
	{ 0xa, "F_SETSIG" },
	{ 0xb, "F_GETSIG" },
	{ 0xc, "F_GETLK64" },
	{ 0xd, "F_SETLK64" },
	{ 0xe, "F_SETLKW64" },
	{ 0xf, "F_SETOWN_EX" },
	{ 0x10, "F_GETOWN_EX" },
	{ 0x11, "F_GETOWNER_UIDS" },
	{ 0x400, "F_SETLEASE" },
	{ 0x401, "F_GETLEASE" },
	{ 0x402, "F_NOTIFY" },
	{ 0x405, "F_CANCELLK" },
	{ 0x406, "F_DUPFD_CLOEXEC" },
	{ 0x407, "F_SETPIPE_SZ" },
	{ 0x408, "F_GETPIPE_SZ" },
	{ 0x409, "F_ADD_SEALS" },
	{ 0x40a, "F_GET_SEALS" },
	{ 0x40b, "F_GET_RW_HINT" },
	{ 0x40c, "F_SET_RW_HINT" },
	{ 0x40d, "F_GET_FILE_RW_HINT" },
	{ 0x40e, "F_SET_FILE_RW_HINT" },
};
VG_ITAB(vg_itab_fcntl, fcntl_names);

/* ioctl requests auditctl names (terminal, sockets, kd, cdrom) */
static const struct vg_iname ioctl_names[] = {
	{ 0x4b3a, "KDSETMODE" },
	{ 0x4b3b, "KDGETMODE" },
	{ 0x5309, "CDROMEJECT" },
	{ 0x530f, "CDROMEJECT_SW" },
	{ 0x5311, "CDROM_GET_UPC" },
	{ 0x5316, "CDROMSEEK" },
	{ 0x5401, "TCGETS" },
	{ 0x5402, "TCSETS" },
	{ 0x5403, "TCSETSW" },
	{ 0x5404, "TCSETSF" },
	{ 0x5409, "TCSBRK" },
	{ 0x540b, "TCFLSH" },
	{ 0x540e, "TIOCSCTTY" },
	{ 0x540f, "TIOCGPGRP" },
	{ 0x5410, "TIOCSPGRP" },
	{ 0x5413, "TIOCGWINSZ" },
	{ 0x5414, "TIOCSWINSZ" },
	{ 0x541b, "TIOCINQ" },
	{ 0x5421, "FIONBIO" },
	{ 0x5422, "TIOCNOTTY" },
	{ 0x8901, "FIOSETOWN" },
	{ 0x8903, "FIOGETOWN" },
	{ 0x8910, "SIOCGIFNAME" },
	{ 0x8927, "SIOCGIFHWADDR" },
	{ 0x8933, "SIOCGIFINDEX" },
	{ 0x89a2, "SIOCBRADDIF" },
	{ 0x40045431, "TIOCSPTLCK" },
	{ 0x80045430, "TIOCGPTN" },
};
VG_ITAB(vg_itab_ioctl, ioctl_names);

/* mmap flags (MAP_FILE, 0, is printed by interp.c) */
static const struct vg_iname mmap_names[] = {
	{ 0x1, "MAP_SHARED" },
	{ 0x2, "MAP_PRIVATE" },
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x4000000, "MAP_UNINITIALIZED" },
};
VG_ITAB(vg_itab_mmap, mmap_names);

/* mount flags, by bit (0x100, 0x200 not named) */
static const struct vg_iname mount_names[] = {
	{ 0x1, "MS_RDONLY" },
	{ 0x2, "MS_NOSUID" },
	{ 0x4, "MS_NODEV" },
	{ 0x8, "MS_NOEXEC" },
	{ 0x10, "MS_SYNCHRONOUS" },
	{ 0x20, "MS_REMOUNT" },
	{ 0x40, "MS_MANDLOCK" },
	{ 0x80, "MS_DIRSYNC" },
	{ 0x400, "MS_NOATIME" },
	{ 0x800, "MS_NODIRATIME" },
	{ 0x1000, "MS_BIND" },
	{ 0x2000, "MS_MOVE" },
	{ 0x4000, "MS_REC" },
	{ 0x8000, "MS_SILENT" },
	{ 0x10000, "MS_POSIXACL" },
	{ 0x20000, "MS_UNBINDABLE" },
	{ 0x40000, "MS_PRIVATE" },
	{ 0x80000, "MS_SLAVE" },
	{ 0x100000, "MS_SHARED" },
	{ 0x200000, "MS_RELATIME" },
	{ 0x400000, "MS_KERNMOUNT" },
	{ 0x800000, "MS_I_VERSION" },
	{ 0x1000000, "MS_STRICTATIME" },
	{ 0x2000000, "MS_LAZYTIME" },
	{ 0x4000000, "MS_SUBMOUNT" },
	{ 0x8000000, "MS_SNAP_STABLE" },
	{ 0x10000000, "MS_NOSEC" },
	{ 0x20000000, "MS_BORN" },
	{ 0x40000000, "MS_ACTIVE" },
	{ 0x80000000, "MS_NOUSER" },
};
VG_ITAB(vg_itab_mount, mount_names);

/* personalities, by the PER_MASK byte */
static const struct vg_iname personality_names[] = {
	{ 0x0, "PER_LINUX" },
	{ 0x6, "PER_BSD" },
	{ 0x8, "PER_LINUX32" },
	{ 0xc, "PER_RISCOS" },
	{ 0xf, "PER_OSF4" },
	{ 0x10, "PER_HPUX" },
};
VG_ITAB(vg_itab_personality, personality_names);

/* prctl options (17, 18, 48, 49 not named) */
static const struct vg_iname prctl_names[] = {
	{ 0x1, "PR_SET_PDEATHSIG" },
	{ 0x2, "PR_GET_PDEATHSIG" },
	{ 0x3, "PR_GET_DUMPABLE" },
	{ 0x4, "PR_SET_DUMPABLE" },
	{ 0x5, "PR_GET_UNALIGN" },
	{ 0x6, "PR_SET_UNALIGN" },
	{ 0x7, "PR_GET_KEEPCAPS" },
	{ 0x8, "PR_SET_KEEPCAPS" },
	{ 0x9, "PR_GET_FPEMU" },
	{ 0xa, "PR_SET_FPEMU" },
	{ 0xb, "PR_GET_FPEXC" },
	{ 0xc, "PR_SET_FPEXC" },
	{ 0xd, "PR_GET_TIMING" },
	{ 0xe, "PR_SET_TIMING" },
	{ 0xf, "PR_SET_NAME" },
	{ 0x10, "PR_GET_NAME" },
	{ 0x13, "PR_GET_ENDIAN" },
	{ 0x14, "PR_SET_ENDIAN" },
	{ 0x15, "PR_GET_SECCOMP" },
	{ 0x16, "PR_SET_SECCOMP" },
	{ 0x17, "PR_CAPBSET_READ" },
	{ 0x18, "PR_CAPBSET_DROP" },
	{ 0x19, "PR_GET_TSC" },
	{ 0x1a, "PR_SET_TSC" },
	{ 0x1b, "PR_GET_SECUREBITS" },
	{ 0x1c, "PR_SET_SECUREBITS" },
	{ 0x1d, "PR_SET_TIMERSLACK" },
	{ 0x1e, "PR_GET_TIMERSLACK" },
	{ 0x1f, "PR_TASK_PERF_EVENTS_DISABLE" },
	{ 0x20, "PR_TASK_PERF_EVENTS_ENABLE" },
	{ 0x21, "PR_MCE_KILL" },
	{ 0x22, "PR_MCE_KILL_GET" },
	{ 0x23, "PR_SET_MM" },
	{ 0x24, "PR_SET_CHILD_SUBREAPER" },
	{ 0x25, "PR_GET_CHILD_SUBREAPER" },
	{ 0x26, "PR_SET_NO_NEW_PRIVS" },
	{ 0x27, "PR_GET_NO_NEW_PRIVS" },
	{ 0x28, "PR_GET_TID_ADDRESS" },
	{ 0x29, "PR_SET_THP_DISABLE" },
	{ 0x2a, "PR_GET_THP_DISABLE" },
	{ 0x2b, "PR_MPX_ENABLE_MANAGEMENT" },
	{ 0x2c, "PR_MPX_DISABLE_MANAGEMENT" },
	{ 0x2d, "PR_SET_FP_MODE" },
	{ 0x2e, "PR_GET_FP_MODE" },
	{ 0x2f, "PR_CAP_AMBIENT" },
	{ 0x32, "PR_SVE_SET_VL" },
	{ 0x33, "PR_SVE_GET_VL" },
	{ 0x34, "PR_GET_SPECULATION_CTRL" },
	{ 0x35, "PR_SET_SPECULATION_CTRL" },
	{ 0x36, "PR_PAC_RESET_KEYS" },
	{ 0x37, "PR_SET_TAGGED_ADDR_CTRL" },
	{ 0x38, "PR_GET_TAGGED_ADDR_CTRL" },
};
VG_ITAB(vg_itab_prctl, prctl_names);

/* getrlimit/setrlimit resources */
static const struct vg_iname rlimit_names[] = {
	{ 0x0, "RLIMIT_CPU" },
	{ 0x1, "RLIMIT_FSIZE" },
	{ 0x2, "RLIMIT_DATA" },
	{ 0x3, "RLIMIT_STACK" },
	{ 0x4, "RLIMIT_CORE" },
	{ 0x5, "RLIMIT_RSS" },
	{ 0x6, "RLIMIT_NPROC" },
	{ 0x7, "RLIMIT_NOFILE" },
	{ 0x8, "RLIMIT_MEMLOCK" },
	{ 0x9, "RLIMIT_AS" },
	{ 0xa, "RLIMIT_LOCKS" },
	{ 0xb, "RLIMIT_SIGPENDING" },
	{ 0xc, "RLIMIT_MSGQUEUE" },
	{ 0xd, "RLIMIT_NICE" },
	{ 0xe, "RLIMIT_RTPRIO" },
	{ 0xf, "RLIMIT_RTTIME" },
};
VG_ITAB(vg_itab_rlimit, rlimit_names);

/* scheduling policies, by the low 4 bits */
static const struct vg_iname sched_names[] = {
	{ 0x0, "SCHED_OTHER" },
	{ 0x1, "SCHED_FIFO" },
	{ 0x2, "SCHED_RR" },
	{ 0x3, "SCHED_BATCH" },
	{ 0x5, "SCHED_IDLE" },
	{ 0x6, "SCHED_DEADLINE" },
};
VG_ITAB(vg_itab_sched, sched_names);

/* umount2 flags, by bit */
static const struct vg_iname umount_names[] = {
	{ 0x1, "MNT_FORCE" },
	{ 0x2, "MNT_DETACH" },
	{ 0x4, "MNT_EXPIRE" },
	{ 0x8, "UMOUNT_NOFOLLOW" },
	{ 0x80000000, "UMOUNT_UNUSED" },
};
VG_ITAB(vg_itab_umount, umount_names);

/* clocks of clock_settime (3.0.9 knows 0..6) */
static const struct vg_iname clock_names[] = {
	{ 0, "CLOCK_REALTIME" },
	{ 0x1, "CLOCK_MONOTONIC" },
	{ 0x2, "CLOCK_PROCESS_CPUTIME_ID" },
	{ 0x3, "CLOCK_THREAD_CPUTIME_ID" },
	{ 0x4, "CLOCK_MONOTONIC_RAW" },
	{ 0x5, "CLOCK_REALTIME_COARSE" },
	{ 0x6, "CLOCK_MONOTONIC_COARSE" },
};
VG_ITAB(vg_itab_clock, clock_names);

/* ptrace requests */
static const struct vg_iname ptrace_names[] = {
	{ 0, "PTRACE_TRACEME" },
	{ 0x1, "PTRACE_PEEKTEXT" },
	{ 0x2, "PTRACE_PEEKDATA" },
	{ 0x3, "PTRACE_PEEKUSER" },
	{ 0x4, "PTRACE_POKETEXT" },
	{ 0x5, "PTRACE_POKEDATA" },
	{ 0x6, "PTRACE_POKEUSER" },
	{ 0x7, "PTRACE_CONT" },
	{ 0x8, "PTRACE_KILL" },
	{ 0x9, "PTRACE_SINGLESTEP" },
	{ 0xc, "PTRACE_GETREGS" },
	{ 0xd, "PTRACE_SETREGS" },
	{ 0xe, "PTRACE_GETFPREGS" },
	{ 0xf, "PTRACE_SETFPREGS" },
	{ 0x10, "PTRACE_ATTACH" },
	{ 0x11, "PTRACE_DETACH" },
	{ 0x12, "PTRACE_GETFPXREGS" },
	{ 0x13, "PTRACE_SETFPXREGS" },
	{ 0x18, "PTRACE_SYSCALL" },
	{ 0x19, "PTRACE_GET_THREAD_AREA" },
	{ 0x1a, "PTRACE_SET_THREAD_AREA" },
	{ 0x1e, "PTRACE_ARCH_PRCTL" },
	{ 0x1f, "PTRACE_SYSEMU" },
	{ 0x20, "PTRACE_SYSEMU_SINGLESTEP" },
	{ 0x21, "PTRACE_SINGLEBLOCK" },
	{ 0x4200, "PTRACE_SETOPTIONS" },
	{ 0x4201, "PTRACE_GETEVENTMSG" },
	{ 0x4202, "PTRACE_GETSIGINFO" },
	{ 0x4203, "PTRACE_SETSIGINFO" },
	{ 0x4204, "PTRACE_GETREGSET" },
	{ 0x4205, "PTRACE_SETREGSET" },
	{ 0x4206, "PTRACE_SEIZE" },
	{ 0x4207, "PTRACE_INTERRUPT" },
	{ 0x4208, "PTRACE_LISTEN" },
	{ 0x4209, "PTRACE_PEEKSIGINFO" },
	{ 0x420a, "PTRACE_GETSIGMASK" },
	{ 0x420b, "PTRACE_SETSIGMASK" },
	{ 0x420c, "PTRACE_SECCOMP_GET_FILTER" },
	{ 0x420d, "PTRACE_SECCOMP_GET_METADATA" },
	{ 0x420e, "PTRACE_GET_SYSCALL_INFO" },
};
VG_ITAB(vg_itab_ptrace, ptrace_names);

/* signals; 3.0.9 spells 30 "IGPWR" (for kill as for clone) */
static const struct vg_iname signal_names[] = {
	{ 0, "SIG0" },
	{ 0x1, "SIGHUP" },
	{ 0x2, "SIGINT" },
	{ 0x3, "SIGQUIT" },
	{ 0x4, "SIGILL" },
	{ 0x5, "SIGTRAP" },
	{ 0x6, "SIGABRT" },
	{ 0x7, "SIGBUS" },
	{ 0x8, "SIGFPE" },
	{ 0x9, "SIGKILL" },
	{ 0xa, "SIGUSR1" },
	{ 0xb, "SIGSEGV" },
	{ 0xc, "SIGUSR2" },
	{ 0xd, "SIGPIPE" },
	{ 0xe, "SIGALRM" },
	{ 0xf, "SIGTERM" },
	{ 0x10, "SIGSTKFLT" },
	{ 0x11, "SIGCHLD" },
	{ 0x12, "SIGCONT" },
	{ 0x13, "SIGSTOP" },
	{ 0x14, "SIGTSTP" },
	{ 0x15, "SIGTTIN" },
	{ 0x16, "SIGTTOU" },
	{ 0x17, "SIGURG" },
	{ 0x18, "SIGXCPU" },
	{ 0x19, "SIGXFSZ" },
	{ 0x1a, "SIGVTALRM" },
	{ 0x1b, "SIGPROF" },
	{ 0x1c, "SIGWINCH" },
	{ 0x1d, "SIGIO" },
	{ 0x1e, "IGPWR" },
	{ 0x1f, "SIGSYS" },
};
VG_ITAB(vg_itab_signal, signal_names);

/* open flags, by bit (x86 values; O_RDONLY, 0, by interp.c; O_LARGEFILE
 * is 0 in a 64-bit build of auditctl and never printed) */
static const struct vg_iname open_names[] = {
	{ 01, "O_WRONLY" },
	{ 02, "O_RDWR" },
	{ 0100, "O_CREAT" },
	{ 0200, "O_EXCL" },
	{ 0400, "O_NOCTTY" },
	{ 01000, "O_TRUNC" },
	{ 02000, "O_APPEND" },
	{ 04000, "O_NONBLOCK" },
	{ 010000, "O_DSYNC" },
	{ 020000, "O_ASYNC" },
	{ 040000, "O_DIRECT" },
	{ 0200000, "O_DIRECTORY" },
	{ 0400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },
	{ 02000000, "O_CLOEXEC" },
	{ 04000000, "__O_SYNC" },
	{ 010000000, "O_PATH" },
	{ 020000000, "__O_TMPFILE" },
};
VG_ITAB(vg_itab_open, open_names);
