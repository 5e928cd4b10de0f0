/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_sink_json.c: the layout driver's two sinks against each other:
 * the JSON sink (src/sink_json.c, with its memo) and the tree sink
 * written by json.c (vg_decode_event + vg_json_write). Every event of
 * every corpus log goes through both: the lines and the counts must be
 * equal, byte for byte. Hand-made events cover the shapes the old direct
 * writer left to the tree (repeated types, words, nested msg, renames,
 * unsorted paths, the field cap) and the memo's corners. The lookup
 * (vg_layout_member, through a view) goes through the same events: every
 * member of the root laid out alone, last member first, must be the
 * tree's member, byte for byte.
 */
#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/decode.h"
#include "vigil/group.h"
#include "vigil/json.h"
#include "vigil/record.h"
#include "vigil/sink_json.h"
#include "vigil/view.h"

struct tally {
	unsigned	 events, failed;
	int		 last;		/* result for the last event */
	const char	*where;
};

static struct vg_jsink		*jd;
static struct vg_layout		*lk;
static struct vg_buf		 direct, tree;
static struct tally		 tl;
static unsigned long		 nlooked;

/* The JSON of a root object holding member m alone. */
static void
member_json(struct vg_arena *a, const struct vg_node *m, struct vg_buf *b)
{
	struct vg_node *root = vg_node_new(a, VG_N_OBJ), *c;

	ck_assert_ptr_nonnull(root);
	ck_assert_ptr_nonnull(c = vg_arena_alloc(a, sizeof(*c)));
	*c = *m;
	c->next = NULL;
	vg_node_append(root, c);
	vg_buf_reset(b);
	vg_json_write(root, b);
}

/*
 * Every member of doc looked up in a fresh view of ev, in reverse order
 * (so parts come before the SYSCALL records they depend on), and a name
 * no event has: equal to doc's members, byte for byte.
 */
static void
check_lookup(struct vg_event *ev, const struct vg_node *doc)
{
	const struct vg_node *ms[256], *ch, *got;
	struct vg_buf a, b;
	struct vg_view v;
	size_t n = 0, i;
	int r;

	vg_buf_init(&a);
	vg_buf_init(&b);
	vg_view_init(&v, lk, ev);
	for (ch = doc->v.c.head; ch != NULL && n < 256; ch = ch->next)
		ms[n++] = ch;
	for (i = n; i > 0; i--) {
		r = vg_view_member(&v, ms[i - 1]->key, &got);
		ck_assert_msg(r == 1, "%s: member %.*s not found", tl.where,
		    (int)ms[i - 1]->key.len, ms[i - 1]->key.p);
		member_json(&ev->arena, ms[i - 1], &a);
		member_json(&ev->arena, got, &b);
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
			tl.failed++;
			fprintf(stderr, "%s: lookup differs\n tree: %.*s"
			    " lookup: %.*s", tl.where, (int)a.len, a.data,
			    (int)b.len, b.data);
		}
		nlooked++;
	}
	ck_assert_int_eq(vg_view_member(&v, VG_STR_LIT("no_such_member"),
	    &got), 0);
	ck_assert_int_eq(vg_view_member(&v, VG_STR_LIT("vigil"), &got),
	    vg_node_get(doc, "vigil") != NULL);
	vg_buf_free(&a);
	vg_buf_free(&b);
}

static void
on_event(struct vg_event *ev, void *arg)
{
	struct vg_decode_counts dc = { 0, 0 }, tc = { 0, 0 };
	struct vg_node *doc;
	int r;

	(void)arg;
	tl.events++;
	vg_buf_reset(&direct);
	vg_buf_reset(&tree);
	ev->arena.limit = 0;
	r = vg_jsink_event(jd, ev, &direct, &dc);
	tl.last = r;
	ck_assert_msg(r == 0, "%s: JSON sink failed", tl.where);
	doc = vg_decode_event_counts(ev, &tc);
	ck_assert_msg(doc != NULL, "%s: tree decode failed", tl.where);
	vg_json_write(doc, &tree);
	check_lookup(ev, doc);
	if (direct.len != tree.len ||
	    memcmp(direct.data, tree.data, tree.len) != 0 ||
	    dc.parse_errors != tc.parse_errors ||
	    dc.fields_dropped != tc.fields_dropped) {
		tl.failed++;
		fprintf(stderr, "%s: differs (errors %lu/%lu, dropped %lu/%lu)"
		    "\n tree: %.*s json: %.*s", tl.where, tc.parse_errors,
		    dc.parse_errors, tc.fields_dropped, dc.fields_dropped,
		    (int)tree.len, tree.data, (int)direct.len, direct.data);
	}
}

