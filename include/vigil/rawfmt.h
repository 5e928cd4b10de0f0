/*
 * rawfmt.h: auditd RAW line formatting (src/outputs/raw.c), shared by the
 * raw file output, plugins and syslog.
 */
#ifndef VIGIL_RAWFMT_H
#define VIGIL_RAWFMT_H

#include <stdint.h>

#include "vigil/buf.h"
#include "vigil/event.h"
#include "vigil/record.h"

/* Body text with control bytes written as \xHH. */
void	vg_raw_body(struct vg_buf *, struct vg_str);
/* "[node=N ]type=NAME msg=audit(S.MS:N): " */
void	vg_raw_header(struct vg_buf *, const struct vg_event *, uint32_t type,
	    struct vg_str type_name);
#define VG_RAW_ENRICHED	0x01	/* add the 0x1D part kept from the input */
#define VG_RAW_NO_EOE	0x04	/* no EOE line (auditd's log has none) */
/* One record's line, '\n' included (EOE too: the caller skips it). */
void	vg_raw_record(struct vg_buf *, const struct vg_record *, int flags);
/* All lines of an event, with an EOE line if it had one unless
 * VG_RAW_NO_EOE (plugins and network outputs get EOE, as from auditd). */
void	vg_raw_event(struct vg_buf *, const struct vg_event *, int flags);

#endif
