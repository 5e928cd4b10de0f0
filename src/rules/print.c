/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * print.c: one struct audit_rule_data -> the line auditctl -l prints for it
 * (auditctl 3.0.9 text: watches as -w/-p/-k, exit codes as errno names,
 * a0..a3 in hex, everything else signed decimal). Also rule equality and
 * key matching. Every length is checked against the buffer before use.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vigil/rules.h"
#include "vigil/tables.h"
#include "rules/rules_priv.h"
#include "rules/interp_priv.h"

static const struct {
	uint32_t	 field;
	const char	*name;
} names[] = {
	{ AUDIT_PID, "pid" }, { AUDIT_UID, "uid" }, { AUDIT_EUID, "euid" },
	{ AUDIT_SUID, "suid" }, { AUDIT_FSUID, "fsuid" }, { AUDIT_GID, "gid" },
	{ AUDIT_EGID, "egid" }, { AUDIT_SGID, "sgid" },
	{ AUDIT_FSGID, "fsgid" }, { AUDIT_LOGINUID, "auid" },
	{ AUDIT_PERS, "pers" }, { AUDIT_ARCH, "arch" },
	{ AUDIT_MSGTYPE, "msgtype" }, { AUDIT_SUBJ_USER, "subj_user" },
	{ AUDIT_SUBJ_ROLE, "subj_role" }, { AUDIT_SUBJ_TYPE, "subj_type" },
	{ AUDIT_SUBJ_SEN, "subj_sen" }, { AUDIT_SUBJ_CLR, "subj_clr" },
	{ AUDIT_PPID, "ppid" }, { AUDIT_OBJ_USER, "obj_user" },
	{ AUDIT_OBJ_ROLE, "obj_role" }, { AUDIT_OBJ_TYPE, "obj_type" },
	{ AUDIT_OBJ_LEV_LOW, "obj_lev_low" },
	{ AUDIT_OBJ_LEV_HIGH, "obj_lev_high" },
	{ AUDIT_SESSIONID, "sessionid" }, { AUDIT_FSTYPE, "fstype" },
	{ AUDIT_DEVMAJOR, "devmajor" }, { AUDIT_DEVMINOR, "devminor" },
	{ AUDIT_INODE, "inode" }, { AUDIT_EXIT, "exit" },
	{ AUDIT_SUCCESS, "success" }, { AUDIT_WATCH, "path" },
	{ AUDIT_PERM, "perm" }, { AUDIT_DIR, "dir" },
	{ AUDIT_FILETYPE, "filetype" }, { AUDIT_OBJ_UID, "obj_uid" },
	{ AUDIT_OBJ_GID, "obj_gid" }, { AUDIT_FIELD_COMPARE, "field_compare" },
	{ AUDIT_EXE, "exe" }, { AUDIT_SADDR_FAM, "saddr_fam" },
	{ AUDIT_ARG0, "a0" }, { AUDIT_ARG1, "a1" }, { AUDIT_ARG2, "a2" },
	{ AUDIT_ARG3, "a3" }, { AUDIT_FILTERKEY, "key" },
};

const char *
vg_rules_field_name(uint32_t field)
{
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].field == field)
			return names[i].name;
	return NULL;
}

/* Fields whose value is a length into buf. */
static int
is_string(uint32_t f)
{
	return (f >= AUDIT_SUBJ_USER && f <= AUDIT_OBJ_LEV_HIGH &&
	    f != AUDIT_PPID) || f == AUDIT_WATCH || f == AUDIT_DIR ||
	    f == AUDIT_FILTERKEY || f == AUDIT_EXE;
}

/* Checks field_count and that the strings fit; 0 if sane. */
static int
check(const struct audit_rule_data *d, size_t len)
{
	size_t off = 0;
	uint32_t i;

	if (len < sizeof(*d) || d->field_count > AUDIT_MAX_FIELDS ||
	    d->buflen > len - sizeof(*d))
		return -1;
	for (i = 0; i < d->field_count; i++)
		if (is_string(d->fields[i] & ~AUDIT_OPERATORS)) {
			if (d->values[i] > d->buflen - off)
				return -1;
			off += d->values[i];
		}
	return 0;
}

