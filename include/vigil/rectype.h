/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * rectype.h: the audit record type numbers vigil's code tests by name, and
 * the type ranges; the one place they are written. The numbers are kernel
 * and libaudit ABI and never change. vigil carries its own copy because
 * <linux/audit.h> lacks the userspace types (ADD_GROUP ... are libaudit's)
 * and older kernel headers lack newer ones (URINGOP, OPENAT2 came in 5.16).
 * Names are auditd's without AUDIT_; check_tables tests every one against
 * the type table (gperf/types.gperf). Netlink control messages (AUDIT_GET,
 * AUDIT_SET, AUDIT_ADD_RULE ...) keep <linux/audit.h>'s names.
 */
#ifndef VIGIL_RECTYPE_H
#define VIGIL_RECTYPE_H

/* Ranges (inclusive). */
#define VG_T_FIRST_USER_MSG	1100	/* userspace messages */
#define VG_T_LAST_USER_MSG	1199
#define VG_T_FIRST_DAEMON	1200	/* the audit daemon's own records */
#define VG_T_LAST_DAEMON	1299
#define VG_T_FIRST_USER_MSG2	2100	/* more userspace messages */
#define VG_T_LAST_USER_MSG2	2999

#define VG_T_USER		1005
#define VG_T_LOGIN		1006
#define VG_T_ADD_GROUP		1116
#define VG_T_DEL_GROUP		1117
#define VG_T_GRP_MGMT		1132
#define VG_T_DAEMON_START	1200
#define VG_T_DAEMON_END		1201
#define VG_T_DAEMON_ABORT	1202
#define VG_T_DAEMON_CONFIG	1203
#define VG_T_DAEMON_ROTATE	1205
#define VG_T_DAEMON_RESUME	1206
#define VG_T_SYSCALL		1300
#define VG_T_PATH		1302
#define VG_T_IPC		1303
#define VG_T_SOCKETCALL		1304
#define VG_T_CONFIG_CHANGE	1305
#define VG_T_SOCKADDR		1306
#define VG_T_CWD		1307
#define VG_T_EXECVE		1309
#define VG_T_IPC_SET_PERM	1311
#define VG_T_MQ_OPEN		1312
#define VG_T_MQ_SENDRECV	1313
#define VG_T_MQ_NOTIFY		1314
#define VG_T_MQ_GETSETATTR	1315
#define VG_T_FD_PAIR		1317
#define VG_T_OBJ_PID		1318
#define VG_T_EOE		1320	/* end of a multi-record event */
#define VG_T_BPRM_FCAPS		1321
#define VG_T_CAPSET		1322
#define VG_T_MMAP		1323
#define VG_T_NETFILTER_PKT	1324
#define VG_T_NETFILTER_CFG	1325
#define VG_T_SECCOMP		1326
#define VG_T_PROCTITLE		1327
#define VG_T_FEATURE_CHANGE	1328
#define VG_T_KERN_MODULE	1330
#define VG_T_TIME_INJOFFSET	1332
#define VG_T_TIME_ADJNTPVAL	1333
#define VG_T_URINGOP		1336
#define VG_T_OPENAT2		1337
#define VG_T_AVC		1400
#define VG_T_ANOM_ABEND		1701
#define VG_T_KERNEL		2000

#endif