/* Feeds text lines (one record each) through the grouper. */
static void
feed(struct vg_group *g, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	struct vg_record r;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		if (vg_parse_line(p, (size_t)(nl - p), &r) == 0)
			(void)vg_group_add(g, &r, r.sec * 1000 + r.msec);
		p = nl + 1;
	}
}

static void
run_text(const char *where, const char *text)
{
	struct vg_group *g = vg_group_new(NULL, on_event, NULL);

	ck_assert_ptr_nonnull(g);
	tl.where = where;
	feed(g, text, strlen(text));
	vg_group_flush(g);
	vg_group_free(g);
}

static void
setup(void)
{
	jd = vg_jsink_new();
	ck_assert_ptr_nonnull(jd);
	lk = vg_layout_new();
	ck_assert_ptr_nonnull(lk);
	vg_buf_init(&direct);
	vg_buf_init(&tree);
	memset(&tl, 0, sizeof(tl));
}

static void
teardown(void)
{
	vg_jsink_free(jd);
	vg_layout_free(lk);
	vg_buf_free(&direct);
	vg_buf_free(&tree);
}

/* ---- every corpus log ---- */

static int
one_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	struct vg_group *g;
	FILE *f;
	char *text;
	size_t n;

	(void)ftw;
	if (flag != FTW_F || st->st_size > 64L * 1024 * 1024)
		return 0;
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(text = malloc((size_t)st->st_size + 1));
	n = fread(text, 1, (size_t)st->st_size, f);
	fclose(f);
	g = vg_group_new(NULL, on_event, NULL);
	ck_assert_ptr_nonnull(g);
	tl.where = path;
	feed(g, text, n);
	vg_group_flush(g);
	vg_group_free(g);
	free(text);
	return 0;
}

START_TEST(corpus_logs_match_the_tree)
{
	ck_assert_int_eq(nftw(VG_CORPUS "/logs", one_file, 16, FTW_PHYS), 0);
	printf("sink_json: %u events, %lu record parts from the memo, %lu "
	    "SYSCALL starts read in one pass\n", tl.events,
	    vg_jsink_memo_hits(jd), vg_jsink_head_hits(jd));
	ck_assert_uint_gt(vg_jsink_memo_hits(jd), 1000);
	ck_assert_uint_gt(nlooked, 50000);
	ck_assert_uint_eq(tl.failed, 0);
	ck_assert_uint_gt(tl.events, 5000);
}
END_TEST

/* ---- hand-made events ---- */

#define HDR(t, s)	"type=" t " msg=audit(1700000000.123:" s "): "

static void
expect(const char *text)
{
	run_text(text, text);
	ck_assert_uint_eq(tl.failed, 0);
}

/* A header longer than the room the JSON sink leaves for it in front of
 * the records (a long node name, many rule keys): the records move. */
START_TEST(long_header_moves_records)
{
	char text[2048], node[301];

	memset(node, 'n', sizeof(node) - 1);
	node[sizeof(node) - 1] = '\0';
	snprintf(text, sizeof(text), "node=%s " HDR("SYSCALL", "8")
	    "arch=c000003e syscall=42 success=yes exit=0 a0=3 a1=7ffd a2=10 "
	    "a3=0 items=0 ppid=1 pid=2 key=\"a\"\nnode=%s "
	    HDR("SOCKADDR", "8") "saddr=020000507F0000010000000000000000\n"
	    "node=%s " HDR("EOE", "8") "\n", node, node, node);
	expect(text);
	ck_assert_uint_gt(direct.len, 300);
}
END_TEST

/* SOCKADDR records that differ in their port only (an accept()'s peers)
 * are pasted with the port's digits put in; other families whose bytes
 * there differ (a unix path) are not taken for them. */
