/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_rules_interp.c: the -l -i text of syscall arguments, from rule
 * text through the compiler to vg_rules_format_interp: one rule per kind
 * auditctl 3.0.9 names (as measured live by test_vigilctl_interp.py),
 * the arguments read by another one of the rule, and the raw ones. Only
 * kinds that do not read /etc (users, protocols) are here.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "ck.h"
#include "vigil/rules.h"

static const struct {
	const char	*rule, *want;
} cases[] = {
	{ "-S personality -F a0=8", "-F a0=PER_LINUX32" },
	{ "-S personality -F a0=0x40006", "-F a0=PER_BSD|~ADDR_NO_RANDOMIZE" },
	{ "-S personality -F a0=1", "-F a0=unknown-personality(0x1)" },
	{ "-S prctl -F a0=15", "-F a0=PR_SET_NAME" },
	{ "-S prctl -F a0=17", "-F a0=unknown-prctl-option(0x11)" },
	{ "-S prctl -F a0=1 -F a1=9", "-F a0=PR_SET_PDEATHSIG -F a1=SIGKILL" },
	{ "-S prctl -F a0=24 -F a1=21",
	    "-F a0=PR_CAPBSET_DROP -F a1=sys_admin" },
	{ "-S prctl -F a0=23 -F a1=41",
	    "-F a0=PR_CAPBSET_READ -F a1=unknown-capability(0x29)" },
	{ "-S prctl -F a1=9 -F a0=1", "-F a1=0x9 -F a0=PR_SET_PDEATHSIG" },
	{ "-S setrlimit -F a0=7", "-F a0=RLIMIT_NOFILE" },
	{ "-S getrlimit -F a0=16", "-F a0=unknown-rlimit(0x10)" },
	{ "-S socket -F a0=2 -F a1=0x80801", "-F a0=inet -F a1=SOCK_STREAM" },
	{ "-S socket -F a1=0x11", "-F a1=unknown-type(11)" },
	{ "-S setsockopt -F a1=1 -F a2=2",
	    "-F a1=SOL_SOCKET -F a2=SO_REUSEADDR" },
	{ "-S setsockopt -F a2=2 -F a1=1", "-F a2=IP_TTL -F a1=SOL_SOCKET" },
	{ "-S setsockopt -F a1=270 -F a2=1",
	    "-F a1=SOL_NETLINK -F a2=0x1" },
	{ "-S setsockopt -F a1=263 -F a2=4",
	    "-F a1=SOL_PACKET -F a2=unknown-pktopt-name(0x4)" },
	{ "-S setsockopt -F a2=66", "-F a2=IPT_SO_GET_REVISION_TARGET" },
	{ "-S unshare -F a0=0x20000011", "-F a0=CLONE_NEWPID|SIGCHLD" },
	{ "-S clone -F a2=0x1e", "-F a2=IGPWR" },
	{ "-S clone -F a0=0x11", "-F a0=0x11" },
	{ "-S kill -F a1=30", "-F a1=IGPWR" },
	{ "-S mmap -F a2=9 -F a3=0x22",
	    "-F a2=PROT_READ|PROT_SEM -F a3=MAP_PRIVATE|MAP_ANONYMOUS" },
	{ "-S mmap -F a3=0x80", "-F a3=MAP_FILE" },
	{ "-S mprotect -F a2=15", "-F a2=PROT_READ|PROT_WRITE|PROT_EXEC" },
	{ "-S mount -F a3=0x1001", "-F a3=MS_RDONLY|MS_BIND" },
	{ "-S mount -F a3=0x100", "-F a3=0x100" },
	{ "-S umount2 -F a1=0x80000002", "-F a1=MNT_DETACH|UMOUNT_UNUSED" },
	{ "-S sendto -F a3=0x4000", "-F a3=MSG_NOSIGNAL" },
	{ "-S fcntl -F a1=2 -F a2=1", "-F a1=F_SETFD -F a2=FD_CLOEXEC" },
	{ "-S fcntl -F a1=1030", "-F a1=F_DUPFD_CLOEXEC" },
	{ "-S fcntl -F a1=-1", "-F a1=unknown-fcntl-command(-1)" },
	{ "-S ioctl -F a1=0x5401", "-F a1=TCGETS" },
	{ "-S ioctl -F a1=0x80086601", "-F a1=0x80086601" },
	{ "-S open -F a1=0x41 -F a2=0644", "-F a1=O_WRONLY|O_CREAT -F a2=0644" },
	{ "-S open -F a2=0644", "-F a2=0x1a4" },
	{ "-S open -F a1=0100000", "-F a1=O_RDONLY" },
	{ "-S mknod -F a1=0104755", "-F a1=file,suid,755" },
	{ "-S mknod -F a1=0170000", "-F a1=017,000" },
	{ "-S shmget -F a2=01644", "-F a2=IPC_CREAT|0644" },
	{ "-S access -F a1=8", "-F a1=0x8" },
	{ "-S access -F a1=6", "-F a1=W_OK|R_OK" },
	{ "-S lseek -F a2=0x101", "-F a2=SEEK_CUR" },
	{ "-S sched_setscheduler -F a1=0x40000001",
	    "-F a1=SCHED_FIFO|SCHED_RESET_ON_FORK" },
	{ "-S epoll_ctl -F a1=4", "-F a1=unknown-epoll_ctl-operation(4)" },
	{ "-S exit_group -F a0=2", "-F a0=UNKNOWN" },
	{ "-S bpf -F a0=5", "-F a0=BPF_PROG_LOAD" },
	{ "-S bpf -F a0=24", "-F a0=unknown-bpf-cmd(18)" },
	{ "-S socket -F a0=45", "-F a0=unknown-family(0x2d)" },
	{ "-S ptrace -F a0=0x420e", "-F a0=PTRACE_GET_SYSCALL_INFO" },
	{ "-S renameat2 -F a2=-100", "-F a2=AT_FDCWD" },
	{ "-S read -F a0=0x5401", "-F a0=0x5401" },
};

