/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_lua_view.c: Lua filters on the lazy view of an event (view.c,
 * vg_layout_member): what a filter sees through the view is what it saw
 * in the tree, on every corpus event; a filter that passes an event
 * unchanged leaves it to the JSON sink (pipeline counter json_direct) and
 * the output is byte for byte the output without a filter; an event a
 * filter changes goes through the tree; reading one member lays out one
 * part of the document, no tree.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/decode.h"
#include "vigil/filter_lua.h"
#include "vigil/group.h"
#include "vigil/json.h"
#include "vigil/output.h"
#include "vigil/pipeline.h"
#include "vigil/record.h"
#include "vigil/view.h"

static char	 tmpdir[] = "/tmp/check_lua_view.XXXXXX";
static int	 nfile;

static const char *
write_lua(const char *src)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/f%d.lua", tmpdir, nfile++);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_int_eq(fputs(src, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

static struct vg_filter *
open_src(const char *src)
{
	struct vg_err err;
	struct vg_filter *f = vg_filter_lua_open(write_lua(src), NULL, &err);

	if (f == NULL)
		ck_abort_msg("load: %s:%u: %s", err.file, err.line, err.msg);
	return f;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *text;
	long n;

	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	ck_assert_int_ge(n = ftell(f), 0);
	rewind(f);
	ck_assert_ptr_nonnull(text = malloc((size_t)n + 1));
	*len = fread(text, 1, (size_t)n, f);
	text[*len] = '\0';
	fclose(f);
	return text;
}

/* Feeds text lines (one record each) to fn. */
static void
lines(const char *text, size_t len, void (*fn)(void *, struct vg_record *),
    void *arg)
{
	const char *p = text, *end = text + len, *nl;
	struct vg_record r;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (vg_parse_line(p, (size_t)(nl - p), &r) == 0)
			fn(arg, &r);
		p = nl + 1;
	}
}

/* ---- the pipeline: direct path, output unchanged ---- */

struct piperun {
	char		*out;		/* the JSON written */
	size_t		 len;
	struct vg_counters c;
	uint64_t	 passed, dropped, errors;
};

static void
to_pipe(void *arg, struct vg_record *r)
{
	vg_pipeline_record(arg, r, r->sec * 1000 + r->msec);
}

/* Replays log through a pipeline with the filter src (NULL: none) to a
 * json: output; with the output's own lua= filter olua (NULL: none),
 * which makes the pipeline build every event's tree. */
static void
pipe_run_o(const char *log, const char *src, const char *olua,
    struct piperun *pr)
{
	struct vg_pipeline *pl;
	struct vg_output *o;
	struct vg_filter *f = NULL;
	char spec[1200], path[512];
	char *text;
	size_t len;

	memset(pr, 0, sizeof(*pr));
	snprintf(path, sizeof(path), "%s/out%d.json", tmpdir, nfile++);
	if (olua != NULL)
		snprintf(spec, sizeof(spec), "json:%s?lua=%s", path,
		    write_lua(olua));
	else
		snprintf(spec, sizeof(spec), "json:%s", path);
	ck_assert_ptr_nonnull(pl = vg_pipeline_new(NULL));
	ck_assert_ptr_nonnull(o = vg_output_open(spec));
	vg_pipeline_add_output(pl, o);
	if (src != NULL) {
		f = open_src(src);
		vg_pipeline_add_filter(pl, f);
	}
	text = slurp(log, &len);
	lines(text, len, to_pipe, pl);
	free(text);
	vg_pipeline_flush(pl);
	pr->c = *vg_pipeline_counters(pl);
	if (f != NULL) {
		pr->passed = f->passed;
		pr->dropped = f->dropped;
		pr->errors = f->errors;
	}
	(void)vg_pipeline_close_outputs(pl);
	vg_pipeline_free(pl);
	pr->out = slurp(path, &pr->len);
	unlink(path);
}

static void
pipe_run(const char *log, const char *src, struct piperun *pr)
{
	pipe_run_o(log, src, NULL, pr);
}

