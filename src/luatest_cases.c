/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * luatest_cases.c: "vigilctl lua test FILTER --cases FILE": test cases
 * for a filter, one JSON object a line (docs/lua.md, "Test cases"): an
 * input event, raw audit lines or a JSON event, and what the filter must
 * make of it. Cases run in file order through one filter state (so a
 * stateful filter sees the cases before). The first case that fails ends
 * the run with FILE:LINE and why; never touches the kernel.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vigil/json.h"
#include "vigil/luatest.h"
#include "vigil/record.h"

#define MAXDEPTH	64	/* nesting of an event given as JSON */

/* What the callback saw of the case's event(s). */
struct seen {
	uint64_t		 n;
	enum vg_lt_verdict	 v;
	struct vg_buf		 after;
	char			 err[512];
};

struct runner {
	const char		*file;
	unsigned		 line;
	char			 label[128];	/* "name" or "#N" */
	struct seen		 seen;
	char			 msg[1024];
};

static void
on_event(void *arg, const struct vg_event *ev, enum vg_lt_verdict v,
    const struct vg_buf *before, const struct vg_buf *after, const char *err)
{
	struct seen *s = arg;

	(void)ev;
	(void)before;
	s->n++;
	s->v = v;
	vg_buf_reset(&s->after);
	vg_buf_add(&s->after, after->data, after->len);
	snprintf(s->err, sizeof(s->err), "%s", err != NULL ? err : "");
}

