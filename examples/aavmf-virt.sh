#!/usr/bin/env bash
# Boots Debian's AAVMF on the AArch64 virt machine (TCG) to the UEFI shell with flashtrace
# recording the pflash traffic, powers off with `reset -s`, then replays the trace.
# Needs: qemu-system-arm qemu-efi-aarch64 expect (scripts/setup.sh --tests installs them).
# Usage: examples/aavmf-virt.sh [OUTDIR]   (default ./aavmf-boot)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
flashtrace=${FLASHTRACE:-$here/../.build/release/flashtrace}
[ -x "$flashtrace" ] || flashtrace=$here/../.build/debug/flashtrace
out=${1:-aavmf-boot}
mkdir -p "$out"
cp /usr/share/AAVMF/AAVMF_VARS.fd "$out/vars.fd"   # a fresh variable store: a first boot
"$flashtrace" record -o "$out/boot.jsonl" --force --keep-images "$out/initial" --timeout "${TIMEOUT:-600}" -- \
    expect "$here/uefi-shell.exp" \
    qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 \
    -drive if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd \
    -drive if=pflash,format=raw,file="$out/vars.fd" \
    -chardev stdio,id=ser0,signal=off -serial chardev:ser0 -display none -monitor none -net none
# The trace's header names the kept initial images, so replay needs no further flags.
"$flashtrace" replay "$out/boot.jsonl" --fail-on never
