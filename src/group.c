/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * group.c: joins records into events by (node, sec, msec, serial) and
 * decides when an event is complete. Owns the pending events (hash table +
 * arrival-order list), their arenas (recycled through a free list), a table
 * of recently emitted keys by serial (late records) and per-node serial windows (gap
 * counting). Never parses record bodies; never mallocs per record once warm.
 *
 * When an event is complete (docs/grouping.md has the reasoning and the
 * sources: the kernel's audit.h ranges and callers, auparse's
 * audit_is_last_record()):
 *  - EOE (1320): the kernel ends every syscall-context event with it. The
 *    EOE itself is not stored; the event gets VG_EV_EOE.
 *  - Single-record types, complete at once (VG_EV_SINGLE), and never joined
 *    to a pending event even if the key matches:
 *      1005 USER and 1007-1199: user messages (USER_*, USER_AVC, ...);
 *           the kernel logs them with no syscall context (1007-1099 are
 *           netlink commands, never records; kept as auparse has them),
 *      1200-1299 DAEMON_* (written by the audit daemon itself),
 *      2100-2999 second user range (ANOM_LOGIN_*, RESP_*, USER_MAC_*,
 *                CRYPTO_*, VIRT_*, ...),
 *      2000 KERNEL (boot-time "initialized", no task context),
 *      1324 NETFILTER_PKT (xt_AUDIT/nft_log log it with no context),
 *      1326 SECCOMP (logged from syscall entry before audit's own entry
 *                hook, so it never shares a syscall's serial),
 *      1701 ANOM_ABEND (core dump, on the signal path after syscall exit).
 *    A user message sent from inside an audited syscall may share that
 *    syscall's serial (kernels stacking several LSMs); its SYSCALL/EOE
 *    arrive afterwards. Like ausearch, vigil emits the user record on its
 *    own and the kernel records with the same key as a second, normal
 *    event (not counted as late).
 *  - Every other type (SYSCALL, PATH, AVC, CONFIG_CHANGE, LOGIN 1006, ...)
 *    waits for EOE or the timeout measured from the now_ms given with its
 *    first record. At the timeout an event none of whose records is of a
 *    type the kernel writes at syscall exit (SYSCALL, PATH, PROCTITLE, ...)
 *    was logged outside a syscall (a CONFIG_CHANGE of the audit daemon's
 *    own request, an AVC of a kernel thread): had it a syscall context,
 *    its SYSCALL would have followed as the syscall returned. It is
 *    complete (VG_EV_ALONE); any other is VG_EV_TIMEOUT. Events of
 *    configuration-change types only (CONFIG_CHANGE, NETFILTER_CFG, ...,
 *    is_quick()) are decided so after quick_ms instead: their SYSCALL
 *    would be right behind them.
 *  - max_pending reached: the oldest pending event is emitted VG_EV_EVICTED.
 *  - max_pending_bytes: the record bytes kept by all pending events (their
 *    arenas' used bytes) stay within it; a record that would pass it
 *    first evicts the oldest other pending events (VG_EV_EVICTED, counted
 *    in evicted_mem). No event may keep more than the budget.
 *  - A record whose key belongs to a recently emitted multi-record event is
 *    late: counted and emitted alone with VG_EV_LATE (a late EOE is only
 *    counted).
 * Gaps: per node, serials skipped by a small forward step (1 < step <=
 * GAP_MAX, no numeric wrap) are remembered in a bitmap window; a serial
 * that turns up later fills its hole. Holes still open after the timeout
 * (or leaving the window, or at flush) are counted in stats.gaps. DAEMON_*
 * records carry the daemon's own serials and are not tracked.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "vigil/group.h"
#include "vigil/rectype.h"

#define DEF_TIMEOUT	2000
#define DEF_QUICK	100
#define DEF_PENDING	4096
#define DEF_EVBYTES	(8u << 20)
#define DEF_PENDBYTES	(64u << 20)
#define MAX_PENDING	(1u << 20)

#define FREE_MAX	64	/* idle event structs kept for reuse */
#define DONE_N		4096	/* emitted keys remembered for late records;
				 * a power of two */
#define GAP_W		4096	/* serial window, bits, power of two */
#define GAP_MAX		1024	/* largest forward step still called loss */
#define GAP_JUMP_MAX	(1u << 24)	/* live: larger jumps are a restart */
#define NODES		8	/* nodes whose serials are tracked */

struct pev {
	struct vg_event		 ev;
	struct pev		*hnext;		/* hash chain */
	TAILQ_ENTRY(pev)	 link;		/* pending or free list */
	uint64_t		 hash;
	uint64_t		 nodeh;
	uint64_t		 first_ms;
	size_t			 cap;		/* ev.recs capacity */
	size_t			 owned;		/* recs[owned..] are lent
						 * (vg_record.lent) */
	size_t			 lent_bytes;	/* arena bytes they will
						 * take when copied */
	size_t			 acct;		/* arena bytes counted in
						 * open_bytes, lent included */
	int			 pending;
	int			 quick;		/* on quickq */
	TAILQ_ENTRY(pev)	 qlink;		/* quickq */
	size_t			 lent_ix;	/* has lent records: its
						 * index in lentv + 1 */
};
TAILQ_HEAD(pevq, pev);

/* An emitted key, in a slot chosen by serial (and node): live serials
 * grow by one, so the last DONE_N events of a node never share a slot. */
struct done {
	uint64_t	hash;		/* 0: empty */
	uint64_t	sec;
	uint32_t	msec;
	uint32_t	serial;
};

struct nodegap {
	uint64_t	nodeh;
	uint64_t	last_use;
	uint64_t	gap_since;	/* now_ms of the newest hole */
	uint32_t	hi;		/* highest serial seen */
	uint32_t	open;		/* holes not yet counted or filled */
	int		used;
	uint64_t	bits[GAP_W / 64];
};

struct vg_group {
	struct vg_group_opts	 o;
	vg_event_cb		*cb;
	void			*arg;
	struct pev		**bucket;
	size_t			 nbucket;	/* power of two */
	struct pevq		 pendq;		/* arrival order, oldest first */
	struct pevq		 quickq;	/* the pending events of quick
						 * types only, oldest first */
	size_t			 npending;
	size_t			 open_bytes;	/* arena bytes of pending events */
	struct pevq		 freeq;
	struct pev		**lentv;	/* events given lent records
						 * since vg_group_own(), NULL
						 * once emitted or owned */
	size_t			 nlent, clent;
	size_t			 nfree;
	struct done		*done;
	uint32_t		 done_hi;	/* highest serial ever added */
	struct pev		*last;		/* where the last record went */
	struct nodegap		 nodes[NODES];
	struct nodegap		*lastnode;	/* the last one used */
	uint64_t		 tick;
	uint64_t		 last_now;
	struct vg_group_stats	 st;
};

static const char empty[] = "";

static int
is_single(uint32_t t)
{
	/* the syscall records (1300-1399) first: three of them */
	if (t >= VG_T_SYSCALL && t < VG_T_SYSCALL + 100)
		return t == VG_T_NETFILTER_PKT || t == VG_T_SECCOMP;
	if (t == VG_T_USER || (t > VG_T_LOGIN && t <= VG_T_LAST_DAEMON))
		return 1;
	if (t >= VG_T_FIRST_USER_MSG2 && t <= VG_T_LAST_USER_MSG2)
		return 1;
	return t == VG_T_KERNEL || t == VG_T_NETFILTER_PKT ||
	    t == VG_T_SECCOMP || t == VG_T_ANOM_ABEND;
}

/* Types the kernel writes only when a syscall (or io_uring op) ends, in
 * audit_log_exit()/audit_log_uring(): SYSCALL or URINGOP first, then the
 * auxiliary records, PROCTITLE, EOE. Everything else is logged while the
 * syscall runs, or with no syscall at all. */
static int
is_exit_type(uint32_t t)
{
	switch (t) {
	case VG_T_SYSCALL:
	case VG_T_PATH:
	case VG_T_IPC:
	case VG_T_SOCKETCALL:
	case VG_T_SOCKADDR:
	case VG_T_CWD:
	case VG_T_EXECVE:
	case VG_T_IPC_SET_PERM:
	case VG_T_MQ_OPEN:
	case VG_T_MQ_SENDRECV:
	case VG_T_MQ_NOTIFY:
	case VG_T_MQ_GETSETATTR:
	case VG_T_FD_PAIR:
	case VG_T_OBJ_PID:
	case VG_T_BPRM_FCAPS:
	case VG_T_CAPSET:
	case VG_T_MMAP:
	case VG_T_PROCTITLE:
	case VG_T_KERN_MODULE:
	case VG_T_URINGOP:
	case VG_T_OPENAT2:
		return 1;
	}
	return 0;
}

/*
 * Types logged while the kernel handles a configuration request (audit
 * or netfilter netlink, settimeofday/adjtimex, a feature switch), in a
 * path that does not sleep between the record and the syscall's return.
 * With a syscall context, the SYSCALL and EOE are queued before that
 * syscall returns and kauditd delivers in queue order, so they arrive
 * right behind the record; an event of these types alone still without
 * them after quick_ms had no syscall context. (AVC and the other types
 * may be logged before a syscall sleeps for long, and keep timeout_ms.)
 */
static int
is_quick(uint32_t t)
{
	return t == VG_T_CONFIG_CHANGE || t == VG_T_NETFILTER_CFG ||
	    t == VG_T_FEATURE_CHANGE || t == VG_T_TIME_INJOFFSET ||
	    t == VG_T_TIME_ADJNTPVAL;
}

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t
node_hash(struct vg_str n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n.len; i++) {
		h ^= (unsigned char)n.p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t
key_hash(uint64_t nodeh, uint64_t sec, uint32_t msec, uint32_t serial)
{
	return mix64(nodeh ^ mix64(sec * 1000 + msec) ^
	    ((uint64_t)serial * 0x9e3779b97f4a7c15ULL));
}

static int
key_eq(const struct pev *e, uint64_t h, const struct vg_record *r)
{
	return e->hash == h && e->ev.serial == r->serial &&
	    e->ev.sec == r->sec && e->ev.msec == r->msec &&
	    e->ev.node.len == r->node.len &&
	    (r->node.len == 0 ||
	    memcmp(e->ev.node.p, r->node.p, r->node.len) == 0);
}

/* ---- recently emitted keys ---- */

static struct done *
done_slot(const struct vg_group *g, uint64_t nodeh, uint32_t serial)
{
	return &g->done[(serial ^ (uint32_t)(nodeh >> 32)) & (DONE_N - 1)];
}

static void
done_add(struct vg_group *g, const struct pev *e)
{
	struct done *d = done_slot(g, e->nodeh, e->ev.serial);

	d->hash = e->hash | 1;
	d->sec = e->ev.sec;
	d->msec = e->ev.msec;
	d->serial = e->ev.serial;
	if (d->serial > g->done_hi)
		g->done_hi = d->serial;
}

static int
done_find(const struct vg_group *g, uint64_t nodeh, uint64_t h,
    const struct vg_record *r)
{
	const struct done *d = done_slot(g, nodeh, r->serial);

	return d->hash == (h | 1) && d->serial == r->serial &&
	    d->sec == r->sec && d->msec == r->msec;
}

/* ---- serial gaps ---- */

static int
bit_get(const struct nodegap *n, uint32_t s)
{
	uint32_t i = s & (GAP_W - 1);

	return (n->bits[i / 64] >> (i % 64)) & 1;
}

static void
bit_put(struct nodegap *n, uint32_t s, int v)
{
	uint32_t i = s & (GAP_W - 1);
	uint64_t m = (uint64_t)1 << (i % 64);

	if (v)
		n->bits[i / 64] |= m;
	else
		n->bits[i / 64] &= ~m;
}

static void
gap_reset(struct nodegap *n, uint32_t serial)
{
	memset(n->bits, 0, sizeof(n->bits));
	n->open = 0;
	n->hi = serial;
}

static void
gap_confirm(struct vg_group *g, struct nodegap *n)
{
	if (n->open == 0)
		return;
	g->st.gaps += n->open;
	gap_reset(n, n->hi);
}

static struct nodegap *
gap_node(struct vg_group *g, uint64_t nodeh, uint32_t serial, int *fresh)
{
	struct nodegap *n, *lru = &g->nodes[0];
	size_t i;

	g->tick++;
	*fresh = 0;
	/* the node of the record before, nearly always */
	if ((n = g->lastnode) != NULL && n->used && n->nodeh == nodeh) {
		n->last_use = g->tick;
		return n;
	}
	for (i = 0; i < NODES; i++) {
		n = &g->nodes[i];
		if (n->used && n->nodeh == nodeh) {
			n->last_use = g->tick;
			g->lastnode = n;
			return n;
		}
		/* the first unused slot, else the least recently used */
		if (lru->used && (!n->used || n->last_use < lru->last_use))
			lru = n;
	}
	/* a new node, or more nodes than tracked: forget the coldest one
	 * without counting its open holes (it may simply have gone quiet) */
	lru->used = 1;
	lru->nodeh = nodeh;
	lru->last_use = g->tick;
	gap_reset(lru, serial);
	*fresh = 1;
	g->lastnode = lru;
	return lru;
}

static void
gap_track(struct vg_group *g, const struct vg_record *r, uint64_t nodeh,
    uint64_t now)
{
	struct nodegap *n;
	uint32_t s = r->serial, x, step;
	int fresh;

	if (r->type >= VG_T_FIRST_DAEMON && r->type <= VG_T_LAST_DAEMON)
		return;		/* DAEMON_*: the daemon's own numbering */
	n = gap_node(g, nodeh, s, &fresh);
	if (fresh || s == n->hi)
		return;
	step = s - n->hi;
	if (s > n->hi && step <= GAP_MAX) {
		/* forward: every slot reused here held serial x - GAP_W,
		 * which has left the window; a hole there is now counted */
		for (x = n->hi + 1;; x++) {
			if (bit_get(n, x)) {
				g->st.gaps++;
				n->open--;
			}
			if (x == s) {
				bit_put(n, x, 0);
				break;
			}
			bit_put(n, x, 1);
			n->open++;
		}
		if (step > 1)
			n->gap_since = now;
		n->hi = s;
		return;
	}
	if (s < n->hi && n->hi - s < GAP_W) {
		/* older serial in the window: fills a hole if it was one */
		if (bit_get(n, s)) {
			bit_put(n, s, 0);
			n->open--;
		}
		return;
	}
	/* live input: a big forward jump is a burst of loss (an ENOBUFS
	 * overrun, a daemon restart); count it whole */
	if (g->o.count_jumps && s > n->hi && step < GAP_JUMP_MAX) {
		gap_confirm(g, n);
		g->st.gaps += step - 1;
		gap_reset(n, s);
		return;
	}
	/* rollover, restart, or a replayed file skipping around: start over
	 * without calling anything lost */
	gap_reset(n, s);
}

/* ---- events ---- */

static struct pev *
pev_get(struct vg_group *g, const struct vg_record *r, uint64_t nodeh,
    uint64_t h, uint64_t now)
{
	struct pev *e;
	char *node;

	if ((e = TAILQ_FIRST(&g->freeq)) != NULL) {
		TAILQ_REMOVE(&g->freeq, e, link);
		g->nfree--;
	} else {
		if ((e = calloc(1, sizeof(*e))) == NULL)
			return NULL;
		vg_arena_init(&e->ev.arena, g->o.max_event_bytes);
	}
	/* the pipeline lifts the limit to decode; put it back */
	e->ev.arena.limit = g->o.max_event_bytes;
	e->hash = h;
	e->nodeh = nodeh;
	e->first_ms = now;
	e->cap = 0;
	e->owned = 0;
	e->lent_bytes = 0;
	e->acct = 0;
	e->pending = 0;
	e->quick = 0;
	e->lent_ix = 0;
	e->hnext = NULL;
	e->ev.sec = r->sec;
	e->ev.msec = r->msec;
	e->ev.serial = r->serial;
	e->ev.flags = r->remote ? VG_EV_REMOTE : 0;
	e->ev.recs = NULL;
	e->ev.nrecs = 0;
	e->ev.node = vg_str_make(empty, 0);
	if (r->node.len) {
		node = vg_arena_strndup(&e->ev.arena, r->node.p, r->node.len);
		if (node == NULL)
			goto fail;
		e->ev.node = vg_str_make(node, r->node.len);
	}
	return e;
fail:
	if (r->node.len >= g->o.max_event_bytes)
		g->st.oversize++;
	vg_arena_reset(&e->ev.arena);
	TAILQ_INSERT_HEAD(&g->freeq, e, link);
	g->nfree++;
	errno = ENOMEM;
	return NULL;
}

static void
pev_put(struct vg_group *g, struct pev *e)
{
	if (g->nfree >= FREE_MAX) {
		vg_arena_free(&e->ev.arena);
		free(e);
		return;
	}
	vg_arena_reset(&e->ev.arena);
	TAILQ_INSERT_HEAD(&g->freeq, e, link);
	g->nfree++;
}

static size_t
round8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* arena bytes copy_str() takes for s */
static size_t
str_cost(struct vg_str s)
{
	return s.len ? round8(s.len + 1) : 0;
}

/* s as it is (lent), the empty string for an empty one */
static struct vg_str
lend_str(struct vg_str s)
{
	return s.len ? s : vg_str_make(empty, 0);
}

static struct vg_str
copy_str(struct vg_arena *a, struct vg_str s, int *err)
{
	char *p;

	if (s.len == 0)
		return vg_str_make(empty, 0);
	if ((p = vg_arena_strndup(a, s.p, s.len)) == NULL) {
		*err = 1;
		return vg_str_make(empty, 0);
	}
	return vg_str_make(p, s.len);
}

/* Arena bytes the text of r takes. */
static size_t
text_cost(const struct vg_record *r)
{
	return str_cost(r->body) + str_cost(r->type_name) +
	    str_cost(r->enriched);
}

/* Arena bytes pev_push() takes to add r, whose text takes tc, to e (e
 * NULL: a new event, its node included). */
static size_t
push_cost(const struct pev *e, const struct vg_record *r, size_t tc)
{
	size_t need = tc, cap = e ? e->cap : 0, nrecs = e ? e->ev.nrecs : 0;

	if (nrecs == cap)
		need += round8((cap ? cap * 2 : 8) * sizeof(struct vg_erec));
	if (e == NULL)
		need += str_cost(r->node);
	return need;
}

/* Arena bytes e holds, its lent records counted as if copied. */
static size_t
held(const struct pev *e)
{
	return e->ev.arena.used + e->lent_bytes;
}

/* Takes e off the list of events with lent records. */
static void
lent_unlink(struct vg_group *g, struct pev *e)
{
	if (e->lent_ix) {
		g->lentv[e->lent_ix - 1] = NULL;
		e->lent_ix = 0;
	}
}

/* Puts e on the list of events with lent records; -1 (ENOMEM). */
static int
lent_link(struct vg_group *g, struct pev *e)
{
	struct pev **v;
	size_t ncap;

	if (e->lent_ix)
		return 0;
	if (g->nlent == g->clent) {
		ncap = g->clent ? g->clent * 2 : 64;
		if ((v = realloc(g->lentv, ncap * sizeof(*v))) == NULL)
			return -1;
		g->lentv = v;
		g->clent = ncap;
	}
	g->lentv[g->nlent++] = e;
	e->lent_ix = g->nlent;
	return 0;
}

/* Copies the text of e's lent records into its arena; -1 (ENOMEM) if
 * the memory is not there (the records are left as they were). */
static int
own_event(struct vg_group *g, struct pev *e)
{
	struct vg_erec *er, c;
	int err = 0;

	for (; e->owned < e->ev.nrecs; e->owned++) {
		er = &e->ev.recs[e->owned];
		c = *er;
		c.body = copy_str(&e->ev.arena, er->body, &err);
		c.type_name = copy_str(&e->ev.arena, er->type_name, &err);
		c.enriched = copy_str(&e->ev.arena, er->enriched, &err);
		if (err) {
			errno = ENOMEM;
			return -1;
		}
		e->lent_bytes -= str_cost(er->body) + str_cost(er->type_name) +
		    str_cost(er->enriched);
		*er = c;
	}
	lent_unlink(g, e);
	return 0;
}

/* Appends r, a copy unless it is lent; need is push_cost(e, r, tc). -1
 * (ENOMEM) if it does not fit: counted oversize when the arena limit
 * is the reason. A record that is not lent makes the event own the
 * records before it. */
static int
pev_push(struct vg_group *g, struct pev *e, const struct vg_record *r,
    size_t need, size_t tc)
{
	struct vg_arena *a = &e->ev.arena;
	struct vg_erec *recs, *er;
	size_t ncap = e->cap, used = held(e);
	int err = 0;

	if (e->ev.nrecs == e->cap)
		ncap = e->cap ? e->cap * 2 : 8;
	if (a->limit && (need > a->limit || used > a->limit - need)) {
		g->st.oversize++;
		errno = ENOMEM;
		return -1;
	}
	if (ncap != e->cap) {
		if ((recs = vg_arena_alloc(a, ncap * sizeof(*recs))) == NULL)
			return -1;
		if (e->ev.nrecs)
			memcpy(recs, e->ev.recs, e->ev.nrecs * sizeof(*recs));
		e->ev.recs = recs;
		e->cap = ncap;
	}
	er = &e->ev.recs[e->ev.nrecs];
	er->type = r->type;
	/* a lent record stays lent only if its event can be found at the
	 * next vg_group_own(); else it is copied now, as any other */
	if (r->lent && lent_link(g, e) == 0) {
		er->body = lend_str(r->body);
		er->type_name = lend_str(r->type_name);
		er->enriched = lend_str(r->enriched);
		e->lent_bytes += tc;
		e->ev.nrecs++;
		return 0;
	}
	if (own_event(g, e) == -1)
		return -1;
	er->body = copy_str(a, r->body, &err);
	er->type_name = copy_str(a, r->type_name, &err);
	er->enriched = copy_str(a, r->enriched, &err);
	if (err) {
		errno = ENOMEM;
		return -1;
	}
	e->ev.nrecs++;
	e->owned = e->ev.nrecs;
	return 0;
}

static void
hash_unlink(struct vg_group *g, struct pev *e)
{
	struct pev **pp = &g->bucket[e->hash & (g->nbucket - 1)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp != NULL)
		*pp = e->hnext;
	e->hnext = NULL;
}

/* The records of an event mostly arrive one after the other: the event
 * the last record went to is tried first, by its fields (equal fields
 * make equal hashes), before the key is hashed. */
static struct pev *
last_find(const struct vg_group *g, const struct vg_record *r)
{
	struct pev *e = g->last;

	if (e != NULL && e->ev.serial == r->serial && e->ev.sec == r->sec &&
	    e->ev.msec == r->msec && e->ev.node.len == r->node.len &&
	    (r->node.len == 0 ||
	    memcmp(e->ev.node.p, r->node.p, r->node.len) == 0))
		return e;
	return NULL;
}

static struct pev *
hash_find(const struct vg_group *g, uint64_t h, const struct vg_record *r)
{
	struct pev *e;

	for (e = g->bucket[h & (g->nbucket - 1)]; e != NULL; e = e->hnext)
		if (key_eq(e, h, r))
			return e;
	return NULL;
}

/* Hands e to the callback and recycles it. */
static void
emit(struct vg_group *g, struct pev *e, uint32_t flags)
{
	e->ev.flags |= flags;
	if (g->last == e)
		g->last = NULL;
	lent_unlink(g, e);
	if (e->quick) {
		TAILQ_REMOVE(&g->quickq, e, qlink);
		e->quick = 0;
		if (flags & VG_EV_ALONE)
			g->st.quick++;
	}
	if (e->pending) {
		hash_unlink(g, e);
		TAILQ_REMOVE(&g->pendq, e, link);
		g->npending--;
		e->pending = 0;
		done_add(g, e);
		/* before the callback: decoding grows the arena */
		g->open_bytes -= e->acct;
		e->acct = 0;
	}
	g->st.events++;
	if (flags & VG_EV_TIMEOUT)
		g->st.timeouts++;
	if (flags & VG_EV_ALONE)
		g->st.alone++;
	g->cb(&e->ev, g->arg);
	pev_put(g, e);
}

/* e's arena grew: count it in open_bytes. */
static void
account(struct vg_group *g, struct pev *e)
{
	g->open_bytes += held(e) - e->acct;
	e->acct = held(e);
}

/*
 * Makes room for need more bytes in the pending events' budget: evicts
 * the oldest pending events but keep (the one the record goes to) until
 * open_bytes + need fits. Cost: one emit per evicted event; the list walk
 * skips at most keep.
 */
static void
make_room(struct vg_group *g, size_t need, const struct pev *keep)
{
	struct pev *e;

	while (g->open_bytes + need > g->o.max_pending_bytes) {
		if ((e = TAILQ_FIRST(&g->pendq)) == keep && e != NULL)
			e = TAILQ_NEXT(e, link);
		if (e == NULL)
			return;
		g->st.evicted_mem++;
		emit(g, e, VG_EV_EVICTED);
	}
}

/* A record that becomes an event on its own (single type or late). */
static int
emit_alone(struct vg_group *g, const struct vg_record *r, uint64_t nodeh,
    uint64_t h, uint64_t now, uint32_t flags)
{
	struct pev *e;
	size_t tc;

	if ((e = pev_get(g, r, nodeh, h, now)) == NULL)
		return -1;
	tc = text_cost(r);
	if (pev_push(g, e, r, push_cost(e, r, tc), tc) == -1) {
		pev_put(g, e);
		errno = ENOMEM;
		return -1;
	}
	g->st.records++;
	emit(g, e, flags);
	return 0;
}

/* How the timer closes e: complete if none of its records is one the
 * kernel writes at syscall exit (no syscall context), else incomplete. */
static uint32_t
timeout_flag(const struct pev *e)
{
	size_t i;

	for (i = 0; i < e->ev.nrecs; i++)
		if (is_exit_type(e->ev.recs[i].type))
			return VG_EV_TIMEOUT;
	return VG_EV_ALONE;
}

static void
expire_all(struct vg_group *g, uint32_t flag)
{
	struct pev *e;
	size_t i;

	while ((e = TAILQ_FIRST(&g->pendq)) != NULL)
		emit(g, e, flag);
	for (i = 0; i < NODES; i++)
		if (g->nodes[i].used)
			gap_confirm(g, &g->nodes[i]);
}

/* The clock stepped back by more than the timeout (wall clock set back,
 * or replay of an older file): pending events could otherwise wait that
 * long, so they are flushed now as timed out. */
static void
clock_check(struct vg_group *g, uint64_t now)
{
	if (now < g->last_now && g->last_now - now > g->o.timeout_ms)
		expire_all(g, VG_EV_TIMEOUT);
	g->last_now = now;
}

struct vg_group *
vg_group_new(const struct vg_group_opts *opts, vg_event_cb *cb, void *arg)
{
	struct vg_group *g;

	if (cb == NULL) {
		errno = EINVAL;
		return NULL;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	if (opts != NULL)
		g->o = *opts;
	if (g->o.timeout_ms == 0)
		g->o.timeout_ms = DEF_TIMEOUT;
	if (g->o.quick_ms == 0)
		g->o.quick_ms = DEF_QUICK;
	if (g->o.quick_ms > g->o.timeout_ms)
		g->o.quick_ms = g->o.timeout_ms;
	if (g->o.max_pending == 0)
		g->o.max_pending = DEF_PENDING;
	if (g->o.max_pending > MAX_PENDING)
		g->o.max_pending = MAX_PENDING;
	if (g->o.max_event_bytes == 0)
		g->o.max_event_bytes = DEF_EVBYTES;
	if (g->o.max_pending_bytes == 0)
		g->o.max_pending_bytes = DEF_PENDBYTES;
	/* one event alone must fit the budget */
	if (g->o.max_event_bytes > g->o.max_pending_bytes)
		g->o.max_event_bytes = g->o.max_pending_bytes;
	g->cb = cb;
	g->arg = arg;
	TAILQ_INIT(&g->pendq);
	TAILQ_INIT(&g->quickq);
	TAILQ_INIT(&g->freeq);
	for (g->nbucket = 64; g->nbucket < 2 * g->o.max_pending;)
		g->nbucket *= 2;
	g->bucket = calloc(g->nbucket, sizeof(*g->bucket));
	g->done = calloc(DONE_N, sizeof(*g->done));
	if (g->bucket == NULL || g->done == NULL) {
		vg_group_free(g);
		errno = ENOMEM;
		return NULL;
	}
	return g;
}

void
vg_group_free(struct vg_group *g)
{
	struct pev *e;

	if (g == NULL)
		return;
	while ((e = TAILQ_FIRST(&g->pendq)) != NULL) {
		TAILQ_REMOVE(&g->pendq, e, link);
		vg_arena_free(&e->ev.arena);
		free(e);
	}
	while ((e = TAILQ_FIRST(&g->freeq)) != NULL) {
		TAILQ_REMOVE(&g->freeq, e, link);
		vg_arena_free(&e->ev.arena);
		free(e);
	}
	free(g->bucket);
	free(g->done);
	free(g->lentv);
	free(g);
}

int
vg_group_add(struct vg_group *g, const struct vg_record *r, uint64_t now)
{
	uint64_t nodeh = node_hash(r->node), h;
	struct pev *e;
	size_t need, tc;
	int single = is_single(r->type);

	clock_check(g, now);
	gap_track(g, r, nodeh, now);
	e = single ? NULL : last_find(g, r);
	h = e != NULL ? e->hash : key_hash(nodeh, r->sec, r->msec, r->serial);
	if (r->type == VG_T_EOE) {
		if (e != NULL || (e = hash_find(g, h, r)) != NULL)
			emit(g, e, VG_EV_EOE);
		else if (done_find(g, nodeh, h, r))
			g->st.late++;
		g->st.records++;
		return 0;
	}
	if (single)
		return emit_alone(g, r, nodeh, h, now, VG_EV_SINGLE);
	if (e == NULL && (e = hash_find(g, h, r)) == NULL) {
		/* a serial above every emitted one is new: the usual case
		 * live, where serials grow; no lookup in the done ring */
		if (r->serial <= g->done_hi && done_find(g, nodeh, h, r)) {
			g->st.late++;
			return emit_alone(g, r, nodeh, h, now, VG_EV_LATE);
		}
		if (g->npending >= g->o.max_pending) {
			g->st.evicted++;
			emit(g, TAILQ_FIRST(&g->pendq), VG_EV_EVICTED);
		}
		tc = text_cost(r);
		make_room(g, push_cost(NULL, r, tc), NULL);
		if ((e = pev_get(g, r, nodeh, h, now)) == NULL)
			return -1;
		if (pev_push(g, e, r, push_cost(e, r, tc), tc) == -1) {
			pev_put(g, e);
			errno = ENOMEM;
			return -1;
		}
		account(g, e);
		e->pending = 1;
		e->hnext = g->bucket[h & (g->nbucket - 1)];
		g->bucket[h & (g->nbucket - 1)] = e;
		TAILQ_INSERT_TAIL(&g->pendq, e, link);
		if (is_quick(r->type)) {
			TAILQ_INSERT_TAIL(&g->quickq, e, qlink);
			e->quick = 1;
		}
		g->npending++;
		g->st.records++;
		g->last = e;
		return e->quick;	/* 1: the deadline may come forward */
	}
	/* a syscall's own record: the event waits for its EOE */
	if (e->quick && !is_quick(r->type)) {
		TAILQ_REMOVE(&g->quickq, e, qlink);
		e->quick = 0;
	}
	/* a record the event cannot take (oversize) evicts nothing */
	tc = text_cost(r);
	need = push_cost(e, r, tc);
	if (need <= e->ev.arena.limit && held(e) <= e->ev.arena.limit - need)
		make_room(g, need, e);
	if (pev_push(g, e, r, need, tc) == -1)
		return -1;
	account(g, e);
	g->st.records++;
	g->last = e;
	return 0;
}

void
vg_group_own(struct vg_group *g)
{
	struct pev *e;
	size_t i;

	/* an event that cannot keep its records goes out as it is, while
	 * they are still there; only events given lent records are walked */
	for (i = 0; i < g->nlent; i++) {
		if ((e = g->lentv[i]) == NULL)
			continue;
		if (own_event(g, e) == -1) {
			g->st.evicted_mem++;
			emit(g, e, VG_EV_EVICTED);
		}
	}
	g->nlent = 0;
}

void
vg_group_expire(struct vg_group *g, uint64_t now)
{
	struct pev *e;
	size_t i;

	clock_check(g, now);
	/* oldest first; with a clock that only moves forward the list is
	 * sorted by first_ms, so this stops at the first young event */
	while ((e = TAILQ_FIRST(&g->pendq)) != NULL && now >= e->first_ms &&
	    now - e->first_ms >= g->o.timeout_ms)
		emit(g, e, timeout_flag(e));
	while ((e = TAILQ_FIRST(&g->quickq)) != NULL && now >= e->first_ms &&
	    now - e->first_ms >= g->o.quick_ms)
		emit(g, e, VG_EV_ALONE);
	for (i = 0; i < NODES; i++) {
		struct nodegap *n = &g->nodes[i];

		if (n->used && n->open && now >= n->gap_since &&
		    now - n->gap_since >= g->o.timeout_ms)
			gap_confirm(g, n);
	}
}

void
vg_group_flush(struct vg_group *g)
{
	expire_all(g, VG_EV_FLUSHED);
}

uint64_t
vg_group_deadline(const struct vg_group *g)
{
	const struct pev *e = TAILQ_FIRST(&g->pendq);
	const struct pev *q = TAILQ_FIRST(&g->quickq);
	uint64_t d;

	if (e == NULL)
		return UINT64_MAX;
	if (e->first_ms > UINT64_MAX - g->o.timeout_ms)
		d = UINT64_MAX - 1;
	else
		d = e->first_ms + g->o.timeout_ms;
	if (q != NULL && q->first_ms <= UINT64_MAX - g->o.quick_ms &&
	    q->first_ms + g->o.quick_ms < d)
		d = q->first_ms + g->o.quick_ms;
	return d;
}

uint64_t
vg_group_timeout(const struct vg_group *g)
{
	return g->o.timeout_ms;
}

size_t
vg_group_pending(const struct vg_group *g)
{
	return g->npending;
}

size_t
vg_group_pending_bytes(const struct vg_group *g)
{
	return g->open_bytes;
}

const struct vg_group_stats *
vg_group_stats(const struct vg_group *g)
{
	return &g->st;
}
