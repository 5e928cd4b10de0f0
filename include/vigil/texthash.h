/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * texthash.h: the hash of a record's text for the memos that remember
 * what a text gave (src/json_memo.c: its JSON; src/field_memo.c: where a
 * field is; src/context/ctx_event.c: its SYSCALL fields), and their one
 * rule for what to keep (vg_text_seen). A hit always compares the whole
 * text: equal hashes of different texts only cost a miss.
 */
#ifndef VIGIL_TEXTHASH_H
#define VIGIL_TEXTHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t
vg_text_mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ h >> 32;
}

/*
 * Hashes seed, the length, the first 128 and the last 32 bytes, sixteen
 * bytes a step: texts of one process differ in a few bytes (a syscall's
 * arguments, its pid), and at their start or end; a sample of the middle
 * made such texts fight over one slot.
 */
static inline uint64_t
vg_text_hash(uint64_t seed, const char *p, size_t n)
{
	uint64_t h = vg_text_mix(0x9e3779b97f4a7c15ull ^ seed, n), w, v;
	const char *end = p + n;

	if (n > 160) {
		for (; p < end - n + 128; p += 16) {
			memcpy(&w, p, 8);
			memcpy(&v, p + 8, 8);
			h = vg_text_mix(h ^ w, v);
		}
		p = end - 32;
	}
	for (; end - p >= 16; p += 16) {
		memcpy(&w, p, 8);
		memcpy(&v, p + 8, 8);
		h = vg_text_mix(h ^ w, v);
	}
	if (end - p >= 8) {
		memcpy(&w, p, 8);
		h = vg_text_mix(h, w);
		p += 8;
	}
	if (end > p) {
		w = 0;
		memcpy(&w, p, (size_t)(end - p));
		h = vg_text_mix(h, w);
	}
	return h;
}

/*
 * The memos keep a text from its second sighting on: a text seen once (an
 * accept's address with its client port) must not push out one that
 * repeats. seen holds npairs pairs of the last two hashes missed in each;
 * two texts that take turns in one pair do not keep each other out.
 * Returns 1 if hash is one of its pair's (keep it now); notes it else.
 */
static inline int
vg_text_seen(uint64_t *seen, size_t npairs, uint64_t hash)
{
	uint64_t *pair = &seen[(hash >> 32) % npairs * 2];

	if (pair[0] == hash || pair[1] == hash)
		return 1;
	pair[1] = pair[0];
	pair[0] = hash;
	return 0;
}

#endif
