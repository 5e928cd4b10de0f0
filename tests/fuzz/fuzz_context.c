/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_context.c: libFuzzer harness for the process context
 * (src/context/): a record stream is grouped and every event goes through
 * vg_ctx_event (no /proc: the table is the stream's alone, a small one, so
 * entries are evicted) and is laid out by the JSON sink (the context text
 * pasted from an entry's cache when the table did not change) and the
 * tree sink (written afresh): the lines must be equal, byte for byte.
 * Every SYSCALL record is also read through the memo and whole
 * (ctx_sysrec.c), three times (kept at the second, given at the third),
 * and again with a kernel's head before its text from "ppid=" (the tail
 * from the memo): the readings must agree, field for field. The table and
 * the memo carry over between inputs.
 */
#include "fuzz_common.h"

#include "context/ctx_priv.h"
#include "vigil/decode.h"
#include "vigil/event.h"
#include "vigil/json.h"
#include "vigil/rectype.h"
#include "vigil/sink_json.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct vg_ctx	*ctx;
static struct vg_jsink	*js;
static struct vg_buf	 out, tout;

static int
same_str(struct vg_str a, struct vg_str b)
{
	if (a.p == NULL || b.p == NULL)
		return a.p == b.p;
	return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

/* r read through the memo and whole: the same fields and ids. */
static void
check_read(const struct vg_erec *r)
{
	struct ctx_sysrec a, b;
	struct ctx_cur ca, cb;
	unsigned i;

	memset(&ctx->cur, 0, sizeof(ctx->cur));
	ctx_read_sysrec(ctx, r, &a);
	ca = ctx->cur;
	memset(&ctx->cur, 0, sizeof(ctx->cur));
	ctx_read_sysrec_whole(ctx, r, &b);
	cb = ctx->cur;
	FZ_ASSERT(a.arch == b.arch && a.nr == b.nr);
	FZ_ASSERT(a.success == b.success && a.exit == b.exit);
	FZ_ASSERT(a.a0 == b.a0 && a.pid == b.pid && a.ppid == b.ppid);
	FZ_ASSERT(same_str(a.comm, b.comm) && same_str(a.exe, b.exe) &&
	    same_str(a.key, b.key));
	FZ_ASSERT(ca.idmask == cb.idmask);
	for (i = 0; i < CTX_NIDS; i++)
		if (ca.idmask & (1u << i))
			FZ_ASSERT(ca.ids[i] == cb.ids[i]);
}

/* The text from "ppid=" of r behind kernel heads that differ. */
static void
check_heads(const struct vg_erec *r)
{
	static unsigned n;
	struct vg_erec v = *r;
	const char *t;
	char *text;
	size_t hl, tl;
	int k;

	if (r->body.len == 0 || (t = memmem(r->body.p, r->body.len, "ppid=",
	    5)) == NULL)
		return;
	tl = r->body.len - (size_t)(t - r->body.p);
	FZ_ASSERT((text = malloc(tl + 128)) != NULL);
	for (k = 0; k < 3; k++) {
		hl = (size_t)snprintf(text, 128, "arch=c000003e syscall=%u "
		    "success=yes exit=%u a0=%x a1=0 a2=0 a3=0 items=0 ",
		    56 + k, n++ % 100000, k);
		memcpy(text + hl, t, tl);
		v.body = vg_str_make(text, hl + tl);
		check_read(&v);
	}
	free(text);
}

static void
on_event(struct vg_event *ev, void *arg)
{
	struct vg_node *doc;
	size_t i;
	int k;

	(void)arg;
	for (i = 0; i < ev->nrecs; i++)
		if (ev->recs[i].type == VG_T_SYSCALL) {
			for (k = 0; k < 3; k++)
				check_read(&ev->recs[i]);
			check_heads(&ev->recs[i]);
		}
	vg_ctx_event(ctx, ev);
	vg_buf_reset(&out);
	if (vg_jsink_event(js, ev, &out, NULL) != 0)
		return;
	if ((doc = vg_decode_event(ev, NULL)) == NULL)
		return;		/* arena limit */
	vg_buf_reset(&tout);
	vg_json_write(doc, &tout);
	fz_check_json_line(&out);
	FZ_ASSERT(out.len == tout.len);
	FZ_ASSERT(memcmp(out.data, tout.data, out.len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_quiet();
	if (ctx == NULL) {
		struct vg_ctx_opts o;
		char msg[256];

		vg_ctx_opts_init(&o);
		o.proc = 0;
		o.max_procs = 64;
		o.host = "fuzzhost";
		FZ_ASSERT((ctx = vg_ctx_new(&o, msg, sizeof(msg))) != NULL);
		FZ_ASSERT((js = vg_jsink_new()) != NULL);
		vg_buf_init(&out);
		vg_buf_init(&tout);
	}
	fz_feed_events(data, size, on_event, NULL);
	return 0;
}