static int
fail(struct runner *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct runner *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *
jtext(struct json_object *j)
{
	return json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* A member name as Lua would write it after "event". */
static void
path_add(struct vg_buf *p, const char *key)
{
	const char *k;
	int ident = (*key >= 'a' && *key <= 'z') || (*key >= 'A' &&
	    *key <= 'Z') || *key == '_';

	for (k = key; *k != '\0' && ident; k++)
		ident = (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
		    (*k >= '0' && *k <= '9') || *k == '_';
	if (ident) {
		vg_buf_addc(p, '.');
		vg_buf_adds(p, key);
	} else {
		vg_buf_addc(p, '[');
		vg_json_string(key, strlen(key), p);
		vg_buf_addc(p, ']');
	}
}

static int
num_eq(struct json_object *a, struct json_object *b)
{
	if (json_object_is_type(a, json_type_int) &&
	    json_object_is_type(b, json_type_int))
		return json_object_get_int64(a) == json_object_get_int64(b) &&
		    json_object_get_uint64(a) == json_object_get_uint64(b);
	return json_object_get_double(a) == json_object_get_double(b);
}

static int
is_num(struct json_object *j)
{
	return json_object_is_type(j, json_type_int) ||
	    json_object_is_type(j, json_type_double);
}

/*
 * want matches got: objects are matched member by member (got may have
 * more), arrays element by element (same length), the rest by value
 * (numbers by value: 1 matches 1.0). On a mismatch, fills r->msg with
 * the path (in p, "event..." as in Lua, arrays from 1) and returns -1.
 */
static int
match(struct runner *r, struct json_object *want, struct json_object *got,
    struct vg_buf *p)
{
	enum json_type wt = json_object_get_type(want);
	size_t plen = p->len, i, n;
	struct json_object *gv;
	char idx[32];

	if (wt == json_type_object) {
		if (!json_object_is_type(got, json_type_object))
			goto differ;
		json_object_object_foreach(want, k, wv) {
			path_add(p, k);
			if (!json_object_object_get_ex(got, k, &gv)) {
				vg_buf_addc(p, '\0');
				return fail(r, "%s is missing, want %s",
				    p->data, jtext(wv));
			}
			if (match(r, wv, gv, p) == -1)
				return -1;
			p->len = plen;
		}
		return 0;
	}
	if (wt == json_type_array) {
		if (!json_object_is_type(got, json_type_array) ||
		    (n = json_object_array_length(want)) !=
		    json_object_array_length(got))
			goto differ;
		for (i = 0; i < n; i++) {
			snprintf(idx, sizeof(idx), "[%zu]", i + 1);
			vg_buf_adds(p, idx);
			if (match(r, json_object_array_get_idx(want, i),
			    json_object_array_get_idx(got, i), p) == -1)
				return -1;
			p->len = plen;
		}
		return 0;
	}
	if (is_num(want) && is_num(got)) {
		if (num_eq(want, got))
			return 0;
		goto differ;
	}
	if (wt != json_object_get_type(got))
		goto differ;
	switch (wt) {
	case json_type_null:
		return 0;
	case json_type_boolean:
		if (json_object_get_boolean(want) ==
		    json_object_get_boolean(got))
			return 0;
		break;
	case json_type_string:
		if (json_object_get_string_len(want) ==
		    json_object_get_string_len(got) &&
		    memcmp(json_object_get_string(want),
		    json_object_get_string(got),
		    (size_t)json_object_get_string_len(got)) == 0)
			return 0;
		break;
	default:
		break;
	}
differ:
	vg_buf_addc(p, '\0');
	{
		char g[400];

		snprintf(g, sizeof(g), "%s", jtext(got));
		return fail(r, "%s is %s, want %s", p->data, g, jtext(want));
	}
}

/* "a.b.c": no member c in b in a of got. */
static int
check_absent(struct runner *r, struct json_object *got, const char *path)
{
	char buf[256], *seg, *save = NULL;
	struct json_object *cur = got;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return fail(r, "absent: path too long: %s", path);
	for (seg = strtok_r(buf, ".", &save); seg != NULL;
	    seg = strtok_r(NULL, ".", &save))
		if (!json_object_is_type(cur, json_type_object) ||
		    !json_object_object_get_ex(cur, seg, &cur))
			return 0;
	return fail(r, "event.%s is %s, want it absent", path, jtext(cur));
}

/* An event given as JSON, as the tree the decoder would have built. */
static struct vg_node *
to_node(struct vg_arena *a, struct json_object *j, int depth)
{
	struct vg_node *n, *c;
	size_t i, len;

	if (depth > MAXDEPTH)
		return NULL;
	switch (json_object_get_type(j)) {
	case json_type_null:
		return vg_node_new(a, VG_N_NULL);
	case json_type_boolean:
		if ((n = vg_node_new(a, VG_N_BOOL)) != NULL)
			n->v.b = json_object_get_boolean(j);
		return n;
	case json_type_int:
		if (json_object_get_int64(j) == INT64_MAX &&
		    json_object_get_uint64(j) > INT64_MAX) {
			if ((n = vg_node_new(a, VG_N_UINT)) != NULL)
				n->v.u = json_object_get_uint64(j);
		} else if ((n = vg_node_new(a, VG_N_INT)) != NULL)
			n->v.i = json_object_get_int64(j);
		return n;
	case json_type_double:
		if ((n = vg_node_new(a, VG_N_DOUBLE)) != NULL)
			n->v.d = json_object_get_double(j);
		return n;
	case json_type_string:
		if ((n = vg_node_new(a, VG_N_STR)) == NULL)
			return NULL;
		n->v.s = vg_node_strdup(a, json_object_get_string(j),
		    (size_t)json_object_get_string_len(j));
		return n->v.s.p != NULL ? n : NULL;
	case json_type_array:
		if ((n = vg_node_new(a, VG_N_ARR)) == NULL)
			return NULL;
		len = json_object_array_length(j);
		for (i = 0; i < len; i++) {
			if ((c = to_node(a, json_object_array_get_idx(j, i),
			    depth + 1)) == NULL)
				return NULL;
			vg_node_append(n, c);
		}
		return n;
	case json_type_object:
		if ((n = vg_node_new(a, VG_N_OBJ)) == NULL)
			return NULL;
		json_object_object_foreach(j, k, v) {
			if ((c = to_node(a, v, depth + 1)) == NULL)
				return NULL;
			c->key = vg_node_strdup(a, k, strlen(k));
			if (c->key.p == NULL)
				return NULL;
			vg_node_append(n, c);
		}
		return n;
	}
	return NULL;
}

static int
run_event(struct runner *r, struct vg_luatest *t, struct json_object *j)
{
	struct vg_event ev;
	struct vg_node *doc;
	struct json_object *m;

	if (!json_object_is_type(j, json_type_object))
		return fail(r, "\"event\" must be an object");
	memset(&ev, 0, sizeof(ev));
	vg_arena_init(&ev.arena, 0);
	if (json_object_object_get_ex(j, "serial", &m) &&
	    json_object_is_type(m, json_type_int))
		ev.serial = (uint32_t)json_object_get_int64(m);
	if ((doc = to_node(&ev.arena, j, 0)) == NULL) {
		vg_arena_free(&ev.arena);
		return fail(r, "\"event\" nested too deep or out of memory");
	}
	vg_luatest_doc(t, &ev, doc);
	vg_arena_free(&ev.arena);
	return 0;
}

/* "raw": one string of lines, or an array of lines. */
static int
run_raw(struct runner *r, struct vg_luatest *t, struct json_object *j)
{
	struct vg_buf text;
	struct vg_record rec;
	const char *s, *nl;
	size_t i, n, k = 0;
	uint64_t nev;
	int rc = 0;

	vg_buf_init(&text);
	if (json_object_is_type(j, json_type_string))
		vg_buf_add(&text, json_object_get_string(j),
		    (size_t)json_object_get_string_len(j));
	else if (json_object_is_type(j, json_type_array)) {
		n = json_object_array_length(j);
		for (i = 0; i < n; i++) {
			struct json_object *l = json_object_array_get_idx(j, i);

			if (!json_object_is_type(l, json_type_string)) {
				vg_buf_free(&text);
				return fail(r, "\"raw\" line %zu is not a "
				    "string", i + 1);
			}
			vg_buf_add(&text, json_object_get_string(l),
			    (size_t)json_object_get_string_len(l));
			vg_buf_addc(&text, '\n');
		}
	} else
		return fail(r, "\"raw\" must be a string or an array of "
		    "strings");
	/* every line a record: a typo must not pass for an empty case */
	for (s = text.data, i = 0; s < text.data + text.len; s = nl + 1) {
		if ((nl = memchr(s, '\n', (size_t)(text.data + text.len -
		    s))) == NULL)
			nl = text.data + text.len;
		k++;
		if (nl > s && *s != '#' && vg_parse_line(s, (size_t)(nl - s),
		    &rec) == -1) {
			rc = fail(r, "raw line %zu is not an audit record: "
			    "%.*s", k, (int)((nl - s) > 80 ? 80 : (nl - s)),
			    s);
			break;
		}
	}
	if (rc == 0 && vg_luatest_text(t, text.data, text.len, &nev) == -1)
		rc = fail(r, "cannot read the raw lines: %s",
		    strerror(errno));
	else if (rc == 0 && nev != 1)
		rc = fail(r, "the raw lines make %llu events; a case is one "
		    "event", (unsigned long long)nev);
	vg_buf_free(&text);
	return rc;
}

static const char *const members[] = { "name", "raw", "event", "verdict",
    "expect", "absent", NULL };

static int
verdict_of(const char *s, enum vg_lt_verdict *v)
{
	static const enum vg_lt_verdict all[] = { VG_LT_PASS, VG_LT_DROP,
	    VG_LT_MODIFY, VG_LT_ERROR };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, vg_lt_verdict_name(all[i])) == 0) {
			*v = all[i];
			return 0;
		}
	return -1;
}

/* One JSON value and nothing but blanks after it; NULL (and *why) if
 * the line is not that. */
static struct json_object *
parse_line(const char *line, const char **why)
{
	struct json_tokener *tok;
	struct json_object *j;
	enum json_tokener_error jerr;
	size_t len = strlen(line), end;

	*why = "out of memory";
	if (len > INT32_MAX || (tok = json_tokener_new()) == NULL)
		return NULL;
	j = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue)
		jerr = json_tokener_error_parse_eof;
	*why = json_tokener_error_desc(jerr);
	if (j == NULL && jerr == json_tokener_success)
		*why = "null";		/* json-c's null is NULL */
	if (j == NULL || jerr != json_tokener_success)
		return NULL;
	if (line[end + strspn(line + end, " \t\r\n")] != '\0') {
		*why = "text after the object";
		json_object_put(j);
		return NULL;
	}
	return j;
}

