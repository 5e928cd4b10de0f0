/*
 * replay.c: reads audit logs (auditd RAW or ENRICHED, "-" = stdin) into
 * the pipeline. Time comes from the records, so output is deterministic.
 * Lines longer than VG_MAX_RECORD are skipped and counted, never cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/input.h"
#include "vigil/log.h"
#include "vigil/pipeline.h"
#include "vigil/record.h"

#define RBUF	(1024 * 1024)

struct replay {
	struct vg_pipeline	*pl;
	uint64_t		 clock;		/* latest record time, ms */
	uint64_t		 deadline;	/* cached vg_pipeline_deadline */
	struct vg_line_memo	 lm;		/* stamps, type names */
};

static void
replay_line(struct replay *rp, const char *p, size_t len)
{
	struct vg_record rec;
	uint64_t t;

	if (len && p[len - 1] == '\r')
		len--;
	if (len == 0)
		return;
	if (vg_parse_line_memo(p, len, &rec, &rp->lm) == -1) {
		/* comments and blank lines are not errors */
		if (p[0] != '#')
			vg_pipeline_bad_line(rp->pl, p, len);
		return;
	}
	t = rec.sec * 1000 + rec.msec;
	if (t > rp->clock)
		rp->clock = t;
	vg_pipeline_record(rp->pl, &rec, rp->clock);
	if (rp->clock >= rp->deadline) {
		vg_pipeline_expire(rp->pl, rp->clock);
		rp->deadline = vg_pipeline_deadline(rp->pl);
	} else if (rp->deadline == UINT64_MAX)
		rp->deadline = vg_pipeline_deadline(rp->pl);
}

static int
replay_fd(struct replay *rp, int fd)
{
	char *buf, *nl;
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
			free(buf);
			return -1;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		start = 0;
		i = have - (size_t)n;
		while ((nl = memchr(buf + i, '\n', have - i)) != NULL) {
			i = (size_t)(nl - buf);
			if (!skipping)
				replay_line(rp, buf + start, i - start);
			skipping = 0;
			start = ++i;
		}
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
		replay_line(rp, buf, have);
	free(buf);
	return 0;
}

int
vg_replay_files(struct vg_pipeline *pl, char *const files[], int nfiles)
{
	struct replay rp;
	int i, fd, rc = 0;

	memset(&rp, 0, sizeof(rp));
	rp.pl = pl;
	rp.deadline = UINT64_MAX;

	for (i = 0; i < nfiles; i++) {
		if (strcmp(files[i], "-") == 0)
			fd = STDIN_FILENO;
		else if ((fd = open(files[i], O_RDONLY | O_CLOEXEC)) == -1) {
			vg_log_warn("%s", files[i]);
			rc = -1;
			continue;
		}
		if (replay_fd(&rp, fd) == -1) {
			vg_log_warn("read %s", files[i]);
			rc = -1;
		}
		if (fd != STDIN_FILENO)
			close(fd);
	}
	vg_pipeline_flush(pl);
	return rc;
}
