/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tables.h: lookups over the gperf-generated keyword tables (the .gperf files in gperf/):
 * record types, field interpretation, syscalls per arch, errno names.
 * All returned strings are static.
 */
#ifndef VIGIL_TABLES_H
#define VIGIL_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* Record types: all of linux/audit.h plus the userspace ranges. */
int		 vg_type_by_name(const char *, size_t);	/* -1 if unknown */
const char	*vg_type_name(uint32_t type);		/* NULL if unknown */

/* How a field's value is interpreted (after the field dictionary). */
enum vg_fkind {
	VG_FK_STR = 0,		/* plain text */
	VG_FK_ENCODED,		/* hex-encoded when not quoted */
	VG_FK_INT,		/* decimal number */
	VG_FK_HEX,		/* hexadecimal number (a0..a3 ...) */
	VG_FK_UID,		/* uid (4294967295 = unset) */
	VG_FK_GID,
	VG_FK_SES,		/* session id (4294967295 = unset) */
	VG_FK_ARCH,		/* audit arch, hex (c000003e) */
	VG_FK_SYSCALL,		/* syscall number, needs arch */
	VG_FK_EXIT,		/* syscall exit: negative = -errno */
	VG_FK_SUCCESS,		/* yes/no */
	VG_FK_MODE,		/* octal file mode */
	VG_FK_SOCKADDR,		/* hex-encoded struct sockaddr */
	VG_FK_PERM,		/* rwxa permission mask */
	VG_FK_KEY,		/* rule key; 0x01 separates several */
	VG_FK_PROCTITLE,	/* hex, NUL-separated argv */
	VG_FK_OCTAL,		/* other octal numbers */
	VG_FK_SIGNAL,
	VG_FK_CAP,		/* capability bitmap, hex */
	VG_FK_RESULT,		/* res=success|failed|1|0 */
};
enum vg_fkind	 vg_field_kind(const char *key, size_t len);	/* STR if unknown */

/*
 * Architectures named in audit records (arch= is AUDIT_ARCH_*): one table
 * in tables.c for the decoder, ENRICHED text and the rules.
 */
enum vg_arch {
	VG_ARCH_UNKNOWN = 0,
	VG_ARCH_X86_64,
	VG_ARCH_I386,
	VG_ARCH_AARCH64,
	VG_ARCH_ARM,
	VG_ARCH_PPC64,
	VG_ARCH_PPC64LE,
	VG_ARCH_S390X,
	VG_ARCH_RISCV64,
	VG_ARCH_PPC,		/* 32-bit powerpc (b32 on ppc64) */
	VG_ARCH_S390,		/* 31-bit s390 (b32 on s390x) */
};
enum vg_arch	 vg_arch_from_audit(uint32_t audit_arch);
uint32_t	 vg_arch_to_audit(enum vg_arch);
const char	*vg_arch_name(enum vg_arch);	/* "x86_64"; NULL if unknown */
/* auditd 3.0.9's name ("armeb" for arm); NULL if 3.0.9 lacks the arch. */
const char	*vg_arch_auditd_name(enum vg_arch);
enum vg_arch	 vg_arch_by_name(const char *, size_t);	/* also b32/b64 */
/* The 32-bit ABI of a host arch (auditctl's b32); UNKNOWN if none. */
enum vg_arch	 vg_arch_b32(enum vg_arch host);

/*
 * Syscall names per arch; every arch above has a table (ppc64 and ppc64le
 * share ppc's, as in auditd).
 */
const char	*vg_syscall_name(enum vg_arch, int nr);	/* NULL if unknown */
int		 vg_syscall_number(enum vg_arch, const char *, size_t); /* -1 */
/* Number of syscall slots for an arch (for -S all), 0 if no table. */
int		 vg_syscall_max(enum vg_arch);

/*
 * io_uring operations (enum io_uring_op of linux/io_uring.h, lowercased
 * without IORING_OP_: 18 <-> "openat"): what -S names on the io_uring
 * filter list and what uring_op= of a URINGOP record holds.
 */
const char	*vg_uringop_name(int op);	/* NULL if unknown */
int		 vg_uringop_number(const char *, size_t);	/* -1 */

/* errno names: 2 <-> "ENOENT". */
const char	*vg_errno_name(int);		/* NULL if unknown */
int		 vg_errno_number(const char *, size_t);	/* -1 if unknown */

#endif
