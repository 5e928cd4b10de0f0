/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * parse.c: one auditctl command line (or one rule-file line) -> struct
 * vg_rule holding the struct audit_rule_data bytes auditctl would send.
 * Follows auditctl/libaudit semantics option by option; never touches the
 * kernel, never prints (errors go to the caller's struct vg_err).
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "vigil/rules.h"
#include "vigil/tables.h"
#include "rules/rules_priv.h"

/* Largest string payload of one rule: a few paths plus a key. */
#define RB_BUFMAX	(3 * PATH_MAX + VG_RULE_KEYMAX)
#define RB_MAXARGS	512
#define LIST_UNSET	(-1)

/* Parse state of one command: mirrors auditctl's per-line globals. */
struct rb {
	struct audit_rule_data	*d;	/* header + RB_BUFMAX bytes */
	enum vg_rcmd		 cmd;
	int			 list;	/* AUDIT_FILTER_* or LIST_UNSET */
	int			 action;	/* AUDIT_ALWAYS/NEVER or -1 */
	int			 prepend;
	int			 multiple;
	int			 syscall_added, perm_added, exe_added;
	int			 fs_added;
	uint32_t		 elf;	/* arch chosen for -S (0: host) */
	int			 argc;	/* words on the line, with argv[0] */
	int			 stop;	/* -t -q -m --signal seen: the rest of
					 * the line is not read (2: words
					 * left are an error) */
	char			 key[VG_RULE_KEYMAX + 1];
	size_t			 keylen;
	struct vg_err		*err;
};

static enum vg_arch	machine;	/* host arch; 0 = not detected yet */

/* ---- small helpers ---- */

static int __attribute__((format(printf, 2, 3)))
fail(struct rb *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->err->msg, sizeof(b->err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
vg_rules_set_machine(enum vg_arch a)
{
	machine = a;
}

/* The host's arch from uname(2), once (tables.c's vg_arch_by_name). */
enum vg_arch
vg_rules_machine(void)
{
	struct utsname u;

	if (machine != VG_ARCH_UNKNOWN)
		return machine;
	if (uname(&u) == 0 && strcmp(u.machine, "b32") != 0 &&
	    strcmp(u.machine, "b64") != 0)
		machine = vg_arch_by_name(u.machine, strlen(u.machine));
	return machine;
}

/*
 * The host's AUDIT_ARCH (b64, or no arch at all), or its 32-bit flavour
 * (b32); 0 if there is none (b32 on ppc64le, riscv64: auditctl refuses
 * it too).
 */
static uint32_t
host_elf(int bits32)
{
	enum vg_arch m = vg_rules_machine();

	return vg_arch_to_audit(bits32 ? vg_arch_b32(m) : m);
}

/*
 * strtoul/strtol with auditctl's leniency on the base (0: 0x.., 0..) but
 * with the whole token consumed and the result inside 32 bits.
 */
static int
num32(const char *s, int allow_neg, uint32_t *out)
{
	char *end;

	errno = 0;
	if (*s == '-') {
		long long v;

		if (!allow_neg || !isdigit((unsigned char)s[1]))
			return -1;
		v = strtoll(s, &end, 0);
		if (errno || *end || v < INT32_MIN)
			return -1;
		*out = (uint32_t)(int32_t)v;
		return 0;
	} else {
		unsigned long long v;

		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtoull(s, &end, 0);
		if (errno || *end || v > UINT32_MAX)
			return -1;
		*out = (uint32_t)v;
		return 0;
	}
}

static int
add_string(struct rb *b, uint32_t field, uint32_t op, const char *v,
    size_t len)
{
	struct audit_rule_data *d = b->d;

	if (len > RB_BUFMAX - d->buflen)
		return fail(b, "rule is too long at %.64s", v);
	memcpy(d->buf + d->buflen, v, len);
	d->buflen += len;
	d->fields[d->field_count] = field;
	d->fieldflags[d->field_count] = op;
	d->values[d->field_count] = (uint32_t)len;
	d->field_count++;
	return 0;
}

static int
room(struct rb *b)
{
	if (b->d->field_count >= AUDIT_MAX_FIELDS - 1)
		return fail(b, "too many fields in rule (max %d)",
		    AUDIT_MAX_FIELDS - 1);
	return 0;
}

/* Appends one numeric field. */
static int
add_field(struct rb *b, uint32_t field, uint32_t op, uint32_t val)
{
	struct audit_rule_data *d = b->d;

	if (room(b) < 0)
		return -1;
	d->fields[d->field_count] = field;
	d->fieldflags[d->field_count] = op;
	d->values[d->field_count] = val;
	d->field_count++;
	return 0;
}

/* ---- operators ---- */

static const struct {
	const char	*s;
	uint32_t	 op;
} ops[] = {	/* in the order libaudit searches for them */
	{ "!=", AUDIT_NOT_EQUAL },
	{ ">=", AUDIT_GREATER_THAN_OR_EQUAL },
	{ "<=", AUDIT_LESS_THAN_OR_EQUAL },
	{ "&=", AUDIT_BIT_TEST },
	{ "=", AUDIT_EQUAL },
	{ ">", AUDIT_GREATER_THAN },
	{ "<", AUDIT_LESS_THAN },
	{ "&", AUDIT_BIT_MASK },
};

const char *
vg_rules_op_name(uint32_t op)
{
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (ops[i].op == op)
			return ops[i].s;
	return NULL;
}

/* Splits "name OP value" in place; *op, *val set. -1 if no operator. */
static int
split_op(char *pair, uint32_t *op, char **val, int only_eq)
{
	size_t i;
	char *p;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (only_eq && ops[i].op != AUDIT_NOT_EQUAL &&
		    ops[i].op != AUDIT_EQUAL)
			continue;
		if ((p = strstr(pair, ops[i].s)) != NULL) {
			*p = '\0';
			*val = p + strlen(ops[i].s);
			*op = ops[i].op;
			return 0;
		}
	}
	return -1;
}

/* ---- values ---- */

static const struct {
	const char	*name;
	uint32_t	 mode;
} ftypes[] = {
	{ "file", S_IFREG }, { "dir", S_IFDIR }, { "socket", S_IFSOCK },
	{ "link", S_IFLNK }, { "character", S_IFCHR }, { "block", S_IFBLK },
	{ "fifo", S_IFIFO },
};

static const struct {
	const char	*name;
	uint32_t	 magic;
} fstypes[] = {
	{ "debugfs", 0x64626720 }, { "tracefs", 0x74726163 },
	{ "cgroup", 0x27e0eb }, { "cgroup2", 0x63677270 },
};

const char *
vg_rules_fstype_name(uint32_t v)
{
	size_t i;

	for (i = 0; i < sizeof(fstypes) / sizeof(fstypes[0]); i++)
		if (fstypes[i].magic == v)
			return fstypes[i].name;
	return NULL;
}

static int
parse_perm(struct rb *b, const char *v, uint32_t *out)
{
	uint32_t val = 0;
	size_t i, len = strlen(v);

	if (len > 4)
		return fail(b, "permission %s is too long", v);
	for (i = 0; i < len; i++) {
		switch (tolower((unsigned char)v[i])) {
		case 'r': val |= AUDIT_PERM_READ; break;
		case 'w': val |= AUDIT_PERM_WRITE; break;
		case 'x': val |= AUDIT_PERM_EXEC; break;
		case 'a': val |= AUDIT_PERM_ATTR; break;
		default:
			return fail(b, "permission %c isn't supported in %s",
			    v[i], v);
		}
	}
	*out = val;
	return 0;
}

static int
parse_arch(struct rb *b, const char *v, uint32_t *elf)
{
	enum vg_arch a;
	char *end;
	unsigned long x;

	if (strcasecmp(v, "b64") == 0 || strcasecmp(v, "b32") == 0) {
		*elf = host_elf(v[1] == '3');
		if (*elf == 0 || (v[1] == '6' &&
		    !(*elf & __AUDIT_ARCH_64BIT)))
			return fail(b, "arch=%s: requested bit level not "
			    "supported by machine", v);
		return 0;
	}
	/* auditctl's names (libaudit's machine table), case-sensitive */
	if ((a = vg_arch_by_name(v, strlen(v))) != VG_ARCH_UNKNOWN) {
		*elf = vg_arch_to_audit(a);
		return 0;
	}
	/* A number: "0xc000003e", or bare hex like auditctl ("c000003e"). */
	errno = 0;
	x = strtoul(v, &end, isdigit((unsigned char)*v) ? 0 : 16);
	if (errno || *end || end == v || x > UINT32_MAX ||
	    vg_arch_from_audit((uint32_t)x) == VG_ARCH_UNKNOWN)
		return fail(b, "arch=%s: machine type not found", v);
	*elf = (uint32_t)x;
	return 0;
}

/* The -k / -F key= text, joined with \x01 like auditctl. */
static int
add_key(struct rb *b, const char *v)
{
	size_t len = strlen(v);

	if (len + b->keylen + (b->keylen ? 1 : 0) > VG_RULE_KEYMAX)
		return fail(b, "key option exceeds size limit: %.64s", v);
	if (memchr(v, AUDIT_KEY_SEPARATOR, len))
		return fail(b, "key %s has illegal character", v);
	if (b->keylen)
		b->key[b->keylen++] = AUDIT_KEY_SEPARATOR;
	memcpy(b->key + b->keylen, v, len);
	b->keylen += len;
	b->key[b->keylen] = '\0';
	return 0;
}

/* -F name OP value (libaudit audit_rule_fieldpair_data). */
static int
field_pair(struct rb *b, char *pair)
{
	struct audit_rule_data *d = b->d;
	const struct vg_rulefield *f;
	char whole[128], *v;
	uint32_t op, val = 0;
	int list = b->list;
	int n;

	snprintf(whole, sizeof(whole), "%s", pair);
	if (split_op(pair, &op, &v, 0) < 0)
		return fail(b, "-F missing operation for %s", whole);
	if (*pair == '\0')
		return fail(b, "-F missing field name before operator for %s",
		    whole);
	if (*v == '\0')
		return fail(b, "-F missing value after operation for %s",
		    whole);
	f = vg_rulefield_lookup(pair, strlen(pair));
	if (f == NULL)
		return fail(b, "-F unknown field: %s", pair);
	if (f->kind == VG_RF_KEY) {
		if (op != AUDIT_EQUAL)
			return fail(b, "key only takes = operator");
		return add_key(b, v);
	}
	if (room(b) < 0)
		return -1;
	if (list == AUDIT_FILTER_EXCLUDE && !(f->flags & VG_RF_EXCL))
		return fail(b, "%s cannot be used with the exclude filter "
		    "list (msgtype, pid, uid, gid, auid, subj_*, exe only)",
		    f->name);
	if (list == AUDIT_FILTER_FS && f->field != AUDIT_FSTYPE)
		return fail(b, "%s is not valid for the filesystem filter "
		    "list", f->name);
	if ((f->flags & VG_RF_EXITONLY) && list != AUDIT_FILTER_EXIT)
		return fail(b, "%s can only be used with exit filter list",
		    f->name);
	if ((f->flags & VG_RF_OPEQ) && op != AUDIT_EQUAL)
		return fail(b, "%s only takes = operator", f->name);
	if ((f->flags & VG_RF_OPEQNE) && op != AUDIT_EQUAL &&
	    op != AUDIT_NOT_EQUAL)
		return fail(b, "%s only takes = or != operators", f->name);
	if ((f->flags & VG_RF_NOBIT) && (op == AUDIT_BIT_MASK ||
	    op == AUDIT_BIT_TEST))
		return fail(b, "%s does not take & or &= operators", f->name);

	switch (f->kind) {
	case VG_RF_UID:
		if (strcmp(v, "unset") == 0)
			val = 4294967295U;
		else if (isdigit((unsigned char)*v) || *v == '-') {
			if (num32(v, 1, &val) < 0)
				return fail(b, "-F value out of range or not "
				    "a number for %s=%s", f->name, v);
		} else {
			struct passwd *pw = getpwnam(v);

			if (pw == NULL)
				return fail(b, "Unknown user: %s", v);
			val = pw->pw_uid;
		}
		break;
	case VG_RF_GID:
		if (isdigit((unsigned char)*v)) {
			if (num32(v, 0, &val) < 0)
				return fail(b, "-F value out of range for "
				    "%s=%s", f->name, v);
		} else {
			struct group *gr = getgrnam(v);

			if (gr == NULL)
				return fail(b, "Unknown group: %s", v);
			val = gr->gr_gid;
		}
		break;
	case VG_RF_EXIT:
		if (isdigit((unsigned char)*v) ||
		    (*v == '-' && isdigit((unsigned char)v[1]))) {
			if (num32(v, 1, &val) < 0)
				return fail(b, "-F value out of range for "
				    "exit=%s", v);
		} else {
			const char *name = *v == '-' ? v + 1 : v;

			n = vg_errno_number(name, strlen(name));
			if (n <= 0)
				return fail(b, "-F unknown errno - %s", v);
			val = *v == '-' ? (uint32_t)-n : (uint32_t)n;
		}
		break;
	case VG_RF_MSGTYPE:
		if (list != AUDIT_FILTER_EXCLUDE && list != AUDIT_FILTER_USER)
			return fail(b, "msgtype field can only be used with "
			    "exclude or user filter list");
		if (isdigit((unsigned char)*v)) {
			if (num32(v, 0, &val) < 0)
				return fail(b, "-F value out of range for "
				    "msgtype=%s", v);
		} else {
			n = vg_type_by_name(v, strlen(v));
			if (n <= 0)
				return fail(b, "-F unknown message type - %s",
				    v);
			val = (uint32_t)n;
		}
		break;
	case VG_RF_STR: {
		size_t len = strlen(v);

		if (len > PATH_MAX)
			return fail(b, "String value too long: %.64s", v);
		if (f->flags & VG_RF_WATCH)
			b->perm_added = 1;
		if (f->field == AUDIT_EXE)
			b->exe_added = 1;
		return add_string(b, f->field, op, v, len);
	}
	case VG_RF_ARCH:
		if (b->syscall_added)
			return fail(b, "arch=%s must be before -S", v);
		if (parse_arch(b, v, &val) < 0)
			return -1;
		b->elf = val;
		break;
	case VG_RF_PERM:
		if (parse_perm(b, v, &val) < 0)
			return -1;
		b->perm_added = 1;
		break;
	case VG_RF_FILETYPE: {
		size_t i;

		for (i = 0; i < sizeof(ftypes) / sizeof(ftypes[0]); i++)
			if (strcmp(v, ftypes[i].name) == 0)
				break;
		if (i == sizeof(ftypes) / sizeof(ftypes[0]))
			return fail(b, "-F unknown file type - %s", v);
		val = ftypes[i].mode;
		break;
	}
	case VG_RF_FSTYPE: {
		size_t i;

		if (list != AUDIT_FILTER_FS)
			return fail(b, "fstype is only valid for the "
			    "filesystem filter list");
		if (isdigit((unsigned char)*v)) {
			if (num32(v, 0, &val) < 0)
				return fail(b, "-F value out of range for "
				    "fstype=%s", v);
		} else {
			for (i = 0; i < sizeof(fstypes) / sizeof(fstypes[0]);
			    i++)
				if (strcmp(v, fstypes[i].name) == 0)
					break;
			if (i == sizeof(fstypes) / sizeof(fstypes[0]))
				return fail(b, "file system type is unknown "
				    "for field: %s", v);
			val = fstypes[i].magic;
		}
		b->fs_added = 1;
		break;
	}
	case VG_RF_SESSION:
		if (list != AUDIT_FILTER_EXCLUDE && list != AUDIT_FILTER_USER &&
		    list != AUDIT_FILTER_EXIT)
			return fail(b, "sessionid can only be used with exit, "
			    "user or exclude filter list");
		if (strcmp(v, "unset") == 0)
			val = 4294967295U;
		else if (num32(v, 1, &val) < 0)
			return fail(b, "-F value should be number for %s=%s",
			    f->name, v);
		break;
	case VG_RF_SADDR_FAM:
		if (num32(v, 0, &val) < 0)
			return fail(b, "-F value should be number for %s=%s",
			    f->name, v);
		if (val >= AF_MAX)
			return fail(b, "value is too large for field: %s=%s",
			    f->name, v);
		break;
	case VG_RF_ARG:
		if (num32(v, 1, &val) < 0)
			return fail(b, "-F value should be number for %s=%s",
			    f->name, v);
		break;
	case VG_RF_NUM:
	default:
		if (num32(v, 0, &val) < 0)
			return fail(b, "-F value should be number for %s=%s",
			    f->name, v);
		break;
	}
	n = (int)d->field_count;
	d->fields[n] = f->field;
	d->fieldflags[n] = op;
	d->values[n] = val;
	d->field_count++;
	return 0;
}

/* -C left OP right: the AUDIT_COMPARE_* pairs. */
static const struct {
	uint32_t	 a, b, cmp;
} cmps[] = {
	{ AUDIT_UID, AUDIT_OBJ_UID, AUDIT_COMPARE_UID_TO_OBJ_UID },
	{ AUDIT_GID, AUDIT_OBJ_GID, AUDIT_COMPARE_GID_TO_OBJ_GID },
	{ AUDIT_EUID, AUDIT_OBJ_UID, AUDIT_COMPARE_EUID_TO_OBJ_UID },
	{ AUDIT_EGID, AUDIT_OBJ_GID, AUDIT_COMPARE_EGID_TO_OBJ_GID },
	{ AUDIT_LOGINUID, AUDIT_OBJ_UID, AUDIT_COMPARE_AUID_TO_OBJ_UID },
	{ AUDIT_SUID, AUDIT_OBJ_UID, AUDIT_COMPARE_SUID_TO_OBJ_UID },
	{ AUDIT_SGID, AUDIT_OBJ_GID, AUDIT_COMPARE_SGID_TO_OBJ_GID },
	{ AUDIT_FSUID, AUDIT_OBJ_UID, AUDIT_COMPARE_FSUID_TO_OBJ_UID },
	{ AUDIT_FSGID, AUDIT_OBJ_GID, AUDIT_COMPARE_FSGID_TO_OBJ_GID },
	{ AUDIT_UID, AUDIT_LOGINUID, AUDIT_COMPARE_UID_TO_AUID },
	{ AUDIT_UID, AUDIT_EUID, AUDIT_COMPARE_UID_TO_EUID },
	{ AUDIT_UID, AUDIT_FSUID, AUDIT_COMPARE_UID_TO_FSUID },
	{ AUDIT_UID, AUDIT_SUID, AUDIT_COMPARE_UID_TO_SUID },
	{ AUDIT_LOGINUID, AUDIT_FSUID, AUDIT_COMPARE_AUID_TO_FSUID },
	{ AUDIT_LOGINUID, AUDIT_SUID, AUDIT_COMPARE_AUID_TO_SUID },
	{ AUDIT_LOGINUID, AUDIT_EUID, AUDIT_COMPARE_AUID_TO_EUID },
	{ AUDIT_EUID, AUDIT_SUID, AUDIT_COMPARE_EUID_TO_SUID },
	{ AUDIT_EUID, AUDIT_FSUID, AUDIT_COMPARE_EUID_TO_FSUID },
	{ AUDIT_SUID, AUDIT_FSUID, AUDIT_COMPARE_SUID_TO_FSUID },
	{ AUDIT_GID, AUDIT_EGID, AUDIT_COMPARE_GID_TO_EGID },
	{ AUDIT_GID, AUDIT_FSGID, AUDIT_COMPARE_GID_TO_FSGID },
	{ AUDIT_GID, AUDIT_SGID, AUDIT_COMPARE_GID_TO_SGID },
	{ AUDIT_EGID, AUDIT_FSGID, AUDIT_COMPARE_EGID_TO_FSGID },
	{ AUDIT_EGID, AUDIT_SGID, AUDIT_COMPARE_EGID_TO_SGID },
	{ AUDIT_SGID, AUDIT_FSGID, AUDIT_COMPARE_SGID_TO_FSGID },
};

/* For printing: the two fields of a comparison (rules_priv.h). */
int
vg_rules_cmp_fields(uint32_t cmp, uint32_t *a, uint32_t *b)
{
	size_t i;

	for (i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++)
		if (cmps[i].cmp == cmp) {
			*a = cmps[i].a;
			*b = cmps[i].b;
			return 0;
		}
	return -1;
}

static int
field_compare(struct rb *b, char *pair)
{
	const struct vg_rulefield *f1, *f2;
	struct audit_rule_data *d = b->d;
	char whole[128], *v;
	uint32_t op;
	size_t i;

	snprintf(whole, sizeof(whole), "%s", pair);
	if (room(b) < 0)
		return -1;
	if (split_op(pair, &op, &v, 1) < 0)
		return fail(b, "-C %s only takes = or != operators", whole);
	if (*pair == '\0')
		return fail(b, "-C missing field name before operator for %s",
		    whole);
	if (*v == '\0')
		return fail(b, "-C missing value after operation for %s",
		    whole);
	if ((f1 = vg_rulefield_lookup(pair, strlen(pair))) == NULL)
		return fail(b, "-C unknown field: %s", pair);
	if ((f2 = vg_rulefield_lookup(v, strlen(v))) == NULL)
		return fail(b, "-C unknown right hand value for comparison "
		    "with: %s", v);
	if (b->list != AUDIT_FILTER_EXIT)
		return fail(b, "-C %s can only be used with exit filter list",
		    whole);
	for (i = 0; i < sizeof(cmps) / sizeof(cmps[0]); i++)
		if ((cmps[i].a == f1->field && cmps[i].b == f2->field) ||
		    (cmps[i].b == f1->field && cmps[i].a == f2->field))
			break;
	if (i == sizeof(cmps) / sizeof(cmps[0]))
		return fail(b, "-C fields are not compatible for comparison: "
		    "%s", whole);
	d->fields[d->field_count] = AUDIT_FIELD_COMPARE;
	d->fieldflags[d->field_count] = op;
	d->values[d->field_count] = cmps[i].cmp;
	d->field_count++;
	return 0;
}

/*
 * One -S word: a syscall of arch a or its number; on the io_uring list an
 * io_uring op or its number (the kernel matches that list's mask against
 * the op, never a syscall). The number, or -1 (error set).
 */
static int
syscall_word(struct rb *b, enum vg_arch a, const char *name, size_t len)
{
	int uring = b->list == AUDIT_FILTER_URING_EXIT;
	int nr = uring ? vg_uringop_number(name, len) :
	    vg_syscall_number(a, name, len);
	uint32_t v;

	if (nr < 0 && isdigit((unsigned char)*name)) {
		if (num32(name, 0, &v) == 0 && v <= INT_MAX)
			nr = (int)v;
	}
	if (nr < 0)
		return fail(b, uring ? "io_uring op unknown: %s" :
		    "Syscall name unknown: %s", name);
	if (nr >= AUDIT_BITMASK_SIZE * 32)
		return fail(b, "Syscall number out of range: %s", name);
	return nr;
}

/* -S name|number|all[,more]: sets bits for the rule's arch (or ops). */
static int
syscalls(struct rb *b, const char *arg)
{
	struct audit_rule_data *d = b->d;
	const char *p = arg, *e;
	enum vg_arch a;
	size_t i;

	switch (b->list) {
	case AUDIT_FILTER_TASK:
		return fail(b, "syscall auditing being added to task list");
	case AUDIT_FILTER_USER:
		return fail(b, "syscall auditing being added to user list");
	case AUDIT_FILTER_FS:
		return fail(b, "syscall auditing being added to filesystem "
		    "list");
	case AUDIT_FILTER_EXCLUDE:
		return fail(b, "syscall auditing cannot be put on exclude "
		    "list");
	}
	if (b->list != AUDIT_FILTER_URING_EXIT && b->elf == 0 &&
	    (b->elf = host_elf(0)) == 0)
		return fail(b, "Error detecting machine type");
	a = vg_arch_from_audit(b->elf);
	while (*p) {
		char name[64];
		size_t len;
		int nr;

		e = strchr(p, ',');
		len = e ? (size_t)(e - p) : strlen(p);
		if (len == 0 || len >= sizeof(name))
			return fail(b, "Syscall name unknown: %s", arg);
		memcpy(name, p, len);
		name[len] = '\0';
		if (strcmp(name, "all") == 0) {
			for (i = 0; i < AUDIT_BITMASK_SIZE; i++)
				d->mask[i] = ~0U;
		} else {
			if ((nr = syscall_word(b, a, name, len)) < 0)
				return -1;
			d->mask[AUDIT_WORD(nr)] |= AUDIT_BIT(nr);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	b->syscall_added = 1;
	return 0;
}

/* -a/-A/-d "list,action" in either order (auditctl audit_rule_setup). */
static int
lookup_list(const char *s)
{
	static const struct {
		const char	*name;
		int		 list;
	} lists[] = {
		{ "task", AUDIT_FILTER_TASK }, { "entry", AUDIT_FILTER_ENTRY },
		{ "exit", AUDIT_FILTER_EXIT }, { "user", AUDIT_FILTER_USER },
		{ "exclude", AUDIT_FILTER_EXCLUDE },
		{ "filesystem", AUDIT_FILTER_FS },
		{ "io_uring", AUDIT_FILTER_URING_EXIT },
	};
	size_t i;

	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (strcmp(s, lists[i].name) == 0)
			return lists[i].list;
	return LIST_UNSET;
}

const char *
vg_rules_list_name(uint32_t list)
{
	switch (list) {
	case AUDIT_FILTER_USER: return "user";
	case AUDIT_FILTER_TASK: return "task";
	case AUDIT_FILTER_ENTRY: return "entry";
	case AUDIT_FILTER_EXIT: return "exit";
	case AUDIT_FILTER_EXCLUDE: return "exclude";
	case AUDIT_FILTER_FS: return "filesystem";
	case AUDIT_FILTER_URING_EXIT: return "io_uring";
	}
	return NULL;
}

static int
lookup_action(const char *s)
{
	if (strcmp(s, "always") == 0)
		return AUDIT_ALWAYS;
	if (strcmp(s, "never") == 0)
		return AUDIT_NEVER;
	if (strcmp(s, "possible") == 0)
		return -2;
	return -1;
}

static int
rule_setup(struct rb *b, const char *opt, const char *optname)
{
	char one[32], two[32];
	const char *comma = strchr(opt, ',');
	int a1, a2, l1, l2;
	size_t len;

	if (++b->multiple != 1)
		return fail(b, "Multiple rule insert/delete operations are "
		    "not allowed");
	len = comma ? (size_t)(comma - opt) : 0;
	if (comma == NULL || strchr(comma + 1, ',') || len >= sizeof(one) ||
	    strlen(comma + 1) >= sizeof(two))
		return fail(b, "%s rule - bad keyword %s", optname, opt);
	memcpy(one, opt, len);
	one[len] = '\0';
	snprintf(two, sizeof(two), "%s", comma + 1);
	a1 = lookup_action(one);
	a2 = lookup_action(two);
	l1 = lookup_list(one);
	l2 = lookup_list(two);
	if (a1 == -2 || a2 == -2)
		return fail(b, "%s rule - possible is deprecated", optname);
	if (a1 >= 0 && l2 != LIST_UNSET) {
		b->action = a1;
		b->list = l2;
	} else if (l1 != LIST_UNSET && a2 >= 0) {
		b->list = l1;
		b->action = a2;
	} else
		return fail(b, "%s rule - bad keyword %s", optname, opt);
	return 0;
}

/* -w/-W path (auditctl audit_setup_watch_name). */
static int
watch(struct rb *b, const char *arg)
{
	char path[PATH_MAX];
	const char *base;
	size_t len = strlen(arg);
	struct stat st;
	uint32_t type = AUDIT_WATCH;

	if (len >= PATH_MAX)
		return fail(b, "The path passed for the watch is too big");
	if (arg[0] != '/')
		return fail(b, "The path must start with '/': %s", arg);
	memcpy(path, arg, len + 1);
	if (len > 2 && path[len - 1] == '/')
		while (len > 1 && path[len - 1] == '/')
			path[--len] = '\0';
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	if (strlen(base) > NAME_MAX)
		return fail(b, "The base name of the path is too big: %s",
		    arg);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		type = AUDIT_DIR;
	if (room(b) < 0)
		return -1;
	memset(b->d->mask, 0xff, sizeof(b->d->mask));	/* all syscalls */
	if (add_string(b, type, AUDIT_EQUAL, path, len) < 0)
		return -1;
	/*
	 * Every permission until -p says otherwise, right after the path
	 * where libaudit's audit_add_watch_dir puts it: the kernel compares
	 * fields in order (-W and -d of a rule auditctl loaded, duplicates),
	 * and -l prints them in order.
	 */
	b->perm_added = 1;
	return add_field(b, AUDIT_PERM, AUDIT_EQUAL, AUDIT_PERM_READ |
	    AUDIT_PERM_WRITE | AUDIT_PERM_EXEC | AUDIT_PERM_ATTR);
}

/* -p: update the perm fields in place or add one at the end
 * (audit_update_watch_perms). */
static int
perms(struct rb *b, const char *arg)
{
	struct audit_rule_data *d = b->d;
	uint32_t val, i;
	int found = 0;

	if (b->list == LIST_UNSET)
		return fail(b, "permission option needs a watch given prior "
		    "to it");
	if (parse_perm(b, arg, &val) < 0)
		return -1;
	if (d->field_count < 1)
		return fail(b, "permission option needs a watch given prior "
		    "to it");
	b->perm_added = 1;
	for (i = 0; i < d->field_count; i++)
		if (d->fields[i] == AUDIT_PERM) {
			d->values[i] = val;
			found = 1;
		}
	return found ? 0 : add_field(b, AUDIT_PERM, AUDIT_EQUAL, val);
}

static int
ctl_value(struct rb *b, struct vg_rule *r, enum vg_rcmd cmd,
    const char *arg, const char *what)
{
	uint32_t v;

	if (cmd == VG_RC_ENABLE || cmd == VG_RC_FAILURE) {
		if (strcmp(arg, "0") && strcmp(arg, "1") && strcmp(arg, "2"))
			return fail(b, "%s must be 0, 1, or 2 was %s", what,
			    arg);
		v = (uint32_t)(arg[0] - '0');
		if (v == 2 && vg_rules_no_lock())
			return fail(b, "%s 2 refused: VIGIL_TEST_NO_LOCK=1 "
			    "is set", cmd == VG_RC_ENABLE ? "-e" : "-f");
	} else if (num32(arg, 0, &v) < 0)
		return fail(b, "%s must be a numeric value was %s", what, arg);
	if (b->cmd != VG_RC_NONE)
		return fail(b, "only one command per line: %s", arg);
	b->cmd = cmd;
	r->value = v;
	return 0;
}

int
vg_rules_no_lock(void)
{
	const char *s = getenv("VIGIL_TEST_NO_LOCK");

	return s != NULL && strcmp(s, "1") == 0;
}

/*
 * -t, -q, -m, --signal: auditctl runs them at once and reads no further
 * (a rule given before them on the line is dropped), but they do not
 * combine with another command.
 */
static int
control(struct rb *b, struct vg_rule *r, enum vg_rcmd cmd, const char *opt,
    const char *arg)
{
	if (b->cmd != VG_RC_NONE && b->cmd != VG_RC_ADD &&
	    b->cmd != VG_RC_PREPEND && b->cmd != VG_RC_DEL)
		return fail(b, "only one command per line: %s", opt);
	if (arg && (r->arg = strdup(arg)) == NULL)
		return fail(b, "out of memory");
	b->cmd = cmd;
	b->stop = 1;
	return 0;
}

/* ---- the option loop ---- */

enum { L_LOGINUID = 1, L_BWT, L_RESET_LOST, L_RESET_BWT, L_SIGNAL };

static int
long_opt(const char *s, const char **arg)
{
	static const struct {
		const char	*name;
		int		 id, has_arg;
	} lo[] = {
		{ "loginuid-immutable", L_LOGINUID, 0 },
		{ "backlog_wait_time", L_BWT, 1 },
		{ "reset-lost", L_RESET_LOST, 0 },
		{ "reset_backlog_wait_time_actual", L_RESET_BWT, 0 },
		{ "signal", L_SIGNAL, 1 },
	};
	size_t i, n;
	const char *eq = strchr(s, '=');

	n = eq ? (size_t)(eq - s) : strlen(s);
	for (i = 0; i < sizeof(lo) / sizeof(lo[0]); i++)
		if (strlen(lo[i].name) == n && strncmp(s, lo[i].name, n) == 0) {
			*arg = eq ? eq + 1 : NULL;
			return lo[i].has_arg ? -lo[i].id : lo[i].id;
		}
	return 0;
}

static int
apply_opt(struct rb *b, struct vg_rule *r, int c, char *arg)
{
	switch (c) {
	case 'h':
		b->cmd = VG_RC_HELP;
		return 0;
	case 'v':
		b->cmd = VG_RC_VERSION;
		return 0;
	case 'i':
		if (b->cmd == VG_RC_LIST || b->cmd == VG_RC_STATUS) {
			r->interpret = 1;
			return 0;
		}
		b->cmd = VG_RC_IGNORE;
		return 0;
	case 'c':
		b->cmd = VG_RC_CONTINUE;
		return 0;
	case 's':
		b->cmd = VG_RC_STATUS;
		return 0;
	case 'l':
		b->cmd = VG_RC_LIST;
		return 0;
	case 'D':
		b->cmd = VG_RC_DELETE_ALL;
		return 0;
	case 'e':
		return ctl_value(b, r, VG_RC_ENABLE, arg, "Enable");
	case 'f':
		return ctl_value(b, r, VG_RC_FAILURE, arg, "Failure");
	case 'r':
		return ctl_value(b, r, VG_RC_RATE, arg, "Rate");
	case 'b':
		return ctl_value(b, r, VG_RC_BACKLOG, arg, "Backlog");
	case 'a':
	case 'A':
		if (strstr(arg, "task") && b->syscall_added)
			return fail(b, "Syscall auditing requested for task "
			    "list");
		if (rule_setup(b, arg, c == 'a' ? "Append" : "Add") < 0)
			return -1;
		b->cmd = c == 'a' ? VG_RC_ADD : VG_RC_PREPEND;
		return 0;
	case 'd':
		if (rule_setup(b, arg, "Delete") < 0)
			return -1;
		b->cmd = VG_RC_DEL;
		return 0;
	case 'S':
		return syscalls(b, arg);
	case 'F':
		if (b->list == LIST_UNSET)
			return fail(b, "List must be given before field: %s",
			    arg);
		return field_pair(b, arg);
	case 'C':
		return field_compare(b, arg);
	case 'w':
	case 'W':
		if (c == 'w' && b->list != LIST_UNSET)
			return fail(b, "watch option can't be given with a "
			    "syscall");
		/* one path per rule: libaudit's audit_add_watch_dir */
		if (b->d->field_count != 0)
			return fail(b, "Rule is not empty: -%c %s", c, arg);
		b->list = AUDIT_FILTER_EXIT;
		b->action = AUDIT_ALWAYS;
		b->cmd = c == 'w' ? VG_RC_ADD : VG_RC_DEL;
		b->syscall_added = 1;
		return watch(b, arg);
	case 'p':
		return perms(b, arg);
	case 'k':
		if (b->cmd == VG_RC_LIST || b->cmd == VG_RC_DELETE_ALL) {
			if (strlen(arg) > VG_RULE_KEYMAX)
				return fail(b, "key option exceeds size "
				    "limit");
			snprintf(r->key, sizeof(r->key), "%s", arg);
			return 0;
		}
		if (!(b->syscall_added || b->perm_added || b->exe_added ||
		    b->fs_added) || b->list == LIST_UNSET)
			return fail(b, "key option needs a watch or syscall "
			    "given prior to it: -k %s", arg);
		return add_key(b, arg);
	case 'R':
		return fail(b, "Error - nested rule files not supported");
	case 't':
		return control(b, r, VG_RC_TRIM, "-t", NULL);
	case 'q':
		if (b->syscall_added)
			return fail(b, "Syscall auditing requested for make "
			    "equivalent");
		if (!vg_ctl_equiv_ok(arg))
			return fail(b, "Error parsing equivalent parts");
		return control(b, r, VG_RC_MAKE_EQUIV, "-q", arg);
	case 'm':
		if (b->argc > 3)
			return fail(b, "The -m option must be only the only "
			    "option and takes 1 parameter");
		if (!vg_ctl_usermsg_ok(arg))
			return fail(b, "Illegal character in audit event");
		return control(b, r, VG_RC_USER_MSG, "-m", arg);
	}
	return fail(b, "Option -%c is invalid", c);
}

static int
apply_long(struct rb *b, struct vg_rule *r, int id, const char *arg)
{
	switch (id) {
	case L_LOGINUID:
		b->cmd = VG_RC_LOGINUID_IMMUTABLE;
		return 0;
	case L_RESET_LOST:
		b->cmd = VG_RC_RESET_LOST;
		return 0;
	case L_RESET_BWT:
		b->cmd = VG_RC_RESET_BWT;
		return 0;
	case L_BWT:
		return ctl_value(b, r, VG_RC_BACKLOG_WAIT, arg,
		    "Backlog_wait_time");
	case L_SIGNAL:
		break;
	}
	if ((r->value = (uint32_t)vg_ctl_signal_number(arg)) == 0)
		return fail(b, "%s is an unsupported signal", arg);
	if (control(b, r, VG_RC_SIGNAL, "--signal", NULL) < 0)
		return -1;
	b->stop = 2;	/* auditctl goes on reading after --signal */
	return 0;
}

/* After all options: key, default perms, "-S all", list checks. */
static int
finish(struct rb *b, struct vg_rule *r)
{
	struct audit_rule_data *d = b->d;
	size_t i;

	if (b->stop) {		/* a rule before -t -q -m --signal: dropped */
		r->cmd = b->cmd;
		return 0;
	}
	if (b->cmd != VG_RC_ADD && b->cmd != VG_RC_PREPEND &&
	    b->cmd != VG_RC_DEL) {
		if (b->syscall_added || d->field_count)
			return fail(b, "Error - no list specified");
		if (b->keylen)
			return fail(b, "key option needs a watch or syscall "
			    "given prior to it");
		r->cmd = b->cmd;
		return 0;
	}
	if (b->list == AUDIT_FILTER_ENTRY)
		return fail(b, "entry list is deprecated (the kernel refuses "
		    "it)");
	if (b->keylen) {
		if (!(b->syscall_added || b->perm_added || b->exe_added ||
		    b->fs_added))
			return fail(b, "Key field needs a watch, syscall or exe "
			    "path given prior to it");
		if (room(b) < 0)
			return -1;
		if (add_string(b, AUDIT_FILTERKEY, AUDIT_EQUAL, b->key,
		    b->keylen) < 0)
			return -1;
	}
	if (b->list != AUDIT_FILTER_TASK && !b->syscall_added)
		for (i = 0; i < AUDIT_BITMASK_SIZE; i++)
			d->mask[i] = ~0U;
	d->flags = (uint32_t)b->list | (b->cmd == VG_RC_PREPEND ?
	    AUDIT_FILTER_PREPEND : 0);
	d->action = (uint32_t)b->action;
	r->datalen = sizeof(*d) + d->buflen;
	if ((r->data = malloc(r->datalen)) == NULL)
		return fail(b, "out of memory");
	memcpy(r->data, d, r->datalen);
	r->cmd = b->cmd;
	return 0;
}

/* Which short options take an argument (auditctl's optstring). */
static int
takes_arg(int c)
{
	return c != 0 && strchr("CefrbaAdSFmRwWkpq", c) != NULL;
}

int
vg_rules_parse_argv(int argc, char *const argv[], struct vg_rule *r,
    struct vg_err *err)
{
	struct rb b;
	unsigned char *mem;
	char *arg;
	int i, rc = 0;

	memset(r, 0, sizeof(*r));
	memset(&b, 0, sizeof(b));
	b.err = err;
	err->msg[0] = '\0';
	b.list = LIST_UNSET;
	b.action = -1;
	b.argc = argc;
	if ((mem = calloc(1, sizeof(struct audit_rule_data) + RB_BUFMAX)) ==
	    NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	b.d = (struct audit_rule_data *)mem;
	if (argc < 2) {
		rc = fail(&b, "no options given");
		goto out;
	}
	for (i = 1; i < argc && rc == 0; i++) {
		const char *s = argv[i];
		char opt;

		if (s[0] != '-' || s[1] == '\0') {
			rc = fail(&b, "parameter passed without an option "
			    "given: %s", s);
			break;
		}
		if (s[1] == '-') {
			const char *la = NULL;
			int id = long_opt(s + 2, &la);

			if (id == 0) {
				rc = fail(&b, "Option %s is invalid", s);
				break;
			}
			if (id < 0 && la == NULL) {
				if (i + 1 >= argc) {
					rc = fail(&b, "Option %s is invalid",
					    s);
					break;
				}
				la = argv[++i];
			}
			rc = apply_long(&b, r, id < 0 ? -id : id, la);
			if (b.stop)
				break;
			continue;
		}
		opt = s[1];
		if (!takes_arg(opt)) {
			if (s[2] != '\0') {
				rc = fail(&b, "Option %s is invalid", s);
				break;
			}
			rc = apply_opt(&b, r, opt, NULL);
			if (b.stop)
				break;
			continue;
		}
		if (s[2] != '\0')
			arg = strdup(s + 2);
		else if (i + 1 < argc)
			arg = strdup(argv[++i]);
		else {
			rc = fail(&b, "Option -%c is invalid", opt);
			break;
		}
		if (arg == NULL) {
			rc = fail(&b, "out of memory");
			break;
		}
		rc = apply_opt(&b, r, opt, arg);
		free(arg);
		if (b.stop)
			break;
	}
	if (rc == 0 && b.stop == 2 && i + 1 < argc)
		rc = fail(&b, "parameter passed without an option given: %s",
		    argv[i + 1]);
	if (rc == 0)
		rc = finish(&b, r);
out:
	free(mem);
	if (rc < 0)
		vg_rule_free(r);
	return rc;
}

int
vg_rules_parse_line(const char *line, struct vg_rule *r, struct vg_err *err)
{
	char *copy, *argv[RB_MAXARGS];
	char *p, *w;
	int argc = 0, rc;
	size_t n = strlen(line);

	memset(r, 0, sizeof(*r));
	err->msg[0] = '\0';
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if ((copy = malloc(n + 1)) == NULL) {
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return -1;
	}
	argv[argc++] = (char *)"auditctl";
	/* Split on spaces; "\ " is a space and "\\" a backslash in a word. */
	p = (char *)line;
	w = copy;
	while ((size_t)(p - line) < n) {
		while ((size_t)(p - line) < n && *p == ' ')
			p++;
		if ((size_t)(p - line) >= n)
			break;
		if (argc >= RB_MAXARGS - 1) {
			free(copy);
			snprintf(err->msg, sizeof(err->msg), "too many words");
			return -1;
		}
		argv[argc++] = w;
		while ((size_t)(p - line) < n && *p != ' ') {
			if (*p == '\\' && (size_t)(p + 1 - line) < n &&
			    (p[1] == ' ' || p[1] == '\\')) {
				*w++ = p[1];
				p += 2;
			} else
				*w++ = *p++;
		}
		*w++ = '\0';
	}
	if (argc == 1 || argv[1][0] == '#') {
		free(copy);
		return 0;
	}
	rc = vg_rules_parse_argv(argc, argv, r, err);
	free(copy);
	return rc < 0 ? -1 : 1;
}

void
vg_rule_free(struct vg_rule *r)
{
	free(r->data);
	free(r->arg);
	r->data = NULL;
	r->datalen = 0;
	r->arg = NULL;
}
