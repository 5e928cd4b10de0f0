/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_plugins.c: libFuzzer harness for the plugins.d file parser
 * (src/auditd/plugins_conf.c, vg_plugin_conf_load). The loader opens with O_NOFOLLOW
 * (no /proc/self/fd link), so the input goes to a real file of ours,
 * mode 0600 (the ownership checks pass), rewritten per run. Checks the
 * return contract: a skipped file has an error message; a loaded one has
 * a NULL-terminated argv within VG_PLUGIN_MAX_ARGS and, if active, a path.
 */
#include "fuzz_common.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/config.h"
#include "vigil/auditd/plugins_conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_plugin_conf c;
	struct vg_err err;
	char path[64];
	size_t i;
	int fd, rc;

	fz_quiet();
	snprintf(path, sizeof(path), "/tmp/vg-fuzz-plugins-%d.conf",
	    (int)getpid());
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	close(fd);
	memset(&c, 0, sizeof(c));
	memset(&err, 0, sizeof(err));
	rc = vg_plugin_conf_load(&c, path, &err);
	FZ_ASSERT(rc == 0 || rc == -1);
	if (rc == -1)
		FZ_ASSERT(err.msg[0] != '\0');
	else {
		FZ_ASSERT(c.nargs <= VG_PLUGIN_MAX_ARGS);
		if (c.path != NULL) {
			for (i = 0; i <= c.nargs; i++)
				FZ_ASSERT(c.argv[i] != NULL);
			FZ_ASSERT(c.argv[c.nargs + 1] == NULL);
		}
		if (c.active)
			FZ_ASSERT(c.path != NULL);
		vg_plugin_conf_free(&c);
	}
	return 0;
}
