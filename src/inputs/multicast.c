/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * multicast.c: read-only subscriber to the kernel's audit multicast group
 * (AUDIT_NLGRP_READLOG, needs CAP_AUDIT_READ), beside whatever daemon holds
 * the audit pid. Never sends a request that changes kernel state; the
 * receiving is receive.c's.
 */
#include <errno.h>

#include "vigil/input.h"
#include "vigil/live.h"
#include "vigil/log.h"
#include "vigil/netlink.h"

struct vg_input *
vg_input_multicast(struct event_base *base, struct vg_pipeline *pl,
    const struct vg_input_opts *opts)
{
	struct vg_nl *nl;

	if ((nl = vg_nl_open(AUDIT_NLGRP_READLOG)) == NULL) {
		if (errno == EPERM)
			vg_log_warnx("multicast: joining the audit log group "
			    "needs CAP_AUDIT_READ");
		else
			vg_log_warn("multicast: netlink audit socket");
		return NULL;
	}
	/* the core owns nl from here, also on failure */
	return vg_live_new(base, pl, opts, nl, "multicast");
}
