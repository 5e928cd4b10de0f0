/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * check_group.c: event grouping: EOE, single-record types, timeout,
 * interleaving, late records, gaps, rollover, bounds, flush, and the
 * go-libaudit reassembler corpus; the events' arena.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ck.h"
#include "vigil/arena.h"
#include "vigil/group.h"
#include "vigil/record.h"

#define MAXEV	64

struct seen {
	uint32_t	serial;
	uint32_t	flags;
	size_t		nrecs;
	uint32_t	types[8];
	char		body0[128];
	char		body1[128];	/* "" with one record */
	char		node[32];
};

struct cap {
	int		n;
	struct seen	ev[MAXEV];
};

static void
on_ev(struct vg_event *ev, void *arg)
{
	struct cap *c = arg;
	struct seen *s;
	size_t i;

	ck_assert_int_lt(c->n, MAXEV);
	ck_assert_uint_gt(ev->nrecs, 0);
	s = &c->ev[c->n++];
	s->serial = ev->serial;
	s->flags = ev->flags;
	s->nrecs = ev->nrecs;
	for (i = 0; i < ev->nrecs && i < 8; i++) {
		s->types[i] = ev->recs[i].type;
		/* every copy is NUL-terminated at its length */
		ck_assert_int_eq(ev->recs[i].body.p[ev->recs[i].body.len], 0);
		ck_assert_int_eq(
		    ev->recs[i].type_name.p[ev->recs[i].type_name.len], 0);
		ck_assert_int_eq(
		    ev->recs[i].enriched.p[ev->recs[i].enriched.len], 0);
	}
	snprintf(s->body0, sizeof(s->body0), "%s", ev->recs[0].body.p);
	snprintf(s->body1, sizeof(s->body1), "%.*s",
	    ev->nrecs > 1 ? (int)ev->recs[1].body.len : 0,
	    ev->nrecs > 1 ? ev->recs[1].body.p : "");
	snprintf(s->node, sizeof(s->node), "%.*s", (int)ev->node.len,
	    ev->node.p);
}

static struct vg_record
mk(uint32_t type, uint64_t sec, uint32_t msec, uint32_t serial,
    const char *body)
{
	struct vg_record r;

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.sec = sec;
	r.msec = msec;
	r.serial = serial;
	r.body = vg_str_make(body, strlen(body));
	return r;
}

static void
add(struct vg_group *g, uint32_t type, uint32_t serial, uint64_t now)
{
	struct vg_record r = mk(type, 1700000000, 1, serial, "x=1");

	/* 1: it opened a quick event (its deadline can be earlier) */
	ck_assert_int_eq(vg_group_add(g, &r, now), type == 1305 ||
	    type == 1325 ? 1 : 0);
}

START_TEST(test_eoe)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);
	char body[32] = "arch=c000003e syscall=59";
	struct vg_record r = mk(1300, 1700000000, 1, 42, body);

	r.type_name = VG_STR_LIT("SYSCALL");
	r.enriched = VG_STR_LIT("ARCH=x86_64");
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	/* the record is copied: the caller may reuse its buffer */
	memset(body, 'Z', sizeof(body) - 1);
	add(g, 1302, 42, 1000);
	ck_assert_int_eq(c.n, 0);
	ck_assert_uint_eq(vg_group_pending(g), 1);
	add(g, 1320, 42, 1001);
	ck_assert_int_eq(c.n, 1);
	ck_assert_uint_eq(c.ev[0].serial, 42);
	ck_assert_uint_eq(c.ev[0].nrecs, 2);	/* EOE not stored */
	ck_assert_uint_eq(c.ev[0].types[0], 1300);
	ck_assert_uint_eq(c.ev[0].types[1], 1302);
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_EOE);
	ck_assert_str_eq(c.ev[0].body0, "arch=c000003e syscall=59");
	ck_assert_uint_eq(vg_group_pending(g), 0);
	ck_assert_uint_eq(vg_group_deadline(g), UINT64_MAX);
	ck_assert_uint_eq(vg_group_stats(g)->records, 3);
	ck_assert_uint_eq(vg_group_stats(g)->events, 1);
	ck_assert_uint_eq(vg_group_stats(g)->late, 0);
	vg_group_free(g);
}
END_TEST

