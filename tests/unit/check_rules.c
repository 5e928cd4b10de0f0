/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_rules.c: rule compiler: go-libaudit byte goldens, equivalent
 * spellings, order, the auditctl -l text, bad input with file:line, the
 * VIGIL_TEST_NO_LOCK refusal, and (root, serialized) vg_rules_apply.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/io_uring.h>

#include "ck.h"
#include "vigil/rules.h"
#include "vigil/tables.h"

#define GOLDEN	VG_CORPUS "/expected/go-libaudit/rule"
#define RULES	VG_CORPUS "/rules"

/* ---- helpers ---- */

static char *
write_tmp(const char *text)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vg_rules_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* Splits like a shell would (quotes only): enough for the goldens. */
static int
shell_split(const char *s, char *store, char **argv, int max)
{
	int argc = 0;

	argv[argc++] = (char *)"auditctl";
	while (*s) {
		char q = 0;

		while (*s == ' ')
			s++;
		if (!*s)
			break;
		ck_assert_int_lt(argc, max - 1);
		argv[argc++] = store;
		while (*s && (q || *s != ' ')) {
			if (!q && (*s == '\'' || *s == '"'))
				q = *s++;
			else if (q && *s == q) {
				q = 0;
				s++;
			} else
				*store++ = *s++;
		}
		*store++ = '\0';
	}
	argv[argc] = NULL;
	return argc;
}

static int
compile(const char *line, struct vg_rule *r)
{
	char store[8192], *argv[256];
	struct vg_err err;
	int argc = shell_split(line, store, argv, 256);

	memset(&err, 0, sizeof(err));
	return vg_rules_parse_argv(argc, argv, r, &err);
}

static int
b64val(int c)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/";
	const char *p = c ? strchr(a, c) : NULL;

	return p ? (int)(p - a) : -1;
}

static size_t
b64dec(const char *in, unsigned char *out, size_t cap)
{
	unsigned acc = 0;
	int bits = 0;
	size_t n = 0;

	for (; *in; in++) {
		int v = b64val(*in);

		if (v < 0)
			continue;	/* padding, newlines */
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			ck_assert_uint_lt(n, cap);
			out[n++] = (unsigned char)(acc >> bits);
		}
	}
	return n;
}

/* One golden: compile flags, compare with the kernel's bytes. */
static void
check_golden(const char *file, const char *flags, const char *b64)
{
	static unsigned char want[65536];
	struct vg_rule r;
	struct audit_rule_data *d;
	size_t n = b64dec(b64, want, sizeof(want)), i;
	const struct audit_rule_data *w = (const void *)want;
	char store[8192], *argv[256];

	ck_assert_uint_ge(n, sizeof(*w));
	/* A -w on a directory compiles to AUDIT_DIR only if it exists, as
	 * when the golden was captured: recreate the capture's directory. */
	if (strncmp(flags, "-w ", 3) == 0 && w->fields[0] == AUDIT_DIR) {
		int argc = shell_split(flags, store, argv, 256);
		char cmd[PATH_MAX + 16];

		ck_assert_int_ge(argc, 3);
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", argv[2]);
		ck_assert_int_eq(system(cmd), 0);
	}
	if (compile(flags, &r) != 0)
		ck_abort_msg("%s: does not compile: %s", file, flags);
	d = r.data;
	/* The kernel folds the syscall-class bits (the top 16 of the mask)
	 * into the mask before it answers; auditctl sends them set. */
	d->mask[AUDIT_BITMASK_SIZE - 1] &= 0x0000ffffU;
	/* kernel answers are padded to 4 bytes; rule_data.yml is not */
	ck_assert_msg(n == r.datalen || n == ((r.datalen + 3) & ~(size_t)3),
	    "%s: %s: length %zu, golden %zu", file, flags, r.datalen, n);
	for (i = 0; i < r.datalen; i++)
		if (((unsigned char *)d)[i] != want[i])
			ck_abort_msg("%s: %s: byte %zu is %02x, golden %02x",
			    file, flags, i, ((unsigned char *)d)[i], want[i]);
	for (; i < n; i++)
		ck_assert_uint_eq(want[i], 0);
	vg_rule_free(&r);
}

static int
run_golden_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[8192], flags[8192] = "", *b64 = NULL;
	size_t blen = 0, bcap = 0;
	int cases = 0, in_flags = 0;

	ck_assert_ptr_nonnull(f);
	vg_rules_set_machine(VG_ARCH_X86_64);
	for (;;) {
		int eof = fgets(line, sizeof(line), f) == NULL;

		if (eof || strncmp(line, "- flags: ", 9) == 0) {
			if (flags[0] && blen) {
				check_golden(path, flags, b64);
				cases++;
			}
			if (eof)
				break;
			snprintf(flags, sizeof(flags), "%s", line + 9);
			flags[strcspn(flags, "\n")] = '\0';
			in_flags = 1;
			blen = 0;
			if (b64)
				b64[0] = '\0';
			continue;
		}
		if (strncmp(line, "# Linux", 7) == 0 && strstr(line, "aarch64"))
			vg_rules_set_machine(VG_ARCH_AARCH64);
		if (strstr(line, "bytes:")) {
			in_flags = 0;
			continue;
		}
		if (line[0] != ' ')
			continue;
		if (in_flags) {		/* a folded YAML scalar goes on */
			size_t fl = strlen(flags);
			char *t = line + strspn(line, " ");

			t[strcspn(t, "\n")] = '\0';
			snprintf(flags + fl, sizeof(flags) - fl, " %s", t);
			continue;
		}
		if (blen + strlen(line) + 1 > bcap) {
			bcap = (blen + strlen(line) + 1) * 2;
			b64 = realloc(b64, bcap);
		}
		memcpy(b64 + blen, line, strlen(line) + 1);
		blen += strlen(line);
	}
	fclose(f);
	free(b64);
	vg_rules_set_machine(VG_ARCH_X86_64);
	return cases;
}

