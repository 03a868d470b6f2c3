#!/bin/sh
# Makes formatted-vars.fd.xz, the initial vars image of both sessions: Debian's all-zero
# AAVMF_VARS.fd after one first boot to the UEFI shell and `reset -s`. Starting the sessions from
# it keeps the first boot's formatting (erase, FV and store headers, ~17 variables) out of their
# traces, so what they record is the session's own writes.
# Usage: sh make-formatted.sh [qemu-system-aarch64 [-L DIR]]   (writes into this folder)
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
QEMU=${1:-qemu-system-aarch64}
[ $# -gt 0 ] && shift
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cp /usr/share/AAVMF/AAVMF_VARS.fd "$TMP/vars.fd"
expect "$HERE/../../../examples/uefi-shell.exp" "$QEMU" "$@" -M virt -cpu cortex-a57 -m 512 \
    -drive if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd \
    -drive if=pflash,format=raw,file="$TMP/vars.fd" \
    -chardev stdio,id=ser0,signal=off -serial chardev:ser0 -display none -monitor none -net none
xz -9e -c "$TMP/vars.fd" > "$HERE/formatted-vars.fd.xz"
