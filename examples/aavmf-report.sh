#!/usr/bin/env bash
# The reports of a real boot: the shared AAVMF first boot (../shared/traces) as an HTML page with
# its screenshot, a SARIF log and a Chrome/Perfetto trace, and its diff with the second boot in
# examples/traces (which started from the variable store the first one left).
# Needs: xz-utils, qemu-efi-aarch64 (AAVMF_VARS.fd), chromium (for the screenshot only).
# Usage: examples/aavmf-report.sh [OUTDIR]   (default ./aavmf-report; the screenshot is OUTDIR/report.png)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
flashtrace=${FLASHTRACE:-$here/../.build/release/flashtrace}
[ -x "$flashtrace" ] || flashtrace=$here/../.build/debug/flashtrace
shared=${SHARED:-$here/../../shared}
out=${1:-aavmf-report}
mkdir -p "$out"
xz -dc "$shared/traces/aarch64-virt-aavmf-firstboot/trace.log.xz" > "$out/first.log"
xz -dc "$shared/traces/aarch64-virt-aavmf-firstboot/vars-after.fd.xz" > "$out/vars-after-first.fd"
xz -dc "$here/traces/aarch64-virt-aavmf-secondboot.log.xz" > "$out/second.log"
cd "$out"
vars=virt.flash1=/usr/share/AAVMF/AAVMF_VARS.fd   # the first boot's initial variable store
"$flashtrace" replay first.log --image "$vars" --format html -o report.html --force --fail-on never -q
"$flashtrace" replay first.log --image "$vars" --format sarif -o report.sarif --force --fail-on never -q
"$flashtrace" convert first.log --image "$vars" --to chrome-json -o first.trace.json --force -q
if command -v chromium >/dev/null; then
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,1800 \
        --screenshot="$PWD/report.png" "file://$PWD/report.html" 2>/dev/null
fi
echo "wrote $out/report.html, report.png, report.sarif, first.trace.json" >&2
"$flashtrace" diff first.log second.log --image-a "$vars" --image-b virt.flash1=vars-after-first.fd -q