static const char *const logs[] = {
	VG_CORPUS "/logs/spade/sessions/audit_wget_unit_no_sshd_io.log",
	VG_CORPUS "/logs/selinux/sepolgen-audit.log",
	VG_CORPUS "/logs/spade/sessions/audit_with_sshd_vim.log",
};
#define NLOGS	(sizeof(logs) / sizeof(logs[0]))

/* Filters that pass every event unchanged, in the ways there are. */
static const char *const passing[] = {
	"function filter(e) return 0 end",
	"function filter(e) return true end",
	"function filter(e) end",
	"function filter(e) local s = e.syscall\n"
	"  if s ~= nil and s.exe == '/nonexistent' then return 1 end\n"
	"  return 0 end",
	"function filter(e) local n = e.serial + #e.keys\n"
	"  local t = e.time .. tostring(e.node) .. tostring(e.vigil)\n"
	"  local p = e.paths; if p ~= nil and p[1] ~= nil then\n"
	"    n = n + (p[1].item or 0) end\n"
	"  local c = e.cwd; local x = e.execve; local q = e.proctitle\n"
	"  local a = e.sockaddr; local u = e.user_acct; local z = e.nope\n"
	"  return 0 end",
	/* the event returned as it came: members read, no table filled */
	"function filter(e) local s = e.syscall\n"
	"  local x = s and s.exe; local t = e.time; local c = e.cwd\n"
	"  return e end",
	/* the whole tree built (pairs), nothing changed or returned */
	"function filter(e) local n = 0\n"
	"  for k, v in pairs(e) do n = n + 1 end\n"
	"  if n == 0 then return 1 end end",
	/* changed in place but not returned: the event is as it came */
	("function filter(e) e.site = 'x'; if e.syscall then\n"
	"  e.syscall.exe = 'y' end end"),
};

START_TEST(unchanged_is_written_direct)
{
	struct piperun base, pr;
	size_t i, j;

	for (i = 0; i < NLOGS; i++) {
		pipe_run(logs[i], NULL, &base);
		ck_assert_uint_gt(base.c.json_direct, 10);
		for (j = 0; j < sizeof(passing) / sizeof(passing[0]); j++) {
			pipe_run(logs[i], passing[j], &pr);
			ck_assert_msg(pr.errors == 0, "filter %zu: %llu "
			    "errors", j, (unsigned long long)pr.errors);
			ck_assert_uint_eq(pr.dropped, 0);
			ck_assert_uint_eq(pr.passed, base.c.json_direct);
			/* the JSON sink wrote every event */
			ck_assert_msg(pr.c.json_direct == base.c.json_direct,
			    "%s, filter %zu: %llu of %llu direct", logs[i], j,
			    (unsigned long long)pr.c.json_direct,
			    (unsigned long long)base.c.json_direct);
			ck_assert_msg(pr.len == base.len &&
			    memcmp(pr.out, base.out, base.len) == 0,
			    "%s, filter %zu: output differs", logs[i], j);
			ck_assert_uint_eq(pr.c.parse_errors,
			    base.c.parse_errors);
			ck_assert_uint_eq(pr.c.fields_dropped,
			    base.c.fields_dropped);
			free(pr.out);
		}
		free(base.out);
	}
}
END_TEST

/* Filters that change members of record objects and return the event:
 * the pipeline writes the JSON line with those members replaced. */
