/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_privsep.c: libFuzzer harness for the privileged helper's request
 * parser (vg_privsep_parse, src/privsep_wire.c): the one place where
 * bytes from the unprivileged daemon reach the process that keeps every
 * capability. Oracle: an accepted datagram has a known type, the fields
 * that type has and no other, strings within their bounds and free of
 * NUL, and encodes back to exactly the input; a refused one sets EINVAL.
 */
#include <errno.h>

#include "fuzz_common.h"

#include "vigil/privsep.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct vg_priv_req r;
static unsigned char back[sizeof(struct vg_priv_hdr) + VG_PRIV_SPEC_MAX +
    VG_PRIV_NAME_MAX];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_priv_hdr h;
	size_t sl, nl;

	errno = 0;
	if (vg_privsep_parse(data, size, &r) == -1) {
		FZ_ASSERT(errno == EINVAL);
		return 0;
	}
	sl = strlen(r.spec);
	nl = strlen(r.name);
	FZ_ASSERT(sl <= VG_PRIV_SPEC_MAX && nl <= VG_PRIV_NAME_MAX);
	switch (r.type) {
	case VG_PRIV_PLUGIN:
		FZ_ASSERT(sl > 0 && nl > 0 && r.key == 0);
		break;
	case VG_PRIV_ACTION:
		FZ_ASSERT(sl > 0 && nl == 0 && r.key < VG_PRIV_NKEYS);
		break;
	case VG_PRIV_CHOWN:
		FZ_ASSERT(sl > 0 && nl == 0 && r.key == 0);
		break;
	case VG_PRIV_RULES:
		FZ_ASSERT(sl == 0 && nl == 0 && r.key == 0);
		break;
	default:
		FZ_ASSERT(0);
	}
	h.type = (uint32_t)r.type;
	h.key = (uint32_t)r.key;
	h.speclen = (uint32_t)sl;
	h.namelen = (uint32_t)nl;
	FZ_ASSERT(sizeof(h) + sl + nl == size);
	memcpy(back, &h, sizeof(h));
	memcpy(back + sizeof(h), r.spec, sl);
	memcpy(back + sizeof(h) + sl, r.name, nl);
	FZ_ASSERT(memcmp(back, data, size) == 0);
	return 0;
}
