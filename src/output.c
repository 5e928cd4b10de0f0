/*
 * output.c: the output registry (one line per output kind) and the
 * generic open/write/close around each output's ops.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/log.h"
#include "vigil/output.h"

extern const struct vg_output_ops vg_output_json;
extern const struct vg_output_ops vg_output_raw;
extern const struct vg_output_ops vg_output_auditd;
extern const struct vg_output_ops vg_output_enriched;

static const struct vg_output_ops *const registry[] = {
	&vg_output_json,
	&vg_output_raw,
	&vg_output_auditd,
	&vg_output_enriched,
};

const struct vg_output_ops *
vg_output_lookup(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (strlen(registry[i]->name) == len &&
		    memcmp(registry[i]->name, name, len) == 0)
			return registry[i];
	return NULL;
}

struct vg_output *
vg_output_open(const char *spec)
{
	const struct vg_output_ops *ops;
	const char *colon = strchr(spec, ':');
	struct vg_output *o;

	if (colon == NULL || (ops = vg_output_lookup(spec,
	    (size_t)(colon - spec))) == NULL) {
		vg_log_warnx("unknown output \"%s\" (expected NAME:ARG, "
		    "NAME one of json, raw, enriched, auditd)", spec);
		errno = EINVAL;
		return NULL;
	}
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->ops = ops;
	if ((o->spec = strdup(spec)) == NULL || ops->open(o, colon + 1) == -1) {
		free(o->spec);
		free(o);
		return NULL;
	}
	return o;
}

int
vg_output_write(struct vg_output *o, const struct vg_event *ev,
    const struct vg_node *doc)
{
	if (o->ops->write(o, ev, doc) == -1) {
		o->stats.failed++;
		return -1;
	}
	o->stats.sent++;
	return 0;
}

void
vg_output_close(struct vg_output *o)
{
	if (o == NULL)
		return;
	o->ops->close(o);
	free(o->spec);
	free(o);
}
