/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * filter.h: the hook point between grouping and the outputs. A filter sees
 * the event and its document and passes, drops or replaces the document.
 * Lua filters (src/filter_lua.c) and C prefilters implement it.
 */
#ifndef VIGIL_FILTER_H
#define VIGIL_FILTER_H

#include <stdint.h>

#include "vigil/event.h"
#include "vigil/node.h"

enum vg_verdict {
	VG_PASS = 0,
	VG_DROP = 1,
};

struct vg_filter;

struct vg_filter_ops {
	const char	*name;
	/*
	 * *doc may be replaced by a new tree allocated in ev->arena. *doc
	 * NULL: the document is not built; read it through ev->view
	 * (vigil/view.h), which lays out the members read, and leave *doc
	 * NULL to pass the event unchanged.
	 */
	enum vg_verdict	(*run)(struct vg_filter *, struct vg_event *ev,
			    struct vg_node **doc);
	int		(*reload)(struct vg_filter *);	/* may be NULL */
	void		(*close)(struct vg_filter *);
};

struct vg_filter {
	const struct vg_filter_ops	*ops;
	void				*priv;
	char				*name;
	uint64_t			 passed, dropped, errors;
	uint64_t			 ns;	/* time in run(), if the
						 * filter measures it (Lua) */
	struct vg_filter		*next;
};

#endif