/* ---- goldens ---- */

START_TEST(test_goldens)
{
	static const char *files[] = {
		"01-file-watch-spaces", "20-dont-audit", "22-ignore-chrony",
		"30-nispom", "30-pci-dss-v31", "30-stig", "32-power-abuse",
		"41-containers", "42-injection", "43-module-load",
		"70-einval", "71-networking",
	};
	char path[512];
	size_t i;
	int total = 0;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), GOLDEN "/%s.rules.golden.yml",
		    files[i]);
		total += run_golden_file(path);
	}
	total += run_golden_file(GOLDEN "/rule_data.yml");
	/* every case in the 13 files was compared (126 flags lines) */
	ck_assert_int_eq(total, 126);
}
END_TEST

/* ---- listing text ---- */

static void
listed(const char *in, const char *want)
{
	struct vg_rule r;
	char buf[4096];

	if (compile(in, &r) != 0)
		ck_abort_msg("does not compile: %s", in);
	ck_assert_int_gt(vg_rules_format(r.data, r.datalen, buf, sizeof(buf)),
	    0);
	ck_assert_str_eq(buf, want);
	vg_rule_free(&r);
}

START_TEST(test_listing)
{
	vg_rules_set_machine(VG_ARCH_X86_64);
	listed("-a exit,always -F arch=b64 -S open,openat -F exit=-EACCES "
	    "-F auid>=1000 -F auid!=unset -k access",
	    "-a always,exit -F arch=b64 -S open,openat -F exit=-EACCES "
	    "-F auid>=1000 -F auid!=-1 -F key=access\n");
	listed("-w /etc/passwd -p wa -k identity",
	    "-w /etc/passwd -p wa -k identity\n");
	listed("-w /etc/ -k a -k b", "-w /etc -p rwxa -k a -k b\n");
	listed("-a always,exit -F arch=b64 -S clone -F a0&0x7C020000 "
	    "-F a1&=0100", "-a always,exit -F arch=b64 -S clone "
	    "-F a0&0x7C020000 -F a1&=0x40\n");
	listed("-a always,exit -F path=/usr/bin/su -F perm=x -F uid=root",
	    "-a always,exit -S all -F path=/usr/bin/su -F perm=x "
	    "-F uid=0\n");
	listed("-a always,exclude -F msgtype>=1100 -F msgtype<=1199",
	    "-a always,exclude -F msgtype>=USER_AUTH -F msgtype<=1199\n");
	listed("-a never,filesystem -F fstype=tracefs",
	    "-a never,filesystem -F fstype=tracefs\n");
	listed("-a always,exit -F dir=/tmp/ -C auid!=obj_uid -C uid=euid",
	    "-a always,exit -S all -F dir=/tmp/ -C auid!=obj_uid "
	    "-C uid=euid\n");
	listed("-a always,exit -F arch=b64 -S 59 -F sessionid=unset "
	    "-F inode=4294967295 -F filetype=dir -F ppid<5",
	    "-a always,exit -F arch=b64 -S execve -F sessionid=-1 "
	    "-F inode=4294967295 -F filetype=16384 -F ppid<5\n");
	listed("-a always,exit -F arch=i386 -S stime -F exit>=-13",
	    "-a always,exit -F arch=b32 -S stime -F exit>=-EACCES\n");
	listed("-A task,never -F euid=0", "-a never,task -F euid=0\n");
}
END_TEST

/*
 * A watch's perm field sits right after the path, where libaudit puts it,
 * and -p changes it there: the kernel compares rules field by field (-W
 * of a watch auditctl loaded, duplicates) and -l lists them in order.
 */