static const char *const patching[] = {
	"function filter(e) local s = e.syscall\n"
	"  if s then s.exe = 'x' end return e end",
	"function filter(e) local s = e.syscall\n"
	"  if s then s.exe = nil; s.more = {a = 1, b = {2, 3}} end\n"
	"  return e end",
	"function filter(e) local p = e.paths\n"
	"  if p and p[1] then p[1].name = 'redacted\\n\"' end return e end",
	"function filter(e) local x = e.execve; local q = e.proctitle\n"
	"  if x then x.argv = {'a'} end\n"
	"  if q and q.argv then q.argv[1] = 'z' end return e end",
	"function filter(e) local u = e.user_acct or e.cred_acq or e.avc\n"
	"  local s = e.syscall; local k = s and s.exe; local c = e.cwd\n"
	"  if u then u.acct = 'x' end return e end",
	/* reads under one, writes under another */
	"function filter(e) local a = e.sockaddr; local s = e.syscall\n"
	"  local t = a and a.family; if s then s.items = 99 end\n"
	"  return e end",
	/* members written alone: set in the line's object, new ones
	 * last, sorted by name; a name the writer escapes: the whole
	 * object */
	"function filter(e) local s = e.syscall\n"
	"  if s then s.zeta = 1; s.alpha = 'a\\\"b'; s.new1 = 5\n"
	"  s.new1 = nil; s.comm = {x = 1, y = {1, 2}}; s.pid = 3.5 end\n"
	"  local x = e.execve; if x then x.argc = nil end return e end",
	"function filter(e) local s = e.syscall\n"
	"  if s then s['k\"q'] = 1; s.exe = 'x'; s.a0 = nil end\n"
	"  return e end",
	/* not record members only: the tree (equal all the same) */
	"function filter(e) local s = e.syscall\n"
	"  if s then s.exe = 'x' end e.site = 1 return e end",
	"function filter(e) local k = e.keys\n"
	"  if k then k[1] = 'k' end return e end",
};

/* The line with record members patched is byte for byte the line the
 * tree of the same result gives (an output with its own filter makes
 * the pipeline build trees); the patched ones went without a tree. */
START_TEST(patched_line_equals_the_tree)
{
	struct piperun pa, tr;
	unsigned i, l, patched = 0;

	for (i = 0; i < sizeof(patching) / sizeof(patching[0]); i++)
		for (l = 0; l < NLOGS; l++) {
			pipe_run_o(logs[l], patching[i], NULL, &pa);
			pipe_run_o(logs[l], patching[i],
			    "function filter(e) return 0 end", &tr);
			ck_assert_uint_eq(pa.errors, 0);
			ck_assert_uint_eq(tr.errors, 0);
			ck_assert_uint_eq(tr.c.json_direct, 0);
			ck_assert_msg(pa.len == tr.len &&
			    memcmp(pa.out, tr.out, pa.len) == 0,
			    "filter %u log %u: %zu bytes patched, %zu from "
			    "the tree", i, l, pa.len, tr.len);
			if (i == 0 && l == 0)
				ck_assert_uint_gt(pa.c.json_direct, 10);
			patched += pa.c.json_direct > 0;
			free(pa.out);
			free(tr.out);
		}
	ck_assert_uint_ge(patched, 8);
}
END_TEST

/* A member written alone is converted at the depth the whole object
 * converts it (VG_LCONV_MAXDEPTH): 63 tables under syscall.deep are one
 * too many either way, 62 are not. */
START_TEST(patched_depth_as_the_tree)
{
	static const char *const deep[] = {
		"function filter(e) local s = e.syscall; local t = 1\n"
		"  for i = 1, 63 do t = {t} end\n"
		"  if s then s.deep = t end return e end",
		"function filter(e) local s = e.syscall; local t = 1\n"
		"  for i = 1, 62 do t = {t} end\n"
		"  if s then s.deep = t end return e end",
	};
	struct piperun pa, tr;
	unsigned i;

	for (i = 0; i < 2; i++) {
		pipe_run_o(logs[0], deep[i], NULL, &pa);
		pipe_run_o(logs[0], deep[i], "function filter(e) return 0 end",
		    &tr);
		ck_assert_uint_eq(pa.errors, tr.errors);
		if (i == 0)
			ck_assert_uint_gt(pa.errors, 0);
		else
			ck_assert_uint_eq(pa.errors, 0);
		ck_assert(pa.len == tr.len && memcmp(pa.out, tr.out,
		    pa.len) == 0);
		free(pa.out);
		free(tr.out);
	}
}
END_TEST

