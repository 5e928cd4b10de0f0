/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_auditd_conf.c: auditd.conf's rows of the option engine and its
 * syntax: every key, every kind of row, defaults, warnings for
 * unimplemented keys, file:line errors, booleans, the corpus files,
 * copy/free, the checks on exec action programs (run as root). */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "ck.h"
#include "vigil/auditd/auditd_conf.h"

static char path[64];

static const char *
write_tmp(const char *text)
{
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/vg_adc_XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

START_TEST(test_defaults)
{
	struct vg_auditd_conf c;

	vg_auditd_conf_defaults(&c);
	ck_assert_str_eq(c.log_file, "/var/log/audit/audit.log");
	ck_assert_int_eq(c.log_format, VG_ADC_RAW);
	ck_assert_int_eq(c.write_logs, 1);
	ck_assert_int_eq(c.flush, VG_ADC_FLUSH_NONE);
	ck_assert_uint_eq(c.num_logs, 0);
	ck_assert_int_eq(c.max_log_file_action, VG_ADC_IGNORE);
	ck_assert_int_eq(c.disk_error_action, VG_ADC_SYSLOG);
	ck_assert_uint_eq(c.q_depth, 2000);
	ck_assert_uint_eq(c.max_restarts, 10);
	ck_assert_uint_eq(c.end_of_event_timeout, 2);
	ck_assert_str_eq(c.plugin_dir, "/etc/audit/plugins.d");
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(test_all_keys)
{
	struct vg_auditd_conf c;
	struct vg_err err;
	const char *p = write_tmp(
	    "# comment\n"
	    "  # indented comment\n"
	    "\n"
	    "local_events = no\n"
	    "write_logs = yes\n"
	    "log_file = /tmp/x/audit.log\n"
	    "log_group = 0\n"
	    "LOG_FORMAT = Enriched\n"
	    "flush = INCREMENTAL_ASYNC\n"
	    "freq = 50\n"
	    "num_logs = 5\n"
	    "priority_boost = 4\n"
	    "name_format = user\n"
	    "name = mydomain\n"
	    "max_log_file = 8\n"
	    "max_log_file_action = keep_logs\n"
	    "space_left = 25%\n"
	    "space_left_action = exec /bin/true\n"
	    "admin_space_left = 10%\n"
	    "admin_space_left_action = SUSPEND\n"
	    "disk_full_action = rotate\n"
	    "disk_error_action = halt\n"
	    "q_depth = 1200\n"
	    "overflow_action = single\n"
	    "max_restarts = 3\n"
	    "plugin_dir = /tmp/plugins.d\n"
	    "end_of_event_timeout = 5\n");

	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, p, &err), 0);
	ck_assert_uint_eq(c.warnings, 0);
	ck_assert_int_eq(c.local_events, 0);
	ck_assert_str_eq(c.log_file, "/tmp/x/audit.log");
	ck_assert_int_eq(c.log_format, VG_ADC_ENRICHED);
	ck_assert_int_eq(c.flush, VG_ADC_FLUSH_INCREMENTAL_ASYNC);
	ck_assert_uint_eq(c.freq, 50);
	ck_assert_uint_eq(c.num_logs, 5);
	ck_assert_int_eq(c.name_format, VG_ADC_NODE_USER);
	ck_assert_str_eq(c.name, "mydomain");
	ck_assert_uint_eq(c.max_log_file, 8);
	ck_assert_int_eq(c.max_log_file_action, VG_ADC_KEEP_LOGS);
	ck_assert_uint_eq(c.space_left.value, 25);
	ck_assert_int_eq(c.space_left.percent, 1);
	ck_assert_int_eq(c.space_left_action, VG_ADC_EXEC);
	ck_assert_str_eq(c.space_left_exe, "/bin/true");
	ck_assert_int_eq(c.admin_space_left_action, VG_ADC_SUSPEND);
	ck_assert_int_eq(c.disk_full_action, VG_ADC_ROTATE);
	ck_assert_int_eq(c.disk_error_action, VG_ADC_HALT);
	ck_assert_uint_eq(c.q_depth, 1200);
	ck_assert_int_eq(c.overflow_action, VG_ADC_SINGLE);
	ck_assert_uint_eq(c.max_restarts, 3);
	ck_assert_str_eq(c.plugin_dir, "/tmp/plugins.d");
	ck_assert_uint_eq(c.end_of_event_timeout, 5);
	unlink(p);
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(test_unimplemented_warn)
{
	struct vg_auditd_conf c;
	struct vg_err err;
	const char *p = write_tmp(
	    "tcp_listen_port = 60\n"
	    "transport = KRB5\n"
	    "krb5_principal = auditd\n"
	    "action_mail_acct = root\n"
	    "dispatcher = /sbin/audispd\n"
	    "report_interval = 0\n"
	    "tls_key_exchange = X25519\n"
	    "log_format = NOLOG\n");

	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, p, &err), 0);
	/* the network keys are the listener's now (listen.h): no warning */
	ck_assert_uint_eq(c.warnings, 6);
	ck_assert_uint_eq(c.tcp_listen_port, 60);
	ck_assert_int_eq(c.transport, VG_ADC_KRB5);
	ck_assert_int_eq(c.write_logs, 0);
	unlink(p);
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(test_errors_file_line)
{
	struct vg_auditd_conf c;
	struct vg_err err;
	const char *p = write_tmp(
	    "log_format = RAW\n"
	    "flush = sometimes\n"			/* 2 */
	    "num_logs = 1000\n"				/* 3 */
	    "bogus_key = 1\n"				/* 4 */
	    "space_left_action = exec\n"		/* 5 */
	    "space_left = 120%\n"			/* 6 */
	    "disk_error_action = rotate\n"		/* 7 */
	    "log_file = relative.log\n"			/* 8 */
	    "freq = 12abc\n"				/* 9 */
	    "no equals sign here\n"			/* 10 */
	    "log_group = no-such-group-vigil\n"		/* 11 */
	    "write_logs = maybe\n"			/* 12 */
	    "overflow_action = exec /bin/true\n"	/* 13 */
	    "max_log_file_action = rotate now\n");	/* 14 */

	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, p, &err), 13);
	ck_assert_str_eq(err.file, p);
	ck_assert_uint_eq(err.line, 14);
	ck_assert_ptr_nonnull(strstr(err.msg, "max_log_file_action"));
	ck_assert_ptr_nonnull(strstr(err.msg, "rotate now"));
	/* the value of a good line is kept, a bad one keeps the default */
	ck_assert_int_eq(c.log_format, VG_ADC_RAW);
	ck_assert_int_eq(c.flush, VG_ADC_FLUSH_NONE);
	ck_assert_uint_eq(c.num_logs, 0);
	unlink(p);
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(test_set_messages)
{
	struct vg_auditd_conf c;
	char msg[256];

	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "flush", "sometimes", msg,
	    sizeof(msg)), -1);
	ck_assert_str_eq(msg, "flush: \"sometimes\" is not one of none, "
	    "incremental, incremental_async, data, sync");
	ck_assert_int_eq(vg_auditd_conf_set(&c, "nope", "1", msg,
	    sizeof(msg)), -1);
	ck_assert_str_eq(msg, "unknown keyword \"nope\"");
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tcp_client_ports",
	    "1024-65535", msg, sizeof(msg)), 0);	/* listen.h */
	ck_assert_str_eq(c.tcp_client_ports, "1024-65535");
	ck_assert_int_eq(vg_auditd_conf_set(&c, "tcp_client_ports",
	    "9-3", msg, sizeof(msg)), -1);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "space_left", "75", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(c.space_left.percent, 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "space_left", "0%", msg,
	    sizeof(msg)), -1);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "log_group", "root", msg,
	    sizeof(msg)), 0);
	ck_assert_uint_eq(c.log_group, 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "disk_full_action",
	    "exec /a/b c", msg, sizeof(msg)), -1);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "disk_full_action",
	    "EXEC /bin/true", msg, sizeof(msg)), 0);
	ck_assert_str_eq(c.disk_full_exe, "/bin/true");
	/* booleans: the one parser (yes/no, true/false, on/off, 1/0) */
	ck_assert_int_eq(vg_auditd_conf_set(&c, "write_logs", "off", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(c.write_logs, 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "write_logs", "TRUE", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(c.write_logs, 1);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "write_logs", "0", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(c.write_logs, 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "write_logs", "maybe", msg,
	    sizeof(msg)), -1);
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(test_cross_checks)
{
	struct vg_auditd_conf c;
	struct vg_err err;
	const char *p;

	p = write_tmp("space_left = 50\nadmin_space_left = 75\n");
	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, p, &err), 1);
	ck_assert_ptr_nonnull(strstr(err.msg, "space_left (50)"));
	unlink(p);
	vg_auditd_conf_free(&c);

	p = write_tmp("flush = incremental\nfreq = 0\n");
	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, p, &err), 1);
	unlink(p);
	vg_auditd_conf_free(&c);

	p = write_tmp("name_format = user\n");
	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, p, &err), 1);
	unlink(p);
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(test_long_line_skipped)
{
	struct vg_auditd_conf c;
	struct vg_err err;
	char text[400];

	snprintf(text, sizeof(text), "name = %0200d\nnum_logs = 3\n", 7);
	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, write_tmp(text), &err), 0);
	ck_assert_uint_eq(c.warnings, 1);
	ck_assert_ptr_null(c.name);
	ck_assert_uint_eq(c.num_logs, 3);
	unlink(path);
	vg_auditd_conf_free(&c);
	/* auditd reads lines into 160 bytes: 158 characters and the
	 * newline fit, 159 do not */
	snprintf(text, sizeof(text), "name = %0151d\nname = %0152d\n", 7, 8);
	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, write_tmp(text), &err), 0);
	ck_assert_uint_eq(c.warnings, 1);
	ck_assert_ptr_nonnull(c.name);
	ck_assert_uint_eq(strlen(c.name), 151);
	unlink(path);
	vg_auditd_conf_free(&c);
}
END_TEST

