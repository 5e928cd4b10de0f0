/*
 * config.h: vigild.conf (docs/vigild.conf.md). "key = value" lines, '#'
 * comments; keys come from one table (type, default, offset, help), so
 * parsing, defaults and the documentation agree. Errors are reported as
 * file:line: message and every line is checked before giving up.
 */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#ifndef VG_CONF_DEFAULT		/* CMake: SYSCONFDIR/vigil/vigild.conf */
#define VG_CONF_DEFAULT	"/etc/vigil/vigild.conf"
#endif
#define VG_CONF_MAXLIST	32

struct vg_err {
	char		file[256];
	unsigned	line;
	char		msg[256];
};

struct vg_config {
	char		*outputs[VG_CONF_MAXLIST];	/* "NAME:ARG" */
	int		 noutputs;
	char		*lua_filters[VG_CONF_MAXLIST];
	int		 nlua_filters;
	char		*drops[VG_CONF_MAXLIST];	/* prefilter rules */
	int		 ndrops;
	char		*rules;			/* file or rules.d dir */
	char		*auditd_conf;
	char		*plugin_dir;		/* auditd plugins.d */
	unsigned	 end_of_event_timeout;	/* seconds */
	unsigned	 batch_delay_ms;
	uint64_t	 rcvbuf;
	uint64_t	 max_pending_events;
	uint64_t	 max_event_bytes;
	uint64_t	 max_pending_bytes;
	int		 multicast;		/* bool */
	int		 enable;		/* bool: set enabled=1 */
	/* process context (docs/events.md, Context) */
	int		 context;		/* bool */
	unsigned	 context_depth;
	unsigned	 context_max_processes;
	int		 context_proc;		/* bool */
	char		*context_env;		/* "NAME NAME ..." */
	char		*context_state;		/* state file */
	char		*labels[VG_CONF_MAXLIST];	/* "NAME exe=GLOB" */
	int		 nlabels;
};

void	vg_config_defaults(struct vg_config *);
/* Parses path into c (on top of what is there). Returns the number of
 * errors (each logged as file:line: msg; the last one in *err), 0 if ok,
 * -1 if the file cannot be read. */
int	vg_config_load(struct vg_config *, const char *path, struct vg_err *);
/* Sets one key (used by the parser and by tests). */
int	vg_config_set(struct vg_config *, const char *key, const char *val,
	    char *msg, size_t msglen);
void	vg_config_free(struct vg_config *);

#endif
