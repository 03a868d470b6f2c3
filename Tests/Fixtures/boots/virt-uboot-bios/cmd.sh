#!/bin/sh
# Boot: virt-uboot-bios
# aarch64 virt + Debian's U-Boot (u-boot-qemu, qemu_arm64/u-boot.bin) given with -bios: QEMU then
# creates virt.flash0 with no drive, writable, holding u-boot.bin followed by zero bytes (64 MiB);
# virt.flash1 is a 64 MiB all-0xFF file (pflash unit 1, where U-Boot keeps its environment).
# drive.exp stops autoboot, runs flinfo, erases/programs on both flashes, saveenv, then poweroff.
# Usage: sh cmd.sh [SCRATCHDIR]
#   Builds the initial images and runs QEMU in SCRATCHDIR (default: a new temporary directory,
#   removed afterwards), then writes trace.log.xz, serial.log and inputs.sha256 next to this script.
# Needs: qemu-system-arm u-boot-qemu expect xz-utils (QEMU 7.2.22 made the committed fixture).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-}
if [ -z "$WORK" ]; then WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT; fi
mkdir -p "$WORK" && cd "$WORK"
UBOOT=/usr/lib/u-boot/qemu_arm64/u-boot.bin
# flash1: 64 MiB of 0xFF (erased flash)
head -c 64M /dev/zero | tr '\0' '\377' > flash1.img
# flash0 is not a file QEMU reads: this is what virt.flash0 holds at reset (u-boot.bin, then
# zeros to 64 MiB), built here only so a replay can be given it (--image virt.flash0=flash0.img)
cp "$UBOOT" flash0.img
truncate -s 64M flash0.img
sha256sum "$UBOOT" flash0.img flash1.img > inputs.sha256
rm -f trace.log serial.log
timeout 300 expect "$HERE/drive.exp" \
    qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 \
    -bios "$UBOOT" \
    -drive if=pflash,unit=1,format=raw,file=flash1.img \
    -trace 'pflash_*' -D trace.log -msg timestamp=on \
    -chardev stdio,id=ser0,logfile=serial.log,signal=off -serial chardev:ser0 \
    -display none -monitor none -net none
xz -9 -c trace.log > "$HERE/trace.log.xz"
cp serial.log inputs.sha256 "$HERE/"
