/* SPDX-License-Identifier: GPL-2.0-or-later */
/* check_plugins.c: plugins.d files (corpus 3.0.9 and master style, the
 * plugins' own configs rejected, errors with file:line, ownership and
 * mode checks, directory scan) and the record text plugins get, checked
 * against lines auditd 3.0.9 sent to a plugin on this kind of machine. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/auditd/logline.h"
#include "vigil/auditd/plugins_conf.h"
#include "vigil/rectype.h"

#define C309	VG_CORPUS "/conf/audit-userspace-3.0.9"
#define CMASTER	VG_CORPUS "/conf/audit-userspace-master"

static char dir[64];

static void
mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/vg_plug_XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static const char *
put(const char *name, const char *text, mode_t mode)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static void
rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_corpus_309)
{
	struct vg_plugin_conf c;
	struct vg_err err;

	ck_assert_int_eq(vg_plugin_conf_load(&c, C309 "/plugins.d/af_unix.conf",
	    &err), 0);
	ck_assert_int_eq(c.active, 0);
	/* path = builtin_af_unix: auditd 3.0 runs its af_unix program */
	ck_assert_str_eq(c.path, "/sbin/audisp-af_unix");
	ck_assert_str_eq(c.argv[0], "/sbin/audisp-af_unix");
	ck_assert_uint_eq(c.nargs, 2);
	ck_assert_str_eq(c.argv[1], "0640");
	ck_assert_str_eq(c.argv[2], "/var/run/audispd_events");
	ck_assert_ptr_null(c.argv[3]);
	ck_assert_int_eq(c.format, VG_PLUGIN_STRING);
	ck_assert_str_eq(c.name, "af_unix.conf");
	vg_plugin_conf_free(&c);

	ck_assert_int_eq(vg_plugin_conf_load(&c,
	    C309 "/plugins.d/audispd-zos-remote.conf", &err), 0);
	ck_assert_str_eq(c.path, "/sbin/audispd-zos-remote");
	ck_assert_uint_eq(c.nargs, 1);
	ck_assert_str_eq(c.argv[1], "/etc/audit/zos-remote.conf");
	vg_plugin_conf_free(&c);
}
END_TEST

START_TEST(test_corpus_master)
{
	struct vg_plugin_conf c;
	struct vg_err err;

	ck_assert_int_eq(vg_plugin_conf_load(&c,
	    CMASTER "/plugins.d/filter.conf", &err), 0);
	ck_assert_str_eq(c.path, "/sbin/audisp-filter");
	ck_assert_uint_eq(c.nargs, 6);
	ck_assert_str_eq(c.argv[1], "allowlist");
	ck_assert_str_eq(c.argv[6], "interpret");
	ck_assert_ptr_null(c.argv[7]);
	vg_plugin_conf_free(&c);

	ck_assert_int_eq(vg_plugin_conf_load(&c,
	    CMASTER "/plugins.d/af_unix.conf", &err), 0);
	ck_assert_int_eq(c.format, VG_PLUGIN_BINARY);
	ck_assert_uint_eq(c.nargs, 3);
	vg_plugin_conf_free(&c);
}
END_TEST

START_TEST(test_corpus_dirs)
{
	static const char *const dirs[] = { C309 "/plugins.d",
	    CMASTER "/plugins.d" };
	struct vg_plugin_conf *v;
	size_t n, i;

	/* every file parses; all are inactive, so none is returned */
	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(vg_plugin_dir_load(dirs[i], &v, &n), 0);
		ck_assert_uint_eq(n, 0);
		ck_assert_ptr_null(v);
	}
}
END_TEST