START_TEST(test_watch_fields)
{
	static const uint32_t order[] = { AUDIT_WATCH, AUDIT_PERM,
	    AUDIT_LOGINUID, AUDIT_FILTERKEY };
	struct vg_rule r;
	size_t i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	ck_assert_int_eq(compile("-w /etc/shadow -F auid>=1000 -k x", &r), 0);
	ck_assert_uint_eq(r.data->field_count, 4);
	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(r.data->fields[i], order[i]);
	ck_assert_uint_eq(r.data->values[1], AUDIT_PERM_READ |
	    AUDIT_PERM_WRITE | AUDIT_PERM_EXEC | AUDIT_PERM_ATTR);
	vg_rule_free(&r);
	listed("-w /etc/shadow -F auid>=1000 -k x", "-a always,exit -S all "
	    "-F path=/etc/shadow -F perm=rwxa -F auid>=1000 -F key=x\n");
	listed("-w /etc/shadow -F auid>=1000 -p wa -k x", "-a always,exit "
	    "-S all -F path=/etc/shadow -F perm=wa -F auid>=1000 -F key=x\n");
	listed("-W /etc/shadow -F auid>=1000", "-a always,exit -S all "
	    "-F path=/etc/shadow -F perm=rwxa -F auid>=1000\n");
	listed("-w /etc/shadow -p wa -k x", "-w /etc/shadow -p wa -k x\n");
	/* -p sets every perm field, as audit_update_watch_perms does */
	ck_assert_int_eq(compile("-w /etc/shadow -F perm=r -p wa", &r), 0);
	ck_assert_uint_eq(r.data->field_count, 3);
	ck_assert_uint_eq(r.data->values[1], AUDIT_PERM_WRITE |
	    AUDIT_PERM_ATTR);
	ck_assert_uint_eq(r.data->values[2], AUDIT_PERM_WRITE |
	    AUDIT_PERM_ATTR);
	vg_rule_free(&r);
}
END_TEST

/* ---- equivalent spellings ---- */

static void
same(const char *a, const char *b)
{
	struct vg_rule ra, rb;

	ck_assert_msg(compile(a, &ra) == 0, "does not compile: %s", a);
	ck_assert_msg(compile(b, &rb) == 0, "does not compile: %s", b);
	ck_assert_msg(ra.datalen == rb.datalen &&
	    memcmp(ra.data, rb.data, ra.datalen) == 0,
	    "differ:\n  %s\n  %s", a, b);
	vg_rule_free(&ra);
	vg_rule_free(&rb);
}

/*
 * The io_uring list's -S takes io_uring ops (enum io_uring_op), not
 * syscalls: the kernel matches that mask against the op of the request.
 */
START_TEST(test_io_uring)
{
	struct vg_rule r;
	uint32_t want[AUDIT_BITMASK_SIZE];
	int i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	/* the table is the uapi header's enum */
	for (i = 0; i <= IORING_OP_SENDMSG_ZC; i++) {
		ck_assert_ptr_nonnull(vg_uringop_name(i));
		ck_assert_int_eq(vg_uringop_number(vg_uringop_name(i),
		    strlen(vg_uringop_name(i))), i);
	}
	ck_assert_int_eq(vg_uringop_number("openat", 6), IORING_OP_OPENAT);
	ck_assert_int_eq(vg_uringop_number("uring_cmd", 9),
	    IORING_OP_URING_CMD);
	ck_assert_int_eq(vg_uringop_number("open", 4), -1);
	/* by name and by number: the op's bit, nothing else */
	memset(want, 0, sizeof(want));
	want[AUDIT_WORD(IORING_OP_OPENAT)] |= AUDIT_BIT(IORING_OP_OPENAT);
	want[AUDIT_WORD(IORING_OP_UNLINKAT)] |= AUDIT_BIT(IORING_OP_UNLINKAT);
	ck_assert_int_eq(compile("-a always,io_uring -S openat,unlinkat", &r),
	    0);
	ck_assert_mem_eq(r.data->mask, want, sizeof(want));
	vg_rule_free(&r);
	ck_assert_int_eq(compile("-a always,io_uring -S 18 -S 36", &r), 0);
	ck_assert_mem_eq(r.data->mask, want, sizeof(want));
	vg_rule_free(&r);
	/* listed back by op name; an op past the table by number */
	listed("-a always,io_uring -S openat,unlinkat -F uid=0 -k u",
	    "-a always,io_uring -S openat,unlinkat -F uid=0 -F key=u\n");
	listed("-A io_uring,never -S 19,60", "-a never,io_uring -S close,60\n");
	listed("-a always,io_uring -S all", "-a always,io_uring -S all\n");
	/* the exit list keeps the syscall table */
	listed("-a always,exit -S openat", "-a always,exit -S openat\n");
	ck_assert_int_eq(compile("-a always,exit -S 18", &r), 0);
	ck_assert_uint_eq(r.data->mask[0], AUDIT_BIT(18));
	vg_rule_free(&r);
}
END_TEST

START_TEST(test_equivalent)
{
	vg_rules_set_machine(VG_ARCH_X86_64);
	same("-a exit,always -F arch=b64 -S open", "-a always,exit "
	    "-F arch=b64 -S open");
	same("-a never,exit -S all", "-a exit,never -S all");
	same("-a always,exit -S all -F auid!=unset",
	    "-a always,exit -S all -F auid!=-1");
	same("-a always,exit -S all -F auid!=-1",
	    "-a always,exit -S all -F auid!=4294967295");
	same("-a always,exit -S all -F loginuid=5",
	    "-a always,exit -S all -F auid=5");
	same("-a always,exit -F arch=b64 -S open -k x",
	    "-a always,exit -F arch=b64 -S open -F key=x");
	same("-a always,exit -F arch=b64 -S open -k x -k y",
	    "-a always,exit -F arch=b64 -S open -F key=x -F key=y");
	same("-a always,exit -F arch=b64 -S open,close",
	    "-a always,exit -F arch=b64 -S open -S close");
	same("-a always,exit -F arch=b64 -S open,close", "-a always,exit "
	    "-F arch=x86_64 -S 2,3");
	same("-a always,exit -F arch=b32 -S open", "-a always,exit "
	    "-F arch=i386 -S open");
	same("-a always,exit -F arch=b64 -S open", "-a always,exit "
	    "-F arch=0xc000003e -S open");
	same("-a always,exit -F arch=b64 -S open", "-a always,exit "
	    "-F arch=c000003e -S open");
	same("-w /etc/shadow", "-w /etc/shadow -p rwxa");
	same("-w /etc/shadow -p wa -k k", "-a always,exit -F path=/etc/shadow "
	    "-F perm=wa -k k");
	same("-a always,exit -F arch=b64 -S open -F uid=root",
	    "-a always,exit -F arch=b64 -S open -F uid=0");
	same("-a always,exit -F arch=b64 -S open -F gid=root",
	    "-a always,exit -F arch=b64 -S open -F gid=0");
}
END_TEST