START_TEST(test_missing_file)
{
	struct vg_auditd_conf c;
	struct vg_err err;

	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, "/nonexistent/auditd.conf",
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "No such file"));
	vg_auditd_conf_free(&c);
}
END_TEST

/* Debian's 3.0.9 file and upstream master's must load: every key known
 * or warned about, no error. */
START_TEST(test_corpus_files)
{
	static const char *const files[] = {
		VG_CORPUS "/conf/audit-userspace-3.0.9/auditd.conf",
		VG_CORPUS "/conf/audit-userspace-master/auditd.conf",
	};
	struct vg_auditd_conf c;
	struct vg_err err;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		vg_auditd_conf_defaults(&c);
		ck_assert_msg(vg_auditd_conf_load(&c, files[i], &err) == 0,
		    "%s:%u: %s", err.file, err.line, err.msg);
		ck_assert_int_eq(c.log_format, VG_ADC_ENRICHED);
		ck_assert_int_eq(c.flush, VG_ADC_FLUSH_INCREMENTAL_ASYNC);
		ck_assert_uint_eq(c.num_logs, 5);
		ck_assert_uint_eq(c.max_log_file, 8);
		ck_assert_int_eq(c.max_log_file_action, VG_ADC_ROTATE);
		ck_assert_uint_eq(c.space_left.value, 75);
		ck_assert_uint_eq(c.admin_space_left.value, 50);
		ck_assert_int_eq(c.admin_space_left_action, VG_ADC_SUSPEND);
		/* the krb5 / mail keys are warned about (the network keys
		 * are the listener's: listen.h) */
		ck_assert_uint_ge(c.warnings, 3);
		vg_auditd_conf_free(&c);
	}
}
END_TEST

