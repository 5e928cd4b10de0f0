/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * decode_sockaddr.h: a struct sockaddr -> members of the current object
 * (decode_sockaddr.c). Writes through layout_emit.h only.
 */
#ifndef VIGIL_DECODE_SOCKADDR_H
#define VIGIL_DECODE_SOCKADDR_H

#include <stddef.h>

#include "layout_emit.h"

/*
 * Decodes a struct sockaddr (raw bytes, as hex-decoded from saddr=) into
 * members of the current object (family, addr, port, path, ...), in the
 * byte order of L->endian (VG_END_UNKNOWN: guessed from the family
 * bytes). raw must be arena memory (members may point into it). A struct
 * too short for its family is counted in ->errors and kept as raw hex.
 */
void		vg_decode_sockaddr(struct vg_layout *, const unsigned char *raw,
		    size_t len);

#endif
