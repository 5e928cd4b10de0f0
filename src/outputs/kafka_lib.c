/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kafka_lib.c: librdkafka opened with dlopen() by the first kafka: output
 * (kafka_lib.h says why); its functions looked up by name into vg_rdk.
 * Called from the main thread at open, before any output worker runs.
 */
#ifdef VG_HAVE_RDKAFKA
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "kafka_lib.h"

#define RDK_SONAME	"librdkafka.so.1"

struct vg_rdk vg_rdk;

static int loaded;		/* 0: not tried, 1: done, -1: failed */
static char why[256];

static int
load(void)
{
	struct vg_rdk t;
	void *h, *p;
	const char *e;

	if ((h = dlopen(RDK_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		e = dlerror();
		snprintf(why, sizeof(why), "cannot load %s: %s", RDK_SONAME,
		    e != NULL ? e : "unknown error");
		return -1;
	}
#define VG_RDK_LOAD(f)							\
	if ((p = dlsym(h, "rd_kafka_" #f)) == NULL) {			\
		snprintf(why, sizeof(why), "%s has no rd_kafka_" #f,	\
		    RDK_SONAME);					\
		dlclose(h);						\
		return -1;						\
	}								\
	memcpy(&t.f, &p, sizeof(p));
	VG_RDK_FUNCS(VG_RDK_LOAD)
#undef VG_RDK_LOAD
	vg_rdk = t;		/* the handle stays open for the process */
	return 0;
}

int
vg_rdk_load(char *msg, size_t len)
{
	if (loaded == 0)
		loaded = load() == 0 ? 1 : -1;
	if (loaded == -1) {
		snprintf(msg, len, "%s", why);
		return -1;
	}
	return 0;
}
#endif