/* The complianceascode fixtures: one rule per syscall, a comma list, and
 * repeated -S must give the same masks (and the same everything else). */
static void
fixture_equivalence(const char *path)
{
	struct vg_ruleset rs;
	struct vg_err err;
	uint32_t or_mask[2][4][AUDIT_BITMASK_SIZE];
	size_t i, k;
	int section = 0, rc;
	FILE *f;
	char line[4096];

	memset(or_mask, 0, sizeof(or_mask));
	vg_ruleset_init(&rs);
	ck_assert_int_eq(vg_rules_load_file(&rs, path, NULL, NULL, &err), 0);
	/* Sections are "# one per line", "# multiple per arg", "# one per
	 * arg": map each rule's line to its section. */
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	{
		unsigned lineno = 0, sec_of[4096] = { 0 };

		while (fgets(line, sizeof(line), f)) {
			lineno++;
			if (strstr(line, "# one per line"))
				section = 0;
			else if (strstr(line, "# multiple per arg"))
				section = 1;
			else if (strstr(line, "# one per arg"))
				section = 2;
			if (lineno < 4096)
				sec_of[lineno] = (unsigned)section;
		}
		fclose(f);
		for (i = 0; i < rs.n; i++) {
			struct audit_rule_data *d = rs.v[i].data;
			int b32 = d->values[0] == AUDIT_ARCH_I386;

			ck_assert_uint_eq(d->fields[0], AUDIT_ARCH);
			for (k = 0; k < AUDIT_BITMASK_SIZE; k++)
				or_mask[b32][sec_of[rs.v[i].line]][k] |=
				    d->mask[k];
		}
	}
	for (i = 0; i < 2; i++) {
		rc = memcmp(or_mask[i][0], or_mask[i][1],
		    sizeof(or_mask[i][0]));
		ck_assert_msg(rc == 0, "%s: one-per-line != comma list", path);
		rc = memcmp(or_mask[i][1], or_mask[i][2],
		    sizeof(or_mask[i][0]));
		ck_assert_msg(rc == 0, "%s: comma list != repeated -S", path);
	}
	vg_ruleset_free(&rs);
}

START_TEST(test_fixture_spellings)
{
	struct vg_ruleset rs;
	struct vg_err err;
	size_t i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	fixture_equivalence(RULES "/complianceascode/"
	    "kernel_module_loading-test_audit.rules");
	fixture_equivalence(RULES "/complianceascode/"
	    "unsuccessful_file_modification-test_audit.rules");
	/* and the comma-list rules equal the repeated -S rules exactly */
	vg_ruleset_init(&rs);
	ck_assert_int_eq(vg_rules_load_file(&rs, RULES "/complianceascode/"
	    "kernel_module_loading-test_audit.rules", NULL, NULL, &err), 0);
	ck_assert_uint_eq(rs.n, 10);
	for (i = 6; i < 8; i++)
		ck_assert(memcmp(rs.v[i].data, rs.v[i + 2].data,
		    rs.v[i].datalen) == 0);
	vg_ruleset_free(&rs);
}
END_TEST

/* ---- order ---- */

static char *
simulate_file(const char *path)
{
	struct vg_ruleset rs;
	struct vg_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	vg_ruleset_init(&rs);
	ck_assert_int_eq(vg_rules_load_file(&rs, path, NULL, NULL, &err), 0);
	ck_assert_int_eq(vg_rules_simulate(&rs, out, NULL, NULL), 0);
	fclose(out);
	vg_ruleset_free(&rs);
	return buf;
}

/* The listing keeps file order: line i of the listing is the i-th rule
 * line of the file, so the three orderings list differently. */
START_TEST(test_order)
{
	static const char *names[] = { "ordered_by_arch", "ordered_by_filter",
	    "unordered" };
	char *out[3];
	size_t i;

	vg_rules_set_machine(VG_ARCH_X86_64);
	for (i = 0; i < 3; i++) {
		char path[512], line[4096], *p;
		FILE *f;

		snprintf(path, sizeof(path), RULES "/complianceascode/"
		    "open_rule_order-%s.rules", names[i]);
		out[i] = simulate_file(path);
		f = fopen(path, "r");
		p = out[i];
		while (fgets(line, sizeof(line), f)) {
			struct vg_rule r;
			char want[4096];

			line[strcspn(line, "\n")] = '\0';
			if (line[0] != '-')
				continue;
			ck_assert_int_eq(compile(line, &r), 0);
			vg_rules_format(r.data, r.datalen, want, sizeof(want));
			ck_assert_msg(strncmp(p, want, strlen(want)) == 0,
			    "%s: order differs at %s", names[i], line);
			p += strlen(want);
			vg_rule_free(&r);
		}
		fclose(f);
		ck_assert_str_eq(p, "");
	}
	ck_assert_str_ne(out[0], out[1]);
	ck_assert_str_ne(out[0], out[2]);
	for (i = 0; i < 3; i++)
		free(out[i]);
}
END_TEST