START_TEST(test_single)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);
	/* 1005 USER (auditctl -m) and 1324 NETFILTER_PKT: the kernel logs
	 * them with no context, nothing follows (issue 20) */
	static const uint32_t single[] = { 1005, 1007, 1099, 1100, 1112,
	    1123, 1199, 1200, 1205, 1299, 2000, 2100, 2404, 2999, 1324, 1326,
	    1701 };
	static const uint32_t multi[] = { 1004, 1006, 1300, 1305, 1325,
	    1400, 1327, 1700, 1702, 1800, 3000, 0 };
	size_t i;

	for (i = 0; i < sizeof(single) / sizeof(single[0]); i++) {
		add(g, single[i], 100 + (uint32_t)i, 1000);
		ck_assert_int_eq(c.n, (int)i + 1);
		ck_assert_uint_eq(c.ev[i].flags, VG_EV_SINGLE);
		ck_assert_uint_eq(c.ev[i].types[0], single[i]);
	}
	ck_assert_uint_eq(vg_group_pending(g), 0);
	c.n = 0;
	for (i = 0; i < sizeof(multi) / sizeof(multi[0]); i++)
		add(g, multi[i], 200 + (uint32_t)i, 1000);
	ck_assert_int_eq(c.n, 0);
	ck_assert_uint_eq(vg_group_pending(g), sizeof(multi) / sizeof(multi[0]));
	vg_group_free(g);
}
END_TEST

/* A user message sent from inside an audited syscall shares its serial;
 * the SYSCALL and EOE that follow form a second event, not late ones. */
START_TEST(test_user_then_syscall)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);

	add(g, 1123, 7, 1000);		/* USER_CMD */
	ck_assert_int_eq(c.n, 1);
	add(g, 1300, 7, 1000);
	add(g, 1327, 7, 1000);
	add(g, 1320, 7, 1000);
	ck_assert_int_eq(c.n, 2);
	ck_assert_uint_eq(c.ev[1].nrecs, 2);
	ck_assert_uint_eq(c.ev[1].flags, VG_EV_EOE);
	ck_assert_uint_eq(vg_group_stats(g)->late, 0);
	/* a single-type record never joins a pending event either */
	add(g, 1300, 8, 1000);
	add(g, 1107, 8, 1000);		/* USER_AVC */
	ck_assert_int_eq(c.n, 3);
	ck_assert_uint_eq(c.ev[2].flags, VG_EV_SINGLE);
	add(g, 1320, 8, 1000);
	ck_assert_int_eq(c.n, 4);
	ck_assert_uint_eq(c.ev[3].nrecs, 1);
	vg_group_free(g);
}
END_TEST

START_TEST(test_timeout)
{
	struct cap c = { 0 };
	struct vg_group_opts o = { .timeout_ms = 2000 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);

	ck_assert_uint_eq(vg_group_deadline(g), UINT64_MAX);
	add(g, 1300, 1, 10000);
	add(g, 1302, 1, 11500);		/* later records do not extend it */
	add(g, 1300, 2, 11000);
	ck_assert_uint_eq(vg_group_deadline(g), 12000);
	vg_group_expire(g, 11999);
	ck_assert_int_eq(c.n, 0);
	vg_group_expire(g, 12000);
	ck_assert_int_eq(c.n, 1);
	ck_assert_uint_eq(c.ev[0].serial, 1);
	ck_assert_uint_eq(c.ev[0].nrecs, 2);
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_TIMEOUT);
	ck_assert_uint_eq(vg_group_deadline(g), 13000);
	vg_group_expire(g, 20000);
	ck_assert_int_eq(c.n, 2);
	ck_assert_uint_eq(vg_group_stats(g)->timeouts, 2);
	ck_assert_uint_eq(vg_group_deadline(g), UINT64_MAX);
	vg_group_free(g);
}
END_TEST

/*
 * An event the timer closes is complete when none of its records is one
 * the kernel writes at syscall exit: a CONFIG_CHANGE of the audit
 * daemon's own request (not audited) has no SYSCALL, ever (issue 20).
 */
START_TEST(test_timeout_alone)
{
	struct cap c = { 0 };
	struct vg_group_opts o = { .timeout_ms = 2000 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);

	add(g, 1305, 1, 1000);		/* CONFIG_CHANGE alone */
	add(g, 1305, 2, 1000);		/* CONFIG_CHANGE, SYSCALL, no EOE */
	add(g, 1300, 2, 1000);
	add(g, 1400, 3, 1000);		/* two AVCs of a kernel thread */
	add(g, 1400, 3, 1000);
	add(g, 1302, 4, 1000);		/* a PATH whose SYSCALL was lost */
	add(g, 1305, 5, 1000);		/* a CONFIG_CHANGE and its PROCTITLE */
	add(g, 1327, 5, 1000);
	add(g, 1325, 6, 1000);		/* NETFILTER_CFG of a netns cleanup */
	vg_group_expire(g, 3000);
	ck_assert_int_eq(c.n, 6);
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_ALONE);
	ck_assert_uint_eq(c.ev[1].flags, VG_EV_TIMEOUT);
	ck_assert_uint_eq(c.ev[2].flags, VG_EV_ALONE);
	ck_assert_uint_eq(c.ev[2].nrecs, 2);
	ck_assert_uint_eq(c.ev[3].flags, VG_EV_TIMEOUT);
	ck_assert_uint_eq(c.ev[4].flags, VG_EV_TIMEOUT);
	ck_assert_uint_eq(c.ev[5].flags, VG_EV_ALONE);
	ck_assert_uint_eq(vg_group_stats(g)->alone, 3);
	ck_assert_uint_eq(vg_group_stats(g)->timeouts, 3);
	/* the SYSCALL of a config change still in its syscall at the
	 * timeout: late, and said so */
	add(g, 1300, 1, 3001);
	ck_assert_int_eq(c.n, 7);
	ck_assert_uint_eq(c.ev[6].flags, VG_EV_LATE);
	/* shutdown and eviction do not wait: still incomplete */
	add(g, 1305, 7, 4000);
	vg_group_flush(g);
	ck_assert_uint_eq(c.ev[7].flags, VG_EV_FLUSHED);
	vg_group_free(g);
}
END_TEST

