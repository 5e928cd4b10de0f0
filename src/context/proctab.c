/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proctab.c: the process table: entries by pid in a hash, bounded by an
 * LRU list (evictions counted), filled from the event stream (ctx_event.c)
 * or, for a process the stream did not show, from /proc once. Owns the
 * state file (saved on stop, read on start: bounded, what is not an
 * entry logged as file:line). Never reads /proc for a pid it has an
 * entry for, except to check a start time on a doubt.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx_priv.h"
#include "vigil/log.h"
#include "vigil/num.h"
#include "vigil/ratelimit.h"

static struct vg_ctx *global_ctx;

struct vg_ctx *
vg_ctx_global(void)
{
	return global_ctx;
}

void
vg_ctx_set_global(struct vg_ctx *c)
{
	global_ctx = c;
}

void
vg_ctx_opts_init(struct vg_ctx_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->proc = 1;
	o->max_procs = 16384;
	o->depth = 4;
}

/* ---- entries ---- */

int
ctx_setstr(char **dst, const char *s, size_t len, size_t max)
{
	char *p;

	if (s == NULL) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (len > max)
		len = max;
	if ((p = malloc(len + 1)) == NULL)
		return -1;
	memcpy(p, s, len);
	p[len] = '\0';
	free(*dst);
	*dst = p;
	return 0;
}

static void
proc_free(struct vg_proc *p)
{
	free(p->exe);
	free(p->comm);
	free(p->argv);
	free(p->script);
	free(p->prev_exe);
	free(p->prev_comm);
	free(p->env);
	free(p->cg);
	free(p->ctext);
	free(p);
}

void
ctx_changed(struct vg_ctx *c, struct vg_proc *p)
{
	c->gen++;
	if (p != NULL)
		p->ver = c->gen;
}

static size_t
hslot(const struct vg_ctx *c, int32_t pid)
{
	return ((uint32_t)pid * 2654435761u) & c->hmask;
}

struct vg_proc *
ctx_find(struct vg_ctx *c, int32_t pid)
{
	struct vg_proc *p;

	for (p = c->hash[hslot(c, pid)]; p != NULL; p = p->hnext)
		if (p->pid == pid)
			return p;
	return NULL;
}

static void
lru_unlink(struct vg_ctx *c, struct vg_proc *p)
{
	if (p->lprev != NULL)
		p->lprev->lnext = p->lnext;
	else
		c->lru_head = p->lnext;
	if (p->lnext != NULL)
		p->lnext->lprev = p->lprev;
	else
		c->lru_tail = p->lprev;
	p->lprev = p->lnext = NULL;
}

static void
lru_push(struct vg_ctx *c, struct vg_proc *p)
{
	p->lprev = NULL;
	p->lnext = c->lru_head;
	if (c->lru_head != NULL)
		c->lru_head->lprev = p;
	c->lru_head = p;
	if (c->lru_tail == NULL)
		c->lru_tail = p;
}

void
ctx_touch(struct vg_ctx *c, struct vg_proc *p)
{
	if (c->lru_head == p)
		return;
	lru_unlink(c, p);
	lru_push(c, p);
}

