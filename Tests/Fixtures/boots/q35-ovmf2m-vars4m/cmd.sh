#!/bin/sh
# Boot: q35-ovmf2m-vars4m
# x86_64 q35 + Debian OVMF 2M code (OVMF_CODE.fd, read-only, system.flash0) with the vars file of
# the 4M build (a copy of OVMF_VARS_4M.fd, 540,672 B, system.flash1): a mismatched pair. The 2M
# firmware looks for its 128 KiB variable FV at 4 GiB - 2 MiB, which is flash1 offset 0x64000:
# inside the 4M FV's FTW spare block. It finds no FV there, formats one (FV header at seq 325),
# erases and writes around it, and later crashes in DXE (see serial.log).
# The committed trace.log.xz is the first 21,010 lines of QEMU's log (up to the firmware's
# return to read-array mode after its first writes; the whole log is 369,304 lines, 33 MB).
# Usage: sh cmd.sh [SCRATCHDIR]   (needs qemu-system-x86 ovmf expect xz-utils; QEMU 7.2.22 made it)
# The firmware never reaches the shell: expect times out (exit 2) and the script goes on.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-}
if [ -z "$WORK" ]; then WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
mkdir -p "$WORK" && cd "$WORK"
cp /usr/share/OVMF/OVMF_VARS_4M.fd vars.fd
sha256sum /usr/share/OVMF/OVMF_CODE.fd /usr/share/OVMF/OVMF_VARS_4M.fd > inputs.sha256
rm -f trace.log serial.log
timeout 120 expect "$HERE/drive.exp" \
    qemu-system-x86_64 -M q35 -m 512 \
    -drive if=pflash,unit=0,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
    -drive if=pflash,unit=1,format=raw,file=vars.fd \
    -trace 'pflash_*' -D trace.log -msg timestamp=on \
    -chardev stdio,id=ser0,logfile=serial.log,signal=off -serial chardev:ser0 \
    -display none -monitor none -net none || true
head -n 21010 trace.log | xz -9 > "$HERE/trace.log.xz"
cp serial.log inputs.sha256 "$HERE/"
