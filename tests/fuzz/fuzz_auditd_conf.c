/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_auditd_conf.c: libFuzzer harness for the auditd.conf parser
 * (src/auditd/auditd_conf.c), input handed over as a memfd. Also exercises the
 * deep copy and the node name computation on whatever was accepted.
 */
#include "fuzz_common.h"

#include "vigil/auditd/auditd_conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_auditd_conf c, copy;
	struct vg_err err;
	char path[64], name[256];
	int fd, rc;

	fz_quiet();
	if ((fd = fz_memfile(data, size, path, sizeof(path))) == -1)
		return 0;
	vg_auditd_conf_defaults(&c);
	memset(&err, 0, sizeof(err));
	rc = vg_auditd_conf_load(&c, path, &err);
	FZ_ASSERT(rc >= 0);
	if (rc > 0)
		FZ_ASSERT(err.msg[0] != '\0');
	FZ_ASSERT(c.num_logs <= 999);
	FZ_ASSERT(vg_adc_action_name(c.disk_full_action) != NULL);
	if (c.name_format != VG_ADC_NODE_FQD &&
	    c.name_format != VG_ADC_NODE_NUMERIC) {
		/* no DNS from a fuzzer */
		(void)vg_auditd_conf_node_name(&c, name, sizeof(name));
		FZ_ASSERT(memchr(name, '\0', sizeof(name)) != NULL);
	}
	if (vg_auditd_conf_copy(&copy, &c) == 0)
		vg_auditd_conf_free(&copy);
	vg_auditd_conf_free(&c);
	close(fd);
	return 0;
}