START_TEST(memo_port_hole)
{
	static const char *saddr[] = {
	    "0200D5A27F0000010000000000000000",
	    "020000507F0000010000000000000000",
	    "02000A0B7F0000010000000000000000",
	    "02FFFF0B7F0000010000000000000000",
	    "0A0001BB000000000000000000000000000000000000000100000000",
	    "0A00CAFE000000000000000000000000000000000000000100000000",
	    "0A00CAFE000000010000000000000000000000000000000100000000",
	    "01002F746D702F6100",
	    "01002F786D702F6100",
	    "01002F796D702F6100",
	};
	char text[512];
	unsigned i, k;

	for (k = 0; k < 3; k++)
		for (i = 0; i < sizeof(saddr) / sizeof(saddr[0]); i++) {
			snprintf(text, sizeof(text), HDR("SYSCALL", "%u")
			    "arch=c000003e syscall=43 success=yes exit=4 a0=3 "
			    "a1=0 a2=0 a3=0 items=0 pid=2 key=(null)\n"
			    HDR("SOCKADDR", "%u") "saddr=%s\n"
			    HDR("EOE", "%u") "\n", 100 + k * 20 + i,
			    100 + k * 20 + i, saddr[i], 100 + k * 20 + i);
			expect(text);
		}
	/* exact texts alone: 38 (28 SYSCALL, 10 SOCKADDR) */
	ck_assert_uint_ge(vg_jsink_memo_hits(jd), 43);
}
END_TEST

START_TEST(socket_event_taken)
{
	expect(HDR("SYSCALL", "1") "arch=c000003e syscall=42 success=no "
	    "exit=-2 a0=3 a1=7ffd a2=6e a3=0 items=0 ppid=1 pid=2 "
	    "auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "
	    "fsgid=0 tty=(none) ses=4294967295 comm=\"nginx\" "
	    "exe=\"/usr/sbin/nginx\" key=\"sock\"\n"
	    HDR("SOCKADDR", "1") "saddr=01002F7661722F72756E2F6E7363642F736F636B657400\n"
	    HDR("PROCTITLE", "1") "proctitle=6E67696E78002D70002F746D70\n"
	    HDR("EOE", "1") "\n");
	expect(HDR("SYSCALL", "2") "arch=c000003e syscall=43 success=yes "
	    "exit=4 a0=3 items=0 pid=2 key=(null)\n"
	    HDR("SOCKADDR", "2") "saddr=0A001F90000000000000000000000000000000010000000000\n"
	    HDR("EOE", "2") "\n");
}
END_TEST

/* A record without arch= (OBJ_PID here) names its syscall by the SYSCALL
 * record's arch
 * (aarch64: 63 is read, x86_64's uname): a lookup of that record alone
 * must walk the SYSCALL record first. */
START_TEST(lookup_takes_the_syscall_arch)
{
	expect(HDR("SYSCALL", "3") "arch=c00000b7 syscall=63 success=yes "
	    "exit=0 a0=3 a1=2 a2=1 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 "
	    "comm=\"cat\" exe=\"/bin/cat\" key=(null)\n"
	    HDR("OBJ_PID", "3") "auid=0 uid=0 ses=1 pid=2 comm=\"cat\" "
	    "sig=0 syscall=63 compat=0 ip=0x0 code=0x7ffc0000\n"
	    HDR("EOE", "3") "\n");
	ck_assert_uint_gt(nlooked, 4);
}
END_TEST

START_TEST(execve_taken)
{
	/* argv put together by the tree's code, across records, chunks
	 * and a missing argument; written in the tree's place */
	expect(HDR("SYSCALL", "5") "arch=c000003e syscall=59 pid=1 "
	    "key=\"exec\"\n"
	    HDR("EXECVE", "5") "argc=4 a0=\"ls\" a1_len=6 a1[0]=616263\n"
	    HDR("EXECVE", "5") "a1[1]=\"def\" a3=2F746D70 x=1\n"
	    HDR("CWD", "5") "cwd=\"/\"\n"
	    HDR("PATH", "5") "item=0 name=\"/bin/ls\"\n"
	    HDR("PROCTITLE", "5") "proctitle=6C73\n" HDR("EOE", "5") "\n");
	expect(HDR("EXECVE", "15") "argc=1 a0=\"x\" a0=\"y\"\n"
	    HDR("EOE", "15") "\n");
}
END_TEST

START_TEST(numbers_and_marks)
{
	/* leading zeros, signs, overflow: parsed the tree's way; a short
	 * sockaddr counts a parse error; no EOE: incomplete */
	expect(HDR("SYSCALL", "3") "arch=c000003e syscall=1 exit=-0 pid=007 "
	    "ppid=-12 uid=18446744073709551616 gid=-9223372036854775808 "
	    "ses=99999999999999999999 auid=+5 euid= items=2 key=61620162\n"
	    HDR("SOCKADDR", "3") "saddr=0200\n"
	    HDR("CWD", "3") "cwd=2F746D70\n"
	    HDR("PATH", "3") "item=0 name=\"/a\" inode=5 mode=0100644\n"
	    HDR("PATH", "3") "item=1 name=2F62 nametype=NORMAL\n");
	expect(HDR("USER_LOGIN", "4") "pid=1 uid=0 res=success\n");
}
END_TEST