START_TEST(test_copy)
{
	struct vg_auditd_conf a, b;
	char msg[256];

	vg_auditd_conf_defaults(&a);
	ck_assert_int_eq(vg_auditd_conf_set(&a, "disk_full_action",
	    "exec /bin/true", msg, sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_copy(&b, &a), 0);
	vg_auditd_conf_free(&a);
	ck_assert_str_eq(b.disk_full_exe, "/bin/true");
	ck_assert_str_eq(b.log_file, "/var/log/audit/audit.log");
	vg_auditd_conf_free(&b);
}
END_TEST

START_TEST(test_node_name)
{
	struct vg_auditd_conf c;
	char host[256], buf[256], msg[256];

	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_node_name(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(vg_auditd_conf_set(&c, "name_format", "hostname",
	    msg, sizeof(msg)), 0);
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	ck_assert_int_eq(vg_auditd_conf_node_name(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, host);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "name_format", "user", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&c, "name", "box-1", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_node_name(&c, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "box-1");
	vg_auditd_conf_free(&c);
}
END_TEST

/*
 * Every kind of auditd.conf row (opt.h types and the wing's set and
 * check hooks) through the one reader: a bad value on line 2 is an error
 * at file:2 naming the key and the value, and keeps the default.
 */
START_TEST(test_rows_bad_value)
{
	static const struct {
		const char	*line;
		const char	*msg;
	} bad[] = {
		{ "write_logs = sometimes",
		  "write_logs: \"sometimes\" is not yes or no" },
		{ "num_logs = -3", "num_logs: \"-3\" is not a number in 0..999" },
		{ "max_log_file = 1x",
		  "max_log_file: \"1x\" is not a number in "
		  "0..9223372036854775807" },
		{ "Name_Format = dns", "name_format: \"dns\" is not one of "
		  "none, hostname, fqd, numeric, user" },
		{ "transport = udp",
		  "transport: \"udp\" is not one of tcp, krb5, tls" },
		{ "log_format = json",
		  "log_format: \"json\" is not one of raw, enriched" },
		{ "disk_full_action = email", "disk_full_action: \"email\" is "
		  "not one of ignore, syslog, rotate, exec, suspend, single, "
		  "halt" },
		{ "admin_space_left = 100%", "admin_space_left: \"100%\": a "
		  "percentage must be 1%..99%" },
		{ "log_group = no-such-group-vigil", "log_group: group "
		  "\"no-such-group-vigil\" does not exist" },
		{ "plugin_dir = etc/plugins.d",
		  "plugin_dir: \"etc/plugins.d\" is not an absolute path" },
		{ "tcp_client_ports = 70000", "tcp_client_ports: \"70000\" is "
		  "not a port or a port range N-M in 1..65535" },
		{ "tcp_max_per_addr = 1 2",
		  "tcp_max_per_addr: \"1 2\": expected one value" },
		{ "nosuchkey = 1", "unknown keyword \"nosuchkey\"" },
	};
	struct vg_auditd_conf c;
	struct vg_err err;
	char text[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "num_logs = 4\n%s\n", bad[i].line);
		vg_auditd_conf_defaults(&c);
		ck_assert_int_eq(vg_auditd_conf_load(&c, write_tmp(text), &err),
		    1);
		ck_assert_str_eq(err.file, path);
		ck_assert_uint_eq(err.line, 2);
		ck_assert_str_eq(err.msg, bad[i].msg);
		ck_assert_uint_eq(c.num_logs, 4);
		ck_assert_int_eq(c.write_logs, 1);
		ck_assert_int_eq(c.transport, VG_ADC_TCP);
		ck_assert_int_eq(c.log_format, VG_ADC_RAW);
		ck_assert_int_eq(c.disk_full_action, VG_ADC_IGNORE);
		ck_assert_str_eq(c.plugin_dir, "/etc/audit/plugins.d");
		ck_assert_ptr_null(c.tcp_client_ports);
		unlink(path);
		vg_auditd_conf_free(&c);
	}
}
END_TEST

/* Booleans take every spelling the engine knows, in any case, in every
 * boolean row; keywords and words are case-insensitive (auditd). */
START_TEST(test_rows_bool_spellings)
{
	static const char *const bools[] = {
		"local_events", "write_logs", "use_libwrap",
		"distribute_network",
	};
	static const struct {
		const char	*word;
		int		 value;
	} sp[] = {
		{ "yes", 1 }, { "NO", 0 }, { "True", 1 }, { "false", 0 },
		{ "on", 1 }, { "OFF", 0 }, { "1", 1 }, { "0", 0 },
	};
	struct vg_auditd_conf c;
	struct vg_err err;
	char text[512];
	size_t i, j;
	int n;

	for (j = 0; j < sizeof(sp) / sizeof(sp[0]); j++) {
		n = 0;
		for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
			n += snprintf(text + n, sizeof(text) - (size_t)n,
			    "%s = %s\n", bools[i], sp[j].word);
		vg_auditd_conf_defaults(&c);
		c.local_events = c.write_logs = c.use_libwrap =
		    c.distribute_network = !sp[j].value;
		ck_assert_int_eq(vg_auditd_conf_load(&c, write_tmp(text), &err),
		    0);
		ck_assert_int_eq(c.local_events, sp[j].value);
		ck_assert_int_eq(c.write_logs, sp[j].value);
		ck_assert_int_eq(c.use_libwrap, sp[j].value);
		ck_assert_int_eq(c.distribute_network, sp[j].value);
		unlink(path);
		vg_auditd_conf_free(&c);
	}
	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, write_tmp("FLUSH = Data\n"
	    "Transport = TLS\nDisk_Full_Action = Single\n"), &err), 0);
	ck_assert_int_eq(c.flush, VG_ADC_FLUSH_DATA);
	ck_assert_int_eq(c.transport, VG_ADC_TLS);
	ck_assert_int_eq(c.disk_full_action, VG_ADC_SINGLE);
	unlink(path);
	vg_auditd_conf_free(&c);
}
END_TEST

