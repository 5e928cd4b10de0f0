/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_context.c: the process table and the context members
 * (src/context/): ancestry from the event stream, pid reuse against a
 * fake /proc, the LRU bound, the state file, labels, scripts, cgroup
 * paths of the container runtimes, names of large groups (a getgrgid_r
 * of its own), and both sinks writing the same.
 */
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck.h"
#include "context/ctx_priv.h"
#include "vigil/decode.h"
#include "vigil/json.h"
#include "vigil/record.h"
#include "vigil/sink_json.h"

#define MAXREC	16

struct tev {
	struct vg_event	ev;
	struct vg_erec	recs[MAXREC];
};

static void
tev_init(struct tev *t)
{
	memset(t, 0, sizeof(*t));
	vg_arena_init(&t->ev.arena, 0);
	t->ev.recs = t->recs;
	t->ev.flags = VG_EV_EOE;
}

static struct vg_str
sdup(struct vg_arena *a, struct vg_str s)
{
	return vg_node_strdup(a, s.p != NULL ? s.p : "", s.len);
}

static void
tev_add(struct tev *t, const char *line)
{
	struct vg_record r;
	struct vg_erec *e;

	ck_assert_msg(vg_parse_line(line, strlen(line), &r) == 0,
	    "not a record: %s", line);
	ck_assert(t->ev.nrecs < MAXREC);
	e = &t->recs[t->ev.nrecs++];
	e->type = r.type;
	e->type_name = sdup(&t->ev.arena, r.type_name);
	e->body = sdup(&t->ev.arena, r.body);
	e->enriched = sdup(&t->ev.arena, r.enriched);
	t->ev.sec = r.sec;
	t->ev.msec = r.msec;
	t->ev.serial = r.serial;
}

static void
tev_free(struct tev *t)
{
	vg_arena_free(&t->ev.arena);
}

#define SYS(serial, nr, exit, a0, ppid, pid, comm, exe, key)		\
	"type=SYSCALL msg=audit(1700000000.100:" serial "): arch=c000003e " \
	"syscall=" nr " success=yes exit=" exit " a0=" a0 " a1=0 a2=0 "	\
	"a3=0 items=0 ppid=" ppid " pid=" pid " auid=0 uid=0 gid=0 euid=0 " \
	"suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\""	\
	comm "\" exe=\"" exe "\" key=" key

static struct vg_ctx *
new_ctx(const char *proc_root, unsigned max, const char *const *labels,
    size_t nlabels)
{
	struct vg_ctx_opts o;
	struct vg_ctx *c;
	char msg[256] = "";

	vg_ctx_opts_init(&o);
	o.proc = proc_root != NULL;
	o.proc_root = proc_root;
	o.max_procs = max;
	o.host = "testhost";
	o.labels = labels;
	o.nlabels = nlabels;
	c = vg_ctx_new(&o, msg, sizeof(msg));
	ck_assert_msg(c != NULL, "%s", msg);
	return c;
}

/* Feeds one event of the given lines; returns its JSON (JSON sink), after
 * checking the tree sink writes the same bytes. */
static json_object *
feed(struct vg_ctx *c, const char *const *lines, size_t n)
{
	static struct vg_jsink *js;
	struct tev t;
	struct vg_buf b, tb;
	struct vg_node *doc;
	json_object *j;
	size_t i;

	if (js == NULL)
		js = vg_jsink_new();
	tev_init(&t);
	for (i = 0; i < n; i++)
		tev_add(&t, lines[i]);
	vg_ctx_event(c, &t.ev);
	vg_buf_init(&b);
	vg_buf_init(&tb);
	ck_assert_int_eq(vg_jsink_event(js, &t.ev, &b, NULL), 0);
	doc = vg_decode_event(&t.ev, NULL);
	ck_assert_ptr_nonnull(doc);
	vg_json_write(doc, &tb);
	vg_buf_addc(&b, '\0');
	vg_buf_addc(&tb, '\0');
	ck_assert_str_eq(b.data, tb.data);
	/* the context members are where the line says */
	if (t.ev.ctx_to > t.ev.ctx_from)
		ck_assert(strncmp(b.data + t.ev.ctx_from, ",\"host\":", 8) == 0 &&
		    strcmp(b.data + t.ev.ctx_to, "}\n") == 0);
	j = json_tokener_parse(b.data);
	ck_assert_msg(j != NULL, "%s", b.data);
	vg_buf_free(&b);
	vg_buf_free(&tb);
	tev_free(&t);
	return j;
}

static json_object *
feed1(struct vg_ctx *c, const char *line)
{
	return feed(c, &line, 1);
}

static json_object *
get(json_object *j, const char *path)
{
	char buf[256], *p, *save = NULL;
	json_object *v = j;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = strtok_r(buf, ".", &save); p != NULL && v != NULL;
	    p = strtok_r(NULL, ".", &save)) {
		if (p[0] >= '0' && p[0] <= '9')
			v = json_object_array_get_idx(v, (size_t)atoi(p));
		else if (!json_object_object_get_ex(v, p, &v))
			v = NULL;
	}
	return v;
}

static int64_t
geti(json_object *j, const char *path)
{
	json_object *v = get(j, path);

	ck_assert_msg(v != NULL, "no %s", path);
	return json_object_get_int64(v);
}

static const char *
gets_(json_object *j, const char *path)
{
	json_object *v = get(j, path);

	ck_assert_msg(v != NULL, "no %s in %s", path,
	    json_object_to_json_string(j));
	return json_object_get_string(v);
}

/* bash (100) -> fork 101 -> exec sh -> fork 102 -> exec curl -> connect */
static void
tree(struct vg_ctx *c)
{
	const char *ex1[] = {
	    SYS("1", "59", "0", "1", "1", "100", "bash", "/usr/bin/bash",
	    "(null)"),
	    "type=EXECVE msg=audit(1700000000.100:1): argc=2 a0=\"bash\" "
	    "a1=\"-l\"" };
	const char *ex2[] = {
	    SYS("3", "59", "0", "1", "100", "101", "sh", "/usr/bin/dash",
	    "(null)"),
	    "type=EXECVE msg=audit(1700000000.100:3): argc=3 a0=\"sh\" "
	    "a1=\"-e\" a2=\"/opt/run.sh\"" };
	const char *ex3[] = {
	    SYS("5", "59", "0", "1", "101", "102", "curl", "/usr/bin/curl",
	    "(null)"),
	    "type=EXECVE msg=audit(1700000000.100:5): argc=2 a0=\"curl\" "
	    "a1=68747470733A2F2F6578616D706C652E636F6D" };

	json_object_put(feed(c, ex1, 2));
	json_object_put(feed1(c, SYS("2", "56", "101", "1200011", "1", "100",
	    "bash", "/usr/bin/bash", "(null)")));
	json_object_put(feed(c, ex2, 2));
	json_object_put(feed1(c, SYS("4", "57", "102", "0", "100", "101",
	    "sh", "/usr/bin/dash", "(null)")));
	json_object_put(feed(c, ex3, 2));
}

