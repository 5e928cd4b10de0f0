/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_rules.c: libFuzzer harness for the rule compiler (src/rules/):
 * every input line goes through vg_rules_parse_line the way auditctl -R
 * reads a file; compiled rules are listed back (vg_rules_format), matched
 * against a key, collected in a ruleset and run through the offline
 * kernel model (vg_rules_simulate). Checks result codes against the
 * header's contract.
 */
#include "fuzz_common.h"

#include "vigil/rules.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static FILE	*devnull;

static void
one_line(const char *p, size_t len, void *arg)
{
	struct vg_ruleset *rs = arg;
	struct vg_rule r;
	struct vg_err err;
	char *line, buf[8192];
	int rc, n;

	if (memchr(p, '\0', len) != NULL)
		return;		/* a text line cannot hold NUL */
	line = malloc(len + 1);
	FZ_ASSERT(line != NULL);
	memcpy(line, p, len);
	line[len] = '\0';
	memset(&r, 0, sizeof(r));
	memset(&err, 0, sizeof(err));
	rc = vg_rules_parse_line(line, &r, &err);
	FZ_ASSERT(rc >= -1 && rc <= 1);
	if (rc == -1)
		FZ_ASSERT(err.msg[0] != '\0');
	if (rc == 1 && r.data != NULL) {
		FZ_ASSERT(r.datalen >= 1);
		n = vg_rules_format(r.data, r.datalen, buf, sizeof(buf));
		if (n >= 0) {
			FZ_ASSERT((size_t)n < sizeof(buf));
			FZ_ASSERT(n > 0 && buf[n - 1] == '\n');
		}
		(void)vg_rules_key_match(r.data, r.datalen, "k");
	}
	if (rc == 1 && rs->n < 64)
		FZ_ASSERT(vg_ruleset_push(rs, &r) == 0);
	vg_rule_free(&r);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vg_ruleset rs;

	fz_quiet();
	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	FZ_ASSERT(devnull != NULL);
	vg_rules_set_machine(VG_ARCH_X86_64);
	vg_ruleset_init(&rs);
	fz_lines(data, size, one_line, &rs);
	(void)vg_rules_simulate(&rs, devnull, NULL, NULL);
	vg_ruleset_free(&rs);
	return 0;
}