/* Defaults come from the rows, set hooks included; a copy owns every
 * string (the rows' and the exec programs'). */
START_TEST(test_rows_defaults_copy)
{
	struct vg_auditd_conf a, b;
	char msg[256];

	vg_auditd_conf_defaults(&a);
	ck_assert_int_eq(a.overflow_action, VG_ADC_SYSLOG);
	ck_assert_int_eq(a.transport, VG_ADC_TCP);
	ck_assert_uint_eq(a.tcp_listen_queue, 5);
	ck_assert_uint_eq(a.tcp_max_per_addr, 1);
	ck_assert_int_eq(a.use_libwrap, 1);
	ck_assert_int_eq(a.verify_email, 1);
	ck_assert_str_eq(a.action_mail_acct, "root");
	ck_assert_str_eq(a.krb5_principal, "auditd");
	ck_assert_uint_eq(a.priority_boost, 4);
	ck_assert_uint_eq(a.warnings, 0);
	ck_assert_int_eq(vg_auditd_conf_set(&a, "name", "n1", msg,
	    sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&a, "tcp_client_ports", "5-9",
	    msg, sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&a, "disk_error_action",
	    "exec /bin/true", msg, sizeof(msg)), 0);
	ck_assert_int_eq(vg_auditd_conf_set(&a, "max_log_file_action",
	    "exec /bin/true", msg, sizeof(msg)), 0);
	/* a warning: stored, and said */
	ck_assert_int_eq(vg_auditd_conf_set(&a, "krb5_key_file", "/k", msg,
	    sizeof(msg)), 1);
	ck_assert_str_eq(msg, "krb5_key_file = /k: accepted but Kerberos is "
	    "not implemented");
	ck_assert_int_eq(vg_auditd_conf_set(&a, "tls_ca_file", "x", msg,
	    sizeof(msg)), 1);
	ck_assert_str_eq(msg, "tls_ca_file: auditd 4.x TLS key, not "
	    "implemented; ignored");
	ck_assert_int_eq(vg_auditd_conf_copy(&b, &a), 0);
	ck_assert_ptr_ne(b.name, a.name);
	ck_assert_ptr_ne(b.disk_error_exe, a.disk_error_exe);
	vg_auditd_conf_free(&a);
	ck_assert_str_eq(b.name, "n1");
	ck_assert_str_eq(b.tcp_client_ports, "5-9");
	ck_assert_str_eq(b.disk_error_exe, "/bin/true");
	ck_assert_str_eq(b.max_log_file_exe, "/bin/true");
	ck_assert_str_eq(b.krb5_key_file, "/k");
	ck_assert_str_eq(b.plugin_dir, "/etc/audit/plugins.d");
	ck_assert_int_eq(b.disk_error_action, VG_ADC_EXEC);
	vg_auditd_conf_free(&b);
}
END_TEST

