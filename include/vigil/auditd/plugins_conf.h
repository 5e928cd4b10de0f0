/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugins_conf.h: auditd plugins.d files (src/auditd/plugins_conf.c): one
 * file per plugin, auditd 3.0.9 and master style (docs/plugins.md). The
 * process supervisor that runs them is plugin_supervisor.h; the text a
 * plugin gets is logline.h's.
 */
#ifndef VIGIL_AUDITD_PLUGINS_CONF_H
#define VIGIL_AUDITD_PLUGINS_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/config.h"	/* struct vg_err */

#define VG_PLUGIN_DIR_DEFAULT	"/etc/audit/plugins.d"
#define VG_PLUGIN_MAX_ARGS	32
enum vg_plugin_format { VG_PLUGIN_STRING = 0, VG_PLUGIN_BINARY };

/* One plugins.d file. All strings are owned (vg_plugin_conf_free). */
struct vg_plugin_conf {
	char			*name;		/* file name: identity on HUP */
	int			 active;
	int			 direction;	/* 0: out (auditd runs no
						 * other) */
	char			*path;
	char			*argv[VG_PLUGIN_MAX_ARGS + 2];	/* path, args,
								 * NULL */
	size_t			 nargs;		/* args after path */
	enum vg_plugin_format	 format;
	dev_t			 dev;		/* of path when loaded: a new */
	ino_t			 ino;		/* binary is restarted on HUP */
};

/*
 * Reads one plugins.d file into c (defaults: inactive, type always,
 * format string). As auditd: "key = value" lines ('=' a word of its
 * own), keys active, direction (out), path, type (always; builtin is
 * obsolete: warned, run as always), args (split on blanks, no quoting),
 * format (string|binary), in any case: rows of the configuration engine
 * (opt.h) read by the one file reader (conf_read.h). The file must be a
 * regular file owned by root (or by our euid), not world writable; an
 * active plugin's path must be a regular file owned the same way with
 * mode bits 0750 set. Every problem is logged as "file:line: message"
 * (the last one also in *err; err may be NULL). Returns 0, or -1 if the
 * plugin must be skipped (c is freed then).
 */
int	vg_plugin_conf_load(struct vg_plugin_conf *c, const char *file,
	    struct vg_err *err);
void	vg_plugin_conf_free(struct vg_plugin_conf *);
/* 1 if both would run the same program the same way, else 0. */
int	vg_plugin_conf_same(const struct vg_plugin_conf *,
	    const struct vg_plugin_conf *);

/*
 * Every usable *.conf of dir (no hidden or backup files), sorted by name;
 * inactive plugins are dropped. *out is an array of *n (caller frees with
 * vg_plugin_dir_free). Files that fail vg_plugin_conf_load are logged
 * ("skipping plugin X") and left out. Returns the number of files
 * skipped, or -1 (errno) if dir cannot be read.
 */
int	vg_plugin_dir_load(const char *dir, struct vg_plugin_conf **out,
	    size_t *n);
void	vg_plugin_dir_free(struct vg_plugin_conf *, size_t n);
/* 1 if name is one vg_plugin_dir_load reads ("NAME.conf": one dot, not
 * hidden, so never a path), else 0. */
int	vg_plugin_file_name(const char *name);

#endif
