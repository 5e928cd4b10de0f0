/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * labels.c: the labels (label NAME exe=GLOB | argv=GLOB | key=KEY): the
 * configured rules parsed into the context, and the label bits an exec
 * or an event's key gives a process. Pure matching: never touches the
 * table, never reads /proc; callers apply the bits and note the change.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_priv.h"

int
ctx_labels_init(struct vg_ctx *c, char *msg, size_t msglen)
{
	const char *s, *sp, *eq;
	struct ctx_label *l;
	size_t i, n;

	for (i = 0; i < c->o.nlabels; i++) {
		s = c->o.labels[i];
		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		sp = s + n;
		sp += strspn(sp, " \t");
		if (n == 0 || n >= sizeof(l->name) || *sp == '\0' ||
		    (eq = strchr(sp, '=')) == NULL || eq[1] == '\0') {
			snprintf(msg, msglen, "label \"%s\": expected \"NAME "
			    "exe=GLOB\", \"NAME argv=GLOB\" or \"NAME "
			    "key=KEY\"", c->o.labels[i]);
			return -1;
		}
		if (strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		    "VWXYZ0123456789_-.") != n) {
			snprintf(msg, msglen, "label \"%s\": a name is letters, "
			    "digits, '_', '-' and '.'", c->o.labels[i]);
			return -1;
		}
		if (c->nlabels == VG_CTX_LABELS_MAX &&
		    vg_ctx_label_id(c, s, n) < 0) {
			snprintf(msg, msglen, "label \"%s\": more than %d label "
			    "names", c->o.labels[i], VG_CTX_LABELS_MAX);
			return -1;
		}
		/* a name may have several rules: one slot per rule, the
		 * label number is the first slot of that name */
		if (c->nlabels == VG_CTX_LABELS_MAX) {
			snprintf(msg, msglen, "label \"%s\": more than %d label "
			    "rules", c->o.labels[i], VG_CTX_LABELS_MAX);
			return -1;
		}
		l = &c->labels[c->nlabels];
		memcpy(l->name, s, n);
		l->name[n] = '\0';
		if (strncmp(sp, "exe=", 4) == 0)
			l->what = L_EXE;
		else if (strncmp(sp, "argv=", 5) == 0)
			l->what = L_ARGV;
		else if (strncmp(sp, "key=", 4) == 0) {
			l->what = L_KEY;
			c->key_labels = 1;
		} else {
			snprintf(msg, msglen, "label \"%s\": unknown match "
			    "\"%.*s\" (exe=, argv= or key=)", c->o.labels[i],
			    (int)(eq - sp), sp);
			return -1;
		}
		if ((l->pat = strdup(eq + 1)) == NULL) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
		c->nlabels++;
	}
	return 0;
}

int
vg_ctx_label_id(const struct vg_ctx *c, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < c->nlabels; i++)
		if (strlen(c->labels[i].name) == len &&
		    memcmp(c->labels[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static uint32_t
label_bit(const struct vg_ctx *c, size_t i)
{
	return 1u << vg_ctx_label_id(c, c->labels[i].name,
	    strlen(c->labels[i].name));
}

/* Labels an exec gives: exe= and argv= rules (argv joined by spaces). */
void
ctx_labels_exec(struct vg_ctx *c, struct vg_proc *p)
{
	char argv[CTX_ARGV_MAX + 1];
	size_t i;
	int joined = 0;

	for (i = 0; i < c->nlabels; i++) {
		const struct ctx_label *l = &c->labels[i];

		if (l->what == L_EXE && p->exe != NULL &&
		    fnmatch(l->pat, p->exe, 0) == 0)
			p->labels |= label_bit(c, i);
		else if (l->what == L_ARGV && p->argv != NULL) {
			if (!joined) {
				memcpy(argv, p->argv, p->argv_len);
				argv[p->argv_len] = '\0';
				for (size_t k = 0; k + 1 < p->argv_len; k++)
					if (argv[k] == '\0')
						argv[k] = ' ';
				joined = 1;
			}
			if (fnmatch(l->pat, argv, 0) == 0)
				p->labels |= label_bit(c, i);
		}
	}
}

uint32_t
ctx_labels_key(const struct vg_ctx *c, struct vg_str key)
{
	uint32_t bits = 0;
	size_t i;

	for (i = 0; i < c->nlabels; i++)
		if (c->labels[i].what == L_KEY &&
		    strlen(c->labels[i].pat) == key.len &&
		    memcmp(c->labels[i].pat, key.p, key.len) == 0)
			bits |= label_bit(c, i);
	return bits;
}
