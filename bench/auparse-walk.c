/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * auparse-walk.c: the reference cost for bench/replay.sh. Walks every
 * event, record and field of an audit log with libauparse and interprets
 * each field (uid -> name, syscall -> name, hex -> text ...), which is the
 * work vigild does in replay (parse, group, decode). Prints the counts.
 * Not part of vigild; built by replay.sh against libauparse-dev.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <auparse.h>

int
main(int argc, char *argv[])
{
	auparse_state_t *au;
	unsigned long long events = 0, records = 0, fields = 0, bytes = 0;
	const char *v;

	if (argc != 2) {
		fprintf(stderr, "usage: auparse-walk FILE\n");
		return 2;
	}
	if ((au = auparse_init(AUSOURCE_FILE, argv[1])) == NULL) {
		fprintf(stderr, "auparse-walk: %s: %s\n", argv[1],
		    strerror(errno));
		return 1;
	}
	while (auparse_next_event(au) > 0) {
		events++;
		if (auparse_first_record(au) <= 0)
			continue;
		do {
			records++;
			if (auparse_first_field(au) <= 0)
				continue;
			do {
				fields++;
				/* the interpreted value is what an event
				 * consumer needs; its length keeps the call
				 * from being optimized out */
				if ((v = auparse_interpret_field(au)) != NULL)
					bytes += strlen(v);
			} while (auparse_next_field(au) > 0);
		} while (auparse_next_record(au) > 0);
	}
	auparse_destroy(au);
	printf("events=%llu records=%llu fields=%llu bytes=%llu\n", events,
	    records, fields, bytes);
	return 0;
}
