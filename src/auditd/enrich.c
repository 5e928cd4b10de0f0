/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * enrich.c: the ENRICHED part of an auditd log line, as auditd 3.0.9 makes
 * it with libauparse: uid/gid fields as names, syscall and arch as names,
 * saddr as text. Matches auditd byte for byte except that a control byte
 * (only possible inside a unix socket path) is written as \xHH, never raw.
 * Never allocates per record: names come from a small cache.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include "vigil/auditd/enrich.h"
#include "vigil/record.h"
#include "vigil/rectype.h"
#include "vigil/tables.h"

#define SEP		'\x1d'
#define FORMAT_BUF_LEN	(8970 + 255)	/* auditd's line buffer */
#define MIN_SPACE_LEFT	24		/* auditd stops enriching below */
#define NAME_SIZE	64		/* field names are cut at 63 */
#define CACHE_SLOTS	256		/* per kind, direct mapped */
#define CACHE_TTL	600		/* seconds a cached name is trusted */
#define NAME_MAX_LEN	64

enum ekind { E_NONE = 0, E_UID, E_GID, E_SYSCALL, E_ARCH, E_SADDR };

/* auparse's field types that auditd enriches, sorted for bsearch. */
static const struct ekey {
	const char	*name;
	uint8_t		 kind;
} ekeys[] = {
	{ "arch", E_ARCH }, { "auid", E_UID }, { "egid", E_GID },
	{ "euid", E_UID }, { "fsgid", E_GID }, { "fsuid", E_UID },
	{ "gid", E_GID }, { "id", E_UID }, { "igid", E_GID },
	{ "inode_gid", E_GID }, { "inode_uid", E_UID }, { "iuid", E_UID },
	{ "new_gid", E_GID }, { "oauid", E_UID }, { "obj_gid", E_GID },
	{ "obj_uid", E_UID }, { "ogid", E_GID }, { "old-auid", E_UID },
	{ "ouid", E_UID }, { "saddr", E_SADDR }, { "sauid", E_UID },
	{ "sgid", E_GID }, { "suid", E_UID }, { "syscall", E_SYSCALL },
	{ "uid", E_UID },
};

struct centry {
	uint32_t	id;
	int		valid;	/* 0 empty, 1 name, 2 no such id */
	time_t		when;
	char		name[NAME_MAX_LEN];
};

struct vg_enrich {
	struct vg_enrich_lookup	 lk;
	struct vg_buf		 val;	/* one value's text, reused */
	struct centry		 users[CACHE_SLOTS];
	struct centry		 groups[CACHE_SLOTS];
};

static const char hexd[] = "0123456789ABCDEF";
static const char hexl[] = "0123456789abcdef";

static int
sys_user(uid_t uid, char *buf, size_t len, void *arg)
{
	struct passwd pw, *res = NULL;
	char tmp[4096];

	(void)arg;
	if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) != 0 || res == NULL)
		return -1;
	if ((size_t)snprintf(buf, len, "%s", pw.pw_name) >= len)
		return -1;
	return 0;
}

static int
sys_group(gid_t gid, char *buf, size_t len, void *arg)
{
	struct group gr, *res = NULL;
	char tmp[4096];

	(void)arg;
	if (getgrgid_r(gid, &gr, tmp, sizeof(tmp), &res) != 0 || res == NULL)
		return -1;
	if ((size_t)snprintf(buf, len, "%s", gr.gr_name) >= len)
		return -1;
	return 0;
}

struct vg_enrich *
vg_enrich_new(const struct vg_enrich_lookup *lk)
{
	struct vg_enrich *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	vg_buf_init(&e->val);
	if (lk != NULL)
		e->lk = *lk;
	else {
		e->lk.user = sys_user;
		e->lk.group = sys_group;
	}
	return e;
}

void
vg_enrich_free(struct vg_enrich *e)
{
	if (e == NULL)
		return;
	vg_buf_free(&e->val);
	free(e);
}

void
vg_enrich_flush_cache(struct vg_enrich *e)
{
	memset(e->users, 0, sizeof(e->users));
	memset(e->groups, 0, sizeof(e->groups));
}