START_TEST(test_plugin_configs_rejected)
{
	static const char *const files[] = {
		C309 "/plugin-configs/audisp-remote.conf",
		C309 "/plugin-configs/audisp-statsd.conf",
		C309 "/plugin-configs/zos-remote.conf",
		C309 "/plugin-configs/ids.conf",
		CMASTER "/plugin-configs/ids.conf",
	};
	struct vg_plugin_conf c;
	struct vg_err err;
	struct vg_plugin_conf *v;
	size_t i, n;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		memset(&err, 0, sizeof(err));
		ck_assert_int_eq(vg_plugin_conf_load(&c, files[i], &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "not a plugins.d file"));
		ck_assert_str_eq(err.file, files[i]);
		ck_assert_ptr_null(c.path);
	}
	/* as a plugin_dir: every file skipped (4), nothing to run */
	ck_assert_int_eq(vg_plugin_dir_load(C309 "/plugin-configs", &v, &n),
	    4);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_errors)
{
	static const struct {
		const char	*text;
		unsigned	 line;
		const char	*msg;
	} cases[] = {
		{ "active = yes\npath /bin/true\n", 2, "spaces around" },
		{ "active=yes\n", 1, "spaces around" },
		{ "active = maybe\n", 1, "unknown value \"maybe\"" },
		{ "direction = in\n", 1, "unknown value \"in\"" },
		{ "format = json\n", 1, "unknown value \"json\"" },
		{ "type = sometimes\n", 1, "unknown value" },
		{ "path = relative/x\n", 1, "not an absolute path" },
		{ "active =\n", 1, "no value" },
		{ "active = yes no\n", 1, "takes one value" },
		{ "# c\n\nactive = yes\n", 0, "no path" },
		{ "active = yes\npath = /nonexistent/vigil-plugin\n", 0,
		  "No such file" },
	};
	struct vg_plugin_conf c;
	struct vg_err err;
	const char *p;
	size_t i;

	mkdir_tmp();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		p = put("x.conf", cases[i].text, 0640);
		ck_assert_msg(vg_plugin_conf_load(&c, p, &err) == -1,
		    "case %zu accepted", i);
		ck_assert_msg(strstr(err.msg, cases[i].msg) != NULL,
		    "case %zu: \"%s\"", i, err.msg);
		ck_assert_uint_eq(err.line, cases[i].line);
	}
	/* booleans: the one parser */
	memset(&err, 0, sizeof(err));
	p = put("x.conf", "active = off\npath = /bin/true\n", 0640);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), 0);
	ck_assert_int_eq(c.active, 0);
	vg_plugin_conf_free(&c);
	p = put("x.conf", "active = False\npath = /bin/true\n", 0640);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), 0);
	ck_assert_int_eq(c.active, 0);
	vg_plugin_conf_free(&c);
	/* too many args */
	{
		char text[512] = "args =";

		for (i = 0; i < VG_PLUGIN_MAX_ARGS + 1; i++)
			strcat(text, " a");
		strcat(text, "\n");
		p = put("x.conf", text, 0640);
		ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), -1);
	}
	rm_tmp();
}
END_TEST

START_TEST(test_permissions)
{
	struct vg_plugin_conf c;
	struct vg_err err;
	char text[256], p[128];

	mkdir_tmp();
	put("prog", "#!/bin/sh\ncat >/dev/null\n", 0700);
	snprintf(text, sizeof(text), "active = yes\npath = %s/prog\n", dir);
	snprintf(p, sizeof(p), "%s", put("x.conf", text, 0640));
	/* auditd wants at least 0750 on the program */
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "0750"));
	put("prog", "#!/bin/sh\ncat >/dev/null\n", 0750);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), 0);
	ck_assert_int_eq(c.active, 1);
	ck_assert_uint_ne(c.ino, 0);
	vg_plugin_conf_free(&c);
	/* a world-writable definition is refused */
	put("x.conf", text, 0646);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "world writable"));
	/* a world-writable program too */
	put("x.conf", text, 0640);
	put("prog", "#!/bin/sh\n", 0757);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), -1);
	rm_tmp();
}
END_TEST