/* One case line (NUL-terminated). 0 ok, -1 failed (r->msg). */
static int
run_case(struct runner *r, struct vg_luatest *t, const char *line,
    unsigned ncase)
{
	struct json_object *c, *raw = NULL, *event = NULL, *verdict = NULL,
	    *expect = NULL, *absent = NULL, *name = NULL, *got;
	enum vg_lt_verdict want = VG_LT_PASS;
	const char *why;
	struct vg_buf path;
	const char *const *m;
	size_t i;
	int rc = -1;

	snprintf(r->label, sizeof(r->label), "#%u", ncase);
	r->seen.n = 0;
	vg_buf_reset(&r->seen.after);
	if ((c = parse_line(line, &why)) == NULL && strcmp(why, "null") == 0)
		return fail(r, "a case is a JSON object");
	if (c == NULL)
		return fail(r, "not JSON: %s", why);
	if (!json_object_is_type(c, json_type_object)) {
		json_object_put(c);
		return fail(r, "a case is a JSON object");
	}
	json_object_object_foreach(c, k, v) {
		(void)v;
		for (m = members; *m != NULL && strcmp(*m, k) != 0; m++)
			;
		if (*m == NULL) {
			fail(r, "unknown member \"%s\" (want name, raw, "
			    "event, verdict, expect, absent)", k);
			goto out;
		}
	}
	json_object_object_get_ex(c, "name", &name);
	json_object_object_get_ex(c, "raw", &raw);
	json_object_object_get_ex(c, "event", &event);
	json_object_object_get_ex(c, "verdict", &verdict);
	json_object_object_get_ex(c, "expect", &expect);
	json_object_object_get_ex(c, "absent", &absent);
	if (name != NULL)
		snprintf(r->label, sizeof(r->label), "\"%s\"",
		    json_object_get_string(name));
	if ((raw == NULL) == (event == NULL)) {
		fail(r, "give the input as \"raw\" or \"event\", one of them");
		goto out;
	}
	if (verdict != NULL && (!json_object_is_type(verdict,
	    json_type_string) ||
	    verdict_of(json_object_get_string(verdict), &want) == -1)) {
		fail(r, "\"verdict\" is \"pass\", \"drop\", \"modify\" or "
		    "\"error\"");
		goto out;
	}
	if (verdict == NULL && expect == NULL && absent == NULL) {
		fail(r, "nothing to check: give \"verdict\", \"expect\" or "
		    "\"absent\"");
		goto out;
	}
	if (expect != NULL && !json_object_is_type(expect, json_type_object)) {
		fail(r, "\"expect\" must be an object (members of the event)");
		goto out;
	}
	if (absent != NULL && !json_object_is_type(absent, json_type_array)) {
		fail(r, "\"absent\" must be an array of member paths");
		goto out;
	}
	if (want == VG_LT_DROP && verdict != NULL && (expect != NULL ||
	    absent != NULL)) {
		fail(r, "a dropped event has no members: \"expect\" and "
		    "\"absent\" go with pass, modify or error");
		goto out;
	}
	if ((raw != NULL ? run_raw(r, t, raw) : run_event(r, t, event)) == -1)
		goto out;
	if (r->seen.n != 1) {
		fail(r, "the input makes no event");
		goto out;
	}
	if (r->seen.v == VG_LT_ERROR && want != VG_LT_ERROR) {
		fail(r, "the filter failed: %s", r->seen.err);
		goto out;
	}
	if (verdict != NULL && r->seen.v != want) {
		fail(r, "verdict %s, want %s", vg_lt_verdict_name(r->seen.v),
		    vg_lt_verdict_name(want));
		goto out;
	}
	if (r->seen.v == VG_LT_DROP && (expect != NULL || absent != NULL)) {
		fail(r, "the event was dropped; \"expect\"/\"absent\" want "
		    "it kept");
		goto out;
	}
	rc = 0;
	if (expect == NULL && absent == NULL)
		goto out;
	vg_buf_addc(&r->seen.after, '\0');	/* kept past len */
	r->seen.after.len--;
	if ((got = json_tokener_parse(r->seen.after.data)) == NULL) {
		rc = fail(r, "the filter's event is not JSON: %s",
		    r->seen.after.data);
		goto out;
	}
	vg_buf_init(&path);
	vg_buf_adds(&path, "event");
	if (expect != NULL)
		rc = match(r, expect, got, &path);
	for (i = 0; rc == 0 && absent != NULL &&
	    i < json_object_array_length(absent); i++) {
		struct json_object *a = json_object_array_get_idx(absent, i);

		if (!json_object_is_type(a, json_type_string))
			rc = fail(r, "\"absent\" holds member paths "
			    "(strings)");
		else
			rc = check_absent(r, got, json_object_get_string(a));
	}
	vg_buf_free(&path);
	json_object_put(got);
out:
	json_object_put(c);
	return rc;
}

