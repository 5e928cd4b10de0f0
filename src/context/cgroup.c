/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgroup.c: the container (runtime, id, Kubernetes pod) and the systemd
 * unit and slice that a cgroup path names, as the runtimes name their
 * cgroups (systemd and cgroupfs drivers). Pure text work: no I/O, no
 * allocation; what it cannot tell it leaves empty.
 */
#include <stdio.h>
#include <string.h>

#include "ctx_priv.h"

const char *
vg_ctx_runtime_name(int rt)
{
	switch (rt) {
	case RT_DOCKER: return "docker";
	case RT_CONTAINERD: return "containerd";
	case RT_CRIO: return "cri-o";
	case RT_PODMAN: return "podman";
	case RT_LXC: return "lxc";
	case RT_KUBEPODS: return "kubernetes";
	default: return NULL;
	}
}

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* A container id: 12..64 lower-case hex digits. */
static int
is_cid(const char *s, size_t n)
{
	return n >= 12 && n <= 64 && is_hex(s, n);
}

static int
ends(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);

	return n >= l && memcmp(s + n - l, suf, l) == 0;
}

static int
starts(const char *s, size_t n, const char *pre)
{
	size_t l = strlen(pre);

	return n >= l && memcmp(s, pre, l) == 0;
}

static void
put(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "<prefix><id>.scope" (systemd driver) with the given prefixes. */
static int
scope_id(const char *c, size_t n, const char *pre, struct ctx_cgroup *cg,
    int rt)
{
	size_t pl = strlen(pre);

	if (!starts(c, n, pre) || !ends(c, n, ".scope") ||
	    !is_cid(c + pl, n - pl - 6))
		return 0;
	put(cg->id, sizeof(cg->id), c + pl, n - pl - 6);
	cg->runtime = (uint8_t)rt;
	return 1;
}

/* One path component; prev is the component before it (or NULL). */
static void
component(const char *c, size_t n, const char *prev, size_t pn,
    struct ctx_cgroup *cg)
{
	size_t i, o;

	/* a container's scope is the runtime's, not a unit of the host */
	if (scope_id(c, n, "docker-", cg, RT_DOCKER) ||
	    scope_id(c, n, "cri-containerd-", cg, RT_CONTAINERD) ||
	    scope_id(c, n, "crio-", cg, RT_CRIO) ||
	    scope_id(c, n, "libpod-", cg, RT_PODMAN))
		return;
	if (ends(c, n, ".slice"))
		put(cg->slice, sizeof(cg->slice), c, n);
	else if (ends(c, n, ".service") || ends(c, n, ".scope"))
		put(cg->unit, sizeof(cg->unit), c, n);
	/* Kubernetes: kubepods-besteffort-pod<uid>.slice, pod<uid> */
	if (starts(c, n, "kubepods") || (prev != NULL &&
	    starts(prev, pn, "kubepods")) || starts(c, n, "pod")) {
		const char *p = NULL;

		for (i = 0; i + 3 < n; i++)
			if (memcmp(c + i, "pod", 3) == 0 &&
			    (i == 0 || c[i - 1] == '-')) {
				p = c + i + 3;
				break;
			}
		if (p != NULL) {
			size_t l = (size_t)(c + n - p);

			if (ends(p, l, ".slice"))
				l -= 6;
			if (l >= 32 && l < sizeof(cg->pod)) {
				/* systemd writes the uid's '-' as '_' */
				for (o = 0; o < l; o++)
					cg->pod[o] = p[o] == '_' ? '-' : p[o];
				cg->pod[l] = '\0';
				if (cg->runtime == RT_NONE)
					cg->runtime = RT_KUBEPODS;
			}
		}
	}
	if (prev == NULL || !is_cid(c, n))
		goto lxc;
	/* cgroupfs drivers: /docker/<id>, /libpod_parent/libpod-<id>,
	 * /kubepods/<qos>/pod<uid>/<id> */
	if (pn == 6 && memcmp(prev, "docker", 6) == 0) {
		put(cg->id, sizeof(cg->id), c, n);
		cg->runtime = RT_DOCKER;
	} else if (cg->pod[0] != '\0' && starts(prev, pn, "pod")) {
		put(cg->id, sizeof(cg->id), c, n);
	}
	return;
lxc:
	if (starts(c, n, "libpod-") && is_cid(c + 7, n - 7)) {
		put(cg->id, sizeof(cg->id), c + 7, n - 7);
		cg->runtime = RT_PODMAN;
	} else if (starts(c, n, "lxc.payload.") && n > 12) {
		put(cg->id, sizeof(cg->id), c + 12, n - 12);
		cg->runtime = RT_LXC;
	} else if (prev != NULL && pn == 3 && memcmp(prev, "lxc", 3) == 0 &&
	    cg->runtime == RT_NONE) {
		put(cg->id, sizeof(cg->id), c, n);
		cg->runtime = RT_LXC;
	}
}

int
vg_ctx_cgroup_parse(const char *path, size_t len, struct ctx_cgroup *cg)
{
	const char *p = path, *end = path + len, *c, *prev = NULL;
	size_t n, pn = 0;

	memset(cg, 0, sizeof(*cg));
	while (p < end) {
		while (p < end && *p == '/')
			p++;
		c = p;
		while (p < end && *p != '/')
			p++;
		if ((n = (size_t)(p - c)) == 0)
			break;
		component(c, n, prev, pn, cg);
		prev = c;
		pn = n;
	}
	return cg->id[0] != '\0' || cg->pod[0] != '\0' ||
	    cg->unit[0] != '\0' || cg->slice[0] != '\0';
}

int
vg_ctx_cgroup_file(const char *text, size_t len, struct ctx_cgroup *cg)
{
	const char *l = text, *end = text + len, *nl, *path;
	struct ctx_cgroup best, one;
	int found = 0;

	memset(&best, 0, sizeof(best));
	for (; l < end; l = nl + 1) {
		if ((nl = memchr(l, '\n', (size_t)(end - l))) == NULL)
			nl = end;
		/* "hierarchy-ID:controllers:path" */
		if ((path = memchr(l, ':', (size_t)(nl - l))) == NULL ||
		    (path = memchr(path + 1, ':', (size_t)(nl - path - 1))) ==
		    NULL)
			continue;
		path++;
		if (!vg_ctx_cgroup_parse(path, (size_t)(nl - path), &one))
			continue;
		/* the v2 line (0::) wins; else the one naming a container */
		if (l[0] == '0' && l[1] == ':' && l[2] == ':') {
			*cg = one;
			return 1;
		}
		if (!found || (best.id[0] == '\0' && one.id[0] != '\0')) {
			best = one;
			found = 1;
		}
	}
	*cg = best;
	return found;
}
