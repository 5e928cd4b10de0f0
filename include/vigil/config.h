/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * config.h: vigild's configuration (docs/vigild.conf.md): vigild.conf
 * ("key = value" lines, output blocks, '#' comments), the command line
 * over it, and the outputs the auditd.conf drop-in adds. Keys come from
 * one table (opt.h: type, default, bounds, help) so the file, the
 * command line, --check and the documentation agree. Errors are
 * struct vg_err (file:line), and every line is checked before giving up.
 */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/err.h"

#ifndef VG_CONF_DEFAULT		/* CMake: SYSCONFDIR/vigil/vigild.conf */
#define VG_CONF_DEFAULT	"/etc/vigil/vigild.conf"
#endif
#define VG_CONF_MAXLIST	32

struct vg_output_conf;

struct vg_config {
	struct vg_output_conf *outputs[VG_CONF_MAXLIST];	/* checked */
	int		 noutputs;
	char		*lua_filters[VG_CONF_MAXLIST];
	int		 nlua_filters;
	char		*drops[VG_CONF_MAXLIST];	/* prefilter rules */
	char		*drop_at[VG_CONF_MAXLIST];	/* their "FILE:LINE" */
	int		 ndrops;
	char		*listens[VG_CONF_MAXLIST];	/* tcp://, tls:// */
	int		 nlistens;
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
	int		 kernel;		/* bool: read the kernel */
	int		 pushdown;		/* bool: drops into the kernel */
	/* process context (docs/events.md, Context) */
	int		 context;		/* bool */
	unsigned	 context_depth;
	unsigned	 context_max_processes;
	int		 context_proc;		/* bool */
	char		*context_env;		/* "NAME NAME ..." */
	char		*context_state;		/* state file */
	char		*labels[VG_CONF_MAXLIST];	/* "NAME exe=GLOB" */
	int		 nlabels;
	/* docs/operating.md */
	char		*control;		/* socket path, "none" */
	char		*control_group;
	char		*state_file;		/* "none": none */
	unsigned	 report_interval;	/* seconds, 0 off */
	char		*metrics;		/* URL, unix:PATH */
};

/*
 * The command line's part of the configuration: settings in the order
 * given, applied over vigild.conf (at start and again on SIGHUP): -o
 * replaces the file's outputs, --lua adds filters, others replace.
 */
struct vg_config_cli {
	struct {
		const char	*key;
		const char	*val;		/* borrowed from argv */
		const char	*opt;		/* "-o", "--rules" ... */
	}		 set[2 * VG_CONF_MAXLIST + 16];
	int		 nset;
};

void	vg_config_defaults(struct vg_config *);
/* Parses path into c (on top of what is there). Returns the number of
 * errors (each logged as file:line: msg; the last one in *err), 0 if ok,
 * -1 if the file cannot be read or is not a file (logged). */
int	vg_config_load(struct vg_config *, const char *path, struct vg_err *);
/* Sets one key (used by the parser, the command line and tests): 0, or
 * -1 with the message in msg. */
int	vg_config_set(struct vg_config *, const char *key, const char *val,
	    char *msg, size_t msglen);
/* Records one command-line setting (opt: the option as typed) after
 * checking its value as vg_config_set would: 0, or -1 with *err
 * ("command line: ..."). */
int	vg_config_cli_add(struct vg_config_cli *, const char *opt,
	    const char *key, const char *val, struct vg_err *);
/*
 * The whole configuration: defaults, path (if not NULL), the command
 * line, then what auditd.conf brings (the auditd log output, plugins.d)
 * and json:- if no output is left. Returns 0, or -1 (every error logged
 * as file:line, the last in *err). The same at start, --check and
 * SIGHUP.
 */
int	vg_config_build(struct vg_config *, const char *path,
	    const struct vg_config_cli *, struct vg_err *);
void	vg_config_free(struct vg_config *);

#endif