START_TEST(test_ancestry)
{
	struct vg_ctx *c = new_ctx(NULL, 64, NULL, 0);
	json_object *j, *par;

	tree(c);
	j = feed1(c, SYS("6", "42", "0", "3", "101", "102", "curl",
	    "/usr/bin/curl", "\"net\""));
	ck_assert_str_eq(gets_(j, "host"), "testhost");
	ck_assert_int_eq(geti(j, "context.process.pid"), 102);
	ck_assert_str_eq(gets_(j, "context.process.exe"), "/usr/bin/curl");
	ck_assert_str_eq(gets_(j, "context.process.argv.1"),
	    "https://example.com");
	ck_assert_int_eq(geti(j, "context.process.spawned_by"), 5);
	par = get(j, "context.parents");
	ck_assert_int_eq((int)json_object_array_length(par), 2);
	ck_assert_int_eq(geti(j, "context.parents.0.pid"), 101);
	ck_assert_str_eq(gets_(j, "context.parents.0.exe"), "/usr/bin/dash");
	ck_assert_str_eq(gets_(j, "context.parents.0.argv.2"), "/opt/run.sh");
	ck_assert_int_eq(geti(j, "context.parents.0.spawned_by"), 3);
	ck_assert_int_eq(geti(j, "context.parents.1.pid"), 100);
	ck_assert_str_eq(gets_(j, "context.parents.1.exe"), "/usr/bin/bash");
	ck_assert_int_eq(geti(j, "context.parents.1.spawned_by"), 1);
	/* sh's script; curl is no interpreter; no empty members */
	ck_assert_ptr_null(get(j, "context.script"));
	ck_assert_str_eq(gets_(j, "context.names.uid"), "root");
	/* uid 0's groups (laurel's UID_GROUPS): its primary group first */
	ck_assert_str_eq(gets_(j, "context.groups.0"), "root");
	ck_assert_ptr_null(get(j, "context.container"));
	ck_assert_ptr_null(get(j, "context.labels"));
	json_object_put(j);
	/* the same again: pasted from the entry's text */
	j = feed1(c, SYS("7", "42", "0", "3", "101", "102", "curl",
	    "/usr/bin/curl", "\"net\""));
	ck_assert_int_eq(geti(j, "context.parents.1.pid"), 100);
	ck_assert_uint_ge(vg_ctx_stats(c)->cached, 1);
	json_object_put(j);
	/* the shell's own event names its script */
	j = feed1(c, SYS("8", "0", "0", "3", "100", "101", "sh",
	    "/usr/bin/dash", "(null)"));
	ck_assert_str_eq(gets_(j, "context.script"), "/opt/run.sh");
	json_object_put(j);
	vg_ctx_free(c);
}
END_TEST

/* A program the pid ran of its own before an execve is its "previous";
 * a fork child's first program has none (its parent tells). */
START_TEST(test_previous)
{
	struct vg_ctx *c = new_ctx(NULL, 64, NULL, 0);
	json_object *j;

	tree(c);
	j = feed1(c, SYS("6", "42", "0", "3", "101", "102", "curl",
	    "/usr/bin/curl", "\"net\""));
	ck_assert_ptr_null(get(j, "context.process.previous"));
	ck_assert_ptr_null(get(j, "context.parents.0.previous"));
	json_object_put(j);
	j = feed1(c, SYS("7", "59", "0", "1", "101", "102", "wget",
	    "/usr/bin/wget", "(null)"));
	ck_assert_str_eq(gets_(j, "context.process.exe"), "/usr/bin/wget");
	ck_assert_int_eq(geti(j, "context.process.spawned_by"), 7);
	ck_assert_str_eq(gets_(j, "context.process.previous.exe"),
	    "/usr/bin/curl");
	ck_assert_str_eq(gets_(j, "context.process.previous.comm"), "curl");
	ck_assert_int_eq(geti(j, "context.process.previous.spawned_by"), 5);
	json_object_put(j);
	vg_ctx_free(c);
}
END_TEST

START_TEST(test_depth)
{
	struct vg_ctx_opts o;
	struct vg_ctx *c;
	json_object *j;
	char msg[256];

	vg_ctx_opts_init(&o);
	o.proc = 0;
	o.depth = 1;
	o.host = "h";
	ck_assert_ptr_nonnull(c = vg_ctx_new(&o, msg, sizeof(msg)));
	tree(c);
	j = feed1(c, SYS("6", "42", "0", "3", "101", "102", "curl",
	    "/usr/bin/curl", "(null)"));
	ck_assert_int_eq((int)json_object_array_length(get(j,
	    "context.parents")), 1);
	json_object_put(j);
	vg_ctx_free(c);
}
END_TEST

/* A fake /proc: <root>/stat (btime) and <root>/PID/{stat,cmdline,cgroup}. */
static void
fake_write(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void
fake_proc(const char *root, int pid, int ppid, unsigned long long ticks,
    const char *comm, const char *cmdline, size_t cmdlen, const char *cg)
{
	char dir[512], stat[512];

	snprintf(dir, sizeof(dir), "%s/%d", root, pid);
	mkdir(dir, 0755);
	snprintf(stat, sizeof(stat), "%d (%s) S %d %d %d 0 -1 4194560 100 0 "
	    "0 0 0 0 0 0 20 0 1 0 %llu 1000 100\n", pid, comm, ppid, pid,
	    pid, ticks);
	fake_write(dir, "stat", stat, strlen(stat));
	fake_write(dir, "cmdline", cmdline, cmdlen);
	fake_write(dir, "cgroup", cg, strlen(cg));
}

static char *
fake_root(void)
{
	char tmpl[] = "/tmp/vg-ctx-XXXXXX", *d;
	static const char st[] = "cpu 1 2 3\nbtime 1700000000\n";

	ck_assert_ptr_nonnull(d = mkdtemp(tmpl));
	d = strdup(d);
	fake_write(d, "stat", st, sizeof(st) - 1);
	return d;
}

static void
rm_rf(const char *d)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_pid_reuse)
{
	char *root = fake_root();
	struct vg_ctx *c;
	json_object *j;
	long hz = sysconf(_SC_CLK_TCK);

	/* retitled: the title, then NULs over its old arguments */
	fake_proc(root, 500, 1, 10 * (unsigned long long)hz, "sshd",
	    "sshd: alice\0\0\0\0\0\0", 17, "0::/system.slice/ssh.service\n");
	fake_proc(root, 600, 500, 20 * (unsigned long long)hz, "bash",
	    "-bash\0", 6, "0::/user.slice/user-1000.slice/session-3.scope\n");
	c = new_ctx(root, 64, NULL, 0);
	j = feed1(c, SYS("10", "42", "0", "3", "500", "600", "bash",
	    "/usr/bin/bash", "(null)"));
	ck_assert_int_eq(geti(j, "context.parents.0.pid"), 500);
	ck_assert_str_eq(gets_(j, "context.parents.0.argv.0"), "sshd: alice");
	ck_assert_int_eq((int)json_object_array_length(get(j,
	    "context.parents.0.argv")), 1);
	ck_assert_ptr_null(get(j, "context.parents.0.argv_truncated"));
	ck_assert_str_eq(gets_(j, "context.parents.0.start"),
	    "2023-11-14T22:13:30.000Z");
	ck_assert_str_eq(gets_(j, "context.unit"), "session-3.scope");
	ck_assert_str_eq(gets_(j, "context.slice"), "user-1000.slice");
	json_object_put(j);
	ck_assert_uint_eq(vg_ctx_stats(c)->proc_reads, 2);
	/* the same events again: no /proc read */
	json_object_put(feed1(c, SYS("11", "42", "0", "3", "500", "600",
	    "bash", "/usr/bin/bash", "(null)")));
	ck_assert_uint_eq(vg_ctx_stats(c)->proc_reads, 2);
	/* pid 600 is now another process (no exit or fork seen): another
	 * parent, another start time. Its history must not stick. */
	fake_proc(root, 600, 1, 90 * (unsigned long long)hz, "cron",
	    "/usr/sbin/cron\0-f\0", 18, "0::/system.slice/cron.service\n");
	j = feed1(c, SYS("12", "42", "0", "3", "1", "600", "cron",
	    "/usr/sbin/cron", "(null)"));
	ck_assert_uint_eq(vg_ctx_stats(c)->reused, 1);
	ck_assert_str_eq(gets_(j, "context.process.argv.0"),
	    "/usr/sbin/cron");
	ck_assert_str_eq(gets_(j, "context.unit"), "cron.service");
	ck_assert_ptr_null(get(j, "context.parents"));	/* no pid 1 here */
	json_object_put(j);
	/* reparented (the parent died), same start: the same process */
	j = feed1(c, SYS("13", "42", "0", "3", "500", "600", "cron",
	    "/usr/sbin/cron", "(null)"));
	ck_assert_uint_eq(vg_ctx_stats(c)->reused, 1);
	ck_assert_str_eq(gets_(j, "context.process.argv.1"), "-f");
	json_object_put(j);
	vg_ctx_free(c);
	rm_rf(root);
	free(root);
}
END_TEST