START_TEST(test_kinds)
{
	char text[256], out[4096], want[512];
	struct vg_rule r;
	struct vg_err err;
	size_t i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *sc = cases[i].rule + 3;	/* after "-S " */

		snprintf(text, sizeof(text), "-a always,exit -F arch=b64 %s",
		    cases[i].rule);
		ck_assert_msg(vg_rules_parse_line(text, &r, &err) == 1, "%s: %s",
		    text, err.msg);
		ck_assert_int_gt(vg_rules_format_interp(r.data, r.datalen, out,
		    sizeof(out)), 0);
		snprintf(want, sizeof(want), "-a always,exit -F arch=x86_64 "
		    "-S %.*s %s\n", (int)strcspn(sc, " "), sc, cases[i].want);
		ck_assert_str_eq(out, want);
		vg_rule_free(&r);
	}
}
END_TEST

/* Two syscalls, or no arch: nothing is interpreted. */
START_TEST(test_raw)
{
	static const char *rules[] = {
		"-a always,exit -F arch=b64 -S personality,prctl -F a0=8",
		"-a always,exit -S personality -F a0=8",
	};
	static const char *want[] = {
		"-a always,exit -F arch=x86_64 -S personality,prctl -F a0=0x8\n",
		"-a always,exit -S personality -F a0=0x8\n",
	};
	char out[4096];
	struct vg_rule r;
	struct vg_err err;
	size_t i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(vg_rules_parse_line(rules[i], &r, &err), 1);
		ck_assert_int_gt(vg_rules_format_interp(r.data, r.datalen, out,
		    sizeof(out)), 0);
		ck_assert_str_eq(out, want[i]);
		vg_rule_free(&r);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rules_interp");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_kinds);
	tcase_add_test(tc, test_raw);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
