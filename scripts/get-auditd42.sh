#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# get-auditd42.sh [CACHE_DIR]: Debian sid's auditd and audisp-remote 4.2.1
# (TLS-capable: tls_auth = psk) runnable on Debian 12, for the interop
# tests (tests/integration/test_tls_auditd42.py, docs/fleet.md "TLS").
#
# The sid packages need glibc >= 2.38 (bookworm has 2.36), so they are
# unpacked with sid's libc6 and libssl3t64 into CACHE_DIR/root and run
# through that root's ld.so with --library-path (the root first, then
# the host's libraries for krb5, libwrap, libcap-ng...). Nothing is
# installed on the system. Prints CACHE_DIR/bin (holding the wrappers
# auditd and audisp-remote) on success; exits 77 with a message on
# stderr when the packages cannot be fetched.
#
# Packages are checked against the SHA256 of sid's Packages index
# (SID_PACKAGES, default /tmp/sid-Packages.xz, else downloaded).
set -eu

cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil/auditd42}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
want="auditd audispd-plugins libaudit1 libauparse0t64 libauplugin1
libaudit-common libc6 libssl3t64 libzstd1 libcap-ng0"
ver=4.2.1

skip() {
	echo "get-auditd42: $*" >&2
	exit 77
}

if [ -x "$cache/bin/auditd" ] && [ -x "$cache/bin/audisp-remote" ] &&
    [ -f "$cache/.ok-$ver" ]; then
	echo "$cache/bin"
	exit 0
fi
command -v dpkg-deb >/dev/null || skip "needs dpkg-deb"
command -v curl >/dev/null || skip "needs curl"
mkdir -p "$cache/debs"
idx=${SID_PACKAGES:-/tmp/sid-Packages.xz}
if [ ! -s "$idx" ]; then
	idx=$cache/Packages.xz
	curl -sfL -o "$idx.tmp" "$mirror/dists/sid/main/binary-amd64/Packages.xz" ||
	    skip "cannot download sid's Packages index from $mirror"
	mv "$idx.tmp" "$idx"
fi
# "Package Filename SHA256" for the packages wanted
xz -dc "$idx" | awk -v want=" $(echo $want) " '
	/^Package: / { p = $2; f = ""; s = "" }
	/^Filename: / { f = $2 }
	/^SHA256: / { s = $2 }
	/^$/ { if (index(want, " " p " ") && f != "") print p, f, s; p = "" }
' >"$cache/want.txt"
for p in $want; do
	grep -q "^$p " "$cache/want.txt" || skip "package $p not in sid's index"
done
grep -q "^auditd .*_$ver-" "$cache/want.txt" ||
    skip "sid's auditd is not $ver any more: $(grep '^auditd ' "$cache/want.txt")"

rm -rf "$cache/root.tmp"
mkdir -p "$cache/root.tmp"
while read -r p f s; do
	deb=$cache/debs/${f##*/}
	if [ ! -s "$deb" ] ||
	    [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$s" ]; then
		curl -sfL -o "$deb.tmp" "$mirror/$f" || skip "cannot download $f"
		[ "$(sha256sum "$deb.tmp" | cut -d' ' -f1)" = "$s" ] ||
		    skip "$f: SHA256 does not match sid's index"
		mv "$deb.tmp" "$deb"
	fi
	dpkg-deb -x "$deb" "$cache/root.tmp"
done <"$cache/want.txt"
rm -rf "$cache/root"
mv "$cache/root.tmp" "$cache/root"

root=$cache/root
# usrmerge: sid ships everything under /usr
sbin=$root/usr/sbin
[ -x "$sbin/auditd" ] || sbin=$root/sbin
ld=$root/usr/lib64/ld-linux-x86-64.so.2
[ -e "$ld" ] || ld=$root/lib64/ld-linux-x86-64.so.2
libs=$root/usr/lib/x86_64-linux-gnu:$root/lib/x86_64-linux-gnu
libs=$libs:/usr/lib/x86_64-linux-gnu:/lib/x86_64-linux-gnu
mkdir -p "$cache/bin"
for b in auditd audisp-remote; do
	[ -x "$sbin/$b" ] || skip "$b not in the unpacked packages"
	cat >"$cache/bin/$b" <<EOF
#!/bin/sh
# sid's $b $ver through sid's ld.so (scripts/get-auditd42.sh)
exec "$ld" --library-path "$libs" --argv0 "$b" "$sbin/$b" "\$@"
EOF
	chmod 755 "$cache/bin/$b"
done
"$cache/bin/auditd" -h >/dev/null 2>&1 || true
"$ld" --library-path "$libs" --list "$sbin/audisp-remote" >/dev/null ||
    skip "sid's audisp-remote does not load here"
"$ld" --library-path "$libs" --list "$sbin/auditd" >/dev/null ||
    skip "sid's auditd does not load here"
touch "$cache/.ok-$ver"
echo "$cache/bin"
