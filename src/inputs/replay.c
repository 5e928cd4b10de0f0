/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * replay.c: reads audit logs (auditd RAW or ENRICHED, "-" = stdin) into
 * the pipeline. Time comes from the records, so output is deterministic.
 * Lines longer than VG_MAX_RECORD are skipped and counted, never cut.
 * Records are lent to the grouper (vg_record.lent): the read buffer
 * keeps their text until it is moved or refilled, then the pending
 * events copy theirs (vg_pipeline_own).
 * Progress on stderr: progress.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "vigil/input.h"
#include "vigil/log.h"
#include "vigil/pipeline.h"
#include "vigil/progress.h"
#include "vigil/record.h"

#define RBUF	(1024 * 1024)

struct replay {
	struct vg_pipeline	*pl;
	uint64_t		 clock;		/* latest record time, ms */
	uint64_t		 deadline;	/* cached vg_pipeline_deadline */
	uint64_t		 timeout;	/* the grouper's, ms */
	int			 new_file;	/* next record: a file's first */
	struct vg_line_memo	 lm;		/* stamps, type names */
	struct vg_progress	 pg;		/* on stderr (progress.h) */
};

/*
 * The clock is the latest record time seen: records a little out of
 * order, those of a syscall that blocked (they carry its entry time,
 * seconds before the records around them) and those of nodes whose clocks
 * differ do not move it back. A file's first record does when it is older
 * by more than the timeout (an older file after a newer one: --replay
 * audit.log*, newest first): the grouper times out what is open
 * (clock_check) and the file goes on its own time. Kept ahead, the
 * clock would leave the events of that file never old enough to time out.
 */
static void
replay_clock(struct replay *rp, uint64_t t)
{
	int first = rp->new_file;

	rp->new_file = 0;
	if (t > rp->clock)
		rp->clock = t;
	else if (first && rp->clock - t > rp->timeout) {
		rp->clock = t;
		rp->deadline = UINT64_MAX;	/* from the events open after */
	}
}

/* sep: the first 0x1D at or after p in the buffer, NULL if none */
static void
replay_line(struct replay *rp, const char *p, size_t len, const char *sep)
{
	struct vg_record rec;
	int rc, quick;

	if (len && p[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	rp->lm.sep_known = 1;
	rp->lm.sep = sep != NULL && sep < p + len ? sep : NULL;
	rc = vg_parse_line_memo(p, len, &rec, &rp->lm);
	rp->lm.sep_known = 0;
	if (rc == -1) {
		/* comments and blank lines are not errors */
		if (p[0] != '#')
			vg_pipeline_bad_line(rp->pl, p, len);
		return;
	}
	rec.lent = 1;
	replay_clock(rp, rec.sec * 1000 + rec.msec);
	quick = vg_pipeline_record(rp->pl, &rec, rp->clock);
	/* the deadline is cached (asking costs a call per record): it comes
	 * forward only when an event opens with nothing pending, or when an
	 * event of a quick type (a configuration change: quick_ms) opens
	 * behind an older one */
	if (rp->clock >= rp->deadline) {
		vg_pipeline_expire(rp->pl, rp->clock);
		rp->deadline = vg_pipeline_deadline(rp->pl);
	} else if (quick || rp->deadline == UINT64_MAX)
		rp->deadline = vg_pipeline_deadline(rp->pl);
}

static int
replay_fd(struct replay *rp, int fd)
{
	char *buf, *nl, *sep;
	size_t have = 0, start, i;
	ssize_t n;
	int skipping = 0;

	if ((buf = malloc(RBUF)) == NULL)
		return -1;
	for (;;) {
		n = read(fd, buf + have, RBUF - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			vg_pipeline_own(rp->pl);
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		vg_progress_read(&rp->pg, (uint64_t)n);
		have += (size_t)n;
		start = 0;
		i = have - (size_t)n;
		/* ENRICHED separators: one search for the lines that have
		 * none, not one per line */
		sep = memchr(buf, VG_ENRICH_SEP, have);
		while ((nl = memchr(buf + i, '\n', have - i)) != NULL) {
			i = (size_t)(nl - buf);
			if (sep != NULL && sep < buf + start)
				sep = memchr(buf + start, VG_ENRICH_SEP,
				    have - start);
			if (!skipping)
				replay_line(rp, buf + start, i - start, sep);
			skipping = 0;
			start = ++i;
		}
		/* the lines read are about to move or be overwritten */
		vg_pipeline_own(rp->pl);
		if (start > 0) {
			memmove(buf, buf + start, have - start);
			have -= start;
		} else if (have == RBUF || (have > VG_MAX_RECORD && !skipping)) {
			/* line too long: report once, drop until newline */
			if (!skipping)
				vg_pipeline_bad_line(rp->pl, buf, have);
			skipping = 1;
			have = 0;
		}
		if (skipping)
			have = 0;
	}
	if (have > 0 && !skipping)		/* no trailing newline */
		replay_line(rp, buf, have, memchr(buf, VG_ENRICH_SEP, have));
	vg_pipeline_own(rp->pl);
	free(buf);
	return 0;
}

#define LATER	(-2)	/* fds[i]: opened when its turn comes */

int *
vg_replay_open(char *const files[], int nfiles)
{
	struct stat st;
	int *fds, i;

	if ((fds = calloc((size_t)nfiles + 1, sizeof(*fds))) == NULL)
		return NULL;
	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0)
			fds[i] = STDIN_FILENO;
		else if (stat(files[i], &st) == 0 && !S_ISREG(st.st_mode))
			fds[i] = LATER;	/* a fifo blocks until read */
		else if ((fds[i] = open(files[i], O_RDONLY | O_CLOEXEC)) ==
		    -1) {
			if (errno == EMFILE || errno == ENFILE)
				fds[i] = LATER;
			else
				vg_log_warn("%s", files[i]);
		}
	}
	return fds;
}

int
vg_replay_fds(struct vg_pipeline *pl, int fds[], char *const files[],
    int nfiles)
{
	struct replay rp = { .pl = pl, .deadline = UINT64_MAX,
	    .timeout = vg_pipeline_timeout(pl) };
	int i, rc = 0;

	vg_progress_start(&rp.pg, pl, files, nfiles);
	for (i = 0; i < nfiles; i++) {
		if (fds[i] == LATER &&
		    (fds[i] = open(files[i], O_RDONLY | O_CLOEXEC)) == -1)
			vg_log_warn("%s", files[i]);
		if (fds[i] == -1) {	/* said why */
			rc = -1;
			continue;
		}
		rp.new_file = 1;
		if (replay_fd(&rp, fds[i]) == -1) {
			vg_log_warn("read %s", files[i]);
			rc = -1;
		}
		/* done with it: a long list does not hold every file open */
		if (fds[i] > STDIN_FILENO) {
			close(fds[i]);
			fds[i] = -1;
		}
	}
	vg_pipeline_flush(pl);
	vg_progress_end(&rp.pg);
	return rc;
}

void
vg_replay_close(int *fds, int nfiles)
{
	int i;

	if (fds == NULL)
		return;
	for (i = 0; i < nfiles; i++)
		if (fds[i] > STDIN_FILENO)
			close(fds[i]);
	free(fds);
}

int
vg_replay_files(struct vg_pipeline *pl, char *const files[], int nfiles)
{
	int *fds, rc;

	if ((fds = vg_replay_open(files, nfiles)) == NULL)
		return -1;
	rc = vg_replay_fds(pl, fds, files, nfiles);
	vg_replay_close(fds, nfiles);
	return rc;
}
