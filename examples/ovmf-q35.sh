#!/usr/bin/env bash
# Boots Debian's OVMF (4M build) on the x86 q35 machine (TCG) to the UEFI shell with flashtrace
# recording the pflash traffic, powers off with `reset -s`, then replays the trace.
# Needs: qemu-system-x86 ovmf expect (scripts/setup.sh --tests installs them).
# Usage: examples/ovmf-q35.sh [OUTDIR]   (default ./ovmf-boot)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
flashtrace=${FLASHTRACE:-$here/../.build/release/flashtrace}
[ -x "$flashtrace" ] || flashtrace=$here/../.build/debug/flashtrace
out=${1:-ovmf-boot}
mkdir -p "$out"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$out/vars.fd"
"$flashtrace" record -o "$out/boot.jsonl" --force --keep-images "$out/initial" --timeout "${TIMEOUT:-600}" -- \
    expect "$here/uefi-shell.exp" \
    qemu-system-x86_64 -M q35 -m 512 \
    -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
    -drive if=pflash,format=raw,file="$out/vars.fd" \
    -chardev stdio,id=ser0,signal=off -serial chardev:ser0 -display none -monitor none -net none
"$flashtrace" replay "$out/boot.jsonl" --fail-on never
