#!/usr/bin/env bash
# Installs QEMU 10.0.2 (Debian's bookworm-backports build) into a private prefix beside the
# system's 7.2.22, without touching it (../shared/notes/qemu-versions.md): the tests compare the
# model with both. Idempotent; prints the prefix's qemu-system-aarch64 path.
# Usage: scripts/qemu-10.sh [PREFIX]   (default: /opt/flashtrace-qemu-10.0.2)
set -euo pipefail
prefix=${1:-/opt/flashtrace-qemu-10.0.2}
version='1:10.0.2+ds-2+deb13u1~bpo12+1'
bin="$prefix/usr/bin/qemu-system-aarch64"
if [ -x "$bin" ] && "$bin" -L "$prefix/usr/share/qemu" --version 2>/dev/null | grep -q "version 10.0.2"; then
    echo "$bin"; exit 0
fi
sudo_cmd=""
[ "$(id -u)" = 0 ] || sudo_cmd="sudo"
list=/etc/apt/sources.list.d/bookworm-backports.sources
if [ ! -f "$list" ]; then
    # The mirror Debian 12 already uses; without a pin nothing is taken from backports unless asked.
    uri=$(sed -n 's/^URIs: //p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
    uri=${uri:-http://deb.debian.org/debian}
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" \
        | $sudo_cmd tee "$list" >/dev/null
fi
work=$(mktemp -d)
chmod 755 "$work"   # apt-get download hands the files to its _apt user
trap 'rm -rf "$work"' EXIT
cd "$work"
if ! apt-get download -q qemu-system-arm="$version" qemu-system-x86="$version" qemu-system-common="$version" qemu-system-data="$version" >/dev/null 2>&1; then
    $sudo_cmd apt-get update -qq
    apt-get download -q qemu-system-arm="$version" qemu-system-x86="$version" qemu-system-common="$version" qemu-system-data="$version" >/dev/null
fi
$sudo_cmd mkdir -p "$prefix"
for f in *.deb; do $sudo_cmd dpkg -x "$f" "$prefix"; done
"$bin" -L "$prefix/usr/share/qemu" --version | head -n 1 >&2
echo "$bin"