START_TEST(test_dir_scan)
{
	struct vg_plugin_conf *v, c2;
	struct vg_err err;
	char text[256];
	size_t n;

	mkdir_tmp();
	put("prog", "#!/bin/sh\n", 0750);
	snprintf(text, sizeof(text), "active = yes\ndirection = out\n"
	    "path = %s/prog\ntype = always\nargs = one two\n"
	    "format = binary\n", dir);
	put("b.conf", text, 0640);
	put("a.conf", text, 0640);
	put("a.conf.rpmsave", text, 0640);	/* backups are not run */
	put(".hidden.conf", text, 0640);
	put("notes.txt", text, 0640);
	put("off.conf", "active = no\npath = /sbin/x\n", 0640);
	put("bad.conf", "bogus = 1\n", 0640);
	ck_assert_int_eq(vg_plugin_dir_load(dir, &v, &n), 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0].name, "a.conf");	/* sorted */
	ck_assert_str_eq(v[1].name, "b.conf");
	ck_assert_int_eq(v[0].format, VG_PLUGIN_BINARY);
	ck_assert_str_eq(v[0].argv[2], "two");
	ck_assert_int_eq(vg_plugin_conf_same(&v[0], &v[1]), 1);
	/* args changed: not the same plugin any more (restart on HUP) */
	snprintf(text, sizeof(text), "active = yes\npath = %s/prog\n"
	    "args = one three\nformat = binary\n", dir);
	ck_assert_int_eq(vg_plugin_conf_load(&c2, put("c.conf", text, 0640),
	    &err), 0);
	ck_assert_int_eq(vg_plugin_conf_same(&v[0], &c2), 0);
	vg_plugin_conf_free(&c2);
	vg_plugin_dir_free(v, n);
	ck_assert_int_eq(vg_plugin_dir_load("/nonexistent/vigil", &v, &n), -1);
	ck_assert_int_eq(errno, ENOENT);
	rm_tmp();
}
END_TEST

/* A bad value of each plugins.d key: the file, its line, the key named
 * (the engine's plugins.d dialect); reading goes on past it. */
START_TEST(test_key_errors)
{
	static const struct {
		const char	*line, *msg;
	} cases[] = {
		{ "active = perhaps",
		  "active: unknown value \"perhaps\" (expected yes or no)" },
		{ "Active = yes no", "active takes one value, not 2" },
		{ "direction = in", "direction: unknown value \"in\" (expected "
		  "out)" },
		{ "direction = out in", "direction takes one value, not 2" },
		{ "path = sbin/x", "path: \"sbin/x\" is not an absolute path" },
		{ "PATH = /sbin/x /sbin/y", "path takes one value, not 2" },
		{ "type = builtin_x", "type: unknown value \"builtin_x\" "
		  "(expected always)" },
		{ "type = always builtin", "type takes one value, not 2" },
		{ "args = 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
		  "21 22 23 24 25 26 27 28 29 30 31 32 33",
		  "args: more than 32 arguments" },
		{ "args =", "args: no value" },
		{ "format = json", "format: unknown value \"json\" (expected "
		  "one of string, binary)" },
		{ "format = binary\tstring", "format takes one value, not 2" },
		{ "format= string", "expected \"keyword = value\" (spaces "
		  "around '='), got \"format= string\"" },
	};
	struct vg_plugin_conf c;
	struct vg_err err;
	char text[512];
	const char *p;
	size_t i;

	mkdir_tmp();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* the bad line is line 3 */
		snprintf(text, sizeof(text), "# a plugin\nactive = no\n%s\n"
		    "format = binary\n", cases[i].line);
		p = put("k.conf", text, 0640);
		memset(&err, 0, sizeof(err));
		ck_assert_msg(vg_plugin_conf_load(&c, p, &err) == -1,
		    "\"%s\" accepted", cases[i].line);
		ck_assert_str_eq(err.file, p);
		ck_assert_uint_eq(err.line, 3);
		ck_assert_str_eq(err.msg, cases[i].msg);
		ck_assert_ptr_null(c.path);
	}
	/* one run lists every mistake: the last is in err */
	p = put("k.conf", "format = json\nactive = maybe\n", 0640);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), -1);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.msg, "\"maybe\""));
	rm_tmp();
}
END_TEST

