/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_client.c: vigilctl's requests to a running vigild over its control
 * socket (docs/operating.md): state, metrics, top, and --signal through
 * the socket. Owns the presentation (text, JSON, the top screen and its
 * rates); the daemon only sends counts. Never touches the kernel except
 * to ask which process is the audit daemon.
 */
#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil/clock.h"
#include "vigil/control.h"
#include "vigil/ctl_client.h"
#include "vigil/netlink.h"
#include "vigil/topk.h"

#define TIMEOUT_MS	5000
#define ROWS		10	/* items shown per dimension */

static const char *
control_path(const char *given)
{
	const char *e;

	if (given != NULL)
		return given;
	if ((e = getenv("VIGIL_CONTROL")) != NULL && *e != '\0')
		return e;
	return VG_CONTROL_PATH;
}

/* Sends line; prints the body to stdout (ok) or stderr. Exit status. */
static int
simple(const char *path, const char *line)
{
	struct vg_buf b;
	int rc;

	vg_buf_init(&b);
	rc = vg_control_call(path, line, &b, TIMEOUT_MS);
	if (rc == -1) {
		fprintf(stderr, "vigilctl: %s: %s\n", path, strerror(errno));
		vg_buf_free(&b);
		return 1;
	}
	fwrite(b.data, 1, b.len, rc == 0 ? stdout : stderr);
	fflush(stdout);
	vg_buf_free(&b);
	return rc == 0 ? 0 : 1;
}

/* ---- top ---- */

struct snap {
	struct json_object	*j;
	uint64_t		 ms;		/* daemon's uptime */
};

static int
top_snap(const char *path, struct snap *s)
{
	struct vg_buf b;
	struct json_object *u;
	int rc;

	vg_buf_init(&b);
	rc = vg_control_call(path, "top json", &b, TIMEOUT_MS);
	if (rc != 0) {
		if (rc == -1)
			fprintf(stderr, "vigilctl: %s: %s\n", path,
			    strerror(errno));
		else
			fprintf(stderr, "vigilctl: %.*s", (int)b.len, b.data);
		vg_buf_free(&b);
		return -1;
	}
	vg_buf_addc(&b, '\0');
	s->j = b.oom ? NULL : json_tokener_parse(b.data);
	vg_buf_free(&b);
	if (s->j == NULL || !json_object_object_get_ex(s->j, "uptime_ms",
	    &u)) {
		fprintf(stderr, "vigilctl: top: bad reply\n");
		json_object_put(s->j);
		s->j = NULL;
		return -1;
	}
	s->ms = (uint64_t)json_object_get_int64(u);
	return 0;
}

static uint64_t
num(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v))
		return 0;
	return (uint64_t)json_object_get_int64(v);
}

/* The item's count in the previous snapshot; its err if it was not in
 * it (it entered the table since, inheriting err). */
static uint64_t
prev_count(struct json_object *pitems, const char *value, uint64_t err)
{
	size_t i, n = pitems ? json_object_array_length(pitems) : 0;

	for (i = 0; i < n; i++) {
		struct json_object *it = json_object_array_get_idx(pitems, i);
		struct json_object *v;

		if (json_object_object_get_ex(it, "value", &v) &&
		    strcmp(json_object_get_string(v), value) == 0)
			return num(it, "count");
	}
	return err;
}

struct row {
	const char	*value;
	double		 rate;
	uint64_t	 count, err;
};

static int
by_rate(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->rate != y->rate)
		return x->rate < y->rate ? 1 : -1;
	return x->count < y->count ? 1 : x->count > y->count ? -1 : 0;
}

/* The rows of one dimension, rates over dt seconds, sorted. */
static int
rows(struct json_object *cur, struct json_object *prev, const char *dim,
    double dt, struct row *r, int max, double *total)
{
	struct json_object *d, *pd = NULL, *items, *pitems = NULL, *v;
	size_t i, n;
	int k = 0;

	*total = 0;
	if (!json_object_object_get_ex(cur, dim, &d) ||
	    !json_object_object_get_ex(d, "items", &items))
		return 0;
	if (prev != NULL && json_object_object_get_ex(prev, dim, &pd))
		(void)json_object_object_get_ex(pd, "items", &pitems);
	*total = pd != NULL && dt > 0 ? (double)(num(d, "total") -
	    num(pd, "total")) / dt : (double)num(d, "total");
	n = json_object_array_length(items);
	for (i = 0; i < n && k < max; i++) {
		struct json_object *it = json_object_array_get_idx(items, i);
		uint64_t c = num(it, "count"), e = num(it, "err"), p;

		if (!json_object_object_get_ex(it, "value", &v))
			continue;
		r[k].value = json_object_get_string(v);
		r[k].count = c;
		r[k].err = e;
		if (prev != NULL && dt > 0) {
			p = prev_count(pitems, r[k].value, e);
			r[k].rate = c > p ? (double)(c - p) / dt : 0;
		} else
			r[k].rate = (double)c;
		k++;
	}
	qsort(r, (size_t)k, sizeof(*r), by_rate);
	return k;
}