/* A directory is not an auditd.conf (it used to read as an empty one). */
START_TEST(test_directory)
{
	struct vg_auditd_conf c;
	struct vg_err err;

	vg_auditd_conf_defaults(&c);
	ck_assert_int_eq(vg_auditd_conf_load(&c, "/tmp", &err), -1);
	ck_assert_str_eq(err.file, "/tmp");
	ck_assert_str_eq(err.msg, "a directory, expected the auditd.conf "
	    "file");
	vg_auditd_conf_free(&c);
}
END_TEST

/*
 * Issue 14: a 0777 script owned by nobody in "space_left_action = exec"
 * was run as root. Now the program and every directory above it must be
 * root's and writable by root only, checked where auditd.conf is read.
 * The files are made as root (chown): skipped otherwise.
 */
static char xdir[64], xprog[128], xmsg[512];

static void
make_prog(mode_t mode, uid_t uid)
{
	FILE *f;

	unlink(xprog);
	ck_assert_ptr_nonnull(f = fopen(xprog, "w"));
	fputs("#!/bin/sh\nexit 0\n", f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chown(xprog, uid, 0), 0);
	ck_assert_int_eq(chmod(xprog, mode), 0);
}

/* Loads "space_left_action = exec PROG" (line 2); 0 if accepted, else
 * the message (also in xmsg). */