/*
 * Writes that leave a record object lazy (its other members not filled)
 * give what the same writes give after pairs() filled it: the same reads
 * in the filter (a member removed stays removed, also after it was set
 * and removed again) and the same line.
 */
static const char write_body[] =
    "  local s = e.syscall\n"
    "  if s == nil then return e end\n"
    "  s.exe = 'x'; s.comm = nil\n"
    "  if s.exe ~= 'x' or s.comm ~= nil then error('read 1') end\n"
    "  s.comm = 'c'; if s.comm ~= 'c' then error('read 2') end\n"
    "  s.comm = nil; if s.comm ~= nil then error('read 3') end\n"
    "  s.zz = {1, 2}; s.aa = 'new'; s.a0 = nil; s.a0 = 7\n"
    "  if s.zz[2] ~= 2 or s.a0 ~= 7 then error('read 4') end\n"
    "  local n = 0\n"
    "  if e.serial % 2 == 0 then\n"
    "    for k, v in pairs(s) do n = n + 1\n"
    "      if k == 'comm' then error('pairs') end end\n"
    "    if n == 0 or rawget(s, 'exe') ~= 'x' then error('filled') end\n"
    "    s.after = true\n"
    "  end\n"
    "  return e end";

START_TEST(lazy_writes_equal_filled_writes)
{
	struct piperun lz, fl;
	char a[2048], b[2048];
	unsigned l;

	snprintf(a, sizeof(a), "function filter(e)\n%s", write_body);
	snprintf(b, sizeof(b), "function filter(e)\n"
	    "  if e.syscall then for _ in pairs(e.syscall) do end end\n%s",
	    write_body);
	for (l = 0; l < NLOGS; l++) {
		pipe_run(logs[l], a, &lz);
		pipe_run(logs[l], b, &fl);
		ck_assert_msg(lz.errors == 0 && fl.errors == 0,
		    "log %u: errors %llu %llu", l,
		    (unsigned long long)lz.errors,
		    (unsigned long long)fl.errors);
		ck_assert_msg(lz.len == fl.len &&
		    memcmp(lz.out, fl.out, lz.len) == 0,
		    "log %u: %zu bytes lazy, %zu filled", l, lz.len, fl.len);
		ck_assert_ptr_nonnull(strstr(lz.out, "\"aa\":\"new\""));
		free(lz.out);
		free(fl.out);
	}
}
END_TEST

START_TEST(changed_goes_through_the_tree)
{
	struct piperun base, pr;
	const char *p, *q, *end;
	size_t n = 0;

	pipe_run(logs[0], NULL, &base);
	pipe_run(logs[0], "function filter(e) e.site = 'eu-1' return e end",
	    &pr);
	ck_assert_uint_eq(pr.errors, 0);
	ck_assert_uint_eq(pr.c.json_direct, 0);
	/* each line: the line without a filter, "site" last */
	p = base.out;
	q = pr.out;
	end = base.out + base.len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = (size_t)(nl - p);

		ck_assert_ptr_nonnull(nl);
		ck_assert_int_eq(memcmp(q, p, l - 1), 0);
		ck_assert_int_eq(memcmp(q + l - 1, ",\"site\":\"eu-1\"}\n", 16),
		    0);
		p = nl + 1;
		q += l + 15;
		n++;
	}
	ck_assert_ptr_eq(q, pr.out + pr.len);
	ck_assert_uint_eq(n, base.c.json_direct);
	ck_assert_uint_eq(pr.c.parse_errors, base.c.parse_errors);
	free(pr.out);

	/* a new table: written from it; counts as without a filter */
	pipe_run(logs[0], "function filter(e) return {n = 1} end", &pr);
	ck_assert_uint_eq(pr.c.json_direct, 0);
	ck_assert_uint_eq(pr.c.parse_errors, base.c.parse_errors);
	ck_assert_uint_eq(pr.len, 8 * base.c.json_direct);
	free(pr.out);
	free(base.out);
}
END_TEST

