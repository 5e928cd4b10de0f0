/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * syscalls.c: the syscalls that change the process table (execve, clone,
 * fork, exit and their kin), by number per arch, looked up once at start
 * from the syscall tables; then which of them a SYSCALL record's arch and
 * number name (a mask of their numbers modulo 64 answers "none" for most
 * calls at once). No allocation, no I/O.
 */
#include <string.h>

#include "ctx_priv.h"
#include "vigil/tables.h"

void
ctx_syscalls_init(struct vg_ctx *c)
{
	static const char *const names[SC_N] = { "execve", "execveat",
	    "clone", "clone3", "fork", "vfork", "exit", "exit_group" };
	int a, i;

	for (a = 0; a < 16; a++) {
		c->scmask[a] = 0;
		for (i = 0; i < SC_N; i++) {
			c->sc[a][i] = (int16_t)(a == 0 ? -1 :
			    vg_syscall_number((enum vg_arch)a, names[i],
			    strlen(names[i])));
			if (c->sc[a][i] >= 0)
				c->scmask[a] |= 1ull << (c->sc[a][i] % 64);
		}
	}
}

int
ctx_syscall_kind(const struct vg_ctx *c, int arch, long nr)
{
	int i;

	if (arch <= 0 || arch >= 16 || nr < 0 ||
	    !(c->scmask[arch] >> (nr % 64) & 1))
		return -1;	/* most calls: none of them */
	for (i = 0; i < SC_N; i++)
		if (c->sc[arch][i] == nr)
			return i;
	return -1;
}
