/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * exitcode.h: vigild's exit statuses, the one table behind main(),
 * `vigild --help`, vigild(8) and the README. 6 for configuration errors
 * is auditd's.
 */
#ifndef VIGIL_EXITCODE_H
#define VIGIL_EXITCODE_H

enum vg_exit {
	VG_EXIT_OK = 0,
	VG_EXIT_RUNTIME = 1,	/* could not run (kernel, event loop) */
	VG_EXIT_USAGE = 2,	/* bad command line */
	VG_EXIT_LOST = 3,	/* a replay's outputs lost events */
	VG_EXIT_CONFIG = 6,	/* bad configuration (as auditd) */
};

/* The table as --help prints it. */
#define VG_EXIT_HELP \
"exit status: 0 ok, 1 runtime error, 2 usage, 3 a replay's outputs lost\n" \
"events (dropped or failed, logged per output), 6 configuration\n"

#endif