/* A user message of a process whose chain is as long as the table
 * (16 entries, 16 parents, all read from /proc): reading the parents
 * pushes the process itself out. Its context is then without it, never
 * an entry already freed (ASan said so before). */
START_TEST(test_chain_fills_table)
{
	char *root = fake_root();
	struct vg_ctx_opts o;
	struct vg_ctx *c;
	json_object *j;
	char comm[16], msg[256];
	int i;

	for (i = 0; i < 20; i++) {
		snprintf(comm, sizeof(comm), "p%d", i);
		fake_proc(root, 1000 + i, i == 0 ? 1 : 999 + i,
		    (unsigned long long)(10 + i), comm, "x\0", 2,
		    "0::/system.slice/x.service\n");
	}
	vg_ctx_opts_init(&o);
	o.proc_root = root;
	o.max_procs = 16;
	o.depth = VG_CTX_DEPTH_MAX;
	o.host = "h";
	ck_assert_ptr_nonnull(c = vg_ctx_new(&o, msg, sizeof(msg)));
	j = feed1(c, "type=USER_ACCT msg=audit(1700000001.000:20): pid=1019 "
	    "uid=0 auid=0 ses=1 msg='op=PAM:accounting acct=\"root\" "
	    "exe=\"/usr/bin/x\" hostname=? addr=? terminal=? res=success'");
	ck_assert_ptr_null(get(j, "context.process"));
	json_object_put(j);
	ck_assert_uint_le(vg_ctx_stats(c)->entries, 16);
	ck_assert_uint_ge(vg_ctx_stats(c)->evicted, 1);
	vg_ctx_free(c);
	rm_rf(root);
	free(root);
}
END_TEST

/* A child known from its fork event is read again from /proc when it is
 * reparented: /proc's start (clock ticks) is not the event's millisecond,
 * and that is not a reused pid. Its clone's key label is its own too. */
START_TEST(test_forked_child_reparented)
{
	static const char *const labels[] = { "tainted key=x" };
	char *root = fake_root();
	struct vg_ctx *c;
	json_object *j;
	long hz = sysconf(_SC_CLK_TCK);

	c = new_ctx(root, 64, labels, 1);
	json_object_put(feed1(c, SYS("1", "57", "601", "0", "1", "600",
	    "bash", "/usr/bin/bash", "\"x\"")));
	/* started 120 ms after boot, the fork event says 100 ms */
	fake_proc(root, 601, 1, (unsigned long long)hz * 120 / 1000 + 1,
	    "bash", "bash\0", 5, "0::/\n");
	j = feed1(c, SYS("2", "42", "0", "3", "1", "601", "bash",
	    "/usr/bin/bash", "(null)"));
	ck_assert_uint_eq(vg_ctx_stats(c)->reused, 0);
	ck_assert_int_eq(geti(j, "context.process.spawned_by"), 1);
	ck_assert_str_eq(gets_(j, "context.labels.0"), "tainted");
	json_object_put(j);
	/* 5 s later is another process */
	fake_proc(root, 601, 1, (unsigned long long)hz * 5, "cron", "cron\0",
	    5, "0::/\n");
	j = feed1(c, SYS("3", "42", "0", "3", "1", "601", "cron",
	    "/usr/sbin/cron", "(null)"));
	ck_assert_uint_eq(vg_ctx_stats(c)->reused, 1);
	ck_assert_ptr_null(get(j, "context.process.spawned_by"));
	ck_assert_ptr_null(get(j, "context.labels"));
	json_object_put(j);
	vg_ctx_free(c);
	rm_rf(root);
	free(root);
}
END_TEST

/* A first argument longer than the bound (a retitled process whose title
 * has no NUL) is kept cut, as an EXECVE record's is, and says so. */