/*
 * Configuration-change events alone are decided after quick_ms, not the
 * whole timeout: with a syscall context their SYSCALL is queued before
 * the request's syscall returns, right behind them (issue 20). A SYSCALL
 * that does come takes the event off the quick list; AVC keeps the full
 * timeout (it may be logged before a long sleep).
 */
START_TEST(test_quick_config_change)
{
	struct cap c = { 0 };
	struct vg_group_opts o = { .timeout_ms = 2000, .quick_ms = 100 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);

	add(g, 1305, 1, 1000);		/* vigild's own add_rule: alone */
	add(g, 1305, 2, 1000);		/* auditctl's, in its sendto() */
	add(g, 1300, 2, 1001);
	add(g, 1400, 3, 1010);		/* AVC: waits the whole timeout */
	add(g, 1325, 4, 1050);		/* NETFILTER_CFG alone */
	ck_assert_uint_eq(vg_group_deadline(g), 1100);
	vg_group_expire(g, 1099);
	ck_assert_int_eq(c.n, 0);
	vg_group_expire(g, 1100);
	ck_assert_int_eq(c.n, 1);
	ck_assert_uint_eq(c.ev[0].serial, 1);
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_ALONE);
	ck_assert_uint_eq(vg_group_deadline(g), 1150);
	vg_group_expire(g, 1150);
	ck_assert_int_eq(c.n, 2);
	ck_assert_uint_eq(c.ev[1].serial, 4);
	ck_assert_uint_eq(c.ev[1].flags, VG_EV_ALONE);
	ck_assert_uint_eq(vg_group_stats(g)->quick, 2);
	/* the syscall-context one waits for its EOE, the AVC for the timer */
	ck_assert_uint_eq(vg_group_deadline(g), 3000);
	add(g, 1320, 2, 1200);
	ck_assert_int_eq(c.n, 3);
	ck_assert_uint_eq(c.ev[2].serial, 2);
	ck_assert_uint_eq(c.ev[2].flags, VG_EV_EOE);
	ck_assert_uint_eq(c.ev[2].nrecs, 2);
	vg_group_expire(g, 3010);
	ck_assert_int_eq(c.n, 4);
	ck_assert_uint_eq(c.ev[3].flags, VG_EV_ALONE);
	ck_assert_uint_eq(vg_group_stats(g)->quick, 2);
	ck_assert_uint_eq(vg_group_stats(g)->alone, 3);
	/* quick_ms is capped by the timeout; an event leaving by EOE or
	 * flush leaves the quick list too (no use after recycling) */
	vg_group_free(g);
	o.timeout_ms = 50;
	o.quick_ms = 100;
	g = vg_group_new(&o, on_ev, &c);
	add(g, 1305, 9, 5000);
	ck_assert_uint_eq(vg_group_deadline(g), 5050);
	add(g, 1320, 9, 5001);
	add(g, 1305, 10, 5002);
	vg_group_flush(g);
	add(g, 1305, 11, 6000);
	vg_group_expire(g, 6050);
	ck_assert_uint_eq(vg_group_deadline(g), UINT64_MAX);
	vg_group_free(g);
}
END_TEST

/* Wall clock stepped back by more than the timeout: pending events would
 * otherwise wait until the clock catches up again. */
START_TEST(test_clock_step_back)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);

	add(g, 1300, 1, 1000000);
	add(g, 1300, 2, 1000500);	/* small jitter back is fine */
	add(g, 1300, 3, 1000100);
	ck_assert_int_eq(c.n, 0);
	add(g, 1300, 4, 500000);	/* stepped back 500 s */
	ck_assert_int_eq(c.n, 3);
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_TIMEOUT);
	ck_assert_uint_eq(vg_group_deadline(g), 502000);
	vg_group_free(g);
}
END_TEST

