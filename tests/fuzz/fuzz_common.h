/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_common.h: helpers shared by the libFuzzer harnesses (header-only,
 * every function static): line splitting into exact-size heap copies (so
 * ASan sees any over-read), a file for the path-only config loaders, the
 * replay-style feeding of a record stream into a grouper, and the JSON
 * output oracle (parses, no raw control byte, surrogateescape round trip).
 * Never part of vigild.
 */
#ifndef VIGIL_FUZZ_COMMON_H
#define VIGIL_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include <json-c/json.h>

#include "vigil/buf.h"
#include "vigil/group.h"
#include "vigil/log.h"
#include "vigil/record.h"

#define FZ_ASSERT(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "%s:%d: assertion failed: %s\n",\
			    __FILE__, __LINE__, #c);			\
			abort();					\
		}							\
	} while (0)

/* Quiet vigil's own diagnostics once (errors are expected here). */
static __attribute__((unused)) void
fz_quiet(void)
{
	static int done;

	if (!done) {
		vg_log_init("fuzz", 1, 0);
		done = 1;
	}
}

/* Calls fn for each '\n'-separated line of data, each given as a malloc'ed
 * copy of exactly its length (no NUL after it). */
static __attribute__((unused)) void
fz_lines(const uint8_t *data, size_t size,
    void (*fn)(const char *, size_t, void *), void *arg)
{
	size_t start = 0, i;
	char *copy;

	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (i > start || i < size) {
			copy = malloc(i - start ? i - start : 1);
			FZ_ASSERT(copy != NULL);
			memcpy(copy, data + start, i - start);
			fn(copy, i - start, arg);
			free(copy);
		}
		start = i + 1;
	}
}

/* Feeds one text line to the grouper the way src/inputs/replay.c does. */
struct fz_feed {
	struct vg_group	*g;
	uint64_t	 clock;
	uint64_t	 eoe;		/* EOE records accepted (not kept) */
};

static __attribute__((unused)) void
fz_feed_line(const char *p, size_t len, void *arg)
{
	struct fz_feed *f = arg;
	struct vg_record rec;
	uint64_t t;

	if (len && p[len - 1] == '\r')
		len--;
	if (len == 0 || vg_parse_line(p, len, &rec) == -1)
		return;
	t = rec.sec * 1000 + rec.msec;
	if (t > f->clock)
		f->clock = t;
	if (vg_group_add(f->g, &rec, f->clock) == 0 && rec.type == 1320)
		f->eoe++;
	if (f->clock >= vg_group_deadline(f->g))
		vg_group_expire(f->g, f->clock);
}

/* Groups the record lines of data into events for fn, as a replay does:
 * a grouper with the default limits, flushed at the end. */
static __attribute__((unused)) void
fz_feed_events(const uint8_t *data, size_t size,
    void (*fn)(struct vg_event *, void *), void *arg)
{
	struct fz_feed f;

	memset(&f, 0, sizeof(f));
	f.g = vg_group_new(NULL, fn, arg);
	FZ_ASSERT(f.g != NULL);
	fz_lines(data, size, fz_feed_line, &f);
	vg_group_flush(f.g);
	vg_group_free(f.g);
}

/* Writes data to an anonymous memory file; returns its /proc path in path
 * and the fd (caller closes), or -1. */
static __attribute__((unused)) int
fz_memfile(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd;

	if ((fd = memfd_create("fuzz", 0)) == -1)
		return -1;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

/*
 * Decodes a JSON string literal body (between the quotes) as a
 * surrogateescape reader would: \udcXX (XX >= 0x80) is byte XX, other
 * escapes are UTF-8. Returns the byte count written to out (sized >= len),
 * or -1 if the text is not a well-formed string body.
 */
static __attribute__((unused)) long
fz_json_unescape(const char *s, size_t len, char *out)
{
	size_t i = 0, o = 0;
	unsigned long cp, lo;
	char *end;
	char hex[5];

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"')
			return -1;
		if (c != '\\') {
			out[o++] = (char)c;
			i++;
			continue;
		}
		if (++i >= len)
			return -1;
		switch (s[i++]) {
		case '"': out[o++] = '"'; continue;
		case '\\': out[o++] = '\\'; continue;
		case '/': out[o++] = '/'; continue;
		case 'b': out[o++] = '\b'; continue;
		case 'f': out[o++] = '\f'; continue;
		case 'n': out[o++] = '\n'; continue;
		case 'r': out[o++] = '\r'; continue;
		case 't': out[o++] = '\t'; continue;
		case 'u': break;
		default: return -1;
		}
		if (i + 4 > len)
			return -1;
		memcpy(hex, s + i, 4);
		hex[4] = '\0';
		cp = strtoul(hex, &end, 16);
		if (end != hex + 4)
			return -1;
		i += 4;
		if (cp >= 0xdc80 && cp <= 0xdcff) {
			out[o++] = (char)(cp & 0xff);
			continue;
		}
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 6 > len || s[i] != '\\' || s[i + 1] != 'u')
				return -1;
			memcpy(hex, s + i + 2, 4);
			lo = strtoul(hex, &end, 16);
			if (end != hex + 4 || lo < 0xdc00 || lo > 0xdfff)
				return -1;
			i += 6;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		} else if (cp >= 0xdc00 && cp <= 0xdfff)
			return -1;
		if (cp < 0x80)
			out[o++] = (char)cp;
		else if (cp < 0x800) {
			out[o++] = (char)(0xc0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[o++] = (char)(0xe0 | (cp >> 12));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	return (long)o;
}

/* One line of JSON as vg_json_write makes it: exactly one '\n', at the
 * end; no other byte below 0x20; json-c parses it to an object. */
static __attribute__((unused)) void
fz_check_json_line(const struct vg_buf *b)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t i;

	FZ_ASSERT(!b->oom);
	FZ_ASSERT(b->len >= 3 && b->data[b->len - 1] == '\n');
	for (i = 0; i + 1 < b->len; i++)
		FZ_ASSERT((unsigned char)b->data[i] >= 0x20);
	tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH * 4);
	FZ_ASSERT(tok != NULL);
	o = json_tokener_parse_ex(tok, b->data, (int)(b->len - 1));
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success)
		fprintf(stderr, "json-c: %s\n%.*s\n", json_tokener_error_desc(
		    json_tokener_get_error(tok)), (int)b->len, b->data);
	FZ_ASSERT(o != NULL);
	FZ_ASSERT(json_object_is_type(o, json_type_object));
	json_object_put(o);
	json_tokener_free(tok);
}

#endif