START_TEST(test_long_proc_argv)
{
	char *root = fake_root(), title[600], want[CTX_ARGV_MAX];
	struct vg_ctx *c;
	json_object *j;

	memset(title, 't', sizeof(title));
	fake_proc(root, 710, 1, 50, "title", title, sizeof(title), "0::/\n");
	c = new_ctx(root, 64, NULL, 0);
	j = feed1(c, SYS("1", "42", "0", "3", "1", "710", "title",
	    "/usr/bin/title", "(null)"));
	memset(want, 't', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	ck_assert_str_eq(gets_(j, "context.process.argv.0"), want);
	ck_assert_int_eq((int)json_object_array_length(get(j,
	    "context.process.argv")), 1);
	ck_assert(json_object_get_boolean(get(j,
	    "context.process.argv_truncated")));
	json_object_put(j);
	vg_ctx_free(c);
	rm_rf(root);
	free(root);
}
END_TEST

/* A stat file that ends at its comm's ')', as long as the buffer: not
 * read past (ASan said so before). */
START_TEST(test_cut_stat)
{
	char *root = fake_root(), dir[512], stat[1024];
	struct vg_ctx *c;
	json_object *j;
	int n;

	snprintf(dir, sizeof(dir), "%s/702", root);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	n = snprintf(stat, sizeof(stat), "702 (");
	memset(stat + n, 'a', sizeof(stat) - 2 - (size_t)n);
	stat[sizeof(stat) - 2] = ')';
	fake_write(dir, "stat", stat, sizeof(stat) - 1);
	c = new_ctx(root, 64, NULL, 0);
	j = feed1(c, SYS("1", "42", "0", "3", "1", "702", "a", "/usr/bin/a",
	    "(null)"));
	ck_assert_ptr_null(get(j, "context.process.start"));
	json_object_put(j);
	vg_ctx_free(c);
	rm_rf(root);
	free(root);
}
END_TEST

/* A child whose parent's pid went to a younger process: not its parent. */
START_TEST(test_stranger_parent)
{
	char *root = fake_root();
	struct vg_ctx *c;
	json_object *j;
	long hz = sysconf(_SC_CLK_TCK);

	fake_proc(root, 700, 800, 50 * (unsigned long long)hz, "worker",
	    "worker\0", 7, "0::/\n");
	/* 800 started after its "child": a stranger with the old pid */
	fake_proc(root, 800, 1, 60 * (unsigned long long)hz, "other",
	    "other\0", 6, "0::/\n");
	c = new_ctx(root, 64, NULL, 0);
	j = feed1(c, SYS("1", "42", "0", "3", "800", "700", "worker",
	    "/usr/bin/worker", "(null)"));
	ck_assert_ptr_null(get(j, "context.parents"));
	json_object_put(j);
	vg_ctx_free(c);
	rm_rf(root);
	free(root);
}
END_TEST

START_TEST(test_lru_bound)
{
	struct vg_ctx *c = new_ctx(NULL, 16, NULL, 0);
	char line[600];
	int i;

	json_object_put(feed1(c, SYS("1", "59", "0", "1", "1", "100", "bash",
	    "/usr/bin/bash", "(null)")));
	for (i = 0; i < 2000; i++) {
		snprintf(line, sizeof(line), "type=SYSCALL msg=audit("
		    "1700000000.100:%d): arch=c000003e syscall=57 success=yes "
		    "exit=%d a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=100 auid=0 "
		    "uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
		    "tty=pts0 ses=1 comm=\"bash\" exe=\"/usr/bin/bash\" "
		    "key=(null)", i + 2, 1000 + i);
		json_object_put(feed1(c, line));
		ck_assert_uint_le(vg_ctx_stats(c)->entries, 16);
	}
	ck_assert_uint_ge(vg_ctx_stats(c)->evicted, 2001 - 16);
	/* the busy parent stays (most recently used), the last child too */
	ck_assert_ptr_nonnull(vg_ctx_lookup(c, 100));
	ck_assert_ptr_nonnull(vg_ctx_lookup(c, 2999));
	ck_assert_ptr_null(vg_ctx_lookup(c, 1000));
	vg_ctx_free(c);
}
END_TEST

START_TEST(test_state_file)
{
	char path[] = "/tmp/vg-ctx-state-XXXXXX";
	struct vg_ctx_opts o;
	struct vg_ctx *c;
	const struct vg_proc *p;
	char msg[256];
	int fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	vg_ctx_opts_init(&o);
	o.proc = 0;
	o.state_file = path;
	ck_assert_ptr_nonnull(c = new_ctx(NULL, 64, NULL, 0));
	tree(c);
	c->state_file = strdup(path);
	ck_assert_int_eq(vg_ctx_save(c), 0);
	vg_ctx_free(c);
	ck_assert_ptr_nonnull(c = vg_ctx_new(&o, msg, sizeof(msg)));
	ck_assert_uint_eq(vg_ctx_stats(c)->entries, 3);
	ck_assert_ptr_nonnull(p = vg_ctx_lookup(c, 101));
	ck_assert_str_eq(p->exe, "/usr/bin/dash");
	ck_assert_int_eq(p->argc, 3);
	ck_assert_str_eq(p->argv + 6, "/opt/run.sh");
	ck_assert_str_eq(p->script, "/opt/run.sh");
	ck_assert_int_eq(p->ppid, 100);
	ck_assert_uint_eq(p->spawned_by, 3);
	/* a damaged file: what can be read is, no crash */
	vg_ctx_free(c);
	fd = open(path, O_WRONLY | O_APPEND);
	ck_assert(write(fd, "12 x zz\n77 1 0 0 0 0 0 zz\n", 26) == 26);
	close(fd);
	ck_assert_ptr_nonnull(c = vg_ctx_new(&o, msg, sizeof(msg)));
	ck_assert_uint_eq(vg_ctx_stats(c)->entries, 3);
	vg_ctx_free(c);
	unlink(path);
}
END_TEST

/* vg_ctx_new of a state file (/proc at proc_root, or off), with stderr
 * (the log) going to a file: the context, and what was logged in *log
 * (caller frees). */
static struct vg_ctx *
load_logged(const char *path, const char *proc_root, unsigned max,
    const char *const *labels, size_t nlabels, char **log)
{
	char lpath[] = "/tmp/vg-ctx-log-XXXXXX", msg[256];
	struct vg_ctx_opts o;
	struct vg_ctx *c;
	int fd = mkstemp(lpath), saved = dup(2);
	off_t n;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(saved, 0);
	vg_ctx_opts_init(&o);
	o.proc = proc_root != NULL;
	o.proc_root = proc_root;
	o.max_procs = max;
	o.state_file = path;
	o.labels = labels;
	o.nlabels = nlabels;
	fflush(stderr);
	ck_assert_int_eq(dup2(fd, 2), 2);
	c = vg_ctx_new(&o, msg, sizeof(msg));
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_ge(n = lseek(fd, 0, SEEK_END), 0);
	ck_assert_ptr_nonnull(*log = calloc(1, (size_t)n + 1));
	ck_assert_int_eq(pread(fd, *log, (size_t)n, 0), n);
	close(fd);
	unlink(lpath);
	return c;
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* Lines that are not entries are left out, each said with its file:line
 * (a line cut short, a NUL byte, one longer than any entry, a last one
 * without its newline: none of them is what vg_ctx_save writes). */
START_TEST(test_state_bad_lines)
{
	static const char good[] = "vigil-proctab 2\nlabels\n"
	    "400 1 1700000000000 0 0 0 8 2f62696e2f7368 7368 - -\n"
	    "502 1 0 0 0 0 0\n"
	    "503 1 0 0 0 0 0 - - - -\0x\n";
	char path[] = "/tmp/vg-ctx-state-XXXXXX", *text, *log, want[128];
	struct vg_ctx *c;
	size_t n = sizeof(good) - 1, pad = 8000;
	int fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	ck_assert_ptr_nonnull(text = malloc(n + pad + 64));
	memcpy(text, good, n);
	n += (size_t)sprintf(text + n, "504 1 0 0 0 0 0 - - - -");
	memset(text + n, ' ', pad);
	n += pad;
	n += (size_t)sprintf(text + n, "\n505 1 0 0 0 0 0 - - - -");
	write_file(path, text, n);
	free(text);
	c = load_logged(path, NULL, 64, NULL, 0, &log);
	ck_assert_uint_eq(vg_ctx_stats(c)->entries, 1);
	ck_assert_str_eq(vg_ctx_lookup(c, 400)->exe, "/bin/sh");
	snprintf(want, sizeof(want), "%s:4: not 11 or 16 fields", path);
	ck_assert_msg(strstr(log, want) != NULL, "%s", log);
	snprintf(want, sizeof(want), "%s:5: a NUL byte", path);
	ck_assert_msg(strstr(log, want) != NULL, "%s", log);
	snprintf(want, sizeof(want), "%s:6: longer than any entry", path);
	ck_assert_msg(strstr(log, want) != NULL, "%s", log);
	snprintf(want, sizeof(want), "%s:7: cut short", path);
	ck_assert_msg(strstr(log, want) != NULL, "%s", log);
	ck_assert_ptr_nonnull(strstr(log, "4 lines left out, 1 entries read"));
	vg_ctx_free(c);
	free(log);
	unlink(path);
}
END_TEST

/* Labels are saved by name: read back under another configuration (its
 * label lines reordered, one gone, one new), a process has the labels of
 * its names, whatever their places; a file of format 1 (labels by
 * number) is read without labels. */
START_TEST(test_state_label_names)
{
	static const char *const before[] = { "shell exe=/usr/bin/*sh",
	    "net key=net", "fetch argv=curl https://*" };
	static const char *const after[] = { "fetch argv=curl https://*",
	    "new exe=/nowhere", "shell exe=/usr/bin/*sh" };
	static const char old[] = "vigil-proctab 1\n"
	    "400 1 1700000000000 0 0 1 8 - - - -\n";
	char path[] = "/tmp/vg-ctx-state-XXXXXX", *log;
	struct vg_ctx *c = new_ctx(NULL, 64, before, 3);
	int fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	tree(c);
	json_object_put(feed1(c, SYS("6", "42", "0", "3", "101", "102",
	    "curl", "/usr/bin/curl", "\"net\"")));
	ck_assert_uint_eq(vg_ctx_lookup(c, 102)->labels, 7);
	c->state_file = strdup(path);
	ck_assert_int_eq(vg_ctx_save(c), 0);
	vg_ctx_free(c);
	c = load_logged(path, NULL, 64, after, 3, &log);
	ck_assert_str_eq(log, "");
	/* fetch is now bit 0, shell bit 2; net is no more */
	ck_assert_uint_eq(vg_ctx_lookup(c, 102)->labels, 1u << 0 | 1u << 2);
	ck_assert_uint_eq(vg_ctx_lookup(c, 101)->labels, 1u << 2);
	vg_ctx_free(c);
	free(log);
	write_file(path, old, sizeof(old) - 1);
	c = load_logged(path, NULL, 64, after, 3, &log);
	ck_assert_uint_eq(vg_ctx_lookup(c, 400)->labels, 0);
	ck_assert_ptr_nonnull(strstr(log, "format 1 numbers labels"));
	vg_ctx_free(c);
	free(log);
	unlink(path);
}
END_TEST

/* Live (/proc on), the entries read are checked: only those whose pid
 * /proc has with the same start stay (exactly for a start read from
 * /proc, within a second for one of an event); those of gone processes,
 * of a pid another process has now, from before this boot, or without a
 * start are left out. */
START_TEST(test_state_gone)
{
	char path[] = "/tmp/vg-ctx-state-XXXXXX", *root = fake_root(), *log;
	char text[1024];
	struct vg_ctx *c;
	long hz = sysconf(_SC_CLK_TCK);
	static const struct { int pid, ticks_s; const char *start; int flags;
	    int kept; } e[] = {
		{ 900, 10, "1700000010000", P_PROC, 1 },
		{ 901, 20, "1700000010000", P_PROC, 0 },	/* reused */
		{ 902, 0, "1700000010000", P_PROC, 0 },		/* gone */
		{ 903, 10, "1600000010000", P_STREAM, 0 },	/* old boot */
		{ 904, 10, "1700000010500", P_STREAM, 1 },	/* its fork */
		{ 905, 10, "0", P_STREAM, 0 },			/* unknown */
	};
	size_t i, n;
	int fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	n = (size_t)snprintf(text, sizeof(text), "vigil-proctab 2\nlabels\n");
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		if (e[i].ticks_s > 0)
			fake_proc(root, e[i].pid, 1, (unsigned long long)
			    (e[i].ticks_s * hz), "x", "x\0", 2, "0::/\n");
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%d 1 %s 0 0 0 %d - - - -\n", e[i].pid, e[i].start,
		    e[i].flags);
	}
	write_file(path, text, n);
	c = load_logged(path, root, 64, NULL, 0, &log);
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++)
		ck_assert_msg((vg_ctx_lookup(c, e[i].pid) != NULL) == e[i].kept,
		    "pid %d", e[i].pid);
	vg_ctx_free(c);
	free(log);
	/* /proc off: nothing to check them against, all are read */
	c = load_logged(path, NULL, 64, NULL, 0, &log);
	ck_assert_uint_eq(vg_ctx_stats(c)->entries, 6);
	vg_ctx_free(c);
	free(log);
	unlink(path);
	rm_rf(root);
	free(root);
}
END_TEST