/* Closed by the timer with nothing written at syscall exit: logged
 * outside a syscall, complete; with a SYSCALL: incomplete. Both writers
 * agree (on_event compares them). */
#define TIMEOUT_MARK	"\"incomplete\":true,\"closed_by\":\"timeout\""

START_TEST(alone_is_complete)
{
	static const char cc[] = HDR("CONFIG_CHANGE", "6") "auid=4294967295 "
	    "ses=4294967295 op=add_rule key=\"t2\" list=4 res=1\n";
	static const char sc[] = HDR("CONFIG_CHANGE", "7") "op=add_rule "
	    "res=1\n" HDR("SYSCALL", "7") "arch=c000003e syscall=44 pid=9\n";
	struct vg_group *g = vg_group_new(NULL, on_event, NULL);

	ck_assert_ptr_nonnull(g);
	tl.where = "alone";
	feed(g, cc, sizeof(cc) - 1);
	vg_group_expire(g, 1700000000123ULL + 5000);
	ck_assert_int_eq(tl.events, 1);
	ck_assert_int_eq(tl.last, 0);
	ck_assert_ptr_null(memmem(tree.data, tree.len, "incomplete", 10));
	feed(g, sc, sizeof(sc) - 1);
	vg_group_expire(g, 1700000000123ULL + 10000);
	ck_assert_int_eq(tl.events, 2);
	ck_assert_ptr_nonnull(memmem(tree.data, tree.len, TIMEOUT_MARK,
	    sizeof(TIMEOUT_MARK) - 1));
	vg_group_free(g);
	ck_assert_int_eq(tl.failed, 0);
}
END_TEST

START_TEST(shapes_the_tree_had_alone)
{
	/* a repeated member name */
	expect(HDR("SYSCALL", "6") "arch=c000003e syscall=1 pid=1 pid=2\n"
	    HDR("EOE", "6") "\n");
	/* a field named like a member made from another one, or like a
	 * member vigil adds to records */
	expect(HDR("SYSCALL", "7") "arch=c000003e syscall=1 name=x\n"
	    HDR("EOE", "7") "\n");
	expect(HDR("SYSCALL", "14") "arch=c000003e words=1\n"
	    HDR("EOE", "14") "\n");
	/* paths out of item order */
	expect(HDR("PATH", "8") "item=1 name=\"/b\"\n"
	    HDR("PATH", "8") "item=0 name=\"/a\"\n" HDR("EOE", "8") "\n");
	/* the same record type twice */
	expect(HDR("SOCKADDR", "9") "saddr=0200\n"
	    HDR("SOCKADDR", "9") "saddr=0200\n" HDR("EOE", "9") "\n");
	/* nested msg='...' fields, bare words, a malformed token */
	expect(HDR("USER_AUTH", "10") "pid=1 msg='op=x acct=\"r\" res=ok'\n");
	expect(HDR("AVC", "11") "avc:  denied  { read } for pid=1\n");
	expect(HDR("SYSCALL", "12") "arch=c000003e comm=\"x pid=1\n");
	/* cwd record with more than cwd= */
	expect(HDR("CWD", "13") "cwd=\"/\" x=1\n");
	/* free text shaped like key=value: the tree makes it a word */
	expect(HDR("SYSCALL", "15") "arch=c000003e syscall=1 (seqno=2) "
	    "pid=3\n" HDR("EOE", "15") "\n");
	ck_assert_ptr_null(memmem(tree.data, tree.len, "\"(seqno\"", 8));
	ck_assert_ptr_nonnull(memmem(tree.data, tree.len,
	    "\"words\":[\"(seqno=2)\"]", 21));
	expect(HDR("PATH", "16") "item=0 name=\"/a\" a.b=1\n"
	    HDR("EOE", "16") "\n");
	ck_assert_ptr_null(memmem(tree.data, tree.len, "\"a.b\"", 5));
}
END_TEST

