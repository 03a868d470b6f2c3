#!/bin/sh
# Boot: pc-ovmf-unified
# x86_64 pc (i440fx) + Debian's unified OVMF image (/usr/share/ovmf/OVMF.fd, code+vars, 2 MiB) as
# the ONLY pflash drive, writable (pflash unit 0, system.flash0). Boots to the UEFI shell, then `reset -s`.
# Usage: sh cmd.sh [SCRATCHDIR]
#   Builds the initial image and runs QEMU in SCRATCHDIR (default: a new temporary directory,
#   removed afterwards), then writes trace.log.xz, serial.log and inputs.sha256 next to this script.
# Needs: qemu-system-x86 ovmf expect xz-utils (QEMU 7.2.22 made the committed fixture).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-}
if [ -z "$WORK" ]; then WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
mkdir -p "$WORK" && cd "$WORK"
UNIFIED=/usr/share/ovmf/OVMF.fd
# initial image: a plain copy of the unified image
cp "$UNIFIED" ovmf.fd
sha256sum "$UNIFIED" ovmf.fd > inputs.sha256
rm -f trace.log serial.log
timeout 300 expect "$HERE/drive.exp" \
    qemu-system-x86_64 -M pc -m 512 \
    -drive if=pflash,format=raw,file=ovmf.fd \
    -trace 'pflash_*' -D trace.log -msg timestamp=on \
    -chardev stdio,id=ser0,logfile=serial.log,signal=off -serial chardev:ser0 \
    -display none -monitor none -net none
xz -9 -c trace.log > "$HERE/trace.log.xz"
cp serial.log inputs.sha256 "$HERE/"