/* Names and words in any case (auditd's strcasecmp); builtin words
 * warned, not refused; a line longer than the reader's limit is
 * skipped, as auditd skips it, and the next line still read. */
START_TEST(test_key_values)
{
	struct vg_plugin_conf c;
	struct vg_err err;
	char text[2048];
	const char *p;
	size_t off;

	mkdir_tmp();
	p = put("k.conf", "ACTIVE = No\nDirection = OUT\nPath = "
	    "Builtin_syslog\nTYPE = BuiltIn\nArgs = A  b\nFormat = Binary\n",
	    0640);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), 0);
	ck_assert_int_eq(c.active, 0);
	ck_assert_str_eq(c.path, "/sbin/audisp-af_unix");
	ck_assert_uint_eq(c.nargs, 2);
	ck_assert_str_eq(c.argv[1], "A");
	ck_assert_str_eq(c.argv[2], "b");
	ck_assert_int_eq(c.format, VG_PLUGIN_BINARY);
	vg_plugin_conf_free(&c);
	/* the last args line wins */
	p = put("k.conf", "args = a b c\nargs = d\n", 0640);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), 0);
	ck_assert_uint_eq(c.nargs, 1);
	ck_assert_str_eq(c.argv[1], "d");
	ck_assert_ptr_null(c.argv[2]);
	vg_plugin_conf_free(&c);

	off = (size_t)snprintf(text, sizeof(text), "args =");
	while (off < 1100)
		off += (size_t)snprintf(text + off, sizeof(text) - off, " x");
	snprintf(text + off, sizeof(text) - off, "\nformat = binary\n");
	p = put("k.conf", text, 0640);
	ck_assert_int_eq(vg_plugin_conf_load(&c, p, &err), 0);
	ck_assert_uint_eq(c.nargs, 0);
	ck_assert_int_eq(c.format, VG_PLUGIN_BINARY);
	vg_plugin_conf_free(&c);
	rm_tmp();
}
END_TEST

/* ---- formatting ---- */

#define SYSCALL_BODY "arch=c000003e syscall=44 success=yes exit=1084 " \
	"a0=5 a1=7fff03091550 a2=43c a3=0 items=0 ppid=11714 pid=12182 " \
	"auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 " \
	"fsgid=0 tty=(none) ses=4294967295 comm=\"auditctl\" " \
	"exe=\"/usr/sbin/auditctl\" key=(null)"

static struct vg_erec recs[2];
static struct vg_event ev;

static void
mkevent(const char *node, const char *body)
{
	memset(&ev, 0, sizeof(ev));
	memset(recs, 0, sizeof(recs));
	recs[0].type = 1300;
	recs[0].body = (struct vg_str){ body, strlen(body) };
	ev.node = node ? (struct vg_str){ node, strlen(node) } : VG_STR_NULL;
	ev.sec = 1795574823;
	ev.msec = 670;
	ev.serial = 35201385;
	ev.recs = recs;
	ev.nrecs = 1;
	ev.flags = VG_EV_EOE;
}

/* Record r of ev as the formatters take it (NULL: the event's EOE). */
static const struct vg_logrec *
lr(const struct vg_erec *r)
{
	static const struct vg_erec eoe = { .type = VG_T_EOE };
	static struct vg_logrec l;

	l = vg_logrec_of_event(&ev, r != NULL ? r : &eoe);
	return &l;
}

/* The string line (whole = 1) or the binary data of record r of ev. */
static char *
fmt(const struct vg_plugin_fmt *f, const struct vg_erec *r, int *proto,
    int whole)
{
	static char out[4096];
	struct vg_buf b;

	vg_buf_init(&b);
	*proto = whole ? vg_plugin_format_line(&b, f, lr(r)) :
	    vg_plugin_format_data(&b, f, lr(r));
	ck_assert(!b.oom && b.len < sizeof(out));
	memcpy(out, b.data, b.len);
	out[b.len] = '\0';
	vg_buf_free(&b);
	return out;
}