struct out {
	char	*p;
	size_t	 len, cap;
	int	 over;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->cap - o->len)
		o->over = 1;
	else
		o->len += (size_t)n;
}

static int
is_watch(const struct audit_rule_data *d)
{
	uint32_t i, list = d->flags & AUDIT_FILTER_MASK;
	int perm = 0;

	for (i = 0; i < d->field_count; i++) {
		uint32_t f = d->fields[i] & ~AUDIT_OPERATORS;

		if (f == AUDIT_PERM)
			perm = 1;
		if (f != AUDIT_PERM && f != AUDIT_FILTERKEY &&
		    f != AUDIT_DIR && f != AUDIT_WATCH)
			return 0;
	}
	if (list != AUDIT_FILTER_USER && list != AUDIT_FILTER_TASK &&
	    list != AUDIT_FILTER_EXCLUDE)
		for (i = 0; i < AUDIT_BITMASK_SIZE - 1; i++)
			if (d->mask[i] != ~0U)
				return 0;
	return perm;
}

/*
 * Prints -S (on the io_uring list: io_uring ops); returns how many
 * syscalls auditctl counted (-S all counts as many) and the last one in
 * *last: -i interprets a0..a3 only for one.
 */
static int
print_syscalls(struct out *o, const struct audit_rule_data *d, uint32_t elf,
    int *last)
{
	uint32_t list = d->flags & AUDIT_FILTER_MASK;
	enum vg_arch a = elf ? vg_arch_from_audit(elf) : vg_rules_machine();
	int i, first = 1, count = 0;

	if (list == AUDIT_FILTER_USER || list == AUDIT_FILTER_TASK ||
	    list == AUDIT_FILTER_EXCLUDE || list == AUDIT_FILTER_FS)
		return 0;
	for (i = 0; i < AUDIT_BITMASK_SIZE - 1; i++)
		if (d->mask[i] != ~0U)
			break;
	if (i == AUDIT_BITMASK_SIZE - 1) {
		put(o, " -S all");
		return i;
	}
	for (i = 0; i < AUDIT_BITMASK_SIZE * 32; i++) {
		const char *name;

		if (!(d->mask[AUDIT_WORD(i)] & AUDIT_BIT(i)))
			continue;
		if (list == AUDIT_FILTER_URING_EXIT)
			name = vg_uringop_name(i);
		else
			name = a != VG_ARCH_UNKNOWN ? vg_syscall_name(a, i) :
			    NULL;
		if (name)
			put(o, first ? " -S %s" : ",%s", name);
		else
			put(o, first ? " -S %d" : ",%d", i);
		first = 0;
		count++;
		*last = i;
	}
	return count;
}

/* -i prints the machine name (x86_64), plain -l b64/b32. */
static void
print_arch(struct out *o, uint32_t elf, const char *op, int interp)
{
	if (vg_arch_from_audit(elf) == VG_ARCH_UNKNOWN)
		put(o, " -F arch%s0x%X", op, elf);
	else if (interp && vg_rules_interp_machine(elf))
		put(o, " -F arch%s%s", op, vg_rules_interp_machine(elf));
	else
		put(o, " -F arch%s%s", op, (elf & __AUDIT_ARCH_64BIT) ?
		    "b64" : "b32");
}