static const char *
load_exec(const char *prog)
{
	struct vg_auditd_conf c;
	struct vg_err err;
	char text[256];
	int rc;

	snprintf(text, sizeof(text), "log_format = RAW\n"
	    "space_left_action = exec %s\n", prog);
	vg_auditd_conf_defaults(&c);
	rc = vg_auditd_conf_load(&c, write_tmp(text), &err);
	unlink(path);
	vg_auditd_conf_free(&c);
	if (rc == 0)
		return NULL;
	ck_assert_int_eq(rc, 1);
	ck_assert_uint_eq(err.line, 2);
	snprintf(xmsg, sizeof(xmsg), "%s", err.msg);
	return xmsg;
}

static void	expect(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static void
expect(const char *got, const char *fmt, ...)
{
	char want[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	ck_assert_ptr_nonnull(got);
	ck_assert_str_eq(got, want);
}

START_TEST(test_exec_program_checks)
{
	char link[160], sub[160], subprog[192], real[PATH_MAX];

	if (geteuid() != 0) {
		fprintf(stderr, "check_auditd_conf: not root: exec program "
		    "owners not checked\n");
		return;
	}
	snprintf(xdir, sizeof(xdir), "/tmp/vg_exec_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(xdir));
	snprintf(xprog, sizeof(xprog), "%s/action.sh", xdir);
	snprintf(link, sizeof(link), "%s/link", xdir);
	snprintf(sub, sizeof(sub), "%s/sub", xdir);
	snprintf(subprog, sizeof(subprog), "%s/sub/action.sh", xdir);

	/* the report: nobody's world-writable script */
	make_prog(0777, 65534);
	expect(load_exec(xprog), "space_left_action: exec program %s: owned "
	    "by uid 65534, must be root", xprog);
	make_prog(0777, 0);
	expect(load_exec(xprog), "space_left_action: exec program %s: "
	    "writable by group or others (mode 0777), must be writable by "
	    "root only", xprog);
	make_prog(0775, 0);
	ck_assert_ptr_nonnull(strstr(load_exec(xprog), "mode 0775"));
	make_prog(0644, 0);
	expect(load_exec(xprog), "space_left_action: exec program %s: not "
	    "executable by its owner (mode 0644)", xprog);
	make_prog(0700, 0);
	ck_assert_ptr_null(load_exec(xprog));
	make_prog(0755, 0);
	ck_assert_ptr_null(load_exec(xprog));

	/* the directories above it (the temporary one is root's, 0700,
	 * under the sticky /tmp) */
	ck_assert_int_eq(chmod(xdir, 0777), 0);
	expect(load_exec(xprog), "space_left_action: exec program %s: "
	    "directory %s is writable by group or others (mode 0777), must "
	    "be writable by root only", xprog, xdir);
	ck_assert_int_eq(chmod(xdir, 01777), 0);	/* sticky: as /tmp */
	ck_assert_ptr_null(load_exec(xprog));
	ck_assert_int_eq(chmod(xdir, 0755), 0);
	ck_assert_int_eq(chown(xdir, 65534, 0), 0);
	expect(load_exec(xprog), "space_left_action: exec program %s: "
	    "directory %s is owned by uid 65534, must be root", xprog, xdir);
	ck_assert_int_eq(chown(xdir, 0, 0), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(chown(sub, 1000, 1000), 0);
	ck_assert_int_eq(symlink(xprog, subprog), 0);
	expect(load_exec(subprog), "space_left_action: exec program %s: "
	    "directory %s is owned by uid 1000, must be root", subprog, sub);

	/* links are followed to what would run: a link to nobody's file
	 * is refused, a link to a good program is fine */
	ck_assert_int_eq(symlink(xprog, link), 0);
	ck_assert_ptr_null(load_exec(link));
	ck_assert_int_eq(vg_adc_exec_check(link, real, sizeof(real), xmsg,
	    sizeof(xmsg)), 0);
	ck_assert_str_eq(real, xprog);
	ck_assert_int_eq(lchown(link, 65534, 0), 0);
	expect(load_exec(link), "space_left_action: exec program %s: "
	    "symbolic link %s is owned by uid 65534, must be root", link,
	    link);
	ck_assert_int_eq(lchown(link, 0, 0), 0);
	/* "..", and a relative link through a directory others may write */
	ck_assert_int_eq(chown(sub, 0, 0), 0);
	snprintf(real, sizeof(real), "%s/sub/../link", xdir);
	ck_assert_ptr_null(load_exec(real));
	ck_assert_int_eq(unlink(subprog), 0);
	ck_assert_int_eq(symlink("../action.sh", subprog), 0);
	ck_assert_int_eq(unlink(link), 0);
	ck_assert_int_eq(symlink("sub/action.sh", link), 0);
	ck_assert_ptr_null(load_exec(link));
	ck_assert_int_eq(chmod(sub, 0777), 0);
	expect(load_exec(link), "space_left_action: exec program %s: "
	    "directory %s is writable by group or others (mode 0777), must "
	    "be writable by root only", link, sub);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	make_prog(0755, 65534);
	expect(load_exec(link), "space_left_action: exec program %s: owned "
	    "by uid 65534, must be root", link);

	/* not there, not a file, not absolute */
	expect(load_exec("/nonexistent/vigil-action"), "space_left_action: "
	    "exec program %s: No such file or directory",
	    "/nonexistent/vigil-action");
	expect(load_exec(xdir), "space_left_action: exec program %s: not a "
	    "regular file", xdir);
	ck_assert_int_eq(vg_adc_exec_check("bin/true", NULL, 0, xmsg,
	    sizeof(xmsg)), -1);

	unlink(subprog);
	rmdir(sub);
	unlink(link);
	unlink(xprog);
	rmdir(xdir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("auditd_conf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_all_keys);
	tcase_add_test(tc, test_unimplemented_warn);
	tcase_add_test(tc, test_errors_file_line);
	tcase_add_test(tc, test_set_messages);
	tcase_add_test(tc, test_cross_checks);
	tcase_add_test(tc, test_long_line_skipped);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_corpus_files);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_node_name);
	tcase_add_test(tc, test_exec_program_checks);
	tcase_add_test(tc, test_rows_bad_value);
	tcase_add_test(tc, test_rows_bool_spellings);
	tcase_add_test(tc, test_rows_defaults_copy);
	tcase_add_test(tc, test_directory);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
