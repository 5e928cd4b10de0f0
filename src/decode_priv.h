/*
 * decode_priv.h: helpers shared by the decoder files (decode.c,
 * decode_execve.c, decode_sockaddr.c); not a module interface. Everything
 * allocates from the event arena only.
 */
#ifndef VIGIL_DECODE_PRIV_H
#define VIGIL_DECODE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/arena.h"
#include "vigil/node.h"
#include "vigil/record.h"

/* Byte order of binary structures in records (sockaddr). */
#define VG_END_UNKNOWN	0
#define VG_END_LITTLE	1
#define VG_END_BIG	2

/*
 * Decodes a struct sockaddr (raw bytes, as hex-decoded from saddr=) into
 * members of obj (family, addr, port, path, ...). endian: byte order of
 * the host that wrote it (from the event's arch), or VG_END_UNKNOWN to
 * guess from the family bytes. raw must be arena memory (members may
 * point into it). Returns 0, or -1 on arena exhaustion. A struct too short
 * for its family is counted in *errors and kept as raw hex.
 */
int		vg_decode_sockaddr(struct vg_arena *, struct vg_node *obj,
		    const unsigned char *raw, size_t len, int endian,
		    unsigned long *errors);

/* Text value of a field: hex-decoded into the arena when it is written
 * bare and is hex (encoded audit string), else the slice as is. Sets *oom
 * on arena exhaustion. */
struct vg_str	vg_decode_text(struct vg_arena *, const struct vg_field *,
		    int *oom);

/* EXECVE assembly across several records (decode_execve.c). */
struct vg_execve;
struct vg_execve *vg_execve_new(struct vg_arena *, struct vg_node *obj);
/* Takes one field of an EXECVE record; 0, or -1 if it is not an argument
 * field (argc, aN, aN_len, aN[i]) and the caller should keep it as a
 * generic member. Sets *oom on arena exhaustion. */
int		vg_execve_field(struct vg_execve *, const struct vg_field *,
		    int *oom);
/* Adds argc, argv and (if arguments were lost) missing to the object.
 * Returns 0 or -1 (ENOMEM). */
int		vg_execve_finish(struct vg_execve *);

#endif