static int
format_rule(const struct audit_rule_data *d, size_t len, char *buf,
    size_t buflen, int interp)
{
	struct out o = { buf, 0, buflen, 0 };
	size_t boff = 0;
	uint32_t i, elf = 0, mach = 0;
	struct vg_iargs prev = { { 0, 0, 0, 0 }, 0 };
	int watch, count = 0, sc = 0;

	if (buflen == 0 || check(d, len) < 0) {
		errno = EINVAL;
		return -1;
	}
	buf[0] = '\0';
	watch = is_watch(d);
	if (!watch) {
		const char *ln = vg_rules_list_name(d->flags &
		    AUDIT_FILTER_MASK);
		const char *an = d->action == AUDIT_NEVER ? "never" :
		    d->action == AUDIT_POSSIBLE ? "possible" :
		    d->action == AUDIT_ALWAYS ? "always" : "unknown";

		put(&o, "-a %s,%s", an, ln ? ln : "unknown");
		for (i = 0; i < d->field_count; i++)
			if ((d->fields[i] & ~AUDIT_OPERATORS) == AUDIT_ARCH) {
				const char *op = vg_rules_op_name(
				    d->fieldflags[i] & AUDIT_OPERATORS);

				elf = d->values[i];
				print_arch(&o, elf, op ? op : "?", interp);
			}
		/* auditctl names arguments only with an explicit arch, and
		 * an io_uring op is no syscall to name them by */
		mach = (d->flags & AUDIT_FILTER_MASK) ==
		    AUDIT_FILTER_URING_EXIT ? 0 : elf;
		count = print_syscalls(&o, d, elf, &sc);
	}
	for (i = 0; i < d->field_count; i++) {
		uint32_t f = d->fields[i] & ~AUDIT_OPERATORS;
		uint32_t v = d->values[i];
		const char *op = vg_rules_op_name(d->fieldflags[i] &
		    AUDIT_OPERATORS);
		const char *name = vg_rules_field_name(f);
		const char *s = d->buf + boff;

		if (op == NULL)
			op = "?";
		if (is_string(f))
			boff += v;
		if (f == AUDIT_ARCH)
			continue;
		if (name == NULL) {
			put(&o, " f%u%s%d", d->fields[i], op, (int32_t)v);
			continue;
		}
		switch (f) {
		case AUDIT_MSGTYPE: {
			const char *t = vg_type_name(v);

			if (t)
				put(&o, " -F %s%s%s", name, op, t);
			else
				put(&o, " -F %s%s%d", name, op, (int32_t)v);
			break;
		}
		case AUDIT_WATCH:
		case AUDIT_DIR:
			if (watch)
				put(&o, "-w %.*s", (int)v, s);
			else
				put(&o, " -F %s=%.*s", name, (int)v, s);
			break;
		case AUDIT_FILTERKEY: {
			uint32_t a = 0, b;

			while (a < v) {
				for (b = a; b < v && s[b] != AUDIT_KEY_SEPARATOR;
				    b++)
					;
				if (b > a)
					put(&o, watch ? " -k %.*s" :
					    " -F key=%.*s", (int)(b - a), s + a);
				a = b + 1;
			}
			break;
		}
		case AUDIT_PERM: {
			char p[5];
			size_t n = 0;

			if (v & AUDIT_PERM_READ)
				p[n++] = 'r';
			if (v & AUDIT_PERM_WRITE)
				p[n++] = 'w';
			if (v & AUDIT_PERM_EXEC)
				p[n++] = 'x';
			if (v & AUDIT_PERM_ATTR)
				p[n++] = 'a';
			p[n] = '\0';
			put(&o, watch ? " -p %s" : " -F perm=%s", p);
			break;
		}
		case AUDIT_INODE:
			put(&o, " -F %s%s%u", name, op, v);
			break;
		case AUDIT_FIELD_COMPARE: {
			uint32_t a, b;

			if (vg_rules_cmp_fields(v, &a, &b) == 0)
				put(&o, " -C %s%s%s", vg_rules_field_name(a),
				    op, vg_rules_field_name(b));
			break;
		}
		case AUDIT_ARG0:
		case AUDIT_ARG1:
		case AUDIT_ARG2:
		case AUDIT_ARG3: {
			char a[1024];	/* the longest flag lists: ~450 */

			if (interp && count <= 1 && vg_rules_interp_arg(mach,
			    sc, f - AUDIT_ARG0, v, &prev, a, sizeof(a)) == 0)
				put(&o, " -F %s%s%s", name, op, a);
			else
				put(&o, " -F %s%s0x%X", name, op, v);
			prev.v[f - AUDIT_ARG0] = v;
			prev.seen |= 1U << (f - AUDIT_ARG0);
			break;
		}
		case AUDIT_EXIT: {
			const char *e = (int32_t)v < 0 ?
			    vg_errno_name(-(int32_t)v) : NULL;

			if (e)
				put(&o, " -F %s%s-%s", name, op, e);
			else
				put(&o, " -F %s%s%d", name, op, (int32_t)v);
			break;
		}
		case AUDIT_FSTYPE: {
			const char *t = vg_rules_fstype_name(v);

			if (t)
				put(&o, " -F %s%s%s", name, op, t);
			else
				put(&o, " -F %s%s%d", name, op, (int32_t)v);
			break;
		}
		case AUDIT_LOGINUID:
		case AUDIT_SESSIONID:
			/* -i spells the unset id; plain -l prints -1 */
			if (interp && v == UINT32_MAX)
				put(&o, " -F %s%sunset", name, op);
			else
				put(&o, " -F %s%s%d", name, op, (int32_t)v);
			break;
		default:
			if (is_string(f))
				put(&o, " -F %s%s%.*s", name, op, (int)v, s);
			else
				put(&o, " -F %s%s%d", name, op, (int32_t)v);
			break;
		}
	}
	put(&o, "\n");
	if (o.over) {
		errno = ENOSPC;
		return -1;
	}
	return (int)o.len;
}