/* Appends s, control bytes as \xHH. */
static void
add_safe(struct vg_buf *b, const char *s, size_t len)
{
	size_t i, run = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f)
			continue;
		vg_buf_add(b, s + run, i - run);
		vg_buf_add(b, "\\x", 2);
		vg_buf_addc(b, hexl[c >> 4]);
		vg_buf_addc(b, hexl[c & 15]);
		run = i + 1;
	}
	vg_buf_add(b, s + run, len - run);
}

static int
ekey_cmp(const void *k, const void *e)
{
	const struct vg_str *s = k;
	const char *n = ((const struct ekey *)e)->name;
	size_t nl = strlen(n);
	int c = memcmp(s->p, n, s->len < nl ? s->len : nl);

	if (c != 0)
		return c;
	return s->len < nl ? -1 : s->len > nl;
}

static enum ekind
field_kind(uint32_t type, struct vg_str key)
{
	const struct ekey *k;

	k = bsearch(&key, ekeys, sizeof(ekeys) / sizeof(ekeys[0]),
	    sizeof(ekeys[0]), ekey_cmp);
	if (k == NULL)
		return E_NONE;
	if (k->kind == E_SADDR &&
	    (type == VG_T_AVC || type == VG_T_NETFILTER_PKT))
		return E_NONE;
	if (k->kind == E_UID && key.len == 2 && (type == VG_T_ADD_GROUP ||
	    type == VG_T_DEL_GROUP || type == VG_T_GRP_MGMT))
		return E_GID;
	return (enum ekind)k->kind;
}

/*
 * The number auparse reads from a field with strtoul(): quoted and other
 * non-numeric text reads as 0. Returns 0, or -1 on overflow (ERANGE).
 */
static int
field_num(const struct vg_field *f, int base, unsigned long *out)
{
	char tmp[32];
	size_t n;

	*out = 0;
	if (f->kind == VG_V_QUOTED || f->kind == VG_V_SQUOTED)
		return 0;
	/* longer than any number that fits: as strtoul, ERANGE if digits */
	n = f->val.len < sizeof(tmp) - 1 ? f->val.len : sizeof(tmp) - 1;
	memcpy(tmp, f->val.p, n);
	tmp[n] = '\0';
	errno = 0;
	*out = strtoul(tmp, NULL, base);
	if (errno == ERANGE)
		return -1;
	if (n < f->val.len && strspn(tmp, base == 16 ?
	    "0123456789abcdefABCDEF" : "0123456789") == n)
		return -1;
	return 0;
}

static const char *
cached(struct vg_enrich *e, int group, uint32_t id)
{
	struct centry *tab = group ? e->groups : e->users;
	struct centry *c = &tab[(id * 2654435761u) >> 24];
	time_t now = time(NULL);
	int rc;

	if (c->valid && c->id == id && now - c->when < CACHE_TTL)
		return c->valid == 1 ? c->name : NULL;
	if (group)
		rc = e->lk.group((gid_t)id, c->name, sizeof(c->name),
		    e->lk.arg);
	else
		rc = e->lk.user((uid_t)id, c->name, sizeof(c->name),
		    e->lk.arg);
	c->id = id;
	c->when = now;
	c->valid = rc == 0 ? 1 : 2;
	return rc == 0 ? c->name : NULL;
}

/* auditd's UID/GID text: unset, root, the name or unknown(N). */
static void
id_text(struct vg_enrich *e, int group, const struct vg_field *f,
    char *out, size_t len)
{
	unsigned long v;
	const char *name;
	int id;

	if (field_num(f, 10, &v) == -1) {
		snprintf(out, len, "conversion error(%.*s)", (int)f->val.len,
		    f->val.p);
		return;
	}
	id = (int)(unsigned)v;
	if (id == -1)
		snprintf(out, len, "unset");
	else if (id == 0)
		snprintf(out, len, "root");
	else if ((name = cached(e, group, (uint32_t)id)) != NULL)
		snprintf(out, len, "%s", name);
	else
		snprintf(out, len, "unknown(%d)", id);
}

/* audit arch value -> auditd 3.0.9's machine name and syscall table
 * (riscv64 has none: 3.0.9 writes unknown-elf-type(c00000f3) and takes
 * the host's syscall table, as this does). */
