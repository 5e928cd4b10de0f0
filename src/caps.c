/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * caps.c: gives up the daemon's capabilities once it no longer needs
 * them (Linux capabilities, securebits, no_new_privs), with raw capget/
 * capset and prctl: a few system calls do not need libcap. Never logs;
 * never touches another process.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/securebits.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "vigil/caps.h"

static int
caps_read(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, d);
}

static uint64_t
join(uint32_t lo, uint32_t hi)
{
	return (uint64_t)lo | (uint64_t)hi << 32;
}

/* The bounding set, probed up to the first number the kernel refuses. */
static uint64_t
bounding(void)
{
	uint64_t b = 0;
	int c, r;

	for (c = 0; c < 64 && (r = prctl(PR_CAPBSET_READ, c, 0, 0, 0)) >= 0;
	    c++)
		if (r == 1)
			b |= VG_CAP(c);
	return b;
}

int
vg_caps_get(uint64_t *eff, uint64_t *prm, uint64_t *bnd)
{
	struct __user_cap_data_struct d[2];

	if (caps_read(d) == -1)
		return -1;
	*eff = join(d[0].effective, d[1].effective);
	*prm = join(d[0].permitted, d[1].permitted);
	*bnd = bounding();
	return 0;
}

int
vg_caps_drop(uint64_t keep)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t prm, eff;
	int c, bits;

	if (caps_read(d) == -1)
		return -1;
	prm = join(d[0].permitted, d[1].permitted);
	eff = join(d[0].effective, d[1].effective);
	keep &= prm;
	/* these need CAP_SETPCAP, so they come before the capset below;
	 * without it (an unprivileged user) the empty sets are enough */
	if (eff & VG_CAP(CAP_SETPCAP)) {
		if ((bits = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0)) == -1 ||
		    prctl(PR_SET_SECUREBITS, (unsigned long)bits |
		    SECBIT_NOROOT | SECBIT_NOROOT_LOCKED, 0, 0, 0) == -1)
			return -1;
		for (c = 0; c < 64; c++) {
			if (keep & VG_CAP(c))
				continue;
			if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) == -1) {
				if (errno == EINVAL)	/* past the last */
					break;
				return -1;
			}
		}
	}
	/* EINVAL: a kernel without ambient capabilities has none to clear */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1 &&
	    errno != EINVAL)
		return -1;
	memset(d, 0, sizeof(d));
	d[0].permitted = d[0].effective = (uint32_t)keep;
	d[1].permitted = d[1].effective = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d) == -1)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	/* trust, but check: a silently kept privilege is the bug to avoid */
	if (caps_read(d) == -1)
		return -1;
	if (join(d[0].permitted, d[1].permitted) != keep ||
	    join(d[0].inheritable, d[1].inheritable) != 0 ||
	    prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		errno = EPERM;
		return -1;
	}
	return 0;
}

void
vg_caps_names(uint64_t set, char *buf, size_t len)
{
	static const struct {
		int		 cap;
		const char	*name;
	} names[] = {
		{ CAP_AUDIT_CONTROL, "cap_audit_control" },
		{ CAP_AUDIT_READ, "cap_audit_read" },
		{ CAP_AUDIT_WRITE, "cap_audit_write" },
	};
	size_t off = 0, i;
	int c, n;

	if (len == 0)
		return;
	buf[0] = '\0';
	if (set == 0) {
		snprintf(buf, len, "none");
		return;
	}
	for (c = 0; c < 64; c++) {
		const char *name = NULL;

		if (!(set & VG_CAP(c)))
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].cap == c)
				name = names[i].name;
		n = name ? snprintf(buf + off, len - off, "%s%s",
		    off ? "," : "", name) : snprintf(buf + off, len - off,
		    "%scap_%d", off ? "," : "", c);
		if (n < 0 || (size_t)n >= len - off)
			return;		/* cut: still NUL-terminated */
		off += (size_t)n;
	}
}