int
vg_rules_format(const struct audit_rule_data *d, size_t len, char *buf,
    size_t buflen)
{
	return format_rule(d, len, buf, buflen, 0);
}

/* The auditctl -l -i line: machine names, a0..a3 interpreted. */
int
vg_rules_format_interp(const struct audit_rule_data *d, size_t len,
    char *buf, size_t buflen)
{
	return format_rule(d, len, buf, buflen, 1);
}

int
vg_rules_key_match(const struct audit_rule_data *d, size_t len,
    const char *key)
{
	size_t boff = 0, klen = strlen(key);
	uint32_t i;

	if (klen == 0)
		return 1;
	if (check(d, len) < 0)
		return 0;
	for (i = 0; i < d->field_count; i++) {
		uint32_t f = d->fields[i] & ~AUDIT_OPERATORS;

		if (f == AUDIT_FILTERKEY &&
		    memmem(d->buf + boff, d->values[i], key, klen))
			return 1;
		if (is_string(f))
			boff += d->values[i];
	}
	return 0;
}

int
vg_rules_same(const struct audit_rule_data *a, size_t alen,
    const struct audit_rule_data *b, size_t blen)
{
	uint32_t n = a->field_count;

	if (alen < sizeof(*a) || blen < sizeof(*b))
		return 0;
	if ((a->flags & AUDIT_FILTER_MASK) != (b->flags & AUDIT_FILTER_MASK) ||
	    a->action != b->action || n != b->field_count ||
	    n > AUDIT_MAX_FIELDS || a->buflen != b->buflen ||
	    a->buflen > alen - sizeof(*a) || b->buflen > blen - sizeof(*b))
		return 0;
	if (memcmp(a->mask, b->mask, sizeof(a->mask)) ||
	    memcmp(a->fields, b->fields, n * sizeof(a->fields[0])) ||
	    memcmp(a->fieldflags, b->fieldflags, n * sizeof(a->fields[0])) ||
	    memcmp(a->values, b->values, n * sizeof(a->values[0])))
		return 0;
	return memcmp(a->buf, b->buf, a->buflen) == 0;
}
