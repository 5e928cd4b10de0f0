/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugins_conf.c: auditd plugins.d definitions (one file per plugin, auditd
 * 3.0.9 and master style): their keys as rows of the configuration
 * engine (opt.h), read by the one file reader (conf_read.h) with auditd's
 * syntax and its checks of owners and modes. Pure functions: never starts
 * a process (that is plugin_supervisor.c), never formats a record
 * (logline.c) and never keeps state between calls.
 */
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

#include "vigil/conf_read.h"
#include "vigil/log.h"
#include "vigil/opt.h"
#include "vigil/auditd/plugins_conf.h"

/* longer lines are skipped, as auditd does (its buffer is 160 bytes;
 * master's args lines are longer) */
#define LINE_MAX_LEN	1024
/* auditd 3.0.9 maps every "builtin_*" path to this program */
#define BUILTIN_AF_UNIX	"/sbin/audisp-af_unix"
#define F(m)		offsetof(struct vg_plugin_conf, m)
#define PLUG		(VG_OPT_AUDITD | VG_OPT_PLUGINS)

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

/* An absolute path; "builtin_*" (3.0.9) is obsolete: auditd 3.0 runs
 * its af_unix program instead, and says so. */
static int
set_path(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t len)
{
	char **dst = (char **)(void *)((char *)base + o->off), *dup;
	int builtin = strncasecmp(val, "builtin_", 8) == 0;

	if (!builtin && *val != '/') {
		snprintf(msg, len, "\"%s\" is not an absolute path", val);
		return -1;
	}
	if ((dup = strdup(builtin ? BUILTIN_AF_UNIX : val)) == NULL) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	free(*dst);
	*dst = dup;
	if (!builtin)
		return 0;
	snprintf(msg, len, "%s is obsolete (auditd 3.0); using %s", val,
	    BUILTIN_AF_UNIX);
	return 1;
}

/* always; builtin (3.0.9) is obsolete: run as always, as auditd 3.0
 * does. Nothing to store: every plugin runs as always. */
static int
set_type(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t len)
{
	(void)base;
	switch (vg_opt_choice(o, val, strlen(val))) {
	case 0:
		return 0;
	case 1:
		snprintf(msg, len, "%s is obsolete (auditd 3.0); run as "
		    "always", val);
		return 1;
	default:
		vg_opt_bad(o, val, msg, len);
		return -1;
	}
}

/* The words of val (split on blanks, no quoting, as auditd) become
 * argv[1..]; on error the old ones stay. */
static int
set_args(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t len)
{
	struct vg_plugin_conf *c = base;
	char *argv[VG_PLUGIN_MAX_ARGS];
	const char *p = val;
	size_t n = 0, w;

	(void)o;
	for (p += strspn(p, " \t"); *p != '\0'; p += strspn(p, " \t")) {
		w = strcspn(p, " \t");
		if (n == VG_PLUGIN_MAX_ARGS)
			snprintf(msg, len, "more than %d arguments",
			    VG_PLUGIN_MAX_ARGS);
		else if ((argv[n] = strndup(p, w)) == NULL)
			snprintf(msg, len, "out of memory");
		else {
			n++;
			p += w;
			continue;
		}
		while (n > 0)
			free(argv[--n]);
		return -1;
	}
	free_args(c);
	memcpy(&c->argv[1], argv, n * sizeof(argv[0]));
	c->nargs = n;
	return 0;
}

static const char *const c_direction[] = { "out", NULL };
static const char *const c_type[] = { "always", "builtin", NULL };
/* by enum vg_plugin_format */
static const char *const c_format[] = { "string", "binary", NULL };

/*
 * Every plugins.d key auditd 3.0.9 reads, in the engine's rows (opt.h):
 * names and words in any case, one word each but args; .def is auditd's
 * default. "in" plugins are not run by auditd (it refuses the word).
 */
static const struct vg_opt keys[] = {
	{ .name = "active", .type = VG_OPT_BOOL, .def = "no",
	  .off = F(active), .flags = PLUG },
	{ .name = "direction", .type = VG_OPT_ENUM, .def = "out",
	  .choices = c_direction, .expect = "out", .off = F(direction),
	  .flags = PLUG },
	{ .name = "path", .type = VG_OPT_SET, .set = set_path,
	  .off = F(path), .flags = PLUG },
	{ .name = "type", .type = VG_OPT_SET, .set = set_type,
	  .def = "always", .choices = c_type, .expect = "always",
	  .flags = PLUG },
	{ .name = "args", .type = VG_OPT_SET, .set = set_args,
	  .flags = PLUG | VG_OPT_WORDS },
	{ .name = "format", .type = VG_OPT_ENUM, .def = "string",
	  .choices = c_format, .off = F(format), .flags = PLUG },
	{ .name = NULL },
};

