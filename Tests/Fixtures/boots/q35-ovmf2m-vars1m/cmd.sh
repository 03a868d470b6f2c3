#!/bin/sh
# Boot: q35-ovmf2m-vars1m
# x86_64 q35 + Debian OVMF 2M: OVMF_CODE.fd (1,966,080 B) read-only (pflash unit 0, system.flash0)
# and a 1 MiB vars image, writable (pflash unit 1, system.flash1): 0xe0000 zero bytes followed by a
# copy of OVMF_VARS.fd (131,072 B), so the varstore sits in the top 128 KiB of the device, where
# OVMF_CODE.fd looks for it (fixed address 0xFFE00000 = 4 GiB - 2 MiB; QEMU stacks flash1 right
# below flash0, so with a 1 MiB flash1 that address is flash1 offset 0xe0000).
# Boots to the UEFI shell, then `reset -s`.
# Usage: sh cmd.sh [SCRATCHDIR]
#   Builds the initial image and runs QEMU in SCRATCHDIR (default: a new temporary directory,
#   removed afterwards), then writes trace.log.xz, serial.log and inputs.sha256 next to this script.
# Needs: qemu-system-x86 ovmf expect xz-utils (QEMU 7.2.22 made the committed fixture).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-}
if [ -z "$WORK" ]; then WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
mkdir -p "$WORK" && cd "$WORK"
CODE=/usr/share/OVMF/OVMF_CODE.fd
VARS_TEMPLATE=/usr/share/OVMF/OVMF_VARS.fd
# initial image: 1 MiB = 0xe0000 zero bytes + the vars template (131,072 B)
{ head -c $((1048576 - $(stat -c %s "$VARS_TEMPLATE"))) /dev/zero; cat "$VARS_TEMPLATE"; } > vars1m.fd
test "$(stat -c %s vars1m.fd)" -eq 1048576
sha256sum "$CODE" "$VARS_TEMPLATE" vars1m.fd > inputs.sha256
rm -f trace.log serial.log
timeout 300 expect "$HERE/drive.exp" \
    qemu-system-x86_64 -M q35 -m 512 \
    -drive if=pflash,unit=0,format=raw,readonly=on,file="$CODE" \
    -drive if=pflash,unit=1,format=raw,file=vars1m.fd \
    -trace 'pflash_*' -D trace.log -msg timestamp=on \
    -chardev stdio,id=ser0,logfile=serial.log,signal=off -serial chardev:ser0 \
    -display none -monitor none -net none
xz -9 -c trace.log > "$HERE/trace.log.xz"
cp serial.log inputs.sha256 "$HERE/"
