/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_config.c: libFuzzer harness for the vigild.conf parser
 * (src/config/conf.c). vg_config_load only reads paths, so the input is handed
 * over as a memfd. Checks the return contract and that the lists stay
 * within their bounds.
 */
#include "fuzz_common.h"

#include "vigil/config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_config c;
	struct vg_err err;
	char path[64];
	int fd, rc, i;

	fz_quiet();
	if ((fd = fz_memfile(data, size, path, sizeof(path))) == -1)
		return 0;
	vg_config_defaults(&c);
	memset(&err, 0, sizeof(err));
	rc = vg_config_load(&c, path, &err);
	FZ_ASSERT(rc >= 0);
	if (rc > 0)
		FZ_ASSERT(err.line > 0 && err.msg[0] != '\0');
	FZ_ASSERT(c.noutputs >= 0 && c.noutputs <= VG_CONF_MAXLIST);
	FZ_ASSERT(c.nlua_filters >= 0 && c.nlua_filters <= VG_CONF_MAXLIST);
	FZ_ASSERT(c.ndrops >= 0 && c.ndrops <= VG_CONF_MAXLIST);
	for (i = 0; i < c.noutputs; i++)
		FZ_ASSERT(c.outputs[i] != NULL);
	vg_config_free(&c);
	close(fd);
	return 0;
}