/* ---- bad input ---- */

struct seen {
	unsigned	 lines[32];
	char		 msgs[32][256];
	int		 n;
};

static void
collect(const struct vg_err *e, void *arg)
{
	struct seen *s = arg;

	if (s->n < 32) {
		s->lines[s->n] = e->line;
		snprintf(s->msgs[s->n], sizeof(s->msgs[0]), "%s", e->msg);
		s->n++;
	}
}

START_TEST(test_bad_input)
{
	static const struct {
		const char	*line, *token;
	} bad[] = {
		{ "-x", "-x" },					/* option */
		{ "-a always,exit -F foo=1", "foo" },		/* field */
		{ "-a always,exit -F arch=b64 -S nosuchcall", "nosuchcall" },
		{ "-a always,exit -F perm!=r", "perm" },	/* operator */
		{ "-a always,exit -F arch=b64 -S open -F a0=0x1ffffffff",
		    "a0=0x1ffffffff" },				/* range */
		{ "-w etc/passwd", "etc/passwd" },		/* path */
		{ "-a always,exit -F arch=b64 -S open -F uid=nosuchuser",
		    "nosuchuser" },
		{ "-a always,exit -F exit=-ENOSUCH", "ENOSUCH" },
		{ "-a always,user -F msgtype=NOPE", "NOPE" },
		{ "-a sometimes,exit", "sometimes" },
		{ "-e 3", "3" },
		{ "-a always,task -S open", "task" },
		{ "-a always,exit -F arch=b64 -S open -F arch=b32", "arch" },
		/* one watch per rule, nothing before it (auditctl: "Rule is
		 * not empty") */
		{ "-W /etc/passwd -W /etc/group", "Rule is not empty: -W "
		    "/etc/group" },
		{ "-d exit,always -F uid=0 -W /etc/passwd", "Rule is not "
		    "empty: -W /etc/passwd" },
		/* a syscall that is no io_uring op */
		{ "-a always,io_uring -S open", "io_uring op unknown: open" },
	};
	char text[8192] = "", *path, key[300];
	struct vg_ruleset rs;
	struct vg_err err;
	struct seen s;
	size_t i;
	int rc;

	vg_rules_set_machine(VG_ARCH_X86_64);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcat(text, bad[i].line);
		strcat(text, "\n-a always,exit -F arch=b64 -S open\n");
	}
	/* too many fields and a key that is too long */
	strcat(text, "-a always,exit -S all");
	for (i = 0; i < 64; i++)
		strcat(text, " -F pid=1");
	strcat(text, "\n");
	memset(key, 'k', 257);
	key[257] = '\0';
	strcat(text, "-w /etc/passwd -k ");
	strcat(text, key);
	strcat(text, "\n");
	path = write_tmp(text);
	memset(&s, 0, sizeof(s));
	vg_ruleset_init(&rs);
	rc = vg_rules_load_file(&rs, path, collect, &s, &err);
	ck_assert_int_eq(rc, (int)(sizeof(bad) / sizeof(bad[0])) + 2);
	ck_assert_int_eq(s.n, rc);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_uint_eq(s.lines[i], 2 * i + 1);
		ck_assert_msg(strstr(s.msgs[i], bad[i].token) != NULL,
		    "line %zu: '%s' does not name '%s'", i, s.msgs[i],
		    bad[i].token);
	}
	ck_assert(strstr(s.msgs[i], "too many fields") != NULL);
	ck_assert(strstr(s.msgs[i + 1], "key") != NULL);
	/* the good lines all compiled; no rule is half there */
	for (i = 0; i < rs.n; i++)
		ck_assert(rs.v[i].bad ? rs.v[i].data == NULL :
		    rs.v[i].data != NULL);
	/* without -c the model stops at the first bad line: nothing */
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *out = open_memstream(&buf, &len);

		vg_rules_simulate(&rs, out, NULL, NULL);
		fclose(out);
		ck_assert_str_eq(buf, "No rules\n");
		free(buf);
		rs.cont = 1;	/* -c: go on; the good rule, once (EEXIST) */
		out = open_memstream(&buf, &len);
		ck_assert_int_eq(vg_rules_simulate(&rs, out, NULL, NULL),
		    (int)(sizeof(bad) / sizeof(bad[0])) - 1);
		fclose(out);
		ck_assert_str_eq(buf, "-a always,exit -F arch=b64 -S open\n");
		free(buf);
	}
	vg_ruleset_free(&rs);
	unlink(path);
}
END_TEST

