/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tables.c: the public face of the gperf keyword tables (gperf/NAME.gperf, made
 * by scripts/gen-tables.py; arm, ppc and s390 syscalls come from auditd's
 * tables in data/syscalls/): record types, field kinds, arches, syscalls per
 * arch, errno names; and a plain table of io_uring ops. Name -> number is
 * one perfect-hash probe (io_uring ops: a short scan); number -> name is
 * one array index. Never allocates, never logs; all strings are static.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vigil/tables.h"

/*
 * What every generated table holds (each .gperf declares the same struct;
 * the generated files are separate translation units).
 */
struct vg_kw {
	const char	*name;
	int		 value;
};

/* Lookups and reverse maps defined in the gperf-generated files. */
const struct vg_kw *vg_types_lookup(const char *, size_t);
const char	*vg_types_name_at(long);
const struct vg_kw *vg_fields_lookup(const char *, size_t);
const struct vg_kw *vg_archs_lookup(const char *, size_t);
const struct vg_kw *vg_errnos_lookup(const char *, size_t);
const char	*vg_errnos_name_at(long);
const struct vg_kw *vg_sc_x86_64_lookup(const char *, size_t);
const char	*vg_sc_x86_64_name_at(long);
extern const int vg_sc_x86_64_max;
const struct vg_kw *vg_sc_i386_lookup(const char *, size_t);
const char	*vg_sc_i386_name_at(long);
extern const int vg_sc_i386_max;
const struct vg_kw *vg_sc_aarch64_lookup(const char *, size_t);
const char	*vg_sc_aarch64_name_at(long);
extern const int vg_sc_aarch64_max;
const struct vg_kw *vg_sc_arm_lookup(const char *, size_t);
const char	*vg_sc_arm_name_at(long);
extern const int vg_sc_arm_max;
const struct vg_kw *vg_sc_ppc_lookup(const char *, size_t);
const char	*vg_sc_ppc_name_at(long);
extern const int vg_sc_ppc_max;
const struct vg_kw *vg_sc_s390_lookup(const char *, size_t);
const char	*vg_sc_s390_name_at(long);
extern const int vg_sc_s390_max;
const struct vg_kw *vg_sc_s390x_lookup(const char *, size_t);
const char	*vg_sc_s390x_name_at(long);
extern const int vg_sc_s390x_max;
const struct vg_kw *vg_sc_riscv64_lookup(const char *, size_t);
const char	*vg_sc_riscv64_name_at(long);
extern const int vg_sc_riscv64_max;

/* AUDIT_ARCH_* from linux/audit.h (EM_* | 64BIT 0x80000000 | LE 0x40000000). */
#define AA_X86_64	0xc000003eU
#define AA_I386		0x40000003U
#define AA_AARCH64	0xc00000b7U
#define AA_ARM		0x40000028U
#define AA_PPC64	0x80000015U
#define AA_PPC64LE	0xc0000015U
#define AA_S390X	0x80000016U
#define AA_RISCV64	0xc00000f3U
#define AA_PPC		0x00000014U
#define AA_S390		0x00000016U

/*
 * The one arch table. name: vigil's (the kernel's) name, in JSON "arch".
 * auditd: what libaudit 3.0.9's audit_machine_to_name() says (ENRICHED
 * ARCH=, auditctl -l -i); NULL where 3.0.9 does not know the arch.
 * b32: the 32-bit ABI of this arch as a host (auditctl's b32), UNKNOWN if
 * it has none.
 */
static const struct {
	uint32_t	 audit;
	const char	*name;
	const char	*auditd;
	enum vg_arch	 b32;
} arches[] = {
	[VG_ARCH_UNKNOWN] = { 0, NULL, NULL, VG_ARCH_UNKNOWN },
	[VG_ARCH_X86_64] = { AA_X86_64, "x86_64", "x86_64", VG_ARCH_I386 },
	[VG_ARCH_I386] = { AA_I386, "i386", "i386", VG_ARCH_I386 },
	[VG_ARCH_AARCH64] = { AA_AARCH64, "aarch64", "aarch64", VG_ARCH_ARM },
	[VG_ARCH_ARM] = { AA_ARM, "arm", "armeb", VG_ARCH_ARM },
	[VG_ARCH_PPC64] = { AA_PPC64, "ppc64", "ppc64", VG_ARCH_PPC },
	[VG_ARCH_PPC64LE] = { AA_PPC64LE, "ppc64le", "ppc64le",
	    VG_ARCH_UNKNOWN },
	[VG_ARCH_S390X] = { AA_S390X, "s390x", "s390x", VG_ARCH_S390 },
	[VG_ARCH_RISCV64] = { AA_RISCV64, "riscv64", NULL, VG_ARCH_UNKNOWN },
	[VG_ARCH_PPC] = { AA_PPC, "ppc", "ppc", VG_ARCH_PPC },
	[VG_ARCH_S390] = { AA_S390, "s390", "s390", VG_ARCH_S390 },
};
#define NARCHES	(sizeof(arches) / sizeof(arches[0]))