START_TEST(drops_and_passes_by_exe)
{
	struct piperun base, pr;
	char *p, *end, *nl;
	size_t kept = 0;

	pipe_run(logs[0], NULL, &base);
	pipe_run(logs[0], "function filter(e) local s = e.syscall\n"
	    "  if s ~= nil and s.exe == '/bin/bash' then return 1 end\n"
	    "end", &pr);
	ck_assert_uint_gt(pr.dropped, 0);
	ck_assert_uint_eq(pr.passed + pr.dropped, base.c.json_direct);
	ck_assert_uint_eq(pr.c.json_direct, pr.passed);
	/* the kept lines are the lines without a filter, in order */
	for (p = pr.out, end = pr.out + pr.len; p < end; p = nl + 1) {
		ck_assert_ptr_nonnull(nl = memchr(p, '\n', (size_t)(end - p)));
		*nl = '\0';
		ck_assert_ptr_nonnull(strstr(base.out, p));
		ck_assert_ptr_null(strstr(p, "\"exe\":\"/bin/bash\""));
		kept++;
	}
	ck_assert_uint_eq(kept, pr.passed);
	free(pr.out);
	free(base.out);
}
END_TEST

/* ---- the view against the tree, every corpus event ---- */

/* Writes what the filter sees of the event into a member "seen" of a new
 * event: the members named first (each laid out alone), then every
 * member through pairs (the whole tree), sorted. */
static const char seer[] =
    "local function dump(v, out)\n"
    "  local t = type(v)\n"
    "  if t ~= 'table' then out[#out + 1] = t .. ':' .. tostring(v)\n"
    "    if math.type(v) then out[#out + 1] = math.type(v) end return end\n"
    "  local ks = {}\n"
    "  for k in pairs(v) do ks[#ks + 1] = tostring(k) end\n"
    "  table.sort(ks)\n"
    "  out[#out + 1] = '{' .. tostring(getmetatable(v)) .. #v\n"
    "  for _, k in ipairs(ks) do out[#out + 1] = k\n"
    "    dump(v[k] ~= nil and v[k] or v[tonumber(k)], out) end\n"
    "  out[#out + 1] = '}'\n"
    "end\n"
    "local names = { 'vigil', 'sockaddr', 'paths', 'cwd_record', 'cwd',\n"
    "  'proctitle', 'execve', 'syscall', 'keys', 'node', 'time',\n"
    "  'serial', 'user_acct', 'avc', 'nope' }\n"
    "function filter(e)\n"
    "  local out = {}\n"
    "  for _, n in ipairs(names) do\n"
    "    local v = e[n]\n"
    "    out[#out + 1] = n .. '=' .. type(v)\n"
    "    if type(v) == 'table' and getmetatable(v) ~= 'vigil.array' then\n"
    "      out[#out + 1] = tostring(v.exe) .. tostring(v.name) .. \n"
    "        tostring(v.family) end\n"
    "    if type(v) ~= 'table' then out[#out + 1] = tostring(v) end\n"
    "  end\n"
    "  local sc = e.syscall\n"
    "  out[#out + 1] = tostring(sc == e.syscall)\n"
    "  dump(e, out)\n"
    "  out[#out + 1] = tostring(sc == e.syscall)\n"
    "  return { seen = table.concat(out, ' ') }\n"
    "end\n";

struct vrun {
	struct vg_filter	*f;
	struct vg_layout	*L;
	struct vg_buf		 a, b;
	unsigned long		 events, failed;
	const char		*where;
};

static void
view_event(struct vg_event *ev, void *arg)
{
	struct vrun *vr = arg;
	struct vg_node *doc, *vdoc = NULL;
	struct vg_view v;

	ev->arena.limit = 0;
	ck_assert_ptr_nonnull(doc = vg_decode_event(ev, NULL));
	ck_assert_int_eq(vr->f->ops->run(vr->f, ev, &doc), VG_PASS);
	vg_buf_reset(&vr->a);
	vg_json_write(doc, &vr->a);
	vg_view_init(&v, vr->L, ev);
	ev->view = &v;
	ck_assert_int_eq(vr->f->ops->run(vr->f, ev, &vdoc), VG_PASS);
	ev->view = NULL;
	ck_assert_ptr_nonnull(vdoc);
	vg_buf_reset(&vr->b);
	vg_json_write(vdoc, &vr->b);
	vr->events++;
	if (vr->a.len != vr->b.len ||
	    memcmp(vr->a.data, vr->b.data, vr->a.len) != 0) {
		vr->failed++;
		fprintf(stderr, "%s: differs\n tree: %.*s view: %.*s",
		    vr->where, (int)vr->a.len, vr->a.data, (int)vr->b.len,
		    vr->b.data);
	}
}

