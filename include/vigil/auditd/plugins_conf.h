/*
 * plugins_conf.h: auditd plugins.d compatibility. src/auditd/plugins_conf.c
 * reads plugin definitions (auditd 3.0.9 and master style) and formats
 * records the way auditd 3.0.9's dispatcher hands them to plugins;
 * src/auditd/plugin_supervisor.c is the "plugins" output that runs them
 * (docs/plugins.md):
 *	plugins:DIR?conf=AUDITD_CONF&q_depth=N&overflow_action=A&...
 */
#ifndef VIGIL_AUDITD_PLUGINS_CONF_H
#define VIGIL_AUDITD_PLUGINS_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/auditd/auditd_conf.h"
#include "vigil/auditd/log_writer.h"
#include "vigil/buf.h"
#include "vigil/config.h"	/* struct vg_err */
#include "vigil/auditd/enrich.h"
#include "vigil/event.h"

#define VG_PLUGIN_DIR_DEFAULT	"/etc/audit/plugins.d"
#define VG_PLUGIN_MAX_ARGS	32
/* auditd's MAX_AUDIT_MESSAGE_LENGTH: the data part of a binary record */
#define VG_PLUGIN_DATA_LEN	8970

enum vg_plugin_format { VG_PLUGIN_STRING = 0, VG_PLUGIN_BINARY };

/* auditd's struct audit_dispatcher_header (libaudit.h), host order. */
struct vg_plugin_hdr {
	uint32_t	ver;	/* 0: data is "audit(...): body"; 1: whole line */
	uint32_t	hlen;	/* sizeof(struct vg_plugin_hdr) = 16 */
	uint32_t	type;
	uint32_t	size;	/* bytes of data that are the record */
};

/* One plugins.d file. All strings are owned (vg_plugin_conf_free). */
struct vg_plugin_conf {
	char			*name;		/* file name: identity on HUP */
	int			 active;
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
 * format string). As auditd: "key = value" lines, keys active, direction
 * (out), path, type (always; builtin is obsolete: warned, run as always),
 * args (split on spaces, no quoting), format (string|binary); the file
 * must be a regular file owned by root (or by our euid), not world
 * writable; an active plugin's path must be a regular file owned the same
 * way with mode bits 0750 set. Every problem is logged as "file:line:
 * message" (the last one also in *err). Returns 0, or -1 if the plugin
 * must be skipped (c is freed then).
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

/*
 * How auditd 3.0.9 words a record for its plugins. proto 1 ("VER2") when
 * the log format is ENRICHED, a node name is configured (name_format) or
 * the event came with one; else proto 0.
 */
struct vg_plugin_fmt {
	int			 enriched;	/* log_format = ENRICHED */
	const char		*node;		/* name_format's node, or NULL */
	struct vg_enrich	*enrich;	/* needed if enriched */
};

/*
 * Appends the data of one record of ev to b as auditd's dispatcher holds
 * it: proto 0 "audit(S.MS:N): body", proto 1 the log line
 * ("[node=N ]type=T msg=audit(...): body[\x1dENRICHED]", ENRICHED lines
 * without one trailing space, as auditd). rec NULL: the EOE record. A
 * newline in a body becomes a space (as auditd's dispatcher does), other
 * control bytes \xHH. No trailing newline. Returns the proto (0 or 1).
 */
int	vg_plugin_format_data(struct vg_buf *b, const struct vg_plugin_fmt *,
	    const struct vg_event *ev, const struct vg_erec *rec);
/*
 * The string-format line of one record: proto 0 prefixes
 * "type=NAME msg=", both end in '\n'. Returns the proto.
 */
int	vg_plugin_format_line(struct vg_buf *b, const struct vg_plugin_fmt *,
	    const struct vg_event *ev, const struct vg_erec *rec);

/*
 * The running "plugins" outputs (src/auditd/plugin_supervisor.c), for vigild's
 * signal handlers: SIGHUP re-reads auditd.conf and plugins.d (new
 * plugins start, removed ones get SIGTERM, unchanged ones get SIGHUP,
 * a changed binary is restarted, given-up plugins get another chance);
 * SIGUSR2 resumes dispatch suspended by overflow_action=suspend; SIGCONT
 * dumps state to fd.
 */
void	vg_plugins_reload_all(void);
/*
 * One of vigild's DAEMON_* records to every running "plugins" output, as
 * auditd 3.0.9 dispatches its own records (no EOE follows). Called by the
 * auditd log writer's vg_auditlog_*_all() with the stamp it logged; the
 * output sends DAEMON_START itself when it opens. sender NULL: vigild;
 * reason: for DAEMON_ABORT. DAEMON_RESUME also ends suspended dispatch.
 */
void	vg_plugins_daemon_all(enum vg_daemon_rec, const struct vg_sender *,
	    const char *reason, const struct vg_daemon_stamp *);
void	vg_plugins_resume_all(void);
void	vg_plugins_dump_all(int fd);

/*
 * For the privileged helper (src/privsep.c), which starts plugins for the
 * daemon from what it reads itself. vg_plugins_lookup: plugin file name
 * of the "plugins" output spec, read from disk now as the output reads it
 * (its plugin_dir: the spec's, else auditd.conf's, else the default).
 * 0 with *c filled (an active plugin with a path; caller frees), or -1
 * (EINVAL: not a plugins spec, a bad name, an inactive or broken plugin;
 * logged). vg_plugins_overflow_of: the output's overflow_action (its
 * auditd.conf, then the spec's own option). vg_plugins_exec: the plugin
 * process after fork: sock becomes stdin, every other descriptor is
 * closed, signals back to default, exec with an empty environment;
 * never returns.
 */
int	vg_plugins_lookup(const char *spec, const char *name,
	    struct vg_plugin_conf *c);
int	vg_plugins_overflow_of(const char *spec, enum vg_adc_action *a);
void	vg_plugins_exec(const struct vg_plugin_conf *c, int sock)
	    __attribute__((noreturn));

#endif