START_TEST(test_comment_only)
{
	static const char *files[] = { "20-dont-audit", "31-privileged",
	    "40-local", "99-finalize" };
	size_t i;

	for (i = 0; i < 4; i++) {
		char path[512];
		struct vg_ruleset rs;
		struct vg_err err;

		snprintf(path, sizeof(path), RULES "/audit-userspace/%s.rules",
		    files[i]);
		vg_ruleset_init(&rs);
		ck_assert_int_eq(vg_rules_load_file(&rs, path, NULL, NULL,
		    &err), 0);
		ck_assert_uint_eq(rs.n, 0);
		vg_ruleset_free(&rs);
	}
}
END_TEST

START_TEST(test_no_lock)
{
	struct vg_rule r;
	struct vg_err err;

	setenv("VIGIL_TEST_NO_LOCK", "1", 1);
	ck_assert_int_eq(compile("-e 2", &r), -1);
	ck_assert_int_eq(compile("-f 2", &r), -1);
	memset(&err, 0, sizeof(err));
	{
		char *argv[] = { "auditctl", "-e", "2", NULL };

		ck_assert_int_eq(vg_rules_parse_argv(3, argv, &r, &err), -1);
		ck_assert(strstr(err.msg, "VIGIL_TEST_NO_LOCK") != NULL);
	}
	ck_assert_int_eq(compile("-e 1", &r), 0);
	ck_assert_int_eq(compile("-f 1", &r), 0);
	/* the kernel layer refuses too, before it touches the socket */
	memset(&r, 0, sizeof(r));
	r.cmd = VG_RC_ENABLE;
	r.value = 2;
	ck_assert_int_eq(vg_rk_exec(NULL, &r, NULL, &err), -1);
	ck_assert_int_eq(errno, EPERM);
	r.cmd = VG_RC_FAILURE;
	ck_assert_int_eq(vg_rk_exec(NULL, &r, NULL, &err), -1);
	ck_assert_int_eq(errno, EPERM);
	/* without the variable, "-e 2" compiles (it is never sent here) */
	unsetenv("VIGIL_TEST_NO_LOCK");
	ck_assert_int_eq(compile("-e 2", &r), 0);
	ck_assert_uint_eq(r.value, 2);
	setenv("VIGIL_TEST_NO_LOCK", "1", 1);
}
END_TEST

/* rules.d: natural order, last -D first, last -b/-f early, last -e last */
START_TEST(test_rules_d)
{
	char dir[] = "/tmp/vg_rulesd_XXXXXX", p[256];
	struct vg_ruleset *rs;
	struct vg_err err;
	FILE *f;

	setenv("VIGIL_TEST_NO_LOCK", "1", 1);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/10-a.rules", dir);
	f = fopen(p, "w");
	fputs("-D\n-b 100\n-w /etc/passwd -k a\n-e 1\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/9-b.rules", dir);	/* before 10- */
	f = fopen(p, "w");
	fputs("# c\n-w /etc/group -k b\n-b 200\n-f 1\n-D\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/ignored.conf", dir);
	f = fopen(p, "w");
	fputs("-w /etc/hosts\n", f);
	fclose(f);
	ck_assert_int_eq(vg_rules_load_path(dir, &rs, &err), 0);
	ck_assert_uint_eq(rs->n, 6);
	ck_assert_int_eq(rs->v[0].cmd, VG_RC_DELETE_ALL);
	ck_assert_int_eq(rs->v[1].cmd, VG_RC_BACKLOG);
	ck_assert_uint_eq(rs->v[1].value, 100);		/* the last -b */
	ck_assert_int_eq(rs->v[2].cmd, VG_RC_FAILURE);
	ck_assert_int_eq(rs->v[3].cmd, VG_RC_ADD);
	ck_assert(strstr(rs->v[3].file, "9-b.rules") != NULL);
	ck_assert_uint_eq(rs->v[3].line, 2);
	ck_assert_int_eq(rs->v[4].cmd, VG_RC_ADD);
	ck_assert(strstr(rs->v[4].file, "10-a.rules") != NULL);
	ck_assert_int_eq(rs->v[5].cmd, VG_RC_ENABLE);
	vg_ruleset_free(rs);
	free(rs);
	/* a bad line names its own file and line */
	snprintf(p, sizeof(p), "%s/20-bad.rules", dir);
	f = fopen(p, "w");
	fputs("\n-a always,exit -F nosuch=1\n", f);
	fclose(f);
	ck_assert_int_eq(vg_rules_load_path(dir, &rs, &err), 1);
	ck_assert(strstr(err.file, "20-bad.rules") != NULL);
	ck_assert_uint_eq(err.line, 2);
	ck_assert(strstr(err.msg, "nosuch") != NULL);
	vg_ruleset_free(rs);
	free(rs);
	ck_assert_int_eq(system("rm -rf /tmp/vg_rulesd_*"), 0);
}
END_TEST

/* Writes dir/name (a rules.d entry). */
static void
put_rules(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs(text, f);
	fclose(f);
}

/* What vigilctl -t prints for the rules.d dir (loads without errors). */
static char *
simulated(const char *dir)
{
	struct vg_ruleset *rs;
	struct vg_err err;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(vg_rules_load_path(dir, &rs, &err) == 0, "%s:%u: %s",
	    err.file, err.line, err.msg);
	ck_assert_ptr_nonnull(out = open_memstream(&buf, &len));
	ck_assert_int_eq(vg_rules_simulate(rs, out, NULL, NULL), 0);
	fclose(out);
	vg_ruleset_free(rs);
	free(rs);
	return buf;
}

