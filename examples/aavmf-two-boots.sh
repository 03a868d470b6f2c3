#!/usr/bin/env bash
# Boots Debian's AAVMF twice on the AArch64 virt machine (TCG) with flashtrace recording: the
# first boot with a fresh variable store, the second with the store the first one left. Then
# compares the two boots and renders the first one as an HTML page.
# Needs: qemu-system-arm qemu-efi-aarch64 expect (scripts/setup.sh --tests installs them).
# Usage: examples/aavmf-two-boots.sh [OUTDIR]   (default ./aavmf-two-boots)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
flashtrace=${FLASHTRACE:-$here/../.build/release/flashtrace}
[ -x "$flashtrace" ] || flashtrace=$here/../.build/debug/flashtrace
out=${1:-aavmf-two-boots}
mkdir -p "$out"
cp /usr/share/AAVMF/AAVMF_VARS.fd "$out/vars.fd"   # a fresh variable store: a first boot
for boot in first second; do
    # --keep-images stores each boot's initial images, so replay and diff need no --image.
    "$flashtrace" record -o "$out/$boot.jsonl" --force --keep-images "$out/$boot-initial" --timeout "${TIMEOUT:-600}" -- \
        expect "$here/uefi-shell.exp" \
        qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 \
        -drive if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd \
        -drive if=pflash,format=raw,file="$out/vars.fd" \
        -chardev stdio,id=ser0,signal=off -serial chardev:ser0 -display none -monitor none -net none
done
"$flashtrace" replay "$out/first.jsonl" --format html -o "$out/first.html" --force --fail-on never -q
"$flashtrace" diff "$out/first.jsonl" "$out/second.jsonl" -q