START_TEST(memo_repeats_and_clashes)
{
	unsigned long hits = vg_jsink_memo_hits(jd);

	/* the same process three times: its tail, proctitle and sockaddr
	 * are seen the first time, kept the second, pasted the third */
#define SOCK(s, a0) HDR("SYSCALL", s) "arch=c000003e syscall=42 success=yes " \
	    "exit=0 a0=" a0 " items=0 ppid=1 pid=2 uid=0 comm=\"x\" " \
	    "exe=2F62696E2F78 key=\"k1\"\n" \
	    HDR("SOCKADDR", s) "saddr=020000507F0000010000000000000000\n" \
	    HDR("PROCTITLE", s) "proctitle=78002D61\n" HDR("EOE", s) "\n"
	expect(SOCK("20", "3"));
	expect(SOCK("21", "4"));
	ck_assert_uint_eq(vg_jsink_memo_hits(jd), hits);
	expect(SOCK("24", "5"));
	ck_assert_uint_ge(vg_jsink_memo_hits(jd), hits + 3);
	/* a head naming one of the tail's members: no paste, renamed */
	expect(HDR("SYSCALL", "22") "arch=c000003e syscall=42 uid=5 "
	    "ppid=1 pid=2 uid=0 comm=\"x\" exe=2F62696E2F78 key=\"k1\"\n"
	    HDR("EOE", "22") "\n");
	/* an arch-dependent member in the tail is never copied */
	expect(HDR("SYSCALL", "23") "arch=c000003e syscall=1 ppid=1 "
	    "syscall=2\n" HDR("EOE", "23") "\n");
}
END_TEST

/* One SYSCALL record with the given body, then EOE. */
#define SYS(s, body)	HDR("SYSCALL", s) body "\n" HDR("EOE", s) "\n"
#define ARGS		" a0=3 a1=7ffd a2=10 a3=0 items=0"
#define TAIL		" ppid=1 pid=2 comm=\"x\" key=\"k\""

/* Whether the layout's one-pass reader of the SYSCALL start took it. */
static void
head(const char *text, int want_head)
{
	unsigned long h = vg_jsink_head_hits(jd);

	expect(text);
	ck_assert_msg(vg_jsink_head_hits(jd) - h == (unsigned long)want_head,
	    "%s: one-pass reader %s", text, want_head ? "not used" : "used");
}

START_TEST(syscall_head_shapes)
{
	/* taken by the one-pass reader, same bytes as the tree */
	head(SYS("30", "arch=c000003e syscall=42 success=no exit=-115"
	    ARGS TAIL), 1);				/* errno name */
	head(SYS("31", "arch=c000003e syscall=9999 success=yes exit=0"
	    ARGS TAIL), 1);				/* no syscall name */
	head(SYS("32", "arch=deadbeef syscall=1 success=yes exit=1"
	    ARGS TAIL), 1);				/* unknown arch */
	head(SYS("33", "arch=C000003E syscall=0 success=yes exit=-4096"
	    " a0=7FFD a1=0 a2=ABCdef a3=1 items=2" TAIL), 1);
	head(SYS("34", "arch=40000003 syscall=102 success=no exit=-1"
	    ARGS), 1);				/* i386, ends there */
	head(HDR("SYSCALL", "35") "arch=80000015 syscall=328 success=yes "
	    "exit=0" ARGS TAIL "\n"
	    HDR("SOCKADDR", "35") "saddr=000A1F90000000000000000000000000"
	    "000000010000000000\n" HDR("EOE", "35") "\n", 1); /* ppc64 */
	head(SYS("36", "arch=c000003e syscall=42 success=no "
	    "exit=-9223372036854775" ARGS TAIL), 1);
	/* odd values: read in one pass all the same (the values go to the
	 * same code as the tokenizer's fields) */
	head(SYS("40", "arch=c000003e syscall=1 success=yes exit=-0"
	    ARGS TAIL), 1);
	head(SYS("41", "arch=c000003e syscall=1 success=yes exit=007"
	    ARGS TAIL), 1);
	head(SYS("43", "arch=c000003e syscall=1 success=yes exit=1 a0=zz "
	    "a1=0 a2=0 a3=0 items=0" TAIL), 1);
	head(SYS("45", "arch=c000003e syscall=2147483648 success=yes exit=1"
	    ARGS TAIL), 1);
	head(SYS("46", "arch=1c000003e syscall=1 success=yes exit=1"
	    ARGS TAIL), 1);
	head(SYS("47", "arch=c000003e syscall=1 success=maybe exit=1"
	    ARGS TAIL), 1);
	/* other shapes: the tokenizer */
	head(SYS("42", "arch=c000003e syscall=1 per=400000 success=yes "
	    "exit=1" ARGS TAIL), 0);
	head(SYS("44", "arch=c000003e  syscall=1 success=yes exit=1"
	    ARGS TAIL), 0);
	head(SYS("48", "arch=c000003e syscall=1 success=yes exit=1"
	    " a0=3 a1=7ffd a2=10 a3=0 items=" TAIL), 0);
	head(SYS("49", "arch=c000003e syscall=1 success=yes exit=1"
	    " a0=3 a1=7ffd a2=\"x\" a3=0 items=0" TAIL), 0);
	head(SYS("55", " arch=c000003e syscall=1 success=yes exit=1"
	    ARGS TAIL), 0);
	/* read in one pass, then a repeated name: renamed, as always */
	head(SYS("50", "arch=c000003e syscall=1 success=yes exit=1"
	    ARGS " a0=5" TAIL), 1);
	head(SYS("51", "arch=c000003e syscall=1 success=yes exit=-2"
	    ARGS " ppid=1 errno=3"), 1);
	/* a tail naming what this start did not write (errno): the second
	 * time from the memo, checked against the start's names; the
	 * third time the start has an errno: not pasted, renamed. (The
	 * same record text a third time is pasted whole: no start read.) */
	head(SYS("52", "arch=c000003e syscall=1 success=yes exit=0"
	    ARGS " ppid=1 errno=3 pid=4"), 1);
	head(SYS("53", "arch=c000003e syscall=1 success=yes exit=0"
	    ARGS " ppid=1 errno=3 pid=4"), 1);
	head(SYS("57", "arch=c000003e syscall=1 success=yes exit=0"
	    ARGS " ppid=1 errno=3 pid=4"), 0);
	head(SYS("56", "arch=c000003e syscall=1 success=yes exit=0"
	    " a0=4 a1=7ffd a2=10 a3=0 items=0 ppid=1 errno=3 pid=4"), 1);
	head(SYS("54", "arch=c000003e syscall=1 success=yes exit=-2"
	    ARGS " ppid=1 errno=3 pid=4"), 1);
}
END_TEST