/* A file that is not a process table is not read, and said so: another
 * head, a fifo (opening it would wait for a writer), one larger than a
 * full table's. */
START_TEST(test_state_not_table)
{
	char path[] = "/tmp/vg-ctx-state-XXXXXX", *log, *big;
	static const char other[] = "vigil-proctab 9\n"
	    "400 1 1700000000000 0 0 0 8 - - - -\n";
	struct vg_ctx *c;
	size_t n = 200000;
	int fd;

	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	write_file(path, other, sizeof(other) - 1);
	c = load_logged(path, NULL, 16, NULL, 0, &log);
	ck_assert_uint_eq(vg_ctx_stats(c)->entries, 0);
	ck_assert_msg(strstr(log, ":1: not a process table") != NULL, "%s",
	    log);
	vg_ctx_free(c);
	free(log);
	/* larger than 16 entries can be: a valid head and entry first */
	ck_assert_ptr_nonnull(big = malloc(n));
	memset(big, '\n', n);
	memcpy(big, other, sizeof(other) - 1);
	big[14] = '1';
	write_file(path, big, n);
	free(big);
	c = load_logged(path, NULL, 16, NULL, 0, &log);
	ck_assert_uint_eq(vg_ctx_stats(c)->entries, 0);
	ck_assert_msg(strstr(log, "not a regular file of at most 16 entries")
	    != NULL, "%s", log);
	vg_ctx_free(c);
	free(log);
	unlink(path);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	c = load_logged(path, NULL, 16, NULL, 0, &log);
	ck_assert_msg(strstr(log, "not a regular file") != NULL, "%s", log);
	vg_ctx_free(c);
	free(log);
	unlink(path);
}
END_TEST

START_TEST(test_labels)
{
	static const char *const labels[] = { "shell exe=/usr/bin/*sh",
	    "net key=net", "fetch argv=curl https://*" };
	struct vg_ctx *c = new_ctx(NULL, 64, labels, 3);
	struct vg_ctx_opts o;
	static const char *const bad[] = { "x nope=1" };
	char msg[256];
	json_object *j;

	tree(c);
	j = feed1(c, SYS("6", "42", "0", "3", "101", "102", "curl",
	    "/usr/bin/curl", "\"net\""));
	/* shell: inherited from sh (dash) by curl; net from the key */
	ck_assert_str_eq(gets_(j, "context.labels.0"), "shell");
	ck_assert_str_eq(gets_(j, "context.labels.1"), "net");
	ck_assert_str_eq(gets_(j, "context.labels.2"), "fetch");
	json_object_put(j);
	ck_assert_int_eq(vg_ctx_label_id(c, "net", 3), 1);
	vg_ctx_free(c);
	vg_ctx_opts_init(&o);
	o.labels = bad;
	o.nlabels = 1;
	ck_assert_ptr_null(vg_ctx_new(&o, msg, sizeof(msg)));
	ck_assert_ptr_nonnull(strstr(msg, "unknown match"));
}
END_TEST

/* Whether the event of line gives its process the label want as its
 * first (want NULL: no labels). */
static int
first_label(struct vg_ctx *c, const char *line, const char *want)
{
	json_object *j = feed1(c, line), *l = get(j, "context.labels.0");
	int ok = want == NULL ? l == NULL : l != NULL &&
	    strcmp(json_object_get_string(l), want) == 0;

	json_object_put(j);
	return ok;
}

/* A process known from its records alone (a replay, or one gone before
 * /proc was read) gets the exe= labels of the exe its record gives, and
 * so does one whose program changed without an execve seen. */
START_TEST(test_labels_stream)
{
	static const char *const labels[] = { "fetch exe=/usr/bin/curl" };
	struct vg_ctx *c = new_ctx(NULL, 64, labels, 1);

	ck_assert(first_label(c, SYS("1", "42", "0", "3", "1", "300", "curl",
	    "/usr/bin/curl", "(null)"), "fetch"));
	ck_assert(first_label(c, SYS("2", "42", "0", "3", "1", "301", "sh",
	    "/bin/sh", "(null)"), NULL));
	ck_assert(first_label(c, SYS("3", "42", "0", "3", "1", "301", "curl",
	    "/usr/bin/curl", "(null)"), "fetch"));
	vg_ctx_free(c);
}
END_TEST