START_TEST(test_interleave)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);

	add(g, 1300, 10, 1);
	add(g, 1300, 11, 1);
	add(g, 1300, 12, 1);
	add(g, 1307, 10, 1);
	add(g, 1307, 11, 1);
	add(g, 1302, 11, 1);
	add(g, 1302, 12, 1);
	add(g, 1320, 11, 2);
	ck_assert_int_eq(c.n, 1);
	add(g, 1302, 10, 2);
	add(g, 1320, 10, 2);
	add(g, 1320, 12, 3);
	ck_assert_int_eq(c.n, 3);
	ck_assert_uint_eq(c.ev[0].serial, 11);
	ck_assert_uint_eq(c.ev[0].nrecs, 3);
	ck_assert_uint_eq(c.ev[0].types[2], 1302);
	ck_assert_uint_eq(c.ev[1].serial, 10);
	ck_assert_uint_eq(c.ev[1].nrecs, 3);
	ck_assert_uint_eq(c.ev[1].types[1], 1307);
	ck_assert_uint_eq(c.ev[2].serial, 12);
	ck_assert_uint_eq(c.ev[2].nrecs, 2);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 0);
	vg_group_free(g);
}
END_TEST

/* Same serial and time on two nodes, or same serial at two times, are
 * different events. */
START_TEST(test_key)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);
	struct vg_record a = mk(1300, 1700000000, 5, 9, "a");
	struct vg_record b = mk(1300, 1700000000, 5, 9, "b");
	struct vg_record d = mk(1300, 1700000000, 6, 9, "d");
	struct vg_record e = mk(1320, 1700000000, 5, 9, "");

	a.node = VG_STR_LIT("alpha");
	b.node = VG_STR_LIT("beta");
	e.node = VG_STR_LIT("beta");
	ck_assert_int_eq(vg_group_add(g, &a, 1), 0);
	ck_assert_int_eq(vg_group_add(g, &b, 1), 0);
	ck_assert_int_eq(vg_group_add(g, &d, 1), 0);
	ck_assert_uint_eq(vg_group_pending(g), 3);
	ck_assert_int_eq(vg_group_add(g, &e, 1), 0);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.ev[0].node, "beta");
	ck_assert_str_eq(c.ev[0].body0, "b");
	vg_group_flush(g);
	ck_assert_int_eq(c.n, 3);
	ck_assert_str_eq(c.ev[1].node, "alpha");
	ck_assert_str_eq(c.ev[2].node, "");
	ck_assert_str_eq(c.ev[2].body0, "d");
	vg_group_free(g);
}
END_TEST

START_TEST(test_late)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);

	add(g, 1300, 20, 1000);
	add(g, 1307, 20, 1000);
	vg_group_expire(g, 3000);
	ck_assert_int_eq(c.n, 1);
	add(g, 1302, 20, 3500);		/* its event is gone */
	ck_assert_int_eq(c.n, 2);
	ck_assert_uint_eq(c.ev[1].serial, 20);
	ck_assert_uint_eq(c.ev[1].nrecs, 1);
	ck_assert_uint_eq(c.ev[1].flags, VG_EV_LATE);
	ck_assert_uint_eq(vg_group_pending(g), 0);
	add(g, 1320, 20, 3500);		/* late EOE: counted, nothing out */
	ck_assert_int_eq(c.n, 2);
	ck_assert_uint_eq(vg_group_stats(g)->late, 2);
	/* after an EOE too */
	add(g, 1300, 21, 3600);
	add(g, 1320, 21, 3600);
	add(g, 1302, 21, 3600);
	ck_assert_int_eq(c.n, 4);
	ck_assert_uint_eq(c.ev[3].flags, VG_EV_LATE);
	ck_assert_uint_eq(vg_group_stats(g)->late, 3);
	/* an EOE for an event never seen is not late */
	add(g, 1320, 22, 3600);
	ck_assert_uint_eq(vg_group_stats(g)->late, 3);
	vg_group_free(g);
}
END_TEST

START_TEST(test_gaps)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);
	struct vg_record d;

	add(g, 1300, 100, 1000);	/* first record: no gap */
	add(g, 1300, 101, 1000);
	add(g, 1300, 105, 1000);	/* 102..104 missing for now */
	add(g, 1300, 103, 1100);	/* arrives late: fills its hole */
	vg_group_expire(g, 2999);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 0);
	vg_group_expire(g, 3000);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 2);
	add(g, 1300, 104, 3000);	/* too late: stays counted */
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 2);
	/* a big jump is a restart or a replay skipping around, not loss */
	add(g, 1300, 500000, 3000);
	add(g, 1300, 500001, 3000);
	/* backwards far: same */
	add(g, 1300, 7, 3000);
	add(g, 1300, 8, 3000);
	/* auditd's own DAEMON_* serials are not the kernel's */
	add(g, 1203, 9000, 3000);
	add(g, 1300, 9, 3000);
	/* another node has its own serials */
	d = mk(1300, 1700000000, 1, 50, "x");
	d.node = VG_STR_LIT("other");
	ck_assert_int_eq(vg_group_add(g, &d, 3000), 0);
	d.serial = 52;
	ck_assert_int_eq(vg_group_add(g, &d, 3000), 0);
	add(g, 1300, 10, 3000);
	vg_group_flush(g);		/* open holes count at flush */
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 3);
	vg_group_free(g);
}
END_TEST