static const char *
machine_name(unsigned long elf, enum vg_arch *arch)
{
	const char *name;
	enum vg_arch a;

	if (elf > UINT32_MAX)
		return NULL;
	a = vg_arch_from_audit((uint32_t)elf);
	if ((name = vg_arch_auditd_name(a)) != NULL)
		*arch = a;
	return name;
}

static enum vg_arch
host_arch(void)
{
#if defined(__x86_64__)
	return VG_ARCH_X86_64;
#elif defined(__aarch64__)
	return VG_ARCH_AARCH64;
#elif defined(__i386__)
	return VG_ARCH_I386;
#elif defined(__arm__)
	return VG_ARCH_ARM;
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
	return VG_ARCH_PPC64LE;
#elif defined(__powerpc64__)
	return VG_ARCH_PPC64;
#elif defined(__powerpc__)
	return VG_ARCH_PPC;
#elif defined(__s390x__)
	return VG_ARCH_S390X;
#elif defined(__s390__)
	return VG_ARCH_S390;
#elif defined(__riscv) && __riscv_xlen == 64
	/* auditd 3.0.9 does not know riscv64 and leaves the number as is;
	 * vigil has its table (docs/dropin.md) */
	return VG_ARCH_RISCV64;
#else
	return VG_ARCH_UNKNOWN;
#endif
}