/*
 * Per-arch syscall table; arches without one have all NULL. ppc64 and
 * ppc64le use the ppc numbering (one table in the kernel and in auditd).
 */
static const struct {
	const struct vg_kw *(*lookup)(const char *, size_t);
	const char	*(*name_at)(long);
	const int	*max;
} syscalls[NARCHES] = {
	[VG_ARCH_X86_64] = { vg_sc_x86_64_lookup, vg_sc_x86_64_name_at,
	    &vg_sc_x86_64_max },
	[VG_ARCH_I386] = { vg_sc_i386_lookup, vg_sc_i386_name_at,
	    &vg_sc_i386_max },
	[VG_ARCH_AARCH64] = { vg_sc_aarch64_lookup, vg_sc_aarch64_name_at,
	    &vg_sc_aarch64_max },
	[VG_ARCH_ARM] = { vg_sc_arm_lookup, vg_sc_arm_name_at,
	    &vg_sc_arm_max },
	[VG_ARCH_PPC64] = { vg_sc_ppc_lookup, vg_sc_ppc_name_at,
	    &vg_sc_ppc_max },
	[VG_ARCH_PPC64LE] = { vg_sc_ppc_lookup, vg_sc_ppc_name_at,
	    &vg_sc_ppc_max },
	[VG_ARCH_S390X] = { vg_sc_s390x_lookup, vg_sc_s390x_name_at,
	    &vg_sc_s390x_max },
	[VG_ARCH_RISCV64] = { vg_sc_riscv64_lookup, vg_sc_riscv64_name_at,
	    &vg_sc_riscv64_max },
	[VG_ARCH_PPC] = { vg_sc_ppc_lookup, vg_sc_ppc_name_at,
	    &vg_sc_ppc_max },
	[VG_ARCH_S390] = { vg_sc_s390_lookup, vg_sc_s390_name_at,
	    &vg_sc_s390_max },
};

/*
 * vg_type_by_name: record type number for a name as auditd prints it
 * ("SYSCALL" -> 1300). Case-sensitive. Returns -1 if unknown (including
 * "UNKNOWN[1329]", which callers parse themselves).
 */
int
vg_type_by_name(const char *s, size_t len)
{
	const struct vg_kw *k;

	if (s == NULL)
		return -1;
	k = vg_types_lookup(s, len);
	return k != NULL ? k->value : -1;
}

/*
 * vg_type_name: name auditd 3.0.9 prints for a record type (1300 ->
 * "SYSCALL"), or the uapi name for types auditd does not know. NULL if
 * unknown; callers print UNKNOWN[n].
 */
const char *
vg_type_name(uint32_t type)
{
	if (type > INT32_MAX)
		return NULL;
	return vg_types_name_at((long)type);
}

/*
 * vg_field_kind: how the value of field `key` is to be read. Keys not in
 * the table are plain strings (VG_FK_STR). Record-specific exceptions (a0..
 * in EXECVE are encoded strings, not hex) are the caller's business.
 */
enum vg_fkind
vg_field_kind(const char *key, size_t len)
{
	const struct vg_kw *k;

	if (key == NULL)
		return VG_FK_STR;
	k = vg_fields_lookup(key, len);
	return k != NULL ? (enum vg_fkind)k->value : VG_FK_STR;
}

enum vg_arch
vg_arch_from_audit(uint32_t audit_arch)
{
	size_t i;

	for (i = 1; i < NARCHES; i++)	/* 10 entries: a scan is cheapest */
		if (arches[i].audit == audit_arch)
			return (enum vg_arch)i;
	return VG_ARCH_UNKNOWN;
}

/* AUDIT_ARCH_* value for an arch; 0 if unknown. */
uint32_t
vg_arch_to_audit(enum vg_arch a)
{
	if ((size_t)a >= NARCHES)
		return 0;
	return arches[a].audit;
}

const char *
vg_arch_name(enum vg_arch a)
{
	if ((size_t)a >= NARCHES)
		return NULL;
	return arches[a].name;
}

/*
 * vg_arch_auditd_name: the machine name auditd 3.0.9 gives an arch
 * (libaudit's audit_machine_to_name(audit_elf_to_machine())): as
 * vg_arch_name but "armeb" for little-endian ARM, and NULL for riscv64,
 * which 3.0.9 does not know (it writes unknown-elf-type(c00000f3)).
 */
const char *
vg_arch_auditd_name(enum vg_arch a)
{
	if ((size_t)a >= NARCHES)
		return NULL;
	return arches[a].auditd;
}

/*
 * vg_arch_b32: the 32-bit ABI of a host arch, what auditctl's arch=b32
 * means there (i386 on x86_64, arm on aarch64, ppc on ppc64, s390 on
 * s390x, a 32-bit arch itself); VG_ARCH_UNKNOWN if it has none (ppc64le,
 * riscv64: auditctl refuses b32 there).
 */
