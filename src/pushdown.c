/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pushdown.c: compiles prefilter drop lines into kernel never/exclude
 * rules when that is sound (the kernel drops a subset of what the line
 * drops), and keeps the state file that marks vigild's own rules for
 * vigilctl -l. Never talks to the kernel (daemon.c adds and removes).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/prefilter.h"
#include "vigil/pushdown.h"
#include "vigil/tables.h"

#define RUNDIR_DEFAULT	"/run/vigil"
#define STATE_NAME	"/kernel-rules"
#define STATE_MAX	(256 * 1024)	/* bytes read back by vigilctl */

/* The reason a line stays in userspace: a, b and c joined. Returns 0. */
static int
refuse(char *why, size_t len, const char *a, const char *b, const char *c)
{
	if (len > 0)
		snprintf(why, len, "%s%s%s", a, b, c);
	return 0;
}

int
vg_pushdown_type_alone(uint32_t t)
{
	/* the kernel logs user messages (AUDIT_USER, 1100-1199, 2100-2999)
	 * with no syscall context: each has a serial of its own */
	return t == AUDIT_USER ||
	    (t >= AUDIT_FIRST_USER_MSG && t <= AUDIT_LAST_USER_MSG) ||
	    (t >= AUDIT_FIRST_USER_MSG2 && t <= AUDIT_LAST_USER_MSG2);
}

/*
 * A path the kernel resolves to the file d_path() names as exactly these
 * bytes: absolute, no empty, "." or ".." component, no trailing slash.
 */
static const char *
path_not_canonical(const char *p, size_t len)
{
	size_t i, start;

	if (len == 0 || p[0] != '/')
		return "not an absolute path";
	if (len >= PATH_MAX)
		return "longer than PATH_MAX";
	if (memchr(p, '\0', len) != NULL)
		return "holds a NUL byte";
	if (len > 1 && p[len - 1] == '/')
		return "ends in a slash";
	for (start = 1, i = 1; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		if (i == start)
			return "has an empty component (//)";
		if ((i - start == 1 && p[start] == '.') ||
		    (i - start == 2 && p[start] == '.' && p[start + 1] == '.'))
			return "has a . or .. component";
		start = i + 1;
	}
	return NULL;
}

/* The file-system part of an exe line; NULL if fine. */
static const char *
path_fs_refusal(const char *path, char *tmp, size_t tmplen)
{
	char *slash, real[PATH_MAX];
	struct stat st;

	snprintf(tmp, tmplen, "%s", path);
	slash = strrchr(tmp, '/');
	if (slash == tmp)
		slash[1] = '\0';	/* "/x": the root */
	else
		*slash = '\0';
	if (realpath(tmp, real) == NULL)
		return "its directory cannot be resolved";
	if (strcmp(real, tmp) != 0)
		return "its directory is reached through a symbolic link "
		    "(the kernel would match the target, vigil the path)";
	if (lstat(path, &st) == -1)
		return NULL;	/* the kernel follows a file created later */
	if (S_ISLNK(st.st_mode))
		return "is a symbolic link (a process runs its target)";
	if (!S_ISREG(st.st_mode))
		return "is not a regular file";
	if (st.st_nlink > 1)
		return "has other hard links (the kernel matches the file, "
		    "vigil the path)";
	return NULL;
}

static int
build(struct vg_rule *r, char *const argv[], int argc, char *why,
    size_t len)
{
	struct vg_err err;

	memset(&err, 0, sizeof(err));
	if (vg_rules_parse_argv(argc, argv, r, &err) == -1 || r->data == NULL) {
		vg_rule_free(r);
		snprintf(why, len, "rule compiler: %s", err.msg[0] ? err.msg :
		    "no rule");
		errno = EINVAL;
		return -1;
	}
	return 1;
}

/* "-a never,exit -S all -F FIELD": the whole syscall event. */
static int
never_exit(struct vg_rule *r, char *field, char *why, size_t whylen)
{
	char *argv[] = { (char *)"vigild", (char *)"-A",
	    (char *)"never,exit", (char *)"-S", (char *)"all", (char *)"-F",
	    field };

	return build(r, argv, 7, why, whylen);
}

/* "-a never,exit -F arch=MACHINE -S NAME": with the arch, as a syscall
 * mask alone would match that number of every arch (i386's 42 is not
 * connect). */
static int
never_syscall(struct vg_rule *r, char *name, char *why, size_t whylen)
{
	char arch[32];
	char *argv[] = { (char *)"vigild", (char *)"-A",
	    (char *)"never,exit", (char *)"-F", arch, (char *)"-S", name };

	snprintf(arch, sizeof(arch), "arch=%s",
	    vg_arch_name(vg_rules_machine()));
	return build(r, argv, 7, why, whylen);
}

/* The auditctl -F name of an id field of the SYSCALL record. */
static const char *
id_field(enum vg_prefilter_field f)
{
	switch (f) {
	case VG_PF_AUID:
		return "auid";
	case VG_PF_UID:
		return "uid";
	case VG_PF_EUID:
		return "euid";
	default:
		return "gid";
	}
}

