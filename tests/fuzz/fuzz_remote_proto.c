/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_remote_proto.c: libFuzzer harness for the receive-side framing of
 * the network input (src/remote_proto.c, vg_rmw_next) and the record
 * parser it feeds, as src/inputs/listen.c drives them: the input is a
 * byte stream cut into reads at sizes taken from its first byte; every
 * message found must lie inside the bytes held, consume at least one
 * byte, and a managed one must be its header plus its length; each line
 * of its text goes through vg_parse_line as the listener does.
 */
#include "fuzz_common.h"

#include "vigil/remote_proto.h"

#define BUFCAP	(VG_RMW_HDR + VG_RMW_MAX_MSG + 1 + 64)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
lines(const char *p, size_t len)
{
	struct vg_record rec;
	const char *nl;
	size_t n;

	while (len > 0) {
		nl = memchr(p, '\n', len);
		n = nl ? (size_t)(nl - p) : len;
		if (n > 0)
			(void)vg_parse_line(p, n, &rec);
		if (nl == NULL)
			break;
		len -= n + 1;
		p = nl + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf;
	struct vg_rmw_frame f;
	size_t have = 0, off = 0, chunk, take;
	enum vg_rmw_kind k;

	fz_quiet();
	if (size < 1)
		return 0;
	chunk = (size_t)data[0] * 37 + 1;
	data++;
	size--;
	if ((buf = malloc(BUFCAP)) == NULL)
		return 0;
	while (off < size || have > 0) {
		take = size - off < chunk ? size - off : chunk;
		if (take > BUFCAP - have)
			take = BUFCAP - have;
		memcpy(buf + have, data + off, take);
		have += take;
		off += take;
		for (;;) {
			k = vg_rmw_next(buf, have, BUFCAP, &f);
			if (k == VG_RMW_NEED || k == VG_RMW_BAD)
				break;
			FZ_ASSERT(f.used > 0 && f.used <= have);
			FZ_ASSERT((const unsigned char *)f.text >= buf &&
			    (const unsigned char *)f.text + f.len <=
			    buf + have);
			if (k == VG_RMW_FRAME)
				FZ_ASSERT(f.used == VG_RMW_HDR + f.hdr.len &&
				    f.hdr.len <= VG_RMW_MAX_MSG);
			else
				FZ_ASSERT(f.used == f.len + 1 &&
				    buf[f.len] == '\n');
			lines(f.text, f.len);
			memmove(buf, buf + f.used, have - f.used);
			have -= f.used;
		}
		if (k == VG_RMW_BAD) {
			FZ_ASSERT(f.why != NULL);
			break;		/* the listener disconnects */
		}
		if (take == 0)
			break;		/* input over, a partial message */
	}
	free(buf);
	return 0;
}
