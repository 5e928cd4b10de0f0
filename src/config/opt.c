/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opt.c: the option-table engine (opt.h): one parser and checker for
 * every key of vigild.conf, the command line, the outputs' options,
 * auditd.conf and plugins.d, and the one boolean parser. Never logs:
 * errors go back as text.
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
name_matches(const struct vg_opt *o, const char *name)
{
	int nocase = o->flags & VG_OPT_AUDITD;
	size_t n = strlen(o->name);

	if (n > 0 && o->name[n - 1] == '*')
		return (nocase ? strncasecmp(o->name, name, n - 1) :
		    strncmp(o->name, name, n - 1)) == 0 && name[n - 1] != '\0';
	return (nocase ? strcasecmp(o->name, name) : strcmp(o->name, name))
	    == 0;
}

const struct vg_opt *
vg_opt_find(const struct vg_opt *tab, const char *name)
{
	for (; tab != NULL && tab->name != NULL; tab++)
		if (name_matches(tab, name))
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

/* "a, b or c" (auditd.conf: "one of a, b, c") */
static void
list_choices(const struct vg_opt *o, char *buf, size_t len)
{
	int adc = o->flags & VG_OPT_AUDITD;
	size_t i, off;
	int n;

	off = (size_t)snprintf(buf, len, "%s", adc ? "one of " : "");
	for (i = 0; o->choices[i] != NULL && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s%s", i == 0 ? "" :
		    o->choices[i + 1] == NULL && !adc ? " or " : ", ",
		    o->choices[i]);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

/* "expected ..." for a row without its own text. */
void
vg_opt_expected(const struct vg_opt *o, char *buf, size_t len)
{
	int adc = o->flags & VG_OPT_AUDITD;

	if (o->choices != NULL) {
		list_choices(o, buf, len);
		return;
	}
	switch (o->type) {
	case VG_OPT_BOOL:
		snprintf(buf, len, "%s", adc ? "yes or no" :
		    "yes or no (true/false, on/off, 1/0)");
		return;
	case VG_OPT_UINT:
	case VG_OPT_U64:
		snprintf(buf, len, "a number %s%" PRIu64 "..%" PRIu64,
		    adc ? "in " : "", o->min, o->max);
		return;
	case VG_OPT_SIZE:
		snprintf(buf, len, "a number %" PRIu64 "..%" PRIu64
		    " (k, m, g suffixes allowed)", o->min, o->max);
		return;
	case VG_OPT_OCTAL:
		snprintf(buf, len, "octal permissions %04" PRIo64 "..%04"
		    PRIo64, o->min, o->max);
		return;
	default:
		snprintf(buf, len, "a value");
		return;
	}
}

int
vg_opt_choice(const struct vg_opt *o, const char *s, size_t len)
{
	size_t i;

	for (i = 0; o->choices[i] != NULL; i++)
		if (strlen(o->choices[i]) == len &&
		    ((o->flags & VG_OPT_AUDITD) ?
		    strncasecmp(o->choices[i], s, len) :
		    strncmp(o->choices[i], s, len)) == 0)
			return o->values != NULL ? o->values[i] : (int)i;
	return -1;
}

void
vg_opt_bad(const struct vg_opt *o, const char *val, char *msg, size_t len)
{
	char exp[200];
	const char *e = o->expect;

	if (e == NULL) {
		vg_opt_expected(o, exp, sizeof(exp));
		e = exp;
	}
	if (o->flags & VG_OPT_PLUGINS)
		snprintf(msg, len, "unknown value \"%s\" (expected %s)", val,
		    e);
	else if (o->flags & VG_OPT_AUDITD)
		snprintf(msg, len, "\"%s\" is not %s", val, e);
	else
		snprintf(msg, len, "expected %s", e);
}

/* What a check or set hook said (text) after row o's prefix: "KEY=VAL: "
 * (auditd.conf: "KEY: "). */
static void
say(const struct vg_opt *o, const char *name, const char *val,
    const char *text, char *msg, size_t len)
{
	if (o->flags & VG_OPT_AUDITD)
		snprintf(msg, len, "%s: %s", name, text);
	else
		snprintf(msg, len, "%s=%s: %s", name, val, text);
}

static int
check(const struct vg_opt *o, const char *name, const char *val,
    uint64_t *num, char *msg, size_t len)
{
	char exp[256];
	uint64_t v = 0;
	int b = 0, c, bad = 0;

	switch (o->type) {
	case VG_OPT_STR:
	case VG_OPT_LIST:
		break;
	case VG_OPT_BOOL:
		bad = vg_parse_bool(val, &b) == -1;
		v = (uint64_t)b;
		break;
	case VG_OPT_UINT:
	case VG_OPT_U64:
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
		c = vg_opt_choice(o, val, strlen(val));
		bad = c == -1;
		v = (uint64_t)c;
		break;
	case VG_OPT_SET:
	case VG_OPT_IGNORED:
		snprintf(exp, sizeof(exp), "not checked without storing");
		say(o, name, val, exp, msg, len);
		return -1;
	}
	if (!bad && o->check != NULL && o->check(val, exp, sizeof(exp)) == -1) {
		say(o, name, val, exp, msg, len);
		return -1;
	}
	if (bad) {
		vg_opt_bad(o, val, exp, sizeof(exp));
		say(o, name, val, exp, msg, len);
		return -1;
	}
	if (num != NULL)
		*num = v;
	return 0;
}

int
vg_opt_check(const struct vg_opt *o, const char *val, uint64_t *num,
    char *msg, size_t len)
{
	return check(o, o->name, val, num, msg, len);
}

/* The value stored by its type (not SET, IGNORED): 0 or -1 with msg. */
static int
put(const struct vg_opt *o, const char *name, void *base, const char *val,
    char *msg, size_t len)
{
	char *b = base, *dup;
	uint64_t v;
	int *cnt;

	if (check(o, name, val, &v, msg, len) == -1)
		return -1;
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
			    ")", name, o->max);
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
	case VG_OPT_U64:
	case VG_OPT_SIZE:
	case VG_OPT_OCTAL:
		*(uint64_t *)(b + o->off) = v;
		break;
	case VG_OPT_SET:
	case VG_OPT_IGNORED:
		break;
	}
	return 0;
oom:
	snprintf(msg, len, "out of memory");
	return -1;
}