/*
 * More fields in a record than the layout takes (VG_DECODE_MAX_FIELDS):
 * the rest is dropped and the event marked, in both sinks. An EXECVE
 * record and a PROCTITLE record (array elements; longer than a line can
 * be, so made by hand).
 */
START_TEST(field_cap_marked)
{
	static const char pre[] = HDR("SYSCALL", "60") "arch=c000003e "
	    "syscall=59 pid=1\n" HDR("EXECVE", "60") "argc=1";
	static const char post[] = "\n" HDR("EOE", "60") "\n";
	size_t n = VG_DECODE_MAX_FIELDS + 100, len, i;
	char *text = malloc(sizeof(pre) + n * 13 + sizeof(post));
	struct vg_event ev;
	struct vg_erec rec;

	ck_assert_ptr_nonnull(text);
	memcpy(text, pre, sizeof(pre) - 1);
	len = sizeof(pre) - 1;
	for (i = 0; i < n; i++, len += 5)
		memcpy(text + len, " a0=x", 5);
	memcpy(text + len, post, sizeof(post));
	ck_assert_uint_lt(len, VG_MAX_RECORD);
	expect(text);

	len = 0;
	for (i = 0; i < n; i++, len += 13)
		memcpy(text + len, "proctitle=61 ", 13);
	memset(&ev, 0, sizeof(ev));
	memset(&rec, 0, sizeof(rec));
	vg_arena_init(&ev.arena, 0);
	rec.type = 1327;
	rec.body.p = text;
	rec.body.len = len - 1;
	ev.recs = &rec;
	ev.nrecs = 1;
	ev.serial = 61;
	ev.flags = VG_EV_EOE;
	tl.where = "PROCTITLE past the field cap";
	on_event(&ev, NULL);
	ck_assert_uint_eq(tl.failed, 0);
	ck_assert_ptr_nonnull(memmem(direct.data, direct.len,
	    "\"fields_dropped\":100", 19));
	vg_arena_free(&ev.arena);
	free(text);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("sink_json");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, corpus_logs_match_the_tree);
	tcase_add_test(tc, socket_event_taken);
	tcase_add_test(tc, long_header_moves_records);
	tcase_add_test(tc, memo_port_hole);
	tcase_add_test(tc, execve_taken);
	tcase_add_test(tc, lookup_takes_the_syscall_arch);
	tcase_add_test(tc, numbers_and_marks);
	tcase_add_test(tc, alone_is_complete);
	tcase_add_test(tc, shapes_the_tree_had_alone);
	tcase_add_test(tc, memo_repeats_and_clashes);
	tcase_add_test(tc, syscall_head_shapes);
	tcase_add_test(tc, field_cap_marked);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(suite());
}
