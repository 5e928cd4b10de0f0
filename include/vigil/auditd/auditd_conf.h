/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auditd_conf.h: auditd.conf(5) as auditd 3.0.9 reads it
 * (src/auditd/auditd_conf.c: rows of the configuration engine, opt.h),
 * so vigild can replace auditd without touching /etc/audit. Every key
 * of auditd.conf(5) is known; keys vigil
 * does not implement (Kerberos, e-mail) are accepted with a warning; the
 * network keys feed the listener (listen.h: vg_listen_spec_auditd says
 * what it refuses). Errors are
 * file:line: messages naming the key and value; every line is checked.
 */
#ifndef VIGIL_AUDITD_CONF_H
#define VIGIL_AUDITD_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vigil/config.h"	/* struct vg_err */

#define VG_AUDITD_CONF_DEFAULT	"/etc/audit/auditd.conf"

enum vg_adc_format { VG_ADC_RAW = 0, VG_ADC_ENRICHED };

enum vg_adc_flush {
	VG_ADC_FLUSH_NONE = 0,
	VG_ADC_FLUSH_INCREMENTAL,
	VG_ADC_FLUSH_INCREMENTAL_ASYNC,
	VG_ADC_FLUSH_DATA,
	VG_ADC_FLUSH_SYNC,
};

enum vg_adc_transport { VG_ADC_TCP = 0, VG_ADC_KRB5, VG_ADC_TLS };
/* transport's words, by enum vg_adc_transport; NULL-ended */
extern const char *const vg_adc_transports[];

enum vg_adc_node {
	VG_ADC_NODE_NONE = 0,
	VG_ADC_NODE_HOSTNAME,
	VG_ADC_NODE_FQD,
	VG_ADC_NODE_NUMERIC,
	VG_ADC_NODE_USER,
};

/* One enum for every "*_action" key; each key accepts a subset. */
enum vg_adc_action {
	VG_ADC_IGNORE = 0,
	VG_ADC_SYSLOG,
	VG_ADC_ROTATE,
	VG_ADC_EMAIL,
	VG_ADC_EXEC,
	VG_ADC_SUSPEND,
	VG_ADC_SINGLE,
	VG_ADC_HALT,
	VG_ADC_KEEP_LOGS,	/* max_log_file_action only */
};

/* A threshold in MiB, or a percentage of the log file system's size. */
struct vg_adc_space {
	unsigned long	 value;
	int		 percent;	/* value is 1..99 % */
};

struct vg_auditd_conf {
	int			 local_events;		/* bool */
	int			 write_logs;		/* bool */
	char			*log_file;
	enum vg_adc_format	 log_format;
	gid_t			 log_group;
	enum vg_adc_flush	 flush;
	unsigned		 freq;
	unsigned		 num_logs;		/* 0..999 */
	enum vg_adc_node	 name_format;
	char			*name;
	uint64_t		 max_log_file;		/* MiB */
	enum vg_adc_action	 max_log_file_action;
	char			*max_log_file_exe;
	struct vg_adc_space	 space_left;
	enum vg_adc_action	 space_left_action;
	char			*space_left_exe;
	struct vg_adc_space	 admin_space_left;
	enum vg_adc_action	 admin_space_left_action;
	char			*admin_space_left_exe;
	enum vg_adc_action	 disk_full_action;
	char			*disk_full_exe;
	enum vg_adc_action	 disk_error_action;
	char			*disk_error_exe;
	unsigned		 priority_boost;
	unsigned		 q_depth;
	enum vg_adc_action	 overflow_action;
	unsigned		 max_restarts;
	char			*plugin_dir;
	unsigned		 end_of_event_timeout;	/* seconds */
	/* accepted, not implemented (warned about when set) */
	char			*action_mail_acct;
	int			 verify_email;
	/* the network listener (listen.h) */
	unsigned		 tcp_listen_port;
	unsigned		 tcp_listen_queue;
	unsigned		 tcp_max_per_addr;
	int			 use_libwrap;
	char			*tcp_client_ports;
	unsigned		 tcp_client_max_idle;
	enum vg_adc_transport	 transport;
	int			 enable_krb5;
	char			*krb5_principal;
	char			*krb5_key_file;
	int			 distribute_network;	/* listen.h */
	unsigned		 warnings;	/* set by load: warnings given */
};

/* auditd's defaults (auditd.conf(5); a key left out keeps these). */
void	vg_auditd_conf_defaults(struct vg_auditd_conf *);
/*
 * Reads path on top of what c holds. Every bad line is logged as
 * "path:line: message" (the last one also in *err) and parsing goes on.
 * Returns the number of errors (0 = usable), or -1 if the file cannot be
 * read (err->msg says why). Warnings are logged and counted in c->warnings.
 * Also checks what auditd checks after reading: space_left above
 * admin_space_left, exec actions with a program only root can change
 * (vg_adc_exec_check).
 */
int	vg_auditd_conf_load(struct vg_auditd_conf *, const char *path,
	    struct vg_err *);
/*
 * Sets one key from its text value (case-insensitive like auditd).
 * Returns 0, 1 if accepted with a warning (in msg), -1 if invalid (msg).
 */
int	vg_auditd_conf_set(struct vg_auditd_conf *, const char *key,
	    const char *val, char *msg, size_t msglen);
void	vg_auditd_conf_free(struct vg_auditd_conf *);
/* Deep copy (for keeping the old config on a failed reload). 0 / -1. */
int	vg_auditd_conf_copy(struct vg_auditd_conf *dst,
	    const struct vg_auditd_conf *src);
/*
 * The node name per name_format into buf ("" for none), as auditd
 * computes it at start and on reload. Returns 0 or -1 (name could not be
 * resolved: buf holds the hostname as a fallback and a warning is logged).
 */
int	vg_auditd_conf_node_name(const struct vg_auditd_conf *, char *buf,
	    size_t len);
const char	*vg_adc_action_name(enum vg_adc_action);
/*
 * May path be run as root by an exec action? It must exist and, symbolic
 * links resolved, be a regular file owned by root, executable by it, not
 * writable by group or others, below directories owned by root and
 * writable by root only (or sticky, as /tmp). So only root can change
 * what runs. Checked for every exec action when auditd.conf is read
 * (--check, start, SIGHUP) and again right before each run, so the path
 * run is the one checked. 0 and the resolved path in resolved (if not
 * NULL), or -1 and why in msg ("exec program /x: owned by uid 65534,
 * must be root").
 */
int	vg_adc_exec_check(const char *path, char *resolved, size_t rlen,
	    char *msg, size_t msglen);

#endif