/* How many blank-separated words s has. */
static size_t
words(const char *s)
{
	size_t n = 0;

	for (s += strspn(s, " \t"); *s != '\0'; s += strspn(s, " \t")) {
		s += strcspn(s, " \t");
		n++;
	}
	return n;
}

static int
store(const struct vg_opt *o, const char *name, void *base, const char *val,
    char *msg, size_t len)
{
	char text[256];
	int rc;

	if (o->own) {
		snprintf(msg, len, "%s: not stored here", name);
		return -1;
	}
	if (o->type == VG_OPT_IGNORED) {
		snprintf(msg, len, "%s: %s; ignored", name, o->warn);
		return 1;
	}
	if ((o->flags & (VG_OPT_AUDITD | VG_OPT_WORDS)) == VG_OPT_AUDITD &&
	    val[strcspn(val, " \t")] != '\0') {
		if (o->flags & VG_OPT_PLUGINS)
			snprintf(msg, len, "%s takes one value, not %zu", name,
			    words(val));
		else
			snprintf(msg, len, "%s: \"%s\": expected one value",
			    name, val);
		return -1;
	}
	if (o->type == VG_OPT_SET) {
		text[0] = '\0';
		rc = o->set(o, base, val, text, sizeof(text));
		if (rc != 0)
			say(o, name, val, text, msg, len);
	} else
		rc = put(o, name, base, val, msg, len);
	if (rc == 0 && o->warn != NULL) {
		snprintf(msg, len, "%s = %s: accepted but %s", name, val,
		    o->warn);
		return 1;
	}
	return rc;
}

int
vg_opt_store(const struct vg_opt *o, void *base, const char *val, char *msg,
    size_t len)
{
	return store(o, o->name, base, val, msg, len);
}

int
vg_opt_set(const struct vg_opt *tab, void *base, const char *name,
    const char *val, char *msg, size_t len)
{
	const struct vg_opt *o = vg_opt_find(tab, name);

	if (o == NULL) {
		snprintf(msg, len, "unknown %s \"%s\"", tab->flags &
		    VG_OPT_AUDITD ? "keyword" : "key", name);
		return -1;
	}
	return store(o, strchr(o->name, '*') != NULL ? name : o->name, base,
	    val, msg, len);
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

/* The char * slots row o owns in a struct at b, at most 2. */
static size_t
slots(const struct vg_opt *o, char *b, char **out[2])
{
	size_t n = 0;

	if (o->own)
		return 0;
	if (o->type == VG_OPT_STR)
		out[n++] = (char **)(b + o->off);
	if (o->flags & VG_OPT_AUX)
		out[n++] = (char **)(b + o->aux_off);
	return n;
}

void
vg_opt_free(const struct vg_opt *tab, void *base)
{
	char *b = base;
	char **list, **str[2];
	int i, *cnt;
	size_t j, n;

	for (; tab->name != NULL; tab++) {
		for (j = 0, n = slots(tab, b, str); j < n; j++) {
			free(*str[j]);
			*str[j] = NULL;
		}
		if (tab->type == VG_OPT_LIST && !tab->own) {
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

int
vg_opt_copy(const struct vg_opt *tab, void *dst, const void *base,
    size_t size)
{
	const struct vg_opt *o;
	char **d[2], **s[2];
	size_t i, n;

	for (o = tab; o->name != NULL; o++)
		if (o->type == VG_OPT_LIST && !o->own) {
			memset(dst, 0, size);
			errno = EINVAL;
			return -1;
		}
	memcpy(dst, base, size);
	for (o = tab; o->name != NULL; o++)
		for (i = 0, n = slots(o, dst, d); i < n; i++)
			*d[i] = NULL;
	for (o = tab; o->name != NULL; o++) {
		n = slots(o, dst, d);
		(void)slots(o, (char *)(uintptr_t)base, s);
		for (i = 0; i < n; i++)
			if (*s[i] != NULL && (*d[i] = strdup(*s[i])) == NULL) {
				vg_opt_free(tab, dst);
				errno = ENOMEM;
				return -1;
			}
	}
	return 0;
}