START_TEST(test_script)
{
	struct vg_proc p;
	static const struct { const char *exe, *argv; size_t len;
	    const char *script; } t[] = {
		{ "/usr/bin/python3.11", "python3\0-u\0/opt/x.py\0a", 23,
		  "/opt/x.py" },
		{ "/usr/bin/python3", "python3\0-c\0print(1)", 19, NULL },
		{ "/usr/bin/perl", "perl\0/usr/bin/cpan", 18,
		  "/usr/bin/cpan" },
		{ "/usr/bin/curl", "curl\0/x", 7, NULL },
		{ "/bin/bash", "bash", 4, NULL },
		{ "/usr/bin/bashful", "bashful\0/x", 10, NULL },
	};
	size_t i;
	const char *a;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&p, 0, sizeof(p));
		p.exe = strdup(t[i].exe);
		p.argv = malloc(t[i].len + 1);
		memcpy(p.argv, t[i].argv, t[i].len);
		p.argv[t[i].len] = '\0';
		p.argv_len = (uint16_t)t[i].len;
		for (a = p.argv, p.argc = 0; a < p.argv + p.argv_len;
		    a += strlen(a) + 1)
			p.argc++;
		ctx_set_script(&p);
		if (t[i].script == NULL)
			ck_assert_msg(p.script == NULL, "%s", t[i].exe);
		else
			ck_assert_str_eq(p.script, t[i].script);
		free(p.exe);
		free(p.argv);
		free(p.script);
	}
}
END_TEST

START_TEST(test_cgroup)
{
	static const struct { const char *path; int rt; const char *id,
	    *pod, *unit, *slice; } t[] = {
		{ "/system.slice/docker-3f2a5c0e1b9d8a7f6e5d4c3b2a1f0e9d8c7b"
		  "6a5f4e3d2c1b0a9f8e7d6c5b4a.scope", RT_DOCKER,
		  "3f2a5c0e1b9d8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c"
		  "5b4a", "", "", "system.slice" },
		{ "/docker/0123456789abcdef0123456789abcdef0123456789abcdef0123"
		  "456789abcdef", RT_DOCKER, "0123456789abcdef0123456789abcdef"
		  "0123456789abcdef0123456789abcdef", "", "", "" },
		{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-"
		  "besteffort-pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d.slice/"
		  "cri-containerd-aaaabbbbccccddddeeeeffff00001111222233334444"
		  "5555666677778888.scope", RT_CONTAINERD,
		  "aaaabbbbccccddddeeeeffff000011112222333344445555666677778888",
		  "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "",
		  "kubepods-besteffort-pod1a2b3c4d_5e6f_7a8b_9c0d_1e2f3a4b5c6d"
		  ".slice" },
		{ "/kubepods.slice/kubepods-pod11112222_3333_4444_5555_6666777"
		  "78888.slice/crio-abcdefabcdefabcdefabcdefabcdefabcdefabcdefa"
		  "bcdefabcdefabcdefabcd.scope", RT_CRIO, "abcdefabcdefabcdefab"
		  "cdefabcdefabcdefabcdefabcdefabcdefabcdefabcd",
		  "11112222-3333-4444-5555-666677778888", "", "kubepods-pod111"
		  "12222_3333_4444_5555_666677778888.slice" },
		{ "/kubepods/burstable/pod01234567-89ab-cdef-0123-456789abcdef/"
		  "fedcba9876543210fedcba9876543210fedcba9876543210fedcba98765"
		  "43210", RT_KUBEPODS, "fedcba9876543210fedcba9876543210fedcba"
		  "9876543210fedcba9876543210", "01234567-89ab-cdef-0123-"
		  "456789abcdef", "", "" },
		{ "/machine.slice/libpod-0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a"
		  "1b2c3d4e5f0a1b2c3d4e5f0a1b.scope/container", RT_PODMAN,
		  "0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f0a1b2c3d4e5f"
		  "0a1b", "", "", "machine.slice" },
		{ "/user.slice/user-1000.slice/user@1000.service/user.slice/"
		  "libpod-99990000aaaabbbb99990000aaaabbbb99990000aaaabbbb999900"
		  "00aaaabbbb.scope", RT_PODMAN, "99990000aaaabbbb99990000aaaab"
		  "bbb99990000aaaabbbb99990000aaaabbbb", "", "user@1000.service",
		  "user.slice" },
		{ "/system.slice/nginx.service", RT_NONE, "", "",
		  "nginx.service", "system.slice" },
		{ "/lxc.payload.web1", RT_LXC, "web1", "", "", "" },
		{ "/", RT_NONE, "", "", "", "" },
	};
	struct ctx_cgroup cg;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		(void)vg_ctx_cgroup_parse(t[i].path, strlen(t[i].path), &cg);
		ck_assert_msg(cg.runtime == t[i].rt, "%s: runtime %d",
		    t[i].path, cg.runtime);
		ck_assert_str_eq(cg.id, t[i].id);
		ck_assert_str_eq(cg.pod, t[i].pod);
		ck_assert_str_eq(cg.unit, t[i].unit);
		ck_assert_str_eq(cg.slice, t[i].slice);
	}
	/* a v1 file: the line naming a container wins over name=systemd */
	{
		static const char f[] = "12:pids:/docker/0123456789ab\n"
		    "1:name=systemd:/system.slice/docker.service\n";

		ck_assert(vg_ctx_cgroup_file(f, sizeof(f) - 1, &cg));
		ck_assert_str_eq(cg.id, "0123456789ab");
	}
}
END_TEST

/* Events without SYSCALL (USER_*) name their process by pid=. */
START_TEST(test_user_record)
{
	struct vg_ctx *c = new_ctx(NULL, 64, NULL, 0);
	json_object *j;

	tree(c);
	j = feed1(c, "type=USER_ACCT msg=audit(1700000001.000:20): pid=102 "
	    "uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:accounting "
	    "acct=\"root\" exe=\"/usr/bin/curl\" hostname=? addr=? "
	    "terminal=? res=success'");
	ck_assert_int_eq(geti(j, "context.process.pid"), 102);
	ck_assert_str_eq(gets_(j, "context.names.uid"), "root");
	ck_assert_ptr_null(get(j, "context.names.auid"));	/* unset */
	json_object_put(j);
	/* no pid, no ids: no context member, still the host */
	j = feed1(c, "type=DAEMON_START msg=audit(1700000001.000:21): "
	    "op=start ver=3.0.9 format=enriched res=success");
	ck_assert_ptr_null(get(j, "context"));
	ck_assert_str_eq(gets_(j, "host"), "testhost");
	json_object_put(j);
	vg_ctx_free(c);
}
END_TEST

/* The same SYSCALL text again and again (read from the second time on
 * out of the memo of texts read): the same context each time, strings
 * decoded (hex exe) and in the text (comm, key) alike; a text that
 * differs in one id is read as itself. */
#define REPEAT(pid, uid) "type=SYSCALL msg=audit(1700000002.000:30): "	\
	"arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=0 a2=0 a3=0 " \
	"items=0 ppid=1 pid=" pid " auid=0 uid=" uid " gid=0 euid=0 "	\
	"suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 "		\
	"comm=\"curl\" exe=2F7573722F62696E2F6375726C key=\"net\""

START_TEST(test_repeated_text)
{
	static const char *const labels[] = { "net key=net" };
	struct vg_ctx *c = new_ctx(NULL, 64, labels, 1);
	char first[1024] = "";
	json_object *j;
	int i;

	for (i = 0; i < 4; i++) {
		j = feed1(c, REPEAT("300", "0"));
		ck_assert_str_eq(gets_(j, "context.process.exe"),
		    "/usr/bin/curl");
		ck_assert_str_eq(gets_(j, "context.process.comm"), "curl");
		ck_assert_str_eq(gets_(j, "context.labels.0"), "net");
		ck_assert_str_eq(gets_(j, "context.names.euid"), "root");
		if (i == 0)
			snprintf(first, sizeof(first), "%s",
			    json_object_to_json_string(get(j, "context")));
		else
			ck_assert_str_eq(json_object_to_json_string(get(j,
			    "context")), first);
		json_object_put(j);
	}
	for (i = 0; i < 3; i++) {
		j = feed1(c, REPEAT("301", "4242"));
		ck_assert_int_eq(geti(j, "context.process.pid"), 301);
		ck_assert_ptr_null(get(j, "context.names.uid"));
		ck_assert_str_eq(gets_(j, "context.names.euid"), "root");
		json_object_put(j);
	}
	vg_ctx_free(c);
}
END_TEST

