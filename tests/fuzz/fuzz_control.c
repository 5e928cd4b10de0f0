/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_control.c: libFuzzer harness for the control protocol
 * (src/control.c). Each input is one client's bytes, sent to a real
 * control socket served on a libevent loop in this process, then the
 * client half-closes. Checks the reply contract: exactly one "ok\n" or
 * "error: ...\n" head, the server closes, the handler runs only for a
 * request vg_control_parse accepts, and acting requests (done) only
 * after an "ok".
 */
#include "fuzz_common.h"

#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "vigil/control.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int answered, acted;

static int
answer(void *arg, const struct vg_control_req *req, struct vg_buf *out,
    int *after)
{
	(void)arg;
	answered++;
	FZ_ASSERT(req->cmd <= VG_CTL_STOP);
	FZ_ASSERT(!req->json || req->cmd == VG_CTL_STATE ||
	    req->cmd == VG_CTL_TOP);
	if (vg_control_cmd_privileged(req->cmd))
		*after = 1;
	vg_buf_adds(out, "body\n");
	return 0;
}

static void
done(void *arg, const struct vg_control_req *req)
{
	(void)arg;
	FZ_ASSERT(vg_control_cmd_privileged(req->cmd));
	acted++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base *base;
	static struct vg_control *ctl;
	static char path[108];
	const struct vg_control_handler h = { answer, done, NULL };
	struct sockaddr_un sun;
	char reply[4096];
	size_t got = 0, off = 0;
	ssize_t n;
	int fd, i, eof = 0;

	fz_quiet();
	if (base == NULL) {
		snprintf(path, sizeof(path), "/tmp/fuzz-control.%d",
		    (int)getpid());
		FZ_ASSERT((base = event_base_new()) != NULL);
		FZ_ASSERT((ctl = vg_control_open(base, path, 0, 0, &h)) !=
		    NULL);
	}
	answered = acted = 0;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	FZ_ASSERT(fd != -1);
	FZ_ASSERT(connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	for (i = 0; i < 10000 && !eof; i++) {
		if (off < size) {
			n = send(fd, data + off, size - off, MSG_NOSIGNAL);
			if (n > 0)
				off += (size_t)n;
			else if (n == -1 && errno != EAGAIN)
				off = size;	/* server closed early */
			if (off == size)
				shutdown(fd, SHUT_WR);
		} else if (i == 0)
			shutdown(fd, SHUT_WR);
		event_base_loop(base, EVLOOP_NONBLOCK | EVLOOP_ONCE);
		n = recv(fd, reply + got, sizeof(reply) - 1 - got, 0);
		if (n > 0)
			got += (size_t)n;
		else if (n == 0 || (n == -1 && errno != EAGAIN))
			eof = 1;
	}
	close(fd);
	FZ_ASSERT(eof);			/* the server always closes */
	reply[got] = '\0';
	if (got == 0) {
		/* only an empty exchange goes unanswered */
		FZ_ASSERT(answered == 0);
		return 0;
	}
	FZ_ASSERT(strncmp(reply, "ok\n", 3) == 0 ||
	    strncmp(reply, "error: ", 7) == 0);
	FZ_ASSERT(strchr(reply, '\n') != NULL);
	if (strncmp(reply, "ok\n", 3) == 0)
		FZ_ASSERT(answered == 1 && strcmp(reply, "ok\nbody\n") == 0);
	else
		FZ_ASSERT(answered == 0 && acted == 0);
	FZ_ASSERT(acted <= answered);
	return 0;
}