/*
 * augenrules moves only a -D alone (^\s*-D\s*$) to the front; -D -k KEY
 * stays where it is and deletes what came before it.
 */
START_TEST(test_rules_d_keyed_delete)
{
	char dir[] = "/tmp/vg_rulesd_XXXXXX", cmd[64], *out;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_rules(dir, "10-a.rules", "-w /etc/passwd -k a\n-D -k a\n"
	    "-w /etc/group -k b\n");
	out = simulated(dir);
	ck_assert_str_eq(out, "-w /etc/group -p rwxa -k b\n");
	free(out);
	/* with a plain -D later on: that one goes first, -D -k a stays */
	put_rules(dir, "20-b.rules", "-D\n-w /etc/hosts -k c\n");
	out = simulated(dir);
	ck_assert_str_eq(out, "-w /etc/group -p rwxa -k b\n"
	    "-w /etc/hosts -p rwxa -k c\n");
	free(out);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* The one bad entry of rules.d dir: its message; file is dir/name. */
static void
rules_d_refused(const char *dir, const char *name, const char *msg)
{
	struct vg_ruleset *rs;
	struct vg_err err;
	char p[512];

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(vg_rules_load_path(dir, &rs, &err), 1);
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	ck_assert_str_eq(err.file, p);
	ck_assert_uint_eq(err.line, 0);
	ck_assert_str_eq(err.msg, msg);
	ck_assert_uint_eq(rs->errors, 1);	/* vg_rules_apply refuses it */
	vg_ruleset_free(rs);
	free(rs);
	ck_assert_int_eq(unlink(p) == 0 || rmdir(p) == 0, 1);
}

/*
 * rules.d entries as augenrules takes them (ls -1v | grep): dot-files are
 * not read, so a disabled .30-x.rules or an editor's lock link
 * .#50-x.rules (dangling) changes nothing. A *.rules that cannot be read
 * fails the load with its path (augenrules would drop it silently).
 */
START_TEST(test_rules_d_entries)
{
	char dir[] = "/tmp/vg_rulesd_XXXXXX", p[512], *out;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	put_rules(dir, "10-a.rules", "-w /etc/passwd -k a\n");
	put_rules(dir, ".30-disabled.rules", "-w /etc/group -k off\n");
	snprintf(p, sizeof(p), "%s/.#50-x.rules", dir);
	ck_assert_int_eq(symlink("root@host.1234:1700000000", p), 0);
	out = simulated(dir);
	ck_assert_str_eq(out, "-w /etc/passwd -p rwxa -k a\n");
	free(out);
	snprintf(p, sizeof(p), "%s/60-y.rules", dir);
	ck_assert_int_eq(symlink("/nonexistent-vigil/60-y.rules", p), 0);
	rules_d_refused(dir, "60-y.rules", "cannot read rules file: dangling "
	    "symbolic link");
	snprintf(p, sizeof(p), "%s/70-z.rules", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);
	rules_d_refused(dir, "70-z.rules", "cannot read rules file: Is a "
	    "directory");
	snprintf(p, sizeof(p), "%s/80-f.rules", dir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);	/* must not block */
	rules_d_refused(dir, "80-f.rules", "cannot read rules file: not a "
	    "regular file");
	snprintf(p, sizeof(p), "rm -rf %s", dir);
	ck_assert_int_eq(system(p), 0);
}
END_TEST

/* ---- vg_rules_apply on the live kernel (root; serialized) ---- */

static char *
kernel_listing(void)
{
	struct vg_rk *k = vg_rk_open();
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(k);
	ck_assert_int_eq(vg_rk_print_list(k, out, NULL), 0);
	fclose(out);
	vg_rk_close(k);
	return buf;
}

/* One number from `auditctl -s` ("enabled 1"), or -1. */
static long
status_value(const char *key)
{
	char line[256], *end;
	size_t klen = strlen(key);
	long v = -1;
	FILE *p = popen("auditctl -s 2>/dev/null", "r");

	if (p == NULL)
		return -1;
	while (fgets(line, sizeof(line), p) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			v = strtol(line + klen + 1, &end, 10);
			if (end == line + klen + 1)
				v = -1;
		}
	pclose(p);
	return v;
}

/*
 * What the kernel held before the test, put back after it: a test must
 * leave a production host's rules and enabled flag as it found them.
 */
struct kernel_saved {
	char	*rules;		/* the -l listing ("No rules"), for -R */
	long	 enabled;
	long	 failure;	/* 0 or 1 (2 is refused before the test) */
	long	 backlog;
};

static void
kernel_restore(const struct kernel_saved *ks)
{
	char path[] = "/tmp/vg_rules_saved_XXXXXX", cmd[128];
	int fd;

	ck_assert_int_eq(system("auditctl -D >/dev/null 2>&1; true"), 0);
	if (strcmp(ks->rules, "No rules\n") != 0) {
		fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, ks->rules, strlen(ks->rules)),
		    (ssize_t)strlen(ks->rules));
		close(fd);
		snprintf(cmd, sizeof(cmd), "auditctl -R %s >/dev/null", path);
		ck_assert_int_eq(system(cmd), 0);
		unlink(path);
	}
	/* never 2: a locked or panicking kernel is refused before the test */
	snprintf(cmd, sizeof(cmd), "auditctl -f %ld -b %ld >/dev/null",
	    ks->failure == 0 ? 0L : 1L, ks->backlog);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "auditctl -e %ld >/dev/null",
	    ks->enabled == 1 ? 1L : 0L);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_apply_atomic)
{
	struct vg_ruleset *good, *bad;
	struct kernel_saved ks;
	struct vg_err err;
	char *before, *after;
	char *p1, *p2, text[512];
	long pid;
	int lock;

	if (geteuid() != 0 || access("/proc/self/loginuid", F_OK) != 0) {
		fprintf(stderr, "test_apply_atomic: skipped: needs root and "
		    "the audit netlink socket\n");
		return;
	}
	setenv("VIGIL_TEST_NO_LOCK", "1", 1);
	lock = open("/tmp/vigil-kernel.lock", O_RDWR | O_CREAT, 0666);
	ck_assert_int_ge(lock, 0);
	ck_assert_int_eq(flock(lock, LOCK_EX), 0);
	pid = status_value("pid");
	ks.enabled = status_value("enabled");
	ks.failure = status_value("failure");
	ks.backlog = status_value("backlog_limit");
	if (pid > 0 || ks.enabled == 2 || ks.failure < 0 || ks.failure > 1 ||
	    ks.backlog < 0) {
		/* a running audit daemon owns the rules: leave them alone */
		fprintf(stderr, "test_apply_atomic: skipped: audit pid %ld "
		    "holds the kernel (enabled %ld failure %ld)\n", pid,
		    ks.enabled, ks.failure);
		flock(lock, LOCK_UN);
		close(lock);
		return;
	}
	ks.rules = kernel_listing();
	/* -t and -m are run, --signal skipped (it would signal vigild) */
	p1 = strdup(write_tmp("-D\n-w /etc/passwd -p wa -k vg-apply\n"
	    "-t\n-m vg-apply\n--signal HUP\n"
	    "-a always,exit -F arch=b64 -S openat -k vg-apply\n"));
	/* compiles, but the kernel refuses line 5 (missing parent dir)
	 * after -b and -f (never 2) changed the status */
	snprintf(text, sizeof(text), "-b %ld\n-f %ld\n"
	    "-w /etc/group -k vg-apply2\n"
	    "-a always,exit -F arch=b64 -S close -k vg-apply2\n"
	    "-w /nonexistent-vigil/dir/file -k vg-apply2\n",
	    ks.backlog + 7, 1 - ks.failure);
	p2 = strdup(write_tmp(text));
	ck_assert_int_eq(vg_rules_load_path(p1, &good, &err), 0);
	ck_assert_int_eq(vg_rules_load_path(p2, &bad, &err), 0);
	if (vg_rules_apply(good, &err) != 0) {
		/* e.g. no CAP_AUDIT_CONTROL in a container: not our test */
		vg_ruleset_free(good);
		goto out;
	}
	before = kernel_listing();
	ck_assert_str_eq(before, "-w /etc/passwd -p wa -k vg-apply\n"
	    "-a always,exit -F arch=b64 -S openat -F key=vg-apply\n");
	ck_assert_int_eq(vg_rules_apply(bad, &err), -1);
	ck_assert(strstr(err.file, p2 + 5) != NULL);
	ck_assert_uint_eq(err.line, 5);
	after = kernel_listing();
	ck_assert_str_eq(after, before);	/* the old set is back */
	ck_assert_int_eq(status_value("backlog_limit"), ks.backlog);
	ck_assert_int_eq(status_value("failure"), ks.failure);
	free(before);
	free(after);
	/* and a ruleset with compile errors is refused up front */
	bad->errors = 1;
	ck_assert_int_eq(vg_rules_apply(bad, &err), -1);
	after = kernel_listing();
	ck_assert(strstr(after, "vg-apply") != NULL);
	free(after);
	vg_ruleset_free(good);
out:
	free(good);
	vg_ruleset_free(bad);
	free(bad);
	/* restore the rules and enabled flag found at the start */
	kernel_restore(&ks);
	after = kernel_listing();
	ck_assert_str_eq(after, ks.rules);
	free(after);
	free(ks.rules);
	unlink(p1);
	unlink(p2);
	free(p1);
	free(p2);
	flock(lock, LOCK_UN);
	close(lock);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("rules");

	setenv("VIGIL_TEST_NO_LOCK", "1", 1);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_goldens);
	tcase_add_test(tc, test_listing);
	tcase_add_test(tc, test_io_uring);
	tcase_add_test(tc, test_watch_fields);
	tcase_add_test(tc, test_equivalent);
	tcase_add_test(tc, test_fixture_spellings);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_comment_only);
	tcase_add_test(tc, test_no_lock);
	tcase_add_test(tc, test_rules_d);
	tcase_add_test(tc, test_rules_d_keyed_delete);
	tcase_add_test(tc, test_rules_d_entries);
	tcase_add_test(tc, test_apply_atomic);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
