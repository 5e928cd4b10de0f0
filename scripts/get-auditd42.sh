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
# The packages are pinned below (sid's pool in December 2026, with the
# SHA256 of sid's Packages index). sid moves on and its pool drops
# superseded files: SID_PACKAGES=FILE (sid's Packages.xz, as apt fetches
# it) takes the current file names and sums from there instead.
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
if [ -n "${SID_PACKAGES:-}" ]; then
	# "Package Filename SHA256" for the packages wanted
	xz -dc "$SID_PACKAGES" | awk -v want=" $(echo $want) " '
		/^Package: / { p = $2; f = ""; s = "" }
		/^Filename: / { f = $2 }
		/^SHA256: / { s = $2 }
		/^$/ { if (index(want, " " p " ") && f != "") print p, f, s; p = "" }
	' >"$cache/want.txt"
else
	cat >"$cache/want.txt" <<'EOF'
audispd-plugins pool/main/a/audit/audispd-plugins_4.2.1-1_amd64.deb 68201b17ae4adba93408a1b70fbace9735623f26367067dfba6a05e4ac52ac76
auditd pool/main/a/audit/auditd_4.2.1-1_amd64.deb 858af708d8cf0b50671fdedd31ba61d889b293edc4dcc2d3a66a04c3560c4e22
libaudit-common pool/main/a/audit/libaudit-common_4.2.1-1_all.deb 4de394ffce62f7a50bf351e1c5c0473e028088f373937c37aae1a317450bb4af
libaudit1 pool/main/a/audit/libaudit1_4.2.1-1_amd64.deb 25d63a24df9d74aad48ed59bf5ac723bb66e35390c0013b1d6cd2aea5e80cebb
libauparse0t64 pool/main/a/audit/libauparse0t64_4.2.1-1_amd64.deb 8cf3679d7136838f50a4974df833c95fe74069af0ef7888b4199f714c43516d0
libauplugin1 pool/main/a/audit/libauplugin1_4.2.1-1_amd64.deb d4dbd1d124652b56813611706eeb9c0e83441358fe01c41a78741a33cfad09d5
libc6 pool/main/g/glibc/libc6_2.43-7_amd64.deb 5c71715c51103beb4fbba9fe9f8dff604af6610dfa71c70bff342f54a7860803
libcap-ng0 pool/main/libc/libcap-ng/libcap-ng0_0.9.6-1+b1_amd64.deb e9aa6dd94b6773fea96e405a0e2c7b7f29da33838901ec686935706d39a42e85
libzstd1 pool/main/libz/libzstd/libzstd1_1.5.7+dfsg-4_amd64.deb 93e7930e4c25b918f1dd980cc1c6d4487654a248f5fa71eacb976ed7bbe954bd
libssl3t64 pool/main/o/openssl/libssl3t64_3.6.5-1_amd64.deb 0a0ec84fe860c5c93c74d53cbb071aea0793327a3761b483080e9d7b73c21b37
EOF
fi
for p in $want; do
	grep -q "^$p " "$cache/want.txt" || skip "package $p not listed"
done
grep -q "^auditd .*_$ver-" "$cache/want.txt" ||
    skip "sid's auditd is not $ver any more: $(grep '^auditd ' "$cache/want.txt")"

rm -rf "$cache/root.tmp"
mkdir -p "$cache/root.tmp"
while read -r p f s; do
	deb=$cache/debs/${f##*/}
	if [ ! -s "$deb" ] ||
	    [ "$(sha256sum "$deb" | cut -d' ' -f1)" != "$s" ]; then
		curl -sfL -o "$deb.tmp" "$mirror/$f" || skip "cannot download" \
		    "$mirror/$f (gone from sid's pool? see SID_PACKAGES in $0)"
		[ "$(sha256sum "$deb.tmp" | cut -d' ' -f1)" = "$s" ] ||
		    skip "$f: SHA256 does not match"
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