static const char *const dims[] = { "key", "exe", "syscall", "uid" };

static void
top_json(const struct snap *cur, const struct snap *prev)
{
	struct json_object *out = json_object_new_object(), *k;
	double dt = prev ? (double)(cur->ms - prev->ms) / 1000 : 0;
	struct row r[VG_TOPK_K];
	double total;
	size_t d;
	int i, n;

	json_object_object_add(out, "interval_seconds",
	    json_object_new_double(dt));
	json_object_object_add(out, "events_per_second",
	    json_object_new_double(prev && dt > 0 ? (double)(num(cur->j,
	    "events") - num(prev->j, "events")) / dt : 0));
	json_object_object_add(out, "events", json_object_new_int64(
	    (int64_t)num(cur->j, "events")));
	if (json_object_object_get_ex(cur->j, "kernel", &k))
		json_object_object_add(out, "kernel", json_object_get(k));
	for (d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		struct json_object *arr = json_object_new_array();

		n = rows(cur->j, prev ? prev->j : NULL, dims[d], dt, r,
		    VG_TOPK_K, &total);
		for (i = 0; i < n; i++) {
			struct json_object *o = json_object_new_object();

			json_object_object_add(o, "value",
			    json_object_new_string(r[i].value));
			json_object_object_add(o, "per_second",
			    json_object_new_double(r[i].rate));
			json_object_object_add(o, "share",
			    json_object_new_double(total > 0 ?
			    r[i].rate / total : 0));
			json_object_object_add(o, "count",
			    json_object_new_int64((int64_t)r[i].count));
			json_object_object_add(o, "max_error",
			    json_object_new_int64((int64_t)r[i].err));
			json_object_array_add(arr, o);
		}
		json_object_object_add(out, dims[d], arr);
	}
	puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(out);
}

/* Printable: control bytes of a label shown as '?'. */
static void
put_label(const char *s, int width)
{
	int i;

	for (i = 0; s[i] != '\0' && i < width; i++)
		putchar((unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i]);
	for (; i < width; i++)
		putchar(' ');
}

static void
top_screen(const struct snap *cur, const struct snap *prev, int ansi)
{
	double dt = prev ? (double)(cur->ms - prev->ms) / 1000 : 0;
	struct json_object *k = NULL;
	struct row r[VG_TOPK_K];
	double total;
	size_t d;
	int i, n;

	if (ansi)
		fputs("\033[H\033[2J", stdout);
	(void)json_object_object_get_ex(cur->j, "kernel", &k);
	printf("vigild top  events %" PRIu64 "  %.1f events/s  kernel lost "
	    "%" PRIu64 " backlog %" PRIu64 "  (uptime %" PRIu64 "s)\n",
	    num(cur->j, "events"), prev && dt > 0 ? (double)(num(cur->j,
	    "events") - num(prev->j, "events")) / dt : 0.0, num(k, "lost"),
	    num(k, "backlog"), cur->ms / 1000);
	for (d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
		n = rows(cur->j, prev ? prev->j : NULL, dims[d], dt, r,
		    VG_TOPK_K, &total);
		printf("\n%-8s %10s %6s %12s  %s\n", dims[d],
		    prev ? "events/s" : "events", "share", "total", "value");
		for (i = 0; i < n && i < ROWS; i++) {
			printf("%-8s %10.1f %5.1f%% %12" PRIu64 "  ", "",
			    r[i].rate, total > 0 ? 100 * r[i].rate / total :
			    0.0, r[i].count);
			put_label(r[i].value, 50);
			putchar('\n');
		}
	}
	fflush(stdout);
}

static volatile sig_atomic_t stop_top;

static void
on_int(int sig)
{
	(void)sig;
	stop_top = 1;
}