static struct vrun vr;

static void
to_group(void *arg, struct vg_record *r)
{
	(void)vg_group_add(arg, r, r->sec * 1000 + r->msec);
}

static int
one_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct vg_group *g;
	char *text;
	size_t n;

	(void)ftw;
	if (flag != FTW_F || st->st_size > 64L * 1024 * 1024)
		return 0;
	text = slurp(path, &n);
	ck_assert_ptr_nonnull(g = vg_group_new(NULL, view_event, &vr));
	vr.where = path;
	lines(text, n, to_group, g);
	vg_group_flush(g);
	vg_group_free(g);
	free(text);
	return 0;
}

START_TEST(view_sees_the_tree)
{
	memset(&vr, 0, sizeof(vr));
	vr.f = open_src(seer);
	ck_assert_ptr_nonnull(vr.L = vg_layout_new());
	vg_buf_init(&vr.a);
	vg_buf_init(&vr.b);
	ck_assert_int_eq(nftw(VG_CORPUS "/logs", one_file, 16, FTW_PHYS), 0);
	printf("lua_view: %lu corpus events seen alike\n", vr.events);
	ck_assert_uint_gt(vr.events, 5000);
	ck_assert_uint_eq(vr.failed, 0);
	ck_assert_uint_eq(vr.f->errors, 0);
	vr.f->ops->close(vr.f);
	vg_layout_free(vr.L);
	vg_buf_free(&vr.a);
	vg_buf_free(&vr.b);
}
END_TEST

/* ---- what a read costs ---- */

static const char one_event[] =
    "type=SYSCALL msg=audit(1700000000.100:11): arch=c000003e syscall=59 "
    "success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=1 ppid=1 "
    "pid=4242 auid=1000 uid=1000 gid=1000 euid=0 suid=0 fsuid=0 egid=0 "
    "sgid=0 fsgid=0 tty=pts0 ses=3 comm=\"id\" exe=\"/usr/bin/id\" "
    "key=\"exec\"\n"
    "type=EXECVE msg=audit(1700000000.100:11): argc=1 a0=\"id\"\n"
    "type=PATH msg=audit(1700000000.100:11): item=0 name=\"/usr/bin/id\" "
    "inode=1 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 "
    "nametype=NORMAL\n"
    "type=PROCTITLE msg=audit(1700000000.100:11): proctitle=6964\n"
    "type=EOE msg=audit(1700000000.100:11): \n";

struct cost {
	struct vg_filter	*f;
	struct vg_layout	*L;
	unsigned long		 lookups;
	unsigned		 fields;
	int			 tree, changed;
	enum vg_verdict		 v;
};

static void
cost_event(struct vg_event *ev, void *arg)
{
	struct cost *c = arg;
	struct vg_node *doc = NULL;
	struct vg_view v;

	vg_view_init(&v, c->L, ev);
	ev->view = &v;
	c->v = c->f->ops->run(c->f, ev, &doc);
	ev->view = NULL;
	c->lookups = v.lookups;
	c->fields = v.fields;
	c->tree = v.tree != NULL;
	c->changed = doc != NULL;
}

