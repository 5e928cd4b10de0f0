/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * remote_proto.h: audisp-remote's wire format (src/remote_proto.c), as
 * auditd's network listener and the audisp-remote plugin speak it (the
 * "managed" format; docs/fleet.md). A message is a 16-byte header then
 * `length` bytes of text (one audit record):
 *	0	magic 0xff0000fe, least significant byte first (fe 00 00 ff)
 *	4	header version (0)
 *	5	message version (0)
 *	6	type, 32 bits LSB first (message, heartbeat, ack, ending ...)
 *	10	length of the text after the header, 16 bits LSB first
 *	12	sequence number, 32 bits LSB first; a reply copies it
 * The sender waits for the reply to each message before the next one
 * (audisp-remote) or keeps a window of them (vigild's remote output).
 * The "ascii" format is plain record lines, '\n' ended, never answered.
 */
#ifndef VIGIL_REMOTE_PROTO_H
#define VIGIL_REMOTE_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define VG_RMW_HDR		16
#define VG_RMW_MAGIC		0xff0000feU
#define VG_RMW_VERSION		0
/* Longest text after a header (auditd's MAX_AUDIT_MESSAGE_LENGTH). */
#define VG_RMW_MAX_MSG		8970

#define VG_RMW_MESSAGE		0x00000000U
#define VG_RMW_HEARTBEAT	0x00000001U
#define VG_RMW_ACK		0x40000000U
#define VG_RMW_ENDING		0x40000001U	/* the server is going away */
#define VG_RMW_DISKLOW		0x50000001U	/* warnings with text */
#define VG_RMW_DISKFULL		0x60000001U
#define VG_RMW_DISKERROR	0x60000002U
#define VG_RMW_REPLY		0x40000000U	/* bit: a server's reply */

struct vg_rmw_hdr {
	uint8_t		 hver;
	uint8_t		 mver;
	uint32_t	 type;
	uint16_t	 len;
	uint32_t	 seq;
};

/* Writes a header for len bytes of text into out. */
void	vg_rmw_pack(unsigned char out[VG_RMW_HDR], uint32_t type,
	    uint16_t len, uint32_t seq);
/* Reads a header from p[0..16). 0, or -1 if the magic is not there. */
int	vg_rmw_unpack(const unsigned char *p, struct vg_rmw_hdr *);

enum vg_rmw_kind {
	VG_RMW_NEED = 0,	/* more bytes needed (none consumed) */
	VG_RMW_FRAME,		/* a managed message: hdr, text */
	VG_RMW_LINE,		/* an ascii line, without its '\n' */
	VG_RMW_BAD,		/* cannot be framed: why says what */
};

/* What vg_rmw_next found. text points into the caller's buffer. */
struct vg_rmw_frame {
	enum vg_rmw_kind	 kind;
	struct vg_rmw_hdr	 hdr;		/* VG_RMW_FRAME */
	const char		*text;
	size_t			 len;
	size_t			 used;		/* bytes to consume */
	const char		*why;		/* VG_RMW_BAD */
};

/*
 * The next message at buf[0..len). A buffer that starts with the magic
 * (or a prefix of it) is a managed message: header version 0 and a
 * length of at most VG_RMW_MAX_MSG, else VG_RMW_BAD; anything else is an
 * ascii line of at most max_line bytes ('\n' included), longer is
 * VG_RMW_BAD. Never reads past buf[len); never allocates.
 */
enum vg_rmw_kind vg_rmw_next(const unsigned char *buf, size_t len,
	    size_t max_line, struct vg_rmw_frame *);

#endif
