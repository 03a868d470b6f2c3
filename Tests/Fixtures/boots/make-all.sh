#!/bin/sh
# Regenerates every boot fixture in this folder by running each folder's cmd.sh in turn
# (each boots QEMU under TCG: about 15 s for the x86 boots, 7 s for U-Boot on an idle core).
# For people regenerating the fixtures by hand; tests must not run it (they use the
# committed trace.log.xz files and only rebuild the initial images; see README.md).
# Needs: qemu-system-x86 qemu-system-arm ovmf u-boot-qemu expect xz-utils.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
for boot in q35-ovmf4m-vars1m q35-ovmf2m-vars1m virt-uboot-bios pc-ovmf-unified; do
    echo "== $boot"
    sh "$HERE/$boot/cmd.sh"
    sh "$HERE/stats.sh" "$HERE/$boot/trace.log.xz"
done
