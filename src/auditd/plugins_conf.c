/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugins_conf.c: auditd plugins.d definitions (one file per plugin, auditd
 * 3.0.9 and master style), read as auditd reads them, with its checks of
 * owners and modes. Pure functions: never starts a process (that is
 * plugin_supervisor.c), never formats a record (logline.c) and never
 * keeps state between calls.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/log.h"
#include "vigil/opt.h"
#include "vigil/auditd/plugins_conf.h"

#define LINE_MAX_LEN	1024
/* auditd 3.0.9 maps every "builtin_*" path to this program */
#define BUILTIN_AF_UNIX	"/sbin/audisp-af_unix"

struct pctx {
	const char		*file;
	unsigned		 line;
	struct vg_err		*err;
	int			 errors;
	int			 foreign;	/* not a plugins.d file */
};

static void __attribute__((format(printf, 2, 3)))
perr(struct pctx *x, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (x->line)
		vg_log_warnx("%s:%u: %s", x->file, x->line, msg);
	else
		vg_log_warnx("%s: %s", x->file, msg);
	if (x->err != NULL) {
		snprintf(x->err->file, sizeof(x->err->file), "%s", x->file);
		x->err->line = x->line;
		snprintf(x->err->msg, sizeof(x->err->msg), "%s", msg);
	}
	x->errors++;
}

/* Owned by root or by us (tests, replay as a user), not world writable,
 * a regular file. 0 or -1 (logged). */
static int
check_owner(struct pctx *x, const struct stat *st, const char *what)
{
	if (!S_ISREG(st->st_mode)) {
		perr(x, "%s is not a regular file", what);
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		perr(x, "%s is not owned by root", what);
		return -1;
	}
	if (st->st_mode & S_IWOTH) {
		perr(x, "%s is world writable", what);
		return -1;
	}
	return 0;
}

static int
set_enum(struct pctx *x, const char *key, const char *val,
    const char *const *names, int *out)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcasecmp(val, names[i]) == 0) {
			*out = i;
			return 0;
		}
	perr(x, "%s: unknown value \"%s\"", key, val);
	return -1;
}

static char *
xstrdup(struct pctx *x, const char *s)
{
	char *d;

	if ((d = strdup(s)) == NULL)
		perr(x, "out of memory");
	return d;
}

static void
free_args(struct vg_plugin_conf *c)
{
	size_t i;

	for (i = 1; i <= c->nargs; i++) {
		free(c->argv[i]);
		c->argv[i] = NULL;
	}
	c->nargs = 0;
}

/* One "key = v1 v2 ..." line already split into tok[0..n). */
static void
set_key(struct pctx *x, struct vg_plugin_conf *c, char **tok, size_t n)
{
	static const char *const dirs[] = { "out", NULL };
	static const char *const types[] = { "always", "builtin", NULL };
	static const char *const fmts[] = { "string", "binary", NULL };
	const char *key = tok[0];
	size_t i;
	int v;

	if (strcasecmp(key, "args") == 0) {
		free_args(c);
		if (n - 2 > VG_PLUGIN_MAX_ARGS) {
			perr(x, "args: more than %d arguments",
			    VG_PLUGIN_MAX_ARGS);
			return;
		}
		for (i = 2; i < n; i++) {
			if ((c->argv[i - 1] = xstrdup(x, tok[i])) == NULL)
				return;
			c->nargs++;
		}
		return;
	}
	if (n != 3) {
		perr(x, "%s takes one value, not %zu", key, n - 2);
		return;
	}
	if (strcasecmp(key, "active") == 0) {
		/* the one boolean parser: yes/no, true/false, on/off, 1/0 */
		if (vg_parse_bool(tok[2], &v) == 0)
			c->active = v;
		else
			perr(x, "%s: unknown value \"%s\" (expected yes or "
			    "no)", key, tok[2]);
	} else if (strcasecmp(key, "direction") == 0) {
		(void)set_enum(x, key, tok[2], dirs, &v);
	} else if (strcasecmp(key, "type") == 0) {
		if (set_enum(x, key, tok[2], types, &v) == 0 && v == 1)
			vg_log_warnx("%s:%u: type = builtin is obsolete "
			    "(auditd 3.0); run as type = always", x->file,
			    x->line);
	} else if (strcasecmp(key, "format") == 0) {
		if (set_enum(x, key, tok[2], fmts, &v) == 0)
			c->format = (enum vg_plugin_format)v;
	} else if (strcasecmp(key, "path") == 0) {
		free(c->path);
		c->path = NULL;
		if (strncasecmp(tok[2], "builtin_", 8) == 0) {
			vg_log_warnx("%s:%u: path = %s is obsolete (auditd "
			    "3.0); using %s", x->file, x->line, tok[2],
			    BUILTIN_AF_UNIX);
			c->path = xstrdup(x, BUILTIN_AF_UNIX);
		} else if (tok[2][0] != '/')
			perr(x, "path: \"%s\" is not an absolute path",
			    tok[2]);
		else
			c->path = xstrdup(x, tok[2]);
	} else {
		perr(x, "unknown keyword \"%s\": not a plugins.d file (a "
		    "plugin's own config?); plugins.d files hold active, "
		    "direction, path, type, args, format", key);
		x->foreign = 1;
	}
}

