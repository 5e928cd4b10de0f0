/*
 * json_direct_priv.h: the direct JSON writer's state, shared by
 * json_direct.c (events, records, the field loop) and json_syscall.c (the
 * start of a SYSCALL record); not a module interface.
 */
#ifndef VIGIL_JSON_DIRECT_PRIV_H
#define VIGIL_JSON_DIRECT_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "decode_priv.h"
#include "json_memo.h"
#include "vigil/buf.h"

#define MAXDEPTH	6	/* root, paths, record, sockaddr: 4 is enough */
#define TABSZ		128	/* member names checked per record object */
#define MAXNAMES	64	/* more members than this: declined */
#define MAXRKEYS	16	/* rule keys per event */
#define MAXGENERIC	8	/* distinct other record types per event */

struct name {
	const char	*p;
	uint32_t	 len;
	uint32_t	 gen;		/* valid when == vg_jdirect.gen */
};

/* Recording what a piece of record text gives, for the memo. */
struct recording {
	int		 on;
	int		 bad;		/* depends on more than its text */
	uint32_t	 tag;
	uint64_t	 hash;
	const char	*text;
	size_t		 len;
	size_t		 start;		/* of its JSON in the body */
	unsigned	 nnames0;	/* names before it */
	unsigned long	 errors0;
	struct vg_str	 keys[VG_MEMO_KEYS];
	unsigned	 nkeys;
	struct vg_memo_name names[MAXNAMES];
};

struct vg_jdirect {
	struct vg_sink	 s;		/* first: the sink ops get this */
	struct vg_buf	 body;		/* records, written before the header */
	struct vg_buf	*b;		/* where the sink writes */
	int		 depth;		/* of the current container; 0 root */
	uint8_t		 more[MAXDEPTH];	/* a member written there */
	uint8_t		 arr[MAXDEPTH];		/* container is an array */
	int		 check;		/* depth whose names must be unique */
	uint32_t	 gen;
	unsigned	 nnames;
	struct name	 tab[TABSZ];
	struct vg_str	 rkeys[MAXRKEYS];
	unsigned	 nrkeys;
	struct vg_memo	*memo;
	struct recording rec;
	unsigned long	 memo_hits;
	unsigned long	 head_hits;	/* vg_jd_syscall_head() took it */
	uint32_t	 head_mask;	/* its names not yet filed in tab */
	int		 in_path;	/* note the item= of a PATH record */
	uint64_t	 item;
	int		 declined;
};

/* FNV-1a of a member name; *ok: it needs no escaping. */
uint32_t	vg_jd_name_hash(struct vg_str, unsigned *ok);
/* The separator and "name": of a new member (h, ok from the above), with
 * room for extra more bytes; 0, or -1 if out of memory. */
int		vg_jd_member(struct vg_jdirect *, struct vg_str, uint32_t h,
		    unsigned ok, size_t extra);
/* Files a name in the record object's table: 0, or -1 if there. */
int		vg_jd_tab_put(struct vg_jdirect *, struct vg_str, uint32_t h);
/*
 * The start of a SYSCALL record's body (arch= syscall= success= exit=
 * a0= a1= a2= a3= items=, as the kernel writes it), written as the field
 * loop would write it. Returns how many bytes of body it took (the rest is
 * for the field loop) and sets *nfields, or 0 with nothing written when
 * the text has another shape.
 */
size_t		vg_jd_syscall_head(struct vg_jdirect *, struct vg_frec *,
		    struct vg_str body, unsigned *nfields);
/* The SYSCALL start's names are counted but filed lazily (head_mask):
 * this files them, before a name that could repeat one is checked. */
void		vg_jd_head_file(struct vg_jdirect *);
/* Whether a name (hash: vg_jd_name_hash's) is one the SYSCALL start may
 * write. */
int		vg_jd_head_name(struct vg_str, uint32_t hash);

#endif