int
vg_pushdown_compile(const char *drop, unsigned flags, struct vg_rule *r,
    char *why, size_t whylen)
{
	struct vg_prefilter_line l;
	char arg[PATH_MAX + 16], tmp[PATH_MAX];
	const char *bad, *name;
	char *argv[5];

	memset(r, 0, sizeof(*r));
	if (whylen > 0)
		why[0] = '\0';
	if (vg_prefilter_parse(drop, &l, why, whylen) == -1)
		return -1;
	switch (l.field) {
	case VG_PF_KEY:
		return refuse(why, whylen, "the kernel cannot match an "
		    "event's key: the key is that of the rule that recorded "
		    "the event, and a never rule ahead would also drop events "
		    "an earlier rule records with another key", "", "");
	case VG_PF_TYPE:
		if (!vg_pushdown_type_alone(l.type)) {
			name = vg_type_name(l.type);
			return refuse(why, whylen, "type ", name ? name :
			    "(unnamed)", " records can be part of a "
			    "multi-record event: the kernel's exclude list "
			    "would drop only that record, vigil drops the whole "
			    "event");
		}
		snprintf(arg, sizeof(arg), "msgtype=%" PRIu32, l.type);
		argv[0] = (char *)"vigild";
		argv[1] = (char *)"-A";
		argv[2] = (char *)"always,exclude";
		argv[3] = (char *)"-F";
		argv[4] = arg;
		return build(r, argv, 5, why, whylen);
	case VG_PF_LABEL:
		return refuse(why, whylen, "a process label is vigil's own "
		    "(context.labels): the kernel has no such field", "", "");
	case VG_PF_EXE:
		if ((bad = path_not_canonical(l.val, l.len)) != NULL)
			return refuse(why, whylen, "the path ", bad, " (the "
			    "kernel would resolve it, vigil compares the "
			    "bytes)");
		memcpy(tmp, l.val, l.len);
		tmp[l.len] = '\0';
		if ((flags & VG_PD_CHECK_FS) && (bad = path_fs_refusal(tmp,
		    arg, sizeof(arg))) != NULL)
			return refuse(why, whylen, "the file ", bad, "");
		snprintf(arg, sizeof(arg), "exe=%s", tmp);
		return never_exit(r, arg, why, whylen);
	case VG_PF_SYSCALL:
		/* the machine's own arch only: a subset of the line (a
		 * 32-bit process's syscall of that name stays in userspace) */
		if (l.len >= 64)
			return refuse(why, whylen, "syscall name too long", "",
			    "");
		memcpy(tmp, l.val, l.len);
		tmp[l.len] = '\0';
		if (vg_syscall_number(vg_rules_machine(), tmp,
		    l.len) < 0)
			return refuse(why, whylen, "this machine's "
			    "architecture has no syscall ", tmp, "");
		return never_syscall(r, tmp, why, whylen);
	case VG_PF_AUID:
	case VG_PF_UID:
	case VG_PF_EUID:
	case VG_PF_GID:
		/* the kernel compares the task's id at syscall exit, the
		 * SYSCALL record prints that id of the same task then */
		snprintf(arg, sizeof(arg), "%s=%" PRIu32, id_field(l.field),
		    l.id);
		return never_exit(r, arg, why, whylen);
	}
	errno = EINVAL;
	return -1;
}

int
vg_pushdown_state_path(char *buf, size_t len)
{
	const char *dir = getenv("VIGIL_RUNDIR");
	int n;

	if (dir == NULL || *dir == '\0')
		dir = RUNDIR_DEFAULT;
	n = snprintf(buf, len, "%s%s", dir, STATE_NAME);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
vg_pushdown_state_write(pid_t pid, char *const lines[], size_t n)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], *slash;
	FILE *f;
	size_t i;
	int fd, e;

	if (vg_pushdown_state_path(path, sizeof(path)) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s", path);
	if ((slash = strrchr(tmp, '/')) != NULL && slash != tmp) {
		*slash = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644)) == -1)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	fprintf(f, "# vigild pid %ld\n", (long)pid);
	for (i = 0; i < n; i++)
		fputs(lines[i], f);
	if (fflush(f) != 0 || ferror(f)) {
		e = errno;
		fclose(f);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, path) == -1) {
		e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	return 0;
}

int
vg_pushdown_state_remove(void)
{
	char path[PATH_MAX];

	if (vg_pushdown_state_path(path, sizeof(path)) == -1)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		return -1;
	return 0;
}

void
vg_pushdown_owned_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
vg_pushdown_owned_load(uint32_t audit_pid, char ***out, size_t *np)
{
	char path[PATH_MAX], line[8192], head[64], **v = NULL, **nv;
	size_t n = 0, total = 0;
	FILE *f;

	*out = NULL;
	*np = 0;
	if (audit_pid == 0 || vg_pushdown_state_path(path, sizeof(path)) == -1)
		return 0;
	if ((f = fopen(path, "re")) == NULL)
		return 0;
	snprintf(head, sizeof(head), "# vigild pid %" PRIu32 "\n", audit_pid);
	/* a file left by another (dead) vigild marks nothing */
	if (fgets(line, sizeof(line), f) == NULL || strcmp(line, head) != 0) {
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL && total < STATE_MAX) {
		total += strlen(line);
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL ||
		    (nv[n] = strdup(line)) == NULL) {
			if (nv != NULL)
				v = nv;
			vg_pushdown_owned_free(v, n);
			fclose(f);
			errno = ENOMEM;
			return -1;
		}
		v = nv;
		n++;
	}
	fclose(f);
	*out = v;
	*np = n;
	return 0;
}