/* A clone by bash 400, then an event of the child it made. */
#define CLONE(serial, exit, key)					\
	SYS(serial, "56", exit, "1200011", "1", "400", "bash", "/bin/bash", key)
#define CHILD(serial, pid)						\
	SYS(serial, "42", "0", "3", "400", pid, "bash", "/bin/bash", "(null)")

static void
child_spawned_by(struct vg_ctx *c, const char *line, int64_t serial)
{
	json_object *j = feed1(c, line);

	if (serial == 0)
		ck_assert_ptr_null(get(j, "context.process.spawned_by"));
	else
		ck_assert_int_eq(geti(j, "context.process.spawned_by"),
		    serial);
	json_object_put(j);
}

/* Records of one process share their tail (ids, names, key) while the
 * head (exit, pointers) changes: read once from the memo of tails, the
 * head in place, each call's own values (the child a clone made). */
START_TEST(test_head_and_tail)
{
	static const char *const clones[] = {
		CLONE("50", "401", "(null)"), CLONE("51", "402", "(null)"),
		CLONE("52", "403", "(null)"), CLONE("53", "404", "(null)"),
		CLONE("54", "405", "(null)"), CLONE("55", "406", "(null)"),
	};
	static const char *const children[] = {
		CHILD("60", "401"), CHILD("61", "402"), CHILD("62", "403"),
		CHILD("63", "404"), CHILD("64", "405"), CHILD("65", "406"),
	};
	struct vg_ctx *c = new_ctx(NULL, 64, NULL, 0);
	size_t i;

	for (i = 0; i < 6; i++)
		json_object_put(feed1(c, clones[i]));
	/* the tail read at its first two sightings (kept at the second),
	 * then given by the memo */
	ck_assert_uint_eq(vg_ctx_stats(c)->sysrec_reads, 2);
	for (i = 0; i < 6; i++)
		child_spawned_by(c, children[i], 50 + (int64_t)i);
	vg_ctx_free(c);
}
END_TEST

/* What is not a kernel's head is read whole, as the tokenizer reads it:
 * a tail that names exit again (the last exit counts), a head with two
 * spaces. */
START_TEST(test_odd_heads)
{
	static const char *const again =
	    CLONE("70", "501", "(null) exit=777");
	static const char *const spaces =
	    "type=SYSCALL msg=audit(1700000000.100:71): arch=c000003e  "
	    "syscall=56 success=yes exit=502 a0=1200011 a1=0 a2=0 a3=0 "
	    "items=0 ppid=1 pid=400 auid=0 uid=0 gid=0 euid=0 suid=0 "
	    "fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"bash\" "
	    "exe=\"/bin/bash\" key=(null)";
	struct vg_ctx *c = new_ctx(NULL, 64, NULL, 0);
	int i;

	for (i = 0; i < 3; i++) {
		json_object_put(feed1(c, again));
		json_object_put(feed1(c, spaces));
	}
	child_spawned_by(c, CHILD("80", "777"), 70);
	child_spawned_by(c, CHILD("81", "501"), 0);
	child_spawned_by(c, CHILD("82", "502"), 71);
	vg_ctx_free(c);
}
END_TEST

/* A clone that says it made its own pid (no kernel writes that; a
 * replayed or forwarded log may): nothing changes, the parent's entry
 * stays (it was freed and used: fuzz_context found it under ASan). */
START_TEST(test_own_child)
{
	static const char *const labels[] = { "forky key=fork" };
	struct vg_ctx *c = new_ctx(NULL, 64, labels, 1);
	json_object *j;

	json_object_put(feed1(c, CHILD("94", "400")));
	j = feed1(c, CLONE("95", "400", "\"fork\""));
	ck_assert_int_eq(geti(j, "context.process.pid"), 400);
	ck_assert_str_eq(gets_(j, "context.process.exe"), "/bin/bash");
	ck_assert_str_eq(gets_(j, "context.labels.0"), "forky");
	ck_assert_ptr_null(get(j, "context.process.spawned_by"));
	json_object_put(j);
	vg_ctx_free(c);
}
END_TEST

/* The context text of an entry is pasted while nothing in the table
 * changed; a change of a parent (an execve) shows in the next event. */
START_TEST(test_cached_text_follows_table)
{
	static const char *const exec[] = {
		SYS("91", "59", "0", "0", "1", "400", "python3",
		    "/usr/bin/python3", "(null)"),
		"type=EXECVE msg=audit(1700000000.100:91): argc=1 "
		"a0=\"python3\"",
	};
	struct vg_ctx *c = new_ctx(NULL, 64, NULL, 0);
	json_object *j;
	int i;

	json_object_put(feed1(c, CLONE("90", "401", "(null)")));
	for (i = 0; i < 3; i++) {
		j = feed1(c, CHILD("92", "401"));
		ck_assert_str_eq(gets_(j, "context.parents.0.exe"),
		    "/bin/bash");
		json_object_put(j);
	}
	ck_assert_uint_ge(vg_ctx_stats(c)->cached, 2);
	json_object_put(feed(c, exec, 2));
	j = feed1(c, CHILD("93", "401"));
	ck_assert_str_eq(gets_(j, "context.parents.0.exe"),
	    "/usr/bin/python3");
	json_object_put(j);
	vg_ctx_free(c);
}
END_TEST

/* clone3's flags are not in its record: a thread it made (glibc's
 * pthread_create) is no entry. No /proc read tells: the child's entry
 * waits for its own first event, which a thread never has (its records
 * name its process), and is made then from the clone3 (its start and
 * spawned_by) and the parent (what it inherits). */
#define AT(t, serial, nr, exit, ppid, pid)				\
	"type=SYSCALL msg=audit(17000000" t ":" serial "): arch=c000003e " \
	"syscall=" nr " success=yes exit=" exit " a0=0 a1=0 a2=0 a3=0 "	\
	"items=0 ppid=" ppid " pid=" pid " auid=0 uid=0 gid=0 euid=0 "	\
	"suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"app\" " \
	"exe=\"/usr/bin/app\" key=(null)"
static void
put1(struct vg_ctx *c, const char *line)
{
	json_object_put(feed1(c, line));
}