static void
cost_of(const char *src, struct cost *c)
{
	struct vg_group *g;

	memset(c, 0, sizeof(*c));
	c->f = open_src(src);
	ck_assert_ptr_nonnull(c->L = vg_layout_new());
	ck_assert_ptr_nonnull(g = vg_group_new(NULL, cost_event, c));
	lines(one_event, sizeof(one_event) - 1, to_group, g);
	vg_group_flush(g);
	vg_group_free(g);
	ck_assert_uint_eq(c->f->errors, 0);
	c->f->ops->close(c->f);
	vg_layout_free(c->L);
}

/* The event was dropped after these part lookups and fields read alone,
 * with no tree. */
static void
dropped_after(const struct cost *c, unsigned long lookups, unsigned fields)
{
	ck_assert_uint_eq(c->lookups, lookups);
	ck_assert_uint_eq(c->fields, fields);
	ck_assert_int_eq(c->tree, 0);
	ck_assert_int_eq(c->v, VG_DROP);
}

START_TEST(a_read_lays_out_its_part)
{
	struct cost c;

	cost_of("function filter(e) return 0 end", &c);
	ck_assert_uint_eq(c.lookups, 0);
	ck_assert_int_eq(c.tree, 0);
	ck_assert_int_eq(c.changed, 0);

	cost_of("function filter(e) if e.syscall.exe == '/usr/bin/id' and\n"
	    "  e.syscall.uid == 1000 and e.syscall.comm == 'id' then\n"
	    "  return 1 end end", &c);
	/* members of the SYSCALL record: each field read alone */
	dropped_after(&c, 0, 3);

	/* syscall's name and nr come from its syscall= field, errno from
	 * exit=: laid out whole; pairs lays it out whole */
	cost_of("function filter(e) local s = e.syscall\n"
	    "  if s.exe ~= '/usr/bin/id' or s.name ~= 'execve' or\n"
	    "  s.nr ~= 59 or s.errno ~= nil or s.exe ~= '/usr/bin/id' then\n"
	    "  error('x') end for k in pairs(s) do end\n"
	    "  if s.key ~= 'exec' then error('k') end return 1 end", &c);
	dropped_after(&c, 1, 1);

	/* the header is one part: keys, serial, time, vigil */
	cost_of("function filter(e) local x = e.keys[1] .. e.serial ..\n"
	    "  e.time .. tostring(e.vigil) .. tostring(e.node)\n"
	    "  if x ~= 'exec11' .. e.time .. 'nilnil' then error(x) end\n"
	    "  return 0 end", &c);
	ck_assert_uint_eq(c.lookups, 1);
	ck_assert_int_eq(c.tree, 0);
	ck_assert_int_eq(c.changed, 0);

	/* a member no event has: no part laid out for it twice */
	cost_of("function filter(e) local x = e.paths[1].name\n"
	    "  if e.paths[1].name ~= x or e.nope ~= nil then error() end\n"
	    "  end", &c);
	ck_assert_uint_le(c.lookups, 2);
	ck_assert_int_eq(c.tree, 0);

	/* a write: the whole tree, and the event changed */
	cost_of("function filter(e) e.syscall.exe = 'x' return e end", &c);
	ck_assert_int_eq(c.tree, 1);
	ck_assert_int_eq(c.changed, 1);

	/* the event returned after a member table was filled: converted */
	cost_of("function filter(e) local n = #e.keys return e end", &c);
	ck_assert_int_eq(c.changed, 1);
}
END_TEST

/* ---- a field read alone from a text seen before (field_memo.h) ---- */

/*
 * SYSCALL text of serial n: text A, or B (b set). B has A's length, its
 * first 128 and its last 32 bytes (what the text hash reads) but exe= 2
 * bytes further on, with another value; tty=(none) takes the lookup past
 * the quick scan.
 */
