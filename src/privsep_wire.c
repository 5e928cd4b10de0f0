/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privsep_wire.c: the datagrams the daemon and its privileged helper exchange
 * (vigil/privsep.h has the format): the helper's check of a request and
 * the descriptors either side takes off a message. Never sends or
 * receives; never logs.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "vigil/privsep.h"
#include "privsep_priv.h"

int
vg_privsep_parse(const void *buf, size_t len, struct vg_priv_req *r)
{
	struct vg_priv_hdr h;
	const char *p = buf;
	int need_spec, need_name;

	if (len < sizeof(h))
		goto bad;
	memcpy(&h, buf, sizeof(h));
	switch (h.type) {
	case VG_PRIV_PLUGIN:
		need_spec = need_name = 1;
		break;
	case VG_PRIV_ACTION:
	case VG_PRIV_CHOWN:
		need_spec = 1;
		need_name = 0;
		break;
	case VG_PRIV_RULES:
		need_spec = need_name = 0;
		break;
	default:
		goto bad;
	}
	if (h.type == VG_PRIV_ACTION ? h.key >= VG_PRIV_NKEYS : h.key != 0)
		goto bad;
	if (need_spec ? h.speclen == 0 || h.speclen > VG_PRIV_SPEC_MAX :
	    h.speclen != 0)
		goto bad;
	if (need_name ? h.namelen == 0 || h.namelen > VG_PRIV_NAME_MAX :
	    h.namelen != 0)
		goto bad;
	/* both bounded above: the sum cannot wrap */
	if ((size_t)h.speclen + h.namelen != len - sizeof(h))
		goto bad;
	p += sizeof(h);
	if (memchr(p, '\0', h.speclen) != NULL ||
	    memchr(p + h.speclen, '\0', h.namelen) != NULL)
		goto bad;
	r->type = (enum vg_priv_type)h.type;
	r->key = (enum vg_priv_key)h.key;
	memcpy(r->spec, p, h.speclen);
	r->spec[h.speclen] = '\0';
	memcpy(r->name, p + h.speclen, h.namelen);
	r->name[h.namelen] = '\0';
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

void
vg_privsep_take_fds(struct msghdr *m, int *fd)
{
	struct cmsghdr *c;
	size_t i, n;
	int v;

	*fd = -1;
	for (c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&v, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd == -1)
				*fd = v;
			else
				close(v);
		}
	}
}