START_TEST(test_clone3_thread)
{
	static const char *const labels[] = { "forky key=fork" };
	char *root = fake_root(), dir[512], st[64];
	struct vg_ctx *c;
	uint64_t reads;
	json_object *j;
	int i;

	/* live: /proc has both children; neither is read */
	fake_proc(root, 800, 1, 50, "app", "app\0", 4, "0::/\n");
	for (i = 801; i <= 802; i++) {
		fake_proc(root, i, 800, 60, "other", "other\0", 6, "0::/\n");
		snprintf(dir, sizeof(dir), "%s/%d", root, i);
		snprintf(st, sizeof(st), "Name:\tapp\nTgid:\t%d\nPid:\t%d\n",
		    i == 801 ? 800 : i, i);
		fake_write(dir, "status", st, strlen(st));
	}
	c = new_ctx(root, 64, NULL, 0);
	put1(c, AT("00.100", "1", "435", "801", "1", "800"));
	put1(c, AT("00.200", "2", "435", "802", "1", "800"));
	reads = vg_ctx_stats(c)->proc_reads;
	ck_assert_ptr_null(vg_ctx_lookup(c, 801));
	ck_assert_ptr_null(vg_ctx_lookup(c, 802));
	j = feed1(c, AT("01.000", "3", "42", "0", "800", "802"));
	ck_assert_uint_eq(vg_ctx_stats(c)->proc_reads, reads);
	ck_assert_int_eq(geti(j, "context.process.spawned_by"), 2);
	ck_assert_str_eq(gets_(j, "context.process.start"),
	    "2023-11-14T22:13:20.200Z");
	ck_assert_str_eq(gets_(j, "context.process.argv.0"), "app");
	ck_assert_int_eq(geti(j, "context.parents.0.pid"), 800);
	json_object_put(j);
	/* a thread's clone3 is never taken; a hundred of them push no
	 * process out */
	for (i = 0; i < 100; i++)
		put1(c, AT("02.000", "4", "435", "801", "1", "800"));
	ck_assert_ptr_null(vg_ctx_lookup(c, 801));
	ck_assert_ptr_nonnull(vg_ctx_lookup(c, 802));
	ck_assert_ptr_nonnull(vg_ctx_lookup(c, 800));
	vg_ctx_free(c);
	rm_rf(root);
	free(root);

	/* no /proc (a replay): the same, with the parent's labels */
	c = new_ctx(NULL, 64, labels, 1);
	json_object_put(feed1(c, SYS("3", "435", "803", "0", "1", "400",
	    "bash", "/bin/bash", "\"fork\"")));
	ck_assert_ptr_null(vg_ctx_lookup(c, 803));
	j = feed1(c, CHILD("4", "803"));
	ck_assert_int_eq(geti(j, "context.parents.0.pid"), 400);
	ck_assert_str_eq(gets_(j, "context.labels.0"), "forky");
	ck_assert_int_eq(geti(j, "context.process.spawned_by"), 3);
	ck_assert_str_eq(gets_(j, "context.process.start"),
	    "2023-11-14T22:13:20.100Z");
	json_object_put(j);
	/* of two clone3 that gave one pid, the newer (the second one
	 * wraps around to the first slot); an event older than the clone3,
	 * or another parent's, takes none */
	for (i = 0; i < CTX_PENDING - 2; i++)
		put1(c, AT("09.000", "9", "435", "899", "1", "700"));
	put1(c, AT("10.000", "10", "435", "900", "1", "700"));
	put1(c, AT("11.000", "11", "435", "900", "1", "700"));
	put1(c, AT("12.000", "12", "435", "901", "1", "700"));
	j = feed1(c, AT("13.000", "13", "42", "0", "700", "900"));
	ck_assert_int_eq(geti(j, "context.process.spawned_by"), 11);
	json_object_put(j);
	/* taken: pushed out of the table, the pid's next event is not
	 * made from it again */
	for (i = 0; i < 70; i++) {
		snprintf(st, sizeof(st), "%d", 2000 + i);
		snprintf(dir, sizeof(dir), AT("13.500", "20", "42", "0", "1",
		    "%s"), st);
		json_object_put(feed1(c, dir));
	}
	ck_assert_ptr_null(vg_ctx_lookup(c, 900));
	put1(c, AT("13.600", "21", "42", "0", "1", "700"));
	put1(c, AT("13.600", "21", "42", "0", "1", "701"));
	j = feed1(c, AT("13.700", "22", "42", "0", "700", "900"));
	ck_assert_ptr_null(get(j, "context.process.spawned_by"));
	json_object_put(j);
	j = feed1(c, AT("05.000", "14", "42", "0", "700", "901"));
	ck_assert_ptr_null(get(j, "context.process.spawned_by"));
	json_object_put(j);
	put1(c, AT("15.000", "15", "435", "902", "1", "700"));
	j = feed1(c, AT("16.000", "16", "42", "0", "701", "902"));
	ck_assert_ptr_null(get(j, "context.process.spawned_by"));
	json_object_put(j);
	/* the parent's pid is another process's since its clone3 */
	put1(c, AT("20.000", "30", "56", "710", "1", "400"));
	put1(c, AT("21.000", "31", "435", "910", "400", "710"));
	put1(c, AT("22.000", "32", "56", "710", "1", "400"));
	j = feed1(c, AT("23.000", "33", "42", "0", "710", "910"));
	ck_assert_ptr_null(get(j, "context.process.spawned_by"));
	json_object_put(j);
	vg_ctx_free(c);
}
END_TEST

/*
 * NSS as on a host with very large groups, for ctx_names.c: this
 * getgrgid_r, defined in the test program, is the one its calls bind to.
 * BIG_GID needs a buffer of 64 KB (thousands of members), HUGE_GID more
 * than any (ERANGE always, calls counted); other gids go to the C
 * library's.
 */
#define BIG_GID		4200001
#define HUGE_GID	4200002
static unsigned huge_calls;

int
getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t len,
    struct group **res)
{
	static int (*libc)(gid_t, struct group *, char *, size_t,
	    struct group **);

	if (gid != BIG_GID && gid != HUGE_GID) {
		if (libc == NULL)
			*(void **)&libc = dlsym(RTLD_NEXT, "getgrgid_r");
		return libc(gid, gr, buf, len, res);
	}
	*res = NULL;
	if (gid == HUGE_GID)
		huge_calls++;
	if (gid == HUGE_GID || len < 65536)
		return ERANGE;
	memset(gr, 0, sizeof(*gr));
	gr->gr_gid = gid;
	gr->gr_mem = (char **)(void *)buf;	/* no members: NULL */
	gr->gr_mem[0] = NULL;
	gr->gr_name = buf + sizeof(char *);
	snprintf(gr->gr_name, 16, "biggroup");
	gr->gr_passwd = gr->gr_name + 8;
	*res = gr;
	return 0;
}

/* A group whose entry does not fit 4 KB has its name (NSS asked again
 * with a larger buffer); one that fits no buffer up to 1 MiB has none,
 * and NSS was asked a bounded number of times. */
START_TEST(test_big_group)
{
	struct ctx_names *n = calloc(1, sizeof(*n));

	ck_assert_ptr_nonnull(n);
	ctx_names_init(n, NULL, NULL);
	ck_assert_ptr_nonnull(ctx_name(n, BIG_GID, 1));
	ck_assert_str_eq(ctx_name(n, BIG_GID, 1), "biggroup");
	ck_assert_ptr_null(ctx_name(n, HUGE_GID, 1));
	ck_assert_uint_ge(huge_calls, 2);
	ck_assert_uint_le(huge_calls, 12);
	free(n);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("context");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_ancestry);
	tcase_add_test(tc, test_previous);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_pid_reuse);
	tcase_add_test(tc, test_stranger_parent);
	tcase_add_test(tc, test_lru_bound);
	tcase_add_test(tc, test_state_file);
	tcase_add_test(tc, test_state_bad_lines);
	tcase_add_test(tc, test_state_not_table);
	tcase_add_test(tc, test_state_label_names);
	tcase_add_test(tc, test_state_gone);
	tcase_add_test(tc, test_labels);
	tcase_add_test(tc, test_labels_stream);
	tcase_add_test(tc, test_script);
	tcase_add_test(tc, test_cgroup);
	tcase_add_test(tc, test_user_record);
	tcase_add_test(tc, test_repeated_text);
	tcase_add_test(tc, test_head_and_tail);
	tcase_add_test(tc, test_odd_heads);
	tcase_add_test(tc, test_cached_text_follows_table);
	tcase_add_test(tc, test_own_child);
	tcase_add_test(tc, test_chain_fills_table);
	tcase_add_test(tc, test_forked_child_reparented);
	tcase_add_test(tc, test_cut_stat);
	tcase_add_test(tc, test_big_group);
	tcase_add_test(tc, test_clone3_thread);
	tcase_add_test(tc, test_long_proc_argv);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