START_TEST(test_gap_window)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);
	uint32_t s;

	/* holes that leave the 4096-serial window are counted without
	 * waiting for the timeout */
	add(g, 1300, 1, 1000);
	add(g, 1300, 3, 1000);
	for (s = 4; s < 4200; s++)
		add(g, 1320, s, 1000);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 1);
	vg_group_free(g);
}
END_TEST

START_TEST(test_gap_jumps_live)
{
	struct vg_group_opts o = { .count_jumps = 1 };
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);

	/* live input: a burst of 5000 lost serials counts whole, after
	 * the small hole still open before it */
	add(g, 1320, 100, 1000);
	add(g, 1320, 102, 1000);	/* 101 open */
	add(g, 1320, 5103, 1000);	/* 5000 missing in one jump */
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 1 + 5000);
	add(g, 1320, 5104, 1000);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 5001);
	/* beyond 2^24 it is a restart, and backwards is never loss */
	add(g, 1320, 5104 + (1u << 25), 1000);
	add(g, 1320, 7, 1000);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 5001);
	vg_group_free(g);
}
END_TEST

START_TEST(test_rollover)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);

	add(g, 1300, 4294967294u, 1000);
	add(g, 1320, 4294967294u, 1000);
	add(g, 1300, 4294967295u, 1000);
	add(g, 1300, 0, 1000);
	add(g, 1320, 4294967295u, 1000);
	add(g, 1300, 1, 1000);
	add(g, 1320, 0, 1000);
	add(g, 1320, 1, 1000);
	ck_assert_int_eq(c.n, 4);
	ck_assert_uint_eq(c.ev[0].serial, 4294967294u);
	ck_assert_uint_eq(c.ev[1].serial, 4294967295u);
	ck_assert_uint_eq(c.ev[2].serial, 0);
	ck_assert_uint_eq(c.ev[3].serial, 1);
	/* the kernel skips serial 0 when it wraps; a step over the wrap
	 * is never counted as loss */
	add(g, 1300, 4294967290u, 1000);
	add(g, 1300, 3, 1000);
	vg_group_flush(g);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 0);
	ck_assert_uint_eq(vg_group_stats(g)->late, 0);
	vg_group_free(g);
}
END_TEST

START_TEST(test_max_pending)
{
	struct cap c = { 0 };
	struct vg_group_opts o = { .max_pending = 3 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);

	add(g, 1300, 1, 1000);
	add(g, 1300, 2, 1001);
	add(g, 1300, 3, 1002);
	add(g, 1302, 1, 1003);		/* no new event: nothing evicted */
	ck_assert_int_eq(c.n, 0);
	add(g, 1300, 4, 1004);
	ck_assert_int_eq(c.n, 1);
	ck_assert_uint_eq(c.ev[0].serial, 1);
	ck_assert_uint_eq(c.ev[0].nrecs, 2);
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_EVICTED);
	ck_assert_uint_eq(vg_group_pending(g), 3);
	ck_assert_uint_eq(vg_group_stats(g)->evicted, 1);
	ck_assert_uint_eq(vg_group_deadline(g), 1001 + 2000);
	vg_group_free(g);
}
END_TEST

/*
 * The record bytes of all open events stay within max_pending_bytes: a
 * new record first evicts the oldest other open events (issue 14, defect
 * 7: 64 events of 8 MiB held 646 MB, max_pending x max_event_bytes).
 */
START_TEST(test_max_pending_bytes)
{
	struct cap c = { 0 };
	struct vg_group_opts o = { .max_pending_bytes = 64 * 1024,
	    .max_event_bytes = 1 << 20 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);
	static char big[4000];
	struct vg_record r;
	uint32_t s;
	size_t before;

	memset(big, 'p', sizeof(big) - 1);
	for (s = 1; s <= 40; s++) {
		r = mk(1302, 1700000000, 1, s, big);
		ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
		ck_assert_uint_le(vg_group_pending_bytes(g), 64 * 1024);
	}
	/* about 4.5 KB an event: the budget holds 14, not 40 */
	ck_assert_uint_lt(vg_group_pending(g), 16);
	ck_assert_uint_gt(vg_group_pending(g), 10);
	ck_assert_int_eq(c.n, 40 - (int)vg_group_pending(g));
	ck_assert_uint_eq(c.ev[0].serial, 1);		/* oldest first */
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_EVICTED);
	ck_assert_uint_eq(c.ev[c.n - 1].serial, (uint32_t)c.n);
	ck_assert_uint_eq(vg_group_stats(g)->evicted_mem, (uint64_t)c.n);
	ck_assert_uint_eq(vg_group_stats(g)->evicted, 0);
	/* the event a record goes to is never evicted for it, even the
	 * oldest: the others go */
	before = vg_group_pending(g);
	s = (uint32_t)c.n + 1;				/* the oldest open */
	r = mk(1302, 1700000000, 1, s, big);
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	ck_assert_uint_eq(vg_group_pending(g), before - 1);
	ck_assert_uint_eq(c.ev[c.n - 1].serial, s + 1);
	/* one event grows up to the budget (it caps max_event_bytes), and
	 * everything else is evicted on the way */
	while (vg_group_add(g, &r, 1000) == 0)
		ck_assert_uint_le(vg_group_pending_bytes(g), 64 * 1024);
	ck_assert_uint_eq(vg_group_pending(g), 1);
	ck_assert_uint_eq(vg_group_stats(g)->oversize, 1);
	ck_assert_uint_gt(vg_group_pending_bytes(g), 60 * 1024);
	/* emitting gives the bytes back */
	add(g, 1320, s, 1000);
	ck_assert_uint_eq(vg_group_pending(g), 0);
	ck_assert_uint_eq(vg_group_pending_bytes(g), 0);
	ck_assert_uint_eq(c.ev[c.n - 1].flags, VG_EV_EOE);
	ck_assert_uint_ge(c.ev[c.n - 1].nrecs, 14);
	vg_group_free(g);
}
END_TEST

