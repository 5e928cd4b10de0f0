// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdnotify.c: sd_notify(3) without libsystemd: one AF_UNIX datagram to
 * $NOTIFY_SOCKET. The protocol is documented as stable; linking
 * libsystemd (and what it pulls in) into the audit daemon for it is not
 * worth it. Owns no state; never logs, never blocks.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vigil/sdnotify.h"

int
vg_sdnotify(const char *state)
{
	struct sockaddr_un sa;
	const char *name = getenv("NOTIFY_SOCKET");
	size_t len;
	socklen_t salen;
	ssize_t n;
	int fd, saved;

	if (name == NULL || name[0] == '\0')
		return 0;
	if (strncmp(name, "vsock:", 6) == 0) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	len = strlen(name);
	/* a path (NUL-terminated) or '@' + abstract name (not terminated) */
	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len >= sizeof(sa.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '/'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd == -1)
		return -1;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sa, salen);
	saved = errno;
	close(fd);
	if (n == -1) {
		errno = saved;
		return -1;
	}
	return 1;
}

int
vg_sdnotify_reloading(void)
{
	struct timespec ts;
	char msg[64];

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return -1;
	snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	return vg_sdnotify(msg);
}