static int
top(const char *path, int once, int json)
{
	struct snap prev = { NULL, 0 }, cur = { NULL, 0 };
	int ansi = !json && !once && isatty(STDOUT_FILENO);
	struct timespec ts = { 1, 0 };

	signal(SIGINT, on_int);
	signal(SIGTERM, on_int);
	if (top_snap(path, &prev) == -1)
		return 1;
	for (;;) {
		(void)nanosleep(&ts, NULL);
		if (stop_top)
			break;
		if (top_snap(path, &cur) == -1) {
			json_object_put(prev.j);
			return 1;
		}
		if (json)
			top_json(&cur, &prev);
		else
			top_screen(&cur, &prev, ansi);
		json_object_put(prev.j);
		prev = cur;
		cur.j = NULL;
		if (once || stop_top)
			break;
	}
	json_object_put(prev.j);
	return 0;
}

/* ---- --signal through the socket ---- */

/*
 * Whether the daemon on the socket is the one --signal means: the audit
 * daemon (the kernel's audit pid). A multicast vigild beside auditd is
 * not; then --signal goes to the audit pid as auditctl's does.
 */
static int
socket_is_audit_daemon(const char *path)
{
	struct audit_status st;
	struct vg_nl *nl;
	struct vg_buf b;
	long pid = -1;
	const char *p;
	int rc;

	vg_buf_init(&b);
	rc = vg_control_call(path, "version", &b, TIMEOUT_MS);
	if (rc == 0) {
		vg_buf_addc(&b, '\0');
		if (!b.oom && (p = strstr(b.data, " pid ")) != NULL)
			pid = strtol(p + 5, NULL, 10);
	}
	vg_buf_free(&b);
	if (rc != 0 || pid <= 0)
		return 0;
	if ((nl = vg_nl_open(0)) == NULL)
		return 1;	/* cannot ask: the socket is all there is */
	rc = vg_nl_get_status(nl, &st);
	vg_nl_close(nl);
	return rc == -1 || st.pid == 0 || (long)st.pid == pid;
}

int
vg_ctlc_run(int argc, char *argv[], int *handled)
{
	const char *cmd = NULL, *path = NULL, *sig = NULL;
	int i, json = 0, once = 0;
	char line[64];

	*handled = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "--control") == 0 && i + 1 < argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--control=", 10) == 0)
			path = argv[i] + 10;
		else if (strcmp(argv[i], "--signal") == 0 && i + 1 < argc)
			sig = argv[++i];
		else if (strncmp(argv[i], "--signal=", 9) == 0)
			sig = argv[i] + 9;
		else if (i == 1 && (strcmp(argv[i], "state") == 0 ||
		    strcmp(argv[i], "top") == 0 ||
		    strcmp(argv[i], "metrics") == 0))
			cmd = argv[i];
		else
			return 0;	/* auditctl syntax: not ours */
	}
	path = control_path(path);
	if (cmd != NULL && sig == NULL) {
		*handled = 1;
		if (strcmp(cmd, "top") == 0)
			return top(path, once, json);
		if (once || (json && strcmp(cmd, "metrics") == 0)) {
			fprintf(stderr, "vigilctl: %s: unexpected option\n",
			    cmd);
			return 1;
		}
		snprintf(line, sizeof(line), "%s%s", cmd, json ? " json" : "");
		return simple(path, line);
	}
	if (sig == NULL || cmd != NULL || once)
		return 0;
	/* --signal NAME: through the socket if the audit daemon has one */
	{
		static const struct {
			const char *name, *alias, *req;
		} m[] = {
			{ "TERM", "stop", "stop" }, { "HUP", "reload", "reload" },
			{ "USR1", "rotate", "rotate" },
			{ "USR2", "resume", "resume" },
			{ "CONT", "state", "state" },
		};
		size_t k;

		for (k = 0; k < sizeof(m) / sizeof(m[0]); k++)
			if (strcasecmp(sig, m[k].name) == 0 ||
			    strcasecmp(sig, m[k].alias) == 0)
				break;
		if (k == sizeof(m) / sizeof(m[0]) || (json && k != 4) ||
		    access(path, F_OK) != 0 || !socket_is_audit_daemon(path))
			return 0;
		*handled = 1;
		snprintf(line, sizeof(line), "%s%s", m[k].req,
		    json ? " json" : "");
		return simple(path, line);
	}
}