/*
 * A lent record is kept as its slices until vg_group_own(), then copied:
 * the caller may then change the memory. It counts the same bytes as a
 * copied one, and a record that is not lent makes its event own the
 * lent ones before it.
 */
START_TEST(test_lent)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);
	struct vg_group *h = vg_group_new(NULL, on_ev, &c);
	char text[] = "a=1 b=2";
	struct vg_record r;

	r = mk(1300, 1700000000, 1, 7, text);
	ck_assert_int_eq(vg_group_add(h, &r, 1000), 0);
	r.lent = 1;
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	ck_assert_uint_eq(vg_group_pending_bytes(g),
	    vg_group_pending_bytes(h));
	vg_group_own(g);
	ck_assert_uint_eq(vg_group_pending_bytes(g),
	    vg_group_pending_bytes(h));
	memset(text, 'z', sizeof(text) - 1);
	add(g, 1320, 7, 1000);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.ev[0].body0, "a=1 b=2");
	/* lent, then one that is not: both are the event's */
	memcpy(text, "c=3 d=4", sizeof(text));
	r = mk(1300, 1700000000, 1, 8, text);
	r.lent = 1;
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	r = mk(1302, 1700000000, 1, 8, "e=5");
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	memset(text, 'z', sizeof(text) - 1);
	add(g, 1320, 8, 1000);
	ck_assert_int_eq(c.n, 2);
	ck_assert_str_eq(c.ev[1].body0, "c=3 d=4");
	ck_assert_uint_eq(c.ev[1].nrecs, 2);
	ck_assert_uint_eq(vg_group_pending_bytes(g), 0);
	vg_group_free(g);
	vg_group_free(h);
}
END_TEST

/*
 * The live input lends every record of a receive batch and calls
 * vg_group_own() before the next batch overwrites them: events that ended
 * within the batch are gone and never copied, the pending ones copy theirs,
 * and an event that gets lent records again in a later batch copies those
 * at that batch's vg_group_own().
 */
START_TEST(test_lent_batches)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);
	char b1[] = "a=1", b2[] = "b=2", b3[] = "c=3";
	struct vg_record r;

	/* batch 1: event 10 ends, event 11 stays pending */
	r = mk(1300, 1700000000, 1, 10, b1);
	r.lent = 1;
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	add(g, 1320, 10, 1000);
	r = mk(1300, 1700000000, 1, 11, b2);
	r.lent = 1;
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(c.ev[0].body0, "a=1");
	vg_group_own(g);
	memset(b1, 'z', 3);
	memset(b2, 'z', 3);
	/* batch 2: one more lent record for event 11, owned again */
	r = mk(1302, 1700000000, 1, 11, b3);
	r.lent = 1;
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	vg_group_own(g);
	memset(b3, 'z', 3);
	vg_group_own(g);		/* nothing lent: nothing to do */
	add(g, 1320, 11, 1000);
	ck_assert_int_eq(c.n, 2);
	ck_assert_str_eq(c.ev[1].body0, "b=2");
	ck_assert_str_eq(c.ev[1].body1, "c=3");
	ck_assert_uint_eq(c.ev[1].nrecs, 2);
	ck_assert_uint_eq(vg_group_pending_bytes(g), 0);
	vg_group_free(g);
}
END_TEST

