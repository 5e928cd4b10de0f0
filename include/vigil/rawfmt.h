/*
 * rawfmt.h: auditd RAW line formatting (src/outputs/raw.c), shared by the
 * raw file output, plugins and syslog.
 */
#ifndef VIGIL_RAWFMT_H
#define VIGIL_RAWFMT_H

#include <stdint.h>

#include "vigil/buf.h"
#include "vigil/event.h"

/* Body text with control bytes written as \xHH. */
void	vg_raw_body(struct vg_buf *, struct vg_str);
/* "[node=N ]type=NAME msg=audit(S.MS:N): " */
void	vg_raw_header(struct vg_buf *, const struct vg_event *, uint32_t type,
	    struct vg_str type_name);
/* All lines of an event (EOE line too if it had one); enriched != 0 adds
 * the 0x1D part kept from the input. */
void	vg_raw_event(struct vg_buf *, const struct vg_event *, int enriched);

#endif