/* A line with nothing but blanks, or a comment ('#' first). */
static int
skip_line(const char *s)
{
	s += strspn(s, " \t\r\n");
	return *s == '\0' || *s == '#';
}

int
vg_luatest_cases(const char *filter, const char *cases, FILE *out)
{
	struct runner r;
	struct vg_luatest *t;
	char *line = NULL, msg[1024];
	size_t cap = 0;
	ssize_t n;
	unsigned ncase = 0;
	FILE *f;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	r.file = cases;
	vg_buf_init(&r.seen.after);
	if ((f = fopen(cases, "r")) == NULL) {
		fprintf(stderr, "vigilctl: %s: %s\n", cases, strerror(errno));
		return 1;
	}
	if ((t = vg_luatest_new(filter, on_event, &r.seen, msg,
	    sizeof(msg))) == NULL) {
		fprintf(stderr, "%s\n", msg);
		fclose(f);
		return 1;
	}
	while ((n = getline(&line, &cap, f)) != -1) {
		r.line++;
		if (skip_line(line))
			continue;
		if ((size_t)n != strlen(line)) {
			snprintf(r.msg, sizeof(r.msg), "NUL byte in the line");
			rc = 1;
		} else if (run_case(&r, t, line, ++ncase) == -1)
			rc = 1;
		if (rc) {
			fprintf(stderr, "%s:%u: case %s: %s\n", cases, r.line,
			    ncase ? r.label : "?", r.msg);
			if (r.seen.after.len > 0 && r.seen.n == 1)
				fprintf(stderr, "%s:%u: the event after the "
				    "filter: %.*s", cases, r.line,
				    (int)r.seen.after.len, r.seen.after.data);
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		fprintf(stderr, "vigilctl: %s: %s\n", cases, strerror(errno));
		rc = 1;
	}
	if (rc == 0 && ncase == 0) {
		fprintf(stderr, "%s: no cases\n", cases);
		rc = 1;
	}
	if (rc == 0)
		fprintf(out, "%s: %u cases passed\n", cases, ncase);
	free(line);
	fclose(f);
	vg_luatest_free(t);
	vg_buf_free(&r.seen.after);
	return rc;
}
