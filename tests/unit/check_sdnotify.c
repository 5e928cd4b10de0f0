// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_sdnotify.c: the sd_notify sender against a datagram socket of
 * the test's own, bound to a path and to an abstract name, as systemd
 * binds $NOTIFY_SOCKET; unset, empty and malformed variables.
 */
#include <check.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ck.h"
#include "vigil/sdnotify.h"

/* A datagram socket bound to name ("@x": abstract); sets NOTIFY_SOCKET. */
static int
listener(const char *name)
{
	struct sockaddr_un sa;
	size_t len = strlen(name);
	socklen_t salen;
	int fd;

	ck_assert_uint_lt(len, sizeof(sa.sun_path));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, name, len);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] != '@'));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	if (name[0] != '@')
		unlink(name);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, salen), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
	return fd;
}

/* The next datagram on fd as a string (fails the test after 2 s). */
static void
receive(int fd, char *buf, size_t size)
{
	struct timeval tv = { 2, 0 };
	ssize_t n;

	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	n = recv(fd, buf, size - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
}

START_TEST(path_socket)
{
	char path[64], buf[256];
	int fd;

	snprintf(path, sizeof(path), "/tmp/vg-sdnotify-%d", (int)getpid());
	fd = listener(path);
	ck_assert_int_eq(vg_sdnotify("READY=1"), 1);
	receive(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "READY=1");
	ck_assert_int_eq(vg_sdnotify("STATUS=rules loaded\nSTOPPING=1"), 1);
	receive(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "STATUS=rules loaded\nSTOPPING=1");
	close(fd);
	unlink(path);
}
END_TEST

START_TEST(abstract_socket)
{
	char name[64], buf[256];
	int fd;

	snprintf(name, sizeof(name), "@vg-sdnotify-%d", (int)getpid());
	fd = listener(name);
	ck_assert_int_eq(vg_sdnotify("READY=1"), 1);
	receive(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "READY=1");
	close(fd);
}
END_TEST

START_TEST(reloading_has_monotonic_usec)
{
	char name[64], buf[256], *end;
	unsigned long long usec;
	struct timespec ts;
	int fd;

	snprintf(name, sizeof(name), "@vg-sdnotify-r-%d", (int)getpid());
	fd = listener(name);
	ck_assert_int_eq(vg_sdnotify_reloading(), 1);
	receive(fd, buf, sizeof(buf));
	ck_assert_int_eq(strncmp(buf, "RELOADING=1\nMONOTONIC_USEC=", 27), 0);
	usec = strtoull(buf + 27, &end, 10);
	ck_assert(*end == '\0' && end != buf + 27);
	ck_assert_int_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	ck_assert_uint_le(usec, (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
	close(fd);
}
END_TEST

START_TEST(not_under_systemd)
{
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(vg_sdnotify("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "", 1);
	ck_assert_int_eq(vg_sdnotify("READY=1"), 0);
}
END_TEST

START_TEST(bad_names)
{
	static const char *const bad[] = { "relative/path", "@", "/" };
	char longname[200];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("NOTIFY_SOCKET", bad[i], 1);
		errno = 0;
		ck_assert_int_eq(vg_sdnotify("READY=1"), -1);
		ck_assert_int_eq(errno, EINVAL);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	ck_assert_int_eq(vg_sdnotify("READY=1"), -1);
	ck_assert_int_eq(errno, EINVAL);
	setenv("NOTIFY_SOCKET", "vsock:2:1234", 1);
	ck_assert_int_eq(vg_sdnotify("READY=1"), -1);
	ck_assert_int_eq(errno, EAFNOSUPPORT);
	/* nobody bound there: the error of sendto, not a hang */
	setenv("NOTIFY_SOCKET", "/nonexistent/vg-notify", 1);
	ck_assert_int_eq(vg_sdnotify("READY=1"), -1);
	ck_assert_int_eq(errno, ENOENT);
	unsetenv("NOTIFY_SOCKET");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sdnotify");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, path_socket);
	tcase_add_test(tc, abstract_socket);
	tcase_add_test(tc, reloading_has_monotonic_usec);
	tcase_add_test(tc, not_under_systemd);
	tcase_add_test(tc, bad_names);
	suite_add_tcase(s, tc);
	return ck_run(s);
}
