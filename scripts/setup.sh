#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# setup.sh: installs what vigil needs to build, run and test on Debian 12
# (as root). Safe to run again. The auditd package is the reference
# implementation for tests; its service is kept from starting on install
# so it does not take the kernel's audit pid.
set -eu

PKGS="build-essential cmake pkg-config gperf libmnl-dev libevent-dev
liblua5.3-dev lua5.3 libjson-c-dev check librdkafka-dev
auditd libauparse-dev python3 jq clang libclang-rt-14-dev
nginx-light apache2-utils hyperfine linux-perf valgrind kcat rsyslog
openjdk-17-jre-headless maven procps iproute2 util-linux dpkg-dev logrotate
prometheus tmux libssl-dev openssl audispd-plugins zstd gzip xz-utils"

need=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || need="$need $p"
done
if [ -n "$need" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup.sh: missing packages:$need (run as root)" >&2
		exit 1
	fi
	guard=""
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		guard=1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >/dev/null
	[ -n "$guard" ] && rm -f /usr/sbin/policy-rc.d
fi
echo "setup.sh: dependencies installed"
