/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kafka_lib.h: the librdkafka functions the kafka output calls (kafka.c),
 * found with dlopen() when the first kafka: output opens (kafka_lib.c): a
 * daemon without one does not load librdkafka and its libraries (lz4,
 * zstd, sasl2, z) at start. The header is still needed to build.
 */
#ifndef VIGIL_KAFKA_LIB_H
#define VIGIL_KAFKA_LIB_H

#include <stddef.h>

#include <librdkafka/rdkafka.h>

/* Each name f is the library's rd_kafka_f. */
#define VG_RDK_FUNCS(X)							\
	X(conf_new) X(conf_dup) X(conf_destroy) X(conf_set)		\
	X(conf_set_dr_msg_cb) X(conf_set_log_cb) X(conf_set_opaque)	\
	X(new) X(destroy) X(opaque) X(poll) X(producev) X(purge)	\
	X(err2str) X(last_error) X(metadata) X(metadata_destroy)	\
	X(topic_new) X(topic_destroy)

#define VG_RDK_SLOT(f)	__typeof__(rd_kafka_##f) *f;
struct vg_rdk {
	VG_RDK_FUNCS(VG_RDK_SLOT)
};
#undef VG_RDK_SLOT

/* Filled by vg_rdk_load(); read only after it returned 0. */
extern struct vg_rdk vg_rdk;

/*
 * vg_rdk_load: opens librdkafka and finds its functions, once; later
 * calls return what the first did. 0, or -1 with why in msg (the library
 * or a function missing).
 */
int	vg_rdk_load(char *msg, size_t len);

#endif