static void
remove_entry(struct vg_ctx *c, struct vg_proc *p)
{
	struct vg_proc **pp;

	for (pp = &c->hash[hslot(c, p->pid)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == p) {
			*pp = p->hnext;
			break;
		}
	lru_unlink(c, p);
	if (c->cur.proc == p)
		c->cur.proc = NULL;
	proc_free(p);
	c->st.entries--;
	ctx_changed(c, NULL);
}

struct vg_proc *
ctx_insert(struct vg_ctx *c, int32_t pid)
{
	struct vg_proc *p, *old;

	if ((old = ctx_find(c, pid)) != NULL)
		remove_entry(c, old);
	/* the bound: the least recently used goes */
	while (c->st.entries >= c->o.max_procs && c->lru_tail != NULL) {
		remove_entry(c, c->lru_tail);
		c->st.evicted++;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->pid = pid;
	p->hnext = c->hash[hslot(c, pid)];
	c->hash[hslot(c, pid)] = p;
	lru_push(c, p);
	c->st.entries++;
	c->st.inserted++;
	ctx_changed(c, p);
	return p;
}

int
ctx_inherit(struct vg_proc *ch, const struct vg_proc *pa)
{
	ch->labels = pa->labels;
	ch->argc = pa->argc;
	ch->argv_len = pa->argv_len;
	ch->argv_cut = pa->argv_cut;
	ch->env_len = pa->env_len;
	if (ctx_setstr(&ch->exe, pa->exe, pa->exe ? strlen(pa->exe) : 0,
	    CTX_EXE_MAX) == -1 ||
	    ctx_setstr(&ch->comm, pa->comm, pa->comm ? strlen(pa->comm) : 0,
	    CTX_COMM_MAX) == -1 ||
	    ctx_setstr(&ch->argv, pa->argv, pa->argv_len, CTX_ARGV_MAX) == -1 ||
	    ctx_setstr(&ch->script, pa->script, pa->script ?
	    strlen(pa->script) : 0, CTX_EXE_MAX) == -1 ||
	    ctx_setstr(&ch->env, pa->env, pa->env_len, CTX_ENV_MAX) == -1)
		return -1;
	if (pa->cg != NULL) {
		if ((ch->cg = malloc(sizeof(*ch->cg))) == NULL)
			return -1;
		*ch->cg = *pa->cg;
	}
	return 0;
}

/* ---- interpreters ---- */

/* Basenames of interpreters whose first operand is a script. */
static int
interpreter(const char *exe)
{
	static const char *const names[] = { "python", "perl", "ruby",
	    "bash", "sh", "dash", "zsh", "ksh", "mksh", "fish", "node",
	    "nodejs", "php", "lua", "tclsh", "Rscript", "pwsh", "awk",
	    "gawk", "busybox", NULL };
	const char *b = strrchr(exe, '/');
	size_t i, n;

	b = b != NULL ? b + 1 : exe;
	for (i = 0; names[i] != NULL; i++) {
		n = strlen(names[i]);
		if (strncmp(b, names[i], n) != 0)
			continue;
		/* python3, python3.11, perl5.36, lua5.4 */
		for (b += n; *b != '\0'; b++)
			if (!isdigit((unsigned char)*b) && *b != '.')
				return 0;
		return 1;
	}
	return 0;
}

/*
 * "python3 -u /opt/x.py arg" -> "/opt/x.py": the first operand after the
 * options. Options that give the program text (-c; perl, ruby and node's
 * -e and -E; python's -m) mean there is no script file; a shell's -e is
 * an option like the others.
 */
void
ctx_set_script(struct vg_proc *p)
{
	const char *a, *end, *b;
	size_t i;
	int ebody, mbody;

	free(p->script);
	p->script = NULL;
	if (p->exe == NULL || p->argv == NULL || p->argc < 2 ||
	    !interpreter(p->exe))
		return;
	b = strrchr(p->exe, '/');
	b = b != NULL ? b + 1 : p->exe;
	ebody = strncmp(b, "perl", 4) == 0 || strncmp(b, "ruby", 4) == 0 ||
	    strncmp(b, "node", 4) == 0;
	mbody = strncmp(b, "python", 6) == 0;
	a = p->argv;
	end = p->argv + p->argv_len;
	a += strnlen(a, (size_t)(end - a)) + 1;	/* argv[0] */
	for (i = 1; i < p->argc && a < end; i++) {
		if (a[0] == '-') {
			if (strcmp(a, "-c") == 0 || (ebody &&
			    (strcmp(a, "-e") == 0 || strcmp(a, "-E") == 0)) ||
			    (mbody && strcmp(a, "-m") == 0))
				return;
			a += strnlen(a, (size_t)(end - a)) + 1;
			continue;
		}
		if (a[0] != '\0')
			(void)ctx_setstr(&p->script, a,
			    strnlen(a, (size_t)(end - a)), CTX_EXE_MAX);
		return;
	}
}

/* ---- /proc ---- */

/* Reads up to cap-1 bytes of a file, NUL-terminated; length or -1. */
static ssize_t
readfile(const char *path, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while (n < cap - 1) {
		if ((r = read(fd, buf + n, cap - 1 - n)) == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

static void
proc_path(const struct vg_ctx *c, char *out, size_t len, int32_t pid,
    const char *what)
{
	int n = snprintf(out, len, "%s/%d/%s", c->proc_root, (int)pid, what);

	if (n < 0 || (size_t)n >= len)
		out[0] = '\0';
}

/*
 * The boot time in ms since the epoch: from the clocks for the real
 * /proc (btime of /proc/stat is whole seconds, start times would be off
 * by up to one), else btime (a test's /proc). The clocks' difference
 * moves by microseconds between two reads: rounded to a clock tick (the
 * start times' own resolution), two processes agree on every start time.
 */
static uint64_t
boot_ms(const struct vg_ctx *c)
{
	char path[300], buf[8192], *p, *end;
	unsigned long long v;
	struct timespec rt, bt;
	uint64_t us, tick_us = 1000000 / (uint64_t)c->hz;
	int n = snprintf(path, sizeof(path), "%s/stat", c->proc_root);

	if (strcmp(c->proc_root, "/proc") == 0 &&
	    clock_gettime(CLOCK_REALTIME, &rt) == 0 &&
	    clock_gettime(CLOCK_BOOTTIME, &bt) == 0) {
		us = (uint64_t)rt.tv_sec * 1000000 + (uint64_t)rt.tv_nsec /
		    1000 - ((uint64_t)bt.tv_sec * 1000000 +
		    (uint64_t)bt.tv_nsec / 1000);
		return (us + tick_us / 2) / tick_us * tick_us / 1000;
	}

	if (n < 0 || (size_t)n >= sizeof(path) ||
	    readfile(path, buf, sizeof(buf)) == -1 ||
	    (p = strstr(buf, "\nbtime ")) == NULL)
		return 0;
	errno = 0;
	v = strtoull(p + 7, &end, 10);
	if (errno != 0 || end == p + 7)
		return 0;
	return (uint64_t)v * 1000;
}

/*
 * /proc/PID/stat: "pid (comm) state ppid ... starttime(22nd)": comm may
 * hold spaces and ')'; the last ')' ends it. 0, or -1.
 */
static int
read_stat(struct vg_ctx *c, int32_t pid, char *comm, size_t commlen,
    int32_t *ppid, uint64_t *start)
{
	char path[300], buf[1024], *l, *r, *p, *end;
	unsigned long long v = 0;
	long pp;
	int field;

	proc_path(c, path, sizeof(path), pid, "stat");
	if (readfile(path, buf, sizeof(buf)) == -1 ||
	    (l = strchr(buf, '(')) == NULL || (r = strrchr(buf, ')')) == NULL ||
	    r < l)
		return -1;
	if (comm != NULL)
		snprintf(comm, commlen, "%.*s", (int)(r - l - 1), l + 1);
	/* fields from 3 on: state ppid ... (none: a cut file) */
	if (r[1] == '\0')
		return -1;
	p = r + 2;
	for (field = 3; field < 22 && *p != '\0'; field++) {
		if (field == 4) {
			errno = 0;
			pp = strtol(p, &end, 10);
			if (errno != 0 || end == p)
				return -1;
			*ppid = (int32_t)pp;
		}
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		p++;
	}
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno != 0 || end == p)
		return -1;
	*start = c->boot_ms + (uint64_t)v * 1000 / (uint64_t)c->hz;
	return 0;
}

/* Exactly for a start read from /proc too, within the slack for one taken
 * from an event's time (a fork's event is stamped at the call's entry,
 * /proc counts clock ticks from the child's creation). */
int
ctx_same_start(const struct vg_proc *p, uint64_t start)
{
	if ((p->flags & P_PROC) && !(p->flags & P_STREAM))
		return start == p->start;
	return start + CTX_START_SLACK >= p->start &&
	    start <= p->start + CTX_START_SLACK;
}

uint64_t
ctx_proc_start(struct vg_ctx *c, int32_t pid)
{
	int32_t ppid;
	uint64_t start;

	if (!c->o.proc || read_stat(c, pid, NULL, 0, &ppid, &start) == -1)
		return 0;
	return start;
}

void
ctx_proc_env(struct vg_ctx *c, struct vg_proc *p)
{
	char path[300], *buf, out[CTX_ENV_MAX], *e, *end, *eq;
	size_t i, o = 0, nl;
	ssize_t n;

	if (c->nenv == 0 || !c->o.proc)
		return;
	/* the environment can be large; only the allow-list is kept */
	if ((buf = malloc(65536)) == NULL)
		return;
	proc_path(c, path, sizeof(path), p->pid, "environ");
	if ((n = readfile(path, buf, 65536)) <= 0) {
		free(buf);
		return;
	}
	for (e = buf, end = buf + n; e < end; e += strlen(e) + 1) {
		if ((eq = strchr(e, '=')) == NULL)
			continue;
		nl = (size_t)(eq - e);
		for (i = 0; i < c->nenv; i++) {
			if (strlen(c->env_names[i]) != nl ||
			    memcmp(e, c->env_names[i], nl) != 0)
				continue;
			if (o + strlen(e) + 1 > sizeof(out))
				break;
			memcpy(out + o, e, nl);
			out[o + nl] = '\0';
			memcpy(out + o + nl + 1, eq + 1, strlen(eq + 1) + 1);
			o += strlen(e) + 1;
			break;
		}
	}
	free(buf);
	if (o > 0 && ctx_setstr(&p->env, out, o, CTX_ENV_MAX) == 0)
		p->env_len = (uint16_t)o;
}

/* argv from NUL-separated text, bounded: the argument that does not fit
 * is kept cut to what is left, as exec_argv (ctx_event.c) keeps one of
 * an EXECVE record (a retitled process's title may be one long
 * argument, and then the only one). */
static void
set_argv(struct vg_proc *p, const char *a, size_t len)
{
	size_t o = 0, l;
	unsigned n = 0;

	p->argv_cut = 0;
	while (o < len && n < CTX_ARGC_MAX) {
		l = strnlen(a + o, len - o);
		if (o + l + 1 > CTX_ARGV_MAX) {
			if (o + 1 < CTX_ARGV_MAX) {
				o = CTX_ARGV_MAX - 1;	/* ctx_setstr ends it */
				n++;
			}
			break;
		}
		o += l + 1;
		n++;
	}
	if (o < len)
		p->argv_cut = 1;
	if (o > len)
		o = len;
	if (ctx_setstr(&p->argv, a, o, CTX_ARGV_MAX) == 0) {
		p->argv_len = (uint16_t)o;
		p->argc = (uint8_t)n;
	}
}

void
vg_ctx_set_argv(struct vg_proc *p, const char *a, size_t len)
{
	set_argv(p, a, len);
}

void
ctx_proc_cgroup(struct vg_ctx *c, struct vg_proc *p)
{
	char path[300], buf[4096];
	struct ctx_cgroup cg;
	ssize_t n;

	if (!c->o.proc)
		return;
	proc_path(c, path, sizeof(path), p->pid, "cgroup");
	if ((n = readfile(path, buf, sizeof(buf))) <= 0)
		return;
	if (!vg_ctx_cgroup_file(buf, (size_t)n, &cg)) {
		free(p->cg);
		p->cg = NULL;
		return;
	}
	if (p->cg == NULL && (p->cg = malloc(sizeof(*p->cg))) == NULL)
		return;
	*p->cg = cg;
}

struct vg_proc *
ctx_proc_read(struct vg_ctx *c, int32_t pid)
{
	char path[300], comm[64], buf[4096];
	struct vg_proc *p, *pa;
	int32_t ppid = 0;
	uint64_t start = 0;
	ssize_t n;

	if (!c->o.proc || pid <= 0 ||
	    read_stat(c, pid, comm, sizeof(comm), &ppid, &start) == -1)
		return NULL;
	if ((p = ctx_insert(c, pid)) == NULL)
		return NULL;
	c->st.proc_reads++;
	p->flags = P_PROC;
	p->ppid = ppid;
	p->start = start;
	(void)ctx_setstr(&p->comm, comm, strlen(comm), CTX_COMM_MAX);
	proc_path(c, path, sizeof(path), pid, "exe");
	if ((n = readlink(path, buf, sizeof(buf) - 1)) > 0)
		(void)ctx_setstr(&p->exe, buf, (size_t)n, CTX_EXE_MAX);
	proc_path(c, path, sizeof(path), pid, "cmdline");
	if ((n = readfile(path, buf, sizeof(buf))) > 0) {
		/* a trailing NUL ends the last argument, no empty one; a
		 * program that retitled itself (nginx, sshd, postgres: the
		 * title then NULs over the old arguments) ends in a run of
		 * NULs that are no arguments either */
		while (n > 1 && buf[n - 1] == '\0' && buf[n - 2] == '\0')
			n--;
		set_argv(p, buf, (size_t)n);
	}
	ctx_proc_cgroup(c, p);
	ctx_proc_env(c, p);
	ctx_set_script(p);
	/* its parent's labels, if the table has the parent (its exec may
	 * come before the fork that made it) */
	if ((pa = ctx_find(c, ppid)) != NULL && pa != p && (pa->start == 0 ||
	    pa->start <= start + CTX_START_SLACK))
		p->labels |= pa->labels;
	ctx_labels_exec(c, p);
	return p;
}

/* ---- the state file ---- */

static void
put_hex(FILE *f, const char *s, size_t len)
{
	size_t i;

	if (s == NULL) {
		fputs(" -", f);
		return;
	}
	fputc(' ', f);
	if (len == 0)
		fputc('=', f);
	for (i = 0; i < len; i++)
		fprintf(f, "%02x", (unsigned char)s[i]);
}

int
vg_ctx_save(struct vg_ctx *c)
{
	char tmp[4096];
	struct vg_proc *p;
	FILE *f;
	size_t i;
	int n, fd;

	if (c->state_file == NULL)
		return 0;
	n = snprintf(tmp, sizeof(tmp), "%s.tmp", c->state_file);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	/* labels by name: the bits are the positions of label lines, which
	 * may be others at the next start */
	fprintf(f, "vigil-proctab 2\nlabels");
	for (i = 0; i < c->nlabels; i++)
		if (vg_ctx_label_id(c, c->labels[i].name,
		    strlen(c->labels[i].name)) == (int)i)
			fprintf(f, " %zu=%s", i, c->labels[i].name);
	fputc('\n', f);
	/* oldest first: read back in order, the LRU order is kept */
	for (p = c->lru_tail; p != NULL; p = p->lprev) {
		fprintf(f, "%d %d %" PRIu64 " %" PRIu64 " %u %u %u", p->pid,
		    p->ppid, p->start, p->pstart, p->spawned_by, p->labels,
		    p->flags & ~P_EXITED);
		put_hex(f, p->exe, p->exe ? strlen(p->exe) : 0);
		put_hex(f, p->comm, p->comm ? strlen(p->comm) : 0);
		put_hex(f, p->argv, p->argv_len);
		put_hex(f, p->env, p->env_len);
		if (p->cg != NULL) {
			fprintf(f, " %u", p->cg->runtime);
			put_hex(f, p->cg->id, strlen(p->cg->id));
			put_hex(f, p->cg->pod, strlen(p->cg->pod));
			put_hex(f, p->cg->unit, strlen(p->cg->unit));
			put_hex(f, p->cg->slice, strlen(p->cg->slice));
		}
		fputc('\n', f);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, c->state_file) == -1) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* One hex token into out (cap bytes, NUL-terminated): its length, -1 for
 * "-" (none), -2 if it is not hex of at most cap - 1 bytes. */
static long
get_hex(struct vg_str t, char *out, size_t cap)
{
	size_t i, n = 0;
	int hi, lo;

	if (t.len == 1 && t.p[0] == '-')
		return -1;
	if (t.len == 1 && t.p[0] == '=') {
		out[0] = '\0';
		return 0;
	}
	if (t.len % 2 != 0 || t.len / 2 >= cap)
		return -2;
	for (i = 0; i < t.len; i += 2) {
		if ((hi = hexval(t.p[i])) < 0 || (lo = hexval(t.p[i + 1])) < 0)
			return -2;
		out[n++] = (char)(hi << 4 | lo);
	}
	out[n] = '\0';
	return (long)n;
}

/* The fields of a line vg_ctx_save writes: seven numbers, four strings,
 * and a cgroup's runtime and four strings if it has one. */
#define STATE_NUMS	7
#define STATE_FIELDS	16
static const char *const state_field[STATE_FIELDS] = { "pid", "ppid",
	"start", "pstart", "spawned_by", "labels", "flags", "exe", "comm",
	"argv", "env", "runtime", "container id", "pod", "unit", "slice" };

/* What one line gives, decoded before it touches the table. */
struct state_entry {
	uint64_t	 num[STATE_NUMS];
	long		 len[4];	/* exe comm argv env; -1 none */
	char		 exe[CTX_EXE_MAX + 1], comm[CTX_COMM_MAX + 1];
	char		 argv[CTX_ARGV_MAX + 1], env[CTX_ENV_MAX + 1];
	int		 has_cg;
	struct ctx_cgroup cg;
};

/* The longest line vg_ctx_save writes (each string two hex digits a
 * byte); a longer one is not ours. */
#define STATE_LINE_MAX	(STATE_FIELDS * 21 + 2 * (CTX_EXE_MAX + \
	CTX_COMM_MAX + CTX_ARGV_MAX + CTX_ENV_MAX + sizeof(((struct \
	ctx_cgroup *)0)->id) + sizeof(((struct ctx_cgroup *)0)->pod) + \
	2 * CTX_UNIT_MAX))

/* Splits a line at single spaces into t; the count, or 0 if a field is
 * empty (a line cut short, two spaces) or there are too many. */
static size_t
state_split(const char *line, size_t len, struct vg_str *t)
{
	const char *p = line, *end = line + len, *sp;
	size_t n = 0;

	for (;;) {
		if ((sp = memchr(p, ' ', (size_t)(end - p))) == NULL)
			sp = end;
		if (sp == p || n == STATE_FIELDS)
			return 0;
		t[n++] = vg_str_make(p, (size_t)(sp - p));
		if (sp == end)
			return n;
		p = sp + 1;
	}
}

/* Decodes one line into e; NULL, or why it is not an entry (into why). */
static const char *
state_decode(const char *line, size_t len, struct state_entry *e,
    char *why, size_t whylen)
{
	static const uint64_t max[STATE_NUMS] = { INT32_MAX, INT32_MAX,
	    UINT64_MAX, UINT64_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX };
	char *const str[4] = { e->exe, e->comm, e->argv, e->env };
	static const size_t cap[4] = { CTX_EXE_MAX + 1, CTX_COMM_MAX + 1,
	    CTX_ARGV_MAX + 1, CTX_ENV_MAX + 1 };
	struct vg_str t[STATE_FIELDS];
	char *const cgs[4] = { e->cg.id, e->cg.pod, e->cg.unit, e->cg.slice };
	static const size_t cgcap[4] = { CTX_CID_MAX,
	    sizeof(((struct ctx_cgroup *)0)->pod), CTX_UNIT_MAX,
	    CTX_UNIT_MAX };
	uint64_t rt;
	size_t n, i;

	n = state_split(line, len, t);
	if (n != STATE_NUMS + 4 && n != STATE_FIELDS) {
		snprintf(why, whylen, "%s", n == 0 ? "an empty field or more "
		    "than 16" : "not 11 or 16 fields");
		return why;
	}
	for (i = 0; i < STATE_NUMS; i++)
		if (vg_num_u64(t[i], &e->num[i]) == -1 || e->num[i] > max[i])
			goto badnum;
	if (e->num[0] == 0) {
		i = 0;
		goto badnum;
	}
	for (i = 0; i < 4; i++)
		if ((e->len[i] = get_hex(t[STATE_NUMS + i], str[i],
		    cap[i])) < -1)
			goto badhex;
	memset(&e->cg, 0, sizeof(e->cg));
	if ((e->has_cg = n == STATE_FIELDS) == 0)
		return NULL;
	if (vg_num_u64(t[STATE_NUMS + 4], &rt) == -1 || rt > RT_KUBEPODS) {
		i = STATE_NUMS + 4;
		goto badnum;
	}
	e->cg.runtime = (uint8_t)rt;
	for (i = 0; i < 4; i++)
		if (get_hex(t[STATE_NUMS + 5 + i], cgs[i], cgcap[i]) < 0) {
			i += 5;
			goto badhex;
		}
	return NULL;
badnum:
	snprintf(why, whylen, "%s: not a number in range", state_field[i]);
	return why;
badhex:
	snprintf(why, whylen, "%s: not \"-\", \"=\" or hex of at most %zu "
	    "bytes", state_field[STATE_NUMS + i], (i < 4 ? cap[i] :
	    cgcap[i - 5]) - 1);
	return why;
}

/* An entry of what e says, its label bits those of map; -1 ENOMEM. */
static int
state_insert(struct vg_ctx *c, const struct state_entry *e,
    const uint32_t *map)
{
	struct vg_proc *p;
	unsigned i;

	if ((p = ctx_insert(c, (int32_t)e->num[0])) == NULL)
		return -1;
	p->ppid = (int32_t)e->num[1];
	p->start = e->num[2];
	p->pstart = e->num[3];
	p->spawned_by = (uint32_t)e->num[4];
	for (i = 0; i < VG_CTX_LABELS_MAX; i++)
		if (e->num[5] & (1u << i))
			p->labels |= map[i];
	p->flags = (uint32_t)e->num[6] & (P_PROC | P_EXEC | P_STREAM |
	    P_FORKED);
	if ((e->len[0] >= 0 && ctx_setstr(&p->exe, e->exe,
	    (size_t)e->len[0], CTX_EXE_MAX) == -1) ||
	    (e->len[1] >= 0 && ctx_setstr(&p->comm, e->comm,
	    (size_t)e->len[1], CTX_COMM_MAX) == -1))
		goto oom;
	if (e->len[2] >= 0)
		set_argv(p, e->argv, (size_t)e->len[2]);
	if (e->len[3] > 0) {
		if (ctx_setstr(&p->env, e->env, (size_t)e->len[3],
		    CTX_ENV_MAX) == -1)
			goto oom;
		p->env_len = (uint16_t)e->len[3];
	}
	if (e->has_cg) {
		if ((p->cg = malloc(sizeof(*p->cg))) == NULL)
			goto oom;
		*p->cg = e->cg;
	}
	ctx_set_script(p);
	return 0;
oom:
	remove_entry(c, p);
	return -1;
}

/* One line of f into buf (STATE_LINE_MAX + 1 bytes, without its '\n'):
 * its length, or -1 at the end of the file. A line that is not one
 * vg_ctx_save writes is read to its end and *why says what it is. */
static ssize_t
state_line(FILE *f, char *buf, const char **why)
{
	size_t n = 0;
	int ch;

	*why = NULL;
	while ((ch = getc_unlocked(f)) != EOF && ch != '\n') {
		if (ch == '\0')
			*why = "a NUL byte";
		else if (n == STATE_LINE_MAX)
			*why = "longer than any entry";
		else
			buf[n++] = (char)ch;
	}
	if (ch == EOF && n == 0 && *why == NULL)
		return -1;
	if (ch == EOF && *why == NULL)
		*why = "cut short (no newline)";
	buf[n] = '\0';
	return (ssize_t)n;
}

/* The state file, open for reading if it is a regular file no larger
 * than a full table's (a device or a fifo would never end); NULL, logged
 * unless it is missing. */
static FILE *
state_open(const struct vg_ctx *c)
{
	struct stat st;
	FILE *f;
	int fd;

	/* O_NONBLOCK: opening a fifo would wait for a writer */
	if ((fd = open(c->state_file, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) ==
	    -1) {
		if (errno != ENOENT)
			vg_log_warn("context: %s: not read", c->state_file);
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > ((uint64_t)c->o.max_procs + 2) *
	    (STATE_LINE_MAX + 1)) {
		vg_log_warnx("context: %s: not a regular file of at most %u "
		    "entries: not read", c->state_file, c->o.max_procs);
		close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		vg_log_warn("context: %s: not read", c->state_file);
		close(fd);
	}
	return f;
}

/* The label names of the head's "labels" line ("BIT=NAME ...", after
 * the word): into map, the bit of each name in this configuration, none
 * for a name no label line has now. 0, or -1 (logged). */
static int
state_labels(struct vg_ctx *c, char *line, uint32_t *map)
{
	char *tok, *eq, *save = NULL;
	uint64_t bit;
	int id;

	for (tok = strtok_r(line, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save)) {
		if ((eq = strchr(tok, '=')) == NULL || eq[1] == '\0' ||
		    vg_num_u64(vg_str_make(tok, (size_t)(eq - tok)), &bit) ==
		    -1 || bit >= VG_CTX_LABELS_MAX) {
			vg_log_warnx("context: %s:2: \"%s\" is not BIT=NAME: "
			    "not read", c->state_file, tok);
			return -1;
		}
		if ((id = vg_ctx_label_id(c, eq + 1, strlen(eq + 1))) >= 0)
			map[bit] = 1u << id;
	}
	return 0;
}

/* The head of the state file: "vigil-proctab 2" and its "labels" line
 * into map; format 1 numbered labels by their line in the configuration
 * of its day, its entries are read without labels (map empty). The
 * number of the first entry line, or 0 (logged). */
static unsigned long
state_head(struct vg_ctx *c, FILE *f, char *line, uint32_t *map)
{
	const char *bad;

	memset(map, 0, VG_CTX_LABELS_MAX * sizeof(*map));
	if (state_line(f, line, &bad) == -1 || bad != NULL)
		line[0] = '\0';	/* no head either */
	if (strcmp(line, "vigil-proctab 1") == 0) {
		vg_log_warnx("context: %s: format 1 numbers labels: read "
		    "without them", c->state_file);
		return 2;
	}
	if (strcmp(line, "vigil-proctab 2") != 0) {
		vg_log_warnx("context: %s:1: not a process table of vigil "
		    "(\"vigil-proctab 2\" expected): not read",
		    c->state_file);
		return 0;
	}
	if (state_line(f, line, &bad) == -1 || bad != NULL ||
	    strncmp(line, "labels", 6) != 0 || (line[6] != '\0' &&
	    line[6] != ' ')) {
		vg_log_warnx("context: %s:2: \"labels\" expected: not read",
		    c->state_file);
		return 0;
	}
	return state_labels(c, line + 6, map) == -1 ? 0 : 3;
}

/*
 * With /proc (live), drops the entries read whose process is no more:
 * gone, or its pid another process's now (the start, as same_process()
 * checks it: one of an earlier boot, or none, never matches). The forks
 * and execs while vigild was down were not seen: a later process with
 * such a pid, and the same parent and program, would take the old one's
 * argv, labels and start. A gone process's children were reparented
 * (their records say so): none needs its entry. The count dropped.
 */
static unsigned long
state_drop_gone(struct vg_ctx *c)
{
	struct vg_proc *p, *next;
	unsigned long n = 0;
	uint64_t start;

	if (!c->o.proc)
		return 0;
	for (p = c->lru_head; p != NULL; p = next) {
		next = p->lnext;
		if ((start = ctx_proc_start(c, p->pid)) != 0 &&
		    ctx_same_start(p, start))
			continue;
		remove_entry(c, p);
		n++;
	}
	return n;
}

/* Reads the state file: a line that is not an entry is left out and
 * logged ("file:line: why", the first few); so are, live, the entries of
 * processes that are no more. */
static void
load_state(struct vg_ctx *c)
{
	char *line, why[128];
	const char *bad;
	struct state_entry *e;
	uint32_t map[VG_CTX_LABELS_MAX];
	unsigned long n, nbad = 0, read = 0, gone;
	ssize_t len;
	FILE *f;

	if ((f = state_open(c)) == NULL)
		return;
	line = malloc(STATE_LINE_MAX + 1);
	e = malloc(sizeof(*e));
	if (line == NULL || e == NULL) {
		vg_log_warnx("context: %s: out of memory", c->state_file);
		goto done;
	}
	if ((n = state_head(c, f, line, map)) == 0)
		goto done;
	for (; (len = state_line(f, line, &bad)) != -1; n++) {
		if (bad == NULL)
			bad = state_decode(line, (size_t)len, e, why,
			    sizeof(why));
		if (bad == NULL && state_insert(c, e, map) == -1)
			bad = "out of memory";
		if (bad == NULL) {
			read++;
			continue;
		}
		if (vg_rl_count(++nbad, 5))
			vg_log_warnx("context: %s:%lu: %s: left out",
			    c->state_file, n, bad);
	}
	if (nbad > 0)
		vg_log_warnx("context: %s: %lu lines left out, %lu entries "
		    "read", c->state_file, nbad, read);
	if ((gone = state_drop_gone(c)) > 0)
		vg_log_info("context: %s: %lu of %lu entries left out: their "
		    "processes are gone", c->state_file, gone, read);
done:
	free(e);
	free(line);
	fclose(f);
}

/* ---- the context ---- */

struct vg_ctx *
vg_ctx_new(const struct vg_ctx_opts *o, char *msg, size_t msglen)
{
	struct vg_ctx *c;
	const char *s, *e;
	size_t size = 16, n;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(msg, msglen, "out of memory");
		return NULL;
	}
	c->o = *o;
	if (c->o.max_procs < 16)
		c->o.max_procs = 16;
	if (c->o.depth > VG_CTX_DEPTH_MAX)
		c->o.depth = VG_CTX_DEPTH_MAX;
	snprintf(c->proc_root, sizeof(c->proc_root), "%s",
	    o->proc_root ? o->proc_root : "/proc");
	while (size < 2 * (size_t)c->o.max_procs)
		size *= 2;
	if ((c->hash = calloc(size, sizeof(*c->hash))) == NULL)
		goto oom;
	c->hmask = size - 1;
	if (o->host != NULL)
		snprintf(c->host, sizeof(c->host), "%s", o->host);
	else if (gethostname(c->host, sizeof(c->host) - 1) == -1)
		c->host[0] = '\0';
	c->host[sizeof(c->host) - 1] = '\0';
	c->host_len = strlen(c->host);
	/* the allow-list: names separated by spaces or commas */
	for (s = o->env; s != NULL && *s != '\0'; s = e) {
		s += strspn(s, " ,\t");
		if ((n = strcspn(s, " ,\t")) == 0)
			break;
		e = s + n;
		if (c->nenv == VG_CTX_ENV_MAX || n >= sizeof(c->env_names[0])) {
			snprintf(msg, msglen, "context_env: too many or too "
			    "long names (at most %d of 63 bytes)",
			    VG_CTX_ENV_MAX);
			goto einval;
		}
		memcpy(c->env_names[c->nenv], s, n);
		c->env_names[c->nenv++][n] = '\0';
	}
	if (ctx_labels_init(c, msg, msglen) == -1)
		goto einval;
	ctx_syscalls_init(c);
	ctx_names_init(&c->names, o->passwd, o->group);
	if ((c->hz = sysconf(_SC_CLK_TCK)) <= 0)
		c->hz = 100;
	if (c->o.proc)
		c->boot_ms = boot_ms(c);
	if (o->state_file != NULL) {
		if ((c->state_file = strdup(o->state_file)) == NULL)
			goto oom;
		load_state(c);
	}
	c->o.state_file = c->state_file;
	c->o.env = NULL;
	c->o.labels = NULL;
	c->o.nlabels = 0;
	return c;
oom:
	snprintf(msg, msglen, "out of memory");
einval:
	ctx_table_free(c);	/* no SYSCALL memo yet */
	errno = EINVAL;
	return NULL;
}

/* The table and what vg_ctx_new made; vg_ctx_free (ctx_setup.c) frees
 * the rest of the context with it. */
void
ctx_table_free(struct vg_ctx *c)
{
	struct vg_proc *p, *n;
	size_t i;

	if (global_ctx == c)
		global_ctx = NULL;
	for (p = c->lru_head; p != NULL; p = n) {
		n = p->lnext;
		proc_free(p);
	}
	for (i = 0; i < c->nlabels; i++)
		free(c->labels[i].pat);
	free(c->hash);
	free(c->state_file);
	free(c);
}

const struct vg_proc *
vg_ctx_lookup(struct vg_ctx *c, pid_t pid)
{
	return ctx_find(c, (int32_t)pid);
}

const struct vg_ctx_stats *
vg_ctx_stats(struct vg_ctx *c)
{
	return &c->st;
}