enum vg_arch
vg_arch_b32(enum vg_arch host)
{
	if ((size_t)host >= NARCHES)
		return VG_ARCH_UNKNOWN;
	return arches[host].b32;
}

/*
 * vg_arch_by_name: arch from an auditctl arch= spelling: "x86_64",
 * "i386".."i686", "aarch64", "arm", "armeb" (auditd's name for
 * AUDIT_ARCH_ARM), "armv7l", "ppc", "ppc64", "ppc64le", "s390", "s390x",
 * "riscv64", and "b64"/"b32" meaning x86_64/i386 (callers that mean the
 * host's ABI test for b32/b64 first and use vg_arch_b32()). The spellings
 * are libaudit's machine table (also "armv5tejl", "armv5tel", "armv6l") and
 * uname(2)'s machine; case-sensitive. VG_ARCH_UNKNOWN otherwise.
 */
enum vg_arch
vg_arch_by_name(const char *s, size_t len)
{
	const struct vg_kw *k;

	if (s == NULL)
		return VG_ARCH_UNKNOWN;
	k = vg_archs_lookup(s, len);
	return k != NULL ? (enum vg_arch)k->value : VG_ARCH_UNKNOWN;
}

/*
 * vg_syscall_name: name of syscall `nr` on `arch`, spelled as auditd 3.0.9
 * prints it where auditd knows it (x86_64 17 is "pread"), else the kernel's
 * name (riscv64, and numbers newer than auditd's tables). NULL for a hole, an out-of-range number or an arch without table.
 */
const char *
vg_syscall_name(enum vg_arch arch, int nr)
{
	if ((size_t)arch >= NARCHES || syscalls[arch].name_at == NULL)
		return NULL;
	return syscalls[arch].name_at(nr);
}

/*
 * vg_syscall_number: number of a syscall name on `arch`; both auditd's and
 * the kernel's spelling are accepted ("pread" and "pread64"; on arm, ppc
 * and s390, whose tables are auditd's, only pread64/pwrite64 are added).
 * -1 if unknown on that arch.
 */
int
vg_syscall_number(enum vg_arch arch, const char *s, size_t len)
{
	const struct vg_kw *k;

	if (s == NULL || (size_t)arch >= NARCHES ||
	    syscalls[arch].lookup == NULL)
		return -1;
	k = syscalls[arch].lookup(s, len);
	return k != NULL ? k->value : -1;
}

/* Highest syscall number + 1 for `arch` (the -S all range); 0: no table. */
int
vg_syscall_max(enum vg_arch arch)
{
	if ((size_t)arch >= NARCHES || syscalls[arch].max == NULL)
		return 0;
	return *syscalls[arch].max;
}

/*
 * enum io_uring_op, linux/io_uring.h (IORING_OP_NOP .. IORING_OP_SENDMSG_ZC,
 * IORING_OP_LAST 49 in the 6.x uapi header); later ops go by number. Which
 * of them the kernel audits is its business (audit_skip in io_uring/
 * opdef.c, changed between versions): every op has its name here.
 */
static const char *const uringops[] = {
	"nop", "readv", "writev", "fsync", "read_fixed", "write_fixed",
	"poll_add", "poll_remove", "sync_file_range", "sendmsg", "recvmsg",
	"timeout", "timeout_remove", "accept", "async_cancel", "link_timeout",
	"connect", "fallocate", "openat", "close", "files_update", "statx",
	"read", "write", "fadvise", "madvise", "send", "recv", "openat2",
	"epoll_ctl", "splice", "provide_buffers", "remove_buffers", "tee",
	"shutdown", "renameat", "unlinkat", "mkdirat", "symlinkat", "linkat",
	"msg_ring", "fsetxattr", "setxattr", "fgetxattr", "getxattr", "socket",
	"uring_cmd", "send_zc", "sendmsg_zc",
};

const char *
vg_uringop_name(int op)
{
	if (op < 0 || (size_t)op >= sizeof(uringops) / sizeof(uringops[0]))
		return NULL;
	return uringops[op];
}

/* A linear search: 49 names, read only when a rule is compiled. */
int
vg_uringop_number(const char *s, size_t len)
{
	size_t i;

	for (i = 0; s != NULL && i < sizeof(uringops) / sizeof(uringops[0]);
	    i++)
		if (strlen(uringops[i]) == len &&
		    memcmp(uringops[i], s, len) == 0)
			return (int)i;
	return -1;
}

/* "ENOENT" for 2; aliases (EWOULDBLOCK) are never returned. NULL: unknown. */
const char *
vg_errno_name(int e)
{
	return vg_errnos_name_at(e);
}

/* 2 for "ENOENT"; also accepts EWOULDBLOCK and EDEADLOCK. -1: unknown. */
int
vg_errno_number(const char *s, size_t len)
{
	const struct vg_kw *k;

	if (s == NULL)
		return -1;
	k = vg_errnos_lookup(s, len);
	return k != NULL ? k->value : -1;
}