START_TEST(test_oversize)
{
	struct cap c = { 0 };
	struct vg_group_opts o = { .max_event_bytes = 2048 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);
	char big[700];
	struct vg_record r;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	r = mk(1302, 1700000000, 1, 5, big);
	add(g, 1300, 5, 1000);
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	ck_assert_int_eq(vg_group_add(g, &r, 1000), -1);
	ck_assert_int_eq(vg_group_add(g, &r, 1000), -1);
	ck_assert_uint_eq(vg_group_stats(g)->oversize, 2);
	add(g, 1320, 5, 1000);
	ck_assert_int_eq(c.n, 1);
	ck_assert_uint_eq(c.ev[0].nrecs, 3);
	/* a single record bigger than the limit on its own */
	r = mk(1300, 1700000000, 1, 6, big);
	big[0] = 'b';
	ck_assert_int_eq(vg_group_add(g, &r, 1000), 0);
	{
		static char huge[4096];

		memset(huge, 'h', sizeof(huge) - 1);
		r = mk(1112, 1700000000, 1, 7, huge);
		ck_assert_int_eq(vg_group_add(g, &r, 1000), -1);
	}
	ck_assert_uint_eq(vg_group_stats(g)->oversize, 3);
	ck_assert_int_eq(c.n, 1);
	vg_group_flush(g);
	ck_assert_int_eq(c.n, 2);
	ck_assert_int_eq(c.ev[1].body0[0], 'b');
	vg_group_free(g);
}
END_TEST

START_TEST(test_flush)
{
	struct cap c = { 0 };
	struct vg_group *g = vg_group_new(NULL, on_ev, &c);

	add(g, 1300, 31, 1000);
	add(g, 1300, 30, 1000);
	add(g, 1302, 31, 1000);
	vg_group_flush(g);
	ck_assert_int_eq(c.n, 2);
	ck_assert_uint_eq(c.ev[0].serial, 31);	/* arrival order */
	ck_assert_uint_eq(c.ev[0].nrecs, 2);
	ck_assert_uint_eq(c.ev[0].flags, VG_EV_FLUSHED);
	ck_assert_uint_eq(c.ev[1].serial, 30);
	ck_assert_uint_eq(vg_group_pending(g), 0);
	ck_assert_uint_eq(vg_group_deadline(g), UINT64_MAX);
	ck_assert_uint_eq(vg_group_stats(g)->events, 2);
	vg_group_free(g);
}
END_TEST

/* Many events through a small table: structs and arenas are recycled and
 * the done-ring wraps (ASan checks the memory side). */
START_TEST(test_churn)
{
	struct cap c = { 0 };
	struct vg_group_opts o = { .max_pending = 16 };
	struct vg_group *g = vg_group_new(&o, on_ev, &c);
	uint32_t s;

	for (s = 1; s <= 20000; s++) {
		add(g, 1300, s, s);
		add(g, 1302, s, s);
		if (s % 3)
			add(g, 1320, s, s);
		vg_group_expire(g, s);
		c.n = 0;
	}
	vg_group_flush(g);
	ck_assert_uint_eq(vg_group_stats(g)->events, 20000);
	ck_assert_uint_eq(vg_group_stats(g)->records, 20000 * 2 + 13334);
	ck_assert_uint_eq(vg_group_stats(g)->late, 0);
	ck_assert_uint_eq(vg_group_stats(g)->gaps, 0);
	vg_group_free(g);
}
END_TEST

/* ---- corpus: go-libaudit reassembler logs ---- */

struct tally {
	char	seq[512];
	size_t	len;
};

static void
on_tally(struct vg_event *ev, void *arg)
{
	struct tally *t = arg;
	int n;

	n = snprintf(t->seq + t->len, sizeof(t->seq) - t->len, "%s%u:%zu",
	    t->len ? " " : "", ev->serial, ev->nrecs);
	ck_assert(n > 0 && (size_t)n < sizeof(t->seq) - t->len);
	t->len += (size_t)n;
}

/* Feeds a log with now_ms = the latest record time so far (as
 * src/inputs/replay.c does); expire_each calls vg_group_expire after
 * every record as the replay input does. */
static uint64_t
feed(const char *name, int expire_each, struct tally *t)
{
	char path[512], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	struct vg_group_opts o = { .max_pending = 5 };
	struct vg_group *g;
	struct vg_record r;
	uint64_t gaps, now = 0;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/logs/go-libaudit/reassembler/%s",
	    VG_CORPUS, name);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	g = vg_group_new(&o, on_tally, t);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		ck_assert_int_eq(vg_parse_line(line, (size_t)n, &r), 0);
		/* the replay input's clock: latest record time seen */
		if (r.sec * 1000 + r.msec > now)
			now = r.sec * 1000 + r.msec;
		ck_assert_int_eq(vg_group_add(g, &r, now), 0);
		if (expire_each)
			vg_group_expire(g, now);
	}
	vg_group_flush(g);
	gaps = vg_group_stats(g)->gaps;
	vg_group_free(g);
	free(line);
	fclose(f);
	return gaps;
}

/*
 * go-libaudit's test pushes all records at once (wall clock, nothing times
 * out) with maxInFlight 5 and then closes. Feeding vigil without calling
 * expire is the same situation and must give exactly expected.tsv.
 */