/* A name no row has: the file is no plugins.d file (a plugin's own
 * configuration put there by mistake), read no further. */
static int
set_line(void *ctx, const char *key, const char *val, char *msg, size_t len)
{
	const struct vg_opt *o;
	int n, off;

	if (vg_opt_find(keys, key) != NULL)
		return vg_opt_set(keys, ctx, key, val, msg, len);
	off = snprintf(msg, len, "unknown keyword \"%.64s\": not a plugins.d "
	    "file (a plugin's own config?); plugins.d files hold", key);
	for (o = keys; o->name != NULL && off > 0 && (size_t)off < len; o++) {
		n = snprintf(msg + off, len - (size_t)off, "%s %s",
		    o == keys ? "" : ",", o->name);
		off = n < 0 ? -1 : off + n;
	}
	return -2;
}

/* auditd's plugins.d rules: '#' starts a comment line only, '=' is a
 * word of its own, a keyword one word */
static const struct vg_conf_syntax syntax = {
	.file = "plugins.d",
	.key = "keyword",
	.one_word_key = 1,
	.eq_word = 1,
	.max_line = LINE_MAX_LEN,
	.set = set_line,
};

/* A whole-file problem (line 0) into err, logged. Returns -1. */
static int __attribute__((format(printf, 3, 4)))
file_err(struct vg_err *err, const char *file, const char *fmt, ...)
{
	char msg[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vg_err_set(err, file, 0, "%s", msg);
	vg_err_log(err);
	return -1;
}

/* Owned by root or by us (tests, replay as a user), not world writable,
 * a regular file. 0 or -1 (logged). */
static int
check_owner(struct vg_err *err, const char *file, const struct stat *st,
    const char *what)
{
	if (!S_ISREG(st->st_mode))
		return file_err(err, file, "%s is not a regular file", what);
	if (st->st_uid != 0 && st->st_uid != geteuid())
		return file_err(err, file, "%s is not owned by root", what);
	if (st->st_mode & S_IWOTH)
		return file_err(err, file, "%s is world writable", what);
	return 0;
}

/* After the whole file: what auditd's sanity_check does. */
static int
check_conf(struct vg_err *err, const char *file, struct vg_plugin_conf *c)
{
	struct stat st;

	if (!c->active)
		return 0;
	if (c->path == NULL)
		return file_err(err, file, "plugin is active but has no path");
	if (stat(c->path, &st) == -1)
		return file_err(err, file, "plugin %s: %s", c->path,
		    strerror(errno));
	if (check_owner(err, file, &st, c->path) == -1)
		return -1;
	if ((st.st_mode & 0750) != 0750)
		return file_err(err, file, "plugin %s: mode %04o, needs at "
		    "least 0750", c->path, (unsigned)(st.st_mode & 0777));
	c->dev = st.st_dev;
	c->ino = st.st_ino;
	return 0;
}

/* Opened without following a link, its owner checked on the descriptor,
 * then read by the one reader: the number of errors. */
static int
read_file(struct vg_plugin_conf *c, const char *file, struct vg_err *err)
{
	unsigned warnings = 0;
	struct stat st;
	FILE *f = NULL;
	int fd, errors;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1) {
		file_err(err, file, "cannot open: %s", strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == -1)
		file_err(err, file, "fstat: %s", strerror(errno));
	else if (check_owner(err, file, &st, "the file") == 0 &&
	    (f = fdopen(fd, "r")) == NULL)
		file_err(err, file, "fdopen: %s", strerror(errno));
	if (f == NULL) {
		close(fd);
		return 1;
	}
	errors = vg_conf_read_file(f, file, &syntax, c, err, &warnings);
	fclose(f);
	return errors;
}

int
vg_plugin_conf_load(struct vg_plugin_conf *c, const char *file,
    struct vg_err *err)
{
	struct vg_err own;
	const char *base = strrchr(file, '/');

	if (err == NULL)
		err = &own;
	memset(c, 0, sizeof(*c));
	vg_opt_defaults(keys, c);
	if (read_file(c, file, err) != 0 || check_conf(err, file, c) == -1)
		goto fail;
	if ((c->name = strdup(base ? base + 1 : file)) == NULL) {
		file_err(err, file, "out of memory");
		goto fail;
	}
	c->argv[0] = c->path;
	return 0;
fail:
	vg_plugin_conf_free(c);
	return -1;
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