static void
memo_event(char *buf, size_t size, unsigned n, int b)
{
	snprintf(buf, size,
	    "type=SYSCALL msg=audit(1700000000.100:%u): arch=c000003e "
	    "syscall=41 success=yes exit=5 a0=2 a1=1 a2=0 a3=0 items=0 "
	    "ppid=1 pid=99 auid=4294967295 uid=33 gid=33 euid=33 suid=33 "
	    "fsuid=33 egid=33 sgid=33 fsgid=33 tty=(none) ses=4294967295 "
	    "comm=\"%s\" exe=\"%s\" pad=%s key=\"sock\" "
	    "tail=0123456789012345678901234567890123456789\n"
	    "type=SOCKETCALL msg=audit(1700000000.100:%u): nargs=3 "
	    "a0=2 a1=1 a2=0\n"
	    "type=EOE msg=audit(1700000000.100:%u): \n", n,
	    b ? "nginxaa" : "nginx", b ? "/usr/sbin/nginy" : "/usr/sbin/nginx",
	    b ? "aa" : "aaaa", n, n);
}

struct mrun {
	struct vg_filter	*f;
	struct vg_layout	*L;
	unsigned		 events, alone;
};

static void
memo_ev(struct vg_event *ev, void *arg)
{
	struct mrun *m = arg;
	struct vg_node *doc = NULL;
	struct vg_view v;

	vg_view_init(&v, m->L, ev);
	ev->view = &v;
	ck_assert_int_eq(m->f->ops->run(m->f, ev, &doc), VG_PASS);
	ev->view = NULL;
	ck_assert_int_eq(v.tree != NULL, 0);
	m->events++;
	m->alone += v.fields;
}

START_TEST(a_repeated_text_reads_its_own_value)
{
	/* A three times (kept from the second sighting, found on the
	 * third), B three times (under A's hash), A again */
	static const int b[] = { 0, 0, 0, 1, 1, 1, 0 };
	struct mrun m;
	struct vg_group *g;
	char line[1024];
	unsigned i;

	memset(&m, 0, sizeof(m));
	m.f = open_src("function filter(e)\n"
	    "  local s, b = e.syscall, e.serial >= 3 and e.serial < 6\n"
	    "  local k = e.socketcall\n"	/* the view's record: this one */
	    "  local x, c = s.exe, s.comm\n"
	    "  if k.nargs ~= 3 or k.exe ~= nil then error('nargs') end\n"
	    "  if x ~= (b and '/usr/sbin/nginy' or '/usr/sbin/nginx') or\n"
	    "    c ~= (b and 'nginxaa' or 'nginx') then\n"
	    "    error(tostring(x) .. ' ' .. tostring(c)) end\n"
	    "  if s.uid ~= 33 or s.ses ~= 4294967295 or s.tty ~= '(none)'\n"
	    "  then error('ids') end\n"
	    "  return 0 end");
	ck_assert_ptr_nonnull(m.L = vg_layout_new());
	ck_assert_ptr_nonnull(g = vg_group_new(NULL, memo_ev, &m));
	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		memo_event(line, sizeof(line), i, b[i]);
		lines(line, strlen(line), to_group, g);
	}
	vg_group_flush(g);
	vg_group_free(g);
	ck_assert_uint_eq(m.events, 7);
	ck_assert_str_eq(vg_filter_lua_error(m.f) != NULL ?
	    vg_filter_lua_error(m.f) : "", "");
	ck_assert_uint_eq(m.f->errors, 0);
	ck_assert_uint_eq(m.alone, 7 * 7);	/* all read alone */
	m.f->ops->close(m.f);
	vg_layout_free(m.L);
}
END_TEST

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
teardown(void)
{
	(void)nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static Suite *
suite(void)
{
	Suite *s = suite_create("lua_view");
	TCase *tc = tcase_create("view");

	tcase_set_timeout(tc, 120);
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_test(tc, unchanged_is_written_direct);
	tcase_add_test(tc, changed_goes_through_the_tree);
	tcase_add_test(tc, patched_line_equals_the_tree);
	tcase_add_test(tc, patched_depth_as_the_tree);
	tcase_add_test(tc, lazy_writes_equal_filled_writes);
	tcase_add_test(tc, drops_and_passes_by_exe);
	tcase_add_test(tc, view_sees_the_tree);
	tcase_add_test(tc, a_read_lays_out_its_part);
	tcase_add_test(tc, a_repeated_text_reads_its_own_value);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(suite());
}