#define line(f, r, p)	fmt(f, r, p, 1)
#define data(f, r, p)	fmt(f, r, p, 0)

/* Expected texts: what auditd 3.0.9 wrote to a string and a binary
 * plugin for these records (name_format none / hostname, RAW /
 * ENRICHED). */
START_TEST(test_format_raw)
{
	struct vg_plugin_fmt f = { 0 };
	int proto;

	mkevent(NULL, SYSCALL_BODY);
	ck_assert_str_eq(line(&f, &recs[0], &proto),
	    "type=SYSCALL msg=audit(1795574823.670:35201385): "
	    SYSCALL_BODY "\n");
	ck_assert_int_eq(proto, 0);
	ck_assert_str_eq(data(&f, &recs[0], &proto),
	    "audit(1795574823.670:35201385): " SYSCALL_BODY);
	ck_assert_int_eq(proto, 0);
	/* EOE: the kernel's text ends in ": " and stays so */
	ck_assert_str_eq(line(&f, NULL, &proto),
	    "type=EOE msg=audit(1795574823.670:35201385): \n");
	ck_assert_str_eq(data(&f, NULL, &proto),
	    "audit(1795574823.670:35201385): ");
}
END_TEST

START_TEST(test_format_node)
{
	struct vg_plugin_fmt f = { .node = "vm" };
	int proto;

	mkevent(NULL, SYSCALL_BODY);
	/* a node name makes it protocol 1: the whole line, untrimmed */
	ck_assert_str_eq(line(&f, NULL, &proto),
	    "node=vm type=EOE msg=audit(1795574823.670:35201385): \n");
	ck_assert_int_eq(proto, 1);
	ck_assert_str_eq(data(&f, NULL, &proto),
	    "node=vm type=EOE msg=audit(1795574823.670:35201385): ");
	ck_assert_int_eq(proto, 1);
	/* a replayed event's own node, when name_format gives none */
	f.node = NULL;
	mkevent("web1", SYSCALL_BODY);
	ck_assert_str_eq(line(&f, &recs[0], &proto),
	    "node=web1 type=SYSCALL msg=audit(1795574823.670:35201385): "
	    SYSCALL_BODY "\n");
	ck_assert_int_eq(proto, 1);
}
END_TEST

START_TEST(test_format_enriched)
{
	struct vg_plugin_fmt f = { .enriched = 1 };
	int proto;

	f.enrich = vg_enrich_new(NULL);
	ck_assert_ptr_nonnull(f.enrich);
	mkevent(NULL, SYSCALL_BODY);
	ck_assert_str_eq(line(&f, &recs[0], &proto),
	    "type=SYSCALL msg=audit(1795574823.670:35201385): " SYSCALL_BODY
	    "\x1d" "ARCH=x86_64 SYSCALL=sendto AUID=\"unset\" UID=\"root\" "
	    "GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" "
	    "EGID=\"root\" SGID=\"root\" FSGID=\"root\"\n");
	ck_assert_int_eq(proto, 1);
	/* ENRICHED lines lose the trailing space */
	ck_assert_str_eq(line(&f, NULL, &proto),
	    "type=EOE msg=audit(1795574823.670:35201385):\n");
	ck_assert_str_eq(data(&f, NULL, &proto),
	    "type=EOE msg=audit(1795574823.670:35201385):");
	vg_enrich_free(f.enrich);
}
END_TEST