START_TEST(test_corpus_reassembler)
{
	char path[512], *line = NULL, *file, *dropped, *events;
	size_t cap = 0;
	ssize_t n;
	FILE *f;
	int checked = 0;
	struct tally t;
	uint64_t gaps;

	snprintf(path, sizeof(path),
	    "%s/expected/go-libaudit/reassembler/expected.tsv", VG_CORPUS);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[0] == '#' || strncmp(line, "file\t", 5) == 0)
			continue;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		file = strtok(line, "\t");
		dropped = strtok(NULL, "\t");
		events = strtok(NULL, "\t");
		ck_assert(file && dropped && events);
		gaps = feed(file, 0, &t);
		ck_assert_msg(strcmp(t.seq, events) == 0, "%s: got '%s' want '%s'",
		    file, t.seq, events);
		ck_assert_msg(gaps == strtoull(dropped, NULL, 10),
		    "%s: gaps %llu want %s", file, (unsigned long long)gaps,
		    dropped);
		checked++;
	}
	ck_assert_int_eq(checked, 4);
	free(line);
	fclose(f);
}
END_TEST

/*
 * The same logs with the record clock driving expiry, as vigild --replay
 * does. The records' own times span 9.6 s, so events time out: the result
 * is the same except in out_of_order.log, where one PATH of serial 60
 * arrives after serial 61 began 7.8 s later; vigil has emitted 60 by then
 * (2 s timeout) and reports the PATH as a late event of its own.
 */
START_TEST(test_corpus_reassembler_clock)
{
	struct tally t;

	ck_assert_uint_eq(feed("normal.log", 1, &t), 0);
	ck_assert_str_eq(t.seq, "58:2 59:5 60:5 61:4 62:1");
	ck_assert_uint_eq(feed("lost_messages.log", 1, &t), 9);
	ck_assert_str_eq(t.seq, "49:2 59:5 60:5 61:4 62:1");
	ck_assert_uint_eq(feed("out_of_order.log", 1, &t), 0);
	ck_assert_str_eq(t.seq, "58:2 59:5 60:4 60:1 61:4 62:1");
	ck_assert_uint_eq(feed("rollover.log", 1, &t), 0);
	ck_assert_str_eq(t.seq,
	    "4294967294:1 4294967295:1 0:1 1:1 2:1");
}
END_TEST

/* ---- the events' arena ---- */

START_TEST(reset_keeps_a_chunk_ready)
{
	struct vg_arena a;
	char *p, *q, *s;
	int i;

	vg_arena_init(&a, 0);
	for (i = 0; i < 3; i++) {
		ck_assert_ptr_nonnull(p = vg_arena_alloc(&a, 5));
		ck_assert_uint_eq((uintptr_t)p % 8, 0);
		ck_assert_ptr_nonnull(q = vg_arena_alloc(&a, 40000));
		ck_assert_ptr_nonnull(s = vg_arena_strndup(&a, "abc", 3));
		ck_assert_str_eq(s, "abc");
		ck_assert_uint_eq(a.used, 8 + 40000 + 8);
		vg_arena_reset(&a);
		ck_assert_uint_eq(a.used, 0);
		/* after a reset, room at once: no chunk to find */
		ck_assert_ptr_nonnull(a.cur);
		ck_assert_uint_gt((size_t)(a.lim - a.cur), 1000);
	}
	vg_arena_free(&a);
	ck_assert_ptr_null(a.cur);
}
END_TEST

START_TEST(limit_holds_after_reset)
{
	struct vg_arena a;

	vg_arena_init(&a, 64);
	ck_assert_ptr_nonnull(vg_arena_alloc(&a, 64));
	ck_assert_ptr_null(vg_arena_alloc(&a, 1));
	vg_arena_reset(&a);
	ck_assert_ptr_nonnull(vg_arena_alloc(&a, 60));
	ck_assert_ptr_null(vg_arena_alloc(&a, 8));
	vg_arena_free(&a);
}
END_TEST

static Suite *
group_suite(void)
{
	Suite *s = suite_create("group");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_eoe);
	tcase_add_test(tc, test_gap_jumps_live);
	tcase_add_test(tc, test_single);
	tcase_add_test(tc, test_user_then_syscall);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_timeout_alone);
	tcase_add_test(tc, test_quick_config_change);
	tcase_add_test(tc, test_clock_step_back);
	tcase_add_test(tc, test_interleave);
	tcase_add_test(tc, test_key);
	tcase_add_test(tc, test_late);
	tcase_add_test(tc, test_gaps);
	tcase_add_test(tc, test_gap_window);
	tcase_add_test(tc, test_rollover);
	tcase_add_test(tc, test_max_pending);
	tcase_add_test(tc, test_max_pending_bytes);
	tcase_add_test(tc, test_oversize);
	tcase_add_test(tc, test_lent);
	tcase_add_test(tc, test_lent_batches);
	tcase_add_test(tc, reset_keeps_a_chunk_ready);
	tcase_add_test(tc, limit_holds_after_reset);
	tcase_add_test(tc, test_flush);
	tcase_add_test(tc, test_churn);
	tcase_add_test(tc, test_corpus_reassembler);
	tcase_add_test(tc, test_corpus_reassembler_clock);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return ck_run(group_suite());
}