/* Splits s in place on blanks; at most max tokens. Returns the count, or
 * max + 1 if there were more. */
static size_t
split(char *s, char **tok, size_t max)
{
	size_t n = 0;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			return n;
		if (n == max)
			return max + 1;
		tok[n++] = s;
		while (*s != '\0' && *s != ' ' && *s != '\t')
			s++;
		if (*s != '\0')
			*s++ = '\0';
	}
}

static void
parse_line(struct pctx *x, struct vg_plugin_conf *c, char *s)
{
	char *tok[VG_PLUGIN_MAX_ARGS + 3];
	size_t n;

	n = split(s, tok, sizeof(tok) / sizeof(tok[0]));
	if (n == 0 || tok[0][0] == '#')
		return;
	if (n > sizeof(tok) / sizeof(tok[0])) {
		perr(x, "too many words");
		return;
	}
	if (n < 2 || strcmp(tok[1], "=") != 0) {
		perr(x, "expected \"%s = value\" (spaces around '=')", tok[0]);
		return;
	}
	if (n < 3) {
		perr(x, "%s: no value", tok[0]);
		return;
	}
	set_key(x, c, tok, n);
}

static void
read_lines(struct pctx *x, struct vg_plugin_conf *c, FILE *f)
{
	char line[LINE_MAX_LEN + 2];
	size_t len;
	int too_long = 0;

	while (!x->foreign && fgets(line, sizeof(line), f) != NULL) {
		len = strlen(line);
		if (len && line[len - 1] == '\n')
			line[--len] = '\0';
		else if (!feof(f)) {	/* longer than the buffer */
			if (!too_long) {
				x->line++;
				perr(x, "line longer than %d bytes",
				    LINE_MAX_LEN);
			}
			too_long = 1;
			continue;
		}
		if (too_long) {		/* the rest of the long line */
			too_long = 0;
			continue;
		}
		x->line++;
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		parse_line(x, c, line);
	}
	if (ferror(f))
		perr(x, "read error: %s", strerror(errno));
}

/* After the whole file: what auditd's sanity_check does. */
static void
check_conf(struct pctx *x, struct vg_plugin_conf *c)
{
	struct stat st;

	x->line = 0;
	if (!c->active)
		return;
	if (c->path == NULL) {
		perr(x, "plugin is active but has no path");
		return;
	}
	if (stat(c->path, &st) == -1) {
		perr(x, "plugin %s: %s", c->path, strerror(errno));
		return;
	}
	if (check_owner(x, &st, c->path) == -1)
		return;
	if ((st.st_mode & 0750) != 0750) {
		perr(x, "plugin %s: mode %04o, needs at least 0750", c->path,
		    (unsigned)(st.st_mode & 0777));
		return;
	}
	c->dev = st.st_dev;
	c->ino = st.st_ino;
}

int
vg_plugin_conf_load(struct vg_plugin_conf *c, const char *file,
    struct vg_err *err)
{
	struct pctx x = { .file = file, .err = err };
	const char *base;
	struct stat st;
	FILE *f;
	int fd;

