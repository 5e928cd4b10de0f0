/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opt.c: the option-table engine (opt.h): one parser and checker for
 * every key of vigild.conf, the command line and the outputs' options,
 * and the one boolean parser. Never logs: errors go back as text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vigil/opt.h"
#include "vigil/parse_num.h"

int
vg_parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int
name_matches(const char *pat, const char *name)
{
	size_t n = strlen(pat);

	if (n > 0 && pat[n - 1] == '*')
		return strncmp(pat, name, n - 1) == 0 && name[n - 1] != '\0';
	return strcmp(pat, name) == 0;
}

const struct vg_opt *
vg_opt_find(const struct vg_opt *tab, const char *name)
{
	for (; tab != NULL && tab->name != NULL; tab++)
		if (name_matches(tab->name, name))
			return tab;
	return NULL;
}

static int
parse_dec(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int
parse_oct(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '7')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 8);
	if (errno || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* "expected ..." for a row without its own text. */
static void
expected(const struct vg_opt *o, char *buf, size_t len)
{
	size_t i, off;
	int n;

	switch (o->type) {
	case VG_OPT_BOOL:
		snprintf(buf, len, "yes or no (true/false, on/off, 1/0)");
		return;
	case VG_OPT_UINT:
		snprintf(buf, len, "a number %" PRIu64 "..%" PRIu64, o->min,
		    o->max);
		return;
	case VG_OPT_SIZE:
		snprintf(buf, len, "a number %" PRIu64 "..%" PRIu64
		    " (k, m, g suffixes allowed)", o->min, o->max);
		return;
	case VG_OPT_OCTAL:
		snprintf(buf, len, "octal permissions %04" PRIo64 "..%04"
		    PRIo64, o->min, o->max);
		return;
	case VG_OPT_ENUM:
		buf[0] = '\0';
		for (i = 0, off = 0; o->choices[i] != NULL; i++) {
			n = snprintf(buf + off, len - off, "%s%s", i == 0 ? "" :
			    o->choices[i + 1] == NULL ? " or " : ", ",
			    o->choices[i]);
			if (n < 0 || (size_t)n >= len - off)
				break;
			off += (size_t)n;
		}
		return;
	default:
		snprintf(buf, len, "a value");
		return;
	}
}

int
vg_opt_check(const struct vg_opt *o, const char *val, uint64_t *num,
    char *msg, size_t len)
{
	char exp[200];
	uint64_t v = 0;
	size_t i;
	int b = 0, bad = 0;

	switch (o->type) {
	case VG_OPT_STR:
	case VG_OPT_LIST:
		break;
	case VG_OPT_BOOL:
		bad = vg_parse_bool(val, &b) == -1;
		v = (uint64_t)b;
		break;
	case VG_OPT_UINT:
		bad = parse_dec(val, &v) == -1 || v < o->min || v > o->max;
		break;
	case VG_OPT_SIZE:
		bad = vg_parse_size(val, &v) == -1 || v < o->min ||
		    v > o->max;
		break;
	case VG_OPT_OCTAL:
		bad = parse_oct(val, &v) == -1 || v < o->min || v > o->max;
		break;
	case VG_OPT_ENUM:
		for (i = 0; o->choices[i] != NULL; i++)
			if (strcmp(o->choices[i], val) == 0)
				break;
		bad = o->choices[i] == NULL;
		v = i;
		break;
	}
	if (!bad && o->check != NULL && o->check(val, exp, sizeof(exp)) == -1) {
		snprintf(msg, len, "%s=%s: %s", o->name, val, exp);
		return -1;
	}
	if (bad) {
		if (o->expect == NULL)
			expected(o, exp, sizeof(exp));
		snprintf(msg, len, "%s=%s: expected %s", o->name, val,
		    o->expect != NULL ? o->expect : exp);
		return -1;
	}
	if (num != NULL)
		*num = v;
	return 0;
}

int
vg_opt_store(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t len)
{
	char *b = base, *dup;
	uint64_t v;
	int *cnt;

	if (vg_opt_check(o, val, &v, msg, len) == -1)
		return -1;
	if (o->own) {
		snprintf(msg, len, "%s: not stored here", o->name);
		return -1;
	}
	switch (o->type) {
	case VG_OPT_STR:
		if ((dup = strdup(val)) == NULL)
			goto oom;
		free(*(char **)(b + o->off));
		*(char **)(b + o->off) = dup;
		break;
	case VG_OPT_LIST:
		cnt = (int *)(b + o->cnt_off);
		if ((uint64_t)*cnt >= o->max) {
			snprintf(msg, len, "too many \"%s\" lines (max %" PRIu64
			    ")", o->name, o->max);
			return -1;
		}
		if ((dup = strdup(val)) == NULL)
			goto oom;
		((char **)(b + o->off))[(*cnt)++] = dup;
		break;
	case VG_OPT_BOOL:
	case VG_OPT_ENUM:
		*(int *)(b + o->off) = (int)v;
		break;
	case VG_OPT_UINT:
		*(unsigned *)(b + o->off) = (unsigned)v;
		break;
	case VG_OPT_SIZE:
	case VG_OPT_OCTAL:
		*(uint64_t *)(b + o->off) = v;
		break;
	}
	return 0;
oom:
	snprintf(msg, len, "out of memory");
	return -1;
}

void
vg_opt_defaults(const struct vg_opt *tab, void *base)
{
	char msg[256];

	for (; tab->name != NULL; tab++)
		if (tab->def != NULL && !tab->own)
			(void)vg_opt_store(tab, base, tab->def, msg,
			    sizeof(msg));
}

void
vg_opt_free(const struct vg_opt *tab, void *base)
{
	char *b = base;
	char **list;
	int i, *cnt;

	for (; tab->name != NULL; tab++) {
		if (tab->own)
			continue;
		if (tab->type == VG_OPT_STR) {
			free(*(char **)(b + tab->off));
			*(char **)(b + tab->off) = NULL;
		} else if (tab->type == VG_OPT_LIST) {
			list = (char **)(b + tab->off);
			cnt = (int *)(b + tab->cnt_off);
			for (i = 0; i < *cnt; i++) {
				free(list[i]);
				list[i] = NULL;
			}
			*cnt = 0;
		}
	}
}
