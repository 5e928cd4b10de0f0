/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * progress.c: the progress of a replay on stderr (progress.h). Reads
 * the clock once per read(2) of the replay (1 MiB), the pipeline's
 * counters only when it redraws: nothing per record.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vigil/clock.h"
#include "vigil/pipeline.h"
#include "vigil/progress.h"

#define NS		1000000000ull
#define TTY_EVERY	(NS / 4)
#define LINE_EVERY	NS

static enum vg_progress_mode mode = VG_PROGRESS_OFF;	/* vigild: AUTO */

void
vg_progress_mode(enum vg_progress_mode m)
{
	mode = m;
}

void
vg_progress_start(struct vg_progress *p, struct vg_pipeline *pl,
    char *const files[], int nfiles)
{
	struct stat st;
	int i;

	memset(p, 0, sizeof(*p));
	p->tty = isatty(STDERR_FILENO);
	p->on = mode == VG_PROGRESS_ON || (mode == VG_PROGRESS_AUTO && p->tty);
	if (!p->on)
		return;
	p->pl = pl;
	for (i = 0; i < nfiles; i++)
		if (strcmp(files[i], "-") != 0 && stat(files[i], &st) == 0 &&
		    S_ISREG(st.st_mode))
			p->total += (uint64_t)st.st_size;
	p->t0 = vg_clock_mono_ns();
	p->next = p->t0;
}

/* "1.2 MB" */
static void
mb(char *s, size_t len, uint64_t bytes)
{
	snprintf(s, len, "%.1f MB", (double)bytes / 1e6);
}

static void
draw(struct vg_progress *p, uint64_t now)
{
	const struct vg_counters *c = vg_pipeline_counters(p->pl);
	double secs = (double)(now - p->t0) / 1e9;
	double rate = secs > 0 ? (double)c->records / secs : 0;
	char done[32], total[32], eta[32] = "";
	unsigned long left;

	mb(done, sizeof(done), p->done);
	if (p->total > 0) {
		mb(total, sizeof(total), p->total);
		if (p->done > 0 && p->done < p->total && secs >= 0.5) {
			left = (unsigned long)(secs * (double)(p->total -
			    p->done) / (double)p->done + 0.5);
			snprintf(eta, sizeof(eta), ", ETA %lu:%02lu",
			    left / 60, left % 60);
		}
		fprintf(stderr, "%sreplay: %s / %s (%.0f%%), %.0f records/s, "
		    "%llu events%s%s", p->tty ? "\r" : "", done, total,
		    100.0 * (double)p->done / (double)p->total, rate,
		    (unsigned long long)c->events, eta,
		    p->tty ? "\033[K" : "\n");
	} else
		fprintf(stderr, "%sreplay: %s, %.0f records/s, %llu events%s",
		    p->tty ? "\r" : "", done, rate,
		    (unsigned long long)c->events, p->tty ? "\033[K" : "\n");
	fflush(stderr);
}

void
vg_progress_read(struct vg_progress *p, uint64_t n)
{
	uint64_t now;

	if (!p->on)
		return;
	p->done += n;
	if ((now = vg_clock_mono_ns()) < p->next)
		return;
	p->next = now + (p->tty ? TTY_EVERY : LINE_EVERY);
	draw(p, now);
}

void
vg_progress_end(struct vg_progress *p)
{
	const struct vg_counters *c;
	uint64_t now;
	double secs;
	char done[32];

	if (!p->on)
		return;
	now = vg_clock_mono_ns();
	c = vg_pipeline_counters(p->pl);
	secs = (double)(now - p->t0) / 1e9;
	mb(done, sizeof(done), p->done);
	fprintf(stderr, "%sreplay: done: %s in %.2f s, %llu records "
	    "(%.0f/s), %llu events, %llu parse errors, %llu dropped by "
	    "filters%s\n", p->tty ? "\r" : "", done, secs,
	    (unsigned long long)c->records, secs > 0 ?
	    (double)c->records / secs : 0, (unsigned long long)c->events,
	    (unsigned long long)c->parse_errors,
	    (unsigned long long)c->dropped, p->tty ? "\033[K" : "");
}
