/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tev.h: test events for the decoder tests (check_decode*.c): log lines
 * become the records of one event, which is decoded, written as JSON and
 * parsed back with json-c. Header-only: each check program is one file.
 */
#ifndef VIGIL_TEST_TEV_H
#define VIGIL_TEST_TEV_H

#include <check.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/decode.h"
#include "vigil/json.h"
#include "vigil/record.h"

#define MAXREC	256

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
dup(struct vg_arena *a, struct vg_str s)
{
	return vg_node_strdup(a, s.p != NULL ? s.p : "", s.len);
}

/* Adds one log line as a record of the event (header taken from it). */
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
	e->type_name = dup(&t->ev.arena, r.type_name);
	e->body = dup(&t->ev.arena, r.body);
	e->enriched = dup(&t->ev.arena, r.enriched);
	t->ev.sec = r.sec;
	t->ev.msec = r.msec;
	t->ev.serial = r.serial;
	if (r.node.len)
		t->ev.node = dup(&t->ev.arena, r.node);
}

static void
tev_free(struct tev *t)
{
	vg_arena_free(&t->ev.arena);
}

/* Decodes, writes JSON, checks it is one line, parses it back (unused
 * by the checks that only need the event). */
static __attribute__((unused)) json_object *
tev_json(struct tev *t, unsigned long *perr)
{
	struct vg_node *doc;
	struct vg_buf b;
	json_object *j;
	unsigned long e = 0;

	doc = vg_decode_event(&t->ev, &e);
	ck_assert_ptr_nonnull(doc);
	if (perr != NULL)
		*perr = e;
	vg_buf_init(&b);
	vg_json_write(doc, &b);
	ck_assert(!b.oom && b.len > 0 && b.data[b.len - 1] == '\n');
	ck_assert_ptr_null(memchr(b.data, '\n', b.len - 1));
	vg_buf_addc(&b, '\0');
	j = json_tokener_parse(b.data);
	ck_assert_msg(j != NULL, "bad JSON: %s", b.data);
	vg_buf_free(&b);
	return j;
}

#endif
