/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ecs.h: an event document as Elastic Common Schema (src/context/ecs.c),
 * for json outputs with format=ecs (docs/outputs.md, ECS).
 */
#ifndef VIGIL_ECS_H
#define VIGIL_ECS_H

#include "vigil/buf.h"
#include "vigil/node.h"

/* Appends the ECS document of doc (the tree, context included) and '\n'
 * to b; tmp is scratch space kept by the caller. */
void	vg_ecs_write(const struct vg_node *doc, struct vg_buf *b,
	    struct vg_buf *tmp);

#endif