	memset(c, 0, sizeof(*c));
	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		perr(&x, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || check_owner(&x, &st, "the file") == -1) {
		if (x.errors == 0)
			perr(&x, "fstat: %s", strerror(errno));
		close(fd);
		return -1;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		perr(&x, "fdopen: %s", strerror(errno));
		close(fd);
		return -1;
	}
	read_lines(&x, c, f);
	fclose(f);
	base = strrchr(file, '/');
	c->name = xstrdup(&x, base ? base + 1 : file);
	if (x.errors == 0)
		check_conf(&x, c);
	if (c->path != NULL)
		c->argv[0] = c->path;
	if (x.errors) {
		vg_plugin_conf_free(c);
		return -1;
	}
	return 0;
}

void
vg_plugin_conf_free(struct vg_plugin_conf *c)
{
	free_args(c);
	free(c->path);
	free(c->name);
	memset(c, 0, sizeof(*c));
}

int
vg_plugin_conf_same(const struct vg_plugin_conf *a,
    const struct vg_plugin_conf *b)
{
	size_t i;

	if (a->format != b->format || a->nargs != b->nargs ||
	    a->dev != b->dev || a->ino != b->ino ||
	    (a->path == NULL) != (b->path == NULL) ||
	    (a->path != NULL && strcmp(a->path, b->path) != 0))
		return 0;
	for (i = 1; i <= a->nargs; i++)
		if (strcmp(a->argv[i], b->argv[i]) != 0)
			return 0;
	return 1;
}

/* "name.conf", not hidden: auditd also skips names with more than one
 * dot (backups such as x.conf.rpmsave, x.conf.dpkg-old). */
int
vg_plugin_file_name(const char *name)
{
	size_t len = strlen(name);

	return name[0] != '.' && len > 5 &&
	    strcmp(name + len - 5, ".conf") == 0 &&
	    strchr(name, '.') == name + len - 5;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
vg_plugin_dir_free(struct vg_plugin_conf *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		vg_plugin_conf_free(&v[i]);
	free(v);
}

int
vg_plugin_dir_load(const char *dir, struct vg_plugin_conf **out, size_t *n)
{
	struct vg_plugin_conf *v = NULL, *nv;
	char **names = NULL, **nn, path[4096];
	size_t nnames = 0, i, cnt = 0;
	struct dirent *e;
	DIR *d;
	int skipped = 0, saved;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL) {
		if (!vg_plugin_file_name(e->d_name)) {
			if (e->d_name[0] != '.')
				vg_log_debug("plugins: %s/%s ignored (not a "
				    "NAME.conf file)", dir, e->d_name);
			continue;
		}
		if ((nn = realloc(names, (nnames + 1) * sizeof(*names))) ==
		    NULL || (nn[nnames] = strdup(e->d_name)) == NULL) {
			if (nn != NULL)
				names = nn;
			goto oom;
		}
		names = nn;
		nnames++;
	}
	closedir(d);
	d = NULL;
	if (nnames)
		qsort(names, nnames, sizeof(*names), by_name);
	if (nnames && (v = calloc(nnames, sizeof(*v))) == NULL)
		goto oom;
	for (i = 0; i < nnames; i++) {
		int r = snprintf(path, sizeof(path), "%s/%s", dir, names[i]);

		if (r < 0 || (size_t)r >= sizeof(path) ||
		    vg_plugin_conf_load(&v[cnt], path, NULL) == -1) {
			vg_log_warnx("plugins: skipping plugin %s due to "
			    "errors", names[i]);
			skipped++;
			continue;
		}
		if (v[cnt].active)
			cnt++;
		else
			vg_plugin_conf_free(&v[cnt]);
	}
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	if (cnt == 0) {
		free(v);
		v = NULL;
	} else if ((nv = realloc(v, cnt * sizeof(*v))) != NULL)
		v = nv;
	*out = v;
	*n = cnt;
	return skipped;
oom:
	saved = errno;
	if (d != NULL)
		closedir(d);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	vg_plugin_dir_free(v, cnt);
	errno = saved;
	return -1;
}