START_TEST(test_format_control_bytes)
{
	struct vg_plugin_fmt f = { 0 };
	int proto;

	/* auditd's dispatcher turns a newline into a space; vigil also
	 * never passes other control bytes raw */
	mkevent(NULL, "msg='a\nb\x01' x");
	recs[0].type = 1100;
	ck_assert_str_eq(line(&f, &recs[0], &proto),
	    "type=USER_AUTH msg=audit(1795574823.670:35201385): "
	    "msg='a b\\x01' x\n");
	recs[0].type = 1999;
	ck_assert_ptr_nonnull(strstr(line(&f, &recs[0], &proto),
	    "type=UNKNOWN[1999] msg=audit("));
}
END_TEST

/* Longer than auditd's buffers (replayed or forged input only): cut where
 * auditd cuts, the log line at 8937 bytes (9192 with a node), a cut line
 * keeps its trailing space; proto 0 data at 8970 bytes. */
START_TEST(test_format_too_long)
{
	static char body[12000];
	struct vg_plugin_fmt f = { 0 };
	const char *hdr = "type=USER_CMD msg=audit(1795574823.670:35201385): ";
	struct vg_buf b;
	size_t i;

	memset(body, ' ', sizeof(body) - 1);
	body[sizeof(body) - 1] = '\0';
	mkevent(NULL, body);
	recs[0].type = 1123;
	vg_buf_init(&b);
	ck_assert_int_eq(vg_plugin_format_data(&b, &f, lr(&recs[0])), 0);
	ck_assert_uint_eq(b.len, VG_PLUGIN_DATA_LEN);
	ck_assert(memcmp(b.data, hdr + 18, strlen(hdr) - 18) == 0);
	vg_buf_reset(&b);
	ck_assert_int_eq(vg_plugin_format_line(&b, &f, lr(&recs[0])), 0);
	ck_assert_uint_eq(b.len, 18 + VG_PLUGIN_DATA_LEN + 1);
	ck_assert(memcmp(b.data, hdr, strlen(hdr)) == 0);
	ck_assert_int_eq(b.data[b.len - 1], '\n');
	/* proto 1: the log line, cut */
	f.enriched = 1;
	f.enrich = vg_enrich_new(NULL);
	ck_assert_ptr_nonnull(f.enrich);
	vg_buf_reset(&b);
	ck_assert_int_eq(vg_plugin_format_data(&b, &f, lr(&recs[0])), 1);
	ck_assert_uint_eq(b.len, VG_AUDITLOG_LINE_MAX);
	ck_assert(memcmp(b.data, hdr, strlen(hdr)) == 0);
	for (i = strlen(hdr); i < b.len; i++)
		ck_assert_int_eq(b.data[i], ' ');
	f.enriched = 0;
	f.node = "vm";
	vg_buf_reset(&b);
	ck_assert_int_eq(vg_plugin_format_line(&b, &f, lr(&recs[0])), 1);
	ck_assert_uint_eq(b.len, VG_AUDITLOG_LINE_MAX_NODE + 1);
	ck_assert(memcmp(b.data, "node=vm ", 8) == 0);
	/* one byte short of the limit: whole */
	body[VG_AUDITLOG_LINE_MAX_NODE - 8 - strlen(hdr) - 1] = '\0';
	mkevent(NULL, body);
	recs[0].type = 1123;
	vg_buf_reset(&b);
	(void)vg_plugin_format_line(&b, &f, lr(&recs[0]));
	ck_assert_uint_eq(b.len, VG_AUDITLOG_LINE_MAX_NODE);
	vg_buf_free(&b);
	vg_enrich_free(f.enrich);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("plugins");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_corpus_309);
	tcase_add_test(tc, test_corpus_master);
	tcase_add_test(tc, test_corpus_dirs);
	tcase_add_test(tc, test_plugin_configs_rejected);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_permissions);
	tcase_add_test(tc, test_dir_scan);
	tcase_add_test(tc, test_key_errors);
	tcase_add_test(tc, test_key_values);
	tcase_add_test(tc, test_format_raw);
	tcase_add_test(tc, test_format_node);
	tcase_add_test(tc, test_format_enriched);
	tcase_add_test(tc, test_format_control_bytes);
	tcase_add_test(tc, test_format_too_long);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