/* Hex decoding as auparse's au_unescape: stops at the first bad pair. */
static long
unhex(struct vg_str s, unsigned char *out, size_t cap)
{
	size_t i, n = s.len / 2;
	int hi, lo;

	if (n > cap)
		n = cap;
	memset(out, 0, cap);
	for (i = 0; i < n; i++) {
		hi = vg_is_hex(vg_str_make(s.p + 2 * i, 2));
		if (!hi) {
			if (i == 0)
				return -1;
			break;
		}
		hi = s.p[2 * i];
		lo = s.p[2 * i + 1];
		hi = hi <= '9' ? hi - '0' : (hi | 0x20) - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : (lo | 0x20) - 'a' + 10;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(s.len / 2);
}

static const char *const families[] = {
	[1] = "local", [2] = "inet", [3] = "ax25", [4] = "ipx",
	[5] = "appletalk", [6] = "netrom", [7] = "bridge", [8] = "atmpvc",
	[9] = "x25", [10] = "inet6", [11] = "rose", [12] = "decnet",
	[13] = "netbeui", [14] = "security", [15] = "key", [16] = "netlink",
	[17] = "packet", [18] = "ash", [19] = "econet", [20] = "atmsvc",
	[21] = "rds", [22] = "sna", [23] = "irda", [24] = "pppox",
	[25] = "wanpipe", [26] = "llc", [29] = "can", [30] = "tipc",
	[31] = "bluetooth", [32] = "iucv", [33] = "rxrpc", [34] = "isdn",
	[35] = "phonet", [36] = "ieee802154", [37] = "caif", [38] = "alg",
	[39] = "nfc", [40] = "vsock", [41] = "kcm", [42] = "qipcrtr",
	[43] = "smc", [44] = "xdp",
};

/* NUL-terminated text at off in the decoded address, at most max bytes. */
static void
add_cstr(struct vg_buf *b, const unsigned char *a, size_t off, size_t max)
{
	size_t n = 0;

	while (n < max && a[off + n] != '\0')
		n++;
	add_safe(b, (const char *)a + off, n);
}

void
vg_enrich_sockaddr(struct vg_buf *b, struct vg_str hex, int quoted)
{
	unsigned char a[512 + 2];
	char ip[INET6_ADDRSTRLEN];
	const char *fam;
	long slen;
	unsigned f;
	uint32_t u32;
	uint16_t port;

	if (quoted || hex.len == 0 || (slen = unhex(hex, a, sizeof(a) - 2))
	    == -1) {
		vg_buf_adds(b, "malformed-host(");
		if (quoted)
			vg_buf_addc(b, '"');
		add_safe(b, hex.p, hex.len);
		if (quoted)
			vg_buf_addc(b, '"');
		vg_buf_addc(b, ')');
		return;
	}
	f = (unsigned)a[0] | (unsigned)a[1] << 8;
	fam = f < sizeof(families) / sizeof(families[0]) ? families[f] : NULL;
	if (fam == NULL) {
		vg_buf_printf(b, "unknown-family(%u)", f);
		return;
	}
	vg_buf_printf(b, "{ saddr_fam=%s ", fam);
	switch (f) {
	case 1:
		if (slen < 4) {
			vg_buf_adds(b, "sockaddr len too short }");
			return;
		}
		vg_buf_adds(b, "path=");
		add_cstr(b, a, a[2] ? 2 : 3, 108 - (a[2] ? 0 : 1));
		break;
	case 2:
		if (slen < 16) {
			vg_buf_adds(b, "sockaddr len too short }");
			return;
		}
		inet_ntop(AF_INET, a + 4, ip, sizeof(ip));
		port = (uint16_t)(a[2] << 8 | a[3]);
		vg_buf_printf(b, "laddr=%s lport=%u", ip, port);
		break;
	case 10:
		if (slen < 28) {
			vg_buf_adds(b, "sockaddr6 len too short }");
			return;
		}
		inet_ntop(AF_INET6, a + 8, ip, sizeof(ip));
		port = (uint16_t)(a[2] << 8 | a[3]);
		memcpy(&u32, a + 24, 4);
		if (u32)
			vg_buf_printf(b, "laddr=%s%%%u lport=%u", ip, u32,
			    port);
		else
			vg_buf_printf(b, "laddr=%s lport=%u", ip, port);
		break;
	case 16:
		if (slen < 12) {
			vg_buf_adds(b, "len too short }");
			return;
		}
		memcpy(&u32, a + 4, 4);
		vg_buf_printf(b, "nlnk-fam=%u nlnk-pid=%u", f, u32);
		break;
	case 9:
		vg_buf_adds(b, "laddr=");
		add_cstr(b, a, 2, 16);
		break;
	case 8:
		vg_buf_printf(b, "int=%d", (int16_t)(a[2] | a[3] << 8));
		break;
	case 3:
		vg_buf_adds(b, "call=");
		add_cstr(b, a, 2, 7);
		break;
	default:
		vg_buf_adds(b, "(unsupported)");
		break;
	}
	vg_buf_adds(b, " }");
}

/* i386 multiplexed calls: auparse names the sub-call from a0. */
static const char *
subcall(const char *sys, unsigned long a0)
{
	static const char *const sock[] = {
		NULL, "socket", "bind", "connect", "listen", "accept",
		"getsockname", "getpeername", "socketpair", "send", "recv",
		"sendto", "recvfrom", "shutdown", "setsockopt", "getsockopt",
		"sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg",
	};
	static const char *const ipc[] = {
		[1] = "semop", [2] = "semget", [3] = "semctl",
		[4] = "semtimedop", [11] = "msgsnd", [12] = "msgrcv",
		[13] = "msgget", [14] = "msgctl", [21] = "shmat",
		[22] = "shmdt", [23] = "shmget", [24] = "shmctl",
	};

	if (strcmp(sys, "socketcall") == 0)
		return a0 < sizeof(sock) / sizeof(sock[0]) ? sock[a0] : NULL;
	if (strcmp(sys, "ipc") == 0)
		return a0 < sizeof(ipc) / sizeof(ipc[0]) ? ipc[a0] : NULL;
	return NULL;
}

/* auditd's encoding of a name: NAME="v", or NAME=HEX if v needs it. */
static void
add_encoded(struct vg_buf *b, const char *v)
{
	const unsigned char *p;

	for (p = (const unsigned char *)v; *p; p++)
		if (*p == '"' || *p < 0x21 || *p > 0x7e)
			break;
	if (*p == '\0') {
		vg_buf_addc(b, '"');
		vg_buf_adds(b, v);
		vg_buf_addc(b, '"');
		return;
	}
	for (p = (const unsigned char *)v; *p; p++) {
		vg_buf_addc(b, hexd[*p >> 4]);
		vg_buf_addc(b, hexd[*p & 15]);
	}
}

void
vg_enrich_record(struct vg_enrich *e, struct vg_buf *b, uint32_t type,
    struct vg_str body, size_t line_len)
{
	struct vg_fields it;
	struct vg_field f;
	struct vg_buf *val = &e->val;
	char text[NAME_MAX_LEN + 32];
	const char *name;
	enum vg_arch rec_arch = VG_ARCH_UNKNOWN, a;
	unsigned long v;
	long rec_syscall = -1;
	unsigned long a0 = 0;
	const char *sub;
	size_t len, nlen, tlen, i;
	unsigned idx = 0;
	int sep_done = 0, have_arch = 0;
	enum ekind k;

	if (line_len >= FORMAT_BUF_LEN)
		return;
	len = FORMAT_BUF_LEN - line_len;
	if (len <= MIN_SPACE_LEFT)
		return;
	/* auparse learns arch, syscall and a0 when it splits the record,
	 * from fixed positions, before interpreting any field */
	vg_fields_begin(&it, body, VG_STR_NULL);
	while (idx < 8 && vg_fields_next(&it, &f) == 1) {
		if (f.flags & VG_FF_NESTED)
			break;
		if (idx == 0 && vg_str_eq(f.key, "arch")) {
			if (field_num(&f, 16, &v) == 0 &&
			    machine_name(v, &a) != NULL) {
				rec_arch = a;
				have_arch = 1;
			}
		} else if (idx == 1 && vg_str_eq(f.key, "syscall"))
			rec_syscall = field_num(&f, 10, &v) == 0 ?
			    (long)(int)(unsigned)v : -1;
		else if (vg_str_eq(f.key, "a0"))
			(void)field_num(&f, 16, &a0);
		idx++;
	}
	vg_fields_begin(&it, body, VG_STR_NULL);
	while (len > MIN_SPACE_LEFT && vg_fields_next(&it, &f) == 1) {
		/* old dbus USER_AVC: "(sauid=81, hostname=?, ...)" */
		if (f.key.len > 1 && f.key.p[0] == '(') {
			f.key.p++;
			f.key.len--;
		}
		if (f.kind == VG_V_NONE || f.val.len == 0)
			continue;
		if ((k = field_kind(type, f.key)) == E_NONE)
			continue;
		val->len = 0;
		switch (k) {
		case E_UID:
		case E_GID:
			id_text(e, k == E_GID, &f, text, sizeof(text));
			add_encoded(val, text);
			break;
		case E_SYSCALL:
			a = have_arch ? rec_arch : host_arch();
			name = rec_syscall < 0 ? NULL :
			    vg_syscall_name(a, (int)rec_syscall);
			if (name != NULL && (sub = subcall(name, a0)) != NULL)
				vg_buf_printf(val, "%s(%s)", name, sub);
			else if (name != NULL)
				vg_buf_adds(val, name);
			else
				vg_buf_printf(val, "unknown-syscall(%ld)",
				    rec_syscall);
			break;
		case E_ARCH:
			name = NULL;
			if (field_num(&f, 16, &v) == 0)
				name = machine_name(v, &a);
			if (name != NULL)
				vg_buf_adds(val, name);
			else {
				vg_buf_adds(val, "unknown-elf-type(");
				if (f.kind == VG_V_QUOTED)
					vg_buf_addc(val, '"');
				vg_buf_add(val, f.val.p, f.val.len);
				if (f.kind == VG_V_QUOTED)
					vg_buf_addc(val, '"');
				vg_buf_addc(val, ')');
			}
			break;
		case E_SADDR:
			vg_enrich_sockaddr(val, f.val, f.kind == VG_V_QUOTED);
			break;
		case E_NONE:
			break;
		}
		if (val->oom) {
			vg_buf_reset(val);
			val->oom = 0;
			continue;
		}
		if (sep_done++ == 0) {
			vg_buf_addc(b, SEP);
			len--;
		}
		nlen = f.key.len < NAME_SIZE - 1 ? f.key.len : NAME_SIZE - 1;
		tlen = 1 + nlen + 1 + val->len + 1;
		if (tlen >= len)
			continue;
		if (sep_done > 1)
			vg_buf_addc(b, ' ');
		for (i = 0; i < nlen; i++) {
			char c = f.key.p[i];

			vg_buf_addc(b, c >= 'a' && c <= 'z' ? c - 32 : c);
		}
		vg_buf_addc(b, '=');
		add_safe(b, val->data, val->len);
		len -= (sep_done > 1) + nlen + 1 + val->len;
	}
}
